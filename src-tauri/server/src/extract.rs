//! Request parsing the seed needs: JSON bodies whatever their Content-Type, and repeated query keys.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use cinedesk_core::Paging;
use serde::de::value::SeqDeserializer;
use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Unexpected, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use utoipa::IntoParams;

use crate::error::ApiError;

/// The address a request came from: the peer of its connection when served on a socket (see
/// `crate::serve`), the local machine when the router is called in process (the desktop).
pub struct ClientAddr(pub std::net::IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>();
        Ok(ClientAddr(peer.map_or(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST), |c| c.0.ip())))
    }
}

/// A JSON body. The seed's clients send JSON as `text/plain`, so the Content-Type is not checked;
/// what does not parse is a 400 naming the problem.
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        parse_body(&body_bytes(req, state).await?).map(JsonBody)
    }
}

/// The body of a request, within the router's size limit (413 past it).
pub(crate) async fn body_bytes<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, ApiError> {
    Bytes::from_request(req, state).await.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::TooLarge(e.body_text())
        } else {
            ApiError::BadRequest(e.body_text())
        }
    })
}

/// A JSON body as [`JsonBody`] reads it: an empty one is `{}`.
pub(crate) fn parse_body<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let body: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) { b"{}" } else { bytes };
    parse_json(body)
}

/// Parses a JSON body; a value of the wrong type is blamed on its field (`name`,
/// `movieList[0].id`), so the answer carries `field` just like the core's own validation.
pub(crate) fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    // One JSON value and nothing after it, or the body is not JSON at all.
    let value: Value =
        serde_json::from_slice(body).map_err(|e| ApiError::BadRequest(format!("invalid JSON body: {e}")))?;
    serde_path_to_error::deserialize(Strict(value)).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        // "." is the body itself (an array where an object belongs): no field to blame.
        if path != "." {
            ApiError::Core(cinedesk_core::Error::invalid(path, inner.to_string()))
        } else {
            ApiError::BadRequest(format!("invalid JSON body: {inner}"))
        }
    })
}

/// A JSON value read the way serde_json reads text, except that a struct must be a JSON object.
/// Serde's derive would also fill a struct from an array, field by field in declaration order: no
/// client of the seed sends that, and a body like `["c1", "name"]` would silently become a record.
struct Strict(Value);

impl<'de> Deserializer<'de> for Strict {
    type Error = serde_json::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.0 {
            Value::Array(items) => {
                let len = items.len();
                let mut seq = StrictSeq(items.into_iter());
                let value = visitor.visit_seq(&mut seq)?;
                match seq.0.len() {
                    0 => Ok(value),
                    _ => Err(de::Error::invalid_length(len, &"fewer elements in array")),
                }
            }
            Value::Object(map) => visitor.visit_map(StrictMap { entries: map.into_iter(), value: None }),
            other => other.deserialize_any(visitor),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        match self.0 {
            Value::Object(_) => self.deserialize_any(visitor),
            other => Err(de::Error::invalid_type(unexpected(&other), &visitor)),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _: &'static str, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_enum(name, variants, visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit unit_struct
        seq tuple tuple_struct map identifier ignored_any
    }
}

fn unexpected(v: &Value) -> Unexpected<'_> {
    match v {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(_) => Unexpected::Other("number"),
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}

struct StrictSeq(std::vec::IntoIter<Value>);

impl<'de> SeqAccess<'de> for StrictSeq {
    type Error = serde_json::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Self::Error> {
        self.0.next().map(|v| seed.deserialize(Strict(v))).transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

struct StrictMap {
    entries: serde_json::map::IntoIter,
    value: Option<Value>,
}

impl<'de> MapAccess<'de> for StrictMap {
    type Error = serde_json::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Self::Error> {
        let Some((key, value)) = self.entries.next() else { return Ok(None) };
        self.value = Some(value);
        seed.deserialize(key.into_deserializer()).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Self::Error> {
        let value = self.value.take().ok_or_else(|| de::Error::custom("a value was read before its key"))?;
        seed.deserialize(Strict(value))
    }
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

/// Query parameters parsed into `T` by the names of its fields, the seed's way: a key may repeat
/// (`cinema_id=a&cinema_id=b`) and a list value may also be a comma list, blank values count as
/// absent, and keys `T` does not name are ignored (browsers add cache-busters). The same `T`
/// derives `IntoParams`, so what is parsed is what the OpenAPI document lists. A value that does
/// not parse is a 400 naming its key.
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or("");
        let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes()).into_owned().collect();
        T::deserialize(QueryDe(&pairs))
            .map(Query)
            .map_err(|e| ApiError::Core(cinedesk_core::Error::invalid(e.field, e.reason)))
    }
}

/// `start` and `limit` of the seed's lists.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Index of the first item to answer (0 by default).
    start: Option<u32>,
    /// Page size (20 by default).
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<u32>,
}

impl PageParams {
    pub fn paging(&self) -> Result<Paging, ApiError> {
        Ok(Paging::new(self.start, self.limit)?)
    }
}

/// A query parameter that did not parse.
#[derive(Debug)]
struct QueryError {
    field: String,
    reason: String,
}

impl std::fmt::Display for QueryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.reason)
    }
}

