//! tus 1.0.0 at `/files/`: core, creation, termination, checksum (md5, sha1) and expiration, so tus-js-client and Uppy upload here.
//!
//! An upload's id is the id of the file it becomes. A PATCH is written as it arrives; if the
//! connection drops, what arrived is fsynced and kept (the client asks HEAD for the offset and
//! goes on), unless the PATCH carried a checksum, which can only be checked on the whole.

use std::time::{Duration, UNIX_EPOCH};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use cinedesk_core::files::{Checksum, NewUpload, PartOptions, Protocol, Upload, UploadStart, MAX_FILE_SIZE};
use cinedesk_core::{Actor, Domain, Error};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::body::pump;
use crate::auth::Caller;
use crate::base_url::base_url;
use crate::error::{ApiError, ApiResult};
use crate::extract::PathParam;
use crate::openapi::{Binary, ErrorBody};
use crate::state::AppState;

const VERSION: &str = "1.0.0";
const EXTENSIONS: &str = "creation,termination,checksum,expiration";
const CHECKSUMS: &str = "md5,sha1";
/// tus's status for a checksum that does not match.
const CHECKSUM_MISMATCH: u16 = 460;

/// The operations a [`Caller`] makes: create, HEAD, PATCH, DELETE. The creation URL is served
/// with and without its trailing slash, as clients are configured either way.
pub fn caller_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create))
        .routes(routes!(create_bare))
        .routes(routes!(head, patch, terminate))
        .route_layer(middleware::from_fn(protocol))
}

/// Discovery (OPTIONS) needs no credentials, as the protocol says.
pub fn public_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(discover))
        .routes(routes!(discover_bare))
        .routes(routes!(discover_upload))
        .route_layer(middleware::from_fn(protocol))
}

/// The tus protocol version, which every request but OPTIONS must name.
#[derive(ToSchema)]
#[allow(dead_code)] // documents the `Tus-Resumable` header, which `protocol` checks
pub(crate) enum TusVersion {
    #[schema(rename = "1.0.0")]
    V1,
}

/// Every answer says `Tus-Resumable`; every request but OPTIONS must speak 1.0.0 (412 otherwise).
/// A route layer: a method this path does not serve is the plain 405.
async fn protocol(req: Request, next: Next) -> Response {
    let speaks = req.headers().get("tus-resumable").and_then(|v| v.to_str().ok()) == Some(VERSION);
    let mut res = if req.method() != Method::OPTIONS && !speaks {
        let mut r = ApiError::PreconditionFailed("this server speaks tus 1.0.0: send Tus-Resumable: 1.0.0".into())
            .into_response();
        r.headers_mut().insert("tus-version", HeaderValue::from_static(VERSION));
        r
    } else {
        next.run(req).await
    };
    res.headers_mut().insert("tus-resumable", HeaderValue::from_static(VERSION));
    res
}

/// A failure as tus clients read it: the status (460 for a checksum mismatch), and our JSON.
fn failure(e: ApiError) -> Response {
    let checksum = matches!(e, ApiError::Core(Error::ChecksumMismatch { .. }));
    let mut res = e.into_response();
    if checksum {
        *res.status_mut() = StatusCode::from_u16(CHECKSUM_MISMATCH).expect("a valid status");
    }
    res
}

fn answer(r: ApiResult<Response>) -> Response {
    r.unwrap_or_else(failure)
}

/// What this server supports: version, extensions, checksum algorithms, largest upload.
#[utoipa::path(options, path = "/files/", tag = "tus", operation_id = "tus_options",
    responses((status = 204, description = "`Tus-Version`, `Tus-Extension`, `Tus-Checksum-Algorithm`, `Tus-Max-Size`")))]
async fn discover() -> Response {
    capabilities()
}

/// The same at `/files`.
#[utoipa::path(options, path = "/files", tag = "tus", operation_id = "tus_options_bare",
    responses((status = 204, description = "As `OPTIONS /files/`")))]
async fn discover_bare() -> Response {
    capabilities()
}

/// The same at an upload's URL.
#[utoipa::path(options, path = "/files/{id}", tag = "tus", operation_id = "tus_options_upload",
    params(("id" = String, Path, description = "The upload's id (the id of the file it becomes)")),
    responses((status = 204, description = "As `OPTIONS /files/`")))]
async fn discover_upload() -> Response {
    capabilities()
}

fn capabilities() -> Response {
    (
        StatusCode::NO_CONTENT,
        [
            ("tus-version", VERSION.to_string()),
            ("tus-extension", EXTENSIONS.to_string()),
            ("tus-checksum-algorithm", CHECKSUMS.to_string()),
            ("tus-max-size", MAX_FILE_SIZE.to_string()),
        ],
    )
        .into_response()
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim)
}

