//! Login lockout: failed logins counted per alias and per address in the database (a restart
//! forgets none), and the refusal of further tries while either has too many in the window.
//!
//! A refused try is not counted: the lockout ends when the failures that caused it leave the
//! window, so whoever keeps trying does not lock the alias out for longer. Two tries racing
//! past the check may both be counted; the limit can be passed by the handful of tries in
//! flight, never by a sustained guess.

use rusqlite::{params, OptionalExtension, Transaction};

use crate::error::{Error, Result};

/// Failed logins for one alias within [`LOCKOUT_WINDOW_MS`] after which it is refused.
pub const MAX_ALIAS_FAILURES: u32 = 5;
/// Failed logins from one address (any aliases) within the window after which it is refused.
pub const MAX_ADDRESS_FAILURES: u32 = 20;
/// The window failures are counted over: 15 minutes.
pub const LOCKOUT_WINDOW_MS: i64 = 15 * 60 * 1000;

/// The counters a login try is counted under.
pub(crate) struct Keys {
    alias: String,
    /// None for a try that came over no network (the desktop's own window, the CLI).
    address: Option<String>,
}

impl Keys {
    pub(crate) fn new(alias: &str, address: &str) -> Keys {
        // Aliases compare without case in the users table; so do their counters.
        let address = (!address.is_empty()).then(|| format!("address:{address}"));
        Keys { alias: format!("alias:{}", alias.trim().to_lowercase()), address }
    }

    fn limited(&self) -> impl Iterator<Item = (&str, u32, &'static str)> {
        let alias = Some((self.alias.as_str(), MAX_ALIAS_FAILURES, "for this alias"));
        let address = self.address.as_deref().map(|a| (a, MAX_ADDRESS_FAILURES, "from this address"));
        alias.into_iter().chain(address)
    }
}

/// Refuses (`too_many_requests`) while either counter has its limit of failures in the window.
pub(crate) fn check(tx: &Transaction<'_>, keys: &Keys, now: i64) -> Result<()> {
    for (key, limit, what) in keys.limited() {
        // The limit-th latest failure in the window: the lockout lasts until it leaves the window.
        let nth: Option<i64> = tx
            .prepare_cached("SELECT at FROM login_failures WHERE key = ? AND at > ? ORDER BY at DESC LIMIT 1 OFFSET ?")?
            .query_row(params![key, now - LOCKOUT_WINDOW_MS, limit - 1], |r| r.get(0))
            .optional()?;
        if let Some(at) = nth {
            let wait_ms = (at + LOCKOUT_WINDOW_MS - now).max(1);
            return Err(Error::TooManyTries { what, retry_after_secs: (wait_ms as u64).div_ceil(1000) });
        }
    }
    Ok(())
}

/// Counts a failed login under both keys, and forgets failures that left the window.
pub(crate) fn record_failure(tx: &Transaction<'_>, keys: &Keys, now: i64) -> Result<()> {
    tx.prepare_cached("DELETE FROM login_failures WHERE at <= ?")?.execute([now - LOCKOUT_WINDOW_MS])?;
    let mut insert = tx.prepare_cached("INSERT INTO login_failures(key, at) VALUES (?, ?)")?;
    for (key, _, _) in keys.limited() {
        insert.execute(params![key, now])?;
    }
    Ok(())
}

/// After a good login the alias starts over; its address keeps its count (one address may be
/// many people's, and one of them knowing a password says nothing of the others' guesses).
pub(crate) fn clear_alias(tx: &Transaction<'_>, keys: &Keys) -> Result<()> {
    tx.prepare_cached("DELETE FROM login_failures WHERE key = ?")?.execute([&keys.alias])?;
    Ok(())
}
