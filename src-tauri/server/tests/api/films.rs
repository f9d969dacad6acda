//! Films (seed 000 §4): listed with filters and order in the seed's fields, updated, praised
//! once per WeChat user, deleted when nothing needs them.

use serde_json::json;

use crate::helpers::spawn_app;

#[tokio::test]
async fn films_are_listed_with_filters_and_order_in_the_seeds_fields() {
    let app = spawn_app().await;
    let movie = app.movie("m1").await;
    let (_, list) =
        app.get("/cms/movies?type=MOVIE&category=SCIENCE&country=USA&name=NAM&order_param=price&order_seq=asc").await;
    let item = &list["itemList"][0];
    assert_eq!(item["movieID"], movie.as_str());
    for key in ["iconURL", "posterURL", "numOfPraise", "numOfView", "scheduleStart", "weixinURL", "isHot", "price"] {
        assert!(item.get(key).is_some(), "movie has {key}: {item}");
    }
}

#[tokio::test]
async fn a_films_price_is_updated() {
    let app = spawn_app().await;
    let movie = app.movie("m1").await;
    assert_eq!(app.put(&format!("/cms/movies/{movie}"), json!({"price": 3000})).await.0, 200);
    assert_eq!(app.get(&format!("/cms/movies/{movie}")).await.1["price"], 3000);
}

#[tokio::test]
async fn a_film_is_praised_once_per_wechat_user() {
    let app = spawn_app().await;
    let movie = app.movie("m1").await;
    let (status, praised) = app.post(&format!("/cms/movies/{movie}/_praise"), json!({})).await;
    assert_eq!((status, praised["numOfPraise"].as_i64()), (200, Some(1)));
    for expected in [2, 2] {
        let (_, praised) = app.post(&format!("/cms/movies/{movie}/_praise?open_id=wx-viewer"), json!({})).await;
        assert_eq!(praised["numOfPraise"], expected, "one WeChat user praises a film once: {praised}");
    }
}

#[tokio::test]
async fn praising_an_unknown_film_is_a_404() {
    let app = spawn_app().await;
    let (status, body) = app.post("/cms/movies/ghost/_praise", json!({})).await;
    assert_eq!(status, 404, "{body}");
}

#[tokio::test]
async fn film_lists_select_by_repeated_ids_and_code_and_take_an_open_id() {
    let app = spawn_app().await;
    let movie = app.movie("m1").await;
    let other = app.movie("m2").await;
    let (_, both) = app.get(&format!("/cms/movies?movie_id={movie}&movie_id={other}&start=0&limit=5")).await;
    assert_eq!(both["totalCount"], 2, "repeated movie_id keys select several: {both}");
    let (_, by_code) = app.get("/cms/movies?movie_code=m2").await;
    assert_eq!(by_code["itemList"][0]["movieID"], other.as_str(), "{by_code}");
    let (_, viewer) = app.get(&format!("/cms/movies?movie_id={movie}&open_id=wx-viewer")).await;
    assert_eq!(viewer["totalCount"], 1, "open_id is accepted as a filter: {viewer}");
}

#[tokio::test]
async fn an_unused_film_is_deleted() {
    let app = spawn_app().await;
    let other = app.movie("m2").await;
    assert_eq!(app.delete(&format!("/cms/movies?movie_id={other}")).await.0, 200, "an unused film goes");
    assert_eq!(app.get(&format!("/cms/movies/{other}")).await.0, 404, "and is gone");
}
