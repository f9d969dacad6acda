//! UTC timestamps as OSS policies and seed 001's events write them: `2015-11-05T20:52:29Z`.

use crate::signing::{civil_from_days, days_from_civil};

/// Epoch ms as `yyyy-MM-ddTHH:mm:ssZ` (UTC, whole seconds).
pub fn iso_utc(ms: i64) -> String {
    let (days, ms_of_day) = (ms.div_euclid(86_400_000), ms.rem_euclid(86_400_000));
    let (y, m, d) = civil_from_days(days);
    let s = ms_of_day / 1000;
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", s / 3600, s / 60 % 60, s % 60)
}

/// Parses `yyyy-MM-ddTHH:mm:ss[.fff]Z` to epoch ms; None for anything else.
pub(crate) fn parse_iso_utc(s: &str) -> Option<i64> {
    let s = s.strip_suffix('Z')?;
    let (date, time) = s.split_once('T')?;
    let (time, frac) = match time.split_once('.') {
        Some((t, f)) if !f.is_empty() && f.len() <= 9 && f.bytes().all(|b| b.is_ascii_digit()) => (t, f),
        Some(_) => return None,
        None => (time, ""),
    };
    let nums = |s: &str, n: usize| -> Option<Vec<i64>> {
        let parts: Vec<&str> = s.split(if s.contains('-') { '-' } else { ':' }).collect();
        (parts.len() == n && parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())))
            .then(|| parts.iter().filter_map(|p| p.parse().ok()).collect())
    };
    let (d, t) = (nums(date, 3)?, nums(time, 3)?);
    let (y, mo, day, h, mi, se) = (d[0], d[1], d[2], t[0], t[1], t[2]);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&day) || h > 23 || mi > 59 || se > 60 {
        return None;
    }
    let days = days_from_civil(y, mo, day);
    if civil_from_days(days) != (y, mo, day) {
        return None;
    }
    let ms = if frac.is_empty() { 0 } else { format!("{frac:0<3}")[..3].parse::<i64>().ok()? };
    Some(days * 86_400_000 + ((h * 60 + mi) * 60 + se) * 1000 + ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_times_round_trip() {
        // The seed's policy example: expire 1446727949 is 2015-11-05T12:52:29Z.
        assert_eq!(iso_utc(1_446_727_949_000), "2015-11-05T12:52:29Z");
        assert_eq!(parse_iso_utc("2015-11-05T12:52:29Z"), Some(1_446_727_949_000));
        assert_eq!(parse_iso_utc("2015-11-05T12:52:29.5Z"), Some(1_446_727_949_500));
        for bad in ["2015-11-05 12:52:29Z", "2015-11-05T12:52:29", "2015-02-30T00:00:00Z", "x", "2015-11-05T1:2:3.Z"] {
            assert_eq!(parse_iso_utc(bad), None, "{bad}");
        }
    }
}