/// A tus header, which the protocol sends once: a second value is a 400, not ignored.
fn single<'a>(headers: &'a HeaderMap, name: &str) -> ApiResult<Option<&'a str>> {
    let mut values = headers.get_all(name).iter();
    let Some(value) = values.next() else { return Ok(None) };
    if values.next().is_some() {
        return Err(ApiError::BadRequest(format!("{name} must be sent once")));
    }
    let text = value.to_str().map_err(|_| ApiError::BadRequest(format!("{name} must be ASCII text")))?;
    Ok(Some(text.trim()))
}

/// A tus number header as the protocol writes it: once, digits only (no sign, no spaces inside).
fn number(headers: &HeaderMap, name: &str) -> ApiResult<Option<u64>> {
    let bad = || ApiError::BadRequest(format!("{name} must be a non-negative integer in digits"));
    single(headers, name)?
        .map(|v| {
            if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            v.parse::<u64>().map_err(|_| bad())
        })
        .transpose()
}

fn expires(ms: i64) -> String {
    httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_millis(ms.max(0) as u64))
}

/// `Upload-Metadata`: `key base64,key base64,key`; the values of `keys`, decoded.
fn metadata(raw: &str) -> ApiResult<Vec<(String, String)>> {
    let mut out = Vec::new();
    for pair in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once(' ').unwrap_or((pair, ""));
        if key.is_empty() || !key.is_ascii() {
            return Err(ApiError::BadRequest("Upload-Metadata keys must be non-empty ASCII".into()));
        }
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(value.trim())
            .map_err(|_| ApiError::BadRequest(format!("Upload-Metadata {key} must be base64")))?;
        out.push((key.to_string(), String::from_utf8_lossy(&bytes).into_owned()));
    }
    Ok(out)
}

fn meta<'a>(pairs: &'a [(String, String)], keys: &[&str]) -> Option<&'a str> {
    keys.iter().find_map(|k| pairs.iter().find(|(key, v)| key == k && !v.is_empty()).map(|(_, v)| v.as_str()))
}

/// POST: a new upload of `Upload-Length` bytes, named by `filename` (or `name`) metadata;
/// `domain` metadata says what it is for (RESOURCE if absent). Content already stored (same
/// MD5 and size) is not known yet at this point; the upload completes when its bytes are in.
#[utoipa::path(post, path = "/files/", tag = "tus", operation_id = "tus_create",
    params(
        ("Tus-Resumable" = inline(TusVersion), Header),
        ("Upload-Length" = u64, Header, description = "The upload's size in bytes"),
        ("Upload-Metadata" = Option<String>, Header,
            description = "`key base64,key base64`: `filename` (or `name`), `filetype` (or `type`), `domain`, `relativePath`"),
    ),
    responses(
        (status = 201, description = "Created: `Location` is the upload's URL, `Upload-Expires` when it is dropped if unfinished"),
        (status = 400, description = "A header missing or malformed (`Upload-Defer-Length` is not supported)", body = ErrorBody),
        (status = 412, description = "Not tus 1.0.0 (`Tus-Version` says what is)", body = ErrorBody),
        (status = 413, description = "`Upload-Length` above `Tus-Max-Size`", body = ErrorBody),
    ))]
async fn create(state: State<AppState>, caller: Result<Caller, ApiError>, headers: HeaderMap) -> Response {
    creation(state, caller, headers).await
}

/// The same at `/files`.
#[utoipa::path(post, path = "/files", tag = "tus", operation_id = "tus_create_bare",
    params(
        ("Tus-Resumable" = inline(TusVersion), Header),
        ("Upload-Length" = u64, Header, description = "The upload's size in bytes"),
        ("Upload-Metadata" = Option<String>, Header, description = "As `POST /files/`"),
    ),
    responses(
        (status = 201, description = "As `POST /files/`"),
        (status = 400, description = "A header missing or malformed", body = ErrorBody),
        (status = 412, description = "Not tus 1.0.0", body = ErrorBody),
        (status = 413, description = "`Upload-Length` above `Tus-Max-Size`", body = ErrorBody),
    ))]
async fn create_bare(state: State<AppState>, caller: Result<Caller, ApiError>, headers: HeaderMap) -> Response {
    creation(state, caller, headers).await
}

