//! Which cinemas a user sees: every one for a SYS_ADMIN or a MANAGER of all cinemas, else those
//! assigned directly or through a region (resolved at each call), and none for a new MANAGER.
//! Out of scope a record is not found on a read and forbidden on a write, and nothing changes.

use cinedesk_core::library::{NewFolder, Owner};
use cinedesk_core::*;

use super::{cinema_input, distribute, movie_input, site, spawn_with_admin, user_input, App, Person};

/// A MANAGER made with `scope` (its assignments), logged in.
fn manager_with(app: &App, admin: &Actor, alias: &str, scope: UserInput) -> Person {
    let input = UserInput {
        all_cinemas: scope.all_cinemas,
        cinema_id_list: scope.cinema_id_list,
        region_id_list: scope.region_id_list,
        ..user_input(alias, ROLE_MANAGER)
    };
    app.cms.create_user(admin, input).expect("a manager");
    app.login(alias)
}

fn of_cinemas(ids: &[&String]) -> UserInput {
    UserInput { cinema_id_list: Some(ids.iter().map(|c| (*c).clone()).collect()), ..Default::default() }
}

fn cinema_ids(app: &App, who: &Actor) -> Vec<String> {
    let page = app.cms.list_cinemas(who, &CinemaQuery::default()).expect("a list");
    page.item_list.into_iter().map(|c| c.cinema_id).collect()
}

fn in_region(code: &str, region: &str) -> CinemaInput {
    CinemaInput { region_id: Some(region.into()), ..cinema_input(code) }
}

#[test]
fn a_new_manager_sees_no_cinema_until_it_is_given_some() {
    let (app, admin) = spawn_with_admin();
    let (a, _, _) = site(&app.cms, &admin, "a", 2);
    let new = manager_with(&app, &admin, "new", UserInput::default());
    assert!(cinema_ids(&app, &new.actor).is_empty(), "nothing assigned: nothing seen");
    assert_eq!(app.cms.list_vr_clients(&new.actor, &VrClientQuery::default()).unwrap().total_count, 0);
    let all = manager_with(&app, &admin, "all", UserInput { all_cinemas: Some(true), ..Default::default() });
    assert_eq!(cinema_ids(&app, &all.actor), vec![a], "all cinemas: every one");
}

#[test]
fn a_region_brings_its_cinemas_including_those_created_or_moved_there_later() {
    let (app, admin) = spawn_with_admin();
    let bj = app.cms.create_cinema(&admin, in_region("bj1", "BEIJING")).unwrap();
    let sh = app.cms.create_cinema(&admin, in_region("sh1", "SHANGHAI")).unwrap();
    let north = UserInput { region_id_list: Some(vec!["BEIJING".into()]), ..Default::default() };
    let m = manager_with(&app, &admin, "north", north);
    assert_eq!(cinema_ids(&app, &m.actor), vec![bj.clone()]);
    let later = app.cms.create_cinema(&admin, in_region("bj2", "BEIJING")).unwrap();
    let moved = CinemaInput { region_id: Some("BEIJING".into()), ..Default::default() };
    app.cms.update_cinema(&admin, &sh, moved).unwrap();
    let mut seen = cinema_ids(&app, &m.actor);
    seen.sort();
    let mut want = vec![bj, later, sh];
    want.sort();
    assert_eq!(seen, want, "the region's cinemas as they are now, with no new login");
}

#[test]
fn another_cinemas_records_are_not_found() {
    let (app, admin) = spawn_with_admin();
    let (a, _, _) = site(&app.cms, &admin, "a", 1);
    let (b, hall_b, seats_b) = site(&app.cms, &admin, "b", 1);
    let m = manager_with(&app, &admin, "ma", of_cinemas(&[&a]));
    let scene = app.cms.get_vr_client(&admin, &seats_b[0]).unwrap().scene_number;
    let not_found = |what: &str, e: Error| assert_eq!(e.code(), "not_found", "{what} of another cinema: {e}");
    not_found("the cinema", app.cms.get_cinema(&m.actor, &b).unwrap_err());
    not_found("a hall", app.cms.get_hall(&m.actor, &hall_b).unwrap_err());
    not_found("a seat", app.cms.get_vr_client(&m.actor, &seats_b[0]).unwrap_err());
    not_found("a seat by scene", app.cms.vr_client_by_scene(&m.actor, &scene).unwrap_err());
    not_found("a seat's QR code", app.cms.seat_qr_code(&m.actor, &seats_b[0], QrFormat::Svg, 256).unwrap_err());
    not_found("a hall's sheet", app.cms.hall_qr_sheet(&m.actor, &hall_b, SheetFormat::Zip, 1).unwrap_err());
    not_found("its deletion impact", app.cms.cinema_deletion_impact(&m.actor, std::slice::from_ref(&b)).unwrap_err());
    not_found("its keys", app.cms.list_api_keys(&m.actor, &b).unwrap_err());
    not_found("its COMS queue", app.cms.pending_message_count(&m.actor, &b).unwrap_err());
}

