//! What every route shares on the wire: bodies read as JSON objects by name, query values
//! parsed by key, every failure answered in JSON with the field to blame, unknown routes and
//! methods, the public health and app-info routes, and the built UI served beside the API.

use std::sync::Arc;

use cinedesk_core::Cms;
use serde_json::{json, Value};

use crate::helpers::{serve, spawn_app};

#[tokio::test]
async fn healthz_is_public_and_ok() {
    let app = spawn_app().await;
    let (status, body) = app.send("GET", "/healthz", None, None).await;
    assert_eq!((status, body), (200, json!({"status": "ok"})), "/healthz is public");
}

#[tokio::test]
async fn app_info_is_public_and_says_the_server_mode() {
    let app = spawn_app().await;
    let (status, info) = app.send("GET", "/cms/app_info", None, None).await;
    assert_eq!((status, info["hasUsers"].as_bool(), info["mode"].as_str()), (200, Some(true), Some("server")));
}

#[tokio::test]
async fn an_unknown_route_is_a_json_404_naming_it() {
    let app = spawn_app().await;
    let (status, body) = app.get("/cms/nothing_here").await;
    assert_eq!(status, 404);
    assert!(body["info"].as_str().unwrap().contains("/cms/nothing_here"), "404 says which route: {body}");
}

#[tokio::test]
async fn an_unrouted_method_is_a_json_405() {
    let app = spawn_app().await;
    let (status, body) = app.send("PATCH", "/cms/cinemas", Some(&app.token), None).await;
    assert_eq!(status, 405, "{body}");
    assert!(body["info"].is_string());
}

#[tokio::test]
async fn a_body_that_is_not_one_json_value_is_a_json_400() {
    let app = spawn_app().await;
    let raw = app.http.post(app.url("/cms/cinemas")).bearer_auth(&app.token).header("content-type", "text/plain");
    let raw = raw.body("{not json").send().await.unwrap();
    assert_eq!(raw.status(), 400, "a body that is not JSON is the client's fault");
    for raw_body in ["{not json", "{\"cinemaCode\": \"x\"} trailing"] {
        let res = app.http.post(app.url("/cms/cinemas")).bearer_auth(&app.token).body(raw_body);
        let res = res.send().await.unwrap();
        assert_eq!(res.status(), 400, "{raw_body:?} is not one JSON value");
        let body: Value = res.json().await.expect("even a broken body is answered in JSON");
        assert!(body["info"].as_str().unwrap().contains("invalid JSON body"), "{body}");
    }
}

#[tokio::test]
async fn a_wrong_type_is_a_400_blaming_its_field() {
    let app = spawn_app().await;
    let (status, body) = app.post_cinema(&json!({"cinemaCode": "x", "name": 5, "regionID": "BEIJING"})).await;
    assert_eq!(
        (status, body["field"].as_str()),
        (400, Some("name")),
        "a wrong type is a 400 blaming its field: {body}"
    );
    assert!(body["info"].as_str().unwrap().starts_with("name: invalid type"), "info says what was wrong: {body}");
}

#[tokio::test]
async fn a_nested_field_is_named_by_its_path() {
    let app = spawn_app().await;
    let (status, body) = app.post("/cms/vod_tasks", json!({"movieList": [{"id": 7}]})).await;
    assert_eq!((status, body["field"].as_str()), (400, Some("movieList[0].id")), "nested fields are named: {body}");
}

#[tokio::test]
async fn a_body_that_is_not_an_object_blames_no_field() {
    let app = spawn_app().await;
    let (status, body) = app.post_cinema(&json!("not an object")).await;
    assert_eq!((status, body.get("field")), (400, None), "the whole body is wrong, not one field: {body}");
    assert!(body["info"].as_str().unwrap().contains("invalid JSON body"), "{body}");
}

#[tokio::test]
async fn an_array_body_is_not_read_by_position() {
    let app = spawn_app().await;
    // serde would fill a struct from an array by position; no seed client means that.
    let (status, body) = app.post_cinema(&json!(["c1", "name", 4, "BEIJING"])).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("invalid")), "an array is not a cinema: {body}");
    assert_eq!(app.get("/cms/cinemas").await.1["totalCount"], 0, "nothing was created from the array");
    let (status, body) = app.post("/cms/vod_tasks", json!({"movieList": [["m1"]]})).await;
    assert_eq!((status, body["field"].as_str()), (400, Some("movieList[0]")), "nested arrays too: {body}");
}

