//! Flow validation: findings a marketer can act on, each with a stable code, a severity, the
//! node and the JSON path.
//!
//! Validation never fails: a broken flow yields findings, not an error. The codes are stable and
//! listed in [`CODES`].
//!
//! ```
//! use sequenza::{validate_flow, Flow, Severity};
//! let flow = Flow::from_json(r#"{
//!   "id": "f", "name": "Broken", "triggers": [{"type": "event", "event": "signup"}],
//!   "start": "check",
//!   "nodes": [{"id": "check", "type": "condition",
//!              "condition": {"type": "tags", "op": "has_any", "tags": ["vip"]}},
//!             {"id": "bye", "type": "exit"}],
//!   "edges": [{"from": "check", "to": "bye", "label": "yes"}]
//! }"#).unwrap();
//! let findings = validate_flow(&flow, None);
//! assert_eq!(findings.len(), 1);
//! assert_eq!(findings[0].code, "flow.branch.missing");
//! assert_eq!(findings[0].severity, Severity::Error);
//! assert_eq!(findings[0].node.as_ref().map(|n| n.as_str()), Some("check"));
//! assert_eq!(findings[0].path, "/nodes/0");
//! ```

mod content;
mod set;
mod structure;

use serde::{Deserialize, Serialize};

use super::Flow;
use crate::model::{FieldSchema, FlowId, NodeId};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Severity {
    /// The flow cannot run as intended; it should not be activated.
    Error,
    /// The flow runs, but probably not as intended.
    Warning,
}

impl Severity {
    /// The JSON name: `error` or `warning`.
    ///
    /// ```
    /// assert_eq!(sequenza::Severity::Warning.as_str(), "warning");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One validation finding.
///
/// JSON: `{"code", "severity", "flow", "node", "path", "message"}`; `node` is `null` when the
/// finding is about the flow as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Finding {
    /// Stable machine code (see [`CODES`]).
    pub code: String,
    /// Error or warning.
    pub severity: Severity,
    /// The flow the finding is about.
    pub flow: FlowId,
    /// The node the finding is about, if any.
    pub node: Option<NodeId>,
    /// JSON pointer (RFC 6901) into the flow document.
    pub path: String,
    /// What is wrong, in words a marketer understands.
    pub message: String,
}

/// Every finding code, with its severity and what it means.
pub const CODES: &[(&str, Severity, &str)] = &[
    ("flow.trigger.none", Severity::Error, "the flow has no trigger"),
    ("flow.start.missing", Severity::Error, "`start` names no node of the flow"),
    ("flow.node.duplicate_id", Severity::Error, "two nodes share an id"),
    ("flow.edge.missing_source", Severity::Error, "an edge leaves a node that does not exist"),
    ("flow.edge.missing_target", Severity::Error, "an edge leads to a node that does not exist"),
    ("flow.edge.unknown_label", Severity::Error, "an edge label is not a branch of its node"),
    ("flow.edge.duplicate_label", Severity::Error, "a node has two edges with the same label"),
    ("flow.branch.missing", Severity::Error, "a required branch (yes/no, timeout, failure, a case) has no edge"),
    ("flow.node.unreachable", Severity::Warning, "no path from the start reaches the node"),
    ("flow.node.dead_end", Severity::Warning, "a path ends on a node that is not an exit or a goal"),
    ("flow.cycle.no_wait", Severity::Error, "a loop can repeat without passing a wait, question or menu"),
    ("flow.random_split.sum", Severity::Error, "random split percentages do not sum to 100"),
    ("flow.branch.duplicate_name", Severity::Error, "two cases, variants or options share a name"),
    ("flow.wait.spec", Severity::Error, "a wait needs exactly one of duration / until (event / condition)"),
    ("flow.wait.non_positive", Severity::Error, "a wait or timeout is zero or negative"),
    ("flow.wait.too_long", Severity::Warning, "a wait or timeout is longer than a year"),
    ("flow.time_zone.unknown", Severity::Error, "a time zone is not an IANA zone name"),
    ("flow.time.malformed", Severity::Error, "a local time is not HH:MM (00:00–23:59)"),
    ("flow.quiet_hours.malformed", Severity::Error, "a time window starts and ends at the same time"),
    ("flow.schedule.frequency_out_of_range", Severity::Error, "an automatic send checks more often than every 5 minutes or less often than every 24 hours"),
    ("flow.schedule.bad_day", Severity::Error, "a monthly recurrence names a day outside 1–31 (or -1)"),
    ("flow.send.missing_content", Severity::Error, "a send has no template and lacks the content its channel needs"),
    ("flow.send.channel_unsupported", Severity::Error, "questions, menus and inbound triggers work on WhatsApp and SMS only"),
    ("flow.merge_field.malformed", Severity::Error, "a `{{ … }}` merge field is malformed"),
    ("flow.merge_field.unknown", Severity::Error, "a merge field names an undeclared profile field"),
    ("flow.field.unknown", Severity::Error, "a node, trigger or condition names an undeclared profile field"),
    ("flow.question.invalid_pattern", Severity::Error, "an answer pattern is not a valid regular expression"),
    ("flow.options.empty", Severity::Error, "a choice answer, menu, split or random split has no options"),
    ("flow.condition.value", Severity::Error, "a comparison lacks its value, or `is_set`/`is_empty` has one"),
    ("flow.condition.too_deep", Severity::Error, "a condition is nested deeper than 64 levels"),
    ("flow.condition.invalid", Severity::Error, "a condition cannot be evaluated as written: a bad regular expression or date, a type mismatch with the declared field, a malformed operand"),
    ("flow.keyword.empty", Severity::Error, "a keyword trigger has an empty keyword or none"),
    ("flow.field.type_mismatch", Severity::Error, "a value, an answer or a date check does not fit the declared type of its field"),
    ("flow.api.timeout_out_of_range", Severity::Error, "an API call timeout is not between 1 and 300 seconds"),
    ("flow.url.invalid", Severity::Error, "an API call, webhook or feed URL is not http(s)"),
    ("flows.id.duplicate", Severity::Error, "two flows share an id"),
    ("flows.keyword.duplicate", Severity::Error, "two active flows answer the same keyword on the same channel"),
    ("flows.keyword.overlap", Severity::Warning, "a message could match keywords of two active flows (one contains or starts with the other)"),
    ("flows.launch.cycle", Severity::Error, "flows launch each other in a loop"),
    ("flows.launch.unknown_flow", Severity::Warning, "a node launches a flow that is not in the set"),
    ("flows.schedule.conflict", Severity::Warning, "an automatic send has the same start condition as another active flow's trigger, so one can keep the other from starting"),
];

