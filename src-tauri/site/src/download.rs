//! A film's file into `DIR/films/`: resumed with `Range` from the bytes already on disk, checked against its size and MD5, then renamed into place; progress reported as it goes.
//!
//! `films/{movieID}.{fileID}.part` is a download under way: its length is how far it got, so a
//! kill loses nothing. `films/{movieID}.{fileID}` is a file that was complete and checked when it
//! was renamed there: its presence alone means READY.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use md5::{Digest, Md5};
use serde_json::json;
use tokio::io::AsyncWriteExt;

use crate::api::{Api, Failure};
use crate::journal::{sync_dir, FilmState, Journal};
use crate::message::FileRef;

/// Progress is saved and reported at least this often in bytes: every 5 % of the file.
const PROGRESS_PARTS: u64 = 20;

pub(crate) fn films_dir(dir: &Path) -> PathBuf {
    dir.join("films")
}

/// Where a film's checked file lives.
pub(crate) fn final_path(dir: &Path, movie: &str, file: &str) -> PathBuf {
    films_dir(dir).join(format!("{movie}.{file}"))
}

fn part_path(dir: &Path, movie: &str, file: &str) -> PathBuf {
    films_dir(dir).join(format!("{movie}.{file}.part"))
}

/// Removes a film's files, all but those of `keep` (a file id).
pub(crate) fn remove_film(dir: &Path, movie: &str, keep: Option<&str>) {
    let Ok(entries) = std::fs::read_dir(films_dir(dir)) else { return };
    let prefix = format!("{movie}.");
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(&prefix) else { continue };
        let file = rest.strip_suffix(".part").unwrap_or(rest);
        if keep != Some(file) {
            if let Err(err) = std::fs::remove_file(e.path()) {
                tracing::warn!(file = %e.path().display(), %err, "could not remove");
            }
        }
    }
}

/// Why a download stopped short.
#[derive(Debug)]
pub(crate) enum Stop {
    /// Worth trying again (network, server down, a resumed file that did not check out).
    Again(String),
    /// Given up: the file cannot be had as the message describes it.
    Fail(String),
}

/// What a download needs beside the file.
pub(crate) struct Fetcher<'a> {
    pub api: &'a Api,
    pub journal: &'a Journal,
    pub dir: &'a Path,
    pub cinema: &'a str,
    pub movie: &'a str,
    pub progress_every: Duration,
}

impl Fetcher<'_> {
    /// Downloads `file` (or what is left of it) and checks it; on success it is in place and
    /// the journal says READY.
    pub async fn fetch(&self, file: &FileRef) -> Result<(), Stop> {
        let io = |e: std::io::Error| Stop::Again(format!("the directory: {e}"));
        let (done, part) =
            (final_path(self.dir, self.movie, &file.file_id), part_path(self.dir, self.movie, &file.file_id));
        if !done.exists() {
            tokio::fs::create_dir_all(films_dir(self.dir)).await.map_err(io)?;
            let from = std::fs::metadata(&part).map_or(0, |m| m.len());
            let (md5, have) = self.receive(file, &part, from).await?;
            if have != file.size {
                return Err(Stop::Again(format!("the server sent {have} of {} bytes", file.size)));
            }
            let md5 = hex(&md5.finalize());
            if !md5.eq_ignore_ascii_case(&file.md5) {
                std::fs::remove_file(&part).map_err(io)?;
                let why = format!("the MD5 of the bytes received is {md5}, not {}", file.md5);
                // A resumed file may have kept bad bytes from before; a whole one is just wrong.
                return Err(if from > 0 { Stop::Again(why) } else { Stop::Fail(why) });
            }
            std::fs::rename(&part, &done).map_err(io)?;
            sync_dir(&films_dir(self.dir)).map_err(io)?;
        }
        self.journal
            .update(|s| {
                if let Some(f) = s.films.get_mut(self.movie).filter(|f| f.file.file_id == file.file_id) {
                    f.state = FilmState::Ready;
                    f.reported = false;
                }
            })
            .map_err(io)?;
        Ok(())
    }

    /// Appends the rest of the file to `part`, which holds `from` bytes: the MD5 of the whole
    /// and its length.
    async fn receive(&self, file: &FileRef, part: &Path, mut from: u64) -> Result<(Md5, u64), Stop> {
        let io = |e: std::io::Error| Stop::Again(format!("the partial file: {e}"));
        if from > file.size {
            from = 0;
        }
        let mut res = None;
        if from < file.size {
            let r = self.api.get_from(&file.url, from).await.map_err(|e| match e {
                Failure::Transient(why) => Stop::Again(why),
                Failure::Refused { status, info } => Stop::Fail(format!("{} answered {status}: {info}", file.url)),
            })?;
            // A server that ignores the range sends it all: start over.
            if r.status() != reqwest::StatusCode::PARTIAL_CONTENT {
                from = 0;
            }
            res = Some(r);
        }
        let mut md5 = hash_prefix(part, from).await.map_err(io)?;
        let mut out =
            tokio::fs::OpenOptions::new().create(true).write(true).truncate(false).open(part).await.map_err(io)?;
        out.set_len(from).await.map_err(io)?;
        out.seek_to(from).await.map_err(io)?;
        let mut have = from;
        let mut progress = Progress::new(self.progress_every, file.size);
        while let Some(chunk) = match res.as_mut() {
            Some(r) => r.chunk().await.map_err(|e| Stop::Again(format!("download: {e}")))?,
            None => None,
        } {
            if have + chunk.len() as u64 > file.size {
                return Err(Stop::Again(format!("the server sent more than {} bytes", file.size)));
            }
            out.write_all(&chunk).await.map_err(io)?;
            md5.update(&chunk);
            have += chunk.len() as u64;
            if let Some(fetched) = progress.step(chunk.len() as u64, have) {
                self.save_progress(file, fetched, have).await;
            }
        }
        out.sync_all().await.map_err(io)?;
        self.save_progress(file, progress.unsaved(), have).await;
        Ok((md5, have))
    }

    /// Adds `fetched` bytes to the journal's count and tells the server how far it got (once:
    /// the next report says more).
    async fn save_progress(&self, file: &FileRef, fetched: u64, have: u64) {
        let saved = self.journal.update(|s| {
            if let Some(f) = s.films.get_mut(self.movie).filter(|f| f.file.file_id == file.file_id) {
                f.fetched += fetched;
            }
        });
        if let Err(e) = saved {
            tracing::warn!(%e, "progress not saved in the journal");
        }
        let path = format!("/cms/cinemas/{}/deliveries/{}", self.cinema, self.movie);
        let body = json!({"state": "DOWNLOADING", "bytes": have, "totalBytes": file.size, "fileID": file.file_id});
        if let Err(why) = self.api.send_json("PUT", &path, &body).await {
            tracing::info!(movie = self.movie, %why, "progress not reported");
        }
    }
}

