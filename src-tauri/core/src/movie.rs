//! Films (seed §4): create, query with every filter of the seed, update, praise, delete.

use rusqlite::types::Value;
use rusqlite::{params, OptionalExtension, Row, Transaction};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::actor::{Actor, Capability};
use crate::audit::{self, Action, Change};
use crate::enums::{self, EnumKind, MOVIE_TYPES};
use crate::error::{unique_to_conflict, Error, Result};
use crate::ids::{new_id, now_ms};
use crate::query::{self, OrderSeq, Page, Paging, Where};
use crate::site_events::{SiteChange, SiteChanged};
use crate::validate::{self, MAX_CODE, MAX_TEXT};
use crate::{delivery, Cms, Entity};

/// Longest film in minutes the catalogue accepts (a day); VR films are minutes long.
const MAX_DURATION: i64 = 24 * 60;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Movie {
    #[serde(rename = "movieID")]
    pub movie_id: String,
    pub name: String,
    pub movie_code: String,
    pub duration: i64,
    pub description: String,
    #[serde(rename = "type")]
    pub movie_type: String,
    /// Comma list, as the seed sends it ("ACTION,SCIENCE").
    pub category: String,
    pub country: String,
    #[serde(rename = "fileID")]
    pub file_id: Option<String>,
    #[serde(rename = "iconID")]
    pub icon_id: Option<String>,
    #[serde(rename = "posterID")]
    pub poster_id: Option<String>,
    #[serde(rename = "iconURL")]
    pub icon_url: String,
    #[serde(rename = "posterURL")]
    pub poster_url: String,
    /// Epoch ms, written as a string like the seed's examples ("1510208988793").
    #[serde(with = "ms_string")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "1510208988793"))]
    pub schedule_start: Option<i64>,
    #[serde(with = "ms_string")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "1510208989793"))]
    pub schedule_end: Option<i64>,
    pub num_of_praise: i64,
    pub num_of_view: i64,
    pub online: bool,
    #[serde(rename = "weixinURL")]
    pub weixin_url: Option<String>,
    pub price: i64,
    pub is_hot: bool,
    /// Whether the WeChat user of the query's `open_id` praised this film (absent without open_id).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub praised: Option<bool>,
}

/// Body of create and update; on update an absent field keeps its value and an empty string
/// clears an optional one.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"name": "NAME", "movieCode": "movieCode", "duration": 30, "description": "简介", "type": "MOVIE", "category": "ACTION", "country": "USA", "scheduleStart": "1510208988793", "scheduleEnd": "1510208989793", "online": true, "price": 2990, "isHot": true})))]
#[serde(rename_all = "camelCase")]
pub struct MovieInput {
    pub name: Option<String>,
    pub movie_code: Option<String>,
    pub duration: Option<i64>,
    pub description: Option<String>,
    #[serde(rename = "type")]
    pub movie_type: Option<String>,
    pub category: Option<String>,
    pub country: Option<String>,
    #[serde(rename = "fileID")]
    pub file_id: Option<String>,
    #[serde(rename = "iconID")]
    pub icon_id: Option<String>,
    #[serde(rename = "posterID")]
    pub poster_id: Option<String>,
    #[serde(default, with = "ms_string")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "1510208988793"))]
    pub schedule_start: Option<i64>,
    #[serde(default, with = "ms_string")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "1510208989793"))]
    pub schedule_end: Option<i64>,
    pub online: Option<bool>,
    #[serde(rename = "weixinURL")]
    pub weixin_url: Option<String>,
    pub price: Option<i64>,
    pub is_hot: Option<bool>,
}

/// Epoch milliseconds that travel as strings in the seed but may arrive as numbers.
mod ms_string {
    use super::*;

    pub fn serialize<S: Serializer>(v: &Option<i64>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(ms) => s.serialize_str(&ms.to_string()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Num(i64),
            Str(String),
        }
        match Option::<Raw>::deserialize(d)? {
            None => Ok(None),
            Some(Raw::Num(n)) => Ok(Some(n)),
            Some(Raw::Str(s)) if s.trim().is_empty() => Ok(None),
            Some(Raw::Str(s)) => s
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| serde::de::Error::custom(format!("expected epoch milliseconds, got {s:?}"))),
        }
    }
}

/// Sortable fields (`order_param`), by their wire names.
pub const ORDER_PARAMS: [(&str, &str); 9] = [
    ("scheduleStart", "schedule_start"),
    ("scheduleEnd", "schedule_end"),
    ("name", "name"),
    ("movieCode", "code"),
    ("duration", "duration"),
    ("price", "price"),
    ("numOfPraise", "num_of_praise"),
    ("numOfView", "num_of_view"),
    ("createTime", "created_at"),
];

