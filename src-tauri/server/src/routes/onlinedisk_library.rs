//! Seed 004's resource library over HTTP: folders, resources, xkzyList, the classification tree (queryChapters), in the seed's envelope.
//!
//! Answers are seed 004's envelope ([`DiskAnswer`], [`DiskFailure`]). Bodies are JSON whatever
//! their Content-Type. Callers: a user's bearer token or `token` parameter, or a cinema's
//! signed request ([`Call`]).

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use cinedesk_core::library::{
    ChapterScope, ClassificationChange, ClassificationNode, Folder, FolderDeletion, MovieUsage, NewClassification,
    NewFolder, NewResource, Resource, ResourceChange, ResourcePage, ResourceSearch, SpaceInfo, UsedForMovie,
};
use cinedesk_core::{Actor, Cms, Error};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::call::Call;
use super::envelope::seed004::{failure, ok, DiskAnswer, DiskFailure};
use super::request::required;
use super::request::seed004::{
    ChapterQuery, ClassificationInput, ClassificationPatch, FolderInput, ResourceInput, ResourcePatch, ResourceQuery,
    SpaceRef,
};
use crate::error::ApiResult;
use crate::openapi;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    let mut routes = OpenApiRouter::new()
        .routes(routes!(query_spaces_get, query_spaces))
        .routes(routes!(create_folder))
        .routes(routes!(rename_folder))
        .routes(routes!(move_folder))
        .routes(routes!(delete_folder))
        .routes(routes!(query_folders))
        .routes(routes!(create_resource))
        .routes(routes!(update_resource))
        .routes(routes!(delete_resource))
        .routes(routes!(list_resources))
        .routes(routes!(view_resource))
        .routes(routes!(resource_info))
        .routes(routes!(download_resource))
        .routes(routes!(mark_resource))
        .routes(routes!(use_for_movie))
        .routes(routes!(create_classification))
        .routes(routes!(update_classification))
        .routes(routes!(delete_classification))
        .routes(routes!(query_chapters));
    let api = routes.get_openapi_mut();
    openapi::require_caller(api);
    openapi::accept_token_parameter(api);
    openapi::failures_as(
        api,
        "DiskFailure",
        &[
            ("400", "Bad input: a body that is not JSON, a field missing, of the wrong type or out of range"),
            ("401", "No valid session or signature, or a signature over another request"),
            ("403", "The caller may not see or change that space, or it is for the chain's operators only"),
            ("404", "A thing named (folder, resource, file, classification, owner) does not exist"),
            ("413", "The body is over 1 MiB"),
            ("500", "The server failed (storage)"),
        ],
    );
    routes
}

/// A core call made on the blocking pool with the caller's identity.
type Job<T> = Box<dyn FnOnce(&Cms, &Actor) -> cinedesk_core::Result<T> + Send>;

fn job<T>(f: impl FnOnce(&Cms, &Actor) -> cinedesk_core::Result<T> + Send + 'static) -> Job<T> {
    Box::new(f)
}

/// Reads the request with `read` (which says what the core is to do), runs that, and answers in
/// the seed's envelope.
async fn serve<T: Serialize + Send + 'static>(
    s: &AppState,
    call: ApiResult<Call>,
    read: impl FnOnce(&Call) -> ApiResult<Job<T>>,
) -> Response {
    let result = async {
        let call = call?;
        let work = read(&call)?;
        let actor = call.actor();
        s.run(move |cms| work(cms, &actor)).await
    }
    .await;
    match result {
        Ok(data) => ok(data),
        Err(e) => failure(e, None),
    }
}

/// The spaces the caller may use, and the chain's organisation id.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct Spaces {
    list: Vec<SpaceInfo>,
    org_id: String,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct DirId {
    dir_id: String,
}

