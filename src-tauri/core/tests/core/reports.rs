//! What a site reports of its seats (issue 13): heartbeats, seats' status and faults, liveness that survives a restart and lapses, and only for the cinema's own seats.

use cinedesk_core::*;

use super::{site, site_client, spawn_with_admin, App};

fn seat_report(client: &str, status: SeatStatus) -> SeatReport {
    SeatReport { client_id: client.into(), status, error_code: None, error_message: None }
}

fn fault(client: &str, code: &str) -> SeatReport {
    SeatReport {
        error_code: Some(code.into()),
        error_message: Some("头盔未连接".into()),
        ..seat_report(client, SeatStatus::Error)
    }
}

fn beat(seats: Vec<SeatReport>) -> Heartbeat {
    Heartbeat {
        coms_version: Some("2.4.1".into()),
        disk_free_bytes: Some(400 << 30),
        disk_total_bytes: Some(1 << 40),
        seats,
    }
}

fn seat(app: &App, admin: &Actor, id: &str) -> VrClient {
    app.cms.get_vr_client(admin, id).unwrap()
}

#[test]
fn a_heartbeat_records_the_coms_figures_and_each_listed_seats_status() {
    let (app, admin) = spawn_with_admin();
    let (cinema, _, seats) = site(&app.cms, &admin, "hb", 3);
    let hb = beat(vec![seat_report(&seats[0], SeatStatus::Idle), seat_report(&seats[1], SeatStatus::Playing)]);
    app.cms.heartbeat(&site_client(&cinema), &cinema, hb).unwrap();
    let c = app.cms.get_cinema(&admin, &cinema).unwrap();
    assert_eq!(c.coms_version.as_deref(), Some("2.4.1"));
    assert_eq!((c.disk_free_bytes, c.disk_total_bytes), (Some(400 << 30), Some(1 << 40)));
    assert!(c.heartbeat_at.is_some() && c.coms_last_seen.is_some(), "the COMS was heard from");
    let statuses: Vec<SeatStatus> = seats.iter().map(|s| seat(&app, &admin, s).status).collect();
    assert_eq!(statuses, [SeatStatus::Idle, SeatStatus::Playing, SeatStatus::ShutDown], "a seat not listed keeps its");
}

#[test]
fn a_seat_in_error_has_a_fault_that_clears_when_it_leaves_error() {
    let (app, admin) = spawn_with_admin();
    let (cinema, _, seats) = site(&app.cms, &admin, "fe", 1);
    let client = site_client(&cinema);
    app.cms.heartbeat(&client, &cinema, beat(vec![fault(&seats[0], "HMD_LOST")])).unwrap();
    let raised = seat(&app, &admin, &seats[0]);
    let f = raised.fault.clone().expect("the seat's latest fault");
    assert_eq!((raised.status, f.error_code.as_deref(), f.cleared_at), (SeatStatus::Error, Some("HMD_LOST"), None));
    assert_eq!(f.error_message.as_deref(), Some("头盔未连接"));
    app.cms.heartbeat(&client, &cinema, beat(vec![seat_report(&seats[0], SeatStatus::Idle)])).unwrap();
    let cleared = seat(&app, &admin, &seats[0]).fault.expect("the latest fault stays, cleared");
    assert_eq!((cleared.raised_at, cleared.error_code), (f.raised_at, f.error_code));
    assert!(cleared.cleared_at.is_some_and(|at| at >= f.raised_at), "cleared when the seat left ERROR");
}

#[test]
fn an_error_of_another_code_is_a_new_fault_and_the_same_one_is_no_change() {
    let (app, admin) = spawn_with_admin();
    let (cinema, _, seats) = site(&app.cms, &admin, "fc", 1);
    let client = site_client(&cinema);
    app.cms.heartbeat(&client, &cinema, beat(vec![fault(&seats[0], "E1")])).unwrap();
    let told = super::site_changes(&app.cms);
    app.cms.heartbeat(&client, &cinema, beat(vec![fault(&seats[0], "E1")])).unwrap();
    app.cms.heartbeat(&client, &cinema, beat(vec![fault(&seats[0], "E2")])).unwrap();
    let heartbeat = SiteChange { cinema_id: cinema.clone(), what: SiteChanged::Heartbeat };
    let changed = SiteChange { cinema_id: cinema.clone(), what: SiteChanged::Seat { client_id: seats[0].clone() } };
    assert_eq!(*told.lock().unwrap(), [heartbeat.clone(), heartbeat, changed], "the same fault again is no news");
    assert_eq!(seat(&app, &admin, &seats[0]).fault.unwrap().error_code.as_deref(), Some("E2"));
}

