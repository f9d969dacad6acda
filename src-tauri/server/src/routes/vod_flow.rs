//! Seed 001's VOD flows over HTTP on Cinedesk's own store: upload and play credentials, publishing, lists, deletion, processing callbacks, in the seed's envelope.
//!
//! Answers are in seed 001's envelope (`envelope::seed001`). Parameters may come in the query, a
//! form body or a JSON body, on GET and POST alike; `token` (the seed's session
//! parameter) or a bearer header or a seed-004 signature say who calls ([`Call`]). The
//! processing callback route is `/vod/callback` (the seed leaves it to the console's setting).

use axum::extract::State;
use axum::response::Response;
use cinedesk_core::vod_flow::{ImageUpload, ProcessingEvent, Publication, Video, VideoPage, VideoUpload};
use cinedesk_core::Error;
use serde::Serialize;
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::call::{get_and_post, Call};
use super::envelope::seed001::{reply, ImageUploadAuth, PlayAuth, UploadAuth, VodAnswer, VodFailure};
use super::request::seed001::{ImageUploadRequest, VideoPublish, VideoUploadRequest, VodEvent};
use crate::error::ApiResult;
use crate::openapi;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    let mut routes = OpenApiRouter::new()
        .routes(routes!(get_video_upload_auth, post_video_upload_auth))
        .routes(routes!(get_refresh_video_upload_auth, post_refresh_video_upload_auth))
        .routes(routes!(get_image_upload_auth, post_image_upload_auth))
        .routes(routes!(get_video_play_auth, post_video_play_auth))
        .routes(routes!(get_video_publish, post_video_publish))
        .routes(routes!(get_recommend_video_list, post_recommend_video_list))
        .routes(routes!(get_personal_video_list, post_personal_video_list))
        .routes(routes!(get_delete_video_by_id, post_delete_video_by_id))
        .routes(routes!(callback));
    let api = routes.get_openapi_mut();
    openapi::require_caller(api);
    openapi::accept_token_parameter(api);
    openapi::failures_as(
        api,
        "VodFailure",
        &[
            ("400", "Bad input: a parameter missing, of the wrong type or out of range"),
            ("401", "No valid session or signature, or a signature over another request"),
            ("403", "The video is someone else's or was refused, or this is for the chain's operators only"),
            ("413", "The body is over 1 MiB"),
            ("500", "The server failed (storage)"),
        ],
    );
    routes
}

/// refreshVideoUploadAuth's answer: new credentials for the same upload.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct RefreshedAuth {
    upload_address: String,
    upload_auth: String,
}

/// videoPublish's answer: the film the video became.
#[derive(Serialize, ToSchema)]
struct Published {
    #[serde(rename = "movieID")]
    movie_id: String,
}

/// A video named by its id.
#[derive(ToSchema, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // read with the other parameters of the call; this struct documents them
struct VideoRef {
    #[param(rename = "videoId", min_length = 1)]
    #[schema(rename = "videoId", min_length = 1)]
    video_id: String,
}

/// deleteVideoById's parameters.
#[derive(ToSchema, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // read with the other parameters of the call; this struct documents them
struct VideoDelete {
    #[param(rename = "videoId", min_length = 1)]
    #[schema(rename = "videoId", min_length = 1)]
    video_id: String,
    /// When given, the video must be this user's.
    #[param(rename = "userId")]
    #[schema(rename = "userId")]
    user_id: Option<String>,
}

/// A page of a video list.
#[derive(ToSchema, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // read with the other parameters of the call; this struct documents them
struct VideoPageParams {
    /// From 1.
    #[param(rename = "pageIndex")]
    #[schema(rename = "pageIndex")]
    page_index: Option<u32>,
    #[param(rename = "pageSize")]
    #[schema(rename = "pageSize")]
    page_size: Option<u32>,
}

fn video_id(call: &Call) -> ApiResult<String> {
    call.param("videoId")?.ok_or_else(|| Error::invalid("videoId", "is required").into())
}

