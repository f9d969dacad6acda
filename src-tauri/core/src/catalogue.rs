//! Headset (HMD) and motion-seat model catalogues (seed §9, §10); seats name their models by code.

use rusqlite::{params, OptionalExtension, Row, Transaction};
use serde::{Deserialize, Serialize};

use crate::actor::{Actor, Capability};
use crate::error::{unique_to_conflict, Error, Result};
use crate::ids::{new_id, now_ms};
use crate::query::{self, Page, Paging, Where};
use crate::validate::{self, MAX_CODE, MAX_TEXT};
use crate::{Cms, Entity};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct HmdModel {
    #[serde(rename = "hmdModelID")]
    pub hmd_model_id: String,
    pub model_code: String,
    pub name: String,
    pub vendor: Option<String>,
    pub description: Option<String>,
    /// Per-eye resolution, e.g. "2160x2160".
    pub resolution: Option<String>,
    pub refresh_rate_hz: Option<i64>,
    pub field_of_view_deg: Option<i64>,
    pub weight_g: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"modelCode": "hmd109", "name": "Vive Pro", "vendor": "HTC", "resolution": "1440x1600", "refreshRateHz": 90, "fieldOfViewDeg": 110, "weightG": 555})))]
#[serde(rename_all = "camelCase")]
pub struct HmdModelInput {
    pub model_code: Option<String>,
    pub name: Option<String>,
    pub vendor: Option<String>,
    pub description: Option<String>,
    pub resolution: Option<String>,
    pub refresh_rate_hz: Option<i64>,
    pub field_of_view_deg: Option<i64>,
    pub weight_g: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SeatModel {
    #[serde(rename = "seatModelID")]
    pub seat_model_id: String,
    pub model_code: String,
    pub name: String,
    pub vendor: Option<String>,
    pub description: Option<String>,
    /// 2, 3 or 6 degrees of freedom of the motion platform.
    pub degrees_of_freedom: Option<i64>,
    pub max_load_kg: Option<i64>,
    /// Effects the seat can play: WIND, VIBRATION, WATER, SCENT, LEG_SWEEP, BACK_POKE, HEAT, SNOW.
    pub effects: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"modelCode": "vr0109", "name": "双人动感座椅", "vendor": "X立方", "degreesOfFreedom": 3, "maxLoadKg": 120, "effects": ["WIND", "VIBRATION"]})))]
#[serde(rename_all = "camelCase")]
pub struct SeatModelInput {
    pub model_code: Option<String>,
    pub name: Option<String>,
    pub vendor: Option<String>,
    pub description: Option<String>,
    pub degrees_of_freedom: Option<i64>,
    pub max_load_kg: Option<i64>,
    pub effects: Option<Vec<String>>,
}

pub const SEAT_EFFECTS: [&str; 8] = ["WIND", "VIBRATION", "WATER", "SCENT", "LEG_SWEEP", "BACK_POKE", "HEAT", "SNOW"];

/// Filters shared by both catalogues.
#[derive(Debug, Clone, Default)]
pub struct ModelQuery {
    pub ids: Vec<String>,
    pub model_code: Option<String>,
    pub name: Option<String>,
    pub vendor: Option<String>,
    pub paging: Paging,
}

/// What differs between the two catalogue tables.
struct Table {
    name: &'static str,
    entity: Entity,
    /// The vr_clients column that references a model code.
    seat_column: &'static str,
}

const HMD: Table = Table { name: "hmd_models", entity: Entity::HmdModel, seat_column: "hmd_model" };
const SEAT: Table = Table { name: "seat_models", entity: Entity::SeatModel, seat_column: "seat_model" };

fn positive(field: &str, v: Option<i64>, max: i64) -> Result<Option<i64>> {
    match v {
        Some(n) if n <= 0 || n > max => Err(Error::invalid(field, format!("must be between 1 and {max}"))),
        other => Ok(other),
    }
}

struct Common {
    code: String,
    name: String,
    vendor: Option<String>,
    description: Option<String>,
}

fn common(code: Option<String>, name: Option<String>, vendor: Option<String>, desc: Option<String>) -> Result<Common> {
    Ok(Common {
        code: validate::code("modelCode", &validate::required("modelCode", code)?, MAX_CODE)?,
        name: validate::text("name", &validate::required("name", name)?, MAX_TEXT)?,
        vendor: validate::opt_text("vendor", vendor.as_deref(), MAX_TEXT)?,
        description: validate::opt_text("description", desc.as_deref(), MAX_TEXT)?,
    })
}

