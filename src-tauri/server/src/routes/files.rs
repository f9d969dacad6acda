//! Downloads: `GET /cms/files/{fileID}` with ranges, ETags and the original name; `GET /cms/files/{fileID}/info` for metadata and events.
//!
//! Downloads are public, like OSS public-read objects: `<img src>` and the cinemas' players
//! fetch them without a token, and file ids are unguessable (77 random bits). Content never
//! changes under an id, so the MD5 is a strong ETag and answers may be cached for good.
//!
//! A site's agent signs its downloads with its cinema's key (`dc`/`dc2` over the query string,
//! as any signed GET): the bytes sent are then counted on that cinema's deliveries of the file
//! (`servedBytes`) as the download goes and when it ends, however it ends (`crate::file_body`).

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use cinedesk_core::files::is_id;
use cinedesk_core::{Entity, Error, StoredFile};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{LoggedIn, SignedIfAny};
use crate::error::{ApiError, ApiResult};
use crate::extract::{PathParam, Query};
use crate::openapi::{Binary, ErrorBody};
use crate::state::AppState;

pub fn public_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(download))
}

pub fn info_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(info))
}

/// RFC 5987 attr-char: what may stay unescaped in `filename*`.
const ATTR_CHAR: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// A file's metadata and its processing events (probe, snapshot, thumbnail).
#[utoipa::path(get, path = "/cms/files/{file_id}/info", tag = "files", operation_id = "file_info",
    params(("file_id" = String, Path, description = "The file's id")),
    responses(
        (status = 200, description = "The file", body = StoredFile),
        (status = 404, description = "No such file", body = ErrorBody),
    ))]
async fn info(
    State(s): State<AppState>,
    session: LoggedIn,
    PathParam(id): PathParam<String>,
) -> ApiResult<Json<StoredFile>> {
    Ok(Json(s.run(move |cms| cms.file(&session.actor, &id)).await?))
}

/// `inline` (or `attachment` with `?download=1`) with an ASCII fallback name and the UTF-8 name.
fn disposition(name: &str, attachment: bool) -> HeaderValue {
    let fallback: String =
        name.chars().map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' { c } else { '_' }).collect();
    let kind = if attachment { "attachment" } else { "inline" };
    let value = format!("{kind}; filename=\"{fallback}\"; filename*=UTF-8''{}", utf8_percent_encode(name, ATTR_CHAR));
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static("inline"))
}

fn etag(file: &StoredFile) -> String {
    if file.md5.is_empty() {
        format!("\"{}-{}\"", file.file_id, file.size)
    } else {
        format!("\"{}\"", file.md5)
    }
}

/// Whether an If-None-Match list names this ETag (weak comparison, as RFC 9110 asks for GET).
fn matches_any(list: &str, tag: &str) -> bool {
    list.split(',').map(str::trim).any(|t| t == "*" || t.trim_start_matches("W/") == tag)
}

/// One `bytes=` range resolved against `size`: Some(Ok(start..=end)), Some(Err(())) when it
/// cannot be satisfied, None when the header is not one range this server answers (then the
/// whole file is sent, as RFC 9110 allows).
fn range(value: &str, size: u64) -> Option<Result<(u64, u64), ()>> {
    let spec = value.trim().strip_prefix("bytes=")?;
    if spec.contains(',') {
        return None;
    }
    let (a, b) = spec.trim().split_once('-')?;
    let (a, b) = (a.trim(), b.trim());
    let r = if a.is_empty() {
        let n: u64 = b.parse().ok()?;
        if n == 0 || size == 0 {
            return Some(Err(()));
        }
        (size.saturating_sub(n), size - 1)
    } else {
        let start: u64 = a.parse().ok()?;
        let end: u64 = if b.is_empty() { u64::MAX } else { b.parse().ok()? };
        if end < start {
            return None;
        }
        if start >= size {
            return Some(Err(()));
        }
        (start, end.min(size - 1))
    };
    Some(Ok(r))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct DownloadParams {
    /// `true` (or `1`): `Content-Disposition: attachment`, so a browser saves it; inline otherwise.
    download: Option<bool>,
}

/// The headers a download reads; documented so clients (and generated tests) know them.
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)] // read from the HeaderMap; this struct only documents them
struct DownloadHeaders {
    /// One range `bytes=a-b`, `bytes=a-` or `bytes=-n`; anything else is answered with the whole file.
    #[param(rename = "Range")]
    range: Option<String>,
    /// The ETag the client has: 304 when it is this file's.
    #[param(rename = "If-None-Match")]
    if_none_match: Option<String>,
    /// Send the range only if the file still has this ETag, else the whole file.
    #[param(rename = "If-Range")]
    if_range: Option<String>,
}

/// The file's content (public, like OSS public-read: `<img src>` and players fetch it without a
/// token). The ETag is the MD5; answers may be cached for good, since content never changes under
/// an id. Files uploaded to Aliyun OSS directly redirect there. A site signs its downloads
/// (optional; a refused signature is 401): what it was sent is counted on its deliveries of the
/// file (`servedBytes`).
#[utoipa::path(get, path = "/cms/files/{file_id}", tag = "files", operation_id = "download_file",
    security((), ("comsUserDate" = [], "comsUserParams" = [], "comsSignature" = [])),
    params(("file_id" = String, Path, description = "The file's id"), DownloadParams, DownloadHeaders),
    responses(
        (status = 200, description = "The whole file, with its MIME type, `ETag`, `Content-Disposition` (UTF-8 name)",
            content_type = "*/*", body = inline(Binary)),
        (status = 206, description = "The requested range (`Content-Range`)", content_type = "*/*", body = inline(Binary)),
        (status = 302, description = "Stored in Aliyun OSS: `Location` is the object's URL"),
        (status = 304, description = "`If-None-Match` named this file's ETag"),
        (status = 400, description = "`download` is not a boolean", body = ErrorBody),
        (status = 401, description = "A signature that is refused (bad, stale or spent)", body = ErrorBody),
        (status = 404, description = "No such file", body = ErrorBody),
        (status = 416, description = "The range starts past the end (`Content-Range: bytes */size`)", body = ErrorBody),
    ))]
