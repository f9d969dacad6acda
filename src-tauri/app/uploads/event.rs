//! What the UI learns about an upload: one [`UploadEvent`] shape for the list and for progress,
//! and the meter that gives speed and ETA and keeps progress events to a few per second.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// Where an upload stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UploadState {
    Running,
    Paused,
    Done,
    Failed,
    Cancelled,
}

/// Why an upload failed: the core's (or the server's) stable code and message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UploadFailure {
    pub code: String,
    pub info: String,
}

/// One upload as the UI shows it; sent on every change of state and, throttled, as bytes go.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UploadEvent {
    pub id: String,
    /// The source file's name (not its path: enough for the list).
    pub name: String,
    pub path: String,
    pub domain: String,
    /// `embedded` or `remote`: where the bytes go.
    pub mode: String,
    pub done: u64,
    pub total: u64,
    /// Bytes per second over the last few seconds; 0 when not running.
    pub speed: f64,
    /// Seconds left at that speed; absent when unknown or not running.
    pub eta: Option<f64>,
    pub state: UploadState,
    #[serde(rename = "fileID")]
    pub file_id: Option<String>,
    pub error: Option<UploadFailure>,
}

/// The shortest gap between two progress events of one upload (≤ 10 per second).
pub const PROGRESS_GAP: Duration = Duration::from_millis(100);
/// Speed is measured over about this long, so it follows changes without jumping about.
const WINDOW: Duration = Duration::from_secs(3);

/// Speed, ETA and throttling of one running upload.
pub struct Meter {
    samples: std::collections::VecDeque<(Instant, u64)>,
    last_sent: Option<Instant>,
}

impl Meter {
    pub fn new(done: u64) -> Meter {
        Meter::starting(Instant::now(), done)
    }

    fn starting(at: Instant, done: u64) -> Meter {
        Meter { samples: [(at, done)].into(), last_sent: None }
    }

    /// Records `done` bytes now; answers whether a progress event is due.
    pub fn record(&mut self, done: u64) -> bool {
        self.record_at(Instant::now(), done)
    }

    fn record_at(&mut self, now: Instant, done: u64) -> bool {
        self.samples.push_back((now, done));
        while self.samples.len() > 2 && now.duration_since(self.samples[0].0) > WINDOW {
            self.samples.pop_front();
        }
        let due = self.last_sent.is_none_or(|t| now.duration_since(t) >= PROGRESS_GAP);
        if due {
            self.last_sent = Some(now);
        }
        due
    }

    /// Bytes per second over the window.
    pub fn speed(&self) -> f64 {
        match (self.samples.front(), self.samples.back()) {
            (Some(&(t0, d0)), Some(&(t1, d1))) if t1 > t0 => {
                d1.saturating_sub(d0) as f64 / t1.duration_since(t0).as_secs_f64()
            }
            _ => 0.0,
        }
    }

    /// Seconds left for `total` at the current speed.
    pub fn eta(&self, done: u64, total: u64) -> Option<f64> {
        let speed = self.speed();
        (speed > 0.0).then(|| total.saturating_sub(done) as f64 / speed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttles_and_measures() {
        // Times are given, not slept: the rules hold however slowly the test itself runs.
        let t0 = Instant::now();
        let mut m = Meter::starting(t0, 0);
        assert!(m.record_at(t0 + Duration::from_millis(10), 10), "the first progress is always sent");
        assert!(!m.record_at(t0 + Duration::from_millis(60), 20), "a second one within 100 ms is held back");
        let later = t0 + Duration::from_millis(10) + PROGRESS_GAP;
        assert!(m.record_at(later, 1_000_000), "after the gap progress is due again");
        assert!((m.speed() - 1_000_000.0 / 0.11).abs() < 1e-3, "1 MB in 110 ms: {}", m.speed());
        let eta = m.eta(1_000_000, 2_000_000).expect("a speed gives an ETA");
        assert!((eta - 0.11).abs() < 1e-9, "1 MB left at that speed takes as long again: {eta}");
    }
}
