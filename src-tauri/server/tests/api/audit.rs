//! The audit log over HTTP: the document's write operations each leave exactly one entry with
//! the record before and after; a MANAGER reads the entries of its own cinemas only.
//!
//! The walk reads the served OpenAPI document, so a write route added without a case here fails
//! it. The seed protocols' POSTs that only read, and the upload protocols' transport steps (whose
//! files are audited when they are used, not per chunk), are named as such.

use serde_json::{json, Value};

use crate::helpers::{png, spawn_app, TestApp, Who, USER_PASSWORD};
use cinedesk_core::{Actor, Domain, NewFile};

/// One write as the walk makes it, and the action its entry must name.
struct Case {
    op: &'static str,
    method: &'static str,
    path: String,
    body: Option<Value>,
    action: &'static str,
}

fn case(op: &'static str, method: &'static str, path: String, body: Option<Value>, action: &'static str) -> Case {
    Case { op, method, path, body, action }
}

/// Operations the walk does not make, each group with why it records nothing here.
const NOT_WALKED: &[&str] = &[
    // A viewer's like, view or mark of a resource is a counter on it, not a change by staff.
    "praise_movie",
    "view_resource",
    "mark_resource",
    // Upload sessions and their bytes: the core audits no session's opening, chunk or
    // cancelling; a stored file becomes a record when a write uses it (a film's file, a
    // library resource, a video), and that write is recorded.
    "upload_token_post",
    "upload_user_icon",
    "oss_callback",
    "oss_post_object",
    "tus_create_bare",
    "tus_create",
    "tus_delete",
    "tus_patch",
    "chunked_upload",
    "disk_create_fid",
    "disk_file_resume",
    "disk_uploadify",
    "disk_uncompleted_files_form",
    "post_image_upload_auth",
    "post_refresh_video_upload_auth",
    // The seed protocols' POSTs that only read.
    "query_chapters",
    "query_folders",
    "query_spaces",
    "resource_info",
    "list_resources",
    "post_personal_video_list",
    "post_recommend_video_list",
    "post_video_play_auth",
    // Ends every session (the walk's too) and swaps the log for the restored one: its one
    // entry is checked in `backup::a_backup_then_a_restore_from_the_routes_gives_back_a_deleted_cinema`.
    "restore_backup",
    // Deletes only files older than a grace period of days, one entry each: checked in
    // `storage::orphans_past_the_grace_period_are_listed_and_reclaimed_and_used_or_young_ones_are_not`.
    "reclaim_files",
    // A COMS's telemetry (seat statuses, disk figures): written for the site, not a person's
    // change, even when an operator posts one by hand.
    "heartbeat",
    // A reader's own marks, not a change to the chain; a test message changes nothing.
    "read_notification",
    "read_all_notifications",
    "test_webhook",
];

/// The data an answer in a seed's envelope holds under `key`.
#[track_caller]
fn data(answer: (u16, Value), key: &str) -> String {
    let (status, body) = answer;
    assert_eq!(status, 200, "{body}");
    body["data"][key].as_str().unwrap_or_else(|| panic!("{key} in {body}")).to_string()
}

/// The seed library's writes over records the walk makes: a folder, a picture resource, a
/// classification node, and `film` to take the picture as its poster.
async fn library_cases(app: &TestApp, film: &str) -> Vec<Case> {
    let who = Who::Token(&app.token);
    let folder = |name: &str| json!({"ownerType": "2", "parentId": "0", "dirName": name});
    let dir = data(app.call(&who, "/onlineDisk/createFolder", folder("海报")).await, "dirId");
    let parent = data(app.call(&who, "/onlineDisk/createFolder", folder("素材")).await, "dirId");
    let owner = Actor::User(app.cms.authenticate(&app.token).unwrap());
    let picture = app.cms.store_bytes(&owner, NewFile::new("poster.png", Domain::Resource), &png(64, 40)).unwrap();
    let body = json!({"fid": picture.file_id, "title": "海报", "resForm": "1", "ownerType": "2"});
    let res = data(app.call(&who, "/onlineDisk/createResource", body).await, "resId");
    let node = json!({"parentId": "0", "kind": "genre", "title": "过山车"});
    let node = data(app.call(&who, "/onlineDisk/createClassification", node).await, "classificationId");
    let link = json!({"title": "讲义", "resForm": "2", "url": "https://example.com/s.pdf", "ownerType": "2"});
    let disk = |op, path: &str, body, action| case(op, "POST", format!("/onlineDisk/{path}"), Some(body), action);
    vec![
        disk("create_folder", "createFolder", folder("新文件夹"), "create"),
        disk("rename_folder", "renameFolder", json!({"dirId": dir, "dirName": "影院海报"}), "update"),
        disk("move_folder", "moveFolder", json!({"dirId": dir, "parentId": parent}), "update"),
        disk("create_resource", "createResource", link, "create"),
        disk("update_resource", "updateResource", json!({"resId": res, "title": "新海报"}), "update"),
        disk(
            "use_for_movie",
            "useResourceForMovie",
            json!({"resId": res, "movieId": film, "usage": "poster"}),
            "update",
        ),
        disk("delete_resource", "deleteResource", json!({"resIdList": [res]}), "delete"),
        disk("delete_folder", "deleteFolder", json!({"dirId": parent, "recursive": "1"}), "delete"),
        disk(
            "create_classification",
            "createClassification",
            json!({"parentId": "0", "kind": "genre", "title": "飞行"}),
            "create",
        ),
        disk(
            "update_classification",
            "updateClassification",
            json!({"classificationId": node, "title": "云霄"}),
            "update",
        ),
        disk("delete_classification", "deleteClassification", json!({"classificationId": node}), "delete"),
    ]
}

