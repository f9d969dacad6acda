//! Enumerations (seed 000 §8, `sys_params/enum`): regions, countries, categories and roles, read
//! by every operator and edited by a SYS_ADMIN.

use serde_json::json;

use crate::helpers::spawn_app;

#[tokio::test]
async fn every_enumeration_list_is_answered() {
    let app = spawn_app().await;
    let (_, enums) = app.get("/cms/sys_params/enum").await;
    for list in ["movieCountryList", "movieCategoryList", "cinemaRegionList", "userRoleList"] {
        assert!(enums[list].as_array().is_some_and(|l| !l.is_empty()), "{list} present");
    }
}

#[tokio::test]
async fn a_sys_admin_adds_and_deletes_an_enumeration_value() {
    let app = spawn_app().await;
    let (status, _) = app.put("/cms/sys_params/enum/CINEMA_REGION/OVERSEAS", json!({"name": "海外"})).await;
    assert_eq!(status, 200, "SYS_ADMIN edits enumerations");
    let (_, enums) = app.get("/cms/sys_params/enum").await;
    assert!(enums["cinemaRegionList"].as_array().unwrap().iter().any(|r| r["id"] == "OVERSEAS"));
    assert_eq!(app.delete("/cms/sys_params/enum/CINEMA_REGION/OVERSEAS").await.0, 200);
    let (_, enums) = app.get("/cms/sys_params/enum").await;
    assert!(!enums["cinemaRegionList"].as_array().unwrap().iter().any(|r| r["id"] == "OVERSEAS"), "and it is gone");
}
