//! Two MANAGERs of two cinemas over real HTTP: for each family of routes (lists, dashboard
//! counts, single reads, writes, deletes, distribution, deliveries, commands, library, uploads,
//! QR codes and sheets, API keys, the COMS channel) each sees and changes its own cinema only. Another cinema's
//! record is 404 on a read and 403 on a write, in both directions, and nothing changes.

use serde_json::{json, Value};

use crate::helpers::{spawn_app, ApiKey, TestApp, Who};

/// One cinema with a hall, a seat, a VOD task, a command to its seat and a COMS key.
struct Site {
    cinema: String,
    hall: String,
    seat: String,
    task: String,
    command: String,
    key: ApiKey,
}

/// Two sites, a film distributed to both, and a MANAGER of each: `a` manages `sa`, `b` `sb`.
struct TwoSites {
    app: TestApp,
    sa: Site,
    sb: Site,
    film: String,
    a: String,
    b: String,
}

async fn site(app: &TestApp, code: &str, film: &str) -> Site {
    let cinema = app.cinema(code).await;
    let hall = app.hall(&cinema, &format!("{code}_h1")).await;
    let seat = app.seat(&hall, "01").await;
    app.distribute(film, &[&cinema]).await;
    let task = app.create("/cms/vod_tasks", "taskID", json!({"movieList": [{"id": film}], "clientID": seat})).await;
    let commands = format!("/cms/cinemas/{cinema}/commands");
    let command = app.create(&commands, "commandID", json!({"action": "REBOOT", "clientIDList": [seat]})).await;
    let key = app.api_key(&cinema).await;
    Site { cinema, hall, seat, task, command, key }
}

async fn two_sites() -> TwoSites {
    let app = spawn_app().await;
    let film = app.movie("both").await;
    let (sa, sb) = (site(&app, "sa", &film).await, site(&app, "sb", &film).await);
    let (_, a) = app.manager_of("ma", &[&sa.cinema]).await;
    let (_, b) = app.manager_of("mb", &[&sb.cinema]).await;
    TwoSites { app, sa, sb, film, a, b }
}

impl TwoSites {
    /// Each manager with its own site and the other's: (token, mine, theirs).
    fn pairs(&self) -> [(&str, &Site, &Site); 2] {
        [(&self.a, &self.sa, &self.sb), (&self.b, &self.sb, &self.sa)]
    }

    async fn send(&self, token: &str, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        self.app.send(method, path, Some(token), body).await
    }

    /// The ids a list answers to `token`, by the id field `key`.
    async fn ids(&self, token: &str, path: &str, key: &str) -> Vec<String> {
        let (status, page) = self.send(token, "GET", path, None).await;
        assert_eq!(status, 200, "{path}: {page}");
        page["itemList"].as_array().unwrap().iter().map(|i| i[key].as_str().unwrap().to_string()).collect()
    }
}

#[tokio::test]
async fn lists_hold_only_the_managers_own_cinema() {
    let t = two_sites().await;
    for (token, mine, theirs) in t.pairs() {
        assert_eq!(t.ids(token, "/cms/cinemas", "cinemaID").await, vec![mine.cinema.clone()]);
        assert_eq!(t.ids(token, "/cms/halls", "hallID").await, vec![mine.hall.clone()]);
        assert_eq!(t.ids(token, "/cms/vr_clients", "clientID").await, vec![mine.seat.clone()]);
        assert_eq!(t.ids(token, "/cms/vod_tasks", "taskID").await, vec![mine.task.clone()]);
        let filtered = format!("/cms/vr_clients?cinema_id={}", theirs.cinema);
        assert!(t.ids(token, &filtered, "clientID").await.is_empty(), "filtering by another's cinema finds nothing");
        let films = format!("/cms/movies?cinema_id={}", theirs.cinema);
        assert!(t.ids(token, &films, "movieID").await.is_empty(), "nor its programme");
        let (_, cinemas) = t.send(token, "GET", &format!("/cms/movies/{}/cinemas", t.film), None).await;
        assert_eq!(cinemas["cinemaIDList"], json!([mine.cinema]), "a film's cinemas, its own only: {cinemas}");
    }
}

#[tokio::test]
async fn dashboard_counts_count_only_the_managers_cinema() {
    let t = two_sites().await;
    let total = |v: Value| v["totalCount"].as_u64().unwrap();
    for (token, mine, _) in t.pairs() {
        for path in ["/cms/cinemas", "/cms/halls", "/cms/vr_clients", "/cms/vod_tasks?status=PENDING"] {
            let sep = if path.contains('?') { '&' } else { '?' };
            let (_, page) = t.send(token, "GET", &format!("{path}{sep}limit=1"), None).await;
            assert_eq!(total(page), 1, "{path}: one of each, its own");
        }
        let idle = t.send(token, "GET", "/cms/vr_clients?status=SHUT_DOWN&limit=1", None).await.1;
        assert_eq!(idle["itemList"][0]["clientID"], mine.seat.as_str(), "seat states count its seats");
    }
    let (_, all) = t.app.get("/cms/vr_clients?limit=1").await;
    assert_eq!(total(all), 2, "a SYS_ADMIN counts the chain");
}

