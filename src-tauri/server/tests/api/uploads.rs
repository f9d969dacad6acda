//! The file store over real HTTP (issue 4): downloads, OSS policies and callbacks, seed-002
//! chunks, seed-004 resumable uploads (also through a kill -9 of the server), tus (also with the
//! real tus-js-client), media processing, and client names that never become paths.

use std::path::Path;

use base64::Engine;
use cinedesk_testkit::{files_below, md5, md5_hex, noise};
use reqwest::multipart::{Form, Part};
use serde_json::{json, Value};
use tokio::io::AsyncWriteExt;

use crate::helpers::{keys, serve, signed, spawn_app, ApiKey, Served, TestApp};

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A JSON document sent base64-encoded (OSS policies and callbacks).
fn unbase64_json(text: &str) -> Value {
    serde_json::from_slice(&base64::engine::general_purpose::STANDARD.decode(text).unwrap()).unwrap()
}

// ---------------------------------------------------------------- downloads

/// 100,000 bytes stored as 影片 海报.bin: (id, bytes).
async fn stored(app: &TestApp) -> (String, Vec<u8>) {
    let bytes = noise(100_000, 1);
    (app.uploadify("影片 海报.bin", &bytes).await, bytes)
}

#[tokio::test]
async fn a_download_needs_no_token_and_carries_its_md5_length_and_utf8_name() {
    let app = spawn_app().await;
    let (id, bytes) = stored(&app).await;
    let res = app.download(&format!("/cms/files/{id}"), &[]).await;
    assert_eq!(res.status(), 200, "downloads need no token (img src, players)");
    let h = res.headers().clone();
    assert_eq!(h["etag"].to_str().unwrap(), format!("\"{}\"", md5_hex(&bytes)), "the MD5 is a strong ETag");
    assert_eq!(h["accept-ranges"], "bytes");
    assert_eq!(h["content-length"], "100000");
    let cd = h["content-disposition"].to_str().unwrap();
    assert!(cd.contains("filename*=UTF-8''%E5%BD%B1%E7%89%87%20%E6%B5%B7%E6%8A%A5.bin"), "the UTF-8 name: {cd}");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(res.bytes().await.unwrap().as_ref(), bytes.as_slice());
}

#[tokio::test]
async fn a_download_answers_byte_ranges() {
    let app = spawn_app().await;
    let (id, bytes) = stored(&app).await;
    let path = format!("/cms/files/{id}");
    let res = app.download(&path, &[("range", "bytes=10-19")]).await;
    assert_eq!(res.status(), 206);
    assert_eq!(res.headers()["content-range"], "bytes 10-19/100000");
    assert_eq!(res.bytes().await.unwrap().as_ref(), &bytes[10..20]);
    let res = app.download(&path, &[("range", "bytes=-5")]).await;
    assert_eq!((res.status().as_u16(), res.bytes().await.unwrap().to_vec()), (206, bytes[99_995..].to_vec()));
    let res = app.download(&path, &[("range", "bytes=99990-")]).await;
    assert_eq!(res.headers()["content-range"], "bytes 99990-99999/100000");
    let res = app.download(&path, &[("range", "bytes=100000-")]).await;
    assert_eq!(res.status(), 416);
    assert_eq!(res.headers()["content-range"], "bytes */100000");
    let res = app.download(&path, &[("range", "bytes=0-9"), ("if-range", "\"other\"")]).await;
    assert_eq!(res.status(), 200, "If-Range with another ETag: the whole file");
}

#[tokio::test]
async fn a_download_revalidates_by_etag_and_answers_head() {
    let app = spawn_app().await;
    let (id, bytes) = stored(&app).await;
    let etag = format!("\"{}\"", md5_hex(&bytes));
    let res = app.download(&format!("/cms/files/{id}"), &[("if-none-match", &etag)]).await;
    assert_eq!(res.status(), 304, "a cached copy is still good");
    assert!(res.bytes().await.unwrap().is_empty());
    let res = app.download(&format!("/cms/files/{id}"), &[("if-none-match", "\"stale\", W/\"x\"")]).await;
    assert_eq!(res.status(), 200);
    let res = app.http.head(app.url(&format!("/cms/files/{id}"))).send().await.unwrap();
    assert_eq!((res.status().as_u16(), res.headers()["content-length"].to_str().unwrap()), (200, "100000"));
}

#[tokio::test]
async fn a_download_of_a_bad_id_is_a_json_404() {
    let app = spawn_app().await;
    for bad in
        ["/cms/files/0000000000000000000000zz", "/cms/files/..%2F..%2Fetc%2Fpasswd", "/cms/files/%2Fetc%2Fpasswd"]
    {
        let res = app.download(bad, &[]).await;
        assert_eq!(res.status(), 404, "{bad}");
        assert!(res.json::<Value>().await.unwrap()["info"].is_string(), "a JSON 404 for {bad}");
    }
}

#[tokio::test]
async fn file_info_shows_size_and_domain_to_a_caller_with_a_token() {
    let app = spawn_app().await;
    let (id, _) = stored(&app).await;
    let (status, info) = app.get(&format!("/cms/files/{id}/info")).await;
    assert_eq!(
        (status, info["size"].as_u64(), info["domain"].as_str()),
        (200, Some(100_000), Some("RESOURCE")),
        "{info}"
    );
    let (status, _) = app.send("GET", &format!("/cms/files/{id}/info"), None, None).await;
    assert_eq!(status, 401, "metadata needs a token");
}

// ---------------------------------------------------------------- OSS (seed §11)

/// The local PostObject endpoint's secret, read from the database as an operator could.
fn local_oss_secret(app: &TestApp) -> (String, String) {
    let conn = rusqlite::Connection::open(app.cms.data_dir().join(cinedesk_core::DB_FILE)).unwrap();
    let get =
        |k: &str| -> String { conn.query_row("SELECT value FROM settings WHERE key = ?", [k], |r| r.get(0)).unwrap() };
    (get("oss.local_access_key_id"), get("oss.local_access_key_secret"))
}

/// A policy's signature as OSS computes it: base64(HMAC-SHA1(secret, base64 policy)).
fn sign_policy(secret: &str, policy_b64: &str) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(policy_b64.as_bytes());
    b64(&mac.finalize().into_bytes())
}

fn post_form(policy: &Value, key: &str, file: &[u8], name: &str) -> Form {
    Form::new()
        .text("key", key.to_string())
        .text("policy", policy["policy"].as_str().unwrap().to_string())
        .text("OSSAccessKeyId", policy["accessid"].as_str().unwrap().to_string())
        .text("success_action_status", "200")
        .text("callback", policy["callback"].as_str().unwrap().to_string())
        .text("signature", policy["signature"].as_str().unwrap().to_string())
        .part("file", Part::bytes(file.to_vec()).file_name(name.to_string()))
}

/// A MOVIE policy of the admin's, and its directory.
async fn movie_policy(app: &TestApp) -> (Value, String) {
    let (status, policy) = app.get("/cms/upload/oss_policy?domain=MOVIE").await;
    assert_eq!(status, 200, "{policy}");
    let dir = policy["dir"].as_str().unwrap().to_string();
    (policy, dir)
}

