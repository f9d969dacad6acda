//! Seed 001 over real HTTP on Cinedesk's own store: upload credentials, a real upload probed by
//! the store's worker, publishing as a film, the lists, play credentials, deletion, and callbacks
//! moving a film's state.

use base64::Engine;
use cinedesk_core::files::{PartOptions, Protocol};
use cinedesk_core::{Actor, Domain, NewFile};
use serde_json::{json, Value};

use crate::helpers::{film, spawn_app, TestApp, Who};

impl TestApp {
    /// A seed-001 call: GET with a query, or POST with a form body, as `who`.
    async fn vod(&self, who: &Who<'_>, method: &str, path: &str, params: &[(&str, &str)]) -> (u16, Value) {
        let encoded: String = form_urlencoded::Serializer::new(String::new()).extend_pairs(params).finish();
        let req = match method {
            "GET" => self.http.get(format!("{}{path}?{encoded}", self.base)),
            _ => self
                .http
                .post(self.url(path))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(encoded.clone()),
        };
        let res = who.on(req, &encoded).send().await.unwrap();
        (res.status().as_u16(), res.json().await.unwrap())
    }

    /// The admin's seed-001 call.
    async fn vod_admin(&self, method: &str, path: &str, params: &[(&str, &str)]) -> (u16, Value) {
        self.vod(&Who::Token(&self.token), method, path, params).await
    }

    /// Sends a video's bytes through its upload session, as the tus route would.
    pub(crate) fn upload_bytes(&self, id: &str, bytes: &[u8]) -> String {
        let owner = Actor::User(self.cms.authenticate(&self.token).unwrap());
        let mut part = self.cms.begin_part(&owner, id, Protocol::Tus, 0, PartOptions::default()).unwrap();
        part.write(bytes).unwrap();
        let outcome = part.commit().unwrap();
        outcome.file.expect("the last byte makes the file").file_id
    }

    /// The admin's video `id` as the personal list shows it, once the store processed it.
    async fn processed_video(&self, id: &str) -> Value {
        self.processed(id).await;
        self.video(&Who::Token(&self.token), id).await
    }

    async fn video(&self, who: &Who<'_>, id: &str) -> Value {
        let list = self.vod(who, "GET", "/vod/getPersonalVideoList", &[("pageIndex", "1"), ("pageSize", "50")]).await;
        let list = ok(list, "list");
        list["videoList"].as_array().unwrap().iter().find(|v| v["videoId"] == id).cloned().unwrap_or(Value::Null)
    }

    async fn film_of(&self, movie: &str) -> Value {
        let (status, m) = self.get(&format!("/cms/movies/{movie}")).await;
        assert_eq!(status, 200, "{m}");
        m
    }

    /// How many videos are recommended.
    async fn recommended(&self) -> Value {
        ok(self.vod_admin("GET", "/vod/getRecommendVideoList", &[]).await, "recommended")["total"].clone()
    }
}

/// Asserts the seed's success envelope and answers its data.
#[track_caller]
fn ok(answer: (u16, Value), what: &str) -> Value {
    let (status, body) = answer;
    assert_eq!(
        (status, body["result"].as_str(), body["code"].as_str()),
        (200, Some("true"), Some("200")),
        "{what}: {body}"
    );
    let request_id = body["requestId"].as_str().unwrap();
    assert!(
        request_id.len() == 36 && request_id.matches('-').count() == 4,
        "a request id like the seed's: {request_id}"
    );
    body["data"].clone()
}

#[track_caller]
fn refused(answer: (u16, Value), status: u16, field: Option<&str>, why: &str) {
    let (got, body) = answer;
    assert_eq!((got, body["result"].as_str()), (status, Some("false")), "{why}: {body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()) && body["info"] == body["message"],
        "{why}: {body}"
    );
    if let Some(f) = field {
        assert_eq!(body["field"].as_str(), Some(f), "{why}: {body}");
    }
}