/// The VOD flow's writes over a video the walk uploads (bytes the store's probe refuses, so it
/// is published with its duration given): a new video, publishing it as a film, an external
/// transcoder's success, and its deletion with its film.
async fn vod_cases(app: &TestApp) -> Vec<Case> {
    let upload = |title: &str| json!({"title": title, "fileName": "raw.mov", "fileSize": "4096"});
    let who = Who::Token(&app.token);
    let video = data(app.send_as(&who, "POST", "/vod/getVideoUploadAuth", Some(upload("外部转码"))).await, "videoId");
    app.upload_bytes(&video, &[7u8; 4096]);
    app.processed(&video).await;
    let done = json!({"EventType": "StreamTranscodeComplete", "VideoId": video, "Status": "success"});
    let vod = |op, path: &str, body, action| case(op, "POST", format!("/vod/{path}"), Some(body), action);
    vec![
        vod("post_video_upload_auth", "getVideoUploadAuth", upload("新片"), "create"),
        vod("post_video_publish", "videoPublish", json!({"videoId": video, "duration": "42"}), "update"),
        vod("callback", "callback", done, "update"),
        vod("post_delete_video_by_id", "deleteVideoById", json!({"videoId": video}), "delete"),
    ]
}

/// Every write the walk makes, in an order where each finds what it needs: the records are made
/// by the walk itself (`create_*` first, `delete_*` last), the seeds' writes before the REST
/// family's.
async fn cases(app: &TestApp, backups: &std::path::Path) -> Vec<Case> {
    let cinema = app.cinema("audited").await;
    let hall = app.hall(&cinema, "h1").await;
    let second = app.cinema("second").await;
    let seat = app.seat(&hall, "01").await;
    let film = app.movie("film").await;
    app.distribute(&film, &[&cinema]).await;
    let task = app.create("/cms/vod_tasks", "taskID", json!({"movieList": [{"id": film}], "clientID": seat})).await;
    let hmd = app.create("/cms/hmd_models", "hmdModelID", json!({"modelCode": "hmd1", "name": "Pico 4"})).await;
    let chair = app.create("/cms/seat_models", "seatModelID", json!({"modelCode": "vr1", "name": "座椅"})).await;
    let key = app.api_key(&cinema).await.0;
    let commands = format!("/cms/cinemas/{cinema}/commands");
    let command = app.create(&commands, "commandID", json!({"action": "REBOOT", "clientIDList": [seat]})).await;
    let (user, _) = app.manager("walked").await;
    let (other, _) = app.manager("walked2").await;
    let (_, leaving) = app.manager("walked3").await;
    let (_, sessions) = app.send("GET", "/cms/sessions", Some(&leaving), None).await;
    let session = sessions[0]["sessionID"].as_str().expect("its session is listed").to_string();
    let user_body = json!({"name": "新经理", "alias": "fresh", "role": "MANAGER", "password": USER_PASSWORD});
    let hook_body = json!({"url": "http://127.0.0.1:9/hook", "format": "JSON"});
    let hook = app.create("/cms/webhooks", "webhookID", hook_body.clone()).await;
    let mut seeds = library_cases(app, &film).await;
    seeds.extend(vod_cases(app).await);
    seeds.into_iter().chain([
        case("create_webhook", "POST", "/cms/webhooks".into(), Some(hook_body), "create"),
        case("put_alert_rules", "PUT", "/cms/alert_rules".into(), Some(json!({"comsOfflineMinutes": 7})), "update"),
        case("delete_webhook", "DELETE", format!("/cms/webhooks/{hook}"), None, "delete"),
        case(
            "create_cinema",
            "POST",
            "/cms/cinemas".into(),
            Some(json!({"cinemaCode": "new", "name": "新店", "regionID": "SHANGHAI"})),
            "create",
        ),
        case("update_cinema", "PUT", format!("/cms/cinemas/{cinema}"), Some(json!({"name": "改名"})), "update"),
        case(
            "create_hall",
            "POST",
            "/cms/halls".into(),
            Some(json!({"hallCode": "h2", "name": "二厅", "cinemaID": cinema, "numberOfSeats": 10})),
            "create",
        ),
        case("update_hall", "PUT", format!("/cms/halls/{hall}"), Some(json!({"name": "一厅"})), "update"),
        case(
            "create_vr_client",
            "POST",
            "/cms/vr_clients".into(),
            Some(json!({"hallID": hall, "seatNumber": "02", "IPAddr": "10.0.0.3"})),
            "create",
        ),
        case(
            "create_vr_clients",
            "POST",
            "/cms/vr_clients/_batch".into(),
            Some(json!([{"hallID": hall, "seatNumber": "03", "IPAddr": "10.0.0.4"}])),
            "create",
        ),
        case("update_vr_client", "PUT", format!("/cms/vr_clients/{seat}"), Some(json!({"seatNumber": "09"})), "update"),
        case(
            "regenerate_scene_number",
            "POST",
            format!("/cms/vr_clients/{seat}/_regenerate_scene"),
            Some(json!({})),
            "update",
        ),
        case(
            "create_movie",
            "POST",
            "/cms/movies".into(),
            Some(
                json!({"name": "新片", "movieCode": "m2", "duration": 10, "type": "MOVIE", "category": "ACTION", "country": "USA", "scheduleStart": "1510208988793", "scheduleEnd": "1510208989793", "online": true, "price": 100, "description": "简介", "isHot": false}),
            ),
            "create",
        ),
        case("update_movie", "PUT", format!("/cms/movies/{film}"), Some(json!({"name": "改片名"})), "update"),
        case(
            "distribute_movie",
            "POST",
            format!("/cms/movies/{film}/_distribute"),
            Some(json!({"cinemaIDList": [cinema, second]})),
            "distribute",
        ),
        // An operator may report for a site; a site's own reports are telemetry, not audited.
        case(
            "report_delivery",
            "PUT",
            format!("/cms/cinemas/{cinema}/deliveries/{film}"),
            Some(json!({"state": "DOWNLOADING", "bytes": 1, "totalBytes": 10})),
            "update",
        ),
        case(
            "retry_deliveries",
            "POST",
            format!("/cms/movies/{film}/deliveries/_retry"),
            Some(json!({"cinemaIDList": [cinema]})),
            "distribute",
        ),
        case(
            "withdraw_movie",
            "DELETE",
            format!("/cms/movies/{film}/_distribute"),
            Some(json!({"cinemaIDList": [second]})),
            "withdraw",
        ),
        case("send_command", "POST", commands, Some(json!({"action": "REBOOT", "clientIDList": [seat]})), "create"),
        case("report_command", "PUT", format!("/cms/commands/{command}"), Some(json!({"state": "DONE"})), "update"),
        case(
            "create_vod_task",
            "POST",
            "/cms/vod_tasks".into(),
            Some(json!({"movieList": [{"id": film}], "clientID": seat})),
            "create",
        ),
        case(
            "update_vod_task",
            "PUT",
            format!("/cms/vod_tasks/{task}"),
            Some(json!({"status": "CANCELLED"})),
            "update",
        ),
        case(
            "create_hmd_model",
            "POST",
            "/cms/hmd_models".into(),
            Some(json!({"modelCode": "hmd2", "name": "Quest"})),
            "create",
        ),
        case(
            "update_hmd_model",
            "PUT",
            format!("/cms/hmd_models/{hmd}"),
            Some(json!({"name": "Pico 4 Ultra"})),
            "update",
        ),
        case(
            "create_seat_model",
            "POST",
            "/cms/seat_models".into(),
            Some(json!({"modelCode": "vr2", "name": "二号椅"})),
            "create",
        ),
        case(
            "update_seat_model",
            "PUT",
            format!("/cms/seat_models/{chair}"),
            Some(json!({"name": "一号椅"})),
            "update",
        ),
        case(
            "put_enum_value",
            "PUT",
            "/cms/sys_params/enum/CINEMA_REGION/OVERSEAS".into(),
            Some(json!({"name": "海外"})),
            "create",
        ),
        case(
            "put_settings",
            "PUT",
            "/cms/settings".into(),
            Some(json!({"qrUrlTemplate": "https://x.cn/q?s={sceneNumber}&t={qrToken}"})),
            "update",
        ),
        case(
            "set_oss_config",
            "PUT",
            "/cms/upload/oss_config".into(),
            Some(json!({"mode": "local", "maxSize": 1048576})),
            "update",
        ),
        case("set_settings", "PUT", "/cms/upload_tokens/config".into(), Some(json!({"maxSize": 1048576})), "update"),
        case("create_backup", "POST", "/cms/backups".into(), Some(json!({"folder": backups})), "backup"),
        case("put_backup_settings", "PUT", "/cms/backups/settings".into(), Some(json!({"keep": 3})), "update"),
        case("create_api_key", "POST", format!("/cms/cinemas/{cinema}/api_keys"), Some(json!({})), "issue"),
        case("revoke_api_key", "DELETE", format!("/cms/cinemas/{cinema}/api_keys/{key}"), None, "revoke"),
        case("create_user", "POST", "/cms/users".into(), Some(user_body), "create"),
        case("update_user", "PUT", format!("/cms/users/{user}"), Some(json!({"name": "改名经理"})), "update"),
        case("delete_user", "DELETE", format!("/cms/users/{user}"), None, "delete"),
        case("delete_users", "DELETE", format!("/cms/users?user_id={other}"), None, "delete"),
        case("end_session", "DELETE", format!("/cms/sessions/{session}"), None, "logout"),
        case("delete_enum_value", "DELETE", "/cms/sys_params/enum/CINEMA_REGION/OVERSEAS".into(), None, "delete"),
        case("delete_vr_clients", "DELETE", format!("/cms/vr_clients?client_id={seat}"), None, "delete"),
        case("delete_hmd_models", "DELETE", format!("/cms/hmd_models?id={hmd}"), None, "delete"),
        case("delete_seat_models", "DELETE", format!("/cms/seat_models?id={chair}"), None, "delete"),
        case("delete_movies", "DELETE", format!("/cms/movies?movie_id={film}"), None, "delete"),
        case("delete_halls", "DELETE", format!("/cms/halls?hall_id={hall}"), None, "delete"),
        case("delete_cinemas", "DELETE", format!("/cms/cinemas?cinema_id={cinema}"), None, "delete"),
        case(
            "login",
            "POST",
            "/cms/login".into(),
            Some(json!({"alias": "admin", "password": crate::helpers::ADMIN_PASSWORD})),
            "login",
        ),
    ])
    .collect()
}

