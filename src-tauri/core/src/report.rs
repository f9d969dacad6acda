//! What a site reports about its seats: the COMS's heartbeat (its own figures and each seat's status), faults opened and cleared as seats go in and out of ERROR, writing only what changed.

use std::collections::HashSet;

use rusqlite::{params, OptionalExtension, Transaction};

use crate::actor::{Access, Actor};
use crate::alerts;
use crate::error::{Error, Result};
use crate::liveness::SEAT_SEEN_RESOLUTION_MS;
use crate::site_events::{SiteChange, SiteChanged};
use crate::validate::{self, MAX_CODE, MAX_REPORT_TEXT};
use crate::vr_client::{SeatStatus, MAX_BATCH_SEATS};
use crate::{Cms, Entity, Table};

/// A heartbeat of a cinema's COMS: its own figures (an absent one keeps its value) and the
/// status of the seats it lists (seats it does not list are left as they are).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Heartbeat {
    pub coms_version: Option<String>,
    pub disk_free_bytes: Option<u64>,
    pub disk_total_bytes: Option<u64>,
    pub seats: Vec<SeatReport>,
}

/// One seat's status as its COMS sees it; an ERROR may say which (`error_code`) and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeatReport {
    pub client_id: String,
    pub status: SeatStatus,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
}

/// Free disk bytes are written again only once they moved by this share of the disk (or 1 MiB
/// on a small one): a site's free space drifts at every log line, and an alert on low disk
/// needs nothing finer.
const DISK_RESOLUTION_SHARE: u64 = 1000;
const DISK_RESOLUTION_MIN: u64 = 1 << 20;

/// A seat as a report compares against it.
pub(crate) struct SeatNow {
    pub(crate) id: String,
    pub(crate) cinema_id: String,
    pub(crate) status: SeatStatus,
    fault_code: Option<String>,
    fault_open: bool,
    last_seen: Option<i64>,
}

pub(crate) fn seat_now(tx: &Transaction<'_>, id: &str) -> Result<Option<SeatNow>> {
    Ok(tx
        .prepare_cached(
            "SELECT id, cinema_id, status, fault_code, fault_at IS NOT NULL AND fault_cleared_at IS NULL, last_seen
             FROM vr_clients WHERE id = ?",
        )?
        .query_row([id], |r| {
            let status: String = r.get(2)?;
            Ok(SeatNow {
                id: r.get(0)?,
                cinema_id: r.get(1)?,
                status: SeatStatus::parse("status", &status).unwrap_or(SeatStatus::Error),
                fault_code: r.get(3)?,
                fault_open: r.get(4)?,
                last_seen: r.get(5)?,
            })
        })
        .optional()?)
}

/// What a reported status changes on a seat: its status, and its faults (an ERROR with another
/// code than the open fault's is a new fault).
#[derive(Debug, Default, PartialEq, Eq)]
struct Move {
    status: bool,
    clear: bool,
    open: bool,
}

fn moves(seat: &SeatNow, status: SeatStatus, code: Option<&str>) -> Move {
    let error = status == SeatStatus::Error;
    let same_fault = seat.fault_open && seat.fault_code.as_deref() == code;
    Move { status: seat.status != status, clear: seat.fault_open && !(error && same_fault), open: error && !same_fault }
}

/// In the caller's transaction: the seat takes `status`; reporting ERROR opens a fault (code and
/// message kept on the seat as its latest fault, and in `seat_faults`), anything else clears the
/// open one. Answers whether anything changed.
pub(crate) fn apply_status(
    tx: &Transaction<'_>,
    seat: &SeatNow,
    status: SeatStatus,
    code: Option<&str>,
    message: Option<&str>,
    at: i64,
) -> Result<bool> {
    let m = moves(seat, status, code);
    if m.status {
        tx.prepare_cached("UPDATE vr_clients SET status = ? WHERE id = ?")?
            .execute(params![status.as_str(), seat.id])?;
    }
    if m.clear {
        tx.prepare_cached("UPDATE seat_faults SET cleared_at = ? WHERE client_id = ? AND cleared_at IS NULL")?
            .execute(params![at, seat.id])?;
        tx.prepare_cached("UPDATE vr_clients SET fault_cleared_at = ? WHERE id = ?")?.execute(params![at, seat.id])?;
    }
    if m.open {
        tx.prepare_cached(
            "INSERT INTO seat_faults(client_id, cinema_id, code, message, raised_at) VALUES (?, ?, ?, ?, ?)",
        )?
        .execute(params![seat.id, seat.cinema_id, code, message, at])?;
        tx.prepare_cached(
            "UPDATE vr_clients SET fault_code = ?, fault_message = ?, fault_at = ?, fault_cleared_at = NULL WHERE id = ?",
        )?
        .execute(params![code, message, at, seat.id])?;
    }
    if m.clear || m.open {
        alerts::seat_moved(tx, &seat.cinema_id, &seat.id, m.clear, m.open.then_some((code, message)), at)?;
    }
    Ok(m != Move::default())
}

