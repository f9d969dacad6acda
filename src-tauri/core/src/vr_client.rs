//! Seats (seed §3, "VR clients"): a terminal with host, motion seat and headset, and its QR scene number.

use std::collections::HashMap;

use rusqlite::{params, OptionalExtension, Row, Transaction};
use serde::{Deserialize, Serialize};

use crate::actor::{Access, Actor, Capability};
use crate::audit::{self, Action, Change};
use crate::error::{Error, Result};
use crate::ids::{new_id, now_ms};
use crate::query::{self, Page, Paging, Where};
use crate::site_events::{SiteChange, SiteChanged};
use crate::validate::{self, MAX_SCENE, MAX_SEAT_DESCRIPTION, MAX_TEXT};
use crate::{liveness, report, Cms, Entity, Table};

/// What a cinema's COMS may report of its seats (seed §3.3); the rest is the console's.
fn site_may_set(patch: &VrClientInput) -> Result<()> {
    let others = [
        ("hallID", patch.hall_id.is_some()),
        ("sceneNumber", patch.scene_number.is_some()),
        ("seatNumber", patch.seat_number.is_some()),
        ("seatModel", patch.seat_model.is_some()),
        ("HMDModel", patch.hmd_model.is_some()),
        ("description", patch.description.is_some()),
    ];
    match others.iter().find(|(_, given)| *given) {
        Some((field, _)) => Err(Error::Denied(format!(
            "a cinema's COMS reports status, IPAddr, MACAddr and hostModel of its seats, not {field}"
        ))),
        None => Ok(()),
    }
}

/// The most seats one batch may create: a few halls' worth. It bounds one write transaction and
/// keeps the request that carries the batch to a server within its body limit.
pub const MAX_BATCH_SEATS: usize = 1000;

/// Seat states of the seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SeatStatus {
    ShutDown,
    Idle,
    InVod,
    Playing,
    Error,
}

impl SeatStatus {
    pub const ALL: [SeatStatus; 5] =
        [SeatStatus::ShutDown, SeatStatus::Idle, SeatStatus::InVod, SeatStatus::Playing, SeatStatus::Error];

    pub fn as_str(self) -> &'static str {
        match self {
            SeatStatus::ShutDown => "SHUT_DOWN",
            SeatStatus::Idle => "IDLE",
            SeatStatus::InVod => "IN_VOD",
            SeatStatus::Playing => "PLAYING",
            SeatStatus::Error => "ERROR",
        }
    }

    pub fn parse(field: &str, s: &str) -> Result<SeatStatus> {
        SeatStatus::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| Error::invalid(field, "must be SHUT_DOWN, IDLE, IN_VOD, PLAYING or ERROR"))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct VrClient {
    #[serde(rename = "clientID")]
    pub client_id: String,
    #[serde(rename = "cinemaID")]
    pub cinema_id: String,
    #[serde(rename = "hallID")]
    pub hall_id: String,
    pub scene_number: String,
    pub status: SeatStatus,
    pub seat_number: String,
    pub host_model: Option<String>,
    pub seat_model: Option<String>,
    #[serde(rename = "HMDModel")]
    pub hmd_model: Option<String>,
    #[serde(rename = "MACAddr")]
    pub mac_addr: Option<String>,
    #[serde(rename = "IPAddr")]
    pub ip_addr: String,
    pub description: Option<String>,
    /// The unguessable part of the seat's QR payload (see `GET /cms/qr/{qrToken}`).
    pub qr_token: String,
    /// Epoch ms of the last report of this seat by its COMS; `null` if never reported.
    pub last_seen: Option<i64>,
    /// Whether its COMS reported it within the offline window (3 minutes by default).
    pub online: bool,
    /// The latest fault it reported (kept once cleared, with `clearedAt`); `null` if none.
    pub fault: Option<SeatFault>,
}

/// A fault a seat reported: raised when it went to ERROR, cleared when it left it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SeatFault {
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub raised_at: i64,
    /// `null` while the seat is still in this fault.
    pub cleared_at: Option<i64>,
}

/// A seat's two QR identifiers, as `_regenerate_scene` hands out new ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SeatCode {
    pub scene_number: String,
    pub qr_token: String,
}

