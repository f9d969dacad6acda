//! `cinedesk`: the server-mode binary.

use clap::Parser;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")))
        .with_writer(std::io::stderr)
        .init();
    let cli = cinedesk_server::cli::Cli::parse();
    if let Err(e) = cinedesk_server::cli::run(cli).await {
        tracing::error!("{e}");
        std::process::exit(1);
    }
}
