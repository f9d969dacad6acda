//! The answer of a success that has nothing else to say.

use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

/// The body of a success that has nothing else to say (the seed answers a bare 200): `{}`.
#[derive(Serialize, ToSchema)]
pub(crate) struct Done {}

pub(crate) fn done() -> Json<Done> {
    Json(Done {})
}
