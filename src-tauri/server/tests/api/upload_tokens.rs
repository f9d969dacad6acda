//! Seed 003 over real HTTP: upload tokens of the local, Aliyun, Qiniu and S3 modules, their
//! signatures checked independently and against each provider's published example.

use base64::Engine;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha1::Sha1;
use sha2::Sha256;

use crate::helpers::{spawn_app, TestApp, Who};

const TOKEN: &str = "/api/v1/upload/method/get.upload.token/";

impl TestApp {
    /// A token asked by GET as `who`, answered as it came.
    async fn upload_token(&self, who: &Who<'_>, query: &str) -> (u16, Value) {
        let req = self.http.get(format!("{}{TOKEN}?{query}", self.base));
        let res = who.on(req, query).send().await.unwrap();
        (res.status().as_u16(), res.json().await.unwrap())
    }

    /// A token of `module` the admin asks for by GET with `query`, checked by [`token_of`].
    async fn token(&self, query: &str, module: &str) -> (Value, i64) {
        let before = now_s();
        let answer = self.upload_token(&Who::Token(&self.token), query).await;
        token_of(answer, module, before)
    }
}

fn now_s() -> i64 {
    cinedesk_testkit::seed004::now_ms() / 1000
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn hmac_sha1(key: &str, data: &str) -> Vec<u8> {
    let mut mac = Hmac::<Sha1>::new_from_slice(key.as_bytes()).unwrap();
    mac.update(data.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

fn hmac_sha256(key: &[u8], data: &str) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
    mac.update(data.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// The token object of a success asked at `asked` (epoch seconds), after checking the seed's
/// envelope, its `upload_url` shape and its half hour of life.
#[track_caller]
fn token_of(answer: (u16, Value), module: &str, asked: i64) -> (Value, i64) {
    let (status, body) = answer;
    assert_eq!(
        (status, body["status"].as_i64(), body["message"].as_str()),
        (200, Some(200), Some("success")),
        "{body}"
    );
    let token = body["data"]["token"].clone();
    let url = &token["upload_url"];
    assert_eq!(url["module"], module, "upload_url names its module: {token}");
    assert!(url["upload_url"].as_str().is_some_and(|u| u.starts_with("http")), "an upload address: {token}");
    let params = url["param"].as_array().unwrap();
    assert!(
        params.iter().all(|p| p["name"].is_string() && p["type"].is_string() && p.get("default").is_some()),
        "each param is {{name, type, default}}: {params:?}"
    );
    assert_eq!(params.last().unwrap()["type"], "file", "the file goes last, as forms must send it");
    let expires = body["data"]["expires"].as_i64().unwrap();
    let answered = now_s();
    assert!((asked + 1700..=answered + 1900).contains(&expires), "a token lasts half an hour: {expires} vs {asked}");
    (token, expires)
}

/// The value a form must send for `name` (seed 003's `param` default), as text.
fn field(token: &Value, name: &str) -> String {
    let p = token["upload_url"]["param"].as_array().unwrap().iter().find(|p| p["name"] == name);
    match &p.unwrap_or_else(|| panic!("param {name} in {token}"))["default"] {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn policy_json(b64_policy: &str) -> Value {
    serde_json::from_slice(&base64::engine::general_purpose::STANDARD.decode(b64_policy).unwrap()).unwrap()
}

// ---------------------------------------------------------------- the local module

#[tokio::test]
async fn the_local_module_is_the_default_and_posts_to_this_server_in_the_callers_dir() {
    let app = spawn_app().await;
    let (token, _) = app.token("", "local").await;
    let (post, _) = app.token("module=local&type=web", "local").await;
    assert_eq!(post["upload_url"]["upload_url"], token["upload_url"]["upload_url"], "module=local is the default");
    let url = token["upload_url"]["upload_url"].as_str().unwrap();
    assert!(url.starts_with(&app.base) && url.ends_with("/cms/upload/oss_post"), "this server's PostObject: {url}");
    let dir = token["dir"].as_str().unwrap();
    assert!(dir.contains(&app.admin_id()), "the directory is the caller's: {dir}");
}

#[tokio::test]
async fn the_store_accepts_exactly_the_local_modules_fields() {
    let app = spawn_app().await;
    let (token, _) = app.token("", "local").await;
    let dir = token["dir"].as_str().unwrap();
    let fields: Vec<(String, String)> = ["OSSAccessKeyId", "policy", "Signature", "callback", "success_action_status"]
        .iter()
        .map(|n| (n.to_string(), token[n].as_str().map(str::to_string).unwrap_or_else(|| field(&token, n))))
        .chain([("key".to_string(), format!("{dir}海报.png"))])
        .collect();
    let grant = app.cms.check_post_policy(&fields, "海报.png").expect("the store accepts its own policy");
    assert_eq!(grant.file.owner(), format!("user:{}", app.admin_id()), "and files the upload as the caller's");
    let mut forged = fields.clone();
    forged[2].1 = b64(b"not the signature");
    assert!(app.cms.check_post_policy(&forged, "x.png").is_err(), "a forged signature is refused by the store");
}

#[tokio::test]
async fn an_upload_token_may_be_asked_by_post() {
    let app = spawn_app().await;
    let req = app.http.post(format!("{}{TOKEN}", app.base)).bearer_auth(&app.token).body(r#"{"module":"local"}"#);
    let before = now_s();
    let res = req.send().await.unwrap();
    let (via_post, _) = token_of((res.status().as_u16(), res.json().await.unwrap()), "local", before);
    assert!(via_post["dir"].is_string());
}

#[tokio::test]
async fn a_cinemas_signed_client_uploads_into_its_own_dir() {
    let app = spawn_app().await;
    let cinema = app.cinema("token_x").await;
    let key = app.api_key(&cinema).await;
    let before = now_s();
    let (theirs, _) = token_of(app.upload_token(&Who::Signed(&key), "module=local").await, "local", before);
    assert!(theirs["dir"].as_str().unwrap().contains(&cinema), "a cinema uploads into its own directory: {theirs}");
}

#[tokio::test]
async fn an_upload_token_needs_a_caller_a_known_module_and_type() {
    let app = spawn_app().await;
    let admin = Who::Token(&app.token);
    let (status, body) = app.upload_token(&Who::Nobody, "").await;
    assert_eq!((status, body["status"].as_i64()), (401, Some(401)), "a token needs a caller: {body}");
    let (status, body) = app.upload_token(&admin, "module=ftp").await;
    assert_eq!((status, body["field"].as_str(), body["status"].as_i64()), (400, Some("module"), Some(400)), "{body}");
    let (status, body) = app.upload_token(&admin, "type=desktop").await;
    assert_eq!((status, body["field"].as_str()), (400, Some("type")), "{body}");
}

// ---------------------------------------------------------------- the cloud modules

/// Credentials of all three cloud modules.
fn cloud_config() -> Value {
    json!({"fields": {
        "aliyun.host": "https://cinedesk.oss-cn-hangzhou.aliyuncs.com", "aliyun.access_key_id": "LTAItest",
        "aliyun.access_key_secret": "aliyun-secret-1", "aliyun.callback_url": "https://cms.example.com/cms/upload/oss_callback",
        "qiniu.access_key": "qiniu-ak", "qiniu.secret_key": "qiniu-sk-2", "qiniu.bucket": "films",
        "s3.access_key_id": "AKIATEST", "s3.secret_access_key": "s3-secret-3", "s3.bucket": "cinedesk-films",
        "s3.region": "ap-east-1"}})
}

/// A server with all three cloud modules configured.
async fn configured() -> TestApp {
    let app = spawn_app().await;
    assert_eq!(app.put("/cms/upload_tokens/config", cloud_config()).await.0, 200);
    app
}

#[tokio::test]
async fn an_unconfigured_cloud_module_says_what_to_set() {
    let app = spawn_app().await;
    for module in ["aliyun", "qiniu", "s3"] {
        let (status, body) = app.upload_token(&Who::Token(&app.token), &format!("module={module}")).await;
        assert_eq!((status, body["field"].as_str()), (400, Some("module")), "unconfigured {module}: {body}");
        let info = body["message"].as_str().unwrap();
        assert!(
            info.contains("not configured")
                && info.contains(&format!("upload_tokens.{module}."))
                && info.contains("CINEDESK_"),
            "the error says what to set, in settings or the environment: {info}"
        );
    }
}

#[tokio::test]
async fn only_a_sys_admin_configures_credentials() {
    let app = spawn_app().await;
    let (manager, m) = app.manager("tok_m").await;
    assert!(!manager.is_empty());
    let (status, _) = app.send("PUT", "/cms/upload_tokens/config", Some(&m), Some(cloud_config())).await;
    assert_eq!(status, 403, "only a SYS_ADMIN configures credentials");
}

#[tokio::test]
async fn configured_secrets_are_never_answered() {
    let app = configured().await;
    let (status, shown) = app.get("/cms/upload_tokens/config").await;
    assert_eq!(status, 200);
    let text = shown.to_string();
    for secret in ["aliyun-secret-1", "qiniu-sk-2", "s3-secret-3"] {
        assert!(!text.contains(secret), "a secret is never answered: {text}");
    }
    assert!(
        shown["modules"].as_array().unwrap().iter().all(|m| m["configured"] == true),
        "all three configured: {shown}"
    );
}

#[tokio::test]
async fn an_unknown_or_malformed_setting_is_refused() {
    let app = spawn_app().await;
    let (status, body) = app.put("/cms/upload_tokens/config", json!({"fields": {"s3.colour": "blue"}})).await;
    assert_eq!((status, body["field"].as_str()), (400, Some("fields.s3.colour")), "{body}");
    let (status, body) = app.put("/cms/upload_tokens/config", json!({"fields": {"aliyun.host": "bucket"}})).await;
    assert_eq!((status, body["field"].as_str()), (400, Some("fields.aliyun.host")), "{body}");
}

#[tokio::test]
async fn an_aliyun_token_is_a_post_object_policy_signed_and_limited_by_key_and_size() {
    let app = configured().await;
    let (t, expires) = app.token("module=aliyun&type=web", "aliyun").await;
    assert!(expires > 0);
    // Signature = base64(HMAC-SHA1(secret, policy)).
    let policy = t["policy"].as_str().unwrap();
    assert_eq!(t["Signature"].as_str().unwrap(), b64(&hmac_sha1("aliyun-secret-1", policy)), "OSS's signature");
    assert_eq!(t["OSSAccessKeyId"], "LTAItest");
    assert_eq!(t["upload_url"]["upload_url"], "https://cinedesk.oss-cn-hangzhou.aliyuncs.com/");
    let p = policy_json(policy);
    let dir = t["dir"].as_str().unwrap();
    let conditions = p["conditions"].as_array().unwrap();
    assert!(conditions.contains(&json!(["starts-with", "$key", dir])), "key limited to dir: {p}");
    assert!(p["conditions"][0][0] == "content-length-range", "and size limited: {p}");
    let expiration = p["expiration"].as_str().unwrap();
    assert!(
        expiration.len() == 24 && expiration.ends_with('Z') && &expiration[10..11] == "T",
        "ISO 8601 expiration: {expiration}"
    );
    let callback = policy_json(t["callback"].as_str().unwrap());
    assert_eq!(callback["callbackUrl"], "https://cms.example.com/cms/upload/oss_callback", "the configured callback");
}

#[tokio::test]
async fn aliyun_has_no_tokens_for_apps() {
    let app = configured().await;
    let (status, body) = app.upload_token(&Who::Token(&app.token), "module=aliyun&type=app").await;
    assert_eq!((status, body["field"].as_str()), (400, Some("type")), "no STS for apps: {body}");
}

#[tokio::test]
async fn a_qiniu_token_is_a_signed_put_policy_with_a_prefix_scope() {
    let app = configured().await;
    // AccessKey:urlsafe_b64(HMAC-SHA1(SecretKey, encodedPolicy)):encodedPolicy.
    let (t, q_expires) = app.token("module=qiniu", "qiniu").await;
    let token = t["token"].as_str().unwrap();
    let parts: Vec<&str> = token.split(':').collect();
    assert_eq!(parts.len(), 3, "{token}");
    let url_safe = base64::engine::general_purpose::URL_SAFE;
    assert_eq!((parts[0], parts[1]), ("qiniu-ak", url_safe.encode(hmac_sha1("qiniu-sk-2", parts[2])).as_str()));
    let put_policy: Value = serde_json::from_slice(&url_safe.decode(parts[2]).unwrap()).unwrap();
    assert_eq!(put_policy["scope"], format!("films:{}", t["dir"].as_str().unwrap()), "a prefix scope: {put_policy}");
    assert_eq!((put_policy["isPrefixalScope"].as_i64(), put_policy["deadline"].as_i64()), (Some(1), Some(q_expires)));
    assert_eq!(field(&t, "token"), token, "the form sends the token");
}

#[tokio::test]
async fn an_s3_token_is_a_sigv4_post_signature_for_the_day_and_region() {
    let app = configured().await;
    let (t, _) = app.token("module=s3", "s3").await;
    let policy = t["policy"].as_str().unwrap();
    let credential = t["x-amz-credential"].as_str().unwrap();
    let date = &t["x-amz-date"].as_str().unwrap()[..8];
    assert_eq!(credential, format!("AKIATEST/{date}/ap-east-1/s3/aws4_request"));
    let mut key = hmac_sha256(b"AWS4s3-secret-3", date);
    for part in ["ap-east-1", "s3", "aws4_request"] {
        key = hmac_sha256(&key, part);
    }
    assert_eq!(t["x-amz-signature"].as_str().unwrap(), hex::encode(hmac_sha256(&key, policy)), "SigV4 over the policy");
    let p = policy_json(policy);
    let conditions = p["conditions"].as_array().unwrap();
    for c in [
        json!({"bucket": "cinedesk-films"}),
        json!({"x-amz-credential": credential}),
        json!({"x-amz-algorithm": "AWS4-HMAC-SHA256"}),
    ] {
        assert!(conditions.contains(&c), "the policy binds {c}: {p}");
    }
    assert_eq!(t["upload_url"]["upload_url"], "https://cinedesk-films.s3.ap-east-1.amazonaws.com/");
}

#[tokio::test]
async fn a_removed_setting_falls_back_to_the_environment() {
    let app = configured().await;
    // Unset in the environment here: the module is off again.
    assert_eq!(app.put("/cms/upload_tokens/config", json!({"fields": {"s3.secret_access_key": ""}})).await.0, 200);
    let (status, body) = app.upload_token(&Who::Token(&app.token), "module=s3").await;
    assert_eq!((status, body["field"].as_str()), (400, Some("module")), "{body}");
}

#[tokio::test]
async fn the_default_module_is_a_setting() {
    let app = configured().await;
    assert_eq!(app.put("/cms/upload_tokens/config", json!({"defaultModule": "qiniu"})).await.0, 200);
    app.token("", "qiniu").await;
}

// ---------------------------------------------------------------- published examples

#[test]
fn s3_signs_amazons_published_sigv4_post_example() {
    use cinedesk_core::upload_tokens::s3_post_signature;
    // Amazon S3 API Reference, "Example: Browser-Based Upload using HTTP POST (Using AWS
    // Signature Version 4)", https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-post-example.html
    let aws_policy = "eyAiZXhwaXJhdGlvbiI6ICIyMDE1LTEyLTMwVDEyOjAwOjAwLjAwMFoiLA0KICAiY29uZGl0aW9ucyI6IFsNCiAgICB7ImJ1Y2tldCI6ICJzaWd2NGV4YW1wbGVidWNrZXQifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRrZXkiLCAidXNlci91c2VyMS8iXSwNCiAgICB7ImFjbCI6ICJwdWJsaWMtcmVhZCJ9LA0KICAgIHsic3VjY2Vzc19hY3Rpb25fcmVkaXJlY3QiOiAiaHR0cDovL3NpZ3Y0ZXhhbXBsZWJ1Y2tldC5zMy5hbWF6b25hd3MuY29tL3N1Y2Nlc3NmdWxfdXBsb2FkLmh0bWwifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRDb250ZW50LVR5cGUiLCAiaW1hZ2UvIl0sDQogICAgeyJ4LWFtei1tZXRhLXV1aWQiOiAiMTQzNjUxMjM2NTEyNzQifSwNCiAgICB7IngtYW16LXNlcnZlci1zaWRlLWVuY3J5cHRpb24iOiAiQUVTMjU2In0sDQogICAgWyJzdGFydHMtd2l0aCIsICIkeC1hbXotbWV0YS10YWciLCAiIl0sDQoNCiAgICB7IngtYW16LWNyZWRlbnRpYWwiOiAiQUtJQUlPU0ZPRE5ON0VYQU1QTEUvMjAxNTEyMjkvdXMtZWFzdC0xL3MzL2F3czRfcmVxdWVzdCJ9LA0KICAgIHsieC1hbXotYWxnb3JpdGhtIjogIkFXUzQtSE1BQy1TSEEyNTYifSwNCiAgICB7IngtYW16LWRhdGUiOiAiMjAxNTEyMjlUMDAwMDAwWiIgfQ0KICBdDQp9";
    assert_eq!(
        s3_post_signature("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "20151229", "us-east-1", aws_policy),
        "8afdbf4008c03f22c2cd3cdb72e4afbb1f6a588f3255ac628749a66d7f09699e",
        "AWS's published SigV4 POST signature"
    );
}

#[test]
fn qiniu_signs_its_published_upload_token_example() {
    use cinedesk_core::upload_tokens::qiniu_upload_token;
    // Qiniu, "上传凭证" (upload token), https://developer.qiniu.com/kodo/1208/upload-token
    let qiniu_policy = r#"{"scope":"my-bucket:sunflower.jpg","deadline":1451491200,"returnBody":"{\"name\":$(fname),\"size\":$(fsize),\"w\":$(imageInfo.width),\"h\":$(imageInfo.height),\"hash\":$(etag)}"}"#;
    assert_eq!(
        qiniu_upload_token("MY_ACCESS_KEY", "MY_SECRET_KEY", qiniu_policy),
        "MY_ACCESS_KEY:wQ4ofysef1R7IKnrziqtomqyDvI=:eyJzY29wZSI6Im15LWJ1Y2tldDpzdW5mbG93ZXIuanBnIiwiZGVhZGxpbmUiOjE0NTE0OTEyMDAsInJldHVybkJvZHkiOiJ7XCJuYW1lXCI6JChmbmFtZSksXCJzaXplXCI6JChmc2l6ZSksXCJ3XCI6JChpbWFnZUluZm8ud2lkdGgpLFwiaFwiOiQoaW1hZ2VJbmZvLmhlaWdodCksXCJoYXNoXCI6JChldGFnKX0ifQ==",
        "Qiniu's published upload token"
    );
}

#[test]
fn aliyun_signs_its_published_v1_and_post_object_examples() {
    use cinedesk_core::upload_tokens::aliyun_post_signature;
    // Aliyun OSS, "在Header中包含签名" (https://help.aliyun.com/document_detail/31951.html): the V1
    // signature PostObject uses over its base64 policy; and that secret over a published
    // PostObject policy (the aliyun_oss library's documented example,
    // https://hexdocs.pm/aliyun_oss/Aliyun.Oss.Object.html#sign_post_policy/2).
    let secret = "OtxrzxIsfpFjA7SwPzILwy8Bw21TLhquhboDYROV";
    assert_eq!(
        aliyun_post_signature(secret, "PUT\nODBGOERFMDMzQTczRUY3NUE3NzA5QzdFNUYzMDQxNEM=\ntext/html\nThu, 17 Nov 2005 18:49:58 GMT\nx-oss-magic:abracadabra\nx-oss-meta-author:foo@bar.com\n/oss-example/nelson"),
        "26NBxoKdsyly4EDv6inkoDft/yA=",
        "Aliyun's published V1 signature"
    );
    assert_eq!(
        aliyun_post_signature(secret, "eyJjb25kaXRpb25zIjpbWyJjb250ZW50LWxlbmd0aC1yYW5nZSIsMCwxMDQ4NTc2MF0seyJidWNrZXQiOiJhaGFoYSJ9LHsiQSI6ImEifSx7ImtleSI6IkFCQyJ9XSwiZXhwaXJhdGlvbiI6IjIwMTMtMTItMDFUMTI6MDA6MDBaIn0="),
        "W835KpLsL6k1/oo28RcsEflB6hw=",
        "a published PostObject policy signature"
    );
}
