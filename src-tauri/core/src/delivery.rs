//! Deliveries: how far each cinema got with each film distributed to it, from the message's acknowledgement to the site's READY, and what the site is told when the film changes.

use rusqlite::types::Value;
use rusqlite::{params, OptionalExtension, Row, Transaction};
use serde::{Deserialize, Serialize};

use crate::actor::{Access, Actor, Capability};
use crate::alerts;
use crate::audit::{self, Action, Change};
use crate::error::{Error, Result};
use crate::ids::now_ms;
use crate::movie::{self, file_path, Movie};
use crate::outbox::{self, MessageType};
use crate::query::{self, Paging, Where};
use crate::site_events::{SiteChange, SiteChanged};
use crate::validate::{self, MAX_CODE, MAX_REPORT_TEXT};
use crate::{cinema, Cms, Entity};

/// Where a film stands at a cinema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DeliveryState {
    /// Its message waits in the cinema's queue, not yet acknowledged.
    Queued,
    /// The COMS acknowledged the message.
    Sent,
    /// The site is downloading the file (`bytes` of `totalBytes`).
    Downloading,
    /// The site has the whole file, verified.
    Ready,
    /// The site gave up (`error` says why); a retry re-sends the message.
    Failed,
    /// Taken back from the cinema.
    Withdrawn,
}

impl DeliveryState {
    pub const ALL: [DeliveryState; 6] = [
        DeliveryState::Queued,
        DeliveryState::Sent,
        DeliveryState::Downloading,
        DeliveryState::Ready,
        DeliveryState::Failed,
        DeliveryState::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Queued => "QUEUED",
            DeliveryState::Sent => "SENT",
            DeliveryState::Downloading => "DOWNLOADING",
            DeliveryState::Ready => "READY",
            DeliveryState::Failed => "FAILED",
            DeliveryState::Withdrawn => "WITHDRAWN",
        }
    }

    pub fn parse(field: &str, s: &str) -> Result<DeliveryState> {
        DeliveryState::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| Error::invalid(field, "must be QUEUED, SENT, DOWNLOADING, READY, FAILED or WITHDRAWN"))
    }

    /// The states a site reports; the others are the CMS's own.
    fn reported(self) -> bool {
        matches!(self, DeliveryState::Downloading | DeliveryState::Ready | DeliveryState::Failed)
    }
}

/// A film's file as a site downloads it (with `Range` to resume) and verifies it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FilmFile {
    #[serde(rename = "fileID")]
    pub file_id: String,
    pub size: u64,
    /// Lowercase hex MD5 of the whole file.
    pub md5: String,
    /// Where to download it: a path to join to the server's address (`/cms/files/{fileID}`).
    pub url: String,
}

/// The body of NEW_MOVIE and MOVIE_UPDATED: the full film, and its file (`null` while the film
/// has none).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FilmMessage {
    #[serde(flatten)]
    pub movie: Movie,
    pub file: Option<FilmFile>,
}

/// The body of MOVIE_WITHDRAWN: the film the site must no longer show (and may delete).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WithdrawnMessage {
    #[serde(rename = "movieID")]
    pub movie_id: String,
}

/// One (film, cinema) pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    #[serde(rename = "cinemaID")]
    pub cinema_id: String,
    #[serde(rename = "movieID")]
    pub movie_id: String,
    pub state: DeliveryState,
    pub bytes: u64,
    pub total_bytes: u64,
    /// Bytes of the pair's file this server sent the site's signed downloads so far (resumed
    /// pieces and repeats included; unsigned downloads are nobody's). Beside `bytes`, what the
    /// site says it has: a site far above its file's size keeps starting over.
    pub served_bytes: u64,
    /// The site's words when FAILED; `null` otherwise.
    pub error: Option<String>,
    /// Epoch ms of the pair's last change of state or progress.
    pub updated_at: i64,
    /// The file the pair is about (a replaced file restarts the delivery).
    #[serde(rename = "fileID")]
    pub file_id: Option<String>,
    pub cinema_code: String,
    pub cinema_name: String,
    pub movie_name: String,
}

