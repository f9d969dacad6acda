//! Where things go on an A4 sheet: a grid of 1, 4 (2×2) or 12 (3×4) cells inside a margin that
//! office printers can print to, each cell a QR code with its quiet zone and three label lines.

use crate::error::{Error, Result};

/// The codes per page a sheet may have.
pub const PER_PAGE_CHOICES: [u32; 3] = [1, 4, 12];
/// Twelve per page: a seat sticker of about 5 cm, a hall of 120 seats on ten pages.
pub const DEFAULT_PER_PAGE: u32 = 12;

/// ISO A4 in PDF points (1/72 inch).
pub(crate) const PAGE_W: f32 = 595.2756;
pub(crate) const PAGE_H: f32 = 841.8898;
/// 10 mm: most printers cannot print the outermost 4–6 mm, and the footer lives here.
pub(crate) const MARGIN: f32 = 28.3465;

/// The grid of one page.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Grid {
    pub cols: usize,
    pub rows: usize,
    /// Type and padding grow with the cell so a big card does not carry tiny text.
    scale: f32,
}

/// One cell's contents, in points from the page's top-left corner (y down).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cell {
    /// Left edge, top edge and side of the QR square, quiet zone included.
    pub qr_x: f32,
    pub qr_y: f32,
    pub qr_side: f32,
    /// Horizontal centre of the labels and the widest a label may be.
    pub label_cx: f32,
    pub label_w: f32,
    /// Baselines and sizes of the seat line (large) and the two name lines.
    pub seat_baseline: f32,
    pub seat_size: f32,
    pub name_baselines: [f32; 2],
    pub name_size: f32,
}

impl Grid {
    pub fn for_per_page(per_page: u32) -> Result<Grid> {
        match per_page {
            1 => Ok(Grid { cols: 1, rows: 1, scale: 2.5 }),
            4 => Ok(Grid { cols: 2, rows: 2, scale: 1.6 }),
            12 => Ok(Grid { cols: 3, rows: 4, scale: 1.0 }),
            _ => Err(Error::invalid("per_page", "must be 1, 4 or 12")),
        }
    }

    pub fn per_page(&self) -> usize {
        self.cols * self.rows
    }

    pub fn cell_w(&self) -> f32 {
        (PAGE_W - 2.0 * MARGIN) / self.cols as f32
    }

    pub fn cell_h(&self) -> f32 {
        (PAGE_H - 2.0 * MARGIN) / self.rows as f32
    }

    /// The `i`-th cell of a page, filled row by row from the top left (reading order).
    pub fn cell(&self, i: usize) -> Cell {
        let (w, h) = (self.cell_w(), self.cell_h());
        let (left, top) = (MARGIN + (i % self.cols) as f32 * w, MARGIN + (i / self.cols) as f32 * h);
        let s = self.scale;
        let pad = 10.0 * s;
        let (seat_size, name_size) = (14.0 * s, 8.0 * s);
        let (seat_line, name_line) = (seat_size * 1.3, name_size * 1.4);
        let labels_h = seat_line + 2.0 * name_line;
        // The quiet zone already separates the code from the text below it. Three quarters of the
        // cell's width is plenty for any scanner and leaves white around the card.
        let qr_side = (w - 2.0 * pad).min(h - 2.0 * pad - labels_h).min(0.75 * w);
        let block_top = top + (h - qr_side - labels_h) / 2.0;
        let labels_top = block_top + qr_side;
        Cell {
            qr_x: left + (w - qr_side) / 2.0,
            qr_y: block_top,
            qr_side,
            label_cx: left + w / 2.0,
            label_w: w - 2.0 * pad,
            // Baselines sit about 80 % down each line (the font's ascent is 0.88 em).
            seat_baseline: labels_top + seat_size * 1.0,
            seat_size,
            name_baselines: [
                labels_top + seat_line + name_size * 1.05,
                labels_top + seat_line + name_line + name_size * 1.05,
            ],
            name_size,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_stay_inside_their_grid_square_and_the_page() {
        for n in PER_PAGE_CHOICES {
            let g = Grid::for_per_page(n).unwrap();
            assert_eq!(g.per_page(), n as usize);
            for i in 0..g.per_page() {
                let c = g.cell(i);
                let (left, top) =
                    (MARGIN + (i % g.cols) as f32 * g.cell_w(), MARGIN + (i / g.cols) as f32 * g.cell_h());
                assert!(c.qr_x > left && c.qr_x + c.qr_side < left + g.cell_w(), "code inside its cell ({n}, {i})");
                assert!(c.qr_y > top, "code below the cell's top ({n}, {i})");
                assert!(c.name_baselines[1] < top + g.cell_h(), "last label inside the cell ({n}, {i})");
                assert!(c.seat_baseline - c.seat_size > c.qr_y + c.qr_side - 1.0, "labels below the code ({n}, {i})");
                // 4 cm is the smallest code a phone reads at arm's length reliably.
                assert!(c.qr_side > 113.0, "a code of at least 4 cm ({n}): {}", c.qr_side);
            }
        }
        assert_eq!(Grid::for_per_page(6).unwrap_err().field(), Some("per_page"));
    }
}
