//! Cinemas (seed §1) and halls (seed §2): shapes, validation, conflicts, patches, filters, paging, deletion.

use cinedesk_core::*;

use crate::harness::*;

pub fn cinema_round_trip_has_every_seed_field(f: &Fixture) {
    let id = f.a().cinema(cinema_input("huabeiqu_cinema_0001")).unwrap();
    assert_eq!(id.len(), 24, "ids are opaque 24-character strings like the seed's");
    let c = f.api.get_cinema(&f.admin, &id).unwrap();
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
    assert_eq!(json["name"], "X立方 huabeiqu_cinema_0001", "Chinese text survives the trip");
    assert_eq!(json["comsLastSeen"], serde_json::Value::Null, "a COMS that never polled has no last-seen time");
    f.cms.mark_coms_seen(&id).unwrap();
    assert!(f.api.get_cinema(&f.admin, &id).unwrap().coms_last_seen.is_some(), "a COMS poll shows in the cinema");
    assert_eq!(f.api.get_cinema(&f.admin, "ghost").unwrap_err().code(), "not_found");
}

pub fn cinema_validation_names_the_field(f: &Fixture) {
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
        let err = f.a().cinema(input).expect_err(field);
        assert_eq!(field_of(err), ("invalid".into(), field.into()), "the error must name {field}");
    }
    assert_eq!(all_cinemas(f).total_count, 0, "no invalid cinema was stored");
    // 256 Chinese characters are within the limit: lengths count characters, not bytes.
    f.a().cinema(CinemaInput { name: Some("影".repeat(256)), ..cinema_input("x") }).unwrap();
}

pub fn duplicate_cinema_code_is_a_conflict(f: &Fixture) {
    f.a().cinema(cinema_input("dup")).unwrap();
    let err = f.a().cinema(cinema_input("dup")).unwrap_err();
    assert_eq!(field_of(err), ("conflict".into(), "cinemaCode".into()));
    let other = f.a().cinema(cinema_input("other")).unwrap();
    let err =
        f.api.update_cinema(&f.admin, &other, CinemaInput { cinema_code: Some("dup".into()), ..Default::default() });
    let err = err.unwrap_err();
    assert_eq!(err.code(), "conflict", "renaming onto a taken code is a conflict too");
    assert!(matches!(&err, Error::Conflict { value, .. } if value == "dup"), "the conflict names the value: {err}");
}

pub fn cinema_update_keeps_absent_fields_and_clears_empty_ones(f: &Fixture) {
    let id = f.a().cinema(cinema_input("upd")).unwrap();
    let patch = CinemaInput { name: Some("新名字".into()), coms_ip_addr: Some("".into()), ..Default::default() };
    f.api.update_cinema(&f.admin, &id, patch).unwrap();
    let c = f.api.get_cinema(&f.admin, &id).unwrap();
    assert_eq!(c.name, "新名字");
    assert_eq!(c.coms_ip_addr, None, "an empty string clears an optional field");
    assert_eq!(c.coms_mac_addr.as_deref(), Some("ef:23:7e:cc:8a:01"), "absent fields keep their value");
    let err = f.api.update_cinema(&f.admin, "nope", CinemaInput::default()).unwrap_err();
    assert!(matches!(&err, Error::NotFound { entity: Entity::Cinema, id } if id == "nope"), "names what: {err}");
}