/// The write operations of the served document: (operationId, method).
async fn write_operations(app: &TestApp) -> Vec<(String, String)> {
    let (status, doc) = app.get("/cms/openapi.json").await;
    assert_eq!(status, 200);
    let mut ops = Vec::new();
    for (_, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if ["post", "put", "patch", "delete"].contains(&method.as_str()) {
                ops.push((op["operationId"].as_str().unwrap().to_string(), method.to_uppercase()));
            }
        }
    }
    ops
}

/// Entries in the log, and the newest.
async fn newest(app: &TestApp) -> (u64, Value) {
    let (status, page) = app.get("/cms/audit?limit=1").await;
    assert_eq!(status, 200, "{page}");
    (page["totalCount"].as_u64().unwrap(), page["itemList"][0].clone())
}

#[tokio::test]
async fn every_write_operation_of_the_document_records_exactly_one_entry_with_before_and_after() {
    let (app, backups) = (spawn_app().await, tempfile::tempdir().unwrap());
    let cases = cases(&app, backups.path()).await;
    for (op, method) in write_operations(&app).await {
        let walked = cases.iter().any(|c| c.op == op) || op == "logout";
        assert!(walked || NOT_WALKED.contains(&op.as_str()), "{method} {op}: a write the audit walk does not make");
    }
    for c in &cases {
        let (count, _) = newest(&app).await;
        let (status, answer) = app.send(c.method, &c.path, Some(&app.token), c.body.clone()).await;
        assert_eq!(status, 200, "{} {}: {answer}", c.op, c.path);
        let (after, entry) = newest(&app).await;
        assert_eq!(after, count + 1, "{}: exactly one entry: {entry} (answer {answer})", c.op);
        assert_eq!(entry["action"], c.action, "{}: {entry}", c.op);
        assert!(!entry["entityID"].as_str().unwrap_or("").is_empty(), "{}: names its record: {entry}", c.op);
        let (before, now) = (&entry["before"], &entry["after"]);
        match c.action {
            "create" | "issue" => assert!(before.is_null() && now.is_object(), "{}: {entry}", c.op),
            "delete" => assert!(before.is_object() && now.is_null(), "{}: {entry}", c.op),
            "update" | "revoke" | "distribute" => assert!(now.is_object() && before != now, "{}: {entry}", c.op),
            _ => {}
        }
        assert!(!entry.to_string().contains("passwordHash"), "{}: no secrets: {entry}", c.op);
    }
}

