//! Video-on-demand tasks (seed §5): films a seat ordered, their lifecycle, and the NEW_VOD_TASK to the cinema's COMS.

use rusqlite::{params, OptionalExtension, Row, Transaction};
use serde::{Deserialize, Serialize};

use crate::actor::{Access, Actor, Capability};
use crate::audit::{self, Action, Change};
use crate::delivery::{self, DeliveryState};
use crate::error::{Error, Result};
use crate::ids::{new_id, now_ms};
use crate::outbox::{self, MessageType};
use crate::query::{self, Page, Paging, Where};
use crate::site_events::{SiteChange, SiteChanged};
use crate::validate::{self, MAX_CODE, MAX_REPORT_TEXT};
use crate::{movie, vr_client, Cms, Entity};

/// The most films one order may hold.
pub const MAX_TASK_MOVIES: usize = 20;

/// PENDING → ACCEPTED (the COMS took it) → PLAYING → COMPLETED; CANCELLED and FAILED end it early.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum VodStatus {
    Pending,
    Accepted,
    Playing,
    Completed,
    Cancelled,
    Failed,
}

impl VodStatus {
    pub const ALL: [VodStatus; 6] = [
        VodStatus::Pending,
        VodStatus::Accepted,
        VodStatus::Playing,
        VodStatus::Completed,
        VodStatus::Cancelled,
        VodStatus::Failed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            VodStatus::Pending => "PENDING",
            VodStatus::Accepted => "ACCEPTED",
            VodStatus::Playing => "PLAYING",
            VodStatus::Completed => "COMPLETED",
            VodStatus::Cancelled => "CANCELLED",
            VodStatus::Failed => "FAILED",
        }
    }

    pub fn parse(s: &str) -> Result<VodStatus> {
        VodStatus::ALL.into_iter().find(|v| v.as_str() == s).ok_or_else(|| {
            Error::invalid("status", "must be PENDING, ACCEPTED, PLAYING, COMPLETED, CANCELLED or FAILED")
        })
    }

    /// Whether a task may go from `self` to `next`.
    pub fn can_become(self, next: VodStatus) -> bool {
        use VodStatus::*;
        matches!(
            (self, next),
            (Pending, Accepted | Cancelled | Failed)
                | (Accepted, Playing | Cancelled | Failed)
                | (Playing, Completed | Failed)
        )
    }
}

/// A film of a task, with what a COMS needs to play it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct VodTaskMovie {
    pub id: String,
    pub name: String,
    pub movie_code: String,
    pub duration: i64,
    #[serde(rename = "fileID")]
    pub file_id: Option<String>,
    /// What the film cost (fen) when the task was ordered, whatever it costs now.
    pub price: Option<i64>,
}

