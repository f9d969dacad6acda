//! The error a command hands to the UI: `{ code, info, field? }`, from the core's error.

use serde::Serialize;

/// What the UI receives when a command fails. `code` is the core's stable code; `field` names
/// the form field at fault, so the UI can show the message beside it.
#[derive(Debug, Serialize)]
pub struct CommandError {
    pub code: &'static str,
    pub info: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl CommandError {
    pub fn internal(info: String) -> CommandError {
        tracing::error!(info, "command failed");
        CommandError { code: "internal", info, field: None }
    }

    /// Code `no_backend`: the UI knows it as "no host to talk to" (ui/src/backend/errors.ts).
    pub fn no_backend(info: String) -> CommandError {
        CommandError { code: "no_backend", info, field: None }
    }
}

impl From<cinedesk_core::Error> for CommandError {
    fn from(e: cinedesk_core::Error) -> Self {
        if matches!(e.code(), "storage" | "io" | "internal") {
            tracing::error!(error = %e, "command failed");
        }
        CommandError { code: e.code(), field: e.field().map(str::to_string), info: e.to_string() }
    }
}

pub type CommandResult<T> = Result<T, CommandError>;
