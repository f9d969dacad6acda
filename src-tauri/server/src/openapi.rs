//! The OpenAPI 3.1 document of the API, made from the route table itself so that it cannot drift.
//!
//! Each handler carries its `#[utoipa::path]` (path, method, parameters, body, responses) and is
//! registered with `routes!()` on an `OpenApiRouter`: the path axum routes is the path the
//! document lists. What every route of a kind shares is added here, from the way the route is
//! built rather than by hand on each handler:
//! - routes for users ([`require_bearer`]) get the `bearer` security, its 401 and the core's 403;
//! - an operation with parameters or a body gets the 400 of bad input, one with a body the 413;
//! - every operation gets the 500 of a server error and the 503 of a busy database.

use std::sync::Arc;

use axum::extract::Extension;
use axum::http::header;
use axum::response::IntoResponse;
use utoipa::openapi::path::{Operation, PathItem};
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
};
use utoipa::openapi::{Content, OpenApi, Ref, RefOr, Response, ResponseBuilder};
use utoipa::{Modify, ToSchema};

/// The name of the bearer-token security scheme (a token from `POST /cms/login`).
pub const BEARER: &str = "bearer";
/// The three headers of a request signed with a cinema's API key (seed 004 §2.2), which the COMS
/// channel accepts instead of a user's token. All three together make one requirement.
pub const SIGNED: [&str; 3] = ["comsUserDate", "comsUserParams", "comsSignature"];
/// Seed 001's session parameter: the token of `POST /cms/login` as the query's `token`, which the
/// seed-001 style routes (resource library, upload tokens, VOD flows) accept instead of the header.
pub const SEED_TOKEN: &str = "tokenParameter";

pub use crate::failure::ErrorBody;

/// Raw bytes (a file's content) as a body, documented as such rather than as a JSON array.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)] // only documents bodies that are streamed, never built from this type
pub struct Binary(Vec<u8>);

/// The document's frame: what the handlers do not say themselves.
#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "Cinedesk CMS API",
        description = "The CMS service API of seed 000 as Cinedesk serves it. Request bodies are JSON whatever \
                       their Content-Type (the seed's clients send `text/plain`); unknown fields in them are ignored. \
                       Errors are `{\"info\", \"code\", \"field\"?}`. A server error (500) says only \
                       `{\"info\": \"internal error\", \"code\": \"internal\", \"requestID\"}`: the id, also in every \
                       answer's `x-request-id` header, names the log entry of what went wrong. A locked database is \
                       `busy` (503) with `Retry-After`. Signed requests of cinemas' clients (`dc` and `dc2`): see \
                       docs/coms-integration.md."
    ),
    components(schemas(ErrorBody, cinedesk_core::Code)),
    modifiers(&Frame)
)]
pub struct ApiDoc;

struct Frame;

impl Modify for Frame {
    fn modify(&self, api: &mut OpenApi) {
        let components = api.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            BEARER,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("The token of POST /cms/login: `Authorization: Bearer <token>`"))
                    .build(),
            ),
        );
        let signed = [
            ("user-date", "Wall-clock time in China (UTC+8), `yyyyMMddHHmmssSSS`, within 15 minutes of the server"),
            (
                "user-params",
                "URL-encoded, exactly what the request sends: its query string without a body, else its JSON or \
                 form body (and then no query string); tus and multipart uploads: see docs/coms-integration.md",
            ),
            (
                "authorization",
                "`dc:<apikey>:<base64 HMAC-SHA1(secret, user-params + \"\\n\" + user-date + \"\\n\")>`, or \
                 `dc2:<apikey>:<base64 HMAC-SHA256(secret, METHOD + \"\\n\" + path + \"\\n\" + user-params + \"\\n\" + \
                 user-date + \"\\n\")>`; each signature is accepted once",
            ),
        ];
        for (scheme, (header, description)) in SIGNED.iter().zip(signed) {
            components.add_security_scheme(
                *scheme,
                SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(header, description))),
            );
        }
        components.add_security_scheme(
            SEED_TOKEN,
            SecurityScheme::ApiKey(ApiKey::Query(ApiKeyValue::with_description(
                "token",
                "The token of POST /cms/login as the query parameter `token` (seed 001)",
            ))),
        );
        for (name, description) in [
            ("BadRequest", "Bad input: a body that is not JSON, a value of the wrong type or out of range"),
            ("Unauthorized", "No valid session: log in first"),
            ("Forbidden", "Logged in, but this needs another role"),
            ("TooLarge", "The body is over the size limit"),
            ("ServerError", "The server failed: `internal error` and the request's id, under which it logged why"),
            ("Busy", "The database is locked for now: try again after `Retry-After` seconds"),
        ] {
            components.responses.insert(name.to_string(), RefOr::T(error_response(description)));
        }
    }
}

