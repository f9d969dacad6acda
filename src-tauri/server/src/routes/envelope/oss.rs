//! Aliyun OSS's shapes: the signed policy for a direct upload (seed §11.1), and the envelope of an upload's outcome, `{"isSuccess","fileID","Info"}`, what the OSS callback answers (seed §11.2) and what the local PostObject endpoint answers as OSS relays it.

use base64::Engine;
use cinedesk_core::files::{PostPolicy, OSS_CALLBACK_BODY};
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::base_url::absolute;

/// Seed §11.1's answer.
#[derive(Serialize, ToSchema)]
pub(crate) struct OssPolicy {
    pub(crate) accessid: String,
    pub(crate) host: String,
    pub(crate) policy: String,
    pub(crate) signature: String,
    pub(crate) expire: i64,
    pub(crate) callback: String,
    pub(crate) dir: String,
}

impl OssPolicy {
    /// `p` as the seed hands it out: `host` a URL, the callback (its URL on `base` when it is
    /// this server) in base64 JSON.
    pub(crate) fn of(p: PostPolicy, base: &str) -> OssPolicy {
        let callback = json!({
            "callbackUrl": absolute(base, &p.callback_url),
            "callbackBody": OSS_CALLBACK_BODY,
            "callbackBodyType": "application/x-www-form-urlencoded",
        });
        OssPolicy {
            accessid: p.access_id,
            host: absolute(base, &p.host),
            policy: p.policy,
            signature: p.signature,
            expire: p.expire,
            callback: base64::engine::general_purpose::STANDARD.encode(callback.to_string()),
            dir: p.dir,
        }
    }
}

/// Seed §11.2's answer (also what the local PostObject answers, as OSS relays the callback's).
#[derive(Serialize, ToSchema)]
pub(crate) struct OssCallback {
    #[serde(rename = "isSuccess")]
    is_success: bool,
    #[serde(rename = "fileID")]
    file_id: String,
    #[serde(rename = "Info")]
    info: String,
}

impl OssCallback {
    /// The file `file_id` is stored.
    pub(crate) fn success(file_id: String) -> OssCallback {
        OssCallback { is_success: true, file_id, info: "成功".into() }
    }

    /// Nothing was stored, for the reason `info` (OSS relays it to the uploader).
    pub(crate) fn refused(info: String) -> OssCallback {
        OssCallback { is_success: false, file_id: String::new(), info }
    }
}
