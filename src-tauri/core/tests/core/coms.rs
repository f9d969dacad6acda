//! The COMS side of a cinema: its queue of messages, the API keys its requests are signed with, and who may read its channel.

use cinedesk_core::*;

use super::{distribute, movie_input, site, spawn_app, spawn_with_admin};

/// A `dc` request to the long-poll route as the core sees it.
fn long_poll<'a>(auth: &'a str, date: &'a str, params: &'a str) -> SignedRequest<'a> {
    SignedRequest { method: "GET", path: "/cms/long_poll/c", authorization: auth, user_date: date, user_params: params }
}

/// The client of `cinema`, as a request signed with one of its keys is authenticated.
fn client_of(cms: &Cms, admin: &Actor, cinema: &str) -> Actor {
    let key = cms.create_api_key(admin, cinema).unwrap();
    let now = user_date(now_ms());
    let auth = format!("dc:{}:{}", key.apikey, sign(&key.secretkey, "timeout%3D1", &now));
    cms.verify_signed(&long_poll(&auth, &now, "timeout%3D1")).expect("a good signature")
}

#[test]
fn queue_is_ordered_redelivers_until_acked_and_survives_restart() {
    let (app, admin) = spawn_with_admin();
    let (cinema, _, _) = site(&app.cms, &admin, "q", 0);
    let movies: Vec<String> =
        (0..3).map(|i| app.cms.create_movie(&admin, movie_input(&format!("q{i}"))).unwrap()).collect();
    for m in &movies {
        distribute(&app.cms, &admin, m, &[&cinema]).unwrap();
    }
    let head = app.cms.next_message(&admin, &cinema).unwrap().unwrap();
    assert_eq!(head.message["movieID"], movies[0].as_str(), "oldest first");
    assert_eq!(app.cms.next_message(&admin, &cinema).unwrap().unwrap(), head, "unacked: the same head again");
    drop(app.cms);
    let cms = Cms::open(app.dir.path()).unwrap();
    assert_eq!(cms.next_message(&admin, &cinema).unwrap().unwrap(), head, "the queue survives a restart");
    cms.ack_message(&admin, &cinema, &head.message_id).unwrap();
    let second = cms.next_message(&admin, &cinema).unwrap().unwrap();
    assert_eq!(second.message["movieID"], movies[1].as_str());
    let third_id = {
        cms.ack_message(&admin, &cinema, &second.message_id).unwrap();
        cms.next_message(&admin, &cinema).unwrap().unwrap().message_id
    };
    cms.ack_message(&admin, &cinema, &head.message_id).expect("acking an old message again is harmless");
    cms.ack_message(&admin, &cinema, &third_id).unwrap();
    assert_eq!(cms.next_message(&admin, &cinema).unwrap(), None, "all acknowledged");
    assert_eq!(cms.ack_message(&admin, &cinema, "unknown").unwrap_err().code(), "not_found");
    assert_eq!(cms.next_message(&admin, "no-cinema").unwrap_err().code(), "not_found");
}

#[test]
fn acks_are_per_cinema() {
    let (app, admin) = spawn_with_admin();
    let (a, _, _) = site(&app.cms, &admin, "pa", 0);
    let (b, _, _) = site(&app.cms, &admin, "pb", 0);
    let m = app.cms.create_movie(&admin, movie_input("pm")).unwrap();
    distribute(&app.cms, &admin, &m, &[&a, &b]).unwrap();
    let msg_a = app.cms.next_message(&admin, &a).unwrap().unwrap();
    let err = app.cms.ack_message(&admin, &b, &msg_a.message_id).unwrap_err();
    assert_eq!(err.code(), "not_found", "a cinema cannot acknowledge another cinema's message");
    assert_eq!(app.cms.pending_message_count(&admin, &a).unwrap(), 1);
}

#[test]
fn wire_form_of_the_queue_head_is_the_message_as_json() {
    let (app, admin) = spawn_with_admin();
    let (cinema, _, _) = site(&app.cms, &admin, "w", 0);
    assert_eq!(app.cms.next_wire_message(&admin, &cinema).unwrap(), None, "an empty queue has no head");
    let movie = app.cms.create_movie(&admin, movie_input("w1")).unwrap();
    distribute(&app.cms, &admin, &movie, &[&cinema]).unwrap();
    let wire = app.cms.next_wire_message(&admin, &cinema).unwrap().expect("a NEW_MOVIE waits");
    let parsed: ComsMessage = serde_json::from_str(&wire.json).expect("the spliced text is valid JSON");
    assert_eq!(parsed, app.cms.next_message(&admin, &cinema).unwrap().unwrap(), "same message as the typed head");
    assert_eq!(wire.message_id, parsed.message_id);
    assert_eq!(app.cms.next_wire_message(&admin, "no-cinema").unwrap_err().code(), "not_found");
}

