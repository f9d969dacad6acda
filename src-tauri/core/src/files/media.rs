//! Background processing of stored films and pictures: ffprobe, a snapshot frame by ffmpeg, thumbnails by the `image` crate, recorded as seed 001 events.
//!
//! One worker thread per store takes file ids from a queue after their upload was
//! acknowledged; a file waiting (`processing = PENDING`) when the process stopped is queued
//! again on the next start. Without ffprobe/ffmpeg a film still gets its events, saying
//! Status "fail" and why, and everything else goes on.

use std::collections::HashMap;
use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{mpsc, Arc, Weak};
use std::time::{Duration, Instant};

use rusqlite::params;
use serde_json::{json, Map, Value};

use super::clock::iso_utc;
use super::{hash_prefix, hex_lower, name, FileEvent, Files, NewFile, Processing, StoredFile};
use crate::error::{Error, Result};
use crate::ids::{new_id, now_ms};
use crate::Cms;

/// Seed 001: a snapshot (here also a picture's thumbnail) was taken.
pub const EVENT_SNAPSHOT: &str = "SnapshotComplete";
/// Seed 001: a stream of one definition is ready; here the original ("OD"), as probed.
pub const EVENT_TRANSCODE: &str = "StreamTranscodeComplete";

/// Longest a tool may run on one file.
const TOOL_TIMEOUT: Duration = Duration::from_secs(300);
/// Thumbnails fit in this square.
const THUMBNAIL_SIZE: u32 = 320;
/// Snapshots are at most this wide.
const SNAPSHOT_WIDTH: u32 = 1280;
/// Pictures bigger than this are not decoded (a small file can claim a huge canvas).
const MAX_IMAGE_SIDE: u32 = 20_000;
const MAX_IMAGE_ALLOC: u64 = 512 << 20;

/// The FFmpeg programs to run: `CINEDESK_FFPROBE` / `CINEDESK_FFMPEG` if set, else `ffprobe`
/// and `ffmpeg` from the PATH.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaTools {
    pub ffprobe: PathBuf,
    pub ffmpeg: PathBuf,
}

impl Default for MediaTools {
    fn default() -> Self {
        let tool = |var: &str, name: &str| {
            std::env::var_os(var).filter(|v| !v.is_empty()).map(PathBuf::from).unwrap_or_else(|| PathBuf::from(name))
        };
        MediaTools { ffprobe: tool("CINEDESK_FFPROBE", "ffprobe"), ffmpeg: tool("CINEDESK_FFMPEG", "ffmpeg") }
    }
}

/// Runs a tool with a time limit; Err says plainly what went wrong (missing, failed, too slow).
fn run_tool(program: &Path, args: &[OsString]) -> std::result::Result<Vec<u8>, String> {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                format!(
                    "{} not found: install FFmpeg (ffprobe and ffmpeg) to probe films and take snapshots",
                    program.display()
                )
            } else {
                format!("could not run {}: {e}", program.display())
            }
        })?;
    // Read both pipes on their own threads so a chatty tool never blocks on a full pipe.
    let mut stdout = child.stdout.take().expect("piped");
    let stderr = child.stderr.take().expect("piped");
    let out = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = stdout.read_to_end(&mut v);
        v
    });
    let err = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = stderr.take(64 << 10).read_to_end(&mut v);
        v
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > TOOL_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "{} took longer than {} s and was stopped",
                    program.display(),
                    TOOL_TIMEOUT.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(format!("waiting for {}: {e}", program.display())),
        }
    };
    let stdout = out.join().unwrap_or_default();
    let stderr = err.join().unwrap_or_default();
    if status.success() {
        Ok(stdout)
    } else {
        let msg = String::from_utf8_lossy(&stderr);
        Err(format!("{} failed ({status}): {}", program.display(), msg.trim().lines().last().unwrap_or("")))
    }
}

fn os_args(args: &[&str]) -> Vec<OsString> {
    args.iter().map(OsString::from).collect()
}