/// A status a task took: who moved it (`user:<id>`, `cinema:<id>` or `system`), when, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VodTaskEvent {
    pub status: VodStatus,
    pub reason: Option<String>,
    pub actor: String,
    /// Epoch ms.
    pub at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct VodTask {
    #[serde(rename = "taskID")]
    pub task_id: String,
    #[serde(rename = "clientID")]
    pub client_id: String,
    #[serde(rename = "cinemaID")]
    pub cinema_id: String,
    #[serde(rename = "hallID")]
    pub hall_id: String,
    pub seat_number: String,
    #[serde(rename = "openID")]
    pub open_id: Option<String>,
    pub status: VodStatus,
    pub movie_list: Vec<VodTaskMovie>,
    pub create_time: i64,
    pub update_time: i64,
    /// Every status the task took, its creation first.
    pub status_history: Vec<VodTaskEvent>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MovieRef {
    pub id: Option<String>,
}

/// Body of `POST /cms/vod_tasks`: the seed's `movieList`, plus the seat that ordered (which
/// decides the cinema whose COMS plays it) and the WeChat user, if any.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct VodTaskInput {
    pub movie_list: Option<Vec<MovieRef>>,
    #[serde(rename = "clientID")]
    pub client_id: Option<String>,
    #[serde(rename = "openID")]
    pub open_id: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct VodTaskQuery {
    pub task_ids: Vec<String>,
    pub cinema_id: Option<String>,
    pub client_id: Option<String>,
    pub status: Option<VodStatus>,
    pub paging: Paging,
}

const COLUMNS: &str = "t.id, t.client_id, t.cinema_id, c.hall_id, c.seat_number, t.open_id, t.status, t.created_at, \
                       t.updated_at";
const FROM: &str = "vod_tasks t JOIN vr_clients c ON c.id = t.client_id";

fn from_row(r: &Row<'_>) -> rusqlite::Result<VodTask> {
    let status: String = r.get(6)?;
    Ok(VodTask {
        task_id: r.get(0)?,
        client_id: r.get(1)?,
        cinema_id: r.get(2)?,
        hall_id: r.get(3)?,
        seat_number: r.get(4)?,
        open_id: r.get(5)?,
        status: VodStatus::parse(&status).unwrap_or(VodStatus::Failed),
        movie_list: Vec::new(),
        create_time: r.get(7)?,
        update_time: r.get(8)?,
        status_history: Vec::new(),
    })
}

/// Fills a task's films (a film deleted since keeps its id with an empty name) and history.
fn with_movies(tx: &Transaction<'_>, mut task: VodTask) -> Result<VodTask> {
    let mut stmt = tx.prepare_cached(
        "SELECT tm.movie_id, coalesce(m.name, ''), coalesce(m.code, ''), coalesce(m.duration, 0), m.file_id, tm.price
         FROM vod_task_movies tm LEFT JOIN movies m ON m.id = tm.movie_id WHERE tm.task_id = ? ORDER BY tm.position",
    )?;
    task.movie_list = stmt
        .query_map([&task.task_id], |r| {
            Ok(VodTaskMovie {
                id: r.get(0)?,
                name: r.get(1)?,
                movie_code: r.get(2)?,
                duration: r.get(3)?,
                file_id: r.get(4)?,
                price: r.get(5)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut stmt =
        tx.prepare_cached("SELECT status, reason, actor, at FROM vod_task_events WHERE task_id = ? ORDER BY id")?;
    task.status_history = stmt
        .query_map([&task.task_id], |r| {
            let status: String = r.get(0)?;
            Ok(VodTaskEvent {
                status: VodStatus::parse(&status).unwrap_or(VodStatus::Failed),
                reason: r.get(1)?,
                actor: r.get(2)?,
                at: r.get(3)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(task)
}

/// Records that the task took `status`, in the transaction that moved it.
fn record(
    tx: &Transaction<'_>,
    task_id: &str,
    status: VodStatus,
    reason: Option<&str>,
    actor: &Actor,
    at: i64,
) -> Result<()> {
    tx.prepare_cached("INSERT INTO vod_task_events(task_id, status, reason, actor, at) VALUES (?, ?, ?, ?, ?)")?
        .execute(params![task_id, status.as_str(), reason, actor.owner(), at])?;
    Ok(())
}

fn get(tx: &Transaction<'_>, id: &str) -> Result<VodTask> {
    let task = tx
        .prepare_cached(&format!("SELECT {COLUMNS} FROM {FROM} WHERE t.id = ?"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| Error::not_found(Entity::VodTask, id))?;
    with_movies(tx, task)
}

impl Cms {
    /// Orders films for a seat. Each film must be online and distributed to the seat's cinema;
    /// each counts one view. The cinema's COMS gets NEW_VOD_TASK in the same transaction.
    pub fn create_vod_task(&self, actor: &Actor, input: VodTaskInput) -> Result<String> {
        actor.require(Capability::Operate)?;
        let refs = validate::required("movieList", input.movie_list)?;
        if refs.is_empty() || refs.len() > MAX_TASK_MOVIES {
            return Err(Error::invalid("movieList", format!("give between 1 and {MAX_TASK_MOVIES} films")));
        }
        let movie_ids: Vec<String> = refs
            .into_iter()
            .map(|r| {
                validate::required("movieList[].id", r.id)
                    .and_then(|id| validate::text("movieList[].id", &id, MAX_CODE))
            })
            .collect::<Result<_>>()?;
        let client_id = validate::required("clientID", input.client_id)?;
        let open_id = validate::opt_text("openID", input.open_id.as_deref(), MAX_CODE * 2)?;
        let (id, cinema) = self.db.write(|tx| {
            let seat = vr_client::get(tx, &client_id).map_err(|e| match e {
                Error::NotFound { .. } => Error::invalid("clientID", format!("no seat has id {client_id:?}")),
                e => e,
            })?;
            actor.require_cinema(tx, &seat.cinema_id, Access::Write)?;
            for movie_id in &movie_ids {
                let film = movie::get(tx, movie_id).map_err(|e| match e {
                    Error::NotFound { .. } => Error::invalid("movieList[].id", format!("no movie has id {movie_id:?}")),
                    e => e,
                })?;
                if !film.online {
                    return Err(Error::invalid("movieList[].id", format!("movie {movie_id} is not online")));
                }
                let here =
                    delivery::state_of(tx, movie_id, &seat.cinema_id)?.is_some_and(|s| s != DeliveryState::Withdrawn);
                if !here {
                    return Err(Error::invalid(
                        "movieList[].id",
                        format!("movie {movie_id} is not distributed to cinema {}", seat.cinema_id),
                    ));
                }
            }
            let id = new_id();
            let now = now_ms();
            tx.prepare_cached(
                "INSERT INTO vod_tasks(id, client_id, cinema_id, open_id, status, created_at, updated_at)
                 VALUES (?, ?, ?, ?, 'PENDING', ?, ?)",
            )?
            .execute(params![id, client_id, seat.cinema_id, open_id, now, now])?;
            // The price is the film's at ordering time, for revenue reports whatever it costs later.
            let mut add = tx.prepare_cached(
                "INSERT INTO vod_task_movies(task_id, position, movie_id, price)
                 VALUES (?, ?, ?, (SELECT price FROM movies WHERE id = ?))",
            )?;
            let mut view = tx.prepare_cached("UPDATE movies SET num_of_view = num_of_view + 1 WHERE id = ?")?;
            for (pos, movie_id) in movie_ids.iter().enumerate() {
                add.execute(params![id, pos as i64, movie_id, movie_id])?;
                view.execute([movie_id])?;
            }
            record(tx, &id, VodStatus::Pending, None, actor, now)?;
            let task = get(tx, &id)?;
            outbox::enqueue(tx, &seat.cinema_id, MessageType::NewVodTask, &outbox::payload(&task)?)?;
            audit::record(
                tx,
                actor,
                Change::new(Action::Create, Entity::VodTask, &id).cinema(&seat.cinema_id).after(&task),
            )?;
            Ok((id, seat.cinema_id))
        })?;
        self.notify(std::slice::from_ref(&cinema));
        self.tell_site_changes(&[SiteChange::new(&cinema, SiteChanged::VodTask { task_id: id.clone() })]);
        Ok(id)
    }

    /// Moves a task along its lifecycle, recording who did it, when and why; an impossible step
    /// (e.g. COMPLETED → PLAYING) is refused. The task's cinema reports its own tasks (another
    /// cinema's key: 403; an unknown task: 404). A change made in the console (e.g. a cancel) is
    /// news for the site: VOD_TASK_UPDATED with the full task, in the same transaction.
    pub fn set_vod_task_status(&self, actor: &Actor, id: &str, next: VodStatus, reason: Option<&str>) -> Result<()> {
        actor.require_reporter()?;
        let reason = validate::opt_text("reason", reason, MAX_REPORT_TEXT)?;
        let cinema = self.db.write(|tx| {
            let task = get(tx, id)?;
            actor.require_channel(&task.cinema_id)?;
            actor.require_cinema(tx, &task.cinema_id, Access::Write)?;
            if task.status == next {
                return Ok(None);
            }
            if !task.status.can_become(next) {
                return Err(Error::invalid(
                    "status",
                    format!("a {} task cannot become {}", task.status.as_str(), next.as_str()),
                ));
            }
            let now = now_ms();
            tx.prepare_cached("UPDATE vod_tasks SET status = ?, updated_at = ? WHERE id = ?")?.execute(params![
                next.as_str(),
                now,
                id
            ])?;
            record(tx, id, next, reason.as_deref(), actor, now)?;
            let after = get(tx, id)?;
            let change = Change::new(Action::Update, Entity::VodTask, id).cinema(&task.cinema_id).before(&task);
            audit::record(tx, actor, change.after(&after))?;
            let told = !actor.is_site();
            if told {
                outbox::enqueue(tx, &task.cinema_id, MessageType::VodTaskUpdated, &outbox::payload(&after)?)?;
            }
            Ok(Some((task.cinema_id, told)))
        })?;
        if let Some((cinema, told)) = cinema {
            if told {
                self.notify(std::slice::from_ref(&cinema));
            }
            self.tell_site_changes(&[SiteChange::new(&cinema, SiteChanged::VodTask { task_id: id.to_string() })]);
        }
        Ok(())
    }

    pub fn get_vod_task(&self, actor: &Actor, id: &str) -> Result<VodTask> {
        actor.require(Capability::Operate)?;
        self.db.read(|tx| {
            let task = get(tx, id)?;
            actor.require_cinema(tx, &task.cinema_id, Access::Read(Entity::VodTask, id))?;
            Ok(task)
        })
    }

    /// Tasks, newest first.
    pub fn list_vod_tasks(&self, actor: &Actor, q: &VodTaskQuery) -> Result<Page<VodTask>> {
        actor.require(Capability::Operate)?;
        let mut w = Where::default();
        w.in_scope(actor, "t.cinema_id")
            .any_of("t.id", &q.task_ids)
            .eq("t.cinema_id", q.cinema_id.as_deref())
            .eq("t.client_id", q.client_id.as_deref())
            .eq("t.status", q.status.map(VodStatus::as_str));
        self.db.read(|tx| {
            let page = query::page(tx, COLUMNS, FROM, &w, "t.created_at DESC, t.id", q.paging, from_row)?;
            let items = page.item_list.into_iter().map(|t| with_movies(tx, t)).collect::<Result<Vec<_>>>()?;
            Ok(Page { total_count: page.total_count, item_list: items })
        })
    }
}
