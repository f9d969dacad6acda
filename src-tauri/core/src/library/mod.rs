//! The resource library (issue 6, seed 004): owner spaces with folder trees, resources, a classification tree, and who may do what in each space.
//!
//! A space belongs to a user (ownerType 0, personal), a cinema (1, the seed's group) or the
//! chain (2, the seed's organisation, one per installation). Every use case needs
//! [`Capability::Library`] of its [`Actor`], then the space decides. Users are the chain's operators:
//! they read and write every cinema's space and the chain's, and their own personal space (a
//! SYS_ADMIN every personal space too). A cinema's machine client (seed-004 signature) reads and
//! writes its own cinema's space and reads the chain's; it has no personal space.

mod classification;
mod folders;
mod listing;
mod resources;

use rusqlite::{OptionalExtension, Transaction};

use crate::actor::{Actor, Capability};
use crate::error::{Error, Result};
use crate::{Cms, Entity};

pub use classification::{ChapterScope, ClassificationChange, ClassificationNode, NewClassification, MAX_KIND};
pub use folders::{Folder, FolderDeletion, NewFolder, SpaceInfo};
pub use listing::{OrderBy, Product, ResourcePage, ResourceSearch};
pub use resources::{MovieUsage, NewResource, NodeIds, Resource, ResourceChange, ResourceContent, UsedForMovie};

/// The seed's root folder id, and "no parent" in trees.
pub const ROOT: &str = "0";
/// The settings key holding the chain's organisation id (made by migration 0006).
const ORG_ID_KEY: &str = "library.org_id";

/// The contributor's id and display name of what `actor` adds (a cinema is shown by its name).
pub(crate) fn contributor(tx: &Transaction<'_>, actor: &Actor) -> Result<(String, String)> {
    match actor {
        Actor::User(p) => Ok((p.user_id.clone(), p.name.clone())),
        Actor::Cinema { cinema_id, .. } => {
            let name: Option<String> = tx
                .prepare_cached("SELECT name FROM cinemas WHERE id = ?")?
                .query_row([cinema_id], |r| r.get(0))
                .optional()?;
            Ok((cinema_id.clone(), name.ok_or_else(|| Error::not_found(Entity::Cinema, cinema_id))?))
        }
        Actor::System => Ok(("system".into(), "Cinedesk".into())),
    }
}

/// The seed's `ownerType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OwnerType {
    Personal,
    Group,
    Org,
}

impl OwnerType {
    pub fn parse(field: &str, s: &str) -> Result<OwnerType> {
        match s.trim() {
            "0" => Ok(OwnerType::Personal),
            "1" => Ok(OwnerType::Group),
            "2" => Ok(OwnerType::Org),
            _ => Err(Error::invalid(field, "must be 0 (personal), 1 (group: a cinema) or 2 (organisation: the chain)")),
        }
    }

    pub fn code(self) -> i64 {
        match self {
            OwnerType::Personal => 0,
            OwnerType::Group => 1,
            OwnerType::Org => 2,
        }
    }

    pub(crate) fn from_code(code: i64) -> OwnerType {
        match code {
            0 => OwnerType::Personal,
            1 => OwnerType::Group,
            _ => OwnerType::Org,
        }
    }

    /// As the seed writes it: "0", "1", "2".
    pub fn wire(self) -> String {
        self.code().to_string()
    }
}

/// One owner's space.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Space {
    pub owner_type: OwnerType,
    pub owner_id: String,
}

impl Space {
    fn describe(&self) -> String {
        match self.owner_type {
            OwnerType::Personal => format!("the personal space of user {}", self.owner_id),
            OwnerType::Group => format!("the space of cinema {}", self.owner_id),
            OwnerType::Org => "the chain's space".to_string(),
        }
    }
}

/// Whose space a request names: the seed's `ownerType` with `userId`, `groupId` or `orgId`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    /// A user's personal space (ownerType 0); without a user id, the caller's own.
    User(Option<String>),
    /// A cinema's space (ownerType 1, the seed's group).
    Cinema(String),
    /// The chain's space (ownerType 2, the seed's organisation); an organisation id, when
    /// given, must be the chain's.
    Chain(Option<String>),
}

pub(crate) fn org_id(tx: &Transaction<'_>) -> Result<String> {
    tx.prepare_cached("SELECT value FROM settings WHERE key = ?")?
        .query_row([ORG_ID_KEY], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::Internal("the chain's organisation id is missing (migration 0006)".into()))
}

/// The space `owner` names, which must exist. A user may leave out the user id for their own
/// personal space; an organisation id, when given, must be the chain's.
pub(crate) fn resolve_space(tx: &Transaction<'_>, actor: &Actor, owner: &Owner) -> Result<Space> {
    let (owner_type, owner_id) = match owner {
        Owner::User(user) => {
            let user = match (user, actor) {
                (Some(u), _) => u.clone(),
                (None, Actor::User(p)) => p.user_id.clone(),
                (None, Actor::Cinema { .. } | Actor::System) => {
                    return Err(Error::invalid("userId", "is required for a personal space (ownerType 0)"))
                }
            };
            if !tx.prepare_cached("SELECT 1 FROM users WHERE id = ?")?.exists([&user])? {
                return Err(Error::not_found(Entity::User, user));
            }
            (OwnerType::Personal, user)
        }
        Owner::Cinema(cinema) => {
            if !tx.prepare_cached("SELECT 1 FROM cinemas WHERE id = ?")?.exists([cinema])? {
                return Err(Error::not_found(Entity::Cinema, cinema));
            }
            (OwnerType::Group, cinema.clone())
        }
        Owner::Chain(given) => {
            let org = org_id(tx)?;
            if let Some(given) = given.as_deref().filter(|g| *g != org) {
                return Err(Error::invalid("orgId", format!("{given} is not this chain's organisation ({org})")));
            }
            (OwnerType::Org, org)
        }
    };
    Ok(Space { owner_type, owner_id })
}

