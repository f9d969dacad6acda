//! `cinedesk backup` and `cinedesk restore` as processes, beside a real `cinedesk serve` that
//! keeps answering writes; the same from the routes (SYS_ADMIN), into the running server; the
//! daily runner on a clock the test drives.

use std::collections::HashSet;
use std::path::Path;
use std::sync::{Arc, Mutex};

use cinedesk_core::Actor;
use cinedesk_testkit::{md5_hex, noise};
use serde_json::json;
use tokio::sync::watch;

use crate::helpers::{answer, cinedesk, spawn_app, Served, TestApp, ADMIN_PASSWORD};

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

/// Backs `app` up into `folder` from the route: the snapshot's name.
async fn backup_into(app: &TestApp, folder: &Path) -> String {
    let (status, made) = app.post("/cms/backups", json!({"folder": folder})).await;
    assert_eq!(status, 200, "{made}");
    made["snapshot"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_backup_then_a_restore_from_the_routes_gives_back_a_deleted_cinema() {
    let (app, folder) = (spawn_app().await, tempfile::tempdir().unwrap());
    let cinema = app.cinema("keep01").await;
    let snapshot = backup_into(&app, folder.path()).await;
    let (status, list) = app.get(&format!("/cms/backups?folder={}", folder.path().display())).await;
    assert_eq!(status, 200, "{list}");
    assert_eq!((list[0]["name"].as_str(), list[0]["counts"]["cinemas"].as_u64()), (Some(snapshot.as_str()), Some(1)));
    assert_eq!(app.delete(&format!("/cms/cinemas?cinema_id={cinema}")).await.0, 200);

    let body = json!({"folder": folder.path(), "snapshot": snapshot});
    let (status, restored) = app.post("/cms/backups/_restore", body).await;
    assert_eq!(status, 200, "{restored}");
    assert_eq!(app.get("/cms/cinemas").await.0, 401, "every session ended, the restorer's too");
    let token = app.login("admin", ADMIN_PASSWORD).await;
    let (status, back) = app.send("GET", &format!("/cms/cinemas/{cinema}"), Some(&token), None).await;
    assert_eq!((status, back["cinemaCode"].as_str()), (200, Some("keep01")), "{back}");
    let (_, audit) = app.send("GET", "/cms/audit?action=restore", Some(&token), None).await;
    assert_eq!(audit["totalCount"], 1, "the restore is in the restored log: {audit}");
}

#[tokio::test]
async fn a_corrupted_snapshot_is_refused_from_the_route_and_changes_nothing() {
    let (app, folder) = (spawn_app().await, tempfile::tempdir().unwrap());
    let snapshot = backup_into(&app, folder.path()).await;
    let later = app.cinema("later01").await;
    std::fs::write(folder.path().join(&snapshot).join("cinedesk.db"), b"not a database").unwrap();
    let (status, refused) =
        app.post("/cms/backups/_restore", json!({"folder": folder.path(), "snapshot": snapshot})).await;
    assert_eq!((status, refused["code"].as_str()), (400, Some("invalid")), "{refused}");
    assert!(refused["info"].as_str().unwrap().contains("damaged"), "says why: {refused}");
    let (status, still) = app.get(&format!("/cms/cinemas/{later}")).await;
    assert_eq!(status, 200, "the session and the data are as they were: {still}");
}

#[tokio::test]
async fn a_manager_may_not_back_up_restore_or_see_the_backups() {
    let (app, folder) = (spawn_app().await, tempfile::tempdir().unwrap());
    let snapshot = backup_into(&app, folder.path()).await;
    let (_, manager) = app.manager("mgr01").await;
    let restore = json!({"folder": folder.path(), "snapshot": snapshot});
    for (method, path, body) in [
        ("POST", "/cms/backups", Some(json!({"folder": folder.path()}))),
        ("POST", "/cms/backups/_restore", Some(restore)),
        ("GET", "/cms/backups/status", None),
        ("PUT", "/cms/backups/settings", Some(json!({"keep": 2}))),
    ] {
        let (status, refused) = app.send(method, path, Some(&manager), body).await;
        assert_eq!(status, 403, "{method} {path}: {refused}");
    }
    assert_eq!(std::fs::read_dir(folder.path()).unwrap().count(), 2, "still one snapshot beside blobs/");
}

#[tokio::test]
async fn the_status_shows_the_last_good_backup_and_a_failure_until_the_next_good_one() {
    let (app, folder) = (spawn_app().await, tempfile::tempdir().unwrap());
    let not_a_folder = folder.path().join("a-file");
    std::fs::write(&not_a_folder, b"x").unwrap();
    let (status, failed) = app.post("/cms/backups", json!({"folder": not_a_folder})).await;
    assert_eq!((status, failed["code"].as_str()), (400, Some("invalid")), "{failed}");
    let (_, state) = app.get("/cms/backups/status").await;
    assert!(state["lastFailure"]["message"].as_str().unwrap().contains("folder"), "{state}");
    let snapshot = backup_into(&app, &folder.path().join("good")).await;
    let (_, state) = app.get("/cms/backups/status").await;
    assert_eq!(state["lastOk"]["snapshot"], snapshot.as_str(), "{state}");
    assert!(state["lastOk"]["bytes"].as_u64().unwrap() > 0 && state["lastFailure"].is_null(), "{state}");
}

/// A clock the test moves, and the timer of the runner waiting on it.
#[derive(Clone)]
struct DrivenClock(watch::Sender<i64>);

impl cinedesk_server::backup_runner::Timer for DrivenClock {
    fn until(&self, at_ms: i64) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> {
        let mut now = self.0.subscribe();
        Box::pin(async move {
            let _ = now.wait_for(|t| *t >= at_ms).await;
        })
    }
}

#[tokio::test]
async fn the_daily_runner_backs_up_when_the_hour_comes_and_keeps_the_last_n() {
    const DAY: i64 = 24 * 3600 * 1000;
    let start = 20_000 * DAY + 3600 * 1000; // 01:00 UTC
    let clock = DrivenClock(watch::channel(start).0);
    let reading = clock.0.clone();
    let app = crate::helpers::spawn_app_clocked(move || *reading.borrow()).await;
    let folder = tempfile::tempdir().unwrap();
    let settings = json!({"folder": folder.path(), "enabled": true, "hourUtc": 3, "keep": 2});
    assert_eq!(app.put("/cms/backups/settings", settings).await.0, 200);
    let (_, state) = app.get("/cms/backups/status").await;
    assert_eq!(state["nextDueAt"], start + 2 * 3600 * 1000, "{state}");
    let mut runs = cinedesk_server::backup_runner::start(Arc::clone(&app.cms), clock.clone());
    for day in 0..3 {
        clock.0.send_replace(start + day * DAY + 2 * 3600 * 1000);
        runs.wait_for(|n| *n == day as u64 + 1).await.unwrap();
        // Through the core: the session of the test's admin lasts a day of this clock.
        let state = app.cms.backup_status(&Actor::System).unwrap();
        assert_eq!(state.last_ok.map(|b| b.at), Some(start + day * DAY + 2 * 3600 * 1000), "day {day}");
    }
    let kept = app.cms.backup_snapshots(&Actor::System, folder.path().to_str()).unwrap();
    assert_eq!(kept.len(), 2, "the last two kept: {kept:?}");
}
