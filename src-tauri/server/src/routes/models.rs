//! Seed §9 and §10: the headset and seat model catalogues.

use axum::extract::State;
use axum::Json;
use cinedesk_core::{HmdModel, HmdModelInput, ModelQuery, Page, SeatModel, SeatModelInput};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::done::{done, Done};
use crate::auth::LoggedIn;
use crate::error::{ApiError, ApiResult};
use crate::extract::{JsonBody, PageParams, PathParam, Query};
use crate::openapi::ErrorBody;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_hmd, create_hmd, delete_hmd))
        .routes(routes!(update_hmd))
        .routes(routes!(list_seat, create_seat, delete_seat))
        .routes(routes!(update_seat))
}

/// Filters shared by both catalogues.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ModelFilter {
    /// Any of these models (the key may repeat).
    #[serde(default)]
    id: Vec<String>,
    model_code: Option<String>,
    /// Part of the name.
    name: Option<String>,
    vendor: Option<String>,
}

fn model_query(f: ModelFilter, p: &PageParams) -> Result<ModelQuery, ApiError> {
    Ok(ModelQuery { ids: f.id, model_code: f.model_code, name: f.name, vendor: f.vendor, paging: p.paging()? })
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ModelIds {
    /// The models (the key repeats); at least one.
    #[serde(default)]
    id: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct HmdModelCreated {
    #[serde(rename = "hmdModelID")]
    hmd_model_id: String,
}

#[utoipa::path(post, path = "/cms/hmd_models", tag = "models", operation_id = "create_hmd_model",
    request_body = HmdModelInput,
    responses(
        (status = 200, description = "Created", body = HmdModelCreated),
        (status = 400, description = "A required field is missing or a value breaks a rule", body = ErrorBody),
        (status = 409, description = "modelCode is taken", body = ErrorBody),
    ))]
async fn create_hmd(
    State(s): State<AppState>,
    session: LoggedIn,
    JsonBody(input): JsonBody<HmdModelInput>,
) -> ApiResult<Json<HmdModelCreated>> {
    let hmd_model_id = s.run(move |cms| cms.create_hmd_model(&session.actor, input)).await?;
    Ok(Json(HmdModelCreated { hmd_model_id }))
}

#[utoipa::path(get, path = "/cms/hmd_models", tag = "models", operation_id = "list_hmd_models",
    params(ModelFilter, PageParams),
    responses((status = 200, description = "A page of headset models", body = Page<HmdModel>)))]
async fn list_hmd(
    State(s): State<AppState>,
    session: LoggedIn,
    Query(f): Query<ModelFilter>,
    Query(p): Query<PageParams>,
) -> ApiResult<Json<Page<HmdModel>>> {
    let query = model_query(f, &p)?;
    Ok(Json(s.read(move |cms| cms.list_hmd_models(&session.actor, &query)).await?))
}

#[utoipa::path(put, path = "/cms/hmd_models/{id}", tag = "models", operation_id = "update_hmd_model",
    params(("id" = String, Path)),
    request_body = HmdModelInput,
    responses(
        (status = 200, description = "Updated", body = Done),
        (status = 404, description = "No such model", body = ErrorBody),
        (status = 409, description = "modelCode is taken", body = ErrorBody),
    ))]
async fn update_hmd(
    State(s): State<AppState>,
    session: LoggedIn,
    PathParam(id): PathParam<String>,
    JsonBody(input): JsonBody<HmdModelInput>,
) -> ApiResult<Json<Done>> {
    s.run(move |cms| cms.update_hmd_model(&session.actor, &id, input)).await?;
    Ok(done())
}

#[utoipa::path(delete, path = "/cms/hmd_models", tag = "models", operation_id = "delete_hmd_models",
    params(ModelIds),
    responses(
        (status = 200, description = "Deleted", body = Done),
        (status = 404, description = "One of the models does not exist", body = ErrorBody),
        (status = 409, description = "A model is still used by seats", body = ErrorBody),
    ))]
async fn delete_hmd(State(s): State<AppState>, session: LoggedIn, Query(q): Query<ModelIds>) -> ApiResult<Json<Done>> {
    s.run(move |cms| cms.delete_hmd_models(&session.actor, &q.id)).await?;
    Ok(done())
}

#[derive(Serialize, ToSchema)]
pub(crate) struct SeatModelCreated {
    #[serde(rename = "seatModelID")]
    seat_model_id: String,
}

#[utoipa::path(post, path = "/cms/seat_models", tag = "models", operation_id = "create_seat_model",
    request_body = SeatModelInput,
    responses(
        (status = 200, description = "Created", body = SeatModelCreated),
        (status = 400, description = "A required field is missing or a value breaks a rule", body = ErrorBody),
        (status = 409, description = "modelCode is taken", body = ErrorBody),
    ))]
async fn create_seat(
    State(s): State<AppState>,
    session: LoggedIn,
    JsonBody(input): JsonBody<SeatModelInput>,
) -> ApiResult<Json<SeatModelCreated>> {
    let seat_model_id = s.run(move |cms| cms.create_seat_model(&session.actor, input)).await?;
    Ok(Json(SeatModelCreated { seat_model_id }))
}

#[utoipa::path(get, path = "/cms/seat_models", tag = "models", operation_id = "list_seat_models",
    params(ModelFilter, PageParams),
    responses((status = 200, description = "A page of seat models", body = Page<SeatModel>)))]
async fn list_seat(
    State(s): State<AppState>,
    session: LoggedIn,
    Query(f): Query<ModelFilter>,
    Query(p): Query<PageParams>,
) -> ApiResult<Json<Page<SeatModel>>> {
    let query = model_query(f, &p)?;
    Ok(Json(s.read(move |cms| cms.list_seat_models(&session.actor, &query)).await?))
}

#[utoipa::path(put, path = "/cms/seat_models/{id}", tag = "models", operation_id = "update_seat_model",
    params(("id" = String, Path)),
    request_body = SeatModelInput,
    responses(
        (status = 200, description = "Updated", body = Done),
        (status = 404, description = "No such model", body = ErrorBody),
        (status = 409, description = "modelCode is taken", body = ErrorBody),
    ))]
async fn update_seat(
    State(s): State<AppState>,
    session: LoggedIn,
    PathParam(id): PathParam<String>,
    JsonBody(input): JsonBody<SeatModelInput>,
) -> ApiResult<Json<Done>> {
    s.run(move |cms| cms.update_seat_model(&session.actor, &id, input)).await?;
    Ok(done())
}

#[utoipa::path(delete, path = "/cms/seat_models", tag = "models", operation_id = "delete_seat_models",
    params(ModelIds),
    responses(
        (status = 200, description = "Deleted", body = Done),
        (status = 404, description = "One of the models does not exist", body = ErrorBody),
        (status = 409, description = "A model is still used by seats", body = ErrorBody),
    ))]
async fn delete_seat(State(s): State<AppState>, session: LoggedIn, Query(q): Query<ModelIds>) -> ApiResult<Json<Done>> {
    s.run(move |cms| cms.delete_seat_models(&session.actor, &q.id)).await?;
    Ok(done())
}
