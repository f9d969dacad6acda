//! Who is calling and what they may do: the one place where the core decides authorization.
//!
//! Every use case of [`crate::Cms`] takes the [`Actor`] first and asks it
//! ([`Actor::require`], [`Actor::require_channel`]) before it reads or writes anything, so a
//! refusal never depends on, or tells anything about, the ids and input of the request. Adapters
//! only authenticate: a session token becomes [`Actor::User`], a signed request
//! [`Actor::Cinema`]; the machine itself acts as [`Actor::System`]. They also say where the call
//! came from ([`Origin`]), which the audit log records.
//!
//! A user's [`Scope`] limits the cinemas it sees and changes: lists filter by
//! [`Actor::scope_clause`], single records of a cinema pass [`Actor::require_cinema`] (out of
//! scope a record is not found on a read and forbidden on a write, never shown).

use rusqlite::types::Value;
use rusqlite::Transaction;

use crate::enums::{ROLE_MANAGER, ROLE_SYS_ADMIN};
use crate::error::{Entity, Error, Result};

/// A user, resolved from a session token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user_id: String,
    pub name: String,
    pub roles: Vec<String>,
    /// The cinemas this user sees and changes.
    pub scope: Scope,
    /// Where this call came from (the adapter sets it per request).
    pub origin: Origin,
}

impl Principal {
    pub fn has_role(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r == role)
    }

    /// Whether every cinema is this user's: a SYS_ADMIN's always is, whatever its scope says.
    pub fn sees_all_cinemas(&self) -> bool {
        self.scope == Scope::All || self.has_role(ROLE_SYS_ADMIN)
    }
}

/// Which cinemas a user sees and changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every cinema: a SYS_ADMIN, or a MANAGER given "all cinemas".
    All,
    /// The cinemas assigned to the user, directly or by region, read from the database at each
    /// check (so an assignment, or a cinema joining a region, counts at once). None at first.
    Assigned,
}

/// How a call reached the core; by default the command line (a call over no network).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Via {
    /// The desktop app's own window, through its in-process transport.
    Desktop,
    /// A browser (or any client) with a user's session over HTTP.
    Web,
    /// A machine client signing its requests with an API key.
    Api,
    /// This machine without a network: the command line, first-run setup.
    #[default]
    Cli,
}

impl Via {
    pub fn as_str(self) -> &'static str {
        match self {
            Via::Desktop => "DESKTOP",
            Via::Web => "WEB",
            Via::Api => "API",
            Via::Cli => "CLI",
        }
    }
}

/// Where a call came from: the peer's address and the way in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub address: String,
    pub via: Via,
}

impl Origin {
    /// A call made on this machine without a network (the command line, the tests).
    pub fn local() -> Origin {
        Origin { address: "local".into(), via: Via::Cli }
    }

    pub fn new(address: impl Into<String>, via: Via) -> Origin {
        Origin { address: address.into(), via }
    }
}

/// What a use case does with a record of a cinema, for [`Actor::require_cinema`].
#[derive(Debug, Clone, Copy)]
pub(crate) enum Access<'a> {
    /// Seeing the record `entity` `id`: out of scope it does not exist (not found, naming it).
    Read(Entity, &'a str),
    /// Changing anything of the cinema: out of scope is forbidden.
    Write,
}

/// The cinemas of a user's [`Scope::Assigned`]: those assigned directly and those of the
/// assigned regions; the user's id is bound twice.
const ASSIGNED_CINEMAS: &str = "SELECT cinema_id FROM user_cinemas WHERE user_id = ? \
     UNION SELECT c.id FROM user_regions r JOIN cinemas c ON c.region_id = r.region_id WHERE r.user_id = ?";

