//! Seed 002: `GET /oauth2/video/upload/url` hands out an upload URL; plupload posts chunks there (`chunk`, `chunks`, `name`, `file`).
//!
//! Answers are in seed 002's envelopes (`envelope::seed002`).

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use cinedesk_core::files::MAX_FILE_SIZE;
use cinedesk_core::{Domain, Error, NewFile};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::body::{pump, Form, Part};
use crate::auth::Caller;
use crate::base_url::base_url;
use crate::error::ApiError;
use crate::extract::Query;
use crate::openapi;
use crate::routes::envelope::seed002::{chunk_failure, upload_url_reply, ChunkAnswer, UploadUrlAnswer};
use crate::signed::{self, Kind};
use crate::state::AppState;

pub fn routes(app: &AppState) -> OpenApiRouter<AppState> {
    let failures = [
        ("401", "No valid session or signature"),
        ("403", "The role may not upload"),
        ("500", "The server failed (storage)"),
    ];
    let mut url = OpenApiRouter::new().routes(routes!(upload_url));
    openapi::failures_as(url.get_openapi_mut(), "UploadUrlAnswer", &failures);
    let mut chunk = OpenApiRouter::new().routes(routes!(upload_chunk));
    openapi::failures_as(chunk.get_openapi_mut(), "ChunkAnswer", &failures);
    signed::layer(app, Kind::Params, url).merge(signed::layer(app, Kind::Multipart, chunk))
}

/// Seed 002: `{"code":200,"msg":"success","data":{"block":1,"url":…}}`.
#[utoipa::path(get, path = "/oauth2/video/upload/url", tag = "uploads", operation_id = "chunked_upload_url",
    responses(
        (status = 200, description = "The URL to post chunks to", body = UploadUrlAnswer),
        (status = 400, description = "`user-params` is not URL-encoded UTF-8", body = UploadUrlAnswer),
    ))]
async fn upload_url(State(s): State<AppState>, caller: Result<Caller, ApiError>, headers: HeaderMap) -> Response {
    let result = async {
        let caller = caller?;
        let key = s.run(move |cms| cms.create_upload_url(&caller.actor)).await?;
        Ok::<_, ApiError>(format!("{}/oauth2/video/upload?key={key}", base_url(&headers)))
    }
    .await;
    upload_url_reply(result)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ChunkParams {
    /// The key of the URL `GET /oauth2/video/upload/url` answered.
    #[param(min_length = 1)]
    key: String,
}

/// The form plupload sends: its parameters first, then the chunk.
#[derive(ToSchema)]
#[allow(dead_code)] // documents the multipart form read field by field
pub(crate) struct ChunkForm {
    /// The file's name.
    name: Option<String>,
    /// This chunk's index, from 0.
    chunk: Option<u32>,
    /// How many chunks the file has; absent when the file comes whole.
    chunks: Option<u32>,
    /// The chunk's bytes (last).
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// `POST /oauth2/video/upload?key=…`, multipart: `name`, `chunk`, `chunks` before `file`
/// (plupload sends its params first). Without `chunks` the file came whole.
#[utoipa::path(post, path = "/oauth2/video/upload", tag = "uploads", operation_id = "chunked_upload",
    params(ChunkParams),
    request_body(content = ChunkForm, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "The file is whole (`OK` 1) or the chunk is stored and others are missing (`OK` 0, `data.code` 101)",
            body = ChunkAnswer),
        (status = 400, description = "A field missing or malformed, or the chunk broke off", body = ChunkAnswer),
        (status = 404, description = "The key is unknown, expired, or another caller's", body = ChunkAnswer),
        (status = 413, description = "Above the largest file", body = ChunkAnswer),
    ))]
async fn upload_chunk(
    State(s): State<AppState>,
    caller: Result<Caller, ApiError>,
    q: Result<Query<ChunkParams>, ApiError>,
    form: Result<Form, ApiError>,
) -> Response {
    match receive(s, caller, q, form).await {
        Ok(answer) => Json(answer).into_response(),
        Err(e) => chunk_failure(e),
    }
}

async fn receive(
    s: AppState,
    caller: Result<Caller, ApiError>,
    q: Result<Query<ChunkParams>, ApiError>,
    form: Result<Form, ApiError>,
) -> Result<ChunkAnswer, ApiError> {
    let actor = caller?.actor;
    let Query(ChunkParams { key }) = q?;
    let (k, a) = (key.clone(), actor.clone());
    s.run(move |cms| cms.check_upload_url(&a, &k)).await?;
    let mut form = form?;
    let (mut name, mut chunk, mut chunks) = (None::<String>, None::<u32>, None::<u32>);
    let number = |field: &str, v: String| {
        v.trim().parse::<u32>().map_err(|_| ApiError::Core(Error::invalid(field, "must be a non-negative integer")))
    };
    while let Some(part) = form.next("file").await? {
        match part {
            Part::Text(field, value) => match field.as_str() {
                "name" => name = Some(value),
                "chunk" => chunk = Some(number("chunk", value)?),
                "chunks" => chunks = Some(number("chunks", value)?),
                _ => {}
            },
            Part::File(mut field) => {
                let name =
                    name.clone().or_else(|| field.file_name().map(str::to_string)).unwrap_or_else(|| "video".into());
                let (key, actor) = (key.clone(), actor.clone());
                return match chunks {
                    None => {
                        let spec = NewFile::new(&name, Domain::Movie).with_mime(field.content_type());
                        let mut job = pump(&s, move |cms, mut feed| {
                            let mut ingest = cms.ingest(&actor, spec, MAX_FILE_SIZE)?;
                            if !feed.drain(|b| ingest.write_bytes(b))? {
                                return Err(Error::invalid("file", "the upload broke off"));
                            }
                            ingest.finish(0)
                        });
                        job.field(&mut field).await;
                        let file = job.finish().await?;
                        Ok(ChunkAnswer::whole(file.file_id))
                    }
                    Some(total) => {
                        let index = chunk.unwrap_or(0);
                        let mut job = pump(&s, move |cms, mut feed| {
                            let mut w = cms.begin_chunk(&actor, &key, &name, index, total)?;
                            if !feed.drain(|b| w.write(&b))? {
                                return Err(Error::invalid("file", "the chunk broke off"));
                            }
                            w.commit()
                        });
                        job.field(&mut field).await;
                        let outcome = job.finish().await?;
                        Ok(match outcome.file {
                            Some(file) => ChunkAnswer::whole(file.file_id),
                            None => ChunkAnswer::waiting(
                                outcome.upload_id,
                                format!("chunk {index} stored; {} of {} received", outcome.received, outcome.chunks),
                            ),
                        })
                    }
                };
            }
        }
    }
    Err(Error::invalid("file", "is required").into())
}
