//! The label font shipped with the app (a GB2312 subset of Noto Sans CJK SC, see
//! `assets/fonts/README.md`): glyph lookup with a visible fallback, measuring, fitting, outlines.
//!
//! Labels are single lines of Chinese and Latin text, which need no shaping beyond one glyph per
//! character, so the font's character map and advances are read directly.

use std::collections::BTreeSet;
use std::fmt::Write;
use std::ops::Range;
use std::sync::LazyLock;

use skrifa::instance::{LocationRef, Size};
use skrifa::metrics::GlyphMetrics;
use skrifa::outline::{DrawSettings, OutlinePen};
use skrifa::raw::TableProvider;
use skrifa::{FontRef, GlyphId, MetadataProvider};

/// The font file, compiled into the binary: machines without a CJK font still print labels.
pub(crate) static FONT_BYTES: &[u8] = include_bytes!("../../assets/fonts/NotoSansSC-GB2312.otf");

/// Drawn for a character the subset lacks, so the gap is visible rather than silently dropped.
const FALLBACK: char = '\u{25A1}';
const ELLIPSIS: char = '\u{2026}';

/// One laid-out line: the text as drawn, and for each glyph its id, advance (in ems) and the
/// bytes of `text` it stands for (what a PDF reader's copy and search gets back).
pub(crate) struct Line {
    pub text: String,
    pub glyphs: Vec<(u32, f32, Range<usize>)>,
    pub width_em: f32,
}

pub(crate) struct LabelFont {
    font: FontRef<'static>,
    metrics: GlyphMetrics<'static>,
    fallback: GlyphId,
    units_per_em: f32,
}

static FONT: LazyLock<LabelFont> = LazyLock::new(|| {
    // The file is part of the build; a font that fails to parse is a broken build, caught by
    // every sheet test.
    let font = FontRef::new(FONT_BYTES).expect("the embedded label font parses");
    let metrics = font.glyph_metrics(Size::unscaled(), LocationRef::default());
    let fallback = font.charmap().map(FALLBACK).unwrap_or(GlyphId::NOTDEF);
    let units_per_em = f32::from(font.head().map(|h| h.units_per_em()).unwrap_or(1000));
    LabelFont { font, metrics, fallback, units_per_em }
});

impl LabelFont {
    pub fn get() -> &'static LabelFont {
        &FONT
    }

    /// The glyph and advance (ems) of `c`; characters the font lacks become □ and are noted.
    fn glyph(&self, c: char, missing: &mut BTreeSet<char>) -> (GlyphId, f32) {
        let gid = match self.font.charmap().map(c) {
            Some(g) if g != GlyphId::NOTDEF => g,
            _ => {
                missing.insert(c);
                self.fallback
            }
        };
        (gid, self.metrics.advance_width(gid).unwrap_or(self.units_per_em) / self.units_per_em)
    }

    /// Lays `text` out on one line: line breaks and tabs become spaces, and invisible joiners
    /// and variation selectors (which would each show as □) are left out.
    pub fn line(&self, text: &str, missing: &mut BTreeSet<char>) -> Line {
        let mut line = Line { text: String::with_capacity(text.len()), glyphs: Vec::new(), width_em: 0.0 };
        for c in text.trim().chars() {
            let c = if c.is_whitespace() { ' ' } else { c };
            if matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}') {
                continue;
            }
            self.push(&mut line, c, missing);
        }
        line
    }

    fn push(&self, line: &mut Line, c: char, missing: &mut BTreeSet<char>) {
        let (gid, advance) = self.glyph(c, missing);
        let start = line.text.len();
        line.text.push(c);
        line.glyphs.push((gid.to_u32(), advance, start..line.text.len()));
        line.width_em += advance;
    }

    /// Lays `text` out to fit `max_width` (points): at `size` if it fits, else smaller down to
    /// `min_size`, else cut with an ellipsis. Returns the line and the font size to draw it at.
    pub fn fit(
        &self,
        text: &str,
        max_width: f32,
        size: f32,
        min_size: f32,
        missing: &mut BTreeSet<char>,
    ) -> (Line, f32) {
        let line = self.line(text, missing);
        if line.width_em * size <= max_width {
            return (line, size);
        }
        if line.width_em * min_size <= max_width {
            let size = max_width / line.width_em;
            return (line, size);
        }
        // Keep the longest prefix that fits with the ellipsis after it.
        let ellipsis = self.glyph(ELLIPSIS, &mut BTreeSet::new()).1;
        let budget = max_width / min_size - ellipsis;
        let mut width = 0.0;
        let mut kept = 0;
        for g in &line.glyphs {
            if width + g.1 > budget {
                break;
            }
            width += g.1;
            kept += 1;
        }
        let mut cut = Line { text: String::new(), glyphs: Vec::new(), width_em: 0.0 };
        for g in &line.glyphs[..kept] {
            let start = cut.text.len();
            cut.text.push_str(&line.text[g.2.clone()]);
            cut.glyphs.push((g.0, g.1, start..cut.text.len()));
            cut.width_em += g.1;
        }
        self.push(&mut cut, ELLIPSIS, missing);
        (cut, min_size)
    }

    /// A glyph's outline as SVG path data in ems, y pointing down (SVG's way), origin on the
    /// baseline at the glyph's left edge.
    pub fn svg_outline(&self, gid: u32) -> String {
        let mut pen = SvgPen { d: String::new(), scale: 1.0 / self.units_per_em };
        if let Some(glyph) = self.font.outline_glyphs().get(GlyphId::new(gid)) {
            // An outline that fails to draw leaves an empty glyph; the code next to it is intact.
            let _ = glyph.draw(DrawSettings::unhinted(Size::unscaled(), LocationRef::default()), &mut pen);
        }
        pen.d
    }
}