#[test]
fn a_cinemas_client_reads_and_acknowledges_its_own_channel_only() {
    let (app, admin) = spawn_with_admin();
    let (a, _, _) = site(&app.cms, &admin, "ca", 0);
    let (b, _, _) = site(&app.cms, &admin, "cb", 0);
    let m = app.cms.create_movie(&admin, movie_input("cm")).unwrap();
    distribute(&app.cms, &admin, &m, &[&a, &b]).unwrap();
    let client = client_of(&app.cms, &admin, &a);
    app.cms.mark_coms_seen(&client, &a).expect("its own channel");
    let head = app.cms.next_wire_message(&client, &a).unwrap().expect("its NEW_MOVIE");
    app.cms.ack_message(&client, &a, &head.message_id).unwrap();
    assert_eq!(app.cms.pending_message_count(&client, &a).unwrap(), 0);
    for refused in [
        app.cms.mark_coms_seen(&client, &b),
        app.cms.next_wire_message(&client, &b).map(drop),
        app.cms.ack_message(&client, &b, &head.message_id),
    ] {
        assert_eq!(refused.unwrap_err().code(), "forbidden", "another cinema's channel");
    }
    assert_eq!(app.cms.pending_message_count(&admin, &b).unwrap(), 1, "nothing of B's was touched");
}

#[test]
fn api_keys_sign_for_their_cinema_until_revoked() {
    let (app, admin) = spawn_with_admin();
    let (cinema, _, _) = site(&app.cms, &admin, "keys", 0);
    let key = app.cms.create_api_key(&admin, &cinema).unwrap();
    assert!(!key.apikey.is_empty() && !key.secretkey.is_empty(), "a key pair");
    let now = user_date(now_ms());
    let params = "timeout%3D30";
    let auth = format!("dc:{}:{}", key.apikey, sign(&key.secretkey, params, &now));
    let tampered = app.cms.verify_signed(&long_poll(&auth, &now, "timeout%3D31"));
    assert_eq!(tampered.unwrap_err().code(), "unauthorized", "the signature covers the parameters");
    let signed = app.cms.verify_signed(&long_poll(&auth, &now, params)).unwrap();
    assert_eq!(
        signed,
        Actor::Cinema { cinema_id: cinema.clone(), apikey: key.apikey.clone() },
        "a good signature is the key's cinema's client"
    );
    let wrong = format!("dc:{}:{}", key.apikey, sign("not the secret", params, &now));
    assert_eq!(app.cms.verify_signed(&long_poll(&wrong, &now, params)).unwrap_err().code(), "unauthorized");
    let stale = user_date(now_ms() - 16 * 60 * 1000);
    let stale_auth = format!("dc:{}:{}", key.apikey, sign(&key.secretkey, params, &stale));
    let refused = app.cms.verify_signed(&long_poll(&stale_auth, &stale, params)).unwrap_err();
    assert_eq!(refused.code(), "unauthorized", "15 minutes at most");
    app.cms.revoke_api_key(&admin, &cinema, &key.apikey).unwrap();
    let later = user_date(now_ms() + 1);
    let fresh = format!("dc:{}:{}", key.apikey, sign(&key.secretkey, params, &later));
    let revoked = app.cms.verify_signed(&long_poll(&fresh, &later, params)).unwrap_err();
    assert_eq!(revoked.code(), "unauthorized", "revoked at once");
}

#[test]
fn api_keys_are_listed_without_secrets_and_revoked_ones_say_so() {
    let (app, admin) = spawn_with_admin();
    let (cinema, _, _) = site(&app.cms, &admin, "list", 0);
    let key = app.cms.create_api_key(&admin, &cinema).unwrap();
    let listed = app.cms.list_api_keys(&admin, &cinema).unwrap();
    assert_eq!((listed.len(), listed[0].apikey.as_str(), listed[0].revoke_time), (1, key.apikey.as_str(), None));
    assert!(!serde_json::to_string(&listed).unwrap().contains(&key.secretkey), "a listing never shows the secret");
    app.cms.revoke_api_key(&admin, &cinema, &key.apikey).unwrap();
    let listed = app.cms.list_api_keys(&admin, &cinema).unwrap();
    assert!(listed[0].revoke_time.is_some(), "a revoked key is listed as such");
}

#[test]
fn keys_of_unknown_cinemas_and_unknown_keys_are_not_found() {
    let (app, admin) = spawn_with_admin();
    let (cinema, _, _) = site(&app.cms, &admin, "ghosts", 0);
    assert_eq!(app.cms.create_api_key(&admin, "ghost").unwrap_err().code(), "not_found");
    assert_eq!(app.cms.list_api_keys(&admin, "ghost").unwrap_err().code(), "not_found", "not a cinema without keys");
    assert_eq!(app.cms.revoke_api_key(&admin, &cinema, "ghost").unwrap_err().code(), "not_found");
}

#[test]
fn a_coms_poll_shows_as_the_cinemas_last_seen_time() {
    let app = spawn_app();
    let cinema = app.cms.create_cinema(&Actor::System, super::cinema_input("seen")).unwrap();
    let before = app.cms.get_cinema(&Actor::System, &cinema).unwrap();
    assert_eq!(before.coms_last_seen, None, "a COMS that never polled has no last-seen time");
    app.cms.mark_coms_seen(&Actor::System, &cinema).unwrap();
    assert!(app.cms.get_cinema(&Actor::System, &cinema).unwrap().coms_last_seen.is_some());
    assert_eq!(app.cms.mark_coms_seen(&Actor::System, "ghost").unwrap_err().code(), "not_found");
}
