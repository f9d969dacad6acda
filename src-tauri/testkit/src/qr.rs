//! Reads QR codes back the way a person's tools would: PDF pages rasterized by poppler's
//! `pdftoppm` and decoded by `rqrr` (and `zbarimg` as a second decoder), PDF text by `pdftotext`,
//! SVGs rasterized by `resvg`.

use std::io::Read;
use std::path::Path;
use std::process::Command;

/// Runs a poppler/zbar tool, failing the test with its error output if it fails.
fn run(cmd: &str, args: &[&str]) -> String {
    let out = Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd} must be installed (scripts/install-deps.sh installs it): {e}"));
    assert!(out.status.success(), "{cmd} {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("tool output is UTF-8")
}

/// The payloads of every code in a grey image, in reading order (rows top to bottom, each row
/// left to right), with `rqrr`.
pub fn decode_image(img: image::GrayImage) -> Vec<String> {
    let mut prepared = rqrr::PreparedImage::prepare(img.clone());
    let mut found: Vec<((i32, i32), String)> = prepared
        .detect_grids()
        .into_iter()
        .map(|g| {
            let top_left = (g.bounds.iter().map(|p| p.y).min().unwrap(), g.bounds.iter().map(|p| p.x).min().unwrap());
            let payload = g.decode().unwrap_or_else(|e| {
                // Keep the image for a person to look at.
                let path = std::env::temp_dir().join(format!("qr-decode-failure-{}.png", std::process::id()));
                let _ = img.save(&path);
                panic!("a code at {top_left:?} was found but does not decode ({e:?}); image at {}", path.display())
            });
            (top_left, payload.1)
        })
        .collect();
    found.sort_by_key(|f| f.0);
    // Codes of one row share a top edge to within a few pixels: group them, then order by x.
    let mut rows: Vec<Vec<((i32, i32), String)>> = Vec::new();
    for f in found {
        match rows.last_mut() {
            Some(row) if (f.0 .0 - row[0].0 .0).abs() < 20 => row.push(f),
            _ => rows.push(vec![f]),
        }
    }
    rows.into_iter()
        .flat_map(|mut row| {
            row.sort_by_key(|f| f.0 .1);
            row.into_iter().map(|f| f.1)
        })
        .collect()
}

/// The payloads of every code in a PNG (or any format `image` reads), in reading order.
pub fn png_codes(png: &[u8]) -> Vec<String> {
    decode_image(image::load_from_memory(png).expect("a PNG").to_luma8())
}

/// The grid of a sheet with `per_page` codes a page: (columns, rows).
pub fn sheet_grid(per_page: u32) -> (u32, u32) {
    match per_page {
        1 => (1, 1),
        4 => (2, 2),
        12 => (3, 4),
        _ => panic!("no sheet layout has {per_page} per page"),
    }
}

/// Every page rasterized at `dpi` by `pdftoppm` and cut into the cells of the sheet's grid inside
/// its 10 mm margin: per page, each cell's grey image in reading order.
fn pdf_cells(pdf: &Path, per_page: u32, dpi: u32) -> Vec<Vec<image::GrayImage>> {
    let (cols, rows) = sheet_grid(per_page);
    let dir = tempfile::tempdir().unwrap();
    let prefix = dir.path().join("page");
    let dpi_arg = dpi.to_string();
    run("pdftoppm", &["-r", &dpi_arg, "-gray", "-png", pdf.to_str().unwrap(), prefix.to_str().unwrap()]);
    let mut pages: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().path()).collect();
    // pdftoppm pads page numbers to the same width, so names sort in page order.
    pages.sort();
    pages
        .iter()
        .map(|p| {
            let page = image::open(p).unwrap().to_luma8();
            let margin = (10.0 / 25.4 * dpi as f64) as u32;
            let (cw, ch) = ((page.width() - 2 * margin) / cols, (page.height() - 2 * margin) / rows);
            (0..cols * rows)
                .map(|i| {
                    image::imageops::crop_imm(&page, margin + (i % cols) * cw, margin + (i / cols) * ch, cw, ch)
                        .to_image()
                })
                .collect()
        })
        .collect()
}

