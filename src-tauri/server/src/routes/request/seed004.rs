//! Seed 004's requests (the resource library): spaces, folders, classifications, resources and their listing, as the seed's clients send them, and the core's inputs they become.
//!
//! Ids and lists come as strings or numbers ([`flex`], [`flex_list`]); each body is parsed into
//! the core's input with `TryFrom`, failures naming the seed's field.

use cinedesk_core::library::{
    ChapterScope, ClassificationChange, NewClassification, NewFolder, NewResource, NodeIds, OrderBy, ResourceChange,
    ResourceContent, ResourceSearch, ROOT,
};
use cinedesk_core::{Error, Owner, OwnerType, Result, MAX_LIMIT};
use serde::{Deserialize, Deserializer};
use utoipa::ToSchema;

use super::{flex, required, whole};

/// Lists of ids: `["a","b"]`, numbers, or one comma string.
fn flex_list<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<Vec<String>>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Item {
        Str(String),
        Int(i64),
    }
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        List(Vec<Item>),
        One(String),
    }
    let items = match Option::<Raw>::deserialize(d)? {
        None => return Ok(None),
        Some(Raw::One(s)) => s.split(',').map(str::to_string).collect::<Vec<_>>(),
        Some(Raw::List(v)) => v
            .into_iter()
            .map(|i| match i {
                Item::Str(s) => s,
                Item::Int(n) => n.to_string(),
            })
            .collect(),
    };
    Ok(Some(items.into_iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect()))
}

/// The seed's way of naming a space: `ownerType` with `userId`, `groupId` or `orgId`.
#[derive(Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SpaceRef {
    #[serde(default, deserialize_with = "flex")]
    #[schema(pattern = "^[012]$")]
    pub owner_type: Option<String>,
    #[serde(default, deserialize_with = "flex")]
    pub user_id: Option<String>,
    #[serde(default, deserialize_with = "flex")]
    pub group_id: Option<String>,
    #[serde(default, deserialize_with = "flex")]
    pub org_id: Option<String>,
}

/// The body of createFolder.
#[derive(Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"ownerType": "2", "parentId": "0", "dirName": "教案"}))]
pub(crate) struct FolderInput {
    #[serde(flatten)]
    pub space: SpaceRef,
    #[serde(default, deserialize_with = "flex")]
    pub parent_id: Option<String>,
    #[serde(default, deserialize_with = "flex")]
    #[schema(required = true, min_length = 1, max_length = 255, pattern = r"^[^/\\]*[^/\\.][^/\\]*$")]
    pub dir_name: Option<String>,
}

/// Seed 004 §3.8's body.
#[derive(Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"parentType": "0", "parentId": "0", "retType": "1"}))]
pub(crate) struct ChapterQuery {
    /// "0": parentId is a textbook (any node whose subtree is wanted); "1": a chapter.
    #[serde(default, deserialize_with = "flex")]
    #[schema(required = true, pattern = "^[01]$")]
    pub parent_type: Option<String>,
    #[serde(default, deserialize_with = "flex")]
    #[schema(required = true, min_length = 1)]
    pub parent_id: Option<String>,
    /// "0": the whole subtree; "1": the children only.
    #[serde(default, deserialize_with = "flex")]
    #[schema(pattern = "^[01]$")]
    pub ret_type: Option<String>,
}

#[derive(Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"parentId": "0", "kind": "period", "title": "小学", "sortNum": 1}))]
pub(crate) struct ClassificationInput {
    #[serde(default, deserialize_with = "flex")]
    pub parent_id: Option<String>,
    #[serde(default, deserialize_with = "flex")]
    #[schema(required = true, pattern = "^[A-Za-z0-9_-]{1,32}$")]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "flex")]
    #[schema(required = true, min_length = 1)]
    pub title: Option<String>,
    #[serde(default)]
    pub sort_num: Option<i64>,
}

/// A change to a node: any field left out stays.
#[derive(Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ClassificationPatch {
    #[serde(default, deserialize_with = "flex")]
    pub classification_id: Option<String>,
    #[serde(default, deserialize_with = "flex")]
    pub parent_id: Option<String>,
    #[serde(default, deserialize_with = "flex")]
    pub title: Option<String>,
    #[serde(default)]
    pub sort_num: Option<i64>,
}

/// xkzyList's body: `{"page": {curPage, numPerPage}, "query": {…}}`.
#[derive(Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"page": {"curPage": "1", "numPerPage": "20"}, "query": {"keyword": "语文", "orderBy": "viewCount", "resType": "0"}}))]
pub(crate) struct ResourceQuery {
    #[serde(default)]
    pub page: PageIn,
    #[serde(default)]
    pub query: QueryIn,
}

