//! Cinemas (seed §1) and halls (seed §2): shapes, validation, conflicts, patches, filters, paging, deletion.

use cinedesk_core::*;

use super::{cinema_input, distribute, field_of, hall_input, movie_input, paging, site, spawn_with_admin, App};

/// Every cinema, as the first page of the largest size shows them.
fn all_cinemas(app: &App, by: &Actor) -> Page<Cinema> {
    let q = CinemaQuery { paging: paging(None, Some(MAX_LIMIT)), ..Default::default() };
    app.cms.list_cinemas(by, &q).expect("list cinemas")
}

#[test]
fn a_cinema_answers_every_seed_field_under_an_opaque_id() {
    let (app, admin) = spawn_with_admin();
    let id = app.cms.create_cinema(&admin, cinema_input("huabeiqu_cinema_0001")).unwrap();
    assert_eq!(id.len(), 24, "ids are opaque 24-character strings like the seed's");
    let json = serde_json::to_value(app.cms.get_cinema(&admin, &id).unwrap()).unwrap();
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
    assert_eq!(json["name"], "X立方 huabeiqu_cinema_0001", "Chinese text survives the trip");
    assert_eq!(json["comsLastSeen"], serde_json::Value::Null, "a COMS that never polled has no last-seen time");
    assert_eq!(app.cms.get_cinema(&admin, "ghost").unwrap_err().code(), "not_found");
}

#[test]
fn each_invalid_cinema_field_is_named_and_nothing_is_stored() {
    let (app, admin) = spawn_with_admin();
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
        let err = app.cms.create_cinema(&admin, input).expect_err(field);
        assert_eq!(field_of(err), ("invalid".into(), field.into()), "the error must name {field}");
    }
    assert_eq!(all_cinemas(&app, &admin).total_count, 0, "no invalid cinema was stored");
}

#[test]
fn cinema_text_limits_count_characters_not_bytes() {
    let (app, admin) = spawn_with_admin();
    let name = CinemaInput { name: Some("影".repeat(256)), ..cinema_input("x") };
    app.cms.create_cinema(&admin, name).expect("256 Chinese characters are within the limit");
}

#[test]
fn a_taken_cinema_code_is_a_conflict_on_create_and_on_rename() {
    let (app, admin) = spawn_with_admin();
    app.cms.create_cinema(&admin, cinema_input("dup")).unwrap();
    let err = app.cms.create_cinema(&admin, cinema_input("dup")).unwrap_err();
    assert_eq!(field_of(err), ("conflict".into(), "cinemaCode".into()));
    let other = app.cms.create_cinema(&admin, cinema_input("other")).unwrap();
    let rename = CinemaInput { cinema_code: Some("dup".into()), ..Default::default() };
    let err = app.cms.update_cinema(&admin, &other, rename).unwrap_err();
    assert_eq!(err.code(), "conflict", "renaming onto a taken code is a conflict too");
    assert!(matches!(&err, Error::Conflict { value, .. } if value == "dup"), "the conflict names the value: {err}");
}

#[test]
fn a_cinema_update_keeps_absent_fields_and_clears_empty_ones() {
    let (app, admin) = spawn_with_admin();
    let id = app.cms.create_cinema(&admin, cinema_input("upd")).unwrap();
    let patch = CinemaInput { name: Some("新名字".into()), coms_ip_addr: Some("".into()), ..Default::default() };
    app.cms.update_cinema(&admin, &id, patch).unwrap();
    let c = app.cms.get_cinema(&admin, &id).unwrap();
    assert_eq!(c.name, "新名字");
    assert_eq!(c.coms_ip_addr, None, "an empty string clears an optional field");
    assert_eq!(c.coms_mac_addr.as_deref(), Some("ef:23:7e:cc:8a:01"), "absent fields keep their value");
}

#[test]
fn updating_an_unknown_cinema_names_it() {
    let (app, admin) = spawn_with_admin();
    let err = app.cms.update_cinema(&admin, "nope", CinemaInput::default()).unwrap_err();
    assert!(matches!(&err, Error::NotFound { entity: Entity::Cinema, id } if id == "nope"), "names what: {err}");
}

/// 25 cinemas `c00`..`c24`, every fifth in Beijing; their ids in code order.
fn twenty_five(app: &App, admin: &Actor) -> Vec<String> {
    (0..25)
        .map(|i| {
            let mut input = cinema_input(&format!("c{i:02}"));
            if i % 5 == 0 {
                input.region_id = Some("BEIJING".into());
            }
            app.cms.create_cinema(admin, input).unwrap()
        })
        .collect()
}

#[test]
fn cinemas_come_in_code_order_twenty_a_page() {
    let (app, admin) = spawn_with_admin();
    twenty_five(&app, &admin);
    let list = |q: CinemaQuery| app.cms.list_cinemas(&admin, &q).unwrap();
    let first = list(CinemaQuery::default());
    assert_eq!((first.total_count, first.item_list.len()), (25, 20), "default page is start 0, limit 20");
    let codes: Vec<_> = first.item_list.iter().map(|c| c.cinema_code.as_str()).collect();
    assert_eq!(codes[..3], ["c00", "c01", "c02"], "cinemas come in code order");
    assert_eq!(list(CinemaQuery { paging: paging(Some(20), None), ..Default::default() }).item_list.len(), 5);
    let beyond = list(CinemaQuery { paging: paging(Some(100), None), ..Default::default() });
    assert_eq!((beyond.total_count, beyond.item_list.len()), (25, 0), "past the end: an empty page, the same total");
}

