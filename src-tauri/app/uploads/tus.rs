//! A tus 1.0.0 client (creation, HEAD, chunked PATCH, termination) for remote mode: a file on
//! disk goes to a `cinedesk serve`'s `/files/` by path, in chunks, and picks up where the server
//! says it stands after a pause, a failure or a restart.
//!
//! Blocking, like the embedded core's local upload: the manager runs each upload on a thread of
//! its own that reads the file and asks for pauses between and during chunks, so an async client
//! would only add a runtime handle to that thread for nothing.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use cinedesk_core::Code;
use reqwest::blocking::{Body, Client, RequestBuilder, Response};
use reqwest::{Method, StatusCode, Url};
use serde::Deserialize;

use crate::error::CommandError;

/// Bytes per PATCH: large enough that the server's fsync per PATCH costs little, small enough
/// that a broken connection loses little.
pub const CHUNK: u64 = 32 * 1024 * 1024;
/// How often the progress callback is asked while a chunk is on the wire.
const POLL: Duration = Duration::from_millis(50);
/// How long to wait for a connection: a server on the chain's network answers in milliseconds.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// What a run of [`TusClient::run`] ended with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TusOutcome {
    /// Every byte is acknowledged; the upload's id is the stored file's id.
    Done { file_id: String },
    /// Stopped because the progress callback said so, at this acknowledged offset.
    Paused { offset: u64 },
}

/// Where a run of [`TusClient::run`] stands, as its progress callback is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TusProgress {
    /// Bytes sent, those still on the wire included.
    pub sent: u64,
    /// Bytes the server has acknowledged: what a pause keeps for sure.
    pub acknowledged: u64,
    pub length: u64,
}

/// What a file to upload is called and is for (tus `Upload-Metadata`).
pub struct TusMeta<'a> {
    pub filename: &'a str,
    pub filetype: &'a str,
    pub domain: &'a str,
}

type Result<T> = std::result::Result<T, CommandError>;

/// A tus endpoint (`{server}/files/`) with a session's bearer token.
pub struct TusClient {
    http: Client,
    endpoint: Url,
    token: String,
}

impl TusClient {
    /// `server` is the address of remote mode's settings (`http://host:port`, checked there).
    pub fn new(server: &str, token: &str) -> Result<TusClient> {
        let base = format!("{}/", server.trim().trim_end_matches('/'));
        let endpoint = Url::parse(&base).and_then(|u| u.join("files/")).map_err(|e| CommandError {
            code: Code::Invalid,
            info: format!("cannot form the upload address from {server:?}: {e}"),
            field: Some("serverUrl".into()),
        })?;
        // No overall timeout: a 32 MiB chunk on a slow link takes as long as it takes; a dead
        // connection is caught by the connect timeout and TCP keepalive.
        let http = Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(None)
            .tcp_keepalive(Duration::from_secs(30))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("cinedesk-desktop/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| CommandError::internal(format!("cannot set up the HTTP client: {}", root_cause(&e))))?;
        Ok(TusClient { http, endpoint, token: token.to_string() })
    }

    fn request(&self, method: Method, url: &Url) -> RequestBuilder {
        self.http.request(method, url.clone()).header("Tus-Resumable", "1.0.0").bearer_auth(&self.token)
    }

    /// Sends and reads the answer; a non-2xx answer becomes the server's own error.
    fn send(&self, url: &Url, req: RequestBuilder) -> Result<Response> {
        let res = req.send().map_err(|e| unreachable(url, &e))?;
        if res.status().is_success() {
            return Ok(res);
        }
        let status = res.status();
        let body = res.bytes().map(|b| b.to_vec()).unwrap_or_default();
        Err(failure(url, status, &body))
    }

    /// POST creation: the new upload's absolute URL (its last segment is the file id).
    pub fn create(&self, length: u64, meta: &TusMeta<'_>) -> Result<String> {
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        let metadata =
            format!("filename {},filetype {},domain {}", b64(meta.filename), b64(meta.filetype), b64(meta.domain));
        let req = self
            .request(Method::POST, &self.endpoint)
            .header("Upload-Length", length)
            .header("Upload-Metadata", metadata);
        let res = self.send(&self.endpoint, req)?;
        let location = res
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| CommandError::internal("the server created an upload without a Location".into()))?;
        let url = self
            .endpoint
            .join(location)
            .map_err(|e| CommandError::internal(format!("the server's Location {location:?} is not a URL: {e}")))?;
        Ok(url.to_string())
    }

    /// HEAD: the bytes the server has acknowledged.
    pub fn offset(&self, upload_url: &str) -> Result<u64> {
        let url = upload_url_of(upload_url)?;
        let res = self.send(&url, self.request(Method::HEAD, &url))?;
        header_u64(&res, "upload-offset")
    }

    /// DELETE termination: the server forgets the upload and its bytes.
    pub fn terminate(&self, upload_url: &str) -> Result<()> {
        let url = upload_url_of(upload_url)?;
        self.send(&url, self.request(Method::DELETE, &url)).map(|_| ())
    }

