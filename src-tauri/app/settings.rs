//! The desktop app's own settings (mode, server URL, LAN serving, language, data dir), kept as
//! JSON in the data dir and written atomically.

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::CommandError;

/// The file's name inside the (bootstrap) data dir.
pub const SETTINGS_FILE: &str = "desktop-settings.json";
/// The port LAN serving offers by default, the same as `cinedesk serve`'s habit.
pub const DEFAULT_LAN_PORT: u16 = 8080;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// The app holds the database itself.
    #[default]
    Embedded,
    /// The app is a client of a `cinedesk serve` elsewhere.
    Remote,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Language {
    #[default]
    #[serde(rename = "zh-CN")]
    ZhCn,
    #[serde(rename = "en")]
    En,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Lan {
    pub enabled: bool,
    pub port: u16,
}

impl Default for Lan {
    fn default() -> Self {
        Lan { enabled: false, port: DEFAULT_LAN_PORT }
    }
}

/// Every field has a default, so a file written by an older version (or none) still loads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct Settings {
    pub mode: Mode,
    /// The server of remote mode, e.g. `http://192.168.1.10:8080`.
    pub server_url: Option<String>,
    /// Embedded mode: also serve the API on `0.0.0.0:port` for the site's COMS and seats.
    pub lan: Lan,
    pub language: Language,
    /// Where the database lives; `None` is the bootstrap dir (CINEDESK_DATA_DIR or the OS one).
    pub data_dir: Option<PathBuf>,
}

impl Settings {
    /// Refuses what cannot work, naming the field, so the UI can show it beside the input.
    pub fn validate(&self) -> Result<(), CommandError> {
        if let Some(url) = &self.server_url {
            let parsed = reqwest::Url::parse(url).map_err(|e| invalid("serverUrl", format!("not a URL: {e}")))?;
            if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
                return Err(invalid("serverUrl", "must be an http:// or https:// address with a host".into()));
            }
            if parsed.query().is_some() || parsed.fragment().is_some() {
                return Err(invalid("serverUrl", "must not have a query or fragment".into()));
            }
        }
        if self.mode == Mode::Remote && self.server_url.is_none() {
            return Err(invalid("serverUrl", "is required in remote mode".into()));
        }
        if self.lan.port == 0 {
            return Err(invalid("lan.port", "must be between 1 and 65535".into()));
        }
        if let Some(dir) = &self.data_dir {
            if !dir.is_absolute() {
                return Err(invalid("dataDir", "must be an absolute path".into()));
            }
        }
        Ok(())
    }

    /// The server URL without a trailing slash, ready for a path to be appended.
    pub fn server_base(&self) -> Option<String> {
        self.server_url.as_deref().map(|u| u.trim_end_matches('/').to_string())
    }

    /// Reads the settings of `dir`; no file means the defaults. A damaged file is an error
    /// rather than silently replaced: it may hold a remote server's address the user needs.
    pub fn load(dir: &Path) -> std::io::Result<Settings> {
        let path = dir.join(SETTINGS_FILE);
        match fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, format!("{}: {e}", path.display()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Settings::default()),
            Err(e) => Err(e),
        }
    }

    /// Writes the settings to `dir` atomically (see [`crate::atomic::write`]).
    pub fn save(&self, dir: &Path) -> std::io::Result<()> {
        let bytes = serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?;
        crate::atomic::write(dir, SETTINGS_FILE, &bytes)
    }
}

fn invalid(field: &str, info: String) -> CommandError {
    CommandError {
        code: cinedesk_core::Code::Invalid,
        info: format!("{field}: {info}"),
        field: Some(field.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_embedded_chinese_no_lan() {
        let s = Settings::default();
        assert_eq!(s.mode, Mode::Embedded, "a fresh install holds its own database");
        assert_eq!(s.language, Language::ZhCn, "the interface is Chinese by default");
        assert!(!s.lan.enabled, "nothing listens on the network unless asked");
        assert_eq!(s.lan.port, DEFAULT_LAN_PORT);
    }

    #[test]
    fn wire_form_is_camel_case_with_lowercase_mode() {
        let s = Settings {
            mode: Mode::Remote,
            server_url: Some("http://10.0.0.2:8080".into()),
            lan: Lan { enabled: true, port: 9000 },
            language: Language::En,
            data_dir: None,
        };
        let v = serde_json::to_value(&s).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"mode": "remote", "serverUrl": "http://10.0.0.2:8080",
                "lan": {"enabled": true, "port": 9000}, "language": "en", "dataDir": null}),
            "the UI reads these exact names (docs/desktop-shell.md)"
        );
    }

    #[test]
    fn missing_fields_take_defaults() {
        let s: Settings = serde_json::from_str(r#"{"mode":"remote","serverUrl":"http://h"}"#).unwrap();
        assert_eq!(s.lan, Lan::default(), "an older file without `lan` still loads");
        assert_eq!(s.language, Language::ZhCn);
    }

    #[test]
    fn save_then_load_round_trips_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Settings::load(dir.path()).unwrap(), Settings::default(), "no file: defaults");
        let s = Settings {
            mode: Mode::Embedded,
            server_url: None,
            lan: Lan { enabled: true, port: 18080 },
            language: Language::En,
            data_dir: Some(dir.path().join("db")),
        };
        s.save(dir.path()).unwrap();
        assert_eq!(Settings::load(dir.path()).unwrap(), s, "what was saved is what loads");
        assert!(!dir.path().join(format!("{SETTINGS_FILE}.tmp")).exists(), "the temporary file was renamed");
    }

    #[test]
    fn a_damaged_file_is_an_error_not_the_defaults() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(SETTINGS_FILE), b"{not json").unwrap();
        let err = Settings::load(dir.path()).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidData, "a damaged file must not be replaced silently");
    }

    #[test]
    fn validation_names_the_field() {
        let field = |s: Settings| s.validate().unwrap_err().field;
        let remote = Settings { mode: Mode::Remote, ..Settings::default() };
        assert_eq!(field(remote.clone()).as_deref(), Some("serverUrl"), "remote mode needs a server");
        let ftp = Settings { server_url: Some("ftp://h/".into()), ..remote.clone() };
        assert_eq!(field(ftp).as_deref(), Some("serverUrl"), "only http and https");
        let junk = Settings { server_url: Some("not a url".into()), ..remote.clone() };
        assert_eq!(field(junk).as_deref(), Some("serverUrl"));
        let port0 = Settings { lan: Lan { enabled: true, port: 0 }, ..Settings::default() };
        assert_eq!(field(port0).as_deref(), Some("lan.port"));
        let relative = Settings { data_dir: Some("data".into()), ..Settings::default() };
        assert_eq!(field(relative).as_deref(), Some("dataDir"));
        let ok = Settings { server_url: Some("https://cms.example.com:8443/".into()), ..remote };
        assert!(ok.validate().is_ok(), "a plain https URL is fine");
        assert_eq!(ok.server_base().as_deref(), Some("https://cms.example.com:8443"), "no trailing slash");
    }
}
