//! Seed §4: films, praise and distribution.

use axum::extract::State;
use axum::Json;
use cinedesk_core::{
    DistributeInput, DistributionOutcome, Movie, MovieInput, MovieQuery, OrderSeq, Page, WithdrawalOutcome,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::done::{done, Done};
use super::request::cinema_list::CinemaList;
use crate::auth::LoggedIn;
use crate::error::ApiResult;
use crate::extract::{JsonBody, PageParams, PathParam, Query};
use crate::openapi::ErrorBody;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create, delete))
        .routes(routes!(update, one))
        .routes(routes!(praise))
        .routes(routes!(distribute, withdraw))
        .routes(routes!(cinemas))
}

#[derive(Serialize, ToSchema)]
pub(crate) struct MovieCreated {
    #[serde(rename = "movieID")]
    movie_id: String,
}

/// Seed §4.1.
#[utoipa::path(post, path = "/cms/movies", tag = "movies", operation_id = "create_movie",
    request_body = MovieInput,
    responses(
        (status = 200, description = "Created", body = MovieCreated),
        (status = 400, description = "A required field is missing or a value breaks a rule", body = ErrorBody),
        (status = 409, description = "movieCode is taken", body = ErrorBody),
    ))]
async fn create(
    State(s): State<AppState>,
    session: LoggedIn,
    JsonBody(input): JsonBody<MovieInput>,
) -> ApiResult<Json<MovieCreated>> {
    let movie_id = s.run(move |cms| cms.create_movie(&session.actor, input)).await?;
    Ok(Json(MovieCreated { movie_id }))
}

/// Filters and order of seed §4.2.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct MovieFilter {
    /// Any of these films (the key may repeat).
    #[serde(default)]
    movie_id: Vec<String>,
    /// A WeChat user: each film then says whether this user praised it (`praised`).
    open_id: Option<String>,
    /// Films distributed to this cinema.
    cinema_id: Option<String>,
    /// Part of the name.
    name: Option<String>,
    movie_code: Option<String>,
    /// MOVIE, GUIDE or AD.
    #[serde(rename = "type")]
    movie_type: Option<String>,
    /// Films of this category.
    category: Option<String>,
    country: Option<String>,
    online: Option<bool>,
    /// The field to sort by (scheduleStart by default).
    #[param(inline, value_type = Option<OrderParam>)]
    order_param: Option<String>,
    /// Descending by default.
    #[param(inline, value_type = Option<OrderSeq>)]
    order_seq: Option<String>,
}

/// Sortable fields of `GET /cms/movies` (`cinedesk_core::ORDER_PARAMS`).
#[derive(ToSchema)]
#[schema(rename_all = "camelCase")]
#[allow(dead_code)] // documents the accepted values; the core checks them
enum OrderParam {
    ScheduleStart,
    ScheduleEnd,
    Name,
    MovieCode,
    Duration,
    Price,
    NumOfPraise,
    NumOfView,
    CreateTime,
}

/// Seed §4.2.
#[utoipa::path(get, path = "/cms/movies", tag = "movies", operation_id = "list_movies",
    params(MovieFilter, PageParams),
    responses((status = 200, description = "A page of films", body = Page<Movie>)))]
async fn list(
    State(s): State<AppState>,
    session: LoggedIn,
    Query(f): Query<MovieFilter>,
    Query(p): Query<PageParams>,
) -> ApiResult<Json<Page<Movie>>> {
    let query = MovieQuery {
        movie_ids: f.movie_id,
        open_id: f.open_id,
        cinema_id: f.cinema_id,
        name: f.name,
        movie_code: f.movie_code,
        movie_type: f.movie_type,
        category: f.category,
        country: f.country,
        online: f.online,
        paging: p.paging()?,
        order_param: f.order_param,
        order_seq: f.order_seq.map(|v| OrderSeq::parse(&v)).transpose()?.unwrap_or_default(),
    };
    Ok(Json(s.run(move |cms| cms.list_movies(&session.actor, &query)).await?))
}

#[utoipa::path(get, path = "/cms/movies/{movie_id}", tag = "movies", operation_id = "get_movie",
    params(("movie_id" = String, Path)),
    responses(
        (status = 200, description = "The film", body = Movie),
        (status = 404, description = "No such film", body = ErrorBody),
    ))]
async fn one(State(s): State<AppState>, session: LoggedIn, PathParam(id): PathParam<String>) -> ApiResult<Json<Movie>> {
    Ok(Json(s.read(move |cms| cms.get_movie(&session.actor, &id)).await?))
}

/// Seed §4.3: absent fields keep their value, an empty string clears an optional one.
#[utoipa::path(put, path = "/cms/movies/{movie_id}", tag = "movies", operation_id = "update_movie",
    params(("movie_id" = String, Path)),
    request_body = MovieInput,
    responses(
        (status = 200, description = "Updated", body = Done),
        (status = 404, description = "No such film", body = ErrorBody),
        (status = 409, description = "movieCode is taken", body = ErrorBody),
    ))]
