//! A small valid value of a schema of the OpenAPI document, so a request reaches the use case that decides who may make it instead of stopping at input checks.

use serde_json::{json, Map, Value};

/// A value of `schema` (resolved against `doc`'s components): its example when it has one, else
/// the first of its enum, else the required fields of an object filled the same way.
pub fn sample(doc: &Value, schema: &Value) -> Value {
    if let Some(name) = schema["$ref"].as_str().and_then(|r| r.strip_prefix("#/components/schemas/")) {
        return sample(doc, &doc["components"]["schemas"][name]);
    }
    if let Some(example) = schema.get("example") {
        return example.clone();
    }
    if let Some(first) = schema["enum"].as_array().and_then(|e| e.first()) {
        return first.clone();
    }
    if let Some(parts) = schema["allOf"].as_array() {
        let mut merged = Map::new();
        for part in parts {
            if let Value::Object(fields) = sample(doc, part) {
                merged.extend(fields);
            }
        }
        return Value::Object(merged);
    }
    if let Some(first) = ["oneOf", "anyOf"].iter().find_map(|k| schema[*k].as_array()) {
        let some = first.iter().find(|s| s["type"] != "null").unwrap_or(&Value::Null);
        return sample(doc, some);
    }
    let kind = match &schema["type"] {
        Value::Array(kinds) => kinds.iter().find(|k| *k != "null").cloned().unwrap_or(Value::Null),
        other => other.clone(),
    };
    match kind.as_str() {
        Some("object") => {
            let required = schema["required"].as_array().cloned().unwrap_or_default();
            let fields = required
                .iter()
                .filter_map(Value::as_str)
                .map(|f| (f.to_string(), sample(doc, &schema["properties"][f])));
            Value::Object(fields.collect())
        }
        Some("integer" | "number") => json!(1),
        Some("boolean") => json!(false),
        Some("array") => json!([]),
        Some("string") => json!("probe"),
        _ => Value::Null,
    }
}
