//! Upload benchmark on loopback: a 2 GiB file by the resumable protocol (createFid + fileResume
//! parts) and by tus (one PATCH, as tus-js-client sends by default), against `md5sum FILE && cp
//! FILE DEST` in the same run; the server's RSS growth during each; MD5 speed against md5sum.
//!
//! Run: `cargo bench -p cinedesk-server --bench uploads` (prints Markdown). Environment:
//! `CINEDESK_BENCH_MIB` (file size, default 2048), `CINEDESK_BENCH_PART_MIB` (resumable part
//! size, default 16), `CINEDESK_BENCH_DIR` (where the files go, default the temp dir). The server
//! is the real `cinedesk serve` binary in its own process, on its own fresh data dir per
//! protocol, so each upload stores the content for real (no duplicate shortcut).

// A benchmark reports on stdout: that is its whole job.
#![allow(clippy::print_stdout)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use cinedesk_core::files::Md5;
use cinedesk_testkit::md5::Digest as _;
use reqwest::multipart::{Form, Part};
use serde_json::Value;

mod support;

use support::{file_range, login, status_kib, tus, ResidentPeak, Server};

const MIB: u64 = 1 << 20;

fn env_mib(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default) * MIB
}

/// CPU seconds used by a process (`/proc/<pid>/stat` utime + stime), and by its waited-for
/// children (cutime + cstime), at 100 ticks a second.
fn cpu_secs(pid: &str) -> (f64, f64) {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The fields after the command name (which is in parentheses and may hold spaces): state,
    // ppid, … utime is field 14 of the line, index 11 here.
    let rest: Vec<&str> = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("").split_whitespace().collect();
    let tick = |i: usize| rest.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0) / 100.0;
    (tick(11) + tick(12), tick(13) + tick(14))
}

fn sync() {
    let _ = Command::new("sync").status();
}

fn timed(f: impl FnOnce()) -> f64 {
    let t = Instant::now();
    f();
    t.elapsed().as_secs_f64()
}

