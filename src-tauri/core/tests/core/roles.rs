//! Who may do what, decided by each use case from its caller: SYS_ADMIN everything, MANAGER all
//! but users, enumerations and storage credentials, a cinema's client only what a site's machine
//! does, and a refusal before anything about the ids or input is read. (Which cinemas a MANAGER
//! sees: `scope`.)

use cinedesk_core::library::{NewFolder, ResourceSearch};
use cinedesk_core::*;

use super::{cinema_input, site, spawn_app, spawn_with_admin, user_input, App};

/// What a call answered, whatever it was.
fn ok<T>(r: Result<T>) -> Result<()> {
    r.map(drop)
}

/// One call of each capability, made by `who`.
fn one_of_each(app: &App, who: &Actor, cinema: &str, user: &str) -> Vec<(&'static str, Capability, Result<()>)> {
    let cms = &app.cms;
    let region = EnumValue { id: "BEIJING".into(), name: "北京".into(), is_default: false };
    vec![
        ("list cinemas", Capability::Operate, ok(cms.list_cinemas(who, &CinemaQuery::default()))),
        ("list films", Capability::Operate, ok(cms.list_movies(who, &MovieQuery::default()))),
        ("list seats", Capability::Operate, ok(cms.list_vr_clients(who, &VrClientQuery::default()))),
        ("list halls", Capability::Operate, ok(cms.list_halls(who, &HallQuery::default()))),
        ("list tasks", Capability::Operate, ok(cms.list_vod_tasks(who, &VodTaskQuery::default()))),
        ("list headsets", Capability::Operate, ok(cms.list_hmd_models(who, &ModelQuery::default()))),
        ("list seat models", Capability::Operate, ok(cms.list_seat_models(who, &ModelQuery::default()))),
        ("read enums", Capability::Operate, ok(cms.sys_enums(who))),
        ("read settings", Capability::Operate, ok(cms.qr_template(who))),
        ("list users", Capability::ManageUsers, ok(cms.list_users(who, &UserQuery::default()))),
        ("get a user", Capability::ManageUsers, ok(cms.get_user(who, user))),
        ("rename a region", Capability::ManageEnums, cms.put_enum_value(who, EnumKind::CinemaRegion, region)),
        ("set the QR template", Capability::ManageEnums, cms.set_qr_template(who, DEFAULT_QR_TEMPLATE)),
        ("list API keys", Capability::Operate, ok(cms.list_api_keys(who, cinema))),
        ("read upload settings", Capability::ManageStorage, ok(cms.oss_config(who))),
        ("list uploads", Capability::Upload, ok(cms.list_uploads(who, None, None))),
        ("list resources", Capability::Library, ok(cms.list_resources(who, &ResourceSearch::default()))),
        ("list videos", Capability::Vod, ok(cms.vod_recommended(who, None, None))),
    ]
}

#[test]
fn a_manager_operates_but_manages_no_users_enumerations_or_storage() {
    let app = spawn_app();
    let admin = app.admin();
    let manager = app.manager(&admin.actor).actor;
    let cinema = app.cms.create_cinema(&admin.actor, cinema_input("roles")).unwrap();
    for (what, cap, result) in one_of_each(&app, &manager, &cinema, &admin.id) {
        match cap {
            Capability::ManageUsers | Capability::ManageEnums | Capability::ManageStorage => {
                let err = result.expect_err(what);
                assert!(matches!(err, Error::Forbidden(ROLE_SYS_ADMIN)), "a MANAGER may not {what}: {err}");
            }
            _ => result.unwrap_or_else(|e| panic!("a MANAGER may {what}: {e}")),
        }
    }
}

#[test]
fn a_sys_admin_and_the_system_may_do_everything() {
    let app = spawn_app();
    let admin = app.admin();
    let cinema = app.cms.create_cinema(&admin.actor, cinema_input("roles")).unwrap();
    for who in [&admin.actor, &Actor::System] {
        for (what, _, result) in one_of_each(&app, who, &cinema, &admin.id) {
            result.unwrap_or_else(|e| panic!("{who:?} may {what}: {e}"));
        }
    }
}

#[test]
fn a_cinemas_client_may_only_upload_and_use_the_library_and_videos() {
    let (app, admin) = spawn_with_admin();
    let cinema = app.cms.create_cinema(&admin, cinema_input("site")).unwrap();
    let client = Actor::Cinema { cinema_id: cinema.clone(), apikey: "ck_site".into(), origin: Origin::local() };
    let user = app.cms.me(&admin).unwrap().user_id;
    for (what, cap, result) in one_of_each(&app, &client, &cinema, &user) {
        match cap {
            Capability::Upload | Capability::Library | Capability::Vod => {
                result.unwrap_or_else(|e| panic!("a cinema's client may {what}: {e}"))
            }
            _ => assert_eq!(result.expect_err(what).code(), "forbidden", "a cinema's client may not {what}"),
        }
    }
}

