//! [`CmsApi`]: every operation a user of the app performs, callable on the local core or on a server alike.
//!
//! The desktop app holds an `Arc<dyn CmsApi>`: the embedded [`Cms`] (this file's `impl`) or a
//! remote client of `cinedesk serve` (crate `cinedesk-remote`). Both take the caller's session
//! token on every call and refuse the same things: the local implementation resolves the token
//! and checks the [`Capability`] each operation needs exactly as the server's route guards do,
//! with the one rule of [`Principal::require`].

use serde::{Deserialize, Serialize};

use crate::{
    ApiKey, ApiKeyInfo, Capability, Cinema, CinemaDeletionImpact, CinemaInput, CinemaQuery, Cms, DistributeInput,
    DistributionOutcome, EnumKind, EnumValue, Hall, HallInput, HallQuery, HmdModel, HmdModelInput, ModelQuery, Movie,
    MovieInput, MovieQuery, Page, Principal, QrFormat, Result, SeatModel, SeatModelInput, Session, SysEnums, User,
    UserInput, UserQuery, VodStatus, VodTask, VodTaskInput, VodTaskQuery, VrClient, VrClientInput, VrClientQuery,
};

/// What the UI needs before anyone logs in (`GET /cms/app_info`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub version: String,
    /// false on first run: no user exists yet.
    pub has_users: bool,
    /// `embedded` for the local core, `server` for `cinedesk serve`.
    pub mode: String,
    /// Where the embedded database lives; a server does not say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<String>,
}

/// Every operation of the CMS a user performs, with the session token of the caller.
///
/// Methods block (SQLite, argon2, or the network): call them from `spawn_blocking` in async
/// code. Errors are the core's [`crate::Error`] in both implementations, with the same code and
/// field for the same failure; a server that cannot be reached is [`crate::Error::Unreachable`].
///
/// Capabilities: everything needs a valid session (`unauthorized` otherwise) and
/// [`Capability::Operate`] unless its doc names another one (`forbidden` otherwise).
pub trait CmsApi: Send + Sync {
    // ------------------------------------------------------------ session

    /// Needs no session.
    fn app_info(&self) -> Result<AppInfo>;
    /// First run only: creates the first SYS_ADMIN and logs in. Needs no session; refused
    /// (`forbidden`) once a user exists, and always by a server, whose first administrator is
    /// made on the server itself (`cinedesk user add`), never over the network.
    fn setup_admin(&self, name: &str, alias: &str, password: &str) -> Result<Session>;
    /// Needs no session; wrong alias or password is `unauthorized`.
    fn login(&self, alias: &str, password: &str) -> Result<Session>;
    fn logout(&self, token: &str) -> Result<()>;
    /// The user the session belongs to.
    fn whoami(&self, token: &str) -> Result<User>;

    // ------------------------------------------------------------ cinemas (seed §1)

    fn create_cinema(&self, token: &str, input: CinemaInput) -> Result<String>;
    fn update_cinema(&self, token: &str, id: &str, patch: CinemaInput) -> Result<()>;
    fn get_cinema(&self, token: &str, id: &str) -> Result<Cinema>;
    fn list_cinemas(&self, token: &str, q: &CinemaQuery) -> Result<Page<Cinema>>;
    fn cinema_deletion_impact(&self, token: &str, ids: &[String]) -> Result<CinemaDeletionImpact>;
    fn delete_cinemas(&self, token: &str, ids: &[String]) -> Result<()>;

    // ------------------------------------------------------------ halls (seed §2)

    fn create_hall(&self, token: &str, input: HallInput) -> Result<String>;
    fn update_hall(&self, token: &str, id: &str, patch: HallInput) -> Result<()>;
    fn get_hall(&self, token: &str, id: &str) -> Result<Hall>;
    fn list_halls(&self, token: &str, q: &HallQuery) -> Result<Page<Hall>>;
    fn delete_halls(&self, token: &str, ids: &[String]) -> Result<()>;

    // ------------------------------------------------------------ seats (seed §3)

