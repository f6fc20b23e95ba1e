//! Flow validation: findings a marketer can act on, each with a stable code, a severity, the
//! node and the JSON path.
//!
//! Validation never fails: a broken flow yields findings, not an error. The codes are stable:
//! [`FindingCode`] lists them, each with its severity.
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
pub(crate) use set::schedule_clash;
mod structure;

use serde::{Deserialize, Serialize};

use super::Flow;
pub use crate::error::FindingCode;
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
    /// Stable machine code; it carries the severity.
    pub code: FindingCode,
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

    /// Records a finding; the severity comes from its code.
    pub(crate) fn add(
        &mut self,
        code: FindingCode,
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
    code: FindingCode,
    node: Option<&NodeId>,
    path: String,
    message: String,
) -> Finding {
    Finding {
        code,
        severity: code.severity(),
        flow: flow.clone(),
        node: node.cloned(),
        path,
        message,
    }
}
