//! Cinedesk's remote mode: [`RemoteCms`] performs every operation of [`cinedesk_core::CmsApi`]
//! against a `cinedesk serve` over its REST API (seed 000), so the desktop app can manage a
//! chain whose data lives on a server exactly as it manages its embedded database.
//!
//! Failures come back as the core's own [`cinedesk_core::Error`], rebuilt from the server's
//! `{"info","code","field"?}` with the same code and field; a server that cannot be reached is
//! [`cinedesk_core::Error::Unreachable`].

mod api;
mod client;
mod query;
mod wire;

pub use client::{RemoteCms, RemoteCmsBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT};
mod tus;

pub use tus::{TusClient, TusMeta, TusOutcome, TusProgress, CHUNK as TUS_CHUNK};
