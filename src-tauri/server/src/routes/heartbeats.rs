//! A COMS's heartbeat (issue 13): its version, the site's disk, and the status of each seat.

use axum::extract::State;
use axum::Json;
use cinedesk_core::{Error, Heartbeat, SeatReport, SeatStatus};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::done::{done, Done};
use crate::auth::SignedJson;
use crate::error::ApiResult;
use crate::extract::PathParam;
use crate::openapi::ErrorBody;
use crate::state::AppState;

/// Routes a cinema's COMS calls (a signature, or a user's token).
pub fn caller_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(heartbeat))
}

/// A heartbeat of the cinema's COMS; an absent figure keeps its value.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"comsVersion": "2.4.1", "diskFreeBytes": 812_000_000_000_u64, "diskTotalBytes": 1_000_000_000_000_u64,
    "seats": [{"clientID": "fjefijsieuf93q849f8ejf", "status": "IDLE"},
              {"clientID": "q3f98jq3f9j8q3f9j8q3f9", "status": "ERROR", "errorCode": "HMD_DISCONNECTED",
               "errorMessage": "头盔未连接"}]}))]
pub(crate) struct HeartbeatBody {
    #[schema(max_length = 64)]
    coms_version: Option<String>,
    disk_free_bytes: Option<u64>,
    disk_total_bytes: Option<u64>,
    /// Seats of this cinema and their status (at most 1000); seats not listed keep theirs.
    #[serde(default)]
    seats: Vec<SeatStatusBody>,
}

/// One seat's status as its COMS sees it.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SeatStatusBody {
    #[serde(rename = "clientID")]
    client_id: Option<String>,
    #[schema(inline, value_type = SeatStatus)]
    status: Option<String>,
    /// With ERROR: which fault (a new code is a new fault).
    #[schema(max_length = 64)]
    error_code: Option<String>,
    /// With ERROR: the fault in words.
    #[schema(max_length = 1000)]
    error_message: Option<String>,
}

impl TryFrom<HeartbeatBody> for Heartbeat {
    type Error = Error;

    fn try_from(b: HeartbeatBody) -> Result<Self, Error> {
        let seats = b
            .seats
            .into_iter()
            .map(|s| {
                Ok(SeatReport {
                    client_id: s.client_id.ok_or_else(|| Error::invalid("seats[].clientID", "is required"))?,
                    status: SeatStatus::parse("seats[].status", s.status.as_deref().unwrap_or(""))?,
                    error_code: s.error_code,
                    error_message: s.error_message,
                })
            })
            .collect::<Result<_, Error>>()?;
        Ok(Heartbeat {
            coms_version: b.coms_version,
            disk_free_bytes: b.disk_free_bytes,
            disk_total_bytes: b.disk_total_bytes,
            seats,
        })
    }
}

/// The COMS is alive: its figures, and each listed seat seen now with its status (ERROR opens a
/// fault, anything else clears it). Seats not heard from for the offline window (3 minutes by
/// default) show as offline. Only what changed is written.
#[utoipa::path(post, path = "/cms/cinemas/{cinema_id}/heartbeat", tag = "coms", operation_id = "heartbeat",
    params(("cinema_id" = String, Path)),
    request_body = HeartbeatBody,
    responses(
        (status = 200, description = "Recorded", body = Done),
        (status = 403, description = "The API key, or a listed seat, belongs to another cinema", body = ErrorBody),
        (status = 404, description = "No such cinema or seat", body = ErrorBody),
    ))]
async fn heartbeat(
    State(s): State<AppState>,
    PathParam(cinema): PathParam<String>,
    SignedJson { caller, body }: SignedJson<HeartbeatBody>,
) -> ApiResult<Json<Done>> {
    // Converted by the core, after it has decided whether this caller may report here.
    s.run(move |cms| cms.heartbeat(&caller.actor, &cinema, body)).await?;
    Ok(done())
}
