//! The file store (issue 4): content kept by id under the data dir, metadata in SQLite, resumable uploads, background processing.
//!
//! Every upload protocol ends in [`Files::complete`]: content hashed while it was written,
//! fsynced, then either renamed into place as a new blob or, when a blob with the same MD5 and
//! size is already stored, dropped in favour of that one. The file's row is written in the same
//! transaction that retires its upload session, so an id is either an upload in progress or a
//! whole, usable file, never half of each.

mod chunked;
pub(crate) mod clock;
mod flush;
mod hasher;
mod ingest;
mod local;
mod md5;
mod media;
pub mod name;
mod oss;
mod store;

pub(crate) use store::fsync_dir;
mod upload;

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc, Condvar, Mutex, RwLock};

use rusqlite::{params, OptionalExtension, Row, Transaction};
use serde::{Deserialize, Serialize};

use crate::actor::{Access, Actor, Capability};
use crate::audit::{Action, Change};
use crate::db::Db;
use crate::error::{Error, Result};
use crate::ids::now_ms;
use crate::{Cms, Entity};

pub use chunked::{ChunkOutcome, ChunkWriter, UPLOAD_URL_TTL_MS};
pub use clock::iso_utc;
pub use ingest::{Ingest, NewFile};
pub use local::LocalOutcome;
pub use md5::Md5;
pub use media::{MediaTools, EVENT_SNAPSHOT, EVENT_TRANSCODE};
pub use oss::{OssConfig, OssMode, PostGrant, PostPolicy, OSS_CALLBACK_BODY, OSS_POLICY_TTL_S};
pub use store::is_id;
pub use upload::{
    Checksum, NewUpload, PartOptions, PartOutcome, PartWriter, Protocol, Upload, UploadStart, UPLOAD_TTL_MS,
};

/// The largest file any protocol accepts (1 TiB): far beyond any film, small enough that sizes
/// never overflow anything.
pub const MAX_FILE_SIZE: u64 = 1 << 40;
/// How many leading bytes are kept to sniff a MIME type from.
const HEAD_BYTES: usize = 8192;
/// Read buffer for hashing and copying files already on disk: big enough for few syscalls,
/// small enough to stay in cache between the read and the hash.
const COPY_BUFFER: usize = 256 << 10;

/// The business area a file belongs to (seed §11.1 `domain`, plus RESOURCE for the resource disk).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Domain {
    Cinema,
    Hall,
    VrClient,
    Movie,
    User,
    Resource,
}

impl Domain {
    pub const ALL: [Domain; 6] =
        [Domain::Cinema, Domain::Hall, Domain::VrClient, Domain::Movie, Domain::User, Domain::Resource];

    pub fn as_str(self) -> &'static str {
        match self {
            Domain::Cinema => "CINEMA",
            Domain::Hall => "HALL",
            Domain::VrClient => "VR_CLIENT",
            Domain::Movie => "MOVIE",
            Domain::User => "USER",
            Domain::Resource => "RESOURCE",
        }
    }

    /// Parses the wire value; anything else is Invalid on `domain`.
    pub fn parse(s: &str) -> Result<Domain> {
        Domain::ALL
            .into_iter()
            .find(|d| d.as_str() == s.trim())
            .ok_or_else(|| Error::invalid("domain", "must be CINEMA, HALL, VR_CLIENT, MOVIE, USER or RESOURCE"))
    }
}

/// Where a file's content is.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FileState {
    /// In this store.
    Ready,
    /// In Aliyun OSS (uploaded there directly; the server only got the callback).
    Remote,
}

/// Whether background processing (probe, snapshot, thumbnail) is still to run.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Processing {
    None,
    Pending,
    Done,
}

/// A processing event, shaped like seed 001's callbacks: `EventTime`, `EventType`, `VideoId`
/// (the file id), `Status` (success/fail), and what the event found.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileEvent {
    #[serde(rename = "EventType")]
    pub event_type: String,
    #[serde(rename = "Status")]
    pub status: String,
    /// UTC, `yyyy-MM-ddTHH:mm:ssZ`.
    #[serde(rename = "EventTime")]
    pub event_time: String,
    #[serde(rename = "VideoId")]
    pub video_id: String,
    #[serde(flatten)]
    pub detail: serde_json::Map<String, serde_json::Value>,
}

/// A stored file's metadata.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredFile {
    #[serde(rename = "fileID")]
    pub file_id: String,
    /// The name the client gave, cleaned (see [`name::clean`]).
    pub name: String,
    pub size: u64,
    /// Lowercase hex.
    pub md5: String,
    pub mime_type: String,
    pub domain: Domain,
    /// `user:<id>` or `cinema:<id>`.
    pub owner: String,
    pub create_time: i64,
    pub state: FileState,
    /// Where to download it: `/cms/files/{id}`.
    pub url: String,
    pub processing: Processing,
    /// What probing found: duration, width, height, codecs.
    pub media: Option<serde_json::Value>,
    /// The file a snapshot or thumbnail was taken from.
    #[serde(rename = "derivedFrom")]
    pub derived_from: Option<String>,
    pub events: Vec<FileEvent>,
}

