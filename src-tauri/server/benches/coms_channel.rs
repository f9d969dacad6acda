//! Server benchmark on loopback: a filtered seat page versus /healthz, and 10,000 long-polls
//! held then all answered by one distribution to 1,000 cinemas.
//!
//! Run: `ulimit -n 20000; cargo bench -p cinedesk-server --bench coms_channel` (prints Markdown;
//! needs `wrk`, installed by scripts/install-deps.sh). The server is
//! the real `cinedesk serve` binary in its own process, so its RSS is its own.

// A benchmark reports on stdout: that is its whole job.
#![allow(clippy::print_stdout)]

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const CINEMAS: usize = 1_000;
const HALLS_PER_CINEMA: usize = 10;
const SEATS_PER_HALL: usize = 30;
const POLLS_PER_CINEMA: usize = 10;
const WRK_SECONDS: u32 = 10;
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

fn start(dir: &std::path::Path, extra: &[&str]) -> Server {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new(env!("CARGO_BIN_EXE_cinedesk"))
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

/// What wrk measured for one URL set: requests/s and p50/p99 in ms.
struct WrkRun {
    rps: f64,
    p50: f64,
    p99: f64,
}

/// Loads the server with `wrk` (one thread, so the server keeps the other core), cycling through
/// `paths` with the bearer token. wrk is the reference load generator: light enough that the
/// figures are the server's, not the client's.
fn wrk(base: &str, token: &str, paths: &[String]) -> WrkRun {
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("paths.txt");
    std::fs::write(&list, paths.join("\n")).unwrap();
    let script = dir.path().join("paths.lua");
    std::fs::write(
        &script,
        r#"local paths = {}
for line in io.lines(os.getenv("WRK_PATHS")) do paths[#paths + 1] = line end
local auth = "Bearer " .. os.getenv("WRK_TOKEN")
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1], { ["Authorization"] = auth })
end
"#,
    )
    .unwrap();
    let out = Command::new("wrk")
        .args(["-t1", &format!("-c{CONCURRENCY}"), &format!("-d{WRK_SECONDS}s"), "--latency", "-s"])
        .arg(&script)
        .arg(base)
        .env("WRK_PATHS", &list)
        .env("WRK_TOKEN", token)
        .output()
        .expect("wrk is installed (apt-get install wrk)");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("Non-2xx"), "every request must succeed:\n{text}");
    let field = |prefix: &str| {
        text.lines()
            .map(str::trim)
            .find(|l| l.starts_with(prefix))
            .and_then(|l| l.split_whitespace().nth(1))
            .unwrap_or_else(|| panic!("wrk printed no {prefix}:\n{text}"))
            .to_string()
    };
    let ms = |v: String| {
        let (num, unit) = v.split_at(v.find(|c: char| c.is_ascii_alphabetic()).unwrap());
        let n: f64 = num.parse().unwrap();
        match unit {
            "us" => n / 1e3,
            "ms" => n,
            "s" => n * 1e3,
            other => panic!("unknown wrk unit {other}"),
        }
    };
    WrkRun { rps: field("Requests/sec:").parse().unwrap(), p50: ms(field("50%")), p99: ms(field("99%")) }
}

/// One long-poll over a bare HTTP/1.1 connection: answers when the response is complete, its
/// status, and the connection, still open. A minimal client, so that 10,000 answers on the 2 shared cores time the server.
async fn raw_poll(addr: std::net::SocketAddr, request: String) -> (Instant, u16, tokio::net::TcpStream) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
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
            let status = head[9..12].parse().unwrap();
            return (Instant::now(), status, stream);
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

    let rss_idle = server.rss_mib();
    let fds_before = server.open_fds();
    let polls = CINEMAS * POLLS_PER_CINEMA;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(Instant, u16, tokio::net::TcpStream)>();
    let addr: std::net::SocketAddr = server.base.trim_start_matches("http://").parse().unwrap();
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
