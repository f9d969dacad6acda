//! Signed requests to the server and what their answers mean to the agent: done, refused for good, or worth trying again.

use std::time::Duration;

use serde_json::Value;

use crate::signer::Signer;

/// How a request ended, as far as the agent's next step is concerned.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The server could not be reached, or answered that it is busy or failed: try again later.
    Transient(String),
    /// The server refused the request (a 4xx other than 429): sending it again changes nothing.
    Refused { status: u16, info: String },
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Transient(why) => write!(f, "{why}"),
            Failure::Refused { status, info } => write!(f, "refused ({status}): {info}"),
        }
    }
}

/// The server as the agent talks to it: its address, an HTTP client and the cinema's key.
pub(crate) struct Api {
    pub server: String,
    http: reqwest::Client,
    signer: Signer,
}

impl Api {
    pub fn new(server: &str, key: &str, secret: &str) -> Api {
        // No overall timeout: long-polls and downloads take as long as they take; a dead peer is
        // found by the connect timeout or the server's own limits.
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .no_proxy()
            .build()
            .expect("an HTTP client with rustls builds");
        Api { server: server.to_string(), http, signer: Signer::new(key, secret) }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server)
    }

    /// The three signature headers of a request, signed now.
    pub fn signed_headers(&self, method: &str, path: &str, text: &str) -> [(&'static str, String); 3] {
        let s = self.signer.sign(method, path, text);
        [("user-date", s.user_date), ("user-params", s.user_params), ("authorization", s.authorization)]
    }

    /// A JSON body sent with `method` to `path`, signed over the body; the answer's JSON.
    pub async fn send_json(&self, method: &str, path: &str, body: &Value) -> Result<Value, Failure> {
        let text = body.to_string();
        let mut req = self
            .http
            .request(method.parse().expect("a known method"), self.url(path))
            .header("content-type", "application/json")
            .timeout(Duration::from_secs(60));
        for (name, value) in self.signed_headers(method, path, &text) {
            req = req.header(name, value);
        }
        let res = req.body(text).send().await.map_err(|e| Failure::Transient(e.to_string()))?;
        answer(res).await.map(|(_, body)| body)
    }

    /// A signed GET of `path` with `query` (as sent, or empty): the status and the answer's JSON.
    pub async fn get(&self, path: &str, query: &str, timeout: Duration) -> Result<(u16, Value), Failure> {
        let url = if query.is_empty() { self.url(path) } else { format!("{}?{query}", self.url(path)) };
        let mut req = self.http.get(url).timeout(timeout);
        for (name, value) in self.signed_headers("GET", path, query) {
            req = req.header(name, value);
        }
        answer(req.send().await.map_err(|e| Failure::Transient(e.to_string()))?).await
    }

    /// A GET of a file from `from` on, signed (over its empty query) so that the server counts
    /// what it sends on this cinema's deliveries; downloads need no signature otherwise.
    pub async fn get_from(&self, path: &str, from: u64) -> Result<reqwest::Response, Failure> {
        let mut req = self.http.get(self.url(path));
        for (name, value) in self.signed_headers("GET", path, "") {
            req = req.header(name, value);
        }
        if from > 0 {
            req = req.header("range", format!("bytes={from}-"));
        }
        let res = req.send().await.map_err(|e| Failure::Transient(e.to_string()))?;
        if res.status().is_success() {
            return Ok(res);
        }
        Err(answer(res).await.err().unwrap_or_else(|| Failure::Transient("an unexpected answer".into())))
    }
}

/// Sorts an answer into success (status and JSON body, `null` when empty) or a failure.
async fn answer(res: reqwest::Response) -> Result<(u16, Value), Failure> {
    let status = res.status().as_u16();
    let text = res.text().await.map_err(|e| Failure::Transient(e.to_string()))?;
    let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    match status {
        200..=299 => Ok((status, body)),
        408 | 429 | 500..=599 => Err(Failure::Transient(format!("{status}: {}", info(&body, &text)))),
        _ => Err(Failure::Refused { status, info: info(&body, &text) }),
    }
}

fn info(body: &Value, text: &str) -> String {
    body.get("info").and_then(Value::as_str).map_or_else(|| text.chars().take(200).collect(), str::to_string)
}
