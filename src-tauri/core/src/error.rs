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
    Settings,
    /// A snapshot in a backup folder.
    Backup,
    AlertRules,
    Notification,
    Webhook,
}

impl Entity {
    /// Every kind, for looking one up by its wire name.
    pub const ALL: [Entity; 25] = [
        Entity::Cinema,
        Entity::Hall,
        Entity::VrClient,
        Entity::Movie,
        Entity::VodTask,
        Entity::User,
        Entity::HmdModel,
        Entity::SeatModel,
        Entity::Enum,
        Entity::Message,
        Entity::Session,
        Entity::ApiKey,
        Entity::File,
        Entity::Upload,
        Entity::Folder,
        Entity::Resource,
        Entity::Classification,
        Entity::Video,
        Entity::Delivery,
        Entity::Command,
        Entity::Settings,
        Entity::Backup,
        Entity::AlertRules,
        Entity::Notification,
        Entity::Webhook,
    ];

    /// The stable machine name (the audit log's `entity`): `vr_client`, `api_key` …
    pub fn wire(self) -> &'static str {
        match self {
            Entity::Cinema => "cinema",
            Entity::Hall => "hall",
            Entity::VrClient => "vr_client",
            Entity::Movie => "movie",
            Entity::VodTask => "vod_task",
            Entity::User => "user",
            Entity::HmdModel => "hmd_model",
            Entity::SeatModel => "seat_model",
            Entity::Enum => "enum",
            Entity::Message => "message",
            Entity::Session => "session",
            Entity::ApiKey => "api_key",
            Entity::File => "file",
            Entity::Upload => "upload",
            Entity::Folder => "folder",
            Entity::Resource => "resource",
            Entity::Classification => "classification",
            Entity::Video => "video",
            Entity::Delivery => "delivery",
            Entity::Command => "command",
            Entity::Settings => "settings",
            Entity::Backup => "backup",
            Entity::AlertRules => "alert_rules",
            Entity::Notification => "notification",
            Entity::Webhook => "webhook",
        }
    }
}

/// The human name, in messages: the machine name in words ("vr client", "api key" …).
impl fmt::Display for Entity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Entity::Enum => f.write_str("enumeration value"),
            e => f.write_str(&e.wire().replace('_', " ")),
        }
    }
}

/// The stable machine code of a failure, as clients see it (`"code"` of every error body).
/// Serialised as the snake_case strings below, which never change once released; the HTTP
/// status of each is [`Code::status`], the one mapping every adapter uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = ErrorCode))]
#[serde(rename_all = "snake_case")]
pub enum Code {
    /// Input that breaks a rule (`field` names it when there is one).
    Invalid,
    /// No valid session or signature.
    Unauthorized,
    /// Authenticated, but not allowed this.
    Forbidden,
    NotFound,
    /// A unique value already taken.
    Conflict,
    /// The target is used by something that would break without it.
    InUse,
    MethodNotAllowed,
    TooLarge,
    /// Uploaded bytes that do not hash to the declared MD5 or checksum.
    ChecksumMismatch,
    /// A part of an upload sent for another position than the acknowledged one.
    OffsetMismatch,
    UnsupportedMediaType,
    PreconditionFailed,
    RangeNotSatisfiable,
    /// Too many requests from this client: wait as `Retry-After` says.
    TooManyRequests,
    /// The server is busy (its database is locked): try again after `Retry-After` seconds.
    Busy,
    /// The server failed; its answer says only "internal error" and a `requestID` to find the
    /// real error in its log.
    Internal,
    /// The desktop has no backend to talk to (never sent by a server).
    NoBackend,
    /// A file the desktop was uploading changed on its disk (never sent by a server).
    SourceChanged,
}

impl Code {
    /// Every code, for documents and tests that go over all of them.
    pub const ALL: [Code; 18] = [
        Code::Invalid,
        Code::Unauthorized,
        Code::Forbidden,
        Code::NotFound,
        Code::Conflict,
        Code::InUse,
        Code::MethodNotAllowed,
        Code::TooLarge,
        Code::ChecksumMismatch,
        Code::OffsetMismatch,
        Code::UnsupportedMediaType,
        Code::PreconditionFailed,
        Code::RangeNotSatisfiable,
        Code::TooManyRequests,
        Code::Busy,
        Code::Internal,
        Code::NoBackend,
        Code::SourceChanged,
    ];

