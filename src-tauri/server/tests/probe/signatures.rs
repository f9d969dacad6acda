//! Findings 1 and 2: a signature covers exactly what its request sends, is accepted once, and (`dc2`) names its method and path.

use reqwest::header::HeaderMap;
use serde_json::{json, Value};

use super::server::{answer, dc, dc2, Key, Server};

/// A server, its admin's token, a cinema and that cinema's key.
async fn site() -> (Server, String, String, Key) {
    let server = Server::start(&[]);
    let admin = server.admin().await;
    let cinema = server.cinema(&admin, "probe_c").await;
    let key = server.key(&admin, &cinema).await;
    (server, admin, cinema, key)
}

impl Server {
    /// POSTs `body` exactly as given to `path` (with its query) under `headers`.
    async fn signed_post(&self, path: &str, headers: HeaderMap, body: &str) -> (u16, Value) {
        let req = self.http.post(self.url(path)).headers(headers).header("content-type", "text/plain");
        answer(req.body(body.to_string()).send().await.unwrap()).await
    }

    /// A folder the admin makes in the cinema's space: its id.
    async fn folder_of(&self, admin: &str, cinema: &str) -> String {
        let body = json!({"ownerType": "1", "groupId": cinema, "dirName": "kept"});
        let (status, made) = self.json("POST", "/onlineDisk/createFolder", Some(admin), Some(body)).await;
        assert_eq!(status, 200, "{made}");
        made["data"]["dirId"].as_str().unwrap().to_string()
    }

    /// The folders at the root of the cinema's space, as its admin sees them.
    async fn folders(&self, admin: &str, cinema: &str) -> Vec<Value> {
        let body = json!({"ownerType": "1", "groupId": cinema, "parentId": "0"});
        let (status, res) = self.json("POST", "/onlineDisk/queryFolders", Some(admin), Some(body)).await;
        assert_eq!(status, 200, "{res}");
        res["data"]["list"].as_array().cloned().unwrap_or_default()
    }
}

fn folder(cinema: &str, name: &str) -> String {
    json!({"ownerType": "1", "groupId": cinema, "dirName": name}).to_string()
}

#[tokio::test]
async fn a_signed_query_sent_beside_a_body_is_refused() {
    let (server, admin, cinema, key) = site().await;
    // The long-poll's parameters, signed afresh, carried by a write with a body.
    let (status, body) =
        server.signed_post("/onlineDisk/createFolder?timeout=1", dc(&key, "timeout=1"), &folder(&cinema, "x")).await;
    assert_eq!((status, body["code"].as_str()), (401, Some("unauthorized")), "{body}");
    assert!(body["info"].as_str().unwrap().contains("no query string"), "the refusal says why: {body}");
    assert!(server.folders(&admin, &cinema).await.is_empty(), "nothing was created");
}

#[tokio::test]
async fn empty_signed_params_do_not_cover_a_body() {
    let (server, admin, cinema, key) = site().await;
    // What a captured `GET /cms/ws/{cinema}` signs: nothing.
    let (status, body) = server.signed_post("/onlineDisk/createFolder", dc(&key, ""), &folder(&cinema, "x")).await;
    assert_eq!(status, 401, "{body}");
    assert!(server.folders(&admin, &cinema).await.is_empty(), "nothing was created");
}

#[tokio::test]
async fn a_signed_request_sent_twice_is_refused_the_second_time() {
    let (server, admin, cinema, key) = site().await;
    let dir = server.folder_of(&admin, &cinema).await;
    // Moving a folder to where it is succeeds every time: only the replay rule can refuse it.
    let text = json!({"dirId": dir, "parentId": "0"}).to_string();
    let headers = dc(&key, &text);
    let (first, body) = server.signed_post("/onlineDisk/moveFolder", headers.clone(), &text).await;
    assert_eq!(first, 200, "{body}");
    let (second, body) = server.signed_post("/onlineDisk/moveFolder", headers, &text).await;
    assert_eq!((second, body["code"].as_str()), (401, Some("unauthorized")), "{body}");
    assert!(body["info"].as_str().unwrap().contains("already used"), "{body}");
}

#[tokio::test]
async fn a_dc_signature_of_one_route_is_refused_on_another() {
    let (server, admin, cinema, key) = site().await;
    let text = json!({"dirId": server.folder_of(&admin, &cinema).await, "parentId": "0"}).to_string();
    let headers = dc(&key, &text);
    let (moved, body) = server.signed_post("/onlineDisk/moveFolder", headers.clone(), &text).await;
    assert_eq!(moved, 200, "{body}");
    let (deleted, body) = server.signed_post("/onlineDisk/deleteFolder", headers, &text).await;
    assert_eq!(deleted, 401, "dc signs no path: the replay rule refuses it: {body}");
    assert_eq!(server.folders(&admin, &cinema).await.len(), 1, "the folder is still there");
}

#[tokio::test]
async fn a_dc2_signature_is_good_for_its_own_method_and_path_only() {
    let (server, admin, cinema, key) = site().await;
    let text = json!({"dirId": server.folder_of(&admin, &cinema).await, "parentId": "0"}).to_string();
    let for_move = dc2(&key, "POST", "/onlineDisk/moveFolder", &text);
    let (status, body) = server.signed_post("/onlineDisk/deleteFolder", for_move.clone(), &text).await;
    assert_eq!(status, 401, "{body}");
    assert!(body["info"].as_str().unwrap().contains("does not match"), "{body}");
    let (status, body) = server.signed_post("/onlineDisk/moveFolder", for_move, &text).await;
    assert_eq!(status, 200, "its own route takes it: {body}");
    assert_eq!(server.folders(&admin, &cinema).await.len(), 1);
}

