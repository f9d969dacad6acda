//! Answers of list routes kept as ready JSON until a write changes a table they read.
//!
//! Lists (seats of a cinema, halls, cinemas) are read far more often than anything is written,
//! and a page costs a read transaction, two statements and serialization. Each entry is stored
//! with the core's stamp of the tables it read ([`cinedesk_core::Cms::data_stamp`]), taken
//! *before* its read began, and is served only while the stamp of those tables is still at
//! least that. A write moves the stamps of the tables it changed before its caller is answered,
//! so a client that saw its write acknowledged never gets an answer from before it. A read
//! racing a write at worst carries a stamp from before the write: it is then never served.
//! Writes to other tables (a film, a VOD task, a COMS's last seen) leave the entry alone;
//! values that move without a stamp are overlaid at each answer ([`crate::live_json`]).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::live_json::LiveJson;

/// Default budget of cached answers, in bytes of JSON.
pub const DEFAULT_BYTES: usize = 16 << 20;

pub struct ReadCache {
    max_bytes: usize,
    inner: Mutex<Entries>,
}

#[derive(Default)]
struct Entries {
    bytes: usize,
    by_key: HashMap<String, Entry>,
}

struct Entry {
    stamp: u64,
    answer: Arc<LiveJson>,
}

impl ReadCache {
    /// A cache of at most `max_bytes` of answers; 0 turns it off.
    pub fn new(max_bytes: usize) -> ReadCache {
        ReadCache { max_bytes, inner: Mutex::default() }
    }

    /// The answer stored under `key` if it was made at `stamp` or later. `stamp` is the stamp of
    /// the tables the answer reads as the caller sees it now. An entry made before is dropped.
    pub fn get(&self, stamp: u64, key: &str) -> Option<Arc<LiveJson>> {
        if self.max_bytes == 0 {
            return None;
        }
        let mut entries = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let entry = entries.by_key.get(key)?;
        if entry.stamp >= stamp {
            return Some(Arc::clone(&entry.answer));
        }
        let len = entry.answer.bytes();
        entries.by_key.remove(key);
        entries.bytes -= len;
        None
    }

    /// Keeps `answer` under `key` as the answer at `stamp`, the stamp read before the answer was
    /// (an entry made later is not replaced). Past the budget the cache starts over rather than
    /// tracking recency: a full cache means a burst of distinct pages or many writes.
    pub fn put(&self, stamp: u64, key: String, answer: Arc<LiveJson>) {
        let len = answer.bytes();
        if len > self.max_bytes / 4 {
            return; // also covers max_bytes == 0
        }
        let mut entries = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if entries.by_key.get(&key).is_some_and(|e| e.stamp > stamp) {
            return;
        }
        if entries.bytes + len > self.max_bytes {
            entries.by_key.clear();
            entries.bytes = 0;
        }
        entries.bytes += len;
        if let Some(old) = entries.by_key.insert(key, Entry { stamp, answer }) {
            entries.bytes -= old.answer.bytes();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(json: &str) -> Arc<LiveJson> {
        Arc::new(LiveJson::of(&serde_json::from_str::<serde_json::Value>(json).unwrap(), None).unwrap())
    }

    fn body(cache: &ReadCache, stamp: u64, key: &str) -> Option<String> {
        cache.get(stamp, key).map(|a| String::from_utf8(a.render(|_, _| None).to_vec()).unwrap())
    }

    #[test]
    fn an_answer_lives_until_the_stamp_of_its_tables_moves() {
        let cache = ReadCache::new(1024);
        cache.put(7, "/a".into(), answer("[1]"));
        assert_eq!(body(&cache, 7, "/a").as_deref(), Some("[1]"), "same stamp: served");
        assert_eq!(body(&cache, 8, "/a"), None, "a write to its tables committed since: never served");
        assert_eq!(body(&cache, 7, "/a"), None, "dropped for good once the stamp moved");
    }

    #[test]
    fn an_answer_made_after_a_callers_stamp_is_served_to_it() {
        let cache = ReadCache::new(1024);
        cache.put(9, "/a".into(), answer("[2]"));
        assert_eq!(body(&cache, 8, "/a").as_deref(), Some("[2]"), "newer than what the caller knows of: fine");
        assert!(cache.get(9, "/a").is_some(), "and not dropped by that caller");
    }

    #[test]
    fn an_older_answer_does_not_replace_a_newer_one() {
        let cache = ReadCache::new(1024);
        cache.put(5, "/a".into(), answer("[\"new\"]"));
        cache.put(4, "/a".into(), answer("[\"old\"]"));
        assert_eq!(body(&cache, 5, "/a").as_deref(), Some("[\"new\"]"), "a read that began earlier came back later");
    }

    #[test]
    fn the_budget_bounds_what_is_kept() {
        let cache = ReadCache::new(16);
        cache.put(1, "/big".into(), answer("\"0123456789\""));
        assert_eq!(cache.get(1, "/big").map(|_| ()), None, "an answer over a quarter of the budget is not cached");
        for key in ["/a", "/b", "/c", "/d"] {
            cache.put(1, key.into(), answer("[12]"));
        }
        assert!(cache.get(1, "/d").is_some(), "16 bytes fit the budget");
        cache.put(1, "/e".into(), answer("[34]"));
        assert!(cache.get(1, "/a").is_none(), "over budget: started over");
        assert!(cache.get(1, "/e").is_some(), "the newest answer is kept");
    }

    #[test]
    fn a_zero_budget_turns_it_off() {
        let cache = ReadCache::new(0);
        cache.put(1, "/a".into(), answer("1"));
        assert!(cache.get(1, "/a").is_none());
    }
}
