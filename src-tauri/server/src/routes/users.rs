//! Seed §7: CMS users (SYS_ADMIN only).

use axum::extract::State;
use axum::routing::{get, put};
use axum::{Json, Router};
use cinedesk_core::{Page, User, UserInput, UserQuery};
use serde_json::{json, Value};

use super::done;
use crate::error::ApiResult;
use crate::extract::{JsonBody, PathParam, QueryPairs};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/cms/users", get(list).post(create).delete(delete_many))
        .route("/cms/users/{user_id}", put(update).get(one).delete(delete_one))
}

async fn create(State(s): State<AppState>, JsonBody(input): JsonBody<UserInput>) -> ApiResult<Json<Value>> {
    let id = s.run(move |cms| cms.create_user(input)).await?;
    Ok(Json(json!({ "userID": id })))
}

async fn list(State(s): State<AppState>, q: QueryPairs) -> ApiResult<Json<Page<User>>> {
    let query = UserQuery {
        user_ids: q.all("user_id"),
        alias: q.one("alias"),
        name: q.one("name"),
        role: q.one("role"),
        paging: q.paging()?,
    };
    Ok(Json(s.run(move |cms| cms.list_users(&query)).await?))
}

async fn one(State(s): State<AppState>, PathParam(id): PathParam<String>) -> ApiResult<Json<User>> {
    Ok(Json(s.read(move |cms| cms.get_user(&id)).await?))
}

async fn update(
    State(s): State<AppState>,
    PathParam(id): PathParam<String>,
    JsonBody(input): JsonBody<UserInput>,
) -> ApiResult<Json<Value>> {
    s.run(move |cms| cms.update_user(&id, input)).await?;
    Ok(done())
}

async fn delete_one(State(s): State<AppState>, PathParam(id): PathParam<String>) -> ApiResult<Json<Value>> {
    s.run(move |cms| cms.delete_users(&[id])).await?;
    Ok(done())
}

async fn delete_many(State(s): State<AppState>, q: QueryPairs) -> ApiResult<Json<Value>> {
    let ids = q.all("user_id");
    s.run(move |cms| cms.delete_users(&ids)).await?;
    Ok(done())
}