fn decode(b64: &str) -> Value {
    serde_json::from_slice(&base64::engine::general_purpose::STANDARD.decode(b64).unwrap()).unwrap()
}

/// A video's upload credentials for a film of `size` bytes, asked with the seed's token
/// parameter; answers them.
async fn upload_auth(app: &TestApp, size: usize) -> Value {
    let size = size.to_string();
    let params = [
        ("token", app.token.as_str()),
        ("title", "过山车 VR"),
        ("fileName", "ride.MP4"),
        ("fileSize", &size),
        ("description", "一段两秒的测试片"),
        ("tags", "VR,过山车"),
    ];
    ok(app.vod(&Who::Nobody, "GET", "/vod/getVideoUploadAuth", &params).await, "getVideoUploadAuth")
}

/// A real two-second film uploaded and processed: its video id.
async fn ready_video(app: &TestApp) -> String {
    let bytes = film(2, "160x120");
    let id = upload_auth(app, bytes.len()).await["videoId"].as_str().unwrap().to_string();
    assert_eq!(app.upload_bytes(&id, &bytes), id, "the video's id is its file's id");
    app.processed(&id).await;
    id
}

/// A ready video published as a film: (video, film).
async fn published_video(app: &TestApp) -> (String, String) {
    let id = ready_video(app).await;
    let params = [("videoId", id.as_str()), ("cateName", "ADVENTURE"), ("cateId", "3")];
    let published = ok(app.vod_admin("POST", "/vod/videoPublish", &params).await, "publish");
    (id, published["movieID"].as_str().unwrap().to_string())
}

#[tokio::test]
async fn video_upload_credentials_refuse_bad_input() {
    let app = spawn_app().await;
    let auth = "/vod/getVideoUploadAuth";
    let no_size = app.vod_admin("GET", auth, &[("title", "过山车"), ("fileName", "ride.mp4")]).await;
    refused(no_size, 400, Some("fileSize"), "our store needs the size");
    let text = app.vod_admin("GET", auth, &[("title", "过山车"), ("fileName", "ride.txt"), ("fileSize", "9")]).await;
    refused(text, 400, Some("fileName"), "a video extension");
    let long = "长".repeat(43);
    let long = app.vod_admin("GET", auth, &[("title", &long), ("fileName", "a.mp4"), ("fileSize", "9")]).await;
    refused(long, 400, Some("title"), "128 bytes of title at most");
    let nobody = app.vod(&Who::Nobody, "GET", auth, &[("title", "t"), ("fileName", "a.mp4"), ("fileSize", "9")]).await;
    refused(nobody, 401, None, "no caller");
}

#[tokio::test]
async fn video_upload_credentials_open_a_tus_session_of_this_server() {
    let app = spawn_app().await;
    let auth = upload_auth(&app, 1000).await;
    let id = auth["videoId"].as_str().unwrap().to_string();
    let address = decode(auth["uploadAddress"].as_str().unwrap());
    let upload = decode(auth["uploadAuth"].as_str().unwrap());
    assert_eq!(address["UploadUrl"], format!("{}/files/{id}", app.base), "a tus session of this server: {address}");
    assert_eq!((upload["UploadId"].as_str(), upload["Offset"].as_u64()), (Some(id.as_str()), Some(0)), "{upload}");
    assert_eq!(upload["Length"].as_u64(), Some(1000));
    let refreshed = ok(app.vod_admin("GET", "/vod/refreshVideoUploadAuth", &[("videoId", &id)]).await, "refresh");
    let same = decode(refreshed["uploadAddress"].as_str().unwrap());
    assert_eq!(same["UploadUrl"], address["UploadUrl"], "the same session");
}

#[tokio::test]
async fn a_video_without_content_neither_plays_nor_publishes() {
    let app = spawn_app().await;
    let id = upload_auth(&app, 1000).await["videoId"].as_str().unwrap().to_string();
    assert_eq!(app.video(&Who::Token(&app.token), &id).await["status"], "UPLOADING", "no content yet");
    let play = app.vod_admin("GET", "/vod/getVideoPlayAuth", &[("videoId", &id)]).await;
    refused(play, 409, None, "nothing to play yet");
    let publish = app.vod_admin("POST", "/vod/videoPublish", &[("videoId", &id)]).await;
    refused(publish, 409, None, "nothing to publish yet");
}

