//! Test content that neither repeats nor compresses: xorshift64, eight bytes a step.

use std::io::Write;
use std::path::Path;

/// A deterministic stream of bytes from a seed.
struct Xorshift(u64);

impl Xorshift {
    fn new(seed: u64) -> Self {
        // Spread small seeds apart; xorshift must never start at zero.
        Xorshift(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn fill(&mut self, buf: &mut [u8]) {
        for chunk in buf.chunks_mut(8) {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            chunk.copy_from_slice(&self.0.to_le_bytes()[..chunk.len()]);
        }
    }
}

/// `len` bytes of noise from `seed`: the same seed gives the same bytes.
pub fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut out = vec![0u8; len];
    Xorshift::new(seed).fill(&mut out);
    out
}

/// Writes `size` bytes of noise from `seed` to a new file at `path`, a MiB at a time (files of
/// gigabytes never sit in memory), and syncs it.
pub fn noise_file(path: &Path, size: u64, seed: u64) {
    let mut file = std::fs::File::create(path).unwrap_or_else(|e| panic!("create {}: {e}", path.display()));
    let mut rng = Xorshift::new(seed);
    let mut block = vec![0u8; 1 << 20];
    let mut left = size;
    while left > 0 {
        let n = left.min(block.len() as u64) as usize;
        rng.fill(&mut block[..n]);
        file.write_all(&block[..n]).unwrap();
        left -= n as u64;
    }
    file.sync_all().unwrap();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seed_gives_the_same_bytes_and_another_seed_others() {
        assert_eq!(noise(1000, 7), noise(1000, 7));
        assert_ne!(noise(1000, 7), noise(1000, 8));
        assert_eq!(noise(13, 7)[..], noise(1000, 7)[..13], "a shorter run is a prefix of a longer one");
    }

    #[test]
    fn a_noise_file_holds_the_same_bytes_as_noise() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("noise.bin");
        noise_file(&path, (1 << 20) + 5, 3);
        assert!(std::fs::read(&path).unwrap() == noise((1 << 20) + 5, 3), "across the MiB blocks too");
    }
}
