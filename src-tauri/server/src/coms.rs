//! The COMS channel of seed §6: long-poll and WebSocket delivery of each cinema's queue, woken by the outbox.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::ws::{Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use cinedesk_core::{Capability, Error};
use percent_encoding::percent_decode_str;
use serde::Deserialize;
use tokio::sync::Notify;

use crate::auth::bearer;
use crate::error::{ApiError, ApiResult};
use crate::extract::{PathParam, QueryPairs};
use crate::state::AppState;

/// Longest a poll may wait, in seconds; the default is 30.
pub const MAX_POLL_SECONDS: u32 = 120;
const DEFAULT_POLL_SECONDS: u32 = 30;

/// Per cinema: the `Notify` that wakes its waiting connections after a message for it commits
/// (no polling loop), and the head of its queue as last read. A COMS often holds several
/// connections and all of them wake together; they share one read of the head instead of
/// each querying it.
#[derive(Default)]
pub struct Channel {
    notify: Notify,
    /// Set when the queue changed (a new message, an ack) since `head` was read.
    stale: AtomicBool,
    head: tokio::sync::Mutex<Option<Option<Head>>>,
}

/// A queue head ready to send: its id, and its JSON shared by every connection that sends it.
#[derive(Clone)]
struct Head {
    id: String,
    json: Bytes,
}

impl Channel {
    /// The head of the queue, read again only if it may have changed.
    async fn head(&self, s: &AppState, cinema: &str) -> ApiResult<Option<Head>> {
        let mut head = self.head.lock().await;
        // Cleared before reading: a change committed during the read marks it stale again.
        if self.stale.swap(false, Ordering::SeqCst) || head.is_none() {
            let c = cinema.to_string();
            let wire = s.read(move |cms| cms.next_wire_message(&c)).await?;
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

    pub fn wake(&self, cinema: &str) {
        let map = self.cinemas.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(ch) = map.get(cinema) {
            ch.changed();
            ch.notify.notify_waiters();
        }
    }
}

pub fn routes() -> Router<AppState> {
    Router::new().route("/cms/long_poll/{cinema_id}", get(long_poll)).route("/cms/ws/{cinema_id}", get(websocket))
}

/// A user's bearer token (any operator), or a request signed with an API key of this very
/// cinema (seed 004 §2.2). The signed `user-params` must be the query actually sent.
async fn authorize_cinema(s: &AppState, headers: &HeaderMap, uri: &Uri, cinema: &str) -> ApiResult<()> {
    if let Some(token) = bearer(headers) {
        let principal = match s.cms.cached_principal(&token) {
            Some(p) => p,
            None => s.run(move |cms| cms.authenticate(&token)).await?,
        };
        return Ok(principal.require(Capability::Operate)?);
    }
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    let (Some(auth), Some(date), Some(params)) = (header("authorization"), header("user-date"), header("user-params"))
    else {
        return Err(Error::Unauthorized.into());
    };
    let sent = percent_decode_str(&params)
        .decode_utf8()
        .map_err(|_| ApiError::BadRequest("user-params must be URL-encoded UTF-8".into()))?;
    if sent != uri.query().unwrap_or("") {
        return Err(Error::Unauthorized.into()); // signed for another request than this one
    }
    let key_cinema = s.run(move |cms| cms.verify_signed(&auth, &date, &params)).await?;
    if key_cinema != cinema {
        return Err(ApiError::Forbidden("this API key belongs to another cinema".into()));
    }
    Ok(())
}

/// `GET /cms/long_poll/{cinemaID}?timeout=S&ack=ID`: acknowledges `ack` (and what came before
/// it), then answers the head of the queue, or 204 when nothing came within the timeout.
async fn long_poll(
    State(s): State<AppState>,
    PathParam(cinema): PathParam<String>,
    headers: HeaderMap,
    uri: Uri,
    q: QueryPairs,
) -> ApiResult<Response> {
    authorize_cinema(&s, &headers, &uri, &cinema).await?;
    let timeout = q.u32("timeout")?.unwrap_or(DEFAULT_POLL_SECONDS);
    if timeout > MAX_POLL_SECONDS {
        return Err(ApiError::BadRequest(format!("timeout: at most {MAX_POLL_SECONDS} seconds")));
    }
    let channel = s.waker.get(&cinema);
    let (c, ack) = (cinema.clone(), q.one("ack"));
    let acked = ack.is_some();
    s.run(move |cms| {
        if let Some(ack) = ack {
            cms.ack_message(&c, &ack)?;
        }
        cms.mark_coms_seen(&c)
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
        if let Some(message) = channel.head(&s, &cinema).await? {
            return Ok(([(header::CONTENT_TYPE, "application/json")], message.json).into_response());
        }
        tokio::select! {
            _ = &mut notified => {}
            _ = tokio::time::sleep_until(deadline) => return Ok(StatusCode::NO_CONTENT.into_response()),
        }
    }
}

/// `GET /cms/ws/{cinemaID}`: the same queue over a WebSocket. The server sends the head message;
/// the client answers `{"ack": "<messageID>"}` and gets the next one.
async fn websocket(
    State(s): State<AppState>,
    PathParam(cinema): PathParam<String>,
    headers: HeaderMap,
    uri: Uri,
    upgrade: WebSocketUpgrade,
) -> ApiResult<Response> {
    authorize_cinema(&s, &headers, &uri, &cinema).await?;
    Ok(upgrade.on_upgrade(move |socket| async move {
        if let Err(e) = serve_socket(s, cinema, socket).await {
            tracing::info!(error = %e, "COMS WebSocket closed");
        }
    }))
}

#[derive(Deserialize)]
struct Ack {
    ack: String,
}

async fn serve_socket(s: AppState, cinema: String, mut socket: WebSocket) -> Result<(), ApiError> {
    let channel = s.waker.get(&cinema);
    let mut sent: Option<String> = None;
    loop {
        let notified = channel.notify.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        let c = cinema.clone();
        s.run(move |cms| cms.mark_coms_seen(&c)).await?;
        let head = channel.head(&s, &cinema).await?;
        if let Some(m) = head.filter(|m| sent.as_deref() != Some(m.id.as_str())) {
            let text = Utf8Bytes::try_from(m.json).map_err(|e| ApiError::Core(Error::Internal(e.to_string())))?;
            if socket.send(Message::Text(text)).await.is_err() {
                return Ok(());
            }
            sent = Some(m.id);
        }
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
                    let c = cinema.clone();
                    s.run(move |cms| cms.ack_message(&c, &ack.ack)).await?;
                    channel.changed();
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return Ok(()),
                Some(Ok(_)) => {}
            },
        }
    }
}
