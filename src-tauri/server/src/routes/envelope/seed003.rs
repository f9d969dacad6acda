//! Seed 003's envelope: `{"status":200,"message":"success","data":{"token":{…},"expires":…}}`, and on failure `{"status":<HTTP status>,"message":…,"data":null}` with `info`, `code` (and `field`) beside it, at that HTTP status.

use axum::response::{IntoResponse, Response};
use axum::Json;
use cinedesk_core::upload_tokens::UploadToken;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::ApiResult;
use crate::failure::{respond, ErrorBody};

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
