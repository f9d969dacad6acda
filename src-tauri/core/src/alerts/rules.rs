//! The alert rules: five kinds, each on or off, three with a threshold (COMS offline minutes, a stuck delivery's hours, free disk GiB), read and changed as one record.

use rusqlite::{params, Transaction};
use serde::{Deserialize, Serialize};

use super::AlertKind;
use crate::actor::{Actor, Capability};
use crate::audit::{self, Action, Change};
use crate::error::{Entity, Error, Result};
use crate::Cms;

/// The rules as they are (defaults: every rule on; 5 minutes, 6 hours, 10 GiB).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AlertRules {
    pub coms_offline_enabled: bool,
    /// A COMS not heard from for this many minutes is offline.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1440))]
    pub coms_offline_minutes: u32,
    pub seat_error_enabled: bool,
    pub delivery_failed_enabled: bool,
    pub delivery_stuck_enabled: bool,
    /// A delivery in DOWNLOADING without progress for this many hours is stuck.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 720))]
    pub delivery_stuck_hours: u32,
    pub disk_low_enabled: bool,
    /// A site whose free disk is below this many GiB (2^30 bytes) is low on disk.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1048576))]
    pub disk_low_free_gib: u32,
}

/// Rules to change; an absent field keeps its value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AlertRulesChange {
    pub coms_offline_enabled: Option<bool>,
    pub coms_offline_minutes: Option<u32>,
    pub seat_error_enabled: Option<bool>,
    pub delivery_failed_enabled: Option<bool>,
    pub delivery_stuck_enabled: Option<bool>,
    pub delivery_stuck_hours: Option<u32>,
    pub disk_low_enabled: Option<bool>,
    pub disk_low_free_gib: Option<u32>,
}

const MINUTE_MS: i64 = 60_000;
const HOUR_MS: i64 = 60 * MINUTE_MS;
const GIB: i64 = 1 << 30;

impl AlertRules {
    /// How long a COMS may stay silent (ms) before it is offline, if the rule is on.
    pub(crate) fn offline_after_ms(&self) -> Option<i64> {
        self.coms_offline_enabled.then(|| i64::from(self.coms_offline_minutes) * MINUTE_MS)
    }

    /// How long a download may make no progress (ms) before it is stuck, if the rule is on.
    pub(crate) fn stuck_after_ms(&self) -> Option<i64> {
        self.delivery_stuck_enabled.then(|| i64::from(self.delivery_stuck_hours) * HOUR_MS)
    }

    /// The free bytes below which a site is low on disk.
    pub(crate) fn disk_low_bytes(&self) -> i64 {
        i64::from(self.disk_low_free_gib) * GIB
    }

    fn apply(mut self, c: &AlertRulesChange) -> Result<AlertRules> {
        let within = |field: &str, v: Option<u32>, max: u32, kept: u32| match v {
            Some(n) if !(1..=max).contains(&n) => Err(Error::invalid(field, format!("must be between 1 and {max}"))),
            Some(n) => Ok(n),
            None => Ok(kept),
        };
        self.coms_offline_minutes =
            within("comsOfflineMinutes", c.coms_offline_minutes, 1440, self.coms_offline_minutes)?;
        self.delivery_stuck_hours =
            within("deliveryStuckHours", c.delivery_stuck_hours, 720, self.delivery_stuck_hours)?;
        self.disk_low_free_gib = within("diskLowFreeGib", c.disk_low_free_gib, 1 << 20, self.disk_low_free_gib)?;
        let flag = |v: Option<bool>, kept: bool| v.unwrap_or(kept);
        self.coms_offline_enabled = flag(c.coms_offline_enabled, self.coms_offline_enabled);
        self.seat_error_enabled = flag(c.seat_error_enabled, self.seat_error_enabled);
        self.delivery_failed_enabled = flag(c.delivery_failed_enabled, self.delivery_failed_enabled);
        self.delivery_stuck_enabled = flag(c.delivery_stuck_enabled, self.delivery_stuck_enabled);
        self.disk_low_enabled = flag(c.disk_low_enabled, self.disk_low_enabled);
        Ok(self)
    }

