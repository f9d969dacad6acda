//! Putting the router on a socket, with limits for slow and idle clients: a request head must arrive in time, a body must keep moving, and one address may hold only so many connections.
//!
//! HTTP/1.1 over hyper directly (axum's own `serve` sets no timer, so hyper's head timeout
//! never fires): every client of this API speaks HTTP/1.1. A long-poll (up to 120 s) or a
//! WebSocket is not limited by these: its head and body are in, and the limits only bound how
//! long the server waits on the client.

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::{pin, Pin};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::{ConnectInfo, Request};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tower::ServiceExt;
use tower_http::timeout::TimeoutBody;

/// The limits of [`serve_with`]; `cinedesk serve` takes each as a flag.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Longest wait for a request's head, counted from when the connection is ready for one:
    /// just opened, or idle after an answer. So it is also how long an idle keep-alive
    /// connection stays open.
    pub header_timeout: Duration,
    /// Longest a request body may stall: no byte arriving while the route waits for one. An
    /// upload cut this way keeps what it acknowledged (tus, resumable parts).
    pub body_timeout: Duration,
    /// Most connections one IP address may hold open at once (WebSockets included); 0: no limit.
    /// Behind a reverse proxy every connection comes from the proxy: set 0 there.
    pub max_connections_per_address: usize,
}

/// 30 s for a head (also the idle keep-alive), 60 s of a stalled body, 256 connections per address.
pub const DEFAULT_LIMITS: Limits = Limits {
    header_timeout: Duration::from_secs(30),
    body_timeout: Duration::from_secs(60),
    max_connections_per_address: 256,
};

impl Default for Limits {
    fn default() -> Self {
        DEFAULT_LIMITS
    }
}

/// What a connection over the cap is told before it is closed.
const OVER_CAP: &str = r#"{"info":"too many connections from this address","code":"too_many_requests"}"#;

/// Serves `app` on `listener` with [`Limits::default`] until `shutdown` resolves.
pub async fn serve(
    listener: TcpListener,
    app: axum::Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    serve_with(listener, app, Limits::default(), shutdown).await
}

/// Serves `app` on `listener` until `shutdown` resolves, then lets requests in flight finish.
/// The one way to run the router on a socket (`cinedesk serve`, the desktop's LAN serving).
/// The router is made ready once (`with_state(())`, as `into_make_service` does) and each
/// connection gets a clone of it, an `Arc`: made per connection, axum 0.8 would rebuild the
/// whole route table each time, about 45 KB and a full teardown at close, which 10,000 held
/// long-polls feel.
pub async fn serve_with(
    listener: TcpListener,
    app: axum::Router,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let app: axum::Router = app.with_state(());
    let counts = Counts::default();
    let (stop_tx, stop_rx) = watch::channel(());
    tokio::spawn(async move {
        shutdown.await;
        drop(stop_rx);
    });
    // Every connection holds a receiver; all dropped means all finished.
    let (done_tx, done_rx) = watch::channel(());
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    accept_failed(e).await;
                    continue;
                }
            },
            _ = stop_tx.closed() => break,
        };
        let Some(slot) = counts.take(peer.ip(), limits.max_connections_per_address) else {
            tokio::spawn(refuse(stream));
            continue;
        };
        let (app, stop, done) = (app.clone(), stop_tx.clone(), done_rx.clone());
        tokio::spawn(async move {
            connection(Counted { stream, _slot: slot }, peer, app, limits, stop).await;
            drop(done);
        });
    }
    drop(listener);
    drop(done_rx);
    done_tx.closed().await;
    Ok(())
}

/// One connection, until it closes or (after the shutdown signal) its request in flight ends.
/// Each request carries the peer's address as axum's `ConnectInfo`, as `axum::serve` with
/// connect info would give it.
async fn connection(io: Counted, peer: SocketAddr, app: axum::Router, limits: Limits, stop: watch::Sender<()>) {
    let body_timeout = limits.body_timeout;
    let service = hyper::service::service_fn(move |req: Request<Incoming>| {
        let mut req = req.map(|body| axum::body::Body::new(TimeoutBody::new(body_timeout, body)));
        req.extensions_mut().insert(ConnectInfo(peer));
        app.clone().oneshot(req)
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(limits.header_timeout);
    let mut conn = pin!(builder.serve_connection(TokioIo::new(io), service).with_upgrades());
    let mut stopping = pin!(stop.closed());
    loop {
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(e) = result {
                    tracing::debug!(error = %e, "connection ended");
                }
                return;
            }
            _ = &mut stopping => conn.as_mut().graceful_shutdown(),
        }
    }
}

/// Tells a connection over the cap why, and closes it.
async fn refuse(mut stream: TcpStream) {
    let answer = format!(
        "HTTP/1.1 429 Too Many Requests\r\ncontent-type: application/json\r\nretry-after: 1\r\n\
         connection: close\r\ncontent-length: {}\r\n\r\n{OVER_CAP}",
        OVER_CAP.len()
    );
    let _ = stream.write_all(answer.as_bytes()).await;
    let _ = stream.shutdown().await;
}

/// Accept errors are mostly the process's file limit: say so and breathe, as axum does.
async fn accept_failed(e: io::Error) {
    if matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused | io::ErrorKind::ConnectionAborted | io::ErrorKind::ConnectionReset
    ) {
        return;
    }
    tracing::error!(error = %e, "accept failed");
    tokio::time::sleep(Duration::from_secs(1)).await;
}

/// Open connections per address.
#[derive(Clone, Default)]
struct Counts(Arc<Mutex<HashMap<IpAddr, usize>>>);

impl Counts {
    /// A slot for one more connection of `ip`, unless it holds `max` already (0: no limit).
    fn take(&self, ip: IpAddr, max: usize) -> Option<Slot> {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let n = map.entry(ip).or_insert(0);
        if max > 0 && *n >= max {
            return None;
        }
        *n += 1;
        Some(Slot { counts: self.clone(), ip })
    }
}

/// A connection counted against its address until dropped.
struct Slot {
    counts: Counts,
    ip: IpAddr,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut map = self.counts.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = map.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                map.remove(&self.ip);
            }
        }
    }
}

/// The socket with its [`Slot`]: a WebSocket keeps the socket after the HTTP connection ends,
/// and so stays counted.
struct Counted {
    stream: TcpStream,
    _slot: Slot,
}

impl AsyncRead for Counted {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Counted {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}
