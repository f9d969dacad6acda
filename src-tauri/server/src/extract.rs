//! Request parsing the seed needs: JSON bodies whatever their Content-Type, and repeated query keys.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use cinedesk_core::Paging;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// A JSON body. The seed's clients send JSON as `text/plain`, so the Content-Type is not checked;
/// what does not parse is a 400 naming the problem.
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::TooLarge(e.body_text())
            } else {
                ApiError::BadRequest(e.body_text())
            }
        })?;
        let body: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) { b"{}" } else { &bytes };
        parse_json(body).map(JsonBody)
    }
}

/// Parses a JSON body; a value of the wrong type is blamed on its field (`name`,
/// `movieList[0].id`), so the answer carries `field` just like the core's own validation.
pub(crate) fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        // "." is the body itself (an array where an object belongs): no field to blame.
        if inner.is_data() && path != "." {
            ApiError::Core(cinedesk_core::Error::invalid(path, inner.to_string()))
        } else {
            ApiError::BadRequest(format!("invalid JSON body: {inner}"))
        }
    })?;
    // Trailing garbage after the value is as bad as no JSON at all.
    de.end().map_err(|e| ApiError::BadRequest(format!("invalid JSON body: {e}")))?;
    Ok(value)
}

/// A path parameter whose rejection (say, `%FF` in an id) is the JSON 400 of every other failure
/// rather than axum's plain-text one.
pub struct PathParam<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for PathParam<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(v)) => Ok(PathParam(v)),
            Err(e) => Err(ApiError::BadRequest(e.body_text())),
        }
    }
}

/// The query string as ordered pairs, so `cinema_id=a&cinema_id=b` gives both values.
pub struct QueryPairs(Vec<(String, String)>);

impl<S: Send + Sync> FromRequestParts<S> for QueryPairs {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or("");
        Ok(QueryPairs(form_urlencoded::parse(query.as_bytes()).into_owned().collect()))
    }
}

impl QueryPairs {
    /// The first non-empty value of `key`.
    pub fn one(&self, key: &str) -> Option<String> {
        self.0.iter().find(|(k, v)| k == key && !v.trim().is_empty()).map(|(_, v)| v.trim().to_string())
    }

    /// Every non-empty value of `key`, in order; a value may itself be a comma list.
    pub fn all(&self, key: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .flat_map(|(_, v)| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
            .collect()
    }

    pub fn u32(&self, key: &str) -> Result<Option<u32>, ApiError> {
        self.one(key)
            .map(|v| {
                v.parse::<u32>().map_err(|_| ApiError::BadRequest(format!("{key}: must be a non-negative integer")))
            })
            .transpose()
    }

    pub fn bool(&self, key: &str) -> Result<Option<bool>, ApiError> {
        self.one(key)
            .map(|v| match v.as_str() {
                "true" | "1" => Ok(true),
                "false" | "0" => Ok(false),
                _ => Err(ApiError::BadRequest(format!("{key}: must be true or false"))),
            })
            .transpose()
    }

    /// `start` and `limit` of the seed (0 and 20 by default).
    pub fn paging(&self) -> Result<Paging, ApiError> {
        Ok(Paging::new(self.u32("start")?, self.u32("limit")?)?)
    }
}
