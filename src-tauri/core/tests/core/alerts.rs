//! Alerts (issue 13): each rule raises once and clears once, in the event's transaction, with one webhook call per webhook; the time-based rules fire through the timer's deadline; a manager sees its own cinemas' notifications only.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use cinedesk_core::*;
use cinedesk_testkit::noise;

use super::{distribute, movie_input, site, site_client, user_input, App, PASSWORD};

const MINUTE: i64 = 60_000;

/// A CMS whose clock the test moves, and its first SYS_ADMIN.
fn clocked() -> (App, Actor, Arc<AtomicI64>) {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(AtomicI64::new(now_ms()));
    let c = Arc::clone(&clock);
    let cms = Arc::new(Cms::open(dir.path()).unwrap().with_clock(move || c.load(Ordering::SeqCst)));
    let app = App { cms, dir };
    let admin = app.admin().actor;
    (app, admin, clock)
}

fn all(app: &App, who: &Actor) -> Vec<Notification> {
    let q = NotificationQuery { paging: Paging::new(None, Some(100)).unwrap(), unread: false };
    app.cms.notifications(who, &q).unwrap().item_list
}

fn status(client: &str, status: SeatStatus, code: Option<&str>) -> Heartbeat {
    let seat = SeatReport { client_id: client.into(), status, error_code: code.map(Into::into), error_message: None };
    Heartbeat { seats: vec![seat], ..Heartbeat::default() }
}

fn disk(free_gib: u64) -> Heartbeat {
    Heartbeat { disk_free_bytes: Some(free_gib << 30), disk_total_bytes: Some(1 << 40), ..Heartbeat::default() }
}

#[test]
fn a_seat_in_error_raises_one_notification_and_clears_it_once() {
    let (app, admin, _) = clocked();
    let (cinema, _, seats) = site(&app.cms, &admin, "se", 1);
    let site = site_client(&cinema);
    app.cms.heartbeat(&site, &cinema, status(&seats[0], SeatStatus::Error, Some("HMD_LOST"))).unwrap();
    app.cms.heartbeat(&site, &cinema, status(&seats[0], SeatStatus::Error, Some("HMD_LOST"))).unwrap();
    let raised = all(&app, &admin);
    assert_eq!(raised.len(), 1, "fires once: {raised:?}");
    let n = &raised[0];
    assert_eq!((n.kind, n.client_id.as_deref(), n.cleared_at), (AlertKind::SeatError, Some(seats[0].as_str()), None));
    assert!(n.message.contains("HMD_LOST") && n.message.contains("座位"), "{}", n.message);
    app.cms.heartbeat(&site, &cinema, status(&seats[0], SeatStatus::Idle, None)).unwrap();
    app.cms.heartbeat(&site, &cinema, status(&seats[0], SeatStatus::Playing, None)).unwrap();
    let cleared = all(&app, &admin);
    assert_eq!(cleared.len(), 1);
    assert!(cleared[0].cleared_at.is_some(), "cleared when the seat left ERROR");
}

#[test]
fn each_raise_and_clear_owes_one_call_per_webhook_in_order() {
    let (app, admin, _) = clocked();
    let (cinema, _, seats) = site(&app.cms, &admin, "wh", 1);
    app.cms.create_webhook(&admin, "http://127.0.0.1:9/hook", WebhookFormat::Json).unwrap();
    let site = site_client(&cinema);
    app.cms.heartbeat(&site, &cinema, status(&seats[0], SeatStatus::Error, None)).unwrap();
    app.cms.heartbeat(&site, &cinema, status(&seats[0], SeatStatus::Idle, None)).unwrap();
    let due = app.cms.due_webhook_calls().unwrap();
    assert_eq!(due.len(), 1, "the clear waits behind the raise: {due:?}");
    assert_eq!((due[0].state, due[0].notification.cleared_at), (AlertState::Raised, None));
    app.cms.webhook_call_sent(due[0].call_id).unwrap();
    let next = app.cms.due_webhook_calls().unwrap();
    assert_eq!(next.len(), 1);
    assert_eq!(next[0].state, AlertState::Cleared);
    assert!(next[0].notification.cleared_at.is_some());
    app.cms.webhook_call_sent(next[0].call_id).unwrap();
    assert!(app.cms.due_webhook_calls().unwrap().is_empty());
}

