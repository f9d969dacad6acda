//! Cinemas (seed §1): create, query, update, delete with everything that hangs off them.

use rusqlite::{params, OptionalExtension, Row, Transaction};
use serde::{Deserialize, Serialize};

use crate::actor::{Access, Actor, Capability};
use crate::audit::{self, Action, Change};
use crate::enums::{self, EnumKind};
use crate::error::{unique_to_conflict, Error, Result};
use crate::ids::{new_id, now_ms};
use crate::query::{self, Page, Paging, Where};
use crate::validate::{self, MAX_CODE, MAX_TEXT};
use crate::{Cms, Entity, Table};

/// How fresh `comsLastSeen` is kept (ms).
pub const COMS_SEEN_RESOLUTION_MS: i64 = 10_000;

/// A cinema as the seed shows it, plus when its COMS last polled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Cinema {
    #[serde(rename = "cinemaID")]
    pub cinema_id: String,
    pub cinema_code: String,
    pub name: String,
    pub number_of_halls: i64,
    #[serde(rename = "regionID")]
    pub region_id: String,
    #[serde(rename = "comsMACAddr")]
    pub coms_mac_addr: Option<String>,
    #[serde(rename = "comsIPAddr")]
    pub coms_ip_addr: Option<String>,
    pub description: Option<String>,
    /// Epoch ms of the last long-poll from this cinema's COMS; `null` if it never connected.
    pub coms_last_seen: Option<i64>,
    /// What its COMS said in its last heartbeat (`null` before the first): its version, the
    /// site's free and total disk bytes, and when (kept to a minute).
    pub coms_version: Option<String>,
    pub disk_free_bytes: Option<u64>,
    pub disk_total_bytes: Option<u64>,
    pub heartbeat_at: Option<i64>,
}

/// Body of create and update. On update an absent field keeps its value and an empty string
/// clears an optional one.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"cinemaCode": "huabeiqu_cinema_0001", "name": "X立方长宁缤谷", "numberOfHalls": 4, "regionID": "SHANGHAI", "comsMACAddr": "ef:23:7e:cc:8a:01", "comsIPAddr": "192.168.8.21", "description": "第二家店"})))]
#[serde(rename_all = "camelCase")]
pub struct CinemaInput {
    pub cinema_code: Option<String>,
    pub name: Option<String>,
    pub number_of_halls: Option<i64>,
    #[serde(rename = "regionID")]
    pub region_id: Option<String>,
    #[serde(rename = "comsMACAddr")]
    pub coms_mac_addr: Option<String>,
    #[serde(rename = "comsIPAddr")]
    pub coms_ip_addr: Option<String>,
    pub description: Option<String>,
}

impl CinemaInput {
    fn over(self, base: Cinema) -> CinemaInput {
        CinemaInput {
            cinema_code: self.cinema_code.or(Some(base.cinema_code)),
            name: self.name.or(Some(base.name)),
            number_of_halls: self.number_of_halls.or(Some(base.number_of_halls)),
            region_id: self.region_id.or(Some(base.region_id)),
            coms_mac_addr: self.coms_mac_addr.or(base.coms_mac_addr),
            coms_ip_addr: self.coms_ip_addr.or(base.coms_ip_addr),
            description: self.description.or(base.description),
        }
    }
}

/// Filters of `GET /cms/cinemas`.
#[derive(Debug, Clone, Default)]
pub struct CinemaQuery {
    pub region_id: Option<String>,
    pub cinema_ids: Vec<String>,
    pub cinema_code: Option<String>,
    /// Substring of the name (the UI's search box).
    pub name: Option<String>,
    pub paging: Paging,
}

impl CinemaQuery {
    /// What a list of cinemas reads, for an adapter that keeps its answers ([`Cms::data_stamp`]);
    /// its `comsLastSeen` moves without a stamp and is to be overlaid.
    pub const READS: &'static [Table] = &[Table::Cinemas];
}

/// What a delete of cinemas takes with it, so the UI can name it before asking.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CinemaDeletionImpact {
    pub cinemas: u64,
    pub halls: u64,
    pub vr_clients: u64,
    pub distributions: u64,
    pub pending_messages: u64,
}

struct Valid {
    code: String,
    name: String,
    halls: i64,
    region: String,
    mac: Option<String>,
    ip: Option<String>,
    description: Option<String>,
}

fn validated(tx: &Transaction<'_>, input: CinemaInput) -> Result<Valid> {
    let code = validate::code("cinemaCode", &validate::required("cinemaCode", input.cinema_code)?, MAX_CODE)?;
    let name = validate::text("name", &validate::required("name", input.name)?, MAX_TEXT)?;
    let halls = validate::non_negative("numberOfHalls", input.number_of_halls.unwrap_or(0))?;
    let region = validate::required("regionID", input.region_id)?.trim().to_string();
    enums::ensure_member(tx, EnumKind::CinemaRegion, &region)?;
    Ok(Valid {
        code,
        name,
        halls,
        region,
        mac: validate::opt_mac("comsMACAddr", input.coms_mac_addr.as_deref())?,
        ip: validate::opt_ipv4("comsIPAddr", input.coms_ip_addr.as_deref())?,
        description: validate::opt_text("description", input.description.as_deref(), MAX_TEXT)?,
    })
}

