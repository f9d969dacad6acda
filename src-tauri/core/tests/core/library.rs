//! The resource library (issue 6) in the core: folder trees, resources and their search index, the classification tree.

use cinedesk_core::library::{
    ChapterScope, ClassificationChange, NewClassification, NewFolder, NewResource, NodeIds, OrderBy, ResourceChange,
    ResourceContent, ResourceSearch,
};
use cinedesk_core::*;

use super::{cinema_input, spawn_app};

fn admin(app: &super::App) -> Actor {
    app.admin().actor
}

fn org_space() -> Owner {
    Owner::Chain(None)
}

fn url_resource(title: &str, parent: &str) -> NewResource {
    NewResource {
        owner: org_space(),
        parent_id: Some(parent.into()),
        content: ResourceContent::Link("https://cdn.example.com/film.mp4".into()),
        title: title.into(),
        keyword: None,
        intro: None,
        nodes: NodeIds::default(),
        copy_to_personal: false,
        res_source: 0,
        can_removed: false,
    }
}

fn search(app: &super::App, actor: &Actor, keyword: &str) -> Vec<String> {
    let q = ResourceSearch { keyword: Some(keyword.into()), order: OrderBy::CreateTime, ..Default::default() };
    app.cms.list_resources(actor, &q).unwrap().product_list.into_iter().map(|p| p.title).collect()
}

#[test]
fn folders_nest_move_and_delete_with_their_resources_and_index_rows() {
    let app = spawn_app();
    let admin = admin(&app);
    let folder = |name: &str, parent: &str| {
        app.cms
            .create_folder(&admin, NewFolder { owner: org_space(), parent_id: Some(parent.into()), name: name.into() })
            .unwrap()
    };
    let a = folder("影片素材", "0");
    let b = folder("海报", &a);
    let c = folder("2024", &b);
    let dup = app
        .cms
        .create_folder(&admin, NewFolder { owner: org_space(), parent_id: Some(a.clone()), name: "海报".into() });
    assert!(matches!(dup, Err(Error::Conflict { .. })), "a sibling of the same name is a conflict: {dup:?}");
    assert!(
        matches!(app.cms.move_folder(&admin, &a, Some(&c)), Err(Error::Invalid { .. })),
        "a folder cannot move into its own subtree"
    );
    app.cms.create_resource(&admin, url_resource("过山车 roller coaster", &c)).unwrap();
    app.cms.create_resource(&admin, url_resource("深海 deep sea", &b)).unwrap();
    assert_eq!(search(&app, &admin, "coaster").len(), 1, "the trigram index finds a new resource");

    let refused = app.cms.delete_folder(&admin, &a, false);
    assert!(matches!(refused, Err(Error::InUse(_))), "a non-empty folder needs recursive: {refused:?}");
    app.cms.move_folder(&admin, &c, Some("0")).unwrap();
    assert_eq!(app.cms.folder(&admin, &c).unwrap().parent_id, "0", "moved to the root");
    let gone = app.cms.delete_folder(&admin, &a, true).unwrap();
    assert_eq!((gone.folders, gone.resources), (2, 1), "a and b went, with the one resource in b");
    assert!(search(&app, &admin, "deep sea").is_empty(), "a cascaded delete leaves no index row behind");
    assert_eq!(search(&app, &admin, "coaster").len(), 1, "the moved folder kept its resource");
    app.cms.integrity_check().unwrap();
}

#[test]
fn search_follows_updates_and_short_keywords_scan() {
    let app = spawn_app();
    let admin = admin(&app);
    let id = app.cms.create_resource(&admin, url_resource("小学语文《春晓》课件", "0")).unwrap();
    assert_eq!(search(&app, &admin, "春晓").len(), 1, "two characters: a substring scan");
    assert_eq!(search(&app, &admin, "《春晓》").len(), 1, "four characters: the trigram index");
    assert!(search(&app, &admin, "100%").is_empty(), "LIKE wildcards are literal");
    app.cms
        .update_resource(
            &admin,
            ResourceChange { res_id: id.clone(), title: Some("静夜思".into()), ..Default::default() },
        )
        .unwrap();
    assert!(search(&app, &admin, "《春晓》").is_empty(), "the old title left the index");
    assert_eq!(search(&app, &admin, "静夜思").len(), 1, "the new title is in it");
}

