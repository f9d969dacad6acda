//! Resumable upload sessions (seed 004 createFid/fileResume, tus, the desktop's local uploads): parts fsynced before they are acknowledged.
//!
//! A session's row keeps `offset`, the bytes acknowledged; its partial file may hold more after
//! a crash (written, never acknowledged), which the next part cuts off before writing. The MD5
//! runs over the bytes as they arrive and is checked when the last one does: content that does
//! not hash to what the client declared never becomes a file.

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::sync::Arc;

use super::md5::Md5;
use bytes::Bytes;
use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use sha1::Sha1;

use super::flush::WriteBehind;
use super::hasher::{Hasher, PartHash};
use super::ingest::WRITE_BUFFER;
use super::{
    hash_prefix, hex_lower, parse_md5, Busy, Domain, Files, HashState, NewFile, StoredFile, LIVE_HASHERS, MAX_FILE_SIZE,
};
use crate::actor::{Actor, Capability};
use crate::error::{Error, Result};
use crate::ids::{new_id, now_ms};
use crate::{Cms, Entity};

/// An upload untouched this long is dropped with its partial content (7 days: a film paused
/// over a long weekend still resumes).
pub const UPLOAD_TTL_MS: i64 = 7 * 24 * 60 * 60 * 1000;
/// The MD5 of no bytes at all.
const EMPTY_MD5: &str = "d41d8cd98f00b204e9800998ecf8427e";

/// Which protocol a session belongs to; a session is only continued by its own protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Protocol {
    /// Seed 004 createFid / fileResume.
    Resumable,
    Tus,
    /// Seed 002 chunks.
    Chunked,
    /// The desktop app reading a file from its own disk.
    Local,
}

impl Protocol {
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Resumable => "RESUMABLE",
            Protocol::Tus => "TUS",
            Protocol::Chunked => "CHUNKED",
            Protocol::Local => "LOCAL",
        }
    }

    fn parse(s: &str) -> Option<Protocol> {
        [Protocol::Resumable, Protocol::Tus, Protocol::Chunked, Protocol::Local].into_iter().find(|p| p.as_str() == s)
    }
}

/// An upload in progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Upload {
    /// Also the id of the file it becomes.
    #[serde(rename = "uploadID")]
    pub upload_id: String,
    pub protocol: Protocol,
    pub owner: String,
    /// Seed 004 `userId`, or the seed 002 upload URL key.
    pub client_user: String,
    pub domain: Domain,
    pub name: String,
    /// Seed 004 `filePathLocal`; the desktop's source file.
    pub path_local: String,
    pub length: u64,
    /// The MD5 the content must have, when the client declared one.
    pub md5: Option<String>,
    /// Bytes acknowledged so far: where the next part starts.
    pub offset: u64,
    pub chunks: Option<u32>,
    /// tus `Upload-Metadata` as sent.
    pub metadata: String,
    pub create_time: i64,
    pub update_time: i64,
    pub expire_time: i64,
}

/// What a new upload is (its owner is the caller that starts it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUpload {
    pub protocol: Protocol,
    pub client_user: String,
    pub domain: Domain,
    /// Any client name or path; cleaned before it is kept.
    pub name: String,
    pub path_local: String,
    pub length: u64,
    pub md5: Option<String>,
    pub metadata: String,
    /// The client's Content-Type for the file, if it said.
    pub mime: Option<String>,
}

/// How an upload started.
#[derive(Debug, Clone, PartialEq)]
pub enum UploadStart {
    /// A new session at offset 0.
    New(Upload),
    /// The unfinished session this client already had for the same content (seed 004).
    Resumed(Upload),
    /// Nothing to send: the content is already stored (same MD5 and size), or it is empty.
    Done(StoredFile),
}

/// A checksum a part must have (tus `Upload-Checksum`): the expected digest's bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Checksum {
    Md5(Vec<u8>),
    Sha1(Vec<u8>),
}

/// How a part is written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PartOptions {
    pub checksum: Option<Checksum>,
    /// Keep what arrived of a part that ends early (tus: the client asks for the offset and
    /// goes on from there). Otherwise an unfinished part is rolled back whole (seed 004).
    pub keep_partial: bool,
}

/// What a committed part led to.
#[derive(Debug, Clone, PartialEq)]
pub struct PartOutcome {
    pub upload: Upload,
    /// The finished file, when this part was the last.
    pub file: Option<StoredFile>,
}

