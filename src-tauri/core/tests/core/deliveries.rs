//! Deliveries (issue 13): every (film, cinema) pair from its message to the site's READY, what each site is told when the film changes or is withdrawn, and who may report.

use cinedesk_core::*;
use cinedesk_testkit::noise;

use super::{distribute, movie_input, site, site_client, spawn_with_admin, App};

/// A film with a stored file of `len` bytes: (film id, file).
fn film_with_file(app: &App, admin: &Actor, code: &str, len: usize) -> (String, StoredFile) {
    let file = app.cms.store_bytes(admin, NewFile::new("film.mp4", Domain::Movie), &noise(len, len as u64)).unwrap();
    let input = MovieInput { file_id: Some(file.file_id.clone()), ..movie_input(code) };
    (app.cms.create_movie(admin, input).unwrap(), file)
}

fn board(app: &App, admin: &Actor, movie: &str) -> DeliveryBoard {
    app.cms.movie_deliveries(admin, movie, &DeliveryQuery::default()).unwrap()
}

fn state_at(app: &App, admin: &Actor, movie: &str, cinema: &str) -> Delivery {
    let b = board(app, admin, movie);
    b.item_list.into_iter().find(|d| d.cinema_id == cinema).expect("the pair is on the film's board")
}

fn report(state: DeliveryState, bytes: u64, total: u64) -> DeliveryReport {
    DeliveryReport { state, bytes, total_bytes: total, error: None, file_id: None }
}

/// The messages waiting for `cinema`, oldest first, acknowledging each to read the next.
fn drain(app: &App, admin: &Actor, cinema: &str) -> Vec<ComsMessage> {
    let mut out = Vec::new();
    while let Some(m) = app.cms.next_message(admin, cinema).unwrap() {
        app.cms.ack_message(admin, cinema, &m.message_id).unwrap();
        out.push(m);
    }
    out
}

#[test]
fn a_distribution_queues_each_pair_and_its_new_movie_carries_the_file() {
    let (app, admin) = spawn_with_admin();
    let (a, _, _) = site(&app.cms, &admin, "qa", 0);
    let (b, _, _) = site(&app.cms, &admin, "qb", 0);
    let (film, file) = film_with_file(&app, &admin, "qf", 5000);
    distribute(&app.cms, &admin, &film, &[&a, &b]).unwrap();
    let board = board(&app, &admin, &film);
    assert_eq!((board.total_count, board.state_counts.queued), (2, 2), "both pairs wait for their message");
    let d = &board.item_list[0];
    assert_eq!((d.bytes, d.total_bytes, d.file_id.as_deref()), (0, 5000, Some(file.file_id.as_str())));
    let head = app.cms.next_message(&admin, &a).unwrap().unwrap();
    assert_eq!(head.message_type, MessageType::NewMovie);
    let sent: FilmMessage = serde_json::from_value(head.message).unwrap();
    let expected = FilmFile { file_id: file.file_id.clone(), size: 5000, md5: file.md5.clone(), url: file.url.clone() };
    assert_eq!((sent.movie.movie_id.as_str(), sent.file), (film.as_str(), Some(expected)), "the film and its file");
}

#[test]
fn an_acknowledgement_makes_the_pairs_it_covers_sent() {
    let (app, admin) = spawn_with_admin();
    let (cinema, _, _) = site(&app.cms, &admin, "ack", 0);
    let films: Vec<String> = (1..=2).map(|i| film_with_file(&app, &admin, &format!("ack{i}"), 100).0).collect();
    for f in &films {
        distribute(&app.cms, &admin, f, &[&cinema]).unwrap();
    }
    let first = app.cms.next_message(&admin, &cinema).unwrap().unwrap();
    app.cms.ack_message(&site_client(&cinema), &cinema, &first.message_id).unwrap();
    assert_eq!(state_at(&app, &admin, &films[0], &cinema).state, DeliveryState::Sent, "its message was acknowledged");
    assert_eq!(state_at(&app, &admin, &films[1], &cinema).state, DeliveryState::Queued, "its message still waits");
    drain(&app, &admin, &cinema);
    assert_eq!(state_at(&app, &admin, &films[1], &cinema).state, DeliveryState::Sent);
}

