//! The request shapes of the wire, one module per seed (and `cinema_list` for the sites' contract), each parsed into the core's typed input with `TryFrom` (a failure is the core's `invalid` error, naming the wire field); here, the loose way the seed's clients write values.
//!
//! The seed writes ids and codes as strings ("0", "12345") or numbers (`"fid": 12345`), and
//! leaves a value out as an empty string: [`flex`] reads all of them as trimmed text or absent.

pub(crate) mod cinema_list;
pub(crate) mod seed001;
pub(crate) mod seed004;

use cinedesk_core::{Error, Result};
use serde::{Deserialize, Deserializer};

/// A value as text: strings trimmed, numbers and booleans ("1"/"0") written out; an empty
/// string is absent.
pub(crate) fn flex<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Str(String),
        Int(i64),
        Float(f64),
        Bool(bool),
    }
    Ok(match Option::<Raw>::deserialize(d)? {
        None => None,
        Some(Raw::Str(s)) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Some(Raw::Int(n)) => Some(n.to_string()),
        Some(Raw::Float(f)) => Some(f.to_string()),
        Some(Raw::Bool(b)) => Some(if b { "1" } else { "0" }.to_string()),
    })
}

/// `field`'s value, which the request must have (an empty string is none).
pub(crate) fn required(field: &str, v: Option<String>) -> Result<String> {
    v.filter(|v| !v.is_empty()).ok_or_else(|| Error::invalid(field, "is required"))
}

/// A whole number written as the document's patterns say (digits, no leading zero), or `why`.
pub(crate) fn whole(field: &str, v: &str, why: &str) -> Result<u64> {
    cinedesk_core::parse_whole(v).ok_or_else(|| Error::invalid(field, why.to_string()))
}
