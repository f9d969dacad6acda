//! The COMS channel (seed §6): a cinema's queue delivered by long-poll and WebSocket, woken by
//! the outbox, redelivered until acknowledged, kept across restarts, and reached with a token or
//! a request signed with the cinema's API key.

use std::sync::Arc;

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

use crate::helpers::{signed_at, spawn_app, ApiKey, Served, TestApp};

#[tokio::test]
async fn a_waiting_long_poll_wakes_when_a_film_is_distributed() {
    let app = Arc::new(spawn_app().await);
    let cinema = app.cinema("lp").await;
    let movie = app.movie("lp_m").await;
    let poller = {
        let (app, cinema) = (Arc::clone(&app), cinema.clone());
        tokio::spawn(async move { app.poll(&cinema, "timeout=120").await })
    };
    // The poll found the queue empty and waits: the write below must wake it.
    app.state.waker.waiting(&cinema, 1).await;
    app.distribute(&movie, &[&cinema]).await;
    let (status, body) = poller.await.unwrap();
    assert_eq!(status, 200, "the poll is woken by the write, not by its timeout (a 204): {body}");
    assert_eq!((body["type"].as_str(), body["message"]["movieID"].as_str()), (Some("NEW_MOVIE"), Some(movie.as_str())));
    assert!(body["messageID"].is_string());
}

#[tokio::test]
async fn a_poll_records_the_coms_as_last_seen() {
    let app = spawn_app().await;
    let cinema = app.cinema("seen").await;
    let (_, before) = app.get(&format!("/cms/cinemas/{cinema}")).await;
    assert!(!before["comsLastSeen"].is_i64(), "never seen before it polls: {before}");
    app.distribute(&app.movie("seen_m").await, &[&cinema]).await;
    assert_eq!(app.poll(&cinema, "timeout=1").await.0, 200);
    let (_, seen) = app.get(&format!("/cms/cinemas/{cinema}")).await;
    assert!(seen["comsLastSeen"].is_i64(), "a poll records the COMS as last seen: {seen}");
}

#[tokio::test]
async fn an_idle_long_poll_answers_204_at_its_timeout() {
    let app = spawn_app().await;
    let cinema = app.cinema("order").await;
    let (status, _) = app.poll(&cinema, "timeout=1").await;
    assert_eq!(status, 204, "nothing within the timeout is a 204");
}

#[tokio::test]
async fn a_long_poll_redelivers_the_oldest_message_until_it_is_acknowledged() {
    let app = spawn_app().await;
    let cinema = app.cinema("order").await;
    let first = app.movie("first").await;
    let second = app.movie("second").await;
    app.distribute(&first, &[&cinema]).await;
    app.distribute(&second, &[&cinema]).await;
    let (_, head) = app.poll(&cinema, "timeout=1").await;
    assert_eq!(head["message"]["movieID"], first.as_str(), "oldest first");
    let (_, again) = app.poll(&cinema, "timeout=1").await;
    assert_eq!(again["messageID"], head["messageID"], "an unacknowledged message is delivered again");
    let (_, next) = app.poll(&cinema, &format!("timeout=1&ack={}", head["messageID"].as_str().unwrap())).await;
    assert_eq!(next["message"]["movieID"], second.as_str(), "ack= moves the queue on");
    let (status, _) = app.poll(&cinema, &format!("timeout=1&ack={}", next["messageID"].as_str().unwrap())).await;
    assert_eq!(status, 204);
}

#[tokio::test]
async fn a_long_poll_waits_at_most_120_seconds() {
    let app = spawn_app().await;
    let cinema = app.cinema("order").await;
    let (status, body) = app.poll(&cinema, "timeout=121").await;
    assert_eq!(status, 400, "a poll waits at most 120 s: {body}");
}

#[tokio::test]
async fn a_long_poll_of_an_unknown_cinema_is_a_404() {
    let app = spawn_app().await;
    let (status, _) = app.poll("no-such-cinema", "timeout=1").await;
    assert_eq!(status, 404);
}

// ---------------------------------------------------------------- signed by the cinema's key

