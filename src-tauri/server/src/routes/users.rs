//! Seed §7: CMS users (SYS_ADMIN only).

use axum::extract::State;
use axum::Json;
use cinedesk_core::{Page, User, UserInput, UserQuery};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::done::{done, Done};
use crate::auth::LoggedIn;
use crate::error::ApiResult;
use crate::extract::{JsonBody, PageParams, PathParam, Query};
use crate::openapi::ErrorBody;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create, delete_many)).routes(routes!(update, one, delete_one))
}

#[derive(Serialize, ToSchema)]
pub(crate) struct UserCreated {
    #[serde(rename = "userID")]
    user_id: String,
}

/// Seed §7.1, with the password the user logs in with.
#[utoipa::path(post, path = "/cms/users", tag = "users", operation_id = "create_user",
    security(("bearer" = ["SYS_ADMIN"])),
    request_body = UserInput,
    responses(
        (status = 200, description = "Created", body = UserCreated),
        (status = 400, description = "A required field is missing or a value breaks a rule", body = ErrorBody),
        (status = 409, description = "alias is taken", body = ErrorBody),
    ))]
async fn create(
    State(s): State<AppState>,
    session: LoggedIn,
    JsonBody(input): JsonBody<UserInput>,
) -> ApiResult<Json<UserCreated>> {
    let user_id = s.run(move |cms| cms.create_user(&session.actor, input)).await?;
    Ok(Json(UserCreated { user_id }))
}

/// Filters of seed §7.3.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct UserFilter {
    /// Any of these users (the key may repeat).
    #[serde(default)]
    user_id: Vec<String>,
    alias: Option<String>,
    /// Part of the name.
    name: Option<String>,
    /// Users with this role.
    role: Option<String>,
}

/// Seed §7.3.
#[utoipa::path(get, path = "/cms/users", tag = "users", operation_id = "list_users",
    security(("bearer" = ["SYS_ADMIN"])),
    params(UserFilter, PageParams),
    responses((status = 200, description = "A page of users", body = Page<User>)))]
async fn list(
    State(s): State<AppState>,
    session: LoggedIn,
    Query(f): Query<UserFilter>,
    Query(p): Query<PageParams>,
) -> ApiResult<Json<Page<User>>> {
    let query = UserQuery { user_ids: f.user_id, alias: f.alias, name: f.name, role: f.role, paging: p.paging()? };
    Ok(Json(s.run(move |cms| cms.list_users(&session.actor, &query)).await?))
}

#[utoipa::path(get, path = "/cms/users/{user_id}", tag = "users", operation_id = "get_user",
    security(("bearer" = ["SYS_ADMIN"])),
    params(("user_id" = String, Path)),
    responses(
        (status = 200, description = "The user", body = User),
        (status = 404, description = "No such user", body = ErrorBody),
    ))]
async fn one(State(s): State<AppState>, session: LoggedIn, PathParam(id): PathParam<String>) -> ApiResult<Json<User>> {
    Ok(Json(s.read(move |cms| cms.get_user(&session.actor, &id)).await?))
}

/// Seed §7.4: absent fields keep their value; a new password ends the user's sessions.
#[utoipa::path(put, path = "/cms/users/{user_id}", tag = "users", operation_id = "update_user",
    security(("bearer" = ["SYS_ADMIN"])),
    params(("user_id" = String, Path)),
    request_body = UserInput,
    responses(
        (status = 200, description = "Updated", body = Done),
        (status = 404, description = "No such user", body = ErrorBody),
        (status = 409, description = "alias is taken, or the last SYS_ADMIN would lose the role", body = ErrorBody),
    ))]
async fn update(
    State(s): State<AppState>,
    session: LoggedIn,
    PathParam(id): PathParam<String>,
    JsonBody(input): JsonBody<UserInput>,
) -> ApiResult<Json<Done>> {
    s.run(move |cms| cms.update_user(&session.actor, &id, input)).await?;
    Ok(done())
}

/// Seed §7.5.
#[utoipa::path(delete, path = "/cms/users/{user_id}", tag = "users", operation_id = "delete_user",
    security(("bearer" = ["SYS_ADMIN"])),
    params(("user_id" = String, Path)),
    responses(
        (status = 200, description = "Deleted", body = Done),
        (status = 404, description = "No such user", body = ErrorBody),
        (status = 409, description = "The last SYS_ADMIN must remain", body = ErrorBody),
    ))]
async fn delete_one(
    State(s): State<AppState>,
    session: LoggedIn,
    PathParam(id): PathParam<String>,
) -> ApiResult<Json<Done>> {
    s.run(move |cms| cms.delete_users(&session.actor, &[id])).await?;
    Ok(done())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct UserIds {
    /// The users (the key repeats); at least one.
    #[serde(default)]
    user_id: Vec<String>,
}

/// Many users at once; all or none.
#[utoipa::path(delete, path = "/cms/users", tag = "users", operation_id = "delete_users",
    security(("bearer" = ["SYS_ADMIN"])),
    params(UserIds),
    responses(
        (status = 200, description = "Deleted", body = Done),
        (status = 404, description = "One of the users does not exist", body = ErrorBody),
        (status = 409, description = "The last SYS_ADMIN must remain", body = ErrorBody),
    ))]
async fn delete_many(State(s): State<AppState>, session: LoggedIn, Query(q): Query<UserIds>) -> ApiResult<Json<Done>> {
    s.run(move |cms| cms.delete_users(&session.actor, &q.user_id)).await?;
    Ok(done())
}
