//! Seed §1: cinemas, plus what a delete would take with it.

use axum::extract::State;
use axum::http::Uri;
use axum::response::Response;
use axum::Json;
use cinedesk_core::{Cinema, CinemaDeletionImpact, CinemaInput, CinemaQuery, Page};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::done::{done, Done};
use crate::auth::LoggedIn;
use crate::error::ApiResult;
use crate::extract::{JsonBody, PageParams, PathParam, Query};
use crate::live_json::LiveFields;
use crate::openapi::ErrorBody;
use crate::state::{AppState, Live};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create, delete)).routes(routes!(impact)).routes(routes!(update, one))
}

#[derive(Serialize, ToSchema)]
pub(crate) struct CinemaCreated {
    #[serde(rename = "cinemaID")]
    cinema_id: String,
}

/// Seed §1.1.
#[utoipa::path(post, path = "/cms/cinemas", tag = "cinemas", operation_id = "create_cinema",
    request_body = CinemaInput,
    responses(
        (status = 200, description = "Created", body = CinemaCreated),
        (status = 400, description = "A required field is missing or a value breaks a rule", body = ErrorBody),
        (status = 409, description = "cinemaCode is taken", body = ErrorBody),
    ))]
async fn create(
    State(s): State<AppState>,
    session: LoggedIn,
    JsonBody(input): JsonBody<CinemaInput>,
) -> ApiResult<Json<CinemaCreated>> {
    let cinema_id = s.run(move |cms| cms.create_cinema(&session.actor, input)).await?;
    Ok(Json(CinemaCreated { cinema_id }))
}

/// Filters of seed §1.2.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct CinemaFilter {
    region_id: Option<String>,
    /// Any of these cinemas (the key may repeat).
    #[serde(default)]
    cinema_id: Vec<String>,
    cinema_code: Option<String>,
    /// Part of the name.
    name: Option<String>,
}

/// A cinema's `comsLastSeen` and `heartbeatAt` move at its COMS's polls and heartbeats without
/// dropping kept lists of cinemas: each answer shows them from the core's memory.
static COMS_LAST_SEEN: Live = Live {
    fields: LiveFields { id_key: "cinemaID", fields: &["comsLastSeen", "heartbeatAt"] },
    value: |cms, field, id| match field {
        0 => cms.recent_coms_last_seen(id).map(Into::into),
        _ => cms.recent_heartbeat_at(id).map(Into::into),
    },
};

/// Seed §1.2.
#[utoipa::path(get, path = "/cms/cinemas", tag = "cinemas", operation_id = "list_cinemas",
    params(CinemaFilter, PageParams),
    responses((status = 200, description = "A page of cinemas", body = Page<Cinema>)))]
async fn list(
    State(s): State<AppState>,
    session: LoggedIn,
    uri: Uri,
    Query(f): Query<CinemaFilter>,
    Query(p): Query<PageParams>,
) -> ApiResult<Response> {
    let query = CinemaQuery {
        region_id: f.region_id,
        cinema_ids: f.cinema_id,
        cinema_code: f.cinema_code,
        name: f.name,
        paging: p.paging()?,
    };
    s.cached_json(&uri, session.actor, CinemaQuery::READS, Some(&COMS_LAST_SEEN), move |cms, actor| {
        cms.list_cinemas(actor, &query)
    })
    .await
}

#[utoipa::path(get, path = "/cms/cinemas/{cinema_id}", tag = "cinemas", operation_id = "get_cinema",
    params(("cinema_id" = String, Path)),
    responses(
        (status = 200, description = "The cinema", body = Cinema),
        (status = 404, description = "No such cinema", body = ErrorBody),
    ))]
async fn one(
    State(s): State<AppState>,
    session: LoggedIn,
    PathParam(id): PathParam<String>,
) -> ApiResult<Json<Cinema>> {
    Ok(Json(s.read(move |cms| cms.get_cinema(&session.actor, &id)).await?))
}

/// Seed §1.3: absent fields keep their value, an empty string clears an optional one.
#[utoipa::path(put, path = "/cms/cinemas/{cinema_id}", tag = "cinemas", operation_id = "update_cinema",
    params(("cinema_id" = String, Path)),
    request_body = CinemaInput,
    responses(
        (status = 200, description = "Updated", body = Done),
        (status = 404, description = "No such cinema", body = ErrorBody),
        (status = 409, description = "cinemaCode is taken", body = ErrorBody),
    ))]
async fn update(
    State(s): State<AppState>,
    session: LoggedIn,
    PathParam(id): PathParam<String>,
    JsonBody(input): JsonBody<CinemaInput>,
) -> ApiResult<Json<Done>> {
    s.run(move |cms| cms.update_cinema(&session.actor, &id, input)).await?;
    Ok(done())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct CinemaIds {
    /// The cinemas (the key repeats); at least one.
    #[serde(default)]
    cinema_id: Vec<String>,
}

/// Seed §1.4: the cinemas with their halls, seats and queues; all or none.
#[utoipa::path(delete, path = "/cms/cinemas", tag = "cinemas", operation_id = "delete_cinemas",
    params(CinemaIds),
    responses(
        (status = 200, description = "Deleted", body = Done),
        (status = 404, description = "One of the cinemas does not exist", body = ErrorBody),
    ))]
async fn delete(State(s): State<AppState>, session: LoggedIn, Query(q): Query<CinemaIds>) -> ApiResult<Json<Done>> {
    s.run(move |cms| cms.delete_cinemas(&session.actor, &q.cinema_id)).await?;
    Ok(done())
}

/// What deleting these cinemas would take with it.
#[utoipa::path(get, path = "/cms/cinemas/_deletion_impact", tag = "cinemas", operation_id = "cinema_deletion_impact",
    params(CinemaIds),
    responses(
        (status = 200, description = "Counts of what would go", body = CinemaDeletionImpact),
        (status = 404, description = "One of the cinemas does not exist", body = ErrorBody),
    ))]
async fn impact(
    State(s): State<AppState>,
    session: LoggedIn,
    Query(q): Query<CinemaIds>,
) -> ApiResult<Json<CinemaDeletionImpact>> {
    Ok(Json(s.run(move |cms| cms.cinema_deletion_impact(&session.actor, &q.cinema_id)).await?))
}
