//! The outside probe of issue 15, kept: each finding replayed against a real `cinedesk serve` process (the built binary), and the authentication matrix over every operation of its OpenAPI document.
//!
//! `CINEDESK_PROBE_BIN=/path/to/cinedesk cargo test -p cinedesk-server --test probe` replays it
//! against another build.

mod failures;
mod matrix;
mod parsing;
mod sample;
mod server;
mod signatures;
mod slow_clients;
