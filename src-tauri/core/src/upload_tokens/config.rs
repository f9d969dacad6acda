//! Where the cloud modules' credentials come from: the settings table (set by a SYS_ADMIN), else the environment; never the code.
//!
//! Each field is the setting `upload_tokens.<module>.<field>` if set, else the environment
//! variable `CINEDESK_<MODULE>_<FIELD>` (e.g. `CINEDESK_S3_SECRET_ACCESS_KEY`). Secrets are
//! write-only: reading the configuration says whether one is set, never what it is.

use rusqlite::{OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

use super::Module;
use crate::actor::{Actor, Capability};
use crate::error::{Error, Result};
use crate::Cms;

/// Largest file a token allows unless configured (the common PostObject limit, 5 GB).
pub const DEFAULT_MAX_SIZE: u64 = 5 << 30;
/// How long a token may be used, in seconds.
pub const TOKEN_TTL_S: i64 = 30 * 60;

/// Every field of every module: (module, field, is it a secret).
const FIELDS: &[(Module, &str, bool)] = &[
    (Module::Aliyun, "host", false),
    (Module::Aliyun, "access_key_id", false),
    (Module::Aliyun, "access_key_secret", true),
    (Module::Aliyun, "callback_url", false),
    (Module::Qiniu, "access_key", false),
    (Module::Qiniu, "secret_key", true),
    (Module::Qiniu, "bucket", false),
    (Module::Qiniu, "upload_url", false),
    (Module::Qiniu, "callback_url", false),
    (Module::S3, "access_key_id", false),
    (Module::S3, "secret_access_key", true),
    (Module::S3, "session_token", true),
    (Module::S3, "bucket", false),
    (Module::S3, "region", false),
    (Module::S3, "endpoint", false),
];

const KEY_DEFAULT: &str = "upload_tokens.default_module";
const KEY_MAX: &str = "upload_tokens.max_size";

fn setting_key(module: Module, field: &str) -> String {
    format!("upload_tokens.{}.{field}", module.as_str())
}

fn env_key(module: Module, field: &str) -> String {
    format!("CINEDESK_{}_{}", module.as_str().to_ascii_uppercase(), field.to_ascii_uppercase())
}

fn setting(tx: &Transaction<'_>, key: &str) -> Result<Option<String>> {
    Ok(tx
        .prepare_cached("SELECT value FROM settings WHERE key = ?")?
        .query_row([key], |r| r.get::<_, String>(0))
        .optional()?
        .filter(|v| !v.is_empty()))
}

/// The credentials of the cloud modules, as resolved for use.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Resolved {
    values: Vec<(Module, &'static str, String)>,
    pub(crate) default_module: Option<String>,
    pub(crate) max_size: u64,
}

impl Resolved {
    /// A field's value; "" when neither the settings nor the environment have it.
    pub(crate) fn get(&self, module: Module, field: &str) -> &str {
        self.values.iter().find(|(m, f, _)| *m == module && *f == field).map(|(_, _, v)| v.as_str()).unwrap_or("")
    }

    /// The values a module needs, or a clear error naming what is missing and where to set it.
    pub(crate) fn require(&self, module: Module, fields: &[&str]) -> Result<()> {
        let missing: Vec<&str> = fields.iter().copied().filter(|f| self.get(module, f).is_empty()).collect();
        if missing.is_empty() {
            return Ok(());
        }
        let how: Vec<String> =
            missing.iter().map(|f| format!("{} (or ${})", setting_key(module, f), env_key(module, f))).collect();
        // The client asked for a module this installation cannot serve: its request is what to change.
        Err(Error::invalid(
            "module",
            format!("the {} upload module is not configured: set {}", module.as_str(), how.join(", ")),
        ))
    }
}

pub(crate) fn resolve(tx: &Transaction<'_>) -> Result<Resolved> {
    let mut values = Vec::with_capacity(FIELDS.len());
    for (module, field, _) in FIELDS {
        let v = match setting(tx, &setting_key(*module, field))? {
            Some(v) => v,
            None => std::env::var(env_key(*module, field)).unwrap_or_default(),
        };
        values.push((*module, *field, v.trim().to_string()));
    }
    let max_size = setting(tx, KEY_MAX)?
        .or_else(|| std::env::var("CINEDESK_UPLOAD_MAX_SIZE").ok())
        .and_then(|m| m.trim().parse().ok())
        .filter(|m| *m > 0)
        .unwrap_or(DEFAULT_MAX_SIZE);
    let default_module = setting(tx, KEY_DEFAULT)?.or_else(|| std::env::var("CINEDESK_UPLOAD_DEFAULT_MODULE").ok());
    Ok(Resolved { values, default_module, max_size })
}

/// One module's settings as shown (secrets never) and as changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ModuleSettings {
    pub module: String,
    /// Non-secret fields by name (`host`, `bucket` …) with their effective values.
    #[serde(default)]
    pub values: std::collections::BTreeMap<String, String>,
    /// Secret fields by name: true when one is set (in the settings or the environment).
    #[serde(default)]
    pub secrets_set: std::collections::BTreeMap<String, bool>,
    /// Whether every field the module needs has a value.
    #[serde(default)]
    pub configured: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UploadTokenSettings {
    pub default_module: String,
    pub max_size: u64,
    pub modules: Vec<ModuleSettings>,
}

/// A change: `fields` maps `<module>.<field>` (e.g. `s3.region`) to a value; an empty value
/// removes the setting so the environment's applies again.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UploadTokenSettingsPatch {
    #[serde(default)]
    pub default_module: Option<String>,
    #[serde(default)]
    pub max_size: Option<u64>,
    #[serde(default)]
    pub fields: std::collections::BTreeMap<String, String>,
}

