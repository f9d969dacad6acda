//! Films (seed §4): shapes, validation, filters and order, praise, and distribution to cinemas with its COMS messages.

use std::sync::{Arc, Mutex};

use cinedesk_core::*;

use super::{distribute, field_of, movie_input, paging, site, spawn_app, spawn_with_admin, App};

#[test]
fn a_film_answers_every_seed_field_and_urls_of_its_files() {
    let (app, admin) = spawn_with_admin();
    let input = MovieInput {
        icon_id: Some("icon1".into()),
        poster_id: Some("poster1".into()),
        file_id: Some("file1".into()),
        weixin_url: Some("https://mp.weixin.qq.com/s?x=1".into()),
        is_hot: Some(true),
        ..movie_input("m1")
    };
    let id = app.cms.create_movie(&admin, input).unwrap();
    let json = serde_json::to_value(app.cms.get_movie(&admin, &id).unwrap()).unwrap();
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
    assert_eq!(app.cms.get_movie(&admin, "ghost").unwrap_err().code(), "not_found");
}

#[test]
fn schedule_times_are_read_as_strings_or_numbers() {
    let (app, admin) = spawn_with_admin();
    let body = r#"{"name":"n","movieCode":"m2","duration":5,"description":"d","type":"AD","category":"COMEDY",
                   "country":"CHN","price":0,"scheduleStart":"1510208988793","scheduleEnd":1510208989793}"#;
    let parsed: MovieInput = serde_json::from_str(body).unwrap();
    assert_eq!((parsed.schedule_start, parsed.schedule_end), (Some(1510208988793), Some(1510208989793)));
    let id = app.cms.create_movie(&admin, parsed).unwrap();
    assert_eq!(app.cms.get_movie(&admin, &id).unwrap().schedule_end, Some(1510208989793));
}

#[test]
fn each_invalid_film_field_is_named_and_a_taken_code_is_a_conflict() {
    let (app, admin) = spawn_with_admin();
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
        let err = app.cms.create_movie(&admin, input).expect_err(field);
        assert_eq!(field_of(err), ("invalid".into(), field.into()), "the error must name {field}");
    }
    app.cms.create_movie(&admin, movie_input("x")).unwrap();
    let dup = app.cms.create_movie(&admin, movie_input("x")).unwrap_err();
    assert_eq!(field_of(dup), ("conflict".into(), "movieCode".into()));
}

/// Thirty films `mv00`..`mv29` of three types, two category sets, two countries, each fourth
/// offline, every tenth named 星际穿越; their ids in code order.
fn thirty_films(app: &App, admin: &Actor) -> Vec<String> {
    let types = ["MOVIE", "GUIDE", "AD"];
    (0..30i64)
        .map(|i| {
            let input = MovieInput {
                name: Some(if i % 10 == 0 { format!("星际穿越 {i}") } else { format!("film {i}") }),
                movie_type: Some(types[(i % 3) as usize].into()),
                category: Some(if i % 2 == 0 { "ACTION".into() } else { "COMEDY,HORROR".into() }),
                country: Some(if i < 10 { "CHN".into() } else { "USA".into() }),
                schedule_start: Some(1_000 + i),
                price: Some(100 * (30 - i)),
                online: Some(i % 4 != 0),
                ..movie_input(&format!("mv{i:02}"))
            };
            app.cms.create_movie(admin, input).unwrap()
        })
        .collect()
}

/// Lists films with a query set up by `set`.
fn films(app: &App, admin: &Actor, set: impl Fn(&mut MovieQuery)) -> Page<Movie> {
    let mut q = MovieQuery::default();
    set(&mut q);
    app.cms.list_movies(admin, &q).unwrap()
}

#[test]
fn films_come_newest_schedule_first_twenty_a_page() {
    let (app, admin) = spawn_with_admin();
    thirty_films(&app, &admin);
    let first = films(&app, &admin, |_| {});
    assert_eq!((first.total_count, first.item_list.len()), (30, 20));
    assert_eq!(first.item_list[0].movie_code, "mv29", "default order is scheduleStart descending");
    assert_eq!(films(&app, &admin, |q| q.paging = paging(Some(20), Some(20))).item_list.len(), 10);
}

#[test]
fn films_are_filtered_by_type_category_country_online_code_and_ids() {
    let (app, admin) = spawn_with_admin();
    let ids = thirty_films(&app, &admin);
    let count = |set: &dyn Fn(&mut MovieQuery)| films(&app, &admin, set).total_count;
    assert_eq!(count(&|q| q.movie_type = Some("GUIDE".into())), 10);
    assert_eq!(count(&|q| q.category = Some("HORROR".into())), 15, "a film is found by any of its categories");
    assert_eq!(count(&|q| q.country = Some("CHN".into())), 10);
    assert_eq!(count(&|q| q.online = Some(false)), 8, "online is a filter too");
    assert_eq!(films(&app, &admin, |q| q.movie_code = Some("mv07".into())).item_list[0].movie_id, ids[7]);
    assert_eq!(count(&|q| q.movie_ids = vec![ids[1].clone(), ids[2].clone()]), 2);
}