/// A response carrying [`ErrorBody`].
fn error_response(description: &str) -> Response {
    let content = Content::new(Some(Ref::from_schema_name("ErrorBody")));
    ResponseBuilder::new().description(description).content("application/json", content).build()
}

fn operations(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        &mut item.get,
        &mut item.put,
        &mut item.post,
        &mut item.delete,
        &mut item.options,
        &mut item.head,
        &mut item.patch,
        &mut item.trace,
    ]
    .into_iter()
    .flatten()
}

/// Adds a shared response under `status` unless the handler documented that status itself.
fn add_response(op: &mut Operation, status: &str, name: &str) {
    op.responses.responses.entry(status.to_string()).or_insert_with(|| RefOr::Ref(Ref::from_response_name(name)));
}

/// Marks every operation of `api` as needing a bearer token, with its 401 (no valid session) and
/// 403 (the core refuses the role). An operation only a SYS_ADMIN may call says so in its own
/// `security(("bearer" = ["SYS_ADMIN"]))` (OpenAPI 3.1 lets a non-OAuth requirement list role
/// names), which is kept: the probe's role matrix reads it.
pub fn require_bearer(api: &mut OpenApi) {
    for item in api.paths.paths.values_mut() {
        for op in operations(item) {
            op.security.get_or_insert_with(|| vec![SecurityRequirement::new(BEARER, Vec::<String>::new())]);
            add_response(op, "401", "Unauthorized");
            add_response(op, "403", "Forbidden");
        }
    }
}

/// Marks every operation of `api` as taking a user's bearer token or a cinema's signed request
/// ([`crate::auth::Caller`]), with the 401 and 403 that extractor answers.
pub fn require_caller(api: &mut OpenApi) {
    for item in api.paths.paths.values_mut() {
        for op in operations(item) {
            let mut signed = SecurityRequirement::default();
            for scheme in SIGNED {
                signed = signed.add::<&str, [&str; 0], &str>(scheme, []);
            }
            op.security = Some(vec![SecurityRequirement::new(BEARER, Vec::<String>::new()), signed]);
            add_response(op, "401", "Unauthorized");
            add_response(op, "403", "Forbidden");
        }
    }
}

/// Adds seed 001's `token` query parameter as a further way to authenticate every operation of
/// `api` (after [`require_caller`]).
pub fn accept_token_parameter(api: &mut OpenApi) {
    for item in api.paths.paths.values_mut() {
        for op in operations(item) {
            op.security.get_or_insert_with(Vec::new).push(SecurityRequirement::new(SEED_TOKEN, Vec::<String>::new()));
        }
    }
}

/// The failures a family of routes answers in its own shape (seed 002's and 004's envelopes,
/// which carry `info` and `code` too): each of `statuses` (code, description) that an operation
/// of `api` does not document itself is added with the schema `schema`.
pub fn failures_as(api: &mut OpenApi, schema: &str, statuses: &[(&str, &str)]) {
    for item in api.paths.paths.values_mut() {
        for op in operations(item) {
            for (status, description) in statuses {
                op.responses.responses.entry(status.to_string()).or_insert_with(|| {
                    let content = Content::new(Some(Ref::from_schema_name(schema)));
                    RefOr::T(
                        ResponseBuilder::new().description(*description).content("application/json", content).build(),
                    )
                });
            }
        }
    }
}

/// The responses every operation of a kind shares (see the module's comment).
pub fn finish(mut api: OpenApi) -> OpenApi {
    for item in api.paths.paths.values_mut() {
        for op in operations(item) {
            let has_params = op.parameters.as_ref().is_some_and(|p| !p.is_empty());
            if has_params || op.request_body.is_some() {
                add_response(op, "400", "BadRequest");
            }
            if op.request_body.is_some() {
                add_response(op, "413", "TooLarge");
            }
            add_response(op, "500", "ServerError");
            add_response(op, "503", "Busy");
        }
    }
    api
}

/// The document as served, made once when the router is built.
#[derive(Clone)]
pub struct Document(pub Arc<str>);

/// `GET /cms/openapi.json`: this document (public, like the seed's own API description).
#[utoipa::path(
    get,
    path = "/cms/openapi.json",
    tag = "meta",
    operation_id = "openapi",
    responses((status = 200, description = "The OpenAPI 3.1 document of this API", body = Object))
)]
pub async fn document(Extension(doc): Extension<Document>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], doc.0.to_string())
}
