//! Answers of list routes kept as ready JSON until the next committed write.
//!
//! Lists (seats of a cinema, halls, films) are read far more often than anything is written,
//! and a page costs a read transaction, two statements and serialization. Each entry is stored
//! with the core's data generation as it was *before* its read began; any commit moves the
//! generation, and the whole cache is dropped at the next lookup. A read racing a write thus
//! at worst stores an entry that is already outdated and never served, and a client that saw
//! its write acknowledged never gets an answer from before it.

use std::collections::HashMap;
use std::sync::Mutex;

use axum::body::Bytes;

/// Default budget of cached answers, in bytes of JSON.
pub const DEFAULT_BYTES: usize = 16 << 20;

pub struct ReadCache {
    max_bytes: usize,
    inner: Mutex<Entries>,
}

#[derive(Default)]
struct Entries {
    generation: u64,
    bytes: usize,
    by_key: HashMap<String, Bytes>,
}

impl Entries {
    /// Forgets everything when the data moved on since the entries were made.
    fn align(&mut self, generation: u64) {
        if self.generation != generation {
            self.by_key.clear();
            self.bytes = 0;
            self.generation = generation;
        }
    }
}

impl ReadCache {
    /// A cache of at most `max_bytes` of answers; 0 turns it off.
    pub fn new(max_bytes: usize) -> ReadCache {
        ReadCache { max_bytes, inner: Mutex::default() }
    }

    /// The answer stored under `key`, if it was made at `generation`.
    pub fn get(&self, generation: u64, key: &str) -> Option<Bytes> {
        if self.max_bytes == 0 {
            return None;
        }
        let mut entries = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        entries.align(generation);
        entries.by_key.get(key).cloned()
    }

    /// Keeps `body` under `key` as the answer at `generation`, the generation read before the
    /// answer was. Past the budget the cache starts over rather than tracking recency: a full
    /// cache means a burst of distinct pages, which the next write would drop anyway.
    pub fn put(&self, generation: u64, key: String, body: Bytes) {
        if body.len() > self.max_bytes / 4 {
            return; // also covers max_bytes == 0
        }
        let mut entries = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if generation < entries.generation {
            return; // made before a write the cache already knows of
        }
        entries.align(generation);
        if entries.bytes + body.len() > self.max_bytes {
            entries.by_key.clear();
            entries.bytes = 0;
        }
        entries.bytes += body.len();
        if let Some(old) = entries.by_key.insert(key, body) {
            entries.bytes -= old.len();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_lives_until_the_generation_moves() {
        let cache = ReadCache::new(1024);
        cache.put(7, "/a".into(), Bytes::from_static(b"[1]"));
        assert_eq!(cache.get(7, "/a").as_deref(), Some(&b"[1]"[..]), "same generation: served");
        assert_eq!(cache.get(8, "/a"), None, "a write committed since: never served");
        assert_eq!(cache.get(7, "/a"), None, "dropped for good once the generation moved");
    }

    #[test]
    fn an_answer_made_before_a_known_write_is_not_kept() {
        let cache = ReadCache::new(1024);
        assert_eq!(cache.get(5, "/x"), None);
        cache.put(4, "/a".into(), Bytes::from_static(b"old"));
        assert_eq!(cache.get(5, "/a"), None, "read began before write 5 committed");
    }

    #[test]
    fn the_budget_bounds_what_is_kept() {
        let cache = ReadCache::new(16);
        cache.put(1, "/big".into(), Bytes::from_static(b"0123456789"));
        assert_eq!(cache.get(1, "/big"), None, "an answer over a quarter of the budget is not cached");
        cache.put(1, "/a".into(), Bytes::from_static(b"abcd"));
        cache.put(1, "/b".into(), Bytes::from_static(b"efgh"));
        cache.put(1, "/c".into(), Bytes::from_static(b"ijkl"));
        cache.put(1, "/d".into(), Bytes::from_static(b"mnop"));
        assert!(cache.get(1, "/d").is_some(), "16 bytes fit the budget");
        cache.put(1, "/e".into(), Bytes::from_static(b"qrst"));
        assert_eq!(cache.get(1, "/a"), None, "over budget: started over");
        assert!(cache.get(1, "/e").is_some(), "the newest answer is kept");
    }

    #[test]
    fn a_zero_budget_turns_it_off() {
        let cache = ReadCache::new(0);
        cache.put(1, "/a".into(), Bytes::from_static(b"x"));
        assert_eq!(cache.get(1, "/a"), None);
    }
}
