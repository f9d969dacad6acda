//! Alerts: rules a manager tunes, notifications raised and cleared by the sites' events and by one timer, and the webhook calls each raise and clear owes, written in the same transaction.
//!
//! - `rules`: the five rules and their thresholds (`GET/PUT /cms/alert_rules`).
//! - `raise`: opening and clearing a notification, with its webhook calls, in the caller's
//!   transaction; "fires once" is the unique index on open notifications.
//! - `evaluate`: what a site's event means for the rules of that cinema only (a seat's status,
//!   a delivery's state, the disk figures, the COMS heard from again).
//! - `timer`: the time-based rules (COMS offline, delivery stuck): the next deadline from an
//!   index, and firing what is due.
//! - `notifications`: the notification centre (list, unread count, mark read), in scope.
//! - `webhooks`: webhooks (add, list, remove) and their outbox (due calls, sent, failed).
//!
//! The design, and why: `docs/alerts.md`.

mod evaluate;
mod notifications;
mod raise;
mod rules;
mod timer;
mod webhooks;

use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

pub(crate) use evaluate::{coms_heard, delivery_moved, disk_reported, seat_moved};
pub use notifications::{Notification, NotificationQuery};
pub use rules::{AlertRules, AlertRulesChange};
pub use webhooks::{backoff_ms, Webhook, WebhookCall, WebhookFormat, MAX_WEBHOOK_URL};

/// What a notification is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AlertKind {
    /// A cinema's COMS not heard from for the rule's minutes.
    ComsOffline,
    /// A seat reported ERROR.
    SeatError,
    /// A site reported a film's delivery FAILED.
    DeliveryFailed,
    /// A film's delivery in DOWNLOADING without progress for the rule's hours.
    DeliveryStuck,
    /// A site's free disk below the rule's GiB.
    DiskLow,
}

impl AlertKind {
    pub const ALL: [AlertKind; 5] = [
        AlertKind::ComsOffline,
        AlertKind::SeatError,
        AlertKind::DeliveryFailed,
        AlertKind::DeliveryStuck,
        AlertKind::DiskLow,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AlertKind::ComsOffline => "COMS_OFFLINE",
            AlertKind::SeatError => "SEAT_ERROR",
            AlertKind::DeliveryFailed => "DELIVERY_FAILED",
            AlertKind::DeliveryStuck => "DELIVERY_STUCK",
            AlertKind::DiskLow => "DISK_LOW",
        }
    }

    pub fn parse(field: &str, s: &str) -> Result<AlertKind> {
        AlertKind::ALL.into_iter().find(|k| k.as_str() == s).ok_or_else(|| {
            Error::invalid(field, "must be COMS_OFFLINE, SEAT_ERROR, DELIVERY_FAILED, DELIVERY_STUCK or DISK_LOW")
        })
    }
}

/// Whether a webhook call tells of a raise or of a clear.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AlertState {
    Raised,
    Cleared,
}

impl AlertState {
    pub fn as_str(self) -> &'static str {
        match self {
            AlertState::Raised => "RAISED",
            AlertState::Cleared => "CLEARED",
        }
    }
}

type Listener = Box<dyn Fn() + Send + Sync>;

/// Who waits for alert work (the server's runner): told after a write committed webhook calls
/// or changed the rules (the database's update hook sees them), so that it wakes at once
/// instead of at its next deadline.
#[derive(Default)]
pub(crate) struct AlertSignal {
    listeners: Mutex<Vec<Listener>>,
}

impl AlertSignal {
    pub(crate) fn tell(&self) {
        for f in self.listeners.lock().unwrap_or_else(|p| p.into_inner()).iter() {
            f();
        }
    }

    pub(crate) fn listen(&self, f: Listener) {
        self.listeners.lock().unwrap_or_else(|p| p.into_inner()).push(f);
    }
}
