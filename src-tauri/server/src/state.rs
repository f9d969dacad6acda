//! What every handler shares: the core, and the way to call it without blocking the async runtime.

use std::sync::Arc;

use cinedesk_core::Cms;

use crate::coms::Waker;
use crate::error::ApiError;

#[derive(Clone)]
pub struct AppState {
    pub cms: Arc<Cms>,
    /// Wakes the COMS polls and sockets waiting on a cinema when its queue grows.
    pub waker: Arc<Waker>,
}

impl AppState {
    /// The state over `cms`, with the outbox wired to wake waiting COMS connections.
    pub fn new(cms: Arc<Cms>) -> AppState {
        let waker = Arc::new(Waker::default());
        let w = Arc::clone(&waker);
        cms.on_new_message(move |cinema| w.wake(cinema));
        AppState { cms, waker }
    }

    /// Runs a core call on the blocking pool: the core waits on SQLite and argon2.
    pub async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Cms) -> cinedesk_core::Result<T> + Send + 'static,
    ) -> Result<T, ApiError> {
        let cms = Arc::clone(&self.cms);
        tokio::task::spawn_blocking(move || f(&cms))
            .await
            .map_err(|e| ApiError::Core(cinedesk_core::Error::Internal(format!("worker failed: {e}"))))?
            .map_err(ApiError::Core)
    }

    /// Runs a short core read: in place when a read connection is free (a page read takes tens
    /// of microseconds, less than the two thread switches of the blocking pool), else on the
    /// blocking pool like [`AppState::run`]. Only for bounded reads (a page, one record), never
    /// for writes, password hashing or exports.
    pub async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Cms) -> cinedesk_core::Result<T> + Send + 'static,
    ) -> Result<T, ApiError> {
        if self.cms.read_ready() {
            return f(&self.cms).map_err(ApiError::Core);
        }
        self.run(f).await
    }
}