#[tokio::test]
async fn an_uploaded_video_is_processed_into_a_ready_video_with_a_cover() {
    let app = spawn_app().await;
    let id = ready_video(&app).await;
    let refresh = app.vod_admin("GET", "/vod/refreshVideoUploadAuth", &[("videoId", &id)]).await;
    refused(refresh, 409, None, "uploaded already");
    let v = app.processed_video(&id).await;
    assert_eq!(
        (v["status"].as_str(), v["transcodeStatus"].as_str(), v["snapshotStatus"].as_str()),
        (Some("READY"), Some("success"), Some("success")),
        "{v}"
    );
    assert!((v["duration"].as_f64().unwrap() - 2.0).abs() < 0.2, "the probed duration: {v}");
    assert!(v["coverUrl"].as_str().unwrap().starts_with("/cms/files/"), "the snapshot is the cover: {v}");
    assert_eq!(
        (v["fileUrl"].as_str(), v["tags"].as_str()),
        (Some(format!("/cms/files/{id}").as_str()), Some("VR,过山车"))
    );
}

#[tokio::test]
async fn publishing_a_ready_video_makes_an_online_film_once() {
    let app = spawn_app().await;
    let (id, movie_id) = published_video(&app).await;
    let m = app.film_of(&movie_id).await;
    assert_eq!(
        (m["online"].as_bool(), m["fileID"].as_str(), m["category"].as_str()),
        (Some(true), Some(id.as_str()), Some("ADVENTURE")),
        "{m}"
    );
    assert_eq!((m["name"].as_str(), m["duration"].as_i64()), (Some("过山车 VR"), Some(1)), "title and minutes: {m}");
    assert!(m["posterID"].as_str().is_some_and(|p| p != id), "the snapshot became the poster: {m}");
    let twice = app.vod_admin("POST", "/vod/videoPublish", &[("videoId", &id)]).await;
    refused(twice, 409, Some("videoId"), "published twice");
}

#[tokio::test]
async fn a_published_video_is_recommended_in_the_seeds_fields() {
    let app = spawn_app().await;
    let (id, _) = published_video(&app).await;
    let list = app.vod_admin("GET", "/vod/getRecommendVideoList", &[("pageIndex", "1"), ("pageSize", "10")]).await;
    let recommended = ok(list, "recommended");
    assert_eq!(
        (recommended["total"].as_u64(), recommended["videoList"][0]["videoId"].as_str()),
        (Some(1), Some(id.as_str()))
    );
    let video_keys = [
        "id",
        "videoId",
        "title",
        "description",
        "duration",
        "coverUrl",
        "creationTime",
        "status",
        "firstFrameUrl",
        "size",
        "cateId",
        "cateName",
        "tags",
        "shareUrl",
        "user",
        "transcodeStatus",
        "snapshotStatus",
        "censorStatus",
        "narrowTranscodeStatus",
        "fileUrl",
    ];
    for key in video_keys {
        assert!(recommended["videoList"][0].get(key).is_some(), "a Video has the seed's {key}");
    }
}

#[tokio::test]
async fn a_published_video_plays_from_this_server() {
    let app = spawn_app().await;
    let (id, _) = published_video(&app).await;
    let play = ok(app.vod_admin("GET", "/vod/getVideoPlayAuth", &[("videoId", &id)]).await, "play");
    assert_eq!(play["playURL"], format!("{}/cms/files/{id}", app.base), "{play}");
    assert_eq!(decode(play["playAuth"].as_str().unwrap())["VideoId"], id.as_str());
}

