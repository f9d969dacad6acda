//! The contract of `CmsApi`, written once and run against both backends: the local core (module
//! `local`) and `RemoteCms` talking to a real `cinedesk serve` on 127.0.0.1 (module `remote`).
//! A test that passes on one and fails on the other is a disagreement to fix in the server or
//! the client, never in the test.

mod cinemas;
mod harness;
mod movies;
mod people;
mod seats;
mod transport;

/// Declares each contract test twice, as `local::name` and `remote::name`.
macro_rules! contract {
    ($($module:ident :: $name:ident),* $(,)?) => {
        mod local {
            $( #[test] fn $name() { crate::$module::$name(&crate::harness::Fixture::new(crate::harness::Kind::Local)) } )*
        }
        mod remote {
            $( #[test] fn $name() { crate::$module::$name(&crate::harness::Fixture::new(crate::harness::Kind::Remote)) } )*
        }
    };
}

contract! {
    cinemas::cinema_round_trip_has_every_seed_field,
    cinemas::cinema_validation_names_the_field,
    cinemas::duplicate_cinema_code_is_a_conflict,
    cinemas::cinema_update_keeps_absent_fields_and_clears_empty_ones,
    cinemas::cinema_filters_and_paging,
    cinemas::deleting_a_cinema_takes_halls_seats_distributions_and_queue_with_it,
    cinemas::batch_delete_with_one_unknown_id_deletes_nothing,
    cinemas::halls_belong_to_existing_cinemas_and_take_their_seats_when_deleted,
    cinemas::moving_a_hall_moves_its_seats_to_the_new_cinema,
    seats::seat_has_every_seed_field_a_derived_cinema_and_a_unique_scene_number,
    seats::seat_validation_names_the_field,
    seats::bulk_seat_creation_is_all_or_nothing,
    seats::a_full_batch_of_the_longest_seats_fits_and_one_more_is_refused,
    seats::empty_ids_are_not_found_and_roles_come_first,
    seats::seat_update_status_and_scene_regeneration,
    seats::seat_filters,
    seats::seat_qr_codes_decode_to_the_template_with_the_scene_number,
    seats::model_catalogues_are_referenced_by_seats_and_protected_while_used,
    movies::movie_has_every_seed_field_and_derived_urls,
    movies::movie_validation_names_the_field,
    movies::movie_filters_order_and_paging,
    movies::forty_concurrent_praises_add_exactly_forty,
    movies::a_wechat_user_praises_a_film_once,
    movies::movie_update_replaces_categories,
    movies::distribution_writes_one_new_movie_message_per_cinema,
    movies::distribution_naming_one_unknown_cinema_changes_nothing,
    movies::vod_task_lifecycle_views_and_new_vod_task_message,
    movies::vod_task_validation,
    people::users_aliases_roles_and_hashed_passwords,
    people::login_sessions_die_with_password_change_and_user_deletion,
    people::the_last_admin_stays_and_first_admin_setup_is_refused_once_users_exist,
    people::enumerations_have_real_defaults_and_are_editable_but_protected,
    people::api_keys_are_issued_listed_without_secret_and_revoked,
    people::roles_are_enforced_the_same_way,
}
