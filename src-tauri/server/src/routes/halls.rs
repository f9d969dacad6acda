//! Seed §2: halls.

use axum::extract::State;
use axum::routing::{get, put};
use axum::{Json, Router};
use cinedesk_core::{Hall, HallInput, HallQuery, Page};
use serde_json::{json, Value};

use super::done;
use crate::error::ApiResult;
use crate::extract::{JsonBody, PathParam, QueryPairs};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/cms/halls", get(list).post(create).delete(delete))
        .route("/cms/halls/{hall_id}", put(update).get(one))
}

async fn create(State(s): State<AppState>, JsonBody(input): JsonBody<HallInput>) -> ApiResult<Json<Value>> {
    let id = s.run(move |cms| cms.create_hall(input)).await?;
    Ok(Json(json!({ "hallID": id })))
}

async fn list(State(s): State<AppState>, q: QueryPairs) -> ApiResult<Json<Page<Hall>>> {
    let query = HallQuery {
        cinema_id: q.one("cinema_id"),
        hall_ids: q.all("hall_id"),
        hall_code: q.one("hall_code"),
        paging: q.paging()?,
    };
    Ok(Json(s.read(move |cms| cms.list_halls(&query)).await?))
}

async fn one(State(s): State<AppState>, PathParam(id): PathParam<String>) -> ApiResult<Json<Hall>> {
    Ok(Json(s.read(move |cms| cms.get_hall(&id)).await?))
}

async fn update(
    State(s): State<AppState>,
    PathParam(id): PathParam<String>,
    JsonBody(input): JsonBody<HallInput>,
) -> ApiResult<Json<Value>> {
    s.run(move |cms| cms.update_hall(&id, input)).await?;
    Ok(done())
}

async fn delete(State(s): State<AppState>, q: QueryPairs) -> ApiResult<Json<Value>> {
    let ids = q.all("hall_id");
    s.run(move |cms| cms.delete_halls(&ids)).await?;
    Ok(done())
}
