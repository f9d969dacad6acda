//! Backups as use cases of a running CMS (SYS_ADMIN only): back up now, the snapshots of a
//! folder, restoring one into the live data dir, and the automatic daily backups' settings and
//! runs. Each backup and restore is audited.
//!
//! A restore while running (docs/backup.md, "Restoring from the UI"): the snapshot is verified
//! whole first; its missing file content is copied into the store (content never changes once
//! stored, so this harms nothing); then, under the writer lock, SQLite's backup API copies the
//! snapshot's database into the open one in one transaction, which is migrated to this
//! program's schema; every session ends (users log in again against the restored users), the
//! restore is audited in the restored log, and every kept answer is dropped. The backup
//! settings and the record of past backups are the machine's, not the data's: they stay.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::catalog::{self, SnapshotInfo};
use super::restore::{blobs_of, put_blobs, verify, RestoreReport};
use super::schedule::{self, BackupSettings, BackupSettingsChange, FailedBackup, LastBackup, Runs};
use super::{create, BackupReport};
use crate::actor::{Actor, Capability};
use crate::audit::{self, Action, Change};
use crate::error::{Entity, Error, Result};
use crate::{Cms, DB_FILE};

/// The automatic backups' settings and what the backups did lately.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct BackupStatus {
    pub settings: BackupSettings,
    pub last_ok: Option<LastBackup>,
    /// The last failure, until a later backup succeeds.
    pub last_failure: Option<FailedBackup>,
    /// When the next daily backup is due (epoch ms); null while they are off.
    pub next_due_at: Option<i64>,
}

/// What a failure tells the dashboard: the reason when it is the input's, never a file
/// system's or database's own text (that goes to the log).
fn failure_text(e: &Error) -> String {
    match e {
        Error::Io(_) | Error::Storage(_) | Error::Internal(_) => "the backup could not be written (see the log)".into(),
        e => e.to_string(),
    }
}

