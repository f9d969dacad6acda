//! Hashing beside writing: the MD5 runs on its own thread, fed the very buffers the writer writes, so hashing and disk writes overlap.
//!
//! An upload is bound by MD5 (about as fast as md5sum) plus the copy into the page cache; on
//! two threads they take the longer of the two instead of their sum. Buffers are shared, not
//! copied (`Bytes`), and the queue is short, so a slow hasher holds the writer back rather than
//! letting memory grow. A resumable upload keeps its hasher between parts: a part is
//! acknowledged once it is on disk, not once it is hashed, so the hasher never waits for the
//! round trip between parts. A mark remembers the state where a part began, for rolling back.

use std::sync::mpsc;
use std::thread::JoinHandle;

use super::md5::Md5;
use bytes::{Bytes, BytesMut};
use sha1::Sha1;

use crate::error::{Error, Result};

/// Buffers waiting for the hasher (each at most a few hundred KB).
const QUEUE: usize = 32;

/// Pieces smaller than this are copied into runs of [`RUN`] bytes before they are queued. The
/// network hands out pieces of a few KB to a few hundred KB; 32 small ones are less than a
/// millisecond of hashing, so the hasher ran dry while a resumable part was being acknowledged
/// (fsync, commit, answer, next request). Runs keep about 8 MiB (some 14 ms of hashing) in the
/// queue without pinning the network's larger buffers, as queueing more pieces would.
const SMALL: usize = 64 << 10;
const RUN: usize = 256 << 10;

/// The checksum a single part must have (tus `Upload-Checksum`), computed as the part is written.
pub(crate) enum PartHash {
    Md5(Md5),
    Sha1(Sha1),
}

impl PartHash {
    pub(crate) fn update(&mut self, buf: &[u8]) {
        match self {
            PartHash::Md5(h) => h.update(buf),
            PartHash::Sha1(h) => sha1::Digest::update(h, buf),
        }
    }

    pub(crate) fn finalize(self) -> Vec<u8> {
        match self {
            PartHash::Md5(h) => h.finalize().to_vec(),
            PartHash::Sha1(h) => sha1::Digest::finalize(h).to_vec(),
        }
    }
}

enum Msg {
    Data(Bytes),
    /// Remember the state here.
    Mark,
}

/// The MD5 so far, and the state at the last mark.
struct State {
    md5: Md5,
    mark: Option<Md5>,
}

impl State {
    fn take(&mut self, msg: Msg) {
        match msg {
            Msg::Data(buf) => self.md5.update(&buf),
            Msg::Mark => self.mark = Some(self.md5.clone()),
        }
    }
}

enum Mode {
    Thread {
        tx: mpsc::SyncSender<Msg>,
        thread: JoinHandle<State>,
    },
    /// No thread could be had: hash in line, slower but the same result.
    Inline(State),
    Done,
}

pub(crate) struct Hasher {
    mode: Mode,
    /// Small pieces not yet queued (see [`SMALL`]).
    run: BytesMut,
}

impl Hasher {
    fn of(mode: Mode) -> Hasher {
        Hasher { mode, run: BytesMut::new() }
    }

    /// Starts hashing on from `md5` (the state after the bytes already acknowledged).
    pub(crate) fn start(md5: Md5) -> Hasher {
        let (tx, rx) = mpsc::sync_channel::<Msg>(QUEUE);
        let fallback = md5.clone();
        let mut state = State { md5, mark: None };
        let spawned = std::thread::Builder::new().name("cinedesk-md5".into()).spawn(move || {
            while let Ok(msg) = rx.recv() {
                state.take(msg);
            }
            state
        });
        match spawned {
            Ok(thread) => Hasher::of(Mode::Thread { tx, thread }),
            Err(e) => {
                tracing::warn!(error = %e, "no hashing thread; hashing in line");
                Hasher::of(Mode::Inline(State { md5: fallback, mark: None }))
            }
        }
    }

    /// A hasher with no thread, holding `md5`; [`Hasher::threaded`] gives it one again.
    pub(crate) fn settled(md5: Md5) -> Hasher {
        Hasher::of(Mode::Inline(State { md5, mark: None }))
    }

