//! End to end with the site agent (issue 13): the real `cinedesk serve` and `cinedesk site` processes on 127.0.0.1, each agent behind a counting proxy: a 200 MiB film reaches three sites through an agent killed mid-download and a server killed mid-download; a command runs a site's hook; a withdrawn film leaves the site's disk.

mod rig;

use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde_json::{json, Value};

use rig::{script, until, Console, Proxy, Server, Site};

const MIB: u64 = 1 << 20;

/// Hash of a file, by the testkit's MD5 (not the core's, which the agent and server use).
fn md5_of(path: &std::path::Path) -> String {
    cinedesk_testkit::md5_hex(&std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_sites_get_a_200_mib_film_through_an_agent_kill_and_a_server_kill_each_byte_about_once() {
    const SIZE: u64 = 200 * MIB;
    let started = Instant::now();
    let tmp = tempfile::tempdir().unwrap();
    let (source, data) = (tmp.path().join("film.bin"), tmp.path().join("data"));
    cinedesk_testkit::noise_file(&source, SIZE, 13);
    let server = Server::start(&data).await;
    let target = Arc::new(Mutex::new(server.addr));
    let console = Console::login(server.addr).await;
    let (film, file) = console.film(&source).await;
    let md5 = md5_of(&source);
    std::fs::remove_file(&source).unwrap();
    // Site 0 is held after a third of the file, site 1 after two thirds, site 2 runs free.
    let (mut sites, mut proxies, mut cinemas) = (vec![], vec![], vec![]);
    for (i, budget) in [SIZE / 3, SIZE * 2 / 3, u64::MAX].into_iter().enumerate() {
        let (cinema, key) = console.keyed_cinema(&format!("e2e{i}")).await;
        let proxy = Proxy::start(Arc::clone(&target), budget).await;
        let dir = tmp.path().join(format!("site{i}"));
        sites.push(Site::start(&format!("http://{}", proxy.addr), &cinema, &key, &dir, None));
        proxies.push(proxy);
        cinemas.push(cinema);
    }
    let (status, body) =
        console.send("POST", &format!("/cms/movies/{film}/_distribute"), json!({"cinemaIDList": cinemas})).await;
    assert_eq!(status, 200, "{body}");
    let (f, fi) = (&film, &file);
    let s0 = &sites[0];
    until("site 0 has a quarter on disk", || async move { (s0.bytes_of(f, fi) >= SIZE / 4).then_some(()) }).await;
    sites[0].kill();
    let s1 = &sites[1];
    until("site 1 has half on disk", || async move { (s1.bytes_of(f, fi) >= SIZE / 2).then_some(()) }).await;
    drop(server); // SIGKILL: the server stops mid-download, with no chance to tidy up
    proxies.iter().for_each(Proxy::open);
    let server = Server::start(&data).await;
    *target.lock().unwrap() = server.addr;
    sites[0].restart();
    let console = Console::login(server.addr).await;
    let c = &console;
    until("all three READY", || async move { (c.counts(f).await["READY"] == 3).then_some(()) }).await;
    for (i, (site, proxy)) in sites.iter().zip(&proxies).enumerate() {
        assert_eq!(md5_of(&site.dir.join("films").join(format!("{film}.{file}"))), md5, "site {i}'s copy");
        let ratio = proxy.down() as f64 / SIZE as f64;
        eprintln!("site {i}: {:.3} × the file received", ratio);
        assert!(ratio < 1.2, "site {i} received {} bytes for a file of {SIZE}", proxy.down());
        let journal = site.journal()["films"][&film].clone();
        assert_eq!((&journal["state"], &journal["file"]["fileID"]), (&json!("READY"), &json!(file)), "{journal}");
    }
    let board = console.send("GET", &format!("/cms/movies/{film}/deliveries"), Value::Null).await.1;
    assert!(board["itemList"].as_array().unwrap().iter().all(|d| d["bytes"] == SIZE), "{board}");
    // The agents sign their downloads, so the server counted what it sent each site: all of the
    // file, less at most what was in flight when the server itself was killed (counts are saved
    // every 32 MiB), and never much more than the file.
    for d in board["itemList"].as_array().unwrap() {
        let served = d["servedBytes"].as_u64().unwrap();
        eprintln!("site {}: {:.3} × the file counted as sent", d["cinemaCode"], served as f64 / SIZE as f64);
        assert!(served + 40 * MIB >= SIZE && served < SIZE * 6 / 5, "{d}");
    }
    eprintln!("200 MiB to three sites, with an agent and the server killed: {:.1} s", started.elapsed().as_secs_f64());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_command_runs_the_sites_hook_and_ends_done_with_what_the_hook_said() {
    let tmp = tempfile::tempdir().unwrap();
    let server = Server::start(&tmp.path().join("data")).await;
    let console = Console::login(server.addr).await;
    let (cinema, key) = console.keyed_cinema("cmd").await;
    let hall = json!({"hallCode": "h1", "name": "放映厅01", "cinemaID": cinema, "numberOfSeats": 10});
    let hall = console.create("/cms/halls", "hallID", hall).await;
    let seat = json!({"hallID": hall, "seatNumber": "A01", "IPAddr": "10.0.0.2"});
    let seat = console.create("/cms/vr_clients", "clientID", seat).await;
    let said = tmp.path().join("said.txt");
    let hook = script(&tmp.path().join("hook.sh"), &format!("echo \"$1 $2\" > '{}'; echo rebooted", said.display()));
    let _site = Site::start(&console.base, &cinema, &key, &tmp.path().join("site"), Some(&hook));
    let body = json!({"action": "REBOOT", "clientIDList": [seat]});
    let id = console.create(&format!("/cms/cinemas/{cinema}/commands"), "commandID", body).await;
    let (c, path) = (&console, format!("/cms/commands/{id}"));
    let path = &path;
    let ended = until("the command ended", || async move {
        let (_, cmd) = c.send("GET", path, Value::Null).await;
        matches!(cmd["state"].as_str(), Some("DONE" | "FAILED")).then_some(cmd)
    })
    .await;
    assert_eq!((&ended["state"], &ended["detail"]), (&json!("DONE"), &json!("rebooted")), "{ended}");
    assert_eq!(std::fs::read_to_string(&said).unwrap(), format!("REBOOT {seat}\n"), "the hook got the action and seat");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_withdrawn_film_leaves_the_sites_disk_and_journal() {
    let tmp = tempfile::tempdir().unwrap();
    let server = Server::start(&tmp.path().join("data")).await;
    let console = Console::login(server.addr).await;
    let source = tmp.path().join("small.bin");
    cinedesk_testkit::noise_file(&source, 3 * MIB, 7);
    let (film, file) = console.film(&source).await;
    let (cinema, key) = console.keyed_cinema("wd").await;
    let site = Site::start(&console.base, &cinema, &key, &tmp.path().join("site"), None);
    assert_eq!(
        console.send("POST", &format!("/cms/movies/{film}/_distribute"), json!({"cinemaIDList": [cinema]})).await.0,
        200
    );
    let (c, f, s) = (&console, &film, &site);
    until("READY", || async move { (c.counts(f).await["READY"] == 1).then_some(()) }).await;
    assert_eq!(md5_of(&site.dir.join("films").join(format!("{film}.{file}"))), md5_of(&source));
    let (status, body) =
        console.send("DELETE", &format!("/cms/movies/{film}/_distribute"), json!({"cinemaIDList": [cinema]})).await;
    assert_eq!(status, 200, "{body}");
    until("the film gone from the site", || async move { s.journal()["films"].get(f).is_none().then_some(()) }).await;
    assert_eq!(std::fs::read_dir(site.dir.join("films")).unwrap().count(), 0, "no file of it left");
    assert_eq!(console.counts(&film).await["WITHDRAWN"], 1);
}
