//! The pieces of an end-to-end run: the real `cinedesk serve` over a data dir, `cinedesk site` agents as processes, a counting (and gating) TCP proxy before each agent, and the console's requests.

use std::future::Future;
use std::io::BufRead;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;

const ADMIN_PASSWORD: &str = "agent-e2e-admin";

fn cinedesk() -> Command {
    Command::new(env!("CARGO_BIN_EXE_cinedesk"))
}

/// Waits until `probe` answers something, looking again every 50 ms; a run that never gets
/// there fails after ten minutes (far beyond what a loaded machine needs) rather than hanging.
pub async fn until<T, F: Future<Output = Option<T>>>(what: &str, mut probe: impl FnMut() -> F) -> T {
    let give_up = tokio::time::Instant::now() + Duration::from_secs(600);
    loop {
        if let Some(v) = probe().await {
            return v;
        }
        assert!(tokio::time::Instant::now() < give_up, "never happened: {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// `cinedesk serve` on a port of 127.0.0.1 the system chose, over `data`.
pub struct Server {
    child: Child,
    pub addr: SocketAddr,
}

impl Server {
    pub async fn start(data: &Path) -> Server {
        let mut child = cinedesk()
            .arg("--data")
            .arg(data)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .env("CINEDESK_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env("NO_COLOR", "1")
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let addr = tokio::task::spawn_blocking(move || {
            let mut lines = std::io::BufReader::new(stderr).lines();
            let addr = lines
                .by_ref()
                .map_while(Result::ok)
                .find_map(|l| Some(l.split("listening addr=").nth(1)?.trim().to_string()));
            std::thread::spawn(move || lines.for_each(drop));
            addr
        })
        .await
        .unwrap();
        Server { child, addr: addr.expect("cinedesk serve listens").parse().unwrap() }
    }
}

/// SIGKILL: a server that stops without tidying up.
impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A TCP proxy before one agent: forwards to whichever address the server has now, counts the
/// bytes the server sends the agent (so a resumed download can be measured from outside the
/// agent), and can hold them back past a budget (so "mid-download" is a state, not a moment).
pub struct Proxy {
    pub addr: SocketAddr,
    down: Arc<AtomicU64>,
    gate: Arc<Gate>,
}

struct Gate {
    budget: AtomicU64,
    opened: Notify,
}

impl Gate {
    async fn pass(&self, upto: u64) {
        loop {
            let opened = self.opened.notified();
            tokio::pin!(opened);
            opened.as_mut().enable();
            if upto <= self.budget.load(Ordering::SeqCst) {
                return;
            }
            opened.await;
        }
    }
}

impl Proxy {
    pub async fn start(target: Arc<Mutex<SocketAddr>>, budget: u64) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let (down, gate) =
            (Arc::new(AtomicU64::new(0)), Arc::new(Gate { budget: budget.into(), opened: Notify::new() }));
        let proxy = Proxy { addr: listener.local_addr().unwrap(), down: Arc::clone(&down), gate: Arc::clone(&gate) };
        tokio::spawn(async move {
            while let Ok((agent, _)) = listener.accept().await {
                let to = *target.lock().unwrap();
                let (down, gate) = (Arc::clone(&down), Arc::clone(&gate));
                tokio::spawn(async move {
                    let Ok(server) = TcpStream::connect(to).await else { return };
                    let ((ar, aw), (sr, sw)) = (agent.into_split(), server.into_split());
                    tokio::join!(pipe(ar, sw, None), pipe(sr, aw, Some((down, gate))));
                });
            }
        });
        proxy
    }

    /// Bytes the server has sent through to the agent so far.
    pub fn down(&self) -> u64 {
        self.down.load(Ordering::SeqCst)
    }

    pub fn open(&self) {
        self.gate.budget.store(u64::MAX, Ordering::SeqCst);
        self.gate.opened.notify_waiters();
    }
}

async fn pipe(
    mut from: impl AsyncReadExt + Unpin,
    mut to: impl AsyncWriteExt + Unpin,
    count: Option<(Arc<AtomicU64>, Arc<Gate>)>,
) {
    let mut buf = vec![0u8; 64 << 10];
    while let Ok(n @ 1..) = from.read(&mut buf).await {
        if let Some((down, gate)) = &count {
            gate.pass(down.load(Ordering::SeqCst) + n as u64).await;
            down.fetch_add(n as u64, Ordering::SeqCst);
        }
        if to.write_all(&buf[..n]).await.is_err() {
            break;
        }
    }
    let _ = to.shutdown().await;
}

/// A `cinedesk site` process for one cinema, over its own directory.
pub struct Site {
    child: Option<Child>,
    pub dir: PathBuf,
    args: Vec<String>,
    secret: String,
}

impl Site {
    pub fn start(server: &str, cinema: &str, key: &Key, dir: &Path, hook: Option<&Path>) -> Site {
        let mut args: Vec<String> = ["site", "--server", server, "--cinema", cinema, "--key", &key.apikey, "--dir"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        args.push(dir.display().to_string());
        if let Some(h) = hook {
            args.extend(["--hook".to_string(), h.display().to_string()]);
        }
        let mut site = Site { child: None, dir: dir.to_path_buf(), args, secret: key.secret.clone() };
        site.restart();
        site
    }

    pub fn restart(&mut self) {
        let log = std::fs::File::create(self.dir.with_extension("log")).unwrap();
        let mut child = cinedesk();
        child.args(&self.args).env("CINEDESK_SITE_SECRET", &self.secret).env("NO_COLOR", "1");
        self.child = Some(child.stdout(Stdio::null()).stderr(log).spawn().unwrap());
    }

    /// SIGKILL: no chance to tidy up.
    pub fn kill(&mut self) {
        let mut child = self.child.take().unwrap();
        child.kill().unwrap();
        child.wait().unwrap();
    }

    /// The journal as the agent last wrote it.
    pub fn journal(&self) -> Value {
        std::fs::read(self.dir.join("journal.json"))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or(Value::Null)
    }

    /// Bytes of `file` the agent has on disk, partial or whole.
    pub fn bytes_of(&self, movie: &str, file: &str) -> u64 {
        let films = self.dir.join("films");
        [format!("{movie}.{file}.part"), format!("{movie}.{file}")]
            .iter()
            .filter_map(|n| std::fs::metadata(films.join(n)).ok())
            .map(|m| m.len())
            .sum()
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        if let Some(c) = self.child.as_mut() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

pub struct Key {
    pub apikey: String,
    pub secret: String,
}

/// The console: the admin's requests to the server at `base`.
pub struct Console {
    http: reqwest::Client,
    pub base: String,
    token: String,
}

impl Console {
    pub async fn login(addr: SocketAddr) -> Console {
        let mut c = Console { http: reqwest::Client::new(), base: format!("http://{addr}"), token: String::new() };
        let (_, body) = c.send("POST", "/cms/login", json!({"alias": "admin", "password": ADMIN_PASSWORD})).await;
        c.token = body["token"].as_str().unwrap_or_else(|| panic!("admin logs in: {body}")).to_string();
        c
    }

    pub async fn send(&self, method: &str, path: &str, body: Value) -> (u16, Value) {
        let req = self.http.request(method.parse().unwrap(), format!("{}{path}", self.base)).bearer_auth(&self.token);
        let req =
            if body.is_null() { req } else { req.header("content-type", "application/json").body(body.to_string()) };
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        (status, serde_json::from_str(&res.text().await.unwrap()).unwrap_or(Value::Null))
    }

    /// POSTs `body` and answers the field `id` of the answer.
    pub async fn create(&self, path: &str, id: &str, body: Value) -> String {
        let (status, res) = self.send("POST", path, body).await;
        assert_eq!(status, 200, "POST {path}: {res}");
        res[id].as_str().unwrap().to_string()
    }

    /// A cinema with an API key.
    pub async fn keyed_cinema(&self, code: &str) -> (String, Key) {
        let body = json!({"cinemaCode": code, "name": "端到端影院", "numberOfHalls": 1, "regionID": "SHANGHAI"});
        let cinema = self.create("/cms/cinemas", "cinemaID", body).await;
        let (status, k) = self.send("POST", &format!("/cms/cinemas/{cinema}/api_keys"), json!({})).await;
        assert_eq!(status, 200, "{k}");
        (cinema, Key { apikey: k["apikey"].as_str().unwrap().into(), secret: k["secretkey"].as_str().unwrap().into() })
    }

    /// A film whose file is `path`, uploaded by tus: (film, file id).
    pub async fn film(&self, path: &Path) -> (String, String) {
        let size = std::fs::metadata(path).unwrap().len().to_string();
        let tus = |m: &str, p: &str| {
            self.http
                .request(m.parse().unwrap(), format!("{}{p}", self.base))
                .bearer_auth(&self.token)
                .header("tus-resumable", "1.0.0")
        };
        let created =
            tus("POST", "/files/").header("upload-length", &size).header("upload-metadata", "filename ZmlsbS5tcDQ=");
        let res = created.send().await.unwrap();
        assert_eq!(res.status(), 201);
        let location = res.headers()["location"].to_str().unwrap().trim_start_matches(&self.base).to_string();
        let file = tokio::fs::File::open(path).await.unwrap();
        let body = reqwest::Body::wrap_stream(tokio_util::io::ReaderStream::with_capacity(file, 1 << 20));
        let patch = tus("PATCH", &location)
            .header("upload-offset", "0")
            .header("content-type", "application/offset+octet-stream");
        assert_eq!(patch.body(body).send().await.unwrap().status(), 204);
        let file_id = location.trim_start_matches("/files/").to_string();
        let body = json!({"name": "星际穿越VR", "movieCode": file_id, "duration": 30, "description": "简介", "type": "MOVIE",
            "category": "ACTION", "country": "USA", "scheduleStart": "1510208988793", "scheduleEnd": "1510208989793",
            "online": true, "price": 2990, "isHot": false});
        let film = self.create("/cms/movies", "movieID", body).await;
        assert_eq!(self.send("PUT", &format!("/cms/movies/{film}"), json!({ "fileID": file_id })).await.0, 200);
        (film, file_id)
    }

    /// The film's board, `stateCounts`.
    pub async fn counts(&self, film: &str) -> Value {
        self.send("GET", &format!("/cms/movies/{film}/deliveries"), Value::Null).await.1["stateCounts"].clone()
    }
}

/// An executable shell script at `path`.
pub fn script(path: &Path, body: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path.to_path_buf()
}
