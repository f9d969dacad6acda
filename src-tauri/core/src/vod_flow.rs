//! Seed 001's VOD flows on Cinedesk's own store and films: upload and play credentials, publishing a video as a film, the recommended and personal lists, deletion, and the processing callbacks.
//!
//! A video is an upload session of the file store until its last byte arrives, and then the
//! stored file: its `videoId` is the session's id, which the store gives the file too. The
//! upload address and credential name a tus session (`/files/{videoId}`); the client
//! authenticates its requests as for any other route. Processing events of the file — from the
//! store's own worker (probe, snapshot) or posted to the callback route (transcode, snapshot,
//! censorship) — are recorded with the file and move the video's state by trigger (migration
//! 0006), in the same transaction. State: UPLOADING → PROCESSING → READY (transcoded), or FAILED
//! (transcoding failed), or BLOCKED (censorship refused it). Publishing makes the video a film;
//! the film goes online when the video becomes playable and offline when it is refused.

use rusqlite::types::Value as SqlValue;
use rusqlite::{params, OptionalExtension, Row, Transaction};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::actor::{Actor, Capability};
use crate::audit::{self, Action, Author, Change};
use crate::enums::EnumKind;
use crate::error::{Error, Result};
use crate::files::clock::iso_utc;
use crate::files::{
    name, Domain, NewUpload, Protocol, Upload, UploadStart, EVENT_SNAPSHOT, EVENT_TRANSCODE, MAX_FILE_SIZE,
};
use crate::ids::now_ms;
use crate::library::{china_time, contributor};
use crate::movie::{file_path, insert_movie, MovieInput};
use crate::{Cms, Entity};

/// Seed 001: a title is at most 128 bytes of UTF-8.
const MAX_TITLE_BYTES: usize = 128;
const MAX_DESCRIPTION: usize = 1024;
/// Pages of the lists hold 1 to 50 videos (the seed's range for its other lists).
const MAX_PAGE_SIZE: u32 = 50;
/// How long a play credential is good for.
const PLAY_AUTH_TTL_MS: i64 = 60 * 60 * 1000;
/// The video file extensions seed 001's upload overview accepts (case-insensitive).
const VIDEO_EXTS: &[&str] = &[
    "mp4", "mov", "avi", "mkv", "flv", "f4v", "wmv", "ts", "m4v", "mpg", "mpeg", "3gp", "webm", "rm", "rmvb", "asf",
    "vob", "m2ts", "mts", "dat", "ogv", "mxf",
];
const IMAGE_EXTS: &[&str] = &["png", "jpg", "jpeg", "gif", "webp", "bmp"];
/// Seed 001's censorship event (transcoding and snapshots are the store's own, `files::media`).
pub const EVENT_CENSOR: &str = "AIVideoCensorComplete";

/// A new video (getVideoUploadAuth): its file, which the store takes in a tus session, and what
/// is shown of it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VideoUpload {
    /// At most 128 bytes of UTF-8.
    pub title: String,
    /// It must end in a video extension.
    pub file_name: String,
    /// Bytes: the store makes the upload session for a known length.
    pub size: u64,
    pub description: Option<String>,
    /// An http(s) URL, or a file of this store by its path (`/cms/files/{id}`).
    pub cover_url: Option<String>,
    pub tags: Option<String>,
}

/// A picture to upload (getImageUploadAuth), such as a cover.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImageUpload {
    /// png (the default), jpg, jpeg, gif, webp or bmp.
    pub ext: Option<String>,
    pub title: Option<String>,
    pub tags: Option<String>,
    /// Bytes, as for videos.
    pub size: u64,
}

/// Where a video plays, until when (getVideoPlayAuth).
#[derive(Debug, Clone, PartialEq)]
pub struct Playback {
    /// Its `file_url` and `cover_url` are paths on this server, or (a cover) a URL elsewhere.
    pub video: Video,
    /// Epoch ms.
    pub expire_time: i64,
}

