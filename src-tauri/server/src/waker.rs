//! What wakes the COMS channel: per cinema, a `Notify` for the connections waiting on its queue, and the head of that queue as last read, shared by them.
//!
//! The outbox calls [`Waker::wake`] after a message for a cinema commits (`AppState::new` wires
//! it); the long-poll and WebSocket routes (`routes::coms`) wait on the cinema's [`Channel`].

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use tokio::sync::futures::Notified;
use tokio::sync::{watch, Notify};

/// Per cinema: the `Notify` that wakes its waiting connections after a message for it commits
/// (no polling loop), and the head of its queue as last read. A COMS often holds several
/// connections and all of them wake together; they share one read of the head instead of
/// each querying it.
pub struct Channel {
    notify: Notify,
    /// Set when the queue changed (a new message, an ack) since `head` was read.
    stale: AtomicBool,
    head: tokio::sync::Mutex<Option<Option<Head>>>,
    /// How many connections are parked on `notify` right now, waiting for the queue to change.
    waiting: watch::Sender<usize>,
}

impl Default for Channel {
    fn default() -> Self {
        Channel {
            notify: Notify::new(),
            stale: AtomicBool::new(false),
            head: tokio::sync::Mutex::new(None),
            waiting: watch::Sender::new(0),
        }
    }
}

/// Counts one connection as waiting on its channel for as long as it lives.
pub struct Parked<'a>(&'a watch::Sender<usize>);

impl<'a> Parked<'a> {
    fn new(waiting: &'a watch::Sender<usize>) -> Self {
        waiting.send_modify(|n| *n += 1);
        Parked(waiting)
    }
}

impl Drop for Parked<'_> {
    fn drop(&mut self) {
        self.0.send_modify(|n| *n -= 1);
    }
}

/// A queue head ready to send: its id, and its JSON shared by every connection that sends it.
#[derive(Clone)]
pub struct Head {
    pub id: String,
    pub json: Bytes,
}

impl Channel {
    /// The head of the queue, read again with `read` only if it may have changed.
    pub async fn head<E, F: Future<Output = Result<Option<Head>, E>>>(
        &self,
        read: impl FnOnce() -> F,
    ) -> Result<Option<Head>, E> {
        let mut head = self.head.lock().await;
        // Cleared before reading: a change committed during the read marks it stale again.
        if self.stale.swap(false, Ordering::SeqCst) || head.is_none() {
            *head = Some(read().await?);
        }
        Ok(head.clone().flatten())
    }

    /// The queue changed: the next [`Channel::head`] reads it again.
    pub fn changed(&self) {
        self.stale.store(true, Ordering::SeqCst);
    }

    /// Resolves at the next change of the queue (enable it before looking at the head, so a
    /// change committed in between still wakes the caller).
    pub fn notified(&self) -> Notified<'_> {
        self.notify.notified()
    }

    /// Counts the caller as waiting for the queue to change until the guard drops.
    pub fn park(&self) -> Parked<'_> {
        Parked::new(&self.waiting)
    }
}

#[derive(Default)]
pub struct Waker {
    cinemas: Mutex<HashMap<String, Arc<Channel>>>,
}

impl Waker {
    /// The channel of `cinema`, made on first use.
    pub fn channel(&self, cinema: &str) -> Arc<Channel> {
        let mut map = self.cinemas.lock().unwrap_or_else(|p| p.into_inner());
        Arc::clone(map.entry(cinema.to_string()).or_default())
    }

    /// Resolves once at least `n` connections of `cinema` are parked, waiting for its queue to
    /// change (a long-poll that found it empty, a WebSocket waiting for a message or an ack).
    ///
    /// A message committed from then on wakes them, so callers that must know a COMS is
    /// listening before they write (tests of the wake-up, a dashboard of connected COMS) await
    /// this instead of sleeping and hoping the poll has arrived.
    pub async fn waiting(&self, cinema: &str, n: usize) {
        let mut waiting = self.channel(cinema).waiting.subscribe();
        // The sender lives in the map as long as the waker does, so this never ends early.
        let _ = waiting.wait_for(|w| *w >= n).await;
    }

    pub fn wake(&self, cinema: &str) {
        let map = self.cinemas.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(ch) = map.get(cinema) {
            ch.changed();
            ch.notify.notify_waiters();
        }
    }
}
