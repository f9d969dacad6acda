//! The audit log: who changed what, when, from where, and the record before and after, written by
//! [`record`] in the change's own transaction (a change that rolls back leaves no entry).
//!
//! One entry per record a change touches: a batch of three seats writes three, a film sent to two
//! cinemas two, so filters by record and by cinema find each. Before and after are the record as
//! the API shows it; secrets (password hashes, API secrets, tokens, storage keys) never appear.
//! Entries older than the retention setting (default two years) are pruned as the log grows.

use rusqlite::types::Value;
use rusqlite::{params, OptionalExtension, Row, Transaction};
use serde::{Deserialize, Serialize};

use crate::actor::{Actor, Capability, Origin, Principal};
use crate::error::{Entity, Error, Result};
use crate::ids::now_ms;
use crate::query::{self, Page, Paging, Where};
use crate::Cms;

/// What a change did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Create,
    Update,
    Delete,
    /// A film given to a cinema.
    Distribute,
    /// A film taken back from a cinema.
    Withdraw,
    Login,
    LoginFailed,
    Logout,
    PasswordChange,
    /// An API key issued.
    Issue,
    /// An API key revoked.
    Revoke,
    /// The data restored from a backup.
    Restore,
}

impl Action {
    pub const ALL: [Action; 12] = [
        Action::Create,
        Action::Update,
        Action::Delete,
        Action::Distribute,
        Action::Withdraw,
        Action::Login,
        Action::LoginFailed,
        Action::Logout,
        Action::PasswordChange,
        Action::Issue,
        Action::Revoke,
        Action::Restore,
    ];

    /// The stable machine name (`login_failed` …).
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Delete => "delete",
            Action::Distribute => "distribute",
            Action::Withdraw => "withdraw",
            Action::Login => "login",
            Action::LoginFailed => "login_failed",
            Action::Logout => "logout",
            Action::PasswordChange => "password_change",
            Action::Issue => "issue",
            Action::Revoke => "revoke",
            Action::Restore => "restore",
        }
    }

    pub fn parse(field: &str, s: &str) -> Result<Action> {
        Action::ALL.into_iter().find(|a| a.as_str() == s).ok_or_else(|| {
            let names: Vec<&str> = Action::ALL.iter().map(|a| a.as_str()).collect();
            Error::invalid(field, format!("must be one of {}", names.join(", ")))
        })
    }
}

/// One change to record.
#[derive(Debug, Clone)]
pub struct Change {
    pub action: Action,
    pub entity: Entity,
    pub entity_id: String,
    /// The cinema the record belongs to, if any: a MANAGER sees the entries of its cinemas.
    pub cinema_id: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

impl Change {
    pub fn new(action: Action, entity: Entity, entity_id: impl Into<String>) -> Change {
        Change { action, entity, entity_id: entity_id.into(), cinema_id: None, before: None, after: None }
    }

    pub fn cinema(mut self, cinema_id: impl Into<String>) -> Change {
        self.cinema_id = Some(cinema_id.into());
        self
    }

    /// The record before the change, as the API shows it.
    pub fn before(mut self, record: &impl Serialize) -> Change {
        self.before = Some(json(record));
        self
    }

    /// The record after the change, as the API shows it.
    pub fn after(mut self, record: &impl Serialize) -> Change {
        self.after = Some(json(record));
        self
    }
}

/// A record as JSON. The core's records always serialize; should one ever fail, the entry says
/// so rather than the change failing for its log.
fn json(record: &impl Serialize) -> serde_json::Value {
    serde_json::to_value(record).unwrap_or_else(|e| serde_json::json!({ "unrecorded": e.to_string() }))
}

/// The settings key of how many days entries are kept.
const RETENTION_KEY: &str = "audit.retention_days";
pub const DEFAULT_RETENTION_DAYS: u32 = 730;
/// Retention is enforced every this many entries: often enough that the log never outgrows it
/// by much, rarely enough that a write almost never pays for it.
const PRUNE_EVERY: i64 = 256;
/// The most entries one prune removes, so that shortening the retention of a long log does not
/// stall one write; the next prunes take the rest.
const PRUNE_BATCH: i64 = 10_000;
const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// Who made a change, kept apart from the [`Actor`] for changes that finish later than the call
/// that began them (the last byte of an upload stores its file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Author {
    user_id: Option<String>,
    apikey: Option<String>,
    origin: Origin,
}

impl Author {
    pub(crate) fn of(actor: &Actor) -> Author {
        let (user_id, apikey) = match actor {
            Actor::User(p) => (Some(p.user_id.clone()), None),
            Actor::Cinema { apikey, .. } => (None, Some(apikey.clone())),
            Actor::System => (None, None),
        };
        Author { user_id, apikey, origin: actor.origin() }
    }

