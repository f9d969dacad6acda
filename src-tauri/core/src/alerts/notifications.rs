//! The notification centre: a caller's notifications (its cinemas only), the unread count, and marking read; read marks are per user.

use rusqlite::types::Value;
use rusqlite::{params_from_iter, Row, Transaction};
use serde::{Deserialize, Serialize};

use super::AlertKind;
use crate::actor::{Access, Actor, Capability};
use crate::error::{Entity, Error, Result};
use crate::query::{Page, Paging};
use crate::Cms;

/// A notification as the centre shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Notification {
    #[serde(rename = "notificationID")]
    pub notification_id: String,
    pub kind: AlertKind,
    #[serde(rename = "cinemaID")]
    pub cinema_id: String,
    /// The seat, for SEAT_ERROR.
    #[serde(rename = "clientID", skip_serializing_if = "Option::is_none", default)]
    pub client_id: Option<String>,
    /// The film, for DELIVERY_FAILED and DELIVERY_STUCK.
    #[serde(rename = "movieID", skip_serializing_if = "Option::is_none", default)]
    pub movie_id: Option<String>,
    /// What happened, in Chinese.
    pub message: String,
    /// Epoch ms.
    pub raised_at: i64,
    /// Epoch ms when the condition ended; `null` while it holds.
    pub cleared_at: Option<i64>,
    /// Whether the caller has read it since it was raised or cleared.
    pub read: bool,
}

/// Which notifications to list, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NotificationQuery {
    pub paging: Paging,
    /// Only those the caller has not read.
    pub unread: bool,
}

/// The columns of [`from_row`]; `?1` is the reader.
const COLUMNS: &str = "n.id, n.kind, n.cinema_id, n.client_id, n.movie_id, n.message, n.raised_at, n.cleared_at,
     EXISTS (SELECT 1 FROM notification_reads r WHERE r.notification_id = n.id AND r.user_id = ?1)";
const UNREAD: &str =
    "NOT EXISTS (SELECT 1 FROM notification_reads r WHERE r.notification_id = n.id AND r.user_id = ?1)";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Notification> {
    from_row_at(r, 0)
}

/// A notification from the nine columns of [`COLUMNS`] starting at column `at`.
pub(crate) fn from_row_at(r: &Row<'_>, at: usize) -> rusqlite::Result<Notification> {
    let kind: String = r.get(at + 1)?;
    Ok(Notification {
        notification_id: r.get(at)?,
        kind: AlertKind::parse("kind", &kind).unwrap_or(AlertKind::SeatError),
        cinema_id: r.get(at + 2)?,
        client_id: r.get(at + 3)?,
        movie_id: r.get(at + 4)?,
        message: r.get(at + 5)?,
        raised_at: r.get(at + 6)?,
        cleared_at: r.get(at + 7)?,
        read: r.get(at + 8)?,
    })
}

/// Who a read mark belongs to: a user, or the machine itself.
fn reader(actor: &Actor) -> Result<String> {
    actor.require(Capability::Operate)?;
    Ok(actor.user().map_or_else(|| "system".to_string(), |p| p.user_id.clone()))
}

/// The WHERE clause of the caller's notifications (the reader is `?1`, then the scope's).
fn filter(actor: &Actor, reader: &str, unread: bool) -> (String, Vec<Value>) {
    let mut clauses = vec!["?1 IS NOT NULL".to_string()];
    let mut params = vec![Value::Text(reader.to_string())];
    if let Some((clause, scope)) = actor.scope_clause("n.cinema_id") {
        clauses.push(clause);
        params.extend(scope);
    }
    if unread {
        clauses.push(UNREAD.to_string());
    }
    (clauses.join(" AND "), params)
}

fn count(tx: &Transaction<'_>, sql: &str, params: &[Value]) -> Result<u64> {
    let n: i64 = tx
        .prepare_cached(&format!("SELECT count(*) FROM notifications n WHERE {sql}"))?
        .query_row(params_from_iter(params), |r| r.get(0))?;
    Ok(n as u64)
}

impl Cms {
    /// The caller's notifications (those of its cinemas), newest first.
    pub fn notifications(&self, actor: &Actor, q: &NotificationQuery) -> Result<Page<Notification>> {
        let reader = reader(actor)?;
        Paging::new(Some(q.paging.start), Some(q.paging.limit))?;
        let (sql, mut params) = filter(actor, &reader, q.unread);
        self.db.read(|tx| {
            let total_count = count(tx, &sql, &params)?;
            params.push(Value::Integer(q.paging.limit.into()));
            params.push(Value::Integer(q.paging.start.into()));
            let item_list = tx
                .prepare_cached(&format!(
                    "SELECT {COLUMNS} FROM notifications n WHERE {sql} ORDER BY n.raised_at DESC, n.id DESC LIMIT ? OFFSET ?"
                ))?
                .query_map(params_from_iter(&params), from_row)?
                .collect::<rusqlite::Result<_>>()?;
            Ok(Page { total_count, item_list })
        })
    }

    /// How many of the caller's notifications it has not read.
    pub fn unread_notifications(&self, actor: &Actor) -> Result<u64> {
        let reader = reader(actor)?;
        let (sql, params) = filter(actor, &reader, true);
        self.db.read(|tx| count(tx, &sql, &params))
    }

    /// Marks one notification read for the caller (another cinema's: not found). A read mark
    /// is the reader's own, not a change to the chain: it is not audited.
    pub fn mark_notification_read(&self, actor: &Actor, notification_id: &str) -> Result<()> {
        let reader = reader(actor)?;
        self.db.write(|tx| {
            let cinema: String = tx
                .prepare_cached("SELECT cinema_id FROM notifications WHERE id = ?")?
                .query_row([notification_id], |r| r.get(0))
                .map_err(|_| Error::not_found(Entity::Notification, notification_id))?;
            actor.require_cinema(tx, &cinema, Access::Read(Entity::Notification, notification_id))?;
            tx.prepare_cached("INSERT OR IGNORE INTO notification_reads(notification_id, user_id) VALUES (?, ?)")?
                .execute([notification_id, &reader])?;
            Ok(())
        })
    }

    /// Marks every notification the caller sees read; answers how many were unread.
    pub fn mark_all_notifications_read(&self, actor: &Actor) -> Result<u64> {
        let reader = reader(actor)?;
        let (sql, params) = filter(actor, &reader, true);
        self.db.write(|tx| {
            let n = tx
                .prepare_cached(&format!(
                    "INSERT OR IGNORE INTO notification_reads(notification_id, user_id) SELECT n.id, ?1 FROM notifications n WHERE {sql}"
                ))?
                .execute(params_from_iter(&params))?;
            Ok(n as u64)
        })
    }
}
