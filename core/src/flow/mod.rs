//! Flows (workflows / automations): triggers, nodes, labelled edges and settings.
//!
//! ```
//! use sequenza::Flow;
//! let flow = Flow::from_json(r#"{
//!   "id": "welcome", "name": "Welcome", "status": "active",
//!   "triggers": [{"type": "event", "event": "signup"}],
//!   "start": "hello",
//!   "nodes": [
//!     {"id": "hello", "type": "send", "channel": "email",
//!      "content": {"subject": "Benvenuto!", "body": "Ciao {{ first_name | \"amico\" }}"}},
//!     {"id": "done", "type": "exit"}
//!   ],
//!   "edges": [{"from": "hello", "to": "done"}]
//! }"#).unwrap();
//! assert_eq!(flow.nodes.len(), 2);
//! assert_eq!(flow.successors("hello").count(), 1);
//! ```

pub mod merge;
mod node;
mod outline;
mod settings;
mod trigger;
pub mod validate;

use serde::{Deserialize, Serialize};

pub use node::{
    AnswerType, ApiCallNode, Branches, ConditionNode, EventMatch, GoalNode, HandOffNode,
    LaunchFlowNode, ListsNode, Media, MediaKind, MenuNode, MenuOption, MessageContent, Node,
    NodeKind, QuestionNode, RandomSplitNode, ResponseMapping, SendNode, SplitCase, SplitNode,
    TagsNode, UpdateFieldsNode, Variant, WaitForNode, WaitNode, WaitUntil,
};
pub use settings::{
    EntryRestriction, FlowGoal, FlowSettings, HttpMethod, OutsideWindow, Reentry, SendPolicy,
    TimeWindow, Webhook, Webhooks,
};
pub use trigger::{KeywordMode, MembershipChange, MessageMatch, Recipients, Trigger};

use crate::model::{FlowId, NodeId};

/// A flow: who enters (triggers, entry restriction), what happens (nodes joined by labelled
/// edges, starting at `start`), and how (settings).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Flow {
    /// Stable id.
    pub id: FlowId,
    /// Name shown to people.
    pub name: String,
    /// What the flow is for.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Draft, active, paused or archived.
    #[serde(default)]
    pub status: FlowStatus,
    /// Version number, raised on every published change.
    #[serde(default = "first_version")]
    pub version: u32,
    /// What makes contacts enter.
    pub triggers: Vec<Trigger>,
    /// The node every entering contact starts at.
    pub start: NodeId,
    /// The nodes.
    pub nodes: Vec<Node>,
    /// Labelled edges between nodes.
    #[serde(default)]
    pub edges: Vec<Edge>,
    /// Re-entry, send policy, entry restriction, goal, webhooks.
    #[serde(default)]
    pub settings: FlowSettings,
}

fn first_version() -> u32 {
    1
}

/// The life-cycle state of a flow.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FlowStatus {
    /// Being built; no contact enters.
    #[default]
    Draft,
    /// Running.
    Active,
    /// Paused: no new entries, enrolled contacts wait.
    Paused,
    /// Retired.
    Archived,
}

impl FlowStatus {
    /// The JSON name: `draft`, `active`, `paused`, `archived`.
    ///
    /// ```
    /// assert_eq!(sequenza::flow::FlowStatus::Active.as_str(), "active");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            FlowStatus::Draft => "draft",
            FlowStatus::Active => "active",
            FlowStatus::Paused => "paused",
            FlowStatus::Archived => "archived",
        }
    }
}

/// A labelled edge from one node to another. The label names the branch it leaves by
/// (`next`, `yes`, `no`, `timeout`, a case name …); it defaults to `next`.
///
/// ```
/// use sequenza::flow::Edge;
/// let e: Edge = serde_json::from_str(r#"{"from": "a", "to": "b"}"#).unwrap();
/// assert_eq!(e.label, "next");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Edge {
    /// Source node.
    pub from: NodeId,
    /// Target node.
    pub to: NodeId,
    /// Branch label.
    #[serde(default = "next_label")]
    pub label: String,
}

fn next_label() -> String {
    "next".to_owned()
}

impl Flow {
    /// Parses a flow from JSON text.
    ///
    /// A malformed document gives an [`Error`](crate::Error) with code `format.syntax`,
    /// `format.eof` or `format.invalid`, the JSON pointer of the offending value, and the line
    /// and column.
    ///
    /// ```
    /// use sequenza::Flow;
    /// let err = Flow::from_json("{\"id\": \"f\",\n \"name\": \"x\", \"triggers\": [{\"type\": \"telepathy\"}]}")
    ///     .unwrap_err();
    /// assert_eq!(err.code(), "format.invalid");
    /// assert_eq!(err.path(), Some("/triggers/0/type"));
    /// ```
    pub fn from_json(json: &str) -> crate::Result<Self> {
        crate::error::from_json_str(json)
    }

    /// The canonical JSON form.
    pub fn to_json(&self) -> String {
        // Serialising plain data with string keys cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The canonical JSON form, indented.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The node with this id.
    pub fn node(&self, id: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.id.as_str() == id)
    }

    /// The edges leaving a node.
    pub fn successors<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Edge> + 'a {
        self.edges.iter().filter(move |e| e.from.as_str() == id)
    }

    /// A readable outline: trigger, nodes with their branches, one per line.
    ///
    /// ```
    /// use sequenza::Flow;
    /// let flow = Flow::from_json(r#"{"id": "f", "name": "Bye", "triggers": [{"type": "manual",
    ///   "recipients": {"kind": "api"}}], "start": "x", "nodes": [{"id": "x", "type": "exit"}]}"#).unwrap();
    /// assert!(flow.outline().contains("x: exit"));
    /// ```
    pub fn outline(&self) -> String {
        outline::outline(self)
    }
}
