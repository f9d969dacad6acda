//! Halls, seats (VR clients) and their models (seed 000 §2–3), and what is printed for a seat:
//! its QR code (PNG, SVG) and a hall's print sheet (PDF, ZIP), read back with real tools.

use cinedesk_testkit::qr::{decode_svg, pdf_cells_decoded, pdf_cells_zbar, pdf_page_text, png_codes, zip_entries};
use serde_json::{json, Value};

use crate::helpers::{keys, spawn_app, TestApp};

const TEMPLATE: &str = "https://wx.example.cn/s/{sceneNumber}?t={qrToken}";

#[tokio::test]
async fn halls_are_listed_by_cinema_id_and_code_and_updated() {
    let app = spawn_app().await;
    let cinema = app.cinema("c1").await;
    let hall = app.hall(&cinema, "c1_h1").await;
    let (_, halls) = app.get(&format!("/cms/halls?cinema_id={cinema}&hall_id={hall}&hall_code=c1_h1")).await;
    assert_eq!(halls["itemList"][0]["hallID"], hall.as_str());
    assert_eq!(app.put(&format!("/cms/halls/{hall}"), json!({"numberOfSeats": 30})).await.0, 200);
}

#[tokio::test]
async fn hmd_and_seat_models_are_created_listed_by_id_updated_and_deleted() {
    let app = spawn_app().await;
    let hmd = app
        .create("/cms/hmd_models", "hmdModelID", json!({"modelCode": "hmd109", "name": "Pico 4", "refreshRateHz": 90}))
        .await;
    let seat_model = app
        .create(
            "/cms/seat_models",
            "seatModelID",
            json!({"modelCode": "vr0109", "name": "动感座椅", "effects": ["WIND"]}),
        )
        .await;
    let other_hmd =
        app.create("/cms/hmd_models", "hmdModelID", json!({"modelCode": "hmd200", "name": "Quest 3"})).await;
    let (_, models) = app.get(&format!("/cms/hmd_models?id={hmd}")).await;
    assert_eq!(models["itemList"][0]["modelCode"], "hmd109");
    let (_, both) = app.get(&format!("/cms/hmd_models?id={hmd}&id={other_hmd}")).await;
    assert_eq!(both["totalCount"], 2, "repeated id keys select several models: {both}");
    let (_, seats_models) = app.get(&format!("/cms/seat_models?id={seat_model}")).await;
    assert_eq!(seats_models["itemList"][0]["modelCode"], "vr0109", "{seats_models}");
    assert_eq!(app.put(&format!("/cms/hmd_models/{other_hmd}"), json!({"name": "Quest 3S"})).await.0, 200);
    assert_eq!(app.delete(&format!("/cms/hmd_models?id={other_hmd}")).await.0, 200, "an unused model goes");
    assert_eq!(app.put(&format!("/cms/seat_models/{seat_model}"), json!({"maxLoadKg": 120})).await.0, 200);
}

/// A seat of the seed's example in `hall`, with an HMD model hmd109 and a seat model vr0109.
async fn example_seat(app: &TestApp, hall: &str) -> (String, String) {
    let hmd = app.create("/cms/hmd_models", "hmdModelID", json!({"modelCode": "hmd109", "name": "Pico 4"})).await;
    app.create("/cms/seat_models", "seatModelID", json!({"modelCode": "vr0109", "name": "动感座椅"})).await;
    let client = app
        .create(
            "/cms/vr_clients",
            "clientID",
            json!({"hallID": hall, "seatNumber": "02", "hostModel": "windows07", "seatModel": "vr0109",
                   "HMDModel": "hmd109", "MACAddr": "99:ed:9d:3b:e8:36", "IPAddr": "192.168.8.28", "description": "描述"}),
        )
        .await;
    (client, hmd)
}

#[tokio::test]
async fn seats_are_created_one_by_one_or_in_a_batch() {
    let app = spawn_app().await;
    let cinema = app.cinema("c1").await;
    let hall = app.hall(&cinema, "c1_h1").await;
    example_seat(&app, &hall).await;
    let (status, batch) = app
        .post(
            "/cms/vr_clients/_batch",
            json!([{"hallID": hall, "seatNumber": "03", "IPAddr": "192.168.8.29"},
                   {"hallID": hall, "seatNumber": "04", "IPAddr": "192.168.8.30"}]),
        )
        .await;
    assert_eq!((status, batch["clientIDList"].as_array().map(Vec::len)), (200, Some(2)), "{batch}");
    let (_, seats) = app.get(&format!("/cms/vr_clients?cinema_id={cinema}&hall_id={hall}")).await;
    assert_eq!(seats["totalCount"], 3);
}

