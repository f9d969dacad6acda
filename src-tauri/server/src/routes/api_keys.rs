//! API keys of a cinema's COMS (SYS_ADMIN only): issue, list without secrets, revoke.

use axum::extract::State;
use axum::Json;
use cinedesk_core::{ApiKey, ApiKeyInfo, Page};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::done::{done, Done};
use crate::auth::LoggedIn;
use crate::error::ApiResult;
use crate::extract::PathParam;
use crate::openapi::ErrorBody;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(revoke))
}

/// Answers `{"apikey","secretkey"}`; the secret is shown this once.
#[utoipa::path(post, path = "/cms/cinemas/{cinema_id}/api_keys", tag = "api_keys", operation_id = "create_api_key",
    security(("bearer" = ["SYS_ADMIN"])),
    params(("cinema_id" = String, Path)),
    responses(
        (status = 200, description = "The new key and its secret, shown this once", body = ApiKey),
        (status = 404, description = "No such cinema", body = ErrorBody),
    ))]
async fn create(
    State(s): State<AppState>,
    session: LoggedIn,
    PathParam(cinema): PathParam<String>,
) -> ApiResult<Json<ApiKey>> {
    Ok(Json(s.run(move |cms| cms.create_api_key(&session.actor, &cinema)).await?))
}

/// Every key of the cinema, revoked ones included, without secrets.
#[utoipa::path(get, path = "/cms/cinemas/{cinema_id}/api_keys", tag = "api_keys", operation_id = "list_api_keys",
    security(("bearer" = ["SYS_ADMIN"])),
    params(("cinema_id" = String, Path)),
    responses(
        (status = 200, description = "The cinema's keys", body = Page<ApiKeyInfo>),
        (status = 404, description = "No such cinema", body = ErrorBody),
    ))]
async fn list(
    State(s): State<AppState>,
    session: LoggedIn,
    PathParam(cinema): PathParam<String>,
) -> ApiResult<Json<Page<ApiKeyInfo>>> {
    let keys = s.read(move |cms| cms.list_api_keys(&session.actor, &cinema)).await?;
    Ok(Json(Page { total_count: keys.len() as u64, item_list: keys }))
}

#[utoipa::path(delete, path = "/cms/cinemas/{cinema_id}/api_keys/{apikey}", tag = "api_keys",
    security(("bearer" = ["SYS_ADMIN"])),
    operation_id = "revoke_api_key",
    params(("cinema_id" = String, Path), ("apikey" = String, Path)),
    responses(
        (status = 200, description = "Revoked", body = Done),
        (status = 404, description = "No such key for this cinema", body = ErrorBody),
    ))]
async fn revoke(
    State(s): State<AppState>,
    session: LoggedIn,
    PathParam((cinema, apikey)): PathParam<(String, String)>,
) -> ApiResult<Json<Done>> {
    s.run(move |cms| cms.revoke_api_key(&session.actor, &cinema, &apikey)).await?;
    Ok(done())
}
