//! Seed 004's resource library over HTTP: folders, resources, xkzyList, the classification tree (queryChapters), in the seed's envelope.
//!
//! Answers are `{"result":"000000","resultDesc":"success","data":…}`; a failure is
//! `{"result":"100000","resultDesc":…,"data":null}` with `info`, `code` (and `field`) beside it
//! and the HTTP status saying what kind (400/401/403/404/409/413).

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use cinedesk_core::library::{
    ChapterQuery, ClassificationInput, ClassificationPatch, FolderInput, MovieUsage, ResourceInput, ResourcePatch,
    ResourceQuery,
};
use cinedesk_core::SpaceRef;
use serde::Deserialize;
use serde_json::{json, Value};

use super::caller::{failure_parts, Call};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/onlineDisk/querySpaces", post(query_spaces).get(query_spaces))
        .route("/onlineDisk/createFolder", post(create_folder))
        .route("/onlineDisk/renameFolder", post(rename_folder))
        .route("/onlineDisk/moveFolder", post(move_folder))
        .route("/onlineDisk/deleteFolder", post(delete_folder))
        .route("/onlineDisk/queryFolders", post(query_folders))
        .route("/onlineDisk/createResource", post(create_resource))
        .route("/onlineDisk/updateResource", post(update_resource))
        .route("/onlineDisk/deleteResource", post(delete_resource))
        .route("/onlineDisk/xkzyList", post(list_resources))
        .route("/onlineDisk/viewResource", post(view_resource))
        .route("/onlineDisk/resourceInfo", post(resource_info))
        .route("/onlineDisk/downloadResource", get(download_resource))
        .route("/onlineDisk/markResource", post(mark_resource))
        .route("/onlineDisk/useResourceForMovie", post(use_for_movie))
        .route("/onlineDisk/createClassification", post(create_classification))
        .route("/onlineDisk/updateClassification", post(update_classification))
        .route("/onlineDisk/deleteClassification", post(delete_classification))
        .route("/onlineDisk/queryChapters", post(query_chapters))
}

/// The seed's envelope around a handler's result.
fn reply(r: ApiResult<Value>) -> Response {
    match r {
        Ok(data) => Json(json!({ "result": "000000", "resultDesc": "success", "data": data })).into_response(),
        Err(e) => {
            let (status, info, code, field) = failure_parts(&e);
            let mut body = json!({ "result": "100000", "resultDesc": info, "data": null, "info": info, "code": code });
            if let Some(f) = field {
                body["field"] = json!(f);
            }
            (status, Json(body)).into_response()
        }
    }
}

/// Runs the core call on the blocking pool with the caller's identity.
async fn with<T: serde::Serialize + Send + 'static>(
    s: &AppState,
    call: &Call,
    f: impl FnOnce(&cinedesk_core::Cms, &cinedesk_core::Actor) -> cinedesk_core::Result<T> + Send + 'static,
) -> ApiResult<Value> {
    let actor = call.actor();
    let out = s.run(move |cms| f(cms, &actor)).await?;
    serde_json::to_value(out).map_err(|e| ApiError::Core(cinedesk_core::Error::Internal(e.to_string())))
}

fn required(field: &str, v: Option<String>) -> ApiResult<String> {
    v.filter(|v| !v.is_empty()).ok_or_else(|| cinedesk_core::Error::invalid(field, "is required").into())
}

/// A JSON body of one id and a few fields.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Ids {
    #[serde(default)]
    dir_id: Option<String>,
    #[serde(default)]
    dir_name: Option<String>,
    #[serde(default)]
    parent_id: Option<String>,
    /// "1", true: take everything inside too.
    #[serde(default)]
    recursive: Option<Value>,
    #[serde(default)]
    res_id: Option<String>,
    #[serde(default)]
    res_id_list: Option<Vec<String>>,
    #[serde(default)]
    mark: Option<i64>,
    #[serde(default, alias = "movieID")]
    movie_id: Option<String>,
    #[serde(default)]
    usage: Option<String>,
    #[serde(default)]
    classification_id: Option<String>,
}

fn truthy(v: Option<&Value>) -> bool {
    matches!(v, Some(Value::Bool(true)))
        || v.and_then(Value::as_str).is_some_and(|s| s == "1" || s == "true")
        || v.and_then(Value::as_i64) == Some(1)
}

async fn query_spaces(State(s): State<AppState>, call: ApiResult<Call>) -> Response {
    let call = match call {
        Ok(c) => c,
        Err(e) => return reply(Err(e)),
    };
    reply(
        async {
            with(&s, &call, |cms, a| Ok(json!({ "list": cms.library_spaces(a)?, "orgId": cms.library_org_id()? })))
                .await
        }
        .await,
    )
}