const COLUMNS: &str = "id, code, name, number_of_halls, region_id, coms_mac, coms_ip, description, coms_last_seen, \
                       coms_version, disk_free_bytes, disk_total_bytes, heartbeat_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Cinema> {
    Ok(Cinema {
        cinema_id: r.get(0)?,
        cinema_code: r.get(1)?,
        name: r.get(2)?,
        number_of_halls: r.get(3)?,
        region_id: r.get(4)?,
        coms_mac_addr: r.get(5)?,
        coms_ip_addr: r.get(6)?,
        description: r.get(7)?,
        coms_last_seen: r.get(8)?,
        coms_version: r.get(9)?,
        disk_free_bytes: r.get::<_, Option<i64>>(10)?.map(|b| b.max(0) as u64),
        disk_total_bytes: r.get::<_, Option<i64>>(11)?.map(|b| b.max(0) as u64),
        heartbeat_at: r.get(12)?,
    })
}

pub(crate) fn get(tx: &Transaction<'_>, id: &str) -> Result<Cinema> {
    tx.prepare_cached(&format!("SELECT {COLUMNS} FROM cinemas WHERE id = ?"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| Error::not_found(Entity::Cinema, id))
}

/// A cinema the caller may see; out of its scope it is not found.
pub(crate) fn get_seen(tx: &Transaction<'_>, actor: &Actor, id: &str) -> Result<Cinema> {
    let cinema = get(tx, id)?;
    actor.require_cinema(tx, id, Access::Read(Entity::Cinema, id))?;
    Ok(cinema)
}

impl Cms {
    /// Creates a cinema. A MANAGER of some cinemas only creates one that is then its own (in one
    /// of its regions): a cinema it could not see is refused.
    pub fn create_cinema(&self, actor: &Actor, input: CinemaInput) -> Result<String> {
        actor.require(Capability::Operate)?;
        self.db.write(|tx| {
            let v = validated(tx, input)?;
            let id = new_id();
            tx.prepare_cached(
                "INSERT INTO cinemas(id, code, name, number_of_halls, region_id, coms_mac, coms_ip, description, created_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )?
            .execute(params![id, v.code, v.name, v.halls, v.region, v.mac, v.ip, v.description, now_ms()])
            .map_err(|e| unique_to_conflict(e, "cinemaCode", &v.code))?;
            actor.require_cinema(tx, &id, Access::Write).map_err(|_| {
                Error::Denied(format!("region {} is not one of the regions you manage", v.region))
            })?;
            audit::record(tx, actor, Change::new(Action::Create, Entity::Cinema, &id).cinema(&id).after(&get(tx, &id)?))?;
            Ok(id)
        })
    }

    /// Updates a cinema of the caller's; moving it to a region outside the caller's scope is
    /// refused like any change of a cinema not its own.
    pub fn update_cinema(&self, actor: &Actor, id: &str, patch: CinemaInput) -> Result<()> {
        actor.require(Capability::Operate)?;
        self.db.write(|tx| {
            let before = get(tx, id)?;
            actor.require_cinema(tx, id, Access::Write)?;
            let v = validated(tx, patch.over(before.clone()))?;
            tx.prepare_cached(
                "UPDATE cinemas SET code = ?, name = ?, number_of_halls = ?, region_id = ?, coms_mac = ?, coms_ip = ?,
                 description = ? WHERE id = ?",
            )?
            .execute(params![v.code, v.name, v.halls, v.region, v.mac, v.ip, v.description, id])
            .map_err(|e| unique_to_conflict(e, "cinemaCode", &v.code))?;
            actor
                .require_cinema(tx, id, Access::Write)
                .map_err(|_| Error::Denied(format!("region {} is not one of the regions you manage", v.region)))?;
            let change = Change::new(Action::Update, Entity::Cinema, id).cinema(id).before(&before);
            audit::record(tx, actor, change.after(&get(tx, id)?))
        })
    }

    pub fn get_cinema(&self, actor: &Actor, id: &str) -> Result<Cinema> {
        actor.require(Capability::Operate)?;
        self.db.read(|tx| get_seen(tx, actor, id))
    }

    pub fn list_cinemas(&self, actor: &Actor, q: &CinemaQuery) -> Result<Page<Cinema>> {
        actor.require(Capability::Operate)?;
        let mut w = Where::default();
        w.in_scope(actor, "id")
            .eq("region_id", q.region_id.as_deref())
            .any_of("id", &q.cinema_ids)
            .eq("code", q.cinema_code.as_deref())
            .contains("name", q.name.as_deref());
        self.db.read(|tx| query::page(tx, COLUMNS, "cinemas", &w, "code ASC", q.paging, from_row))
    }

    /// Counts what deleting `ids` would remove.
    pub fn cinema_deletion_impact(&self, actor: &Actor, ids: &[String]) -> Result<CinemaDeletionImpact> {
        actor.require(Capability::Operate)?;
        let ids = validate::id_list("cinema_id", ids)?;
        self.db.read(|tx| {
            for id in &ids {
                get_seen(tx, actor, id)?;
            }
            let mut impact = CinemaDeletionImpact { cinemas: ids.len() as u64, ..Default::default() };
            for id in &ids {
                let count = |sql: &str| -> Result<u64> {
                    Ok(tx.prepare_cached(sql)?.query_row([id], |r| r.get::<_, i64>(0))? as u64)
                };
                impact.halls += count("SELECT count(*) FROM halls WHERE cinema_id = ?")?;
                impact.vr_clients += count("SELECT count(*) FROM vr_clients WHERE cinema_id = ?")?;
                impact.distributions +=
                    count("SELECT count(*) FROM deliveries WHERE cinema_id = ? AND state <> 'WITHDRAWN'")?;
                impact.pending_messages +=
                    count("SELECT count(*) FROM coms_messages WHERE cinema_id = ? AND acked_at IS NULL")?;
            }
            Ok(impact)
        })
    }

    /// Deletes cinemas with their halls, seats, VOD tasks, deliveries and COMS queue, all
    /// or nothing: one unknown id and nothing is deleted.
    pub fn delete_cinemas(&self, actor: &Actor, ids: &[String]) -> Result<()> {
        actor.require(Capability::Operate)?;
        let ids = validate::id_list("cinema_id", ids)?;
        self.db.write(|tx| {
            let cinemas = ids.iter().map(|id| get(tx, id)).collect::<Result<Vec<_>>>()?;
            actor.require_cinemas(tx, &ids)?;
            let mut stmt = tx.prepare_cached("DELETE FROM cinemas WHERE id = ?")?;
            for c in &cinemas {
                stmt.execute([&c.cinema_id])?;
                let change = Change::new(Action::Delete, Entity::Cinema, &c.cinema_id).cinema(&c.cinema_id);
                audit::record(tx, actor, change.before(c))?;
            }
            Ok(())
        })?;
        self.presence.forget(&ids);
        Ok(())
    }

    /// Records that the cinema's COMS was just heard from (it opened or polls its channel). The
    /// time is kept to ten seconds: a COMS polls continuously, and a durable write per poll
    /// would buy nothing. The write moves no stamp (answers kept by an adapter stay), so it is
    /// noted in memory as well, for [`Cms::recent_coms_last_seen`].
    pub fn mark_coms_seen(&self, actor: &Actor, cinema_id: &str) -> Result<()> {
        actor.require_channel(cinema_id)?;
        // The core's clock: the COMS-offline rule compares this time with it.
        let now = self.clock.now_ms();
        let fresh: Option<Option<i64>> = self.db.read(|tx| {
            let seen = tx
                .prepare_cached("SELECT coms_last_seen FROM cinemas WHERE id = ?")?
                .query_row([cinema_id], |r| r.get(0))
                .optional()?;
            if seen.is_some() {
                actor.require_cinema(tx, cinema_id, Access::Read(Entity::Cinema, cinema_id))?;
            }
            Ok(seen)
        })?;
        match fresh {
            None => Err(Error::not_found(Entity::Cinema, cinema_id)),
            Some(Some(seen)) if now - seen < COMS_SEEN_RESOLUTION_MS => Ok(()),
            Some(_) => {
                self.db.write_overlaid(&[Table::Cinemas], |tx| {
                    tx.prepare_cached("UPDATE cinemas SET coms_last_seen = ? WHERE id = ?")?
                        .execute(params![now, cinema_id])?;
                    // Only a COMS silent for longer than the resolution gets here, as one
                    // flagged offline (silent for minutes) does: the hot path stays one read.
                    crate::alerts::coms_heard(tx, cinema_id, now)
                })?;
                self.presence.coms_seen(cinema_id, now);
                Ok(())
            }
        }
    }

    /// The cinema's `comsLastSeen` as last written since the CMS was opened, from memory (no
    /// read): a kept list of cinemas shows this over the value it was read with, which may be
    /// older. `None` when it was not written since the CMS opened (the read value stands).
    pub fn recent_coms_last_seen(&self, cinema_id: &str) -> Option<i64> {
        self.presence.coms_last_seen(cinema_id)
    }

    /// The cinema's `heartbeatAt` as last written since the CMS was opened, from memory, like
    /// [`Cms::recent_coms_last_seen`].
    pub fn recent_heartbeat_at(&self, cinema_id: &str) -> Option<i64> {
        self.presence.heartbeat_at(cinema_id)
    }
}
