//! Resources (seed 004 §3.1 createResource): a stored file or a network URL filed in a folder of a space, classified, counted when viewed and downloaded, marked, and usable as a film's poster, icon or film.

use rusqlite::{params, OptionalExtension, Row, Transaction};
use serde::{Deserialize, Serialize};

use super::classification::ensure_nodes;
use super::folders::parent_in;
use super::{
    change_in, china_time, contributor, human_size, require_read, require_write, resolve_space, Actor, Owner,
    OwnerType, Space, ROOT,
};
use crate::actor::Capability;
use crate::audit::{self, Action, Change};
use crate::error::{Error, Result};
use crate::files::name;
use crate::ids::{new_id, now_ms};
use crate::movie::file_path;
use crate::validate::{self, MAX_TEXT};
use crate::{Cms, Entity};

/// Longest introduction, in characters.
const MAX_INTRO: usize = 4000;
/// Most classification nodes on one resource.
const MAX_NODES: usize = 64;
/// Most resources one delete takes.
const MAX_BATCH: usize = 1000;
/// Most resources one import takes (one transaction).
const MAX_IMPORT: usize = 10_000;

/// A resource as viewed (and, reshaped, as listed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Resource {
    pub res_id: String,
    pub title: String,
    pub keyword: String,
    pub intro: String,
    /// "1" a stored file, "2" a network URL.
    pub res_form: String,
    pub fid: Option<String>,
    pub url: Option<String>,
    /// 1 picture, 2 document, 3 video, 4 audio, 5 animation, 0 other.
    pub res_type: i64,
    pub file_name: String,
    pub file_ext: String,
    pub file_length: u64,
    pub file_size: String,
    pub mime_type: String,
    pub owner_type: String,
    pub owner_id: String,
    /// The folder, "0" at the space's root.
    pub parent_id: String,
    pub user_id: String,
    pub user_name: String,
    pub res_source: i64,
    /// "0" may be deleted, "1" may not.
    pub can_removed: String,
    pub view_count: i64,
    pub down_count: i64,
    pub score: f64,
    pub marks_count: i64,
    pub create_time: String,
    pub modify_time: String,
    /// Epoch ms, for clients that sort or compare.
    pub created_at: i64,
    pub classification_list: Vec<NodeRef>,
    /// The first thumbnail (or snapshot), "" until processing made one.
    pub image_url: String,
    pub thumbnail_url_list: Vec<String>,
    /// Where to show the content inline: the stored file, or the network URL.
    pub preview_url: String,
    /// Where to download it (counted).
    pub download_url: String,
}

/// A classification node a resource is filed under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NodeRef {
    pub id: String,
    pub kind: String,
    pub title: String,
}

/// What a resource is: a file of the store, or a network URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResourceContent {
    /// A stored file, by its id (the seed's resForm 1 with `fid`).
    Stored(String),
    /// An http(s) URL (resForm 2 with `url`).
    Link(String),
}

impl ResourceContent {
    /// The seed's `resForm`.
    fn form(&self) -> i64 {
        match self {
            ResourceContent::Stored(_) => 1,
            ResourceContent::Link(_) => 2,
        }
    }
}

/// The classification nodes a resource is filed under, by the fields the seed names them in
/// (which a failure names): the seed's one-per-level ids, its lists, and the generic tree's
/// own list. In a change, absent fields leave the classification as it is, and any field given
/// replaces all of it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NodeIds {
    pub period_id: Option<String>,
    pub subject_id: Option<String>,
    pub edition_id: Option<String>,
    pub grade_id: Option<String>,
    pub volume_id: Option<String>,
    pub textbook_id: Option<String>,
    pub chapter_ids: Option<Vec<String>>,
    pub res_type_ids: Option<Vec<String>>,
    pub metadata_ids: Option<Vec<String>>,
    /// Any further classification nodes.
    pub classification_ids: Option<Vec<String>>,
}

