//! Seed 004 §3.9 xkzyList: a page of the resources the caller may see, by keyword, file kind, classification and folder, in one of five orders.
//!
//! Each order has its own index (descending walks, ties newest first), so a page reads about
//! as many rows as it shows. A keyword of three characters or more goes through the trigram
//! index; a shorter one (a two-character Chinese word) is a substring scan of the three texts.

use std::rc::Rc;

use rusqlite::types::{ToSqlOutput, Value};
use rusqlite::vtab::array::Array;
use rusqlite::ToSql;
use serde::{Deserialize, Serialize};

use super::folders;
use super::resources::{complete, from_row, select_sql};
use super::{require_read, resolve_space, visible_sql, Actor, Owner, ROOT};
use crate::actor::Capability;
use crate::error::{Error, Result};
use crate::query::MAX_LIMIT;
use crate::Cms;

/// The orders of `orderBy`, all descending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum OrderBy {
    #[default]
    ViewCount,
    DownCount,
    CreateTime,
    FileLength,
    Marks,
}

impl OrderBy {
    pub const ALL: [OrderBy; 5] =
        [OrderBy::ViewCount, OrderBy::DownCount, OrderBy::CreateTime, OrderBy::FileLength, OrderBy::Marks];

    pub fn parse(s: &str) -> Result<OrderBy> {
        OrderBy::ALL
            .into_iter()
            .find(|o| o.wire() == s.trim())
            .ok_or_else(|| Error::invalid("orderBy", "must be viewCount, downCount, createTime, fileLength or marks"))
    }

    pub fn wire(self) -> &'static str {
        match self {
            OrderBy::ViewCount => "viewCount",
            OrderBy::DownCount => "downCount",
            OrderBy::CreateTime => "createTime",
            OrderBy::FileLength => "fileLength",
            OrderBy::Marks => "marks",
        }
    }

    fn column(self) -> &'static str {
        match self {
            OrderBy::ViewCount => "view_count",
            OrderBy::DownCount => "down_count",
            OrderBy::CreateTime => "created_at",
            OrderBy::FileLength => "file_length",
            OrderBy::Marks => "score",
        }
    }
}

/// What xkzyList (seed 004 §3.9) asks for: a page, an order, and filters; every filter left out
/// keeps all. Without an owner the page covers every space the caller may see; with one, that
/// space; with a folder too (`parent_id`, "0": the space's root), that folder's resources only
/// (not those of its subfolders).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResourceSearch {
    /// From 1 (the default) to 1,000,000.
    pub page: Option<u32>,
    /// From 1 to [`MAX_LIMIT`]; 10 by default.
    pub per_page: Option<u32>,
    pub order: OrderBy,
    pub keyword: Option<String>,
    /// 0 (the default) all, 1 pictures, 2 documents, 3 videos, 4 audio, 5 animations.
    pub res_type: Option<u32>,
    pub period_id: Option<String>,
    pub subject_id: Option<String>,
    pub volume_id: Option<String>,
    pub textbook_id: Option<String>,
    pub chapter_id: Option<String>,
    pub grade_id: Option<String>,
    pub classification_id: Option<String>,
    pub owner: Option<Owner>,
    pub parent_id: Option<String>,
}

/// A page as the seed answers it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ResourcePage {
    pub total_count: u64,
    pub product_list: Vec<Product>,
}

/// One resource in the seed's listing shape, with Cinedesk's fields beside.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Product {
    pub product_code: String,
    pub product_name: String,
    pub create_time: String,
    pub modify_time: String,
    pub view_count: i64,
    pub comment_count: i64,
    pub down_count: i64,
    pub score: f64,
    pub file_name: String,
    pub file_length: u64,
    pub image_url: String,
    pub thumbnail_url_list: Vec<String>,
    pub thumbnail_url: Vec<String>,
    pub intro: String,
    pub desc: String,
    pub user_name: String,
    pub file_ext: String,
    pub file_size: String,
    pub title: String,
    pub fid: Option<String>,
    pub res_id_list: Vec<String>,
    pub collected_count: i64,
    pub classification_id: String,
    pub classification_name: String,
    pub chapter_id: String,
    pub chapter_name: String,
    pub res_id: String,
    pub res_type: i64,
    pub res_form: String,
    pub url: Option<String>,
    pub keyword: String,
    pub preview_url: String,
    pub download_url: String,
    pub owner_type: String,
    pub owner_id: String,
    pub parent_id: String,
    pub marks_count: i64,
}

