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

impl FieldType {
    /// Whether `value` fits this type: the one place that knows the JSON form of each type.
    /// `null` fits every type (no value); a date is `YYYY-MM-DD`, a date-time RFC 3339, a choice
    /// one of `choices` (any text when none are declared), a list a list of texts.
    ///
    /// ```
    /// use sequenza::model::{FieldType, Value};
    /// assert!(FieldType::Number.fits(&Value::Number(3.0), &[]));
    /// assert!(!FieldType::Number.fits(&"tre".into(), &[]));
    /// assert!(FieldType::Date.fits(&"1980-12-31".into(), &[]));
    /// assert!(!FieldType::Date.fits(&"31/12/1980".into(), &[]));
    /// assert!(!FieldType::Choice.fits(&"blu".into(), &["rosso".to_owned()]));
    /// ```
    pub fn fits(self, value: &Value, choices: &[String]) -> bool {
        match (self, value) {
            (_, Value::Null) => true,
            (FieldType::Text, Value::Text(_))
            | (FieldType::Number, Value::Number(_))
            | (FieldType::Boolean, Value::Bool(_)) => true,
            (FieldType::Date, Value::Text(s)) => {
                chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()
            }
            (FieldType::DateTime, Value::Text(s)) => {
                chrono::DateTime::parse_from_rfc3339(s).is_ok()
            }
            (FieldType::Choice, Value::Text(s)) => {
                choices.is_empty() || choices.iter().any(|c| c == s)
            }
            (FieldType::TextList, Value::List(items)) => {
                items.iter().all(|v| matches!(v, Value::Text(_)))
            }
            _ => false,
        }
    }

    /// The type's name for people: `text`, `number`, `yes/no`, `date`, `date-time`, `choice`,
    /// `list`.
    ///
    /// ```
    /// assert_eq!(sequenza::model::FieldType::Boolean.word(), "yes/no");
    /// ```
    pub fn word(self) -> &'static str {
        match self {
            FieldType::Text => "text",
            FieldType::Number => "number",
            FieldType::Boolean => "yes/no",
            FieldType::Date => "date",
            FieldType::DateTime => "date-time",
            FieldType::Choice => "choice",
            FieldType::TextList => "list",
        }
    }
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

    /// Fills a contact's absent (or `null`) declared fields with their defaults, then checks
    /// every declared field: a value that does not fit its type, or a required field left
    /// without a value, is a [`FieldProblem`] naming the field.
    ///
    /// ```
    /// use sequenza::model::{FieldSchema, Value};
    /// let s = FieldSchema::from_json(r#"{"fields": [
    ///   {"key": "points", "type": "number", "default": 0},
    ///   {"key": "city", "type": "text", "required": true}]}"#).unwrap();
    /// let mut fields = std::collections::BTreeMap::new();
    /// fields.insert("city".to_owned(), Value::from("Roma"));
    /// s.apply(&mut fields).unwrap();
    /// assert_eq!(fields["points"], Value::Number(0.0));
    /// fields.insert("points".to_owned(), Value::from("tanti"));
    /// assert_eq!(s.apply(&mut fields).unwrap_err().field, "points");
    /// ```
    pub fn apply(
        &self,
        fields: &mut std::collections::BTreeMap<String, Value>,
    ) -> Result<(), FieldProblem> {
        for def in &self.fields {
            let absent = fields
                .get(&def.key)
                .is_none_or(|v| matches!(v, Value::Null));
            if absent {
                if let Some(d) = &def.default {
                    fields.insert(def.key.clone(), d.clone());
                }
            }
            match fields.get(&def.key) {
                Some(v) if !def.field_type.fits(v, &def.choices) => {
                    return Err(FieldProblem {
                        field: def.key.clone(),
                        required: false,
                        message: format!(
                            "{v} does not fit the {} field `{}`",
                            def.field_type.word(),
                            def.key
                        ),
                    });
                }
                Some(v) if !v.is_empty() => {}
                _ if def.required => {
                    return Err(FieldProblem {
                        field: def.key.clone(),
                        required: true,
                        message: format!("the required field `{}` has no value", def.key),
                    });
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// True when `key` is a declared field or a built-in contact attribute usable in merge
    /// fields and conditions (see [`BUILTIN_FIELDS`]).
    pub fn knows(&self, key: &str) -> bool {
        BUILTIN_FIELDS.contains(&key) || self.get(key).is_some()
    }
}

/// A contact's field value that the [`FieldSchema`] refuses.
///
/// ```
/// use sequenza::model::FieldProblem;
/// let p = FieldProblem { field: "points".into(), required: false, message: "…".into() };
/// assert_eq!(p.field, "points");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    /// The field's key.
    pub field: String,
    /// True when the field is required and has no value; false when its value does not fit.
    pub required: bool,
    /// What is wrong.
    pub message: String,
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