#[derive(Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PageIn {
    #[serde(default, deserialize_with = "flex")]
    #[schema(pattern = "^([1-9][0-9]{0,5}|1000000)$")]
    pub cur_page: Option<String>,
    #[serde(default, deserialize_with = "flex")]
    #[schema(pattern = "^([1-9][0-9]{0,2}|1000)$")]
    pub num_per_page: Option<String>,
}

#[derive(Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct QueryIn {
    #[serde(default, deserialize_with = "flex")]
    pub keyword: Option<String>,
    /// 0 all, 1 pictures, 2 documents, 3 videos, 4 audio, 5 animations.
    #[serde(default, deserialize_with = "flex")]
    #[schema(pattern = "^[0-5]$")]
    pub res_type: Option<String>,
    #[serde(default, deserialize_with = "flex")]
    #[schema(pattern = "^(viewCount|downCount|createTime|fileLength|marks)$")]
    pub order_by: Option<String>,
    #[serde(default, deserialize_with = "flex")]
    pub period_id: Option<String>,
    #[serde(default, deserialize_with = "flex")]
    pub subject_id: Option<String>,
    #[serde(default, deserialize_with = "flex")]
    pub volume_id: Option<String>,
    #[serde(default, deserialize_with = "flex")]
    pub textbook_id: Option<String>,
    #[serde(default, deserialize_with = "flex")]
    pub chapter_id: Option<String>,
    #[serde(default, deserialize_with = "flex")]
    pub grade_id: Option<String>,
    #[serde(default, deserialize_with = "flex")]
    pub classification_id: Option<String>,
    /// The seed's platform code: one platform here, so it is accepted and not used.
    #[serde(default, deserialize_with = "flex")]
    #[allow(dead_code)] // read from the body and documented, for the seed's clients send it
    pub platform_code: Option<String>,
    /// One space only (ownerType with userId / groupId / orgId) …
    #[serde(flatten)]
    pub space: SpaceRef,
    /// … and within it one folder ("0": the root), its resources only (not those of subfolders).
    #[serde(default, deserialize_with = "flex")]
    pub parent_id: Option<String>,
}

/// createResource's body (seed 004 §3.1).
#[derive(Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"ownerType": "2", "parentId": "0", "resForm": "2", "url": "http://example.com/lesson.mp4", "title": "第一课", "keyword": "语文", "intro": "课堂实录"}))]
pub(crate) struct ResourceInput {
    #[serde(default, deserialize_with = "flex")]
    pub fid: Option<String>,
    #[serde(default, deserialize_with = "flex")]
    #[schema(required = true, min_length = 1)]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "flex")]
    pub keyword: Option<String>,
    #[serde(default, deserialize_with = "flex")]
    pub intro: Option<String>,
    #[serde(default, deserialize_with = "flex")]
    #[schema(required = true, pattern = "^[12]$")]
    pub res_form: Option<String>,
    #[serde(default, deserialize_with = "flex")]
    pub url: Option<String>,
    #[serde(default, deserialize_with = "flex")]
    pub period_id: Option<String>,
    #[serde(default, deserialize_with = "flex")]
    pub subject_id: Option<String>,
    #[serde(default, deserialize_with = "flex")]
    pub edition_id: Option<String>,
    #[serde(default, deserialize_with = "flex")]
    pub grade_id: Option<String>,
    #[serde(default, deserialize_with = "flex")]
    pub volume_id: Option<String>,
    #[serde(default, deserialize_with = "flex")]
    pub textbook_id: Option<String>,
    #[serde(default, deserialize_with = "flex_list")]
    pub chapter_id_list: Option<Vec<String>>,
    #[serde(default, deserialize_with = "flex_list")]
    pub res_type_id_list: Option<Vec<String>>,
    #[serde(default, deserialize_with = "flex_list")]
    pub metadata_id_list: Option<Vec<String>>,
    /// Any further classification nodes (the generic tree's own field).
    #[serde(default, deserialize_with = "flex_list")]
    pub classification_id_list: Option<Vec<String>>,
    #[serde(flatten)]
    pub space: SpaceRef,
    #[serde(default, deserialize_with = "flex")]
    pub parent_id: Option<String>,
    /// "1": also file a copy in the contributor's personal space.
    #[serde(default, deserialize_with = "flex")]
    pub issynchronization: Option<String>,
    #[serde(default, deserialize_with = "flex")]
    pub res_source: Option<String>,
    #[serde(default, deserialize_with = "flex")]
    pub can_removed: Option<String>,
}