get_and_post!(
    /// Credentials to upload a video (`fileSize` required): a tus session of the store, named in
    /// the base64 `uploadAddress` and `uploadAuth`.
    get_video_upload_auth, post_video_upload_auth, "/vod/getVideoUploadAuth", "vod", VideoUploadRequest,
    video_upload_auth,
    responses(
        (status = 200, description = "The video's id and its upload credentials", body = VodAnswer<UploadAuth>),
        (status = 413, description = "`fileSize` is over the largest upload", body = VodFailure),
    )
);

async fn video_upload_auth(State(s): State<AppState>, call: ApiResult<Call>) -> Response {
    let result = async {
        let call = call?;
        let req = VideoUpload::try_from(call.params_as::<VideoUploadRequest>()?)?;
        let actor = call.actor();
        let upload = s.run(move |cms| cms.vod_video_upload_auth(&actor, req)).await?;
        Ok(UploadAuth::of(&upload, &call.base_url()))
    };
    reply(result.await, "")
}

get_and_post!(
    /// New credentials for an unfinished upload.
    get_refresh_video_upload_auth, post_refresh_video_upload_auth, "/vod/refreshVideoUploadAuth", "vod", VideoRef,
    refresh_upload_auth,
    responses(
        (status = 200, description = "The new credentials", body = VodAnswer<RefreshedAuth>),
        (status = 404, description = "No such video", body = VodFailure),
        (status = 409, description = "The video is uploaded already, or its upload expired", body = VodFailure),
    )
);

async fn refresh_upload_auth(State(s): State<AppState>, call: ApiResult<Call>) -> Response {
    let result = async {
        let call = call?;
        let id = video_id(&call)?;
        let actor = call.actor();
        let upload = s.run(move |cms| cms.vod_refresh_upload_auth(&actor, &id)).await?;
        let auth = UploadAuth::of(&upload, &call.base_url());
        Ok(RefreshedAuth { upload_address: auth.upload_address, upload_auth: auth.upload_auth })
    };
    reply(result.await, "")
}

get_and_post!(
    /// Credentials to upload an image (`fileSize` required).
    get_image_upload_auth, post_image_upload_auth, "/vod/getImageUploadAuth", "vod", ImageUploadRequest,
    image_upload_auth,
    responses(
        (status = 200, description = "The image's id, URL and upload credentials", body = VodAnswer<ImageUploadAuth>),
        (status = 413, description = "`fileSize` is over the largest upload", body = VodFailure),
    )
);

async fn image_upload_auth(State(s): State<AppState>, call: ApiResult<Call>) -> Response {
    let result = async {
        let call = call?;
        let req = ImageUpload::try_from(call.params_as::<ImageUploadRequest>()?)?;
        let actor = call.actor();
        let upload = s.run(move |cms| cms.vod_image_upload_auth(&actor, req)).await?;
        Ok(ImageUploadAuth::of(&upload, &call.base_url()))
    };
    reply(result.await, "")
}

get_and_post!(
    /// Credentials to play a video: its owner or a SYS_ADMIN once uploaded, anyone once published,
    /// nobody while refused.
    get_video_play_auth, post_video_play_auth, "/vod/getVideoPlayAuth", "vod", VideoRef, play_auth,
    responses(
        (status = 200, description = "The play URL and credentials", body = VodAnswer<PlayAuth>),
        (status = 404, description = "No such video", body = VodFailure),
        (status = 409, description = "The video is still uploading", body = VodFailure),
    )
);

async fn play_auth(State(s): State<AppState>, call: ApiResult<Call>) -> Response {
    let result = async {
        let call = call?;
        let id = video_id(&call)?;
        let actor = call.actor();
        let playback = s.run(move |cms| cms.vod_play_auth(&actor, &id)).await?;
        Ok(PlayAuth::of(&playback, &call.base_url()))
    };
    reply(result.await, "")
}

