//! Users (seed §7), sessions, roles, enumerations (§8), API keys and the first-run setup.

use cinedesk_core::*;

use crate::harness::*;

pub fn users_aliases_roles_and_hashed_passwords(f: &Fixture) {
    let t = &f.admin;
    let id = f.api.create_user(t, user_input("zhangsan", "SYS_ADMIN,MANAGER")).unwrap();
    let u = f.api.get_user(t, &id).unwrap();
    assert_eq!(u.role, "SYS_ADMIN,MANAGER");
    let json = serde_json::to_value(&u).unwrap();
    for key in ["userID", "name", "alias", "iconID", "iconURL", "role", "createTime"] {
        assert!(json.get(key).is_some(), "user JSON must carry {key}: {json}");
    }
    assert!(json.get("password").is_none() && !json.to_string().contains("argon2"), "no secret leaks: {json}");
    for (input, field) in [
        (user_input("zhang-san", "MANAGER"), "alias"),
        (user_input("lisi", "EMPEROR"), "role"),
        (UserInput { password: Some("short".into()), ..user_input("lisi", "MANAGER") }, "password"),
        (UserInput { password: None, ..user_input("lisi", "MANAGER") }, "password"),
        (UserInput { name: None, ..user_input("lisi", "MANAGER") }, "name"),
    ] {
        assert_eq!(f.api.create_user(t, input).unwrap_err().field(), Some(field), "{field} is checked");
    }
    let dup = f.api.create_user(t, user_input("ZhangSan", "MANAGER")).unwrap_err();
    assert_eq!(field_of(dup), ("conflict".into(), "alias".into()), "aliases are unique regardless of case");
    let list = |q: UserQuery| f.api.list_users(t, &q).unwrap();
    assert_eq!(list(UserQuery::default()).total_count, 3, "the two fixture users and zhangsan");
    let page = list(UserQuery { paging: paging(Some(1), Some(1)), ..Default::default() });
    assert_eq!((page.total_count, page.item_list.len()), (3, 1), "users are paged like everything else");
    assert_eq!(list(UserQuery { alias: Some("zhangsan".into()), ..Default::default() }).item_list[0].user_id, id);
    assert_eq!(list(UserQuery { role: Some("MANAGER".into()), ..Default::default() }).total_count, 2);
    assert_eq!(list(UserQuery { user_ids: vec![id.clone()], ..Default::default() }).total_count, 1);
    f.api.update_user(t, &id, UserInput { name: Some("李四".into()), ..Default::default() }).unwrap();
    assert_eq!(f.api.get_user(t, &id).unwrap().name, "李四");
    assert_eq!(f.api.get_user(t, "ghost").unwrap_err().code(), "not_found");
    assert_eq!(f.api.update_user(t, "ghost", UserInput::default()).unwrap_err().code(), "not_found");
    // The password is stored as an argon2 hash, never in clear: the whole database file is searched.
    let db = std::fs::read(f.cms.data_dir().join(DB_FILE)).unwrap();
    let wal = std::fs::read(f.cms.data_dir().join(format!("{DB_FILE}-wal"))).unwrap_or_default();
    let haystack = [db, wal].concat();
    assert!(!haystack.windows(PASSWORD.len()).any(|w| w == PASSWORD.as_bytes()), "plain password in the database");
    assert!(haystack.windows(9).any(|w| w == b"$argon2id"), "argon2id hash expected in the database");
}

