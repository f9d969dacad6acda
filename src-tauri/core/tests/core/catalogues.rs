//! The headset (seed §9) and seat model (§10) catalogues: their rules, and seats that refer to them.

use cinedesk_core::*;

use super::{field_of, seat_input, site, spawn_with_admin, App};

fn pico(app: &App, by: &Actor) -> String {
    let input = HmdModelInput {
        model_code: Some("hmd109".into()),
        name: Some("Pico 4 Ultra".into()),
        vendor: Some("Pico".into()),
        resolution: Some("2160x2160".into()),
        refresh_rate_hz: Some(90),
        field_of_view_deg: Some(105),
        weight_g: Some(580),
        ..Default::default()
    };
    app.cms.create_hmd_model(by, input).unwrap()
}

fn motion_seat(app: &App, by: &Actor) -> String {
    let input = SeatModelInput {
        model_code: Some("vr0109".into()),
        name: Some("双人动感座椅".into()),
        degrees_of_freedom: Some(3),
        max_load_kg: Some(120),
        effects: Some(vec!["wind".into(), "VIBRATION".into()]),
        ..Default::default()
    };
    app.cms.create_seat_model(by, input).unwrap()
}

#[test]
fn model_codes_are_unique_and_model_fields_are_checked() {
    let (app, admin) = spawn_with_admin();
    let hmd = pico(&app, &admin);
    let seat_model = motion_seat(&app, &admin);
    let again = HmdModelInput { model_code: Some("hmd109".into()), name: Some("again".into()), ..Default::default() };
    let dup = app.cms.create_hmd_model(&admin, again).unwrap_err();
    assert_eq!(field_of(dup), ("conflict".into(), "modelCode".into()));
    let dof = SeatModelInput { degrees_of_freedom: Some(4), ..Default::default() };
    assert_eq!(app.cms.update_seat_model(&admin, &seat_model, dof).unwrap_err().field(), Some("degreesOfFreedom"));
    let res = HmdModelInput { resolution: Some("big".into()), ..Default::default() };
    assert_eq!(app.cms.update_hmd_model(&admin, &hmd, res).unwrap_err().field(), Some("resolution"));
}

#[test]
fn seat_effects_are_normalised_and_a_vendor_search_ignores_case() {
    let (app, admin) = spawn_with_admin();
    pico(&app, &admin);
    motion_seat(&app, &admin);
    let models = app.cms.list_seat_models(&admin, &ModelQuery::default()).unwrap();
    assert_eq!(models.item_list[0].effects, ["WIND", "VIBRATION"], "effects are normalised");
    let q = ModelQuery { vendor: Some("pico".into()), ..Default::default() };
    let hmds = app.cms.list_hmd_models(&admin, &q).unwrap();
    assert_eq!((hmds.total_count, hmds.item_list[0].refresh_rate_hz), (1, Some(90)), "vendor search ignores case");
}

#[test]
fn a_model_a_seat_uses_cannot_be_deleted_and_its_renamed_code_follows_to_the_seat() {
    let (app, admin) = spawn_with_admin();
    let hmd = pico(&app, &admin);
    motion_seat(&app, &admin);
    let (_, hall, _) = site(&app.cms, &admin, "cat", 0);
    let input = VrClientInput {
        hmd_model: Some("hmd109".into()),
        seat_model: Some("vr0109".into()),
        ..seat_input(&hall, "A1")
    };
    let seat = app.cms.create_vr_client(&admin, input).unwrap();
    let err = app.cms.delete_hmd_models(&admin, std::slice::from_ref(&hmd)).unwrap_err();
    assert_eq!(err.code(), "in_use", "a model used by a seat cannot be deleted");
    let rename = HmdModelInput { model_code: Some("hmd110".into()), ..Default::default() };
    app.cms.update_hmd_model(&admin, &hmd, rename).unwrap();
    let seat = app.cms.get_vr_client(&admin, &seat).unwrap();
    assert_eq!(seat.hmd_model.as_deref(), Some("hmd110"), "renaming a model code follows through to the seats");
}

#[test]
fn models_no_seat_uses_are_deleted_and_unknown_ones_are_not_found() {
    let (app, admin) = spawn_with_admin();
    let hmd = pico(&app, &admin);
    let seat_model = motion_seat(&app, &admin);
    assert_eq!(app.cms.delete_seat_models(&admin, &["ghost".into()]).unwrap_err().code(), "not_found");
    app.cms.delete_hmd_models(&admin, &[hmd]).unwrap();
    app.cms.delete_seat_models(&admin, &[seat_model]).unwrap();
    assert_eq!(app.cms.list_hmd_models(&admin, &ModelQuery::default()).unwrap().total_count, 0);
    assert_eq!(app.cms.list_seat_models(&admin, &ModelQuery::default()).unwrap().total_count, 0);
}
