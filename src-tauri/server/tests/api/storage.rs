//! Storage you can see over HTTP: use by kind and free disk, files nothing refers to listed
//! after a grace period and reclaimed, referenced and young ones never, a MANAGER refused.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use serde_json::json;

use crate::helpers::{png, spawn_app, spawn_app_clocked, TestApp, ADMIN_PASSWORD};

const DAY: i64 = 24 * 3600 * 1000;

/// A server whose clock is the system's plus an offset the test moves on: (app, offset).
async fn app_with_offset() -> (TestApp, Arc<AtomicI64>) {
    let offset = Arc::new(AtomicI64::new(0));
    let by = Arc::clone(&offset);
    (spawn_app_clocked(move || cinedesk_core::now_ms() + by.load(Ordering::SeqCst)).await, offset)
}

/// The ids of the orphans listed with the default grace period.
async fn orphan_ids(app: &TestApp) -> Vec<String> {
    let (status, page) = app.get("/cms/storage/orphans?limit=100").await;
    assert_eq!(status, 200, "{page}");
    page["itemList"].as_array().unwrap().iter().map(|f| f["fileID"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn storage_sums_the_store_by_kind_and_tells_the_free_disk() {
    let app = spawn_app().await;
    app.uploadify("a.bin", &[7u8; 5000]).await;
    app.uploadify("same.bin", &[7u8; 5000]).await;
    let (status, used) = app.get("/cms/storage").await;
    assert_eq!(status, 200, "{used}");
    assert_eq!(used["totalBytes"], 5000, "shared content counts once: {used}");
    assert_eq!(used["kinds"][0]["kind"], "library", "{used}");
    assert_eq!(used["kinds"][0]["files"], 2, "{used}");
    assert!(used["freeBytes"].as_u64().unwrap() > 0 && used["diskBytes"].as_u64().unwrap() > 0, "{used}");
    assert_eq!(used["warnFreeBytes"], 10u64 << 30, "{used}");
}

#[tokio::test]
async fn orphans_past_the_grace_period_are_listed_and_reclaimed_and_used_or_young_ones_are_not() {
    let (mut app, offset) = app_with_offset().await;
    let orphan = app.uploadify("orphan.bin", &[1u8; 3000]).await;
    let poster = app.uploadify("poster.png", &png(8, 8)).await;
    let film = app.movie("film01").await;
    assert_eq!(app.put(&format!("/cms/movies/{film}"), json!({"posterID": poster})).await.0, 200);

    assert!(orphan_ids(&app).await.is_empty(), "a young orphan is not listed");
    let (status, young) = app.post("/cms/storage/_reclaim", json!({"fileIDList": [orphan]})).await;
    assert_eq!((status, young["skippedIDList"].clone()), (200, json!([orphan])), "nor reclaimed: {young}");

    offset.store(8 * DAY, Ordering::SeqCst);
    app.token = app.login("admin", ADMIN_PASSWORD).await; // a session lasts a day of this clock
    assert_eq!(orphan_ids(&app).await, vec![orphan.clone()], "past the grace period; the poster is used");
    let (status, done) = app.post("/cms/storage/_reclaim", json!({"fileIDList": [orphan, poster]})).await;
    assert_eq!(status, 200, "{done}");
    assert_eq!((done["fileIDList"].clone(), done["skippedIDList"].clone()), (json!([orphan]), json!([poster])));
    assert_eq!(done["bytes"], 3000, "{done}");
    assert_eq!(app.get(&format!("/cms/files/{orphan}")).await.0, 404, "the file is gone");
    assert_eq!(app.get(&format!("/cms/files/{poster}")).await.0, 200, "the used one stays");
    assert_eq!(app.blobs(), 1, "the orphan's content left the disk");
    let (_, audit) = app.get("/cms/audit?entity=file&action=delete").await;
    assert_eq!(
        (audit["totalCount"].as_u64(), audit["itemList"][0]["entityID"].as_str()),
        (Some(1), Some(orphan.as_str()))
    );
}

#[tokio::test]
async fn a_manager_may_not_list_or_reclaim_orphans() {
    let app = spawn_app().await;
    let file = app.uploadify("x.bin", &[2u8; 100]).await;
    let (_, manager) = app.manager("mgr02").await;
    let (status, _) = app.send("GET", "/cms/storage/orphans", Some(&manager), None).await;
    assert_eq!(status, 403);
    let (status, _) =
        app.send("POST", "/cms/storage/_reclaim", Some(&manager), Some(json!({"fileIDList": [file]}))).await;
    assert_eq!(status, 403);
    assert_eq!(app.get(&format!("/cms/files/{file}")).await.0, 200, "nothing was deleted");
}
