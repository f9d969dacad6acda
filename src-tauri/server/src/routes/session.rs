//! Logging in and out with bearer tokens.

use axum::extract::{Extension, State};
use axum::http::HeaderMap;
use axum::routing::{get, post};
use axum::{Json, Router};
use cinedesk_core::{Principal, Session, User};
use serde::Deserialize;
use serde_json::{json, Value};

use super::done;
use crate::auth::bearer;
use crate::error::ApiResult;
use crate::extract::JsonBody;
use crate::state::AppState;

pub fn public_routes() -> Router<AppState> {
    Router::new().route("/cms/login", post(login)).route("/cms/app_info", get(app_info))
}

/// What the web UI needs before logging in: whether anyone can log in yet.
async fn app_info(State(s): State<AppState>) -> ApiResult<Json<Value>> {
    let users = s.run(|cms| cms.user_count()).await?;
    Ok(Json(json!({ "version": env!("CARGO_PKG_VERSION"), "hasUsers": users > 0, "mode": "server" })))
}

pub fn authenticated_routes() -> Router<AppState> {
    Router::new().route("/cms/logout", post(logout)).route("/cms/me", get(me))
}

/// The user the session belongs to (the guard put the caller's identity on the request).
async fn me(State(s): State<AppState>, Extension(p): Extension<Principal>) -> ApiResult<Json<User>> {
    Ok(Json(s.run(move |cms| cms.get_user(&p.user_id)).await?))
}

#[derive(Deserialize)]
struct Credentials {
    alias: Option<String>,
    password: Option<String>,
}

async fn login(State(s): State<AppState>, JsonBody(c): JsonBody<Credentials>) -> ApiResult<Json<Session>> {
    let alias = cinedesk_core::Error::invalid("alias", "is required");
    let alias = c.alias.filter(|a| !a.trim().is_empty()).ok_or(alias)?;
    let password = c.password.unwrap_or_default();
    Ok(Json(s.run(move |cms| cms.login(&alias, &password)).await?))
}

async fn logout(State(s): State<AppState>, headers: HeaderMap) -> ApiResult<Json<Value>> {
    // The guard already checked the token; it is here for sure.
    let token = bearer(&headers).unwrap_or_default();
    s.run(move |cms| cms.logout(&token)).await?;
    Ok(done())
}
