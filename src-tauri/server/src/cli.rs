//! The `cinedesk` command: `serve` for server mode, `user` for administrators, `openapi` for
//! the UI's generated types (`ui/scripts/gen-types.sh`).

// A command-line tool answers on stdout.
#![allow(clippy::print_stdout)]

use std::io::{BufRead, IsTerminal};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use cinedesk_core::{Actor, Cms, Paging, UserInput, UserQuery, MAX_LIMIT};
use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "cinedesk", version, about = "Cinedesk: management console for VR cinema chains (server mode)")]
pub struct Cli {
    /// Data directory (default: the OS app data dir, or CINEDESK_DATA_DIR)
    #[arg(long, global = true, value_name = "DIR")]
    pub data: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the REST API. On first start with no users, CINEDESK_ADMIN_PASSWORD creates the
    /// SYS_ADMIN `admin`; an existing user is never overwritten.
    Serve {
        /// Address to listen on
        #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
        listen: SocketAddr,
        /// The built web UI to serve at `/` (default: ui/dist under the current directory, if built)
        #[arg(long, value_name = "DIR")]
        ui: Option<PathBuf>,
        /// MiB of list answers kept in memory until the next write (0: none)
        #[arg(long, default_value_t = 16, value_name = "MIB")]
        read_cache_mib: usize,
        /// A reverse proxy in front of this server (repeatable): requests from it are recorded in
        /// the audit log as coming from the address it appends to X-Forwarded-For
        #[arg(long = "trusted-proxy", value_name = "IP")]
        trusted_proxies: Vec<std::net::IpAddr>,
        /// Seconds a client has to send a request's head, counted from when the connection is
        /// ready for one (just opened, or idle after an answer): also the idle keep-alive limit
        #[arg(long, default_value_t = 30, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..))]
        header_timeout: u64,
        /// Seconds a request body may stall (no byte arriving) before the connection is closed;
        /// an upload cut this way keeps what it acknowledged
        #[arg(long, default_value_t = 60, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..))]
        body_timeout: u64,
        /// Most connections one IP address may hold open (0: no limit; use 0 behind a reverse
        /// proxy, where every connection comes from the proxy)
        #[arg(long, default_value_t = 256, value_name = "N")]
        max_connections_per_address: usize,
    },
    /// Manage users (the password comes from CINEDESK_PASSWORD, or one line on standard input)
    #[command(subcommand)]
    User(UserCommand),
    /// Print the OpenAPI document that `serve` answers at /cms/openapi.json (no server needed)
    Openapi,
    /// Back the data dir up into the folder PATH, safe while `serve` or the desktop runs: a new
    /// snapshot of the database, and only the files the folder does not hold yet
    Backup {
        #[arg(long, value_name = "PATH")]
        to: PathBuf,
        /// Snapshots to keep in PATH; older ones, and files only they named, are removed
        #[arg(long, default_value_t = cinedesk_core::backup::DEFAULT_KEEP, value_name = "N")]
        keep: usize,
    },
    /// Restore the newest backup in the folder PATH (or the snapshot folder PATH) into the data
    /// dir, after checking all of it: a damaged or newer backup changes nothing. Stop the server first
    Restore {
        #[arg(long, value_name = "PATH")]
        from: PathBuf,
    },
    /// Run the reference site agent of a cinema: hold its channel, download the films it is
    /// sent into DIR, report them, run commands through a hook, send heartbeats (no data dir:
    /// everything goes through the server). See docs/coms-integration.md, "The reference agent"
    Site(cinedesk_site::Args),
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user
    Add {
        #[arg(long)]
        alias: String,
        #[arg(long)]
        name: String,
        /// Comma list of roles: SYS_ADMIN, MANAGER
        #[arg(long, default_value = "MANAGER")]
        role: String,
        /// Give the user every cinema (a MANAGER otherwise sees none until assigned some)
        #[arg(long)]
        all_cinemas: bool,
    },
    /// Set a user's password (ends the user's sessions)
    Passwd {
        #[arg(long)]
        alias: String,
    },
    /// List users
    List,
}

