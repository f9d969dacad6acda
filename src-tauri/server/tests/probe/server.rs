//! A real `cinedesk serve` process on a free port over its own data dir, its log, and the requests the probe sends it (plain, with a token, signed `dc` or `dc2`).

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

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
    log: Arc<Mutex<String>>,
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
        let log = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = mpsc::channel();
        let (stderr, sink) = (child.stderr.take().unwrap(), Arc::clone(&log));
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(addr) = line.split("listening addr=").nth(1) {
                    let _ = tx.send(addr.trim().to_string());
                }
                let mut log = sink.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        // The log line comes once the socket is bound; a server that exits closes stderr first.
        let Ok(addr) = rx.recv() else {
            let _ = child.wait();
            panic!("cinedesk serve {args:?} did not start: {}", log.lock().unwrap());
        };
        let addr: std::net::SocketAddr = addr.parse().unwrap();
        Server { child, base: format!("http://{addr}"), addr, dir, http: reqwest::Client::new(), log }
    }

    /// What the server logged so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
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

/// A `user-date` later than any this process made before: each signature is accepted once, so
/// two requests signing the same text in one millisecond would be one signature.
pub fn fresh_date() -> String {
    static LAST: AtomicI64 = AtomicI64::new(0);
    let now = cinedesk_core::now_ms();
    let prev = LAST.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |last| Some(now.max(last + 1))).unwrap_or(0);
    cinedesk_core::user_date(now.max(prev + 1))
}

/// `text` URL-encoded for `user-params`, as Java's `URLEncoder` and Python's `quote_plus` do.
pub fn encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// The three headers of a `dc` signature over `text`.
pub fn dc(key: &Key, text: &str) -> HeaderMap {
    let (params, date) = (encode(text), fresh_date());
    let signature = cinedesk_core::sign(&key.secret, &params, &date);
    headers(&format!("dc:{}:{signature}", key.apikey), &date, &params)
}

/// The three headers of a `dc2` signature over `method`, `path` and `text`.
pub fn dc2(key: &Key, method: &str, path: &str, text: &str) -> HeaderMap {
    let (params, date) = (encode(text), fresh_date());
    let signature = cinedesk_core::sign_dc2(&key.secret, method, path, &params, &date);
    headers(&format!("dc2:{}:{signature}", key.apikey), &date, &params)
}

fn headers(authorization: &str, date: &str, params: &str) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert("authorization", HeaderValue::from_str(authorization).unwrap());
    h.insert("user-date", HeaderValue::from_str(date).unwrap());
    h.insert("user-params", HeaderValue::from_str(params).unwrap());
    h
}

/// How long a test gives a server-side limit of `seconds` to act before calling it broken: far
/// more than the limit, so a busy machine never fails a test that is right.
pub fn patience(seconds: u64) -> Duration {
    Duration::from_secs(seconds * 20 + 30)
}