/// Posts a PostObject form to the policy's host; answers status and JSON.
async fn post_object(app: &TestApp, policy: &Value, form: Form) -> (u16, Value) {
    let res = app.http.post(policy["host"].as_str().unwrap()).multipart(form).send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json::<Value>().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn an_oss_policy_has_the_seeds_fields_for_the_callers_directory() {
    let app = spawn_app().await;
    let (policy, dir) = movie_policy(&app).await;
    let mut k = keys(&policy);
    k.sort();
    assert_eq!(k, ["accessid", "callback", "dir", "expire", "host", "policy", "signature"], "seed §11.1's fields");
    assert_eq!(dir, format!("upload/movie/user-{}/", app.admin_id()));
    let host = policy["host"].as_str().unwrap();
    assert_eq!(host, format!("{}/cms/upload/oss_post", app.base), "local storage: host is this server");
    let doc = unbase64_json(policy["policy"].as_str().unwrap());
    assert_eq!(doc["conditions"][1], json!(["starts-with", "$key", dir]));
    let callback = unbase64_json(policy["callback"].as_str().unwrap());
    assert_eq!(callback["callbackUrl"], format!("{}/cms/upload/oss_callback", app.base));
    assert_eq!(app.get("/cms/upload/oss_policy?domain=NOWHERE").await.0, 400);
    assert_eq!(app.send("GET", "/cms/upload/oss_policy?domain=MOVIE", None, None).await.0, 401);
}

/// A plupload-style PostObject with ${filename} of 5,000 bytes named 海报.png: (file id, bytes).
async fn posted_object(app: &TestApp) -> (String, Vec<u8>) {
    let (policy, dir) = movie_policy(app).await;
    let bytes = noise(5000, 2);
    let (status, answer) =
        post_object(app, &policy, post_form(&policy, &format!("{dir}${{filename}}"), &bytes, "海报.png")).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!((answer["isSuccess"].as_bool(), answer["Info"].as_str()), (Some(true), Some("成功")), "{answer}");
    (answer["fileID"].as_str().unwrap().to_string(), bytes)
}

#[tokio::test]
async fn a_post_object_within_its_policy_is_stored_as_the_callers() {
    let app = spawn_app().await;
    let (file_id, bytes) = posted_object(&app).await;
    assert_eq!(app.bytes_of(&file_id).await, bytes);
    let (_, info) = app.get(&format!("/cms/files/{file_id}/info")).await;
    assert_eq!((info["name"].as_str(), info["domain"].as_str()), (Some("海报.png"), Some("MOVIE")));
    assert_eq!(info["owner"], format!("user:{}", app.admin_id()));
}

#[tokio::test]
async fn a_posted_objects_id_serves_as_a_films_icon_and_poster() {
    let app = spawn_app().await;
    let (file_id, bytes) = posted_object(&app).await;
    let movie = app.movie("oss_film").await;
    let pictures = json!({ "iconID": file_id, "posterID": file_id });
    assert_eq!(app.put(&format!("/cms/movies/{movie}"), pictures).await.0, 200);
    let (_, m) = app.get(&format!("/cms/movies/{movie}")).await;
    assert_eq!(m["posterURL"], format!("/cms/files/{file_id}"));
    assert_eq!(app.bytes_of(m["iconURL"].as_str().unwrap().trim_start_matches("/cms/files/")).await, bytes);
}

#[tokio::test]
async fn a_post_object_outside_its_policy_is_refused_and_stores_nothing() {
    let app = spawn_app().await;
    let (policy, dir) = movie_policy(&app).await;
    let doc = unbase64_json(policy["policy"].as_str().unwrap());
    let bytes = noise(5000, 2);
    let blobs = app.blobs();
    let (id, secret) = local_oss_secret(&app);
    let resigned = |conditions: Value| {
        let mut p = policy.clone();
        p["policy"] =
            json!(b64(json!({"expiration": doc["expiration"], "conditions": conditions}).to_string().as_bytes()));
        p["signature"] = json!(sign_policy(&secret, p["policy"].as_str().unwrap()));
        p
    };
    let mut tampered = resigned(json!([["content-length-range", 0, 1u64 << 40], ["starts-with", "$key", ""]]));
    tampered["signature"] = policy["signature"].clone();
    let (status, body) = post_object(&app, &policy, post_form(&tampered, "anywhere/x.bin", &bytes, "x.bin")).await;
    assert_eq!(status, 403, "a policy changed after signing: {body}");
    let mut old = policy.clone();
    old["policy"] =
        json!(b64(json!({"expiration": "2020-01-01T00:00:00Z", "conditions": [["starts-with", "$key", dir]]})
            .to_string()
            .as_bytes()));
    old["signature"] = json!(sign_policy(&secret, old["policy"].as_str().unwrap()));
    let (status, body) = post_object(&app, &policy, post_form(&old, &format!("{dir}x.bin"), &bytes, "x.bin")).await;
    assert_eq!(status, 403, "an expired policy: {body}");
    assert!(body["info"].as_str().unwrap().contains("expired"), "{body}");
    for (key, why) in [
        ("upload/movie/someone-else/x.bin".to_string(), "a key outside dir"),
        (format!("{dir}../../user/x.bin"), "a key that climbs out of dir"),
    ] {
        let (status, body) = post_object(&app, &policy, post_form(&policy, &key, &bytes, "x.bin")).await;
        assert_eq!(status, 403, "{why}: {body}");
    }
    let tight = resigned(json!([["content-length-range", 0, 100], ["starts-with", "$key", dir]]));
    let (status, body) =
        post_object(&app, &policy, post_form(&tight, &format!("{dir}big.bin"), &bytes, "big.bin")).await;
    assert_eq!(status, 413, "over content-length-range: {body}");
    let mut stranger = policy.clone();
    stranger["accessid"] = json!(format!("{id}x"));
    let (status, _) = post_object(&app, &policy, post_form(&stranger, &format!("{dir}a.bin"), &bytes, "a.bin")).await;
    assert_eq!(status, 403, "another access key");
    let no_file = Form::new().text("key", format!("{dir}a")).text("policy", "x");
    assert_eq!(post_object(&app, &policy, no_file).await.0, 400, "no file");
    assert_eq!(app.blobs(), blobs, "no refused upload stored anything");
    assert!(app.leftovers().is_empty(), "and left nothing behind: {:?}", app.leftovers());
}

/// A server set up for Aliyun OSS whose callbacks are signed with a key published by a key
/// server of 127.0.0.1, as OSS publishes its own.
struct Aliyun {
    app: TestApp,
    private: rsa::RsaPrivateKey,
    key_url: String,
}

async fn aliyun() -> Aliyun {
    use rsa::pkcs8::{EncodePublicKey, LineEnding};
    let app = spawn_app().await;
    let private = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).unwrap();
    let pem = private.to_public_key().to_public_key_pem(LineEnding::LF).unwrap();
    let key_host =
        serve(axum::Router::new().route("/callback_pub_key_v1.pem", axum::routing::get(move || async move { pem })))
            .await
            + "/";
    let config = json!({
        "mode": "aliyun", "host": "https://cinedesk-test.oss-cn-hangzhou.aliyuncs.com", "accessKeyId": "LTAI-test",
        "accessKeySecret": "oss-secret", "callbackUrl": app.url("/cms/upload/oss_callback"),
        "pubKeyUrlPrefixes": [key_host.clone()],
    });
    let (status, body) = app.put("/cms/upload/oss_config", config).await;
    assert_eq!(status, 200, "{body}");
    Aliyun { app, private, key_url: format!("{key_host}callback_pub_key_v1.pem") }
}

