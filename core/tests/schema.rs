//! The committed JSON Schema of the flow format must match the Rust types.
//!
//! Regenerate with `make schema` (sets `SEQUENZA_BLESS=1`).

use std::path::PathBuf;

fn generated() -> String {
    let schema = schemars::schema_for!(sequenza::Flow);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

#[test]
fn committed_flow_schema_matches_the_types() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("schema/flow.schema.json");
    let now = generated();
    if std::env::var_os("SEQUENZA_BLESS").is_some() {
        std::fs::write(&path, &now).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == now,
        "core/schema/flow.schema.json is out of date: run `make schema` and commit the result"
    );
}

#[test]
fn schema_is_valid_json_with_a_title() {
    let v: serde_json::Value = serde_json::from_str(&generated()).unwrap();
    assert_eq!(v["title"], "Flow");
    assert!(v["$defs"]["NodeKind"].is_object() || v["$defs"]["Node"].is_object());
}
