//! Seats (seed §3): shapes, scene numbers, validation, bulk creation, updates, filters, QR codes; and the model catalogues (§9, §10).

use cinedesk_core::*;

use crate::harness::*;

pub fn seat_has_every_seed_field_a_derived_cinema_and_a_unique_scene_number(f: &Fixture) {
    let (cinema, hall, seats) = site(f, "s", 3);
    let seat = f.a().get_seat(&seats[0]).unwrap();
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
        seats.iter().map(|s| f.a().get_seat(s).unwrap().scene_number).collect();
    assert_eq!(scenes.len(), 3, "every seat gets its own scene number");
    assert!(scenes.iter().all(|s| s.len() <= MAX_SCENE));
    let dup = f.a().seat(seat_input(&hall, "A01")).unwrap_err();
    assert_eq!(field_of(dup), ("conflict".into(), "seatNumber".into()), "seat numbers are unique in a hall");
    let other_hall = f.a().hall(hall_input(&cinema, "s_h2")).unwrap();
    f.a().seat(seat_input(&other_hall, "A01")).expect("the same seat number in another hall is fine");
    let taken = VrClientInput { scene_number: Some(seat.scene_number.clone()), ..seat_input(&other_hall, "A02") };
    assert_eq!(field_of(f.a().seat(taken).unwrap_err()), ("conflict".into(), "sceneNumber".into()));
    assert_eq!(f.cms.vr_client_by_scene(&seat.scene_number).unwrap().client_id, seats[0]);
}

pub fn seat_validation_names_the_field(f: &Fixture) {
    let (_, hall, _) = site(f, "v", 0);
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
        let err = f.a().seat(input).expect_err(field);
        assert_eq!(field_of(err), ("invalid".into(), field.into()), "the error must name {field}");
    }
    let ok = VrClientInput { description: Some("描".repeat(265)), ..seat_input(&hall, "1") };
    f.a().seat(ok).expect("seat descriptions may be 265 characters");
}

pub fn bulk_seat_creation_is_all_or_nothing(f: &Fixture) {
    let (_, hall, _) = site(f, "bulk", 0);
    let mut inputs: Vec<_> = (1..=5).map(|i| seat_input(&hall, &format!("B{i}"))).collect();
    inputs[3].ip_addr = Some("bad".into());
    let err = f.api.create_vr_clients(&f.admin, inputs.clone()).unwrap_err();
    assert!(err.to_string().contains("seat 4"), "the error says which seat of the batch: {err}");
    assert_eq!(err.code(), "invalid");
    let list = |q: VrClientQuery| f.api.list_vr_clients(&f.admin, &q).unwrap();
    let page = list(VrClientQuery { hall_id: Some(hall.clone()), ..Default::default() });
    assert_eq!(page.total_count, 0, "no seat of a failed batch is stored");
    inputs[3].ip_addr = Some("192.168.8.40".into());
    let ids = f.api.create_vr_clients(&f.admin, inputs).unwrap();
    assert_eq!(ids.len(), 5, "one id per seat, in order");
    let page = list(VrClientQuery { hall_id: Some(hall), ..Default::default() });
    assert_eq!(
        page.item_list.iter().map(|s| s.client_id.clone()).collect::<Vec<_>>(),
        ids,
        "seat order is input order"
    );
    let empty = f.api.create_vr_clients(&f.admin, vec![]);
    assert_eq!(empty.unwrap_err().code(), "invalid", "an empty batch is a mistake");
}

pub fn a_full_batch_of_the_longest_seats_fits_and_one_more_is_refused(f: &Fixture) {
    let (_, hall, _) = site(f, "full", 0);
    let longest = |i: usize| VrClientInput {
        seat_number: Some(format!("{i:0>4}{}", "座".repeat(28))),
        host_model: Some("主".repeat(MAX_TEXT)),
        description: Some("描".repeat(MAX_SEAT_DESCRIPTION)),
        ..seat_input(&hall, "")
    };
    let too_many: Vec<_> = (0..=MAX_BATCH_SEATS).map(longest).collect();
    let err = f.api.create_vr_clients(&f.admin, too_many).unwrap_err();
    assert_eq!(field_of(err), ("invalid".into(), "vrClients".into()), "one seat over the batch limit is refused");
    let full: Vec<_> = (0..MAX_BATCH_SEATS).map(longest).collect();
    let ids = f.api.create_vr_clients(&f.admin, full).expect("a full batch of the longest seats fits, on a server too");
    assert_eq!(ids.len(), MAX_BATCH_SEATS);
    let seat = f.a().get_seat(&ids[999]).unwrap();
    assert_eq!(seat.description.map(|d| d.chars().count()), Some(MAX_SEAT_DESCRIPTION), "nothing was cut");
}

