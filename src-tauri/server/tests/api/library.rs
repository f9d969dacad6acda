//! Issue 6 over real HTTP: the resource library of seed 004 — folders, resources, xkzyList (paging, every order, filters), counters, thumbnails, films, the classification tree — and who may do what in whose space.

use std::time::{Duration, Instant};

use cinedesk_core::{Domain, NewFile};
use serde_json::{json, Value};

use super::{spawn_app, TestApp};

/// A user, a cinema's API key, and how each calls.
pub(super) enum Who<'a> {
    Token(&'a str),
    Signed(&'a (String, String)),
    Nobody,
}

impl TestApp {
    /// POSTs a JSON body (as `text/plain`, like the seed's clients) as `who`; a signed call
    /// signs exactly the body it sends.
    pub(super) async fn call(&self, who: &Who<'_>, path: &str, body: Value) -> (u16, Value) {
        let text = body.to_string();
        let mut req =
            self.http.post(format!("{}{path}", self.base)).header("content-type", "text/plain").body(text.clone());
        req = match who {
            Who::Token(t) => req.bearer_auth(t),
            Who::Signed(key) => signed(req, key, &text),
            Who::Nobody => req,
        };
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        let text = res.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    /// A user made over the API, logged in: (id, token).
    pub(super) async fn manager(&self, alias: &str) -> (String, String) {
        let id = self
            .create(
                "/cms/users",
                "userID",
                json!({"name": format!("经理{alias}"), "alias": alias, "role": "MANAGER", "password": "manager-pass"}),
            )
            .await;
        (id, self.login(alias, "manager-pass").await)
    }

    pub(super) fn admin_id(&self) -> String {
        self.cms.authenticate(&self.token).unwrap().user_id
    }
}

/// Adds the seed-004 headers signing `params` (a body or a query string) with `key`.
pub(super) fn signed(req: reqwest::RequestBuilder, key: &(String, String), params: &str) -> reqwest::RequestBuilder {
    let encoded: String = form_urlencoded::byte_serialize(params.as_bytes()).collect();
    let date = super::unique_user_date();
    let signature = cinedesk_core::sign(&key.1, &encoded, &date);
    req.header("user-date", date)
        .header("user-params", encoded)
        .header("authorization", format!("dc:{}:{signature}", key.0))
}

/// Asserts the seed's success envelope and answers its data.
#[track_caller]
pub(super) fn ok(answer: (u16, Value), what: &str) -> Value {
    let (status, body) = answer;
    assert_eq!((status, body["result"].as_str()), (200, Some("000000")), "{what} must succeed: {body}");
    assert_eq!(body["resultDesc"], "success", "{what}: the seed's envelope");
    body["data"].clone()
}

/// Asserts a failure's status, the seed's failure envelope, and (when given) the field blamed.
#[track_caller]
pub(super) fn refused(answer: (u16, Value), status: u16, field: Option<&str>, why: &str) {
    let (got, body) = answer;
    assert_eq!(got, status, "{why}: {body}");
    assert_eq!(body["result"], "100000", "{why}: the seed's failure envelope: {body}");
    assert!(body["info"].as_str().is_some_and(|i| !i.is_empty()), "{why}: info says what went wrong: {body}");
    if let Some(f) = field {
        assert_eq!(body["field"].as_str(), Some(f), "{why}: the field to blame: {body}");
    }
}

fn personal(user: &str) -> Value {
    json!({"ownerType": "0", "userId": user})
}

fn group(cinema: &str) -> Value {
    json!({"ownerType": "1", "groupId": cinema})
}

fn with(mut base: Value, extra: Value) -> Value {
    for (k, v) in extra.as_object().unwrap() {
        base[k] = v.clone();
    }
    base
}

#[tokio::test]
async fn folders_form_trees_in_spaces_their_owners_may_use() {
    let app = spawn_app().await;
    let admin = Who::Token(&app.token);
    let (a_id, a_token) = app.manager("lib_a").await;
    let (b_id, b_token) = app.manager("lib_b").await;
    let (a, b) = (Who::Token(&a_token), Who::Token(&b_token));
    let (x, y) = (app.cinema("lib_x").await, app.cinema("lib_y").await);
    let x_key = app.api_key(&x).await;
    let xs = Who::Signed(&x_key);

    let spaces = ok(app.call(&a, "/onlineDisk/querySpaces", json!({})).await, "querySpaces");
    let org = spaces["orgId"].as_str().unwrap().to_string();
    let kinds: Vec<(String, bool)> = spaces["list"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (format!("{}:{}", s["ownerType"].as_str().unwrap(), s["ownerId"].as_str().unwrap()), s["writable"] == true)
        })
        .collect();
    for want in [format!("0:{a_id}"), format!("1:{x}"), format!("1:{y}"), format!("2:{org}")] {
        assert!(kinds.iter().any(|(k, w)| *k == want && *w), "a manager may use {want}: {kinds:?}");
    }
    assert!(!kinds.iter().any(|(k, _)| *k == format!("0:{b_id}")), "but not another user's personal space");
    let theirs = ok(app.call(&xs, "/onlineDisk/querySpaces", json!({})).await, "a cinema's spaces");
    let theirs: Vec<String> =
        theirs["list"].as_array().unwrap().iter().map(|s| format!("{}{}", s["ownerType"], s["writable"])).collect();
    assert_eq!(theirs, ["\"1\"true", "\"2\"false"], "a cinema has its own space and reads the chain's");

    // Personal spaces are their user's (and a SYS_ADMIN's).
    let mine = ok(
        app.call(
            &a,
            "/onlineDisk/createFolder",
            with(personal(&a_id), json!({"parentId": "0", "dirName": "我的素材"})),
        )
        .await,
        "createFolder in one's own space",
    )["dirId"]
        .as_str()
        .unwrap()
        .to_string();
    refused(
        app.call(&b, "/onlineDisk/queryFolders", with(personal(&a_id), json!({"parentId": "0"}))).await,
        403,
        None,
        "B lists A's personal folders",
    );
    refused(
        app.call(&b, "/onlineDisk/createFolder", with(personal(&a_id), json!({"parentId": "0", "dirName": "x"}))).await,
        403,
        None,
        "B files into A's personal space",
    );
    refused(
        app.call(&b, "/onlineDisk/renameFolder", json!({"dirId": mine, "dirName": "夺"})).await,
        403,
        None,
        "B renames A's folder",
    );
    let seen = ok(
        app.call(&admin, "/onlineDisk/queryFolders", with(personal(&a_id), json!({"parentId": "0"}))).await,
        "admin",
    );
    assert_eq!(seen["list"][0]["dirName"], "我的素材", "a SYS_ADMIN oversees personal spaces: {seen}");
    let own =
        ok(app.call(&a, "/onlineDisk/queryFolders", json!({"ownerType": "0", "parentId": "0"})).await, "no userId");
    assert_eq!(own["list"].as_array().unwrap().len(), 1, "without userId, ownerType 0 is one's own space");

    // A cinema's client: its own space only, the chain's to read.
    let xf = ok(
        app.call(&xs, "/onlineDisk/createFolder", with(group(&x), json!({"parentId": "0", "dirName": "海报"}))).await,
        "a cinema files into its own space",
    )["dirId"]
        .as_str()
        .unwrap()
        .to_string();
    refused(
        app.call(&xs, "/onlineDisk/createFolder", with(group(&y), json!({"parentId": "0", "dirName": "海报"}))).await,
        403,
        None,
        "a cinema writes another cinema's space",
    );
    refused(
        app.call(
            &xs,
            "/onlineDisk/createFolder",
            json!({"ownerType": "2", "orgId": org, "parentId": "0", "dirName": "x"}),
        )
        .await,
        403,
        None,
        "a cinema writes the chain's space",
    );
    refused(
        app.call(&xs, "/onlineDisk/queryFolders", with(personal(&a_id), json!({}))).await,
        403,
        None,
        "a cinema reads a personal space",
    );
    refused(
        app.call(&xs, "/onlineDisk/queryFolders", json!({"ownerType": "0"})).await,
        400,
        Some("userId"),
        "a cinema has no space of its own kind 0",
    );
    let chain = ok(
        app.call(
            &a,
            "/onlineDisk/createFolder",
            json!({"ownerType": "2", "orgId": org, "parentId": "0", "dirName": "院线共享"}),
        )
        .await,
        "a manager files into the chain's space",
    )["dirId"]
        .as_str()
        .unwrap()
        .to_string();
    let read = ok(
        app.call(&xs, "/onlineDisk/queryFolders", json!({"ownerType": "2", "parentId": "0"})).await,
        "cinema reads chain",
    );
    assert_eq!(read["list"][0]["dirId"], chain.as_str(), "the chain's folders are visible to every cinema");
    ok(
        app.call(&a, "/onlineDisk/renameFolder", json!({"dirId": xf, "dirName": "影院海报"})).await,
        "operators manage cinema spaces",
    );

    // The tree: nesting, unique names, moves, deletes.
    let sub = |parent: &str, name: &str| {
        let parent = parent.to_string();
        let name = name.to_string();
        let app = &app;
        let a = &a;
        async move {
            ok(
                app.call(a, "/onlineDisk/createFolder", json!({"ownerType": "2", "parentId": parent, "dirName": name}))
                    .await,
                "a subfolder",
            )["dirId"]
                .as_str()
                .unwrap()
                .to_string()
        }
    };
    let films = sub(&chain, "影片").await;
    let posters = sub(&films, "海报").await;
    refused(
        app.call(&a, "/onlineDisk/createFolder", json!({"ownerType": "2", "parentId": films, "dirName": "海报"})).await,
        409,
        Some("dirName"),
        "two siblings of one name",
    );
    refused(
        app.call(&a, "/onlineDisk/moveFolder", json!({"dirId": chain, "parentId": posters})).await,
        400,
        Some("parentId"),
        "a move into its own subtree",
    );
    refused(
        app.call(&a, "/onlineDisk/moveFolder", json!({"dirId": posters, "parentId": xf})).await,
        400,
        Some("parentId"),
        "a move into another space",
    );
    ok(app.call(&a, "/onlineDisk/moveFolder", json!({"dirId": posters, "parentId": "0"})).await, "a move to the root");
    let top = ok(app.call(&a, "/onlineDisk/queryFolders", json!({"ownerType": "2", "parentId": "0"})).await, "roots");
    assert_eq!(top["list"].as_array().unwrap().len(), 2, "the moved folder is at the root now: {top}");
    ok(app.call(&a, "/onlineDisk/moveFolder", json!({"dirId": posters, "parentId": films})).await, "and back");
    refused(
        app.call(&a, "/onlineDisk/deleteFolder", json!({"dirId": chain})).await,
        409,
        None,
        "a folder with folders in it",
    );
    let gone =
        ok(app.call(&a, "/onlineDisk/deleteFolder", json!({"dirId": chain, "recursive": "1"})).await, "recursive");
    assert_eq!(
        (gone["folders"].as_u64(), gone["resources"].as_u64()),
        (Some(3), Some(0)),
        "three folders went: {gone}"
    );
    refused(
        app.call(&a, "/onlineDisk/renameFolder", json!({"dirId": posters, "dirName": "x"})).await,
        404,
        None,
        "a deleted folder",
    );

    // Bad input and bad callers.
    refused(
        app.call(&a, "/onlineDisk/createFolder", json!({"ownerType": "2", "parentId": "0"})).await,
        400,
        Some("dirName"),
        "no name",
    );
    refused(
        app.call(&a, "/onlineDisk/createFolder", json!({"ownerType": "7", "dirName": "x"})).await,
        400,
        Some("ownerType"),
        "bad ownerType",
    );
    refused(
        app.call(&a, "/onlineDisk/createFolder", json!({"ownerType": "2", "dirName": "a/b"})).await,
        400,
        Some("dirName"),
        "a path",
    );
    refused(
        app.call(&a, "/onlineDisk/createFolder", json!({"ownerType": "2", "orgId": "other", "dirName": "x"})).await,
        400,
        Some("orgId"),
        "another org",
    );
    refused(
        app.call(&a, "/onlineDisk/createFolder", with(group("nope"), json!({"dirName": "x"}))).await,
        404,
        None,
        "an unknown cinema",
    );
    refused(
        app.call(&Who::Nobody, "/onlineDisk/createFolder", json!({"ownerType": "2", "dirName": "x"})).await,
        401,
        None,
        "no credentials",
    );
    let tampered = app
        .http
        .post(format!("{}/onlineDisk/createFolder", app.base))
        .body(with(group(&x), json!({"dirName": "tampered"})).to_string());
    let tampered =
        signed(tampered, &x_key, &with(group(&x), json!({"dirName": "signed"})).to_string()).send().await.unwrap();
    assert_eq!(tampered.status(), 401, "a signature covers the body actually sent");
    let garbage = app
        .http
        .post(format!("{}/onlineDisk/createFolder", app.base))
        .bearer_auth(&a_token)
        .body("{oops")
        .send()
        .await
        .unwrap();
    assert_eq!(garbage.status(), 400, "a body that is not JSON is a 400, not a 500");
}

/// One page of xkzyList as `who`.
async fn xkzy(app: &TestApp, who: &Who<'_>, q: Value, page: u32, per: u32) -> Value {
    ok(
        app.call(who, "/onlineDisk/xkzyList", json!({"page": {"curPage": page, "numPerPage": per}, "query": q})).await,
        "xkzyList",
    )
}

/// How many resources `who` finds with query `q`.
async fn total(app: &TestApp, who: &Who<'_>, q: Value) -> u64 {
    xkzy(app, who, q, 1, 50).await["totalCount"].as_u64().unwrap()
}

fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x * 7) as u8, (y * 5) as u8, 90]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