#[derive(Serialize, ToSchema)]
struct Folders {
    list: Vec<Folder>,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct ResId {
    res_id: String,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct ResIds {
    res_id_list: Vec<String>,
}

/// A resource's average mark after this one.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct Score {
    res_id: String,
    score: f64,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct ClassificationId {
    classification_id: String,
}

#[derive(Serialize, ToSchema)]
struct Chapters {
    list: Vec<ClassificationNode>,
}

/// renameFolder's body.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct FolderRename {
    #[schema(required = true, value_type = String, min_length = 1)]
    dir_id: Option<String>,
    /// The new name, unique among its siblings.
    #[schema(required = true, value_type = String)]
    dir_name: Option<String>,
}

/// moveFolder's body.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct FolderMove {
    #[schema(required = true, value_type = String, min_length = 1)]
    dir_id: Option<String>,
    /// The new parent in the same space, "0" (or absent) for its root.
    parent_id: Option<String>,
}

/// deleteFolder's body.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct FolderDelete {
    #[schema(required = true, value_type = String, min_length = 1)]
    dir_id: Option<String>,
    /// "1", 1 or true: take everything inside too (all or nothing).
    #[schema(value_type = Option<String>)]
    recursive: Option<Value>,
}

/// queryFolders' body: a space (`ownerType` with `userId`, `groupId` or `orgId`) and a folder.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct FolderQuery {
    #[serde(flatten)]
    space: SpaceRef,
    /// "0" or absent: the space's root.
    parent_id: Option<String>,
}

/// A resource named by its id (viewResource, resourceInfo).
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct ResourceRef {
    #[schema(required = true, value_type = String, min_length = 1)]
    res_id: Option<String>,
}

/// deleteResource's body: one id, a list, or both.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct ResourceDelete {
    res_id: Option<String>,
    res_id_list: Option<Vec<String>>,
}

/// markResource's body.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct ResourceMark {
    #[schema(required = true, value_type = String, min_length = 1)]
    res_id: Option<String>,
    /// 1 to 5; a rater's second mark replaces the first.
    #[schema(required = true, value_type = i64, minimum = 1, maximum = 5)]
    mark: Option<i64>,
}

/// useResourceForMovie's body.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct ResourceUse {
    #[schema(required = true, value_type = String, min_length = 1)]
    res_id: Option<String>,
    #[serde(alias = "movieID")]
    #[schema(required = true, value_type = String, min_length = 1)]
    movie_id: Option<String>,
    #[schema(required = true, value_type = MovieUsage)]
    usage: Option<String>,
}

/// deleteClassification's body.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct ClassificationRef {
    #[schema(required = true, value_type = String, min_length = 1)]
    classification_id: Option<String>,
}

/// downloadResource's query.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)] // read with the other parameters of the call; this struct documents the query
struct ResourceParam {
    #[param(required = true, value_type = String, min_length = 1)]
    res_id: Option<String>,
}

/// The spaces the caller may use (`ownerType`, `ownerId`, `name`, `writable`) and the chain's `orgId`.
#[utoipa::path(get, path = "/onlineDisk/querySpaces", tag = "library",
    responses((status = 200, description = "The caller's spaces", body = DiskAnswer<Spaces>)))]
async fn query_spaces_get(State(s): State<AppState>, call: ApiResult<Call>) -> Response {
    spaces(&s, call).await
}

/// As the GET, for clients that POST everything.
#[utoipa::path(post, path = "/onlineDisk/querySpaces", tag = "library",
    responses((status = 200, description = "The caller's spaces", body = DiskAnswer<Spaces>)))]
async fn query_spaces(State(s): State<AppState>, call: ApiResult<Call>) -> Response {
    spaces(&s, call).await
}

async fn spaces(s: &AppState, call: ApiResult<Call>) -> Response {
    serve(s, call, |_| Ok(job(|cms, a| Ok(Spaces { list: cms.library_spaces(a)?, org_id: cms.library_org_id(a)? }))))
        .await
}

/// Seed 004 §4.5: a folder in a space (`ownerType` with `userId`, `groupId` or `orgId`), under `parentId`.
#[utoipa::path(post, path = "/onlineDisk/createFolder", tag = "library", request_body = FolderInput,
    responses(
        (status = 200, description = "Created", body = DiskAnswer<DirId>),
        (status = 409, description = "A sibling has that name, or the tree would be too deep", body = DiskFailure),
    ))]
