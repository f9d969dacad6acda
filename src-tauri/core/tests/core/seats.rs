//! Seats (seed §3): shapes, scene numbers, validation, batches, updates, filters, and their QR codes with the settings' template.

use std::collections::HashSet;

use cinedesk_core::*;

use super::{field_of, hall_input, paging, seat_input, site, spawn_app, spawn_with_admin};
use cinedesk_testkit::qr::png_codes;

#[test]
fn a_seat_answers_every_seed_field_with_its_cinema_taken_from_its_hall() {
    let (app, admin) = spawn_with_admin();
    let (cinema, _, seats) = site(&app.cms, &admin, "s", 1);
    let seat = app.cms.get_vr_client(&admin, &seats[0]).unwrap();
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
}

#[test]
fn every_seat_gets_its_own_scene_number_which_finds_it() {
    let (app, admin) = spawn_with_admin();
    let (_, _, seats) = site(&app.cms, &admin, "s", 3);
    let scenes: HashSet<String> =
        seats.iter().map(|s| app.cms.get_vr_client(&admin, s).unwrap().scene_number).collect();
    assert_eq!(scenes.len(), 3, "every seat gets its own scene number");
    assert!(scenes.iter().all(|s| s.len() <= MAX_SCENE));
    let first = app.cms.get_vr_client(&admin, &seats[0]).unwrap();
    assert_eq!(app.cms.vr_client_by_scene(&admin, &first.scene_number).unwrap().client_id, seats[0]);
}

#[test]
fn seat_numbers_are_unique_within_a_hall_and_scene_numbers_everywhere() {
    let (app, admin) = spawn_with_admin();
    let (cinema, hall, seats) = site(&app.cms, &admin, "s", 1);
    let dup = app.cms.create_vr_client(&admin, seat_input(&hall, "A01")).unwrap_err();
    assert_eq!(field_of(dup), ("conflict".into(), "seatNumber".into()), "seat numbers are unique in a hall");
    let other_hall = app.cms.create_hall(&admin, hall_input(&cinema, "s_h2")).unwrap();
    app.cms.create_vr_client(&admin, seat_input(&other_hall, "A01")).expect("the same number in another hall");
    let scene = app.cms.get_vr_client(&admin, &seats[0]).unwrap().scene_number;
    let taken = VrClientInput { scene_number: Some(scene), ..seat_input(&other_hall, "A02") };
    let err = app.cms.create_vr_client(&admin, taken).unwrap_err();
    assert_eq!(field_of(err), ("conflict".into(), "sceneNumber".into()));
}

#[test]
fn each_invalid_seat_field_is_named() {
    let (app, admin) = spawn_with_admin();
    let (_, hall, _) = site(&app.cms, &admin, "v", 0);
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
        let err = app.cms.create_vr_client(&admin, input).expect_err(field);
        assert_eq!(field_of(err), ("invalid".into(), field.into()), "the error must name {field}");
    }
}

#[test]
fn a_seat_description_may_be_265_characters() {
    let (app, admin) = spawn_with_admin();
    let (_, hall, _) = site(&app.cms, &admin, "v", 0);
    let ok = VrClientInput { description: Some("描".repeat(265)), ..seat_input(&hall, "1") };
    app.cms.create_vr_client(&admin, ok).expect("seat descriptions may be 265 characters");
}

#[test]
fn a_seat_batch_with_one_bad_seat_stores_none_and_names_it() {
    let (app, admin) = spawn_with_admin();
    let (_, hall, _) = site(&app.cms, &admin, "bulk", 0);
    let mut inputs: Vec<_> = (1..=5).map(|i| seat_input(&hall, &format!("B{i}"))).collect();
    inputs[3].ip_addr = Some("bad".into());
    let err = app.cms.create_vr_clients(&admin, inputs).unwrap_err();
    assert!(err.to_string().contains("seat 4"), "the error says which seat of the batch: {err}");
    assert_eq!(err.code(), "invalid");
    let page = app.cms.list_vr_clients(&admin, &VrClientQuery { hall_id: Some(hall), ..Default::default() });
    assert_eq!(page.unwrap().total_count, 0, "no seat of a failed batch is stored");
}

#[test]
fn a_seat_batch_answers_one_id_per_seat_in_input_order() {
    let (app, admin) = spawn_with_admin();
    let (_, hall, _) = site(&app.cms, &admin, "bulk", 0);
    let inputs: Vec<_> = (1..=5).map(|i| seat_input(&hall, &format!("B{i}"))).collect();
    let ids = app.cms.create_vr_clients(&admin, inputs).unwrap();
    assert_eq!(ids.len(), 5, "one id per seat, in order");
    let page = app.cms.list_vr_clients(&admin, &VrClientQuery { hall_id: Some(hall), ..Default::default() });
    let listed: Vec<_> = page.unwrap().item_list.into_iter().map(|s| s.client_id).collect();
    assert_eq!(listed, ids, "seat order is input order");
    assert_eq!(app.cms.create_vr_clients(&admin, vec![]).unwrap_err().code(), "invalid", "an empty batch is a mistake");
}

