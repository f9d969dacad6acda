//! Finding 5: what a client reads when the server fails (a locked database: 503 and `Retry-After`; a broken database or file store: 500 "internal error" and a request id), never the database's or the file system's own words.

use serde_json::{json, Value};

use super::server::{answer, Server};

/// Words of SQLite's and the OS's own messages that must never reach a client.
const INTERNAL_WORDS: [&str; 8] =
    ["database", "sqlite", "locked", "constraint", "os error", "directory", "i/o", "probe-internal"];

fn assert_no_internal_text(body: &Value) {
    let text = body.to_string().to_lowercase();
    for word in INTERNAL_WORDS {
        assert!(!text.contains(word), "{word:?} reached the client: {body}");
    }
}

fn cinema_body(code: &str) -> Value {
    json!({"cinemaCode": code, "name": "影院", "regionID": "BEIJING", "numberOfHalls": 1})
}

#[tokio::test]
async fn a_locked_database_answers_busy_with_retry_after() {
    let server = Server::start(&[]);
    let token = server.admin().await;
    let other = rusqlite::Connection::open(server.db_path()).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    let res = server.http.post(server.url("/cms/cinemas")).bearer_auth(&token).body(cinema_body("locked").to_string());
    let res = res.send().await.unwrap();
    let retry = res.headers().get("retry-after").map(|v| v.to_str().unwrap().to_string());
    let (status, body) = answer(res).await;
    assert_eq!((status, body["code"].as_str()), (503, Some("busy")), "{body}");
    assert_eq!(retry.as_deref(), Some("1"), "the client is told when to come back");
    assert_no_internal_text(&body);
    other.execute_batch("ROLLBACK").unwrap();
    let (status, body) = server.json("POST", "/cms/cinemas", Some(&token), Some(cinema_body("unlocked"))).await;
    assert_eq!(status, 200, "the lock gone, writes go on: {body}");
}

#[tokio::test]
async fn a_failing_database_answers_internal_error_with_the_request_id_it_logged() {
    let server = Server::start(&[]);
    let token = server.admin().await;
    // Every insert of a cinema now fails inside SQLite, with SQLite's own message.
    let db = rusqlite::Connection::open(server.db_path()).unwrap();
    db.execute_batch(
        "CREATE TRIGGER probe_fail BEFORE INSERT ON cinemas BEGIN SELECT RAISE(FAIL, 'probe-internal failure'); END;",
    )
    .unwrap();
    let res = server.http.post(server.url("/cms/cinemas")).bearer_auth(&token).body(cinema_body("fails").to_string());
    let res = res.send().await.unwrap();
    let header = res.headers()["x-request-id"].to_str().unwrap().to_string();
    let (status, body) = answer(res).await;
    assert_eq!(status, 500);
    assert_eq!(body, json!({"info": "internal error", "code": "internal", "requestID": header}));
    assert_no_internal_text(&body);
    // The real error is in the log, under the request id the client was given.
    server.logged(|l| l.contains(&header) && l.contains("probe-internal failure"));
}

#[tokio::test]
async fn a_broken_file_store_answers_internal_error_without_the_os_error() {
    let server = Server::start(&[]);
    let token = server.admin().await;
    // Where uploads are written first is now a file: every write there fails with ENOTDIR.
    let tmp = server.dir.path().join("files/tmp");
    std::fs::remove_dir_all(&tmp).unwrap();
    std::fs::write(&tmp, b"not a directory").unwrap();
    let form = reqwest::multipart::Form::new()
        .part("fileData", reqwest::multipart::Part::bytes(b"probe".to_vec()).file_name("a.txt"));
    let res = server.http.post(server.url("/onlineDisk/uploadify")).bearer_auth(&token).multipart(form);
    let (status, body) = answer(res.send().await.unwrap()).await;
    assert_eq!((status, body["code"].as_str(), body["info"].as_str()), (500, Some("internal"), Some("internal error")));
    assert_no_internal_text(&body);
    assert!(body["requestID"].is_string(), "{body}");
}

#[tokio::test]
async fn every_answer_carries_its_own_request_id() {
    let server = Server::start(&[]);
    let mut seen = std::collections::HashSet::new();
    for path in ["/healthz", "/healthz", "/no/such/route"] {
        let res = server.http.get(server.url(path)).send().await.unwrap();
        let id = res.headers()["x-request-id"].to_str().unwrap().to_string();
        assert!(seen.insert(id.clone()), "{path}: a new id for each request, not {id} again");
    }
}