#[test]
fn a_failed_call_is_due_again_after_its_backoff() {
    let (app, admin, clock) = clocked();
    let (cinema, _, seats) = site(&app.cms, &admin, "bo", 1);
    app.cms.create_webhook(&admin, "http://127.0.0.1:9/hook", WebhookFormat::Wecom).unwrap();
    app.cms.heartbeat(&site_client(&cinema), &cinema, status(&seats[0], SeatStatus::Error, None)).unwrap();
    let call = app.cms.due_webhook_calls().unwrap().remove(0);
    let failed_at = clock.load(Ordering::SeqCst);
    app.cms.webhook_call_failed(call.call_id, "HTTP 500").unwrap();
    assert!(app.cms.due_webhook_calls().unwrap().is_empty(), "waiting out its back-off");
    assert_eq!(app.cms.alert_deadline().unwrap(), Some(failed_at + 1000), "due again in a second");
    assert_eq!(app.cms.webhooks(&admin).unwrap()[0].last_error.as_deref(), Some("HTTP 500"));
    clock.store(failed_at + 1000, Ordering::SeqCst);
    let again = app.cms.due_webhook_calls().unwrap();
    assert_eq!((again.len(), again[0].attempts), (1, 1));
}

#[test]
fn a_silent_coms_is_flagged_offline_by_the_timer_once_and_cleared_when_heard_again() {
    let (app, admin, clock) = clocked();
    let (cinema, _, _) = site(&app.cms, &admin, "off", 0);
    let site = site_client(&cinema);
    let seen = clock.load(Ordering::SeqCst);
    app.cms.mark_coms_seen(&site, &cinema).unwrap();
    assert_eq!(app.cms.alert_deadline().unwrap(), Some(seen + 5 * MINUTE), "the default: five minutes");
    assert_eq!(app.cms.fire_due_alerts().unwrap(), 0, "not yet");
    clock.store(seen + 5 * MINUTE, Ordering::SeqCst);
    assert_eq!(app.cms.fire_due_alerts().unwrap(), 1);
    assert_eq!(app.cms.fire_due_alerts().unwrap(), 0, "fires once");
    assert_eq!(app.cms.alert_deadline().unwrap(), None, "a flagged COMS sets no deadline");
    let n = all(&app, &admin);
    assert_eq!((n.len(), n[0].kind, n[0].cleared_at), (1, AlertKind::ComsOffline, None));
    clock.store(seen + 6 * MINUTE, Ordering::SeqCst);
    app.cms.mark_coms_seen(&site, &cinema).unwrap();
    assert!(all(&app, &admin)[0].cleared_at.is_some(), "heard from again: cleared");
    assert_eq!(app.cms.alert_deadline().unwrap(), Some(seen + 11 * MINUTE), "watched again");
}

#[test]
fn a_download_without_progress_is_stuck_after_the_rules_hours_and_progress_clears_it() {
    let (app, admin, clock) = clocked();
    let (cinema, _, _) = site(&app.cms, &admin, "stk", 0);
    let file = app.cms.store_bytes(&admin, NewFile::new("film.mp4", Domain::Movie), &noise(100, 1)).unwrap();
    let film = app.cms.create_movie(&admin, MovieInput { file_id: Some(file.file_id), ..movie_input("stk") }).unwrap();
    distribute(&app.cms, &admin, &film, &[&cinema]).unwrap();
    let report = |bytes| DeliveryReport {
        state: DeliveryState::Downloading,
        bytes,
        total_bytes: 100,
        error: None,
        file_id: None,
    };
    app.cms.report_delivery(&site_client(&cinema), &cinema, &film, report(10)).unwrap();
    let deadline = app.cms.alert_deadline().unwrap().expect("a deadline: the download's");
    clock.store(deadline, Ordering::SeqCst);
    assert_eq!(app.cms.fire_due_alerts().unwrap(), 1);
    let n = all(&app, &admin);
    assert_eq!((n[0].kind, n[0].movie_id.as_deref()), (AlertKind::DeliveryStuck, Some(film.as_str())));
    assert!(n[0].message.contains("6 小时"), "{}", n[0].message);
    app.cms.report_delivery(&site_client(&cinema), &cinema, &film, report(20)).unwrap();
    assert!(all(&app, &admin)[0].cleared_at.is_some(), "progress: no longer stuck");
}

#[test]
fn a_failed_delivery_raises_and_a_new_attempt_clears_it() {
    let (app, admin, _) = clocked();
    let (cinema, _, _) = site(&app.cms, &admin, "fl", 0);
    let film = app.cms.create_movie(&admin, movie_input("fl")).unwrap();
    distribute(&app.cms, &admin, &film, &[&cinema]).unwrap();
    let failed = DeliveryReport {
        state: DeliveryState::Failed,
        bytes: 0,
        total_bytes: 0,
        error: Some("磁盘已满".into()),
        file_id: None,
    };
    app.cms.report_delivery(&site_client(&cinema), &cinema, &film, failed).unwrap();
    let n = all(&app, &admin);
    assert_eq!((n.len(), n[0].kind), (1, AlertKind::DeliveryFailed));
    assert!(n[0].message.contains("磁盘已满"), "the site's words: {}", n[0].message);
    let again =
        DeliveryReport { state: DeliveryState::Downloading, bytes: 0, total_bytes: 0, error: None, file_id: None };
    app.cms.report_delivery(&site_client(&cinema), &cinema, &film, again).unwrap();
    assert!(all(&app, &admin)[0].cleared_at.is_some());
}