#[test]
fn a_write_to_another_cinema_is_forbidden_and_changes_nothing() {
    let (app, admin) = spawn_with_admin();
    let (a, hall_a, seats_a) = site(&app.cms, &admin, "a", 1);
    let (b, hall_b, seats_b) = site(&app.cms, &admin, "b", 1);
    let m = manager_with(&app, &admin, "ma", of_cinemas(&[&a]));
    let forbidden = |what: &str, r: Result<()>| assert_eq!(r.unwrap_err().code(), "forbidden", "{what}");
    let rename = CinemaInput { name: Some("taken".into()), ..Default::default() };
    forbidden("renaming it", app.cms.update_cinema(&m.actor, &b, rename));
    forbidden("a hall there", app.cms.create_hall(&m.actor, super::hall_input(&b, "b_h2")).map(drop));
    forbidden("a seat there", app.cms.create_vr_client(&m.actor, super::seat_input(&hall_b, "Z9")).map(drop));
    forbidden("a new scene", app.cms.regenerate_scene_number(&m.actor, &seats_b[0]).map(drop));
    forbidden("a key", app.cms.create_api_key(&m.actor, &b).map(drop));
    let move_hall = HallInput { cinema_id: Some(b.clone()), ..Default::default() };
    forbidden("moving its own hall there", app.cms.update_hall(&m.actor, &hall_a, move_hall));
    forbidden(
        "a batch with one of its seats",
        app.cms.delete_vr_clients(&m.actor, &[seats_a[0].clone(), seats_b[0].clone()]),
    );
    forbidden("deleting it", app.cms.delete_cinemas(&m.actor, std::slice::from_ref(&b)));
    assert_eq!(app.cms.get_cinema(&admin, &b).unwrap().name, "X立方 b", "unchanged");
    assert_eq!(app.cms.get_hall(&admin, &hall_a).unwrap().cinema_id, a, "the hall stayed");
    assert_eq!(app.cms.list_vr_clients(&admin, &VrClientQuery::default()).unwrap().total_count, 2, "both seats stay");
}

#[test]
fn a_manager_cannot_move_a_cinema_out_of_its_regions_nor_create_one_outside_them() {
    let (app, admin) = spawn_with_admin();
    let bj = app.cms.create_cinema(&admin, in_region("bj1", "BEIJING")).unwrap();
    let north = UserInput { region_id_list: Some(vec!["BEIJING".into()]), ..Default::default() };
    let m = manager_with(&app, &admin, "north", north);
    let away = CinemaInput { region_id: Some("SHANGHAI".into()), ..Default::default() };
    assert_eq!(app.cms.update_cinema(&m.actor, &bj, away).unwrap_err().code(), "forbidden");
    assert_eq!(app.cms.create_cinema(&m.actor, in_region("sh9", "SHANGHAI")).unwrap_err().code(), "forbidden");
    app.cms.create_cinema(&m.actor, in_region("bj9", "BEIJING")).expect("a cinema in its own region");
    assert_eq!(cinema_ids(&app, &admin).len(), 2, "the refused one was not made");
}

#[test]
fn distribution_names_only_the_managers_cinemas_all_or_nothing() {
    let (app, admin) = spawn_with_admin();
    let (a, _, _) = site(&app.cms, &admin, "a", 0);
    let (b, _, _) = site(&app.cms, &admin, "b", 0);
    let m = manager_with(&app, &admin, "ma", of_cinemas(&[&a]));
    let film = app.cms.create_movie(&m.actor, movie_input("film")).expect("films are the chain's");
    let err = distribute(&app.cms, &m.actor, &film, &[&a, &b]).unwrap_err();
    assert_eq!(err.code(), "forbidden", "{err}");
    assert!(app.cms.movie_cinema_ids(&admin, &film).unwrap().is_empty(), "not even its own cinema got it");
    distribute(&app.cms, &admin, &film, &[&a, &b]).unwrap();
    assert_eq!(app.cms.movie_cinema_ids(&m.actor, &film).unwrap(), vec![a], "it sees its own cinema only");
    let refused = app.cms.delete_movies(&m.actor, std::slice::from_ref(&film)).unwrap_err();
    assert_eq!(refused.code(), "forbidden", "deleting would withdraw it from cinema b: {refused}");
}

