//! The installation's settings (`GET/PUT /cms/settings`): the seat QR template and how long the
//! audit log keeps its entries. Settings that belong with the data, not with one desktop.

use rusqlite::Transaction;
use serde::Serialize;

use crate::actor::{Actor, Capability};
use crate::audit::{self, Action, Change};
use crate::error::{Entity, Result};
use crate::{qr, Cms};

/// The settings as they are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    /// The URL template of seat QR codes; `{sceneNumber}` is replaced by the seat's.
    pub qr_url_template: String,
    /// How many days the audit log keeps an entry.
    pub audit_retention_days: u32,
}

/// Settings to change; an absent one keeps its value.
#[derive(Debug, Clone, Default)]
pub struct SettingsPatch {
    pub qr_url_template: Option<String>,
    pub audit_retention_days: Option<u32>,
}

fn load(tx: &Transaction<'_>) -> Result<Settings> {
    Ok(Settings { qr_url_template: qr::template_in(tx)?, audit_retention_days: audit::retention(tx)? })
}

impl Cms {
    pub fn settings(&self, actor: &Actor) -> Result<Settings> {
        actor.require(Capability::Operate)?;
        self.db.read(load)
    }

    /// Changes the settings given, all or none, as one audited change.
    pub fn update_settings(&self, actor: &Actor, patch: SettingsPatch) -> Result<()> {
        actor.require(Capability::ManageEnums)?;
        let template = patch.qr_url_template.as_deref().map(qr::checked_template).transpose()?;
        self.db.write(|tx| {
            let before = load(tx)?;
            if let Some(t) = &template {
                qr::set_template(tx, t)?;
            }
            if let Some(days) = patch.audit_retention_days {
                audit::set_retention(tx, days)?;
            }
            let change = Change::new(Action::Update, Entity::Settings, "installation").before(&before);
            audit::record(tx, actor, change.after(&load(tx)?))
        })
    }
}
