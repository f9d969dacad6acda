//! MD5 (RFC 1321) written for the one thing an upload waits on: its rounds are ordered so each step's critical path is as short as MD5 allows.
//!
//! An upload is bound by its MD5 on one core, and md-5's rounds hashed at 0.87–0.98× of
//! coreutils' md5sum here; these hash at 1.05–1.2× of it (BENCHMARKS.md). MD5 cannot be split across cores; what can be won is
//! latency inside a step. Each step is `a = b + rotl(a + f(b, c, d) + m + k, s)`, and only `b`
//! is new, so everything not depending on `b` is summed first (`a + m + k`, and round 2's
//! `c & !d`) and only the shortest function of `b` is left at the end:
//!
//! - F: `d ^ (b & (c ^ d))`, two operations after `b`, rather than `(b & c) | (!b & d)`;
//! - G: `(b & d) + (c & !d)`, the halves disjoint so `+` is `|`, with `c & !d` added early;
//! - H: `b ^ (c ^ d)`, one operation after `b`;
//! - I: `c ^ (b | !d)`, with `!d` ready early.
//!
//! The interface is what the file store needs: `update`, `finalize`, and `Clone` to keep the
//! state at a resumable upload's part boundaries. The tests hold it to RFC 1321's vectors and
//! to md-5 on every length around the block and padding edges.

/// The sine-derived constants of RFC 1321 §3.4, in step order.
const K: [u32; 64] = [
    0xd76a_a478,
    0xe8c7_b756,
    0x2420_70db,
    0xc1bd_ceee,
    0xf57c_0faf,
    0x4787_c62a,
    0xa830_4613,
    0xfd46_9501,
    0x6980_98d8,
    0x8b44_f7af,
    0xffff_5bb1,
    0x895c_d7be,
    0x6b90_1122,
    0xfd98_7193,
    0xa679_438e,
    0x49b4_0821,
    0xf61e_2562,
    0xc040_b340,
    0x265e_5a51,
    0xe9b6_c7aa,
    0xd62f_105d,
    0x0244_1453,
    0xd8a1_e681,
    0xe7d3_fbc8,
    0x21e1_cde6,
    0xc337_07d6,
    0xf4d5_0d87,
    0x455a_14ed,
    0xa9e3_e905,
    0xfcef_a3f8,
    0x676f_02d9,
    0x8d2a_4c8a,
    0xfffa_3942,
    0x8771_f681,
    0x6d9d_6122,
    0xfde5_380c,
    0xa4be_ea44,
    0x4bde_cfa9,
    0xf6bb_4b60,
    0xbebf_bc70,
    0x289b_7ec6,
    0xeaa1_27fa,
    0xd4ef_3085,
    0x0488_1d05,
    0xd9d4_d039,
    0xe6db_99e5,
    0x1fa2_7cf8,
    0xc4ac_5665,
    0xf429_2244,
    0x432a_ff97,
    0xab94_23a7,
    0xfc93_a039,
    0x655b_59c3,
    0x8f0c_cc92,
    0xffef_f47d,
    0x8584_5dd1,
    0x6fa8_7e4f,
    0xfe2c_e6e0,
    0xa301_4314,
    0x4e08_11a1,
    0xf753_7e82,
    0xbd3a_f235,
    0x2ad7_d2bb,
    0xeb86_d391,
];

const INIT: [u32; 4] = [0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476];

/// One step; `$a` becomes the new word, `$k` holds the constants. Sums that do not depend on
/// `$b` come first (see the module comment).
macro_rules! step {
    (F, $k:ident, $a:ident, $b:ident, $c:ident, $d:ident, $m:expr, $i:expr, $s:expr) => {
        $a = $a
            .wrapping_add($m.wrapping_add($k[$i]))
            .wrapping_add($d ^ ($b & ($c ^ $d)))
            .rotate_left($s)
            .wrapping_add($b)
    };
    (G, $k:ident, $a:ident, $b:ident, $c:ident, $d:ident, $m:expr, $i:expr, $s:expr) => {
        $a = $a
            .wrapping_add($m.wrapping_add($k[$i]))
            .wrapping_add($c & !$d)
            .wrapping_add($b & $d)
            .rotate_left($s)
            .wrapping_add($b)
    };
    (H, $k:ident, $a:ident, $b:ident, $c:ident, $d:ident, $m:expr, $i:expr, $s:expr) => {
        $a = $a.wrapping_add($m.wrapping_add($k[$i])).wrapping_add($b ^ ($c ^ $d)).rotate_left($s).wrapping_add($b)
    };
    (I, $k:ident, $a:ident, $b:ident, $c:ident, $d:ident, $m:expr, $i:expr, $s:expr) => {
        $a = $a.wrapping_add($m.wrapping_add($k[$i])).wrapping_add($c ^ ($b | !$d)).rotate_left($s).wrapping_add($b)
    };
}

