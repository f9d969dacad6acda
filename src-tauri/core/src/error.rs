//! The core's error type: every failure has a stable machine code and a message naming what went wrong.

use std::fmt;

/// What kind of thing an error is about; named in its message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    Cinema,
    Hall,
    VrClient,
    Movie,
    VodTask,
    User,
    HmdModel,
    SeatModel,
    Enum,
    Message,
    Session,
    ApiKey,
    File,
    Upload,
    Folder,
    Resource,
    Classification,
    Video,
    Delivery,
    Command,
}

impl fmt::Display for Entity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Entity::Cinema => "cinema",
            Entity::Hall => "hall",
            Entity::VrClient => "vr client",
            Entity::Movie => "movie",
            Entity::VodTask => "vod task",
            Entity::User => "user",
            Entity::HmdModel => "hmd model",
            Entity::SeatModel => "seat model",
            Entity::Enum => "enumeration value",
            Entity::Message => "message",
            Entity::Session => "session",
            Entity::ApiKey => "api key",
            Entity::File => "file",
            Entity::Upload => "upload",
            Entity::Folder => "folder",
            Entity::Resource => "resource",
            Entity::Classification => "classification",
            Entity::Video => "video",
            Entity::Delivery => "delivery",
            Entity::Command => "command",
        })
    }
}

/// Errors of the core. Adapters map [`Error::code`] to HTTP statuses and UI messages in one place.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Input that breaks a rule; `field` is the wire name of the offending field.
    #[error("{field}: {reason}")]
    Invalid { field: String, reason: String },
    #[error("{entity} not found: {id}")]
    NotFound { entity: Entity, id: String },
    /// A unique value already taken (cinemaCode, alias, sceneNumber …).
    #[error("{field} already exists: {value}")]
    Conflict { field: String, value: String },
    /// The operation would orphan or break something that depends on the target.
    #[error("{0}")]
    InUse(String),
    #[error("wrong alias or password")]
    BadCredentials,
    #[error("not logged in or session expired")]
    Unauthorized,
    #[error("this operation needs the role {0}")]
    Forbidden(&'static str),
    #[error("database error: {0}")]
    Storage(#[from] rusqlite::Error),
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
    #[error("internal error: {0}")]
    Internal(String),
    /// Uploaded bytes that do not hash to what the client declared; nothing of them is kept.
    #[error("checksum mismatch: expected {expected}, got {actual}")]
    ChecksumMismatch { expected: String, actual: String },
    /// A part of an upload sent for another position than the next one; `expected` is where to resume.
    #[error("offset mismatch: the upload continues at byte {expected}, not {got}")]
    OffsetMismatch { expected: u64, got: u64 },
    /// More bytes than a limit allows (declared length, policy range, protocol maximum).
    #[error("{0}")]
    TooLarge(String),
    /// A credential that is not a user's (an upload policy, a callback signature) does not allow this.
    #[error("{0}")]
    Denied(String),
    /// A report about something that moved on since its sender heard of it (a withdrawn film, a
    /// replaced file, a command already finished): the sender's news is stale.
    #[error("{0}")]
    Stale(String),
}

impl Error {
    /// A stable code for machines; never changes once released.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Invalid { .. } => "invalid",
            Error::NotFound { .. } => "not_found",
            Error::Conflict { .. } => "conflict",
            Error::InUse(_) => "in_use",
            Error::BadCredentials | Error::Unauthorized => "unauthorized",
            Error::Forbidden(_) => "forbidden",
            Error::Storage(_) => "storage",
            Error::Io(_) => "io",
            Error::Internal(_) => "internal",
            Error::ChecksumMismatch { .. } => "checksum_mismatch",
            Error::OffsetMismatch { .. } => "offset_mismatch",
            Error::TooLarge(_) => "too_large",
            Error::Denied(_) => "forbidden",
            Error::Stale(_) => "conflict",
        }
    }

    /// The wire name of the field at fault, when there is one.
    pub fn field(&self) -> Option<&str> {
        match self {
            Error::Invalid { field, .. } | Error::Conflict { field, .. } => Some(field),
            _ => None,
        }
    }

    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::Invalid { field: field.into(), reason: reason.into() }
    }

    pub fn not_found(entity: Entity, id: impl Into<String>) -> Self {
        Error::NotFound { entity, id: id.into() }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Turns a UNIQUE violation into a conflict on `field`, so a race between two creates never
/// surfaces as a storage error.
pub(crate) fn unique_to_conflict(e: rusqlite::Error, field: &str, value: &str) -> Error {
    match &e {
        rusqlite::Error::SqliteFailure(f, _)
            if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY =>
        {
            Error::Conflict { field: field.to_string(), value: value.to_string() }
        }
        _ => Error::Storage(e),
    }
}