impl NodeIds {
    /// Every node id in order, without repeats, each with the field it came from; and whether
    /// any field was given at all.
    fn list(&self) -> (Vec<(String, String)>, bool) {
        let mut out: Vec<(String, String)> = Vec::new();
        let mut any = false;
        let mut add = |field: &str, id: &str| {
            if !out.iter().any(|(_, o)| o == id) {
                out.push((field.to_string(), id.to_string()));
            }
        };
        let fields = [
            ("periodId", &self.period_id),
            ("subjectId", &self.subject_id),
            ("editionId", &self.edition_id),
            ("gradeId", &self.grade_id),
            ("volumeId", &self.volume_id),
            ("textbookId", &self.textbook_id),
        ];
        for (field, id) in fields {
            if let Some(id) = id {
                any = true;
                add(field, id);
            }
        }
        let lists = [
            ("chapterIdList", &self.chapter_ids),
            ("resTypeIdList", &self.res_type_ids),
            ("metadataIdList", &self.metadata_ids),
            ("classificationIdList", &self.classification_ids),
        ];
        for (field, ids) in lists {
            if let Some(ids) = ids {
                any = true;
                for id in ids {
                    add(field, id);
                }
            }
        }
        (out, any)
    }
}

/// A new resource (seed 004 §3.1 createResource): filed in a folder (`parent_id`, the root when
/// absent or "0") of the space of `owner`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewResource {
    pub owner: Owner,
    pub parent_id: Option<String>,
    pub content: ResourceContent,
    pub title: String,
    pub keyword: Option<String>,
    pub intro: Option<String>,
    pub nodes: NodeIds,
    /// Also file a copy in the contributor's personal space (the seed's issynchronization).
    pub copy_to_personal: bool,
    /// Where it came from, 0 to 99 (0: the disk).
    pub res_source: i64,
    /// It may not be deleted (the seed's canRemoved 1).
    pub can_removed: bool,
}

/// A change to resource `res_id`: what is given changes, the rest stays.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResourceChange {
    pub res_id: String,
    pub title: Option<String>,
    pub keyword: Option<String>,
    pub intro: Option<String>,
    /// Moves the resource to another folder of its space ("0": the root).
    pub parent_id: Option<String>,
    pub can_removed: Option<bool>,
    pub nodes: NodeIds,
}

/// What a resource can become for a film.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum MovieUsage {
    Poster,
    Icon,
    Film,
}

impl MovieUsage {
    pub fn parse(s: &str) -> Result<MovieUsage> {
        match s.trim() {
            "poster" => Ok(MovieUsage::Poster),
            "icon" => Ok(MovieUsage::Icon),
            "film" => Ok(MovieUsage::Film),
            _ => Err(Error::invalid("usage", "must be poster, icon or film")),
        }
    }
}

/// The film after a resource was put to use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UsedForMovie {
    #[serde(rename = "movieID")]
    pub movie_id: String,
    #[serde(rename = "fileID")]
    pub file_id: String,
    pub usage: MovieUsage,
}

/// The file kinds of xkzyList's `resType`, from a MIME type and an extension.
pub(crate) fn res_type(mime: &str, ext: &str) -> i64 {
    let ext = ext.to_ascii_lowercase();
    const DOCS: &[&str] = &[
        "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "txt", "rtf", "odt", "ods", "odp", "wps", "md", "csv",
        "epub",
    ];
    if mime == "image/gif" || mime == "application/x-shockwave-flash" || ["gif", "swf", "apng"].contains(&ext.as_str())
    {
        5
    } else if mime.starts_with("image/") {
        1
    } else if mime.starts_with("video/") {
        3
    } else if mime.starts_with("audio/") {
        4
    } else if mime.starts_with("text/") || DOCS.contains(&ext.as_str()) || mime == "application/pdf" {
        2
    } else {
        0
    }
}

const COLUMNS: &str = "r.seq, r.id, r.title, r.keyword, r.intro, r.res_form, r.fid, r.url, r.res_type, r.file_name, \
    r.file_ext, r.file_length, r.mime, r.owner_type, r.owner_id, coalesce(r.folder_id, '0'), r.user_id, r.user_name, \
    r.res_source, r.can_removed, r.view_count, r.down_count, r.score, r.marks_count, r.created_at, r.updated_at";