/// An uploaded video made a film (videoPublish): what is given replaces what its upload said.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Publication {
    pub video_id: String,
    pub title: Option<String>,
    pub description: Option<String>,
    /// Seconds, more than 0 and at most a day.
    pub duration: Option<f64>,
    pub cover_url: Option<String>,
    pub tags: Option<String>,
    pub cate_id: Option<i64>,
    /// The film's category when it names one, else the default category.
    pub cate_name: Option<String>,
}

/// What a processing event reports (the seed's EventType).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    Transcode,
    Snapshot,
    Censor,
}

impl EventKind {
    pub fn parse(s: &str) -> Result<EventKind> {
        match s {
            EVENT_TRANSCODE => Ok(EventKind::Transcode),
            EVENT_SNAPSHOT => Ok(EventKind::Snapshot),
            EVENT_CENSOR => Ok(EventKind::Censor),
            _ => Err(Error::invalid(
                "EventType",
                format!("must be {EVENT_TRANSCODE}, {EVENT_SNAPSHOT} or {EVENT_CENSOR}"),
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Transcode => EVENT_TRANSCODE,
            EventKind::Snapshot => EVENT_SNAPSHOT,
            EventKind::Censor => EVENT_CENSOR,
        }
    }
}

/// A processing callback: the event, whether it succeeded, the video, when (UTC as
/// `yyyy-MM-ddTHH:mm:ssZ`; now when absent), and whatever the processor adds
/// (`SnapshotFileID`, `CoverUrl`, `Duration`, `Suggestion` …), recorded with the event.
#[derive(Debug, Clone, PartialEq)]
pub struct ProcessingEvent {
    pub kind: EventKind,
    pub success: bool,
    pub video_id: String,
    pub event_time: Option<String>,
    pub detail: Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct VideoUser {
    pub user_id: String,
    pub user_name: String,
    pub avatar_url: String,
}

/// Seed 001's Video, with the film it was published as.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Video {
    pub id: String,
    pub video_id: String,
    pub title: String,
    pub description: String,
    /// Seconds (0 until known).
    pub duration: f64,
    pub cover_url: String,
    pub creation_time: String,
    /// UPLOADING, PROCESSING, READY, FAILED or BLOCKED.
    pub status: String,
    pub first_frame_url: String,
    pub size: u64,
    pub cate_id: Option<i64>,
    pub cate_name: String,
    pub tags: String,
    pub share_url: String,
    pub user: VideoUser,
    pub transcode_status: String,
    pub snapshot_status: String,
    pub censor_status: String,
    pub narrow_transcode_status: String,
    pub file_url: String,
    #[serde(rename = "movieID")]
    pub movie_id: Option<String>,
    pub published: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct VideoPage {
    pub total: u64,
    pub video_list: Vec<Video>,
}

const COLUMNS: &str = "v.rowid, v.id, v.title, v.description, v.duration, v.cover_url, v.created_at, v.size, \
    v.cate_id, v.cate_name, v.tags, v.user_id, v.user_name, v.transcode_status, v.snapshot_status, v.censor_status, \
    v.movie_id, v.published_at, (SELECT 1 FROM files f WHERE f.id = v.id), v.owner";

/// The state of a video, from its file and its processing statuses.
fn state(uploaded: bool, transcode: &str, censor: &str) -> &'static str {
    if !uploaded {
        "UPLOADING"
    } else if censor == "fail" {
        "BLOCKED"
    } else if transcode == "fail" {
        "FAILED"
    } else if transcode == "success" {
        "READY"
    } else {
        "PROCESSING"
    }
}

/// A video and its owner (`user:<id>` / `cinema:<id>`).
fn from_row(r: &Row<'_>) -> rusqlite::Result<(Video, String)> {
    let id: String = r.get(1)?;
    let uploaded = r.get::<_, Option<i64>>(18)?.is_some();
    let transcode: String = r.get(13)?;
    let censor: String = r.get(15)?;
    let cover: String = r.get(5)?;
    Ok((
        Video {
            id: r.get::<_, i64>(0)?.to_string(),
            title: r.get(2)?,
            description: r.get(3)?,
            duration: r.get::<_, Option<f64>>(4)?.unwrap_or(0.0),
            first_frame_url: cover.clone(),
            cover_url: cover,
            creation_time: china_time(r.get(6)?),
            status: state(uploaded, &transcode, &censor).to_string(),
            size: r.get::<_, i64>(7)? as u64,
            cate_id: r.get(8)?,
            cate_name: r.get(9)?,
            tags: r.get(10)?,
            share_url: String::new(),
            user: VideoUser { user_id: r.get(11)?, user_name: r.get(12)?, avatar_url: String::new() },
            transcode_status: transcode,
            snapshot_status: r.get(14)?,
            censor_status: censor,
            narrow_transcode_status: String::new(),
            file_url: if uploaded { file_path(Some(&id)) } else { String::new() },
            movie_id: r.get(16)?,
            published: r.get::<_, Option<i64>>(17)?.is_some(),
            video_id: id,
        },
        r.get(19)?,
    ))
}

fn load(tx: &Transaction<'_>, id: &str) -> Result<(Video, String)> {
    tx.prepare_cached(&format!("SELECT {COLUMNS} FROM vod_videos v WHERE v.id = ?"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| Error::not_found(Entity::Video, id))
}

/// An audit entry about video `id` of `owner`: a cinema's video touches that cinema.
fn video_change(action: Action, id: &str, owner: &str) -> Change {
    let change = Change::new(action, Entity::Video, id);
    match owner.strip_prefix("cinema:") {
        Some(cinema) => change.cinema(cinema),
        None => change,
    }
}

/// The owner of a video, or a SYS_ADMIN, may change it.
fn require_owner(actor: &Actor, owner: &str, id: &str) -> Result<()> {
    if actor.owner() == owner || actor.allows(Capability::Oversee) {
        Ok(())
    } else {
        Err(Error::Denied(format!("video {id} belongs to someone else")))
    }
}

fn size(field: &str, n: u64) -> Result<u64> {
    if (1..=MAX_FILE_SIZE).contains(&n) {
        Ok(n)
    } else {
        Err(Error::invalid(field, format!("must be a size in bytes from 1 to {MAX_FILE_SIZE}")))
    }
}

fn title(v: Option<&str>, required: bool) -> Result<Option<String>> {
    match v.map(str::trim).filter(|t| !t.is_empty()) {
        None if required => Err(Error::invalid("title", "is required")),
        None => Ok(None),
        Some(t) if t.len() > MAX_TITLE_BYTES => {
            Err(Error::invalid("title", format!("must be at most {MAX_TITLE_BYTES} bytes of UTF-8")))
        }
        Some(t) if t.chars().any(char::is_control) => {
            Err(Error::invalid("title", "must not contain control characters"))
        }
        Some(t) => Ok(Some(t.to_string())),
    }
}

fn text(field: &str, v: Option<&str>) -> Result<String> {
    match v.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(String::new()),
        Some(t) if t.chars().count() > MAX_DESCRIPTION => {
            Err(Error::invalid(field, format!("must be at most {MAX_DESCRIPTION} characters")))
        }
        Some(t) => Ok(t.to_string()),
    }
}

/// A cover: an http(s) URL, or a file of this store by its path (`/cms/files/{id}`).
fn cover(v: Option<&str>) -> Result<String> {
    match v.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(String::new()),
        Some(p) if p.starts_with("/cms/files/") && crate::files::is_id(&p["/cms/files/".len()..]) => Ok(p.to_string()),
        Some(u) => Ok(crate::validate::opt_url("coverURL", Some(u))?.unwrap_or_default()),
    }
}

/// A page number and size of the lists.
fn paging(index: Option<u32>, size: Option<u32>) -> Result<(u32, u32)> {
    let index = index.unwrap_or(1);
    let size = size.unwrap_or(10);
    if index == 0 {
        return Err(Error::invalid("pageIndex", "starts at 1"));
    }
    if !(1..=MAX_PAGE_SIZE).contains(&size) {
        return Err(Error::invalid("pageSize", format!("must be from 1 to {MAX_PAGE_SIZE}")));
    }
    Ok((index, size))
}

/// The default value of an enumeration (its `is_default` one, else the first).
fn default_enum(tx: &Transaction<'_>, kind: EnumKind) -> Result<String> {
    tx.prepare_cached("SELECT id FROM sys_enums WHERE kind = ? ORDER BY is_default DESC, sort, id LIMIT 1")?
        .query_row([kind.as_str()], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::Internal(format!("no {} values to choose from", kind.as_str())))
}

fn page(
    tx: &Transaction<'_>,
    filter: &str,
    param: Option<&str>,
    order: &str,
    index: u32,
    size: u32,
) -> Result<VideoPage> {
    let mut args: Vec<SqlValue> = param.map(|p| vec![SqlValue::Text(p.to_string())]).unwrap_or_default();
    let total: i64 = tx
        .prepare_cached(&format!("SELECT count(*) FROM vod_videos v {filter}"))?
        .query_row(rusqlite::params_from_iter(args.iter()), |r| r.get(0))?;
    args.push(SqlValue::Integer(size as i64));
    args.push(SqlValue::Integer((index as i64 - 1) * size as i64));
    let mut stmt =
        tx.prepare_cached(&format!("SELECT {COLUMNS} FROM vod_videos v {filter} ORDER BY {order} LIMIT ? OFFSET ?"))?;
    let rows = stmt.query_map(rusqlite::params_from_iter(args.iter()), from_row)?.collect::<Result<Vec<_>, _>>()?;
    Ok(VideoPage { total: total as u64, video_list: rows.into_iter().map(|(v, _)| v).collect() })
}

impl Cms {
    /// A new tus session of the caller's for a file `name` of `length` bytes (a video or a picture).
    fn tus_session(&self, actor: &Actor, name: &str, length: u64) -> Result<Upload> {
        let upload = NewUpload {
            protocol: Protocol::Tus,
            client_user: String::new(),
            domain: Domain::Movie,
            name: name.to_string(),
            path_local: String::new(),
            length,
            md5: None,
            metadata: String::new(),
            mime: None,
        };
        match self.files.create_upload(&actor.owner(), Author::of(actor), upload)? {
            UploadStart::New(upload) => Ok(upload),
            _ => Err(Error::Internal("a new tus session was expected".into())),
        }
    }