#[tokio::test]
async fn a_seat_has_the_seeds_fields_and_its_liveness_qr_token_and_fault() {
    let app = spawn_app().await;
    let cinema = app.cinema("c1").await;
    let hall = app.hall(&cinema, "c1_h1").await;
    example_seat(&app, &hall).await;
    let (_, seats) = app.get(&format!("/cms/vr_clients?cinema_id={cinema}&hall_id={hall}")).await;
    let seat = &seats["itemList"][0];
    let mut expected = vec![
        "HMDModel",
        "IPAddr",
        "MACAddr",
        "cinemaID",
        "clientID",
        "description",
        "hallID",
        "hostModel",
        "sceneNumber",
        "seatModel",
        "seatNumber",
        "status",
        "lastSeen",
        "online",
        "qrToken",
        "fault",
    ];
    expected.sort();
    let mut got = keys(seat);
    got.sort();
    assert_eq!(got, expected, "a seat has the seed's fields, its liveness, QR token and latest fault");
    assert_eq!((&seat["lastSeen"], &seat["online"], &seat["fault"]), (&Value::Null, &json!(false), &Value::Null));
    assert_eq!(seat["cinemaID"], cinema.as_str());
}

#[tokio::test]
async fn a_seats_status_is_set_and_filtered_on() {
    let app = spawn_app().await;
    let hall = app.hall(&app.cinema("c1").await, "c1_h1").await;
    let (client, _) = example_seat(&app, &hall).await;
    let (status, _) = app.put(&format!("/cms/vr_clients/{client}"), json!({"status": "IDLE"})).await;
    assert_eq!(status, 200);
    assert_eq!(app.get(&format!("/cms/vr_clients?client_id={client}&status=IDLE")).await.1["totalCount"], 1);
}

#[tokio::test]
async fn a_seats_scene_number_and_qr_token_are_regenerated() {
    let app = spawn_app().await;
    let hall = app.hall(&app.cinema("c1").await, "c1_h1").await;
    let (client, _) = example_seat(&app, &hall).await;
    let before = app.get(&format!("/cms/vr_clients/{client}")).await.1;
    let (_, code) = app.post(&format!("/cms/vr_clients/{client}/_regenerate_scene"), json!({})).await;
    assert!(code["sceneNumber"].is_string() && code["qrToken"].is_string(), "{code}");
    assert_ne!(code["sceneNumber"], before["sceneNumber"], "a new scene number");
    assert_ne!(code["qrToken"], before["qrToken"], "a new token");
}

#[tokio::test]
async fn a_model_in_use_is_deleted_only_once_its_seats_are_gone() {
    let app = spawn_app().await;
    let hall = app.hall(&app.cinema("c1").await, "c1_h1").await;
    let (client, hmd) = example_seat(&app, &hall).await;
    let (status, body) = app.delete(&format!("/cms/hmd_models?id={hmd}")).await;
    assert_eq!(status, 409, "a model in use cannot be deleted: {body}");
    assert_eq!(app.delete(&format!("/cms/vr_clients?client_id={client}")).await.0, 200);
    assert_eq!(app.delete(&format!("/cms/hmd_models?id={hmd}")).await.0, 200);
}

#[tokio::test]
async fn deleting_a_hall_takes_its_seats() {
    let app = spawn_app().await;
    let hall = app.hall(&app.cinema("c1").await, "c1_h1").await;
    example_seat(&app, &hall).await;
    assert_eq!(app.delete(&format!("/cms/halls?hall_id={hall}")).await.0, 200);
    let (_, seats) = app.get(&format!("/cms/vr_clients?hall_id={hall}")).await;
    assert_eq!(seats["totalCount"], 0, "seats went with the hall");
}

// ---------------------------------------------------------------- a seat's QR code

/// A seat A01 under the QR template; answers its client id and what its code must say.
async fn qr_seat(app: &TestApp) -> (String, String) {
    let hall = app.hall(&app.cinema("qr").await, "qr_h1").await;
    let client = app.seat(&hall, "A01").await;
    assert_eq!(app.put("/cms/settings", json!({ "qrUrlTemplate": TEMPLATE })).await.0, 200);
    let payload = payload_of(app, &client).await;
    (client, payload)
}

#[tokio::test]
async fn the_qr_url_template_is_a_setting_that_must_hold_the_scene_number_and_token() {
    let app = spawn_app().await;
    let (status, _) = app.put("/cms/settings", json!({ "qrUrlTemplate": TEMPLATE })).await;
    assert_eq!(status, 200);
    assert_eq!(app.get("/cms/settings").await.1["qrUrlTemplate"], TEMPLATE);
    for bad in ["https://no-scene", "https://x/{sceneNumber}"] {
        let (status, body) = app.put("/cms/settings", json!({ "qrUrlTemplate": bad })).await;
        assert_eq!((status, body["field"].as_str()), (400, Some("qrUrlTemplate")), "{bad}");
    }
}

