//! A stored file's bytes as a response body, counted as they go: on Unix handed to hyper as pieces of a memory map of the file, elsewhere read in pieces.
//!
//! Why a map: hyper's bodies offer no `sendfile`, so a download through a read buffer copies
//! every byte twice in this process's time (page cache → buffer → socket) and crosses to the
//! blocking pool for every read. Pieces of a map leave the one copy the kernel's `write` makes
//! (page cache → socket) and no reads. Each piece is faulted in on the blocking pool before it
//! is handed over, so a film not in the page cache makes a blocking thread wait on the disk, not
//! one of the few async workers that answer every other request.
//!
//! Mapping is safe here because the store never changes a file under its id: blobs are renamed
//! into place whole and never rewritten or truncated, and one removed while mapped (a reclaim)
//! stays readable until the map goes. Windows refuses to delete a mapped file, so there the
//! file is read in pieces instead.
//!
//! What the body has handed hyper is counted and told to `count` in installments: every
//! [`INSTALLMENT`] bytes, and the rest when the body is dropped (at its end, or when the client
//! went away mid-way). A server killed mid-download so loses at most one installment's count.

use std::io;
use std::path::PathBuf;

use axum::body::Body;
use futures_util::stream;

/// Told how many more bytes the body handed on (see the module's comment).
pub type Count = Box<dyn Fn(u64) + Send>;

/// How many bytes the body hands on between two counts.
const INSTALLMENT: u64 = 32 << 20;

/// One frame's worth of the file: a GiB is 512 frames. The next piece is read ahead
/// (`WillNeed`) while this one is written.
const PIECE: u64 = 2 << 20;

/// `len` bytes of the file at `path` from `start` on.
pub async fn body(path: PathBuf, start: u64, len: u64, count: Option<Count>) -> io::Result<Body> {
    let source = blocking(move || Source::open(&path, start + len)).await?;
    let state = Cursor { source, at: start, end: start + len, tally: Tally { unsaid: 0, count } };
    let pieces = stream::try_unfold(state, |mut c| async move {
        if c.at >= c.end {
            return Ok(None);
        }
        let n = PIECE.min(c.end - c.at);
        let (source, piece) = blocking(move || {
            let piece = c.source.piece(c.at, n)?;
            Ok((c.source, piece))
        })
        .await?;
        c.source = source;
        c.at += n;
        c.tally.add(n);
        Ok::<_, io::Error>(Some((piece, c)))
    });
    Ok(Body::from_stream(pieces))
}

/// Where the body stands: its file, the next offset, the end, and the count so far.
struct Cursor {
    source: Source,
    at: u64,
    end: u64,
    tally: Tally,
}

/// Bytes handed on and not yet told.
struct Tally {
    unsaid: u64,
    count: Option<Count>,
}

impl Tally {
    fn add(&mut self, n: u64) {
        self.unsaid += n;
        if self.unsaid >= INSTALLMENT {
            self.tell();
        }
    }

    fn tell(&mut self) {
        if let (Some(count), n @ 1..) = (&self.count, self.unsaid) {
            count(n);
        }
        self.unsaid = 0;
    }
}

impl Drop for Tally {
    fn drop(&mut self) {
        self.tell();
    }
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> io::Result<T> + Send + 'static) -> io::Result<T> {
    tokio::task::spawn_blocking(f).await.map_err(io::Error::other)?
}

#[cfg(not(unix))]
use portable::Source;
#[cfg(unix)]
use unix::Source;

#[cfg(unix)]
mod unix {
    use std::io;
    use std::ops::Range;
    use std::path::Path;
    use std::sync::Arc;

    use bytes::Bytes;
    use memmap2::{Advice, Mmap, UncheckedAdvice};

    /// A map of the whole file (None when the file is empty: nothing to map), and how far its
    /// pages have been let go of.
    pub struct Source {
        map: Option<Arc<Mmap>>,
        released: usize,
    }

    /// A range of the map, owned by the frame that carries it.
    struct Piece {
        map: Arc<Mmap>,
        range: Range<usize>,
    }

