//! The route table: each [`CmsApi`] operation as the request `cinedesk serve` answers (seed 000
//! and src-tauri/server/src/routes).

use cinedesk_core::{
    ApiKey, ApiKeyInfo, AppInfo, Capability, Cinema, CinemaDeletionImpact, CinemaInput, CinemaQuery, CmsApi,
    DistributeInput, DistributionOutcome, Entity, EnumKind, EnumValue, Error, Hall, HallInput, HallQuery, HmdModel,
    HmdModelInput, ModelQuery, Movie, MovieInput, MovieQuery, Page, Principal, QrFormat, Result, SeatModel,
    SeatModelInput, Session, SysEnums, User, UserInput, UserQuery, VodStatus, VodTask, VodTaskInput, VodTaskQuery,
    VrClient, VrClientInput, VrClientQuery,
};
use reqwest::Method;
use serde::Deserialize;
use serde_json::json;

use crate::client::RemoteCms;
use crate::query::{self, Pairs};

const GET: Method = Method::GET;
const POST: Method = Method::POST;
const PUT: Method = Method::PUT;
const DELETE: Method = Method::DELETE;

/// Why `setup_admin` is refused here: the server's first administrator is made on the server.
const SETUP_ON_SERVER: &str =
    "of the server's own console: a server's first administrator is created there (CINEDESK_ADMIN_PASSWORD or \
     `cinedesk user add`), never over the network";

#[derive(Deserialize)]
struct Settings {
    #[serde(rename = "qrUrlTemplate")]
    qr_url_template: String,
}

#[derive(Deserialize)]
struct Praised {
    #[serde(rename = "numOfPraise")]
    num_of_praise: i64,
}

#[derive(Deserialize)]
struct CinemaIds {
    #[serde(rename = "cinemaIDList")]
    cinema_id_list: Vec<String>,
}

#[derive(Deserialize)]
struct ClientIds {
    #[serde(rename = "clientIDList")]
    client_id_list: Vec<String>,
}

#[derive(Deserialize)]
struct Scene {
    #[serde(rename = "sceneNumber")]
    scene_number: String,
}

fn ids(key: &'static str, ids: &[String]) -> Pairs {
    Pairs::default().all(key, ids)
}

impl RemoteCms {
    /// An id for a path segment. An empty one cannot reach a `{id}` route (the server would answer
    /// "no such route"), so it gets here what the server would answer if it could: the guard's
    /// verdict on the session first, then the core's "no such record".
    fn path_id<'a>(&self, token: &str, cap: Capability, entity: Entity, id: &'a str) -> Result<&'a str> {
        if !id.is_empty() {
            return Ok(id);
        }
        self.guard(token, cap)?;
        Err(Error::not_found(entity, id))
    }

    /// The server's guard for `cap`, asked of the session's user with the core's own rule.
    fn guard(&self, token: &str, cap: Capability) -> Result<()> {
        let me = self.whoami(token)?;
        let roles = me.role.split(',').map(str::to_string).collect();
        Principal { user_id: me.user_id, name: me.name, roles }.require(cap)
    }
}

impl CmsApi for RemoteCms {
    fn app_info(&self) -> Result<AppInfo> {
        self.call(GET, &["cms", "app_info"]).json()
    }

    fn setup_admin(&self, _name: &str, _alias: &str, _password: &str) -> Result<Session> {
        Err(Error::Forbidden(SETUP_ON_SERVER))
    }

    fn login(&self, alias: &str, password: &str) -> Result<Session> {
        self.call(POST, &["cms", "login"]).body(&json!({ "alias": alias, "password": password }))?.json()
    }

    fn logout(&self, token: &str) -> Result<()> {
        self.call(POST, &["cms", "logout"]).token(token).done()
    }

    fn whoami(&self, token: &str) -> Result<User> {
        self.call(GET, &["cms", "me"]).token(token).json()
    }

    fn create_cinema(&self, token: &str, input: CinemaInput) -> Result<String> {
        self.call(POST, &["cms", "cinemas"]).token(token).body(&input)?.created("cinemaID")
    }

    fn update_cinema(&self, token: &str, id: &str, patch: CinemaInput) -> Result<()> {
        self.call(PUT, &["cms", "cinemas", self.path_id(token, Capability::Operate, Entity::Cinema, id)?])
            .token(token)
            .body(&patch)?
            .done()
    }

    fn get_cinema(&self, token: &str, id: &str) -> Result<Cinema> {
        self.call(GET, &["cms", "cinemas", self.path_id(token, Capability::Operate, Entity::Cinema, id)?])
            .token(token)
            .json()
    }

