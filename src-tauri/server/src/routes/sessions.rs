//! A user's sessions: listing them and ending one (the caller's own; anyone's for a SYS_ADMIN).

use axum::extract::State;
use axum::Json;
use cinedesk_core::SessionInfo;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::done::{done, Done};
use crate::auth::LoggedIn;
use crate::error::ApiResult;
use crate::extract::{PathParam, Query};
use crate::openapi::ErrorBody;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list)).routes(routes!(end))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct SessionFilter {
    /// Whose sessions: the caller's own when absent; another user's only for a SYS_ADMIN.
    user_id: Option<String>,
}

/// The live sessions of a user, last used first; `current` marks the one of this request.
#[utoipa::path(get, path = "/cms/sessions", tag = "session", operation_id = "list_sessions",
    params(SessionFilter),
    responses(
        (status = 200, description = "The sessions", body = Vec<SessionInfo>),
        (status = 403, description = "Another user's sessions, and the caller is no SYS_ADMIN", body = ErrorBody),
    ))]
async fn list(
    State(s): State<AppState>,
    session: LoggedIn,
    Query(f): Query<SessionFilter>,
) -> ApiResult<Json<Vec<SessionInfo>>> {
    let LoggedIn { actor, token } = session;
    Ok(Json(s.run(move |cms| cms.list_sessions(&actor, f.user_id.as_deref(), Some(&token))).await?))
}

/// Ends a session: its token stops working. Ending the caller's own is logging out.
#[utoipa::path(delete, path = "/cms/sessions/{session_id}", tag = "session", operation_id = "end_session",
    params(("session_id" = String, Path)),
    responses(
        (status = 200, description = "Ended", body = Done),
        (status = 403, description = "Another user's session, and the caller is no SYS_ADMIN", body = ErrorBody),
        (status = 404, description = "No such session", body = ErrorBody),
    ))]
async fn end(
    State(s): State<AppState>,
    session: LoggedIn,
    PathParam(session_id): PathParam<String>,
) -> ApiResult<Json<Done>> {
    s.run(move |cms| cms.end_session(&session.actor, &session_id)).await?;
    Ok(done())
}
