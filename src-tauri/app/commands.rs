//! The Tauri commands the UI calls: each parses its arguments, checks the session, and makes one core call.

use std::sync::Arc;

use cinedesk_core::{Capability, Cinema, CinemaInput, CinemaQuery, Cms, Page, Paging, Principal, Session, SysEnums};
use serde::{Deserialize, Serialize};
use tauri::State;

use crate::error::CommandResult;

/// What the commands share: the embedded CMS.
pub struct Desktop {
    pub cms: Arc<Cms>,
}

/// Runs a core call off the main thread: the core blocks on SQLite and argon2, and the main
/// thread drives the window.
async fn blocking<T: Send + 'static>(
    state: &State<'_, Desktop>,
    f: impl FnOnce(&Cms) -> cinedesk_core::Result<T> + Send + 'static,
) -> CommandResult<T> {
    let cms = Arc::clone(&state.cms);
    Ok(tauri::async_runtime::spawn_blocking(move || f(&cms)).await??)
}

/// The caller's session must be valid and allowed to operate the CMS.
fn operator(cms: &Cms, token: &str) -> cinedesk_core::Result<Principal> {
    let principal = cms.authenticate(token)?;
    principal.require(Capability::Operate)?;
    Ok(principal)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    version: &'static str,
    data_dir: String,
    has_users: bool,
    mode: &'static str,
}

#[tauri::command]
pub async fn app_info(state: State<'_, Desktop>) -> CommandResult<AppInfo> {
    blocking(&state, |cms| {
        Ok(AppInfo {
            version: env!("CARGO_PKG_VERSION"),
            data_dir: cms.data_dir().display().to_string(),
            has_users: cms.user_count()? > 0,
            mode: "embedded",
        })
    })
    .await
}

/// First run only: creates the system administrator and logs them in.
#[tauri::command]
pub async fn setup_admin(
    state: State<'_, Desktop>,
    name: String,
    alias: String,
    password: String,
) -> CommandResult<Session> {
    blocking(&state, move |cms| {
        cms.create_first_admin(&name, &alias, &password)?;
        cms.login(&alias, &password)
    })
    .await
}

#[tauri::command]
pub async fn login(state: State<'_, Desktop>, alias: String, password: String) -> CommandResult<Session> {
    blocking(&state, move |cms| cms.login(&alias, &password)).await
}

#[tauri::command]
pub async fn logout(state: State<'_, Desktop>, token: String) -> CommandResult<()> {
    blocking(&state, move |cms| cms.logout(&token)).await
}

#[tauri::command]
pub async fn sys_enums(state: State<'_, Desktop>, token: String) -> CommandResult<SysEnums> {
    blocking(&state, move |cms| {
        operator(cms, &token)?;
        cms.sys_enums()
    })
    .await
}

/// The cinema list's filters, named as on the wire.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CinemaListQuery {
    #[serde(rename = "regionID")]
    region_id: Option<String>,
    cinema_code: Option<String>,
    #[serde(rename = "cinemaID", default)]
    cinema_id: Vec<String>,
    name: Option<String>,
    start: Option<u32>,
    limit: Option<u32>,
}

#[tauri::command]
pub async fn list_cinemas(
    state: State<'_, Desktop>,
    token: String,
    query: CinemaListQuery,
) -> CommandResult<Page<Cinema>> {
    blocking(&state, move |cms| {
        operator(cms, &token)?;
        cms.list_cinemas(&CinemaQuery {
            region_id: query.region_id,
            cinema_ids: query.cinema_id,
            cinema_code: query.cinema_code,
            name: query.name,
            paging: Paging::new(query.start, query.limit)?,
        })
    })
    .await
}

#[derive(Serialize)]
pub struct CreatedCinema {
    #[serde(rename = "cinemaID")]
    cinema_id: String,
}

#[tauri::command]
pub async fn create_cinema(
    state: State<'_, Desktop>,
    token: String,
    input: CinemaInput,
) -> CommandResult<CreatedCinema> {
    blocking(&state, move |cms| {
        operator(cms, &token)?;
        Ok(CreatedCinema { cinema_id: cms.create_cinema(input)? })
    })
    .await
}