async fn create_folder(State(s): State<AppState>, call: ApiResult<Call>) -> Response {
    serve(&s, call, |call| {
        let input = NewFolder::try_from(call.json::<FolderInput>()?)?;
        Ok(job(move |cms, a| Ok(DirId { dir_id: cms.create_folder(a, input)? })))
    })
    .await
}

/// Renames a folder.
#[utoipa::path(post, path = "/onlineDisk/renameFolder", tag = "library", request_body = FolderRename,
    responses(
        (status = 200, description = "Renamed", body = DiskAnswer<DirId>),
        (status = 409, description = "A sibling has that name", body = DiskFailure),
    ))]
async fn rename_folder(State(s): State<AppState>, call: ApiResult<Call>) -> Response {
    serve(&s, call, |call| {
        let b: FolderRename = call.json()?;
        let id = required("dirId", b.dir_id)?;
        Ok(job(move |cms, a| {
            cms.rename_folder(a, &id, b.dir_name.as_deref().unwrap_or_default())?;
            Ok(DirId { dir_id: id })
        }))
    })
    .await
}

/// Moves a folder within its space, never under itself.
#[utoipa::path(post, path = "/onlineDisk/moveFolder", tag = "library", request_body = FolderMove,
    responses(
        (status = 200, description = "Moved", body = DiskAnswer<DirId>),
        (status = 409, description = "A sibling there has its name, or the tree would be too deep", body = DiskFailure),
    ))]
async fn move_folder(State(s): State<AppState>, call: ApiResult<Call>) -> Response {
    serve(&s, call, |call| {
        let b: FolderMove = call.json()?;
        let id = required("dirId", b.dir_id)?;
        Ok(job(move |cms, a| {
            cms.move_folder(a, &id, b.parent_id.as_deref())?;
            Ok(DirId { dir_id: id })
        }))
    })
    .await
}

/// Deletes a folder: an empty one, or with `recursive` everything inside (all or nothing).
#[utoipa::path(post, path = "/onlineDisk/deleteFolder", tag = "library", request_body = FolderDelete,
    responses(
        (status = 200, description = "Deleted: how many folders and resources went", body = DiskAnswer<FolderDeletion>),
        (status = 409, description = "Not empty and not `recursive`, or a resource inside may not be removed",
            body = DiskFailure),
    ))]
async fn delete_folder(State(s): State<AppState>, call: ApiResult<Call>) -> Response {
    serve(&s, call, |call| {
        let b: FolderDelete = call.json()?;
        let id = required("dirId", b.dir_id)?;
        let recursive = truthy(b.recursive.as_ref());
        Ok(job(move |cms, a| cms.delete_folder(a, &id, recursive)))
    })
    .await
}

fn truthy(v: Option<&Value>) -> bool {
    matches!(v, Some(Value::Bool(true)))
        || v.and_then(Value::as_str).is_some_and(|s| s == "1" || s == "true")
        || v.and_then(Value::as_i64) == Some(1)
}

/// The folders of a space directly under `parentId`.
#[utoipa::path(post, path = "/onlineDisk/queryFolders", tag = "library", request_body = FolderQuery,
    responses((status = 200, description = "The folders", body = DiskAnswer<Folders>)))]
async fn query_folders(State(s): State<AppState>, call: ApiResult<Call>) -> Response {
    serve(&s, call, |call| {
        let q: FolderQuery = call.json()?;
        let owner = q.space.unless_in(q.parent_id.as_deref())?;
        Ok(job(move |cms, a| Ok(Folders { list: cms.list_folders(a, owner.as_ref(), q.parent_id.as_deref())? })))
    })
    .await
}

/// Seed 004 §3.1: a resource of a stored file (`fid`) or a network URL.
#[utoipa::path(post, path = "/onlineDisk/createResource", tag = "library", request_body = ResourceInput,
    responses((status = 200, description = "Created", body = DiskAnswer<ResId>)))]
async fn create_resource(State(s): State<AppState>, call: ApiResult<Call>) -> Response {
    serve(&s, call, |call| {
        let input = NewResource::try_from(call.json::<ResourceInput>()?)?;
        Ok(job(move |cms, a| Ok(ResId { res_id: cms.create_resource(a, input)? })))
    })
    .await
}