pub fn cinema_filters_and_paging(f: &Fixture) {
    let mut ids = vec![];
    for i in 0..25 {
        let mut input = cinema_input(&format!("c{i:02}"));
        if i % 5 == 0 {
            input.region_id = Some("BEIJING".into());
        }
        ids.push(f.a().cinema(input).unwrap());
    }
    let list = |q: CinemaQuery| f.api.list_cinemas(&f.admin, &q);
    let default = list(CinemaQuery::default()).unwrap();
    assert_eq!((default.total_count, default.item_list.len()), (25, 20), "default page is start 0, limit 20");
    let codes: Vec<_> = default.item_list.iter().map(|c| c.cinema_code.as_str()).collect();
    assert_eq!(codes[..3], ["c00", "c01", "c02"], "cinemas come in code order");
    let second = list(CinemaQuery { paging: paging(Some(20), None), ..Default::default() });
    assert_eq!(second.unwrap().item_list.len(), 5);
    let beyond = list(CinemaQuery { paging: paging(Some(100), None), ..Default::default() }).unwrap();
    assert_eq!((beyond.total_count, beyond.item_list.len()), (25, 0), "past the end: an empty page, the same total");
    let beijing = list(CinemaQuery { region_id: Some("BEIJING".into()), ..Default::default() }).unwrap();
    assert_eq!(beijing.total_count, 5);
    assert!(beijing.item_list.iter().all(|c| c.region_id == "BEIJING"));
    let picked = list(CinemaQuery { cinema_ids: vec![ids[3].clone(), ids[7].clone()], ..Default::default() });
    assert_eq!(picked.unwrap().total_count, 2, "repeated cinema_id values select several");
    let by_code = list(CinemaQuery { cinema_code: Some("c13".into()), ..Default::default() }).unwrap();
    assert_eq!(by_code.item_list[0].cinema_id, ids[13]);
    let fuzzy = list(CinemaQuery { name: Some("c1".into()), ..Default::default() }).unwrap();
    assert_eq!(fuzzy.total_count, 10, "name matches substrings: c10..c19");
    let wildcard = list(CinemaQuery { name: Some("%".into()), ..Default::default() }).unwrap();
    assert_eq!(wildcard.total_count, 0, "LIKE wildcards in the search are literal");
    let blank = list(CinemaQuery { region_id: Some(" ".into()), cinema_code: Some("".into()), ..Default::default() });
    assert_eq!(blank.unwrap().total_count, 25, "a blank filter is no filter, as an empty form field on the wire");
    assert_eq!(Paging::new(None, Some(0)).unwrap_err().field(), Some("limit"));
    assert_eq!(Paging::new(None, Some(MAX_LIMIT + 1)).unwrap_err().field(), Some("limit"));
    let huge = list(CinemaQuery { paging: Paging { start: 0, limit: MAX_LIMIT + 1 }, ..Default::default() });
    assert_eq!(field_of(huge.unwrap_err()), ("invalid".into(), "limit".into()), "a page over MAX_LIMIT is refused");
    let zero = list(CinemaQuery { paging: Paging { start: 0, limit: 0 }, ..Default::default() });
    assert_eq!(field_of(zero.unwrap_err()), ("invalid".into(), "limit".into()), "an empty page size is refused");
}

pub fn deleting_a_cinema_takes_halls_seats_distributions_and_queue_with_it(f: &Fixture) {
    let (cinema, hall, seats) = site(f, "gone", 3);
    let (keep, _, kept_seats) = site(f, "kept", 2);
    let movie = f.a().movie(movie_input("m1")).unwrap();
    f.a().distribute(&movie, &[&cinema, &keep]).unwrap();
    let impact = f.api.cinema_deletion_impact(&f.admin, std::slice::from_ref(&cinema)).unwrap();
    assert_eq!(
        impact,
        CinemaDeletionImpact { cinemas: 1, halls: 1, vr_clients: 3, distributions: 1, pending_messages: 1 },
        "the impact names everything that goes with the cinema"
    );
    f.api.delete_cinemas(&f.admin, std::slice::from_ref(&cinema)).unwrap();
    assert_eq!(f.api.get_hall(&f.admin, &hall).unwrap_err().code(), "not_found");
    assert_eq!(f.a().get_seat(&seats[0]).unwrap_err().code(), "not_found");
    assert_eq!(f.api.movie_cinema_ids(&f.admin, &movie).unwrap(), vec![keep.clone()]);
    assert!(f.a().get_seat(&kept_seats[0]).is_ok(), "other cinemas are untouched");
    let queue = f.cms.pending_message_count(&cinema).unwrap_err();
    assert_eq!(queue.code(), "not_found", "the cinema's COMS queue went with it");
    f.cms.integrity_check().unwrap();
}