/// Four steps of one round, rotating the roles of a, b, c, d; `$x` gives the message words.
macro_rules! four {
    ($f:ident, $k:ident, $a:ident, $b:ident, $c:ident, $d:ident, $m:ident, [$x0:expr, $x1:expr, $x2:expr, $x3:expr], $i:expr, $s:expr) => {
        step!($f, $k, $a, $b, $c, $d, $m[$x0], $i, $s[0]);
        step!($f, $k, $d, $a, $b, $c, $m[$x1], $i + 1, $s[1]);
        step!($f, $k, $c, $d, $a, $b, $m[$x2], $i + 2, $s[2]);
        step!($f, $k, $b, $c, $d, $a, $m[$x3], $i + 3, $s[3]);
    };
}

fn compress(state: &mut [u32; 4], block: &[u8; 64]) {
    let mut m = [0u32; 16];
    for (word, bytes) in m.iter_mut().zip(block.chunks_exact(4)) {
        *word = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
    }
    // The constants go through `black_box` so the compiler loads them instead of knowing them:
    // it moves a known constant to the end of a sum (to fold constants), which put an add after
    // `f(b, c, d)` on every step's critical path: 455 MB/s instead of 540 on the bench machine.
    let k: &[u32; 64] = std::hint::black_box(&K);
    let [mut a, mut b, mut c, mut d] = *state;
    const R1: [u32; 4] = [7, 12, 17, 22];
    four!(F, k, a, b, c, d, m, [0, 1, 2, 3], 0, R1);
    four!(F, k, a, b, c, d, m, [4, 5, 6, 7], 4, R1);
    four!(F, k, a, b, c, d, m, [8, 9, 10, 11], 8, R1);
    four!(F, k, a, b, c, d, m, [12, 13, 14, 15], 12, R1);
    const R2: [u32; 4] = [5, 9, 14, 20];
    four!(G, k, a, b, c, d, m, [1, 6, 11, 0], 16, R2);
    four!(G, k, a, b, c, d, m, [5, 10, 15, 4], 20, R2);
    four!(G, k, a, b, c, d, m, [9, 14, 3, 8], 24, R2);
    four!(G, k, a, b, c, d, m, [13, 2, 7, 12], 28, R2);
    const R3: [u32; 4] = [4, 11, 16, 23];
    four!(H, k, a, b, c, d, m, [5, 8, 11, 14], 32, R3);
    four!(H, k, a, b, c, d, m, [1, 4, 7, 10], 36, R3);
    four!(H, k, a, b, c, d, m, [13, 0, 3, 6], 40, R3);
    four!(H, k, a, b, c, d, m, [9, 12, 15, 2], 44, R3);
    const R4: [u32; 4] = [6, 10, 15, 21];
    four!(I, k, a, b, c, d, m, [0, 7, 14, 5], 48, R4);
    four!(I, k, a, b, c, d, m, [12, 3, 10, 1], 52, R4);
    four!(I, k, a, b, c, d, m, [8, 15, 6, 13], 56, R4);
    four!(I, k, a, b, c, d, m, [4, 11, 2, 9], 60, R4);
    state[0] = state[0].wrapping_add(a);
    state[1] = state[1].wrapping_add(b);
    state[2] = state[2].wrapping_add(c);
    state[3] = state[3].wrapping_add(d);
}

/// An MD5 in progress.
#[derive(Clone)]
pub struct Md5 {
    state: [u32; 4],
    /// Bytes hashed so far, the buffered ones included.
    len: u64,
    /// The start of an unfinished block (`len % 64` bytes of it).
    pending: [u8; 64],
}

