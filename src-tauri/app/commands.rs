//! The few Tauri commands the UI calls. Everything the REST API does goes through the
//! `cinedesk://` scheme instead (protocol.rs); these are what only a desktop has.

use std::sync::Arc;

use cinedesk_core::{Code, Session};
use serde::Deserialize;
use tauri::{AppHandle, Manager, Runtime, State, WebviewWindow};
use tauri_plugin_dialog::DialogExt;

use crate::error::{CommandError, CommandResult};
use crate::first_run::AppInfo;
use crate::settings::Settings;
use crate::shell::{DesktopState, Shell};

impl From<tauri::Error> for CommandError {
    fn from(e: tauri::Error) -> Self {
        tracing::error!(error = %e, "command task failed");
        CommandError { code: Code::Internal, info: e.to_string(), field: None }
    }
}

/// The managed state: one shell for the app's life.
pub type ShellState = Arc<Shell>;

#[tauri::command]
pub async fn app_info(shell: State<'_, ShellState>) -> CommandResult<AppInfo> {
    shell.app_info().await
}

/// First run of the embedded database only (see [`Shell::setup_admin`]).
#[tauri::command]
pub async fn setup_admin(
    shell: State<'_, ShellState>,
    name: String,
    alias: String,
    password: String,
) -> CommandResult<Session> {
    shell.setup_admin(name, alias, password).await
}

#[tauri::command]
pub async fn desktop_settings(shell: State<'_, ShellState>) -> CommandResult<DesktopState> {
    Ok(shell.state().await)
}

#[tauri::command]
pub async fn save_desktop_settings<R: Runtime>(
    app: AppHandle<R>,
    shell: State<'_, ShellState>,
    settings: Settings,
) -> CommandResult<DesktopState> {
    let language_changed = shell.settings().language != settings.language;
    let state = shell.save(settings).await?;
    if language_changed {
        crate::menu::install(&app, state.settings.language);
    }
    Ok(state)
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PickOptions {
    title: Option<String>,
    multiple: bool,
    directory: bool,
    filters: Vec<FileFilter>,
}

#[derive(Debug, Deserialize)]
pub struct FileFilter {
    name: String,
    extensions: Vec<String>,
}

/// The native open dialog; answers the chosen absolute paths (none if cancelled). Only paths
/// cross to the webview: whatever is done with the files is done by the core, by path.
#[tauri::command]
pub async fn pick_files<R: Runtime>(
    window: WebviewWindow<R>,
    options: Option<PickOptions>,
) -> CommandResult<Vec<String>> {
    let o = options.unwrap_or_default();
    let mut dialog = window.dialog().file().set_parent(&window);
    if let Some(title) = &o.title {
        dialog = dialog.set_title(title);
    }
    for f in &o.filters {
        let exts: Vec<&str> = f.extensions.iter().map(String::as_str).collect();
        dialog = dialog.add_filter(&f.name, &exts);
    }
    // The callback forms: the dialog runs on the main thread while this task just waits.
    let (tx, rx) = tokio::sync::oneshot::channel();
    match (o.directory, o.multiple) {
        (true, true) => dialog.pick_folders(move |p| drop(tx.send(p.unwrap_or_default()))),
        (true, false) => dialog.pick_folder(move |p| drop(tx.send(p.into_iter().collect()))),
        (false, true) => dialog.pick_files(move |p| drop(tx.send(p.unwrap_or_default()))),
        (false, false) => dialog.pick_file(move |p| drop(tx.send(p.into_iter().collect()))),
    }
    let chosen = rx.await.map_err(|_| CommandError::internal("the file dialog closed without an answer".into()))?;
    chosen
        .into_iter()
        .map(|p| {
            p.into_path()
                .map(|p| p.display().to_string())
                .map_err(|e| CommandError::internal(format!("the dialog gave no file path: {e}")))
        })
        .collect()
}

/// The managed shell of any handle (the URI scheme and window events use it).
pub fn shell_of<R: Runtime>(app: &impl Manager<R>) -> ShellState {
    Arc::clone(app.state::<ShellState>().inner())
}
