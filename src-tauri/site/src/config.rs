//! The command line of `cinedesk site`, and the settings the agent runs with.

use std::path::PathBuf;
use std::time::Duration;

use crate::Error;

/// How the agent holds the channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Transport {
    /// A WebSocket, or long-polls while the server (or a proxy before it) refuses one.
    Auto,
    /// A WebSocket only.
    Websocket,
    /// Long-polls only.
    LongPoll,
}

/// `cinedesk site`: the reference site agent of a cinema.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// The Cinedesk server, e.g. https://cms.example.com
    #[arg(long, env = "CINEDESK_SITE_SERVER", value_name = "URL")]
    pub server: String,
    /// The cinema this site is (its cinemaID)
    #[arg(long, env = "CINEDESK_SITE_CINEMA", value_name = "ID")]
    pub cinema: String,
    /// An API key of the cinema
    #[arg(long, env = "CINEDESK_SITE_KEY", value_name = "K")]
    pub key: String,
    /// The key's secret (better given by CINEDESK_SITE_SECRET: a command line is visible to
    /// every user of the machine)
    #[arg(long, env = "CINEDESK_SITE_SECRET", hide_env_values = true, value_name = "S")]
    pub secret: String,
    /// Where the films go; the agent keeps its journal here too
    #[arg(long, env = "CINEDESK_SITE_DIR", value_name = "DIR")]
    pub dir: PathBuf,
    /// The program that acts on seats: run as `PATH ACTION CLIENT_ID…` for each command (see
    /// docs/coms-integration.md, "The reference agent")
    #[arg(long, value_name = "PATH")]
    pub hook: Option<PathBuf>,
    /// Seconds the hook may take before it is stopped and the command reported FAILED
    #[arg(long, default_value_t = 300, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..))]
    pub hook_timeout: u64,
    /// A JSON file with the seats' statuses, read at each heartbeat:
    /// [{"clientID", "status", "errorCode"?, "errorMessage"?}]
    #[arg(long, value_name = "FILE", conflicts_with = "seats_command")]
    pub seats: Option<PathBuf>,
    /// A program printing the seats' statuses (the same JSON), run at each heartbeat
    #[arg(long, value_name = "PATH")]
    pub seats_command: Option<PathBuf>,
    /// Seconds between heartbeats
    #[arg(long, default_value_t = 30, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..))]
    pub heartbeat_seconds: u64,
    /// Seconds between two progress reports of a download (also sent every 5 % of the file)
    #[arg(long, default_value_t = 1, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..))]
    pub progress_seconds: u64,
    /// How to hold the channel
    #[arg(long, value_enum, default_value_t = Transport::Auto)]
    pub transport: Transport,
}

/// The settings the agent runs with, checked.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    /// The server's address, without a trailing slash.
    pub server: String,
    pub cinema: String,
    pub key: String,
    pub secret: String,
    pub dir: PathBuf,
    pub hook: Option<PathBuf>,
    pub hook_timeout: Duration,
    pub seats: Seats,
    pub heartbeat_every: Duration,
    pub progress_every: Duration,
    pub transport: Transport,
}

/// Where the seats' statuses come from.
#[derive(Debug, Clone)]
pub(crate) enum Seats {
    None,
    File(PathBuf),
    Command(PathBuf),
}

impl Args {
    pub(crate) fn into_config(self) -> Result<Config, Error> {
        let server = self.server.trim_end_matches('/').to_string();
        if !(server.starts_with("http://") || server.starts_with("https://")) {
            return Err(Error::Config(format!("--server must be an http:// or https:// URL, not {server:?}")));
        }
        if self.cinema.is_empty() || self.key.is_empty() || self.secret.is_empty() {
            return Err(Error::Config("--cinema, --key and --secret must not be empty".into()));
        }
        let seats = match (self.seats, self.seats_command) {
            (Some(file), _) => Seats::File(file),
            (None, Some(cmd)) => Seats::Command(cmd),
            (None, None) => Seats::None,
        };
        Ok(Config {
            server,
            cinema: self.cinema,
            key: self.key,
            secret: self.secret,
            dir: self.dir,
            hook: self.hook,
            hook_timeout: Duration::from_secs(self.hook_timeout),
            seats,
            heartbeat_every: Duration::from_secs(self.heartbeat_seconds),
            progress_every: Duration::from_secs(self.progress_seconds),
            transport: self.transport,
        })
    }
}
