//! Users (seed §7), sessions, the first run, and the enumerations (§8) their forms use.

use cinedesk_core::*;

use super::{cinema_input, field_of, paging, spawn_app, spawn_with_admin, user_input, PASSWORD};

#[test]
fn a_user_answers_every_seed_field_and_no_secret() {
    let (app, admin) = spawn_with_admin();
    let id = app.cms.create_user(&admin, user_input("zhangsan", "SYS_ADMIN,MANAGER")).unwrap();
    let u = app.cms.get_user(&admin, &id).unwrap();
    assert_eq!(u.role, "SYS_ADMIN,MANAGER");
    let json = serde_json::to_value(&u).unwrap();
    for key in ["userID", "name", "alias", "iconID", "iconURL", "role", "createTime"] {
        assert!(json.get(key).is_some(), "user JSON must carry {key}: {json}");
    }
    assert!(json.get("password").is_none() && !json.to_string().contains("argon2"), "no secret leaks: {json}");
}

#[test]
fn each_invalid_user_field_is_named_and_aliases_are_unique_regardless_of_case() {
    let (app, admin) = spawn_with_admin();
    app.cms.create_user(&admin, user_input("zhangsan", "MANAGER")).unwrap();
    for (input, field) in [
        (user_input("zhang-san", "MANAGER"), "alias"),
        (user_input("lisi", "EMPEROR"), "role"),
        (UserInput { password: Some("short".into()), ..user_input("lisi", "MANAGER") }, "password"),
        (UserInput { password: None, ..user_input("lisi", "MANAGER") }, "password"),
        (UserInput { name: None, ..user_input("lisi", "MANAGER") }, "name"),
    ] {
        assert_eq!(app.cms.create_user(&admin, input).unwrap_err().field(), Some(field), "{field} is checked");
    }
    let dup = app.cms.create_user(&admin, user_input("ZhangSan", "MANAGER")).unwrap_err();
    assert_eq!(field_of(dup), ("conflict".into(), "alias".into()));
}

#[test]
fn users_are_paged_and_filtered_by_alias_role_and_ids() {
    let app = spawn_app();
    let admin = app.admin().actor;
    app.manager(&admin);
    let id = app.cms.create_user(&admin, user_input("zhangsan", "SYS_ADMIN,MANAGER")).unwrap();
    let list = |q: UserQuery| app.cms.list_users(&admin, &q).unwrap();
    assert_eq!(list(UserQuery::default()).total_count, 3, "the admin, the manager and zhangsan");
    let page = list(UserQuery { paging: paging(Some(1), Some(1)), ..Default::default() });
    assert_eq!((page.total_count, page.item_list.len()), (3, 1), "users are paged like everything else");
    assert_eq!(list(UserQuery { alias: Some("zhangsan".into()), ..Default::default() }).item_list[0].user_id, id);
    assert_eq!(list(UserQuery { role: Some("MANAGER".into()), ..Default::default() }).total_count, 2);
    assert_eq!(list(UserQuery { user_ids: vec![id], ..Default::default() }).total_count, 1);
}

#[test]
fn a_user_update_changes_the_name_and_unknown_users_are_not_found() {
    let (app, admin) = spawn_with_admin();
    let id = app.cms.create_user(&admin, user_input("zhangsan", "MANAGER")).unwrap();
    app.cms.update_user(&admin, &id, UserInput { name: Some("李四".into()), ..Default::default() }).unwrap();
    assert_eq!(app.cms.get_user(&admin, &id).unwrap().name, "李四");
    assert_eq!(app.cms.get_user(&admin, "ghost").unwrap_err().code(), "not_found");
    assert_eq!(app.cms.update_user(&admin, "ghost", UserInput::default()).unwrap_err().code(), "not_found");
}

#[test]
fn passwords_are_stored_as_argon2_hashes_only() {
    let (app, admin) = spawn_with_admin();
    app.cms.create_user(&admin, user_input("zhangsan", "MANAGER")).unwrap();
    // The whole database file is searched, its write-ahead log too.
    let db = std::fs::read(app.cms.data_dir().join(DB_FILE)).unwrap();
    let wal = std::fs::read(app.cms.data_dir().join(format!("{DB_FILE}-wal"))).unwrap_or_default();
    let haystack = [db, wal].concat();
    assert!(!haystack.windows(PASSWORD.len()).any(|w| w == PASSWORD.as_bytes()), "plain password in the database");
    assert!(haystack.windows(9).any(|w| w == b"$argon2id"), "argon2id hash expected in the database");
}

