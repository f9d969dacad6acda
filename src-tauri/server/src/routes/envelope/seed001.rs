//! Seed 001's envelope and its answers' base64 credentials (upload, image and play): `{"result":"true","requestId":…,"message":"","code":"200","data":…}`, and on failure `result` "false", the `message`, `data` null, with `info`, `code` (and `field`) beside them at the HTTP status that says what kind.

use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::Engine;
use cinedesk_core::files::{iso_utc, Upload};
use cinedesk_core::vod_flow::Playback;
use cinedesk_core::{file_path, now_ms};
use serde::Serialize;
use serde_json::{json, Value};
use utoipa::ToSchema;

use crate::base_url::absolute;
use crate::error::ApiResult;
use crate::failure::{respond, ErrorBody};

/// Seed 001's envelope of a success.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct VodAnswer<T> {
    /// "true".
    result: &'static str,
    /// Shaped like the seed's (`c17f13d1-4ce8-407f-a82b-c4799f84xxxx`).
    request_id: String,
    message: &'static str,
    /// "200".
    code: &'static str,
    data: T,
}

/// Seed 001's envelope of a failure: `result` "false", why, no data; `info`, `code` and `field` as
/// in every other failure of this API.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct VodFailure {
    /// "false".
    result: &'static str,
    request_id: String,
    message: String,
    /// Always null.
    data: (),
    #[serde(flatten)]
    failure: ErrorBody,
}

/// The request's id (`x-request-id`), shaped like the seed's (`c17f13d1-4ce8-407f-a82b-c4799f84xxxx`).
fn request_id() -> String {
    crate::request_id::current().unwrap_or_else(crate::request_id::fresh)
}

/// `r` in the envelope; `message` is what a success says (seed 001 says 删除完成 after a delete).
pub(crate) fn reply<T: Serialize>(r: ApiResult<T>, message: &'static str) -> Response {
    match r {
        Ok(data) => {
            Json(VodAnswer { result: "true", request_id: request_id(), message, code: "200", data }).into_response()
        }
        Err(e) => {
            let (status, failure) = ErrorBody::of(&e);
            let (message, code) = (failure.info.clone(), failure.code);
            respond(status, VodFailure { result: "false", request_id: request_id(), message, data: (), failure }, code)
        }
    }
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UploadAuth {
    pub video_id: String,
    /// base64 JSON: Endpoint, Bucket, FileName, UploadUrl (the tus session), Protocol.
    pub upload_address: String,
    /// base64 JSON: UploadId, Protocol, Offset, Length, ExpireUTCTime, Expiration (seconds left).
    pub upload_auth: String,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct ImageUploadAuth {
    #[serde(rename = "uploadAddress")]
    pub upload_address: String,
    #[serde(rename = "uploadAuth")]
    pub upload_auth: String,
    #[serde(rename = "imageURL")]
    pub image_url: String,
    #[serde(rename = "imageId")]
    pub image_id: String,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct PlayAuth {
    #[serde(rename = "coverURL")]
    pub cover_url: String,
    /// Seconds, as a string like the seed's ("10.4167").
    pub duration: String,
    #[serde(rename = "videoId")]
    pub video_id: String,
    /// base64 JSON: VideoId, PlayURL, CoverURL, Duration, ExpireTime.
    #[serde(rename = "playAuth")]
    pub play_auth: String,
    #[serde(rename = "playURL")]
    pub play_url: String,
}

fn b64_json(v: Value) -> String {
    base64::engine::general_purpose::STANDARD.encode(v.to_string())
}

impl UploadAuth {
    /// The seed's upload address and credential for `upload`, a tus session of this server
    /// (reached at `base`).
    pub(crate) fn of(upload: &Upload, base: &str) -> UploadAuth {
        let base = base.trim_end_matches('/');
        let url = format!("{base}/files/{}", upload.upload_id);
        let upload_address = b64_json(json!({
            "Endpoint": base, "Bucket": "cinedesk", "FileName": upload.name, "UploadUrl": url, "Protocol": "tus",
        }));
        let left = ((upload.expire_time - now_ms()) / 1000).max(0);
        let upload_auth = b64_json(json!({
            "UploadId": upload.upload_id, "Protocol": "tus", "UploadUrl": url, "Offset": upload.offset,
            "Length": upload.length, "ExpireUTCTime": iso_utc(upload.expire_time), "Expiration": left.to_string(),
            "Region": "local",
        }));
        UploadAuth { video_id: upload.upload_id.clone(), upload_address, upload_auth }
    }
}

impl ImageUploadAuth {
    /// The credentials of `upload`, and the URL its image will be served at.
    pub(crate) fn of(upload: &Upload, base: &str) -> ImageUploadAuth {
        let auth = UploadAuth::of(upload, base);
        ImageUploadAuth {
            image_url: absolute(base, &file_path(Some(&upload.upload_id))),
            image_id: auth.video_id,
            upload_address: auth.upload_address,
            upload_auth: auth.upload_auth,
        }
    }
}

impl PlayAuth {
    /// Where `p`'s video plays, as URLs on `base`.
    pub(crate) fn of(p: &Playback, base: &str) -> PlayAuth {
        let video = &p.video;
        let play_url = absolute(base, &video.file_url);
        let cover_url = absolute(base, &video.cover_url);
        let duration = if video.duration > 0.0 { video.duration.to_string() } else { String::new() };
        let play_auth = b64_json(json!({
            "VideoId": video.video_id, "PlayURL": play_url, "CoverURL": cover_url, "Duration": duration,
            "ExpireTime": iso_utc(p.expire_time), "Title": video.title,
        }));
        PlayAuth { cover_url, duration, video_id: video.video_id.clone(), play_auth, play_url }
    }
}
