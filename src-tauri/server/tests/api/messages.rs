//! Every COMS message type (issue 13) as a poll delivers it, checked against the schema the OpenAPI document gives it.

use serde_json::{json, Value};

use crate::helpers::{spawn_app, TestApp};

/// Whether `v` fits `schema` of `doc`: `$ref`, `allOf`, `oneOf` (exactly one), `enum`, `type`,
/// `required`, `properties` and `items`, which is all the document's message schemas use.
fn fits(doc: &Value, schema: &Value, v: &Value) -> Result<(), String> {
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.trim_start_matches("#/components/schemas/");
        return fits(doc, &doc["components"]["schemas"][name], v).map_err(|e| format!("{name}: {e}"));
    }
    for part in schema["allOf"].as_array().into_iter().flatten() {
        fits(doc, part, v)?;
    }
    if let Some(options) = schema["oneOf"].as_array() {
        let matching = options.iter().filter(|o| fits(doc, o, v).is_ok()).count();
        if matching != 1 {
            return Err(format!("{matching} of oneOf fit {v}"));
        }
    }
    if let Some(values) = schema["enum"].as_array() {
        if !values.contains(v) {
            return Err(format!("{v} is none of {values:?}"));
        }
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    let is = |t: &str| match t {
        "string" => v.is_string(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        "object" => v.is_object(),
        "array" => v.is_array(),
        "null" => v.is_null(),
        _ => false,
    };
    if !types.is_empty() && !types.iter().any(|t| is(t)) {
        return Err(format!("{v} is not {types:?}"));
    }
    for key in schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str) {
        if v.get(key).is_none() {
            return Err(format!("{key} is missing from {v}"));
        }
    }
    for (key, property) in schema["properties"].as_object().into_iter().flatten() {
        if let Some(value) = v.get(key) {
            fits(doc, property, value).map_err(|e| format!("{key}: {e}"))?;
        }
    }
    for item in v.as_array().into_iter().flatten() {
        if schema.get("items").is_some() {
            fits(doc, &schema["items"], item)?;
        }
    }
    Ok(())
}

/// One cinema given every kind of message, in this order.
async fn every_message(app: &TestApp) -> (String, Vec<&'static str>) {
    let cinema = app.cinema("msg").await;
    let client = app.seat(&app.hall(&cinema, "msg_h1").await, "A01").await;
    let film = app.movie("msg_m").await;
    app.distribute(&film, &[&cinema]).await;
    let task = app.create("/cms/vod_tasks", "taskID", json!({"movieList": [{"id": film}], "clientID": client})).await;
    assert_eq!(app.put(&format!("/cms/movies/{film}"), json!({"name": "新名"})).await.0, 200);
    assert_eq!(app.put(&format!("/cms/vod_tasks/{task}"), json!({"status": "CANCELLED"})).await.0, 200);
    let command = json!({"action": "STOP_PLAYBACK", "clientIDList": [client]});
    app.create(&format!("/cms/cinemas/{cinema}/commands"), "commandID", command).await;
    let path = format!("/cms/movies/{film}/_distribute");
    assert_eq!(app.send("DELETE", &path, Some(&app.token), Some(json!({"cinemaIDList": [cinema]}))).await.0, 200);
    let order = vec!["NEW_MOVIE", "NEW_VOD_TASK", "MOVIE_UPDATED", "VOD_TASK_UPDATED", "COMMAND", "MOVIE_WITHDRAWN"];
    (cinema, order)
}

#[tokio::test]
async fn every_message_a_poll_delivers_fits_the_documented_schema_of_its_type() {
    let app = spawn_app().await;
    let (cinema, order) = every_message(&app).await;
    let (_, doc) = app.send("GET", "/cms/openapi.json", None, None).await;
    let poll =
        &doc["paths"]["/cms/long_poll/{cinema_id}"]["get"]["responses"]["200"]["content"]["application/json"]["schema"];
    let messages = app.drain(&cinema).await;
    let types: Vec<&str> = messages.iter().map(|m| m["type"].as_str().unwrap()).collect();
    assert_eq!(types, order, "each change told in the order it committed");
    for m in &messages {
        fits(&doc, poll, m).unwrap_or_else(|e| panic!("{} does not fit the document: {e}", m["type"]));
    }
    assert!(
        fits(&doc, poll, &json!({"messageID": "x", "type": "NEW_MOVIE", "message": {}})).is_err(),
        "the check bites"
    );
}
