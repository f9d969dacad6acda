//! Seed 004's envelope, shared by the resource disk's uploads and the resource library: `{"result":"000000","resultDesc":"success","data":…}`, and on failure `result` "100000" with `info`, `code` (and `field`) beside it at the HTTP status that says what kind.
//!
//! [`DiskFile`], what the seed says of an upload, lives here because a failure carries it too:
//! where the upload stands, so the client knows the `filePos` to go on from.

use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

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

/// An upload or a finished file as seed 004 describes it; `fid` is the id of the file it becomes.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DiskFile {
    pub(crate) fid: String,
    pub(crate) file_length: u64,
    pub(crate) file_md5: String,
    pub(crate) file_name_local: String,
    pub(crate) file_path_local: String,
    /// The acknowledged position: where the next part starts.
    pub(crate) file_pos: u64,
    /// "24.84MB".
    pub(crate) file_size: String,
    pub(crate) file_ext: String,
    /// "false".
    pub(crate) is_deleted: &'static str,
    /// "true" once the file is whole, "false" before.
    pub(crate) post_complete: &'static str,
    pub(crate) posted_length: u64,
    /// "2015-04-20 17:13:47", China time.
    pub(crate) posted_time: String,
    pub(crate) user_id: String,
}
