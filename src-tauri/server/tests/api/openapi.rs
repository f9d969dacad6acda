//! `/cms/openapi.json`: an OpenAPI 3.1 document of exactly the routes the router serves, every
//! operation named once with its parameters, errors and security, every reference resolving.

use std::collections::BTreeSet;
use std::sync::Arc;

use serde_json::{json, Value};

use crate::helpers::{spawn_app, TestApp};

/// The document as served, without a token.
async fn document(app: &TestApp) -> Value {
    let (status, doc) = app.send("GET", "/cms/openapi.json", None, None).await;
    assert_eq!(status, 200, "the document is public: {doc}");
    doc
}

/// Every path axum routes, read from the router's own table: its Debug output lists the paths it
/// matches (`Node { paths: {RouteId(..): "/cms/..", ..} }`). Reading the table itself, rather
/// than a list kept beside it, is what makes "every route is documented" a real check.
fn served_paths(router: &axum::Router) -> BTreeSet<String> {
    let debug = format!("{router:?}");
    // The fallback (the JSON 404) is routed as "/" and a catch-all of axum's own naming.
    let fallback = |p: &str| p == "/" || p.contains("__private__axum");
    let paths: BTreeSet<String> = debug
        .split('"')
        .skip(1)
        .step_by(2)
        .filter(|p| p.starts_with('/') && !fallback(p))
        .map(str::to_string)
        .collect();
    assert!(paths.contains("/cms/cinemas"), "axum's Debug output no longer lists route paths; adapt this reader");
    paths
}

/// A concrete URL for a documented path: every `{param}` filled with something that parses.
fn concrete(path: &str) -> String {
    path.replace("{kind}", "MOVIE_COUNTRY")
        .split('/')
        .map(|seg| if seg.starts_with('{') { "x" } else { seg })
        .collect::<Vec<_>>()
        .join("/")
}

fn no_such_route(status: u16, body: &Value) -> bool {
    status == 404 && body["info"].as_str().is_some_and(|i| i.starts_with("no such route"))
}

const METHODS: [&str; 5] = ["get", "post", "put", "delete", "patch"];

/// Every documented operation: (path, method, operation).
fn operations(doc: &Value) -> Vec<(String, &'static str, Value)> {
    let paths = doc["paths"].as_object().expect("the document has paths");
    let mut out = Vec::new();
    for (path, item) in paths {
        for method in METHODS {
            if let Some(op) = item.get(method) {
                out.push((path.clone(), method, op.clone()));
            }
        }
    }
    out
}

#[tokio::test]
async fn the_document_is_public_openapi_3_1() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.1")), "OpenAPI 3.1: {}", doc["openapi"]);
}

#[tokio::test]
async fn the_router_serves_exactly_the_documented_paths() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    let served = served_paths(&cinedesk_server::router(Arc::clone(&app.cms)));
    let documented: BTreeSet<String> = doc["paths"].as_object().unwrap().keys().cloned().collect();
    assert_eq!(served, documented, "the router serves exactly the documented paths");
}

#[tokio::test]
async fn every_documented_operation_is_routed_and_every_other_method_is_a_405() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    // No token is sent, so nothing changes: guarded routes answer 401, public ones validate
    // their (empty) input.
    for (path, item) in doc["paths"].as_object().unwrap() {
        let url = concrete(path);
        for method in METHODS {
            let (status, body) = app.send(&method.to_uppercase(), &url, None, None).await;
            if item.get(method).is_some() {
                assert!(
                    status != 405 && !no_such_route(status, &body),
                    "{method} {path} is documented, so it must be routed: {status} {body}"
                );
            } else {
                assert_eq!(status, 405, "{method} {path} is not documented, so it must be refused: {body}");
            }
        }
    }
}

#[tokio::test]
async fn undocumented_paths_are_not_routed() {
    let app = spawn_app().await;
    for path in ["/cms/nothing", "/cms/cinema", "/api/cinemas", "/cms/cinemas/a/b/c", "/cms/movies/x/_likes"] {
        let (status, body) = app.send("GET", path, None, None).await;
        assert!(no_such_route(status, &body), "{path} is not documented and must not be routed: {status} {body}");
    }
}

#[tokio::test]
async fn every_operation_has_its_own_id_and_documents_its_path_parameters() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    let mut operation_ids = BTreeSet::new();
    for (path, method, op) in operations(&doc) {
        let id = op["operationId"].as_str().expect("every operation has an operationId");
        assert!(operation_ids.insert(id.to_string()), "operationId {id} is used twice");
        let params = op["parameters"].as_array().cloned().unwrap_or_default();
        for name in path.split('/').filter_map(|s| s.strip_prefix('{')?.strip_suffix('}')) {
            assert!(
                params.iter().any(|p| p["name"] == name && p["in"] == "path"),
                "{method} {path} documents its path parameter {name}"
            );
        }
    }
}

#[tokio::test]
async fn every_error_response_has_a_json_schema() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    for (path, method, op) in operations(&doc) {
        for code in op["responses"].as_object().unwrap().keys() {
            assert!(
                // 1xx, 2xx and 3xx are not errors (a 304 must not even have a body).
                code == "101" || code.starts_with('2') || code.starts_with('3') || code == "default" || {
                    let r = &op["responses"][code];
                    r.get("$ref").is_some() || r["content"]["application/json"]["schema"].is_object()
                },
                "{method} {path}: error response {code} has a JSON schema"
            );
        }
    }
}

#[tokio::test]
async fn every_schema_reference_resolves() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    // A schema named but never registered would break every client generator.
    let text = doc.to_string();
    for reference in text.split("\"$ref\":\"").skip(1).map(|s| &s[..s.find('"').unwrap()]) {
        let pointer = reference.strip_prefix('#').expect("only local references");
        assert!(doc.pointer(pointer).is_some(), "{reference} resolves");
    }
}

#[tokio::test]
async fn the_seeds_records_and_repeatable_keys_are_described() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    let schemas = &doc["components"]["schemas"];
    for (name, field) in
        [("Cinema", "cinemaID"), ("VrClient", "HMDModel"), ("Movie", "weixinURL"), ("Session", "userID")]
    {
        assert!(schemas[name]["properties"][field].is_object(), "{name} has the seed's field {field}");
    }
    let movie_list = &doc["paths"]["/cms/movies"]["get"]["parameters"];
    let movie_id = movie_list.as_array().unwrap().iter().find(|p| p["name"] == "movie_id").unwrap();
    assert_eq!(movie_id["schema"]["type"], "array", "a repeatable query key is an array: {movie_id}");
}

#[tokio::test]
async fn each_operation_says_who_may_call_it() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    assert_eq!(
        doc["paths"]["/cms/long_poll/{cinema_id}"]["get"]["security"],
        json!([{"bearer": []}, {"comsSignature": [], "comsUserDate": [], "comsUserParams": []}]),
        "the COMS channel takes a token or the three signature headers"
    );
    assert_eq!(doc["paths"]["/cms/cinemas"]["get"]["security"], json!([{"bearer": []}]));
    assert!(doc["paths"]["/cms/login"]["post"].get("security").is_none(), "login is public");
}
