//! Seed §11, Aliyun OSS direct upload: signed POST policies, the PostObject checks OSS makes (for local storage), and OSS callbacks verified by RSA.
//!
//! In local mode (the default) the policy's `host` is this server's own PostObject endpoint and
//! the content lands in this store; in Aliyun mode it is the bucket and OSS calls
//! `/cms/upload/oss_callback` after the upload, signed with its RSA key. Either way the policy
//! limits the object key to `dir`, and `dir` says whose file it is and for what:
//! `upload/<domain>/<owner>/`. Only the key is covered by the policy, so only the key is trusted.

use base64::Engine;
use hmac::{Hmac, Mac};
use rsa::pkcs1::DecodeRsaPublicKey;
use rsa::pkcs8::DecodePublicKey;
use rsa::{Pkcs1v15Sign, RsaPublicKey};
use rusqlite::{params, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sha1::Sha1;

use super::clock::{iso_utc, parse_iso_utc};
use super::{name, Domain, NewFile, StoredFile, MAX_FILE_SIZE};
use crate::actor::{Actor, Capability};
use crate::error::{Error, Result};
use crate::ids::{new_id, new_secret, now_ms};
use crate::Cms;

/// How long a policy may be used to start an upload, in seconds.
pub const OSS_POLICY_TTL_S: i64 = 30 * 60;
/// Where OSS's callback public keys are published (x-oss-pub-key-url must start with one).
const DEFAULT_PUB_KEY_PREFIXES: &[&str] = &["http://gosspublic.alicdn.com/", "https://gosspublic.alicdn.com/"];
/// Object keys longer than this are refused, as by OSS.
const MAX_KEY: usize = 1023;
/// Path segments that must stay as they are in a URL path.
const SEGMENT: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// Where direct uploads go.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OssMode {
    /// This server's PostObject endpoint and store.
    Local,
    /// An Aliyun OSS bucket.
    Aliyun,
}

/// The direct-upload settings (SYS_ADMIN). The secret is write-only: it is never answered.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OssConfig {
    pub mode: OssMode,
    /// Aliyun: the bucket's URL, e.g. `https://bucket.oss-cn-hangzhou.aliyuncs.com`.
    #[serde(default)]
    pub host: String,
    #[serde(default)]
    pub access_key_id: String,
    /// Write-only: set it, it is never answered.
    #[serde(default, skip_serializing)]
    #[cfg_attr(feature = "openapi", schema(write_only))]
    pub access_key_secret: String,
    /// Aliyun: this server's callback URL as OSS reaches it (`https://…/cms/upload/oss_callback`).
    #[serde(default)]
    pub callback_url: String,
    /// URL prefixes an OSS callback's public key may be fetched from.
    #[serde(default)]
    pub pub_key_url_prefixes: Vec<String>,
    /// Largest file a policy allows.
    #[serde(default)]
    pub max_size: u64,
}

/// A signed policy for one PostObject upload (seed §11.1). Where this server is the target
/// (local mode), `host` and `callback_url` are paths on it, which the route makes URLs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostPolicy {
    pub access_id: String,
    /// Where to post the form: the bucket's URL, or this server's endpoint
    /// (`/cms/upload/oss_post`).
    pub host: String,
    /// The base64 policy: its expiration, the size range and the key's directory.
    pub policy: String,
    /// The base64 HMAC-SHA1 of `policy`.
    pub signature: String,
    /// When the policy stops working, epoch seconds.
    pub expire: i64,
    /// Where OSS calls back after the upload: the configured URL, or this server's callback
    /// route (`/cms/upload/oss_callback`).
    pub callback_url: String,
    /// The directory the object's key must start with.
    pub dir: String,
}

/// The body OSS is to post to `callback_url` (its `callbackBody`, form encoded), which
/// [`Cms::oss_callback`] reads.
pub const OSS_CALLBACK_BODY: &str = "object=${object}&size=${size}&mimeType=${mimeType}&etag=${etag}";

/// What a valid PostObject form allows: the key, and the size range for its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostGrant {
    pub key: String,
    pub file: NewFile,
    pub min_size: u64,
    pub max_size: u64,
    /// `success_action_status` when it was 200, 201 or 204.
    pub success_status: Option<u16>,
}

