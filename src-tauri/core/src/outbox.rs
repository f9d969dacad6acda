//! The COMS outbox: per-cinema ordered message queues, written in the same transaction as the change they announce.

use rusqlite::{params, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

use crate::actor::{Access, Actor};
use crate::error::{Error, Result};
use crate::ids::{new_id, now_ms};
use crate::{command, delivery, Cms, Entity};

/// Message types: seed §6's two, and those of every change a site must act on (issue 13).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MessageType {
    /// A film distributed to the cinema: the full film and its file.
    NewMovie,
    /// A seat ordered films: the full task.
    NewVodTask,
    /// A distributed film changed (fields, online state or file): the full film and its file.
    MovieUpdated,
    /// A film taken back from the cinema: `{movieID}`.
    MovieWithdrawn,
    /// A task changed in the console (e.g. cancelled): the full task.
    VodTaskUpdated,
    /// Seats to act on: `{commandID, action, clientIDList}`.
    Command,
}

impl MessageType {
    pub const ALL: [MessageType; 6] = [
        MessageType::NewMovie,
        MessageType::NewVodTask,
        MessageType::MovieUpdated,
        MessageType::MovieWithdrawn,
        MessageType::VodTaskUpdated,
        MessageType::Command,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MessageType::NewMovie => "NEW_MOVIE",
            MessageType::NewVodTask => "NEW_VOD_TASK",
            MessageType::MovieUpdated => "MOVIE_UPDATED",
            MessageType::MovieWithdrawn => "MOVIE_WITHDRAWN",
            MessageType::VodTaskUpdated => "VOD_TASK_UPDATED",
            MessageType::Command => "COMMAND",
        }
    }
}

/// A message as the COMS receives it: `{"messageID", "type", "message"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComsMessage {
    #[serde(rename = "messageID")]
    pub message_id: String,
    #[serde(rename = "type")]
    pub message_type: MessageType,
    /// The full movie object for NEW_MOVIE, the full task for NEW_VOD_TASK, as they were when sent.
    pub message: serde_json::Value,
}

/// The JSON of a message body, made once however many cinemas get it.
pub(crate) fn payload(body: &impl Serialize) -> Result<String> {
    serde_json::to_string(body).map_err(|e| Error::Internal(e.to_string()))
}

/// Appends a message to `cinema_id`'s queue inside the caller's transaction; answers its place
/// in the queues (`seq`), which a record waiting for the message's acknowledgement keeps.
pub(crate) fn enqueue(tx: &Transaction<'_>, cinema_id: &str, kind: MessageType, json: &str) -> Result<i64> {
    Ok(tx
        .prepare_cached(
            "INSERT INTO coms_messages(id, cinema_id, type, payload, created_at) VALUES (?, ?, ?, ?, ?) RETURNING seq",
        )?
        .query_row(params![new_id(), cinema_id, kind.as_str(), json, now_ms()], |r| r.get(0))?)
}

fn ensure_cinema(tx: &Transaction<'_>, cinema_id: &str) -> Result<()> {
    if !tx.prepare_cached("SELECT 1 FROM cinemas WHERE id = ?")?.exists([cinema_id])? {
        return Err(Error::not_found(Entity::Cinema, cinema_id));
    }
    Ok(())
}

