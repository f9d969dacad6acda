//! Backups from the UI (SYS_ADMIN): back up now, the snapshots of a folder, restoring one into
//! this running server, and the automatic daily backups. The core decides and audits; these
//! routes shape the wire.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::Json;
use cinedesk_core::backup::{
    BackupReport, BackupSettings, BackupSettingsChange, BackupStatus, RestoreReport, SnapshotInfo,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::LoggedIn;
use crate::error::ApiResult;
use crate::extract::{JsonBody, Query};
use crate::openapi::ErrorBody;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(restore))
        .routes(routes!(status))
        .routes(routes!(put_settings))
}

/// Which backup folder: the one named, else the configured one.
#[derive(Deserialize, IntoParams, ToSchema)]
#[into_params(parameter_in = Query)]
struct FolderParam {
    /// An absolute folder path on the machine that holds the data (a USB drive, a NAS mount);
    /// absent: the backup folder of the settings.
    folder: Option<String>,
}

/// What a backup made.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct BackupMade {
    /// The new snapshot's name in the folder.
    snapshot: String,
    schema_version: u32,
    database_bytes: u64,
    /// File contents the snapshot names, their bytes, and how many of them this backup copied.
    files: usize,
    file_bytes: u64,
    files_copied: usize,
    /// File bytes written now: near zero when the store did not change since the last backup.
    written_bytes: u64,
    /// Older snapshots removed to keep the last N.
    snapshots_removed: usize,
}

impl From<BackupReport> for BackupMade {
    fn from(r: BackupReport) -> Self {
        BackupMade {
            snapshot: r.snapshot.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            schema_version: r.schema_version,
            database_bytes: r.database_bytes,
            files: r.blobs,
            file_bytes: r.blob_bytes,
            files_copied: r.blobs_copied,
            written_bytes: r.blob_bytes_written,
            snapshots_removed: r.snapshots_removed,
        }
    }
}

/// The snapshots of a backup folder, newest first: when, how big, what each holds.
#[utoipa::path(get, path = "/cms/backups", tag = "backup", operation_id = "list_backups",
    params(FolderParam),
    responses(
        (status = 200, description = "The snapshots, newest first (none when the folder holds none)", body = Vec<SnapshotInfo>),
        (status = 400, description = "No folder named or configured, or not an absolute path", body = ErrorBody),
    ))]
async fn list(
    State(s): State<AppState>,
    session: LoggedIn,
    Query(f): Query<FolderParam>,
) -> ApiResult<Json<Vec<SnapshotInfo>>> {
    Ok(Json(s.run(move |cms| cms.backup_snapshots(&session.actor, f.folder.as_deref())).await?))
}

/// Backs everything up now, while the server keeps working: a snapshot of the database and the
/// files the folder does not hold yet; the folder keeps the configured number of snapshots.
#[utoipa::path(post, path = "/cms/backups", tag = "backup", operation_id = "create_backup",
    request_body = FolderParam,
    responses(
        (status = 200, description = "The snapshot made", body = BackupMade),
        (status = 400, description = "No folder named or configured, or one that cannot be written", body = ErrorBody),
    ))]
async fn create(
    State(s): State<AppState>,
    session: LoggedIn,
    JsonBody(b): JsonBody<FolderParam>,
) -> ApiResult<Json<BackupMade>> {
    let made = s.run(move |cms| cms.backup_now(&session.actor, b.folder.as_deref())).await?;
    Ok(Json(made.into()))
}

/// A snapshot to restore.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct RestoreInput {
    /// As in `GET /cms/backups`.
    folder: Option<String>,
    /// The snapshot's name (`name` of `GET /cms/backups`).
    snapshot: String,
}

/// What a restore brought back.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct Restored {
    snapshot: String,
    schema_version: u32,
    /// Rows per table.
    counts: BTreeMap<String, u64>,
    files: usize,
}

impl From<RestoreReport> for Restored {
    fn from(r: RestoreReport) -> Self {
        Restored {
            snapshot: r.snapshot.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            schema_version: r.schema_version,
            counts: r.counts,
            files: r.blobs,
        }
    }
}

/// Restores a snapshot into this running server after checking all of it (a damaged backup, or
/// one from a newer Cinedesk, is refused and changes nothing). Every session ends: everyone,
/// the caller too, logs in again as the restored data knows them.
#[utoipa::path(post, path = "/cms/backups/_restore", tag = "backup", operation_id = "restore_backup",
    request_body = RestoreInput,
    responses(
        (status = 200, description = "Restored; every session has ended", body = Restored),
        (status = 400, description = "The backup is damaged or newer, or the folder is not usable: nothing changed", body = ErrorBody),
        (status = 404, description = "No such snapshot in the folder", body = ErrorBody),
    ))]
async fn restore(
    State(s): State<AppState>,
    session: LoggedIn,
    JsonBody(body): JsonBody<RestoreInput>,
) -> ApiResult<Json<Restored>> {
    let report = s.run(move |cms| cms.restore_backup(&session.actor, body.folder.as_deref(), &body.snapshot)).await?;
    Ok(Json(report.into()))
}

/// The automatic backups' settings, the last good backup (time and size), the last failure and
/// when the next daily backup is due.
#[utoipa::path(get, path = "/cms/backups/status", tag = "backup", operation_id = "get_backup_status",
    responses((status = 200, description = "The backups' state", body = BackupStatus)))]
async fn status(State(s): State<AppState>, session: LoggedIn) -> ApiResult<Json<BackupStatus>> {
    Ok(Json(s.run(move |cms| cms.backup_status(&session.actor)).await?))
}

/// Backup settings to change; an absent one keeps its value.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct BackupSettingsInput {
    /// An absolute folder path, or "" for none.
    folder: Option<String>,
    /// A backup every day at `hourUtc` (needs a folder).
    enabled: Option<bool>,
    #[schema(maximum = 23)]
    hour_utc: Option<u32>,
    #[schema(minimum = 1, maximum = 365)]
    keep: Option<u32>,
}

/// Changes the automatic backups' settings (all or none); the daily runner follows at once.
#[utoipa::path(put, path = "/cms/backups/settings", tag = "backup", operation_id = "put_backup_settings",
    request_body = BackupSettingsInput,
    responses((status = 200, description = "The settings now", body = BackupSettings)))]
async fn put_settings(
    State(s): State<AppState>,
    session: LoggedIn,
    JsonBody(b): JsonBody<BackupSettingsInput>,
) -> ApiResult<Json<BackupSettings>> {
    let change = BackupSettingsChange { folder: b.folder, enabled: b.enabled, hour_utc: b.hour_utc, keep: b.keep };
    Ok(Json(s.run(move |cms| cms.update_backup_settings(&session.actor, change)).await?))
}
