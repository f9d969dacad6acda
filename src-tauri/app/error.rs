//! The error a command hands to the UI: `{ code, info, field? }`, from the core's error.

use cinedesk_core::Code;
use serde::Serialize;

/// What the UI receives when a command fails. `code` is the core's stable code; `field` names
/// the form field at fault, so the UI can show the message beside it.
#[derive(Debug, Serialize)]
pub struct CommandError {
    pub code: Code,
    pub info: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl CommandError {
    pub fn internal(info: String) -> CommandError {
        tracing::error!(info, "command failed");
        CommandError { code: Code::Internal, info, field: None }
    }

    /// Code `no_backend`: the UI knows it as "no host to talk to" (ui/src/backend/errors.ts).
    pub fn no_backend(info: String) -> CommandError {
        CommandError { code: Code::NoBackend, info, field: None }
    }
}

impl From<cinedesk_core::Error> for CommandError {
    fn from(e: cinedesk_core::Error) -> Self {
        // A command answers the window of this very machine, whose owner may read what failed;
        // it is logged as well, as the server logs its own.
        if e.code().is_internal() {
            tracing::error!(error = %e, "command failed");
        }
        CommandError { code: e.code(), field: e.field().map(str::to_string), info: e.to_string() }
    }
}

pub type CommandResult<T> = Result<T, CommandError>;
