//! What the agent has taken on, kept in `DIR/journal.json` and replaced atomically at each change (write a temporary file, fsync, rename, fsync the directory), so a kill at any moment leaves the old journal or the new one, never half of either.
//!
//! It holds each film the site should have (its file, and whether that file is here and
//! reported) and each command the agent started (and how it ended, and whether the server was
//! told). A download's bytes are not in the journal: they are the partial file itself.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::message::FileRef;
use crate::Error;

/// Reported commands kept so that a COMMAND delivered again (the agent stopped between reporting
/// it and acknowledging it) is recognised and not run twice; older ones are forgotten.
const KEEP_COMMANDS: usize = 1000;

/// Where a film the site should have stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "SCREAMING_SNAKE_CASE")]
pub(crate) enum FilmState {
    /// To download (or downloading: the partial file says how far).
    Wanted,
    /// Here, all of it, its MD5 checked.
    Ready,
    /// Given up, for the reason said.
    Failed { error: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Film {
    pub file: FileRef,
    #[serde(flatten)]
    pub state: FilmState,
    /// Whether the server has acknowledged the report of the state above (READY or FAILED).
    pub reported: bool,
    /// Bytes of this file received over the network so far, across restarts (counted when
    /// progress is saved, so at most one progress step behind after a kill).
    pub fetched: u64,
}

/// How a command ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Outcome {
    pub done: bool,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct CommandRun {
    /// When the hook was started (epoch ms).
    pub started_at: i64,
    /// None while the hook runs; a command found so after a restart was cut short.
    pub outcome: Option<Outcome>,
    pub reported: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct State {
    #[serde(default)]
    pub films: BTreeMap<String, Film>,
    #[serde(default)]
    pub commands: BTreeMap<String, CommandRun>,
}

impl State {
    /// Forgets the oldest reported commands beyond [`KEEP_COMMANDS`].
    fn prune(&mut self) {
        let mut reported: Vec<(i64, String)> =
            self.commands.iter().filter(|(_, c)| c.reported).map(|(id, c)| (c.started_at, id.clone())).collect();
        if reported.len() > KEEP_COMMANDS {
            reported.sort();
            for (_, id) in &reported[..reported.len() - KEEP_COMMANDS] {
                self.commands.remove(id);
            }
        }
    }
}

/// The journal of one directory. Holding it holds an exclusive lock on the directory, so two
/// agents never share one.
pub(crate) struct Journal {
    path: PathBuf,
    state: Mutex<State>,
    _lock: File,
}

impl Journal {
    pub const FILE: &'static str = "journal.json";

    /// Opens (or starts) the journal of `dir`, creating `dir` if need be.
    pub fn open(dir: &Path) -> Result<Journal, Error> {
        fs::create_dir_all(dir)?;
        let path = dir.join(Self::FILE);
        let lock = lock(dir)?;
        let state = match fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map_err(|e| Error::Journal { path: path.display().to_string(), why: e.to_string() })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => State::default(),
            Err(e) => return Err(e.into()),
        };
        Ok(Journal { path, state: Mutex::new(state), _lock: lock })
    }

    pub fn read<R>(&self, f: impl FnOnce(&State) -> R) -> R {
        f(&self.state.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// Changes the journal: `f` works on a copy, which is written to disk before it replaces
    /// the state in memory; if writing fails nothing changed.
    pub fn update<R>(&self, f: impl FnOnce(&mut State) -> R) -> std::io::Result<R> {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let mut next = state.clone();
        let r = f(&mut next);
        next.prune();
        if next != *state {
            save(&self.path, &next)?;
            *state = next;
        }
        Ok(r)
    }
}

/// Writes `state` to `path` so that `path` is always either the old or the new journal.
fn save(path: &Path, state: &State) -> std::io::Result<()> {
    let tmp = path.with_extension("json.tmp");
    let mut f = File::create(&tmp)?;
    f.write_all(&serde_json::to_vec_pretty(state).map_err(std::io::Error::other)?)?;
    f.sync_all()?;
    fs::rename(&tmp, path)?;
    sync_dir(path.parent().unwrap_or(Path::new(".")))
}

/// Makes a rename in `dir` durable.
pub(crate) fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

fn lock(dir: &Path) -> Result<File, Error> {
    let f = OpenOptions::new().create(true).truncate(false).write(true).open(dir.join(".lock"))?;
    // An advisory lock the OS drops with the process (a kill -9 leaves no stale lock behind).
    f.try_lock()
        .map_err(|_| Error::Config(format!("{} is in use by another agent (its .lock is held)", dir.display())))?;
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn film(state: FilmState) -> Film {
        let file = FileRef { file_id: "x1".into(), size: 5, md5: "0".repeat(32), url: "/cms/files/x1".into() };
        Film { file, state, reported: false, fetched: 0 }
    }

    #[test]
    fn what_was_written_is_what_a_new_agent_reads() {
        let dir = tempfile::tempdir().unwrap();
        let j = Journal::open(dir.path()).unwrap();
        j.update(|s| s.films.insert("f1".into(), film(FilmState::Failed { error: "磁盘已满".into() }))).unwrap();
        drop(j);
        let again = Journal::open(dir.path()).unwrap();
        assert_eq!(again.read(|s| s.films["f1"].clone()), film(FilmState::Failed { error: "磁盘已满".into() }));
        assert!(!dir.path().join("journal.json.tmp").exists(), "no temporary file left behind");
    }

    #[test]
    fn a_leftover_temporary_file_from_a_kill_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        Journal::open(dir.path()).unwrap().update(|s| s.films.insert("f1".into(), film(FilmState::Ready))).unwrap();
        // Killed while writing the next journal: half a file beside the good one.
        fs::write(dir.path().join("journal.json.tmp"), b"{\"films\": {\"f1\": {\"fi").unwrap();
        let j = Journal::open(dir.path()).unwrap();
        assert_eq!(j.read(|s| s.films["f1"].state.clone()), FilmState::Ready);
    }

    #[test]
    fn a_damaged_journal_stops_the_agent_with_its_path_rather_than_forgetting_its_work() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("journal.json"), b"{not json").unwrap();
        let Err(Error::Journal { path, .. }) = Journal::open(dir.path()) else {
            panic!("a damaged journal is an error")
        };
        assert!(path.ends_with("journal.json"), "{path}");
    }

    #[test]
    fn a_second_agent_on_the_same_directory_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let _first = Journal::open(dir.path()).unwrap();
        assert!(matches!(Journal::open(dir.path()), Err(Error::Config(m)) if m.contains("in use")));
    }

    #[test]
    fn only_the_newest_reported_commands_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let j = Journal::open(dir.path()).unwrap();
        let run = |at, reported| CommandRun { started_at: at, outcome: None, reported };
        j.update(|s| {
            s.commands.insert("running".into(), run(0, false));
            for i in 1..=KEEP_COMMANDS as i64 + 5 {
                s.commands.insert(format!("c{i}"), run(i, true));
            }
        })
        .unwrap();
        let kept = j.read(|s| s.commands.clone());
        assert_eq!(kept.len(), KEEP_COMMANDS + 1);
        assert!(kept.contains_key("running") && !kept.contains_key("c5") && kept.contains_key("c6"));
    }
}
