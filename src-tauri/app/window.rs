//! Window events the shell turns into something for the UI: files dragged onto the window
//! arrive as their paths (a film never crosses the webview), and a second launch focuses the
//! window already open.

use serde::Serialize;
use tauri::{AppHandle, DragDropEvent, Emitter, Manager, Runtime, Window, WindowEvent};

/// The event the UI listens to for dragged files (docs/desktop-shell.md).
pub const FILE_DROP_EVENT: &str = "cinedesk://file-drop";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileDrop {
    pub kind: &'static str,
    pub paths: Vec<String>,
}

/// What the UI is told of a drag, or nothing for the pointer merely moving over the window
/// (many events a second that carry no paths).
pub fn file_drop(event: &DragDropEvent) -> Option<FileDrop> {
    let strings = |paths: &[std::path::PathBuf]| paths.iter().map(|p| p.display().to_string()).collect();
    match event {
        DragDropEvent::Enter { paths, .. } => Some(FileDrop { kind: "enter", paths: strings(paths) }),
        DragDropEvent::Drop { paths, .. } => Some(FileDrop { kind: "drop", paths: strings(paths) }),
        DragDropEvent::Leave => Some(FileDrop { kind: "leave", paths: Vec::new() }),
        _ => None,
    }
}

pub fn on_event<R: Runtime>(window: &Window<R>, event: &WindowEvent) {
    if let WindowEvent::DragDrop(drag) = event {
        if let Some(payload) = file_drop(drag) {
            if payload.kind == "drop" {
                tracing::info!(files = payload.paths.len(), "files dropped on the window");
            }
            if let Err(e) = window.emit_to(window.label(), FILE_DROP_EVENT, payload) {
                tracing::warn!(error = %e, "cannot tell the UI about dropped files");
            }
        }
    }
}

/// Another launch of the app (single instance): bring the open window to the front instead.
pub fn focus_main<R: Runtime>(app: &AppHandle<R>) {
    tracing::info!("a second launch: focusing the open window");
    if let Some(w) = app.get_webview_window("main") {
        let _ = w.unminimize();
        let _ = w.show();
        let _ = w.set_focus();
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use tauri::PhysicalPosition;

    use super::*;

    #[test]
    fn drags_become_paths_and_moves_are_dropped() {
        let film = PathBuf::from("/media/films/星际穿越 4K.mp4");
        let at = PhysicalPosition::new(10.0, 20.0);
        let drop = file_drop(&DragDropEvent::Drop { paths: vec![film.clone()], position: at });
        assert_eq!(
            drop,
            Some(FileDrop { kind: "drop", paths: vec!["/media/films/星际穿越 4K.mp4".into()] }),
            "the UI gets the path, never the bytes"
        );
        let enter = file_drop(&DragDropEvent::Enter { paths: vec![film], position: at }).unwrap();
        assert_eq!(enter.kind, "enter");
        assert_eq!(file_drop(&DragDropEvent::Leave).unwrap().paths, Vec::<String>::new());
        assert_eq!(file_drop(&DragDropEvent::Over { position: at }), None, "pointer moves are not forwarded");
        let json = serde_json::to_value(file_drop(&DragDropEvent::Leave).unwrap()).unwrap();
        assert_eq!(json, serde_json::json!({"kind": "leave", "paths": []}), "the payload's wire form");
    }
}