/// The hash of an upload's acknowledged bytes, kept between its parts so a part only hashes
/// itself; it may still be catching up on its thread. After a restart (or a part rolled back
/// without a mark) it is rebuilt from the partial file once.
struct HashState {
    offset: u64,
    hasher: hasher::Hasher,
}

/// Uploads whose hasher thread stays alive between parts; past this, a paused upload's hash is
/// settled (its thread ends) and restarted with its next part.
const LIVE_HASHERS: usize = 16;

/// The store and everything shared with the background worker.
pub(crate) struct Files {
    db: Arc<Db>,
    store: store::Store,
    hashes: Mutex<HashMap<String, HashState>>,
    /// Uploads being written right now: one request at a time per upload.
    busy: Mutex<HashSet<String>>,
    /// Signalled whenever `busy` changes, for [`Cms::wait_upload_writer`].
    busy_changed: Condvar,
    tools: RwLock<MediaTools>,
    worker: Mutex<Option<mpsc::Sender<media::Job>>>,
    /// The worker's queue as seen by those waiting on it ([`Cms::wait_processed`]).
    jobs: Mutex<media::Jobs>,
    jobs_done: Condvar,
}

/// Holds an upload for one request; released on drop.
pub(crate) struct Busy {
    files: Arc<Files>,
    id: String,
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.files.busy.lock().unwrap_or_else(|p| p.into_inner()).remove(&self.id);
        self.files.busy_changed.notify_all();
    }
}

const FILE_COLUMNS: &str =
    "id, name, size, md5, mime, domain, owner, created_at, state, blob, processing, media, derived_from";

/// A file row and where its content is (`blob`).
struct FileRow {
    file: StoredFile,
    blob: String,
}

fn file_from_row(r: &Row<'_>) -> rusqlite::Result<FileRow> {
    let id: String = r.get(0)?;
    let domain: String = r.get(5)?;
    let state: String = r.get(8)?;
    let processing: String = r.get(10)?;
    let media: Option<String> = r.get(11)?;
    let bad = |what: &str, v: &str| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, format!("{what} {v:?}").into())
    };
    Ok(FileRow {
        file: StoredFile {
            url: crate::movie::file_path(Some(&id)),
            file_id: id,
            name: r.get(1)?,
            size: r.get::<_, i64>(2)? as u64,
            md5: r.get(3)?,
            mime_type: r.get(4)?,
            domain: Domain::parse(&domain).map_err(|_| bad("domain", &domain))?,
            owner: r.get(6)?,
            create_time: r.get(7)?,
            state: match state.as_str() {
                "READY" => FileState::Ready,
                "REMOTE" => FileState::Remote,
                _ => return Err(bad("state", &state)),
            },
            processing: match processing.as_str() {
                "NONE" => Processing::None,
                "PENDING" => Processing::Pending,
                "DONE" => Processing::Done,
                _ => return Err(bad("processing", &processing)),
            },
            media: media.and_then(|m| serde_json::from_str(&m).ok()),
            derived_from: r.get(12)?,
            events: Vec::new(),
        },
        blob: r.get(9)?,
    })
}

fn hex_lower(bytes: &[u8]) -> String {
    hex::encode(bytes)
}

/// Checks a client's MD5: 32 hex digits, answered in lowercase.
pub(crate) fn parse_md5(field: &str, s: &str) -> Result<String> {
    let s = s.trim();
    if s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(s.to_ascii_lowercase())
    } else {
        Err(Error::invalid(field, "must be an MD5 of 32 hex digits"))
    }
}

/// The MD5 of the first `len` bytes of a file.
fn hash_prefix(path: &Path, len: u64) -> Result<Md5> {
    let mut md5 = Md5::new();
    let mut f = std::fs::File::open(path)?.take(len);
    let mut buf = vec![0u8; COPY_BUFFER];
    let mut total = 0u64;
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        md5.update(&buf[..n]);
        total += n as u64;
    }
    if total != len {
        return Err(Error::Internal(format!(
            "{} holds {total} bytes, fewer than the {len} acknowledged",
            path.display()
        )));
    }
    Ok(md5)
}

/// The first bytes of a file, to sniff its type.
fn read_head(path: &Path) -> Result<Vec<u8>> {
    let mut head = Vec::with_capacity(HEAD_BYTES);
    std::fs::File::open(path)?.take(HEAD_BYTES as u64).read_to_end(&mut head)?;
    Ok(head)
}

