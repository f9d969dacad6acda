//! The route table of seed 000, grouped by the capability each group needs.
//!
//! Every route is registered with `OpenApiRouter::routes(routes!(handler, …))`, one `routes!` per
//! path, so registering a route documents it (see `crate::openapi`).

mod api_keys;
mod call;
mod cinemas;
mod enums;
mod files;
mod halls;
mod models;
mod movies;
mod onlinedisk_library;
mod qr_sheet;
mod seed004;
mod session;
mod upload_tokens;
mod uploads;
mod users;
mod vod;
mod vod_flow;
mod vr_clients;

use axum::{middleware, Extension, Json, Router};
use cinedesk_core::{Capability, ROLE_SYS_ADMIN};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{guard, Guard};
use crate::error::ApiError;
use crate::openapi::{self, ApiDoc, Document};
use crate::signed::{self, Kind};
use crate::state::AppState;

/// The body of a success that has nothing else to say (the seed answers a bare 200): `{}`.
#[derive(Serialize, ToSchema)]
pub(crate) struct Done {}

pub(crate) fn done() -> Json<Done> {
    Json(Done {})
}

/// Routes that need a session allowed `cap`: the guard in front of them, and in the document
/// the bearer security with its 401 and 403.
fn guarded(app: &AppState, cap: Capability, routes: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    let mut routes = routes.route_layer(middleware::from_fn_with_state(Guard { app: app.clone(), cap }, guard));
    // What only a SYS_ADMIN may do says so in the document: the probe's role matrix reads it.
    let roles: &[&str] = if cap == Capability::Operate { &[] } else { &[ROLE_SYS_ADMIN] };
    openapi::require_bearer(routes.get_openapi_mut(), roles);
    routes
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
    let operate = OpenApiRouter::new()
        .merge(cinemas::routes())
        .merge(halls::routes())
        .merge(vr_clients::routes())
        .merge(qr_sheet::routes())
        .merge(movies::routes())
        .merge(vod::routes())
        .merge(models::routes())
        .merge(enums::read_routes())
        .merge(session::authenticated_routes())
        .merge(files::operate_routes());
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health))
        .routes(routes!(openapi::document))
        .merge(session::public_routes())
        // The COMS channel authenticates users and signed machine clients itself.
        .merge(signed::layer(app, Kind::Params, crate::coms::routes()))
        // Downloads are public (like OSS public-read); uploads authenticate themselves.
        .merge(files::public_routes())
        .merge(uploads::routes(app))
        // The resource library, seed-003 upload tokens and seed-001 VOD flows authenticate
        // users and signed machine clients themselves (`auth::Caller`).
        .merge(signed::layer(app, Kind::Params, onlinedisk_library::routes()))
        .merge(signed::layer(app, Kind::Params, upload_tokens::routes()))
        .merge(signed::layer(app, Kind::Params, vod_flow::routes()))
        .merge(guarded(
            app,
            Capability::ManageApiKeys,
            api_keys::routes().merge(uploads::admin_routes()).merge(upload_tokens::admin_routes()),
        ))
        .merge(guarded(app, Capability::Operate, operate))
        .merge(guarded(app, Capability::ManageUsers, users::routes()))
        .merge(guarded(app, Capability::ManageEnums, enums::write_routes()))
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