#[tokio::test]
async fn others_play_a_published_video_but_may_not_delete_it() {
    let app = spawn_app().await;
    let (id, _) = published_video(&app).await;
    let (m_id, m_token) = app.manager("vod_m").await;
    let other = Who::Token(&m_token);
    let play = app.vod(&other, "GET", "/vod/getVideoPlayAuth", &[("videoId", &id)]).await;
    ok(play, "a published video plays for anyone");
    let delete = app.vod(&other, "POST", "/vod/deleteVideoById", &[("videoId", &id), ("userId", &m_id)]).await;
    refused(delete, 403, None, "another's video");
    let theirs = ok(app.vod(&other, "GET", "/vod/getPersonalVideoList", &[]).await, "theirs");
    assert_eq!(theirs["total"], 0, "a personal list is personal");
    let as_them = app.vod_admin("POST", "/vod/deleteVideoById", &[("videoId", &id), ("userId", &m_id)]).await;
    refused(as_them, 403, None, "the userId must be the video's");
}

#[tokio::test]
async fn image_upload_credentials_answer_a_file_url_for_covers() {
    let app = spawn_app().await;
    let params = [("imageType", "cover"), ("imageExt", "jpg"), ("fileSize", "1024")];
    let image = ok(app.vod_admin("GET", "/vod/getImageUploadAuth", &params).await, "image");
    assert_eq!(image["imageURL"], format!("{}/cms/files/{}", app.base, image["imageId"].as_str().unwrap()));
    let banner = app.vod_admin("GET", "/vod/getImageUploadAuth", &[("imageType", "banner"), ("fileSize", "1")]).await;
    refused(banner, 400, Some("imageType"), "default or cover");
}

#[tokio::test]
async fn deleting_a_video_takes_its_film() {
    let app = spawn_app().await;
    let (id, movie_id) = published_video(&app).await;
    let (status, body) =
        app.vod_admin("POST", "/vod/deleteVideoById", &[("videoId", &id), ("userId", &app.admin_id())]).await;
    assert_eq!(
        (status, body["message"].as_str(), body["data"].is_null()),
        (200, Some("删除完成"), true),
        "as the seed answers: {body}"
    );
    assert_eq!(app.get(&format!("/cms/movies/{movie_id}")).await.0, 404, "the film went with it");
    assert_eq!(ok(app.vod_admin("GET", "/vod/getPersonalVideoList", &[]).await, "list")["total"], 0);
    let play = app.vod_admin("GET", "/vod/getVideoPlayAuth", &[("videoId", &id)]).await;
    refused(play, 404, None, "a deleted video");
}

// ---------------------------------------------------------------- callbacks

/// A processing callback of `kind` and `status` for `video`, with `extra` fields.
fn event(video: &str, kind: &str, status: &str, extra: Value) -> Value {
    let mut e = json!({"EventTime": "2024-05-01T08:00:00Z", "EventType": kind, "VideoId": video, "Status": status});
    for (k, v) in extra.as_object().unwrap() {
        e[k] = v.clone();
    }
    e
}

/// Posts a callback as `who`.
async fn callback(app: &TestApp, who: &Who<'_>, body: Value) -> (u16, Value) {
    let text = body.to_string();
    let req = app.http.post(app.url("/vod/callback")).header("content-type", "application/json").body(text.clone());
    let res = who.on(req, &text).send().await.unwrap();
    (res.status().as_u16(), res.json::<Value>().await.unwrap())
}

/// A video that is not a film at all, uploaded (the store's probe fails on it) and published
/// with a duration of 42 s: (video, film).
async fn failed_video(app: &TestApp) -> (String, String) {
    let params = [("title", "外部转码"), ("fileName", "raw.mov"), ("fileSize", "4096")];
    let id = ok(app.vod_admin("POST", "/vod/getVideoUploadAuth", &params).await, "auth")["videoId"]
        .as_str()
        .unwrap()
        .to_string();
    app.upload_bytes(&id, &[7u8; 4096]);
    app.processed(&id).await;
    let published = app.vod_admin("POST", "/vod/videoPublish", &[("videoId", &id), ("duration", "42")]).await;
    (id, ok(published, "publish")["movieID"].as_str().unwrap().to_string())
}

