//! The `cinedesk://` URI scheme: the UI's HTTP transport inside the desktop app. Each request is
//! answered by the current [`Upstream`](crate::transport::Upstream), with the CORS headers the
//! webview needs (the page is `tauri://localhost`, another origin).

use http::{header, HeaderValue, Method, Request, Response, StatusCode};

use crate::transport::Upstream;

/// The scheme's name; the UI reaches it at [`api_base`].
pub const SCHEME: &str = "cinedesk";

/// The URL the webview uses for the scheme: WebKit (Linux, macOS) takes the custom scheme as is;
/// WebView2 (Windows) and Android only load custom protocols under `http://<scheme>.localhost`.
pub fn api_base() -> &'static str {
    if cfg!(any(windows, target_os = "android")) {
        "http://cinedesk.localhost"
    } else {
        "cinedesk://localhost"
    }
}

/// Answers one request of the webview.
pub async fn handle(upstream: Upstream, request: Request<Vec<u8>>) -> Response<Vec<u8>> {
    let mut response = if request.method() == Method::OPTIONS {
        preflight(&request)
    } else {
        let (method, path) = (request.method().clone(), request.uri().path().to_string());
        let response = upstream.send(request).await;
        tracing::debug!(%method, path, status = response.status().as_u16(), "api request");
        response
    };
    let headers = response.headers_mut();
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    // The UI may read any header of the answer (Content-Disposition of a PDF, say).
    headers.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, HeaderValue::from_static("*"));
    response
}

/// The answer to a CORS preflight. `Authorization` is never covered by a `*` in
/// Access-Control-Allow-Headers (Fetch standard), so the requested headers are named back.
fn preflight(request: &Request<Vec<u8>>) -> Response<Vec<u8>> {
    let mut res = Response::new(Vec::new());
    *res.status_mut() = StatusCode::NO_CONTENT;
    let h = res.headers_mut();
    h.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static("GET, POST, PUT, PATCH, DELETE, OPTIONS"));
    let asked = request.headers().get(header::ACCESS_CONTROL_REQUEST_HEADERS).cloned();
    h.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        asked.unwrap_or_else(|| HeaderValue::from_static("authorization, content-type")),
    );
    h.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("600"));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn preflight_names_the_requested_headers_back() {
        let req = Request::builder()
            .method(Method::OPTIONS)
            .uri("cinedesk://localhost/cms/cinemas")
            .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
            .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "authorization,content-type")
            .body(Vec::new())
            .unwrap();
        let res = handle(Upstream::Unavailable("not asked".into()), req).await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT, "the shell answers the preflight itself");
        let h = res.headers();
        assert_eq!(
            h[header::ACCESS_CONTROL_ALLOW_HEADERS],
            "authorization,content-type",
            "Authorization is allowed by name"
        );
        assert!(h[header::ACCESS_CONTROL_ALLOW_METHODS].to_str().unwrap().contains("DELETE"));
        assert_eq!(h[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    }

    #[tokio::test]
    async fn every_answer_carries_the_cors_headers() {
        let req = Request::builder().uri("cinedesk://localhost/cms/app_info").body(Vec::new()).unwrap();
        let res = handle(Upstream::Unavailable("closed".into()), req).await;
        assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE, "the upstream's own answer");
        assert_eq!(res.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*", "else the page cannot read it");
        assert_eq!(res.headers()[header::ACCESS_CONTROL_EXPOSE_HEADERS], "*");
    }
}
