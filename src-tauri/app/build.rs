//! Build script: lets tauri-build read tauri.conf.json and embed the app's context, and declares
//! the app's commands so that each needs a permission (granted in tauri.conf.json's capability).

fn main() {
    let manifest = tauri_build::AppManifest::new().commands(&[
        "app_info",
        "setup_admin",
        "desktop_settings",
        "save_desktop_settings",
        "pick_files",
        "upload_start",
        "upload_pause",
        "upload_resume",
        "upload_resume_interrupted",
        "upload_cancel",
        "upload_list",
        "upload_subscribe",
    ]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest)).expect("tauri-build failed");
}