    /// getVideoUploadAuth: a new video and the tus session its file is uploaded through (the
    /// session's id is the video's).
    pub fn vod_video_upload_auth(&self, actor: &Actor, req: VideoUpload) -> Result<Upload> {
        actor.require(Capability::Vod)?;
        let title = title(Some(&req.title), true)?.unwrap_or_default();
        let file_name = req.file_name.trim();
        let ext = name::extension(file_name).map(str::to_ascii_lowercase);
        if !ext.as_deref().is_some_and(|e| VIDEO_EXTS.contains(&e)) {
            return Err(Error::invalid(
                "fileName",
                format!("must end in a video extension ({})", VIDEO_EXTS.join(", ")),
            ));
        }
        let length = size("fileSize", req.size)?;
        let description = text("description", req.description.as_deref())?;
        let tags = text("tags", req.tags.as_deref())?;
        let cover_url = cover(req.cover_url.as_deref())?;
        let upload = self.tus_session(actor, file_name, length)?;
        let now = now_ms();
        let recorded = self.db.write(|tx| {
            let (user_id, user_name) = contributor(tx, actor)?;
            tx.prepare_cached(
                "INSERT INTO vod_videos(id, owner, user_id, user_name, title, description, tags, file_name, size,
                     cover_url, created_at, updated_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )?
            .execute(params![
                upload.upload_id,
                actor.owner(),
                user_id,
                user_name,
                title,
                description,
                tags,
                upload.name,
                length as i64,
                cover_url,
                now,
                now
            ])?;
            let after = load(tx, &upload.upload_id)?.0;
            audit::record(tx, actor, video_change(Action::Create, &upload.upload_id, &actor.owner()).after(&after))
        });
        if let Err(e) = recorded {
            // No video without its session, and no session left without a video.
            let _ = self.files.cancel_upload(&upload.upload_id, &actor.owner(), Protocol::Tus);
            return Err(e);
        }
        Ok(upload)
    }

