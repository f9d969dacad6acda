//! Webhooks (add, list, remove; the whole chain's) and their outbox: the calls due now in order per webhook, and each call's outcome with back-off (1 s, 2 s, 4 s … capped at 10 minutes) kept in the database, so retries survive restarts.

use rusqlite::{params, OptionalExtension, Row, Transaction};
use serde::{Deserialize, Serialize};

use super::notifications::{self, Notification};
use super::rules::require_chain_wide;
use super::AlertState;
use crate::actor::Actor;
use crate::audit::{self, Action, Change};
use crate::error::{Entity, Error, Result};
use crate::ids::new_id;
use crate::Cms;

/// The longest webhook URL taken.
pub const MAX_WEBHOOK_URL: usize = 2000;
/// The longest wait between two attempts of a call.
const MAX_BACKOFF_MS: i64 = 10 * 60 * 1000;
/// The most calls one round hands out.
const ROUND: i64 = 64;

/// How a webhook's body is shaped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum WebhookFormat {
    /// Cinedesk's own JSON (see `docs/alerts.md`).
    Json,
    /// A WeCom (企业微信) group robot: a text message.
    Wecom,
    /// A DingTalk (钉钉) group robot: a text message.
    Dingtalk,
}

impl WebhookFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            WebhookFormat::Json => "JSON",
            WebhookFormat::Wecom => "WECOM",
            WebhookFormat::Dingtalk => "DINGTALK",
        }
    }

    pub fn parse(field: &str, s: &str) -> Result<WebhookFormat> {
        [WebhookFormat::Json, WebhookFormat::Wecom, WebhookFormat::Dingtalk]
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| Error::invalid(field, "must be JSON, WECOM or DINGTALK"))
    }
}

/// A webhook as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Webhook {
    #[serde(rename = "webhookID")]
    pub webhook_id: String,
    pub url: String,
    pub format: WebhookFormat,
    pub created_at: i64,
    /// Calls not yet delivered.
    pub pending_calls: u64,
    /// Why the oldest undelivered call last failed; `null` when none is failing.
    pub last_error: Option<String>,
}

/// One call to make: the webhook, and the raise or clear it tells of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookCall {
    pub call_id: i64,
    pub url: String,
    pub format: WebhookFormat,
    pub state: AlertState,
    /// Attempts made before this one.
    pub attempts: u32,
    /// As raised (`cleared_at` is `None` in a RAISED call even if it cleared since).
    pub notification: Notification,
}

/// The wait after the `attempts`-th failed attempt: 1 s, 2 s, 4 s … at most [`MAX_BACKOFF_MS`].
pub fn backoff_ms(attempts: u32) -> i64 {
    1000i64.saturating_mul(1 << attempts.saturating_sub(1).min(20)).min(MAX_BACKOFF_MS)
}

fn checked_url(url: &str) -> Result<String> {
    let url = url.trim();
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    let host = rest.map(|r| r.split(['/', '?', '#']).next().unwrap_or(""));
    if host.is_none_or(str::is_empty) {
        return Err(Error::invalid("url", "must be an http:// or https:// URL with a host"));
    }
    if url.len() > MAX_WEBHOOK_URL || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::invalid("url", format!("must be at most {MAX_WEBHOOK_URL} characters, without spaces")));
    }
    Ok(url.to_string())
}

/// The URL without its query, for the audit log: a robot's URL carries its key there.
fn redacted(url: &str) -> String {
    match url.split_once('?') {
        Some((base, _)) => format!("{base}?…"),
        None => url.to_string(),
    }
}

const COLUMNS: &str = "w.id, w.url, w.format, w.created_at,
     (SELECT count(*) FROM webhook_outbox o WHERE o.webhook_id = w.id AND o.sent_at IS NULL),
     (SELECT o.last_error FROM webhook_outbox o WHERE o.webhook_id = w.id AND o.sent_at IS NULL ORDER BY o.id LIMIT 1)";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Webhook> {
    let format: String = r.get(2)?;
    Ok(Webhook {
        webhook_id: r.get(0)?,
        url: r.get(1)?,
        format: WebhookFormat::parse("format", &format).unwrap_or(WebhookFormat::Json),
        created_at: r.get(3)?,
        pending_calls: r.get::<_, i64>(4)? as u64,
        last_error: r.get(5)?,
    })
}

fn get(tx: &Transaction<'_>, id: &str) -> Result<Webhook> {
    tx.prepare_cached(&format!("SELECT {COLUMNS} FROM webhooks w WHERE w.id = ?"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| Error::not_found(Entity::Webhook, id))
}

/// What the audit log keeps of a webhook.
fn audited(w: &Webhook) -> serde_json::Value {
    serde_json::json!({"webhookID": w.webhook_id, "url": redacted(&w.url), "format": w.format})
}

/// The oldest unsent call of each webhook: calls of one webhook go out in order.
const HEADS: &str = "o.sent_at IS NULL AND NOT EXISTS (SELECT 1 FROM webhook_outbox e
     WHERE e.webhook_id = o.webhook_id AND e.sent_at IS NULL AND e.id < o.id)";

/// When the next call falls due, if any is waiting.
pub(crate) fn next_due(tx: &Transaction<'_>) -> Result<Option<i64>> {
    Ok(tx
        .prepare_cached(&format!("SELECT min(o.next_at) FROM webhook_outbox o WHERE {HEADS}"))?
        .query_row([], |r| r.get(0))?)
}

