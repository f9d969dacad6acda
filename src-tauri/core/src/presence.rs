//! The last seen of each COMS, kept in memory beside the database, so that answers an adapter keeps can show it without being dropped at every poll.

use std::collections::HashMap;
use std::sync::Mutex;

/// Last-seen times written since the CMS was opened (epoch ms by cinema id). Each is also in
/// the database, written before it is noted here; this copy only saves a read per answer.
#[derive(Default)]
pub(crate) struct Presence {
    coms: Mutex<HashMap<String, i64>>,
}

impl Presence {
    pub(crate) fn coms_seen(&self, cinema_id: &str, at: i64) {
        let mut coms = self.coms.lock().unwrap_or_else(|p| p.into_inner());
        let seen = coms.entry(cinema_id.to_string()).or_insert(at);
        // Two polls of one cinema may note their times out of order.
        *seen = (*seen).max(at);
    }

    pub(crate) fn coms_last_seen(&self, cinema_id: &str) -> Option<i64> {
        self.coms.lock().unwrap_or_else(|p| p.into_inner()).get(cinema_id).copied()
    }

    pub(crate) fn forget(&self, cinema_ids: &[String]) {
        let mut coms = self.coms.lock().unwrap_or_else(|p| p.into_inner());
        for id in cinema_ids {
            coms.remove(id);
        }
    }
}
