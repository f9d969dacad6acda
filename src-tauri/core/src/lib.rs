//! Cinedesk's core: the whole CMS domain on an embedded SQLite database, with no HTTP and no window.
//!
//! Every use case is a method of [`Cms`], written once here and called by the server, the
//! desktop app and the tests alike. Each takes the caller ([`Actor`]) first and decides itself
//! whether that caller may; the adapters only say who is calling.
//!
//! # Modules
//!
//! - `actor`: who is calling ([`Actor`]), from where, which cinemas it sees, and the one rule of
//!   what each caller may do.
//! - `audit`: the audit log, written in each change's own transaction.
//! - `alerts`: alert rules, notifications raised and cleared by the sites' events and one timer,
//!   and the webhook calls they owe (an outbox written in the same transaction).
//! - `db`: SQLite: pragmas, plain-SQL migrations (`migrations/`), one writer, pooled readers.
//! - `changes`, `presence`: per-table change stamps for adapters that keep answers, and the
//!   COMS last-seen times they overlay instead of keeping.
//! - `error`: [`Error`] and its stable machine codes; `validate`: the seed's field rules.
//! - `ids`, `paths`, `query`: opaque ids and secrets, the default data dir, paging and WHERE building.
//! - `auth`, `user`: sessions; users with argon2 passwords, first-run setup, app info.
//! - `lockout`, `sessions`: refusing logins after too many failures; a user's sessions, listed and ended.
//! - `backup`: backups of a data dir taken while it is in use, and restores that check first.
//! - `clock`: the time of time-based rules, which tests may set.
//! - `cinema`, `hall`, `vr_client`, `catalogue`: the chain's places, seats and model catalogues.
//! - `movie`, `distribution`, `vod`: films, sending them to cinemas (and taking them back), VOD tasks.
//! - `delivery`, `command`, `report`, `liveness`: what the sites report back: each film's
//!   delivery to each cinema, commands to seats, heartbeats and seat faults, seats' last seen.
//! - `site_events`: what changed at a cinema, told to listeners after commit (alerts).
//! - `enums`: the seed's system enumerations and film types.
//! - `outbox`: each cinema's COMS message queue, written in the change's own transaction.
//! - `signing`: cinemas' API keys and seed-004 request signatures.
//! - `files`: the file store, every upload protocol's core, media processing.
//! - `library`, `upload_tokens`, `vod_flow`: the resource library (seed 004), upload tokens
//!   (seed 003), VOD flows (seed 001).
//! - `qr`, `qr_sheet`: a seat's QR code; a hall's A4 print sheet (PDF) or ZIP of SVGs.
//! - `settings`: the installation's settings (QR template, audit retention, low-disk warning).
//! - `space`: storage you can see: the store's use by kind and cinema, free disk, files nothing
//!   refers to, reclaimed.
//!
//! How the pieces fit, and how to add a use case: `docs/architecture.md`.

mod actor;
mod alerts;
mod audit;
mod auth;
pub mod backup;
mod catalogue;
mod changes;
mod cinema;
mod clock;
mod command;
mod db;
mod delivery;
mod distribution;
mod enums;
mod error;
pub mod files;
mod hall;
mod ids;
pub mod library;
mod liveness;
mod lockout;
mod movie;
mod outbox;
mod paths;
mod presence;
mod qr;
mod qr_sheet;
mod query;
mod report;
mod sessions;
mod settings;
mod signing;
mod site_events;
mod space;
pub mod upload_tokens;
mod user;
mod validate;
mod vod;
pub mod vod_flow;
mod vr_client;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

pub use actor::{Actor, Capability, Origin, Principal, Scope, Via};
pub use alerts::{
    backoff_ms as webhook_backoff_ms, AlertKind, AlertRules, AlertRulesChange, AlertState, Notification,
    NotificationQuery, Webhook, WebhookCall, WebhookFormat, MAX_WEBHOOK_URL,
};
pub use audit::{Action, AuditEntry, AuditQuery, DEFAULT_RETENTION_DAYS, RETENTION_DAYS};
pub use auth::{LoginFrom, Session, MAX_USER_AGENT, SESSION_TTL_MS};
pub use catalogue::{HmdModel, HmdModelInput, ModelQuery, SeatModel, SeatModelInput, SEAT_EFFECTS};
pub use changes::Table;
pub use cinema::{Cinema, CinemaDeletionImpact, CinemaInput, CinemaQuery};
pub use command::{Command, CommandAction, CommandInput, CommandMessage, CommandOutcome, CommandState};
pub use delivery::{
    Delivery, DeliveryBoard, DeliveryQuery, DeliveryReport, DeliveryState, FilmFile, FilmMessage, StateCounts,
    WithdrawalOutcome, WithdrawnMessage,
};
pub use distribution::{DistributeInput, DistributionOutcome};
pub use enums::{EnumKind, EnumValue, SysEnums, MOVIE_TYPES, ROLE_MANAGER, ROLE_SYS_ADMIN};
pub use error::{Code, Entity, Error, Result};
pub use files::{Domain, FileEvent, FileState, NewFile, StoredFile};
pub use hall::{Hall, HallInput, HallQuery};
pub use ids::{new_id, new_secret, now_ms};
pub use library::{Owner, OwnerType};
pub use liveness::{is_online, DEFAULT_SEAT_OFFLINE_MS, SEAT_SEEN_RESOLUTION_MS};
pub use lockout::{LOCKOUT_WINDOW_MS, MAX_ADDRESS_FAILURES, MAX_ALIAS_FAILURES};
pub use movie::{file_path, Movie, MovieInput, MovieQuery, ORDER_PARAMS};
pub use outbox::{ComsMessage, MessageType, WireMessage};
pub use paths::default_data_dir;
pub use qr::{
    render as render_qr, QrFormat, ScannedSeat, DEFAULT_QR_TEMPLATE, MAX_QR_SIZE, MIN_QR_SIZE, SCENE_PLACEHOLDER,
    TOKEN_PLACEHOLDER,
};
pub use qr_sheet::{QrSheet, SheetFormat, DEFAULT_PER_PAGE as DEFAULT_SHEET_PER_PAGE, PER_PAGE_CHOICES};
pub use query::{OrderSeq, Page, Paging, DEFAULT_LIMIT, MAX_LIMIT};
pub use report::{Heartbeat, SeatReport};
pub use sessions::SessionInfo;
pub use settings::{Settings, SettingsChange, MAX_SEAT_OFFLINE_SECONDS, MIN_SEAT_OFFLINE_SECONDS};
pub use signing::{
    is_signature, parse_user_date, sign, sign_dc2, user_date, ApiKey, ApiKeyInfo, SignedRequest, MAX_CLOCK_SKEW_MS,
};
pub use site_events::{SiteChange, SiteChanged};
pub use space::{
    CinemaUse, KindUse, OrphanFile, Reclaimed, StorageUse, DEFAULT_GRACE_DAYS, DEFAULT_WARN_FREE_GIB, MAX_GRACE_DAYS,
    MAX_RECLAIM, MAX_WARN_FREE_GIB,
};
pub use user::{AppInfo, User, UserInput, UserQuery, MIN_PASSWORD};
pub use validate::{whole as parse_whole, MAX_REPORT_TEXT, MAX_SCENE, MAX_SEAT_DESCRIPTION, MAX_TEXT};
pub use vod::{MovieRef, VodStatus, VodTask, VodTaskEvent, VodTaskInput, VodTaskMovie, VodTaskQuery, MAX_TASK_MOVIES};
pub use vr_client::{SeatCode, SeatFault, SeatStatus, VrClient, VrClientInput, VrClientQuery, MAX_BATCH_SEATS};

