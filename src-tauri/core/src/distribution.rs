//! Distribution of a film to cinemas (seed §4.6), its withdrawal and the re-sending of its message: all named cinemas or none, each told through its COMS queue.

use rusqlite::types::Value;
use serde::{Deserialize, Serialize};

use crate::actor::{Actor, Capability};
use crate::audit::{self, Action, Change};
use crate::delivery::{self, DeliveryState, WithdrawalOutcome};
use crate::error::{Error, Result};
use crate::ids::now_ms;
use crate::outbox::MessageType;
use crate::query;
use crate::site_events::{SiteChange, SiteChanged};
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

/// The film (404 first, whatever the list says, like every operation on a record) and the
/// listed cinemas, every one of which must exist and be the caller's (403, all or nothing).
fn film_and_cinemas(
    tx: &rusqlite::Transaction<'_>,
    actor: &Actor,
    movie_id: &str,
    list: Option<Vec<String>>,
) -> Result<(movie::Movie, Vec<String>)> {
    let film = movie::get(tx, movie_id)?;
    let list = validate::required("cinemaIDList", list)?;
    let cinemas = validate::id_list("cinemaIDList", &list)?;
    query::ensure_all_exist(tx, "cinemas", &cinemas, Entity::Cinema)?;
    actor.require_cinemas(tx, &cinemas)?;
    Ok((film, cinemas))
}

fn delivery_changes(movie_id: &str, cinemas: &[String]) -> Vec<SiteChange> {
    cinemas.iter().map(|c| SiteChange::new(c, SiteChanged::Delivery { movie_id: movie_id.to_string() })).collect()
}

/// One film's delivery to one cinema changed by a user (given, given again, taken back), as the
/// audit log shows it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DeliveryChange<'a> {
    #[serde(rename = "movieID")]
    movie_id: &'a str,
    #[serde(rename = "cinemaID")]
    cinema_id: &'a str,
    state: DeliveryState,
}

/// Records, in the change's transaction, what happened to the film's delivery to `cinema`: its
/// state before (none when it was never given) and after.
fn audit_delivery(
    tx: &rusqlite::Transaction<'_>,
    actor: &Actor,
    action: Action,
    (movie_id, cinema): (&str, &str),
    before: Option<DeliveryState>,
) -> Result<()> {
    let after = delivery::state_of(tx, movie_id, cinema)?.unwrap_or(DeliveryState::Withdrawn);
    let mut change = Change::new(action, Entity::Delivery, movie_id).cinema(cinema);
    if let Some(state) = before {
        change = change.before(&DeliveryChange { movie_id, cinema_id: cinema, state });
    }
    audit::record(tx, actor, change.after(&DeliveryChange { movie_id, cinema_id: cinema, state: after }))
}

impl Cms {
    /// Gives the film to every listed cinema and queues a NEW_MOVIE (the film and its file) for
    /// each new one, in one transaction: if any cinema is unknown, or not the caller's, nothing
    /// changes. Cinemas that have the film are left alone (no second message), so a retried
    /// request is harmless; a cinema it was withdrawn from gets it again.
    pub fn distribute_movie(
        &self,
        actor: &Actor,
        movie_id: &str,
        input: DistributeInput,
    ) -> Result<DistributionOutcome> {
        actor.require(Capability::Operate)?;
        let outcome = self.db.write(|tx| {
            let (film, cinemas) = film_and_cinemas(tx, actor, movie_id, input.cinema_id_list.clone())?;
            let film = delivery::film_payload(tx, film)?;
            let now = now_ms();
            let mut outcome = DistributionOutcome::default();
            for cinema in &cinemas {
                match delivery::state_of(tx, movie_id, cinema)? {
                    before @ (None | Some(DeliveryState::Withdrawn)) => {
                        delivery::queue(tx, movie_id, cinema, MessageType::NewMovie, &film, now)?;
                        audit_delivery(tx, actor, Action::Distribute, (movie_id, cinema), before)?;
                        outcome.added.push(cinema.clone());
                    }
                    Some(_) => outcome.already.push(cinema.clone()),
                }
            }
            Ok(outcome)
        })?;
        self.notify(&outcome.added);
        self.tell_site_changes(&delivery_changes(movie_id, &outcome.added));
        Ok(outcome)
    }