/// Writes outline commands as compact SVG path data.
struct SvgPen {
    d: String,
    scale: f32,
}

impl SvgPen {
    fn pt(&mut self, x: f32, y: f32) {
        let _ = write!(self.d, "{} {} ", round(x * self.scale), round(-y * self.scale));
    }
}

/// Four decimals of an em are far below a printer's dot at any label size.
fn round(v: f32) -> f32 {
    (v * 10_000.0).round() / 10_000.0
}

impl OutlinePen for SvgPen {
    fn move_to(&mut self, x: f32, y: f32) {
        self.d.push('M');
        self.pt(x, y);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.d.push('L');
        self.pt(x, y);
    }
    fn quad_to(&mut self, cx0: f32, cy0: f32, x: f32, y: f32) {
        self.d.push('Q');
        self.pt(cx0, cy0);
        self.pt(x, y);
    }
    fn curve_to(&mut self, cx0: f32, cy0: f32, cx1: f32, cy1: f32, x: f32, y: f32) {
        self.d.push('C');
        self.pt(cx0, cy0);
        self.pt(cx1, cy1);
        self.pt(x, y);
    }
    fn close(&mut self) {
        self.d.push('Z');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_characters_become_the_fallback_glyph_and_are_reported() {
        let font = LabelFont::get();
        let mut missing = BTreeSet::new();
        let line = font.line("座位 A01", &mut missing);
        assert!(missing.is_empty(), "GB2312 hanzi and ASCII are in the subset: {missing:?}");
        assert_eq!(line.glyphs.len(), 6);
        let line = font.line("A😀1𠮷\u{FE0F}", &mut missing);
        assert_eq!(missing.into_iter().collect::<String>(), "😀𠮷", "exactly the characters the font lacks");
        assert_eq!(line.glyphs[1].0, font.fallback.to_u32(), "drawn as □");
        assert_eq!(&line.text[line.glyphs[1].2.clone()], "😀", "the text layer keeps the real character");
        assert_eq!(line.glyphs.len(), 4, "the variation selector is left out");
    }

    #[test]
    fn long_text_shrinks_then_is_cut() {
        let font = LabelFont::get();
        let mut missing = BTreeSet::new();
        let (line, size) = font.fit("放映厅", 100.0, 10.0, 6.0, &mut missing);
        assert_eq!((line.text.as_str(), size), ("放映厅", 10.0), "fits as asked");
        let (line, size) = font.fit("一二三四五六七八九十一二三四", 100.0, 10.0, 6.0, &mut missing);
        assert!((6.0..10.0).contains(&size) && (line.width_em * size - 100.0).abs() < 0.01, "shrunk to fit");
        let (line, size) = font.fit(&"长".repeat(100), 100.0, 10.0, 6.0, &mut missing);
        assert_eq!(size, 6.0);
        assert!(line.text.ends_with('…') && line.width_em * size <= 100.0, "cut with an ellipsis: {}", line.text);
        assert!(font.svg_outline(line.glyphs[0].0).starts_with('M'), "glyphs have outlines");
    }
}