    impl AsRef<[u8]> for Piece {
        fn as_ref(&self) -> &[u8] {
            &self.map[self.range.clone()]
        }
    }

    impl Source {
        pub fn open(path: &Path, end: u64) -> io::Result<Source> {
            let file = std::fs::File::open(path)?;
            if end == 0 {
                return Ok(Source { map: None, released: 0 });
            }
            // SAFETY: the store never writes to or truncates a file under its id (see the
            // module's comment), so the mapped bytes cannot change or vanish under the map; it
            // only reads.
            #[allow(unsafe_code)]
            let map = unsafe { Mmap::map(&file)? };
            if (map.len() as u64) < end {
                return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the stored file is shorter than its record"));
            }
            // Read ahead generously: a download reads the file once, front to back.
            map.advise(Advice::Sequential)?;
            Ok(Source { map: Some(Arc::new(map)), released: 0 })
        }

        /// `n` bytes from `at`, faulted in here (on the blocking pool), the next piece advised,
        /// and the pieces before the previous one let go of.
        pub fn piece(&mut self, at: u64, n: u64) -> io::Result<bytes::Bytes> {
            let Some(map) = &self.map else { return Ok(Bytes::new()) };
            let range = at as usize..(at + n) as usize;
            // What was sent leaves this process's resident set: a download of a 4 GiB film would
            // otherwise show 4 GiB more resident by its end (page cache, but counted as this
            // process's in `top`). The piece before this one may still be in hyper's hands, so it
            // stays. The pages stay in the page cache; a later read of them just maps them again.
            let behind = range.start.saturating_sub(n as usize);
            if behind > self.released {
                // SAFETY: a shared, read-only map of a file that never changes (see the module's
                // comment): after MADV_DONTNEED a read of these bytes maps the file's same pages
                // again, so whoever still holds a piece of them reads what it read before.
                #[allow(unsafe_code)]
                unsafe {
                    map.unchecked_advise_range(UncheckedAdvice::DontNeed, self.released, behind - self.released)?;
                }
                self.released = behind;
            }
            let next = range.end..(range.end + n as usize).min(map.len());
            if !next.is_empty() {
                map.advise_range(Advice::WillNeed, next.start, next.len())?;
            }
            // One read per page maps it into this process now, rather than in the worker's write.
            let page = 4096;
            let touched = map[range.clone()].iter().step_by(page).fold(0u8, |acc, b| acc ^ b);
            std::hint::black_box(touched);
            Ok(Bytes::from_owner(Piece { map: Arc::clone(map), range }))
        }
    }
}

// Built in tests on Unix too, so the path Windows takes is exercised here.
#[cfg(any(not(unix), test))]
mod portable {
    use std::io::{self, Read, Seek, SeekFrom};
    use std::path::Path;

    use bytes::Bytes;

    /// The open file, read piece by piece.
    pub struct Source(std::fs::File);

    impl Source {
        pub fn open(path: &Path, _end: u64) -> io::Result<Source> {
            std::fs::File::open(path).map(Source)
        }

        pub fn piece(&mut self, at: u64, n: u64) -> io::Result<Bytes> {
            let mut buf = vec![0; n as usize];
            self.0.seek(SeekFrom::Start(at))?;
            self.0.read_exact(&mut buf)?;
            Ok(Bytes::from(buf))
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use http_body_util::BodyExt;

    use super::*;

    /// A counter and what it was told, installment by installment.
    fn counter() -> (Count, Arc<Mutex<Vec<u64>>>) {
        let told = Arc::new(Mutex::new(vec![]));
        let seen = Arc::clone(&told);
        (Box::new(move |n| seen.lock().unwrap().push(n)), told)
    }

    async fn read(path: PathBuf, start: u64, len: u64) -> (Vec<u8>, u64) {
        let (count, told) = counter();
        let bytes = body(path, start, len, Some(count)).await.unwrap().collect().await.unwrap().to_bytes();
        let n = told.lock().unwrap().iter().sum();
        (bytes.to_vec(), n)
    }

    #[tokio::test]
    async fn a_range_across_pieces_is_sent_whole_and_counted() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("blob");
        let data: Vec<u8> = (0..(PIECE * 2 + 1000)).map(|i| (i * 7 % 251) as u8).collect();
        std::fs::write(&path, &data).unwrap();
        let (got, n) = read(path.clone(), 10, PIECE + 500).await;
        assert_eq!((got.as_slice(), n), (&data[10..10 + (PIECE + 500) as usize], PIECE + 500));
        let (got, n) = read(path, 0, data.len() as u64).await;
        assert_eq!((got == data, n), (true, data.len() as u64));
    }

