//! CMS users (seed §7): name, unique alias, roles, icon, and an argon2-hashed password.

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rusqlite::{params, OptionalExtension, Row, Transaction};
use serde::{Deserialize, Serialize};

use crate::actor::{Actor, Capability};
use crate::enums::{self, EnumKind, ROLE_MANAGER, ROLE_SYS_ADMIN};
use crate::error::{unique_to_conflict, Error, Result};
use crate::files::Ingest;
use crate::ids::{new_id, now_ms};
use crate::movie::file_path;
use crate::query::{self, Page, Paging, Where};
use crate::validate::{self, MAX_CODE, MAX_TEXT};
use crate::{Cms, Entity};

pub const MIN_PASSWORD: usize = 8;
const MAX_PASSWORD: usize = 128;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct User {
    #[serde(rename = "userID")]
    pub user_id: String,
    pub name: String,
    pub alias: String,
    #[serde(rename = "iconID")]
    pub icon_id: Option<String>,
    #[serde(rename = "iconURL")]
    pub icon_url: String,
    /// Comma list of role ids, as the seed sends it ("SYS_ADMIN,MANAGER").
    pub role: String,
    pub create_time: i64,
}

/// Body of create and update. `password` is required on create; on update it changes the
/// password and ends the user's sessions.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"name": "张三", "alias": "zhangsan", "role": "MANAGER", "password": "zhangsan-password"})))]
#[serde(rename_all = "camelCase")]
pub struct UserInput {
    pub name: Option<String>,
    pub alias: Option<String>,
    #[serde(rename = "iconID")]
    pub icon_id: Option<String>,
    pub role: Option<String>,
    pub password: Option<String>,
}

/// What anyone may know before logging in; each adapter adds its own mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppInfo {
    pub version: &'static str,
    /// false on first run: nobody can log in yet.
    pub has_users: bool,
}

#[derive(Debug, Clone, Default)]
pub struct UserQuery {
    pub user_ids: Vec<String>,
    pub alias: Option<String>,
    pub name: Option<String>,
    pub role: Option<String>,
    pub paging: Paging,
}

const COLUMNS: &str = "id, name, alias, icon_id, role, created_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<User> {
    let icon_id: Option<String> = r.get(3)?;
    Ok(User {
        user_id: r.get(0)?,
        name: r.get(1)?,
        alias: r.get(2)?,
        icon_url: file_path(icon_id.as_deref()),
        icon_id,
        role: r.get(4)?,
        create_time: r.get(5)?,
    })
}

pub(crate) fn get(tx: &Transaction<'_>, id: &str) -> Result<User> {
    tx.prepare_cached(&format!("SELECT {COLUMNS} FROM users WHERE id = ?"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| Error::not_found(Entity::User, id))
}

pub(crate) fn hash_password(password: &str) -> Result<String> {
    let n = password.chars().count();
    if !(MIN_PASSWORD..=MAX_PASSWORD).contains(&n) {
        return Err(Error::invalid("password", format!("must be {MIN_PASSWORD} to {MAX_PASSWORD} characters")));
    }
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Internal(format!("password hashing failed: {e}")))
}

pub(crate) fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

fn count_admins(tx: &Transaction<'_>) -> Result<i64> {
    Ok(tx.query_row(
        "SELECT count(*) FROM users WHERE ',' || role || ',' LIKE '%,' || ? || ',%'",
        [ROLE_SYS_ADMIN],
        |r| r.get(0),
    )?)
}

/// The last administrator may not lose the role or be deleted: nobody could manage users then.
fn ensure_admin_remains(tx: &Transaction<'_>) -> Result<()> {
    if count_admins(tx)? == 0 {
        return Err(Error::InUse("at least one SYS_ADMIN user must remain".into()));
    }
    Ok(())
}

