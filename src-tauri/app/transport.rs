//! Where an API request from the UI goes: the server's own router in process (embedded mode),
//! or a `cinedesk serve` over HTTP (remote mode). Either way the answer is the server's.

use std::time::Duration;

use axum::body::Body;
use cinedesk_core::Code;
use http::{header, HeaderMap, HeaderValue, Request, Response, StatusCode};
use tower::ServiceExt;

/// The largest answer handed to the webview. The URI scheme answers with a whole body in
/// memory; films are never read this way (they stay on disk and go by path).
pub const MAX_RESPONSE_BYTES: usize = 256 * 1024 * 1024;

/// Longer than the longest COMS long-poll the server allows (120 s), so a poll is never cut.
const REMOTE_TIMEOUT: Duration = Duration::from_secs(150);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Hop-by-hop headers (RFC 9110 §7.6.1): they describe one connection, not the message, so they
/// are not passed from one connection to the next. `host` is the forwarder's to set.
const HOP_BY_HOP: [&str; 8] =
    ["connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "host"];

#[derive(Clone)]
pub enum Upstream {
    /// The same router as `cinedesk serve`, over the embedded core.
    Embedded(axum::Router),
    /// A server elsewhere; `base` has no trailing slash.
    Remote { client: reqwest::Client, base: String },
    /// No backend can answer (the database did not open, say); every request gets this reason.
    Unavailable(String),
}

impl Upstream {
    pub fn remote(base: String) -> Upstream {
        Upstream::remote_with_timeout(base, REMOTE_TIMEOUT)
    }

    /// A server that must answer each request within `timeout`.
    fn remote_with_timeout(base: String, timeout: Duration) -> Upstream {
        match reqwest::Client::builder().connect_timeout(CONNECT_TIMEOUT).timeout(timeout).build() {
            Ok(client) => Upstream::Remote { client, base },
            Err(e) => Upstream::Unavailable(format!("cannot set up the HTTP client: {e}")),
        }
    }

    /// Whether the server has users yet (its `GET /cms/app_info`), or why it cannot say: it is out
    /// of reach, it failed, or what answers is not a Cinedesk server.
    pub async fn server_info(&self) -> Result<bool, String> {
        let req = Request::get("/cms/app_info").body(Vec::new()).map_err(|e| e.to_string())?;
        let res = self.send(req).await;
        let body: serde_json::Value = serde_json::from_slice(res.body()).unwrap_or_default();
        if let (true, Some(has_users)) = (res.status().is_success(), body["hasUsers"].as_bool()) {
            return Ok(has_users);
        }
        if let Some(info) = body["info"].as_str() {
            return Err(info.to_string());
        }
        let kind = res.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("no type");
        let server = match self {
            Upstream::Remote { base, .. } => base.as_str(),
            _ => "the backend",
        };
        Err(format!("{server} is not a Cinedesk server: it answered {} ({kind}) to /cms/app_info", res.status()))
    }

    /// Answers one request. `request`'s URI may be absolute (`cinedesk://localhost/cms/x?y`):
    /// only its path and query are used.
    pub async fn send(&self, request: Request<Vec<u8>>) -> Response<Vec<u8>> {
        let (parts, body) = request.into_parts();
        let path = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/").to_string();
        let headers = end_to_end(&parts.headers);
        match self {
            Upstream::Embedded(router) => {
                let mut req = Request::new(Body::from(body));
                *req.method_mut() = parts.method;
                *req.headers_mut() = headers;
                // The desktop's own window: the audit log says DESKTOP. An extension, which no
                // request from the network can carry.
                req.extensions_mut().insert(cinedesk_server::origin::InProcess);
                *req.uri_mut() = match path.parse() {
                    Ok(uri) => uri,
                    Err(e) => return error(StatusCode::BAD_REQUEST, Code::Invalid, &format!("bad request path: {e}")),
                };
                let Ok(res) = router.clone().oneshot(req).await;
                let (parts, body) = res.into_parts();
                match axum::body::to_bytes(body, MAX_RESPONSE_BYTES).await {
                    Ok(bytes) => {
                        let mut out = Response::new(bytes.to_vec());
                        *out.status_mut() = parts.status;
                        *out.headers_mut() = end_to_end(&parts.headers);
                        out
                    }
                    Err(e) => too_large_or_broken(&e.to_string()),
                }
            }
            Upstream::Remote { client, base } => {
                let url = format!("{base}{path}");
                let sent = client.request(parts.method, &url).headers(headers).body(body).send().await;
                let mut res = match sent {
                    Ok(res) => res,
                    Err(e) => {
                        tracing::warn!(url, error = %e, "remote server unreachable");
                        let info = format!("cannot reach the Cinedesk server at {base}: {}", root_cause(&e));
                        return error(StatusCode::BAD_GATEWAY, Code::NoBackend, &info);
                    }
                };
                let status = res.status();
                let headers = end_to_end(res.headers());
                let mut bytes = Vec::new();
                loop {
                    match res.chunk().await {
                        Ok(Some(chunk)) if bytes.len() + chunk.len() > MAX_RESPONSE_BYTES => {
                            return too_large_or_broken("length limit exceeded")
                        }
                        Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
                        Ok(None) => break,
                        Err(e) => {
                            let info =
                                format!("the Cinedesk server at {base} broke off its answer: {}", root_cause(&e));
                            return error(StatusCode::BAD_GATEWAY, Code::NoBackend, &info);
                        }
                    }
                }
                let mut out = Response::new(bytes);
                *out.status_mut() = status;
                *out.headers_mut() = headers;
                out
            }
            Upstream::Unavailable(reason) => error(StatusCode::SERVICE_UNAVAILABLE, Code::NoBackend, reason),
        }
    }
}

/// The headers of a message without the hop-by-hop ones, and without a stale Content-Length
/// (the body is handed on whole and its length set anew).
fn end_to_end(headers: &HeaderMap) -> HeaderMap {
    let mut out = headers.clone();
    for name in HOP_BY_HOP {
        out.remove(name);
    }
    out.remove(header::CONTENT_LENGTH);
    out
}

fn too_large_or_broken(reason: &str) -> Response<Vec<u8>> {
    if reason.contains("length limit") {
        let info = format!(
            "the answer is larger than {} MiB; such files are opened by path, not through the window",
            MAX_RESPONSE_BYTES >> 20
        );
        error(StatusCode::PAYLOAD_TOO_LARGE, Code::TooLarge, &info)
    } else {
        error(StatusCode::INTERNAL_SERVER_ERROR, Code::Internal, &format!("reading the answer failed: {reason}"))
    }
}

/// The innermost error's text: reqwest's outer message ("error sending request") says little.
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

/// An error answer shaped like the server's own: `{"info", "code"}`.
pub fn error(status: StatusCode, code: Code, info: &str) -> Response<Vec<u8>> {
    let body = serde_json::to_vec(&serde_json::json!({ "info": info, "code": code })).unwrap_or_default();
    let mut res = Response::new(body);
    *res.status_mut() = status;
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    res
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use cinedesk_core::{Actor, Cms};
    use http::Method;
    use serde_json::{json, Value};

    use super::*;

    fn req(method: Method, uri: &str, token: Option<&str>, body: Option<Value>) -> Request<Vec<u8>> {
        let mut b = Request::builder().method(method).uri(uri);
        if let Some(t) = token {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        if body.is_some() {
            // The seed's clients send JSON as text/plain; the server takes any content type.
            b = b.header(header::CONTENT_TYPE, "text/plain;charset=UTF-8");
        }
        b.body(body.map(|v| serde_json::to_vec(&v).unwrap()).unwrap_or_default()).unwrap()
    }

    fn json_of(res: &Response<Vec<u8>>) -> Value {
        serde_json::from_slice(res.body()).unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", res.body()))
    }

    /// A real core on a temporary SQLite file with a SYS_ADMIN, and a token of theirs.
    fn embedded() -> (tempfile::TempDir, Upstream, String) {
        let dir = tempfile::tempdir().unwrap();
        let cms = Cms::open(dir.path()).unwrap();
        cms.create_first_admin(&Actor::System, "管理员", "admin", "transport-pass").unwrap();
        let token = cms.login("admin", "transport-pass").unwrap().token;
        (dir, Upstream::Embedded(cinedesk_server::router(Arc::new(cms))), token)
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn embedded_answers_like_the_server_for_bodies_headers_and_errors() {
        let (_dir, up, token) = embedded();
        let input = json!({"cinemaCode": "T01", "name": "一号店", "regionID": "SHANGHAI"});
        let created = up.send(req(Method::POST, "cinedesk://localhost/cms/cinemas", Some(&token), Some(input))).await;
        assert_eq!(created.status(), StatusCode::OK, "create answered {:?}", json_of(&created));
        let id = json_of(&created)["cinemaID"].as_str().expect("the new id comes back").to_string();

        let list =
            up.send(req(Method::GET, "cinedesk://localhost/cms/cinemas?start=0&limit=5", Some(&token), None)).await;
        let page = json_of(&list);
        assert_eq!(page["totalCount"], 1, "the query string reached the router: {page}");
        assert_eq!(page["itemList"][0]["cinemaID"], id.as_str());
        assert!(list.headers().get(header::CONTENT_LENGTH).is_none(), "length is set by whoever sends the body");

        let anon = up.send(req(Method::GET, "http://cinedesk.localhost/cms/cinemas", None, None)).await;
        assert_eq!(anon.status(), StatusCode::UNAUTHORIZED, "no Authorization header: the guard answers 401");
        assert_eq!(json_of(&anon)["code"], "unauthorized", "the server's error shape comes through");

        let bad = up
            .send(req(Method::POST, "cinedesk://localhost/cms/cinemas", Some(&token), Some(json!({"name": 5}))))
            .await;
        assert_eq!(bad.status(), StatusCode::BAD_REQUEST, "a bad body is the server's 400, not a transport error");
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn embedded_serves_binary_answers_untouched() {
        let (_dir, up, token) = embedded();
        let cinema = json!({"cinemaCode": "Q01", "name": "二号店", "regionID": "SHANGHAI"});
        let c = json_of(&up.send(req(Method::POST, "/cms/cinemas", Some(&token), Some(cinema))).await);
        let hall = json!({"hallCode": "Q01_H1", "name": "1号厅", "cinemaID": c["cinemaID"], "numberOfSeats": 4});
        let h = json_of(&up.send(req(Method::POST, "/cms/halls", Some(&token), Some(hall))).await);
        let seat = json!({"hallID": h["hallID"], "seatNumber": "A1", "IPAddr": "10.0.0.2"});
        let s = up.send(req(Method::POST, "/cms/vr_clients", Some(&token), Some(seat))).await;
        assert_eq!(s.status(), StatusCode::OK, "seat creation: {:?}", json_of(&s));
        let id = json_of(&s)["clientID"].as_str().unwrap().to_string();
        let qr =
            up.send(req(Method::GET, &format!("/cms/vr_clients/{id}/qr_code?format=png"), Some(&token), None)).await;
        assert_eq!(qr.status(), StatusCode::OK);
        assert_eq!(qr.headers()[header::CONTENT_TYPE], "image/png", "the webview needs the type to show it");
        assert!(qr.body().starts_with(b"\x89PNG\r\n\x1a\n"), "the PNG bytes arrive as they are");
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn remote_forwards_to_a_real_server_over_http() {
        let (_dir, up, token) = embedded();
        let Upstream::Embedded(router) = up else { unreachable!() };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, router).await });
        let remote = Upstream::remote(format!("http://{addr}"));

        let login = remote
            .send(req(
                Method::POST,
                "cinedesk://localhost/cms/login",
                None,
                Some(json!({"alias": "admin", "password": "transport-pass"})),
            ))
            .await;
        assert_eq!(login.status(), StatusCode::OK, "remote login: {:?}", json_of(&login));
        assert!(json_of(&login)["token"].is_string(), "the server's session comes back");

        let wrong = remote
            .send(req(Method::POST, "/cms/login", None, Some(json!({"alias": "admin", "password": "nope-nope"}))))
            .await;
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED, "the server's status is kept");

        let list = remote.send(req(Method::GET, "/cms/cinemas?limit=1", Some(&token), None)).await;
        assert_eq!(json_of(&list)["totalCount"], 0, "Authorization reached the remote server");
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn remote_unreachable_is_a_502_with_the_servers_error_shape() {
        // A port that was just free: nothing listens there.
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let remote = Upstream::remote(format!("http://127.0.0.1:{port}"));
        let res = remote.send(req(Method::GET, "/cms/app_info", None, None)).await;
        assert_eq!(res.status(), StatusCode::BAD_GATEWAY);
        let body = json_of(&res);
        assert_eq!(body["code"], "no_backend", "the UI knows this code: {body}");
        assert!(body["info"].as_str().unwrap().contains(&port.to_string()), "the message names the server: {body}");
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn remote_that_never_answers_times_out_as_a_502_naming_the_wait() {
        // Accepts the connection and says nothing, until the test is done with it.
        let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = silent.local_addr().unwrap();
        let (done, finished) = std::sync::mpsc::channel::<()>();
        let holder = std::thread::spawn(move || {
            let conn = silent.accept();
            let _ = finished.recv();
            drop(conn);
        });
        let remote = Upstream::remote_with_timeout(format!("http://{addr}"), Duration::from_millis(300));
        let res = remote.send(req(Method::GET, "/cms/app_info", None, None)).await;
        assert_eq!(res.status(), StatusCode::BAD_GATEWAY);
        let body = json_of(&res);
        assert_eq!(body["code"], "no_backend", "{body}");
        assert!(body["info"].as_str().unwrap().contains("timed out"), "says why: {body}");
        done.send(()).unwrap();
        holder.join().unwrap();
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn something_that_is_not_a_cinedesk_server_is_named_as_such() {
        // A plain HTTP server answering its one request with an HTML page.
        let other = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = other.local_addr().unwrap();
        let serve = std::thread::spawn(move || {
            use std::io::{Read, Write};
            let (mut s, _) = other.accept().unwrap();
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf);
            let page = "<html>hello</html>";
            let head = "HTTP/1.1 404 Not Found\r\ncontent-type: text/html\r\nconnection: close";
            let _ = write!(s, "{head}\r\ncontent-length: {}\r\n\r\n{page}", page.len());
        });
        let err = Upstream::remote(format!("http://{addr}")).server_info().await.unwrap_err();
        assert!(err.contains("not a Cinedesk server") && err.contains("404"), "{err}");
        serve.join().unwrap();
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn server_info_says_whether_the_server_has_users_or_why_it_cannot() {
        let dir = tempfile::tempdir().unwrap();
        let fresh = Upstream::Embedded(cinedesk_server::router(Arc::new(Cms::open(dir.path()).unwrap())));
        assert_eq!(fresh.server_info().await, Ok(false), "a fresh server asks for its first admin");
        let (_dir, up, _) = embedded();
        assert_eq!(up.server_info().await, Ok(true));
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let gone = Upstream::remote(format!("http://127.0.0.1:{port}")).server_info().await.unwrap_err();
        assert!(gone.contains("cannot reach"), "{gone}");
    }

    #[tokio::test]
    async fn unavailable_says_why() {
        let res = Upstream::Unavailable("database locked".into()).send(req(Method::GET, "/cms/x", None, None)).await;
        assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(json_of(&res)["info"], "database locked");
    }
}
