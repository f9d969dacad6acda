//! Alerts over HTTP (issue 13): a seat's fault fires once and clears once, a webhook receiver on 127.0.0.1 gets both (after a retry of a 500), the timer flags a silent COMS, a manager sees its own cinemas only, and bad input is a 400.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::StatusCode;
use cinedesk_server::alert_runner::{self, AlertRunner};
use serde_json::{json, Value};
use tokio::sync::watch;

use crate::helpers::{serve, spawn_app, spawn_app_clocked, ApiKey, TestApp, Who};

/// A webhook receiver: answers 500 to its first `failures` calls, then 200; keeps each body.
#[derive(Clone)]
struct Receiver {
    bodies: Arc<Mutex<Vec<Value>>>,
    calls: watch::Sender<usize>,
    failures: usize,
}

async fn receive(State(r): State<Receiver>, body: String) -> StatusCode {
    let n = *r.calls.borrow() + 1;
    let ok = n > r.failures;
    if ok {
        r.bodies.lock().unwrap().push(serde_json::from_str(&body).unwrap());
    }
    r.calls.send_replace(n);
    if ok {
        StatusCode::OK
    } else {
        StatusCode::INTERNAL_SERVER_ERROR
    }
}

impl Receiver {
    /// A receiver on 127.0.0.1; answers it and its URL.
    async fn start(failures: usize) -> (Receiver, String) {
        let r = Receiver { bodies: Arc::default(), calls: watch::channel(0).0, failures };
        let router = axum::Router::new().route("/hook", axum::routing::post(receive)).with_state(r.clone());
        (r, format!("{}/hook", serve(router).await))
    }

    /// Waits until `n` bodies were taken; answers them.
    async fn taken(&self, n: usize) -> Vec<Value> {
        let mut calls = self.calls.subscribe();
        while self.bodies.lock().unwrap().len() < n {
            calls.changed().await.unwrap();
        }
        self.bodies.lock().unwrap().clone()
    }
}

fn heartbeat(seat: &str, status: &str) -> Value {
    json!({"comsVersion": "2.4.1", "seats": [{"clientID": seat, "status": status, "errorCode": "HMD_LOST"}]})
}

async fn beat(app: &TestApp, key: &ApiKey, cinema: &str, seat: &str, status: &str) {
    let path = format!("/cms/cinemas/{cinema}/heartbeat");
    let (code, body) = app.send_as(&Who::Signed(key), "POST", &path, Some(heartbeat(seat, status))).await;
    assert_eq!(code, 200, "{body}");
}

/// A keyed cinema with one seat: (cinema, key, seat).
async fn site(app: &TestApp, code: &str) -> (String, ApiKey, String) {
    let (cinema, key) = app.keyed_cinema(code).await;
    let hall = app.hall(&cinema, &format!("{code}h")).await;
    let seat = app.seat(&hall, "A1").await;
    (cinema, key, seat)
}

async fn notifications(app: &TestApp, token: &str) -> Value {
    let (status, page) = app.send("GET", "/cms/notifications?limit=100", Some(token), None).await;
    assert_eq!(status, 200, "{page}");
    page
}

