//! VOD tasks (seed §5): what a task needs, what it records and queues, its lifecycle, and its views.

use cinedesk_core::*;

use super::{distribute, movie_input, site, spawn_with_admin, App};

/// A seat's order of `films` by a WeChat user.
fn order(seat: &str, films: &[&String]) -> VodTaskInput {
    VodTaskInput {
        movie_list: Some(films.iter().map(|id| MovieRef { id: Some((*id).clone()) }).collect()),
        client_id: Some(seat.into()),
        open_id: Some("wx-user".into()),
    }
}

/// A cinema with one seat and two online films distributed to it: (cinema, hall, seat, films).
fn ready_site(app: &App, admin: &Actor, code: &str) -> (String, String, String, [String; 2]) {
    let (cinema, hall, seats) = site(&app.cms, admin, code, 1);
    let films = [1, 2].map(|i| app.cms.create_movie(admin, movie_input(&format!("{code}{i}"))).unwrap());
    for m in &films {
        distribute(&app.cms, admin, m, &[&cinema]).unwrap();
    }
    (cinema, hall, seats[0].clone(), films)
}

#[test]
fn a_task_needs_its_films_distributed_to_the_seats_cinema_and_online() {
    let (app, admin) = spawn_with_admin();
    let (cinema, _, seats) = site(&app.cms, &admin, "vod", 1);
    let film = app.cms.create_movie(&admin, movie_input("v1")).unwrap();
    let offline = app.cms.create_movie(&admin, MovieInput { online: Some(false), ..movie_input("v3") }).unwrap();
    let not_here = app.cms.create_vod_task(&admin, order(&seats[0], &[&film])).unwrap_err();
    assert!(not_here.to_string().contains("not distributed"), "{not_here}");
    distribute(&app.cms, &admin, &offline, &[&cinema]).unwrap();
    let err = app.cms.create_vod_task(&admin, order(&seats[0], &[&offline])).unwrap_err();
    assert!(err.to_string().contains("not online"), "{err}");
}

#[test]
fn a_task_records_its_seat_and_films_in_order_and_counts_a_view() {
    let (app, admin) = spawn_with_admin();
    let (cinema, hall, seat, [m1, m2]) = ready_site(&app, &admin, "rec");
    let task_id = app.cms.create_vod_task(&admin, order(&seat, &[&m1, &m2])).unwrap();
    let task = app.cms.get_vod_task(&admin, &task_id).unwrap();
    assert_eq!((task.cinema_id.as_str(), task.hall_id.as_str()), (cinema.as_str(), hall.as_str()));
    assert_eq!(task.status, VodStatus::Pending);
    assert_eq!(task.open_id.as_deref(), Some("wx-user"));
    assert_eq!(task.movie_list.iter().map(|m| &m.id).collect::<Vec<_>>(), [&m1, &m2], "films keep their order");
    assert_eq!(app.cms.get_movie(&admin, &m1).unwrap().num_of_view, 1, "ordering a film counts a view");
    assert_eq!(app.cms.get_vod_task(&admin, "ghost").unwrap_err().code(), "not_found");
}

#[test]
fn a_task_queues_a_new_vod_task_message_with_the_whole_task() {
    let (app, admin) = spawn_with_admin();
    let (cinema, _, seat, [m1, m2]) = ready_site(&app, &admin, "msg");
    let task_id = app.cms.create_vod_task(&admin, order(&seat, &[&m1, &m2])).unwrap();
    // The two NEW_MOVIE messages of the distribution come first.
    for _ in 0..2 {
        let head = app.cms.next_message(&admin, &cinema).unwrap().unwrap();
        assert_eq!(head.message_type, MessageType::NewMovie);
        app.cms.ack_message(&admin, &cinema, &head.message_id).unwrap();
    }
    let head = app.cms.next_message(&admin, &cinema).unwrap().unwrap();
    assert_eq!(head.message_type, MessageType::NewVodTask);
    assert_eq!(head.message["taskID"], task_id.as_str(), "the message carries the full task");
    assert_eq!(head.message["movieList"][1]["id"], m2.as_str());
}