async fn create_folder(State(s): State<AppState>, call: ApiResult<Call>) -> Response {
    let call = match call {
        Ok(c) => c,
        Err(e) => return reply(Err(e)),
    };
    reply(
        async {
            let input: FolderInput = call.json()?;
            with(&s, &call, move |cms, a| Ok(json!({ "dirId": cms.create_folder(a, input)? }))).await
        }
        .await,
    )
}

async fn rename_folder(State(s): State<AppState>, call: ApiResult<Call>) -> Response {
    let call = match call {
        Ok(c) => c,
        Err(e) => return reply(Err(e)),
    };
    reply(
        async {
            let b: Ids = call.json()?;
            let id = required("dirId", b.dir_id)?;
            with(&s, &call, move |cms, a| {
                cms.rename_folder(a, &id, b.dir_name.as_deref())?;
                Ok(json!({ "dirId": id }))
            })
            .await
        }
        .await,
    )
}

async fn move_folder(State(s): State<AppState>, call: ApiResult<Call>) -> Response {
    let call = match call {
        Ok(c) => c,
        Err(e) => return reply(Err(e)),
    };
    reply(
        async {
            let b: Ids = call.json()?;
            let id = required("dirId", b.dir_id)?;
            with(&s, &call, move |cms, a| {
                cms.move_folder(a, &id, b.parent_id.as_deref())?;
                Ok(json!({ "dirId": id }))
            })
            .await
        }
        .await,
    )
}