pub fn batch_delete_with_one_unknown_id_deletes_nothing(f: &Fixture) {
    let a = f.a().cinema(cinema_input("a")).unwrap();
    let err = f.api.delete_cinemas(&f.admin, &[a.clone(), "missing".into()]).unwrap_err();
    assert_eq!(err.code(), "not_found");
    assert!(err.to_string().contains("missing"), "the error names the unknown id: {err}");
    assert!(f.api.get_cinema(&f.admin, &a).is_ok(), "all or nothing: the known cinema is still there");
    assert_eq!(f.api.delete_cinemas(&f.admin, &[]).unwrap_err().code(), "invalid", "an empty batch is a mistake");
    let err = f.api.cinema_deletion_impact(&f.admin, &["missing".into()]).unwrap_err();
    assert_eq!(err.code(), "not_found", "the impact of deleting nothing known is refused too");
}

pub fn halls_belong_to_existing_cinemas_and_take_their_seats_when_deleted(f: &Fixture) {
    let err = f.a().hall(hall_input("nowhere", "h")).unwrap_err();
    assert_eq!(field_of(err), ("invalid".into(), "cinemaID".into()));
    let (cinema, hall, seats) = site(f, "hc", 2);
    let h = f.api.get_hall(&f.admin, &hall).unwrap();
    assert_eq!((h.cinema_id.as_str(), h.number_of_seats), (cinema.as_str(), 10));
    let json = serde_json::to_value(&h).unwrap();
    for key in ["hallID", "hallCode", "name", "cinemaID", "numberOfSeats"] {
        assert!(json.get(key).is_some(), "hall JSON must carry {key}: {json}");
    }
    let dup = f.a().hall(hall_input(&cinema, "hc_h1")).unwrap_err();
    assert_eq!(field_of(dup), ("conflict".into(), "hallCode".into()));
    let missing_seats = f.a().hall(HallInput { number_of_seats: None, ..hall_input(&cinema, "x") });
    assert_eq!(missing_seats.unwrap_err().field(), Some("numberOfSeats"));
    let list = |q: HallQuery| f.api.list_halls(&f.admin, &q).unwrap();
    assert_eq!(list(HallQuery { cinema_id: Some(cinema.clone()), ..Default::default() }).total_count, 1);
    let by_code = list(HallQuery { hall_code: Some("hc_h1".into()), ..Default::default() });
    assert_eq!(by_code.item_list[0].hall_id, hall);
    assert_eq!(list(HallQuery { hall_ids: vec![hall.clone()], ..Default::default() }).total_count, 1);
    assert_eq!(f.api.delete_halls(&f.admin, &["ghost".into()]).unwrap_err().code(), "not_found");
    f.api.delete_halls(&f.admin, std::slice::from_ref(&hall)).unwrap();
    assert_eq!(f.a().get_seat(&seats[1]).unwrap_err().code(), "not_found", "seats go with their hall");
}

pub fn moving_a_hall_moves_its_seats_to_the_new_cinema(f: &Fixture) {
    let (_, hall, seats) = site(f, "from", 2);
    let to = f.a().cinema(cinema_input("to")).unwrap();
    f.api.update_hall(&f.admin, &hall, HallInput { cinema_id: Some(to.clone()), ..Default::default() }).unwrap();
    assert_eq!(f.a().get_seat(&seats[0]).unwrap().cinema_id, to, "a seat's cinemaID follows its hall");
    let err = f.api.update_hall(&f.admin, &hall, HallInput { cinema_id: Some("ghost".into()), ..Default::default() });
    assert_eq!(field_of(err.unwrap_err()), ("invalid".into(), "cinemaID".into()));
    let err = f.api.update_hall(&f.admin, "ghost", HallInput::default()).unwrap_err();
    assert_eq!(err.code(), "not_found");
}
