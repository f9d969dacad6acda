//! The REST API over real HTTP on 127.0.0.1: every route of seed 000 §1–5, 7–10, auth and roles, the CLI.

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use cinedesk_core::Cms;
use serde_json::{json, Value};
use tempfile::TempDir;

mod qr;
#[path = "../../core/tests/support/qr_decode.rs"]
mod qr_decode;

const ADMIN_PASSWORD: &str = "admin-password";

/// A `user-date` for a signed request, later than any this process made before: a signature is
/// accepted once, so two requests signing the same parameters in one millisecond would
/// otherwise be one signature.
fn unique_user_date() -> String {
    use std::sync::atomic::{AtomicI64, Ordering};
    static LAST: AtomicI64 = AtomicI64::new(0);
    let now = cinedesk_core::now_ms();
    let prev = LAST.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |last| Some(now.max(last + 1))).unwrap_or(0);
    cinedesk_core::user_date(now.max(prev + 1))
}

struct TestApp {
    base: String,
    token: String,
    http: reqwest::Client,
    cms: Arc<Cms>,
    _dir: TempDir,
}

/// A server on port 0 over its own data dir, with a logged-in SYS_ADMIN.
async fn spawn_app() -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let cms = Arc::new(Cms::open(dir.path()).unwrap());
    cms.create_first_admin("管理员", "admin", ADMIN_PASSWORD).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = cinedesk_server::router(Arc::clone(&cms));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let mut t = TestApp { base, token: String::new(), http: reqwest::Client::new(), cms, _dir: dir };
    t.token = t.login("admin", ADMIN_PASSWORD).await;
    t
}

impl TestApp {
    async fn login(&self, alias: &str, password: &str) -> String {
        let (status, body) =
            self.send("POST", "/cms/login", None, Some(json!({ "alias": alias, "password": password }))).await;
        assert_eq!(status, 200, "login of {alias} must succeed: {body}");
        body["token"].as_str().unwrap().to_string()
    }

    /// Sends JSON as `text/plain`, the way the seed's clients do.
    async fn send(&self, method: &str, path: &str, token: Option<&str>, body: Option<Value>) -> (u16, Value) {
        let mut req = self.http.request(method.parse().unwrap(), format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.header("content-type", "text/plain").body(b.to_string());
        }
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        let text = res.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        self.send("GET", path, Some(&self.token), None).await
    }
    async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.send("POST", path, Some(&self.token), Some(body)).await
    }
    async fn put(&self, path: &str, body: Value) -> (u16, Value) {
        self.send("PUT", path, Some(&self.token), Some(body)).await
    }
    async fn delete(&self, path: &str) -> (u16, Value) {
        self.send("DELETE", path, Some(&self.token), None).await
    }

    /// Creates and returns an id, asserting the seed's `{"<key>": id}` answer.
    async fn create(&self, path: &str, key: &str, body: Value) -> String {
        let (status, res) = self.post(path, body).await;
        assert_eq!(status, 200, "POST {path}: {res}");
        res[key].as_str().unwrap_or_else(|| panic!("POST {path} must answer {{\"{key}\"}}: {res}")).to_string()
    }

    async fn cinema(&self, code: &str) -> String {
        self.create(
            "/cms/cinemas",
            "cinemaID",
            json!({"cinemaCode": code, "name": "X立方长宁缤谷", "numberOfHalls": 4, "regionID": "SHANGHAI",
                   "comsMACAddr": "ef:23:7e:cc:8a:01", "comsIPAddr": "192.168.8.21", "description": "第二家店"}),
        )
        .await
    }

    async fn hall(&self, cinema: &str, code: &str) -> String {
        self.create(
            "/cms/halls",
            "hallID",
            json!({"hallCode": code, "name": "放映厅01", "cinemaID": cinema, "numberOfSeats": 10}),
        )
        .await
    }

    async fn movie(&self, code: &str) -> String {
        self.create(
            "/cms/movies",
            "movieID",
            json!({"name": "NAME", "movieCode": code, "duration": 30, "description": "简介", "type": "MOVIE",
                   "category": "ACTION,SCIENCE", "country": "USA", "scheduleStart": "1510208988793",
                   "scheduleEnd": "1510208989793", "online": true, "price": 2990, "isHot": true}),
        )
        .await
    }
}

fn keys(v: &Value) -> Vec<&str> {
    v.as_object().map(|o| o.keys().map(String::as_str).collect()).unwrap_or_default()
}

#[tokio::test]
async fn health_unknown_routes_and_methods() {
    let app = spawn_app().await;
    let (status, body) = app.send("GET", "/healthz", None, None).await;
    assert_eq!((status, body), (200, json!({"status": "ok"})), "/healthz is public");
    let (status, info) = app.send("GET", "/cms/app_info", None, None).await;
    assert_eq!((status, info["hasUsers"].as_bool(), info["mode"].as_str()), (200, Some(true), Some("server")));
    let (status, body) = app.get("/cms/nothing_here").await;
    assert_eq!(status, 404);
    assert!(body["info"].as_str().unwrap().contains("/cms/nothing_here"), "404 says which route: {body}");
    let (status, body) = app.send("PATCH", "/cms/cinemas", Some(&app.token), None).await;
    assert_eq!(status, 405, "{body}");
    assert!(body["info"].is_string());
}

#[tokio::test]
async fn cinemas_round_trip_in_the_seed_shapes() {
    let app = spawn_app().await;
    let a = app.cinema("huabeiqu_cinema_0001").await;
    let b = app.cinema("huabeiqu_cinema_0002").await;
    // The seed's clients send text/plain (app.cinema does); browsers send application/json, curl
    // sometimes nothing: all three are the same JSON body.
    for (code, content_type) in [("ct_json", Some("application/json")), ("ct_none", None)] {
        let mut req = app.http.post(format!("{}/cms/cinemas", app.base)).bearer_auth(&app.token);
        if let Some(ct) = content_type {
            req = req.header("content-type", ct);
        }
        let body = json!({"cinemaCode": code, "name": "n", "regionID": "BEIJING"}).to_string();
        let res = req.body(body).send().await.unwrap();
        assert_eq!(res.status(), 200, "content-type {content_type:?} is accepted");
        let id = res.json::<Value>().await.unwrap()["cinemaID"].as_str().unwrap().to_string();
        assert_eq!(app.delete(&format!("/cms/cinemas?cinema_id={id}")).await.0, 200);
    }
    let (status, page) = app.get("/cms/cinemas").await;
    assert_eq!(status, 200);
    assert_eq!(page["totalCount"], 2, "pages are {{totalCount, itemList}}: {page}");
    let item = &page["itemList"][0];
    for key in
        ["cinemaID", "cinemaCode", "name", "numberOfHalls", "regionID", "comsMACAddr", "comsIPAddr", "description"]
    {
        assert!(item.get(key).is_some(), "cinema has {key}: {item}");
    }
    let (_, both) = app.get(&format!("/cms/cinemas?cinema_id={a}&cinema_id={b}")).await;
    assert_eq!(both["totalCount"], 2, "repeated cinema_id keys select several");
    let (_, one) = app.get("/cms/cinemas?cinema_code=huabeiqu_cinema_0002&region_id=SHANGHAI").await;
    assert_eq!(one["itemList"][0]["cinemaID"], b.as_str());
    let (_, paged) = app.get("/cms/cinemas?start=1&limit=1").await;
    assert_eq!((paged["totalCount"].as_u64(), paged["itemList"].as_array().unwrap().len()), (Some(2), 1));

    let (status, _) = app.put(&format!("/cms/cinemas/{a}"), json!({"name": "新名字", "numberOfHalls": 5})).await;
    assert_eq!(status, 200);
    let (_, got) = app.get(&format!("/cms/cinemas/{a}")).await;
    assert_eq!((got["name"].as_str(), got["numberOfHalls"].as_i64()), (Some("新名字"), Some(5)));
    assert_eq!(got["cinemaCode"], "huabeiqu_cinema_0001", "PUT keeps fields it does not name");

    let (status, impact) = app.get(&format!("/cms/cinemas/_deletion_impact?cinema_id={a}")).await;
    assert_eq!((status, impact["cinemas"].as_u64()), (200, Some(1)), "{impact}");
    let (status, _) = app.delete(&format!("/cms/cinemas?cinema_id={a}&cinema_id={b}")).await;
    assert_eq!(status, 200);
    assert_eq!(app.get("/cms/cinemas").await.1["totalCount"], 0);
}