const KEY_MODE: &str = "oss.mode";
const KEY_HOST: &str = "oss.host";
const KEY_ID: &str = "oss.access_key_id";
const KEY_SECRET: &str = "oss.access_key_secret";
const KEY_CALLBACK: &str = "oss.callback_url";
const KEY_PREFIXES: &str = "oss.pub_key_url_prefixes";
const KEY_MAX: &str = "oss.max_size";
const KEY_LOCAL_ID: &str = "oss.local_access_key_id";
const KEY_LOCAL_SECRET: &str = "oss.local_access_key_secret";
/// Largest file a policy allows unless configured: OSS's own PostObject limit is 5 GB.
const DEFAULT_MAX_SIZE: u64 = 5 << 30;

fn setting(tx: &Transaction<'_>, key: &str) -> Result<Option<String>> {
    Ok(tx.prepare_cached("SELECT value FROM settings WHERE key = ?")?.query_row([key], |r| r.get(0)).optional()?)
}

fn put_setting(tx: &Transaction<'_>, key: &str, value: &str) -> Result<()> {
    tx.prepare_cached("INSERT INTO settings(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = ?2")?
        .execute([key, value])?;
    Ok(())
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn hmac_sha1_b64(secret: &str, data: &str) -> String {
    let mut mac = Hmac::<Sha1>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(data.as_bytes());
    b64(&mac.finalize().into_bytes())
}

/// Compares in constant time.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `user:abc` → `user-abc`: an owner as one key segment.
fn owner_segment(owner: &str) -> String {
    owner.replacen(':', "-", 1)
}

/// The directory a policy allows: `upload/<domain>/<owner>/`.
fn upload_dir(domain: Domain, owner: &str) -> String {
    format!("upload/{}/{}/", domain.as_str().to_ascii_lowercase(), owner_segment(owner))
}

/// Reads domain, owner and name back from an object key, refusing keys that could mean another
/// place than they seem: `.`/`..` or empty segments, backslashes, control characters, a
/// leading slash, or not under `upload/<domain>/<owner>/`.
pub(crate) fn parse_key(key: &str) -> Result<NewFile> {
    let bad = |why: &str| Error::Denied(format!("object key {key:?} refused: {why}"));
    if key.is_empty() || key.len() > MAX_KEY {
        return Err(bad(&format!("must have 1 to {MAX_KEY} bytes")));
    }
    if key.starts_with('/') || key.contains('\\') || key.chars().any(char::is_control) {
        return Err(bad("no leading '/', no '\\', no control characters"));
    }
    let segments: Vec<&str> = key.split('/').collect();
    if segments.iter().any(|s| s.is_empty() || *s == "." || *s == "..") {
        return Err(bad("no empty, '.' or '..' segments"));
    }
    let [root, domain, owner, rest @ ..] = segments.as_slice() else {
        return Err(bad("must be under upload/<domain>/<owner>/"));
    };
    let domain = Domain::parse(&domain.to_ascii_uppercase()).ok().filter(|_| *root == "upload" && !rest.is_empty());
    let owner = owner.split_once('-').filter(|(kind, id)| matches!(*kind, "user" | "cinema") && super::is_id(id));
    let (Some(domain), Some((kind, id))) = (domain, owner) else {
        return Err(bad("must be under upload/<domain>/<owner>/"));
    };
    Ok(NewFile::new(rest.last().expect("rest is not empty"), domain).owned_by(&format!("{kind}:{id}")))
}

/// A policy condition's number (OSS accepts numbers and numeric strings).
fn number(v: &Value) -> Option<u64> {
    v.as_u64().or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
}

/// The form field a condition names (`$key` → the `key` field); names are case-insensitive.
fn field<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    let name = name.trim_start_matches('$');
    fields.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str()).unwrap_or("")
}

impl Cms {
    /// The direct-upload settings (with the secret left out).
    pub fn oss_config(&self, actor: &Actor) -> Result<OssConfig> {
        actor.require(Capability::ManageApiKeys)?;
        let mut c = self.db.read(read_config)?;
        c.access_key_secret.clear();
        Ok(c)
    }

