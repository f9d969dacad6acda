//! Upload bodies streamed into the core: multipart forms and their fields, and the pump that hands each piece to a core writer on the blocking pool.
//!
//! Bodies are never collected in memory: each piece the client sends is handed to a core writer
//! on the blocking pool (which hashes it and writes it to disk) through a short channel, so a
//! slow disk slows the client instead of filling the server's memory.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::multipart::{Field, Multipart, MultipartRejection};
use axum::extract::{FromRequest, Request};
use cinedesk_core::{Cms, Error};
use tokio::sync::mpsc;

use super::paced;
use crate::error::{ApiError, ApiResult};
use crate::signed::{self, Checked, SignedForm};
use crate::state::AppState;

/// A multipart body (not multipart at all: the JSON 400). The text fields of a signed upload
/// must be what it signed (`crate::signed`): the form checks them before it hands out the file.
pub(crate) struct Form {
    multipart: Multipart,
    query: String,
    signed: SignedForm,
    fields: Vec<(String, String)>,
}

/// A field of a [`Form`]: a text field, read, or the file, not read yet.
pub(crate) enum Part<'a> {
    Text(String, String),
    File(Box<Field<'a>>),
}

impl<S: Send + Sync> FromRequest<S> for Form {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let query = req.uri().query().unwrap_or("").to_string();
        let signed = req.extensions().get::<Checked>().map_or(SignedForm::Unsigned, Checked::form);
        // Paced: multer would otherwise read a fast body into memory a whole part at a time.
        let multipart =
            Multipart::from_request(req.map(paced::paced), state).await.map_err(|e: MultipartRejection| {
                ApiError::BadRequest(format!("expected a multipart/form-data body: {e}"))
            })?;
        Ok(Form { multipart, query, signed, fields: Vec::new() })
    }
}

impl Form {
    /// The next field: the one named `file` as [`Part::File`] (for a signed request only once
    /// the text fields before it are what it signed), any other read as text.
    pub(crate) async fn next(&mut self, file: &str) -> ApiResult<Option<Part<'_>>> {
        let Some(mut field) = next_field(&mut self.multipart).await? else { return Ok(None) };
        if field.name() == Some(file) {
            signed::check_form(&self.signed, &self.query, &self.fields)?;
            return Ok(Some(Part::File(Box::new(field))));
        }
        let name = field.name().unwrap_or("").to_string();
        let value = text(&mut field).await?;
        self.fields.push((name.clone(), value.clone()));
        Ok(Some(Part::Text(name, value)))
    }

    /// The form of a route that takes no signed form (the PostObject endpoint, user icons).
    pub(crate) fn unsigned(self) -> ApiResult<Multipart> {
        match self.signed {
            SignedForm::Unsigned => Ok(self.multipart),
            SignedForm::Fields(_) => {
                Err(Error::Denied("this upload is for users, not a cinema's client".into()).into())
            }
            SignedForm::Refused => Err(signed::refused()),
        }
    }
}

/// Longest text field read from a form: form fields are names and numbers.
const MAX_TEXT_FIELD: usize = 64 << 10;

/// The next field of a form; a broken body is a 400.
pub(crate) async fn next_field<'a>(form: &'a mut Multipart) -> ApiResult<Option<Field<'a>>> {
    form.next_field().await.map_err(|e| ApiError::BadRequest(format!("bad multipart body: {e}")))
}

/// A text field, at most [`MAX_TEXT_FIELD`] bytes.
pub(crate) async fn text(field: &mut Field<'_>) -> ApiResult<String> {
    let name = field.name().unwrap_or("").to_string();
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(|e| ApiError::BadRequest(format!("bad multipart body: {e}")))? {
        if bytes.len() + chunk.len() > MAX_TEXT_FIELD {
            return Err(ApiError::TooLarge(format!("form field {name} is longer than {MAX_TEXT_FIELD} bytes")));
        }
        bytes.extend_from_slice(&chunk);
    }
    String::from_utf8(bytes).map_err(|_| Error::invalid(name, "must be UTF-8 text").into())
}

/// A piece of a body on its way to the blocking pool, or why the body broke off.
pub(crate) type Piece = Result<Bytes, String>;

/// The receiving end of a body, for a core writer on the blocking pool.
pub(crate) struct Feed(mpsc::Receiver<Piece>);

impl Feed {
    /// Passes every piece to `write` (the network's own buffer, never copied). Ok(true) when the
    /// body ended as it should, Ok(false) when it broke off (the client went away).
    pub(crate) fn drain(
        &mut self,
        mut write: impl FnMut(Bytes) -> cinedesk_core::Result<()>,
    ) -> cinedesk_core::Result<bool> {
        while let Some(piece) = self.0.blocking_recv() {
            match piece {
                Ok(bytes) => write(bytes)?,
                Err(why) => {
                    tracing::info!(why, "upload body broke off");
                    return Ok(false);
                }
            }
        }
        Ok(true)
    }
}

/// A core job reading a body on the blocking pool, fed from the async side.
pub(crate) struct Pump<T> {
    tx: Option<mpsc::Sender<Piece>>,
    job: tokio::task::JoinHandle<cinedesk_core::Result<T>>,
}

/// Pieces in flight between the network and the disk: a few hundred KB at most.
const PUMP_DEPTH: usize = 16;

pub(crate) fn pump<T: Send + 'static>(
    s: &AppState,
    job: impl FnOnce(&Cms, Feed) -> cinedesk_core::Result<T> + Send + 'static,
) -> Pump<T> {
    let (tx, rx) = mpsc::channel(PUMP_DEPTH);
    let cms = Arc::clone(&s.cms);
    Pump { tx: Some(tx), job: tokio::task::spawn_blocking(move || job(&cms, Feed(rx))) }
}

impl<T> Pump<T> {
    /// Hands a piece to the job; false once the job no longer takes any (it stopped early).
    pub(crate) async fn send(&mut self, piece: Piece) -> bool {
        match &self.tx {
            Some(tx) => tx.send(piece).await.is_ok(),
            None => false,
        }
    }

    /// Streams a multipart field into the job.
    pub(crate) async fn field(&mut self, field: &mut Field<'_>) {
        loop {
            let piece = match field.chunk().await {
                Ok(Some(bytes)) => Ok(bytes),
                Ok(None) => return,
                Err(e) => Err(e.to_string()),
            };
            let broken = piece.is_err();
            if !self.send(piece).await || broken {
                return;
            }
        }
    }

    /// Streams a whole request body into the job.
    pub(crate) async fn body(&mut self, body: axum::body::Body) {
        use futures_util::StreamExt;
        let mut stream = body.into_data_stream();
        while let Some(piece) = stream.next().await {
            let piece = piece.map_err(|e| e.to_string());
            let broken = piece.is_err();
            if !self.send(piece).await || broken {
                return;
            }
        }
    }

    /// Ends the body (the job sees its end) and answers what the job made of it.
    pub(crate) async fn finish(mut self) -> ApiResult<T> {
        drop(self.tx.take());
        self.job
            .await
            .map_err(|e| ApiError::Core(Error::Internal(format!("upload worker failed: {e}"))))?
            .map_err(ApiError::Core)
    }
}