/// The longest seat the rules allow, numbered `i`.
fn longest(hall: &str, i: usize) -> VrClientInput {
    VrClientInput {
        seat_number: Some(format!("{i:0>4}{}", "座".repeat(28))),
        host_model: Some("主".repeat(MAX_TEXT)),
        description: Some("描".repeat(MAX_SEAT_DESCRIPTION)),
        ..seat_input(hall, "")
    }
}

#[test]
fn a_full_batch_of_the_longest_seats_fits_and_one_more_is_refused() {
    let (app, admin) = spawn_with_admin();
    let (_, hall, _) = site(&app.cms, &admin, "full", 0);
    let too_many: Vec<_> = (0..=MAX_BATCH_SEATS).map(|i| longest(&hall, i)).collect();
    let err = app.cms.create_vr_clients(&admin, too_many).unwrap_err();
    assert_eq!(field_of(err), ("invalid".into(), "vrClients".into()), "one seat over the batch limit is refused");
    let full: Vec<_> = (0..MAX_BATCH_SEATS).map(|i| longest(&hall, i)).collect();
    let ids = app.cms.create_vr_clients(&admin, full).expect("a full batch of the longest seats fits");
    assert_eq!(ids.len(), MAX_BATCH_SEATS);
    let seat = app.cms.get_vr_client(&admin, &ids[MAX_BATCH_SEATS - 1]).unwrap();
    assert_eq!(seat.description.map(|d| d.chars().count()), Some(MAX_SEAT_DESCRIPTION), "nothing was cut");
}

#[test]
fn a_seat_update_sets_the_status_and_keeps_absent_fields() {
    let (app, admin) = spawn_with_admin();
    let (_, _, seats) = site(&app.cms, &admin, "up", 1);
    let before = app.cms.get_vr_client(&admin, &seats[0]).unwrap();
    let patch = VrClientInput { status: Some("PLAYING".into()), ..Default::default() };
    app.cms.update_vr_client(&admin, &seats[0], patch).unwrap();
    let after = app.cms.get_vr_client(&admin, &seats[0]).unwrap();
    assert_eq!(after.status, SeatStatus::Playing);
    assert_eq!(after.ip_addr, before.ip_addr, "absent fields keep their values");
    let move_hall = VrClientInput { hall_id: Some("elsewhere".into()), ..Default::default() };
    let err = app.cms.update_vr_client(&admin, &seats[0], move_hall).unwrap_err();
    assert_eq!(err.field(), Some("hallID"), "a seat does not change halls");
}

#[test]
fn a_regenerated_scene_number_is_stored_and_the_old_one_finds_nothing() {
    let (app, admin) = spawn_with_admin();
    let (_, _, seats) = site(&app.cms, &admin, "re", 1);
    let old = app.cms.get_vr_client(&admin, &seats[0]).unwrap();
    let new = app.cms.regenerate_scene_number(&admin, &seats[0]).unwrap();
    assert_ne!((&new.scene_number, &new.qr_token), (&old.scene_number, &old.qr_token), "both are new");
    let stored = app.cms.get_vr_client(&admin, &seats[0]).unwrap();
    assert_eq!(
        (stored.scene_number, stored.qr_token),
        (new.scene_number, new.qr_token),
        "the answer is what is stored"
    );
    let err = app.cms.vr_client_by_scene(&admin, &old.scene_number).unwrap_err();
    assert_eq!(err.code(), "not_found", "old codes die");
    assert_eq!(app.cms.seat_by_qr_token(&old.qr_token).unwrap_err().code(), "not_found", "with their token");
}

#[test]
fn unknown_seats_are_not_found_on_update_and_regeneration() {
    let (app, admin) = spawn_with_admin();
    assert_eq!(app.cms.regenerate_scene_number(&admin, "ghost").unwrap_err().code(), "not_found");
    let err = app.cms.update_vr_client(&admin, "ghost", VrClientInput::default()).unwrap_err();
    assert_eq!(err.code(), "not_found");
}

#[test]
fn seats_are_filtered_by_cinema_hall_ids_and_status_in_seat_order() {
    let (app, admin) = spawn_with_admin();
    let (c1, h1, s1) = site(&app.cms, &admin, "f1", 4);
    let (_, _, s2) = site(&app.cms, &admin, "f2", 3);
    let list = |q: VrClientQuery| app.cms.list_vr_clients(&admin, &q).unwrap();
    assert_eq!(list(VrClientQuery { cinema_id: Some(c1), ..Default::default() }).total_count, 4);
    let by_hall = list(VrClientQuery { hall_id: Some(h1), ..Default::default() });
    let numbers: Vec<_> = by_hall.item_list.iter().map(|s| s.seat_number.as_str()).collect();
    assert_eq!(numbers, ["A01", "A02", "A03", "A04"], "seats come in seat order");
    let by_ids = list(VrClientQuery { client_ids: vec![s1[0].clone(), s2[2].clone()], ..Default::default() });
    assert_eq!(by_ids.total_count, 2);
    assert_eq!(list(VrClientQuery { status: Some(SeatStatus::Idle), ..Default::default() }).total_count, 0);
    assert_eq!(list(VrClientQuery { status: Some(SeatStatus::ShutDown), ..Default::default() }).total_count, 7);
    let page = list(VrClientQuery { paging: paging(Some(5), Some(5)), ..Default::default() });
    assert_eq!((page.total_count, page.item_list.len()), (7, 2), "seats are paged like everything else");
}