#[tokio::test]
async fn single_reads_of_the_other_cinema_are_not_found() {
    let t = two_sites().await;
    for (token, _, theirs) in t.pairs() {
        for path in [
            format!("/cms/cinemas/{}", theirs.cinema),
            format!("/cms/halls/{}", theirs.hall),
            format!("/cms/vr_clients/{}", theirs.seat),
            format!("/cms/vod_tasks/{}", theirs.task),
            format!("/cms/cinemas/_deletion_impact?cinema_id={}", theirs.cinema),
        ] {
            let (status, body) = t.send(token, "GET", &path, None).await;
            assert_eq!((status, body["code"].as_str()), (404, Some("not_found")), "{path}: {body}");
            assert!(!body.to_string().contains("X立方"), "nothing of the record shows: {body}");
        }
    }
}

#[tokio::test]
async fn writes_to_the_other_cinema_are_forbidden_and_change_nothing() {
    let t = two_sites().await;
    for (token, _, theirs) in t.pairs() {
        let writes = [
            ("PUT", format!("/cms/cinemas/{}", theirs.cinema), json!({"name": "taken"})),
            ("PUT", format!("/cms/halls/{}", theirs.hall), json!({"name": "taken"})),
            (
                "POST",
                "/cms/halls".into(),
                json!({"hallCode": "x9", "name": "x", "cinemaID": theirs.cinema, "numberOfSeats": 1}),
            ),
            (
                "POST",
                "/cms/vr_clients".into(),
                json!({"hallID": theirs.hall, "seatNumber": "99", "IPAddr": "10.0.0.9"}),
            ),
            (
                "POST",
                "/cms/vr_clients/_batch".into(),
                json!([{"hallID": theirs.hall, "seatNumber": "98", "IPAddr": "10.0.0.9"}]),
            ),
            ("PUT", format!("/cms/vr_clients/{}", theirs.seat), json!({"seatNumber": "77"})),
            ("POST", format!("/cms/vr_clients/{}/_regenerate_scene", theirs.seat), json!({})),
            ("POST", "/cms/vod_tasks".into(), json!({"movieList": [{"id": t.film}], "clientID": theirs.seat})),
            ("PUT", format!("/cms/vod_tasks/{}", theirs.task), json!({"status": "CANCELLED"})),
        ];
        for (method, path, body) in writes {
            let (status, answer) = t.send(token, method, &path, Some(body)).await;
            assert_eq!((status, answer["code"].as_str()), (403, Some("forbidden")), "{method} {path}: {answer}");
        }
        let (_, seat) = t.app.get(&format!("/cms/vr_clients/{}", theirs.seat)).await;
        assert_eq!(seat["seatNumber"], "01", "unchanged: {seat}");
        let (_, task) = t.app.get(&format!("/cms/vod_tasks/{}", theirs.task)).await;
        assert_eq!(task["status"], "PENDING");
    }
    let (_, cinemas) = t.app.get("/cms/cinemas").await;
    assert!(!cinemas.to_string().contains("taken"), "{cinemas}");
    assert_eq!(t.app.get("/cms/vr_clients?limit=1").await.1["totalCount"], 2, "no seat was added");
}

#[tokio::test]
async fn deletes_of_the_other_cinemas_records_are_forbidden_and_delete_nothing() {
    let t = two_sites().await;
    for (token, mine, theirs) in t.pairs() {
        for path in [
            format!("/cms/vr_clients?client_id={}&client_id={}", mine.seat, theirs.seat),
            format!("/cms/halls?hall_id={}", theirs.hall),
            format!("/cms/cinemas?cinema_id={}", theirs.cinema),
            format!("/cms/cinemas/{}/api_keys/{}", theirs.cinema, theirs.key.0),
        ] {
            let (status, body) = t.send(token, "DELETE", &path, None).await;
            assert_eq!((status, body["code"].as_str()), (403, Some("forbidden")), "DELETE {path}: {body}");
        }
    }
    for path in ["/cms/cinemas", "/cms/halls", "/cms/vr_clients"] {
        assert_eq!(t.app.get(path).await.1["totalCount"], 2, "{path}: all or nothing, and nothing went");
    }
    let (_, keys) = t.app.get(&format!("/cms/cinemas/{}/api_keys", t.sb.cinema)).await;
    assert_eq!(keys["itemList"][0]["revokeTime"], Value::Null, "the key still works: {keys}");
}