#[tokio::test]
async fn resources_list_page_and_sort_with_counters_thumbnails_and_films() {
    let app = spawn_app().await;
    let admin = Who::Token(&app.token);
    let (a_id, a_token) = app.manager("res_a").await;
    let (_, b_token) = app.manager("res_b").await;
    let (a, b) = (Who::Token(&a_token), Who::Token(&b_token));
    let x = app.cinema("res_x").await;
    let y = app.cinema("res_y").await;
    let x_key = app.api_key(&x).await;
    let xs = Who::Signed(&x_key);
    let owner = format!("user:{}", app.admin_id());

    // Twelve documents of growing size in the chain's root, named so keyword searches can tell
    // them apart.
    let mut ids = Vec::new();
    for i in 0..12u64 {
        let file = app
            .cms
            .store_bytes(
                NewFile::new(&format!("讲义{i}.pdf"), Domain::Resource, &owner),
                &vec![b'%'; 1000 + i as usize * 100],
            )
            .unwrap();
        let title = if i % 3 == 0 {
            format!("过山车 roller coaster 第{i}讲")
        } else {
            format!("深海探险 deep sea 第{i}讲")
        };
        let id = ok(
            app.call(
                &a,
                "/onlineDisk/createResource",
                json!({"fid": file.file_id, "title": title, "keyword": "VR,体验", "intro": "简介", "resForm": "1",
                       "ownerType": "2", "userId": a_id, "parentId": "0", "resSource": "0"}),
            )
            .await,
            "createResource",
        )["resId"]
            .as_str()
            .unwrap()
            .to_string();
        ids.push(id);
    }
    // Views, downloads and marks in different orders, so each order is its own. A download is a
    // redirect, looked at rather than followed.
    let no_follow = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    for (i, id) in ids.iter().enumerate() {
        for _ in 0..(i * 5) % 12 {
            ok(app.call(&a, "/onlineDisk/viewResource", json!({"resId": id})).await, "viewResource");
        }
        for _ in 0..(i * 7) % 12 {
            let res = no_follow
                .get(format!("{}/onlineDisk/downloadResource?resId={id}", app.base))
                .bearer_auth(&a_token)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 302, "a download redirects to the content");
        }
        let mark = 1 + (i * 3) % 5;
        ok(app.call(&a, "/onlineDisk/markResource", json!({"resId": id, "mark": mark})).await, "markResource");
        ok(
            app.call(&admin, "/onlineDisk/markResource", json!({"resId": id, "mark": 1 + (i * 2) % 5})).await,
            "a second mark",
        );
    }
    let location = no_follow
        .get(format!("{}/onlineDisk/downloadResource?resId={}", app.base, ids[0]))
        .bearer_auth(&a_token)
        .send()
        .await
        .unwrap();
    let viewed = ok(app.call(&a, "/onlineDisk/viewResource", json!({"resId": ids[0]})).await, "view");
    assert_eq!(
        location.headers()["location"].to_str().unwrap(),
        format!("/cms/files/{}", viewed["fid"].as_str().unwrap()),
        "the download goes to the stored file"
    );
    assert_eq!(viewed["previewUrl"], location.headers()["location"].to_str().unwrap(), "the preview is the file too");

    // Every order, descending, with stable paging.
    for (order, key) in [
        ("viewCount", "viewCount"),
        ("downCount", "downCount"),
        ("createTime", "createTime"),
        ("fileLength", "fileLength"),
        ("marks", "score"),
    ] {
        let mut seen: Vec<Value> = Vec::new();
        for page in 1..=3 {
            let p = xkzy(&app, &a, json!({"orderBy": order}), page, 5).await;
            assert_eq!(p["totalCount"], 12, "totalCount is the whole match: {p}");
            seen.extend(p["productList"].as_array().unwrap().iter().cloned());
        }
        assert_eq!(seen.len(), 12, "pages of 5 cover 12 resources in 3 pages ({order})");
        let codes: std::collections::HashSet<&str> = seen.iter().map(|p| p["productCode"].as_str().unwrap()).collect();
        assert_eq!(codes.len(), 12, "no resource twice across pages ({order})");
        let values: Vec<String> = seen.iter().map(|p| p[key].to_string()).collect();
        for pair in seen.windows(2) {
            let (first, second) = (&pair[0][key], &pair[1][key]);
            let descending = match (first.as_f64(), second.as_f64()) {
                (Some(f), Some(s)) => f >= s,
                _ => first.as_str() >= second.as_str(),
            };
            assert!(descending, "orderBy {order} is descending: {values:?}");
        }
        if order == "createTime" {
            let newest_first: Vec<&str> = ids.iter().rev().map(String::as_str).collect();
            let got: Vec<&str> = seen.iter().map(|p| p["productCode"].as_str().unwrap()).collect();
            assert_eq!(got, newest_first, "createTime: newest first, ties in creation order");
        } else {
            assert!(values.first() != values.last(), "the data set distinguishes {order}: {values:?}");
        }
    }
    let default = xkzy(&app, &a, json!({}), 1, 3).await;
    let by_views = xkzy(&app, &a, json!({"orderBy": "viewCount"}), 1, 3).await;
    assert_eq!(default["productList"], by_views["productList"], "viewCount is the default order");
    let item = &default["productList"][0];
    for key in [
        "productCode",
        "productName",
        "createTime",
        "viewCount",
        "commentCount",
        "downCount",
        "score",
        "fileName",
        "fileLength",
        "imageUrl",
        "thumbnailUrlList",
        "intro",
        "userName",
        "fileExt",
        "fileSize",
        "title",
        "fid",
        "resIdList",
        "collectedCount",
        "desc",
    ] {
        assert!(item.get(key).is_some(), "a product has the seed's {key}: {item}");
    }
    assert_eq!(item["userName"], "经理res_a", "the contributor is named");

    // Keywords, kinds, folders, spaces.
    assert_eq!(
        xkzy(&app, &a, json!({"keyword": "roller"}), 1, 20).await["totalCount"],
        4,
        "a Latin keyword (trigram index)"
    );
    assert_eq!(
        xkzy(&app, &a, json!({"keyword": "深海"}), 1, 20).await["totalCount"],
        8,
        "a two-character keyword (pairs)"
    );
    // Few matches are sorted, the whole list is walked in index order: both give one order.
    for order in ["viewCount", "downCount", "fileLength", "marks", "createTime"] {
        let codes = |page: &Value| -> Vec<String> {
            page["productList"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["productCode"].as_str().unwrap().to_string())
                .collect()
        };
        let everything = codes(&xkzy(&app, &a, json!({"orderBy": order}), 1, 20).await);
        let deep: Vec<String> = codes(&xkzy(&app, &a, json!({"orderBy": order, "keyword": "deep sea"}), 1, 20).await);
        let expected: Vec<String> = everything.into_iter().filter(|c| deep.contains(c)).collect();
        assert_eq!(deep, expected, "a keyword's matches keep the order of the whole list ({order})");
    }
    assert_eq!(
        xkzy(&app, &a, json!({"keyword": "深海探险"}), 1, 20).await["totalCount"],
        8,
        "four characters (trigram index)"
    );
    assert_eq!(xkzy(&app, &a, json!({"keyword": "体验"}), 1, 20).await["totalCount"], 12, "keywords are searched too");
    assert_eq!(
        xkzy(&app, &a, json!({"resType": "2"}), 1, 20).await["totalCount"],
        12,
        "PDFs are documents (resType 2)"
    );
    assert_eq!(xkzy(&app, &a, json!({"resType": "3"}), 1, 20).await["totalCount"], 0, "and no videos");
    let folder = ok(
        app.call(&a, "/onlineDisk/createFolder", json!({"ownerType": "2", "parentId": "0", "dirName": "精选"})).await,
        "folder",
    )["dirId"]
        .as_str()
        .unwrap()
        .to_string();
    ok(
        app.call(
            &a,
            "/onlineDisk/updateResource",
            json!({"resId": ids[1], "parentId": folder, "title": "精选 deep sea"}),
        )
        .await,
        "move",
    );
    let in_folder = xkzy(&app, &a, json!({"parentId": folder}), 1, 20).await;
    assert_eq!(
        (in_folder["totalCount"].as_u64(), in_folder["productList"][0]["title"].as_str()),
        (Some(1), Some("精选 deep sea"))
    );
    assert_eq!(
        xkzy(&app, &a, json!({"ownerType": "2", "parentId": "0"}), 1, 20).await["totalCount"],
        11,
        "the root has the rest"
    );

    // Who sees what.
    let personal_res = ok(
        app.call(
            &a,
            "/onlineDisk/createResource",
            json!({"title": "私人笔记", "resForm": "2", "url": "https://example.com/a.txt",
                                                           "ownerType": "0", "parentId": "0"}),
        )
        .await,
        "a personal resource",
    )["resId"]
        .as_str()
        .unwrap()
        .to_string();
    let cinema_res = ok(
        app.call(
            &xs,
            "/onlineDisk/createResource",
            json!({"title": "影院宣传片", "resForm": "2", "url": "https://example.com/p.mp4",
                                                            "ownerType": "1", "groupId": x, "parentId": "0"}),
        )
        .await,
        "a cinema's resource",
    )["resId"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(total(&app, &a, json!({})).await, 14, "A sees the chain's, the cinema's and A's own");
    assert_eq!(total(&app, &b, json!({})).await, 13, "B does not see A's personal resource");
    assert_eq!(total(&app, &admin, json!({})).await, 14, "a SYS_ADMIN sees everything");
    assert_eq!(total(&app, &xs, json!({})).await, 13, "cinema X sees the chain's and its own");
    refused(
        app.call(&b, "/onlineDisk/viewResource", json!({"resId": personal_res})).await,
        403,
        None,
        "B views A's personal resource",
    );
    refused(app.call(&xs, "/onlineDisk/xkzyList", json!({"query": group(&y)})).await, 403, None, "X lists Y's space");
    let y_key = app.api_key(&y).await;
    refused(
        app.call(&Who::Signed(&y_key), "/onlineDisk/viewResource", json!({"resId": cinema_res})).await,
        403,
        None,
        "Y views X's",
    );
    refused(
        app.call(&xs, "/onlineDisk/deleteResource", json!({"resId": ids[2]})).await,
        403,
        None,
        "X deletes the chain's",
    );
    let synced = ok(
        app.call(&b, "/onlineDisk/createResource", json!({"title": "同步资料", "resForm": "2", "url": "https://example.com/s.pdf",
                                                           "ownerType": "2", "parentId": "0", "issynchronization": "1"})).await,
        "issynchronization",
    );
    assert!(synced["resId"].is_string());
    assert_eq!(
        total(&app, &b, json!({"ownerType": "0"})).await,
        1,
        "issynchronization=1 files a copy in B's personal space"
    );

    // Classification filters, counters and a thumbnail from processing.
    let node = ok(
        app.call(&a, "/onlineDisk/createClassification", json!({"parentId": "0", "kind": "genre", "title": "过山车"}))
            .await,
        "classification",
    )["classificationId"]
        .as_str()
        .unwrap()
        .to_string();
    let leaf = ok(
        app.call(
            &a,
            "/onlineDisk/createClassification",
            json!({"parentId": node, "kind": "genre", "title": "木质过山车"}),
        )
        .await,
        "a child node",
    )["classificationId"]
        .as_str()
        .unwrap()
        .to_string();
    let picture = app.cms.store_bytes(NewFile::new("poster.png", Domain::Resource, &owner), &png(640, 400)).unwrap();
    let poster = ok(
        app.call(
            &a,
            "/onlineDisk/createResource",
            json!({"fid": picture.file_id, "title": "海报", "resForm": "1", "ownerType": "2",
                                                           "classificationIdList": [leaf], "canRemoved": "1"}),
        )
        .await,
        "a picture",
    )["resId"]
        .as_str()
        .unwrap()
        .to_string();
    let by_node = xkzy(&app, &a, json!({"classificationId": node}), 1, 20).await;
    assert_eq!(by_node["totalCount"], 1, "a node finds what is classified below it: {by_node}");
    assert_eq!(by_node["productList"][0]["classificationId"], leaf.as_str(), "the seed's classificationId");
    assert_eq!(xkzy(&app, &a, json!({"resType": "1"}), 1, 20).await["totalCount"], 1, "pictures are resType 1");
    refused(
        app.call(&a, "/onlineDisk/xkzyList", json!({"query": {"classificationId": "nope"}})).await,
        400,
        Some("classificationId"),
        "unknown node",
    );
    let start = Instant::now();
    loop {
        let v = ok(app.call(&a, "/onlineDisk/resourceInfo", json!({"resId": poster})).await, "resourceInfo");
        if v["imageUrl"].as_str().is_some_and(|u| u.starts_with("/cms/files/")) {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(60), "the picture's thumbnail within a minute: {v}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let viewed = ok(app.call(&a, "/onlineDisk/viewResource", json!({"resId": poster})).await, "view");
    assert_ne!(
        viewed["imageUrl"],
        format!("/cms/files/{}", picture.file_id),
        "a 640×400 picture gets its own thumbnail"
    );
    assert_eq!(viewed["viewCount"], 1, "viewResource counts a view, resourceInfo (polled above) does not: {viewed}");

    // Use as a film's poster.
    let movie = app.movie("LIB_FILM").await;
    let used = ok(
        app.call(&a, "/onlineDisk/useResourceForMovie", json!({"resId": poster, "movieId": movie, "usage": "poster"}))
            .await,
        "useResourceForMovie",
    );
    assert_eq!(used["fileID"], picture.file_id.as_str());
    let (_, film) = app.get(&format!("/cms/movies/{movie}")).await;
    assert_eq!(film["posterID"], picture.file_id.as_str(), "the film's poster is the resource's file: {film}");
    refused(
        app.call(&a, "/onlineDisk/useResourceForMovie", json!({"resId": poster, "movieId": movie, "usage": "film"}))
            .await,
        400,
        Some("usage"),
        "a picture is no film",
    );
    refused(
        app.call(&a, "/onlineDisk/useResourceForMovie", json!({"resId": poster, "movieId": "nope", "usage": "icon"}))
            .await,
        404,
        None,
        "unknown film",
    );
    refused(
        app.call(&xs, "/onlineDisk/useResourceForMovie", json!({"resId": poster, "movieId": movie, "usage": "icon"}))
            .await,
        403,
        None,
        "a cinema's client",
    );

    // Deleting.
    refused(
        app.call(&a, "/onlineDisk/deleteResource", json!({"resIdList": [ids[3], poster]})).await,
        409,
        None,
        "canRemoved=1 refuses the batch",
    );
    ok(
        app.call(&a, "/onlineDisk/viewResource", json!({"resId": ids[3]})).await,
        "nothing of a refused batch is deleted",
    );
    ok(app.call(&a, "/onlineDisk/deleteResource", json!({"resIdList": [ids[3], ids[4]]})).await, "delete two");
    refused(app.call(&a, "/onlineDisk/viewResource", json!({"resId": ids[3]})).await, 404, None, "a deleted resource");
    assert_eq!(
        xkzy(&app, &a, json!({"keyword": "roller"}), 1, 20).await["totalCount"],
        3,
        "the index forgot the deleted one"
    );

    // Bad input.
    let base = json!({"title": "t", "ownerType": "2"});
    refused(app.call(&a, "/onlineDisk/createResource", base.clone()).await, 400, Some("resForm"), "no resForm");
    refused(
        app.call(&a, "/onlineDisk/createResource", with(base.clone(), json!({"resForm": "1"}))).await,
        400,
        Some("fid"),
        "no fid",
    );
    refused(
        app.call(&a, "/onlineDisk/createResource", with(base.clone(), json!({"resForm": "1", "fid": 12345}))).await,
        404,
        None,
        "unknown fid",
    );
    refused(
        app.call(&a, "/onlineDisk/createResource", with(base.clone(), json!({"resForm": "2", "url": "ftp://x"}))).await,
        400,
        Some("url"),
        "bad url",
    );
    refused(
        app.call(
            &a,
            "/onlineDisk/createResource",
            with(base.clone(), json!({"resForm": "2", "url": "https://x/y", "chapterIdList": ["nope"]})),
        )
        .await,
        400,
        Some("chapterIdList"),
        "unknown chapter",
    );
    refused(
        app.call(&a, "/onlineDisk/xkzyList", json!({"query": {"orderBy": "price"}})).await,
        400,
        Some("orderBy"),
        "unknown order",
    );
    refused(
        app.call(&a, "/onlineDisk/xkzyList", json!({"page": {"curPage": 1, "numPerPage": 0}})).await,
        400,
        Some("numPerPage"),
        "empty pages",
    );
    refused(
        app.call(&a, "/onlineDisk/xkzyList", json!({"query": {"resType": "9"}})).await,
        400,
        Some("resType"),
        "resType 0–5",
    );
    refused(
        app.call(&a, "/onlineDisk/markResource", json!({"resId": ids[0], "mark": 6})).await,
        400,
        Some("mark"),
        "marks 1–5",
    );
    refused(
        app.call(&a, "/onlineDisk/createResource", with(base, json!({"chapterIdList": {"not": "a list"}}))).await,
        400,
        Some("chapterIdList"),
        "a wrong-typed field",
    );
}

#[tokio::test]
async fn the_classification_tree_in_the_shape_of_query_chapters() {
    let app = spawn_app().await;
    let admin = Who::Token(&app.token);
    let x = app.cinema("tree_x").await;
    let key = app.api_key(&x).await;
    let xs = Who::Signed(&key);
    let node = |parent: &str, kind: &str, title: &str| {
        let body = json!({"parentId": parent, "kind": kind, "title": title});
        let app = &app;
        let admin = &admin;
        async move {
            ok(app.call(admin, "/onlineDisk/createClassification", body).await, "createClassification")
                ["classificationId"]
                .as_str()
                .unwrap()
                .to_string()
        }
    };
    let period = node("0", "period", "小学").await;
    let subject = node(&period, "subject", "语文").await;
    let book = node(&subject, "textbook", "语文一年级上册").await;
    let u1 = node(&book, "chapter", "一单元").await;
    let l1 = node(&u1, "chapter", "春晓").await;
    let u2 = node(&book, "chapter", "二单元").await;
    let chapters = |body: Value| {
        let app = &app;
        let xs = &xs;
        async move {
            ok(app.call(xs, "/onlineDisk/queryChapters", body).await, "queryChapters")["list"]
                .as_array()
                .unwrap()
                .clone()
        }
    };
    let whole = chapters(json!({"parentType": "0", "parentId": book, "retType": "0"})).await;
    assert_eq!(whole.len(), 3, "the whole subtree of the textbook: {whole:?}");
    for key in ["chapterId", "chapterTitle", "chapterPid", "textbookId", "depth", "chapterLevel", "isLeaf"] {
        assert!(whole[0].get(key).is_some(), "a chapter has the seed's {key}");
    }
    assert_eq!(
        (
            whole[0]["chapterId"].as_str(),
            whole[0]["chapterPid"].as_str(),
            whole[0]["chapterLevel"].as_i64(),
            whole[0]["isLeaf"].as_str()
        ),
        (Some(u1.as_str()), Some("0"), Some(2), Some("N")),
        "as the seed's example: a unit below its textbook"
    );
    assert_eq!((whole[1]["chapterPid"].as_str(), whole[1]["isLeaf"].as_str()), (Some(u1.as_str()), Some("Y")));
    let children = chapters(json!({"parentType": "0", "parentId": book, "retType": "1"})).await;
    let titles: Vec<&str> = children.iter().map(|c| c["chapterTitle"].as_str().unwrap()).collect();
    assert_eq!(titles, ["一单元", "二单元"], "retType 1: the children only");
    let below = chapters(json!({"parentType": "1", "parentId": u1, "retType": "1"})).await;
    assert_eq!(
        (below[0]["chapterId"].as_str(), below[0]["textbookId"].as_str()),
        (Some(l1.as_str()), Some(book.as_str()))
    );
    let top = chapters(json!({"parentType": "0", "parentId": "0", "retType": "1"})).await;
    assert_eq!((top.len(), top[0]["kind"].as_str()), (1, Some("period")), "parentId 0 is the top of the tree");

    refused(
        app.call(&xs, "/onlineDisk/createClassification", json!({"parentId": "0", "kind": "k", "title": "t"})).await,
        403,
        None,
        "a cinema's client",
    );
    refused(
        app.call(
            &admin,
            "/onlineDisk/createClassification",
            json!({"parentId": subject, "kind": "textbook", "title": "语文一年级上册"}),
        )
        .await,
        409,
        Some("title"),
        "the same title twice under one parent",
    );
    refused(
        app.call(&admin, "/onlineDisk/createClassification", json!({"parentId": "0", "kind": "a b", "title": "t"}))
            .await,
        400,
        Some("kind"),
        "a kind is a code",
    );
    refused(
        app.call(&admin, "/onlineDisk/createClassification", json!({"parentId": "nope", "kind": "k", "title": "t"}))
            .await,
        404,
        None,
        "an unknown parent",
    );
    refused(
        app.call(&admin, "/onlineDisk/updateClassification", json!({"classificationId": u1, "parentId": l1})).await,
        400,
        Some("parentId"),
        "under itself",
    );
    ok(
        app.call(
            &admin,
            "/onlineDisk/updateClassification",
            json!({"classificationId": u2, "title": "第二单元", "sortNum": -1}),
        )
        .await,
        "rename and re-sort",
    );
    let resorted = chapters(json!({"parentType": "0", "parentId": book, "retType": "1"})).await;
    assert_eq!(resorted[0]["chapterTitle"], "第二单元", "sortNum orders siblings");
    refused(
        app.call(&admin, "/onlineDisk/deleteClassification", json!({"classificationId": u1})).await,
        409,
        None,
        "a node with children",
    );
    ok(app.call(&admin, "/onlineDisk/deleteClassification", json!({"classificationId": l1})).await, "a leaf");
    refused(
        app.call(&xs, "/onlineDisk/queryChapters", json!({"parentType": "2", "parentId": book, "retType": "0"})).await,
        400,
        Some("parentType"),
        "parentType 0 or 1",
    );
    refused(
        app.call(&xs, "/onlineDisk/queryChapters", json!({"parentType": "0", "parentId": "nope", "retType": "0"}))
            .await,
        404,
        None,
        "an unknown node",
    );
}