    /// The owner of stored things (`user:<id>`, `cinema:<id>`) calling from `origin`, when only
    /// that is known (a direct upload's policy names its owner, not a session).
    pub(crate) fn of_owner(owner: &str, origin: Origin) -> Author {
        let user_id = owner.strip_prefix("user:").map(str::to_string);
        Author { user_id, apikey: None, origin }
    }

    pub(crate) fn record(&self, tx: &Transaction<'_>, change: Change) -> Result<()> {
        record_from(tx, &self.origin, self.user_id.as_deref(), self.apikey.as_deref(), change)
    }
}

/// Writes `change` as made by `actor`, now, in `tx`.
pub(crate) fn record(tx: &Transaction<'_>, actor: &Actor, change: Change) -> Result<()> {
    Author::of(actor).record(tx, change)
}

/// Writes `change` as made from `origin` by `user_id` or `apikey` (both None: nobody known,
/// as in a failed login).
pub(crate) fn record_from(
    tx: &Transaction<'_>,
    origin: &Origin,
    user_id: Option<&str>,
    apikey: Option<&str>,
    change: Change,
) -> Result<()> {
    let text = |v: &Option<serde_json::Value>| v.as_ref().map(serde_json::Value::to_string);
    tx.prepare_cached(
        "INSERT INTO audit(at, user_id, apikey, address, via, action, entity, entity_id, cinema_id, before, after)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )?
    .execute(params![
        now_ms(),
        user_id,
        apikey,
        &origin.address,
        origin.via.as_str(),
        change.action.as_str(),
        change.entity.wire(),
        change.entity_id,
        change.cinema_id,
        text(&change.before),
        text(&change.after),
    ])?;
    if tx.last_insert_rowid() % PRUNE_EVERY == 0 {
        prune(tx)?;
    }
    Ok(())
}

fn retention_days(tx: &Transaction<'_>) -> Result<u32> {
    let v: Option<String> = tx
        .prepare_cached("SELECT value FROM settings WHERE key = ?")?
        .query_row([RETENTION_KEY], |r| r.get(0))
        .optional()?;
    Ok(v.and_then(|v| v.parse().ok()).unwrap_or(DEFAULT_RETENTION_DAYS))
}

/// Removes (a batch of) the entries older than the retention.
fn prune(tx: &Transaction<'_>) -> Result<()> {
    let cutoff = now_ms() - i64::from(retention_days(tx)?) * DAY_MS;
    tx.prepare_cached("DELETE FROM audit WHERE id IN (SELECT id FROM audit WHERE at < ? ORDER BY at LIMIT ?)")?
        .execute(params![cutoff, PRUNE_BATCH])?;
    Ok(())
}

/// The retention setting's bounds: a day at least, a century at most.
pub const RETENTION_DAYS: std::ops::RangeInclusive<u32> = 1..=36_500;

/// Sets how many days entries are kept and prunes at once what is now older.
pub(crate) fn set_retention(tx: &Transaction<'_>, days: u32) -> Result<()> {
    if !RETENTION_DAYS.contains(&days) {
        return Err(Error::invalid(
            "auditRetentionDays",
            format!("must be between {} and {}", RETENTION_DAYS.start(), RETENTION_DAYS.end()),
        ));
    }
    tx.prepare_cached("INSERT INTO settings(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = ?2")?
        .execute(params![RETENTION_KEY, days.to_string()])?;
    prune(tx)
}

pub(crate) fn retention(tx: &Transaction<'_>) -> Result<u32> {
    retention_days(tx)
}

/// An entry as `GET /cms/audit` shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    #[serde(rename = "auditID")]
    pub audit_id: i64,
    /// Epoch ms.
    pub at: i64,
    /// The user who made the change, if a user did.
    #[serde(rename = "userID")]
    pub user_id: Option<String>,
    /// That user's name as it is now (null for no user, or one deleted since): a MANAGER may
    /// not list users, yet reads who changed its cinemas.
    #[serde(rename = "userName")]
    pub user_name: Option<String>,
    /// The API key that signed the change, if a cinema's client made it.
    pub apikey: Option<String>,
    /// The caller's address (`local` on this machine without a network).
    pub address: String,
    /// DESKTOP, WEB, API or CLI.
    pub via: String,
    pub action: String,
    pub entity: String,
    #[serde(rename = "entityID")]
    pub entity_id: String,
    #[serde(rename = "cinemaID")]
    pub cinema_id: Option<String>,
    /// The record before the change (null for a create).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub before: Option<serde_json::Value>,
    /// The record after the change (null for a delete).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub after: Option<serde_json::Value>,
}

