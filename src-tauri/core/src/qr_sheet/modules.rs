//! A QR code as horizontal runs of dark modules: the few rectangles a vector renderer draws.

use fast_qr::{QRBuilder, ECL};

use crate::error::{Error, Result};

/// Modules of white around a code that scanners need to find it (the standard's quiet zone).
pub(crate) const QUIET_ZONE: usize = 4;

/// A code's dark modules, row by row, merged into runs.
pub(crate) struct Modules {
    /// Modules per side, without the quiet zone.
    pub width: usize,
    /// (column, row, length) of each run of dark modules.
    pub runs: Vec<(u16, u16, u16)>,
}

impl Modules {
    /// Encodes `payload` at level M, as the single-seat code does. `fast_qr` rather than the
    /// `qrcode` crate of the single code: it picks the mask about six times faster, and choosing
    /// masks is most of a 1,000-seat sheet's work. Both write standard codes of the same payload.
    pub fn encode(payload: &str) -> Result<Modules> {
        let code = QRBuilder::new(payload)
            .ecl(ECL::M)
            .build()
            .map_err(|e| Error::invalid("payload", format!("cannot be encoded as a QR code: {e:?}")))?;
        let width = code.size;
        let mut runs = Vec::new();
        for (y, row) in code.data[..width * width].chunks(width).enumerate() {
            let mut x = 0;
            while x < width {
                if row[x].value() {
                    let start = x;
                    while x < width && row[x].value() {
                        x += 1;
                    }
                    // A code is at most 177 modules wide, so u16 always holds these.
                    runs.push((start as u16, y as u16, (x - start) as u16));
                } else {
                    x += 1;
                }
            }
        }
        Ok(Modules { width, runs })
    }

    /// Encodes many payloads on all cores, in order. Choosing a code's mask (eight trial
    /// masks, each scored) is most of a sheet's work, and every code is independent.
    pub fn encode_all<'a>(payloads: impl ExactSizeIterator<Item = &'a str>) -> Result<Vec<Modules>> {
        let payloads: Vec<&str> = payloads.collect();
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
        let chunk = payloads.len().div_ceil(threads).max(1);
        std::thread::scope(|s| {
            let workers: Vec<_> = payloads
                .chunks(chunk)
                .map(|part| s.spawn(move || part.iter().map(|p| Modules::encode(p)).collect::<Result<Vec<_>>>()))
                .collect();
            let mut all = Vec::with_capacity(payloads.len());
            for w in workers {
                all.extend(w.join().map_err(|_| Error::Internal("a QR encoding thread panicked".into()))??);
            }
            Ok(all)
        })
    }

    /// Modules per side with the quiet zone on both sides.
    pub fn side_with_quiet_zone(&self) -> usize {
        self.width + 2 * QUIET_ZONE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_cover_exactly_the_dark_modules() {
        let code = QRBuilder::new("cinedesk:seat:10001").ecl(ECL::M).build().unwrap();
        let m = Modules::encode("cinedesk:seat:10001").unwrap();
        let dark = code.data[..code.size * code.size].iter().filter(|c| c.value()).count();
        assert_eq!(m.runs.iter().map(|r| r.2 as usize).sum::<usize>(), dark, "every dark module in one run");
        assert_eq!(m.width, code.size);
        assert!(m.runs.len() < dark, "runs merge neighbours, or the PDF would be needlessly large");
        let payloads: Vec<String> = (0..37).map(|i| format!("cinedesk:seat:{}", 10_000 + i)).collect();
        let all = Modules::encode_all(payloads.iter().map(String::as_str)).unwrap();
        let one_by_one: Vec<_> = payloads.iter().map(|p| Modules::encode(p).unwrap().runs).collect();
        assert_eq!(all.into_iter().map(|m| m.runs).collect::<Vec<_>>(), one_by_one, "same codes, same order");
    }
}
