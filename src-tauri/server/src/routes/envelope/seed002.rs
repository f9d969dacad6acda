//! Seed 002's envelopes, those of the chunked upload: `{"code":200,"msg":"success","data":{"block":1,"url"}}` for an upload URL; for a chunk `{"OK":1,"debug":1,"data":{"id"}}` once the file is whole, `{"OK":0,"debug":0,"data":{"code":101,…}}` while chunks are missing, and `{"OK":0,"debug":1,"data":{"code","message"}}` for a failure, `code` being its HTTP status.
//!
//! Failures carry `info` and `code` beside the seed's fields, as every other failure of this API.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use cinedesk_core::Code;

use crate::error::{ApiError, ApiResult};
use crate::failure::{respond, ErrorBody};

/// Seed 002's answer to a chunk: the file is whole (`OK` 1, `data.id`), a chunk was stored while
/// others are missing (`OK` 0, `data.code` 101), or a failure (`OK` 0, `debug` 1, `data.code` the
/// HTTP status, and `info` and `code` as in every other failure of this API).
#[derive(Serialize, ToSchema)]
pub(crate) struct ChunkAnswer {
    #[serde(rename = "OK")]
    ok: u8,
    debug: u8,
    data: ChunkData,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    info: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    code: Option<Code>,
    /// A server error's request id (see `ErrorBody`).
    #[serde(rename = "requestID", skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    request_id: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct ChunkData {
    /// The file's id once whole; the upload's (the same id) while chunks are missing.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    id: Option<String>,
    /// 101 while chunks are missing; the HTTP status on failure.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    code: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    message: Option<String>,
}

impl ChunkAnswer {
    /// The file is whole: its id.
    pub(crate) fn whole(id: String) -> ChunkAnswer {
        ChunkAnswer {
            ok: 1,
            debug: 1,
            data: ChunkData { id: Some(id), code: None, message: None },
            info: None,
            code: None,
            request_id: None,
        }
    }

    /// A chunk stored while others are missing (the seed's "上传中", `data.code` 101).
    pub(crate) fn waiting(upload_id: String, message: String) -> ChunkAnswer {
        let data = ChunkData { id: Some(upload_id), code: Some(101), message: Some(message) };
        ChunkAnswer { ok: 0, debug: 0, data, info: None, code: None, request_id: None }
    }
}

/// The seed's failure shape, with the status as its code (and the usual `info` beside it).
pub(crate) fn chunk_failure(e: ApiError) -> Response {
    let (status, body) = ErrorBody::of(&e);
    let data = ChunkData { id: None, code: Some(status.as_u16()), message: Some(body.info.clone()) };
    let answer = ChunkAnswer {
        ok: 0,
        debug: 1,
        data,
        info: Some(body.info),
        code: Some(body.code),
        request_id: body.request_id,
    };
    respond(status, answer, body.code)
}

/// Seed 002's answer for an upload URL; on failure `code` is the HTTP status, `data` null.
#[derive(Serialize, ToSchema)]
pub(crate) struct UploadUrlAnswer {
    code: u16,
    msg: String,
    data: Option<UploadUrl>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    info: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct UploadUrl {
    /// Always 1: chunks go to one URL.
    block: u8,
    /// Where to POST the chunks (valid 24 hours, for this caller only).
    url: String,
}

/// The URL to post chunks to, or why there is none, in the envelope.
pub(crate) fn upload_url_reply(result: ApiResult<String>) -> Response {
    let (status, answer) = match result {
        Ok(url) => (
            StatusCode::OK,
            UploadUrlAnswer { code: 200, msg: "success".into(), data: Some(UploadUrl { block: 1, url }), info: None },
        ),
        Err(e) => {
            let (status, body) = ErrorBody::of(&e);
            let answer =
                UploadUrlAnswer { code: status.as_u16(), msg: body.info.clone(), data: None, info: Some(body.info) };
            return respond(status, answer, body.code);
        }
    };
    (status, Json(answer)).into_response()
}
