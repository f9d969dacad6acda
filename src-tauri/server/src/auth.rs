//! Who may call what: bearer tokens resolved once per request by a middleware per capability.

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap};
use axum::middleware::Next;
use axum::response::Response;
use cinedesk_core::{Capability, Error};

use crate::error::ApiError;
use crate::state::AppState;

/// The state of one guard: the app and the capability its routes need.
#[derive(Clone)]
pub struct Guard {
    pub app: AppState,
    pub cap: Capability,
}

/// The token of an `Authorization: Bearer …` header.
pub fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    (scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty()).then(|| token.trim().to_string())
}

/// Refuses the request unless its session is valid (401) and allowed the guard's capability (403);
/// the caller's identity travels on as a request extension.
pub async fn guard(State(g): State<Guard>, mut req: Request, next: Next) -> Result<Response, ApiError> {
    let token = bearer(req.headers()).ok_or(ApiError::Core(Error::Unauthorized))?;
    // Most requests come from a session resolved moments ago: answer those from memory.
    let principal = match g.app.cms.cached_principal(&token) {
        Some(p) => p,
        None => g.app.run(move |cms| cms.authenticate(&token)).await?,
    };
    principal.require(g.cap)?;
    req.extensions_mut().insert(principal);
    Ok(next.run(req).await)
}
