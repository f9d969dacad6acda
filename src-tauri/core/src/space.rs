//! Storage you can see: the file store's use by kind and per cinema's library space, the free
//! disk of the data dir, and the files nothing refers to any more, listed and reclaimed.
//!
//! Content is stored once however many files share it, so use is counted per stored content
//! (a film uploaded twice takes its space once). A file is in use while a film (its file, icon
//! or poster), a user's icon, a library resource, a video (or its cover) or a delivery names
//! it, or while it was derived (a thumbnail, a snapshot) from a file in use. The rest, once
//! older than a grace period (so an upload that is about to be used is never taken), may be
//! reclaimed: deleting it is a write, audited per file, for a SYS_ADMIN only.

use rusqlite::types::Value;
use rusqlite::{params, OptionalExtension, Transaction};
use serde::Serialize;

use crate::actor::{Actor, Capability};
use crate::audit::{self, Action, Change};
use crate::error::{Entity, Error, Result};
use crate::query::{self, Page, Paging, Where};
use crate::Cms;

/// Days a file nothing refers to is kept before it may be reclaimed, unless told otherwise.
pub const DEFAULT_GRACE_DAYS: u32 = 7;
pub const MAX_GRACE_DAYS: u32 = 3650;
/// The most files one reclaim takes.
pub const MAX_RECLAIM: usize = 1000;
const DAY_MS: i64 = 24 * 60 * 60 * 1000;
const GIB: u64 = 1 << 30;

/// The kind of a stored file, as the storage page groups them.
const KIND: &str = "CASE WHEN domain = 'RESOURCE' THEN 'library' WHEN mime LIKE 'image/%' THEN 'images' \
     WHEN domain = 'MOVIE' OR mime LIKE 'video/%' THEN 'films' ELSE 'other' END";

/// The ids of the files something refers to.
const USED: &str = "SELECT file_id FROM movies WHERE file_id IS NOT NULL \
     UNION SELECT icon_id FROM movies WHERE icon_id IS NOT NULL \
     UNION SELECT poster_id FROM movies WHERE poster_id IS NOT NULL \
     UNION SELECT icon_id FROM users WHERE icon_id IS NOT NULL \
     UNION SELECT fid FROM disk_resources WHERE fid IS NOT NULL \
     UNION SELECT id FROM vod_videos \
     UNION SELECT cover_file_id FROM vod_videos WHERE cover_file_id IS NOT NULL \
     UNION SELECT file_id FROM deliveries WHERE file_id IS NOT NULL";

/// Space taken by one kind of file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KindUse {
    /// `films`, `images`, `library` or `other`.
    pub kind: String,
    pub bytes: u64,
    pub files: u64,
}

/// Space taken by a cinema's library space.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CinemaUse {
    #[serde(rename = "cinemaID")]
    pub cinema_id: String,
    pub name: String,
    pub bytes: u64,
    pub files: u64,
}

/// How the file store uses the disk (`GET /cms/storage`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct StorageUse {
    /// Bytes of stored content (each content once).
    pub total_bytes: u64,
    pub files: u64,
    pub kinds: Vec<KindUse>,
    /// The library spaces of the caller's cinemas, largest first.
    pub cinemas: Vec<CinemaUse>,
    /// Free and total bytes of the disk holding the data dir; null where the system does not tell.
    pub free_bytes: Option<u64>,
    pub disk_bytes: Option<u64>,
    /// Free space under this (the `storageWarnFreeGib` setting) is low.
    pub warn_free_bytes: u64,
    pub low_on_space: bool,
}

/// A file nothing refers to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct OrphanFile {
    #[serde(rename = "fileID")]
    pub file_id: String,
    pub name: String,
    pub size: u64,
    pub md5: String,
    pub mime_type: String,
    pub domain: String,
    /// `films`, `images`, `library` or `other`.
    pub kind: String,
    /// `user:<id>` or `cinema:<id>`.
    pub owner: String,
    pub create_time: i64,
}

/// What a reclaim did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Reclaimed {
    /// The files deleted.
    #[serde(rename = "fileIDList")]
    pub file_ids: Vec<String>,
    /// Disk space given back (content no remaining file shares).
    pub bytes: u64,
    /// Files asked for that were not deleted: unknown, in use, or younger than the grace period.
    #[serde(rename = "skippedIDList")]
    pub skipped: Vec<String>,
}

