//! What the database file guarantees: WAL with every migration, data across reopening, and no acknowledged write lost to SIGKILL.

use cinedesk_core::*;

use super::{cinema_input, spawn_app};

#[test]
fn database_is_a_wal_file_with_foreign_keys_and_migrations_applied_once() {
    let app = spawn_app();
    let path = app.dir.path().join(DB_FILE);
    assert!(path.exists(), "the database lives in the given data dir");
    drop(app.cms);
    let conn = rusqlite_like_check(&path);
    assert_eq!(conn.0, "wal", "journal mode must be WAL so readers never block the writer");
    let migrations = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations")).unwrap().count();
    assert_eq!(conn.1, migrations as i64, "every migration recorded in user_version");
    // Opening again must not re-run migrations (they would fail on existing tables).
    let again = Cms::open(app.dir.path()).expect("reopen an existing database");
    again.integrity_check().unwrap();
}

/// Reads journal mode and schema version with a plain SQLite connection, outside the core.
fn rusqlite_like_check(path: &std::path::Path) -> (String, i64) {
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); \
             print(c.execute('pragma journal_mode').fetchone()[0]); print(c.execute('pragma user_version').fetchone()[0])",
        ])
        .arg(path)
        .output()
        .expect("python3 with sqlite3 is part of the toolchain");
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    (lines.next().unwrap_or_default().to_string(), lines.next().unwrap_or("0").parse().unwrap())
}

#[test]
fn data_survives_reopening() {
    let app = spawn_app();
    let id = app.cms.create_cinema(&Actor::System, cinema_input("persist")).unwrap();
    drop(app.cms);
    let cms = Cms::open(app.dir.path()).unwrap();
    assert_eq!(cms.get_cinema(&Actor::System, &id).unwrap().cinema_code, "persist");
}

const CHILD_ENV: &str = "CINEDESK_CRASH_CHILD_DIR";

/// The child half of the crash test: writes cinemas forever, printing each code after commit.
fn crash_child(dir: &str) -> ! {
    use std::io::Write;
    let cms = Cms::open(dir).expect("child opens the database");
    let mut out = std::io::stdout().lock();
    for i in 0.. {
        let code = format!("crash{i:06}");
        cms.create_cinema(&Actor::System, cinema_input(&code)).expect("child write");
        // Printed only after commit returned: everything printed was acknowledged.
        writeln!(out, "{code}").and_then(|_| out.flush()).expect("parent is listening");
    }
    unreachable!()
}

#[test]
fn sigkill_in_a_write_loop_loses_no_acknowledged_write() {
    use std::io::BufRead;
    if let Ok(dir) = std::env::var(CHILD_ENV) {
        crash_child(&dir);
    }
    let dir = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "storage::sigkill_in_a_write_loop_loses_no_acknowledged_write",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, dir.path())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut acked = Vec::new();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    while acked.len() < 300 {
        let line = lines.next().expect("child keeps writing").unwrap();
        if line.starts_with("crash") {
            acked.push(line);
        }
    }
    // SIGKILL gives the child no chance to flush or roll back anything.
    assert!(sigkill(child.id()), "SIGKILL delivered");
    child.wait().unwrap();

    let cms = Cms::open(dir.path()).expect("the database opens after a crash");
    cms.integrity_check().expect("PRAGMA integrity_check passes after SIGKILL");
    let stored: std::collections::HashSet<String> = all_cinemas_all(&cms).into_iter().map(|c| c.cinema_code).collect();
    let lost: Vec<_> = acked.iter().filter(|c| !stored.contains(*c)).collect();
    assert!(lost.is_empty(), "acknowledged writes lost after SIGKILL: {lost:?}");
}

fn sigkill(pid: u32) -> bool {
    std::process::Command::new("kill").args(["-9", &pid.to_string()]).status().is_ok_and(|s| s.success())
}

fn all_cinemas_all(cms: &Cms) -> Vec<Cinema> {
    let mut all = vec![];
    loop {
        let page = cms
            .list_cinemas(
                &Actor::System,
                &CinemaQuery {
                    paging: Paging::new(Some(all.len() as u32), Some(MAX_LIMIT)).unwrap(),
                    ..Default::default()
                },
            )
            .unwrap();
        let n = page.item_list.len();
        all.extend(page.item_list);
        if n == 0 {
            return all;
        }
    }
}

