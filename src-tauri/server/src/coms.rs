//! The COMS channel of seed §6: long-poll and WebSocket delivery of each cinema's queue, woken by the outbox.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use cinedesk_core::{Actor, Error};
use serde::Deserialize;
use tokio::sync::{watch, Notify};
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::{PathParam, Query};
use crate::openapi::ErrorBody;
use crate::routes::messages::QueuedMessage;
use crate::state::AppState;

/// Longest a poll may wait, in seconds; the default is 30.
pub const MAX_POLL_SECONDS: u32 = 120;
const DEFAULT_POLL_SECONDS: u32 = 30;

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
struct Parked<'a>(&'a watch::Sender<usize>);

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
struct Head {
    id: String,
    json: Bytes,
}

impl Channel {
    /// The head of the queue, read again (as `actor`) only if it may have changed.
    async fn head(&self, s: &AppState, actor: &Actor, cinema: &str) -> ApiResult<Option<Head>> {
        let mut head = self.head.lock().await;
        // Cleared before reading: a change committed during the read marks it stale again.
        if self.stale.swap(false, Ordering::SeqCst) || head.is_none() {
            let (a, c) = (actor.clone(), cinema.to_string());
            let wire = s.read(move |cms| cms.next_wire_message(&a, &c)).await?;
            *head = Some(wire.map(|m| Head { id: m.message_id, json: Bytes::from(m.json) }));
        }
        Ok(head.clone().flatten())
    }

    fn changed(&self) {
        self.stale.store(true, Ordering::SeqCst);
    }
}

#[derive(Default)]
pub struct Waker {
    cinemas: Mutex<HashMap<String, Arc<Channel>>>,
}

impl Waker {
    fn get(&self, cinema: &str) -> Arc<Channel> {
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
        let mut waiting = self.get(cinema).waiting.subscribe();
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

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(long_poll)).routes(routes!(websocket))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct PollParams {
    /// Seconds to wait for a message before answering 204 (30 by default).
    #[param(maximum = 120)]
    timeout: Option<u32>,
    /// The messageID of the last message handled: it and every message before it are done.
    ack: Option<String>,
}

/// Seed §6: acknowledges `ack` (and what came before it), then answers the head of the cinema's
/// queue, or 204 when nothing came within the timeout.
#[utoipa::path(get, path = "/cms/long_poll/{cinema_id}", tag = "coms", operation_id = "long_poll",
    params(("cinema_id" = String, Path), PollParams),
    security(("bearer" = []), ("comsUserDate" = [], "comsUserParams" = [], "comsSignature" = [])),
    responses(
        (status = 200, description = "The oldest message not yet acknowledged", body = QueuedMessage),
        (status = 204, description = "Nothing came within the timeout"),
        (status = 401, description = "No valid session or signature", body = ErrorBody),
        (status = 403, description = "The API key belongs to another cinema, or the role may not", body = ErrorBody),
        (status = 404, description = "No such cinema, or `ack` names no message of it", body = ErrorBody),
    ))]
