//! The HTTP plumbing: one pooled blocking client, URLs under the server's base, bearer tokens,
//! and answers decoded or turned back into core errors.

use std::time::Duration;

use cinedesk_core::{Error, Result};
use reqwest::blocking::{Client, RequestBuilder, Response};
use reqwest::{Method, Url};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::query::Pairs;
use crate::wire;

/// How long to wait for a TCP (and TLS) connection: a server on the chain's network answers in
/// milliseconds, so a few seconds tell "down" from "slow" without freezing the UI long.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// The longest one request may take in all. Generous: a batch of a few thousand seats or a
/// 4096-pixel QR code takes seconds on a busy server, and giving up early on a write leaves the
/// user not knowing whether it happened.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Idle pooled connections are dropped after this, before a proxy or NAT silently does.
const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(50);

/// The wire name of the server address when it is at fault, for a settings form.
const URL_FIELD: &str = "serverURL";

/// A `cinedesk serve` reached over HTTP(S); implements [`cinedesk_core::CmsApi`].
///
/// Cheap to share (`Arc<RemoteCms>` or `Arc<dyn CmsApi>`): its connection pool serves every
/// thread. Like the core it blocks; in async code call it from `spawn_blocking` (reqwest's
/// blocking client must not be created, used or dropped on an async runtime's own threads).
pub struct RemoteCms {
    http: Client,
    base: Url,
}

/// Options of a [`RemoteCms`]; [`RemoteCms::new`] takes the defaults.
pub struct RemoteCmsBuilder {
    base: String,
    connect_timeout: Duration,
    timeout: Duration,
}

impl RemoteCmsBuilder {
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.connect_timeout = d;
        self
    }

    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = d;
        self
    }

    /// Checks the address and builds the client; nothing is sent yet.
    pub fn build(self) -> Result<RemoteCms> {
        let base = parse_base(&self.base)?;
        let http = Client::builder()
            .connect_timeout(self.connect_timeout)
            .timeout(self.timeout)
            .pool_idle_timeout(POOL_IDLE_TIMEOUT)
            .tcp_nodelay(true)
            // A redirected POST would silently turn into a GET; say where the server is instead.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("cinedesk-remote/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::Internal(format!("cannot set up the HTTP client: {}", wire::describe(&e))))?;
        Ok(RemoteCms { http, base })
    }
}

/// `http://host:port` or `https://host/prefix/`; a bare `host:port` means plain HTTP.
pub(crate) fn parse_base(s: &str) -> Result<Url> {
    let s = s.trim();
    let with_scheme = if s.contains("://") { s.to_string() } else { format!("http://{s}") };
    let url = Url::parse(&with_scheme).map_err(|e| Error::invalid(URL_FIELD, format!("not a URL ({e}): {s:?}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.cannot_be_a_base() || url.host().is_none() {
        return Err(Error::invalid(URL_FIELD, format!("must be an http:// or https:// address: {s:?}")));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::invalid(URL_FIELD, "must not carry a query or fragment"));
    }
    // Users log in with their own alias; credentials in the address would be sent with every call.
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::invalid(URL_FIELD, "must not carry a user name or password"));
    }
    Ok(url)
}

impl RemoteCms {
    /// A client of the server at `base_url` with the default timeouts.
    pub fn new(base_url: &str) -> Result<RemoteCms> {
        RemoteCms::builder(base_url).build()
    }

    pub fn builder(base_url: &str) -> RemoteCmsBuilder {
        RemoteCmsBuilder {
            base: base_url.to_string(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// The server's address as configured.
    pub fn base_url(&self) -> &Url {
        &self.base
    }

    /// A request to the path made of `segments` under the base (each one percent-encoded, so an
    /// id can never reach another route).
    pub(crate) fn call(&self, method: Method, segments: &[&str]) -> Call<'_> {
        let mut url = self.base.clone();
        url.path_segments_mut().expect("checked in parse_base: the base is http(s)").pop_if_empty().extend(segments);
        Call { client: self, method, url, token: None, body: None }
    }
}

/// One request being put together.
pub(crate) struct Call<'a> {
    client: &'a RemoteCms,
    method: Method,
    url: Url,
    token: Option<String>,
    body: Option<Vec<u8>>,
}

impl Call<'_> {
    pub(crate) fn token(mut self, token: &str) -> Self {
        self.token = Some(token.to_string());
        self
    }

