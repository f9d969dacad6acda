//! Seed 002's chunked upload: an upload URL per uploader, then numbered chunks (plupload's `chunk`/`chunks`) assembled once all are in.
//!
//! Each chunk is its own part file, fsynced and renamed into place before it is acknowledged, so
//! chunks may come in any order and a re-sent chunk simply replaces the earlier copy. When the
//! last missing one arrives, the chunks are concatenated (and hashed) into the file.

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::PathBuf;
use std::sync::Arc;

use rusqlite::{params, OptionalExtension};

use super::ingest::WRITE_BUFFER;
use super::store::{fsync_dir, Store};
use super::{Busy, Domain, Files, NewFile, StoredFile, COPY_BUFFER, MAX_FILE_SIZE};
use crate::actor::{Actor, Capability};
use crate::error::{Error, Result};
use crate::ids::{new_id, new_secret, now_ms};
use crate::{Cms, Entity};

/// How long an upload URL is good for.
pub const UPLOAD_URL_TTL_MS: i64 = 24 * 60 * 60 * 1000;
/// Most chunks one file may have (plupload's usual 1–10 MB chunks make this 100 GB and more).
const MAX_CHUNKS: u32 = 100_000;

/// A chunk being received.
pub struct ChunkWriter {
    files: Arc<Files>,
    upload_id: String,
    index: u32,
    chunks: u32,
    tmp: PathBuf,
    out: Option<BufWriter<File>>,
    size: u64,
    done: bool,
}

/// What a chunk led to.
#[derive(Debug, Clone, PartialEq)]
pub struct ChunkOutcome {
    pub upload_id: String,
    pub received: u32,
    pub chunks: u32,
    /// The assembled file, once every chunk is in.
    pub file: Option<StoredFile>,
}

impl Files {
    pub(crate) fn create_upload_url(&self, owner: &str) -> Result<String> {
        let key = new_secret();
        let now = now_ms();
        self.db.write(|tx| {
            tx.prepare_cached("DELETE FROM upload_urls WHERE expires_at <= ?")?.execute([now])?;
            tx.prepare_cached("INSERT INTO upload_urls(key, owner, created_at, expires_at) VALUES (?, ?, ?, ?)")?
                .execute(params![key, owner, now, now + UPLOAD_URL_TTL_MS])?;
            Ok(())
        })?;
        Ok(key)
    }

    pub(crate) fn begin_chunk(
        self: &Arc<Self>,
        key: &str,
        owner: &str,
        name: &str,
        index: u32,
        chunks: u32,
    ) -> Result<ChunkWriter> {
        if chunks == 0 || chunks > MAX_CHUNKS {
            return Err(Error::invalid("chunks", format!("must be between 1 and {MAX_CHUNKS}")));
        }
        if index >= chunks {
            return Err(Error::invalid("chunk", format!("must be below chunks ({chunks}); chunks count from 0")));
        }
        let now = now_ms();
        let spec = NewFile::new(name, Domain::Movie).owned_by(owner);
        let upload_id = self.db.write(|tx| {
            let url_owner: Option<String> = tx
                .prepare_cached("SELECT owner FROM upload_urls WHERE key = ? AND expires_at > ?")?
                .query_row(params![key, now], |r| r.get(0))
                .optional()?;
            if url_owner.as_deref() != Some(owner) {
                return Err(Error::not_found(Entity::Upload, "upload URL (ask for a new one)"));
            }
            let existing: Option<String> = tx
                .prepare_cached(
                    "SELECT id FROM uploads WHERE protocol = 'CHUNKED' AND client_user = ? AND name = ? AND chunks = ?",
                )?
                .query_row(params![key, spec.name, chunks], |r| r.get(0))
                .optional()?;
            if let Some(id) = existing {
                tx.prepare_cached("UPDATE uploads SET updated_at = ?, expires_at = ? WHERE id = ?")?.execute(params![
                    now,
                    now + super::UPLOAD_TTL_MS,
                    id
                ])?;
                return Ok(id);
            }
            let id = new_id();
            tx.prepare_cached(
                "INSERT INTO uploads(id, protocol, owner, client_user, domain, name, length, chunks, created_at, updated_at,
                                     expires_at)
                 VALUES (?, 'CHUNKED', ?, ?, ?, ?, 0, ?, ?, ?, ?)",
            )?
            .execute(params![
                id,
                owner,
                key,
                spec.domain.as_str(),
                spec.name,
                chunks,
                now,
                now,
                now + super::UPLOAD_TTL_MS
            ])?;
            Ok(id)
        })?;
        let dir = self.store.chunk_dir(&upload_id)?;
        std::fs::create_dir_all(&dir)?;
        // Each request writes its own temp name, so two copies of one chunk never interleave.
        let tmp = dir.join(format!("{index}.{}.tmp", new_id()));
        let file = File::create(&tmp)?;
        Ok(ChunkWriter {
            files: Arc::clone(self),
            upload_id,
            index,
            chunks,
            tmp,
            out: Some(BufWriter::with_capacity(WRITE_BUFFER, file)),
            size: 0,
            done: false,
        })
    }

    /// Concatenates the chunks of a complete upload into its file. Answers None when another
    /// request is assembling it already.
    fn assemble(self: &Arc<Self>, upload_id: &str, chunks: u32, _busy: Busy) -> Result<StoredFile> {
        let upload = self.load_upload(upload_id)?.ok_or_else(|| Error::not_found(Entity::Upload, upload_id))?;
        let spec = NewFile::new(&upload.name, upload.domain).owned_by(&upload.owner);
        let dir = self.store.chunk_dir(upload_id)?;
        let mut ingest = self.ingest(Some(upload_id.to_string()), spec, MAX_FILE_SIZE)?;
        let mut buf = vec![0u8; COPY_BUFFER];
        for i in 0..chunks {
            let mut part = File::open(dir.join(i.to_string()))?;
            loop {
                let n = part.read(&mut buf)?;
                if n == 0 {
                    break;
                }
                ingest.write(&buf[..n])?;
            }
        }
        let file = ingest.finish(0)?;
        self.drop_upload(upload_id)?;
        Ok(file)
    }
}