    fn create_vr_client(&self, token: &str, input: VrClientInput) -> Result<String>;
    /// Many seats at once, all or none.
    fn create_vr_clients(&self, token: &str, inputs: Vec<VrClientInput>) -> Result<Vec<String>>;
    fn update_vr_client(&self, token: &str, id: &str, patch: VrClientInput) -> Result<()>;
    fn get_vr_client(&self, token: &str, id: &str) -> Result<VrClient>;
    fn list_vr_clients(&self, token: &str, q: &VrClientQuery) -> Result<Page<VrClient>>;
    fn delete_vr_clients(&self, token: &str, ids: &[String]) -> Result<()>;
    /// A fresh scene number; codes printed with the old one stop matching.
    fn regenerate_scene_number(&self, token: &str, id: &str) -> Result<String>;
    /// The seat's QR code image (seed §3.5), about `size` pixels wide.
    fn seat_qr_code(&self, token: &str, id: &str, format: QrFormat, size: u32) -> Result<Vec<u8>>;

    // ------------------------------------------------------------ films (seed §4)

    fn create_movie(&self, token: &str, input: MovieInput) -> Result<String>;
    fn update_movie(&self, token: &str, id: &str, patch: MovieInput) -> Result<()>;
    fn get_movie(&self, token: &str, id: &str) -> Result<Movie>;
    fn list_movies(&self, token: &str, q: &MovieQuery) -> Result<Page<Movie>>;
    fn delete_movies(&self, token: &str, ids: &[String]) -> Result<()>;
    /// One praise (once per WeChat user with `open_id`); answers the new count.
    fn praise_movie(&self, token: &str, id: &str, open_id: Option<&str>) -> Result<i64>;
    fn distribute_movie(&self, token: &str, id: &str, input: DistributeInput) -> Result<DistributionOutcome>;
    /// The cinemas a film was distributed to.
    fn movie_cinema_ids(&self, token: &str, id: &str) -> Result<Vec<String>>;

    // ------------------------------------------------------------ VOD tasks (seed §5)

    fn create_vod_task(&self, token: &str, input: VodTaskInput) -> Result<String>;
    fn set_vod_task_status(&self, token: &str, id: &str, status: VodStatus) -> Result<()>;
    fn get_vod_task(&self, token: &str, id: &str) -> Result<VodTask>;
    fn list_vod_tasks(&self, token: &str, q: &VodTaskQuery) -> Result<Page<VodTask>>;

    // ------------------------------------------------------------ users (seed §7): ManageUsers

    fn create_user(&self, token: &str, input: UserInput) -> Result<String>;
    fn update_user(&self, token: &str, id: &str, patch: UserInput) -> Result<()>;
    fn get_user(&self, token: &str, id: &str) -> Result<User>;
    fn list_users(&self, token: &str, q: &UserQuery) -> Result<Page<User>>;
    fn delete_users(&self, token: &str, ids: &[String]) -> Result<()>;

    // ------------------------------------------------------------ enumerations (seed §8) and settings

    fn sys_enums(&self, token: &str) -> Result<SysEnums>;
    /// Adds or renames a value. ManageEnums.
    fn put_enum_value(&self, token: &str, kind: EnumKind, value: EnumValue) -> Result<()>;
    /// ManageEnums.
    fn delete_enum_value(&self, token: &str, kind: EnumKind, id: &str) -> Result<()>;
    /// The URL template of seat QR codes.
    fn qr_template(&self, token: &str) -> Result<String>;
    /// ManageEnums (installation settings are edited by those who edit enumerations).
    fn set_qr_template(&self, token: &str, template: &str) -> Result<()>;

    // ------------------------------------------------------------ catalogues (seed §9, §10)

    fn create_hmd_model(&self, token: &str, input: HmdModelInput) -> Result<String>;
    fn update_hmd_model(&self, token: &str, id: &str, patch: HmdModelInput) -> Result<()>;
    fn list_hmd_models(&self, token: &str, q: &ModelQuery) -> Result<Page<HmdModel>>;
    fn delete_hmd_models(&self, token: &str, ids: &[String]) -> Result<()>;
    fn create_seat_model(&self, token: &str, input: SeatModelInput) -> Result<String>;
    fn update_seat_model(&self, token: &str, id: &str, patch: SeatModelInput) -> Result<()>;
    fn list_seat_models(&self, token: &str, q: &ModelQuery) -> Result<Page<SeatModel>>;
    fn delete_seat_models(&self, token: &str, ids: &[String]) -> Result<()>;

