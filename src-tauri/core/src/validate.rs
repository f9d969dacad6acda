//! Field rules of the seed: required values, lengths counted in characters, codes, IPv4, MAC, URLs.

use crate::error::{Error, Result};

/// Longest name or description the seed allows (characters, not bytes).
pub const MAX_TEXT: usize = 256;
/// The seed allows seat descriptions a little longer (265 characters).
pub const MAX_SEAT_DESCRIPTION: usize = 265;
/// Codes (cinemaCode, hallCode, movieCode, model codes) are short and machine friendly.
pub const MAX_CODE: usize = 64;
/// WeChat scene strings for QR codes are limited; the product keeps them to 32 characters.
pub const MAX_SCENE: usize = 32;
/// What a site says about a failure (a download's error, a command's detail, a seat's fault).
pub const MAX_REPORT_TEXT: usize = 1000;

pub(crate) fn required<T>(field: &str, value: Option<T>) -> Result<T> {
    value.ok_or_else(|| Error::invalid(field, "is required"))
}

/// A required text: trimmed, non-empty, at most `max` characters.
pub(crate) fn text(field: &str, value: &str, max: usize) -> Result<String> {
    let v = value.trim();
    if v.is_empty() {
        return Err(Error::invalid(field, "must not be empty"));
    }
    if v.chars().count() > max {
        return Err(Error::invalid(field, format!("must be at most {max} characters")));
    }
    if v.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(Error::invalid(field, "must not contain control characters"));
    }
    Ok(v.to_string())
}

/// A whole number written the way the OpenAPI document's patterns write one: ASCII digits
/// only, no sign, no spaces, no leading zero (Rust's own parse takes `+5`).
pub fn whole(v: &str) -> Option<u64> {
    let digits = !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) && (v == "0" || !v.starts_with('0'));
    digits.then(|| v.parse().ok()).flatten()
}

/// An optional text: empty means absent.
pub(crate) fn opt_text(field: &str, value: Option<&str>, max: usize) -> Result<Option<String>> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => text(field, v, max).map(Some),
    }
}

/// A readable unique code: letters, digits, '_' and '-'.
pub(crate) fn code(field: &str, value: &str, max: usize) -> Result<String> {
    let v = text(field, value, max)?;
    if !v.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        return Err(Error::invalid(field, "may contain only letters, digits, '_' and '-'"));
    }
    Ok(v)
}

/// A login alias: letters, digits and underscore only, as the seed says.
pub(crate) fn alias(field: &str, value: &str) -> Result<String> {
    let v = text(field, value, MAX_CODE)?;
    if !v.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(Error::invalid(field, "may contain only letters, digits and '_'"));
    }
    Ok(v)
}

/// Dotted-quad IPv4 without leading zeros ("192.168.8.21").
pub(crate) fn ipv4(field: &str, value: &str) -> Result<String> {
    let v = value.trim();
    let ok = v.split('.').count() == 4
        && v.split('.').all(|o| !o.is_empty() && o.len() <= 3 && o.bytes().all(|b| b.is_ascii_digit()))
        && v.split('.').all(|o| o == "0" || !o.starts_with('0'))
        && v.parse::<std::net::Ipv4Addr>().is_ok();
    if !ok {
        return Err(Error::invalid(field, "must be an IPv4 address like 192.168.8.21"));
    }
    Ok(v.to_string())
}

pub(crate) fn opt_ipv4(field: &str, value: Option<&str>) -> Result<Option<String>> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => ipv4(field, v).map(Some),
    }
}

/// A MAC address: six hex octets separated all by ':' or all by '-'.
pub(crate) fn mac(field: &str, value: &str) -> Result<String> {
    let v = value.trim();
    let sep = if v.contains('-') { '-' } else { ':' };
    let octets: Vec<&str> = v.split(sep).collect();
    let ok = octets.len() == 6 && octets.iter().all(|o| o.len() == 2 && o.bytes().all(|b| b.is_ascii_hexdigit()));
    if !ok {
        return Err(Error::invalid(field, "must be a MAC address of six hex octets like 99:ed:9d:3b:e8:36"));
    }
    Ok(v.to_string())
}

pub(crate) fn opt_mac(field: &str, value: Option<&str>) -> Result<Option<String>> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => mac(field, v).map(Some),
    }
}

/// An http(s) URL, for links shown to WeChat users.
pub(crate) fn opt_url(field: &str, value: Option<&str>) -> Result<Option<String>> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => {
            let rest = v.strip_prefix("https://").or_else(|| v.strip_prefix("http://"));
            match rest {
                Some(r) if !r.is_empty() && !v.chars().any(char::is_whitespace) && v.len() <= 2048 => {
                    Ok(Some(v.to_string()))
                }
                _ => Err(Error::invalid(field, "must be an http:// or https:// URL")),
            }
        }
    }
}

/// A count of bytes as SQLite stores it (a signed 64-bit integer).
pub(crate) fn byte_count(field: &str, value: u64) -> Result<i64> {
    i64::try_from(value).map_err(|_| Error::invalid(field, format!("must be at most {}", i64::MAX)))
}

pub(crate) fn non_negative(field: &str, value: i64) -> Result<i64> {
    if value < 0 {
        return Err(Error::invalid(field, "must not be negative"));
    }
    Ok(value)
}

/// A list of ids given to a batch operation: at least one, no blanks, duplicates removed.
pub(crate) fn id_list(field: &str, ids: &[String]) -> Result<Vec<String>> {
    if ids.is_empty() {
        return Err(Error::invalid(field, "give at least one id"));
    }
    let mut out: Vec<String> = Vec::with_capacity(ids.len());
    // A distribution may name every cinema of a chain: keep the check linear.
    let mut seen = std::collections::HashSet::with_capacity(ids.len());
    for id in ids {
        let id = id.trim();
        if id.is_empty() {
            return Err(Error::invalid(field, "ids must not be empty"));
        }
        if seen.insert(id) {
            out.push(id.to_string());
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_count_characters_not_bytes() {
        let chinese = "影".repeat(MAX_TEXT);
        assert!(text("name", &chinese, MAX_TEXT).is_ok(), "256 CJK characters are 768 bytes but within the limit");
        assert!(text("name", &format!("{chinese}影"), MAX_TEXT).is_err());
    }

    #[test]
    fn ipv4_rules() {
        for ok in ["192.168.8.21", "0.0.0.0", "255.255.255.255"] {
            assert!(ipv4("IPAddr", ok).is_ok(), "{ok} is valid");
        }
        for bad in ["256.1.1.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "a.b.c.d", "", "1.2.3.4 x"] {
            assert!(ipv4("IPAddr", bad).is_err(), "{bad} is invalid");
        }
    }

    #[test]
    fn mac_rules() {
        for ok in ["99:ed:9d:3b:e8:36", "99-ED-9D-3B-E8-36"] {
            assert!(mac("MACAddr", ok).is_ok(), "{ok} is valid");
        }
        for bad in ["ef:23:7e:cc:8a", "99:ed-9d:3b:e8:36", "99:ed:9d:3b:e8:3g", "99ed9d3be836", "99:ed:9d:3b:e8:366"] {
            assert!(mac("MACAddr", bad).is_err(), "{bad} is invalid");
        }
    }

    #[test]
    fn alias_rules() {
        assert!(alias("alias", "zhang_san01").is_ok());
        assert!(alias("alias", "zhang-san").is_err(), "'-' is not allowed in aliases");
        assert!(alias("alias", "张三").is_err());
    }
}
