//! A QR code as horizontal runs of dark modules: the few rectangles a vector renderer draws.

use qrcode::{Color, EcLevel, QrCode};

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
    /// Encodes `payload` at level M, as the single-seat code does, so both print the same code.
    pub fn encode(payload: &str) -> Result<Modules> {
        let code = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M)
            .map_err(|e| Error::invalid("payload", format!("cannot be encoded as a QR code: {e}")))?;
        let width = code.width();
        let colors = code.to_colors();
        let mut runs = Vec::new();
        for (y, row) in colors.chunks(width).enumerate() {
            let mut x = 0;
            while x < width {
                if row[x] == Color::Dark {
                    let start = x;
                    while x < width && row[x] == Color::Dark {
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
        let code = QrCode::with_error_correction_level(b"cinedesk:seat:10001", EcLevel::M).unwrap();
        let m = Modules::encode("cinedesk:seat:10001").unwrap();
        let dark = code.to_colors().iter().filter(|c| **c == Color::Dark).count();
        assert_eq!(m.runs.iter().map(|r| r.2 as usize).sum::<usize>(), dark, "every dark module in one run");
        assert_eq!(m.width, code.width());
        assert!(m.runs.len() < dark, "runs merge neighbours, or the PDF would be needlessly large");
    }
}
