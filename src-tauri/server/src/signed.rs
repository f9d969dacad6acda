//! Signed requests (`dc` of seed 004 §2.2, and `dc2`): a layer in front of every route a cinema's client may call checks that `user-params` is exactly what the request sends, and has the core check the signature and spend it.
//!
//! What a request sends, by [`Kind`] (`docs/coms-integration.md` has it for integrators):
//! - [`Kind::Params`]: without a body, its query string as sent; with a body (JSON or a form),
//!   that body as sent, and then it must carry no query string, so nothing it acts on is
//!   unsigned;
//! - [`Kind::Tus`]: no query; the tus headers it acts on ([`tus_params`]); the bytes of a PATCH
//!   are checked by offset (and `Upload-Checksum`), like any file;
//! - [`Kind::Multipart`]: the query and the text fields before the file ([`form_params`]),
//!   which only the route sees as it reads the form: its [`crate::routes::Form`] compares them
//!   with [`SignedBy::form`] before it hands out the file.
//!
//! The outcome travels to [`crate::auth::Caller`] as a request extension, so a refusal is
//! answered by the route in its own envelope, and a route without this layer refuses signed
//! requests altogether.

use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;
use cinedesk_core::{is_signature, Error, SignedRequest};
use percent_encoding::percent_decode_str;

use crate::error::ApiError;
use crate::state::AppState;

/// Longest body a signed [`Kind::Params`] request may have: they are small JSON or forms.
pub const MAX_SIGNED_BODY: usize = 1 << 20;

/// What a signed route's requests sign (see the module's comment).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Params,
    Tus,
    Multipart,
}

/// A signature the core accepted: the client of the cinema whose key signed it.
#[derive(Clone, Debug)]
pub struct SignedBy {
    pub actor: cinedesk_core::Actor,
    /// For a multipart upload, the decoded `user-params` its text fields must make.
    pub form: Option<String>,
}

/// What a multipart form must be, by its request's signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignedForm {
    /// Not signed, or signed over no form: nothing to check.
    Unsigned,
    /// The decoded `user-params` its text fields must make.
    Fields(String),
    /// The signature was refused: nothing of the request is acted on.
    Refused,
}

/// The outcome of checking a signed request, for [`crate::auth::Caller`]: taken once.
#[derive(Clone)]
pub struct Checked(Arc<Mutex<Option<Result<SignedBy, ApiError>>>>);

impl Checked {
    fn new(outcome: Result<SignedBy, ApiError>) -> Checked {
        Checked(Arc::new(Mutex::new(Some(outcome))))
    }

    /// What a multipart upload's text fields must make.
    pub fn form(&self) -> SignedForm {
        match &*self.0.lock().unwrap_or_else(|p| p.into_inner()) {
            Some(Ok(SignedBy { form: Some(fields), .. })) => SignedForm::Fields(fields.clone()),
            Some(Ok(_)) => SignedForm::Unsigned,
            _ => SignedForm::Refused,
        }
    }

    /// The outcome; a second look (no route reads its caller twice) is a refusal.
    pub fn take(&self) -> Result<SignedBy, ApiError> {
        let mut slot = self.0.lock().unwrap_or_else(|p| p.into_inner());
        match slot.take() {
            Some(Ok(by)) => {
                *slot = Some(Ok(by.clone()));
                Ok(by)
            }
            Some(Err(e)) => Err(e),
            None => Err(refuse("this signed request was already refused")),
        }
    }
}

/// The state of the layer: the app, and what its routes' requests sign.
#[derive(Clone)]
pub struct Layer {
    pub app: AppState,
    pub kind: Kind,
}

/// The refusal of a request whose signature was refused already (its route answers why).
pub fn refused() -> ApiError {
    refuse("the signature of this request was refused")
}