    fn list_cinemas(&self, token: &str, q: &CinemaQuery) -> Result<Page<Cinema>> {
        self.call(GET, &["cms", "cinemas"]).token(token).query(&query::cinemas(q)).json()
    }

    fn cinema_deletion_impact(&self, token: &str, cinema_ids: &[String]) -> Result<CinemaDeletionImpact> {
        let q = ids("cinema_id", cinema_ids);
        self.call(GET, &["cms", "cinemas", "_deletion_impact"]).token(token).query(&q).json()
    }

    fn delete_cinemas(&self, token: &str, cinema_ids: &[String]) -> Result<()> {
        self.call(DELETE, &["cms", "cinemas"]).token(token).query(&ids("cinema_id", cinema_ids)).done()
    }

    fn create_hall(&self, token: &str, input: HallInput) -> Result<String> {
        self.call(POST, &["cms", "halls"]).token(token).body(&input)?.created("hallID")
    }

    fn update_hall(&self, token: &str, id: &str, patch: HallInput) -> Result<()> {
        self.call(PUT, &["cms", "halls", self.path_id(token, Capability::Operate, Entity::Hall, id)?])
            .token(token)
            .body(&patch)?
            .done()
    }

    fn get_hall(&self, token: &str, id: &str) -> Result<Hall> {
        self.call(GET, &["cms", "halls", self.path_id(token, Capability::Operate, Entity::Hall, id)?])
            .token(token)
            .json()
    }

    fn list_halls(&self, token: &str, q: &HallQuery) -> Result<Page<Hall>> {
        self.call(GET, &["cms", "halls"]).token(token).query(&query::halls(q)).json()
    }

    fn delete_halls(&self, token: &str, hall_ids: &[String]) -> Result<()> {
        self.call(DELETE, &["cms", "halls"]).token(token).query(&ids("hall_id", hall_ids)).done()
    }

    fn create_vr_client(&self, token: &str, input: VrClientInput) -> Result<String> {
        self.call(POST, &["cms", "vr_clients"]).token(token).body(&input)?.created("clientID")
    }

    fn create_vr_clients(&self, token: &str, inputs: Vec<VrClientInput>) -> Result<Vec<String>> {
        let out: ClientIds = self.call(POST, &["cms", "vr_clients", "_batch"]).token(token).body(&inputs)?.json()?;
        Ok(out.client_id_list)
    }

    fn update_vr_client(&self, token: &str, id: &str, patch: VrClientInput) -> Result<()> {
        self.call(PUT, &["cms", "vr_clients", self.path_id(token, Capability::Operate, Entity::VrClient, id)?])
            .token(token)
            .body(&patch)?
            .done()
    }

    fn get_vr_client(&self, token: &str, id: &str) -> Result<VrClient> {
        self.call(GET, &["cms", "vr_clients", self.path_id(token, Capability::Operate, Entity::VrClient, id)?])
            .token(token)
            .json()
    }

    fn list_vr_clients(&self, token: &str, q: &VrClientQuery) -> Result<Page<VrClient>> {
        self.call(GET, &["cms", "vr_clients"]).token(token).query(&query::vr_clients(q)).json()
    }

    fn delete_vr_clients(&self, token: &str, client_ids: &[String]) -> Result<()> {
        self.call(DELETE, &["cms", "vr_clients"]).token(token).query(&ids("client_id", client_ids)).done()
    }

    fn regenerate_scene_number(&self, token: &str, id: &str) -> Result<String> {
        let out: Scene = self
            .call(
                POST,
                &[
                    "cms",
                    "vr_clients",
                    self.path_id(token, Capability::Operate, Entity::VrClient, id)?,
                    "_regenerate_scene",
                ],
            )
            .token(token)
            .json()?;
        Ok(out.scene_number)
    }

    fn seat_qr_code(&self, token: &str, id: &str, format: QrFormat, size: u32) -> Result<Vec<u8>> {
        let format = match format {
            QrFormat::Png => "png",
            QrFormat::Svg => "svg",
        };
        let q = Pairs::default().one("format", Some(format)).one("size", Some(&size.to_string()));
        self.call(
            GET,
            &["cms", "vr_clients", self.path_id(token, Capability::Operate, Entity::VrClient, id)?, "qr_code"],
        )
        .token(token)
        .query(&q)
        .bytes()
    }

    fn create_movie(&self, token: &str, input: MovieInput) -> Result<String> {
        self.call(POST, &["cms", "movies"]).token(token).body(&input)?.created("movieID")
    }

