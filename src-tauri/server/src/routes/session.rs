//! Logging in and out with bearer tokens, and what the web UI needs before logging in.

use axum::extract::State;
use axum::Json;
use cinedesk_core::{LoginFrom, Session, User};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::done::{done, Done};
use crate::auth::{LoggedIn, LoginClient};
use crate::error::ApiResult;
use crate::extract::JsonBody;
use crate::openapi::ErrorBody;
use crate::origin::RequestOrigin;
use crate::state::AppState;

pub fn public_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(login)).routes(routes!(app_info))
}

pub fn authenticated_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(logout)).routes(routes!(me))
}

/// The user the session belongs to (the guard put the caller's identity on the request).
// (The guard is the `LoggedIn` extractor; the summary above is the document's, kept word for word.)
#[utoipa::path(get, path = "/cms/me", tag = "session", operation_id = "me",
    responses((status = 200, description = "The logged-in user", body = User)))]
async fn me(State(s): State<AppState>, session: LoggedIn) -> ApiResult<Json<User>> {
    Ok(Json(s.read(move |cms| cms.me(&session.actor)).await?))
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AppInfo {
    version: String,
    /// Whether anyone can log in yet.
    has_users: bool,
    /// `server` here; the desktop app says `desktop`.
    mode: String,
}

/// What the web UI needs before logging in.
#[utoipa::path(get, path = "/cms/app_info", tag = "session", operation_id = "app_info",
    responses((status = 200, description = "About this server", body = AppInfo)))]
async fn app_info(State(s): State<AppState>) -> ApiResult<Json<AppInfo>> {
    let core = s.run(|cms| cms.app_info()).await?;
    Ok(Json(AppInfo { version: core.version.into(), has_users: core.has_users, mode: "server".into() }))
}

#[derive(Deserialize, ToSchema)]
pub(crate) struct Credentials {
    alias: Option<String>,
    password: Option<String>,
}

/// A session for 24 hours: send its token as `Authorization: Bearer <token>`. After 5 failed
/// logins for an alias, or 20 from one address, within 15 minutes, tries are refused (429, no
/// password checked) until those failures are 15 minutes old: `Retry-After` says when.
#[utoipa::path(post, path = "/cms/login", tag = "session", operation_id = "login",
    request_body = Credentials,
    responses(
        (status = 200, description = "Logged in", body = Session),
        (status = 400, description = "No alias", body = ErrorBody),
        (status = 401, description = "Wrong alias or password", body = ErrorBody),
        (status = 429, description = "Too many failed logins lately: try again after `Retry-After` seconds",
            body = ErrorBody, headers(("Retry-After" = u64, description = "Seconds until a try is checked again"))),
    ))]
async fn login(
    State(s): State<AppState>,
    RequestOrigin(origin): RequestOrigin,
    LoginClient(from): LoginClient,
    JsonBody(c): JsonBody<Credentials>,
) -> ApiResult<Json<Session>> {
    let alias = cinedesk_core::Error::invalid("alias", "is required");
    let alias = c.alias.filter(|a| !a.trim().is_empty()).ok_or(alias)?;
    let password = c.password.unwrap_or_default();
    // Behind a trusted proxy the client is the address it forwarded for, not the proxy: the
    // lockout counts per client, and the log names it. No peer (in process): no address.
    let address = if from.address.is_empty() { from.address } else { origin.address };
    let from = LoginFrom { via: origin.via, address, ..from };
    Ok(Json(s.run(move |cms| cms.login_from(&from, &alias, &password)).await?))
}

/// Ends the session of the token sent.
#[utoipa::path(post, path = "/cms/logout", tag = "session", operation_id = "logout",
    responses((status = 200, description = "Logged out", body = Done)))]
async fn logout(State(s): State<AppState>, session: LoggedIn) -> ApiResult<Json<Done>> {
    s.run(move |cms| cms.logout(&session.actor, &session.token)).await?;
    Ok(done())
}
