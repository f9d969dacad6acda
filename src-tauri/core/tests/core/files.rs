//! The file store on a real data dir: content by id, instant duplicates, resumable parts, crashes, chunks, local uploads, processing.

use std::io::Write;

use cinedesk_core::files::{
    Checksum, LocalOutcome, MediaTools, NewUpload, PartOptions, Processing, Protocol, UploadStart, EVENT_SNAPSHOT,
    EVENT_TRANSCODE,
};
use cinedesk_core::*;
use cinedesk_testkit::{files_below, md5, md5_hex, noise};

use super::spawn_app;

/// The uploading user: who owns what the tests store.
fn owner() -> Actor {
    user("0000000000000000000000a1")
}

fn user(id: &str) -> Actor {
    Actor::User(Principal { user_id: id.into(), name: "上传者".into(), roles: vec![ROLE_MANAGER.into()] })
}

fn resumable(name: &str, bytes: &[u8]) -> NewUpload {
    NewUpload {
        protocol: Protocol::Resumable,
        client_user: "u1".into(),
        domain: Domain::Resource,
        name: name.into(),
        path_local: format!("D:/files/{name}"),
        length: bytes.len() as u64,
        md5: Some(md5_hex(bytes)),
        metadata: String::new(),
        mime: None,
    }
}

fn new_upload(start: UploadStart) -> files::Upload {
    match start {
        UploadStart::New(u) | UploadStart::Resumed(u) => u,
        UploadStart::Done(f) => panic!("expected an upload to send, got the finished file {}", f.file_id),
    }
}

fn send(cms: &Cms, id: &str, offset: u64, bytes: &[u8]) -> Result<files::PartOutcome> {
    let mut part = cms.begin_part(&owner(), id, Protocol::Resumable, offset, PartOptions::default())?;
    for piece in bytes.chunks(7000) {
        part.write(piece)?;
    }
    part.commit()
}

#[test]
fn stored_bytes_are_kept_by_id_and_identical_content_is_stored_once() {
    let app = spawn_app();
    let bytes = noise(100_000, 1);
    let a = app.cms.store_bytes(&owner(), NewFile::new("../../etc/passwd", Domain::Movie), &bytes).unwrap();
    assert_eq!((a.size, a.md5.as_str(), a.name.as_str()), (100_000, md5_hex(&bytes).as_str(), "passwd"));
    assert_eq!(a.url, format!("/cms/files/{}", a.file_id));
    let (_, path) = app.cms.file_content(&a.file_id).unwrap();
    let path = path.expect("a READY file has content here");
    assert!(path.starts_with(app.cms.file_store_dir()), "content stays in the store: {}", path.display());
    assert!(path.ends_with(&a.file_id), "and is named by id, never by the client's name: {}", path.display());
    assert_eq!(std::fs::read(&path).unwrap(), bytes);

    let b = app.cms.store_bytes(&owner(), NewFile::new("copy.bin", Domain::Resource), &bytes).unwrap();
    assert_ne!(a.file_id, b.file_id, "a second upload is a second file");
    let (_, path_b) = app.cms.file_content(&b.file_id).unwrap();
    assert_eq!(path_b.as_ref(), Some(&path), "identical content shares one blob");
    let objects = files_below(&app.cms.file_store_dir().join("objects"));
    assert_eq!(objects.len(), 1, "one blob on disk for two files: {objects:?}");
    assert!(files_below(&app.cms.file_store_dir().join("tmp")).is_empty(), "no temp file is left behind");

    // Known content is instant: no byte needs to be sent.
    match app.cms.create_upload(&owner(), resumable("again.bin", &bytes)).unwrap() {
        UploadStart::Done(f) => assert_eq!((f.size, f.md5.as_str()), (100_000, a.md5.as_str())),
        other => panic!("identical content must complete at once: {other:?}"),
    }
    let e = app.cms.file(&owner(), "nosuchfileid0000000000000").unwrap_err();
    assert_eq!(e.code(), "not_found");
}