/// How many pairs are in each state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub struct StateCounts {
    pub queued: u64,
    pub sent: u64,
    pub downloading: u64,
    pub ready: u64,
    pub failed: u64,
    pub withdrawn: u64,
}

impl StateCounts {
    fn add(&mut self, state: DeliveryState, n: u64) {
        let slot = match state {
            DeliveryState::Queued => &mut self.queued,
            DeliveryState::Sent => &mut self.sent,
            DeliveryState::Downloading => &mut self.downloading,
            DeliveryState::Ready => &mut self.ready,
            DeliveryState::Failed => &mut self.failed,
            DeliveryState::Withdrawn => &mut self.withdrawn,
        };
        *slot += n;
    }
}

/// A page of deliveries, with the counts per state of the whole board (every state, the
/// region filter applied) so tabs can show them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DeliveryBoard {
    pub total_count: u64,
    pub item_list: Vec<Delivery>,
    pub state_counts: StateCounts,
}

/// Filters of a board.
#[derive(Debug, Clone, Default)]
pub struct DeliveryQuery {
    pub state: Option<DeliveryState>,
    /// Cinemas of this region (a film's board).
    pub region_id: Option<String>,
    pub paging: Paging,
}

/// What a site says of a film it was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryReport {
    /// DOWNLOADING, READY or FAILED.
    pub state: DeliveryState,
    pub bytes: u64,
    pub total_bytes: u64,
    pub error: Option<String>,
    /// The file the site is working on, when it says: another than the pair's is stale news.
    pub file_id: Option<String>,
}

/// What a withdrawal did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WithdrawalOutcome {
    /// Cinemas that had the film and were told to drop it.
    #[serde(rename = "withdrawnCinemaIDList")]
    pub withdrawn: Vec<String>,
    /// Cinemas that did not have it (never given, or withdrawn before): nothing was sent.
    #[serde(rename = "notDistributedCinemaIDList")]
    pub not_distributed: Vec<String>,
}

const COLUMNS: &str = "d.cinema_id, d.movie_id, d.state, d.bytes, d.total_bytes, d.error, d.updated_at, d.file_id, \
                       c.code, c.name, m.name, d.served_bytes";
const FROM: &str = "deliveries d JOIN cinemas c ON c.id = d.cinema_id JOIN movies m ON m.id = d.movie_id";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Delivery> {
    let state: String = r.get(2)?;
    Ok(Delivery {
        cinema_id: r.get(0)?,
        movie_id: r.get(1)?,
        state: DeliveryState::parse("state", &state).unwrap_or(DeliveryState::Failed),
        bytes: r.get::<_, i64>(3)?.max(0) as u64,
        total_bytes: r.get::<_, i64>(4)?.max(0) as u64,
        error: r.get(5)?,
        updated_at: r.get(6)?,
        file_id: r.get(7)?,
        cinema_code: r.get(8)?,
        cinema_name: r.get(9)?,
        movie_name: r.get(10)?,
        served_bytes: r.get::<_, i64>(11)?.max(0) as u64,
    })
}

fn get(tx: &Transaction<'_>, movie_id: &str, cinema_id: &str) -> Result<Option<Delivery>> {
    Ok(tx
        .prepare_cached(&format!("SELECT {COLUMNS} FROM {FROM} WHERE d.movie_id = ? AND d.cinema_id = ?"))?
        .query_row([movie_id, cinema_id], from_row)
        .optional()?)
}

/// The stored file a film names, if it names one that exists.
pub(crate) fn film_file(tx: &Transaction<'_>, file_id: Option<&str>) -> Result<Option<FilmFile>> {
    let Some(id) = file_id else { return Ok(None) };
    Ok(tx
        .prepare_cached("SELECT size, md5 FROM files WHERE id = ?")?
        .query_row([id], |r| {
            Ok(FilmFile {
                file_id: id.to_string(),
                size: r.get::<_, i64>(0)?.max(0) as u64,
                md5: r.get(1)?,
                url: file_path(Some(id)),
            })
        })
        .optional()?)
}