impl TestApp {
    /// A long-poll signed the seed-004 way: `signed_query` is what the signature covers,
    /// `sent_query` what actually goes on the wire.
    async fn signed_poll(&self, cinema: &str, key: &ApiKey, signed_query: &str, sent_query: &str, at_ms: i64) -> u16 {
        let req = self.http.get(self.url(&format!("/cms/long_poll/{cinema}?{sent_query}")));
        signed_at(req, key, signed_query, at_ms).send().await.unwrap().status().as_u16()
    }
}

fn now() -> i64 {
    cinedesk_testkit::seed004::fresh_ms()
}

#[tokio::test]
async fn a_validly_signed_poll_is_let_in() {
    let app = spawn_app().await;
    let (cinema, key) = app.keyed_cinema("signed").await;
    assert_eq!(app.signed_poll(&cinema, &key, "timeout=1", "timeout=1", now()).await, 204, "a valid signature");
}

#[tokio::test]
async fn a_poll_signed_with_the_wrong_secret_is_refused() {
    let app = spawn_app().await;
    let (cinema, key) = app.keyed_cinema("signed").await;
    let wrong = (key.0, "wrong".to_string());
    assert_eq!(app.signed_poll(&cinema, &wrong, "timeout=1", "timeout=1", now()).await, 401, "wrong secret");
}

#[tokio::test]
async fn a_poll_dated_16_minutes_off_is_refused() {
    let app = spawn_app().await;
    let (cinema, key) = app.keyed_cinema("signed").await;
    let stale = now() - 16 * 60 * 1000;
    assert_eq!(app.signed_poll(&cinema, &key, "timeout=1", "timeout=1", stale).await, 401, "a date 16 minutes off");
}

#[tokio::test]
async fn a_key_cannot_poll_another_cinemas_channel() {
    let app = spawn_app().await;
    let (_, key) = app.keyed_cinema("signed").await;
    let other = app.cinema("other").await;
    assert_eq!(app.signed_poll(&other, &key, "timeout=1", "timeout=1", now()).await, 403, "another cinema's channel");
}

#[tokio::test]
async fn parameters_changed_after_signing_are_refused() {
    let app = spawn_app().await;
    let (cinema, key) = app.keyed_cinema("signed").await;
    assert_eq!(app.signed_poll(&cinema, &key, "timeout=1", "timeout=2", now()).await, 401, "tampered parameters");
}

#[tokio::test]
async fn a_poll_neither_signed_nor_logged_in_is_refused() {
    let app = spawn_app().await;
    let cinema = app.cinema("signed").await;
    let unsigned = app.http.get(app.url(&format!("/cms/long_poll/{cinema}?timeout=1"))).send().await.unwrap();
    assert_eq!(unsigned.status(), 401);
}

#[tokio::test]
async fn api_keys_are_listed_without_their_secret_and_revoked_at_once() {
    let app = spawn_app().await;
    let (cinema, key) = app.keyed_cinema("signed").await;
    let (_, keys) = app.get(&format!("/cms/cinemas/{cinema}/api_keys")).await;
    assert_eq!(keys["totalCount"], 1);
    assert!(!keys.to_string().contains(&key.1), "a listing never shows the secret");
    assert_eq!(app.delete(&format!("/cms/cinemas/{cinema}/api_keys/{}", key.0)).await.0, 200);
    assert_eq!(app.signed_poll(&cinema, &key, "timeout=1", "timeout=1", now()).await, 401, "a revoked key is refused");
}

#[tokio::test]
async fn a_manager_issues_api_keys_for_its_own_cinemas_only() {
    let app = spawn_app().await;
    let (cinema, other) = (app.cinema("signed").await, app.cinema("elsewhere").await);
    let (_, manager) = app.manager_of("mgr", &[&cinema]).await;
    let keys = |c: &str| format!("/cms/cinemas/{c}/api_keys");
    let own = app.send("POST", &keys(&cinema), Some(&manager), Some(json!({}))).await;
    assert_eq!(own.0, 200, "its own cinema's COMS gets a key from its manager");
    let theirs = app.send("POST", &keys(&other), Some(&manager), Some(json!({}))).await;
    assert_eq!(theirs.0, 403, "another cinema's is not its to key");
}

