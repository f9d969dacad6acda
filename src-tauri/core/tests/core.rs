//! Integration tests of the core on real SQLite files: every rule of the foundation issue.

use std::sync::Arc;

use cinedesk_core::*;
use tempfile::TempDir;

mod qr;
#[path = "support/qr_decode.rs"]
mod qr_decode;

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

fn cinema_input(code: &str) -> CinemaInput {
    CinemaInput {
        cinema_code: Some(code.into()),
        name: Some(format!("X立方 {code}")),
        number_of_halls: Some(2),
        region_id: Some("SHANGHAI".into()),
        coms_mac_addr: Some("ef:23:7e:cc:8a:01".into()),
        coms_ip_addr: Some("192.168.8.21".into()),
        description: Some("第二家店".into()),
    }
}

fn hall_input(cinema: &str, code: &str) -> HallInput {
    HallInput {
        hall_code: Some(code.into()),
        name: Some(format!("放映厅 {code}")),
        cinema_id: Some(cinema.into()),
        number_of_seats: Some(10),
    }
}

fn seat_input(hall: &str, seat: &str) -> VrClientInput {
    VrClientInput {
        hall_id: Some(hall.into()),
        seat_number: Some(seat.into()),
        ip_addr: Some("192.168.8.28".into()),
        mac_addr: Some("99:ed:9d:3b:e8:36".into()),
        host_model: Some("windows07".into()),
        ..Default::default()
    }
}

fn movie_input(code: &str) -> MovieInput {
    MovieInput {
        name: Some(format!("影片 {code}")),
        movie_code: Some(code.into()),
        duration: Some(30),
        description: Some("简介".into()),
        movie_type: Some("MOVIE".into()),
        category: Some("ACTION,SCIENCE".into()),
        country: Some("USA".into()),
        price: Some(2990),
        online: Some(true),
        schedule_start: Some(1_510_208_988_793),
        ..Default::default()
    }
}

/// A cinema with one hall and `seats` seats; returns (cinema, hall, seat ids).
fn site(cms: &Cms, code: &str, seats: usize) -> (String, String, Vec<String>) {
    let cinema = cms.create_cinema(cinema_input(code)).unwrap();
    let hall = cms.create_hall(hall_input(&cinema, &format!("{code}_h1"))).unwrap();
    let inputs = (1..=seats).map(|i| seat_input(&hall, &format!("A{i:02}"))).collect();
    let ids = if seats > 0 { cms.create_vr_clients(inputs).unwrap() } else { vec![] };
    (cinema, hall, ids)
}

fn field_of(err: Error) -> (String, String) {
    (err.code().to_string(), err.field().unwrap_or("").to_string())
}