/// The head of a queue as stored: (message id, type, payload JSON).
fn head(tx: &Transaction<'_>, cinema_id: &str) -> Result<Option<(String, String, String)>> {
    ensure_cinema(tx, cinema_id)?;
    Ok(tx
        .prepare_cached(
            "SELECT id, type, payload FROM coms_messages WHERE cinema_id = ? AND acked_at IS NULL
             ORDER BY seq LIMIT 1",
        )?
        .query_row([cinema_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?)
}

/// A queued message exactly as the COMS receives it, already serialized.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireMessage {
    pub message_id: String,
    /// `{"messageID","type","message"}` as JSON text.
    pub json: String,
}

impl Cms {
    /// The head of the cinema's queue: the oldest message it has not acknowledged.
    pub fn next_message(&self, actor: &Actor, cinema_id: &str) -> Result<Option<ComsMessage>> {
        actor.require_channel(cinema_id)?;
        self.db.read(|tx| {
            actor.require_cinema(tx, cinema_id, Access::Read(Entity::Cinema, cinema_id))?;
            head(tx, cinema_id)?
                .map(|(id, kind, payload)| {
                    Ok(ComsMessage {
                        message_id: id,
                        message_type: serde_json::from_value(serde_json::Value::String(kind))
                            .map_err(|e| Error::Internal(e.to_string()))?,
                        message: serde_json::from_str(&payload).map_err(|e| Error::Internal(e.to_string()))?,
                    })
                })
                .transpose()
        })
    }

    /// [`Cms::next_message`] already in its wire form. The stored payload is JSON made by this
    /// core, so it is spliced in as is: a wake-up of many connections then costs no parse and no
    /// re-serialization per connection.
    pub fn next_wire_message(&self, actor: &Actor, cinema_id: &str) -> Result<Option<WireMessage>> {
        actor.require_channel(cinema_id)?;
        self.db.read(|tx| {
            actor.require_cinema(tx, cinema_id, Access::Read(Entity::Cinema, cinema_id))?;
            Ok(head(tx, cinema_id)?.map(|(id, kind, payload)| {
                // Ids and type names are plain ASCII tokens written by the core: no escaping needed.
                let mut json = String::with_capacity(id.len() + kind.len() + payload.len() + 40);
                json.push_str(r#"{"messageID":""#);
                json.push_str(&id);
                json.push_str(r#"","type":""#);
                json.push_str(&kind);
                json.push_str(r#"","message":"#);
                json.push_str(&payload);
                json.push('}');
                WireMessage { message_id: id, json }
            }))
        })
    }

    /// Acknowledges `message_id` and everything queued before it for this cinema (acks are
    /// cumulative, so a lost ack is repaired by the next one). Acking twice is harmless. In the
    /// same transaction, the deliveries and commands waiting for those messages become SENT.
    pub fn ack_message(&self, actor: &Actor, cinema_id: &str, message_id: &str) -> Result<()> {
        actor.require_channel(cinema_id)?;
        // Not in the audit log: an ack is the channel's bookkeeping, not a change of data.
        let sent = self.db.write(|tx| {
            ensure_cinema(tx, cinema_id)?;
            actor.require_cinema(tx, cinema_id, Access::Write)?;
            let seq: i64 = tx
                .prepare_cached("SELECT seq FROM coms_messages WHERE id = ? AND cinema_id = ?")?
                .query_row([message_id, cinema_id], |r| r.get(0))
                .optional()?
                .ok_or_else(|| Error::not_found(Entity::Message, message_id))?;
            let now = now_ms();
            let acked = tx
                .prepare_cached(
                    "UPDATE coms_messages SET acked_at = ? WHERE cinema_id = ? AND seq <= ? AND acked_at IS NULL",
                )?
                .execute(params![now, cinema_id, seq])?;
            if acked == 0 {
                return Ok(Vec::new());
            }
            let mut sent = delivery::mark_sent(tx, cinema_id, seq, now)?;
            sent.extend(command::mark_sent(tx, cinema_id, seq, now)?);
            Ok(sent)
        })?;
        self.tell_site_changes(&sent);
        Ok(())
    }

    /// How many messages wait for the cinema's COMS.
    pub fn pending_message_count(&self, actor: &Actor, cinema_id: &str) -> Result<u64> {
        actor.require_channel(cinema_id)?;
        self.db.read(|tx| {
            ensure_cinema(tx, cinema_id)?;
            actor.require_cinema(tx, cinema_id, Access::Read(Entity::Cinema, cinema_id))?;
            let n: i64 = tx
                .prepare_cached("SELECT count(*) FROM coms_messages WHERE cinema_id = ? AND acked_at IS NULL")?
                .query_row([cinema_id], |r| r.get(0))?;
            Ok(n as u64)
        })
    }

    /// Registers a function called (after commit) with each cinema that got a new message, so a
    /// transport can wake the polls waiting on it instead of querying in a loop.
    pub fn on_new_message(&self, f: impl Fn(&str) + Send + Sync + 'static) {
        self.listeners.lock().unwrap_or_else(|p| p.into_inner()).push(Box::new(f));
    }

    pub(crate) fn notify(&self, cinema_ids: &[String]) {
        let listeners = self.listeners.lock().unwrap_or_else(|p| p.into_inner());
        for cinema in cinema_ids {
            for f in listeners.iter() {
                f(cinema);
            }
        }
    }
}
