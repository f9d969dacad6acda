//! Where the data lives by default: the operating system's per-user app data directory.

use std::path::PathBuf;

use crate::error::{Error, Result};

/// `CINEDESK_DATA_DIR` if set, else the OS app data dir (`~/.local/share/cinedesk`,
/// `%APPDATA%\Cinedesk\cinedesk\data`, `~/Library/Application Support/com.Cinedesk.cinedesk`).
pub fn default_data_dir() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os("CINEDESK_DATA_DIR").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("com", "Cinedesk", "cinedesk")
        .map(|p| p.data_dir().to_path_buf())
        .ok_or_else(|| Error::Internal("no home directory to keep the data in; pass a data dir".into()))
}
