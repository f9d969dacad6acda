//! Where an upload goes and how its bytes get there: the embedded core's local upload (streamed
//! into the store, parts fsynced) or a server's tus endpoint. The manager does not care which.

use std::path::Path;
use std::sync::Arc;

use cinedesk_core::files::{LocalOutcome, Protocol, UploadStart};
use cinedesk_core::{Actor, Cms, Domain};

use crate::error::CommandError;
use crate::uploads::journal::Destination;
use crate::uploads::tus::{TusClient, TusMeta, TusOutcome, TusProgress};

/// The backend of this moment, with the session that uploads.
pub enum Target {
    Embedded { cms: Arc<Cms>, actor: Actor },
    Remote { server: String, tus: TusClient },
}

/// A new upload: where it goes and what is already there.
pub struct Started {
    pub id: String,
    pub to: Destination,
    pub done: u64,
    /// Set when nothing was left to send (the same content was stored already).
    pub file_id: Option<String>,
}

/// Where a run stands.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    /// Bytes sent, those still on the wire included.
    pub done: u64,
    /// Bytes a pause asked for now keeps for sure: acknowledged by the server, or written to
    /// the embedded store (which commits them on a pause).
    pub kept: u64,
    pub total: u64,
}

/// How a run ended.
pub enum Finish {
    Done { file_id: String },
    Paused { done: u64 },
}

impl Target {
    /// The embedded core, uploading as the user of `token` (whether they may is the core's to say).
    pub fn embedded(cms: Arc<Cms>, token: &str) -> Result<Target, CommandError> {
        let actor = Actor::User(cms.authenticate(token)?);
        Ok(Target::Embedded { actor, cms })
    }

    /// A server's tus endpoint with the session's bearer token.
    pub fn remote(server: &str, token: &str) -> Result<Target, CommandError> {
        Ok(Target::Remote { server: server.to_string(), tus: TusClient::new(server, token)? })
    }

    /// Whether a recorded upload belongs here (the same database or the same server).
    pub fn serves(&self, to: &Destination) -> bool {
        match (self, to) {
            (Target::Embedded { actor, .. }, Destination::Embedded { owner }) => actor.owner() == *owner,
            (Target::Remote { server, .. }, Destination::Remote { server: s, .. }) => server == s,
            _ => false,
        }
    }

    /// Creates the upload (blocking: call from a plain thread).
    pub fn start(&self, path: &Path, domain: Domain, size: u64) -> Result<Started, CommandError> {
        match self {
            Target::Embedded { cms, actor } => {
                let to = Destination::Embedded { owner: actor.owner() };
                Ok(match cms.start_local_upload(actor, path, domain)? {
                    UploadStart::New(u) | UploadStart::Resumed(u) => {
                        Started { id: u.upload_id, to, done: u.offset, file_id: None }
                    }
                    UploadStart::Done(f) => {
                        Started { id: f.file_id.clone(), to, done: f.size, file_id: Some(f.file_id) }
                    }
                })
            }
            Target::Remote { server, tus } => {
                let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
                let meta = TusMeta { filename: name, filetype: mime_of(name), domain: domain.as_str() };
                let url = tus.create(size, &meta)?;
                let id = url.rsplit('/').next().unwrap_or_default().to_string();
                Ok(Started { id, to: Destination::Remote { server: server.clone(), url }, done: 0, file_id: None })
            }
        }
    }

    /// Sends what is left; `progress` answering false pauses.
    pub fn run(
        &self,
        id: &str,
        to: &Destination,
        path: &Path,
        size: u64,
        progress: &mut dyn FnMut(Progress) -> bool,
    ) -> Result<Finish, CommandError> {
        match (self, to) {
            (Target::Embedded { cms, actor }, _) => {
                let mut written = |done, total| progress(Progress { done, kept: done, total });
                Ok(match cms.run_local_upload(actor, id, &mut written)? {
                    LocalOutcome::Done(f) => Finish::Done { file_id: f.file_id },
                    LocalOutcome::Paused(u) => Finish::Paused { done: u.offset },
                })
            }
            (Target::Remote { tus, .. }, Destination::Remote { url, .. }) => {
                let mut sent =
                    |p: TusProgress| progress(Progress { done: p.sent, kept: p.acknowledged, total: p.length });
                Ok(match tus.run(url, path, size, &mut sent)? {
                    TusOutcome::Done { file_id } => Finish::Done { file_id },
                    TusOutcome::Paused { offset } => Finish::Paused { done: offset },
                })
            }
            (Target::Remote { .. }, Destination::Embedded { .. }) => Err(elsewhere()),
        }
    }

    /// Drops the upload and what it received.
    pub fn cancel(&self, id: &str, to: &Destination) -> Result<(), CommandError> {
        match (self, to) {
            (Target::Embedded { cms, actor }, _) => Ok(cms.cancel_upload(actor, id, Protocol::Local)?),
            (Target::Remote { tus, .. }, Destination::Remote { url, .. }) => Ok(tus.terminate(url)?),
            (Target::Remote { .. }, Destination::Embedded { .. }) => Err(elsewhere()),
        }
    }
}

fn elsewhere() -> CommandError {
    CommandError {
        code: cinedesk_core::Code::Conflict,
        info: "this upload belongs to another backend (switch the mode back to continue it)".into(),
        field: None,
    }
}

/// The type the server records for a file, from its extension (the server sniffs films anyway).
fn mime_of(name: &str) -> &'static str {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "mp4" | "m4v" => "video/mp4",
        "mkv" => "video/x-matroska",
        "mov" => "video/quicktime",
        "webm" => "video/webm",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "gif" => "image/gif",
        _ => "application/octet-stream",
    }
}