fn all_cinemas(cms: &Cms) -> Page<Cinema> {
    cms.list_cinemas(&CinemaQuery { paging: Paging::new(None, Some(1000)).unwrap(), ..Default::default() }).unwrap()
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
    assert_eq!(conn.1, 4, "every migration recorded in user_version");
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

// ---------------------------------------------------------------- cinemas

#[test]
fn cinema_round_trip_has_every_seed_field() {
    let app = spawn_app();
    let id = app.cms.create_cinema(cinema_input("huabeiqu_cinema_0001")).unwrap();
    assert_eq!(id.len(), 24, "ids are opaque 24-character strings like the seed's");
    let c = app.cms.get_cinema(&id).unwrap();
    let json = serde_json::to_value(&c).unwrap();
    for key in [
        "cinemaID",
        "cinemaCode",
        "name",
        "numberOfHalls",
        "regionID",
        "comsMACAddr",
        "comsIPAddr",
        "description",
        "comsLastSeen",
    ] {
        assert!(json.get(key).is_some(), "cinema JSON must carry {key}: {json}");
    }
    assert_eq!(json["comsIPAddr"], "192.168.8.21");
    assert_eq!(json["comsLastSeen"], serde_json::Value::Null, "a COMS that never polled has no last-seen time");
    app.cms.mark_coms_seen(&id).unwrap();
    assert!(app.cms.get_cinema(&id).unwrap().coms_last_seen.is_some());
}

#[test]
fn cinema_validation_names_the_field() {
    let app = spawn_app();
    let cases: Vec<(CinemaInput, &str)> = vec![
        (CinemaInput { cinema_code: None, ..cinema_input("x") }, "cinemaCode"),
        (CinemaInput { name: None, ..cinema_input("x") }, "name"),
        (CinemaInput { name: Some("影".repeat(257)), ..cinema_input("x") }, "name"),
        (CinemaInput { region_id: None, ..cinema_input("x") }, "regionID"),
        (CinemaInput { region_id: Some("ATLANTIS".into()), ..cinema_input("x") }, "regionID"),
        (CinemaInput { coms_mac_addr: Some("ef:23:7e:cc:8a".into()), ..cinema_input("x") }, "comsMACAddr"),
        (CinemaInput { coms_ip_addr: Some("192.168.8.256".into()), ..cinema_input("x") }, "comsIPAddr"),
        (CinemaInput { description: Some("d".repeat(257)), ..cinema_input("x") }, "description"),
        (CinemaInput { number_of_halls: Some(-1), ..cinema_input("x") }, "numberOfHalls"),
        (CinemaInput { cinema_code: Some("has space".into()), ..cinema_input("x") }, "cinemaCode"),
    ];
    for (input, field) in cases {
        let err = app.cms.create_cinema(input).expect_err(field);
        assert_eq!(field_of(err), ("invalid".into(), field.into()), "the error must name {field}");
    }
    assert_eq!(all_cinemas(&app.cms).total_count, 0, "no invalid cinema was stored");
    // 256 Chinese characters are within the limit: lengths count characters, not bytes.
    app.cms.create_cinema(CinemaInput { name: Some("影".repeat(256)), ..cinema_input("x") }).unwrap();
}

#[test]
fn duplicate_cinema_code_is_a_conflict() {
    let app = spawn_app();
    app.cms.create_cinema(cinema_input("dup")).unwrap();
    let err = app.cms.create_cinema(cinema_input("dup")).unwrap_err();
    assert_eq!(field_of(err), ("conflict".into(), "cinemaCode".into()));
    let other = app.cms.create_cinema(cinema_input("other")).unwrap();
    let err = app.cms.update_cinema(&other, CinemaInput { cinema_code: Some("dup".into()), ..Default::default() });
    assert_eq!(err.unwrap_err().code(), "conflict", "renaming onto a taken code is a conflict too");
}

#[test]
fn cinema_update_keeps_absent_fields_and_clears_empty_ones() {
    let app = spawn_app();
    let id = app.cms.create_cinema(cinema_input("upd")).unwrap();
    app.cms
        .update_cinema(
            &id,
            CinemaInput { name: Some("新名字".into()), coms_ip_addr: Some("".into()), ..Default::default() },
        )
        .unwrap();
    let c = app.cms.get_cinema(&id).unwrap();
    assert_eq!(c.name, "新名字");
    assert_eq!(c.coms_ip_addr, None, "an empty string clears an optional field");
    assert_eq!(c.coms_mac_addr.as_deref(), Some("ef:23:7e:cc:8a:01"), "absent fields keep their value");
    assert_eq!(app.cms.update_cinema("nope", CinemaInput::default()).unwrap_err().code(), "not_found");
}

#[test]
fn cinema_filters_and_paging() {
    let app = spawn_app();
    let mut ids = vec![];
    for i in 0..25 {
        let mut input = cinema_input(&format!("c{i:02}"));
        if i % 5 == 0 {
            input.region_id = Some("BEIJING".into());
        }
        ids.push(app.cms.create_cinema(input).unwrap());
    }
    let default = app.cms.list_cinemas(&CinemaQuery::default()).unwrap();
    assert_eq!((default.total_count, default.item_list.len()), (25, 20), "default page is start 0, limit 20");
    let second =
        app.cms.list_cinemas(&CinemaQuery { paging: Paging::new(Some(20), None).unwrap(), ..Default::default() });
    assert_eq!(second.unwrap().item_list.len(), 5);
    let beijing =
        app.cms.list_cinemas(&CinemaQuery { region_id: Some("BEIJING".into()), ..Default::default() }).unwrap();
    assert_eq!(beijing.total_count, 5);
    assert!(beijing.item_list.iter().all(|c| c.region_id == "BEIJING"));
    let picked =
        app.cms.list_cinemas(&CinemaQuery { cinema_ids: vec![ids[3].clone(), ids[7].clone()], ..Default::default() });
    assert_eq!(picked.unwrap().total_count, 2, "repeated cinema_id values select several");
    let by_code = app.cms.list_cinemas(&CinemaQuery { cinema_code: Some("c13".into()), ..Default::default() }).unwrap();
    assert_eq!(by_code.item_list[0].cinema_id, ids[13]);
    let fuzzy = app.cms.list_cinemas(&CinemaQuery { name: Some("c1".into()), ..Default::default() }).unwrap();
    assert_eq!(fuzzy.total_count, 10, "name matches substrings: c10..c19");
    let wildcard = app.cms.list_cinemas(&CinemaQuery { name: Some("%".into()), ..Default::default() }).unwrap();
    assert_eq!(wildcard.total_count, 0, "LIKE wildcards in the search are literal");
    assert_eq!(Paging::new(None, Some(0)).unwrap_err().field(), Some("limit"));
    assert_eq!(Paging::new(None, Some(MAX_LIMIT + 1)).unwrap_err().field(), Some("limit"));
}

#[test]
fn deleting_a_cinema_takes_halls_seats_distributions_and_queue_with_it() {
    let app = spawn_app();
    let (cinema, hall, seats) = site(&app.cms, "gone", 3);
    let (keep, _, kept_seats) = site(&app.cms, "kept", 2);
    let movie = app.cms.create_movie(movie_input("m1")).unwrap();
    app.cms
        .distribute_movie(&movie, DistributeInput { cinema_id_list: Some(vec![cinema.clone(), keep.clone()]) })
        .unwrap();
    let impact = app.cms.cinema_deletion_impact(std::slice::from_ref(&cinema)).unwrap();
    assert_eq!(
        impact,
        CinemaDeletionImpact { cinemas: 1, halls: 1, vr_clients: 3, distributions: 1, pending_messages: 1 },
        "the impact names everything that goes with the cinema"
    );
    app.cms.delete_cinemas(std::slice::from_ref(&cinema)).unwrap();
    assert_eq!(app.cms.get_hall(&hall).unwrap_err().code(), "not_found");
    assert_eq!(app.cms.get_vr_client(&seats[0]).unwrap_err().code(), "not_found");
    assert_eq!(app.cms.movie_cinema_ids(&movie).unwrap(), vec![keep.clone()]);
    assert!(app.cms.get_vr_client(&kept_seats[0]).is_ok(), "other cinemas are untouched");
    app.cms.integrity_check().unwrap();
}

#[test]
fn batch_delete_with_one_unknown_id_deletes_nothing() {
    let app = spawn_app();
    let a = app.cms.create_cinema(cinema_input("a")).unwrap();
    let err = app.cms.delete_cinemas(&[a.clone(), "missing".into()]).unwrap_err();
    assert_eq!(err.code(), "not_found");
    assert!(err.to_string().contains("missing"), "the error names the unknown id: {err}");
    assert!(app.cms.get_cinema(&a).is_ok(), "all or nothing: the known cinema is still there");
    assert_eq!(app.cms.delete_cinemas(&[]).unwrap_err().code(), "invalid");
}

// ---------------------------------------------------------------- halls

#[test]
fn halls_belong_to_existing_cinemas_and_take_their_seats_when_deleted() {
    let app = spawn_app();
    let err = app.cms.create_hall(hall_input("nowhere", "h")).unwrap_err();
    assert_eq!(field_of(err), ("invalid".into(), "cinemaID".into()));
    let (cinema, hall, seats) = site(&app.cms, "hc", 2);
    let h = app.cms.get_hall(&hall).unwrap();
    assert_eq!((h.cinema_id.as_str(), h.number_of_seats), (cinema.as_str(), 10));
    let dup = app.cms.create_hall(hall_input(&cinema, "hc_h1")).unwrap_err();
    assert_eq!(field_of(dup), ("conflict".into(), "hallCode".into()));
    let missing_seats = app.cms.create_hall(HallInput { number_of_seats: None, ..hall_input(&cinema, "x") });
    assert_eq!(missing_seats.unwrap_err().field(), Some("numberOfSeats"));
    let page = app.cms.list_halls(&HallQuery { cinema_id: Some(cinema.clone()), ..Default::default() }).unwrap();
    assert_eq!(page.total_count, 1);
    let by_code = app.cms.list_halls(&HallQuery { hall_code: Some("hc_h1".into()), ..Default::default() }).unwrap();
    assert_eq!(by_code.item_list[0].hall_id, hall);
    app.cms.delete_halls(std::slice::from_ref(&hall)).unwrap();
    assert_eq!(app.cms.get_vr_client(&seats[1]).unwrap_err().code(), "not_found", "seats go with their hall");
}

#[test]
fn moving_a_hall_moves_its_seats_to_the_new_cinema() {
    let app = spawn_app();
    let (_, hall, seats) = site(&app.cms, "from", 2);
    let to = app.cms.create_cinema(cinema_input("to")).unwrap();
    app.cms.update_hall(&hall, HallInput { cinema_id: Some(to.clone()), ..Default::default() }).unwrap();
    assert_eq!(app.cms.get_vr_client(&seats[0]).unwrap().cinema_id, to, "a seat's cinemaID follows its hall");
}

// ---------------------------------------------------------------- seats

#[test]
fn seat_has_every_seed_field_a_derived_cinema_and_a_unique_scene_number() {
    let app = spawn_app();
    let (cinema, hall, seats) = site(&app.cms, "s", 3);
    let seat = app.cms.get_vr_client(&seats[0]).unwrap();
    let json = serde_json::to_value(&seat).unwrap();
    for key in [
        "clientID",
        "cinemaID",
        "hallID",
        "sceneNumber",
        "status",
        "seatNumber",
        "hostModel",
        "seatModel",
        "HMDModel",
        "MACAddr",
        "IPAddr",
        "description",
    ] {
        assert!(json.get(key).is_some(), "seat JSON must carry {key}: {json}");
    }
    assert_eq!(seat.cinema_id, cinema, "cinemaID is derived from the hall");
    assert_eq!(json["status"], "SHUT_DOWN", "a new seat is off until its terminal reports");
    let scenes: std::collections::HashSet<String> =
        seats.iter().map(|s| app.cms.get_vr_client(s).unwrap().scene_number).collect();
    assert_eq!(scenes.len(), 3, "every seat gets its own scene number");
    assert!(scenes.iter().all(|s| s.len() <= MAX_SCENE));
    let dup = app.cms.create_vr_client(seat_input(&hall, "A01")).unwrap_err();
    assert_eq!(field_of(dup), ("conflict".into(), "seatNumber".into()), "seat numbers are unique in a hall");
    let other_hall = app.cms.create_hall(hall_input(&cinema, "s_h2")).unwrap();
    app.cms.create_vr_client(seat_input(&other_hall, "A01")).expect("the same seat number in another hall is fine");
    let taken = VrClientInput { scene_number: Some(seat.scene_number.clone()), ..seat_input(&other_hall, "A02") };
    assert_eq!(field_of(app.cms.create_vr_client(taken).unwrap_err()), ("conflict".into(), "sceneNumber".into()));
    assert_eq!(app.cms.vr_client_by_scene(&seat.scene_number).unwrap().client_id, seats[0]);
}

#[test]
fn seat_validation_names_the_field() {
    let app = spawn_app();
    let (_, hall, _) = site(&app.cms, "v", 0);
    let cases: Vec<(VrClientInput, &str)> = vec![
        (VrClientInput { hall_id: None, ..seat_input(&hall, "1") }, "hallID"),
        (VrClientInput { hall_id: Some("zzz".into()), ..seat_input(&hall, "1") }, "hallID"),
        (VrClientInput { seat_number: None, ..seat_input(&hall, "1") }, "seatNumber"),
        (VrClientInput { ip_addr: None, ..seat_input(&hall, "1") }, "IPAddr"),
        (VrClientInput { ip_addr: Some("10.0.0".into()), ..seat_input(&hall, "1") }, "IPAddr"),
        (VrClientInput { mac_addr: Some("99:ed:9d:3b:e8".into()), ..seat_input(&hall, "1") }, "MACAddr"),
        (VrClientInput { description: Some("描".repeat(266)), ..seat_input(&hall, "1") }, "description"),
        (VrClientInput { status: Some("DANCING".into()), ..seat_input(&hall, "1") }, "status"),
        (VrClientInput { hmd_model: Some("hmd109".into()), ..seat_input(&hall, "1") }, "HMDModel"),
        (VrClientInput { seat_model: Some("vr0109".into()), ..seat_input(&hall, "1") }, "seatModel"),
        (VrClientInput { scene_number: Some("x".repeat(33)), ..seat_input(&hall, "1") }, "sceneNumber"),
    ];
    for (input, field) in cases {
        let err = app.cms.create_vr_client(input).expect_err(field);
        assert_eq!(field_of(err), ("invalid".into(), field.into()), "the error must name {field}");
    }
    let ok = VrClientInput { description: Some("描".repeat(265)), ..seat_input(&hall, "1") };
    app.cms.create_vr_client(ok).expect("seat descriptions may be 265 characters");
}

#[test]
fn bulk_seat_creation_is_all_or_nothing() {
    let app = spawn_app();
    let (_, hall, _) = site(&app.cms, "bulk", 0);
    let mut inputs: Vec<_> = (1..=5).map(|i| seat_input(&hall, &format!("B{i}"))).collect();
    inputs[3].ip_addr = Some("bad".into());
    let err = app.cms.create_vr_clients(inputs).unwrap_err();
    assert!(err.to_string().contains("seat 4"), "the error says which seat of the batch: {err}");
    let page = app.cms.list_vr_clients(&VrClientQuery { hall_id: Some(hall), ..Default::default() }).unwrap();
    assert_eq!(page.total_count, 0, "no seat of a failed batch is stored");
}

#[test]
fn seat_update_status_and_scene_regeneration() {
    let app = spawn_app();
    let (_, _, seats) = site(&app.cms, "up", 1);
    let before = app.cms.get_vr_client(&seats[0]).unwrap();
    app.cms
        .update_vr_client(&seats[0], VrClientInput { status: Some("PLAYING".into()), ..Default::default() })
        .unwrap();
    let after = app.cms.get_vr_client(&seats[0]).unwrap();
    assert_eq!(after.status, SeatStatus::Playing);
    assert_eq!(after.ip_addr, before.ip_addr, "absent fields keep their values");
    let new_scene = app.cms.regenerate_scene_number(&seats[0]).unwrap();
    assert_ne!(new_scene, before.scene_number);
    assert_eq!(app.cms.vr_client_by_scene(&before.scene_number).unwrap_err().code(), "not_found", "old codes die");
    let move_hall = VrClientInput { hall_id: Some("elsewhere".into()), ..Default::default() };
    assert_eq!(app.cms.update_vr_client(&seats[0], move_hall).unwrap_err().field(), Some("hallID"));
}

#[test]
fn seat_filters() {
    let app = spawn_app();
    let (c1, h1, s1) = site(&app.cms, "f1", 4);
    let (_, _, s2) = site(&app.cms, "f2", 3);
    let by_cinema = app.cms.list_vr_clients(&VrClientQuery { cinema_id: Some(c1.clone()), ..Default::default() });
    assert_eq!(by_cinema.unwrap().total_count, 4);
    let by_hall = app.cms.list_vr_clients(&VrClientQuery { hall_id: Some(h1), ..Default::default() }).unwrap();
    let numbers: Vec<_> = by_hall.item_list.iter().map(|s| s.seat_number.as_str()).collect();
    assert_eq!(numbers, ["A01", "A02", "A03", "A04"], "seats come in seat order");
    let by_ids = app
        .cms
        .list_vr_clients(&VrClientQuery { client_ids: vec![s1[0].clone(), s2[2].clone()], ..Default::default() });
    assert_eq!(by_ids.unwrap().total_count, 2);
    let idle =
        app.cms.list_vr_clients(&VrClientQuery { status: Some(SeatStatus::Idle), ..Default::default() }).unwrap();
    assert_eq!(idle.total_count, 0);
}

// ---------------------------------------------------------------- catalogues

#[test]
fn model_catalogues_are_referenced_by_seats_and_protected_while_used() {
    let app = spawn_app();
    let hmd = app
        .cms
        .create_hmd_model(HmdModelInput {
            model_code: Some("hmd109".into()),
            name: Some("Pico 4 Ultra".into()),
            vendor: Some("Pico".into()),
            resolution: Some("2160x2160".into()),
            refresh_rate_hz: Some(90),
            field_of_view_deg: Some(105),
            weight_g: Some(580),
            ..Default::default()
        })
        .unwrap();
    let seat_model = app
        .cms
        .create_seat_model(SeatModelInput {
            model_code: Some("vr0109".into()),
            name: Some("双人动感座椅".into()),
            degrees_of_freedom: Some(3),
            max_load_kg: Some(120),
            effects: Some(vec!["wind".into(), "VIBRATION".into()]),
            ..Default::default()
        })
        .unwrap();
    let dup = app.cms.create_hmd_model(HmdModelInput {
        model_code: Some("hmd109".into()),
        name: Some("again".into()),
        ..Default::default()
    });
    assert_eq!(field_of(dup.unwrap_err()), ("conflict".into(), "modelCode".into()));
    let bad_dof =
        app.cms.update_seat_model(&seat_model, SeatModelInput { degrees_of_freedom: Some(4), ..Default::default() });
    assert_eq!(bad_dof.unwrap_err().field(), Some("degreesOfFreedom"));
    let bad_res =
        app.cms.update_hmd_model(&hmd, HmdModelInput { resolution: Some("big".into()), ..Default::default() });
    assert_eq!(bad_res.unwrap_err().field(), Some("resolution"));
    let models = app.cms.list_seat_models(&ModelQuery::default()).unwrap();
    assert_eq!(models.item_list[0].effects, ["WIND", "VIBRATION"], "effects are normalised");

    let (_, hall, _) = site(&app.cms, "cat", 0);
    let seat = app
        .cms
        .create_vr_client(VrClientInput {
            hmd_model: Some("hmd109".into()),
            seat_model: Some("vr0109".into()),
            ..seat_input(&hall, "A1")
        })
        .unwrap();
    let err = app.cms.delete_hmd_models(std::slice::from_ref(&hmd)).unwrap_err();
    assert_eq!(err.code(), "in_use", "a model used by a seat cannot be deleted");
    app.cms.update_hmd_model(&hmd, HmdModelInput { model_code: Some("hmd110".into()), ..Default::default() }).unwrap();
    assert_eq!(
        app.cms.get_vr_client(&seat).unwrap().hmd_model.as_deref(),
        Some("hmd110"),
        "renaming a model code follows through to the seats"
    );
    app.cms.delete_vr_clients(&[seat]).unwrap();
    app.cms.delete_hmd_models(&[hmd]).unwrap();
    app.cms.delete_seat_models(&[seat_model]).unwrap();
}

// ---------------------------------------------------------------- movies

#[test]
fn movie_has_every_seed_field_and_derived_urls() {
    let app = spawn_app();
    let id = app
        .cms
        .create_movie(MovieInput {
            icon_id: Some("icon1".into()),
            poster_id: Some("poster1".into()),
            file_id: Some("file1".into()),
            weixin_url: Some("https://mp.weixin.qq.com/s?x=1".into()),
            is_hot: Some(true),
            ..movie_input("m1")
        })
        .unwrap();
    let json = serde_json::to_value(app.cms.get_movie(&id).unwrap()).unwrap();
    for key in [
        "name",
        "movieCode",
        "duration",
        "description",
        "type",
        "category",
        "country",
        "iconURL",
        "posterURL",
        "scheduleStart",
        "scheduleEnd",
        "numOfPraise",
        "numOfView",
        "online",
        "weixinURL",
        "price",
        "isHot",
    ] {
        assert!(json.get(key).is_some(), "movie JSON must carry {key}: {json}");
    }
    assert_eq!(json["iconURL"], "/cms/files/icon1");
    assert_eq!(json["posterURL"], "/cms/files/poster1");
    assert_eq!(json["scheduleStart"], "1510208988793", "schedule times travel as strings like the seed");
    assert_eq!(json["category"], "ACTION,SCIENCE");
    // The seed sends times as strings; numbers are accepted too.
    let body = r#"{"name":"n","movieCode":"m2","duration":5,"description":"d","type":"AD","category":"COMEDY",
                   "country":"CHN","price":0,"scheduleStart":"1510208988793","scheduleEnd":1510208989793}"#;
    let parsed: MovieInput = serde_json::from_str(body).unwrap();
    assert_eq!((parsed.schedule_start, parsed.schedule_end), (Some(1510208988793), Some(1510208989793)));
    app.cms.create_movie(parsed).unwrap();
}

