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
