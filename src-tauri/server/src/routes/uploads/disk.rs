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
use axum::Json;
use cinedesk_core::files::{NewUpload, PartOptions, Protocol, Upload, UploadStart};
use cinedesk_core::{user_date, Actor, Domain, Error, NewFile, StoredFile};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::body::{pump, Form, Part};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::openapi;
use crate::routes::envelope::seed004::{failure, ok, DiskAnswer, DiskFailure, DiskFile};
use crate::signed::{self, Kind};
use crate::state::AppState;

/// Seed 004 §4.1: uploadify is for small files; larger ones go through createFid/fileResume.
pub const MAX_UPLOADIFY: u64 = 50 << 20;
/// Form bodies of createFid and uncompletedFiles are a few short fields.
const MAX_FORM: usize = 64 << 10;

pub fn routes(app: &AppState) -> OpenApiRouter<AppState> {
    let forms = OpenApiRouter::new().routes(routes!(create_fid)).routes(routes!(uncompleted_get, uncompleted_post));
    let uploads = OpenApiRouter::new().routes(routes!(uploadify)).routes(routes!(file_resume));
    let mut routes = signed::layer(app, Kind::Params, forms).merge(signed::layer(app, Kind::Multipart, uploads));
    openapi::failures_as(
        routes.get_openapi_mut(),
        "DiskFailure",
        &[
            ("401", "No valid session or signature, or a signature over another request"),
            ("403", "The role may not upload"),
            ("500", "The server failed (storage)"),
        ],
    );
    routes
}

/// The unfinished uploads of a user.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Uncompleted {
    uncompleted_files: Vec<DiskFile>,
}

/// uploadify's answer: the new file's id.
#[derive(Serialize, ToSchema)]
pub(crate) struct Fid {
    fid: String,
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

fn upload_data(u: &Upload) -> DiskFile {
    DiskFile {
        fid: u.upload_id.clone(),
        file_length: u.length,
        file_md5: u.md5.clone().unwrap_or_default(),
        file_name_local: u.name.clone(),
        file_path_local: u.path_local.clone(),
        file_pos: u.offset,
        file_size: human_size(u.length),
        file_ext: ext(&u.name).to_string(),
        is_deleted: "false",
        post_complete: "false",
        posted_length: u.offset,
        posted_time: posted_time(u.update_time),
        user_id: u.client_user.clone(),
    }
}

fn file_data(f: &StoredFile, user_id: &str, path_local: &str) -> DiskFile {
    DiskFile {
        fid: f.file_id.clone(),
        file_length: f.size,
        file_md5: f.md5.clone(),
        file_name_local: f.name.clone(),
        file_path_local: path_local.to_string(),
        file_pos: f.size,
        file_size: human_size(f.size),
        file_ext: ext(&f.name).to_string(),
        is_deleted: "false",
        post_complete: "true",
        posted_length: f.size,
        posted_time: posted_time(f.create_time),
        user_id: user_id.to_string(),
    }
}

/// createFid's form (urlencoded, or the same as a JSON object).
#[derive(ToSchema)]
#[allow(dead_code)] // documents the form read as name/value pairs
pub(crate) struct CreateFidForm {
    /// The whole file's MD5 (hex).
    #[schema(rename = "fileMd5", pattern = "^[0-9a-fA-F]{32}$")]
    file_md5: String,
    /// The client's user.
    #[schema(rename = "userId", min_length = 1)]
    user_id: String,
    /// The whole file's size in bytes.
    #[schema(rename = "fileLength")]
    file_length: u64,
    /// The file's path on the client; its last segment names the file.
    #[schema(rename = "filePathLocal", min_length = 1)]
    file_path_local: String,
    /// What the file is for (RESOURCE if absent).
    domain: Option<Domain>,
}

/// fileResume's form: the part's description first, the part last.
#[derive(ToSchema)]
#[allow(dead_code)] // documents the multipart form read field by field
pub(crate) struct FileResumeForm {
    #[schema(min_length = 1)]
    fid: String,
    #[schema(rename = "userId", min_length = 1)]
    user_id: String,
    #[schema(rename = "fileLength")]
    file_length: u64,
    #[schema(rename = "fileMd5", pattern = "^[0-9a-fA-F]{32}$")]
    file_md5: String,
    #[schema(rename = "fileNameLocal")]
    file_name_local: Option<String>,
    /// Where this part starts: the `filePos` last answered.
    #[schema(rename = "filePos")]
    file_pos: u64,
    /// The part's bytes (last).
    #[schema(value_type = String, format = Binary)]
    part: Vec<u8>,
}

/// uploadify's form.
#[derive(ToSchema)]
#[allow(dead_code)] // documents the multipart form read field by field
pub(crate) struct UploadifyForm {
    /// The file, at most 50 MB.
    #[schema(rename = "fileData", value_type = String, format = Binary)]
    file_data: Vec<u8>,
}

/// uncompletedFiles' form.
#[derive(ToSchema)]
#[allow(dead_code)] // documents the form read as name/value pairs
pub(crate) struct UncompletedForm {
    #[schema(rename = "userId", min_length = 1)]
    user_id: String,
}

#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // read from the query string with the form; this struct documents it
struct DomainParam {
    /// What the file is for (RESOURCE if absent).
    domain: Option<Domain>,
}

#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // read from the query string with the form; this struct documents it
struct UserParam {
    /// The client's user (the form's `userId` wins).
    #[param(rename = "userId")]
    user_id: Option<String>,
}

/// A small form body (urlencoded, whatever the Content-Type says; or a JSON object) and the
/// query, as name → value; the body's value wins.
async fn params(body: Body, uri: &Uri) -> ApiResult<Vec<(String, String)>> {
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
    Ok(pairs)
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
#[utoipa::path(post, path = "/onlineDisk/uploadify", tag = "uploads", operation_id = "disk_uploadify",
    params(DomainParam),
    request_body(content = UploadifyForm, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "Stored", body = Fid),
        (status = 400, description = "No `fileData`, not a multipart form, a bad `domain`", body = DiskFailure),
        (status = 413, description = "Over 50 MB: use createFid and fileResume", body = DiskFailure),
    ))]