#[test]
fn film_names_match_part_of_the_name_ignoring_case() {
    let (app, admin) = spawn_with_admin();
    thirty_films(&app, &admin);
    let count = |name: &str| films(&app, &admin, |q| q.name = Some(name.into())).total_count;
    assert_eq!(count("星际"), 3, "name matches fuzzily");
    assert_eq!(count("际穿越"), 3, "three or more characters use the trigram index");
    assert_eq!(count("FILM 13"), 1, "the match ignores case");
}

#[test]
fn films_are_ordered_by_a_whitelisted_parameter_only() {
    let (app, admin) = spawn_with_admin();
    thirty_films(&app, &admin);
    let first = |param: &str| {
        films(&app, &admin, |q| {
            q.order_param = Some(param.into());
            q.order_seq = OrderSeq::Asc;
        })
        .item_list[0]
            .movie_code
            .clone()
    };
    assert_eq!(first("price"), "mv29");
    assert_eq!(first("name"), "mv01", "\"film 1\" sorts first by name");
    let bad = MovieQuery { order_param: Some("drop table".into()), ..Default::default() };
    let err = app.cms.list_movies(&admin, &bad).unwrap_err();
    assert_eq!(err.field(), Some("order_param"), "order_param is a whitelist, never raw SQL");
}

#[test]
fn combined_film_filters_count_what_they_show() {
    let (app, admin) = spawn_with_admin();
    thirty_films(&app, &admin);
    let combined = films(&app, &admin, |q| {
        q.movie_type = Some("MOVIE".into());
        q.country = Some("USA".into());
        q.category = Some("ACTION".into());
    });
    assert!(combined.item_list.iter().all(|m| m.movie_type == "MOVIE" && m.country == "USA"));
    let expected = (10..30).filter(|i| i % 3 == 0 && i % 2 == 0).count() as u64;
    assert_eq!(combined.total_count, expected, "the category count honours the other filters");
    assert_eq!(combined.item_list.len() as u64, expected);
}

#[test]
fn renamed_and_deleted_films_leave_the_name_index() {
    let (app, admin) = spawn_with_admin();
    let ids = thirty_films(&app, &admin);
    let named = |name: &str| films(&app, &admin, |q| q.name = Some(name.into()));
    let rename = MovieInput { name: Some("银河漫游".into()), ..Default::default() };
    app.cms.update_movie(&admin, &ids[10], rename).unwrap();
    assert_eq!(named("星际穿越").total_count, 2, "a renamed film leaves the name index");
    assert_eq!(named("银河漫游").item_list[0].movie_id, ids[10]);
    app.cms.delete_movies(&admin, &[ids[20].clone()]).unwrap();
    assert_eq!(named("星际穿越").total_count, 1, "a deleted film leaves the name index");
}

#[test]
fn a_film_batch_delete_naming_an_unknown_id_deletes_nothing() {
    let (app, admin) = spawn_with_admin();
    let id = app.cms.create_movie(&admin, movie_input("keep")).unwrap();
    let err = app.cms.delete_movies(&admin, &[id.clone(), "ghost".into()]).unwrap_err();
    assert_eq!(err.code(), "not_found");
    assert_eq!(app.cms.get_movie(&admin, &id).unwrap().movie_id, id, "all or nothing");
}

#[test]
fn forty_concurrent_praises_add_exactly_forty() {
    let app = spawn_app();
    let manager = app.manager(&app.admin().actor).actor;
    let id = app.cms.create_movie(&manager, movie_input("praised")).unwrap();
    let threads: Vec<_> = (0..40)
        .map(|_| {
            let (cms, who, id) = (Arc::clone(&app.cms), manager.clone(), id.clone());
            std::thread::spawn(move || cms.praise_movie(&who, &id, None).unwrap())
        })
        .collect();
    let mut counts: Vec<i64> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    counts.sort_unstable();
    assert_eq!(counts, (1..=40).collect::<Vec<_>>(), "each praise answers the count it made");
    assert_eq!(app.cms.get_movie(&manager, &id).unwrap().num_of_praise, 40, "no praise lost under concurrency");
    assert_eq!(app.cms.praise_movie(&manager, "nope", None).unwrap_err().code(), "not_found");
}

#[test]
fn a_wechat_user_praises_a_film_once_and_the_list_says_what_they_praised() {
    let (app, admin) = spawn_with_admin();
    let id = app.cms.create_movie(&admin, movie_input("once")).unwrap();
    let praise = |open_id| app.cms.praise_movie(&admin, &id, Some(open_id)).unwrap();
    assert_eq!(praise("openid-1"), 1);
    assert_eq!(praise("openid-1"), 1, "the same user praising again changes nothing");
    assert_eq!(praise("openid-2"), 2);
    let praised =
        |open_id: Option<&str>| films(&app, &admin, |q| q.open_id = open_id.map(str::to_string)).item_list[0].praised;
    assert_eq!(praised(Some("openid-1")), Some(true), "with open_id the list says what this user praised");
    assert_eq!(praised(Some("openid-3")), Some(false));
    assert_eq!(praised(None), None, "without open_id nobody's praise is told");
}

