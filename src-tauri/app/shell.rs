//! What the desktop app holds while it runs: its settings, the embedded core (opened when
//! embedded mode needs it), where API requests go, and the LAN listener.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use cinedesk_core::Cms;
use serde::Serialize;

use crate::error::CommandError;
use crate::lan::LanServer;
use crate::settings::{Mode, Settings};
use crate::transport::Upstream;

/// The embedded core and the server's router over it, built once: the scheme and the LAN
/// listener share it (one COMS waker for both).
#[derive(Clone)]
pub struct Embedded {
    pub cms: Arc<Cms>,
    pub router: axum::Router,
}

#[derive(Default)]
struct LanState {
    server: Option<LanServer>,
    error: Option<String>,
}

pub struct Shell {
    /// Where the settings file lives: CINEDESK_DATA_DIR or the OS app data dir.
    bootstrap_dir: PathBuf,
    /// The data dir this run uses; a changed setting applies on the next start.
    data_dir: PathBuf,
    settings: Mutex<Settings>,
    embedded: OnceLock<Embedded>,
    upstream: RwLock<Upstream>,
    lan: tokio::sync::Mutex<LanState>,
}

/// The settings and what they led to, as the UI sees them (docs/desktop-shell.md).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DesktopState {
    pub settings: Settings,
    pub data_dir: String,
    pub lan_listening: Option<String>,
    pub lan_error: Option<String>,
    pub restart_required: bool,
}

impl Shell {
    /// Loads the settings of `bootstrap_dir` and, in embedded mode, opens the database.
    pub fn open(bootstrap_dir: PathBuf) -> Result<Shell, String> {
        let settings = Settings::load(&bootstrap_dir).map_err(|e| format!("cannot read the settings: {e}"))?;
        let data_dir = settings.data_dir.clone().unwrap_or_else(|| bootstrap_dir.clone());
        let shell = Shell {
            bootstrap_dir,
            data_dir,
            settings: Mutex::new(settings.clone()),
            embedded: OnceLock::new(),
            upstream: RwLock::new(Upstream::Unavailable("starting".into())),
            lan: tokio::sync::Mutex::new(LanState::default()),
        };
        // Nothing useful runs in embedded mode without the database, so failing to open it
        // stops the start with the reason; in remote mode it is not opened at all.
        if settings.mode == Mode::Embedded {
            shell.embedded()?;
        }
        shell.set_upstream(&settings);
        Ok(shell)
    }

    pub fn bootstrap_dir(&self) -> &Path {
        &self.bootstrap_dir
    }

