//! Integration tests of the core on real SQLite files: storage, crash safety, the COMS queue, sessions and signing.
//!
//! What a user can do through the app (every `CmsApi` operation and its rules) is the contract
//! suite in `src-tauri/remote/tests/contract`, run there against this core and against a server.

use std::sync::Arc;

use cinedesk_core::*;
use tempfile::TempDir;

mod files;
mod inputs;
mod library;
mod qr;
mod signatures;

use inputs::*;

/// A CMS on its own fresh data dir; the dir lives as long as the returned guard.
struct App {
    cms: Arc<Cms>,
    dir: TempDir,
}

fn spawn_app() -> App {
    let dir = tempfile::tempdir().expect("temp dir");
    let cms = Arc::new(Cms::open(dir.path()).expect("open a fresh CMS"));
    App { cms, dir }
}

/// A cinema with one hall and `seats` seats; returns (cinema, hall, seat ids).
fn site(cms: &Cms, code: &str, seats: usize) -> (String, String, Vec<String>) {
    let cinema = cms.create_cinema(cinema_input(code)).unwrap();
    let hall = cms.create_hall(hall_input(&cinema, &format!("{code}_h1"))).unwrap();
    let inputs = (1..=seats).map(|i| seat_input(&hall, &format!("A{i:02}"))).collect();
    let ids = if seats > 0 { cms.create_vr_clients(inputs).unwrap() } else { vec![] };
    (cinema, hall, ids)
}

// ---------------------------------------------------------------- storage

#[test]
fn database_is_a_wal_file_with_foreign_keys_and_migrations_applied_once() {
    let app = spawn_app();
    let path = app.dir.path().join(DB_FILE);
    assert!(path.exists(), "the database lives in the given data dir");
    drop(app.cms);
    let conn = rusqlite_like_check(&path);
    assert_eq!(conn.0, "wal", "journal mode must be WAL so readers never block the writer");
    assert_eq!(conn.1, 7, "every migration recorded in user_version");
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
    let id = app.cms.create_cinema(cinema_input("persist")).unwrap();
    drop(app.cms);
    let cms = Cms::open(app.dir.path()).unwrap();
    assert_eq!(cms.get_cinema(&id).unwrap().cinema_code, "persist");
}

// ---------------------------------------------------------------- the COMS outbox

#[test]
fn queue_is_ordered_redelivers_until_acked_and_survives_restart() {
    let app = spawn_app();
    let (cinema, _, _) = site(&app.cms, "q", 0);
    let movies: Vec<String> = (0..3).map(|i| app.cms.create_movie(movie_input(&format!("q{i}"))).unwrap()).collect();
    for m in &movies {
        app.cms.distribute_movie(m, DistributeInput { cinema_id_list: Some(vec![cinema.clone()]) }).unwrap();
    }
    let head = app.cms.next_message(&cinema).unwrap().unwrap();
    assert_eq!(head.message["movieID"], movies[0].as_str(), "oldest first");
    assert_eq!(app.cms.next_message(&cinema).unwrap().unwrap(), head, "unacked: the same head again");
    drop(app.cms);
    let cms = Cms::open(app.dir.path()).unwrap();
    assert_eq!(cms.next_message(&cinema).unwrap().unwrap(), head, "the queue survives a restart");
    cms.ack_message(&cinema, &head.message_id).unwrap();
    let second = cms.next_message(&cinema).unwrap().unwrap();
    assert_eq!(second.message["movieID"], movies[1].as_str());
    let third_id = {
        cms.ack_message(&cinema, &second.message_id).unwrap();
        cms.next_message(&cinema).unwrap().unwrap().message_id
    };
    cms.ack_message(&cinema, &head.message_id).expect("acking an old message again is harmless");
    cms.ack_message(&cinema, &third_id).unwrap();
    assert_eq!(cms.next_message(&cinema).unwrap(), None, "all acknowledged");
    assert_eq!(cms.ack_message(&cinema, "unknown").unwrap_err().code(), "not_found");
    assert_eq!(cms.next_message("no-cinema").unwrap_err().code(), "not_found");
}

#[test]
fn acks_are_per_cinema() {
    let app = spawn_app();
    let (a, _, _) = site(&app.cms, "pa", 0);
    let (b, _, _) = site(&app.cms, "pb", 0);
    let m = app.cms.create_movie(movie_input("pm")).unwrap();
    app.cms.distribute_movie(&m, DistributeInput { cinema_id_list: Some(vec![a.clone(), b.clone()]) }).unwrap();
    let msg_a = app.cms.next_message(&a).unwrap().unwrap();
    let err = app.cms.ack_message(&b, &msg_a.message_id).unwrap_err();
    assert_eq!(err.code(), "not_found", "a cinema cannot acknowledge another cinema's message");
    assert_eq!(app.cms.pending_message_count(&a).unwrap(), 1);
}

