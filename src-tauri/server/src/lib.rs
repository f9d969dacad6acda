//! Cinedesk's server mode: the REST API of seed 000 as a thin axum layer over the core.
//!
//! [`router`] is the one way to build it, so `cinedesk serve`, the tests and the desktop app
//! serve the same routes.
//!
//! # Modules
//!
//! - `routes`: the route table, one module per area; each handler parses the wire shape, calls
//!   one core use case and shapes the answer (seed envelopes included).
//! - `extract`: JSON bodies whatever their Content-Type, typed queries with repeated keys.
//! - `auth`: who is calling: a bearer token (`LoggedIn`) or also a cinema's signed request
//!   (`Caller`), made into the core's `Actor` for the core to judge.
//! - `error`: the one place where failures become HTTP answers.
//! - `openapi`: the OpenAPI document, built from the route table itself.
//! - `state`: what handlers share, and how they call the blocking core.
//! - `coms`: the COMS channel's long-poll and WebSocket, woken by the outbox.
//! - `read_cache`: list answers kept as ready JSON until what they read changes.
//! - `rate_limit`: a request budget per client address for public lookups (scanned QR codes).
//! - `cli`: the `cinedesk` command (`serve`, `user`, `openapi`).
//!
//! How the pieces fit: `docs/architecture.md`.

pub mod auth;
pub mod cli;
pub mod coms;
pub mod error;
pub mod extract;
pub mod openapi;
pub mod rate_limit;
pub mod read_cache;
mod routes;
pub mod state;

use std::sync::Arc;

use cinedesk_core::Cms;

pub use error::{ApiError, ApiResult};
pub use state::AppState;

/// The whole HTTP API over `cms`.
pub fn router(cms: Arc<Cms>) -> axum::Router {
    routes::router(AppState::new(cms), None)
}

/// The API plus the built web UI served from `ui_dir` at `/`.
pub fn router_with_ui(cms: Arc<Cms>, ui_dir: &std::path::Path) -> axum::Router {
    routes::router(AppState::new(cms), Some(ui_dir))
}

/// The API over a state built by the caller (e.g. with another read cache size), with the UI
/// from `ui_dir` when given.
pub fn router_with_state(state: AppState, ui_dir: Option<&std::path::Path>) -> axum::Router {
    routes::router(state, ui_dir)
}

/// Serves `app` on `listener` until `shutdown` resolves, then lets requests in flight finish.
/// The one way to run the router on a socket (`cinedesk serve`, the desktop's LAN serving):
/// `into_make_service` hands each connection a clone of the one router (an Arc), where given
/// the Router itself axum 0.8 rebuilds the whole route table per connection (`with_state(())`),
/// about 45 KB each and a full teardown at close, which 10,000 held long-polls feel.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: axum::Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // With each connection's peer address, which per-address budgets read (`ClientAddr`).
    axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await
}
