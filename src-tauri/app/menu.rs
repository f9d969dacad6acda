//! The app menu (文件 / 编辑 / 视图 / 帮助 by default, English when the UI is), and what its
//! items do.

use tauri::menu::{AboutMetadata, Menu, MenuBuilder, MenuEvent, MenuItemBuilder, SubmenuBuilder};
use tauri::{AppHandle, Manager, Runtime};

use crate::settings::Language;

const RELOAD: &str = "reload";
const DEVTOOLS: &str = "devtools";
const QUIT: &str = "quit";

/// The menu's words in one language.
struct Labels {
    file: &'static str,
    quit: &'static str,
    edit: &'static str,
    undo: &'static str,
    redo: &'static str,
    cut: &'static str,
    copy: &'static str,
    paste: &'static str,
    select_all: &'static str,
    view: &'static str,
    reload: &'static str,
    devtools: &'static str,
    help: &'static str,
    about: &'static str,
    comments: &'static str,
}

const ZH_CN: Labels = Labels {
    file: "文件",
    quit: "退出",
    edit: "编辑",
    undo: "撤销",
    redo: "重做",
    cut: "剪切",
    copy: "复制",
    paste: "粘贴",
    select_all: "全选",
    view: "视图",
    reload: "重新加载",
    devtools: "开发者工具",
    help: "帮助",
    about: "关于 Cinedesk",
    comments: "VR 影院连锁管理控制台",
};

const EN: Labels = Labels {
    file: "File",
    quit: "Quit",
    edit: "Edit",
    undo: "Undo",
    redo: "Redo",
    cut: "Cut",
    copy: "Copy",
    paste: "Paste",
    select_all: "Select All",
    view: "View",
    reload: "Reload",
    devtools: "Developer Tools",
    help: "Help",
    about: "About Cinedesk",
    comments: "Management console for VR cinema chains",
};

fn labels(lang: Language) -> &'static Labels {
    match lang {
        Language::ZhCn => &ZH_CN,
        Language::En => &EN,
    }
}

pub fn build<R: Runtime>(app: &AppHandle<R>, lang: Language) -> tauri::Result<Menu<R>> {
    let l = labels(lang);
    let about = AboutMetadata {
        name: Some("Cinedesk".into()),
        version: Some(app.package_info().version.to_string()),
        comments: Some(l.comments.into()),
        ..Default::default()
    };

    let quit = MenuItemBuilder::with_id(QUIT, l.quit).accelerator("CmdOrCtrl+Q").build(app)?;
    let file = SubmenuBuilder::new(app, l.file).item(&quit).build()?;

    // The clipboard items are the platform's own (they act on the focused text field). GTK has
    // no native undo/redo items; there the webview's own Ctrl+Z/Ctrl+Shift+Z still work.
    let mut edit = SubmenuBuilder::new(app, l.edit);
    if !cfg!(target_os = "linux") {
        edit = edit.undo_with_text(l.undo).redo_with_text(l.redo).separator();
    }
    let edit = edit
        .cut_with_text(l.cut)
        .copy_with_text(l.copy)
        .paste_with_text(l.paste)
        .separator()
        .select_all_with_text(l.select_all)
        .build()?;

    let reload = MenuItemBuilder::with_id(RELOAD, l.reload).accelerator("CmdOrCtrl+R").build(app)?;
    let mut view = SubmenuBuilder::new(app, l.view).item(&reload);
    // The inspector exists only in debug builds (Tauri leaves it out of release builds).
    if cfg!(debug_assertions) {
        let devtools = MenuItemBuilder::with_id(DEVTOOLS, l.devtools).accelerator("CmdOrCtrl+Shift+I").build(app)?;
        view = view.item(&devtools);
    }
    let view = view.build()?;

    let help = SubmenuBuilder::new(app, l.help).about_with_text(l.about, Some(about)).build()?;

    let mut menu = MenuBuilder::new(app);
    // macOS puts the first submenu under the app's name; give it the app's usual items there.
    if cfg!(target_os = "macos") {
        let app_menu = SubmenuBuilder::new(app, "Cinedesk").services().separator().hide().hide_others().build()?;
        menu = menu.item(&app_menu);
    }
    menu.items(&[&file, &edit, &view, &help]).build()
}

/// Sets (or replaces, after a language change) the app's menu. A menu that cannot be built is
/// logged: the window still works without one.
pub fn install<R: Runtime>(app: &AppHandle<R>, lang: Language) {
    if let Err(e) = build(app, lang).and_then(|menu| app.set_menu(menu)) {
        tracing::error!(error = %e, "cannot set the app menu");
    }
}

pub fn on_event<R: Runtime>(app: &AppHandle<R>, event: MenuEvent) {
    let webviews = app.webview_windows();
    match event.id().as_ref() {
        RELOAD => {
            for w in webviews.values() {
                if let Err(e) = w.reload() {
                    tracing::warn!(error = %e, "reload failed");
                }
            }
        }
        #[cfg(debug_assertions)]
        DEVTOOLS => {
            for w in webviews.values() {
                if w.is_devtools_open() {
                    w.close_devtools();
                } else {
                    w.open_devtools();
                }
            }
        }
        QUIT => app.exit(0),
        _ => {}
    }
}
