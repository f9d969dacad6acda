//! What each message makes the agent do, in order, acknowledging it once done; and the tasks beside the channel (downloads, reports, the heartbeat).
//!
//! A film message is done once the journal holds the film: the download runs beside the channel
//! (a film can take hours, and commands and withdrawals must not wait behind it) and survives
//! restarts through the journal and the partial file. A withdrawal is done once the file is
//! gone, a command once its hook has ended and the outcome is in the journal.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde_json::json;
use tokio::sync::Semaphore;
use tokio::task::JoinHandle;

use crate::api::{Api, Failure};
use crate::channel::Conn;
use crate::config::Config;
use crate::download::{remove_film, Fetcher, Stop};
use crate::journal::{CommandRun, Film, FilmState, Journal, Outcome};
use crate::message::{FileRef, Message, Order};
use crate::reports::{until_answered, Backoff};
use crate::{heartbeat, hook, Error};

/// Films downloaded at once; the others wait their turn.
const PARALLEL_DOWNLOADS: usize = 2;

struct Agent {
    config: Config,
    api: Api,
    journal: Journal,
    /// The running download of each film, with its file id.
    downloads: Mutex<HashMap<String, (String, JoinHandle<()>)>>,
    slots: Semaphore,
}

/// Runs the agent until SIGTERM or Ctrl-C.
pub(crate) async fn run(config: Config) -> Result<(), Error> {
    let journal = Journal::open(&config.dir)?;
    let api = Api::new(&config.server, &config.key, &config.secret);
    let agent = Arc::new(Agent {
        config,
        api,
        journal,
        downloads: Mutex::new(HashMap::new()),
        slots: Semaphore::new(PARALLEL_DOWNLOADS),
    });
    agent.resume()?;
    tracing::info!(server = %agent.config.server, cinema = %agent.config.cinema, dir = %agent.config.dir.display(), "site agent started");
    let beat = Arc::clone(&agent);
    tokio::select! {
        _ = heartbeat::run(&beat.api, &beat.config) => Ok(()),
        _ = agent.listen() => Ok(()),
        _ = stopped() => {
            tracing::info!("site agent stopping");
            Ok(())
        }
    }
}

async fn stopped() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! { _ = term.recv() => {}, _ = tokio::signal::ctrl_c() => {} }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

impl Agent {
    /// Picks up where the journal left off: a command whose hook was running when the agent
    /// stopped is FAILED (running it again could repeat a reboot); every film goes on or is
    /// reported; every outcome not yet reported is.
    fn resume(self: &Arc<Self>) -> Result<(), Error> {
        let cut =
            Outcome { done: false, detail: "the site agent stopped while the hook ran; it was not run again".into() };
        self.journal.update(|s| {
            for c in s.commands.values_mut().filter(|c| c.outcome.is_none()) {
                c.outcome = Some(cut.clone());
            }
        })?;
        let (films, commands) = self.journal.read(|s| {
            let commands = s.commands.iter().filter(|(_, c)| !c.reported).map(|(id, _)| id.clone()).collect::<Vec<_>>();
            (s.films.keys().cloned().collect::<Vec<_>>(), commands)
        });
        films.iter().for_each(|m| self.ensure(m));
        for id in commands {
            tokio::spawn(Arc::clone(self).report_command(id));
        }
        Ok(())
    }

    /// Holds the channel for ever: each message acted on, then acknowledged; reconnecting with
    /// growing pauses when the server is away.
    async fn listen(self: &Arc<Self>) {
        let (cinema, mut long_poll, mut backoff) = (&self.config.cinema, false, Backoff::new());
        loop {
            let mut conn = match Conn::open(&self.api, cinema, self.config.transport, &mut long_poll).await {
                Ok(c) => c,
                Err(why) => {
                    tracing::warn!(%why, "channel not open; trying again");
                    backoff.wait().await;
                    continue;
                }
            };
            let why = loop {
                let m = match conn.next(&self.api, cinema).await {
                    Ok(m) => m,
                    Err(why) => break why.to_string(),
                };
                backoff.reset();
                if let Err(e) = self.act(&m).await {
                    // Not acknowledged: the message comes again once the agent can act on it.
                    break format!("could not act on message {}: {e}", m.id);
                }
                if let Err(why) = conn.ack(&m.id).await {
                    break why.to_string();
                }
            };
            tracing::warn!(%why, "channel lost; reconnecting");
            backoff.wait().await;
        }
    }

