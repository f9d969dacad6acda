//! Finding 3: a head trickled in, sockets left idle, a body that stops, and one address holding many connections are all cut off; long-polls and WebSockets are not.

use std::time::Duration;

use futures_util::StreamExt;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::server::{patience, Server};

/// Waits until the server closes `socket` (or answers and closes it); what it sent, if anything.
async fn closed_by_server(socket: &mut TcpStream, limit_seconds: u64) -> Vec<u8> {
    let mut got = Vec::new();
    let read = tokio::time::timeout(patience(limit_seconds), socket.read_to_end(&mut got)).await;
    assert!(read.is_ok(), "the server kept the connection open long past its limit of {limit_seconds} s");
    got
}

#[tokio::test]
async fn a_head_trickled_a_byte_a_second_is_closed_while_healthz_answers() {
    let server = Server::start(&["--header-timeout", "2"]);
    let mut slow = TcpStream::connect(server.addr).await.unwrap();
    // A head that never ends: each byte a second apart, as the probe sent it.
    let head = b"GET /healthz HTTP/1.1\r\nhost: probe\r\nx-slow: ";
    let mut buf = [0u8; 256];
    let budget = patience(2).as_secs() as usize;
    let mut closed = false;
    for i in 0..budget {
        if slow.write_all(&[*head.get(i).unwrap_or(&b'a')]).await.is_err() {
            closed = true;
            break;
        }
        let health = server.http.get(server.url("/healthz")).send().await.unwrap();
        assert_eq!(health.status(), 200, "other clients are answered meanwhile");
        match tokio::time::timeout(Duration::from_secs(1), slow.read(&mut buf)).await {
            Ok(Ok(0) | Err(_)) => {
                closed = true;
                break;
            }
            Ok(Ok(_)) => panic!("the server answered a head it never received whole"),
            Err(_) => {} // a second passed: the next byte
        }
    }
    assert!(closed, "a head trickled for {budget} s was never cut off");
}

#[tokio::test]
async fn idle_sockets_and_idle_keep_alive_connections_are_closed() {
    let server = Server::start(&["--header-timeout", "2", "--max-connections-per-address", "1000"]);
    let mut idle = Vec::new();
    for _ in 0..500 {
        idle.push(TcpStream::connect(server.addr).await.unwrap());
    }
    let mut kept = TcpStream::connect(server.addr).await.unwrap();
    kept.write_all(b"GET /healthz HTTP/1.1\r\nhost: probe\r\n\r\n").await.unwrap();
    let waits = idle.into_iter().map(|mut s| tokio::spawn(async move { closed_by_server(&mut s, 2).await }));
    for wait in waits {
        assert!(wait.await.unwrap().is_empty(), "an idle socket is closed without an answer");
    }
    let answered = closed_by_server(&mut kept, 2).await;
    assert!(String::from_utf8_lossy(&answered).starts_with("HTTP/1.1 200"), "answered, then closed once idle");
}

#[tokio::test]
async fn a_stalled_upload_is_cut_and_keeps_what_it_acknowledged() {
    let server = Server::start(&["--body-timeout", "2"]);
    let token = server.admin().await;
    let created = server.http.post(server.url("/files/")).bearer_auth(&token).header("tus-resumable", "1.0.0");
    let created = created.header("upload-length", "1000").send().await.unwrap();
    let location = created.headers()["location"].to_str().unwrap().to_string();
    let path = location.trim_start_matches(&server.base).to_string();
    let mut socket = TcpStream::connect(server.addr).await.unwrap();
    let head = format!(
        "PATCH {path} HTTP/1.1\r\nhost: probe\r\nauthorization: Bearer {token}\r\ntus-resumable: 1.0.0\r\n\
         upload-offset: 0\r\ncontent-type: application/offset+octet-stream\r\ncontent-length: 1000\r\n\r\n"
    );
    socket.write_all(head.as_bytes()).await.unwrap();
    socket.write_all(&[7u8; 400]).await.unwrap();
    // Then nothing more: the server must give up on the body and keep the 400 bytes.
    closed_by_server(&mut socket, 2).await;
    let head = server.http.head(server.url(&path)).bearer_auth(&token).header("tus-resumable", "1.0.0");
    let head = head.send().await.unwrap();
    assert_eq!(head.headers()["upload-offset"], "400", "the bytes that arrived are kept");
}

#[tokio::test]
async fn long_polls_and_websockets_outlive_the_timeouts() {
    let server = Server::start(&["--header-timeout", "2", "--body-timeout", "2"]);
    let token = server.admin().await;
    let cinema = server.cinema(&token, "probe_lp").await;
    let poll = server.http.get(server.url(&format!("/cms/long_poll/{cinema}?timeout=120"))).bearer_auth(&token).send();
    let poll = tokio::spawn(poll);
    let mut ws_req = tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(format!(
        "ws://{}/cms/ws/{cinema}",
        server.addr
    ))
    .unwrap();
    ws_req.headers_mut().insert("authorization", format!("Bearer {token}").parse().unwrap());
    let (mut ws, _) = tokio_tungstenite::connect_async(ws_req).await.unwrap();
    // A socket opened after both, closed for idling: both have now idled longer than the limits.
    let mut canary = TcpStream::connect(server.addr).await.unwrap();
    closed_by_server(&mut canary, 2).await;
    let movie = json!({"name": "片", "movieCode": "probe_m", "duration": 30, "description": "d", "type": "MOVIE",
        "category": "ACTION", "country": "USA", "price": 100, "scheduleStart": "1510208988793", "online": true});
    let (_, made) = server.json("POST", "/cms/movies", Some(&token), Some(movie)).await;
    let to = json!({"cinemaIDList": [cinema]});
    let path = format!("/cms/movies/{}/_distribute", made["movieID"].as_str().unwrap());
    assert_eq!(server.json("POST", &path, Some(&token), Some(to)).await.0, 200);
    let polled = poll.await.unwrap().unwrap();
    assert_eq!(polled.status(), 200, "the long-poll was answered with the message");
    let message = tokio::time::timeout(patience(2), ws.next()).await.unwrap().unwrap().unwrap();
    assert!(message.to_text().unwrap().contains("NEW_MOVIE"), "the WebSocket got it too: {message}");
    ws.close(None).await.unwrap();
}

#[tokio::test]
async fn one_address_holds_at_most_the_configured_connections() {
    let server = Server::start(&["--max-connections-per-address", "3"]);
    let mut held = Vec::new();
    for _ in 0..3 {
        held.push(TcpStream::connect(server.addr).await.unwrap());
    }
    let mut extra = TcpStream::connect(server.addr).await.unwrap();
    let refused = String::from_utf8(closed_by_server(&mut extra, 1).await).unwrap();
    assert!(refused.starts_with("HTTP/1.1 429"), "{refused}");
    assert!(refused.contains("\"code\":\"too_many_requests\""), "{refused}");
    drop(held.pop());
    // The server frees the slot once it sees the close; until then a new connection is refused.
    for attempt in 0.. {
        match server.http.get(server.url("/healthz")).send().await {
            Ok(res) if res.status() == 200 => break,
            _ if attempt < 1000 => tokio::time::sleep(Duration::from_millis(20)).await,
            other => panic!("a freed slot is never given again: {other:?}"),
        }
    }
}