fn event(file_id: &str, event_type: &str, ok: bool, detail: Value) -> FileEvent {
    FileEvent {
        event_type: event_type.to_string(),
        status: if ok { "success" } else { "fail" }.to_string(),
        event_time: iso_utc(now_ms()),
        video_id: file_id.to_string(),
        detail: match detail {
            Value::Object(m) => m,
            _ => Map::new(),
        },
    }
}

fn failed(file_id: &str, event_type: &str, message: &str) -> FileEvent {
    event(file_id, event_type, false, json!({ "ErrorMessage": message }))
}

/// "25/1" → 25.0
fn rate(s: &str) -> Option<f64> {
    let (n, d) = s.split_once('/')?;
    let (n, d): (f64, f64) = (n.parse().ok()?, d.parse().ok()?);
    (d > 0.0).then(|| (n / d * 100.0).round() / 100.0)
}

/// What ffprobe says of a film, reduced to what a cinema needs.
fn probe(tools: &MediaTools, path: &Path) -> std::result::Result<Value, String> {
    let mut args = os_args(&["-v", "error", "-print_format", "json", "-show_format", "-show_streams"]);
    args.push(path.into());
    let out = run_tool(&tools.ffprobe, &args)?;
    let v: Value =
        serde_json::from_slice(&out).map_err(|e| format!("ffprobe answered something else than JSON: {e}"))?;
    let streams = v["streams"].as_array().cloned().unwrap_or_default();
    let video = streams.iter().find(|s| s["codec_type"] == "video" && s["disposition"]["attached_pic"] != 1);
    let Some(video) = video else {
        return Err("ffprobe found no video stream".to_string());
    };
    let audio = streams.iter().find(|s| s["codec_type"] == "audio");
    let num = |v: &Value| v.as_str().and_then(|s| s.parse::<f64>().ok()).or_else(|| v.as_f64());
    Ok(json!({
        "duration": num(&v["format"]["duration"]).or_else(|| num(&video["duration"])),
        "width": video["width"],
        "height": video["height"],
        "videoCodec": video["codec_name"],
        "audioCodec": audio.map(|a| a["codec_name"].clone()),
        "fps": video["avg_frame_rate"].as_str().and_then(rate).or_else(|| video["r_frame_rate"].as_str().and_then(rate)),
        "bitrate": num(&v["format"]["bit_rate"]),
        "format": v["format"]["format_name"],
    }))
}

/// A file id queued for the worker, with its place in the queue.
pub(super) struct Job {
    id: String,
    ticket: u64,
}

/// The worker's queue as those waiting on it see it: tickets are handed out in the order jobs
/// are sent and the one worker finishes them in that order, so a job is done once `finished`
/// reaches its ticket.
#[derive(Default)]
pub(super) struct Jobs {
    sent: u64,
    finished: u64,
    /// Queued files and their latest ticket; an entry goes when that job is done.
    queued: HashMap<String, u64>,
}

/// Marks a job done when dropped: after its processing, and also if processing panicked, so a
/// waiter never waits on a job that will not finish.
struct JobDone<'a> {
    files: &'a Files,
    job: &'a Job,
}

impl Drop for JobDone<'_> {
    fn drop(&mut self) {
        let mut jobs = self.files.jobs.lock().unwrap_or_else(|p| p.into_inner());
        jobs.finished = jobs.finished.max(self.job.ticket);
        if jobs.queued.get(&self.job.id) == Some(&self.job.ticket) {
            jobs.queued.remove(&self.job.id);
        }
        self.files.jobs_done.notify_all();
    }
}

/// Ends every wait when the worker thread ends (it only does so when the store is gone, or
/// after a panic left the rest of its queue unprocessed until the next start).
struct WorkerGone(Weak<Files>);

impl Drop for WorkerGone {
    fn drop(&mut self) {
        if let Some(files) = self.0.upgrade() {
            let mut jobs = files.jobs.lock().unwrap_or_else(|p| p.into_inner());
            jobs.finished = jobs.sent;
            jobs.queued.clear();
            files.jobs_done.notify_all();
        }
    }
}