pub fn login_sessions_die_with_password_change_and_user_deletion(f: &Fixture) {
    let bad = f.api.login(ADMIN, "wrong password").unwrap_err();
    assert!(matches!(bad, Error::BadCredentials), "a wrong password is bad credentials: {bad}");
    assert_eq!(bad.code(), "unauthorized");
    assert_eq!(f.api.login("nobody", PASSWORD).unwrap_err().code(), "unauthorized", "an unknown alias looks the same");
    assert_eq!(field_of(f.api.login(" ", PASSWORD).unwrap_err()), ("invalid".into(), "alias".into()));
    let s = f.api.login(ADMIN, PASSWORD).unwrap();
    assert_eq!(
        (s.user_id.as_str(), s.role.as_str(), s.name.as_str()),
        (f.admin_id.as_str(), "SYS_ADMIN", "系统管理员")
    );
    assert_eq!(s.token.len(), 64, "a 256-bit token");
    let me = f.api.whoami(&s.token).unwrap();
    assert_eq!((me.user_id.as_str(), me.alias.as_str()), (f.admin_id.as_str(), ADMIN), "who am I names the user");
    assert_eq!(f.api.whoami(&f.manager).unwrap().user_id, f.manager_id, "every session knows its user");

    let m = f.api.login(MANAGER, PASSWORD).unwrap();
    f.api
        .update_user(
            &f.admin,
            &f.manager_id,
            UserInput { password: Some("a new password".into()), ..Default::default() },
        )
        .unwrap();
    for token in [&m.token, &f.manager] {
        let err = f.api.list_cinemas(token, &CinemaQuery::default()).unwrap_err();
        assert!(matches!(err, Error::Unauthorized), "a password change ends every session of the user: {err}");
    }
    assert_eq!(f.api.login(MANAGER, PASSWORD).unwrap_err().code(), "unauthorized", "the old password is gone");
    let m2 = f.api.login(MANAGER, "a new password").unwrap();
    f.api.list_cinemas(&m2.token, &CinemaQuery::default()).expect("the new session works");
    f.api.delete_users(&f.admin, std::slice::from_ref(&f.manager_id)).unwrap();
    assert_eq!(f.api.whoami(&m2.token).unwrap_err().code(), "unauthorized", "deleting a user ends sessions");
    f.api.logout(&s.token).unwrap();
    assert_eq!(f.api.whoami(&s.token).unwrap_err().code(), "unauthorized", "logout ends the session");
    assert_eq!(f.api.logout(&s.token).unwrap_err().code(), "unauthorized", "a dead session cannot log out again");
    assert_eq!(f.api.whoami("garbage").unwrap_err().code(), "unauthorized");
    f.api.whoami(&f.admin).expect("other sessions of the same user live on");
}

pub fn the_last_admin_stays_and_first_admin_setup_is_refused_once_users_exist(f: &Fixture) {
    let again = f.api.setup_admin("x", "other", "first password").unwrap_err();
    assert_eq!(again.code(), "forbidden", "first-run setup cannot be replayed once a user exists");
    assert_eq!(f.api.login("other", "first password").unwrap_err().code(), "unauthorized", "nobody was created");
    let info = f.api.app_info().unwrap();
    assert!(info.has_users);
    assert_eq!(info.version, env!("CARGO_PKG_VERSION"), "client and server are the same version");
    match f.kind {
        Kind::Local => assert_eq!((info.mode.as_str(), info.data_dir.is_some()), ("embedded", true)),
        Kind::Remote => assert_eq!((info.mode.as_str(), info.data_dir), ("server", None), "a server keeps its paths"),
    }
    let err = f.api.delete_users(&f.admin, std::slice::from_ref(&f.admin_id)).unwrap_err();
    assert_eq!(err.code(), "in_use", "the last SYS_ADMIN cannot be deleted");
    let demote =
        f.api.update_user(&f.admin, &f.admin_id, UserInput { role: Some("MANAGER".into()), ..Default::default() });
    assert_eq!(demote.unwrap_err().code(), "in_use", "the last SYS_ADMIN cannot lose the role");
    assert_eq!(f.api.get_user(&f.admin, &f.admin_id).unwrap().role, "SYS_ADMIN", "the refused change was rolled back");
    let page = f.api.list_users(&f.admin, &UserQuery { role: Some("SYS_ADMIN".into()), ..Default::default() }).unwrap();
    assert_eq!(page.total_count, 1);
    let err = f.api.delete_users(&f.admin, &[f.manager_id.clone(), "ghost".into()]).unwrap_err();
    assert_eq!(err.code(), "not_found");
    assert!(f.api.get_user(&f.admin, &f.manager_id).is_ok(), "all or nothing");
}