    /// Changes the direct-upload settings. An empty secret keeps the one stored.
    pub fn set_oss_config(&self, actor: &Actor, c: OssConfig) -> Result<()> {
        actor.require(Capability::ManageApiKeys)?;
        let is_url = |v: &str| v.starts_with("http://") || v.starts_with("https://");
        if c.mode == OssMode::Aliyun {
            if !is_url(&c.host) {
                return Err(Error::invalid("host", "the bucket's http(s) URL is required in aliyun mode"));
            }
            if !is_url(&c.callback_url) {
                return Err(Error::invalid(
                    "callbackUrl",
                    "this server's http(s) callback URL is required in aliyun mode",
                ));
            }
            if c.access_key_id.trim().is_empty() {
                return Err(Error::invalid("accessKeyId", "is required in aliyun mode"));
            }
        }
        if c.pub_key_url_prefixes.iter().any(|p| !is_url(p) || !p.ends_with('/')) {
            return Err(Error::invalid("pubKeyUrlPrefixes", "each must be an http(s) URL ending in '/'"));
        }
        if c.max_size > MAX_FILE_SIZE {
            return Err(Error::invalid("maxSize", format!("must be at most {MAX_FILE_SIZE}")));
        }
        self.db.write(|tx| {
            put_setting(tx, KEY_MODE, if c.mode == OssMode::Aliyun { "aliyun" } else { "local" })?;
            put_setting(tx, KEY_HOST, c.host.trim_end_matches('/'))?;
            put_setting(tx, KEY_ID, &c.access_key_id)?;
            if !c.access_key_secret.is_empty() {
                put_setting(tx, KEY_SECRET, &c.access_key_secret)?;
            }
            put_setting(tx, KEY_CALLBACK, &c.callback_url)?;
            put_setting(tx, KEY_PREFIXES, &c.pub_key_url_prefixes.join(" "))?;
            put_setting(tx, KEY_MAX, &c.max_size.to_string())?;
            Ok(())
        })
    }

    /// Seed §11.1: a signed policy for the caller to upload one file of `domain` as its own,
    /// to the configured store (this server's PostObject endpoint in local mode).
    pub fn oss_policy(&self, actor: &Actor, domain: Domain) -> Result<PostPolicy> {
        actor.require(Capability::Upload)?;
        self.post_policy(domain, &actor.owner(), false)
    }

    /// The same policy for this server's own PostObject endpoint, whatever mode is configured
    /// (seed 003's `local` upload module).
    pub fn local_post_policy(&self, actor: &Actor, domain: Domain) -> Result<PostPolicy> {
        actor.require(Capability::Upload)?;
        self.post_policy(domain, &actor.owner(), true)
    }

    fn post_policy(&self, domain: Domain, owner: &str, local: bool) -> Result<PostPolicy> {
        let (config, id, secret) = self.db.write(|tx| {
            let mut c = read_config(tx)?;
            if local {
                c.mode = OssMode::Local;
            }
            let (id, secret) = match c.mode {
                OssMode::Aliyun => (c.access_key_id.clone(), c.access_key_secret.clone()),
                OssMode::Local => local_keys(tx)?,
            };
            Ok((c, id, secret))
        })?;
        let expire_ms = now_ms() + OSS_POLICY_TTL_S * 1000;
        let dir = upload_dir(domain, owner);
        let policy = json!({
            "expiration": iso_utc(expire_ms),
            "conditions": [["content-length-range", 0, config.max_size], ["starts-with", "$key", dir]],
        });
        let policy = b64(policy.to_string().as_bytes());
        let (host, callback_url) = match config.mode {
            OssMode::Local => ("/cms/upload/oss_post".to_string(), "/cms/upload/oss_callback".to_string()),
            OssMode::Aliyun => (config.host.clone(), config.callback_url.clone()),
        };
        Ok(PostPolicy {
            access_id: id,
            host,
            signature: hmac_sha1_b64(&secret, &policy),
            policy,
            expire: expire_ms / 1000,
            callback_url,
            dir,
        })
    }