#[tokio::test]
async fn a_logout_records_one_entry_of_its_user() {
    let app = spawn_app().await;
    let (id, token) = app.manager("leaving").await;
    let (count, _) = newest(&app).await;
    assert_eq!(app.send("POST", "/cms/logout", Some(&token), None).await.0, 200);
    let (after, entry) = newest(&app).await;
    assert_eq!(
        (after, entry["action"].as_str(), entry["userID"].as_str()),
        (count + 1, Some("logout"), Some(id.as_str()))
    );
}

#[tokio::test]
async fn a_managers_audit_log_holds_its_own_cinemas_entries_only() {
    let app = spawn_app().await;
    let (mine, theirs) = (app.cinema("mine").await, app.cinema("theirs").await);
    let (_, token) = app.manager_of("scoped", &[&mine]).await;
    app.put(&format!("/cms/cinemas/{theirs}"), json!({"name": "别家"})).await;
    let (status, page) = app.send("GET", "/cms/audit?limit=100", Some(&token), None).await;
    assert_eq!(status, 200, "{page}");
    let text = page.to_string();
    assert!(text.contains(&mine) && !text.contains(&theirs), "{page}");
    let filtered = format!("/cms/audit?cinema_id={theirs}");
    assert_eq!(app.send("GET", &filtered, Some(&token), None).await.1["totalCount"], 0);
    let res = app.http.get(app.url("/cms/audit/_export")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let csv = res.text().await.unwrap();
    assert!(csv.contains(&mine) && !csv.contains(&theirs), "the export holds what the page does: {csv}");
}

#[tokio::test]
async fn a_manager_reads_who_changed_its_cinema_by_name_without_listing_users() {
    let app = spawn_app().await;
    let mine = app.cinema("named").await;
    let (_, token) = app.manager_of("reader", &[&mine]).await;
    app.put(&format!("/cms/cinemas/{mine}"), json!({"name": "改名影城"})).await;
    assert_eq!(app.send("GET", "/cms/users", Some(&token), None).await.0, 403, "a MANAGER lists no users");
    let path = format!("/cms/audit?cinema_id={mine}&action=update");
    let (status, page) = app.send("GET", &path, Some(&token), None).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["itemList"][0]["userName"], "管理员", "{page}");
}

/// A failed login's entry, the request having come with `X-Forwarded-For: 203.0.113.7`.
async fn failed_login_address(app: &TestApp) -> String {
    let (status, _) = app
        .http
        .post(format!("{}/cms/login", app.base))
        .header("x-forwarded-for", "203.0.113.7")
        .json(&json!({"alias": "admin", "password": "not-the-password"}))
        .send()
        .await
        .map(|r| (r.status().as_u16(), ()))
        .unwrap();
    assert_eq!(status, 401);
    let (_, entry) = newest(app).await;
    assert_eq!(entry["action"], "login_failed", "{entry}");
    entry["address"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_trusted_proxys_forwarded_client_is_recorded_and_an_untrusted_ones_claim_is_not() {
    let loopback: std::net::IpAddr = "127.0.0.1".parse().unwrap();
    let trusting = crate::helpers::spawn_app_with(|s| s.with_trusted_proxies(vec![loopback])).await;
    assert_eq!(failed_login_address(&trusting).await, "203.0.113.7");
    assert_eq!(failed_login_address(&spawn_app().await).await, "127.0.0.1", "a client's own claim is ignored");
}