/// A film as NEW_MOVIE and MOVIE_UPDATED carry it: its payload JSON, made once however many
/// cinemas get it, and its file.
pub(crate) struct FilmPayload {
    pub(crate) json: String,
    pub(crate) file: Option<FilmFile>,
    pub(crate) file_id: Option<String>,
}

pub(crate) fn film_payload(tx: &Transaction<'_>, movie: Movie) -> Result<FilmPayload> {
    let file = film_file(tx, movie.file_id.as_deref())?;
    let file_id = movie.file_id.clone();
    let json = outbox::payload(&FilmMessage { movie, file: file.clone() })?;
    Ok(FilmPayload { json, file, file_id })
}

impl FilmPayload {
    fn total_bytes(&self) -> i64 {
        self.file.as_ref().map_or(0, |f| f.size as i64)
    }
}

/// Sends `film` to `cinema` (`kind`: NEW_MOVIE, or MOVIE_UPDATED for a new file) and puts the
/// pair at QUEUED, waiting for that message's acknowledgement, from wherever it was.
pub(crate) fn queue(
    tx: &Transaction<'_>,
    movie_id: &str,
    cinema_id: &str,
    kind: MessageType,
    film: &FilmPayload,
    now: i64,
) -> Result<()> {
    let seq = outbox::enqueue(tx, cinema_id, kind, &film.json)?;
    tx.prepare_cached(
        "INSERT INTO deliveries(movie_id, cinema_id, state, bytes, total_bytes, error, file_id, message_seq,
                                distributed_at, updated_at)
         VALUES (?1, ?2, 'QUEUED', 0, ?3, NULL, ?4, ?5, ?6, ?6)
         ON CONFLICT(movie_id, cinema_id) DO UPDATE SET state = 'QUEUED', bytes = 0, total_bytes = ?3, error = NULL,
             served_bytes = CASE WHEN file_id IS ?4 THEN served_bytes ELSE 0 END, file_id = ?4, message_seq = ?5, updated_at = ?6,
             distributed_at = CASE WHEN state = 'WITHDRAWN' THEN ?6 ELSE distributed_at END",
    )?
    .execute(params![movie_id, cinema_id, film.total_bytes(), film.file_id, seq, now])?;
    alerts::delivery_moved(tx, movie_id, cinema_id, now)
}

/// The state of the pair, if the film was ever distributed to the cinema.
pub(crate) fn state_of(tx: &Transaction<'_>, movie_id: &str, cinema_id: &str) -> Result<Option<DeliveryState>> {
    let state: Option<String> = tx
        .prepare_cached("SELECT state FROM deliveries WHERE movie_id = ? AND cinema_id = ?")?
        .query_row([movie_id, cinema_id], |r| r.get(0))
        .optional()?;
    state.map(|s| DeliveryState::parse("state", &s)).transpose()
}

/// The cinemas that hold the film now (every pair but the withdrawn ones).
pub(crate) fn holders(tx: &Transaction<'_>, movie_id: &str) -> Result<Vec<String>> {
    let mut stmt = tx.prepare_cached(
        "SELECT cinema_id FROM deliveries WHERE movie_id = ? AND state <> 'WITHDRAWN' ORDER BY distributed_at, cinema_id",
    )?;
    let ids = stmt.query_map([movie_id], |r| r.get(0))?.collect::<Result<Vec<String>, _>>()?;
    Ok(ids)
}

/// In an acknowledgement's transaction: the cinema's QUEUED pairs whose message is acknowledged
/// (`seq` and before) become SENT.
pub(crate) fn mark_sent(tx: &Transaction<'_>, cinema_id: &str, seq: i64, now: i64) -> Result<Vec<SiteChange>> {
    let mut stmt = tx.prepare_cached(
        "UPDATE deliveries SET state = 'SENT', updated_at = ?
         WHERE cinema_id = ? AND state = 'QUEUED' AND message_seq <= ? RETURNING movie_id",
    )?;
    let moved = stmt
        .query_map(params![now, cinema_id, seq], |r| r.get(0))?
        .map(|m| m.map(|movie_id| SiteChange::new(cinema_id, SiteChanged::Delivery { movie_id })))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(moved)
}

