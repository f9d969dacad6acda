//! Backups as use cases of a running CMS: restored into the open database while it serves,
//! a damaged snapshot refused with nothing changed, the backup settings kept across a restore.

use cinedesk_core::backup::BackupSettingsChange;

use super::*;

/// A running CMS with a cinema, backed up into a fresh folder: (app, admin, folder, snapshot).
fn backed_up_live() -> (App, Actor, tempfile::TempDir, String) {
    let (app, admin) = spawn_with_admin();
    site(&app.cms, &admin, "live01", 2);
    let folder = tempfile::tempdir().unwrap();
    let made = app.cms.backup_now(&admin, folder.path().to_str()).unwrap();
    let name = made.snapshot.file_name().unwrap().to_string_lossy().into_owned();
    (app, admin, folder, name)
}

fn cinema_codes(cms: &Cms, by: &Actor) -> Vec<String> {
    let page = cms.list_cinemas(by, &CinemaQuery::default()).unwrap();
    page.item_list.into_iter().map(|c| c.cinema_code).collect()
}

#[test]
fn a_restore_into_the_running_cms_brings_back_the_snapshot_and_ends_every_session() {
    let (app, admin, folder, name) = backed_up_live();
    site(&app.cms, &admin, "after01", 1);
    let token = app.cms.login("sysadmin", PASSWORD).unwrap().token;
    app.cms.restore_backup(&admin, folder.path().to_str(), &name).unwrap();
    assert_eq!(cinema_codes(&app.cms, &Actor::System), vec!["live01".to_string()], "the snapshot's data, at once");
    assert!(app.cms.authenticate(&token).is_err(), "sessions ended");
    app.cms.integrity_check().unwrap();
    let log = app.cms.audit_log(&Actor::System, &AuditQuery { action: Some("restore".into()), ..Default::default() });
    assert_eq!(log.unwrap().total_count, 1, "the restore is audited in the restored log");
}

#[test]
fn a_damaged_snapshot_is_refused_and_the_running_data_is_untouched() {
    let (app, admin, folder, name) = backed_up_live();
    site(&app.cms, &admin, "after02", 1);
    std::fs::write(folder.path().join(&name).join(DB_FILE), b"garbage").unwrap();
    let e = app.cms.restore_backup(&admin, folder.path().to_str(), &name).unwrap_err();
    assert!(e.to_string().contains("damaged"), "{e}");
    assert_eq!(cinema_codes(&app.cms, &admin).len(), 2, "nothing changed");
}

#[test]
fn the_backup_settings_and_history_are_the_machines_and_survive_a_restore() {
    let (app, admin, folder, name) = backed_up_live();
    let change =
        BackupSettingsChange { keep: Some(4), folder: folder.path().to_str().map(String::from), ..Default::default() };
    app.cms.update_backup_settings(&admin, change).unwrap();
    app.cms.backup_now(&admin, None).unwrap();
    let before = app.cms.backup_status(&admin).unwrap();
    app.cms.restore_backup(&admin, None, &name).unwrap();
    let after = app.cms.backup_status(&Actor::System).unwrap();
    assert_eq!((after.settings.keep, after.last_ok), (4, before.last_ok), "not the snapshot's older ones");
}

#[test]
fn a_snapshot_name_that_leads_out_of_the_folder_is_refused() {
    let (app, admin, folder, _) = backed_up_live();
    for bad in ["../x", "blobs", "", "a/b"] {
        let e = app.cms.restore_backup(&admin, folder.path().to_str(), bad).unwrap_err();
        assert_eq!(e.code(), Code::Invalid, "{bad:?}: {e}");
    }
}
