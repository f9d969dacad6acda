//! The snapshots of a backup folder as a person chooses among them: when each was made, how big
//! it is and what it holds, read from the manifests alone (checking the content is a restore's job).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::manifest::Manifest;
use super::{snapshots, MANIFEST_FILE};
use crate::error::{Entity, Error, Result};

/// One snapshot of a backup folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SnapshotInfo {
    /// The snapshot's folder name in the backup folder (its id when restoring).
    pub name: String,
    /// When it was made (epoch ms); 0 when its manifest cannot be read.
    pub created_at: i64,
    /// The Cinedesk that made it.
    pub version: String,
    pub schema_version: u32,
    pub database_bytes: u64,
    /// The file content it names, and how many contents.
    pub file_bytes: u64,
    pub files: u64,
    /// Rows per table (cinemas, halls, vr_clients, movies, users …).
    pub counts: BTreeMap<String, u64>,
    /// Why its manifest is unusable, when it is (such a snapshot cannot be restored).
    pub damaged: Option<String>,
}

impl SnapshotInfo {
    fn of(dir: &Path) -> SnapshotInfo {
        let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        match Manifest::read(&dir.join(MANIFEST_FILE)) {
            Ok(m) => SnapshotInfo {
                name,
                created_at: m.created_at,
                version: m.version,
                schema_version: m.schema_version,
                database_bytes: m.database.size,
                file_bytes: m.blobs.iter().map(|b| b.size).sum(),
                files: m.blobs.len() as u64,
                counts: m.counts,
                damaged: None,
            },
            Err(e) => SnapshotInfo {
                name,
                created_at: 0,
                version: String::new(),
                schema_version: 0,
                database_bytes: 0,
                file_bytes: 0,
                files: 0,
                counts: BTreeMap::new(),
                damaged: Some(e.to_string()),
            },
        }
    }
}

/// The finished snapshots of the backup folder `folder`, newest first (none if it holds none).
pub fn list(folder: &Path) -> Result<Vec<SnapshotInfo>> {
    if !folder.is_dir() {
        return Ok(Vec::new());
    }
    let mut all: Vec<SnapshotInfo> = snapshots(folder)?.iter().map(|d| SnapshotInfo::of(d)).collect();
    all.reverse();
    Ok(all)
}

/// The snapshot `name` of the backup folder `folder`: a plain folder name with a manifest
/// (never a path that leads elsewhere).
pub fn named(folder: &Path, name: &str) -> Result<PathBuf> {
    let plain = !name.is_empty()
        && name.len() <= 64
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && name != super::BLOBS_DIR;
    if !plain {
        return Err(Error::invalid("snapshot", "must be the name of a snapshot of the backup folder"));
    }
    let dir = folder.join(name);
    if !dir.join(MANIFEST_FILE).is_file() {
        return Err(Error::not_found(Entity::Backup, name));
    }
    Ok(dir)
}