impl From<super::Resource> for Product {
    fn from(r: super::Resource) -> Product {
        let first = r.classification_list.first();
        let chapter = r.classification_list.iter().find(|n| n.kind == "chapter");
        Product {
            product_code: r.res_id.clone(),
            product_name: r.title.clone(),
            create_time: r.create_time,
            modify_time: r.modify_time,
            view_count: r.view_count,
            comment_count: 0,
            down_count: r.down_count,
            score: r.score,
            file_name: r.file_name,
            file_length: r.file_length,
            image_url: r.image_url,
            thumbnail_url: r.thumbnail_url_list.clone(),
            thumbnail_url_list: r.thumbnail_url_list,
            desc: r.intro.clone(),
            intro: r.intro,
            user_name: r.user_name,
            file_ext: r.file_ext,
            file_size: r.file_size,
            title: r.title,
            fid: r.fid,
            res_id_list: vec![r.res_id.clone()],
            collected_count: 0,
            classification_id: first.map(|n| n.id.clone()).unwrap_or_default(),
            classification_name: first.map(|n| n.title.clone()).unwrap_or_default(),
            chapter_id: chapter.map(|n| n.id.clone()).unwrap_or_default(),
            chapter_name: chapter.map(|n| n.title.clone()).unwrap_or_default(),
            res_id: r.res_id,
            res_type: r.res_type,
            res_form: r.res_form,
            url: r.url,
            keyword: r.keyword,
            preview_url: r.preview_url,
            download_url: r.download_url,
            owner_type: r.owner_type,
            owner_id: r.owner_id,
            parent_id: r.parent_id,
            marks_count: r.marks_count,
        }
    }
}

fn number(field: &str, v: Option<u32>, default: u32, range: std::ops::RangeInclusive<u32>) -> Result<u32> {
    let n = v.unwrap_or(default);
    if range.contains(&n) {
        Ok(n)
    } else {
        Err(Error::invalid(field, format!("must be a whole number from {} to {}", range.start(), range.end())))
    }
}

/// A query parameter: a value, or a set of rowids for `rarray(?)`.
#[derive(Clone)]
enum Param {
    V(Value),
    A(Array),
}

impl ToSql for Param {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        match self {
            Param::V(v) => v.to_sql(),
            Param::A(a) => a.to_sql(),
        }
    }
}

/// SQL conditions and their parameters, joined by AND.
#[derive(Default, Clone)]
struct Conditions {
    clauses: Vec<String>,
    params: Vec<Param>,
}

impl Conditions {
    fn add(&mut self, clause: impl Into<String>, params: impl IntoIterator<Item = Value>) {
        self.clauses.push(clause.into());
        self.params.extend(params.into_iter().map(Param::V));
    }

    fn sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.clauses.join(" AND "))
        }
    }
}

/// The resources whose texts hold `keyword`, found once per request: three characters or
/// more in title, keyword and intro through the trigram index, two characters in title and
/// keyword through the pair index. A single character is None: a substring scan (see
/// [`scan_filter`]).
fn keyword_matches(tx: &rusqlite::Transaction<'_>, keyword: &str) -> Result<Option<Vec<i64>>> {
    let (sql, arg) = match keyword.chars().count() {
        // A quoted FTS5 string is one phrase: with the trigram tokenizer, a case-insensitive
        // substring match in any of the three columns.
        n if n >= 3 => (
            "SELECT rowid FROM disk_resources_fts WHERE disk_resources_fts MATCH ?",
            format!("\"{}\"", keyword.replace('"', "\"\"")),
        ),
        2 => ("SELECT seq FROM disk_resource_bigrams WHERE gram = lower(?)", keyword.to_string()),
        _ => return Ok(None),
    };
    let mut stmt = tx.prepare_cached(sql)?;
    let seqs = stmt.query_map([arg], |r| r.get::<_, i64>(0))?.collect::<Result<Vec<_>, _>>()?;
    Ok(Some(seqs))
}

/// Sorted, without repeats, for binary search and intersection.
fn sorted(mut v: Vec<i64>) -> Vec<i64> {
    v.sort_unstable();
    v.dedup();
    v
}

/// The rows in both sorted sets.
fn intersect(a: &[i64], b: &[i64]) -> Vec<i64> {
    let (mut i, mut j, mut out) = (0, 0, Vec::with_capacity(a.len().min(b.len())));
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out
}