async fn uploadify(
    State(s): State<AppState>,
    caller: Result<Caller, ApiError>,
    uri: Uri,
    form: Result<Form, ApiError>,
) -> Response {
    let result = async {
        let caller = caller?;
        let query: Vec<(String, String)> =
            form_urlencoded::parse(uri.query().unwrap_or("").as_bytes()).into_owned().collect();
        let domain = domain(&query)?;
        let mut form = form?;
        while let Some(part) = form.next("fileData").await? {
            let Part::File(mut field) = part else { continue };
            let spec = NewFile::new(field.file_name().unwrap_or("file"), domain).with_mime(field.content_type());
            let actor = caller.actor.clone();
            let mut job = pump(&s, move |cms, mut feed| {
                let mut ingest = cms.ingest(&actor, spec, MAX_UPLOADIFY)?;
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
        Ok(file) => Json(Fid { fid: file.file_id }).into_response(),
        Err(e) => failure(e, None),
    }
}

/// §4.2: form `fileMd5`, `userId`, `fileLength`, `filePathLocal` (and optionally `domain`).
/// The same user, MD5 and length again: the same fid at its acknowledged `filePos`. Content
/// already stored: done at once (`postComplete` "true").
#[utoipa::path(post, path = "/onlineDisk/createFid", tag = "uploads", operation_id = "disk_create_fid",
    params(DomainParam),
    request_body(content((CreateFidForm = "application/x-www-form-urlencoded"), (CreateFidForm = "application/json"))),
    responses(
        (status = 200, description = "The upload (`filePos` where to go on) or, content already stored, the file",
            body = DiskAnswer<DiskFile>),
        (status = 400, description = "A field missing or malformed", body = DiskFailure),
        (status = 413, description = "The form is over 64 KB, or `fileLength` over the largest file", body = DiskFailure),
    ))]
async fn create_fid(State(s): State<AppState>, caller: Result<Caller, ApiError>, uri: Uri, body: Body) -> Response {
    let result = async {
        let caller = caller?;
        let pairs = params(body, &uri).await?;
        let md5 = required(&pairs, "fileMd5")?.to_string();
        let user_id = required(&pairs, "userId")?.to_string();
        let len = length("fileLength", required(&pairs, "fileLength")?)?;
        let path_local = required(&pairs, "filePathLocal")?.to_string();
        let upload = NewUpload {
            protocol: Protocol::Resumable,
            client_user: user_id.clone(),
            domain: domain(&pairs)?,
            name: path_local.clone(),
            path_local: path_local.clone(),
            length: len,
            md5: Some(md5),
            metadata: String::new(),
            mime: None,
        };
        Ok::<_, ApiError>(match s.run(move |cms| cms.create_upload(&caller.actor, upload)).await? {
            UploadStart::New(u) | UploadStart::Resumed(u) => upload_data(&u),
            UploadStart::Done(f) => file_data(&f, &user_id, &path_local),
        })
    }
    .await;
    match result {
        Ok(data) => ok(data),
        Err(e) => failure(e, None),
    }
}

/// §4.3: multipart `fid`, `userId`, `fileLength`, `fileMd5`, `fileNameLocal`, `filePos`, then
/// `part`. The part is written as it arrives, fsynced, then acknowledged; the MD5 is checked
/// when the last byte is in.
#[utoipa::path(post, path = "/onlineDisk/fileResume", tag = "uploads", operation_id = "disk_file_resume",
    request_body(content = FileResumeForm, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "The part is stored: the upload, or the file once whole", body = DiskAnswer<DiskFile>),
        (status = 400, description = "A field missing or not what createFid was given, the part broke off, or the whole \
            file does not hash to `fileMd5` (then the upload is gone)", body = DiskFailure),
        (status = 404, description = "No such fid of this caller", body = DiskFailure),
        (status = 409, description = "`filePos` is not the acknowledged position (`data.filePos`), or another part is \
            being sent", body = DiskFailure),
        (status = 413, description = "The part goes past `fileLength`", body = DiskFailure),
    ))]
