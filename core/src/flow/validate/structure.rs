//! Graph checks: ids, edges, branches, reachability, dead ends, cycles.

use std::collections::{BTreeMap, HashMap, HashSet};

use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::Bfs;

use super::{FindingCode, Sink};
use crate::flow::Flow;

pub(super) fn check(flow: &Flow, sink: &mut Sink) {
    if flow.triggers.is_empty() {
        sink.add(
            FindingCode::TriggerNone,
            None,
            "/triggers",
            "The flow has no trigger: nobody can enter it.",
        );
    }

    // Node ids → first index; later duplicates are reported and left out of the graph.
    let mut graph: DiGraph<usize, ()> = DiGraph::new();
    let mut index: HashMap<&str, NodeIndex> = HashMap::new();
    for (i, node) in flow.nodes.iter().enumerate() {
        if index.contains_key(node.id.as_str()) {
            sink.add(
                FindingCode::NodeDuplicateId,
                Some(&node.id),
                format!("/nodes/{i}/id"),
                format!(
                    "Another node already has the id \"{}\"; node ids must be unique.",
                    node.id
                ),
            );
            continue;
        }
        index.insert(node.id.as_str(), graph.add_node(i));
    }

    let start = index.get(flow.start.as_str()).copied();
    if start.is_none() {
        sink.add(
            FindingCode::StartMissing,
            None,
            "/start",
            format!(
                "The flow starts at \"{}\", but there is no node with that id.",
                flow.start
            ),
        );
    }

    // Edges: endpoints, labels, duplicates.
    let mut labels_seen: HashSet<(&str, &str)> = HashSet::new();
    let mut out_labels: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
    for (e, edge) in flow.edges.iter().enumerate() {
        let from = index.get(edge.from.as_str()).copied();
        let to = index.get(edge.to.as_str()).copied();
        if from.is_none() {
            sink.add(
                FindingCode::EdgeMissingSource,
                Some(&edge.from),
                format!("/edges/{e}/from"),
                format!(
                    "This connection starts at \"{}\", which is not a node of the flow.",
                    edge.from
                ),
            );
        }
        if to.is_none() {
            sink.add(
                FindingCode::EdgeMissingTarget,
                from.map(|_| &edge.from),
                format!("/edges/{e}/to"),
                format!(
                    "The \"{}\" branch of \"{}\" leads to \"{}\", which is not a node of the flow.",
                    edge.label, edge.from, edge.to
                ),
            );
        }
        let Some(from) = from else { continue };
        let node_pos = graph[from];
        let node = &flow.nodes[node_pos];
        let branches = node.kind.branches();
        if !branches.allows(&edge.label) {
            let allowed: Vec<&str> = branches
                .required
                .iter()
                .chain(&branches.optional)
                .map(String::as_str)
                .collect();
            let hint = if allowed.is_empty() {
                "it has no outgoing branches".to_owned()
            } else {
                format!("its branches are: {}", allowed.join(", "))
            };
            sink.add(
                FindingCode::EdgeUnknownLabel,
                Some(&node.id),
                format!("/edges/{e}/label"),
                format!(
                    "\"{}\" is not a branch of the {} node \"{}\": {hint}.",
                    edge.label,
                    node.kind.type_name(),
                    node.id
                ),
            );
            // Never followed at run time: leave it out of the graph.
            continue;
        }
        if !labels_seen.insert((edge.from.as_str(), edge.label.as_str())) {
            sink.add(
                FindingCode::EdgeDuplicateLabel,
                Some(&node.id),
                format!("/edges/{e}"),
                format!(
                    "The node \"{}\" already has a \"{}\" branch; a branch leads to one node.",
                    node.id, edge.label
                ),
            );
        }
        out_labels
            .entry(node_pos)
            .or_default()
            .push(edge.label.as_str());
        if let Some(to) = to {
            graph.add_edge(from, to, ());
        }
    }

    // Branches and dead ends.
    for idx in graph.node_indices() {
        let pos = graph[idx];
        let node = &flow.nodes[pos];
        let branches = node.kind.branches();
        let have = out_labels.get(&pos).map(Vec::as_slice).unwrap_or(&[]);
        let missing: Vec<&str> = branches
            .required
            .iter()
            .map(String::as_str)
            .filter(|l| !have.contains(l))
            .collect();
        if !missing.is_empty() {
            let plural = if missing.len() == 1 {
                "a branch"
            } else {
                "branches"
            };
            sink.add(
                FindingCode::BranchMissing,
                Some(&node.id),
                format!("/nodes/{pos}"),
                format!(
                    "The {} node \"{}\" needs {plural} for: {}.",
                    node.kind.type_name(),
                    node.id,
                    missing.join(", ")
                ),
            );
        } else if branches.required.is_empty() && !branches.terminal && have.is_empty() {
            sink.add(
                FindingCode::NodeDeadEnd,
                Some(&node.id),
                format!("/nodes/{pos}"),
                format!("Contacts stop after \"{}\" without reaching an exit or a goal; connect its \"next\" branch or add an exit.", node.id),
            );
        }
    }

    // Reachability from the start.
    if let Some(start) = start {
        let mut reached = HashSet::new();
        let mut bfs = Bfs::new(&graph, start);
        while let Some(n) = bfs.next(&graph) {
            reached.insert(n);
        }
        for idx in graph.node_indices() {
            if !reached.contains(&idx) {
                let node = &flow.nodes[graph[idx]];
                sink.add(
                    FindingCode::NodeUnreachable,
                    Some(&node.id),
                    format!("/nodes/{}", graph[idx]),
                    format!(
                        "No path from the start \"{}\" reaches \"{}\".",
                        flow.start, node.id
                    ),
                );
            }
        }
    }

    // Cycles that never pause.
    for scc in tarjan_scc(&graph) {
        let is_cycle = scc.len() > 1 || scc.iter().any(|&n| graph.contains_edge(n, n));
        if !is_cycle || scc.iter().any(|&n| flow.nodes[graph[n]].kind.pauses()) {
            continue;
        }
        let mut positions: Vec<usize> = scc.iter().map(|&n| graph[n]).collect();
        positions.sort_unstable();
        let first = positions[0];
        let ids: Vec<&str> = positions
            .iter()
            .map(|&p| flow.nodes[p].id.as_str())
            .collect();
        sink.add(
            FindingCode::CycleNoWait,
            Some(&flow.nodes[first].id),
            format!("/nodes/{first}"),
            format!("The loop {} can repeat without a wait, a question or a menu: contacts would spin through it endlessly.", ids.join(" → ")),
        );
    }
}
