//! Seed §9 and §10: the headset and seat model catalogues.

use axum::extract::State;
use axum::routing::{get, put};
use axum::{Json, Router};
use cinedesk_core::{HmdModel, HmdModelInput, ModelQuery, Page, SeatModel, SeatModelInput};
use serde_json::{json, Value};

use super::done;
use crate::error::{ApiError, ApiResult};
use crate::extract::{JsonBody, PathParam, QueryPairs};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/cms/hmd_models", get(list_hmd).post(create_hmd).delete(delete_hmd))
        .route("/cms/hmd_models/{id}", put(update_hmd))
        .route("/cms/seat_models", get(list_seat).post(create_seat).delete(delete_seat))
        .route("/cms/seat_models/{id}", put(update_seat))
}

fn model_query(q: &QueryPairs) -> Result<ModelQuery, ApiError> {
    Ok(ModelQuery {
        ids: q.all("id"),
        model_code: q.one("model_code"),
        name: q.one("name"),
        vendor: q.one("vendor"),
        paging: q.paging()?,
    })
}

async fn create_hmd(State(s): State<AppState>, JsonBody(input): JsonBody<HmdModelInput>) -> ApiResult<Json<Value>> {
    let id = s.run(move |cms| cms.create_hmd_model(input)).await?;
    Ok(Json(json!({ "hmdModelID": id })))
}

async fn list_hmd(State(s): State<AppState>, q: QueryPairs) -> ApiResult<Json<Page<HmdModel>>> {
    let query = model_query(&q)?;
    Ok(Json(s.read(move |cms| cms.list_hmd_models(&query)).await?))
}

async fn update_hmd(
    State(s): State<AppState>,
    PathParam(id): PathParam<String>,
    JsonBody(input): JsonBody<HmdModelInput>,
) -> ApiResult<Json<Value>> {
    s.run(move |cms| cms.update_hmd_model(&id, input)).await?;
    Ok(done())
}

async fn delete_hmd(State(s): State<AppState>, q: QueryPairs) -> ApiResult<Json<Value>> {
    let ids = q.all("id");
    s.run(move |cms| cms.delete_hmd_models(&ids)).await?;
    Ok(done())
}

async fn create_seat(State(s): State<AppState>, JsonBody(input): JsonBody<SeatModelInput>) -> ApiResult<Json<Value>> {
    let id = s.run(move |cms| cms.create_seat_model(input)).await?;
    Ok(Json(json!({ "seatModelID": id })))
}

async fn list_seat(State(s): State<AppState>, q: QueryPairs) -> ApiResult<Json<Page<SeatModel>>> {
    let query = model_query(&q)?;
    Ok(Json(s.read(move |cms| cms.list_seat_models(&query)).await?))
}

async fn update_seat(
    State(s): State<AppState>,
    PathParam(id): PathParam<String>,
    JsonBody(input): JsonBody<SeatModelInput>,
) -> ApiResult<Json<Value>> {
    s.run(move |cms| cms.update_seat_model(&id, input)).await?;
    Ok(done())
}

async fn delete_seat(State(s): State<AppState>, q: QueryPairs) -> ApiResult<Json<Value>> {
    let ids = q.all("id");
    s.run(move |cms| cms.delete_seat_models(&ids)).await?;
    Ok(done())
}
