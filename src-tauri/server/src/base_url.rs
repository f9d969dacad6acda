//! This server as the client reached it, and the URLs handed back on it: the core answers paths on this server (`/cms/files/{id}`), the routes make them absolute here.

use axum::http::{header, HeaderMap};

/// This server as the client reached it (`http://host:port`), for URLs handed back: the Host
/// header, and https when a proxy in front says so.
pub(crate) fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_alphanumeric() || b".-:[]_".contains(&b)))
        .unwrap_or("127.0.0.1");
    let https = headers.get("x-forwarded-proto").and_then(|v| v.to_str().ok()) == Some("https");
    format!("{}://{host}", if https { "https" } else { "http" })
}

/// A path on this server (`/cms/files/…`) as a URL on `base`; a URL elsewhere as it is.
pub(crate) fn absolute(base: &str, url: &str) -> String {
    if url.starts_with('/') {
        format!("{}{url}", base.trim_end_matches('/'))
    } else {
        url.to_string()
    }
}
