//! Contact lists: built from a [`Source`] (coupon, fidelity, walk-in, form, newsletter, push,
//! tag, empty, CSV import) with its filters, kept in an [`Audience`] together with contacts,
//! their [`Activity`] records and the segment index.
//!
//! A source compiles to a [`Condition`](crate::condition::Condition) of the segment engine
//! ([`Source::to_condition`]): the engine that evaluates segments also fills lists. A list with
//! `auto_update` keeps itself current: when a contact or activity changes, or time passes
//! ([`Audience::tick`]), contacts who now match enter at once and — when `remove_exits` is set —
//! contacts who no longer match leave. Each returns the [`ListChange`]s it caused, which
//! [`list_trigger_hits`] matches against the list triggers of flows. Static lists stay as they
//! are, apart from changes by hand.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use sequenza::list::{Activity, Audience, List, Source};
//! use sequenza::Contact;
//!
//! let now = Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap();
//! let mut audience = Audience::new();
//! audience.upsert_contact(Contact::from_json(r#"{"id": "anna", "fields": {"gender": "Donna"}}"#)?, now)?;
//! let list = List::from_json(r#"{"id": "coupon-women", "name": "Coupon, women",
//!   "source": {"type": "coupon", "gender": "female", "used": false}, "auto_update": true}"#)?;
//! assert_eq!(audience.create_list(list, now)?, 0);
//!
//! let changes = audience.record(&"anna".into(), Activity::CouponDownloaded { coupon: "SUMMER".into() }, now, now);
//! assert_eq!(changes.len(), 1);
//! assert_eq!(changes[0].list.as_str(), "coupon-women");
//! assert!(audience.contact(&"anna".into()).unwrap().lists.contains(&"coupon-women".into()));
//! # Ok::<(), sequenza::Error>(())
//! ```

mod activity;
mod audience;
mod source;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use activity::{events, fields, Activity, ActivityRecord, DeviceType};
pub use audience::Audience;
pub use source::{AgeBand, FidelityStatus, Gender, PeopleFilter, Source};

use crate::flow::{Flow, Trigger};
use crate::model::{Contact, ContactId, FlowId, ListId};
use crate::segment::MembershipChange;

/// A contact list. JSON:
/// `{"id": "vip", "name": "VIP", "source": {"type": "tag", "tag": "vip"}, "auto_update": true,
/// "remove_exits": true}`.
///
/// ```
/// use sequenza::list::List;
/// let l = List::from_json(r#"{"id": "l1", "name": "Walk-ins", "source": {"type": "walk_in"}}"#)?;
/// assert!(!l.auto_update);
/// # Ok::<(), sequenza::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct List {
    /// The list's id.
    pub id: ListId,
    /// The name shown to people.
    pub name: String,
    /// Where its contacts come from.
    pub source: Source,
    /// Keep the list current: contacts who start matching the source enter at once.
    #[serde(default, skip_serializing_if = "is_false")]
    pub auto_update: bool,
    /// With `auto_update`, also take out contacts who stop matching the source.
    #[serde(default, skip_serializing_if = "is_false")]
    pub remove_exits: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl List {
    /// A static list from its parts.
    ///
    /// ```
    /// use sequenza::list::{List, Source};
    /// let l = List::new("l1", "By hand", Source::Empty {});
    /// assert_eq!(l.name, "By hand");
    /// ```
    pub fn new(id: impl Into<ListId>, name: impl Into<String>, source: Source) -> Self {
        List {
            id: id.into(),
            name: name.into(),
            source,
            auto_update: false,
            remove_exits: false,
        }
    }

    /// Parses a list from JSON; errors carry the JSON path, line and column.
    pub fn from_json(json: &str) -> crate::Result<Self> {
        crate::error::from_json_str(json)
    }
}