pub fn seat_update_status_and_scene_regeneration(f: &Fixture) {
    let (_, _, seats) = site(f, "up", 1);
    let before = f.a().get_seat(&seats[0]).unwrap();
    let patch = VrClientInput { status: Some("PLAYING".into()), ..Default::default() };
    f.api.update_vr_client(&f.admin, &seats[0], patch).unwrap();
    let after = f.a().get_seat(&seats[0]).unwrap();
    assert_eq!(after.status, SeatStatus::Playing);
    assert_eq!(after.ip_addr, before.ip_addr, "absent fields keep their values");
    let new_scene = f.api.regenerate_scene_number(&f.admin, &seats[0]).unwrap();
    assert_ne!(new_scene, before.scene_number);
    assert_eq!(f.a().get_seat(&seats[0]).unwrap().scene_number, new_scene, "the answer is the stored number");
    assert_eq!(f.cms.vr_client_by_scene(&before.scene_number).unwrap_err().code(), "not_found", "old codes die");
    let move_hall = VrClientInput { hall_id: Some("elsewhere".into()), ..Default::default() };
    assert_eq!(f.api.update_vr_client(&f.admin, &seats[0], move_hall).unwrap_err().field(), Some("hallID"));
    assert_eq!(f.api.regenerate_scene_number(&f.admin, "ghost").unwrap_err().code(), "not_found");
    let err = f.api.update_vr_client(&f.admin, "ghost", VrClientInput::default()).unwrap_err();
    assert_eq!(err.code(), "not_found");
}

pub fn seat_filters(f: &Fixture) {
    let (c1, h1, s1) = site(f, "f1", 4);
    let (_, _, s2) = site(f, "f2", 3);
    let list = |q: VrClientQuery| f.api.list_vr_clients(&f.admin, &q).unwrap();
    assert_eq!(list(VrClientQuery { cinema_id: Some(c1.clone()), ..Default::default() }).total_count, 4);
    let by_hall = list(VrClientQuery { hall_id: Some(h1), ..Default::default() });
    let numbers: Vec<_> = by_hall.item_list.iter().map(|s| s.seat_number.as_str()).collect();
    assert_eq!(numbers, ["A01", "A02", "A03", "A04"], "seats come in seat order");
    let by_ids = list(VrClientQuery { client_ids: vec![s1[0].clone(), s2[2].clone()], ..Default::default() });
    assert_eq!(by_ids.total_count, 2);
    assert_eq!(list(VrClientQuery { status: Some(SeatStatus::Idle), ..Default::default() }).total_count, 0);
    assert_eq!(list(VrClientQuery { status: Some(SeatStatus::ShutDown), ..Default::default() }).total_count, 7);
    let page = list(VrClientQuery { paging: paging(Some(5), Some(5)), ..Default::default() });
    assert_eq!((page.total_count, page.item_list.len()), (7, 2), "seats are paged like everything else");
    f.api.delete_vr_clients(&f.admin, &s1[..2]).unwrap();
    assert_eq!(list(VrClientQuery { cinema_id: Some(c1), ..Default::default() }).total_count, 2);
    let err = f.api.delete_vr_clients(&f.admin, &[s1[2].clone(), "ghost".into()]).unwrap_err();
    assert_eq!(err.code(), "not_found");
    assert!(f.a().get_seat(&s1[2]).is_ok(), "all or nothing");
}

/// Decodes the one QR code of a PNG with a real decoder.
fn decode_png(png: &[u8]) -> String {
    let img = image::load_from_memory(png).expect("a PNG").to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(img);
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1, "exactly one QR code in the image");
    grids[0].decode().expect("the code decodes").1
}