#[test]
fn a_task_moves_through_its_lifecycle_in_order_only() {
    let (app, admin) = spawn_with_admin();
    let (_, _, seat, [m1, _]) = ready_site(&app, &admin, "life");
    let task_id = app.cms.create_vod_task(&admin, order(&seat, &[&m1])).unwrap();
    let skip = app.cms.set_vod_task_status(&admin, &task_id, VodStatus::Completed, None).unwrap_err();
    assert_eq!(skip.field(), Some("status"), "PENDING cannot jump to COMPLETED");
    for s in [VodStatus::Accepted, VodStatus::Playing, VodStatus::Completed] {
        app.cms.set_vod_task_status(&admin, &task_id, s, None).unwrap();
    }
    let back = app.cms.set_vod_task_status(&admin, &task_id, VodStatus::Playing, None).unwrap_err();
    assert_eq!(back.code(), "invalid", "a finished task stays finished");
    let ghost = app.cms.set_vod_task_status(&admin, "ghost", VodStatus::Accepted, None).unwrap_err();
    assert_eq!(ghost.code(), "not_found");
}

#[test]
fn a_film_an_unfinished_task_needs_stays_and_a_finished_task_keeps_its_history() {
    let (app, admin) = spawn_with_admin();
    let (_, _, seat, [m1, _]) = ready_site(&app, &admin, "keep");
    let task_id = app.cms.create_vod_task(&admin, order(&seat, &[&m1])).unwrap();
    let err = app.cms.delete_movies(&admin, std::slice::from_ref(&m1)).unwrap_err();
    assert_eq!(err.code(), "in_use", "a film an unfinished task needs cannot be deleted");
    for s in [VodStatus::Accepted, VodStatus::Playing, VodStatus::Completed] {
        app.cms.set_vod_task_status(&admin, &task_id, s, None).unwrap();
    }
    app.cms.delete_movies(&admin, std::slice::from_ref(&m1)).expect("once the task is finished the film may go");
    let kept = app.cms.get_vod_task(&admin, &task_id).unwrap();
    assert_eq!((kept.movie_list[0].id.as_str(), kept.status), (m1.as_str(), VodStatus::Completed));
}

#[test]
fn tasks_are_filtered_by_cinema_seat_status_and_ids() {
    let (app, admin) = spawn_with_admin();
    let (cinema, _, seat, [m1, _]) = ready_site(&app, &admin, "view");
    let task_id = app.cms.create_vod_task(&admin, order(&seat, &[&m1])).unwrap();
    app.cms.set_vod_task_status(&admin, &task_id, VodStatus::Accepted, None).unwrap();
    let list = |q: VodTaskQuery| app.cms.list_vod_tasks(&admin, &q).unwrap();
    assert_eq!(list(VodTaskQuery { cinema_id: Some(cinema), ..Default::default() }).total_count, 1);
    assert_eq!(list(VodTaskQuery { client_id: Some(seat), ..Default::default() }).total_count, 1);
    assert_eq!(list(VodTaskQuery { status: Some(VodStatus::Pending), ..Default::default() }).total_count, 0);
    let by_id = list(VodTaskQuery { task_ids: vec![task_id.clone()], ..Default::default() });
    assert_eq!(by_id.item_list[0].task_id, task_id);
}

#[test]
fn each_missing_or_unknown_task_field_is_named() {
    let (app, admin) = spawn_with_admin();
    let (_, _, seats) = site(&app.cms, &admin, "vv", 1);
    let create = |input| app.cms.create_vod_task(&admin, input);
    let none = create(VodTaskInput { movie_list: Some(vec![]), client_id: Some(seats[0].clone()), open_id: None });
    assert_eq!(none.unwrap_err().field(), Some("movieList"));
    let films = Some(vec![MovieRef { id: Some("x".into()) }]);
    let no_client = create(VodTaskInput { movie_list: films, ..Default::default() });
    assert_eq!(no_client.unwrap_err().field(), Some("clientID"));
    let ghost = create(VodTaskInput {
        movie_list: Some(vec![MovieRef { id: Some("ghost".into()) }]),
        client_id: Some(seats[0].clone()),
        open_id: None,
    });
    assert_eq!(ghost.unwrap_err().field(), Some("movieList[].id"));
}