impl Cms {
    /// Adds a webhook (`url` http or https) told of every raise and clear from now on.
    pub fn create_webhook(&self, actor: &Actor, url: &str, format: WebhookFormat) -> Result<String> {
        require_chain_wide(actor)?;
        let url = checked_url(url)?;
        let id = new_id();
        let now = self.clock.now_ms();
        self.db.write(|tx| {
            tx.prepare_cached("INSERT INTO webhooks(id, url, format, created_by, created_at) VALUES (?, ?, ?, ?, ?)")?
                .execute(params![id, url, format.as_str(), actor.owner(), now])?;
            let after = audited(&get(tx, &id)?);
            audit::record(tx, actor, Change::new(Action::Create, Entity::Webhook, &id).after(&after))
        })?;
        Ok(id)
    }

    /// The chain's webhooks, oldest first.
    pub fn webhooks(&self, actor: &Actor) -> Result<Vec<Webhook>> {
        require_chain_wide(actor)?;
        self.db.read(|tx| {
            let items = tx
                .prepare_cached(&format!("SELECT {COLUMNS} FROM webhooks w ORDER BY w.created_at, w.id"))?
                .query_map([], from_row)?
                .collect::<rusqlite::Result<_>>()?;
            Ok(items)
        })
    }

    /// Removes a webhook and the calls it still owed.
    pub fn delete_webhook(&self, actor: &Actor, webhook_id: &str) -> Result<()> {
        require_chain_wide(actor)?;
        self.db.write(|tx| {
            let before = audited(&get(tx, webhook_id)?);
            tx.prepare_cached("DELETE FROM webhooks WHERE id = ?")?.execute([webhook_id])?;
            audit::record(tx, actor, Change::new(Action::Delete, Entity::Webhook, webhook_id).before(&before))
        })
    }

    /// A webhook to send a test message to (the caller must be one who may manage it).
    pub fn webhook(&self, actor: &Actor, webhook_id: &str) -> Result<Webhook> {
        require_chain_wide(actor)?;
        self.db.read(|tx| get(tx, webhook_id))
    }

    /// The calls due now (the oldest of each webhook), at most a round's worth.
    pub fn due_webhook_calls(&self) -> Result<Vec<WebhookCall>> {
        let now = self.clock.now_ms();
        self.db.read(|tx| {
            let mut stmt = tx.prepare_cached(&format!(
                "SELECT o.id, w.url, w.format, o.state, o.attempts,
                        n.id, n.kind, n.cinema_id, n.client_id, n.movie_id, n.message, n.raised_at, n.cleared_at, 0
                 FROM webhook_outbox o JOIN webhooks w ON w.id = o.webhook_id JOIN notifications n ON n.id = o.notification_id
                 WHERE {HEADS} AND o.next_at <= ? ORDER BY o.next_at, o.id LIMIT ?"
            ))?;
            let rows = stmt.query_map(params![now, ROUND], |r| {
                let format: String = r.get(2)?;
                let state: String = r.get(3)?;
                let state = if state == "CLEARED" { AlertState::Cleared } else { AlertState::Raised };
                let mut notification = notifications::from_row_at(r, 5)?;
                if state == AlertState::Raised {
                    notification.cleared_at = None;
                }
                Ok(WebhookCall {
                    call_id: r.get(0)?,
                    url: r.get(1)?,
                    format: WebhookFormat::parse("format", &format).unwrap_or(WebhookFormat::Json),
                    state,
                    attempts: r.get(4)?,
                    notification,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// A call was delivered (the receiver answered 2xx).
    pub fn webhook_call_sent(&self, call_id: i64) -> Result<()> {
        let now = self.clock.now_ms();
        self.db.write(|tx| {
            tx.prepare_cached(
                "UPDATE webhook_outbox SET sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?",
            )?
            .execute(params![now, call_id])?;
            Ok(())
        })
    }

    /// A call failed (`error` says how): tried again after the back-off of its attempts.
    pub fn webhook_call_failed(&self, call_id: i64, error: &str) -> Result<()> {
        let now = self.clock.now_ms();
        let error: String = error.chars().take(500).collect();
        self.db.write(|tx| {
            let attempts: Option<u32> = tx
                .prepare_cached(
                    "UPDATE webhook_outbox SET attempts = attempts + 1, last_error = ? WHERE id = ? RETURNING attempts",
                )?
                .query_row(params![error, call_id], |r| r.get(0))
                .optional()?;
            if let Some(n) = attempts {
                tx.prepare_cached("UPDATE webhook_outbox SET next_at = ? WHERE id = ?")?
                    .execute(params![now + backoff_ms(n), call_id])?;
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_backoff_doubles_from_a_second_up_to_ten_minutes() {
        let waits: Vec<i64> = (1..=12).map(backoff_ms).collect();
        assert_eq!(&waits[..4], &[1000, 2000, 4000, 8000]);
        assert_eq!(waits[10], MAX_BACKOFF_MS, "capped");
        assert_eq!(backoff_ms(u32::MAX), MAX_BACKOFF_MS);
    }

    #[test]
    fn only_http_and_https_urls_with_a_host_are_taken() {
        assert!(checked_url("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k").is_ok());
        assert!(checked_url("http://127.0.0.1:9/x").is_ok());
        for bad in ["ftp://x/y", "https://", "http:///path", "javascript:alert(1)", "https://a b/"] {
            assert!(checked_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_audit_log_keeps_a_robots_url_without_its_key() {
        assert_eq!(
            redacted("https://oapi.dingtalk.com/robot/send?access_token=s"),
            "https://oapi.dingtalk.com/robot/send?…"
        );
    }
}
