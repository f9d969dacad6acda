//! Deliveries over HTTP (issue 13): a film's board filling as its COMS acknowledge and report, a replaced file sent to every cinema that has it, withdrawal and retry.

use serde_json::{json, Value};

use crate::helpers::{spawn_app, ApiKey, TestApp, Who};

/// A film with a stored file of `len` bytes: (film, file id).
async fn film_with_file(app: &TestApp, code: &str, len: usize) -> (String, String) {
    let file = app.uploadify(&format!("{code}.mp4"), &cinedesk_testkit::noise(len, len as u64)).await;
    let film = app.movie(code).await;
    assert_eq!(app.put(&format!("/cms/movies/{film}"), json!({ "fileID": file })).await.0, 200);
    (film, file)
}

async fn board(app: &TestApp, film: &str, query: &str) -> Value {
    let (status, board) = app.get(&format!("/cms/movies/{film}/deliveries?{query}")).await;
    assert_eq!(status, 200, "{board}");
    board
}

async fn report(app: &TestApp, key: &ApiKey, cinema: &str, film: &str, body: Value) -> (u16, Value) {
    app.send_as(&Who::Signed(key), "PUT", &format!("/cms/cinemas/{cinema}/deliveries/{film}"), Some(body)).await
}

#[tokio::test]
async fn a_distributed_film_is_queued_then_sent_when_its_coms_acknowledges() {
    let app = spawn_app().await;
    let cinema = app.cinema("qs").await;
    let (film, file) = film_with_file(&app, "qs_m", 2048).await;
    app.distribute(&film, &[&cinema]).await;
    let item = board(&app, &film, "").await["itemList"][0].clone();
    assert_eq!((&item["state"], &item["totalBytes"], &item["fileID"]), (&json!("QUEUED"), &json!(2048), &json!(file)));
    let told = app.drain(&cinema).await;
    assert_eq!(told[0]["type"], "NEW_MOVIE");
    let f = &told[0]["message"]["file"];
    assert_eq!(
        (&f["fileID"], &f["size"], &f["url"]),
        (&json!(file), &json!(2048), &json!(format!("/cms/files/{file}")))
    );
    assert_eq!(f["md5"].as_str().map(str::len), Some(32), "{f}");
    let b = board(&app, &film, "").await;
    assert_eq!((&b["itemList"][0]["state"], &b["stateCounts"]["SENT"]), (&json!("SENT"), &json!(1)), "{b}");
}

#[tokio::test]
async fn the_board_fills_as_each_site_reports_downloading_ready_or_failed() {
    let app = spawn_app().await;
    let (a, key_a) = app.keyed_cinema("fa").await;
    let (b, key_b) = app.keyed_cinema("fb").await;
    let (film, _) = film_with_file(&app, "fill", 1000).await;
    app.distribute(&film, &[&a, &b]).await;
    let (status, body) =
        report(&app, &key_a, &a, &film, json!({"state": "DOWNLOADING", "bytes": 250, "totalBytes": 1000})).await;
    assert_eq!((status, body), (200, json!({})));
    let row = board(&app, &film, "state=DOWNLOADING").await["itemList"][0].clone();
    assert_eq!((&row["cinemaID"], &row["bytes"], &row["cinemaCode"]), (&json!(a), &json!(250), &json!("fa")));
    assert!(row["updatedAt"].is_i64());
    report(&app, &key_a, &a, &film, json!({"state": "READY", "bytes": 1000, "totalBytes": 1000})).await;
    report(&app, &key_b, &b, &film, json!({"state": "FAILED", "bytes": 0, "totalBytes": 1000, "error": "磁盘已满"}))
        .await;
    let b_board = board(&app, &film, "").await;
    assert_eq!((&b_board["stateCounts"]["READY"], &b_board["stateCounts"]["FAILED"]), (&json!(1), &json!(1)));
    let failed = board(&app, &film, "state=FAILED").await["itemList"][0].clone();
    assert_eq!(failed["error"], "磁盘已满");
    let (_, own) = app.send_as(&Who::Signed(&key_b), "GET", &format!("/cms/cinemas/{b}/deliveries"), None).await;
    assert_eq!((&own["totalCount"], &own["itemList"][0]["movieID"]), (&json!(1), &json!(film)), "its own board");
}