pub fn seat_qr_codes_decode_to_the_template_with_the_scene_number(f: &Fixture) {
    let (_, _, seats) = site(f, "qr", 1);
    let scene = f.a().get_seat(&seats[0]).unwrap().scene_number;
    let qr = |format, size| f.api.seat_qr_code(&f.admin, &seats[0], format, size);
    let png = qr(QrFormat::Png, 256).unwrap();
    assert_eq!(decode_png(&png), format!("cinedesk:seat:{scene}"), "the default payload names the scene");
    let dims = image::load_from_memory(&png).unwrap();
    assert!(dims.width() <= 256 && dims.width() >= 200, "about the asked size: {}", dims.width());
    assert_eq!(f.api.qr_template(&f.admin).unwrap(), DEFAULT_QR_TEMPLATE);
    assert_eq!(f.api.qr_template(&f.manager).unwrap(), DEFAULT_QR_TEMPLATE, "a MANAGER reads the settings");

    let template = "https://wx.example.cn/order?scene={sceneNumber}&src=seat";
    f.api.set_qr_template(&f.admin, template).unwrap();
    assert_eq!(f.api.qr_template(&f.admin).unwrap(), template);
    let png = qr(QrFormat::Png, 300).unwrap();
    assert_eq!(decode_png(&png), format!("https://wx.example.cn/order?scene={scene}&src=seat"));
    let svg = String::from_utf8(qr(QrFormat::Svg, 300).unwrap()).unwrap();
    assert!(svg.starts_with("<?xml") && svg.contains("<svg"), "an SVG document");

    let regenerated = f.api.regenerate_scene_number(&f.admin, &seats[0]).unwrap();
    let png = qr(QrFormat::Png, 300).unwrap();
    assert!(decode_png(&png).contains(&format!("scene={regenerated}&")), "a new scene number means a new code");

    let bad = f.api.set_qr_template(&f.admin, "https://x/no-placeholder").unwrap_err();
    assert_eq!(field_of(bad), ("invalid".into(), "qrUrlTemplate".into()));
    let refused = f.api.set_qr_template(&f.manager, template).unwrap_err();
    assert_eq!(refused.code(), "forbidden", "settings are edited by SYS_ADMIN only");
    assert_eq!(field_of(qr(QrFormat::Png, 10).unwrap_err()), ("invalid".into(), "size".into()));
    assert_eq!(f.api.seat_qr_code(&f.admin, "ghost", QrFormat::Png, 256).unwrap_err().code(), "not_found");
    assert_eq!(QrFormat::parse("gif").unwrap_err().field(), Some("format"));
}

pub fn model_catalogues_are_referenced_by_seats_and_protected_while_used(f: &Fixture) {
    let t = &f.admin;
    let hmd = f
        .api
        .create_hmd_model(
            t,
            HmdModelInput {
                model_code: Some("hmd109".into()),
                name: Some("Pico 4 Ultra".into()),
                vendor: Some("Pico".into()),
                resolution: Some("2160x2160".into()),
                refresh_rate_hz: Some(90),
                field_of_view_deg: Some(105),
                weight_g: Some(580),
                ..Default::default()
            },
        )
        .unwrap();
    let seat_model = f
        .api
        .create_seat_model(
            t,
            SeatModelInput {
                model_code: Some("vr0109".into()),
                name: Some("双人动感座椅".into()),
                degrees_of_freedom: Some(3),
                max_load_kg: Some(120),
                effects: Some(vec!["wind".into(), "VIBRATION".into()]),
                ..Default::default()
            },
        )
        .unwrap();
    let dup = f.api.create_hmd_model(
        t,
        HmdModelInput { model_code: Some("hmd109".into()), name: Some("again".into()), ..Default::default() },
    );
    assert_eq!(field_of(dup.unwrap_err()), ("conflict".into(), "modelCode".into()));
    let bad_dof =
        f.api.update_seat_model(t, &seat_model, SeatModelInput { degrees_of_freedom: Some(4), ..Default::default() });
    assert_eq!(bad_dof.unwrap_err().field(), Some("degreesOfFreedom"));
    let bad_res =
        f.api.update_hmd_model(t, &hmd, HmdModelInput { resolution: Some("big".into()), ..Default::default() });
    assert_eq!(bad_res.unwrap_err().field(), Some("resolution"));
    let models = f.api.list_seat_models(t, &ModelQuery::default()).unwrap();
    assert_eq!(models.item_list[0].effects, ["WIND", "VIBRATION"], "effects are normalised");
    let hmds = f.api.list_hmd_models(&f.manager, &ModelQuery { vendor: Some("pico".into()), ..Default::default() });
    let hmds = hmds.unwrap();
    assert_eq!((hmds.total_count, hmds.item_list[0].refresh_rate_hz), (1, Some(90)), "vendor search ignores case");

    let (_, hall, _) = site(f, "cat", 0);
    let seat = f
        .a()
        .seat(VrClientInput {
            hmd_model: Some("hmd109".into()),
            seat_model: Some("vr0109".into()),
            ..seat_input(&hall, "A1")
        })
        .unwrap();
    let err = f.api.delete_hmd_models(t, std::slice::from_ref(&hmd)).unwrap_err();
    assert_eq!(err.code(), "in_use", "a model used by a seat cannot be deleted");
    f.api.update_hmd_model(t, &hmd, HmdModelInput { model_code: Some("hmd110".into()), ..Default::default() }).unwrap();
    assert_eq!(
        f.a().get_seat(&seat).unwrap().hmd_model.as_deref(),
        Some("hmd110"),
        "renaming a model code follows through to the seats"
    );
    assert_eq!(f.api.delete_seat_models(t, &["ghost".into()]).unwrap_err().code(), "not_found");
    f.api.delete_vr_clients(t, &[seat]).unwrap();
    f.api.delete_hmd_models(t, &[hmd]).unwrap();
    f.api.delete_seat_models(t, &[seat_model]).unwrap();
    assert_eq!(f.api.list_hmd_models(t, &ModelQuery::default()).unwrap().total_count, 0);
}

