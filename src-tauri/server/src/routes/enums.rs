//! Seed §8: system enumerations and installation settings; reading is for every user, editing for SYS_ADMIN.

use axum::extract::State;
use axum::routing::{get, put};
use axum::{Json, Router};
use cinedesk_core::{EnumKind, EnumValue, SysEnums};
use serde::Deserialize;
use serde_json::Value;

use super::done;
use crate::error::ApiResult;
use crate::extract::{JsonBody, PathParam};
use crate::state::AppState;

pub fn read_routes() -> Router<AppState> {
    Router::new().route("/cms/sys_params/enum", get(all)).route("/cms/settings", get(settings))
}

pub fn write_routes() -> Router<AppState> {
    Router::new()
        .route("/cms/sys_params/enum/{kind}/{id}", put(put_value).delete(delete_value))
        .route("/cms/settings", put(put_settings))
}

/// Installation settings: the URL template of seat QR codes.
async fn settings(State(s): State<AppState>) -> ApiResult<Json<Value>> {
    let template = s.run(|cms| cms.qr_template()).await?;
    Ok(Json(serde_json::json!({ "qrUrlTemplate": template })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SettingsBody {
    qr_url_template: Option<String>,
}

async fn put_settings(State(s): State<AppState>, JsonBody(body): JsonBody<SettingsBody>) -> ApiResult<Json<Value>> {
    if let Some(t) = body.qr_url_template {
        s.run(move |cms| cms.set_qr_template(&t)).await?;
    }
    Ok(done())
}

async fn all(State(s): State<AppState>) -> ApiResult<Json<SysEnums>> {
    Ok(Json(s.read(|cms| cms.sys_enums()).await?))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ValueBody {
    name: Option<String>,
    #[serde(default)]
    is_default: bool,
}

async fn put_value(
    State(s): State<AppState>,
    PathParam((kind, id)): PathParam<(String, String)>,
    JsonBody(body): JsonBody<ValueBody>,
) -> ApiResult<Json<Value>> {
    let kind = EnumKind::parse(&kind)?;
    let value = EnumValue { id, name: body.name.unwrap_or_default(), is_default: body.is_default };
    s.run(move |cms| cms.put_enum_value(kind, value)).await?;
    Ok(done())
}

async fn delete_value(
    State(s): State<AppState>,
    PathParam((kind, id)): PathParam<(String, String)>,
) -> ApiResult<Json<Value>> {
    let kind = EnumKind::parse(&kind)?;
    s.run(move |cms| cms.delete_enum_value(kind, &id)).await?;
    Ok(done())
}
