//! Automatic backups: the settings (folder, on or off, the hour, how many to keep) and what the
//! last runs did, kept in the installation's `settings` table; and when the next one is due.

use rusqlite::{params, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

const SCHEDULE_KEY: &str = "backup.schedule";
const STATUS_KEY: &str = "backup.status";
const HOUR_MS: i64 = 60 * 60 * 1000;
const DAY_MS: i64 = 24 * HOUR_MS;
/// The most snapshots a folder may be asked to keep.
pub const MAX_KEEP: u32 = 365;

/// The automatic backups' settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct BackupSettings {
    /// The backup folder (on the machine that holds the data): where "back up now" writes unless
    /// told another, and where the daily backups go. Empty: none set.
    pub folder: String,
    /// Whether a backup is made every day at `hourUtc`.
    pub enabled: bool,
    /// The hour (0-23, UTC) of the daily backup.
    #[cfg_attr(feature = "openapi", schema(maximum = 23))]
    pub hour_utc: u32,
    /// Snapshots kept in the folder (1-365); older ones, and content only they named, go.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 365))]
    pub keep: u32,
    /// When the daily backups were last switched on (epoch ms): the first is due at the hour after.
    #[serde(default)]
    pub enabled_at: i64,
}

impl Default for BackupSettings {
    fn default() -> Self {
        BackupSettings {
            folder: String::new(),
            enabled: false,
            hour_utc: 3,
            keep: super::DEFAULT_KEEP as u32,
            enabled_at: 0,
        }
    }
}

/// Settings to change; an absent one keeps its value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BackupSettingsChange {
    pub folder: Option<String>,
    pub enabled: Option<bool>,
    pub hour_utc: Option<u32>,
    pub keep: Option<u32>,
}

/// The last good backup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LastBackup {
    /// Epoch ms.
    pub at: i64,
    pub snapshot: String,
    /// What a restore of it brings back: the database and every file content it names.
    pub bytes: u64,
    /// File content this backup had to write (the rest was in the folder already).
    pub written_bytes: u64,
}

/// The last backup that failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FailedBackup {
    /// Epoch ms.
    pub at: i64,
    pub message: String,
}

/// What the backups did lately.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Runs {
    pub last_ok: Option<LastBackup>,
    /// The last failure, kept until a later backup succeeds.
    pub last_failure: Option<FailedBackup>,
    /// The last automatic run, good or not (epoch ms): the next is due at the hour after it.
    pub last_scheduled_at: i64,
}

fn get<T: for<'de> Deserialize<'de> + Default>(tx: &Transaction<'_>, key: &str) -> Result<T> {
    let v: Option<String> =
        tx.prepare_cached("SELECT value FROM settings WHERE key = ?")?.query_row([key], |r| r.get(0)).optional()?;
    Ok(v.and_then(|v| serde_json::from_str(&v).ok()).unwrap_or_default())
}

fn put(tx: &Transaction<'_>, key: &str, value: &impl Serialize) -> Result<()> {
    let json = serde_json::to_string(value).map_err(|e| Error::Internal(e.to_string()))?;
    tx.prepare_cached("INSERT INTO settings(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = ?2")?
        .execute(params![key, json])?;
    Ok(())
}

pub(crate) fn settings(tx: &Transaction<'_>) -> Result<BackupSettings> {
    get(tx, SCHEDULE_KEY)
}

pub(crate) fn runs(tx: &Transaction<'_>) -> Result<Runs> {
    get(tx, STATUS_KEY)
}

pub(crate) fn set_runs(tx: &Transaction<'_>, runs: &Runs) -> Result<()> {
    put(tx, STATUS_KEY, runs)
}

