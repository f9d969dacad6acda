//! Alerts (issue 13): the notification centre (a caller's cinemas only), the alert rules, and the chain's webhooks with a test send.

use axum::extract::State;
use axum::Json;
use cinedesk_core::{AlertRules, AlertRulesChange, Notification, NotificationQuery, Page, Webhook, WebhookFormat};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::done::{done, Done};
use crate::auth::LoggedIn;
use crate::error::ApiResult;
use crate::extract::{JsonBody, PageParams, PathParam, Query};
use crate::openapi::ErrorBody;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(count))
        .routes(routes!(read_one))
        .routes(routes!(read_all))
        .routes(routes!(rules, put_rules))
        .routes(routes!(webhooks, add_webhook))
        .routes(routes!(delete_webhook))
        .routes(routes!(test_webhook))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct NotificationFilter {
    /// `true`: only the notifications the caller has not read.
    unread: Option<bool>,
}

/// The caller's notifications (those of its cinemas), newest first. A notification is unread
/// again when it clears.
#[utoipa::path(get, path = "/cms/notifications", tag = "alerts", operation_id = "list_notifications",
    params(NotificationFilter, PageParams),
    responses((status = 200, description = "A page of notifications", body = Page<Notification>)))]
async fn list(
    State(s): State<AppState>,
    session: LoggedIn,
    Query(f): Query<NotificationFilter>,
    Query(p): Query<PageParams>,
) -> ApiResult<Json<Page<Notification>>> {
    let q = NotificationQuery { paging: p.paging()?, unread: f.unread.unwrap_or(false) };
    Ok(Json(s.read(move |cms| cms.notifications(&session.actor, &q)).await?))
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UnreadCount {
    unread_count: u64,
}

/// How many of the caller's notifications it has not read (the bell's number).
#[utoipa::path(get, path = "/cms/notifications/_count", tag = "alerts", operation_id = "count_unread_notifications",
    responses((status = 200, description = "The unread count", body = UnreadCount)))]
async fn count(State(s): State<AppState>, session: LoggedIn) -> ApiResult<Json<UnreadCount>> {
    let unread_count = s.read(move |cms| cms.unread_notifications(&session.actor)).await?;
    Ok(Json(UnreadCount { unread_count }))
}

/// Marks one notification read for the caller.
#[utoipa::path(post, path = "/cms/notifications/{notification_id}/_read", tag = "alerts", operation_id = "read_notification",
    params(("notification_id" = String, Path)),
    responses(
        (status = 200, description = "Read", body = Done),
        (status = 404, description = "No such notification, or one of a cinema not the caller's", body = ErrorBody),
    ))]
async fn read_one(
    State(s): State<AppState>,
    session: LoggedIn,
    PathParam(id): PathParam<String>,
) -> ApiResult<Json<Done>> {
    s.run(move |cms| cms.mark_notification_read(&session.actor, &id)).await?;
    Ok(done())
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct MarkedRead {
    /// How many were unread.
    marked: u64,
}

/// Marks every notification the caller sees read.
#[utoipa::path(post, path = "/cms/notifications/_read", tag = "alerts", operation_id = "read_all_notifications",
    responses((status = 200, description = "All read", body = MarkedRead)))]
async fn read_all(State(s): State<AppState>, session: LoggedIn) -> ApiResult<Json<MarkedRead>> {
    let marked = s.run(move |cms| cms.mark_all_notifications_read(&session.actor)).await?;
    Ok(Json(MarkedRead { marked }))
}

/// The alert rules (every user of the console reads them).
#[utoipa::path(get, path = "/cms/alert_rules", tag = "alerts", operation_id = "get_alert_rules",
    responses((status = 200, description = "The rules", body = AlertRules)))]
async fn rules(State(s): State<AppState>, session: LoggedIn) -> ApiResult<Json<AlertRules>> {
    Ok(Json(s.read(move |cms| cms.alert_rules(&session.actor)).await?))
}

/// Rules to change; an absent field keeps its value.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AlertRulesInput {
    coms_offline_enabled: Option<bool>,
    #[schema(minimum = 1, maximum = 1440)]
    coms_offline_minutes: Option<u32>,
    seat_error_enabled: Option<bool>,
    delivery_failed_enabled: Option<bool>,
    delivery_stuck_enabled: Option<bool>,
    #[schema(minimum = 1, maximum = 720)]
    delivery_stuck_hours: Option<u32>,
    disk_low_enabled: Option<bool>,
    #[schema(minimum = 1, maximum = 1048576)]
    disk_low_free_gib: Option<u32>,
}

/// Changes the rules, all or none (a manager of all cinemas, or a SYS_ADMIN: they are the
/// chain's); answers them as they now are.
#[utoipa::path(put, path = "/cms/alert_rules", tag = "alerts", operation_id = "put_alert_rules",
    request_body = AlertRulesInput,
    responses(
        (status = 200, description = "Saved", body = AlertRules),
        (status = 400, description = "A threshold out of its range", body = ErrorBody),
        (status = 403, description = "A manager of some cinemas only", body = ErrorBody),
    ))]
