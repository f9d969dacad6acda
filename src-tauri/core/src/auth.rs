//! Logging in: bearer-token sessions for users, resolved to the [`Principal`] an actor is made of.

use std::collections::HashMap;
use std::sync::Mutex;

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::actor::{Actor, Origin, Principal, Scope, Via};
use crate::audit::{self, Action, Change};
use crate::error::{Entity, Error, Result};
use crate::ids::{new_id, new_secret};
use crate::lockout;
use crate::user::verify_password;
use crate::Cms;

/// How long a session lives after login.
pub const SESSION_TTL_MS: i64 = 24 * 60 * 60 * 1000;

/// The answer to a login: `{"token","userID","name","role"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Session {
    pub token: String,
    #[serde(rename = "userID")]
    pub user_id: String,
    pub name: String,
    pub role: String,
}

/// How long a resolved session is trusted from memory. Logout, password changes and deletes made
/// through this process drop entries at once; the TTL bounds what another process sharing the
/// data dir could leave stale.
const CACHE_TTL_MS: i64 = 60_000;
/// Past this many entries the cache starts over rather than grow without bound.
const CACHE_MAX: usize = 50_000;

/// Sessions resolved recently, by token hash: every API request authenticates, and a lookup in
/// memory spares it a query and a trip to the blocking pool.
#[derive(Default)]
pub(crate) struct SessionCache {
    entries: Mutex<HashMap<String, (Principal, i64)>>,
}

impl SessionCache {
    fn get(&self, hash: &str, now: i64) -> Option<Principal> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.get(hash).filter(|(_, until)| *until > now).map(|(p, _)| p.clone())
    }

    fn put(&self, hash: String, principal: Principal, until: i64) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= CACHE_MAX {
            entries.clear();
        }
        entries.insert(hash, (principal, until));
    }

    pub(crate) fn forget_token(&self, hash: &str) {
        self.entries.lock().unwrap_or_else(|p| p.into_inner()).remove(hash);
    }

    /// Drops every session (the database was restored: none of them holds any more).
    pub(crate) fn clear(&self) {
        self.entries.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }

    /// Drops every session of these users (their roles, name or password changed, or they went).
    pub(crate) fn forget_users(&self, user_ids: &[String]) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.retain(|_, (p, _)| !user_ids.contains(&p.user_id));
    }
}

pub(crate) fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A valid hash to verify against when the alias is unknown, so a wrong alias takes as long
/// as a wrong password and does not reveal which aliases exist.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$5gQO8iJ0Cexs0BfXvaTqUf9mAtoJ3+X7kWWH8a+fG3Y";

/// The audit log's view of a session: who it is, never its token.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SessionRecord<'a> {
    #[serde(rename = "userID")]
    user_id: &'a str,
    name: &'a str,
    role: &'a str,
}

/// Where a login comes from, kept with its session for its user to recognise it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoginFrom {
    /// The client's address; empty for a login over no network (the desktop's own window, the
    /// CLI), which no per-address counter then limits.
    pub address: String,
    /// The client's `User-Agent`, cut to [`MAX_USER_AGENT`] characters.
    pub user_agent: String,
    /// The way in (desktop, web, command line), for the audit log.
    pub via: Via,
}

impl LoginFrom {
    /// Where the audit log says the login came from.
    fn origin(&self) -> Origin {
        match self.address.as_str() {
            "" => Origin::new("local", self.via),
            address => Origin::new(address, self.via),
        }
    }
}

/// The longest user agent kept with a session.
pub const MAX_USER_AGENT: usize = 256;

/// How stale a session's recorded last use may get: it is written when the session is
/// resolved from the database, not on every request answered from memory.
const LAST_USED_PRECISION_MS: i64 = CACHE_TTL_MS;

impl Cms {
    /// Checks alias and password and opens a session, for a login over no network.
    pub fn login(&self, alias: &str, password: &str) -> Result<Session> {
        self.login_from(&LoginFrom::default(), alias, password)
    }

