//! The read cache of list answers: a repeated read is the same page, and no write (over HTTP
//! or straight through the core) is ever followed by an answer made before it.

use serde_json::json;

use crate::helpers::spawn_app;

#[tokio::test]
async fn a_seat_created_over_http_shows_in_a_list_read_just_before() {
    let app = spawn_app().await;
    let cinema = app.cinema("c_cache").await;
    let hall = app.hall(&cinema, "c_cache_h1").await;
    let seats = format!("/cms/vr_clients?cinema_id={cinema}");
    let (_, before) = app.get(&seats).await;
    let (_, again) = app.get(&seats).await;
    assert_eq!((before["totalCount"].clone(), again), (json!(0), before.clone()), "a repeated read is the same page");
    app.seat(&hall, "A1").await;
    let (_, after) = app.get(&seats).await;
    assert_eq!(after["totalCount"], 1, "the seat created over HTTP shows at once: {after}");
}

#[tokio::test]
async fn a_seat_deleted_through_the_core_is_gone_from_the_list() {
    let app = spawn_app().await;
    let cinema = app.cinema("c_cache").await;
    let client = app.seat(&app.hall(&cinema, "c_cache_h1").await, "A1").await;
    let seats = format!("/cms/vr_clients?cinema_id={cinema}");
    assert_eq!(app.get(&seats).await.1["totalCount"], 1);
    // A write that does not come through the HTTP layer (the desktop, a CLI) counts as well.
    app.cms.delete_vr_clients(&cinedesk_core::Actor::System, std::slice::from_ref(&client)).unwrap();
    let (_, gone) = app.get(&seats).await;
    assert_eq!(gone["totalCount"], 0, "a seat deleted through the core is gone from the list: {gone}");
}

#[tokio::test]
async fn a_renamed_hall_shows_its_new_name_in_the_list() {
    let app = spawn_app().await;
    let cinema = app.cinema("c_cache").await;
    let hall = app.hall(&cinema, "c_cache_h1").await;
    let (_, halls) = app.get(&format!("/cms/halls?cinema_id={cinema}")).await;
    assert_eq!(app.put(&format!("/cms/halls/{hall}"), json!({"name": "新厅名"})).await.0, 200);
    let (_, renamed) = app.get(&format!("/cms/halls?cinema_id={cinema}")).await;
    assert_ne!(halls["itemList"][0]["name"], renamed["itemList"][0]["name"], "the rename shows: {renamed}");
    assert_eq!(renamed["itemList"][0]["name"], "新厅名");
}
