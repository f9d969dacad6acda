//! Seed §2: halls.

use axum::extract::State;
use axum::http::Uri;
use axum::response::Response;
use axum::Json;
use cinedesk_core::{Hall, HallInput, HallQuery, Page};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::done::{done, Done};
use crate::auth::LoggedIn;
use crate::error::ApiResult;
use crate::extract::{JsonBody, PageParams, PathParam, Query};
use crate::openapi::ErrorBody;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create, delete)).routes(routes!(update, one))
}

#[derive(Serialize, ToSchema)]
pub(crate) struct HallCreated {
    #[serde(rename = "hallID")]
    hall_id: String,
}

/// Seed §2.1.
#[utoipa::path(post, path = "/cms/halls", tag = "halls", operation_id = "create_hall",
    request_body = HallInput,
    responses(
        (status = 200, description = "Created", body = HallCreated),
        (status = 400, description = "A required field is missing or a value breaks a rule", body = ErrorBody),
        (status = 404, description = "No such cinema", body = ErrorBody),
        (status = 409, description = "hallCode is taken", body = ErrorBody),
    ))]
async fn create(
    State(s): State<AppState>,
    session: LoggedIn,
    JsonBody(input): JsonBody<HallInput>,
) -> ApiResult<Json<HallCreated>> {
    let hall_id = s.run(move |cms| cms.create_hall(&session.actor, input)).await?;
    Ok(Json(HallCreated { hall_id }))
}

/// Filters of seed §2.2.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct HallFilter {
    cinema_id: Option<String>,
    /// Any of these halls (the key may repeat).
    #[serde(default)]
    hall_id: Vec<String>,
    hall_code: Option<String>,
}

/// Seed §2.2.
#[utoipa::path(get, path = "/cms/halls", tag = "halls", operation_id = "list_halls",
    params(HallFilter, PageParams),
    responses((status = 200, description = "A page of halls", body = Page<Hall>)))]
async fn list(
    State(s): State<AppState>,
    session: LoggedIn,
    uri: Uri,
    Query(f): Query<HallFilter>,
    Query(p): Query<PageParams>,
) -> ApiResult<Response> {
    let query = HallQuery { cinema_id: f.cinema_id, hall_ids: f.hall_id, hall_code: f.hall_code, paging: p.paging()? };
    s.cached_json(&uri, session.actor, HallQuery::READS, None, move |cms, actor| cms.list_halls(actor, &query)).await
}

#[utoipa::path(get, path = "/cms/halls/{hall_id}", tag = "halls", operation_id = "get_hall",
    params(("hall_id" = String, Path)),
    responses(
        (status = 200, description = "The hall", body = Hall),
        (status = 404, description = "No such hall", body = ErrorBody),
    ))]
async fn one(State(s): State<AppState>, session: LoggedIn, PathParam(id): PathParam<String>) -> ApiResult<Json<Hall>> {
    Ok(Json(s.read(move |cms| cms.get_hall(&session.actor, &id)).await?))
}

/// Seed §2.3: absent fields keep their value.
#[utoipa::path(put, path = "/cms/halls/{hall_id}", tag = "halls", operation_id = "update_hall",
    params(("hall_id" = String, Path)),
    request_body = HallInput,
    responses(
        (status = 200, description = "Updated", body = Done),
        (status = 404, description = "No such hall", body = ErrorBody),
        (status = 409, description = "hallCode is taken", body = ErrorBody),
    ))]
async fn update(
    State(s): State<AppState>,
    session: LoggedIn,
    PathParam(id): PathParam<String>,
    JsonBody(input): JsonBody<HallInput>,
) -> ApiResult<Json<Done>> {
    s.run(move |cms| cms.update_hall(&session.actor, &id, input)).await?;
    Ok(done())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct HallIds {
    /// The halls (the key repeats); at least one.
    #[serde(default)]
    hall_id: Vec<String>,
}

/// Seed §2.4: the halls with their seats; all or none.
#[utoipa::path(delete, path = "/cms/halls", tag = "halls", operation_id = "delete_halls",
    params(HallIds),
    responses(
        (status = 200, description = "Deleted", body = Done),
        (status = 404, description = "One of the halls does not exist", body = ErrorBody),
    ))]
async fn delete(State(s): State<AppState>, session: LoggedIn, Query(q): Query<HallIds>) -> ApiResult<Json<Done>> {
    s.run(move |cms| cms.delete_halls(&session.actor, &q.hall_id)).await?;
    Ok(done())
}
