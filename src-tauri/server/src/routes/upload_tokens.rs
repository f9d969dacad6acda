//! Seed 003 over HTTP: `/api/v1/upload/method/get.upload.token/` (GET and POST) in the seed's envelope, and the SYS_ADMIN's settings of the cloud modules.
//!
//! Answers are in seed 003's envelope (`envelope::seed003`).

use axum::extract::State;
use axum::response::Response;
use axum::Json;
use cinedesk_core::upload_tokens::{Module, Terminal, UploadTokenSettings, UploadTokenSettingsPatch};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::call::{get_and_post, Call};
use super::done::{done, Done};
use super::envelope::seed003::{reply, token_of, TokenAnswer, TokenFailure};
use crate::auth::LoggedIn;
use crate::error::ApiResult;
use crate::extract::JsonBody;
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
        let terminal = call.param("type")?.as_deref().map(Terminal::parse).transpose()?.unwrap_or_default();
        let module = call.param("module")?.as_deref().map(Module::parse).transpose()?;
        let actor = call.actor();
        let grant = s.run(move |cms| cms.upload_token(&actor, module, terminal)).await?;
        Ok(token_of(grant, &call.base_url()))
    }
    .await;
    reply(result)
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
