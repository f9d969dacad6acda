//! Distribution of a film to cinemas (seed §4.6): all named cinemas or none, each told through its COMS queue.

use rusqlite::params;
use serde::{Deserialize, Serialize};

use crate::actor::{Actor, Capability};
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

impl Cms {
    /// Gives the film to every listed cinema and queues a NEW_MOVIE for each new one, in one
    /// transaction: if any cinema is unknown nothing changes. Cinemas that already have the
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
            let mut insert = tx.prepare_cached(
                "INSERT OR IGNORE INTO distributions(movie_id, cinema_id, distributed_at) VALUES (?, ?, ?)",
            )?;
            let now = now_ms();
            let mut outcome = DistributionOutcome::default();
            for cinema in &cinemas {
                if insert.execute(params![movie_id, cinema, now])? == 1 {
                    outbox::enqueue(tx, cinema, MessageType::NewMovie, &film)?;
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

    /// The cinemas a film has been distributed to.
    pub fn movie_cinema_ids(&self, actor: &Actor, movie_id: &str) -> Result<Vec<String>> {
        actor.require(Capability::Operate)?;
        self.db.read(|tx| {
            movie::get(tx, movie_id)?;
            let mut stmt = tx.prepare_cached(
                "SELECT cinema_id FROM distributions WHERE movie_id = ? ORDER BY distributed_at, cinema_id",
            )?;
            let ids = stmt.query_map([movie_id], |r| r.get(0))?.collect::<Result<Vec<String>, _>>()?;
            Ok(ids)
        })
    }
}
