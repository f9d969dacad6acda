//! Downloads attributed to the site that made them (issue 13): a site signs `GET /cms/files/{id}` with its cinema's key and what it was sent is counted on its delivery of that file.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::helpers::{signed, spawn_app, ApiKey, TestApp};

/// A film with a stored file of `len` bytes distributed to `cinemas`: (film, file id).
async fn distributed_film(app: &TestApp, code: &str, len: usize, cinemas: &[&str]) -> (String, String) {
    let file = app.uploadify(&format!("{code}.mp4"), &cinedesk_testkit::noise(len, 3)).await;
    let film = app.movie(code).await;
    assert_eq!(app.put(&format!("/cms/movies/{film}"), json!({ "fileID": file })).await.0, 200);
    app.distribute(&film, cinemas).await;
    (film, file)
}

/// `GET /cms/files/{file}` signed by `key` (None: unsigned), from `from` on: status and length.
async fn download(app: &TestApp, file: &str, key: Option<&ApiKey>, from: u64) -> (u16, usize) {
    let mut req = app.http.get(app.url(&format!("/cms/files/{file}")));
    if from > 0 {
        req = req.header("range", format!("bytes={from}-"));
    }
    if let Some(key) = key {
        req = signed(req, key, "");
    }
    let res = req.send().await.unwrap();
    (res.status().as_u16(), res.bytes().await.unwrap().len())
}

/// The cinema's row of the film's board once its `servedBytes` is `want` (counted when the
/// server lets go of the body, a moment after the client has the last byte).
async fn served(app: &TestApp, film: &str, cinema: &str, want: u64) -> Value {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let (_, board) = app.get(&format!("/cms/movies/{film}/deliveries?pageSize=50")).await;
        let row = board["itemList"].as_array().unwrap().iter().find(|r| r["cinemaID"] == cinema).unwrap().clone();
        if row["servedBytes"] == want || Instant::now() > deadline {
            return row;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_sites_signed_downloads_are_counted_on_its_delivery_resumed_pieces_included() {
    let app = spawn_app().await;
    let (a, key_a) = app.keyed_cinema("da").await;
    let (film, file) = distributed_film(&app, "dl", 3000, &[&a]).await;
    assert_eq!(download(&app, &file, Some(&key_a), 0).await, (200, 3000));
    assert_eq!(download(&app, &file, Some(&key_a), 1000).await, (206, 2000));
    let row = served(&app, &film, &a, 5000).await;
    assert_eq!((&row["servedBytes"], &row["bytes"]), (&json!(5000), &json!(0)), "sent, whatever the site says: {row}");
}

#[tokio::test]
async fn an_unsigned_download_is_served_and_counted_nowhere() {
    let app = spawn_app().await;
    let (a, key_a) = app.keyed_cinema("ua").await;
    let (film, file) = distributed_film(&app, "ul", 2000, &[&a]).await;
    assert_eq!(download(&app, &file, None, 0).await, (200, 2000));
    // A signed one after it shows the unsigned one was not counted (counts land in order).
    assert_eq!(download(&app, &file, Some(&key_a), 1500).await, (206, 500));
    assert_eq!(served(&app, &film, &a, 500).await["servedBytes"], 500);
}

#[tokio::test]
async fn another_cinemas_download_counts_on_its_own_delivery_only() {
    let app = spawn_app().await;
    let (a, _) = app.keyed_cinema("oa").await;
    let (b, key_b) = app.keyed_cinema("ob").await;
    let (film, file) = distributed_film(&app, "ol", 1000, &[&a, &b]).await;
    assert_eq!(download(&app, &file, Some(&key_b), 0).await, (200, 1000));
    assert_eq!(served(&app, &film, &b, 1000).await["servedBytes"], 1000);
    assert_eq!(served(&app, &film, &a, 0).await["servedBytes"], 0, "cinema A was sent nothing");
}

#[tokio::test]
async fn a_download_with_a_refused_signature_is_401_and_sends_nothing() {
    let app = spawn_app().await;
    let (a, key_a) = app.keyed_cinema("ra").await;
    let (film, file) = distributed_film(&app, "rl", 1000, &[&a]).await;
    let wrong: ApiKey = (key_a.0.clone(), "not-the-secret".into());
    let res = signed(app.http.get(app.url(&format!("/cms/files/{file}"))), &wrong, "").send().await.unwrap();
    assert_eq!(res.status().as_u16(), 401);
    let body: Value = res.json().await.unwrap();
    assert!(body["info"].is_string() && body["code"].is_string(), "{body}");
    // A query the signature does not cover is refused too.
    let res = signed(app.http.get(app.url(&format!("/cms/files/{file}?download=1"))), &key_a, "").send().await.unwrap();
    assert_eq!(res.status().as_u16(), 401);
    assert_eq!(served(&app, &film, &a, 0).await["servedBytes"], 0);
}

#[tokio::test]
async fn a_new_file_for_the_film_starts_its_served_bytes_again() {
    let app = spawn_app().await;
    let (a, key_a) = app.keyed_cinema("na").await;
    let (film, file) = distributed_film(&app, "nl", 1200, &[&a]).await;
    download(&app, &file, Some(&key_a), 0).await;
    served(&app, &film, &a, 1200).await;
    let new = app.uploadify("nl2.mp4", &cinedesk_testkit::noise(700, 9)).await;
    assert_eq!(app.put(&format!("/cms/movies/{film}"), json!({ "fileID": new })).await.0, 200);
    let row = served(&app, &film, &a, 0).await;
    assert_eq!((&row["servedBytes"], &row["fileID"]), (&json!(0), &json!(new)), "{row}");
    download(&app, &new, Some(&key_a), 0).await;
    assert_eq!(served(&app, &film, &a, 700).await["servedBytes"], 700);
}
