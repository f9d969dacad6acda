//! What changed at a cinema, told after commit to whoever listens (the alert evaluator), so that rules are evaluated per event and never by polling the chain.

use crate::Cms;

/// One change at one cinema. Listeners are told after the change committed, in commit order
/// per cinema; a heartbeat is told even when it changed nothing but the COMS's liveness.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteChange {
    pub cinema_id: String,
    pub what: SiteChanged,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SiteChanged {
    /// The COMS sent a heartbeat (it is alive; its disk figures may have moved).
    Heartbeat,
    /// A seat's status or fault changed (by a heartbeat, its COMS or the console).
    Seat { client_id: String },
    /// A film's delivery to the cinema changed state or progress.
    Delivery { movie_id: String },
    /// A command to the cinema's seats changed state.
    Command { command_id: String },
    /// A VOD task of the cinema changed status.
    VodTask { task_id: String },
}

impl SiteChange {
    pub(crate) fn new(cinema_id: &str, what: SiteChanged) -> SiteChange {
        SiteChange { cinema_id: cinema_id.to_string(), what }
    }
}

pub(crate) type SiteListener = Box<dyn Fn(&SiteChange) + Send + Sync>;

impl Cms {
    /// Registers a function called after commit with each change at a cinema (see
    /// [`SiteChange`]). It runs on the thread that made the change: keep it short (note the
    /// cinema and wake a worker).
    pub fn on_site_change(&self, f: impl Fn(&SiteChange) + Send + Sync + 'static) {
        self.site_listeners.lock().unwrap_or_else(|p| p.into_inner()).push(Box::new(f));
    }

    pub(crate) fn tell_site_changes(&self, changes: &[SiteChange]) {
        if changes.is_empty() {
            return;
        }
        let listeners = self.site_listeners.lock().unwrap_or_else(|p| p.into_inner());
        for change in changes {
            for f in listeners.iter() {
                f(change);
            }
        }
    }
}