/// In the transaction that changed a film from `before` to `after`: every cinema holding it gets
/// MOVIE_UPDATED with the film as it is now, and if its file changed, each of those deliveries
/// starts again from QUEUED with the new file. Answers the cinemas told.
pub(crate) fn announce_change(tx: &Transaction<'_>, before: &Movie, after: Movie) -> Result<Vec<SiteChange>> {
    if *before == after {
        return Ok(Vec::new());
    }
    let cinemas = holders(tx, &after.movie_id)?;
    if cinemas.is_empty() {
        return Ok(Vec::new());
    }
    let new_file = before.file_id != after.file_id;
    let movie_id = after.movie_id.clone();
    let film = film_payload(tx, after)?;
    let now = now_ms();
    let mut told = Vec::with_capacity(cinemas.len());
    for cinema in &cinemas {
        if new_file {
            queue(tx, &movie_id, cinema, MessageType::MovieUpdated, &film, now)?;
        } else {
            outbox::enqueue(tx, cinema, MessageType::MovieUpdated, &film.json)?;
        }
        told.push(SiteChange::new(cinema, SiteChanged::Delivery { movie_id: movie_id.clone() }));
    }
    Ok(told)
}

/// Takes the film back from `cinema_id` in the caller's transaction: MOVIE_WITHDRAWN, pair WITHDRAWN.
pub(crate) fn withdraw(tx: &Transaction<'_>, movie_id: &str, cinema_id: &str, now: i64) -> Result<()> {
    let json = outbox::payload(&WithdrawnMessage { movie_id: movie_id.to_string() })?;
    let seq = outbox::enqueue(tx, cinema_id, MessageType::MovieWithdrawn, &json)?;
    tx.prepare_cached(
        "UPDATE deliveries SET state = 'WITHDRAWN', error = NULL, message_seq = ?, updated_at = ?
         WHERE movie_id = ? AND cinema_id = ?",
    )?
    .execute(params![seq, now, movie_id, cinema_id])?;
    alerts::delivery_moved(tx, movie_id, cinema_id, now)
}

/// Fails with `in_use` when an unfinished VOD task at `cinema_id` still has to play the film.
pub(crate) fn ensure_not_playing(tx: &Transaction<'_>, movie_id: &str, cinema_id: &str) -> Result<()> {
    let busy: Option<String> = tx
        .prepare_cached(
            "SELECT t.id FROM vod_task_movies tm JOIN vod_tasks t ON t.id = tm.task_id
             WHERE tm.movie_id = ? AND t.cinema_id = ? AND t.status IN ('PENDING', 'ACCEPTED', 'PLAYING') LIMIT 1",
        )?
        .query_row([movie_id, cinema_id], |r| r.get(0))
        .optional()?;
    match busy {
        Some(task) => Err(Error::InUse(format!(
            "movie {movie_id} is still needed by unfinished VOD task {task} at cinema {cinema_id}"
        ))),
        None => Ok(()),
    }
}

/// A checked report.
struct Valid {
    state: DeliveryState,
    bytes: i64,
    total_bytes: i64,
    error: Option<String>,
    file_id: Option<String>,
}

fn validated(r: DeliveryReport) -> Result<Valid> {
    if !r.state.reported() {
        return Err(Error::invalid("state", "a site reports DOWNLOADING, READY or FAILED"));
    }
    let bytes = validate::byte_count("bytes", r.bytes)?;
    let total_bytes = validate::byte_count("totalBytes", r.total_bytes)?;
    if bytes > total_bytes {
        return Err(Error::invalid("bytes", "must not exceed totalBytes"));
    }
    if r.state == DeliveryState::Ready && bytes != total_bytes {
        return Err(Error::invalid("bytes", "a READY film has all its bytes: bytes must equal totalBytes"));
    }
    let error = match r.state {
        DeliveryState::Failed => validate::opt_text("error", r.error.as_deref(), MAX_REPORT_TEXT)?,
        _ => None,
    };
    Ok(Valid {
        state: r.state,
        bytes,
        total_bytes,
        error,
        file_id: validate::opt_text("fileID", r.file_id.as_deref(), MAX_CODE)?,
    })
}

