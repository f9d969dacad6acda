//! Seat order as people read it: runs of digits compare as numbers, so A2 comes before A10.

use std::cmp::Ordering;

/// Compares two seat numbers piece by piece: digit runs by value, other runs case-insensitively;
/// ties (A01 and A1, a and A) fall back to the plain text so the order is total and stable.
pub(crate) fn seat_order(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (pieces(a), pieces(b));
    loop {
        match (x.next(), y.next()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(p), Some(q)) => {
                let ord = match (p.as_bytes()[0].is_ascii_digit(), q.as_bytes()[0].is_ascii_digit()) {
                    (true, true) => numeric(p, q),
                    // Numbers before letters, as in a dictionary.
                    (true, false) => Ordering::Less,
                    (false, true) => Ordering::Greater,
                    (false, false) => p.to_lowercase().cmp(&q.to_lowercase()),
                };
                if ord != Ordering::Equal {
                    return ord;
                }
            }
        }
    }
}

/// Compares digit strings of any length by value without parsing (seat numbers are user text).
fn numeric(p: &str, q: &str) -> Ordering {
    let (p, q) = (p.trim_start_matches('0'), q.trim_start_matches('0'));
    p.len().cmp(&q.len()).then_with(|| p.cmp(q))
}

/// Splits text into maximal runs of ASCII digits and of everything else.
fn pieces(s: &str) -> impl Iterator<Item = &str> {
    let mut rest = s;
    std::iter::from_fn(move || {
        let first = rest.chars().next()?;
        let digit = first.is_ascii_digit();
        let end = rest.find(|c: char| c.is_ascii_digit() != digit).unwrap_or(rest.len());
        let (piece, tail) = rest.split_at(end);
        rest = tail;
        Some(piece)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seats_sort_as_people_read_them() {
        let mut seats =
            vec!["B1", "A10", "a3", "A2", "A02", "10", "9", "A", "贵宾2", "贵宾10", "A99999999999999999999"];
        seats.sort_by(|a, b| seat_order(a, b));
        assert_eq!(
            seats,
            ["9", "10", "A", "A02", "A2", "a3", "A10", "A99999999999999999999", "B1", "贵宾2", "贵宾10"],
            "numbers by value, letters ignoring case, ties by text"
        );
    }
}
