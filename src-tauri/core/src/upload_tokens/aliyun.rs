//! Aliyun OSS PostObject (V1 signature): a policy limiting the key to the caller's directory and the size, signed with HMAC-SHA1.

use base64::Engine;
use hmac::{Hmac, Mac};
use serde_json::{json, Map, Value};
use sha1::Sha1;

use super::config::Resolved;
use super::{iso_ms, param, Module};

/// `base64(hmac-sha1(AccessKeySecret, string_to_sign))`. For PostObject the string to sign is
/// the base64 policy ("Post Signature" in OSS's PostObject reference: computed as the header
/// signature is, with the policy as the string to sign).
pub fn post_signature(secret: &str, string_to_sign: &str) -> String {
    let mut mac = Hmac::<Sha1>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(string_to_sign.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

pub(crate) fn token(cfg: &Resolved, dir: &str, expires_ms: i64) -> (Map<String, Value>, i64) {
    let b64 = |s: String| base64::engine::general_purpose::STANDARD.encode(s);
    let policy = json!({
        "expiration": iso_ms(expires_ms),
        "conditions": [["content-length-range", 0, cfg.max_size], ["starts-with", "$key", dir]],
    });
    let policy = b64(policy.to_string());
    let signature = post_signature(cfg.get(Module::Aliyun, "access_key_secret"), &policy);
    let access_key_id = cfg.get(Module::Aliyun, "access_key_id").to_string();
    let callback_url = cfg.get(Module::Aliyun, "callback_url");
    let callback = (!callback_url.is_empty()).then(|| {
        b64(json!({
            "callbackUrl": callback_url,
            "callbackBody": "object=${object}&size=${size}&mimeType=${mimeType}&etag=${etag}",
            "callbackBodyType": "application/x-www-form-urlencoded",
        })
        .to_string())
    });
    let mut params = vec![
        param("OSSAccessKeyId", "hidden", json!(access_key_id)),
        param("policy", "hidden", json!(policy)),
        param("Signature", "hidden", json!(signature)),
    ];
    if let Some(c) = &callback {
        params.push(param("callback", "hidden", json!(c)));
    }
    params.extend([
        param("key", "hidden", json!(format!("{dir}${{filename}}"))),
        param("success_action_status", "hidden", json!(200)),
        param("file", "file", json!("")),
    ]);
    let host = format!("{}/", cfg.get(Module::Aliyun, "host").trim_end_matches('/'));
    let mut token = Map::new();
    token.insert("upload_url".into(), json!({ "upload_url": host, "module": "aliyun", "param": params }));
    token.insert("OSSAccessKeyId".into(), json!(access_key_id));
    token.insert("policy".into(), json!(policy));
    token.insert("Signature".into(), json!(signature));
    if let Some(c) = callback {
        token.insert("callback".into(), json!(c));
    }
    token.insert("dir".into(), json!(dir));
    (token, expires_ms / 1000)
}

#[cfg(test)]
mod tests {
    use super::post_signature;

    #[test]
    fn matches_aliyuns_documented_v1_signature() {
        // Aliyun OSS API reference, "在Header中包含签名" / "Include signatures in the
        // Authorization header" (https://help.aliyun.com/document_detail/31951.html): with the
        // AccessKeySecret OtxrzxIsfpFjA7SwPzILwy8Bw21TLhquhboDYROV the example request's string
        // to sign gives 26NBxoKdsyly4EDv6inkoDft/yA=. PostObject's reference says its Signature is
        // computed the same way over the base64 policy.
        let string_to_sign =
            "PUT\nODBGOERFMDMzQTczRUY3NUE3NzA5QzdFNUYzMDQxNEM=\ntext/html\nThu, 17 Nov 2005 18:49:58 GMT\n\
                              x-oss-magic:abracadabra\nx-oss-meta-author:foo@bar.com\n/oss-example/nelson";
        assert_eq!(
            post_signature("OtxrzxIsfpFjA7SwPzILwy8Bw21TLhquhboDYROV", string_to_sign),
            "26NBxoKdsyly4EDv6inkoDft/yA="
        );
    }

    #[test]
    fn matches_a_published_post_policy_signature() {
        // The aliyun_oss library's documented PostObject example
        // (https://hexdocs.pm/aliyun_oss/Aliyun.Oss.Object.html#sign_post_policy/2), signed with
        // Aliyun's documentation secret above: the base64 policy and its signature.
        let policy = "eyJjb25kaXRpb25zIjpbWyJjb250ZW50LWxlbmd0aC1yYW5nZSIsMCwxMDQ4NTc2MF0seyJidWNrZXQiOiJhaGFoYSJ9LHsiQSI6ImEifSx7ImtleSI6IkFCQyJ9XSwiZXhwaXJhdGlvbiI6IjIwMTMtMTItMDFUMTI6MDA6MDBaIn0=";
        let json = r#"{"conditions":[["content-length-range",0,10485760],{"bucket":"ahaha"},{"A":"a"},{"key":"ABC"}],"expiration":"2013-12-01T12:00:00Z"}"#;
        use base64::Engine;
        assert_eq!(base64::engine::general_purpose::STANDARD.encode(json), policy, "the policy is that JSON in base64");
        assert_eq!(post_signature("OtxrzxIsfpFjA7SwPzILwy8Bw21TLhquhboDYROV", policy), "W835KpLsL6k1/oo28RcsEflB6hw=");
    }
}