#[tokio::test]
async fn a_replaced_file_reaches_every_cinema_that_has_it_and_their_deliveries_restart() {
    let app = spawn_app().await;
    let (a, key_a) = app.keyed_cinema("ra").await;
    let (b, key_b) = app.keyed_cinema("rb").await;
    let bystander = app.cinema("rc").await;
    let (film, _) = film_with_file(&app, "rf", 1000).await;
    app.distribute(&film, &[&a, &b]).await;
    for (c, key) in [(&a, &key_a), (&b, &key_b)] {
        app.drain(c).await;
        report(&app, key, c, &film, json!({"state": "READY", "bytes": 1000, "totalBytes": 1000})).await;
    }
    let new = app.uploadify("v2.mp4", &cinedesk_testkit::noise(3000, 7)).await;
    assert_eq!(app.put(&format!("/cms/movies/{film}"), json!({ "fileID": new })).await.0, 200);
    for c in [&a, &b] {
        let told = app.drain(c).await;
        assert_eq!(told.len(), 1, "{told:?}");
        assert_eq!((&told[0]["type"], &told[0]["message"]["movieID"]), (&json!("MOVIE_UPDATED"), &json!(film)));
        assert_eq!(
            (&told[0]["message"]["file"]["fileID"], &told[0]["message"]["file"]["size"]),
            (&json!(new), &json!(3000))
        );
    }
    assert!(app.drain(&bystander).await.is_empty(), "a cinema without the film hears nothing");
    let restarted = board(&app, &film, "").await;
    assert_eq!((&restarted["stateCounts"]["SENT"], &restarted["stateCounts"]["READY"]), (&json!(2), &json!(0)));
    assert_eq!(restarted["itemList"][0]["fileID"], new.as_str(), "each pair is about the new file now");
    let (status, body) =
        report(&app, &key_a, &a, &film, json!({"state": "READY", "bytes": 1000, "totalBytes": 1000})).await;
    assert_eq!((status, body["code"].as_str()), (409, Some("conflict")), "READY for the old file: {body}");
}

#[tokio::test]
async fn withdrawing_sends_movie_withdrawn_and_the_state_is_withdrawn() {
    let app = spawn_app().await;
    let (a, key) = app.keyed_cinema("wa").await;
    let never = app.cinema("wn").await;
    let (film, _) = film_with_file(&app, "wf", 100).await;
    app.distribute(&film, &[&a]).await;
    app.drain(&a).await;
    let path = format!("/cms/movies/{film}/_distribute");
    let (status, out) = app.send("DELETE", &path, Some(&app.token), Some(json!({"cinemaIDList": [a, never]}))).await;
    assert_eq!(status, 200, "{out}");
    assert_eq!(out, json!({"withdrawnCinemaIDList": [a], "notDistributedCinemaIDList": [never]}));
    let told = app.drain(&a).await;
    assert_eq!(
        (told.len(), &told[0]["type"], &told[0]["message"]),
        (1, &json!("MOVIE_WITHDRAWN"), &json!({"movieID": film}))
    );
    assert_eq!(board(&app, &film, "").await["itemList"][0]["state"], "WITHDRAWN");
    assert_eq!(app.get(&format!("/cms/movies/{film}/cinemas")).await.1["cinemaIDList"], json!([]));
    let (status, _) = report(&app, &key, &a, &film, json!({"state": "READY", "bytes": 100, "totalBytes": 100})).await;
    assert_eq!(status, 409, "the site's news is stale");
    let (status, _) = app.send("DELETE", &path, Some(&app.token), Some(json!({"cinemaIDList": ["ghost"]}))).await;
    assert_eq!(status, 404, "all or nothing");
}

#[tokio::test]
async fn a_retry_sends_new_movie_again_and_requeues_the_cinema() {
    let app = spawn_app().await;
    let (a, key) = app.keyed_cinema("ya").await;
    let (film, _) = film_with_file(&app, "yf", 100).await;
    app.distribute(&film, &[&a]).await;
    app.drain(&a).await;
    report(&app, &key, &a, &film, json!({"state": "FAILED", "bytes": 0, "totalBytes": 100, "error": "timeout"})).await;
    let path = format!("/cms/movies/{film}/deliveries/_retry");
    assert_eq!(app.post(&path, json!({ "cinemaIDList": [a] })).await, (200, json!({})));
    assert_eq!(board(&app, &film, "").await["itemList"][0]["state"], "QUEUED");
    assert_eq!(app.drain(&a).await[0]["type"], "NEW_MOVIE");
    let stranger = app.cinema("yn").await;
    assert_eq!(app.post(&path, json!({ "cinemaIDList": [stranger] })).await.0, 404, "never given the film");
}

#[tokio::test]
async fn a_films_board_pages_by_cinema_code_and_filters_by_region() {
    let app = spawn_app().await;
    let mut cinemas = Vec::new();
    for code in ["pg3", "pg1", "pg2"] {
        cinemas.push(app.cinema(code).await);
    }
    assert_eq!(app.put(&format!("/cms/cinemas/{}", cinemas[0]), json!({"regionID": "BEIJING"})).await.0, 200);
    let film = app.movie("pgf").await;
    app.distribute(&film, &cinemas.iter().map(String::as_str).collect::<Vec<_>>()).await;
    let page = board(&app, &film, "start=1&limit=1").await;
    assert_eq!((&page["totalCount"], &page["itemList"][0]["cinemaCode"]), (&json!(3), &json!("pg2")), "{page}");
    let north = board(&app, &film, "region_id=BEIJING").await;
    assert_eq!((&north["totalCount"], &north["stateCounts"]["QUEUED"]), (&json!(1), &json!(1)));
    assert_eq!(app.get(&format!("/cms/movies/{film}/deliveries?state=LOST")).await.1["field"], "state");
    assert_eq!(app.get("/cms/movies/ghost/deliveries").await.0, 404);
}
