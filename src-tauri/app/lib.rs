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