// ---------------------------------------------------------------- WebSocket

/// The next text frame of a socket, as JSON.
async fn next_json<S>(socket: &mut S) -> Value
where
    S: futures_util::Stream<
            Item = Result<tokio_tungstenite::tungstenite::Message, tokio_tungstenite::tungstenite::Error>,
        > + Unpin,
{
    let msg = socket.next().await.expect("the socket stays open");
    serde_json::from_str(msg.unwrap().to_text().unwrap()).unwrap()
}

#[tokio::test]
async fn a_websocket_delivers_the_queue_and_takes_acks() {
    let app = spawn_app().await;
    let cinema = app.cinema("ws").await;
    let (m1, m2) = (app.movie("ws1").await, app.movie("ws2").await);
    app.distribute(&m1, &[&cinema]).await;
    let mut request = format!("{}/cms/ws/{cinema}", app.base.replace("http", "ws")).into_client_request().unwrap();
    request.headers_mut().insert("authorization", format!("Bearer {}", app.token).parse().unwrap());
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.expect("WebSocket upgrade");
    let first = next_json(&mut socket).await;
    assert_eq!(first["message"]["movieID"], m1.as_str());
    app.distribute(&m2, &[&cinema]).await;
    socket.send(Message::text(json!({ "ack": first["messageID"] }).to_string())).await.unwrap();
    let second = next_json(&mut socket).await;
    assert_eq!(second["message"]["movieID"], m2.as_str(), "after the ack the next message follows");
    assert_eq!(
        app.cms.pending_message_count(&cinedesk_core::Actor::System, &cinema).unwrap(),
        1,
        "the first one is acknowledged"
    );
}

#[tokio::test]
async fn a_websocket_route_asks_who_is_calling_before_anything_else() {
    let app = spawn_app().await;
    let cinema = app.cinema("ws_plain").await;
    let (status, body) = app.send("GET", &format!("/cms/ws/{cinema}"), None, None).await;
    assert_eq!((status, body["code"].as_str()), (401, Some("unauthorized")), "who asks comes first: {body}");
}

#[tokio::test]
async fn a_plain_get_of_the_websocket_route_is_a_json_400() {
    let app = spawn_app().await;
    let cinema = app.cinema("ws_plain").await;
    let (status, body) = app.get(&format!("/cms/ws/{cinema}")).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("invalid")), "a plain GET is no handshake: {body}");
}

// ---------------------------------------------------------------- across a restart

#[tokio::test]
async fn the_queue_survives_a_server_restart() {
    let dir = tempfile::tempdir().unwrap();
    let server = Served::start(dir.path(), "restart-pass").await;
    let token = server.token("admin", "restart-pass").await;
    let call = |method: &'static str, path: String, body: Value| {
        let (server, token) = (&server, token.clone());
        async move { server.send(method, &path, Some(&token), Some(body)).await.1 }
    };
    let cinema =
        call("POST", "/cms/cinemas".into(), json!({"cinemaCode": "rs", "name": "重启影城", "regionID": "BEIJING"}))
            .await["cinemaID"]
            .as_str()
            .unwrap()
            .to_string();
    let film = json!({"name": "n", "movieCode": "rs_m", "duration": 5, "description": "d", "type": "MOVIE",
                      "category": "ACTION", "country": "CHN", "price": 100});
    let movie = call("POST", "/cms/movies".into(), film).await["movieID"].as_str().unwrap().to_string();
    call("POST", format!("/cms/movies/{movie}/_distribute"), json!({"cinemaIDList": [cinema]})).await;
    let poll = format!("/cms/long_poll/{cinema}?timeout=1");
    let (_, head) = server.send("GET", &poll, Some(&token), None).await;
    assert!(server.stop().success());

    let server = Served::start(dir.path(), "restart-pass").await;
    let token = server.token("admin", "restart-pass").await;
    let (_, again) = server.send("GET", &poll, Some(&token), None).await;
    server.stop();
    assert!(head["messageID"].is_string(), "{head}");
    assert_eq!(again["messageID"], head["messageID"], "the unacknowledged message is still at the head");
}
