//! Nodes (steps) of a flow.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::settings::{HttpMethod, SendPolicy};
use crate::condition::Condition;
use crate::model::{Channel, FlowId, ListId, NodeId, TeamId, TemplateId, Value};
use crate::time::{Duration, Weekday};

/// One node (step) of a flow: a stable id, an optional label, and what it does.
///
/// JSON: the node's fields sit beside `id` and `type`:
///
/// ```
/// use sequenza::flow::{Node, NodeKind};
/// let n: Node = serde_json::from_str(r#"{
///   "id": "ask-size", "type": "question", "channel": "whatsapp",
///   "prompt": "Che taglia porti?", "answer": {"type": "choice", "options": ["S", "M", "L"]},
///   "timeout": {"amount": 1, "unit": "days"}, "save_to": "size"
/// }"#).unwrap();
/// assert!(matches!(n.kind, NodeKind::Question(_)));
/// assert_eq!(n.kind.type_name(), "question");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(extend("unevaluatedProperties" = false)))]
pub struct Node {
    /// Stable id, unique in the flow.
    pub id: NodeId,
    /// Name shown on the canvas.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// What the node does.
    #[serde(flatten)]
    pub kind: NodeKind,
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error as _;
        let mut map = serde_json::Map::<String, serde_json::Value>::deserialize(d)?;
        let fail =
            |(path, msg): (String, String)| D::Error::custom(crate::tagged::encode(&path, &msg));
        let id: NodeId = crate::tagged::take(&mut map, "id").map_err(fail)?;
        let label: Option<String> = crate::tagged::take(&mut map, "label").map_err(fail)?;
        let kind = crate::tagged::from_map::<NodeKindRepr>(map, "type")
            .map_err(fail)?
            .into();
        Ok(Node { id, label, kind })
    }
}

crate::tagged::tagged_enum! {
    tag = "type", repr = NodeKindRepr;

/// What a node does. JSON tag: `type`.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
    pub enum NodeKind {
    /// Send a message on a channel. Branch: `next`.
    Send(v: SendNode),
    /// Wait a duration or until a local time / a date field. Branch: `next`.
    Wait(v: WaitNode),
    /// Wait for an event or a condition, with a timeout. Branches: `met`, `timeout`.
    WaitFor(v: WaitForNode),
    /// Yes/no branch on a condition. Branches: `yes`, `no`.
    Condition(v: ConditionNode),
    /// Multi-way split: the first matching case wins. Branches: each case name, `else`.
    Split(v: SplitNode),
    /// Random split by percentages (A/B tests, hold-out groups). Branches: each variant name.
    RandomSplit(v: RandomSplitNode),
    /// Ask a question and validate the answer. Branches: `answered`, `timeout`, optional `invalid`.
    Question(v: QuestionNode),
    /// Offer choices; each choice is a branch. Branches: each option value, `timeout`, optional
    /// `other`.
    Menu(v: MenuNode),
    /// Call an HTTP API. Branches: `success`, `failure`, optional `timeout` (else `failure`).
    ApiCall(v: ApiCallNode),
    /// Set profile fields. Branch: `next`.
    UpdateFields(v: UpdateFieldsNode),
    /// Add or remove tags. Branch: `next`.
    Tags(v: TagsNode),
    /// Add to, remove from, or move between lists. Branch: `next`.
    Lists(v: ListsNode),
    /// Start another flow for the contact. Branch: `next`.
    LaunchFlow(v: LaunchFlowNode),
    /// Hand the conversation off to a team. Branch: `next`.
    HandOff(v: HandOffNode),
    /// Record that the contact reached a goal. Branch: optional `next`.
    Goal(v: GoalNode),
    /// Leave the flow. No branches.
    Exit {},
}
}

/// The branches a node kind has.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Branches {
    /// Labels that must each have an edge.
    pub required: Vec<String>,
    /// Labels that may have an edge.
    pub optional: Vec<String>,
    /// Whether the node may end a path (exit, goal).
    pub terminal: bool,
}

