//! The resource library of seed 004 over real HTTP: folders in spaces (a user's, a cinema's, the
//! chain's) and who may use which, resources listed by xkzyList (paging, every order, keyword
//! and kind filters), counters, thumbnails, use as a film's poster, deletion, and the
//! classification tree in the shape of queryChapters.

use std::collections::HashSet;

use cinedesk_core::{Actor, Domain, NewFile};
use serde_json::{json, Value};

use crate::helpers::{png, signed, spawn_app, ApiKey, TestApp, Who};

/// Asserts the seed's success envelope and answers its data.
#[track_caller]
pub fn ok(answer: (u16, Value), what: &str) -> Value {
    let (status, body) = answer;
    assert_eq!((status, body["result"].as_str()), (200, Some("000000")), "{what} must succeed: {body}");
    assert_eq!(body["resultDesc"], "success", "{what}: the seed's envelope");
    body["data"].clone()
}

/// Asserts a failure's status, the seed's failure envelope, and (when given) the field blamed.
#[track_caller]
pub fn refused(answer: (u16, Value), status: u16, field: Option<&str>, why: &str) {
    let (got, body) = answer;
    assert_eq!(got, status, "{why}: {body}");
    assert_eq!(body["result"], "100000", "{why}: the seed's failure envelope: {body}");
    assert!(body["info"].as_str().is_some_and(|i| !i.is_empty()), "{why}: info says what went wrong: {body}");
    if let Some(f) = field {
        assert_eq!(body["field"].as_str(), Some(f), "{why}: the field to blame: {body}");
    }
}

/// The string `key` of an answer's data.
#[track_caller]
fn id(data: Value, key: &str) -> String {
    data[key].as_str().unwrap_or_else(|| panic!("{key} in {data}")).to_string()
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

/// Two managers A and B, two cinemas X and Y, and X's API key.
struct Chain {
    app: TestApp,
    a_id: String,
    a_token: String,
    b_id: String,
    b_token: String,
    x: String,
    y: String,
    x_key: ApiKey,
}

async fn chain(prefix: &str) -> Chain {
    let app = spawn_app().await;
    let (a_id, a_token) = app.manager(&format!("{prefix}_a")).await;
    let (b_id, b_token) = app.manager(&format!("{prefix}_b")).await;
    let (x, y) = (app.cinema(&format!("{prefix}_x")).await, app.cinema(&format!("{prefix}_y")).await);
    let x_key = app.api_key(&x).await;
    Chain { app, a_id, a_token, b_id, b_token, x, y, x_key }
}

impl Chain {
    fn a(&self) -> Who<'_> {
        Who::Token(&self.a_token)
    }
    fn b(&self) -> Who<'_> {
        Who::Token(&self.b_token)
    }
    fn admin(&self) -> Who<'_> {
        Who::Token(&self.app.token)
    }
    fn xs(&self) -> Who<'_> {
        Who::Signed(&self.x_key)
    }

    /// A folder made by `who`; answers its id.
    async fn folder(&self, who: &Who<'_>, body: Value) -> String {
        id(ok(self.app.call(who, "/onlineDisk/createFolder", body).await, "createFolder"), "dirId")
    }

    /// The chain's organisation id.
    async fn org(&self) -> String {
        id(ok(self.app.call(&self.a(), "/onlineDisk/querySpaces", json!({})).await, "querySpaces"), "orgId")
    }
}

// ---------------------------------------------------------------- spaces and folders

#[tokio::test]
async fn a_manager_may_use_their_own_every_cinemas_and_the_chains_space() {
    let c = chain("lib").await;
    let spaces = ok(c.app.call(&c.a(), "/onlineDisk/querySpaces", json!({})).await, "querySpaces");
    let org = spaces["orgId"].as_str().unwrap().to_string();
    let kinds: Vec<(String, bool)> = spaces["list"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (format!("{}:{}", s["ownerType"].as_str().unwrap(), s["ownerId"].as_str().unwrap()), s["writable"] == true)
        })
        .collect();
    for want in [format!("0:{}", c.a_id), format!("1:{}", c.x), format!("1:{}", c.y), format!("2:{org}")] {
        assert!(kinds.iter().any(|(k, w)| *k == want && *w), "a manager may use {want}: {kinds:?}");
    }
    assert!(!kinds.iter().any(|(k, _)| *k == format!("0:{}", c.b_id)), "but not another user's personal space");
}

#[tokio::test]
async fn a_cinema_has_its_own_space_and_reads_the_chains() {
    let c = chain("lib").await;
    let theirs = ok(c.app.call(&c.xs(), "/onlineDisk/querySpaces", json!({})).await, "a cinema's spaces");
    let theirs: Vec<String> =
        theirs["list"].as_array().unwrap().iter().map(|s| format!("{}{}", s["ownerType"], s["writable"])).collect();
    assert_eq!(theirs, ["\"1\"true", "\"2\"false"], "a cinema has its own space and reads the chain's");
}

