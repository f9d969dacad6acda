//! The upload manager: the list of uploads, one worker thread per running upload, the journal
//! kept in step, and events to every subscriber.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use cinedesk_core::Domain;

use crate::error::CommandError;
use crate::uploads::event::{Meter, UploadEvent, UploadFailure, UploadState};
use crate::uploads::journal::{Destination, Journal, Record};
use crate::uploads::source::Fingerprint;
use crate::uploads::target::{Finish, Progress, Target};

/// Receives events; answers false once it is gone (a closed window's channel) to be dropped.
pub type Sink = Box<dyn Fn(&UploadEvent) -> bool + Send + Sync>;

/// Told `(id, kept)` on an upload's worker each time the backend keeps more of its bytes.
pub type Checkpoint = Box<dyn Fn(&str, u64) + Send + Sync>;

/// What the UI asked a running upload to do.
#[derive(Default)]
struct Control {
    pause: AtomicBool,
    cancel: AtomicBool,
}

struct Job {
    record: Record,
    state: UploadState,
    done: u64,
    speed: f64,
    eta: Option<f64>,
    file_id: Option<String>,
    error: Option<UploadFailure>,
    control: Arc<Control>,
    /// Listed after a restart, and the app had stopped while it ran: it goes on by itself with
    /// the next session that may upload there ([`Manager::resume_interrupted`]).
    interrupted: bool,
}

impl Job {
    fn event(&self) -> UploadEvent {
        let mode = match self.record.to {
            Destination::Embedded { .. } => "embedded",
            Destination::Remote { .. } => "remote",
        };
        UploadEvent {
            id: self.record.id.clone(),
            name: self.record.name.clone(),
            path: self.record.path.clone(),
            domain: self.record.domain.clone(),
            mode: mode.into(),
            done: self.done,
            total: self.record.source.size,
            speed: if self.state == UploadState::Running { self.speed } else { 0.0 },
            eta: if self.state == UploadState::Running { self.eta } else { None },
            state: self.state,
            file_id: self.file_id.clone(),
            error: self.error.clone(),
        }
    }
}

pub struct Manager {
    journal: Journal,
    jobs: Mutex<Vec<Job>>,
    sinks: Mutex<Vec<Sink>>,
    checkpoints: Mutex<Vec<Checkpoint>>,
}

impl Manager {
    /// The manager of a data dir: the journal's unfinished uploads are listed as paused. They
    /// need a user's session to go on: the UI hands it over at login, and those the app stopped
    /// under then resume by themselves ([`Manager::resume_interrupted`]).
    pub fn open(dir: &Path) -> Manager {
        let journal = Journal::new(dir);
        let jobs = journal
            .load()
            .into_iter()
            .map(|record| Job {
                done: record.done,
                interrupted: record.interrupted,
                record,
                state: UploadState::Paused,
                speed: 0.0,
                eta: None,
                file_id: None,
                error: None,
                control: Arc::default(),
            })
            .collect();
        Manager { journal, jobs: Mutex::new(jobs), sinks: Mutex::new(Vec::new()), checkpoints: Mutex::default() }
    }

    fn jobs(&self) -> MutexGuard<'_, Vec<Job>> {
        self.jobs.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Adds a subscriber; answers the list as it stands so it starts complete.
    pub fn subscribe(&self, sink: Sink) -> Vec<UploadEvent> {
        self.sinks.lock().unwrap_or_else(|p| p.into_inner()).push(sink);
        self.list()
    }

    /// Adds a checkpoint listener. Events are throttled (ten a second) and count bytes still on
    /// the wire, so the first event with bytes may come after the last byte, or before the
    /// server holds any. A checkpoint is neither: it comes each time a pause would keep more
    /// bytes than before, and a pause or cancel asked from it takes effect before another byte
    /// is sent. Tests stop uploads at chosen points through it (nothing else listens yet).
    #[cfg(test)]
    pub fn on_checkpoint(&self, listener: Checkpoint) {
        self.checkpoints.lock().unwrap_or_else(|p| p.into_inner()).push(listener);
    }

    pub fn list(&self) -> Vec<UploadEvent> {
        self.jobs().iter().map(Job::event).collect()
    }

    fn emit(&self, event: &UploadEvent) {
        self.sinks.lock().unwrap_or_else(|p| p.into_inner()).retain(|sink| sink(event));
    }

    /// Changes one job and tells the subscribers (outside the lock: a sink may call back).
    fn update(&self, id: &str, change: impl FnOnce(&mut Job)) -> Option<UploadEvent> {
        let event = self.change(id, change)?;
        self.emit(&event);
        Some(event)
    }

