//! A request of the seed routes that take their parameters from anywhere (the resource library, seed-003 upload tokens, seed-001 VOD flows): its [`Caller`], query pairs and body.
//!
//! The caller is [`Caller`]'s, like every route machine clients call, plus seed 001's `token`
//! parameter. A signed request signed what it acts on (its query, or its body and then no query):
//! `crate::signed` checked that before the route runs.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::HeaderMap;
use cinedesk_core::{Actor, Error};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::auth::Caller;
use crate::base_url::base_url;
use crate::error::{ApiError, ApiResult};
use crate::extract::parse_json;
use crate::state::AppState;

/// Bodies of these routes are small JSON or forms.
const MAX_BODY: usize = 1 << 20;

pub(crate) struct Call {
    pub caller: Caller,
    headers: HeaderMap,
    pairs: Vec<(String, String)>,
    body: Bytes,
}

impl FromRequest<AppState> for Call {
    type Rejection = ApiError;

    async fn from_request(req: Request, s: &AppState) -> Result<Self, Self::Rejection> {
        let (parts, body) = req.into_parts();
        let query = parts.uri.query().unwrap_or("");
        let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes()).into_owned().collect();
        let body = axum::body::to_bytes(body, MAX_BODY).await.map_err(|e| {
            if e.to_string().contains("length limit") {
                ApiError::TooLarge(format!("a body of these routes is at most {MAX_BODY} bytes"))
            } else {
                ApiError::BadRequest(format!("could not read the body: {e}"))
            }
        })?;
        let token = pairs.iter().find(|(k, v)| k == "token" && !v.is_empty()).map(|(_, v)| v.clone());
        let caller = Caller::identify_with(s, &parts, token).await?;
        Ok(Call { caller, headers: parts.headers, pairs, body })
    }
}

impl Call {
    pub(crate) fn actor(&self) -> Actor {
        self.caller.actor.clone()
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

    /// This server as the client reached it, for URLs handed back.
    pub(crate) fn base_url(&self) -> String {
        base_url(&self.headers)
    }
}

/// One operation served on GET (parameters in the query, `$params` documented as query
/// parameters) and on POST (the same parameters as a form or a JSON body): two documented
/// operations, `$get` and `$post`, both answered by `$handler`.
macro_rules! get_and_post {
    ($(#[doc = $doc:literal])* $get:ident, $post:ident, $path:literal, $tag:literal, $params:ident, $handler:ident,
     responses($($responses:tt)*)) => {
        $(#[doc = $doc])*
        #[utoipa::path(get, path = $path, tag = $tag, params($params), responses($($responses)*))]
        async fn $get(
            s: axum::extract::State<$crate::state::AppState>,
            call: $crate::error::ApiResult<$crate::routes::call::Call>,
        ) -> axum::response::Response {
            $handler(s, call).await
        }

        $(#[doc = $doc])*
        #[utoipa::path(post, path = $path, tag = $tag,
            request_body(content(($params = "application/x-www-form-urlencoded"), ($params = "application/json"))),
            responses($($responses)*))]
        async fn $post(
            s: axum::extract::State<$crate::state::AppState>,
            call: $crate::error::ApiResult<$crate::routes::call::Call>,
        ) -> axum::response::Response {
            $handler(s, call).await
        }
    };
}
pub(crate) use get_and_post;