async fn file_resume(
    State(s): State<AppState>,
    caller: Result<Caller, ApiError>,
    form: Result<Form, ApiError>,
) -> Response {
    let mut known: Option<(String, Actor)> = None;
    let result = async {
        let mut fields: Vec<(String, String)> = Vec::new();
        let actor = caller?.actor;
        let mut form = form?;
        while let Some(part) = form.next("part").await? {
            let mut field = match part {
                Part::Text(name, value) => {
                    fields.push((name, value));
                    continue;
                }
                Part::File(field) => field,
            };
            let fid = required(&fields, "fid")?.to_string();
            known = Some((fid.clone(), actor.clone()));
            let pos = length("filePos", required(&fields, "filePos")?)?;
            let (f, a) = (fid.clone(), actor.clone());
            let upload = s.run(move |cms| cms.upload(&a, &f, Protocol::Resumable)).await?;
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
                let mut part = cms.begin_part(&actor, &fid, Protocol::Resumable, pos, PartOptions::default())?;
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
                Some((fid, actor)) if !matches!(e, ApiError::Core(Error::ChecksumMismatch { .. })) => {
                    s.run(move |cms| cms.upload(&actor, &fid, Protocol::Resumable)).await.ok().map(|u| upload_data(&u))
                }
                _ => None,
            };
            failure(e, data)
        }
    }
}

/// §4.4: `userId` → `{"uncompletedFiles":[…]}`, by query string.
#[utoipa::path(get, path = "/onlineDisk/uncompletedFiles", tag = "uploads", operation_id = "disk_uncompleted_files",
    params(UserParam),
    responses(
        (status = 200, description = "The user's unfinished uploads of this caller", body = DiskAnswer<Uncompleted>),
        (status = 400, description = "No `userId`", body = DiskFailure),
    ))]
async fn uncompleted_get(state: State<AppState>, caller: Result<Caller, ApiError>, uri: Uri, body: Body) -> Response {
    uncompleted(state, caller, uri, body).await
}

/// §4.4 with a form body (urlencoded or JSON) instead of the query string.
#[utoipa::path(post, path = "/onlineDisk/uncompletedFiles", tag = "uploads", operation_id = "disk_uncompleted_files_form",
    params(UserParam),
    request_body(content((UncompletedForm = "application/x-www-form-urlencoded"), (UncompletedForm = "application/json"))),
    responses(
        (status = 200, description = "The user's unfinished uploads of this caller", body = DiskAnswer<Uncompleted>),
        (status = 400, description = "No `userId`", body = DiskFailure),
        (status = 413, description = "The form is over 64 KB", body = DiskFailure),
    ))]
async fn uncompleted_post(state: State<AppState>, caller: Result<Caller, ApiError>, uri: Uri, body: Body) -> Response {
    uncompleted(state, caller, uri, body).await
}

async fn uncompleted(State(s): State<AppState>, caller: Result<Caller, ApiError>, uri: Uri, body: Body) -> Response {
    let result = async {
        let caller = caller?;
        let pairs = params(body, &uri).await?;
        let user_id = required(&pairs, "userId")?.to_string();
        let list = s.run(move |cms| cms.list_uploads(&caller.actor, Some(Protocol::Resumable), Some(&user_id))).await?;
        Ok::<_, ApiError>(Uncompleted { uncompleted_files: list.iter().map(upload_data).collect() })
    }
    .await;
    match result {
        Ok(data) => ok(data),
        Err(e) => failure(e, None),
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