get_and_post!(
    /// Publishes an uploaded video as a film (the chain's operators only).
    get_video_publish, post_video_publish, "/vod/videoPublish", "vod", VideoPublish, publish,
    responses(
        (status = 200, description = "The film", body = VodAnswer<Published>),
        (status = 404, description = "No such video", body = VodFailure),
        (status = 409, description = "Published already, or still uploading", body = VodFailure),
    )
);

async fn publish(State(s): State<AppState>, call: ApiResult<Call>) -> Response {
    let result = async {
        let call = call?;
        let p = Publication::try_from(call.params_as::<VideoPublish>()?)?;
        let actor = call.actor();
        Ok(Published { movie_id: s.run(move |cms| cms.vod_publish(&actor, p)).await? })
    };
    reply(result.await, "")
}

get_and_post!(
    /// Published videos whose film is online, newest first.
    get_recommend_video_list, post_recommend_video_list, "/vod/getRecommendVideoList", "vod", VideoPageParams,
    recommended,
    responses((status = 200, description = "A page of videos", body = VodAnswer<VideoPage>))
);

async fn recommended(State(s): State<AppState>, call: ApiResult<Call>) -> Response {
    let result = async {
        let call = call?;
        let (index, size, actor) = (call.u32("pageIndex")?, call.u32("pageSize")?, call.actor());
        s.run(move |cms| cms.vod_recommended(&actor, index, size)).await
    };
    reply(result.await, "")
}

get_and_post!(
    /// The caller's videos in every state, newest first.
    get_personal_video_list, post_personal_video_list, "/vod/getPersonalVideoList", "vod", VideoPageParams,
    personal,
    responses((status = 200, description = "A page of videos", body = VodAnswer<VideoPage>))
);

async fn personal(State(s): State<AppState>, call: ApiResult<Call>) -> Response {
    let result = async {
        let call = call?;
        let (index, size) = (call.u32("pageIndex")?, call.u32("pageSize")?);
        let actor = call.actor();
        s.run(move |cms| cms.vod_personal(&actor, index, size)).await
    };
    reply(result.await, "")
}

get_and_post!(
    /// Deletes a video, its film and an unfinished upload (the stored file stays).
    get_delete_video_by_id, post_delete_video_by_id, "/vod/deleteVideoById", "vod", VideoDelete, delete,
    responses(
        (status = 200, description = "Deleted (`message` 删除完成, `data` null)", body = VodAnswer<utoipa::TupleUnit>),
        (status = 404, description = "No such video", body = VodFailure),
        (status = 409, description = "A VOD task still needs its film", body = VodFailure),
    )
);

async fn delete(State(s): State<AppState>, call: ApiResult<Call>) -> Response {
    let result = async {
        let call = call?;
        let id = video_id(&call)?;
        let user = call.param("userId")?;
        let actor = call.actor();
        s.run(move |cms| cms.vod_delete(&actor, &id, user.as_deref())).await
    };
    reply(result.await, "删除完成")
}

/// A processing event (StreamTranscodeComplete, SnapshotComplete, AIVideoCensorComplete) for a
/// video, as a form or JSON; it moves the video's (and its film's) state.
#[utoipa::path(post, path = "/vod/callback", tag = "vod",
    request_body(content((VodEvent = "application/x-www-form-urlencoded"), (VodEvent = "application/json"))),
    responses(
        (status = 200, description = "Recorded: the video as it is now", body = VodAnswer<Video>),
        (status = 404, description = "No such video", body = VodFailure),
        (status = 409, description = "The video has not finished uploading", body = VodFailure),
    ))]
async fn callback(State(s): State<AppState>, call: ApiResult<Call>) -> Response {
    let result = async {
        let call = call?;
        let mut params = call.params()?;
        params.remove("token"); // the caller's session, not part of the event
        let event: VodEvent = crate::extract::parse_json(Value::Object(params).to_string().as_bytes())?;
        let event = ProcessingEvent::try_from(event)?;
        let actor = call.actor();
        s.run(move |cms| cms.vod_event(&actor, event)).await
    };
    reply(result.await, "")
}
