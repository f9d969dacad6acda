//! What only the remote backend has: a network between it and the data.

use std::time::{Duration, Instant};

use cinedesk_core::*;
use cinedesk_remote::RemoteCms;

/// A port nothing listens on: bound, noted, and closed again.
fn dead_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

#[test]
fn a_server_that_is_not_there_is_unreachable_not_a_panic() {
    let api = RemoteCms::new(&format!("http://127.0.0.1:{}", dead_port())).unwrap();
    let err = api.login("a", "b").unwrap_err();
    assert_eq!(err.code(), "unreachable", "connection refused: {err}");
    assert!(err.to_string().contains("127.0.0.1"), "the message names the server: {err}");
    let err = api.list_cinemas("token", &CinemaQuery::default()).unwrap_err();
    assert!(matches!(err, Error::Unreachable(_)), "{err}");
}

#[test]
fn a_server_that_never_answers_times_out_as_unreachable() {
    // Accepts connections and then says nothing.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = silent.local_addr().unwrap();
    let keep = std::thread::spawn(move || {
        let conns: Vec<_> = silent.incoming().take(1).collect();
        std::thread::sleep(Duration::from_secs(3));
        drop(conns);
    });
    let api = RemoteCms::builder(&format!("http://{addr}")).timeout(Duration::from_millis(500)).build().unwrap();
    let started = Instant::now();
    let err = api.app_info().unwrap_err();
    assert_eq!(err.code(), "unreachable", "{err}");
    assert!(err.to_string().contains("timed out"), "says why: {err}");
    assert!(started.elapsed() < Duration::from_secs(3), "the timeout ends the wait");
    keep.join().unwrap();
}

#[test]
fn something_that_is_not_a_cinedesk_server_is_named_as_such() {
    // A plain HTTP server answering every request with an HTML page.
    let other = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = other.local_addr().unwrap();
    let serve = std::thread::spawn(move || {
        use std::io::{Read, Write};
        let (mut s, _) = other.accept().unwrap();
        let mut buf = [0u8; 4096];
        let _ = s.read(&mut buf);
        let page = "<html>hello</html>";
        let _ = write!(s, "HTTP/1.1 404 Not Found\r\ncontent-type: text/html\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{page}", page.len());
    });
    let api = RemoteCms::new(&addr.to_string()).unwrap();
    let err = api.app_info().unwrap_err();
    assert_eq!(err.code(), "internal", "{err}");
    assert!(err.to_string().contains("not a Cinedesk server"), "{err}");
    serve.join().unwrap();
}

#[test]
fn a_fresh_server_says_it_has_no_users_and_still_refuses_setup_over_the_network() {
    let dir = tempfile::tempdir().unwrap();
    let cms = std::sync::Arc::new(Cms::open(dir.path()).unwrap());
    let server = crate::harness::Server::start(std::sync::Arc::clone(&cms));
    let api = RemoteCms::new(&server.base).unwrap();
    let info = api.app_info().unwrap();
    assert_eq!((info.has_users, info.mode.as_str()), (false, "server"), "the UI shows its first-run text");
    let err = api.setup_admin("管理员", "admin", "first password").unwrap_err();
    assert_eq!(err.code(), "forbidden", "a server's first administrator is made on the server: {err}");
    assert_eq!(cms.user_count().unwrap(), 0, "nothing was created");
    // The client's pooled connection goes first, so the server's graceful stop has nothing to wait for.
    drop(api);
    drop(server);
}

#[test]
fn a_bad_server_address_is_a_field_error() {
    let err = RemoteCms::new("ftp://files.example.cn").err().expect("ftp is refused");
    assert_eq!((err.code().as_str(), err.field()), ("invalid", Some("serverURL")));
}
