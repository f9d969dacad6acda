//! The upload manager against real backends: the embedded core on a SQLite file and a store in
//! a temp dir, and a real `cinedesk_server` router on 127.0.0.1 for tus. Files are multi-MiB,
//! paused mid-way by a subscriber, resumed (also by a new manager, as after a restart), and the
//! stored bytes compared with the source by `md5sum`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use cinedesk_core::files::Protocol;
use cinedesk_core::{Actor, Cms};

use super::event::UploadState;
use super::tus::TusClient;
use super::{Manager, Target, UploadEvent};

const MIB: usize = 1024 * 1024;

/// A file of `mib` MiB that neither repeats nor compresses.
fn source_file(dir: &Path, name: &str, mib: usize) -> PathBuf {
    let path = dir.join(name);
    cinedesk_testkit::noise_file(&path, (mib * MIB) as u64, mib as u64);
    path
}

/// The reference MD5 from the system's `md5sum`.
fn md5sum(path: &Path) -> String {
    let out = std::process::Command::new("md5sum").arg(path).output().expect("md5sum runs");
    String::from_utf8(out.stdout).unwrap().split_whitespace().next().unwrap().to_string()
}

/// A real core with an admin; answers it and a session token.
fn core(dir: &Path) -> (Arc<Cms>, String) {
    let cms = Cms::open(dir).unwrap();
    cms.create_first_admin(&Actor::System, "管理员", "admin", "uploads-pass").unwrap();
    let token = cms.login("admin", "uploads-pass").unwrap().token;
    (Arc::new(cms), token)
}

/// Subscribes to `manager`'s events; with `pause_at` set, also pauses each upload at its first
/// checkpoint keeping at least that many bytes (so the pause lands mid-way whatever the speed).
fn watch(manager: &Arc<Manager>, pause_at: Option<u64>) -> Receiver<UploadEvent> {
    if let Some(limit) = pause_at {
        at_checkpoint(manager, limit, |m, id| m.pause(id).unwrap());
    }
    let (tx, rx) = channel();
    let tx = Mutex::new(tx);
    manager.subscribe(Box::new(move |e: &UploadEvent| tx.lock().unwrap().send(e.clone()).is_ok()));
    rx
}

/// Runs `act` once per upload, on its worker, at its first checkpoint keeping at least `limit`
/// bytes: the backend holds them, and nothing more is sent before `act` is heard.
fn at_checkpoint(manager: &Arc<Manager>, limit: u64, act: impl Fn(&Manager, &str) + Send + Sync + 'static) {
    let weak: Weak<Manager> = Arc::downgrade(manager);
    let acted = Mutex::new(std::collections::HashSet::new());
    manager.on_checkpoint(Box::new(move |id: &str, kept: u64| {
        if kept >= limit && acted.lock().unwrap().insert(id.to_string()) {
            if let Some(m) = weak.upgrade() {
                act(&m, id);
            }
        }
    }));
}

/// Only against a hang: every run of an upload ends in an event, so no wait comes near this
/// unless the manager is broken; no step is expected to take any particular time.
const HANG: Duration = Duration::from_secs(600);

/// Waits for `id` to reach `state`; panics on a failure.
fn wait_for(rx: &Receiver<UploadEvent>, id: &str, state: UploadState) -> UploadEvent {
    loop {
        let e = rx.recv_timeout(HANG).unwrap_or_else(|_| panic!("{id} never became {state:?}"));
        if e.id != id {
            continue;
        }
        if e.state == state {
            return e;
        }
        assert!(e.state != UploadState::Failed, "upload failed: {:?}", e.error);
    }
}

/// The stored file's bytes have the source's MD5 and size.
fn assert_stored(cms: &Cms, file_id: &str, src: &Path) {
    let (file, path) = cms.file_content(file_id).expect("the upload became a stored file");
    let want = md5sum(src);
    assert_eq!(file.md5, want, "the store's MD5 of {file_id} is the source's");
    assert_eq!(file.size, std::fs::metadata(src).unwrap().len(), "every byte arrived");
    let blob = path.expect("the content is on disk");
    assert_eq!(md5sum(&blob), want, "the stored blob itself hashes like the source");
}

