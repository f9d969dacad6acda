//! The one timer of the time-based rules: the next deadline read from indexes (the oldest COMS last seen not yet flagged offline, the oldest download not yet flagged stuck, the next webhook call due), and firing what is due then.
//!
//! The runner (in the server) sleeps until [`Cms::alert_deadline`], or until a write brings
//! work ([`Cms::on_alert_work`]), then calls [`Cms::fire_due_alerts`]. A COMS first heard from
//! or a download started moves no deadline nearer than the runner's longest sleep (the
//! windows are a minute at least), so those writes need not wake it.

use rusqlite::{params, Transaction};

use super::evaluate::{offline_message, stuck_message};
use super::raise::{self, Subject};
use super::rules::{self, AlertRules};
use super::{webhooks, AlertKind};
use crate::error::Result;
use crate::Cms;

/// COMS with a last seen and no open COMS_OFFLINE, oldest first (`cinemas_coms_last_seen`).
const SILENT: &str = "FROM cinemas c WHERE c.coms_last_seen IS NOT NULL AND NOT EXISTS (SELECT 1 FROM notifications n
     WHERE n.kind = 'COMS_OFFLINE' AND n.subject = c.id AND n.cleared_at IS NULL)";
/// Downloads with no open DELIVERY_STUCK, least recently moved first (`deliveries_downloading`).
const IDLE: &str = "FROM deliveries d WHERE d.state = 'DOWNLOADING' AND NOT EXISTS (SELECT 1 FROM notifications n
     WHERE n.kind = 'DELIVERY_STUCK' AND n.subject = d.movie_id || '/' || d.cinema_id AND n.cleared_at IS NULL)";

fn earliest(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// When the next time-based rule may fire.
fn next_rule_deadline(tx: &Transaction<'_>, r: &AlertRules) -> Result<Option<i64>> {
    let first = |sql: String| -> Result<Option<i64>> {
        Ok(tx.prepare_cached(&sql)?.query_row([], |row| row.get::<_, Option<i64>>(0))?)
    };
    let offline = match r.offline_after_ms() {
        Some(w) => first(format!("SELECT min(c.coms_last_seen) {SILENT}"))?.map(|t| t + w),
        None => None,
    };
    let stuck = match r.stuck_after_ms() {
        Some(w) => first(format!("SELECT min(d.updated_at) {IDLE}"))?.map(|t| t + w),
        None => None,
    };
    Ok(earliest(offline, stuck))
}

/// Raises every time-based alert due at `now`; answers how many.
fn fire(tx: &Transaction<'_>, r: &AlertRules, now: i64) -> Result<usize> {
    let mut fired = 0;
    if let Some(w) = r.offline_after_ms() {
        let silent: Vec<String> = tx
            .prepare_cached(&format!("SELECT c.id {SILENT} AND c.coms_last_seen <= ?"))?
            .query_map([now - w], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for cinema in &silent {
            let text = offline_message(tx, cinema, r.coms_offline_minutes)?;
            fired += usize::from(raise::raise(tx, &Subject::cinema(AlertKind::ComsOffline, cinema), &text, now)?);
        }
    }
    if let Some(w) = r.stuck_after_ms() {
        let idle: Vec<(String, String)> = tx
            .prepare_cached(&format!("SELECT d.movie_id, d.cinema_id {IDLE} AND d.updated_at <= ?"))?
            .query_map(params![now - w], |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (movie, cinema) in &idle {
            let text = stuck_message(tx, movie, cinema, r.delivery_stuck_hours)?;
            let s = Subject::delivery(AlertKind::DeliveryStuck, movie, cinema);
            fired += usize::from(raise::raise(tx, &s, &text, now)?);
        }
    }
    Ok(fired)
}

impl Cms {
    /// The time of the alerts' clock (epoch ms): the system's, or the one a test set.
    pub fn alert_now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    /// When the runner has work next: a time-based rule may fire, or a webhook call falls due.
    /// `None`: nothing is waiting (sleep until woken).
    pub fn alert_deadline(&self) -> Result<Option<i64>> {
        self.db.read(|tx| {
            let r = rules::load(tx)?;
            Ok(earliest(next_rule_deadline(tx, &r)?, webhooks::next_due(tx)?))
        })
    }

    /// Raises the time-based alerts due now (COMS offline, downloads stuck), each once, with
    /// their webhook calls; answers how many. Reads first: a round with nothing due writes nothing.
    pub fn fire_due_alerts(&self) -> Result<usize> {
        let now = self.clock.now_ms();
        let due = self.db.read(|tx| Ok(next_rule_deadline(tx, &rules::load(tx)?)?.is_some_and(|t| t <= now)))?;
        if !due {
            return Ok(0);
        }
        self.db.write(|tx| fire(tx, &rules::load(tx)?, now))
    }

    /// Registers `f`, called after a write committed webhook calls or changed the rules: the
    /// runner's wake-up. Keep it short (it runs on the writer's thread).
    pub fn on_alert_work(&self, f: impl Fn() + Send + Sync + 'static) {
        self.db.alert_signal.listen(Box::new(f));
    }
}
