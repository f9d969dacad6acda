//! A request budget per client address for public lookups (a scanned QR code): a token bucket per IP address, refilled over time.
//!
//! Tokens are unguessable already (about 100 random bits); the budget is what keeps a stranger
//! from even trying, and a misbehaving scanner from costing the server. The ordering side (a
//! WeChat back end) resolves every viewer's scan from one address, so the default is generous.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Requests an address may make at once, and how many more it may make per minute after that.
pub const DEFAULT_BURST: u32 = 120;
pub const DEFAULT_PER_MINUTE: u32 = 600;
/// Past this many addresses remembered, those whose budget has refilled are forgotten.
const MAX_ADDRESSES: usize = 10_000;

pub struct RateLimit {
    burst: f64,
    /// Tokens regained per second.
    refill: f64,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
}

#[derive(Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl Bucket {
    fn refilled(self, now: Instant, burst: f64, refill: f64) -> f64 {
        (self.tokens + now.duration_since(self.at).as_secs_f64() * refill).min(burst)
    }
}

impl Default for RateLimit {
    fn default() -> Self {
        RateLimit::new(DEFAULT_BURST, DEFAULT_PER_MINUTE)
    }
}

impl RateLimit {
    /// `burst` requests at once, then `per_minute` more each minute (at least one a day).
    pub fn new(burst: u32, per_minute: u32) -> RateLimit {
        RateLimit {
            burst: f64::from(burst.max(1)),
            refill: (f64::from(per_minute) / 60.0).max(1.0 / 86_400.0),
            buckets: Mutex::default(),
        }
    }

    /// Spends one request of `addr`'s budget; when it is spent, how long until one is back.
    pub fn take(&self, addr: IpAddr) -> Result<(), Duration> {
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if buckets.len() >= MAX_ADDRESSES && !buckets.contains_key(&addr) {
            let (burst, refill) = (self.burst, self.refill);
            buckets.retain(|_, b| b.refilled(now, burst, refill) < burst);
        }
        let bucket = buckets.entry(addr).or_insert(Bucket { tokens: self.burst, at: now });
        let tokens = bucket.refilled(now, self.burst, self.refill);
        if tokens < 1.0 {
            return Err(Duration::from_secs_f64((1.0 - tokens) / self.refill));
        }
        *bucket = Bucket { tokens: tokens - 1.0, at: now };
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 1));
    const B: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 2));

    #[test]
    fn an_address_gets_its_burst_then_waits_for_the_refill() {
        // One a day: nothing refills while the test runs.
        let limit = RateLimit::new(2, 0);
        assert!(limit.take(A).is_ok() && limit.take(A).is_ok(), "the burst");
        let wait = limit.take(A).unwrap_err();
        assert!(wait > Duration::from_secs(3600), "about a day until the next one: {wait:?}");
    }

    #[test]
    fn each_address_has_its_own_budget() {
        let limit = RateLimit::new(1, 0);
        assert!(limit.take(A).is_ok());
        assert!(limit.take(A).is_err());
        assert!(limit.take(B).is_ok(), "another address is not held back by the first");
    }
}