async fn download(
    State(s): State<AppState>,
    SignedIfAny(site): SignedIfAny,
    PathParam(id): PathParam<String>,
    headers: HeaderMap,
    Query(q): Query<DownloadParams>,
) -> ApiResult<Response> {
    if !is_id(&id) {
        return Err(Error::not_found(Entity::File, id).into());
    }
    let (file, path) = s.run(move |cms| cms.file_content(&id)).await?;
    let Some(path) = path else {
        // Uploaded to OSS directly: it is there.
        let fid = file.file_id.clone();
        let url = s.run(move |cms| cms.file_remote_url(&fid)).await?.unwrap_or_default();
        return Ok((StatusCode::FOUND, [(header::LOCATION, url)]).into_response());
    };
    let tag = etag(&file);
    let mut h = HeaderMap::new();
    let set = |h: &mut HeaderMap, name: header::HeaderName, v: &str| {
        if let Ok(v) = HeaderValue::from_str(v) {
            h.insert(name, v);
        }
    };
    set(&mut h, header::ETAG, &tag);
    set(&mut h, header::CACHE_CONTROL, "public, max-age=31536000, immutable");
    set(
        &mut h,
        header::LAST_MODIFIED,
        &httpdate::fmt_http_date(
            std::time::UNIX_EPOCH + std::time::Duration::from_millis(file.create_time.max(0) as u64),
        ),
    );
    if let Some(inm) = headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) {
        if matches_any(inm, &tag) {
            return Ok((StatusCode::NOT_MODIFIED, h).into_response());
        }
    }
    set(&mut h, header::CONTENT_TYPE, &file.mime_type);
    set(&mut h, header::ACCEPT_RANGES, "bytes");
    h.insert(header::CONTENT_DISPOSITION, disposition(&file.name, q.download.unwrap_or(false)));
    // Uploaded HTML or SVG must not run as this origin: no sniffing, and a sandbox.
    set(&mut h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(
        &mut h,
        header::CONTENT_SECURITY_POLICY,
        "sandbox; default-src 'none'; img-src 'self' data:; media-src 'self'; style-src 'unsafe-inline'",
    );

    let size = file.size;
    // If-Range with another validator: the file the client has is not this one, send it whole.
    let if_range_ok = headers.get(header::IF_RANGE).and_then(|v| v.to_str().ok()).is_none_or(|v| v.trim() == tag);
    let wanted =
        headers.get(header::RANGE).and_then(|v| v.to_str().ok()).filter(|_| if_range_ok).and_then(|v| range(v, size));
    let (status, start, len) = match wanted {
        Some(Err(())) => {
            let mut res =
                ApiError::RangeNotSatisfiable(format!("the range starts past the end ({size} bytes)")).into_response();
            set(res.headers_mut(), header::CONTENT_RANGE, &format!("bytes */{size}"));
            return Ok(res);
        }
        Some(Ok((a, b))) => {
            set(&mut h, header::CONTENT_RANGE, &format!("bytes {a}-{b}/{size}"));
            (StatusCode::PARTIAL_CONTENT, a, b - a + 1)
        }
        None => (StatusCode::OK, 0, size),
    };
    set(&mut h, header::CONTENT_LENGTH, &len.to_string());
    // A site's download is counted on its deliveries as it goes and when it ends, however it ends.
    let count = site.map(|actor| {
        let (s, file_id) = (s.clone(), file.file_id.clone());
        Box::new(move |sent| {
            let Ok(rt) = tokio::runtime::Handle::try_current() else { return };
            let (s, actor, file_id) = (s.clone(), actor.clone(), file_id.clone());
            rt.spawn(async move {
                if let Err(e) = s.run(move |cms| cms.record_download(&actor, &file_id, sent)).await {
                    tracing::warn!(error = %e, "a site's download could not be counted");
                }
            });
        }) as crate::file_body::Count
    });
    let body = crate::file_body::body(path, start, len, count).await.map_err(|e| ApiError::Core(Error::Io(e)))?;
    Ok((status, h, body).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(range("bytes=0-9", 100), Some(Ok((0, 9))));
        assert_eq!(range("bytes=90-", 100), Some(Ok((90, 99))));
        assert_eq!(range("bytes=-10", 100), Some(Ok((90, 99))));
        assert_eq!(range("bytes=-1000", 100), Some(Ok((0, 99))));
        assert_eq!(range("bytes=95-200", 100), Some(Ok((95, 99))));
        assert_eq!(range("bytes=100-", 100), Some(Err(())));
        assert_eq!(range("bytes=-0", 100), Some(Err(())));
        assert_eq!(range("bytes=0-1,5-6", 100), None, "several ranges: the whole file");
        assert_eq!(range("items=0-1", 100), None);
        assert_eq!(range("bytes=9-1", 100), None);
    }

    #[test]
    fn utf8_names_in_content_disposition() {
        let v = disposition("海报 \"1\".png", false);
        assert_eq!(
            v.to_str().unwrap(),
            "inline; filename=\"__ _1_.png\"; filename*=UTF-8''%E6%B5%B7%E6%8A%A5%20%221%22.png"
        );
    }
}