// ---------------------------------------------------------------- users and sessions

fn user_input(alias: &str, role: &str) -> UserInput {
    UserInput {
        name: Some("张三".into()),
        alias: Some(alias.into()),
        role: Some(role.into()),
        password: Some("correct horse".into()),
        icon_id: None,
    }
}

#[test]
fn login_sessions_die_with_password_change_and_user_deletion() {
    let app = spawn_app();
    let admin = app.cms.create_user(user_input("admin", "SYS_ADMIN")).unwrap();
    let mgr = app.cms.create_user(user_input("manager", "MANAGER")).unwrap();
    assert_eq!(app.cms.login("admin", "wrong password").unwrap_err().code(), "unauthorized");
    assert_eq!(app.cms.login("nobody", "correct horse").unwrap_err().code(), "unauthorized");
    let s = app.cms.login("admin", "correct horse").unwrap();
    assert_eq!((s.user_id.as_str(), s.role.as_str()), (admin.as_str(), "SYS_ADMIN"));
    let p = app.cms.authenticate(&s.token).unwrap();
    p.require(Capability::ManageUsers).unwrap();

    let m = app.cms.login("manager", "correct horse").unwrap();
    let mp = app.cms.authenticate(&m.token).unwrap();
    mp.require(Capability::Operate).unwrap();
    for cap in [Capability::ManageUsers, Capability::ManageEnums, Capability::ManageApiKeys] {
        assert_eq!(mp.require(cap).unwrap_err().code(), "forbidden", "a MANAGER may not {cap:?}");
    }

    app.cms.update_user(&mgr, UserInput { password: Some("a new password".into()), ..Default::default() }).unwrap();
    assert_eq!(app.cms.authenticate(&m.token).unwrap_err().code(), "unauthorized", "password change ends sessions");
    let m2 = app.cms.login("manager", "a new password").unwrap();
    app.cms.delete_users(std::slice::from_ref(&mgr)).unwrap();
    assert_eq!(app.cms.authenticate(&m2.token).unwrap_err().code(), "unauthorized", "deleting a user ends sessions");
    app.cms.logout(&s.token).unwrap();
    assert_eq!(app.cms.authenticate(&s.token).unwrap_err().code(), "unauthorized");
    assert_eq!(app.cms.authenticate("garbage").unwrap_err().code(), "unauthorized");
}

#[test]
fn first_run_through_the_api_creates_the_admin_and_logs_in() {
    let app = spawn_app();
    let api: &dyn CmsApi = &*app.cms;
    let info = api.app_info().unwrap();
    assert_eq!((info.has_users, info.mode.as_str()), (false, "embedded"), "a fresh install asks for its first admin");
    assert_eq!(info.data_dir.as_deref(), Some(app.dir.path().to_str().unwrap()), "the UI shows where data lives");
    let session = api.setup_admin("管理员", "admin", "first password").unwrap();
    assert_eq!(session.role, ROLE_SYS_ADMIN);
    assert_eq!(api.whoami(&session.token).unwrap().alias, "admin", "setup leaves the admin logged in");
    assert!(api.app_info().unwrap().has_users);
    let again = api.setup_admin("x", "other", "first password").unwrap_err();
    assert_eq!(again.code(), "forbidden", "and cannot be replayed");
    let short = spawn_app();
    let err = CmsApi::setup_admin(&*short.cms, "管理员", "admin", "short").unwrap_err();
    assert_eq!(err.field(), Some("password"), "the password rule holds on first run too");
}

#[test]
fn the_last_admin_stays_and_first_admin_setup_runs_once() {
    let app = spawn_app();
    assert_eq!(app.cms.user_count().unwrap(), 0);
    let admin = app.cms.create_first_admin("管理员", "admin", "first password").unwrap();
    let again = app.cms.create_first_admin("x", "other", "first password").unwrap_err();
    assert_eq!(again.code(), "forbidden", "first-run setup cannot be replayed once a user exists");
    assert_eq!(app.cms.delete_users(std::slice::from_ref(&admin)).unwrap_err().code(), "in_use");
    let demote = app.cms.update_user(&admin, UserInput { role: Some("MANAGER".into()), ..Default::default() });
    assert_eq!(demote.unwrap_err().code(), "in_use", "the last SYS_ADMIN cannot lose the role");
    assert_eq!(app.cms.get_user(&admin).unwrap().role, "SYS_ADMIN", "the refused change was rolled back");
    let page = app.cms.list_users(&UserQuery { role: Some("SYS_ADMIN".into()), ..Default::default() }).unwrap();
    assert_eq!(page.total_count, 1);
}