#[test]
fn movie_validation_names_the_field() {
    let app = spawn_app();
    let cases: Vec<(MovieInput, &str)> = vec![
        (MovieInput { name: None, ..movie_input("x") }, "name"),
        (MovieInput { movie_code: None, ..movie_input("x") }, "movieCode"),
        (MovieInput { duration: Some(0), ..movie_input("x") }, "duration"),
        (MovieInput { description: None, ..movie_input("x") }, "description"),
        (MovieInput { movie_type: Some("SERIES".into()), ..movie_input("x") }, "type"),
        (MovieInput { category: Some("ACTION,NOPE".into()), ..movie_input("x") }, "category"),
        (MovieInput { category: Some(" , ".into()), ..movie_input("x") }, "category"),
        (MovieInput { country: Some("NARNIA".into()), ..movie_input("x") }, "country"),
        (MovieInput { price: None, ..movie_input("x") }, "price"),
        (MovieInput { price: Some(-1), ..movie_input("x") }, "price"),
        (MovieInput { weixin_url: Some("javascript:alert(1)".into()), ..movie_input("x") }, "weixinURL"),
        (MovieInput { schedule_end: Some(1), ..movie_input("x") }, "scheduleEnd"),
    ];
    for (input, field) in cases {
        let err = app.cms.create_movie(input).expect_err(field);
        assert_eq!(field_of(err), ("invalid".into(), field.into()), "the error must name {field}");
    }
    app.cms.create_movie(movie_input("x")).unwrap();
    assert_eq!(field_of(app.cms.create_movie(movie_input("x")).unwrap_err()), ("conflict".into(), "movieCode".into()));
}

