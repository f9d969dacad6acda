//! Seats' liveness: when each seat was last reported by its COMS, exact in memory and coarse in the database, and whether that is recent enough to call it online.
//!
//! A chain's COMS report every seat every 30 s or so. Writing each seat's time at each report
//! would rewrite 30 rows per heartbeat for nothing a person could tell apart, and would make
//! every kept seat page stale at once. So the exact time lives here, in memory (loaded from the
//! database when the CMS opens), and the database gets it at [`SEAT_SEEN_RESOLUTION_MS`], only
//! so that a restart does not forget it. `online` is never stored: it is derived when answered.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Mutex;

use rusqlite::Connection;

use crate::error::Result;

/// How stale a seat's stored last seen may get before a report writes it again (ms).
pub const SEAT_SEEN_RESOLUTION_MS: i64 = 60_000;
/// A seat not reported for this long shows as offline, unless the setting says otherwise (ms).
pub const DEFAULT_SEAT_OFFLINE_MS: i64 = 180_000;
/// The settings key of the offline window, in milliseconds.
pub(crate) const OFFLINE_KEY: &str = "seat_offline_after_ms";

/// Whether a seat last seen at `last_seen` is online at `now`, with `window` ms of grace.
pub fn is_online(last_seen: Option<i64>, now: i64, window: i64) -> bool {
    last_seen.is_some_and(|seen| now - seen < window)
}

pub(crate) struct Liveness {
    seats: Mutex<HashMap<String, i64>>,
    offline_after_ms: AtomicI64,
}

impl Liveness {
    /// The stored last-seen times and offline window of the database `conn` holds.
    pub(crate) fn load(conn: &Connection) -> Result<Liveness> {
        let mut stmt = conn.prepare("SELECT id, last_seen FROM vr_clients WHERE last_seen IS NOT NULL")?;
        let seats = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<HashMap<_, _>, _>>()?;
        let window: Option<String> =
            conn.query_row("SELECT value FROM settings WHERE key = ?", [OFFLINE_KEY], |r| r.get(0)).ok();
        let window = window.and_then(|w| w.parse().ok()).unwrap_or(DEFAULT_SEAT_OFFLINE_MS);
        Ok(Liveness { seats: Mutex::new(seats), offline_after_ms: AtomicI64::new(window) })
    }

    /// Notes that `ids` were reported at `at`.
    pub(crate) fn seen<'a>(&self, ids: impl IntoIterator<Item = &'a str>, at: i64) {
        let mut seats = self.seats.lock().unwrap_or_else(|p| p.into_inner());
        for id in ids {
            // Two reports of one seat may note their times out of order.
            let seen = seats.entry(id.to_string()).or_insert(at);
            *seen = (*seen).max(at);
        }
    }

    pub(crate) fn last_seen(&self, id: &str) -> Option<i64> {
        self.seats.lock().unwrap_or_else(|p| p.into_inner()).get(id).copied()
    }

    pub(crate) fn forget<'a>(&self, ids: impl IntoIterator<Item = &'a str>) {
        let mut seats = self.seats.lock().unwrap_or_else(|p| p.into_inner());
        for id in ids {
            seats.remove(id);
        }
    }

    /// Takes what `fresh` holds (the database was restored).
    pub(crate) fn replace_with(&self, fresh: Liveness) {
        self.set_offline_after_ms(fresh.offline_after_ms());
        *self.seats.lock().unwrap_or_else(|p| p.into_inner()) =
            fresh.seats.into_inner().unwrap_or_else(|p| p.into_inner());
    }

    pub(crate) fn offline_after_ms(&self) -> i64 {
        self.offline_after_ms.load(Ordering::Relaxed)
    }

    pub(crate) fn set_offline_after_ms(&self, ms: i64) {
        self.offline_after_ms.store(ms, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::is_online;

    #[test]
    fn a_seat_is_online_within_the_window_and_never_when_never_seen() {
        assert!(is_online(Some(1_000), 1_000 + 179_999, 180_000));
        assert!(!is_online(Some(1_000), 1_000 + 180_000, 180_000), "the window's end is offline");
        assert!(!is_online(None, 0, 180_000), "never heard from: offline");
    }
}
