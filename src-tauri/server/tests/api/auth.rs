//! Who may call: logins and their sessions, roles (a MANAGER operates, a SYS_ADMIN also
//! administers), and what ends a session.

use serde_json::json;

use crate::helpers::{signed, spawn_app, USER_PASSWORD};

#[tokio::test]
async fn a_request_without_a_valid_token_is_a_401() {
    let app = spawn_app().await;
    let (status, body) = app.send("GET", "/cms/cinemas", None, None).await;
    assert_eq!((status, body["code"].as_str()), (401, Some("unauthorized")), "no token: {body}");
    assert_eq!(app.send("GET", "/cms/cinemas", Some("forged"), None).await.0, 401);
}

#[tokio::test]
async fn a_wrong_password_is_a_401() {
    let app = spawn_app().await;
    assert_eq!(app.post_login("admin", "wrong").await.0, 401);
}

#[tokio::test]
async fn a_login_answers_the_session_with_its_role() {
    let app = spawn_app().await;
    app.manager("zhangsan").await;
    let (status, session) = app.post_login("zhangsan", USER_PASSWORD).await;
    assert_eq!((status, session["role"].as_str()), (200, Some("MANAGER")));
    for key in ["token", "userID", "name", "role"] {
        assert!(session.get(key).is_some(), "login answers {key}: {session}");
    }
}

#[tokio::test]
async fn a_manager_operates_cinemas() {
    let app = spawn_app().await;
    let (_, m) = app.manager("zhangsan").await;
    let cinema = json!({"cinemaCode": "by_manager", "name": "n", "regionID": "BEIJING"});
    let (status, _) = app.send("POST", "/cms/cinemas", Some(&m), Some(cinema)).await;
    assert_eq!(status, 200, "a MANAGER operates cinemas");
}

#[tokio::test]
async fn a_manager_may_not_see_users() {
    let app = spawn_app().await;
    let (_, m) = app.manager("zhangsan").await;
    assert_eq!(app.send("GET", "/cms/users", Some(&m), None).await.0, 403, "a MANAGER may not see users");
}

#[tokio::test]
async fn a_manager_reads_enumerations_but_may_not_edit_them() {
    let app = spawn_app().await;
    let (_, m) = app.manager("zhangsan").await;
    let (status, _) =
        app.send("PUT", "/cms/sys_params/enum/CINEMA_REGION/OVERSEAS", Some(&m), Some(json!({"name": "海外"}))).await;
    assert_eq!(status, 403, "a MANAGER may not edit enumerations");
    assert_eq!(app.send("GET", "/cms/sys_params/enum", Some(&m), None).await.0, 200, "but may read them");
}

#[tokio::test]
async fn a_password_change_ends_the_users_sessions() {
    let app = spawn_app().await;
    let (manager, m) = app.manager("zhangsan").await;
    assert_eq!(app.put(&format!("/cms/users/{manager}"), json!({"password": "another-pass"})).await.0, 200);
    assert_eq!(app.send("GET", "/cms/cinemas", Some(&m), None).await.0, 401, "a password change ends sessions");
    app.login("zhangsan", "another-pass").await;
}

#[tokio::test]
async fn logout_ends_the_session() {
    let app = spawn_app().await;
    let (_, m) = app.manager("zhangsan").await;
    assert_eq!(app.send("POST", "/cms/logout", Some(&m), None).await.0, 200);
    assert_eq!(app.send("GET", "/cms/cinemas", Some(&m), None).await.0, 401, "logout ends the session");
}

#[tokio::test]
async fn a_dead_session_cannot_log_out_again() {
    let app = spawn_app().await;
    let (_, m) = app.manager("zhangsan").await;
    assert_eq!(app.send("POST", "/cms/logout", Some(&m), None).await.0, 200);
    assert_eq!(app.send("POST", "/cms/logout", Some(&m), None).await.0, 401);
}

#[tokio::test]
async fn a_cinemas_signature_is_no_session_on_the_users_routes() {
    let app = spawn_app().await;
    let cinema = app.cinema("sig_users").await;
    let key = app.api_key(&cinema).await;
    let res = signed(app.http.get(app.url("/cms/cinemas")), &key, "").send().await.unwrap();
    assert_eq!(res.status(), 401, "the users' routes take a bearer token only, as documented");
}

#[tokio::test]
async fn deleting_a_user_ends_their_sessions() {
    let app = spawn_app().await;
    let (manager, m) = app.manager("zhangsan").await;
    assert_eq!(app.delete(&format!("/cms/users/{manager}")).await.0, 200);
    assert_eq!(app.send("GET", "/cms/cinemas", Some(&m), None).await.0, 401, "deleting a user ends sessions");
}
