//! The REST API over real HTTP on 127.0.0.1, one module per feature; `helpers` is what they share.

mod audit;
mod auth;
mod backup;
mod cinemas;
mod cli;
mod coms;
mod distribution;
mod enums;
mod films;
mod helpers;
mod library;
mod openapi;
mod read_cache;
mod scope;
mod seats;
mod sessions;
mod upload_tokens;
mod uploads;
mod users;
mod vod_flow;
mod vod_tasks;
mod wire;
