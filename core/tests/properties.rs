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

/// Node kinds that never pause, planted in a ring.
const SPINNERS: &[&str] = &["send", "tags", "condition"];

/// Adds a ring `r0 → r1 → … → r0` of non-pausing nodes to a random flow. A condition goes on
/// along `yes` and through a wait back to itself along `no`, so the ring shares its group of
/// nodes with a loop that waits. `links` add edges from random nodes into the ring.
fn plant_ring(mut doc: Value, ring: &[usize], links: &[(usize, usize)]) -> Value {
    let n = doc["nodes"].as_array().unwrap().len();
    let k = ring.len();
    let mut nodes = Vec::new();
    let mut edges = Vec::new();
    for (i, &kind) in ring.iter().enumerate() {
        let id = format!("r{i}");
        let next = format!("r{}", (i + 1) % k);
        nodes.push(node_json(&id, SPINNERS[kind]));
        if SPINNERS[kind] == "condition" {
            let wait = format!("w{i}");
            nodes.push(node_json(&wait, "wait"));
            edges.push(json!({"from": id, "to": next, "label": "yes"}));
            edges.push(json!({"from": id, "to": wait, "label": "no"}));
            edges.push(json!({"from": wait, "to": id, "label": "next"}));
        } else {
            edges.push(json!({"from": id, "to": next, "label": "next"}));
        }
    }
    for &(from, to) in links {
        edges.push(json!({"from": format!("n{}", from % n), "to": format!("r{}", to % k), "label": "next"}));
    }
    doc["nodes"].as_array_mut().unwrap().extend(nodes);
    doc["edges"].as_array_mut().unwrap().extend(edges);
    doc
}

/// The successor map with the pausing nodes (wait, wait_for, question, menu) taken out.
fn spinning(
    succ: &BTreeMap<String, BTreeSet<String>>,
    flow: &Flow,
) -> BTreeMap<String, BTreeSet<String>> {
    let pauses = |id: &str| flow.node(id).is_some_and(|n| n.kind.pauses());
    succ.iter()
        .filter(|(n, _)| !pauses(n))
        .map(|(n, s)| {
            (
                n.clone(),
                s.iter().filter(|t| !pauses(t)).cloned().collect(),
            )
        })
        .collect()
}

/// True when `n` can reach itself in one step or more.
fn on_cycle(succ: &BTreeMap<String, BTreeSet<String>>, n: &str) -> bool {
    succ.get(n)
        .is_some_and(|s| s.iter().any(|t| reachable(succ, t).contains(n)))
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

        // A cycle finding exactly when a loop can repeat without a pausing node, naming a node
        // of such a loop.
        let spin = spinning(&succ, &flow);
        let flagged: Vec<String> = findings
            .iter()
            .filter(|f| f.code == "flow.cycle.no_wait")
            .filter_map(|f| f.node.as_ref().map(|n| n.to_string()))
            .collect();
        for n in &flagged {
            prop_assert!(on_cycle(&spin, n), "{} is flagged but lies on no loop without a pause", n);
        }
        let has_cycle = spin.keys().any(|n| on_cycle(&spin, n));
        prop_assert_eq!(has_cycle, !flagged.is_empty());
    }

    /// The other direction: a loop planted without a pause is always found, also when it shares
    /// nodes with a loop that does pause (a condition whose `no` branch waits and comes back).
    #[test]
    fn planted_spinning_loops_are_flagged(
        doc in arb_flow(),
        ring in prop::collection::vec(0..SPINNERS.len(), 1..5),
        links in prop::collection::vec((0usize..12, 0usize..5), 0..4),
    ) {
        let doc = plant_ring(doc, &ring, &links);
        let flow = Flow::from_json(&doc.to_string()).unwrap();
        let findings = validate_flow(&flow, None);
        let spin = spinning(&successors(&doc, &flow), &flow);
        let flagged: Vec<String> = findings
            .iter()
            .filter(|f| f.code == "flow.cycle.no_wait")
            .filter_map(|f| f.node.as_ref().map(|n| n.to_string()))
            .collect();
        // The ring's first node lies on the planted loop; some finding names a node of its loop.
        let reach_r0 = reachable(&spin, "r0");
        prop_assert!(
            flagged.iter().any(|n| reach_r0.contains(n) && reachable(&spin, n).contains("r0")),
            "planted loop through r0 not flagged: {:?}", findings
        );
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
