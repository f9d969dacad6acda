//! Films (seed §4): shapes, validation, filters and order, praise, distribution; and VOD tasks (§5).

use std::sync::Arc;

use cinedesk_core::*;

use crate::harness::*;

pub fn movie_has_every_seed_field_and_derived_urls(f: &Fixture) {
    let id = f
        .a()
        .movie(MovieInput {
            icon_id: Some("icon1".into()),
            poster_id: Some("poster1".into()),
            file_id: Some("file1".into()),
            weixin_url: Some("https://mp.weixin.qq.com/s?x=1".into()),
            is_hot: Some(true),
            ..movie_input("m1")
        })
        .unwrap();
    let json = serde_json::to_value(f.api.get_movie(&f.admin, &id).unwrap()).unwrap();
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
    let m2 = f.a().movie(parsed).unwrap();
    assert_eq!(f.api.get_movie(&f.admin, &m2).unwrap().schedule_end, Some(1510208989793));
    assert_eq!(f.api.get_movie(&f.admin, "ghost").unwrap_err().code(), "not_found");
}

pub fn movie_validation_names_the_field(f: &Fixture) {
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
        let err = f.a().movie(input).expect_err(field);
        assert_eq!(field_of(err), ("invalid".into(), field.into()), "the error must name {field}");
    }
    f.a().movie(movie_input("x")).unwrap();
    assert_eq!(field_of(f.a().movie(movie_input("x")).unwrap_err()), ("conflict".into(), "movieCode".into()));
}

pub fn movie_filters_order_and_paging(f: &Fixture) {
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
            online: Some(i % 4 != 0),
            ..movie_input(&format!("mv{i:02}"))
        };
        ids.push(f.a().movie(input).unwrap());
    }
    let q = |set: &dyn Fn(&mut MovieQuery)| {
        let mut q = MovieQuery::default();
        set(&mut q);
        f.api.list_movies(&f.admin, &q).unwrap()
    };
    let default = q(&|_| {});
    assert_eq!(default.total_count, 30);
    assert_eq!(default.item_list.len(), 20);
    assert_eq!(default.item_list[0].movie_code, "mv29", "default order is scheduleStart descending");
    assert_eq!(q(&|q| q.movie_type = Some("GUIDE".into())).total_count, 10);
    assert_eq!(q(&|q| q.category = Some("HORROR".into())).total_count, 15, "a film is found by any of its categories");
    assert_eq!(q(&|q| q.country = Some("CHN".into())).total_count, 10);
    assert_eq!(q(&|q| q.online = Some(false)).total_count, 8, "online is a filter too");
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
    let by_name = q(&|q| {
        q.order_param = Some("name".into());
        q.order_seq = OrderSeq::Asc;
    });
    assert_eq!(by_name.item_list[0].movie_code, "mv01", "\"film 1\" sorts first by name");
    let page2 = q(&|q| q.paging = paging(Some(20), Some(20)));
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
    f.api.update_movie(&f.admin, &ids[10], MovieInput { name: Some("银河漫游".into()), ..Default::default() }).unwrap();
    assert_eq!(q(&|q| q.name = Some("星际穿越".into())).total_count, 2, "a renamed film leaves the name index");
    assert_eq!(q(&|q| q.name = Some("银河漫游".into())).item_list[0].movie_id, ids[10]);
    f.api.delete_movies(&f.admin, &[ids[20].clone()]).unwrap();
    assert_eq!(q(&|q| q.name = Some("星际穿越".into())).total_count, 1, "a deleted film leaves the name index");
    let bad = f.api.list_movies(&f.admin, &MovieQuery { order_param: Some("drop table".into()), ..Default::default() });
    assert_eq!(bad.unwrap_err().field(), Some("order_param"), "order_param is a whitelist, never raw SQL");
    let err = f.api.delete_movies(&f.admin, &[ids[0].clone(), "ghost".into()]).unwrap_err();
    assert_eq!(err.code(), "not_found");
    assert_eq!(f.api.get_movie(&f.admin, &ids[0]).unwrap().movie_id, ids[0], "all or nothing");
}

pub fn forty_concurrent_praises_add_exactly_forty(f: &Fixture) {
    let id = f.a().movie(movie_input("praised")).unwrap();
    let threads: Vec<_> = (0..40)
        .map(|_| {
            let (api, token, id) = (Arc::clone(&f.api), f.manager.clone(), id.clone());
            std::thread::spawn(move || api.praise_movie(&token, &id, None).unwrap())
        })
        .collect();
    let mut counts: Vec<i64> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    counts.sort_unstable();
    assert_eq!(counts, (1..=40).collect::<Vec<_>>(), "each praise answers the count it made");
    assert_eq!(f.api.get_movie(&f.admin, &id).unwrap().num_of_praise, 40, "no praise may be lost under concurrency");
    assert_eq!(f.api.praise_movie(&f.admin, "nope", None).unwrap_err().code(), "not_found");
}

