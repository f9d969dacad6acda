//! API keys of a cinema's COMS (SYS_ADMIN only): issue, list without secrets, revoke.

use axum::extract::State;
use axum::routing::{delete, get};
use axum::{Json, Router};
use cinedesk_core::{ApiKey, ApiKeyInfo, Page};
use serde_json::Value;

use super::done;
use crate::error::ApiResult;
use crate::extract::PathParam;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/cms/cinemas/{cinema_id}/api_keys", get(list).post(create))
        .route("/cms/cinemas/{cinema_id}/api_keys/{apikey}", delete(revoke))
}

/// Answers `{"apikey","secretkey"}`; the secret is shown this once.
async fn create(State(s): State<AppState>, PathParam(cinema): PathParam<String>) -> ApiResult<Json<ApiKey>> {
    Ok(Json(s.run(move |cms| cms.create_api_key(&cinema)).await?))
}

async fn list(State(s): State<AppState>, PathParam(cinema): PathParam<String>) -> ApiResult<Json<Page<ApiKeyInfo>>> {
    let keys = s.read(move |cms| cms.list_api_keys(&cinema)).await?;
    Ok(Json(Page { total_count: keys.len() as u64, item_list: keys }))
}

async fn revoke(
    State(s): State<AppState>,
    PathParam((cinema, apikey)): PathParam<(String, String)>,
) -> ApiResult<Json<Value>> {
    s.run(move |cms| cms.revoke_api_key(&cinema, &apikey)).await?;
    Ok(done())
}
