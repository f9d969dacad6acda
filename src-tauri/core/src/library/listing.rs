//! Seed 004 §3.9 xkzyList: a page of the resources the caller may see, by keyword, file kind, classification and folder, in one of five orders.
//!
//! Each order has its own index (descending walks, ties newest first), so a page reads about
//! as many rows as it shows. A keyword of three characters or more goes through the trigram
//! index; a shorter one (a two-character Chinese word) is a substring scan of the three texts.

use rusqlite::types::Value;
use serde::{Deserialize, Serialize};

use super::folders;
use super::resources::{complete, from_row, select_sql};
use super::{flex, require_read, resolve_space, visible_sql, Actor, SpaceRef, ROOT};
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

/// xkzyList's body: `{"page": {curPage, numPerPage}, "query": {…}}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceQuery {
    #[serde(default)]
    pub page: PageIn,
    #[serde(default)]
    pub query: QueryIn,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageIn {
    #[serde(default, deserialize_with = "flex")]
    pub cur_page: Option<String>,
    #[serde(default, deserialize_with = "flex")]
    pub num_per_page: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueryIn {
    #[serde(default, deserialize_with = "flex")]
    pub keyword: Option<String>,
    /// 0 all, 1 pictures, 2 documents, 3 videos, 4 audio, 5 animations.
    #[serde(default, deserialize_with = "flex")]
    pub res_type: Option<String>,
    #[serde(default, deserialize_with = "flex")]
    pub order_by: Option<String>,
    #[serde(default, deserialize_with = "flex")]
    pub period_id: Option<String>,
    #[serde(default, deserialize_with = "flex")]
    pub subject_id: Option<String>,
    #[serde(default, deserialize_with = "flex")]
    pub volume_id: Option<String>,
    #[serde(default, deserialize_with = "flex")]
    pub textbook_id: Option<String>,
    #[serde(default, deserialize_with = "flex")]
    pub chapter_id: Option<String>,
    #[serde(default, deserialize_with = "flex")]
    pub grade_id: Option<String>,
    #[serde(default, deserialize_with = "flex")]
    pub classification_id: Option<String>,
    /// The seed's platform code: one platform here, so it is accepted and not used.
    #[serde(default, deserialize_with = "flex")]
    pub platform_code: Option<String>,
    /// One space only (ownerType with userId / groupId / orgId) …
    #[serde(flatten)]
    pub space: SpaceRef,
    /// … and within it one folder ("0": the root), its resources only (not those of subfolders).
    #[serde(default, deserialize_with = "flex")]
    pub parent_id: Option<String>,
}

/// A page as the seed answers it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourcePage {
    pub total_count: u64,
    pub product_list: Vec<Product>,
}

/// One resource in the seed's listing shape, with Cinedesk's fields beside.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

fn number(field: &str, v: Option<&str>, default: u32, range: std::ops::RangeInclusive<u32>) -> Result<u32> {
    match v {
        None => Ok(default),
        Some(s) => s.parse::<u32>().ok().filter(|n| range.contains(n)).ok_or_else(|| {
            Error::invalid(field, format!("must be a whole number from {} to {}", range.start(), range.end()))
        }),
    }
}

/// SQL conditions and their parameters, joined by AND.
#[derive(Default)]
struct Conditions {
    clauses: Vec<String>,
    params: Vec<Value>,
}

impl Conditions {
    fn add(&mut self, clause: impl Into<String>, params: impl IntoIterator<Item = Value>) {
        self.clauses.push(clause.into());
        self.params.extend(params);
    }

    fn sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.clauses.join(" AND "))
        }
    }
}

/// Substring search in title, keyword and intro.
fn keyword_filter(c: &mut Conditions, keyword: &str) {
    if keyword.chars().count() >= 3 {
        // A quoted FTS5 string is one phrase: with the trigram tokenizer, a substring match in
        // any of the three columns, case-insensitive.
        let phrase = format!("\"{}\"", keyword.replace('"', "\"\""));
        c.add(
            "r.seq IN (SELECT rowid FROM disk_resources_fts WHERE disk_resources_fts MATCH ?)",
            [Value::Text(phrase)],
        );
    } else {
        let escaped = keyword.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        let like = Value::Text(format!("%{escaped}%"));
        c.add(
            "(r.title LIKE ? ESCAPE '\\' OR r.keyword LIKE ? ESCAPE '\\' OR r.intro LIKE ? ESCAPE '\\')",
            [like.clone(), like.clone(), like],
        );
    }
}

