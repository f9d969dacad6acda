//! The last seen of each COMS and its last heartbeat, kept in memory beside the database, so that answers an adapter keeps can show them without being dropped at every poll.

use std::collections::HashMap;
use std::sync::Mutex;

/// Times noted since the CMS was opened (epoch ms by cinema id). Each is also in the
/// database (a heartbeat's to a minute), written before it is noted here; this copy saves a
/// read per answer, and its writes moving no stamp keep the adapters' answers.
#[derive(Default)]
pub(crate) struct Presence {
    coms: Mutex<HashMap<String, i64>>,
    heartbeats: Mutex<HashMap<String, i64>>,
}

fn note(map: &Mutex<HashMap<String, i64>>, cinema_id: &str, at: i64) {
    let mut map = map.lock().unwrap_or_else(|p| p.into_inner());
    let seen = map.entry(cinema_id.to_string()).or_insert(at);
    // Two polls of one cinema may note their times out of order.
    *seen = (*seen).max(at);
}

fn noted(map: &Mutex<HashMap<String, i64>>, cinema_id: &str) -> Option<i64> {
    map.lock().unwrap_or_else(|p| p.into_inner()).get(cinema_id).copied()
}

impl Presence {
    pub(crate) fn coms_seen(&self, cinema_id: &str, at: i64) {
        note(&self.coms, cinema_id, at);
    }

    pub(crate) fn coms_last_seen(&self, cinema_id: &str) -> Option<i64> {
        noted(&self.coms, cinema_id)
    }

    pub(crate) fn heartbeat(&self, cinema_id: &str, at: i64) {
        note(&self.heartbeats, cinema_id, at);
    }

    pub(crate) fn heartbeat_at(&self, cinema_id: &str) -> Option<i64> {
        noted(&self.heartbeats, cinema_id)
    }

    pub(crate) fn forget(&self, cinema_ids: &[String]) {
        for map in [&self.coms, &self.heartbeats] {
            let mut map = map.lock().unwrap_or_else(|p| p.into_inner());
            for id in cinema_ids {
                map.remove(id);
            }
        }
    }
}
