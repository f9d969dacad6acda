//! The upload journal: `uploads.json` in the data dir, one record per unfinished upload, so the
//! manager lists them after a restart and resumes the ones the app stopped under. Written atomically.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::uploads::source::Fingerprint;

pub const JOURNAL_FILE: &str = "uploads.json";

/// Where an upload's bytes go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "mode")]
pub enum Destination {
    /// The embedded store: the core keeps the upload itself under `id` for `owner`.
    Embedded { owner: String },
    /// A server's tus endpoint: the upload's absolute URL.
    Remote { server: String, url: String },
}

/// What it takes to resume an upload after a restart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Record {
    pub id: String,
    pub path: String,
    pub name: String,
    pub domain: String,
    pub source: Fingerprint,
    /// Bytes acknowledged when last saved (shown until the upload runs again).
    pub done: u64,
    pub to: Destination,
    /// It was running when this was written: if the app stops now (quit, crash, power cut), the
    /// upload goes on by itself once a session that may upload there is back. A user's pause
    /// writes false, and such an upload waits for the user.
    #[serde(default)]
    pub interrupted: bool,
}

pub struct Journal {
    dir: PathBuf,
}

impl Journal {
    pub fn new(dir: &Path) -> Journal {
        Journal { dir: dir.to_path_buf() }
    }

    /// The records; an absent file is an empty journal, a damaged one is reported and set aside
    /// (uploads lost from the list can still be found on the server or in the store).
    pub fn load(&self) -> Vec<Record> {
        let path = self.dir.join(JOURNAL_FILE);
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|e| {
                tracing::error!(path = %path.display(), error = %e, "the upload journal is damaged; starting empty");
                Vec::new()
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => {
                tracing::error!(path = %path.display(), error = %e, "cannot read the upload journal");
                Vec::new()
            }
        }
    }

    pub fn save(&self, records: &[Record]) -> std::io::Result<()> {
        let bytes = serde_json::to_vec_pretty(records).map_err(std::io::Error::other)?;
        crate::atomic::write(&self.dir, JOURNAL_FILE, &bytes)
    }
}
