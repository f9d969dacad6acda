//! Seed §5: VOD tasks, and their lifecycle.

use axum::extract::State;
use axum::routing::{get, put};
use axum::{Json, Router};
use cinedesk_core::{Page, VodStatus, VodTask, VodTaskInput, VodTaskQuery};
use serde::Deserialize;
use serde_json::{json, Value};

use super::done;
use crate::error::ApiResult;
use crate::extract::{JsonBody, PathParam, QueryPairs};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/cms/vod_tasks", get(list).post(create))
        .route("/cms/vod_tasks/{task_id}", put(update).get(one))
}

async fn create(State(s): State<AppState>, JsonBody(input): JsonBody<VodTaskInput>) -> ApiResult<Json<Value>> {
    let id = s.run(move |cms| cms.create_vod_task(input)).await?;
    Ok(Json(json!({ "taskID": id })))
}

async fn list(State(s): State<AppState>, q: QueryPairs) -> ApiResult<Json<Page<VodTask>>> {
    let query = VodTaskQuery {
        task_ids: q.all("task_id"),
        cinema_id: q.one("cinema_id"),
        client_id: q.one("client_id"),
        status: q.one("status").map(|v| VodStatus::parse(&v)).transpose()?,
        paging: q.paging()?,
    };
    Ok(Json(s.run(move |cms| cms.list_vod_tasks(&query)).await?))
}

async fn one(State(s): State<AppState>, PathParam(id): PathParam<String>) -> ApiResult<Json<VodTask>> {
    Ok(Json(s.read(move |cms| cms.get_vod_task(&id)).await?))
}

#[derive(Deserialize)]
struct StatusChange {
    status: Option<String>,
}

async fn update(
    State(s): State<AppState>,
    PathParam(id): PathParam<String>,
    JsonBody(change): JsonBody<StatusChange>,
) -> ApiResult<Json<Value>> {
    let status = VodStatus::parse(change.status.as_deref().unwrap_or(""))?;
    s.run(move |cms| cms.set_vod_task_status(&id, status)).await?;
    Ok(done())
}
