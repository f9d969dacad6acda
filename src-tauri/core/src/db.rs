//! SQLite storage: opening with the right pragmas, plain-SQL migrations, one writer and a pool of readers.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

use crate::changes::{Changes, Table};
use crate::error::{Error, Result};

/// Migrations in order; the index + 1 is the schema version kept in `PRAGMA user_version`.
/// A released migration never changes: append a new one.
const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_init.sql"),
    include_str!("../migrations/0002_default_enums.sql"),
    include_str!("../migrations/0003_api_keys.sql"),
    include_str!("../migrations/0004_settings.sql"),
    include_str!("../migrations/0005_files.sql"),
    include_str!("../migrations/0006_library.sql"),
    include_str!("../migrations/0007_used_signatures.sql"),
    include_str!("../migrations/0008_sites.sql"),
    include_str!("../migrations/0009_scope_and_audit.sql"),
    include_str!("../migrations/0010_sessions_and_lockout.sql"),
    include_str!("../migrations/0011_alerts.sql"),
    include_str!("../migrations/0012_served_bytes.sql"),
];

/// The schema version this program writes: a data dir or backup above it is from a newer one.
pub(crate) const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// The most read connections open at once. Beyond a few per core more readers only add
/// contention; callers past the limit wait for a connection instead of opening (and soon
/// closing) one of their own, which under load costs more than the query.
const MAX_READERS: usize = 8;

/// How long a statement waits for a lock another connection holds (another process on the
/// same file: a backup, `sqlite3`, the CLI) before giving up with SQLITE_BUSY, which clients
/// see as `busy` (503, `Retry-After`). Within this process writes queue on the writer's mutex
/// instead, so this only bounds waits on others.
const BUSY_TIMEOUT: Duration = Duration::from_millis(1500);
/// The wait of a write queued behind one that already found the file locked: the lock is
/// likely still held, and every write waiting its full timeout in turn would make the last of
/// a queue wait for many seconds.
const BUSY_TIMEOUT_WHILE_LOCKED: Duration = Duration::from_millis(100);

pub(crate) struct Db {
    path: PathBuf,
    // SQLite allows one writer at a time anyway; holding the writer behind a mutex turns
    // contention into a queue instead of SQLITE_BUSY retries.
    writer: Mutex<Connection>,
    readers: Mutex<Readers>,
    reader_returned: Condvar,
    /// What committed writes changed, per table: a cached read is still the truth while the
    /// tables it read are unchanged.
    changes: Changes,
    /// The last write found the file locked by someone else (see [`BUSY_TIMEOUT_WHILE_LOCKED`]).
    found_locked: AtomicBool,
    /// Told after a commit that wrote webhook calls or alert rules.
    pub(crate) alert_signal: crate::alerts::AlertSignal,
}

#[derive(Default)]
struct Readers {
    idle: Vec<Connection>,
    open: usize,
}

/// Keeps ANALYZE's per-index statistics (sqlite_stat1) but drops its STAT4 value samples.
/// With samples, SQLite re-plans a statement whenever a bound value changes, so the cached
/// statement of "seats of cinema ?" was prepared again on nearly every call (a fifth of a seat
/// page's CPU); stat1 alone already tells the planner which index is narrower.
fn drop_stat4_samples(writer: &Connection) -> Result<()> {
    let has_stat4 =
        writer.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'sqlite_stat4'")?.exists([])?;
    if has_stat4 {
        // `ANALYZE sqlite_schema` reloads the statistics into this connection's schema.
        writer.execute_batch("DELETE FROM sqlite_stat4; ANALYZE sqlite_schema;")?;
    }
    Ok(())
}

fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // WAL lets readers run beside the writer. synchronous=FULL makes every acknowledged
    // commit survive not only a killed process but a power cut too; writes here are human
    // paced, so the fsync per commit is cheap.
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON;
         PRAGMA temp_store = MEMORY;",
    )?;
    conn.set_prepared_statement_cache_capacity(64);
    rusqlite::vtab::array::load_module(conn)?;
    Ok(())
}

