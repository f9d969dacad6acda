//! What every handler shares: the core, and the way to call it without blocking the async runtime.

use std::sync::Arc;

use axum::body::Bytes;
use axum::http::{header, Uri};
use axum::response::{IntoResponse, Response};
use cinedesk_core::{Actor, Cms};
use serde::Serialize;

use crate::coms::Waker;
use crate::error::ApiError;
use crate::rate_limit::RateLimit;
use crate::read_cache::{self, ReadCache};

#[derive(Clone)]
pub struct AppState {
    pub cms: Arc<Cms>,
    /// Wakes the COMS polls and sockets waiting on a cinema when its queue grows.
    pub waker: Arc<Waker>,
    /// List answers kept until the next write.
    pub cache: Arc<ReadCache>,
    /// The budget per address of public QR lookups (`GET /cms/qr/{qrToken}`).
    pub qr_limit: Arc<RateLimit>,
}

impl AppState {
    /// The state over `cms`, with the outbox wired to wake waiting COMS connections.
    pub fn new(cms: Arc<Cms>) -> AppState {
        let waker = Arc::new(Waker::default());
        let w = Arc::clone(&waker);
        cms.on_new_message(move |cinema| w.wake(cinema));
        AppState {
            cms,
            waker,
            cache: Arc::new(ReadCache::new(read_cache::DEFAULT_BYTES)),
            qr_limit: Arc::new(RateLimit::default()),
        }
    }

    /// The same state with another budget of public QR lookups per address.
    pub fn with_qr_limit(self, limit: RateLimit) -> AppState {
        AppState { qr_limit: Arc::new(limit), ..self }
    }

    /// The same state with a read cache of `max_bytes` (0: no cache).
    pub fn with_read_cache(self, max_bytes: usize) -> AppState {
        AppState { cache: Arc::new(ReadCache::new(max_bytes)), ..self }
    }

    /// The JSON answer of a list route: from the read cache when nothing was written since the
    /// core answered the same request of the same caller, else read now (see [`AppState::read`])
    /// and kept. The key is the caller and `uri` (path and query): a kept answer is served only
    /// to the caller the core gave it to, so its authorization stays the core's.
    pub async fn cached_json<T: Serialize + Send + 'static>(
        &self,
        uri: &Uri,
        actor: Actor,
        f: impl FnOnce(&Cms, &Actor) -> cinedesk_core::Result<T> + Send + 'static,
    ) -> Result<Response, ApiError> {
        let path = uri.path_and_query().map_or(uri.path(), |p| p.as_str());
        let key = format!("{} {path}", actor.owner());
        // Read before the data is: an entry is never newer than the generation it carries.
        let generation = self.cms.data_generation();
        let body = match self.cache.get(generation, &key) {
            Some(body) => body,
            None => {
                let value = self.read(move |cms| f(cms, &actor)).await?;
                let body = Bytes::from(
                    serde_json::to_vec(&value)
                        .map_err(|e| ApiError::Core(cinedesk_core::Error::Internal(e.to_string())))?,
                );
                self.cache.put(generation, key, body.clone());
                body
            }
        };
        Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
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