#[test]
fn a_heartbeat_names_seats_of_its_cinema_only_and_writes_nothing_otherwise() {
    let (app, admin) = spawn_with_admin();
    let (a, _, mine) = site(&app.cms, &admin, "sa", 1);
    let (b, _, theirs) = site(&app.cms, &admin, "sb", 1);
    let client = site_client(&a);
    let foreign = beat(vec![seat_report(&mine[0], SeatStatus::Idle), seat_report(&theirs[0], SeatStatus::Idle)]);
    assert_eq!(app.cms.heartbeat(&client, &a, foreign).unwrap_err().code(), "forbidden", "B's seat");
    let unknown = beat(vec![seat_report(&mine[0], SeatStatus::Idle), seat_report("ghost", SeatStatus::Idle)]);
    assert_eq!(app.cms.heartbeat(&client, &a, unknown).unwrap_err().code(), "not_found");
    assert_eq!(seat(&app, &admin, &mine[0]).status, SeatStatus::ShutDown, "nothing of either heartbeat was written");
    assert_eq!(app.cms.heartbeat(&client, &b, beat(vec![])).unwrap_err().code(), "forbidden", "B's heartbeat");
    assert_eq!(app.cms.heartbeat(&admin, "ghost", beat(vec![])).unwrap_err().code(), "not_found");
    let twice = beat(vec![seat_report(&mine[0], SeatStatus::Idle), seat_report(&mine[0], SeatStatus::Error)]);
    assert_eq!(app.cms.heartbeat(&client, &a, twice).unwrap_err().field(), Some("seats[].clientID"));
    let disk = Heartbeat { disk_free_bytes: Some(2), disk_total_bytes: Some(1), ..Heartbeat::default() };
    assert_eq!(app.cms.heartbeat(&client, &a, disk).unwrap_err().field(), Some("diskFreeBytes"));
}

#[test]
fn a_reported_seat_is_online_with_its_last_seen_and_one_never_reported_is_not() {
    let (app, admin) = spawn_with_admin();
    let (cinema, _, seats) = site(&app.cms, &admin, "on", 2);
    let before = now_ms();
    app.cms.heartbeat(&site_client(&cinema), &cinema, beat(vec![seat_report(&seats[0], SeatStatus::Idle)])).unwrap();
    let seen = seat(&app, &admin, &seats[0]);
    assert!(seen.online && seen.last_seen.is_some_and(|t| t >= before), "just reported: {seen:?}");
    let never = seat(&app, &admin, &seats[1]);
    assert_eq!((never.online, never.last_seen), (false, None), "never reported: offline");
    let page = app.cms.list_vr_clients(&admin, &VrClientQuery { client_ids: seats.clone(), ..Default::default() });
    let online: Vec<bool> = page.unwrap().item_list.iter().map(|s| s.online).collect();
    assert_eq!(online, [true, false], "a list shows the same");
}

#[test]
fn a_seats_last_seen_survives_a_restart_and_lapses_after_the_window() {
    let (app, admin) = spawn_with_admin();
    let (cinema, _, seats) = site(&app.cms, &admin, "rs", 1);
    app.cms.heartbeat(&site_client(&cinema), &cinema, beat(vec![seat_report(&seats[0], SeatStatus::Idle)])).unwrap();
    let seen = seat(&app, &admin, &seats[0]).last_seen.unwrap();
    drop(app.cms);
    let cms = Cms::open(app.dir.path()).unwrap();
    let after = cms.get_vr_client(&admin, &seats[0]).unwrap();
    assert_eq!((after.last_seen, after.online), (Some(seen), true), "the stored time, still within the window");
    drop(cms);
    // Four minutes without a report, as a seat switched off before a restart would be.
    let long_ago = seen - 4 * 60 * 1000;
    let db = rusqlite::Connection::open(app.dir.path().join(DB_FILE)).unwrap();
    db.execute("UPDATE vr_clients SET last_seen = ?1 WHERE id = ?2", rusqlite::params![long_ago, seats[0]]).unwrap();
    drop(db);
    let cms = Cms::open(app.dir.path()).unwrap();
    let lapsed = cms.get_vr_client(&admin, &seats[0]).unwrap();
    assert_eq!((lapsed.last_seen, lapsed.online), (Some(long_ago), false), "offline after 3 minutes unheard");
}

