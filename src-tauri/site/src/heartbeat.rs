//! The heartbeat, `POST /cms/cinemas/{cinema}/heartbeat`: the agent's version, the free and total disk of its directory, and the seats' statuses from a JSON file or a program.

use std::path::Path;

use serde_json::{json, Value};

use crate::api::Api;
use crate::config::{Config, Seats};

/// Sends a heartbeat every `config.heartbeat_every`, the first at once. A heartbeat that does
/// not get through is not sent again: the next one says the same, newer.
pub(crate) async fn run(api: &Api, config: &Config) {
    let mut every = tokio::time::interval(config.heartbeat_every);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let path = format!("/cms/cinemas/{}/heartbeat", config.cinema);
    loop {
        every.tick().await;
        let body = body(&config.dir, &config.seats).await;
        if let Err(why) = api.send_json("POST", &path, &body).await {
            tracing::warn!(%why, "heartbeat not delivered");
        }
    }
}

async fn body(dir: &Path, seats: &Seats) -> Value {
    let (free, total) = disk(dir);
    json!({
        "comsVersion": concat!("cinedesk-site/", env!("CARGO_PKG_VERSION")),
        "diskFreeBytes": free,
        "diskTotalBytes": total,
        "seats": read_seats(seats).await,
    })
}

/// Free (for this user) and total bytes of the file system holding `dir`; null if unknown.
fn disk(dir: &Path) -> (Option<u64>, Option<u64>) {
    match fs4::statvfs(dir) {
        Ok(v) => (Some(v.available_space()), Some(v.total_space())),
        Err(_) => (None, None),
    }
}

/// The seats' statuses: a JSON array of `{"clientID", "status", "errorCode"?, "errorMessage"?}`.
/// A source that cannot be read gives no seats (and a warning): the COMS's own heartbeat still
/// counts.
async fn read_seats(seats: &Seats) -> Value {
    let text = match seats {
        Seats::None => return json!([]),
        Seats::File(path) => tokio::fs::read(path).await.map_err(|e| format!("{}: {e}", path.display())),
        Seats::Command(program) => match tokio::process::Command::new(program).kill_on_drop(true).output().await {
            Ok(out) if out.status.success() => Ok(out.stdout),
            Ok(out) => Err(format!("{} ended with {}", program.display(), out.status)),
            Err(e) => Err(format!("{}: {e}", program.display())),
        },
    };
    match text.and_then(|t| serde_json::from_slice::<Vec<Value>>(&t).map_err(|e| format!("not a JSON array: {e}"))) {
        Ok(list) => Value::Array(list),
        Err(why) => {
            tracing::warn!(%why, "seats' statuses unreadable; heartbeat without seats");
            json!([])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_heartbeat_carries_the_seats_of_the_file_and_the_disk_of_the_directory() {
        let dir = tempfile::tempdir().unwrap();
        let seats = dir.path().join("seats.json");
        std::fs::write(&seats, r#"[{"clientID": "s1", "status": "ERROR", "errorCode": "HMD_LOST"}]"#).unwrap();
        let b = body(dir.path(), &Seats::File(seats)).await;
        assert_eq!(b["seats"][0]["errorCode"], "HMD_LOST");
        let (free, total) = (b["diskFreeBytes"].as_u64().unwrap(), b["diskTotalBytes"].as_u64().unwrap());
        assert!(0 < free && free <= total, "{b}");
    }

    #[tokio::test]
    async fn an_unreadable_seats_file_gives_a_heartbeat_without_seats() {
        let dir = tempfile::tempdir().unwrap();
        let seats = dir.path().join("seats.json");
        std::fs::write(&seats, "half a [").unwrap();
        assert_eq!(body(dir.path(), &Seats::File(seats)).await["seats"], json!([]));
    }
}
