//! The MD5 oracle: the `md-5` crate, independent of the store's own MD5 (`core/src/files/md5.rs`).

/// The oracle's hasher itself, for streams (and for benchmarks that compare the two).
pub use md5::{Digest, Md5};

/// The MD5 of `bytes`.
pub fn md5(bytes: &[u8]) -> [u8; 16] {
    Md5::digest(bytes).into()
}

/// The MD5 of `bytes` in lowercase hex, as the store records it.
pub fn md5_hex(bytes: &[u8]) -> String {
    hex::encode(md5(bytes))
}
