//! Webhook calls on the wire: the body of each format (Cinedesk's JSON, WeCom's and DingTalk's group robots' text messages) and one POST with its outcome.

use std::sync::OnceLock;
use std::time::Duration;

use cinedesk_core::{AlertState, Notification, WebhookCall, WebhookFormat};
use serde_json::{json, Value};

/// How long one call may take, connection included.
const CALL_TIMEOUT: Duration = Duration::from_secs(10);

/// The client every call shares (its connection pool), made on first use.
fn client() -> &'static reqwest::Client {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        reqwest::Client::builder()
            .timeout(CALL_TIMEOUT)
            .user_agent(concat!("Cinedesk/", env!("CARGO_PKG_VERSION")))
            .build()
            .unwrap_or_default()
    })
}

/// A robot's text: what happened, headed by whether it began or ended. "Cinedesk" in the head
/// also satisfies a DingTalk robot whose security is the keyword "Cinedesk".
fn robot_text(state: AlertState, message: &str) -> String {
    match state {
        AlertState::Raised => format!("【Cinedesk 告警】{message}"),
        AlertState::Cleared => format!("【Cinedesk 已恢复】{message}"),
    }
}

fn robot_body(content: String) -> Value {
    json!({"msgtype": "text", "text": {"content": content}})
}

/// The body of a raise or clear in `format`.
pub fn body(format: WebhookFormat, state: AlertState, n: &Notification) -> Value {
    match format {
        WebhookFormat::Json => {
            let mut v = json!({
                "kind": n.kind,
                "state": state,
                "notificationID": n.notification_id,
                "cinemaID": n.cinema_id,
                "message": n.message,
                "raisedAt": n.raised_at,
                "clearedAt": n.cleared_at,
            });
            if let Some(c) = &n.client_id {
                v["clientID"] = json!(c);
            }
            if let Some(m) = &n.movie_id {
                v["movieID"] = json!(m);
            }
            v
        }
        WebhookFormat::Wecom | WebhookFormat::Dingtalk => robot_body(robot_text(state, &n.message)),
    }
}

/// The text of a test message.
pub const TEST_MESSAGE: &str = "Cinedesk 测试消息：此 webhook 可以收到告警。";

/// The body of a test message in `format` (JSON: `kind` TEST, `state` TEST).
pub fn test_body(format: WebhookFormat, now_ms: i64) -> Value {
    match format {
        WebhookFormat::Json => json!({"kind": "TEST", "state": "TEST", "message": TEST_MESSAGE, "raisedAt": now_ms}),
        WebhookFormat::Wecom | WebhookFormat::Dingtalk => robot_body(format!("【Cinedesk】{TEST_MESSAGE}")),
    }
}

/// Posts `body` to `url`: Ok on a 2xx (for a robot, one whose `errcode` is 0 or absent), or
/// why not, in words for the webhook list.
pub async fn post(url: &str, format: WebhookFormat, body: &Value) -> Result<(), String> {
    let res = client()
        .post(url)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .map_err(|e| describe(&e))?;
    let status = res.status();
    if !status.is_success() {
        return Err(format!("HTTP {}", status.as_u16()));
    }
    if format == WebhookFormat::Json {
        return Ok(());
    }
    // The robots answer 200 with {"errcode": …, "errmsg": …}: a wrong key is an errcode.
    let text = res.text().await.map_err(|e| describe(&e))?;
    let answer: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    match answer["errcode"].as_i64() {
        Some(code) if code != 0 => Err(format!("errcode {code}: {}", answer["errmsg"].as_str().unwrap_or(""))),
        _ => Ok(()),
    }
}

/// A transport failure in words, with its cause (reqwest's own text stops at "error sending request").
fn describe(e: &reqwest::Error) -> String {
    let mut text = if e.is_timeout() { "timed out".to_string() } else { e.to_string() };
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text = format!("{text}: {s}");
        source = s.source();
    }
    text
}

/// Makes one due call.
pub async fn send(call: &WebhookCall) -> Result<(), String> {
    post(&call.url, call.format, &body(call.format, call.state, &call.notification)).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use cinedesk_core::AlertKind;

    fn seat_error() -> Notification {
        Notification {
            notification_id: "n1".into(),
            kind: AlertKind::SeatError,
            cinema_id: "c1".into(),
            client_id: Some("s1".into()),
            movie_id: None,
            message: "一号厅 A1 号座位故障".into(),
            raised_at: 1,
            cleared_at: None,
            read: false,
        }
    }

    #[test]
    fn the_json_body_names_the_kind_state_and_subject_and_leaves_out_what_it_is_not_about() {
        let v = body(WebhookFormat::Json, AlertState::Raised, &seat_error());
        assert_eq!(
            (v["kind"].as_str(), v["state"].as_str(), v["clientID"].as_str()),
            (Some("SEAT_ERROR"), Some("RAISED"), Some("s1"))
        );
        assert!(v.get("movieID").is_none() && v["clearedAt"].is_null(), "{v}");
    }

    #[test]
    fn robots_get_a_text_message_headed_by_raise_or_clear() {
        for format in [WebhookFormat::Wecom, WebhookFormat::Dingtalk] {
            let v = body(format, AlertState::Cleared, &seat_error());
            assert_eq!(v["msgtype"], "text");
            assert_eq!(v["text"]["content"], "【Cinedesk 已恢复】一号厅 A1 号座位故障");
        }
    }
}