#[test]
fn a_site_reports_progress_then_ready_or_failed_with_its_error() {
    let (app, admin) = spawn_with_admin();
    let (a, _, _) = site(&app.cms, &admin, "pa", 0);
    let (b, _, _) = site(&app.cms, &admin, "pb", 0);
    let (film, _) = film_with_file(&app, &admin, "pf", 1000);
    distribute(&app.cms, &admin, &film, &[&a, &b]).unwrap();
    let (ca, cb) = (site_client(&a), site_client(&b));
    app.cms.report_delivery(&ca, &a, &film, report(DeliveryState::Downloading, 400, 1000)).unwrap();
    let d = state_at(&app, &admin, &film, &a);
    assert_eq!((d.state, d.bytes, d.total_bytes), (DeliveryState::Downloading, 400, 1000));
    app.cms.report_delivery(&ca, &a, &film, report(DeliveryState::Ready, 1000, 1000)).unwrap();
    let failed = DeliveryReport { error: Some("磁盘已满".into()), ..report(DeliveryState::Failed, 10, 1000) };
    app.cms.report_delivery(&cb, &b, &film, failed).unwrap();
    let board = board(&app, &admin, &film);
    assert_eq!((board.state_counts.ready, board.state_counts.failed), (1, 1));
    assert_eq!(state_at(&app, &admin, &film, &b).error.as_deref(), Some("磁盘已满"), "the site's words");
}

#[test]
fn a_report_that_changes_nothing_tells_no_listener() {
    let (app, admin) = spawn_with_admin();
    let (cinema, _, _) = site(&app.cms, &admin, "same", 0);
    let (film, _) = film_with_file(&app, &admin, "samef", 1000);
    distribute(&app.cms, &admin, &film, &[&cinema]).unwrap();
    let told = super::site_changes(&app.cms);
    let client = site_client(&cinema);
    for _ in 0..3 {
        app.cms.report_delivery(&client, &cinema, &film, report(DeliveryState::Downloading, 400, 1000)).unwrap();
    }
    let expected = SiteChange { cinema_id: cinema.clone(), what: SiteChanged::Delivery { movie_id: film.clone() } };
    assert_eq!(*told.lock().unwrap(), [expected], "told once: the same report again changed nothing");
}

#[test]
fn a_report_must_be_about_the_files_whole_size_and_reportable_states() {
    let (app, admin) = spawn_with_admin();
    let (cinema, _, _) = site(&app.cms, &admin, "chk", 0);
    let (film, file) = film_with_file(&app, &admin, "chkf", 1000);
    distribute(&app.cms, &admin, &film, &[&cinema]).unwrap();
    let send = |r: DeliveryReport| app.cms.report_delivery(&site_client(&cinema), &cinema, &film, r).unwrap_err();
    assert_eq!(send(report(DeliveryState::Downloading, 1001, 1000)).field(), Some("bytes"), "more than the whole");
    assert_eq!(send(report(DeliveryState::Ready, 999, 1000)).field(), Some("bytes"), "READY has every byte");
    assert_eq!(send(report(DeliveryState::Sent, 0, 1000)).field(), Some("state"), "SENT is the CMS's to say");
    assert_eq!(send(report(DeliveryState::Downloading, 10, 2000)).code(), "conflict", "another size: another file");
    let other = DeliveryReport { file_id: Some("older".into()), ..report(DeliveryState::Downloading, 1, 1000) };
    assert_eq!(send(other).code(), "conflict", "another file id");
    let mine = DeliveryReport { file_id: Some(file.file_id), ..report(DeliveryState::Downloading, 1, 1000) };
    app.cms.report_delivery(&site_client(&cinema), &cinema, &film, mine).expect("the film's own file");
}

