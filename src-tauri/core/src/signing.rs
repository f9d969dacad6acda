//! Request signing of machine clients: seed 004 §2.2's `dc:{apikey}:{base64(hmac_sha1(secret, params + "\n" + date + "\n"))}`, and `dc2`, which also covers the method and path; each signature is accepted once.
//!
//! Which text is the request's `user-params` (its query, its body, its form fields) is the
//! server's to decide, since only it sees the request; here a signature is checked against
//! that text and recorded, so the same signature is refused for as long as its date would be
//! accepted (see `docs/coms-integration.md`).

use base64::Engine;
use hmac::{Hmac, Mac};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use sha1::Sha1;
use sha2::Sha256;

use crate::actor::{Actor, Capability};
use crate::error::{Error, Result};
use crate::ids::{new_secret, now_ms};
use crate::{Cms, Entity};

/// How far a request's `user-date` may be from the server's clock.
pub const MAX_CLOCK_SKEW_MS: i64 = 15 * 60 * 1000;
/// `user-date` is wall-clock time in China (UTC+8), where the seed's clients run.
const USER_DATE_OFFSET_MS: i64 = 8 * 60 * 60 * 1000;

/// A new key pair, shown once: `{"apikey","secretkey"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiKey {
    pub apikey: String,
    pub secretkey: String,
}

/// A key as listed: never with its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ApiKeyInfo {
    pub apikey: String,
    #[serde(rename = "cinemaID")]
    pub cinema_id: String,
    pub create_time: i64,
    pub revoke_time: Option<i64>,
}

/// The signature of seed 004 (`dc`) for `params` (the `user-params` header as sent) and `date`.
pub fn sign(secret: &str, params: &str, date: &str) -> String {
    mac::<Hmac<Sha1>>(secret, &[params, date])
}

/// The signature of the `dc2` scheme: as [`sign`], with HMAC-SHA256 over the method (upper
/// case) and the path as sent (no query) before the parameters, so it is good for one route only.
pub fn sign_dc2(secret: &str, method: &str, path: &str, params: &str, date: &str) -> String {
    mac::<Hmac<Sha256>>(secret, &[method, path, params, date])
}

/// base64 of the HMAC of `lines`, each followed by a newline.
fn mac<M: Mac + hmac::digest::KeyInit>(secret: &str, lines: &[&str]) -> String {
    let mut mac = <M as Mac>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    for line in lines {
        mac.update(line.as_bytes());
        mac.update(b"\n");
    }
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// What a signed request presents: its three headers, and the method and path it was sent to.
#[derive(Debug, Clone, Copy)]
pub struct SignedRequest<'a> {
    pub method: &'a str,
    /// The path as sent, without the query.
    pub path: &'a str,
    /// `dc:{apikey}:{signature}` or `dc2:{apikey}:{signature}`.
    pub authorization: &'a str,
    pub user_date: &'a str,
    /// The `user-params` header as sent (URL-encoded).
    pub user_params: &'a str,
}

/// The two schemes of an `authorization` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scheme {
    Dc,
    Dc2,
}

/// Whether `authorization` names one of the signing schemes (rather than, say, a bearer token).
pub fn is_signature(authorization: &str) -> bool {
    let a = authorization.trim_start();
    a.starts_with("dc:") || a.starts_with("dc2:")
}

/// Formats epoch ms as a `user-date` (yyyyMMddHHmmssSSS, China time).
pub fn user_date(epoch_ms: i64) -> String {
    let local = epoch_ms + USER_DATE_OFFSET_MS;
    let (days, ms_of_day) = (local.div_euclid(86_400_000), local.rem_euclid(86_400_000));
    let (y, m, d) = civil_from_days(days);
    let (h, min, s, ms) = (ms_of_day / 3_600_000, ms_of_day / 60_000 % 60, ms_of_day / 1000 % 60, ms_of_day % 1000);
    format!("{y:04}{m:02}{d:02}{h:02}{min:02}{s:02}{ms:03}")
}

