//! Cinemas (seed 000 §1): created in any JSON content type, listed in pages of the seed's
//! fields, filtered, updated field by field, deleted after a look at the impact.

use serde_json::json;

use crate::helpers::spawn_app;

#[tokio::test]
async fn a_cinema_body_is_read_whatever_its_content_type() {
    let app = spawn_app().await;
    // The seed's clients send text/plain (app.cinema does); browsers send application/json, curl
    // sometimes nothing: all three are the same JSON body.
    app.cinema("ct_text").await;
    for (code, content_type) in [("ct_json", Some("application/json")), ("ct_none", None)] {
        let mut req = app.http.post(app.url("/cms/cinemas")).bearer_auth(&app.token);
        if let Some(ct) = content_type {
            req = req.header("content-type", ct);
        }
        let body = json!({"cinemaCode": code, "name": "n", "regionID": "BEIJING"}).to_string();
        let res = req.body(body).send().await.unwrap();
        assert_eq!(res.status(), 200, "content-type {content_type:?} is accepted");
        let id = res.json::<serde_json::Value>().await.unwrap()["cinemaID"].as_str().unwrap().to_string();
        assert_eq!(app.delete(&format!("/cms/cinemas?cinema_id={id}")).await.0, 200);
    }
}

#[tokio::test]
async fn cinemas_are_listed_as_a_page_of_the_seeds_fields() {
    let app = spawn_app().await;
    app.cinema("huabeiqu_cinema_0001").await;
    app.cinema("huabeiqu_cinema_0002").await;
    let (status, page) = app.get("/cms/cinemas").await;
    assert_eq!(status, 200);
    assert_eq!(page["totalCount"], 2, "pages are {{totalCount, itemList}}: {page}");
    let item = &page["itemList"][0];
    for key in
        ["cinemaID", "cinemaCode", "name", "numberOfHalls", "regionID", "comsMACAddr", "comsIPAddr", "description"]
    {
        assert!(item.get(key).is_some(), "cinema has {key}: {item}");
    }
}

#[tokio::test]
async fn cinema_lists_filter_by_repeated_ids_code_and_region_and_page() {
    let app = spawn_app().await;
    let a = app.cinema("huabeiqu_cinema_0001").await;
    let b = app.cinema("huabeiqu_cinema_0002").await;
    let (_, both) = app.get(&format!("/cms/cinemas?cinema_id={a}&cinema_id={b}")).await;
    assert_eq!(both["totalCount"], 2, "repeated cinema_id keys select several");
    let (_, one) = app.get("/cms/cinemas?cinema_code=huabeiqu_cinema_0002&region_id=SHANGHAI").await;
    assert_eq!(one["itemList"][0]["cinemaID"], b.as_str());
    let (_, paged) = app.get("/cms/cinemas?start=1&limit=1").await;
    assert_eq!((paged["totalCount"].as_u64(), paged["itemList"].as_array().unwrap().len()), (Some(2), 1));
}

#[tokio::test]
async fn a_cinema_put_changes_only_the_fields_it_names() {
    let app = spawn_app().await;
    let a = app.cinema("huabeiqu_cinema_0001").await;
    let (status, _) = app.put(&format!("/cms/cinemas/{a}"), json!({"name": "新名字", "numberOfHalls": 5})).await;
    assert_eq!(status, 200);
    let (_, got) = app.get(&format!("/cms/cinemas/{a}")).await;
    assert_eq!((got["name"].as_str(), got["numberOfHalls"].as_i64()), (Some("新名字"), Some(5)));
    assert_eq!(got["cinemaCode"], "huabeiqu_cinema_0001", "PUT keeps fields it does not name");
}

#[tokio::test]
async fn cinemas_are_deleted_together_after_a_look_at_the_impact() {
    let app = spawn_app().await;
    let a = app.cinema("huabeiqu_cinema_0001").await;
    let b = app.cinema("huabeiqu_cinema_0002").await;
    let (status, impact) = app.get(&format!("/cms/cinemas/_deletion_impact?cinema_id={a}")).await;
    assert_eq!((status, impact["cinemas"].as_u64()), (200, Some(1)), "{impact}");
    let (status, _) = app.delete(&format!("/cms/cinemas?cinema_id={a}&cinema_id={b}")).await;
    assert_eq!(status, 200);
    assert_eq!(app.get("/cms/cinemas").await.1["totalCount"], 0);
}

#[tokio::test]
async fn a_duplicate_cinema_code_is_a_conflict() {
    let app = spawn_app().await;
    app.cinema("dup").await;
    let (status, body) = app.post_cinema(&json!({"cinemaCode": "dup", "name": "again", "regionID": "BEIJING"})).await;
    assert_eq!((status, body["field"].as_str()), (409, Some("cinemaCode")), "{body}");
}

#[tokio::test]
async fn an_unknown_region_is_a_400_naming_the_field() {
    let app = spawn_app().await;
    let (status, body) = app.post_cinema(&json!({"cinemaCode": "x", "name": "n", "regionID": "MARS"})).await;
    assert_eq!((status, body["field"].as_str(), body["code"].as_str()), (400, Some("regionID"), Some("invalid")));
    assert!(body["info"].as_str().unwrap().contains("regionID"), "info names the field: {body}");
}

#[tokio::test]
async fn an_update_of_an_unknown_cinema_is_a_404() {
    let app = spawn_app().await;
    let (status, body) = app.put("/cms/cinemas/nope", json!({"name": "x"})).await;
    assert_eq!(status, 404, "unknown id: {body}");
}

#[tokio::test]
async fn a_delete_naming_no_cinema_is_refused() {
    let app = spawn_app().await;
    let (status, body) = app.delete("/cms/cinemas").await;
    assert_eq!(status, 400, "a delete naming nothing is refused: {body}");
}
