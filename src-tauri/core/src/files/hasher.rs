//! Hashing beside writing: the MD5 (and a part's checksum) run on their own thread, fed the very buffers the writer writes, so hashing and disk writes overlap.
//!
//! An upload is bound by MD5 (about as fast as md5sum) plus the copy into the page cache; on
//! two threads they take the longer of the two instead of their sum. Buffers are shared, not
//! copied (`Bytes`), and the queue is short, so a slow hasher holds the writer back rather than
//! letting memory grow.

use std::sync::mpsc;
use std::thread::JoinHandle;

use bytes::Bytes;
use md5::{Digest, Md5};
use sha1::Sha1;

use crate::error::{Error, Result};

/// Buffers waiting for the hasher (each at most a few hundred KB).
const QUEUE: usize = 32;

/// The checksum a single part must have (tus `Upload-Checksum`), being computed.
#[derive(Clone)]
pub(crate) enum PartHash {
    Md5(Md5),
    Sha1(Sha1),
}

impl PartHash {
    fn update(&mut self, buf: &[u8]) {
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

/// What the hasher computed.
#[derive(Clone)]
pub(crate) struct Digests {
    pub(crate) md5: Md5,
    pub(crate) check: Option<PartHash>,
}

impl Digests {
    fn update(&mut self, buf: &[u8]) {
        self.md5.update(buf);
        if let Some(c) = &mut self.check {
            c.update(buf);
        }
    }
}

enum Mode {
    Thread {
        tx: mpsc::SyncSender<Bytes>,
        thread: JoinHandle<Digests>,
    },
    /// No thread could be had: hash in line, slower but the same result.
    Inline(Digests),
    Done,
}

pub(crate) struct Hasher(Mode);

impl Hasher {
    /// Starts hashing on from `md5` (the state after the bytes already acknowledged).
    pub(crate) fn start(md5: Md5, check: Option<PartHash>) -> Hasher {
        let (tx, rx) = mpsc::sync_channel::<Bytes>(QUEUE);
        let mut digests = Digests { md5, check };
        let fallback = digests.clone();
        // The state goes to the thread and comes back when it ends.
        let spawned = std::thread::Builder::new().name("cinedesk-md5".into()).spawn(move || {
            while let Ok(buf) = rx.recv() {
                digests.update(&buf);
            }
            digests
        });
        match spawned {
            Ok(thread) => Hasher(Mode::Thread { tx, thread }),
            Err(e) => {
                tracing::warn!(error = %e, "no hashing thread; hashing in line");
                Hasher(Mode::Inline(fallback))
            }
        }
    }

    /// Hashes `buf` (on the hashing thread, in order).
    pub(crate) fn feed(&mut self, buf: Bytes) -> Result<()> {
        match &mut self.0 {
            Mode::Thread { tx, .. } => tx.send(buf).map_err(|_| Error::Internal("the hashing thread stopped".into())),
            Mode::Inline(d) => {
                d.update(&buf);
                Ok(())
            }
            Mode::Done => Err(Error::Internal("no hashing state".into())),
        }
    }

    /// Waits for the hashing to catch up and answers the digests.
    pub(crate) fn finish(mut self) -> Result<Digests> {
        match std::mem::replace(&mut self.0, Mode::Done) {
            Mode::Thread { tx, thread } => {
                drop(tx);
                thread.join().map_err(|_| Error::Internal("the hashing thread panicked".into()))
            }
            Mode::Inline(d) => Ok(d),
            Mode::Done => Err(Error::Internal("no hashing state".into())),
        }
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
