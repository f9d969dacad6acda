//! Seed 001's requests (the VOD flows): getVideoUploadAuth, getImageUploadAuth, videoPublish and the processing callback, as their clients send them, and the core's inputs they become.

use cinedesk_core::files::MAX_FILE_SIZE;
use cinedesk_core::vod_flow::{EventKind, ImageUpload, ProcessingEvent, Publication, VideoUpload};
use cinedesk_core::{Error, Result};
use serde::Deserialize;
use serde_json::{Map, Value};
use utoipa::{IntoParams, ToSchema};

use super::{flex, required, whole};

/// getVideoUploadAuth's parameters.
#[derive(Deserialize, ToSchema, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"title": "宣传片", "fileName": "trailer.mp4", "fileSize": "1048576"}))]
pub(crate) struct VideoUploadRequest {
    #[serde(default, deserialize_with = "flex")]
    #[schema(required = true, min_length = 1)]
    #[param(required = true, min_length = 1, example = "宣传片")]
    pub title: Option<String>,
    /// The file's name, ending in a video extension (mp4, mov, mkv, webm, avi, flv, ts, …).
    #[serde(default, deserialize_with = "flex")]
    #[schema(required = true, min_length = 1)]
    #[param(required = true, min_length = 1, example = "trailer.mp4")]
    pub file_name: Option<String>,
    /// Required here: the store's upload session is made for a known length.
    #[serde(default, deserialize_with = "flex")]
    #[schema(required = true, pattern = "^[1-9][0-9]{0,12}$")]
    #[param(required = true, pattern = "^[1-9][0-9]{0,12}$", example = "1048576")]
    pub file_size: Option<String>,
    #[serde(default, deserialize_with = "flex")]
    pub description: Option<String>,
    #[serde(default, rename = "coverURL", deserialize_with = "flex")]
    pub cover_url: Option<String>,
    #[serde(default, deserialize_with = "flex")]
    pub tags: Option<String>,
}

/// getImageUploadAuth's parameters.
#[derive(Deserialize, ToSchema, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"imageType": "cover", "imageExt": "png", "title": "海报", "fileSize": "2048"}))]
pub(crate) struct ImageUploadRequest {
    /// default | cover
    #[serde(default, deserialize_with = "flex")]
    #[schema(pattern = "^(default|cover)$")]
    #[param(pattern = "^(default|cover)$", example = "cover")]
    pub image_type: Option<String>,
    #[serde(default, deserialize_with = "flex")]
    #[schema(pattern = "^(png|jpg|jpeg|gif|webp|bmp)$")]
    #[param(pattern = "^(png|jpg|jpeg|gif|webp|bmp)$", example = "png")]
    pub image_ext: Option<String>,
    #[serde(default, deserialize_with = "flex")]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "flex")]
    pub tags: Option<String>,
    /// Required here, as for videos.
    #[serde(default, deserialize_with = "flex")]
    #[schema(required = true, pattern = "^[1-9][0-9]{0,12}$")]
    #[param(required = true, pattern = "^[1-9][0-9]{0,12}$", example = "2048")]
    pub file_size: Option<String>,
}

/// videoPublish's parameters.
#[derive(Deserialize, ToSchema, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub(crate) struct VideoPublish {
    #[serde(default, deserialize_with = "flex")]
    pub video_id: Option<String>,
    #[serde(default, deserialize_with = "flex")]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "flex")]
    pub description: Option<String>,
    /// Seconds.
    #[serde(default, deserialize_with = "flex")]
    pub duration: Option<String>,
    #[serde(default, deserialize_with = "flex")]
    pub cover_url: Option<String>,
    #[serde(default, deserialize_with = "flex")]
    pub tags: Option<String>,
    #[serde(default, deserialize_with = "flex")]
    pub cate_id: Option<String>,
    #[serde(default, deserialize_with = "flex")]
    pub cate_name: Option<String>,
}

/// A processing callback: `EventTime`, `EventType`, `VideoId`, `Status`, and whatever the
/// processor adds (`SnapshotFileID`, `CoverUrl`, `Duration`, `Suggestion` …).
#[derive(Deserialize, ToSchema)]
pub(crate) struct VodEvent {
    #[serde(rename = "EventTime", default)]
    pub event_time: Option<String>,
    #[serde(rename = "EventType", default)]
    pub event_type: Option<String>,
    #[serde(rename = "VideoId", default)]
    pub video_id: Option<String>,
    #[serde(rename = "Status", default)]
    pub status: Option<String>,
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub detail: Map<String, Value>,
}

/// A file's size in bytes, which the store's upload sessions need ahead; its range is the core's.
fn size(v: Option<&str>) -> Result<u64> {
    let v = v.ok_or_else(|| {
        Error::invalid("fileSize", "is required: Cinedesk's store makes the upload session for a known length")
    })?;
    whole("fileSize", v, &format!("must be a size in bytes from 1 to {MAX_FILE_SIZE}"))
}

impl TryFrom<VideoUploadRequest> for VideoUpload {
    type Error = Error;

    fn try_from(r: VideoUploadRequest) -> Result<VideoUpload> {
        Ok(VideoUpload {
            size: size(r.file_size.as_deref())?,
            title: r.title.unwrap_or_default(),
            file_name: r.file_name.unwrap_or_default(),
            description: r.description,
            cover_url: r.cover_url,
            tags: r.tags,
        })
    }
}

impl TryFrom<ImageUploadRequest> for ImageUpload {
    type Error = Error;

    fn try_from(r: ImageUploadRequest) -> Result<ImageUpload> {
        match r.image_type.as_deref().unwrap_or("default") {
            "default" | "cover" => {}
            _ => return Err(Error::invalid("imageType", "must be default or cover")),
        }
        Ok(ImageUpload { size: size(r.file_size.as_deref())?, ext: r.image_ext, title: r.title, tags: r.tags })
    }
}

impl TryFrom<VideoPublish> for Publication {
    type Error = Error;

    fn try_from(p: VideoPublish) -> Result<Publication> {
        let duration = p
            .duration
            .as_deref()
            .map(|d| {
                d.parse::<f64>()
                    .map_err(|_| Error::invalid("duration", "must be seconds, more than 0 and at most a day"))
            })
            .transpose()?;
        let cate_id = p
            .cate_id
            .as_deref()
            .map(|c| c.parse::<i64>().map_err(|_| Error::invalid("cateId", "must be a whole number")))
            .transpose()?;
        Ok(Publication {
            video_id: required("videoId", p.video_id)?,
            title: p.title,
            description: p.description,
            duration,
            cover_url: p.cover_url,
            tags: p.tags,
            cate_id,
            cate_name: p.cate_name,
        })
    }
}

impl TryFrom<VodEvent> for ProcessingEvent {
    type Error = Error;

    fn try_from(e: VodEvent) -> Result<ProcessingEvent> {
        let kind = EventKind::parse(e.event_type.as_deref().unwrap_or_default())?;
        let success = match e.status.as_deref().unwrap_or_default() {
            "success" => true,
            "fail" => false,
            _ => return Err(Error::invalid("Status", "must be success or fail")),
        };
        let video_id = e.video_id.filter(|v| !v.is_empty()).ok_or_else(|| Error::invalid("VideoId", "is required"))?;
        Ok(ProcessingEvent { kind, success, video_id, event_time: e.event_time, detail: e.detail })
    }
}