    /// Checks a PostObject form the way OSS does, before any of the file is read: the access
    /// key, the policy's signature (HMAC-SHA1 over the base64 policy), its expiration, and each
    /// condition; then the key. `fields` are the form's fields before `file`, `filename` the
    /// file part's name (for `${filename}` in the key). Denied says which check failed.
    pub fn check_post_policy(&self, fields: &[(String, String)], filename: &str) -> Result<PostGrant> {
        let (id, secret) = self.db.write(local_keys)?;
        let access_id = field(fields, "OSSAccessKeyId");
        let policy_b64 = field(fields, "policy");
        let signature = field(fields, "Signature");
        if access_id.is_empty() || policy_b64.is_empty() || signature.is_empty() {
            return Err(Error::Denied("OSSAccessKeyId, policy and Signature are required".into()));
        }
        if !same(access_id, &id) {
            return Err(Error::Denied("the OSSAccessKeyId is not this server's".into()));
        }
        if !same(&hmac_sha1_b64(&secret, policy_b64), signature) {
            return Err(Error::Denied("the request signature does not match the policy".into()));
        }
        let policy: Value = base64::engine::general_purpose::STANDARD
            .decode(policy_b64)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .ok_or_else(|| Error::Denied("the policy is not base64 JSON".into()))?;
        let expiration = policy["expiration"]
            .as_str()
            .and_then(parse_iso_utc)
            .ok_or_else(|| Error::Denied("the policy has no valid expiration".into()))?;
        if now_ms() > expiration {
            return Err(Error::Denied("Invalid according to Policy: Policy expired.".into()));
        }
        let key = field(fields, "key").replace("${filename}", &name::clean(filename));
        let mut resolved: Vec<(String, String)> = fields.to_vec();
        resolved.retain(|(k, _)| !k.eq_ignore_ascii_case("key"));
        resolved.push(("key".into(), key.clone()));
        let (mut min_size, mut max_size) = (0, MAX_FILE_SIZE);
        let conditions =
            policy["conditions"].as_array().ok_or_else(|| Error::Denied("the policy has no conditions".into()))?;
        for c in conditions {
            let unmet = |what: &str| Error::Denied(format!("Invalid according to Policy: {what}"));
            match c {
                Value::Object(m) => {
                    for (k, v) in m {
                        // A bucket condition names OSS's bucket; the local store has just one.
                        if k != "bucket" && Some(field(&resolved, k)) != v.as_str() {
                            return Err(unmet(&format!("{k} must be {v}")));
                        }
                    }
                }
                Value::Array(a) => match a.first().and_then(Value::as_str).map(str::to_ascii_lowercase).as_deref() {
                    Some("content-length-range") => {
                        let (Some(lo), Some(hi)) = (a.get(1).and_then(number), a.get(2).and_then(number)) else {
                            return Err(unmet("content-length-range needs two numbers"));
                        };
                        (min_size, max_size) = (lo, hi.min(MAX_FILE_SIZE));
                    }
                    Some("starts-with") => {
                        let (Some(name), Some(prefix)) =
                            (a.get(1).and_then(Value::as_str), a.get(2).and_then(Value::as_str))
                        else {
                            return Err(unmet("starts-with needs a field and a prefix"));
                        };
                        if !field(&resolved, name).starts_with(prefix) {
                            return Err(unmet(&format!("{name} must start with {prefix:?}")));
                        }
                    }
                    Some("eq") => {
                        let (Some(name), Some(want)) =
                            (a.get(1).and_then(Value::as_str), a.get(2).and_then(Value::as_str))
                        else {
                            return Err(unmet("eq needs a field and a value"));
                        };
                        if field(&resolved, name) != want {
                            return Err(unmet(&format!("{name} must be {want:?}")));
                        }
                    }
                    Some("in") | Some("not-in") => {
                        let (Some(name), Some(list)) =
                            (a.get(1).and_then(Value::as_str), a.get(2).and_then(Value::as_array))
                        else {
                            return Err(unmet("in/not-in needs a field and a list"));
                        };
                        let found = list.iter().any(|v| v.as_str() == Some(field(&resolved, name)));
                        if found != (a[0].as_str().map(str::to_ascii_lowercase).as_deref() == Some("in")) {
                            return Err(unmet(&format!("{name} is not allowed")));
                        }
                    }
                    _ => return Err(unmet(&format!("unsupported condition {c}"))),
                },
                _ => return Err(unmet(&format!("unsupported condition {c}"))),
            }
        }
        let file = parse_key(&key)?;
        let success_status =
            field(fields, "success_action_status").parse::<u16>().ok().filter(|s| [200, 201, 204].contains(s));
        Ok(PostGrant { key, file, min_size, max_size, success_status })
    }

