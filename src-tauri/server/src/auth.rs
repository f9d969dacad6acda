//! Who is calling: each request is authenticated once, by an extractor, into the core's
//! [`Actor`]; what that actor may do is the core's decision, made in each use case.
//!
//! A user sends a bearer token (on seed 001's routes also the `token` parameter); a cinema's
//! client signs its request the seed-004 way (`authorization: dc:{apikey}:{signature}`,
//! `user-date`, `user-params`). Routes for users take [`LoggedIn`] (a bearer token only, as
//! their documented security says); the routes machine clients call too take a [`Caller`].

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use cinedesk_core::{Actor, Error};
use percent_encoding::percent_decode_str;

use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::extract::{body_bytes, parse_body};
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
    /// For a signed request: the decoded `user-params` its signature covers.
    signed: Option<String>,
}

impl Caller {
    /// Reads the caller from the request's headers.
    pub async fn identify(s: &AppState, headers: &HeaderMap) -> Result<Caller, ApiError> {
        Caller::identify_with(s, headers, None).await
    }

    /// As [`Caller::identify`], with a session token the request carries as a parameter (seed
    /// 001's `token`) when it has no bearer header.
    pub async fn identify_with(s: &AppState, headers: &HeaderMap, token: Option<String>) -> Result<Caller, ApiError> {
        if let Some(token) = bearer(headers).or(token) {
            return Ok(Caller { actor: session_user(s, &token).await?, signed: None });
        }
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
        let (Some(auth), Some(date), Some(params)) =
            (header("authorization"), header("user-date"), header("user-params"))
        else {
            return Err(Error::Unauthorized.into());
        };
        // Form encoding, as the seed's Java clients write it: '+' is a space (a '+' itself is %2B).
        let signed = percent_decode_str(&params.replace('+', " "))
            .decode_utf8()
            .map_err(|_| ApiError::BadRequest("user-params must be URL-encoded UTF-8".into()))?
            .into_owned();
        let actor = s.run(move |cms| cms.verify_signed(&auth, &date, &params)).await?;
        Ok(Caller { actor, signed: Some(signed) })
    }

    /// A signed request must have signed the parameters it acts on: one of `sent` (the query
    /// string, or a small form body). File contents are not signed; they are checked by size
    /// and MD5. A user's request passes.
    pub fn covers(&self, sent: &[&str]) -> Result<(), ApiError> {
        match &self.signed {
            None => Ok(()),
            Some(signed) if sent.contains(&signed.as_str()) => Ok(()),
            Some(_) => Err(Error::Unauthorized.into()), // signed for another request
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
        Ok(LoggedIn { actor: session_user(s, &token).await?, token })
    }
}

/// The user of a session token (401 for no live session).
async fn session_user(s: &AppState, token: &str) -> Result<Actor, ApiError> {
    // Most requests come from a session resolved moments ago: answer those from memory.
    let principal = match s.cms.cached_principal(token) {
        Some(p) => p,
        None => {
            let token = token.to_string();
            s.run(move |cms| cms.authenticate(&token)).await?
        }
    };
    Ok(Actor::User(principal))
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, Self::Rejection> {
        Caller::identify(s, &parts.headers).await
    }
}

/// A JSON body and who sent it ([`Caller`]): a user's token, or a cinema's signature whose
/// `user-params` are exactly this body as sent (a signed report cannot be replayed with another
/// body). A missing credential is a 401 before the body is read.
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
        // A body that is not UTF-8 cannot be what a (text) signature covers.
        caller.covers(&[
            std::str::from_utf8(&bytes).map_err(|_| ApiError::BadRequest("the body must be UTF-8 JSON".into()))?
        ])?;
        Ok(SignedJson { caller, body: parse_body(&bytes)? })
    }
}

impl Caller {
    /// A signed request without a body must have signed its query string as sent.
    pub fn covers_query(&self, uri: &axum::http::Uri) -> Result<(), ApiError> {
        self.covers(&[uri.query().unwrap_or("")])
    }
}