#[tokio::test]
async fn bad_input_is_a_400_naming_the_problem_and_never_a_500() {
    let app = spawn_app().await;
    let (status, body) = app.post("/cms/cinemas", json!({"cinemaCode": "x", "name": "n", "regionID": "MARS"})).await;
    assert_eq!((status, body["field"].as_str(), body["code"].as_str()), (400, Some("regionID"), Some("invalid")));
    assert!(body["info"].as_str().unwrap().contains("regionID"), "info names the field: {body}");
    let raw = app
        .http
        .post(format!("{}/cms/cinemas", app.base))
        .bearer_auth(&app.token)
        .header("content-type", "text/plain")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 400, "a body that is not JSON is the client's fault");
    let (status, body) = app.post("/cms/cinemas", json!({"cinemaCode": "x", "name": 5, "regionID": "BEIJING"})).await;
    assert_eq!(
        (status, body["field"].as_str()),
        (400, Some("name")),
        "a wrong type is a 400 blaming its field: {body}"
    );
    assert!(body["info"].as_str().unwrap().starts_with("name: invalid type"), "info says what was wrong: {body}");
    let (status, body) = app.post("/cms/vod_tasks", json!({"movieList": [{"id": 7}]})).await;
    assert_eq!((status, body["field"].as_str()), (400, Some("movieList[0].id")), "nested fields are named: {body}");
    let (status, body) = app.post("/cms/cinemas", json!("not an object")).await;
    assert_eq!((status, body.get("field")), (400, None), "the whole body is wrong, not one field: {body}");
    assert!(body["info"].as_str().unwrap().contains("invalid JSON body"), "{body}");
    for raw_body in ["{not json", "{\"cinemaCode\": \"x\"} trailing"] {
        let res = app.http.post(format!("{}/cms/cinemas", app.base)).bearer_auth(&app.token).body(raw_body);
        let res = res.send().await.unwrap();
        assert_eq!(res.status(), 400, "{raw_body:?} is not one JSON value");
        let body: Value = res.json().await.expect("even a broken body is answered in JSON");
        assert!(body["info"].as_str().unwrap().contains("invalid JSON body"), "{body}");
    }
    let res =
        app.http.put(format!("{}/cms/cinemas/%FF", app.base)).bearer_auth(&app.token).body("{}").send().await.unwrap();
    assert_eq!(res.status(), 400, "an id that is not UTF-8 is the client's fault");
    let body: Value = res.json().await.expect("a bad path parameter is answered in JSON, like every failure");
    assert_eq!(body["code"], "invalid");
    let huge = format!("{{\"name\": \"{}\"}}", "x".repeat(3 << 20));
    let res = app.http.post(format!("{}/cms/cinemas", app.base)).bearer_auth(&app.token).body(huge);
    let res = res.send().await.unwrap();
    assert_eq!(res.status(), 413, "a body over the limit is too large, not malformed");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "too_large", "{body}");
    for q in ["limit=abc", "start=-1", "limit=0", "limit=100000"] {
        let (status, body) = app.get(&format!("/cms/cinemas?{q}")).await;
        assert_eq!(status, 400, "{q} must be refused: {body}");
    }
    let (status, _) = app.get("/cms/movies?order_param=drop").await;
    assert_eq!(status, 400);
    let (status, _) = app.get("/cms/movies?order_seq=sideways").await;
    assert_eq!(status, 400);
    let (status, _) = app.get("/cms/vr_clients?status=DANCING").await;
    assert_eq!(status, 400);
    let (status, body) = app.put("/cms/cinemas/nope", json!({"name": "x"})).await;
    assert_eq!(status, 404, "unknown id: {body}");
    let (status, body) = app.delete("/cms/cinemas").await;
    assert_eq!(status, 400, "a delete naming nothing is refused: {body}");
}

#[tokio::test]
async fn duplicate_codes_are_409() {
    let app = spawn_app().await;
    app.cinema("dup").await;
    let (status, body) =
        app.post("/cms/cinemas", json!({"cinemaCode": "dup", "name": "again", "regionID": "BEIJING"})).await;
    assert_eq!((status, body["field"].as_str()), (409, Some("cinemaCode")), "{body}");
}

