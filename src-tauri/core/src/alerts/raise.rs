//! Opening and clearing a notification in the caller's transaction, each with one webhook call per webhook in the same transaction: a crash loses no call, and the unique index on open notifications makes a second raise of the same thing a no-op.

use rusqlite::{params, OptionalExtension, Transaction};

use super::AlertKind;
use crate::error::Result;
use crate::ids::new_id;

/// What a notification is about: its kind, the thing (see the migration's `subject`), and where.
pub(crate) struct Subject<'a> {
    pub(crate) kind: AlertKind,
    pub(crate) key: String,
    pub(crate) cinema_id: &'a str,
    pub(crate) client_id: Option<&'a str>,
    pub(crate) movie_id: Option<&'a str>,
}

impl<'a> Subject<'a> {
    pub(crate) fn cinema(kind: AlertKind, cinema_id: &'a str) -> Subject<'a> {
        Subject { kind, key: cinema_id.to_string(), cinema_id, client_id: None, movie_id: None }
    }

    pub(crate) fn seat(cinema_id: &'a str, client_id: &'a str) -> Subject<'a> {
        Subject {
            kind: AlertKind::SeatError,
            key: client_id.to_string(),
            cinema_id,
            client_id: Some(client_id),
            movie_id: None,
        }
    }

    pub(crate) fn delivery(kind: AlertKind, movie_id: &'a str, cinema_id: &'a str) -> Subject<'a> {
        Subject { kind, key: format!("{movie_id}/{cinema_id}"), cinema_id, client_id: None, movie_id: Some(movie_id) }
    }
}

/// One webhook call per webhook for the notification's `state` (RAISED or CLEARED), due now.
fn enqueue_calls(tx: &Transaction<'_>, notification_id: &str, state: &str, at: i64) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO webhook_outbox(webhook_id, notification_id, state, next_at, created_at)
         SELECT id, ?1, ?2, ?3, ?3 FROM webhooks",
    )?
    .execute(params![notification_id, state, at])?;
    Ok(())
}

/// Opens a notification of `s` saying `message`, unless one is open already. Answers whether
/// it opened one.
pub(crate) fn raise(tx: &Transaction<'_>, s: &Subject<'_>, message: &str, at: i64) -> Result<bool> {
    let id = new_id();
    let opened = tx
        .prepare_cached(
            "INSERT INTO notifications(id, kind, subject, cinema_id, client_id, movie_id, message, raised_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        )?
        .execute(params![id, s.kind.as_str(), s.key, s.cinema_id, s.client_id, s.movie_id, message, at])?;
    if opened == 1 {
        enqueue_calls(tx, &id, "RAISED", at)?;
    }
    Ok(opened == 1)
}

/// Clears the open notification of (`kind`, `key`), if there is one: it is news again (unread
/// for everyone), and each webhook is told. Answers whether one was open.
pub(crate) fn clear(tx: &Transaction<'_>, kind: AlertKind, key: &str, at: i64) -> Result<bool> {
    let id: Option<String> = tx
        .prepare_cached(
            "UPDATE notifications SET cleared_at = ? WHERE kind = ? AND subject = ? AND cleared_at IS NULL RETURNING id",
        )?
        .query_row(params![at, kind.as_str(), key], |r| r.get(0))
        .optional()?;
    let Some(id) = id else { return Ok(false) };
    tx.prepare_cached("DELETE FROM notification_reads WHERE notification_id = ?")?.execute([&id])?;
    enqueue_calls(tx, &id, "CLEARED", at)?;
    Ok(true)
}
