//! Seed §4: films, praise and distribution.

use axum::extract::State;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use cinedesk_core::{DistributeInput, DistributionOutcome, Movie, MovieInput, MovieQuery, OrderSeq, Page};
use serde_json::{json, Value};

use super::done;
use crate::error::ApiResult;
use crate::extract::{JsonBody, PathParam, QueryPairs};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/cms/movies", get(list).post(create).delete(delete))
        .route("/cms/movies/{movie_id}", put(update).get(one))
        .route("/cms/movies/{movie_id}/_praise", post(praise))
        .route("/cms/movies/{movie_id}/_distribute", post(distribute))
        .route("/cms/movies/{movie_id}/cinemas", get(cinemas))
}

async fn create(State(s): State<AppState>, JsonBody(input): JsonBody<MovieInput>) -> ApiResult<Json<Value>> {
    let id = s.run(move |cms| cms.create_movie(input)).await?;
    Ok(Json(json!({ "movieID": id })))
}

async fn list(State(s): State<AppState>, q: QueryPairs) -> ApiResult<Json<Page<Movie>>> {
    let query = MovieQuery {
        movie_ids: q.all("movie_id"),
        open_id: q.one("open_id"),
        cinema_id: q.one("cinema_id"),
        name: q.one("name"),
        movie_code: q.one("movie_code"),
        movie_type: q.one("type"),
        category: q.one("category"),
        country: q.one("country"),
        online: q.bool("online")?,
        paging: q.paging()?,
        order_param: q.one("order_param"),
        order_seq: q.one("order_seq").map(|v| OrderSeq::parse(&v)).transpose()?.unwrap_or_default(),
    };
    Ok(Json(s.run(move |cms| cms.list_movies(&query)).await?))
}

async fn one(State(s): State<AppState>, PathParam(id): PathParam<String>) -> ApiResult<Json<Movie>> {
    Ok(Json(s.read(move |cms| cms.get_movie(&id)).await?))
}

async fn update(
    State(s): State<AppState>,
    PathParam(id): PathParam<String>,
    JsonBody(input): JsonBody<MovieInput>,
) -> ApiResult<Json<Value>> {
    s.run(move |cms| cms.update_movie(&id, input)).await?;
    Ok(done())
}

async fn delete(State(s): State<AppState>, q: QueryPairs) -> ApiResult<Json<Value>> {
    let ids = q.all("movie_id");
    s.run(move |cms| cms.delete_movies(&ids)).await?;
    Ok(done())
}

/// One praise; with `open_id` a WeChat user counts once. Answers the new count.
async fn praise(State(s): State<AppState>, PathParam(id): PathParam<String>, q: QueryPairs) -> ApiResult<Json<Value>> {
    let open_id = q.one("open_id");
    let count = s.run(move |cms| cms.praise_movie(&id, open_id.as_deref())).await?;
    Ok(Json(json!({ "numOfPraise": count })))
}

async fn distribute(
    State(s): State<AppState>,
    PathParam(id): PathParam<String>,
    JsonBody(input): JsonBody<DistributeInput>,
) -> ApiResult<Json<DistributionOutcome>> {
    Ok(Json(s.run(move |cms| cms.distribute_movie(&id, input)).await?))
}

/// Where a film already is (the distribute dialog shows it).
async fn cinemas(State(s): State<AppState>, PathParam(id): PathParam<String>) -> ApiResult<Json<Value>> {
    let ids = s.run(move |cms| cms.movie_cinema_ids(&id)).await?;
    Ok(Json(json!({ "cinemaIDList": ids })))
}
