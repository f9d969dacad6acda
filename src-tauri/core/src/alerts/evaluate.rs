//! What one site's event means for the rules, in the event's own transaction: only that cinema's seat, delivery or figures are looked at, never the chain. Messages are in Chinese, the users' language.

use rusqlite::{OptionalExtension, Transaction};

use super::raise::{self, Subject};
use super::rules::{self, AlertRules};
use super::AlertKind;
use crate::error::Result;

const GIB: f64 = (1u64 << 30) as f64;

fn cinema_name(tx: &Transaction<'_>, cinema_id: &str) -> Result<String> {
    Ok(tx
        .prepare_cached("SELECT name FROM cinemas WHERE id = ?")?
        .query_row([cinema_id], |r| r.get(0))
        .optional()?
        .unwrap_or_else(|| cinema_id.to_string()))
}

/// A seat's fault opened (`fault`: its code and message) or cleared (`cleared`), as
/// `report::apply_status` just wrote it. A new fault of another code replaces the open one.
pub(crate) fn seat_moved(
    tx: &Transaction<'_>,
    cinema_id: &str,
    client_id: &str,
    cleared: bool,
    fault: Option<(Option<&str>, Option<&str>)>,
    at: i64,
) -> Result<()> {
    if cleared {
        raise::clear(tx, AlertKind::SeatError, client_id, at)?;
    }
    let Some((code, message)) = fault else { return Ok(()) };
    if !rules::load(tx)?.seat_error_enabled {
        return Ok(());
    }
    let (seat, hall): (String, String) = tx
        .prepare_cached(
            "SELECT v.seat_number, h.name FROM vr_clients v JOIN halls h ON h.id = v.hall_id WHERE v.id = ?",
        )?
        .query_row([client_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let mut text = format!("{} {hall} {seat} 号座位故障", cinema_name(tx, cinema_id)?);
    for part in [code, message].into_iter().flatten() {
        text.push_str(if text.ends_with('障') { "：" } else { " " });
        text.push_str(part);
    }
    raise::raise(tx, &Subject::seat(cinema_id, client_id), &text, at)?;
    Ok(())
}

/// A film's delivery to a cinema changed state or progress: a FAILED pair raises (with the
/// site's error), any other state clears the failure; any change at all is progress, so a
/// stuck download is no longer stuck.
pub(crate) fn delivery_moved(tx: &Transaction<'_>, movie_id: &str, cinema_id: &str, at: i64) -> Result<()> {
    let key = format!("{movie_id}/{cinema_id}");
    raise::clear(tx, AlertKind::DeliveryStuck, &key, at)?;
    let pair: Option<(String, Option<String>, String)> = tx
        .prepare_cached(
            "SELECT d.state, d.error, m.name FROM deliveries d JOIN movies m ON m.id = d.movie_id
             WHERE d.movie_id = ? AND d.cinema_id = ?",
        )?
        .query_row([movie_id, cinema_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    match pair {
        Some((state, error, movie)) if state == "FAILED" => {
            if rules::load(tx)?.delivery_failed_enabled {
                let mut text = format!("影片《{movie}》在{}下载失败", cinema_name(tx, cinema_id)?);
                if let Some(e) = error {
                    text.push('：');
                    text.push_str(&e);
                }
                raise::raise(tx, &Subject::delivery(AlertKind::DeliveryFailed, movie_id, cinema_id), &text, at)?;
            }
        }
        _ => {
            raise::clear(tx, AlertKind::DeliveryFailed, &key, at)?;
        }
    }
    Ok(())
}

/// The text of a stuck download (the timer raises it).
pub(crate) fn stuck_message(tx: &Transaction<'_>, movie_id: &str, cinema_id: &str, hours: u32) -> Result<String> {
    let movie: String = tx
        .prepare_cached("SELECT name FROM movies WHERE id = ?")?
        .query_row([movie_id], |r| r.get(0))
        .optional()?
        .unwrap_or_else(|| movie_id.to_string());
    Ok(format!("影片《{movie}》在{}下载停滞超过 {hours} 小时", cinema_name(tx, cinema_id)?))
}

/// The text of a silent COMS (the timer raises it).
pub(crate) fn offline_message(tx: &Transaction<'_>, cinema_id: &str, minutes: u32) -> Result<String> {
    Ok(format!("{}的 COMS 已离线超过 {minutes} 分钟", cinema_name(tx, cinema_id)?))
}

/// A cinema's disk figures as stored: raises below the rule's free GiB, clears at or above.
fn disk(tx: &Transaction<'_>, rules: &AlertRules, cinema_id: &str, free: i64, at: i64) -> Result<()> {
    if free >= rules.disk_low_bytes() {
        raise::clear(tx, AlertKind::DiskLow, cinema_id, at)?;
    } else if rules.disk_low_enabled {
        let text = format!(
            "{}的磁盘剩余 {:.1} GiB，低于 {} GiB",
            cinema_name(tx, cinema_id)?,
            free as f64 / GIB,
            rules.disk_low_free_gib
        );
        raise::raise(tx, &Subject::cinema(AlertKind::DiskLow, cinema_id), &text, at)?;
    }
    Ok(())
}

/// A heartbeat stored new disk figures for the cinema.
pub(crate) fn disk_reported(tx: &Transaction<'_>, cinema_id: &str, at: i64) -> Result<()> {
    let free: Option<i64> = tx
        .prepare_cached("SELECT disk_free_bytes FROM cinemas WHERE id = ?")?
        .query_row([cinema_id], |r| r.get(0))
        .optional()?
        .flatten();
    match free {
        Some(free) => disk(tx, &rules::load(tx)?, cinema_id, free, at),
        None => Ok(()),
    }
}

/// The free-disk rule changed: every site's last figures are judged again (once per change of
/// the rule, not per event).
pub(crate) fn disk_everywhere(tx: &Transaction<'_>, rules: &AlertRules, at: i64) -> Result<()> {
    let sites: Vec<(String, i64)> = tx
        .prepare_cached("SELECT id, disk_free_bytes FROM cinemas WHERE disk_free_bytes IS NOT NULL")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (cinema_id, free) in sites {
        disk(tx, rules, &cinema_id, free, at)?;
    }
    Ok(())
}

/// The cinema's COMS was heard from (its stored last seen moved): it is not offline.
pub(crate) fn coms_heard(tx: &Transaction<'_>, cinema_id: &str, at: i64) -> Result<()> {
    raise::clear(tx, AlertKind::ComsOffline, cinema_id, at)?;
    Ok(())
}