/// Stores that `ids` were reported at `at`, for those whose stored time is older than the
/// resolution (see `liveness`): one statement for a heartbeat's seats.
pub(crate) fn store_seen(tx: &Transaction<'_>, ids: &[String], at: i64) -> Result<()> {
    let mut stmt =
        tx.prepare_cached("UPDATE vr_clients SET last_seen = ? WHERE id = ? AND coalesce(last_seen, 0) < ?")?;
    for id in ids {
        stmt.execute(params![at, id, at - SEAT_SEEN_RESOLUTION_MS])?;
    }
    Ok(())
}

fn stale(stored: Option<i64>, now: i64) -> bool {
    stored.is_none_or(|t| now - t >= SEAT_SEEN_RESOLUTION_MS)
}

/// A checked heartbeat.
struct Valid {
    coms_version: Option<String>,
    disk_free: Option<i64>,
    disk_total: Option<i64>,
    seats: Vec<SeatReport>,
}

fn validated(hb: Heartbeat) -> Result<Valid> {
    let coms_version = validate::opt_text("comsVersion", hb.coms_version.as_deref(), MAX_CODE)?;
    let disk_free = hb.disk_free_bytes.map(|b| validate::byte_count("diskFreeBytes", b)).transpose()?;
    let disk_total = hb.disk_total_bytes.map(|b| validate::byte_count("diskTotalBytes", b)).transpose()?;
    if let (Some(free), Some(total)) = (disk_free, disk_total) {
        if free > total {
            return Err(Error::invalid("diskFreeBytes", "must not exceed diskTotalBytes"));
        }
    }
    if hb.seats.len() > MAX_BATCH_SEATS {
        return Err(Error::invalid("seats", format!("at most {MAX_BATCH_SEATS} seats in one heartbeat")));
    }
    let mut ids = HashSet::with_capacity(hb.seats.len());
    let mut seats = Vec::with_capacity(hb.seats.len());
    for s in hb.seats {
        let client_id = validate::text("seats[].clientID", &s.client_id, MAX_CODE)?;
        if !ids.insert(client_id.clone()) {
            return Err(Error::invalid("seats[].clientID", format!("seat {client_id} is listed twice")));
        }
        let error = s.status == SeatStatus::Error;
        let error_code = validate::opt_text("seats[].errorCode", s.error_code.as_deref(), MAX_CODE)?.filter(|_| error);
        let error_message =
            validate::opt_text("seats[].errorMessage", s.error_message.as_deref(), MAX_REPORT_TEXT)?.filter(|_| error);
        seats.push(SeatReport { client_id, status: s.status, error_code, error_message });
    }
    Ok(Valid { coms_version, disk_free, disk_total, seats })
}

/// What a heartbeat would write, read before any write: most heartbeats change nothing.
#[derive(Default)]
struct Plan {
    /// The COMS's figures changed (beyond the disk resolution).
    figures: bool,
    /// Seats whose status or fault changes.
    seats: Vec<usize>,
    /// Seats whose stored last seen is older than the resolution.
    seen: Vec<String>,
    /// The cinema's stored heartbeat time is older than the resolution.
    heartbeat: bool,
}

fn moved(stored: Option<i64>, reported: Option<i64>, resolution: i64) -> bool {
    match (stored, reported) {
        (_, None) => false,
        (None, Some(_)) => true,
        (Some(a), Some(b)) => (a - b).abs() >= resolution.max(1),
    }
}

