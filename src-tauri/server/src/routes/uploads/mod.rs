//! Every upload protocol of issue 4, one module each; what they share, bodies streamed into the core, is in `body`.

mod body;
mod chunked;
mod disk;
mod icon;
mod oss;
mod paced;
mod tus;

use axum::extract::DefaultBodyLimit;
use utoipa_axum::router::OpenApiRouter;

use crate::openapi;
use crate::signed::{self, Kind};
use crate::state::AppState;

/// The upload routes. They authenticate themselves ([`crate::auth::Caller`]: a user's token or a
/// cinema's signed request; the PostObject endpoint by its policy, the OSS callback by OSS's
/// signature) and take bodies of any size, each protocol applying its own limit. Each caller
/// route is behind the check of signed requests of its kind (`crate::signed`).
pub fn routes(app: &AppState) -> OpenApiRouter<AppState> {
    let mut callers = OpenApiRouter::new()
        .merge(signed::layer(app, Kind::Params, oss::caller_routes()))
        .merge(signed::layer(app, Kind::Multipart, icon::routes()))
        .merge(chunked::routes(app))
        .merge(disk::routes(app))
        .merge(signed::layer(app, Kind::Tus, tus::caller_routes()));
    openapi::require_caller(callers.get_openapi_mut());
    callers.merge(oss::public_routes()).merge(tus::public_routes()).layer(DefaultBodyLimit::disable())
}

/// Direct-upload settings (SYS_ADMIN, as the core decides).
pub fn settings_routes() -> OpenApiRouter<AppState> {
    oss::settings_routes()
}
