//! `{"cinemaIDList"}`: the cinemas a film is withdrawn from or re-sent to (issue 13's contract, beside the seeds' shapes).

use serde::Deserialize;
use utoipa::ToSchema;

/// Cinemas a film is withdrawn from or re-sent to: `{"cinemaIDList"}`.
#[derive(Deserialize, ToSchema)]
pub(crate) struct CinemaList {
    /// At least one cinema; all of them must exist.
    #[serde(rename = "cinemaIDList")]
    pub(crate) cinema_id_list: Option<Vec<String>>,
}
