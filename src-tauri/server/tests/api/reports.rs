//! What a site reports over HTTP (issue 13), signed with its cinema's key: heartbeats, seats, VOD tasks; and a key of cinema A refused on everything of cinema B.

use serde_json::{json, Value};

use crate::helpers::{spawn_app, ApiKey, TestApp, Who};

/// A cinema with a key, one hall and `n` seats: (cinema, key, seats).
async fn site(app: &TestApp, code: &str, n: usize) -> (String, ApiKey, Vec<String>) {
    let (cinema, key) = app.keyed_cinema(code).await;
    let hall = app.hall(&cinema, &format!("{code}_h1")).await;
    let mut seats = Vec::new();
    for i in 1..=n {
        seats.push(app.seat(&hall, &format!("A{i:02}")).await);
    }
    (cinema, key, seats)
}

async fn seat_of(app: &TestApp, client: &str) -> Value {
    app.get(&format!("/cms/vr_clients/{client}")).await.1
}

#[tokio::test]
async fn a_heartbeat_signed_with_the_cinemas_key_sets_its_seats_status_and_figures() {
    let app = spawn_app().await;
    let (cinema, key, seats) = site(&app, "hb", 2).await;
    let body = json!({"comsVersion": "2.4.1", "diskFreeBytes": 400_u64 << 30, "diskTotalBytes": 1_u64 << 40,
                      "seats": [{"clientID": seats[0], "status": "PLAYING"}]});
    let (status, answer) =
        app.send_as(&Who::Signed(&key), "POST", &format!("/cms/cinemas/{cinema}/heartbeat"), Some(body)).await;
    assert_eq!((status, answer), (200, json!({})));
    let seat = seat_of(&app, &seats[0]).await;
    assert_eq!((&seat["status"], &seat["online"]), (&json!("PLAYING"), &json!(true)), "{seat}");
    assert!(seat["lastSeen"].is_i64(), "seen now: {seat}");
    let other = seat_of(&app, &seats[1]).await;
    assert_eq!((&other["online"], &other["lastSeen"]), (&json!(false), &Value::Null), "not listed, never seen");
    let (_, c) = app.get(&format!("/cms/cinemas/{cinema}")).await;
    assert_eq!((&c["comsVersion"], &c["diskFreeBytes"]), (&json!("2.4.1"), &json!(400_u64 << 30)), "{c}");
    assert!(c["comsLastSeen"].is_i64() && c["heartbeatAt"].is_i64(), "{c}");
}

#[tokio::test]
async fn a_seat_reported_in_error_shows_its_fault_until_it_leaves_error() {
    let app = spawn_app().await;
    let (cinema, key, seats) = site(&app, "fault", 1).await;
    let path = format!("/cms/cinemas/{cinema}/heartbeat");
    let beat = |status: &str| json!({"seats": [{"clientID": seats[0], "status": status, "errorCode": "HMD_LOST", "errorMessage": "头盔未连接"}]});
    assert_eq!(app.send_as(&Who::Signed(&key), "POST", &path, Some(beat("ERROR"))).await.0, 200);
    let fault = seat_of(&app, &seats[0]).await["fault"].clone();
    assert_eq!((&fault["errorCode"], &fault["errorMessage"]), (&json!("HMD_LOST"), &json!("头盔未连接")), "{fault}");
    assert!(fault["raisedAt"].is_i64() && fault["clearedAt"].is_null(), "{fault}");
    assert_eq!(app.send_as(&Who::Signed(&key), "POST", &path, Some(beat("IDLE"))).await.0, 200);
    let cleared = seat_of(&app, &seats[0]).await["fault"].clone();
    assert!(cleared["clearedAt"].is_i64(), "the latest fault, cleared: {cleared}");
}