#[test]
fn a_token_that_names_no_session_is_unauthorized() {
    let (app, _) = spawn_with_admin();
    for token in ["", "garbage"] {
        let err = app.cms.authenticate(token).unwrap_err();
        assert!(matches!(err, Error::Unauthorized), "{token:?} is no session: {err}");
        assert!(app.cms.cached_principal(token).is_none());
    }
}

#[test]
fn a_manager_cannot_make_an_administrator_and_nothing_is_made() {
    let app = spawn_app();
    let admin = app.admin().actor;
    let manager = app.manager(&admin).actor;
    let refused = app.cms.create_user(&manager, user_input("sneaky", "SYS_ADMIN")).unwrap_err();
    assert_eq!(refused.code(), "forbidden", "a MANAGER cannot make themselves an administrator");
    assert_eq!(app.cms.list_users(&admin, &UserQuery::default()).unwrap().total_count, 2, "nothing was created");
}

#[test]
fn a_refused_caller_learns_nothing_about_ids() {
    let app = spawn_app();
    let admin = app.admin().actor;
    let manager = app.manager(&admin).actor;
    let forbidden = |what: &str, r: Result<()>| {
        let err = r.expect_err(what);
        assert!(matches!(err, Error::Forbidden(_)), "a MANAGER is refused {what} before the id is read: {err}");
    };
    forbidden("a user", ok(app.cms.get_user(&manager, "")));
    forbidden("deleting users", app.cms.delete_users(&manager, &["ghost".into()]));
    forbidden("storage settings", ok(app.cms.oss_config(&manager)));
    let empty = EnumValue { id: "".into(), name: "x".into(), is_default: false };
    forbidden("an enumeration", app.cms.put_enum_value(&manager, EnumKind::MovieCountry, empty));
    forbidden("an enumeration", app.cms.delete_enum_value(&manager, EnumKind::MovieCountry, ""));
}

#[test]
fn an_empty_id_names_no_record() {
    let (app, admin) = spawn_with_admin();
    let (cms, a) = (&app.cms, &admin);
    let not_found = |what: &str, r: Result<()>| {
        let err = r.expect_err(what);
        assert!(matches!(err, Error::NotFound { .. }), "{what} with an empty id: {err}");
    };
    not_found("get a cinema", ok(cms.get_cinema(a, "")));
    not_found("update a hall", cms.update_hall(a, "", HallInput::default()));
    not_found("get a seat", ok(cms.get_vr_client(a, "")));
    not_found("regenerate a scene", ok(cms.regenerate_scene_number(a, "")));
    not_found("draw a QR code", ok(cms.seat_qr_code(a, "", QrFormat::Png, 256)));
    not_found("praise a film", ok(cms.praise_movie(a, "", None)));
    not_found("distribute a film", ok(cms.distribute_movie(a, "", DistributeInput::default())));
    not_found("find a film's cinemas", ok(cms.movie_cinema_ids(a, "")));
    not_found("move a task", cms.set_vod_task_status(a, "", VodStatus::Accepted, None));
    not_found("get a user", ok(cms.get_user(a, "")));
    not_found("update a headset", cms.update_hmd_model(a, "", HmdModelInput::default()));
    not_found("update a seat model", cms.update_seat_model(a, "", SeatModelInput::default()));
    not_found("issue a key", ok(cms.create_api_key(a, "")));
    not_found("list keys", ok(cms.list_api_keys(a, "")));
    not_found("revoke a key", cms.revoke_api_key(a, "", "ck_x"));
    not_found("delete a value", cms.delete_enum_value(a, EnumKind::MovieCountry, ""));
    let empty = EnumValue { id: "".into(), name: "x".into(), is_default: false };
    assert_eq!(cms.put_enum_value(a, EnumKind::MovieCountry, empty).unwrap_err().field(), Some("id"));
}

#[test]
fn an_unknown_key_of_an_unknown_cinema_is_not_found() {
    let (app, admin) = spawn_with_admin();
    let err = app.cms.revoke_api_key(&admin, "ghost", "").unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "revoke an empty key: {err}");
}

#[test]
fn a_cinemas_client_writes_its_own_library_space_only() {
    let (app, admin) = spawn_with_admin();
    let (mine, _, _) = site(&app.cms, &admin, "own", 0);
    let (other, _, _) = site(&app.cms, &admin, "else", 0);
    let client = Actor::Cinema { cinema_id: mine.clone(), apikey: "ck_own".into(), origin: Origin::local() };
    let folder =
        |cinema: &str| NewFolder { owner: Owner::Cinema(cinema.into()), parent_id: None, name: "海报".into() };
    app.cms.create_folder(&client, folder(&mine)).expect("its own cinema's space");
    assert_eq!(app.cms.create_folder(&client, folder(&other)).unwrap_err().code(), "forbidden");
}
