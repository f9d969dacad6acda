//! Folders of the resource disk (seed 004 §4.5 createFolder): a tree per owner space, renamed, moved within its space, deleted when empty or on request with everything in it.

use rusqlite::{params, OptionalExtension, Row, Transaction};
use serde::{Deserialize, Serialize};

use super::{
    can_read, can_write, china_time, org_id, require_read, require_write, resolve_space, Actor, Owner, OwnerType,
    Space, ROOT,
};
use crate::actor::Capability;
use crate::error::{unique_to_conflict, Error, Result};
use crate::ids::{new_id, now_ms};
use crate::{Cms, Entity};

/// Longest folder name, in characters (as for file names).
const MAX_FOLDER_NAME: usize = 255;
/// Deepest folder tree: deep enough for any filing, shallow enough that every walk up or down
/// the tree stays cheap.
const MAX_DEPTH: i64 = 64;

/// A folder as answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Folder {
    pub dir_id: String,
    pub dir_name: String,
    /// "0" for a folder at the space's root.
    pub parent_id: String,
    pub owner_type: String,
    /// The user, cinema or organisation id owning the space.
    pub owner_id: String,
    pub created_by: String,
    pub create_time: String,
    pub modify_time: String,
}

/// A new folder (seed 004 §4.5 createFolder): in the space of `owner`, under `parent_id` (the
/// space's root when absent or "0").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFolder {
    pub owner: Owner,
    pub parent_id: Option<String>,
    /// Unique among its siblings.
    pub name: String,
}

/// What a recursive delete took with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct FolderDeletion {
    pub folders: u64,
    pub resources: u64,
}

/// A space the caller may use, for choosing where to file things.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SpaceInfo {
    pub owner_type: String,
    pub owner_id: String,
    pub name: String,
    pub writable: bool,
}

const COLUMNS: &str = "id, name, coalesce(parent_id, '0'), owner_type, owner_id, created_by, created_at, updated_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Folder> {
    Ok(Folder {
        dir_id: r.get(0)?,
        dir_name: r.get(1)?,
        parent_id: r.get(2)?,
        owner_type: r.get::<_, i64>(3)?.to_string(),
        owner_id: r.get(4)?,
        created_by: r.get(5)?,
        create_time: china_time(r.get(6)?),
        modify_time: china_time(r.get(7)?),
    })
}

/// A folder and its space.
pub(crate) fn load(tx: &Transaction<'_>, id: &str) -> Result<(Folder, Space)> {
    let folder = tx
        .prepare_cached(&format!("SELECT {COLUMNS} FROM disk_folders WHERE id = ?"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| Error::not_found(Entity::Folder, id))?;
    let space = Space {
        owner_type: OwnerType::from_code(folder.owner_type.parse().unwrap_or(2)),
        owner_id: folder.owner_id.clone(),
    };
    Ok((folder, space))
}

/// The folder a `parentId` names inside `space`: None for the root ("0"); a folder of another
/// space is refused rather than silently filed elsewhere.
pub(crate) fn parent_in(tx: &Transaction<'_>, space: &Space, parent_id: Option<&str>) -> Result<Option<String>> {
    match parent_id.filter(|p| *p != ROOT) {
        None => Ok(None),
        Some(p) => {
            let (_, parent_space) = load(tx, p)?;
            if parent_space != *space {
                return Err(Error::invalid("parentId", format!("folder {p} belongs to another owner's space")));
            }
            Ok(Some(p.to_string()))
        }
    }
}

fn folder_name(v: &str) -> Result<String> {
    let name = crate::validate::text("dirName", v, MAX_FOLDER_NAME)?;
    // As the document's pattern says: no separator, and not dots alone ("..", "...").
    if name.contains(['/', '\\']) || name.chars().all(|c| c == '.') {
        return Err(Error::invalid("dirName", "must not contain '/' or '\\' nor be dots alone ('.', '..')"));
    }
    Ok(name)
}

/// How deep `folder` is (a root folder is 1).
fn depth(tx: &Transaction<'_>, folder: Option<&str>) -> Result<i64> {
    let Some(folder) = folder else { return Ok(0) };
    Ok(tx.query_row(
        "WITH RECURSIVE up(id, n) AS (SELECT ?1, 1 UNION ALL
             SELECT f.parent_id, up.n + 1 FROM disk_folders f JOIN up ON f.id = up.id WHERE f.parent_id IS NOT NULL)
         SELECT max(n) FROM up",
        [folder],
        |r| r.get(0),
    )?)
}