async fn delete_folder(State(s): State<AppState>, call: ApiResult<Call>) -> Response {
    let call = match call {
        Ok(c) => c,
        Err(e) => return reply(Err(e)),
    };
    reply(
        async {
            let b: Ids = call.json()?;
            let id = required("dirId", b.dir_id)?;
            let recursive = truthy(b.recursive.as_ref());
            with(&s, &call, move |cms, a| cms.delete_folder(a, &id, recursive)).await
        }
        .await,
    )
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct FolderQuery {
    #[serde(flatten)]
    space: SpaceRef,
    #[serde(default)]
    parent_id: Option<String>,
}

async fn query_folders(State(s): State<AppState>, call: ApiResult<Call>) -> Response {
    let call = match call {
        Ok(c) => c,
        Err(e) => return reply(Err(e)),
    };
    reply(
        async {
            let q: FolderQuery = call.json()?;
            with(&s, &call, move |cms, a| Ok(json!({ "list": cms.list_folders(a, &q.space, q.parent_id.as_deref())? })))
                .await
        }
        .await,
    )
}

async fn create_resource(State(s): State<AppState>, call: ApiResult<Call>) -> Response {
    let call = match call {
        Ok(c) => c,
        Err(e) => return reply(Err(e)),
    };
    reply(
        async {
            let input: ResourceInput = call.json()?;
            with(&s, &call, move |cms, a| Ok(json!({ "resId": cms.create_resource(a, input)? }))).await
        }
        .await,
    )
}

async fn update_resource(State(s): State<AppState>, call: ApiResult<Call>) -> Response {
    let call = match call {
        Ok(c) => c,
        Err(e) => return reply(Err(e)),
    };
    reply(
        async {
            let patch: ResourcePatch = call.json()?;
            let id = required("resId", patch.res_id.clone())?;
            with(&s, &call, move |cms, a| {
                cms.update_resource(a, patch)?;
                Ok(json!({ "resId": id }))
            })
            .await
        }
        .await,
    )
}

async fn delete_resource(State(s): State<AppState>, call: ApiResult<Call>) -> Response {
    let call = match call {
        Ok(c) => c,
        Err(e) => return reply(Err(e)),
    };
    reply(
        async {
            let b: Ids = call.json()?;
            let ids: Vec<String> = b.res_id_list.unwrap_or_default().into_iter().chain(b.res_id).collect();
            with(&s, &call, move |cms, a| {
                cms.delete_resources(a, &ids)?;
                Ok(json!({ "resIdList": ids }))
            })
            .await
        }
        .await,
    )
}

async fn list_resources(State(s): State<AppState>, call: ApiResult<Call>) -> Response {
    let call = match call {
        Ok(c) => c,
        Err(e) => return reply(Err(e)),
    };
    reply(
        async {
            let q: ResourceQuery = call.json()?;
            with(&s, &call, move |cms, a| cms.list_resources(a, &q)).await
        }
        .await,
    )
}

async fn view_resource(State(s): State<AppState>, call: ApiResult<Call>) -> Response {
    let call = match call {
        Ok(c) => c,
        Err(e) => return reply(Err(e)),
    };
    reply(
        async {
            let b: Ids = call.json()?;
            let id = required("resId", b.res_id)?;
            with(&s, &call, move |cms, a| cms.view_resource(a, &id)).await
        }
        .await,
    )
}

/// A resource without counting a view (for pages that refresh).
async fn resource_info(State(s): State<AppState>, call: ApiResult<Call>) -> Response {
    let call = match call {
        Ok(c) => c,
        Err(e) => return reply(Err(e)),
    };
    reply(
        async {
            let b: Ids = call.json()?;
            let id = required("resId", b.res_id)?;
            with(&s, &call, move |cms, a| cms.resource(a, &id)).await
        }
        .await,
    )
}

/// `GET /onlineDisk/downloadResource?resId=…`: counts the download and redirects (302) to the
/// content: the store's file or the network URL.
async fn download_resource(State(s): State<AppState>, call: ApiResult<Call>) -> Response {
    let call = match call {
        Ok(c) => c,
        Err(e) => return reply(Err(e)),
    };
    let target = async {
        let id = required("resId", call.param("resId")?)?;
        let actor = call.actor();
        s.run(move |cms| cms.download_resource(&actor, &id)).await
    }
    .await;
    match target {
        Ok(url) => (StatusCode::FOUND, [(header::LOCATION, url)]).into_response(),
        Err(e) => reply(Err(e)),
    }
}

async fn mark_resource(State(s): State<AppState>, call: ApiResult<Call>) -> Response {
    let call = match call {
        Ok(c) => c,
        Err(e) => return reply(Err(e)),
    };
    reply(
        async {
            let b: Ids = call.json()?;
            let id = required("resId", b.res_id)?;
            let mark = b.mark.ok_or_else(|| cinedesk_core::Error::invalid("mark", "is required (1 to 5)"))?;
            with(&s, &call, move |cms, a| Ok(json!({ "resId": id, "score": cms.mark_resource(a, &id, mark)? }))).await
        }
        .await,
    )
}

async fn use_for_movie(State(s): State<AppState>, call: ApiResult<Call>) -> Response {
    let call = match call {
        Ok(c) => c,
        Err(e) => return reply(Err(e)),
    };
    reply(
        async {
            let b: Ids = call.json()?;
            let id = required("resId", b.res_id)?;
            let movie = required("movieId", b.movie_id)?;
            let usage = MovieUsage::parse(&required("usage", b.usage)?)?;
            with(&s, &call, move |cms, a| cms.use_resource_for_movie(a, &id, &movie, usage)).await
        }
        .await,
    )
}

async fn create_classification(State(s): State<AppState>, call: ApiResult<Call>) -> Response {
    let call = match call {
        Ok(c) => c,
        Err(e) => return reply(Err(e)),
    };
    reply(
        async {
            call.caller.require_user()?;
            let input: ClassificationInput = call.json()?;
            with(&s, &call, move |cms, _| Ok(json!({ "classificationId": cms.create_classification(input)? }))).await
        }
        .await,
    )
}

async fn update_classification(State(s): State<AppState>, call: ApiResult<Call>) -> Response {
    let call = match call {
        Ok(c) => c,
        Err(e) => return reply(Err(e)),
    };
    reply(
        async {
            call.caller.require_user()?;
            let patch: ClassificationPatch = call.json()?;
            let id = required("classificationId", patch.classification_id.clone())?;
            with(&s, &call, move |cms, _| {
                cms.update_classification(patch)?;
                Ok(json!({ "classificationId": id }))
            })
            .await
        }
        .await,
    )
}

async fn delete_classification(State(s): State<AppState>, call: ApiResult<Call>) -> Response {
    let call = match call {
        Ok(c) => c,
        Err(e) => return reply(Err(e)),
    };
    reply(
        async {
            call.caller.require_user()?;
            let b: Ids = call.json()?;
            let id = required("classificationId", b.classification_id)?;
            with(&s, &call, move |cms, _| {
                cms.delete_classification(&id)?;
                Ok(json!({ "classificationId": id }))
            })
            .await
        }
        .await,
    )
}

async fn query_chapters(State(s): State<AppState>, call: ApiResult<Call>) -> Response {
    let call = match call {
        Ok(c) => c,
        Err(e) => return reply(Err(e)),
    };
    reply(
        async {
            let q: ChapterQuery = call.json()?;
            with(&s, &call, move |cms, _| Ok(json!({ "list": cms.query_chapters(&q)? }))).await
        }
        .await,
    )
}
