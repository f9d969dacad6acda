//! Aliyun OSS's envelope of an upload's outcome, `{"isSuccess","fileID","Info"}`: what the OSS callback answers (seed §11.2), and what the local PostObject endpoint answers as OSS relays it.

use serde::Serialize;
use utoipa::ToSchema;

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
