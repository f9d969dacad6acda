//! LAN serving: in embedded mode the app can also listen on `0.0.0.0:PORT` with the same router,
//! so the site's COMS and seat terminals reach the database the desktop holds.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// How long in-flight requests get to finish once serving is turned off. A COMS long-poll can
/// wait up to 120 s; it is cut rather than holding the switch.
const DRAIN: Duration = Duration::from_secs(2);

/// A running LAN listener; [`LanServer::stop`] ends it.
pub struct LanServer {
    addr: SocketAddr,
    stop: oneshot::Sender<()>,
    task: JoinHandle<()>,
}

impl LanServer {
    /// Binds `0.0.0.0:port` and serves `router` there until stopped.
    pub async fn start(router: axum::Router, port: u16) -> std::io::Result<LanServer> {
        Self::start_on(router, SocketAddr::from(([0, 0, 0, 0], port))).await
    }

    /// As [`LanServer::start`], on any address (tests bind 127.0.0.1:0).
    pub async fn start_on(router: axum::Router, addr: SocketAddr) -> std::io::Result<LanServer> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let served = cinedesk_server::serve(listener, router, async {
                // A dropped sender (the app quitting) stops serving as well.
                let _ = stopped.await;
            });
            if let Err(e) = served.await {
                tracing::error!(error = %e, "LAN serving stopped with an error");
            }
        });
        tracing::info!(%addr, "serving the API on the LAN");
        Ok(LanServer { addr, stop, task })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting at once (the port is free when this returns) and gives open requests a
    /// moment to finish before cutting them.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        let mut task = self.task;
        if tokio::time::timeout(DRAIN, &mut task).await.is_err() {
            task.abort();
            let _ = task.await;
        }
        tracing::info!(addr = %self.addr, "stopped serving on the LAN");
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    #[tokio::test(flavor = "multi_thread")]
    async fn serves_the_api_then_frees_the_port_when_stopped() {
        let dir = tempfile::tempdir().unwrap();
        let cms = Arc::new(cinedesk_core::Cms::open(dir.path()).unwrap());
        let router = cinedesk_server::router(cms);
        let server = LanServer::start_on(router.clone(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
        let addr = server.addr();

        let url = format!("http://{addr}/cms/app_info");
        let res = reqwest::get(&url).await.expect("the LAN listener answers");
        assert_eq!(res.status(), 200, "the public route is served");
        let body: serde_json::Value = serde_json::from_slice(&res.bytes().await.unwrap()).unwrap();
        assert_eq!(body["hasUsers"], false, "it is the same database: no users yet");

        server.stop().await;
        assert!(tokio::net::TcpStream::connect(addr).await.is_err(), "after stop nothing accepts on {addr} any more");
        // The same port can be taken again at once (turning serving back on).
        let again = LanServer::start_on(router, addr).await.expect("the port is free again after stop");
        again.stop().await;
    }
}