async fn update(
    State(s): State<AppState>,
    session: LoggedIn,
    PathParam(id): PathParam<String>,
    JsonBody(input): JsonBody<MovieInput>,
) -> ApiResult<Json<Done>> {
    s.run(move |cms| cms.update_movie(&session.actor, &id, input)).await?;
    Ok(done())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct MovieIds {
    /// The films (the key repeats); at least one.
    #[serde(default)]
    movie_id: Vec<String>,
}

/// Seed §4.5: all or none.
#[utoipa::path(delete, path = "/cms/movies", tag = "movies", operation_id = "delete_movies",
    params(MovieIds),
    responses(
        (status = 200, description = "Deleted", body = Done),
        (status = 404, description = "One of the films does not exist", body = ErrorBody),
        (status = 409, description = "A film is still needed by an unfinished VOD task", body = ErrorBody),
    ))]
async fn delete(State(s): State<AppState>, session: LoggedIn, Query(q): Query<MovieIds>) -> ApiResult<Json<Done>> {
    s.run(move |cms| cms.delete_movies(&session.actor, &q.movie_id)).await?;
    Ok(done())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct PraiseBy {
    /// A WeChat user, who counts once.
    open_id: Option<String>,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Praised {
    /// The film's praise count now.
    num_of_praise: i64,
}

/// Seed §4.4: one praise; with `open_id` a WeChat user counts once.
#[utoipa::path(post, path = "/cms/movies/{movie_id}/_praise", tag = "movies", operation_id = "praise_movie",
    params(("movie_id" = String, Path), PraiseBy),
    responses(
        (status = 200, description = "Counted", body = Praised),
        (status = 404, description = "No such film", body = ErrorBody),
    ))]
async fn praise(
    State(s): State<AppState>,
    session: LoggedIn,
    PathParam(id): PathParam<String>,
    Query(q): Query<PraiseBy>,
) -> ApiResult<Json<Praised>> {
    let num_of_praise = s.run(move |cms| cms.praise_movie(&session.actor, &id, q.open_id.as_deref())).await?;
    Ok(Json(Praised { num_of_praise }))
}

/// Seed §4.6: to every named cinema or none, each told through its COMS queue.
#[utoipa::path(post, path = "/cms/movies/{movie_id}/_distribute", tag = "movies", operation_id = "distribute_movie",
    params(("movie_id" = String, Path)),
    request_body = DistributeInput,
    responses(
        (status = 200, description = "Distributed", body = DistributionOutcome),
        (status = 403, description = "One of the cinemas named is not the caller's (nothing changed)", body = ErrorBody),
        (status = 404, description = "No such film or cinema", body = ErrorBody),
    ))]
async fn distribute(
    State(s): State<AppState>,
    session: LoggedIn,
    PathParam(id): PathParam<String>,
    JsonBody(input): JsonBody<DistributeInput>,
) -> ApiResult<Json<DistributionOutcome>> {
    Ok(Json(s.run(move |cms| cms.distribute_movie(&session.actor, &id, input)).await?))
}

/// Takes the film back from the listed cinemas that have it: each gets MOVIE_WITHDRAWN and its
/// delivery becomes WITHDRAWN. All or none (an unknown cinema, or one where an unfinished VOD
/// task still needs the film, and nothing changes).
#[utoipa::path(delete, path = "/cms/movies/{movie_id}/_distribute", tag = "movies", operation_id = "withdraw_movie",
    params(("movie_id" = String, Path)),
    request_body = CinemaList,
    responses(
        (status = 200, description = "Withdrawn", body = WithdrawalOutcome),
        (status = 403, description = "One of the cinemas named is not the caller's (nothing changed)", body = ErrorBody),
        (status = 404, description = "No such film or cinema", body = ErrorBody),
        (status = 409, description = "An unfinished VOD task at one of the cinemas still needs the film", body = ErrorBody),
    ))]
async fn withdraw(
    State(s): State<AppState>,
    session: LoggedIn,
    PathParam(id): PathParam<String>,
    JsonBody(body): JsonBody<CinemaList>,
) -> ApiResult<Json<WithdrawalOutcome>> {
    Ok(Json(s.run(move |cms| cms.withdraw_movie(&session.actor, &id, body.cinema_id_list)).await?))
}

#[derive(Serialize, ToSchema)]
pub(crate) struct MovieCinemas {
    #[serde(rename = "cinemaIDList")]
    cinema_id_list: Vec<String>,
}

/// Where a film is now (the distribute dialog shows it); cinemas it was withdrawn from are not.
#[utoipa::path(get, path = "/cms/movies/{movie_id}/cinemas", tag = "movies", operation_id = "movie_cinemas",
    params(("movie_id" = String, Path)),
    responses(
        (status = 200, description = "The cinemas that have the film", body = MovieCinemas),
        (status = 404, description = "No such film", body = ErrorBody),
    ))]
async fn cinemas(
    State(s): State<AppState>,
    session: LoggedIn,
    PathParam(id): PathParam<String>,
) -> ApiResult<Json<MovieCinemas>> {
    let cinema_id_list = s.run(move |cms| cms.movie_cinema_ids(&session.actor, &id)).await?;
    Ok(Json(MovieCinemas { cinema_id_list }))
}
