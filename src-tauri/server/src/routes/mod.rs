//! The route table of seed 000, grouped by how callers authenticate: not at all (public), with
//! a user's bearer token ([`crate::auth::LoggedIn`]), or also with a cinema's signature
//! ([`crate::auth::Caller`]). Who may do what is the core's decision: each handler passes the
//! caller's actor to it.
//!
//! Every route is registered with `OpenApiRouter::routes(routes!(handler, …))`, one `routes!` per
//! path, so registering a route documents it (see `crate::openapi`).
//!
//! The seeds' wire shapes beside the handlers: `request` (each seed's requests, parsed into the
//! core's typed inputs with `TryFrom`) and `envelope` (each seed's answers and failures).

mod alerts;
mod api_keys;
mod audit;
mod backups;
mod call;
mod cinemas;
mod commands;
mod coms;
mod deliveries;
mod done;
mod enums;
mod envelope;
mod files;
mod halls;
mod heartbeats;
pub(crate) mod messages;
mod models;
mod movies;
mod onlinedisk_library;
mod qr;
mod qr_sheet;
mod request;
mod session;
mod sessions;
mod storage;
mod upload_tokens;
mod uploads;
mod users;
mod vod;
mod vod_flow;
mod vr_clients;

use axum::{middleware, Extension, Json, Router};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::ApiError;
use crate::openapi::{self, ApiDoc, Document};
use crate::signed::{self, Kind};
use crate::state::AppState;

/// Routes for users (their handlers take a [`crate::auth::LoggedIn`]): documented with the bearer
/// security, its 401 (no session) and 403 (the core refused the role).
fn for_users(mut routes: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    openapi::require_bearer(routes.get_openapi_mut());
    routes
}

/// Routes a cinema's COMS calls with a signature, and users with their token ([`crate::auth::Caller`]):
/// documented with both securities, their 401 and 403, and signed the [`Kind::Params`] way (a
/// JSON body, or the query string of a request without one).
fn for_callers(app: &AppState, mut routes: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    openapi::require_caller(routes.get_openapi_mut());
    signed::layer(app, Kind::Params, routes)
}

/// Answers unknown routes with the seed's JSON error.
async fn no_route(uri: axum::http::Uri) -> ApiError {
    ApiError::NoRoute(uri.path().to_string())
}

#[derive(Serialize, ToSchema)]
pub(crate) struct Health {
    /// Always `ok`.
    status: String,
}

/// Liveness for load balancers and service managers.
#[utoipa::path(get, path = "/healthz", tag = "meta", operation_id = "healthz",
    responses((status = 200, description = "The server is up", body = Health)))]
async fn health() -> Json<Health> {
    Json(Health { status: "ok".into() })
}

/// Every route with its documentation, before state and fallbacks.
fn documented(app: &AppState) -> OpenApiRouter<AppState> {
    let users = OpenApiRouter::new()
        .merge(cinemas::routes())
        .merge(halls::routes())
        .merge(vr_clients::routes())
        .merge(qr_sheet::routes())
        .merge(movies::routes())
        .merge(deliveries::user_routes())
        .merge(commands::user_routes())
        .merge(vod::routes())
        .merge(models::routes())
        .merge(enums::routes())
        .merge(session::authenticated_routes())
        .merge(sessions::routes())
        .merge(files::info_routes())
        .merge(users::routes())
        .merge(api_keys::routes())
        .merge(audit::routes())
        .merge(backups::routes())
        .merge(storage::routes())
        .merge(alerts::routes())
        .merge(uploads::settings_routes())
        .merge(upload_tokens::settings_routes());
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health))
        .routes(routes!(openapi::document))
        .merge(session::public_routes())
        // The COMS channel, the uploads, the resource library, seed-003 upload tokens and
        // seed-001 VOD flows take a user's token or a cinema's signature, checked by
        // `crate::signed` in front of each by what its requests sign.
        .merge(signed::layer(app, Kind::Params, coms::routes()))
        // What sites report: seats, tasks, deliveries, commands, heartbeats.
        .merge(for_callers(
            app,
            OpenApiRouter::new()
                .merge(vr_clients::caller_routes())
                .merge(vod::caller_routes())
                .merge(deliveries::caller_routes())
                .merge(commands::caller_routes())
                .merge(heartbeats::caller_routes()),
        ))
        // Downloads are public (like OSS public-read; a site signs its own, to be counted), and
        // so is a scanned seat code.
        .merge(signed::layer(app, Kind::Params, files::public_routes()))
        .merge(qr::public_routes())
        .merge(uploads::routes(app))
        .merge(signed::layer(app, Kind::Params, onlinedisk_library::routes()))
        .merge(signed::layer(app, Kind::Params, upload_tokens::routes()))
        .merge(signed::layer(app, Kind::Params, vod_flow::routes()))
        .merge(for_users(users))
}

/// The API, and the built UI (`ui/dist`) at `/` when a directory is given: what is not an API
/// route is looked up there, and what is not there either is the JSON 404.
pub fn router(app: AppState, ui: Option<&std::path::Path>) -> Router {
    let (api, doc) = documented(&app).split_for_parts();
    let doc = openapi::finish(doc).to_json().expect("the OpenAPI document serializes");
    let api = api
        .layer(Extension(Document(doc.into())))
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .with_state(app);
    let app = match ui {
        Some(dir) => api.fallback_service(
            tower_http::services::ServeDir::new(dir)
                .not_found_service(axum::handler::HandlerWithoutStateExt::into_service(no_route)),
        ),
        None => api.fallback(no_route),
    };
    // Outermost, so every answer (fallbacks and refusals included) has its id.
    app.layer(middleware::from_fn(crate::request_id::assign))
}