#[tokio::test]
async fn a_seat_fault_fires_once_clears_once_and_the_webhook_gets_both_after_a_retry_of_a_500() {
    let app = spawn_app().await;
    let _runner = alert_runner::start(Arc::clone(&app.cms));
    let (receiver, url) = Receiver::start(1).await;
    let (status, added) = app.post("/cms/webhooks", json!({"url": url, "format": "JSON"})).await;
    assert_eq!(status, 200, "{added}");
    let (cinema, key, seat) = site(&app, "wh").await;
    beat(&app, &key, &cinema, &seat, "ERROR").await;
    beat(&app, &key, &cinema, &seat, "ERROR").await;
    beat(&app, &key, &cinema, &seat, "IDLE").await;
    let bodies = receiver.taken(2).await;
    let states: Vec<&str> = bodies.iter().map(|b| b["state"].as_str().unwrap()).collect();
    assert_eq!(states, ["RAISED", "CLEARED"], "in order, each once: {bodies:?}");
    assert_eq!(*receiver.calls.borrow(), 3, "the raise was tried again after the 500");
    let raised = &bodies[0];
    assert_eq!((raised["kind"].as_str(), raised["cinemaID"].as_str()), (Some("SEAT_ERROR"), Some(cinema.as_str())));
    assert_eq!((raised["clientID"].as_str(), raised["clearedAt"].is_null()), (Some(seat.as_str()), true));
    assert!(bodies[1]["clearedAt"].is_i64(), "{}", bodies[1]);
    let page = notifications(&app, &app.token).await;
    assert_eq!(page["totalCount"], 1, "fired once: {page}");
    let item = page["itemList"][0].as_object().unwrap();
    let mut keys: Vec<&str> = item.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["cinemaID", "clearedAt", "clientID", "kind", "message", "notificationID", "raisedAt", "read"]);
}

#[tokio::test]
async fn a_silent_coms_is_flagged_offline_through_the_runners_timer() {
    let clock = Arc::new(AtomicI64::new(cinedesk_core::now_ms()));
    let c = Arc::clone(&clock);
    let app = spawn_app_clocked(move || c.load(Ordering::SeqCst)).await;
    let runner: AlertRunner = alert_runner::start(Arc::clone(&app.cms));
    let cinema = app.cinema("silent").await;
    assert_eq!(app.poll(&cinema, "timeout=0").await.0, 204, "the COMS's channel was polled once");
    clock.fetch_add(5 * 60_000, Ordering::SeqCst);
    runner.wake();
    let cms = Arc::clone(&app.cms);
    let admin = cinedesk_core::Actor::System;
    runner.until(|| cms.unread_notifications(&admin).unwrap() == 1).await;
    let page = notifications(&app, &app.token).await;
    assert_eq!(page["itemList"][0]["kind"], "COMS_OFFLINE", "{page}");
    assert!(page["itemList"][0]["message"].as_str().unwrap().contains("离线"), "{page}");
}

#[tokio::test]
async fn a_manager_sees_and_counts_its_own_cinemas_notifications_only() {
    let app = spawn_app().await;
    let (mine, my_key, my_seat) = site(&app, "mine").await;
    let (theirs, their_key, their_seat) = site(&app, "theirs").await;
    let (_, token) = app.manager_of("scoped", &[&mine]).await;
    beat(&app, &my_key, &mine, &my_seat, "ERROR").await;
    beat(&app, &their_key, &theirs, &their_seat, "ERROR").await;
    let page = notifications(&app, &token).await;
    assert_eq!((page["totalCount"].as_u64(), page["itemList"][0]["cinemaID"].as_str()), (Some(1), Some(mine.as_str())));
    let (_, count) = app.send("GET", "/cms/notifications/_count", Some(&token), None).await;
    assert_eq!(count["unreadCount"], 1);
    let all = notifications(&app, &app.token).await;
    let other = all["itemList"].as_array().unwrap().iter().find(|n| n["cinemaID"] == theirs.as_str()).unwrap();
    let path = format!("/cms/notifications/{}/_read", other["notificationID"].as_str().unwrap());
    assert_eq!(app.send("POST", &path, Some(&token), None).await.0, 404, "another cinema's is not there");
}

