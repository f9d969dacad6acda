//! Seed 003 over HTTP: `/api/v1/upload/method/get.upload.token/` (GET and POST) in the seed's envelope, and the SYS_ADMIN's settings of the cloud modules.
//!
//! Answers are `{"status":200,"message":"success","data":{"token":{…},"expires":…}}`; a failure
//! is `{"status":<HTTP status>,"message":…,"data":null}` with `info`, `code` (and `field`) beside
//! it, at that HTTP status.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use cinedesk_core::upload_tokens::{UploadTokenSettings, UploadTokenSettingsPatch};
use serde_json::{json, Value};

use super::caller::{failure_parts, Call};
use super::done;
use crate::error::ApiResult;
use crate::extract::JsonBody;
use crate::state::AppState;

const TOKEN_PATH: &str = "/api/v1/upload/method/get.upload.token/";

/// The token route authenticates itself ([`Call`]).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(TOKEN_PATH, get(token).post(token))
        .route(TOKEN_PATH.trim_end_matches('/'), get(token).post(token))
}

/// The modules' credentials: SYS_ADMIN only (guarded by the caller).
pub fn admin_routes() -> Router<AppState> {
    Router::new().route("/cms/upload_tokens/config", get(settings).put(set_settings))
}

async fn token(State(s): State<AppState>, call: ApiResult<Call>) -> Response {
    let result: ApiResult<Value> = async {
        let call = call?;
        let module = call.param("module")?;
        let terminal = call.param("type")?;
        let owner = call.actor().owner();
        let base = call.base_url();
        let token = s.run(move |cms| cms.upload_token(module.as_deref(), terminal.as_deref(), &owner, &base)).await?;
        Ok(json!({ "token": token.token, "expires": token.expires }))
    }
    .await;
    match result {
        Ok(data) => Json(json!({ "status": 200, "message": "success", "data": data })).into_response(),
        Err(e) => {
            let (status, info, code, field) = failure_parts(&e);
            let mut body =
                json!({ "status": status.as_u16(), "message": info, "data": null, "info": info, "code": code });
            if let Some(f) = field {
                body["field"] = json!(f);
            }
            (status, Json(body)).into_response()
        }
    }
}

async fn settings(State(s): State<AppState>) -> ApiResult<Json<UploadTokenSettings>> {
    Ok(Json(s.run(|cms| cms.upload_token_settings()).await?))
}

async fn set_settings(
    State(s): State<AppState>,
    JsonBody(patch): JsonBody<UploadTokenSettingsPatch>,
) -> ApiResult<Json<Value>> {
    s.run(move |cms| cms.set_upload_token_settings(patch)).await?;
    Ok(done())
}
