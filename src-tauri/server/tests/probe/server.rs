//! A real `cinedesk serve` process on a free port over its own data dir, its log, and the requests the probe sends it (plain, with a token, signed `dc` or `dc2`).

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Condvar, Mutex};
use std::time::Duration;

use cinedesk_testkit::seed004;
use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::{json, Value};
use tempfile::TempDir;

pub const ADMIN_PASSWORD: &str = "probe-admin-password";

/// The binary under test: this build's, or another one named by `CINEDESK_PROBE_BIN` (to replay
/// the probe against an older build and see which findings it still has).
fn binary() -> PathBuf {
    std::env::var_os("CINEDESK_PROBE_BIN").map_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_cinedesk")), PathBuf::from)
}

pub struct Server {
    child: Child,
    pub base: String,
    pub addr: std::net::SocketAddr,
    pub dir: TempDir,
    pub http: reqwest::Client,
    log: Arc<(Mutex<String>, Condvar)>,
}

impl Server {
    /// Starts `cinedesk serve` with `args` (after `serve --listen 127.0.0.1:0`) and waits for the
    /// line saying where it listens.
    pub fn start(args: &[&str]) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let mut child = Command::new(binary())
            .args(["--data", dir.path().to_str().unwrap(), "serve", "--listen", "127.0.0.1:0"])
            .args(args)
            .env("CINEDESK_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env("NO_COLOR", "1")
            .env("RUST_LOG", "info")
            .stderr(Stdio::piped())
            .spawn()
            .expect("cinedesk serve starts");
        let log = Arc::new((Mutex::new(String::new()), Condvar::new()));
        let (tx, rx) = mpsc::channel();
        let (stderr, sink) = (child.stderr.take().unwrap(), Arc::clone(&log));
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(addr) = line.split("listening addr=").nth(1) {
                    let _ = tx.send(addr.trim().to_string());
                }
                let mut log = sink.0.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
                sink.1.notify_all();
            }
        });
        // The log line comes once the socket is bound; a server that exits closes stderr first.
        let Ok(addr) = rx.recv() else {
            let _ = child.wait();
            panic!("cinedesk serve {args:?} did not start: {}", log.0.lock().unwrap());
        };
        let addr: std::net::SocketAddr = addr.parse().unwrap();
        Server { child, base: format!("http://{addr}"), addr, dir, http: reqwest::Client::new(), log }
    }

    /// Waits until the server has logged a line for which `found` holds (its log is read as it
    /// comes, so a line written before an answer may still be on its way); that line.
    pub fn logged(&self, found: impl Fn(&str) -> bool) -> String {
        let (log, grew) = &*self.log;
        let deadline = std::time::Instant::now() + patience(1);
        let mut text = log.lock().unwrap();
        loop {
            if let Some(line) = text.lines().find(|l| found(l)) {
                return line.to_string();
            }
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            assert!(!left.is_zero(), "no such line in the server's log:\n{text}");
            text = grew.wait_timeout(text, left).unwrap().0;
        }
    }

    pub fn db_path(&self) -> PathBuf {
        self.dir.path().join(cinedesk_core::DB_FILE)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn login(&self, alias: &str, password: &str) -> String {
        let res =
            self.http.post(self.url("/cms/login")).body(json!({"alias": alias, "password": password}).to_string());
        let body: Value = res.send().await.unwrap().json().await.unwrap();
        body["token"].as_str().unwrap_or_else(|| panic!("login of {alias}: {body}")).to_string()
    }

    pub async fn admin(&self) -> String {
        self.login("admin", ADMIN_PASSWORD).await
    }

    /// A MANAGER made by the admin, logged in.
    pub async fn manager(&self, admin: &str) -> String {
        let user = json!({"name": "店长", "alias": "probe_mgr", "role": "MANAGER", "password": "manager-pass"});
        let (status, body) = self.json("POST", "/cms/users", Some(admin), Some(user)).await;
        assert_eq!(status, 200, "{body}");
        self.login("probe_mgr", "manager-pass").await
    }

    /// A JSON request (sent as `text/plain`, like the seed's clients): (status, body).
    pub async fn json(&self, method: &str, path: &str, token: Option<&str>, body: Option<Value>) -> (u16, Value) {
        let mut req = self.http.request(method.parse().unwrap(), self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.header("content-type", "text/plain").body(b.to_string());
        }
        answer(req.send().await.unwrap()).await
    }

    pub async fn cinema(&self, admin: &str, code: &str) -> String {
        let body = json!({"cinemaCode": code, "name": "探针影院", "regionID": "BEIJING", "numberOfHalls": 1});
        let (status, res) = self.json("POST", "/cms/cinemas", Some(admin), Some(body)).await;
        assert_eq!(status, 200, "{res}");
        res["cinemaID"].as_str().unwrap().to_string()
    }

    pub async fn key(&self, admin: &str, cinema: &str) -> Key {
        let (status, res) = self.json("POST", &format!("/cms/cinemas/{cinema}/api_keys"), Some(admin), None).await;
        assert_eq!(status, 200, "{res}");
        Key { apikey: res["apikey"].as_str().unwrap().into(), secret: res["secretkey"].as_str().unwrap().into() }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// (status, body as JSON, or as a string when it is not JSON).
pub async fn answer(res: reqwest::Response) -> (u16, Value) {
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

/// A cinema's API key.
pub struct Key {
    pub apikey: String,
    pub secret: String,
}

/// The three headers of a `dc` signature over `text` (the query or body as sent), by the
/// testkit's signer: written apart from the server's verifier.
pub fn dc(key: &Key, text: &str) -> HeaderMap {
    headers(seed004::sign((&key.apikey, &key.secret), text))
}

/// The three headers of a `dc2` signature over `method`, `path` and `text`.
pub fn dc2(key: &Key, method: &str, path: &str, text: &str) -> HeaderMap {
    headers(seed004::sign_dc2((&key.apikey, &key.secret), method, path, text))
}

fn headers(signature: seed004::Signature) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (name, value) in signature.headers() {
        h.insert(name, HeaderValue::from_str(value).unwrap());
    }
    h
}

/// How long a test gives a server-side limit of `seconds` to act before calling it broken: far
/// more than the limit, so a busy machine never fails a test that is right.
pub fn patience(seconds: u64) -> Duration {
    Duration::from_secs(seconds * 20 + 30)
}
