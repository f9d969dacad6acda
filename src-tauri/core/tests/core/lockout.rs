//! Login lockout: failures counted per alias and per address in the database, on a clock the
//! tests move.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use super::*;

/// A time well after the epoch, where every test's clock starts.
const T0: i64 = 1_800_000_000_000;

/// A CMS on a fresh data dir whose clock stands still until the test moves it.
fn spawn_on_clock() -> (App, Arc<AtomicI64>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let clock = Arc::new(AtomicI64::new(T0));
    let cms = Arc::new(open_on(dir.path(), &clock));
    cms.create_first_admin(&Actor::System, "系统管理员", "sysadmin", PASSWORD).expect("the first admin");
    (App { cms, dir }, clock)
}

fn open_on(dir: &std::path::Path, clock: &Arc<AtomicI64>) -> Cms {
    let clock = Arc::clone(clock);
    Cms::open(dir).expect("open the CMS").with_clock(move || clock.load(Ordering::SeqCst))
}

fn from(address: &str) -> LoginFrom {
    LoginFrom { address: address.into(), user_agent: "tests".into() }
}

/// `n` wrong passwords for `alias` from `address`, each refused as bad credentials.
fn fail(cms: &Cms, address: &str, alias: &str, n: u32) {
    for _ in 0..n {
        let e = cms.login_from(&from(address), alias, "wrong password").unwrap_err();
        assert!(matches!(e, Error::BadCredentials), "a counted failure: {e}");
    }
}

#[test]
fn five_failures_for_an_alias_refuse_even_the_right_password_for_fifteen_minutes() {
    let (app, _clock) = spawn_on_clock();
    fail(&app.cms, "10.0.0.1", "sysadmin", MAX_ALIAS_FAILURES);
    let refused = app.cms.login_from(&from("10.0.0.2"), "sysadmin", PASSWORD).unwrap_err();
    assert_eq!(refused.code(), Code::TooManyRequests);
    assert_eq!(refused.retry_after_secs(), Some(15 * 60), "the failures all happened just now");
    assert!(refused.to_string().contains("try again in 15 minutes"), "says why and how long: {refused}");
}

#[test]
fn the_lockout_ends_when_the_failures_leave_the_window() {
    let (app, clock) = spawn_on_clock();
    fail(&app.cms, "10.0.0.1", "sysadmin", MAX_ALIAS_FAILURES);
    clock.fetch_add(LOCKOUT_WINDOW_MS - 1000, Ordering::SeqCst);
    let refused = app.cms.login_from(&from("10.0.0.1"), "sysadmin", PASSWORD).unwrap_err();
    assert_eq!(refused.retry_after_secs(), Some(1), "one second of the window is left");
    clock.fetch_add(1000, Ordering::SeqCst);
    app.cms.login_from(&from("10.0.0.1"), "sysadmin", PASSWORD).expect("the window has passed");
}

#[test]
fn a_refused_try_does_not_lengthen_the_lockout() {
    let (app, clock) = spawn_on_clock();
    fail(&app.cms, "10.0.0.1", "sysadmin", MAX_ALIAS_FAILURES);
    clock.fetch_add(10 * 60 * 1000, Ordering::SeqCst);
    let e = app.cms.login_from(&from("10.0.0.1"), "sysadmin", "still guessing").unwrap_err();
    assert_eq!(e.retry_after_secs(), Some(5 * 60), "refused, five minutes left");
    clock.fetch_add(5 * 60 * 1000, Ordering::SeqCst);
    app.cms.login_from(&from("10.0.0.1"), "sysadmin", PASSWORD).expect("the refused guess was not counted");
}

#[test]
fn a_lockout_survives_reopening_the_data_dir() {
    let (app, clock) = spawn_on_clock();
    fail(&app.cms, "10.0.0.1", "sysadmin", MAX_ALIAS_FAILURES);
    let App { cms, dir } = app;
    drop(cms);
    let reopened = open_on(dir.path(), &clock);
    let e = reopened.login_from(&from("10.0.0.1"), "sysadmin", PASSWORD).unwrap_err();
    assert_eq!(e.code(), Code::TooManyRequests, "the count is in the database, not in memory");
}

#[test]
fn twenty_failures_from_one_address_refuse_every_alias_from_there_only() {
    let (app, _clock) = spawn_on_clock();
    // Four aliases, five tries each from one address: no alias reaches its own limit alone.
    for alias in ["a1", "a2", "a3", "a4"] {
        fail(&app.cms, "10.0.0.9", alias, MAX_ALIAS_FAILURES - 1);
    }
    fail(&app.cms, "10.0.0.9", "a5", MAX_ADDRESS_FAILURES - 4 * (MAX_ALIAS_FAILURES - 1));
    let e = app.cms.login_from(&from("10.0.0.9"), "sysadmin", PASSWORD).unwrap_err();
    assert_eq!(e.code(), Code::TooManyRequests);
    assert!(e.to_string().contains("from this address"), "names the address as the reason: {e}");
    app.cms.login_from(&from("10.0.0.10"), "sysadmin", PASSWORD).expect("another address logs in");
}

#[test]
fn a_good_login_starts_the_alias_count_over() {
    let (app, _clock) = spawn_on_clock();
    fail(&app.cms, "10.0.0.1", "sysadmin", MAX_ALIAS_FAILURES - 1);
    app.cms.login_from(&from("10.0.0.1"), "sysadmin", PASSWORD).expect("under the limit");
    fail(&app.cms, "10.0.0.1", "sysadmin", MAX_ALIAS_FAILURES - 1);
    app.cms.login_from(&from("10.0.0.1"), "sysadmin", PASSWORD).expect("the earlier failures were forgotten");
}

#[test]
fn an_alias_is_counted_whatever_its_case() {
    let (app, _clock) = spawn_on_clock();
    fail(&app.cms, "10.0.0.1", "SysAdmin", MAX_ALIAS_FAILURES);
    let e = app.cms.login_from(&from("10.0.0.2"), "sysadmin", PASSWORD).unwrap_err();
    assert_eq!(e.code(), Code::TooManyRequests, "aliases match without case, and so do their counters");
}

#[test]
fn logins_over_no_network_are_limited_per_alias_only() {
    let (app, _clock) = spawn_on_clock();
    for alias in ["a1", "a2", "a3", "a4", "a5", "a6"] {
        fail(&app.cms, "", alias, MAX_ALIAS_FAILURES - 1);
    }
    app.cms.login("sysadmin", PASSWORD).expect("the desktop's window is no address to lock out");
}