    /// Whether an OSS callback's public key may be fetched from `url` (see `pubKeyUrlPrefixes`).
    pub fn oss_pub_key_url_allowed(&self, url: &str) -> Result<bool> {
        let c = self.db.read(read_config)?;
        Ok(c.pub_key_url_prefixes.iter().any(|p| url.starts_with(p.as_str())) && !url.contains(".."))
    }

    /// Seed §11.2: an OSS callback. `authorization` is the request's base64 RSA signature,
    /// `public_key_pem` the key fetched from its x-oss-pub-key-url (checked by the caller with
    /// [`Cms::oss_pub_key_url_allowed`]), `path` and `query` as on the request line. The signed
    /// text is the URL-decoded path, `?query` if any, a newline and the body; the signature is
    /// RSA PKCS#1 v1.5 over its MD5. A valid callback records the object as a REMOTE file.
    pub fn oss_callback(
        &self,
        public_key_pem: &str,
        authorization: &str,
        path: &str,
        query: Option<&str>,
        body: &[u8],
    ) -> Result<StoredFile> {
        verify_callback_signature(public_key_pem, authorization, path, query, body)?;
        let mut object = None;
        let (mut size, mut mime, mut etag) = (None, None, String::new());
        for (k, v) in form_urlencoded::parse(body) {
            match k.as_ref() {
                "object" => object = Some(v.into_owned()),
                "size" => size = v.parse::<u64>().ok(),
                "mimeType" => mime = Some(v.into_owned()),
                "etag" => etag = v.trim_matches('"').to_ascii_lowercase(),
                _ => {}
            }
        }
        let object = object.ok_or_else(|| Error::invalid("object", "is required"))?;
        let size = size.ok_or_else(|| Error::invalid("size", "is required (a number)"))?;
        let spec = parse_key(&object)?.with_mime(mime.as_deref());
        // A simple upload's ETag is its MD5; a multipart one's is not, and then none is known.
        let md5 = if etag.len() == 32 && etag.bytes().all(|b| b.is_ascii_hexdigit()) { etag } else { String::new() };
        let config = self.db.read(read_config)?;
        let url = format!(
            "{}/{}",
            config.host.trim_end_matches('/'),
            object
                .split('/')
                .map(|s| percent_encoding::utf8_percent_encode(s, SEGMENT).to_string())
                .collect::<Vec<_>>()
                .join("/")
        );
        let id = new_id();
        let mime = name::mime(&[], &spec.name, spec.mime.as_deref());
        self.db.write(|tx| {
            tx.prepare_cached(
                "INSERT INTO files(id, name, size, md5, mime, domain, owner, created_at, state, blob)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'REMOTE', ?)",
            )?
            .execute(params![
                id,
                spec.name,
                size as i64,
                md5,
                mime,
                spec.domain.as_str(),
                spec.owner,
                now_ms(),
                url
            ])?;
            Ok(())
        })?;
        tracing::info!(id, object, size, "recorded a file uploaded to OSS");
        self.files.file(&id)
    }
}