/// A row and its rowid, before classifications and thumbnails are added.
pub(crate) fn from_row(r: &Row<'_>) -> rusqlite::Result<(i64, Resource)> {
    let id: String = r.get(1)?;
    let fid: Option<String> = r.get(6)?;
    let url: Option<String> = r.get(7)?;
    let length = r.get::<_, i64>(11)? as u64;
    let created_at: i64 = r.get(24)?;
    Ok((
        r.get(0)?,
        Resource {
            preview_url: fid.as_deref().map(|f| file_path(Some(f))).or_else(|| url.clone()).unwrap_or_default(),
            download_url: format!("/onlineDisk/downloadResource?resId={id}"),
            res_id: id,
            title: r.get(2)?,
            keyword: r.get(3)?,
            intro: r.get(4)?,
            res_form: r.get::<_, i64>(5)?.to_string(),
            fid,
            url,
            res_type: r.get(8)?,
            file_name: r.get(9)?,
            file_ext: r.get(10)?,
            file_length: length,
            file_size: human_size(length),
            mime_type: r.get(12)?,
            owner_type: r.get::<_, i64>(13)?.to_string(),
            owner_id: r.get(14)?,
            parent_id: r.get(15)?,
            user_id: r.get(16)?,
            user_name: r.get(17)?,
            res_source: r.get(18)?,
            can_removed: r.get::<_, i64>(19)?.to_string(),
            view_count: r.get(20)?,
            down_count: r.get(21)?,
            score: r.get(22)?,
            marks_count: r.get(23)?,
            create_time: china_time(created_at),
            modify_time: china_time(r.get(25)?),
            created_at,
            classification_list: Vec::new(),
            image_url: String::new(),
            thumbnail_url_list: Vec::new(),
        },
    ))
}

pub(crate) fn select_sql() -> String {
    format!("SELECT {COLUMNS} FROM disk_resources r")
}

/// Adds what lives in other tables: the classification nodes and the file's thumbnails.
pub(crate) fn complete(tx: &Transaction<'_>, seq: i64, r: &mut Resource) -> Result<()> {
    let mut nodes = tx.prepare_cached(
        "SELECT c.id, c.kind, c.title FROM resource_classifications rc JOIN classifications c ON c.id = rc.node_id
          WHERE rc.resource_seq = ? ORDER BY rc.position",
    )?;
    r.classification_list = nodes
        .query_map([seq], |x| Ok(NodeRef { id: x.get(0)?, kind: x.get(1)?, title: x.get(2)? }))?
        .collect::<Result<Vec<_>, _>>()?;
    if let Some(fid) = &r.fid {
        // The store's processing records a snapshot (films) or thumbnail (pictures) as a
        // SnapshotComplete event; a picture small enough is its own thumbnail.
        let mut shots = tx.prepare_cached(
            "SELECT json_extract(data, '$.CoverUrl') FROM file_events
              WHERE file_id = ? AND type = 'SnapshotComplete' AND status = 'success' ORDER BY id",
        )?;
        r.thumbnail_url_list = shots
            .query_map([fid], |x| x.get::<_, Option<String>>(0))?
            .filter_map(|u| u.transpose())
            .collect::<Result<Vec<_>, _>>()?;
        r.image_url = r.thumbnail_url_list.first().cloned().unwrap_or_default();
    }
    Ok(())
}

/// A resource with its rowid and space.
fn load(tx: &Transaction<'_>, id: &str) -> Result<(i64, Resource, Space)> {
    let (seq, res) = tx
        .prepare_cached(&format!("{} WHERE r.id = ?", select_sql()))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| Error::not_found(Entity::Resource, id))?;
    let space =
        Space { owner_type: OwnerType::from_code(res.owner_type.parse().unwrap_or(2)), owner_id: res.owner_id.clone() };
    Ok((seq, res, space))
}