/// An empty id names no record anywhere; and as for any other id, the session and the role are
/// checked before the id is.
pub fn empty_ids_are_not_found_and_roles_come_first(f: &Fixture) {
    let (t, api) = (&f.admin, &f.api);
    let not_found = |what: &str, r: Result<()>| {
        let err = r.expect_err(what);
        assert!(matches!(err, Error::NotFound { .. }), "{what} with an empty id: {err}");
    };
    not_found("get a cinema", api.get_cinema(t, "").map(drop));
    not_found("update a hall", api.update_hall(t, "", HallInput::default()));
    not_found("get a seat", api.get_vr_client(t, "").map(drop));
    not_found("regenerate a scene", api.regenerate_scene_number(t, "").map(drop));
    not_found("draw a QR code", api.seat_qr_code(t, "", QrFormat::Png, 256).map(drop));
    not_found("praise a film", api.praise_movie(t, "", None).map(drop));
    not_found("distribute a film", api.distribute_movie(t, "", DistributeInput::default()).map(drop));
    not_found("find a film's cinemas", api.movie_cinema_ids(t, "").map(drop));
    not_found("move a task", api.set_vod_task_status(t, "", VodStatus::Accepted));
    not_found("get a user", api.get_user(t, "").map(drop));
    not_found("update a headset", api.update_hmd_model(t, "", HmdModelInput::default()));
    not_found("update a seat model", api.update_seat_model(t, "", SeatModelInput::default()));
    not_found("issue a key", api.create_api_key(t, "").map(drop));
    not_found("list keys", api.list_api_keys(t, "").map(drop));
    not_found("list keys of an unknown cinema", api.list_api_keys(t, "ghost").map(drop));
    not_found("revoke a key", api.revoke_api_key(t, "", "ck_x"));
    not_found("revoke an empty key", api.revoke_api_key(t, "ghost", ""));
    not_found("delete a value", api.delete_enum_value(t, EnumKind::MovieCountry, ""));
    let empty = EnumValue { id: "".into(), name: "x".into(), is_default: false };
    assert_eq!(api.put_enum_value(t, EnumKind::MovieCountry, empty.clone()).unwrap_err().field(), Some("id"));

    let forbidden = |what: &str, r: Result<()>| {
        let err = r.expect_err(what);
        assert!(matches!(err, Error::Forbidden(_)), "a MANAGER is refused {what} before the id is read: {err}");
    };
    let m = &f.manager;
    forbidden("a user", api.get_user(m, "").map(drop));
    forbidden("keys", api.list_api_keys(m, "").map(drop));
    forbidden("a key", api.revoke_api_key(m, "", ""));
    forbidden("an enumeration", api.put_enum_value(m, EnumKind::MovieCountry, empty));
    forbidden("an enumeration", api.delete_enum_value(m, EnumKind::MovieCountry, ""));
    let err = api.get_cinema("garbage", "").unwrap_err();
    assert!(matches!(err, Error::Unauthorized), "no session, no answer about ids: {err}");
}
