//! Who is calling and what they may do: the one place where the core decides authorization.
//!
//! Every use case of [`crate::Cms`] takes the [`Actor`] first and asks it
//! ([`Actor::require`], [`Actor::require_channel`]) before it reads or writes anything, so a
//! refusal never depends on, or tells anything about, the ids and input of the request. Adapters
//! only authenticate: a session token becomes [`Actor::User`], a signed request
//! [`Actor::Cinema`]; the machine itself acts as [`Actor::System`].

use crate::enums::{ROLE_MANAGER, ROLE_SYS_ADMIN};
use crate::error::{Error, Result};

/// A user, resolved from a session token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user_id: String,
    pub name: String,
    pub roles: Vec<String>,
}

impl Principal {
    pub fn has_role(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r == role)
    }
}

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
    /// Cinemas' API keys and the storage credentials (OSS, upload tokens).
    ManageApiKeys,
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
    Cinema { cinema_id: String, apikey: String },
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
                    ManageUsers | ManageEnums | ManageApiKeys | Oversee => p.has_role(ROLE_SYS_ADMIN),
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
        })
    }

    fn cinema(id: &str) -> Actor {
        Actor::Cinema { cinema_id: id.into(), apikey: "ck_x".into() }
    }

    const ALL: [Capability; 8] = [
        Capability::Operate,
        Capability::ManageUsers,
        Capability::ManageEnums,
        Capability::ManageApiKeys,
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
        for cap in [Capability::ManageUsers, Capability::ManageEnums, Capability::ManageApiKeys, Capability::Oversee] {
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