    fn update_movie(&self, token: &str, id: &str, patch: MovieInput) -> Result<()> {
        self.call(PUT, &["cms", "movies", self.path_id(token, Capability::Operate, Entity::Movie, id)?])
            .token(token)
            .body(&patch)?
            .done()
    }

    fn get_movie(&self, token: &str, id: &str) -> Result<Movie> {
        self.call(GET, &["cms", "movies", self.path_id(token, Capability::Operate, Entity::Movie, id)?])
            .token(token)
            .json()
    }

    fn list_movies(&self, token: &str, q: &MovieQuery) -> Result<Page<Movie>> {
        self.call(GET, &["cms", "movies"]).token(token).query(&query::movies(q)).json()
    }

    fn delete_movies(&self, token: &str, movie_ids: &[String]) -> Result<()> {
        self.call(DELETE, &["cms", "movies"]).token(token).query(&ids("movie_id", movie_ids)).done()
    }

    fn praise_movie(&self, token: &str, id: &str, open_id: Option<&str>) -> Result<i64> {
        let q = Pairs::default().one("open_id", open_id);
        let out: Praised = self
            .call(POST, &["cms", "movies", self.path_id(token, Capability::Operate, Entity::Movie, id)?, "_praise"])
            .token(token)
            .query(&q)
            .json()?;
        Ok(out.num_of_praise)
    }

    fn distribute_movie(&self, token: &str, id: &str, input: DistributeInput) -> Result<DistributionOutcome> {
        self.call(POST, &["cms", "movies", self.path_id(token, Capability::Operate, Entity::Movie, id)?, "_distribute"])
            .token(token)
            .body(&input)?
            .json()
    }

    fn movie_cinema_ids(&self, token: &str, id: &str) -> Result<Vec<String>> {
        let out: CinemaIds = self
            .call(GET, &["cms", "movies", self.path_id(token, Capability::Operate, Entity::Movie, id)?, "cinemas"])
            .token(token)
            .json()?;
        Ok(out.cinema_id_list)
    }

    fn create_vod_task(&self, token: &str, input: VodTaskInput) -> Result<String> {
        self.call(POST, &["cms", "vod_tasks"]).token(token).body(&input)?.created("taskID")
    }

    fn set_vod_task_status(&self, token: &str, id: &str, status: VodStatus) -> Result<()> {
        let body = json!({ "status": status.as_str() });
        self.call(PUT, &["cms", "vod_tasks", self.path_id(token, Capability::Operate, Entity::VodTask, id)?])
            .token(token)
            .body(&body)?
            .done()
    }

    fn get_vod_task(&self, token: &str, id: &str) -> Result<VodTask> {
        self.call(GET, &["cms", "vod_tasks", self.path_id(token, Capability::Operate, Entity::VodTask, id)?])
            .token(token)
            .json()
    }

    fn list_vod_tasks(&self, token: &str, q: &VodTaskQuery) -> Result<Page<VodTask>> {
        self.call(GET, &["cms", "vod_tasks"]).token(token).query(&query::vod_tasks(q)).json()
    }

    fn create_user(&self, token: &str, input: UserInput) -> Result<String> {
        self.call(POST, &["cms", "users"]).token(token).body(&input)?.created("userID")
    }

    fn update_user(&self, token: &str, id: &str, patch: UserInput) -> Result<()> {
        self.call(PUT, &["cms", "users", self.path_id(token, Capability::ManageUsers, Entity::User, id)?])
            .token(token)
            .body(&patch)?
            .done()
    }

    fn get_user(&self, token: &str, id: &str) -> Result<User> {
        self.call(GET, &["cms", "users", self.path_id(token, Capability::ManageUsers, Entity::User, id)?])
            .token(token)
            .json()
    }

    fn list_users(&self, token: &str, q: &UserQuery) -> Result<Page<User>> {
        self.call(GET, &["cms", "users"]).token(token).query(&query::users(q)).json()
    }

    fn delete_users(&self, token: &str, user_ids: &[String]) -> Result<()> {
        self.call(DELETE, &["cms", "users"]).token(token).query(&ids("user_id", user_ids)).done()
    }

    fn sys_enums(&self, token: &str) -> Result<SysEnums> {
        self.call(GET, &["cms", "sys_params", "enum"]).token(token).json()
    }