    /// Checks alias and password and opens a session for a client at `from`. After too many
    /// failures for the alias or from the address lately ([`crate::lockout`]) no password is
    /// checked: `too_many_requests`, with how long to wait. Both the login and a failed try are
    /// recorded in the audit log.
    pub fn login_from(&self, from: &LoginFrom, alias: &str, password: &str) -> Result<Session> {
        if alias.trim().is_empty() {
            return Err(Error::invalid("alias", "is required"));
        }
        let keys = lockout::Keys::new(alias, &from.address);
        let now = self.clock.now_ms();
        let alias = alias.trim();
        let row: Option<(String, String, String, String)> = self.db.read(|tx| {
            lockout::check(tx, &keys, now)?;
            Ok(tx
                .prepare_cached("SELECT id, name, role, password_hash FROM users WHERE alias = ?")?
                .query_row([alias], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
                .optional()?)
        })?;
        let known = match row {
            Some((user_id, name, role, hash)) if verify_password(password, &hash) => Some((user_id, name, role)),
            Some(_) => None,
            None => {
                verify_password(password, DUMMY_HASH);
                None
            }
        };
        let Some((user_id, name, role)) = known else {
            // Recorded on its own: no change happened, but who tried what from where matters.
            let mut tried = Change::new(Action::LoginFailed, Entity::Session, alias);
            tried.after = Some(serde_json::json!({ "alias": alias }));
            self.db.write(|tx| {
                lockout::record_failure(tx, &keys, now)?;
                audit::record_from(tx, &from.origin(), None, None, tried)
            })?;
            return Err(Error::BadCredentials);
        };
        let token = new_secret();
        let user_agent: String = from.user_agent.chars().take(MAX_USER_AGENT).collect();
        self.db.write(|tx| {
            lockout::clear_alias(tx, &keys)?;
            // Expired sessions are swept here rather than by a timer: logins are rare and cheap.
            tx.prepare_cached("DELETE FROM sessions WHERE expires_at < ?")?.execute([now])?;
            tx.prepare_cached(
                "INSERT INTO sessions(token_hash, id, user_id, created_at, last_used_at, expires_at, address, user_agent)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            )?
            .execute(params![
                token_hash(&token),
                new_id(),
                user_id,
                now,
                now,
                now + SESSION_TTL_MS,
                from.address,
                user_agent
            ])?;
            let record = SessionRecord { user_id: &user_id, name: &name, role: &role };
            let change = Change::new(Action::Login, Entity::Session, &user_id).after(&record);
            audit::record_from(tx, &from.origin(), Some(&user_id), None, change)
        })?;
        Ok(Session { token, user_id, name, role })
    }

    /// Resolves a bearer token; an unknown, expired or revoked token is Unauthorized.
    pub fn authenticate(&self, token: &str) -> Result<Principal> {
        let hash = token_hash(token);
        let now = self.clock.now_ms();
        if let Some(p) = self.sessions.get(&hash, now) {
            return Ok(p);
        }
        let (principal, expires_at, last_used_at) = self.db.read(|tx| {
            tx.prepare_cached(
                "SELECT u.id, u.name, u.role, u.all_cinemas, s.expires_at, coalesce(s.last_used_at, s.created_at)
                 FROM sessions s JOIN users u ON u.id = s.user_id
                 WHERE s.token_hash = ? AND s.expires_at > ?",
            )?
            .query_row(params![hash, now], |r| {
                let role: String = r.get(2)?;
                let principal = Principal {
                    user_id: r.get(0)?,
                    name: r.get(1)?,
                    roles: role.split(',').map(str::to_string).collect(),
                    scope: if r.get::<_, bool>(3)? { Scope::All } else { Scope::Assigned },
                    origin: Origin::local(),
                };
                Ok((principal, r.get::<_, i64>(4)?, r.get::<_, i64>(5)?))
            })
            .optional()?
            .ok_or(Error::Unauthorized)
        })?;
        if now - last_used_at >= LAST_USED_PRECISION_MS {
            self.note_session_used(&hash, now);
        }
        self.sessions.put(hash, principal.clone(), expires_at.min(now + CACHE_TTL_MS));
        Ok(principal)
    }

    /// The session of `token` if it was resolved recently: memory only, never the database,
    /// so async code may call it without going to the blocking pool.
    pub fn cached_principal(&self, token: &str) -> Option<Principal> {
        self.sessions.get(&token_hash(token), self.clock.now_ms())
    }

    /// Records that a session was used. Best effort: a busy database must not turn a valid
    /// session into a failed request, and the next resolution tries again.
    fn note_session_used(&self, hash: &str, now: i64) {
        let noted = self.db.write(|tx| {
            tx.prepare_cached("UPDATE sessions SET last_used_at = ? WHERE token_hash = ?")?
                .execute(params![now, hash])?;
            Ok(())
        });
        if let Err(e) = noted {
            tracing::warn!(error = %e, "could not record a session's last use");
        }
    }

    /// Ends the session of `token`, `actor`'s; logging out twice is harmless (and recorded once).
    pub fn logout(&self, actor: &Actor, token: &str) -> Result<()> {
        let hash = token_hash(token);
        self.db.write(|tx| {
            let ended = tx.prepare_cached("DELETE FROM sessions WHERE token_hash = ?")?.execute([&hash])?;
            match actor.user() {
                Some(p) if ended > 0 => {
                    audit::record(tx, actor, Change::new(Action::Logout, Entity::Session, &p.user_id))
                }
                _ => Ok(()),
            }
        })?;
        self.sessions.forget_token(&hash);
        Ok(())
    }
}
