//! Seed 004's envelope, shared by the resource disk's uploads and the resource library: `{"result":"000000","resultDesc":"success","data":…}`, and on failure `result` "100000" with `info`, `code` (and `field`) beside it at the HTTP status that says what kind.

use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use super::uploads::DiskFile;
use crate::error::ApiError;
use crate::failure::{respond, ErrorBody};

/// The seed's envelope of a success: `result` "000000" and what was asked for.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DiskAnswer<T> {
    /// "000000".
    result: &'static str,
    result_desc: &'static str,
    data: T,
}

/// The seed's envelope of a failure: `result` "100000", why, and where an upload stands when the
/// failure was about one of the resource disk's uploads (so the client knows the `filePos` to go
/// on from; null otherwise); `info`, `code` and `field` as in every other failure of this API.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DiskFailure {
    /// "100000".
    result: &'static str,
    result_desc: String,
    data: Option<DiskFile>,
    #[serde(flatten)]
    failure: ErrorBody,
}

pub(crate) fn ok<T: Serialize>(data: T) -> Response {
    Json(DiskAnswer { result: "000000", result_desc: "success", data }).into_response()
}

pub(crate) fn failure(e: ApiError, data: Option<DiskFile>) -> Response {
    let (status, failure) = ErrorBody::of(&e);
    let code = failure.code;
    respond(status, DiskFailure { result: "100000", result_desc: failure.info.clone(), data, failure }, code)
}