    /// refreshVideoUploadAuth: the video's tus session again, at its current offset.
    pub fn vod_refresh_upload_auth(&self, actor: &Actor, video_id: &str) -> Result<Upload> {
        actor.require(Capability::Vod)?;
        let (video, owner) = self.db.read(|tx| load(tx, video_id))?;
        require_owner(actor, &owner, video_id)?;
        if video.status != "UPLOADING" {
            return Err(Error::InUse(format!("video {video_id} is uploaded already")));
        }
        self.files.upload(video_id, &owner, Protocol::Tus).map_err(|_| {
            Error::InUse(format!("the upload of video {video_id} expired; ask getVideoUploadAuth for a new one"))
        })
    }

    /// getImageUploadAuth: a tus session for a picture (a cover); its id is the image's file id.
    pub fn vod_image_upload_auth(&self, actor: &Actor, req: ImageUpload) -> Result<Upload> {
        actor.require(Capability::Vod)?;
        let ext = req.ext.as_deref().unwrap_or("png").trim().trim_start_matches('.').to_ascii_lowercase();
        if !IMAGE_EXTS.contains(&ext.as_str()) {
            return Err(Error::invalid("imageExt", format!("must be one of {}", IMAGE_EXTS.join(", "))));
        }
        let title = title(req.title.as_deref(), false)?.unwrap_or_else(|| "image".to_string());
        text("tags", req.tags.as_deref())?;
        let length = size("fileSize", req.size)?;
        self.tus_session(actor, &format!("{title}.{ext}"), length)
    }