// ---------------------------------------------------------------- crash safety

const CHILD_ENV: &str = "CINEDESK_CRASH_CHILD_DIR";

/// The child half of the crash test: writes cinemas forever, printing each code after commit.
fn crash_child(dir: &str) -> ! {
    use std::io::Write;
    let cms = Cms::open(dir).expect("child opens the database");
    let mut out = std::io::stdout().lock();
    for i in 0.. {
        let code = format!("crash{i:06}");
        cms.create_cinema(cinema_input(&code)).expect("child write");
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
        .args(["--exact", "sigkill_in_a_write_loop_loses_no_acknowledged_write", "--nocapture", "--test-threads=1"])
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
            .list_cinemas(&CinemaQuery {
                paging: Paging::new(Some(all.len() as u32), Some(MAX_LIMIT)).unwrap(),
                ..Default::default()
            })
            .unwrap();
        let n = page.item_list.len();
        all.extend(page.item_list);
        if n == 0 {
            return all;
        }
    }
}

// ---------------------------------------------------------------- machine clients

/// A `dc` request to the long-poll route as the core sees it.
fn signed<'a>(auth: &'a str, date: &'a str, params: &'a str) -> SignedRequest<'a> {
    SignedRequest { method: "GET", path: "/cms/long_poll/c", authorization: auth, user_date: date, user_params: params }
}

#[test]
fn api_keys_sign_for_their_cinema_until_revoked() {
    let app = spawn_app();
    let (cinema, _, _) = site(&app.cms, "keys", 0);
    let key = app.cms.create_api_key(&cinema).unwrap();
    let now = user_date(now_ms());
    let params = "timeout%3D30";
    let auth = format!("dc:{}:{}", key.apikey, sign(&key.secretkey, params, &now));
    let tampered = app.cms.verify_signed(&signed(&auth, &now, "timeout%3D31"));
    assert_eq!(tampered.unwrap_err().code(), "unauthorized", "the signature covers the parameters");
    assert_eq!(
        app.cms.verify_signed(&signed(&auth, &now, params)).unwrap(),
        cinema,
        "a good signature names the key's cinema"
    );
    let wrong = format!("dc:{}:{}", key.apikey, sign("not the secret", params, &now));
    assert_eq!(app.cms.verify_signed(&signed(&wrong, &now, params)).unwrap_err().code(), "unauthorized");
    let stale = user_date(now_ms() - 16 * 60 * 1000);
    let stale_auth = format!("dc:{}:{}", key.apikey, sign(&key.secretkey, params, &stale));
    let refused = app.cms.verify_signed(&signed(&stale_auth, &stale, params)).unwrap_err();
    assert_eq!(refused.code(), "unauthorized", "15 minutes at most");
    let listed = app.cms.list_api_keys(&cinema).unwrap();
    assert_eq!(listed.len(), 1);
    assert!(!serde_json::to_string(&listed).unwrap().contains(&key.secretkey), "a listing never shows the secret");
    app.cms.revoke_api_key(&cinema, &key.apikey).unwrap();
    let later = user_date(now_ms() + 1);
    let fresh = format!("dc:{}:{}", key.apikey, sign(&key.secretkey, params, &later));
    let revoked = app.cms.verify_signed(&signed(&fresh, &later, params)).unwrap_err();
    assert_eq!(revoked.code(), "unauthorized", "revoked at once");
    assert_eq!(app.cms.create_api_key("ghost").unwrap_err().code(), "not_found");
}

#[test]
fn wire_form_of_the_queue_head_is_the_message_as_json() {
    let app = spawn_app();
    let (cinema, _, _) = site(&app.cms, "w", 0);
    assert_eq!(app.cms.next_wire_message(&cinema).unwrap(), None, "an empty queue has no head");
    let movie = app.cms.create_movie(movie_input("w1")).unwrap();
    app.cms.distribute_movie(&movie, DistributeInput { cinema_id_list: Some(vec![cinema.clone()]) }).unwrap();
    let wire = app.cms.next_wire_message(&cinema).unwrap().expect("a NEW_MOVIE waits");
    let parsed: ComsMessage = serde_json::from_str(&wire.json).expect("the spliced text is valid JSON");
    assert_eq!(parsed, app.cms.next_message(&cinema).unwrap().unwrap(), "same message as the typed head");
    assert_eq!(wire.message_id, parsed.message_id);
    assert_eq!(app.cms.next_wire_message("no-cinema").unwrap_err().code(), "not_found");
}
