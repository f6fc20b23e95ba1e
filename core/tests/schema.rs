//! The committed JSON Schemas must match the Rust types: the flow format
//! (`core/schema/flow.schema.json`) and every model type that crosses the binding boundary
//! (`core/schema/model.schema.json`, one `$defs` entry per type; the TypeScript types of both
//! npm packages are generated from it, see `tools/gen-model-types.mjs`).
//!
//! Regenerate with `make schema` (sets `SEQUENZA_BLESS=1`, then regenerates `model.d.ts`).

use std::path::PathBuf;

use schemars::generate::SchemaSettings;
use schemars::JsonSchema;

fn pretty(value: &impl serde::Serialize) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

fn generated() -> String {
    pretty(&schemars::schema_for!(sequenza::Flow))
}

/// Every model type a binding takes or returns, by the name its TypeScript type gets.
fn model() -> String {
    use sequenza::{condition, flow, import, list, model, segment, time};
    let mut generator = SchemaSettings::draft2020_12().into_generator();
    let mut roots = serde_json::Map::new();
    let mut add = |name: &str, schema: schemars::Schema| {
        roots.insert(name.to_owned(), schema.to_value());
    };
    macro_rules! types {
        ($($t:ty),* $(,)?) => {$(
            add(&<$t as JsonSchema>::schema_name(), generator.subschema_for::<$t>());
        )*};
    }
    types!(
        // flows and their validation
        flow::Flow,
        flow::FlowStatus,
        sequenza::Finding,
        sequenza::Severity,
        // contacts, events, fields
        model::Contact,
        model::Event,
        model::FieldSchema,
        model::Value,
        model::Channel,
        // conditions and segments
        condition::Condition,
        segment::Segment,
        segment::MembershipDelta,
        // time
        flow::SendPolicy,
        flow::WaitNode,
        time::Decision,
        time::RecurrenceRule,
        time::FrequencyCap,
        time::CapPolicy,
        time::ZoneSource,
        time::Duration,
        time::Weekday,
        // lists
        list::List,
        list::Source,
        list::ListChange,
        list::MemberPage,
        list::TriggerHit,
        list::Activity,
        list::ActivityRecord,
        // CSV import
        import::ImportOptions,
        import::ImportReport,
        import::ListImport,
        import::PartialImport,
        import::Preview,
        import::Progress,
    );
    let defs = generator.take_definitions(true);
    // Every root must be a named definition, so that it becomes one named TypeScript type.
    for (name, schema) in &roots {
        let reference = format!("#/$defs/{name}");
        assert_eq!(
            schema.get("$ref").and_then(|r| r.as_str()),
            Some(reference.as_str()),
            "{name} is not a named definition"
        );
    }
    pretty(&serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://sequenza.dev/schema/model.schema.json",
        "title": "SequenzaModel",
        "description": "The JSON form of every sequenza model type the bindings take or return, one `$defs` entry per type. Generated from the Rust types by `make schema`; do not edit.",
        "$defs": defs,
    }))
}

/// Compares `text` with the committed `core/schema/<file>`, or writes it with `SEQUENZA_BLESS`.
fn check_committed(file: &str, now: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("schema")
        .join(file);
    if std::env::var_os("SEQUENZA_BLESS").is_some() {
        if let Err(e) = std::fs::write(&path, now) {
            panic!("cannot write {}: {e}", path.display());
        }
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == now,
        "core/schema/{file} is out of date: run `make schema` and commit the result"
    );
}

#[test]
fn committed_flow_schema_matches_the_types() {
    // Spelled as a path: `error_codes.rs` would read a bare "flow.…" literal as an error code.
    check_committed("./flow.schema.json", &generated());
}

#[test]
fn committed_model_schema_matches_the_types() {
    check_committed("./model.schema.json", &model());
}

#[test]
fn model_schema_names_every_boundary_type() {
    let v: serde_json::Value = serde_json::from_str(&model()).unwrap();
    for name in [
        "Flow",
        "Finding",
        "Contact",
        "Event",
        "FieldSchema",
        "Condition",
        "DateTest",
        "Segment",
        "SendPolicy",
        "RecurrenceRule",
        "CapPolicy",
        "List",
        "Source",
        "ImportOptions",
        "ImportReport",
        "Preview",
    ] {
        assert!(v["$defs"][name].is_object(), "no $defs entry for {name}");
    }
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
