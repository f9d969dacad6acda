//! Content arriving in one go (a form upload, an assembled file, a snapshot): written to a temp file while hashed, then completed.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::sync::Arc;

use super::md5::Md5;
use bytes::Bytes;

use super::flush::WriteBehind;
use super::hasher::Hasher;
use super::{hex_lower, name, Domain, Files, PostGrant, StoredFile, HEAD_BYTES, MAX_FILE_SIZE};
use crate::actor::{Actor, Capability};
use crate::error::{Error, Result};
use crate::ids::new_id;
use crate::Cms;

/// What a new file is, apart from its content and its owner (who stores it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFile {
    /// Cleaned by [`NewFile::new`]; metadata only.
    pub name: String,
    pub domain: Domain,
    /// `user:<id>`, `cinema:<id>` or `system`: the storing caller's [`crate::Actor::owner`], set
    /// by the use case (or by the policy that grants a direct upload).
    pub(crate) owner: String,
    /// The client's Content-Type, used only when neither content nor name tell the type.
    pub mime: Option<String>,
    pub derived_from: Option<String>,
}

impl NewFile {
    pub fn new(name: &str, domain: Domain) -> NewFile {
        NewFile { name: name::clean(name), domain, owner: String::new(), mime: None, derived_from: None }
    }

    /// Who owns the file: set by the use case that stores it.
    pub fn owner(&self) -> &str {
        &self.owner
    }

    pub(crate) fn owned_by(mut self, owner: &str) -> NewFile {
        self.owner = owner.to_string();
        self
    }

    pub fn with_mime(mut self, mime: Option<&str>) -> NewFile {
        self.mime = mime.map(str::to_string);
        self
    }
}

/// A file being written in one go. Dropped before [`Ingest::finish`], it leaves nothing behind.
pub struct Ingest {
    files: Arc<Files>,
    id: String,
    spec: NewFile,
    path: PathBuf,
    /// Taken (closed) before the file is renamed: Windows renames no open file.
    out: Option<BufWriter<File>>,
    /// Taken when finished; hashing runs beside the writes.
    hasher: Option<Hasher>,
    size: u64,
    max: u64,
    head: Vec<u8>,
    finished: bool,
    behind: WriteBehind,
}

/// Small pieces of a body are gathered into this much before a write; pieces at least this big
/// (most, once a stream is going) are written straight from the network buffer, not copied.
pub(crate) const WRITE_BUFFER: usize = 64 << 10;

impl Files {
    pub(crate) fn ingest(self: &Arc<Self>, id: Option<String>, spec: NewFile, max: u64) -> Result<Ingest> {
        let (path, file) = self.store.temp_file("")?;
        Ok(Ingest {
            files: Arc::clone(self),
            id: id.unwrap_or_else(new_id),
            spec,
            path,
            out: Some(BufWriter::with_capacity(WRITE_BUFFER, file)),
            hasher: Some(Hasher::start(Md5::new())),
            size: 0,
            max: max.min(MAX_FILE_SIZE),
            head: Vec::new(),
            finished: false,
            behind: WriteBehind::default(),
        })
    }
}

impl Ingest {
    /// Appends bytes (copied once; [`Ingest::write_bytes`] shares a buffer instead); past the
    /// size limit the file is refused (TooLarge) and nothing is kept.
    pub fn write(&mut self, buf: &[u8]) -> Result<()> {
        self.write_bytes(Bytes::copy_from_slice(buf))
    }

    /// Appends a buffer, shared with the hashing thread rather than copied.
    pub fn write_bytes(&mut self, buf: Bytes) -> Result<()> {
        if self.size + buf.len() as u64 > self.max {
            return Err(Error::TooLarge(format!("the file is larger than the {} bytes allowed", self.max)));
        }
        if self.head.len() < HEAD_BYTES {
            let take = (HEAD_BYTES - self.head.len()).min(buf.len());
            self.head.extend_from_slice(&buf[..take]);
        }
        let out = self.out.as_mut().ok_or_else(|| Error::Internal("ingest already finished".into()))?;
        out.write_all(&buf)?;
        self.behind.wrote(out.get_ref(), buf.len());
        self.size += buf.len() as u64;
        self.hasher.as_mut().ok_or_else(|| Error::Internal("ingest already finished".into()))?.feed(buf)
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// The id the file will have.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The MIME type the content has so far (from its first bytes and its name).
    pub fn mime(&self) -> String {
        name::mime(&self.head, &self.spec.name, self.spec.mime.as_deref())
    }

    /// The MIME type the content's first bytes show, if they show one (a name can lie).
    pub fn sniffed(&self) -> Option<&'static str> {
        infer::get(&self.head).map(|k| k.mime_type())
    }

    /// Fsyncs and stores the file. Fewer than `min_size` bytes is Invalid on `file` (a policy's
    /// content-length-range), and nothing is kept.
    pub fn finish(mut self, min_size: u64) -> Result<StoredFile> {
        if self.size < min_size {
            return Err(Error::invalid("file", format!("must be at least {min_size} bytes")));
        }
        let out = self.out.take().ok_or_else(|| Error::Internal("ingest already finished".into()))?;
        let file = out.into_inner().map_err(|e| e.into_error())?;
        self.behind.release();
        file.sync_all()?;
        drop(file);
        self.behind.stop();
        let hasher = self.hasher.take().ok_or_else(|| Error::Internal("ingest already finished".into()))?;
        let md5 = hex_lower(&hasher.finish()?.finalize());
        let result = self.files.complete(&self.id, &self.spec, &self.path, &md5, self.size, None);
        // Installed, or shared and removed: either way the temp file is no longer ours. On an
        // error Drop removes it.
        self.finished = result.is_ok();
        result
    }
}

impl Drop for Ingest {
    fn drop(&mut self) {
        if !self.finished {
            self.behind.stop();
            drop(self.out.take());
            super::store::Store::remove(&self.path);
        }
    }
}

impl Cms {
    /// Starts a file the caller writes in one go, at most `max_size` bytes: write its content,
    /// then [`Ingest::finish`]. Form uploads (uploadify, user icons, seed-002 whole files) come
    /// this way.
    pub fn ingest(&self, actor: &Actor, spec: NewFile, max_size: u64) -> Result<Ingest> {
        actor.require(Capability::Upload)?;
        self.files.ingest(None, spec.owned_by(&actor.owner()), max_size)
    }

    /// Starts the file a direct-upload policy allows (the local PostObject endpoint): the policy
    /// is the credential, and names the owner.
    pub fn ingest_granted(&self, grant: &PostGrant, mime: Option<&str>) -> Result<Ingest> {
        self.files.ingest(None, grant.file.clone().with_mime(mime), grant.max_size)
    }

    /// Stores `bytes` as the caller's file at once (small content: icons, tests).
    pub fn store_bytes(&self, actor: &Actor, spec: NewFile, bytes: &[u8]) -> Result<StoredFile> {
        let mut ingest = self.ingest(actor, spec, bytes.len() as u64)?;
        ingest.write(bytes)?;
        ingest.finish(0)
    }
}