fn read_config(tx: &Transaction<'_>) -> Result<OssConfig> {
    let mode = match setting(tx, KEY_MODE)?.as_deref() {
        Some("aliyun") => OssMode::Aliyun,
        _ => OssMode::Local,
    };
    let prefixes = setting(tx, KEY_PREFIXES)?
        .map(|p| p.split_whitespace().map(str::to_string).collect::<Vec<_>>())
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| DEFAULT_PUB_KEY_PREFIXES.iter().map(|p| p.to_string()).collect());
    Ok(OssConfig {
        mode,
        host: setting(tx, KEY_HOST)?.unwrap_or_default(),
        access_key_id: setting(tx, KEY_ID)?.unwrap_or_default(),
        access_key_secret: setting(tx, KEY_SECRET)?.unwrap_or_default(),
        callback_url: setting(tx, KEY_CALLBACK)?.unwrap_or_default(),
        pub_key_url_prefixes: prefixes,
        max_size: setting(tx, KEY_MAX)?.and_then(|m| m.parse().ok()).filter(|m| *m > 0).unwrap_or(DEFAULT_MAX_SIZE),
    })
}

/// The local PostObject endpoint's key pair, made on first use and kept with the data.
fn local_keys(tx: &Transaction<'_>) -> Result<(String, String)> {
    if let (Some(id), Some(secret)) = (setting(tx, KEY_LOCAL_ID)?, setting(tx, KEY_LOCAL_SECRET)?) {
        return Ok((id, secret));
    }
    let (id, secret) = (format!("LOCAL{}", &new_secret()[..16]), new_secret());
    put_setting(tx, KEY_LOCAL_ID, &id)?;
    put_setting(tx, KEY_LOCAL_SECRET, &secret)?;
    Ok((id, secret))
}

fn verify_callback_signature(
    pem: &str,
    authorization: &str,
    path: &str,
    query: Option<&str>,
    body: &[u8],
) -> Result<()> {
    let denied = |why: &str| Error::Denied(format!("OSS callback refused: {why}"));
    let key = RsaPublicKey::from_public_key_pem(pem.trim())
        .or_else(|_| RsaPublicKey::from_pkcs1_pem(pem.trim()))
        .map_err(|_| denied("the public key is not an RSA PEM"))?;
    let signature = base64::engine::general_purpose::STANDARD
        .decode(authorization.trim())
        .map_err(|_| denied("the authorization header is not base64"))?;
    let path = percent_encoding::percent_decode_str(path).decode_utf8().map_err(|_| denied("the path is not UTF-8"))?;
    let mut signed = path.into_owned().into_bytes();
    if let Some(q) = query.filter(|q| !q.is_empty()) {
        signed.push(b'?');
        signed.extend_from_slice(q.as_bytes());
    }
    signed.push(b'\n');
    signed.extend_from_slice(body);
    let digest = super::Md5::digest(&signed);
    // PKCS#1 v1.5 with MD5: the DigestInfo prefix of RFC 8017 §9.2 note 1, spelled out because
    // rsa 0.9 derives it from digest 0.10's traits and the store hashes with its own MD5.
    let md5_pkcs1 = Pkcs1v15Sign { hash_len: Some(16), prefix: MD5_DIGEST_INFO.into() };
    key.verify(md5_pkcs1, &digest, &signature).map_err(|_| denied("the signature does not match"))
}

/// DER of DigestInfo { AlgorithmIdentifier { md5 (1.2.840.113549.2.5), NULL }, OCTET STRING (16) }.
const MD5_DIGEST_INFO: [u8; 18] =
    [0x30, 0x20, 0x30, 0x0c, 0x06, 0x08, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x05, 0x05, 0x00, 0x04, 0x10];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_say_domain_and_owner_and_cannot_wander() {
        let owner = format!("user:{}", crate::ids::new_id());
        let dir = upload_dir(Domain::Movie, &owner);
        let f = parse_key(&format!("{dir}海报.png")).unwrap();
        assert_eq!((f.domain, f.owner.as_str(), f.name.as_str()), (Domain::Movie, owner.as_str(), "海报.png"));
        for bad in [
            format!("{dir}../../user/x/a.png"),
            format!("{dir}./a.png"),
            format!("{dir}a//b.png"),
            format!("/{dir}a.png"),
            format!("{dir}a\\..\\b.png"),
            format!("{dir}a\0.png"),
            dir.clone(),
            "upload/nowhere/user-abc/a.png".to_string(),
            "elsewhere/movie/x/a.png".to_string(),
        ] {
            assert!(parse_key(&bad).is_err(), "{bad:?} must be refused");
        }
    }
}