/// The settings key of the free space (GiB) under which the dashboard warns.
pub(crate) const WARN_KEY: &str = "storage.warn_free_gib";
pub const DEFAULT_WARN_FREE_GIB: u32 = 10;
pub const MAX_WARN_FREE_GIB: u32 = 1_000_000;

pub(crate) fn warn_free_gib(tx: &Transaction<'_>) -> Result<u32> {
    let v: Option<String> = tx
        .prepare_cached("SELECT value FROM settings WHERE key = ?")?
        .query_row([WARN_KEY], |r| r.get(0))
        .optional()?;
    Ok(v.and_then(|v| v.parse().ok()).unwrap_or(DEFAULT_WARN_FREE_GIB))
}

pub(crate) fn set_warn_free_gib(tx: &Transaction<'_>, gib: u32) -> Result<()> {
    if gib > MAX_WARN_FREE_GIB {
        return Err(Error::invalid("storageWarnFreeGib", format!("must be between 0 and {MAX_WARN_FREE_GIB}")));
    }
    tx.prepare_cached("INSERT INTO settings(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = ?2")?
        .execute(params![WARN_KEY, gib.to_string()])?;
    Ok(())
}

/// The condition of files nothing refers to, made before `cutoff` (epoch ms).
fn orphan_clause(cutoff: i64) -> (String, Vec<Value>) {
    (
        format!(
            "state = 'READY' AND created_at < ? AND id NOT IN ({USED}) \
             AND (derived_from IS NULL OR derived_from NOT IN ({USED}))"
        ),
        vec![Value::Integer(cutoff)],
    )
}

fn checked_grace(days: Option<u32>) -> Result<u32> {
    let days = days.unwrap_or(DEFAULT_GRACE_DAYS);
    if days > MAX_GRACE_DAYS {
        return Err(Error::invalid("grace_days", format!("must be between 0 and {MAX_GRACE_DAYS}")));
    }
    Ok(days)
}