    fn change(&self, id: &str, change: impl FnOnce(&mut Job)) -> Option<UploadEvent> {
        let mut jobs = self.jobs();
        let job = jobs.iter_mut().find(|j| j.record.id == id)?;
        change(job);
        Some(job.event())
    }

    /// A final change (paused, done, failed, cancelled): the journal is written before anyone
    /// hears of it, so what a subscriber sees survives a restart that follows at once.
    fn settle(&self, id: &str, change: impl FnOnce(&mut Job)) {
        let event = self.change(id, change);
        self.save_journal();
        if let Some(event) = event {
            self.emit(&event);
        }
    }

    /// Writes the unfinished uploads to the journal. A failure is logged: the upload itself
    /// goes on, only its resumption after a restart is at risk.
    fn save_journal(&self) {
        let records: Vec<Record> = self
            .jobs()
            .iter()
            .filter(|j| matches!(j.state, UploadState::Running | UploadState::Paused | UploadState::Failed))
            .map(|j| Record { done: j.done, interrupted: j.state == UploadState::Running, ..j.record.clone() })
            .collect();
        if let Err(e) = self.journal.save(&records) {
            tracing::error!(error = %e, "cannot write the upload journal");
        }
    }

    /// Starts uploading `path` (blocking: creates the upload, then runs it on its own thread).
    pub fn start(self: &Arc<Self>, target: Target, path: &Path, domain: &str) -> Result<String, CommandError> {
        let domain = Domain::parse(domain)?;
        let source = Fingerprint::of(path)?;
        let started = target.start(path, domain, source.size)?;
        let id = started.id.clone();
        if let Some(job) = self.jobs().iter().find(|j| j.record.id == id) {
            if job.state == UploadState::Running {
                return Ok(id); // The same file is already on its way.
            }
        }
        self.jobs().retain(|j| j.record.id != id);
        let record = Record {
            id: id.clone(),
            path: path.to_string_lossy().into_owned(),
            name: path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            domain: domain.as_str().to_string(),
            source,
            done: started.done,
            to: started.to,
            interrupted: false,
        };
        let finished = started.file_id.is_some();
        let job = Job {
            record,
            state: if finished { UploadState::Done } else { UploadState::Paused },
            done: started.done,
            speed: 0.0,
            eta: None,
            file_id: started.file_id,
            error: None,
            control: Arc::default(),
            interrupted: false,
        };
        let event = job.event();
        self.jobs().push(job);
        if finished {
            self.emit(&event);
        } else {
            self.spawn(target, &id);
        }
        Ok(id)
    }

    /// Goes on with every upload the app stopped under (it quit or crashed while they ran) that
    /// belongs to `target`'s database, user or server; answers their ids. Uploads the user
    /// paused are left alone, and so are other users' or servers' (they wait for that session).
    /// One that cannot go on (its file changed) stays paused with the reason, and is not tried
    /// again at the next login.
    pub fn resume_interrupted(
        self: &Arc<Self>,
        target: impl Fn() -> Result<Target, CommandError>,
    ) -> Result<Vec<String>, CommandError> {
        let waiting: Vec<String> = self
            .jobs()
            .iter()
            .filter(|j| j.interrupted && j.state == UploadState::Paused)
            .map(|j| j.record.id.clone())
            .collect();
        let mut resumed = Vec::new();
        for id in waiting {
            match self.resume(target()?, &id) {
                Ok(()) => resumed.push(id),
                Err(e) if e.code == "conflict" => {}
                Err(e) => {
                    tracing::warn!(id, code = %e.code, info = %e.info, "an interrupted upload cannot go on");
                    self.update(&id, |j| {
                        j.interrupted = false;
                        j.error = Some(UploadFailure { code: e.code.to_string(), info: e.info.clone() });
                    });
                }
            }
        }
        Ok(resumed)
    }

    /// Goes on with a paused or failed upload (also one from before a restart).
    pub fn resume(self: &Arc<Self>, target: Target, id: &str) -> Result<(), CommandError> {
        let (record, state) = {
            let jobs = self.jobs();
            let job = jobs.iter().find(|j| j.record.id == id).ok_or_else(|| not_found(id))?;
            (job.record.clone(), job.state)
        };
        match state {
            UploadState::Running | UploadState::Done => return Ok(()),
            UploadState::Cancelled => return Err(not_found(id)),
            UploadState::Paused | UploadState::Failed => {}
        }
        if !target.serves(&record.to) {
            return Err(CommandError {
                code: cinedesk_core::Code::Conflict,
                info: format!("{} was started in another mode or for another user or server", record.name),
                field: None,
            });
        }
        record.source.check(Path::new(&record.path))?;
        self.spawn(target, id);
        Ok(())
    }