#[test]
fn embedded_pause_resume_restart_and_finish() {
    let dir = tempfile::tempdir().unwrap();
    let (cms, token) = core(&dir.path().join("data"));
    let src = source_file(dir.path(), "film.mp4", 40);

    let manager = Arc::new(Manager::open(dir.path()));
    let rx = watch(&manager, Some(1));
    let id = manager.start(Target::embedded(Arc::clone(&cms), &token).unwrap(), &src, "MOVIE").unwrap();
    let paused = wait_for(&rx, &id, UploadState::Paused);
    assert!(paused.done > 0 && paused.done < paused.total, "paused mid-way: {} of {}", paused.done, paused.total);
    assert!(cms.file(&Actor::System, &id).is_err(), "no file exists before the last byte");

    // Resumed by the same manager, paused again, then the manager goes away (a restart).
    let rx2 = watch(&manager, Some(paused.done + 1));
    manager.resume(Target::embedded(Arc::clone(&cms), &token).unwrap(), &id).unwrap();
    let again = wait_for(&rx2, &id, UploadState::Paused);
    assert!(again.done >= paused.done, "resuming went on from where it stood");
    drop((manager, rx, rx2));

    let restarted = Arc::new(Manager::open(dir.path()));
    let listed = restarted.list();
    assert_eq!(listed.len(), 1, "the unfinished upload is listed after a restart: {listed:?}");
    assert_eq!((listed[0].state, listed[0].id.as_str()), (UploadState::Paused, id.as_str()), "listed as paused");
    let rx = watch(&restarted, None);
    restarted.resume(Target::embedded(Arc::clone(&cms), &token).unwrap(), &id).unwrap();
    let done = wait_for(&rx, &id, UploadState::Done);
    assert_eq!(done.done, done.total, "done means every byte");
    assert_eq!(done.file_id.as_deref(), Some(id.as_str()), "the upload's id is the file's");
    assert_stored(&cms, &id, &src);
    assert!(Manager::open(dir.path()).list().is_empty(), "a finished upload leaves the journal");
}

#[test]
fn an_upload_the_app_stopped_under_goes_on_by_itself_at_the_next_login() {
    let dir = tempfile::tempdir().unwrap();
    let (cms, token) = core(&dir.path().join("data"));
    let src = source_file(dir.path(), "interrupted.mp4", 40);
    let (running, crashed) = (dir.path().join("running"), dir.path().join("crashed"));
    std::fs::create_dir_all(&crashed).unwrap();

    // While bytes flow, the journal is copied as a crash at that moment would leave it; then
    // the upload is stopped, so the core holds what was acknowledged until then.
    let manager = Arc::new(Manager::open(&running));
    let journal = running.join(super::journal::JOURNAL_FILE);
    let crashed_journal = crashed.join(super::journal::JOURNAL_FILE);
    at_checkpoint(&manager, 1, move |m, id| {
        std::fs::copy(&journal, &crashed_journal).expect("the journal exists while an upload runs");
        m.pause(id).unwrap();
    });
    let rx = watch(&manager, None);
    let id = manager.start(Target::embedded(Arc::clone(&cms), &token).unwrap(), &src, "MOVIE").unwrap();
    let stopped = wait_for(&rx, &id, UploadState::Paused);
    assert!(stopped.done < stopped.total, "stopped mid-way: {} of {}", stopped.done, stopped.total);

    // The user's own pause waits for the user, even at the next login.
    let paused_by_user = Arc::new(Manager::open(&running));
    let resumed = paused_by_user.resume_interrupted(|| Target::embedded(Arc::clone(&cms), &token)).unwrap();
    assert!(resumed.is_empty(), "an upload the user paused does not start by itself: {resumed:?}");
    assert_eq!(paused_by_user.list()[0].state, UploadState::Paused, "it is still listed as paused");

    // After the crash: listed as paused until a session is back; a session of another backend
    // (here a server) leaves it alone; the embedded user's session resumes it to the end.
    let restarted = Arc::new(Manager::open(&crashed));
    assert_eq!(restarted.list()[0].state, UploadState::Paused, "nothing runs without a session");
    let elsewhere = restarted.resume_interrupted(|| Target::remote("http://127.0.0.1:9", &token)).unwrap();
    assert!(elsewhere.is_empty(), "another backend's session does not take this upload: {elsewhere:?}");
    let rx = watch(&restarted, None);
    let resumed = restarted.resume_interrupted(|| Target::embedded(Arc::clone(&cms), &token)).unwrap();
    assert_eq!(resumed, vec![id.clone()], "the upload the app stopped under goes on at login");
    let done = wait_for(&rx, &id, UploadState::Done);
    assert_eq!(done.done, done.total, "done means every byte");
    assert_stored(&cms, &id, &src);
    assert!(Manager::open(&crashed).list().is_empty(), "a finished upload leaves the journal");
}