#[tokio::test]
async fn a_coms_reports_a_seat_with_the_seeds_put_signed_with_its_key() {
    let app = spawn_app().await;
    let (_, key, seats) = site(&app, "put", 1).await;
    let path = format!("/cms/vr_clients/{}", seats[0]);
    let report =
        json!({"status": "IN_VOD", "IPAddr": "10.1.1.9", "MACAddr": "aa:bb:cc:dd:ee:ff", "hostModel": "win11"});
    assert_eq!(app.send_as(&Who::Signed(&key), "PUT", &path, Some(report)).await.0, 200);
    let seat = seat_of(&app, &seats[0]).await;
    assert_eq!(
        (&seat["status"], &seat["IPAddr"], &seat["online"]),
        (&json!("IN_VOD"), &json!("10.1.1.9"), &json!(true))
    );
    let (status, body) = app.send_as(&Who::Signed(&key), "PUT", &path, Some(json!({"seatNumber": "Z9"}))).await;
    assert_eq!((status, body["code"].as_str()), (403, Some("forbidden")), "never the console's fields: {body}");
    let (status, _) = app.send_as(&Who::Signed(&key), "PUT", &path, Some(json!({"hallID": "elsewhere"}))).await;
    assert_eq!(status, 403, "never the hall");
}

#[tokio::test]
async fn a_coms_moves_its_cinemas_vod_task_with_a_reason() {
    let app = spawn_app().await;
    let (cinema, key, seats) = site(&app, "vod", 1).await;
    let movie = app.movie("vod_m").await;
    app.distribute(&movie, &[&cinema]).await;
    let task =
        app.create("/cms/vod_tasks", "taskID", json!({"movieList": [{"id": movie}], "clientID": seats[0]})).await;
    let path = format!("/cms/vod_tasks/{task}");
    let (status, body) = app.send_as(&Who::Signed(&key), "PUT", &path, Some(json!({"status": "ACCEPTED"}))).await;
    assert_eq!(status, 200, "{body}");
    let failed = json!({"status": "FAILED", "reason": "座椅故障"});
    assert_eq!(app.send_as(&Who::Signed(&key), "PUT", &path, Some(failed)).await.0, 200);
    let (_, task) = app.get(&path).await;
    assert_eq!(task["status"], "FAILED");
    let last = task["statusHistory"].as_array().unwrap().last().unwrap().clone();
    assert_eq!((&last["reason"], &last["actor"]), (&json!("座椅故障"), &json!(format!("cinema:{cinema}"))));
    assert_eq!(task["movieList"][0]["price"], 2990, "the price when ordered");
}

#[tokio::test]
async fn a_key_of_cinema_a_gets_403_on_cinema_bs_seats_tasks_deliveries_and_commands() {
    let app = spawn_app().await;
    let (_, key_a, _) = site(&app, "ka", 0).await;
    let (b, _, seats_b) = site(&app, "kb", 1).await;
    let movie = app.movie("kb_m").await;
    app.distribute(&movie, &[&b]).await;
    let task =
        app.create("/cms/vod_tasks", "taskID", json!({"movieList": [{"id": movie}], "clientID": seats_b[0]})).await;
    let command = app
        .create(
            &format!("/cms/cinemas/{b}/commands"),
            "commandID",
            json!({"action": "REBOOT", "clientIDList": seats_b}),
        )
        .await;
    let a = Who::Signed(&key_a);
    let refused: Vec<(&str, String, Option<Value>)> = vec![
        ("PUT", format!("/cms/vr_clients/{}", seats_b[0]), Some(json!({"status": "IDLE"}))),
        ("POST", format!("/cms/cinemas/{b}/heartbeat"), Some(json!({"seats": []}))),
        ("PUT", format!("/cms/vod_tasks/{task}"), Some(json!({"status": "ACCEPTED"}))),
        (
            "PUT",
            format!("/cms/cinemas/{b}/deliveries/{movie}"),
            Some(json!({"state": "DOWNLOADING", "bytes": 0, "totalBytes": 0})),
        ),
        ("GET", format!("/cms/cinemas/{b}/deliveries"), None),
        ("GET", format!("/cms/commands/{command}"), None),
        ("PUT", format!("/cms/commands/{command}"), Some(json!({"state": "DONE"}))),
        ("GET", format!("/cms/cinemas/{b}/commands"), None),
    ];
    for (method, path, body) in refused {
        let (status, answer) = app.send_as(&a, method, &path, body).await;
        assert_eq!((status, answer["code"].as_str()), (403, Some("forbidden")), "{method} {path}: {answer}");
    }
    assert_eq!(seat_of(&app, &seats_b[0]).await["status"], "SHUT_DOWN", "nothing of B's changed");
    assert_eq!(app.get(&format!("/cms/commands/{command}")).await.1["state"], "PENDING");
}