/// updateResource's body: what is given changes, the rest stays. Classification fields, when
/// any is given, replace the resource's classification as a whole.
#[derive(Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"resId": "r1", "title": "第二课"}))]
pub(crate) struct ResourcePatch {
    #[serde(default, deserialize_with = "flex")]
    #[schema(required = true, min_length = 1)]
    pub res_id: Option<String>,
    #[serde(default, deserialize_with = "flex")]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "flex")]
    pub keyword: Option<String>,
    #[serde(default, deserialize_with = "flex")]
    pub intro: Option<String>,
    /// Moves the resource to another folder of its space ("0": the root).
    #[serde(default, deserialize_with = "flex")]
    pub parent_id: Option<String>,
    #[serde(default, deserialize_with = "flex")]
    pub can_removed: Option<String>,
    #[serde(default, deserialize_with = "flex")]
    pub period_id: Option<String>,
    #[serde(default, deserialize_with = "flex")]
    pub subject_id: Option<String>,
    #[serde(default, deserialize_with = "flex")]
    pub edition_id: Option<String>,
    #[serde(default, deserialize_with = "flex")]
    pub grade_id: Option<String>,
    #[serde(default, deserialize_with = "flex")]
    pub volume_id: Option<String>,
    #[serde(default, deserialize_with = "flex")]
    pub textbook_id: Option<String>,
    #[serde(default, deserialize_with = "flex_list")]
    pub chapter_id_list: Option<Vec<String>>,
    #[serde(default, deserialize_with = "flex_list")]
    pub res_type_id_list: Option<Vec<String>>,
    #[serde(default, deserialize_with = "flex_list")]
    pub metadata_id_list: Option<Vec<String>>,
    #[serde(default, deserialize_with = "flex_list")]
    pub classification_id_list: Option<Vec<String>>,
}

impl SpaceRef {
    /// The space named, or none when `ownerType` is left out.
    fn owner(self) -> Result<Option<Owner>> {
        let Some(owner_type) = self.owner_type else { return Ok(None) };
        Ok(Some(match OwnerType::parse("ownerType", &owner_type)? {
            OwnerType::Personal => Owner::User(self.user_id),
            OwnerType::Group => Owner::Cinema(
                self.group_id.ok_or_else(|| Error::invalid("groupId", "is required when ownerType is 1"))?,
            ),
            OwnerType::Org => Owner::Chain(self.org_id),
        }))
    }

    /// The space named, which the request must name.
    fn required(self) -> Result<Owner> {
        self.owner()?.ok_or_else(|| Error::invalid("ownerType", "is required"))
    }

    /// The space named where `parent_id` does not name a folder (whose space it is otherwise).
    pub(crate) fn unless_in(self, parent_id: Option<&str>) -> Result<Option<Owner>> {
        match parent_id.filter(|p| *p != ROOT) {
            Some(_) => Ok(None),
            None => self.owner(),
        }
    }
}

/// The classification fields `ResourceInput` and `ResourcePatch` both list (not one flattened
/// struct: flatten would lose the field's path in a failure), as the core's [`NodeIds`].
macro_rules! node_ids {
    ($body:ident) => {
        NodeIds {
            period_id: $body.period_id,
            subject_id: $body.subject_id,
            edition_id: $body.edition_id,
            grade_id: $body.grade_id,
            volume_id: $body.volume_id,
            textbook_id: $body.textbook_id,
            chapter_ids: $body.chapter_id_list,
            res_type_ids: $body.res_type_id_list,
            metadata_ids: $body.metadata_id_list,
            classification_ids: $body.classification_id_list,
        }
    };
}

/// "0" (the default) or "1".
fn zero_one(field: &str, v: Option<&str>) -> Result<bool> {
    match v.unwrap_or("0") {
        "0" => Ok(false),
        "1" => Ok(true),
        _ => Err(Error::invalid(field, "must be 0 or 1")),
    }
}

/// A whole number of a page or filter, whose range the core checks (and names in both failures).
fn number(field: &str, v: Option<&str>, range: std::ops::RangeInclusive<u32>) -> Result<Option<u32>> {
    let why = format!("must be a whole number from {} to {}", range.start(), range.end());
    v.map(|s| whole(field, s, &why).and_then(|n| u32::try_from(n).map_err(|_| Error::invalid(field, why.clone()))))
        .transpose()
}

impl TryFrom<FolderInput> for NewFolder {
    type Error = Error;