/// An external transcoder's success for `video`, by the admin.
async fn transcoded(app: &TestApp, video: &str) {
    let done = event(video, "StreamTranscodeComplete", "success", json!({}));
    ok(callback(app, &Who::Token(&app.token), done).await, "transcoded");
}

#[tokio::test]
async fn a_callback_before_the_upload_is_a_conflict() {
    let app = spawn_app().await;
    let params = [("title", "外部转码"), ("fileName", "raw.mov"), ("fileSize", "4096")];
    let id = ok(app.vod_admin("POST", "/vod/getVideoUploadAuth", &params).await, "auth")["videoId"]
        .as_str()
        .unwrap()
        .to_string();
    let admin = Who::Token(&app.token);
    let early = callback(&app, &admin, event(&id, "StreamTranscodeComplete", "success", json!({}))).await;
    refused(early, 409, None, "a callback before the upload");
}

#[tokio::test]
async fn a_video_whose_probe_failed_publishes_an_offline_film_nobody_is_recommended() {
    let app = spawn_app().await;
    let (id, movie_id) = failed_video(&app).await;
    let v = app.processed_video(&id).await;
    assert_eq!(
        (v["status"].as_str(), v["transcodeStatus"].as_str()),
        (Some("FAILED"), Some("fail")),
        "the worker's failed probe: {v}"
    );
    let m = app.film_of(&movie_id).await;
    assert_eq!(
        (m["online"].as_bool(), m["posterID"].as_str()),
        (Some(false), None),
        "a failed video's film is offline: {m}"
    );
    assert_eq!(app.recommended().await, 0, "and not recommended");
}

#[tokio::test]
async fn an_external_transcoders_success_puts_the_film_online() {
    let app = spawn_app().await;
    let (id, movie_id) = failed_video(&app).await;
    let done = event(&id, "StreamTranscodeComplete", "success", json!({"Definition": "HD", "Duration": 125.5}));
    let v = ok(callback(&app, &Who::Token(&app.token), done).await, "transcoded");
    assert_eq!((v["status"].as_str(), v["duration"].as_f64()), (Some("READY"), Some(125.5)), "{v}");
    let m = app.film_of(&movie_id).await;
    assert_eq!(
        (m["online"].as_bool(), m["duration"].as_i64()),
        (Some(true), Some(3)),
        "online, 125.5 s is 3 minutes: {m}"
    );
    assert_eq!(app.recommended().await, 1, "recommended now");
}

#[tokio::test]
async fn a_transcoders_snapshot_becomes_the_films_poster() {
    let app = spawn_app().await;
    let (id, movie_id) = failed_video(&app).await;
    let owner = Actor::User(app.cms.authenticate(&app.token).unwrap());
    let shot = app
        .cms
        .store_bytes(&owner, NewFile::new("shot.jpg", Domain::Movie), b"\xff\xd8\xff\xe0 not really a jpeg")
        .unwrap();
    let snapshot =
        event(&id, "SnapshotComplete", "success", json!({"SnapshotFileID": shot.file_id, "CoverUrl": shot.url}));
    let v = ok(callback(&app, &Who::Token(&app.token), snapshot).await, "snapshot");
    assert_eq!(v["snapshotStatus"], "success");
    assert_eq!(app.film_of(&movie_id).await["posterID"], shot.file_id.as_str(), "the snapshot is the film's poster");
}

#[tokio::test]
async fn an_unrelated_event_leaves_a_film_taken_offline_by_hand_alone() {
    let app = spawn_app().await;
    let (id, movie_id) = failed_video(&app).await;
    transcoded(&app, &id).await;
    let admin = Who::Token(&app.token);
    assert_eq!(app.put(&format!("/cms/movies/{movie_id}"), json!({"online": false})).await.0, 200);
    ok(callback(&app, &admin, event(&id, "SnapshotComplete", "success", json!({}))).await, "another snapshot");
    assert_eq!(app.film_of(&movie_id).await["online"], false, "only transitions of the video move the film");
}