#[test]
fn a_film_update_replaces_its_categories_and_is_validated_like_a_create() {
    let (app, admin) = spawn_with_admin();
    let id = app.cms.create_movie(&admin, movie_input("cat")).unwrap();
    app.cms.update_movie(&admin, &id, MovieInput { category: Some("HORROR".into()), ..Default::default() }).unwrap();
    assert_eq!(films(&app, &admin, |q| q.category = Some("ACTION".into())).total_count, 0, "old categories go");
    assert_eq!(app.cms.get_movie(&admin, &id).unwrap().category, "HORROR");
    let bad = MovieInput { duration: Some(-5), ..Default::default() };
    let err = app.cms.update_movie(&admin, &id, bad).unwrap_err();
    assert_eq!(field_of(err), ("invalid".into(), "duration".into()), "a patch is validated like a create");
}

#[test]
fn distribution_queues_one_new_movie_message_per_cinema_and_wakes_listeners() {
    let (app, admin) = spawn_with_admin();
    let (a, _, _) = site(&app.cms, &admin, "da", 0);
    let (b, _, _) = site(&app.cms, &admin, "db", 0);
    let movie = app.cms.create_movie(&admin, movie_input("dist")).unwrap();
    let woken = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = Arc::clone(&woken);
    app.cms.on_new_message(move |c| sink.lock().unwrap().push(c.to_string()));
    let out = distribute(&app.cms, &admin, &movie, &[&a, &b]).unwrap();
    assert_eq!(out.added, vec![a.clone(), b.clone()]);
    assert_eq!(*woken.lock().unwrap(), vec![a.clone(), b.clone()], "listeners hear about each cinema after commit");
    for cinema in [&a, &b] {
        let msg = app.cms.next_message(&admin, cinema).unwrap().expect("a NEW_MOVIE waits for each cinema");
        assert_eq!(msg.message_type, MessageType::NewMovie);
        assert_eq!(msg.message["movieID"], movie.as_str(), "the message carries the full movie object");
        assert_eq!(msg.message["movieCode"], "dist");
    }
}

#[test]
fn films_are_found_by_the_cinemas_they_went_to_and_distributing_again_queues_nothing() {
    let (app, admin) = spawn_with_admin();
    let (a, _, _) = site(&app.cms, &admin, "fa", 0);
    let (b, _, _) = site(&app.cms, &admin, "fb", 0);
    let movie = app.cms.create_movie(&admin, movie_input("found")).unwrap();
    distribute(&app.cms, &admin, &movie, &[&a, &b]).unwrap();
    let by_cinema = films(&app, &admin, |q| q.cinema_id = Some(a.clone()));
    assert_eq!(by_cinema.item_list[0].movie_id, movie, "films can be queried by cinema");
    let mut where_ = app.cms.movie_cinema_ids(&admin, &movie).unwrap();
    where_.sort();
    let mut expected = vec![a.clone(), b.clone()];
    expected.sort();
    assert_eq!(where_, expected, "where a film is");
    let again = distribute(&app.cms, &admin, &movie, &[&a]).unwrap();
    assert_eq!((again.added.len(), again.already.len()), (0, 1));
    assert_eq!(app.cms.pending_message_count(&admin, &a).unwrap(), 1, "no second message");
    assert_eq!(app.cms.movie_cinema_ids(&admin, "ghost").unwrap_err().code(), "not_found");
}

#[test]
fn a_distribution_naming_an_unknown_cinema_changes_nothing() {
    let (app, admin) = spawn_with_admin();
    let (a, _, _) = site(&app.cms, &admin, "ua", 0);
    let movie = app.cms.create_movie(&admin, movie_input("u")).unwrap();
    let err = distribute(&app.cms, &admin, &movie, &[&a, &"ghost".to_string()]).unwrap_err();
    assert_eq!(err.code(), "not_found");
    assert!(app.cms.movie_cinema_ids(&admin, &movie).unwrap().is_empty(), "no distribution was written");
    assert_eq!(app.cms.pending_message_count(&admin, &a).unwrap(), 0, "no message was queued");
}

#[test]
fn a_distribution_needs_cinemas_and_a_film_that_exists() {
    let (app, admin) = spawn_with_admin();
    let (a, _, _) = site(&app.cms, &admin, "na", 0);
    let movie = app.cms.create_movie(&admin, movie_input("n")).unwrap();
    assert_eq!(distribute(&app.cms, &admin, &movie, &[]).unwrap_err().field(), Some("cinemaIDList"));
    let missing = app.cms.distribute_movie(&admin, &movie, DistributeInput { cinema_id_list: None });
    assert_eq!(missing.unwrap_err().field(), Some("cinemaIDList"));
    assert_eq!(distribute(&app.cms, &admin, "ghost", &[&a]).unwrap_err().code(), "not_found");
}
