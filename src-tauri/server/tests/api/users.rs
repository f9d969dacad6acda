//! Users (seed 000 §7): created by a SYS_ADMIN, listed in pages without secrets, and their icons
//! (seed §7.2): uploaded as pictures, set on the user, refused for anyone else.

use reqwest::multipart::{Form, Part};
use serde_json::json;

use crate::helpers::{png, spawn_app, TestApp};

#[tokio::test]
async fn users_are_created_and_listed_in_pages() {
    let app = spawn_app().await;
    app.manager("zhangsan").await;
    let (_, users) = app.get("/cms/users").await;
    assert_eq!(users["totalCount"], 2);
    let (_, page) = app.get("/cms/users?start=1&limit=1").await;
    assert_eq!(
        (page["totalCount"].as_u64(), page["itemList"].as_array().map(Vec::len)),
        (Some(2), Some(1)),
        "users are paged like everything else: {page}"
    );
}

#[tokio::test]
async fn a_user_listing_never_shows_a_password() {
    let app = spawn_app().await;
    app.manager("zhangsan").await;
    let (_, users) = app.get("/cms/users").await;
    assert!(users["itemList"].as_array().unwrap().iter().all(|u| u.get("password").is_none()), "no secrets leak");
}

// ---------------------------------------------------------------- icons

/// An icon upload: the form with `user_id` (if any) before the picture, as `token`.
async fn upload_icon(
    app: &TestApp,
    user_id: Option<&str>,
    picture: Vec<u8>,
    token: Option<&str>,
) -> (u16, serde_json::Value) {
    let mut form = Form::new();
    if let Some(id) = user_id {
        form = form.text("userID", id.to_string());
    }
    app.form("/cms/files/users/icon", form.part("file", Part::bytes(picture).file_name("me.png")), token).await
}

#[tokio::test]
async fn a_users_icon_is_uploaded_and_set() {
    let app = spawn_app().await;
    let me = app.admin_id();
    let icon = png(64, 64);
    let (status, body) = upload_icon(&app, Some(&me), icon.clone(), Some(&app.token)).await;
    assert_eq!(status, 200, "{body}");
    let file_id = body["fileID"].as_str().unwrap().to_string();
    let (_, user) = app.get(&format!("/cms/users/{me}")).await;
    assert_eq!(
        (user["iconID"].as_str(), user["iconURL"].clone()),
        (Some(file_id.as_str()), json!(format!("/cms/files/{file_id}")))
    );
    assert_eq!(app.bytes_of(&file_id).await, icon);
    let info = app.processed(&file_id).await;
    assert_eq!(info["events"][0]["SnapshotFileID"], file_id.as_str(), "a small picture is its own thumbnail: {info}");
}

#[tokio::test]
async fn an_icon_must_be_a_picture_for_a_known_user() {
    let app = spawn_app().await;
    let blobs = app.blobs();
    let text = Form::new().part("file", Part::bytes(b"not a picture".to_vec()).file_name("x.png"));
    assert_eq!(app.form("/cms/files/users/icon", text, Some(&app.token)).await.0, 400, "only pictures");
    let ghost = upload_icon(&app, Some("0000000000000000000nobody"), png(8, 8), Some(&app.token)).await;
    assert_eq!(ghost.0, 404);
    assert_eq!(app.blobs(), blobs, "refused icons are not stored");
}

#[tokio::test]
async fn a_manager_sets_only_their_own_icon() {
    let app = spawn_app().await;
    let me = app.admin_id();
    let (_, mgr) = app.manager("mgr").await;
    let blobs = app.blobs();
    // userID after the file: still checked before anything is stored.
    let other = Form::new().part("file", Part::bytes(png(8, 8)).file_name("o.png")).text("userID", me.clone());
    assert_eq!(app.form("/cms/files/users/icon", other, Some(&mgr)).await.0, 403, "a MANAGER sets only their own icon");
    assert_eq!(upload_icon(&app, None, png(8, 8), None).await.0, 401);
    assert_eq!(app.blobs(), blobs, "refused icons are not stored");
    let (status, body) = upload_icon(&app, None, png(9, 9), Some(&mgr)).await;
    assert_eq!(status, 200, "an icon without userID: {body}");
}
