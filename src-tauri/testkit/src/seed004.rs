//! Requests signed the way a cinema's machine client signs them (seed 004 §2.2), written apart
//! from the core's verifier so that a test checks one against the other:
//! `authorization: dc:{apikey}:{base64(hmac_sha1(secret, user-params + "\n" + user-date + "\n"))}`,
//! `user-params` the URL-encoded query or body, `user-date` `yyyyMMddHHmmssSSS` in China time.

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

/// Signs `params` (the query or the body exactly as sent) with `key`, dated now.
pub fn sign(key: (&str, &str), params: &str) -> Signature {
    sign_at(key, params, now_ms())
}

/// Signs `params` with `key`, dated `at_ms` (epoch milliseconds): a date far off is refused.
pub fn sign_at(key: (&str, &str), params: &str, at_ms: i64) -> Signature {
    let (apikey, secret) = key;
    let user_params: String = form_urlencoded::byte_serialize(params.as_bytes()).collect();
    let user_date = china_time(at_ms);
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(format!("{user_params}\n{user_date}\n").as_bytes());
    let digest = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    Signature { authorization: format!("dc:{apikey}:{digest}"), user_params, user_date }
}

/// Epoch milliseconds now.
pub fn now_ms() -> i64 {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("after 1970");
    since.as_millis() as i64
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
}
