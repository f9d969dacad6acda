//! Commands to a cinema's seats (issue 13): a manager sends one through the cinema's COMS queue, the site says how it ended.

use axum::extract::State;
use axum::Json;
use cinedesk_core::{Command, CommandAction, CommandInput, CommandOutcome, CommandState, Error, Page};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::done::{done, Done};
use crate::auth::{Caller, LoggedIn, SignedJson};
use crate::error::ApiResult;
use crate::extract::{JsonBody, PageParams, PathParam, Query};
use crate::openapi::ErrorBody;
use crate::state::AppState;

/// Routes of the chain's operators (a bearer token).
pub fn user_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(send))
}

/// Routes a cinema's COMS calls too (a token or a signature).
pub fn caller_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list)).routes(routes!(one, report))
}

/// A command for seats of the cinema.
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"action": "REBOOT", "clientIDList": ["fjefijsieuf93q849f8ejf"]}))]
pub(crate) struct CommandBody {
    #[schema(inline, value_type = CommandAction)]
    action: Option<String>,
    /// Seats of this cinema (at least one, at most 1000).
    #[serde(rename = "clientIDList")]
    client_id_list: Option<Vec<String>>,
}

impl TryFrom<CommandBody> for CommandInput {
    type Error = Error;

    fn try_from(b: CommandBody) -> Result<Self, Error> {
        Ok(CommandInput {
            action: CommandAction::parse("action", b.action.as_deref().unwrap_or(""))?,
            client_ids: b.client_id_list.ok_or_else(|| Error::invalid("clientIDList", "is required"))?,
        })
    }
}

#[derive(Serialize, ToSchema)]
pub(crate) struct CommandSent {
    #[serde(rename = "commandID")]
    command_id: String,
}

/// Sends a command to seats of the cinema: a COMMAND message in its COMS queue, PENDING until
/// the COMS acknowledges it (SENT), then DONE or FAILED as the site says.
#[utoipa::path(post, path = "/cms/cinemas/{cinema_id}/commands", tag = "commands", operation_id = "send_command",
    params(("cinema_id" = String, Path)),
    request_body = CommandBody,
    responses(
        (status = 200, description = "Queued for the cinema's COMS", body = CommandSent),
        (status = 400, description = "No such action, no seats, or a seat that is not one of the cinema's", body = ErrorBody),
        (status = 403, description = "The cinema is not the caller's, or the role may not", body = ErrorBody),
        (status = 404, description = "No such cinema", body = ErrorBody),
    ))]
async fn send(
    State(s): State<AppState>,
    session: LoggedIn,
    PathParam(cinema): PathParam<String>,
    JsonBody(body): JsonBody<CommandBody>,
) -> ApiResult<Json<CommandSent>> {
    let input = CommandInput::try_from(body)?;
    let command_id = s.run(move |cms| cms.send_command(&session.actor, &cinema, input)).await?;
    Ok(Json(CommandSent { command_id }))
}

/// The cinema's commands, newest first.
#[utoipa::path(get, path = "/cms/cinemas/{cinema_id}/commands", tag = "commands", operation_id = "list_commands",
    params(("cinema_id" = String, Path), PageParams),
    responses(
        (status = 200, description = "A page of commands", body = Page<Command>),
        (status = 403, description = "The API key belongs to another cinema, or the role may not", body = ErrorBody),
        (status = 404, description = "No such cinema, or not one of the caller's", body = ErrorBody),
    ))]
async fn list(
    State(s): State<AppState>,
    caller: Caller,
    PathParam(cinema): PathParam<String>,
    Query(p): Query<PageParams>,
) -> ApiResult<Json<Page<Command>>> {
    let paging = p.paging()?;
    Ok(Json(s.read(move |cms| cms.list_commands(&caller.actor, &cinema, paging)).await?))
}

/// A command and where it stands.
#[utoipa::path(get, path = "/cms/commands/{command_id}", tag = "commands", operation_id = "get_command",
    params(("command_id" = String, Path)),
    responses(
        (status = 200, description = "The command", body = Command),
        (status = 403, description = "The API key belongs to another cinema, or the role may not", body = ErrorBody),
        (status = 404, description = "No such command, or one of a cinema not the caller's", body = ErrorBody),
    ))]
async fn one(State(s): State<AppState>, caller: Caller, PathParam(id): PathParam<String>) -> ApiResult<Json<Command>> {
    Ok(Json(s.read(move |cms| cms.get_command(&caller.actor, &id)).await?))
}

/// How a command ended, as the site says.
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"state": "DONE", "detail": "3 seats rebooted"}))]
pub(crate) struct CommandOutcomeBody {
    #[schema(inline, value_type = FinishedState)]
    state: Option<String>,
    /// What happened, for people (e.g. which seats did not answer).
    #[schema(max_length = 1000)]
    detail: Option<String>,
}

/// The states a site reports of a command.
#[derive(ToSchema)]
#[schema(rename_all = "SCREAMING_SNAKE_CASE")]
#[allow(dead_code)] // documents the accepted values; the core checks them
enum FinishedState {
    Done,
    Failed,
}

/// The site says how a command ended. Saying it again is harmless; saying otherwise after it
/// ended is a 409.
#[utoipa::path(put, path = "/cms/commands/{command_id}", tag = "commands", operation_id = "report_command",
    params(("command_id" = String, Path)),
    request_body = CommandOutcomeBody,
    responses(
        (status = 200, description = "Recorded", body = Done),
        (status = 403, description = "The API key belongs to another cinema, the cinema is not the caller's, or the role may not", body = ErrorBody),
        (status = 404, description = "No such command", body = ErrorBody),
        (status = 409, description = "The command already ended otherwise", body = ErrorBody),
    ))]
async fn report(
    State(s): State<AppState>,
    PathParam(id): PathParam<String>,
    SignedJson { caller, body }: SignedJson<CommandOutcomeBody>,
) -> ApiResult<Json<Done>> {
    let outcome = CommandOutcome {
        state: CommandState::parse("state", body.state.as_deref().unwrap_or(""))?,
        detail: body.detail,
    };
    s.run(move |cms| cms.report_command(&caller.actor, &id, outcome)).await?;
    Ok(done())
}