async fn creation(State(s): State<AppState>, caller: Result<Caller, ApiError>, headers: HeaderMap) -> Response {
    answer(
        async {
            let caller = caller?;
            if headers.contains_key("upload-defer-length") {
                return Err(ApiError::BadRequest("creation-defer-length is not supported: send Upload-Length".into()));
            }
            let length = number(&headers, "upload-length")?
                .ok_or_else(|| ApiError::BadRequest("Upload-Length is required".into()))?;
            if length > MAX_FILE_SIZE {
                return Err(Error::TooLarge(format!("Upload-Length is above Tus-Max-Size ({MAX_FILE_SIZE})")).into());
            }
            let raw = single(&headers, "upload-metadata")?.unwrap_or("").to_string();
            let pairs = metadata(&raw)?;
            let domain = meta(&pairs, &["domain"]).map(Domain::parse).transpose()?.unwrap_or(Domain::Resource);
            let upload = NewUpload {
                protocol: Protocol::Tus,
                client_user: String::new(),
                domain,
                name: meta(&pairs, &["filename", "name"]).unwrap_or("file").to_string(),
                path_local: meta(&pairs, &["relativePath"]).unwrap_or("").to_string(),
                length,
                md5: None,
                metadata: raw,
                mime: meta(&pairs, &["filetype", "type"]).map(str::to_string),
            };
            let start = s.run(move |cms| cms.create_upload(&caller.actor, upload)).await?;
            let (id, expiry) = match start {
                UploadStart::New(u) | UploadStart::Resumed(u) => (u.upload_id, Some(u.expire_time)),
                UploadStart::Done(f) => (f.file_id, None),
            };
            let mut res = StatusCode::CREATED.into_response();
            let h = res.headers_mut();
            h.insert(
                header::LOCATION,
                HeaderValue::from_str(&format!("{}/files/{id}", base_url(&headers)))
                    .map_err(|e| ApiError::BadRequest(e.to_string()))?,
            );
            if let Some(ms) = expiry {
                h.insert(
                    "upload-expires",
                    HeaderValue::from_str(&expires(ms)).expect("an HTTP date is a header value"),
                );
            }
            Ok(res)
        }
        .await,
    )
}

/// Where the caller's upload stands (once complete: its file, as a finished upload).
async fn state(s: &AppState, actor: &Actor, id: &str) -> ApiResult<Upload> {
    let (a, i) = (actor.clone(), id.to_string());
    s.run(move |cms| cms.upload_state(&a, &i, Protocol::Tus)).await
}

/// HEAD: where the upload stands. A finished upload is a file: its offset is its length.
#[utoipa::path(head, path = "/files/{id}", tag = "tus", operation_id = "tus_head",
    params(("id" = String, Path, description = "The upload's id"), ("Tus-Resumable" = inline(TusVersion), Header)),
    responses(
        (status = 200, description = "`Upload-Offset` (bytes acknowledged), `Upload-Length`, `Upload-Metadata`, `Upload-Expires`"),
        (status = 404, description = "No such upload of this caller", body = ErrorBody),
        (status = 412, description = "Not tus 1.0.0", body = ErrorBody),
    ))]
async fn head(
    State(s): State<AppState>,
    caller: Result<Caller, ApiError>,
    PathParam(id): PathParam<String>,
) -> Response {
    let mut res = answer(
        async {
            let caller = caller?;
            let u = state(&s, &caller.actor, &id).await?;
            let mut res = StatusCode::OK.into_response();
            let h = res.headers_mut();
            h.insert("upload-offset", u.offset.into());
            h.insert("upload-length", u.length.into());
            if let Ok(v) = HeaderValue::from_str(&u.metadata) {
                if !u.metadata.is_empty() {
                    h.insert("upload-metadata", v);
                }
            }
            if u.expire_time > 0 {
                h.insert("upload-expires", HeaderValue::from_str(&expires(u.expire_time)).expect("an HTTP date"));
            }
            Ok(res)
        }
        .await,
    );
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// `Upload-Checksum: md5 <base64>` or `sha1 <base64>`.
fn checksum(headers: &HeaderMap) -> ApiResult<Option<Checksum>> {
    let Some(v) = single(headers, "upload-checksum")? else { return Ok(None) };
    let (algo, digest) =
        v.split_once(' ').ok_or_else(|| ApiError::BadRequest("Upload-Checksum is `<algorithm> <base64>`".into()))?;
    let digest = base64::engine::general_purpose::STANDARD
        .decode(digest.trim())
        .map_err(|_| ApiError::BadRequest("Upload-Checksum's digest must be base64".into()))?;
    match algo {
        "md5" if digest.len() == 16 => Ok(Some(Checksum::Md5(digest))),
        "sha1" if digest.len() == 20 => Ok(Some(Checksum::Sha1(digest))),
        "md5" | "sha1" => Err(ApiError::BadRequest(format!("Upload-Checksum: not a {algo} digest"))),
        other => Err(ApiError::BadRequest(format!("Upload-Checksum: {other} is not supported (md5, sha1)"))),
    }
}

/// What became of a PATCH body.
enum Patched {
    Whole(Upload),
    BrokeOff(Upload),
}

/// PATCH: bytes at `Upload-Offset`, written as they arrive and fsynced before the answer. A body
/// that breaks off keeps what arrived, unless it carried `Upload-Checksum`.
#[utoipa::path(patch, path = "/files/{id}", tag = "tus", operation_id = "tus_patch",
    params(
        ("id" = String, Path, description = "The upload's id"),
        ("Tus-Resumable" = inline(TusVersion), Header),
        ("Upload-Offset" = u64, Header, description = "Where these bytes go: the offset HEAD answered"),
        ("Upload-Checksum" = Option<String>, Header, description = "`md5 <base64>` or `sha1 <base64>` of this body"),
    ),
    request_body(content = inline(Binary), content_type = "application/offset+octet-stream", description = "The bytes"),
    responses(
        (status = 204, description = "Stored: `Upload-Offset` is the new offset"),
        (status = 400, description = "A header missing or malformed", body = ErrorBody),
        (status = 404, description = "No such upload of this caller", body = ErrorBody),
        (status = 409, description = "`Upload-Offset` is not the upload's offset", body = ErrorBody),
        (status = 412, description = "Not tus 1.0.0", body = ErrorBody),
        (status = 413, description = "The body goes past `Upload-Length`", body = ErrorBody),
        (status = 415, description = "Not `application/offset+octet-stream`", body = ErrorBody),
        (status = 460, description = "The body does not match `Upload-Checksum`; nothing of it is kept", body = ErrorBody),
    ))]
