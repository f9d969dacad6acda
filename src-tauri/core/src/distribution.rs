//! Distribution of a film to cinemas (seed §4.6): all named cinemas or none, each told through its COMS queue.

use rusqlite::params;
use rusqlite::types::Value;
use serde::{Deserialize, Serialize};

use crate::actor::{Actor, Capability};
use crate::audit::{self, Action, Change};
use crate::error::Result;
use crate::ids::now_ms;
use crate::outbox::{self, MessageType};
use crate::query;
use crate::{movie, validate, Cms, Entity};

/// Body of `POST /cms/movies/{movie_id}/_distribute`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DistributeInput {
    #[serde(rename = "cinemaIDList")]
    pub cinema_id_list: Option<Vec<String>>,
}

/// What a distribution did: cinemas newly given the film, and those that already had it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DistributionOutcome {
    #[serde(rename = "addedCinemaIDList")]
    pub added: Vec<String>,
    #[serde(rename = "alreadyCinemaIDList")]
    pub already: Vec<String>,
}

/// A film given to a cinema, as the audit log shows it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Distribution<'a> {
    #[serde(rename = "movieID")]
    movie_id: &'a str,
    #[serde(rename = "cinemaID")]
    cinema_id: &'a str,
    distributed_at: i64,
}

impl Cms {
    /// Gives the film to every listed cinema and queues a NEW_MOVIE for each new one, in one
    /// transaction: if any cinema is unknown, or not the caller's, nothing changes. Cinemas that already have the
    /// film are left alone (no second message), so a retried request is harmless.
    pub fn distribute_movie(
        &self,
        actor: &Actor,
        movie_id: &str,
        input: DistributeInput,
    ) -> Result<DistributionOutcome> {
        actor.require(Capability::Operate)?;
        let outcome = self.db.write(|tx| {
            // The film first: an unknown film is not found whatever the list says, like every
            // operation on a record (and so on a server, where an empty id never reaches a route).
            let film = outbox::payload(&movie::get(tx, movie_id)?)?;
            let list = validate::required("cinemaIDList", input.cinema_id_list.clone())?;
            let cinemas = validate::id_list("cinemaIDList", &list)?;
            query::ensure_all_exist(tx, "cinemas", &cinemas, Entity::Cinema)?;
            actor.require_cinemas(tx, &cinemas)?;
            let mut insert = tx.prepare_cached(
                "INSERT OR IGNORE INTO distributions(movie_id, cinema_id, distributed_at) VALUES (?, ?, ?)",
            )?;
            let now = now_ms();
            let mut outcome = DistributionOutcome::default();
            for cinema in &cinemas {
                if insert.execute(params![movie_id, cinema, now])? == 1 {
                    outbox::enqueue(tx, cinema, MessageType::NewMovie, &film)?;
                    let given = Distribution { movie_id, cinema_id: cinema, distributed_at: now };
                    let change = Change::new(Action::Distribute, Entity::Distribution, movie_id).cinema(cinema);
                    audit::record(tx, actor, change.after(&given))?;
                    outcome.added.push(cinema.clone());
                } else {
                    outcome.already.push(cinema.clone());
                }
            }
            Ok(outcome)
        })?;
        self.notify(&outcome.added);
        Ok(outcome)
    }

    /// The cinemas of the caller's that a film has been distributed to.
    pub fn movie_cinema_ids(&self, actor: &Actor, movie_id: &str) -> Result<Vec<String>> {
        actor.require(Capability::Operate)?;
        let mut w = query::Where::default();
        w.raw("movie_id = ?", vec![Value::Text(movie_id.to_string())]).in_scope(actor, "cinema_id");
        self.db.read(|tx| {
            movie::get(tx, movie_id)?;
            let sql = format!("SELECT cinema_id FROM distributions{} ORDER BY distributed_at, cinema_id", w.sql());
            let mut stmt = tx.prepare_cached(&sql)?;
            let rows = stmt.query_map(rusqlite::params_from_iter(w.params.iter()), |r| r.get(0))?;
            Ok(rows.collect::<Result<Vec<String>, _>>()?)
        })
    }
}
