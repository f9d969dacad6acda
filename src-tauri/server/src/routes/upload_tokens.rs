//! Seed 003 over HTTP: `/api/v1/upload/method/get.upload.token/` (GET and POST) in the seed's envelope, and the SYS_ADMIN's settings of the cloud modules.
//!
//! Answers are `{"status":200,"message":"success","data":{"token":{…},"expires":…}}`; a failure
//! is `{"status":<HTTP status>,"message":…,"data":null}` with `info`, `code` (and `field`) beside
//! it, at that HTTP status.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use cinedesk_core::upload_tokens::{UploadToken, UploadTokenSettings, UploadTokenSettingsPatch};
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::call::{get_and_post, Call};
use super::{done, Done};
use crate::auth::LoggedIn;
use crate::error::ApiResult;
use crate::extract::JsonBody;
use crate::failure::{respond, ErrorBody};
use crate::openapi;
use crate::state::AppState;

/// The token route authenticates itself ([`Call`]).
pub fn routes() -> OpenApiRouter<AppState> {
    let mut routes = OpenApiRouter::new().routes(routes!(upload_token_get, upload_token_post));
    let api = routes.get_openapi_mut();
    openapi::require_caller(api);
    openapi::accept_token_parameter(api);
    openapi::failures_as(
        api,
        "TokenFailure",
        &[
            ("401", "No valid session or signature, or a signature over another request"),
            ("403", "The role may not upload"),
            ("413", "The body is over 1 MiB"),
            ("500", "The server failed (storage)"),
        ],
    );
    routes
}

/// The modules' credentials (SYS_ADMIN, as the core decides).
pub fn settings_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(settings, set_settings))
}

/// Seed 003's answer.
#[derive(Serialize, ToSchema)]
struct TokenAnswer {
    /// 200.
    status: u16,
    /// "success".
    message: &'static str,
    data: UploadToken,
}

/// Seed 003's failure: the HTTP status again, the message, no data; `info`, `code` and `field`
/// as in every other failure of this API.
#[derive(Serialize, ToSchema)]
struct TokenFailure {
    status: u16,
    message: String,
    /// Always null.
    data: (),
    #[serde(flatten)]
    failure: ErrorBody,
}

/// The token request's parameters.
#[derive(ToSchema, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // read with the other parameters of the call; this struct documents them
struct TokenRequest {
    /// local, aliyun, qiniu or s3 (the configured default if absent).
    module: Option<String>,
    /// web (a browser's form post) or app.
    #[param(rename = "type")]
    #[schema(rename = "type")]
    kind: Option<String>,
}

get_and_post!(
    /// Seed 003: a token to upload into the caller's directory with one storage module, for 30 minutes.
    upload_token_get, upload_token_post, "/api/v1/upload/method/get.upload.token/", "upload_tokens", TokenRequest,
    upload_token,
    responses(
        (status = 200, description = "The token, its form fields and where to post them", body = TokenAnswer),
        (status = 400, description = "An unknown or unconfigured `module` (the message names what to set), a bad `type`",
            body = TokenFailure),
    )
);

async fn upload_token(State(s): State<AppState>, call: ApiResult<Call>) -> Response {
    let result = async {
        let call = call?;
        let module = call.param("module")?;
        let terminal = call.param("type")?;
        let (actor, base) = (call.actor(), call.base_url());
        s.run(move |cms| cms.upload_token(&actor, module.as_deref(), terminal.as_deref(), &base)).await
    }
    .await;
    match result {
        Ok(data) => Json(TokenAnswer { status: 200, message: "success", data }).into_response(),
        Err(e) => {
            let (status, failure) = ErrorBody::of(&e);
            let code = failure.code;
            let body = TokenFailure { status: status.as_u16(), message: failure.info.clone(), data: (), failure };
            respond(status, body, code)
        }
    }
}

/// The upload modules' settings; secrets are never answered, only whether each is set.
#[utoipa::path(get, path = "/cms/upload_tokens/config", tag = "upload_tokens",
    security(("bearer" = ["SYS_ADMIN"])),
    responses((status = 200, description = "The settings", body = UploadTokenSettings)))]
async fn settings(State(s): State<AppState>, session: LoggedIn) -> ApiResult<Json<UploadTokenSettings>> {
    Ok(Json(s.run(move |cms| cms.upload_token_settings(&session.actor)).await?))
}

/// Changes the default module, the size limit, or fields (`"s3.region": "…"`; an empty value
/// removes the setting so the environment's applies again).
#[utoipa::path(put, path = "/cms/upload_tokens/config", tag = "upload_tokens", request_body = UploadTokenSettingsPatch,
    security(("bearer" = ["SYS_ADMIN"])),
    responses((status = 200, description = "Changed", body = Done)))]
async fn set_settings(
    State(s): State<AppState>,
    session: LoggedIn,
    JsonBody(patch): JsonBody<UploadTokenSettingsPatch>,
) -> ApiResult<Json<Done>> {
    s.run(move |cms| cms.set_upload_token_settings(&session.actor, patch)).await?;
    Ok(done())
}