/// A contact entered or left a list. JSON:
/// `{"list": "vip", "contact": "anna", "change": "entered", "at": "2026-11-25T09:00:00Z"}`.
///
/// ```
/// use sequenza::list::ListChange;
/// let c: ListChange = serde_json::from_str(
///   r#"{"list": "vip", "contact": "anna", "change": "exited", "at": "2026-11-25T09:00:00Z"}"#)?;
/// assert_eq!(c.list.as_str(), "vip");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ListChange {
    /// The list.
    pub list: ListId,
    /// The contact.
    pub contact: ContactId,
    /// Entered or exited.
    pub change: MembershipChange,
    /// When.
    pub at: DateTime<Utc>,
}

impl ListChange {
    /// Parses a list change from JSON; errors carry the JSON path, line and column.
    ///
    /// ```
    /// use sequenza::list::ListChange;
    /// let c = ListChange::from_json(
    ///   r#"{"list": "vip", "contact": "anna", "change": "entered", "at": "2026-11-25T09:00:00Z"}"#)?;
    /// assert_eq!(c.contact.as_str(), "anna");
    /// let err = ListChange::from_json(r#"{"list": "vip", "contact": "anna", "change": "in"}"#).unwrap_err();
    /// assert_eq!(err.path(), Some("/change"));
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn from_json(json: &str) -> crate::Result<Self> {
        crate::error::from_json_str(json)
    }
}

/// One page of a list's members, in contact id order.
///
/// ```
/// use sequenza::list::MemberPage;
/// let p: MemberPage = serde_json::from_str(r#"{"total": 0, "offset": 0, "contacts": []}"#)?;
/// assert_eq!(p.total, 0);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct MemberPage {
    /// How many members the list has.
    pub total: usize,
    /// The position of the first contact of the page.
    pub offset: usize,
    /// The contacts of the page.
    pub contacts: Vec<Contact>,
}

/// A flow whose list trigger a list change fires. JSON:
/// `{"flow": "welcome", "list": "vip", "contact": "anna", "change": "entered", "at": "…"}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct TriggerHit {
    /// The flow to enter.
    pub flow: FlowId,
    /// The list.
    pub list: ListId,
    /// The contact.
    pub contact: ContactId,
    /// Entered or exited.
    pub change: MembershipChange,
    /// When.
    pub at: DateTime<Utc>,
}

/// The (flow, change) pairs where a list change matches a list trigger of an active flow
/// (`entered` fires `on: entered`, `exited` fires `on: left`), in change order then flow order.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use sequenza::list::{list_trigger_hits, ListChange};
/// use sequenza::segment::MembershipChange;
/// use sequenza::Flow;
/// let flow = Flow::from_json(r#"{"id": "welcome", "name": "Welcome", "status": "active",
///   "triggers": [{"type": "list", "list": "vip", "on": "entered"}],
///   "start": "end", "nodes": [{"id": "end", "type": "exit"}], "edges": []}"#)?;
/// let change = ListChange { list: "vip".into(), contact: "anna".into(),
///   change: MembershipChange::Entered, at: Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap() };
/// let hits = list_trigger_hits(&[change], &[flow]);
/// assert_eq!(hits[0].flow.as_str(), "welcome");
/// # Ok::<(), sequenza::Error>(())
/// ```
pub fn list_trigger_hits(changes: &[ListChange], flows: &[Flow]) -> Vec<TriggerHit> {
    use crate::flow::MembershipChange as On;
    let mut hits = Vec::new();
    for c in changes {
        for f in flows {
            if f.status != crate::flow::FlowStatus::Active {
                continue;
            }
            let fires = f.triggers.iter().any(|t| match t {
                Trigger::List { list, on } => {
                    *list == c.list
                        && matches!(
                            (on, c.change),
                            (On::Entered, MembershipChange::Entered)
                                | (On::Left, MembershipChange::Exited)
                        )
                }
                _ => false,
            });
            if fires {
                hits.push(TriggerHit {
                    flow: f.id.clone(),
                    list: c.list.clone(),
                    contact: c.contact.clone(),
                    change: c.change,
                    at: c.at,
                });
            }
        }
    }
    hits
}