/// Filters of `GET /cms/movies`.
#[derive(Debug, Clone, Default)]
pub struct MovieQuery {
    pub movie_ids: Vec<String>,
    pub open_id: Option<String>,
    pub cinema_id: Option<String>,
    pub name: Option<String>,
    pub movie_code: Option<String>,
    pub movie_type: Option<String>,
    pub category: Option<String>,
    pub country: Option<String>,
    pub online: Option<bool>,
    pub paging: Paging,
    /// Wire name of the sort field; default scheduleStart.
    pub order_param: Option<String>,
    pub order_seq: OrderSeq,
}

pub(crate) struct Valid {
    name: String,
    code: String,
    duration: i64,
    description: String,
    movie_type: String,
    categories: Vec<String>,
    country: String,
    file_id: Option<String>,
    icon_id: Option<String>,
    poster_id: Option<String>,
    schedule_start: Option<i64>,
    schedule_end: Option<i64>,
    online: bool,
    weixin_url: Option<String>,
    price: i64,
    is_hot: bool,
}

fn opt_id(field: &str, v: Option<&str>) -> Result<Option<String>> {
    validate::opt_text(field, v, MAX_CODE)
}

fn validated(tx: &Transaction<'_>, i: MovieInput) -> Result<Valid> {
    let movie_type = validate::required("type", i.movie_type)?.trim().to_string();
    if !MOVIE_TYPES.iter().any(|(id, _)| *id == movie_type) {
        return Err(Error::invalid("type", "must be MOVIE, GUIDE or AD"));
    }
    let duration = validate::required("duration", i.duration)?;
    if !(1..=MAX_DURATION).contains(&duration) {
        return Err(Error::invalid("duration", format!("must be between 1 and {MAX_DURATION} minutes")));
    }
    let country = validate::required("country", i.country)?.trim().to_string();
    enums::ensure_member(tx, EnumKind::MovieCountry, &country)?;
    let (schedule_start, schedule_end) = (i.schedule_start, i.schedule_end);
    if let (Some(s), Some(e)) = (schedule_start, schedule_end) {
        if e < s {
            return Err(Error::invalid("scheduleEnd", "must not be before scheduleStart"));
        }
    }
    Ok(Valid {
        name: validate::text("name", &validate::required("name", i.name)?, MAX_TEXT)?,
        code: validate::code("movieCode", &validate::required("movieCode", i.movie_code)?, MAX_CODE)?,
        duration,
        description: validate::text("description", &validate::required("description", i.description)?, MAX_TEXT)?,
        movie_type,
        categories: enums::member_list(tx, EnumKind::MovieCategory, &validate::required("category", i.category)?)?,
        country,
        file_id: opt_id("fileID", i.file_id.as_deref())?,
        icon_id: opt_id("iconID", i.icon_id.as_deref())?,
        poster_id: opt_id("posterID", i.poster_id.as_deref())?,
        schedule_start,
        schedule_end,
        online: i.online.unwrap_or(false),
        weixin_url: validate::opt_url("weixinURL", i.weixin_url.as_deref())?,
        price: validate::non_negative("price", validate::required("price", i.price)?)?,
        is_hot: i.is_hot.unwrap_or(false),
    })
}

const COLUMNS: &str = "m.id, m.name, m.code, m.duration, m.description, m.type, m.category, m.country, m.file_id, \
    m.icon_id, m.poster_id, m.schedule_start, m.schedule_end, m.num_of_praise, m.num_of_view, m.online, m.weixin_url, \
    m.price, m.is_hot";