/// Deepest condition nesting accepted.
pub const MAX_CONDITION_DEPTH: usize = 64;

/// Validates one flow. `fields`, when given, enables the checks that need the declared profile
/// fields (merge fields, conditions, field updates).
pub fn validate_flow(flow: &Flow, fields: Option<&FieldSchema>) -> Vec<Finding> {
    let mut sink = Sink::new(flow);
    structure::check(flow, &mut sink);
    content::check(flow, fields, &mut sink);
    sink.findings
}

/// Validates a set of flows: every flow on its own, then the checks across flows (duplicate
/// keywords among active flows, launch cycles, automatic sends that clash with a trigger).
///
/// ```
/// use sequenza::{validate_flows, Flow};
/// let make = |id: &str| Flow::from_json(&format!(r#"{{
///   "id": "{id}", "name": "{id}", "status": "active",
///   "triggers": [{{"type": "inbound_message", "channel": "whatsapp",
///                 "match": {{"kind": "keyword", "keywords": ["Sconto"]}}}}],
///   "start": "x", "nodes": [{{"id": "x", "type": "exit"}}]}}"#)).unwrap();
/// let findings = validate_flows(&[make("a"), make("b")], None);
/// assert!(findings.iter().any(|f| f.code == "flows.keyword.duplicate"));
/// ```
pub fn validate_flows(flows: &[Flow], fields: Option<&FieldSchema>) -> Vec<Finding> {
    let mut out: Vec<Finding> = flows
        .iter()
        .flat_map(|f| validate_flow(f, fields))
        .collect();
    out.extend(set::check(flows));
    out
}

/// Collects findings for one flow.
pub(crate) struct Sink {
    flow: FlowId,
    pub(crate) findings: Vec<Finding>,
}

impl Sink {
    fn new(flow: &Flow) -> Self {
        Sink {
            flow: flow.id.clone(),
            findings: Vec::new(),
        }
    }

    /// Records a finding; the severity comes from [`CODES`].
    pub(crate) fn add(
        &mut self,
        code: &'static str,
        node: Option<&NodeId>,
        path: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.findings
            .push(finding(&self.flow, code, node, path.into(), message.into()));
    }
}

pub(crate) fn finding(
    flow: &FlowId,
    code: &'static str,
    node: Option<&NodeId>,
    path: String,
    message: String,
) -> Finding {
    let severity = CODES
        .iter()
        .find(|(c, _, _)| *c == code)
        .map_or(Severity::Error, |(_, s, _)| *s);
    Finding {
        code: code.to_owned(),
        severity,
        flow: flow.clone(),
        node: node.cloned(),
        path,
        message,
    }
}