fn kinds(tx: &Transaction<'_>) -> Result<Vec<KindUse>> {
    let sql = format!(
        "SELECT kind, sum(n), sum(size) FROM \
         (SELECT {KIND} AS kind, blob, count(*) AS n, max(size) AS size FROM files WHERE state = 'READY' GROUP BY 1, 2) \
         GROUP BY kind ORDER BY 3 DESC"
    );
    let rows = tx
        .prepare_cached(&sql)?
        .query_map([], |r| Ok(KindUse { kind: r.get(0)?, files: r.get(1)?, bytes: r.get(2)? }))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

fn cinemas(tx: &Transaction<'_>, actor: &Actor) -> Result<Vec<CinemaUse>> {
    let (scope, params) = match actor.scope_clause("c.id") {
        Some((clause, params)) => (format!(" AND {clause}"), params),
        None => (String::new(), Vec::new()),
    };
    let sql = format!(
        "SELECT c.id, c.name, count(*), coalesce(sum(f.size), 0) FROM disk_resources r \
         JOIN files f ON f.id = r.fid JOIN cinemas c ON c.id = r.owner_id \
         WHERE r.owner_type = 1 AND f.state = 'READY'{scope} GROUP BY c.id ORDER BY 4 DESC"
    );
    let rows = tx
        .prepare_cached(&sql)?
        .query_map(rusqlite::params_from_iter(params), |r| {
            Ok(CinemaUse { cinema_id: r.get(0)?, name: r.get(1)?, files: r.get(2)?, bytes: r.get(3)? })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

fn orphan_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<OrphanFile> {
    Ok(OrphanFile {
        file_id: r.get(0)?,
        name: r.get(1)?,
        size: r.get(2)?,
        md5: r.get(3)?,
        mime_type: r.get(4)?,
        domain: r.get(5)?,
        kind: r.get(6)?,
        owner: r.get(7)?,
        create_time: r.get(8)?,
    })
}

fn orphan_columns() -> String {
    format!("id, name, size, md5, mime, domain, {KIND}, owner, created_at")
}

impl Cms {
    /// How the file store uses the disk; the cinemas' spaces are the caller's cinemas'.
    pub fn storage_use(&self, actor: &Actor) -> Result<StorageUse> {
        actor.require(Capability::Operate)?;
        let (kinds, cinemas, warn_gib) =
            self.db.read(|tx| Ok((kinds(tx)?, cinemas(tx, actor)?, warn_free_gib(tx)?)))?;
        let (free_bytes, disk_bytes) = disk_space(self.data_dir()).unzip();
        let warn_free_bytes = u64::from(warn_gib) * GIB;
        Ok(StorageUse {
            total_bytes: kinds.iter().map(|k| k.bytes).sum(),
            files: kinds.iter().map(|k| k.files).sum(),
            kinds,
            cinemas,
            low_on_space: free_bytes.is_some_and(|f| f < warn_free_bytes),
            free_bytes,
            disk_bytes,
            warn_free_bytes,
        })
    }

    /// A page of the files nothing refers to, made more than `grace_days` (default 7) ago,
    /// largest first.
    pub fn orphan_files(&self, actor: &Actor, grace_days: Option<u32>, paging: Paging) -> Result<Page<OrphanFile>> {
        actor.require(Capability::ManageStorage)?;
        let cutoff = self.clock.now_ms() - i64::from(checked_grace(grace_days)?) * DAY_MS;
        let mut w = Where::default();
        let (clause, params) = orphan_clause(cutoff);
        w.raw(&clause, params);
        self.db.read(|tx| query::page(tx, &orphan_columns(), "files", &w, "size DESC, id", paging, orphan_row))
    }

    /// Deletes those of `file_ids` that nothing refers to and that are older than `grace_days`
    /// (default 7), each audited; their content goes once no remaining file shares it.
    pub fn reclaim_files(&self, actor: &Actor, file_ids: &[String], grace_days: Option<u32>) -> Result<Reclaimed> {
        actor.require(Capability::ManageStorage)?;
        if file_ids.is_empty() || file_ids.len() > MAX_RECLAIM {
            return Err(Error::invalid("fileIDList", format!("must name 1 to {MAX_RECLAIM} files")));
        }
        let cutoff = self.clock.now_ms() - i64::from(checked_grace(grace_days)?) * DAY_MS;
        let (clause, params) = orphan_clause(cutoff);
        let (reclaimed, gone) = self.db.write(|tx| {
            let mut out = Reclaimed { file_ids: Vec::new(), bytes: 0, skipped: Vec::new() };
            let mut gone = Vec::new();
            let select = format!("SELECT {}, blob FROM files WHERE id = ? AND {clause}", orphan_columns());
            for id in file_ids {
                let p = std::iter::once(Value::Text(id.clone())).chain(params.iter().cloned());
                let found = tx
                    .prepare_cached(&select)?
                    .query_row(rusqlite::params_from_iter(p), |r| Ok((orphan_row(r)?, r.get::<_, String>(9)?)))
                    .optional()?;
                let Some((file, blob)) = found else {
                    out.skipped.push(id.clone());
                    continue;
                };
                tx.prepare_cached("DELETE FROM files WHERE id = ?")?.execute([id])?;
                audit::record(tx, actor, Change::new(Action::Delete, Entity::File, id).before(&file))?;
                let shared = tx.prepare_cached("SELECT 1 FROM files WHERE blob = ?")?.exists([&blob])?;
                if !shared && !gone.contains(&blob) {
                    out.bytes += file.size;
                    gone.push(blob);
                }
                out.file_ids.push(id.clone());
            }
            Ok((out, gone))
        })?;
        // After the commit: until then the rows named the content. No file names it now, and a
        // new upload of the same content finds no row to share it with, so it is nobody's.
        for blob in gone {
            self.files.remove_blob(&blob);
        }
        Ok(reclaimed)
    }
}

/// Free and total bytes of the disk holding `dir` (what an unprivileged user may still use):
/// `statvfs` on Unix, `GetDiskFreeSpaceExW` on Windows (through `fs4`).
fn disk_space(dir: &std::path::Path) -> Option<(u64, u64)> {
    let st = fs4::statvfs(dir).ok()?;
    Some((st.available_space(), st.total_space()))
}