fn sh(cmd: &str) -> String {
    let out = Command::new("sh").args(["-c", cmd]).output().unwrap();
    assert!(out.status.success(), "{cmd}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// createFid, then every part by fileResume; answers the final data object.
async fn resumable(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    src: &Path,
    size: u64,
    md5: &str,
    part: u64,
) -> Value {
    let created: Value = http
        .post(format!("{base}/onlineDisk/createFid"))
        .bearer_auth(token)
        .body(format!("fileMd5={md5}&userId=bench&fileLength={size}&filePathLocal=bench.bin"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let fid = created["data"]["fid"].as_str().unwrap().to_string();
    let mut pos = 0;
    let mut last = created;
    while pos < size {
        let len = part.min(size - pos);
        let form = Form::new()
            .text("fid", fid.clone())
            .text("userId", "bench")
            .text("fileLength", size.to_string())
            .text("fileMd5", md5.to_string())
            .text("fileNameLocal", "bench.bin")
            .text("filePos", pos.to_string())
            .part("part", Part::stream_with_length(file_range(src, pos, len).await, len).file_name("part"));
        let res =
            http.post(format!("{base}/onlineDisk/fileResume")).bearer_auth(token).multipart(form).send().await.unwrap();
        assert_eq!(res.status(), 200);
        last = res.json().await.unwrap();
        pos = last["data"]["filePos"].as_u64().unwrap();
    }
    last
}

/// POST then one PATCH of the whole file; answers the file id.
struct Run {
    secs: f64,
    rss_growth_mib: f64,
    /// CPU seconds of the server and of the client (this process) during the upload.
    server_cpu: f64,
    client_cpu: f64,
}

/// One protocol against a fresh server and data dir.
fn run_protocol(
    rt: &tokio::runtime::Runtime,
    root: &Path,
    name: &str,
    upload: impl AsyncFnOnce(&reqwest::Client, &str, &str) -> String,
) -> (Run, String) {
    let data = root.join(format!("data-{name}"));
    let server = Server::start(&data, &[]);
    let http = reqwest::Client::new();
    let token = rt.block_on(login(&http, &server.base));
    std::thread::sleep(Duration::from_millis(300));
    sync();
    let before = status_kib(server.child.id(), "VmRSS:");
    let pid = server.child.id().to_string();
    let (server_cpu0, client_cpu0) = (cpu_secs(&pid).0, cpu_secs("self").0);
    let peak = ResidentPeak::watch(server.child.id());
    let mut id = String::new();
    let secs = timed(|| id = rt.block_on(upload(&http, &server.base, &token)));
    let (server_cpu, client_cpu) = (cpu_secs(&pid).0 - server_cpu0, cpu_secs("self").0 - client_cpu0);
    let peak = peak.peak_kib().0;
    drop(server);
    let run = Run { secs, rss_growth_mib: peak.saturating_sub(before) as f64 / 1024.0, server_cpu, client_cpu };
    // The stored blob, for the MD5 check after the run.
    let blob = data.join("files/objects").join(&id[22..]).join(&id);
    (run, blob.to_string_lossy().into_owned())
}

/// The MD5 of a file as the server hashes it (the core's own MD5), and the seconds it took.
fn md5_file(path: &Path) -> (String, f64) {
    hash_file(path, Md5::new(), Md5::update, Md5::finalize)
}

/// The same with the md-5 crate, which the core's MD5 replaced for speed.
fn md5_crate_file(path: &Path) -> (String, f64) {
    hash_file(path, cinedesk_testkit::md5::Md5::new(), |h, b| h.update(b), |h| h.finalize().into())
}

fn hash_file<H>(
    path: &Path,
    mut h: H,
    update: impl Fn(&mut H, &[u8]),
    finalize: impl Fn(H) -> [u8; 16],
) -> (String, f64) {
    let mut f = std::fs::File::open(path).unwrap();
    // Pieces the size the network hands the server; they stay in cache between read and hash.
    let mut buf = vec![0u8; 256 << 10];
    let t = Instant::now();
    loop {
        let n = f.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        update(&mut h, &buf[..n]);
    }
    (hex::encode(finalize(h)), t.elapsed().as_secs_f64())
}

/// The median of a few measurements.
fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn best(v: &[f64]) -> f64 {
    v.iter().copied().fold(f64::INFINITY, f64::min)
}

/// One round: every measurement once, back to back, so each round sees the same machine.
struct Round {
    md5sum: f64,
    ours_md5: f64,
    crate_md5: f64,
    reference: f64,
    reference_cpu: f64,
    resumable: Run,
    tus: Run,
}

fn round(rt: &tokio::runtime::Runtime, root: &Path, src: &Path, size: u64, part: u64) -> Round {
    let dest = root.join("copy.bin");
    // MD5 speed on the file in the page cache, for both.
    let t = Instant::now();
    let reference_md5 = sh(&format!("md5sum '{}'", src.display())).split_whitespace().next().unwrap().to_string();
    let md5sum = t.elapsed().as_secs_f64();
    let (ours, ours_md5) = md5_file(src);
    assert_eq!(ours, reference_md5, "the same MD5 as md5sum");
    let (theirs, crate_md5) = md5_crate_file(src);
    assert_eq!(theirs, reference_md5, "md-5 agrees with md5sum");

    // The reference: hash then copy, the two jobs an upload does.
    sync();
    let children_cpu0 = cpu_secs("self").1;
    let reference = timed(|| {
        sh(&format!("md5sum '{}' && cp '{}' '{}'", src.display(), src.display(), dest.display()));
    });
    let reference_cpu = cpu_secs("self").1 - children_cpu0;
    std::fs::remove_file(&dest).unwrap();
    sync();

    let md5 = reference_md5.clone();
    let (resumable_run, blob) = run_protocol(rt, root, "resumable", async |http, base, token| {
        let last = resumable(http, base, token, src, size, &md5, part).await;
        assert_eq!(last["data"]["postComplete"], "true");
        last["data"]["fid"].as_str().unwrap().to_string()
    });
    assert_eq!(md5_file(Path::new(&blob)).0, reference_md5, "the resumable upload stored the file whole");
    std::fs::remove_dir_all(root.join("data-resumable")).unwrap();
    sync();
    let (tus_run, blob) =
        run_protocol(rt, root, "tus", async |http, base, token| tus(http, base, token, src, size).await);
    assert_eq!(md5_file(Path::new(&blob)).0, reference_md5, "the tus upload stored the file whole");
    std::fs::remove_dir_all(root.join("data-tus")).unwrap();
    sync();
    Round { md5sum, ours_md5, crate_md5, reference, reference_cpu, resumable: resumable_run, tus: tus_run }
}

fn main() {
    let size = env_mib("CINEDESK_BENCH_MIB", 2048);
    let part = env_mib("CINEDESK_BENCH_PART_MIB", 16);
    let rounds: usize = std::env::var("CINEDESK_BENCH_ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(3);
    let base_dir = std::env::var_os("CINEDESK_BENCH_DIR").map(PathBuf::from).unwrap_or_else(std::env::temp_dir);
    let root = tempfile::tempdir_in(&base_dir).unwrap();
    let src = root.path().join("source.bin");
    // A file that neither compresses nor repeats.
    cinedesk_testkit::noise_file(&src, size, 1);
    sync();
    let _ = md5_file(&src); // into the page cache
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let results: Vec<Round> = (0..rounds).map(|_| round(&rt, root.path(), &src, size, part)).collect();

    let col = |f: &dyn Fn(&Round) -> f64| results.iter().map(f).collect::<Vec<f64>>();
    let gib = size as f64 / (1u64 << 30) as f64;
    let mb_s = |secs: f64| size as f64 / 1e6 / secs;
    println!("## Uploads on loopback ({gib:.2} GiB file, resumable parts of {} MiB, {rounds} rounds)\n", part / MIB);
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load: Vec<&str> = load.split_whitespace().take(3).collect();
    println!("Load average at the end: {} (other work on the machine skews wall times).\n", load.join(" "));
    println!("| what | wall time, best / median | vs `md5sum && cp`, best / median | CPU s (server + client), median | server RSS growth, max |");
    println!("|---|---|---|---|---|");
    let reference = col(&|r| r.reference);
    let (ref_best, ref_median) = (best(&reference), median(reference.clone()));
    println!(
        "| `md5sum FILE && cp FILE DEST` (reference) | {ref_best:.2} s / {ref_median:.2} s ({:.0} MB/s) | 1.00× | {:.2} | – |",
        mb_s(ref_median),
        median(col(&|r| r.reference_cpu))
    );
    let resumable_runs: Vec<&Run> = results.iter().map(|r| &r.resumable).collect();
    let tus_runs: Vec<&Run> = results.iter().map(|r| &r.tus).collect();
    for (name, runs) in [("resumable (createFid + fileResume)", resumable_runs), ("tus (POST + one PATCH)", tus_runs)] {
        let of = |f: fn(&Run) -> f64| runs.iter().map(|r| f(r)).collect::<Vec<f64>>();
        let secs = of(|r| r.secs);
        let (b, m) = (best(&secs), median(secs.clone()));
        println!(
            "| {name} | {b:.2} s / {m:.2} s ({:.0} MB/s) | {:.2}× / {:.2}× | {:.2} + {:.2} | {:.1} MiB |",
            mb_s(m),
            b / ref_best,
            m / ref_median,
            median(of(|r| r.server_cpu)),
            median(of(|r| r.client_cpu)),
            of(|r| r.rss_growth_mib).into_iter().fold(0.0, f64::max)
        );
    }
    println!("\n## MD5 of the same file (page cache)\n");
    println!("| what | time, best / median | speed (median) |");
    println!("|---|---|---|");
    let (sum, ours, theirs) = (col(&|r| r.md5sum), col(&|r| r.ours_md5), col(&|r| r.crate_md5));
    println!(
        "| `md5sum` | {:.2} s / {:.2} s | {:.0} MB/s |",
        best(&sum),
        median(sum.clone()),
        mb_s(median(sum.clone()))
    );
    // A hasher's row: its times and its speed against md5sum's.
    let vs_md5sum = |what: &str, times: &[f64]| {
        println!(
            "| {what} | {:.2} s / {:.2} s | {:.0} MB/s ({:.2}× md5sum best, {:.2}× median) |",
            best(times),
            median(times.to_vec()),
            mb_s(median(times.to_vec())),
            best(&sum) / best(times),
            median(sum.clone()) / median(times.to_vec())
        )
    };
    vs_md5sum("the core's MD5, as the server hashes", &ours);
    vs_md5sum("md-5 0.11 crate, for comparison", &theirs);
}