/// The path on this server where a stored file is served (`/cms/files/{id}`, "" for none);
/// iconURL and posterURL are this path, and routes make it a URL when a client needs one.
pub fn file_path(file_id: Option<&str>) -> String {
    file_id.map(|id| format!("/cms/files/{id}")).unwrap_or_default()
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<Movie> {
    let icon_id: Option<String> = r.get(9)?;
    let poster_id: Option<String> = r.get(10)?;
    Ok(Movie {
        movie_id: r.get(0)?,
        name: r.get(1)?,
        movie_code: r.get(2)?,
        duration: r.get(3)?,
        description: r.get(4)?,
        movie_type: r.get(5)?,
        category: r.get(6)?,
        country: r.get(7)?,
        file_id: r.get(8)?,
        icon_url: file_path(icon_id.as_deref()),
        poster_url: file_path(poster_id.as_deref()),
        icon_id,
        poster_id,
        schedule_start: r.get(11)?,
        schedule_end: r.get(12)?,
        num_of_praise: r.get(13)?,
        num_of_view: r.get(14)?,
        online: r.get(15)?,
        weixin_url: r.get(16)?,
        price: r.get(17)?,
        is_hot: r.get(18)?,
        praised: None,
    })
}

pub(crate) fn get(tx: &Transaction<'_>, id: &str) -> Result<Movie> {
    tx.prepare_cached(&format!("SELECT {COLUMNS} FROM movies m WHERE m.id = ?"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| Error::not_found(Entity::Movie, id))
}

/// Substring match on the name: through the trigram index when the text is long enough for it
/// (three characters) and has no LIKE wildcards, else a plain escaped LIKE over the names.
fn name_filter(w: &mut Where, name: Option<&str>) {
    let Some(name) = name.map(str::trim).filter(|n| !n.is_empty()) else { return };
    if name.chars().count() >= 3 && !name.contains(['%', '_', '\\']) {
        w.raw(
            "m.rowid IN (SELECT rowid FROM movies_fts WHERE movies_fts.name LIKE ?)",
            vec![Value::Text(format!("%{name}%"))],
        );
    } else {
        w.contains("m.name", Some(name));
    }
}

fn write_categories(tx: &Transaction<'_>, id: &str, categories: &[String]) -> Result<()> {
    tx.prepare_cached("DELETE FROM movie_categories WHERE movie_id = ?")?.execute([id])?;
    let mut stmt = tx.prepare_cached("INSERT INTO movie_categories(movie_id, category) VALUES (?, ?)")?;
    for c in categories {
        stmt.execute([id, c])?;
    }
    Ok(())
}

/// Deletes films with their deliveries (withdrawn from every cinema holding one), unaudited: the
/// caller records the change as it names it. Refused for a film an unfinished VOD task still has
/// to play, or one held by a cinema out of the caller's scope. Answers the films as they were and
/// the cinemas to tell.
pub(crate) fn drop_films(tx: &Transaction<'_>, actor: &Actor, ids: &[String]) -> Result<(Vec<Movie>, Vec<SiteChange>)> {
    let films = ids.iter().map(|id| get(tx, id)).collect::<Result<Vec<_>>>()?;
    if let Some((clause, params)) = actor.scope_clause("cinema_id") {
        let sql =
            format!("SELECT 1 FROM deliveries WHERE movie_id = ? AND state <> 'WITHDRAWN' AND NOT ({clause}) LIMIT 1");
        let mut elsewhere = tx.prepare_cached(&sql)?;
        for id in ids {
            let params = std::iter::once(Value::Text(id.clone())).chain(params.iter().cloned());
            if elsewhere.exists(rusqlite::params_from_iter(params))? {
                return Err(Error::Denied(format!(
                    "movie {id} is distributed to cinemas you do not manage: it stays while they have it"
                )));
            }
        }
    }
    let mut busy = tx.prepare_cached(
        "SELECT t.id FROM vod_task_movies tm JOIN vod_tasks t ON t.id = tm.task_id
         WHERE tm.movie_id = ? AND t.status IN ('PENDING', 'ACCEPTED', 'PLAYING') LIMIT 1",
    )?;
    for id in ids {
        if let Some(task) = busy.query_row([id], |r| r.get::<_, String>(0)).optional()? {
            return Err(Error::InUse(format!("movie {id} is still needed by unfinished VOD task {task}")));
        }
    }
    let now = now_ms();
    let mut told = Vec::new();
    let mut stmt = tx.prepare_cached("DELETE FROM movies WHERE id = ?")?;
    for film in &films {
        let id = &film.movie_id;
        for cinema in delivery::holders(tx, id)? {
            delivery::withdraw(tx, id, &cinema, now)?;
            told.push(SiteChange::new(&cinema, SiteChanged::Delivery { movie_id: id.clone() }));
        }
        stmt.execute([id])?;
    }
    Ok((films, told))
}

impl MovieInput {
    fn over(self, b: Movie) -> MovieInput {
        MovieInput {
            name: self.name.or(Some(b.name)),
            movie_code: self.movie_code.or(Some(b.movie_code)),
            duration: self.duration.or(Some(b.duration)),
            description: self.description.or(Some(b.description)),
            movie_type: self.movie_type.or(Some(b.movie_type)),
            category: self.category.or(Some(b.category)),
            country: self.country.or(Some(b.country)),
            file_id: self.file_id.or(b.file_id),
            icon_id: self.icon_id.or(b.icon_id),
            poster_id: self.poster_id.or(b.poster_id),
            schedule_start: self.schedule_start.or(b.schedule_start),
            schedule_end: self.schedule_end.or(b.schedule_end),
            online: self.online.or(Some(b.online)),
            weixin_url: self.weixin_url.or(b.weixin_url),
            price: self.price.or(Some(b.price)),
            is_hot: self.is_hot.or(Some(b.is_hot)),
        }
    }
}

/// Creates a film inside a transaction (the VOD flow publishes a video and its film together).
pub(crate) fn insert_movie(tx: &Transaction<'_>, input: MovieInput) -> Result<String> {
    let v = validated(tx, input)?;
    let id = new_id();
    tx.prepare_cached(
        "INSERT INTO movies(id, code, name, duration, description, type, category, country, file_id, icon_id,
         poster_id, schedule_start, schedule_end, online, weixin_url, price, is_hot, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )?
    .execute(params![
        id,
        v.code,
        v.name,
        v.duration,
        v.description,
        v.movie_type,
        v.categories.join(","),
        v.country,
        v.file_id,
        v.icon_id,
        v.poster_id,
        v.schedule_start,
        v.schedule_end,
        v.online,
        v.weixin_url,
        v.price,
        v.is_hot,
        now_ms()
    ])
    .map_err(|e| unique_to_conflict(e, "movieCode", &v.code))?;
    write_categories(tx, &id, &v.categories)?;
    Ok(id)
}

impl Cms {
    pub fn create_movie(&self, actor: &Actor, input: MovieInput) -> Result<String> {
        actor.require(Capability::Operate)?;
        self.db.write(|tx| {
            let id = insert_movie(tx, input)?;
            audit::record(tx, actor, Change::new(Action::Create, Entity::Movie, &id).after(&get(tx, &id)?))?;
            Ok(id)
        })
    }

    /// Changes a film. If it is distributed, every cinema holding it gets MOVIE_UPDATED in the
    /// same transaction, and a new file restarts those deliveries (see `delivery::announce_change`).
    pub fn update_movie(&self, actor: &Actor, id: &str, patch: MovieInput) -> Result<()> {
        actor.require(Capability::Operate)?;
        let told = self.db.write(|tx| {
            let before = get(tx, id)?;
            let v = validated(tx, patch.over(before.clone()))?;
            tx.prepare_cached(
                "UPDATE movies SET code = ?, name = ?, duration = ?, description = ?, type = ?, category = ?, country = ?,
                 file_id = ?, icon_id = ?, poster_id = ?, schedule_start = ?, schedule_end = ?, online = ?,
                 weixin_url = ?, price = ?, is_hot = ? WHERE id = ?",
            )?
            .execute(params![
                v.code,
                v.name,
                v.duration,
                v.description,
                v.movie_type,
                v.categories.join(","),
                v.country,
                v.file_id,
                v.icon_id,
                v.poster_id,
                v.schedule_start,
                v.schedule_end,
                v.online,
                v.weixin_url,
                v.price,
                v.is_hot,
                id
            ])
            .map_err(|e| unique_to_conflict(e, "movieCode", &v.code))?;
            write_categories(tx, id, &v.categories)?;
            let after = get(tx, id)?;
            let change = Change::new(Action::Update, Entity::Movie, id).before(&before);
            audit::record(tx, actor, change.after(&after))?;
            delivery::announce_change(tx, &before, after)
        })?;
        self.announced(&told);
        Ok(())
    }

    pub fn get_movie(&self, actor: &Actor, id: &str) -> Result<Movie> {
        actor.require(Capability::Operate)?;
        self.db.read(|tx| get(tx, id))
    }

    pub fn list_movies(&self, actor: &Actor, q: &MovieQuery) -> Result<Page<Movie>> {
        actor.require(Capability::Operate)?;
        let column = match q.order_param.as_deref() {
            None | Some("") => "schedule_start",
            Some(p) => ORDER_PARAMS.iter().find(|(wire, _)| *wire == p).map(|(_, col)| *col).ok_or_else(|| {
                let names: Vec<&str> = ORDER_PARAMS.iter().map(|(w, _)| *w).collect();
                Error::invalid("order_param", format!("must be one of {}", names.join(", ")))
            })?,
        };
        // Ties (same schedule) keep a stable order so paging never shows a film twice.
        let order = format!("m.{column} {seq}, m.id {seq}", seq = q.order_seq.sql());
        let mut w = Where::default();
        w.any_of("m.id", &q.movie_ids)
            .eq("m.code", q.movie_code.as_deref())
            .eq("m.type", q.movie_type.as_deref())
            .eq("m.country", q.country.as_deref());
        name_filter(&mut w, q.name.as_deref());
        if let Some(c) = q.cinema_id.as_deref().filter(|c| !c.is_empty()) {
            // Another's cinema has no films as far as the caller can tell.
            let mut params = vec![Value::Text(c.to_string())];
            let scope = match actor.scope_clause("cinema_id") {
                Some((clause, p)) => {
                    params.extend(p);
                    format!(" AND {clause}")
                }
                None => String::new(),
            };
            w.raw(
                &format!(
                    "m.id IN (SELECT movie_id FROM deliveries WHERE cinema_id = ? AND state <> 'WITHDRAWN'{scope})"
                ),
                params,
            );
        }
        if let Some(online) = q.online {
            w.raw("m.online = ?", vec![Value::Integer(online as i64)]);
        }
        let only_category = w.is_empty();
        let category = q.category.as_deref().filter(|c| !c.is_empty()).map(str::to_string);
        if let Some(c) = &category {
            // A probe of the (category, movie_id) key per film lets the page walk the order's index
            // and stop after one page.
            w.raw(
                "EXISTS (SELECT 1 FROM movie_categories mc WHERE mc.category = ? AND mc.movie_id = m.id)",
                vec![Value::Text(c.clone())],
            );
        }
        if let Some(c) = category.filter(|_| only_category) {
            // Alone, a category is counted over its index range instead of probing every film.
            w.count_with("SELECT count(*) FROM movie_categories WHERE category = ?".into(), vec![Value::Text(c)]);
        }
        self.db.read(|tx| {
            let mut page = query::page(tx, COLUMNS, "movies m", &w, &order, q.paging, from_row)?;
            if let Some(open_id) = q.open_id.as_deref().filter(|o| !o.is_empty()) {
                let mut stmt = tx.prepare_cached("SELECT 1 FROM movie_praises WHERE movie_id = ? AND open_id = ?")?;
                for m in &mut page.item_list {
                    m.praised = Some(stmt.exists([&m.movie_id, open_id])?);
                }
            }
            Ok(page)
        })
    }

    /// Adds one praise atomically. With an `open_id` a WeChat user praises a film at most once;
    /// the answer is the film's praise count afterwards.
    pub fn praise_movie(&self, actor: &Actor, id: &str, open_id: Option<&str>) -> Result<i64> {
        actor.require(Capability::Operate)?;
        self.db.write(|tx| {
            if let Some(open_id) = open_id.map(str::trim).filter(|o| !o.is_empty()) {
                validate::text("open_id", open_id, MAX_CODE * 2)?;
                get(tx, id)?;
                let added = tx
                    .prepare_cached("INSERT OR IGNORE INTO movie_praises(movie_id, open_id, at) VALUES (?, ?, ?)")?
                    .execute(params![id, open_id, now_ms()])?;
                if added == 0 {
                    return Ok(tx.query_row("SELECT num_of_praise FROM movies WHERE id = ?", [id], |r| r.get(0))?);
                }
            }
            tx.prepare_cached(
                "UPDATE movies SET num_of_praise = num_of_praise + 1 WHERE id = ? RETURNING num_of_praise",
            )?
            .query_row([id], |r| r.get(0))
            .optional()?
            .ok_or_else(|| Error::not_found(Entity::Movie, id))
        })
    }

    /// Deletes films with their deliveries, all or nothing; every cinema holding one gets
    /// MOVIE_WITHDRAWN. A film that an unfinished VOD task still has to play is refused, and so
    /// is one held by a cinema the caller does not manage (deleting it would withdraw it there).
    pub fn delete_movies(&self, actor: &Actor, ids: &[String]) -> Result<()> {
        actor.require(Capability::Operate)?;
        let ids = validate::id_list("movie_id", ids)?;
        let told = self.db.write(|tx| {
            let (films, told) = drop_films(tx, actor, &ids)?;
            for film in &films {
                audit::record(tx, actor, Change::new(Action::Delete, Entity::Movie, &film.movie_id).before(film))?;
            }
            Ok(told)
        })?;
        self.announced(&told);
        Ok(())
    }

    /// After a commit that queued messages about films: wakes the cinemas' channels and tells
    /// the listeners of site changes.
    pub(crate) fn announced(&self, told: &[SiteChange]) {
        let mut cinemas: Vec<String> = told.iter().map(|c| c.cinema_id.clone()).collect();
        cinemas.dedup();
        self.notify(&cinemas);
        self.tell_site_changes(told);
    }
}