#[tokio::test]
async fn unknown_fields_are_ignored_so_a_record_can_be_sent_back_whole() {
    let app = spawn_app().await;
    // The seed's clients send whole objects back on update.
    let cinema = app.cinema("echo").await;
    let (_, mut whole) = app.get(&format!("/cms/cinemas/{cinema}")).await;
    whole["name"] = json!("renamed");
    whole["somethingNew"] = json!(1);
    let (status, body) = app.put(&format!("/cms/cinemas/{cinema}"), whole).await;
    assert_eq!(status, 200, "a cinema sent back whole, with an extra field, updates it: {body}");
    assert_eq!(app.get(&format!("/cms/cinemas/{cinema}")).await.1["name"], "renamed");
}

#[tokio::test]
async fn a_path_id_that_is_not_utf8_is_a_json_400() {
    let app = spawn_app().await;
    let res = app.http.put(app.url("/cms/cinemas/%FF")).bearer_auth(&app.token).body("{}").send().await.unwrap();
    assert_eq!(res.status(), 400, "an id that is not UTF-8 is the client's fault");
    let body: Value = res.json().await.expect("a bad path parameter is answered in JSON, like every failure");
    assert_eq!(body["code"], "invalid");
}

#[tokio::test]
async fn a_body_over_the_limit_is_a_413_too_large() {
    let app = spawn_app().await;
    let huge = format!("{{\"name\": \"{}\"}}", "x".repeat(3 << 20));
    let res = app.http.post(app.url("/cms/cinemas")).bearer_auth(&app.token).body(huge).send().await.unwrap();
    assert_eq!(res.status(), 413, "a body over the limit is too large, not malformed");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "too_large", "{body}");
}

#[tokio::test]
async fn query_ids_may_repeat_or_come_as_a_comma_list_and_blanks_are_ignored() {
    let app = spawn_app().await;
    let (one, other) = (app.cinema("echo").await, app.cinema("echo2").await);
    let (_, page) = app.get(&format!("/cms/cinemas?cinema_id={one}&cinema_id=&cinema_id=%20{other}%20&limit=")).await;
    assert_eq!(page["totalCount"], 2, "both cinemas, blanks ignored: {page}");
    let (_, page) = app.get(&format!("/cms/cinemas?cinema_id={one},{other}&_=12345")).await;
    assert_eq!(page["totalCount"], 2, "a comma list, and an unknown cache-buster is ignored: {page}");
}

#[tokio::test]
async fn paging_out_of_range_is_refused() {
    let app = spawn_app().await;
    for q in ["limit=abc", "start=-1", "limit=0", "limit=100000"] {
        let (status, body) = app.get(&format!("/cms/cinemas?{q}")).await;
        assert_eq!(status, 400, "{q} must be refused: {body}");
    }
}

#[tokio::test]
async fn a_bad_query_value_is_a_400_naming_its_key() {
    let app = spawn_app().await;
    for (query, field) in [("limit=abc", "limit"), ("start=-1", "start"), ("online=maybe", "online")] {
        let path = if field == "online" { format!("/cms/movies?{query}") } else { format!("/cms/cinemas?{query}") };
        let (status, body) = app.get(&path).await;
        assert_eq!((status, body["field"].as_str()), (400, Some(field)), "{query}: {body}");
    }
    let (status, body) = app.get("/cms/vod_tasks?status=DANCING").await;
    assert_eq!((status, body["field"].as_str()), (400, Some("status")), "{body}");
}

#[tokio::test]
async fn an_unknown_enumeration_value_in_a_query_is_refused() {
    let app = spawn_app().await;
    for path in ["/cms/movies?order_param=drop", "/cms/movies?order_seq=sideways", "/cms/vr_clients?status=DANCING"] {
        let (status, body) = app.get(path).await;
        assert_eq!(status, 400, "{path}: {body}");
    }
}

/// A server of the API and the UI in `ui` (no users); answers its base URL.
async fn spawn_app_with_ui(ui: &std::path::Path, data: &std::path::Path) -> String {
    std::fs::write(ui.join("index.html"), "<!doctype html><title>Cinedesk</title>").unwrap();
    let cms = Arc::new(Cms::open(data).unwrap());
    serve(cinedesk_server::router_with_ui(cms, ui)).await
}

#[tokio::test]
async fn the_built_ui_is_served_at_the_root() {
    let (ui, data) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let base = spawn_app_with_ui(ui.path(), data.path()).await;
    let page = reqwest::get(format!("{base}/")).await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("<title>Cinedesk</title>"), "/ is the UI's index.html");
}

#[tokio::test]
async fn beside_the_ui_unknown_api_routes_stay_json_404s() {
    let (ui, data) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let base = spawn_app_with_ui(ui.path(), data.path()).await;
    let missing = reqwest::get(format!("{base}/cms/nothing")).await.unwrap();
    assert_eq!(missing.status(), 404, "unknown API routes stay JSON 404s");
    let body: Value = missing.json().await.unwrap();
    assert!(body["info"].is_string());
    assert_eq!(reqwest::get(format!("{base}/healthz")).await.unwrap().status(), 200);
}
