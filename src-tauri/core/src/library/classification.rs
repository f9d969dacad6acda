//! The classification tree: nodes of any kind and depth, queried in the shape of seed 004's queryChapters.
//!
//! The seed's period → subject → edition → grade → volume → textbook → chapter is one tree of
//! this kind, told apart by `kind`. queryChapters is generic here: a node's "textbook" is its
//! nearest ancestor of another kind (the node a run of same-kind nodes hangs from), `chapterPid`
//! is "0" for nodes right below it, and `chapterLevel` counts from it (its children are level
//! 2, as in the seed's example).

use rusqlite::{params, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

use super::ROOT;
use crate::actor::{Actor, Capability};
use crate::error::{unique_to_conflict, Error, Result};
use crate::ids::{new_id, now_ms};
use crate::validate::{self, MAX_TEXT};
use crate::{Cms, Entity};

/// Longest `kind`, in characters.
pub const MAX_KIND: usize = 32;
/// Deepest tree: the seed's instance needs 7 levels plus chapters within chapters.
const MAX_DEPTH: i64 = 32;

/// A node as queryChapters answers it, with the generic names beside the seed's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ClassificationNode {
    pub chapter_id: String,
    pub chapter_title: String,
    /// "0" when the parent is the node's textbook (or the node is at the top).
    pub chapter_pid: String,
    /// The nearest ancestor of another kind, "0" if none.
    pub textbook_id: String,
    /// Level below the textbook, which is level 1 (the seed names it `depth` and `chapterLevel`).
    pub depth: i64,
    pub chapter_level: i64,
    /// "Y" or "N".
    pub is_leaf: String,
    pub kind: String,
    /// The real parent, "0" at the top.
    pub parent_id: String,
    pub sort_num: i64,
}

/// What queryChapters (seed 004 §3.8) asks for: below `parent_id` ("0": the top of the tree),
/// a node taken as a textbook (any node whose subtree is wanted) or as a chapter, the whole
/// subtree or its children only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChapterScope {
    pub parent_id: String,
    /// The parent is a chapter (the seed's parentType 1), not a textbook (0).
    pub of_chapter: bool,
    /// The whole subtree (the seed's retType 0), not the children only (1).
    pub whole: bool,
}

/// A new node of the tree, under `parent_id` ("0" or absent: at the top).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewClassification {
    pub parent_id: Option<String>,
    /// What the node is (`period`, `subject` … `chapter`): letters, digits, '_' and '-'.
    pub kind: String,
    pub title: String,
    /// Where it sorts among its siblings (0 when absent).
    pub sort: Option<i64>,
}

/// A change to node `id`: any field left out stays.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClassificationChange {
    pub id: String,
    pub parent_id: Option<String>,
    pub title: Option<String>,
    pub sort: Option<i64>,
}

struct Node {
    id: String,
    parent: Option<String>,
    kind: String,
}

fn node(tx: &Transaction<'_>, id: &str) -> Result<Node> {
    tx.prepare_cached("SELECT id, parent_id, kind FROM classifications WHERE id = ?")?
        .query_row([id], |r| Ok(Node { id: r.get(0)?, parent: r.get(1)?, kind: r.get(2)? }))
        .optional()?
        .ok_or_else(|| Error::not_found(Entity::Classification, id))
}

/// The node's ancestors, nearest first.
fn ancestors(tx: &Transaction<'_>, id: &str) -> Result<Vec<Node>> {
    let mut out: Vec<Node> = Vec::new();
    let mut next = node(tx, id)?.parent;
    while let Some(p) = next {
        if out.len() as i64 > MAX_DEPTH {
            return Err(Error::Internal(format!("classification {id} has a cycle above it")));
        }
        let n = node(tx, &p)?;
        next = n.parent.clone();
        out.push(n);
    }
    Ok(out)
}

/// Checks that every id names a node; the first that does not is Invalid on `field`.
pub(crate) fn ensure_nodes(tx: &Transaction<'_>, field: &str, ids: &[String]) -> Result<()> {
    let mut stmt = tx.prepare_cached("SELECT 1 FROM classifications WHERE id = ?")?;
    for id in ids {
        if !stmt.exists([id])? {
            return Err(Error::invalid(field, format!("no classification {id}")));
        }
    }
    Ok(())
}

