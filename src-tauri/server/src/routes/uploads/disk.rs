//! Seed 004 §4, the resource disk's uploads: `/onlineDisk/uploadify`, `createFid`, `fileResume`, `uncompletedFiles`.
//!
//! Answers are the seed's envelope `{"result":"000000"|"100000","resultDesc","data"}` (with
//! `info` and `code` beside it on failure, and the HTTP status saying what kind). A fid is the
//! id of the file it becomes. `filePos` is always the acknowledged position: a part sent for
//! another one is refused with 409, and `data.filePos` says where to go on.

use axum::body::Body;
use axum::extract::State;
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use cinedesk_core::files::{NewUpload, PartOptions, Protocol, Upload, UploadStart};
use cinedesk_core::{user_date, Domain, Error, NewFile, StoredFile};
use serde_json::{json, Value};

use super::{next_field, pump, text, Caller, Form};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Seed 004 §4.1: uploadify is for small files; larger ones go through createFid/fileResume.
pub const MAX_UPLOADIFY: u64 = 50 << 20;
/// Form bodies of createFid and uncompletedFiles are a few short fields.
const MAX_FORM: usize = 64 << 10;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/onlineDisk/uploadify", post(uploadify))
        .route("/onlineDisk/createFid", post(create_fid))
        .route("/onlineDisk/fileResume", post(file_resume))
        .route("/onlineDisk/uncompletedFiles", post(uncompleted).get(uncompleted))
}

fn ok(data: Value) -> Response {
    Json(json!({ "result": "000000", "resultDesc": "success", "data": data })).into_response()
}

fn failure(e: ApiError, data: Value) -> Response {
    let status = e.status();
    if status.is_server_error() {
        tracing::error!(error = %e, "resource disk upload failed");
    }
    let body = json!({ "result": "100000", "resultDesc": e.to_string(), "data": data, "info": e.to_string(),
                       "code": e.code() });
    (status, Json(body)).into_response()
}

/// "24.84MB", as the seed writes sizes.
fn human_size(n: u64) -> String {
    let units = ["B", "KB", "MB", "GB", "TB"];
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit < units.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n}B")
    } else {
        format!("{:.2}{}", (v * 100.0).floor() / 100.0, units[unit])
    }
}

/// "2015-04-20 17:13:47", China time like the seed's user-date.
fn posted_time(ms: i64) -> String {
    let d = user_date(ms);
    format!("{}-{}-{} {}:{}:{}", &d[0..4], &d[4..6], &d[6..8], &d[8..10], &d[10..12], &d[12..14])
}

fn ext(name: &str) -> &str {
    cinedesk_core::files::name::extension(name).unwrap_or("")
}

fn upload_data(u: &Upload) -> Value {
    json!({
        "fid": u.upload_id, "fileLength": u.length, "fileMd5": u.md5, "fileNameLocal": u.name,
        "filePathLocal": u.path_local, "filePos": u.offset, "fileSize": human_size(u.length), "fileExt": ext(&u.name),
        "isDeleted": "false", "postComplete": "false", "postedLength": u.offset,
        "postedTime": posted_time(u.update_time), "userId": u.client_user,
    })
}

fn file_data(f: &StoredFile, user_id: &str, path_local: &str) -> Value {
    json!({
        "fid": f.file_id, "fileLength": f.size, "fileMd5": f.md5, "fileNameLocal": f.name,
        "filePathLocal": path_local, "filePos": f.size, "fileSize": human_size(f.size), "fileExt": ext(&f.name),
        "isDeleted": "false", "postComplete": "true", "postedLength": f.size,
        "postedTime": posted_time(f.create_time), "userId": user_id,
    })
}

/// A small form body (urlencoded, whatever the Content-Type says; or a JSON object) and the
/// query, as name → value; the body's value wins. Also answers the body's text, which a
/// signed client may have signed.
async fn params(body: Body, uri: &Uri) -> ApiResult<(Vec<(String, String)>, String)> {
    let bytes = axum::body::to_bytes(body, MAX_FORM)
        .await
        .map_err(|_| ApiError::TooLarge(format!("the form must be under {MAX_FORM} bytes")))?;
    let text = String::from_utf8(bytes.to_vec()).map_err(|_| ApiError::BadRequest("the form must be UTF-8".into()))?;
    let mut pairs: Vec<(String, String)> = if text.trim_start().starts_with('{') {
        let v: serde_json::Map<String, Value> =
            serde_json::from_str(&text).map_err(|e| ApiError::BadRequest(format!("invalid JSON body: {e}")))?;
        v.into_iter().map(|(k, v)| (k, v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string()))).collect()
    } else {
        form_urlencoded::parse(text.trim().as_bytes()).into_owned().collect()
    };
    pairs.extend(form_urlencoded::parse(uri.query().unwrap_or("").as_bytes()).into_owned());
    Ok((pairs, text))
}

