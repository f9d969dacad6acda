//! The `cinedesk` command: `user add|list|passwd` for administrators, `serve` creating the first
//! admin only on first start and stopping cleanly on SIGTERM, and `openapi` printing the document.

use std::process::{Command, Stdio};

use serde_json::Value;

use crate::helpers::{cinedesk, spawn_app, Served};

/// Adds the SYS_ADMIN `ops` to the data dir with the CLI.
fn add_ops(data: &std::path::Path) {
    let add = cinedesk(
        data,
        &["user", "add", "--alias", "ops", "--name", "运维", "--role", "SYS_ADMIN"],
        &[("CINEDESK_PASSWORD", "ops-password")],
    );
    assert!(add.status.success(), "user add: {}", String::from_utf8_lossy(&add.stderr));
}

#[test]
fn user_add_then_user_list_shows_the_user() {
    let dir = tempfile::tempdir().unwrap();
    add_ops(dir.path());
    let list = cinedesk(dir.path(), &["user", "list"], &[]);
    let listed = String::from_utf8(list.stdout).unwrap();
    assert!(listed.contains("ops\tSYS_ADMIN\t运维"), "user list shows the user: {listed}");
}

#[tokio::test]
async fn user_passwd_reads_the_password_from_standard_input() {
    let dir = tempfile::tempdir().unwrap();
    add_ops(dir.path());
    // Without CINEDESK_PASSWORD the password is one line of standard input (how scripts pipe it in).
    let mut passwd = Command::new(env!("CARGO_BIN_EXE_cinedesk"))
        .arg("--data")
        .arg(dir.path())
        .args(["user", "passwd", "--alias", "ops"])
        .env_remove("CINEDESK_PASSWORD")
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(passwd.stdin.as_mut().unwrap(), b"new-ops-password\n").unwrap();
    let out = passwd.wait_with_output().unwrap();
    assert!(out.status.success(), "user passwd: {}", String::from_utf8_lossy(&out.stderr));
    let server = Served::start(dir.path(), "would-be-admin").await;
    assert_eq!(server.login("ops", "new-ops-password").await.0, 200, "the CLI's user logs in over HTTP");
    assert_eq!(server.login("ops", "ops-password").await.0, 401, "the old password is gone");
}

#[test]
fn user_passwd_of_an_unknown_alias_fails() {
    let dir = tempfile::tempdir().unwrap();
    add_ops(dir.path());
    let ghost =
        cinedesk(dir.path(), &["user", "passwd", "--alias", "ghost"], &[("CINEDESK_PASSWORD", "whatever-password")]);
    assert_eq!(ghost.status.code(), Some(1), "passwd of an unknown alias fails");
}

#[tokio::test]
async fn serve_never_adds_an_admin_to_a_database_that_has_users() {
    let dir = tempfile::tempdir().unwrap();
    add_ops(dir.path());
    let server = Served::start(dir.path(), "would-be-admin").await;
    assert_eq!(server.login("ops", "ops-password").await.0, 200, "the CLI's user logs in over HTTP");
    let (status, _) = server.login("admin", "would-be-admin").await;
    assert_eq!(status, 401, "CINEDESK_ADMIN_PASSWORD never adds an admin to a database that has users");
}

#[tokio::test]
async fn serve_creates_the_admin_on_first_start() {
    let dir = tempfile::tempdir().unwrap();
    let server = Served::start(dir.path(), "first-admin-pass").await;
    let (status, _) = server.login("admin", "first-admin-pass").await;
    assert_eq!(status, 200, "the first start creates `admin` from CINEDESK_ADMIN_PASSWORD");
}

#[tokio::test]
async fn serve_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let server = Served::start(dir.path(), "first-admin-pass").await;
    let exit = server.stop();
    assert!(exit.success(), "SIGTERM is a clean shutdown, exit 0: {exit:?}");
}

#[tokio::test]
async fn openapi_prints_the_served_document_without_opening_a_data_dir() {
    let app = spawn_app().await;
    let (status, served) = app.send("GET", "/cms/openapi.json", None, None).await;
    assert_eq!(status, 200, "{served}");
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("never-made");
    let out = cinedesk(&data, &["openapi"], &[("RUST_LOG", "warn")]);
    assert!(out.status.success(), "cinedesk openapi: {}", String::from_utf8_lossy(&out.stderr));
    let printed: Value = serde_json::from_slice(&out.stdout).expect("stdout is the JSON document");
    assert_eq!(printed, served, "the printed document is the one the server serves");
    assert!(!data.exists(), "printing the document opens no data dir");
}