    /// Asks a running upload to stop once its bytes so far are safe.
    pub fn pause(&self, id: &str) -> Result<(), CommandError> {
        let jobs = self.jobs();
        let job = jobs.iter().find(|j| j.record.id == id).ok_or_else(|| not_found(id))?;
        job.control.pause.store(true, Ordering::SeqCst);
        Ok(())
    }

    /// Drops an upload and what it sent. A running one is stopped by its worker, which then
    /// cancels it with its own target; `target` serves the others.
    pub fn cancel(&self, target: Option<Target>, id: &str) -> Result<(), CommandError> {
        let (record, state) = {
            let jobs = self.jobs();
            let job = jobs.iter().find(|j| j.record.id == id).ok_or_else(|| not_found(id))?;
            if job.state == UploadState::Running {
                job.control.cancel.store(true, Ordering::SeqCst);
                return Ok(());
            }
            (job.record.clone(), job.state)
        };
        if matches!(state, UploadState::Paused | UploadState::Failed) {
            let target = target.ok_or_else(|| CommandError::no_backend("no backend to cancel the upload on".into()))?;
            match target.cancel(id, &record.to) {
                Ok(()) => {}
                // Already gone there (expired, or cancelled elsewhere): just forget it here.
                Err(e) if e.code == "not_found" => {}
                Err(e) => return Err(e),
            }
        }
        self.settle(id, |j| j.state = UploadState::Cancelled);
        Ok(())
    }

    /// Runs an upload on its own thread until it is done, paused, cancelled or failed.
    fn spawn(self: &Arc<Self>, target: Target, id: &str) {
        let Some(control) = self
            .update(id, |j| {
                j.state = UploadState::Running;
                j.error = None;
                j.control = Arc::default();
                j.interrupted = false;
            })
            .and_then(|_| self.jobs().iter().find(|j| j.record.id == id).map(|j| Arc::clone(&j.control)))
        else {
            return;
        };
        // Recorded as running before any byte moves: if the app stops now, it goes on by itself.
        self.save_journal();
        let me = Arc::clone(self);
        let thread_id = id.to_string();
        let spawned = std::thread::Builder::new()
            .name(format!("upload {id}"))
            .spawn(move || me.work(target, &thread_id, &control));
        if let Err(e) = spawned {
            self.update(id, |j| {
                j.state = UploadState::Failed;
                j.error =
                    Some(UploadFailure { code: "internal".into(), info: format!("cannot start the upload: {e}") });
            });
        }
    }

    fn work(&self, target: Target, id: &str, control: &Control) {
        let Some((record, done)) = self.jobs().iter().find(|j| j.record.id == id).map(|j| (j.record.clone(), j.done))
        else {
            return;
        };
        let mut meter = Meter::new(done);
        let mut kept = done;
        let mut progress = |Progress { done, kept: now_kept, total }: Progress| {
            if now_kept > kept {
                kept = now_kept;
                for listener in self.checkpoints.lock().unwrap_or_else(|p| p.into_inner()).iter() {
                    listener(id, kept);
                }
            }
            if meter.record(done) {
                let (speed, eta) = (meter.speed(), meter.eta(done, total));
                self.update(id, |j| {
                    j.done = done;
                    j.speed = speed;
                    j.eta = eta;
                });
            }
            // Read after the checkpoint and the event: a listener reacting to them is heard at once.
            !(control.pause.load(Ordering::SeqCst) || control.cancel.load(Ordering::SeqCst))
        };
        let outcome = target.run(id, &record.to, Path::new(&record.path), record.source.size, &mut progress);
        let cancelled = control.cancel.load(Ordering::SeqCst);
        match outcome {
            Ok(Finish::Done { file_id }) => {
                self.settle(id, |j| {
                    j.state = UploadState::Done;
                    j.done = j.record.source.size;
                    j.file_id = Some(file_id);
                });
            }
            Ok(Finish::Paused { .. }) | Err(_) if cancelled => {
                let state = match target.cancel(id, &record.to) {
                    Ok(()) => UploadState::Cancelled,
                    Err(e) => {
                        tracing::error!(id, code = %e.code, info = %e.info, "cancelling the upload failed");
                        UploadState::Failed
                    }
                };
                self.settle(id, |j| j.state = state);
            }
            Ok(Finish::Paused { done }) => {
                self.settle(id, |j| {
                    j.state = UploadState::Paused;
                    j.done = done;
                });
            }
            Err(e) => {
                tracing::warn!(id, code = %e.code, info = %e.info, "upload failed");
                self.settle(id, |j| {
                    j.state = UploadState::Failed;
                    j.error = Some(UploadFailure { code: e.code.to_string(), info: e.info.clone() });
                });
            }
        }
    }
}

fn not_found(id: &str) -> CommandError {
    CommandError { code: cinedesk_core::Code::NotFound, info: format!("no upload {id}"), field: None }
}
