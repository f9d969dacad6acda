//! Seed §5: VOD tasks, and their lifecycle.

use axum::extract::State;
use axum::Json;
use cinedesk_core::{Page, VodStatus, VodTask, VodTaskInput, VodTaskQuery};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::done::{done, Done};
use crate::auth::{LoggedIn, SignedJson};
use crate::error::ApiResult;
use crate::extract::{JsonBody, PageParams, PathParam, Query};
use crate::openapi::ErrorBody;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(one))
}

/// Routes a cinema's COMS calls too (a token or a signature): reporting its tasks.
pub fn caller_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(update))
}

#[derive(Serialize, ToSchema)]
pub(crate) struct VodTaskCreated {
    #[serde(rename = "taskID")]
    task_id: String,
}

/// Seed §5.1: the films a seat ordered; its cinema's COMS is told through the queue.
#[utoipa::path(post, path = "/cms/vod_tasks", tag = "vod_tasks", operation_id = "create_vod_task",
    request_body = VodTaskInput,
    responses(
        (status = 200, description = "Created", body = VodTaskCreated),
        (status = 400, description = "No films, too many, or a value breaks a rule", body = ErrorBody),
        (status = 404, description = "No such seat or film", body = ErrorBody),
    ))]
async fn create(
    State(s): State<AppState>,
    session: LoggedIn,
    JsonBody(input): JsonBody<VodTaskInput>,
) -> ApiResult<Json<VodTaskCreated>> {
    let task_id = s.run(move |cms| cms.create_vod_task(&session.actor, input)).await?;
    Ok(Json(VodTaskCreated { task_id }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct VodTaskFilter {
    /// Any of these tasks (the key may repeat).
    #[serde(default)]
    task_id: Vec<String>,
    cinema_id: Option<String>,
    /// Tasks of this seat.
    client_id: Option<String>,
    #[param(inline)]
    status: Option<VodStatus>,
}

#[utoipa::path(get, path = "/cms/vod_tasks", tag = "vod_tasks", operation_id = "list_vod_tasks",
    params(VodTaskFilter, PageParams),
    responses((status = 200, description = "A page of tasks", body = Page<VodTask>)))]
async fn list(
    State(s): State<AppState>,
    session: LoggedIn,
    Query(f): Query<VodTaskFilter>,
    Query(p): Query<PageParams>,
) -> ApiResult<Json<Page<VodTask>>> {
    let query = VodTaskQuery {
        task_ids: f.task_id,
        cinema_id: f.cinema_id,
        client_id: f.client_id,
        status: f.status,
        paging: p.paging()?,
    };
    Ok(Json(s.run(move |cms| cms.list_vod_tasks(&session.actor, &query)).await?))
}

#[utoipa::path(get, path = "/cms/vod_tasks/{task_id}", tag = "vod_tasks", operation_id = "get_vod_task",
    params(("task_id" = String, Path)),
    responses(
        (status = 200, description = "The task", body = VodTask),
        (status = 404, description = "No such task", body = ErrorBody),
    ))]
async fn one(
    State(s): State<AppState>,
    session: LoggedIn,
    PathParam(id): PathParam<String>,
) -> ApiResult<Json<VodTask>> {
    Ok(Json(s.read(move |cms| cms.get_vod_task(&session.actor, &id)).await?))
}

/// A task's next state.
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"status": "CANCELLED", "reason": "顾客取消"}))]
pub(crate) struct StatusChange {
    /// PENDING → ACCEPTED → PLAYING → COMPLETED; CANCELLED and FAILED end it early.
    #[schema(inline, value_type = Option<VodStatus>)]
    status: Option<String>,
    /// Why (kept in the task's `statusHistory`).
    #[schema(max_length = 1000)]
    reason: Option<String>,
}

/// Moves a task along its lifecycle; the task's cinema's COMS reports here, signed with its
/// key. A change made in the console (e.g. a cancel) is sent to the site as VOD_TASK_UPDATED.
#[utoipa::path(put, path = "/cms/vod_tasks/{task_id}", tag = "vod_tasks", operation_id = "update_vod_task",
    params(("task_id" = String, Path)),
    request_body = StatusChange,
    responses(
        (status = 200, description = "Updated", body = Done),
        (status = 400, description = "No status, or one the task cannot go to from where it is", body = ErrorBody),
        (status = 403, description = "A task of another cinema, or the role may not", body = ErrorBody),
        (status = 404, description = "No such task", body = ErrorBody),
    ))]
async fn update(
    State(s): State<AppState>,
    PathParam(id): PathParam<String>,
    SignedJson { caller, body }: SignedJson<StatusChange>,
) -> ApiResult<Json<Done>> {
    let status = VodStatus::parse(body.status.as_deref().unwrap_or(""))?;
    s.run(move |cms| cms.set_vod_task_status(&caller.actor, &id, status, body.reason.as_deref())).await?;
    Ok(done())
}