#[test]
fn a_cinemas_client_reports_its_own_deliveries_only() {
    let (app, admin) = spawn_with_admin();
    let (a, _, _) = site(&app.cms, &admin, "oa", 0);
    let (b, _, _) = site(&app.cms, &admin, "ob", 0);
    let (film, _) = film_with_file(&app, &admin, "of", 100);
    let (never, _) = film_with_file(&app, &admin, "on", 100);
    distribute(&app.cms, &admin, &film, &[&a, &b]).unwrap();
    let client = site_client(&a);
    let r = || report(DeliveryState::Downloading, 1, 100);
    assert_eq!(app.cms.report_delivery(&client, &b, &film, r()).unwrap_err().code(), "forbidden", "B's pair");
    assert_eq!(app.cms.cinema_deliveries(&client, &b, &DeliveryQuery::default()).unwrap_err().code(), "forbidden");
    assert_eq!(app.cms.report_delivery(&client, &a, "ghost", r()).unwrap_err().code(), "not_found");
    assert_eq!(app.cms.report_delivery(&client, &a, &never, r()).unwrap_err().code(), "not_found", "never sent");
    assert_eq!(app.cms.report_delivery(&admin, "ghost", &film, r()).unwrap_err().code(), "not_found");
    assert_eq!(state_at(&app, &admin, &film, &b).state, DeliveryState::Queued, "nothing of B's changed");
    let own = app.cms.cinema_deliveries(&client, &a, &DeliveryQuery::default()).unwrap();
    assert_eq!(own.item_list.iter().map(|d| d.movie_id.as_str()).collect::<Vec<_>>(), [film.as_str()]);
}

#[test]
fn a_replaced_file_tells_every_holder_and_restarts_their_deliveries() {
    let (app, admin) = spawn_with_admin();
    let cinemas: Vec<String> = ["ra", "rb", "rc"].iter().map(|c| site(&app.cms, &admin, c, 0).0).collect();
    let (film, _) = film_with_file(&app, &admin, "rf", 1000);
    distribute(&app.cms, &admin, &film, &cinemas.iter().collect::<Vec<_>>()).unwrap();
    for c in &cinemas[..2] {
        app.cms.report_delivery(&site_client(c), c, &film, report(DeliveryState::Ready, 1000, 1000)).unwrap();
    }
    app.cms.withdraw_movie(&admin, &film, Some(vec![cinemas[2].clone()])).unwrap();
    let heard: Vec<usize> = cinemas.iter().map(|c| drain(&app, &admin, c).len()).collect();
    let new = app.cms.store_bytes(&admin, NewFile::new("v2.mp4", Domain::Movie), &noise(3000, 9)).unwrap();
    app.cms
        .update_movie(&admin, &film, MovieInput { file_id: Some(new.file_id.clone()), ..Default::default() })
        .unwrap();
    for c in &cinemas[..2] {
        let told = drain(&app, &admin, c);
        assert_eq!(told.len(), 1, "one message for {c}");
        assert_eq!(told[0].message_type, MessageType::MovieUpdated);
        assert_eq!(told[0].message["file"]["fileID"], new.file_id.as_str(), "the new file");
    }
    assert!(drain(&app, &admin, &cinemas[2]).is_empty(), "a cinema it was withdrawn from is told nothing");
    assert_eq!(heard, [1, 1, 2], "before: NEW_MOVIE each, and MOVIE_WITHDRAWN for the third");
    let d = state_at(&app, &admin, &film, &cinemas[0]);
    assert_eq!((d.state, d.bytes, d.total_bytes), (DeliveryState::Sent, 0, 3000), "restarted with the new file");
    assert_eq!(d.file_id.as_deref(), Some(new.file_id.as_str()));
    let stale = report(DeliveryState::Ready, 1000, 1000);
    let err = app.cms.report_delivery(&site_client(&cinemas[1]), &cinemas[1], &film, stale).unwrap_err();
    assert_eq!(err.code(), "conflict", "a READY of the old file is stale news");
}

#[test]
fn a_changed_field_tells_holders_and_keeps_their_state_and_no_change_tells_nobody() {
    let (app, admin) = spawn_with_admin();
    let (cinema, _, _) = site(&app.cms, &admin, "fa", 0);
    let (film, _) = film_with_file(&app, &admin, "ff", 100);
    distribute(&app.cms, &admin, &film, &[&cinema]).unwrap();
    drain(&app, &admin, &cinema);
    app.cms.report_delivery(&site_client(&cinema), &cinema, &film, report(DeliveryState::Ready, 100, 100)).unwrap();
    app.cms.update_movie(&admin, &film, MovieInput::default()).unwrap();
    assert!(drain(&app, &admin, &cinema).is_empty(), "an update that changes nothing is no news");
    app.cms.update_movie(&admin, &film, MovieInput { online: Some(false), ..Default::default() }).unwrap();
    let told = drain(&app, &admin, &cinema);
    assert_eq!((told.len(), told[0].message_type), (1, MessageType::MovieUpdated));
    assert_eq!(told[0].message["online"], false, "the film as it is now");
    assert_eq!(state_at(&app, &admin, &film, &cinema).state, DeliveryState::Ready, "the same file: still READY");
}