/// What a use case needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Capability {
    /// The console's work: cinemas, halls, seats, films, distribution, VOD tasks, catalogues,
    /// reading enumerations and settings, QR codes, the library's classification tree, file facts.
    Operate,
    /// Users and their roles.
    ManageUsers,
    /// Enumerations and the installation's settings (the QR template).
    ManageEnums,
    /// The storage credentials (OSS, upload tokens). A cinema's API keys are its operators'
    /// ([`Capability::Operate`] in the cinema's scope).
    ManageStorage,
    /// Sending files in, by any upload protocol, and asking for upload tokens.
    Upload,
    /// The resource library; each space then admits whom its owner allows.
    Library,
    /// Seed 001's video flows; each video then admits its owner.
    Vod,
    /// What belongs to someone else: every personal library space, every video.
    Oversee,
}

/// Who is calling a use case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// A person with a session: the chain's operators (MANAGER) and administrators (SYS_ADMIN).
    User(Principal),
    /// A cinema's on-site system (COMS), by the API key that signed its request.
    Cinema { cinema_id: String, apikey: String, origin: Origin },
    /// The machine itself: the `cinedesk` command, first-run setup. Allowed everything.
    System,
}

impl Actor {
    /// Whether this caller has `cap`.
    pub fn allows(&self, cap: Capability) -> bool {
        self.refusal(cap).is_none()
    }

    /// Refuses (`forbidden`) unless this caller has `cap`.
    pub fn require(&self, cap: Capability) -> Result<()> {
        self.refusal(cap).map_or(Ok(()), Err)
    }

    /// Refuses unless this caller may act on the COMS channel of `cinema_id`: the chain's
    /// operators, the system, and that cinema's own client (another cinema's key is refused).
    pub fn require_channel(&self, cinema_id: &str) -> Result<()> {
        match self {
            Actor::Cinema { cinema_id: own, .. } if own != cinema_id => {
                Err(Error::Denied("this API key belongs to another cinema".into()))
            }
            Actor::Cinema { .. } => Ok(()),
            _ => self.require(Capability::Operate),
        }
    }

    /// Refuses, before anything is read, a caller who may neither operate nor report as a site.
    /// A cinema's client passes: what it reports about (a seat, a task, a command) names its
    /// cinema only once read, and the use case then asks [`Actor::require_channel`] of that
    /// cinema (another cinema's record: 403; an unknown one: 404).
    pub fn require_reporter(&self) -> Result<()> {
        match self {
            Actor::Cinema { .. } => Ok(()),
            _ => self.require(Capability::Operate),
        }
    }

    /// Whether this is a cinema's client (a site reporting), rather than the console.
    pub fn is_site(&self) -> bool {
        matches!(self, Actor::Cinema { .. })
    }

    /// The one rule: why this caller may not have `cap`, or None when it may.
    fn refusal(&self, cap: Capability) -> Option<Error> {
        use Capability::*;
        match self {
            Actor::System => None,
            Actor::User(p) => {
                let ok = match cap {
                    Operate | Upload | Library | Vod => p.has_role(ROLE_SYS_ADMIN) || p.has_role(ROLE_MANAGER),
                    ManageUsers | ManageEnums | ManageStorage | Oversee => p.has_role(ROLE_SYS_ADMIN),
                };
                match (ok, cap) {
                    (true, _) => None,
                    (false, Operate | Upload | Library | Vod) => Some(Error::Forbidden(ROLE_MANAGER)),
                    (false, _) => Some(Error::Forbidden(ROLE_SYS_ADMIN)),
                }
            }
            // A cinema's client does what a site's machine does: send files, use its library
            // spaces and the video flows (its channel: `require_channel`).
            Actor::Cinema { .. } => match cap {
                Upload | Library | Vod => None,
                _ => Some(Error::Denied("this is for the chain's operators, not a cinema's client".into())),
            },
        }
    }

    /// The same caller, having come from `origin` (the system is always local).
    pub fn with_origin(mut self, o: Origin) -> Actor {
        match &mut self {
            Actor::User(p) => p.origin = o,
            Actor::Cinema { origin, .. } => *origin = o,
            Actor::System => {}
        }
        self
    }

    /// Where this call came from.
    pub fn origin(&self) -> Origin {
        match self {
            Actor::User(p) => p.origin.clone(),
            Actor::Cinema { origin, .. } => origin.clone(),
            Actor::System => Origin::local(),
        }
    }

