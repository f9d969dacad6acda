//! The PDF sheet: A4 pages of vector QR codes (crisp at any printer resolution, a few hundred
//! bytes each), Chinese labels in the embedded font (subset to the glyphs used), cut guides.

use std::collections::BTreeSet;

use krilla::color::{luma, rgb};
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke, StrokeDash};
use krilla::surface::Surface;
use krilla::text::{Font, GlyphId, KrillaGlyph};
use krilla::Document;

use super::font::{LabelFont, Line, FONT_BYTES};
use super::layout::{Cell, Grid, MARGIN, PAGE_H, PAGE_W};
use super::modules::{Modules, QUIET_ZONE};
use super::SheetData;
use crate::error::{Error, Result};

/// Renders the sheet; returns the PDF and its page count.
pub(crate) fn render(data: &SheetData, grid: &Grid, missing: &mut BTreeSet<char>) -> Result<(Vec<u8>, usize)> {
    let labels = LabelFont::get();
    let font = Font::new(FONT_BYTES.into(), 0).ok_or_else(|| Error::Internal("the label font does not load".into()))?;
    let mut doc = Document::new();
    doc.set_metadata(
        Metadata::new()
            .title(format!("{} {} 座位二维码", data.cinema, data.hall))
            .creator("Cinedesk".to_string())
            .language("zh-CN".to_string()),
    );
    let pages = data.seats.chunks(grid.per_page()).len();
    for (p, seats) in data.seats.chunks(grid.per_page()).enumerate() {
        let settings = PageSettings::from_wh(PAGE_W, PAGE_H).expect("A4 is a valid page size");
        let mut page = doc.start_page_with(settings);
        let mut surface = page.surface();
        draw_cut_guides(&mut surface, grid);
        for (i, seat) in seats.iter().enumerate() {
            let cell = grid.cell(i);
            draw_code(&mut surface, &cell, &Modules::encode(&seat.payload)?);
            let seat_label = format!("座位 {}", seat.seat_number);
            let (line, size) = labels.fit(&seat_label, cell.label_w, cell.seat_size, cell.seat_size * 0.6, missing);
            draw_centered(&mut surface, &font, &line, size, cell.label_cx, cell.seat_baseline);
            for (text, baseline) in [(&data.cinema, cell.name_baselines[0]), (&data.hall, cell.name_baselines[1])] {
                let (line, size) = labels.fit(text, cell.label_w, cell.name_size, cell.name_size * 0.7, missing);
                draw_centered(&mut surface, &font, &line, size, cell.label_cx, baseline);
            }
        }
        // The footer lets a stack of printed pages be checked and put back in order.
        let footer = format!("{} · {} · 第 {}/{} 页", data.cinema, data.hall, p + 1, pages);
        let (line, size) = labels.fit(&footer, PAGE_W - 2.0 * MARGIN, 7.0, 5.0, missing);
        surface.set_fill(Some(grey_fill(0.35)));
        draw_centered(&mut surface, &font, &line, size, PAGE_W / 2.0, PAGE_H - MARGIN / 2.0 + 2.5);
        surface.finish();
        page.finish();
    }
    let bytes = doc.finish().map_err(|e| Error::Internal(format!("PDF export: {e:?}")))?;
    Ok((bytes, pages))
}

fn grey_fill(level: f32) -> Fill {
    let v = (level * 255.0) as u8;
    Fill { paint: luma::Color::new(v).into(), opacity: NormalizedF32::ONE, rule: Default::default() }
}

/// Dashed light lines along every cell edge: where to cut, faint enough not to distract a scanner.
fn draw_cut_guides(surface: &mut Surface<'_>, grid: &Grid) {
    let (w, h) = (grid.cell_w(), grid.cell_h());
    let mut pb = PathBuilder::new();
    for c in 0..=grid.cols {
        let x = MARGIN + c as f32 * w;
        pb.move_to(x, MARGIN);
        pb.line_to(x, PAGE_H - MARGIN);
    }
    for r in 0..=grid.rows {
        let y = MARGIN + r as f32 * h;
        pb.move_to(MARGIN, y);
        pb.line_to(PAGE_W - MARGIN, y);
    }
    let Some(path) = pb.finish() else { return };
    surface.set_fill(None);
    surface.set_stroke(Some(Stroke {
        paint: rgb::Color::new(160, 160, 160).into(),
        width: 0.5,
        dash: Some(StrokeDash { array: vec![4.0, 3.0], offset: 0.0 }),
        ..Stroke::default()
    }));
    surface.draw_path(&path);
    surface.set_stroke(None);
}

/// The code as one path of module rectangles: a single fill, so no seams between rows.
fn draw_code(surface: &mut Surface<'_>, cell: &Cell, code: &Modules) {
    let module = cell.qr_side / code.side_with_quiet_zone() as f32;
    let (x0, y0) = (cell.qr_x + QUIET_ZONE as f32 * module, cell.qr_y + QUIET_ZONE as f32 * module);
    let mut pb = PathBuilder::new();
    for &(x, y, len) in &code.runs {
        if let Some(r) =
            Rect::from_xywh(x0 + f32::from(x) * module, y0 + f32::from(y) * module, f32::from(len) * module, module)
        {
            pb.push_rect(r);
        }
    }
    if let Some(path) = pb.finish() {
        surface.set_fill(Some(Fill::default()));
        surface.draw_path(&path);
    }
}

/// Draws a laid-out line centred on `cx` with its baseline at `baseline`, in the current fill
/// (black unless set otherwise).
fn draw_centered(surface: &mut Surface<'_>, font: &Font, line: &Line, size: f32, cx: f32, baseline: f32) {
    if line.glyphs.is_empty() {
        return;
    }
    if surface.get_fill().is_none() {
        surface.set_fill(Some(Fill::default()));
    }
    let glyphs: Vec<KrillaGlyph> = line
        .glyphs
        .iter()
        .map(|(gid, advance, range)| KrillaGlyph::new(GlyphId::new(*gid), *advance, 0.0, 0.0, 0.0, range.clone(), None))
        .collect();
    let start = Point::from_xy(cx - line.width_em * size / 2.0, baseline);
    surface.draw_glyphs(start, &glyphs, font.clone(), &line.text, size, false);
    surface.set_fill(Some(Fill::default()));
}