#[test]
fn a_narrower_scope_holds_from_the_next_call() {
    let (app, admin) = spawn_with_admin();
    let (a, _, _) = site(&app.cms, &admin, "a", 0);
    let (b, _, _) = site(&app.cms, &admin, "b", 0);
    let m = manager_with(&app, &admin, "ma", UserInput { all_cinemas: Some(true), ..Default::default() });
    assert_eq!(cinema_ids(&app, &m.actor), vec![a.clone(), b], "every cinema, in code order");
    let narrower = UserInput { all_cinemas: Some(false), ..of_cinemas(&[&a]) };
    app.cms.update_user(&admin, &m.id, narrower).unwrap();
    let again = Actor::User(app.cms.authenticate(&m.token).expect("the session lives on"));
    assert_eq!(cinema_ids(&app, &again), vec![a], "the session resolves the new scope");
}

#[test]
fn a_users_scope_is_shown_with_it_and_a_deleted_region_takes_its_assignments() {
    let (app, admin) = spawn_with_admin();
    let (a, _, _) = site(&app.cms, &admin, "a", 0);
    let both = UserInput { region_id_list: Some(vec!["BEIJING".into()]), ..of_cinemas(&[&a]) };
    let m = manager_with(&app, &admin, "ma", both);
    let shown = app.cms.get_user(&admin, &m.id).unwrap();
    assert_eq!(
        (shown.all_cinemas, shown.cinema_id_list, shown.region_id_list),
        (false, vec![a], vec!["BEIJING".into()])
    );
    app.cms.delete_enum_value(&admin, EnumKind::CinemaRegion, "BEIJING").unwrap();
    assert!(app.cms.get_user(&admin, &m.id).unwrap().region_id_list.is_empty());
}

#[test]
fn an_unknown_cinema_or_region_is_refused_by_name() {
    let (app, admin) = spawn_with_admin();
    let bad = UserInput { cinema_id_list: Some(vec!["ghost".into()]), ..user_input("x1", ROLE_MANAGER) };
    assert_eq!(
        super::field_of(app.cms.create_user(&admin, bad).unwrap_err()),
        ("invalid".into(), "cinemaIDList".into())
    );
    let bad = UserInput { region_id_list: Some(vec!["ATLANTIS".into()]), ..user_input("x2", ROLE_MANAGER) };
    assert_eq!(
        super::field_of(app.cms.create_user(&admin, bad).unwrap_err()),
        ("invalid".into(), "regionIDList".into())
    );
}

#[test]
fn the_library_shows_and_changes_only_the_managers_cinema_spaces() {
    let (app, admin) = spawn_with_admin();
    let (a, _, _) = site(&app.cms, &admin, "a", 0);
    let (b, _, _) = site(&app.cms, &admin, "b", 0);
    let m = manager_with(&app, &admin, "ma", of_cinemas(&[&a]));
    let spaces = app.cms.library_spaces(&m.actor).unwrap();
    let groups: Vec<&str> = spaces.iter().filter(|s| s.owner_type == "1").map(|s| s.owner_id.as_str()).collect();
    assert_eq!(groups, vec![a.as_str()], "its own cinema's space, not b's");
    let space_b = Owner::Cinema(b.clone());
    let folder = NewFolder { owner: space_b.clone(), parent_id: None, name: "x".into() };
    assert_eq!(app.cms.create_folder(&m.actor, folder).unwrap_err().code(), "forbidden");
    assert_eq!(app.cms.list_folders(&m.actor, Some(&space_b), None).unwrap_err().code(), "not_found");
}

#[test]
fn the_migration_gives_every_manager_from_before_all_cinemas() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DB_FILE);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let dir_of = concat!(env!("CARGO_MANIFEST_DIR"), "/migrations");
    let mut files: Vec<_> = std::fs::read_dir(dir_of).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let before: Vec<_> = files.iter().take_while(|f| !f.to_string_lossy().contains("0009_")).collect();
    for f in &before {
        conn.execute_batch(&std::fs::read_to_string(f).unwrap()).unwrap();
    }
    conn.pragma_update(None, "user_version", before.len() as i64).unwrap();
    conn.execute(
        "INSERT INTO users(id, name, alias, role, password_hash, created_at) VALUES ('old', '老经理', 'old', 'MANAGER', 'x', 0)",
        [],
    )
    .unwrap();
    drop(conn);
    let cms = Cms::open(dir.path()).unwrap();
    assert!(cms.get_user(&Actor::System, "old").unwrap().all_cinemas, "an upgrade changes no one's access");
}
