//! Operating the chain on loopback (issue 13), against the real `cinedesk serve`: heartbeats of
//! 1,000 cinemas × 30 seats, a film's delivery board at 1,000 cinemas, and a 1 GiB film
//! downloaded by `GET /cms/files/{id}` beside Debian's nginx serving the same file.
//!
//! Run: `cargo bench -p cinedesk-server --bench site_ops` (prints Markdown; needs `wrk`, `curl`
//! and `nginx` on the PATH). `CINEDESK_BENCH_MIB` sets the film's size (default 1024),
//! `CINEDESK_BENCH_ROUNDS` the download rounds (default 3), `CINEDESK_BENCH_PARTS` which parts
//! run (default `heartbeats,deliveries,downloads`).

// A benchmark reports on stdout: that is its whole job.
#![allow(clippy::print_stdout)]

mod support;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::{cpu_secs, load, percentile, write_bytes, wrk, ResidentPeak, Server};

const CINEMAS: usize = 1_000;
const SEATS: usize = 30;
/// A COMS heartbeats every 30 s: 1,000 cinemas send 1,000 heartbeats per 30 s.
const PERIOD: Duration = Duration::from_secs(30);
const MIB: u64 = 1 << 20;

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// The server's API as the admin, and each cinema's seats and API key.
struct Chain {
    http: reqwest::Client,
    base: String,
    token: String,
    cinemas: Vec<String>,
    seats: Vec<Vec<String>>,
    keys: Vec<(String, String)>,
}