pub fn a_wechat_user_praises_a_film_once(f: &Fixture) {
    let id = f.a().movie(movie_input("once")).unwrap();
    let praise = |open_id| f.api.praise_movie(&f.admin, &id, Some(open_id)).unwrap();
    assert_eq!(praise("openid-1"), 1);
    assert_eq!(praise("openid-1"), 1, "the same user praising again changes nothing");
    assert_eq!(praise("openid-2"), 2);
    let list = |open_id: Option<&str>| {
        let q = MovieQuery { open_id: open_id.map(str::to_string), ..Default::default() };
        f.api.list_movies(&f.admin, &q).unwrap()
    };
    assert_eq!(
        list(Some("openid-1")).item_list[0].praised,
        Some(true),
        "with open_id the list says what this user praised"
    );
    assert_eq!(list(Some("openid-3")).item_list[0].praised, Some(false));
    assert_eq!(list(None).item_list[0].praised, None, "without open_id nobody's praise is told");
}

pub fn movie_update_replaces_categories(f: &Fixture) {
    let id = f.a().movie(movie_input("cat")).unwrap();
    f.api.update_movie(&f.admin, &id, MovieInput { category: Some("HORROR".into()), ..Default::default() }).unwrap();
    let action = f.api.list_movies(&f.admin, &MovieQuery { category: Some("ACTION".into()), ..Default::default() });
    assert_eq!(action.unwrap().total_count, 0, "the old categories no longer match");
    assert_eq!(f.api.get_movie(&f.admin, &id).unwrap().category, "HORROR");
    let err = f.api.update_movie(&f.admin, &id, MovieInput { duration: Some(-5), ..Default::default() }).unwrap_err();
    assert_eq!(field_of(err), ("invalid".into(), "duration".into()), "a patch is validated like a create");
}

pub fn distribution_writes_one_new_movie_message_per_cinema(f: &Fixture) {
    let (a, _, _) = site(f, "da", 0);
    let (b, _, _) = site(f, "db", 0);
    let movie = f.a().movie(movie_input("dist")).unwrap();
    let woken = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let sink = Arc::clone(&woken);
    f.cms.on_new_message(move |c| sink.lock().unwrap().push(c.to_string()));
    let out = f.a().distribute(&movie, &[&a, &b]).unwrap();
    assert_eq!(out.added, vec![a.clone(), b.clone()]);
    assert_eq!(*woken.lock().unwrap(), vec![a.clone(), b.clone()], "listeners hear about each cinema after commit");
    for cinema in [&a, &b] {
        let msg = f.cms.next_message(cinema).unwrap().expect("a NEW_MOVIE waits for each cinema");
        assert_eq!(msg.message_type, MessageType::NewMovie);
        assert_eq!(msg.message["movieID"], movie.as_str(), "the message carries the full movie object");
        assert_eq!(msg.message["movieCode"], "dist");
    }
    let by_cinema = f.api.list_movies(&f.admin, &MovieQuery { cinema_id: Some(a.clone()), ..Default::default() });
    assert_eq!(by_cinema.unwrap().item_list[0].movie_id, movie, "movies can be queried by cinema");
    let mut where_ = f.api.movie_cinema_ids(&f.admin, &movie).unwrap();
    where_.sort();
    let mut expected = vec![a.clone(), b.clone()];
    expected.sort();
    assert_eq!(where_, expected, "where a film is");
    // Distributing again is harmless: no second message.
    let again = f.a().distribute(&movie, &[&a]).unwrap();
    assert_eq!((again.added.len(), again.already.len()), (0, 1));
    assert_eq!(f.cms.pending_message_count(&a).unwrap(), 1);
    assert_eq!(f.api.movie_cinema_ids(&f.admin, "ghost").unwrap_err().code(), "not_found");
}

pub fn distribution_naming_one_unknown_cinema_changes_nothing(f: &Fixture) {
    let (a, _, _) = site(f, "ua", 0);
    let movie = f.a().movie(movie_input("u")).unwrap();
    let err = f.a().distribute(&movie, &[&a, &"ghost".to_string()]).unwrap_err();
    assert_eq!(err.code(), "not_found");
    assert!(f.api.movie_cinema_ids(&f.admin, &movie).unwrap().is_empty(), "no distribution was written");
    assert_eq!(f.cms.pending_message_count(&a).unwrap(), 0, "no message was queued");
    let empty = f.a().distribute(&movie, &[]);
    assert_eq!(empty.unwrap_err().field(), Some("cinemaIDList"));
    let missing = f.api.distribute_movie(&f.admin, &movie, DistributeInput { cinema_id_list: None });
    assert_eq!(missing.unwrap_err().field(), Some("cinemaIDList"));
    assert_eq!(f.a().distribute("ghost", &[&a]).unwrap_err().code(), "not_found");
}

