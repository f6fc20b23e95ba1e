//! What goes into the engine and what comes out: the serde types of its public API. Each has
//! exactly one JSON form (snake_case keys, instants as RFC 3339 UTC text), which the bindings
//! pass through unchanged.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::flow::{HttpMethod, Media, MessageContent};
use crate::model::{Channel, ContactId, FieldSchema, FlowId, NodeId, TeamId, TemplateId};
use crate::time::CapPolicy;

/// How an [`Engine`](super::Engine) is set up. JSON:
/// `{"default_time_zone": "Europe/Rome", "fields": null, "caps": null}` (every key optional).
///
/// ```
/// use sequenza::engine::EngineConfig;
/// let c: EngineConfig = serde_json::from_str(r#"{"default_time_zone": "Europe/Rome",
///   "caps": {"caps": [{"channel": "email", "max": 2, "per": {"amount": 1, "unit": "days"}}]}}"#)?;
/// assert_eq!(c.default_time_zone, "Europe/Rome");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EngineConfig {
    /// The zone of contacts without one (IANA name), `UTC` when absent.
    #[serde(default = "utc")]
    pub default_time_zone: String,
    /// The profile fields, for checking flows and conditions.
    #[serde(default)]
    pub fields: Option<FieldSchema>,
    /// Frequency caps across every flow of a contact.
    #[serde(default)]
    pub caps: Option<CapPolicy>,
}

fn utc() -> String {
    "UTC".to_owned()
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            default_time_zone: utc(),
            fields: None,
            caps: None,
        }
    }
}

/// The result of [`Engine::publish`](super::Engine::publish). JSON: `{"flow": "welcome",
/// "version": 2, "moved": 3, "exited": 1}`.
///
/// ```
/// use sequenza::engine::Published;
/// let p: Published = serde_json::from_str(r#"{"flow": "welcome", "version": 1}"#)?;
/// assert_eq!((p.version, p.moved, p.exited), (1, 0, 0));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Published {
    /// The flow.
    pub flow: FlowId,
    /// The version number the engine gave it (1, then one more on every publish).
    pub version: u32,
    /// Waiting contacts moved onto this version (`in_flight: "migrate"`), each with a
    /// `migrated` history entry.
    #[serde(default)]
    pub moved: u64,
    /// Waiting contacts that left the flow because their node is gone and the `node_map` names
    /// no new one (reason `node_removed`).
    #[serde(default)]
    pub exited: u64,
}

/// An inbound WhatsApp or SMS message. JSON: `{"channel": "whatsapp", "from": "+39333…",
/// "text": "PROMO", "media": [], "at": "…"}` — `from` (a phone) or `contact` (an id).
///
/// ```
/// use sequenza::engine::InboundMessage;
/// let m: InboundMessage = serde_json::from_str(r#"{"channel": "sms", "from": "+393331234567",
///   "text": "STOP", "at": "2026-12-07T09:00:00Z"}"#)?;
/// assert_eq!(m.text.as_deref(), Some("STOP"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InboundMessage {
    /// `whatsapp` or `sms`.
    pub channel: Channel,
    /// The sender's phone number (matched without spaces, dashes, dots, brackets).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// The sender's contact id (instead of `from`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<ContactId>,
    /// The text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Attachments.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub media: Vec<Media>,
    /// When the message was sent.
    pub at: DateTime<Utc>,
    /// The ad clicked to open the conversation (click-to-WhatsApp ads).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ad: Option<String>,
}

/// The result of [`Engine::enroll`](super::Engine::enroll). JSON:
/// `{"entered": ["anna"], "refused": [{"contact": "bruno", "reason": "entry_condition"}]}`.
///
/// ```
/// use sequenza::engine::EnrollOutcome;
/// let o: EnrollOutcome = serde_json::from_str(
///   r#"{"entered": ["anna"], "refused": [{"contact": "bruno", "reason": "reentry_never"}]}"#)?;
/// assert_eq!(o.refused[0].contact.as_str(), "bruno");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnrollOutcome {
    /// The contacts who entered, in the order given.
    pub entered: Vec<ContactId>,
    /// The contacts who did not, with why.
    pub refused: Vec<Refusal>,
}

/// A contact refused at entry, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Refusal {
    /// The contact.
    pub contact: ContactId,
    /// Why.
    pub reason: RefusalReason,
}

/// Why a contact did not enter a flow. JSON: the snake_case name.
///
/// ```
/// use sequenza::engine::RefusalReason;
/// assert_eq!(serde_json::to_string(&RefusalReason::Cooldown)?, r#""cooldown""#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RefusalReason {
    /// No such contact.
    UnknownContact,
    /// The flow is not active (draft, paused, archived).
    FlowNotActive,
    /// The contact is in none of the entry restriction's lists.
    EntryLists,
    /// The contact does not match the entry restriction's condition.
    EntryCondition,
    /// The contact has no consent for the channel of the flow's first send.
    NoConsent,
    /// Already in the flow, and re-entry is `continue`.
    AlreadyEnrolled,
    /// Was in the flow once, and re-entry is `never`.
    ReentryNever,
    /// Entered too recently for re-entry `after_cooldown`.
    Cooldown,
}