impl Files {
    /// Queues a stored file for processing; the worker starts with the first job.
    pub(crate) fn enqueue(self: &Arc<Self>, id: &str) {
        let mut worker = self.worker.lock().unwrap_or_else(|p| p.into_inner());
        if worker.is_none() {
            let (tx, rx) = mpsc::channel::<Job>();
            // The thread holds the store weakly: when the Cms goes, the queue's sender goes with
            // it and the thread ends instead of keeping the database open.
            let weak = Arc::downgrade(self);
            let spawned = std::thread::Builder::new().name("cinedesk-media".into()).spawn(move || {
                let _gone = WorkerGone(weak.clone());
                while let Ok(job) = rx.recv() {
                    let Some(files) = weak.upgrade() else { break };
                    let _done = JobDone { files: &files, job: &job };
                    if let Err(e) = files.process(&job.id) {
                        tracing::warn!(id = job.id, error = %e, "processing failed");
                    }
                }
            });
            match spawned {
                Ok(_) => *worker = Some(tx),
                Err(e) => {
                    tracing::warn!(error = %e, "could not start the media worker; files stay PENDING until restart");
                    return;
                }
            }
        }
        if let Some(tx) = worker.as_ref() {
            let ticket = {
                let mut jobs = self.jobs.lock().unwrap_or_else(|p| p.into_inner());
                jobs.sent += 1;
                let ticket = jobs.sent;
                jobs.queued.insert(id.to_string(), ticket);
                ticket
            };
            if tx.send(Job { id: id.to_string(), ticket }).is_err() {
                // The worker is gone (WorkerGone settled its queue): this job will not run now.
                let mut jobs = self.jobs.lock().unwrap_or_else(|p| p.into_inner());
                jobs.queued.remove(id);
                jobs.finished = jobs.finished.max(ticket);
                self.jobs_done.notify_all();
            }
        }
    }

    /// The ticket of `id`'s queued job, if it has one.
    fn ticket(&self, id: &str) -> Option<u64> {
        self.jobs.lock().unwrap_or_else(|p| p.into_inner()).queued.get(id).copied()
    }

    /// Blocks until the job of `ticket` is done.
    fn wait_job(&self, ticket: u64) {
        let mut jobs = self.jobs.lock().unwrap_or_else(|p| p.into_inner());
        while jobs.finished < ticket {
            jobs = self.jobs_done.wait(jobs).unwrap_or_else(|p| p.into_inner());
        }
    }

    /// Queues again what was waiting when the process last stopped.
    pub(crate) fn resume_processing(self: &Arc<Self>) -> Result<()> {
        let pending: Vec<String> = self.db.read(|tx| {
            let mut stmt =
                tx.prepare_cached("SELECT id FROM files WHERE processing = 'PENDING' ORDER BY created_at")?;
            let ids = stmt.query_map([], |r| r.get(0))?.collect::<Result<Vec<String>, _>>()?;
            Ok(ids)
        })?;
        for id in pending {
            self.enqueue(&id);
        }
        Ok(())
    }

    fn process(self: &Arc<Self>, id: &str) -> Result<()> {
        let (file, path) = self.file_content(id)?;
        if file.processing != Processing::Pending {
            return Ok(());
        }
        let tools = self.tools.read().unwrap_or_else(|p| p.into_inner()).clone();
        let (media, events) = match path {
            Some(path) if file.mime_type.starts_with("video/") => self.process_film(&file, &path, &tools),
            Some(path) if file.mime_type.starts_with("image/") => self.process_picture(&file, &path),
            _ => (None, Vec::new()),
        };
        self.db.write(|tx| {
            for e in &events {
                let data = serde_json::to_string(e).map_err(|e| Error::Internal(e.to_string()))?;
                tx.prepare_cached("INSERT INTO file_events(file_id, type, status, at, data) VALUES (?, ?, ?, ?, ?)")?
                    .execute(params![id, e.event_type, e.status, now_ms(), data])?;
            }
            tx.prepare_cached("UPDATE files SET processing = 'DONE', media = coalesce(?, media) WHERE id = ?")?
                .execute(params![media.as_ref().map(Value::to_string), id])?;
            Ok(())
        })?;
        for e in &events {
            tracing::info!(id, event = %e.event_type, status = %e.status, "processing event");
        }
        Ok(())
    }

