//! Halls (seed §2): a cinema's screening rooms; deleting one takes its seats with it.

use rusqlite::{params, OptionalExtension, Row, Transaction};
use serde::{Deserialize, Serialize};

use crate::actor::{Actor, Capability};
use crate::error::{unique_to_conflict, Error, Result};
use crate::ids::{new_id, now_ms};
use crate::query::{self, Page, Paging, Where};
use crate::validate::{self, MAX_CODE, MAX_TEXT};
use crate::{Cms, Entity, Table};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Hall {
    #[serde(rename = "hallID")]
    pub hall_id: String,
    pub hall_code: String,
    pub name: String,
    #[serde(rename = "cinemaID")]
    pub cinema_id: String,
    pub number_of_seats: i64,
}

/// Body of create and update; on update an absent field keeps its value.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct HallInput {
    pub hall_code: Option<String>,
    pub name: Option<String>,
    #[serde(rename = "cinemaID")]
    pub cinema_id: Option<String>,
    pub number_of_seats: Option<i64>,
}

#[derive(Debug, Clone, Default)]
pub struct HallQuery {
    pub cinema_id: Option<String>,
    pub hall_ids: Vec<String>,
    pub hall_code: Option<String>,
    pub paging: Paging,
}

impl HallQuery {
    /// What a list of halls reads, for an adapter that keeps its answers ([`Cms::data_stamp`]).
    pub const READS: &'static [Table] = &[Table::Halls];
}

struct Valid {
    code: String,
    name: String,
    cinema: String,
    seats: i64,
}

fn validated(tx: &Transaction<'_>, input: HallInput) -> Result<Valid> {
    let code = validate::code("hallCode", &validate::required("hallCode", input.hall_code)?, MAX_CODE)?;
    let name = validate::text("name", &validate::required("name", input.name)?, MAX_TEXT)?;
    let cinema = validate::required("cinemaID", input.cinema_id)?.trim().to_string();
    let seats = validate::non_negative("numberOfSeats", validate::required("numberOfSeats", input.number_of_seats)?)?;
    if !tx.prepare_cached("SELECT 1 FROM cinemas WHERE id = ?")?.exists([&cinema])? {
        return Err(Error::invalid("cinemaID", format!("no cinema has id {cinema:?}")));
    }
    Ok(Valid { code, name, cinema, seats })
}

const COLUMNS: &str = "id, code, name, cinema_id, number_of_seats";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Hall> {
    Ok(Hall {
        hall_id: r.get(0)?,
        hall_code: r.get(1)?,
        name: r.get(2)?,
        cinema_id: r.get(3)?,
        number_of_seats: r.get(4)?,
    })
}

pub(crate) fn get(tx: &Transaction<'_>, id: &str) -> Result<Hall> {
    tx.prepare_cached(&format!("SELECT {COLUMNS} FROM halls WHERE id = ?"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| Error::not_found(Entity::Hall, id))
}

impl Cms {
    pub fn create_hall(&self, actor: &Actor, input: HallInput) -> Result<String> {
        actor.require(Capability::Operate)?;
        self.db.write(|tx| {
            let v = validated(tx, input)?;
            let id = new_id();
            tx.prepare_cached(
                "INSERT INTO halls(id, code, name, cinema_id, number_of_seats, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            )?
            .execute(params![id, v.code, v.name, v.cinema, v.seats, now_ms()])
            .map_err(|e| unique_to_conflict(e, "hallCode", &v.code))?;
            Ok(id)
        })
    }

    /// Updates a hall; moving it to another cinema moves its seats too (a trigger keeps them in step).
    pub fn update_hall(&self, actor: &Actor, id: &str, patch: HallInput) -> Result<()> {
        actor.require(Capability::Operate)?;
        self.db.write(|tx| {
            let base = get(tx, id)?;
            let merged = HallInput {
                hall_code: patch.hall_code.or(Some(base.hall_code)),
                name: patch.name.or(Some(base.name)),
                cinema_id: patch.cinema_id.or(Some(base.cinema_id)),
                number_of_seats: patch.number_of_seats.or(Some(base.number_of_seats)),
            };
            let v = validated(tx, merged)?;
            tx.prepare_cached("UPDATE halls SET code = ?, name = ?, cinema_id = ?, number_of_seats = ? WHERE id = ?")?
                .execute(params![v.code, v.name, v.cinema, v.seats, id])
                .map_err(|e| unique_to_conflict(e, "hallCode", &v.code))?;
            Ok(())
        })
    }

    pub fn get_hall(&self, actor: &Actor, id: &str) -> Result<Hall> {
        actor.require(Capability::Operate)?;
        self.db.read(|tx| get(tx, id))
    }

    pub fn list_halls(&self, actor: &Actor, q: &HallQuery) -> Result<Page<Hall>> {
        actor.require(Capability::Operate)?;
        let mut w = Where::default();
        w.eq("cinema_id", q.cinema_id.as_deref()).any_of("id", &q.hall_ids).eq("code", q.hall_code.as_deref());
        self.db.read(|tx| query::page(tx, COLUMNS, "halls", &w, "cinema_id, code", q.paging, from_row))
    }

    /// Deletes halls and their seats, all or nothing.
    pub fn delete_halls(&self, actor: &Actor, ids: &[String]) -> Result<()> {
        actor.require(Capability::Operate)?;
        let ids = validate::id_list("hall_id", ids)?;
        self.db.write(|tx| {
            query::ensure_all_exist(tx, "halls", &ids, Entity::Hall)?;
            let mut stmt = tx.prepare_cached("DELETE FROM halls WHERE id = ?")?;
            for id in &ids {
                stmt.execute([id])?;
            }
            Ok(())
        })
    }
}
