//! Seed 001 over real HTTP on Cinedesk's own store: upload credentials, a real upload probed by the store's worker, publishing as a film, the lists, play credentials, deletion, and a callback sequence moving a film's state.

use std::time::{Duration, Instant};

use base64::Engine;
use cinedesk_core::files::{PartOptions, Protocol};
use cinedesk_core::{Actor, Domain, NewFile};
use serde_json::{json, Value};

use super::library::{signed, Who};
use super::{spawn_app, TestApp};

impl TestApp {
    /// A seed-001 call: GET with a query, or POST with a form body, as `who`.
    async fn vod(&self, who: &Who<'_>, method: &str, path: &str, params: &[(&str, &str)]) -> (u16, Value) {
        let encoded: String = form_urlencoded::Serializer::new(String::new()).extend_pairs(params).finish();
        let mut req = match method {
            "GET" => self.http.get(format!("{}{path}?{encoded}", self.base)),
            _ => self
                .http
                .post(format!("{}{path}", self.base))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(encoded.clone()),
        };
        req = match who {
            Who::Token(t) => req.bearer_auth(t),
            Who::Signed(key) => signed(req, key, &encoded),
            Who::Nobody => req,
        };
        let res = req.send().await.unwrap();
        (res.status().as_u16(), res.json().await.unwrap())
    }