#[test]
fn resumable_parts_are_positioned_resumed_after_reopening_and_md5_checked() {
    let app = spawn_app();
    let bytes = noise(300_000, 2);
    let up = new_upload(app.cms.create_upload(&owner(), resumable("film.mp4", &bytes)).unwrap());
    assert_eq!(up.offset, 0);
    let first = send(&app.cms, &up.upload_id, 0, &bytes[..100_000]).unwrap();
    assert_eq!((first.upload.offset, first.file.is_none()), (100_000, true));

    let e = send(&app.cms, &up.upload_id, 50_000, &bytes[50_000..100_000]).unwrap_err();
    match e {
        Error::OffsetMismatch { expected, got } => assert_eq!((expected, got), (100_000, 50_000)),
        other => panic!("a part at the wrong position names the right one: {other}"),
    }
    // A part that dies half way (the client went) is rolled back whole.
    {
        let mut part =
            app.cms.begin_part(&owner(), &up.upload_id, Protocol::Resumable, 100_000, PartOptions::default()).unwrap();
        part.write(&bytes[100_000..150_000]).unwrap();
        let e = app.cms.begin_part(&owner(), &up.upload_id, Protocol::Resumable, 100_000, PartOptions::default());
        assert_eq!(e.err().map(|e| e.code().as_str()), Some("in_use"), "one part at a time per upload");
    }
    // The process stops; unacknowledged bytes reach the partial file; a new process opens it.
    let dir = app.cms.data_dir().to_path_buf();
    let partial = app.cms.file_store_dir().join("partial").join(&up.upload_id);
    drop(app.cms);
    std::fs::OpenOptions::new().append(true).open(&partial).unwrap().write_all(b"garbage never acknowledged").unwrap();
    let cms = Cms::open(&dir).unwrap();
    let again = new_upload(cms.create_upload(&owner(), resumable("film.mp4", &bytes)).unwrap());
    assert_eq!(
        (again.upload_id.as_str(), again.offset),
        (up.upload_id.as_str(), 100_000),
        "same fid, acknowledged position"
    );
    assert_eq!(cms.list_uploads(&owner(), Some(Protocol::Resumable), Some("u1")).unwrap().len(), 1);
    send(&cms, &up.upload_id, 100_000, &bytes[100_000..200_000]).unwrap();
    let done = send(&cms, &up.upload_id, 200_000, &bytes[200_000..]).unwrap();
    let file = done.file.expect("the last part completes the file");
    assert_eq!((file.file_id.as_str(), file.md5.as_str()), (up.upload_id.as_str(), md5_hex(&bytes).as_str()));
    assert_eq!(std::fs::read(cms.file_content(&file.file_id).unwrap().1.unwrap()).unwrap(), bytes);
    assert!(cms.list_uploads(&owner(), None, None).unwrap().is_empty(), "a finished upload is no longer pending");
    assert!(!partial.exists(), "the partial file became the blob");
}

#[test]
fn content_with_the_wrong_md5_never_becomes_a_file() {
    let app = spawn_app();
    let bytes = noise(50_000, 3);
    let mut spec = resumable("x.bin", &bytes);
    spec.md5 = Some(md5_hex(b"something else"));
    let up = new_upload(app.cms.create_upload(&owner(), spec).unwrap());
    let e = send(&app.cms, &up.upload_id, 0, &bytes).unwrap_err();
    assert_eq!(e.code(), "checksum_mismatch", "{e}");
    assert_eq!(app.cms.file(&owner(), &up.upload_id).unwrap_err().code(), "not_found", "no file under the upload's id");
    assert_eq!(app.cms.upload(&owner(), &up.upload_id, Protocol::Resumable).unwrap_err().code(), "not_found");
    assert!(files_below(&app.cms.file_store_dir().join("objects")).is_empty(), "nothing was stored");
    assert!(files_below(&app.cms.file_store_dir().join("partial")).is_empty(), "the received bytes are gone");
    let bad = app.cms.create_upload(&owner(), NewUpload { md5: Some("not-an-md5".into()), ..resumable("y", &bytes) });
    assert_eq!(bad.unwrap_err().field(), Some("fileMd5"));
}