#[tokio::test]
async fn a_seats_qr_png_decodes_to_the_template_filled_with_its_scene_and_token() {
    let app = spawn_app().await;
    let (client, payload) = qr_seat(&app).await;
    let res = fetch(&app, &format!("/cms/vr_clients/{client}/qr_code")).await;
    assert_eq!(res.headers()["content-type"], "image/png");
    let png = res.bytes().await.unwrap();
    assert_eq!(png_codes(&png), [payload]);
}

#[tokio::test]
async fn a_seats_qr_code_is_also_an_svg() {
    let app = spawn_app().await;
    let (client, _) = qr_seat(&app).await;
    let svg = fetch(&app, &format!("/cms/vr_clients/{client}/qr_code?format=svg&size=200")).await;
    assert_eq!(svg.headers()["content-type"], "image/svg+xml");
    assert!(svg.text().await.unwrap().contains("<svg"));
}

#[tokio::test]
async fn bad_qr_code_parameters_and_unknown_seats_are_refused() {
    let app = spawn_app().await;
    let (client, _) = qr_seat(&app).await;
    assert_eq!(app.get(&format!("/cms/vr_clients/{client}/qr_code?size=5")).await.0, 400);
    assert_eq!(app.get(&format!("/cms/vr_clients/{client}/qr_code?format=gif")).await.0, 400);
    assert_eq!(app.get("/cms/vr_clients/ghost/qr_code").await.0, 404);
}

// ---------------------------------------------------------------- a hall's print sheet

/// A hall named 放映厅01 of cinema X立方长宁缤谷 with twelve seats created out of seat order;
/// returns the hall and the seats' client ids in seat order (A1 … A12).
async fn sheet_hall(app: &TestApp, code: &str) -> (String, Vec<String>) {
    let cinema = app.cinema(code).await;
    let hall = app.hall(&cinema, &format!("{code}_h1")).await;
    let shuffled = [7, 2, 12, 1, 9, 4, 11, 3, 10, 5, 8, 6];
    let body: Vec<Value> =
        shuffled.iter().map(|n| json!({"hallID": hall, "seatNumber": format!("A{n}"), "IPAddr": "10.0.0.9"})).collect();
    let (status, res) = app.post("/cms/vr_clients/_batch", json!(body)).await;
    assert_eq!(status, 200, "{res}");
    let ids: Vec<String> =
        res["clientIDList"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
    let mut by_seat: Vec<(i32, String)> = shuffled.into_iter().zip(ids).collect();
    by_seat.sort();
    (hall, by_seat.into_iter().map(|s| s.1).collect())
}

/// A GET with the admin's token, answered as it came.
async fn fetch(app: &TestApp, path: &str) -> reqwest::Response {
    app.http.get(app.url(path)).bearer_auth(&app.token).send().await.unwrap()
}

/// What the seat's code says under [`TEMPLATE`], from the seat as the API answers it.
async fn payload_of(app: &TestApp, client: &str) -> String {
    let seat = app.get(&format!("/cms/vr_clients/{client}")).await.1;
    let (scene, token) = (seat["sceneNumber"].as_str().unwrap(), seat["qrToken"].as_str().unwrap());
    TEMPLATE.replace("{sceneNumber}", scene).replace("{qrToken}", token)
}

#[tokio::test]
async fn a_hall_qr_sheet_pdf_is_a_no_store_attachment_named_in_chinese() {
    let app = spawn_app().await;
    let (hall, _) = sheet_hall(&app, "qrs").await;
    for per_page in [1_u32, 4, 12] {
        let res = fetch(&app, &format!("/cms/halls/{hall}/qr_sheet?format=pdf&per_page={per_page}")).await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "application/pdf");
        assert_eq!(res.headers()["cache-control"], "no-store", "a regenerated code must never come from a cache");
        let disposition = res.headers()["content-disposition"].to_str().unwrap().to_string();
        let (ascii, utf8) = disposition.split_once("; filename*=UTF-8''").expect("an RFC 5987 UTF-8 file name");
        assert_eq!(ascii, "attachment; filename=\"qrs-qrs_h1-qr.pdf\"", "an ASCII name for old clients");
        let name = percent_encoding::percent_decode_str(utf8).decode_utf8().unwrap();
        assert_eq!(name, "X立方长宁缤谷-放映厅01-二维码.pdf");
    }
}