/// Whether `actor` may see what is in `space` (it has [`Capability::Library`]: see [`Cms`]'s
/// library use cases).
pub(crate) fn can_read(actor: &Actor, space: &Space) -> bool {
    match actor {
        _ if actor.allows(Capability::Oversee) => true,
        Actor::User(p) => space.owner_type != OwnerType::Personal || space.owner_id == p.user_id,
        Actor::System => true,
        Actor::Cinema { cinema_id, .. } => match space.owner_type {
            OwnerType::Personal => false,
            OwnerType::Group => space.owner_id == *cinema_id,
            OwnerType::Org => true,
        },
    }
}

/// Whether `actor` may add, change or delete things in `space`.
pub(crate) fn can_write(actor: &Actor, space: &Space) -> bool {
    match actor {
        Actor::Cinema { cinema_id, .. } => space.owner_type == OwnerType::Group && space.owner_id == *cinema_id,
        _ => can_read(actor, space),
    }
}

pub(crate) fn require_read(actor: &Actor, space: &Space) -> Result<()> {
    if can_read(actor, space) {
        Ok(())
    } else {
        Err(Error::Denied(format!("{} may not see {}", who(actor), space.describe())))
    }
}

pub(crate) fn require_write(actor: &Actor, space: &Space) -> Result<()> {
    if can_write(actor, space) {
        Ok(())
    } else {
        Err(Error::Denied(format!("{} may not change {}", who(actor), space.describe())))
    }
}

fn who(actor: &Actor) -> String {
    match actor {
        Actor::User(p) => format!("user {}", p.user_id),
        Actor::Cinema { cinema_id, .. } => format!("the client of cinema {cinema_id}"),
        Actor::System => "the system".to_string(),
    }
}

/// The SQL condition (on alias `alias`) that keeps only rows of spaces `actor` may see, and
/// its parameter.
pub(crate) fn visible_sql(actor: &Actor, alias: &str) -> Option<(String, String)> {
    match actor {
        _ if actor.allows(Capability::Oversee) => None,
        Actor::User(p) => Some((format!("({alias}.owner_type <> 0 OR {alias}.owner_id = ?)"), p.user_id.clone())),
        Actor::System => None,
        Actor::Cinema { cinema_id, .. } => Some((
            format!("({alias}.owner_type = 2 OR ({alias}.owner_type = 1 AND {alias}.owner_id = ?))"),
            cinema_id.clone(),
        )),
    }
}

/// "2015-04-20 17:13:47": the seed's times, in China time like its `user-date`.
pub(crate) fn china_time(ms: i64) -> String {
    let d = crate::signing::user_date(ms);
    format!("{}-{}-{} {}:{}:{}", &d[0..4], &d[4..6], &d[6..8], &d[8..10], &d[10..12], &d[12..14])
}

/// "189KB", "24.84MB": sizes the way the seed writes them.
pub(crate) fn human_size(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        return format!("{n}B");
    }
    let s = format!("{:.2}", (v * 100.0).floor() / 100.0);
    format!("{}{}", s.trim_end_matches('0').trim_end_matches('.'), UNITS[unit])
}

impl Cms {
    /// The chain's organisation id (the seed's `orgId` for ownerType 2).
    pub fn library_org_id(&self, actor: &Actor) -> Result<String> {
        actor.require(Capability::Library)?;
        self.db.read(org_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_like_the_seed() {
        assert_eq!(human_size(193_536), "189KB", "the seed's own example");
        assert_eq!(human_size(26_051_823), "24.84MB", "the seed's createFid example");
        assert_eq!(human_size(512), "512B");
    }

    #[test]
    fn access_follows_the_owner() {
        let person = |id: &str, role: &str| {
            Actor::User(crate::Principal { user_id: id.into(), name: id.into(), roles: vec![role.into()] })
        };
        let admin = person("a", crate::ROLE_SYS_ADMIN);
        let user = person("u", crate::ROLE_MANAGER);
        let cinema = Actor::Cinema { cinema_id: "c".into(), apikey: "ck_c".into() };
        let space = |t, id: &str| Space { owner_type: t, owner_id: id.into() };
        let mine = space(OwnerType::Personal, "u");
        let others = space(OwnerType::Personal, "v");
        let c = space(OwnerType::Group, "c");
        let d = space(OwnerType::Group, "d");
        let org = space(OwnerType::Org, "o");
        assert!(can_write(&user, &mine) && !can_read(&user, &others), "personal is private to its user");
        assert!(can_read(&admin, &others) && can_write(&admin, &others), "a SYS_ADMIN oversees every space");
        assert!(can_write(&user, &c) && can_write(&user, &org), "operators manage cinemas and the chain");
        assert!(can_write(&cinema, &c) && !can_read(&cinema, &d), "a cinema has its own space only");
        assert!(can_read(&cinema, &org) && !can_write(&cinema, &org), "the chain's space is read-only to cinemas");
        assert!(!can_read(&cinema, &mine), "a cinema sees no personal space");
        assert!(can_write(&Actor::System, &others) && can_write(&Actor::System, &d), "the system oversees all");
    }
}
