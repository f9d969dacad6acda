//! Seed §11: `GET /cms/upload/oss_policy`, the local PostObject endpoint `POST /cms/upload/oss_post`, and `POST /cms/upload/oss_callback` for real OSS.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use cinedesk_core::files::{OssCallback, OssConfig, OssPolicy};
use cinedesk_core::{Domain, Error};

use super::{base_url, next_field, pump, text, Caller, Form};
use crate::error::ApiResult;
use crate::extract::{JsonBody, QueryPairs};
use crate::routes::done;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/cms/upload/oss_policy", get(policy))
        .route("/cms/upload/oss_post", post(post_object))
        .route("/cms/upload/oss_callback", post(callback))
}

pub fn admin_routes() -> Router<AppState> {
    Router::new().route("/cms/upload/oss_config", get(config).put(set_config))
}

async fn config(State(s): State<AppState>) -> ApiResult<Json<OssConfig>> {
    Ok(Json(s.run(|cms| cms.oss_config()).await?))
}

async fn set_config(State(s): State<AppState>, JsonBody(c): JsonBody<OssConfig>) -> ApiResult<Json<serde_json::Value>> {
    s.run(move |cms| cms.set_oss_config(c)).await?;
    Ok(done())
}

/// `GET /cms/upload/oss_policy?domain=MOVIE`
async fn policy(
    State(s): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    uri: Uri,
    q: QueryPairs,
) -> ApiResult<Json<OssPolicy>> {
    caller.covers(&[uri.query().unwrap_or("")])?;
    let domain = Domain::parse(&q.one("domain").ok_or_else(|| Error::invalid("domain", "is required"))?)?;
    let (owner, base) = (caller.owner(), base_url(&headers));
    Ok(Json(s.run(move |cms| cms.oss_policy(domain, &owner, &base)).await?))
}

fn success(file_id: String) -> OssCallback {
    OssCallback { is_success: true, file_id, info: "成功".into() }
}

/// The local PostObject endpoint: fields first (key, policy, OSSAccessKeyId, Signature,
/// callback, success_action_status …), `file` last, as OSS requires. The policy is checked
/// before one byte of the file is read, and the file's size against its range while it
/// streams in, so a refused upload stores nothing. Answers the callback result, as OSS
/// relays it.
async fn post_object(State(s): State<AppState>, Form(mut form): Form) -> ApiResult<Response> {
    let mut fields: Vec<(String, String)> = Vec::new();
    while let Some(mut field) = next_field(&mut form).await? {
        let name = field.name().unwrap_or("").to_string();
        if !name.eq_ignore_ascii_case("file") {
            let value = text(&mut field).await?;
            fields.push((name, value));
            continue;
        }
        let filename = field.file_name().unwrap_or("").to_string();
        let content_type = field.content_type().map(str::to_string);
        let (f, n) = (fields.clone(), filename.clone());
        let grant = s.run(move |cms| cms.check_post_policy(&f, &n)).await?;
        let mut job = pump(&s, move |cms, mut feed| {
            let mut ingest = cms.ingest(grant.file.with_mime(content_type.as_deref()), grant.max_size)?;
            if !feed.drain(|b| ingest.write_bytes(b))? {
                return Err(Error::invalid("file", "the upload broke off"));
            }
            Ok((ingest.finish(grant.min_size)?, grant.success_status))
        });
        job.field(&mut field).await;
        let (file, status) = job.finish().await?;
        let has_callback = fields.iter().any(|(k, v)| k.eq_ignore_ascii_case("callback") && !v.is_empty());
        // OSS answers 204 and no body unless told otherwise; with a callback, its result.
        return Ok(match (has_callback, status) {
            (false, None | Some(204)) => StatusCode::NO_CONTENT.into_response(),
            (_, Some(201)) => (StatusCode::CREATED, Json(success(file.file_id))).into_response(),
            _ => Json(success(file.file_id)).into_response(),
        });
    }
    Err(Error::invalid("file", "is required (the last field of the form)").into())
}

/// Public keys fetched for OSS callbacks, by URL: OSS signs every callback with the same key.
fn key_cache() -> &'static Mutex<HashMap<String, String>> {
    static KEYS: OnceLock<Mutex<HashMap<String, String>>> = OnceLock::new();
    KEYS.get_or_init(Default::default)
}

async fn public_key(s: &AppState, url: &str) -> ApiResult<String> {
    if let Some(pem) = key_cache().lock().unwrap_or_else(|p| p.into_inner()).get(url) {
        return Ok(pem.clone());
    }
    let u = url.to_string();
    if !s.run(move |cms| cms.oss_pub_key_url_allowed(&u)).await? {
        return Err(
            Error::Denied(format!("OSS callback refused: its public key URL {url} is not an accepted one")).into()
        );
    }
    let fetch = async {
        let res = reqwest::Client::new().get(url).timeout(std::time::Duration::from_secs(10)).send().await?;
        res.error_for_status()?.text().await
    };
    let pem =
        fetch.await.map_err(|e| Error::Denied(format!("OSS callback refused: cannot fetch its public key: {e}")))?;
    key_cache().lock().unwrap_or_else(|p| p.into_inner()).insert(url.to_string(), pem.clone());
    Ok(pem)
}

/// `POST /cms/upload/oss_callback`, called by OSS after a direct upload. Seed §11.2: always
/// 200, success or not said by `isSuccess` (OSS relays the answer to the uploader).
async fn callback(State(s): State<AppState>, headers: HeaderMap, uri: Uri, body: Bytes) -> Response {
    let result = async {
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
        let auth =
            header("authorization").ok_or_else(|| Error::Denied("OSS callback refused: no authorization".into()))?;
        let key_url = header("x-oss-pub-key-url")
            .and_then(|v| base64::engine::general_purpose::STANDARD.decode(v.trim()).ok())
            .and_then(|b| String::from_utf8(b).ok())
            .ok_or_else(|| Error::Denied("OSS callback refused: no valid x-oss-pub-key-url".into()))?;
        let pem = public_key(&s, &key_url).await?;
        let (path, query) = (uri.path().to_string(), uri.query().map(str::to_string));
        s.run(move |cms| cms.oss_callback(&pem, &auth, &path, query.as_deref(), &body)).await
    }
    .await;
    Json(match result {
        Ok(file) => success(file.file_id),
        Err(e) => {
            tracing::warn!(error = %e, "OSS callback refused");
            OssCallback { is_success: false, file_id: String::new(), info: e.to_string() }
        }
    })
    .into_response()
}