#[tokio::test]
async fn distribution_to_the_other_cinema_is_forbidden_and_gives_nothing() {
    let t = two_sites().await;
    for (token, mine, theirs) in t.pairs() {
        let film = t.app.movie(&format!("new_{}", mine.cinema)).await;
        let body = json!({"cinemaIDList": [mine.cinema, theirs.cinema]});
        let (status, answer) = t.send(token, "POST", &format!("/cms/movies/{film}/_distribute"), Some(body)).await;
        assert_eq!(status, 403, "{answer}");
        let (_, cinemas) = t.app.get(&format!("/cms/movies/{film}/cinemas")).await;
        assert_eq!(cinemas["cinemaIDList"], json!([]), "all or nothing: not even its own: {cinemas}");
        let (status, _) = t.send(token, "DELETE", &format!("/cms/movies?movie_id={}", t.film), None).await;
        assert_eq!(status, 403, "deleting the shared film would withdraw it from the other cinema");
    }
}

#[tokio::test]
async fn each_managers_library_holds_its_own_cinema_space_only() {
    let t = two_sites().await;
    let space = |s: &Site| json!({"ownerType": "1", "groupId": s.cinema, "parentId": "0"});
    for s in [&t.sa, &t.sb] {
        let mut res = space(s);
        res["title"] = json!(format!("海报 {}", s.cinema));
        res["resForm"] = json!("2");
        res["url"] = json!("https://example.com/p.jpg");
        assert_eq!(t.app.call(&Who::Token(&t.app.token), "/onlineDisk/createResource", res).await.0, 200);
    }
    for (token, mine, theirs) in t.pairs() {
        let who = Who::Token(token);
        let (_, spaces) = t.app.call(&who, "/onlineDisk/querySpaces", json!({})).await;
        let groups: Vec<&Value> =
            spaces["data"]["list"].as_array().unwrap().iter().filter(|s| s["ownerType"] == "1").collect();
        assert_eq!(groups.len(), 1, "{spaces}");
        assert_eq!(groups[0]["ownerId"], mine.cinema.as_str());
        let mut folder = space(theirs);
        folder["dirName"] = json!("x");
        assert_eq!(t.app.call(&who, "/onlineDisk/createFolder", folder).await.0, 403);
        assert_eq!(t.app.call(&who, "/onlineDisk/queryFolders", space(theirs)).await.0, 404);
        let (_, list) =
            t.app.call(&who, "/onlineDisk/xkzyList", json!({"page": {"numPerPage": 50}, "query": {}})).await;
        let titles = list.to_string();
        assert!(titles.contains(&mine.cinema) && !titles.contains(&theirs.cinema), "{titles}");
    }
}

#[tokio::test]
async fn uploads_are_their_uploaders_own() {
    let t = two_sites().await;
    let tus = |token: &str, method: &str, path: &str, headers: &[(&str, &str)], body: Vec<u8>| {
        let req = t.app.http.request(method.parse().unwrap(), t.app.url(path)).bearer_auth(token);
        let req = headers.iter().fold(req, |r, (k, v)| r.header(*k, *v));
        req.body(body).send()
    };
    let res =
        tus(&t.a, "POST", "/files/", &[("tus-resumable", "1.0.0"), ("upload-length", "4")], vec![]).await.unwrap();
    assert_eq!(res.status(), 201);
    let path = res.headers()["location"].to_str().unwrap().to_string();
    let path = path.trim_start_matches(&t.app.base).to_string();
    let patch =
        [("tus-resumable", "1.0.0"), ("upload-offset", "0"), ("content-type", "application/offset+octet-stream")];
    for (method, headers) in [
        ("HEAD", &[("tus-resumable", "1.0.0")][..]),
        ("PATCH", &patch[..]),
        ("DELETE", &[("tus-resumable", "1.0.0")][..]),
    ] {
        let res = tus(&t.b, method, &path, headers, b"abcd".to_vec()).await.unwrap();
        assert_eq!(res.status(), 404, "{method} of another manager's upload");
    }
    let res = tus(&t.a, "PATCH", &path, &patch, b"abcd".to_vec()).await.unwrap();
    assert_eq!(res.status(), 204, "its own uploader finishes it");
}

#[tokio::test]
async fn qr_codes_and_sheets_of_the_other_cinema_are_not_found() {
    let t = two_sites().await;
    for (token, mine, theirs) in t.pairs() {
        let code = |s: &Site| format!("/cms/vr_clients/{}/qr_code?format=svg", s.seat);
        let sheet = |s: &Site| format!("/cms/halls/{}/qr_sheet?format=zip&per_page=1", s.hall);
        for (path, want) in [(code(mine), 200), (sheet(mine), 200), (code(theirs), 404), (sheet(theirs), 404)] {
            let res = t.app.http.get(t.app.url(&path)).bearer_auth(token).send().await.unwrap();
            assert_eq!(res.status(), want, "{path}");
        }
    }
}