#[tokio::test]
async fn halls_seats_and_models() {
    let app = spawn_app().await;
    let cinema = app.cinema("c1").await;
    let hall = app.hall(&cinema, "c1_h1").await;
    let (_, halls) = app.get(&format!("/cms/halls?cinema_id={cinema}&hall_id={hall}&hall_code=c1_h1")).await;
    assert_eq!(halls["itemList"][0]["hallID"], hall.as_str());
    assert_eq!(app.put(&format!("/cms/halls/{hall}"), json!({"numberOfSeats": 30})).await.0, 200);

    let hmd = app
        .create("/cms/hmd_models", "hmdModelID", json!({"modelCode": "hmd109", "name": "Pico 4", "refreshRateHz": 90}))
        .await;
    let seat_model = app
        .create(
            "/cms/seat_models",
            "seatModelID",
            json!({"modelCode": "vr0109", "name": "动感座椅", "effects": ["WIND"]}),
        )
        .await;
    let other_hmd =
        app.create("/cms/hmd_models", "hmdModelID", json!({"modelCode": "hmd200", "name": "Quest 3"})).await;
    let (_, models) = app.get(&format!("/cms/hmd_models?id={hmd}")).await;
    assert_eq!(models["itemList"][0]["modelCode"], "hmd109");
    let (_, both) = app.get(&format!("/cms/hmd_models?id={hmd}&id={other_hmd}")).await;
    assert_eq!(both["totalCount"], 2, "repeated id keys select several models: {both}");
    let (_, seats_models) = app.get(&format!("/cms/seat_models?id={seat_model}")).await;
    assert_eq!(seats_models["itemList"][0]["modelCode"], "vr0109", "{seats_models}");
    assert_eq!(app.put(&format!("/cms/hmd_models/{other_hmd}"), json!({"name": "Quest 3S"})).await.0, 200);
    assert_eq!(app.delete(&format!("/cms/hmd_models?id={other_hmd}")).await.0, 200, "an unused model goes");
    assert_eq!(app.put(&format!("/cms/seat_models/{seat_model}"), json!({"maxLoadKg": 120})).await.0, 200);

    let client = app
        .create(
            "/cms/vr_clients",
            "clientID",
            json!({"hallID": hall, "seatNumber": "02", "hostModel": "windows07", "seatModel": "vr0109",
                   "HMDModel": "hmd109", "MACAddr": "99:ed:9d:3b:e8:36", "IPAddr": "192.168.8.28", "description": "描述"}),
        )
        .await;
    let (status, batch) = app
        .post(
            "/cms/vr_clients/_batch",
            json!([{"hallID": hall, "seatNumber": "03", "IPAddr": "192.168.8.29"},
                   {"hallID": hall, "seatNumber": "04", "IPAddr": "192.168.8.30"}]),
        )
        .await;
    assert_eq!((status, batch["clientIDList"].as_array().map(Vec::len)), (200, Some(2)), "{batch}");
    let (_, seats) = app.get(&format!("/cms/vr_clients?cinema_id={cinema}&hall_id={hall}")).await;
    assert_eq!(seats["totalCount"], 3);
    let seat = &seats["itemList"][0];
    let mut expected = vec![
        "HMDModel",
        "IPAddr",
        "MACAddr",
        "cinemaID",
        "clientID",
        "description",
        "hallID",
        "hostModel",
        "sceneNumber",
        "seatModel",
        "seatNumber",
        "status",
    ];
    expected.sort();
    let mut got = keys(seat);
    got.sort();
    assert_eq!(got, expected, "a seat has exactly the seed's fields");
    assert_eq!(seat["cinemaID"], cinema.as_str());
    let (status, _) = app.put(&format!("/cms/vr_clients/{client}"), json!({"status": "IDLE"})).await;
    assert_eq!(status, 200);
    assert_eq!(app.get(&format!("/cms/vr_clients?client_id={client}&status=IDLE")).await.1["totalCount"], 1);
    let (_, scene) = app.post(&format!("/cms/vr_clients/{client}/_regenerate_scene"), json!({})).await;
    assert!(scene["sceneNumber"].is_string());
    let (status, body) = app.delete(&format!("/cms/hmd_models?id={hmd}")).await;
    assert_eq!(status, 409, "a model in use cannot be deleted: {body}");
    assert_eq!(app.delete(&format!("/cms/vr_clients?client_id={client}")).await.0, 200);
    assert_eq!(app.delete(&format!("/cms/hmd_models?id={hmd}")).await.0, 200);
    assert_eq!(app.delete(&format!("/cms/halls?hall_id={hall}")).await.0, 200);
    assert_eq!(
        app.get(&format!("/cms/vr_clients?hall_id={hall}")).await.1["totalCount"],
        0,
        "seats went with the hall"
    );
}

#[tokio::test]
async fn movies_praise_distribution_and_vod_tasks() {
    let app = spawn_app().await;
    let cinema = app.cinema("mc").await;
    let hall = app.hall(&cinema, "mc_h1").await;
    let client = app
        .create("/cms/vr_clients", "clientID", json!({"hallID": hall, "seatNumber": "01", "IPAddr": "10.0.0.2"}))
        .await;
    let movie = app.movie("m1").await;
    let (_, list) =
        app.get("/cms/movies?type=MOVIE&category=SCIENCE&country=USA&name=NAM&order_param=price&order_seq=asc").await;
    let item = &list["itemList"][0];
    assert_eq!(item["movieID"], movie.as_str());
    for key in ["iconURL", "posterURL", "numOfPraise", "numOfView", "scheduleStart", "weixinURL", "isHot", "price"] {
        assert!(item.get(key).is_some(), "movie has {key}: {item}");
    }
    assert_eq!(app.put(&format!("/cms/movies/{movie}"), json!({"price": 3000})).await.0, 200);
    let (status, praised) = app.post(&format!("/cms/movies/{movie}/_praise"), json!({})).await;
    assert_eq!((status, praised["numOfPraise"].as_i64()), (200, Some(1)));
    for expected in [2, 2] {
        let (_, praised) = app.post(&format!("/cms/movies/{movie}/_praise?open_id=wx-viewer"), json!({})).await;
        assert_eq!(praised["numOfPraise"], expected, "one WeChat user praises a film once: {praised}");
    }
    let other = app.movie("m2").await;
    let (_, both) = app.get(&format!("/cms/movies?movie_id={movie}&movie_id={other}&start=0&limit=5")).await;
    assert_eq!(both["totalCount"], 2, "repeated movie_id keys select several: {both}");
    let (_, by_code) = app.get("/cms/movies?movie_code=m2").await;
    assert_eq!(by_code["itemList"][0]["movieID"], other.as_str(), "{by_code}");
    let (_, viewer) = app.get(&format!("/cms/movies?movie_id={movie}&open_id=wx-viewer")).await;
    assert_eq!(viewer["totalCount"], 1, "open_id is accepted as a filter: {viewer}");
    assert_eq!(app.delete(&format!("/cms/movies?movie_id={other}")).await.0, 200, "an unused film goes");
    assert_eq!(app.get(&format!("/cms/movies/{other}")).await.0, 404, "and is gone");
    let (status, body) = app.post("/cms/movies/ghost/_praise", json!({})).await;
    assert_eq!(status, 404, "{body}");

    let (status, body) =
        app.post(&format!("/cms/movies/{movie}/_distribute"), json!({"cinemaIDList": [cinema, "ghost"]})).await;
    assert_eq!(status, 404, "one unknown cinema and nothing is distributed: {body}");
    assert_eq!(app.get(&format!("/cms/movies?cinema_id={cinema}")).await.1["totalCount"], 0);
    let (status, out) = app.post(&format!("/cms/movies/{movie}/_distribute"), json!({"cinemaIDList": [cinema]})).await;
    assert_eq!(status, 200, "{out}");
    assert_eq!(app.get(&format!("/cms/movies?cinema_id={cinema}")).await.1["totalCount"], 1);
    assert_eq!(app.get(&format!("/cms/movies/{movie}/cinemas")).await.1["cinemaIDList"], json!([cinema]));
    let head = app.cms.next_message(&cinema).unwrap().expect("the cinema's COMS has a NEW_MOVIE waiting");
    assert_eq!(head.message["movieID"], movie.as_str());

    let task = app
        .create("/cms/vod_tasks", "taskID", json!({"movieList": [{"id": movie}], "clientID": client, "openID": "wx1"}))
        .await;
    let (_, tasks) = app.get(&format!("/cms/vod_tasks?cinema_id={cinema}&status=PENDING")).await;
    assert_eq!(tasks["itemList"][0]["taskID"], task.as_str());
    let (_, by_client) = app.get(&format!("/cms/vod_tasks?client_id={client}&task_id={task}&task_id=ghost")).await;
    assert_eq!(by_client["totalCount"], 1, "client_id and repeated task_id filter together: {by_client}");
    let (status, one) = app.get(&format!("/cms/vod_tasks/{task}")).await;
    assert_eq!((status, one["status"].as_str()), (200, Some("PENDING")), "{one}");
    assert_eq!(app.put(&format!("/cms/vod_tasks/{task}"), json!({"status": "ACCEPTED"})).await.0, 200);
    let (status, body) = app.put(&format!("/cms/vod_tasks/{task}"), json!({"status": "COMPLETED"})).await;
    assert_eq!(status, 400, "ACCEPTED cannot jump to COMPLETED: {body}");
    let (status, body) = app.delete(&format!("/cms/movies?movie_id={movie}")).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("in_use")),
        "an unfinished task still needs the film: {body}"
    );
    let (status, body) = app.put(&format!("/cms/vod_tasks/{task}"), json!({"status": "PLAYING"})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(app.put(&format!("/cms/vod_tasks/{task}"), json!({"status": "COMPLETED"})).await.0, 200);
    assert_eq!(app.get("/cms/vod_tasks?status=COMPLETED").await.1["totalCount"], 1);
    assert_eq!(app.delete(&format!("/cms/movies?movie_id={movie}")).await.0, 200, "a finished task lets it go");
}

