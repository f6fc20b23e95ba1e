//! Checks across a set of flows.

use std::collections::HashMap;

use petgraph::algo::tarjan_scc;
use petgraph::graph::DiGraph;

use super::{finding, Finding, FindingCode};
use crate::condition::{Condition, FieldOp};
use crate::flow::{
    Flow, FlowStatus, KeywordMode, MembershipChange, MessageMatch, NodeKind, Trigger,
};
use crate::model::Channel;
use crate::text::fold;

pub(super) fn check(flows: &[Flow]) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut by_id: HashMap<&str, usize> = HashMap::new();
    for (i, f) in flows.iter().enumerate() {
        if let Some(&first) = by_id.get(f.id.as_str()) {
            out.push(finding(
                &f.id,
                FindingCode::FlowsIdDuplicate,
                None,
                "/id".to_owned(),
                format!(
                    "Flows {first} and {i} of the set both have the id \"{}\".",
                    f.id
                ),
            ));
        } else {
            by_id.insert(f.id.as_str(), i);
        }
    }
    keywords(flows, &mut out);
    keyword_overlaps(flows, &mut out);
    launches(flows, &by_id, &mut out);
    schedules(flows, &mut out);
    out
}

fn keywords(flows: &[Flow], out: &mut Vec<Finding>) {
    let mut owner: HashMap<(Channel, String), &str> = HashMap::new();
    for f in flows.iter().filter(|f| f.status == FlowStatus::Active) {
        for (t, trigger) in f.triggers.iter().enumerate() {
            let Trigger::InboundMessage {
                channel,
                matching: MessageMatch::Keyword { keywords, .. },
            } = trigger
            else {
                continue;
            };
            for (k, kw) in keywords.iter().enumerate() {
                let key = fold(kw);
                if key.is_empty() {
                    continue;
                }
                match owner.get(&(*channel, key.clone())) {
                    Some(other) if *other != f.id.as_str() => out.push(finding(
                        &f.id,
                        FindingCode::FlowsKeywordDuplicate,
                        None,
                        format!("/triggers/{t}/match/keywords/{k}"),
                        format!("The keyword \"{kw}\" already starts the active flow \"{other}\" on {channel}; two flows cannot answer the same keyword."),
                    )),
                    Some(_) => {}
                    None => {
                        owner.insert((*channel, key), f.id.as_str());
                    }
                }
            }
        }
    }
}

/// Keywords of different active flows where a message matching one also matches the other
/// (`exact "INFO PREZZI"` and `contains "INFO"`). Equal keywords are reported as duplicates.
fn keyword_overlaps(flows: &[Flow], out: &mut Vec<Finding>) {
    struct Kw<'a> {
        flow: &'a Flow,
        channel: Channel,
        text: String,
        raw: &'a str,
        mode: KeywordMode,
        path: String,
    }
    let mut all: Vec<Kw<'_>> = Vec::new();
    for f in flows.iter().filter(|f| f.status == FlowStatus::Active) {
        for (t, trigger) in f.triggers.iter().enumerate() {
            let Trigger::InboundMessage {
                channel,
                matching: MessageMatch::Keyword { keywords, mode },
            } = trigger
            else {
                continue;
            };
            for (k, kw) in keywords.iter().enumerate() {
                let text = fold(kw);
                if !text.is_empty() {
                    all.push(Kw {
                        flow: f,
                        channel: *channel,
                        text,
                        raw: kw,
                        mode: *mode,
                        path: format!("/triggers/{t}/match/keywords/{k}"),
                    });
                }
            }
        }
    }
    let hits = |message: &str, kw: &Kw<'_>| match kw.mode {
        KeywordMode::Exact => message == kw.text,
        KeywordMode::Contains => message.contains(kw.text.as_str()),
        KeywordMode::StartsWith => message.starts_with(kw.text.as_str()),
    };
    for (i, b) in all.iter().enumerate() {
        for a in &all[..i] {
            if a.channel != b.channel || a.flow.id == b.flow.id || a.text == b.text {
                continue;
            }
            if hits(&a.text, b) || hits(&b.text, a) {
                out.push(finding(
                    &b.flow.id,
                    FindingCode::FlowsKeywordOverlap,
                    None,
                    b.path.clone(),
                    format!("A message can match both the keyword \"{}\" of this flow and \"{}\" of the active flow \"{}\" on {}; only one flow should answer it.", b.raw, a.raw, a.flow.id, b.channel),
                ));
            }
        }
    }
}

