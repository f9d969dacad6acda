//! The desktop's upload manager: files chosen or dropped by path go into the embedded store or
//! to the server by tus, with progress, speed and ETA, pause, resume and cancel, and a journal so
//! unfinished uploads are still there after a restart. A film never crosses the webview.

pub mod commands;
mod event;
mod journal;
mod manager;
mod source;
mod target;
pub(crate) mod tus;

pub use event::UploadEvent;
pub use manager::Manager;
pub use target::Target;

#[cfg(test)]
mod tests;