/// The resources classified at `node` or anywhere below it (in rowid order).
fn classified_under(tx: &rusqlite::Transaction<'_>, node: &str) -> Result<Vec<i64>> {
    let mut stmt = tx.prepare_cached("SELECT resource_seq FROM resource_ancestry WHERE node_id = ?")?;
    let seqs = stmt.query_map([node], |r| r.get::<_, i64>(0))?.collect::<Result<Vec<_>, _>>()?;
    Ok(seqs)
}

/// A one-character keyword: a substring scan of the three texts.
fn scan_filter(c: &mut Conditions, keyword: &str) {
    let escaped = keyword.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    let like = Value::Text(format!("%{escaped}%"));
    c.add(
        "(r.title LIKE ? ESCAPE '\\' OR r.keyword LIKE ? ESCAPE '\\' OR r.intro LIKE ? ESCAPE '\\')",
        [like.clone(), like.clone(), like],
    );
}

/// The index each order walks (see migration 0006).
fn order_index(order: OrderBy) -> &'static str {
    match order {
        OrderBy::ViewCount => "disk_resources_views",
        OrderBy::DownCount => "disk_resources_downs",
        OrderBy::CreateTime => "disk_resources_created",
        OrderBy::FileLength => "disk_resources_length",
        OrderBy::Marks => "disk_resources_score",
    }
}