async fn long_poll(
    State(s): State<AppState>,
    caller: Caller,
    PathParam(cinema): PathParam<String>,
    Query(q): Query<PollParams>,
) -> ApiResult<Response> {
    let actor = caller.actor;
    let timeout = q.timeout.unwrap_or(DEFAULT_POLL_SECONDS);
    if timeout > MAX_POLL_SECONDS {
        return Err(Error::invalid("timeout", format!("at most {MAX_POLL_SECONDS} seconds")).into());
    }
    let channel = s.waker.get(&cinema);
    let (a, c, ack) = (actor.clone(), cinema.clone(), q.ack);
    let acked = ack.is_some();
    s.run(move |cms| {
        // Heard from first: it is also where the core decides whether this caller may.
        cms.mark_coms_seen(&a, &c)?;
        if let Some(ack) = ack {
            cms.ack_message(&a, &c, &ack)?;
        }
        Ok(())
    })
    .await?;
    if acked {
        channel.changed();
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(timeout.into());
    loop {
        // Registered before looking, so a message committed in between still wakes us.
        let notified = channel.notify.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        if let Some(message) = channel.head(&s, &actor, &cinema).await? {
            return Ok(([(header::CONTENT_TYPE, "application/json")], message.json).into_response());
        }
        let _parked = Parked::new(&channel.waiting);
        tokio::select! {
            _ = &mut notified => {}
            _ = tokio::time::sleep_until(deadline) => return Ok(StatusCode::NO_CONTENT.into_response()),
        }
    }
}

/// The same queue over a WebSocket. The server sends the head message; the client answers
/// `{"ack": "<messageID>"}` and gets the next one.
#[utoipa::path(get, path = "/cms/ws/{cinema_id}", tag = "coms", operation_id = "coms_websocket",
    params(("cinema_id" = String, Path)),
    security(("bearer" = []), ("comsUserDate" = [], "comsUserParams" = [], "comsSignature" = [])),
    responses(
        (status = 101, description = "Switched to the WebSocket protocol"),
        (status = 400, description = "Not a WebSocket handshake", body = ErrorBody),
        (status = 401, description = "No valid session or signature", body = ErrorBody),
        (status = 403, description = "The API key belongs to another cinema, or the role may not", body = ErrorBody),
    ))]
async fn websocket(
    State(s): State<AppState>,
    caller: Caller,
    PathParam(cinema): PathParam<String>,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> ApiResult<Response> {
    // Who is asking comes first (the core's rule of the channel, before any reading): a
    // stranger learns nothing from a handshake error.
    caller.actor.require_channel(&cinema)?;
    // axum answers a broken handshake in plain text; this API answers every failure in JSON.
    let upgrade = upgrade.map_err(|e| ApiError::BadRequest(format!("not a WebSocket handshake: {}", e.body_text())))?;
    let (actor, a, c) = (caller.actor.clone(), caller.actor, cinema.clone());
    s.run(move |cms| cms.mark_coms_seen(&a, &c)).await?;
    Ok(upgrade.on_upgrade(move |socket| async move {
        if let Err(e) = serve_socket(s, actor, cinema, socket).await {
            tracing::info!(error = %e, "COMS WebSocket closed");
        }
    }))
}

#[derive(Deserialize)]
struct Ack {
    ack: String,
}

async fn serve_socket(s: AppState, actor: Actor, cinema: String, mut socket: WebSocket) -> Result<(), ApiError> {
    let channel = s.waker.get(&cinema);
    let mut sent: Option<String> = None;
    loop {
        let notified = channel.notify.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        let (a, c) = (actor.clone(), cinema.clone());
        s.run(move |cms| cms.mark_coms_seen(&a, &c)).await?;
        let head = channel.head(&s, &actor, &cinema).await?;
        if let Some(m) = head.filter(|m| sent.as_deref() != Some(m.id.as_str())) {
            let text = Utf8Bytes::try_from(m.json).map_err(|e| ApiError::Core(Error::Internal(e.to_string())))?;
            if socket.send(Message::Text(text)).await.is_err() {
                return Ok(());
            }
            sent = Some(m.id);
        }
        let _parked = Parked::new(&channel.waiting);
        tokio::select! {
            _ = &mut notified => {}
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Text(text))) => {
                    let ack: Ack = match serde_json::from_str(&text) {
                        Ok(a) => a,
                        Err(_) => {
                            let info = serde_json::json!({"info": "expected {\"ack\": \"<messageID>\"}"}).to_string();
                            let _ = socket.send(Message::Text(info.into())).await;
                            continue;
                        }
                    };
                    let (a, c) = (actor.clone(), cinema.clone());
                    s.run(move |cms| cms.ack_message(&a, &c, &ack.ack)).await?;
                    channel.changed();
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return Ok(()),
                Some(Ok(_)) => {}
            },
        }
    }
}