#[tokio::test]
async fn auth_tokens_and_roles() {
    let app = spawn_app().await;
    let (status, body) = app.send("GET", "/cms/cinemas", None, None).await;
    assert_eq!((status, body["code"].as_str()), (401, Some("unauthorized")), "no token: {body}");
    assert_eq!(app.send("GET", "/cms/cinemas", Some("forged"), None).await.0, 401);
    let (status, _) = app.send("POST", "/cms/login", None, Some(json!({"alias": "admin", "password": "wrong"}))).await;
    assert_eq!(status, 401);

    let manager = app
        .create(
            "/cms/users",
            "userID",
            json!({"name": "张三", "alias": "zhangsan", "role": "MANAGER", "password": "manager-pass"}),
        )
        .await;
    let (_, users) = app.get("/cms/users").await;
    assert_eq!(users["totalCount"], 2);
    let (_, page) = app.get("/cms/users?start=1&limit=1").await;
    assert_eq!(
        (page["totalCount"].as_u64(), page["itemList"].as_array().map(Vec::len)),
        (Some(2), Some(1)),
        "users are paged like everything else: {page}"
    );
    assert!(users["itemList"].as_array().unwrap().iter().all(|u| u.get("password").is_none()), "no secrets leak");
    let (status, session) =
        app.send("POST", "/cms/login", None, Some(json!({"alias": "zhangsan", "password": "manager-pass"}))).await;
    assert_eq!((status, session["role"].as_str()), (200, Some("MANAGER")));
    for key in ["token", "userID", "name", "role"] {
        assert!(session.get(key).is_some(), "login answers {key}: {session}");
    }
    let m = session["token"].as_str().unwrap().to_string();
    let (status, _) = app
        .send(
            "POST",
            "/cms/cinemas",
            Some(&m),
            Some(json!({"cinemaCode": "by_manager", "name": "n", "regionID": "BEIJING"})),
        )
        .await;
    assert_eq!(status, 200, "a MANAGER operates cinemas");
    assert_eq!(app.send("GET", "/cms/users", Some(&m), None).await.0, 403, "a MANAGER may not see users");
    let (status, _) =
        app.send("PUT", "/cms/sys_params/enum/CINEMA_REGION/OVERSEAS", Some(&m), Some(json!({"name": "海外"}))).await;
    assert_eq!(status, 403, "a MANAGER may not edit enumerations");
    assert_eq!(app.send("GET", "/cms/sys_params/enum", Some(&m), None).await.0, 200, "but may read them");

    let (status, _) = app.put("/cms/sys_params/enum/CINEMA_REGION/OVERSEAS", json!({"name": "海外"})).await;
    assert_eq!(status, 200, "SYS_ADMIN edits enumerations");
    let (_, enums) = app.get("/cms/sys_params/enum").await;
    assert!(enums["cinemaRegionList"].as_array().unwrap().iter().any(|r| r["id"] == "OVERSEAS"));
    for list in ["movieCountryList", "movieCategoryList", "cinemaRegionList", "userRoleList"] {
        assert!(enums[list].as_array().is_some_and(|l| !l.is_empty()), "{list} present");
    }
    assert_eq!(app.delete("/cms/sys_params/enum/CINEMA_REGION/OVERSEAS").await.0, 200);

    assert_eq!(app.put(&format!("/cms/users/{manager}"), json!({"password": "another-pass"})).await.0, 200);
    assert_eq!(app.send("GET", "/cms/cinemas", Some(&m), None).await.0, 401, "a password change ends sessions");
    let m2 = app.login("zhangsan", "another-pass").await;
    assert_eq!(app.send("POST", "/cms/logout", Some(&m2), None).await.0, 200);
    assert_eq!(app.send("GET", "/cms/cinemas", Some(&m2), None).await.0, 401, "logout ends the session");
    let m3 = app.login("zhangsan", "another-pass").await;
    assert_eq!(app.delete(&format!("/cms/users/{manager}")).await.0, 200);
    assert_eq!(app.send("GET", "/cms/cinemas", Some(&m3), None).await.0, 401, "deleting a user ends sessions");
}

#[test]
fn cli_adds_and_lists_users_and_serve_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_cinedesk");
    let add = Command::new(bin)
        .args([
            "--data",
            dir.path().to_str().unwrap(),
            "user",
            "add",
            "--alias",
            "ops",
            "--name",
            "运维",
            "--role",
            "SYS_ADMIN",
        ])
        .env("CINEDESK_PASSWORD", "ops-password")
        .output()
        .unwrap();
    assert!(add.status.success(), "user add: {}", String::from_utf8_lossy(&add.stderr));
    let list = Command::new(bin).args(["--data", dir.path().to_str().unwrap(), "user", "list"]).output().unwrap();
    let listed = String::from_utf8(list.stdout).unwrap();
    assert!(listed.contains("ops\tSYS_ADMIN\t运维"), "user list shows the user: {listed}");
    // Without CINEDESK_PASSWORD the password is one line of standard input (how scripts pipe it in).
    let mut passwd = Command::new(bin)
        .args(["--data", dir.path().to_str().unwrap(), "user", "passwd", "--alias", "ops"])
        .env_remove("CINEDESK_PASSWORD")
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(passwd.stdin.as_mut().unwrap(), b"new-ops-password\n").unwrap();
    let out = passwd.wait_with_output().unwrap();
    assert!(out.status.success(), "user passwd: {}", String::from_utf8_lossy(&out.stderr));
    let ghost = Command::new(bin)
        .args(["--data", dir.path().to_str().unwrap(), "user", "passwd", "--alias", "ghost"])
        .env("CINEDESK_PASSWORD", "whatever-password")
        .output()
        .unwrap();
    assert_eq!(ghost.status.code(), Some(1), "passwd of an unknown alias fails");

    // serve: an existing user means CINEDESK_ADMIN_PASSWORD must not create or overwrite anything.
    let (mut server, base) = start_server(dir.path(), "would-be-admin");
    let rt = tokio::runtime::Runtime::new().unwrap();
    assert_eq!(rt.block_on(http_login(&base, "ops", "new-ops-password")), 200, "the CLI's user logs in over HTTP");
    assert_eq!(rt.block_on(http_login(&base, "ops", "ops-password")), 401, "the old password is gone");
    let status = rt.block_on(http_login(&base, "admin", "would-be-admin"));
    assert_eq!(status, 401, "CINEDESK_ADMIN_PASSWORD never adds an admin to a database that has users");
    let exit = sigterm(&mut server);
    assert!(exit.success(), "SIGTERM is a clean shutdown, exit 0: {exit:?}");
}

