//! What every handler shares: the core, and the way to call it without blocking the async runtime.

use std::sync::Arc;

use cinedesk_core::Cms;

use crate::error::ApiError;

#[derive(Clone)]
pub struct AppState {
    pub cms: Arc<Cms>,
}

impl AppState {
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
}