fn refuse(why: impl Into<String>) -> ApiError {
    ApiError::Core(Error::BadSignature(why.into()))
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Whether the request presents a signature (rather than a bearer token or nothing).
pub fn is_signed(headers: &HeaderMap) -> bool {
    header(headers, "authorization").is_some_and(is_signature)
}

/// Checks a signed request (others pass untouched) and records the outcome for the route.
pub async fn check(State(layer): State<Layer>, req: Request, next: Next) -> Response {
    if !is_signed(req.headers()) {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let (outcome, body) = verify(&layer, &parts, body).await;
    let mut req = Request::from_parts(parts, body);
    req.extensions_mut().insert(Checked::new(outcome));
    next.run(req).await
}

async fn verify(layer: &Layer, parts: &axum::http::request::Parts, body: Body) -> (Result<SignedBy, ApiError>, Body) {
    let headers = &parts.headers;
    let (Some(date), Some(params)) = (header(headers, "user-date"), header(headers, "user-params")) else {
        return (Err(refuse("a signed request carries the headers user-date and user-params")), body);
    };
    // Form-decoded ('+' is a space), as Java's URLEncoder and Python's quote_plus encode.
    let Ok(decoded) = percent_decode_str(&params.replace('+', " ")).decode_utf8().map(|d| d.into_owned()) else {
        return (Err(refuse("user-params must be URL-encoded UTF-8")), body);
    };
    let query = parts.uri.query().unwrap_or("");
    let (sent, body) = match layer.kind {
        Kind::Params => match sent_params(query, body).await {
            Ok((sent, body)) => (Some(sent), body),
            Err(e) => return (Err(e), Body::empty()),
        },
        Kind::Tus if !query.is_empty() => {
            return (Err(refuse("a signed tus request carries no query string")), body);
        }
        Kind::Tus => (Some(tus_params(headers)), body),
        Kind::Multipart => (None, body),
    };
    if let Some(sent) = &sent {
        if *sent != decoded {
            return (Err(refuse(format!("user-params is not what this request sends: {}", what(layer.kind)))), body);
        }
    }
    let request = OwnedSigned {
        method: parts.method.as_str().to_string(),
        path: parts.uri.path().to_string(),
        authorization: header(headers, "authorization").unwrap_or_default().to_string(),
        user_date: date.to_string(),
        user_params: params.to_string(),
    };
    let actor = layer.app.run(move |cms| cms.verify_signed(&request.borrowed())).await;
    (actor.map(|actor| SignedBy { actor, form: sent.is_none().then_some(decoded) }), body)
}

/// What a request of `kind` must have signed, for the refusal's message.
fn what(kind: Kind) -> &'static str {
    match kind {
        Kind::Params => "its query string when it has no body, else its body",
        Kind::Tus => "its tus headers (see docs/coms-integration.md)",
        Kind::Multipart => "its query string and the form's text fields before the file",
    }
}

/// The text a [`Kind::Params`] request sends, and its body to hand on.
async fn sent_params(query: &str, body: Body) -> Result<(String, Body), ApiError> {
    let bytes = axum::body::to_bytes(body, MAX_SIGNED_BODY).await.map_err(|e| {
        if std::error::Error::source(&e).is_some_and(|s| s.is::<http_body_util::LengthLimitError>()) {
            ApiError::TooLarge(format!("the body of a signed request is at most {MAX_SIGNED_BODY} bytes"))
        } else {
            ApiError::BadRequest(format!("could not read the body: {e}"))
        }
    })?;
    if bytes.is_empty() {
        return Ok((query.to_string(), Body::empty()));
    }
    if !query.is_empty() {
        return Err(refuse(
            "a signed request with a body carries no query string: put every parameter in the body it signs",
        ));
    }
    let text = std::str::from_utf8(&bytes).map_err(|_| refuse("a signed body must be UTF-8 text"))?.to_string();
    Ok((text, Body::from(bytes)))
}

/// The tus headers a request acts on, in this order and only those present, as a form:
/// `upload-length`, `upload-metadata`, `upload-offset`, `upload-checksum`
/// (e.g. `upload-length=5&upload-metadata=filename+YS50eHQ%3D`); empty for HEAD and DELETE.
pub fn tus_params(headers: &HeaderMap) -> String {
    let mut form = form_urlencoded::Serializer::new(String::new());
    for name in ["upload-length", "upload-metadata", "upload-offset", "upload-checksum"] {
        for value in headers.get_all(name) {
            form.append_pair(name, &String::from_utf8_lossy(value.as_bytes()));
        }
    }
    form.finish()
}

/// What a multipart upload sends: its query string as sent, then (after `&` when both are
/// there) its text fields before the file, as a form in the order sent.
pub fn form_params(query: &str, fields: &[(String, String)]) -> String {
    let mut form = form_urlencoded::Serializer::new(String::new());
    for (name, value) in fields {
        form.append_pair(name, value);
    }
    let fields = form.finish();
    match (query.is_empty(), fields.is_empty()) {
        (_, true) => query.to_string(),
        (true, false) => fields,
        (false, false) => format!("{query}&{fields}"),
    }
}

/// A multipart upload's text fields against what its signature covers: 401 unless they are
/// what it signed.
pub fn check_form(signed: &SignedForm, query: &str, fields: &[(String, String)]) -> Result<(), ApiError> {
    match signed {
        SignedForm::Unsigned => Ok(()),
        SignedForm::Fields(signed) if form_params(query, fields) == *signed => Ok(()),
        SignedForm::Fields(_) => {
            Err(refuse(format!("user-params is not what this request sends: {}", what(Kind::Multipart))))
        }
        SignedForm::Refused => Err(refused()),
    }
}

/// [`SignedRequest`] with owned text, to move onto the blocking pool.
struct OwnedSigned {
    method: String,
    path: String,
    authorization: String,
    user_date: String,
    user_params: String,
}

impl OwnedSigned {
    fn borrowed(&self) -> SignedRequest<'_> {
        SignedRequest {
            method: &self.method,
            path: &self.path,
            authorization: &self.authorization,
            user_date: &self.user_date,
            user_params: &self.user_params,
        }
    }
}

/// `routes` behind the check of signed requests whose parameters are of `kind`.
pub fn layer(
    app: &AppState,
    kind: Kind,
    routes: utoipa_axum::router::OpenApiRouter<AppState>,
) -> utoipa_axum::router::OpenApiRouter<AppState> {
    routes.route_layer(axum::middleware::from_fn_with_state(Layer { app: app.clone(), kind }, check))
}