/// Filters of `GET /cms/audit`; every one optional.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub user_id: Option<String>,
    pub cinema_id: Option<String>,
    pub entity: Option<String>,
    pub action: Option<String>,
    /// Epoch ms, inclusive.
    pub from: Option<i64>,
    /// Epoch ms, exclusive.
    pub to: Option<i64>,
    pub paging: Paging,
}

const COLUMNS: &str = "id, at, user_id, apikey, address, via, action, entity, entity_id, cinema_id, before, after, \
     (SELECT u.name FROM users u WHERE u.id = audit.user_id)";

fn from_row(r: &Row<'_>) -> rusqlite::Result<AuditEntry> {
    let value = |i: usize| -> rusqlite::Result<Option<serde_json::Value>> {
        Ok(r.get::<_, Option<String>>(i)?.and_then(|s| serde_json::from_str(&s).ok()))
    };
    Ok(AuditEntry {
        audit_id: r.get(0)?,
        at: r.get(1)?,
        user_id: r.get(2)?,
        apikey: r.get(3)?,
        address: r.get(4)?,
        via: r.get(5)?,
        action: r.get(6)?,
        entity: r.get(7)?,
        entity_id: r.get(8)?,
        cinema_id: r.get(9)?,
        before: value(10)?,
        after: value(11)?,
        user_name: r.get(12)?,
    })
}

/// The filters of `q`, and what `actor` may see: a SYS_ADMIN everything, a MANAGER what touches
/// its cinemas and what it did itself.
fn filter(actor: &Actor, q: &AuditQuery) -> Result<Where> {
    let mut w = Where::default();
    if let Some(e) = q.entity.as_deref().filter(|e| !e.is_empty()) {
        if !Entity::ALL.iter().any(|x| x.wire() == e) {
            let names: Vec<&str> = Entity::ALL.iter().map(|x| x.wire()).collect();
            return Err(Error::invalid("entity", format!("must be one of {}", names.join(", "))));
        }
    }
    if let Some(a) = q.action.as_deref().filter(|a| !a.is_empty()) {
        Action::parse("action", a)?;
    }
    w.eq("user_id", q.user_id.as_deref())
        .eq("cinema_id", q.cinema_id.as_deref())
        .eq("entity", q.entity.as_deref())
        .eq("action", q.action.as_deref());
    if let Some(from) = q.from {
        w.raw("at >= ?", vec![Value::Integer(from)]);
    }
    if let Some(to) = q.to {
        w.raw("at < ?", vec![Value::Integer(to)]);
    }
    if let Actor::User(p @ Principal { .. }) = actor {
        if !actor.allows(Capability::Oversee) {
            let me = Value::Text(p.user_id.clone());
            match actor.scope_clause("cinema_id") {
                None => w.raw("(cinema_id IS NOT NULL OR user_id = ?)", vec![me]),
                Some((clause, mut params)) => {
                    params.push(me);
                    w.raw(&format!("({clause} OR user_id = ?)"), params)
                }
            };
        }
    }
    Ok(w)
}

impl Cms {
    /// A page of the audit log, newest first.
    pub fn audit_log(&self, actor: &Actor, q: &AuditQuery) -> Result<Page<AuditEntry>> {
        actor.require(Capability::Operate)?;
        let w = filter(actor, q)?;
        self.db.read(|tx| query::page(tx, COLUMNS, "audit", &w, "id DESC", q.paging, from_row))
    }

    /// Up to `limit` entries `q` selects (its paging aside) older than entry `before` (from the
    /// newest when None), newest first: an export walks the log in short reads this way, never
    /// holding one read open for as long as a client takes to download.
    pub fn audit_log_before(
        &self,
        actor: &Actor,
        q: &AuditQuery,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<AuditEntry>> {
        actor.require(Capability::Operate)?;
        let mut w = filter(actor, q)?;
        if let Some(id) = before {
            w.raw("id < ?", vec![Value::Integer(id)]);
        }
        let mut params = w.params.clone();
        params.push(Value::Integer(i64::from(limit.clamp(1, query::MAX_LIMIT))));
        self.db.read(|tx| {
            let mut stmt =
                tx.prepare_cached(&format!("SELECT {COLUMNS} FROM audit{} ORDER BY id DESC LIMIT ?", w.sql()))?;
            let rows = stmt.query_map(rusqlite::params_from_iter(params.iter()), from_row)?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }
}