    fn put_enum_value(&self, token: &str, kind: EnumKind, value: EnumValue) -> Result<()> {
        let body = json!({ "name": value.name, "isDefault": value.is_default });
        if value.id.is_empty() {
            // What the core says of an empty code; an empty segment would not reach the route.
            self.guard(token, Capability::ManageEnums)?;
            return Err(Error::invalid("id", "must not be empty"));
        }
        self.call(PUT, &["cms", "sys_params", "enum", kind.as_str(), &value.id]).token(token).body(&body)?.done()
    }

    fn delete_enum_value(&self, token: &str, kind: EnumKind, id: &str) -> Result<()> {
        if id.is_empty() {
            // The core names an enumeration value by kind and id.
            self.guard(token, Capability::ManageEnums)?;
            return Err(Error::not_found(Entity::Enum, format!("{}/", kind.as_str())));
        }
        self.call(DELETE, &["cms", "sys_params", "enum", kind.as_str(), id]).token(token).done()
    }

    fn qr_template(&self, token: &str) -> Result<String> {
        let s: Settings = self.call(GET, &["cms", "settings"]).token(token).json()?;
        Ok(s.qr_url_template)
    }

    fn set_qr_template(&self, token: &str, template: &str) -> Result<()> {
        let body = json!({ "qrUrlTemplate": template });
        self.call(PUT, &["cms", "settings"]).token(token).body(&body)?.done()
    }

    fn create_hmd_model(&self, token: &str, input: HmdModelInput) -> Result<String> {
        self.call(POST, &["cms", "hmd_models"]).token(token).body(&input)?.created("hmdModelID")
    }

    fn update_hmd_model(&self, token: &str, id: &str, patch: HmdModelInput) -> Result<()> {
        self.call(PUT, &["cms", "hmd_models", self.path_id(token, Capability::Operate, Entity::HmdModel, id)?])
            .token(token)
            .body(&patch)?
            .done()
    }

    fn list_hmd_models(&self, token: &str, q: &ModelQuery) -> Result<Page<HmdModel>> {
        self.call(GET, &["cms", "hmd_models"]).token(token).query(&query::models(q)).json()
    }

    fn delete_hmd_models(&self, token: &str, model_ids: &[String]) -> Result<()> {
        self.call(DELETE, &["cms", "hmd_models"]).token(token).query(&ids("id", model_ids)).done()
    }

    fn create_seat_model(&self, token: &str, input: SeatModelInput) -> Result<String> {
        self.call(POST, &["cms", "seat_models"]).token(token).body(&input)?.created("seatModelID")
    }

    fn update_seat_model(&self, token: &str, id: &str, patch: SeatModelInput) -> Result<()> {
        self.call(PUT, &["cms", "seat_models", self.path_id(token, Capability::Operate, Entity::SeatModel, id)?])
            .token(token)
            .body(&patch)?
            .done()
    }

    fn list_seat_models(&self, token: &str, q: &ModelQuery) -> Result<Page<SeatModel>> {
        self.call(GET, &["cms", "seat_models"]).token(token).query(&query::models(q)).json()
    }

    fn delete_seat_models(&self, token: &str, model_ids: &[String]) -> Result<()> {
        self.call(DELETE, &["cms", "seat_models"]).token(token).query(&ids("id", model_ids)).done()
    }

    fn create_api_key(&self, token: &str, cinema_id: &str) -> Result<ApiKey> {
        self.call(
            POST,
            &["cms", "cinemas", self.path_id(token, Capability::ManageApiKeys, Entity::Cinema, cinema_id)?, "api_keys"],
        )
        .token(token)
        .json()
    }

    fn list_api_keys(&self, token: &str, cinema_id: &str) -> Result<Vec<ApiKeyInfo>> {
        let page: Page<ApiKeyInfo> = self
            .call(
                GET,
                &[
                    "cms",
                    "cinemas",
                    self.path_id(token, Capability::ManageApiKeys, Entity::Cinema, cinema_id)?,
                    "api_keys",
                ],
            )
            .token(token)
            .json()?;
        Ok(page.item_list)
    }

    fn revoke_api_key(&self, token: &str, cinema_id: &str, apikey: &str) -> Result<()> {
        if cinema_id.is_empty() {
            // No key belongs to no cinema: the core's answer for it.
            self.guard(token, Capability::ManageApiKeys)?;
            return Err(Error::not_found(Entity::ApiKey, apikey));
        }
        let apikey = self.path_id(token, Capability::ManageApiKeys, Entity::ApiKey, apikey)?;
        self.call(DELETE, &["cms", "cinemas", cinema_id, "api_keys", apikey]).token(token).done()
    }
}