/// The folder and everything below it.
pub(crate) fn subtree(tx: &Transaction<'_>, id: &str) -> Result<Vec<String>> {
    let mut stmt = tx.prepare_cached(
        "WITH RECURSIVE down(id) AS (SELECT ?1 UNION ALL SELECT f.id FROM disk_folders f JOIN down ON f.parent_id = down.id)
         SELECT id FROM down",
    )?;
    let ids = stmt.query_map([id], |r| r.get(0))?.collect::<Result<Vec<String>, _>>()?;
    Ok(ids)
}

impl Cms {
    /// Seed 004 §4.5: a folder in a space the caller may write; the answer is its `dirId`.
    pub fn create_folder(&self, actor: &Actor, input: NewFolder) -> Result<String> {
        actor.require(Capability::Library)?;
        let name = folder_name(&input.name)?;
        self.db.write(|tx| {
            let space = resolve_space(tx, actor, &input.owner)?;
            require_write(actor, &space)?;
            let parent = parent_in(tx, &space, input.parent_id.as_deref())?;
            if depth(tx, parent.as_deref())? >= MAX_DEPTH {
                return Err(Error::invalid("parentId", format!("folders nest at most {MAX_DEPTH} deep")));
            }
            let id = new_id();
            let now = now_ms();
            tx.prepare_cached(
                "INSERT INTO disk_folders(id, owner_type, owner_id, parent_id, name, created_by, created_at, updated_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            )?
            .execute(params![id, space.owner_type.code(), space.owner_id, parent, name, actor.owner(), now, now])
            .map_err(|e| unique_to_conflict(e, "dirName", &name))?;
            Ok(id)
        })
    }

    pub fn folder(&self, actor: &Actor, dir_id: &str) -> Result<Folder> {
        actor.require(Capability::Library)?;
        self.db.read(|tx| {
            let (folder, space) = load(tx, dir_id)?;
            require_read(actor, &space)?;
            Ok(folder)
        })
    }

    /// The folders directly in `parent_id` (absent or "0": the root of the space of `owner`).
    pub fn list_folders(&self, actor: &Actor, owner: Option<&Owner>, parent_id: Option<&str>) -> Result<Vec<Folder>> {
        actor.require(Capability::Library)?;
        self.db.read(|tx| {
            let space = match (parent_id.filter(|p| *p != ROOT), owner) {
                (Some(p), _) => load(tx, p)?.1,
                (None, Some(owner)) => resolve_space(tx, actor, owner)?,
                (None, None) => return Err(Error::invalid("ownerType", "is required")),
            };
            require_read(actor, &space)?;
            let mut stmt = tx.prepare_cached(&format!(
                "SELECT {COLUMNS} FROM disk_folders WHERE owner_type = ? AND owner_id = ? AND coalesce(parent_id, '') = ?
                 ORDER BY name COLLATE NOCASE, id"
            ))?;
            let parent = parent_id.filter(|p| *p != ROOT).unwrap_or("");
            let rows = stmt
                .query_map(params![space.owner_type.code(), space.owner_id, parent], from_row)?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
    }

    pub fn rename_folder(&self, actor: &Actor, dir_id: &str, name: &str) -> Result<()> {
        actor.require(Capability::Library)?;
        let name = folder_name(name)?;
        self.db.write(|tx| {
            let (_, space) = load(tx, dir_id)?;
            require_write(actor, &space)?;
            tx.prepare_cached("UPDATE disk_folders SET name = ?, updated_at = ? WHERE id = ?")?
                .execute(params![name, now_ms(), dir_id])
                .map_err(|e| unique_to_conflict(e, "dirName", &name))?;
            Ok(())
        })
    }

    /// Moves a folder under another folder of the same space (or its root); never under itself.
    pub fn move_folder(&self, actor: &Actor, dir_id: &str, parent_id: Option<&str>) -> Result<()> {
        actor.require(Capability::Library)?;
        self.db.write(|tx| {
            let (folder, space) = load(tx, dir_id)?;
            require_write(actor, &space)?;
            let parent =
                parent_in(tx, &space, Some(parent_id.ok_or_else(|| Error::invalid("parentId", "is required"))?))?;
            if let Some(p) = &parent {
                if subtree(tx, dir_id)?.contains(p) {
                    return Err(Error::invalid("parentId", "a folder cannot move into itself or a folder inside it"));
                }
                let below: i64 = tx.query_row(
                    "WITH RECURSIVE down(id, n) AS (SELECT ?1, 1 UNION ALL
                         SELECT f.id, down.n + 1 FROM disk_folders f JOIN down ON f.parent_id = down.id)
                     SELECT max(n) FROM down",
                    [dir_id],
                    |r| r.get(0),
                )?;
                if depth(tx, Some(p))? + below > MAX_DEPTH {
                    return Err(Error::invalid("parentId", format!("folders nest at most {MAX_DEPTH} deep")));
                }
            }
            tx.prepare_cached("UPDATE disk_folders SET parent_id = ?, updated_at = ? WHERE id = ?")?
                .execute(params![parent, now_ms(), dir_id])
                .map_err(|e| unique_to_conflict(e, "dirName", &folder.dir_name))?;
            Ok(())
        })
    }

    /// Deletes a folder. One with folders or resources in it is refused (409) unless
    /// `recursive`, and then it goes with everything below it, all or nothing: a resource
    /// marked canRemoved=1 anywhere below refuses the whole delete.
    pub fn delete_folder(&self, actor: &Actor, dir_id: &str, recursive: bool) -> Result<FolderDeletion> {
        actor.require(Capability::Library)?;
        self.db.write(|tx| {
            let (_, space) = load(tx, dir_id)?;
            require_write(actor, &space)?;
            let ids = subtree(tx, dir_id)?;
            let mut resources = 0u64;
            let mut count = tx.prepare_cached("SELECT count(*) FROM disk_resources WHERE folder_id = ?")?;
            let mut kept = tx.prepare_cached("SELECT id FROM disk_resources WHERE folder_id = ? AND can_removed = 1 LIMIT 1")?;
            for id in &ids {
                resources += count.query_row([id], |r| r.get::<_, i64>(0))? as u64;
                if let Some(res) = kept.query_row([id], |r| r.get::<_, String>(0)).optional()? {
                    return Err(Error::InUse(format!("resource {res} in this folder may not be removed (canRemoved=1)")));
                }
            }
            let folders = ids.len() as u64 - 1;
            if !recursive && (folders > 0 || resources > 0) {
                return Err(Error::InUse(format!(
                    "folder {dir_id} is not empty ({folders} folders, {resources} resources); delete it with recursive to take them too"
                )));
            }
            // Child folders and their resources follow by ON DELETE CASCADE (full-text rows by trigger).
            tx.prepare_cached("DELETE FROM disk_folders WHERE id = ?")?.execute([dir_id])?;
            Ok(FolderDeletion { folders: folders + 1, resources })
        })
    }

    /// The spaces the caller may use: its own personal space, every cinema's it may see, the chain's.
    pub fn library_spaces(&self, actor: &Actor) -> Result<Vec<SpaceInfo>> {
        actor.require(Capability::Library)?;
        self.db.read(|tx| {
            let mut out = Vec::new();
            let mut push = |space: Space, name: String| {
                if can_read(actor, &space) {
                    out.push(SpaceInfo {
                        owner_type: space.owner_type.wire(),
                        writable: can_write(actor, &space),
                        owner_id: space.owner_id,
                        name,
                    });
                }
            };
            if let Actor::User(p) = actor {
                push(Space { owner_type: OwnerType::Personal, owner_id: p.user_id.clone() }, p.name.clone());
            }
            let mut stmt = tx.prepare_cached("SELECT id, name FROM cinemas ORDER BY code")?;
            let cinemas = stmt
                .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
                .collect::<Result<Vec<_>, _>>()?;
            for (id, name) in cinemas {
                push(Space { owner_type: OwnerType::Group, owner_id: id }, name);
            }
            push(Space { owner_type: OwnerType::Org, owner_id: org_id(tx)? }, "chain".to_string());
            Ok(out)
        })
    }
}