/// Errors of the command line, printed as one line before exiting with status 1.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Core(#[from] cinedesk_core::Error),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("no user has alias {0:?}")]
    NoSuchUser(String),
    #[error(transparent)]
    Site(#[from] cinedesk_site::Error),
}

fn open(data: Option<PathBuf>) -> Result<Cms, CliError> {
    Ok(Cms::open(data_dir(data)?)?)
}

fn password() -> Result<String, CliError> {
    if let Ok(p) = std::env::var("CINEDESK_PASSWORD") {
        return Ok(p);
    }
    let stdin = std::io::stdin();
    // A person at a terminal needs to know the command is waiting; a pipe does not.
    if stdin.is_terminal() {
        eprint!("Password: ");
    }
    let mut line = String::new();
    stdin.lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

pub async fn run(cli: Cli) -> Result<(), CliError> {
    // The document needs no data dir, and opening one would create it.
    if matches!(cli.command, Command::Openapi) {
        return openapi().await;
    }
    // A backup reads the data dir beside whoever uses it, and a restore replaces it: neither
    // opens it as a CMS (that would migrate it and tidy the file store under a running server).
    if let Command::Backup { to, keep } = &cli.command {
        let report = cinedesk_core::backup::create(&data_dir(cli.data)?, to, *keep)?;
        return print_json(&report);
    }
    if let Command::Restore { from } = &cli.command {
        let report = cinedesk_core::backup::restore(from, &data_dir(cli.data)?)?;
        return print_json(&report);
    }
    // The agent is a cinema's, talking to a server: it has no data dir of the CMS.
    if let Command::Site(args) = cli.command {
        return Ok(cinedesk_site::run(args).await?);
    }
    let cms = open(cli.data)?;
    match cli.command {
        Command::Serve {
            listen,
            ui,
            read_cache_mib,
            header_timeout,
            body_timeout,
            max_connections_per_address,
            trusted_proxies,
        } => {
            let limits = crate::Limits {
                header_timeout: Duration::from_secs(header_timeout),
                body_timeout: Duration::from_secs(body_timeout),
                max_connections_per_address,
            };
            serve(cms, listen, ui, read_cache_mib << 20, limits, trusted_proxies).await
        }
        Command::User(UserCommand::Add { alias, name, role, all_cinemas }) => {
            let password = password()?;
            let id = cms.create_user(
                &Actor::System,
                UserInput {
                    name: Some(name),
                    alias: Some(alias),
                    role: Some(role),
                    password: Some(password),
                    all_cinemas: all_cinemas.then_some(true),
                    ..Default::default()
                },
            )?;
            println!("{id}");
            Ok(())
        }
        Command::User(UserCommand::Passwd { alias }) => {
            let page =
                cms.list_users(&Actor::System, &UserQuery { alias: Some(alias.clone()), ..Default::default() })?;
            let user = page.item_list.into_iter().next().ok_or(CliError::NoSuchUser(alias))?;
            cms.update_user(
                &Actor::System,
                &user.user_id,
                UserInput { password: Some(password()?), ..Default::default() },
            )?;
            Ok(())
        }
        Command::User(UserCommand::List) => {
            let mut start = 0;
            loop {
                let paging = Paging::new(Some(start), Some(MAX_LIMIT))?;
                let page = cms.list_users(&Actor::System, &UserQuery { paging, ..Default::default() })?;
                for u in &page.item_list {
                    println!("{}\t{}\t{}\t{}", u.user_id, u.alias, u.role, u.name);
                }
                start += page.item_list.len() as u32;
                if page.item_list.is_empty() || u64::from(start) >= page.total_count {
                    return Ok(());
                }
            }
        }
        Command::Openapi => openapi().await,
        Command::Backup { .. } | Command::Restore { .. } | Command::Site(_) => {
            unreachable!("handled before the data dir is opened")
        }
    }
}

fn data_dir(data: Option<PathBuf>) -> Result<PathBuf, CliError> {
    Ok(match data {
        Some(dir) => dir,
        None => cinedesk_core::default_data_dir()?,
    })
}

fn print_json(report: &impl serde::Serialize) -> Result<(), CliError> {
    let json = serde_json::to_string_pretty(report).map_err(|e| cinedesk_core::Error::Internal(e.to_string()))?;
    println!("{json}");
    Ok(())
}

async fn serve(
    cms: Cms,
    listen: SocketAddr,
    ui: Option<PathBuf>,
    read_cache_bytes: usize,
    limits: crate::Limits,
    trusted_proxies: Vec<std::net::IpAddr>,
) -> Result<(), CliError> {
    if !cms.app_info()?.has_users {
        match std::env::var("CINEDESK_ADMIN_PASSWORD") {
            Ok(p) => {
                cms.create_first_admin(&Actor::System, "管理员", "admin", &p)?;
                tracing::info!("created the SYS_ADMIN user `admin` from CINEDESK_ADMIN_PASSWORD");
            }
            Err(_) => tracing::warn!(
                "no users yet: set CINEDESK_ADMIN_PASSWORD to create `admin`, or run `cinedesk user add --role SYS_ADMIN`"
            ),
        }
    }
    let ui = ui.or_else(|| Some(PathBuf::from("ui/dist")).filter(|d| d.join("index.html").is_file()));
    if let Some(dir) = &ui {
        tracing::info!(dir = %dir.display(), "serving the web UI at /");
    }
    let cms = Arc::new(cms);
    crate::backup_runner::start(Arc::clone(&cms), crate::backup_runner::SystemTimer);
    // Alerts: the time-based rules' timer and the webhook sender, beside the routes.
    crate::alert_runner::start(Arc::clone(&cms));
    let state = crate::AppState::new(cms).with_read_cache(read_cache_bytes).with_trusted_proxies(trusted_proxies);
    let app = crate::router_with_state(state, ui.as_deref());
    let stop = shutdown();
    let listener = tokio::net::TcpListener::bind(listen).await?;
    tracing::info!(addr = %listener.local_addr()?, "listening");
    crate::serve_with(listener, app, limits, stop).await?;
    tracing::info!("stopped");
    Ok(())
}

/// Resolves on SIGTERM (service managers) or Ctrl-C, letting requests in flight finish.
///
/// The handlers are installed when this is called, before the server logs that it listens: a
/// signal sent as soon as it says it is ready is then a clean shutdown, not the default action
/// (killed on the spot). A handler that cannot be installed never fires.
fn shutdown() -> impl std::future::Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, Signal, SignalKind};
        let term = signal(SignalKind::terminate()).ok();
        let interrupt = signal(SignalKind::interrupt()).ok();
        let fired = |s: Option<Signal>| async move {
            match s {
                Some(mut s) => {
                    s.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        };
        async move {
            tokio::select! {
                _ = fired(term) => {},
                _ = fired(interrupt) => {},
            }
        }
    }
    #[cfg(not(unix))]
    async {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Prints the document by asking the router for it, so that it is the served one and not a
/// second build of it. The router needs a core behind it, though the document depends on none of
/// its data: a throwaway one in a temporary directory, not the user's data dir.
async fn openapi() -> Result<(), CliError> {
    use tower::ServiceExt;
    let dir = tempfile::tempdir()?;
    let app = crate::router(Arc::new(Cms::open(dir.path())?));
    let request =
        axum::http::Request::get("/cms/openapi.json").body(axum::body::Body::empty()).map_err(std::io::Error::other)?;
    let response = app.oneshot(request).await.map_err(std::io::Error::other)?;
    if !response.status().is_success() {
        return Err(std::io::Error::other(format!("the router answered {} for its document", response.status())).into());
    }
    let body = axum::body::to_bytes(response.into_body(), usize::MAX).await.map_err(std::io::Error::other)?;
    std::io::Write::write_all(&mut std::io::stdout(), &body)?;
    println!();
    Ok(())
}