#[test]
fn a_task_keeps_each_films_price_at_ordering_time() {
    let (app, admin) = spawn_with_admin();
    let (_, _, seat, [m1, m2]) = ready_site(&app, &admin, "price");
    let task_id = app.cms.create_vod_task(&admin, order(&seat, &[&m1, &m2])).unwrap();
    app.cms.update_movie(&admin, &m1, MovieInput { price: Some(5000), ..Default::default() }).unwrap();
    let task = app.cms.get_vod_task(&admin, &task_id).unwrap();
    let prices: Vec<Option<i64>> = task.movie_list.iter().map(|m| m.price).collect();
    assert_eq!(prices, [Some(2990), Some(2990)], "what the films cost when ordered, not now");
}

#[test]
fn each_status_a_task_takes_is_recorded_with_who_when_and_why() {
    let (app, admin) = spawn_with_admin();
    let (cinema, _, seat, [m1, _]) = ready_site(&app, &admin, "hist");
    let task_id = app.cms.create_vod_task(&admin, order(&seat, &[&m1])).unwrap();
    let site = super::site_client(&cinema);
    app.cms.set_vod_task_status(&site, &task_id, VodStatus::Accepted, None).unwrap();
    app.cms.set_vod_task_status(&admin, &task_id, VodStatus::Cancelled, Some("顾客离场")).unwrap();
    let history = app.cms.get_vod_task(&admin, &task_id).unwrap().status_history;
    let steps: Vec<(VodStatus, Option<&str>)> = history.iter().map(|e| (e.status, e.reason.as_deref())).collect();
    assert_eq!(
        steps,
        [(VodStatus::Pending, None), (VodStatus::Accepted, None), (VodStatus::Cancelled, Some("顾客离场"))],
        "the creation first, then each change"
    );
    assert_eq!(history[1].actor, format!("cinema:{cinema}"), "the site moved it");
    assert!(history[2].actor.starts_with("user:"), "a user cancelled it");
    assert!(history.windows(2).all(|w| w[0].at <= w[1].at), "in time order");
}

#[test]
fn a_task_cancelled_in_the_console_is_sent_to_its_cinema_and_a_sites_own_report_is_not() {
    let (app, admin) = spawn_with_admin();
    let (cinema, _, seat, [m1, _]) = ready_site(&app, &admin, "cancel");
    let task_id = app.cms.create_vod_task(&admin, order(&seat, &[&m1])).unwrap();
    let site = super::site_client(&cinema);
    while let Some(m) = app.cms.next_message(&site, &cinema).unwrap() {
        app.cms.ack_message(&site, &cinema, &m.message_id).unwrap();
    }
    app.cms.set_vod_task_status(&site, &task_id, VodStatus::Accepted, None).unwrap();
    assert_eq!(app.cms.next_message(&site, &cinema).unwrap(), None, "the site knows what it reported");
    app.cms.set_vod_task_status(&admin, &task_id, VodStatus::Cancelled, None).unwrap();
    let told = app.cms.next_message(&site, &cinema).unwrap().expect("VOD_TASK_UPDATED");
    assert_eq!(told.message_type, MessageType::VodTaskUpdated);
    let task: VodTask = serde_json::from_value(told.message).unwrap();
    assert_eq!((task.task_id.as_str(), task.status), (task_id.as_str(), VodStatus::Cancelled), "the whole task now");
}

#[test]
fn a_cinemas_client_moves_its_own_cinemas_tasks_only() {
    let (app, admin) = spawn_with_admin();
    let (cinema, _, seat, [m1, _]) = ready_site(&app, &admin, "mine");
    let (other, _, _) = site(&app.cms, &admin, "theirs", 0);
    let task_id = app.cms.create_vod_task(&admin, order(&seat, &[&m1])).unwrap();
    let stranger = super::site_client(&other);
    let err = app.cms.set_vod_task_status(&stranger, &task_id, VodStatus::Accepted, None).unwrap_err();
    assert_eq!(err.code(), "forbidden", "another cinema's task");
    let ghost = app.cms.set_vod_task_status(&stranger, "ghost", VodStatus::Accepted, None).unwrap_err();
    assert_eq!(ghost.code(), "not_found");
    assert_eq!(app.cms.get_vod_task(&admin, &task_id).unwrap().status, VodStatus::Pending, "nothing moved");
    let own = super::site_client(&cinema);
    app.cms.set_vod_task_status(&own, &task_id, VodStatus::Accepted, None).expect("its own cinema's task");
}