/// `old` with `change` applied and checked; switching the daily backups on at `now` starts
/// their count from then.
pub(crate) fn changed(old: &BackupSettings, change: BackupSettingsChange, now: i64) -> Result<BackupSettings> {
    let mut new = old.clone();
    if let Some(folder) = change.folder {
        let folder = folder.trim().to_string();
        if folder.len() > 4096 || folder.contains('\0') {
            return Err(Error::invalid("folder", "must be a folder path of at most 4096 bytes"));
        }
        if !folder.is_empty() && !std::path::Path::new(&folder).is_absolute() {
            return Err(Error::invalid("folder", "must be an absolute path"));
        }
        new.folder = folder;
    }
    if let Some(hour) = change.hour_utc {
        if hour > 23 {
            return Err(Error::invalid("hourUtc", "must be between 0 and 23"));
        }
        new.hour_utc = hour;
    }
    if let Some(keep) = change.keep {
        if !(1..=MAX_KEEP).contains(&keep) {
            return Err(Error::invalid("keep", format!("must be between 1 and {MAX_KEEP}")));
        }
        new.keep = keep;
    }
    if let Some(enabled) = change.enabled {
        if enabled && !old.enabled {
            new.enabled_at = now;
        }
        new.enabled = enabled;
    }
    if new.enabled && new.folder.is_empty() {
        return Err(Error::invalid("folder", "daily backups need a backup folder"));
    }
    Ok(new)
}

pub(crate) fn set_settings(tx: &Transaction<'_>, s: &BackupSettings) -> Result<()> {
    put(tx, SCHEDULE_KEY, s)
}

/// The first `hour`:00 UTC strictly after `t` (epoch ms).
pub(crate) fn next_hour_mark(t: i64, hour: u32) -> i64 {
    let mark = t - t.rem_euclid(DAY_MS) + i64::from(hour) * HOUR_MS;
    if mark > t {
        mark
    } else {
        mark + DAY_MS
    }
}

/// When the next daily backup is due (epoch ms), None while they are off: the hour after they
/// were switched on or last ran, whichever is later. A due time already past (the machine was
/// off at the hour) means at once.
pub(crate) fn next_due(s: &BackupSettings, runs: &Runs) -> Option<i64> {
    s.enabled.then(|| next_hour_mark(s.enabled_at.max(runs.last_scheduled_at), s.hour_utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_mark_is_later_today_or_tomorrow_never_now() {
        let day = 20_000 * DAY_MS;
        assert_eq!(next_hour_mark(day + HOUR_MS, 3), day + 3 * HOUR_MS);
        assert_eq!(next_hour_mark(day + 3 * HOUR_MS, 3), day + DAY_MS + 3 * HOUR_MS, "at the mark: the next one");
        assert_eq!(next_hour_mark(day + 5 * HOUR_MS, 3), day + DAY_MS + 3 * HOUR_MS);
    }

    #[test]
    fn a_daily_backup_is_due_the_hour_after_the_later_of_switching_on_and_the_last_run() {
        let day = 20_000 * DAY_MS;
        let s = BackupSettings { folder: "/b".into(), enabled: true, hour_utc: 2, keep: 3, enabled_at: day };
        assert_eq!(next_due(&s, &Runs::default()), Some(day + 2 * HOUR_MS));
        let ran = Runs { last_scheduled_at: day + 2 * HOUR_MS, ..Runs::default() };
        assert_eq!(next_due(&s, &ran), Some(day + DAY_MS + 2 * HOUR_MS));
        assert_eq!(next_due(&BackupSettings { enabled: false, ..s }, &ran), None);
    }

    #[test]
    fn settings_refuse_a_relative_folder_a_bad_hour_or_keep_and_daily_without_a_folder() {
        let old = BackupSettings::default();
        let refused = |c: BackupSettingsChange| changed(&old, c, 0).unwrap_err().to_string();
        assert!(
            refused(BackupSettingsChange { folder: Some("rel/dir".into()), ..Default::default() }).contains("folder")
        );
        assert!(refused(BackupSettingsChange { hour_utc: Some(24), ..Default::default() }).contains("hourUtc"));
        assert!(refused(BackupSettingsChange { keep: Some(0), ..Default::default() }).contains("keep"));
        assert!(refused(BackupSettingsChange { enabled: Some(true), ..Default::default() }).contains("folder"));
    }
}