#[test]
fn an_interrupted_upload_whose_file_changed_stays_paused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let (cms, token) = core(&dir.path().join("data"));
    let src = source_file(dir.path(), "edited.mp4", 5);
    let manager = Arc::new(Manager::open(dir.path()));
    let rx = watch(&manager, Some(1));
    let id = manager.start(Target::embedded(Arc::clone(&cms), &token).unwrap(), &src, "MOVIE").unwrap();
    wait_for(&rx, &id, UploadState::Paused);
    // As a crash while it ran would have left the journal.
    let path = dir.path().join(super::journal::JOURNAL_FILE);
    let mut records: Vec<super::journal::Record> = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    records[0].interrupted = true;
    std::fs::write(&path, serde_json::to_vec(&records).unwrap()).unwrap();
    std::fs::OpenOptions::new().append(true).open(&src).unwrap().write_all(b"edited since").unwrap();

    let restarted = Arc::new(Manager::open(dir.path()));
    let resumed = restarted.resume_interrupted(|| Target::embedded(Arc::clone(&cms), &token)).unwrap();
    assert!(resumed.is_empty(), "a changed file is not uploaded: {resumed:?}");
    let listed = &restarted.list()[0];
    assert_eq!(listed.state, UploadState::Paused, "it waits for the user");
    let error = listed.error.as_ref().expect("the list says why it did not go on");
    assert_eq!(error.code, "source_changed", "{}", error.info);
    let again = restarted.resume_interrupted(|| Target::embedded(Arc::clone(&cms), &token)).unwrap();
    assert!(again.is_empty(), "not tried again at the next login");
}

#[test]
fn embedded_cancel_removes_the_upload() {
    let dir = tempfile::tempdir().unwrap();
    let (cms, token) = core(&dir.path().join("data"));
    let src = source_file(dir.path(), "poster.png", 6);
    let manager = Arc::new(Manager::open(dir.path()));
    let rx = watch(&manager, Some(1));
    let id = manager.start(Target::embedded(Arc::clone(&cms), &token).unwrap(), &src, "MOVIE").unwrap();
    wait_for(&rx, &id, UploadState::Paused);
    let owner = Actor::User(cms.authenticate(&token).unwrap());
    assert_eq!(cms.list_uploads(&owner, Some(Protocol::Local), None).unwrap().len(), 1, "the core holds it");

    manager.cancel(Some(Target::embedded(Arc::clone(&cms), &token).unwrap()), &id).unwrap();
    wait_for(&rx, &id, UploadState::Cancelled);
    assert!(cms.list_uploads(&owner, Some(Protocol::Local), None).unwrap().is_empty(), "the core dropped it");
    assert!(cms.file(&Actor::System, &id).is_err(), "no file was made");
    assert!(Manager::open(dir.path()).list().is_empty(), "a cancelled upload leaves the journal");
}

#[test]
fn a_changed_source_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (cms, token) = core(&dir.path().join("data"));
    let src = source_file(dir.path(), "film.mkv", 5);
    let manager = Arc::new(Manager::open(dir.path()));
    let rx = watch(&manager, Some(1));
    let id = manager.start(Target::embedded(Arc::clone(&cms), &token).unwrap(), &src, "MOVIE").unwrap();
    wait_for(&rx, &id, UploadState::Paused);

    std::fs::OpenOptions::new().append(true).open(&src).unwrap().write_all(b"one more byte").unwrap();
    let err = manager.resume(Target::embedded(Arc::clone(&cms), &token).unwrap(), &id).unwrap_err();
    assert_eq!(err.code, "source_changed", "a grown file is refused: {}", err.info);
    assert!(err.info.contains("film.mkv"), "the message names the file: {}", err.info);
    assert_eq!(manager.list()[0].state, UploadState::Paused, "the upload waits, nothing was sent");
}