#[test]
fn withdrawing_tells_each_holder_and_the_film_is_no_longer_the_cinemas() {
    let (app, admin) = spawn_with_admin();
    let (a, _, seats) = site(&app.cms, &admin, "wa", 1);
    let (b, _, _) = site(&app.cms, &admin, "wb", 0);
    let (film, _) = film_with_file(&app, &admin, "wf", 100);
    distribute(&app.cms, &admin, &film, &[&a]).unwrap();
    drain(&app, &admin, &a);
    let outcome = app.cms.withdraw_movie(&admin, &film, Some(vec![a.clone(), b.clone()])).unwrap();
    assert_eq!((outcome.withdrawn, outcome.not_distributed), (vec![a.clone()], vec![b.clone()]));
    let told = drain(&app, &admin, &a);
    assert_eq!((told.len(), told[0].message_type), (1, MessageType::MovieWithdrawn));
    assert_eq!(told[0].message, serde_json::json!({ "movieID": film }), "MOVIE_WITHDRAWN names the film");
    assert_eq!(state_at(&app, &admin, &film, &a).state, DeliveryState::Withdrawn);
    assert!(app.cms.movie_cinema_ids(&admin, &film).unwrap().is_empty(), "no cinema has it now");
    let listed = app.cms.list_movies(&admin, &MovieQuery { cinema_id: Some(a.clone()), ..Default::default() });
    assert_eq!(listed.unwrap().total_count, 0, "the cinema's films no longer list it");
    let task = VodTaskInput {
        movie_list: Some(vec![MovieRef { id: Some(film.clone()) }]),
        client_id: Some(seats[0].clone()),
        open_id: None,
    };
    assert!(app.cms.create_vod_task(&admin, task).unwrap_err().to_string().contains("not distributed"));
    let late = app.cms.report_delivery(&site_client(&a), &a, &film, report(DeliveryState::Ready, 100, 100));
    assert_eq!(late.unwrap_err().code(), "conflict", "a report on a withdrawn pair is stale news");
}

#[test]
fn withdrawing_is_all_or_nothing_while_a_task_there_still_needs_the_film() {
    let (app, admin) = spawn_with_admin();
    let (a, _, seats) = site(&app.cms, &admin, "ta", 1);
    let (b, _, _) = site(&app.cms, &admin, "tb", 0);
    let (film, _) = film_with_file(&app, &admin, "tf", 100);
    distribute(&app.cms, &admin, &film, &[&b, &a]).unwrap();
    let task = VodTaskInput {
        movie_list: Some(vec![MovieRef { id: Some(film.clone()) }]),
        client_id: Some(seats[0].clone()),
        open_id: None,
    };
    app.cms.create_vod_task(&admin, task).unwrap();
    let err = app.cms.withdraw_movie(&admin, &film, Some(vec![b.clone(), a.clone()])).unwrap_err();
    assert_eq!(err.code(), "in_use", "{err}");
    assert_eq!(state_at(&app, &admin, &film, &b).state, DeliveryState::Queued, "B was not withdrawn either");
    let unknown = app.cms.withdraw_movie(&admin, &film, Some(vec!["ghost".into()])).unwrap_err();
    assert_eq!(unknown.code(), "not_found");
    assert_eq!(app.cms.withdraw_movie(&admin, &film, None).unwrap_err().field(), Some("cinemaIDList"));
}

#[test]
fn a_film_withdrawn_then_distributed_again_is_queued_anew() {
    let (app, admin) = spawn_with_admin();
    let (cinema, _, _) = site(&app.cms, &admin, "again", 0);
    let (film, _) = film_with_file(&app, &admin, "againf", 100);
    distribute(&app.cms, &admin, &film, &[&cinema]).unwrap();
    app.cms.withdraw_movie(&admin, &film, Some(vec![cinema.clone()])).unwrap();
    drain(&app, &admin, &cinema);
    let outcome = distribute(&app.cms, &admin, &film, &[&cinema]).unwrap();
    assert_eq!(outcome.added, std::slice::from_ref(&cinema), "given again");
    assert_eq!(state_at(&app, &admin, &film, &cinema).state, DeliveryState::Queued);
    assert_eq!(drain(&app, &admin, &cinema)[0].message_type, MessageType::NewMovie);
}

