//! What every handler shares: the core, and the way to call it without blocking the async runtime.

use std::sync::Arc;

use axum::http::{header, Uri};
use axum::response::{IntoResponse, Response};
use cinedesk_core::{Actor, Cms, Table};
use serde::Serialize;
use serde_json::Value;

use crate::error::ApiError;
use crate::live_json::{LiveFields, LiveJson};
use crate::rate_limit::RateLimit;
use crate::read_cache::{self, ReadCache};
use crate::waker::Waker;

/// Fields of a kept answer whose values move without a stamp: each answer takes them from the
/// core's memory (`value(cms, field, id)`), so the writes that move them drop nothing.
pub struct Live {
    pub fields: LiveFields,
    pub value: fn(&Cms, usize, &str) -> Option<Value>,
}

#[derive(Clone)]
pub struct AppState {
    pub cms: Arc<Cms>,
    /// Wakes the COMS polls and sockets waiting on a cinema when its queue grows.
    pub waker: Arc<Waker>,
    /// List answers kept until the next write.
    pub cache: Arc<ReadCache>,
    /// Proxies whose `X-Forwarded-For` names the client (none unless configured).
    pub trusted_proxies: Arc<Vec<std::net::IpAddr>>,
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
            trusted_proxies: Arc::new(Vec::new()),
            qr_limit: Arc::new(RateLimit::default()),
        }
    }

    /// The same state trusting `proxies` to say, in `X-Forwarded-For`, whom they forward for.
    pub fn with_trusted_proxies(self, proxies: Vec<std::net::IpAddr>) -> AppState {
        AppState { trusted_proxies: Arc::new(proxies), ..self }
    }

    /// The same state with another budget of public QR lookups per address.
    pub fn with_qr_limit(self, limit: RateLimit) -> AppState {
        AppState { qr_limit: Arc::new(limit), ..self }
    }

    /// The same state with a read cache of `max_bytes` (0: no cache).
    pub fn with_read_cache(self, max_bytes: usize) -> AppState {
        AppState { cache: Arc::new(ReadCache::new(max_bytes)), ..self }
    }

    /// The JSON answer of a list route: from the read cache while no write changed the tables
    /// it `reads` since the core answered the same request of the same caller, else read now
    /// (see [`AppState::read`]) and kept; `live` fields are filled in at each answer. The key is
    /// the caller and `uri` (path and query): a kept answer is served only to the caller the
    /// core gave it to, so its authorization stays the core's.
    /// A caller that sees only some cinemas is answered afresh each time: its answer hangs on
    /// its assignments and on which cinemas are in its regions, which no key of path and caller
    /// captures.
    pub async fn cached_json<T: Serialize + Send + 'static>(
        &self,
        uri: &Uri,
        actor: Actor,
        reads: &'static [Table],
        live: Option<&'static Live>,
        f: impl FnOnce(&Cms, &Actor) -> cinedesk_core::Result<T> + Send + 'static,
    ) -> Result<Response, ApiError> {
        if actor.is_scoped() {
            let value = self.read(move |cms| f(cms, &actor)).await?;
            return self.render(&to_live(&value, live)?, live);
        }
        let path = uri.path_and_query().map_or(uri.path(), |p| p.as_str());
        let key = format!("{} {path}", actor.owner());
        // Taken before the data is read: an entry is never newer than the stamp it carries.
        let stamp = self.cms.data_stamp(reads);
        let answer = match self.cache.get(stamp, &key) {
            Some(answer) => answer,
            None => {
                let value = self.read(move |cms| f(cms, &actor)).await?;
                let answer = Arc::new(to_live(&value, live)?);
                // A write to these tables committed during the read: the answer may be from
                // before it, and is not worth keeping.
                if self.cms.data_stamp(reads) == stamp {
                    self.cache.put(stamp, key, Arc::clone(&answer));
                }
                answer
            }
        };
        self.render(&answer, live)
    }

    /// A list answer with its `live` fields filled in now.
    fn render(&self, answer: &LiveJson, live: Option<&'static Live>) -> Result<Response, ApiError> {
        let body = match live {
            Some(live) => answer.render(|field, id| (live.value)(&self.cms, field, id)),
            None => answer.render(|_, _| None),
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

/// `value` as JSON with the places of its `live` fields marked.
fn to_live<T: Serialize>(value: &T, live: Option<&'static Live>) -> Result<LiveJson, ApiError> {
    LiveJson::of(value, live.map(|l| &l.fields))
        .map_err(|e| ApiError::Core(cinedesk_core::Error::Internal(e.to_string())))
}

#[cfg(test)]
mod tests {
    use cinedesk_core::{CinemaInput, CinemaQuery};

    use super::*;

    fn cinema(code: &str) -> CinemaInput {
        CinemaInput {
            cinema_code: Some(code.into()),
            name: Some("before".into()),
            region_id: Some("SHANGHAI".into()),
            ..Default::default()
        }
    }

    async fn names(
        s: &AppState,
        uri: &Uri,
        f: impl FnOnce(&Cms, &Actor) -> cinedesk_core::Result<Value> + Send + 'static,
    ) -> String {
        let res = s.cached_json(uri, Actor::System, CinemaQuery::READS, None, f).await.unwrap();
        let body = axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap();
        let page: Value = serde_json::from_slice(&body).unwrap();
        page["itemList"][0]["name"].as_str().unwrap().to_string()
    }

    fn list(cms: &Cms, actor: &Actor) -> cinedesk_core::Result<Value> {
        Ok(serde_json::to_value(cms.list_cinemas(actor, &CinemaQuery::default())?).unwrap())
    }

    #[tokio::test]
    async fn a_read_that_raced_a_write_is_never_served_once_the_write_is_acknowledged() {
        let dir = tempfile::tempdir().unwrap();
        let s = AppState::new(Arc::new(Cms::open(dir.path()).unwrap()));
        let id = s.cms.create_cinema(&Actor::System, cinema("race")).unwrap();
        let uri: Uri = "/cms/cinemas".parse().unwrap();
        // The read takes its snapshot, a write commits and is acknowledged, then the read's
        // (now outdated) answer reaches the cache.
        let raced = names(&s, &uri, move |cms, actor| {
            let before = list(cms, actor)?;
            cms.update_cinema(actor, &id, CinemaInput { name: Some("after".into()), ..Default::default() })?;
            Ok(before)
        });
        assert_eq!(raced.await, "before", "the racing read answers what it read");
        assert_eq!(names(&s, &uri, list).await, "after", "the next answer is from after the write");
        assert_eq!(names(&s, &uri, |_, _| panic!("served from the cache")).await, "after", "and is kept");
    }
}