fn list_models<T>(
    cms: &Cms,
    table: &Table,
    columns: &str,
    q: &ModelQuery,
    map: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<Page<T>> {
    let mut w = Where::default();
    w.any_of("id", &q.ids)
        .eq("code", q.model_code.as_deref())
        .contains("name", q.name.as_deref())
        .contains("vendor", q.vendor.as_deref());
    cms.db.read(|tx| query::page(tx, columns, table.name, &w, "code", q.paging, map))
}

/// Deletes models no seat uses, all or nothing.
fn delete_models(cms: &Cms, table: &Table, ids: &[String]) -> Result<()> {
    let ids = validate::id_list("id", ids)?;
    cms.db.write(|tx| {
        query::ensure_all_exist(tx, table.name, &ids, table.entity)?;
        for id in &ids {
            let (code, users): (String, i64) = tx.query_row(
                &format!(
                    "SELECT m.code, (SELECT count(*) FROM vr_clients v WHERE v.{} = m.code) FROM {} m WHERE m.id = ?",
                    table.seat_column, table.name
                ),
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            if users > 0 {
                return Err(Error::InUse(format!("{} {code} is used by {users} seat(s)", table.entity)));
            }
            tx.execute(&format!("DELETE FROM {} WHERE id = ?", table.name), [id])?;
        }
        Ok(())
    })
}

fn get_by_id<T>(
    tx: &Transaction<'_>,
    table: &Table,
    columns: &str,
    id: &str,
    map: impl FnOnce(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<T> {
    tx.query_row(&format!("SELECT {columns} FROM {} WHERE id = ?", table.name), [id], map)
        .optional()?
        .ok_or_else(|| Error::not_found(table.entity, id))
}

const HMD_COLUMNS: &str =
    "id, code, name, vendor, description, resolution, refresh_rate_hz, field_of_view_deg, weight_g";

fn hmd_row(r: &Row<'_>) -> rusqlite::Result<HmdModel> {
    Ok(HmdModel {
        hmd_model_id: r.get(0)?,
        model_code: r.get(1)?,
        name: r.get(2)?,
        vendor: r.get(3)?,
        description: r.get(4)?,
        resolution: r.get(5)?,
        refresh_rate_hz: r.get(6)?,
        field_of_view_deg: r.get(7)?,
        weight_g: r.get(8)?,
    })
}

const SEAT_COLUMNS: &str = "id, code, name, vendor, description, degrees_of_freedom, max_load_kg, effects";

fn seat_row(r: &Row<'_>) -> rusqlite::Result<SeatModel> {
    let effects: String = r.get(7)?;
    Ok(SeatModel {
        seat_model_id: r.get(0)?,
        model_code: r.get(1)?,
        name: r.get(2)?,
        vendor: r.get(3)?,
        description: r.get(4)?,
        degrees_of_freedom: r.get(5)?,
        max_load_kg: r.get(6)?,
        effects: effects.split(',').filter(|e| !e.is_empty()).map(str::to_string).collect(),
    })
}

fn resolution(v: Option<&str>) -> Result<Option<String>> {
    let v = validate::opt_text("resolution", v, 32)?;
    if let Some(r) = &v {
        let ok = r
            .split_once(['x', 'X', '*'])
            .is_some_and(|(w, h)| w.parse::<u32>().is_ok_and(|w| w > 0) && h.parse::<u32>().is_ok_and(|h| h > 0));
        if !ok {
            return Err(Error::invalid("resolution", "must look like 2160x2160"));
        }
    }
    Ok(v)
}

fn effects(v: Option<Vec<String>>) -> Result<String> {
    let mut out: Vec<String> = Vec::new();
    for e in v.unwrap_or_default() {
        let e = e.trim().to_ascii_uppercase();
        if !SEAT_EFFECTS.contains(&e.as_str()) {
            return Err(Error::invalid("effects", format!("unknown effect {e:?}; known: {}", SEAT_EFFECTS.join(", "))));
        }
        if !out.contains(&e) {
            out.push(e);
        }
    }
    Ok(out.join(","))
}

fn dof(v: Option<i64>) -> Result<Option<i64>> {
    match v {
        Some(n) if ![2, 3, 6].contains(&n) => Err(Error::invalid("degreesOfFreedom", "must be 2, 3 or 6")),
        other => Ok(other),
    }
}

impl Cms {
    pub fn create_hmd_model(&self, actor: &Actor, input: HmdModelInput) -> Result<String> {
        actor.require(Capability::Operate)?;
        self.save_hmd_model(None, input)
    }

    pub fn update_hmd_model(&self, actor: &Actor, id: &str, patch: HmdModelInput) -> Result<()> {
        actor.require(Capability::Operate)?;
        self.save_hmd_model(Some(id), patch).map(drop)
    }

    fn save_hmd_model(&self, id: Option<&str>, input: HmdModelInput) -> Result<String> {
        self.db.write(|tx| {
            let input = match id {
                None => input,
                Some(id) => {
                    let b = get_by_id(tx, &HMD, HMD_COLUMNS, id, hmd_row)?;
                    HmdModelInput {
                        model_code: input.model_code.or(Some(b.model_code)),
                        name: input.name.or(Some(b.name)),
                        vendor: input.vendor.or(b.vendor),
                        description: input.description.or(b.description),
                        resolution: input.resolution.or(b.resolution),
                        refresh_rate_hz: input.refresh_rate_hz.or(b.refresh_rate_hz),
                        field_of_view_deg: input.field_of_view_deg.or(b.field_of_view_deg),
                        weight_g: input.weight_g.or(b.weight_g),
                    }
                }
            };
            let c = common(input.model_code, input.name, input.vendor, input.description)?;
            let res = resolution(input.resolution.as_deref())?;
            let hz = positive("refreshRateHz", input.refresh_rate_hz, 1000)?;
            let fov = positive("fieldOfViewDeg", input.field_of_view_deg, 360)?;
            let weight = positive("weightG", input.weight_g, 10_000)?;
            let new_id = id.map(str::to_string).unwrap_or_else(new_id);
            tx.execute(
                "INSERT INTO hmd_models(id, code, name, vendor, description, resolution, refresh_rate_hz, field_of_view_deg,
                 weight_g, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                 ON CONFLICT(id) DO UPDATE SET code = ?2, name = ?3, vendor = ?4, description = ?5, resolution = ?6,
                 refresh_rate_hz = ?7, field_of_view_deg = ?8, weight_g = ?9",
                params![new_id, c.code, c.name, c.vendor, c.description, res, hz, fov, weight, now_ms()],
            )
            .map_err(|e| unique_to_conflict(e, "modelCode", &c.code))?;
            Ok(new_id)
        })
    }

    pub fn list_hmd_models(&self, actor: &Actor, q: &ModelQuery) -> Result<Page<HmdModel>> {
        actor.require(Capability::Operate)?;
        list_models(self, &HMD, HMD_COLUMNS, q, hmd_row)
    }

    pub fn delete_hmd_models(&self, actor: &Actor, ids: &[String]) -> Result<()> {
        actor.require(Capability::Operate)?;
        delete_models(self, &HMD, ids)
    }

    pub fn create_seat_model(&self, actor: &Actor, input: SeatModelInput) -> Result<String> {
        actor.require(Capability::Operate)?;
        self.save_seat_model(None, input)
    }

    pub fn update_seat_model(&self, actor: &Actor, id: &str, patch: SeatModelInput) -> Result<()> {
        actor.require(Capability::Operate)?;
        self.save_seat_model(Some(id), patch).map(drop)
    }

    fn save_seat_model(&self, id: Option<&str>, input: SeatModelInput) -> Result<String> {
        self.db.write(|tx| {
            let input = match id {
                None => input,
                Some(id) => {
                    let b = get_by_id(tx, &SEAT, SEAT_COLUMNS, id, seat_row)?;
                    SeatModelInput {
                        model_code: input.model_code.or(Some(b.model_code)),
                        name: input.name.or(Some(b.name)),
                        vendor: input.vendor.or(b.vendor),
                        description: input.description.or(b.description),
                        degrees_of_freedom: input.degrees_of_freedom.or(b.degrees_of_freedom),
                        max_load_kg: input.max_load_kg.or(b.max_load_kg),
                        effects: input.effects.or(Some(b.effects)),
                    }
                }
            };
            let c = common(input.model_code, input.name, input.vendor, input.description)?;
            let dof = dof(input.degrees_of_freedom)?;
            let load = positive("maxLoadKg", input.max_load_kg, 1000)?;
            let effects = effects(input.effects)?;
            let new_id = id.map(str::to_string).unwrap_or_else(new_id);
            tx.execute(
                "INSERT INTO seat_models(id, code, name, vendor, description, degrees_of_freedom, max_load_kg, effects,
                 created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT(id) DO UPDATE SET code = ?2, name = ?3, vendor = ?4, description = ?5,
                 degrees_of_freedom = ?6, max_load_kg = ?7, effects = ?8",
                params![new_id, c.code, c.name, c.vendor, c.description, dof, load, effects, now_ms()],
            )
            .map_err(|e| unique_to_conflict(e, "modelCode", &c.code))?;
            Ok(new_id)
        })
    }

    pub fn list_seat_models(&self, actor: &Actor, q: &ModelQuery) -> Result<Page<SeatModel>> {
        actor.require(Capability::Operate)?;
        list_models(self, &SEAT, SEAT_COLUMNS, q, seat_row)
    }

    pub fn delete_seat_models(&self, actor: &Actor, ids: &[String]) -> Result<()> {
        actor.require(Capability::Operate)?;
        delete_models(self, &SEAT, ids)
    }
}
