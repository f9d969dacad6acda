//! The COMS channel of seed §6: long-poll and WebSocket delivery of each cinema's queue, woken by the outbox (`crate::waker`).

use std::time::Duration;

use axum::body::Bytes;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use cinedesk_core::{Actor, Error};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::{PathParam, Query};
use crate::openapi::ErrorBody;
use crate::routes::messages::QueuedMessage;
use crate::state::AppState;
use crate::waker::{Channel, Head};

/// Longest a poll may wait, in seconds; the default is 30.
pub const MAX_POLL_SECONDS: u32 = 120;
const DEFAULT_POLL_SECONDS: u32 = 30;

/// The head of `cinema`'s queue as `actor` may read it, read again only if it changed.
async fn read_head(channel: &Channel, s: &AppState, actor: &Actor, cinema: &str) -> ApiResult<Option<Head>> {
    channel
        .head(|| async {
            let (a, c) = (actor.clone(), cinema.to_string());
            let wire = s.read(move |cms| cms.next_wire_message(&a, &c)).await?;
            Ok(wire.map(|m| Head { id: m.message_id, json: Bytes::from(m.json) }))
        })
        .await
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
    let channel = s.waker.channel(&cinema);
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
        let notified = channel.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        if let Some(message) = read_head(&channel, &s, &actor, &cinema).await? {
            return Ok(([(header::CONTENT_TYPE, "application/json")], message.json).into_response());
        }
        let _parked = channel.park();
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
    let channel = s.waker.channel(&cinema);
    let mut sent: Option<String> = None;
    loop {
        let notified = channel.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        let (a, c) = (actor.clone(), cinema.clone());
        s.run(move |cms| cms.mark_coms_seen(&a, &c)).await?;
        let head = read_head(&channel, &s, &actor, &cinema).await?;
        if let Some(m) = head.filter(|m| sent.as_deref() != Some(m.id.as_str())) {
            let text = Utf8Bytes::try_from(m.json).map_err(|e| ApiError::Core(Error::Internal(e.to_string())))?;
            if socket.send(Message::Text(text)).await.is_err() {
                return Ok(());
            }
            sent = Some(m.id);
        }
        let _parked = channel.park();
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
