//! Per-table change counters: an adapter may keep a read's answer while the tables it read stay unchanged.
//!
//! SQLite's update hook names the table of every row a write transaction changes, rows changed
//! by triggers and foreign-key cascades included. The tables are noted while the transaction
//! runs, and their counters move once it has committed, before the writer is released. The hook
//! does not see WITHOUT ROWID tables, nor a `DELETE` without `WHERE` on a table that no foreign
//! key or trigger involves (SQLite then truncates it whole): a [`Table`] is therefore only ever a
//! rowid table that takes part in foreign keys, which the tests check.

use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::Arc;

use rusqlite::hooks::Action;

/// The tables whose answers an adapter keeps (the server's read cache); a list that is cached
/// names the tables it reads (e.g. [`crate::VrClientQuery::READS`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Cinemas,
    Halls,
    VrClients,
}

impl Table {
    pub const ALL: [Table; 3] = [Table::Cinemas, Table::Halls, Table::VrClients];

    /// The table's name in the schema.
    pub fn name(self) -> &'static str {
        match self {
            Table::Cinemas => "cinemas",
            Table::Halls => "halls",
            Table::VrClients => "vr_clients",
        }
    }

    fn named(name: &str) -> Option<Table> {
        Table::ALL.into_iter().find(|t| t.name() == name)
    }

    fn bit(self) -> u32 {
        1 << self as u32
    }
}

/// Tables whose changes the alert runner must hear of at once: new webhook calls to send, and
/// rules whose new thresholds may bring a deadline nearer. (Other deadline moves are later than
/// the runner's longest sleep, see `alerts::timer`.)
const ALERT_TABLES: [&str; 2] = ["webhook_outbox", "alert_rules"];

/// The counters, and the tables the write under way has changed so far.
#[derive(Default)]
pub(crate) struct Changes {
    // Shared with the hook, which SQLite calls on the writer's thread while it holds the writer.
    touched: Arc<AtomicU32>,
    /// The write under way wrote webhook calls or alert rules (see [`ALERT_TABLES`]).
    alert_work: Arc<AtomicBool>,
    counters: [AtomicU64; Table::ALL.len()],
}

