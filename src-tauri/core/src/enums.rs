//! System enumerations of seed §8 (countries, film categories, regions, roles) and film types.

use rusqlite::{OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

use crate::actor::{Actor, Capability};
use crate::error::{Error, Result};
use crate::{validate, Cms, Entity};

/// The editable enumeration kinds, with their list names on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EnumKind {
    MovieCountry,
    MovieCategory,
    CinemaRegion,
    UserRole,
}

impl EnumKind {
    pub const ALL: [EnumKind; 4] =
        [EnumKind::MovieCountry, EnumKind::MovieCategory, EnumKind::CinemaRegion, EnumKind::UserRole];

    pub fn as_str(self) -> &'static str {
        match self {
            EnumKind::MovieCountry => "MOVIE_COUNTRY",
            EnumKind::MovieCategory => "MOVIE_CATEGORY",
            EnumKind::CinemaRegion => "CINEMA_REGION",
            EnumKind::UserRole => "USER_ROLE",
        }
    }

    pub fn parse(s: &str) -> Result<EnumKind> {
        EnumKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| Error::invalid("kind", "must be MOVIE_COUNTRY, MOVIE_CATEGORY, CINEMA_REGION or USER_ROLE"))
    }

    /// The wire field a value of this kind is given in, for error messages.
    fn field(self) -> &'static str {
        match self {
            EnumKind::MovieCountry => "country",
            EnumKind::MovieCategory => "category",
            EnumKind::CinemaRegion => "regionID",
            EnumKind::UserRole => "role",
        }
    }
}

/// One value of an enumeration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct EnumValue {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub is_default: bool,
}

/// `GET /cms/sys_params/enum` as the seed shapes it, plus the fixed film types.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SysEnums {
    pub movie_country_list: Vec<EnumValue>,
    pub movie_category_list: Vec<EnumValue>,
    pub cinema_region_list: Vec<EnumValue>,
    pub user_role_list: Vec<EnumValue>,
    pub movie_type_list: Vec<EnumValue>,
}

/// Film types are fixed by the seed (MOVIE / GUIDE / AD): code depends on them.
pub const MOVIE_TYPES: [(&str, &str); 3] = [("MOVIE", "电影"), ("GUIDE", "前导片"), ("AD", "广告")];
/// Roles are fixed too; only their display names are editable.
pub const ROLE_SYS_ADMIN: &str = "SYS_ADMIN";
pub const ROLE_MANAGER: &str = "MANAGER";

/// Fails unless `id` is a member of `kind`.
pub(crate) fn ensure_member(tx: &Transaction<'_>, kind: EnumKind, id: &str) -> Result<()> {
    let found = tx.prepare_cached("SELECT 1 FROM sys_enums WHERE kind = ? AND id = ?")?.exists([kind.as_str(), id])?;
    if !found {
        return Err(Error::invalid(kind.field(), format!("unknown value {id:?}")));
    }
    Ok(())
}

/// Splits a comma list ("ACTION,SCIENCE"), checks each against `kind`, and returns it
/// normalised (trimmed, no duplicates, order kept).
pub(crate) fn member_list(tx: &Transaction<'_>, kind: EnumKind, list: &str) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for part in list.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        ensure_member(tx, kind, part)?;
        if !out.iter().any(|o| o == part) {
            out.push(part.to_string());
        }
    }
    if out.is_empty() {
        return Err(Error::invalid(kind.field(), "give at least one value"));
    }
    Ok(out)
}

fn list(tx: &Transaction<'_>, kind: EnumKind) -> Result<Vec<EnumValue>> {
    let mut stmt = tx.prepare_cached("SELECT id, name, is_default FROM sys_enums WHERE kind = ? ORDER BY sort, id")?;
    let rows = stmt
        .query_map([kind.as_str()], |r| Ok(EnumValue { id: r.get(0)?, name: r.get(1)?, is_default: r.get(2)? }))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

impl Cms {
    pub fn sys_enums(&self, actor: &Actor) -> Result<SysEnums> {
        actor.require(Capability::Operate)?;
        self.db.read(|tx| {
            Ok(SysEnums {
                movie_country_list: list(tx, EnumKind::MovieCountry)?,
                movie_category_list: list(tx, EnumKind::MovieCategory)?,
                cinema_region_list: list(tx, EnumKind::CinemaRegion)?,
                user_role_list: list(tx, EnumKind::UserRole)?,
                movie_type_list: MOVIE_TYPES
                    .iter()
                    .map(|(id, name)| EnumValue {
                        id: id.to_string(),
                        name: name.to_string(),
                        is_default: *id == "MOVIE",
                    })
                    .collect(),
            })
        })
    }

    /// Adds a value or renames an existing one. Role ids are fixed: only their names change.
    pub fn put_enum_value(&self, actor: &Actor, kind: EnumKind, value: EnumValue) -> Result<()> {
        actor.require(Capability::ManageEnums)?;
        let id = validate::code("id", &value.id, validate::MAX_CODE)?;
        let name = validate::text("name", &value.name, validate::MAX_TEXT)?;
        self.db.write(|tx| {
            let exists =
                tx.prepare_cached("SELECT 1 FROM sys_enums WHERE kind = ? AND id = ?")?.exists([kind.as_str(), &id])?;
            if kind == EnumKind::UserRole && !exists {
                return Err(Error::invalid("id", "roles are fixed (SYS_ADMIN, MANAGER); only their names can change"));
            }
            let sort: i64 = tx.query_row(
                "SELECT coalesce(max(sort), 0) + 1 FROM sys_enums WHERE kind = ?",
                [kind.as_str()],
                |r| r.get(0),
            )?;
            tx.execute(
                "INSERT INTO sys_enums(kind, id, name, is_default, sort) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT(kind, id) DO UPDATE SET name = excluded.name, is_default = excluded.is_default",
                rusqlite::params![kind.as_str(), id, name, value.is_default, sort],
            )?;
            Ok(())
        })
    }

    /// Removes a value nobody uses; a value still referenced is refused with what uses it.
    pub fn delete_enum_value(&self, actor: &Actor, kind: EnumKind, id: &str) -> Result<()> {
        actor.require(Capability::ManageEnums)?;
        self.db.write(|tx| {
            let found: Option<i64> = tx
                .query_row("SELECT 1 FROM sys_enums WHERE kind = ? AND id = ?", [kind.as_str(), id], |r| r.get(0))
                .optional()?;
            if found.is_none() {
                return Err(Error::not_found(Entity::Enum, format!("{}/{id}", kind.as_str())));
            }
            let users: i64 = match kind {
                EnumKind::UserRole => {
                    return Err(Error::InUse("roles are fixed (SYS_ADMIN, MANAGER) and cannot be deleted".into()))
                }
                EnumKind::CinemaRegion => {
                    tx.query_row("SELECT count(*) FROM cinemas WHERE region_id = ?", [id], |r| r.get(0))?
                }
                EnumKind::MovieCountry => {
                    tx.query_row("SELECT count(*) FROM movies WHERE country = ?", [id], |r| r.get(0))?
                }
                EnumKind::MovieCategory => {
                    tx.query_row("SELECT count(*) FROM movie_categories WHERE category = ?", [id], |r| r.get(0))?
                }
            };
            if users > 0 {
                return Err(Error::InUse(format!("{} {id} is still used by {users} record(s)", kind.as_str())));
            }
            tx.execute("DELETE FROM sys_enums WHERE kind = ? AND id = ?", [kind.as_str(), id])?;
            Ok(())
        })
    }
}
