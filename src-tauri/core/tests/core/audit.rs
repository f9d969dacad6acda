//! The audit log: one entry per record a change touches, written with the change (or not at
//! all), holding who, from where, and the record before and after without secrets; a MANAGER
//! reads what touches its cinemas; old entries go by the retention setting.

use cinedesk_core::*;

use super::{cinema_input, site, spawn_with_admin, user_input, PASSWORD};

fn entries(app: &super::App, who: &Actor, q: AuditQuery) -> Vec<AuditEntry> {
    app.cms.audit_log(who, &AuditQuery { paging: Paging::new(None, Some(1000)).unwrap(), ..q }).unwrap().item_list
}

fn of_entity(entity: &str) -> AuditQuery {
    AuditQuery { entity: Some(entity.into()), ..Default::default() }
}

#[test]
fn an_update_records_who_from_where_and_the_record_before_and_after() {
    let (app, admin) = spawn_with_admin();
    let from = admin.clone().with_origin(Origin::new("10.1.2.3", Via::Web));
    let id = app.cms.create_cinema(&from, cinema_input("a")).unwrap();
    app.cms.update_cinema(&from, &id, CinemaInput { name: Some("新名".into()), ..Default::default() }).unwrap();
    let log = entries(&app, &admin, of_entity("cinema"));
    let (update, create) = (&log[0], &log[1]);
    assert_eq!((create.action.as_str(), update.action.as_str()), ("create", "update"), "newest first");
    assert_eq!(update.user_id.as_deref(), Some(app.cms.me(&admin).unwrap().user_id.as_str()));
    assert_eq!((update.address.as_str(), update.via.as_str()), ("10.1.2.3", "WEB"));
    assert_eq!((update.entity_id.as_str(), update.cinema_id.as_deref()), (id.as_str(), Some(id.as_str())));
    assert_eq!(update.before.as_ref().unwrap()["name"], "X立方 a");
    assert_eq!(update.after.as_ref().unwrap()["name"], "新名");
    assert!(create.before.is_none() && create.after.as_ref().unwrap()["cinemaCode"] == "a");
}

#[test]
fn a_refused_change_leaves_no_entry() {
    let (app, admin) = spawn_with_admin();
    app.cms.create_cinema(&admin, cinema_input("a")).unwrap();
    let before = entries(&app, &admin, AuditQuery::default()).len();
    app.cms.create_cinema(&admin, cinema_input("a")).expect_err("the code is taken");
    let (_, _, seats) = site(&app.cms, &admin, "b", 1);
    let after_site = entries(&app, &admin, AuditQuery::default()).len();
    app.cms.delete_vr_clients(&admin, &[seats[0].clone(), "ghost".into()]).expect_err("one is unknown");
    assert_eq!(entries(&app, &admin, AuditQuery::default()).len(), after_site, "nothing deleted, nothing logged");
    assert_eq!(after_site, before + 3, "the site's cinema, hall and seat");
}

#[test]
fn a_batch_records_each_record_it_touched() {
    let (app, admin) = spawn_with_admin();
    let (_, _, seats) = site(&app.cms, &admin, "a", 3);
    assert_eq!(entries(&app, &admin, of_entity("vr_client")).len(), 3, "three seats made");
    app.cms.delete_vr_clients(&admin, &seats).unwrap();
    let deleted = entries(&app, &admin, AuditQuery { action: Some("delete".into()), ..Default::default() });
    assert_eq!(deleted.len(), 3);
    assert!(deleted
        .iter()
        .all(|e| e.after.is_none() && e.before.as_ref().unwrap()["clientID"] == e.entity_id.as_str()));
}

#[test]
fn no_secret_reaches_the_log() {
    let (app, admin) = spawn_with_admin();
    let (cinema, _, _) = site(&app.cms, &admin, "a", 0);
    let key = app.cms.create_api_key(&admin, &cinema).unwrap();
    let id = app.cms.create_user(&admin, user_input("m1", ROLE_MANAGER)).unwrap();
    app.cms
        .update_user(&admin, &id, UserInput { password: Some("another password".into()), ..Default::default() })
        .unwrap();
    app.cms.login("m1", "another password").unwrap();
    let log = serde_json::to_string(&entries(&app, &admin, AuditQuery::default())).unwrap();
    for secret in [key.secretkey.as_str(), "another password", PASSWORD, "argon2"] {
        assert!(!log.contains(secret), "{secret:?} must not be logged");
    }
    let changed = entries(&app, &admin, AuditQuery { action: Some("password_change".into()), ..Default::default() });
    assert_eq!(changed.len(), 1, "the password change is an entry of its own kind");
    assert_eq!(
        entries(&app, &admin, AuditQuery { action: Some("issue".into()), ..Default::default() })[0].entity_id,
        key.apikey
    );
}

