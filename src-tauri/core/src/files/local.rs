//! Uploads from the desktop's own disk: a film read by path in parts, each fsynced and acknowledged, with progress, pause, resume and cancel.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use super::upload::{NewUpload, PartOptions, Protocol, Upload, UploadStart};
use super::{Domain, StoredFile, COPY_BUFFER};
use crate::actor::{Actor, Capability};
use crate::error::{Error, Result};
use crate::Cms;

/// Bytes committed (fsynced and acknowledged) at a time; a pause or a crash loses at most this.
const LOCAL_PART: u64 = 32 << 20;

/// How a run of a local upload ended.
#[derive(Debug, Clone, PartialEq)]
pub enum LocalOutcome {
    Done(StoredFile),
    /// Stopped because the progress callback said so; resume with [`Cms::run_local_upload`].
    Paused(Upload),
}

impl Cms {
    /// Starts uploading the file at `path` into the store (the desktop's upload manager): an
    /// upload session remembering the path, run by [`Cms::run_local_upload`]. An empty file is
    /// stored at once.
    pub fn start_local_upload(&self, actor: &Actor, path: &Path, domain: Domain) -> Result<UploadStart> {
        actor.require(Capability::Upload)?;
        let meta = std::fs::metadata(path).map_err(|e| Error::invalid("path", format!("{}: {e}", path.display())))?;
        if !meta.is_file() {
            return Err(Error::invalid("path", format!("{} is not a file", path.display())));
        }
        let path_text = path.to_str().ok_or_else(|| Error::invalid("path", "must be valid Unicode"))?;
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
        self.create_upload(
            actor,
            NewUpload {
                protocol: Protocol::Local,
                client_user: String::new(),
                domain,
                name: name.to_string(),
                path_local: path_text.to_string(),
                length: meta.len(),
                md5: None,
                metadata: String::new(),
                mime: None,
            },
        )
    }

    /// Runs (or resumes, after a pause or a restart) a local upload from where it stands.
    /// `progress(done, total)` is called as bytes go in; answering false pauses after the
    /// bytes so far are committed. A source file whose size changed is refused.
    pub fn run_local_upload(
        &self,
        actor: &Actor,
        id: &str,
        progress: &mut dyn FnMut(u64, u64) -> bool,
    ) -> Result<LocalOutcome> {
        let upload = self.upload(actor, id, Protocol::Local)?;
        let path = Path::new(&upload.path_local);
        let mut src = File::open(path).map_err(|e| Error::invalid("path", format!("{}: {e}", path.display())))?;
        if src.metadata()?.len() != upload.length {
            return Err(Error::invalid("path", format!("{} changed size since the upload started", path.display())));
        }
        src.seek(SeekFrom::Start(upload.offset))?;
        let mut offset = upload.offset;
        loop {
            let mut part = self.begin_part(actor, id, Protocol::Local, offset, PartOptions::default())?;
            let end = (offset + LOCAL_PART).min(upload.length);
            let mut go_on = true;
            while offset + part.written() < end {
                let want = ((end - offset - part.written()) as usize).min(COPY_BUFFER);
                // A fresh buffer each time: it goes to the hashing thread as it is, not copied.
                let mut buf = vec![0u8; want];
                let n = src.read(&mut buf)?;
                if n == 0 {
                    return Err(Error::invalid("path", format!("{} got shorter while being read", path.display())));
                }
                buf.truncate(n);
                part.write_bytes(buf.into())?;
                go_on = progress(offset + part.written(), upload.length);
                if !go_on {
                    break;
                }
            }
            let outcome = part.commit()?;
            offset = outcome.upload.offset;
            if let Some(file) = outcome.file {
                return Ok(LocalOutcome::Done(file));
            }
            if !go_on {
                return Ok(LocalOutcome::Paused(outcome.upload));
            }
        }
    }
}