    /// This hasher with a thread of its own (a settled one gets a new thread).
    pub(crate) fn threaded(self) -> Result<Hasher> {
        match &self.mode {
            Mode::Inline(_) => Ok(Hasher::start(self.finish()?)),
            _ => Ok(self),
        }
    }

    fn send(&mut self, msg: Msg) -> Result<()> {
        match &mut self.mode {
            Mode::Thread { tx, .. } => tx.send(msg).map_err(|_| Error::Internal("the hashing thread stopped".into())),
            Mode::Inline(state) => {
                state.take(msg);
                Ok(())
            }
            Mode::Done => Err(Error::Internal("no hashing state".into())),
        }
    }

    /// Hashes `buf` (on the hashing thread, in order).
    pub(crate) fn feed(&mut self, buf: Bytes) -> Result<()> {
        if buf.len() >= SMALL || !matches!(self.mode, Mode::Thread { .. }) {
            self.flush()?;
            return self.send(Msg::Data(buf));
        }
        if self.run.capacity() == 0 {
            self.run.reserve(RUN);
        }
        self.run.extend_from_slice(&buf);
        if self.run.len() >= RUN {
            self.flush()?;
        }
        Ok(())
    }

    /// Queues the small pieces gathered so far.
    fn flush(&mut self) -> Result<()> {
        if self.run.is_empty() {
            return Ok(());
        }
        let run = std::mem::take(&mut self.run).freeze();
        self.send(Msg::Data(run))
    }

    /// Remembers the state at this point of the stream (see [`Hasher::finish_at_mark`]).
    pub(crate) fn mark(&mut self) -> Result<()> {
        self.flush()?;
        self.send(Msg::Mark)
    }

    fn end(mut self) -> Result<State> {
        self.flush()?;
        match std::mem::replace(&mut self.mode, Mode::Done) {
            Mode::Thread { tx, thread } => {
                drop(tx);
                thread.join().map_err(|_| Error::Internal("the hashing thread panicked".into()))
            }
            Mode::Inline(state) => Ok(state),
            Mode::Done => Err(Error::Internal("no hashing state".into())),
        }
    }

    /// Waits for the hashing to catch up and answers the MD5 of everything fed.
    pub(crate) fn finish(self) -> Result<Md5> {
        Ok(self.end()?.md5)
    }

    /// The MD5 as it was at the last mark (what was fed after it is forgotten).
    pub(crate) fn finish_at_mark(self) -> Result<Option<Md5>> {
        Ok(self.end()?.mark)
    }
}

impl Drop for Hasher {
    fn drop(&mut self) {
        if let Mode::Thread { tx, thread } = std::mem::replace(&mut self.mode, Mode::Done) {
            drop(tx);
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cinedesk_testkit::noise;

    /// Pieces of every size around the thresholds, in a fixed pseudo-random order.
    fn pieces() -> Vec<Bytes> {
        let sizes = [1, SMALL - 1, 7, SMALL, RUN - 3, 4096, RUN + 5, 100, SMALL + 1, 3];
        sizes.iter().cycle().take(40).enumerate().map(|(i, &n)| Bytes::from(noise(n, i as u64))).collect()
    }

    #[test]
    fn gathering_small_pieces_hashes_the_same_bytes_in_the_same_order() {
        let pieces = pieces();
        let want = pieces.iter().fold(Md5::new(), |mut m, p| {
            m.update(p);
            m
        });
        let mut hasher = Hasher::start(Md5::new());
        for p in &pieces {
            hasher.feed(p.clone()).unwrap();
        }
        assert_eq!(hasher.finish().unwrap().finalize(), want.finalize(), "the thread hashes what was fed, in order");
    }

    #[test]
    fn a_mark_includes_every_small_piece_fed_before_it() {
        let pieces = pieces();
        let (before, after) = pieces.split_at(17);
        let want = before.iter().fold(Md5::new(), |mut m, p| {
            m.update(p);
            m
        });
        let mut hasher = Hasher::start(Md5::new());
        before.iter().try_for_each(|p| hasher.feed(p.clone())).unwrap();
        hasher.mark().unwrap();
        after.iter().try_for_each(|p| hasher.feed(p.clone())).unwrap();
        let marked = hasher.finish_at_mark().unwrap().expect("a mark was set");
        assert_eq!(marked.finalize(), want.finalize(), "pieces still gathered at the mark count before it");
    }
}
