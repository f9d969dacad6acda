//! Integration tests of the core on real SQLite files, one module per area.
//!
//! Every use case takes its caller and decides itself who may: tests call as the caller a use
//! case serves (a SYS_ADMIN or MANAGER who logged in, a cinema's client, or the system itself),
//! and the role rules have tests of their own (`roles`).

use std::sync::{Arc, Mutex};

use cinedesk_core::*;
use tempfile::TempDir;

mod alerts;
mod audit;
mod backup;
mod backup_admin;
mod catalogues;
mod cinemas;
mod commands;
mod coms;
mod deliveries;
mod files;
mod inputs;
mod library;
mod lockout;
mod movies;
mod people;
mod qr;
mod reports;
mod roles;
mod scope;
mod seats;
mod sessions;
mod signatures;
mod storage;
mod vod_tasks;

use inputs::*;

/// The password of every user the tests make.
const PASSWORD: &str = "correct horse";

/// A CMS on its own fresh data dir; the dir lives as long as the returned guard.
struct App {
    cms: Arc<Cms>,
    dir: TempDir,
}

fn spawn_app() -> App {
    let dir = tempfile::tempdir().expect("temp dir");
    let cms = Arc::new(Cms::open(dir.path()).expect("open a fresh CMS"));
    App { cms, dir }
}

/// Someone who logged in: the actor the core sees when they call, their token and their id.
struct Person {
    actor: Actor,
    token: String,
    id: String,
}

impl App {
    /// The first SYS_ADMIN (`sysadmin`), made at first run and logged in.
    fn admin(&self) -> Person {
        self.cms.create_first_admin(&Actor::System, "系统管理员", "sysadmin", PASSWORD).expect("the first admin");
        self.login("sysadmin")
    }

    /// A MANAGER of every cinema (`manager1`), made by `admin` and logged in.
    fn manager(&self, admin: &Actor) -> Person {
        let input = UserInput { all_cinemas: Some(true), ..user_input("manager1", ROLE_MANAGER) };
        self.cms.create_user(admin, input).expect("a manager");
        self.login("manager1")
    }

    /// Logs `alias` in with [`PASSWORD`] and resolves the session, as an adapter does.
    fn login(&self, alias: &str) -> Person {
        let session = self.cms.login(alias, PASSWORD).expect("logs in");
        let actor = Actor::User(self.cms.authenticate(&session.token).expect("a live session"));
        Person { actor, token: session.token, id: session.user_id }
    }
}

/// A fresh CMS and its first SYS_ADMIN, logged in: who most tests call as.
fn spawn_with_admin() -> (App, Actor) {
    let app = spawn_app();
    let admin = app.admin().actor;
    (app, admin)
}

fn user_input(alias: &str, role: &str) -> UserInput {
    UserInput {
        name: Some("张三".into()),
        alias: Some(alias.into()),
        role: Some(role.into()),
        password: Some(PASSWORD.into()),
        ..Default::default()
    }
}

/// A cinema with one hall and `seats` seats, made by `by`; returns (cinema, hall, seat ids).
fn site(cms: &Cms, by: &Actor, code: &str, seats: usize) -> (String, String, Vec<String>) {
    let cinema = cms.create_cinema(by, cinema_input(code)).expect("cinema of a site");
    let hall = cms.create_hall(by, hall_input(&cinema, &format!("{code}_h1"))).expect("hall of a site");
    let inputs = (1..=seats).map(|i| seat_input(&hall, &format!("A{i:02}"))).collect();
    let ids = if seats > 0 { cms.create_vr_clients(by, inputs).expect("seats of a site") } else { vec![] };
    (cinema, hall, ids)
}

fn paging(start: Option<u32>, limit: Option<u32>) -> Paging {
    Paging::new(start, limit).expect("valid paging")
}

fn distribute(cms: &Cms, by: &Actor, movie: &str, cinemas: &[&String]) -> Result<DistributionOutcome> {
    let list = cinemas.iter().map(|c| (*c).clone()).collect();
    cms.distribute_movie(by, movie, DistributeInput { cinema_id_list: Some(list) })
}

/// The client of `cinema`'s COMS, as a request signed with one of its keys is authenticated.
fn site_client(cinema: &str) -> Actor {
    Actor::Cinema { cinema_id: cinema.into(), apikey: "ck_site".into(), origin: Origin::local() }
}

/// Every change at a cinema the CMS tells its listeners of from now on.
fn site_changes(cms: &Cms) -> Arc<Mutex<Vec<SiteChange>>> {
    let told = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&told);
    cms.on_site_change(move |c| sink.lock().unwrap().push(c.clone()));
    told
}