#[tokio::test]
async fn a_personal_space_is_its_users_alone() {
    let c = chain("lib").await;
    let (app, a_id) = (&c.app, &c.a_id);
    let mine = c.folder(&c.a(), with(personal(a_id), json!({"parentId": "0", "dirName": "我的素材"}))).await;
    refused(
        app.call(&c.b(), "/onlineDisk/queryFolders", with(personal(a_id), json!({"parentId": "0"}))).await,
        403,
        None,
        "B lists A's personal folders",
    );
    refused(
        app.call(&c.b(), "/onlineDisk/createFolder", with(personal(a_id), json!({"parentId": "0", "dirName": "x"})))
            .await,
        403,
        None,
        "B files into A's personal space",
    );
    refused(
        app.call(&c.b(), "/onlineDisk/renameFolder", json!({"dirId": mine, "dirName": "夺"})).await,
        403,
        None,
        "B renames A's folder",
    );
}

#[tokio::test]
async fn a_sys_admin_oversees_personal_spaces() {
    let c = chain("lib").await;
    c.folder(&c.a(), with(personal(&c.a_id), json!({"parentId": "0", "dirName": "我的素材"}))).await;
    let seen = ok(
        c.app.call(&c.admin(), "/onlineDisk/queryFolders", with(personal(&c.a_id), json!({"parentId": "0"}))).await,
        "admin",
    );
    assert_eq!(seen["list"][0]["dirName"], "我的素材", "a SYS_ADMIN oversees personal spaces: {seen}");
}

#[tokio::test]
async fn owner_type_0_without_a_user_id_is_the_callers_own_space() {
    let c = chain("lib").await;
    c.folder(&c.a(), with(personal(&c.a_id), json!({"parentId": "0", "dirName": "我的素材"}))).await;
    let own = ok(
        c.app.call(&c.a(), "/onlineDisk/queryFolders", json!({"ownerType": "0", "parentId": "0"})).await,
        "no userId",
    );
    assert_eq!(own["list"].as_array().unwrap().len(), 1, "without userId, ownerType 0 is one's own space");
}

