//! The database of a snapshot: copied with SQLite's online backup API in one step, so the copy
//! is one consistent moment of a database that other connections keep writing.

use std::collections::BTreeMap;
use std::path::Path;

use rusqlite::backup::StepResult;
use rusqlite::{Connection, OpenFlags};

use super::manifest::BlobEntry;
use crate::error::{Error, Result};

/// What a snapshot's database holds.
pub(crate) struct Snapped {
    pub schema_version: u32,
    pub counts: BTreeMap<String, u64>,
    /// The content the database's files name (shared blobs once).
    pub blobs: Vec<BlobEntry>,
}

/// Copies the database at `source` to `dest` (a new file) and reads what the copy holds.
pub(crate) fn take(source: &Path, dest: &Path) -> Result<Snapped> {
    let src = Connection::open_with_flags(source, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    // A writer holding the lock a moment is waited for, as the server's own readers do.
    src.busy_timeout(std::time::Duration::from_secs(5))?;
    let mut dst = Connection::open(dest)?;
    {
        let backup = rusqlite::backup::Backup::new(&src, &mut dst)?;
        // All pages in one step: one read transaction, so a write landing meanwhile is either
        // wholly in the copy or not at all, and never makes the copy start over.
        let mut tries = 0;
        loop {
            match backup.step(-1)? {
                StepResult::Done => break,
                // A lock held by another connection that outlasted the busy timeout: try again
                // a few times before giving up.
                StepResult::Busy | StepResult::Locked | StepResult::More if tries < 20 => {
                    tries += 1;
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
                _ => return Err(Error::Internal("the database stayed locked; no backup was made".into())),
            }
        }
    }
    // The copy stands alone: no WAL beside it, everything in the one file.
    dst.execute_batch("PRAGMA journal_mode = DELETE;")?;
    let snapped = read(&dst)?;
    dst.close().map_err(|(_, e)| e)?;
    std::fs::File::open(dest)?.sync_all()?;
    Ok(snapped)
}

/// Schema version, per-table counts and named blobs of an open database.
pub(crate) fn read(db: &Connection) -> Result<Snapped> {
    let schema_version: u32 = db.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let tables: Vec<String> = db
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut counts = BTreeMap::new();
    for t in tables {
        let n: u64 = db.query_row(&format!("SELECT count(*) FROM \"{}\"", t.replace('"', "\"\"")), [], |r| r.get(0))?;
        counts.insert(t, n);
    }
    let blobs = db
        .prepare("SELECT blob, md5, size FROM files WHERE state = 'READY' GROUP BY blob ORDER BY blob")?
        .query_map([], |r| Ok(BlobEntry { blob: r.get(0)?, md5: r.get(1)?, size: r.get(2)? }))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Snapped { schema_version, counts, blobs })
}

/// Opens a snapshot's database read-only and checks it is sound: SQLite's integrity check.
pub(crate) fn open_checked(path: &Path) -> Result<Connection> {
    let db = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|_| corrupt("its database does not open"))?;
    let verdict: String =
        db.query_row("PRAGMA integrity_check", [], |r| r.get(0)).map_err(|_| corrupt("its database is damaged"))?;
    if verdict != "ok" {
        return Err(corrupt("its database fails SQLite's integrity check"));
    }
    Ok(db)
}

/// A backup refused as damaged.
pub(crate) fn corrupt(why: &str) -> Error {
    Error::invalid("from", format!("the backup is damaged, nothing was restored: {why}"))
}