/// The database file's name inside a data dir.
pub const DB_FILE: &str = "cinedesk.db";

type Listener = Box<dyn Fn(&str) + Send + Sync>;

/// The CMS: one per data dir. Cheap to share behind an `Arc`; every method is blocking and
/// thread-safe (call it from `spawn_blocking` in async code).
pub struct Cms {
    // Shared with the file store's background worker.
    db: Arc<db::Db>,
    data_dir: PathBuf,
    listeners: Mutex<Vec<Listener>>,
    site_listeners: Mutex<Vec<site_events::SiteListener>>,
    sessions: auth::SessionCache,
    files: Arc<files::Files>,
    liveness: liveness::Liveness,
    presence: presence::Presence,
    clock: clock::Clock,
    /// Told when the backup settings change (the daily backups' runner).
    backup_listeners: Mutex<Vec<Box<dyn Fn() + Send + Sync>>>,
    /// One backup or restore at a time: two into one folder would prune each other's blobs.
    backup_lock: Mutex<()>,
}

impl Cms {
    /// Opens (creating if needed) the CMS stored in `data_dir`, applying pending migrations.
    pub fn open(data_dir: impl AsRef<Path>) -> Result<Cms> {
        let data_dir = data_dir.as_ref().to_path_buf();
        std::fs::create_dir_all(&data_dir)?;
        let db = Arc::new(db::Db::open(&data_dir.join(DB_FILE))?);
        tracing::info!(path = %db.path().display(), "opened database");
        let files = files::Files::open(Arc::clone(&db), &data_dir)?;
        let liveness = db.read(|tx| liveness::Liveness::load(tx))?;
        Ok(Cms {
            db,
            data_dir,
            listeners: Mutex::new(Vec::new()),
            site_listeners: Mutex::new(Vec::new()),
            sessions: auth::SessionCache::default(),
            files,
            liveness,
            presence: presence::Presence::default(),
            clock: clock::Clock::default(),
            backup_listeners: Mutex::new(Vec::new()),
            backup_lock: Mutex::new(()),
        })
    }

    /// Opens the CMS in the operating system's app data dir (see [`default_data_dir`]).
    pub fn open_default() -> Result<Cms> {
        Cms::open(default_data_dir()?)
    }

    /// This CMS with its own clock (ms since the epoch) for its time-based rules (login
    /// lockout, sessions' last use), instead of the system's: tests move time on at will.
    pub fn with_clock(mut self, now_ms: impl Fn() -> i64 + Send + Sync + 'static) -> Cms {
        self.clock = clock::Clock::set(now_ms);
        self
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Whether a read call would start at once rather than wait for a free connection. Async
    /// adapters use it to run short reads in place, saving two thread switches per request.
    pub fn read_ready(&self) -> bool {
        self.db.reader_ready()
    }

    /// A number that grows whenever a write that changed one of `tables` commits (before the
    /// write's caller is answered). An adapter may keep the answer of a read of `tables` for as
    /// long as this stays what it was before the read began (see the server's read cache). The
    /// last seen of a COMS moves no stamp: show [`Cms::recent_coms_last_seen`] over a kept one.
    pub fn data_stamp(&self, tables: &[Table]) -> u64 {
        self.db.stamp(tables)
    }

    /// Runs SQLite's integrity check; `Ok(())` means the file is sound.
    pub fn integrity_check(&self) -> Result<()> {
        self.db.read(|tx| {
            let res: String = tx.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
            if res == "ok" {
                Ok(())
            } else {
                Err(Error::Internal(format!("integrity check failed: {res}")))
            }
        })
    }
}
