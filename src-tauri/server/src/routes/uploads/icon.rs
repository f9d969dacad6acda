//! Seed §7.2: `POST /cms/files/users/icon` (multipart `userID`, `file`) → `{"fileID"}`; with a userID, that user's icon becomes it.

use axum::extract::State;
use axum::Json;
use cinedesk_core::{Domain, Error, NewFile};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::body::{next_field, pump, text, Form};
use crate::auth::Caller;
use crate::error::ApiResult;
use crate::openapi::ErrorBody;
use crate::state::AppState;

/// Icons are pictures of a few hundred KB; 10 MB leaves room for a photo straight off a camera.
const MAX_ICON: u64 = 10 << 20;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(upload_icon))
}

/// The form: `userID` (optional) and the picture.
#[derive(ToSchema)]
#[allow(dead_code)] // documents the multipart form read field by field
pub(crate) struct IconForm {
    /// The user whose icon this becomes (yourself, or anyone for a user manager); absent: just store it.
    #[schema(rename = "userID")]
    user_id: Option<String>,
    /// A PNG, JPEG, GIF, WebP or BMP picture, at most 10 MB.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// The stored icon's id (a user's `iconID`).
#[derive(Serialize, ToSchema)]
pub(crate) struct IconId {
    #[serde(rename = "fileID")]
    file_id: String,
}

/// Seed §7.2: stores a user icon; with `userID`, that user's `iconID` becomes it.
#[utoipa::path(post, path = "/cms/files/users/icon", tag = "uploads", operation_id = "upload_user_icon",
    request_body(content = IconForm, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "Stored", body = IconId),
        (status = 400, description = "Not a multipart form, no `file`, or not a picture", body = ErrorBody),
        (status = 403, description = "A cinema's signature, or another user's icon without the right to manage users", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody),
    ))]
async fn upload_icon(State(s): State<AppState>, caller: Caller, form: Form) -> ApiResult<Json<IconId>> {
    let mut form = form.unsigned()?;
    let mut user_id: Option<String> = None;
    // The icon waits, written but not stored, until every field is read: whether it may be
    // stored depends on userID, which a client may send after the file.
    let mut pending = None;
    while let Some(mut field) = next_field(&mut form).await? {
        match field.name().unwrap_or("") {
            "userID" => user_id = Some(text(&mut field).await?.trim().to_string()).filter(|u| !u.is_empty()),
            "file" if pending.is_none() => {
                let spec =
                    NewFile::new(field.file_name().unwrap_or("icon"), Domain::User).with_mime(field.content_type());
                let actor = caller.actor.clone();
                let mut job = pump(&s, move |cms, mut feed| {
                    let mut ingest = cms.ingest(&actor, spec, MAX_ICON)?;
                    if !feed.drain(|b| ingest.write_bytes(b))? {
                        return Err(Error::invalid("file", "the upload broke off"));
                    }
                    Ok(ingest)
                });
                job.field(&mut field).await;
                pending = Some(job.finish().await?);
            }
            _ => {
                text(&mut field).await?;
            }
        }
    }
    let ingest = pending.ok_or_else(|| Error::invalid("file", "is required"))?;
    let file_id = s.run(move |cms| cms.store_user_icon(&caller.actor, user_id.as_deref(), ingest)).await?;
    Ok(Json(IconId { file_id }))
}
