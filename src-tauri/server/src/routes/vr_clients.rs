//! Seed §3: seats (VR clients), with bulk creation and scene-number regeneration.

use axum::extract::{DefaultBodyLimit, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use cinedesk_core::{Page, QrFormat, SeatStatus, VrClient, VrClientInput, VrClientQuery};
use serde_json::{json, Value};

use super::done;
use crate::error::ApiResult;
use crate::extract::{JsonBody, PathParam, QueryPairs};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/cms/vr_clients", get(list).post(create).delete(delete))
        // A full batch of the longest seats (MAX_BATCH_SEATS) is about 2.5 MB, over axum's 2 MB default.
        .route("/cms/vr_clients/_batch", post(create_batch).layer(DefaultBodyLimit::max(8 * 1024 * 1024)))
        .route("/cms/vr_clients/{client_id}", put(update).get(one))
        .route("/cms/vr_clients/{client_id}/_regenerate_scene", post(regenerate_scene))
        .route("/cms/vr_clients/{client_id}/qr_code", get(qr_code))
}

/// Seed §3.5: the seat's QR code, PNG by default (`format=svg`, `size=` pixels, 512 by default).
async fn qr_code(State(s): State<AppState>, PathParam(id): PathParam<String>, q: QueryPairs) -> ApiResult<Response> {
    let format = q.one("format").map(|f| QrFormat::parse(&f)).transpose()?.unwrap_or(QrFormat::Png);
    let size = q.u32("size")?.unwrap_or(512);
    let image = s.run(move |cms| cms.seat_qr_code(&id, format, size)).await?;
    // A code changes when its scene number is regenerated: never let a stale one be cached.
    Ok(([(header::CONTENT_TYPE, format.mime()), (header::CACHE_CONTROL, "no-store")], image).into_response())
}

async fn create(State(s): State<AppState>, JsonBody(input): JsonBody<VrClientInput>) -> ApiResult<Json<Value>> {
    let id = s.run(move |cms| cms.create_vr_client(input)).await?;
    Ok(Json(json!({ "clientID": id })))
}

/// Many seats at once (a hall's generated rows, a CSV import): all of them or none.
async fn create_batch(
    State(s): State<AppState>,
    JsonBody(inputs): JsonBody<Vec<VrClientInput>>,
) -> ApiResult<Json<Value>> {
    let ids = s.run(move |cms| cms.create_vr_clients(inputs)).await?;
    Ok(Json(json!({ "clientIDList": ids })))
}

async fn list(State(s): State<AppState>, q: QueryPairs) -> ApiResult<Json<Page<VrClient>>> {
    let status = q.one("status").map(|v| SeatStatus::parse("status", &v)).transpose()?;
    let query = VrClientQuery {
        client_ids: q.all("client_id"),
        cinema_id: q.one("cinema_id"),
        hall_id: q.one("hall_id"),
        status,
        paging: q.paging()?,
    };
    Ok(Json(s.read(move |cms| cms.list_vr_clients(&query)).await?))
}

async fn one(State(s): State<AppState>, PathParam(id): PathParam<String>) -> ApiResult<Json<VrClient>> {
    Ok(Json(s.read(move |cms| cms.get_vr_client(&id)).await?))
}

async fn update(
    State(s): State<AppState>,
    PathParam(id): PathParam<String>,
    JsonBody(input): JsonBody<VrClientInput>,
) -> ApiResult<Json<Value>> {
    s.run(move |cms| cms.update_vr_client(&id, input)).await?;
    Ok(done())
}

async fn delete(State(s): State<AppState>, q: QueryPairs) -> ApiResult<Json<Value>> {
    let ids = q.all("client_id");
    s.run(move |cms| cms.delete_vr_clients(&ids)).await?;
    Ok(done())
}

async fn regenerate_scene(State(s): State<AppState>, PathParam(id): PathParam<String>) -> ApiResult<Json<Value>> {
    let scene = s.run(move |cms| cms.regenerate_scene_number(&id)).await?;
    Ok(Json(json!({ "sceneNumber": scene })))
}
