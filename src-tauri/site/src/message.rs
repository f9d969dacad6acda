//! The channel's messages as the agent reads them: only the fields it acts on.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A film's file as a `NEW_MOVIE` or `MOVIE_UPDATED` names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct FileRef {
    #[serde(rename = "fileID")]
    pub file_id: String,
    pub size: u64,
    pub md5: String,
    /// A path on the server (`/cms/files/…`), joined to the server's address.
    pub url: String,
}

/// What a message asks of the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Order {
    /// `NEW_MOVIE` or `MOVIE_UPDATED`: have this film's file (none while the film has none).
    Film { movie_id: String, file: Option<FileRef> },
    /// `MOVIE_WITHDRAWN`: the film is gone.
    Withdrawn { movie_id: String },
    /// `COMMAND`: act on seats.
    Command { command_id: String, action: String, client_ids: Vec<String> },
    /// Any other type (VOD tasks, types added later): nothing for this agent to do.
    Other(String),
}

/// One message of the channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Message {
    pub id: String,
    pub order: Order,
}

#[derive(Deserialize)]
struct Raw {
    #[serde(rename = "messageID")]
    id: String,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    message: Value,
}

#[derive(Deserialize)]
struct Film {
    #[serde(rename = "movieID")]
    movie_id: String,
    #[serde(default)]
    file: Option<FileRef>,
}

#[derive(Deserialize)]
struct Command {
    #[serde(rename = "commandID")]
    command_id: String,
    action: String,
    #[serde(rename = "clientIDList", default)]
    client_ids: Vec<String>,
}

impl Message {
    /// Reads a message; a text that is not one (e.g. the socket's `{"info"}`) is `None`. A
    /// message of a known type whose body does not fit is `Other`, saying why: it is logged and
    /// acknowledged, since it would come back unchanged and hold up the queue for ever.
    pub fn parse(text: &str) -> Option<Message> {
        let raw = serde_json::from_str::<Raw>(text).ok()?;
        let order = match raw.kind.as_str() {
            "NEW_MOVIE" | "MOVIE_UPDATED" => serde_json::from_value::<Film>(raw.message.clone())
                .map(|f| Order::Film { movie_id: f.movie_id, file: f.file }),
            "MOVIE_WITHDRAWN" => {
                serde_json::from_value::<Film>(raw.message.clone()).map(|f| Order::Withdrawn { movie_id: f.movie_id })
            }
            "COMMAND" => serde_json::from_value::<Command>(raw.message.clone()).map(|c| Order::Command {
                command_id: c.command_id,
                action: c.action,
                client_ids: c.client_ids,
            }),
            other => Ok(Order::Other(other.to_string())),
        };
        let order = order.unwrap_or_else(|e| Order::Other(format!("{} (unreadable: {e})", raw.kind)));
        Some(Message { id: raw.id, order })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_movie_names_its_film_and_file() {
        let text = r#"{"messageID":"m1","type":"NEW_MOVIE","message":{"movieID":"f1","name":"x",
            "file":{"fileID":"x1","size":5,"md5":"0123456789abcdef0123456789abcdef","url":"/cms/files/x1"}}}"#;
        let m = Message::parse(text).unwrap();
        let Order::Film { movie_id, file: Some(file) } = m.order else { panic!("{m:?}") };
        assert_eq!((m.id.as_str(), movie_id.as_str(), file.size, file.url.as_str()), ("m1", "f1", 5, "/cms/files/x1"));
    }

    #[test]
    fn a_socket_notice_is_no_message_and_an_unknown_type_is_left_alone() {
        assert_eq!(Message::parse(r#"{"info":"expected {\"ack\"}"}"#), None);
        let m = Message::parse(r#"{"messageID":"m2","type":"NEW_VOD_TASK","message":{}}"#).unwrap();
        assert_eq!(m.order, Order::Other("NEW_VOD_TASK".into()));
        let bad = Message::parse(r#"{"messageID":"m3","type":"COMMAND","message":{"action":1}}"#).unwrap();
        assert!(matches!(&bad.order, Order::Other(why) if why.starts_with("COMMAND (unreadable")), "{bad:?}");
    }
}
