//! The core's list filters as the query strings of seed 000 (`cinema_id=a&cinema_id=b&start=0&limit=20`).

use cinedesk_core::{
    CinemaQuery, HallQuery, ModelQuery, MovieQuery, OrderSeq, Paging, UserQuery, VodTaskQuery, VrClientQuery,
};

/// Ordered query pairs; a key repeats for several values, as the seed's lists take them.
#[derive(Default)]
pub(crate) struct Pairs(Vec<(&'static str, String)>);

impl Pairs {
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (*k, v.as_str()))
    }

    pub(crate) fn one(mut self, key: &'static str, value: Option<&str>) -> Self {
        if let Some(v) = value {
            self.0.push((key, v.to_string()));
        }
        self
    }

    pub(crate) fn all(mut self, key: &'static str, values: &[String]) -> Self {
        self.0.extend(values.iter().map(|v| (key, v.clone())));
        self
    }

    fn paging(mut self, p: Paging) -> Self {
        self.0.push(("start", p.start.to_string()));
        self.0.push(("limit", p.limit.to_string()));
        self
    }
}

pub(crate) fn cinemas(q: &CinemaQuery) -> Pairs {
    Pairs::default()
        .one("region_id", q.region_id.as_deref())
        .all("cinema_id", &q.cinema_ids)
        .one("cinema_code", q.cinema_code.as_deref())
        .one("name", q.name.as_deref())
        .paging(q.paging)
}

pub(crate) fn halls(q: &HallQuery) -> Pairs {
    Pairs::default()
        .one("cinema_id", q.cinema_id.as_deref())
        .all("hall_id", &q.hall_ids)
        .one("hall_code", q.hall_code.as_deref())
        .paging(q.paging)
}

pub(crate) fn vr_clients(q: &VrClientQuery) -> Pairs {
    Pairs::default()
        .all("client_id", &q.client_ids)
        .one("cinema_id", q.cinema_id.as_deref())
        .one("hall_id", q.hall_id.as_deref())
        .one("status", q.status.map(|s| s.as_str()))
        .paging(q.paging)
}

pub(crate) fn movies(q: &MovieQuery) -> Pairs {
    let seq = match q.order_seq {
        OrderSeq::Asc => "asc",
        OrderSeq::Desc => "desc",
    };
    Pairs::default()
        .all("movie_id", &q.movie_ids)
        .one("open_id", q.open_id.as_deref())
        .one("cinema_id", q.cinema_id.as_deref())
        .one("name", q.name.as_deref())
        .one("movie_code", q.movie_code.as_deref())
        .one("type", q.movie_type.as_deref())
        .one("category", q.category.as_deref())
        .one("country", q.country.as_deref())
        .one("online", q.online.map(|o| if o { "true" } else { "false" }))
        .one("order_param", q.order_param.as_deref())
        .one("order_seq", Some(seq))
        .paging(q.paging)
}

pub(crate) fn vod_tasks(q: &VodTaskQuery) -> Pairs {
    Pairs::default()
        .all("task_id", &q.task_ids)
        .one("cinema_id", q.cinema_id.as_deref())
        .one("client_id", q.client_id.as_deref())
        .one("status", q.status.map(|s| s.as_str()))
        .paging(q.paging)
}

pub(crate) fn users(q: &UserQuery) -> Pairs {
    Pairs::default()
        .all("user_id", &q.user_ids)
        .one("alias", q.alias.as_deref())
        .one("name", q.name.as_deref())
        .one("role", q.role.as_deref())
        .paging(q.paging)
}

pub(crate) fn models(q: &ModelQuery) -> Pairs {
    Pairs::default()
        .all("id", &q.ids)
        .one("model_code", q.model_code.as_deref())
        .one("name", q.name.as_deref())
        .one("vendor", q.vendor.as_deref())
        .paging(q.paging)
}
