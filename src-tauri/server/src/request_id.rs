//! Every request gets an id: echoed in `x-request-id`, carried by the log lines written while it runs, and put in the body of a server error so the two can be matched.

use std::sync::Arc;

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

/// The header that carries a request's id in its answer.
pub const HEADER: &str = "x-request-id";

tokio::task_local! {
    static REQUEST_ID: Arc<str>;
}

/// A new id, shaped like seed 001's request ids (`c17f13d1-4ce8-407f-a82b-c4799f84a1b2`).
pub fn fresh() -> String {
    let h = cinedesk_core::new_secret();
    format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

/// The id of the request being answered on this task, if any.
pub fn current() -> Option<String> {
    REQUEST_ID.try_with(|id| id.to_string()).ok()
}

/// The outermost layer: gives the request its id for as long as it is answered.
pub async fn assign(req: Request, next: Next) -> Response {
    let id: Arc<str> = fresh().into();
    let span = tracing::info_span!("request", id = %id, method = %req.method(), path = %req.uri().path());
    let mut res = REQUEST_ID.scope(Arc::clone(&id), next.run(req).instrument(span)).await;
    res.headers_mut().insert(HEADER, HeaderValue::from_str(&id).expect("hex and dashes are a header value"));
    res
}