    /// The code as it goes on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Invalid => "invalid",
            Code::Unauthorized => "unauthorized",
            Code::Forbidden => "forbidden",
            Code::NotFound => "not_found",
            Code::Conflict => "conflict",
            Code::InUse => "in_use",
            Code::MethodNotAllowed => "method_not_allowed",
            Code::TooLarge => "too_large",
            Code::ChecksumMismatch => "checksum_mismatch",
            Code::OffsetMismatch => "offset_mismatch",
            Code::UnsupportedMediaType => "unsupported_media_type",
            Code::PreconditionFailed => "precondition_failed",
            Code::RangeNotSatisfiable => "range_not_satisfiable",
            Code::TooManyRequests => "too_many_requests",
            Code::Busy => "busy",
            Code::Internal => "internal",
            Code::NoBackend => "no_backend",
            Code::SourceChanged => "source_changed",
        }
    }

    /// The HTTP status a failure of this code answers with (the core knows no HTTP crate, so a
    /// plain number).
    pub fn status(self) -> u16 {
        match self {
            // Bytes that do not hash as declared: resending the same is no use, so a 400.
            Code::Invalid | Code::ChecksumMismatch => 400,
            Code::Unauthorized => 401,
            Code::Forbidden => 403,
            Code::NotFound => 404,
            Code::MethodNotAllowed => 405,
            Code::Conflict | Code::InUse | Code::OffsetMismatch | Code::SourceChanged => 409,
            Code::PreconditionFailed => 412,
            Code::TooLarge => 413,
            Code::UnsupportedMediaType => 415,
            Code::RangeNotSatisfiable => 416,
            Code::TooManyRequests => 429,
            Code::Internal => 500,
            Code::Busy | Code::NoBackend => 503,
        }
    }

    /// A server failure: its details are logged, never sent.
    pub fn is_internal(self) -> bool {
        self.status() >= 500 && self != Code::Busy
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// So `assert_eq!(err.code(), "not_found")` reads as the wire does.
impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// Errors of the core. Adapters answer each by its [`Error::code`], one mapping for all.
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
    /// Too many failed logins for an alias or from an address lately: no try is checked until
    /// `retry_after_secs` have passed.
    #[error("too many failed logins {what}: try again in {} minutes", .retry_after_secs.div_ceil(60))]
    TooManyTries { what: &'static str, retry_after_secs: u64 },
    /// A signed request refused, with why (an unknown key, a stale date, a signature over
    /// another request, one already used).
    #[error("{0}")]
    BadSignature(String),
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

/// For inputs that cannot fail to convert (a use case taking `impl TryInto<…>`).
impl From<std::convert::Infallible> for Error {
    fn from(never: std::convert::Infallible) -> Error {
        match never {}
    }
}

/// Whether SQLite gave up waiting for a lock another connection (or process) holds.
fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(e.sqlite_error_code(), Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked))
}

impl Error {
    /// The stable code for machines.
    pub fn code(&self) -> Code {
        match self {
            Error::Invalid { .. } => Code::Invalid,
            Error::NotFound { .. } => Code::NotFound,
            Error::Conflict { .. } => Code::Conflict,
            Error::InUse(_) => Code::InUse,
            Error::BadCredentials | Error::Unauthorized | Error::BadSignature(_) => Code::Unauthorized,
            Error::Forbidden(_) | Error::Denied(_) => Code::Forbidden,
            Error::Storage(e) if is_busy(e) => Code::Busy,
            Error::Storage(_) | Error::Io(_) | Error::Internal(_) => Code::Internal,
            Error::ChecksumMismatch { .. } => Code::ChecksumMismatch,
            Error::OffsetMismatch { .. } => Code::OffsetMismatch,
            Error::TooLarge(_) => Code::TooLarge,
            Error::Stale(_) => Code::Conflict,
            Error::TooManyTries { .. } => Code::TooManyRequests,
        }
    }

    /// Seconds the caller should wait before trying again (`Retry-After`), when the error says.
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            Error::TooManyTries { retry_after_secs, .. } => Some(*retry_after_secs),
            _ => None,
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
