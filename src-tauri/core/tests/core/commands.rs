//! Commands to seats (issue 13): queued for the cinema's COMS, SENT when acknowledged, ended as the site says, and only for the cinema's own seats and client.

use cinedesk_core::*;

use super::{site, site_client, spawn_with_admin};

fn reboot(seats: &[String]) -> CommandInput {
    CommandInput { action: CommandAction::Reboot, client_ids: seats.to_vec() }
}

fn ended(state: CommandState, detail: &str) -> CommandOutcome {
    CommandOutcome { state, detail: Some(detail.into()) }
}

#[test]
fn a_command_is_queued_for_the_cinemas_coms_and_waits_pending() {
    let (app, admin) = spawn_with_admin();
    let (cinema, _, seats) = site(&app.cms, &admin, "cq", 2);
    let id = app.cms.send_command(&admin, &cinema, reboot(&seats)).unwrap();
    let command = app.cms.get_command(&admin, &id).unwrap();
    assert_eq!((command.state, command.action, command.detail), (CommandState::Pending, CommandAction::Reboot, None));
    assert_eq!((command.cinema_id.as_str(), &command.client_id_list), (cinema.as_str(), &seats));
    let head = app.cms.next_message(&admin, &cinema).unwrap().unwrap();
    assert_eq!(head.message_type, MessageType::Command);
    let body: CommandMessage = serde_json::from_value(head.message).unwrap();
    assert_eq!(body, CommandMessage { command_id: id, action: CommandAction::Reboot, client_id_list: seats });
}

#[test]
fn an_acknowledgement_makes_a_command_sent() {
    let (app, admin) = spawn_with_admin();
    let (cinema, _, seats) = site(&app.cms, &admin, "ca", 1);
    let id = app.cms.send_command(&admin, &cinema, reboot(&seats)).unwrap();
    let told = super::site_changes(&app.cms);
    let head = app.cms.next_message(&admin, &cinema).unwrap().unwrap();
    app.cms.ack_message(&site_client(&cinema), &cinema, &head.message_id).unwrap();
    assert_eq!(app.cms.get_command(&admin, &id).unwrap().state, CommandState::Sent);
    let expected = SiteChange { cinema_id: cinema, what: SiteChanged::Command { command_id: id } };
    assert_eq!(*told.lock().unwrap(), [expected], "the ack is told as a change of the command");
}

#[test]
fn the_site_says_once_how_a_command_ended() {
    let (app, admin) = spawn_with_admin();
    let (cinema, _, seats) = site(&app.cms, &admin, "ce", 1);
    let id = app.cms.send_command(&admin, &cinema, reboot(&seats)).unwrap();
    let client = site_client(&cinema);
    app.cms.report_command(&client, &id, ended(CommandState::Done, "rebooted")).unwrap();
    app.cms.report_command(&client, &id, ended(CommandState::Done, "again")).expect("saying it again is harmless");
    let command = app.cms.get_command(&client, &id).unwrap();
    assert_eq!((command.state, command.detail.as_deref()), (CommandState::Done, Some("rebooted")));
    let otherwise = app.cms.report_command(&client, &id, ended(CommandState::Failed, "no")).unwrap_err();
    assert_eq!(otherwise.code(), "conflict", "a command that ended does not end otherwise");
    let not_an_end = app.cms.report_command(&client, &id, ended(CommandState::Sent, "")).unwrap_err();
    assert_eq!(not_an_end.field(), Some("state"));
}

#[test]
fn a_command_names_seats_of_its_cinema_only() {
    let (app, admin) = spawn_with_admin();
    let (cinema, _, seats) = site(&app.cms, &admin, "cs", 1);
    let (_, _, others) = site(&app.cms, &admin, "co", 1);
    let send = |ids: &[String]| app.cms.send_command(&admin, &cinema, reboot(ids)).unwrap_err();
    assert_eq!(send(&[seats[0].clone(), others[0].clone()]).field(), Some("clientIDList"), "another cinema's seat");
    assert_eq!(send(&["ghost".into()]).field(), Some("clientIDList"), "no such seat");
    assert_eq!(send(&[]).field(), Some("clientIDList"), "no seat at all");
    assert_eq!(app.cms.send_command(&admin, "ghost", reboot(&seats)).unwrap_err().code(), "not_found");
    assert_eq!(app.cms.pending_message_count(&admin, &cinema).unwrap(), 0, "nothing was queued");
}

#[test]
fn a_cinemas_client_reads_and_answers_its_own_commands_only_and_sends_none() {
    let (app, admin) = spawn_with_admin();
    let (a, _, seats) = site(&app.cms, &admin, "oa", 1);
    let (b, _, _) = site(&app.cms, &admin, "ob", 0);
    let id = app.cms.send_command(&admin, &a, reboot(&seats)).unwrap();
    let other = site_client(&b);
    assert_eq!(app.cms.get_command(&other, &id).unwrap_err().code(), "forbidden");
    let answer = app.cms.report_command(&other, &id, ended(CommandState::Done, "")).unwrap_err();
    assert_eq!(answer.code(), "forbidden", "B's key cannot answer A's command");
    assert_eq!(app.cms.list_commands(&other, &a, Paging::default()).unwrap_err().code(), "forbidden");
    assert_eq!(app.cms.get_command(&other, "ghost").unwrap_err().code(), "not_found");
    let sent = app.cms.send_command(&site_client(&a), &a, reboot(&seats)).unwrap_err();
    assert_eq!(sent.code(), "forbidden", "commands are the console's");
    assert_eq!(app.cms.get_command(&admin, &id).unwrap().state, CommandState::Pending, "nothing changed");
}

#[test]
fn a_cinemas_commands_are_listed_newest_first() {
    let (app, admin) = spawn_with_admin();
    let (cinema, _, seats) = site(&app.cms, &admin, "cl", 1);
    let first = app.cms.send_command(&admin, &cinema, reboot(&seats)).unwrap();
    let wake = CommandInput { action: CommandAction::WakeOnLan, client_ids: seats.clone() };
    let second = app.cms.send_command(&admin, &cinema, wake).unwrap();
    let page = app.cms.list_commands(&site_client(&cinema), &cinema, Paging::default()).unwrap();
    let ids: Vec<&str> = page.item_list.iter().map(|c| c.command_id.as_str()).collect();
    assert_eq!((page.total_count, ids), (2, vec![second.as_str(), first.as_str()]));
}
