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

/// mimalloc's `purge_delay` option (its index in mimalloc 3's options.c; libmimalloc-sys names
/// only the v2 options). How long freed pages stay committed before they are given back.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// 10 ms instead of mimalloc 3's 1,000: an upload frees network buffers at hundreds of MB/s,
/// mostly on other threads than the one that allocated them, and a second's worth of them kept
/// committed grew the server by about 100 MiB during a 2 GiB upload (about 30 MiB under glibc).
const PURGE_DELAY_MS: std::ffi::c_long = 10;

fn main() {
    // SAFETY: mi_option_set only stores a value that mimalloc reads at each purge; it is called
    // before any thread but this one exists.
    #[allow(unsafe_code)]
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS)
    };
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