    // ------------------------------------------------------------ API keys of a cinema's COMS: ManageApiKeys

    /// The secret is in this answer only.
    fn create_api_key(&self, token: &str, cinema_id: &str) -> Result<ApiKey>;
    fn list_api_keys(&self, token: &str, cinema_id: &str) -> Result<Vec<ApiKeyInfo>>;
    fn revoke_api_key(&self, token: &str, cinema_id: &str, apikey: &str) -> Result<()>;
}

impl Cms {
    /// The caller of `token`, if the session is valid and allowed `cap`: what the server's
    /// guard checks before a route runs.
    pub fn authorize(&self, token: &str, cap: Capability) -> Result<Principal> {
        let principal = self.authenticate(token)?;
        principal.require(cap)?;
        Ok(principal)
    }
}

/// The local core as a [`CmsApi`]: each method checks the session like the server's guard for
/// that route, then makes the one core call the route makes.
impl CmsApi for Cms {
    fn app_info(&self) -> Result<AppInfo> {
        Ok(AppInfo {
            version: env!("CARGO_PKG_VERSION").to_string(),
            has_users: self.user_count()? > 0,
            mode: "embedded".into(),
            data_dir: Some(self.data_dir().display().to_string()),
        })
    }

    fn setup_admin(&self, name: &str, alias: &str, password: &str) -> Result<Session> {
        self.create_first_admin(name, alias, password)?;
        Cms::login(self, alias, password)
    }

    fn login(&self, alias: &str, password: &str) -> Result<Session> {
        Cms::login(self, alias, password)
    }

    fn logout(&self, token: &str) -> Result<()> {
        self.authorize(token, Capability::Operate)?;
        Cms::logout(self, token)
    }

    fn whoami(&self, token: &str) -> Result<User> {
        let me = self.authorize(token, Capability::Operate)?;
        Cms::get_user(self, &me.user_id)
    }

    fn create_cinema(&self, token: &str, input: CinemaInput) -> Result<String> {
        self.authorize(token, Capability::Operate)?;
        Cms::create_cinema(self, input)
    }

    fn update_cinema(&self, token: &str, id: &str, patch: CinemaInput) -> Result<()> {
        self.authorize(token, Capability::Operate)?;
        Cms::update_cinema(self, id, patch)
    }

    fn get_cinema(&self, token: &str, id: &str) -> Result<Cinema> {
        self.authorize(token, Capability::Operate)?;
        Cms::get_cinema(self, id)
    }

    fn list_cinemas(&self, token: &str, q: &CinemaQuery) -> Result<Page<Cinema>> {
        self.authorize(token, Capability::Operate)?;
        Cms::list_cinemas(self, q)
    }

    fn cinema_deletion_impact(&self, token: &str, ids: &[String]) -> Result<CinemaDeletionImpact> {
        self.authorize(token, Capability::Operate)?;
        Cms::cinema_deletion_impact(self, ids)
    }

    fn delete_cinemas(&self, token: &str, ids: &[String]) -> Result<()> {
        self.authorize(token, Capability::Operate)?;
        Cms::delete_cinemas(self, ids)
    }

    fn create_hall(&self, token: &str, input: HallInput) -> Result<String> {
        self.authorize(token, Capability::Operate)?;
        Cms::create_hall(self, input)
    }

    fn update_hall(&self, token: &str, id: &str, patch: HallInput) -> Result<()> {
        self.authorize(token, Capability::Operate)?;
        Cms::update_hall(self, id, patch)
    }

    fn get_hall(&self, token: &str, id: &str) -> Result<Hall> {
        self.authorize(token, Capability::Operate)?;
        Cms::get_hall(self, id)
    }

    fn list_halls(&self, token: &str, q: &HallQuery) -> Result<Page<Hall>> {
        self.authorize(token, Capability::Operate)?;
        Cms::list_halls(self, q)
    }

    fn delete_halls(&self, token: &str, ids: &[String]) -> Result<()> {
        self.authorize(token, Capability::Operate)?;
        Cms::delete_halls(self, ids)
    }

