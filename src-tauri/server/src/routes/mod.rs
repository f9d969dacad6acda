//! The route table of seed 000, grouped by the capability each group needs.

mod api_keys;
mod cinemas;
mod enums;
mod files;
mod halls;
mod models;
mod movies;
mod session;
mod uploads;
mod users;
mod vod;
mod vr_clients;

use axum::routing::get;
use axum::{middleware, Json, Router};
use cinedesk_core::Capability;
use serde_json::{json, Value};

use crate::auth::{guard, Guard};
use crate::error::ApiError;
use crate::state::AppState;

/// The body of a success that has nothing else to say (the seed answers a bare 200).
pub(crate) fn done() -> Json<Value> {
    Json(json!({}))
}

fn guarded(app: &AppState, cap: Capability, routes: Router<AppState>) -> Router<AppState> {
    routes.route_layer(middleware::from_fn_with_state(Guard { app: app.clone(), cap }, guard))
}

/// Answers unknown routes with the seed's JSON error.
async fn no_route(uri: axum::http::Uri) -> ApiError {
    ApiError::NoRoute(uri.path().to_string())
}

/// The API, and the built UI (`ui/dist`) at `/` when a directory is given: what is not an API
/// route is looked up there, and what is not there either is the JSON 404.
pub fn router(app: AppState, ui: Option<&std::path::Path>) -> Router {
    let operate = Router::new()
        .merge(cinemas::routes())
        .merge(halls::routes())
        .merge(vr_clients::routes())
        .merge(movies::routes())
        .merge(vod::routes())
        .merge(models::routes())
        .merge(enums::read_routes())
        .merge(session::authenticated_routes())
        .merge(files::operate_routes());
    let api = Router::new()
        .route("/healthz", get(|| async { Json(json!({ "status": "ok" })) }))
        .merge(session::public_routes())
        // The COMS channel authenticates users and signed machine clients itself.
        .merge(crate::coms::routes())
        // Downloads are public (like OSS public-read); uploads authenticate themselves.
        .merge(files::public_routes())
        .merge(uploads::routes())
        .merge(guarded(&app, Capability::ManageApiKeys, api_keys::routes().merge(uploads::admin_routes())))
        .merge(guarded(&app, Capability::Operate, operate))
        .merge(guarded(&app, Capability::ManageUsers, users::routes()))
        .merge(guarded(&app, Capability::ManageEnums, enums::write_routes()))
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .with_state(app);
    match ui {
        Some(dir) => api.fallback_service(
            tower_http::services::ServeDir::new(dir)
                .not_found_service(axum::handler::HandlerWithoutStateExt::into_service(no_route)),
        ),
        None => api.fallback(no_route),
    }
}