impl Db {
    pub(crate) fn open(path: &Path) -> Result<Db> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut writer = Connection::open(path)?;
        configure(&writer)?;
        // Bulk imports insert into several indexes at random points (ids are random); a 64 MiB
        // cache keeps those index pages in memory at chain scale instead of re-reading them.
        writer.execute_batch("PRAGMA cache_size = -65536;")?;
        migrate(&mut writer)?;
        // Lets the planner learn the data's shape (e.g. which of two indexes is narrower) from
        // time to time; cheap, and a no-op when nothing changed much.
        writer.execute_batch("PRAGMA optimize = 0x10002;")?;
        drop_stat4_samples(&writer)?;
        let changes = Changes::default();
        writer.update_hook(Some(changes.hook()));
        Ok(Db {
            path: path.to_path_buf(),
            writer: Mutex::new(writer),
            readers: Mutex::new(Readers::default()),
            reader_returned: Condvar::new(),
            changes,
            found_locked: AtomicBool::new(false),
            alert_signal: crate::alerts::AlertSignal::default(),
        })
    }

    /// Runs `f` in one IMMEDIATE transaction and commits; any error rolls everything back.
    pub(crate) fn write<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        self.write_and(&[], f)
    }

    /// A write whose changes to `overlaid` no kept answer holds as read, because every adapter
    /// overlays them at answer time (the last seen of a COMS, see
    /// [`crate::Cms::recent_coms_last_seen`], and of seats, [`crate::Cms::seat_liveness`]): its
    /// changes of those tables move no counter. A
    /// COMS polls all the time; counting its last-seen as a change of `cinemas` would drop every
    /// kept list of cinemas at each poll. Changes to other tables still count.
    pub(crate) fn write_overlaid<T>(
        &self,
        overlaid: &[Table],
        f: impl FnOnce(&Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        self.write_and(overlaid, f)
    }

    fn write_and<T>(&self, overlaid: &[Table], f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let mut conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let locked_before = self.found_locked.load(Ordering::Relaxed);
        self.changes.begin();
        let out: Result<T> = (|| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let out = f(&tx)?;
            tx.commit()?;
            Ok(out)
        })();
        if out.is_ok() {
            // Before the writer is released and the caller answered: whoever learns of this
            // write and then reads can no longer be given a kept answer from before it.
            self.changes.committed(overlaid);
        }
        let alert_work = self.changes.took_alert_work();
        let locked_now = matches!(&out, Err(e) if e.code() == crate::Code::Busy);
        if locked_now != locked_before {
            self.found_locked.store(locked_now, Ordering::Relaxed);
            conn.busy_timeout(if locked_now { BUSY_TIMEOUT_WHILE_LOCKED } else { BUSY_TIMEOUT })?;
        }
        drop(conn);
        if alert_work && out.is_ok() {
            self.alert_signal.tell();
        }
        out
    }

    /// Replaces the whole database with the one at `source` (a verified backup), under the writer
    /// lock, through SQLite's backup API into this open file: readers see the old data or the
    /// new, never a mix, and no connection has to be reopened. Then migrates it to this program's
    /// schema and runs `then` in one transaction (what must hold of the new data at once: no
    /// old sessions, the restore's own audit entry). Every table counts as changed.
    pub(crate) fn replace_from(&self, source: &Path, then: impl FnOnce(&Transaction<'_>) -> Result<()>) -> Result<()> {
        let src =
            Connection::open_with_flags(source, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
        let mut conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let out = (|| {
            {
                let backup = rusqlite::backup::Backup::new(&src, &mut conn)?;
                // All pages in one step: the copy is one transaction on this file.
                if backup.step(-1)? != rusqlite::backup::StepResult::Done {
                    return Err(Error::Internal("the database could not be replaced; nothing changed".into()));
                }
            }
            // The copied file says journal_mode DELETE; this one stays WAL.
            configure(&conn)?;
            migrate(&mut conn)?;
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            then(&tx)?;
            tx.commit()?;
            Ok(())
        })();
        self.changes.bump_all();
        out
    }

    /// A number that grows whenever a write changing one of `tables` commits.
    pub(crate) fn stamp(&self, tables: &[Table]) -> u64 {
        self.changes.stamp(tables)
    }

    /// Runs `f` in a read transaction, so a count and its page see the same snapshot.
    pub(crate) fn read<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let mut conn = self.take_reader()?;
        let out = (|| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Deferred)?;
            let out = f(&tx);
            // A read transaction has nothing to commit; ending it releases the snapshot.
            tx.finish()?;
            out
        })();
        self.readers.lock().unwrap_or_else(|p| p.into_inner()).idle.push(conn);
        self.reader_returned.notify_one();
        out
    }

    /// Whether a read would start at once, without waiting for a connection: an async caller
    /// can then run a short read in place instead of handing it to another thread.
    pub(crate) fn reader_ready(&self) -> bool {
        let readers = self.readers.lock().unwrap_or_else(|p| p.into_inner());
        !readers.idle.is_empty() || readers.open < MAX_READERS
    }

    /// An idle reader, a new one while fewer than MAX_READERS are open, or else the next one
    /// returned.
    fn take_reader(&self) -> Result<Connection> {
        let mut readers = self.readers.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            if let Some(conn) = readers.idle.pop() {
                return Ok(conn);
            }
            if readers.open < MAX_READERS {
                readers.open += 1;
                drop(readers);
                return self.open_reader().inspect_err(|_| {
                    self.readers.lock().unwrap_or_else(|p| p.into_inner()).open -= 1;
                });
            }
            readers = self.reader_returned.wait(readers).unwrap_or_else(|p| p.into_inner());
        }
    }

    fn open_reader(&self) -> Result<Connection> {
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI,
        )?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // Memory-mapped reads share the OS page cache between the readers instead of each
        // copying pages into its own cache.
        conn.execute_batch("PRAGMA cache_size = -8000; PRAGMA temp_store = MEMORY; PRAGMA mmap_size = 268435456;")?;
        conn.set_prepared_statement_cache_capacity(64);
        rusqlite::vtab::array::load_module(&conn)?;
        Ok(conn)
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }
}

fn migrate(conn: &mut Connection) -> Result<()> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let known = MIGRATIONS.len() as i64;
    if current > known {
        return Err(Error::Internal(format!(
            "database schema version {current} is newer than this program knows ({known}); upgrade Cinedesk"
        )));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Exclusive)?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
        tracing::info!(version = i + 1, "applied migration");
    }
    Ok(())
}
