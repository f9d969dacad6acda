//! What remote mode costs per call: the same operations on the local core, through `RemoteCms`
//! to a server on loopback, and as bare HTTP requests of the same routes (the reference: what
//! any client pays for the round trip), with and without connection reuse.
//!
//! Run: `cargo bench -p cinedesk-remote --bench remote_calls` (prints Markdown).

// A benchmark reports on stdout: that is its whole job.
#![allow(clippy::print_stdout)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use cinedesk_core::{CinemaInput, CinemaQuery, Cms, CmsApi, Paging};
use cinedesk_remote::RemoteCms;

const CINEMAS: usize = 200;
const CALLS: usize = 2_000;
const WARMUP: usize = 100;

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cms = Arc::new(Cms::open(dir.path()).expect("open"));
    cms.create_first_admin("管理员", "admin", "bench-password").expect("admin");
    let mut ids = Vec::new();
    for i in 0..CINEMAS {
        ids.push(
            cms.create_cinema(CinemaInput {
                cinema_code: Some(format!("bench_{i:04}")),
                name: Some(format!("X立方 影院 {i}")),
                region_id: Some("SHANGHAI".into()),
                coms_ip_addr: Some("192.168.8.21".into()),
                description: Some("第二家店，地址和联系方式".into()),
                ..Default::default()
            })
            .expect("cinema"),
        );
    }
    let (base, _server) = serve(Arc::clone(&cms));
    let local: Arc<dyn CmsApi> = cms.clone();
    let remote: Arc<dyn CmsApi> = Arc::new(RemoteCms::new(&base).expect("client"));
    let token = remote.login("admin", "bench-password").expect("login").token;
    let page = CinemaQuery { paging: Paging::new(Some(40), Some(20)).unwrap(), ..Default::default() };
    let one = ids[CINEMAS / 2].clone();

    let pooled = reqwest::blocking::Client::builder().build().unwrap();
    let raw = |url: String, close: bool| {
        let (pooled, token) = (pooled.clone(), token.clone());
        move || {
            let mut req = pooled.get(&url).bearer_auth(&token);
            if close {
                // A new TCP connection per request: what a client without a pool pays.
                req = req.header(reqwest::header::CONNECTION, "close");
            }
            let res = req.send().expect("raw request");
            assert!(res.status().is_success());
            res.bytes().expect("body").len()
        }
    };
    let one_url = format!("{base}/cms/cinemas/{one}");
    let page_url = format!("{base}/cms/cinemas?start=40&limit=20");

    println!("## Remote mode: cost per call ({CALLS} sequential calls, {CINEMAS} cinemas, loopback)\n");
    println!("| operation | backend | mean µs | p50 µs | p99 µs | × bare HTTP |");
    println!("|---|---|---:|---:|---:|---:|");
    let reference = time(raw(one_url.clone(), false));
    row("get a cinema", "local core (CmsApi)", &time(|| local.get_cinema(&token, &one).unwrap()), &reference);
    row("get a cinema", "RemoteCms", &time(|| remote.get_cinema(&token, &one).unwrap()), &reference);
    row("get a cinema", "bare HTTP GET, pooled (reference)", &reference, &reference);
    row("get a cinema", "bare HTTP GET, new connection each", &time(raw(one_url, true)), &reference);
    let reference = time(raw(page_url.clone(), false));
    row("page of 20 cinemas", "local core (CmsApi)", &time(|| local.list_cinemas(&token, &page).unwrap()), &reference);
    row("page of 20 cinemas", "RemoteCms", &time(|| remote.list_cinemas(&token, &page).unwrap()), &reference);
    row("page of 20 cinemas", "bare HTTP GET, pooled (reference)", &reference, &reference);
    row("page of 20 cinemas", "bare HTTP GET, new connection each", &time(raw(page_url, true)), &reference);
}

/// Per-call durations of `CALLS` calls after a warm-up, sorted.
fn time<T>(mut f: impl FnMut() -> T) -> Vec<Duration> {
    for _ in 0..WARMUP {
        std::hint::black_box(f());
    }
    let mut out: Vec<Duration> = (0..CALLS)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(f());
            t.elapsed()
        })
        .collect();
    out.sort_unstable();
    out
}

fn row(op: &str, backend: &str, d: &[Duration], reference: &[Duration]) {
    let mean = |d: &[Duration]| d.iter().sum::<Duration>().as_secs_f64() * 1e6 / d.len() as f64;
    let pct = |p: f64| d[((d.len() as f64 * p) as usize).min(d.len() - 1)].as_secs_f64() * 1e6;
    println!(
        "| {op} | {backend} | {:.0} | {:.0} | {:.0} | {:.2} |",
        mean(d),
        pct(0.50),
        pct(0.99),
        mean(d) / mean(reference)
    );
}

/// The real router on 127.0.0.1:0 in a thread of its own, as `cinedesk serve` runs it.
fn serve(cms: Arc<Cms>) -> (String, std::thread::JoinHandle<()>) {
    let (tx, rx) = std::sync::mpsc::channel();
    let handle = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("port");
            tx.send(listener.local_addr().expect("addr")).expect("report address");
            axum::serve(listener, cinedesk_server::router(cms)).await.expect("serve");
        });
    });
    (format!("http://{}", rx.recv().expect("address")), handle)
}