/// Body of create and update. `hallID` is fixed after creation (a seat belongs to its hall);
/// `sceneNumber` may be given on create, otherwise one is assigned.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct VrClientInput {
    #[serde(rename = "hallID")]
    pub hall_id: Option<String>,
    pub scene_number: Option<String>,
    pub status: Option<String>,
    pub seat_number: Option<String>,
    pub host_model: Option<String>,
    pub seat_model: Option<String>,
    #[serde(rename = "HMDModel")]
    pub hmd_model: Option<String>,
    #[serde(rename = "MACAddr")]
    pub mac_addr: Option<String>,
    #[serde(rename = "IPAddr")]
    pub ip_addr: Option<String>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct VrClientQuery {
    pub client_ids: Vec<String>,
    pub cinema_id: Option<String>,
    pub hall_id: Option<String>,
    pub status: Option<SeatStatus>,
    pub paging: Paging,
}

impl VrClientQuery {
    /// What a list of seats reads, for an adapter that keeps its answers ([`Cms::data_stamp`]).
    pub const READS: &'static [Table] = &[Table::VrClients];
}

const COLUMNS: &str = "id, cinema_id, hall_id, scene_number, status, seat_number, host_model, seat_model, hmd_model, \
                       mac, ip, description, qr_token, last_seen, fault_code, fault_message, fault_at, fault_cleared_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<VrClient> {
    let status: String = r.get(4)?;
    Ok(VrClient {
        client_id: r.get(0)?,
        cinema_id: r.get(1)?,
        hall_id: r.get(2)?,
        scene_number: r.get(3)?,
        status: SeatStatus::parse("status", &status).unwrap_or(SeatStatus::Error),
        seat_number: r.get(5)?,
        host_model: r.get(6)?,
        seat_model: r.get(7)?,
        hmd_model: r.get(8)?,
        mac_addr: r.get(9)?,
        ip_addr: r.get(10)?,
        description: r.get(11)?,
        qr_token: r.get(12)?,
        last_seen: r.get(13)?,
        // Derived when answered (`Cms::live`).
        online: false,
        fault: r
            .get::<_, Option<i64>>(16)?
            .map(|raised_at| -> rusqlite::Result<SeatFault> {
                Ok(SeatFault { error_code: r.get(14)?, error_message: r.get(15)?, raised_at, cleared_at: r.get(17)? })
            })
            .transpose()?,
    })
}

/// A new QR token: 20 characters of [0-9a-z], about 103 random bits.
fn new_qr_token() -> String {
    crate::ids::random_token(20)
}

pub(crate) fn get(tx: &Transaction<'_>, id: &str) -> Result<VrClient> {
    tx.prepare_cached(&format!("SELECT {COLUMNS} FROM vr_clients WHERE id = ?"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| Error::not_found(Entity::VrClient, id))
}

/// A seat the caller may see; out of its scope it is not found.
pub(crate) fn get_seen(tx: &Transaction<'_>, actor: &Actor, id: &str) -> Result<VrClient> {
    let seat = get(tx, id)?;
    actor.require_cinema(tx, &seat.cinema_id, Access::Read(Entity::VrClient, id))?;
    Ok(seat)
}

fn change(action: Action, seat: &VrClient) -> Change {
    Change::new(action, Entity::VrClient, &seat.client_id).cinema(&seat.cinema_id)
}

/// Looks ups repeated across a batch (the hall's cinema and whether the caller may change it,
/// whether a model code exists) done once each.
struct Lookups<'a> {
    actor: &'a Actor,
    hall_cinema: HashMap<String, String>,
    known_models: HashMap<(&'static str, String), bool>,
}

impl<'a> Lookups<'a> {
    fn new(actor: &'a Actor) -> Lookups<'a> {
        Lookups { actor, hall_cinema: HashMap::new(), known_models: HashMap::new() }
    }

    /// The cinema of `hall`, which must be one the caller may change.
    fn cinema_of(&mut self, tx: &Transaction<'_>, hall: &str) -> Result<String> {
        if let Some(c) = self.hall_cinema.get(hall) {
            return Ok(c.clone());
        }
        let cinema: String = tx
            .prepare_cached("SELECT cinema_id FROM halls WHERE id = ?")?
            .query_row([hall], |r| r.get(0))
            .optional()?
            .ok_or_else(|| Error::invalid("hallID", format!("no hall has id {hall:?}")))?;
        self.actor.require_cinema(tx, &cinema, Access::Write)?;
        self.hall_cinema.insert(hall.to_string(), cinema.clone());
        Ok(cinema)
    }

    fn model(
        &mut self,
        tx: &Transaction<'_>,
        table: &'static str,
        field: &str,
        code: Option<&str>,
    ) -> Result<Option<String>> {
        let Some(code) = code.map(str::trim).filter(|c| !c.is_empty()) else {
            return Ok(None);
        };
        let key = (table, code.to_string());
        let known = match self.known_models.get(&key) {
            Some(k) => *k,
            None => {
                let k = tx.prepare_cached(&format!("SELECT 1 FROM {table} WHERE code = ?"))?.exists([code])?;
                self.known_models.insert(key, k);
                k
            }
        };
        if !known {
            return Err(Error::invalid(field, format!("{code:?} is not in the model catalogue")));
        }
        Ok(Some(code.to_string()))
    }
}

struct Valid {
    hall: String,
    cinema: String,
    scene: Option<String>,
    status: SeatStatus,
    seat_number: String,
    host_model: Option<String>,
    seat_model: Option<String>,
    hmd_model: Option<String>,
    mac: Option<String>,
    ip: String,
    description: Option<String>,
}

fn scene(value: Option<&str>) -> Result<Option<String>> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => validate::code("sceneNumber", v, MAX_SCENE).map(Some),
    }
}

