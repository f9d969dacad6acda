//! The server's failures read back as core errors: `{"info","code","field"?}` and a status become
//! the [`Error`] variant the server's core raised, with the same code, field and message.

use cinedesk_core::{Entity, Error, ROLE_MANAGER, ROLE_SYS_ADMIN};
use reqwest::{StatusCode, Url};
use serde::Deserialize;

/// The error body of every failed API call.
#[derive(Deserialize)]
struct WireError {
    info: String,
    code: String,
    field: Option<String>,
}

/// A failure below HTTP: refused, reset, timed out, TLS. The operation may or may not have run.
pub(crate) fn transport(url: &Url, e: &reqwest::Error) -> Error {
    let what = if e.is_timeout() { "timed out" } else { "failed" };
    Error::Unreachable(format!("{} {what}: {}", origin(url), describe(e)))
}

/// `scheme://host:port` of a URL, for messages.
fn origin(url: &Url) -> String {
    url.origin().ascii_serialization()
}

/// An error with its chain of causes ("error sending request: connection refused").
pub(crate) fn describe(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}

/// The start of a body, for messages about answers that are not the API's.
pub(crate) fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut s: String = text.chars().take(200).collect();
    if text.chars().count() > 200 {
        s.push('…');
    }
    s
}

/// The core error behind a failed answer.
pub(crate) fn decode_error(url: &Url, status: StatusCode, body: &[u8]) -> Error {
    match serde_json::from_slice::<WireError>(body) {
        Ok(w) => from_wire(status, &w.code, &w.info, w.field.as_deref()),
        // A gateway's error page: the proxy is there, the Cinedesk server behind it is not.
        Err(_) if matches!(status.as_u16(), 502..=504) => {
            Error::Unreachable(format!("{} answered {status}: {}", origin(url), snippet(body)))
        }
        Err(_) => Error::Internal(format!(
            "{} is not a Cinedesk server, or not this version: {status} for {}: {}",
            origin(url),
            url.path(),
            snippet(body)
        )),
    }
}

/// Rebuilds the variant from its stable code; the message is the variant's own display, so the
/// parts are read back from it.
fn from_wire(status: StatusCode, code: &str, info: &str, field: Option<&str>) -> Error {
    let after = |prefix: &str| info.strip_prefix(prefix).unwrap_or(info).to_string();
    match (code, field) {
        ("invalid", Some(f)) => Error::Invalid { field: f.to_string(), reason: after(&format!("{f}: ")) },
        ("conflict", Some(f)) => {
            Error::Conflict { field: f.to_string(), value: after(&format!("{f} already exists: ")) }
        }
        ("not_found", _) => Entity::ALL
            .into_iter()
            .find_map(|entity| {
                let id = info.strip_prefix(&format!("{entity} not found: "))?;
                Some(Error::not_found(entity, id))
            })
            // Not one of the core's: a route this server lacks.
            .unwrap_or_else(|| {
                Error::Internal(format!("the server does not know this request (older version?): {info}"))
            }),
        ("in_use", _) => Error::InUse(info.to_string()),
        ("unauthorized", _) if info == Error::BadCredentials.to_string() => Error::BadCredentials,
        ("unauthorized", _) => Error::Unauthorized,
        // The role names are the only ones the core refuses with; MANAGER is the lesser one.
        ("forbidden", _) if info.ends_with(ROLE_MANAGER) => Error::Forbidden(ROLE_MANAGER),
        ("forbidden", _) => Error::Forbidden(ROLE_SYS_ADMIN),
        ("storage", _) => Error::Storage(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_ERROR),
            Some(format!("on the server: {}", after("database error: "))),
        )),
        ("io", _) => Error::Io(std::io::Error::other(format!("on the server: {}", after("i/o error: ")))),
        ("internal", _) => Error::Internal(format!("on the server: {}", after("internal error: "))),
        // A body the server could not parse carries no field: the client sent what the server does
        // not expect, a version mismatch rather than a user's mistake.
        _ => Error::Internal(format!("the server refused the request ({status}, {code}): {info}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the server's error mapping sends for `e` (src-tauri/server/src/error.rs).
    fn round_trip(e: &Error) -> Error {
        from_wire(StatusCode::BAD_REQUEST, e.code().as_str(), &e.to_string(), e.field())
    }

    #[test]
    fn every_user_facing_error_comes_back_as_the_same_variant_and_message() {
        let cases = [
            Error::invalid("numberOfHalls", "must not be negative"),
            Error::Conflict { field: "cinemaCode".into(), value: "dup: with colon".into() },
            Error::not_found(Entity::VrClient, "ghost id"),
            Error::not_found(Entity::Enum, "X"),
            Error::InUse("hmd model hmd109 is used by 1 seat(s)".into()),
            Error::BadCredentials,
            Error::Unauthorized,
            Error::Forbidden(ROLE_SYS_ADMIN),
            Error::Forbidden(ROLE_MANAGER),
            Error::Internal("boom".into()),
        ];
        for e in cases {
            let back = round_trip(&e);
            assert_eq!((back.code(), back.field()), (e.code(), e.field()), "code and field survive: {e}");
            if !matches!(e, Error::Internal(_)) {
                assert_eq!(back.to_string(), e.to_string(), "the message survives too");
            }
        }
        assert!(matches!(round_trip(&Error::BadCredentials), Error::BadCredentials));
        assert!(matches!(
            round_trip(&Error::not_found(Entity::Hall, "h")),
            Error::NotFound { entity: Entity::Hall, .. }
        ));
    }

    #[test]
    fn server_side_failures_come_back_internal() {
        for code in ["storage", "io", "internal"] {
            let e = from_wire(StatusCode::INTERNAL_SERVER_ERROR, code, "x: disk on fire", None);
            assert_eq!(e.code(), "internal", "a server's failure is internal to its clients");
            assert!(e.to_string().contains("disk on fire"), "{e}");
        }
        let url = Url::parse("http://h:1/cms/x").unwrap();
        let gateway = decode_error(&url, StatusCode::BAD_GATEWAY, b"<html>502 Bad Gateway</html>");
        assert_eq!(gateway.code(), "unreachable", "a proxy's error page means the server is not there");
        let odd = decode_error(&url, StatusCode::NOT_FOUND, b"<html>nginx</html>");
        assert_eq!(odd.code(), "internal", "{odd}");
        let route =
            decode_error(&url, StatusCode::NOT_FOUND, br#"{"info":"no such route: /cms/x","code":"not_found"}"#);
        assert_eq!(route.code(), "internal", "a missing route is a version mismatch, not a missing record: {route}");
    }
}
