//! The two backends under contract, each on its own fresh data dir with a SYS_ADMIN and a MANAGER
//! logged in, and the inputs the tests share.

use std::sync::Arc;

use cinedesk_core::*;
use cinedesk_remote::RemoteCms;
use tempfile::TempDir;

#[path = "../../../core/tests/core/inputs.rs"]
mod inputs;
pub use inputs::*;

pub const PASSWORD: &str = "correct horse";
pub const ADMIN: &str = "sysadmin";
pub const MANAGER: &str = "manager1";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Local,
    Remote,
}

/// One backend under test.
pub struct Fixture {
    pub kind: Kind,
    /// What the tests call: the local core, or the remote client of a real server.
    pub api: Arc<dyn CmsApi>,
    /// The core underneath (the server's, for the remote backend), for effects the API does not
    /// show, like a cinema's COMS queue.
    pub cms: Arc<Cms>,
    /// Session token of the SYS_ADMIN `sysadmin`.
    pub admin: String,
    pub admin_id: String,
    /// Session token of the MANAGER `manager1`.
    pub manager: String,
    pub manager_id: String,
    // Dropped last: the server stops before its data dir goes.
    _server: Option<Server>,
    _dir: TempDir,
}

impl Fixture {
    pub fn new(kind: Kind) -> Fixture {
        let dir = tempfile::tempdir().expect("temp dir");
        let cms = Arc::new(Cms::open(dir.path()).expect("open a fresh CMS"));
        let admin_id = cms.create_first_admin("系统管理员", ADMIN, PASSWORD).expect("first admin");
        let manager_id = cms
            .create_user(UserInput {
                name: Some("店长".into()),
                alias: Some(MANAGER.into()),
                role: Some(ROLE_MANAGER.into()),
                password: Some(PASSWORD.into()),
                icon_id: None,
            })
            .expect("a manager");
        let (api, server): (Arc<dyn CmsApi>, _) = match kind {
            Kind::Local => (Arc::clone(&cms) as Arc<dyn CmsApi>, None),
            Kind::Remote => {
                let server = Server::start(Arc::clone(&cms));
                let client = RemoteCms::new(&server.base).expect("a client of the test server");
                (Arc::new(client), Some(server))
            }
        };
        let admin = api.login(ADMIN, PASSWORD).expect("the admin logs in").token;
        let manager = api.login(MANAGER, PASSWORD).expect("the manager logs in").token;
        Fixture { kind, api, cms, admin, admin_id, manager, manager_id, _server: server, _dir: dir }
    }

    /// The API as the SYS_ADMIN sees it, for brevity in tests.
    pub fn a(&self) -> Admin<'_> {
        Admin(self)
    }
}

/// `cinedesk serve`'s router on 127.0.0.1:0, on a runtime of its own thread (the remote client
/// blocks, so it must not run on the server's runtime).
pub struct Server {
    pub base: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    pub fn start(cms: Arc<Cms>) -> Server {
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("a runtime for the server");
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free port");
                addr_tx.send(listener.local_addr().expect("bound address")).expect("the test waits for the address");
                let app = cinedesk_server::router(cms);
                axum::serve(listener, app)
                    .with_graceful_shutdown(async {
                        let _ = stopped.await;
                    })
                    .await
                    .expect("the server runs");
            });
        });
        let addr = addr_rx.recv().expect("the server reports its address");
        Server { base: format!("http://{addr}"), stop: Some(stop), thread: Some(thread) }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Shorthands for the SYS_ADMIN's calls most tests make.
pub struct Admin<'a>(&'a Fixture);

impl Admin<'_> {
    fn t(&self) -> &str {
        &self.0.admin
    }
    pub fn cinema(&self, input: CinemaInput) -> Result<String> {
        self.0.api.create_cinema(self.t(), input)
    }
    pub fn hall(&self, input: HallInput) -> Result<String> {
        self.0.api.create_hall(self.t(), input)
    }
    pub fn seat(&self, input: VrClientInput) -> Result<String> {
        self.0.api.create_vr_client(self.t(), input)
    }
    pub fn movie(&self, input: MovieInput) -> Result<String> {
        self.0.api.create_movie(self.t(), input)
    }
    pub fn get_seat(&self, id: &str) -> Result<VrClient> {
        self.0.api.get_vr_client(self.t(), id)
    }
    pub fn distribute(&self, movie: &str, cinemas: &[&String]) -> Result<DistributionOutcome> {
        let list = cinemas.iter().map(|c| (*c).clone()).collect();
        self.0.api.distribute_movie(self.t(), movie, DistributeInput { cinema_id_list: Some(list) })
    }
}

pub fn user_input(alias: &str, role: &str) -> UserInput {
    UserInput {
        name: Some("张三".into()),
        alias: Some(alias.into()),
        role: Some(role.into()),
        password: Some(PASSWORD.into()),
        icon_id: None,
    }
}

/// A cinema with one hall and `seats` seats; returns (cinema, hall, seat ids).
pub fn site(f: &Fixture, code: &str, seats: usize) -> (String, String, Vec<String>) {
    let cinema = f.a().cinema(cinema_input(code)).expect("cinema of a site");
    let hall = f.a().hall(hall_input(&cinema, &format!("{code}_h1"))).expect("hall of a site");
    let inputs = (1..=seats).map(|i| seat_input(&hall, &format!("A{i:02}"))).collect();
    let ids = if seats > 0 { f.api.create_vr_clients(&f.admin, inputs).expect("seats of a site") } else { vec![] };
    (cinema, hall, ids)
}

pub fn paging(start: Option<u32>, limit: Option<u32>) -> Paging {
    Paging::new(start, limit).expect("valid paging")
}

pub fn all_cinemas(f: &Fixture) -> Page<Cinema> {
    f.api
        .list_cinemas(&f.admin, &CinemaQuery { paging: paging(None, Some(MAX_LIMIT)), ..Default::default() })
        .expect("list cinemas")
}