fn plan(tx: &Transaction<'_>, actor: &Actor, cinema_id: &str, v: &Valid, now: i64) -> Result<(Plan, Vec<SeatNow>)> {
    let (version, free, total, beat): (Option<String>, Option<i64>, Option<i64>, Option<i64>) = tx
        .prepare_cached(
            "SELECT coms_version, disk_free_bytes, disk_total_bytes, heartbeat_at FROM cinemas WHERE id = ?",
        )?
        .query_row([cinema_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .optional()?
        .ok_or_else(|| Error::not_found(Entity::Cinema, cinema_id))?;
    // An operator reporting for a site reports for a cinema of theirs only.
    actor.require_cinema(tx, cinema_id, Access::Write)?;
    let disk = v.disk_total.or(total).unwrap_or(0).max(0) as u64;
    let disk_resolution = (disk / DISK_RESOLUTION_SHARE).max(DISK_RESOLUTION_MIN) as i64;
    let mut p = Plan {
        figures: (v.coms_version.is_some() && v.coms_version != version)
            || moved(total, v.disk_total, 1)
            || moved(free, v.disk_free, disk_resolution),
        heartbeat: stale(beat, now),
        ..Plan::default()
    };
    let mut seats = Vec::with_capacity(v.seats.len());
    for (i, report) in v.seats.iter().enumerate() {
        let seat = seat_now(tx, &report.client_id)?
            .ok_or_else(|| Error::not_found(Entity::VrClient, report.client_id.clone()))?;
        // Another cinema's seat: the same refusal as for its channel.
        actor.require_channel(&seat.cinema_id)?;
        if seat.cinema_id != cinema_id {
            return Err(Error::Denied(format!("seat {} is not a seat of cinema {cinema_id}", seat.id)));
        }
        if moves(&seat, report.status, report.error_code.as_deref()) != Move::default() {
            p.seats.push(i);
        }
        if stale(seat.last_seen, now) {
            p.seen.push(seat.id.clone());
        }
        seats.push(seat);
    }
    Ok((p, seats))
}

impl Cms {
    /// A COMS's heartbeat: its version and disk figures, and the status of each listed seat
    /// (an ERROR opens a fault, anything else clears it), the COMS and those seats seen now.
    /// Another cinema's key, or a seat of another cinema, is refused (403); an unknown cinema or
    /// seat is 404, and nothing is written. Only what changed is written; liveness is kept in
    /// memory and stored at a coarse resolution (see `liveness`).
    pub fn heartbeat(
        &self,
        actor: &Actor,
        cinema_id: &str,
        hb: impl TryInto<Heartbeat, Error: Into<Error>>,
    ) -> Result<()> {
        // Who may report comes first: another cinema's key learns nothing from a bad body.
        actor.require_channel(cinema_id)?;
        let v = validated(hb.try_into().map_err(Into::into)?)?;
        self.mark_coms_seen(actor, cinema_id)?;
        let now = self.clock.now_ms();
        let (planned, _) = self.db.read(|tx| plan(tx, actor, cinema_id, &v, now))?;
        let mut told = Vec::new();
        if planned.figures || !planned.seats.is_empty() {
            // Planned again under the writer, so that what is written is exact.
            told = self.db.write(|tx| {
                let (p, seats) = plan(tx, actor, cinema_id, &v, now)?;
                if p.figures {
                    tx.prepare_cached(
                        "UPDATE cinemas SET coms_version = coalesce(?, coms_version),
                         disk_free_bytes = coalesce(?, disk_free_bytes), disk_total_bytes = coalesce(?, disk_total_bytes)
                         WHERE id = ?",
                    )?
                    .execute(params![v.coms_version, v.disk_free, v.disk_total, cinema_id])?;
                    alerts::disk_reported(tx, cinema_id, now)?;
                }
                let mut told = Vec::with_capacity(p.seats.len());
                for i in p.seats {
                    let r = &v.seats[i];
                    apply_status(tx, &seats[i], r.status, r.error_code.as_deref(), r.error_message.as_deref(), now)?;
                    told.push(SiteChange::new(cinema_id, SiteChanged::Seat { client_id: r.client_id.clone() }));
                }
                Ok(told)
            })?;
        }
        if planned.heartbeat || !planned.seen.is_empty() {
            // Liveness alone, which adapters overlay on kept answers (see `liveness` and
            // `presence`): it moves no stamp, so no kept seat or cinema page is dropped.
            self.db.write_overlaid(&[Table::VrClients, Table::Cinemas], |tx| {
                store_seen(tx, &planned.seen, now)?;
                tx.prepare_cached(
                    "UPDATE cinemas SET heartbeat_at = ? WHERE id = ? AND coalesce(heartbeat_at, 0) < ?",
                )?
                .execute(params![now, cinema_id, now - SEAT_SEEN_RESOLUTION_MS])?;
                Ok(())
            })?;
        }
        self.liveness.seen(v.seats.iter().map(|s| s.client_id.as_str()), now);
        self.presence.heartbeat(cinema_id, now);
        told.insert(0, SiteChange::new(cinema_id, SiteChanged::Heartbeat));
        self.tell_site_changes(&told);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seat(status: SeatStatus, fault: Option<&str>) -> SeatNow {
        SeatNow {
            id: "s".into(),
            cinema_id: "c".into(),
            status,
            fault_code: fault.map(str::to_string),
            fault_open: fault.is_some(),
            last_seen: None,
        }
    }

    #[test]
    fn the_same_status_moves_nothing() {
        assert_eq!(moves(&seat(SeatStatus::Idle, None), SeatStatus::Idle, None), Move::default());
        assert_eq!(moves(&seat(SeatStatus::Error, Some("E1")), SeatStatus::Error, Some("E1")), Move::default());
    }

    #[test]
    fn an_error_opens_a_fault_and_anything_else_clears_it() {
        let opened = moves(&seat(SeatStatus::Idle, None), SeatStatus::Error, Some("E1"));
        assert_eq!(opened, Move { status: true, clear: false, open: true });
        let cleared = moves(&seat(SeatStatus::Error, Some("E1")), SeatStatus::Idle, None);
        assert_eq!(cleared, Move { status: true, clear: true, open: false });
    }

    #[test]
    fn an_error_of_another_code_is_a_new_fault() {
        let next = moves(&seat(SeatStatus::Error, Some("E1")), SeatStatus::Error, Some("E2"));
        assert_eq!(next, Move { status: false, clear: true, open: true });
    }

    #[test]
    fn disk_figures_move_beyond_their_resolution_only() {
        assert!(!moved(Some(1_000), None, 10), "not reported: kept");
        assert!(moved(None, Some(0), 10), "first report");
        assert!(!moved(Some(1_000), Some(1_009), 10));
        assert!(moved(Some(1_000), Some(1_010), 10));
    }
}