impl Files {
    /// Removes a blob's content from the store (no file row names it any more).
    pub(crate) fn remove_blob(&self, blob: &str) {
        match self.store.blob_path(blob) {
            Ok(path) => store::Store::remove(&path),
            Err(e) => tracing::warn!(blob, error = %e, "not a blob of this store"),
        }
    }

    pub(crate) fn open(db: Arc<Db>, data_dir: &Path) -> Result<Arc<Files>> {
        let files = Arc::new(Files {
            db,
            store: store::Store::open(data_dir)?,
            hashes: Mutex::new(HashMap::new()),
            busy: Mutex::new(HashSet::new()),
            busy_changed: Condvar::new(),
            tools: RwLock::new(MediaTools::default()),
            worker: Mutex::new(None),
            jobs: Mutex::new(media::Jobs::default()),
            jobs_done: Condvar::new(),
        });
        files.sweep_expired()?;
        files.recover_finished_uploads();
        files.resume_processing()?;
        Ok(files)
    }

    fn lock_upload(self: &Arc<Self>, id: &str) -> Result<Busy> {
        let mut busy = self.busy.lock().unwrap_or_else(|p| p.into_inner());
        if !busy.insert(id.to_string()) {
            return Err(Error::InUse(format!("another request is writing upload {id}; retry when it has finished")));
        }
        self.busy_changed.notify_all();
        Ok(Busy { files: Arc::clone(self), id: id.to_string() })
    }

    fn load(tx: &Transaction<'_>, id: &str) -> Result<Option<FileRow>> {
        Ok(tx
            .prepare_cached(&format!("SELECT {FILE_COLUMNS} FROM files WHERE id = ?"))?
            .query_row([id], file_from_row)
            .optional()?)
    }

    fn events(tx: &Transaction<'_>, id: &str) -> Result<Vec<FileEvent>> {
        let mut stmt = tx.prepare_cached("SELECT data FROM file_events WHERE file_id = ? ORDER BY id")?;
        let rows = stmt.query_map([id], |r| r.get::<_, String>(0))?;
        let mut events = Vec::new();
        for data in rows {
            events.push(serde_json::from_str(&data?).map_err(|e| Error::Internal(format!("bad event JSON: {e}")))?);
        }
        Ok(events)
    }

    /// A file with its events.
    pub(crate) fn file(&self, id: &str) -> Result<StoredFile> {
        self.db.read(|tx| {
            let row = Files::load(tx, id)?.ok_or_else(|| Error::not_found(Entity::File, id))?;
            let mut file = row.file;
            file.events = Files::events(tx, id)?;
            Ok(file)
        })
    }

    /// A file and the path of its content when it is in this store.
    pub(crate) fn file_content(&self, id: &str) -> Result<(StoredFile, Option<PathBuf>)> {
        let row = self.db.read(|tx| Files::load(tx, id)?.ok_or_else(|| Error::not_found(Entity::File, id)))?;
        match row.file.state {
            FileState::Ready => {
                let path = self.store.blob_path(&row.blob)?;
                Ok((row.file, Some(path)))
            }
            FileState::Remote => Ok((row.file, None)),
        }
    }

    /// Where a REMOTE file lives (its OSS URL).
    pub(crate) fn remote_url(&self, id: &str) -> Result<Option<String>> {
        let row = self.db.read(|tx| Files::load(tx, id)?.ok_or_else(|| Error::not_found(Entity::File, id)))?;
        Ok((row.file.state == FileState::Remote).then_some(row.blob))
    }

    /// The last step of every upload: `source` holds `size` fsynced bytes hashing to `md5`.
    /// Either they become a new blob (renamed into place) or, when a blob with the same MD5 and
    /// size exists, `source` is dropped and the file shares that blob. The file row is written,
    /// and `upload` (the session that produced it) retired, in one transaction.
    pub(crate) fn complete(
        self: &Arc<Self>,
        id: &str,
        spec: &NewFile,
        source: &Path,
        md5: &str,
        size: u64,
        upload: Option<&str>,
    ) -> Result<StoredFile> {
        let head = read_head(source)?;
        let mime = name::mime(&head, &spec.name, spec.mime.as_deref());
        // Snapshots and thumbnails are not processed again; films and pictures are.
        let process = spec.derived_from.is_none() && (mime.starts_with("video/") || mime.starts_with("image/"));
        let mut shared = false;
        let file = self.db.write(|tx| {
            let existing: Option<String> = tx
                .prepare_cached("SELECT blob FROM files WHERE md5 = ? AND size = ? AND state = 'READY' LIMIT 1")?
                .query_row(params![md5, size as i64], |r| r.get(0))
                .optional()?;
            let blob = match existing {
                Some(blob) => {
                    shared = true;
                    blob
                }
                None => {
                    // Renamed while the transaction is open: the row never exists without its
                    // content. Should the commit fail, an unreferenced blob is all that is left.
                    self.store.install(source, id)?;
                    id.to_string()
                }
            };
            insert_file(tx, id, spec, size, md5, &mime, &blob, process)?;
            if let Some(upload) = upload {
                tx.prepare_cached("DELETE FROM uploads WHERE id = ?")?.execute([upload])?;
            }
            let file = Files::load(tx, id)?.expect("just inserted").file;
            record_stored(tx, spec, &file)?;
            Ok(file)
        })?;
        if shared {
            store::Store::remove(source);
        }
        if process {
            self.enqueue(id);
        }
        tracing::info!(id, size, md5, mime = %file.mime_type, shared, "stored a file");
        Ok(file)
    }

