//! The one place where failures become HTTP answers: `{"info", "code", "field"?}` with the right status.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

/// A failed request. Core errors keep their stable code; bad HTTP input is `invalid`.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error(transparent)]
    Core(#[from] cinedesk_core::Error),
    /// Input that never reached the core: a body that is not JSON, a query value of the wrong type.
    #[error("{0}")]
    BadRequest(String),
    /// A body over the size limit: the client must send less, not different.
    #[error("{0}")]
    TooLarge(String),
    /// A body of a Content-Type the route does not take.
    #[error("{0}")]
    Unsupported(String),
    /// A request without what the protocol requires of every request (tus: `Tus-Resumable: 1.0.0`).
    #[error("{0}")]
    PreconditionFailed(String),
    /// A `Range` that starts past the end of the file.
    #[error("{0}")]
    RangeNotSatisfiable(String),
    #[error("no such route: {0}")]
    NoRoute(String),
    #[error("method not allowed")]
    MethodNotAllowed,
    /// Too many requests from one address; it may try again after `retry_after` seconds.
    #[error("too many requests from this address: try again in {retry_after} s")]
    TooManyRequests { retry_after: u64 },
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Core(e) => e.code(),
            ApiError::BadRequest(_) => "invalid",
            ApiError::TooLarge(_) => "too_large",
            ApiError::Unsupported(_) => "unsupported_media_type",
            ApiError::PreconditionFailed(_) => "precondition_failed",
            ApiError::RangeNotSatisfiable(_) => "range_not_satisfiable",
            ApiError::NoRoute(_) => "not_found",
            ApiError::MethodNotAllowed => "method_not_allowed",
            ApiError::TooManyRequests { .. } => "too_many_requests",
        }
    }

    pub fn status(&self) -> StatusCode {
        match self.code() {
            "invalid" => StatusCode::BAD_REQUEST,
            "unauthorized" => StatusCode::UNAUTHORIZED,
            "forbidden" => StatusCode::FORBIDDEN,
            "not_found" => StatusCode::NOT_FOUND,
            "conflict" | "in_use" | "offset_mismatch" => StatusCode::CONFLICT,
            // Bytes that do not hash as declared: resending the same is no use, so a 400.
            "checksum_mismatch" => StatusCode::BAD_REQUEST,
            "method_not_allowed" => StatusCode::METHOD_NOT_ALLOWED,
            "too_large" => StatusCode::PAYLOAD_TOO_LARGE,
            "unsupported_media_type" => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "precondition_failed" => StatusCode::PRECONDITION_FAILED,
            "range_not_satisfiable" => StatusCode::RANGE_NOT_SATISFIABLE,
            "too_many_requests" => StatusCode::TOO_MANY_REQUESTS,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
        let mut body = json!({ "info": self.to_string(), "code": self.code() });
        if let ApiError::Core(e) = &self {
            if let Some(field) = e.field() {
                body["field"] = json!(field);
            }
        }
        let mut response = (status, Json(body)).into_response();
        if let ApiError::TooManyRequests { retry_after } = self {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
        }
        response
    }
}
