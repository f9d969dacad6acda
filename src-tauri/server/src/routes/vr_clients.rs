//! Seed §3: seats (VR clients), with bulk creation and scene-number regeneration.

use axum::extract::State;
use axum::http::{header, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use cinedesk_core::{Page, QrFormat, SeatCode, SeatStatus, VrClient, VrClientInput, VrClientQuery};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::done::{done, Done};
use crate::auth::{LoggedIn, SignedJson};
use crate::error::ApiResult;
use crate::extract::{JsonBody, PageParams, PathParam, Query};
use crate::live_json::LiveFields;
use crate::openapi::ErrorBody;
use crate::state::{AppState, Live};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create, delete))
        .routes(routes!(create_batch))
        .routes(routes!(one))
        .routes(routes!(regenerate_scene))
        .routes(routes!(qr_code))
}

/// Routes a cinema's COMS calls too (a token or a signature): reporting its seats.
pub fn caller_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(update))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct QrParams {
    /// `png` (the default) or `svg`.
    #[param(inline, value_type = Option<QrImageFormat>)]
    format: Option<String>,
    /// Width in pixels, 512 by default.
    #[param(minimum = 64, maximum = 4096)]
    size: Option<u32>,
}

/// Image formats of a seat's QR code.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)] // documents the accepted values; `QrFormat::parse` reads them
enum QrImageFormat {
    Png,
    Svg,
}

/// Seed §3.5: the seat's QR code, from the installation's URL template.
#[utoipa::path(get, path = "/cms/vr_clients/{client_id}/qr_code", tag = "vr_clients", operation_id = "seat_qr_code",
    params(("client_id" = String, Path), QrParams),
    responses(
        (status = 200, description = "The QR code image",
            content(([u8] = "image/png"), (String = "image/svg+xml"))),
        (status = 404, description = "No such seat", body = ErrorBody),
    ))]
async fn qr_code(
    State(s): State<AppState>,
    session: LoggedIn,
    PathParam(id): PathParam<String>,
    Query(q): Query<QrParams>,
) -> ApiResult<Response> {
    let format = q.format.map(|f| QrFormat::parse(&f)).transpose()?.unwrap_or(QrFormat::Png);
    let size = q.size.unwrap_or(512);
    let image = s.run(move |cms| cms.seat_qr_code(&session.actor, &id, format, size)).await?;
    // A code changes when its scene number is regenerated: never let a stale one be cached.
    Ok(([(header::CONTENT_TYPE, format.mime()), (header::CACHE_CONTROL, "no-store")], image).into_response())
}

#[derive(Serialize, ToSchema)]
pub(crate) struct VrClientCreated {
    #[serde(rename = "clientID")]
    client_id: String,
}

/// Seed §3.1.
#[utoipa::path(post, path = "/cms/vr_clients", tag = "vr_clients", operation_id = "create_vr_client",
    request_body = VrClientInput,
    responses(
        (status = 200, description = "Created", body = VrClientCreated),
        (status = 400, description = "A required field is missing or a value breaks a rule", body = ErrorBody),
        (status = 404, description = "No such hall", body = ErrorBody),
        (status = 409, description = "seatNumber or sceneNumber is taken", body = ErrorBody),
    ))]
async fn create(
    State(s): State<AppState>,
    session: LoggedIn,
    JsonBody(input): JsonBody<VrClientInput>,
) -> ApiResult<Json<VrClientCreated>> {
    let client_id = s.run(move |cms| cms.create_vr_client(&session.actor, input)).await?;
    Ok(Json(VrClientCreated { client_id }))
}

#[derive(Serialize, ToSchema)]
pub(crate) struct VrClientsCreated {
    #[serde(rename = "clientIDList")]
    client_id_list: Vec<String>,
}

/// Many seats at once (a hall's generated rows, a CSV import): all of them or none.
#[utoipa::path(post, path = "/cms/vr_clients/_batch", tag = "vr_clients", operation_id = "create_vr_clients",
    request_body = Vec<VrClientInput>,
    responses(
        (status = 200, description = "Created, in the order given", body = VrClientsCreated),
        (status = 400, description = "A required field is missing or a value breaks a rule", body = ErrorBody),
        (status = 404, description = "No such hall", body = ErrorBody),
        (status = 409, description = "seatNumber or sceneNumber is taken", body = ErrorBody),
    ))]
async fn create_batch(
    State(s): State<AppState>,
    session: LoggedIn,
    JsonBody(inputs): JsonBody<Vec<VrClientInput>>,
) -> ApiResult<Json<VrClientsCreated>> {
    let client_id_list = s.run(move |cms| cms.create_vr_clients(&session.actor, inputs)).await?;
    Ok(Json(VrClientsCreated { client_id_list }))
}