pub fn enumerations_have_real_defaults_and_are_editable_but_protected(f: &Fixture) {
    let t = &f.admin;
    let e = f.api.sys_enums(&f.manager).unwrap();
    assert!(e.cinema_region_list.len() >= 34, "every province-level region of China is there");
    assert!(e.movie_country_list.iter().any(|c| c.id == "CHN" && c.name == "中国" && c.is_default));
    assert!(e.movie_category_list.iter().any(|c| c.id == "SCIENCE" && c.name == "科幻"));
    let roles: Vec<_> = e.user_role_list.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(roles, ["SYS_ADMIN", "MANAGER"]);
    assert_eq!(e.movie_type_list.len(), 3);

    let overseas = EnumValue { id: "OVERSEAS".into(), name: "海外".into(), is_default: false };
    f.api.put_enum_value(t, EnumKind::CinemaRegion, overseas).unwrap();
    let mut input = cinema_input("abroad");
    input.region_id = Some("OVERSEAS".into());
    f.a().cinema(input).expect("a new region is usable at once");
    let err = f.api.delete_enum_value(t, EnumKind::CinemaRegion, "OVERSEAS").unwrap_err();
    assert_eq!(err.code(), "in_use", "a region a cinema uses cannot be deleted");
    f.api.delete_enum_value(t, EnumKind::MovieCategory, "GAME").unwrap();
    assert!(!f.api.sys_enums(t).unwrap().movie_category_list.iter().any(|c| c.id == "GAME"));
    let gone = f.api.delete_enum_value(t, EnumKind::MovieCategory, "GAME").unwrap_err();
    assert!(matches!(gone, Error::NotFound { entity: Entity::Enum, .. }), "deleting twice: {gone}");
    let god = EnumValue { id: "GOD".into(), name: "x".into(), is_default: false };
    assert_eq!(f.api.put_enum_value(t, EnumKind::UserRole, god).unwrap_err().code(), "invalid", "roles are fixed");
    let renamed = EnumValue { id: "MANAGER".into(), name: "店长".into(), is_default: true };
    f.api.put_enum_value(t, EnumKind::UserRole, renamed).unwrap();
    assert_eq!(f.api.sys_enums(t).unwrap().user_role_list[1].name, "店长", "role names are editable");
    let role_gone = f.api.delete_enum_value(t, EnumKind::UserRole, "MANAGER").unwrap_err();
    assert_eq!(role_gone.code(), "in_use", "roles cannot be deleted");
}

pub fn api_keys_are_issued_listed_without_secret_and_revoked(f: &Fixture) {
    let (cinema, _, _) = site(f, "keys", 0);
    let t = &f.admin;
    let key = f.api.create_api_key(t, &cinema).unwrap();
    assert!(!key.apikey.is_empty() && !key.secretkey.is_empty(), "a key pair");
    let now = user_date(now_ms());
    let auth = format!("dc:{}:{}", key.apikey, sign(&key.secretkey, "timeout%3D30", &now));
    let signed = SignedRequest {
        method: "GET",
        path: "/cms/long_poll/c",
        authorization: &auth,
        user_date: &now,
        user_params: "timeout%3D30",
    };
    assert_eq!(f.cms.verify_signed(&signed).unwrap(), cinema, "the issued key signs for its cinema");
    let listed = f.api.list_api_keys(t, &cinema).unwrap();
    assert_eq!((listed.len(), listed[0].apikey.as_str(), listed[0].revoke_time), (1, key.apikey.as_str(), None));
    assert!(!serde_json::to_string(&listed).unwrap().contains(&key.secretkey), "a listing never shows the secret");
    f.api.revoke_api_key(t, &cinema, &key.apikey).unwrap();
    assert!(f.api.list_api_keys(t, &cinema).unwrap()[0].revoke_time.is_some(), "a revoked key is listed as such");
    assert_eq!(f.cms.verify_signed(&signed).unwrap_err().code(), "unauthorized", "revoked at once");
    assert_eq!(f.api.create_api_key(t, "ghost").unwrap_err().code(), "not_found");
    assert_eq!(f.api.revoke_api_key(t, &cinema, "ghost").unwrap_err().code(), "not_found");
}