#[test]
fn cinemas_are_filtered_by_region_ids_code_and_part_of_the_name() {
    let (app, admin) = spawn_with_admin();
    let ids = twenty_five(&app, &admin);
    let list = |q: CinemaQuery| app.cms.list_cinemas(&admin, &q).unwrap();
    let beijing = list(CinemaQuery { region_id: Some("BEIJING".into()), ..Default::default() });
    assert_eq!(beijing.total_count, 5);
    assert!(beijing.item_list.iter().all(|c| c.region_id == "BEIJING"));
    let picked = list(CinemaQuery { cinema_ids: vec![ids[3].clone(), ids[7].clone()], ..Default::default() });
    assert_eq!(picked.total_count, 2, "repeated cinema_id values select several");
    let by_code = list(CinemaQuery { cinema_code: Some("c13".into()), ..Default::default() });
    assert_eq!(by_code.item_list[0].cinema_id, ids[13]);
    let fuzzy = list(CinemaQuery { name: Some("c1".into()), ..Default::default() });
    assert_eq!(fuzzy.total_count, 10, "name matches substrings: c10..c19");
}

#[test]
fn a_wildcard_in_a_name_search_is_literal_and_a_blank_filter_is_none() {
    let (app, admin) = spawn_with_admin();
    twenty_five(&app, &admin);
    let list = |q: CinemaQuery| app.cms.list_cinemas(&admin, &q).unwrap();
    assert_eq!(list(CinemaQuery { name: Some("%".into()), ..Default::default() }).total_count, 0);
    let blank = list(CinemaQuery { region_id: Some(" ".into()), cinema_code: Some("".into()), ..Default::default() });
    assert_eq!(blank.total_count, 25, "a blank filter is no filter, as an empty form field on the wire");
}

#[test]
fn a_page_over_the_limit_or_of_no_size_is_refused() {
    let (app, admin) = spawn_with_admin();
    assert_eq!(Paging::new(None, Some(0)).unwrap_err().field(), Some("limit"));
    assert_eq!(Paging::new(None, Some(MAX_LIMIT + 1)).unwrap_err().field(), Some("limit"));
    for limit in [MAX_LIMIT + 1, 0] {
        let q = CinemaQuery { paging: Paging { start: 0, limit }, ..Default::default() };
        let err = app.cms.list_cinemas(&admin, &q).unwrap_err();
        assert_eq!(field_of(err), ("invalid".into(), "limit".into()), "a page of {limit} is refused");
    }
}

#[test]
fn the_deletion_impact_names_everything_that_goes_with_a_cinema() {
    let (app, admin) = spawn_with_admin();
    let (cinema, _, _) = site(&app.cms, &admin, "gone", 3);
    let (keep, _, _) = site(&app.cms, &admin, "kept", 2);
    let movie = app.cms.create_movie(&admin, movie_input("m1")).unwrap();
    distribute(&app.cms, &admin, &movie, &[&cinema, &keep]).unwrap();
    let impact = app.cms.cinema_deletion_impact(&admin, std::slice::from_ref(&cinema)).unwrap();
    let expected = CinemaDeletionImpact { cinemas: 1, halls: 1, vr_clients: 3, distributions: 1, pending_messages: 1 };
    assert_eq!(impact, expected);
}

#[test]
fn deleting_a_cinema_takes_its_halls_seats_distributions_and_queue() {
    let (app, admin) = spawn_with_admin();
    let (cinema, hall, seats) = site(&app.cms, &admin, "gone", 3);
    let (keep, _, kept_seats) = site(&app.cms, &admin, "kept", 2);
    let movie = app.cms.create_movie(&admin, movie_input("m1")).unwrap();
    distribute(&app.cms, &admin, &movie, &[&cinema, &keep]).unwrap();
    app.cms.delete_cinemas(&admin, std::slice::from_ref(&cinema)).unwrap();
    assert_eq!(app.cms.get_hall(&admin, &hall).unwrap_err().code(), "not_found");
    assert_eq!(app.cms.get_vr_client(&admin, &seats[0]).unwrap_err().code(), "not_found");
    assert_eq!(app.cms.movie_cinema_ids(&admin, &movie).unwrap(), vec![keep.clone()]);
    assert!(app.cms.get_vr_client(&admin, &kept_seats[0]).is_ok(), "other cinemas are untouched");
    let queue = app.cms.pending_message_count(&admin, &cinema).unwrap_err();
    assert_eq!(queue.code(), "not_found", "the cinema's COMS queue went with it");
    app.cms.integrity_check().unwrap();
}