/// Filters of seed §3.2.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct VrClientFilter {
    /// Any of these seats (the key may repeat).
    #[serde(default)]
    client_id: Vec<String>,
    cinema_id: Option<String>,
    hall_id: Option<String>,
    #[param(inline)]
    status: Option<SeatStatus>,
}

/// A seat's `lastSeen` and `online` move with its COMS's heartbeats, and `online` with time
/// alone: each answer takes them from the core's memory, so kept seat pages outlive heartbeats.
static SEAT_LIVENESS: Live = Live {
    fields: LiveFields { id_key: "clientID", fields: &["lastSeen", "online"] },
    value: |cms, field, id| {
        let (last_seen, online) = cms.seat_liveness(id);
        match field {
            0 => last_seen.map(Into::into),
            _ => Some(online.into()),
        }
    },
};

/// Seed §3.2.
#[utoipa::path(get, path = "/cms/vr_clients", tag = "vr_clients", operation_id = "list_vr_clients",
    params(VrClientFilter, PageParams),
    responses((status = 200, description = "A page of seats", body = Page<VrClient>)))]
async fn list(
    State(s): State<AppState>,
    session: LoggedIn,
    uri: Uri,
    Query(f): Query<VrClientFilter>,
    Query(p): Query<PageParams>,
) -> ApiResult<Response> {
    let query = VrClientQuery {
        client_ids: f.client_id,
        cinema_id: f.cinema_id,
        hall_id: f.hall_id,
        status: f.status,
        paging: p.paging()?,
    };
    s.cached_json(&uri, session.actor, VrClientQuery::READS, Some(&SEAT_LIVENESS), move |cms, actor| {
        cms.list_vr_clients(actor, &query)
    })
    .await
}

#[utoipa::path(get, path = "/cms/vr_clients/{client_id}", tag = "vr_clients", operation_id = "get_vr_client",
    params(("client_id" = String, Path)),
    responses(
        (status = 200, description = "The seat", body = VrClient),
        (status = 404, description = "No such seat", body = ErrorBody),
    ))]
async fn one(
    State(s): State<AppState>,
    session: LoggedIn,
    PathParam(id): PathParam<String>,
) -> ApiResult<Json<VrClient>> {
    Ok(Json(s.read(move |cms| cms.get_vr_client(&session.actor, &id)).await?))
}

/// Seed §3.3: absent fields keep their value; `hallID` cannot change. The seat's cinema's COMS
/// reports here too, signed with its key: `status`, `IPAddr`, `MACAddr` and `hostModel` only.
#[utoipa::path(put, path = "/cms/vr_clients/{client_id}", tag = "vr_clients", operation_id = "update_vr_client",
    params(("client_id" = String, Path)),
    request_body = VrClientInput,
    responses(
        (status = 200, description = "Updated", body = Done),
        (status = 403, description = "A seat of another cinema, or a field a COMS may not set, or the role may not", body = ErrorBody),
        (status = 404, description = "No such seat", body = ErrorBody),
        (status = 409, description = "seatNumber or sceneNumber is taken", body = ErrorBody),
    ))]
async fn update(
    State(s): State<AppState>,
    PathParam(id): PathParam<String>,
    SignedJson { caller, body }: SignedJson<VrClientInput>,
) -> ApiResult<Json<Done>> {
    s.run(move |cms| cms.update_vr_client(&caller.actor, &id, body)).await?;
    Ok(done())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct VrClientIds {
    /// The seats (the key repeats); at least one.
    #[serde(default)]
    client_id: Vec<String>,
}

/// Seed §3.4: all or none.
#[utoipa::path(delete, path = "/cms/vr_clients", tag = "vr_clients", operation_id = "delete_vr_clients",
    params(VrClientIds),
    responses(
        (status = 200, description = "Deleted", body = Done),
        (status = 404, description = "One of the seats does not exist", body = ErrorBody),
    ))]
async fn delete(State(s): State<AppState>, session: LoggedIn, Query(q): Query<VrClientIds>) -> ApiResult<Json<Done>> {
    s.run(move |cms| cms.delete_vr_clients(&session.actor, &q.client_id)).await?;
    Ok(done())
}

/// A new scene number and QR token for the seat (its old QR codes stop working).
#[utoipa::path(post, path = "/cms/vr_clients/{client_id}/_regenerate_scene", tag = "vr_clients",
    operation_id = "regenerate_scene_number",
    params(("client_id" = String, Path)),
    responses(
        (status = 200, description = "The new scene number and token", body = SeatCode),
        (status = 404, description = "No such seat", body = ErrorBody),
    ))]
async fn regenerate_scene(
    State(s): State<AppState>,
    session: LoggedIn,
    PathParam(id): PathParam<String>,
) -> ApiResult<Json<SeatCode>> {
    Ok(Json(s.run(move |cms| cms.regenerate_scene_number(&session.actor, &id)).await?))
}