/// Parses a `user-date` back to epoch ms; `None` unless it is 17 digits of a real time.
pub fn parse_user_date(s: &str) -> Option<i64> {
    if s.len() != 17 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = |r: std::ops::Range<usize>| s[r].parse::<i64>().ok();
    let (y, mo, d, h, mi, se, ms) = (n(0..4)?, n(4..6)?, n(6..8)?, n(8..10)?, n(10..12)?, n(12..14)?, n(14..17)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 59 {
        return None;
    }
    let days = days_from_civil(y, mo, d);
    if civil_from_days(days) != (y, mo, d) {
        return None; // 31 April and the like
    }
    Some(days * 86_400_000 + ((h * 60 + mi) * 60 + se) * 1000 + ms - USER_DATE_OFFSET_MS)
}

// Howard Hinnant's proleptic Gregorian calendar conversions.
pub(crate) fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

pub(crate) fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { yoe + era * 400 + 1 } else { yoe + era * 400 }, m, d)
}

/// Compares in constant time, so a wrong signature does not leak how much of it was right.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl Cms {
    /// Issues a key pair for a cinema's COMS.
    pub fn create_api_key(&self, actor: &Actor, cinema_id: &str) -> Result<ApiKey> {
        actor.require(Capability::ManageApiKeys)?;
        self.db.write(|tx| {
            if !tx.prepare_cached("SELECT 1 FROM cinemas WHERE id = ?")?.exists([cinema_id])? {
                return Err(Error::not_found(Entity::Cinema, cinema_id));
            }
            let key = ApiKey { apikey: format!("ck_{}", &new_secret()[..24]), secretkey: new_secret() };
            tx.prepare_cached("INSERT INTO api_keys(apikey, secret, cinema_id, created_at) VALUES (?, ?, ?, ?)")?
                .execute(params![key.apikey, key.secretkey, cinema_id, now_ms()])?;
            Ok(key)
        })
    }

    pub fn list_api_keys(&self, actor: &Actor, cinema_id: &str) -> Result<Vec<ApiKeyInfo>> {
        actor.require(Capability::ManageApiKeys)?;
        self.db.read(|tx| {
            // An unknown cinema is not one without keys: say so, as issuing a key there does.
            if !tx.prepare_cached("SELECT 1 FROM cinemas WHERE id = ?")?.exists([cinema_id])? {
                return Err(Error::not_found(Entity::Cinema, cinema_id));
            }
            let mut stmt = tx.prepare_cached(
                "SELECT apikey, cinema_id, created_at, revoked_at FROM api_keys WHERE cinema_id = ? ORDER BY created_at",
            )?;
            let keys = stmt
                .query_map([cinema_id], |r| {
                    Ok(ApiKeyInfo { apikey: r.get(0)?, cinema_id: r.get(1)?, create_time: r.get(2)?, revoke_time: r.get(3)? })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(keys)
        })
    }

    /// Revokes a key at once; requests signed with it are refused from then on.
    pub fn revoke_api_key(&self, actor: &Actor, cinema_id: &str, apikey: &str) -> Result<()> {
        actor.require(Capability::ManageApiKeys)?;
        self.db.write(|tx| {
            let n = tx
                .prepare_cached(
                    "UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?) WHERE apikey = ? AND cinema_id = ?",
                )?
                .execute(params![now_ms(), apikey, cinema_id])?;
            if n == 0 {
                return Err(Error::not_found(Entity::ApiKey, apikey));
            }
            Ok(())
        })
    }

    /// Checks a signed request and answers who signed it (the client of the cinema its key
    /// belongs to), recording the signature as used. The caller must have checked that
    /// `user_params` is what the request actually sends. Unauthorized ([`Error::BadSignature`],
    /// saying why): another scheme, an unknown or revoked key, a date more than 15 minutes off, a
    /// signature that does not match, or one accepted before.
    pub fn verify_signed(&self, req: &SignedRequest<'_>) -> Result<Actor> {
        let refuse = |why: &str| Error::BadSignature(why.to_string());
        let mut parts = req.authorization.trim().splitn(3, ':');
        let (scheme, apikey, signature) = match (parts.next(), parts.next(), parts.next()) {
            (Some("dc"), Some(k), Some(s)) => (Scheme::Dc, k, s),
            (Some("dc2"), Some(k), Some(s)) => (Scheme::Dc2, k, s),
            _ => return Err(refuse("authorization must be dc:{apikey}:{signature} or dc2:{apikey}:{signature}")),
        };
        let at = parse_user_date(req.user_date)
            .ok_or_else(|| refuse("user-date must be yyyyMMddHHmmssSSS, China time (UTC+8)"))?;
        if (now_ms() - at).abs() > MAX_CLOCK_SKEW_MS {
            return Err(refuse("user-date is more than 15 minutes away from the server's clock"));
        }
        let key: Option<(String, String)> = self.db.read(|tx| {
            Ok(tx
                .prepare_cached("SELECT secret, cinema_id FROM api_keys WHERE apikey = ? AND revoked_at IS NULL")?
                .query_row([apikey], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?)
        })?;
        let (secret, cinema) = key.ok_or_else(|| refuse("unknown or revoked API key"))?;
        let expected = match scheme {
            Scheme::Dc => sign(&secret, req.user_params, req.user_date),
            Scheme::Dc2 => sign_dc2(&secret, req.method, req.path, req.user_params, req.user_date),
        };
        if !same(&expected, signature) {
            return Err(refuse("the signature does not match this request"));
        }
        self.spend_signature(apikey, signature, at + MAX_CLOCK_SKEW_MS)?;
        Ok(Actor::Cinema { cinema_id: cinema, apikey: apikey.to_string() })
    }

    /// Records a signature as used until `expires_at` (when its date stops being accepted), and
    /// forgets the ones already past theirs. A signature recorded before: Unauthorized.
    /// The ledger is no table a kept answer reads, so spending moves no stamp ([`Cms::data_stamp`]).
    fn spend_signature(&self, apikey: &str, signature: &str, expires_at: i64) -> Result<()> {
        self.db.write(|tx| {
            tx.prepare_cached("DELETE FROM used_signatures WHERE expires_at < ?")?.execute([now_ms()])?;
            let fresh = tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO used_signatures(apikey, signature, expires_at) VALUES (?, ?, ?)",
                )?
                .execute(params![apikey, signature, expires_at])?;
            if fresh == 0 {
                return Err(Error::BadSignature(
                    "this signature was already used: sign every request anew, with its own user-date".into(),
                ));
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_dates_round_trip_in_china_time() {
        // 2016-01-01 16:07:58.675 in Beijing is 08:07:58.675 UTC.
        let ms = parse_user_date("20160101160758675").unwrap();
        assert_eq!(ms, 1_451_635_678_675);
        assert_eq!(user_date(ms), "20160101160758675");
        for bad in ["2016010116075867", "2016013116075867x", "20160231160758675", "20161301160758675"] {
            assert_eq!(parse_user_date(bad), None, "{bad} is not a date");
        }
    }

    #[test]
    fn signature_matches_an_independent_hmac_sha1() {
        // python3 -c "import hmac,hashlib,base64;print(base64.b64encode(hmac.new(b'secret',
        //   b'a%3D1\n20160101160758675\n',hashlib.sha1).digest()).decode())"
        assert_eq!(sign("secret", "a%3D1", "20160101160758675"), "HaE5Eu3VkEiEdtxHexzegh7CuP4=");
    }

    #[test]
    fn dc2_signature_matches_an_independent_hmac_sha256() {
        // python3 -c "import hmac,hashlib,base64;print(base64.b64encode(hmac.new(b'secret',
        //   b'GET\n/cms/long_poll/c1\ntimeout%3D30\n20160101160758675\n',hashlib.sha256).digest()).decode())"
        assert_eq!(
            sign_dc2("secret", "GET", "/cms/long_poll/c1", "timeout%3D30", "20160101160758675"),
            "/l6eGBOafCcw47p0BrvHejDWNFTQyZNTZ8y4T9gwrVQ="
        );
    }
}
