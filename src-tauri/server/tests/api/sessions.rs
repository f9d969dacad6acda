//! Login hardening over HTTP: lockout after repeated failures (429 + `Retry-After`, kept across a
//! restart) and sessions listed and ended by their user or a SYS_ADMIN.

use serde_json::{json, Value};

use crate::helpers::{answer, spawn_app, Served, TestApp, ADMIN_PASSWORD};

/// `n` wrong passwords for `alias`, each a 401.
async fn fail(app: &TestApp, alias: &str, n: u32) {
    for _ in 0..n {
        assert_eq!(app.post_login(alias, "wrong password").await.0, 401, "a counted failure");
    }
}

/// A login of `alias` with `user_agent`: its token.
async fn login_as(app: &TestApp, alias: &str, password: &str, user_agent: &str) -> String {
    let req = app.http.post(app.url("/cms/login")).header("user-agent", user_agent);
    let (status, body) = answer(req.json(&json!({"alias": alias, "password": password}))).await;
    assert_eq!(status, 200, "{alias} logs in: {body}");
    body["token"].as_str().unwrap().to_string()
}

/// The sessions `token`'s user sees at `path`.
async fn sessions(app: &TestApp, path: &str, token: &str) -> (u16, Value) {
    app.send("GET", path, Some(token), None).await
}

#[tokio::test]
async fn five_failed_logins_for_an_alias_answer_429_with_retry_after() {
    let app = spawn_app().await;
    fail(&app, "admin", 5).await;
    let res = app.http.post(app.url("/cms/login")).json(&json!({"alias": "admin", "password": ADMIN_PASSWORD}));
    let res = res.send().await.unwrap();
    assert_eq!(res.status(), 429, "even the right password is refused");
    let retry: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=900).contains(&retry), "within the 15-minute window: {retry}");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "too_many_requests");
    assert!(body["info"].as_str().unwrap().contains("too many failed logins for this alias"), "{body}");
}

#[tokio::test]
async fn twenty_failed_logins_from_one_address_answer_429_for_any_alias() {
    let app = spawn_app().await;
    for alias in ["a1", "a2", "a3", "a4", "a5"] {
        fail(&app, alias, 4).await;
    }
    let (status, body) = app.post_login("admin", ADMIN_PASSWORD).await;
    assert_eq!((status, body["code"].as_str()), (429, Some("too_many_requests")), "{body}");
    assert!(body["info"].as_str().unwrap().contains("from this address"), "{body}");
}

#[tokio::test]
async fn a_lockout_survives_a_server_restart() {
    let dir = tempfile::tempdir().unwrap();
    let server = Served::start(dir.path(), ADMIN_PASSWORD).await;
    for _ in 0..5 {
        assert_eq!(server.login("admin", "wrong password").await.0, 401);
    }
    assert!(server.stop().success());
    let again = Served::start(dir.path(), ADMIN_PASSWORD).await;
    assert_eq!(again.login("admin", ADMIN_PASSWORD).await.0, 429, "the failures were counted in the database");
}

#[tokio::test]
async fn a_user_lists_their_sessions_with_address_user_agent_and_the_current_one() {
    let app = spawn_app().await;
    let phone = login_as(&app, "admin", ADMIN_PASSWORD, "Phone/1.0").await;
    let (status, list) = sessions(&app, "/cms/sessions", &phone).await;
    assert_eq!(status, 200, "{list}");
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2, "the helper's login and this one: {list:?}");
    let current: Vec<&Value> = list.iter().filter(|s| s["current"] == true).collect();
    assert_eq!(current.len(), 1);
    assert_eq!(
        (current[0]["address"].as_str(), current[0]["userAgent"].as_str()),
        (Some("127.0.0.1"), Some("Phone/1.0"))
    );
    for key in ["sessionID", "userID", "createTime", "lastUsedTime", "expireTime"] {
        assert!(current[0].get(key).is_some(), "a session has {key}: {}", current[0]);
    }
    assert!(current[0].get("token").is_none(), "never the token");
}

#[tokio::test]
async fn a_user_ends_their_other_session_and_its_token_gets_401() {
    let app = spawn_app().await;
    let phone = login_as(&app, "admin", ADMIN_PASSWORD, "Phone/1.0").await;
    let (_, list) = sessions(&app, "/cms/sessions", &app.token).await;
    let other = list.as_array().unwrap().iter().find(|s| s["current"] == false).unwrap();
    let path = format!("/cms/sessions/{}", other["sessionID"].as_str().unwrap());
    assert_eq!(app.send("DELETE", &path, Some(&app.token), None).await.0, 200);
    assert_eq!(app.send("GET", "/cms/me", Some(&phone), None).await.0, 401, "the ended session");
    assert_eq!(app.send("GET", "/cms/me", Some(&app.token), None).await.0, 200, "the caller's own");
}

#[tokio::test]
async fn a_manager_may_not_end_another_users_session() {
    let app = spawn_app().await;
    let (_, manager) = app.manager("zhangsan").await;
    let (_, list) = sessions(&app, "/cms/sessions", &app.token).await;
    let path = format!("/cms/sessions/{}", list[0]["sessionID"].as_str().unwrap());
    let (status, body) = app.send("DELETE", &path, Some(&manager), None).await;
    assert_eq!((status, body["code"].as_str()), (403, Some("forbidden")), "{body}");
    assert_eq!(app.send("GET", "/cms/me", Some(&app.token), None).await.0, 200, "the admin's session lives on");
}

#[tokio::test]
async fn a_sys_admin_lists_and_ends_a_managers_session() {
    let app = spawn_app().await;
    let (manager_id, manager) = app.manager("zhangsan").await;
    let (status, list) = sessions(&app, &format!("/cms/sessions?user_id={manager_id}"), &app.token).await;
    assert_eq!((status, list.as_array().map(Vec::len)), (200, Some(1)), "{list}");
    let path = format!("/cms/sessions/{}", list[0]["sessionID"].as_str().unwrap());
    assert_eq!(app.send("DELETE", &path, Some(&app.token), None).await.0, 200);
    assert_eq!(app.send("GET", "/cms/me", Some(&manager), None).await.0, 401);
}
