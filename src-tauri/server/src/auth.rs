//! Who may call what: bearer tokens resolved once per request by a middleware per capability,
//! and [`Caller`] for the routes machine clients also call with a signed request (`crate::signed`).

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use axum::middleware::Next;
use axum::response::Response;
use cinedesk_core::{Actor, Capability, Error, Principal};

use crate::error::ApiError;
use crate::signed::{is_signed, Checked};
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

/// Who is calling a route that machine clients also use (the COMS channel, the uploads, the
/// resource library, upload tokens and VOD flows): a user with a bearer token (or, on the seed-001
/// routes, its `token` parameter), allowed [`Capability::Operate`], or a cinema's client whose
/// signed request `crate::signed` checked in front of the route.
pub enum Caller {
    User(Principal),
    Cinema { cinema: String },
}

impl Caller {
    /// Reads the caller of a request: 401 without a valid token or signature, 403 for a user
    /// whose role may not operate.
    pub async fn identify(s: &AppState, parts: &Parts) -> Result<Caller, ApiError> {
        Caller::identify_with(s, parts, None).await
    }

    /// As [`Caller::identify`], with a session token the request carries as a parameter (seed 001's
    /// `token`) when it has no bearer header.
    pub async fn identify_with(s: &AppState, parts: &Parts, token: Option<String>) -> Result<Caller, ApiError> {
        if let Some(token) = bearer(&parts.headers).or(token) {
            let principal = match s.cms.cached_principal(&token) {
                Some(p) => p,
                None => s.run(move |cms| cms.authenticate(&token)).await?,
            };
            principal.require(Capability::Operate)?;
            return Ok(Caller::User(principal));
        }
        match parts.extensions.get::<Checked>() {
            Some(checked) => Ok(Caller::Cinema { cinema: checked.take()?.cinema }),
            // A signature on a route that takes none is refused, not ignored.
            None if is_signed(&parts.headers) => {
                Err(Error::BadSignature("this route takes no signed requests".into()).into())
            }
            None => Err(Error::Unauthorized.into()),
        }
    }

    /// The caller as the core knows it.
    pub fn actor(&self) -> Actor {
        match self {
            Caller::User(p) => Actor::from_principal(p),
            Caller::Cinema { cinema } => Actor::Cinema { cinema_id: cinema.clone() },
        }
    }

    /// Who owns what this caller uploads: `user:<id>` or `cinema:<id>`.
    pub fn owner(&self) -> String {
        self.actor().owner()
    }

    /// The chain's operators only (classification, upload-token settings): a cinema's client is refused.
    pub fn require_user(&self) -> Result<&Principal, ApiError> {
        match self {
            Caller::User(p) => Ok(p),
            Caller::Cinema { .. } => {
                Err(ApiError::Forbidden("this is for the chain's operators, not a cinema's client".into()))
            }
        }
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, Self::Rejection> {
        Caller::identify(s, parts).await
    }
}
