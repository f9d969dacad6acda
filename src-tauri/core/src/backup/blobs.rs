//! Content in a backup folder: `blobs/<md5>-<size>`, written only when not there yet, so a
//! backup of an unchanged store writes no file data; checked by size and MD5 on the way in and
//! before a restore.

use std::collections::HashSet;
use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use super::manifest::BlobEntry;
use super::snapshot::corrupt;
use crate::error::{Error, Result};
use crate::files::{fsync_dir, is_id, Md5};

/// What copying blobs in did.
pub(crate) struct Copied {
    pub count: usize,
    pub bytes: u64,
}

/// Where the store under `store_root` keeps `blob` (as the store lays it out).
pub(crate) fn store_path(store_root: &Path, blob: &str) -> Result<PathBuf> {
    if !is_id(blob) {
        return Err(corrupt("it names a blob that is no store id"));
    }
    Ok(store_root.join("objects").join(&blob[22..]).join(blob))
}

/// Copies `from` to `to` through a temp file beside it (fsynced, then renamed), hashing as it
/// goes; answers the MD5 (hex) and the bytes copied.
pub(crate) fn copy_hashed(from: &Path, to: &Path) -> Result<(String, u64)> {
    let dir = to.parent().ok_or_else(|| Error::Internal("a blob path has no folder".into()))?;
    let tmp = dir.join(format!(".part-{}", crate::ids::new_id()));
    let out = (|| {
        let mut dst = File::create(&tmp)?;
        let done = hash_file(from, |bytes| dst.write_all(bytes))?;
        dst.sync_all()?;
        Ok::<_, Error>(done)
    })();
    match out {
        Ok(done) => {
            fs::rename(&tmp, to)?;
            Ok(done)
        }
        Err(e) => {
            let _ = fs::remove_file(&tmp);
            Err(e)
        }
    }
}

/// Copies into `blobs_dir` every blob of `entries` it does not hold yet (same name, same size).
pub(crate) fn copy_in(store_root: &Path, blobs_dir: &Path, entries: &[BlobEntry]) -> Result<Copied> {
    let mut copied = Copied { count: 0, bytes: 0 };
    for e in entries {
        let target = blobs_dir.join(e.file_name());
        if fs::metadata(&target).is_ok_and(|m| m.len() == e.size) {
            continue;
        }
        let source = store_path(store_root, &e.blob)?;
        let (md5, n) = copy_hashed(&source, &target)?;
        if md5 != e.md5 || n != e.size {
            let _ = fs::remove_file(&target);
            return Err(Error::Internal(format!("the store's blob {} does not match its MD5 or size", e.blob)));
        }
        copied.count += 1;
        copied.bytes += n;
    }
    if copied.count > 0 {
        fsync_dir(blobs_dir)?;
    }
    Ok(copied)
}

/// Reads a file through in pieces, handing each to `each`; answers its size.
pub(crate) fn read_through(path: &Path, mut each: impl FnMut(&[u8]) -> std::io::Result<()>) -> Result<u64> {
    let mut file = File::open(path)?;
    let mut buf = vec![0u8; 256 << 10];
    let mut n = 0u64;
    loop {
        let k = file.read(&mut buf)?;
        if k == 0 {
            return Ok(n);
        }
        each(&buf[..k])?;
        n += k as u64;
    }
}

/// Reads a file through, handing each piece to `sink`; answers its MD5 (hex) and size.
fn hash_file(path: &Path, mut sink: impl FnMut(&[u8]) -> std::io::Result<()>) -> Result<(String, u64)> {
    let mut md5 = Md5::new();
    let n = read_through(path, |piece| {
        md5.update(piece);
        sink(piece)
    })?;
    Ok((hex::encode(md5.finalize()), n))
}

/// Checks that `blobs_dir` holds every blob of `entries` whole: its size, then its MD5.
pub(crate) fn verify(blobs_dir: &Path, entries: &[BlobEntry]) -> Result<()> {
    for e in entries {
        store_path(Path::new(""), &e.blob)?;
        let path = blobs_dir.join(e.file_name());
        let size =
            fs::metadata(&path).map_err(|_| corrupt(&format!("the file content {} is missing", e.file_name())))?;
        if size.len() != e.size {
            return Err(corrupt(&format!("the file content {} has the wrong size", e.file_name())));
        }
        if hash_file(&path, |_| Ok(()))?.0 != e.md5 {
            return Err(corrupt(&format!("the file content {} does not match its MD5", e.file_name())));
        }
    }
    Ok(())
}

/// Removes every blob of `blobs_dir` that `named` does not name (and temp files left behind).
pub(crate) fn remove_unnamed(blobs_dir: &Path, named: &HashSet<String>) -> Result<()> {
    for entry in fs::read_dir(blobs_dir)? {
        let entry = entry?;
        if !named.contains(entry.file_name().to_string_lossy().as_ref()) {
            fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}
