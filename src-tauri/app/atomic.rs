//! Whole-file replacement that a crash cannot leave half done (settings, the upload journal).

use std::fs::{self, File};
use std::io::Write;
use std::path::Path;

/// Writes `bytes` to `dir/name` so that a crash leaves the old file or the new one, never half
/// of one: a temporary file, flushed to disk, renamed over the old one.
pub fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    fs::create_dir_all(dir)?;
    let path = dir.join(name);
    let tmp = dir.join(format!("{name}.tmp"));
    let mut file = File::create(&tmp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    fs::rename(&tmp, &path)?;
    // The rename itself is durable only once the directory is synced (Unix; Windows has no
    // directory handles to sync and NTFS journals the rename).
    #[cfg(unix)]
    File::open(dir)?.sync_all()?;
    Ok(())
}