const CALLBACK: &str = "/cms/upload/oss_callback";

impl Aliyun {
    /// The body OSS posts after storing 影片.mp4 of 123,456 bytes in the admin's MOVIE dir.
    async fn callback_body(&self) -> String {
        let (policy, dir) = movie_policy(&self.app).await;
        assert!(policy["host"].as_str().unwrap().starts_with("https://"), "{policy}");
        let object: String = form_urlencoded::byte_serialize(format!("{dir}影片.mp4").as_bytes()).collect();
        format!("object={object}&size=123456&mimeType=video%2Fmp4&etag=%22D41D8CD98F00B204E9800998ECF8427E%22")
    }

    /// OSS's signature of `body`: RSA over MD5 of the path and the body.
    fn sign(&self, body: &str) -> String {
        let digest = md5(format!("{CALLBACK}\n{body}").as_bytes());
        let scheme = rsa::Pkcs1v15Sign::new::<md5_rsa_oracle::Md5>();
        b64(&self.private.sign(scheme, &digest).unwrap())
    }

    /// Posts `body` as OSS would, signed by `auth`, naming the key at `key_url`.
    async fn callback(&self, body: String, auth: String, key_url: &str) -> (u16, Value) {
        let res = self
            .app
            .http
            .post(self.app.url(CALLBACK))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("authorization", auth)
            .header("x-oss-pub-key-url", b64(key_url.as_bytes()))
            .body(body)
            .send()
            .await
            .unwrap();
        (res.status().as_u16(), res.json::<Value>().await.unwrap())
    }
}

#[tokio::test]
async fn an_aliyun_policy_is_signed_with_the_configured_secret_never_shown() {
    let oss = aliyun().await;
    let (_, shown) = oss.app.get("/cms/upload/oss_config").await;
    assert!(shown.get("accessKeySecret").is_none(), "the secret is never answered: {shown}");
    let (policy, _) = movie_policy(&oss.app).await;
    assert_eq!(policy["host"], "https://cinedesk-test.oss-cn-hangzhou.aliyuncs.com");
    assert_eq!(policy["accessid"], "LTAI-test");
    assert_eq!(policy["signature"], json!(sign_policy("oss-secret", policy["policy"].as_str().unwrap())));
}

#[tokio::test]
async fn a_signed_oss_callback_records_a_remote_file_served_by_redirect() {
    let oss = aliyun().await;
    let body = oss.callback_body().await;
    let (status, answer) = oss.callback(body.clone(), oss.sign(&body), &oss.key_url).await;
    assert_eq!((status, answer["isSuccess"].as_bool()), (200, Some(true)), "{answer}");
    let file_id = answer["fileID"].as_str().unwrap().to_string();
    let (_, info) = oss.app.get(&format!("/cms/files/{file_id}/info")).await;
    assert_eq!(
        (info["state"].as_str(), info["size"].as_u64(), info["md5"].as_str()),
        (Some("REMOTE"), Some(123_456), Some("d41d8cd98f00b204e9800998ecf8427e"))
    );
    // The OSS host is not reachable here: look at the redirect rather than follow it.
    let no_follow = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let res = no_follow.get(oss.app.url(&format!("/cms/files/{file_id}"))).send().await.unwrap();
    assert_eq!(res.status(), 302);
    assert_eq!(
        res.headers()["location"].to_str().unwrap(),
        format!(
            "https://cinedesk-test.oss-cn-hangzhou.aliyuncs.com/upload/movie/user-{}/%E5%BD%B1%E7%89%87.mp4",
            oss.app.admin_id()
        )
    );
}

#[tokio::test]
async fn an_oss_callback_changed_after_signing_is_refused() {
    let oss = aliyun().await;
    let body = oss.callback_body().await;
    let forged = body.replace("size=123456", "size=1");
    let (status, answer) = oss.callback(forged, oss.sign(&body), &oss.key_url).await;
    assert_eq!((status, answer["isSuccess"].as_bool()), (200, Some(false)), "a body changed after signing: {answer}");
}

#[tokio::test]
async fn an_oss_callback_key_from_anywhere_else_is_not_fetched() {
    let oss = aliyun().await;
    let body = oss.callback_body().await;
    let (_, answer) = oss.callback(body.clone(), oss.sign(&body), "http://evil.example/key.pem").await;
    assert_eq!(answer["isSuccess"], false, "a key from anywhere else is not fetched: {answer}");
    assert!(answer["Info"].as_str().unwrap().contains("not an accepted"), "{answer}");
}

#[tokio::test]
async fn an_oss_callback_for_an_object_outside_the_upload_dirs_is_refused() {
    let oss = aliyun().await;
    let outside = oss.callback_body().await.replace("upload%2Fmovie", "elsewhere%2Fmovie");
    let (_, answer) = oss.callback(outside.clone(), oss.sign(&outside), &oss.key_url).await;
    assert_eq!(answer["isSuccess"], false, "an object outside the upload directories: {answer}");
}

// ---------------------------------------------------------------- seed 002: chunks

/// Seed 002's upload URL of this server, as a path.
async fn chunk_path(app: &TestApp) -> String {
    let (_, answer) = app.get("/oauth2/video/upload/url").await;
    answer["data"]["url"].as_str().unwrap().trim_start_matches(&app.base).to_string()
}

/// Chunk `i` of `bytes` in 256 KiB chunks, as seed 002's form.
fn chunk(bytes: &[u8], i: usize) -> Form {
    let chunks: Vec<&[u8]> = bytes.chunks(256 * 1024).collect();
    Form::new()
        .text("name", "片子.mp4")
        .text("chunk", i.to_string())
        .text("chunks", chunks.len().to_string())
        .part("file", Part::bytes(chunks[i].to_vec()).file_name("blob"))
}

#[tokio::test]
async fn seed_002s_upload_url_is_a_key_of_this_server() {
    let app = spawn_app().await;
    let (status, answer) = app.get("/oauth2/video/upload/url").await;
    assert_eq!(status, 200);
    assert_eq!(
        (answer["code"].as_i64(), answer["msg"].as_str(), answer["data"]["block"].as_i64()),
        (Some(200), Some("success"), Some(1)),
        "{answer}"
    );
    let url = answer["data"]["url"].as_str().unwrap();
    assert!(url.starts_with(&format!("{}/oauth2/video/upload?key=", app.base)), "{url}");
}

