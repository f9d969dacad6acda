//! Seed 003's upload tokens: what a browser or app needs to upload one file straight to a store — Cinedesk's own (local), Aliyun OSS, Qiniu Kodo or Amazon S3.
//!
//! Every token limits the upload to a directory of the caller's own (`dir`: the caller and the
//! day) and to the configured size, and expires after [`TOKEN_TTL_S`]. The local module is a
//! PostObject policy for this server's own endpoint (`/cms/upload/oss_post`, the file store),
//! which the route makes a token with this server's address; the cloud modules sign with
//! credentials from the configuration ([`config`]).

mod aliyun;
mod config;
mod qiniu;
mod s3;

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::actor::{Actor, Capability};
use crate::error::{Error, Result};
use crate::files::{Domain, PostPolicy};
use crate::ids::now_ms;
use crate::signing::civil_from_days;
use crate::Cms;

pub use aliyun::post_signature as aliyun_post_signature;
pub use config::{ModuleSettings, UploadTokenSettings, UploadTokenSettingsPatch, DEFAULT_MAX_SIZE, TOKEN_TTL_S};
pub use qiniu::upload_token as qiniu_upload_token;
pub use s3::{post_signature as s3_post_signature, signing_key as s3_signing_key};

/// Seed 003's `module`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Module {
    Local,
    Aliyun,
    Qiniu,
    S3,
}

impl Module {
    pub fn as_str(self) -> &'static str {
        match self {
            Module::Local => "local",
            Module::Aliyun => "aliyun",
            Module::Qiniu => "qiniu",
            Module::S3 => "s3",
        }
    }

    pub fn parse(s: &str) -> Result<Module> {
        match s.trim().to_ascii_lowercase().as_str() {
            // The seed's own name for its local module.
            "local" | "careyshop" => Ok(Module::Local),
            "aliyun" => Ok(Module::Aliyun),
            "qiniu" => Ok(Module::Qiniu),
            "s3" => Ok(Module::S3),
            _ => Err(Error::invalid("module", "must be local, aliyun, qiniu or s3")),
        }
    }

    /// The configuration a module cannot sign without.
    pub(crate) fn required_fields(self) -> &'static [&'static str] {
        match self {
            Module::Local => &[],
            Module::Aliyun => &["host", "access_key_id", "access_key_secret"],
            Module::Qiniu => &["access_key", "secret_key", "bucket"],
            Module::S3 => &["access_key_id", "secret_access_key", "bucket", "region"],
        }
    }
}

/// Seed 003's `type`: a browser form or an app's SDK.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Terminal {
    #[default]
    Web,
    App,
}

impl Terminal {
    pub fn parse(s: &str) -> Result<Terminal> {
        match s.trim() {
            "web" => Ok(Terminal::Web),
            "app" => Ok(Terminal::App),
            _ => Err(Error::invalid("type", "must be web or app")),
        }
    }
}

/// What seed 003 hands out for one upload.
#[derive(Debug, Clone, PartialEq)]
pub enum TokenGrant {
    /// The local module: a policy for this server's own PostObject endpoint, whose `host` and
    /// callback are paths on this server.
    Local(PostPolicy),
    /// A cloud module's token, complete: the provider's form fields and `upload_url`
    /// (`{upload_url, module, param}`) and `dir`, valid until `expires` (epoch seconds).
    Cloud { token: Map<String, Value>, expires: i64 },
}

/// A form field the upload must send (seed 003's `param`); `default` is the value to send.
fn param(name: &str, kind: &str, default: Value) -> Value {
    json!({ "name": name, "type": kind, "default": default })
}

/// Epoch ms as (yyyy, MM, dd, HH, mm, ss) in UTC.
pub(crate) fn utc(ms: i64) -> (i64, i64, i64, i64, i64, i64) {
    let (days, s) = (ms.div_euclid(86_400_000), ms.rem_euclid(86_400_000) / 1000);
    let (y, m, d) = civil_from_days(days);
    (y, m, d, s / 3600, s / 60 % 60, s % 60)
}

/// `2015-12-30T12:00:00.000Z`, as policies write their expiration.
pub(crate) fn iso_ms(ms: i64) -> String {
    let (y, mo, d, h, mi, s) = utc(ms);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{:03}Z", ms.rem_euclid(1000))
}

/// The caller's directory for today: `uploads/<owner>/<yyyyMMdd>/`. The key a client sends must
/// start with it (every module's policy says so), so no token writes over another's objects.
pub(crate) fn upload_dir(owner: &str, now: i64) -> String {
    let (y, m, d, ..) = utc(now);
    let owner: String =
        owner.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' }).collect();
    format!("uploads/{owner}/{y:04}{m:02}{d:02}/")
}

impl Cms {
    /// Seed 003: a token for the caller to upload one file with `module` (default: the
    /// configured default module, else local), into a directory of its own.
    pub fn upload_token(&self, actor: &Actor, module: Option<Module>, terminal: Terminal) -> Result<TokenGrant> {
        actor.require(Capability::Upload)?;
        let owner = &actor.owner();
        let cfg = self.db.read(config::resolve)?;
        let module = match module {
            Some(m) => m,
            None => cfg.default_module.as_deref().map(Module::parse).transpose()?.unwrap_or(Module::Local),
        };
        let now = now_ms();
        let expires_ms = now + TOKEN_TTL_S * 1000;
        if terminal == Terminal::App && module == Module::Aliyun {
            // Seed 003's app flow hands out STS credentials, which come from Aliyun's STS service
            // for a RAM role; Cinedesk signs PostObject forms and does not broker STS.
            return Err(Error::invalid(
                "type",
                "type=app (Aliyun STS credentials) is not offered; upload with the type=web form fields instead",
            ));
        }
        cfg.require(module, module.required_fields())?;
        let dir = upload_dir(owner, now);
        let token = match module {
            Module::Local => return Ok(TokenGrant::Local(self.local_post_policy(actor, Domain::Resource)?)),
            Module::Aliyun => aliyun::token(&cfg, &dir, expires_ms),
            Module::Qiniu => qiniu::token(&cfg, &dir, expires_ms),
            Module::S3 => s3::token(&cfg, &dir, now, expires_ms),
        };
        Ok(TokenGrant::Cloud { token: token.0, expires: token.1 })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_dirs() {
        // AWS's example policy expires at 2015-12-30T12:00:00.000Z = 1451476800000.
        assert_eq!(iso_ms(1_451_476_800_000), "2015-12-30T12:00:00.000Z");
        assert_eq!(upload_dir("user:abc", 1_451_476_800_000), "uploads/user-abc/20151230/");
    }
}