fn snapshot_name(p: &Path) -> String {
    p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

impl Cms {
    /// The backup folder to use: `given` (an absolute path), else the configured one.
    fn backup_folder(&self, given: Option<&str>) -> Result<PathBuf> {
        let given = given.map(str::trim).filter(|f| !f.is_empty());
        let folder = match given {
            Some(f) => f.to_string(),
            None => self.db.read(schedule::settings)?.folder,
        };
        if folder.is_empty() {
            return Err(Error::invalid("folder", "no backup folder: name one, or set one in the backup settings"));
        }
        let path = PathBuf::from(&folder);
        if !path.is_absolute() || folder.contains('\0') {
            return Err(Error::invalid("folder", "must be an absolute path"));
        }
        Ok(path)
    }

    /// Tells `f` whenever the backup settings change (the daily runner sets its timer again).
    pub fn on_backup_settings_changed(&self, f: impl Fn() + Send + Sync + 'static) {
        self.backup_listeners.lock().unwrap_or_else(|p| p.into_inner()).push(Box::new(f));
    }

    pub fn backup_status(&self, actor: &Actor) -> Result<BackupStatus> {
        actor.require(Capability::ManageStorage)?;
        self.db.read(|tx| {
            let (settings, runs) = (schedule::settings(tx)?, schedule::runs(tx)?);
            let next_due_at = schedule::next_due(&settings, &runs);
            Ok(BackupStatus { settings, last_ok: runs.last_ok, last_failure: runs.last_failure, next_due_at })
        })
    }

    /// Changes the automatic backups' settings, as one audited change.
    pub fn update_backup_settings(&self, actor: &Actor, change: BackupSettingsChange) -> Result<BackupSettings> {
        actor.require(Capability::ManageStorage)?;
        let now = self.clock.now_ms();
        let new = self.db.write(|tx| {
            let old = schedule::settings(tx)?;
            let new = schedule::changed(&old, change, now)?;
            schedule::set_settings(tx, &new)?;
            audit::record(tx, actor, Change::new(Action::Update, Entity::Settings, "backup").before(&old).after(&new))?;
            Ok(new)
        })?;
        for f in self.backup_listeners.lock().unwrap_or_else(|p| p.into_inner()).iter() {
            f();
        }
        Ok(new)
    }

    /// Backs the data dir up now into `folder` (else the configured backup folder), keeping the
    /// configured number of snapshots there. Safe while everything keeps running.
    pub fn backup_now(&self, actor: &Actor, folder: Option<&str>) -> Result<BackupReport> {
        actor.require(Capability::ManageStorage)?;
        let folder = self.backup_folder(folder)?;
        self.backup_into(actor, &folder, false)
    }

    fn backup_into(&self, actor: &Actor, folder: &Path, scheduled: bool) -> Result<BackupReport> {
        let _one_at_a_time = self.backup_lock.lock().unwrap_or_else(|p| p.into_inner());
        let keep = self.db.read(schedule::settings)?.keep as usize;
        let made = std::fs::create_dir_all(folder)
            .map_err(|_| Error::invalid("folder", format!("cannot create or write the folder {}", folder.display())))
            .and_then(|()| create(self.data_dir(), folder, keep));
        let now = self.clock.now_ms();
        self.db.write(|tx| {
            let mut runs: Runs = schedule::runs(tx)?;
            if scheduled {
                runs.last_scheduled_at = now;
            }
            match &made {
                Ok(r) => {
                    let last = LastBackup {
                        at: now,
                        snapshot: snapshot_name(&r.snapshot),
                        bytes: r.database_bytes + r.blob_bytes,
                        written_bytes: r.blob_bytes_written,
                    };
                    audit::record(tx, actor, Change::new(Action::Backup, Entity::Backup, &last.snapshot).after(&last))?;
                    runs.last_ok = Some(last);
                    runs.last_failure = None;
                }
                Err(e) => runs.last_failure = Some(FailedBackup { at: now, message: failure_text(e) }),
            }
            schedule::set_runs(tx, &runs)
        })?;
        if let Err(e) = &made {
            tracing::warn!(folder = %folder.display(), error = %e, "a backup failed");
        }
        made
    }

    /// The snapshots of `folder` (else the configured backup folder), newest first.
    pub fn backup_snapshots(&self, actor: &Actor, folder: Option<&str>) -> Result<Vec<SnapshotInfo>> {
        actor.require(Capability::ManageStorage)?;
        catalog::list(&self.backup_folder(folder)?)
    }

    /// Restores the snapshot `snapshot` of `folder` (else the configured backup folder) into
    /// this running CMS, after checking all of it: a damaged or newer backup changes nothing.
    /// Every session ends.
    pub fn restore_backup(&self, actor: &Actor, folder: Option<&str>, snapshot: &str) -> Result<RestoreReport> {
        actor.require(Capability::ManageStorage)?;
        let dir = catalog::named(&self.backup_folder(folder)?, snapshot)?;
        let _one_at_a_time = self.backup_lock.lock().unwrap_or_else(|p| p.into_inner());
        let (dir, manifest) = verify(&dir)?;
        put_blobs(&blobs_of(&dir)?, &manifest, self.file_store_dir())?;
        let (settings, runs) = self.db.read(|tx| Ok((schedule::settings(tx)?, schedule::runs(tx)?)))?;
        let report = RestoreReport {
            snapshot: dir.clone(),
            schema_version: manifest.schema_version,
            counts: manifest.counts.clone(),
            blobs: manifest.blobs.len(),
        };
        self.db.replace_from(&dir.join(DB_FILE), |tx| {
            tx.execute("DELETE FROM sessions", [])?;
            schedule::set_settings(tx, &settings)?;
            schedule::set_runs(tx, &runs)?;
            let change = Change::new(Action::Restore, Entity::Backup, snapshot).after(&report);
            audit::record(tx, actor, change)
        })?;
        self.sessions.clear();
        let fresh = self.db.read(|tx| crate::liveness::Liveness::load(tx))?;
        self.liveness.replace_with(fresh);
        Ok(report)
    }

    /// When the next daily backup is due (epoch ms, by this CMS's clock); None while they are off.
    pub fn next_scheduled_backup(&self) -> Result<Option<i64>> {
        self.db.read(|tx| Ok(schedule::next_due(&schedule::settings(tx)?, &schedule::runs(tx)?)))
    }

    /// Makes the daily backup if it is due now (the machine's own act, audited as the system's);
    /// None when none was due. A failure is recorded for the dashboard and answered.
    pub fn run_scheduled_backup(&self) -> Result<Option<BackupReport>> {
        let (settings, runs) = self.db.read(|tx| Ok((schedule::settings(tx)?, schedule::runs(tx)?)))?;
        match schedule::next_due(&settings, &runs) {
            Some(due) if due <= self.clock.now_ms() => {
                self.backup_into(&Actor::System, Path::new(&settings.folder), true).map(Some)
            }
            _ => Ok(None),
        }
    }
}
