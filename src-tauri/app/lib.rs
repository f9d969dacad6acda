//! The Cinedesk desktop app: a thin Tauri shell that holds the core (embedded mode) and exposes it to the UI.

mod commands;
mod error;

use std::sync::Arc;

use cinedesk_core::Cms;
use tracing_subscriber::EnvFilter;

/// Opens the embedded CMS and runs the window until it closes.
pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")))
        .with_writer(std::io::stderr)
        .init();

    if !has_display() {
        // GTK would otherwise panic with a backtrace that hides the simple cause.
        tracing::error!(
            "no display: DISPLAY and WAYLAND_DISPLAY are unset; start Cinedesk in a desktop session \
             (on a headless machine: xvfb-run -a cinedesk-desktop)"
        );
        std::process::exit(1);
    }

    let cms = match Cms::open_default() {
        Ok(cms) => Arc::new(cms),
        Err(e) => {
            // Nothing useful can run without the database; say why instead of panicking.
            tracing::error!(error = %e, "cannot open the Cinedesk database");
            std::process::exit(1);
        }
    };

    let result = tauri::Builder::default()
        .manage(commands::Desktop { cms })
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::setup_admin,
            commands::login,
            commands::logout,
            commands::sys_enums,
            commands::list_cinemas,
            commands::create_cinema,
        ])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        tracing::error!(error = %e, "the desktop app stopped with an error");
        std::process::exit(1);
    }
}

/// Whether a window can be opened at all. Only X11/Wayland systems can lack a display while
/// running; Windows and macOS always have one for a desktop app.
fn has_display() -> bool {
    if cfg!(any(target_os = "linux", target_os = "freebsd", target_os = "openbsd", target_os = "netbsd")) {
        ["DISPLAY", "WAYLAND_DISPLAY"].iter().any(|v| std::env::var_os(v).is_some_and(|s| !s.is_empty()))
    } else {
        true
    }
}