    fn create_vr_client(&self, token: &str, input: VrClientInput) -> Result<String> {
        self.authorize(token, Capability::Operate)?;
        Cms::create_vr_client(self, input)
    }

    fn create_vr_clients(&self, token: &str, inputs: Vec<VrClientInput>) -> Result<Vec<String>> {
        self.authorize(token, Capability::Operate)?;
        Cms::create_vr_clients(self, inputs)
    }

    fn update_vr_client(&self, token: &str, id: &str, patch: VrClientInput) -> Result<()> {
        self.authorize(token, Capability::Operate)?;
        Cms::update_vr_client(self, id, patch)
    }

    fn get_vr_client(&self, token: &str, id: &str) -> Result<VrClient> {
        self.authorize(token, Capability::Operate)?;
        Cms::get_vr_client(self, id)
    }

    fn list_vr_clients(&self, token: &str, q: &VrClientQuery) -> Result<Page<VrClient>> {
        self.authorize(token, Capability::Operate)?;
        Cms::list_vr_clients(self, q)
    }

    fn delete_vr_clients(&self, token: &str, ids: &[String]) -> Result<()> {
        self.authorize(token, Capability::Operate)?;
        Cms::delete_vr_clients(self, ids)
    }

    fn regenerate_scene_number(&self, token: &str, id: &str) -> Result<String> {
        self.authorize(token, Capability::Operate)?;
        Cms::regenerate_scene_number(self, id)
    }

    fn seat_qr_code(&self, token: &str, id: &str, format: QrFormat, size: u32) -> Result<Vec<u8>> {
        self.authorize(token, Capability::Operate)?;
        Cms::seat_qr_code(self, id, format, size)
    }

    fn create_movie(&self, token: &str, input: MovieInput) -> Result<String> {
        self.authorize(token, Capability::Operate)?;
        Cms::create_movie(self, input)
    }

    fn update_movie(&self, token: &str, id: &str, patch: MovieInput) -> Result<()> {
        self.authorize(token, Capability::Operate)?;
        Cms::update_movie(self, id, patch)
    }

    fn get_movie(&self, token: &str, id: &str) -> Result<Movie> {
        self.authorize(token, Capability::Operate)?;
        Cms::get_movie(self, id)
    }

    fn list_movies(&self, token: &str, q: &MovieQuery) -> Result<Page<Movie>> {
        self.authorize(token, Capability::Operate)?;
        Cms::list_movies(self, q)
    }

    fn delete_movies(&self, token: &str, ids: &[String]) -> Result<()> {
        self.authorize(token, Capability::Operate)?;
        Cms::delete_movies(self, ids)
    }

    fn praise_movie(&self, token: &str, id: &str, open_id: Option<&str>) -> Result<i64> {
        self.authorize(token, Capability::Operate)?;
        Cms::praise_movie(self, id, open_id)
    }

    fn distribute_movie(&self, token: &str, id: &str, input: DistributeInput) -> Result<DistributionOutcome> {
        self.authorize(token, Capability::Operate)?;
        Cms::distribute_movie(self, id, input)
    }

    fn movie_cinema_ids(&self, token: &str, id: &str) -> Result<Vec<String>> {
        self.authorize(token, Capability::Operate)?;
        Cms::movie_cinema_ids(self, id)
    }

    fn create_vod_task(&self, token: &str, input: VodTaskInput) -> Result<String> {
        self.authorize(token, Capability::Operate)?;
        Cms::create_vod_task(self, input)
    }

    fn set_vod_task_status(&self, token: &str, id: &str, status: VodStatus) -> Result<()> {
        self.authorize(token, Capability::Operate)?;
        Cms::set_vod_task_status(self, id, status)
    }

    fn get_vod_task(&self, token: &str, id: &str) -> Result<VodTask> {
        self.authorize(token, Capability::Operate)?;
        Cms::get_vod_task(self, id)
    }

    fn list_vod_tasks(&self, token: &str, q: &VodTaskQuery) -> Result<Page<VodTask>> {
        self.authorize(token, Capability::Operate)?;
        Cms::list_vod_tasks(self, q)
    }

