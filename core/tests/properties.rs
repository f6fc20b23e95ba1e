//! Property tests: validation never panics, every finding locates a real place in the flow,
//! graph findings agree with an independent reachability / cycle computation.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use sequenza::error::code_info;
use sequenza::flow::merge::parse_merge_fields;
use sequenza::text::fold;
use sequenza::{validate_flow, Flow};
use serde_json::{json, Value};

const KINDS: &[&str] = &[
    "exit",
    "send",
    "wait",
    "condition",
    "wait_for",
    "tags",
    "goal",
];
const LABELS: &[&str] = &["next", "yes", "no", "met", "timeout", "bogus"];

fn node_json(id: &str, kind: &str) -> Value {
    match kind {
        "exit" => json!({"id": id, "type": "exit"}),
        "send" => {
            json!({"id": id, "type": "send", "channel": "sms", "content": {"body": "Ciao {{ first_name }}"}})
        }
        "wait" => json!({"id": id, "type": "wait", "duration": {"amount": 1, "unit": "days"}}),
        "condition" => json!({"id": id, "type": "condition",
            "condition": {"type": "tags", "op": "has_any", "tags": ["vip"]}}),
        "wait_for" => json!({"id": id, "type": "wait_for", "event": {"name": "order.placed"},
            "timeout": {"amount": 2, "unit": "hours"}}),
        "tags" => json!({"id": id, "type": "tags", "add": ["seen"]}),
        _ => json!({"id": id, "type": "goal", "name": "converted"}),
    }
}

/// A random flow: nodes of random kinds, random labelled edges (some to missing nodes, some with
/// labels the node does not have), a random start.
fn arb_flow() -> impl Strategy<Value = Value> {
    (1usize..12)
        .prop_flat_map(|n| {
            (
                prop::collection::vec(0..KINDS.len(), n),
                prop::collection::vec((0..n + 1, 0..n + 2, 0..LABELS.len()), 0..n * 3),
                0..n + 1,
            )
        })
        .prop_map(|(kinds, edges, start)| {
            let nodes: Vec<Value> =
                kinds.iter().enumerate().map(|(i, k)| node_json(&format!("n{i}"), KINDS[*k])).collect();
            let edges: Vec<Value> = edges
                .iter()
                .map(|(f, t, l)| json!({"from": format!("n{f}"), "to": format!("n{t}"), "label": LABELS[*l]}))
                .collect();
            json!({
                "id": "p", "name": "property", "triggers": [{"type": "event", "event": "x"}],
                "start": format!("n{start}"), "nodes": nodes, "edges": edges
            })
        })
}

/// Successors along edges that a contact can follow: both ends exist and the label is a branch
/// of the source node.
fn successors(doc: &Value, flow: &Flow) -> BTreeMap<String, BTreeSet<String>> {
    let ids: BTreeSet<String> = doc["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap().to_owned())
        .collect();
    let mut out: BTreeMap<String, BTreeSet<String>> =
        ids.iter().map(|i| (i.clone(), BTreeSet::new())).collect();
    for e in doc["edges"].as_array().unwrap() {
        let (f, t) = (e["from"].as_str().unwrap(), e["to"].as_str().unwrap());
        let followed = flow
            .node(f)
            .is_some_and(|n| n.kind.branches().allows(e["label"].as_str().unwrap()));
        if ids.contains(f) && ids.contains(t) && followed {
            out.get_mut(f).unwrap().insert(t.to_owned());
        }
    }
    out
}

fn reachable(succ: &BTreeMap<String, BTreeSet<String>>, start: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack = vec![start.to_owned()];
    while let Some(n) = stack.pop() {
        if succ.contains_key(&n) && seen.insert(n.clone()) {
            stack.extend(succ[&n].iter().cloned());
        }
    }
    seen
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn findings_locate_and_agree_with_reachability(doc in arb_flow()) {
        let text = doc.to_string();
        let flow = Flow::from_json(&text).unwrap();
        let findings = validate_flow(&flow, None);
        let round: Value = serde_json::from_str(&flow.to_json()).unwrap();

        for f in &findings {
            prop_assert!(code_info(f.code.as_str()).is_some_and(|c| c.severity == Some(f.severity)), "unknown code {}", f.code);
            let parent = f.path.rsplit_once('/').map_or("", |(p, _)| p);
            prop_assert!(
                round.pointer(&f.path).is_some() || round.pointer(parent).is_some(),
                "finding {} points nowhere: {}", f.code, f.path
            );
            if let Some(node) = &f.node {
                prop_assert!(flow.node(node.as_str()).is_some() || f.code == "flow.edge.missing_source");
            }
        }

        let succ = successors(&doc, &flow);
        let start = doc["start"].as_str().unwrap();
        let reported: BTreeSet<String> = findings
            .iter()
            .filter(|f| f.code == "flow.node.unreachable")
            .filter_map(|f| f.node.as_ref().map(|n| n.to_string()))
            .collect();
        if succ.contains_key(start) {
            let reach = reachable(&succ, start);
            let expected: BTreeSet<String> = succ.keys().filter(|k| !reach.contains(*k)).cloned().collect();
            prop_assert_eq!(reported, expected);
        } else {
            prop_assert!(findings.iter().any(|f| f.code == "flow.start.missing"));
            prop_assert!(reported.is_empty());
        }

        // A cycle finding needs a real cycle: some node reaches itself.
        let has_cycle = succ.keys().any(|n| succ[n].iter().any(|s| reachable(&succ, s).contains(n)));
        if !has_cycle {
            prop_assert!(findings.iter().all(|f| f.code != "flow.cycle.no_wait"));
        }
    }

    #[test]
    fn parsing_arbitrary_text_never_panics(text in ".{0,200}") {
        let _ = Flow::from_json(&text);
        let _ = parse_merge_fields(&text);
    }

    #[test]
    fn truncated_flows_fail_with_a_location(doc in arb_flow(), cut in 0.0f64..1.0) {
        let text = serde_json::to_string_pretty(&doc).unwrap();
        let at = ((text.len() as f64) * cut) as usize;
        let at = (0..=at).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
        if at < text.len() {
            let err = Flow::from_json(&text[..at]).unwrap_err();
            prop_assert!(err.code().starts_with("format."));
            let sequenza::Error::Format(f) = &err else { unreachable!() };
            prop_assert!(f.line >= 1);
        }
    }

    #[test]
    fn fold_is_idempotent(text in "\\PC{0,40}") {
        let once = fold(&text);
        prop_assert_eq!(fold(&once), once.clone());
    }

    #[test]
    fn merge_fields_offsets_point_at_braces(text in "[a-z {}|\"_.]{0,60}") {
        for m in parse_merge_fields(&text) {
            let offset = match m { Ok(m) => m.offset, Err(e) => e.offset };
            prop_assert_eq!(&text[offset..offset + 2], "{{");
        }
    }
}

#[test]
fn canonical_form_is_idempotent_and_order_free() {
    let c = sequenza::condition::Condition::from_json(
        r#"{"type": "or", "conditions": [
            {"type": "not", "condition": {"type": "not", "condition": {"type": "in_list", "list": "b"}}},
            {"type": "or", "conditions": [{"type": "tags", "op": "has_all", "tags": ["z", "a", "z"]}]},
            {"type": "in_list", "list": "a"}]}"#,
    )
    .unwrap();
    let once = c.canonical();
    assert_eq!(once.canonical(), once);
    assert_eq!(
        once.to_string(),
        r#"in list "a" or in list "b" or tags has all ("a", "z")"#
    );
}
