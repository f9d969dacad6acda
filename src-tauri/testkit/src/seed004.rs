//! Requests signed the way a cinema's machine client signs them (seed 004 §2.2, and `dc2`),
//! written apart from the core's verifier so that a test checks one against the other:
//! `authorization: dc:{apikey}:{base64(hmac_sha1(secret, user-params + "\n" + user-date + "\n"))}`,
//! or `dc2:` with HMAC-SHA256 over `METHOD\npath\n` first; `user-params` the URL-encoded query or
//! body, `user-date` `yyyyMMddHHmmssSSS` in China time.

use base64::Engine;
use hmac::{Hmac, Mac};
use time::{OffsetDateTime, UtcOffset};

/// A cinema's API key: (apikey, secretkey).
pub type ApiKey = (String, String);

/// The three headers of a signed request.
pub struct Signature {
    pub user_date: String,
    pub user_params: String,
    pub authorization: String,
}

impl Signature {
    /// As (name, value) pairs, to put on a request.
    pub fn headers(&self) -> [(&'static str, &str); 3] {
        [("user-date", &self.user_date), ("user-params", &self.user_params), ("authorization", &self.authorization)]
    }
}

/// Signs `params` (the query or the body exactly as sent) with `key`, dated now ([`fresh_ms`]).
pub fn sign(key: (&str, &str), params: &str) -> Signature {
    sign_at(key, params, fresh_ms())
}

/// Signs `params` with `key`, dated `at_ms` (epoch milliseconds): a date far off is refused.
pub fn sign_at(key: (&str, &str), params: &str, at_ms: i64) -> Signature {
    let (user_params, user_date) = (encode(params), china_time(at_ms));
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(key.1.as_bytes()).expect("any key length");
    mac.update(format!("{user_params}\n{user_date}\n").as_bytes());
    let digest = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    Signature { authorization: format!("dc:{}:{digest}", key.0), user_params, user_date }
}

/// Signs `params` the `dc2` way, for `method` (upper case) on `path` (as sent, no query), dated now.
pub fn sign_dc2(key: (&str, &str), method: &str, path: &str, params: &str) -> Signature {
    let (user_params, user_date) = (encode(params), china_time(fresh_ms()));
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key.1.as_bytes()).expect("any key length");
    mac.update(format!("{method}\n{path}\n{user_params}\n{user_date}\n").as_bytes());
    let digest = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    Signature { authorization: format!("dc2:{}:{digest}", key.0), user_params, user_date }
}

/// `text` URL-encoded for `user-params`, as Java's `URLEncoder` and Python's `quote_plus` do.
fn encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// Epoch milliseconds now.
pub fn now_ms() -> i64 {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("after 1970");
    since.as_millis() as i64
}

/// Epoch milliseconds now, later than any this process answered before: a signature is accepted
/// once, so two requests signing the same text in one millisecond would be one signature.
pub fn fresh_ms() -> i64 {
    use std::sync::atomic::{AtomicI64, Ordering};
    static LAST: AtomicI64 = AtomicI64::new(0);
    let now = now_ms();
    let prev = LAST.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |last| Some(now.max(last + 1))).unwrap_or(0);
    now.max(prev + 1)
}

/// `yyyyMMddHHmmssSSS` at UTC+8.
fn china_time(ms: i64) -> String {
    let utc = OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).expect("a representable time");
    let t = utc.to_offset(UtcOffset::from_hms(8, 0, 0).expect("a valid offset"));
    format!(
        "{:04}{:02}{:02}{:02}{:02}{:02}{:03}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seeds_date_is_china_time_to_the_millisecond() {
        // 2016-01-01 08:07:58.675 UTC is 16:07:58.675 in Beijing.
        assert_eq!(china_time(1_451_635_678_675), "20160101160758675");
    }

    #[test]
    fn the_signature_matches_an_hmac_computed_elsewhere() {
        // python3 -c "import hmac,hashlib,base64;print(base64.b64encode(hmac.new(b'secret',
        //   b'a%3D1\n20160101160758675\n',hashlib.sha1).digest()).decode())"
        let s = sign_at(("ck_1", "secret"), "a=1", 1_451_635_678_675);
        assert_eq!(s.user_params, "a%3D1");
        assert_eq!(s.authorization, "dc:ck_1:HaE5Eu3VkEiEdtxHexzegh7CuP4=");
    }

    #[test]
    fn dates_made_together_are_each_their_own_millisecond() {
        let (a, b) = (fresh_ms(), fresh_ms());
        assert!(b > a, "{a} then {b}");
    }
}
