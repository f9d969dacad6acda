//! Backups that restore: a consistent copy of a data dir taken while it is in use, kept as
//! snapshots beside content-addressed blobs, and a restore that checks everything first.
//!
//! A backup folder holds `blobs/<md5>-<size>` (each content once, whatever snapshot names it)
//! and one `<timestamp>/` per snapshot with the database copy (`cinedesk.db`) and
//! `manifest.json`. A desktop's backup and a server's are the same format.
//!
//! - `snapshot`: the database through SQLite's online backup API (never a file copy), its
//!   schema version, table counts and integrity check.
//! - `manifest`: what a snapshot holds (version, schema, counts, blobs with size and MD5, the
//!   database's SHA-256) under its own checksum.
//! - `blobs`: copying content into the folder only when it is not there yet, checking MD5 as it
//!   goes; removing what no kept snapshot names.
//! - `restore`: verifying a snapshot whole, then swapping it into a data dir (written aside,
//!   fsynced, renamed), so a bad backup changes nothing.
//! - `catalog`: a folder's snapshots with their time, size and counts, to choose one.
//! - `schedule`: the daily backups' settings, their last runs, when the next is due.
//! - `admin`: the same as use cases of a running CMS (SYS_ADMIN), restore into the live data
//!   dir included.

mod admin;
mod blobs;
mod catalog;
mod manifest;
mod restore;
mod schedule;
mod snapshot;

use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::{Error, Result};
use crate::DB_FILE;

pub use admin::BackupStatus;
pub use catalog::SnapshotInfo;
pub use manifest::{BlobEntry, Manifest};
pub use restore::{restore, verify, RestoreReport};
pub use schedule::{BackupSettings, BackupSettingsChange, FailedBackup, LastBackup, MAX_KEEP};

/// Snapshots kept in a backup folder unless told otherwise: a week of daily backups.
pub const DEFAULT_KEEP: usize = 7;
/// The folder of content-addressed blobs inside a backup folder.
const BLOBS_DIR: &str = "blobs";
const MANIFEST_FILE: &str = "manifest.json";

/// What one backup did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BackupReport {
    /// The snapshot's folder.
    pub snapshot: PathBuf,
    pub schema_version: u32,
    pub database_bytes: u64,
    /// Blobs the snapshot names, and how many of them were copied now (the rest were there).
    pub blobs: usize,
    pub blobs_copied: usize,
    /// Bytes of file content the snapshot names.
    pub blob_bytes: u64,
    /// Bytes of file content written by this backup: zero when the store did not change.
    pub blob_bytes_written: u64,
    /// Older snapshots removed to keep the last N.
    pub snapshots_removed: usize,
}

/// Backs the data dir `data_dir` up into the folder `to`, keeping its last `keep` snapshots
/// (at least one). Safe while a server or the desktop uses the data dir: the database is read
/// in one read transaction, and the file store's blobs never change once written.
pub fn create(data_dir: &Path, to: &Path, keep: usize) -> Result<BackupReport> {
    let db = data_dir.join(DB_FILE);
    if !db.is_file() {
        return Err(Error::invalid("data", format!("no Cinedesk database in {}", data_dir.display())));
    }
    fs::create_dir_all(to.join(BLOBS_DIR))?;
    let dir = new_snapshot_dir(to)?;
    let made = (|| {
        let snapped = snapshot::take(&db, &dir.join(DB_FILE))?;
        // The database copy's checksum is worked out while the files are copied.
        let (manifest, copied) = std::thread::scope(|s| {
            let manifest = s.spawn(|| Manifest::new(&snapped, dir.join(DB_FILE).as_path()));
            let copied = blobs::copy_in(&data_dir.join("files"), &to.join(BLOBS_DIR), &snapped.blobs);
            let manifest = manifest.join().map_err(|_| Error::Internal("the manifest's checksum failed".into()))?;
            Ok::<_, Error>((manifest?, copied?))
        })?;
        // The manifest last: a snapshot without one is unfinished, and never restored or kept.
        manifest.write(&dir.join(MANIFEST_FILE))?;
        crate::files::fsync_dir(&dir)?;
        Ok::<_, Error>((manifest, copied))
    })();
    let (manifest, copied) = made.inspect_err(|_: &Error| {
        let _ = fs::remove_dir_all(&dir);
    })?;
    let removed = prune(to, keep.max(1))?;
    Ok(BackupReport {
        snapshot: dir,
        schema_version: manifest.schema_version,
        database_bytes: manifest.database.size,
        blobs: manifest.blobs.len(),
        blobs_copied: copied.count,
        blob_bytes: manifest.blobs.iter().map(|b| b.size).sum(),
        blob_bytes_written: copied.bytes,
        snapshots_removed: removed,
    })
}

/// A new folder named by the time (UTC, to the millisecond), so names sort by age.
fn new_snapshot_dir(to: &Path) -> Result<PathBuf> {
    let now = crate::ids::now_ms();
    let stamp = crate::files::clock::iso_utc(now).replace([':', '-'], "").replace('.', "-");
    let mut dir = to.join(&stamp);
    let mut n = 1;
    while dir.exists() {
        dir = to.join(format!("{stamp}-{n}"));
        n += 1;
    }
    fs::create_dir(&dir)?;
    Ok(dir)
}

/// The snapshots of a backup folder with a manifest (finished ones), oldest first.
fn snapshots(to: &Path) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    for entry in fs::read_dir(to)? {
        let path = entry?.path();
        if path.file_name().is_some_and(|n| n != BLOBS_DIR) && path.join(MANIFEST_FILE).is_file() {
            found.push(path);
        }
    }
    found.sort();
    Ok(found)
}

/// The newest finished snapshot of a backup folder, or `from` itself when it is a snapshot.
pub fn latest(from: &Path) -> Result<PathBuf> {
    if from.join(MANIFEST_FILE).is_file() {
        return Ok(from.to_path_buf());
    }
    let none = || Error::invalid("from", format!("no backup in {}", from.display()));
    snapshots(from).map_err(|_| none())?.pop().ok_or_else(none)
}

/// Keeps the newest `keep` snapshots; removes the rest, then every blob none of the kept names.
fn prune(to: &Path, keep: usize) -> Result<usize> {
    let all = snapshots(to)?;
    let old = all.len().saturating_sub(keep);
    for dir in &all[..old] {
        fs::remove_dir_all(dir)?;
    }
    let mut named = std::collections::HashSet::new();
    for dir in &all[old..] {
        named.extend(Manifest::read(&dir.join(MANIFEST_FILE))?.blobs.iter().map(BlobEntry::file_name));
    }
    blobs::remove_unnamed(&to.join(BLOBS_DIR), &named)?;
    Ok(old)
}
