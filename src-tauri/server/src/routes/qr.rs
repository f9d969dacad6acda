//! A scanned seat code resolved for the ordering side (issue 13): public, with a budget per client address.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use cinedesk_core::ScannedSeat;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiError, ApiResult};
use crate::extract::{ClientAddr, PathParam};
use crate::openapi::ErrorBody;
use crate::state::AppState;

pub fn public_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(scanned))
}

/// The seat whose QR code carries this token (the code's `{qrToken}`). Public, for the side
/// that takes orders; each client address has a budget of lookups (120 at once, then 600 a
/// minute), past which it is told when to try again.
#[utoipa::path(get, path = "/cms/qr/{qr_token}", tag = "vr_clients", operation_id = "scanned_seat",
    params(("qr_token" = String, Path, description = "The token a seat's QR code carries")),
    responses(
        (status = 200, description = "The seat", body = ScannedSeat),
        (status = 404, description = "No seat holds this token now (an old code, or none)", body = ErrorBody),
        (status = 429, description = "Too many lookups from this address: `Retry-After` says when to try again",
            body = ErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
async fn scanned(
    State(s): State<AppState>,
    ClientAddr(addr): ClientAddr,
    PathParam(token): PathParam<String>,
) -> ApiResult<Response> {
    s.qr_limit
        .take(addr)
        .map_err(|wait| ApiError::TooManyRequests { retry_after: wait.as_secs_f64().ceil().max(1.0) as u64 })?;
    let seat = s.read(move |cms| cms.seat_by_qr_token(&token)).await?;
    // A regeneration retires the token: no cache may keep the answer.
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(seat)).into_response())
}
