//! `cinedesk backup` and `cinedesk restore` as processes, beside a real `cinedesk serve` that
//! keeps answering writes.

use std::collections::HashSet;
use std::path::Path;
use std::sync::{Arc, Mutex};

use cinedesk_testkit::{md5_hex, noise};
use serde_json::json;
use tokio::sync::watch;

use crate::helpers::{answer, cinedesk, Served, ADMIN_PASSWORD};

/// A cinema made over HTTP: its code once the server acknowledged it.
async fn create_cinema(server: &Served, token: &str, code: &str) -> String {
    let body = json!({"cinemaCode": code, "name": "n", "regionID": "BEIJING"});
    let (status, res) = server.send("POST", "/cms/cinemas", Some(token), Some(body)).await;
    assert_eq!(status, 200, "{res}");
    code.to_string()
}

/// A file sent through uploadify: (its id, the MD5 of what was sent).
async fn upload(server: &Served, token: &str, seed: u64) -> (String, String) {
    let bytes = noise(300_000, seed);
    let part = reqwest::multipart::Part::bytes(bytes.clone()).file_name(format!("f{seed}.bin"));
    let req = server.http.post(format!("{}/onlineDisk/uploadify", server.base)).bearer_auth(token);
    let (status, body) = answer(req.multipart(reqwest::multipart::Form::new().part("fileData", part))).await;
    assert_eq!(status, 200, "uploadify: {body}");
    (body["fid"].as_str().unwrap().to_string(), md5_hex(&bytes))
}

/// Every cinema code a server holds.
async fn cinema_codes(server: &Served, token: &str) -> HashSet<String> {
    let mut codes = HashSet::new();
    loop {
        let path = format!("/cms/cinemas?start={}&limit=1000", codes.len());
        let (status, page) = server.send("GET", &path, Some(token), None).await;
        assert_eq!(status, 200, "{page}");
        let items = page["itemList"].as_array().unwrap();
        codes.extend(items.iter().map(|c| c["cinemaCode"].as_str().unwrap().to_string()));
        if items.is_empty() || codes.len() as u64 >= page["totalCount"].as_u64().unwrap() {
            return codes;
        }
    }
}

fn run_ok(data: &Path, args: &[&str]) {
    let out = cinedesk(data, args, &[]);
    assert!(out.status.success(), "cinedesk {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

#[tokio::test]
async fn a_backup_of_a_serving_data_dir_under_writes_restores_every_acknowledged_write_and_file() {
    let (data, to, restored) =
        (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let server = Arc::new(Served::start(data.path(), ADMIN_PASSWORD).await);
    let token = server.token("admin", ADMIN_PASSWORD).await;
    let mut files = Vec::new();
    for seed in 1..=3 {
        files.push(upload(&server, &token, seed).await);
    }
    // One writer, one cinema after another: what it acknowledged is an ordered list.
    let acked = Arc::new(Mutex::new(Vec::new()));
    let (stop, mut stopped) = watch::channel(false);
    let writer = {
        let (server, token, acked) = (Arc::clone(&server), token.clone(), Arc::clone(&acked));
        tokio::spawn(async move {
            for i in 0.. {
                if *stopped.borrow_and_update() {
                    return;
                }
                let code = create_cinema(&server, &token, &format!("load{i:05}")).await;
                acked.lock().unwrap().push(code);
            }
        })
    };
    while acked.lock().unwrap().len() < 10 {
        tokio::task::yield_now().await;
    }
    let before_backup = acked.lock().unwrap().clone();
    let (data_dir, to_dir) = (data.path().to_path_buf(), to.path().to_string_lossy().into_owned());
    tokio::task::spawn_blocking(move || run_ok(&data_dir, &["backup", "--to", &to_dir])).await.unwrap();
    stop.send(true).unwrap();
    writer.await.unwrap();

    run_ok(restored.path(), &["restore", "--from", &to.path().to_string_lossy()]);
    let again = Served::start(restored.path(), "unused").await;
    let token = again.token("admin", ADMIN_PASSWORD).await;
    let codes = cinema_codes(&again, &token).await;
    assert!(before_backup.iter().all(|c| codes.contains(c)), "every write acknowledged before the backup is there");
    let acked = acked.lock().unwrap().clone();
    assert!(
        acked[..codes.len()].iter().all(|c| codes.contains(c)),
        "the restore is one moment: a prefix of the writes"
    );
    for (id, md5) in files {
        let res = again.http.get(format!("{}/cms/files/{id}", again.base)).send().await.unwrap();
        assert_eq!(res.status(), 200, "file {id} is there");
        assert_eq!(md5_hex(&res.bytes().await.unwrap()), md5, "file {id} came back whole");
    }
}

#[test]
fn restoring_a_damaged_backup_fails_and_leaves_the_data_dir_as_it_was() {
    let (data, to) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    run_ok(data.path(), &["user", "list"]);
    run_ok(data.path(), &["backup", "--to", &to.path().to_string_lossy()]);
    let snapshot =
        std::fs::read_dir(to.path()).unwrap().map(|e| e.unwrap().path()).find(|p| !p.ends_with("blobs")).unwrap();
    std::fs::write(snapshot.join("cinedesk.db"), b"not a database").unwrap();
    let target = tempfile::tempdir().unwrap();
    let out = cinedesk(target.path(), &["restore", "--from", &to.path().to_string_lossy()], &[]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("damaged"), "says why");
    assert_eq!(std::fs::read_dir(target.path()).unwrap().count(), 0, "nothing was written");
}
