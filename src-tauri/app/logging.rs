//! Logging: to stderr and to a file rolled daily in the OS log dir, so a user can send the log of
//! a bad day without running anything from a terminal.

use std::path::PathBuf;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{Builder, Rotation};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{fmt, EnvFilter, Layer};

/// Daily files kept; older ones are deleted as new days begin.
const KEEP_DAYS: usize = 14;

/// Where the log files go: `CINEDESK_LOG_DIR` if set, else the same directory as Tauri's
/// `app_log_dir()` (it is not known before the app is built, and logging starts first):
/// `~/Library/Logs/<identifier>` on macOS, `<local data dir>/<identifier>/logs` elsewhere.
pub fn log_dir(identifier: &str) -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("CINEDESK_LOG_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    if cfg!(target_os = "macos") {
        dirs::home_dir().map(|h| h.join("Library/Logs").join(identifier))
    } else {
        dirs::data_local_dir().map(|d| d.join(identifier).join("logs"))
    }
}

/// Starts logging; keep the guard for the app's life (dropping it flushes the file).
/// `RUST_LOG` sets the level (default `info`). If the file cannot be opened the app still runs,
/// logging to stderr, and says why.
pub fn init(identifier: &str) -> Option<WorkerGuard> {
    let filter = || EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let stderr = fmt::layer().with_writer(std::io::stderr).with_filter(filter());
    let dir = log_dir(identifier);
    let file = dir.as_ref().map(|dir| {
        Builder::new()
            .rotation(Rotation::DAILY)
            .filename_prefix("cinedesk")
            .filename_suffix("log")
            .max_log_files(KEEP_DAYS)
            .build(dir)
    });
    match file {
        Some(Ok(appender)) => {
            let (writer, guard) = tracing_appender::non_blocking(appender);
            let file_layer = fmt::layer().with_writer(writer).with_ansi(false).with_filter(filter());
            tracing_subscriber::registry().with(stderr).with(file_layer).init();
            if let Some(dir) = dir {
                tracing::info!(dir = %dir.display(), "logging to a daily file");
            }
            Some(guard)
        }
        Some(Err(e)) => {
            tracing_subscriber::registry().with(stderr).init();
            tracing::warn!(error = %e, "cannot open the log file; logging to stderr only");
            None
        }
        None => {
            tracing_subscriber::registry().with(stderr).init();
            tracing::warn!("no home directory for the log file; logging to stderr only");
            None
        }
    }
}