    fn process_film(
        self: &Arc<Self>,
        file: &StoredFile,
        path: &Path,
        tools: &MediaTools,
    ) -> (Option<Value>, Vec<FileEvent>) {
        let id = &file.file_id;
        let media = match probe(tools, path) {
            Ok(m) => m,
            Err(msg) => {
                tracing::warn!(id, "{msg}");
                return (None, vec![failed(id, EVENT_TRANSCODE, &msg), failed(id, EVENT_SNAPSHOT, &msg)]);
            }
        };
        let transcode = event(
            id,
            EVENT_TRANSCODE,
            true,
            json!({
                "Definition": "OD",
                "FileUrl": file.url,
                "Size": file.size,
                "Duration": media["duration"],
                "Width": media["width"],
                "Height": media["height"],
                "Fps": media["fps"],
                "Bitrate": media["bitrate"],
                "Format": media["format"],
                "Codec": media["videoCodec"],
            }),
        );
        // A frame a tenth of the way in (at most a minute) is past black leaders and logos.
        let at = media["duration"].as_f64().map(|d| (d * 0.1).min(60.0)).unwrap_or(0.0);
        let snapshot = match self.snapshot(file, path, tools, at) {
            Ok(shot) => event(
                id,
                EVENT_SNAPSHOT,
                true,
                json!({ "SnapshotFileID": shot.file_id, "CoverUrl": shot.url, "SnapshotTime": at, "Kind": "snapshot" }),
            ),
            Err(msg) => failed(id, EVENT_SNAPSHOT, &msg),
        };
        (Some(media), vec![transcode, snapshot])
    }

    fn snapshot(
        self: &Arc<Self>,
        file: &StoredFile,
        path: &Path,
        tools: &MediaTools,
        at: f64,
    ) -> std::result::Result<StoredFile, String> {
        let (tmp, handle) = self.store.temp_file(".jpg").map_err(|e| e.to_string())?;
        drop(handle);
        let scale = format!("scale='min({SNAPSHOT_WIDTH},iw)':-2");
        let seek = format!("{at:.3}");
        let mut args = os_args(&["-nostdin", "-v", "error", "-ss", &seek, "-i"]);
        args.push(path.into());
        args.extend(os_args(&["-frames:v", "1", "-vf", &scale, "-q:v", "3", "-f", "image2", "-c:v", "mjpeg", "-y"]));
        args.push(tmp.clone().into());
        let result = run_tool(&tools.ffmpeg, &args).and_then(|_| {
            let size = std::fs::metadata(&tmp).map_err(|e| e.to_string())?.len();
            if size == 0 {
                return Err(format!("ffmpeg wrote no frame at {seek} s"));
            }
            let spec = NewFile {
                name: name::clean(&format!("{}-snapshot.jpg", name::stem(&file.name))),
                domain: file.domain,
                owner: file.owner.clone(),
                mime: Some("image/jpeg".into()),
                derived_from: Some(file.file_id.clone()),
            };
            self.store_derived(&spec, &tmp, size).map_err(|e| e.to_string())
        });
        super::store::Store::remove(&tmp);
        result
    }

    fn process_picture(self: &Arc<Self>, file: &StoredFile, path: &Path) -> (Option<Value>, Vec<FileEvent>) {
        let id = &file.file_id;
        match self.thumbnail(file, path) {
            Ok((w, h, thumb)) => (
                Some(json!({ "width": w, "height": h })),
                vec![event(
                    id,
                    EVENT_SNAPSHOT,
                    true,
                    json!({ "SnapshotFileID": thumb.file_id, "CoverUrl": thumb.url, "Width": w, "Height": h,
                            "Kind": "thumbnail" }),
                )],
            ),
            Err(msg) => (None, vec![failed(id, EVENT_SNAPSHOT, &msg)]),
        }
    }