const UPLOAD_COLUMNS: &str =
    "id, protocol, owner, client_user, domain, name, path_local, length, md5, offset, chunks, \
    metadata, created_at, updated_at, expires_at";

pub(crate) fn upload_from_row(r: &Row<'_>) -> rusqlite::Result<Upload> {
    let protocol: String = r.get(1)?;
    let domain: String = r.get(4)?;
    let bad = |v: &str| rusqlite::Error::FromSqlConversionFailure(1, rusqlite::types::Type::Text, v.to_string().into());
    Ok(Upload {
        upload_id: r.get(0)?,
        protocol: Protocol::parse(&protocol).ok_or_else(|| bad(&protocol))?,
        owner: r.get(2)?,
        client_user: r.get(3)?,
        domain: Domain::parse(&domain).map_err(|_| bad(&domain))?,
        name: r.get(5)?,
        path_local: r.get(6)?,
        length: r.get::<_, i64>(7)? as u64,
        md5: r.get(8)?,
        offset: r.get::<_, i64>(9)? as u64,
        chunks: r.get(10)?,
        metadata: r.get(11)?,
        create_time: r.get(12)?,
        update_time: r.get(13)?,
        expire_time: r.get(14)?,
    })
}

fn short_text(field: &str, v: &str, max: usize) -> Result<String> {
    if v.chars().count() > max || v.contains('\0') {
        return Err(Error::invalid(field, format!("must be at most {max} characters, without NUL")));
    }
    Ok(v.to_string())
}

impl Files {
    pub(crate) fn load_upload(&self, id: &str) -> Result<Option<Upload>> {
        self.db.read(|tx| {
            Ok(tx
                .prepare_cached(&format!("SELECT {UPLOAD_COLUMNS} FROM uploads WHERE id = ?"))?
                .query_row([id], upload_from_row)
                .optional()?)
        })
    }

    /// The owner's unexpired upload `id` of `protocol`; someone else's is NotFound as well, so
    /// ids of others' uploads are not confirmed.
    pub(crate) fn upload(&self, id: &str, owner: &str, protocol: Protocol) -> Result<Upload> {
        match self.load_upload(id)? {
            Some(u) if u.owner == owner && u.protocol == protocol && u.expire_time > now_ms() => Ok(u),
            _ => Err(Error::not_found(Entity::Upload, id)),
        }
    }

    pub(crate) fn create_upload(self: &Arc<Self>, owner: &str, n: NewUpload) -> Result<UploadStart> {
        if n.length > MAX_FILE_SIZE {
            return Err(Error::TooLarge(format!("a file may have at most {MAX_FILE_SIZE} bytes")));
        }
        let md5 = n.md5.as_deref().map(|m| parse_md5("fileMd5", m)).transpose()?;
        let client_user = short_text("userId", n.client_user.trim(), 128)?;
        let path_local = short_text("filePathLocal", &n.path_local, 4096)?;
        let metadata = short_text("Upload-Metadata", &n.metadata, 8192)?;
        let spec = NewFile::new(&n.name, n.domain).owned_by(owner).with_mime(n.mime.as_deref());
        self.sweep_expired()?;
        let now = now_ms();
        if n.protocol == Protocol::Resumable {
            // Asked again for the same content: the same session, at the offset acknowledged.
            let existing = self.db.write(|tx| {
                let u = tx
                    .prepare_cached(&format!(
                        "SELECT {UPLOAD_COLUMNS} FROM uploads
                          WHERE protocol = 'RESUMABLE' AND owner = ? AND client_user = ? AND md5 IS ? AND length = ?"
                    ))?
                    .query_row(params![owner, client_user, md5, n.length as i64], upload_from_row)
                    .optional()?;
                if let Some(u) = &u {
                    tx.prepare_cached("UPDATE uploads SET updated_at = ?, expires_at = ? WHERE id = ?")?
                        .execute(params![now, now + UPLOAD_TTL_MS, u.upload_id])?;
                }
                Ok(u)
            })?;
            if let Some(u) = existing {
                return Ok(UploadStart::Resumed(self.upload(&u.upload_id, owner, Protocol::Resumable)?));
            }
        }
        let id = new_id();
        if let Some(md5) = &md5 {
            if let Some(file) = self.complete_from_existing(&id, &spec, md5, n.length)? {
                return Ok(UploadStart::Done(file));
            }
        }
        if n.length == 0 {
            // Nothing will ever be sent: the (empty) file exists at once.
            if let Some(expected) = md5.filter(|m| m != EMPTY_MD5) {
                return Err(Error::ChecksumMismatch { expected, actual: EMPTY_MD5.to_string() });
            }
            return Ok(UploadStart::Done(self.ingest(Some(id), spec, 0)?.finish(0)?));
        }
        self.db.write(|tx| {
            tx.prepare_cached(
                "INSERT INTO uploads(id, protocol, owner, client_user, domain, name, path_local, length, md5, metadata,
                                     created_at, updated_at, expires_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )?
            .execute(params![
                id,
                n.protocol.as_str(),
                owner,
                client_user,
                n.domain.as_str(),
                spec.name,
                path_local,
                n.length as i64,
                md5,
                metadata,
                now,
                now,
                now + UPLOAD_TTL_MS
            ])?;
            Ok(())
        })?;
        Ok(UploadStart::New(self.upload(&id, owner, n.protocol)?))
    }

