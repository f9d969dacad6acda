//! A failed request: the core's errors and the HTTP layer's own, each with its [`Code`]; `crate::failure` turns them into answers.

use cinedesk_core::Code;

/// A failed request. Core errors keep their code; what never reached the core has its own.
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
    pub fn code(&self) -> Code {
        match self {
            ApiError::Core(e) => e.code(),
            ApiError::BadRequest(_) => Code::Invalid,
            ApiError::TooLarge(_) => Code::TooLarge,
            ApiError::Unsupported(_) => Code::UnsupportedMediaType,
            ApiError::PreconditionFailed(_) => Code::PreconditionFailed,
            ApiError::RangeNotSatisfiable(_) => Code::RangeNotSatisfiable,
            ApiError::NoRoute(_) => Code::NotFound,
            ApiError::MethodNotAllowed => Code::MethodNotAllowed,
            ApiError::TooManyRequests { .. } => Code::TooManyRequests,
        }
    }

    /// The HTTP status of [`ApiError::code`].
    pub fn status(&self) -> axum::http::StatusCode {
        axum::http::StatusCode::from_u16(self.code().status()).unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR)
    }
}
