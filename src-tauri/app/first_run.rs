//! What the UI asks before anyone logs in: what it is talking to (`app_info`), and on a fresh
//! embedded database the first administrator (`setup_admin`).

use std::sync::Arc;

use cinedesk_core::{Actor, LoginFrom, Session, Via};
use serde::Serialize;

use crate::error::CommandError;
use crate::protocol::api_base;
use crate::settings::Mode;
use crate::shell::Shell;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    version: &'static str,
    mode: Mode,
    /// Where the UI's HTTP transport points: the `cinedesk` scheme in this webview.
    api_base: &'static str,
    has_users: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    data_dir: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    server_url: Option<String>,
    /// Remote mode: why the server could not be asked (the UI shows it on the login page).
    #[serde(skip_serializing_if = "Option::is_none")]
    server_error: Option<String>,
}

impl Shell {
    /// The core's own answer (the one `GET /cms/app_info` gives) or the server's, with the
    /// desktop's additions. A server out of reach still gets the UI to its login page (and its
    /// settings) with the reason, instead of a dead first screen.
    pub async fn app_info(&self) -> Result<AppInfo, CommandError> {
        let settings = self.settings();
        let mut info = AppInfo {
            version: env!("CARGO_PKG_VERSION"),
            mode: settings.mode,
            api_base: api_base(),
            has_users: true,
            data_dir: None,
            server_url: None,
            server_error: None,
        };
        match settings.mode {
            Mode::Embedded => {
                let cms = Arc::clone(&self.embedded().map_err(CommandError::no_backend)?.cms);
                info.data_dir = Some(cms.data_dir().display().to_string());
                info.has_users = blocking(move || cms.app_info()).await?.has_users;
            }
            Mode::Remote => {
                info.server_url = settings.server_url.clone();
                match self.upstream().server_info().await {
                    Ok(has_users) => info.has_users = has_users,
                    Err(reason) => info.server_error = Some(reason),
                }
            }
        }
        Ok(info)
    }

    /// First run of the embedded database only: creates the system administrator and logs them
    /// in. A server never offers this over the network (its first admin is made on the server
    /// itself), so remote mode refuses.
    pub async fn setup_admin(&self, name: String, alias: String, password: String) -> Result<Session, CommandError> {
        if self.settings().mode != Mode::Embedded {
            return Err(CommandError {
                code: cinedesk_core::Code::Forbidden,
                info: "remote mode: the server's administrator is created on the server".into(),
                field: None,
            });
        }
        let cms = Arc::clone(&self.embedded().map_err(CommandError::no_backend)?.cms);
        blocking(move || {
            // First-run setup is the machine's own act: nobody is logged in yet.
            cms.create_first_admin(&Actor::System, &name, &alias, &password)?;
            cms.login_from(&LoginFrom { via: Via::Desktop, ..Default::default() }, &alias, &password)
        })
        .await
    }
}

/// Runs a core call off the async runtime (SQLite, argon2).
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> cinedesk_core::Result<T> + Send + 'static,
) -> Result<T, CommandError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| CommandError::internal(format!("the core call failed: {e}")))?
        .map_err(CommandError::from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Settings;

    async fn setup(shell: &Shell, password: &str) -> Result<Session, CommandError> {
        shell.setup_admin("管理员".into(), "admin".into(), password.into()).await
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn embedded_app_info_says_whether_anyone_can_log_in_and_where_the_data_lives() {
        let dir = tempfile::tempdir().unwrap();
        let shell = Shell::open(dir.path().to_path_buf()).unwrap();
        let info = shell.app_info().await.unwrap();
        assert_eq!((info.has_users, info.mode), (false, Mode::Embedded), "a fresh install asks for its first admin");
        assert_eq!(info.data_dir.as_deref(), dir.path().to_str(), "the UI shows where data lives");
        assert_eq!(info.version, env!("CARGO_PKG_VERSION"));
        setup(&shell, "first password").await.unwrap();
        assert!(shell.app_info().await.unwrap().has_users);
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn first_run_setup_leaves_the_admin_logged_in_and_runs_once() {
        let dir = tempfile::tempdir().unwrap();
        let shell = Shell::open(dir.path().to_path_buf()).unwrap();
        let short = setup(&shell, "short").await.unwrap_err();
        assert_eq!(short.field.as_deref(), Some("password"), "the password rule holds on first run too");
        let session = setup(&shell, "first password").await.unwrap();
        assert_eq!(session.role, cinedesk_core::ROLE_SYS_ADMIN);
        let cms = &shell.embedded().unwrap().cms;
        assert_eq!(cms.authenticate(&session.token).unwrap().user_id, session.user_id, "the session is live");
        let again = setup(&shell, "first password").await.unwrap_err();
        assert_eq!(again.code, "forbidden", "first-run setup cannot be replayed");
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn remote_mode_refuses_setup_and_names_a_server_out_of_reach() {
        let dir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let url = format!("http://127.0.0.1:{port}");
        Settings { mode: Mode::Remote, server_url: Some(url.clone()), ..Default::default() }.save(dir.path()).unwrap();
        let shell = Shell::open(dir.path().to_path_buf()).unwrap();
        let err = setup(&shell, "first password").await.unwrap_err();
        assert_eq!(err.code, "forbidden", "a server's first administrator is made on the server: {}", err.info);
        let info = shell.app_info().await.unwrap();
        assert_eq!((info.mode, info.server_url.as_deref()), (Mode::Remote, Some(url.as_str())));
        assert!(info.server_error.unwrap().contains("cannot reach"), "the login page says why");
    }
}