impl Chain {
    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut req = self.http.request(method, format!("{}{path}", self.base)).bearer_auth(&self.token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        let text = res.text().await.unwrap();
        assert!(status.is_success(), "{path}: {status} {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    /// A heartbeat of cinema `c`, every seat in `status`, signed with its key as its COMS signs.
    fn heartbeat(&self, c: usize, status: &str) -> reqwest::RequestBuilder {
        let seats: Vec<Value> = self.seats[c].iter().map(|s| json!({"clientID": s, "status": status})).collect();
        let body = json!({"comsVersion": "2.4.1", "diskFreeBytes": 812_000_000_000_u64,
            "diskTotalBytes": 1_000_000_000_000_u64, "seats": seats})
        .to_string();
        let key = &self.keys[c];
        let signed = cinedesk_testkit::seed004::sign((&key.0, &key.1), &body);
        let mut req = self.http.post(format!("{}/cms/cinemas/{}/heartbeat", self.base, self.cinemas[c]));
        for (name, value) in signed.headers() {
            req = req.header(name, value);
        }
        req.header("content-type", "application/json").body(body)
    }

    fn healthz(&self) -> reqwest::RequestBuilder {
        self.http.get(format!("{}/healthz", self.base))
    }
}

/// Sends `n` requests at `rate` a second, open loop (each at its time, whether the ones before
/// were answered or not), and answers each one's latency by index.
async fn paced(n: usize, rate: f64, make: impl Fn(usize) -> reqwest::RequestBuilder) -> Vec<Duration> {
    let start = tokio::time::Instant::now();
    let mut tasks = Vec::with_capacity(n);
    for i in 0..n {
        tokio::time::sleep_until(start + Duration::from_secs_f64(i as f64 / rate)).await;
        let req = make(i);
        tasks.push(tokio::spawn(async move {
            let t = Instant::now();
            let res = req.send().await.unwrap();
            let status = res.status();
            let text = res.text().await.unwrap();
            assert!(status.is_success(), "{status} {text}");
            t.elapsed()
        }));
    }
    let mut out = Vec::with_capacity(n);
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

/// What the server did during a phase.
struct Phase {
    requests: usize,
    cpu: f64,
    written: u64,
    /// By request index.
    latencies: Vec<Duration>,
}

impl Phase {
    /// Its row: server CPU and bytes written per request, and the latencies.
    fn show(&self, what: &str) {
        row(what, self.requests, self.cpu * 1e3 / self.requests as f64, &self.latencies, Some(self.written));
    }
}

/// Runs `f` and answers the server's CPU and bytes written meanwhile, beside `f`'s latencies.
async fn phase(pid: u32, f: impl std::future::Future<Output = Vec<Duration>>) -> Phase {
    let (cpu, written) = (cpu_secs(pid), write_bytes(pid));
    let latencies = f.await;
    let (cpu, written) = (cpu_secs(pid) - cpu, write_bytes(pid) - written);
    Phase { requests: latencies.len(), cpu, written, latencies }
}

/// p50 / p99 / max in ms.
fn spread(latencies: &[Duration]) -> (f64, f64, f64) {
    let mut v = latencies.to_vec();
    v.sort();
    (percentile(&v, 0.5), percentile(&v, 0.99), percentile(&v, 1.0))
}

fn row(what: &str, requests: usize, cpu_ms_each: f64, latencies: &[Duration], written: Option<u64>) {
    let (p50, p99, max) = spread(latencies);
    let written = written.map_or("–".to_string(), |w| format!("{:.0}", w as f64 / requests as f64));
    println!("| {what} | {requests} | {cpu_ms_each:.3} | {p50:.2} / {p99:.2} / {max:.2} | {written} |");
}

async fn setup(server: &Server) -> Chain {
    let http = reqwest::Client::builder().pool_max_idle_per_host(256).build().unwrap();
    let token = support::login(&http, &server.base).await;
    let mut chain = Chain { http, base: server.base.clone(), token, cinemas: vec![], seats: vec![], keys: vec![] };
    let regions = ["BEIJING", "SHANGHAI", "JIANGSU", "ZHEJIANG", "ANHUI"];
    let post = reqwest::Method::POST;
    for c in 0..CINEMAS {
        let body =
            json!({"cinemaCode": format!("cinema_{c:05}"), "name": format!("影城{c}"), "regionID": regions[c % 5]});
        let cinema =
            chain.call(post.clone(), "/cms/cinemas", Some(body)).await["cinemaID"].as_str().unwrap().to_string();
        let body = json!({"hallCode": format!("c{c:05}"), "name": "厅", "cinemaID": cinema, "numberOfSeats": SEATS});
        let hall = chain.call(post.clone(), "/cms/halls", Some(body)).await["hallID"].as_str().unwrap().to_string();
        let seats: Vec<Value> = (1..=SEATS)
            .map(|s| json!({"hallID": hall, "seatNumber": format!("A{s:02}"), "IPAddr": "10.0.0.1"}))
            .collect();
        let made = chain.call(post.clone(), "/cms/vr_clients/_batch", Some(Value::Array(seats))).await;
        let ids = made["clientIDList"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
        let key = chain.call(post.clone(), &format!("/cms/cinemas/{cinema}/api_keys"), Some(json!({}))).await;
        chain.keys.push((key["apikey"].as_str().unwrap().to_string(), key["secretkey"].as_str().unwrap().to_string()));
        chain.cinemas.push(cinema);
        chain.seats.push(ids);
    }
    chain
}

/// Part 1: heartbeats at the real rate (1,000 per 30 s) and 10× faster, beside /healthz sent
/// the same way in the same run.
async fn heartbeats(chain: &Chain, pid: u32) {
    let rate = CINEMAS as f64 / PERIOD.as_secs_f64();
    println!("### Heartbeats: {CINEMAS} cinemas × {SEATS} seats\n\nLoad average before: {}\n", load());
    println!(
        "| phase | requests | server CPU ms each | latency p50 / p99 / max ms | bytes written each |\n|---|---:|---:|---:|---:|"
    );
    // The seats start SHUT_DOWN, so every seat of the first heartbeats changes: the most a
    // heartbeat writes (30 statuses, 30 last seens, the site's figures).
    let first = phase(pid, paced(CINEMAS, rate * 10.0, |i| chain.heartbeat(i, "IDLE"))).await;
    first.show("first heartbeat of each cinema, all 30 seats change (10× rate)");

    // /healthz alone and unchanged heartbeats alone at 10× the rate, in turns: CPU per request
    // of each, and the reference latency.
    let (mut hb, mut hz) = (Vec::new(), Vec::new());
    for _ in 0..3 {
        hz.push(phase(pid, paced(CINEMAS, rate * 10.0, |_| chain.healthz())).await);
        hb.push(phase(pid, paced(CINEMAS, rate * 10.0, |i| chain.heartbeat(i, "IDLE"))).await);
    }
    let merged = |v: &[Phase]| {
        let lat: Vec<Duration> = v.iter().flat_map(|p| p.latencies.iter().copied()).collect();
        let n: usize = v.iter().map(|p| p.requests).sum();
        (n, v.iter().map(|p| p.cpu).sum::<f64>(), v.iter().map(|p| p.written).sum::<u64>(), lat)
    };
    let (hz_n, hz_cpu, hz_w, hz_lat) = merged(&hz);
    let (hb_n, hb_cpu, hb_w, hb_lat) = merged(&hb);
    let hz_each = hz_cpu * 1e3 / hz_n as f64;
    row("`GET /healthz` (reference), 333/s, 3 turns", hz_n, hz_each, &hz_lat, Some(hz_w));
    row("unchanged heartbeat, 333/s (10× rate), 3 turns", hb_n, hb_cpu * 1e3 / hb_n as f64, &hb_lat, Some(hb_w));

    // Two real periods: each cinema twice more, unchanged, at 1,000 per 30 s, a /healthz
    // half-way between each two. A seat's stored last seen is 60 s coarse, so in steady state
    // about one heartbeat in two writes its seats' last seen: only the real rate shows that.
    let t = Instant::now();
    let real = phase(
        pid,
        paced(4 * CINEMAS, rate * 2.0, |i| {
            if i % 2 == 0 {
                chain.heartbeat((i / 2) % CINEMAS, "IDLE")
            } else {
                chain.healthz()
            }
        }),
    )
    .await;
    let real_secs = t.elapsed().as_secs_f64();
    // Even requests were heartbeats, odd ones the /healthz between them.
    let hb_real: Vec<Duration> = real.latencies.iter().copied().step_by(2).collect();
    let hz_real: Vec<Duration> = real.latencies.iter().copied().skip(1).step_by(2).collect();
    // The interleaved /healthz cost what they cost alone; the rest is the heartbeats'.
    let hb_cpu_real = (real.cpu - hz_each * 1e-3 * hz_real.len() as f64) * 1e3 / hb_real.len() as f64;
    row("`GET /healthz` between them, 33/s", hz_real.len(), hz_each, &hz_real, None);
    row(
        "unchanged heartbeat, real rate (33/s, 2 periods of 30 s)",
        hb_real.len(),
        hb_cpu_real,
        &hb_real,
        Some(real.written),
    );
    let changed = phase(pid, paced(CINEMAS, rate * 10.0, |i| chain.heartbeat(i, "PLAYING"))).await;
    changed.show("every seat of every cinema changes again (10× rate)");
    let (_, hz99, _) = spread(&hz_lat);
    let (_, hb99, _) = spread(&hb_lat);
    let (_, hzr99, _) = spread(&hz_real);
    let (_, hbr99, _) = spread(&hb_real);
    println!(
        "\nReal-rate run: {real_secs:.1} s. Heartbeat / healthz: CPU {:.1}× (10× rate) and {:.1}× (real rate); \
         p99 {:.2}× (10× rate), {:.2}× (real rate). The server's CPU for 1,000 cinemas at the real rate: \
         {:.2}% of one core. Load average after: {}\n",
        hb_cpu / hb_n as f64 * 1e3 / hz_each,
        hb_cpu_real / hz_each,
        hb99 / hz99,
        hbr99 / hzr99,
        hb_cpu_real * 1e-3 * rate * 100.0,
        load()
    );
}

/// Part 2: the film's board at 1,000 cinemas in every state, read by wrk beside /healthz.
async fn deliveries(chain: &Chain, movie: &str, size: u64) {
    use reqwest::Method;
    // By cinema index modulo 10: 0-1 QUEUED, 2 SENT, 3-4 DOWNLOADING, 5-7 READY, 8 FAILED,
    // 9 WITHDRAWN. States after SENT are reported after the message was acknowledged, as a site
    // does; the admin reports for the sites (an operator may), which the core audits.
    let t = Instant::now();
    for (c, cinema) in chain.cinemas.iter().enumerate() {
        let kind = c % 10;
        if !(2..=8).contains(&kind) {
            continue;
        }
        let head = chain.call(Method::GET, &format!("/cms/long_poll/{cinema}?timeout=0"), None).await;
        let id = head["messageID"].as_str().unwrap();
        chain.call(Method::GET, &format!("/cms/long_poll/{cinema}?timeout=0&ack={id}"), None).await;
        let report = match kind {
            3 | 4 => json!({"state": "DOWNLOADING", "bytes": size / 7 * (c % 7) as u64, "totalBytes": size}),
            5..=7 => json!({"state": "READY", "bytes": size, "totalBytes": size}),
            8 => json!({"state": "FAILED", "bytes": size / 3, "totalBytes": size, "error": "disk full"}),
            _ => continue,
        };
        chain.call(Method::PUT, &format!("/cms/cinemas/{cinema}/deliveries/{movie}"), Some(report)).await;
    }
    let withdrawn: Vec<&String> = chain.cinemas.iter().skip(9).step_by(10).collect();
    let path = format!("/cms/movies/{movie}/_distribute");
    chain.call(Method::DELETE, &path, Some(json!({"cinemaIDList": withdrawn}))).await;
    let board = chain.call(Method::GET, &format!("/cms/movies/{movie}/deliveries?start=0&limit=20"), None).await;
    println!(
        "### Delivery board of one film at {CINEMAS} cinemas\n\nStates set in {:.1} s; counts per state: `{}`. \
         Load average before: {}\n",
        t.elapsed().as_secs_f64(),
        board["stateCounts"],
        load()
    );
    let board = format!("/cms/movies/{movie}/deliveries");
    let runs = [
        ("`GET /healthz` (reference)", "/healthz".to_string()),
        ("board, first page of 20", format!("{board}?start=0&limit=20")),
        ("board, state=DOWNLOADING (200 pairs), first page", format!("{board}?state=DOWNLOADING&start=0&limit=20")),
        ("board, state=READY (300 pairs), page 5", format!("{board}?state=READY&start=80&limit=20")),
        ("board, region_id=SHANGHAI (200 pairs), first page", format!("{board}?region_id=SHANGHAI&start=0&limit=20")),
    ];
    // One connection: what a manager's console sees, one request at a time. Eight: the board
    // read by several at once, where the p99 is mostly the queue on the two shared cores.
    println!(
        "| wrk, 1 thread, 5 s each | 1 connection: requests/s | p50 / p99 ms | 8 connections: requests/s | \
         p50 / p99 ms |\n|---|---:|---:|---:|---:|"
    );
    for (what, path) in runs {
        let one = wrk(&chain.base, &chain.token, std::slice::from_ref(&path), 1, 5);
        let eight = wrk(&chain.base, &chain.token, &[path], 8, 5);
        println!(
            "| {what} | {:.0} | {:.2} / {:.2} | {:.0} | {:.2} / {:.2} |",
            one.rps, one.p50, one.p99, eight.rps, eight.p50, eight.p99
        );
    }
    println!("\nLoad average after: {}\n", load());
}

/// Debian's nginx on a random loopback port serving `root`, with a config of its own in `dir`.
struct Nginx {
    child: Child,
    base: String,
}

impl Nginx {
    fn start(dir: &Path, root: &Path) -> Nginx {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        std::fs::create_dir_all(dir.join("tmp")).unwrap();
        let d = dir.display();
        // What matters of Debian's own nginx.conf is kept: a worker per core, sendfile, tcp_nopush.
        let conf = format!(
            "worker_processes auto;\ndaemon off;\nuser root;\npid {d}/nginx.pid;\nerror_log {d}/error.log;\n\
             events {{ worker_connections 1024; }}\n\
             http {{\n  access_log off;\n  sendfile on;\n  tcp_nopush on;\n  default_type application/octet-stream;\n\
             client_body_temp_path {d}/tmp/body; proxy_temp_path {d}/tmp/proxy; fastcgi_temp_path {d}/tmp/fcgi;\n\
             uwsgi_temp_path {d}/tmp/uwsgi; scgi_temp_path {d}/tmp/scgi;\n\
             server {{ listen 127.0.0.1:{port}; root {}; }}\n}}\n",
            root.display()
        );
        std::fs::write(dir.join("nginx.conf"), conf).unwrap();
        let child = Command::new("nginx")
            .args(["-p", &d.to_string(), "-e", &format!("{d}/error.log"), "-c"])
            .arg(dir.join("nginx.conf"))
            .stderr(Stdio::null())
            .spawn()
            .expect("nginx is installed (apt-get install nginx)");
        for _ in 0..400 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        Nginx { child, base: format!("http://127.0.0.1:{port}") }
    }

    /// CPU seconds of the master and its workers.
    fn cpu(&self) -> f64 {
        let pid = self.child.id();
        let children = std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children")).unwrap_or_default();
        cpu_secs(pid) + children.split_whitespace().filter_map(|p| p.parse().ok()).map(cpu_secs).sum::<f64>()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // A graceful stop, so that the workers go with the master.
        let _ = Command::new("kill").args(["-QUIT", &self.child.id().to_string()]).status();
        let _ = self.child.wait();
    }
}

/// `n` curls at once fetching `url` to /dev/null, the i-th with the headers `sign(i)` gives;
/// answers the seconds until the last is done.
fn curls(url: &str, n: usize, size: u64, sign: impl Fn(usize) -> Vec<(&'static str, String)>) -> f64 {
    // Signed before the clock starts: what is timed is the download.
    let headers: Vec<Vec<String>> = (0..n)
        .map(|i| sign(i).into_iter().flat_map(|(k, v)| ["-H".to_string(), curl_header(k, &v)]).collect())
        .collect();
    let t = Instant::now();
    let children: Vec<Child> = headers
        .iter()
        .map(|h| {
            Command::new("curl")
                .args(["-s", "-o", "/dev/null", "-w", "%{http_code} %{size_download}"])
                .args(h)
                .arg(url)
                .stdout(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout), format!("200 {size}"), "{url}");
    }
    t.elapsed().as_secs_f64()
}

/// A header as curl's `-H` takes it: `name;` sends a header with an empty value (`name:` would
/// remove it), as a signed GET's empty `user-params` must be.
fn curl_header(name: &str, value: &str) -> String {
    if value.is_empty() {
        format!("{name};")
    } else {
        format!("{name}: {value}")
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Part 3: the film by `GET /cms/files/{id}` and by nginx from the same blob, one and ten at
/// once, in turns. Cinedesk's downloads are the sites' own: the i-th signed (`dc2`) with the
/// key of cinema i, so the server also counts each on that cinema's delivery, as it does for
/// the agents.
fn downloads(chain: &Chain, server: &Server, file: &str, blob: &Path, size: u64, dir: &Path) {
    let folder = blob.parent().unwrap();
    let nginx = Nginx::start(&dir.join("nginx"), folder.parent().unwrap());
    let path = format!("/cms/files/{file}");
    let ours = format!("{}{path}", server.base);
    let theirs = format!("{}/{}/{file}", nginx.base, folder.file_name().unwrap().to_string_lossy());
    let rounds = env_num("CINEDESK_BENCH_ROUNDS", 3) as usize;
    let site = |i: usize| {
        let key = &chain.keys[i];
        let s = cinedesk_testkit::seed004::sign_dc2((&key.0, &key.1), "GET", &path, "");
        s.headers().into_iter().map(|(k, v)| (k, v.to_string())).collect::<Vec<_>>()
    };
    let anyone = |_: usize| vec![];
    // Both read the blob from the page cache: warm it once through each.
    curls(&ours, 1, size, site);
    curls(&theirs, 1, size, anyone);
    let version = Command::new("nginx").arg("-v").output().unwrap().stderr;
    println!(
        "### Download of {} MiB: `GET /cms/files/{{id}}` versus {}\n\nLoad average before: {}\n",
        size / MIB,
        String::from_utf8_lossy(&version).trim(),
        load()
    );
    println!(
        "| at once, median of {rounds} turns | nginx s | nginx MiB/s | cinedesk s | cinedesk MiB/s | \
         throughput cinedesk / nginx | server CPU s per GiB, nginx / cinedesk |\n|---|---:|---:|---:|---:|---:|---:|"
    );
    // The server's peak resident memory (whole, and of it mapped file pages) while it sends one
    // download and ten at once.
    let mut resident = [(0u64, 0u64); 2];
    for n in [1, 10] {
        let (mut a, mut b, mut ca, mut cb) = (vec![], vec![], vec![], vec![]);
        for r in 0..rounds {
            // Turns alternate who goes first, so that a drift of the shared machine hits both.
            for ours_now in [r % 2 == 1, r % 2 == 0] {
                if ours_now {
                    let c = cpu_secs(server.pid());
                    let watch = ResidentPeak::watch(server.pid());
                    b.push(curls(&ours, n, size, site));
                    let peak = watch.peak_kib();
                    cb.push(cpu_secs(server.pid()) - c);
                    resident[usize::from(n > 1)] = resident[usize::from(n > 1)].max(peak);
                } else {
                    let c = nginx.cpu();
                    a.push(curls(&theirs, n, size, anyone));
                    ca.push(nginx.cpu() - c);
                }
            }
        }
        let bytes = (n as u64 * size) as f64;
        let gib = bytes / (1u64 << 30) as f64;
        let (ta, tb) = (median(a), median(b));
        let mib = |t: f64| bytes / MIB as f64 / t;
        println!(
            "| {n} | {ta:.2} | {:.0} | {tb:.2} | {:.0} | **{:.2}×** | {:.2} / {:.2} |",
            mib(ta),
            mib(tb),
            ta / tb,
            median(ca) / gib,
            median(cb) / gib
        );
    }
    println!(
        "\nThe server's peak resident memory while sending, one / ten at once: {} / {} MiB, of which \
         mapped file pages {} / {} MiB (the film is {} MiB).",
        resident[0].0 >> 10,
        resident[1].0 >> 10,
        resident[0].1 >> 10,
        resident[1].1 >> 10,
        size / MIB
    );
    println!("\nLoad average after: {}\n", load());
}

#[tokio::main]
async fn main() {
    let size = env_num("CINEDESK_BENCH_MIB", 1024) * MIB;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = Server::start(&data, &[]);
    let t = Instant::now();
    let chain = setup(&server).await;
    println!(
        "Data set over HTTP: {CINEMAS} cinemas, one hall of {SEATS} seats each, an API key each: {:.1} s.\n",
        t.elapsed().as_secs_f64()
    );
    let parts = std::env::var("CINEDESK_BENCH_PARTS").unwrap_or_else(|_| "heartbeats,deliveries,downloads".into());
    if parts.contains("heartbeats") {
        heartbeats(&chain, server.pid()).await;
    }

    let src = dir.path().join("film.bin");
    cinedesk_testkit::noise_file(&src, size, 7);
    let file = support::tus(&chain.http, &chain.base, &chain.token, &src, size).await;
    std::fs::remove_file(&src).unwrap();
    let blob = data.join("files/objects").join(&file[22..]).join(&file);
    assert_eq!(std::fs::metadata(&blob).unwrap().len(), size, "the stored blob is where nginx will serve it");
    let body = json!({"name": "星际", "movieCode": "bench", "duration": 5, "description": "d", "type": "MOVIE",
        "category": "ACTION", "country": "CHN", "price": 100, "online": true, "fileID": file});
    let movie =
        chain.call(reqwest::Method::POST, "/cms/movies", Some(body)).await["movieID"].as_str().unwrap().to_string();
    let t = Instant::now();
    let path = format!("/cms/movies/{movie}/_distribute");
    chain.call(reqwest::Method::POST, &path, Some(json!({"cinemaIDList": chain.cinemas}))).await;
    println!("Film distributed to {CINEMAS} cinemas in {:.0} ms.\n", t.elapsed().as_secs_f64() * 1e3);
    if parts.contains("deliveries") {
        deliveries(&chain, &movie, size).await;
    }
    if parts.contains("downloads") {
        downloads(&chain, &server, &file, &blob, size, dir.path());
        served(&chain, &movie, size).await;
    }
}

/// What the downloads part was counted as: cinema 0 made the warm-up and one download of each
/// turn of one and of ten, cinemas 1 to 9 one of each turn of ten.
async fn served(chain: &Chain, movie: &str, size: u64) {
    let rounds = env_num("CINEDESK_BENCH_ROUNDS", 3);
    tokio::time::sleep(Duration::from_secs(1)).await;
    let mut of = vec![];
    for c in &chain.cinemas[..2] {
        let films = chain.call(reqwest::Method::GET, &format!("/cms/cinemas/{c}/deliveries"), None).await;
        let row = films["itemList"].as_array().unwrap().iter().find(|d| d["movieID"] == movie).unwrap().clone();
        of.push(row["servedBytes"].as_u64().unwrap());
    }
    let (first, second) = (of[0], of[1]);
    println!(
        "Counted as sent on the deliveries: cinema 0 {:.0} GiB, cinema 1 {:.0} GiB (expected {} and {}).\n",
        first as f64 / (1u64 << 30) as f64,
        second as f64 / (1u64 << 30) as f64,
        ((1 + 2 * rounds) * size) >> 30,
        (rounds * size) >> 30
    );
    assert_eq!((first, second), ((1 + 2 * rounds) * size, rounds * size), "every signed download counted");
}