    /// getVideoPlayAuth: where to play a video, and until when. Its owner and SYS_ADMINs may
    /// play it once uploaded, anyone once published; never while censorship refuses it.
    pub fn vod_play_auth(&self, actor: &Actor, video_id: &str) -> Result<Playback> {
        actor.require(Capability::Vod)?;
        let (video, owner) = self.db.read(|tx| load(tx, video_id))?;
        if !video.published {
            require_owner(actor, &owner, video_id)?;
        }
        match video.status.as_str() {
            "UPLOADING" => return Err(Error::InUse(format!("video {video_id} is still uploading"))),
            "BLOCKED" => return Err(Error::Denied(format!("video {video_id} was refused by censorship"))),
            _ => {}
        }
        Ok(Playback { video, expire_time: now_ms() + PLAY_AUTH_TTL_MS })
    }

    /// videoPublish: makes an uploaded video a film of the catalogue (an operator's video, or
    /// any for a SYS_ADMIN). The film is online at once when the video is playable already.
    /// Answers the film's id.
    pub fn vod_publish(&self, actor: &Actor, p: Publication) -> Result<String> {
        // Films are published by the chain's operators, not by a cinema's client.
        actor.require(Capability::Operate)?;
        let video_id = p.video_id.clone();
        let new_title = title(p.title.as_deref(), false)?;
        let description = p.description.as_deref().map(|d| text("description", Some(d))).transpose()?;
        let tags = p.tags.as_deref().map(|t| text("tags", Some(t))).transpose()?;
        let cover_url = p.cover_url.as_deref().map(|c| cover(Some(c))).transpose()?;
        let duration = p.duration;
        if duration.is_some_and(|d| !(d.is_finite() && d > 0.0 && d <= 86_400.0)) {
            return Err(Error::invalid("duration", "must be seconds, more than 0 and at most a day"));
        }
        let cate_id = p.cate_id;
        self.db.write(|tx| {
            let (video, owner) = load(tx, &video_id)?;
            require_owner(actor, &owner, &video_id)?;
            if video.published {
                return Err(Error::Conflict { field: "videoId".into(), value: format!("{video_id} (published already)") });
            }
            if video.status == "UPLOADING" {
                return Err(Error::InUse(format!("video {video_id} is still uploading; publish it once it is stored")));
            }
            let title = new_title.unwrap_or(video.title.clone());
            let description = description.unwrap_or(video.description.clone());
            let cover_url = cover_url.unwrap_or(video.cover_url.clone());
            let seconds = duration.or((video.duration > 0.0).then_some(video.duration));
            let cate_name = p.cate_name.clone().unwrap_or_default();
            let is_category = !cate_name.is_empty()
                && tx
                    .prepare_cached("SELECT 1 FROM sys_enums WHERE kind = ? AND id = ?")?
                    .exists([EnumKind::MovieCategory.as_str(), cate_name.as_str()])?;
            let category =
                if is_category { cate_name.clone() } else { default_enum(tx, EnumKind::MovieCategory)? };
            let cover_file: Option<String> = tx
                .prepare_cached("SELECT cover_file_id FROM vod_videos WHERE id = ?")?
                .query_row([&video_id], |r| r.get(0))?;
            let poster = cover_url
                .strip_prefix("/cms/files/")
                .map(str::to_string)
                .or(cover_file)
                .filter(|f| tx.prepare_cached("SELECT 1 FROM files WHERE id = ?").and_then(|mut s| s.exists([f])).unwrap_or(false));
            let playable = video.transcode_status == "success" && video.censor_status != "fail";
            let movie = insert_movie(
                tx,
                MovieInput {
                    name: Some(title.clone()),
                    movie_code: Some(format!("vod-{video_id}")),
                    duration: Some(seconds.map(|s| ((s / 60.0).ceil() as i64).clamp(1, 1440)).unwrap_or(1)),
                    description: Some(if description.is_empty() { title.clone() } else { description.clone() }),
                    movie_type: Some("MOVIE".into()),
                    category: Some(category),
                    country: Some(default_enum(tx, EnumKind::MovieCountry)?),
                    file_id: Some(video_id.clone()),
                    poster_id: poster,
                    online: Some(playable),
                    price: Some(0),
                    ..Default::default()
                },
            )?;
            tx.prepare_cached(
                "UPDATE vod_videos SET title = ?, description = ?, tags = ?, cover_url = ?, duration = coalesce(?, duration),
                     cate_id = ?, cate_name = ?, movie_id = ?, published_at = ?, updated_at = ?
                 WHERE id = ?",
            )?
            .execute(params![
                title,
                description,
                tags.unwrap_or(video.tags.clone()),
                cover_url,
                duration,
                cate_id,
                cate_name,
                movie,
                now_ms(),
                now_ms(),
                video_id
            ])?;
            // One change, one entry: the video's, whose movieID names the film it made.
            let change = video_change(Action::Update, &video_id, &owner).before(&video);
            audit::record(tx, actor, change.after(&load(tx, &video_id)?.0))?;
            Ok(movie)
        })
    }