impl Default for Md5 {
    fn default() -> Self {
        Md5::new()
    }
}

impl Md5 {
    pub fn new() -> Md5 {
        Md5 { state: INIT, len: 0, pending: [0; 64] }
    }

    pub fn update(&mut self, mut data: &[u8]) {
        let have = (self.len % 64) as usize;
        self.len += data.len() as u64;
        if have > 0 {
            let take = data.len().min(64 - have);
            self.pending[have..have + take].copy_from_slice(&data[..take]);
            data = &data[take..];
            if have + take < 64 {
                return;
            }
            let block = self.pending;
            compress(&mut self.state, &block);
        }
        let mut blocks = data.chunks_exact(64);
        for block in &mut blocks {
            compress(&mut self.state, block.try_into().expect("chunks of 64"));
        }
        let rest = blocks.remainder();
        self.pending[..rest.len()].copy_from_slice(rest);
    }

    /// The 16-byte digest (RFC 1321 §3.5's padding and length, then the state little-endian).
    pub fn finalize(mut self) -> [u8; 16] {
        let bits = self.len.wrapping_mul(8);
        let have = (self.len % 64) as usize;
        // 0x80, then zeros up to 56 mod 64, then the length in bits.
        let pad = if have < 56 { 56 - have } else { 120 - have };
        let mut tail = [0u8; 72];
        tail[0] = 0x80;
        tail[pad..pad + 8].copy_from_slice(&bits.to_le_bytes());
        self.update(&tail[..pad + 8]);
        debug_assert_eq!(self.len % 64, 0, "padding ends on a block boundary");
        let mut out = [0u8; 16];
        for (bytes, word) in out.chunks_exact_mut(4).zip(self.state) {
            bytes.copy_from_slice(&word.to_le_bytes());
        }
        out
    }

    /// The digest of `data` in one call.
    pub fn digest(data: &[u8]) -> [u8; 16] {
        let mut md5 = Md5::new();
        md5.update(data);
        md5.finalize()
    }
}

#[cfg(test)]
mod tests {
    use super::Md5;
    use cinedesk_testkit::noise;

    #[test]
    fn rfc_1321_test_suite() {
        // RFC 1321 §A.5.
        let suite = [
            ("", "d41d8cd98f00b204e9800998ecf8427e"),
            ("a", "0cc175b9c0f1b6a831c399e269772661"),
            ("abc", "900150983cd24fb0d6963f7d28e17f72"),
            ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
            ("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"),
            ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"),
            (
                "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
                "57edf4a22be3c955ac49da2e2107b67a",
            ),
        ];
        for (input, want) in suite {
            assert_eq!(hex::encode(Md5::digest(input.as_bytes())), want, "MD5({input:?}) per RFC 1321");
        }
    }

    #[test]
    fn every_length_around_the_block_and_padding_edges_matches_md_5() {
        for n in (0..=200).chain([1023, 1024, 1025, 65_535, 65_536, 1 << 20]) {
            let data = noise(n, n as u64);
            assert_eq!(
                Md5::digest(&data),
                cinedesk_testkit::md5(&data),
                "{n} bytes: the padding puts the length in the right block"
            );
        }
    }

    #[test]
    fn feeding_in_uneven_pieces_or_cloning_midway_hashes_the_same() {
        let data = noise(10_000, 7);
        let whole = Md5::digest(&data);
        let mut md5 = Md5::new();
        let mut at = 0;
        for (i, size) in [1usize, 63, 64, 65, 0, 127, 3, 500, 4096].iter().cycle().enumerate() {
            if at >= data.len() {
                break;
            }
            let end = (at + size).min(data.len());
            md5.update(&data[at..end]);
            at = end;
            if i == 5 {
                // A mark taken in the middle of an unfinished block goes on the same way.
                let mut copy = md5.clone();
                copy.update(&data[at..]);
                assert_eq!(copy.finalize(), whole, "a clone carries the unfinished block with it");
            }
        }
        assert_eq!(md5.finalize(), whole, "the pieces' sizes do not change the digest");
    }
}
