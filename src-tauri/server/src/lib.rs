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
//! - `base_url`: this server as the client reached it; routes make the core's paths absolute with it.
//! - `auth`: who is calling: a bearer token (`LoggedIn`) or also a cinema's signed request
//!   (`Caller`), made into the core's `Actor` for the core to judge.
//! - `error`: the one place where failures become HTTP answers.
//! - `openapi`: the OpenAPI document, built from the route table itself.
//! - `origin`: where a request came from (peer, trusted proxy, the desktop's own window).
//! - `state`: what handlers share, and how they call the blocking core.
//! - `waker`: what wakes the COMS channel's waiting long-polls and WebSockets (`routes::coms`)
//!   when the outbox has a message for their cinema.
//! - `read_cache`: list answers kept as ready JSON until what they read changes; `live_json`:
//!   the values filled in at each answer instead (a COMS's last seen).
//! - `file_body`: a stored file's bytes as a download's body (pieces of a memory map), counted
//!   for the site that signed the download.
//! - `rate_limit`: a request budget per client address for public lookups (scanned QR codes).
//! - `backup_runner`: the daily backups' one timer (`cinedesk serve` and the desktop start it).
//! - `alert_runner`, `webhook`: the alerts' one timer and webhook sender, and the webhooks'
//!   bodies (JSON, WeCom, DingTalk) on the wire.
//! - `cli`: the `cinedesk` command (`serve`, `user`, `openapi`).
//!
//! How the pieces fit: `docs/architecture.md`.

pub mod alert_runner;
pub mod auth;
pub mod backup_runner;
mod base_url;
pub mod cli;
pub mod error;
pub mod extract;
pub mod failure;
mod file_body;
pub mod live_json;
pub mod openapi;
pub mod origin;
pub mod rate_limit;
pub mod read_cache;
pub mod request_id;
mod routes;
pub mod serve;
pub mod signed;
pub mod state;
pub mod waker;
pub mod webhook;

use std::sync::Arc;

use cinedesk_core::Cms;

pub use error::{ApiError, ApiResult};
pub use serve::{serve, serve_with, Limits};
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
