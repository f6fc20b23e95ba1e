//! A flow version prepared for running: node indexes, edges by label, compiled conditions and
//! send policies.

use std::collections::HashMap;

use chrono_tz::Tz;

use super::error::{EngineCode, EngineError};
use crate::condition::eval::CompiledCondition;
use crate::condition::Condition;
use crate::flow::{Flow, NodeKind, Recipients, SendPolicy, Trigger};
use crate::model::{FieldSchema, NodeId};
use crate::time::{Policy, Recurring};

/// The compiled parts of one node.
#[derive(Debug, Default)]
pub(crate) struct NodeParts {
    /// Condition node / wait-for condition.
    pub condition: Option<CompiledCondition>,
    /// Split cases, in order.
    pub cases: Vec<CompiledCondition>,
    /// Wait-for event filter (on event properties).
    pub event_filter: Option<CompiledCondition>,
    /// The send policy of a send / question / menu node (the flow's and the node's, stricter
    /// wins).
    pub policy: Option<Policy>,
    /// Edges leaving the node: (label, target index).
    pub edges: Vec<(String, u32)>,
}

/// One trigger's compiled parts.
#[derive(Debug, Default)]
pub(crate) struct TriggerParts {
    /// Event filter, schedule condition or manual filter.
    pub condition: Option<CompiledCondition>,
    /// The recurrence of a schedule trigger.
    pub recurring: Option<Recurring>,
}

/// A flow version ready to run.
#[derive(Debug)]
pub(crate) struct CompiledFlow {
    pub flow: Flow,
    /// Node indexes by id (migration by node id, issue 12, reads it).
    #[allow(dead_code)]
    pub index: HashMap<NodeId, u32>,
    pub nodes: Vec<NodeParts>,
    pub triggers: Vec<TriggerParts>,
    pub start: u32,
    pub entry: Option<CompiledCondition>,
    pub goal: Option<CompiledCondition>,
    pub exit: Option<CompiledCondition>,
}

fn compile(
    c: &Condition,
    schema: Option<&FieldSchema>,
    flow: &Flow,
    path: &str,
) -> crate::Result<CompiledCondition> {
    CompiledCondition::compile(c, schema).map_err(|e| {
        let inner = e.path().unwrap_or("").to_owned();
        EngineError::new(EngineCode::FlowInvalid, e.message())
            .flow(&flow.id)
            .path(format!("{path}{inner}"))
            .into_error()
    })
}

fn policy(parts: &[&SendPolicy], flow: &Flow, path: &str) -> crate::Result<Policy> {
    Policy::combine(parts).map_err(|e| {
        EngineError::new(EngineCode::FlowInvalid, e.message())
            .flow(&flow.id)
            .path(format!("{path}{}", e.path().unwrap_or("")))
            .into_error()
    })
}

impl CompiledFlow {
    /// Compiles a flow version (already validated).
    pub fn new(flow: Flow, schema: Option<&FieldSchema>, default_zone: Tz) -> crate::Result<Self> {
        let index: HashMap<NodeId, u32> = flow
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.id.clone(), i as u32))
            .collect();
        let start = *index.get(&flow.start).ok_or_else(|| {
            EngineError::new(EngineCode::FlowInvalid, "`start` names no node of the flow")
                .flow(&flow.id)
                .path("/start")
                .into_error()
        })?;
        let settings = &flow.settings;
        let mut nodes = Vec::with_capacity(flow.nodes.len());
        for (i, node) in flow.nodes.iter().enumerate() {
            let at = format!("/nodes/{i}");
            let mut parts = NodeParts::default();
            match &node.kind {
                NodeKind::Condition(c) => {
                    parts.condition = Some(compile(
                        &c.condition,
                        schema,
                        &flow,
                        &format!("{at}/condition"),
                    )?);
                }
                NodeKind::Split(s) => {
                    for (j, case) in s.cases.iter().enumerate() {
                        parts.cases.push(compile(
                            &case.condition,
                            schema,
                            &flow,
                            &format!("{at}/cases/{j}/condition"),
                        )?);
                    }
                }
                NodeKind::WaitFor(w) => {
                    if let Some(c) = &w.condition {
                        parts.condition =
                            Some(compile(c, schema, &flow, &format!("{at}/condition"))?);
                    }
                    if let Some(f) = w.event.as_ref().and_then(|e| e.filter.as_ref()) {
                        parts.event_filter =
                            Some(compile(f, None, &flow, &format!("{at}/event/filter"))?);
                    }
                }
                NodeKind::Send(s) => {
                    let mut ps = vec![&settings.send_policy];
                    if let Some(p) = &s.policy {
                        ps.push(p);
                    }
                    parts.policy = Some(policy(&ps, &flow, &format!("{at}/policy"))?);
                }
                NodeKind::Question(_) | NodeKind::Menu(_) => {
                    parts.policy = Some(policy(
                        &[&settings.send_policy],
                        &flow,
                        "/settings/send_policy",
                    )?);
                }
                _ => {}
            }
            for e in flow.successors(node.id.as_str()) {
                if let Some(t) = index.get(&e.to) {
                    parts.edges.push((e.label.clone(), *t));
                }
            }
            nodes.push(parts);
        }
        let zone = settings
            .send_policy
            .time_zone
            .as_deref()
            .and_then(|z| z.trim().parse::<Tz>().ok())
            .unwrap_or(default_zone);
        let mut triggers = Vec::with_capacity(flow.triggers.len());
        for (i, t) in flow.triggers.iter().enumerate() {
            let at = format!("/triggers/{i}");
            let mut parts = TriggerParts::default();
            match t {
                Trigger::Event {
                    filter: Some(f), ..
                } => parts.condition = Some(compile(f, None, &flow, &format!("{at}/filter"))?),
                Trigger::Schedule {
                    recurrence,
                    condition,
                } => {
                    if let Some(c) = condition {
                        parts.condition =
                            Some(compile(c, schema, &flow, &format!("{at}/condition"))?);
                    }
                    parts.recurring = Some(recurrence.compile(zone).map_err(|e| {
                        EngineError::new(EngineCode::FlowInvalid, e.message())
                            .flow(&flow.id)
                            .path(format!("{at}/recurrence"))
                            .into_error()
                    })?);
                }
                Trigger::Manual {
                    recipients: Recipients::Filter { condition },
                } => {
                    parts.condition = Some(compile(
                        condition,
                        schema,
                        &flow,
                        &format!("{at}/recipients/condition"),
                    )?);
                }
                _ => {}
            }
            triggers.push(parts);
        }
        let entry = match &settings.entry.condition {
            Some(c) => Some(compile(c, schema, &flow, "/settings/entry/condition")?),
            None => None,
        };
        let goal = match &settings.goal {
            Some(g) => Some(compile(
                &g.condition,
                schema,
                &flow,
                "/settings/goal/condition",
            )?),
            None => None,
        };
        let exit = match &settings.exit_condition {
            Some(c) => Some(compile(c, schema, &flow, "/settings/exit_condition")?),
            None => None,
        };
        Ok(CompiledFlow {
            flow,
            index,
            nodes,
            triggers,
            start,
            entry,
            goal,
            exit,
        })
    }

    /// The target of the edge leaving node `node` with `label`.
    pub fn edge(&self, node: u32, label: &str) -> Option<u32> {
        self.nodes
            .get(node as usize)?
            .edges
            .iter()
            .find(|(l, _)| l == label)
            .map(|(_, t)| *t)
    }

    /// The id of a node.
    pub fn node_id(&self, node: u32) -> Option<&NodeId> {
        self.flow.nodes.get(node as usize).map(|n| &n.id)
    }
}
