//! The source file's identity (size and modification time) at the start of an upload, so a file
//! that changed since is refused rather than stored as a mix of two versions.

use std::path::Path;
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

use crate::error::CommandError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Fingerprint {
    pub size: u64,
    /// Milliseconds since the epoch (0 where the system keeps none).
    pub mtime_ms: u64,
}

impl Fingerprint {
    /// Reads a regular file's size and modification time.
    pub fn of(path: &Path) -> Result<Fingerprint, CommandError> {
        let meta = std::fs::metadata(path).map_err(|e| invalid_path(format!("{}: {e}", path.display())))?;
        if !meta.is_file() {
            return Err(invalid_path(format!("{} is not a file", path.display())));
        }
        let mtime_ms =
            meta.modified().ok().and_then(|t| t.duration_since(UNIX_EPOCH).ok()).map_or(0, |d| d.as_millis() as u64);
        Ok(Fingerprint { size: meta.len(), mtime_ms })
    }

    /// Refuses with code `source_changed` if the file is no longer what it was.
    pub fn check(&self, path: &Path) -> Result<(), CommandError> {
        let now = Fingerprint::of(path)?;
        if now != *self {
            return Err(CommandError {
                code: cinedesk_core::Code::SourceChanged,
                info: format!(
                    "{} changed since the upload started (size {} → {}, modified {} → {}); cancel it and upload the file again",
                    path.display(),
                    self.size,
                    now.size,
                    self.mtime_ms,
                    now.mtime_ms
                ),
                field: Some("path".into()),
            });
        }
        Ok(())
    }
}

fn invalid_path(info: String) -> CommandError {
    CommandError { code: cinedesk_core::Code::Invalid, info, field: Some("path".into()) }
}
