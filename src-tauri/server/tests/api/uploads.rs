//! Issue 4 over real HTTP: downloads, OSS policies and callbacks, user icons, seed-002 chunks, seed-004 resumable uploads (through a kill -9), tus (also with the real tus-js-client), media processing.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use base64::Engine;
use md5::{Digest, Md5};
use reqwest::multipart::{Form, Part};
use serde_json::{json, Value};

use super::{spawn_app, start_server, TestApp};

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn md5_hex(bytes: &[u8]) -> String {
    hex::encode(Md5::digest(bytes))
}

/// Deterministic bytes that do not compress into anything special.
fn content(len: usize, seed: u32) -> Vec<u8> {
    let mut x = seed.wrapping_mul(2_654_435_761) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect()
}

fn all_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries {
            let p = entry.unwrap().path();
            if p.is_dir() {
                out.extend(all_files(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

impl TestApp {
    fn user_id(&self) -> String {
        self.cms.authenticate(&self.token).unwrap().user_id
    }

    /// Blobs in the store: what a refused upload must not add to.
    fn blobs(&self) -> usize {
        all_files(&self.cms.file_store_dir().join("objects")).len()
    }

    fn leftovers(&self) -> Vec<PathBuf> {
        let store = self.cms.file_store_dir();
        let mut v = all_files(&store.join("tmp"));
        v.extend(all_files(&store.join("partial")));
        v
    }

    /// Posts a multipart form with the admin's token (or none); answers status and JSON.
    async fn form(&self, path: &str, form: Form, token: Option<&str>) -> (u16, Value) {
        let mut req = self.http.post(format!("{}{path}", self.base)).multipart(form);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        let text = res.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    async fn download(&self, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
        let mut req = self.http.get(format!("{}{path}", self.base));
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        req.send().await.unwrap()
    }

    async fn bytes_of(&self, file_id: &str) -> Vec<u8> {
        let res = self.download(&format!("/cms/files/{file_id}"), &[]).await;
        assert_eq!(res.status(), 200, "file {file_id} downloads");
        res.bytes().await.unwrap().to_vec()
    }

    /// A file stored through uploadify (seed 004 §4.1).
    async fn uploadify(&self, name: &str, bytes: &[u8]) -> String {
        let form = Form::new().part("fileData", Part::bytes(bytes.to_vec()).file_name(name.to_string()));
        let (status, body) = self.form("/onlineDisk/uploadify", form, Some(&self.token)).await;
        assert_eq!(status, 200, "uploadify: {body}");
        body["fid"].as_str().unwrap().to_string()
    }

    /// Waits (bounded) until background processing of a file is done; answers its info.
    async fn processed(&self, id: &str) -> Value {
        let started = Instant::now();
        loop {
            let (status, info) = self.get(&format!("/cms/files/{id}/info")).await;
            assert_eq!(status, 200, "{info}");
            if info["processing"] == "DONE" {
                return info;
            }
            assert!(started.elapsed() < Duration::from_secs(60), "processing of {id} did not finish: {info}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

// ---------------------------------------------------------------- downloads

#[tokio::test]
async fn downloads_answer_ranges_etags_and_the_original_utf8_name() {
    let app = spawn_app().await;
    let bytes = content(100_000, 1);
    let id = app.uploadify("影片 海报.bin", &bytes).await;

    let res = app.download(&format!("/cms/files/{id}"), &[]).await;
    assert_eq!(res.status(), 200, "downloads need no token (img src, players)");
    let h = res.headers().clone();
    let etag = h["etag"].to_str().unwrap().to_string();
    assert_eq!(etag, format!("\"{}\"", md5_hex(&bytes)), "the MD5 is a strong ETag");
    assert_eq!(h["accept-ranges"], "bytes");
    assert_eq!(h["content-length"], "100000");
    let cd = h["content-disposition"].to_str().unwrap();
    assert!(cd.contains("filename*=UTF-8''%E5%BD%B1%E7%89%87%20%E6%B5%B7%E6%8A%A5.bin"), "the UTF-8 name: {cd}");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(res.bytes().await.unwrap().as_ref(), bytes.as_slice());

    let res = app.download(&format!("/cms/files/{id}"), &[("range", "bytes=10-19")]).await;
    assert_eq!(res.status(), 206);
    assert_eq!(res.headers()["content-range"], "bytes 10-19/100000");
    assert_eq!(res.bytes().await.unwrap().as_ref(), &bytes[10..20]);
    let res = app.download(&format!("/cms/files/{id}"), &[("range", "bytes=-5")]).await;
    assert_eq!((res.status().as_u16(), res.bytes().await.unwrap().to_vec()), (206, bytes[99_995..].to_vec()));
    let res = app.download(&format!("/cms/files/{id}"), &[("range", "bytes=99990-")]).await;
    assert_eq!(res.headers()["content-range"], "bytes 99990-99999/100000");
    let res = app.download(&format!("/cms/files/{id}"), &[("range", "bytes=100000-")]).await;
    assert_eq!(res.status(), 416);
    assert_eq!(res.headers()["content-range"], "bytes */100000");
    let res = app.download(&format!("/cms/files/{id}"), &[("range", "bytes=0-9"), ("if-range", "\"other\"")]).await;
    assert_eq!(res.status(), 200, "If-Range with another ETag: the whole file");

    let res = app.download(&format!("/cms/files/{id}"), &[("if-none-match", &etag)]).await;
    assert_eq!(res.status(), 304, "a cached copy is still good");
    assert!(res.bytes().await.unwrap().is_empty());
    let res = app.download(&format!("/cms/files/{id}"), &[("if-none-match", "\"stale\", W/\"x\"")]).await;
    assert_eq!(res.status(), 200);
    let res = app.http.head(format!("{}/cms/files/{id}", app.base)).send().await.unwrap();
    assert_eq!((res.status().as_u16(), res.headers()["content-length"].to_str().unwrap()), (200, "100000"));

    for bad in
        ["/cms/files/0000000000000000000000zz", "/cms/files/..%2F..%2Fetc%2Fpasswd", "/cms/files/%2Fetc%2Fpasswd"]
    {
        let res = app.download(bad, &[]).await;
        assert_eq!(res.status(), 404, "{bad}");
        assert!(res.json::<Value>().await.unwrap()["info"].is_string(), "a JSON 404 for {bad}");
    }
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

#[tokio::test]
async fn oss_policy_and_the_local_post_object_endpoint_check_what_oss_checks() {
    let app = spawn_app().await;
    let (status, policy) = app.get("/cms/upload/oss_policy?domain=MOVIE").await;
    assert_eq!(status, 200, "{policy}");
    let mut k = super::keys(&policy);
    k.sort();
    assert_eq!(k, ["accessid", "callback", "dir", "expire", "host", "policy", "signature"], "seed §11.1's fields");
    let dir = policy["dir"].as_str().unwrap().to_string();
    assert_eq!(dir, format!("upload/movie/user-{}/", app.user_id()));
    let host = policy["host"].as_str().unwrap().to_string();
    assert_eq!(host, format!("{}/cms/upload/oss_post", app.base), "local storage: host is this server");
    let doc: Value = serde_json::from_slice(
        &base64::engine::general_purpose::STANDARD.decode(policy["policy"].as_str().unwrap()).unwrap(),
    )
    .unwrap();
    assert_eq!(doc["conditions"][1], json!(["starts-with", "$key", dir]));
    let callback: Value = serde_json::from_slice(
        &base64::engine::general_purpose::STANDARD.decode(policy["callback"].as_str().unwrap()).unwrap(),
    )
    .unwrap();
    assert_eq!(callback["callbackUrl"], format!("{}/cms/upload/oss_callback", app.base));
    assert_eq!(app.get("/cms/upload/oss_policy?domain=NOWHERE").await.0, 400);
    assert_eq!(app.send("GET", "/cms/upload/oss_policy?domain=MOVIE", None, None).await.0, 401);

    // A plupload-style PostObject with ${filename}: stored, answered with the callback result.
    let bytes = content(5000, 2);
    let post = |form: Form| {
        let (http, host) = (app.http.clone(), host.clone());
        async move {
            let res = http.post(&host).multipart(form).send().await.unwrap();
            let status = res.status().as_u16();
            (status, res.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    let (status, answer) = post(post_form(&policy, &format!("{dir}${{filename}}"), &bytes, "海报.png")).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!((answer["isSuccess"].as_bool(), answer["Info"].as_str()), (Some(true), Some("成功")), "{answer}");
    let file_id = answer["fileID"].as_str().unwrap().to_string();
    assert_eq!(app.bytes_of(&file_id).await, bytes);
    let (_, info) = app.get(&format!("/cms/files/{file_id}/info")).await;
    assert_eq!((info["name"].as_str(), info["domain"].as_str()), (Some("海报.png"), Some("MOVIE")));
    assert_eq!(info["owner"], format!("user:{}", app.user_id()));

    // Its id is a file id films use.
    let movie = app.movie("oss_film").await;
    assert_eq!(
        app.put(&format!("/cms/movies/{movie}"), json!({ "iconID": file_id, "posterID": file_id })).await.0,
        200
    );
    let (_, m) = app.get(&format!("/cms/movies/{movie}")).await;
    assert_eq!(m["posterURL"], format!("/cms/files/{file_id}"));
    assert_eq!(app.bytes_of(m["iconURL"].as_str().unwrap().trim_start_matches("/cms/files/")).await, bytes);

    // Refusals store nothing.
    let blobs = app.blobs();
    let (id, secret) = local_oss_secret(&app);
    let mut tampered = policy.clone();
    let wide = json!({"expiration": doc["expiration"], "conditions": [["content-length-range", 0, 1u64 << 40], ["starts-with", "$key", ""]]});
    tampered["policy"] = json!(b64(wide.to_string().as_bytes()));
    let (status, body) = post(post_form(&tampered, "anywhere/x.bin", &bytes, "x.bin")).await;
    assert_eq!(status, 403, "a policy changed after signing: {body}");
    let expired = json!({"expiration": "2020-01-01T00:00:00Z", "conditions": [["starts-with", "$key", dir]]});
    let mut old = policy.clone();
    old["policy"] = json!(b64(expired.to_string().as_bytes()));
    old["signature"] = json!(sign_policy(&secret, old["policy"].as_str().unwrap()));
    let (status, body) = post(post_form(&old, &format!("{dir}x.bin"), &bytes, "x.bin")).await;
    assert_eq!(status, 403, "an expired policy: {body}");
    assert!(body["info"].as_str().unwrap().contains("expired"), "{body}");
    let (status, body) = post(post_form(&policy, "upload/movie/someone-else/x.bin", &bytes, "x.bin")).await;
    assert_eq!(status, 403, "a key outside dir: {body}");
    let (status, body) = post(post_form(&policy, &format!("{dir}../../user/x.bin"), &bytes, "x.bin")).await;
    assert_eq!(status, 403, "a key that climbs out of dir: {body}");
    let small = json!({"expiration": doc["expiration"], "conditions": [["content-length-range", 0, 100], ["starts-with", "$key", dir]]});
    let mut tight = policy.clone();
    tight["policy"] = json!(b64(small.to_string().as_bytes()));
    tight["signature"] = json!(sign_policy(&secret, tight["policy"].as_str().unwrap()));
    let (status, body) = post(post_form(&tight, &format!("{dir}big.bin"), &bytes, "big.bin")).await;
    assert_eq!(status, 413, "over content-length-range: {body}");
    let mut stranger = policy.clone();
    stranger["accessid"] = json!(format!("{id}x"));
    assert_eq!(post(post_form(&stranger, &format!("{dir}a.bin"), &bytes, "a.bin")).await.0, 403, "another access key");
    let no_file = Form::new().text("key", format!("{dir}a")).text("policy", "x");
    assert_eq!(post(no_file).await.0, 400, "no file");
    assert_eq!(app.blobs(), blobs, "no refused upload stored anything");
    assert!(app.leftovers().is_empty(), "and left nothing behind: {:?}", app.leftovers());
}

/// Serves `pem` at `/callback_pub_key_v1.pem` on a port of 127.0.0.1, as OSS publishes its key.
async fn key_server(pem: String) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/", listener.local_addr().unwrap());
    let app = axum::Router::new().route("/callback_pub_key_v1.pem", axum::routing::get(move || async move { pem }));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    base
}

#[tokio::test]
async fn oss_callbacks_are_verified_with_the_rsa_key_oss_publishes() {
    use rsa::pkcs8::{EncodePublicKey, LineEnding};
    use rsa::{Pkcs1v15Sign, RsaPrivateKey};
    let app = spawn_app().await;
    let private = RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).unwrap();
    let pem = private.to_public_key().to_public_key_pem(LineEnding::LF).unwrap();
    let key_host = key_server(pem).await;
    let config = json!({
        "mode": "aliyun", "host": "https://cinedesk-test.oss-cn-hangzhou.aliyuncs.com", "accessKeyId": "LTAI-test",
        "accessKeySecret": "oss-secret", "callbackUrl": format!("{}/cms/upload/oss_callback", app.base),
        "pubKeyUrlPrefixes": [key_host.clone()],
    });
    let (status, body) = app.put("/cms/upload/oss_config", config).await;
    assert_eq!(status, 200, "{body}");
    let (_, shown) = app.get("/cms/upload/oss_config").await;
    assert!(shown.get("accessKeySecret").is_none(), "the secret is never answered: {shown}");
    let (_, policy) = app.get("/cms/upload/oss_policy?domain=MOVIE").await;
    assert_eq!(policy["host"], "https://cinedesk-test.oss-cn-hangzhou.aliyuncs.com");
    assert_eq!(policy["accessid"], "LTAI-test");
    assert_eq!(policy["signature"], json!(sign_policy("oss-secret", policy["policy"].as_str().unwrap())));

    let object = format!("{}影片.mp4", policy["dir"].as_str().unwrap());
    let body = format!(
        "object={}&size=123456&mimeType=video%2Fmp4&etag=%22D41D8CD98F00B204E9800998ECF8427E%22",
        form_urlencoded::byte_serialize(object.as_bytes()).collect::<String>()
    );
    let path = "/cms/upload/oss_callback";
    let signed = |text: &str| {
        let digest = Md5::digest(format!("{path}\n{text}").as_bytes());
        b64(&private.sign(Pkcs1v15Sign::new::<md5_rsa_oracle::Md5>(), &digest).unwrap())
    };
    let callback = |body: String, auth: String, key_url: String| {
        let req = app
            .http
            .post(format!("{}{path}", app.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("authorization", auth)
            .header("x-oss-pub-key-url", b64(key_url.as_bytes()))
            .body(body);
        async move {
            let res = req.send().await.unwrap();
            (res.status().as_u16(), res.json::<Value>().await.unwrap())
        }
    };
    let key_url = format!("{key_host}callback_pub_key_v1.pem");
    let (status, answer) = callback(body.clone(), signed(&body), key_url.clone()).await;
    assert_eq!((status, answer["isSuccess"].as_bool()), (200, Some(true)), "{answer}");
    let file_id = answer["fileID"].as_str().unwrap().to_string();
    let (_, info) = app.get(&format!("/cms/files/{file_id}/info")).await;
    assert_eq!(
        (info["state"].as_str(), info["size"].as_u64(), info["md5"].as_str()),
        (Some("REMOTE"), Some(123_456), Some("d41d8cd98f00b204e9800998ecf8427e"))
    );
    let res = app.http.get(format!("{}/cms/files/{file_id}", app.base)).send().await;
    // reqwest follows redirects by default; the OSS host is not reachable here, so ask without.
    drop(res);
    let no_follow = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let res = no_follow.get(format!("{}/cms/files/{file_id}", app.base)).send().await.unwrap();
    assert_eq!(res.status(), 302);
    assert_eq!(
        res.headers()["location"].to_str().unwrap(),
        format!(
            "https://cinedesk-test.oss-cn-hangzhou.aliyuncs.com/upload/movie/user-{}/%E5%BD%B1%E7%89%87.mp4",
            app.user_id()
        )
    );

    let forged = body.replace("size=123456", "size=1");
    let (status, answer) = callback(forged, signed(&body), key_url.clone()).await;
    assert_eq!((status, answer["isSuccess"].as_bool()), (200, Some(false)), "a body changed after signing: {answer}");
    let (_, answer) = callback(body.clone(), signed(&body), "http://evil.example/key.pem".into()).await;
    assert_eq!(answer["isSuccess"], false, "a key from anywhere else is not fetched: {answer}");
    assert!(answer["Info"].as_str().unwrap().contains("not an accepted"), "{answer}");
    let outside = body.replace("upload%2Fmovie", "elsewhere%2Fmovie");
    let (_, answer) = callback(outside.clone(), signed(&outside), key_url).await;
    assert_eq!(answer["isSuccess"], false, "an object outside the upload directories: {answer}");
}

// ---------------------------------------------------------------- user icons (seed §7.2)

fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([x as u8, y as u8, 200]));
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png).unwrap();
    out
}

#[tokio::test]
async fn user_icons_are_uploaded_and_set() {
    let app = spawn_app().await;
    let me = app.user_id();
    let icon = png(64, 64);
    let form = Form::new().text("userID", me.clone()).part("file", Part::bytes(icon.clone()).file_name("me.png"));
    let (status, body) = app.form("/cms/files/users/icon", form, Some(&app.token)).await;
    assert_eq!(status, 200, "{body}");
    let file_id = body["fileID"].as_str().unwrap().to_string();
    let (_, user) = app.get(&format!("/cms/users/{me}")).await;
    assert_eq!(
        (user["iconID"].as_str(), user["iconURL"].clone()),
        (Some(file_id.as_str()), json!(format!("/cms/files/{file_id}")))
    );
    assert_eq!(app.bytes_of(&file_id).await, icon);
    let info = app.processed(&file_id).await;
    assert_eq!(info["events"][0]["SnapshotFileID"], file_id.as_str(), "a small picture is its own thumbnail: {info}");

    let blobs = app.blobs();
    let text = Form::new().part("file", Part::bytes(b"not a picture".to_vec()).file_name("x.png"));
    assert_eq!(app.form("/cms/files/users/icon", text, Some(&app.token)).await.0, 400, "only pictures");
    let ghost =
        Form::new().text("userID", "0000000000000000000nobody").part("file", Part::bytes(png(8, 8)).file_name("g.png"));
    assert_eq!(app.form("/cms/files/users/icon", ghost, Some(&app.token)).await.0, 404);
    app.create(
        "/cms/users",
        "userID",
        json!({"name": "店长", "alias": "mgr", "role": "MANAGER", "password": "manager-pass"}),
    )
    .await;
    let mgr = app.login("mgr", "manager-pass").await;
    // userID after the file: still checked before anything is stored.
    let other = Form::new().part("file", Part::bytes(png(8, 8)).file_name("o.png")).text("userID", me.clone());
    assert_eq!(app.form("/cms/files/users/icon", other, Some(&mgr)).await.0, 403, "a MANAGER sets only their own icon");
    let no_token = Form::new().part("file", Part::bytes(png(8, 8)).file_name("n.png"));
    assert_eq!(app.form("/cms/files/users/icon", no_token, None).await.0, 401);
    assert_eq!(app.blobs(), blobs, "refused icons are not stored");
    let (status, body) = app
        .form(
            "/cms/files/users/icon",
            Form::new().part("file", Part::bytes(png(9, 9)).file_name("mine.png")),
            Some(&mgr),
        )
        .await;
    assert_eq!(status, 200, "an icon without userID: {body}");
}

// ---------------------------------------------------------------- seed 002: chunks

#[tokio::test]
async fn seed_002_chunks_resent_out_of_order_are_assembled() {
    let app = spawn_app().await;
    let (status, answer) = app.get("/oauth2/video/upload/url").await;
    assert_eq!(status, 200);
    assert_eq!(
        (answer["code"].as_i64(), answer["msg"].as_str(), answer["data"]["block"].as_i64()),
        (Some(200), Some("success"), Some(1)),
        "{answer}"
    );
    let url = answer["data"]["url"].as_str().unwrap().to_string();
    assert!(url.starts_with(&format!("{}/oauth2/video/upload?key=", app.base)), "{url}");
    let path = url.trim_start_matches(&app.base).to_string();

    let bytes = content(700_000, 3);
    let chunks: Vec<&[u8]> = bytes.chunks(256 * 1024).collect();
    let chunk = |i: usize| {
        Form::new()
            .text("name", "片子.mp4")
            .text("chunk", i.to_string())
            .text("chunks", chunks.len().to_string())
            .part("file", Part::bytes(chunks[i].to_vec()).file_name("blob"))
    };
    let mut last = Value::Null;
    for (n, i) in [2usize, 0, 0, 1].into_iter().enumerate() {
        let (status, answer) = app.form(&path, chunk(i), Some(&app.token)).await;
        assert_eq!(status, 200, "chunk {i}: {answer}");
        if n < 3 {
            assert_eq!(
                (answer["OK"].as_i64(), answer["data"]["code"].as_i64()),
                (Some(0), Some(101)),
                "in progress: {answer}"
            );
        }
        last = answer;
    }
    assert_eq!(last["OK"], 1, "the last missing chunk completes it: {last}");
    let id = last["data"]["id"].as_str().unwrap().to_string();
    assert_eq!(app.bytes_of(&id).await, bytes);
    let (_, info) = app.get(&format!("/cms/files/{id}/info")).await;
    assert_eq!((info["name"].as_str(), info["domain"].as_str()), (Some("片子.mp4"), Some("MOVIE")));

    let whole = Form::new().part("file", Part::bytes(b"whole".to_vec()).file_name("w.mp4"));
    let (status, answer) = app.form(&path, whole, Some(&app.token)).await;
    assert_eq!((status, answer["OK"].as_i64()), (200, Some(1)), "a file sent without chunking: {answer}");

    let (status, answer) = app.form("/oauth2/video/upload?key=nosuchkey", chunk(0), Some(&app.token)).await;
    assert_eq!((status, answer["OK"].as_i64(), answer["data"]["code"].as_i64()), (404, Some(0), Some(404)), "{answer}");
    let (status, answer) = app.form(&path, chunk(0), None).await;
    assert_eq!((status, answer["OK"].as_i64()), (401, Some(0)), "{answer}");
    let bad = Form::new().text("chunk", "7").text("chunks", "3").part("file", Part::bytes(vec![1]).file_name("b"));
    let (status, answer) = app.form(&path, bad, Some(&app.token)).await;
    assert_eq!(status, 400, "{answer}");
}

// ---------------------------------------------------------------- seed 004: resource disk

impl TestApp {
    async fn disk_form(&self, path: &str, fields: &[(&str, String)], token: Option<&str>) -> (u16, Value) {
        let body: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields.iter().map(|(k, v)| (*k, v.as_str())))
            .finish();
        let mut req = self.http.post(format!("{}{path}", self.base)).header("content-type", "text/plain").body(body);
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

#[tokio::test]
async fn seed_004_resumable_uploads_are_positioned_checked_and_instant_when_known() {
    let app = spawn_app().await;
    let bytes = content(600_000, 4);
    let (status, created) = app.create_fid(&bytes, "u-1", "D:/files/20150402/基础数据-整合(新).xlsx").await;
    assert_eq!((status, created["result"].as_str()), (200, Some("000000")), "{created}");
    let data = &created["data"];
    let fid = data["fid"].as_str().unwrap().to_string();
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
    let (status, r) = app.file_resume(&fid, "u-1", &bytes, 0, &bytes[..200_000]).await;
    assert_eq!((status, r["data"]["filePos"].as_u64()), (200, Some(200_000)), "{r}");
    let (status, r) = app.file_resume(&fid, "u-1", &bytes, 100_000, &bytes[100_000..300_000]).await;
    assert_eq!(
        (status, r["result"].as_str(), r["data"]["filePos"].as_u64()),
        (409, Some("100000"), Some(200_000)),
        "the wrong filePos is refused with the right one: {r}"
    );
    let (status, r) = app.file_resume(&fid, "someone-else", &bytes, 200_000, &bytes[200_000..300_000]).await;
    assert_eq!((status, r["code"].as_str()), (400, Some("invalid")), "{r}");
    let (_, again) = app.create_fid(&bytes, "u-1", "D:/files/20150402/基础数据-整合(新).xlsx").await;
    assert_eq!(
        (again["data"]["fid"].as_str(), again["data"]["filePos"].as_u64()),
        (Some(fid.as_str()), Some(200_000)),
        "same user, MD5, length: same fid: {again}"
    );
    let (_, listed) =
        app.disk_form("/onlineDisk/uncompletedFiles", &[("userId", "u-1".into())], Some(&app.token)).await;
    assert_eq!(listed["data"]["uncompletedFiles"].as_array().map(Vec::len), Some(1), "{listed}");
    let (status, r) = app.file_resume(&fid, "u-1", &bytes, 200_000, &bytes[200_000..]).await;
    assert_eq!(
        (status, r["data"]["postComplete"].as_str(), r["data"]["filePos"].as_u64()),
        (200, Some("true"), Some(600_000)),
        "{r}"
    );
    assert_eq!(md5_hex(&app.bytes_of(&fid).await), md5_hex(&bytes), "the fid is the file's id");
    let (_, listed) =
        app.disk_form("/onlineDisk/uncompletedFiles", &[("userId", "u-1".into())], Some(&app.token)).await;
    assert_eq!(listed["data"]["uncompletedFiles"], json!([]));

    // The same content again: no byte to send.
    let (_, instant) = app.create_fid(&bytes, "u-2", "E:/copy.xlsx").await;
    assert_eq!(
        (instant["data"]["postComplete"].as_str(), instant["data"]["filePos"].as_u64()),
        (Some("true"), Some(600_000)),
        "{instant}"
    );
    assert_eq!(app.bytes_of(instant["data"]["fid"].as_str().unwrap()).await.len(), 600_000);

    // Content that is not what its MD5 said never becomes a file.
    let other = content(1000, 5);
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
        .part("part", Part::bytes(other).file_name("p"));
    let (status, r) = app.form("/onlineDisk/fileResume", form, Some(&app.token)).await;
    assert_eq!(
        (status, r["code"].as_str(), r["result"].as_str()),
        (400, Some("checksum_mismatch"), Some("100000")),
        "{r}"
    );
    assert_eq!(
        app.download(&format!("/cms/files/{bad_fid}"), &[]).await.status(),
        404,
        "a wrong MD5 is never a usable file"
    );
    let (status, _) = app.get(&format!("/cms/files/{bad_fid}/info")).await;
    assert_eq!(status, 404);

    let small = app.uploadify("../../../etc/passwd", b"root:x:0:0").await;
    let (_, info) = app.get(&format!("/cms/files/{small}/info")).await;
    assert_eq!(info["name"], "passwd", "only the last segment, as metadata");
    let (status, r) = app
        .form(
            "/onlineDisk/uploadify",
            Form::new().part("fileData", Part::bytes(vec![0u8; 50 * 1024 * 1024 + 1]).file_name("big")),
            Some(&app.token),
        )
        .await;
    assert_eq!((status, r["result"].as_str()), (413, Some("100000")), "uploadify takes up to 50 MB: {r}");
    let (status, r) = app.disk_form("/onlineDisk/createFid", &[("userId", "u".into())], Some(&app.token)).await;
    assert_eq!((status, r["code"].as_str()), (400, Some("invalid")), "{r}");
    let (status, _) = app.disk_form("/onlineDisk/createFid", &lie, None).await;
    assert_eq!(status, 401, "uploads need a token or a signature");
    assert!(app.leftovers().is_empty(), "nothing left over: {:?}", app.leftovers());
}

#[tokio::test]
async fn signed_machine_clients_upload_as_their_cinema() {
    let app = spawn_app().await;
    let cinema = app.cinema("sign_up").await;
    let (apikey, secret) = app.api_key(&cinema).await;
    let bytes = content(3000, 6);
    let body: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("fileMd5", md5_hex(&bytes)),
            ("userId", "coms".into()),
            ("fileLength", "3000".into()),
            ("filePathLocal", "C:/a.bin".into()),
        ])
        .finish();
    let send = |signed: &str, key: (&str, &str)| {
        let params: String = form_urlencoded::byte_serialize(signed.as_bytes()).collect();
        let date = super::unique_user_date();
        let signature = cinedesk_core::sign(key.1, &params, &date);
        app.http
            .post(format!("{}/onlineDisk/createFid", app.base))
            .header("user-date", date)
            .header("user-params", params)
            .header("authorization", format!("dc:{}:{signature}", key.0))
            .body(body.clone())
            .send()
    };
    let res = send(&body, (&apikey, &secret)).await.unwrap();
    assert_eq!(res.status(), 200, "a request signed over its form body");
    let fid = res.json::<Value>().await.unwrap()["data"]["fid"].as_str().unwrap().to_string();
    assert_eq!(send("fileLength=1", (&apikey, &secret)).await.unwrap().status(), 401, "signed for other parameters");
    assert_eq!(send(&body, (&apikey, "wrong")).await.unwrap().status(), 401, "a wrong secret");
    let upload = app.cms.upload(&fid, &format!("cinema:{cinema}"), cinedesk_core::files::Protocol::Resumable).unwrap();
    assert_eq!(upload.client_user, "coms", "the upload is the cinema's");
}

// ---------------------------------------------------------------- kill -9 mid-upload

/// Logs in to a real server.
async fn token_of(base: &str, password: &str) -> String {
    let res: Value = reqwest::Client::new()
        .post(format!("{base}/cms/login"))
        .body(json!({"alias": "admin", "password": password}).to_string())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    res["token"].as_str().unwrap().to_string()
}

/// createFid for user u9 of a real server (a second call answers the same fid and where it stands).
async fn create_fid(http: &reqwest::Client, base: &str, token: &str, bytes: &[u8]) -> Value {
    http.post(format!("{base}/onlineDisk/createFid"))
        .bearer_auth(token)
        .body(format!("fileMd5={}&userId=u9&fileLength={}&filePathLocal=film.mp4", md5_hex(bytes), bytes.len()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[test]
fn a_resumable_upload_survives_kill_9_of_the_server_mid_part() {
    let dir = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let part = 4 << 20;
    let bytes = content(3 * part, 7);
    let (mut server, base) = start_server(dir.path(), "kill-pass");
    let http = reqwest::Client::new();
    let (token, fid) = rt.block_on(async {
        let token = token_of(&base, "kill-pass").await;
        let created = create_fid(&http, &base, &token, &bytes).await;
        let fid = created["data"]["fid"].as_str().unwrap().to_string();
        let (status, r) = resume_at(&http, &base, &token, &fid, "u9", &bytes, 0, &bytes[..part]).await;
        assert_eq!((status, r["data"]["filePos"].as_u64()), (200, Some(part as u64)), "{r}");
        (token, fid)
    });
    // The second part: half of it goes out, then the stream stalls, and the server is killed
    // while it is in the middle of writing that part.
    let partial = dir.path().join("files/partial").join(&fid);
    rt.block_on(async {
        let (tx, rx) = tokio::sync::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(4);
        let half = bytes[part..part + part / 2].to_vec();
        let body = reqwest::Body::wrap_stream(tokio_stream_from(rx));
        let form = Form::new()
            .text("fid", fid.clone())
            .text("userId", "u9")
            .text("fileLength", bytes.len().to_string())
            .text("fileMd5", md5_hex(&bytes))
            .text("fileNameLocal", "film.mp4")
            .text("filePos", part.to_string())
            .part("part", Part::stream_with_length(body, part as u64).file_name("part"));
        let req = http.post(format!("{base}/onlineDisk/fileResume")).bearer_auth(&token).multipart(form).send();
        let pending = tokio::spawn(req);
        tx.send(Ok(half)).await.unwrap();
        let started = Instant::now();
        while std::fs::metadata(&partial).map(|m| m.len()).unwrap_or(0) <= part as u64 {
            assert!(started.elapsed() < Duration::from_secs(30), "the server never wrote the second part's bytes");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        server.kill().unwrap(); // SIGKILL: no shutdown, no flush
        server.wait().unwrap();
        let _ = pending.await;
        drop(tx);
    });
    assert!(
        std::fs::metadata(&partial).unwrap().len() > part as u64,
        "unacknowledged bytes reached the disk before the kill"
    );

    let (mut server, base) = start_server(dir.path(), "kill-pass");
    let got = rt.block_on(async {
        let token = token_of(&base, "kill-pass").await;
        let again = create_fid(&http, &base, &token, &bytes).await;
        assert_eq!(
            (again["data"]["fid"].as_str(), again["data"]["filePos"].as_u64()),
            (Some(fid.as_str()), Some(part as u64)),
            "after kill -9: the same fid at the acknowledged filePos: {again}"
        );
        let (status, r) = resume_at(&http, &base, &token, &fid, "u9", &bytes, part, &bytes[part..2 * part]).await;
        assert_eq!(status, 200, "{r}");
        let (status, r) = resume_at(&http, &base, &token, &fid, "u9", &bytes, 2 * part, &bytes[2 * part..]).await;
        assert_eq!((status, r["data"]["postComplete"].as_str()), (200, Some("true")), "{r}");
        http.get(format!("{base}/cms/files/{fid}")).send().await.unwrap().bytes().await.unwrap().to_vec()
    });
    super::sigterm(&mut server);
    assert_eq!(md5_hex(&got), md5_hex(&bytes), "the file's MD5 is the original's");
}

/// A stream of the chunks a channel receives.
fn tokio_stream_from(
    mut rx: tokio::sync::mpsc::Receiver<Result<Vec<u8>, std::io::Error>>,
) -> impl futures_util::Stream<Item = Result<Vec<u8>, std::io::Error>> {
    futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx))
}

// ---------------------------------------------------------------- tus

impl TestApp {
    async fn tus(&self, method: &str, path: &str, headers: &[(&str, &str)], body: Vec<u8>) -> reqwest::Response {
        let mut req =
            self.http.request(method.parse().unwrap(), format!("{}{path}", self.base)).bearer_auth(&self.token);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        req.body(body).send().await.unwrap()
    }
}

#[tokio::test]
async fn tus_core_creation_checksum_expiration_and_termination() {
    let app = spawn_app().await;
    let res = app.http.request(reqwest::Method::OPTIONS, format!("{}/files/", app.base)).send().await.unwrap();
    assert_eq!(res.status(), 204);
    let h = res.headers();
    assert_eq!((h["tus-version"].to_str().unwrap(), h["tus-resumable"].to_str().unwrap()), ("1.0.0", "1.0.0"));
    assert_eq!(h["tus-extension"], "creation,termination,checksum,expiration");
    assert_eq!(h["tus-checksum-algorithm"], "md5,sha1");

    let bytes = content(300_000, 8);
    let tus = [("tus-resumable", "1.0.0")];
    let res = app.tus("POST", "/files/", &[("upload-length", "300000")], vec![]).await;
    assert_eq!(res.status(), 412, "Tus-Resumable is required");
    assert_eq!(res.headers()["tus-version"], "1.0.0");
    let meta = format!(
        "filename {},filetype {},domain {}",
        b64("../../evil/影片.bin".as_bytes()),
        b64(b"application/octet-stream"),
        b64(b"MOVIE")
    );
    let res =
        app.tus("POST", "/files/", &[tus[0], ("upload-length", "300000"), ("upload-metadata", &meta)], vec![]).await;
    assert_eq!(res.status(), 201);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    assert!(
        httpdate::parse_http_date(res.headers()["upload-expires"].to_str().unwrap()).is_ok(),
        "Upload-Expires is an HTTP date"
    );
    let path = location.trim_start_matches(&app.base).to_string();
    let id = path.trim_start_matches("/files/").to_string();

    let res = app.tus("HEAD", &path, &tus, vec![]).await;
    assert_eq!((res.status().as_u16(), res.headers()["upload-offset"].to_str().unwrap()), (200, "0"));
    assert_eq!(
        (res.headers()["upload-length"].to_str().unwrap(), res.headers()["cache-control"].to_str().unwrap()),
        ("300000", "no-store")
    );
    assert_eq!(res.headers()["upload-metadata"].to_str().unwrap(), meta);

    let octets = ("content-type", "application/offset+octet-stream");
    let res = app
        .tus("PATCH", &path, &[tus[0], ("upload-offset", "0"), ("content-type", "text/plain")], bytes[..10].to_vec())
        .await;
    assert_eq!(res.status(), 415);
    let md5_b64 = b64(&Md5::digest(&bytes[..100_000]));
    let res = app
        .tus(
            "PATCH",
            &path,
            &[tus[0], octets, ("upload-offset", "0"), ("upload-checksum", &format!("md5 {md5_b64}"))],
            bytes[..100_000].to_vec(),
        )
        .await;
    assert_eq!((res.status().as_u16(), res.headers()["upload-offset"].to_str().unwrap()), (204, "100000"));
    assert_eq!(res.headers()["tus-resumable"], "1.0.0");
    let res =
        app.tus("PATCH", &path, &[tus[0], octets, ("upload-offset", "50000")], bytes[50_000..60_000].to_vec()).await;
    assert_eq!(res.status(), 409, "the offset must be the current one");
    let wrong = format!("sha1 {}", b64(&[0u8; 20]));
    let res = app
        .tus(
            "PATCH",
            &path,
            &[tus[0], octets, ("upload-offset", "100000"), ("upload-checksum", &wrong)],
            bytes[100_000..200_000].to_vec(),
        )
        .await;
    assert_eq!(res.status(), 460, "checksum mismatch");
    let res = app.tus("HEAD", &path, &tus, vec![]).await;
    assert_eq!(res.headers()["upload-offset"], "100000", "the mismatched bytes were not kept");
    let res = app
        .tus("PATCH", &path, &[tus[0], octets, ("upload-offset", "100000"), ("upload-checksum", "crc32 AAAA")], vec![1])
        .await;
    assert_eq!(res.status(), 400, "an unsupported checksum algorithm");
    let res = app.tus("PATCH", &path, &[tus[0], octets, ("upload-offset", "100000")], content(200_001, 9)).await;
    assert_eq!(res.status(), 413, "past Upload-Length");
    let res = app.tus("PATCH", &path, &[tus[0], octets, ("upload-offset", "100000")], bytes[100_000..].to_vec()).await;
    assert_eq!((res.status().as_u16(), res.headers()["upload-offset"].to_str().unwrap()), (204, "300000"));
    assert_eq!(app.bytes_of(&id).await, bytes, "the tus id is the file id");
    let (_, info) = app.get(&format!("/cms/files/{id}/info")).await;
    assert_eq!(
        (info["name"].as_str(), info["domain"].as_str()),
        (Some("影片.bin"), Some("MOVIE")),
        "names lose their paths: {info}"
    );
    let res = app.tus("HEAD", &path, &tus, vec![]).await;
    assert_eq!(
        (res.status().as_u16(), res.headers()["upload-offset"].to_str().unwrap()),
        (200, "300000"),
        "a finished upload reads as complete"
    );

    let res = app.tus("POST", "/files/", &[tus[0], ("upload-length", "10")], vec![]).await;
    let doomed = res.headers()["location"].to_str().unwrap().trim_start_matches(&app.base).to_string();
    assert_eq!(app.tus("DELETE", &doomed, &tus, vec![]).await.status(), 204);
    let res = app.tus("HEAD", &doomed, &tus, vec![]).await;
    assert_eq!(res.status(), 404, "terminated");
    let res = app.tus("POST", "/files/", &[tus[0], ("upload-length", "0")], vec![]).await;
    assert_eq!(res.status(), 201, "an empty upload is complete at once");
    let empty = res.headers()["location"].to_str().unwrap().rsplit('/').next().unwrap().to_string();
    assert_eq!(app.bytes_of(&empty).await, Vec::<u8>::new());
    let res = app.http.head(format!("{}{path}", app.base)).header("tus-resumable", "1.0.0").send().await.unwrap();
    assert_eq!(res.status(), 401, "tus needs a token too");
    assert!(app.leftovers().is_empty(), "nothing left over: {:?}", app.leftovers());
}

#[tokio::test]
async fn tus_keeps_what_arrived_of_a_patch_that_broke_off() {
    let app = spawn_app().await;
    let bytes = content(2 << 20, 10);
    let res = app
        .tus("POST", "/files/", &[("tus-resumable", "1.0.0"), ("upload-length", &bytes.len().to_string())], vec![])
        .await;
    let path = res.headers()["location"].to_str().unwrap().trim_start_matches(&app.base).to_string();
    // A PATCH announcing the whole length sends a megabyte and then its connection dies.
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(4);
    let req = app
        .http
        .patch(format!("{}{path}", app.base))
        .bearer_auth(&app.token)
        .header("tus-resumable", "1.0.0")
        .header("upload-offset", "0")
        .header("content-type", "application/offset+octet-stream")
        .header("content-length", bytes.len().to_string())
        .body(reqwest::Body::wrap_stream(tokio_stream_from(rx)))
        .send();
    let pending = tokio::spawn(req);
    tx.send(Ok(bytes[..1 << 20].to_vec())).await.unwrap();
    tx.send(Err(std::io::Error::other("the network went away"))).await.unwrap();
    let _ = pending.await;
    let started = Instant::now();
    let offset = loop {
        let res = app.tus("HEAD", &path, &[("tus-resumable", "1.0.0")], vec![]).await;
        let offset: u64 = res.headers()["upload-offset"].to_str().unwrap().parse().unwrap();
        if offset > 0 || started.elapsed() > Duration::from_secs(10) {
            break offset;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(offset > 0 && offset <= 1 << 20, "what arrived is kept (tus): offset {offset}");
    let res = app
        .tus(
            "PATCH",
            &path,
            &[
                ("tus-resumable", "1.0.0"),
                ("content-type", "application/offset+octet-stream"),
                ("upload-offset", &offset.to_string()),
            ],
            bytes[offset as usize..].to_vec(),
        )
        .await;
    assert_eq!(res.status(), 204);
    let id = path.trim_start_matches("/files/");
    assert_eq!(md5_hex(&app.bytes_of(id).await), md5_hex(&bytes));
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
    let bytes = content(1_300_000, 11);
    let file = app.cms.data_dir().join("tus-source.bin");
    std::fs::write(&file, &bytes).unwrap();
    let (endpoint, token) = (format!("{}/files/", app.base), app.token.clone());
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
    assert_eq!(
        app.tus("HEAD", &gone, &[("tus-resumable", "1.0.0")], vec![]).await.status(),
        404,
        "terminated by the client"
    );
}

// ---------------------------------------------------------------- media processing

#[tokio::test]
async fn films_are_probed_and_snapshotted_in_the_background() {
    let app = spawn_app().await;
    let film = app.cms.data_dir().join("test-film.mp4");
    let made = std::process::Command::new("ffmpeg")
        .args(["-v", "error", "-f", "lavfi", "-i", "testsrc=duration=3:size=320x240:rate=25", "-c:v", "mpeg4", "-y"])
        .arg(&film)
        .status()
        .expect("ffmpeg is installed (scripts/install-deps.sh installs it)");
    assert!(made.success(), "ffmpeg made a test film");
    let bytes = std::fs::read(&film).unwrap();
    let id = app.uploadify("test film.mp4", &bytes).await;
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

    // Without FFmpeg the film is still stored and served; its events say why nothing was found.
    app.cms.set_media_tools(cinedesk_core::files::MediaTools {
        ffprobe: "/nonexistent/ffprobe".into(),
        ffmpeg: "/nonexistent/ffmpeg".into(),
    });
    let mut other = bytes.clone();
    other.extend_from_slice(b"different content");
    let id = app.uploadify("no tools.mp4", &other).await;
    let info = app.processed(&id).await;
    let statuses: Vec<&str> =
        info["events"].as_array().unwrap().iter().map(|e| e["Status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["fail", "fail"], "{info}");
    assert!(info["events"][0]["ErrorMessage"].as_str().unwrap().contains("install FFmpeg"), "{info}");
    assert_eq!(app.bytes_of(&id).await, other);
}

// ---------------------------------------------------------------- client names

#[tokio::test]
async fn client_names_and_keys_never_become_paths() {
    let app = spawn_app().await;
    let names = [
        ("../../../etc/passwd", "passwd"),
        ("/etc/shadow", "shadow"),
        ("C:\\Windows\\System32\\CON.txt", "_CON.txt"),
        ("..\\..\\boot.ini", "boot.ini"),
        ("nul", "_nul"),
        ("..", "file"),
    ];
    for (i, (sent, kept)) in names.iter().enumerate() {
        let id = app.uploadify(sent, format!("content {i}").as_bytes()).await;
        let (_, info) = app.get(&format!("/cms/files/{id}/info")).await;
        assert_eq!(info["name"], *kept, "{sent:?} is kept as {kept:?}");
    }
    // A NUL in a multipart file name, written by hand (HTTP libraries refuse to send one).
    let boundary = "cinedeskboundary";
    let mut body =
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"fileData\"; filename=\"a\0b.txt\"\r\n\r\n")
            .into_bytes();
    body.extend_from_slice(format!("nul name\r\n--{boundary}--\r\n").as_bytes());
    let res = app
        .http
        .post(format!("{}/onlineDisk/uploadify", app.base))
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
    let meta = format!("filename {}", b64(b"/abs/../../x\0y"));
    let res = app
        .tus(
            "POST",
            "/files/",
            &[("tus-resumable", "1.0.0"), ("upload-length", "3"), ("upload-metadata", &meta)],
            vec![],
        )
        .await;
    let path = res.headers()["location"].to_str().unwrap().trim_start_matches(&app.base).to_string();
    let res = app
        .tus(
            "PATCH",
            &path,
            &[("tus-resumable", "1.0.0"), ("content-type", "application/offset+octet-stream"), ("upload-offset", "0")],
            b"abc".to_vec(),
        )
        .await;
    assert_eq!(res.status(), 204);
    let (_, info) = app.get(&format!("/cms/files/{}/info", path.trim_start_matches("/files/"))).await;
    assert_eq!(info["name"], "xy");

    // Everything the uploads wrote is inside the store, named by id.
    let data = app.cms.data_dir();
    for entry in std::fs::read_dir(data).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        assert!(
            name == "files" || name.starts_with(cinedesk_core::DB_FILE),
            "nothing beside the store and the database: {name}"
        );
    }
    for blob in all_files(&app.cms.file_store_dir().join("objects")) {
        let name = blob.file_name().unwrap().to_str().unwrap();
        assert!(cinedesk_core::files::is_id(name), "blobs are named by id only: {}", blob.display());
    }
    assert!(app.leftovers().is_empty(), "{:?}", app.leftovers());
}