fn validated(tx: &Transaction<'_>, look: &mut Lookups<'_>, input: VrClientInput) -> Result<Valid> {
    let hall = validate::required("hallID", input.hall_id)?.trim().to_string();
    let cinema = look.cinema_of(tx, &hall)?;
    Ok(Valid {
        scene: scene(input.scene_number.as_deref())?,
        status: match input.status.as_deref() {
            None | Some("") => SeatStatus::ShutDown,
            Some(s) => SeatStatus::parse("status", s)?,
        },
        seat_number: validate::text("seatNumber", &validate::required("seatNumber", input.seat_number)?, 32)?,
        host_model: validate::opt_text("hostModel", input.host_model.as_deref(), MAX_TEXT)?,
        seat_model: look.model(tx, "seat_models", "seatModel", input.seat_model.as_deref())?,
        hmd_model: look.model(tx, "hmd_models", "HMDModel", input.hmd_model.as_deref())?,
        mac: validate::opt_mac("MACAddr", input.mac_addr.as_deref())?,
        ip: validate::ipv4("IPAddr", &validate::required("IPAddr", input.ip_addr)?)?,
        description: validate::opt_text("description", input.description.as_deref(), MAX_SEAT_DESCRIPTION)?,
        hall,
        cinema,
    })
}

impl Valid {
    /// The seat these values make, as the API shows it.
    fn into_seat(self, client_id: String, scene_number: String, qr_token: String) -> VrClient {
        VrClient {
            client_id,
            cinema_id: self.cinema,
            hall_id: self.hall,
            scene_number,
            status: self.status,
            seat_number: self.seat_number,
            host_model: self.host_model,
            seat_model: self.seat_model,
            hmd_model: self.hmd_model,
            mac_addr: self.mac,
            ip_addr: self.ip,
            description: self.description,
            qr_token,
            last_seen: None,
            online: false,
            fault: None,
        }
    }
}

/// Hands out `n` fresh scene numbers; numbers are never reused, so an old printed code stays dead.
fn next_scene_numbers(tx: &Transaction<'_>, n: usize) -> Result<i64> {
    let last: i64 = tx.query_row(
        "UPDATE counters SET value = value + ? WHERE name = 'scene_number' RETURNING value",
        [n as i64],
        |r| r.get(0),
    )?;
    Ok(last - n as i64 + 1)
}

/// Maps the two UNIQUE constraints of a seat to the field a person would fix.
fn seat_conflict(e: rusqlite::Error, v: &Valid, scene: &str) -> Error {
    let msg = e.to_string();
    match &e {
        rusqlite::Error::SqliteFailure(f, _) if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE => {
            if msg.contains("scene_number") {
                Error::Conflict { field: "sceneNumber".into(), value: scene.to_string() }
            } else {
                Error::Conflict { field: "seatNumber".into(), value: v.seat_number.clone() }
            }
        }
        _ => Error::Storage(e),
    }
}

impl Cms {
    pub fn create_vr_client(&self, actor: &Actor, input: VrClientInput) -> Result<String> {
        Ok(self.create_vr_clients(actor, vec![input])?.remove(0))
    }