#[test]
fn a_login_answers_the_session_and_a_wrong_alias_looks_like_a_wrong_password() {
    let app = spawn_app();
    let admin = app.admin();
    let bad = app.cms.login("sysadmin", "wrong password").unwrap_err();
    assert!(matches!(bad, Error::BadCredentials), "a wrong password is bad credentials: {bad}");
    assert_eq!(bad.code(), "unauthorized");
    assert_eq!(
        app.cms.login("nobody", PASSWORD).unwrap_err().code(),
        "unauthorized",
        "an unknown alias looks the same"
    );
    assert_eq!(field_of(app.cms.login(" ", PASSWORD).unwrap_err()), ("invalid".into(), "alias".into()));
    let s = app.cms.login("sysadmin", PASSWORD).unwrap();
    assert_eq!((s.user_id.as_str(), s.role.as_str(), s.name.as_str()), (admin.id.as_str(), "SYS_ADMIN", "系统管理员"));
    assert_eq!(s.token.len(), 64, "a 256-bit token");
}

#[test]
fn every_session_knows_its_user() {
    let app = spawn_app();
    let admin = app.admin();
    let manager = app.manager(&admin.actor);
    let me = app.cms.me(&admin.actor).unwrap();
    assert_eq!((me.user_id.as_str(), me.alias.as_str()), (admin.id.as_str(), "sysadmin"), "who am I names the user");
    assert_eq!(app.cms.me(&manager.actor).unwrap().user_id, manager.id);
    assert_eq!(app.cms.me(&Actor::System).unwrap_err().code(), "forbidden", "the system is nobody's session");
}

#[test]
fn a_password_change_ends_every_session_of_the_user_and_the_old_password() {
    let app = spawn_app();
    let admin = app.admin().actor;
    let manager = app.manager(&admin);
    let second = app.login("manager1");
    let change = UserInput { password: Some("a new password".into()), ..Default::default() };
    app.cms.update_user(&admin, &manager.id, change).unwrap();
    for token in [&manager.token, &second.token] {
        let err = app.cms.authenticate(token).unwrap_err();
        assert!(matches!(err, Error::Unauthorized), "a password change ends every session of the user: {err}");
    }
    assert_eq!(app.cms.login("manager1", PASSWORD).unwrap_err().code(), "unauthorized", "the old password is gone");
    app.cms.login("manager1", "a new password").expect("the new password works");
}

#[test]
fn deleting_a_user_and_logging_out_end_sessions_and_others_live_on() {
    let app = spawn_app();
    let admin = app.admin();
    let manager = app.manager(&admin.actor);
    app.cms.delete_users(&admin.actor, std::slice::from_ref(&manager.id)).unwrap();
    assert_eq!(app.cms.authenticate(&manager.token).unwrap_err().code(), "unauthorized", "deleting ends sessions");
    let other = app.login("sysadmin");
    app.cms.logout(&other.actor, &other.token).unwrap();
    assert_eq!(app.cms.authenticate(&other.token).unwrap_err().code(), "unauthorized", "logout ends the session");
    app.cms.logout(&other.actor, &other.token).expect("logging out twice is harmless");
    app.cms.authenticate(&admin.token).expect("other sessions of the same user live on");
}

#[test]
fn first_run_setup_by_the_system_makes_the_one_first_admin() {
    let app = spawn_app();
    assert!(!app.cms.app_info().unwrap().has_users, "a fresh install asks for its first admin");
    let admin = app.cms.create_first_admin(&Actor::System, "管理员", "admin", "first password").unwrap();
    assert_eq!(app.cms.get_user(&Actor::System, &admin).unwrap().role, ROLE_SYS_ADMIN);
    let info = app.cms.app_info().unwrap();
    assert_eq!((info.has_users, info.version), (true, env!("CARGO_PKG_VERSION")));
    let again = app.cms.create_first_admin(&Actor::System, "x", "other", "first password").unwrap_err();
    assert_eq!(again.code(), "forbidden", "first-run setup cannot be replayed once a user exists");
    assert_eq!(app.cms.login("other", "first password").unwrap_err().code(), "unauthorized", "nobody was created");
    let short = spawn_app();
    let err = short.cms.create_first_admin(&Actor::System, "管理员", "admin", "short").unwrap_err();
    assert_eq!(err.field(), Some("password"), "the password rule holds on first run too");
}

