//! Seed 003's envelope, and the local module's token (this server's PostObject endpoint, on the address the client reached): `{"status":200,"message":"success","data":{"token":{…},"expires":…}}`, and on failure `{"status":<HTTP status>,"message":…,"data":null}` with `info`, `code` (and `field`) beside it, at that HTTP status.

use axum::response::{IntoResponse, Response};
use axum::Json;
use cinedesk_core::files::PostPolicy;
use cinedesk_core::upload_tokens::TokenGrant;
use serde::Serialize;
use serde_json::{json, Map, Value};
use utoipa::ToSchema;

use super::oss::OssPolicy;
use crate::error::ApiResult;
use crate::failure::{respond, ErrorBody};

/// Seed 003's answer: `{"token": {…}, "expires": …}`.
#[derive(Serialize, ToSchema)]
pub(crate) struct UploadToken {
    /// `upload_url` (`{upload_url, module, param}`), the module's fields, and `dir`.
    #[schema(value_type = Object)]
    pub(crate) token: Map<String, Value>,
    /// When the token stops working, epoch seconds.
    pub(crate) expires: i64,
}

/// Seed 003's answer.
#[derive(Serialize, ToSchema)]
pub(crate) struct TokenAnswer {
    /// 200.
    status: u16,
    /// "success".
    message: &'static str,
    data: UploadToken,
}

/// Seed 003's failure: the HTTP status again, the message, no data; `info`, `code` and `field`
/// as in every other failure of this API.
#[derive(Serialize, ToSchema)]
pub(crate) struct TokenFailure {
    status: u16,
    message: String,
    /// Always null.
    data: (),
    #[serde(flatten)]
    failure: ErrorBody,
}

/// A token, or why there is none, in the envelope.
pub(crate) fn reply(r: ApiResult<UploadToken>) -> Response {
    match r {
        Ok(data) => Json(TokenAnswer { status: 200, message: "success", data }).into_response(),
        Err(e) => {
            let (status, failure) = ErrorBody::of(&e);
            let code = failure.code;
            let body = TokenFailure { status: status.as_u16(), message: failure.info.clone(), data: (), failure };
            respond(status, body, code)
        }
    }
}

/// A form field the upload must send (seed 003's `param`); `default` is the value to send.
fn param(name: &str, kind: &str, default: Value) -> Value {
    json!({ "name": name, "type": kind, "default": default })
}

/// The local module's token: `p`, a policy for this server's PostObject endpoint, with its
/// URLs on `base`.
fn local_token(p: PostPolicy, base: &str) -> UploadToken {
    let p = OssPolicy::of(p, base);
    let params = vec![
        param("OSSAccessKeyId", "hidden", json!(p.accessid)),
        param("policy", "hidden", json!(p.policy)),
        param("Signature", "hidden", json!(p.signature)),
        param("callback", "hidden", json!(p.callback)),
        param("key", "hidden", json!(format!("{}${{filename}}", p.dir))),
        param("success_action_status", "hidden", json!(200)),
        param("file", "file", json!("")),
    ];
    let mut token = Map::new();
    token.insert("upload_url".into(), json!({ "upload_url": p.host, "module": "local", "param": params }));
    token.insert("OSSAccessKeyId".into(), json!(p.accessid));
    token.insert("policy".into(), json!(p.policy));
    token.insert("Signature".into(), json!(p.signature));
    token.insert("callback".into(), json!(p.callback));
    token.insert("dir".into(), json!(p.dir));
    UploadToken { token, expires: p.expire }
}

/// What the core granted, as the token seed 003 answers.
pub(crate) fn token_of(grant: TokenGrant, base: &str) -> UploadToken {
    match grant {
        TokenGrant::Local(p) => local_token(p, base),
        TokenGrant::Cloud { token, expires } => UploadToken { token, expires },
    }
}