fn write_nodes(tx: &Transaction<'_>, seq: i64, nodes: &[(String, String)]) -> Result<()> {
    if nodes.len() > MAX_NODES {
        return Err(Error::invalid("classificationIdList", format!("at most {MAX_NODES} classifications")));
    }
    for (field, id) in nodes {
        ensure_nodes(tx, field, std::slice::from_ref(id))?;
    }
    tx.prepare_cached("DELETE FROM resource_classifications WHERE resource_seq = ?")?.execute([seq])?;
    let mut stmt =
        tx.prepare_cached("INSERT INTO resource_classifications(node_id, resource_seq, position) VALUES (?, ?, ?)")?;
    for (i, (_, id)) in nodes.iter().enumerate() {
        stmt.execute(params![id, seq, i as i64])?;
    }
    super::classification::rebuild_ancestry(tx, seq)
}

/// What a resource's content is: (fid, url, file name, ext, length, mime).
struct ContentInfo {
    fid: Option<String>,
    url: Option<String>,
    file_name: String,
    ext: String,
    length: u64,
    mime: String,
}

fn content(tx: &Transaction<'_>, content: &ResourceContent) -> Result<ContentInfo> {
    match content {
        ResourceContent::Stored(fid) => stored(tx, fid),
        ResourceContent::Link(url) => link(url),
    }
}