/// A data dir as Cinedesk left it before issue 13 (schema 6): a seat, a film distributed to two
/// cinemas (one acknowledged its NEW_MOVIE), a task in progress, a QR template without a token.
fn data_dir_of_schema_6() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let db = rusqlite::Connection::open(dir.path().join(DB_FILE)).unwrap();
    let migrations = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    for n in ["0001_init", "0002_default_enums", "0003_api_keys", "0004_settings", "0005_files", "0006_library"] {
        db.execute_batch(&std::fs::read_to_string(migrations.join(format!("{n}.sql"))).unwrap()).unwrap();
    }
    db.execute_batch(
        "PRAGMA user_version = 6;
         INSERT INTO cinemas(id, code, name, region_id, created_at) VALUES ('ca', 'CA', 'A', 'SHANGHAI', 1), ('cb', 'CB', 'B', 'SHANGHAI', 1);
         INSERT INTO halls(id, code, name, cinema_id, number_of_seats, created_at) VALUES ('h', 'H', 'h', 'ca', 1, 1);
         INSERT INTO vr_clients(id, hall_id, cinema_id, scene_number, status, seat_number, ip, created_at)
             VALUES ('s', 'h', 'ca', '10001', 'IDLE', 'A1', '10.0.0.1', 1);
         INSERT INTO movies(id, code, name, duration, description, type, category, country, price, online, created_at)
             VALUES ('m', 'M', 'm', 30, 'd', 'MOVIE', 'ACTION', 'USA', 2990, 1, 1);
         INSERT INTO distributions(movie_id, cinema_id, distributed_at) VALUES ('m', 'ca', 5), ('m', 'cb', 5);
         INSERT INTO coms_messages(id, cinema_id, type, payload, created_at, acked_at)
             VALUES ('n1', 'ca', 'NEW_MOVIE', '{\"movieID\":\"m\"}', 5, 7), ('n2', 'cb', 'NEW_MOVIE', '{\"movieID\":\"m\"}', 5, NULL);
         INSERT INTO vod_tasks(id, client_id, cinema_id, status, created_at, updated_at) VALUES ('t', 's', 'ca', 'ACCEPTED', 8, 9);
         INSERT INTO vod_task_movies(task_id, position, movie_id) VALUES ('t', 0, 'm');
         INSERT INTO settings(key, value) VALUES ('qr_url_template', 'https://wx.example.cn/o?scene={sceneNumber}');",
    )
    .unwrap();
    dir
}

#[test]
fn an_installation_from_before_the_sites_report_keeps_its_distributions_seats_and_tasks() {
    let dir = data_dir_of_schema_6();
    let cms = Cms::open(dir.path()).expect("the upgrade applies");
    let sys = &Actor::System;
    let board = cms.movie_deliveries(sys, "m", &DeliveryQuery::default()).unwrap();
    let states: Vec<(&str, DeliveryState)> = board.item_list.iter().map(|d| (d.cinema_id.as_str(), d.state)).collect();
    assert_eq!(states, [("ca", DeliveryState::Sent), ("cb", DeliveryState::Queued)], "acknowledged or not");
    let head = cms.next_message(sys, "cb").unwrap().unwrap();
    cms.ack_message(sys, "cb", &head.message_id).unwrap();
    let sent = cms.movie_deliveries(sys, "m", &DeliveryQuery::default()).unwrap().state_counts.sent;
    assert_eq!(sent, 2, "the waiting NEW_MOVIE's acknowledgement still moves its pair");
    let seat = cms.get_vr_client(sys, "s").unwrap();
    assert!(seat.qr_token.len() >= 16, "the seat got a token: {}", seat.qr_token);
    assert_eq!(cms.seat_by_qr_token(&seat.qr_token).unwrap().client_id, "s");
    let template = cms.qr_template(sys).unwrap();
    assert_eq!(template, "https://wx.example.cn/o?scene={sceneNumber}&qrToken={qrToken}", "the template carries it");
    let task = cms.get_vod_task(sys, "t").unwrap();
    assert_eq!(task.movie_list[0].price, Some(2990), "the film's price as it was");
    let history: Vec<(VodStatus, i64)> = task.status_history.iter().map(|e| (e.status, e.at)).collect();
    assert_eq!(history, [(VodStatus::Pending, 8), (VodStatus::Accepted, 9)], "creation and current status");
}