#[tokio::test]
async fn api_keys_of_the_other_cinema_are_neither_listed_nor_issued() {
    let t = two_sites().await;
    for (token, mine, theirs) in t.pairs() {
        let keys = |s: &Site| format!("/cms/cinemas/{}/api_keys", s.cinema);
        let (status, own) = t.send(token, "GET", &keys(mine), None).await;
        assert_eq!((status, own["itemList"][0]["apikey"].as_str()), (200, Some(mine.key.0.as_str())));
        assert_eq!(t.send(token, "GET", &keys(theirs), None).await.0, 404);
        assert_eq!(t.send(token, "POST", &keys(theirs), Some(json!({}))).await.0, 403);
    }
    assert_eq!(t.app.get(&format!("/cms/cinemas/{}/api_keys", t.sb.cinema)).await.1["totalCount"], 1);
}

#[tokio::test]
async fn the_coms_channel_of_the_other_cinema_is_not_found() {
    let t = two_sites().await;
    for (token, mine, theirs) in t.pairs() {
        let poll = |s: &Site| format!("/cms/long_poll/{}?timeout=0", s.cinema);
        let (status, message) = t.send(token, "GET", &poll(mine), None).await;
        assert_eq!((status, message["type"].as_str()), (200, Some("NEW_MOVIE")), "its own queue: {message}");
        assert_eq!(t.send(token, "GET", &poll(theirs), None).await.0, 404);
    }
}

#[tokio::test]
async fn deliveries_and_commands_of_the_other_cinema_are_neither_listed_nor_found() {
    let t = two_sites().await;
    for (token, mine, theirs) in t.pairs() {
        let board = format!("/cms/movies/{}/deliveries", t.film);
        assert_eq!(t.ids(token, &board, "cinemaID").await, vec![mine.cinema.clone()], "a film's board, its own only");
        let (_, counts) = t.send(token, "GET", &board, None).await;
        assert_eq!(counts["stateCounts"]["QUEUED"], 1, "counts its own cinema only: {counts}");
        let own = format!("/cms/cinemas/{}/commands", mine.cinema);
        assert_eq!(t.ids(token, &own, "commandID").await, vec![mine.command.clone()]);
        for path in [
            format!("/cms/cinemas/{}/deliveries", theirs.cinema),
            format!("/cms/cinemas/{}/commands", theirs.cinema),
            format!("/cms/commands/{}", theirs.command),
        ] {
            let (status, answer) = t.send(token, "GET", &path, None).await;
            assert_eq!((status, answer["code"].as_str()), (404, Some("not_found")), "GET {path}: {answer}");
        }
    }
}

#[tokio::test]
async fn delivery_and_command_writes_to_the_other_cinema_are_forbidden_and_change_nothing() {
    let t = two_sites().await;
    for (token, _, theirs) in t.pairs() {
        let other = json!({"cinemaIDList": [theirs.cinema]});
        let writes = [
            ("POST", format!("/cms/movies/{}/deliveries/_retry", t.film), other.clone()),
            ("DELETE", format!("/cms/movies/{}/_distribute", t.film), other),
            (
                "PUT",
                format!("/cms/cinemas/{}/deliveries/{}", theirs.cinema, t.film),
                json!({"state": "FAILED", "bytes": 0, "totalBytes": 10, "error": "taken"}),
            ),
            (
                "POST",
                format!("/cms/cinemas/{}/commands", theirs.cinema),
                json!({"action": "SHUTDOWN", "clientIDList": [theirs.seat]}),
            ),
            ("PUT", format!("/cms/commands/{}", theirs.command), json!({"state": "FAILED", "detail": "taken"})),
        ];
        for (method, path, body) in writes {
            let (status, answer) = t.send(token, method, &path, Some(body)).await;
            assert_eq!((status, answer["code"].as_str()), (403, Some("forbidden")), "{method} {path}: {answer}");
        }
        let (_, command) = t.app.get(&format!("/cms/commands/{}", theirs.command)).await;
        assert_eq!(command["state"], "PENDING", "unchanged: {command}");
        let (_, commands) = t.app.get(&format!("/cms/cinemas/{}/commands", theirs.cinema)).await;
        assert_eq!(commands["totalCount"], 1, "no command was sent: {commands}");
    }
    let (_, board) = t.app.get(&format!("/cms/movies/{}/deliveries", t.film)).await;
    assert_eq!(board["stateCounts"]["QUEUED"], 2, "both deliveries as they were: {board}");
}