    fn create_user(&self, token: &str, input: UserInput) -> Result<String> {
        self.authorize(token, Capability::ManageUsers)?;
        Cms::create_user(self, input)
    }

    fn update_user(&self, token: &str, id: &str, patch: UserInput) -> Result<()> {
        self.authorize(token, Capability::ManageUsers)?;
        Cms::update_user(self, id, patch)
    }

    fn get_user(&self, token: &str, id: &str) -> Result<User> {
        self.authorize(token, Capability::ManageUsers)?;
        Cms::get_user(self, id)
    }

    fn list_users(&self, token: &str, q: &UserQuery) -> Result<Page<User>> {
        self.authorize(token, Capability::ManageUsers)?;
        Cms::list_users(self, q)
    }

    fn delete_users(&self, token: &str, ids: &[String]) -> Result<()> {
        self.authorize(token, Capability::ManageUsers)?;
        Cms::delete_users(self, ids)
    }

    fn sys_enums(&self, token: &str) -> Result<SysEnums> {
        self.authorize(token, Capability::Operate)?;
        Cms::sys_enums(self)
    }

    fn put_enum_value(&self, token: &str, kind: EnumKind, value: EnumValue) -> Result<()> {
        self.authorize(token, Capability::ManageEnums)?;
        Cms::put_enum_value(self, kind, value)
    }

    fn delete_enum_value(&self, token: &str, kind: EnumKind, id: &str) -> Result<()> {
        self.authorize(token, Capability::ManageEnums)?;
        Cms::delete_enum_value(self, kind, id)
    }

    fn qr_template(&self, token: &str) -> Result<String> {
        self.authorize(token, Capability::Operate)?;
        Cms::qr_template(self)
    }

    fn set_qr_template(&self, token: &str, template: &str) -> Result<()> {
        self.authorize(token, Capability::ManageEnums)?;
        Cms::set_qr_template(self, template)
    }

    fn create_hmd_model(&self, token: &str, input: HmdModelInput) -> Result<String> {
        self.authorize(token, Capability::Operate)?;
        Cms::create_hmd_model(self, input)
    }

    fn update_hmd_model(&self, token: &str, id: &str, patch: HmdModelInput) -> Result<()> {
        self.authorize(token, Capability::Operate)?;
        Cms::update_hmd_model(self, id, patch)
    }

    fn list_hmd_models(&self, token: &str, q: &ModelQuery) -> Result<Page<HmdModel>> {
        self.authorize(token, Capability::Operate)?;
        Cms::list_hmd_models(self, q)
    }

    fn delete_hmd_models(&self, token: &str, ids: &[String]) -> Result<()> {
        self.authorize(token, Capability::Operate)?;
        Cms::delete_hmd_models(self, ids)
    }

    fn create_seat_model(&self, token: &str, input: SeatModelInput) -> Result<String> {
        self.authorize(token, Capability::Operate)?;
        Cms::create_seat_model(self, input)
    }

    fn update_seat_model(&self, token: &str, id: &str, patch: SeatModelInput) -> Result<()> {
        self.authorize(token, Capability::Operate)?;
        Cms::update_seat_model(self, id, patch)
    }

    fn list_seat_models(&self, token: &str, q: &ModelQuery) -> Result<Page<SeatModel>> {
        self.authorize(token, Capability::Operate)?;
        Cms::list_seat_models(self, q)
    }

    fn delete_seat_models(&self, token: &str, ids: &[String]) -> Result<()> {
        self.authorize(token, Capability::Operate)?;
        Cms::delete_seat_models(self, ids)
    }

    fn create_api_key(&self, token: &str, cinema_id: &str) -> Result<ApiKey> {
        self.authorize(token, Capability::ManageApiKeys)?;
        Cms::create_api_key(self, cinema_id)
    }

    fn list_api_keys(&self, token: &str, cinema_id: &str) -> Result<Vec<ApiKeyInfo>> {
        self.authorize(token, Capability::ManageApiKeys)?;
        Cms::list_api_keys(self, cinema_id)
    }

    fn revoke_api_key(&self, token: &str, cinema_id: &str, apikey: &str) -> Result<()> {
        self.authorize(token, Capability::ManageApiKeys)?;
        Cms::revoke_api_key(self, cinema_id, apikey)
    }
}