    async fn act(self: &Arc<Self>, m: &Message) -> std::io::Result<()> {
        tracing::info!(message = %m.id, order = ?m.order, "message");
        match &m.order {
            Order::Film { movie_id, file: Some(file) } => self.want(movie_id, file).await,
            Order::Film { movie_id, file: None } | Order::Withdrawn { movie_id } => self.drop_film(movie_id).await,
            Order::Command { command_id, action, client_ids } => self.command(command_id, action, client_ids).await,
            Order::Other(kind) => {
                tracing::info!(kind, "nothing for this agent to do");
                Ok(())
            }
        }
    }

    /// A film the site should have with `file`. The same file again (the console's "retry")
    /// restarts a FAILED download and reports a READY file again; another file replaces it.
    async fn want(self: &Arc<Self>, movie: &str, file: &FileRef) -> std::io::Result<()> {
        let same = self.journal.read(|s| s.films.get(movie).is_some_and(|f| f.file.file_id == file.file_id));
        if !same {
            self.stop_download(movie).await;
        }
        self.journal.update(|s| {
            let film = s.films.entry(movie.to_string()).or_insert_with(|| new_film(file));
            if film.file.file_id != file.file_id {
                *film = new_film(file);
            } else if matches!(film.state, FilmState::Failed { .. }) {
                film.state = FilmState::Wanted;
            }
            film.file.url.clone_from(&file.url);
            film.reported = false;
        })?;
        remove_film(&self.config.dir, movie, Some(&file.file_id));
        self.ensure(movie);
        Ok(())
    }

    /// A film withdrawn (or left without a file): its download stopped, its files gone.
    async fn drop_film(&self, movie: &str) -> std::io::Result<()> {
        self.stop_download(movie).await;
        remove_film(&self.config.dir, movie, None);
        self.journal.update(|s| s.films.remove(movie)).map(drop)
    }

    async fn stop_download(&self, movie: &str) {
        let running = self.downloads.lock().unwrap_or_else(|p| p.into_inner()).remove(movie);
        if let Some((_, task)) = running {
            task.abort();
            // Gone for sure before its files are touched.
            let _ = task.await;
        }
    }

    /// Starts what the journal says a film needs: its download, or the report of how it ended.
    fn ensure(self: &Arc<Self>, movie: &str) {
        let Some(film) = self.journal.read(|s| s.films.get(movie).cloned()) else { return };
        match film.state {
            FilmState::Wanted => {
                let mut downloads = self.downloads.lock().unwrap_or_else(|p| p.into_inner());
                let running = downloads.get(movie).is_some_and(|(f, t)| *f == film.file.file_id && !t.is_finished());
                if !running {
                    let task = tokio::spawn(Arc::clone(self).deliver(movie.to_string(), film.file.clone()));
                    downloads.insert(movie.to_string(), (film.file.file_id, task));
                }
            }
            _ if !film.reported => {
                tokio::spawn(Arc::clone(self).report_film(movie.to_string(), film.file.file_id));
            }
            _ => {}
        }
    }

    /// Downloads a film until it is READY or FAILED for good, then reports that.
    async fn deliver(self: Arc<Self>, movie: String, file: FileRef) {
        let slot = self.slots.acquire().await;
        let fetcher = Fetcher {
            api: &self.api,
            journal: &self.journal,
            dir: &self.config.dir,
            cinema: &self.config.cinema,
            movie: &movie,
            progress_every: self.config.progress_every,
        };
        let mut backoff = Backoff::new();
        loop {
            match fetcher.fetch(&file).await {
                Ok(()) => break,
                Err(Stop::Again(why)) => {
                    tracing::warn!(movie, %why, "download interrupted; resuming later");
                    backoff.wait().await;
                }
                Err(Stop::Fail(error)) => {
                    tracing::error!(movie, %error, "download failed");
                    let failed = self.journal.update(|s| {
                        if let Some(f) = s.films.get_mut(&movie).filter(|f| f.file.file_id == file.file_id) {
                            f.state = FilmState::Failed { error: error.clone() };
                            f.reported = false;
                        }
                    });
                    if let Err(e) = failed {
                        tracing::error!(%e, "the journal could not record the failure");
                        return;
                    }
                    break;
                }
            }
        }
        drop(slot);
        self.report_film(movie, file.file_id).await;
    }

