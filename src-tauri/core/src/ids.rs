//! Opaque identifiers and secrets: random, URL-safe, like the seed's ids.

use rand::Rng;

const ALPHABET: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";

/// A new 24-character id: 9 characters of creation time (ms, base 36) then 15 random ones
/// (about 77 bits). Opaque to clients, but time-ordered like UUIDv7, so new rows append to the
/// end of every index keyed by id instead of landing at random pages: bulk imports stay fast
/// and the page cache stays warm at chain scale.
pub fn new_id() -> String {
    let mut id = String::with_capacity(24);
    let mut t = now_ms().max(0) as u64;
    let mut time = [b'0'; 9];
    for slot in time.iter_mut().rev() {
        *slot = ALPHABET[(t % 36) as usize];
        t /= 36;
    }
    id.extend(time.iter().map(|&b| b as char));
    id.push_str(&random_token(15));
    id
}

/// `n` random characters of [0-9a-z] (about 5.17 bits each).
pub(crate) fn random_token(n: usize) -> String {
    let mut rng = rand::rng();
    (0..n).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect()
}

/// A new bearer token or secret: 32 random bytes as hex.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill(&mut bytes);
    hex::encode(bytes)
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_are_unique_24_chars_and_time_ordered() {
        let a = super::new_id();
        // The next millisecond, whatever the machine's load: made after `a`'s, b's time is later.
        let made = super::now_ms();
        while super::now_ms() <= made {
            std::thread::yield_now();
        }
        let b = super::new_id();
        assert_eq!((a.len(), b.len()), (24, 24));
        assert!(a < b, "a later id sorts after an earlier one: {a} {b}");
        assert!(a.bytes().all(|c| c.is_ascii_digit() || c.is_ascii_lowercase()));
    }
}