    /// Sends a video's (or image's) bytes through its upload session, as the tus route would.
    fn upload_bytes(&self, id: &str, owner: &Actor, bytes: &[u8]) -> String {
        let mut part = self.cms.begin_part(owner, id, Protocol::Tus, 0, PartOptions::default()).unwrap();
        part.write(bytes).unwrap();
        let outcome = part.commit().unwrap();
        outcome.file.expect("the last byte makes the file").file_id
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

/// A real two-second MPEG-4 film, made by FFmpeg.
fn film() -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("film.mp4");
    let status = std::process::Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=duration=2:size=160x120:rate=10", "-c:v", "mpeg4"])
        .arg(&out)
        .status()
        .expect("FFmpeg must be installed to make a test film");
    assert!(status.success(), "ffmpeg made the test film");
    std::fs::read(out).unwrap()
}

async fn video(app: &TestApp, who: &Who<'_>, id: &str) -> Value {
    let list =
        ok(app.vod(who, "GET", "/vod/getPersonalVideoList", &[("pageIndex", "1"), ("pageSize", "50")]).await, "list");
    list["videoList"].as_array().unwrap().iter().find(|v| v["videoId"] == id).cloned().unwrap_or(Value::Null)
}

/// Waits for the store's worker to finish with a video.
async fn processed(app: &TestApp, who: &Who<'_>, id: &str) -> Value {
    let start = Instant::now();
    loop {
        let v = video(app, who, id).await;
        if v["status"] != "PROCESSING" && v["snapshotStatus"] != "" {
            return v;
        }
        assert!(start.elapsed() < Duration::from_secs(60), "the store processes video {id} within a minute: {v}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn movie(app: &TestApp, id: &str) -> Value {
    let (status, m) = app.get(&format!("/cms/movies/{id}")).await;
    assert_eq!(status, 200, "{m}");
    m
}

#[tokio::test]
async fn a_video_is_uploaded_processed_published_played_and_deleted() {
    let app = spawn_app().await;
    let admin = Who::Token(&app.token);
    let owner = Actor::User(app.cms.authenticate(&app.token).unwrap());
    let bytes = film();
    let size = bytes.len().to_string();

    refused(
        app.vod(&admin, "GET", "/vod/getVideoUploadAuth", &[("title", "过山车"), ("fileName", "ride.mp4")]).await,
        400,
        Some("fileSize"),
        "our store needs the size",
    );
    refused(
        app.vod(
            &admin,
            "GET",
            "/vod/getVideoUploadAuth",
            &[("title", "过山车"), ("fileName", "ride.txt"), ("fileSize", &size)],
        )
        .await,
        400,
        Some("fileName"),
        "a video extension",
    );
    refused(
        app.vod(
            &admin,
            "GET",
            "/vod/getVideoUploadAuth",
            &[("title", &"长".repeat(43)), ("fileName", "a.mp4"), ("fileSize", &size)],
        )
        .await,
        400,
        Some("title"),
        "128 bytes of title at most",
    );
    refused(
        app.vod(
            &Who::Nobody,
            "GET",
            "/vod/getVideoUploadAuth",
            &[("title", "t"), ("fileName", "a.mp4"), ("fileSize", &size)],
        )
        .await,
        401,
        None,
        "no caller",
    );

    // The seed's token parameter works like a bearer header.
    let auth = ok(
        app.vod(
            &Who::Nobody,
            "GET",
            "/vod/getVideoUploadAuth",
            &[
                ("token", &app.token),
                ("title", "过山车 VR"),
                ("fileName", "ride.MP4"),
                ("fileSize", &size),
                ("description", "一段两秒的测试片"),
                ("tags", "VR,过山车"),
            ],
        )
        .await,
        "getVideoUploadAuth",
    );
    let id = auth["videoId"].as_str().unwrap().to_string();
    let address = decode(auth["uploadAddress"].as_str().unwrap());
    let upload = decode(auth["uploadAuth"].as_str().unwrap());
    assert_eq!(address["UploadUrl"], format!("{}/files/{id}", app.base), "a tus session of this server: {address}");
    assert_eq!((upload["UploadId"].as_str(), upload["Offset"].as_u64()), (Some(id.as_str()), Some(0)), "{upload}");
    assert_eq!(upload["Length"].as_u64(), Some(bytes.len() as u64));
    let refreshed = ok(app.vod(&admin, "GET", "/vod/refreshVideoUploadAuth", &[("videoId", &id)]).await, "refresh");
    assert_eq!(
        decode(refreshed["uploadAddress"].as_str().unwrap())["UploadUrl"],
        address["UploadUrl"],
        "the same session"
    );
    assert_eq!(video(&app, &admin, &id).await["status"], "UPLOADING", "no content yet");
    refused(
        app.vod(&admin, "GET", "/vod/getVideoPlayAuth", &[("videoId", &id)]).await,
        409,
        None,
        "nothing to play yet",
    );
    refused(
        app.vod(&admin, "POST", "/vod/videoPublish", &[("videoId", &id)]).await,
        409,
        None,
        "nothing to publish yet",
    );

    // The content arrives; the store's worker probes it and takes a snapshot: its events make
    // the video READY with a cover.
    let file = app.upload_bytes(&id, &owner, &bytes);
    assert_eq!(file, id, "the video's id is its file's id");
    refused(
        app.vod(&admin, "GET", "/vod/refreshVideoUploadAuth", &[("videoId", &id)]).await,
        409,
        None,
        "uploaded already",
    );
    let v = processed(&app, &admin, &id).await;
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

    // Publishing makes it a film, online at once since it is playable.
    let published = ok(
        app.vod(&admin, "POST", "/vod/videoPublish", &[("videoId", &id), ("cateName", "ADVENTURE"), ("cateId", "3")])
            .await,
        "publish",
    );
    let movie_id = published["movieID"].as_str().unwrap().to_string();
    let m = movie(&app, &movie_id).await;
    assert_eq!(
        (m["online"].as_bool(), m["fileID"].as_str(), m["category"].as_str()),
        (Some(true), Some(id.as_str()), Some("ADVENTURE")),
        "{m}"
    );
    assert_eq!((m["name"].as_str(), m["duration"].as_i64()), (Some("过山车 VR"), Some(1)), "title and minutes: {m}");
    assert!(m["posterID"].as_str().is_some_and(|p| p != id), "the snapshot became the poster: {m}");
    refused(
        app.vod(&admin, "POST", "/vod/videoPublish", &[("videoId", &id)]).await,
        409,
        Some("videoId"),
        "published twice",
    );
    let recommended = ok(
        app.vod(&admin, "GET", "/vod/getRecommendVideoList", &[("pageIndex", "1"), ("pageSize", "10")]).await,
        "recommended",
    );
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
    let play = ok(app.vod(&admin, "GET", "/vod/getVideoPlayAuth", &[("videoId", &id)]).await, "play");
    assert_eq!(play["playURL"], format!("{}/cms/files/{id}", app.base), "{play}");
    assert_eq!(decode(play["playAuth"].as_str().unwrap())["VideoId"], id.as_str());

    // Others: a MANAGER sees it (published) but may not delete it.
    let m_id = app
        .create(
            "/cms/users",
            "userID",
            json!({"name": "经理", "alias": "vod_m", "role": "MANAGER", "password": "manager-pass"}),
        )
        .await;
    let m_token = app.login("vod_m", "manager-pass").await;
    let other = Who::Token(&m_token);
    ok(
        app.vod(&other, "GET", "/vod/getVideoPlayAuth", &[("videoId", &id)]).await,
        "a published video plays for anyone",
    );
    refused(
        app.vod(&other, "POST", "/vod/deleteVideoById", &[("videoId", &id), ("userId", &m_id)]).await,
        403,
        None,
        "another's video",
    );
    assert_eq!(
        ok(app.vod(&other, "GET", "/vod/getPersonalVideoList", &[]).await, "theirs")["total"],
        0,
        "a personal list is personal"
    );
    refused(
        app.vod(&admin, "POST", "/vod/deleteVideoById", &[("videoId", &id), ("userId", &m_id)]).await,
        403,
        None,
        "the userId must be the video's",
    );

    // An image for a cover.
    let image = ok(
        app.vod(
            &admin,
            "GET",
            "/vod/getImageUploadAuth",
            &[("imageType", "cover"), ("imageExt", "jpg"), ("fileSize", "1024")],
        )
        .await,
        "image",
    );
    assert_eq!(image["imageURL"], format!("{}/cms/files/{}", app.base, image["imageId"].as_str().unwrap()));
    refused(
        app.vod(&admin, "GET", "/vod/getImageUploadAuth", &[("imageType", "banner"), ("fileSize", "1")]).await,
        400,
        Some("imageType"),
        "default or cover",
    );

    let (status, body) =
        app.vod(&admin, "POST", "/vod/deleteVideoById", &[("videoId", &id), ("userId", &app.admin_id())]).await;
    assert_eq!(
        (status, body["message"].as_str(), body["data"].is_null()),
        (200, Some("删除完成"), true),
        "as the seed answers: {body}"
    );
    assert_eq!(app.get(&format!("/cms/movies/{movie_id}")).await.0, 404, "the film went with it");
    assert_eq!(ok(app.vod(&admin, "GET", "/vod/getPersonalVideoList", &[]).await, "list")["total"], 0);
    refused(app.vod(&admin, "GET", "/vod/getVideoPlayAuth", &[("videoId", &id)]).await, 404, None, "a deleted video");
}

#[tokio::test]
async fn callbacks_move_a_films_state() {
    let app = spawn_app().await;
    let admin = Who::Token(&app.token);
    let owner = Actor::User(app.cms.authenticate(&app.token).unwrap());
    // Not a film at all: the store's probe fails and says so.
    let junk = vec![7u8; 4096];
    let auth = ok(
        app.vod(
            &admin,
            "POST",
            "/vod/getVideoUploadAuth",
            &[("title", "外部转码"), ("fileName", "raw.mov"), ("fileSize", "4096")],
        )
        .await,
        "auth",
    );
    let id = auth["videoId"].as_str().unwrap().to_string();
    let event = |kind: &str, status: &str, extra: Value| {
        let mut e = json!({"EventTime": "2024-05-01T08:00:00Z", "EventType": kind, "VideoId": id, "Status": status});
        for (k, v) in extra.as_object().unwrap() {
            e[k] = v.clone();
        }
        e
    };
    let post = |who: &Who<'_>, body: Value| {
        let req = app
            .http
            .post(format!("{}/vod/callback", app.base))
            .header("content-type", "application/json")
            .body(body.to_string());
        let req = match who {
            Who::Token(t) => req.bearer_auth(t),
            Who::Signed(key) => signed(req, key, &body.to_string()),
            Who::Nobody => req,
        };
        async move {
            let res = req.send().await.unwrap();
            (res.status().as_u16(), res.json::<Value>().await.unwrap())
        }
    };
    refused(
        post(&admin, event("StreamTranscodeComplete", "success", json!({}))).await,
        409,
        None,
        "a callback before the upload",
    );
    app.upload_bytes(&id, &owner, &junk);
    let v = processed(&app, &admin, &id).await;
    assert_eq!(
        (v["status"].as_str(), v["transcodeStatus"].as_str()),
        (Some("FAILED"), Some("fail")),
        "the worker's failed probe: {v}"
    );
    let movie_id =
        ok(app.vod(&admin, "POST", "/vod/videoPublish", &[("videoId", &id), ("duration", "42")]).await, "publish")
            ["movieID"]
            .as_str()
            .unwrap()
            .to_string();
    let m = movie(&app, &movie_id).await;
    assert_eq!(
        (m["online"].as_bool(), m["posterID"].as_str()),
        (Some(false), None),
        "a failed video's film is offline: {m}"
    );
    assert_eq!(
        ok(app.vod(&admin, "GET", "/vod/getRecommendVideoList", &[]).await, "rec")["total"],
        0,
        "and not recommended"
    );

    // An external transcoder succeeds: playable, online, its duration the film's.
    let v = ok(
        post(&admin, event("StreamTranscodeComplete", "success", json!({"Definition": "HD", "Duration": 125.5}))).await,
        "transcoded",
    );
    assert_eq!((v["status"].as_str(), v["duration"].as_f64()), (Some("READY"), Some(125.5)), "{v}");
    let m = movie(&app, &movie_id).await;
    assert_eq!(
        (m["online"].as_bool(), m["duration"].as_i64()),
        (Some(true), Some(3)),
        "online, 125.5 s is 3 minutes: {m}"
    );
    assert_eq!(
        ok(app.vod(&admin, "GET", "/vod/getRecommendVideoList", &[]).await, "rec")["total"],
        1,
        "recommended now"
    );

    // A snapshot of the transcoder's becomes the poster.
    let shot = app
        .cms
        .store_bytes(&owner, NewFile::new("shot.jpg", Domain::Movie), b"\xff\xd8\xff\xe0 not really a jpeg")
        .unwrap();
    let v = ok(
        post(
            &admin,
            event("SnapshotComplete", "success", json!({"SnapshotFileID": shot.file_id, "CoverUrl": shot.url})),
        )
        .await,
        "snapshot",
    );
    assert_eq!(v["snapshotStatus"], "success");
    assert_eq!(movie(&app, &movie_id).await["posterID"], shot.file_id.as_str(), "the snapshot is the film's poster");

    // A manager takes the film offline by hand: an unrelated event leaves that choice alone.
    assert_eq!(app.put(&format!("/cms/movies/{movie_id}"), json!({"online": false})).await.0, 200);
    ok(post(&admin, event("SnapshotComplete", "success", json!({}))).await, "another snapshot");
    assert_eq!(movie(&app, &movie_id).await["online"], false, "only transitions of the video move the film");
    assert_eq!(app.put(&format!("/cms/movies/{movie_id}"), json!({"online": true})).await.0, 200);

    // Censorship refuses it: blocked, offline, unplayable.
    let v = ok(post(&admin, event("AIVideoCensorComplete", "fail", json!({"Suggestion": "block"}))).await, "censored");
    assert_eq!((v["status"].as_str(), v["censorStatus"].as_str()), (Some("BLOCKED"), Some("fail")), "{v}");
    assert_eq!(movie(&app, &movie_id).await["online"], false, "a refused film goes offline");
    refused(
        app.vod(&admin, "GET", "/vod/getVideoPlayAuth", &[("videoId", &id)]).await,
        403,
        None,
        "a blocked video does not play",
    );
    assert_eq!(ok(app.vod(&admin, "GET", "/vod/getRecommendVideoList", &[]).await, "rec")["total"], 0);

    // Every event is kept with the file, the worker's and the callbacks' alike.
    let file = app.cms.file(&Actor::System, &id).unwrap();
    let kinds: Vec<&str> = file.events.iter().map(|e| e.event_type.as_str()).collect();
    assert!(
        kinds.contains(&"AIVideoCensorComplete")
            && kinds.iter().filter(|k| **k == "StreamTranscodeComplete").count() == 2,
        "{kinds:?}"
    );

    // Bad callbacks.
    refused(post(&admin, event("Nope", "success", json!({}))).await, 400, Some("EventType"), "an unknown event");
    refused(post(&admin, event("SnapshotComplete", "done", json!({}))).await, 400, Some("Status"), "success or fail");
    refused(
        post(&admin, event("SnapshotComplete", "success", json!({"SnapshotFileID": "nope"}))).await,
        400,
        Some("SnapshotFileID"),
        "an unknown snapshot",
    );
    refused(
        post(&admin, event("StreamTranscodeComplete", "success", json!({"Duration": "long"}))).await,
        400,
        Some("Duration"),
        "seconds",
    );
    let mut unknown = event("SnapshotComplete", "success", json!({}));
    unknown["VideoId"] = json!("nope");
    refused(post(&admin, unknown).await, 404, None, "an unknown video");
    let cinema = app.cinema("vod_x").await;
    let key = app.api_key(&cinema).await;
    refused(
        post(&Who::Signed(&key), event("SnapshotComplete", "success", json!({}))).await,
        403,
        None,
        "a cinema's client, for another's video",
    );
    refused(post(&Who::Nobody, event("SnapshotComplete", "success", json!({}))).await, 401, None, "no caller");
    refused(
        app.vod(&Who::Signed(&key), "POST", "/vod/videoPublish", &[("videoId", &id)]).await,
        403,
        None,
        "a cinema publishes no films",
    );
    refused(
        app.vod(&admin, "GET", "/vod/getRecommendVideoList", &[("pageSize", "51")]).await,
        400,
        Some("pageSize"),
        "pages of at most 50",
    );
}