#[test]
fn a_part_checksum_mismatch_or_overflow_rolls_the_part_back() {
    let app = spawn_app();
    let bytes = noise(20_000, 4);
    let up = new_upload(
        app.cms
            .create_upload(&owner(), NewUpload { protocol: Protocol::Tus, md5: None, ..resumable("t.bin", &bytes) })
            .unwrap(),
    );
    let opts = |c| PartOptions { checksum: Some(c), keep_partial: true };
    let mut part =
        app.cms.begin_part(&owner(), &up.upload_id, Protocol::Tus, 0, opts(Checksum::Sha1(vec![0; 20]))).unwrap();
    part.write(&bytes[..10_000]).unwrap();
    assert_eq!(part.commit().unwrap_err().code(), "checksum_mismatch");
    assert_eq!(app.cms.upload(&owner(), &up.upload_id, Protocol::Tus).unwrap().offset, 0, "the part was not kept");

    let good = md5(&bytes[..10_000]).to_vec();
    let mut part = app.cms.begin_part(&owner(), &up.upload_id, Protocol::Tus, 0, opts(Checksum::Md5(good))).unwrap();
    part.write(&bytes[..10_000]).unwrap();
    assert_eq!(part.commit().unwrap().upload.offset, 10_000);

    let mut part = app.cms.begin_part(&owner(), &up.upload_id, Protocol::Tus, 10_000, PartOptions::default()).unwrap();
    assert_eq!(part.write(&noise(10_001, 9)).unwrap_err().code(), "too_large", "past the declared length");
    drop(part);
    // tus keeps what arrived of a part that ended early.
    let mut part = app
        .cms
        .begin_part(&owner(), &up.upload_id, Protocol::Tus, 10_000, PartOptions { checksum: None, keep_partial: true })
        .unwrap();
    part.write(&bytes[10_000..15_000]).unwrap();
    assert_eq!(part.abort().unwrap().offset, 15_000);
    let mut part = app.cms.begin_part(&owner(), &up.upload_id, Protocol::Tus, 15_000, PartOptions::default()).unwrap();
    part.write(&bytes[15_000..]).unwrap();
    let file = part.commit().unwrap().file.expect("complete");
    assert_eq!(file.md5, md5_hex(&bytes), "the kept part and the rest hash as the whole");
}

#[test]
fn chunks_arrive_in_any_order_may_be_resent_and_are_assembled() {
    let app = spawn_app();
    let bytes = noise(25_000, 5);
    let key = app.cms.create_upload_url(&owner()).unwrap();
    assert_eq!(
        app.cms.begin_chunk(&user("someoneelse000000000000"), &key, "a.mp4", 0, 3).err().map(|e| e.code().as_str()),
        Some("not_found")
    );
    assert_eq!(
        app.cms.begin_chunk(&owner(), &key, "a.mp4", 3, 3).err().map(|e| e.field().map(str::to_string)),
        Some(Some("chunk".into()))
    );
    let parts = [&bytes[..10_000], &bytes[10_000..20_000], &bytes[20_000..]];
    let mut last = None;
    for i in [2u32, 0, 0, 1] {
        let mut w = app.cms.begin_chunk(&owner(), &key, "a.mp4", i, 3).unwrap();
        w.write(parts[i as usize]).unwrap();
        last = Some(w.commit().unwrap());
    }
    let outcome = last.unwrap();
    let file = outcome.file.expect("the last missing chunk assembles the file");
    assert_eq!(
        (file.file_id.as_str(), file.size, file.md5.as_str()),
        (outcome.upload_id.as_str(), 25_000, md5_hex(&bytes).as_str())
    );
    assert_eq!(file.domain, Domain::Movie);
    assert!(files_below(&app.cms.file_store_dir().join("partial")).is_empty(), "chunk files are removed");
}