/// Changes what is given; classification fields, when any is given, replace the classification.
#[utoipa::path(post, path = "/onlineDisk/updateResource", tag = "library", request_body = ResourcePatch,
    responses((status = 200, description = "Changed", body = DiskAnswer<ResId>)))]
async fn update_resource(State(s): State<AppState>, call: ApiResult<Call>) -> Response {
    serve(&s, call, |call| {
        let patch = ResourceChange::try_from(call.json::<ResourcePatch>()?)?;
        let id = patch.res_id.clone();
        Ok(job(move |cms, a| {
            cms.update_resource(a, patch)?;
            Ok(ResId { res_id: id })
        }))
    })
    .await
}

/// Deletes `resId` and/or `resIdList` (all or nothing).
#[utoipa::path(post, path = "/onlineDisk/deleteResource", tag = "library", request_body = ResourceDelete,
    responses(
        (status = 200, description = "Deleted", body = DiskAnswer<ResIds>),
        (status = 409, description = "A resource may not be removed (canRemoved=1)", body = DiskFailure),
    ))]
async fn delete_resource(State(s): State<AppState>, call: ApiResult<Call>) -> Response {
    serve(&s, call, |call| {
        let b: ResourceDelete = call.json()?;
        let ids: Vec<String> = b.res_id_list.unwrap_or_default().into_iter().chain(b.res_id).collect();
        Ok(job(move |cms, a| {
            cms.delete_resources(a, &ids)?;
            Ok(ResIds { res_id_list: ids })
        }))
    })
    .await
}

/// Seed 004 §3.9: a page of the resources the caller may see, filtered and ordered.
#[utoipa::path(post, path = "/onlineDisk/xkzyList", tag = "library", request_body = ResourceQuery,
    responses((status = 200, description = "The page and the total", body = DiskAnswer<ResourcePage>)))]
async fn list_resources(State(s): State<AppState>, call: ApiResult<Call>) -> Response {
    serve(&s, call, |call| {
        let q = ResourceSearch::try_from(call.json::<ResourceQuery>()?)?;
        Ok(job(move |cms, a| cms.list_resources(a, &q)))
    })
    .await
}

/// A resource, counting a view.
#[utoipa::path(post, path = "/onlineDisk/viewResource", tag = "library", request_body = ResourceRef,
    responses((status = 200, description = "The resource", body = DiskAnswer<Resource>)))]
async fn view_resource(State(s): State<AppState>, call: ApiResult<Call>) -> Response {
    serve(&s, call, |call| {
        let id = required("resId", call.json::<ResourceRef>()?.res_id)?;
        Ok(job(move |cms, a| cms.view_resource(a, &id)))
    })
    .await
}

/// A resource without counting a view (for pages that refresh).
#[utoipa::path(post, path = "/onlineDisk/resourceInfo", tag = "library", request_body = ResourceRef,
    responses((status = 200, description = "The resource", body = DiskAnswer<Resource>)))]
async fn resource_info(State(s): State<AppState>, call: ApiResult<Call>) -> Response {
    serve(&s, call, |call| {
        let id = required("resId", call.json::<ResourceRef>()?.res_id)?;
        Ok(job(move |cms, a| cms.resource(a, &id)))
    })
    .await
}

/// Counts the download and redirects to the content: the stored file or the network URL.
#[utoipa::path(get, path = "/onlineDisk/downloadResource", tag = "library", params(ResourceParam),
    responses((status = 302, description = "To the content",
        headers(("Location" = String, description = "The stored file (/cms/files/{fid}) or the network URL")))))]
async fn download_resource(State(s): State<AppState>, call: ApiResult<Call>) -> Response {
    let target = async {
        let call = call?;
        let id = required("resId", call.param("resId")?)?;
        let actor = call.actor();
        s.run(move |cms| cms.download_resource(&actor, &id)).await
    }
    .await;
    match target {
        Ok(url) => (StatusCode::FOUND, [(header::LOCATION, url)]).into_response(),
        Err(e) => failure(e, None),
    }
}

/// One mark (1–5) per rater; answers the new average.
#[utoipa::path(post, path = "/onlineDisk/markResource", tag = "library", request_body = ResourceMark,
    responses((status = 200, description = "Marked", body = DiskAnswer<Score>)))]
