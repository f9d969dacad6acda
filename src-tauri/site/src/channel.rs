//! The cinema's channel: a WebSocket (`GET /cms/ws/{cinema}`), or long-polls (`GET /cms/long_poll/{cinema}`) when the server or a proxy before it will not upgrade. Either way: the next message, then an acknowledgement of it.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::{self, Message as Frame};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::api::{Api, Failure};
use crate::config::Transport;
use crate::message::Message;

/// Seconds a long-poll waits on the server.
const POLL_SECONDS: u64 = 30;
/// A ping on a quiet socket this often; a socket silent for three of these is taken as dead
/// (a peer gone without closing, e.g. behind a NAT that dropped the connection).
const PING_EVERY: Duration = Duration::from_secs(30);
const SILENT_FOR: Duration = Duration::from_secs(90);

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

pub(crate) enum Conn {
    Socket {
        ws: Box<Socket>,
        ping: tokio::time::Interval,
    },
    /// `ack` is the last message acted on, sent with the next poll.
    Poll {
        ack: Option<String>,
    },
}

impl Conn {
    /// Opens the channel. With `Transport::Auto` a server that answers the handshake with a
    /// status saying it will not upgrade (400, 404, 405, 426, 501) sets `long_poll`, and this
    /// agent long-polls from then on.
    pub async fn open(api: &Api, cinema: &str, transport: Transport, long_poll: &mut bool) -> Result<Conn, Failure> {
        if transport == Transport::LongPoll || *long_poll {
            return Ok(Conn::Poll { ack: None });
        }
        match connect(api, cinema).await {
            Ok(ws) => Ok(Conn::Socket { ws: Box::new(ws), ping: ping_interval() }),
            Err(tungstenite::Error::Http(res)) => {
                let status = res.status().as_u16();
                let body = res.body().as_deref().map(String::from_utf8_lossy).unwrap_or_default().into_owned();
                match status {
                    400 | 404 | 405 | 426 | 501 if transport == Transport::Auto => {
                        tracing::warn!(status, "the server will not open a WebSocket; long-polling instead");
                        *long_poll = true;
                        Ok(Conn::Poll { ack: None })
                    }
                    401 | 403 => Err(Failure::Refused { status, info: body }),
                    _ => Err(Failure::Transient(format!("WebSocket handshake: {status} {body}"))),
                }
            }
            Err(e) => Err(Failure::Transient(format!("WebSocket: {e}"))),
        }
    }

    /// Waits for the next message.
    pub async fn next(&mut self, api: &Api, cinema: &str) -> Result<Message, Failure> {
        match self {
            Conn::Socket { ws, ping } => loop {
                tokio::select! {
                    frame = tokio::time::timeout(SILENT_FOR, ws.next()) => match frame {
                        Err(_) => return Err(Failure::Transient("the WebSocket fell silent".into())),
                        Ok(None) | Ok(Some(Ok(Frame::Close(_)))) => {
                            return Err(Failure::Transient("the server closed the WebSocket".into()))
                        }
                        Ok(Some(Err(e))) => return Err(Failure::Transient(format!("WebSocket: {e}"))),
                        Ok(Some(Ok(Frame::Text(text)))) => match Message::parse(&text) {
                            Some(m) => return Ok(m),
                            None => tracing::warn!(%text, "the server says"),
                        },
                        Ok(Some(Ok(_))) => {}
                    },
                    _ = ping.tick() => {
                        ws.send(Frame::Ping(Default::default())).await.map_err(|e| Failure::Transient(e.to_string()))?;
                    }
                }
            },
            Conn::Poll { ack } => loop {
                let path = format!("/cms/long_poll/{cinema}");
                let query = match ack {
                    Some(id) => format!("timeout={POLL_SECONDS}&ack={id}"),
                    None => format!("timeout={POLL_SECONDS}"),
                };
                let (status, body) = api.get(&path, &query, Duration::from_secs(POLL_SECONDS + 30)).await?;
                // Answered at all: the acknowledgement was applied.
                *ack = None;
                if status == 200 {
                    if let Some(m) = Message::parse(&body.to_string()) {
                        return Ok(m);
                    }
                }
            },
        }
    }

    /// Acknowledges `id` and every message before it.
    pub async fn ack(&mut self, id: &str) -> Result<(), Failure> {
        match self {
            Conn::Socket { ws, .. } => {
                let text = serde_json::json!({ "ack": id }).to_string();
                ws.send(Frame::Text(text.into())).await.map_err(|e| Failure::Transient(format!("WebSocket: {e}")))
            }
            Conn::Poll { ack } => {
                *ack = Some(id.to_string());
                Ok(())
            }
        }
    }
}

fn ping_interval() -> tokio::time::Interval {
    let mut i = tokio::time::interval_at(tokio::time::Instant::now() + PING_EVERY, PING_EVERY);
    i.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    i
}

async fn connect(api: &Api, cinema: &str) -> Result<Socket, tungstenite::Error> {
    let path = format!("/cms/ws/{cinema}");
    let url = api.url(&path).replacen("http", "ws", 1);
    let mut req = url.into_client_request()?;
    for (name, value) in api.signed_headers("GET", &path, "") {
        let value = HeaderValue::from_str(&value).map_err(|e| tungstenite::Error::HttpFormat(e.into()))?;
        req.headers_mut().insert(name, value);
    }
    let (ws, _) = tokio::time::timeout(Duration::from_secs(30), tokio_tungstenite::connect_async(req))
        .await
        .map_err(|_| tungstenite::Error::Io(std::io::ErrorKind::TimedOut.into()))??;
    Ok(ws)
}