#[tokio::test]
async fn captured_headers_act_nowhere_else_once_used() {
    let (server, _, _, key) = site().await;
    let headers = dc(&key, "");
    let first = server.http.get(server.url("/onlineDisk/querySpaces")).headers(headers.clone()).send().await.unwrap();
    assert_eq!(first.status(), 200, "the request they were made for");
    let others = [
        ("GET", "/oauth2/video/upload/url"),
        ("POST", "/api/v1/upload/method/get.upload.token/"),
        ("GET", "/vod/getRecommendVideoList"),
        ("POST", "/onlineDisk/querySpaces"),
        ("GET", "/cms/upload/oss_policy?domain=MOVIE"),
    ];
    for (method, path) in others {
        let req = server.http.request(method.parse().unwrap(), server.url(path)).headers(headers.clone());
        let (status, body) = answer(req.send().await.unwrap()).await;
        assert_eq!(status, 401, "{method} {path}: {body}");
    }
    let tus = server.http.post(server.url("/files/")).headers(headers).header("tus-resumable", "1.0.0");
    let res = tus.header("upload-length", "5").send().await.unwrap();
    assert_eq!(res.status(), 401, "no tus upload is created");
}

#[tokio::test]
async fn a_signed_upload_form_must_be_the_fields_it_signed() {
    let (server, _, _, key) = site().await;
    let bytes = b"probe bytes".to_vec();
    let md5 = cinedesk_testkit::md5::md5_hex(&bytes);
    let create = format!("fileMd5={md5}&userId=coms&fileLength={}&filePathLocal=a.bin", bytes.len());
    let (status, made) = server.signed_post("/onlineDisk/createFid", dc(&key, &create), &create).await;
    assert_eq!(status, 200, "{made}");
    let fid = made["data"]["fid"].as_str().unwrap().to_string();
    let fields =
        [("fid", fid.as_str()), ("userId", "coms"), ("fileLength", "11"), ("fileMd5", md5.as_str()), ("filePos", "0")];
    let signed: String = form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish();
    let resume = |sent: [(&'static str, String); 5], headers: HeaderMap| {
        let mut form = reqwest::multipart::Form::new();
        for (k, v) in sent {
            form = form.text(k, v);
        }
        form = form.part("part", reqwest::multipart::Part::bytes(bytes.clone()).file_name("a.bin"));
        server.http.post(server.url("/onlineDisk/fileResume")).headers(headers).multipart(form).send()
    };
    let owned = |user: &str| fields.map(|(k, v)| (k, if k == "userId" { user.to_string() } else { v.to_string() }));
    let (status, body) = answer(resume(owned("someone-else"), dc(&key, &signed)).await.unwrap()).await;
    assert_eq!(status, 401, "a field that is not what was signed: {body}");
    let (status, body) = answer(resume(owned("coms"), dc(&key, &signed)).await.unwrap()).await;
    assert_eq!((status, body["data"]["postComplete"].as_str()), (200, Some("true")), "{body}");
}

#[tokio::test]
async fn a_signed_tus_creation_signs_its_length() {
    let (server, _, _, key) = site().await;
    let create = |length: &str, headers: HeaderMap| {
        let req = server.http.post(server.url("/files/")).headers(headers).header("tus-resumable", "1.0.0");
        req.header("upload-length", length).send()
    };
    let res = create("6", dc(&key, "upload-length=5")).await.unwrap();
    assert_eq!(res.status(), 401, "signed for 5 bytes, asks for 6");
    let res = create("5", dc(&key, "upload-length=5")).await.unwrap();
    assert_eq!(res.status(), 201, "{:?}", res.text().await);
}

#[tokio::test]
async fn the_dc2_vectors_of_the_integration_page_hold() {
    let page = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/coms-integration.md")).unwrap();
    // Each vector is one table row: | scheme | secret | method | path | user-params | user-date | signature |
    let rows: Vec<Vec<&str>> = page
        .lines()
        .filter(|l| l.starts_with("| dc"))
        .map(|l| l.trim_matches('|').split('|').map(|c| c.trim().trim_matches('`')).collect())
        .collect();
    assert!(rows.len() >= 4, "the page lists its vectors: {rows:?}");
    for r in rows {
        let got = match r[0] {
            "dc" => cinedesk_core::sign(r[1], r[4], r[5]),
            _ => cinedesk_core::sign_dc2(r[1], r[2], r[3], r[4], r[5]),
        };
        assert_eq!(got, r[6], "{r:?}");
    }
}

#[tokio::test]
async fn a_cinema_key_uploads_no_user_icon() {
    let (server, _, _, key) = site().await;
    let form =
        reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(vec![1; 8]).file_name("a.png"));
    let req = server.http.post(server.url("/cms/files/users/icon")).headers(dc(&key, "")).multipart(form);
    let (status, body) = answer(req.send().await.unwrap()).await;
    assert_eq!((status, body["code"].as_str()), (403, Some("forbidden")), "{body}");
}