impl Changes {
    /// The update hook to install on the writer connection.
    pub(crate) fn hook(&self) -> impl FnMut(Action, &str, &str, i64) + Send + 'static {
        let touched = Arc::clone(&self.touched);
        let alert_work = Arc::clone(&self.alert_work);
        move |_, _, table, _| {
            if let Some(t) = Table::named(table) {
                touched.fetch_or(t.bit(), Ordering::Relaxed);
            } else if ALERT_TABLES.contains(&table) {
                alert_work.store(true, Ordering::Relaxed);
            }
        }
    }

    /// A write transaction begins: what a rolled-back one noted is forgotten.
    pub(crate) fn begin(&self) {
        self.touched.store(0, Ordering::Relaxed);
        self.alert_work.store(false, Ordering::Relaxed);
    }

    /// Whether the write that just committed brought the alert runner work (taken once).
    pub(crate) fn took_alert_work(&self) -> bool {
        self.alert_work.swap(false, Ordering::Relaxed)
    }

    /// The write transaction committed: the counters of the tables it changed move, except those
    /// `overlaid` (see `Db::write_overlaid`).
    pub(crate) fn committed(&self, overlaid: &[Table]) {
        let touched = self.touched.swap(0, Ordering::Relaxed) & !overlaid.iter().fold(0, |bits, t| bits | t.bit());
        for t in Table::ALL.into_iter().filter(|t| touched & t.bit() != 0) {
            self.counters[t as usize].fetch_add(1, Ordering::SeqCst);
        }
    }

    /// Every table changed at once (the database was replaced by a restore): no kept answer holds.
    pub(crate) fn bump_all(&self) {
        for c in &self.counters {
            c.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// A number that grows whenever a write that changed one of `tables` commits. Counters
    /// only grow, so an equal sum means no counter moved.
    pub(crate) fn stamp(&self, tables: &[Table]) -> u64 {
        tables.iter().map(|&t| self.counters[t as usize].load(Ordering::SeqCst)).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::Table;
    use crate::db::Db;
    use crate::error::{Error, Result};

    fn db() -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("t.db")).unwrap();
        (dir, db)
    }

    /// Every table's stamp, in the order of [`Table::ALL`].
    fn stamps(db: &Db) -> Vec<u64> {
        Table::ALL.iter().map(|&t| db.stamp(&[t])).collect()
    }

    fn exec(db: &Db, sql: &str) {
        db.write(|tx| Ok(tx.execute_batch(sql)?)).unwrap();
    }

    const SITE: &str =
        "INSERT INTO cinemas(id, code, name, region_id, created_at) VALUES ('c1', 'C1', 'c', 'SHANGHAI', 0);
        INSERT INTO cinemas(id, code, name, region_id, created_at) VALUES ('c2', 'C2', 'c', 'SHANGHAI', 0);
        INSERT INTO halls(id, code, name, cinema_id, number_of_seats, created_at) VALUES ('h1', 'H1', 'h', 'c1', 1, 0);
        INSERT INTO vr_clients(id, hall_id, cinema_id, scene_number, status, seat_number, ip, created_at, qr_token)
            VALUES ('s1', 'h1', 'c1', '1', 'IDLE', 'A1', '10.0.0.1', 0, '0123456789abcdefgh');";

    const FILM: &str =
        "INSERT INTO movies(id, code, name, duration, description, type, category, country, price, created_at)
        VALUES ('m', 'M', 'm', 1, '', 'MOVIE', 'ACTION', 'CHN', 1, 0)";

    #[test]
    fn a_write_moves_the_stamps_of_the_tables_it_changed_and_no_other() {
        let (_dir, db) = db();
        exec(&db, "INSERT INTO cinemas(id, code, name, region_id, created_at) VALUES ('c', 'C', 'c', 'X', 0)");
        assert_eq!(stamps(&db), [1, 0, 0], "cinemas changed; halls and seats did not");
        exec(&db, FILM);
        assert_eq!(stamps(&db), [1, 0, 0], "a film moves no stamp a list of the chain depends on");
        assert_eq!(db.stamp(&Table::ALL), 1, "a stamp of several tables sums theirs");
    }

    #[test]
    fn cascades_and_triggers_count_as_changes_of_their_tables() {
        let (_dir, db) = db();
        exec(&db, SITE);
        let before = stamps(&db);
        exec(&db, "UPDATE halls SET cinema_id = 'c2' WHERE id = 'h1'");
        assert_eq!(db.stamp(&[Table::VrClients]), before[2] + 1, "the trigger moving a hall's seats is seen");
        exec(&db, "DELETE FROM cinemas WHERE id = 'c2'");
        assert_eq!(
            stamps(&db),
            [before[0] + 1, before[1] + 2, before[2] + 2],
            "the cascade to halls and seats is seen"
        );
    }

    #[test]
    fn a_rolled_back_write_moves_nothing_then_or_later() {
        let (_dir, db) = db();
        let failed: Result<()> = db.write(|tx| {
            tx.execute_batch(SITE)?;
            Err(Error::Internal("refused".into()))
        });
        assert!(failed.is_err());
        assert_eq!(stamps(&db), [0, 0, 0], "nothing committed");
        exec(&db, FILM);
        assert_eq!(stamps(&db), [0, 0, 0], "what the rolled-back write touched is not counted by the next one");
    }

    #[test]
    fn an_overlaid_change_moves_no_stamp_but_the_same_writes_other_changes_do() {
        let (_dir, db) = db();
        exec(&db, SITE);
        let before = stamps(&db);
        db.write_overlaid(&[Table::Cinemas], |tx| Ok(tx.execute_batch("UPDATE cinemas SET coms_last_seen = 5")?))
            .unwrap();
        assert_eq!(stamps(&db), before, "the overlaid value moves nothing");
        db.write_overlaid(&[Table::Cinemas], |tx| Ok(tx.execute_batch("UPDATE halls SET name = 'x'")?)).unwrap();
        assert_eq!(db.stamp(&[Table::Halls]), before[1] + 1, "another table's change still counts");
    }

    #[test]
    fn every_table_is_a_rowid_table_whose_deletion_as_a_whole_is_seen() {
        let (_dir, db) = db();
        exec(&db, SITE);
        // Children first, so that each whole-table delete is the only change of its table.
        for (i, t) in Table::ALL.into_iter().enumerate().rev() {
            let rowid: bool = db
                .read(|tx| {
                    Ok(tx.query_row("SELECT wr = 0 FROM pragma_table_list WHERE name = ?", [t.name()], |r| r.get(0))?)
                })
                .unwrap();
            assert!(rowid, "{} must be a rowid table: the update hook does not see the others", t.name());
            let before = stamps(&db)[i];
            exec(&db, &format!("DELETE FROM {}", t.name()));
            assert_eq!(
                stamps(&db)[i],
                before + 1,
                "DELETE FROM {} without WHERE is seen (not truncated unseen)",
                t.name()
            );
        }
    }
}