    /// Tells the server how a film ended (READY or FAILED), until it is answered.
    async fn report_film(self: Arc<Self>, movie: String, file_id: String) {
        let Some(film) = self.journal.read(|s| s.films.get(&movie).filter(|f| f.file.file_id == file_id).cloned())
        else {
            return;
        };
        let size = film.file.size;
        let body = match &film.state {
            FilmState::Ready => json!({"state": "READY", "bytes": size, "totalBytes": size, "fileID": file_id}),
            FilmState::Failed { error } => {
                json!({"state": "FAILED", "bytes": 0, "totalBytes": size, "fileID": file_id, "error": error})
            }
            FilmState::Wanted => return,
        };
        let path = format!("/cms/cinemas/{}/deliveries/{movie}", self.config.cinema);
        match until_answered(&self.api, "PUT", &path, &body).await {
            Ok(_) => tracing::info!(movie, state = %body["state"], "delivery reported"),
            // The server has newer news for this site (a new file, a withdrawal) in its queue.
            Err(Failure::Refused { status: 409, info }) => tracing::info!(movie, %info, "delivery report stale"),
            Err(why) => tracing::error!(movie, %why, "delivery report refused"),
        }
        let done = self.journal.update(|s| {
            if let Some(f) = s.films.get_mut(&movie).filter(|f| f.file.file_id == file_id && f.state == film.state) {
                f.reported = true;
            }
        });
        if let Err(e) = done {
            tracing::warn!(%e, "the journal could not record the report");
        }
    }

    /// Runs a command's hook, once: a command the journal already has is only reported.
    async fn command(self: &Arc<Self>, id: &str, action: &str, client_ids: &[String]) -> std::io::Result<()> {
        if self.journal.read(|s| !s.commands.contains_key(id)) {
            let run = CommandRun { started_at: crate::now_ms(), outcome: None, reported: false };
            self.journal.update(|s| s.commands.insert(id.to_string(), run))?;
            let (hook, timeout) = (self.config.hook.as_deref(), self.config.hook_timeout);
            let outcome = hook::run(hook, timeout, &self.config.cinema, id, action, client_ids).await;
            tracing::info!(command = id, action, done = outcome.done, detail = %outcome.detail, "command ran");
            self.journal.update(|s| s.commands.get_mut(id).map(|c| c.outcome = Some(outcome)))?;
        }
        if self.journal.read(|s| s.commands.get(id).is_some_and(|c| !c.reported)) {
            tokio::spawn(Arc::clone(self).report_command(id.to_string()));
        }
        Ok(())
    }

    async fn report_command(self: Arc<Self>, id: String) {
        let Some(outcome) = self.journal.read(|s| s.commands.get(&id).and_then(|c| c.outcome.clone())) else { return };
        let state = if outcome.done { "DONE" } else { "FAILED" };
        let body = json!({"state": state, "detail": outcome.detail});
        match until_answered(&self.api, "PUT", &format!("/cms/commands/{id}"), &body).await {
            Ok(_) => tracing::info!(command = id, state, "command reported"),
            Err(Failure::Refused { status: 409, info }) => tracing::info!(command = id, %info, "command already ended"),
            Err(why) => tracing::error!(command = id, %why, "command report refused"),
        }
        if let Err(e) = self.journal.update(|s| s.commands.get_mut(&id).map(|c| c.reported = true)) {
            tracing::warn!(%e, "the journal could not record the report");
        }
    }
}

fn new_film(file: &FileRef) -> Film {
    Film { file: file.clone(), state: FilmState::Wanted, reported: false, fetched: 0 }
}
