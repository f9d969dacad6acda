//! Seed §8: system enumerations and installation settings; reading is for every user, editing for SYS_ADMIN.

use axum::extract::State;
use axum::Json;
use cinedesk_core::{EnumKind, EnumValue, Settings, SettingsChange, SysEnums};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::done::{done, Done};
use crate::auth::LoggedIn;
use crate::error::ApiResult;
use crate::extract::{JsonBody, PathParam};
use crate::openapi::ErrorBody;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(all))
        .routes(routes!(settings, put_settings))
        .routes(routes!(put_value, delete_value))
}

#[utoipa::path(get, path = "/cms/settings", tag = "settings", operation_id = "get_settings",
    responses((status = 200, description = "The installation's settings", body = Settings)))]
async fn settings(State(s): State<AppState>, session: LoggedIn) -> ApiResult<Json<Settings>> {
    Ok(Json(s.read(move |cms| cms.settings(&session.actor)).await?))
}

/// Settings to change; an absent one keeps its value.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SettingsInput {
    /// Must contain `{sceneNumber}` and `{qrToken}` once each, with some text between them.
    qr_url_template: Option<String>,
    /// Days the audit log keeps an entry, 1 to 36500; older entries go at once.
    #[schema(minimum = 1, maximum = 36500)]
    audit_retention_days: Option<u32>,
    /// Seconds without a report after which a seat shows as offline.
    #[schema(minimum = 60, maximum = 86400)]
    seat_offline_seconds: Option<u32>,
    /// GiB of free disk under which the dashboard warns (0: never).
    #[schema(maximum = 1000000)]
    storage_warn_free_gib: Option<u32>,
}

/// All or none.
#[utoipa::path(put, path = "/cms/settings", tag = "settings", operation_id = "put_settings",
    security(("bearer" = ["SYS_ADMIN"])),
    request_body = SettingsInput,
    responses((status = 200, description = "Saved", body = Done)))]
async fn put_settings(
    State(s): State<AppState>,
    session: LoggedIn,
    JsonBody(body): JsonBody<SettingsInput>,
) -> ApiResult<Json<Done>> {
    let change = SettingsChange {
        qr_url_template: body.qr_url_template,
        seat_offline_seconds: body.seat_offline_seconds,
        audit_retention_days: body.audit_retention_days,
        storage_warn_free_gib: body.storage_warn_free_gib,
    };
    s.run(move |cms| cms.update_settings(&session.actor, change)).await?;
    Ok(done())
}

/// Seed §8, plus the fixed film types.
#[utoipa::path(get, path = "/cms/sys_params/enum", tag = "settings", operation_id = "get_enums",
    responses((status = 200, description = "Every enumeration", body = SysEnums)))]
async fn all(State(s): State<AppState>, session: LoggedIn) -> ApiResult<Json<SysEnums>> {
    Ok(Json(s.read(move |cms| cms.sys_enums(&session.actor)).await?))
}

/// A value of an enumeration, as added or renamed.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct EnumValueInput {
    name: Option<String>,
    /// Whether new records get this value when they name none.
    #[serde(default)]
    is_default: bool,
}

/// Adds the value `id` to the enumeration `kind`, or renames it.
#[utoipa::path(put, path = "/cms/sys_params/enum/{kind}/{id}", tag = "settings", operation_id = "put_enum_value",
    security(("bearer" = ["SYS_ADMIN"])),
    params(("kind" = inline(EnumKind), Path), ("id" = String, Path)),
    request_body = EnumValueInput,
    responses((status = 200, description = "Saved", body = Done)))]
async fn put_value(
    State(s): State<AppState>,
    session: LoggedIn,
    PathParam((kind, id)): PathParam<(String, String)>,
    JsonBody(body): JsonBody<EnumValueInput>,
) -> ApiResult<Json<Done>> {
    let kind = EnumKind::parse(&kind)?;
    let value = EnumValue { id, name: body.name.unwrap_or_default(), is_default: body.is_default };
    s.run(move |cms| cms.put_enum_value(&session.actor, kind, value)).await?;
    Ok(done())
}

#[utoipa::path(delete, path = "/cms/sys_params/enum/{kind}/{id}", tag = "settings", operation_id = "delete_enum_value",
    security(("bearer" = ["SYS_ADMIN"])),
    params(("kind" = inline(EnumKind), Path), ("id" = String, Path)),
    responses(
        (status = 200, description = "Deleted", body = Done),
        (status = 404, description = "No such value", body = ErrorBody),
        (status = 409, description = "Still used by records, or a fixed role", body = ErrorBody),
    ))]
async fn delete_value(
    State(s): State<AppState>,
    session: LoggedIn,
    PathParam((kind, id)): PathParam<(String, String)>,
) -> ApiResult<Json<Done>> {
    let kind = EnumKind::parse(&kind)?;
    s.run(move |cms| cms.delete_enum_value(&session.actor, kind, &id)).await?;
    Ok(done())
}