#[test]
fn movie_filters_order_and_paging() {
    let app = spawn_app();
    let types = ["MOVIE", "GUIDE", "AD"];
    let mut ids = vec![];
    for i in 0..30i64 {
        let input = MovieInput {
            name: Some(if i % 10 == 0 { format!("星际穿越 {i}") } else { format!("film {i}") }),
            movie_type: Some(types[(i % 3) as usize].into()),
            category: Some(if i % 2 == 0 { "ACTION".into() } else { "COMEDY,HORROR".into() }),
            country: Some(if i < 10 { "CHN".into() } else { "USA".into() }),
            schedule_start: Some(1_000 + i),
            price: Some(100 * (30 - i)),
            ..movie_input(&format!("mv{i:02}"))
        };
        ids.push(app.cms.create_movie(input).unwrap());
    }
    let q = |f: &dyn Fn(&mut MovieQuery)| {
        let mut q = MovieQuery::default();
        f(&mut q);
        app.cms.list_movies(&q).unwrap()
    };
    let default = q(&|_| {});
    assert_eq!(default.total_count, 30);
    assert_eq!(default.item_list.len(), 20);
    assert_eq!(default.item_list[0].movie_code, "mv29", "default order is scheduleStart descending");
    assert_eq!(q(&|q| q.movie_type = Some("GUIDE".into())).total_count, 10);
    assert_eq!(q(&|q| q.category = Some("HORROR".into())).total_count, 15, "a film is found by any of its categories");
    assert_eq!(q(&|q| q.country = Some("CHN".into())).total_count, 10);
    assert_eq!(q(&|q| q.name = Some("星际".into())).total_count, 3, "name matches fuzzily");
    assert_eq!(q(&|q| q.name = Some("际穿越".into())).total_count, 3, "three or more characters use the trigram index");
    assert_eq!(q(&|q| q.name = Some("FILM 13".into())).total_count, 1, "the match ignores case");
    assert_eq!(q(&|q| q.movie_code = Some("mv07".into())).item_list[0].movie_id, ids[7]);
    assert_eq!(q(&|q| q.movie_ids = vec![ids[1].clone(), ids[2].clone()]).total_count, 2);
    let cheap_first = q(&|q| {
        q.order_param = Some("price".into());
        q.order_seq = OrderSeq::Asc;
    });
    assert_eq!(cheap_first.item_list[0].movie_code, "mv29");
    let page2 = q(&|q| q.paging = Paging::new(Some(20), Some(20)).unwrap());
    assert_eq!(page2.item_list.len(), 10);
    let combined = q(&|q| {
        q.movie_type = Some("MOVIE".into());
        q.country = Some("USA".into());
        q.category = Some("ACTION".into());
    });
    assert!(combined.item_list.iter().all(|m| m.movie_type == "MOVIE" && m.country == "USA"));
    let expected = (10..30).filter(|i| i % 3 == 0 && i % 2 == 0).count() as u64;
    assert_eq!(combined.total_count, expected, "the category count honours the other filters");
    assert_eq!(combined.item_list.len() as u64, expected);
    app.cms.update_movie(&ids[10], MovieInput { name: Some("银河漫游".into()), ..Default::default() }).unwrap();
    assert_eq!(q(&|q| q.name = Some("星际穿越".into())).total_count, 2, "a renamed film leaves the name index");
    assert_eq!(q(&|q| q.name = Some("银河漫游".into())).item_list[0].movie_id, ids[10]);
    app.cms.delete_movies(&[ids[20].clone()]).unwrap();
    assert_eq!(q(&|q| q.name = Some("星际穿越".into())).total_count, 1, "a deleted film leaves the name index");
    let bad = app.cms.list_movies(&MovieQuery { order_param: Some("drop table".into()), ..Default::default() });
    assert_eq!(bad.unwrap_err().field(), Some("order_param"), "order_param is a whitelist, never raw SQL");
}

