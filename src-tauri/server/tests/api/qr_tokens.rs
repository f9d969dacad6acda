//! A scanned seat code resolved by its token (issue 13): public, 404 once regenerated, and a budget per address answered with 429 and `Retry-After`.

use cinedesk_server::rate_limit::RateLimit;
use serde_json::json;

use crate::helpers::{spawn_app, spawn_app_with, TestApp};

/// A seat A01 of a new cinema: (cinema, hall, seat as the API answers it).
async fn seat(app: &TestApp) -> (String, String, serde_json::Value) {
    let cinema = app.cinema("qt").await;
    let hall = app.hall(&cinema, "qt_h1").await;
    let client = app.seat(&hall, "A01").await;
    (cinema, hall, app.get(&format!("/cms/vr_clients/{client}")).await.1)
}

#[tokio::test]
async fn a_scanned_token_resolves_to_its_seat_without_credentials() {
    let app = spawn_app().await;
    let (cinema, hall, seat) = seat(&app).await;
    let token = seat["qrToken"].as_str().unwrap();
    assert!(token.len() >= 16, "{token}");
    let res = app.download(&format!("/cms/qr/{token}"), &[]).await;
    assert_eq!(res.headers()["cache-control"], "no-store");
    let body: serde_json::Value = res.json().await.unwrap();
    let expected = json!({"clientID": seat["clientID"], "cinemaID": cinema, "hallID": hall,
                          "seatNumber": "A01", "sceneNumber": seat["sceneNumber"]});
    assert_eq!(body, expected);
}

#[tokio::test]
async fn a_regenerated_seats_old_token_and_unknown_tokens_are_404() {
    let app = spawn_app().await;
    let (_, _, seat) = seat(&app).await;
    let client = seat["clientID"].as_str().unwrap();
    let (_, code) = app.post(&format!("/cms/vr_clients/{client}/_regenerate_scene"), json!({})).await;
    let old = seat["qrToken"].as_str().unwrap();
    for token in [old, "0123456789abcdefghij", seat["sceneNumber"].as_str().unwrap()] {
        let (status, body) = app.send("GET", &format!("/cms/qr/{token}"), None, None).await;
        assert_eq!((status, body["code"].as_str()), (404, Some("not_found")), "{token}: {body}");
    }
    let fresh = code["qrToken"].as_str().unwrap();
    assert_eq!(app.send("GET", &format!("/cms/qr/{fresh}"), None, None).await.1["clientID"], client);
}

#[tokio::test]
async fn past_its_budget_an_address_is_told_to_wait_with_429_and_retry_after() {
    // Two at once and one a day after that: the third is refused whatever the clock does.
    let app = spawn_app_with(|state| state.with_qr_limit(RateLimit::new(2, 0))).await;
    let (_, _, seat) = seat(&app).await;
    let path = format!("/cms/qr/{}", seat["qrToken"].as_str().unwrap());
    for _ in 0..2 {
        assert_eq!(app.download(&path, &[]).await.status(), 200);
    }
    let refused = app.download(&path, &[]).await;
    assert_eq!(refused.status(), 429);
    let wait: u64 = refused.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(wait > 3600, "about a day: {wait} s");
    let body: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(body["code"], "too_many_requests");
    let (status, _) = app.send("GET", "/cms/qr/0123456789abcdefghij", None, None).await;
    assert_eq!(status, 429, "unknown tokens spend the same budget");
}