    /// Starts writing the part of upload `id` that begins at `offset`, which must be the
    /// acknowledged offset (OffsetMismatch says the right one).
    pub(crate) fn begin_part(
        self: &Arc<Self>,
        id: &str,
        owner: &str,
        protocol: Protocol,
        offset: u64,
        options: PartOptions,
    ) -> Result<PartWriter> {
        let busy = self.lock_upload(id)?;
        let upload = self.upload(id, owner, protocol)?;
        if offset != upload.offset {
            return Err(Error::OffsetMismatch { expected: upload.offset, got: offset });
        }
        let path = self.store.partial_path(id)?;
        let mut file = OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&path)?;
        let on_disk = file.metadata()?.len();
        if on_disk < offset {
            return Err(Error::Internal(format!(
                "upload {id}: {on_disk} bytes on disk but {offset} acknowledged; the partial file was damaged"
            )));
        }
        if on_disk > offset {
            // Bytes of a part that was never acknowledged (the process died, or the client went).
            file.set_len(offset)?;
        }
        file.seek(SeekFrom::Start(offset))?;
        let kept = self.hashes.lock().unwrap_or_else(|p| p.into_inner()).remove(id);
        let mut hasher = match kept {
            Some(h) if h.offset == offset => h.hasher.threaded()?,
            _ => Hasher::start(hash_prefix(&path, offset)?),
        };
        // Where this part begins, should it be rolled back.
        hasher.mark()?;
        let (check, want) = match options.checksum {
            Some(Checksum::Md5(want)) => (Some(PartHash::Md5(Md5::new())), Some(want)),
            Some(Checksum::Sha1(want)) => (Some(PartHash::Sha1(<Sha1 as sha1::Digest>::new())), Some(want)),
            None => (None, None),
        };
        Ok(PartWriter {
            files: Arc::clone(self),
            hasher: Some(hasher),
            check,
            upload,
            out: Some(BufWriter::with_capacity(WRITE_BUFFER, file)),
            want,
            written: 0,
            keep_partial: options.keep_partial,
            done: false,
            behind: WriteBehind::default(),
            _busy: busy,
        })
    }

    pub(crate) fn cancel_upload(self: &Arc<Self>, id: &str, owner: &str, protocol: Protocol) -> Result<()> {
        let _busy = self.lock_upload(id)?;
        self.upload(id, owner, protocol)?;
        self.drop_upload(id)
    }

    /// Deletes an upload's row and everything it has on disk.
    pub(crate) fn drop_upload(&self, id: &str) -> Result<()> {
        self.db.write(|tx| {
            tx.prepare_cached("DELETE FROM uploads WHERE id = ?")?.execute([id])?;
            Ok(())
        })?;
        self.hashes.lock().unwrap_or_else(|p| p.into_inner()).remove(id);
        super::store::Store::remove(&self.store.partial_path(id)?);
        let chunks = self.store.chunk_dir(id)?;
        if chunks.exists() {
            std::fs::remove_dir_all(&chunks)?;
        }
        Ok(())
    }

    pub(crate) fn list_uploads(
        &self,
        owner: &str,
        protocol: Option<Protocol>,
        client_user: Option<&str>,
    ) -> Result<Vec<Upload>> {
        self.db.read(|tx| {
            let mut stmt = tx.prepare_cached(&format!(
                "SELECT {UPLOAD_COLUMNS} FROM uploads
                  WHERE owner = ?1 AND (?2 IS NULL OR protocol = ?2) AND (?3 IS NULL OR client_user = ?3) AND expires_at > ?4
                  ORDER BY created_at"
            ))?;
            let rows = stmt
                .query_map(params![owner, protocol.map(Protocol::as_str), client_user, now_ms()], upload_from_row)?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
    }

    /// Drops uploads past their expiry, with their partial content.
    pub(crate) fn sweep_expired(&self) -> Result<()> {
        let expired: Vec<String> = self.db.read(|tx| {
            let mut stmt = tx.prepare_cached("SELECT id FROM uploads WHERE expires_at <= ? LIMIT 100")?;
            let ids = stmt.query_map([now_ms()], |r| r.get(0))?.collect::<Result<Vec<String>, _>>()?;
            Ok(ids)
        })?;
        for id in expired {
            // One being written right now is left for the next sweep.
            let busy = self.busy.lock().unwrap_or_else(|p| p.into_inner()).contains(&id);
            if !busy {
                tracing::info!(id, "dropping an expired upload");
                self.drop_upload(&id)?;
            }
        }
        Ok(())
    }

    /// Finishes uploads whose last part was acknowledged but whose completion the process did
    /// not live to write. Failures are logged: the session stays and a later start retries.
    pub(crate) fn recover_finished_uploads(self: &Arc<Self>) {
        let done: Result<Vec<Upload>> = self.db.read(|tx| {
            let mut stmt = tx.prepare_cached(&format!(
                "SELECT {UPLOAD_COLUMNS} FROM uploads WHERE offset = length AND length > 0 AND protocol <> 'CHUNKED'"
            ))?;
            let rows = stmt.query_map([], upload_from_row)?.collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        });
        for upload in done.unwrap_or_default() {
            let id = upload.upload_id.clone();
            let result = self.store.partial_path(&id).and_then(|p| hash_prefix(&p, upload.length)).and_then(|md5| {
                let _busy = self.lock_upload(&id)?;
                self.finalize(&upload, md5)
            });
            match result {
                Ok(_) => tracing::info!(id, "completed an upload acknowledged before a restart"),
                Err(e) => tracing::warn!(id, error = %e, "could not complete an acknowledged upload"),
            }
        }
    }

    /// Keeps an upload's hash for its next part. Past [`LIVE_HASHERS`] paused uploads the hash
    /// is settled first, so idle uploads do not each hold a thread.
    fn keep_hash(&self, id: String, offset: u64, hasher: Hasher) -> Result<()> {
        let live = self.hashes.lock().unwrap_or_else(|p| p.into_inner()).len();
        let hasher = if live >= LIVE_HASHERS { Hasher::settled(hasher.finish()?) } else { hasher };
        self.hashes.lock().unwrap_or_else(|p| p.into_inner()).insert(id, HashState { offset, hasher });
        Ok(())
    }

    /// The last byte is in: check the declared MD5 and make the file.
    fn finalize(self: &Arc<Self>, upload: &Upload, md5: Md5) -> Result<StoredFile> {
        let id = &upload.upload_id;
        let actual = hex_lower(&md5.finalize());
        self.hashes.lock().unwrap_or_else(|p| p.into_inner()).remove(id);
        if let Some(expected) = upload.md5.as_ref().filter(|m| **m != actual) {
            tracing::warn!(id, expected, actual, "upload refused: MD5 mismatch");
            self.drop_upload(id)?;
            return Err(Error::ChecksumMismatch { expected: expected.clone(), actual });
        }
        let spec = NewFile {
            name: upload.name.clone(),
            domain: upload.domain,
            owner: upload.owner.clone(),
            mime: tus_filetype(&upload.metadata),
            derived_from: None,
        };
        let path = self.store.partial_path(id)?;
        self.complete(id, &spec, &path, &actual, upload.length, Some(id))
    }
}

/// The `filetype` (or `type`, as Uppy sends it) of tus metadata: `key base64,key base64`.
fn tus_filetype(metadata: &str) -> Option<String> {
    use base64::Engine;
    metadata.split(',').find_map(|pair| {
        let (key, value) = pair.trim().split_once(' ')?;
        if key != "filetype" && key != "type" {
            return None;
        }
        let bytes = base64::engine::general_purpose::STANDARD.decode(value.trim()).ok()?;
        String::from_utf8(bytes).ok()
    })
}

/// One part of a resumable upload being written: bytes go to the partial file, and to the MD5
/// on its own thread, as they come. [`PartWriter::commit`] fsyncs them and moves the acknowledged
/// offset (without waiting for the hash, which goes on into the next part); dropped without a
/// commit, the part is rolled back (or, with `keep_partial`, kept).
pub struct PartWriter {
    files: Arc<Files>,
    upload: Upload,
    out: Option<BufWriter<File>>,
    /// The upload's running MD5, marked where this part began.
    hasher: Option<Hasher>,
    /// The part's own checksum, when the client sent one to compare with (`want`).
    check: Option<PartHash>,
    want: Option<Vec<u8>>,
    written: u64,
    keep_partial: bool,
    done: bool,
    behind: WriteBehind,
    _busy: Busy,
}

impl PartWriter {
    /// The upload as it was when the part began.
    pub fn upload(&self) -> &Upload {
        &self.upload
    }

    pub fn written(&self) -> u64 {
        self.written
    }

    /// Appends bytes (copied once; [`PartWriter::write_bytes`] shares a buffer instead). Past
    /// the upload's declared length: TooLarge, and the part is rolled back.
    pub fn write(&mut self, buf: &[u8]) -> Result<()> {
        self.write_bytes(Bytes::copy_from_slice(buf))
    }

    /// Appends a buffer, shared with the hashing thread rather than copied.
    pub fn write_bytes(&mut self, buf: Bytes) -> Result<()> {
        let room = self.upload.length - self.upload.offset - self.written;
        if buf.len() as u64 > room {
            self.rollback();
            return Err(Error::TooLarge(format!(
                "the upload is {} bytes long; this part goes past its end",
                self.upload.length
            )));
        }
        let out = self.out.as_mut().ok_or_else(|| Error::Internal("part already ended".into()))?;
        out.write_all(&buf)?;
        self.behind.wrote(out.get_ref(), buf.len());
        self.written += buf.len() as u64;
        if let Some(check) = &mut self.check {
            check.update(&buf);
        }
        self.hasher.as_mut().ok_or_else(|| Error::Internal("part already ended".into()))?.feed(buf)
    }

    /// Fsyncs the part and acknowledges it; completes the file if it was the last. A part
    /// whose checksum is wrong is rolled back (ChecksumMismatch); so is the whole upload when
    /// the finished file's MD5 is not the declared one.
    pub fn commit(mut self) -> Result<PartOutcome> {
        if let (Some(want), Some(check)) = (self.want.take(), self.check.take()) {
            let got = check.finalize();
            if got != want {
                self.rollback();
                return Err(Error::ChecksumMismatch { expected: hex_lower(&want), actual: hex_lower(&got) });
            }
        }
        self.save()
    }

    /// Ends a part that stopped early: kept as far as it got when the options say so (tus),
    /// else rolled back. Answers the upload as it now stands.
    pub fn abort(mut self) -> Result<Upload> {
        if self.keep_partial && self.want.is_none() && self.written > 0 {
            Ok(self.save()?.upload)
        } else {
            self.rollback();
            Ok(self.upload.clone())
        }
    }

    fn save(&mut self) -> Result<PartOutcome> {
        let out = self.out.take().ok_or_else(|| Error::Internal("part already ended".into()))?;
        let file = out.into_inner().map_err(|e| e.into_error())?;
        self.behind.release();
        // Acknowledged means on disk: data first, then the offset that points past it.
        file.sync_data()?;
        drop(file);
        self.behind.stop();
        let start = self.upload.offset;
        let offset = start + self.written;
        let now = now_ms();
        let id = self.upload.upload_id.clone();
        let n = self.files.db.write(|tx| {
            Ok(tx
                .prepare_cached(
                    "UPDATE uploads SET offset = ?, updated_at = ?, expires_at = ? WHERE id = ? AND offset = ?",
                )?
                .execute(params![offset as i64, now, now + UPLOAD_TTL_MS, id, start as i64])?)
        })?;
        self.done = true;
        if n == 0 {
            return Err(Error::not_found(Entity::Upload, &id));
        }
        self.upload.offset = offset;
        self.upload.update_time = now;
        self.upload.expire_time = now + UPLOAD_TTL_MS;
        let hasher = self.hasher.take().ok_or_else(|| Error::Internal("part already ended".into()))?;
        if offset == self.upload.length {
            let file = self.files.finalize(&self.upload, hasher.finish()?)?;
            return Ok(PartOutcome { upload: self.upload.clone(), file: Some(file) });
        }
        self.files.keep_hash(id, offset, hasher)?;
        Ok(PartOutcome { upload: self.upload.clone(), file: None })
    }

    /// Forgets the part: the partial file is cut back to the acknowledged offset, and the hash
    /// to where the part began.
    fn rollback(&mut self) {
        if self.done {
            return;
        }
        self.done = true;
        let start = self.upload.offset;
        self.behind.stop();
        if let Some(out) = self.out.take() {
            // The buffered tail is thrown away with the rest of the part.
            let (file, _) = out.into_parts();
            if let Err(e) = file.set_len(start) {
                tracing::warn!(id = %self.upload.upload_id, error = %e, "could not roll a part back; the next part will");
            }
        }
        // Without the mark's state the next part rebuilds the hash from the partial file.
        if let Some(Ok(Some(md5))) = self.hasher.take().map(Hasher::finish_at_mark) {
            let _ = self.files.keep_hash(self.upload.upload_id.clone(), start, Hasher::start(md5));
        }
    }
}

impl Drop for PartWriter {
    fn drop(&mut self) {
        self.rollback();
    }
}

impl Cms {
    /// Starts an upload of the caller's, or finds the one this client already has for the same
    /// content (seed 004), or completes it at once when the content is already stored.
    pub fn create_upload(&self, actor: &Actor, upload: NewUpload) -> Result<UploadStart> {
        actor.require(Capability::Upload)?;
        self.files.create_upload(&actor.owner(), upload)
    }

    /// The caller's upload `id` of `protocol` (NotFound for anyone else's, or once expired).
    pub fn upload(&self, actor: &Actor, id: &str, protocol: Protocol) -> Result<Upload> {
        actor.require(Capability::Upload)?;
        self.files.upload(id, &actor.owner(), protocol)
    }

    /// Where the caller's upload `id` stands: the upload, or once complete the caller's file of
    /// that id as a finished upload (its offset is its length). Anyone else's is NotFound.
    pub fn upload_state(&self, actor: &Actor, id: &str, protocol: Protocol) -> Result<Upload> {
        actor.require(Capability::Upload)?;
        let owner = actor.owner();
        match self.files.upload(id, &owner, protocol) {
            Err(Error::NotFound { .. }) => {}
            other => return other,
        }
        let file = self.files.file(id)?;
        if file.owner != owner {
            return Err(Error::not_found(Entity::Upload, id));
        }
        Ok(Upload {
            upload_id: file.file_id,
            protocol,
            owner: file.owner,
            client_user: String::new(),
            domain: file.domain,
            name: file.name,
            path_local: String::new(),
            length: file.size,
            md5: Some(file.md5),
            offset: file.size,
            chunks: None,
            metadata: String::new(),
            create_time: file.create_time,
            update_time: file.create_time,
            expire_time: 0,
        })
    }

    /// Starts writing the part at `offset` of the caller's upload. Write its bytes as they
    /// arrive, then commit (or drop to roll back). One part per upload at a time: a second is InUse.
    pub fn begin_part(
        &self,
        actor: &Actor,
        id: &str,
        protocol: Protocol,
        offset: u64,
        options: PartOptions,
    ) -> Result<PartWriter> {
        actor.require(Capability::Upload)?;
        self.files.begin_part(id, &actor.owner(), protocol, offset, options)
    }

    /// Cancels the caller's upload and deletes what it had received.
    pub fn cancel_upload(&self, actor: &Actor, id: &str, protocol: Protocol) -> Result<()> {
        actor.require(Capability::Upload)?;
        self.files.cancel_upload(id, &actor.owner(), protocol)
    }

    /// Blocks until a request is (`writing`) or is no longer (`!writing`) writing upload `id`.
    ///
    /// A client whose part broke off cannot tell when the server has finished keeping what
    /// arrived: only once no request writes the upload is its offset final. Tests wait here
    /// rather than polling the offset against a clock.
    pub fn wait_upload_writer(&self, id: &str, writing: bool) {
        let files = &self.files;
        let mut busy = files.busy.lock().unwrap_or_else(|p| p.into_inner());
        while busy.contains(id) != writing {
            busy = files.busy_changed.wait(busy).unwrap_or_else(|p| p.into_inner());
        }
    }

    /// The caller's unfinished uploads, optionally of one protocol and one client user.
    pub fn list_uploads(
        &self,
        actor: &Actor,
        protocol: Option<Protocol>,
        client_user: Option<&str>,
    ) -> Result<Vec<Upload>> {
        actor.require(Capability::Upload)?;
        self.files.list_uploads(&actor.owner(), protocol, client_user)
    }
}