    /// Takes the film back from every listed cinema that has it: each gets MOVIE_WITHDRAWN and
    /// its delivery becomes WITHDRAWN, in one transaction (an unknown cinema, or one where an
    /// unfinished VOD task still needs the film, and nothing changes).
    pub fn withdraw_movie(
        &self,
        actor: &Actor,
        movie_id: &str,
        cinema_id_list: Option<Vec<String>>,
    ) -> Result<WithdrawalOutcome> {
        actor.require(Capability::Operate)?;
        let outcome = self.db.write(|tx| {
            let (_, cinemas) = film_and_cinemas(tx, actor, movie_id, cinema_id_list)?;
            let now = now_ms();
            let mut outcome = WithdrawalOutcome::default();
            for cinema in &cinemas {
                match delivery::state_of(tx, movie_id, cinema)? {
                    None | Some(DeliveryState::Withdrawn) => outcome.not_distributed.push(cinema.clone()),
                    before @ Some(_) => {
                        delivery::ensure_not_playing(tx, movie_id, cinema)?;
                        delivery::withdraw(tx, movie_id, cinema, now)?;
                        audit_delivery(tx, actor, Action::Withdraw, (movie_id, cinema), before)?;
                        outcome.withdrawn.push(cinema.clone());
                    }
                }
            }
            Ok(outcome)
        })?;
        self.notify(&outcome.withdrawn);
        self.tell_site_changes(&delivery_changes(movie_id, &outcome.withdrawn));
        Ok(outcome)
    }

    /// Sends the film's NEW_MOVIE (as it is now) to the listed cinemas again, each delivery back
    /// to QUEUED: what "retry" on a board does for a FAILED or stuck site. All or nothing: a
    /// cinema the film was never given to is 404, one it was withdrawn from a conflict.
    pub fn retry_deliveries(&self, actor: &Actor, movie_id: &str, cinema_id_list: Option<Vec<String>>) -> Result<()> {
        actor.require(Capability::Operate)?;
        let cinemas = self.db.write(|tx| {
            let (film, cinemas) = film_and_cinemas(tx, actor, movie_id, cinema_id_list)?;
            let film = delivery::film_payload(tx, film)?;
            let now = now_ms();
            for cinema in &cinemas {
                match delivery::state_of(tx, movie_id, cinema)? {
                    None => {
                        return Err(Error::not_found(Entity::Delivery, format!("movie {movie_id} at cinema {cinema}")))
                    }
                    Some(DeliveryState::Withdrawn) => {
                        return Err(Error::Stale(format!(
                            "movie {movie_id} was withdrawn from cinema {cinema}: distribute it again"
                        )))
                    }
                    before @ Some(_) => {
                        delivery::queue(tx, movie_id, cinema, MessageType::NewMovie, &film, now)?;
                        audit_delivery(tx, actor, Action::Distribute, (movie_id, cinema), before)?;
                    }
                }
            }
            Ok(cinemas)
        })?;
        self.notify(&cinemas);
        self.tell_site_changes(&delivery_changes(movie_id, &cinemas));
        Ok(())
    }

    /// The cinemas of the caller's that have the film (withdrawn ones excluded).
    pub fn movie_cinema_ids(&self, actor: &Actor, movie_id: &str) -> Result<Vec<String>> {
        actor.require(Capability::Operate)?;
        let mut w = query::Where::default();
        w.raw("movie_id = ?", vec![Value::Text(movie_id.to_string())])
            .raw("state <> 'WITHDRAWN'", Vec::new())
            .in_scope(actor, "cinema_id");
        self.db.read(|tx| {
            movie::get(tx, movie_id)?;
            let sql = format!("SELECT cinema_id FROM deliveries{} ORDER BY distributed_at, cinema_id", w.sql());
            let mut stmt = tx.prepare_cached(&sql)?;
            let rows = stmt.query_map(rusqlite::params_from_iter(w.params.iter()), |r| r.get(0))?;
            Ok(rows.collect::<Result<Vec<String>, _>>()?)
        })
    }
}
