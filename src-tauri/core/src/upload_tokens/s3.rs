//! Amazon S3 browser uploads: a POST policy signed with AWS Signature Version 4 (HMAC-SHA256 with a key derived for the day, region and service).

use base64::Engine;
use hmac::{Hmac, Mac};
use serde_json::{json, Map, Value};
use sha2::Sha256;

use super::config::Resolved;
use super::{iso_ms, param, utc, Module};

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

/// SigV4's signing key: HMAC chain over `AWS4<secret>`, date (yyyyMMdd), region, service, `aws4_request`.
pub fn signing_key(secret: &str, date: &str, region: &str, service: &str) -> Vec<u8> {
    let k_date = hmac(format!("AWS4{secret}").as_bytes(), date.as_bytes());
    let k_region = hmac(&k_date, region.as_bytes());
    let k_service = hmac(&k_region, service.as_bytes());
    hmac(&k_service, b"aws4_request")
}

/// The `x-amz-signature` of a POST: hex HMAC-SHA256 of the base64 policy with the signing key.
pub fn post_signature(secret: &str, date: &str, region: &str, policy_b64: &str) -> String {
    hex::encode(hmac(&signing_key(secret, date, region, "s3"), policy_b64.as_bytes()))
}

pub(crate) fn token(cfg: &Resolved, dir: &str, now: i64, expires_ms: i64) -> (Map<String, Value>, i64) {
    let (y, mo, d, h, mi, s) = utc(now);
    let date = format!("{y:04}{mo:02}{d:02}");
    let amz_date = format!("{date}T{h:02}{mi:02}{s:02}Z");
    let (bucket, region) = (cfg.get(Module::S3, "bucket"), cfg.get(Module::S3, "region"));
    let credential = format!("{}/{date}/{region}/s3/aws4_request", cfg.get(Module::S3, "access_key_id"));
    let session = cfg.get(Module::S3, "session_token");
    let mut conditions = vec![
        json!({ "bucket": bucket }),
        json!(["starts-with", "$key", dir]),
        json!(["content-length-range", 0, cfg.max_size]),
        json!({ "success_action_status": "201" }),
        json!({ "x-amz-algorithm": "AWS4-HMAC-SHA256" }),
        json!({ "x-amz-credential": credential }),
        json!({ "x-amz-date": amz_date }),
    ];
    if !session.is_empty() {
        conditions.push(json!({ "x-amz-security-token": session }));
    }
    let policy = json!({ "expiration": iso_ms(expires_ms), "conditions": conditions });
    let policy = base64::engine::general_purpose::STANDARD.encode(policy.to_string());
    let signature = post_signature(cfg.get(Module::S3, "secret_access_key"), &date, region, &policy);
    // A configured endpoint (MinIO, another S3-compatible store) is addressed path-style.
    let endpoint = cfg.get(Module::S3, "endpoint");
    let url = if endpoint.is_empty() {
        format!("https://{bucket}.s3.{region}.amazonaws.com/")
    } else {
        format!("{}/{bucket}/", endpoint.trim_end_matches('/'))
    };
    let mut fields = vec![
        ("key", json!(format!("{dir}${{filename}}"))),
        ("policy", json!(policy)),
        ("x-amz-algorithm", json!("AWS4-HMAC-SHA256")),
        ("x-amz-credential", json!(credential)),
        ("x-amz-date", json!(amz_date)),
        ("x-amz-signature", json!(signature)),
        ("success_action_status", json!("201")),
    ];
    if !session.is_empty() {
        fields.push(("x-amz-security-token", json!(session)));
    }
    let mut params: Vec<Value> = fields.iter().map(|(n, v)| param(n, "hidden", v.clone())).collect();
    params.push(param("file", "file", json!("")));
    let mut out = Map::new();
    out.insert("upload_url".into(), json!({ "upload_url": url, "module": "s3", "param": params }));
    for (n, v) in fields.into_iter().filter(|(n, _)| *n != "key" && *n != "success_action_status") {
        out.insert(n.to_string(), v);
    }
    out.insert("dir".into(), json!(dir));
    (out, expires_ms / 1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_s3_documentation_example() {
        // "Example: Browser-Based Upload using HTTP POST (Using AWS Signature Version 4)", Amazon S3
        // API Reference (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-post-example.html):
        // credentials AKIAIOSFODNN7EXAMPLE / wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY, date
        // 20151229, us-east-1; the example policy's base64 and the resulting signature.
        let policy = "eyAiZXhwaXJhdGlvbiI6ICIyMDE1LTEyLTMwVDEyOjAwOjAwLjAwMFoiLA0KICAiY29uZGl0aW9ucyI6IFsNCiAgICB7ImJ1Y2tldCI6ICJzaWd2NGV4YW1wbGVidWNrZXQifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRrZXkiLCAidXNlci91c2VyMS8iXSwNCiAgICB7ImFjbCI6ICJwdWJsaWMtcmVhZCJ9LA0KICAgIHsic3VjY2Vzc19hY3Rpb25fcmVkaXJlY3QiOiAiaHR0cDovL3NpZ3Y0ZXhhbXBsZWJ1Y2tldC5zMy5hbWF6b25hd3MuY29tL3N1Y2Nlc3NmdWxfdXBsb2FkLmh0bWwifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRDb250ZW50LVR5cGUiLCAiaW1hZ2UvIl0sDQogICAgeyJ4LWFtei1tZXRhLXV1aWQiOiAiMTQzNjUxMjM2NTEyNzQifSwNCiAgICB7IngtYW16LXNlcnZlci1zaWRlLWVuY3J5cHRpb24iOiAiQUVTMjU2In0sDQogICAgWyJzdGFydHMtd2l0aCIsICIkeC1hbXotbWV0YS10YWciLCAiIl0sDQoNCiAgICB7IngtYW16LWNyZWRlbnRpYWwiOiAiQUtJQUlPU0ZPRE5ON0VYQU1QTEUvMjAxNTEyMjkvdXMtZWFzdC0xL3MzL2F3czRfcmVxdWVzdCJ9LA0KICAgIHsieC1hbXotYWxnb3JpdGhtIjogIkFXUzQtSE1BQy1TSEEyNTYifSwNCiAgICB7IngtYW16LWRhdGUiOiAiMjAxNTEyMjlUMDAwMDAwWiIgfQ0KICBdDQp9";
        assert_eq!(
            post_signature("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "20151229", "us-east-1", policy),
            "8afdbf4008c03f22c2cd3cdb72e4afbb1f6a588f3255ac628749a66d7f09699e"
        );
    }
}