pub fn vod_task_lifecycle_views_and_new_vod_task_message(f: &Fixture) {
    let (cinema, hall, seats) = site(f, "vod", 1);
    let m1 = f.a().movie(movie_input("v1")).unwrap();
    let m2 = f.a().movie(movie_input("v2")).unwrap();
    let offline = f.a().movie(MovieInput { online: Some(false), ..movie_input("v3") }).unwrap();
    let order = |ids: &[&String]| VodTaskInput {
        movie_list: Some(ids.iter().map(|id| MovieRef { id: Some((*id).clone()) }).collect()),
        client_id: Some(seats[0].clone()),
        open_id: Some("wx-user".into()),
    };
    let create = |input| f.api.create_vod_task(&f.admin, input);
    let not_here = create(order(&[&m1])).unwrap_err();
    assert!(not_here.to_string().contains("not distributed"), "{not_here}");
    for m in [&m1, &m2, &offline] {
        f.a().distribute(m, &[&cinema]).unwrap();
    }
    assert!(create(order(&[&offline])).unwrap_err().to_string().contains("not online"));
    let task_id = create(order(&[&m1, &m2])).unwrap();
    let task = f.api.get_vod_task(&f.admin, &task_id).unwrap();
    assert_eq!((task.cinema_id.as_str(), task.hall_id.as_str()), (cinema.as_str(), hall.as_str()));
    assert_eq!(task.status, VodStatus::Pending);
    assert_eq!(task.open_id.as_deref(), Some("wx-user"));
    assert_eq!(task.movie_list.iter().map(|m| &m.id).collect::<Vec<_>>(), [&m1, &m2], "films keep their order");
    assert_eq!(f.api.get_movie(&f.admin, &m1).unwrap().num_of_view, 1, "ordering a film counts a view");

    for _ in 0..3 {
        let head = f.cms.next_message(&cinema).unwrap().unwrap();
        if head.message_type == MessageType::NewVodTask {
            assert_eq!(head.message["taskID"], task_id.as_str(), "the message carries the full task");
            assert_eq!(head.message["movieList"][1]["id"], m2.as_str());
            break;
        }
        f.cms.ack_message(&cinema, &head.message_id).unwrap();
    }

    let err = f.api.delete_movies(&f.admin, std::slice::from_ref(&m1)).unwrap_err();
    assert_eq!(err.code(), "in_use", "a film an unfinished task needs cannot be deleted");
    let skip = f.api.set_vod_task_status(&f.admin, &task_id, VodStatus::Completed).unwrap_err();
    assert_eq!(skip.field(), Some("status"), "PENDING cannot jump to COMPLETED");
    for s in [VodStatus::Accepted, VodStatus::Playing, VodStatus::Completed] {
        f.api.set_vod_task_status(&f.admin, &task_id, s).unwrap();
    }
    let err = f.api.set_vod_task_status(&f.admin, &task_id, VodStatus::Playing).unwrap_err();
    assert_eq!(err.code(), "invalid");
    assert_eq!(f.api.set_vod_task_status(&f.admin, "ghost", VodStatus::Accepted).unwrap_err().code(), "not_found");
    f.api.delete_movies(&f.admin, std::slice::from_ref(&m1)).expect("once the task is finished the film may go");
    let kept = f.api.get_vod_task(&f.admin, &task_id).unwrap();
    assert_eq!(kept.movie_list[0].id, m1, "a finished task keeps its history");
    assert_eq!(kept.status, VodStatus::Completed);
    let list = |q: VodTaskQuery| f.api.list_vod_tasks(&f.admin, &q).unwrap();
    assert_eq!(list(VodTaskQuery { cinema_id: Some(cinema), ..Default::default() }).total_count, 1);
    assert_eq!(list(VodTaskQuery { client_id: Some(seats[0].clone()), ..Default::default() }).total_count, 1);
    assert_eq!(list(VodTaskQuery { status: Some(VodStatus::Pending), ..Default::default() }).total_count, 0);
    assert_eq!(
        list(VodTaskQuery { task_ids: vec![task_id.clone()], ..Default::default() }).item_list[0].task_id,
        task_id
    );
    assert_eq!(f.api.get_vod_task(&f.admin, "ghost").unwrap_err().code(), "not_found");
}

pub fn vod_task_validation(f: &Fixture) {
    let (_, _, seats) = site(f, "vv", 1);
    let create = |input| f.api.create_vod_task(&f.admin, input);
    let none = create(VodTaskInput { movie_list: Some(vec![]), client_id: Some(seats[0].clone()), open_id: None });
    assert_eq!(none.unwrap_err().field(), Some("movieList"));
    let no_client =
        create(VodTaskInput { movie_list: Some(vec![MovieRef { id: Some("x".into()) }]), ..Default::default() });
    assert_eq!(no_client.unwrap_err().field(), Some("clientID"));
    let ghost = create(VodTaskInput {
        movie_list: Some(vec![MovieRef { id: Some("ghost".into()) }]),
        client_id: Some(seats[0].clone()),
        open_id: None,
    });
    assert_eq!(ghost.unwrap_err().field(), Some("movieList[].id"));
}
