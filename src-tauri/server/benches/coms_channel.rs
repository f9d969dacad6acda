//! Server benchmark on loopback: a filtered seat page versus /healthz, and 10,000 long-polls
//! held then all answered by one distribution to 1,000 cinemas.
//!
//! Run: `cargo bench -p cinedesk-server --bench coms_channel` (prints Markdown). The server is
//! the real `cinedesk serve` binary in its own process, so its RSS is its own.

// A benchmark reports on stdout: that is its whole job.
#![allow(clippy::print_stdout)]

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const CINEMAS: usize = 1_000;
const HALLS_PER_CINEMA: usize = 10;
const SEATS_PER_HALL: usize = 30;
const POLLS_PER_CINEMA: usize = 10;
const REQUESTS: usize = 20_000;
const CONCURRENCY: usize = 64;

struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn rss_mib(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap_or_default();
        let kb: f64 = status
            .lines()
            .find(|l| l.starts_with("VmRSS:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0.0);
        kb / 1024.0
    }

    fn open_fds(&self) -> usize {
        std::fs::read_dir(format!("/proc/{}/fd", self.child.id())).map(|d| d.count()).unwrap_or(0)
    }
}

fn start(dir: &std::path::Path) -> Server {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new(env!("CARGO_BIN_EXE_cinedesk"))
        .args(["--data", dir.to_str().unwrap(), "serve", "--listen", &format!("127.0.0.1:{port}")])
        .env("CINEDESK_ADMIN_PASSWORD", "bench-password")
        .env("RUST_LOG", "warn")
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    for _ in 0..400 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    Server { child, base: format!("http://127.0.0.1:{port}") }
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p) as usize].as_secs_f64() * 1e3
}