#[tokio::test]
async fn a_censorship_block_takes_the_film_offline_and_unplayable() {
    let app = spawn_app().await;
    let (id, movie_id) = failed_video(&app).await;
    transcoded(&app, &id).await;
    let admin = Who::Token(&app.token);
    let block = event(&id, "AIVideoCensorComplete", "fail", json!({"Suggestion": "block"}));
    let v = ok(callback(&app, &admin, block).await, "censored");
    assert_eq!((v["status"].as_str(), v["censorStatus"].as_str()), (Some("BLOCKED"), Some("fail")), "{v}");
    assert_eq!(app.film_of(&movie_id).await["online"], false, "a refused film goes offline");
    let play = app.vod_admin("GET", "/vod/getVideoPlayAuth", &[("videoId", &id)]).await;
    refused(play, 403, None, "a blocked video does not play");
    assert_eq!(app.recommended().await, 0);
}

#[tokio::test]
async fn every_event_is_kept_with_the_file() {
    let app = spawn_app().await;
    let (id, _) = failed_video(&app).await;
    transcoded(&app, &id).await;
    let admin = Who::Token(&app.token);
    let block = event(&id, "AIVideoCensorComplete", "fail", json!({"Suggestion": "block"}));
    ok(callback(&app, &admin, block).await, "censored");
    // The worker's events and the callbacks' alike.
    let file = app.cms.file(&Actor::System, &id).unwrap();
    let kinds: Vec<&str> = file.events.iter().map(|e| e.event_type.as_str()).collect();
    assert!(
        kinds.contains(&"AIVideoCensorComplete")
            && kinds.iter().filter(|k| **k == "StreamTranscodeComplete").count() == 2,
        "{kinds:?}"
    );
}

#[tokio::test]
async fn a_bad_callback_is_refused_naming_the_field() {
    let app = spawn_app().await;
    let (id, _) = failed_video(&app).await;
    let admin = Who::Token(&app.token);
    for (body, field, why) in [
        (event(&id, "Nope", "success", json!({})), "EventType", "an unknown event"),
        (event(&id, "SnapshotComplete", "done", json!({})), "Status", "success or fail"),
        (
            event(&id, "SnapshotComplete", "success", json!({"SnapshotFileID": "nope"})),
            "SnapshotFileID",
            "an unknown snapshot",
        ),
        (event(&id, "StreamTranscodeComplete", "success", json!({"Duration": "long"})), "Duration", "seconds"),
    ] {
        refused(callback(&app, &admin, body).await, 400, Some(field), why);
    }
    let unknown = event("nope", "SnapshotComplete", "success", json!({}));
    refused(callback(&app, &admin, unknown).await, 404, None, "an unknown video");
}

#[tokio::test]
async fn a_cinemas_client_may_neither_call_back_for_nor_publish_anothers_video() {
    let app = spawn_app().await;
    let (id, _) = failed_video(&app).await;
    let key = app.api_key(&app.cinema("vod_x").await).await;
    let cinema = Who::Signed(&key);
    let snapshot = event(&id, "SnapshotComplete", "success", json!({}));
    refused(callback(&app, &cinema, snapshot.clone()).await, 403, None, "a cinema's client, for another's video");
    refused(callback(&app, &Who::Nobody, snapshot).await, 401, None, "no caller");
    let publish = app.vod(&cinema, "POST", "/vod/videoPublish", &[("videoId", &id)]).await;
    refused(publish, 403, None, "a cinema publishes no films");
}

#[tokio::test]
async fn recommended_pages_hold_at_most_50() {
    let app = spawn_app().await;
    let page = app.vod_admin("GET", "/vod/getRecommendVideoList", &[("pageSize", "51")]).await;
    refused(page, 400, Some("pageSize"), "pages of at most 50");
}