fn stored(tx: &Transaction<'_>, fid: &str) -> Result<ContentInfo> {
    let (name, size, mime): (String, i64, String) = tx
        .prepare_cached("SELECT name, size, mime FROM files WHERE id = ?")?
        .query_row([fid], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?
        .ok_or_else(|| Error::not_found(Entity::File, fid))?;
    Ok(ContentInfo {
        fid: Some(fid.to_string()),
        url: None,
        ext: name::extension(&name).unwrap_or("").to_ascii_lowercase(),
        file_name: name,
        length: size as u64,
        mime,
    })
}

fn link(url: &str) -> Result<ContentInfo> {
    let url = validate::opt_url("url", Some(url))?
        .ok_or_else(|| Error::invalid("url", "is required when resForm is 2 (a network resource)"))?;
    let path = url.split(['?', '#']).next().unwrap_or("");
    let last = path.rsplit('/').next().unwrap_or("");
    let file_name = percent_encoding::percent_decode_str(last).decode_utf8_lossy().to_string();
    let ext = name::extension(&file_name).unwrap_or("").to_ascii_lowercase();
    let mime = if ext.is_empty() {
        String::new()
    } else {
        mime_guess::from_ext(&ext).first().map(|m| m.to_string()).unwrap_or_default()
    };
    Ok(ContentInfo { fid: None, url: Some(url), file_name, ext, length: 0, mime })
}

#[allow(clippy::too_many_arguments)]
fn insert(
    tx: &Transaction<'_>,
    space: &Space,
    folder: Option<&str>,
    form: i64,
    c: &ContentInfo,
    texts: (&str, &str, &str),
    contributor: &(String, String),
    res_source: i64,
    can_removed: i64,
) -> Result<(String, i64)> {
    let id = new_id();
    let now = now_ms();
    let seq = tx
        .prepare_cached(
            "INSERT INTO disk_resources(id, owner_type, owner_id, folder_id, res_form, fid, url, title, keyword, intro,
                 res_type, file_name, file_ext, file_length, mime, user_id, user_name, res_source, can_removed,
                 created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq",
        )?
        .query_row(
            params![
                id,
                space.owner_type.code(),
                space.owner_id,
                folder,
                form,
                c.fid,
                c.url,
                texts.0,
                texts.1,
                texts.2,
                res_type(&c.mime, &c.ext),
                c.file_name,
                c.ext,
                c.length as i64,
                c.mime,
                contributor.0,
                contributor.1,
                res_source,
                can_removed,
                now,
                now
            ],
            |r| r.get(0),
        )?;
    Ok((id, seq))
}

fn opt_long(field: &str, v: Option<&str>, max: usize) -> Result<String> {
    Ok(validate::opt_text(field, v, max)?.unwrap_or_default())
}

/// A new resource checked for everything that needs no database.
struct Prepared {
    title: String,
    keyword: String,
    intro: String,
    nodes: Vec<(String, String)>,
    input: NewResource,
}

fn prepare(input: NewResource) -> Result<Prepared> {
    Ok(Prepared {
        title: validate::text("title", &input.title, MAX_TEXT)?,
        keyword: opt_long("keyword", input.keyword.as_deref(), MAX_TEXT)?,
        intro: opt_long("intro", input.intro.as_deref(), MAX_INTRO)?,
        nodes: input.nodes.list().0,
        input,
    })
}

fn insert_prepared(tx: &Transaction<'_>, actor: &Actor, p: &Prepared) -> Result<String> {
    let input = &p.input;
    let space = resolve_space(tx, actor, &input.owner)?;
    require_write(tx, actor, &space)?;
    let folder = parent_in(tx, &space, input.parent_id.as_deref())?;
    let c = content(tx, &input.content)?;
    let contributor = contributor(tx, actor)?;
    let texts = (p.title.as_str(), p.keyword.as_str(), p.intro.as_str());
    let (form, can_removed) = (input.content.form(), i64::from(input.can_removed));
    let (id, seq) =
        insert(tx, &space, folder.as_deref(), form, &c, texts, &contributor, input.res_source, can_removed)?;
    write_nodes(tx, seq, &p.nodes)?;
    record_created(tx, actor, &id, &space)?;
    if let (true, Actor::User(user)) = (input.copy_to_personal, actor) {
        let personal = Space { owner_type: OwnerType::Personal, owner_id: user.user_id.clone() };
        if personal != space {
            let (copy_id, copy) = insert(tx, &personal, None, form, &c, texts, &contributor, input.res_source, 0)?;
            write_nodes(tx, copy, &p.nodes)?;
            record_created(tx, actor, &copy_id, &personal)?;
        }
    }
    Ok(id)
}

fn record_created(tx: &Transaction<'_>, actor: &Actor, id: &str, space: &Space) -> Result<()> {
    let (_, after, _) = load(tx, id)?;
    audit::record(tx, actor, change_in(Action::Create, Entity::Resource, id, space).after(&after))
}

impl Cms {
    /// Seed 004 §3.1: files a resource in a folder of a space the caller may write; the answer
    /// is its `resId`. With issynchronization=1 a user also gets a copy in their personal root.
    pub fn create_resource(&self, actor: &Actor, input: NewResource) -> Result<String> {
        actor.require(Capability::Library)?;
        let p = prepare(input)?;
        self.db.write(|tx| insert_prepared(tx, actor, &p))
    }

    /// Imports many resources in one transaction, all or nothing (a failure names the item as
    /// `[i].field`). The answer is their `resId`s in order.
    pub fn create_resources(&self, actor: &Actor, inputs: Vec<NewResource>) -> Result<Vec<String>> {
        actor.require(Capability::Library)?;
        if inputs.len() > MAX_IMPORT {
            return Err(Error::invalid("resources", format!("at most {MAX_IMPORT} in one import")));
        }
        let at = |i: usize| {
            move |e: Error| match e {
                Error::Invalid { field, reason } => Error::Invalid { field: format!("[{i}].{field}"), reason },
                e => e,
            }
        };
        let prepared = inputs
            .into_iter()
            .enumerate()
            .map(|(i, input)| prepare(input).map_err(at(i)))
            .collect::<Result<Vec<_>>>()?;
        self.db.write(|tx| {
            prepared.iter().enumerate().map(|(i, p)| insert_prepared(tx, actor, p).map_err(at(i))).collect()
        })
    }

    /// A resource as stored, without counting a view.
    pub fn resource(&self, actor: &Actor, res_id: &str) -> Result<Resource> {
        actor.require(Capability::Library)?;
        self.db.read(|tx| {
            let (seq, mut res, space) = load(tx, res_id)?;
            require_read(tx, actor, &space)?;
            complete(tx, seq, &mut res)?;
            Ok(res)
        })
    }

    /// Views a resource: counts the view and answers it with its preview and thumbnails.
    pub fn view_resource(&self, actor: &Actor, res_id: &str) -> Result<Resource> {
        actor.require(Capability::Library)?;
        self.db.write(|tx| {
            let (seq, _, space) = load(tx, res_id)?;
            require_read(tx, actor, &space)?;
            tx.prepare_cached("UPDATE disk_resources SET view_count = view_count + 1 WHERE seq = ?")?.execute([seq])?;
            let (_, mut res, _) = load(tx, res_id)?;
            complete(tx, seq, &mut res)?;
            Ok(res)
        })
    }

    /// Counts a download and answers where the content is: the store's URL of the file
    /// (`/cms/files/{fid}`) or the network URL.
    pub fn download_resource(&self, actor: &Actor, res_id: &str) -> Result<String> {
        actor.require(Capability::Library)?;
        self.db.write(|tx| {
            let (seq, res, space) = load(tx, res_id)?;
            require_read(tx, actor, &space)?;
            tx.prepare_cached("UPDATE disk_resources SET down_count = down_count + 1 WHERE seq = ?")?.execute([seq])?;
            Ok(res.preview_url)
        })
    }

    /// Marks a resource 1–5; a rater's later mark replaces their earlier one. Answers the new
    /// average (xkzyList's `marks` order).
    pub fn mark_resource(&self, actor: &Actor, res_id: &str, mark: i64) -> Result<f64> {
        actor.require(Capability::Library)?;
        if !(1..=5).contains(&mark) {
            return Err(Error::invalid("mark", "must be between 1 and 5"));
        }
        self.db.write(|tx| {
            let (seq, _, space) = load(tx, res_id)?;
            require_read(tx, actor, &space)?;
            tx.prepare_cached(
                "INSERT INTO resource_marks(resource_seq, rater, mark, at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(resource_seq, rater) DO UPDATE SET mark = ?3, at = ?4",
            )?
            .execute(params![seq, actor.owner(), mark, now_ms()])?;
            Ok(tx
                .prepare_cached(
                    "UPDATE disk_resources SET
                         score = (SELECT round(avg(mark), 2) FROM resource_marks WHERE resource_seq = ?1),
                         marks_count = (SELECT count(*) FROM resource_marks WHERE resource_seq = ?1)
                     WHERE seq = ?1 RETURNING score",
                )?
                .query_row([seq], |r| r.get(0))?)
        })
    }

    /// Changes a resource's texts, folder (within its space), canRemoved flag or classification.
    pub fn update_resource(&self, actor: &Actor, patch: ResourceChange) -> Result<()> {
        actor.require(Capability::Library)?;
        let id = &patch.res_id;
        let title = patch.title.as_deref().map(|t| validate::text("title", t, MAX_TEXT)).transpose()?;
        let keyword = patch.keyword.as_deref().map(|k| opt_long("keyword", Some(k), MAX_TEXT)).transpose()?;
        let intro = patch.intro.as_deref().map(|i| opt_long("intro", Some(i), MAX_INTRO)).transpose()?;
        let (nodes, reclassify) = patch.nodes.list();
        self.db.write(|tx| {
            let (seq, res, space) = load(tx, id)?;
            require_write(tx, actor, &space)?;
            let before = res.clone();
            let folder = match patch.parent_id.as_deref() {
                Some(p) => parent_in(tx, &space, Some(p))?,
                None => Some(res.parent_id.clone()).filter(|p| p != ROOT),
            };
            tx.prepare_cached(
                "UPDATE disk_resources SET title = ?, keyword = ?, intro = ?, folder_id = ?, can_removed = ?, updated_at = ?
                  WHERE seq = ?",
            )?
            .execute(params![
                title.unwrap_or(res.title),
                keyword.unwrap_or(res.keyword),
                intro.unwrap_or(res.intro),
                folder,
                patch.can_removed.unwrap_or(res.can_removed == "1") as i64,
                now_ms(),
                seq
            ])?;
            if reclassify {
                write_nodes(tx, seq, &nodes)?;
            }
            let change = change_in(Action::Update, Entity::Resource, id, &space).before(&before);
            audit::record(tx, actor, change.after(&load(tx, id)?.1))
        })
    }

    /// Deletes resources, all or nothing: an unknown id, one the caller may not change, or one
    /// marked canRemoved=1 refuses the whole batch. The stored files stay (others may use them).
    pub fn delete_resources(&self, actor: &Actor, ids: &[String]) -> Result<()> {
        actor.require(Capability::Library)?;
        let ids = validate::id_list("resId", ids)?;
        if ids.len() > MAX_BATCH {
            return Err(Error::invalid("resIdList", format!("at most {MAX_BATCH} at once")));
        }
        self.db.write(|tx| {
            let mut gone = Vec::with_capacity(ids.len());
            for id in &ids {
                let (seq, res, space) = load(tx, id)?;
                require_write(tx, actor, &space)?;
                if res.can_removed == "1" {
                    return Err(Error::InUse(format!("resource {id} may not be removed (canRemoved=1)")));
                }
                gone.push((seq, res, space));
            }
            let mut stmt = tx.prepare_cached("DELETE FROM disk_resources WHERE seq = ?")?;
            for (seq, res, space) in &gone {
                stmt.execute([seq])?;
                audit::record(tx, actor, change_in(Action::Delete, Entity::Resource, &res.res_id, space).before(res))?;
            }
            Ok(())
        })
    }

    /// Makes a stored resource a film's poster, icon (pictures) or film (a video). Films are
    /// the chain's operators' business: a cinema's client may not.
    pub fn use_resource_for_movie(
        &self,
        actor: &Actor,
        res_id: &str,
        movie_id: &str,
        usage: MovieUsage,
    ) -> Result<UsedForMovie> {
        // Films are the chain's operators' business; the resource must be one they may see.
        actor.require(Capability::Operate)?;
        self.db
            .write(|tx| {
                let (_, res, space) = load(tx, res_id)?;
                require_read(tx, actor, &space)?;
                let fid = res.fid.clone().ok_or_else(|| {
                    Error::invalid("resId", "is a network resource (resForm 2); only a stored file can serve a film")
                })?;
                let wanted = match usage {
                    MovieUsage::Poster | MovieUsage::Icon => "image/",
                    MovieUsage::Film => "video/",
                };
                if !res.mime_type.starts_with(wanted) {
                    return Err(Error::invalid(
                        "usage",
                        format!("a {:?} must be {}*, and this resource is {}", usage, wanted, res.mime_type)
                            .to_lowercase(),
                    ));
                }
                let column = match usage {
                    MovieUsage::Poster => "poster_id",
                    MovieUsage::Icon => "icon_id",
                    MovieUsage::Film => "file_id",
                };
                let before = crate::movie::get(tx, movie_id)?;
                tx.execute(&format!("UPDATE movies SET {column} = ? WHERE id = ?"), params![fid, movie_id])?;
                // A distributed film's new picture or file is news for every cinema holding it.
                let after = crate::movie::get(tx, movie_id)?;
                let change = Change::new(Action::Update, Entity::Movie, movie_id).before(&before);
                audit::record(tx, actor, change.after(&after))?;
                let told = crate::delivery::announce_change(tx, &before, after)?;
                Ok((UsedForMovie { movie_id: movie_id.to_string(), file_id: fid, usage }, told))
            })
            .map(|(used, told)| {
                self.announced(&told);
                used
            })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn kinds_follow_the_seeds_res_type() {
        use super::res_type;
        assert_eq!(res_type("image/png", "png"), 1);
        assert_eq!(res_type("application/msword", "doc"), 2);
        assert_eq!(res_type("application/pdf", "pdf"), 2);
        assert_eq!(res_type("video/mp4", "mp4"), 3);
        assert_eq!(res_type("audio/mpeg", "mp3"), 4);
        assert_eq!(res_type("image/gif", "gif"), 5, "a GIF counts as an animation");
        assert_eq!(res_type("application/zip", "zip"), 0);
    }
}