impl Cms {
    /// Seed 004 §3.9. Without a space the page covers every space the caller may see; with
    /// `ownerType` (and its id) one space; with `parentId` too, one folder of it.
    pub fn list_resources(&self, actor: &Actor, q: &ResourceQuery) -> Result<ResourcePage> {
        let cur_page = number("curPage", q.page.cur_page.as_deref(), 1, 1..=1_000_000)?;
        let per_page = number("numPerPage", q.page.num_per_page.as_deref(), 10, 1..=MAX_LIMIT)?;
        let order = q.query.order_by.as_deref().map(OrderBy::parse).transpose()?.unwrap_or_default();
        let res_type = number("resType", q.query.res_type.as_deref(), 0, 0..=5)?;
        let nodes: Vec<(&str, &String)> = [
            ("periodId", q.query.period_id.as_ref()),
            ("subjectId", q.query.subject_id.as_ref()),
            ("volumeId", q.query.volume_id.as_ref()),
            ("textbookId", q.query.textbook_id.as_ref()),
            ("gradeId", q.query.grade_id.as_ref()),
            ("chapterId", q.query.chapter_id.as_ref()),
            ("classificationId", q.query.classification_id.as_ref()),
        ]
        .into_iter()
        .filter_map(|(f, v)| v.map(|v| (f, v)))
        .collect();
        self.db.read(|tx| {
            let mut c = Conditions::default();
            if let Some((clause, param)) = visible_sql(actor, "r") {
                c.add(clause, [Value::Text(param)]);
            }
            let folder = q.query.parent_id.as_deref();
            if folder.is_some() || !q.query.space.is_empty() {
                let space = match folder.filter(|p| *p != ROOT) {
                    Some(p) => folders::load(tx, p)?.1,
                    None => resolve_space(tx, actor, &q.query.space)?,
                };
                require_read(actor, &space)?;
                c.add(
                    "r.owner_type = ? AND r.owner_id = ?",
                    [Value::Integer(space.owner_type.code()), Value::Text(space.owner_id)],
                );
                if let Some(f) = folder {
                    let f = if f == ROOT { Value::Null } else { Value::Text(f.to_string()) };
                    c.add("r.folder_id IS ?", [f]);
                }
            }
            if res_type > 0 {
                c.add("r.res_type = ?", [Value::Integer(res_type as i64)]);
            }
            if let Some(k) = q.query.keyword.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
                keyword_filter(&mut c, k);
            }
            for (field, id) in nodes {
                super::classification::ensure_nodes(tx, field, std::slice::from_ref(id))?;
                // Classified at the node or anywhere below it.
                c.add(
                    "EXISTS (SELECT 1 FROM resource_classifications rc WHERE rc.resource_seq = r.seq AND rc.node_id IN (
                         WITH RECURSIVE sub(id) AS (SELECT ? UNION ALL
                             SELECT k.id FROM classifications k JOIN sub ON k.parent_id = sub.id)
                         SELECT id FROM sub))",
                    [Value::Text(id.clone())],
                );
            }
            let where_sql = c.sql();
            let total: i64 = tx
                .prepare_cached(&format!("SELECT count(*) FROM disk_resources r{where_sql}"))?
                .query_row(rusqlite::params_from_iter(c.params.iter()), |r| r.get(0))?;
            let mut params = c.params.clone();
            params.push(Value::Integer(per_page as i64));
            params.push(Value::Integer((cur_page as i64 - 1) * per_page as i64));
            let col = order.column();
            let mut stmt = tx.prepare_cached(&format!(
                "{}{where_sql} ORDER BY r.{col} DESC, r.seq DESC LIMIT ? OFFSET ?",
                select_sql()
            ))?;
            let rows =
                stmt.query_map(rusqlite::params_from_iter(params.iter()), from_row)?.collect::<Result<Vec<_>, _>>()?;
            let mut products = Vec::with_capacity(rows.len());
            for (seq, mut res) in rows {
                complete(tx, seq, &mut res)?;
                products.push(Product::from(res));
            }
            Ok(ResourcePage { total_count: total as u64, product_list: products })
        })
    }
}