    fn thumbnail(
        self: &Arc<Self>,
        file: &StoredFile,
        path: &Path,
    ) -> std::result::Result<(u32, u32, StoredFile), String> {
        let mut reader = image::ImageReader::open(path)
            .map_err(|e| e.to_string())?
            .with_guessed_format()
            .map_err(|e| e.to_string())?;
        let mut limits = image::Limits::default();
        limits.max_image_width = Some(MAX_IMAGE_SIDE);
        limits.max_image_height = Some(MAX_IMAGE_SIDE);
        limits.max_alloc = Some(MAX_IMAGE_ALLOC);
        reader.limits(limits);
        let img = reader.decode().map_err(|e| format!("could not decode the picture: {e}"))?;
        let (w, h) = (img.width(), img.height());
        if w <= THUMBNAIL_SIZE && h <= THUMBNAIL_SIZE {
            // Small enough already: the picture is its own thumbnail.
            return Ok((w, h, file.clone()));
        }
        let thumb = img.thumbnail(THUMBNAIL_SIZE, THUMBNAIL_SIZE);
        let (tmp, handle) = self.store.temp_file(".png").map_err(|e| e.to_string())?;
        let result = (|| {
            let mut out = std::io::BufWriter::new(handle);
            thumb.write_to(&mut out, image::ImageFormat::Png).map_err(|e| e.to_string())?;
            let handle = out.into_inner().map_err(|e| e.to_string())?;
            handle.sync_all().map_err(|e| e.to_string())?;
            let size = handle.metadata().map_err(|e| e.to_string())?.len();
            drop(handle);
            let spec = NewFile {
                name: name::clean(&format!("{}-thumb.png", name::stem(&file.name))),
                domain: file.domain,
                owner: file.owner.clone(),
                mime: Some("image/png".into()),
                derived_from: Some(file.file_id.clone()),
            };
            self.store_derived(&spec, &tmp, size).map_err(|e| e.to_string())
        })();
        super::store::Store::remove(&tmp);
        result.map(|t| (w, h, t))
    }

    /// Stores a file the worker made (fsynced by its maker or here).
    fn store_derived(self: &Arc<Self>, spec: &NewFile, tmp: &Path, size: u64) -> Result<StoredFile> {
        std::fs::File::open(tmp)?.sync_all()?;
        let md5 = hex_lower(&hash_prefix(tmp, size)?.finalize());
        self.complete(&new_id(), spec, tmp, &md5, size, None)
    }
}

impl Cms {
    /// Which FFmpeg programs processing runs (for installations with FFmpeg elsewhere, and
    /// for tests of a machine without it).
    pub fn set_media_tools(&self, tools: MediaTools) {
        *self.files.tools.write().unwrap_or_else(|p| p.into_inner()) = tools;
    }

    pub fn media_tools(&self) -> MediaTools {
        self.files.tools.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Blocks until background processing of a stored file is over, and answers the file with
    /// its events. Err when the file is unknown, or its processing did not finish (it failed,
    /// or the worker could not run it: it is tried again on the next start).
    ///
    /// Processing takes as long as FFmpeg does on a busy machine: a caller that needs its
    /// outcome (the tests do) waits for it here instead of polling the file against a clock.
    pub fn wait_processed(&self, file_id: &str) -> Result<StoredFile> {
        let files = &self.files;
        loop {
            let file = files.file(file_id)?;
            if file.processing != Processing::Pending {
                return Ok(file);
            }
            let Some(ticket) = files.ticket(file_id) else {
                // Its job may have finished between the two reads.
                let file = files.file(file_id)?;
                if file.processing != Processing::Pending {
                    return Ok(file);
                }
                return Err(Error::Internal(format!(
                    "file {file_id} is waiting for processing that did not run; it is tried again on the next start"
                )));
            };
            files.wait_job(ticket);
        }
    }
}