/// Runs `REQUESTS` GETs from `CONCURRENCY` workers; answers (requests/s, p50 ms, p99 ms).
async fn load(http: &reqwest::Client, token: &str, urls: Arc<Vec<String>>) -> (f64, f64, f64) {
    let started = Instant::now();
    let workers: Vec<_> = (0..CONCURRENCY)
        .map(|w| {
            let (http, token, urls) = (http.clone(), token.to_string(), Arc::clone(&urls));
            tokio::spawn(async move {
                let mut lat = Vec::with_capacity(REQUESTS / CONCURRENCY);
                for i in (w..REQUESTS).step_by(CONCURRENCY) {
                    let t = Instant::now();
                    let res = http.get(&urls[i % urls.len()]).bearer_auth(&token).send().await.unwrap();
                    assert!(res.status().is_success(), "{}", res.status());
                    res.bytes().await.unwrap();
                    lat.push(t.elapsed());
                }
                lat
            })
        })
        .collect();
    let mut all = Vec::with_capacity(REQUESTS);
    for w in workers {
        all.extend(w.await.unwrap());
    }
    let secs = started.elapsed().as_secs_f64();
    all.sort();
    (REQUESTS as f64 / secs, percentile(&all, 0.5), percentile(&all, 0.99))
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path());
    let http = reqwest::Client::builder().pool_max_idle_per_host(20_000).build().unwrap();
    let post = |path: String, token: Option<String>, body: Value| {
        let mut req = http.post(format!("{}{path}", server.base)).body(body.to_string());
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        async move {
            let res = req.send().await.unwrap();
            assert!(res.status().is_success(), "{path}: {}", res.status());
            res.json::<Value>().await.unwrap()
        }
    };
    let login = post("/cms/login".into(), None, json!({"alias": "admin", "password": "bench-password"})).await;
    let token = login["token"].as_str().unwrap().to_string();

    let t = Instant::now();
    let mut cinemas = Vec::with_capacity(CINEMAS);
    for c in 0..CINEMAS {
        let body = json!({"cinemaCode": format!("cinema_{c:05}"), "name": format!("影城{c}"), "regionID": "SHANGHAI"});
        let id = post("/cms/cinemas".into(), Some(token.clone()), body).await["cinemaID"].as_str().unwrap().to_string();
        let mut seats = Vec::with_capacity(HALLS_PER_CINEMA * SEATS_PER_HALL);
        for h in 0..HALLS_PER_CINEMA {
            let body =
                json!({"hallCode": format!("c{c:05}_h{h:02}"), "name": "厅", "cinemaID": id, "numberOfSeats": 30});
            let hall =
                post("/cms/halls".into(), Some(token.clone()), body).await["hallID"].as_str().unwrap().to_string();
            seats.extend(
                (1..=SEATS_PER_HALL)
                    .map(|s| json!({"hallID": hall, "seatNumber": format!("A{s:02}"), "IPAddr": "10.0.0.1"})),
            );
        }
        post("/cms/vr_clients/_batch".into(), Some(token.clone()), Value::Array(seats)).await;
        cinemas.push(id);
    }
    let movie = post(
        "/cms/movies".into(),
        Some(token.clone()),
        json!({"name": "星际", "movieCode": "bench", "duration": 5, "description": "d", "type": "MOVIE",
               "category": "ACTION", "country": "CHN", "price": 100, "online": true}),
    )
    .await["movieID"]
        .as_str()
        .unwrap()
        .to_string();
    let load_secs = t.elapsed().as_secs_f64();
    println!(
        "Data set over HTTP: {CINEMAS} cinemas, {} halls, {} seats, loaded in {load_secs:.1} s.\n",
        CINEMAS * HALLS_PER_CINEMA,
        CINEMAS * HALLS_PER_CINEMA * SEATS_PER_HALL
    );

    let health = Arc::new(vec![format!("{}/healthz", server.base)]);
    let seats: Arc<Vec<String>> = Arc::new(
        cinemas.iter().map(|c| format!("{}/cms/vr_clients?cinema_id={c}&start=0&limit=20", server.base)).collect(),
    );
    let (h_rps, h_p50, h_p99) = load(&http, &token, health).await;
    let (s_rps, s_p50, s_p99) = load(&http, &token, seats).await;
    println!("| {REQUESTS} GETs, {CONCURRENCY} concurrent | requests/s | p50 ms | p99 ms |\n|---|---:|---:|---:|");
    println!("| `GET /healthz` (reference) | {h_rps:.0} | {h_p50:.2} | {h_p99:.2} |");
    println!(
        "| `GET /cms/vr_clients?cinema_id=…` (page of 20, 300,000 seats) | {s_rps:.0} | {s_p50:.2} | {s_p99:.2} |"
    );
    println!("\nRatio filtered seats / healthz: **{:.2}×** (target ≥ 0.5×)\n", s_rps / h_rps);

    let rss_idle = server.rss_mib();
    let fds_before = server.open_fds();
    let polls = CINEMAS * POLLS_PER_CINEMA;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(Instant, u16)>();
    let poll_client = reqwest::Client::builder().pool_max_idle_per_host(0).build().unwrap();
    for i in 0..polls {
        let (client, tx, token) = (poll_client.clone(), tx.clone(), token.clone());
        let url = format!("{}/cms/long_poll/{}?timeout=110", server.base, cinemas[i % CINEMAS]);
        tokio::spawn(async move {
            let res = client.get(url).bearer_auth(token).send().await.unwrap();
            let status = res.status().as_u16();
            res.bytes().await.unwrap();
            let _ = tx.send((Instant::now(), status));
        });
    }
    drop(tx);
    let waited = Instant::now();
    while server.open_fds() < fds_before + polls && waited.elapsed() < Duration::from_secs(60) {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await; // let every poll reach its wait
    let held = server.open_fds() - fds_before;
    let rss_held = server.rss_mib();

    let sent = Instant::now();
    post(format!("/cms/movies/{movie}/_distribute"), Some(token.clone()), json!({"cinemaIDList": cinemas})).await;
    let distribute_ms = sent.elapsed().as_secs_f64() * 1e3;
    let mut answered = Vec::with_capacity(polls);
    let mut not_ok = 0;
    while let Some((at, status)) = rx.recv().await {
        if status != 200 {
            not_ok += 1;
        }
        answered.push(at.saturating_duration_since(sent));
    }
    answered.sort();
    println!("| long-polls | value |\n|---|---:|");
    println!("| polls opened (10 per cinema) | {polls} |");
    println!("| connections held by the server | {held} |");
    println!("| server RSS idle / holding them | {rss_idle:.1} MiB / {rss_held:.1} MiB |");
    println!("| `_distribute` to {CINEMAS} cinemas (one transaction) | {distribute_ms:.0} ms |");
    println!("| polls answered 200 with NEW_MOVIE | {} |", answered.len() - not_ok);
    println!(
        "| time from distribute to answer: p50 / p99 / max | {:.0} / {:.0} / {:.0} ms |",
        percentile(&answered, 0.5),
        percentile(&answered, 0.99),
        answered.last().unwrap().as_secs_f64() * 1e3
    );
}