async fn put_rules(
    State(s): State<AppState>,
    session: LoggedIn,
    JsonBody(b): JsonBody<AlertRulesInput>,
) -> ApiResult<Json<AlertRules>> {
    let change = AlertRulesChange {
        coms_offline_enabled: b.coms_offline_enabled,
        coms_offline_minutes: b.coms_offline_minutes,
        seat_error_enabled: b.seat_error_enabled,
        delivery_failed_enabled: b.delivery_failed_enabled,
        delivery_stuck_enabled: b.delivery_stuck_enabled,
        delivery_stuck_hours: b.delivery_stuck_hours,
        disk_low_enabled: b.disk_low_enabled,
        disk_low_free_gib: b.disk_low_free_gib,
    };
    Ok(Json(s.run(move |cms| cms.update_alert_rules(&session.actor, change)).await?))
}

/// The chain's webhooks, oldest first, with the calls each still owes.
#[utoipa::path(get, path = "/cms/webhooks", tag = "alerts", operation_id = "list_webhooks",
    responses(
        (status = 200, description = "The webhooks", body = Vec<Webhook>),
        (status = 403, description = "A manager of some cinemas only", body = ErrorBody),
    ))]
async fn webhooks(State(s): State<AppState>, session: LoggedIn) -> ApiResult<Json<Vec<Webhook>>> {
    Ok(Json(s.read(move |cms| cms.webhooks(&session.actor)).await?))
}

/// A webhook to add.
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…", "format": "WECOM"}))]
pub(crate) struct WebhookBody {
    /// http:// or https://, at most 2000 characters.
    url: Option<String>,
    #[schema(inline, value_type = WebhookFormat)]
    format: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct WebhookAdded {
    #[serde(rename = "webhookID")]
    webhook_id: String,
}

/// Adds a webhook, told of every raise and clear from now on (JSON: Cinedesk's own body;
/// WECOM, DINGTALK: the group robots' text message).
#[utoipa::path(post, path = "/cms/webhooks", tag = "alerts", operation_id = "create_webhook",
    request_body = WebhookBody,
    responses(
        (status = 200, description = "Added", body = WebhookAdded),
        (status = 400, description = "Not an http(s) URL, or no such format", body = ErrorBody),
        (status = 403, description = "A manager of some cinemas only", body = ErrorBody),
    ))]
async fn add_webhook(
    State(s): State<AppState>,
    session: LoggedIn,
    JsonBody(b): JsonBody<WebhookBody>,
) -> ApiResult<Json<WebhookAdded>> {
    let url = b.url.ok_or_else(|| cinedesk_core::Error::invalid("url", "is required"))?;
    let format = WebhookFormat::parse("format", b.format.as_deref().unwrap_or(""))?;
    let webhook_id = s.run(move |cms| cms.create_webhook(&session.actor, &url, format)).await?;
    Ok(Json(WebhookAdded { webhook_id }))
}

/// Removes a webhook and the calls it still owed.
#[utoipa::path(delete, path = "/cms/webhooks/{webhook_id}", tag = "alerts", operation_id = "delete_webhook",
    params(("webhook_id" = String, Path)),
    responses(
        (status = 200, description = "Removed", body = Done),
        (status = 403, description = "A manager of some cinemas only", body = ErrorBody),
        (status = 404, description = "No such webhook", body = ErrorBody),
    ))]
async fn delete_webhook(
    State(s): State<AppState>,
    session: LoggedIn,
    PathParam(id): PathParam<String>,
) -> ApiResult<Json<Done>> {
    s.run(move |cms| cms.delete_webhook(&session.actor, &id)).await?;
    Ok(done())
}

#[derive(Serialize, ToSchema)]
pub(crate) struct TestSent {
    /// Whether the receiver took it (a 2xx; for a robot, errcode 0).
    delivered: bool,
    /// Why not, when it did not.
    error: Option<String>,
}

/// Sends a test message to the webhook now, once (not queued, not retried), and says how it went.
#[utoipa::path(post, path = "/cms/webhooks/{webhook_id}/_test", tag = "alerts", operation_id = "test_webhook",
    params(("webhook_id" = String, Path)),
    responses(
        (status = 200, description = "Sent or not: see `delivered`", body = TestSent),
        (status = 403, description = "A manager of some cinemas only", body = ErrorBody),
        (status = 404, description = "No such webhook", body = ErrorBody),
    ))]
async fn test_webhook(
    State(s): State<AppState>,
    session: LoggedIn,
    PathParam(id): PathParam<String>,
) -> ApiResult<Json<TestSent>> {
    let (hook, now) = s.read(move |cms| Ok((cms.webhook(&session.actor, &id)?, cms.alert_now_ms()))).await?;
    let outcome = crate::webhook::post(&hook.url, hook.format, &crate::webhook::test_body(hook.format, now)).await;
    Ok(Json(TestSent { delivered: outcome.is_ok(), error: outcome.err() }))
}