    /// Each kind's row: enabled, threshold.
    fn rows(&self) -> [(AlertKind, bool, Option<u32>); 5] {
        [
            (AlertKind::ComsOffline, self.coms_offline_enabled, Some(self.coms_offline_minutes)),
            (AlertKind::SeatError, self.seat_error_enabled, None),
            (AlertKind::DeliveryFailed, self.delivery_failed_enabled, None),
            (AlertKind::DeliveryStuck, self.delivery_stuck_enabled, Some(self.delivery_stuck_hours)),
            (AlertKind::DiskLow, self.disk_low_enabled, Some(self.disk_low_free_gib)),
        ]
    }
}

/// The rules stored in `tx` (a migration seeds every row).
pub(crate) fn load(tx: &Transaction<'_>) -> Result<AlertRules> {
    let mut r = AlertRules {
        coms_offline_enabled: true,
        coms_offline_minutes: 5,
        seat_error_enabled: true,
        delivery_failed_enabled: true,
        delivery_stuck_enabled: true,
        delivery_stuck_hours: 6,
        disk_low_enabled: true,
        disk_low_free_gib: 10,
    };
    let mut stmt = tx.prepare_cached("SELECT kind, enabled, threshold FROM alert_rules")?;
    let rows = stmt.query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, bool>(1)?, row.get(2)?)))?;
    for row in rows {
        let (kind, on, threshold): (String, bool, Option<u32>) = row?;
        match AlertKind::parse("kind", &kind)? {
            AlertKind::ComsOffline => (r.coms_offline_enabled, r.coms_offline_minutes) = (on, threshold.unwrap_or(5)),
            AlertKind::SeatError => r.seat_error_enabled = on,
            AlertKind::DeliveryFailed => r.delivery_failed_enabled = on,
            AlertKind::DeliveryStuck => {
                (r.delivery_stuck_enabled, r.delivery_stuck_hours) = (on, threshold.unwrap_or(6))
            }
            AlertKind::DiskLow => (r.disk_low_enabled, r.disk_low_free_gib) = (on, threshold.unwrap_or(10)),
        }
    }
    Ok(r)
}

/// Refuses a caller who may not change what the whole chain is told: rules and webhooks are
/// the chain's, so a MANAGER of some cinemas only reads the rules (and sees no webhook, whose
/// URL carries a robot's key).
pub(crate) fn require_chain_wide(actor: &Actor) -> Result<()> {
    actor.require(Capability::Operate)?;
    match actor.user() {
        Some(p) if !p.sees_all_cinemas() => {
            Err(Error::Denied("alert rules and webhooks are the whole chain's: ask a manager of all cinemas".into()))
        }
        _ => Ok(()),
    }
}

impl Cms {
    pub fn alert_rules(&self, actor: &Actor) -> Result<AlertRules> {
        actor.require(Capability::Operate)?;
        self.db.read(load)
    }

    /// Changes the rules given, all or none, as one audited change. A new free-disk threshold
    /// is applied at once to every site's last reported figures; the runner is woken (a
    /// shorter window may bring its deadline nearer).
    pub fn update_alert_rules(&self, actor: &Actor, change: AlertRulesChange) -> Result<AlertRules> {
        require_chain_wide(actor)?;
        let now = self.clock.now_ms();
        self.db.write(|tx| {
            let before = load(tx)?;
            let after = before.apply(&change)?;
            let mut stmt = tx.prepare_cached("UPDATE alert_rules SET enabled = ?, threshold = ? WHERE kind = ?")?;
            for (kind, on, threshold) in after.rows() {
                stmt.execute(params![on, threshold, kind.as_str()])?;
            }
            if (before.disk_low_enabled, before.disk_low_free_gib) != (after.disk_low_enabled, after.disk_low_free_gib)
            {
                super::evaluate::disk_everywhere(tx, &after, now)?;
            }
            let entry = Change::new(Action::Update, Entity::AlertRules, "alert_rules").before(&before).after(&after);
            audit::record(tx, actor, entry)?;
            Ok(after)
        })
    }
}