#[test]
fn local_uploads_report_progress_pause_resume_and_cancel() {
    let app = spawn_app();
    let src = app.dir.path().join("源文件.bin");
    let bytes = noise(3 << 20, 6);
    std::fs::write(&src, &bytes).unwrap();
    let up = new_upload(app.cms.start_local_upload(&owner(), &src, Domain::Movie).unwrap());
    let mut seen = Vec::new();
    let paused = app
        .cms
        .run_local_upload(&owner(), &up.upload_id, &mut |done, total| {
            seen.push((done, total));
            done < (1 << 20)
        })
        .unwrap();
    let LocalOutcome::Paused(p) = paused else { panic!("answering false pauses") };
    assert_eq!(p.offset, 1 << 20, "what was read before the pause is committed");
    assert_eq!(seen.last(), Some(&(1 << 20, 3 << 20)));
    let done = app.cms.run_local_upload(&owner(), &up.upload_id, &mut |_, _| true).unwrap();
    let LocalOutcome::Done(file) = done else { panic!("runs to the end") };
    assert_eq!((file.name.as_str(), file.md5.as_str()), ("源文件.bin", md5_hex(&bytes).as_str()));

    let up = new_upload(app.cms.start_local_upload(&owner(), &src, Domain::Resource).unwrap());
    app.cms.cancel_upload(&owner(), &up.upload_id, Protocol::Local).unwrap();
    assert_eq!(app.cms.run_local_upload(&owner(), &up.upload_id, &mut |_, _| true).unwrap_err().code(), "not_found");
    assert_eq!(app.cms.start_local_upload(&owner(), app.dir.path(), Domain::Movie).unwrap_err().field(), Some("path"));
}

/// The file once background processing of it is over.
fn processed(cms: &Cms, id: &str) -> StoredFile {
    let file = cms.wait_processed(id).unwrap();
    assert_eq!(file.processing, Processing::Done, "processing of {id} finished: {file:?}");
    file
}

#[test]
fn pictures_get_thumbnails_and_films_without_ffmpeg_say_so() {
    let app = spawn_app();
    let img = image::RgbImage::from_fn(800, 600, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 90]));
    let mut png = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png).unwrap();
    let pic = app.cms.store_bytes(&owner(), NewFile::new("poster.png", Domain::Movie), &png).unwrap();
    assert_eq!(
        (pic.mime_type.as_str(), pic.processing),
        ("image/png", Processing::Pending),
        "processed after, not during"
    );
    let pic = processed(&app.cms, &pic.file_id);
    assert_eq!(pic.media.as_ref().map(|m| (m["width"].clone(), m["height"].clone())), Some((800.into(), 600.into())));
    let ev = &pic.events[0];
    assert_eq!(
        (ev.event_type.as_str(), ev.status.as_str(), ev.video_id.as_str()),
        (EVENT_SNAPSHOT, "success", pic.file_id.as_str())
    );
    let thumb_id = ev.detail["SnapshotFileID"].as_str().unwrap();
    let thumb = app.cms.file(&owner(), thumb_id).unwrap();
    assert_eq!((thumb.derived_from.as_deref(), thumb.processing), (Some(pic.file_id.as_str()), Processing::None));
    let decoded =
        image::load_from_memory(&std::fs::read(app.cms.file_content(thumb_id).unwrap().1.unwrap()).unwrap()).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (320, 240), "a real thumbnail, aspect kept");

    app.cms
        .set_media_tools(MediaTools { ffprobe: "/nonexistent/ffprobe".into(), ffmpeg: "/nonexistent/ffmpeg".into() });
    // The start of an MP4 (an ftyp box) is enough to be taken for a film.
    let mut mp4 = b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom".to_vec();
    mp4.extend(noise(4096, 7));
    let film = app.cms.store_bytes(&owner(), NewFile::new("film.mp4", Domain::Movie), &mp4).unwrap();
    assert_eq!(film.mime_type, "video/mp4");
    let film = processed(&app.cms, &film.file_id);
    let kinds: Vec<(&str, &str)> = film.events.iter().map(|e| (e.event_type.as_str(), e.status.as_str())).collect();
    assert_eq!(kinds, [(EVENT_TRANSCODE, "fail"), (EVENT_SNAPSHOT, "fail")]);
    let msg = film.events[0].detail["ErrorMessage"].as_str().unwrap();
    assert!(msg.contains("not found") && msg.contains("install FFmpeg"), "the reason is plain: {msg}");
    assert_eq!(app.cms.file_content(&film.file_id).unwrap().0.size, mp4.len() as u64, "the film itself is fine");
}
