//! What every API test shares: a server on port 0 over its own data dir with a logged-in
//! SYS_ADMIN ([`spawn_app`]), typed requests, callers that sign the seed-004 way, and the real
//! `cinedesk` binary as a process ([`Served`]).

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::Arc;

use cinedesk_core::Cms;
use cinedesk_server::AppState;
use cinedesk_testkit::files_below;
use reqwest::multipart::Form;
use reqwest::RequestBuilder;
use serde_json::{json, Value};
use tempfile::TempDir;

pub use cinedesk_testkit::seed004::ApiKey;

pub const ADMIN_PASSWORD: &str = "admin-password";
/// The password of every user the tests make besides the admin.
pub const USER_PASSWORD: &str = "manager-pass";

/// A server on 127.0.0.1 over its own data dir, and the admin's session on it.
pub struct TestApp {
    pub base: String,
    /// The SYS_ADMIN's bearer token.
    pub token: String,
    pub http: reqwest::Client,
    /// The core under the server: for what HTTP cannot show (the store's files, the outbox).
    pub cms: Arc<Cms>,
    /// The server's state: its COMS waker tells when a poll is waiting.
    pub state: AppState,
    _dir: TempDir,
}

/// A server on port 0 over a fresh data dir, with a logged-in SYS_ADMIN.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|state| state).await
}

/// [`spawn_app`] over the state `configure` makes of the default one (another QR budget …).
pub async fn spawn_app_with(configure: impl FnOnce(AppState) -> AppState) -> TestApp {
    spawn_app_on(|cms| cms, configure).await
}

/// [`spawn_app`] over a core whose clock is `now_ms` (the tests of time-based rules move it).
pub async fn spawn_app_clocked(now_ms: impl Fn() -> i64 + Send + Sync + 'static) -> TestApp {
    spawn_app_on(|cms| cms.with_clock(now_ms), |state| state).await
}

/// [`spawn_app_with`] over the core `core` makes of the default one.
async fn spawn_app_on(core: impl FnOnce(Cms) -> Cms, configure: impl FnOnce(AppState) -> AppState) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let cms = Arc::new(core(Cms::open(dir.path()).unwrap()));
    cms.create_first_admin(&cinedesk_core::Actor::System, "管理员", "admin", ADMIN_PASSWORD).unwrap();
    let state = configure(AppState::new(Arc::clone(&cms)));
    let base = serve(cinedesk_server::router_with_state(state.clone(), None)).await;
    let mut app = TestApp { base, token: String::new(), http: reqwest::Client::new(), cms, state, _dir: dir };
    app.token = app.login("admin", ADMIN_PASSWORD).await;
    app
}

/// Serves `router` on a port of 127.0.0.1 the system chose; answers its base URL.
pub async fn serve(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    // Served the way `cinedesk serve` serves it, peer addresses included (the audit log's).
    tokio::spawn(async move { cinedesk_server::serve(listener, router, std::future::pending()).await.unwrap() });
    base
}

/// Sends `body` as JSON in a `text/plain` body, the way the seed's clients do; answers the
/// status and the body as JSON (or as a JSON string when it is not JSON).
pub async fn send_to(
    http: &reqwest::Client,
    base: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = http.request(method.parse().unwrap(), format!("{base}{path}"));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req.header("content-type", "text/plain").body(b.to_string());
    }
    answer(req).await
}

