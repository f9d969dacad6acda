//! Qiniu Kodo upload tokens: `AccessKey:urlsafe_base64(hmac-sha1(SecretKey, encodedPutPolicy)):encodedPutPolicy`.

use base64::Engine;
use hmac::{Hmac, Mac};
use serde_json::{json, Map, Value};
use sha1::Sha1;

use super::config::Resolved;
use super::{param, Module};

/// Qiniu's default upload host (East China); another region's is configured as `upload_url`.
const DEFAULT_UPLOAD_URL: &str = "https://upload.qiniup.com";

/// The upload token of `put_policy` (its JSON text, signed exactly as given).
pub fn upload_token(access_key: &str, secret_key: &str, put_policy: &str) -> String {
    let url_safe = base64::engine::general_purpose::URL_SAFE;
    let encoded_policy = url_safe.encode(put_policy);
    let mut mac = Hmac::<Sha1>::new_from_slice(secret_key.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(encoded_policy.as_bytes());
    let encoded_sign = url_safe.encode(mac.finalize().into_bytes());
    format!("{access_key}:{encoded_sign}:{encoded_policy}")
}

pub(crate) fn token(cfg: &Resolved, dir: &str, expires_ms: i64) -> (Map<String, Value>, i64) {
    let deadline = expires_ms / 1000;
    let mut policy = json!({
        // A prefix scope: any key under the caller's directory, nothing else.
        "scope": format!("{}:{dir}", cfg.get(Module::Qiniu, "bucket")),
        "isPrefixalScope": 1,
        "deadline": deadline,
        "fsizeLimit": cfg.max_size,
    });
    let callback_url = cfg.get(Module::Qiniu, "callback_url");
    if callback_url.is_empty() {
        policy["returnBody"] = json!(r#"{"key":$(key),"hash":$(etag),"fsize":$(fsize),"mimeType":$(mimeType)}"#);
    } else {
        policy["callbackUrl"] = json!(callback_url);
        policy["callbackBody"] = json!("key=$(key)&hash=$(etag)&fsize=$(fsize)&mimeType=$(mimeType)");
        policy["callbackBodyType"] = json!("application/x-www-form-urlencoded");
    }
    let token =
        upload_token(cfg.get(Module::Qiniu, "access_key"), cfg.get(Module::Qiniu, "secret_key"), &policy.to_string());
    let configured = cfg.get(Module::Qiniu, "upload_url");
    let host =
        format!("{}/", if configured.is_empty() { DEFAULT_UPLOAD_URL } else { configured }.trim_end_matches('/'));
    let params = vec![
        param("key", "hidden", json!(dir)),
        param("token", "hidden", json!(token)),
        param("file", "file", json!("")),
    ];
    let mut out = Map::new();
    out.insert("upload_url".into(), json!({ "upload_url": host, "module": "qiniu", "param": params }));
    out.insert("token".into(), json!(token));
    out.insert("dir".into(), json!(dir));
    (out, deadline)
}

#[cfg(test)]
mod tests {
    use super::upload_token;

    #[test]
    fn matches_qinius_documented_example() {
        // Qiniu's "上传凭证" (upload token) documentation, https://developer.qiniu.com/kodo/1208/upload-token:
        // scope my-bucket:sunflower.jpg, deadline 1451491200, the returnBody below, AccessKey
        // MY_ACCESS_KEY, SecretKey MY_SECRET_KEY; sign = c10e287f…0ef2, encodedSign =
        // wQ4ofysef1R7IKnrziqtomqyDvI=, and this token.
        let policy = r#"{"scope":"my-bucket:sunflower.jpg","deadline":1451491200,"returnBody":"{\"name\":$(fname),\"size\":$(fsize),\"w\":$(imageInfo.width),\"h\":$(imageInfo.height),\"hash\":$(etag)}"}"#;
        assert_eq!(
            upload_token("MY_ACCESS_KEY", "MY_SECRET_KEY", policy),
            "MY_ACCESS_KEY:wQ4ofysef1R7IKnrziqtomqyDvI=:eyJzY29wZSI6Im15LWJ1Y2tldDpzdW5mbG93ZXIuanBnIiwiZGVhZGxpbmUiOjE0NTE0OTEyMDAsInJldHVybkJvZHkiOiJ7XCJuYW1lXCI6JChmbmFtZSksXCJzaXplXCI6JChmc2l6ZSksXCJ3XCI6JChpbWFnZUluZm8ud2lkdGgpLFwiaFwiOiQoaW1hZ2VJbmZvLmhlaWdodCksXCJoYXNoXCI6JChldGFnKX0ifQ=="
        );
    }
}