#[tokio::test]
async fn cli_openapi_prints_the_served_document_without_opening_a_data_dir() {
    let app = spawn_app().await;
    let (status, served) = app.send("GET", "/cms/openapi.json", None, None).await;
    assert_eq!(status, 200, "{served}");
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("never-made");
    let out = Command::new(env!("CARGO_BIN_EXE_cinedesk"))
        .args(["--data", data.to_str().unwrap(), "openapi"])
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    assert!(out.status.success(), "cinedesk openapi: {}", String::from_utf8_lossy(&out.stderr));
    let printed: Value = serde_json::from_slice(&out.stdout).expect("stdout is the JSON document");
    assert_eq!(printed, served, "the printed document is the one the server serves");
    assert!(!data.exists(), "printing the document opens no data dir");
}

#[test]
fn serve_creates_admin_on_first_start() {
    let dir = tempfile::tempdir().unwrap();
    let (mut server, base) = start_server(dir.path(), "first-admin-pass");
    let status = tokio::runtime::Runtime::new().unwrap().block_on(http_login(&base, "admin", "first-admin-pass"));
    sigterm(&mut server);
    assert_eq!(status, 200, "the first start creates `admin` from CINEDESK_ADMIN_PASSWORD");
}

/// Starts the real `cinedesk serve` on a free port of 127.0.0.1 and waits until it answers.
fn start_server(data: &std::path::Path, admin_password: &str) -> (std::process::Child, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_cinedesk"))
        .args(["--data", data.to_str().unwrap(), "serve", "--listen", &format!("127.0.0.1:{port}")])
        .env("CINEDESK_ADMIN_PASSWORD", admin_password)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    for _ in 0..200 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return (child, base);
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("cinedesk serve did not start listening on {base}");
}

