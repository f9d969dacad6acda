//! Paging, ordering and the small WHERE-clause builder every list query shares.

use rusqlite::types::Value;
use rusqlite::Transaction;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

pub const DEFAULT_LIMIT: u32 = 20;
/// The largest page a caller may ask for; larger pages belong to exports, not lists.
pub const MAX_LIMIT: u32 = 1000;

/// `start`/`limit` of the seed (defaults 0/20).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paging {
    pub start: u32,
    pub limit: u32,
}

impl Default for Paging {
    fn default() -> Self {
        Paging { start: 0, limit: DEFAULT_LIMIT }
    }
}

impl Paging {
    pub fn new(start: Option<u32>, limit: Option<u32>) -> Result<Paging> {
        let limit = limit.unwrap_or(DEFAULT_LIMIT);
        if limit == 0 || limit > MAX_LIMIT {
            return Err(Error::invalid("limit", format!("must be between 1 and {MAX_LIMIT}")));
        }
        Ok(Paging { start: start.unwrap_or(0), limit })
    }
}

/// A page as the seed shapes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    pub total_count: u64,
    pub item_list: Vec<T>,
}

/// Sort direction (`order_seq`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum OrderSeq {
    Asc,
    #[default]
    Desc,
}

impl OrderSeq {
    pub fn parse(s: &str) -> Result<OrderSeq> {
        match s.to_ascii_lowercase().as_str() {
            "asc" => Ok(OrderSeq::Asc),
            "desc" => Ok(OrderSeq::Desc),
            _ => Err(Error::invalid("order_seq", "must be asc or desc")),
        }
    }
    pub(crate) fn sql(self) -> &'static str {
        match self {
            OrderSeq::Asc => "ASC",
            OrderSeq::Desc => "DESC",
        }
    }
}

/// Collects filter clauses with their parameters, in order.
#[derive(Default)]
pub(crate) struct Where {
    clauses: Vec<String>,
    pub(crate) params: Vec<Value>,
    /// A count query of its own, for filters whose count is cheaper from another index than
    /// the page's (see films by category).
    count: Option<(String, Vec<Value>)>,
}

impl Where {
    /// `column = value`; a blank value is no filter, as an empty form field is on the wire.
    pub(crate) fn eq(&mut self, column: &str, value: Option<&str>) -> &mut Self {
        if let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) {
            self.clauses.push(format!("{column} = ?"));
            self.params.push(Value::Text(v.to_string()));
        }
        self
    }

    /// `column IN (…)` when ids were given; repeated query keys end up here. Blank ids are
    /// dropped, like the wire's empty `cinema_id=`.
    pub(crate) fn any_of(&mut self, column: &str, values: &[String]) -> &mut Self {
        let values: Vec<&str> = values.iter().map(|v| v.trim()).filter(|v| !v.is_empty()).collect();
        if !values.is_empty() {
            let marks = vec!["?"; values.len()].join(",");
            self.clauses.push(format!("{column} IN ({marks})"));
            self.params.extend(values.iter().map(|v| Value::Text(v.to_string())));
        }
        self
    }

    /// Case-insensitive substring match with LIKE's wildcards escaped.
    pub(crate) fn contains(&mut self, column: &str, value: Option<&str>) -> &mut Self {
        if let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) {
            let escaped = v.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
            self.clauses.push(format!("{column} LIKE ? ESCAPE '\\'"));
            self.params.push(Value::Text(format!("%{escaped}%")));
        }
        self
    }

    /// Keeps the rows whose `column` (a cinema id) is one of `actor`'s cinemas.
    pub(crate) fn in_scope(&mut self, actor: &crate::Actor, column: &str) -> &mut Self {
        if let Some((clause, params)) = actor.scope_clause(column) {
            self.raw(&clause, params);
        }
        self
    }

    /// Whether no filter was added.
    pub(crate) fn is_empty(&self) -> bool {
        self.clauses.is_empty()
    }

    pub(crate) fn raw(&mut self, clause: &str, params: Vec<Value>) -> &mut Self {
        self.clauses.push(clause.to_string());
        self.params.extend(params);
        self
    }

    pub(crate) fn count_with(&mut self, sql: String, params: Vec<Value>) -> &mut Self {
        self.count = Some((sql, params));
        self
    }

    pub(crate) fn sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.clauses.join(" AND "))
        }
    }
}

/// Counts the matches and reads one page of them in the same snapshot.
pub(crate) fn page<T>(
    tx: &Transaction<'_>,
    columns: &str,
    from: &str,
    filter: &Where,
    order_by: &str,
    paging: Paging,
    map: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> Result<Page<T>> {
    // Paging's fields are public, so a page built by hand is checked here as on the wire.
    Paging::new(Some(paging.start), Some(paging.limit))?;
    let where_sql = filter.sql();
    let total: i64 = match &filter.count {
        Some((sql, params)) => {
            tx.prepare_cached(sql)?.query_row(rusqlite::params_from_iter(params.iter()), |r| r.get(0))?
        }
        None => tx
            .prepare_cached(&format!("SELECT count(*) FROM {from}{where_sql}"))?
            .query_row(rusqlite::params_from_iter(filter.params.iter()), |r| r.get(0))?,
    };
    let mut params = filter.params.clone();
    params.push(Value::Integer(paging.limit as i64));
    params.push(Value::Integer(paging.start as i64));
    let mut stmt =
        tx.prepare_cached(&format!("SELECT {columns} FROM {from}{where_sql} ORDER BY {order_by} LIMIT ? OFFSET ?"))?;
    let items = stmt.query_map(rusqlite::params_from_iter(params.iter()), map)?.collect::<Result<Vec<T>, _>>()?;
    Ok(Page { total_count: total as u64, item_list: items })
}

/// Fails with NotFound for the first id that has no row in `table`, so a batch is all or nothing.
pub(crate) fn ensure_all_exist(tx: &Transaction<'_>, table: &str, ids: &[String], entity: crate::Entity) -> Result<()> {
    let mut stmt = tx.prepare_cached(&format!("SELECT 1 FROM {table} WHERE id = ?"))?;
    for id in ids {
        if !stmt.exists([id])? {
            return Err(Error::not_found(entity, id.clone()));
        }
    }
    Ok(())
}