#[test]
fn a_wrong_session_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (cms, _) = core(&dir.path().join("data"));
    let err = Target::embedded(cms, "not-a-token").err().expect("an unknown token is refused");
    assert_eq!(err.code, "unauthorized", "{}", err.info);
}

/// A real server on 127.0.0.1 over its own core; answers its address, the core and a token.
fn server(dir: &Path) -> (String, Arc<Cms>, String, tokio::runtime::Runtime) {
    let (cms, token) = core(dir);
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let addr = listener.local_addr().unwrap();
    let router = cinedesk_server::router(Arc::clone(&cms));
    rt.spawn(async move { axum::serve(listener, router).await });
    (format!("http://{addr}"), cms, token, rt)
}

#[test]
fn remote_tus_pause_restart_resume_and_cancel() {
    let dir = tempfile::tempdir().unwrap();
    let (url, cms, token, _rt) = server(&dir.path().join("server"));
    // Over one tus chunk: the first checkpoint with bytes is the first chunk's acknowledgement.
    let src = source_file(dir.path(), "remote film.mp4", 40);
    let desk = dir.path().join("desktop");

    let manager = Arc::new(Manager::open(&desk));
    let rx = watch(&manager, Some(1));
    let id = manager.start(Target::remote(&url, &token).unwrap(), &src, "MOVIE").unwrap();
    let paused = wait_for(&rx, &id, UploadState::Paused);
    assert!(paused.done > 0 && paused.done < paused.total, "paused mid-way: {} of {}", paused.done, paused.total);
    assert_eq!(paused.mode, "remote", "it went to the server");
    drop((manager, rx));

    let restarted = Arc::new(Manager::open(&desk));
    assert_eq!(restarted.list()[0].done, paused.done, "the journal kept the acknowledged bytes");
    let rx = watch(&restarted, None);
    restarted.resume(Target::remote(&url, &token).unwrap(), &id).unwrap();
    let done = wait_for(&rx, &id, UploadState::Done);
    assert_eq!(done.file_id.as_deref(), Some(id.as_str()), "the tus id is the file's id");
    assert_stored(&cms, &id, &src);

    // Cancel: a second upload paused mid-way, then terminated on the server.
    let other = source_file(dir.path(), "trailer.mp4", 36);
    let rx = watch(&restarted, Some(1));
    let id2 = restarted.start(Target::remote(&url, &token).unwrap(), &other, "MOVIE").unwrap();
    wait_for(&rx, &id2, UploadState::Paused);
    restarted.cancel(Some(Target::remote(&url, &token).unwrap()), &id2).unwrap();
    wait_for(&rx, &id2, UploadState::Cancelled);
    let tus = TusClient::new(&url, &token).unwrap();
    let gone = tus.offset(&format!("{url}/files/{id2}")).unwrap_err();
    assert_eq!(gone.code, "not_found", "the server forgot the cancelled upload: {}", gone.info);
    assert!(Manager::open(&desk).list().is_empty(), "nothing unfinished is left in the journal");
}

#[test]
fn cancelling_a_running_upload_stops_it_and_drops_it() {
    let dir = tempfile::tempdir().unwrap();
    let (url, cms, token, _rt) = server(&dir.path().join("server"));
    let src = source_file(dir.path(), "running.mp4", 40);
    let manager = Arc::new(Manager::open(dir.path()));
    // Cancel from the first checkpoint with bytes, while it runs: the worker itself must stop
    // and terminate the upload on the server.
    at_checkpoint(&manager, 1, |m, id| m.cancel(None, id).expect("a running upload can be cancelled without a target"));
    let rx = watch(&manager, None);
    let id = manager.start(Target::remote(&url, &token).unwrap(), &src, "MOVIE").unwrap();
    let cancelled = wait_for(&rx, &id, UploadState::Cancelled);
    assert!(cancelled.done < cancelled.total, "it stopped before the end");
    let gone = TusClient::new(&url, &token).unwrap().offset(&format!("{url}/files/{id}")).unwrap_err();
    assert_eq!(gone.code, "not_found", "the worker terminated it on the server: {}", gone.info);
    assert!(cms.file(&Actor::System, &id).is_err(), "no file was made");
    assert!(Manager::open(dir.path()).list().is_empty(), "nothing left in the journal");
}