    /// A new file row for content already stored (an instant upload of known MD5 and size).
    /// Answers None when no blob has that content.
    pub(crate) fn complete_from_existing(
        &self,
        id: &str,
        spec: &NewFile,
        md5: &str,
        size: u64,
    ) -> Result<Option<StoredFile>> {
        self.db.write(|tx| {
            let existing: Option<(String, String)> = tx
                .prepare_cached(
                    "SELECT blob, mime FROM files WHERE md5 = ? AND size = ? AND state = 'READY' ORDER BY created_at LIMIT 1",
                )?
                .query_row(params![md5, size as i64], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            let Some((blob, mime)) = existing else { return Ok(None) };
            // The same uploader sending the same file under the same name gets that file back
            // rather than a twin.
            let same: Option<String> = tx
                .prepare_cached(
                    "SELECT id FROM files WHERE md5 = ? AND size = ? AND state = 'READY' AND owner = ? AND name = ?
                       AND domain = ? AND derived_from IS NULL LIMIT 1",
                )?
                .query_row(params![md5, size as i64, spec.owner, spec.name, spec.domain.as_str()], |r| r.get(0))
                .optional()?;
            let id = match same {
                Some(same) => same,
                None => {
                    // The content was processed when it first came: no second run.
                    insert_file(tx, id, spec, size, md5, &mime, &blob, false)?;
                    record_stored(tx, spec, &Files::load(tx, id)?.expect("just inserted").file)?;
                    id.to_string()
                }
            };
            let mut file = Files::load(tx, &id)?.expect("row exists").file;
            file.events = Files::events(tx, &id)?;
            Ok(Some(file))
        })
    }
}

/// Records a file stored for someone (what the store derives itself is not recorded); a file
/// of a cinema's client touches that cinema.
pub(crate) fn record_stored(tx: &Transaction<'_>, spec: &NewFile, file: &StoredFile) -> Result<()> {
    let Some(author) = &spec.author else { return Ok(()) };
    let mut change = Change::new(Action::Create, Entity::File, &file.file_id).after(file);
    if let Some(cinema) = spec.owner.strip_prefix("cinema:") {
        change = change.cinema(cinema);
    }
    author.record(tx, change)
}

#[allow(clippy::too_many_arguments)]
fn insert_file(
    tx: &Transaction<'_>,
    id: &str,
    spec: &NewFile,
    size: u64,
    md5: &str,
    mime: &str,
    blob: &str,
    process: bool,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO files(id, name, size, md5, mime, domain, owner, created_at, state, blob, processing, derived_from)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'READY', ?, ?, ?)",
    )?
    .execute(params![
        id,
        spec.name,
        size as i64,
        md5,
        mime,
        spec.domain.as_str(),
        spec.owner,
        now_ms(),
        blob,
        if process { "PENDING" } else { "NONE" },
        spec.derived_from,
    ])
    .map_err(|e| crate::error::unique_to_conflict(e, "fileID", id))?;
    Ok(())
}

impl Cms {
    /// A stored file's metadata and processing events.
    /// A stored file's metadata; a file of another cinema's client than the caller's is not found.
    pub fn file(&self, actor: &Actor, file_id: &str) -> Result<StoredFile> {
        actor.require(Capability::Operate)?;
        let file = self.files.file(file_id)?;
        if let Some(cinema) = file.owner.strip_prefix("cinema:") {
            self.db.read(|tx| actor.require_cinema(tx, cinema, Access::Read(Entity::File, file_id)))?;
        }
        Ok(file)
    }

    /// A stored file and the path of its content (None when it lives in OSS: see
    /// [`Cms::file_remote_url`]). Public, like OSS public-read: whoever has the id may download.
    pub fn file_content(&self, file_id: &str) -> Result<(StoredFile, Option<PathBuf>)> {
        self.files.file_content(file_id)
    }

    /// The OSS URL of a file uploaded to OSS directly; None for files in this store.
    pub fn file_remote_url(&self, file_id: &str) -> Result<Option<String>> {
        self.files.remote_url(file_id)
    }

    /// Where the store keeps its content (`<data dir>/files`).
    pub fn file_store_dir(&self) -> &Path {
        self.files.store.root()
    }
}