/// Refuses a report about what the CMS has moved on from: a withdrawn pair, another file.
fn ensure_current(tx: &Transaction<'_>, d: &Delivery, v: &Valid) -> Result<()> {
    if d.state == DeliveryState::Withdrawn {
        return Err(Error::Stale(format!("movie {} was withdrawn from cinema {}", d.movie_id, d.cinema_id)));
    }
    if let Some(reported) = &v.file_id {
        if d.file_id.as_ref() != Some(reported) {
            return Err(Error::Stale(format!(
                "the film's file is now {}, not {reported}: act on the latest MOVIE_UPDATED",
                d.file_id.as_deref().unwrap_or("none")
            )));
        }
    }
    if let Some(file) = film_file(tx, d.file_id.as_deref())? {
        if file.size as i64 != v.total_bytes {
            return Err(Error::Stale(format!(
                "the film's file {} has {} bytes, not {}: act on the latest MOVIE_UPDATED",
                file.file_id, file.size, v.total_bytes
            )));
        }
    }
    Ok(())
}

fn board_filter(w: &mut Where, q: &DeliveryQuery) {
    w.eq("d.state", q.state.map(DeliveryState::as_str)).eq("c.region_id", q.region_id.as_deref());
}

/// Counts per state of the pairs `w` selects, whatever its state filter.
fn state_counts(tx: &Transaction<'_>, w: &Where) -> Result<StateCounts> {
    let sql = format!(
        "SELECT d.state, count(*) FROM deliveries d JOIN cinemas c ON c.id = d.cinema_id{} GROUP BY d.state",
        w.sql()
    );
    let mut stmt = tx.prepare_cached(&sql)?;
    let mut counts = StateCounts::default();
    let rows = stmt.query_map(rusqlite::params_from_iter(w.params.iter()), |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
    })?;
    for row in rows {
        let (state, n) = row?;
        counts.add(DeliveryState::parse("state", &state)?, n as u64);
    }
    Ok(counts)
}

/// The pairs of one film or one cinema (`of`: column and id) that the caller's cinemas hold.
fn board(
    tx: &Transaction<'_>,
    actor: &Actor,
    of: (&str, &str),
    q: &DeliveryQuery,
    order: &str,
) -> Result<DeliveryBoard> {
    let (column, id) = of;
    let mut all = Where::default();
    all.raw(&format!("d.{column} = ?"), vec![Value::Text(id.to_string())])
        .in_scope(actor, "d.cinema_id")
        .eq("c.region_id", q.region_id.as_deref());
    let state_counts = state_counts(tx, &all)?;
    let mut w = Where::default();
    w.raw(&format!("d.{column} = ?"), vec![Value::Text(id.to_string())]).in_scope(actor, "d.cinema_id");
    board_filter(&mut w, q);
    let page = query::page(tx, COLUMNS, FROM, &w, order, q.paging, from_row)?;
    Ok(DeliveryBoard { total_count: page.total_count, item_list: page.item_list, state_counts })
}

impl Cms {
    /// A film's delivery board: its cinemas (the caller's), ordered by cinema code, with the
    /// counts per state.
    pub fn movie_deliveries(&self, actor: &Actor, movie_id: &str, q: &DeliveryQuery) -> Result<DeliveryBoard> {
        actor.require(Capability::Operate)?;
        self.db.read(|tx| {
            movie::get(tx, movie_id)?;
            board(tx, actor, ("movie_id", movie_id), q, "c.code, d.cinema_id")
        })
    }