    /// One video (its owner, a SYS_ADMIN, or anyone once it is published).
    pub fn vod_video(&self, actor: &Actor, video_id: &str) -> Result<Video> {
        actor.require(Capability::Vod)?;
        let (video, owner) = self.db.read(|tx| load(tx, video_id))?;
        if !video.published {
            require_owner(actor, &owner, video_id)?;
        }
        Ok(video)
    }

    /// getRecommendVideoList: published videos whose film is online, newest first.
    pub fn vod_recommended(&self, actor: &Actor, page_index: Option<u32>, page_size: Option<u32>) -> Result<VideoPage> {
        actor.require(Capability::Vod)?;
        let (index, size) = paging(page_index, page_size)?;
        self.db.read(|tx| {
            page(
                tx,
                "WHERE v.published_at IS NOT NULL AND EXISTS (SELECT 1 FROM movies m WHERE m.id = v.movie_id AND m.online = 1)",
                None,
                "v.published_at DESC, v.id DESC",
                index,
                size,
            )
        })
    }

    /// getPersonalVideoList: the caller's videos in every state, newest first.
    pub fn vod_personal(&self, actor: &Actor, page_index: Option<u32>, page_size: Option<u32>) -> Result<VideoPage> {
        actor.require(Capability::Vod)?;
        let (index, size) = paging(page_index, page_size)?;
        let owner = actor.owner();
        self.db.read(|tx| page(tx, "WHERE v.owner = ?", Some(&owner), "v.created_at DESC, v.id DESC", index, size))
    }