/// Each cell of the sheet decoded on its own at 150 dpi with `rqrr` (which mixes up finder
/// patterns of neighbouring codes on a whole page): per page, each cell's payload in reading
/// order, `None` for an empty cell.
pub fn pdf_cells_decoded(pdf: &Path, per_page: u32) -> Vec<Vec<Option<String>>> {
    let cells = |page: Vec<image::GrayImage>| {
        page.into_iter()
            .map(|cell| {
                let mut codes = decode_image(cell);
                assert!(codes.len() <= 1, "one code per cell: {codes:?}");
                codes.pop()
            })
            .collect()
    };
    pdf_cells(pdf, per_page, 150).into_iter().map(cells).collect()
}

/// The same cells read by `zbarimg`, a second, independent decoder. Cell by cell, as a phone
/// reads one sticker: zbar over a whole page of twelve random-token codes missed one code in
/// about one sheet of ten at 150 dpi and one of thirty at 300 dpi, while rqrr read every cell.
pub fn pdf_cells_zbar(pdf: &Path, per_page: u32) -> Vec<Vec<Option<String>>> {
    let dir = tempfile::tempdir().unwrap();
    let cells = |(p, page): (usize, Vec<image::GrayImage>)| {
        page.into_iter()
            .enumerate()
            .map(|(i, cell)| {
                let png = dir.path().join(format!("{p}-{i}.png"));
                cell.save(&png).unwrap();
                // zbarimg exits 4 when it finds no code: an empty cell, not a failure.
                let out = Command::new("zbarimg")
                    .args(["--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", png.to_str().unwrap()])
                    .output()
                    .unwrap_or_else(|e| panic!("zbarimg must be installed (scripts/install-deps.sh installs it): {e}"));
                assert!(
                    matches!(out.status.code(), Some(0 | 4)),
                    "zbarimg failed: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
                let mut codes: Vec<String> =
                    String::from_utf8(out.stdout).unwrap().lines().map(str::to_string).collect();
                assert!(codes.len() <= 1, "one code per cell: {codes:?}");
                codes.pop()
            })
            .collect()
    };
    pdf_cells(pdf, per_page, 150).into_iter().enumerate().map(cells).collect()
}

/// The text of one page (1-based), as `pdftotext` extracts it.
pub fn pdf_page_text(pdf: &Path, page: usize) -> String {
    let n = page.to_string();
    run("pdftotext", &["-f", &n, "-l", &n, pdf.to_str().unwrap(), "-"])
}

/// `pdffonts`' table of a PDF: name, type, encoding, embedded, subset … per font.
pub fn pdf_fonts(pdf: &Path) -> String {
    run("pdffonts", &[pdf.to_str().unwrap()])
}

/// `pdfimages -list`: one line per raster image (after two header lines).
pub fn pdf_images(pdf: &Path) -> usize {
    run("pdfimages", &["-list", pdf.to_str().unwrap()]).lines().count().saturating_sub(2)
}

/// Rasterizes an SVG with `resvg` at `px` pixels wide on white, and decodes it.
pub fn decode_svg(svg: &str, px: u32) -> Vec<String> {
    let tree = resvg::usvg::Tree::from_str(svg, &resvg::usvg::Options::default()).expect("a valid SVG");
    let scale = px as f32 / tree.size().width();
    let h = (tree.size().height() * scale).ceil() as u32;
    let mut pixmap = resvg::tiny_skia::Pixmap::new(px, h).unwrap();
    pixmap.fill(resvg::tiny_skia::Color::WHITE);
    resvg::render(&tree, resvg::tiny_skia::Transform::from_scale(scale, scale), &mut pixmap.as_mut());
    let img = image::GrayImage::from_fn(px, h, |x, y| {
        let p = pixmap.pixel(x, y).unwrap();
        image::Luma([((u32::from(p.red()) + u32::from(p.green()) + u32::from(p.blue())) / 3) as u8])
    });
    decode_image(img)
}

/// The entries of a ZIP, in archive order: (name, text).
pub fn zip_entries(zip: &[u8]) -> Vec<(String, String)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).expect("a ZIP archive");
    (0..archive.len())
        .map(|i| {
            let mut f = archive.by_index(i).unwrap();
            let mut text = String::new();
            f.read_to_string(&mut text).expect("UTF-8 entry");
            (f.name().expect("a UTF-8 entry name").to_string(), text)
        })
        .collect()
}
