//! The declared profile fields ("campi anagrafici").

use serde::{Deserialize, Serialize};

use super::Value;

/// The type of a profile field.
///
/// ```
/// use sequenza::model::FieldType;
/// let t: FieldType = serde_json::from_str("\"datetime\"").unwrap();
/// assert_eq!(t, FieldType::DateTime);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FieldType {
    /// Free text.
    Text,
    /// A number.
    Number,
    /// True or false.
    Boolean,
    /// A calendar date, `YYYY-MM-DD`.
    Date,
    /// An instant, RFC 3339 (`2026-11-25T18:51:00Z`).
    #[serde(rename = "datetime")]
    DateTime,
    /// One value out of the declared `choices`.
    Choice,
    /// A list of text values.
    TextList,
}

/// One declared profile field.
///
/// ```
/// use sequenza::model::{FieldDef, FieldType};
/// let f: FieldDef = serde_json::from_str(
///     r#"{"key": "birth_date", "label": "Data di nascita", "type": "date"}"#).unwrap();
/// assert_eq!(f.field_type, FieldType::Date);
/// assert!(!f.required);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    /// Machine name, used in conditions and merge fields (`first_name`).
    pub key: String,
    /// Name shown to people (`Nome`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The field's type.
    #[serde(rename = "type")]
    pub field_type: FieldType,
    /// Whether every contact must have a value.
    #[serde(default)]
    pub required: bool,
    /// The value a contact gets when none is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
    /// The allowed values of a `choice` field.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<String>,
}

/// The set of declared profile fields of an account.
///
/// ```
/// use sequenza::model::FieldSchema;
/// let s = FieldSchema::from_json(r#"{"fields": [{"key": "first_name", "type": "text"}]}"#).unwrap();
/// assert!(s.get("first_name").is_some());
/// assert!(s.get("shoe_size").is_none());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct FieldSchema {
    /// The declared fields.
    #[serde(default)]
    pub fields: Vec<FieldDef>,
}

impl FieldSchema {
    /// Parses a field schema from JSON; errors carry the JSON path, line and column.
    pub fn from_json(json: &str) -> crate::Result<Self> {
        crate::error::from_json_str(json)
    }

    /// The declared field with this key.
    pub fn get(&self, key: &str) -> Option<&FieldDef> {
        self.fields.iter().find(|f| f.key == key)
    }

    /// True when `key` is a declared field or a built-in contact attribute usable in merge
    /// fields and conditions (see [`BUILTIN_FIELDS`]).
    pub fn knows(&self, key: &str) -> bool {
        BUILTIN_FIELDS.contains(&key) || self.get(key).is_some()
    }
}

/// Contact attributes that exist without being declared: `id`, `email`, `phone`, `time_zone`,
/// `locale`, `created_at`, `updated_at`.
pub const BUILTIN_FIELDS: [&str; 7] = [
    "id",
    "email",
    "phone",
    "time_zone",
    "locale",
    "created_at",
    "updated_at",
];