#[tokio::test]
async fn seed_002_chunks_resent_out_of_order_are_assembled() {
    let app = spawn_app().await;
    let path = chunk_path(&app).await;
    let bytes = noise(700_000, 3);
    let mut last = Value::Null;
    for (n, i) in [2usize, 0, 0, 1].into_iter().enumerate() {
        let (status, answer) = app.form(&path, chunk(&bytes, i), Some(&app.token)).await;
        assert_eq!(status, 200, "chunk {i}: {answer}");
        if n < 3 {
            let progress = (answer["OK"].as_i64(), answer["data"]["code"].as_i64());
            assert_eq!(progress, (Some(0), Some(101)), "in progress: {answer}");
        }
        last = answer;
    }
    assert_eq!(last["OK"], 1, "the last missing chunk completes it: {last}");
    let id = last["data"]["id"].as_str().unwrap().to_string();
    assert_eq!(app.bytes_of(&id).await, bytes);
    let (_, info) = app.get(&format!("/cms/files/{id}/info")).await;
    assert_eq!((info["name"].as_str(), info["domain"].as_str()), (Some("片子.mp4"), Some("MOVIE")));
}

#[tokio::test]
async fn seed_002_takes_a_file_sent_without_chunking() {
    let app = spawn_app().await;
    let path = chunk_path(&app).await;
    let whole = Form::new().part("file", Part::bytes(b"whole".to_vec()).file_name("w.mp4"));
    let (status, answer) = app.form(&path, whole, Some(&app.token)).await;
    assert_eq!((status, answer["OK"].as_i64()), (200, Some(1)), "a file sent without chunking: {answer}");
}

#[tokio::test]
async fn seed_002_refuses_unknown_keys_strangers_and_impossible_chunks() {
    let app = spawn_app().await;
    let path = chunk_path(&app).await;
    let bytes = noise(700_000, 3);
    let (status, answer) = app.form("/oauth2/video/upload?key=nosuchkey", chunk(&bytes, 0), Some(&app.token)).await;
    assert_eq!((status, answer["OK"].as_i64(), answer["data"]["code"].as_i64()), (404, Some(0), Some(404)), "{answer}");
    let (status, answer) = app.form(&path, chunk(&bytes, 0), None).await;
    assert_eq!((status, answer["OK"].as_i64()), (401, Some(0)), "{answer}");
    let bad = Form::new().text("chunk", "7").text("chunks", "3").part("file", Part::bytes(vec![1]).file_name("b"));
    let (status, answer) = app.form(&path, bad, Some(&app.token)).await;
    assert_eq!(status, 400, "{answer}");
}

// ---------------------------------------------------------------- seed 004: resource disk

const FILE_PATH: &str = "D:/files/20150402/基础数据-整合(新).xlsx";

impl TestApp {
    async fn disk_form(&self, path: &str, fields: &[(&str, String)], token: Option<&str>) -> (u16, Value) {
        let body: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields.iter().map(|(k, v)| (*k, v.as_str())))
            .finish();
        let mut req = self.http.post(self.url(path)).header("content-type", "text/plain").body(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let res = req.send().await.unwrap();
        (res.status().as_u16(), res.json().await.unwrap())
    }

    async fn create_fid(&self, bytes: &[u8], user: &str, path_local: &str) -> (u16, Value) {
        let fields = [
            ("fileMd5", md5_hex(bytes)),
            ("userId", user.to_string()),
            ("fileLength", bytes.len().to_string()),
            ("filePathLocal", path_local.to_string()),
        ];
        self.disk_form("/onlineDisk/createFid", &fields, Some(&self.token)).await
    }

    async fn file_resume(&self, fid: &str, user: &str, all: &[u8], pos: usize, part: &[u8]) -> (u16, Value) {
        resume_at(&self.http, &self.base, &self.token, fid, user, all, pos, part).await
    }

    async fn uncompleted(&self, user: &str) -> Value {
        let (_, listed) =
            self.disk_form("/onlineDisk/uncompletedFiles", &[("userId", user.into())], Some(&self.token)).await;
        listed["data"]["uncompletedFiles"].clone()
    }
}

#[allow(clippy::too_many_arguments)]
async fn resume_at(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    fid: &str,
    user: &str,
    all: &[u8],
    pos: usize,
    part: &[u8],
) -> (u16, Value) {
    let form = Form::new()
        .text("fid", fid.to_string())
        .text("userId", user.to_string())
        .text("fileLength", all.len().to_string())
        .text("fileMd5", md5_hex(all))
        .text("fileNameLocal", "基础数据.xlsx")
        .text("filePos", pos.to_string())
        .part("part", Part::bytes(part.to_vec()).file_name("part"));
    let res =
        http.post(format!("{base}/onlineDisk/fileResume")).bearer_auth(token).multipart(form).send().await.unwrap();
    (res.status().as_u16(), res.json().await.unwrap())
}

/// 600,000 bytes of user u-1 with a fid, the first 200,000 sent: (fid, bytes).
async fn begun(app: &TestApp) -> (String, Vec<u8>) {
    let bytes = noise(600_000, 4);
    let (_, created) = app.create_fid(&bytes, "u-1", FILE_PATH).await;
    let fid = created["data"]["fid"].as_str().unwrap().to_string();
    let (status, r) = app.file_resume(&fid, "u-1", &bytes, 0, &bytes[..200_000]).await;
    assert_eq!((status, r["data"]["filePos"].as_u64()), (200, Some(200_000)), "{r}");
    (fid, bytes)
}

#[tokio::test]
async fn create_fid_answers_the_seeds_fields() {
    let app = spawn_app().await;
    let (status, created) = app.create_fid(&noise(600_000, 4), "u-1", FILE_PATH).await;
    assert_eq!((status, created["result"].as_str()), (200, Some("000000")), "{created}");
    let data = &created["data"];
    assert_eq!(
        (
            data["filePos"].as_u64(),
            data["fileNameLocal"].as_str(),
            data["fileExt"].as_str(),
            data["postComplete"].as_str(),
            data["fileSize"].as_str()
        ),
        (Some(0), Some("基础数据-整合(新).xlsx"), Some("xlsx"), Some("false"), Some("585.93KB")),
        "{created}"
    );
    for key in ["fileLength", "fileMd5", "filePathLocal", "isDeleted", "postedLength", "postedTime", "userId"] {
        assert!(data.get(key).is_some(), "createFid's data has {key}: {data}");
    }
}

#[tokio::test]
async fn file_resume_at_the_wrong_position_is_refused_with_the_right_one() {
    let app = spawn_app().await;
    let (fid, bytes) = begun(&app).await;
    let (status, r) = app.file_resume(&fid, "u-1", &bytes, 100_000, &bytes[100_000..300_000]).await;
    assert_eq!(
        (status, r["result"].as_str(), r["data"]["filePos"].as_u64()),
        (409, Some("100000"), Some(200_000)),
        "the wrong filePos is refused with the right one: {r}"
    );
    let (status, r) = app.file_resume(&fid, "someone-else", &bytes, 200_000, &bytes[200_000..300_000]).await;
    assert_eq!((status, r["code"].as_str()), (400, Some("invalid")), "{r}");
}

