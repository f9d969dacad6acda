//! Backups of a data dir and restores that check everything first, on real files.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use cinedesk_core::backup::{self, Manifest};
use cinedesk_testkit::{files_below, md5_hex, noise};

use super::*;

/// A data dir with a cinema and `files` files of `size` bytes each: (app, admin, file ids).
fn data_with_files(files: usize, size: usize) -> (App, Actor, Vec<(String, String)>) {
    let (app, admin) = spawn_with_admin();
    site(&app.cms, &admin, "bk01", 3);
    let stored = (0..files)
        .map(|i| {
            let bytes = noise(size, i as u64 + 1);
            let f = app.cms.store_bytes(&admin, NewFile::new(&format!("f{i}.bin"), Domain::Resource), &bytes).unwrap();
            (f.file_id, md5_hex(&bytes))
        })
        .collect();
    (app, admin, stored)
}

/// A data dir with one small file, backed up once: (app, the backup folder, what the backup did).
fn backed_up() -> (App, tempfile::TempDir, backup::BackupReport) {
    let (app, _, _) = data_with_files(1, 1000);
    let to = tempfile::tempdir().unwrap();
    let made = backup::create(app.cms.data_dir(), to.path(), 3).unwrap();
    (app, to, made)
}

/// A restore of `to` into a fresh dir is refused, saying `why`, and writes nothing there.
fn refused_into_empty(to: &Path, why: &str) {
    let target = tempfile::tempdir().unwrap();
    let e = backup::restore(to, target.path()).unwrap_err();
    assert!(e.to_string().contains(why), "{e}");
    assert!(files_below(target.path()).is_empty(), "nothing was written");
}

/// (path, inode, mtime in ns, size) of every file below `dir`: what a writer would change.
fn fingerprint(dir: &Path) -> Vec<(PathBuf, u64, i64, u64)> {
    let mut v: Vec<_> = files_below(dir)
        .into_iter()
        .map(|p| {
            let m = std::fs::metadata(&p).unwrap();
            (p, m.ino(), m.mtime_nsec() + m.mtime() * 1_000_000_000, m.size())
        })
        .collect();
    v.sort();
    v
}

#[test]
fn a_restore_into_a_new_data_dir_has_every_row_and_every_file() {
    let (app, admin, files) = data_with_files(3, 50_000);
    let to = tempfile::tempdir().unwrap();
    let made = backup::create(app.cms.data_dir(), to.path(), 3).unwrap();
    assert_eq!((made.blobs, made.blobs_copied), (3, 3));
    let target = tempfile::tempdir().unwrap();
    backup::restore(to.path(), target.path()).unwrap();
    let restored = Cms::open(target.path()).unwrap();
    let cinemas = restored.list_cinemas(&admin, &CinemaQuery::default()).unwrap();
    assert_eq!(cinemas.item_list.len(), 1, "the cinema came back");
    for (id, md5) in files {
        let (_, path) = restored.file_content(&id).unwrap();
        assert_eq!(md5_hex(&std::fs::read(path.unwrap()).unwrap()), md5, "file {id} came back whole");
    }
}

#[test]
fn a_second_backup_of_an_unchanged_64_mib_store_writes_no_file_data() {
    let (app, _, _) = data_with_files(16, 4 << 20);
    let to = tempfile::tempdir().unwrap();
    let first = backup::create(app.cms.data_dir(), to.path(), 3).unwrap();
    assert_eq!(first.blob_bytes_written, 64 << 20);
    let before = fingerprint(&to.path().join("blobs"));
    let second = backup::create(app.cms.data_dir(), to.path(), 3).unwrap();
    assert_eq!((second.blobs, second.blobs_copied, second.blob_bytes_written), (16, 0, 0));
    assert_eq!(fingerprint(&to.path().join("blobs")), before, "no blob file was written or replaced");
}

#[test]
fn a_damaged_blob_is_refused_and_the_data_dir_is_unchanged() {
    let (app, _, _) = data_with_files(2, 10_000);
    let to = tempfile::tempdir().unwrap();
    backup::create(app.cms.data_dir(), to.path(), 3).unwrap();
    let blob = files_below(&to.path().join("blobs")).pop().unwrap();
    let mut bytes = std::fs::read(&blob).unwrap();
    bytes[0] ^= 0xff;
    std::fs::write(&blob, bytes).unwrap();
    let (other, _, _) = data_with_files(1, 1000);
    let before = fingerprint(other.cms.data_dir());
    let e = backup::restore(to.path(), other.cms.data_dir()).unwrap_err();
    assert!(e.to_string().contains("does not match its MD5"), "{e}");
    assert_eq!(fingerprint(other.cms.data_dir()), before, "nothing in the data dir changed");
}

#[test]
fn a_damaged_database_is_refused() {
    let (_app, to, made) = backed_up();
    let db = made.snapshot.join(DB_FILE);
    let mut bytes = std::fs::read(&db).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    std::fs::write(&db, bytes).unwrap();
    refused_into_empty(to.path(), "damaged");
}

#[test]
fn an_edited_manifest_is_refused() {
    let (_app, to, made) = backed_up();
    let path = made.snapshot.join("manifest.json");
    let edited = std::fs::read_to_string(&path).unwrap().replacen("\"size\": ", "\"size\": 1", 1);
    std::fs::write(&path, edited).unwrap();
    refused_into_empty(to.path(), "checksum");
}

#[test]
fn a_backup_from_a_newer_schema_is_refused() {
    let (_app, to, made) = backed_up();
    let path = made.snapshot.join("manifest.json");
    let mut newer = Manifest::read(&path).unwrap();
    newer.schema_version += 1;
    newer.sealed().write(&path).unwrap();
    refused_into_empty(to.path(), "newer Cinedesk");
}

#[test]
fn only_the_last_n_snapshots_are_kept_and_blobs_none_names_are_removed() {
    let (app, _, _) = data_with_files(2, 1000);
    let to = tempfile::tempdir().unwrap();
    let first = backup::create(app.cms.data_dir(), to.path(), 1).unwrap();
    let stray = to.path().join("blobs").join("0123456789abcdef0123456789abcdef-5");
    std::fs::write(&stray, b"stray").unwrap();
    let second = backup::create(app.cms.data_dir(), to.path(), 1).unwrap();
    assert_eq!(second.snapshots_removed, 1);
    assert!(!first.snapshot.exists() && second.snapshot.exists(), "the older snapshot went");
    assert!(!stray.exists(), "content no kept snapshot names went");
    assert_eq!(files_below(&to.path().join("blobs")).len(), 2, "the named content stayed");
}

#[test]
fn a_store_blob_that_no_longer_matches_its_md5_fails_the_backup_and_leaves_no_copy() {
    let (app, _, files) = data_with_files(6, 20_000);
    let (_, path) = app.cms.file_content(&files[3].0).unwrap();
    let path = path.unwrap();
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[100] ^= 0xff;
    std::fs::write(&path, bytes).unwrap();
    let to = tempfile::tempdir().unwrap();
    let e = backup::create(app.cms.data_dir(), to.path(), 3).unwrap_err();
    assert!(e.to_string().contains("does not match its MD5"), "{e}");
    assert!(files_below(to.path()).is_empty(), "no blob, no partial copy, no snapshot: {:?}", files_below(to.path()));
}
