//! Distributing a film to cinemas (seed 000 §4.7): all named cinemas or none, and a NEW_MOVIE
//! message queued for each cinema's COMS.

use serde_json::json;

use crate::helpers::spawn_app;

#[tokio::test]
async fn a_distribution_naming_an_unknown_cinema_distributes_nothing() {
    let app = spawn_app().await;
    let cinema = app.cinema("mc").await;
    let movie = app.movie("m1").await;
    let (status, body) =
        app.post(&format!("/cms/movies/{movie}/_distribute"), json!({"cinemaIDList": [cinema, "ghost"]})).await;
    assert_eq!(status, 404, "one unknown cinema and nothing is distributed: {body}");
    assert_eq!(app.get(&format!("/cms/movies?cinema_id={cinema}")).await.1["totalCount"], 0);
}

#[tokio::test]
async fn a_distributed_film_is_listed_for_its_cinema() {
    let app = spawn_app().await;
    let cinema = app.cinema("mc").await;
    let movie = app.movie("m1").await;
    let (status, out) = app.post(&format!("/cms/movies/{movie}/_distribute"), json!({"cinemaIDList": [cinema]})).await;
    assert_eq!(status, 200, "{out}");
    assert_eq!(app.get(&format!("/cms/movies?cinema_id={cinema}")).await.1["totalCount"], 1);
    assert_eq!(app.get(&format!("/cms/movies/{movie}/cinemas")).await.1["cinemaIDList"], json!([cinema]));
}

#[tokio::test]
async fn a_distributed_film_is_queued_for_its_cinemas_coms() {
    let app = spawn_app().await;
    let cinema = app.cinema("mc").await;
    let movie = app.movie("m1").await;
    app.distribute(&movie, &[&cinema]).await;
    let head = app
        .cms
        .next_message(&cinedesk_core::Actor::System, &cinema)
        .unwrap()
        .expect("the cinema's COMS has a NEW_MOVIE waiting");
    assert_eq!(head.message["movieID"], movie.as_str());
}
