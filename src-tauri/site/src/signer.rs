//! Signing each request with the cinema's key, `dc2` (HMAC-SHA256 over method, path, parameters and date), a fresh signature every time.
//!
//! The server accepts a signature once, so two requests must never sign the same text at the
//! same millisecond: each signature gets a `user-date` later than the one before (a request
//! sent in a burst is dated a millisecond or two ahead, well within the 15 minutes allowed).

use std::sync::atomic::{AtomicI64, Ordering};

use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The three headers of one signed request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Signed {
    pub user_date: String,
    pub user_params: String,
    pub authorization: String,
}

pub(crate) struct Signer {
    apikey: String,
    secret: String,
    last_ms: AtomicI64,
}

impl Signer {
    pub fn new(apikey: &str, secret: &str) -> Signer {
        Signer { apikey: apikey.to_string(), secret: secret.to_string(), last_ms: AtomicI64::new(0) }
    }

    /// Signs a request: `method` upper case, `path` as sent without the query, `text` what the
    /// request sends (its query for a bodyless request, its body otherwise), not yet encoded.
    pub fn sign(&self, method: &str, path: &str, text: &str) -> Signed {
        self.sign_at(method, path, text, self.fresh_ms())
    }

    fn sign_at(&self, method: &str, path: &str, text: &str, at_ms: i64) -> Signed {
        let user_params: String = form_urlencoded::byte_serialize(text.as_bytes()).collect();
        let user_date = user_date(at_ms);
        let mut mac = Hmac::<Sha256>::new_from_slice(self.secret.as_bytes()).expect("HMAC takes keys of any length");
        for line in [method, path, &user_params, &user_date] {
            mac.update(line.as_bytes());
            mac.update(b"\n");
        }
        let signature = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
        Signed { authorization: format!("dc2:{}:{signature}", self.apikey), user_params, user_date }
    }

    /// Now in epoch ms, but later than any date this signer gave before.
    fn fresh_ms(&self) -> i64 {
        let now = crate::now_ms();
        let prev = self.last_ms.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |last| Some(now.max(last + 1)));
        now.max(prev.unwrap_or(0) + 1)
    }
}

/// `user-date`: the time in China (UTC+8, as the seed writes it), `yyyyMMddHHmmssSSS`.
fn user_date(epoch_ms: i64) -> String {
    let china = chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
    let at = chrono::DateTime::from_timestamp_millis(epoch_ms).expect("a time after 1970").with_timezone(&china);
    at.format("%Y%m%d%H%M%S%3f").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_the_worked_example_of_the_integrators_page() {
        // docs/coms-integration.md §3: cinema c1, key ck_demo, secret "secret".
        let s = Signer::new("ck_demo", "secret").sign_at(
            "GET",
            "/cms/long_poll/c1",
            "timeout=30",
            // 2016-01-01 16:07:58.675 in China.
            1_451_635_678_675,
        );
        assert_eq!(s.user_params, "timeout%3D30");
        assert_eq!(s.user_date, "20160101160758675");
        assert_eq!(s.authorization, "dc2:ck_demo:/l6eGBOafCcw47p0BrvHejDWNFTQyZNTZ8y4T9gwrVQ=");
    }

    #[test]
    fn encodes_a_body_as_quote_plus_does() {
        let body = r#"{"state":"DONE","detail":"3 个座位 rebooted"}"#;
        let ours = Signer::new("k", "s").sign("PUT", "/cms/commands/x", body);
        let theirs = cinedesk_testkit::seed004::sign_dc2(("k", "s"), "PUT", "/cms/commands/x", body);
        assert_eq!(ours.user_params, theirs.user_params);
        assert!(ours.user_params.contains("3+%E4%B8%AA"), "space as +, UTF-8 percent-encoded: {}", ours.user_params);
    }

    #[test]
    fn two_signatures_of_the_same_request_never_share_a_date() {
        let signer = Signer::new("k", "s");
        let dates: Vec<String> = (0..50).map(|_| signer.sign("GET", "/cms/ws/c1", "").user_date).collect();
        assert!(dates.windows(2).all(|w| w[0] < w[1]), "each signature is dated after the one before: {dates:?}");
    }
}
