//! Content in a backup folder: `blobs/<md5>-<size>`, written only when not there yet, so a
//! backup of an unchanged store writes no file data; checked by size and MD5 on the way in and
//! before a restore.

use std::collections::HashSet;
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

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
///
/// In three steps, because a backup is mostly copying and hashing films, and a file's fsync
/// waits for its whole writeback: first every copy is written (hashed in the same pass) on a few
/// threads, then each is fsynced, then all are renamed into place. The disk writes one copy back
/// while the next is hashed, where a copy-fsync-rename per file waited on each in turn. Nothing
/// bears a blob's name before it is on disk whole: a crash leaves `.part-` files, which the next
/// backup's pruning removes.
pub(crate) fn copy_in(store_root: &Path, blobs_dir: &Path, entries: &[BlobEntry]) -> Result<Copied> {
    let todo: Vec<&BlobEntry> = entries
        .iter()
        .filter(|e| !fs::metadata(blobs_dir.join(e.file_name())).is_ok_and(|m| m.len() == e.size))
        .collect();
    if todo.is_empty() {
        return Ok(Copied { count: 0, bytes: 0 });
    }
    let parts: Vec<PathBuf> = todo.iter().map(|_| blobs_dir.join(format!(".part-{}", crate::ids::new_id()))).collect();
    let done = (|| {
        copy_all(store_root, &todo, &parts)?;
        for part in &parts {
            OpenOptions::new().write(true).open(part)?.sync_all()?;
        }
        for (e, part) in todo.iter().zip(&parts) {
            fs::rename(part, blobs_dir.join(e.file_name()))?;
        }
        fsync_dir(blobs_dir)?;
        Ok::<_, Error>(())
    })();
    if done.is_err() {
        for part in &parts {
            let _ = fs::remove_file(part);
        }
    }
    done?;
    Ok(Copied { count: todo.len(), bytes: todo.iter().map(|e| e.size).sum() })
}

/// The most threads copying blobs at once: hashing is the CPU's part, writing the disk's.
const COPY_THREADS: usize = 4;

/// Copies each of `todo` to its path in `parts`, checked against its MD5 and size, on up to
/// [`COPY_THREADS`] threads; the first failure stops the others at their next blob.
fn copy_all(store_root: &Path, todo: &[&BlobEntry], parts: &[PathBuf]) -> Result<()> {
    let next = AtomicUsize::new(0);
    let failed: Mutex<Option<Error>> = Mutex::new(None);
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(1, COPY_THREADS).min(todo.len());
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= todo.len() || failed.lock().unwrap_or_else(|p| p.into_inner()).is_some() {
                    break;
                }
                if let Err(e) = copy_one(store_root, todo[i], &parts[i]) {
                    failed.lock().unwrap_or_else(|p| p.into_inner()).get_or_insert(e);
                    break;
                }
            });
        }
    });
    failed.into_inner().unwrap_or_else(|p| p.into_inner()).map_or(Ok(()), Err)
}

/// One blob of the store into `part` (not yet fsynced), checked against what the database says.
fn copy_one(store_root: &Path, e: &BlobEntry, part: &Path) -> Result<()> {
    let source = store_path(store_root, &e.blob)?;
    let mut dst = File::create(part)?;
    let (md5, n) = hash_file(&source, |bytes| dst.write_all(bytes))?;
    if md5 != e.md5 || n != e.size {
        return Err(Error::Internal(format!("the store's blob {} does not match its MD5 or size", e.blob)));
    }
    Ok(())
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
