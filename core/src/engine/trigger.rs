//! Trigger matching: which flows an event, a list or segment change, or an inbound message
//! starts.
//!
//! One [`MembershipChange`] serves list and segment triggers, list changes and segment deltas:
//!
//! ```
//! use sequenza::engine::trigger::MembershipChange;
//! assert_eq!(serde_json::to_string(&MembershipChange::Left)?, r#""left""#);
//! let read: MembershipChange = serde_json::from_str(r#""exited""#)?;
//! assert_eq!(read, MembershipChange::Left);
//! # Ok::<(), serde_json::Error>(())
//! ```

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::compiled::CompiledFlow;
use crate::condition::eval::EvalContext;
use crate::flow::{KeywordMode, MessageMatch, Trigger};
use crate::model::{Channel, Contact, Event, Value};
use crate::text::fold;

pub use crate::list::{list_trigger_hits, TriggerHit};

/// A contact entered or left a list or a segment: what a list or segment trigger waits for, and
/// what list changes and segment deltas report. JSON: `"entered"`, `"left"` (list changes and
/// segment deltas write `"exited"`, which is read as `"left"` everywhere).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum MembershipChange {
    /// The contact joined.
    Entered,
    /// The contact left.
    #[serde(alias = "exited")]
    Left,
}

/// The JSON form of a list change's or segment delta's `change`: `"entered"` / `"exited"`.
#[cfg(feature = "schema")]
#[derive(schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub(crate) enum ExitedForm {
    /// Entered.
    Entered,
    /// Exited.
    Exited,
}

/// Serde helpers writing `Left` as `"exited"` (list changes, segment deltas).
pub(crate) mod exited_form {
    use super::MembershipChange;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(c: &MembershipChange, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(match c {
            MembershipChange::Entered => "entered",
            MembershipChange::Left => "exited",
        })
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<MembershipChange, D::Error> {
        MembershipChange::deserialize(d)
    }
}

/// The event's properties as the fields of a stand-in contact, so that a filter whose fields
/// name event properties can be evaluated.
pub(crate) fn properties_contact(event: &Event) -> Contact {
    let mut c = Contact::new(event.contact.clone());
    for (k, v) in &event.properties {
        if let Ok(v) = serde_json::from_value::<Value>(v.clone()) {
            c.fields.insert(k.clone(), v);
        }
    }
    c
}

/// True when an event matches an event trigger's name and filter.
pub(crate) fn event_matches(
    name: &str,
    filter: Option<&crate::condition::eval::CompiledCondition>,
    event: &Event,
    now: DateTime<Utc>,
) -> bool {
    if event.name != name {
        return false;
    }
    match filter {
        None => true,
        Some(f) => f.matches(&properties_contact(event), &[], &EvalContext::new(now)),
    }
}

/// True when a message text matches a keyword under a mode (case-, accent- and
/// space-insensitively).
///
/// ```
/// use sequenza::engine::trigger::keyword_matches;
/// use sequenza::flow::KeywordMode;
/// assert!(keyword_matches("  Promò ", "PROMO", KeywordMode::Exact));
/// assert!(keyword_matches("info prezzi", "INFO", KeywordMode::StartsWith));
/// assert!(!keyword_matches("prezzi info", "INFO", KeywordMode::StartsWith));
/// ```
pub fn keyword_matches(text: &str, keyword: &str, mode: KeywordMode) -> bool {
    let t = fold(text);
    let k = fold(keyword);
    if k.is_empty() {
        return false;
    }
    match mode {
        KeywordMode::Contains => t
            .split(' ')
            .collect::<Vec<_>>()
            .windows(k.split(' ').count())
            .any(|w| w.join(" ") == k),
        KeywordMode::StartsWith => t == k || t.starts_with(&format!("{k} ")),
        _ => t == k,
    }
}

/// How an inbound message matches a flow's triggers: by keyword (the strongest), or as any
/// text / any media / any message, or as an ad click.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum MessageHit {
    Keyword,
    Any,
}

/// Whether a message starts a flow, and how.
pub(crate) fn message_hit(
    cf: &CompiledFlow,
    channel: Channel,
    text: Option<&str>,
    has_media: bool,
    ad: Option<&str>,
) -> Option<MessageHit> {
    let mut best = None;
    for t in &cf.flow.triggers {
        let hit = match t {
            Trigger::InboundMessage {
                channel: c,
                matching,
            } if *c == channel => match matching {
                MessageMatch::Keyword { keywords, mode } => text
                    .filter(|t| keywords.iter().any(|k| keyword_matches(t, k, *mode)))
                    .map(|_| MessageHit::Keyword),
                MessageMatch::AnyText {} => text
                    .filter(|t| !t.trim().is_empty())
                    .map(|_| MessageHit::Any),
                MessageMatch::AnyMedia {} => has_media.then_some(MessageHit::Any),
                MessageMatch::Any {} => Some(MessageHit::Any),
            },
            Trigger::AdClick { ad: want } if channel == Channel::WhatsApp => match (want, ad) {
                (_, None) => None,
                (None, Some(_)) => Some(MessageHit::Any),
                (Some(w), Some(a)) => (w == a).then_some(MessageHit::Any),
            },
            _ => None,
        };
        if let Some(h) = hit {
            best = Some(best.map_or(h, |b: MessageHit| b.min(h)));
        }
    }
    best
}

/// A contact's segment memberships as an evaluation context can read them.
pub(crate) fn segment_set(
    audience: &crate::list::Audience,
    contact: &crate::model::ContactId,
) -> std::collections::BTreeSet<crate::model::SegmentId> {
    audience
        .index()
        .segments_of(contact)
        .into_iter()
        .cloned()
        .collect()
}
