//! QR print sheet benchmark: a 1,000-seat hall rendered as a PDF (1, 4 and 12 per page) and as
//! a ZIP of SVGs, against the reference of the same 1,000 codes rendered one by one as 512 px
//! PNGs (what the single-seat route does), measured in the same run.
//!
//! Run: `cargo bench -p cinedesk-core --bench qr_sheet` (prints a Markdown table).

// A benchmark reports on stdout: that is its whole job.
#![allow(clippy::print_stdout)]

use std::time::{Duration, Instant};

use cinedesk_core::*;

const SEATS: usize = 1_000;
const RUNS: usize = 5;

/// The median of `RUNS` timed calls (after one warm-up), and the last result.
fn median<T>(mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut out = f();
    let mut samples = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let t = Instant::now();
        out = f();
        samples.push(t.elapsed());
    }
    samples.sort();
    (samples[RUNS / 2], out)
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let cms = Cms::open(dir.path()).unwrap();
    let cinema = cms
        .create_cinema(CinemaInput {
            cinema_code: Some("bench".into()),
            name: Some("X立方 VR 影城（万达广场店）".into()),
            number_of_halls: Some(1),
            region_id: Some("SHANGHAI".into()),
            ..Default::default()
        })
        .unwrap();
    let hall = cms
        .create_hall(HallInput {
            hall_code: Some("bench_h1".into()),
            name: Some("一号 VR 放映厅".into()),
            cinema_id: Some(cinema),
            number_of_seats: Some(SEATS as i64),
        })
        .unwrap();
    // 40 rows of 25 seats: A1 … A25, B1 … AN25.
    let row_name = |r: usize| {
        if r < 26 {
            ((b'A' + r as u8) as char).to_string()
        } else {
            format!("A{}", (b'A' + (r - 26) as u8) as char)
        }
    };
    let seats: Vec<VrClientInput> = (0..SEATS)
        .map(|i| VrClientInput {
            hall_id: Some(hall.clone()),
            seat_number: Some(format!("{}{}", row_name(i / 25), i % 25 + 1)),
            ip_addr: Some("10.0.0.1".into()),
            ..Default::default()
        })
        .collect();
    let ids = cms.create_vr_clients(seats).unwrap();
    cms.set_qr_template("https://wx.example.cn/vr/order?scene={sceneNumber}&from=seat").unwrap();

    let (reference, _) =
        median(|| ids.iter().map(|id| cms.seat_qr_code(id, QrFormat::Png, 512).unwrap().len()).sum::<usize>());
    println!("QR print sheet of a {SEATS}-seat hall, URL template payloads (median of {RUNS} runs)\n");
    println!("| output | time (ms) | size (KiB) | pages | vs {SEATS} single PNGs |");
    println!("|---|---:|---:|---:|---:|");
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!("| reference: {SEATS} × `seat_qr_code` PNG 512 px | {:.1} | | | 1.00 |", ms(reference));
    for (format, per_page) in
        [(SheetFormat::Pdf, 12), (SheetFormat::Pdf, 4), (SheetFormat::Pdf, 1), (SheetFormat::Zip, 12)]
    {
        let (t, sheet) = median(|| cms.hall_qr_sheet(&hall, format, per_page).unwrap());
        let name = match format {
            SheetFormat::Pdf => format!("PDF, {per_page} per page"),
            SheetFormat::Zip => "ZIP of SVGs".to_string(),
        };
        println!(
            "| {name} | {:.1} | {:.0} | {} | {:.2} |",
            ms(t),
            sheet.bytes.len() as f64 / 1024.0,
            sheet.pages,
            t.as_secs_f64() / reference.as_secs_f64()
        );
    }
}
