//! The one body of a failure, `{"info", "code", "field"?, "requestID"?}`, and the one place that decides what of an error a client may read.
//!
//! A server error (code `internal`) says only "internal error" and the id of its request; the
//! error itself (the database's or the file system's own words) goes to the log under that id.
//! `busy` says the server is busy and when to come back (`Retry-After`).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use cinedesk_core::Code;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::request_id;

/// What a client reads of a server error.
pub const INTERNAL_INFO: &str = "internal error";
/// What a client reads when the database is locked by someone else for now.
pub const BUSY_INFO: &str = "the server is busy: try again in a moment";
/// Seconds a client is asked to wait after `busy`.
pub const BUSY_RETRY_AFTER_SECONDS: u32 = 1;

/// Every failure: a message for people, a stable code for programs, the wire name of the field at
/// fault when there is one, and for a server error the request's id (also in `x-request-id`),
/// under which the server logged what went wrong.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub info: String,
    pub code: Code,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub field: Option<String>,
    #[serde(rename = "requestID", skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub request_id: Option<String>,
}

impl ErrorBody {
    /// The status and body of `e`. A server error is logged here, once, with its request id.
    pub fn of(e: &ApiError) -> (StatusCode, ErrorBody) {
        let code = e.code();
        let status = StatusCode::from_u16(code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let field = match e {
            ApiError::Core(c) => c.field().map(str::to_string),
            _ => None,
        };
        let body = if code.is_internal() {
            let id = request_id::current();
            tracing::error!(request_id = id.as_deref().unwrap_or("-"), error = %e, "request failed");
            ErrorBody { info: INTERNAL_INFO.into(), code: Code::Internal, field: None, request_id: id }
        } else if code == Code::Busy {
            tracing::warn!(error = %e, "answered busy");
            ErrorBody { info: BUSY_INFO.into(), code, field: None, request_id: None }
        } else {
            ErrorBody { info: e.to_string(), code, field, request_id: None }
        };
        (status, body)
    }
}

/// `body` at `status` as JSON, with the headers its code calls for.
pub fn respond(status: StatusCode, body: impl Serialize, code: Code) -> Response {
    let mut res = (status, Json(body)).into_response();
    if code == Code::Busy {
        res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(BUSY_RETRY_AFTER_SECONDS));
    }
    res
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, body) = ErrorBody::of(&self);
        let code = body.code;
        let mut res = respond(status, body, code);
        // The core says how long a refusal lasts (a login lockout), or a budget of the server's
        // own (a public lookup's): the client is told when to retry.
        if let Some(secs) = match &self {
            ApiError::Core(e) => e.retry_after_secs(),
            ApiError::TooManyRequests { retry_after } => Some(*retry_after),
            _ => None,
        } {
            res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        res
    }
}