/// When to save and report progress: every `every`, or every 5 % of the file.
struct Progress {
    every: Duration,
    step_bytes: u64,
    last_at: Instant,
    last_bytes: u64,
    unsaved: u64,
}

impl Progress {
    fn new(every: Duration, size: u64) -> Progress {
        Progress {
            every,
            step_bytes: (size / PROGRESS_PARTS).max(1),
            last_at: Instant::now(),
            last_bytes: 0,
            unsaved: 0,
        }
    }

    /// `n` more bytes received, `have` on disk: the bytes received since the last save when it
    /// is time to save again.
    fn step(&mut self, n: u64, have: u64) -> Option<u64> {
        self.unsaved += n;
        if self.last_at.elapsed() < self.every && have < self.last_bytes + self.step_bytes {
            return None;
        }
        (self.last_at, self.last_bytes) = (Instant::now(), have);
        Some(self.unsaved())
    }

    fn unsaved(&mut self) -> u64 {
        std::mem::take(&mut self.unsaved)
    }
}

/// The MD5 state of the first `len` bytes of `path` (what a resumed download already has).
async fn hash_prefix(path: &Path, len: u64) -> std::io::Result<Md5> {
    if len == 0 {
        return Ok(Md5::new());
    }
    let path = path.to_path_buf();
    tokio::task::spawn_blocking(move || {
        use std::io::Read;
        let mut md5 = Md5::new();
        let mut f = std::fs::File::open(path)?.take(len);
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let n = f.read(&mut buf)?;
            if n == 0 {
                break;
            }
            md5.update(&buf[..n]);
        }
        Ok(md5)
    })
    .await
    .map_err(std::io::Error::other)?
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

trait SeekTo {
    async fn seek_to(&mut self, at: u64) -> std::io::Result<()>;
}

impl SeekTo for tokio::fs::File {
    async fn seek_to(&mut self, at: u64) -> std::io::Result<()> {
        use tokio::io::AsyncSeekExt;
        self.seek(std::io::SeekFrom::Start(at)).await.map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_is_saved_every_five_per_cent_or_every_period() {
        let mut p = Progress::new(Duration::from_secs(3600), 1000);
        assert_eq!(p.step(30, 30), None);
        assert_eq!(p.step(20, 50), Some(50), "5 % of 1000 bytes");
        assert_eq!(p.step(10, 60), None);
        let mut every_time = Progress::new(Duration::ZERO, 1000);
        assert_eq!(every_time.step(1, 1), Some(1));
    }

    #[test]
    fn removing_a_film_keeps_only_the_file_asked_for_and_no_other_film() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(films_dir(dir.path())).unwrap();
        for name in ["m1.old", "m1.new.part", "m1.new", "m10.x"] {
            std::fs::write(films_dir(dir.path()).join(name), b"x").unwrap();
        }
        remove_film(dir.path(), "m1", Some("new"));
        let mut left: Vec<String> = std::fs::read_dir(films_dir(dir.path()))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, ["m1.new", "m1.new.part", "m10.x"]);
    }
}
