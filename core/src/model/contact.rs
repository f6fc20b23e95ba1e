//! Contacts and their consent.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Channel, ContactId, ListId, Value};

/// Whether a contact agreed to receive messages on a channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ConsentStatus {
    /// Opted in: messages may be sent.
    OptedIn,
    /// Opted out: no marketing message may be sent.
    OptedOut,
    /// Never asked.
    Unknown,
}

/// Consent on one channel, with when and how it was given or withdrawn.
///
/// ```
/// use sequenza::model::{Consent, ConsentStatus};
/// let c: Consent = serde_json::from_str(
///     r#"{"status": "opted_in", "at": "2026-01-10T09:00:00Z", "source": "form"}"#).unwrap();
/// assert_eq!(c.status, ConsentStatus::OptedIn);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Consent {
    /// Opted in, out, or unknown.
    pub status: ConsentStatus,
    /// When the status was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<DateTime<Utc>>,
    /// Where it came from (a form, an import, an inbound message …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// A contact: profile fields, tags, list memberships, consent per channel, time zone and locale.
///
/// ```
/// use sequenza::model::{Channel, Contact, ConsentStatus};
/// let c = Contact::from_json(r#"{
///   "id": "c1",
///   "email": "anna@example.com",
///   "fields": {"first_name": "Anna", "birth_date": "1990-05-01"},
///   "tags": ["vip"],
///   "consent": {"email": {"status": "opted_in"}},
///   "time_zone": "Europe/Rome"
/// }"#).unwrap();
/// assert!(c.tags.contains("vip"));
/// assert_eq!(c.consent_status(Channel::Email), ConsentStatus::OptedIn);
/// assert_eq!(c.consent_status(Channel::Sms), ConsentStatus::Unknown);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// The contact's id.
    pub id: ContactId,
    /// E-mail address, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Phone number in E.164 form (`+393331234567`), if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Profile field values by field key.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, Value>,
    /// Tags.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub tags: BTreeSet<String>,
    /// The lists the contact belongs to.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub lists: BTreeSet<ListId>,
    /// Consent per channel; a missing channel means [`ConsentStatus::Unknown`].
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub consent: BTreeMap<Channel, Consent>,
    /// IANA time zone (`Europe/Rome`), if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    /// Locale (`it-IT`), if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// When the contact was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<DateTime<Utc>>,
    /// When the contact was last changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<DateTime<Utc>>,
}

impl Contact {
    /// A contact with only an id.
    pub fn new(id: impl Into<ContactId>) -> Self {
        Contact {
            id: id.into(),
            email: None,
            phone: None,
            fields: BTreeMap::new(),
            tags: BTreeSet::new(),
            lists: BTreeSet::new(),
            consent: BTreeMap::new(),
            time_zone: None,
            locale: None,
            created_at: None,
            updated_at: None,
        }
    }

    /// Parses a contact from JSON; errors carry the JSON path, line and column.
    pub fn from_json(json: &str) -> crate::Result<Self> {
        crate::error::from_json_str(json)
    }

    /// Sets a value by the key a condition or a merge field reads it under: `email`, `phone`,
    /// `time_zone` and `locale` are the contact's own attributes (set from the value's text, or
    /// cleared by a null / empty text); any other key is a profile field (removed by a null).
    ///
    /// A flow's `update_fields` node and a question's `save_to` write through it, so a question
    /// asking for an e-mail address that saves to `email` changes the address messages go to.
    ///
    /// ```
    /// use sequenza::model::Value;
    /// use sequenza::Contact;
    /// let mut c = Contact::new("anna");
    /// c.set_value("email", Value::Text("anna@example.com".into()));
    /// c.set_value("size", Value::Text("M".into()));
    /// assert_eq!(c.email.as_deref(), Some("anna@example.com"));
    /// assert_eq!(c.fields.get("size"), Some(&Value::Text("M".into())));
    /// c.set_value("size", Value::Null);
    /// assert!(c.fields.is_empty());
    /// ```
    pub fn set_value(&mut self, key: &str, value: Value) {
        let slot = match key {
            "email" => &mut self.email,
            "phone" => &mut self.phone,
            "time_zone" => &mut self.time_zone,
            "locale" => &mut self.locale,
            _ => {
                if value == Value::Null {
                    self.fields.remove(key);
                } else {
                    self.fields.insert(key.to_owned(), value);
                }
                return;
            }
        };
        *slot = match value {
            Value::Null => None,
            Value::Text(t) => Some(t.trim().to_owned()).filter(|t| !t.is_empty()),
            other => Some(other.to_string()),
        };
    }

    /// The consent status on a channel ([`ConsentStatus::Unknown`] when never recorded).
    pub fn consent_status(&self, channel: Channel) -> ConsentStatus {
        self.consent
            .get(&channel)
            .map_or(ConsentStatus::Unknown, |c| c.status)
    }
}