impl Cms {
    pub fn create_user(&self, actor: &Actor, input: UserInput) -> Result<String> {
        actor.require(Capability::ManageUsers)?;
        let password = validate::required("password", input.password.clone())?;
        let hash = hash_password(&password)?;
        self.db.write(|tx| {
            let name = validate::text("name", &validate::required("name", input.name)?, MAX_TEXT)?;
            let alias = validate::alias("alias", &validate::required("alias", input.alias)?)?;
            let role = enums::member_list(tx, EnumKind::UserRole, input.role.as_deref().unwrap_or(ROLE_MANAGER))?.join(",");
            let icon = validate::opt_text("iconID", input.icon_id.as_deref(), MAX_CODE)?;
            let id = new_id();
            tx.prepare_cached(
                "INSERT INTO users(id, name, alias, icon_id, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            )?
            .execute(params![id, name, alias, icon, role, hash, now_ms()])
            .map_err(|e| unique_to_conflict(e, "alias", &alias))?;
            Ok(id)
        })
    }

    /// Creates the first SYS_ADMIN of a fresh database (first-run setup, by [`Actor::System`]);
    /// refused once any user exists, so it can never be used to take over an installation.
    pub fn create_first_admin(&self, actor: &Actor, name: &str, alias: &str, password: &str) -> Result<String> {
        actor.require(Capability::ManageUsers)?;
        let hash = hash_password(password)?;
        self.db.write(|tx| {
            let users: i64 = tx.query_row("SELECT count(*) FROM users", [], |r| r.get(0))?;
            if users > 0 {
                return Err(Error::Forbidden("none: the first administrator already exists"));
            }
            let name = validate::text("name", name, MAX_TEXT)?;
            let alias = validate::alias("alias", alias)?;
            let id = new_id();
            tx.execute(
                "INSERT INTO users(id, name, alias, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                params![id, name, alias, ROLE_SYS_ADMIN, hash, now_ms()],
            )?;
            Ok(id)
        })
    }

    pub fn update_user(&self, actor: &Actor, id: &str, patch: UserInput) -> Result<()> {
        actor.require(Capability::ManageUsers)?;
        let hash = patch.password.as_deref().map(hash_password).transpose()?;
        self.db.write(|tx| {
            let b = get(tx, id)?;
            let name = validate::text("name", patch.name.as_deref().unwrap_or(&b.name), MAX_TEXT)?;
            let alias = validate::alias("alias", patch.alias.as_deref().unwrap_or(&b.alias))?;
            let role = enums::member_list(tx, EnumKind::UserRole, patch.role.as_deref().unwrap_or(&b.role))?.join(",");
            let icon = validate::opt_text("iconID", patch.icon_id.as_deref().or(b.icon_id.as_deref()), MAX_CODE)?;
            tx.prepare_cached("UPDATE users SET name = ?, alias = ?, role = ?, icon_id = ? WHERE id = ?")?
                .execute(params![name, alias, role, icon, id])
                .map_err(|e| unique_to_conflict(e, "alias", &alias))?;
            ensure_admin_remains(tx)?;
            if let Some(hash) = &hash {
                tx.prepare_cached("UPDATE users SET password_hash = ? WHERE id = ?")?.execute(params![hash, id])?;
                // A changed password ends every session opened with the old one.
                tx.prepare_cached("DELETE FROM sessions WHERE user_id = ?")?.execute([id])?;
            }
            Ok(())
        })?;
        // Name, roles or password changed: sessions resolve afresh (and die with a new password).
        self.sessions.forget_users(&[id.to_string()]);
        Ok(())
    }

    pub fn get_user(&self, actor: &Actor, id: &str) -> Result<User> {
        actor.require(Capability::ManageUsers)?;
        self.db.read(|tx| get(tx, id))
    }

    /// Seed §7.2: stores the picture the caller uploaded (`ingest`, not yet stored) as a user
    /// icon; with `user_id`, that user's icon becomes it: one's own, or anyone's for whoever
    /// manages users. A cinema's client sets no icons. Answers the file's id.
    pub fn store_user_icon(&self, actor: &Actor, user_id: Option<&str>, ingest: Ingest) -> Result<String> {
        if let Actor::Cinema { .. } = actor {
            return Err(Error::Denied("user icons are uploaded by users".into()));
        }
        if !ingest.sniffed().is_some_and(|m| m.starts_with("image/")) {
            return Err(Error::invalid("file", "must be a picture (PNG, JPEG, GIF, WebP, BMP)"));
        }
        let Some(uid) = user_id else {
            return Ok(ingest.finish(0)?.file_id);
        };
        if actor.user().is_none_or(|me| me.user_id != uid) {
            actor.require(Capability::ManageUsers)?;
        }
        self.db.read(|tx| get(tx, uid))?; // an unknown user: 404, and nothing is stored
        let file = ingest.finish(0)?;
        self.db.write(|tx| {
            match tx.prepare_cached("UPDATE users SET icon_id = ? WHERE id = ?")?.execute(params![file.file_id, uid])? {
                0 => Err(Error::not_found(Entity::User, uid)),
                _ => Ok(()),
            }
        })?;
        Ok(file.file_id)
    }

    /// The user the caller is (`GET /cms/me`); a cinema's client or the system is no user.
    pub fn me(&self, actor: &Actor) -> Result<User> {
        let p = actor.user().ok_or_else(|| {
            Error::Denied("only a user has a user record; a cinema's client or the system has none".into())
        })?;
        self.db.read(|tx| get(tx, &p.user_id))
    }

    /// What anyone may know before logging in (`GET /cms/app_info`).
    pub fn app_info(&self) -> Result<AppInfo> {
        let users = self.db.read(|tx| Ok(tx.query_row("SELECT count(*) FROM users", [], |r| r.get::<_, i64>(0))?))?;
        Ok(AppInfo { version: env!("CARGO_PKG_VERSION"), has_users: users > 0 })
    }

    pub fn list_users(&self, actor: &Actor, q: &UserQuery) -> Result<Page<User>> {
        actor.require(Capability::ManageUsers)?;
        let mut w = Where::default();
        w.any_of("id", &q.user_ids).eq("alias", q.alias.as_deref()).contains("name", q.name.as_deref());
        if let Some(role) = q.role.as_deref().filter(|r| !r.is_empty()) {
            w.raw("',' || role || ',' LIKE ?", vec![rusqlite::types::Value::Text(format!("%,{role},%"))]);
        }
        self.db.read(|tx| query::page(tx, COLUMNS, "users", &w, "alias", q.paging, from_row))
    }

    /// Deletes users and their sessions, all or nothing; the last SYS_ADMIN stays.
    pub fn delete_users(&self, actor: &Actor, ids: &[String]) -> Result<()> {
        actor.require(Capability::ManageUsers)?;
        let ids = validate::id_list("userID", ids)?;
        self.db.write(|tx| {
            query::ensure_all_exist(tx, "users", &ids, Entity::User)?;
            let mut stmt = tx.prepare_cached("DELETE FROM users WHERE id = ?")?;
            for id in &ids {
                stmt.execute([id])?;
            }
            ensure_admin_remains(tx)
        })?;
        self.sessions.forget_users(&ids);
        Ok(())
    }
}