    pub(crate) fn query(mut self, pairs: &Pairs) -> Self {
        if !pairs.is_empty() {
            let mut q = self.url.query_pairs_mut();
            for (k, v) in pairs.iter() {
                q.append_pair(k, v);
            }
        }
        self
    }

    pub(crate) fn body<T: Serialize + ?Sized>(mut self, body: &T) -> Result<Self> {
        let bytes = serde_json::to_vec(body).map_err(|e| Error::Internal(format!("cannot encode the request: {e}")))?;
        self.body = Some(bytes);
        Ok(self)
    }

    /// The request; the body moves into it (a seat batch can be megabytes).
    fn builder(&mut self) -> RequestBuilder {
        let mut rb = self.client.http.request(self.method.clone(), self.url.clone());
        if let Some(t) = &self.token {
            rb = rb.bearer_auth(t);
        }
        if let Some(b) = self.body.take() {
            rb = rb.header(reqwest::header::CONTENT_TYPE, "application/json").body(b);
        }
        rb
    }

    /// Sends it; a failed answer becomes the core error the server reported.
    fn send(mut self) -> Result<Response> {
        let started = std::time::Instant::now();
        let res = self.builder().send().map_err(|e| wire::transport(&self.url, &e))?;
        let status = res.status();
        tracing::debug!(method = %self.method, path = self.url.path(), %status, ms = started.elapsed().as_millis() as u64, "remote call");
        if status.is_success() {
            return Ok(res);
        }
        if status.is_redirection() {
            let to = res.headers().get(reqwest::header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("elsewhere");
            return Err(Error::invalid(URL_FIELD, format!("the server redirects to {to}; connect to that address")));
        }
        let body = res.bytes().map_err(|e| wire::transport(&self.url, &e))?;
        Err(wire::decode_error(&self.url, status, &body))
    }

    /// Sends it and reads the JSON answer as `T`.
    pub(crate) fn json<T: DeserializeOwned>(self) -> Result<T> {
        let url = self.url.clone();
        let body = self.send()?.bytes().map_err(|e| wire::transport(&url, &e))?;
        serde_json::from_slice(&body).map_err(|e| {
            Error::Internal(format!("unexpected answer from {}: {e}: {}", url.path(), wire::snippet(&body)))
        })
    }

    /// Sends it and reads the id the server names `key` in its answer (`{"cinemaID": "…"}`).
    pub(crate) fn created(self, key: &str) -> Result<String> {
        let url = self.url.clone();
        let v: serde_json::Value = self.json()?;
        v.get(key)
            .and_then(|id| id.as_str())
            .map(str::to_string)
            .ok_or_else(|| Error::Internal(format!("the answer of {} lacks {key}: {v}", url.path())))
    }

    /// Sends it for its effect; the body of a success is not needed.
    pub(crate) fn done(self) -> Result<()> {
        self.send().map(drop)
    }

    /// Sends it and returns the raw body (images).
    pub(crate) fn bytes(self) -> Result<Vec<u8>> {
        let url = self.url.clone();
        Ok(self.send()?.bytes().map_err(|e| wire::transport(&url, &e))?.to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_are_checked_and_paths_appended_under_them() {
        let c = RemoteCms::new("127.0.0.1:8080").expect("a bare host:port is plain HTTP");
        assert_eq!(c.call(Method::GET, &["cms", "cinemas"]).url.as_str(), "http://127.0.0.1:8080/cms/cinemas");
        let c = RemoteCms::new("https://cms.example.cn/cinedesk/").expect("a prefix behind a proxy");
        let url = c.call(Method::GET, &["cms", "cinemas", "a/b c"]).url;
        assert_eq!(url.as_str(), "https://cms.example.cn/cinedesk/cms/cinemas/a%2Fb%20c", "ids are one segment");
        for bad in ["ftp://x", "http://", "mailto:a@b", "http://h/?q=1", "not a url at all"] {
            let err = RemoteCms::new(bad).err().unwrap_or_else(|| panic!("{bad:?} must be refused"));
            assert_eq!((err.code().as_str(), err.field()), ("invalid", Some(URL_FIELD)), "{bad:?}: {err}");
        }
    }
}