    /// Whether this caller sees only some cinemas; an adapter caching answers must then keep
    /// them apart from every other scope's (or not cache them).
    pub fn is_scoped(&self) -> bool {
        match self {
            Actor::User(p) => !p.sees_all_cinemas(),
            Actor::Cinema { .. } => true,
            Actor::System => false,
        }
    }

    /// The SQL condition keeping rows whose `column` (a cinema id) is in this caller's scope,
    /// with its parameters; None when every cinema is. An indexed `IN`, never a filter after the
    /// query: pages and counts stay index walks at chain scale.
    pub(crate) fn scope_clause(&self, column: &str) -> Option<(String, Vec<Value>)> {
        match self {
            Actor::System => None,
            Actor::User(p) if p.sees_all_cinemas() => None,
            Actor::User(p) => Some((
                format!("{column} IN ({ASSIGNED_CINEMAS})"),
                vec![Value::Text(p.user_id.clone()), Value::Text(p.user_id.clone())],
            )),
            Actor::Cinema { cinema_id, .. } => Some((format!("{column} = ?"), vec![Value::Text(cinema_id.clone())])),
        }
    }

    /// Whether `cinema_id` is one of this caller's cinemas (it need not exist).
    pub(crate) fn sees_cinema(&self, tx: &Transaction<'_>, cinema_id: &str) -> Result<bool> {
        if let Actor::Cinema { cinema_id: own, .. } = self {
            return Ok(own == cinema_id); // the COMS channel's hot path: no query
        }
        Ok(match self.scope_clause("?") {
            None => true,
            Some((clause, params)) => {
                let params = std::iter::once(Value::Text(cinema_id.to_string())).chain(params);
                tx.prepare_cached(&format!("SELECT {clause}"))?
                    .query_row(rusqlite::params_from_iter(params), |r| r.get::<_, bool>(0))?
            }
        })
    }

    /// Refuses unless `cinema_id` is one of this caller's cinemas: on a read the record asked
    /// for is then not found, on a write the change is forbidden. Neither tells anything of it.
    pub(crate) fn require_cinema(&self, tx: &Transaction<'_>, cinema_id: &str, access: Access<'_>) -> Result<()> {
        if self.sees_cinema(tx, cinema_id)? {
            return Ok(());
        }
        Err(match access {
            Access::Read(entity, id) => Error::not_found(entity, id),
            Access::Write => Error::Denied(format!("cinema {cinema_id} is not one of the cinemas you manage")),
        })
    }

    /// As [`Actor::require_cinema`] for writes, for every cinema of `ids`: all or nothing.
    pub(crate) fn require_cinemas(&self, tx: &Transaction<'_>, ids: &[String]) -> Result<()> {
        ids.iter().try_for_each(|id| self.require_cinema(tx, id, Access::Write))
    }

    /// The user behind a session, if this is one.
    pub fn user(&self) -> Option<&Principal> {
        match self {
            Actor::User(p) => Some(p),
            _ => None,
        }
    }