    /// A cinema's films, newest distribution first. Its own COMS may read it (to pick up where
    /// it was after a restart), like the chain's operators.
    pub fn cinema_deliveries(&self, actor: &Actor, cinema_id: &str, q: &DeliveryQuery) -> Result<DeliveryBoard> {
        actor.require_channel(cinema_id)?;
        self.db.read(|tx| {
            cinema::get(tx, cinema_id)?;
            actor.require_cinema(tx, cinema_id, Access::Read(Entity::Cinema, cinema_id))?;
            board(tx, actor, ("cinema_id", cinema_id), q, "d.distributed_at DESC, d.movie_id")
        })
    }

    /// A site's report of a film it was sent: DOWNLOADING (with progress), READY or FAILED.
    /// Another cinema's key is refused (403) before anything is read; an unknown cinema or film,
    /// or a film never distributed there, is 404; a report on a withdrawn pair or on another
    /// file than the pair's is stale news (409). A report that changes nothing writes nothing.
    /// An operator may report for a site (a cinema of theirs: 403 otherwise), and that change is
    /// audited; a site's own reports are telemetry and are not.
    pub fn report_delivery(
        &self,
        actor: &Actor,
        cinema_id: &str,
        movie_id: &str,
        report: impl TryInto<DeliveryReport, Error: Into<Error>>,
    ) -> Result<()> {
        // Who may report comes first: another cinema's key learns nothing from a bad body.
        actor.require_channel(cinema_id)?;
        let v = validated(report.try_into().map_err(Into::into)?)?;
        let changed = self.db.write(|tx| {
            cinema::get(tx, cinema_id)?;
            actor.require_cinema(tx, cinema_id, Access::Write)?;
            movie::get(tx, movie_id)?;
            let d = get(tx, movie_id, cinema_id)?
                .ok_or_else(|| Error::not_found(Entity::Delivery, format!("movie {movie_id} at cinema {cinema_id}")))?;
            ensure_current(tx, &d, &v)?;
            let same = d.state == v.state
                && d.bytes as i64 == v.bytes
                && d.total_bytes as i64 == v.total_bytes
                && d.error == v.error;
            if same {
                return Ok(false);
            }
            let now = self.clock.now_ms();
            tx.prepare_cached(
                "UPDATE deliveries SET state = ?, bytes = ?, total_bytes = ?, error = ?, updated_at = ?
                 WHERE movie_id = ? AND cinema_id = ?",
            )?
            .execute(params![
                v.state.as_str(),
                v.bytes,
                v.total_bytes,
                v.error,
                now,
                movie_id,
                cinema_id
            ])?;
            alerts::delivery_moved(tx, movie_id, cinema_id, now)?;
            if !actor.is_site() {
                let after = get(tx, movie_id, cinema_id)?;
                let change = Change::new(Action::Update, Entity::Delivery, movie_id).cinema(cinema_id).before(&d);
                audit::record(tx, actor, change.after(&after))?;
            }
            Ok(true)
        })?;
        if changed {
            self.tell_site_changes(&[SiteChange::new(
                cinema_id,
                SiteChanged::Delivery { movie_id: movie_id.to_string() },
            )]);
        }
        Ok(())
    }

    /// Counts `bytes` of the stored file `file_id` as sent to the site that signed the download
    /// (its cinema's key): added to each of that cinema's live deliveries of that file. A
    /// download by anyone else (a browser, a player, an operator) is nobody's delivery and counts
    /// nowhere; so does a file no delivery of the cinema names.
    pub fn record_download(&self, actor: &Actor, file_id: &str, bytes: u64) -> Result<()> {
        let Actor::Cinema { cinema_id, .. } = actor else { return Ok(()) };
        if bytes == 0 {
            return Ok(());
        }
        self.db.write(|tx| {
            tx.prepare_cached(
                "UPDATE deliveries SET served_bytes = served_bytes + ?
                 WHERE cinema_id = ? AND file_id = ? AND state <> 'WITHDRAWN'",
            )?
            .execute(params![bytes as i64, cinema_id, file_id])?;
            Ok(())
        })
    }
}