#[test]
fn a_seat_batch_delete_is_all_or_nothing() {
    let (app, admin) = spawn_with_admin();
    let (c1, _, s1) = site(&app.cms, &admin, "d1", 4);
    app.cms.delete_vr_clients(&admin, &s1[..2]).unwrap();
    let left = app.cms.list_vr_clients(&admin, &VrClientQuery { cinema_id: Some(c1), ..Default::default() });
    assert_eq!(left.unwrap().total_count, 2);
    let err = app.cms.delete_vr_clients(&admin, &[s1[2].clone(), "ghost".into()]).unwrap_err();
    assert_eq!(err.code(), "not_found");
    assert!(app.cms.get_vr_client(&admin, &s1[2]).is_ok(), "all or nothing");
}

#[test]
fn a_seat_code_decodes_to_the_default_payload_at_about_the_asked_size() {
    let (app, admin) = spawn_with_admin();
    let (_, _, seats) = site(&app.cms, &admin, "qr", 1);
    let seat = app.cms.get_vr_client(&admin, &seats[0]).unwrap();
    let png = app.cms.seat_qr_code(&admin, &seats[0], QrFormat::Png, 256).unwrap();
    let expected = format!("cinedesk:seat:{}:{}", seat.scene_number, seat.qr_token);
    assert_eq!(png_codes(&png), [expected], "the default payload names the scene and the token");
    let width = image::load_from_memory(&png).unwrap().width();
    assert!((200..=256).contains(&width), "about the asked size: {width}");
    let svg = String::from_utf8(app.cms.seat_qr_code(&admin, &seats[0], QrFormat::Svg, 300).unwrap()).unwrap();
    assert!(svg.starts_with("<?xml") && svg.contains("<svg"), "an SVG document");
}

#[test]
fn a_new_qr_template_changes_every_code_and_follows_new_scene_numbers() {
    let (app, admin) = spawn_with_admin();
    let (_, _, seats) = site(&app.cms, &admin, "qt", 1);
    let template = "https://wx.example.cn/order?scene={sceneNumber}&t={qrToken}&src=seat";
    app.cms.set_qr_template(&admin, template).unwrap();
    assert_eq!(app.cms.qr_template(&admin).unwrap(), template);
    let seat = app.cms.get_vr_client(&admin, &seats[0]).unwrap();
    let png = app.cms.seat_qr_code(&admin, &seats[0], QrFormat::Png, 300).unwrap();
    let expected = format!("https://wx.example.cn/order?scene={}&t={}&src=seat", seat.scene_number, seat.qr_token);
    assert_eq!(png_codes(&png), [expected]);
    let regenerated = app.cms.regenerate_scene_number(&admin, &seats[0]).unwrap();
    let png = app.cms.seat_qr_code(&admin, &seats[0], QrFormat::Png, 300).unwrap();
    let code = format!("scene={}&t={}&", regenerated.scene_number, regenerated.qr_token);
    assert!(png_codes(&png)[0].contains(&code), "a new scene number and token, a new code");
}

#[test]
fn the_qr_template_starts_as_the_default_and_needs_its_placeholders_once() {
    let app = spawn_app();
    assert_eq!(app.cms.qr_template(&Actor::System).unwrap(), DEFAULT_QR_TEMPLATE);
    for bad in
        ["https://x/no-placeholder", "https://x/{sceneNumber}", "https://x/{qrToken}", "x:{sceneNumber}{qrToken}"]
    {
        let err = app.cms.set_qr_template(&Actor::System, bad).unwrap_err();
        assert_eq!(field_of(err), ("invalid".into(), "qrUrlTemplate".into()), "{bad}");
    }
}

#[test]
fn odd_code_sizes_formats_and_unknown_seats_are_refused() {
    let (app, admin) = spawn_with_admin();
    let (_, _, seats) = site(&app.cms, &admin, "qe", 1);
    let tiny = app.cms.seat_qr_code(&admin, &seats[0], QrFormat::Png, 10).unwrap_err();
    assert_eq!(field_of(tiny), ("invalid".into(), "size".into()));
    assert_eq!(app.cms.seat_qr_code(&admin, "ghost", QrFormat::Png, 256).unwrap_err().code(), "not_found");
    assert_eq!(QrFormat::parse("gif").unwrap_err().field(), Some("format"));
}