fn get<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs.iter().find(|(k, v)| k == key && !v.trim().is_empty()).map(|(_, v)| v.trim())
}

fn required<'a>(pairs: &'a [(String, String)], key: &str) -> ApiResult<&'a str> {
    get(pairs, key).ok_or_else(|| Error::invalid(key, "is required").into())
}

fn length(field: &str, v: &str) -> ApiResult<u64> {
    v.parse::<u64>().map_err(|_| Error::invalid(field, "must be a byte count").into())
}

fn domain(pairs: &[(String, String)]) -> ApiResult<Domain> {
    Ok(get(pairs, "domain").map(Domain::parse).transpose()?.unwrap_or(Domain::Resource))
}

/// §4.1: multipart `fileData`, at most 50 MB → `{"fid"}`.
async fn uploadify(
    State(s): State<AppState>,
    caller: Result<Caller, ApiError>,
    uri: Uri,
    form: Result<Form, ApiError>,
) -> Response {
    let result = async {
        let caller = caller?;
        caller.covers(&[uri.query().unwrap_or("")])?;
        let query: Vec<(String, String)> =
            form_urlencoded::parse(uri.query().unwrap_or("").as_bytes()).into_owned().collect();
        let domain = domain(&query)?;
        let Form(mut form) = form?;
        while let Some(mut field) = next_field(&mut form).await? {
            if field.name() != Some("fileData") {
                text(&mut field).await?;
                continue;
            }
            let spec = NewFile::new(field.file_name().unwrap_or("file"), domain, &caller.owner())
                .with_mime(field.content_type());
            let mut job = pump(&s, move |cms, mut feed| {
                let mut ingest = cms.ingest(spec, MAX_UPLOADIFY)?;
                if !feed.drain(|b| ingest.write_bytes(b))? {
                    return Err(Error::invalid("fileData", "the upload broke off"));
                }
                ingest.finish(0)
            });
            job.field(&mut field).await;
            return job.finish().await;
        }
        Err(ApiError::Core(Error::invalid("fileData", "is required")))
    }
    .await;
    match result {
        Ok(file) => Json(json!({ "fid": file.file_id })).into_response(),
        Err(e) => failure(e, Value::Null),
    }
}

/// §4.2: form `fileMd5`, `userId`, `fileLength`, `filePathLocal` (and optionally `domain`).
/// The same user, MD5 and length again: the same fid at its acknowledged `filePos`. Content
/// already stored: done at once (`postComplete` "true").
async fn create_fid(State(s): State<AppState>, caller: Result<Caller, ApiError>, uri: Uri, body: Body) -> Response {
    let result = async {
        let caller = caller?;
        let (pairs, text) = params(body, &uri).await?;
        caller.covers(&[uri.query().unwrap_or(""), text.trim()])?;
        let md5 = required(&pairs, "fileMd5")?.to_string();
        let user_id = required(&pairs, "userId")?.to_string();
        let len = length("fileLength", required(&pairs, "fileLength")?)?;
        let path_local = required(&pairs, "filePathLocal")?.to_string();
        let upload = NewUpload {
            protocol: Protocol::Resumable,
            owner: caller.owner(),
            client_user: user_id.clone(),
            domain: domain(&pairs)?,
            name: path_local.clone(),
            path_local: path_local.clone(),
            length: len,
            md5: Some(md5),
            metadata: String::new(),
            mime: None,
        };
        Ok::<_, ApiError>(match s.run(move |cms| cms.create_upload(upload)).await? {
            UploadStart::New(u) | UploadStart::Resumed(u) => upload_data(&u),
            UploadStart::Done(f) => file_data(&f, &user_id, &path_local),
        })
    }
    .await;
    match result {
        Ok(data) => ok(data),
        Err(e) => failure(e, Value::Null),
    }
}

