//! Events: things a contact did or that happened to a contact.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::ContactId;

/// An event: a contact reference, a name, a timestamp and free-form properties.
///
/// Message engagement (delivered, opened, clicked, bounced, unsubscribed) is recorded as events too.
///
/// ```
/// use sequenza::model::Event;
/// let e = Event::from_json(r#"{
///   "contact": "c1", "name": "order.placed", "at": "2026-11-25T18:51:00Z",
///   "properties": {"amount": 59.9, "currency": "EUR"}
/// }"#).unwrap();
/// assert_eq!(e.name, "order.placed");
/// assert_eq!(e.properties["amount"], serde_json::json!(59.9));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// The contact the event belongs to.
    pub contact: ContactId,
    /// Event name (`signup`, `order.placed`, `cart.abandoned`, `email.opened` …).
    pub name: String,
    /// When it happened.
    pub at: DateTime<Utc>,
    /// Free-form properties.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub properties: BTreeMap<String, serde_json::Value>,
}

impl Event {
    /// Parses an event from JSON; errors carry the JSON path, line and column.
    pub fn from_json(json: &str) -> crate::Result<Self> {
        crate::error::from_json_str(json)
    }
}
