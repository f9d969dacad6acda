//! Backup at chain scale (issue 14): `cinedesk backup` of the chain-scale database (300,000
//! seats, 20,000 films) and a 2 GiB file store, beside `sqlite3 .backup` + `cp -r` of the same
//! data dir in the same run, then a second backup of the unchanged store.
//!
//! Run: `cargo bench -p cinedesk-server --bench backup` (prints Markdown; needs `sqlite3`).
//! `CINEDESK_BENCH_MIB` sets the store's size (default 2048), `CINEDESK_BENCH_ROUNDS` the turns
//! of each (default 2). Every copy is followed by `sync`, inside the time: both are then on disk.

// A benchmark reports on stdout: that is its whole job.
#![allow(clippy::print_stdout)]

#[path = "../../core/benches/support/chain_data.rs"]
mod chain_data;
mod support;

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use cinedesk_core::*;
use support::load;

const MIB: u64 = 1 << 20;
/// The store is made of films of this size.
const FILE_MIB: u64 = 64;

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Runs `cmd` (with `sync` after it) through sh; answers the seconds and what it printed.
fn timed(cmd: &str) -> (f64, String) {
    let t = Instant::now();
    let out = Command::new("sh").args(["-c", &format!("{cmd} && sync")]).output().unwrap();
    let secs = t.elapsed().as_secs_f64();
    assert!(out.status.success(), "{cmd}: {}", String::from_utf8_lossy(&out.stderr));
    (secs, String::from_utf8_lossy(&out.stdout).into_owned())
}

fn du(path: &Path) -> u64 {
    let out = Command::new("du").args(["-sb"]).arg(path).output().unwrap();
    String::from_utf8_lossy(&out.stdout).split_whitespace().next().and_then(|v| v.parse().ok()).unwrap_or(0)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// The chain-scale data set and `store_mib` of films in `data`.
fn build(data: &Path, store_mib: u64) {
    let cms = Cms::open(data).unwrap();
    let who = chain_data::manager_of_all();
    let t = Instant::now();
    let set = chain_data::build(&cms, &who);
    let built = t.elapsed().as_secs_f64();
    let steps: Vec<String> =
        set.steps.iter().map(|(step, n, d)| format!("{step}: {n} in {:.1} s", d.as_secs_f64())).collect();
    let t = Instant::now();
    for i in 0..store_mib / FILE_MIB {
        // Content that neither repeats nor compresses, each file its own.
        let bytes = cinedesk_testkit::noise((FILE_MIB * MIB) as usize, 1000 + i);
        let mut file = cms.ingest(&who, NewFile::new(&format!("film-{i:03}.bin"), Domain::VrClient), u64::MAX).unwrap();
        file.write(&bytes).unwrap();
        file.finish(0).unwrap();
    }
    println!(
        "Data set: {} cinemas in {} regions, {} halls, {} seats, {} films ({built:.0} s: {}); file store: {} \
         files of {FILE_MIB} MiB ({:.0} s).\n",
        set.cinemas.len(),
        set.regions.len(),
        set.halls.len(),
        set.seats.len(),
        set.movies.len(),
        steps.join("; "),
        store_mib / FILE_MIB,
        t.elapsed().as_secs_f64()
    );
}

fn main() {
    let store_mib = env_num("CINEDESK_BENCH_MIB", 2048);
    let rounds = env_num("CINEDESK_BENCH_ROUNDS", 2) as usize;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    build(&data, store_mib);
    // The database as a server leaves it: no WAL left to fold in.
    Command::new("sqlite3").arg(data.join(DB_FILE)).arg("PRAGMA wal_checkpoint(TRUNCATE);").output().unwrap();
    let (db_bytes, store_bytes) = (du(&data.join(DB_FILE)), du(&data.join("files")));
    println!(
        "Database {:.1} MiB, file store {:.1} MiB. Load average before: {}\n",
        db_bytes as f64 / MIB as f64,
        store_bytes as f64 / MIB as f64,
        load()
    );
    let cinedesk = env!("CARGO_BIN_EXE_cinedesk");
    let (d, db) = (data.display(), data.join(DB_FILE));
    let (mut reference, mut ours) = (vec![], vec![]);
    for r in 0..rounds {
        // Turns alternate who goes first, so that a drift of the shared machine hits both.
        for ours_now in [r % 2 == 1, r % 2 == 0] {
            let to = dir.path().join(format!("copy-{r}-{ours_now}"));
            if ours_now {
                ours.push(timed(&format!("{cinedesk} --data {d} backup --to {}", to.display())).0);
            } else {
                std::fs::create_dir_all(&to).unwrap();
                let cmd = format!(
                    "sqlite3 {} \".backup '{}/cinedesk.db'\" && cp -r {d}/files {}/",
                    db.display(),
                    to.display(),
                    to.display()
                );
                reference.push(timed(&cmd).0);
            }
            std::fs::remove_dir_all(&to).unwrap();
        }
    }
    let total = (db_bytes + store_bytes) as f64 / MIB as f64;
    let (tr, to) = (median(reference), median(ours));
    println!(
        "| median of {rounds} turns, each into a new folder, `sync` included | seconds | MiB/s | vs reference |\n|---|---:|---:|---:|"
    );
    println!("| `sqlite3 .backup` + `cp -r files` (reference) | {tr:.2} | {:.0} | 1.00× |", total / tr);
    println!("| `cinedesk backup --to NEW` | {to:.2} | {:.0} | {:.2}× the time |", total / to, to / tr);

    // Twice into one folder: the second finds every blob there.
    let to = dir.path().join("kept");
    let (first, _) = timed(&format!("{cinedesk} --data {d} backup --to {}", to.display()));
    let before = du(&to);
    let (second, report) = timed(&format!("{cinedesk} --data {d} backup --to {}", to.display()));
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    let grown = du(&to) - before;
    println!(
        "\nSame folder twice: first {first:.2} s, second (store unchanged) {second:.2} s; the second wrote \
         {} bytes of file data (`blobBytesWritten`, {} of {} blobs copied) and the folder grew by {:.1} MiB \
         (the database's copy and manifest). Load average after: {}\n",
        report["blobBytesWritten"],
        report["blobsCopied"],
        report["blobs"],
        grown as f64 / MIB as f64,
        load()
    );
}
