//! The Cinedesk desktop app: a thin Tauri shell. The UI's REST calls go through the `cinedesk://`
//! scheme to the server's own router (embedded mode) or to a server (remote mode); the shell adds
//! what only a desktop has: settings, LAN serving, native dialogs, dropped files, the menu.
//!
//! # Modules
//!
//! - `protocol`: the `cinedesk://` scheme: CORS, then each request to the transport.
//! - `transport`: where a request goes: the server's router in process, or a server by HTTP.
//! - `shell`: what the app holds while it runs: settings, the embedded core, the transport, LAN.
//! - `commands`: the few Tauri commands (app info, first-run setup, settings, file dialog);
//!   `first_run`: what app info and first-run setup do.
//! - `uploads`: the upload manager: files by path into the store or to a server, with a journal.
//! - `settings`, `atomic`: the desktop's own settings file, written so a crash cannot halve it.
//! - `lan`: serving the same router on the LAN for the site's COMS and seats.
//! - `window`, `menu`, `logging`, `error`: dropped files and one instance, the app menu, log
//!   files, the error a command hands to the UI.
//!
//! The contract with the UI: `docs/desktop-shell.md`.

mod atomic;
mod commands;
mod error;
mod first_run;
mod lan;
mod logging;
mod menu;
mod protocol;
mod settings;
mod shell;
mod transport;
mod uploads;
mod window;

use std::sync::Arc;

use tauri::RunEvent;

use crate::shell::Shell;

/// Opens the data dir's settings (and database, in embedded mode) and runs the window until it
/// closes.
pub fn run() {
    let context = tauri::generate_context!();
    let _log_guard = logging::init(&context.config().identifier);

    if !has_display() {
        // GTK would otherwise panic with a backtrace that hides the simple cause.
        tracing::error!(
            "no display: DISPLAY and WAYLAND_DISPLAY are unset; start Cinedesk in a desktop session \
             (on a headless machine: xvfb-run -a cinedesk-desktop)"
        );
        std::process::exit(1);
    }

    let shell = match cinedesk_core::default_data_dir().map_err(|e| e.to_string()).and_then(Shell::open) {
        Ok(shell) => Arc::new(shell),
        Err(reason) => {
            // Nothing useful can run without its data; say why instead of panicking.
            tracing::error!(%reason, "cannot start Cinedesk");
            std::process::exit(1);
        }
    };
    let language = shell.settings().language;
    // The window's size and place are kept beside the settings (an absolute name replaces the
    // plugin's default directory), so each data dir, and each test's fresh one, has its own.
    let window_state = shell.bootstrap_dir().join("window-state.json").to_string_lossy().into_owned();

    let app = tauri::Builder::default()
        // First, as its docs ask: a second launch exits before anything else starts.
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| window::focus_main(app)))
        .plugin(tauri_plugin_window_state::Builder::new().with_filename(window_state).build())
        .plugin(tauri_plugin_dialog::init())
        .manage(Arc::clone(&shell))
        .manage(Arc::new(uploads::Manager::open(shell.bootstrap_dir())))
        .menu(move |app| menu::build(app, language))
        .on_menu_event(menu::on_event)
        .on_window_event(window::on_event)
        .register_asynchronous_uri_scheme_protocol(protocol::SCHEME, |ctx, request, responder| {
            // Called on the main (GTK) thread: hand the work to the async runtime at once.
            let upstream = commands::shell_of(ctx.app_handle()).upstream();
            tauri::async_runtime::spawn(async move { responder.respond(protocol::handle(upstream, request).await) });
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::setup_admin,
            commands::desktop_settings,
            commands::save_desktop_settings,
            commands::pick_files,
            uploads::commands::upload_start,
            uploads::commands::upload_pause,
            uploads::commands::upload_resume,
            uploads::commands::upload_resume_interrupted,
            uploads::commands::upload_cancel,
            uploads::commands::upload_list,
            uploads::commands::upload_subscribe,
        ])
        .setup({
            let shell = Arc::clone(&shell);
            move |_app| {
                tauri::async_runtime::spawn(async move { shell.sync_lan().await });
                Ok(())
            }
        })
        .build(context);
    let app = match app {
        Ok(app) => app,
        Err(e) => {
            tracing::error!(error = %e, "the desktop app could not start");
            std::process::exit(1);
        }
    };
    app.run(move |_app, event| {
        if let RunEvent::Exit = event {
            tauri::async_runtime::block_on(shell.stop_lan());
        }
    });
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
