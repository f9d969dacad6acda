//! A user's sessions: listed with where they came from, ended by their user or a SYS_ADMIN.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use super::*;

fn from(address: &str, agent: &str) -> LoginFrom {
    LoginFrom { address: address.into(), user_agent: agent.into() }
}

/// The admin logged in twice, from two places: (actor of the first, token of the first, token of the second).
fn admin_twice(app: &App) -> (Actor, String, String) {
    let first = app.admin();
    let second = app.cms.login_from(&from("10.0.0.2", "Firefox"), "sysadmin", PASSWORD).expect("a second login");
    (first.actor, first.token, second.token)
}

#[test]
fn a_user_lists_their_sessions_with_where_they_came_from_and_which_is_current() {
    let app = spawn_app();
    let (admin, first, _) = admin_twice(&app);
    let list = app.cms.list_sessions(&admin, None, Some(&first)).unwrap();
    assert_eq!(list.len(), 2);
    let current: Vec<_> = list.iter().filter(|s| s.current).collect();
    assert_eq!(current.len(), 1, "exactly one is the caller's");
    assert_eq!(current[0].address, "", "the first login came over no network");
    let other = list.iter().find(|s| !s.current).unwrap();
    assert_eq!((other.address.as_str(), other.user_agent.as_str()), ("10.0.0.2", "Firefox"));
    assert!(other.create_time <= other.last_used_time && other.last_used_time < other.expire_time);
}

#[test]
fn a_session_ended_by_its_user_stops_working_at_once() {
    let app = spawn_app();
    let (admin, first, second) = admin_twice(&app);
    app.cms.authenticate(&second).expect("resolved, so also held in memory");
    let other = app.cms.list_sessions(&admin, None, Some(&first)).unwrap().into_iter().find(|s| !s.current).unwrap();
    app.cms.end_session(&admin, &other.session_id).unwrap();
    assert_eq!(app.cms.authenticate(&second).unwrap_err().code(), "unauthorized");
    app.cms.authenticate(&first).expect("the caller's own session goes on");
}

#[test]
fn a_manager_may_not_list_another_users_sessions() {
    let app = spawn_app();
    let admin = app.admin();
    let manager = app.manager(&admin.actor);
    let e = app.cms.list_sessions(&manager.actor, Some(&admin.id), None).unwrap_err();
    assert_eq!(e.code(), "forbidden");
}

#[test]
fn a_manager_may_not_end_another_users_session() {
    let app = spawn_app();
    let admin = app.admin();
    let manager = app.manager(&admin.actor);
    let admins = app.cms.list_sessions(&admin.actor, None, None).unwrap();
    let e = app.cms.end_session(&manager.actor, &admins[0].session_id).unwrap_err();
    assert_eq!(e.code(), "forbidden");
    app.cms.authenticate(&admin.token).expect("the admin's session lives on");
}

#[test]
fn a_sys_admin_ends_a_managers_session() {
    let app = spawn_app();
    let admin = app.admin();
    let manager = app.manager(&admin.actor);
    let theirs = app.cms.list_sessions(&admin.actor, Some(&manager.id), None).unwrap();
    assert_eq!(theirs.len(), 1);
    assert!(!theirs[0].current, "not the admin's own");
    app.cms.end_session(&admin.actor, &theirs[0].session_id).unwrap();
    assert_eq!(app.cms.authenticate(&manager.token).unwrap_err().code(), "unauthorized");
}

#[test]
fn ending_an_unknown_session_is_not_found() {
    let (app, admin) = spawn_with_admin();
    assert_eq!(app.cms.end_session(&admin, "no-such-session").unwrap_err().code(), "not_found");
}

#[test]
fn a_sessions_last_use_is_recorded_when_it_is_next_resolved_after_a_minute() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(AtomicI64::new(1_800_000_000_000));
    let c = Arc::clone(&clock);
    let cms = Cms::open(dir.path()).unwrap().with_clock(move || c.load(Ordering::SeqCst));
    cms.create_first_admin(&Actor::System, "系统管理员", "sysadmin", PASSWORD).unwrap();
    let token = cms.login("sysadmin", PASSWORD).unwrap().token;
    let admin = Actor::User(cms.authenticate(&token).unwrap());
    clock.fetch_add(5 * 60 * 1000, Ordering::SeqCst);
    cms.authenticate(&token).unwrap();
    let listed = cms.list_sessions(&admin, None, Some(&token)).unwrap();
    assert_eq!(listed[0].last_used_time, clock.load(Ordering::SeqCst));
    assert_eq!(listed[0].create_time, 1_800_000_000_000);
}
