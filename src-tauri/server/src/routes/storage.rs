//! Storage you can see: the file store's use by kind and per cinema, free disk, and the files
//! nothing refers to, listed and reclaimed (SYS_ADMIN).

use axum::extract::State;
use axum::Json;
use cinedesk_core::{OrphanFile, Page, Reclaimed, StorageUse};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::LoggedIn;
use crate::error::ApiResult;
use crate::extract::{JsonBody, PageParams, Query};
use crate::openapi::ErrorBody;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(usage)).routes(routes!(orphans)).routes(routes!(reclaim))
}

/// Space used by films, images and the library, by each of the caller's cinemas' library
/// spaces, and the free disk of the data dir (with whether it is under the warning threshold).
#[utoipa::path(get, path = "/cms/storage", tag = "storage", operation_id = "get_storage",
    responses((status = 200, description = "The store's use and the free disk", body = StorageUse)))]
async fn usage(State(s): State<AppState>, session: LoggedIn) -> ApiResult<Json<StorageUse>> {
    Ok(Json(s.run(move |cms| cms.storage_use(&session.actor)).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct Grace {
    /// Only files made more than this many days ago (7 by default, 0 to 3650).
    #[param(maximum = 3650)]
    grace_days: Option<u32>,
}

/// Files nothing refers to (no film, user, library resource, video or delivery), older than the
/// grace period, largest first.
#[utoipa::path(get, path = "/cms/storage/orphans", tag = "storage", operation_id = "list_orphan_files",
    params(Grace, PageParams),
    responses(
        (status = 200, description = "A page of unreferenced files", body = Page<OrphanFile>),
        (status = 400, description = "A bad grace period or page", body = ErrorBody),
    ))]
async fn orphans(
    State(s): State<AppState>,
    session: LoggedIn,
    Query(g): Query<Grace>,
    Query(p): Query<PageParams>,
) -> ApiResult<Json<Page<OrphanFile>>> {
    let paging = p.paging()?;
    Ok(Json(s.run(move |cms| cms.orphan_files(&session.actor, g.grace_days, paging)).await?))
}

/// Files to reclaim.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct ReclaimInput {
    /// 1 to 1000 file ids; those in use, unknown or younger than the grace period are skipped.
    #[serde(rename = "fileIDList")]
    file_id_list: Vec<String>,
    /// As in `GET /cms/storage/orphans` (7 by default).
    #[schema(maximum = 3650)]
    grace_days: Option<u32>,
}

/// Deletes files nothing refers to, each audited; their content goes once no file shares it.
#[utoipa::path(post, path = "/cms/storage/_reclaim", tag = "storage", operation_id = "reclaim_files",
    request_body = ReclaimInput,
    responses(
        (status = 200, description = "What was deleted and what was skipped", body = Reclaimed),
        (status = 400, description = "No files, or too many, named", body = ErrorBody),
    ))]
async fn reclaim(
    State(s): State<AppState>,
    session: LoggedIn,
    JsonBody(b): JsonBody<ReclaimInput>,
) -> ApiResult<Json<Reclaimed>> {
    Ok(Json(s.run(move |cms| cms.reclaim_files(&session.actor, &b.file_id_list, b.grace_days)).await?))
}
