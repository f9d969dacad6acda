//! Commands over HTTP (issue 13): a manager sends one, the cinema's COMS receives it on its channel, acknowledges it (SENT) and says how it ended.

use serde_json::{json, Value};

use crate::helpers::{spawn_app, ApiKey, TestApp, Who};

/// A cinema with a key and two seats, and a REBOOT sent to both: (cinema, key, seats, command).
async fn sent(app: &TestApp) -> (String, ApiKey, Vec<String>, String) {
    let (cinema, key) = app.keyed_cinema("cmd").await;
    let hall = app.hall(&cinema, "cmd_h1").await;
    let seats = vec![app.seat(&hall, "A01").await, app.seat(&hall, "A02").await];
    let path = format!("/cms/cinemas/{cinema}/commands");
    let command = app.create(&path, "commandID", json!({"action": "REBOOT", "clientIDList": seats})).await;
    (cinema, key, seats, command)
}

async fn command(app: &TestApp, id: &str) -> Value {
    app.get(&format!("/cms/commands/{id}")).await.1
}

#[tokio::test]
async fn a_command_reaches_its_coms_and_is_sent_once_acknowledged() {
    let app = spawn_app().await;
    let (cinema, key, seats, id) = sent(&app).await;
    assert_eq!(command(&app, &id).await["state"], "PENDING");
    let poll = app.http.get(app.url(&format!("/cms/long_poll/{cinema}?timeout=0")));
    let (status, head) = crate::helpers::answer(crate::helpers::signed(poll, &key, "timeout=0")).await;
    assert_eq!(status, 200);
    assert_eq!(head["type"], "COMMAND");
    assert_eq!(head["message"], json!({"commandID": id, "action": "REBOOT", "clientIDList": seats}));
    let ack = format!("timeout=0&ack={}", head["messageID"].as_str().unwrap());
    let poll = app.http.get(app.url(&format!("/cms/long_poll/{cinema}?{ack}")));
    assert_eq!(crate::helpers::answer(crate::helpers::signed(poll, &key, &ack)).await.0, 204);
    assert_eq!(command(&app, &id).await["state"], "SENT", "acknowledged in the same transaction");
}

#[tokio::test]
async fn the_site_says_how_a_command_ended_and_the_console_reads_it() {
    let app = spawn_app().await;
    let (cinema, key, seats, id) = sent(&app).await;
    let path = format!("/cms/commands/{id}");
    let done = json!({"state": "DONE", "detail": "2 seats rebooted"});
    assert_eq!(app.send_as(&Who::Signed(&key), "PUT", &path, Some(done)).await, (200, json!({})));
    let (_, read) = app.send_as(&Who::Signed(&key), "GET", &path, None).await;
    assert_eq!(
        (&read["state"], &read["detail"], &read["cinemaID"]),
        (&json!("DONE"), &json!("2 seats rebooted"), &json!(cinema))
    );
    assert_eq!(read["clientIDList"], json!(seats));
    assert!(read["createdAt"].is_i64() && read["updatedAt"].as_i64() >= read["createdAt"].as_i64());
    let (status, body) = app.send_as(&Who::Signed(&key), "PUT", &path, Some(json!({"state": "FAILED"}))).await;
    assert_eq!((status, body["code"].as_str()), (409, Some("conflict")), "it already ended: {body}");
    let listed = app.get(&format!("/cms/cinemas/{cinema}/commands")).await.1;
    assert_eq!((&listed["totalCount"], &listed["itemList"][0]["commandID"]), (&json!(1), &json!(id)));
}

#[tokio::test]
async fn a_command_is_for_seats_of_its_cinema_and_from_the_console_only() {
    let app = spawn_app().await;
    let (cinema, key, _, _) = sent(&app).await;
    let other = app.seat(&app.hall(&app.cinema("other").await, "other_h1").await, "B01").await;
    let path = format!("/cms/cinemas/{cinema}/commands");
    let (status, body) = app.post(&path, json!({"action": "SHUTDOWN", "clientIDList": [other]})).await;
    assert_eq!((status, body["field"].as_str()), (400, Some("clientIDList")), "{body}");
    let (status, body) = app.post(&path, json!({"action": "SELF_DESTRUCT", "clientIDList": [other]})).await;
    assert_eq!((status, body["field"].as_str()), (400, Some("action")), "{body}");
    let body = json!({"action": "REBOOT", "clientIDList": []});
    let (status, _) = app.send_as(&Who::Signed(&key), "POST", &path, Some(body)).await;
    assert_eq!(status, 401, "a signature is no session on the console's routes");
    let (status, _) =
        app.post("/cms/cinemas/ghost/commands", json!({"action": "REBOOT", "clientIDList": [other]})).await;
    assert_eq!(status, 404);
}
