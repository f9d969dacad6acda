//! Commands to a cinema's seats (reboot, shut down, wake, stop playback): sent through the COMS queue, answered by the site.

use rusqlite::{params, OptionalExtension, Row, Transaction};
use serde::{Deserialize, Serialize};

use crate::actor::{Access, Actor, Capability};
use crate::audit::{self, Action, Change};
use crate::error::{Error, Result};
use crate::ids::{new_id, now_ms};
use crate::outbox::{self, MessageType};
use crate::query::{self, Page, Paging, Where};
use crate::site_events::{SiteChange, SiteChanged};
use crate::validate::{self, MAX_REPORT_TEXT};
use crate::vr_client::MAX_BATCH_SEATS;
use crate::{cinema, Cms, Entity};

/// What the seats are to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CommandAction {
    Reboot,
    Shutdown,
    /// Power the seats' hosts on (the site sends the magic packet to their MAC addresses).
    WakeOnLan,
    StopPlayback,
}

impl CommandAction {
    pub const ALL: [CommandAction; 4] =
        [CommandAction::Reboot, CommandAction::Shutdown, CommandAction::WakeOnLan, CommandAction::StopPlayback];

    pub fn as_str(self) -> &'static str {
        match self {
            CommandAction::Reboot => "REBOOT",
            CommandAction::Shutdown => "SHUTDOWN",
            CommandAction::WakeOnLan => "WAKE_ON_LAN",
            CommandAction::StopPlayback => "STOP_PLAYBACK",
        }
    }

    pub fn parse(field: &str, s: &str) -> Result<CommandAction> {
        CommandAction::ALL
            .into_iter()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| Error::invalid(field, "must be REBOOT, SHUTDOWN, WAKE_ON_LAN or STOP_PLAYBACK"))
    }
}

/// PENDING (its message not yet acknowledged) → SENT (acknowledged) → DONE | FAILED (the site says).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CommandState {
    Pending,
    Sent,
    Done,
    Failed,
}

impl CommandState {
    pub const ALL: [CommandState; 4] =
        [CommandState::Pending, CommandState::Sent, CommandState::Done, CommandState::Failed];

    pub fn as_str(self) -> &'static str {
        match self {
            CommandState::Pending => "PENDING",
            CommandState::Sent => "SENT",
            CommandState::Done => "DONE",
            CommandState::Failed => "FAILED",
        }
    }

    pub fn parse(field: &str, s: &str) -> Result<CommandState> {
        CommandState::ALL
            .into_iter()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| Error::invalid(field, "must be PENDING, SENT, DONE or FAILED"))
    }

    fn finished(self) -> bool {
        matches!(self, CommandState::Done | CommandState::Failed)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Command {
    #[serde(rename = "commandID")]
    pub command_id: String,
    #[serde(rename = "cinemaID")]
    pub cinema_id: String,
    pub action: CommandAction,
    #[serde(rename = "clientIDList")]
    pub client_id_list: Vec<String>,
    pub state: CommandState,
    /// What the site said when it finished (or failed); `null` before.
    pub detail: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// The body of COMMAND: what the site acts on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommandMessage {
    #[serde(rename = "commandID")]
    pub command_id: String,
    pub action: CommandAction,
    #[serde(rename = "clientIDList")]
    pub client_id_list: Vec<String>,
}

/// A command to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandInput {
    pub action: CommandAction,
    pub client_ids: Vec<String>,
}

/// How a site says a command ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandOutcome {
    /// DONE or FAILED.
    pub state: CommandState,
    pub detail: Option<String>,
}

const COLUMNS: &str = "id, cinema_id, action, client_ids, state, detail, created_at, updated_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Command> {
    let (action, ids, state): (String, String, String) = (r.get(2)?, r.get(3)?, r.get(4)?);
    Ok(Command {
        command_id: r.get(0)?,
        cinema_id: r.get(1)?,
        action: CommandAction::parse("action", &action).unwrap_or(CommandAction::StopPlayback),
        client_id_list: serde_json::from_str(&ids).unwrap_or_default(),
        state: CommandState::parse("state", &state).unwrap_or(CommandState::Failed),
        detail: r.get(5)?,
        created_at: r.get(6)?,
        updated_at: r.get(7)?,
    })
}