/// Sends a request; answers its status and its body as JSON (or as a JSON string).
pub async fn answer(req: RequestBuilder) -> (u16, Value) {
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

/// Who makes a call: a user's token, a cinema's API key signing it, or nobody.
pub enum Who<'a> {
    Token(&'a str),
    Signed(&'a ApiKey),
    Nobody,
}

impl Who<'_> {
    /// `req` made by this caller; a signed call signs `params` (the query or body as sent).
    pub fn on(&self, req: RequestBuilder, params: &str) -> RequestBuilder {
        match self {
            Who::Token(t) => req.bearer_auth(t),
            Who::Signed(key) => signed(req, key, params),
            Who::Nobody => req,
        }
    }
}

/// Adds the seed-004 headers signing `params` (a body or a query string) with `key`, dated now.
pub fn signed(req: RequestBuilder, key: &ApiKey, params: &str) -> RequestBuilder {
    signed_at(req, key, params, cinedesk_testkit::seed004::fresh_ms())
}

/// The same, dated `at_ms` (epoch milliseconds): a date far off is refused.
pub fn signed_at(req: RequestBuilder, key: &ApiKey, params: &str, at_ms: i64) -> RequestBuilder {
    let signature = cinedesk_testkit::seed004::sign_at((&key.0, &key.1), params, at_ms);
    signature.headers().into_iter().fold(req, |req, (name, value)| req.header(name, value))
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A request with `token` (or none); see [`send_to`].
    pub async fn send(&self, method: &str, path: &str, token: Option<&str>, body: Option<Value>) -> (u16, Value) {
        send_to(&self.http, &self.base, method, path, token, body).await
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        self.send("GET", path, Some(&self.token), None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.send("POST", path, Some(&self.token), Some(body)).await
    }

    pub async fn put(&self, path: &str, body: Value) -> (u16, Value) {
        self.send("PUT", path, Some(&self.token), Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> (u16, Value) {
        self.send("DELETE", path, Some(&self.token), None).await
    }

    /// Logs in; answers the session's token.
    pub async fn login(&self, alias: &str, password: &str) -> String {
        let (status, body) = self.post_login(alias, password).await;
        assert_eq!(status, 200, "login of {alias} must succeed: {body}");
        body["token"].as_str().unwrap().to_string()
    }

    pub async fn post_login(&self, alias: &str, password: &str) -> (u16, Value) {
        self.send("POST", "/cms/login", None, Some(json!({ "alias": alias, "password": password }))).await
    }

    /// Creates and returns an id, asserting the seed's `{"<key>": id}` answer.
    pub async fn create(&self, path: &str, key: &str, body: Value) -> String {
        let (status, res) = self.post(path, body).await;
        assert_eq!(status, 200, "POST {path}: {res}");
        res[key].as_str().unwrap_or_else(|| panic!("POST {path} must answer {{\"{key}\"}}: {res}")).to_string()
    }

    pub async fn post_cinema(&self, cinema: &Value) -> (u16, Value) {
        self.post("/cms/cinemas", cinema.clone()).await
    }

    /// A cinema of code `code` with every field of the seed's example; answers its id.
    pub async fn cinema(&self, code: &str) -> String {
        self.create(
            "/cms/cinemas",
            "cinemaID",
            json!({"cinemaCode": code, "name": "X立方长宁缤谷", "numberOfHalls": 4, "regionID": "SHANGHAI",
                   "comsMACAddr": "ef:23:7e:cc:8a:01", "comsIPAddr": "192.168.8.21", "description": "第二家店"}),
        )
        .await
    }

    /// A hall named 放映厅01 of `cinema`; answers its id.
    pub async fn hall(&self, cinema: &str, code: &str) -> String {
        self.create(
            "/cms/halls",
            "hallID",
            json!({"hallCode": code, "name": "放映厅01", "cinemaID": cinema, "numberOfSeats": 10}),
        )
        .await
    }

    /// A seat (VR client) numbered `number` in `hall`; answers its client id.
    pub async fn seat(&self, hall: &str, number: &str) -> String {
        self.create("/cms/vr_clients", "clientID", json!({"hallID": hall, "seatNumber": number, "IPAddr": "10.0.0.2"}))
            .await
    }

    /// A film of code `code` with every field of the seed's example; answers its id.
    pub async fn movie(&self, code: &str) -> String {
        self.create(
            "/cms/movies",
            "movieID",
            json!({"name": "NAME", "movieCode": code, "duration": 30, "description": "简介", "type": "MOVIE",
                   "category": "ACTION,SCIENCE", "country": "USA", "scheduleStart": "1510208988793",
                   "scheduleEnd": "1510208989793", "online": true, "price": 2990, "isHot": true}),
        )
        .await
    }

    pub async fn distribute(&self, movie: &str, cinemas: &[&str]) {
        let (status, body) =
            self.post(&format!("/cms/movies/{movie}/_distribute"), json!({ "cinemaIDList": cinemas })).await;
        assert_eq!(status, 200, "{body}");
    }

    /// A long-poll of `cinema`'s COMS channel with the admin's token.
    pub async fn poll(&self, cinema: &str, query: &str) -> (u16, Value) {
        self.get(&format!("/cms/long_poll/{cinema}?{query}")).await
    }

    /// A new API key of `cinema`: (apikey, secretkey).
    pub async fn api_key(&self, cinema: &str) -> ApiKey {
        let (status, key) = self.post(&format!("/cms/cinemas/{cinema}/api_keys"), json!({})).await;
        assert_eq!(status, 200, "{key}");
        (key["apikey"].as_str().unwrap().to_string(), key["secretkey"].as_str().unwrap().to_string())
    }

    /// A MANAGER of every cinema made over the API, logged in: (id, token).
    pub async fn manager(&self, alias: &str) -> (String, String) {
        self.user_with(alias, json!({"allCinemas": true})).await
    }

    /// A MANAGER of `cinemas` only, made over the API, logged in: (id, token).
    pub async fn manager_of(&self, alias: &str, cinemas: &[&str]) -> (String, String) {
        self.user_with(alias, json!({"cinemaIDList": cinemas})).await
    }

    /// A MANAGER made over the API with the scope fields of `scope`, logged in: (id, token).
    pub async fn user_with(&self, alias: &str, scope: Value) -> (String, String) {
        let mut body =
            json!({"name": format!("经理{alias}"), "alias": alias, "role": "MANAGER", "password": USER_PASSWORD});
        body.as_object_mut().unwrap().extend(scope.as_object().unwrap().clone());
        let id = self.create("/cms/users", "userID", body).await;
        (id, self.login(alias, USER_PASSWORD).await)
    }

    /// The admin's user id.
    pub fn admin_id(&self) -> String {
        self.cms.authenticate(&self.token).unwrap().user_id
    }

    /// POSTs a JSON body (as `text/plain`, like the seed's clients) as `who`; a signed call
    /// signs exactly the body it sends.
    pub async fn call(&self, who: &Who<'_>, path: &str, body: Value) -> (u16, Value) {
        let text = body.to_string();
        let req = self.http.post(self.url(path)).header("content-type", "text/plain").body(text.clone());
        answer(who.on(req, &text)).await
    }

    /// A request as `who`, with `body` as JSON text (as the seed's clients send it): a signed
    /// call signs the body as sent, or the query string when there is no body.
    pub async fn send_as(&self, who: &Who<'_>, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let req = self.http.request(method.parse().unwrap(), self.url(path));
        let (req, signed) = match body {
            Some(b) => {
                let text = b.to_string();
                (req.header("content-type", "text/plain").body(text.clone()), text)
            }
            None => (req, path.split_once('?').map_or("", |(_, q)| q).to_string()),
        };
        answer(who.on(req, &signed)).await
    }

    /// A cinema of code `code` and an API key of it.
    pub async fn keyed_cinema(&self, code: &str) -> (String, ApiKey) {
        let cinema = self.cinema(code).await;
        let key = self.api_key(&cinema).await;
        (cinema, key)
    }

    /// The messages waiting for `cinema`'s COMS, oldest first, each acknowledged by the next
    /// long-poll (so a test reads the queue as a COMS does).
    pub async fn drain(&self, cinema: &str) -> Vec<Value> {
        let mut out: Vec<Value> = Vec::new();
        loop {
            let ack = out.last().map(|m| format!("&ack={}", m["messageID"].as_str().unwrap())).unwrap_or_default();
            let (status, message) = self.poll(cinema, &format!("timeout=0{ack}")).await;
            match status {
                200 => out.push(message),
                204 => return out,
                _ => panic!("a poll of {cinema} answered {status}: {message}"),
            }
        }
    }

    // ------------------------------------------------------------ files

    /// Posts a multipart form with `token` (or none).
    pub async fn form(&self, path: &str, form: Form, token: Option<&str>) -> (u16, Value) {
        let mut req = self.http.post(self.url(path)).multipart(form);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        answer(req).await
    }

    /// A GET without a token (downloads need none) with `headers`.
    pub async fn download(&self, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
        let req = headers.iter().fold(self.http.get(self.url(path)), |req, (k, v)| req.header(*k, *v));
        req.send().await.unwrap()
    }

    pub async fn bytes_of(&self, file_id: &str) -> Vec<u8> {
        let res = self.download(&format!("/cms/files/{file_id}"), &[]).await;
        assert_eq!(res.status(), 200, "file {file_id} downloads");
        res.bytes().await.unwrap().to_vec()
    }

    /// A file stored through uploadify (seed 004 §4.1); answers its id.
    pub async fn uploadify(&self, name: &str, bytes: &[u8]) -> String {
        let part = reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_string());
        let (status, body) =
            self.form("/onlineDisk/uploadify", Form::new().part("fileData", part), Some(&self.token)).await;
        assert_eq!(status, 200, "uploadify: {body}");
        body["fid"].as_str().unwrap().to_string()
    }

    /// The file's info once the store's background processing of it is over.
    pub async fn processed(&self, id: &str) -> Value {
        let (cms, file_id) = (Arc::clone(&self.cms), id.to_string());
        let file = tokio::task::spawn_blocking(move || cms.wait_processed(&file_id)).await.unwrap();
        file.unwrap_or_else(|e| panic!("processing of {id} finished: {e}"));
        let (status, info) = self.get(&format!("/cms/files/{id}/info")).await;
        assert_eq!((status, info["processing"].as_str()), (200, Some("DONE")), "{info}");
        info
    }

    /// Blobs in the store: what a refused upload must not add to.
    pub fn blobs(&self) -> usize {
        files_below(&self.cms.file_store_dir().join("objects")).len()
    }

    /// Files an upload left in the store's scratch directories.
    pub fn leftovers(&self) -> Vec<PathBuf> {
        let store = self.cms.file_store_dir();
        let mut v = files_below(&store.join("tmp"));
        v.extend(files_below(&store.join("partial")));
        v
    }

    /// A tus request with the admin's token.
    pub async fn tus(&self, method: &str, path: &str, headers: &[(&str, &str)], body: Vec<u8>) -> reqwest::Response {
        let req = self.http.request(method.parse().unwrap(), self.url(path)).bearer_auth(&self.token);
        let req = headers.iter().fold(req, |req, (k, v)| req.header(*k, *v));
        req.body(body).send().await.unwrap()
    }
}

/// The keys of a JSON object.
pub fn keys(v: &Value) -> Vec<&str> {
    v.as_object().map(|o| o.keys().map(String::as_str).collect()).unwrap_or_default()
}

/// A picture of `w`×`h` pixels as PNG.
pub fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x * 7) as u8, (y * 5) as u8, 90]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// A real MPEG-4 film of `seconds` at `size` (e.g. "320x240"), made by FFmpeg.
pub fn film(seconds: u32, size: &str) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("film.mp4");
    let source = format!("testsrc=duration={seconds}:size={size}:rate=10");
    let status = Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-f", "lavfi", "-i", &source, "-c:v", "mpeg4"])
        .arg(&out)
        .status()
        .expect("ffmpeg is installed (scripts/install-deps.sh installs it)");
    assert!(status.success(), "ffmpeg made the test film");
    std::fs::read(out).unwrap()
}

