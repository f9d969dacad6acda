//! Seed §8: system enumerations; reading is for every user, editing for SYS_ADMIN.

use axum::extract::{Path, State};
use axum::routing::{get, put};
use axum::{Json, Router};
use cinedesk_core::{EnumKind, EnumValue, SysEnums};
use serde::Deserialize;
use serde_json::Value;

use super::done;
use crate::error::ApiResult;
use crate::extract::JsonBody;
use crate::state::AppState;

pub fn read_routes() -> Router<AppState> {
    Router::new().route("/cms/sys_params/enum", get(all))
}

pub fn write_routes() -> Router<AppState> {
    Router::new().route("/cms/sys_params/enum/{kind}/{id}", put(put_value).delete(delete_value))
}

async fn all(State(s): State<AppState>) -> ApiResult<Json<SysEnums>> {
    Ok(Json(s.run(|cms| cms.sys_enums()).await?))
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
    Path((kind, id)): Path<(String, String)>,
    JsonBody(body): JsonBody<ValueBody>,
) -> ApiResult<Json<Value>> {
    let kind = EnumKind::parse(&kind)?;
    let value = EnumValue { id, name: body.name.unwrap_or_default(), is_default: body.is_default };
    s.run(move |cms| cms.put_enum_value(kind, value)).await?;
    Ok(done())
}

async fn delete_value(State(s): State<AppState>, Path((kind, id)): Path<(String, String)>) -> ApiResult<Json<Value>> {
    let kind = EnumKind::parse(&kind)?;
    s.run(move |cms| cms.delete_enum_value(kind, &id)).await?;
    Ok(done())
}