async fn http_login(base: &str, alias: &str, password: &str) -> u16 {
    reqwest::Client::new()
        .post(format!("{base}/cms/login"))
        .header("content-type", "text/plain")
        .body(json!({"alias": alias, "password": password}).to_string())
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

fn sigterm(child: &mut std::process::Child) -> std::process::ExitStatus {
    assert!(Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap().success());
    child.wait().unwrap()
}

// ---------------------------------------------------------------- the COMS channel (seed §6)

impl TestApp {
    /// A long-poll with the admin's token; answers (status, body, how long it took).
    async fn poll(&self, cinema: &str, query: &str) -> (u16, Value, Duration) {
        let started = std::time::Instant::now();
        let (status, body) = self.get(&format!("/cms/long_poll/{cinema}?{query}")).await;
        (status, body, started.elapsed())
    }

    async fn distribute(&self, movie: &str, cinemas: &[&str]) {
        let (status, body) =
            self.post(&format!("/cms/movies/{movie}/_distribute"), json!({ "cinemaIDList": cinemas })).await;
        assert_eq!(status, 200, "{body}");
    }

    async fn api_key(&self, cinema: &str) -> (String, String) {
        let (status, key) = self.post(&format!("/cms/cinemas/{cinema}/api_keys"), json!({})).await;
        assert_eq!(status, 200, "{key}");
        (key["apikey"].as_str().unwrap().to_string(), key["secretkey"].as_str().unwrap().to_string())
    }

    /// A long-poll signed the seed-004 way: `signed_query` is what the signature covers,
    /// `sent_query` what actually goes on the wire.
    async fn signed_poll(
        &self,
        cinema: &str,
        key: (&str, &str),
        signed_query: &str,
        sent_query: &str,
        at_ms: i64,
    ) -> u16 {
        let params: String = form_urlencoded::byte_serialize(signed_query.as_bytes()).collect();
        let date = cinedesk_core::user_date(at_ms);
        let signature = cinedesk_core::sign(key.1, &params, &date);
        self.http
            .get(format!("{}/cms/long_poll/{cinema}?{sent_query}", self.base))
            .header("user-date", date)
            .header("user-params", params)
            .header("authorization", format!("dc:{}:{signature}", key.0))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }
}

#[tokio::test]
async fn a_waiting_long_poll_wakes_when_a_film_is_distributed() {
    let app = Arc::new(spawn_app().await);
    let cinema = app.cinema("lp").await;
    let movie = app.movie("lp_m").await;
    let poller = {
        let (app, cinema) = (Arc::clone(&app), cinema.clone());
        tokio::spawn(async move { app.poll(&cinema, "timeout=20").await })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    app.distribute(&movie, &[&cinema]).await;
    let (status, body, waited) = poller.await.unwrap();
    assert_eq!(status, 200, "{body}");
    assert_eq!((body["type"].as_str(), body["message"]["movieID"].as_str()), (Some("NEW_MOVIE"), Some(movie.as_str())));
    assert!(body["messageID"].is_string());
    assert!(waited < Duration::from_secs(10), "the poll is woken by the write, not by its 20 s timeout: {waited:?}");
    let (_, seen) = app.get(&format!("/cms/cinemas/{cinema}")).await;
    assert!(seen["comsLastSeen"].is_i64(), "a poll records the COMS as last seen: {seen}");
}

#[tokio::test]
async fn long_poll_redelivers_in_order_until_acknowledged_and_204s_when_idle() {
    let app = spawn_app().await;
    let cinema = app.cinema("order").await;
    let (status, _, _) = app.poll(&cinema, "timeout=1").await;
    assert_eq!(status, 204, "nothing within the timeout is a 204");
    let first = app.movie("first").await;
    let second = app.movie("second").await;
    app.distribute(&first, &[&cinema]).await;
    app.distribute(&second, &[&cinema]).await;
    let (_, head, _) = app.poll(&cinema, "timeout=1").await;
    assert_eq!(head["message"]["movieID"], first.as_str(), "oldest first");
    let (_, again, _) = app.poll(&cinema, "timeout=1").await;
    assert_eq!(again["messageID"], head["messageID"], "an unacknowledged message is delivered again");
    let (_, next, _) = app.poll(&cinema, &format!("timeout=1&ack={}", head["messageID"].as_str().unwrap())).await;
    assert_eq!(next["message"]["movieID"], second.as_str(), "ack= moves the queue on");
    let (status, _, _) = app.poll(&cinema, &format!("timeout=1&ack={}", next["messageID"].as_str().unwrap())).await;
    assert_eq!(status, 204);
    let (status, body, _) = app.poll(&cinema, "timeout=121").await;
    assert_eq!(status, 400, "a poll waits at most 120 s: {body}");
    let (status, _, _) = app.poll("no-such-cinema", "timeout=1").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn signed_coms_requests() {
    let app = spawn_app().await;
    let cinema = app.cinema("signed").await;
    let other = app.cinema("other").await;
    let (apikey, secret) = app.api_key(&cinema).await;
    let key = (apikey.as_str(), secret.as_str());
    let now = cinedesk_core::now_ms();
    assert_eq!(app.signed_poll(&cinema, key, "timeout=1", "timeout=1", now).await, 204, "a valid signature is let in");
    assert_eq!(app.signed_poll(&cinema, (&apikey, "wrong"), "timeout=1", "timeout=1", now).await, 401, "wrong secret");
    let stale = now - 16 * 60 * 1000;
    assert_eq!(app.signed_poll(&cinema, key, "timeout=1", "timeout=1", stale).await, 401, "a date 16 minutes off");
    assert_eq!(app.signed_poll(&other, key, "timeout=1", "timeout=1", now + 1).await, 403, "another cinema's channel");
    assert_eq!(app.signed_poll(&cinema, key, "timeout=1", "timeout=2", now).await, 401, "tampered parameters");
    let unsigned = app.http.get(format!("{}/cms/long_poll/{cinema}?timeout=1", app.base)).send().await.unwrap();
    assert_eq!(unsigned.status(), 401);

    let (_, keys) = app.get(&format!("/cms/cinemas/{cinema}/api_keys")).await;
    assert_eq!(keys["totalCount"], 1);
    assert!(!keys.to_string().contains(&secret), "a listing never shows the secret");
    assert_eq!(app.delete(&format!("/cms/cinemas/{cinema}/api_keys/{apikey}")).await.0, 200);
    assert_eq!(app.signed_poll(&cinema, key, "timeout=1", "timeout=1", now).await, 401, "a revoked key is refused");

    app.create(
        "/cms/users",
        "userID",
        json!({"name": "店长", "alias": "mgr", "role": "MANAGER", "password": "manager-pass"}),
    )
    .await;
    let m = app.login("mgr", "manager-pass").await;
    let (status, _) = app.send("POST", &format!("/cms/cinemas/{cinema}/api_keys"), Some(&m), Some(json!({}))).await;
    assert_eq!(status, 403, "only SYS_ADMIN issues API keys");
}

/// The next text frame of a socket as JSON, failing the test after 10 s of silence.
async fn next_json<S>(socket: &mut S) -> Value
where
    S: futures_util::Stream<
            Item = Result<tokio_tungstenite::tungstenite::Message, tokio_tungstenite::tungstenite::Error>,
        > + Unpin,
{
    use futures_util::StreamExt;
    let msg = tokio::time::timeout(Duration::from_secs(10), socket.next()).await.expect("a message in time");
    serde_json::from_str(msg.unwrap().unwrap().to_text().unwrap()).unwrap()
}

#[tokio::test]
async fn websocket_delivers_and_takes_acks() {
    use futures_util::SinkExt;
    use tokio_tungstenite::tungstenite::{client::IntoClientRequest, Message};

    let app = spawn_app().await;
    let cinema = app.cinema("ws").await;
    let (m1, m2) = (app.movie("ws1").await, app.movie("ws2").await);
    app.distribute(&m1, &[&cinema]).await;
    let mut request = format!("{}/cms/ws/{cinema}", app.base.replace("http", "ws")).into_client_request().unwrap();
    request.headers_mut().insert("authorization", format!("Bearer {}", app.token).parse().unwrap());
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.expect("WebSocket upgrade");
    let first = next_json(&mut socket).await;
    assert_eq!(first["message"]["movieID"], m1.as_str());
    app.distribute(&m2, &[&cinema]).await;
    socket.send(Message::text(json!({ "ack": first["messageID"] }).to_string())).await.unwrap();
    let second = next_json(&mut socket).await;
    assert_eq!(second["message"]["movieID"], m2.as_str(), "after the ack the next message follows");
    assert_eq!(app.cms.pending_message_count(&cinema).unwrap(), 1, "the first one is acknowledged");
}

#[test]
fn the_queue_survives_a_server_restart() {
    let dir = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (mut server, base) = start_server(dir.path(), "restart-pass");
    let http = reqwest::Client::new();
    let call = |method: reqwest::Method, path: String, token: Option<String>, body: Option<Value>| {
        let mut req = http.request(method, format!("{base}{path}"));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.body(b.to_string());
        }
        async move {
            let res = req.send().await.unwrap();
            (res.status().as_u16(), res.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    let (cinema, message_id) = rt.block_on(async {
        let (_, login) = call(
            reqwest::Method::POST,
            "/cms/login".into(),
            None,
            Some(json!({"alias": "admin", "password": "restart-pass"})),
        )
        .await;
        let token = login["token"].as_str().unwrap().to_string();
        let (_, c) = call(
            reqwest::Method::POST,
            "/cms/cinemas".into(),
            Some(token.clone()),
            Some(json!({"cinemaCode": "rs", "name": "重启影城", "regionID": "BEIJING"})),
        )
        .await;
        let cinema = c["cinemaID"].as_str().unwrap().to_string();
        let (_, m) = call(
            reqwest::Method::POST,
            "/cms/movies".into(),
            Some(token.clone()),
            Some(json!({"name": "n", "movieCode": "rs_m", "duration": 5, "description": "d", "type": "MOVIE",
                        "category": "ACTION", "country": "CHN", "price": 100})),
        )
        .await;
        let movie = m["movieID"].as_str().unwrap().to_string();
        let (status, _) = call(
            reqwest::Method::POST,
            format!("/cms/movies/{movie}/_distribute"),
            Some(token.clone()),
            Some(json!({"cinemaIDList": [cinema]})),
        )
        .await;
        assert_eq!(status, 200);
        let (_, head) =
            call(reqwest::Method::GET, format!("/cms/long_poll/{cinema}?timeout=1"), Some(token), None).await;
        (cinema, head["messageID"].as_str().unwrap().to_string())
    });
    assert!(sigterm(&mut server).success());

    let (mut server, base2) = start_server(dir.path(), "restart-pass");
    let head = rt.block_on(async {
        let http = reqwest::Client::new();
        let login: Value = http
            .post(format!("{base2}/cms/login"))
            .body(json!({"alias": "admin", "password": "restart-pass"}).to_string())
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let res = http
            .get(format!("{base2}/cms/long_poll/{cinema}?timeout=1"))
            .bearer_auth(login["token"].as_str().unwrap())
            .send()
            .await
            .unwrap();
        res.json::<Value>().await.unwrap()
    });
    sigterm(&mut server);
    assert_eq!(
        head["messageID"].as_str(),
        Some(message_id.as_str()),
        "the unacknowledged message is still at the head"
    );
}

#[tokio::test]
async fn the_built_ui_is_served_at_the_root_beside_the_api() {
    let ui = tempfile::tempdir().unwrap();
    std::fs::write(ui.path().join("index.html"), "<!doctype html><title>Cinedesk</title>").unwrap();
    let data = tempfile::tempdir().unwrap();
    let cms = Arc::new(Cms::open(data.path()).unwrap());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = cinedesk_server::router_with_ui(cms, ui.path());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let page = reqwest::get(format!("{base}/")).await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("<title>Cinedesk</title>"), "/ is the UI's index.html");
    let missing = reqwest::get(format!("{base}/cms/nothing")).await.unwrap();
    assert_eq!(missing.status(), 404, "unknown API routes stay JSON 404s");
    let body: Value = missing.json().await.unwrap();
    assert!(body["info"].is_string());
    assert_eq!(reqwest::get(format!("{base}/healthz")).await.unwrap().status(), 200);
}

#[tokio::test]
async fn seat_qr_code_png_and_svg_follow_the_template() {
    let app = spawn_app().await;
    let cinema = app.cinema("qr").await;
    let hall = app.hall(&cinema, "qr_h1").await;
    let client = app
        .create("/cms/vr_clients", "clientID", json!({"hallID": hall, "seatNumber": "A01", "IPAddr": "10.0.0.9"}))
        .await;
    let (status, _) = app.put("/cms/settings", json!({"qrUrlTemplate": "https://wx.example.cn/s/{sceneNumber}"})).await;
    assert_eq!(status, 200);
    assert_eq!(app.get("/cms/settings").await.1["qrUrlTemplate"], "https://wx.example.cn/s/{sceneNumber}");
    let scene = app.get(&format!("/cms/vr_clients?client_id={client}")).await.1["itemList"][0]["sceneNumber"].clone();

    let res = app
        .http
        .get(format!("{}/cms/vr_clients/{client}/qr_code", app.base))
        .bearer_auth(&app.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-type"], "image/png");
    let png = res.bytes().await.unwrap();
    let mut img = rqrr::PreparedImage::prepare(image::load_from_memory(&png).unwrap().to_luma8());
    let grids = img.detect_grids();
    assert_eq!(grids[0].decode().unwrap().1, format!("https://wx.example.cn/s/{}", scene.as_str().unwrap()));

    let svg = app
        .http
        .get(format!("{}/cms/vr_clients/{client}/qr_code?format=svg&size=200", app.base))
        .bearer_auth(&app.token)
        .send()
        .await
        .unwrap();
    assert_eq!(svg.headers()["content-type"], "image/svg+xml");
    assert!(svg.text().await.unwrap().contains("<svg"));
    assert_eq!(app.get(&format!("/cms/vr_clients/{client}/qr_code?size=5")).await.0, 400);
    assert_eq!(app.get(&format!("/cms/vr_clients/{client}/qr_code?format=gif")).await.0, 400);
    assert_eq!(app.get("/cms/vr_clients/ghost/qr_code").await.0, 404);
    let (status, body) = app.put("/cms/settings", json!({"qrUrlTemplate": "https://no-scene"})).await;
    assert_eq!((status, body["field"].as_str()), (400, Some("qrUrlTemplate")));
}

/// Every path axum routes, read from the router's own table: its Debug output lists the paths it
/// matches (`Node { paths: {RouteId(..): "/cms/..", ..} }`). Reading the table itself, rather
/// than a list kept beside it, is what makes "every route is documented" a real check.
fn served_paths(router: &axum::Router) -> std::collections::BTreeSet<String> {
    let debug = format!("{router:?}");
    // The fallback (the JSON 404) is routed as "/" and a catch-all of axum's own naming.
    let fallback = |p: &str| p == "/" || p.contains("__private__axum");
    let paths: std::collections::BTreeSet<String> = debug
        .split('"')
        .skip(1)
        .step_by(2)
        .filter(|p| p.starts_with('/') && !fallback(p))
        .map(str::to_string)
        .collect();
    assert!(paths.contains("/cms/cinemas"), "axum's Debug output no longer lists route paths; adapt this reader");
    paths
}

/// A concrete URL for a documented path: every `{param}` filled with something that parses.
fn concrete(path: &str) -> String {
    path.replace("{kind}", "MOVIE_COUNTRY")
        .split('/')
        .map(|seg| if seg.starts_with('{') { "x" } else { seg })
        .collect::<Vec<_>>()
        .join("/")
}

fn no_such_route(status: u16, body: &Value) -> bool {
    status == 404 && body["info"].as_str().is_some_and(|i| i.starts_with("no such route"))
}

#[tokio::test]
async fn the_openapi_document_covers_every_route_and_only_those() {
    let app = spawn_app().await;
    let (status, doc) = app.send("GET", "/cms/openapi.json", None, None).await;
    assert_eq!(status, 200, "the document is public: {doc}");
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.1")), "OpenAPI 3.1: {}", doc["openapi"]);
    let paths = doc["paths"].as_object().expect("the document has paths");

    let served = served_paths(&cinedesk_server::router(Arc::clone(&app.cms)));
    let documented: std::collections::BTreeSet<String> = paths.keys().cloned().collect();
    assert_eq!(served, documented, "the router serves exactly the documented paths");

    // Methods: each documented operation is routed (it never answers "no such route" or 405),
    // and every other method on a documented path is a 405. No token is sent, so nothing
    // changes: guarded routes answer 401, public ones validate their (empty) input.
    let methods = ["get", "post", "put", "delete", "patch"];
    let mut operation_ids = std::collections::BTreeSet::new();
    for (path, item) in paths {
        let url = concrete(path);
        for method in methods {
            let (status, body) = app.send(&method.to_uppercase(), &url, None, None).await;
            match item.get(method) {
                Some(op) => {
                    assert!(
                        status != 405 && !no_such_route(status, &body),
                        "{method} {path} is documented, so it must be routed: {status} {body}"
                    );
                    let id = op["operationId"].as_str().expect("every operation has an operationId");
                    assert!(operation_ids.insert(id.to_string()), "operationId {id} is used twice");
                    let params = op["parameters"].as_array().cloned().unwrap_or_default();
                    for name in path.split('/').filter_map(|s| s.strip_prefix('{')?.strip_suffix('}')) {
                        assert!(
                            params.iter().any(|p| p["name"] == name && p["in"] == "path"),
                            "{method} {path} documents its path parameter {name}"
                        );
                    }
                    for code in op["responses"].as_object().unwrap().keys() {
                        assert!(
                            // 1xx, 2xx and 3xx are not errors (a 304 must not even have a body).
                            code == "101" || code.starts_with('2') || code.starts_with('3') || code == "default" || {
                                let r = &op["responses"][code];
                                r.get("$ref").is_some() || r["content"]["application/json"]["schema"].is_object()
                            },
                            "{method} {path}: error response {code} has a JSON schema"
                        );
                    }
                }
                None => assert_eq!(status, 405, "{method} {path} is not documented, so it must be refused: {body}"),
            }
        }
    }
    for path in ["/cms/nothing", "/cms/cinema", "/api/cinemas", "/cms/cinemas/a/b/c", "/cms/movies/x/_likes"] {
        let (status, body) = app.send("GET", path, None, None).await;
        assert!(no_such_route(status, &body), "{path} is not documented and must not be routed: {status} {body}");
    }

    // Every reference resolves: a schema named but never registered would break every client generator.
    let text = doc.to_string();
    for reference in text.split("\"$ref\":\"").skip(1).map(|s| &s[..s.find('"').unwrap()]) {
        let pointer = reference.strip_prefix('#').expect("only local references");
        assert!(doc.pointer(pointer).is_some(), "{reference} resolves");
    }
    let schemas = &doc["components"]["schemas"];
    for (name, field) in
        [("Cinema", "cinemaID"), ("VrClient", "HMDModel"), ("Movie", "weixinURL"), ("Session", "userID")]
    {
        assert!(schemas[name]["properties"][field].is_object(), "{name} has the seed's field {field}");
    }
    let movie_list = &doc["paths"]["/cms/movies"]["get"]["parameters"];
    let movie_id = movie_list.as_array().unwrap().iter().find(|p| p["name"] == "movie_id").unwrap();
    assert_eq!(movie_id["schema"]["type"], "array", "a repeatable query key is an array: {movie_id}");
    assert_eq!(
        doc["paths"]["/cms/long_poll/{cinema_id}"]["get"]["security"],
        json!([{"bearer": []}, {"comsSignature": [], "comsUserDate": [], "comsUserParams": []}]),
        "the COMS channel takes a token or the three signature headers"
    );
    assert_eq!(doc["paths"]["/cms/cinemas"]["get"]["security"], json!([{"bearer": []}]));
    assert!(doc["paths"]["/cms/login"]["post"].get("security").is_none(), "login is public");
}

#[tokio::test]
async fn bodies_are_objects_by_name_and_queries_parse_by_key() {
    let app = spawn_app().await;
    // serde would fill a struct from an array by position; no seed client means that.
    let (status, body) = app.post("/cms/cinemas", json!(["c1", "name", 4, "BEIJING"])).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("invalid")), "an array is not a cinema: {body}");
    assert_eq!(app.get("/cms/cinemas").await.1["totalCount"], 0, "nothing was created from the array");
    let (status, body) = app.post("/cms/vod_tasks", json!({"movieList": [["m1"]]})).await;
    assert_eq!((status, body["field"].as_str()), (400, Some("movieList[0]")), "nested arrays too: {body}");
    // Unknown fields are ignored: the seed's clients send whole objects back on update.
    let cinema = app.cinema("echo").await;
    let (_, mut whole) = app.get(&format!("/cms/cinemas/{cinema}")).await;
    whole["name"] = json!("renamed");
    whole["somethingNew"] = json!(1);
    let (status, body) = app.put(&format!("/cms/cinemas/{cinema}"), whole).await;
    assert_eq!(status, 200, "a cinema sent back whole, with an extra field, updates it: {body}");
    assert_eq!(app.get(&format!("/cms/cinemas/{cinema}")).await.1["name"], "renamed");
    // Query values: repeated keys and comma lists, blank values absent, errors name the key.
    let other = app.cinema("echo2").await;
    let (_, page) =
        app.get(&format!("/cms/cinemas?cinema_id={cinema}&cinema_id=&cinema_id=%20{other}%20&limit=")).await;
    assert_eq!(page["totalCount"], 2, "both cinemas, blanks ignored: {page}");
    let (_, page) = app.get(&format!("/cms/cinemas?cinema_id={cinema},{other}&_=12345")).await;
    assert_eq!(page["totalCount"], 2, "a comma list, and an unknown cache-buster is ignored: {page}");
    for (query, field) in [("limit=abc", "limit"), ("start=-1", "start"), ("online=maybe", "online")] {
        let path = if field == "online" { format!("/cms/movies?{query}") } else { format!("/cms/cinemas?{query}") };
        let (status, body) = app.get(&path).await;
        assert_eq!((status, body["field"].as_str()), (400, Some(field)), "{query}: {body}");
    }
    let (status, body) = app.get("/cms/vod_tasks?status=DANCING").await;
    assert_eq!((status, body["field"].as_str()), (400, Some("status")), "{body}");
}

#[tokio::test]
async fn a_websocket_route_without_a_handshake_answers_json() {
    let app = spawn_app().await;
    let cinema = app.cinema("ws_plain").await;
    let (status, body) = app.send("GET", &format!("/cms/ws/{cinema}"), None, None).await;
    assert_eq!((status, body["code"].as_str()), (401, Some("unauthorized")), "who asks comes first: {body}");
    let (status, body) = app.get(&format!("/cms/ws/{cinema}")).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("invalid")), "a plain GET is no handshake: {body}");
}

#[tokio::test]
async fn a_list_answer_is_never_served_after_a_write_that_changes_it() {
    let app = spawn_app().await;
    let cinema = app.cinema("c_cache").await;
    let hall = app.hall(&cinema, "c_cache_h1").await;
    let seats = format!("/cms/vr_clients?cinema_id={cinema}");
    let (_, before) = app.get(&seats).await;
    let (_, again) = app.get(&seats).await;
    assert_eq!((before["totalCount"].clone(), again), (json!(0), before.clone()), "a repeated read is the same page");

    app.create("/cms/vr_clients", "clientID", json!({"hallID": hall, "seatNumber": "A1", "IPAddr": "10.0.0.1"})).await;
    let (_, after) = app.get(&seats).await;
    assert_eq!(after["totalCount"], 1, "the seat created over HTTP shows at once: {after}");

    // A write that does not come through the HTTP layer (the desktop, a CLI) counts as well.
    let client = after["itemList"][0]["clientID"].as_str().unwrap().to_string();
    app.cms.delete_vr_clients(std::slice::from_ref(&client)).unwrap();
    let (_, gone) = app.get(&seats).await;
    assert_eq!(gone["totalCount"], 0, "a seat deleted through the core is gone from the list: {gone}");

    let (_, halls) = app.get(&format!("/cms/halls?cinema_id={cinema}")).await;
    assert_eq!(app.put(&format!("/cms/halls/{hall}"), json!({"name": "新厅名"})).await.0, 200);
    let (_, renamed) = app.get(&format!("/cms/halls?cinema_id={cinema}")).await;
    assert_ne!(halls["itemList"][0]["name"], renamed["itemList"][0]["name"], "the rename shows: {renamed}");
    assert_eq!(renamed["itemList"][0]["name"], "新厅名");
}

// The file store and every upload protocol (issue 4) have their own module.
#[path = "api/uploads.rs"]
mod uploads;

// The resource library, upload tokens and VOD flows (issue 6) have their own modules.
#[path = "api/library.rs"]
mod library;
#[path = "api/upload_tokens.rs"]
mod upload_tokens;
#[path = "api/vod_flow.rs"]
mod vod_flow;
