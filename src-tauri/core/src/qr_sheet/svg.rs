//! The ZIP sheet: one self-contained SVG per seat (code, quiet zone and labels as outlines, so a
//! print shop without a CJK font sees the same card), named by seat number.

use std::collections::{BTreeSet, HashSet};
use std::fmt::Write as _;
use std::io::{Cursor, Write as _};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use super::font::{LabelFont, Line};
use super::modules::{Modules, QUIET_ZONE};
use super::{SheetData, SheetSeat};
use crate::error::{Error, Result};

/// Printed width of a card; the height follows from the labels.
const CARD_WIDTH_MM: f32 = 50.0;

/// Every seat's card, in seat order, in one ZIP.
pub(crate) fn zip(data: &SheetData, missing: &mut BTreeSet<char>) -> Result<Vec<u8>> {
    let zip_err = |e: zip::result::ZipError| Error::Internal(format!("ZIP: {e}"));
    let mut out = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    let mut names = HashSet::new();
    for seat in &data.seats {
        out.start_file(entry_name(&seat.seat_number, &mut names), options).map_err(zip_err)?;
        out.write_all(seat_svg(data, seat, missing)?.as_bytes())?;
    }
    Ok(out.finish().map_err(zip_err)?.into_inner())
}

/// `<seat>.svg`, with anything but letters, digits, `-` and `_` replaced, so no entry can climb
/// out of the folder it is unpacked into; two seats that clean up alike get `-2`, `-3` …
fn entry_name(seat_number: &str, taken: &mut HashSet<String>) -> String {
    let base: String = seat_number
        .trim()
        .chars()
        .take(64)
        .map(|c| if c.is_alphanumeric() || c == '-' || c == '_' { c } else { '_' })
        .collect();
    let base = if base.is_empty() { "seat".to_string() } else { base };
    let mut name = format!("{base}.svg");
    let mut n = 1;
    while !taken.insert(name.to_lowercase()) {
        n += 1;
        name = format!("{base}-{n}.svg");
    }
    name
}

/// One seat's card: the code in module units (1 unit = 1 module), labels below it.
pub(crate) fn seat_svg(data: &SheetData, seat: &SheetSeat, missing: &mut BTreeSet<char>) -> Result<String> {
    let code = Modules::encode(&seat.payload)?;
    let side = code.side_with_quiet_zone() as f32;
    // The same proportions as a 12-per-page PDF cell.
    let (seat_size, name_size) = (side * 0.104, side * 0.059);
    let label_w = side * 0.9;
    let height = side + seat_size * 1.3 + name_size * 2.0 * 1.4 + name_size * 0.6;
    let mut svg = String::with_capacity(16 * 1024);
    let _ = write!(
        svg,
        r##"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{CARD_WIDTH_MM}mm" height="{:.2}mm" viewBox="0 0 {side} {}">
<title>{}</title>
<rect width="100%" height="100%" fill="#fff"/>
<path fill="#000" shape-rendering="crispEdges" d=""##,
        CARD_WIDTH_MM * height / side,
        round(height),
        xml_escape(&format!("{} {} 座位 {}", data.cinema, data.hall, seat.seat_number)),
    );
    for &(x, y, len) in &code.runs {
        let _ = write!(svg, "M{} {}h{len}v1h-{len}z", usize::from(x) + QUIET_ZONE, usize::from(y) + QUIET_ZONE);
    }
    svg.push_str("\"/>\n<g fill=\"#000\">\n");
    let labels = LabelFont::get();
    let (line, size) = labels.fit(&format!("座位 {}", seat.seat_number), label_w, seat_size, seat_size * 0.6, missing);
    let mut baseline = side + seat_size;
    outline_line(&mut svg, labels, &line, size, side / 2.0, baseline);
    baseline += seat_size * 0.3 + name_size * 1.05;
    for text in [&data.cinema, &data.hall] {
        let (line, size) = labels.fit(text, label_w, name_size, name_size * 0.7, missing);
        outline_line(&mut svg, labels, &line, size, side / 2.0, baseline);
        baseline += name_size * 1.4;
    }
    svg.push_str("</g>\n</svg>\n");
    Ok(svg)
}

/// Writes a line's glyphs as outlines, centred on `cx`.
fn outline_line(svg: &mut String, font: &LabelFont, line: &Line, size: f32, cx: f32, baseline: f32) {
    let mut x = cx - line.width_em * size / 2.0;
    for (gid, advance, _) in &line.glyphs {
        let d = font.svg_outline(*gid);
        if !d.is_empty() {
            let _ = writeln!(
                svg,
                r#"<path transform="translate({} {}) scale({})" d="{d}"/>"#,
                round(x),
                round(baseline),
                round(size)
            );
        }
        x += advance * size;
    }
}

fn round(v: f32) -> f32 {
    (v * 1000.0).round() / 1000.0
}

/// Escapes text for XML content; characters XML 1.0 forbids (U+FFFE, U+FFFF) become U+FFFD.
fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\u{FFFE}' | '\u{FFFF}' => out.push('\u{FFFD}'),
            c if c.is_control() && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_names_cannot_escape_and_do_not_collide() {
        let mut taken = HashSet::new();
        assert_eq!(entry_name("A01", &mut taken), "A01.svg");
        assert_eq!(entry_name("../../etc/passwd", &mut taken), "______etc_passwd.svg", "no path climbs out");
        assert_eq!(entry_name("贵宾 1", &mut taken), "贵宾_1.svg", "Chinese seat names stay readable");
        assert_eq!(entry_name("贵宾/1", &mut taken), "贵宾_1-2.svg", "a second seat that cleans up alike");
        assert_eq!(entry_name("a01", &mut taken), "a01-2.svg", "case-insensitive file systems see one name");
        assert_eq!(entry_name("   ", &mut taken), "seat.svg");
    }

    #[test]
    fn text_is_escaped_for_xml() {
        assert_eq!(xml_escape("<厅 & \"A\">\u{FFFF}"), "&lt;厅 &amp; &quot;A&quot;&gt;\u{FFFD}");
    }
}