#[test]
fn the_classification_tree_answers_query_chapters_and_filters_by_subtree() {
    let app = spawn_app();
    let admin = admin(&app);
    let node = |parent: &str, kind: &str, title: &str| {
        app.cms
            .create_classification(
                &admin,
                NewClassification {
                    parent_id: Some(parent.into()),
                    kind: kind.into(),
                    title: title.into(),
                    sort: None,
                },
            )
            .unwrap()
    };
    let period = node("0", "period", "小学");
    let book = node(&period, "textbook", "语文一年级上册");
    let unit1 = node(&book, "chapter", "一单元");
    let lesson = node(&unit1, "chapter", "春晓");
    let unit2 = node(&book, "chapter", "二单元");
    let q = |parent_type: &str, parent: &str, ret: &str| {
        app.cms
            .query_chapters(
                &admin,
                &ChapterScope { parent_id: parent.into(), of_chapter: parent_type == "1", whole: ret == "0" },
            )
            .unwrap()
    };
    let whole = q("0", &book, "0");
    let ids: Vec<&str> = whole.iter().map(|n| n.chapter_id.as_str()).collect();
    assert_eq!(ids, [unit1.as_str(), lesson.as_str(), unit2.as_str()], "depth first, in order");
    assert_eq!(
        (whole[0].chapter_pid.as_str(), whole[0].chapter_level, whole[0].is_leaf.as_str()),
        ("0", 2, "N"),
        "a unit right below its textbook: pid 0, level 2, as in the seed's example"
    );
    assert_eq!((whole[1].chapter_pid.as_str(), whole[1].chapter_level), (unit1.as_str(), 3));
    assert!(whole.iter().all(|n| n.textbook_id == book), "every chapter names its textbook");
    let children = q("1", &unit1, "1");
    assert_eq!((children.len(), children[0].textbook_id.as_str(), children[0].depth), (1, book.as_str(), 3));

    let mut input = url_resource("春晓 朗读", "0");
    input.nodes.chapter_ids = Some(vec![lesson.clone()]);
    app.cms.create_resource(&admin, input).unwrap();
    app.cms.create_resource(&admin, url_resource("无分类", "0")).unwrap();
    let mut q = ResourceSearch { period_id: Some(period.clone()), ..Default::default() };
    let page = app.cms.list_resources(&admin, &q).unwrap();
    assert_eq!(page.total_count, 1, "a period finds what is classified anywhere below it");
    assert_eq!(page.product_list[0].chapter_id, lesson, "the seed's chapterId is the resource's chapter");
    let period2 = node("0", "period", "初中");
    app.cms
        .update_classification(
            &admin,
            ClassificationChange { id: book.clone(), parent_id: Some(period2.clone()), ..Default::default() },
        )
        .unwrap();
    assert_eq!(app.cms.list_resources(&admin, &q).unwrap().total_count, 0, "the book moved out of the old period");
    q.period_id = Some(period2.clone());
    assert_eq!(app.cms.list_resources(&admin, &q).unwrap().total_count, 1, "and its resources with it");
    assert!(
        matches!(app.cms.delete_classification(&admin, &lesson), Err(Error::InUse(_))),
        "a node in use is not deleted"
    );
    assert!(matches!(app.cms.delete_classification(&admin, &book), Err(Error::InUse(_))), "nor one with children");
}

#[test]
fn a_cinema_space_goes_with_its_cinema() {
    let app = spawn_app();
    let admin = admin(&app);
    let cinema = app.cms.create_cinema(&admin, cinema_input("lib_cinema")).unwrap();
    let space = Owner::Cinema(cinema.clone());
    let mut input = url_resource("影院海报", "0");
    input.owner = space.clone();
    app.cms.create_resource(&admin, input).unwrap();
    app.cms.create_folder(&admin, NewFolder { owner: space, parent_id: None, name: "海报".into() }).unwrap();
    app.cms.delete_cinemas(&admin, &[cinema]).unwrap();
    assert!(search(&app, &admin, "影院海报").is_empty(), "the cinema's resources went with it");
    app.cms.integrity_check().unwrap();
}
