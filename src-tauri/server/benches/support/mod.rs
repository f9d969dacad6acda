//! What the server's newer benchmarks share: the real `cinedesk serve` in its own process, its
//! CPU time and bytes written read from /proc, wrk, percentiles and the machine's load.

// Each bench binary includes this module and uses part of it.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncSeekExt};

/// `cinedesk serve` on a random loopback port; killed and reaped when dropped.
pub struct Server {
    pub child: Child,
    pub base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Starts the binary this bench was built with on `dir`, with `extra` arguments.
    pub fn start(dir: &Path, extra: &[&str]) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new(env!("CARGO_BIN_EXE_cinedesk"))
            .args(["--data", dir.to_str().unwrap(), "serve", "--listen", &format!("127.0.0.1:{port}")])
            // Every client of a bench is 127.0.0.1: no cap per address.
            .args(["--max-connections-per-address", "0"])
            .args(extra)
            .env("CINEDESK_ADMIN_PASSWORD", "bench-password")
            .env("RUST_LOG", "warn")
            // A film would be probed after its upload; the benches measure other things.
            .env("CINEDESK_FFPROBE", "/nonexistent")
            .env("CINEDESK_FFMPEG", "/nonexistent")
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let server = Server { child, base: format!("http://127.0.0.1:{port}") };
        for _ in 0..400 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return server;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        panic!("cinedesk serve did not start");
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

/// CPU seconds a process has used (`/proc/<pid>/stat` utime + stime, its finished threads
/// included), at 100 ticks a second.
pub fn cpu_secs(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // After the command name (in parentheses, may hold spaces): state is index 0, utime 11.
    let rest: Vec<&str> = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("").split_whitespace().collect();
    let tick = |i: usize| rest.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0) / 100.0;
    tick(11) + tick(12)
}

/// Bytes a process has caused to be written to storage (`/proc/<pid>/io` write_bytes).
pub fn write_bytes(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/io"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("write_bytes:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0)
}

/// The 1-minute load average, as `/proc/loadavg` has it.
pub fn load() -> String {
    let text = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    text.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
}

/// The value at `p` (0..=1) of sorted samples, in ms.
pub fn percentile(sorted: &[Duration], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize].as_secs_f64() * 1e3
}

/// What wrk measured for one URL set: requests/s and p50/p99 in ms.
pub struct WrkRun {
    pub rps: f64,
    pub p50: f64,
    pub p99: f64,
}

/// Loads `base` with wrk (one thread, `connections`, `seconds`), cycling through `paths` with
/// the bearer `token`. Every answer must be 2xx.
pub fn wrk(base: &str, token: &str, paths: &[String], connections: usize, seconds: u32) -> WrkRun {
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
        .args(["-t1", &format!("-c{connections}"), &format!("-d{seconds}s"), "--latency", "-s"])
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

/// Logs in as the admin the server was started with; answers the session's token.
pub async fn login(http: &reqwest::Client, base: &str) -> String {
    let v: serde_json::Value = http
        .post(format!("{base}/cms/login"))
        .body(serde_json::json!({"alias": "admin", "password": "bench-password"}).to_string())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    v["token"].as_str().unwrap().to_string()
}

/// The bytes `[start, start + len)` of a file as a streamed request body.
pub async fn file_range(path: &Path, start: u64, len: u64) -> reqwest::Body {
    let mut f = tokio::fs::File::open(path).await.unwrap();
    f.seek(std::io::SeekFrom::Start(start)).await.unwrap();
    reqwest::Body::wrap_stream(tokio_util::io::ReaderStream::with_capacity(f.take(len), 1 << 20))
}

/// A tus upload of `src` (POST, then one PATCH of the whole file, tus-js-client's default);
/// answers the stored file's id.
pub async fn tus(http: &reqwest::Client, base: &str, token: &str, src: &Path, size: u64) -> String {
    let res = http
        .post(format!("{base}/files/"))
        .bearer_auth(token)
        .header("tus-resumable", "1.0.0")
        .header("upload-length", size.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let res = http
        .patch(&location)
        .bearer_auth(token)
        .header("tus-resumable", "1.0.0")
        .header("upload-offset", "0")
        .header("content-type", "application/offset+octet-stream")
        .header("content-length", size.to_string())
        .body(file_range(src, 0, size).await)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(res.headers()["upload-offset"].to_str().unwrap(), size.to_string());
    location.rsplit('/').next().unwrap().to_string()
}

/// A figure of `/proc/<pid>/status` in KiB (`VmRSS:`, `RssFile:`, …); 0 when unreadable.
pub fn status_kib(pid: u32, key: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// Samples a process's resident memory every 10 ms until stopped: the highest `VmRSS` and
/// the highest `RssFile` (mapped file pages) seen, in KiB.
pub struct ResidentPeak {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: std::thread::JoinHandle<(u64, u64)>,
}

impl ResidentPeak {
    pub fn watch(pid: u32) -> ResidentPeak {
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stopped = std::sync::Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let mut peak = (0, 0);
            loop {
                peak = (peak.0.max(status_kib(pid, "VmRSS:")), peak.1.max(status_kib(pid, "RssFile:")));
                if stopped.load(std::sync::atomic::Ordering::Relaxed) {
                    return peak;
                }
                std::thread::sleep(Duration::from_millis(10));
            }
        });
        ResidentPeak { stop, thread }
    }

    /// Stops sampling: (peak `VmRSS`, peak `RssFile`) in KiB.
    pub fn peak_kib(self) -> (u64, u64) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        self.thread.join().unwrap()
    }
}