    /// deleteVideoById: the video, its film (refused while an unfinished VOD task needs it) and
    /// its unfinished upload. The stored file stays: the store's files may be shared.
    pub fn vod_delete(&self, actor: &Actor, video_id: &str, user_id: Option<&str>) -> Result<()> {
        actor.require(Capability::Vod)?;
        let (video, owner) = self.db.read(|tx| load(tx, video_id))?;
        require_owner(actor, &owner, video_id)?;
        if let Some(u) = user_id.filter(|u| *u != video.user.user_id) {
            return Err(Error::Denied(format!("video {video_id} is not user {u}'s")));
        }
        // The video and its film go together, recorded as one entry: the video's, whose
        // movieID names the film.
        let told = self.db.write(|tx| {
            let (_, told) = crate::movie::drop_films(tx, actor, video.movie_id.as_slice())?;
            tx.prepare_cached("DELETE FROM vod_videos WHERE id = ?")?.execute([video_id])?;
            audit::record(tx, actor, video_change(Action::Delete, video_id, &owner).before(&video))?;
            Ok(told)
        })?;
        self.announced(&told);
        if video.status == "UPLOADING" {
            // Gone already when it expired; either way nothing of it is left.
            let _ = self.files.cancel_upload(video_id, &owner, Protocol::Tus);
        }
        Ok(())
    }

    /// A processing callback (StreamTranscodeComplete, SnapshotComplete, AIVideoCensorComplete):
    /// recorded with the video's file, which moves the video's state and its film's. Operators
    /// may post for any video, a cinema's client for its own. Answers the video afterwards.
    pub fn vod_event(&self, actor: &Actor, event: ProcessingEvent) -> Result<Video> {
        actor.require(Capability::Vod)?;
        let (event_type, video_id) = (event.kind.as_str(), event.video_id.clone());
        let status = if event.success { "success" } else { "fail" };
        let event_time = match event.event_time.as_deref() {
            None | Some("") => iso_utc(now_ms()),
            Some(t) if crate::files::clock::parse_iso_utc(t).is_some() => t.to_string(),
            Some(_) => return Err(Error::invalid("EventTime", "must be UTC as yyyy-MM-ddTHH:mm:ssZ")),
        };
        for (field, v) in &event.detail {
            if field == "Duration" && !(v.is_number() || v.is_null()) {
                return Err(Error::invalid("Duration", "must be a number of seconds"));
            }
            if (field == "CoverUrl" || field == "SnapshotFileID") && !(v.is_string() || v.is_null()) {
                return Err(Error::invalid(field.clone(), "must be a string"));
            }
        }
        self.db.write(|tx| {
            let (video, owner) = load(tx, &video_id)?;
            if !actor.allows(Capability::Operate) {
                require_owner(actor, &owner, &video_id)?;
            }
            if video.status == "UPLOADING" {
                return Err(Error::InUse(format!("video {video_id} has not finished uploading")));
            }
            if let Some(shot) = event.detail.get("SnapshotFileID").and_then(Value::as_str) {
                if !tx.prepare_cached("SELECT 1 FROM files WHERE id = ?")?.exists([shot])? {
                    return Err(Error::invalid("SnapshotFileID", format!("no stored file {shot}")));
                }
            }
            let mut data = event.detail.clone();
            data.insert("EventType".into(), json!(event_type));
            data.insert("Status".into(), json!(status));
            data.insert("EventTime".into(), json!(event_time));
            data.insert("VideoId".into(), json!(video_id));
            tx.prepare_cached("INSERT INTO file_events(file_id, type, status, at, data) VALUES (?, ?, ?, ?, ?)")?
                .execute(params![video_id, event_type, status, now_ms(), Value::Object(data).to_string()])?;
            let after = load(tx, &video_id)?.0;
            audit::record(tx, actor, video_change(Action::Update, &video_id, &owner).before(&video).after(&after))?;
            Ok(after)
        })
    }
}