#[test]
fn forty_concurrent_praises_add_exactly_forty() {
    let app = spawn_app();
    let id = app.cms.create_movie(movie_input("praised")).unwrap();
    let threads: Vec<_> = (0..40)
        .map(|_| {
            let cms = Arc::clone(&app.cms);
            let id = id.clone();
            std::thread::spawn(move || cms.praise_movie(&id, None).unwrap())
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(app.cms.get_movie(&id).unwrap().num_of_praise, 40, "no praise may be lost under concurrency");
    assert_eq!(app.cms.praise_movie("nope", None).unwrap_err().code(), "not_found");
}

#[test]
fn a_wechat_user_praises_a_film_once() {
    let app = spawn_app();
    let id = app.cms.create_movie(movie_input("once")).unwrap();
    assert_eq!(app.cms.praise_movie(&id, Some("openid-1")).unwrap(), 1);
    assert_eq!(app.cms.praise_movie(&id, Some("openid-1")).unwrap(), 1, "the same user praising again changes nothing");
    assert_eq!(app.cms.praise_movie(&id, Some("openid-2")).unwrap(), 2);
    let page = app.cms.list_movies(&MovieQuery { open_id: Some("openid-1".into()), ..Default::default() }).unwrap();
    assert_eq!(page.item_list[0].praised, Some(true), "with open_id the list says what this user praised");
}

#[test]
fn movie_update_replaces_categories() {
    let app = spawn_app();
    let id = app.cms.create_movie(movie_input("cat")).unwrap();
    app.cms.update_movie(&id, MovieInput { category: Some("HORROR".into()), ..Default::default() }).unwrap();
    let action = app.cms.list_movies(&MovieQuery { category: Some("ACTION".into()), ..Default::default() }).unwrap();
    assert_eq!(action.total_count, 0, "the old categories no longer match");
    assert_eq!(app.cms.get_movie(&id).unwrap().category, "HORROR");
}

// ---------------------------------------------------------------- distribution and the COMS outbox

#[test]
fn distribution_writes_one_new_movie_message_per_cinema() {
    let app = spawn_app();
    let (a, _, _) = site(&app.cms, "da", 0);
    let (b, _, _) = site(&app.cms, "db", 0);
    let movie = app.cms.create_movie(movie_input("dist")).unwrap();
    let woken = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let sink = Arc::clone(&woken);
    app.cms.on_new_message(move |c| sink.lock().unwrap().push(c.to_string()));
    let out = app.cms.distribute_movie(&movie, DistributeInput { cinema_id_list: Some(vec![a.clone(), b.clone()]) });
    assert_eq!(out.unwrap().added, vec![a.clone(), b.clone()]);
    assert_eq!(*woken.lock().unwrap(), vec![a.clone(), b.clone()], "listeners hear about each cinema after commit");
    for cinema in [&a, &b] {
        let msg = app.cms.next_message(cinema).unwrap().expect("a NEW_MOVIE waits for each cinema");
        assert_eq!(msg.message_type, MessageType::NewMovie);
        assert_eq!(msg.message["movieID"], movie.as_str(), "the message carries the full movie object");
        assert_eq!(msg.message["movieCode"], "dist");
    }
    let by_cinema = app.cms.list_movies(&MovieQuery { cinema_id: Some(a.clone()), ..Default::default() }).unwrap();
    assert_eq!(by_cinema.item_list[0].movie_id, movie, "movies can be queried by cinema");
    // Distributing again is harmless: no second message.
    let again = app.cms.distribute_movie(&movie, DistributeInput { cinema_id_list: Some(vec![a.clone()]) }).unwrap();
    assert_eq!((again.added.len(), again.already.len()), (0, 1));
    assert_eq!(app.cms.pending_message_count(&a).unwrap(), 1);
}

#[test]
fn distribution_naming_one_unknown_cinema_changes_nothing() {
    let app = spawn_app();
    let (a, _, _) = site(&app.cms, "ua", 0);
    let movie = app.cms.create_movie(movie_input("u")).unwrap();
    let err = app
        .cms
        .distribute_movie(&movie, DistributeInput { cinema_id_list: Some(vec![a.clone(), "ghost".into()]) })
        .unwrap_err();
    assert_eq!(err.code(), "not_found");
    assert!(app.cms.movie_cinema_ids(&movie).unwrap().is_empty(), "no distribution was written");
    assert_eq!(app.cms.pending_message_count(&a).unwrap(), 0, "no message was queued");
    let empty = app.cms.distribute_movie(&movie, DistributeInput { cinema_id_list: Some(vec![]) });
    assert_eq!(empty.unwrap_err().field(), Some("cinemaIDList"));
    let missing = app.cms.distribute_movie(&movie, DistributeInput { cinema_id_list: None });
    assert_eq!(missing.unwrap_err().field(), Some("cinemaIDList"));
}

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

// ---------------------------------------------------------------- VOD tasks

#[test]
fn vod_task_lifecycle_views_and_new_vod_task_message() {
    let app = spawn_app();
    let (cinema, hall, seats) = site(&app.cms, "vod", 1);
    let m1 = app.cms.create_movie(movie_input("v1")).unwrap();
    let m2 = app.cms.create_movie(movie_input("v2")).unwrap();
    let offline = app.cms.create_movie(MovieInput { online: Some(false), ..movie_input("v3") }).unwrap();
    let order = |ids: &[&String]| VodTaskInput {
        movie_list: Some(ids.iter().map(|id| MovieRef { id: Some((*id).clone()) }).collect()),
        client_id: Some(seats[0].clone()),
        open_id: Some("wx-user".into()),
    };
    let not_here = app.cms.create_vod_task(order(&[&m1])).unwrap_err();
    assert!(not_here.to_string().contains("not distributed"), "{not_here}");
    app.cms
        .distribute_movie(&m1, DistributeInput { cinema_id_list: Some(vec![cinema.clone()]) })
        .and_then(|_| app.cms.distribute_movie(&m2, DistributeInput { cinema_id_list: Some(vec![cinema.clone()]) }))
        .and_then(|_| {
            app.cms.distribute_movie(&offline, DistributeInput { cinema_id_list: Some(vec![cinema.clone()]) })
        })
        .unwrap();
    assert!(app.cms.create_vod_task(order(&[&offline])).unwrap_err().to_string().contains("not online"));
    let task_id = app.cms.create_vod_task(order(&[&m1, &m2])).unwrap();
    let task = app.cms.get_vod_task(&task_id).unwrap();
    assert_eq!((task.cinema_id.as_str(), task.hall_id.as_str()), (cinema.as_str(), hall.as_str()));
    assert_eq!(task.status, VodStatus::Pending);
    assert_eq!(task.movie_list.iter().map(|m| &m.id).collect::<Vec<_>>(), [&m1, &m2], "films keep their order");
    assert_eq!(app.cms.get_movie(&m1).unwrap().num_of_view, 1, "ordering a film counts a view");

    for _ in 0..3 {
        let head = app.cms.next_message(&cinema).unwrap().unwrap();
        if head.message_type == MessageType::NewVodTask {
            assert_eq!(head.message["taskID"], task_id.as_str(), "the message carries the full task");
            assert_eq!(head.message["movieList"][1]["id"], m2.as_str());
            break;
        }
        app.cms.ack_message(&cinema, &head.message_id).unwrap();
    }

    let err = app.cms.delete_movies(std::slice::from_ref(&m1)).unwrap_err();
    assert_eq!(err.code(), "in_use", "a film an unfinished task needs cannot be deleted");
    let skip = app.cms.set_vod_task_status(&task_id, VodStatus::Completed).unwrap_err();
    assert_eq!(skip.field(), Some("status"), "PENDING cannot jump to COMPLETED");
    for s in [VodStatus::Accepted, VodStatus::Playing, VodStatus::Completed] {
        app.cms.set_vod_task_status(&task_id, s).unwrap();
    }
    assert_eq!(app.cms.set_vod_task_status(&task_id, VodStatus::Playing).unwrap_err().code(), "invalid");
    app.cms.delete_movies(std::slice::from_ref(&m1)).expect("once the task is finished the film may go");
    let kept = app.cms.get_vod_task(&task_id).unwrap();
    assert_eq!(kept.movie_list[0].id, m1, "a finished task keeps its history");
    let listed = app.cms.list_vod_tasks(&VodTaskQuery { cinema_id: Some(cinema), ..Default::default() }).unwrap();
    assert_eq!(listed.total_count, 1);
}

#[test]
fn vod_task_validation() {
    let app = spawn_app();
    let (_, _, seats) = site(&app.cms, "vv", 1);
    let none = app.cms.create_vod_task(VodTaskInput {
        movie_list: Some(vec![]),
        client_id: Some(seats[0].clone()),
        open_id: None,
    });
    assert_eq!(none.unwrap_err().field(), Some("movieList"));
    let no_client = app.cms.create_vod_task(VodTaskInput {
        movie_list: Some(vec![MovieRef { id: Some("x".into()) }]),
        ..Default::default()
    });
    assert_eq!(no_client.unwrap_err().field(), Some("clientID"));
    let ghost = app.cms.create_vod_task(VodTaskInput {
        movie_list: Some(vec![MovieRef { id: Some("ghost".into()) }]),
        client_id: Some(seats[0].clone()),
        open_id: None,
    });
    assert_eq!(ghost.unwrap_err().field(), Some("movieList[].id"));
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
fn users_aliases_roles_and_hashed_passwords() {
    let app = spawn_app();
    let id = app.cms.create_user(user_input("zhangsan", "SYS_ADMIN,MANAGER")).unwrap();
    let u = app.cms.get_user(&id).unwrap();
    assert_eq!(u.role, "SYS_ADMIN,MANAGER");
    for (input, field) in [
        (user_input("zhang-san", "MANAGER"), "alias"),
        (user_input("lisi", "EMPEROR"), "role"),
        (UserInput { password: Some("short".into()), ..user_input("lisi", "MANAGER") }, "password"),
        (UserInput { password: None, ..user_input("lisi", "MANAGER") }, "password"),
        (UserInput { name: None, ..user_input("lisi", "MANAGER") }, "name"),
    ] {
        assert_eq!(app.cms.create_user(input).unwrap_err().field(), Some(field), "{field} is checked");
    }
    let dup = app.cms.create_user(user_input("ZhangSan", "MANAGER")).unwrap_err();
    assert_eq!(field_of(dup), ("conflict".into(), "alias".into()), "aliases are unique regardless of case");
    // The password is stored as an argon2 hash, never in clear.
    drop(app.cms);
    let raw = std::fs::read(app.dir.path().join(DB_FILE)).unwrap();
    let wal = std::fs::read(app.dir.path().join(format!("{DB_FILE}-wal"))).unwrap_or_default();
    let haystack = [raw, wal].concat();
    assert!(!haystack.windows(13).any(|w| w == b"correct horse"), "plain password found in the database file");
    assert!(haystack.windows(9).any(|w| w == b"$argon2id"), "argon2id hash expected in the database");
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

// ---------------------------------------------------------------- enumerations

#[test]
fn enumerations_have_real_defaults_and_are_editable_but_protected() {
    let app = spawn_app();
    let e = app.cms.sys_enums().unwrap();
    assert!(e.cinema_region_list.len() >= 34, "every province-level region of China is there");
    assert!(e.movie_country_list.iter().any(|c| c.id == "CHN" && c.name == "中国" && c.is_default));
    assert!(e.movie_category_list.iter().any(|c| c.id == "SCIENCE" && c.name == "科幻"));
    let roles: Vec<_> = e.user_role_list.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(roles, ["SYS_ADMIN", "MANAGER"]);
    assert_eq!(e.movie_type_list.len(), 3);

    app.cms
        .put_enum_value(
            EnumKind::CinemaRegion,
            EnumValue { id: "OVERSEAS".into(), name: "海外".into(), is_default: false },
        )
        .unwrap();
    let mut input = cinema_input("abroad");
    input.region_id = Some("OVERSEAS".into());
    app.cms.create_cinema(input).expect("a new region is usable at once");
    let err = app.cms.delete_enum_value(EnumKind::CinemaRegion, "OVERSEAS").unwrap_err();
    assert_eq!(err.code(), "in_use", "a region a cinema uses cannot be deleted");
    app.cms.delete_enum_value(EnumKind::MovieCategory, "GAME").unwrap();
    assert!(!app.cms.sys_enums().unwrap().movie_category_list.iter().any(|c| c.id == "GAME"));
    let new_role =
        app.cms.put_enum_value(EnumKind::UserRole, EnumValue { id: "GOD".into(), name: "x".into(), is_default: false });
    assert_eq!(new_role.unwrap_err().code(), "invalid", "roles are fixed");
    app.cms
        .put_enum_value(EnumKind::UserRole, EnumValue { id: "MANAGER".into(), name: "店长".into(), is_default: true })
        .unwrap();
    assert_eq!(app.cms.sys_enums().unwrap().user_role_list[1].name, "店长", "role names are editable");
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

#[test]
fn api_keys_sign_for_their_cinema_until_revoked() {
    let app = spawn_app();
    let (cinema, _, _) = site(&app.cms, "keys", 0);
    let key = app.cms.create_api_key(&cinema).unwrap();
    let now = user_date(now_ms());
    let params = "timeout%3D30";
    let auth = format!("dc:{}:{}", key.apikey, sign(&key.secretkey, params, &now));
    assert_eq!(app.cms.verify_signed(&auth, &now, params).unwrap(), cinema, "a good signature names the key's cinema");
    let tampered = app.cms.verify_signed(&auth, &now, "timeout%3D31");
    assert_eq!(tampered.unwrap_err().code(), "unauthorized", "the signature covers the parameters");
    let wrong = format!("dc:{}:{}", key.apikey, sign("not the secret", params, &now));
    assert_eq!(app.cms.verify_signed(&wrong, &now, params).unwrap_err().code(), "unauthorized");
    let stale = user_date(now_ms() - 16 * 60 * 1000);
    let stale_auth = format!("dc:{}:{}", key.apikey, sign(&key.secretkey, params, &stale));
    assert_eq!(
        app.cms.verify_signed(&stale_auth, &stale, params).unwrap_err().code(),
        "unauthorized",
        "15 minutes at most"
    );
    let listed = app.cms.list_api_keys(&cinema).unwrap();
    assert_eq!(listed.len(), 1);
    assert!(!serde_json::to_string(&listed).unwrap().contains(&key.secretkey), "a listing never shows the secret");
    app.cms.revoke_api_key(&cinema, &key.apikey).unwrap();
    assert_eq!(app.cms.verify_signed(&auth, &now, params).unwrap_err().code(), "unauthorized", "revoked at once");
    assert_eq!(app.cms.create_api_key("ghost").unwrap_err().code(), "not_found");
}

// ---------------------------------------------------------------- QR codes

/// Decodes the one QR code of a PNG with a real decoder.
fn decode_png(png: &[u8]) -> String {
    let img = image::load_from_memory(png).expect("a PNG").to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(img);
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1, "exactly one QR code in the image");
    grids[0].decode().expect("the code decodes").1
}

#[test]
fn seat_qr_codes_decode_to_the_template_with_the_scene_number() {
    let app = spawn_app();
    let (_, _, seats) = site(&app.cms, "qr", 1);
    let scene = app.cms.get_vr_client(&seats[0]).unwrap().scene_number;
    let png = app.cms.seat_qr_code(&seats[0], QrFormat::Png, 256).unwrap();
    assert_eq!(decode_png(&png), format!("cinedesk:seat:{scene}"), "the default payload names the scene");
    let dims = image::load_from_memory(&png).unwrap();
    assert!(dims.width() <= 256 && dims.width() >= 200, "about the asked size: {}", dims.width());

    app.cms.set_qr_template("https://wx.example.cn/order?scene={sceneNumber}&src=seat").unwrap();
    let png = app.cms.seat_qr_code(&seats[0], QrFormat::Png, 300).unwrap();
    assert_eq!(decode_png(&png), format!("https://wx.example.cn/order?scene={scene}&src=seat"));
    let svg = String::from_utf8(app.cms.seat_qr_code(&seats[0], QrFormat::Svg, 300).unwrap()).unwrap();
    assert!(svg.starts_with("<?xml") && svg.contains("<svg"), "an SVG document");

    let regenerated = app.cms.regenerate_scene_number(&seats[0]).unwrap();
    let png = app.cms.seat_qr_code(&seats[0], QrFormat::Png, 300).unwrap();
    assert!(decode_png(&png).contains(&format!("scene={regenerated}&")), "a new scene number means a new code");

    assert_eq!(app.cms.set_qr_template("https://x/no-placeholder").unwrap_err().field(), Some("qrUrlTemplate"));
    assert_eq!(app.cms.seat_qr_code(&seats[0], QrFormat::Png, 10).unwrap_err().field(), Some("size"));
    assert_eq!(app.cms.seat_qr_code("ghost", QrFormat::Png, 256).unwrap_err().code(), "not_found");
    assert_eq!(QrFormat::parse("gif").unwrap_err().field(), Some("format"));
}
