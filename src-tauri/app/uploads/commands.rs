//! The upload manager's Tauri commands: thin adapters that pick the target of the current mode
//! (with the UI's session token) and call the manager off the async runtime.

use std::path::PathBuf;
use std::sync::Arc;

use tauri::ipc::Channel;
use tauri::State;

use crate::commands::ShellState;
use crate::error::{CommandError, CommandResult};
use crate::settings::Mode;
use crate::shell::Shell;
use crate::uploads::{Manager, Target, UploadEvent};

/// The managed state: one manager for the app's life.
pub type UploadsState = Arc<Manager>;

/// The current mode's destination, uploading as the user of `token` (blocking: it may build an
/// HTTP client, which must not happen on the async runtime's threads).
fn target_of(shell: &Shell, token: &str) -> CommandResult<Target> {
    let settings = shell.settings();
    match settings.mode {
        Mode::Embedded => Target::embedded(Arc::clone(&shell.embedded().map_err(CommandError::no_backend)?.cms), token),
        Mode::Remote => {
            let server = settings
                .server_base()
                .ok_or_else(|| CommandError::no_backend("remote mode without a server URL".into()))?;
            Target::remote(&server, token)
        }
    }
}

/// Runs `f` on a blocking thread with the shell and the manager.
async fn blocking<T: Send + 'static>(
    shell: &ShellState,
    uploads: &UploadsState,
    f: impl FnOnce(&Shell, &Arc<Manager>) -> CommandResult<T> + Send + 'static,
) -> CommandResult<T> {
    let (shell, uploads) = (Arc::clone(shell), Arc::clone(uploads));
    tauri::async_runtime::spawn_blocking(move || f(&shell, &uploads)).await?
}

/// Starts uploading a file on disk; answers the upload's id (also the stored file's id).
#[tauri::command]
pub async fn upload_start(
    shell: State<'_, ShellState>,
    uploads: State<'_, UploadsState>,
    path: String,
    domain: String,
    token: String,
) -> CommandResult<String> {
    blocking(&shell, &uploads, move |shell, uploads| {
        uploads.start(target_of(shell, &token)?, &PathBuf::from(path), &domain)
    })
    .await
}

#[tauri::command]
pub async fn upload_pause(uploads: State<'_, UploadsState>, id: String) -> CommandResult<()> {
    uploads.pause(&id)
}

#[tauri::command]
pub async fn upload_resume(
    shell: State<'_, ShellState>,
    uploads: State<'_, UploadsState>,
    id: String,
    token: String,
) -> CommandResult<()> {
    blocking(&shell, &uploads, move |shell, uploads| uploads.resume(target_of(shell, &token)?, &id)).await
}

#[tauri::command]
pub async fn upload_cancel(
    shell: State<'_, ShellState>,
    uploads: State<'_, UploadsState>,
    id: String,
    token: String,
) -> CommandResult<()> {
    blocking(&shell, &uploads, move |shell, uploads| uploads.cancel(target_of(shell, &token).ok(), &id)).await
}

/// The session is back (a login, or the window reloaded): the uploads the app stopped under that
/// belong to this mode and user go on by themselves. Answers their ids.
#[tauri::command]
pub async fn upload_resume_interrupted(
    shell: State<'_, ShellState>,
    uploads: State<'_, UploadsState>,
    token: String,
) -> CommandResult<Vec<String>> {
    blocking(&shell, &uploads, move |shell, uploads| uploads.resume_interrupted(|| target_of(shell, &token))).await
}

#[tauri::command]
pub async fn upload_list(uploads: State<'_, UploadsState>) -> CommandResult<Vec<UploadEvent>> {
    Ok(uploads.list())
}

/// Every change of every upload from now on goes to `channel`; answers the list as it stands.
#[tauri::command]
pub async fn upload_subscribe(
    uploads: State<'_, UploadsState>,
    channel: Channel<UploadEvent>,
) -> CommandResult<Vec<UploadEvent>> {
    Ok(uploads.subscribe(Box::new(move |event| channel.send(event.clone()).is_ok())))
}
