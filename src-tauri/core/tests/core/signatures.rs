//! Signed requests on a real database: each signature accepted once (also after a restart), `dc2` bound to its method and path, busy files answered as `busy`.

use cinedesk_core::*;

use super::{site, spawn_app};

/// A fresh key of a new cinema: (the client it signs as, apikey, secret).
fn key(cms: &Cms, code: &str) -> (Actor, String, String) {
    let (cinema, _, _) = site(cms, &Actor::System, code, 0);
    let k = cms.create_api_key(&Actor::System, &cinema).unwrap();
    (Actor::Cinema { cinema_id: cinema, apikey: k.apikey.clone() }, k.apikey, k.secretkey)
}

/// A fresh date and the `dc` authorization of `params` at it.
fn dc(apikey: &str, secret: &str, params: &str) -> (String, String) {
    let date = user_date(now_ms());
    let auth = format!("dc:{apikey}:{}", sign(secret, params, &date));
    (date, auth)
}

fn request<'a>(method: &'a str, path: &'a str, auth: &'a str, date: &'a str, params: &'a str) -> SignedRequest<'a> {
    SignedRequest { method, path, authorization: auth, user_date: date, user_params: params }
}

#[test]
fn a_signature_is_accepted_once_and_its_repeat_says_why() {
    let app = spawn_app();
    let (client, apikey, secret) = key(&app.cms, "once");
    let (date, auth) = dc(&apikey, &secret, "timeout%3D1");
    let req = request("GET", "/cms/long_poll/x", &auth, &date, "timeout%3D1");
    assert_eq!(app.cms.verify_signed(&req).unwrap(), client);
    let again = app.cms.verify_signed(&req).unwrap_err();
    assert_eq!(again.code(), "unauthorized");
    assert!(again.to_string().contains("already used"), "the refusal says why: {again}");
}

#[test]
fn a_used_signature_stays_used_after_a_restart() {
    let app = spawn_app();
    let (_, apikey, secret) = key(&app.cms, "restart");
    let (date, auth) = dc(&apikey, &secret, "");
    app.cms.verify_signed(&request("GET", "/cms/ws/x", &auth, &date, "")).unwrap();
    let dir = app.dir;
    drop(app.cms);
    let reopened = Cms::open(dir.path()).unwrap();
    let replay = reopened.verify_signed(&request("GET", "/cms/ws/x", &auth, &date, "")).unwrap_err();
    assert!(replay.to_string().contains("already used"), "{replay}");
}

#[test]
fn a_dc_signature_of_one_route_is_refused_on_another_once_used() {
    let app = spawn_app();
    let (_, apikey, secret) = key(&app.cms, "reaim");
    let params = "%7B%22folderId%22%3A%22f1%22%7D";
    let (date, auth) = dc(&apikey, &secret, params);
    app.cms.verify_signed(&request("POST", "/onlineDisk/moveFolder", &auth, &date, params)).unwrap();
    let other = app.cms.verify_signed(&request("POST", "/onlineDisk/deleteFolder", &auth, &date, params));
    assert_eq!(other.unwrap_err().code(), "unauthorized", "dc does not sign the path: the replay rule refuses it");
}

#[test]
fn a_dc2_signature_covers_the_method_and_the_path() {
    let app = spawn_app();
    let (client, apikey, secret) = key(&app.cms, "dc2");
    let date = user_date(now_ms());
    let sig = sign_dc2(&secret, "POST", "/onlineDisk/moveFolder", "a%3D1", &date);
    let auth = format!("dc2:{apikey}:{sig}");
    let moved = request("POST", "/onlineDisk/moveFolder", &auth, &date, "a%3D1");
    for (method, path) in [("POST", "/onlineDisk/deleteFolder"), ("GET", "/onlineDisk/moveFolder")] {
        let err = app.cms.verify_signed(&request(method, path, &auth, &date, "a%3D1")).unwrap_err();
        assert!(err.to_string().contains("does not match"), "{method} {path}: {err}");
    }
    assert_eq!(app.cms.verify_signed(&moved).unwrap(), client, "the route it was made for takes it");
}

#[test]
fn dc2_signatures_match_the_published_test_vectors() {
    // The vectors of docs/coms-integration.md, computed there with Python's hmac module.
    let date = "20160101160758675";
    assert_eq!(
        sign_dc2("secret", "GET", "/cms/long_poll/c1", "timeout%3D30", date),
        "/l6eGBOafCcw47p0BrvHejDWNFTQyZNTZ8y4T9gwrVQ="
    );
    assert_eq!(sign("secret", "timeout%3D30", date), "FCfLmjUrD4NKleXDoYcrftH1dpg=");
}

#[test]
fn an_unknown_scheme_or_date_is_refused_with_its_reason() {
    let app = spawn_app();
    let (_, apikey, secret) = key(&app.cms, "reasons");
    let date = user_date(now_ms());
    let bearer = format!("Bearer:{apikey}:{}", sign(&secret, "", &date));
    let err = app.cms.verify_signed(&request("GET", "/x", &bearer, &date, "")).unwrap_err();
    assert!(err.to_string().contains("dc:{apikey}"), "{err}");
    let auth = format!("dc:{apikey}:{}", sign(&secret, "", "2016-01-01"));
    let err = app.cms.verify_signed(&request("GET", "/x", &auth, "2016-01-01", "")).unwrap_err();
    assert!(err.to_string().contains("yyyyMMddHHmmssSSS"), "{err}");
}

#[test]
fn a_write_on_a_file_another_connection_locked_answers_busy() {
    let app = spawn_app();
    let other = rusqlite::Connection::open(app.dir.path().join(DB_FILE)).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    let err = app.cms.create_cinema(&Actor::System, super::inputs::cinema_input("locked")).unwrap_err();
    assert_eq!(err.code(), Code::Busy, "{err}");
    assert_eq!(Code::Busy.status(), 503);
    other.execute_batch("ROLLBACK").unwrap();
    app.cms
        .create_cinema(&Actor::System, super::inputs::cinema_input("unlocked"))
        .expect("the lock gone, writes go on");
}