impl Branches {
    /// True when `label` is a branch of this node.
    pub fn allows(&self, label: &str) -> bool {
        self.required
            .iter()
            .chain(&self.optional)
            .any(|l| l == label)
    }
}

fn labels(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

impl NodeKind {
    /// The JSON `type` of the node.
    pub fn type_name(&self) -> &'static str {
        match self {
            NodeKind::Send(_) => "send",
            NodeKind::Wait(_) => "wait",
            NodeKind::WaitFor(_) => "wait_for",
            NodeKind::Condition(_) => "condition",
            NodeKind::Split(_) => "split",
            NodeKind::RandomSplit(_) => "random_split",
            NodeKind::Question(_) => "question",
            NodeKind::Menu(_) => "menu",
            NodeKind::ApiCall(_) => "api_call",
            NodeKind::UpdateFields(_) => "update_fields",
            NodeKind::Tags(_) => "tags",
            NodeKind::Lists(_) => "lists",
            NodeKind::LaunchFlow(_) => "launch_flow",
            NodeKind::HandOff(_) => "hand_off",
            NodeKind::Goal(_) => "goal",
            NodeKind::Exit {} => "exit",
        }
    }

    /// The outgoing branches this node has.
    ///
    /// ```
    /// use sequenza::flow::NodeKind;
    /// let b = (NodeKind::Exit {}).branches();
    /// assert!(b.terminal && b.required.is_empty() && b.optional.is_empty());
    /// ```
    pub fn branches(&self) -> Branches {
        let linear = || Branches {
            required: vec![],
            optional: labels(&["next"]),
            terminal: false,
        };
        match self {
            NodeKind::Send(_)
            | NodeKind::Wait(_)
            | NodeKind::UpdateFields(_)
            | NodeKind::Tags(_)
            | NodeKind::Lists(_)
            | NodeKind::LaunchFlow(_)
            | NodeKind::HandOff(_) => linear(),
            NodeKind::WaitFor(_) => Branches {
                required: labels(&["met", "timeout"]),
                optional: vec![],
                terminal: false,
            },
            NodeKind::Condition(_) => Branches {
                required: labels(&["yes", "no"]),
                optional: vec![],
                terminal: false,
            },
            NodeKind::Split(s) => {
                let mut required: Vec<String> = s.cases.iter().map(|c| c.name.clone()).collect();
                required.push("else".to_owned());
                Branches {
                    required,
                    optional: vec![],
                    terminal: false,
                }
            }
            NodeKind::RandomSplit(s) => Branches {
                required: s.variants.iter().map(|v| v.name.clone()).collect(),
                optional: vec![],
                terminal: false,
            },
            NodeKind::Question(_) => Branches {
                required: labels(&["answered", "timeout"]),
                optional: labels(&["invalid"]),
                terminal: false,
            },
            NodeKind::Menu(m) => {
                let mut required: Vec<String> = m.options.iter().map(|o| o.value.clone()).collect();
                required.push("timeout".to_owned());
                Branches {
                    required,
                    optional: labels(&["other"]),
                    terminal: false,
                }
            }
            NodeKind::ApiCall(_) => Branches {
                required: labels(&["success", "failure"]),
                optional: labels(&["timeout"]),
                terminal: false,
            },
            NodeKind::Goal(_) => Branches {
                required: vec![],
                optional: labels(&["next"]),
                terminal: true,
            },
            NodeKind::Exit {} => Branches {
                required: vec![],
                optional: vec![],
                terminal: true,
            },
        }
    }

    /// Whether a contact may stay on this node for a while (a wait, a question, a menu):
    /// a cycle through such a node cannot spin.
    pub fn pauses(&self) -> bool {
        matches!(
            self,
            NodeKind::Wait(_) | NodeKind::WaitFor(_) | NodeKind::Question(_) | NodeKind::Menu(_)
        )
    }
}

/// Send a message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SendNode {
    /// The channel.
    pub channel: Channel,
    /// A template kept by the host application.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<TemplateId>,
    /// Inline content (used when there is no template, or to fill it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<MessageContent>,
    /// A transactional message: exempt from frequency caps and quiet hours.
    #[serde(default)]
    pub transactional: bool,
    /// A send policy for this node only; the stricter of it and the flow's wins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<SendPolicy>,
}