    /// Who owns what this caller stores (files, uploads, videos): `user:<id>`, `cinema:<id>`
    /// or `system`.
    pub fn owner(&self) -> String {
        match self {
            Actor::User(p) => format!("user:{}", p.user_id),
            Actor::Cinema { cinema_id, .. } => format!("cinema:{cinema_id}"),
            Actor::System => "system".to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(roles: &[&str]) -> Actor {
        Actor::User(Principal {
            user_id: "u".into(),
            name: "U".into(),
            roles: roles.iter().map(|r| r.to_string()).collect(),
            scope: Scope::All,
            origin: Origin::local(),
        })
    }

    fn cinema(id: &str) -> Actor {
        Actor::Cinema { cinema_id: id.into(), apikey: "ck_x".into(), origin: Origin::local() }
    }

    const ALL: [Capability; 8] = [
        Capability::Operate,
        Capability::ManageUsers,
        Capability::ManageEnums,
        Capability::ManageStorage,
        Capability::Upload,
        Capability::Library,
        Capability::Vod,
        Capability::Oversee,
    ];

    #[test]
    fn a_sys_admin_and_the_system_may_do_everything() {
        for actor in [user(&[ROLE_SYS_ADMIN]), user(&[ROLE_MANAGER, ROLE_SYS_ADMIN]), Actor::System] {
            assert!(ALL.iter().all(|c| actor.allows(*c)), "{actor:?}");
        }
    }

    #[test]
    fn a_manager_operates_but_administers_nothing() {
        let m = user(&[ROLE_MANAGER]);
        for cap in [Capability::Operate, Capability::Upload, Capability::Library, Capability::Vod] {
            m.require(cap).unwrap_or_else(|e| panic!("a MANAGER may {cap:?}: {e}"));
        }
        for cap in [Capability::ManageUsers, Capability::ManageEnums, Capability::ManageStorage, Capability::Oversee] {
            let err = m.require(cap).unwrap_err();
            assert!(matches!(err, Error::Forbidden(ROLE_SYS_ADMIN)), "a MANAGER may not {cap:?}: {err}");
        }
    }

    #[test]
    fn a_user_without_a_known_role_may_do_nothing() {
        let nobody = user(&["GUEST"]);
        assert!(matches!(nobody.require(Capability::Operate), Err(Error::Forbidden(ROLE_MANAGER))));
        assert!(ALL.iter().all(|c| !nobody.allows(*c)));
    }

    #[test]
    fn a_cinema_client_sends_files_and_uses_the_library_and_videos_only() {
        let c = cinema("c1");
        for cap in ALL {
            let allowed = matches!(cap, Capability::Upload | Capability::Library | Capability::Vod);
            assert_eq!(c.allows(cap), allowed, "a cinema's client and {cap:?}");
        }
        assert_eq!(c.require(Capability::Operate).unwrap_err().code(), "forbidden");
    }

    #[test]
    fn a_channel_admits_its_own_cinema_and_the_operators() {
        cinema("c1").require_channel("c1").expect("its own channel");
        let err = cinema("c1").require_channel("c2").unwrap_err();
        assert_eq!(err.code(), "forbidden", "another cinema's channel: {err}");
        user(&[ROLE_MANAGER]).require_channel("c2").expect("an operator reads any channel");
        Actor::System.require_channel("c2").expect("the system too");
        assert!(user(&["GUEST"]).require_channel("c1").is_err());
    }

    #[test]
    fn the_origin_travels_with_a_user_or_a_cinema_and_the_system_stays_local() {
        let web = Origin::new("10.0.0.9", Via::Web);
        assert_eq!(user(&[ROLE_MANAGER]).with_origin(web.clone()).origin(), web);
        assert_eq!(cinema("c1").with_origin(web.clone()).origin(), web);
        assert_eq!(Actor::System.with_origin(web).origin(), Origin::local());
    }

    #[test]
    fn only_assigned_users_and_cinemas_are_scoped() {
        let mut assigned = user(&[ROLE_MANAGER]);
        if let Actor::User(p) = &mut assigned {
            p.scope = Scope::Assigned;
        }
        assert!(assigned.is_scoped() && cinema("c1").is_scoped());
        assert!(!user(&[ROLE_MANAGER]).is_scoped() && !Actor::System.is_scoped());
        assert!(user(&[ROLE_SYS_ADMIN]).scope_clause("cinema_id").is_none());
    }

    #[test]
    fn a_reporter_is_a_cinemas_client_or_an_operator() {
        cinema("c1").require_reporter().expect("a site reports");
        user(&[ROLE_MANAGER]).require_reporter().expect("an operator may do what a site reports");
        Actor::System.require_reporter().expect("the system too");
        assert_eq!(user(&["GUEST"]).require_reporter().unwrap_err().code(), "forbidden");
    }

    #[test]
    fn owners_name_the_kind_of_caller() {
        assert_eq!(user(&[ROLE_MANAGER]).owner(), "user:u");
        assert_eq!(cinema("c1").owner(), "cinema:c1");
        assert_eq!(Actor::System.owner(), "system");
    }
}