impl RefusalReason {
    /// The JSON name.
    pub fn as_str(self) -> &'static str {
        match self {
            RefusalReason::UnknownContact => "unknown_contact",
            RefusalReason::FlowNotActive => "flow_not_active",
            RefusalReason::EntryLists => "entry_lists",
            RefusalReason::EntryCondition => "entry_condition",
            RefusalReason::NoConsent => "no_consent",
            RefusalReason::AlreadyEnrolled => "already_enrolled",
            RefusalReason::ReentryNever => "reentry_never",
            RefusalReason::Cooldown => "cooldown",
        }
    }
}

/// The idempotency key of an effect: the same inputs always give the same key, and no two
/// different effects share one. JSON: a string
/// `"<flow>/<contact>/<entry>/v<version>/<node>/<iteration>/<attempt>"`.
///
/// ```
/// use sequenza::engine::EffectKey;
/// let k: EffectKey = serde_json::from_str(r#""welcome/anna/1/v1/hello/0/0""#)?;
/// assert_eq!(k.as_str(), "welcome/anna/1/v1/hello/0/0");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EffectKey(pub String);

impl EffectKey {
    /// The key as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<&str> for EffectKey {
    fn from(s: &str) -> Self {
        EffectKey(s.to_owned())
    }
}

impl std::fmt::Display for EffectKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What an effect asks the host to do. JSON: the snake_case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum EffectKind {
    /// Send a message (`content`) on `channel` to `to`.
    Send,
    /// Call an HTTP API (`request`); acknowledge with the response.
    ApiCall,
    /// Fire a webhook (`request`).
    Webhook,
    /// Hand the conversation to a team (`team`, `content.body` the note).
    HandOff,
}

/// An HTTP request of an `api_call` or `webhook` effect, rendered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpRequest {
    /// The method.
    pub method: HttpMethod,
    /// The URL.
    pub url: String,
    /// The headers.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// The body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Seconds after which the call counts as timed out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<u32>,
}

/// One entry of the outbox: something the host must do, once. It stays in the outbox until
/// [`ack`](super::Engine::ack)ed. JSON: `{"key", "kind", "flow", "version", "node", "contact",
/// "channel", "to", "at", "content" | "request", "team"}` (absent keys are left out).
///
/// ```
/// use sequenza::engine::{Effect, EffectKind};
/// let e: Effect = serde_json::from_str(r#"{"key": "w/anna/1/v1/hello/0/0", "kind": "send",
///   "flow": "w", "version": 1, "node": "hello", "contact": "anna", "channel": "email",
///   "to": "anna@example.com", "at": "2026-12-07T09:00:00Z", "content": {"subject": "Ciao"}}"#)?;
/// assert_eq!(e.kind, EffectKind::Send);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Effect {
    /// The idempotency key.
    pub key: EffectKey,
    /// What to do.
    pub kind: EffectKind,
    /// The flow.
    pub flow: FlowId,
    /// The flow version the contact is on.
    pub version: u32,
    /// The node that made it (absent for the flow's webhooks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node: Option<NodeId>,
    /// The contact.
    pub contact: ContactId,
    /// The channel of a send.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    /// The address of a send (e-mail, phone, or the contact id for web push).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// The instant the effect is for (a send deferred to 08:00 carries 08:00).
    pub at: DateTime<Utc>,
    /// The host's template of a send, when the node names one (`content` then fills it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<TemplateId>,
    /// The rendered message of a send or a hand-off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<MessageContent>,
    /// The rendered request of an API call or a webhook.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<HttpRequest>,
    /// The team of a hand-off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<TeamId>,
}

/// How an effect went. JSON: `"delivered"`, `"failed"`, `"bounced"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Outcome {
    /// Done (a message delivered, an API answered, a webhook accepted).
    Delivered,
    /// Not done.
    Failed,
    /// The address does not work: the contact gets no more sends on that channel.
    Bounced,
}

/// The response to an `api_call` effect. JSON: `{"status": 200, "body": {…}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiResponse {
    /// The HTTP status.
    pub status: u16,
    /// The JSON body (`null` when none).
    #[serde(default)]
    pub body: serde_json::Value,
}

/// Where an enrollment is. JSON: `"waiting"`, `"finished"`, `"exited"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum EnrollmentState {
    /// On a node, until `due` or an event, reply or acknowledgement.
    Waiting,
    /// Reached the end of the flow.
    Finished,
    /// Left the flow early (`reason` says why).
    Exited,
}

