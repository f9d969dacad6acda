//! Seed §11: `GET /cms/upload/oss_policy`, the local PostObject endpoint `POST /cms/upload/oss_post`, and `POST /cms/upload/oss_callback` for real OSS.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::Engine;
use cinedesk_core::files::OssConfig;
use cinedesk_core::{Domain, Error};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::body::{next_field, pump, text, Form};
use crate::auth::{Caller, LoggedIn};
use crate::base_url::base_url;
use crate::error::ApiResult;
use crate::extract::{JsonBody, Query};
use crate::openapi::ErrorBody;
use crate::routes::done::{done, Done};
use crate::routes::envelope::oss::{OssCallback, OssPolicy};
use crate::state::AppState;

/// The policy a [`Caller`] asks for.
pub fn caller_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(policy))
}

/// The PostObject endpoint (authorized by its signed policy) and the OSS callback (by OSS's
/// signature).
pub fn public_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(post_object)).routes(routes!(callback))
}

/// Where direct uploads go (SYS_ADMIN, as the core decides).
pub fn settings_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(config, set_config))
}

/// Where direct uploads go (local or Aliyun OSS), without the secret.
#[utoipa::path(get, path = "/cms/upload/oss_config", tag = "uploads", operation_id = "get_oss_config",
    security(("bearer" = ["SYS_ADMIN"])),
    responses((status = 200, description = "The direct-upload settings", body = OssConfig)))]
async fn config(State(s): State<AppState>, session: LoggedIn) -> ApiResult<Json<OssConfig>> {
    Ok(Json(s.run(move |cms| cms.oss_config(&session.actor)).await?))
}

/// Sets where direct uploads go. Aliyun mode needs `host`, `accessKeyId`, `accessKeySecret`.
#[utoipa::path(put, path = "/cms/upload/oss_config", tag = "uploads", operation_id = "set_oss_config",
    security(("bearer" = ["SYS_ADMIN"])),
    request_body = OssConfig,
    responses((status = 200, description = "Saved", body = Done)))]
async fn set_config(
    State(s): State<AppState>,
    session: LoggedIn,
    JsonBody(c): JsonBody<OssConfig>,
) -> ApiResult<Json<Done>> {
    s.run(move |cms| cms.set_oss_config(&session.actor, c)).await?;
    Ok(done())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct PolicyParams {
    /// What the upload is for; it names the directory the policy allows.
    domain: Domain,
}

/// Seed §11.1: a policy for one direct upload (`POST` the form to `host`), valid for minutes.
#[utoipa::path(get, path = "/cms/upload/oss_policy", tag = "uploads", operation_id = "oss_policy",
    params(PolicyParams),
    responses((status = 200, description = "The signed policy and where to post", body = OssPolicy)))]
async fn policy(
    State(s): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Query(q): Query<PolicyParams>,
) -> ApiResult<Json<OssPolicy>> {
    let policy = s.run(move |cms| cms.oss_policy(&caller.actor, q.domain)).await?;
    Ok(Json(OssPolicy::of(policy, &base_url(&headers))))
}

/// The PostObject form, as OSS takes it: the policy's fields first, the file last.
#[derive(ToSchema)]
#[allow(dead_code)] // documents the multipart form read field by field
pub(crate) struct PostObjectForm {
    /// The object's key: the policy's `dir` + a name (`${filename}` is replaced by the file's name).
    key: String,
    /// The base64 policy of `GET /cms/upload/oss_policy`.
    policy: String,
    #[schema(rename = "OSSAccessKeyId")]
    oss_access_key_id: String,
    #[schema(rename = "Signature")]
    signature: String,
    /// The policy's `callback`, when it has one: the answer is then the callback's result.
    callback: Option<String>,
    /// 200, 201 or 204 (the default without a callback).
    success_action_status: Option<String>,
    /// The file (last).
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// The local PostObject endpoint: fields first (key, policy, OSSAccessKeyId, Signature,
/// callback, success_action_status …), `file` last, as OSS requires. The policy is checked
/// before one byte of the file is read, and the file's size against its range while it
/// streams in, so a refused upload stores nothing. Answers the callback result, as OSS
/// relays it.
#[utoipa::path(post, path = "/cms/upload/oss_post", tag = "uploads", operation_id = "oss_post_object",
    request_body(content = PostObjectForm, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "Stored; the callback's result", body = OssCallback),
        (status = 201, description = "Stored (`success_action_status` 201)", body = OssCallback),
        (status = 204, description = "Stored (no callback, `success_action_status` absent or 204)"),
        (status = 400, description = "A field missing or malformed, or a condition of the policy not met", body = ErrorBody),
        (status = 403, description = "The policy's signature, key or expiry does not allow this", body = ErrorBody),
        (status = 413, description = "The file is outside the policy's `content-length-range`", body = ErrorBody),
    ))]
async fn post_object(State(s): State<AppState>, form: Form) -> ApiResult<Response> {
    let mut form = form.unsigned()?;
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
            let mut ingest = cms.ingest_granted(&grant, content_type.as_deref())?;
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
            (_, Some(201)) => (StatusCode::CREATED, Json(OssCallback::success(file.file_id))).into_response(),
            _ => Json(OssCallback::success(file.file_id)).into_response(),
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
/// 200, success or not said by `isSuccess` (OSS relays the answer to the uploader). The body is
/// verified against OSS's RSA signature over the path, query and body.
#[utoipa::path(post, path = "/cms/upload/oss_callback", tag = "uploads", operation_id = "oss_callback",
    params(
        ("authorization" = Option<String>, Header, description = "OSS's base64 RSA signature"),
        ("x-oss-pub-key-url" = Option<String>, Header, description = "The base64 URL of OSS's public key"),
    ),
    request_body(content = String, content_type = "application/x-www-form-urlencoded",
        description = "The policy's `callbackBody`, as OSS filled it in"),
    responses((status = 200, description = "Recorded (`isSuccess` true) or refused (`isSuccess` false, `Info` why)",
        body = OssCallback)))]
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
        Ok(file) => OssCallback::success(file.file_id),
        Err(e) => {
            let (_, body) = ErrorBody::of(&e);
            tracing::warn!(info = body.info, "OSS callback refused");
            OssCallback::refused(body.info)
        }
    })
    .into_response()
}