#[tokio::test]
async fn a_cinemas_client_writes_its_own_space_only() {
    let c = chain("lib").await;
    let (app, xs, org) = (&c.app, c.xs(), c.org().await);
    c.folder(&xs, with(group(&c.x), json!({"parentId": "0", "dirName": "海报"}))).await;
    refused(
        app.call(&xs, "/onlineDisk/createFolder", with(group(&c.y), json!({"parentId": "0", "dirName": "海报"}))).await,
        403,
        None,
        "a cinema writes another cinema's space",
    );
    let chains = json!({"ownerType": "2", "orgId": org, "parentId": "0", "dirName": "x"});
    refused(app.call(&xs, "/onlineDisk/createFolder", chains).await, 403, None, "a cinema writes the chain's space");
    refused(
        app.call(&xs, "/onlineDisk/queryFolders", with(personal(&c.a_id), json!({}))).await,
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
}

#[tokio::test]
async fn the_chains_folders_are_visible_to_every_cinema() {
    let c = chain("lib").await;
    let org = c.org().await;
    let shared = json!({"ownerType": "2", "orgId": org, "parentId": "0", "dirName": "院线共享"});
    let chain_folder = c.folder(&c.a(), shared).await;
    let read = ok(
        c.app.call(&c.xs(), "/onlineDisk/queryFolders", json!({"ownerType": "2", "parentId": "0"})).await,
        "cinema reads chain",
    );
    assert_eq!(read["list"][0]["dirId"], chain_folder.as_str(), "the chain's folders are visible to every cinema");
}

#[tokio::test]
async fn operators_manage_cinema_spaces() {
    let c = chain("lib").await;
    let xf = c.folder(&c.xs(), with(group(&c.x), json!({"parentId": "0", "dirName": "海报"}))).await;
    ok(
        c.app.call(&c.a(), "/onlineDisk/renameFolder", json!({"dirId": xf, "dirName": "影院海报"})).await,
        "operators manage cinema spaces",
    );
}

/// The chain's folder tree 院线共享 › 影片 › 海报, made by A: (top, films, posters).
async fn tree(c: &Chain) -> (String, String, String) {
    let top = c.folder(&c.a(), json!({"ownerType": "2", "parentId": "0", "dirName": "院线共享"})).await;
    let films = c.folder(&c.a(), json!({"ownerType": "2", "parentId": top, "dirName": "影片"})).await;
    let posters = c.folder(&c.a(), json!({"ownerType": "2", "parentId": films, "dirName": "海报"})).await;
    (top, films, posters)
}

#[tokio::test]
async fn sibling_folders_have_different_names() {
    let c = chain("lib").await;
    let (_, films, _) = tree(&c).await;
    refused(
        c.app
            .call(&c.a(), "/onlineDisk/createFolder", json!({"ownerType": "2", "parentId": films, "dirName": "海报"}))
            .await,
        409,
        Some("dirName"),
        "two siblings of one name",
    );
}

#[tokio::test]
async fn a_folder_moves_within_its_space_but_never_into_itself() {
    let c = chain("lib").await;
    let (app, a) = (&c.app, c.a());
    let (top, films, posters) = tree(&c).await;
    let xf = c.folder(&c.xs(), with(group(&c.x), json!({"parentId": "0", "dirName": "海报"}))).await;
    refused(
        app.call(&a, "/onlineDisk/moveFolder", json!({"dirId": top, "parentId": posters})).await,
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
    let roots = ok(app.call(&a, "/onlineDisk/queryFolders", json!({"ownerType": "2", "parentId": "0"})).await, "roots");
    assert_eq!(roots["list"].as_array().unwrap().len(), 2, "the moved folder is at the root now: {roots}");
    ok(app.call(&a, "/onlineDisk/moveFolder", json!({"dirId": posters, "parentId": films})).await, "and back");
}

#[tokio::test]
async fn a_folder_holding_folders_is_deleted_only_recursively() {
    let c = chain("lib").await;
    let (app, a) = (&c.app, c.a());
    let (top, _, posters) = tree(&c).await;
    refused(
        app.call(&a, "/onlineDisk/deleteFolder", json!({"dirId": top})).await,
        409,
        None,
        "a folder with folders in it",
    );
    let gone = ok(app.call(&a, "/onlineDisk/deleteFolder", json!({"dirId": top, "recursive": "1"})).await, "recursive");
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
}

#[tokio::test]
async fn bad_folder_input_is_refused_naming_the_field() {
    let c = chain("lib").await;
    let (app, a) = (&c.app, c.a());
    for (body, field, why) in [
        (json!({"ownerType": "2", "parentId": "0"}), "dirName", "no name"),
        (json!({"ownerType": "7", "dirName": "x"}), "ownerType", "bad ownerType"),
        (json!({"ownerType": "2", "dirName": "a/b"}), "dirName", "a path"),
        (json!({"ownerType": "2", "orgId": "other", "dirName": "x"}), "orgId", "another org"),
    ] {
        refused(app.call(&a, "/onlineDisk/createFolder", body).await, 400, Some(field), why);
    }
    refused(
        app.call(&a, "/onlineDisk/createFolder", with(group("nope"), json!({"dirName": "x"}))).await,
        404,
        None,
        "an unknown cinema",
    );
}

#[tokio::test]
async fn a_folder_call_needs_credentials_covering_the_body_it_sends() {
    let c = chain("lib").await;
    let app = &c.app;
    refused(
        app.call(&Who::Nobody, "/onlineDisk/createFolder", json!({"ownerType": "2", "dirName": "x"})).await,
        401,
        None,
        "no credentials",
    );
    let sent = with(group(&c.x), json!({"dirName": "tampered"})).to_string();
    let tampered = app.http.post(app.url("/onlineDisk/createFolder")).body(sent);
    let tampered = signed(tampered, &c.x_key, &with(group(&c.x), json!({"dirName": "signed"})).to_string());
    assert_eq!(tampered.send().await.unwrap().status(), 401, "a signature covers the body actually sent");
    let garbage = app.http.post(app.url("/onlineDisk/createFolder")).bearer_auth(&c.a_token).body("{oops");
    assert_eq!(garbage.send().await.unwrap().status(), 400, "a body that is not JSON is a 400, not a 500");
}

// ---------------------------------------------------------------- resources

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

/// The product codes of a page, in order.
fn codes(page: &Value) -> Vec<String> {
    page["productList"].as_array().unwrap().iter().map(|p| p["productCode"].as_str().unwrap().to_string()).collect()
}

/// Twelve documents of growing size in the chain's root, filed by A; every third a roller
/// coaster, the rest deep sea, so keyword searches can tell them apart. Answers their ids.
async fn twelve_documents(c: &Chain) -> Vec<String> {
    let owner = Actor::User(c.app.cms.authenticate(&c.app.token).unwrap());
    let mut ids = Vec::new();
    for i in 0..12u64 {
        let file = c
            .app
            .cms
            .store_bytes(
                &owner,
                NewFile::new(&format!("讲义{i}.pdf"), Domain::Resource),
                &vec![b'%'; 1000 + i as usize * 100],
            )
            .unwrap();
        let title = if i % 3 == 0 {
            format!("过山车 roller coaster 第{i}讲")
        } else {
            format!("深海探险 deep sea 第{i}讲")
        };
        let body = json!({"fid": file.file_id, "title": title, "keyword": "VR,体验", "intro": "简介", "resForm": "1",
                          "ownerType": "2", "userId": c.a_id, "parentId": "0", "resSource": "0"});
        ids.push(id(ok(c.app.call(&c.a(), "/onlineDisk/createResource", body).await, "createResource"), "resId"));
    }
    ids
}

/// A client that looks at redirects rather than following them.
fn no_follow() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// Views, downloads and marks of the documents in different orders, so each order is its own.
async fn use_documents(c: &Chain, ids: &[String]) {
    let (app, a) = (&c.app, c.a());
    let http = no_follow();
    for (i, id) in ids.iter().enumerate() {
        for _ in 0..(i * 5) % 12 {
            ok(app.call(&a, "/onlineDisk/viewResource", json!({"resId": id})).await, "viewResource");
        }
        for _ in 0..(i * 7) % 12 {
            let url = app.url(&format!("/onlineDisk/downloadResource?resId={id}"));
            let res = http.get(url).bearer_auth(&c.a_token).send().await.unwrap();
            assert_eq!(res.status(), 302, "a download redirects to the content");
        }
        let mark = 1 + (i * 3) % 5;
        ok(app.call(&a, "/onlineDisk/markResource", json!({"resId": id, "mark": mark})).await, "markResource");
        ok(
            app.call(&c.admin(), "/onlineDisk/markResource", json!({"resId": id, "mark": 1 + (i * 2) % 5})).await,
            "a second mark",
        );
    }
}

#[tokio::test]
async fn a_download_redirects_to_the_stored_file_which_is_also_the_preview() {
    let c = chain("res").await;
    let ids = twelve_documents(&c).await;
    let url = c.app.url(&format!("/onlineDisk/downloadResource?resId={}", ids[0]));
    let location = no_follow().get(url).bearer_auth(&c.a_token).send().await.unwrap();
    assert_eq!(location.status(), 302, "a download redirects to the content");
    let viewed = ok(c.app.call(&c.a(), "/onlineDisk/viewResource", json!({"resId": ids[0]})).await, "view");
    let location = location.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(location, format!("/cms/files/{}", viewed["fid"].as_str().unwrap()), "the download is the stored file");
    assert_eq!(viewed["previewUrl"], location, "the preview is the file too");
}

#[tokio::test]
async fn every_order_is_descending_with_stable_paging() {
    let c = chain("res").await;
    let ids = twelve_documents(&c).await;
    use_documents(&c, &ids).await;
    let orders = [("viewCount", "viewCount"), ("downCount", "downCount"), ("createTime", "createTime")];
    for (order, key) in orders.into_iter().chain([("fileLength", "fileLength"), ("marks", "score")]) {
        let mut seen: Vec<Value> = Vec::new();
        for page in 1..=3 {
            let p = xkzy(&c.app, &c.a(), json!({"orderBy": order}), page, 5).await;
            assert_eq!(p["totalCount"], 12, "totalCount is the whole match: {p}");
            seen.extend(p["productList"].as_array().unwrap().iter().cloned());
        }
        assert_eq!(seen.len(), 12, "pages of 5 cover 12 resources in 3 pages ({order})");
        let distinct: HashSet<&str> = seen.iter().map(|p| p["productCode"].as_str().unwrap()).collect();
        assert_eq!(distinct.len(), 12, "no resource twice across pages ({order})");
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
}

#[tokio::test]
async fn view_count_is_the_default_order_of_products_in_the_seeds_fields() {
    let c = chain("res").await;
    let ids = twelve_documents(&c).await;
    use_documents(&c, &ids).await;
    let default = xkzy(&c.app, &c.a(), json!({}), 1, 3).await;
    let by_views = xkzy(&c.app, &c.a(), json!({"orderBy": "viewCount"}), 1, 3).await;
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
}

#[tokio::test]
async fn keywords_find_latin_and_chinese_words_of_titles_and_keyword_lists() {
    let c = chain("res").await;
    twelve_documents(&c).await;
    let (app, a) = (&c.app, c.a());
    assert_eq!(total(app, &a, json!({"keyword": "roller"})).await, 4, "a Latin keyword (trigram index)");
    assert_eq!(total(app, &a, json!({"keyword": "深海"})).await, 8, "a two-character keyword (pairs)");
    assert_eq!(total(app, &a, json!({"keyword": "深海探险"})).await, 8, "four characters (trigram index)");
    assert_eq!(total(app, &a, json!({"keyword": "体验"})).await, 12, "keywords are searched too");
}

#[tokio::test]
async fn a_keywords_matches_keep_the_order_of_the_whole_list() {
    let c = chain("res").await;
    let ids = twelve_documents(&c).await;
    use_documents(&c, &ids).await;
    // Few matches are sorted, the whole list is walked in index order: both give one order.
    for order in ["viewCount", "downCount", "fileLength", "marks", "createTime"] {
        let everything = codes(&xkzy(&c.app, &c.a(), json!({"orderBy": order}), 1, 20).await);
        let deep = codes(&xkzy(&c.app, &c.a(), json!({"orderBy": order, "keyword": "deep sea"}), 1, 20).await);
        let expected: Vec<String> = everything.into_iter().filter(|code| deep.contains(code)).collect();
        assert_eq!(deep, expected, "a keyword's matches keep the order of the whole list ({order})");
    }
}

#[tokio::test]
async fn pdfs_are_documents_of_res_type_2() {
    let c = chain("res").await;
    twelve_documents(&c).await;
    assert_eq!(xkzy(&c.app, &c.a(), json!({"resType": "2"}), 1, 20).await["totalCount"], 12, "PDFs are documents");
    assert_eq!(xkzy(&c.app, &c.a(), json!({"resType": "3"}), 1, 20).await["totalCount"], 0, "and no videos");
}

#[tokio::test]
async fn a_resource_moved_into_a_folder_is_listed_there() {
    let c = chain("res").await;
    let ids = twelve_documents(&c).await;
    let (app, a) = (&c.app, c.a());
    let folder = c.folder(&a, json!({"ownerType": "2", "parentId": "0", "dirName": "精选"})).await;
    let moved = json!({"resId": ids[1], "parentId": folder, "title": "精选 deep sea"});
    ok(app.call(&a, "/onlineDisk/updateResource", moved).await, "move");
    let in_folder = xkzy(app, &a, json!({"parentId": folder}), 1, 20).await;
    assert_eq!(
        (in_folder["totalCount"].as_u64(), in_folder["productList"][0]["title"].as_str()),
        (Some(1), Some("精选 deep sea"))
    );
    assert_eq!(xkzy(app, &a, json!({"ownerType": "2", "parentId": "0"}), 1, 20).await["totalCount"], 11, "the rest");
}

/// A's personal resource and cinema X's resource, beside the twelve: (personal, cinema's).
async fn personal_and_cinema_resources(c: &Chain) -> (String, String) {
    let mine = json!({"title": "私人笔记", "resForm": "2", "url": "https://example.com/a.txt",
                      "ownerType": "0", "parentId": "0"});
    let personal_res = id(ok(c.app.call(&c.a(), "/onlineDisk/createResource", mine).await, "personal"), "resId");
    let theirs = json!({"title": "影院宣传片", "resForm": "2", "url": "https://example.com/p.mp4",
                        "ownerType": "1", "groupId": c.x, "parentId": "0"});
    let cinema_res = id(ok(c.app.call(&c.xs(), "/onlineDisk/createResource", theirs).await, "cinema's"), "resId");
    (personal_res, cinema_res)
}

#[tokio::test]
async fn each_caller_lists_the_resources_of_the_spaces_they_may_read() {
    let c = chain("res").await;
    twelve_documents(&c).await;
    personal_and_cinema_resources(&c).await;
    let app = &c.app;
    assert_eq!(total(app, &c.a(), json!({})).await, 14, "A sees the chain's, the cinema's and A's own");
    assert_eq!(total(app, &c.b(), json!({})).await, 13, "B does not see A's personal resource");
    assert_eq!(total(app, &c.admin(), json!({})).await, 14, "a SYS_ADMIN sees everything");
    assert_eq!(total(app, &c.xs(), json!({})).await, 13, "cinema X sees the chain's and its own");
}

#[tokio::test]
async fn resources_of_spaces_one_may_not_use_are_refused() {
    let c = chain("res").await;
    let ids = twelve_documents(&c).await;
    let (personal_res, cinema_res) = personal_and_cinema_resources(&c).await;
    let app = &c.app;
    let view = |res: &str| json!({"resId": res});
    let b_views = app.call(&c.b(), "/onlineDisk/viewResource", view(&personal_res)).await;
    refused(b_views, 403, None, "B views A's personal resource");
    let x_lists = app.call(&c.xs(), "/onlineDisk/xkzyList", json!({"query": group(&c.y)})).await;
    refused(x_lists, 403, None, "X lists Y's space");
    let y_key = app.api_key(&c.y).await;
    let y_views = app.call(&Who::Signed(&y_key), "/onlineDisk/viewResource", view(&cinema_res)).await;
    refused(y_views, 403, None, "Y views X's");
    let x_deletes = app.call(&c.xs(), "/onlineDisk/deleteResource", view(&ids[2])).await;
    refused(x_deletes, 403, None, "X deletes the chain's");
}

#[tokio::test]
async fn issynchronization_files_a_copy_in_the_callers_personal_space() {
    let c = chain("res").await;
    let body = json!({"title": "同步资料", "resForm": "2", "url": "https://example.com/s.pdf",
                      "ownerType": "2", "parentId": "0", "issynchronization": "1"});
    let synced = ok(c.app.call(&c.b(), "/onlineDisk/createResource", body).await, "issynchronization");
    assert!(synced["resId"].is_string());
    let copies = total(&c.app, &c.b(), json!({"ownerType": "0"})).await;
    assert_eq!(copies, 1, "issynchronization=1 files a copy in B's personal space");
}

/// A classification node 过山车 with a child 木质过山车, and a 640×400 picture resource (that
/// may not be removed) classified under the child: (node, leaf, picture's file id, resource).
async fn classified_picture(c: &Chain) -> (String, String, String, String) {
    let (app, a) = (&c.app, c.a());
    let node_body = json!({"parentId": "0", "kind": "genre", "title": "过山车"});
    let node = id(ok(app.call(&a, "/onlineDisk/createClassification", node_body).await, "node"), "classificationId");
    let leaf_body = json!({"parentId": node, "kind": "genre", "title": "木质过山车"});
    let leaf = id(ok(app.call(&a, "/onlineDisk/createClassification", leaf_body).await, "leaf"), "classificationId");
    let owner = Actor::User(app.cms.authenticate(&app.token).unwrap());
    let picture = app.cms.store_bytes(&owner, NewFile::new("poster.png", Domain::Resource), &png(640, 400)).unwrap();
    let body = json!({"fid": picture.file_id, "title": "海报", "resForm": "1", "ownerType": "2",
                      "classificationIdList": [leaf], "canRemoved": "1"});
    let poster = id(ok(app.call(&a, "/onlineDisk/createResource", body).await, "a picture"), "resId");
    (node, leaf, picture.file_id, poster)
}

#[tokio::test]
async fn a_classification_node_finds_what_is_classified_below_it() {
    let c = chain("res").await;
    let (node, leaf, _, _) = classified_picture(&c).await;
    let (app, a) = (&c.app, c.a());
    let by_node = xkzy(app, &a, json!({"classificationId": node}), 1, 20).await;
    assert_eq!(by_node["totalCount"], 1, "a node finds what is classified below it: {by_node}");
    assert_eq!(by_node["productList"][0]["classificationId"], leaf.as_str(), "the seed's classificationId");
    assert_eq!(xkzy(app, &a, json!({"resType": "1"}), 1, 20).await["totalCount"], 1, "pictures are resType 1");
    refused(
        app.call(&a, "/onlineDisk/xkzyList", json!({"query": {"classificationId": "nope"}})).await,
        400,
        Some("classificationId"),
        "unknown node",
    );
}

#[tokio::test]
async fn a_picture_gets_its_own_thumbnail_and_only_views_count() {
    let c = chain("res").await;
    let (_, _, picture, poster) = classified_picture(&c).await;
    let (app, a) = (&c.app, c.a());
    app.processed(&picture).await;
    let info = ok(app.call(&a, "/onlineDisk/resourceInfo", json!({"resId": poster})).await, "resourceInfo");
    assert!(info["imageUrl"].as_str().is_some_and(|u| u.starts_with("/cms/files/")), "a thumbnail: {info}");
    let viewed = ok(app.call(&a, "/onlineDisk/viewResource", json!({"resId": poster})).await, "view");
    assert_ne!(viewed["imageUrl"], format!("/cms/files/{picture}"), "a 640×400 picture gets its own thumbnail");
    assert_eq!(viewed["viewCount"], 1, "viewResource counts a view, resourceInfo (asked above) does not: {viewed}");
}

#[tokio::test]
async fn a_picture_resource_becomes_a_films_poster() {
    let c = chain("res").await;
    let (_, _, picture, poster) = classified_picture(&c).await;
    let (app, a) = (&c.app, c.a());
    let movie = app.movie("LIB_FILM").await;
    let use_as = |usage: &str, movie: &str| json!({"resId": poster, "movieId": movie, "usage": usage});
    let used =
        ok(app.call(&a, "/onlineDisk/useResourceForMovie", use_as("poster", &movie)).await, "useResourceForMovie");
    assert_eq!(used["fileID"], picture.as_str());
    let (_, film) = app.get(&format!("/cms/movies/{movie}")).await;
    assert_eq!(film["posterID"], picture.as_str(), "the film's poster is the resource's file: {film}");
    let as_film = app.call(&a, "/onlineDisk/useResourceForMovie", use_as("film", &movie)).await;
    refused(as_film, 400, Some("usage"), "a picture is no film");
    let unknown = app.call(&a, "/onlineDisk/useResourceForMovie", use_as("icon", "nope")).await;
    refused(unknown, 404, None, "unknown film");
    let by_cinema = app.call(&c.xs(), "/onlineDisk/useResourceForMovie", use_as("icon", &movie)).await;
    refused(by_cinema, 403, None, "a cinema's client");
}

#[tokio::test]
async fn a_batch_delete_holding_an_unremovable_resource_deletes_nothing() {
    let c = chain("res").await;
    let ids = twelve_documents(&c).await;
    let (_, _, _, poster) = classified_picture(&c).await;
    let (app, a) = (&c.app, c.a());
    refused(
        app.call(&a, "/onlineDisk/deleteResource", json!({"resIdList": [ids[3], poster]})).await,
        409,
        None,
        "canRemoved=1 refuses the batch",
    );
    let still = app.call(&a, "/onlineDisk/viewResource", json!({"resId": ids[3]})).await;
    ok(still, "nothing of a refused batch is deleted");
}

#[tokio::test]
async fn deleted_resources_are_gone_from_views_and_the_index() {
    let c = chain("res").await;
    let ids = twelve_documents(&c).await;
    let (app, a) = (&c.app, c.a());
    ok(app.call(&a, "/onlineDisk/deleteResource", json!({"resIdList": [ids[3], ids[4]]})).await, "delete two");
    refused(app.call(&a, "/onlineDisk/viewResource", json!({"resId": ids[3]})).await, 404, None, "a deleted resource");
    assert_eq!(total(app, &a, json!({"keyword": "roller"})).await, 3, "the index forgot the deleted one");
}

#[tokio::test]
async fn a_bad_resource_is_refused_naming_the_field() {
    let c = chain("res").await;
    let (app, a) = (&c.app, c.a());
    let base = json!({"title": "t", "ownerType": "2"});
    for (extra, status, field, why) in [
        (json!({}), 400, Some("resForm"), "no resForm"),
        (json!({"resForm": "1"}), 400, Some("fid"), "no fid"),
        (json!({"resForm": "1", "fid": 12345}), 404, None, "unknown fid"),
        (json!({"resForm": "2", "url": "ftp://x"}), 400, Some("url"), "bad url"),
        (
            json!({"resForm": "2", "url": "https://x/y", "chapterIdList": ["nope"]}),
            400,
            Some("chapterIdList"),
            "unknown chapter",
        ),
        (json!({"chapterIdList": {"not": "a list"}}), 400, Some("chapterIdList"), "a wrong-typed field"),
    ] {
        refused(app.call(&a, "/onlineDisk/createResource", with(base.clone(), extra)).await, status, field, why);
    }
}

#[tokio::test]
async fn bad_listing_and_marking_parameters_are_refused_naming_the_field() {
    let c = chain("res").await;
    let ids = twelve_documents(&c).await;
    let (app, a) = (&c.app, c.a());
    for (body, field, why) in [
        (json!({"query": {"orderBy": "price"}}), "orderBy", "unknown order"),
        (json!({"page": {"curPage": 1, "numPerPage": 0}}), "numPerPage", "empty pages"),
        (json!({"query": {"resType": "9"}}), "resType", "resType 0–5"),
    ] {
        refused(app.call(&a, "/onlineDisk/xkzyList", body).await, 400, Some(field), why);
    }
    let mark = app.call(&a, "/onlineDisk/markResource", json!({"resId": ids[0], "mark": 6})).await;
    refused(mark, 400, Some("mark"), "marks 1–5");
}

// ---------------------------------------------------------------- the classification tree

/// 小学 › 语文 › 语文一年级上册 › {一单元 › 春晓, 二单元}, made by the admin, and cinema X's
/// signed client.
struct Tree {
    app: TestApp,
    key: ApiKey,
    subject: String,
    book: String,
    u1: String,
    l1: String,
    u2: String,
}

async fn textbook() -> Tree {
    let app = spawn_app().await;
    let x = app.cinema("tree_x").await;
    let key = app.api_key(&x).await;
    let admin = Who::Token(&app.token);
    let node = |parent: &str, kind: &str, title: &str| {
        let body = json!({"parentId": parent, "kind": kind, "title": title});
        let (app, admin) = (&app, &admin);
        async move { id(ok(app.call(admin, "/onlineDisk/createClassification", body).await, "create"), "classificationId") }
    };
    let period = node("0", "period", "小学").await;
    let subject = node(&period, "subject", "语文").await;
    let book = node(&subject, "textbook", "语文一年级上册").await;
    let u1 = node(&book, "chapter", "一单元").await;
    let l1 = node(&u1, "chapter", "春晓").await;
    let u2 = node(&book, "chapter", "二单元").await;
    Tree { app, key, subject, book, u1, l1, u2 }
}

impl Tree {
    fn admin(&self) -> Who<'_> {
        Who::Token(&self.app.token)
    }

    /// queryChapters as the cinema's client: the list.
    async fn chapters(&self, body: Value) -> Vec<Value> {
        let answer = self.app.call(&Who::Signed(&self.key), "/onlineDisk/queryChapters", body).await;
        ok(answer, "queryChapters")["list"].as_array().unwrap().clone()
    }
}

#[tokio::test]
async fn query_chapters_answers_a_textbooks_subtree_in_the_seeds_shape() {
    let t = textbook().await;
    let whole = t.chapters(json!({"parentType": "0", "parentId": t.book, "retType": "0"})).await;
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
        (Some(t.u1.as_str()), Some("0"), Some(2), Some("N")),
        "as the seed's example: a unit below its textbook"
    );
    assert_eq!((whole[1]["chapterPid"].as_str(), whole[1]["isLeaf"].as_str()), (Some(t.u1.as_str()), Some("Y")));
}

#[tokio::test]
async fn query_chapters_ret_type_1_answers_the_children_only() {
    let t = textbook().await;
    let children = t.chapters(json!({"parentType": "0", "parentId": t.book, "retType": "1"})).await;
    let titles: Vec<&str> = children.iter().map(|c| c["chapterTitle"].as_str().unwrap()).collect();
    assert_eq!(titles, ["一单元", "二单元"], "retType 1: the children only");
    let below = t.chapters(json!({"parentType": "1", "parentId": t.u1, "retType": "1"})).await;
    assert_eq!(
        (below[0]["chapterId"].as_str(), below[0]["textbookId"].as_str()),
        (Some(t.l1.as_str()), Some(t.book.as_str()))
    );
    let top = t.chapters(json!({"parentType": "0", "parentId": "0", "retType": "1"})).await;
    assert_eq!((top.len(), top[0]["kind"].as_str()), (1, Some("period")), "parentId 0 is the top of the tree");
}

#[tokio::test]
async fn a_cinemas_client_may_not_create_classifications() {
    let t = textbook().await;
    let body = json!({"parentId": "0", "kind": "k", "title": "t"});
    let answer = t.app.call(&Who::Signed(&t.key), "/onlineDisk/createClassification", body).await;
    refused(answer, 403, None, "a cinema's client");
}

#[tokio::test]
async fn bad_classification_changes_are_refused() {
    let t = textbook().await;
    let (app, admin) = (&t.app, t.admin());
    for (path, body, status, field, why) in [
        (
            "/onlineDisk/createClassification",
            json!({"parentId": t.subject, "kind": "textbook", "title": "语文一年级上册"}),
            409,
            Some("title"),
            "the same title twice under one parent",
        ),
        (
            "/onlineDisk/createClassification",
            json!({"parentId": "0", "kind": "a b", "title": "t"}),
            400,
            Some("kind"),
            "a kind is a code",
        ),
        (
            "/onlineDisk/createClassification",
            json!({"parentId": "nope", "kind": "k", "title": "t"}),
            404,
            None,
            "an unknown parent",
        ),
        (
            "/onlineDisk/updateClassification",
            json!({"classificationId": t.u1, "parentId": t.l1}),
            400,
            Some("parentId"),
            "under itself",
        ),
    ] {
        refused(app.call(&admin, path, body).await, status, field, why);
    }
}

#[tokio::test]
async fn sort_num_orders_sibling_classifications() {
    let t = textbook().await;
    let change = json!({"classificationId": t.u2, "title": "第二单元", "sortNum": -1});
    ok(t.app.call(&t.admin(), "/onlineDisk/updateClassification", change).await, "rename and re-sort");
    let resorted = t.chapters(json!({"parentType": "0", "parentId": t.book, "retType": "1"})).await;
    assert_eq!(resorted[0]["chapterTitle"], "第二单元", "sortNum orders siblings");
}

#[tokio::test]
async fn only_a_classification_without_children_is_deleted() {
    let t = textbook().await;
    let (app, admin) = (&t.app, t.admin());
    let parent = app.call(&admin, "/onlineDisk/deleteClassification", json!({"classificationId": t.u1})).await;
    refused(parent, 409, None, "a node with children");
    ok(app.call(&admin, "/onlineDisk/deleteClassification", json!({"classificationId": t.l1})).await, "a leaf");
}

#[tokio::test]
async fn query_chapters_refuses_a_bad_parent() {
    let t = textbook().await;
    let xs = Who::Signed(&t.key);
    refused(
        t.app
            .call(&xs, "/onlineDisk/queryChapters", json!({"parentType": "2", "parentId": t.book, "retType": "0"}))
            .await,
        400,
        Some("parentType"),
        "parentType 0 or 1",
    );
    refused(
        t.app
            .call(&xs, "/onlineDisk/queryChapters", json!({"parentType": "0", "parentId": "nope", "retType": "0"}))
            .await,
        404,
        None,
        "an unknown node",
    );
}
