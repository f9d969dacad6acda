//! Server benchmark on loopback: a filtered seat page versus /healthz, quiet and while 1,000
//! cinemas' COMS long-poll (each poll writing its last seen), and 10,000 long-polls held then
//! all answered by one distribution to 1,000 cinemas.
//!
//! Run: `ulimit -n 20000; cargo bench -p cinedesk-server --bench coms_channel` (prints Markdown;
//! needs `wrk`, installed by scripts/install-deps.sh). The server is
//! the real `cinedesk serve` binary in its own process, so its RSS is its own;
//! `CINEDESK_BENCH_SERVER=/path/to/cinedesk` runs another build of it (an older commit, say).

// A benchmark reports on stdout: that is its whole job.
#![allow(clippy::print_stdout)]

use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

mod support;

use support::WrkRun;

const CINEMAS: usize = 1_000;
const HALLS_PER_CINEMA: usize = 10;
const SEATS_PER_HALL: usize = 30;
const POLLS_PER_CINEMA: usize = 10;
const WRK_SECONDS: u32 = 10;
const CONCURRENCY: usize = 64;
/// The COMS pollers' wait. The core writes a cinema's last seen when it is 10 s old or more
/// (`COMS_SEEN_RESOLUTION_MS`), so with polls answered after 10 s every poll writes: 1,000
/// cinemas make about 100 last-seen writes a second, the most their polling can cause.
const COMS_POLL_SECONDS: u64 = 10;
/// Turns of [`in_turn`], and seconds of each.
const ROUNDS: usize = 3;
const ROUND_SECONDS: u32 = 5;

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
        support::status_kib(self.child.id(), "VmRSS:") as f64 / 1024.0
    }

    fn open_fds(&self) -> usize {
        std::fs::read_dir(format!("/proc/{}/fd", self.child.id())).map(|d| d.count()).unwrap_or(0)
    }
}

