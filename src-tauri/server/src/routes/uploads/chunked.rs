//! Seed 002: `GET /oauth2/video/upload/url` hands out an upload URL; plupload posts chunks there (`chunk`, `chunks`, `name`, `file`).
//!
//! Answers are the seed's: `{"OK":1,"debug":1,"data":{"id"}}` once the file is whole,
//! `{"OK":0,"debug":0,"data":{"code":101,…}}` for a chunk stored while others are missing
//! (the seed's "上传中"), and `{"OK":0,"debug":1,"data":{"code","message"}}` with a 4xx status
//! for a failure, `code` being that status.

use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Json;
use axum::Router;
use cinedesk_core::files::MAX_FILE_SIZE;
use cinedesk_core::{Domain, Error, NewFile};
use serde_json::{json, Value};

use super::{base_url, next_field, pump, text, Caller, Form};
use crate::error::ApiError;
use crate::extract::QueryPairs;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/oauth2/video/upload/url", get(upload_url)).route("/oauth2/video/upload", post(upload_chunk))
}

/// The seed's failure shape, with the status as its code (and the usual `info` beside it).
fn failure(e: ApiError) -> Response {
    let status = e.status();
    if status.is_server_error() {
        tracing::error!(error = %e, "chunked upload failed");
    }
    let body = json!({ "OK": 0, "debug": 1, "data": { "code": status.as_u16(), "message": e.to_string() },
                       "info": e.to_string(), "code": e.code() });
    (status, Json(body)).into_response()
}

/// `{"code":200,"msg":"success","data":{"block":1,"url":…}}`
async fn upload_url(
    State(s): State<AppState>,
    caller: Result<Caller, ApiError>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    let result = async {
        let caller = caller?;
        caller.covers(&[uri.query().unwrap_or("")])?;
        let owner = caller.owner();
        let key = s.run(move |cms| cms.create_upload_url(&owner)).await?;
        Ok::<_, ApiError>(format!("{}/oauth2/video/upload?key={key}", base_url(&headers)))
    }
    .await;
    match result {
        Ok(url) => Json(json!({ "code": 200, "msg": "success", "data": { "block": 1, "url": url } })).into_response(),
        Err(e) => {
            let status = e.status();
            let body = json!({ "code": status.as_u16(), "msg": e.to_string(), "data": null, "info": e.to_string() });
            (status, Json(body)).into_response()
        }
    }
}

/// `POST /oauth2/video/upload?key=…`, multipart: `name`, `chunk`, `chunks` before `file`
/// (plupload sends its params first). Without `chunks` the file came whole.
async fn upload_chunk(
    State(s): State<AppState>,
    caller: Result<Caller, ApiError>,
    uri: Uri,
    q: QueryPairs,
    form: Result<Form, ApiError>,
) -> Response {
    match receive(s, caller, uri, q, form).await {
        Ok(answer) => Json(answer).into_response(),
        Err(e) => failure(e),
    }
}

async fn receive(
    s: AppState,
    caller: Result<Caller, ApiError>,
    uri: Uri,
    q: QueryPairs,
    form: Result<Form, ApiError>,
) -> Result<Value, ApiError> {
    let caller = caller?;
    caller.covers(&[uri.query().unwrap_or("")])?;
    let owner = caller.owner();
    let key = q.one("key").ok_or_else(|| Error::invalid("key", "is required (the upload URL's key)"))?;
    let (k, o) = (key.clone(), owner.clone());
    s.run(move |cms| cms.check_upload_url(&k, &o)).await?;
    let Form(mut form) = form?;
    let (mut name, mut chunk, mut chunks) = (None::<String>, None::<u32>, None::<u32>);
    let number = |field: &str, v: String| {
        v.trim().parse::<u32>().map_err(|_| ApiError::Core(Error::invalid(field, "must be a non-negative integer")))
    };
    while let Some(mut field) = next_field(&mut form).await? {
        match field.name().unwrap_or("") {
            "name" => name = Some(text(&mut field).await?),
            "chunk" => chunk = Some(number("chunk", text(&mut field).await?)?),
            "chunks" => chunks = Some(number("chunks", text(&mut field).await?)?),
            "file" => {
                let name =
                    name.clone().or_else(|| field.file_name().map(str::to_string)).unwrap_or_else(|| "video".into());
                let (key, owner) = (key.clone(), owner.clone());
                return match chunks {
                    None => {
                        let spec = NewFile::new(&name, Domain::Movie, &owner).with_mime(field.content_type());
                        let mut job = pump(&s, move |cms, mut feed| {
                            let mut ingest = cms.ingest(spec, MAX_FILE_SIZE)?;
                            if !feed.drain(|b| ingest.write_bytes(b))? {
                                return Err(Error::invalid("file", "the upload broke off"));
                            }
                            ingest.finish(0)
                        });
                        job.field(&mut field).await;
                        let file = job.finish().await?;
                        Ok(json!({ "OK": 1, "debug": 1, "data": { "id": file.file_id } }))
                    }
                    Some(total) => {
                        let index = chunk.unwrap_or(0);
                        let mut job = pump(&s, move |cms, mut feed| {
                            let mut w = cms.begin_chunk(&key, &owner, &name, index, total)?;
                            if !feed.drain(|b| w.write(&b))? {
                                return Err(Error::invalid("file", "the chunk broke off"));
                            }
                            w.commit()
                        });
                        job.field(&mut field).await;
                        let outcome = job.finish().await?;
                        Ok(match outcome.file {
                            Some(file) => json!({ "OK": 1, "debug": 1, "data": { "id": file.file_id } }),
                            None => json!({ "OK": 0, "debug": 0, "data": { "code": 101,
                                "message": format!("chunk {index} stored; {} of {} received", outcome.received, outcome.chunks),
                                "id": outcome.upload_id } }),
                        })
                    }
                };
            }
            _ => {
                text(&mut field).await?;
            }
        }
    }
    Err(Error::invalid("file", "is required").into())
}