    /// Creates many seats in one transaction: all of them or none (the first bad one is named).
    pub fn create_vr_clients(&self, actor: &Actor, inputs: Vec<VrClientInput>) -> Result<Vec<String>> {
        actor.require(Capability::Operate)?;
        if inputs.is_empty() {
            return Err(Error::invalid("vrClients", "give at least one seat"));
        }
        if inputs.len() > MAX_BATCH_SEATS {
            return Err(Error::invalid("vrClients", format!("at most {MAX_BATCH_SEATS} seats at once")));
        }
        self.db.write(|tx| {
            let mut look = Lookups::new(actor);
            let first_scene = next_scene_numbers(tx, inputs.len())?;
            let mut stmt = tx.prepare_cached(
                "INSERT INTO vr_clients(id, hall_id, cinema_id, scene_number, status, seat_number, host_model, seat_model,
                 hmd_model, mac, ip, description, created_at, qr_token) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )?;
            let now = now_ms();
            let mut ids = Vec::with_capacity(inputs.len());
            for (i, input) in inputs.into_iter().enumerate() {
                let v = validated(tx, &mut look, input).map_err(|e| match e {
                    Error::Invalid { field, reason } if i > 0 => Error::invalid(field, format!("{reason} (seat {})", i + 1)),
                    e => e,
                })?;
                let scene = v.scene.clone().unwrap_or_else(|| (first_scene + i as i64).to_string());
                let id = new_id();
                let token = new_qr_token();
                stmt.execute(params![
                    id,
                    v.hall,
                    v.cinema,
                    scene,
                    v.status.as_str(),
                    v.seat_number,
                    v.host_model,
                    v.seat_model,
                    v.hmd_model,
                    v.mac,
                    v.ip,
                    v.description,
                    now,
                    token
                ])
                .map_err(|e| seat_conflict(e, &v, &scene))?;
                let seat = v.into_seat(id, scene, token);
                audit::record(tx, actor, change(Action::Create, &seat).after(&seat))?;
                ids.push(seat.client_id);
            }
            Ok(ids)
        })
    }

    /// Changes a seat (seed §3.3). A cinema's COMS reports its own seats here: their `status`,
    /// `IPAddr`, `MACAddr` and `hostModel` only (another cinema's seat: 403; any other field:
    /// 403), and is noted as having seen the seat. Going to ERROR opens a fault, leaving it
    /// clears the fault.
    pub fn update_vr_client(&self, actor: &Actor, id: &str, patch: VrClientInput) -> Result<()> {
        actor.require_reporter()?;
        if actor.is_site() {
            site_may_set(&patch)?;
        }
        let now = self.clock.now_ms();
        let (cinema, moved) = self.db.write(|tx| {
            let b = get(tx, id)?;
            actor.require_channel(&b.cinema_id)?;
            actor.require_cinema(tx, &b.cinema_id, Access::Write)?;
            let before = b.clone();
            if patch.hall_id.as_deref().is_some_and(|h| h != b.hall_id) {
                return Err(Error::invalid("hallID", "a seat cannot move to another hall; delete and create it there"));
            }
            let merged = VrClientInput {
                hall_id: Some(b.hall_id),
                scene_number: patch.scene_number.or(Some(b.scene_number.clone())),
                status: patch.status.or(Some(b.status.as_str().to_string())),
                seat_number: patch.seat_number.or(Some(b.seat_number)),
                host_model: patch.host_model.or(b.host_model),
                seat_model: patch.seat_model.or(b.seat_model),
                hmd_model: patch.hmd_model.or(b.hmd_model),
                mac_addr: patch.mac_addr.or(b.mac_addr),
                ip_addr: patch.ip_addr.or(Some(b.ip_addr)),
                description: patch.description.or(b.description),
            };
            let v = validated(tx, &mut Lookups::new(actor), merged)?;
            let scene = v.scene.clone().unwrap_or(b.scene_number);
            tx.prepare_cached(
                "UPDATE vr_clients SET scene_number = ?, seat_number = ?, host_model = ?, seat_model = ?,
                 hmd_model = ?, mac = ?, ip = ?, description = ? WHERE id = ?",
            )?
            .execute(params![
                scene,
                v.seat_number,
                v.host_model,
                v.seat_model,
                v.hmd_model,
                v.mac,
                v.ip,
                v.description,
                id
            ])
            .map_err(|e| seat_conflict(e, &v, &scene))?;
            let seat = report::seat_now(tx, id)?.ok_or_else(|| Error::not_found(Entity::VrClient, id))?;
            let moved = report::apply_status(tx, &seat, v.status, None, None, now)?;
            if actor.is_site() {
                // A site's report is telemetry, not an operator's change: the seat notes it was
                // seen, and the audit log stays for what people do.
                report::store_seen(tx, std::slice::from_ref(&seat.id), now)?;
            } else {
                audit::record(tx, actor, change(Action::Update, &before).before(&before).after(&get(tx, id)?))?;
            }
            Ok((seat.cinema_id, moved))
        })?;
        if actor.is_site() {
            self.liveness.seen([id], now);
        }
        if moved {
            self.tell_site_changes(&[SiteChange::new(&cinema, SiteChanged::Seat { client_id: id.to_string() })]);
        }
        Ok(())
    }

    /// Gives the seat a new scene number and QR token; QR codes printed with the old ones stop
    /// matching any seat.
    pub fn regenerate_scene_number(&self, actor: &Actor, id: &str) -> Result<SeatCode> {
        actor.require(Capability::Operate)?;
        self.db.write(|tx| {
            let before = get(tx, id)?;
            actor.require_cinema(tx, &before.cinema_id, Access::Write)?;
            let code = SeatCode { scene_number: next_scene_numbers(tx, 1)?.to_string(), qr_token: new_qr_token() };
            tx.prepare_cached("UPDATE vr_clients SET scene_number = ?, qr_token = ? WHERE id = ?")?
                .execute(params![code.scene_number, code.qr_token, id])?;
            audit::record(tx, actor, change(Action::Update, &before).before(&before).after(&get(tx, id)?))?;
            Ok(code)
        })
    }

    pub fn get_vr_client(&self, actor: &Actor, id: &str) -> Result<VrClient> {
        actor.require(Capability::Operate)?;
        Ok(self.live(self.db.read(|tx| get_seen(tx, actor, id))?))
    }

    /// A seat with its liveness as of now: the exact last seen from memory, `online` derived.
    fn live(&self, mut seat: VrClient) -> VrClient {
        let (last_seen, online) = self.seat_liveness(&seat.client_id);
        seat.last_seen = last_seen.or(seat.last_seen);
        seat.online = online;
        seat
    }

    /// A seat's last seen (epoch ms) and whether it is online, as of now, from memory: what an
    /// adapter shows over a seat it kept from an earlier read.
    pub fn seat_liveness(&self, client_id: &str) -> (Option<i64>, bool) {
        let last_seen = self.liveness.last_seen(client_id);
        (last_seen, liveness::is_online(last_seen, now_ms(), self.liveness.offline_after_ms()))
    }

    /// The seat a scanned QR code names, if any.
    pub fn vr_client_by_scene(&self, actor: &Actor, scene: &str) -> Result<VrClient> {
        actor.require(Capability::Operate)?;
        self.db
            .read(|tx| {
                let name = format!("scene {scene}");
                let seat = tx
                    .prepare_cached(&format!("SELECT {COLUMNS} FROM vr_clients WHERE scene_number = ?"))?
                    .query_row([scene], from_row)
                    .optional()?
                    .ok_or_else(|| Error::not_found(Entity::VrClient, &name))?;
                actor.require_cinema(tx, &seat.cinema_id, Access::Read(Entity::VrClient, &name))?;
                Ok(seat)
            })
            .map(|seat| self.live(seat))
    }

    pub fn list_vr_clients(&self, actor: &Actor, q: &VrClientQuery) -> Result<Page<VrClient>> {
        actor.require(Capability::Operate)?;
        let mut w = Where::default();
        w.in_scope(actor, "cinema_id")
            .any_of("id", &q.client_ids)
            .eq("cinema_id", q.cinema_id.as_deref())
            .eq("hall_id", q.hall_id.as_deref())
            .eq("status", q.status.map(SeatStatus::as_str));
        // With a hall filter the (hall_id, seat_number) unique index gives the order for free.
        let order = if q.hall_id.is_some() { "hall_id, seat_number" } else { "cinema_id, hall_id, seat_number" };
        let mut page = self.db.read(|tx| query::page(tx, COLUMNS, "vr_clients", &w, order, q.paging, from_row))?;
        page.item_list = page.item_list.into_iter().map(|s| self.live(s)).collect();
        Ok(page)
    }

    /// Deletes seats (and their VOD task history), all or nothing.
    pub fn delete_vr_clients(&self, actor: &Actor, ids: &[String]) -> Result<()> {
        actor.require(Capability::Operate)?;
        let ids = validate::id_list("client_id", ids)?;
        self.db.write(|tx| {
            let seats = ids.iter().map(|id| get(tx, id)).collect::<Result<Vec<_>>>()?;
            for seat in &seats {
                actor.require_cinema(tx, &seat.cinema_id, Access::Write)?;
            }
            let mut stmt = tx.prepare_cached("DELETE FROM vr_clients WHERE id = ?")?;
            for seat in &seats {
                stmt.execute([&seat.client_id])?;
                audit::record(tx, actor, change(Action::Delete, seat).before(seat))?;
            }
            Ok(())
        })?;
        self.liveness.forget(ids.iter().map(String::as_str));
        Ok(())
    }
}