/// Whether a call succeeded, whatever it answered.
fn ok<T>(r: Result<T>) -> Result<()> {
    r.map(drop)
}

/// One call of each capability group, made with `token`.
fn one_of_each(f: &Fixture, token: &str, cinema: &str) -> Vec<(&'static str, Capability, Result<()>)> {
    let api = &f.api;
    vec![
        ("list cinemas", Capability::Operate, ok(api.list_cinemas(token, &CinemaQuery::default()))),
        ("list films", Capability::Operate, ok(api.list_movies(token, &MovieQuery::default()))),
        ("list seats", Capability::Operate, ok(api.list_vr_clients(token, &VrClientQuery::default()))),
        ("list halls", Capability::Operate, ok(api.list_halls(token, &HallQuery::default()))),
        ("list tasks", Capability::Operate, ok(api.list_vod_tasks(token, &VodTaskQuery::default()))),
        ("list headsets", Capability::Operate, ok(api.list_hmd_models(token, &ModelQuery::default()))),
        ("list seat models", Capability::Operate, ok(api.list_seat_models(token, &ModelQuery::default()))),
        ("read enums", Capability::Operate, ok(api.sys_enums(token))),
        ("read settings", Capability::Operate, ok(api.qr_template(token))),
        ("who am I", Capability::Operate, ok(api.whoami(token))),
        ("list users", Capability::ManageUsers, ok(api.list_users(token, &UserQuery::default()))),
        ("get a user", Capability::ManageUsers, ok(api.get_user(token, &f.admin_id))),
        (
            "rename a region",
            Capability::ManageEnums,
            api.put_enum_value(
                token,
                EnumKind::CinemaRegion,
                EnumValue { id: "BEIJING".into(), name: "北京".into(), is_default: false },
            ),
        ),
        ("set the QR template", Capability::ManageEnums, api.set_qr_template(token, DEFAULT_QR_TEMPLATE)),
        ("list API keys", Capability::ManageApiKeys, ok(api.list_api_keys(token, cinema))),
    ]
}

pub fn roles_are_enforced_the_same_way(f: &Fixture) {
    let cinema = f.a().cinema(cinema_input("roles")).unwrap();
    for (what, cap, result) in one_of_each(f, &f.manager, &cinema) {
        match cap {
            Capability::Operate => result.unwrap_or_else(|e| panic!("a MANAGER may {what}: {e}")),
            _ => {
                let err = result.expect_err(what);
                assert!(matches!(err, Error::Forbidden(ROLE_SYS_ADMIN)), "a MANAGER may not {what}: {err}");
            }
        }
    }
    for (what, _, result) in one_of_each(f, &f.admin, &cinema) {
        result.unwrap_or_else(|e| panic!("a SYS_ADMIN may {what}: {e}"));
    }
    for token in ["", "garbage"] {
        for (what, _, result) in one_of_each(f, token, &cinema) {
            let err = result.expect_err(what);
            assert!(matches!(err, Error::Unauthorized), "{what} needs a session ({token:?}): {err}");
        }
    }
    let refused = f.api.create_user(&f.manager, user_input("sneaky", "SYS_ADMIN")).unwrap_err();
    assert_eq!(refused.code(), "forbidden", "a MANAGER cannot make themselves an administrator");
    let refused = f.api.create_api_key(&f.manager, "any").unwrap_err();
    assert_eq!(refused.code(), "forbidden", "the role is checked before the cinema is looked up");
    assert_eq!(f.api.list_users(&f.admin, &UserQuery::default()).unwrap().total_count, 2, "nothing was created");
    // Refusals are checked before the input: a MANAGER learns nothing about what exists.
    let e = f.api.delete_users(&f.manager, &["ghost".into()]).unwrap_err();
    assert_eq!(e.code(), "forbidden", "{e}");
}
