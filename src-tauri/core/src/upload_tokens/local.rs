//! The local module: a PostObject policy for this server's own endpoint, whose uploads land in the file store.

use serde_json::{json, Map, Value};

use super::param;
use crate::actor::Actor;
use crate::error::Result;
use crate::files::Domain;
use crate::Cms;

pub(crate) fn token(cms: &Cms, actor: &Actor, base_url: &str) -> Result<(Map<String, Value>, i64)> {
    let p = cms.local_post_policy(actor, Domain::Resource, base_url)?;
    let params = vec![
        param("OSSAccessKeyId", "hidden", json!(p.accessid)),
        param("policy", "hidden", json!(p.policy)),
        param("Signature", "hidden", json!(p.signature)),
        param("callback", "hidden", json!(p.callback)),
        param("key", "hidden", json!(format!("{}${{filename}}", p.dir))),
        param("success_action_status", "hidden", json!(200)),
        param("file", "file", json!("")),
    ];
    let mut out = Map::new();
    out.insert("upload_url".into(), json!({ "upload_url": p.host, "module": "local", "param": params }));
    out.insert("OSSAccessKeyId".into(), json!(p.accessid));
    out.insert("policy".into(), json!(p.policy));
    out.insert("Signature".into(), json!(p.signature));
    out.insert("callback".into(), json!(p.callback));
    out.insert("dir".into(), json!(p.dir));
    Ok((out, p.expire))
}