#[tokio::test]
async fn marking_one_or_all_read_empties_the_unread_count() {
    let app = spawn_app().await;
    let (a, key_a, seat_a) = site(&app, "ra").await;
    let (b, key_b, seat_b) = site(&app, "rb").await;
    beat(&app, &key_a, &a, &seat_a, "ERROR").await;
    beat(&app, &key_b, &b, &seat_b, "ERROR").await;
    let page = notifications(&app, &app.token).await;
    let first = page["itemList"][0]["notificationID"].as_str().unwrap();
    assert_eq!(app.post(&format!("/cms/notifications/{first}/_read"), json!({})).await.0, 200);
    assert_eq!(app.get("/cms/notifications/_count").await.1["unreadCount"], 1);
    assert_eq!(app.get("/cms/notifications?unread=true").await.1["totalCount"], 1);
    let (status, marked) = app.post("/cms/notifications/_read", json!({})).await;
    assert_eq!((status, marked["marked"].as_u64()), (200, Some(1)));
    assert_eq!(app.get("/cms/notifications/_count").await.1["unreadCount"], 0);
}

#[tokio::test]
async fn rules_are_read_and_changed_with_their_ranges_checked() {
    let app = spawn_app().await;
    let (status, rules) = app.get("/cms/alert_rules").await;
    assert_eq!(status, 200);
    assert_eq!((rules["comsOfflineMinutes"].as_u64(), rules["deliveryStuckHours"].as_u64()), (Some(5), Some(6)));
    assert_eq!(rules["diskLowFreeGib"], 10);
    let (status, err) = app.put("/cms/alert_rules", json!({"comsOfflineMinutes": 0})).await;
    assert_eq!((status, err["code"].as_str()), (400, Some("invalid")), "{err}");
    assert!(err["info"].as_str().unwrap().contains("comsOfflineMinutes"), "{err}");
    let (status, now) = app.put("/cms/alert_rules", json!({"comsOfflineMinutes": 15, "seatErrorEnabled": false})).await;
    assert_eq!(
        (status, now["comsOfflineMinutes"].as_u64(), now["seatErrorEnabled"].as_bool()),
        (200, Some(15), Some(false))
    );
}

#[tokio::test]
async fn a_webhook_must_have_an_http_url_and_a_known_format() {
    let app = spawn_app().await;
    for body in [
        json!({"url": "ftp://example.com/hook", "format": "JSON"}),
        json!({"url": "https://example.com/hook", "format": "SLACK"}),
        json!({"format": "JSON"}),
    ] {
        let (status, err) = app.post("/cms/webhooks", body.clone()).await;
        assert_eq!((status, err["code"].as_str()), (400, Some("invalid")), "{body}: {err}");
        assert!(err["info"].is_string());
    }
    assert_eq!(app.get("/cms/webhooks").await.1, json!([]), "nothing was added");
}

#[tokio::test]
async fn webhooks_are_listed_tested_and_deleted_by_a_manager_of_the_whole_chain_only() {
    let app = spawn_app().await;
    let (receiver, url) = Receiver::start(0).await;
    let id = app.create("/cms/webhooks", "webhookID", json!({"url": url, "format": "WECOM"})).await;
    let (_, list) = app.get("/cms/webhooks").await;
    assert_eq!((list[0]["webhookID"].as_str(), list[0]["format"].as_str()), (Some(id.as_str()), Some("WECOM")));
    let (status, sent) = app.post(&format!("/cms/webhooks/{id}/_test"), json!({})).await;
    assert_eq!((status, sent["delivered"].as_bool()), (200, Some(true)), "{sent}");
    let body = &receiver.taken(1).await[0];
    assert_eq!(body["msgtype"], "text");
    assert!(body["text"]["content"].as_str().unwrap().contains("Cinedesk"), "{body}");
    let cinema = app.cinema("wscope").await;
    let (_, token) = app.manager_of("partial", &[&cinema]).await;
    assert_eq!(app.send("GET", "/cms/webhooks", Some(&token), None).await.0, 403);
    assert_eq!(app.send("DELETE", &format!("/cms/webhooks/{id}"), Some(&token), None).await.0, 403);
    assert_eq!(app.delete(&format!("/cms/webhooks/{id}")).await.0, 200);
    assert_eq!(app.delete(&format!("/cms/webhooks/{id}")).await.0, 404);
}