    pub fn settings(&self) -> Settings {
        self.settings.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The request target of this moment (cheap to clone: a router or a client handle).
    pub fn upstream(&self) -> Upstream {
        self.upstream.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The embedded core, opened on first use.
    pub fn embedded(&self) -> Result<&Embedded, String> {
        if let Some(e) = self.embedded.get() {
            return Ok(e);
        }
        let cms = Cms::open(&self.data_dir)
            .map_err(|e| format!("cannot open the Cinedesk database in {}: {e}", self.data_dir.display()))?;
        let cms = Arc::new(cms);
        let router = cinedesk_server::router(Arc::clone(&cms));
        // Two callers racing here both opened the file; the loser's copy is dropped unused.
        let mut first = false;
        let embedded = self.embedded.get_or_init(|| {
            first = true;
            Embedded { cms, router }
        });
        if first {
            // The daily backups of this data dir, as `cinedesk serve` runs them.
            let (cms, (runs, _)) = (Arc::clone(&embedded.cms), tokio::sync::watch::channel(0));
            let timer = cinedesk_server::backup_runner::SystemTimer;
            tauri::async_runtime::spawn(cinedesk_server::backup_runner::run(cms, timer, runs));
            // Alerts in embedded mode: the same timer and webhook sender as `cinedesk serve`.
            let cms = Arc::clone(&embedded.cms);
            tauri::async_runtime::spawn(async move {
                cinedesk_server::alert_runner::start(cms);
            });
        }
        Ok(embedded)
    }

    fn set_upstream(&self, settings: &Settings) {
        let upstream = match settings.mode {
            Mode::Embedded => match self.embedded() {
                Ok(e) => Upstream::Embedded(e.router.clone()),
                Err(reason) => Upstream::Unavailable(reason),
            },
            Mode::Remote => match settings.server_base() {
                Some(base) => Upstream::remote(base),
                None => Upstream::Unavailable("remote mode without a server URL".into()),
            },
        };
        *self.upstream.write().unwrap_or_else(|p| p.into_inner()) = upstream;
    }

    /// Validates, saves and applies new settings: the mode and server at once (the UI's session
    /// belongs to the old backend and should log in again), LAN serving at once, the data dir on
    /// the next start.
    pub async fn save(&self, new: Settings) -> Result<DesktopState, CommandError> {
        new.validate()?;
        let dir = self.bootstrap_dir.clone();
        let to_save = new.clone();
        tokio::task::spawn_blocking(move || to_save.save(&dir))
            .await
            .map_err(|e| CommandError::internal(format!("saving the settings failed: {e}")))?
            .map_err(|e| CommandError {
                code: cinedesk_core::Code::Internal,
                info: format!("cannot save the settings: {e}"),
                field: None,
            })?;
        *self.settings.lock().unwrap_or_else(|p| p.into_inner()) = new.clone();
        self.set_upstream(&new);
        self.sync_lan().await;
        Ok(self.state().await)
    }

    /// Starts, restarts or stops LAN serving to match the settings. A failure (port taken, say)
    /// is kept for the UI to show, not fatal: the desktop itself works without it.
    pub async fn sync_lan(&self) {
        let settings = self.settings();
        let wanted = (settings.mode == Mode::Embedded && settings.lan.enabled).then_some(settings.lan.port);
        let mut lan = self.lan.lock().await;
        let running = lan.server.as_ref().map(|s| s.addr().port());
        if running == wanted {
            return;
        }
        if let Some(server) = lan.server.take() {
            server.stop().await;
        }
        lan.error = None;
        let Some(port) = wanted else { return };
        let router = match self.embedded() {
            Ok(e) => e.router.clone(),
            Err(reason) => {
                lan.error = Some(reason);
                return;
            }
        };
        match LanServer::start(router, port).await {
            Ok(server) => lan.server = Some(server),
            Err(e) => {
                tracing::warn!(port, error = %e, "cannot serve on the LAN");
                lan.error = Some(format!("cannot listen on port {port}: {e}"));
            }
        }
    }

    /// Stops LAN serving (the app is quitting).
    pub async fn stop_lan(&self) {
        if let Some(server) = self.lan.lock().await.server.take() {
            server.stop().await;
        }
    }

    pub async fn state(&self) -> DesktopState {
        let settings = self.settings();
        let lan = self.lan.lock().await;
        let wanted_dir = settings.data_dir.clone().unwrap_or_else(|| self.bootstrap_dir.clone());
        DesktopState {
            restart_required: wanted_dir != self.data_dir,
            settings,
            data_dir: self.data_dir.display().to_string(),
            lan_listening: lan.server.as_ref().map(|s| s.addr().to_string()),
            lan_error: lan.error.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Lan;

    fn free_port() -> u16 {
        std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn settings_persist_and_lan_follows_them() {
        let dir = tempfile::tempdir().unwrap();
        let shell = Shell::open(dir.path().to_path_buf()).unwrap();
        assert!(matches!(shell.upstream(), Upstream::Embedded(_)), "embedded by default");
        assert!(dir.path().join(cinedesk_core::DB_FILE).exists(), "embedded mode opened the database");

        let port = free_port();
        let on = Settings { lan: Lan { enabled: true, port }, ..Settings::default() };
        let state = shell.save(on.clone()).await.unwrap();
        assert_eq!(state.lan_listening, Some(format!("0.0.0.0:{port}")), "LAN serving started: {state:?}");
        let res = reqwest::get(format!("http://127.0.0.1:{port}/healthz")).await.expect("reachable on the port");
        assert_eq!(res.status(), 200);
        assert_eq!(Settings::load(dir.path()).unwrap(), on, "saved to the data dir");

        let off = Settings { lan: Lan { enabled: false, port }, ..on };
        let state = shell.save(off).await.unwrap();
        assert_eq!(state.lan_listening, None, "turned off");
        assert!(tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err(), "the port is closed");

        // A reopened shell reads what was saved.
        drop(shell);
        let again = Shell::open(dir.path().to_path_buf()).unwrap();
        assert_eq!(again.settings().lan.port, port, "settings survive a restart");
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn a_taken_port_is_reported_not_fatal() {
        let dir = tempfile::tempdir().unwrap();
        let shell = Shell::open(dir.path().to_path_buf()).unwrap();
        let taken = std::net::TcpListener::bind("0.0.0.0:0").unwrap();
        let port = taken.local_addr().unwrap().port();
        let state = shell.save(Settings { lan: Lan { enabled: true, port }, ..Settings::default() }).await.unwrap();
        assert_eq!(state.lan_listening, None);
        assert!(state.lan_error.unwrap().contains(&port.to_string()), "the UI is told which port failed");
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn remote_mode_does_not_open_the_database_and_rejects_bad_urls() {
        let dir = tempfile::tempdir().unwrap();
        let remote =
            Settings { mode: Mode::Remote, server_url: Some("http://127.0.0.1:9".into()), ..Default::default() };
        remote.save(dir.path()).unwrap();
        let shell = Shell::open(dir.path().to_path_buf()).unwrap();
        assert!(matches!(shell.upstream(), Upstream::Remote { .. }), "remote mode forwards");
        assert!(!dir.path().join(cinedesk_core::DB_FILE).exists(), "no local database in remote mode");

        let bad = Settings { server_url: Some("nonsense".into()), ..remote };
        let err = shell.save(bad).await.unwrap_err();
        assert_eq!(err.field.as_deref(), Some("serverUrl"), "the bad field is named");
        assert_eq!(shell.settings().server_url.as_deref(), Some("http://127.0.0.1:9"), "nothing changed");

        let moved = Settings { data_dir: Some(dir.path().join("elsewhere")), ..Settings::default() };
        let state = shell.save(moved).await.unwrap();
        assert!(state.restart_required, "a new data dir applies on the next start");
        assert!(matches!(shell.upstream(), Upstream::Embedded(_)), "switched back to embedded at once");
    }
}
