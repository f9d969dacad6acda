//! Build script: lets tauri-build read tauri.conf.json and embed the app's context.

fn main() {
    tauri_build::build()
}