#[tokio::test]
async fn a_sites_report_on_an_unknown_record_is_404() {
    let app = spawn_app().await;
    let (cinema, key, _) = site(&app, "nf", 0).await;
    let who = Who::Signed(&key);
    let unknown: Vec<(&str, String, Option<Value>)> = vec![
        ("PUT", "/cms/vr_clients/ghost".into(), Some(json!({"status": "IDLE"}))),
        (
            "POST",
            format!("/cms/cinemas/{cinema}/heartbeat"),
            Some(json!({"seats": [{"clientID": "ghost", "status": "IDLE"}]})),
        ),
        ("PUT", "/cms/vod_tasks/ghost".into(), Some(json!({"status": "ACCEPTED"}))),
        (
            "PUT",
            format!("/cms/cinemas/{cinema}/deliveries/ghost"),
            Some(json!({"state": "READY", "bytes": 0, "totalBytes": 0})),
        ),
        ("PUT", "/cms/commands/ghost".into(), Some(json!({"state": "DONE"}))),
        ("GET", "/cms/commands/ghost".into(), None),
    ];
    for (method, path, body) in unknown {
        let (status, answer) = app.send_as(&who, method, &path, body).await;
        assert_eq!((status, answer["code"].as_str()), (404, Some("not_found")), "{method} {path}: {answer}");
    }
}

#[tokio::test]
async fn a_reports_signature_covers_exactly_its_body() {
    let app = spawn_app().await;
    let (cinema, key, seats) = site(&app, "cov", 1).await;
    let sent = json!({"seats": [{"clientID": seats[0], "status": "ERROR"}]}).to_string();
    let signed = json!({"seats": [{"clientID": seats[0], "status": "IDLE"}]}).to_string();
    let req = app.http.post(app.url(&format!("/cms/cinemas/{cinema}/heartbeat"))).body(sent);
    let (status, body) = crate::helpers::answer(crate::helpers::signed(req, &key, &signed)).await;
    assert_eq!(status, 401, "a signature of another body: {body}");
    assert_eq!(seat_of(&app, &seats[0]).await["status"], "SHUT_DOWN");
    let (status, _) =
        app.send_as(&Who::Nobody, "POST", &format!("/cms/cinemas/{cinema}/heartbeat"), Some(json!({}))).await;
    assert_eq!(status, 401, "no credentials");
}

#[tokio::test]
async fn a_heartbeat_names_each_bad_field() {
    let app = spawn_app().await;
    let (cinema, key, seats) = site(&app, "bad", 1).await;
    let path = format!("/cms/cinemas/{cinema}/heartbeat");
    for (body, field) in [
        (json!({"seats": [{"clientID": seats[0], "status": "ASLEEP"}]}), "seats[].status"),
        (json!({"seats": [{"status": "IDLE"}]}), "seats[].clientID"),
        (json!({"diskFreeBytes": -1}), "diskFreeBytes"),
        (json!({"diskFreeBytes": 2, "diskTotalBytes": 1}), "diskFreeBytes"),
    ] {
        let (status, answer) = app.send_as(&Who::Signed(&key), "POST", &path, Some(body.clone())).await;
        assert_eq!((status, answer["field"].as_str()), (400, Some(field)), "{body}: {answer}");
    }
}

#[tokio::test]
async fn the_seats_offline_window_is_a_setting() {
    let app = spawn_app().await;
    assert_eq!(app.get("/cms/settings").await.1["seatOfflineSeconds"], 180);
    assert_eq!(app.put("/cms/settings", json!({"seatOfflineSeconds": 300})).await.0, 200);
    assert_eq!(app.get("/cms/settings").await.1["seatOfflineSeconds"], 300);
    let (status, body) = app.put("/cms/settings", json!({"seatOfflineSeconds": 30})).await;
    assert_eq!((status, body["field"].as_str()), (400, Some("seatOfflineSeconds")));
}