/// Inline message content. Text may hold merge fields: `{{ first_name | "amico" }}` (the quoted
/// part is the fallback used when the field is empty).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct MessageContent {
    /// E-mail subject.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// Push notification title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Plain-text body (SMS, WhatsApp, push, e-mail text part).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// HTML body (e-mail).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
    /// Link opened by a push notification or a button.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Images, video, audio or files.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub media: Vec<Media>,
}

impl MessageContent {
    /// Every text part with its JSON key, for merge-field checks.
    pub fn texts(&self) -> Vec<(&'static str, &str)> {
        let mut out = Vec::new();
        for (k, v) in [
            ("subject", &self.subject),
            ("title", &self.title),
            ("body", &self.body),
            ("html", &self.html),
            ("url", &self.url),
        ] {
            if let Some(v) = v {
                out.push((k, v.as_str()));
            }
        }
        out
    }
}

/// An attachment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Media {
    /// What it is.
    pub kind: MediaKind,
    /// Where it is.
    pub url: String,
    /// File name shown to the recipient.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filename: Option<String>,
}

/// The kind of an attachment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum MediaKind {
    /// A picture.
    Image,
    /// A video.
    Video,
    /// An audio clip.
    Audio,
    /// Any other file (PDF …).
    File,
}

/// Wait a duration, or until a moment. Exactly one of `duration` and `until`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct WaitNode {
    /// Wait this long.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<Duration>,
    /// Wait until this moment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<WaitUntil>,
}

impl WaitNode {
    /// Reads a wait node's JSON form (`{"duration": {"amount": 2, "unit": "hours"}}` or
    /// `{"until": {"kind": "local_time", "time": "09:00"}}`), reporting a format error with its
    /// JSON pointer, line and column. Whether the node is usable (exactly one of `duration` and
    /// `until`, a valid time) is checked by [`wait_end`](crate::time::wait_end).
    ///
    /// ```
    /// use sequenza::flow::WaitNode;
    /// let w = WaitNode::from_json(r#"{"until": {"kind": "local_time", "time": "09:00", "weekdays": ["mon"]}}"#)?;
    /// assert!(w.until.is_some() && w.duration.is_none());
    /// let e = WaitNode::from_json(r#"{"duration": {"amount": 2, "unit": "fortnights"}}"#).unwrap_err();
    /// assert_eq!((e.code(), e.path()), ("format.invalid", Some("/duration/unit")));
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn from_json(json: &str) -> crate::Result<WaitNode> {
        crate::error::from_json_str(json)
    }
}

crate::tagged::tagged_enum! {
    tag = "kind", repr = WaitUntilRepr;
/// A moment to wait for. JSON tag: `kind`.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
    pub enum WaitUntil {
    /// The next local time of day (on one of `weekdays`, when given).
    LocalTime {
        /// `HH:MM`.
        time: String,
        /// Allowed days; empty means any day.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        weekdays: Vec<Weekday>,
    },
    /// A date field ± days, at a local time (3 days before the birthday at 09:00).
    DateField {
        /// The date field.
        field: String,
        /// Days from the date: negative is before.
        #[serde(default)]
        offset_days: i64,
        /// `HH:MM`.
        time: String,
        /// Use the next yearly anniversary of the date (birthdays, sign-up anniversaries)
        /// rather than the date itself.
        #[serde(default)]
        yearly: bool,
    },
}
}

/// Wait for an event or a condition, or until the timeout.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct WaitForNode {
    /// The awaited event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<EventMatch>,
    /// The awaited condition on the contact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<Condition>,
    /// How long to wait before taking the `timeout` branch.
    pub timeout: Duration,
}

/// An event name with an optional filter on its properties.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct EventMatch {
    /// The event name.
    pub name: String,
    /// A condition whose fields name event properties.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<Condition>,
}

