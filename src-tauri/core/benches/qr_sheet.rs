//! QR print sheet benchmark: a 1,000-seat hall rendered as a PDF (1, 4 and 12 per page) and as
//! a ZIP of SVGs, against the reference of the same 1,000 codes rendered one by one as 512 px
//! PNGs (what the single-seat route does), measured in the same run.
//!
//! Run: `cargo bench -p cinedesk-core --bench qr_sheet` (prints a Markdown table). Wall time
//! depends on what else the machine runs, so the CPU time the process used (all threads, from
//! /proc/self/stat on Linux) is given too.

// A benchmark reports on stdout: that is its whole job.
#![allow(clippy::print_stdout)]

use std::time::{Duration, Instant};

use cinedesk_core::*;

const SEATS: usize = 1_000;
const RUNS: usize = 5;

/// CPU seconds this process has used, all threads (Linux); 0 elsewhere.
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else { return 0.0 };
    // Fields after the command name: state is the 1st, utime the 12th, stime the 13th.
    let fields: Vec<&str> = stat.rsplit(')').next().unwrap_or("").split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

/// The median wall time of `RUNS` calls (after one warm-up), the mean CPU time per call, and
/// the last result.
fn median<T>(mut f: impl FnMut() -> T) -> (Duration, f64, T) {
    let mut out = f();
    let mut samples = Vec::with_capacity(RUNS);
    let cpu = cpu_seconds();
    for _ in 0..RUNS {
        let t = Instant::now();
        out = f();
        samples.push(t.elapsed());
    }
    let cpu = (cpu_seconds() - cpu) / RUNS as f64;
    samples.sort();
    (samples[RUNS / 2], cpu, out)
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let cms = Cms::open(dir.path()).unwrap();
    let cinema = cms
        .create_cinema(
            &Actor::System,
            CinemaInput {
                cinema_code: Some("bench".into()),
                name: Some("X立方 VR 影城（万达广场店）".into()),
                number_of_halls: Some(1),
                region_id: Some("SHANGHAI".into()),
                ..Default::default()
            },
        )
        .unwrap();
    let hall = cms
        .create_hall(
            &Actor::System,
            HallInput {
                hall_code: Some("bench_h1".into()),
                name: Some("一号 VR 放映厅".into()),
                cinema_id: Some(cinema),
                number_of_seats: Some(SEATS as i64),
            },
        )
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
    let ids = cms.create_vr_clients(&Actor::System, seats).unwrap();
    cms.set_qr_template(&Actor::System, "https://wx.example.cn/vr/order?scene={sceneNumber}&from=seat").unwrap();

    let (reference, reference_cpu, _) = median(|| {
        ids.iter().map(|id| cms.seat_qr_code(&Actor::System, id, QrFormat::Png, 512).unwrap().len()).sum::<usize>()
    });
    println!("QR print sheet of a {SEATS}-seat hall, URL template payloads (median of {RUNS} runs)\n");
    println!("| output | wall (ms) | CPU (ms) | size (KiB) | pages | wall vs {SEATS} single PNGs |");
    println!("|---|---:|---:|---:|---:|---:|");
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "| reference: {SEATS} × `seat_qr_code` PNG 512 px | {:.1} | {:.0} | | | 1.00 |",
        ms(reference),
        reference_cpu * 1e3
    );
    for (format, per_page) in
        [(SheetFormat::Pdf, 12), (SheetFormat::Pdf, 4), (SheetFormat::Pdf, 1), (SheetFormat::Zip, 12)]
    {
        let (t, cpu, sheet) = median(|| cms.hall_qr_sheet(&Actor::System, &hall, format, per_page).unwrap());
        let name = match format {
            SheetFormat::Pdf => format!("PDF, {per_page} per page"),
            SheetFormat::Zip => "ZIP of SVGs".to_string(),
        };
        println!(
            "| {name} | {:.1} | {:.0} | {:.0} | {} | {:.2} |",
            ms(t),
            cpu * 1e3,
            sheet.bytes.len() as f64 / 1024.0,
            sheet.pages,
            t.as_secs_f64() / reference.as_secs_f64()
        );
    }
}