impl std::error::Error for QueryError {}

impl de::Error for QueryError {
    fn custom<M: std::fmt::Display>(msg: M) -> Self {
        QueryError { field: String::new(), reason: msg.to_string() }
    }
}

/// The whole query: a struct whose fields are keys.
struct QueryDe<'a>(&'a [(String, String)]);

impl<'de> Deserializer<'de> for QueryDe<'_> {
    type Error = QueryError;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, QueryError> {
        Err(de::Error::custom("query parameters are read into a struct"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, QueryError> {
        visitor.visit_map(QueryFields { pairs: self.0, fields: fields.iter(), values: None })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
        unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
    }
}

/// The fields of the struct that have a non-blank value, in declaration order.
struct QueryFields<'a> {
    pairs: &'a [(String, String)],
    fields: std::slice::Iter<'static, &'static str>,
    values: Option<QueryValues>,
}

impl<'de> MapAccess<'de> for QueryFields<'_> {
    type Error = QueryError;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, QueryError> {
        for &key in self.fields.by_ref() {
            let values: Vec<String> = self
                .pairs
                .iter()
                .filter(|(k, v)| k == key && !v.trim().is_empty())
                .map(|(_, v)| v.trim().to_string())
                .collect();
            if !values.is_empty() {
                self.values = Some(QueryValues { key, values });
                return seed.deserialize(key.into_deserializer()).map(Some);
            }
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, QueryError> {
        let values = self.values.take().ok_or_else(|| de::Error::custom("a value was read before its key"))?;
        let key = values.key;
        seed.deserialize(values).map_err(|mut e| {
            if e.field.is_empty() {
                e.field = key.to_string();
            }
            e
        })
    }
}

/// The non-blank values of one key: one value for a scalar field (the first), all of them for a list.
struct QueryValues {
    key: &'static str,
    values: Vec<String>,
}

impl QueryValues {
    fn first(&self) -> &str {
        &self.values[0]
    }

    fn error(&self, reason: &str) -> QueryError {
        QueryError { field: self.key.to_string(), reason: reason.to_string() }
    }
}

impl<'de> Deserializer<'de> for QueryValues {
    type Error = QueryError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, QueryError> {
        visitor.visit_string(self.first().to_string())
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, QueryError> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _: &'static str, visitor: V) -> Result<V::Value, QueryError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, QueryError> {
        let items = self.values.iter().flat_map(|v| v.split(',')).map(str::trim).filter(|v| !v.is_empty());
        let mut seq = SeqDeserializer::<_, QueryError>::new(items.map(str::to_string));
        let value = visitor.visit_seq(&mut seq)?;
        seq.end()?;
        Ok(value)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, QueryError> {
        match self.first() {
            "true" | "1" => visitor.visit_bool(true),
            "false" | "0" => visitor.visit_bool(false),
            _ => Err(self.error("must be true or false")),
        }
    }

    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, QueryError> {
        match self.first().parse::<u32>() {
            Ok(n) => visitor.visit_u32(n),
            Err(_) => Err(self.error("must be a non-negative integer")),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, QueryError> {
        visitor.visit_enum(self.first().to_string().into_deserializer())
    }

    serde::forward_to_deserialize_any! {
        i8 i16 i32 i64 i128 u8 u16 u64 u128 f32 f64 char str string bytes byte_buf unit unit_struct tuple
        tuple_struct map struct identifier ignored_any
    }
}