/// Branch on a condition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ConditionNode {
    /// The condition.
    pub condition: Condition,
}

/// Multi-way split.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SplitNode {
    /// Cases in order; the first that matches wins, else the `else` branch.
    pub cases: Vec<SplitCase>,
}

/// One case of a split.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SplitCase {
    /// Branch label.
    pub name: String,
    /// When this case applies.
    pub condition: Condition,
}

/// Random split.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RandomSplitNode {
    /// The variants; their percentages sum to 100.
    pub variants: Vec<Variant>,
}

/// One variant of a random split.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Variant {
    /// Branch label (`A`, `B`, `holdout`).
    pub name: String,
    /// Share of contacts, in percent.
    pub percent: f64,
}

/// Ask a question and validate the answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct QuestionNode {
    /// The channel the question is asked on.
    pub channel: Channel,
    /// The question.
    pub prompt: String,
    /// What counts as a valid answer.
    pub answer: AnswerType,
    /// How many times an invalid answer is asked again before the `invalid` branch.
    #[serde(default = "two")]
    pub retries: u32,
    /// Said after an invalid answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_prompt: Option<String>,
    /// How long to wait for an answer.
    pub timeout: Duration,
    /// The profile field that stores the answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub save_to: Option<String>,
}

fn two() -> u32 {
    2
}

crate::tagged::tagged_enum! {
    tag = "type", repr = AnswerTypeRepr;
/// The expected type of an answer. JSON tag: `type`.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
    pub enum AnswerType {
    /// Any text.
    Text {},
    /// A number, optionally within bounds.
    Number {
        /// Smallest accepted.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<f64>,
        /// Largest accepted.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<f64>,
    },
    /// An e-mail address.
    Email {},
    /// A phone number.
    Phone {},
    /// A date.
    Date {},
    /// One of the options (case- and accent-insensitive).
    Choice {
        /// The options.
        options: Vec<String>,
    },
    /// Text matching a regular expression (linear-time engine, no look-around).
    Pattern {
        /// The regular expression.
        pattern: String,
    },
}
}

/// Offer choices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct MenuNode {
    /// The channel.
    pub channel: Channel,
    /// The text above the choices.
    pub prompt: String,
    /// The choices; each `value` is a branch label.
    pub options: Vec<MenuOption>,
    /// How long to wait for a choice.
    pub timeout: Duration,
}

/// One choice of a menu.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct MenuOption {
    /// Branch label and the reply that selects it.
    pub value: String,
    /// Text shown.
    pub label: String,
}

/// Call an HTTP API.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ApiCallNode {
    /// The method.
    pub method: HttpMethod,
    /// URL template (merge fields allowed).
    pub url: String,
    /// Header templates.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// Body template.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Seconds before the call counts as timed out.
    #[serde(default = "ten")]
    pub timeout_seconds: u32,
    /// Values copied from the JSON response into profile fields.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub response: Vec<ResponseMapping>,
}

fn ten() -> u32 {
    10
}

/// Copies one value of an API response into a profile field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ResponseMapping {
    /// JSON pointer into the response (`/customer/tier`).
    pub path: String,
    /// The profile field written.
    pub field: String,
}

/// Set profile fields. String values may hold merge fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateFieldsNode {
    /// Field key → new value (`null` clears it).
    pub set: BTreeMap<String, Value>,
}

/// Add or remove tags.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct TagsNode {
    /// Tags added.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub add: Vec<String>,
    /// Tags removed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remove: Vec<String>,
}

/// Add to, remove from, or move between lists (a move is a remove plus an add).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ListsNode {
    /// Lists the contact joins.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub add: Vec<ListId>,
    /// Lists the contact leaves.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remove: Vec<ListId>,
}

/// Launch another flow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct LaunchFlowNode {
    /// The flow started.
    pub flow: FlowId,
}

/// Hand off to a team.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct HandOffNode {
    /// The team.
    pub team: TeamId,
    /// A note for the team (merge fields allowed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A goal reached.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct GoalNode {
    /// The goal's name in statistics.
    pub name: String,
}
