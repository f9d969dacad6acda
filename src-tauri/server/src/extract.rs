//! Request parsing the seed needs: JSON bodies whatever their Content-Type, and repeated query keys.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use cinedesk_core::Paging;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// A JSON body. The seed's clients send JSON as `text/plain`, so the Content-Type is not checked;
/// what does not parse is a 400 naming the problem.
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state).await.map_err(|e| ApiError::BadRequest(e.body_text()))?;
        let body: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) { b"{}" } else { &bytes };
        serde_json::from_slice(body).map(JsonBody).map_err(|e| ApiError::BadRequest(format!("invalid JSON body: {e}")))
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
