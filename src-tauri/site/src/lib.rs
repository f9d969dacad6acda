//! The reference site agent, `cinedesk site`: a cinema's on-site system (COMS) side of the Cinedesk channel, written as a template for COMS vendors.
//!
//! It holds the cinema's channel (a WebSocket, or long-polls when a WebSocket cannot be had),
//! downloads each film it is sent into its directory (resuming with `Range`, verified by MD5),
//! reports how each download goes, deletes withdrawn films, sends a heartbeat with the seats'
//! statuses, runs commands and VOD tasks through a hook program, and acknowledges a message only
//! once it has acted on it. A journal in the directory, replaced atomically at each change, lets
//! it be killed at any moment and started again without losing or repeating work.
//!
//! Everything it does goes through the documented, signed HTTP contract
//! (`docs/coms-integration.md`); it shares no code with the CMS (no database in an HTTP
//! client): it signs and hashes with RustCrypto's crates.
//!
//! # Modules
//!
//! - `config`: the command line.
//! - `signer`, `api`: signed requests (`dc2`, a fresh signature each) and what an answer means.
//! - `message`: the channel's messages as the agent reads them.
//! - `channel`: the WebSocket, falling back to long-polls.
//! - `journal`: what the agent has taken on, on disk, written atomically.
//! - `reports`: reports that must reach the server, retried until answered.
//! - `download`: films into the directory, with Range resume and MD5 verification.
//! - `hook`: the program that acts on seats (commands) and VOD tasks.
//! - `heartbeat`: the COMS's figures and the seats' statuses, every so often.
//! - `agent`: what each message makes the agent do, and the tasks that run side by side.

mod agent;
mod api;
mod channel;
mod config;
mod download;
mod heartbeat;
mod hook;
mod journal;
mod message;
mod reports;
mod signer;

pub use config::{Args, Transport};

/// Now, in ms since the epoch.
fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// What stops the agent: only what it cannot get past by waiting and trying again.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Config(String),
    #[error("the journal {path}: {why}")]
    Journal { path: String, why: String },
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Runs the agent until it is interrupted (Ctrl-C or SIGTERM), or fails to start.
pub async fn run(args: Args) -> Result<(), Error> {
    let config = args.into_config()?;
    agent::run(config).await
}