/// One contact in one flow, as [`Engine::enrollments`](super::Engine::enrollments) shows it.
/// JSON: `{"flow", "version", "contact", "node", "state", "due", "reason", "since",
/// "entered_at"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnrollmentView {
    /// The flow.
    pub flow: FlowId,
    /// The version the contact is on.
    pub version: u32,
    /// The contact.
    pub contact: ContactId,
    /// The node the contact is on (the last one, once finished or exited).
    pub node: Option<NodeId>,
    /// Waiting, finished or exited.
    pub state: EnrollmentState,
    /// When the wait ends (absent when it waits only for an event, a reply or an
    /// acknowledgement).
    pub due: Option<DateTime<Utc>>,
    /// What it waits for, or why it finished or exited.
    pub reason: Option<String>,
    /// When the contact reached its current node.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<DateTime<Utc>>,
    /// When the contact entered the flow (this entry).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entered_at: Option<DateTime<Utc>>,
}

/// Counters of a flow, a node or a day.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Counts {
    /// Contacts who entered (the flow, or reached the node).
    pub entered: u64,
    /// Contacts waiting now.
    pub waiting: u64,
    /// Contacts who finished.
    pub completed: u64,
    /// Contacts who left early, by reason.
    pub exited: BTreeMap<String, u64>,
    /// Messages handed out.
    pub sent: u64,
    /// Sends moved later (quiet hours, windows, caps).
    pub deferred: u64,
    /// Sends not made, by reason.
    pub skipped: BTreeMap<String, u64>,
    /// Messages acknowledged as delivered.
    pub delivered: u64,
    /// Messages acknowledged as failed.
    pub failed: u64,
    /// Sends acknowledged as bounced.
    pub bounced: u64,
    /// Messages opened (engagement events naming the effect key).
    pub opened: u64,
    /// Messages clicked.
    pub clicked: u64,
    /// Goals reached.
    pub goals: u64,
}

/// The statistics of a flow: totals, refusals, per node, per day. JSON: the totals' keys
/// (`entered`, `waiting`, `completed`, `exited`, `sent` …) beside `flow`, `refused`,
/// `goals_by_name`, `nodes` and `days`.
///
/// ```
/// use sequenza::engine::FlowStats;
/// let s = FlowStats::new("welcome".into());
/// assert_eq!(serde_json::to_value(&s)?["entered"], 0);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlowStats {
    /// The flow.
    pub flow: FlowId,
    /// Totals over every version.
    #[serde(flatten)]
    pub totals: Counts,
    /// Contacts refused at entry, by reason.
    pub refused: BTreeMap<String, u64>,
    /// Goals reached, by goal name.
    pub goals_by_name: BTreeMap<String, u64>,
    /// Per node.
    pub nodes: BTreeMap<NodeId, Counts>,
    /// Per UTC day, for reports.
    pub days: BTreeMap<NaiveDate, Counts>,
}

impl FlowStats {
    /// Empty statistics of a flow.
    pub fn new(flow: FlowId) -> Self {
        FlowStats {
            flow,
            totals: Counts::default(),
            refused: BTreeMap::new(),
            goals_by_name: BTreeMap::new(),
            nodes: BTreeMap::new(),
            days: BTreeMap::new(),
        }
    }
}

/// What happened in one step of a contact's history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Action {
    /// Entered the flow.
    Entered,
    /// Refused at entry.
    Refused,
    /// Ran a node and went on.
    Stepped,
    /// Took a branch of a condition, split, random split, question, menu or API call.
    Branched,
    /// A message or request was handed out.
    Sent,
    /// A send was moved later.
    Deferred,
    /// A send was not made.
    Skipped,
    /// Started waiting.
    Waiting,
    /// Reached a goal.
    Goal,
    /// Reached the end.
    Finished,
    /// Left early.
    Exited,
    /// An effect was acknowledged.
    Acknowledged,
    /// An engagement (open, click) came back.
    Engaged,
    /// Moved onto a new version of the flow when it was published (issue 12).
    Migrated,
    /// Moved to another node by hand ([`move_to`](super::Engine::move_to)).
    Moved,
    /// A wait ended early by hand ([`skip_wait`](super::Engine::skip_wait)).
    WaitSkipped,
}

/// One entry of a contact's history, with the reason of the decision. JSON:
/// `{"at", "flow", "version", "contact", "node", "action", "reason", "effect"}`.
///
/// ```
/// use sequenza::engine::{Action, HistoryEntry};
/// let h: HistoryEntry = serde_json::from_str(r#"{"at": "2026-12-07T21:00:00Z", "flow": "w",
///   "version": 1, "contact": "anna", "node": "hello", "action": "deferred",
///   "reason": "quiet hours until 2026-12-08T07:00:00Z"}"#)?;
/// assert_eq!(h.action, Action::Deferred);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistoryEntry {
    /// When (the step's own instant).
    pub at: DateTime<Utc>,
    /// The flow.
    pub flow: FlowId,
    /// The version.
    pub version: u32,
    /// The contact.
    pub contact: ContactId,
    /// The node.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node: Option<NodeId>,
    /// What happened.
    pub action: Action,
    /// Why, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The effect concerned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effect: Option<EffectKey>,
    /// Who asked, for a step taken by hand (skip a wait, move, cancel), when the caller said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
}