    fn try_from(f: FolderInput) -> Result<NewFolder> {
        Ok(NewFolder { owner: f.space.required()?, parent_id: f.parent_id, name: f.dir_name.unwrap_or_default() })
    }
}

impl TryFrom<ChapterQuery> for ChapterScope {
    type Error = Error;

    fn try_from(q: ChapterQuery) -> Result<ChapterScope> {
        let of_chapter = match required("parentType", q.parent_type)?.as_str() {
            "0" => false,
            "1" => true,
            _ => return Err(Error::invalid("parentType", "must be 0 (a textbook id) or 1 (a chapter id)")),
        };
        let whole = match q.ret_type.as_deref() {
            Some("0") => true,
            Some("1") => false,
            _ => return Err(Error::invalid("retType", "must be 0 (the whole subtree) or 1 (the children)")),
        };
        Ok(ChapterScope { parent_id: required("parentId", q.parent_id)?, of_chapter, whole })
    }
}

impl From<ClassificationInput> for NewClassification {
    fn from(c: ClassificationInput) -> NewClassification {
        NewClassification {
            parent_id: c.parent_id,
            kind: c.kind.unwrap_or_default(),
            title: c.title.unwrap_or_default(),
            sort: c.sort_num,
        }
    }
}

impl TryFrom<ClassificationPatch> for ClassificationChange {
    type Error = Error;

    fn try_from(p: ClassificationPatch) -> Result<ClassificationChange> {
        Ok(ClassificationChange {
            id: required("classificationId", p.classification_id)?,
            parent_id: p.parent_id,
            title: p.title,
            sort: p.sort_num,
        })
    }
}

impl TryFrom<ResourceQuery> for ResourceSearch {
    type Error = Error;

    fn try_from(r: ResourceQuery) -> Result<ResourceSearch> {
        let q = r.query;
        Ok(ResourceSearch {
            page: number("curPage", r.page.cur_page.as_deref(), 1..=1_000_000)?,
            per_page: number("numPerPage", r.page.num_per_page.as_deref(), 1..=MAX_LIMIT)?,
            order: q.order_by.as_deref().map(OrderBy::parse).transpose()?.unwrap_or_default(),
            res_type: number("resType", q.res_type.as_deref(), 0..=5)?,
            owner: q.space.unless_in(q.parent_id.as_deref())?,
            keyword: q.keyword,
            period_id: q.period_id,
            subject_id: q.subject_id,
            volume_id: q.volume_id,
            textbook_id: q.textbook_id,
            chapter_id: q.chapter_id,
            grade_id: q.grade_id,
            classification_id: q.classification_id,
            parent_id: q.parent_id,
        })
    }
}

impl TryFrom<ResourceInput> for NewResource {
    type Error = Error;

    fn try_from(r: ResourceInput) -> Result<NewResource> {
        let content = match r.res_form.as_deref() {
            Some("1") => ResourceContent::Stored(
                r.fid.ok_or_else(|| Error::invalid("fid", "is required when resForm is 1 (a stored file)"))?,
            ),
            // An absent URL is the core's to refuse, with the rules of a URL.
            Some("2") => ResourceContent::Link(r.url.unwrap_or_default()),
            Some(_) => return Err(Error::invalid("resForm", "must be 1 (a stored file) or 2 (a network URL)")),
            None => return Err(Error::invalid("resForm", "is required")),
        };
        let res_source =
            match r.res_source.as_deref() {
                None => 0,
                Some(s) => s.parse::<i64>().ok().filter(|n| (0..=99).contains(n)).ok_or_else(|| {
                    Error::invalid("resSource", "must be a source code between 0 and 99 (0 = the disk)")
                })?,
            };
        Ok(NewResource {
            can_removed: zero_one("canRemoved", r.can_removed.as_deref())?,
            copy_to_personal: zero_one("issynchronization", r.issynchronization.as_deref())?,
            owner: r.space.required()?,
            parent_id: r.parent_id,
            content,
            title: r.title.unwrap_or_default(),
            keyword: r.keyword,
            intro: r.intro,
            nodes: node_ids!(r),
            res_source,
        })
    }
}

impl TryFrom<ResourcePatch> for ResourceChange {
    type Error = Error;

    fn try_from(p: ResourcePatch) -> Result<ResourceChange> {
        Ok(ResourceChange {
            res_id: required("resId", p.res_id)?,
            can_removed: p.can_removed.as_deref().map(|c| zero_one("canRemoved", Some(c))).transpose()?,
            title: p.title,
            keyword: p.keyword,
            intro: p.intro,
            parent_id: p.parent_id,
            nodes: node_ids!(p),
        })
    }
}
