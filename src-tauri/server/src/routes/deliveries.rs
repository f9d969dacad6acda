//! Deliveries (issue 13): a film's board over its cinemas, a cinema's films, the site's reports of each download, and re-sending a film's message.

use axum::extract::State;
use axum::Json;
use cinedesk_core::{DeliveryBoard, DeliveryQuery, DeliveryReport, DeliveryState, Error};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::done::{done, Done};
use super::request::cinema_list::CinemaList;
use crate::auth::{Caller, LoggedIn, SignedJson};
use crate::error::ApiResult;
use crate::extract::{JsonBody, PageParams, PathParam, Query};
use crate::openapi::ErrorBody;
use crate::state::AppState;

/// Routes of the chain's operators (a bearer token).
pub fn user_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(of_movie)).routes(routes!(retry))
}

/// Routes a cinema's COMS calls too (a token or a signature).
pub fn caller_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(of_cinema)).routes(routes!(report))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct MovieBoardFilter {
    /// Pairs in this state only (the counts per state stay those of the whole board).
    #[param(inline)]
    state: Option<DeliveryState>,
    /// Cinemas of this region only.
    region_id: Option<String>,
}

/// A film's delivery board: each cinema it was distributed to, by cinema code, with the state
/// of the film there and the counts per state.
#[utoipa::path(get, path = "/cms/movies/{movie_id}/deliveries", tag = "deliveries", operation_id = "movie_deliveries",
    params(("movie_id" = String, Path), MovieBoardFilter, PageParams),
    responses(
        (status = 200, description = "A page of the film's cinemas", body = DeliveryBoard),
        (status = 404, description = "No such film", body = ErrorBody),
    ))]
async fn of_movie(
    State(s): State<AppState>,
    session: LoggedIn,
    PathParam(id): PathParam<String>,
    Query(f): Query<MovieBoardFilter>,
    Query(p): Query<PageParams>,
) -> ApiResult<Json<DeliveryBoard>> {
    let q = DeliveryQuery { state: f.state, region_id: f.region_id, paging: p.paging()? };
    Ok(Json(s.read(move |cms| cms.movie_deliveries(&session.actor, &id, &q)).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct CinemaBoardFilter {
    /// Films in this state only (the counts per state stay those of all the cinema's films).
    #[param(inline)]
    state: Option<DeliveryState>,
}

/// A cinema's films and how far it got with each, newest distribution first. The cinema's own
/// COMS may read it (to pick up where it was after a restart).
#[utoipa::path(get, path = "/cms/cinemas/{cinema_id}/deliveries", tag = "deliveries", operation_id = "cinema_deliveries",
    params(("cinema_id" = String, Path), CinemaBoardFilter, PageParams),
    responses(
        (status = 200, description = "A page of the cinema's films", body = DeliveryBoard),
        (status = 403, description = "The API key belongs to another cinema, or the role may not", body = ErrorBody),
        (status = 404, description = "No such cinema, or not one of the caller's", body = ErrorBody),
    ))]
async fn of_cinema(
    State(s): State<AppState>,
    caller: Caller,
    PathParam(id): PathParam<String>,
    Query(f): Query<CinemaBoardFilter>,
    Query(p): Query<PageParams>,
) -> ApiResult<Json<DeliveryBoard>> {
    let q = DeliveryQuery { state: f.state, region_id: None, paging: p.paging()? };
    Ok(Json(s.read(move |cms| cms.cinema_deliveries(&caller.actor, &id, &q)).await?))
}

/// What a site says of a film it was sent.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"state": "DOWNLOADING", "bytes": 1048576, "totalBytes": 4294967296_u64}))]
pub(crate) struct DeliveryReportBody {
    /// DOWNLOADING (with progress), READY (all bytes, verified) or FAILED (with `error`).
    #[schema(inline, value_type = ReportedState)]
    state: Option<String>,
    /// Bytes the site has of the file.
    bytes: Option<u64>,
    /// The file's size, as the message said: another size means another (older) file, a 409.
    total_bytes: Option<u64>,
    /// Why it failed (FAILED only).
    #[schema(max_length = 1000)]
    error: Option<String>,
    /// The file the site is working on, from the message's `file.fileID`; another than the
    /// film's current file is a 409.
    #[serde(rename = "fileID")]
    file_id: Option<String>,
}

/// The delivery states a site reports.
#[derive(ToSchema)]
#[schema(rename_all = "SCREAMING_SNAKE_CASE")]
#[allow(dead_code)] // documents the accepted values; the core checks them
enum ReportedState {
    Downloading,
    Ready,
    Failed,
}

impl TryFrom<DeliveryReportBody> for DeliveryReport {
    type Error = Error;

    fn try_from(b: DeliveryReportBody) -> Result<Self, Error> {
        let state = DeliveryState::parse("state", b.state.as_deref().unwrap_or(""))?;
        Ok(DeliveryReport {
            state,
            bytes: b.bytes.ok_or_else(|| Error::invalid("bytes", "is required"))?,
            total_bytes: b.total_bytes.ok_or_else(|| Error::invalid("totalBytes", "is required"))?,
            error: b.error,
            file_id: b.file_id,
        })
    }
}

/// A site's report of a film it was sent: DOWNLOADING with progress, READY or FAILED. A report
/// that changes nothing writes nothing.
#[utoipa::path(put, path = "/cms/cinemas/{cinema_id}/deliveries/{movie_id}", tag = "deliveries",
    operation_id = "report_delivery",
    params(("cinema_id" = String, Path), ("movie_id" = String, Path)),
    request_body = DeliveryReportBody,
    responses(
        (status = 200, description = "Recorded", body = Done),
        (status = 403, description = "The API key belongs to another cinema, the cinema is not the caller's, or the role may not", body = ErrorBody),
        (status = 404, description = "No such cinema or film, or the film was never distributed to the cinema", body = ErrorBody),
        (status = 409, description = "Stale news: the film was withdrawn from the cinema, or its file was replaced", body = ErrorBody),
    ))]
async fn report(
    State(s): State<AppState>,
    PathParam((cinema, movie)): PathParam<(String, String)>,
    SignedJson { caller, body }: SignedJson<DeliveryReportBody>,
) -> ApiResult<Json<Done>> {
    // Converted by the core, after it has decided whether this caller may report here.
    s.run(move |cms| cms.report_delivery(&caller.actor, &cinema, &movie, body)).await?;
    Ok(done())
}

/// Sends the film's NEW_MOVIE (the film and its file as they are now) to these cinemas again,
/// each delivery back to QUEUED: "retry" for a FAILED or stuck site. All or none.
#[utoipa::path(post, path = "/cms/movies/{movie_id}/deliveries/_retry", tag = "deliveries",
    operation_id = "retry_deliveries",
    params(("movie_id" = String, Path)),
    request_body = CinemaList,
    responses(
        (status = 200, description = "Sent again", body = Done),
        (status = 403, description = "One of the cinemas named is not the caller's (nothing changed)", body = ErrorBody),
        (status = 404, description = "No such film or cinema, or the film was never distributed to one of them", body = ErrorBody),
        (status = 409, description = "The film was withdrawn from one of them: distribute it again", body = ErrorBody),
    ))]
async fn retry(
    State(s): State<AppState>,
    session: LoggedIn,
    PathParam(id): PathParam<String>,
    JsonBody(body): JsonBody<CinemaList>,
) -> ApiResult<Json<Done>> {
    s.run(move |cms| cms.retry_deliveries(&session.actor, &id, body.cinema_id_list)).await?;
    Ok(done())
}
