//! Hall print sheets: every seat's QR code on A4 pages (PDF) or one SVG per seat (ZIP).
//!
//! The sheet is read in one snapshot (hall, cinema, template and seats together), ordered by
//! seat number the way people read them (A2 before A10), then handed to a renderer that knows
//! nothing of the database.

mod font;
mod layout;
mod modules;
mod order;
mod pdf;
mod svg;

use rusqlite::OptionalExtension;

use crate::actor::{Actor, Capability};
use crate::error::{Error, Result};
use crate::{qr, Cms, Entity};

pub use layout::{DEFAULT_PER_PAGE, PER_PAGE_CHOICES};

/// The containers of a print sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetFormat {
    /// Print-ready A4 pages with labels and cut guides.
    Pdf,
    /// One labelled SVG per seat, for a print shop or a designer.
    Zip,
}

impl SheetFormat {
    pub fn parse(s: &str) -> Result<SheetFormat> {
        match s.to_ascii_lowercase().as_str() {
            "pdf" => Ok(SheetFormat::Pdf),
            "zip" => Ok(SheetFormat::Zip),
            _ => Err(Error::invalid("format", "must be pdf or zip")),
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            SheetFormat::Pdf => "application/pdf",
            SheetFormat::Zip => "application/zip",
        }
    }

    fn extension(self) -> &'static str {
        match self {
            SheetFormat::Pdf => "pdf",
            SheetFormat::Zip => "zip",
        }
    }
}

/// A rendered sheet and what a caller needs to save or send it.
#[derive(Debug, Clone)]
pub struct QrSheet {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
    /// `<cinema>-<hall>-二维码.pdf`, safe as a file name on Windows, macOS and Linux.
    pub file_name: String,
    /// An ASCII name for clients that do not read UTF-8 file names (`<cinemaCode>-<hallCode>-qr.pdf`).
    pub ascii_file_name: String,
    /// Seats on the sheet, in print order.
    pub seats: usize,
    /// PDF pages (0 for a ZIP).
    pub pages: usize,
    /// Characters of the labels that the embedded font lacks; each is drawn as □.
    pub missing_glyphs: Vec<char>,
}

/// One seat as a sheet prints it.
#[derive(Debug, Clone)]
pub(crate) struct SheetSeat {
    pub seat_number: String,
    pub payload: String,
}

/// Everything a renderer needs, read in one snapshot.
#[derive(Debug, Clone)]
pub(crate) struct SheetData {
    pub cinema: String,
    pub hall: String,
    pub seats: Vec<SheetSeat>,
}

impl Cms {
    /// The print sheet of a hall's seat codes: `per_page` is 1, 4 or 12 codes per A4 page (checked
    /// for the ZIP too, which has no pages, so a wrong value is never silently accepted). This is
    /// the desktop app's "print sheet" entry point as well as the server's.
    pub fn hall_qr_sheet(&self, actor: &Actor, hall_id: &str, format: SheetFormat, per_page: u32) -> Result<QrSheet> {
        actor.require(Capability::Operate)?;
        let grid = layout::Grid::for_per_page(per_page)?;
        let (data, codes) = self.sheet_data(actor, hall_id)?;
        if data.seats.is_empty() {
            return Err(Error::invalid("hall_id", "the hall has no seats to print"));
        }
        let mut missing = std::collections::BTreeSet::new();
        let (bytes, pages) = match format {
            SheetFormat::Pdf => pdf::render(&data, &grid, &mut missing)?,
            SheetFormat::Zip => (svg::zip(&data, &mut missing)?, 0),
        };
        if !missing.is_empty() {
            tracing::warn!(hall = hall_id, chars = ?missing, "labels hold characters the sheet font lacks; drawn as □");
        }
        let ext = format.extension();
        Ok(QrSheet {
            bytes,
            content_type: format.mime(),
            file_name: format!("{}-{}-二维码.{ext}", file_safe(&data.cinema), file_safe(&data.hall)),
            ascii_file_name: format!("{}-{}-qr.{ext}", codes.0, codes.1),
            seats: data.seats.len(),
            pages,
            missing_glyphs: missing.into_iter().collect(),
        })
    }

    /// The hall's names, its seats with their payloads in seat order, and (cinema, hall) codes.
    fn sheet_data(&self, actor: &Actor, hall_id: &str) -> Result<(SheetData, (String, String))> {
        self.db.read(|tx| {
            crate::hall::get_seen(tx, actor, hall_id)?;
            let (hall, hall_code, cinema, cinema_code): (String, String, String, String) = tx
                .prepare_cached(
                    "SELECT h.name, h.code, c.name, c.code FROM halls h JOIN cinemas c ON c.id = h.cinema_id
                     WHERE h.id = ?",
                )?
                .query_row([hall_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
                .optional()?
                .ok_or_else(|| Error::not_found(Entity::Hall, hall_id))?;
            let template = qr::template_in(tx)?;
            let mut seats = tx
                .prepare_cached("SELECT seat_number, scene_number, qr_token FROM vr_clients WHERE hall_id = ?")?
                .query_map([hall_id], |r| {
                    let (scene, token): (String, String) = (r.get(1)?, r.get(2)?);
                    Ok(SheetSeat { seat_number: r.get(0)?, payload: qr::payload(&template, &scene, &token) })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            seats.sort_by(|a, b| order::seat_order(&a.seat_number, &b.seat_number));
            Ok((SheetData { cinema, hall, seats }, (cinema_code, hall_code)))
        })
    }
}

/// A name made safe for every file system: path separators, reserved and control characters
/// become `_`, and the length is bounded.
fn file_safe(name: &str) -> String {
    let cleaned: String = name
        .trim()
        .chars()
        .map(|c| if c.is_control() || "/\\:*?\"<>|".contains(c) { '_' } else { c })
        .take(60)
        .collect();
    let trimmed = cleaned.trim_matches(|c: char| c == '.' || c.is_whitespace());
    if trimmed.is_empty() {
        "_".to_string()
    } else {
        trimmed.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_safe_everywhere() {
        assert_eq!(file_safe("X立方/一号店"), "X立方_一号店", "a slash would make a directory");
        assert_eq!(file_safe(" ..\t"), "_", "nothing left still names a file");
        assert_eq!(file_safe(&"长".repeat(100)).chars().count(), 60, "bounded length");
    }
}
