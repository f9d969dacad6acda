//! VOD tasks (seed 000 §5): a viewer's order of films at a seat, listed by cinema, client and
//! status, moved through its states in order, and holding on to its films until finished.

use serde_json::json;

use crate::helpers::{spawn_app, TestApp};

/// A PENDING task at a new seat for a new film distributed to its cinema: (task, film, seat,
/// cinema).
async fn pending_task(app: &TestApp) -> (String, String, String, String) {
    let cinema = app.cinema("mc").await;
    let client = app.seat(&app.hall(&cinema, "mc_h1").await, "01").await;
    let movie = app.movie("m1").await;
    app.distribute(&movie, &[&cinema]).await;
    let task = app
        .create("/cms/vod_tasks", "taskID", json!({"movieList": [{"id": movie}], "clientID": client, "openID": "wx1"}))
        .await;
    (task, movie, client, cinema)
}

#[tokio::test]
async fn vod_tasks_are_listed_by_cinema_status_client_and_id() {
    let app = spawn_app().await;
    let (task, _, client, cinema) = pending_task(&app).await;
    let (_, tasks) = app.get(&format!("/cms/vod_tasks?cinema_id={cinema}&status=PENDING")).await;
    assert_eq!(tasks["itemList"][0]["taskID"], task.as_str());
    let (_, by_client) = app.get(&format!("/cms/vod_tasks?client_id={client}&task_id={task}&task_id=ghost")).await;
    assert_eq!(by_client["totalCount"], 1, "client_id and repeated task_id filter together: {by_client}");
    let (status, one) = app.get(&format!("/cms/vod_tasks/{task}")).await;
    assert_eq!((status, one["status"].as_str()), (200, Some("PENDING")), "{one}");
}

#[tokio::test]
async fn a_vod_task_moves_through_its_states_in_order() {
    let app = spawn_app().await;
    let (task, _, _, _) = pending_task(&app).await;
    assert_eq!(app.put(&format!("/cms/vod_tasks/{task}"), json!({"status": "ACCEPTED"})).await.0, 200);
    let (status, body) = app.put(&format!("/cms/vod_tasks/{task}"), json!({"status": "COMPLETED"})).await;
    assert_eq!(status, 400, "ACCEPTED cannot jump to COMPLETED: {body}");
    let (status, body) = app.put(&format!("/cms/vod_tasks/{task}"), json!({"status": "PLAYING"})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(app.put(&format!("/cms/vod_tasks/{task}"), json!({"status": "COMPLETED"})).await.0, 200);
    assert_eq!(app.get("/cms/vod_tasks?status=COMPLETED").await.1["totalCount"], 1);
}

#[tokio::test]
async fn an_unfinished_vod_task_keeps_its_film() {
    let app = spawn_app().await;
    let (task, movie, _, _) = pending_task(&app).await;
    for (state, next) in [("PENDING", "ACCEPTED"), ("ACCEPTED", "PLAYING")] {
        let (status, body) = app.delete(&format!("/cms/movies?movie_id={movie}")).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (409, Some("in_use")),
            "an unfinished ({state}) task still needs the film: {body}"
        );
        assert_eq!(app.put(&format!("/cms/vod_tasks/{task}"), json!({ "status": next })).await.0, 200);
    }
    assert_eq!(app.put(&format!("/cms/vod_tasks/{task}"), json!({"status": "COMPLETED"})).await.0, 200);
    assert_eq!(app.delete(&format!("/cms/movies?movie_id={movie}")).await.0, 200, "a finished task lets it go");
}

#[tokio::test]
async fn a_vod_task_cancelled_in_the_console_is_sent_to_its_cinemas_coms() {
    let app = spawn_app().await;
    let (task, _, _, cinema) = pending_task(&app).await;
    app.drain(&cinema).await;
    let change = json!({"status": "CANCELLED", "reason": "顾客离场"});
    assert_eq!(app.put(&format!("/cms/vod_tasks/{task}"), change).await.0, 200);
    let told = app.drain(&cinema).await;
    assert_eq!((told.len(), &told[0]["type"]), (1, &json!("VOD_TASK_UPDATED")));
    assert_eq!((&told[0]["message"]["taskID"], &told[0]["message"]["status"]), (&json!(task), &json!("CANCELLED")));
    let reasons: Vec<&serde_json::Value> =
        told[0]["message"]["statusHistory"].as_array().unwrap().iter().map(|e| &e["reason"]).collect();
    assert_eq!(reasons, [&serde_json::Value::Null, &json!("顾客离场")], "the whole task, its history included");
}
