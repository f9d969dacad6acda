//! A request body that stops being "ready" every 64 KiB, so multer cannot buffer a whole part.
//!
//! multer reads its input until the input says Pending before it hands out any field data
//! (rwf2/multer#62). On loopback, or any link faster than the disk, a body is ready for
//! megabytes at a time, and multer copies all of it into one growing buffer. Yielding (Pending
//! with the task woken at once) after every [`BURST`] bytes returns control to the field
//! reader, which passes those bytes on to the disk writer before more are read.

use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::{Body, Bytes};
use futures_util::Stream;

/// Bytes handed out between two yields (a 2 GiB upload yields 32,768 times: nothing next to its
/// disk writes; 64 KiB measured 31 MiB of RSS growth per 1 GiB upload, none at all 44 MiB).
const BURST: usize = 64 << 10;

/// `body`, yielding to the task every [`BURST`] bytes.
pub(crate) fn paced(body: Body) -> Body {
    Body::from_stream(Paced { inner: body.into_data_stream(), since_yield: 0 })
}

struct Paced<S> {
    inner: S,
    since_yield: usize,
}

impl<S: Stream<Item = Result<Bytes, axum::Error>> + Unpin> Stream for Paced<S> {
    type Item = Result<Bytes, axum::Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.since_yield >= BURST {
            self.since_yield = 0;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        let next = Pin::new(&mut self.inner).poll_next(cx);
        if let Poll::Ready(Some(Ok(bytes))) = &next {
            self.since_yield += bytes.len();
        }
        next
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;

    #[tokio::test]
    async fn every_byte_arrives_in_order_across_the_yields() {
        let pieces: Vec<Result<Bytes, std::io::Error>> =
            (0..40u8).map(|i| Ok(Bytes::from(vec![i; 64 << 10]))).collect();
        let body = paced(Body::from_stream(futures_util::stream::iter(pieces)));
        let mut got = Vec::new();
        let mut stream = body.into_data_stream();
        while let Some(piece) = stream.next().await {
            got.extend_from_slice(&piece.expect("an in-memory body does not fail"));
        }
        let want: Vec<u8> = (0..40u8).flat_map(|i| std::iter::repeat_n(i, 64 << 10)).collect();
        assert!(got == want, "pacing must only delay pieces, never drop, split or reorder them");
    }

    #[test]
    fn a_burst_ends_with_a_pending_that_wakes_the_task() {
        let piece = BURST / 4;
        let pieces: Vec<Result<Bytes, axum::Error>> = (0..8).map(|_| Ok(Bytes::from(vec![0; piece]))).collect();
        let mut paced = Paced { inner: futures_util::stream::iter(pieces), since_yield: 0 };
        let waker = futures_util::task::noop_waker();
        let mut cx = Context::from_waker(&waker);
        let mut ready_in_a_row = 0;
        loop {
            match Pin::new(&mut paced).poll_next(&mut cx) {
                Poll::Ready(Some(_)) => ready_in_a_row += 1,
                Poll::Pending => break,
                Poll::Ready(None) => panic!("the body ended without a yield: multer would have buffered all of it"),
            }
        }
        assert_eq!(ready_in_a_row, 4, "a yield comes right after {BURST} bytes");
    }
}