#[test]
fn a_retry_sends_new_movie_again_and_requeues_the_pair() {
    let (app, admin) = spawn_with_admin();
    let (a, _, _) = site(&app.cms, &admin, "rya", 0);
    let (b, _, _) = site(&app.cms, &admin, "ryb", 0);
    let (never, _, _) = site(&app.cms, &admin, "ryn", 0);
    let (film, _) = film_with_file(&app, &admin, "ryf", 100);
    distribute(&app.cms, &admin, &film, &[&a, &b]).unwrap();
    drain(&app, &admin, &a);
    let failed = DeliveryReport { error: Some("timeout".into()), ..report(DeliveryState::Failed, 5, 100) };
    app.cms.report_delivery(&site_client(&a), &a, &film, failed).unwrap();
    app.cms.retry_deliveries(&admin, &film, Some(vec![a.clone()])).unwrap();
    let d = state_at(&app, &admin, &film, &a);
    assert_eq!((d.state, d.bytes, d.error), (DeliveryState::Queued, 0, None), "back to the start");
    assert_eq!(drain(&app, &admin, &a)[0].message_type, MessageType::NewMovie, "the message again");
    let err = app.cms.retry_deliveries(&admin, &film, Some(vec![a.clone(), never.clone()])).unwrap_err();
    assert_eq!(err.code(), "not_found", "a cinema never given the film");
    app.cms.withdraw_movie(&admin, &film, Some(vec![b.clone()])).unwrap();
    assert_eq!(app.cms.retry_deliveries(&admin, &film, Some(vec![b])).unwrap_err().code(), "conflict");
}

#[test]
fn deleting_a_distributed_film_withdraws_it_from_each_holder() {
    let (app, admin) = spawn_with_admin();
    let (a, _, _) = site(&app.cms, &admin, "da", 0);
    let (film, _) = film_with_file(&app, &admin, "df", 100);
    distribute(&app.cms, &admin, &film, &[&a]).unwrap();
    drain(&app, &admin, &a);
    app.cms.delete_movies(&admin, std::slice::from_ref(&film)).unwrap();
    let told = drain(&app, &admin, &a);
    assert_eq!((told.len(), told[0].message_type), (1, MessageType::MovieWithdrawn));
    assert_eq!(app.cms.cinema_deliveries(&admin, &a, &DeliveryQuery::default()).unwrap().total_count, 0);
}

#[test]
fn a_films_board_pages_by_cinema_code_and_filters_by_state_and_region() {
    let (app, admin) = spawn_with_admin();
    let codes = ["bd3", "bd1", "bd2"];
    let cinemas: Vec<String> = codes.iter().map(|c| site(&app.cms, &admin, c, 0).0).collect();
    let beijing = CinemaInput { region_id: Some("BEIJING".into()), ..Default::default() };
    app.cms.update_cinema(&admin, &cinemas[0], beijing).unwrap();
    let (film, _) = film_with_file(&app, &admin, "bdf", 100);
    distribute(&app.cms, &admin, &film, &cinemas.iter().collect::<Vec<_>>()).unwrap();
    app.cms
        .report_delivery(&site_client(&cinemas[1]), &cinemas[1], &film, report(DeliveryState::Ready, 100, 100))
        .unwrap();
    let q =
        |state, region: Option<&str>, paging| DeliveryQuery { state, region_id: region.map(str::to_string), paging };
    let page = app.cms.movie_deliveries(&admin, &film, &q(None, None, super::paging(Some(1), Some(1)))).unwrap();
    assert_eq!((page.total_count, page.item_list[0].cinema_code.as_str()), (3, "bd2"), "by cinema code, paged");
    let ready =
        app.cms.movie_deliveries(&admin, &film, &q(Some(DeliveryState::Ready), None, Paging::default())).unwrap();
    assert_eq!((ready.total_count, ready.item_list[0].cinema_code.as_str()), (1, "bd1"));
    assert_eq!((ready.state_counts.ready, ready.state_counts.queued), (1, 2), "counts ignore the state filter");
    let north = app.cms.movie_deliveries(&admin, &film, &q(None, Some("BEIJING"), Paging::default())).unwrap();
    assert_eq!((north.total_count, north.state_counts.queued, north.state_counts.ready), (1, 1, 0), "by region");
    assert_eq!(app.cms.movie_deliveries(&admin, "ghost", &DeliveryQuery::default()).unwrap_err().code(), "not_found");
}
