//! The installation's settings that live with its data (`GET/PUT /cms/settings`): the seat QR
//! template, the seats' offline window, how long the audit log keeps its entries and the free
//! disk space under which the dashboard warns.

use rusqlite::{params, Transaction};
use serde::{Deserialize, Serialize};

use crate::actor::{Actor, Capability};
use crate::audit::{self, Action, Change};
use crate::error::{Entity, Error, Result};
use crate::liveness::OFFLINE_KEY;
use crate::{qr, space, Cms};

/// The shortest and longest offline window a chain may set, in seconds: a COMS reports every 30 s
/// or so, and a day is as long as "offline" can usefully wait.
pub const MIN_SEAT_OFFLINE_SECONDS: u32 = 60;
pub const MAX_SEAT_OFFLINE_SECONDS: u32 = 86_400;

/// The settings as they are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    /// The URL template of seat QR codes: `{sceneNumber}` and `{qrToken}` become the seat's.
    pub qr_url_template: String,
    /// A seat its COMS has not reported for this long shows as offline (180 by default).
    #[cfg_attr(feature = "openapi", schema(minimum = 60, maximum = 86400))]
    pub seat_offline_seconds: u32,
    /// How many days the audit log keeps an entry.
    pub audit_retention_days: u32,
    /// The dashboard warns when the data dir's disk has less free space than this (GiB; 0: never).
    #[cfg_attr(feature = "openapi", schema(maximum = 1000000))]
    pub storage_warn_free_gib: u32,
}

/// Settings to change; an absent one keeps its value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SettingsChange {
    pub qr_url_template: Option<String>,
    pub seat_offline_seconds: Option<u32>,
    pub audit_retention_days: Option<u32>,
    pub storage_warn_free_gib: Option<u32>,
}

/// The stored settings, the offline window being `offline_ms` (the one in force, kept in memory).
fn load(tx: &Transaction<'_>, offline_ms: i64) -> Result<Settings> {
    Ok(Settings {
        qr_url_template: qr::template_in(tx)?,
        seat_offline_seconds: (offline_ms / 1000) as u32,
        audit_retention_days: audit::retention(tx)?,
        storage_warn_free_gib: space::warn_free_gib(tx)?,
    })
}

impl Cms {
    pub fn settings(&self, actor: &Actor) -> Result<Settings> {
        actor.require(Capability::Operate)?;
        let offline_ms = self.liveness.offline_after_ms();
        self.db.read(|tx| load(tx, offline_ms))
    }

    /// Changes the settings given, all or none, as one audited change (`PUT /cms/settings`).
    pub fn update_settings(&self, actor: &Actor, change: SettingsChange) -> Result<()> {
        actor.require(Capability::ManageEnums)?;
        let template = change.qr_url_template.as_deref().map(qr::checked_template).transpose()?;
        if let Some(s) = change.seat_offline_seconds {
            if !(MIN_SEAT_OFFLINE_SECONDS..=MAX_SEAT_OFFLINE_SECONDS).contains(&s) {
                return Err(Error::invalid(
                    "seatOfflineSeconds",
                    format!("must be between {MIN_SEAT_OFFLINE_SECONDS} and {MAX_SEAT_OFFLINE_SECONDS}"),
                ));
            }
        }
        let offline_now = self.liveness.offline_after_ms();
        let offline_ms = change.seat_offline_seconds.map(|s| i64::from(s) * 1000);
        self.db.write(|tx| {
            let before = load(tx, offline_now)?;
            if let Some(t) = &template {
                qr::set_template(tx, t)?;
            }
            if let Some(ms) = offline_ms {
                tx.prepare_cached(
                    "INSERT INTO settings(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = ?2",
                )?
                .execute(params![OFFLINE_KEY, ms.to_string()])?;
            }
            if let Some(days) = change.audit_retention_days {
                audit::set_retention(tx, days)?;
            }
            if let Some(gib) = change.storage_warn_free_gib {
                space::set_warn_free_gib(tx, gib)?;
            }
            let change = Change::new(Action::Update, Entity::Settings, "installation").before(&before);
            audit::record(tx, actor, change.after(&load(tx, offline_ms.unwrap_or(offline_now))?))
        })?;
        if let Some(ms) = offline_ms {
            self.liveness.set_offline_after_ms(ms);
        }
        Ok(())
    }
}
