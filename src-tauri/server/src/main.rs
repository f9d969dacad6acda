//! `cinedesk`: the server-mode binary.

use clap::Parser;
use tracing_subscriber::EnvFilter;

/// Threads for blocking core calls. The core has one writer and a few readers, so more threads
/// than this only park (tokio's default allows 512, each with its own stack).
const BLOCKING_THREADS: usize = 32;

/// mimalloc instead of glibc's malloc: with thousands of held connections glibc's heap
/// fragments, and its bin consolidation showed as the largest cost of waking 10,000 long-polls.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")))
        .with_writer(std::io::stderr)
        .init();
    let cli = cinedesk_server::cli::Cli::parse();
    let runtime =
        tokio::runtime::Builder::new_multi_thread().enable_all().max_blocking_threads(BLOCKING_THREADS).build();
    let result = match runtime {
        Ok(rt) => rt.block_on(cinedesk_server::cli::run(cli)),
        Err(e) => Err(e.into()),
    };
    if let Err(e) = result {
        tracing::error!("{e}");
        std::process::exit(1);
    }
}