// ---------------------------------------------------------------- the real binary

/// Runs `cinedesk` with `args` over `data`, with `env` set; answers its output.
pub fn cinedesk(data: &Path, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cinedesk"));
    cmd.arg("--data").arg(data).args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

/// The real `cinedesk serve` over a data dir, on a port of 127.0.0.1 the system chose. It is
/// killed when dropped, should a test fail before stopping it.
pub struct Served {
    child: Option<Child>,
    pub base: String,
    pub http: reqwest::Client,
}

impl Served {
    /// Starts the server and returns once it listens: it logs `listening addr=…` after binding,
    /// which is both the address to use and the moment it is ready.
    pub async fn start(data: &Path, admin_password: &str) -> Served {
        let mut child = Command::new(env!("CARGO_BIN_EXE_cinedesk"))
            .arg("--data")
            .arg(data)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .env("CINEDESK_ADMIN_PASSWORD", admin_password)
            .env("RUST_LOG", "info")
            .env("NO_COLOR", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let addr = tokio::task::spawn_blocking(move || {
            let mut lines = std::io::BufReader::new(stderr).lines();
            let addr = lines.by_ref().map_while(Result::ok).find_map(|line| listening_addr(&line));
            // The rest of its log is read and dropped, so the server never blocks on a full pipe.
            std::thread::spawn(move || lines.for_each(drop));
            addr
        })
        .await
        .unwrap();
        let mut served = Served { child: Some(child), base: String::new(), http: reqwest::Client::new() };
        let addr = addr.expect("cinedesk serve exited before it listened");
        served.base = format!("http://{addr}");
        served
    }

    /// A request to the server; see [`send_to`].
    pub async fn send(&self, method: &str, path: &str, token: Option<&str>, body: Option<Value>) -> (u16, Value) {
        send_to(&self.http, &self.base, method, path, token, body).await
    }

    /// A login's status and answer.
    pub async fn login(&self, alias: &str, password: &str) -> (u16, Value) {
        self.send("POST", "/cms/login", None, Some(json!({"alias": alias, "password": password}))).await
    }

    /// The token of a login that must succeed.
    pub async fn token(&self, alias: &str, password: &str) -> String {
        let (status, body) = self.login(alias, password).await;
        assert_eq!(status, 200, "{alias} logs in: {body}");
        body["token"].as_str().unwrap().to_string()
    }

    /// SIGTERM, and how the server exited.
    pub fn stop(mut self) -> ExitStatus {
        let mut child = self.child.take().unwrap();
        assert!(Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap().success());
        child.wait().unwrap()
    }

    /// SIGKILL: no shutdown, no flush.
    pub fn kill(mut self) {
        let mut child = self.child.take().unwrap();
        child.kill().unwrap();
        child.wait().unwrap();
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Some(child) = self.child.as_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The address of a `listening addr=127.0.0.1:PORT` log line (colours or not).
fn listening_addr(line: &str) -> Option<String> {
    let mut plain = String::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // An ANSI escape: `ESC [ … m`.
            chars.by_ref().find(|c| *c == 'm');
        } else {
            plain.push(c);
        }
    }
    if !plain.contains("listening") {
        return None;
    }
    let addr = plain.split("addr=").nth(1)?.split_whitespace().next()?;
    Some(addr.to_string())
}