fn start(dir: &std::path::Path, extra: &[&str]) -> Server {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let binary = std::env::var("CINEDESK_BENCH_SERVER").unwrap_or_else(|_| env!("CARGO_BIN_EXE_cinedesk").to_string());
    let child = Command::new(binary)
        .args(["--data", dir.to_str().unwrap(), "serve", "--listen", &format!("127.0.0.1:{port}")])
        // Every poll comes from 127.0.0.1: no cap per address.
        .args(["--max-connections-per-address", "0"])
        .args(extra)
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

/// Loads the server with `wrk` (one thread, so the server keeps the other core), cycling through
/// `paths` with the bearer token. wrk is the reference load generator: light enough that the
/// figures are the server's, not the client's.
fn wrk(base: &str, token: &str, paths: &[String]) -> WrkRun {
    wrk_for(WRK_SECONDS, base, token, paths)
}

/// [`wrk`] for `seconds`.
fn wrk_for(seconds: u32, base: &str, token: &str, paths: &[String]) -> WrkRun {
    support::wrk(base, token, paths, CONCURRENCY, seconds)
}

/// `/healthz` and the seat pages in turn, [`ROUNDS`] times for [`ROUND_SECONDS`] each: on a
/// machine shared with other work, turns put the same drift on both. Answers the median round of
/// each.
fn in_turn(base: &str, token: &str, seats: &[String]) -> (WrkRun, WrkRun) {
    let health = ["/healthz".to_string()];
    let (mut h, mut p): (Vec<WrkRun>, Vec<WrkRun>) = (0..ROUNDS)
        .map(|_| (wrk_for(ROUND_SECONDS, base, token, &health), wrk_for(ROUND_SECONDS, base, token, seats)))
        .unzip();
    h.sort_by(|a, b| a.rps.total_cmp(&b.rps));
    p.sort_by(|a, b| a.rps.total_cmp(&b.rps));
    (h.swap_remove(ROUNDS / 2), p.swap_remove(ROUNDS / 2))
}

/// One long-poll over a bare HTTP/1.1 connection: answers when the response is complete, its
/// status, and the connection, still open. A minimal client, so that 10,000 answers on the 2 shared cores time the server.
async fn raw_poll(addr: std::net::SocketAddr, request: String) -> (Instant, u16, tokio::net::TcpStream) {
    use tokio::io::AsyncWriteExt;
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let status = read_answer(&mut stream).await;
    (Instant::now(), status, stream)
}

/// Reads one whole HTTP/1.1 answer (its body sized by Content-Length) and gives its status.
async fn read_answer(stream: &mut tokio::net::TcpStream) -> u16 {
    use tokio::io::AsyncReadExt;
    let mut buf = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    loop {
        let n = stream.read(&mut chunk).await.unwrap();
        assert!(n > 0, "the server closed the poll without a complete answer");
        buf.extend_from_slice(&chunk[..n]);
        let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else { continue };
        let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .map(|v| v.trim().parse().unwrap())
            .unwrap_or(0);
        if buf.len() >= end + 4 + length {
            return head[9..12].parse().unwrap();
        }
    }
}

/// A cinema's COMS: long-polls its queue signed with its API key (seed 004), again as soon as
/// each poll is answered, on one kept-alive connection, as a site does. Counts the answers.
async fn coms(addr: std::net::SocketAddr, cinema: String, key: (String, String), answered: Arc<AtomicU64>) {
    use tokio::io::AsyncWriteExt;
    let query = format!("timeout={COMS_POLL_SECONDS}");
    let params: String = form_urlencoded::byte_serialize(query.as_bytes()).collect();
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    loop {
        let date = cinedesk_core::user_date(cinedesk_core::now_ms());
        let signature = cinedesk_core::sign(&key.1, &params, &date);
        let request = format!(
            "GET /cms/long_poll/{cinema}?{query} HTTP/1.1\r\nHost: bench\r\nuser-date: {date}\r\n\
             user-params: {params}\r\nauthorization: dc:{}:{signature}\r\n\r\n",
            key.0
        );
        stream.write_all(request.as_bytes()).await.unwrap();
        let status = read_answer(&mut stream).await;
        assert_eq!(status, 204, "a COMS poll of an empty queue ends in 204");
        answered.fetch_add(1, Ordering::Relaxed);
    }
}

/// Every cinema's `comsLastSeen`, by id.
async fn last_seen(http: &reqwest::Client, base: &str, token: &str) -> std::collections::HashMap<String, Value> {
    let mut seen = std::collections::HashMap::new();
    loop {
        let url = format!("{base}/cms/cinemas?start={}&limit=1000", seen.len());
        let page: Value = http.get(url).bearer_auth(token).send().await.unwrap().json().await.unwrap();
        let items = page["itemList"].as_array().unwrap();
        if items.is_empty() {
            return seen;
        }
        for c in items {
            seen.insert(c["cinemaID"].as_str().unwrap().to_string(), c["comsLastSeen"].clone());
        }
    }
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path(), &[]);
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

    let seats: Vec<String> =
        cinemas.iter().map(|c| format!("/cms/vr_clients?cinema_id={c}&start=0&limit=20")).collect();
    let health = wrk(&server.base, &token, &["/healthz".to_string()]);
    let page = wrk(&server.base, &token, &seats);
    println!("| wrk, 1 thread, {CONCURRENCY} connections, {WRK_SECONDS} s | requests/s | p50 ms | p99 ms |\n|---|---:|---:|---:|");
    println!("| `GET /healthz` (reference) | {:.0} | {:.2} | {:.2} |", health.rps, health.p50, health.p99);
    println!(
        "| `GET /cms/vr_clients?cinema_id=…` (page of 20, 300,000 seats) | {:.0} | {:.2} | {:.2} |",
        page.rps, page.p50, page.p99
    );
    println!("\nRatio filtered seats / healthz: **{:.2}×** (target ≥ 0.5×)\n", page.rps / health.rps);
    // The same pages with the read cache off, from a second server on the same data: what each
    // page costs when it is read from SQLite (after a write, or the first time).
    let uncached = {
        let cold = start(dir.path(), &["--read-cache-mib", "0"]);
        wrk(&cold.base, &token, &seats)
    };
    println!(
        "Same pages with `--read-cache-mib 0` (every answer read from SQLite): {:.0} requests/s, p50 {:.2} ms, p99 {:.2} ms ({:.2}× healthz)\n",
        uncached.rps, uncached.p50, uncached.p99, uncached.rps / health.rps
    );

    // The same two loads while every cinema's COMS long-polls, starts spread over one poll's
    // wait so that the last-seen writes come steadily, not in a burst every 10 s.
    let mut keys = Vec::with_capacity(CINEMAS);
    for c in &cinemas {
        let key = post(format!("/cms/cinemas/{c}/api_keys"), Some(token.clone()), json!({})).await;
        keys.push((key["apikey"].as_str().unwrap().to_string(), key["secretkey"].as_str().unwrap().to_string()));
    }
    let addr: std::net::SocketAddr = server.base.trim_start_matches("http://").parse().unwrap();
    let fds_quiet = server.open_fds();
    let answered = Arc::new(AtomicU64::new(0));
    let gap = Duration::from_secs(COMS_POLL_SECONDS) / CINEMAS as u32;
    let mut pollers = Vec::with_capacity(CINEMAS);
    for (cinema, key) in cinemas.iter().zip(keys) {
        pollers.push(tokio::spawn(coms(addr, cinema.clone(), key, Arc::clone(&answered))));
        tokio::time::sleep(gap).await;
    }
    // One more full round, so every COMS is in its steady cycle before measuring.
    tokio::time::sleep(Duration::from_secs(COMS_POLL_SECONDS + 2)).await;
    let seen_before = last_seen(&http, &server.base, &token).await;
    let (polls_before, window) = (answered.load(Ordering::Relaxed), Instant::now());
    let (busy_health, busy_page) = in_turn(&server.base, &token, &seats);
    let polls = answered.load(Ordering::Relaxed) - polls_before;
    let window = window.elapsed().as_secs_f64();
    let seen_after = last_seen(&http, &server.base, &token).await;
    let moved = seen_after.iter().filter(|(id, at)| seen_before.get(*id) != Some(at)).count();
    for poller in &pollers {
        poller.abort();
    }
    // The pollers' connections close with their tasks before the next part counts descriptors.
    for poller in pollers {
        if let Err(e) = poller.await {
            if e.is_panic() {
                std::panic::resume_unwind(e.into_panic());
            }
        }
    }
    let waited = Instant::now();
    while server.open_fds() > fds_quiet && waited.elapsed() < Duration::from_secs(30) {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The same turns with the pollers gone, on the same server and data.
    let (after_health, after_page) = in_turn(&server.base, &token, &seats);
    println!(
        "While {CINEMAS} COMS long-poll (signed, `timeout={COMS_POLL_SECONDS}`, each poll writing its last seen): \
         {:.0} polls answered per second over the {window:.0} s of the turns; {moved} of {CINEMAS} cinemas' \
         `comsLastSeen` moved during them.\n",
        polls as f64 / window
    );
    println!(
        "| wrk, median of {ROUNDS} turns of {ROUND_SECONDS} s | while the COMS poll | p50 / p99 ms | \
         after they stopped | p50 / p99 ms |\n|---|---:|---:|---:|---:|"
    );
    let row = |what: &str, busy: &WrkRun, after: &WrkRun| {
        println!(
            "| {what} | {:.0} | {:.2} / {:.2} | {:.0} | {:.2} / {:.2} |",
            busy.rps, busy.p50, busy.p99, after.rps, after.p50, after.p99
        )
    };
    row("`GET /healthz` (reference)", &busy_health, &after_health);
    row("`GET /cms/vr_clients?cinema_id=…` (page of 20)", &busy_page, &after_page);
    println!(
        "\nRatio filtered seats / healthz while the COMS poll: **{:.2}×** (target ≥ 0.5×); after they \
         stopped: {:.2}×. Seat page while polling / after: {:.2}×\n",
        busy_page.rps / busy_health.rps,
        after_page.rps / after_health.rps,
        busy_page.rps / after_page.rps
    );

    let rss_idle = server.rss_mib();
    let fds_before = server.open_fds();
    let polls = CINEMAS * POLLS_PER_CINEMA;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(Instant, u16, tokio::net::TcpStream)>();
    for i in 0..polls {
        let request = format!(
            "GET /cms/long_poll/{}?timeout=110 HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {token}\r\n\r\n",
            cinemas[i % CINEMAS]
        );
        let tx = tx.clone();
        tokio::spawn(async move {
            let _ = tx.send(raw_poll(addr, request).await);
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
    // Connections stay open, as a COMS keeps its connection to poll again: closing them is
    // not part of delivering.
    let mut open = Vec::with_capacity(polls);
    while let Some((at, status, stream)) = rx.recv().await {
        open.push(stream);
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