    #[tokio::test]
    async fn an_empty_file_is_an_empty_body() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("empty");
        std::fs::write(&path, b"").unwrap();
        assert_eq!(read(path, 0, 0).await, (vec![], 0));
    }

    #[tokio::test]
    async fn a_body_dropped_mid_way_counts_what_it_handed_on() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("blob");
        std::fs::write(&path, vec![1u8; (PIECE * 3) as usize]).unwrap();
        let (count, told) = counter();
        let mut b = body(path, 0, PIECE * 3, Some(count)).await.unwrap();
        let first = b.frame().await.unwrap().unwrap().into_data().unwrap();
        assert_eq!(first.len() as u64, PIECE);
        assert!(told.lock().unwrap().is_empty(), "less than an installment: not told yet");
        drop(b);
        assert_eq!(*told.lock().unwrap(), [PIECE], "one piece went out before the client left");
    }

    #[tokio::test]
    async fn a_long_body_is_counted_in_installments_as_it_goes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("blob");
        let len = INSTALLMENT * 2 + PIECE;
        std::fs::write(&path, vec![0u8; len as usize]).unwrap();
        let (count, told) = counter();
        let mut b = body(path, 0, len, Some(count)).await.unwrap();
        for _ in 0..INSTALLMENT / PIECE {
            b.frame().await.unwrap().unwrap();
        }
        assert_eq!(*told.lock().unwrap(), [INSTALLMENT], "told while the body still runs");
        while b.frame().await.is_some() {}
        drop(b);
        assert_eq!(*told.lock().unwrap(), [INSTALLMENT, INSTALLMENT, PIECE]);
    }

    /// This process's resident pages of mapped files, in KiB.
    #[cfg(target_os = "linux")]
    fn resident_file_kib() -> u64 {
        let status = std::fs::read_to_string("/proc/self/status").unwrap();
        let line = status.lines().find(|l| l.starts_with("RssFile:")).unwrap();
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn a_long_download_keeps_only_its_last_pieces_resident() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("film");
        let len = PIECE * 48; // 96 MiB
        std::fs::write(&path, vec![7u8; len as usize]).unwrap();
        let before = resident_file_kib();
        let mut most = before;
        let mut b = body(path, 0, len, None).await.unwrap();
        while let Some(frame) = b.frame().await {
            drop(frame.unwrap());
            most = most.max(resident_file_kib());
        }
        let grew_mib = most.saturating_sub(before) / 1024;
        assert!(grew_mib < 24, "{grew_mib} MiB of a 96 MiB film stayed resident while it was sent");
    }

    #[test]
    fn the_read_path_other_systems_take_reads_the_same_pieces() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("blob");
        let data: Vec<u8> = (0..10_000u32).map(|i| (i % 253) as u8).collect();
        std::fs::write(&path, &data).unwrap();
        let mut source = portable::Source::open(&path, data.len() as u64).unwrap();
        assert_eq!(source.piece(9_000, 1_000).unwrap().as_ref(), &data[9_000..]);
        assert_eq!(source.piece(10, 20).unwrap().as_ref(), &data[10..30]);
        assert!(source.piece(9_990, 20).is_err(), "past the end is an error, not a short piece");
    }

    #[tokio::test]
    async fn a_file_shorter_than_its_record_is_an_error_not_a_short_body() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("short");
        std::fs::write(&path, b"abc").unwrap();
        let outcome = match body(path, 0, 10, None).await {
            Err(e) => Err(e),
            Ok(b) => b.collect().await.map(|_| ()).map_err(|e| io::Error::other(e.to_string())),
        };
        assert!(outcome.is_err());
    }
}