    /// Sends `path` from the server's offset to the end in chunks. `progress` is asked before
    /// each chunk (nothing on the wire then) and every few tens of milliseconds while one is
    /// sent; answering false breaks the chunk off (the server keeps what arrived) and returns
    /// [`TusOutcome::Paused`] at the server's offset.
    pub fn run(
        &self,
        upload_url: &str,
        path: &Path,
        length: u64,
        progress: &mut dyn FnMut(TusProgress) -> bool,
    ) -> Result<TusOutcome> {
        let url = upload_url_of(upload_url)?;
        let file_id = url.path_segments().and_then(|mut s| s.next_back()).unwrap_or_default().to_string();
        let mut offset = self.offset(upload_url)?;
        while offset < length {
            if !progress(TusProgress { sent: offset, acknowledged: offset, length }) {
                return Ok(TusOutcome::Paused { offset });
            }
            let len = CHUNK.min(length - offset);
            let mut src = File::open(path).map_err(|e| source_error(path, &e))?;
            if src.metadata().map_err(|e| source_error(path, &e))?.len() != length {
                return Err(CommandError {
                    code: Code::Invalid,
                    info: format!("{} changed size since the upload started", path.display()),
                    field: Some("path".into()),
                });
            }
            src.seek(SeekFrom::Start(offset)).map_err(|e| source_error(path, &e))?;
            let sent = Arc::new(AtomicU64::new(0));
            let stop = Arc::new(AtomicBool::new(false));
            let reader = Watched { inner: src.take(len), sent: Arc::clone(&sent), stop: Arc::clone(&stop) };
            let req = self
                .request(Method::PATCH, &url)
                .header("Content-Type", "application/offset+octet-stream")
                .header("Upload-Offset", offset)
                .body(Body::sized(reader, len));
            // The request runs on its own thread so that progress (and a pause) is seen while the
            // chunk is on the wire, not only between chunks.
            let answer = std::thread::scope(|scope| {
                let job = scope.spawn(|| self.send(&url, req));
                while !job.is_finished() {
                    std::thread::sleep(POLL);
                    let now = TusProgress { sent: offset + sent.load(Ordering::Relaxed), acknowledged: offset, length };
                    if !stop.load(Ordering::Relaxed) && !progress(now) {
                        stop.store(true, Ordering::Relaxed);
                    }
                }
                job.join().unwrap_or_else(|_| Err(CommandError::internal("the upload thread panicked".into())))
            });
            match answer {
                Ok(res) => offset = header_u64(&res, "upload-offset")?,
                // Broken off on purpose: the server kept what arrived; ask how much that is.
                Err(_) if stop.load(Ordering::Relaxed) => {
                    return Ok(TusOutcome::Paused { offset: self.offset(upload_url)? });
                }
                Err(e) => return Err(e),
            }
            if stop.load(Ordering::Relaxed) && offset < length {
                return Ok(TusOutcome::Paused { offset });
            }
        }
        progress(TusProgress { sent: length, acknowledged: length, length });
        Ok(TusOutcome::Done { file_id })
    }
}

/// The file being sent, counting what was read and failing the body on a pause.
struct Watched {
    inner: std::io::Take<File>,
    sent: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
}

impl Read for Watched {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.stop.load(Ordering::Relaxed) {
            return Err(std::io::Error::other("paused"));
        }
        let n = self.inner.read(buf)?;
        self.sent.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// The server's failure body: `{"info","code","field"?}`.
#[derive(Deserialize)]
struct Failure {
    info: String,
    code: String,
    field: Option<String>,
}

/// The error of a non-2xx answer: the server's own, or why it is not one.
fn failure(url: &Url, status: StatusCode, body: &[u8]) -> CommandError {
    if let Ok(f) = serde_json::from_slice::<Failure>(body) {
        // The server's code kept, so the manager can tell a gone upload from a refused one.
        let code = Code::ALL.into_iter().find(|c| *c == f.code.as_str()).unwrap_or(Code::Internal);
        return CommandError { code, info: f.info, field: f.field };
    }
    let origin = url.origin().ascii_serialization();
    match status {
        // A HEAD answer has no body to carry the error: its status says enough (tus: 404 or 410
        // for an upload that is gone).
        StatusCode::NOT_FOUND | StatusCode::GONE if body.is_empty() => {
            let id = url.path_segments().and_then(|mut s| s.next_back()).unwrap_or_default();
            CommandError { code: Code::NotFound, info: format!("upload not found: {id}"), field: None }
        }
        // A gateway's error page: the proxy is there, the Cinedesk server behind it is not.
        s if (502..=504).contains(&s.as_u16()) => {
            CommandError::no_backend(format!("{origin} answered {status}: the Cinedesk server behind it is not there"))
        }
        _ => CommandError::internal(format!(
            "{origin} is not a Cinedesk server: it answered {status} for {}",
            url.path()
        )),
    }
}

/// A failure below HTTP (refused, reset, timed out, TLS): the server could not be reached.
fn unreachable(url: &Url, e: &reqwest::Error) -> CommandError {
    let what = if e.is_timeout() { "timed out" } else { "failed" };
    let origin = url.origin().ascii_serialization();
    CommandError::no_backend(format!("the Cinedesk server at {origin} {what}: {}", root_cause(e)))
}

/// The innermost error's text: reqwest's outer message ("error sending request") says little.
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

fn source_error(path: &Path, e: &std::io::Error) -> CommandError {
    CommandError { code: Code::Invalid, info: format!("{}: {e}", path.display()), field: Some("path".into()) }
}

fn upload_url_of(s: &str) -> Result<Url> {
    Url::parse(s).map_err(|e| CommandError::internal(format!("not an upload URL ({e}): {s:?}")))
}

fn header_u64(res: &Response, name: &str) -> Result<u64> {
    res.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| CommandError::internal(format!("the server's answer has no valid {name} ({})", res.status())))
}