#[test]
fn the_offline_window_is_a_setting_of_one_minute_to_a_day() {
    let (app, admin) = spawn_with_admin();
    assert_eq!(app.cms.settings(&admin).unwrap().seat_offline_seconds, 180, "3 minutes by default");
    let set =
        |s| app.cms.update_settings(&admin, SettingsChange { seat_offline_seconds: Some(s), ..Default::default() });
    set(600).unwrap();
    assert_eq!(app.cms.settings(&admin).unwrap().seat_offline_seconds, 600);
    for bad in [59, 86_401] {
        assert_eq!(set(bad).unwrap_err().field(), Some("seatOfflineSeconds"), "{bad} s");
    }
    let template =
        SettingsChange { qr_url_template: Some("x".into()), seat_offline_seconds: Some(900), ..Default::default() };
    assert!(app.cms.update_settings(&admin, template).is_err());
    assert_eq!(app.cms.settings(&admin).unwrap().seat_offline_seconds, 600, "all or none");
}

#[test]
fn free_disk_is_written_again_only_once_it_moved_notably() {
    let (app, admin) = spawn_with_admin();
    let (cinema, _, _) = site(&app.cms, &admin, "dk", 0);
    let client = site_client(&cinema);
    let disk =
        |free: u64| Heartbeat { disk_free_bytes: Some(free), disk_total_bytes: Some(1 << 40), ..Default::default() };
    app.cms.heartbeat(&client, &cinema, disk(500 << 30)).unwrap();
    app.cms.heartbeat(&client, &cinema, disk((500 << 30) - (1 << 20))).unwrap();
    let c = app.cms.get_cinema(&admin, &cinema).unwrap();
    assert_eq!(c.disk_free_bytes, Some(500 << 30), "a MiB of a TiB is noise");
    app.cms.heartbeat(&client, &cinema, disk(450 << 30)).unwrap();
    assert_eq!(app.cms.get_cinema(&admin, &cinema).unwrap().disk_free_bytes, Some(450 << 30));
}

#[test]
fn a_coms_reports_its_seats_status_and_addresses_only() {
    let (app, admin) = spawn_with_admin();
    let (a, _, mine) = site(&app.cms, &admin, "pa", 1);
    let (_, _, theirs) = site(&app.cms, &admin, "pb", 1);
    let client = site_client(&a);
    let report = VrClientInput {
        status: Some("IN_VOD".into()),
        ip_addr: Some("10.1.1.9".into()),
        host_model: Some("windows11".into()),
        ..Default::default()
    };
    app.cms.update_vr_client(&client, &mine[0], report.clone()).unwrap();
    let s = seat(&app, &admin, &mine[0]);
    assert_eq!(
        (s.status, s.ip_addr.as_str(), s.host_model.as_deref()),
        (SeatStatus::InVod, "10.1.1.9", Some("windows11"))
    );
    assert!(s.online, "a seat its COMS reports is seen");
    assert_eq!(app.cms.update_vr_client(&client, &theirs[0], report).unwrap_err().code(), "forbidden");
    for field in [
        VrClientInput { seat_number: Some("Z9".into()), ..Default::default() },
        VrClientInput { hall_id: Some("any".into()), ..Default::default() },
        VrClientInput { description: Some("x".into()), ..Default::default() },
    ] {
        assert_eq!(app.cms.update_vr_client(&client, &mine[0], field).unwrap_err().code(), "forbidden");
    }
    let ghost = app.cms.update_vr_client(&client, "ghost", VrClientInput::default()).unwrap_err();
    assert_eq!(ghost.code(), "not_found");
}