#[tokio::test]
async fn create_fid_again_answers_the_same_fid_where_it_stands() {
    let app = spawn_app().await;
    let (fid, bytes) = begun(&app).await;
    let (_, again) = app.create_fid(&bytes, "u-1", FILE_PATH).await;
    assert_eq!(
        (again["data"]["fid"].as_str(), again["data"]["filePos"].as_u64()),
        (Some(fid.as_str()), Some(200_000)),
        "same user, MD5, length: same fid: {again}"
    );
    assert_eq!(app.uncompleted("u-1").await.as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn a_resumed_upload_completes_into_the_file_of_its_fid() {
    let app = spawn_app().await;
    let (fid, bytes) = begun(&app).await;
    let (status, r) = app.file_resume(&fid, "u-1", &bytes, 200_000, &bytes[200_000..]).await;
    assert_eq!(
        (status, r["data"]["postComplete"].as_str(), r["data"]["filePos"].as_u64()),
        (200, Some("true"), Some(600_000)),
        "{r}"
    );
    assert_eq!(md5_hex(&app.bytes_of(&fid).await), md5_hex(&bytes), "the fid is the file's id");
    assert_eq!(app.uncompleted("u-1").await, json!([]));
    assert!(app.leftovers().is_empty(), "nothing left over: {:?}", app.leftovers());
}

#[tokio::test]
async fn content_already_stored_is_complete_at_once_for_another_user() {
    let app = spawn_app().await;
    let (fid, bytes) = begun(&app).await;
    app.file_resume(&fid, "u-1", &bytes, 200_000, &bytes[200_000..]).await;
    let (_, instant) = app.create_fid(&bytes, "u-2", "E:/copy.xlsx").await;
    assert_eq!(
        (instant["data"]["postComplete"].as_str(), instant["data"]["filePos"].as_u64()),
        (Some("true"), Some(600_000)),
        "{instant}"
    );
    assert_eq!(app.bytes_of(instant["data"]["fid"].as_str().unwrap()).await.len(), 600_000);
}

#[tokio::test]
async fn content_that_is_not_its_md5_never_becomes_a_file() {
    let app = spawn_app().await;
    let lie = [
        ("fileMd5", md5_hex(b"a lie")),
        ("userId", "u-1".into()),
        ("fileLength", "1000".into()),
        ("filePathLocal", "x.bin".into()),
    ];
    let (_, created) = app.disk_form("/onlineDisk/createFid", &lie, Some(&app.token)).await;
    let bad_fid = created["data"]["fid"].as_str().unwrap().to_string();
    let form = Form::new()
        .text("fid", bad_fid.clone())
        .text("userId", "u-1")
        .text("fileLength", "1000")
        .text("fileMd5", md5_hex(b"a lie"))
        .text("fileNameLocal", "x.bin")
        .text("filePos", "0")
        .part("part", Part::bytes(noise(1000, 5)).file_name("p"));
    let (status, r) = app.form("/onlineDisk/fileResume", form, Some(&app.token)).await;
    let outcome = (status, r["code"].as_str(), r["result"].as_str());
    assert_eq!(outcome, (400, Some("checksum_mismatch"), Some("100000")), "{r}");
    let download = app.download(&format!("/cms/files/{bad_fid}"), &[]).await;
    assert_eq!(download.status(), 404, "a wrong MD5 is never a usable file");
    assert_eq!(app.get(&format!("/cms/files/{bad_fid}/info")).await.0, 404);
    assert!(app.leftovers().is_empty(), "nothing left over: {:?}", app.leftovers());
}

#[tokio::test]
async fn uploadify_keeps_only_the_last_segment_of_a_name_and_takes_up_to_50_mb() {
    let app = spawn_app().await;
    let small = app.uploadify("../../../etc/passwd", b"root:x:0:0").await;
    let (_, info) = app.get(&format!("/cms/files/{small}/info")).await;
    assert_eq!(info["name"], "passwd", "only the last segment, as metadata");
    let big = Form::new().part("fileData", Part::bytes(vec![0u8; 50 * 1024 * 1024 + 1]).file_name("big"));
    let (status, r) = app.form("/onlineDisk/uploadify", big, Some(&app.token)).await;
    assert_eq!((status, r["result"].as_str()), (413, Some("100000")), "uploadify takes up to 50 MB: {r}");
}

#[tokio::test]
async fn create_fid_refuses_missing_fields_and_anonymous_callers() {
    let app = spawn_app().await;
    let (status, r) = app.disk_form("/onlineDisk/createFid", &[("userId", "u".into())], Some(&app.token)).await;
    assert_eq!((status, r["code"].as_str()), (400, Some("invalid")), "{r}");
    let fields = [
        ("fileMd5", md5_hex(b"x")),
        ("userId", "u-1".into()),
        ("fileLength", "1".into()),
        ("filePathLocal", "x".into()),
    ];
    let (status, _) = app.disk_form("/onlineDisk/createFid", &fields, None).await;
    assert_eq!(status, 401, "uploads need a token or a signature");
}

#[tokio::test]
async fn signed_machine_clients_upload_as_their_cinema() {
    let app = spawn_app().await;
    let cinema = app.cinema("sign_up").await;
    let key = app.api_key(&cinema).await;
    let bytes = noise(3000, 6);
    let body: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("fileMd5", md5_hex(&bytes)),
            ("userId", "coms".into()),
            ("fileLength", "3000".into()),
            ("filePathLocal", "C:/a.bin".into()),
        ])
        .finish();
    let send = |params: &str, key: &ApiKey| {
        signed(app.http.post(app.url("/onlineDisk/createFid")).body(body.clone()), key, params).send()
    };
    let res = send(&body, &key).await.unwrap();
    assert_eq!(res.status(), 200, "a request signed over its form body");
    let fid = res.json::<Value>().await.unwrap()["data"]["fid"].as_str().unwrap().to_string();
    assert_eq!(send("fileLength=1", &key).await.unwrap().status(), 401, "signed for other parameters");
    let wrong = (key.0.clone(), "wrong".to_string());
    assert_eq!(send(&body, &wrong).await.unwrap().status(), 401, "a wrong secret");
    let coms = cinedesk_core::Actor::Cinema { cinema_id: cinema.clone(), apikey: key.0.clone() };
    let upload = app.cms.upload(&coms, &fid, cinedesk_core::files::Protocol::Resumable).unwrap();
    assert_eq!(upload.client_user, "coms", "the upload is the cinema's");
}

// ---------------------------------------------------------------- kill -9 mid-upload

/// createFid for user u9 of a real server (a second call answers the same fid and where it stands).
async fn create_fid(server: &Served, token: &str, bytes: &[u8]) -> Value {
    let body = format!("fileMd5={}&userId=u9&fileLength={}&filePathLocal=film.mp4", md5_hex(bytes), bytes.len());
    let req = server.http.post(format!("{}/onlineDisk/createFid", server.base)).bearer_auth(token).body(body);
    req.send().await.unwrap().json().await.unwrap()
}

/// A stream of the chunks a channel receives.
fn stream_from(
    mut rx: tokio::sync::mpsc::Receiver<Result<Vec<u8>, std::io::Error>>,
) -> impl futures_util::Stream<Item = Result<Vec<u8>, std::io::Error>> {
    futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx))
}