fn get(tx: &Transaction<'_>, id: &str) -> Result<Command> {
    tx.prepare_cached(&format!("SELECT {COLUMNS} FROM commands WHERE id = ?"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| Error::not_found(Entity::Command, id))
}

/// Every listed seat must be a seat of `cinema_id`.
fn ensure_seats_of(tx: &Transaction<'_>, cinema_id: &str, ids: &[String]) -> Result<()> {
    let mut stmt = tx.prepare_cached("SELECT cinema_id FROM vr_clients WHERE id = ?")?;
    for id in ids {
        match stmt.query_row([id], |r| r.get::<_, String>(0)).optional()? {
            None => return Err(Error::invalid("clientIDList", format!("no seat has id {id:?}"))),
            Some(c) if c != cinema_id => {
                return Err(Error::invalid("clientIDList", format!("seat {id} is not a seat of cinema {cinema_id}")))
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// In an acknowledgement's transaction: the cinema's PENDING commands whose message is
/// acknowledged (`seq` and before) become SENT.
pub(crate) fn mark_sent(tx: &Transaction<'_>, cinema_id: &str, seq: i64, now: i64) -> Result<Vec<SiteChange>> {
    let mut stmt = tx.prepare_cached(
        "UPDATE commands SET state = 'SENT', updated_at = ?
         WHERE cinema_id = ? AND state = 'PENDING' AND message_seq <= ? RETURNING id",
    )?;
    let moved = stmt
        .query_map(params![now, cinema_id, seq], |r| r.get(0))?
        .map(|c| c.map(|command_id| SiteChange::new(cinema_id, SiteChanged::Command { command_id })))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(moved)
}

impl Cms {
    /// Sends a command to seats of a cinema through its COMS queue (COMMAND, in the same
    /// transaction); answers the command's id. Every seat must be one of that cinema's.
    pub fn send_command(&self, actor: &Actor, cinema_id: &str, input: CommandInput) -> Result<String> {
        actor.require(Capability::Operate)?;
        let ids = validate::id_list("clientIDList", &input.client_ids)?;
        if ids.len() > MAX_BATCH_SEATS {
            return Err(Error::invalid("clientIDList", format!("at most {MAX_BATCH_SEATS} seats at once")));
        }
        let id = self.db.write(|tx| {
            cinema::get(tx, cinema_id)?;
            actor.require_cinema(tx, cinema_id, Access::Write)?;
            ensure_seats_of(tx, cinema_id, &ids)?;
            let id = new_id();
            let message = CommandMessage { command_id: id.clone(), action: input.action, client_id_list: ids.clone() };
            let seq = outbox::enqueue(tx, cinema_id, MessageType::Command, &outbox::payload(&message)?)?;
            let now = now_ms();
            tx.prepare_cached(
                "INSERT INTO commands(id, cinema_id, action, client_ids, state, message_seq, created_by, created_at,
                 updated_at) VALUES (?, ?, ?, ?, 'PENDING', ?, ?, ?, ?)",
            )?
            .execute(params![
                id,
                cinema_id,
                input.action.as_str(),
                outbox::payload(&ids)?,
                seq,
                actor.owner(),
                now,
                now
            ])?;
            let change = Change::new(Action::Create, Entity::Command, &id).cinema(cinema_id);
            audit::record(tx, actor, change.after(&get(tx, &id)?))?;
            Ok(id)
        })?;
        self.notify(&[cinema_id.to_string()]);
        self.tell_site_changes(&[SiteChange::new(cinema_id, SiteChanged::Command { command_id: id.clone() })]);
        Ok(id)
    }

    /// A command, for the chain's operators and the COMS of its cinema.
    pub fn get_command(&self, actor: &Actor, id: &str) -> Result<Command> {
        actor.require_reporter()?;
        self.db.read(|tx| {
            let command = get(tx, id)?;
            actor.require_channel(&command.cinema_id)?;
            actor.require_cinema(tx, &command.cinema_id, Access::Read(Entity::Command, id))?;
            Ok(command)
        })
    }

    /// A cinema's commands, newest first (a cinema out of the caller's scope is not found).
    pub fn list_commands(&self, actor: &Actor, cinema_id: &str, paging: Paging) -> Result<Page<Command>> {
        actor.require_channel(cinema_id)?;
        self.db.read(|tx| {
            cinema::get(tx, cinema_id)?;
            actor.require_cinema(tx, cinema_id, Access::Read(Entity::Cinema, cinema_id))?;
            let mut w = Where::default();
            w.eq("cinema_id", Some(cinema_id));
            query::page(tx, COLUMNS, "commands", &w, "message_seq DESC", paging, from_row)
        })
    }

    /// The site says how a command ended (DONE or FAILED, with its detail). Saying it again is
    /// harmless; saying otherwise after it ended is stale news (409). An operator may say it for
    /// a site (a cinema of theirs), and that change is audited; the site's own reports are not.
    pub fn report_command(&self, actor: &Actor, id: &str, outcome: CommandOutcome) -> Result<()> {
        actor.require_reporter()?;
        if !outcome.state.finished() {
            return Err(Error::invalid("state", "a site reports DONE or FAILED"));
        }
        let detail = validate::opt_text("detail", outcome.detail.as_deref(), MAX_REPORT_TEXT)?;
        let cinema = self.db.write(|tx| {
            let command = get(tx, id)?;
            actor.require_channel(&command.cinema_id)?;
            actor.require_cinema(tx, &command.cinema_id, Access::Write)?;
            if command.state == outcome.state {
                return Ok(None);
            }
            if command.state.finished() {
                return Err(Error::Stale(format!("command {id} already ended {}", command.state.as_str())));
            }
            tx.prepare_cached("UPDATE commands SET state = ?, detail = ?, updated_at = ? WHERE id = ?")?
                .execute(params![outcome.state.as_str(), detail, now_ms(), id])?;
            if !actor.is_site() {
                let change = Change::new(Action::Update, Entity::Command, id).cinema(&command.cinema_id);
                audit::record(tx, actor, change.before(&command).after(&get(tx, id)?))?;
            }
            Ok(Some(command.cinema_id))
        })?;
        if let Some(cinema) = cinema {
            self.tell_site_changes(&[SiteChange::new(&cinema, SiteChanged::Command { command_id: id.to_string() })]);
        }
        Ok(())
    }
}
