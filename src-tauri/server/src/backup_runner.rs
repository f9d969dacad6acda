//! The daily backups' runner: one timer set for the next due backup (the core's schedule says
//! when), set again whenever the backup settings change. `cinedesk serve` and the desktop in
//! embedded mode start it; nothing polls.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use cinedesk_core::Cms;
use tokio::sync::{watch, Notify};

/// How the runner waits for a moment of the core's clock (epoch ms). The system's timer
/// ([`SystemTimer`]) waits on the real clock; tests drive their own.
pub trait Timer: Send + Sync + 'static {
    fn until(&self, at_ms: i64) -> Pin<Box<dyn Future<Output = ()> + Send>>;
}

/// Waits on the system clock.
pub struct SystemTimer;

impl Timer for SystemTimer {
    fn until(&self, at_ms: i64) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        let wait = u64::try_from(at_ms - cinedesk_core::now_ms()).unwrap_or(0);
        Box::pin(tokio::time::sleep(Duration::from_millis(wait)))
    }
}

/// Starts the runner over `cms` on the current Tokio runtime; the receiver counts the daily
/// backups tried so far (good or failed), for whoever wants to know one ran.
pub fn start(cms: Arc<Cms>, timer: impl Timer) -> watch::Receiver<u64> {
    let (runs, counted) = watch::channel(0);
    tokio::spawn(run(cms, timer, runs));
    counted
}

/// The runner itself, for an embedder that spawns its own tasks (the desktop).
pub async fn run(cms: Arc<Cms>, timer: impl Timer, runs: watch::Sender<u64>) {
    let changed = Arc::new(Notify::new());
    let notify = Arc::clone(&changed);
    // A permit is kept when nobody waits: a change made while the next due time is being read
    // still wakes the next wait.
    cms.on_backup_settings_changed(move || notify.notify_one());
    loop {
        let due = blocking(&cms, |cms| cms.next_scheduled_backup()).await;
        match due {
            Some(Some(at)) => {
                tokio::select! {
                    () = timer.until(at) => {
                        // A failure is recorded by the core for the dashboard; it waits for the next day.
                        let _ = blocking(&cms, |cms| cms.run_scheduled_backup()).await;
                        runs.send_modify(|n| *n += 1);
                    }
                    () = changed.notified() => {}
                }
            }
            // Off, or the settings unreadable for now: wait for them to change.
            _ => changed.notified().await,
        }
    }
}

/// Runs a core call on the blocking pool; None when it failed (logged).
async fn blocking<T: Send + 'static>(
    cms: &Arc<Cms>,
    f: impl FnOnce(&Cms) -> cinedesk_core::Result<T> + Send + 'static,
) -> Option<T> {
    let cms = Arc::clone(cms);
    match tokio::task::spawn_blocking(move || f(&cms)).await {
        Ok(Ok(v)) => Some(v),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "daily backup");
            None
        }
        Err(e) => {
            tracing::warn!(error = %e, "daily backup task");
            None
        }
    }
}