#[tokio::test]
async fn a_hall_qr_sheet_pdf_prints_every_seat_in_order_with_chinese_labels() {
    let app = spawn_app().await;
    assert_eq!(app.put("/cms/settings", json!({ "qrUrlTemplate": TEMPLATE })).await.0, 200);
    let (hall, seats) = sheet_hall(&app, "qrs").await;
    // A regenerated scene number must be what the sheet prints; the old value is gone.
    let before = payload_of(&app, &seats[0]).await;
    assert_eq!(app.post(&format!("/cms/vr_clients/{}/_regenerate_scene", seats[0]), json!({})).await.0, 200);
    let mut expected = Vec::new();
    for s in &seats {
        expected.push(payload_of(&app, s).await);
    }
    assert_ne!(expected[0], before);

    let dir = tempfile::tempdir().unwrap();
    for per_page in [1_u32, 4, 12] {
        let res = fetch(&app, &format!("/cms/halls/{hall}/qr_sheet?format=pdf&per_page={per_page}")).await;
        let path = dir.path().join(format!("{per_page}.pdf"));
        std::fs::write(&path, res.bytes().await.unwrap()).unwrap();
        let pages = pdf_cells_decoded(&path, per_page);
        assert_eq!(pdf_cells_zbar(&path, per_page), pages, "zbarimg reads the same codes");
        let n = per_page as usize;
        assert_eq!(pages.len(), 12_usize.div_ceil(n), "pages for {per_page} per page");
        for (p, cells) in pages.iter().enumerate() {
            let want: Vec<Option<String>> = (0..n).map(|i| expected.get(p * n + i).cloned()).collect();
            assert_eq!(cells, &want, "page {} of {per_page} per page: seats in order", p + 1);
            let text = pdf_page_text(&path, p + 1);
            for i in p * n..((p + 1) * n).min(12) {
                assert!(text.contains(&format!("座位 A{}\n", i + 1)), "page {} labels seat A{}: {text}", p + 1, i + 1);
            }
            assert!(text.contains("X立方长宁缤谷") && text.contains("放映厅01"), "cinema and hall on page {}", p + 1);
        }
        assert!(!pages.concat().contains(&Some(before.clone())), "the pre-regeneration code is printed nowhere");
    }
}

#[tokio::test]
async fn a_hall_qr_sheet_zip_has_one_decodable_svg_per_seat() {
    let app = spawn_app().await;
    let (hall, seats) = sheet_hall(&app, "qrz").await;
    let res = fetch(&app, &format!("/cms/halls/{hall}/qr_sheet?format=zip")).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/zip");
    assert!(res.headers()["content-disposition"].to_str().unwrap().ends_with(".zip"));
    let entries = zip_entries(&res.bytes().await.unwrap());
    let names: Vec<&str> = entries.iter().map(|e| e.0.as_str()).collect();
    let want: Vec<String> = (1..=12).map(|i| format!("A{i}.svg")).collect();
    assert_eq!(names, want, "one SVG per seat, named by seat, in seat order");
    for ((name, svg), client) in entries.iter().zip(&seats) {
        let seat = app.get(&format!("/cms/vr_clients/{client}")).await.1;
        let payload =
            format!("cinedesk:seat:{}:{}", seat["sceneNumber"].as_str().unwrap(), seat["qrToken"].as_str().unwrap());
        assert_eq!(decode_svg(svg, 400), [payload], "{name} decodes to its seat");
    }
}

#[tokio::test]
async fn a_qr_sheet_of_an_unknown_hall_is_a_json_404() {
    let app = spawn_app().await;
    let (status, body) = app.get("/cms/halls/ghost/qr_sheet").await;
    assert_eq!((status, body["code"].as_str()), (404, Some("not_found")), "{body}");
}

#[tokio::test]
async fn bad_qr_sheet_parameters_are_json_400s_saying_why() {
    let app = spawn_app().await;
    let (hall, _) = sheet_hall(&app, "qrb").await;
    for query in ["per_page=5", "per_page=0", "per_page=abc", "format=docx", "format=pdf&per_page=-1"] {
        let (status, body) = app.get(&format!("/cms/halls/{hall}/qr_sheet?{query}")).await;
        assert_eq!((status, body["code"].as_str()), (400, Some("invalid")), "{query}: {body}");
        assert!(body["info"].is_string(), "{query}: the JSON error says why");
    }
    let (status, body) = app.get(&format!("/cms/halls/{hall}/qr_sheet?per_page=6")).await;
    assert_eq!(body["field"], "per_page", "{status} {body}");
}

#[tokio::test]
async fn a_qr_sheet_needs_a_logged_in_operator() {
    let app = spawn_app().await;
    let (hall, _) = sheet_hall(&app, "qra").await;
    let (status, _) = app.send("GET", &format!("/cms/halls/{hall}/qr_sheet"), None, None).await;
    assert_eq!(status, 401, "a sheet needs a logged-in operator");
}

#[tokio::test]
async fn a_qr_sheet_of_a_hall_without_seats_is_refused() {
    let app = spawn_app().await;
    let empty = app.hall(&app.cinema("qre").await, "qre_h1").await;
    let (status, body) = app.get(&format!("/cms/halls/{empty}/qr_sheet")).await;
    assert_eq!((status, body["field"].as_str()), (400, Some("hall_id")), "a hall without seats: {body}");
}
