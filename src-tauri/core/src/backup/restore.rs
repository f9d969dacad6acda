//! Restoring a snapshot into a data dir: every check first (manifest checksum, the database's
//! SHA-256, SQLite's integrity check, schema not newer than this program, counts, every blob's
//! size and MD5), then the content written aside, fsynced and renamed into place. A backup
//! that fails a check changes nothing.
//!
//! [`restore`] is for a data dir not in use (stop the server or close the desktop first): the
//! database file is replaced under whoever has it open. A running CMS restores through
//! `Cms::restore_backup` instead (`admin`), which swaps the database in under its own writer.

use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::manifest::{sha256_file, Manifest};
use super::snapshot::{corrupt, open_checked, read};
use super::{blobs, latest, BLOBS_DIR, MANIFEST_FILE};
use crate::db::SCHEMA_VERSION;
use crate::error::{Error, Result};
use crate::files::fsync_dir;
use crate::DB_FILE;

/// What a restore put in place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RestoreReport {
    /// The snapshot restored.
    pub snapshot: PathBuf,
    pub schema_version: u32,
    pub counts: std::collections::BTreeMap<String, u64>,
    pub blobs: usize,
}

/// Checks the snapshot `from` (a snapshot folder, or a backup folder: its newest snapshot) and
/// answers its manifest, changing nothing anywhere.
pub fn verify(from: &Path) -> Result<(PathBuf, Manifest)> {
    let snapshot = latest(from)?;
    let manifest = Manifest::read(&snapshot.join(MANIFEST_FILE))?;
    if manifest.schema_version > SCHEMA_VERSION {
        return Err(Error::invalid(
            "from",
            format!(
                "the backup is from a newer Cinedesk ({}, schema {}; this one reads up to schema {SCHEMA_VERSION}): \
                 restore it with that version or later, nothing was restored",
                manifest.version, manifest.schema_version
            ),
        ));
    }
    let db = snapshot.join(DB_FILE);
    let size = fs::metadata(&db).map_err(|_| corrupt("its database is missing"))?.len();
    if size != manifest.database.size || sha256_file(&db)? != manifest.database.sha256 {
        return Err(corrupt("its database does not match the manifest's checksum"));
    }
    let conn = open_checked(&db)?;
    let held = read(&conn)?;
    if held.schema_version != manifest.schema_version || held.counts != manifest.counts || held.blobs != manifest.blobs
    {
        return Err(corrupt("its database holds other data than its manifest says"));
    }
    let blobs_dir = blobs_of(&snapshot)?;
    blobs::verify(&blobs_dir, &manifest.blobs)?;
    Ok((snapshot, manifest))
}

/// Restores the snapshot `from` into `data_dir` (created if missing), after [`verify`]
/// passed. Files already in the store stay; the database is replaced whole.
pub fn restore(from: &Path, data_dir: &Path) -> Result<RestoreReport> {
    let (snapshot, manifest) = verify(from)?;
    let blobs_dir = blobs_of(&snapshot)?;
    fs::create_dir_all(data_dir)?;
    put_blobs(&blobs_dir, &manifest, &data_dir.join("files"))?;
    // The database last: until it is renamed in, the data dir is the old one plus unused blobs.
    let aside = data_dir.join(format!("{DB_FILE}.restoring"));
    fs::copy(snapshot.join(DB_FILE), &aside)?;
    fs::File::open(&aside)?.sync_all()?;
    if sha256_file(&aside)? != manifest.database.sha256 {
        let _ = fs::remove_file(&aside);
        return Err(Error::Internal("the database copy changed on the way into the data dir".into()));
    }
    // An old WAL beside the new file would be replayed into it: the old database's leftovers go.
    for leftover in ["-wal", "-shm"] {
        let path = data_dir.join(format!("{DB_FILE}{leftover}"));
        if path.exists() {
            fs::remove_file(path)?;
        }
    }
    fs::rename(&aside, data_dir.join(DB_FILE))?;
    fsync_dir(data_dir)?;
    Ok(RestoreReport {
        snapshot,
        schema_version: manifest.schema_version,
        counts: manifest.counts,
        blobs: manifest.blobs.len(),
    })
}

/// Writes into the file store under `store` every blob of `manifest` it lacks, from the backup's
/// `blobs_dir`, each through a temp file, fsynced and renamed; checks each MD5 on the way.
pub(crate) fn put_blobs(blobs_dir: &Path, manifest: &Manifest, store: &Path) -> Result<()> {
    for e in &manifest.blobs {
        let target = blobs::store_path(store, &e.blob)?;
        if fs::metadata(&target).is_ok_and(|m| m.len() == e.size) {
            continue;
        }
        let dir = target.parent().ok_or_else(|| Error::Internal("a blob path has no folder".into()))?;
        fs::create_dir_all(dir)?;
        let (md5, _) = blobs::copy_hashed(&blobs_dir.join(e.file_name()), &target)?;
        fsync_dir(dir)?;
        if md5 != e.md5 {
            // Changed since it was verified; the database is not swapped in, so nothing names it.
            let _ = fs::remove_file(&target);
            return Err(corrupt(&format!("the file content {} changed during the restore", e.file_name())));
        }
    }
    Ok(())
}

/// The `blobs/` folder beside a snapshot.
pub(crate) fn blobs_of(snapshot: &Path) -> Result<PathBuf> {
    snapshot.parent().map(|p| p.join(BLOBS_DIR)).ok_or_else(|| corrupt("it has no blobs folder"))
}
