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

/// Frontend builders validate flows with the committed schema: every valid example must pass it,
/// and a node with an unknown key must fail it, as it fails `Flow::from_json`.
#[test]
fn committed_schema_accepts_every_example_flow() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("core/schema/flow.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let mut checked = 0;
    for entry in std::fs::read_dir(root.join("examples/flows")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let doc: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&doc)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{} fails the schema: {errors:#?}",
            path.display()
        );
        checked += 1;
    }
    assert!(checked >= 12, "only {checked} example flows found");

    let bad = serde_json::json!({"id": "f", "name": "f", "triggers": [{"type": "event", "event": "x"}],
        "start": "a", "nodes": [{"id": "a", "type": "exit", "colour": "red"}]});
    assert!(!validator.is_valid(&bad));
}