async fn mark_resource(State(s): State<AppState>, call: ApiResult<Call>) -> Response {
    serve(&s, call, |call| {
        let b: ResourceMark = call.json()?;
        let id = required("resId", b.res_id)?;
        let mark = b.mark.ok_or_else(|| Error::invalid("mark", "is required (1 to 5)"))?;
        Ok(job(move |cms, a| Ok(Score { score: cms.mark_resource(a, &id, mark)?, res_id: id })))
    })
    .await
}

/// A resource's file as a film's poster, icon or content (the chain's operators only).
#[utoipa::path(post, path = "/onlineDisk/useResourceForMovie", tag = "library", request_body = ResourceUse,
    responses((status = 200, description = "The film now uses the file", body = DiskAnswer<UsedForMovie>)))]
async fn use_for_movie(State(s): State<AppState>, call: ApiResult<Call>) -> Response {
    serve(&s, call, |call| {
        let b: ResourceUse = call.json()?;
        let id = required("resId", b.res_id)?;
        let movie = required("movieId", b.movie_id)?;
        let usage = MovieUsage::parse(&required("usage", b.usage)?)?;
        Ok(job(move |cms, a| cms.use_resource_for_movie(a, &id, &movie, usage)))
    })
    .await
}

/// A node of the classification tree (the chain's operators only).
#[utoipa::path(post, path = "/onlineDisk/createClassification", tag = "library", request_body = ClassificationInput,
    responses(
        (status = 200, description = "Created", body = DiskAnswer<ClassificationId>),
        (status = 409, description = "The tree would be too deep", body = DiskFailure),
    ))]
async fn create_classification(State(s): State<AppState>, call: ApiResult<Call>) -> Response {
    serve(&s, call, |call| {
        let input = NewClassification::from(call.json::<ClassificationInput>()?);
        Ok(job(move |cms, a| Ok(ClassificationId { classification_id: cms.create_classification(a, input)? })))
    })
    .await
}

/// Renames, re-sorts or moves a node (never under itself; the chain's operators only).
#[utoipa::path(post, path = "/onlineDisk/updateClassification", tag = "library", request_body = ClassificationPatch,
    responses(
        (status = 200, description = "Changed", body = DiskAnswer<ClassificationId>),
        (status = 409, description = "The tree would be too deep", body = DiskFailure),
    ))]
async fn update_classification(State(s): State<AppState>, call: ApiResult<Call>) -> Response {
    serve(&s, call, |call| {
        let patch = ClassificationChange::try_from(call.json::<ClassificationPatch>()?)?;
        let id = patch.id.clone();
        Ok(job(move |cms, a| {
            cms.update_classification(a, patch)?;
            Ok(ClassificationId { classification_id: id })
        }))
    })
    .await
}

/// Deletes a node without children that no resource uses (the chain's operators only).
#[utoipa::path(post, path = "/onlineDisk/deleteClassification", tag = "library", request_body = ClassificationRef,
    responses(
        (status = 200, description = "Deleted", body = DiskAnswer<ClassificationId>),
        (status = 409, description = "The node has children or resources use it", body = DiskFailure),
    ))]
async fn delete_classification(State(s): State<AppState>, call: ApiResult<Call>) -> Response {
    serve(&s, call, |call| {
        let id = required("classificationId", call.json::<ClassificationRef>()?.classification_id)?;
        Ok(job(move |cms, a| {
            cms.delete_classification(a, &id)?;
            Ok(ClassificationId { classification_id: id })
        }))
    })
    .await
}

/// Seed 004 §3.8: a node's subtree or children.
#[utoipa::path(post, path = "/onlineDisk/queryChapters", tag = "library", request_body = ChapterQuery,
    responses((status = 200, description = "The nodes", body = DiskAnswer<Chapters>)))]
async fn query_chapters(State(s): State<AppState>, call: ApiResult<Call>) -> Response {
    serve(&s, call, |call| {
        let q = ChapterScope::try_from(call.json::<ChapterQuery>()?)?;
        Ok(job(move |cms, a| Ok(Chapters { list: cms.query_chapters(a, &q)? })))
    })
    .await
}
