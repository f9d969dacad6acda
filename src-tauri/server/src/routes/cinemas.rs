//! Seed §1: cinemas, plus what a delete would take with it.

use axum::extract::State;
use axum::routing::{get, put};
use axum::{Json, Router};
use cinedesk_core::{Cinema, CinemaDeletionImpact, CinemaInput, CinemaQuery, Page};
use serde_json::{json, Value};

use super::done;
use crate::error::ApiResult;
use crate::extract::{JsonBody, PathParam, QueryPairs};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/cms/cinemas", get(list).post(create).delete(delete))
        .route("/cms/cinemas/_deletion_impact", get(impact))
        .route("/cms/cinemas/{cinema_id}", put(update).get(one))
}

async fn create(State(s): State<AppState>, JsonBody(input): JsonBody<CinemaInput>) -> ApiResult<Json<Value>> {
    let id = s.run(move |cms| cms.create_cinema(input)).await?;
    Ok(Json(json!({ "cinemaID": id })))
}

async fn list(State(s): State<AppState>, q: QueryPairs) -> ApiResult<Json<Page<Cinema>>> {
    let query = CinemaQuery {
        region_id: q.one("region_id"),
        cinema_ids: q.all("cinema_id"),
        cinema_code: q.one("cinema_code"),
        name: q.one("name"),
        paging: q.paging()?,
    };
    Ok(Json(s.read(move |cms| cms.list_cinemas(&query)).await?))
}

async fn one(State(s): State<AppState>, PathParam(id): PathParam<String>) -> ApiResult<Json<Cinema>> {
    Ok(Json(s.read(move |cms| cms.get_cinema(&id)).await?))
}

async fn update(
    State(s): State<AppState>,
    PathParam(id): PathParam<String>,
    JsonBody(input): JsonBody<CinemaInput>,
) -> ApiResult<Json<Value>> {
    s.run(move |cms| cms.update_cinema(&id, input)).await?;
    Ok(done())
}

async fn delete(State(s): State<AppState>, q: QueryPairs) -> ApiResult<Json<Value>> {
    let ids = q.all("cinema_id");
    s.run(move |cms| cms.delete_cinemas(&ids)).await?;
    Ok(done())
}

async fn impact(State(s): State<AppState>, q: QueryPairs) -> ApiResult<Json<CinemaDeletionImpact>> {
    let ids = q.all("cinema_id");
    Ok(Json(s.run(move |cms| cms.cinema_deletion_impact(&ids)).await?))
}
