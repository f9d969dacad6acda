//! The alert runner: one task that sleeps until the core's next alert deadline (or until a write brings work), fires the time-based rules due and sends the webhook calls due, each outcome stored so that retries survive restarts.
//!
//! Started by `cinedesk serve` and by the desktop in embedded mode ([`start`]). There is no
//! loop over the chain: each round is a few indexed reads, and the runner sleeps at most
//! [`MAX_SLEEP`] (a safety net for deadlines moved by writes that do not wake it, which are
//! always later than that).

use std::sync::Arc;
use std::time::Duration;

use cinedesk_core::Cms;
use tokio::sync::{watch, Notify};

/// The longest sleep between two rounds.
pub const MAX_SLEEP: Duration = Duration::from_secs(60);
/// The shortest (ms).
const MIN_SLEEP_MS: i64 = 20;

/// A handle on the running runner: wake it, or wait for its rounds.
#[derive(Clone)]
pub struct AlertRunner {
    wake: Arc<Notify>,
    rounds: watch::Receiver<u64>,
}

impl AlertRunner {
    /// Makes the runner do a round now (e.g. after the clock a test drives moved on).
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Waits, round after round, until `done` holds (checked before each wait). For tests and
    /// tools that must see the runner's work, without guessing how long it takes.
    pub async fn until(&self, mut done: impl FnMut() -> bool) {
        let mut rounds = self.rounds.clone();
        while !done() {
            if rounds.changed().await.is_err() {
                return;
            }
        }
    }
}

/// Starts the runner over `cms` on the current tokio runtime.
pub fn start(cms: Arc<Cms>) -> AlertRunner {
    let wake = Arc::new(Notify::new());
    let woken = Arc::clone(&wake);
    cms.on_alert_work(move || woken.notify_one());
    let (tx, rounds) = watch::channel(0u64);
    let waker = Arc::clone(&wake);
    tokio::spawn(async move {
        loop {
            let wait = round(&cms).await;
            tx.send_modify(|n| *n += 1);
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = waker.notified() => {}
            }
        }
    });
    AlertRunner { wake, rounds }
}

/// Runs `f` on the blocking pool; a failure is logged and answers None (the next round retries).
async fn blocking<T: Send + 'static>(
    cms: &Arc<Cms>,
    what: &'static str,
    f: impl FnOnce(&Cms) -> cinedesk_core::Result<T> + Send + 'static,
) -> Option<T> {
    let cms = Arc::clone(cms);
    match tokio::task::spawn_blocking(move || f(&cms)).await {
        Ok(Ok(v)) => Some(v),
        Ok(Err(e)) => {
            tracing::error!(error = %e, what, "alert runner");
            None
        }
        Err(e) => {
            tracing::error!(error = %e, what, "alert runner task failed");
            None
        }
    }
}

/// One round: fire what is due, send what is due; answers how long to sleep.
async fn round(cms: &Arc<Cms>) -> Duration {
    if let Some(n) = blocking(cms, "fire due alerts", Cms::fire_due_alerts).await.filter(|n| *n > 0) {
        tracing::info!(alerts = n, "time-based alerts raised");
    }
    for call in blocking(cms, "due webhook calls", Cms::due_webhook_calls).await.unwrap_or_default() {
        let outcome = crate::webhook::send(&call).await;
        let id = call.call_id;
        match outcome {
            Ok(()) => blocking(cms, "webhook sent", move |c| c.webhook_call_sent(id)).await,
            Err(e) => {
                tracing::warn!(url = %call.url, attempts = call.attempts + 1, error = %e, "webhook call failed");
                blocking(cms, "webhook failed", move |c| c.webhook_call_failed(id, &e)).await
            }
        };
    }
    let deadline = blocking(cms, "alert deadline", Cms::alert_deadline).await.flatten();
    match deadline {
        // A floor, so that a round that keeps failing (a locked database) cannot spin.
        Some(at) => Duration::from_millis((at - cms.alert_now_ms()).max(MIN_SLEEP_MS) as u64).min(MAX_SLEEP),
        None => MAX_SLEEP,
    }
}