impl ChunkWriter {
    pub fn write(&mut self, buf: &[u8]) -> Result<()> {
        if self.size + buf.len() as u64 > MAX_FILE_SIZE {
            return Err(Error::TooLarge(format!("a chunk may have at most {MAX_FILE_SIZE} bytes")));
        }
        self.out.as_mut().ok_or_else(|| Error::Internal("chunk already ended".into()))?.write_all(buf)?;
        self.size += buf.len() as u64;
        Ok(())
    }

    /// Fsyncs the chunk into place and records it; assembles the file when it was the last
    /// one missing.
    pub fn commit(mut self) -> Result<ChunkOutcome> {
        let out = self.out.take().ok_or_else(|| Error::Internal("chunk already ended".into()))?;
        let file = out.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        drop(file);
        let dir = self.tmp.parent().expect("chunk files live in a directory").to_path_buf();
        std::fs::rename(&self.tmp, dir.join(self.index.to_string()))?;
        fsync_dir(&dir)?;
        self.done = true;
        let (id, index, size) = (self.upload_id.clone(), self.index, self.size);
        let received: u32 = self.files.db.write(|tx| {
            let n = tx
                .prepare_cached(
                    "INSERT INTO upload_chunks(upload_id, idx, size) VALUES (?1, ?2, ?3)
                     ON CONFLICT(upload_id, idx) DO UPDATE SET size = ?3",
                )?
                .execute(params![id, index, size as i64]);
            // The upload may have been assembled (or cancelled) by another request meanwhile.
            n.map_err(|e| match e {
                rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::ConstraintViolation => {
                    Error::not_found(Entity::Upload, &id)
                }
                e => e.into(),
            })?;
            tx.prepare_cached("UPDATE uploads SET updated_at = ? WHERE id = ?")?.execute(params![now_ms(), id])?;
            Ok(tx
                .prepare_cached("SELECT count(*) FROM upload_chunks WHERE upload_id = ?")?
                .query_row([&id], |r| r.get(0))?)
        })?;
        let mut outcome = ChunkOutcome { upload_id: id.clone(), received, chunks: self.chunks, file: None };
        if received == self.chunks {
            // Only one request assembles; one that finds it busy answers "in progress".
            if let Ok(busy) = self.files.lock_upload(&id) {
                if self.files.load_upload(&id)?.is_some() {
                    outcome.file = Some(self.files.assemble(&id, self.chunks, busy)?);
                }
            }
        }
        Ok(outcome)
    }
}

impl Drop for ChunkWriter {
    fn drop(&mut self) {
        if !self.done {
            drop(self.out.take());
            Store::remove(&self.tmp);
        }
    }
}

impl Cms {
    /// A new seed-002 upload URL key of the caller's, good for [`UPLOAD_URL_TTL_MS`].
    pub fn create_upload_url(&self, actor: &Actor) -> Result<String> {
        actor.require(Capability::Upload)?;
        self.files.create_upload_url(&actor.owner())
    }

    /// Starts receiving chunk `index` (from 0) of `chunks` of the file `name`, sent to the
    /// caller's upload URL `key`. The file is a film (domain MOVIE), as seed 002 is the video upload.
    pub fn begin_chunk(&self, actor: &Actor, key: &str, name: &str, index: u32, chunks: u32) -> Result<ChunkWriter> {
        actor.require(Capability::Upload)?;
        self.files.begin_chunk(key, &actor.owner(), name, index, chunks)
    }

    /// Whether `key` is a live upload URL of the caller's.
    pub fn check_upload_url(&self, actor: &Actor, key: &str) -> Result<()> {
        actor.require(Capability::Upload)?;
        let owner = actor.owner();
        let found = self.db.read(|tx| {
            Ok(tx
                .prepare_cached("SELECT 1 FROM upload_urls WHERE key = ? AND owner = ? AND expires_at > ?")?
                .exists(params![key, owner, now_ms()])?)
        })?;
        if found {
            Ok(())
        } else {
            Err(Error::not_found(Entity::Upload, "upload URL (ask for a new one)"))
        }
    }
}