#[test]
fn low_disk_raises_below_the_threshold_and_clears_above_it_and_when_the_threshold_moves() {
    let (app, admin, _) = clocked();
    let (cinema, _, _) = site(&app.cms, &admin, "dk", 0);
    let site = site_client(&cinema);
    app.cms.heartbeat(&site, &cinema, disk(5)).unwrap();
    let n = all(&app, &admin);
    assert_eq!((n.len(), n[0].kind, n[0].cleared_at), (1, AlertKind::DiskLow, None));
    app.cms.update_alert_rules(&admin, AlertRulesChange { disk_low_free_gib: Some(4), ..Default::default() }).unwrap();
    assert!(all(&app, &admin)[0].cleared_at.is_some(), "5 GiB free is enough under a 4 GiB rule");
    app.cms.heartbeat(&site, &cinema, disk(3)).unwrap();
    app.cms.heartbeat(&site, &cinema, disk(50)).unwrap();
    let n = all(&app, &admin);
    assert_eq!(n.len(), 2, "raised again, then cleared: {n:?}");
    assert!(n.iter().all(|n| n.cleared_at.is_some()));
}

#[test]
fn a_manager_sees_reads_and_counts_its_own_cinemas_notifications_only() {
    let (app, admin, _) = clocked();
    let (mine, _, a) = site(&app.cms, &admin, "mine", 1);
    let (theirs, _, b) = site(&app.cms, &admin, "theirs", 1);
    let input = UserInput { cinema_id_list: Some(vec![mine.clone()]), ..user_input("scoped", ROLE_MANAGER) };
    app.cms.create_user(&admin, input).unwrap();
    let manager = Actor::User(app.cms.authenticate(&app.cms.login("scoped", PASSWORD).unwrap().token).unwrap());
    app.cms.heartbeat(&site_client(&mine), &mine, status(&a[0], SeatStatus::Error, None)).unwrap();
    app.cms.heartbeat(&site_client(&theirs), &theirs, status(&b[0], SeatStatus::Error, None)).unwrap();
    let seen = all(&app, &manager);
    assert_eq!(seen.iter().map(|n| n.cinema_id.as_str()).collect::<Vec<_>>(), [mine.as_str()]);
    assert_eq!(app.cms.unread_notifications(&manager).unwrap(), 1);
    let other = all(&app, &admin).into_iter().find(|n| n.cinema_id == theirs).unwrap();
    let err = app.cms.mark_notification_read(&manager, &other.notification_id).unwrap_err();
    assert_eq!(err.code(), "not_found", "another cinema's is not there");
    app.cms.mark_notification_read(&manager, &seen[0].notification_id).unwrap();
    assert_eq!(app.cms.unread_notifications(&manager).unwrap(), 0);
    assert_eq!(app.cms.unread_notifications(&admin).unwrap(), 2, "read marks are each user's");
    assert_eq!(app.cms.mark_all_notifications_read(&admin).unwrap(), 2);
    assert_eq!(app.cms.unread_notifications(&admin).unwrap(), 0);
}

#[test]
fn rules_and_webhooks_are_the_whole_chains_and_changed_with_checks() {
    let (app, admin, _) = clocked();
    let (mine, _, _) = site(&app.cms, &admin, "rw", 0);
    let input = UserInput { cinema_id_list: Some(vec![mine]), ..user_input("scoped2", ROLE_MANAGER) };
    app.cms.create_user(&admin, input).unwrap();
    let manager = Actor::User(app.cms.authenticate(&app.cms.login("scoped2", PASSWORD).unwrap().token).unwrap());
    assert!(app.cms.alert_rules(&manager).unwrap().coms_offline_enabled, "a manager reads them");
    let change = AlertRulesChange { coms_offline_minutes: Some(10), ..Default::default() };
    assert_eq!(app.cms.update_alert_rules(&manager, change.clone()).unwrap_err().code(), "forbidden");
    assert_eq!(app.cms.webhooks(&manager).unwrap_err().code(), "forbidden");
    let bad = AlertRulesChange { delivery_stuck_hours: Some(0), ..change.clone() };
    assert_eq!(app.cms.update_alert_rules(&admin, bad).unwrap_err().code(), "invalid");
    assert_eq!(app.cms.alert_rules(&admin).unwrap().coms_offline_minutes, 5, "all or none");
    assert_eq!(app.cms.update_alert_rules(&admin, change).unwrap().coms_offline_minutes, 10);
    let err = app.cms.create_webhook(&admin, "ftp://example.com/x", WebhookFormat::Json).unwrap_err();
    assert_eq!(err.code(), "invalid");
}