/// Recomputes the nodes resource `seq` is under: its own and all their ancestors.
pub(crate) fn rebuild_ancestry(tx: &Transaction<'_>, seq: i64) -> Result<()> {
    tx.prepare_cached("DELETE FROM resource_ancestry WHERE resource_seq = ?")?.execute([seq])?;
    let own: Vec<String> = tx
        .prepare_cached("SELECT node_id FROM resource_classifications WHERE resource_seq = ?")?
        .query_map([seq], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut parent = tx.prepare_cached("SELECT parent_id FROM classifications WHERE id = ?")?;
    let mut insert =
        tx.prepare_cached("INSERT OR IGNORE INTO resource_ancestry(node_id, resource_seq) VALUES (?, ?)")?;
    for node in own {
        let mut next = Some(node);
        let mut steps = 0;
        while let Some(n) = next {
            if insert.execute(params![n, seq])? == 0 || steps > MAX_DEPTH {
                break; // reached from another of its nodes already: the rest is in
            }
            next = parent.query_row([&n], |r| r.get::<_, Option<String>>(0)).optional()?.flatten();
            steps += 1;
        }
    }
    Ok(())
}

fn kind(v: &str) -> Result<String> {
    validate::code("kind", v, MAX_KIND)
}

impl Cms {
    /// A new node under `parentId` ("0" or absent: at the top); the answer is its id.
    pub fn create_classification(&self, actor: &Actor, input: NewClassification) -> Result<String> {
        actor.require(Capability::Operate)?;
        let kind = kind(&input.kind)?;
        let title = validate::text("title", &input.title, MAX_TEXT)?;
        self.db.write(|tx| {
            let parent = input.parent_id.filter(|p| p != ROOT);
            if let Some(p) = &parent {
                if ancestors(tx, p)?.len() as i64 + 2 > MAX_DEPTH {
                    return Err(Error::invalid("parentId", format!("the tree is at most {MAX_DEPTH} deep")));
                }
            }
            let id = new_id();
            tx.prepare_cached(
                "INSERT INTO classifications(id, parent_id, kind, title, sort, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            )?
            .execute(params![id, parent, kind, title, input.sort.unwrap_or(0), now_ms()])
            .map_err(|e| match e {
                rusqlite::Error::SqliteFailure(f, _)
                    if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY =>
                {
                    Error::not_found(Entity::Classification, parent.clone().unwrap_or_default())
                }
                e => unique_to_conflict(e, "title", &title),
            })?;
            Ok(id)
        })
    }

    /// Renames, re-sorts or moves a node (never under itself).
    pub fn update_classification(&self, actor: &Actor, patch: ClassificationChange) -> Result<()> {
        actor.require(Capability::Operate)?;
        let id = patch.id;
        let title = patch.title.as_deref().map(|t| validate::text("title", t, MAX_TEXT)).transpose()?;
        self.db.write(|tx| {
            node(tx, &id)?;
            if let Some(parent) = patch.parent_id.as_deref() {
                let parent = Some(parent).filter(|p| *p != ROOT);
                if let Some(p) = parent {
                    let above = ancestors(tx, p)?;
                    if p == id || above.iter().any(|n| n.id == id) {
                        return Err(Error::invalid("parentId", "a node cannot move under itself"));
                    }
                }
                tx.prepare_cached("UPDATE classifications SET parent_id = ? WHERE id = ?")?
                    .execute(params![parent, id])
                    .map_err(|e| unique_to_conflict(e, "title", &id))?;
                // The resources under the moved subtree are now under other ancestors.
                let moved: Vec<i64> = tx
                    .prepare_cached("SELECT resource_seq FROM resource_ancestry WHERE node_id = ?")?
                    .query_map([&id], |r| r.get(0))?
                    .collect::<Result<_, _>>()?;
                for seq in moved {
                    rebuild_ancestry(tx, seq)?;
                }
            }
            if let Some(t) = &title {
                tx.prepare_cached("UPDATE classifications SET title = ? WHERE id = ?")?
                    .execute(params![t, id])
                    .map_err(|e| unique_to_conflict(e, "title", t))?;
            }
            if let Some(s) = patch.sort {
                tx.prepare_cached("UPDATE classifications SET sort = ? WHERE id = ?")?.execute(params![s, id])?;
            }
            Ok(())
        })
    }

    /// Deletes a leaf no resource is classified under; anything else is refused (409) so that no
    /// resource silently loses its classification.
    pub fn delete_classification(&self, actor: &Actor, id: &str) -> Result<()> {
        actor.require(Capability::Operate)?;
        self.db.write(|tx| {
            node(tx, id)?;
            let children: i64 =
                tx.query_row("SELECT count(*) FROM classifications WHERE parent_id = ?", [id], |r| r.get(0))?;
            if children > 0 {
                return Err(Error::InUse(format!(
                    "classification {id} has {children} nodes below it; delete them first"
                )));
            }
            let used: i64 =
                tx.query_row("SELECT count(*) FROM resource_classifications WHERE node_id = ?", [id], |r| r.get(0))?;
            if used > 0 {
                return Err(Error::InUse(format!("{used} resources are classified under {id}")));
            }
            tx.prepare_cached("DELETE FROM classifications WHERE id = ?")?.execute([id])?;
            Ok(())
        })
    }

    /// Seed 004 §3.8 over the generic tree. parentId "0" is the top of the tree.
    pub fn query_chapters(&self, actor: &Actor, q: &ChapterScope) -> Result<Vec<ClassificationNode>> {
        actor.require(Capability::Library)?;
        let (parent_id, whole) = (&q.parent_id, q.whole);
        self.db.read(|tx| {
            // The textbook of what is returned, and the queried node's level below it.
            let (textbook, base_level) = if parent_id == ROOT {
                (ROOT.to_string(), 1)
            } else if !q.of_chapter {
                node(tx, parent_id)?;
                (parent_id.clone(), 1)
            } else {
                let start = node(tx, parent_id)?;
                let above = ancestors(tx, parent_id)?;
                match above.iter().position(|n| n.kind != start.kind) {
                    Some(i) => (above[i].id.clone(), i as i64 + 2),
                    None => (ROOT.to_string(), above.len() as i64 + 2),
                }
            };
            let top = (parent_id != ROOT).then(|| parent_id.clone());
            let limit = if whole { MAX_DEPTH } else { 1 };
            // Depth first; siblings by `sort`, then in the order they were created (the rowid:
            // ids made in the same millisecond do not sort in creation order).
            let mut stmt = tx.prepare_cached(
                "WITH RECURSIVE down(id, parent_id, kind, title, sort, n, path) AS (
                     SELECT id, parent_id, kind, title, sort, 1, printf('%010d.%012d', sort + 1000000000, rowid)
                       FROM classifications WHERE coalesce(parent_id, '') = coalesce(?1, '')
                     UNION ALL
                     SELECT c.id, c.parent_id, c.kind, c.title, c.sort, down.n + 1,
                            down.path || '/' || printf('%010d.%012d', c.sort + 1000000000, c.rowid)
                       FROM classifications c JOIN down ON c.parent_id = down.id WHERE down.n < ?2)
                 SELECT d.id, coalesce(d.parent_id, '0'), d.kind, d.title, d.sort, d.n,
                        NOT EXISTS (SELECT 1 FROM classifications c WHERE c.parent_id = d.id)
                   FROM down d ORDER BY d.path",
            )?;
            let rows = stmt
                .query_map(params![top, limit], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, i64>(4)?,
                        r.get::<_, i64>(5)?,
                        r.get::<_, bool>(6)?,
                    ))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows
                .into_iter()
                .map(|(id, parent, kind, title, sort, n, leaf)| {
                    let level = base_level + n;
                    ClassificationNode {
                        chapter_pid: if parent == textbook { ROOT.to_string() } else { parent.clone() },
                        textbook_id: textbook.clone(),
                        depth: level,
                        chapter_level: level,
                        is_leaf: if leaf { "Y" } else { "N" }.to_string(),
                        chapter_id: id,
                        chapter_title: title,
                        kind,
                        parent_id: parent,
                        sort_num: sort,
                    }
                })
                .collect())
        })
    }
}
