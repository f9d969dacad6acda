//! Write-behind for big uploads: a helper thread fsyncs what is written so far while the writer goes on, so the fsync before an acknowledgement only has the tail left.
//!
//! Without it the kernel keeps gigabytes dirty (writeback starts at 10% of memory) and the
//! final fsync writes them all while the client waits; with it, disk writes overlap the upload.

use std::fs::File;
use std::sync::mpsc;
use std::thread::JoinHandle;

/// Bytes written between two asks for a background flush. Small: the helper flushes again as
/// soon as it is done (asks made meanwhile merge into one), so writeback runs all the time and
/// a part's tail is all that is left when it ends.
const EVERY: u64 = 2 << 20;

#[derive(Default)]
pub(crate) struct WriteBehind {
    tx: Option<mpsc::SyncSender<()>>,
    thread: Option<JoinHandle<()>>,
    since: u64,
    failed: bool,
}

impl WriteBehind {
    /// Counts `n` more bytes written to `file`; every [`EVERY`] bytes, asks the helper to flush.
    pub(crate) fn wrote(&mut self, file: &File, n: usize) {
        self.since += n as u64;
        if self.since < EVERY || self.failed {
            return;
        }
        self.since = 0;
        if self.tx.is_none() {
            // No helper (a clone or a thread could not be had): the final fsync does it all.
            let Ok(clone) = file.try_clone() else {
                self.failed = true;
                return;
            };
            // Capacity 1: a flush asked for while one runs is merged into the next.
            let (tx, rx) = mpsc::sync_channel::<()>(1);
            let spawned = std::thread::Builder::new().name("cinedesk-flush".into()).spawn(move || {
                while rx.recv().is_ok() {
                    if let Err(e) = clone.sync_data() {
                        // The fsync before the acknowledgement reports it; this one only helps.
                        tracing::debug!(error = %e, "background flush failed");
                    }
                }
            });
            match spawned {
                Ok(t) => {
                    self.tx = Some(tx);
                    self.thread = Some(t);
                }
                Err(_) => {
                    self.failed = true;
                    return;
                }
            }
        }
        if let Some(tx) = &self.tx {
            let _ = tx.try_send(());
        }
    }

    /// Tells the helper to end after the flush it may be doing, without waiting for it: the
    /// writer's own fsync runs alongside. [`WriteBehind::stop`] then waits.
    pub(crate) fn release(&mut self) {
        self.tx = None;
    }

    /// Stops the helper, waiting for a flush in progress (its handle must be closed before the
    /// file is renamed: Windows renames no open file).
    pub(crate) fn stop(&mut self) {
        self.tx = None;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for WriteBehind {
    fn drop(&mut self) {
        self.stop();
    }
}
