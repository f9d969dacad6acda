//! A user's sessions: listing them (where and when each was opened and last used) and ending
//! one. Everyone manages their own; a SYS_ADMIN anyone's.

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::actor::{Actor, Capability};
use crate::auth::token_hash;
use crate::error::{Entity, Error, Result};
use crate::Cms;

/// A session as its user (or a SYS_ADMIN) sees it; never its token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SessionInfo {
    #[serde(rename = "sessionID")]
    pub session_id: String,
    #[serde(rename = "userID")]
    pub user_id: String,
    /// When it was opened (ms since the epoch).
    pub create_time: i64,
    /// When it was last used, to within a minute (ms since the epoch).
    pub last_used_time: i64,
    /// When it ends unless ended before (ms since the epoch).
    pub expire_time: i64,
    /// The address it logged in from; empty for the desktop's own window or the command line.
    pub address: String,
    pub user_agent: String,
    /// Whether this is the session the request was made with.
    pub current: bool,
}

/// The user whose sessions the caller asks about: the caller when None.
fn whose<'a>(actor: &'a Actor, user_id: Option<&'a str>) -> Result<&'a str> {
    let own = actor.user().map(|p| p.user_id.as_str());
    match (user_id, own) {
        (Some(u), Some(me)) if u == me => Ok(me),
        (None, Some(me)) => Ok(me),
        (Some(u), _) => actor.require(Capability::ManageUsers).map(|_| u),
        (None, None) => Err(Error::invalid("userID", "is required when the caller is no user")),
    }
}

impl Cms {
    /// The live sessions of `user_id` (the caller's own when None; anyone's for a SYS_ADMIN),
    /// last used first. `current_token` marks the caller's own session.
    pub fn list_sessions(
        &self,
        actor: &Actor,
        user_id: Option<&str>,
        current_token: Option<&str>,
    ) -> Result<Vec<SessionInfo>> {
        if let Actor::Cinema { .. } = actor {
            return Err(Error::Denied("a cinema's client has no sessions".into()));
        }
        let user_id = whose(actor, user_id)?;
        let current = current_token.map(token_hash);
        let now = self.clock.now_ms();
        self.db.read(|tx| {
            let mut stmt = tx.prepare_cached(
                "SELECT id, user_id, created_at, coalesce(last_used_at, created_at), expires_at, address, user_agent,
                        token_hash
                 FROM sessions WHERE user_id = ? AND expires_at > ?
                 ORDER BY coalesce(last_used_at, created_at) DESC, id",
            )?;
            let rows = stmt.query_map(params![user_id, now], |r| {
                let hash: String = r.get(7)?;
                Ok(SessionInfo {
                    session_id: r.get(0)?,
                    user_id: r.get(1)?,
                    create_time: r.get(2)?,
                    last_used_time: r.get(3)?,
                    expire_time: r.get(4)?,
                    address: r.get(5)?,
                    user_agent: r.get(6)?,
                    current: current.as_deref() == Some(hash.as_str()),
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    /// Ends a session by its id: the caller's own, or anyone's for a SYS_ADMIN (`forbidden`
    /// otherwise). Its token stops working at once in this process.
    pub fn end_session(&self, actor: &Actor, session_id: &str) -> Result<()> {
        if let Actor::Cinema { .. } = actor {
            return Err(Error::Denied("a cinema's client has no sessions".into()));
        }
        let found: Option<(String, String)> = self.db.read(|tx| {
            Ok(tx
                .prepare_cached("SELECT token_hash, user_id FROM sessions WHERE id = ?")?
                .query_row([session_id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?)
        })?;
        let (hash, owner) = found.ok_or_else(|| Error::not_found(Entity::Session, session_id))?;
        whose(actor, Some(&owner))?;
        self.db.write(|tx| {
            tx.prepare_cached("DELETE FROM sessions WHERE id = ?")?.execute([session_id])?;
            Ok(())
        })?;
        self.sessions.forget_token(&hash);
        Ok(())
    }
}