fn launches(flows: &[Flow], by_id: &HashMap<&str, usize>, out: &mut Vec<Finding>) {
    let mut graph: DiGraph<usize, ()> = DiGraph::new();
    let nodes: Vec<_> = (0..flows.len()).map(|i| graph.add_node(i)).collect();
    // (flow index, path of the launching node) per graph edge source, for messages.
    let mut launch_path: HashMap<(usize, usize), (String, &crate::model::NodeId)> = HashMap::new();
    for (i, f) in flows.iter().enumerate() {
        if by_id.get(f.id.as_str()) != Some(&i) {
            continue; // a duplicate id; already reported
        }
        for (n, node) in f.nodes.iter().enumerate() {
            let NodeKind::LaunchFlow(l) = &node.kind else {
                continue;
            };
            match by_id.get(l.flow.as_str()) {
                Some(&target) => {
                    graph.update_edge(nodes[i], nodes[target], ());
                    launch_path
                        .entry((i, target))
                        .or_insert((format!("/nodes/{n}/flow"), &node.id));
                }
                None => out.push(finding(
                    &f.id,
                    FindingCode::FlowsLaunchUnknownFlow,
                    Some(&node.id),
                    format!("/nodes/{n}/flow"),
                    format!(
                        "\"{}\" launches the flow \"{}\", which is not among the flows checked.",
                        node.id, l.flow
                    ),
                )),
            }
        }
    }
    for scc in tarjan_scc(&graph) {
        let is_cycle = scc.len() > 1 || scc.iter().any(|&n| graph.contains_edge(n, n));
        if !is_cycle {
            continue;
        }
        let mut members: Vec<usize> = scc.iter().map(|&n| graph[n]).collect();
        members.sort_unstable();
        let names: Vec<&str> = members.iter().map(|&m| flows[m].id.as_str()).collect();
        for &m in &members {
            let target = members
                .iter()
                .copied()
                .find(|&t| launch_path.contains_key(&(m, t)));
            let Some((path, node)) = target.and_then(|t| launch_path.get(&(m, t))) else {
                continue;
            };
            out.push(finding(
                &flows[m].id,
                FindingCode::FlowsLaunchCycle,
                Some(node),
                path.clone(),
                format!(
                    "The flows {} launch each other in a loop.",
                    names.join(" → ")
                ),
            ));
        }
    }
}

/// An automatic send whose condition is the same as another active flow's start condition.
fn schedules(flows: &[Flow], out: &mut Vec<Finding>) {
    let active: Vec<(usize, &Flow)> = flows
        .iter()
        .enumerate()
        .filter(|(_, f)| f.status == FlowStatus::Active)
        .collect();
    for &(a, fa) in &active {
        for (t, trigger) in fa.triggers.iter().enumerate() {
            let Trigger::Schedule {
                condition: Some(cond),
                ..
            } = trigger
            else {
                continue;
            };
            let canon = cond.canonical();
            for &(b, fb) in &active {
                if a == b {
                    continue;
                }
                let clash = fb.triggers.iter().any(|tb| match tb {
                    // Two equal automatic sends: report the pair once.
                    Trigger::Schedule { .. } => a < b && schedule_clash(&canon, tb),
                    _ => schedule_clash(&canon, tb),
                });
                if clash {
                    out.push(finding(
                        &fa.id,
                        FindingCode::FlowsScheduleConflict,
                        None,
                        format!("/triggers/{t}/condition"),
                        format!("This automatic send starts on the same condition ({cond}) as the flow \"{}\": one can keep the other from ever starting. Use one or the other.", fb.id),
                    ));
                }
            }
        }
    }
}

/// Whether an automatic send whose condition is `canon` (in [`Condition::canonical`] form) starts
/// on the same condition as `other`: another automatic send with an equal condition, entering
/// the segment or list the condition tests, or a change of the field it tests. One can keep the
/// other from ever starting (the source documents' warning). The engine's schedule preview
/// reports the same clashes.
pub(crate) fn schedule_clash(canon: &Condition, other: &Trigger) -> bool {
    match other {
        Trigger::Schedule {
            condition: Some(c), ..
        } => c.canonical() == *canon,
        Trigger::Segment {
            segment,
            on: MembershipChange::Entered,
        } => matches!(canon, Condition::InSegment { segment: s } if s == segment),
        Trigger::List {
            list,
            on: MembershipChange::Entered,
        } => matches!(canon, Condition::InList { list: l } if l == list),
        Trigger::FieldChanged { field, to } => match canon {
            Condition::Field {
                field: f,
                op: FieldOp::Eq,
                value,
                ..
            } => f == field && (to.is_none() || to == value),
            Condition::Field {
                field: f,
                op: FieldOp::IsSet,
                ..
            } => f == field && to.is_none(),
            _ => false,
        },
        _ => false,
    }
}
