//! The store's directories under `<data dir>/files`: content by id, partial uploads, temp files; fsync and atomic renames.
//!
//! Layout: `objects/<last two id chars>/<blob id>` holds finished content, `partial/<upload id>`
//! the acknowledged bytes of a resumable upload, `partial/<upload id>.chunks/<n>` the chunks of a
//! seed-002 upload, and `tmp/` content being written in one go. Every path is built from ids
//! checked by [`is_id`], never from anything a client named.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::ids::new_id;

pub(crate) struct Store {
    root: PathBuf,
}

/// Whether `s` has the shape of an id this store made (24 of `[0-9a-z]`); only such strings
/// ever become path components.
pub fn is_id(s: &str) -> bool {
    s.len() == 24 && s.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
}

fn check(id: &str) -> Result<&str> {
    if is_id(id) {
        Ok(id)
    } else {
        Err(Error::Internal(format!("not a store id: {id:?}")))
    }
}

/// Flushes a directory's entries (a rename or a new file in it) to disk. A no-op where
/// directories cannot be opened (Windows), where NTFS journals metadata anyway.
pub(crate) fn fsync_dir(dir: &Path) -> io::Result<()> {
    match File::open(dir) {
        Ok(d) => match d.sync_all() {
            Err(e) if cfg!(windows) => {
                tracing::debug!(error = %e, "directory fsync unsupported");
                Ok(())
            }
            other => other,
        },
        Err(_) if cfg!(windows) => Ok(()),
        Err(e) => Err(e),
    }
}

impl Store {
    /// Opens the store under `data_dir/files`, creating its directories. Temp files left by a
    /// process that died mid-upload are removed: nothing was acknowledged for them.
    pub(crate) fn open(data_dir: &Path) -> Result<Store> {
        let root = data_dir.join("files");
        for dir in ["objects", "partial", "tmp"] {
            fs::create_dir_all(root.join(dir))?;
        }
        for entry in fs::read_dir(root.join("tmp"))? {
            let path = entry?.path();
            if let Err(e) = fs::remove_file(&path) {
                tracing::warn!(path = %path.display(), error = %e, "could not remove a stale temp file");
            }
        }
        Ok(Store { root })
    }

    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    /// Where a blob's content is.
    pub(crate) fn blob_path(&self, blob: &str) -> Result<PathBuf> {
        let blob = check(blob)?;
        Ok(self.root.join("objects").join(&blob[22..]).join(blob))
    }

    /// The acknowledged bytes of an upload in progress.
    pub(crate) fn partial_path(&self, upload: &str) -> Result<PathBuf> {
        Ok(self.root.join("partial").join(check(upload)?))
    }

    /// The chunk files of a seed-002 upload.
    pub(crate) fn chunk_dir(&self, upload: &str) -> Result<PathBuf> {
        Ok(self.root.join("partial").join(format!("{}.chunks", check(upload)?)))
    }

    /// A new empty temp file (with `suffix`, e.g. ".jpg" for tools that go by extension).
    pub(crate) fn temp_file(&self, suffix: &str) -> Result<(PathBuf, File)> {
        let path = self.root.join("tmp").join(format!("{}{suffix}", new_id()));
        let file = OpenOptions::new().write(true).read(true).create_new(true).open(&path)?;
        Ok((path, file))
    }

    /// Moves fsynced content at `from` into place as blob `blob`, atomically: the blob either
    /// does not exist or is whole. The rename is flushed before returning.
    pub(crate) fn install(&self, from: &Path, blob: &str) -> Result<PathBuf> {
        let to = self.blob_path(blob)?;
        let dir = to.parent().expect("blob paths have a parent");
        fs::create_dir_all(dir)?;
        fs::rename(from, &to)?;
        fsync_dir(dir)?;
        Ok(to)
    }

    /// Removes a file if it is there.
    pub(crate) fn remove(path: &Path) {
        match fs::remove_file(path) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => tracing::warn!(path = %path.display(), error = %e, "could not remove"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_ids_become_paths() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        for bad in ["../../etc/passwd", "/etc/passwd", "a\0b", "CON", "ABCDEFGHIJKLMNOPQRSTUVWX", ""] {
            assert!(store.blob_path(bad).is_err(), "{bad:?} must never become a path");
            assert!(store.partial_path(bad).is_err(), "{bad:?} must never become a path");
        }
        let id = new_id();
        let p = store.blob_path(&id).unwrap();
        assert!(p.starts_with(dir.path().join("files/objects")), "{}", p.display());
    }
}
