//! Who calls the library, upload-token and VOD routes, and what they sent: a user's bearer token (or seed 001's `token` parameter), or a cinema's client signing the seed-004 way.
//!
//! A signed request must have signed what it acts on: its decoded `user-params` must be the
//! query string as sent, or the body as sent, byte for byte, so a signature cannot be replayed
//! onto other parameters. (The file store's upload routes have an extractor of the same rules;
//! the two are one once both are merged.)

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use cinedesk_core::{Actor, Capability, Error, Principal};
use percent_encoding::percent_decode_str;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::auth::bearer;
use crate::error::{ApiError, ApiResult};
use crate::extract::parse_json;
use crate::state::AppState;

/// Bodies of these routes are small JSON or forms.
const MAX_BODY: usize = 1 << 20;

pub(crate) enum Caller {
    User(Principal),
    Cinema { cinema: String },
}

impl Caller {
    pub(crate) fn actor(&self) -> Actor {
        match self {
            Caller::User(p) => Actor::from_principal(p),
            Caller::Cinema { cinema } => Actor::Cinema { cinema_id: cinema.clone() },
        }
    }

    /// Operators only (classification, upload-token settings): a cinema's client is refused.
    pub(crate) fn require_user(&self) -> ApiResult<&Principal> {
        match self {
            Caller::User(p) => Ok(p),
            Caller::Cinema { .. } => {
                Err(ApiError::Forbidden("this is for the chain's operators, not a cinema's client".into()))
            }
        }
    }
}

/// A request: its caller, query pairs and body.
pub(crate) struct Call {
    pub caller: Caller,
    pub headers: HeaderMap,
    pairs: Vec<(String, String)>,
    body: Bytes,
}

async fn user(s: &AppState, token: String) -> ApiResult<Principal> {
    let principal = match s.cms.cached_principal(&token) {
        Some(p) => p,
        None => s.run(move |cms| cms.authenticate(&token)).await?,
    };
    principal.require(Capability::Operate)?;
    Ok(principal)
}

impl FromRequest<AppState> for Call {
    type Rejection = ApiError;

    async fn from_request(req: Request, s: &AppState) -> Result<Self, Self::Rejection> {
        let (parts, body): (Parts, _) = req.into_parts();
        let query = parts.uri.query().unwrap_or("").to_string();
        let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes()).into_owned().collect();
        let body = axum::body::to_bytes(body, MAX_BODY).await.map_err(|e| {
            if e.to_string().contains("length limit") {
                ApiError::TooLarge(format!("a body of these routes is at most {MAX_BODY} bytes"))
            } else {
                ApiError::BadRequest(format!("could not read the body: {e}"))
            }
        })?;
        let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
        let seed_token = pairs.iter().find(|(k, v)| k == "token" && !v.is_empty()).map(|(_, v)| v.clone());
        let caller = if let Some(token) = bearer(&parts.headers).or(seed_token) {
            Caller::User(user(s, token).await?)
        } else {
            let (Some(auth), Some(date), Some(params)) =
                (header("authorization"), header("user-date"), header("user-params"))
            else {
                return Err(Error::Unauthorized.into());
            };
            let signed = percent_decode_str(&params)
                .decode_utf8()
                .map_err(|_| ApiError::BadRequest("user-params must be URL-encoded UTF-8".into()))?
                .into_owned();
            if signed != query && signed.as_bytes() != body.as_ref() {
                return Err(Error::Unauthorized.into()); // signed for another request than this one
            }
            let cinema = s.run(move |cms| cms.verify_signed(&auth, &date, &params)).await?;
            Caller::Cinema { cinema }
        };
        Ok(Call { caller, headers: parts.headers, pairs, body })
    }
}

impl Call {
    pub(crate) fn actor(&self) -> Actor {
        self.caller.actor()
    }

    /// The JSON body (empty: `{}`), whatever its Content-Type.
    pub(crate) fn json<T: DeserializeOwned>(&self) -> ApiResult<T> {
        let body: &[u8] = if self.body.iter().all(u8::is_ascii_whitespace) { b"{}" } else { &self.body };
        parse_json(body)
    }

    /// The parameters, wherever the client put them: the query string, then a JSON object
    /// body, then a form body. Seed 001's clients send GET queries and POST forms alike.
    pub(crate) fn params(&self) -> ApiResult<serde_json::Map<String, Value>> {
        let mut out = serde_json::Map::new();
        let trimmed = self.body.iter().position(|b| !b.is_ascii_whitespace());
        if let Some(start) = trimmed {
            if self.body[start] == b'{' {
                match parse_json::<Value>(&self.body)? {
                    Value::Object(m) => out = m,
                    _ => return Err(ApiError::BadRequest("the body must be a JSON object".into())),
                }
            } else {
                for (k, v) in form_urlencoded::parse(&self.body) {
                    out.insert(k.into_owned(), Value::String(v.into_owned()));
                }
            }
        }
        for (k, v) in &self.pairs {
            out.insert(k.clone(), Value::String(v.clone()));
        }
        Ok(out)
    }

    /// The parameters read into `T` (so numbers and strings alike reach the core's types).
    pub(crate) fn params_as<T: DeserializeOwned>(&self) -> ApiResult<T> {
        let v = Value::Object(self.params()?);
        parse_json(v.to_string().as_bytes())
    }

    /// One query or body parameter, as text.
    pub(crate) fn param(&self, key: &str) -> ApiResult<Option<String>> {
        Ok(self.params()?.get(key).and_then(|v| match v {
            Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }))
    }

    /// A whole-number parameter.
    pub(crate) fn u32(&self, key: &str) -> ApiResult<Option<u32>> {
        self.param(key)?
            .map(|v| v.parse::<u32>().map_err(|_| Error::invalid(key, "must be a non-negative whole number").into()))
            .transpose()
    }

    /// This server as the client reached it (`http://host:port`), for URLs handed back: the
    /// Host header, and https when a proxy in front says so.
    pub(crate) fn base_url(&self) -> String {
        let host = self
            .headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .filter(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_alphanumeric() || b".-:[]_".contains(&b)))
            .unwrap_or("127.0.0.1");
        let https = self.headers.get("x-forwarded-proto").and_then(|v| v.to_str().ok()) == Some("https");
        format!("{}://{host}", if https { "https" } else { "http" })
    }
}

/// The HTTP status and body fields every envelope shares on failure.
pub(crate) fn failure_parts(e: &ApiError) -> (StatusCode, String, &'static str, Option<String>) {
    let status = e.status();
    if status.is_server_error() {
        tracing::error!(error = %e, "request failed");
    }
    let field = match e {
        ApiError::Core(c) => c.field().map(str::to_string),
        _ => None,
    };
    (status, e.to_string(), e.code(), field)
}