async fn patch(
    State(s): State<AppState>,
    caller: Result<Caller, ApiError>,
    headers: HeaderMap,
    PathParam(id): PathParam<String>,
    body: Body,
) -> Response {
    answer(
        async {
            let actor = caller?.actor;
            let offset = number(&headers, "upload-offset")?
                .ok_or_else(|| ApiError::BadRequest("Upload-Offset is required".into()))?;
            let current = state(&s, &actor, &id).await?;
            // tus: an offset that is not the upload's is a 409, whatever else is wrong.
            if offset != current.offset {
                return Err(Error::OffsetMismatch { expected: current.offset, got: offset }.into());
            }
            if header_str(&headers, "content-type") != Some("application/offset+octet-stream") {
                return Err(ApiError::Unsupported("Content-Type must be application/offset+octet-stream".into()));
            }
            let check = checksum(&headers)?;
            let sent = number(&headers, "content-length")?;
            if current.offset == current.length {
                // Finished already: an empty PATCH at the end is harmless, anything else is not.
                if sent.unwrap_or(0) > 0 {
                    return Err(Error::TooLarge("the upload is complete".into()).into());
                }
                return Ok(done(&current));
            }
            if let Some(n) = sent {
                if offset.saturating_add(n) > current.length {
                    return Err(Error::TooLarge(format!(
                        "the upload is {} bytes long; this PATCH goes past its end",
                        current.length
                    ))
                    .into());
                }
            }
            let options = PartOptions { checksum: check, keep_partial: true };
            let mut job = pump(&s, move |cms, mut feed| {
                let mut part = cms.begin_part(&actor, &id, Protocol::Tus, offset, options)?;
                if feed.drain(|b| part.write_bytes(b))? {
                    Ok(Patched::Whole(part.commit()?.upload))
                } else {
                    Ok(Patched::BrokeOff(part.abort()?))
                }
            });
            job.body(body).await;
            match job.finish().await? {
                Patched::Whole(u) | Patched::BrokeOff(u) => Ok(done(&u)),
            }
        }
        .await,
    )
}

fn done(u: &Upload) -> Response {
    let mut res = StatusCode::NO_CONTENT.into_response();
    res.headers_mut().insert("upload-offset", u.offset.into());
    if u.expire_time > 0 && u.offset < u.length {
        res.headers_mut()
            .insert("upload-expires", HeaderValue::from_str(&expires(u.expire_time)).expect("an HTTP date"));
    }
    res
}

/// DELETE: the upload and what it received are gone (termination). A finished upload is a file,
/// not an upload: 404.
#[utoipa::path(delete, path = "/files/{id}", tag = "tus", operation_id = "tus_delete",
    params(("id" = String, Path, description = "The upload's id"), ("Tus-Resumable" = inline(TusVersion), Header)),
    responses(
        (status = 204, description = "Terminated"),
        (status = 404, description = "No such unfinished upload of this caller", body = ErrorBody),
        (status = 412, description = "Not tus 1.0.0", body = ErrorBody),
    ))]
async fn terminate(
    State(s): State<AppState>,
    caller: Result<Caller, ApiError>,
    PathParam(id): PathParam<String>,
) -> Response {
    answer(
        async {
            let caller = caller?;
            s.run(move |cms| cms.cancel_upload(&caller.actor, &id, Protocol::Tus)).await?;
            Ok(StatusCode::NO_CONTENT.into_response())
        }
        .await,
    )
}
