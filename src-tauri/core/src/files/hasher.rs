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

use bytes::Bytes;
use md5::{Digest, Md5};
use sha1::Sha1;

use crate::error::{Error, Result};

/// Buffers waiting for the hasher (each at most a few hundred KB).
const QUEUE: usize = 32;

/// The checksum a single part must have (tus `Upload-Checksum`), computed as the part is written.
pub(crate) enum PartHash {
    Md5(Md5),
    Sha1(Sha1),
}

impl PartHash {
    pub(crate) fn update(&mut self, buf: &[u8]) {
        match self {
            PartHash::Md5(h) => h.update(buf),
            PartHash::Sha1(h) => h.update(buf),
        }
    }

    pub(crate) fn finalize(self) -> Vec<u8> {
        match self {
            PartHash::Md5(h) => h.finalize().to_vec(),
            PartHash::Sha1(h) => h.finalize().to_vec(),
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

pub(crate) struct Hasher(Mode);

impl Hasher {
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
            Ok(thread) => Hasher(Mode::Thread { tx, thread }),
            Err(e) => {
                tracing::warn!(error = %e, "no hashing thread; hashing in line");
                Hasher(Mode::Inline(State { md5: fallback, mark: None }))
            }
        }
    }

    /// A hasher with no thread, holding `md5`; [`Hasher::threaded`] gives it one again.
    pub(crate) fn settled(md5: Md5) -> Hasher {
        Hasher(Mode::Inline(State { md5, mark: None }))
    }

    /// This hasher with a thread of its own (a settled one gets a new thread).
    pub(crate) fn threaded(self) -> Result<Hasher> {
        match &self.0 {
            Mode::Inline(_) => Ok(Hasher::start(self.finish()?)),
            _ => Ok(self),
        }
    }

    fn send(&mut self, msg: Msg) -> Result<()> {
        match &mut self.0 {
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
        self.send(Msg::Data(buf))
    }

    /// Remembers the state at this point of the stream (see [`Hasher::finish_at_mark`]).
    pub(crate) fn mark(&mut self) -> Result<()> {
        self.send(Msg::Mark)
    }

    fn end(mut self) -> Result<State> {
        match std::mem::replace(&mut self.0, Mode::Done) {
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
        if let Mode::Thread { tx, thread } = std::mem::replace(&mut self.0, Mode::Done) {
            drop(tx);
            let _ = thread.join();
        }
    }
}