#[test]
fn the_last_sys_admin_can_be_neither_deleted_nor_demoted() {
    let app = spawn_app();
    let admin = app.admin();
    let err = app.cms.delete_users(&admin.actor, std::slice::from_ref(&admin.id)).unwrap_err();
    assert_eq!(err.code(), "in_use", "the last SYS_ADMIN cannot be deleted");
    let demote = UserInput { role: Some("MANAGER".into()), ..Default::default() };
    let err = app.cms.update_user(&admin.actor, &admin.id, demote).unwrap_err();
    assert_eq!(err.code(), "in_use", "the last SYS_ADMIN cannot lose the role");
    assert_eq!(app.cms.get_user(&admin.actor, &admin.id).unwrap().role, "SYS_ADMIN", "the refused change rolled back");
    let q = UserQuery { role: Some("SYS_ADMIN".into()), ..Default::default() };
    assert_eq!(app.cms.list_users(&admin.actor, &q).unwrap().total_count, 1);
}

#[test]
fn a_user_batch_delete_naming_an_unknown_id_deletes_nothing() {
    let app = spawn_app();
    let admin = app.admin().actor;
    let manager = app.manager(&admin);
    let err = app.cms.delete_users(&admin, &[manager.id.clone(), "ghost".into()]).unwrap_err();
    assert_eq!(err.code(), "not_found");
    assert!(app.cms.get_user(&admin, &manager.id).is_ok(), "all or nothing");
}

#[test]
fn enumerations_have_real_defaults() {
    let (app, admin) = spawn_with_admin();
    let e = app.cms.sys_enums(&admin).unwrap();
    assert!(e.cinema_region_list.len() >= 34, "every province-level region of China is there");
    assert!(e.movie_country_list.iter().any(|c| c.id == "CHN" && c.name == "中国" && c.is_default));
    assert!(e.movie_category_list.iter().any(|c| c.id == "SCIENCE" && c.name == "科幻"));
    let roles: Vec<_> = e.user_role_list.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(roles, ["SYS_ADMIN", "MANAGER"]);
    assert_eq!(e.movie_type_list.len(), 3);
}

#[test]
fn a_new_region_is_usable_at_once_and_kept_while_a_cinema_uses_it() {
    let (app, admin) = spawn_with_admin();
    let overseas = EnumValue { id: "OVERSEAS".into(), name: "海外".into(), is_default: false };
    app.cms.put_enum_value(&admin, EnumKind::CinemaRegion, overseas).unwrap();
    let abroad = CinemaInput { region_id: Some("OVERSEAS".into()), ..cinema_input("abroad") };
    app.cms.create_cinema(&admin, abroad).expect("a new region is usable at once");
    let err = app.cms.delete_enum_value(&admin, EnumKind::CinemaRegion, "OVERSEAS").unwrap_err();
    assert_eq!(err.code(), "in_use", "a region a cinema uses cannot be deleted");
}

#[test]
fn an_unused_enum_value_is_deleted_once() {
    let (app, admin) = spawn_with_admin();
    app.cms.delete_enum_value(&admin, EnumKind::MovieCategory, "GAME").unwrap();
    assert!(!app.cms.sys_enums(&admin).unwrap().movie_category_list.iter().any(|c| c.id == "GAME"));
    let gone = app.cms.delete_enum_value(&admin, EnumKind::MovieCategory, "GAME").unwrap_err();
    assert!(matches!(gone, Error::NotFound { entity: Entity::Enum, .. }), "deleting twice: {gone}");
}

#[test]
fn roles_are_fixed_but_their_names_may_change() {
    let (app, admin) = spawn_with_admin();
    let god = EnumValue { id: "GOD".into(), name: "x".into(), is_default: false };
    assert_eq!(app.cms.put_enum_value(&admin, EnumKind::UserRole, god).unwrap_err().code(), "invalid");
    let renamed = EnumValue { id: "MANAGER".into(), name: "店长".into(), is_default: true };
    app.cms.put_enum_value(&admin, EnumKind::UserRole, renamed).unwrap();
    assert_eq!(app.cms.sys_enums(&admin).unwrap().user_role_list[1].name, "店长", "role names are editable");
    let err = app.cms.delete_enum_value(&admin, EnumKind::UserRole, "MANAGER").unwrap_err();
    assert_eq!(err.code(), "in_use", "roles cannot be deleted");
}
