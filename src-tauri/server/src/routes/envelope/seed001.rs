//! Seed 001's envelope: `{"result":"true","requestId":…,"message":"","code":"200","data":…}`, and on failure `result` "false", the `message`, `data` null, with `info`, `code` (and `field`) beside them at the HTTP status that says what kind.

use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::ApiResult;
use crate::failure::{respond, ErrorBody};

/// Seed 001's envelope of a success.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct VodAnswer<T> {
    /// "true".
    result: &'static str,
    /// Shaped like the seed's (`c17f13d1-4ce8-407f-a82b-c4799f84xxxx`).
    request_id: String,
    message: &'static str,
    /// "200".
    code: &'static str,
    data: T,
}

/// Seed 001's envelope of a failure: `result` "false", why, no data; `info`, `code` and `field` as
/// in every other failure of this API.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct VodFailure {
    /// "false".
    result: &'static str,
    request_id: String,
    message: String,
    /// Always null.
    data: (),
    #[serde(flatten)]
    failure: ErrorBody,
}

/// The request's id (`x-request-id`), shaped like the seed's (`c17f13d1-4ce8-407f-a82b-c4799f84xxxx`).
fn request_id() -> String {
    crate::request_id::current().unwrap_or_else(crate::request_id::fresh)
}

/// `r` in the envelope; `message` is what a success says (seed 001 says 删除完成 after a delete).
pub(crate) fn reply<T: Serialize>(r: ApiResult<T>, message: &'static str) -> Response {
    match r {
        Ok(data) => {
            Json(VodAnswer { result: "true", request_id: request_id(), message, code: "200", data }).into_response()
        }
        Err(e) => {
            let (status, failure) = ErrorBody::of(&e);
            let (message, code) = (failure.info.clone(), failure.code);
            respond(status, VodFailure { result: "false", request_id: request_id(), message, data: (), failure }, code)
        }
    }
}