/// The size of a file, 0 while it does not exist.
fn file_size(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

#[tokio::test]
async fn a_resumable_upload_survives_kill_9_of_the_server_mid_part() {
    let dir = tempfile::tempdir().unwrap();
    let part = 4 << 20;
    let bytes = noise(3 * part, 7);
    let server = Served::start(dir.path(), "kill-pass").await;
    let token = server.token("admin", "kill-pass").await;
    let fid = create_fid(&server, &token, &bytes).await["data"]["fid"].as_str().unwrap().to_string();
    let (status, r) = resume_at(&server.http, &server.base, &token, &fid, "u9", &bytes, 0, &bytes[..part]).await;
    assert_eq!((status, r["data"]["filePos"].as_u64()), (200, Some(part as u64)), "{r}");

    // The second part: half of it goes out, then the stream stalls, and the server is killed
    // while it is in the middle of writing that part.
    let partial = dir.path().join("files/partial").join(&fid);
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(4);
    let body = reqwest::Body::wrap_stream(stream_from(rx));
    let form = Form::new()
        .text("fid", fid.clone())
        .text("userId", "u9")
        .text("fileLength", bytes.len().to_string())
        .text("fileMd5", md5_hex(&bytes))
        .text("fileNameLocal", "film.mp4")
        .text("filePos", part.to_string())
        .part("part", Part::stream_with_length(body, part as u64).file_name("part"));
    let url = format!("{}/onlineDisk/fileResume", server.base);
    let pending = tokio::spawn(server.http.post(url).bearer_auth(&token).multipart(form).send());
    tx.send(Ok(bytes[part..part + part / 2].to_vec())).await.unwrap();
    // The server is another process (the point is to SIGKILL it): what it has written shows
    // only in its files. It writes a part's bytes as they arrive, so this comes to pass; no
    // clock decides it.
    while file_size(&partial) <= part as u64 {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    server.kill();
    let _ = pending.await;
    drop(tx);
    assert!(file_size(&partial) > part as u64, "unacknowledged bytes reached the disk before the kill");

    let server = Served::start(dir.path(), "kill-pass").await;
    let token = server.token("admin", "kill-pass").await;
    let again = create_fid(&server, &token, &bytes).await;
    assert_eq!(
        (again["data"]["fid"].as_str(), again["data"]["filePos"].as_u64()),
        (Some(fid.as_str()), Some(part as u64)),
        "after kill -9: the same fid at the acknowledged filePos: {again}"
    );
    let resume = |pos: usize, end: usize| {
        resume_at(&server.http, &server.base, &token, &fid, "u9", &bytes, pos, &bytes[pos..end])
    };
    let (status, r) = resume(part, 2 * part).await;
    assert_eq!(status, 200, "{r}");
    let (status, r) = resume(2 * part, 3 * part).await;
    assert_eq!((status, r["data"]["postComplete"].as_str()), (200, Some("true")), "{r}");
    let got = server.http.get(format!("{}/cms/files/{fid}", server.base)).send().await.unwrap().bytes().await.unwrap();
    assert_eq!(md5_hex(&got), md5_hex(&bytes), "the file's MD5 is the original's");
}

// ---------------------------------------------------------------- tus

const TUS: (&str, &str) = ("tus-resumable", "1.0.0");
const OCTETS: (&str, &str) = ("content-type", "application/offset+octet-stream");

/// A tus upload of `length` bytes with `metadata` (if any); answers its path (`/files/{id}`).
async fn tus_created(app: &TestApp, length: usize, metadata: Option<&str>) -> String {
    let length = length.to_string();
    let mut headers = vec![TUS, ("upload-length", length.as_str())];
    headers.extend(metadata.map(|m| ("upload-metadata", m)));
    let res = app.tus("POST", "/files/", &headers, vec![]).await;
    assert_eq!(res.status(), 201);
    res.headers()["location"].to_str().unwrap().trim_start_matches(&app.base).to_string()
}

/// The offset HEAD answers.
async fn tus_offset(app: &TestApp, path: &str) -> String {
    app.tus("HEAD", path, &[TUS], vec![]).await.headers()["upload-offset"].to_str().unwrap().to_string()
}

/// Metadata naming the file ../../evil/影片.bin, of the MOVIE domain.
fn movie_metadata() -> String {
    let name = b64("../../evil/影片.bin".as_bytes());
    format!("filename {name},filetype {},domain {}", b64(b"application/octet-stream"), b64(b"MOVIE"))
}

#[tokio::test]
async fn tus_options_advertise_the_version_extensions_and_checksums() {
    let app = spawn_app().await;
    let res = app.http.request(reqwest::Method::OPTIONS, app.url("/files/")).send().await.unwrap();
    assert_eq!(res.status(), 204);
    let h = res.headers();
    assert_eq!((h["tus-version"].to_str().unwrap(), h["tus-resumable"].to_str().unwrap()), ("1.0.0", "1.0.0"));
    assert_eq!(h["tus-extension"], "creation,termination,checksum,expiration");
    assert_eq!(h["tus-checksum-algorithm"], "md5,sha1");
}

#[tokio::test]
async fn a_tus_creation_needs_tus_resumable() {
    let app = spawn_app().await;
    let res = app.tus("POST", "/files/", &[("upload-length", "300000")], vec![]).await;
    assert_eq!(res.status(), 412, "Tus-Resumable is required");
    assert_eq!(res.headers()["tus-version"], "1.0.0");
}

#[tokio::test]
async fn a_created_tus_upload_expires_and_head_shows_where_it_stands() {
    let app = spawn_app().await;
    let meta = movie_metadata();
    let res = app.tus("POST", "/files/", &[TUS, ("upload-length", "300000"), ("upload-metadata", &meta)], vec![]).await;
    assert_eq!(res.status(), 201);
    let expires = res.headers()["upload-expires"].to_str().unwrap();
    assert!(httpdate::parse_http_date(expires).is_ok(), "Upload-Expires is an HTTP date");
    let path = res.headers()["location"].to_str().unwrap().trim_start_matches(&app.base).to_string();
    let res = app.tus("HEAD", &path, &[TUS], vec![]).await;
    assert_eq!((res.status().as_u16(), res.headers()["upload-offset"].to_str().unwrap()), (200, "0"));
    assert_eq!(
        (res.headers()["upload-length"].to_str().unwrap(), res.headers()["cache-control"].to_str().unwrap()),
        ("300000", "no-store")
    );
    assert_eq!(res.headers()["upload-metadata"].to_str().unwrap(), meta);
}

#[tokio::test]
async fn a_tus_patch_must_be_an_octet_stream() {
    let app = spawn_app().await;
    let path = tus_created(&app, 300_000, None).await;
    let res =
        app.tus("PATCH", &path, &[TUS, ("upload-offset", "0"), ("content-type", "text/plain")], vec![0; 10]).await;
    assert_eq!(res.status(), 415);
}

/// A tus upload of 300,000 bytes with its first 100,000 sent with their MD5: (path, bytes).
async fn tus_begun(app: &TestApp) -> (String, Vec<u8>) {
    let meta = movie_metadata();
    let path = tus_created(app, 300_000, Some(&meta)).await;
    let bytes = noise(300_000, 8);
    let checksum = format!("md5 {}", b64(&md5(&bytes[..100_000])));
    let headers = [TUS, OCTETS, ("upload-offset", "0"), ("upload-checksum", checksum.as_str())];
    let res = app.tus("PATCH", &path, &headers, bytes[..100_000].to_vec()).await;
    assert_eq!((res.status().as_u16(), res.headers()["upload-offset"].to_str().unwrap()), (204, "100000"));
    assert_eq!(res.headers()["tus-resumable"], "1.0.0");
    (path, bytes)
}

#[tokio::test]
async fn a_tus_patch_at_another_offset_is_a_conflict() {
    let app = spawn_app().await;
    let (path, bytes) = tus_begun(&app).await;
    let res = app.tus("PATCH", &path, &[TUS, OCTETS, ("upload-offset", "50000")], bytes[50_000..60_000].to_vec()).await;
    assert_eq!(res.status(), 409, "the offset must be the current one");
}

#[tokio::test]
async fn a_tus_patch_not_matching_its_checksum_keeps_nothing() {
    let app = spawn_app().await;
    let (path, bytes) = tus_begun(&app).await;
    let wrong = format!("sha1 {}", b64(&[0u8; 20]));
    let headers = [TUS, OCTETS, ("upload-offset", "100000"), ("upload-checksum", wrong.as_str())];
    let res = app.tus("PATCH", &path, &headers, bytes[100_000..200_000].to_vec()).await;
    assert_eq!(res.status(), 460, "checksum mismatch");
    assert_eq!(tus_offset(&app, &path).await, "100000", "the mismatched bytes were not kept");
    let headers = [TUS, OCTETS, ("upload-offset", "100000"), ("upload-checksum", "crc32 AAAA")];
    assert_eq!(app.tus("PATCH", &path, &headers, vec![1]).await.status(), 400, "an unsupported checksum algorithm");
}

#[tokio::test]
async fn a_tus_patch_past_the_upload_length_is_refused() {
    let app = spawn_app().await;
    let (path, _) = tus_begun(&app).await;
    let res = app.tus("PATCH", &path, &[TUS, OCTETS, ("upload-offset", "100000")], noise(200_001, 9)).await;
    assert_eq!(res.status(), 413, "past Upload-Length");
}

#[tokio::test]
async fn a_finished_tus_upload_is_the_file_of_its_id() {
    let app = spawn_app().await;
    let (path, bytes) = tus_begun(&app).await;
    let res = app.tus("PATCH", &path, &[TUS, OCTETS, ("upload-offset", "100000")], bytes[100_000..].to_vec()).await;
    assert_eq!((res.status().as_u16(), res.headers()["upload-offset"].to_str().unwrap()), (204, "300000"));
    let id = path.trim_start_matches("/files/");
    assert_eq!(app.bytes_of(id).await, bytes, "the tus id is the file id");
    let (_, info) = app.get(&format!("/cms/files/{id}/info")).await;
    let named = (info["name"].as_str(), info["domain"].as_str());
    assert_eq!(named, (Some("影片.bin"), Some("MOVIE")), "names lose their paths: {info}");
    let res = app.tus("HEAD", &path, &[TUS], vec![]).await;
    assert_eq!(
        (res.status().as_u16(), res.headers()["upload-offset"].to_str().unwrap()),
        (200, "300000"),
        "a finished upload reads as complete"
    );
    assert!(app.leftovers().is_empty(), "nothing left over: {:?}", app.leftovers());
}

#[tokio::test]
async fn a_terminated_tus_upload_is_gone() {
    let app = spawn_app().await;
    let doomed = tus_created(&app, 10, None).await;
    assert_eq!(app.tus("DELETE", &doomed, &[TUS], vec![]).await.status(), 204);
    assert_eq!(app.tus("HEAD", &doomed, &[TUS], vec![]).await.status(), 404, "terminated");
    assert!(app.leftovers().is_empty(), "nothing left over: {:?}", app.leftovers());
}

#[tokio::test]
async fn an_empty_tus_upload_is_complete_at_once() {
    let app = spawn_app().await;
    let empty = tus_created(&app, 0, None).await;
    assert_eq!(app.bytes_of(empty.trim_start_matches("/files/")).await, Vec::<u8>::new());
}

#[tokio::test]
async fn tus_needs_a_token() {
    let app = spawn_app().await;
    let path = tus_created(&app, 10, None).await;
    let res = app.http.head(app.url(&path)).header("tus-resumable", "1.0.0").send().await.unwrap();
    assert_eq!(res.status(), 401, "tus needs a token too");
}

/// Blocks (off the runtime) until a request is, or no longer is, writing upload `id`.
async fn writer(app: &TestApp, id: &str, writing: bool) {
    let (cms, id) = (std::sync::Arc::clone(&app.cms), id.to_string());
    tokio::task::spawn_blocking(move || cms.wait_upload_writer(&id, writing)).await.unwrap();
}

#[tokio::test]
async fn tus_keeps_what_arrived_of_a_patch_that_broke_off() {
    let app = spawn_app().await;
    let bytes = noise(2 << 20, 10);
    let path = tus_created(&app, bytes.len(), None).await;
    let id = path.trim_start_matches("/files/").to_string();
    // A PATCH announcing the whole length sends a megabyte, and then its connection closes.
    // By hand on a socket: every byte written before the close reaches the server.
    let addr = app.base.trim_start_matches("http://").to_string();
    let mut socket = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "PATCH {path} HTTP/1.1\r\nhost: {addr}\r\nauthorization: Bearer {}\r\ntus-resumable: 1.0.0\r\n\
         upload-offset: 0\r\ncontent-type: application/offset+octet-stream\r\ncontent-length: {}\r\n\r\n",
        app.token,
        bytes.len()
    );
    socket.write_all(head.as_bytes()).await.unwrap();
    socket.write_all(&bytes[..1 << 20]).await.unwrap();
    writer(&app, &id, true).await;
    drop(socket);
    // Once no request writes the upload, what it keeps of the broken PATCH is settled.
    writer(&app, &id, false).await;
    let offset: u64 = tus_offset(&app, &path).await.parse().unwrap();
    assert!(offset > 0 && offset <= 1 << 20, "what arrived is kept (tus): offset {offset}");
    let headers = [TUS, OCTETS, ("upload-offset", &offset.to_string())];
    let res = app.tus("PATCH", &path, &headers, bytes[offset as usize..].to_vec()).await;
    assert_eq!(res.status(), 204);
    assert_eq!(md5_hex(&app.bytes_of(&id).await), md5_hex(&bytes));
}

#[tokio::test]
async fn tus_js_client_uploads_pauses_resumes_and_terminates() {
    let app = spawn_app().await;
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let script = root.join("tests/tus/upload.mjs");
    assert!(
        root.join("tests/tus/node_modules/tus-js-client").is_dir(),
        "tus-js-client is not installed: run scripts/install-deps.sh (npm --prefix tests/tus install)"
    );
    let bytes = noise(1_300_000, 11);
    let file = app.cms.data_dir().join("tus-source.bin");
    std::fs::write(&file, &bytes).unwrap();
    let (endpoint, token) = (app.url("/files/"), app.token.clone());
    // On the blocking pool: the server under test runs on this test's runtime.
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new("node")
            .arg(&script)
            .env("TUS_ENDPOINT", endpoint)
            .env("TUS_TOKEN", token)
            .env("TUS_FILE", &file)
            .output()
            .expect("node runs (Debian's nodejs)")
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "tus-js-client failed: {stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_str(stdout.trim().lines().last().unwrap()).unwrap();
    let id = report["url"].as_str().unwrap().rsplit('/').next().unwrap().to_string();
    assert!(
        report["resumedFrom"].as_u64().unwrap() >= 512 * 1024,
        "the second run went on from the server's offset: {report}"
    );
    assert_eq!(md5_hex(&app.bytes_of(&id).await), md5_hex(&bytes), "the bytes tus-js-client sent are stored");
    let (_, info) = app.get(&format!("/cms/files/{id}/info")).await;
    assert_eq!((info["name"].as_str(), info["domain"].as_str()), (Some("tus 片段.bin"), Some("MOVIE")), "{info}");
    let gone = report["terminatedUrl"].as_str().unwrap().trim_start_matches(&app.base).to_string();
    assert_eq!(app.tus("HEAD", &gone, &[TUS], vec![]).await.status(), 404, "terminated by the client");
}

// ---------------------------------------------------------------- media processing

#[tokio::test]
async fn a_film_is_probed_and_snapshotted_in_the_background() {
    let app = spawn_app().await;
    let id = app.uploadify("test film.mp4", &crate::helpers::film(3, "320x240")).await;
    let info = app.processed(&id).await;
    let events = info["events"].as_array().unwrap();
    let transcode = events.iter().find(|e| e["EventType"] == "StreamTranscodeComplete").unwrap();
    assert_eq!(
        (transcode["Status"].as_str(), transcode["VideoId"].as_str()),
        (Some("success"), Some(id.as_str())),
        "{transcode}"
    );
    assert_eq!((transcode["Width"].as_u64(), transcode["Height"].as_u64()), (Some(320), Some(240)), "{transcode}");
    assert!((transcode["Duration"].as_f64().unwrap() - 3.0).abs() < 0.2, "{transcode}");
    assert_eq!(info["media"]["videoCodec"], "mpeg4");
    let snap = events.iter().find(|e| e["EventType"] == "SnapshotComplete").unwrap();
    assert_eq!(snap["Status"], "success", "{snap}");
    let frame = app.bytes_of(snap["SnapshotFileID"].as_str().unwrap()).await;
    let img = image::load_from_memory(&frame).expect("the snapshot is a real picture");
    assert_eq!((img.width(), img.height()), (320, 240));
}

#[tokio::test]
async fn without_ffmpeg_a_film_is_stored_and_its_events_say_why_nothing_was_found() {
    let app = spawn_app().await;
    app.cms.set_media_tools(cinedesk_core::files::MediaTools {
        ffprobe: "/nonexistent/ffprobe".into(),
        ffmpeg: "/nonexistent/ffmpeg".into(),
    });
    let bytes = crate::helpers::film(1, "160x120");
    let id = app.uploadify("no tools.mp4", &bytes).await;
    let info = app.processed(&id).await;
    let statuses: Vec<&str> =
        info["events"].as_array().unwrap().iter().map(|e| e["Status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["fail", "fail"], "{info}");
    assert!(info["events"][0]["ErrorMessage"].as_str().unwrap().contains("install FFmpeg"), "{info}");
    assert_eq!(app.bytes_of(&id).await, bytes);
}

// ---------------------------------------------------------------- client names

/// Stores a file under each name a client might send; answers (sent, kept) pairs.
const NAMES: [(&str, &str); 6] = [
    ("../../../etc/passwd", "passwd"),
    ("/etc/shadow", "shadow"),
    ("C:\\Windows\\System32\\CON.txt", "_CON.txt"),
    ("..\\..\\boot.ini", "boot.ini"),
    ("nul", "_nul"),
    ("..", "file"),
];

#[tokio::test]
async fn client_file_names_are_kept_as_a_harmless_last_segment() {
    let app = spawn_app().await;
    for (i, (sent, kept)) in NAMES.iter().enumerate() {
        let id = app.uploadify(sent, format!("content {i}").as_bytes()).await;
        let (_, info) = app.get(&format!("/cms/files/{id}/info")).await;
        assert_eq!(info["name"], *kept, "{sent:?} is kept as {kept:?}");
    }
}

#[tokio::test]
async fn a_nul_in_a_multipart_file_name_is_refused_or_cleaned() {
    let app = spawn_app().await;
    // Written by hand: HTTP libraries refuse to send one.
    let boundary = "cinedeskboundary";
    let mut body =
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"fileData\"; filename=\"a\0b.txt\"\r\n\r\n")
            .into_bytes();
    body.extend_from_slice(format!("nul name\r\n--{boundary}--\r\n").as_bytes());
    let res = app
        .http
        .post(app.url("/onlineDisk/uploadify"))
        .bearer_auth(&app.token)
        .header("content-type", format!("multipart/form-data; boundary={boundary}"))
        .body(body)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let answer: Value = res.json().await.unwrap();
    assert!(status == 200 || status == 400, "a NUL name is refused or cleaned, never a 500: {status} {answer}");
    if status == 200 {
        let (_, info) = app.get(&format!("/cms/files/{}/info", answer["fid"].as_str().unwrap())).await;
        assert!(!info["name"].as_str().unwrap().contains('\0'), "{info}");
    }
}

#[tokio::test]
async fn a_tus_file_name_loses_its_path_and_nul() {
    let app = spawn_app().await;
    let meta = format!("filename {}", b64(b"/abs/../../x\0y"));
    let path = tus_created(&app, 3, Some(&meta)).await;
    let res = app.tus("PATCH", &path, &[TUS, OCTETS, ("upload-offset", "0")], b"abc".to_vec()).await;
    assert_eq!(res.status(), 204);
    let (_, info) = app.get(&format!("/cms/files/{}/info", path.trim_start_matches("/files/"))).await;
    assert_eq!(info["name"], "xy");
}

#[tokio::test]
async fn uploads_write_nothing_beside_the_store_and_blobs_are_named_by_id() {
    let app = spawn_app().await;
    for (i, (sent, _)) in NAMES.iter().enumerate() {
        app.uploadify(sent, format!("content {i}").as_bytes()).await;
    }
    let meta = format!("filename {}", b64(b"/abs/../../x\0y"));
    let path = tus_created(&app, 3, Some(&meta)).await;
    assert_eq!(app.tus("PATCH", &path, &[TUS, OCTETS, ("upload-offset", "0")], b"abc".to_vec()).await.status(), 204);
    for entry in std::fs::read_dir(app.cms.data_dir()).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        assert!(
            name == "files" || name.starts_with(cinedesk_core::DB_FILE),
            "nothing beside the store and the database: {name}"
        );
    }
    for blob in files_below(&app.cms.file_store_dir().join("objects")) {
        let name = blob.file_name().unwrap().to_str().unwrap();
        assert!(cinedesk_core::files::is_id(name), "blobs are named by id only: {}", blob.display());
    }
    assert!(app.leftovers().is_empty(), "{:?}", app.leftovers());
}