impl Cms {
    /// The upload modules' configuration, secrets left out.
    pub fn upload_token_settings(&self, actor: &Actor) -> Result<UploadTokenSettings> {
        actor.require(Capability::ManageApiKeys)?;
        let r = self.db.read(resolve)?;
        let modules = [Module::Aliyun, Module::Qiniu, Module::S3]
            .into_iter()
            .map(|m| {
                let mut s = ModuleSettings { module: m.as_str().to_string(), ..Default::default() };
                for (module, field, secret) in FIELDS.iter().filter(|(module, _, _)| *module == m) {
                    let v = r.get(*module, field);
                    if *secret {
                        s.secrets_set.insert(field.to_string(), !v.is_empty());
                    } else {
                        s.values.insert(field.to_string(), v.to_string());
                    }
                }
                s.configured = r.require(m, m.required_fields()).is_ok();
                s
            })
            .collect();
        Ok(UploadTokenSettings {
            default_module: r.default_module.clone().unwrap_or_else(|| Module::Local.as_str().to_string()),
            max_size: r.max_size,
            modules,
        })
    }

    /// Changes the upload modules' configuration (SYS_ADMIN).
    pub fn set_upload_token_settings(&self, actor: &Actor, patch: UploadTokenSettingsPatch) -> Result<()> {
        actor.require(Capability::ManageApiKeys)?;
        if let Some(m) = &patch.default_module {
            Module::parse(m).map_err(|_| Error::invalid("defaultModule", "must be local, aliyun, qiniu or s3"))?;
        }
        if patch.max_size == Some(0) || patch.max_size.is_some_and(|m| m > crate::files::MAX_FILE_SIZE) {
            return Err(Error::invalid("maxSize", format!("must be from 1 to {}", crate::files::MAX_FILE_SIZE)));
        }
        let mut writes = Vec::new();
        for (name, value) in &patch.fields {
            let field = FIELDS.iter().find(|(m, f, _)| format!("{}.{f}", m.as_str()) == *name).ok_or_else(|| {
                Error::invalid(format!("fields.{name}"), "is not a setting of the aliyun, qiniu or s3 module")
            })?;
            let value = value.trim();
            if value.chars().any(char::is_control) || value.len() > 2048 {
                return Err(Error::invalid(format!("fields.{name}"), "must be one line of at most 2048 bytes"));
            }
            let is_url = field.1 == "host" || field.1.ends_with("_url") || field.1 == "endpoint";
            if is_url && !value.is_empty() && !(value.starts_with("http://") || value.starts_with("https://")) {
                return Err(Error::invalid(format!("fields.{name}"), "must be an http(s) URL"));
            }
            writes.push((setting_key(field.0, field.1), value.to_string()));
        }
        if let Some(m) = patch.default_module {
            writes.push((KEY_DEFAULT.to_string(), m.trim().to_string()));
        }
        if let Some(m) = patch.max_size {
            writes.push((KEY_MAX.to_string(), m.to_string()));
        }
        self.db.write(|tx| {
            for (key, value) in &writes {
                if value.is_empty() {
                    tx.prepare_cached("DELETE FROM settings WHERE key = ?")?.execute([key])?;
                } else {
                    tx.prepare_cached(
                        "INSERT INTO settings(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = ?2",
                    )?
                    .execute([key, value])?;
                }
            }
            Ok(())
        })
    }
}
