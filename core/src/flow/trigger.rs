//! What starts a flow.

use serde::{Deserialize, Serialize};

use crate::condition::Condition;
use crate::model::{Channel, ListId, SegmentId, Value};

pub use crate::engine::trigger::MembershipChange;

crate::tagged::tagged_enum! {
    tag = "type", repr = TriggerRepr;
/// What makes contacts enter a flow. JSON tag: `type`.
///
/// ```
/// use sequenza::flow::Trigger;
/// let t: Trigger = serde_json::from_str(r#"{
///   "type": "inbound_message", "channel": "whatsapp",
///   "match": {"kind": "keyword", "keywords": ["PROMO"], "mode": "exact"}
/// }"#).unwrap();
/// assert_eq!(t.kind(), "inbound_message");
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
    pub enum Trigger {
    /// An event happened (sign-up, purchase, abandoned cart …), optionally filtered on its
    /// properties: the fields of `filter` name event properties.
    Event {
        /// The event name.
        event: String,
        /// A filter on the event's properties.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        filter: Option<Condition>,
    },
    /// A profile field changed (optionally: changed to a given value).
    FieldChanged {
        /// The field key.
        field: String,
        /// Only when the new value equals this.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to: Option<Value>,
    },
    /// The yearly anniversary of a date field (a birthday), `offset_days` before (negative) or
    /// after it, at a local time in the contact's time zone.
    Anniversary {
        /// The date field (`birth_date`).
        field: String,
        /// Days from the anniversary: `-3` is three days before.
        #[serde(default)]
        offset_days: i64,
        /// Local time of day, `HH:MM`.
        time: String,
    },
    /// A contact entered or left a list.
    List {
        /// The list.
        list: ListId,
        /// Entered or left.
        on: MembershipChange,
    },
    /// A contact entered or left a segment.
    Segment {
        /// The segment.
        segment: SegmentId,
        /// Entered or left.
        on: MembershipChange,
    },
    /// An inbound message (WhatsApp or SMS) matching a keyword, any text or any media.
    InboundMessage {
        /// `whatsapp` or `sms`.
        channel: Channel,
        /// What the message must match.
        #[serde(rename = "match")]
        matching: MessageMatch,
    },
    /// A click on a click-to-WhatsApp advertisement.
    AdClick {
        /// Only clicks on this ad (any ad when absent).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ad: Option<String>,
    },
    /// Outbound / manual start: recipients from a CSV upload, a filter, or an API call.
    Manual {
        /// Where the recipients come from.
        recipients: Recipients,
    },
    /// An automatic send: on a recurrence, every contact matching `condition` enters.
    Schedule {
        /// When the condition is checked: `every` (5 to 1440 minutes), `weekly`, `monthly`,
        /// `monthly_weekday` or `yearly` (see [`RecurrenceRule`](crate::time::RecurrenceRule)).
        recurrence: crate::time::RecurrenceRule,
        /// Who enters at each check (everyone in the entry restriction when absent).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        condition: Option<Condition>,
    },
    /// A new item in an RSS / Atom feed.
    Feed {
        /// The feed URL.
        url: String,
    },
}
}

impl Trigger {
    /// The JSON `type` of the trigger.
    pub fn kind(&self) -> &'static str {
        match self {
            Trigger::Event { .. } => "event",
            Trigger::FieldChanged { .. } => "field_changed",
            Trigger::Anniversary { .. } => "anniversary",
            Trigger::List { .. } => "list",
            Trigger::Segment { .. } => "segment",
            Trigger::InboundMessage { .. } => "inbound_message",
            Trigger::AdClick { .. } => "ad_click",
            Trigger::Manual { .. } => "manual",
            Trigger::Schedule { .. } => "schedule",
            Trigger::Feed { .. } => "feed",
        }
    }
}

crate::tagged::tagged_enum! {
    tag = "kind", repr = MessageMatchRepr;
/// What an inbound message must match. JSON tag: `kind`.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
    pub enum MessageMatch {
    /// The text matches one of the keywords, case- and accent-insensitively.
    Keyword {
        /// The keywords.
        keywords: Vec<String>,
        /// How the text is compared with each keyword.
        #[serde(default)]
        mode: KeywordMode,
    },
    /// Any text message.
    AnyText {},
    /// Any media message (image, audio, video, file).
    AnyMedia {},
    /// Any message at all.
    Any {},
}
}

/// How a message text is compared with a keyword.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum KeywordMode {
    /// The whole message is the keyword.
    #[default]
    Exact,
    /// The message contains the keyword.
    Contains,
    /// The message starts with the keyword.
    StartsWith,
}

crate::tagged::tagged_enum! {
    tag = "kind", repr = RecipientsRepr;
/// Where the recipients of a manual (outbound) start come from. JSON tag: `kind`.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
    pub enum Recipients {
    /// A CSV upload of recipients.
    Csv {},
    /// Every contact matching a condition at start time.
    Filter {
        /// The selection.
        condition: Condition,
    },
    /// Contacts named in an API call.
    Api {},
}
}
