//! Segments: named conditions over contacts, and an incremental index of who is in which.
//!
//! A [`Segment`] is an id, a name and a [`Condition`]. The [`SegmentIndex`] holds segments,
//! contacts and their events in memory and keeps segment membership up to date: a contact change
//! or a new event re-evaluates only the segments that read what changed (and the segments that
//! depend on those through `in_segment`), and [`SegmentIndex::tick`] re-evaluates the contacts
//! whose time-relative segments ("no order in 90 days") can have changed since.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use sequenza::segment::{ContactChange, MembershipChange, Segment, SegmentIndex};
//! use sequenza::Contact;
//!
//! let mut index = SegmentIndex::new();
//! let now = Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap();
//! index.register(Segment::from_json(r#"{"id": "milano", "name": "Milano",
//!   "condition": {"type": "field", "field": "city", "op": "eq", "value": "Milano"}}"#)?, now)?;
//!
//! let anna = Contact::from_json(r#"{"id": "anna", "fields": {"city": "Milano"}}"#)?;
//! let deltas = index.apply(ContactChange::Upsert { contact: anna }, now);
//! assert_eq!(deltas.len(), 1);
//! assert_eq!(deltas[0].change, MembershipChange::Entered);
//! assert_eq!(index.members(&"milano".into()).count(), 1);
//! # Ok::<(), sequenza::Error>(())
//! ```

mod bulk;
mod index;
mod named;
mod table;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::condition::Condition;
use crate::model::{Contact, ContactId, Event, SegmentId};

pub use bulk::BulkTable;
pub use index::SegmentIndex;
pub use named::NamedCondition;
pub use table::{
    contacts_from_columns, events_from_columns, ColumnValues, IdForm, TableColumns, TableOptions,
};

pub use crate::engine::trigger::MembershipChange;

/// A segment: contacts matching a condition. JSON:
/// `{"id": "lapsed", "name": "Lapsed buyers", "condition": {…}}`.
///
/// ```
/// use sequenza::segment::Segment;
/// let s = Segment::from_json(r#"{"id": "vip", "name": "VIP",
///   "condition": {"type": "tags", "op": "has_any", "tags": ["vip"]}}"#)?;
/// assert_eq!(s.id.as_str(), "vip");
/// # Ok::<(), sequenza::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Segment {
    /// The segment's id (what `in_segment` conditions name).
    pub id: SegmentId,
    /// The name shown to people.
    pub name: String,
    /// Who is in it.
    pub condition: Condition,
}

impl Segment {
    /// A segment from its parts.
    ///
    /// ```
    /// use sequenza::condition::Condition;
    /// use sequenza::segment::Segment;
    /// let all = Segment::new("all", "Everyone", Condition::And { conditions: vec![] });
    /// assert_eq!(all.name, "Everyone");
    /// ```
    pub fn new(id: impl Into<SegmentId>, name: impl Into<String>, condition: Condition) -> Self {
        Segment {
            id: id.into(),
            name: name.into(),
            condition,
        }
    }

    /// Parses a segment from JSON; errors carry the JSON path, line and column.
    ///
    /// ```
    /// use sequenza::segment::Segment;
    /// let err = Segment::from_json(r#"{"id": "x", "name": "X", "condition": {"type": "nope"}}"#)
    ///     .unwrap_err();
    /// assert_eq!(err.path(), Some("/condition/type"));
    /// ```
    pub fn from_json(json: &str) -> crate::Result<Self> {
        crate::error::from_json_str(json)
    }

    /// Reads what a binding's `Segment.from_json` takes: a whole segment `{id, name, condition}`
    /// (an object with `condition` and no `type`), or a condition's JSON form alone (no id, no
    /// name). Errors as [`Segment::from_json`] / [`Condition::from_json`].
    ///
    /// ```
    /// use sequenza::segment::Segment;
    /// let (id, name, _) = Segment::from_json_or_condition(r#"{"id": "v", "name": "VIP", "condition": {"type": "and", "conditions": []}}"#)?;
    /// assert_eq!((id.as_deref(), name.as_deref()), (Some("v"), Some("VIP")));
    /// let (id, _, _) = Segment::from_json_or_condition(r#"{"type": "and", "conditions": []}"#)?;
    /// assert_eq!(id, None);
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    #[allow(clippy::type_complexity)]
    pub fn from_json_or_condition(
        json: &str,
    ) -> crate::Result<(Option<String>, Option<String>, Condition)> {
        let bare = json.strip_prefix('\u{feff}').unwrap_or(json);
        let shape: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(bare).unwrap_or_default();
        if shape.contains_key("condition") && !shape.contains_key("type") {
            let s = Segment::from_json(json)?;
            return Ok((Some(s.id.as_str().to_owned()), Some(s.name), s.condition));
        }
        Ok((None, None, Condition::from_json(json)?))
    }
}

/// A change of membership. JSON:
/// `{"contact": "anna", "segment": "vip", "change": "entered", "at": "2026-11-25T09:00:00Z"}`.
///
/// ```
/// use sequenza::segment::{MembershipChange, MembershipDelta};
/// let d: MembershipDelta = serde_json::from_str(
///     r#"{"contact": "anna", "segment": "vip", "change": "exited", "at": "2026-11-25T09:00:00Z"}"#)?;
/// assert_eq!(d.change, MembershipChange::Left);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct MembershipDelta {
    /// The contact.
    pub contact: ContactId,
    /// The segment.
    pub segment: SegmentId,
    /// Entered or exited (JSON `"entered"` / `"exited"`).
    #[serde(with = "crate::engine::trigger::exited_form")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::engine::trigger::ExitedForm")
    )]
    pub change: MembershipChange,
    /// The instant of the evaluation that saw the change.
    pub at: DateTime<Utc>,
}

crate::tagged::tagged_enum! {
    tag = "type", repr = ContactChangeRepr;
/// Something that happened to a contact. JSON:
/// `{"type": "upsert", "contact": {…}}` or `{"type": "event", "event": {…}}`.
///
/// The index keeps the previous version of every contact, so it works out itself what an upsert
/// changed (fields, built-in attributes, tags, lists, consent) — a caller cannot forget to say.
///
/// ```
/// use sequenza::segment::ContactChange;
/// let c: ContactChange = serde_json::from_str(
///     r#"{"type": "upsert", "contact": {"id": "anna", "tags": ["vip"]}}"#)?;
/// assert!(matches!(c, ContactChange::Upsert { .. }));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
    pub enum ContactChange {
    /// A new contact, or the new version of a known one (it replaces the old one whole).
    Upsert {
        /// The contact as it is now.
        contact: Contact,
    },
    /// A new event of a contact (a contact not seen before is created with only its id).
    Event {
        /// The event.
        event: Event,
    },
}
}

// ---- Arrow record batches as table columns (issue 9 §1: read by the core, not the binding) ----
#[cfg(feature = "arrow")]
pub mod arrow;
