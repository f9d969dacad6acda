//! Reports that must reach the server (a film READY or FAILED, a command's outcome): sent again, each signed afresh, with growing pauses, until the server answers.

use std::time::Duration;

use serde_json::Value;

use crate::api::{Api, Failure};

/// Pauses between attempts: 1 s, doubling up to a minute; back to 1 s once something works.
#[derive(Debug)]
pub(crate) struct Backoff {
    next: Duration,
}

impl Backoff {
    const FIRST: Duration = Duration::from_secs(1);
    const MOST: Duration = Duration::from_secs(60);

    pub fn new() -> Backoff {
        Backoff { next: Self::FIRST }
    }

    /// The pause before the next attempt.
    pub fn pause(&mut self) -> Duration {
        let p = self.next;
        self.next = (self.next * 2).min(Self::MOST);
        p
    }

    pub fn reset(&mut self) {
        self.next = Self::FIRST;
    }

    pub async fn wait(&mut self) {
        tokio::time::sleep(self.pause()).await;
    }
}

/// Sends `body` until the server answers it. `Err` is the server's refusal (a 4xx): sending it
/// again would change nothing, so the caller decides what it means (409: the news is stale).
pub(crate) async fn until_answered(api: &Api, method: &str, path: &str, body: &Value) -> Result<Value, Failure> {
    let mut backoff = Backoff::new();
    loop {
        match api.send_json(method, path, body).await {
            Ok(answer) => return Ok(answer),
            Err(refused @ Failure::Refused { .. }) => return Err(refused),
            Err(Failure::Transient(why)) => {
                tracing::warn!(path, %why, "report not delivered; trying again");
                backoff.wait().await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_double_up_to_a_minute_and_start_over_after_a_success() {
        let mut b = Backoff::new();
        let secs: Vec<u64> = (0..8).map(|_| b.pause().as_secs()).collect();
        assert_eq!(secs, [1, 2, 4, 8, 16, 32, 60, 60]);
        b.reset();
        assert_eq!(b.pause(), Duration::from_secs(1));
    }
}