#[test]
fn a_failed_login_is_recorded_with_the_alias_tried_and_no_user() {
    let (app, admin) = spawn_with_admin();
    let at = LoginFrom { address: "192.0.2.7".into(), via: Via::Web, ..Default::default() };
    app.cms.login_from(&at, "sysadmin", "not the password").unwrap_err();
    app.cms.login_from(&at, "nobody", "whatever").unwrap_err();
    let failed = entries(&app, &admin, AuditQuery { action: Some("login_failed".into()), ..Default::default() });
    let tried: Vec<&str> = failed.iter().map(|e| e.entity_id.as_str()).collect();
    assert_eq!(tried, vec!["nobody", "sysadmin"]);
    assert!(failed.iter().all(|e| e.user_id.is_none() && e.address == "192.0.2.7"));
}

#[test]
fn a_manager_reads_what_touches_its_cinemas_and_what_it_did() {
    let (app, admin) = spawn_with_admin();
    let (a, _, _) = site(&app.cms, &admin, "a", 1);
    let (b, _, _) = site(&app.cms, &admin, "b", 1);
    let input = UserInput { cinema_id_list: Some(vec![a.clone()]), ..user_input("ma", ROLE_MANAGER) };
    app.cms.create_user(&admin, input).unwrap();
    let m = Actor::User(app.cms.authenticate(&app.cms.login("ma", PASSWORD).unwrap().token).unwrap());
    app.cms.create_movie(&m, super::movie_input("chain")).unwrap();
    let seen = entries(&app, &m, AuditQuery::default());
    assert!(seen
        .iter()
        .all(|e| e.cinema_id.as_deref() == Some(a.as_str()) || e.entity == "movie" || e.entity == "session"));
    assert!(seen.iter().any(|e| e.entity == "movie"), "its own film");
    assert!(entries(&app, &m, AuditQuery { cinema_id: Some(b), ..Default::default() }).is_empty(), "b is not its");
    assert!(entries(&app, &admin, AuditQuery::default()).len() > seen.len(), "a SYS_ADMIN sees everything");
}

#[test]
fn filters_name_known_entities_and_actions_only() {
    let (app, admin) = spawn_with_admin();
    let bad = app.cms.audit_log(&admin, &of_entity("spaceship")).unwrap_err();
    assert_eq!(super::field_of(bad), ("invalid".into(), "entity".into()));
    let bad = app.cms.audit_log(&admin, &AuditQuery { action: Some("explode".into()), ..Default::default() });
    assert_eq!(super::field_of(bad.unwrap_err()), ("invalid".into(), "action".into()));
}

#[test]
fn entries_older_than_the_retention_go() {
    let (app, admin) = spawn_with_admin();
    site(&app.cms, &admin, "a", 2);
    let total = entries(&app, &admin, AuditQuery::default()).len();
    // Make the first two entries three days old, as if written then.
    let db = rusqlite::Connection::open(app.dir.path().join(DB_FILE)).unwrap();
    let old = now_ms() - 3 * 24 * 3_600_000;
    db.execute("UPDATE audit SET at = ? WHERE id IN (SELECT id FROM audit ORDER BY id LIMIT 2)", [old]).unwrap();
    drop(db);
    let patch = SettingsChange { audit_retention_days: Some(2), ..Default::default() };
    app.cms.update_settings(&admin, patch).unwrap();
    assert_eq!(app.cms.settings(&admin).unwrap().audit_retention_days, 2);
    let left = entries(&app, &admin, AuditQuery::default());
    assert_eq!(left.len(), total - 2 + 1, "two pruned, the settings change recorded");
    assert!(left.iter().all(|e| e.at > old));
}

#[test]
fn a_retention_outside_a_day_to_a_century_is_refused() {
    let (app, admin) = spawn_with_admin();
    for days in [0, 36_501] {
        let patch = SettingsChange { audit_retention_days: Some(days), ..Default::default() };
        let err = app.cms.update_settings(&admin, patch).unwrap_err();
        assert_eq!(super::field_of(err), ("invalid".into(), "auditRetentionDays".into()), "{days} days");
    }
    assert_eq!(app.cms.settings(&admin).unwrap().audit_retention_days, DEFAULT_RETENTION_DAYS);
}