/// §4.3: multipart `fid`, `userId`, `fileLength`, `fileMd5`, `fileNameLocal`, `filePos`, then
/// `part`. The part is written as it arrives, fsynced, then acknowledged; the MD5 is checked
/// when the last byte is in.
async fn file_resume(
    State(s): State<AppState>,
    caller: Result<Caller, ApiError>,
    uri: Uri,
    form: Result<Form, ApiError>,
) -> Response {
    let mut known: Option<(String, String)> = None;
    let result = async {
        let caller = caller?;
        caller.covers(&[uri.query().unwrap_or("")])?;
        let owner = caller.owner();
        let Form(mut form) = form?;
        let mut fields: Vec<(String, String)> = Vec::new();
        while let Some(mut field) = next_field(&mut form).await? {
            let name = field.name().unwrap_or("").to_string();
            if name != "part" {
                fields.push((name, text(&mut field).await?));
                continue;
            }
            let fid = required(&fields, "fid")?.to_string();
            known = Some((fid.clone(), owner.clone()));
            let pos = length("filePos", required(&fields, "filePos")?)?;
            let (f, o) = (fid.clone(), owner.clone());
            let upload = s.run(move |cms| cms.upload(&f, &o, Protocol::Resumable)).await?;
            // The part must be for this upload, as the client described it to createFid.
            if required(&fields, "userId")? != upload.client_user {
                return Err(Error::invalid("userId", "is not the user this fid was created for").into());
            }
            if length("fileLength", required(&fields, "fileLength")?)? != upload.length {
                return Err(Error::invalid("fileLength", format!("this fid is {} bytes long", upload.length)).into());
            }
            if !required(&fields, "fileMd5")?.eq_ignore_ascii_case(upload.md5.as_deref().unwrap_or("")) {
                return Err(Error::invalid("fileMd5", "is not the MD5 this fid was created with").into());
            }
            let mut job = pump(&s, move |cms, mut feed| {
                let mut part = cms.begin_part(&fid, &owner, Protocol::Resumable, pos, PartOptions::default())?;
                if !feed.drain(|b| part.write_bytes(b))? {
                    return Err(Error::invalid("part", "the part broke off; send it again from filePos"));
                }
                part.commit()
            });
            job.field(&mut field).await;
            let outcome = job.finish().await?;
            return Ok(match outcome.file {
                Some(f) => file_data(&f, &outcome.upload.client_user, &outcome.upload.path_local),
                None => upload_data(&outcome.upload),
            });
        }
        Err(ApiError::Core(Error::invalid("part", "is required (the last field of the form)")))
    }
    .await;
    match result {
        Ok(data) => ok(data),
        Err(e) => {
            // Where the upload stands, so the client knows the filePos to go on from.
            let data = match known {
                Some((fid, owner)) if !matches!(e, ApiError::Core(Error::ChecksumMismatch { .. })) => {
                    s.run(move |cms| cms.upload(&fid, &owner, Protocol::Resumable)).await.ok().map(|u| upload_data(&u))
                }
                _ => None,
            };
            failure(e, data.unwrap_or(Value::Null))
        }
    }
}

/// §4.4: `userId` → `{"uncompletedFiles":[…]}`.
async fn uncompleted(State(s): State<AppState>, caller: Result<Caller, ApiError>, uri: Uri, body: Body) -> Response {
    let result = async {
        let caller = caller?;
        let (pairs, text) = params(body, &uri).await?;
        caller.covers(&[uri.query().unwrap_or(""), text.trim()])?;
        let user_id = required(&pairs, "userId")?.to_string();
        let owner = caller.owner();
        let list = s.run(move |cms| cms.list_uploads(&owner, Some(Protocol::Resumable), Some(&user_id))).await?;
        Ok::<_, ApiError>(json!({ "uncompletedFiles": list.iter().map(upload_data).collect::<Vec<_>>() }))
    }
    .await;
    match result {
        Ok(data) => ok(data),
        Err(e) => failure(e, Value::Null),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn sizes_read_like_the_seed() {
        assert_eq!(super::human_size(26_051_823), "24.84MB");
        assert_eq!(super::human_size(512), "512B");
        assert_eq!(super::human_size(2 << 30), "2.00GB");
    }
}
