//! `GET /cms/halls/{hall_id}/qr_sheet` over HTTP: the PDF and the ZIP read back with real tools.

use super::qr_decode::*;
use super::*;

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

async fn fetch(app: &TestApp, path: &str) -> reqwest::Response {
    app.http.get(format!("{}{path}", app.base)).bearer_auth(&app.token).send().await.unwrap()
}

async fn payload_of(app: &TestApp, client: &str) -> String {
    let scene = app.get(&format!("/cms/vr_clients/{client}")).await.1["sceneNumber"].as_str().unwrap().to_string();
    format!("https://wx.example.cn/s/{scene}")
}

#[tokio::test]
async fn hall_qr_sheet_pdf_prints_every_seat_in_order_with_chinese_labels() {
    let app = spawn_app().await;
    let (status, _) = app.put("/cms/settings", json!({"qrUrlTemplate": "https://wx.example.cn/s/{sceneNumber}"})).await;
    assert_eq!(status, 200);
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
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "application/pdf");
        assert_eq!(res.headers()["cache-control"], "no-store", "a regenerated code must never come from a cache");
        let disposition = res.headers()["content-disposition"].to_str().unwrap().to_string();
        let (ascii, utf8) = disposition.split_once("; filename*=UTF-8''").expect("an RFC 5987 UTF-8 file name");
        assert_eq!(ascii, "attachment; filename=\"qrs-qrs_h1-qr.pdf\"", "an ASCII name for old clients");
        let name = percent_encoding::percent_decode_str(utf8).decode_utf8().unwrap();
        assert_eq!(name, "X立方长宁缤谷-放映厅01-二维码.pdf");
        let path = dir.path().join(format!("{per_page}.pdf"));
        std::fs::write(&path, res.bytes().await.unwrap()).unwrap();

        let pages = pdf_cells_decoded(&path, per_page);
        let n = per_page as usize;
        assert_eq!(pages.len(), 12_usize.div_ceil(n), "pages for {per_page} per page");
        for (p, cells) in pages.iter().enumerate() {
            let want: Vec<Option<String>> = (0..n).map(|i| expected.get(p * n + i).cloned()).collect();
            assert_eq!(cells, &want, "page {} of {per_page} per page: seats in order", p + 1);
            let mut codes: Vec<String> = cells.iter().flatten().cloned().collect();
            codes.sort();
            assert_eq!(pdf_page_zbar(&path, p + 1), codes, "zbarimg reads the same codes");
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
async fn hall_qr_sheet_zip_has_one_decodable_svg_per_seat() {
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
        let scene = app.get(&format!("/cms/vr_clients/{client}")).await.1["sceneNumber"].as_str().unwrap().to_string();
        assert_eq!(decode_svg(svg, 400), [format!("cinedesk:seat:{scene}")], "{name} decodes to its seat");
    }
}

#[tokio::test]
async fn hall_qr_sheet_refuses_bad_input_with_json() {
    let app = spawn_app().await;
    let (hall, _) = sheet_hall(&app, "qrb").await;
    let (status, body) = app.get("/cms/halls/ghost/qr_sheet").await;
    assert_eq!((status, body["code"].as_str()), (404, Some("not_found")), "{body}");
    for query in ["per_page=5", "per_page=0", "per_page=abc", "format=docx", "format=pdf&per_page=-1"] {
        let (status, body) = app.get(&format!("/cms/halls/{hall}/qr_sheet?{query}")).await;
        assert_eq!((status, body["code"].as_str()), (400, Some("invalid")), "{query}: {body}");
        assert!(body["info"].is_string(), "{query}: the JSON error says why");
    }
    let (status, body) = app.get(&format!("/cms/halls/{hall}/qr_sheet?per_page=6")).await;
    assert_eq!(body["field"], "per_page", "{status} {body}");
    let (status, _) = app.send("GET", &format!("/cms/halls/{hall}/qr_sheet"), None, None).await;
    assert_eq!(status, 401, "a sheet needs a logged-in operator");
    let cinema = app.cinema("qre").await;
    let empty = app.hall(&cinema, "qre_h1").await;
    let (status, body) = app.get(&format!("/cms/halls/{empty}/qr_sheet")).await;
    assert_eq!((status, body["field"].as_str()), (400, Some("hall_id")), "a hall without seats: {body}");
}