#[test]
fn a_cinema_batch_delete_naming_an_unknown_id_deletes_nothing() {
    let (app, admin) = spawn_with_admin();
    let a = app.cms.create_cinema(&admin, cinema_input("a")).unwrap();
    let err = app.cms.delete_cinemas(&admin, &[a.clone(), "missing".into()]).unwrap_err();
    assert_eq!(err.code(), "not_found");
    assert!(err.to_string().contains("missing"), "the error names the unknown id: {err}");
    assert!(app.cms.get_cinema(&admin, &a).is_ok(), "all or nothing: the known cinema is still there");
}

#[test]
fn an_empty_cinema_batch_and_the_impact_of_unknown_cinemas_are_refused() {
    let (app, admin) = spawn_with_admin();
    assert_eq!(app.cms.delete_cinemas(&admin, &[]).unwrap_err().code(), "invalid", "an empty batch is a mistake");
    let err = app.cms.cinema_deletion_impact(&admin, &["missing".into()]).unwrap_err();
    assert_eq!(err.code(), "not_found", "the impact of deleting nothing known is refused too");
}

#[test]
fn a_hall_answers_every_seed_field_and_belongs_to_an_existing_cinema() {
    let (app, admin) = spawn_with_admin();
    let err = app.cms.create_hall(&admin, hall_input("nowhere", "h")).unwrap_err();
    assert_eq!(field_of(err), ("invalid".into(), "cinemaID".into()));
    let (cinema, hall, _) = site(&app.cms, &admin, "hc", 2);
    let h = app.cms.get_hall(&admin, &hall).unwrap();
    assert_eq!((h.cinema_id.as_str(), h.number_of_seats), (cinema.as_str(), 10));
    let json = serde_json::to_value(&h).unwrap();
    for key in ["hallID", "hallCode", "name", "cinemaID", "numberOfSeats"] {
        assert!(json.get(key).is_some(), "hall JSON must carry {key}: {json}");
    }
}

#[test]
fn hall_codes_are_unique_and_a_hall_needs_its_number_of_seats() {
    let (app, admin) = spawn_with_admin();
    let (cinema, _, _) = site(&app.cms, &admin, "hc", 0);
    let dup = app.cms.create_hall(&admin, hall_input(&cinema, "hc_h1")).unwrap_err();
    assert_eq!(field_of(dup), ("conflict".into(), "hallCode".into()));
    let missing_seats = HallInput { number_of_seats: None, ..hall_input(&cinema, "x") };
    assert_eq!(app.cms.create_hall(&admin, missing_seats).unwrap_err().field(), Some("numberOfSeats"));
}

#[test]
fn halls_are_filtered_by_cinema_code_and_ids() {
    let (app, admin) = spawn_with_admin();
    let (cinema, hall, _) = site(&app.cms, &admin, "hc", 0);
    site(&app.cms, &admin, "other", 0);
    let list = |q: HallQuery| app.cms.list_halls(&admin, &q).unwrap();
    assert_eq!(list(HallQuery { cinema_id: Some(cinema), ..Default::default() }).total_count, 1);
    let by_code = list(HallQuery { hall_code: Some("hc_h1".into()), ..Default::default() });
    assert_eq!(by_code.item_list[0].hall_id, hall);
    assert_eq!(list(HallQuery { hall_ids: vec![hall.clone()], ..Default::default() }).total_count, 1);
}

#[test]
fn deleting_a_hall_takes_its_seats() {
    let (app, admin) = spawn_with_admin();
    let (_, hall, seats) = site(&app.cms, &admin, "hd", 2);
    assert_eq!(app.cms.delete_halls(&admin, &["ghost".into()]).unwrap_err().code(), "not_found");
    app.cms.delete_halls(&admin, std::slice::from_ref(&hall)).unwrap();
    assert_eq!(app.cms.get_vr_client(&admin, &seats[1]).unwrap_err().code(), "not_found", "seats go with their hall");
}

#[test]
fn moving_a_hall_moves_its_seats_to_the_new_cinema() {
    let (app, admin) = spawn_with_admin();
    let (_, hall, seats) = site(&app.cms, &admin, "from", 2);
    let to = app.cms.create_cinema(&admin, cinema_input("to")).unwrap();
    app.cms.update_hall(&admin, &hall, HallInput { cinema_id: Some(to.clone()), ..Default::default() }).unwrap();
    assert_eq!(app.cms.get_vr_client(&admin, &seats[0]).unwrap().cinema_id, to, "a seat's cinemaID follows its hall");
}

#[test]
fn a_hall_cannot_move_to_an_unknown_cinema_and_an_unknown_hall_is_not_found() {
    let (app, admin) = spawn_with_admin();
    let (_, hall, _) = site(&app.cms, &admin, "from", 0);
    let ghost = HallInput { cinema_id: Some("ghost".into()), ..Default::default() };
    let err = app.cms.update_hall(&admin, &hall, ghost).unwrap_err();
    assert_eq!(field_of(err), ("invalid".into(), "cinemaID".into()));
    assert_eq!(app.cms.update_hall(&admin, "ghost", HallInput::default()).unwrap_err().code(), "not_found");
}