impl Cms {
    /// Seed 004 §3.9. Without a space the page covers every space the caller may see; with
    /// `ownerType` (and its id) one space; with `parentId` too, one folder of it.
    ///
    /// The count comes first: from the per-space counts when only spaces and kinds filter,
    /// else over the matches. It then picks the cheaper way to the page: walking the order's
    /// index and skipping non-matches (when matches are common, about window × total / count
    /// rows), or sorting the matches (when they are few, about count rows).
    pub fn list_resources(&self, actor: &Actor, q: &ResourceSearch) -> Result<ResourcePage> {
        actor.require(Capability::Library)?;
        let cur_page = number("curPage", q.page, 1, 1..=1_000_000)?;
        let per_page = number("numPerPage", q.per_page, 10, 1..=MAX_LIMIT)?;
        let order = q.order;
        let res_type = number("resType", q.res_type, 0, 0..=5)?;
        let nodes: Vec<(&str, &String)> = [
            ("periodId", q.period_id.as_ref()),
            ("subjectId", q.subject_id.as_ref()),
            ("volumeId", q.volume_id.as_ref()),
            ("textbookId", q.textbook_id.as_ref()),
            ("gradeId", q.grade_id.as_ref()),
            ("chapterId", q.chapter_id.as_ref()),
            ("classificationId", q.classification_id.as_ref()),
        ]
        .into_iter()
        .filter_map(|(f, v)| v.map(|v| (f, v)))
        .collect();
        let keyword = q.keyword.as_deref().map(str::trim).filter(|k| !k.is_empty());
        self.db.read(|tx| {
            // Conditions on spaces and kinds, which the per-space counts can answer …
            let mut spaces = Conditions::default();
            if let Some((clause, param)) = visible_sql(actor, "r") {
                spaces.add(clause, [Value::Text(param)]);
            }
            let folder = q.parent_id.as_deref();
            if folder.is_some() || q.owner.is_some() {
                let space = match (folder.filter(|p| *p != ROOT), &q.owner) {
                    (Some(p), _) => folders::load(tx, p)?.1,
                    (None, Some(owner)) => resolve_space(tx, actor, owner)?,
                    (None, None) => return Err(Error::invalid("ownerType", "is required")),
                };
                require_read(actor, &space)?;
                spaces.add(
                    "r.owner_type = ? AND r.owner_id = ?",
                    [Value::Integer(space.owner_type.code()), Value::Text(space.owner_id)],
                );
            }
            if res_type > 0 {
                spaces.add("r.res_type = ?", [Value::Integer(res_type as i64)]);
            }
            // … and the rest.
            let mut c = spaces.clone();
            if let Some(f) = folder {
                let f = if f == ROOT { Value::Null } else { Value::Text(f.to_string()) };
                c.add("r.folder_id IS ?", [f]);
            }
            // The candidates: resources matching the keyword and under every classification node
            // asked for, as one sorted set (None: no such filter).
            let mut set: Option<Vec<i64>> = None;
            match keyword.map(|k| keyword_matches(tx, k)).transpose()?.flatten() {
                Some(m) => set = Some(sorted(m)),
                None => {
                    if let Some(k) = keyword {
                        scan_filter(&mut c, k);
                    }
                }
            }
            for (field, id) in nodes {
                super::classification::ensure_nodes(tx, field, std::slice::from_ref(id))?;
                let under = sorted(classified_under(tx, id)?);
                set = Some(match set {
                    Some(s) => intersect(&s, &under),
                    None => under,
                });
            }
            let all: i64 =
                tx.prepare_cached("SELECT coalesce(sum(n), 0) FROM disk_counts")?.query_row([], |r| r.get(0))?;
            let count = |sql: String, params: &[Param]| -> Result<i64> {
                Ok(tx.prepare_cached(&sql)?.query_row(rusqlite::params_from_iter(params.iter()), |r| r.get(0))?)
            };
            let with_set = |set: &[i64], c: &Conditions| -> Vec<Param> {
                let mut p = vec![Param::A(Rc::new(set.iter().map(|s| Value::Integer(*s)).collect()))];
                p.extend(c.params.iter().cloned());
                p
            };
            // CROSS JOIN keeps the set as the outer loop: the planner knows nothing of its size.
            const FROM_SET: &str = "FROM rarray(?) a CROSS JOIN disk_resources r ON r.seq = a.value";
            let total = match &set {
                // The set is the answer when nothing else narrows it.
                Some(s) if c.clauses.is_empty() => s.len() as i64,
                Some(s) => count(format!("SELECT count(*) {FROM_SET}{}", c.sql()), &with_set(s, &c))?,
                None if c.clauses.len() == spaces.clauses.len() => {
                    count(format!("SELECT coalesce(sum(n), 0) FROM disk_counts r{}", c.sql()), &c.params)?
                }
                None => count(format!("SELECT count(*) FROM disk_resources r{}", c.sql()), &c.params)?,
            };
            let window = cur_page as usize * per_page as usize;
            let offset = window - per_page as usize;
            if total as usize <= offset {
                return Ok(ResourcePage { total_count: total as u64, product_list: Vec::new() });
            }
            // Walking the order's index visits about window × all / total rows; sorting the
            // candidates handles about total (fetch, then sort): take the cheaper.
            let col = order.column();
            let walk = window as f64 * all as f64 / total.max(1) as f64 <= 2.0 * total as f64;
            let mut page: Vec<i64> = Vec::with_capacity(per_page as usize);
            if walk {
                let sql = format!(
                    "SELECT r.seq FROM disk_resources r INDEXED BY {}{} ORDER BY r.{col} DESC, r.seq DESC",
                    order_index(order),
                    c.sql()
                );
                let mut stmt = tx.prepare_cached(&sql)?;
                let mut rows = stmt.query(rusqlite::params_from_iter(c.params.iter()))?;
                let mut seen = 0usize;
                while let Some(row) = rows.next()? {
                    let seq: i64 = row.get(0)?;
                    if set.as_ref().is_some_and(|s| s.binary_search(&seq).is_err()) {
                        continue;
                    }
                    seen += 1;
                    if seen > offset {
                        page.push(seq);
                        if seen == window {
                            break;
                        }
                    }
                }
            } else {
                let (sql, params) = match &set {
                    Some(s) => (format!("SELECT r.seq, r.{col} {FROM_SET}{}", c.sql()), with_set(s, &c)),
                    None => (format!("SELECT r.seq, +r.{col} FROM disk_resources r{}", c.sql()), c.params.clone()),
                };
                let mut stmt = tx.prepare_cached(&sql)?;
                let mut keyed = stmt
                    .query_map(rusqlite::params_from_iter(params.iter()), |r| {
                        Ok((r.get::<_, f64>(1)?, r.get::<_, i64>(0)?))
                    })?
                    .collect::<Result<Vec<_>, _>>()?;
                // Descending by the order's value, then newest first, as the index walk would.
                keyed.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(b.1.cmp(&a.1)));
                page.extend(keyed.into_iter().skip(offset).take(per_page as usize).map(|(_, seq)| seq));
            }
            let mut stmt = tx.prepare_cached(&format!("{} WHERE r.seq = ?", select_sql()))?;
            let mut products = Vec::with_capacity(page.len());
            for seq in page {
                let (seq, mut res) = stmt.query_row([seq], from_row)?;
                complete(tx, seq, &mut res)?;
                products.push(Product::from(res));
            }
            Ok(ResourcePage { total_count: total as u64, product_list: products })
        })
    }
}
