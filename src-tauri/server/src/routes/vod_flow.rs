//! Seed 001's VOD flows over HTTP on Cinedesk's own store: upload and play credentials, publishing, lists, deletion, processing callbacks, in the seed's envelope.
//!
//! Answers are `{"result":"true","requestId":…,"message":"","code":"200","data":…}`; a failure
//! is `{"result":"false","requestId":…,"message":…,"data":null}` with `info` and the machine
//! `code` (and `field`), at the HTTP status that says what kind. Parameters may come in the
//! query, a form body or a JSON body; `token` (the seed's session parameter) or a bearer
//! header or a seed-004 signature say who calls. The processing callback route is
//! `/vod/callback` (the seed leaves it to the console's callback setting).

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use cinedesk_core::vod_flow::{ImageUploadRequest, VideoPublish, VideoUploadRequest, VodEvent};
use cinedesk_core::{new_secret, Error};
use serde_json::{json, Value};

use super::caller::{failure_parts, Call};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/vod/getVideoUploadAuth", get(video_upload_auth).post(video_upload_auth))
        .route("/vod/refreshVideoUploadAuth", get(refresh_upload_auth).post(refresh_upload_auth))
        .route("/vod/getImageUploadAuth", get(image_upload_auth).post(image_upload_auth))
        .route("/vod/getVideoPlayAuth", get(play_auth).post(play_auth))
        .route("/vod/videoPublish", get(publish).post(publish))
        .route("/vod/getRecommendVideoList", get(recommended).post(recommended))
        .route("/vod/getPersonalVideoList", get(personal).post(personal))
        .route("/vod/deleteVideoById", get(delete).post(delete))
        .route("/vod/callback", axum::routing::post(callback))
}

/// A request id shaped like the seed's (`c17f13d1-4ce8-407f-a82b-c4799f84xxxx`).
fn request_id() -> String {
    let h = new_secret();
    format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

fn reply(r: ApiResult<Value>, message: &str) -> Response {
    match r {
        Ok(data) => Json(json!({ "result": "true", "requestId": request_id(), "message": message, "code": "200",
                                 "data": data }))
        .into_response(),
        Err(e) => {
            let (status, info, code, field) = failure_parts(&e);
            let mut body = json!({ "result": "false", "requestId": request_id(), "message": info, "info": info,
                                   "code": code, "data": null });
            if let Some(f) = field {
                body["field"] = json!(f);
            }
            (status, Json(body)).into_response()
        }
    }
}

fn to_value(v: impl serde::Serialize) -> ApiResult<Value> {
    serde_json::to_value(v).map_err(|e| ApiError::Core(Error::Internal(e.to_string())))
}

fn video_id(call: &Call) -> ApiResult<String> {
    call.param("videoId")?.ok_or_else(|| Error::invalid("videoId", "is required").into())
}

async fn video_upload_auth(State(s): State<AppState>, call: ApiResult<Call>) -> Response {
    let call = match call {
        Ok(c) => c,
        Err(e) => return reply(Err(e), ""),
    };
    reply(
        async {
            let req: VideoUploadRequest = call.params_as()?;
            let (actor, base) = (call.actor(), call.base_url());
            to_value(s.run(move |cms| cms.vod_video_upload_auth(&actor, req, &base)).await?)
        }
        .await,
        "",
    )
}

async fn refresh_upload_auth(State(s): State<AppState>, call: ApiResult<Call>) -> Response {
    let call = match call {
        Ok(c) => c,
        Err(e) => return reply(Err(e), ""),
    };
    reply(
        async {
            let id = video_id(&call)?;
            let (actor, base) = (call.actor(), call.base_url());
            let auth = s.run(move |cms| cms.vod_refresh_upload_auth(&actor, &id, &base)).await?;
            Ok(json!({ "uploadAddress": auth.upload_address, "uploadAuth": auth.upload_auth }))
        }
        .await,
        "",
    )
}

async fn image_upload_auth(State(s): State<AppState>, call: ApiResult<Call>) -> Response {
    let call = match call {
        Ok(c) => c,
        Err(e) => return reply(Err(e), ""),
    };
    reply(
        async {
            let req: ImageUploadRequest = call.params_as()?;
            let (actor, base) = (call.actor(), call.base_url());
            to_value(s.run(move |cms| cms.vod_image_upload_auth(&actor, req, &base)).await?)
        }
        .await,
        "",
    )
}

async fn play_auth(State(s): State<AppState>, call: ApiResult<Call>) -> Response {
    let call = match call {
        Ok(c) => c,
        Err(e) => return reply(Err(e), ""),
    };
    reply(
        async {
            let id = video_id(&call)?;
            let (actor, base) = (call.actor(), call.base_url());
            to_value(s.run(move |cms| cms.vod_play_auth(&actor, &id, &base)).await?)
        }
        .await,
        "",
    )
}

async fn publish(State(s): State<AppState>, call: ApiResult<Call>) -> Response {
    let call = match call {
        Ok(c) => c,
        Err(e) => return reply(Err(e), ""),
    };
    reply(
        async {
            let p: VideoPublish = call.params_as()?;
            let actor = call.actor();
            let movie = s.run(move |cms| cms.vod_publish(&actor, p)).await?;
            Ok(json!({ "movieID": movie }))
        }
        .await,
        "",
    )
}

async fn recommended(State(s): State<AppState>, call: ApiResult<Call>) -> Response {
    let call = match call {
        Ok(c) => c,
        Err(e) => return reply(Err(e), ""),
    };
    reply(
        async {
            let (index, size) = (call.u32("pageIndex")?, call.u32("pageSize")?);
            to_value(s.run(move |cms| cms.vod_recommended(index, size)).await?)
        }
        .await,
        "",
    )
}

async fn personal(State(s): State<AppState>, call: ApiResult<Call>) -> Response {
    let call = match call {
        Ok(c) => c,
        Err(e) => return reply(Err(e), ""),
    };
    reply(
        async {
            let (index, size) = (call.u32("pageIndex")?, call.u32("pageSize")?);
            let actor = call.actor();
            to_value(s.run(move |cms| cms.vod_personal(&actor, index, size)).await?)
        }
        .await,
        "",
    )
}

async fn delete(State(s): State<AppState>, call: ApiResult<Call>) -> Response {
    let call = match call {
        Ok(c) => c,
        Err(e) => return reply(Err(e), ""),
    };
    let result = async {
        let id = video_id(&call)?;
        let user = call.param("userId")?;
        let actor = call.actor();
        s.run(move |cms| cms.vod_delete(&actor, &id, user.as_deref())).await?;
        Ok(Value::Null)
    }
    .await;
    let message = if result.is_ok() { "删除完成" } else { "" };
    reply(result, message)
}

async fn callback(State(s): State<AppState>, call: ApiResult<Call>) -> Response {
    let call = match call {
        Ok(c) => c,
        Err(e) => return reply(Err(e), ""),
    };
    reply(
        async {
            let mut params = call.params()?;
            params.remove("token"); // the caller's session, not part of the event
            let event: VodEvent = crate::extract::parse_json(Value::Object(params).to_string().as_bytes())?;
            let actor = call.actor();
            to_value(s.run(move |cms| cms.vod_event(&actor, event)).await?)
        }
        .await,
        "",
    )
}
