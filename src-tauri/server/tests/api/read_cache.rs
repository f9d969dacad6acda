//! The read cache under a live chain: a COMS poll keeps kept lists (its last seen is overlaid), a write to a table they read drops them.
//!
//! Whether an answer came from the cache is seen by changing the SQLite file behind the
//! server's back (a second connection, no stamp moves): a kept answer still shows the old row,
//! a fresh read the new one.

use serde_json::{json, Value};

use super::{spawn_app, TestApp};

impl TestApp {
    /// Changes rows in the database file directly, as nothing the server would notice.
    fn behind_the_servers_back(&self, sql: &str) {
        let db = rusqlite::Connection::open(self.cms.data_dir().join(cinedesk_core::DB_FILE)).unwrap();
        db.busy_timeout(std::time::Duration::from_secs(10)).unwrap();
        db.execute_batch(sql).unwrap();
    }

    /// One COMS poll that answers at once (nothing queued): it records the COMS as seen.
    async fn poll_once(&self, cinema: &str) {
        let (status, body) = self.get(&format!("/cms/long_poll/{cinema}?timeout=0")).await;
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
