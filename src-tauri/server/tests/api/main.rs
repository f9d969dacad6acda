//! The REST API over real HTTP on 127.0.0.1, one module per feature; `helpers` is what they share.

mod auth;
mod backup;
mod cinemas;
mod cli;
mod commands;
mod coms;
mod deliveries;
mod distribution;
mod enums;
mod films;
mod helpers;
mod library;
mod messages;
mod openapi;
mod qr_tokens;
mod read_cache;
mod reports;
mod seats;
mod sessions;
mod upload_tokens;
mod uploads;
mod users;
mod vod_flow;
mod vod_tasks;
mod wire;
