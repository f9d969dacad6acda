//! Who is calling: each request is authenticated once, by an extractor, into the core's
//! [`Actor`]; what that actor may do is the core's decision, made in each use case.
//!
//! A user sends a bearer token (on seed 001's routes also the `token` parameter); a cinema's
//! client signs its request (`dc` or `dc2`), which `crate::signed` checks in front of each route
//! that takes signatures. Routes for users take [`LoggedIn`] (a bearer token only, as their
//! documented security says); the routes machine clients call too take a [`Caller`].
//! Either way the actor carries where the request came from (`crate::origin`).

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use cinedesk_core::{Actor, Error, LoginFrom, Origin, Via};
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::extract::{body_bytes, parse_body};
use crate::signed::{is_signed, Checked};
use crate::state::AppState;

/// The token of an `Authorization: Bearer …` header.
pub fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    (scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty()).then(|| token.trim().to_string())
}

/// The authenticated caller of a request: 401 without a valid session or signature.
pub struct Caller {
    pub actor: Actor,
}

impl Caller {
    /// Reads the caller of a request.
    pub async fn identify(s: &AppState, parts: &Parts) -> Result<Caller, ApiError> {
        Caller::identify_with(s, parts, None).await
    }

    /// As [`Caller::identify`], with a session token the request carries as a parameter (seed
    /// 001's `token`) when it has no bearer header.
    pub async fn identify_with(s: &AppState, parts: &Parts, token: Option<String>) -> Result<Caller, ApiError> {
        if let Some(token) = bearer(&parts.headers).or(token) {
            return Ok(Caller { actor: session_user(s, &token, crate::origin::of(parts, s, Via::Web)).await? });
        }
        match parts.extensions.get::<Checked>() {
            // What the request signed was checked against what it sends, and the signature spent.
            Some(checked) => {
                let actor = checked.take()?.actor;
                Ok(Caller { actor: actor.with_origin(crate::origin::of(parts, s, Via::Api)) })
            }
            // A signature on a route that takes none is refused, not ignored.
            None if is_signed(&parts.headers) => {
                Err(Error::BadSignature("this route takes no signed requests".into()).into())
            }
            None => Err(Error::Unauthorized.into()),
        }
    }
}

/// The caller of a route for users: the user of a bearer token (401 without one, or for a
/// signature, which is no session).
pub struct LoggedIn {
    pub actor: Actor,
    /// The bearer token itself (logout ends it).
    pub token: String,
}

impl FromRequestParts<AppState> for LoggedIn {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, Self::Rejection> {
        let token = bearer(&parts.headers).ok_or(Error::Unauthorized)?;
        let origin = crate::origin::of(parts, s, Via::Web);
        Ok(LoggedIn { actor: session_user(s, &token, origin).await?, token })
    }
}

/// The user of a session token (401 for no live session), calling from `origin`.
async fn session_user(s: &AppState, token: &str, origin: Origin) -> Result<Actor, ApiError> {
    // Most requests come from a session resolved moments ago: answer those from memory.
    let principal = match s.cms.cached_principal(token) {
        Some(p) => p,
        None => {
            let token = token.to_string();
            s.run(move |cms| cms.authenticate(&token)).await?
        }
    };
    Ok(Actor::User(principal).with_origin(origin))
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, Self::Rejection> {
        Caller::identify(s, parts).await
    }
}

/// The cinema behind a signed request on a route anyone may call (a download): `None` for an
/// unsigned request, or one with a bearer token, which is no site. A signature that is refused
/// refuses the request (401): it is not quietly taken as anonymous.
pub struct SignedIfAny(pub Option<Actor>);

impl FromRequestParts<AppState> for SignedIfAny {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, Self::Rejection> {
        if !is_signed(&parts.headers) {
            return Ok(SignedIfAny(None));
        }
        Ok(SignedIfAny(Some(Caller::identify(s, parts).await?.actor)))
    }
}

/// A JSON body and who sent it ([`Caller`]). On a route behind `crate::signed`'s layer
/// ([`crate::signed::Kind::Params`]), a signature covers exactly this body as sent, so a signed
/// report cannot be replayed with another body. A missing credential is a 401 before the body
/// is parsed.
pub struct SignedJson<T> {
    pub caller: Caller,
    pub body: T,
}

impl<T: DeserializeOwned> FromRequest<AppState> for SignedJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, s: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let caller = Caller::from_request_parts(&mut parts, s).await?;
        let bytes = body_bytes(Request::from_parts(parts, body), s).await?;
        Ok(SignedJson { caller, body: parse_body(&bytes)? })
    }
}

/// Where a login comes from: the peer's address (none for a request the desktop hands the
/// router in process, which came over no network) and the client's `User-Agent`.
pub struct LoginClient(pub LoginFrom);

impl<S: Send + Sync> FromRequestParts<S> for LoginClient {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let address = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(peer)| peer.ip().to_string());
        let user_agent = parts.headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or_default();
        Ok(LoginClient(LoginFrom {
            address: address.unwrap_or_default(),
            user_agent: user_agent.to_string(),
            via: Via::Web,
        }))
    }
}
