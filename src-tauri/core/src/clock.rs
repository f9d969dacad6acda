//! The core's time for rules that depend on it (login lockout windows, sessions' last use): the system clock, or one the embedder sets.
//!
//! Tests set their own clock ([`crate::Cms::with_clock`]) to move past a window at once
//! instead of waiting for it.

use std::sync::Arc;

use crate::ids::now_ms;

type Source = Arc<dyn Fn() -> i64 + Send + Sync>;

#[derive(Clone, Default)]
pub(crate) struct Clock(Option<Source>);

impl Clock {
    pub(crate) fn set(source: impl Fn() -> i64 + Send + Sync + 'static) -> Clock {
        Clock(Some(Arc::new(source)))
    }

    /// Milliseconds since the Unix epoch.
    pub(crate) fn now_ms(&self) -> i64 {
        self.0.as_ref().map_or_else(now_ms, |f| f())
    }
}
