//! The read cache of list answers: a repeated read is the same page, no write (over HTTP or
//! straight through the core) is ever followed by an answer made before it, and a COMS poll
//! (its last seen is overlaid) drops no kept list while a write to a table it read does.
//!
//! Whether an answer came from the cache is seen by changing the SQLite file behind the
//! server's back (a second connection, no stamp moves): a kept answer still shows the old row,
//! a fresh read the new one.

use serde_json::{json, Value};

use crate::helpers::{spawn_app, TestApp, Who};

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

impl TestApp {
    /// Changes rows in the database file directly, as nothing the server would notice.
    fn behind_the_servers_back(&self, sql: &str) {
        let db = rusqlite::Connection::open(self.cms.data_dir().join(cinedesk_core::DB_FILE)).unwrap();
        db.busy_timeout(std::time::Duration::from_secs(10)).unwrap();
        db.execute_batch(sql).unwrap();
    }

    /// One COMS poll that answers at once (nothing queued): it records the COMS as seen.
    async fn poll_once(&self, cinema: &str) {
        let (status, body) = self.poll(cinema, "timeout=0").await;
        assert_eq!(status, 204, "an empty queue: {body}");
    }

    async fn page(&self, path: &str) -> Value {
        let (status, page) = self.get(path).await;
        assert_eq!(status, 200, "{path}: {page}");
        page
    }
}

#[tokio::test]
async fn a_coms_poll_keeps_a_cached_seat_page_and_a_seat_write_drops_it() {
    let app = spawn_app().await;
    let cinema = app.cinema("rc").await;
    let hall = app.hall(&cinema, "rc_h").await;
    let seat = json!({"hallID": hall, "seatNumber": "A1", "IPAddr": "10.0.0.1", "description": "as written"});
    app.create("/cms/vr_clients", "clientID", seat).await;
    let path = format!("/cms/vr_clients?cinema_id={cinema}");
    assert_eq!(app.page(&path).await["itemList"][0]["description"], "as written");

    app.behind_the_servers_back("UPDATE vr_clients SET description = 'behind its back'");
    app.poll_once(&cinema).await;
    let (_, seen) = app.get(&format!("/cms/cinemas/{cinema}")).await;
    assert!(seen["comsLastSeen"].is_i64(), "the poll wrote the COMS's last seen: {seen}");
    assert_eq!(app.page(&path).await["itemList"][0]["description"], "as written", "the poll left the page kept");

    let other = json!({"hallID": hall, "seatNumber": "A2", "IPAddr": "10.0.0.2"});
    app.create("/cms/vr_clients", "clientID", other).await;
    let page = app.page(&path).await;
    assert_eq!(page["totalCount"], 2, "the seat write is seen at once: {page}");
    assert_eq!(page["itemList"][0]["description"], "behind its back", "the page was read again");
}

#[tokio::test]
async fn a_kept_list_of_cinemas_shows_each_polls_last_seen() {
    let app = spawn_app().await;
    let cinema = app.cinema("rc_seen").await;
    let path = "/cms/cinemas?cinema_code=rc_seen";
    assert_eq!(app.page(path).await["itemList"][0]["comsLastSeen"], Value::Null, "never polled yet");

    app.behind_the_servers_back("UPDATE cinemas SET name = 'behind its back'");
    app.poll_once(&cinema).await;
    let (_, one) = app.get(&format!("/cms/cinemas/{cinema}")).await;
    let listed = &app.page(path).await["itemList"][0];
    assert_eq!(listed["name"], "X立方长宁缤谷", "the poll left the list kept: {listed}");
    assert_eq!(listed["comsLastSeen"], one["comsLastSeen"], "yet it shows the poll's last seen");
    assert!(listed["comsLastSeen"].is_i64(), "{listed}");

    let (status, _) = app.put(&format!("/cms/cinemas/{cinema}"), json!({"description": "edited"})).await;
    assert_eq!(status, 200);
    let listed = &app.page(path).await["itemList"][0];
    assert_eq!((listed["name"].as_str(), listed["description"].as_str()), (Some("behind its back"), Some("edited")));
}

#[tokio::test]
async fn a_heartbeat_keeps_the_cached_seat_page_yet_it_shows_the_seats_last_seen_and_online() {
    let app = spawn_app().await;
    let (cinema, key) = app.keyed_cinema("rc_hb").await;
    let client = app.seat(&app.hall(&cinema, "rc_hb_h").await, "A1").await;
    let (hb, beat) =
        (format!("/cms/cinemas/{cinema}/heartbeat"), json!({"seats": [{"clientID": client, "status": "IDLE"}]}));
    // The first heartbeat changes the seat's status: a change a page must show.
    assert_eq!(app.send_as(&Who::Signed(&key), "POST", &hb, Some(beat.clone())).await.0, 200);
    let path = format!("/cms/vr_clients?cinema_id={cinema}");
    let before = app.page(&path).await["itemList"][0].clone();
    assert_eq!((&before["status"], &before["online"]), (&json!("IDLE"), &json!(true)), "{before}");

    // A stored last seen long past, so the next heartbeat writes it again: liveness alone.
    app.behind_the_servers_back("UPDATE vr_clients SET description = 'behind its back', last_seen = 1");
    assert_eq!(app.send_as(&Who::Signed(&key), "POST", &hb, Some(beat)).await.0, 200);
    let listed = &app.page(&path).await["itemList"][0];
    assert_eq!(listed["description"], Value::Null, "the heartbeat left the page kept: {listed}");
    assert!(listed["lastSeen"].as_i64() >= before["lastSeen"].as_i64(), "it shows the last seen of now: {listed}");
    assert_eq!(listed["online"], true, "{listed}");
    let (_, stored) = app.get(&format!("/cms/vr_clients/{client}")).await;
    assert_eq!(stored["description"], "behind its back", "a fresh read sees the file: {stored}");
}
