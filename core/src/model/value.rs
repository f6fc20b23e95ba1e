//! Profile field values.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A profile field value as it appears in JSON.
///
/// Values stay JSON-native (`null`, booleans, numbers, strings, arrays of strings); the declared
/// [`FieldType`](crate::model::FieldType) says how a string is read (a date, a date-time, a choice).
///
/// ```
/// use sequenza::model::Value;
/// let v: Value = serde_json::from_str("[\"vip\", \"newsletter\"]").unwrap();
/// assert_eq!(v, Value::List(vec!["vip".into(), "newsletter".into()]));
/// let mixed: Value = serde_json::from_str("[25, 34]").unwrap();
/// assert_eq!(mixed, Value::List(vec![Value::Number(25.0), Value::Number(34.0)]));
/// assert_eq!(serde_json::from_str::<Value>("3.5").unwrap(), Value::Number(3.5));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
#[non_exhaustive]
pub enum Value {
    /// No value.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number (integers are exact up to 2^53).
    Number(f64),
    /// Text; also the JSON form of dates (`YYYY-MM-DD`), date-times (RFC 3339) and choices.
    Text(String),
    /// A list of values: the value of a `text_list` field (texts), or the operand of `in` and
    /// `between` in conditions.
    List(Vec<Value>),
}

impl Value {
    /// The value's JSON type name: `null`, `boolean`, `number`, `string`, `array`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::Text(_) => "string",
            Value::List(_) => "array",
        }
    }

    /// True when the value is `Null`, an empty string or an empty list.
    ///
    /// ```
    /// use sequenza::model::Value;
    /// assert!(Value::Text(String::new()).is_empty());
    /// assert!(!Value::Bool(false).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        match self {
            Value::Null => true,
            Value::Text(s) => s.is_empty(),
            Value::List(l) => l.is_empty(),
            Value::Bool(_) | Value::Number(_) => false,
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Number(n) => write!(f, "{n}"),
            Value::Text(s) => write!(f, "{s:?}"),
            Value::List(l) => {
                f.write_str("(")?;
                for (i, v) in l.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_str(")")
            }
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Text(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Text(s)
    }
}

impl From<f64> for Value {
    fn from(n: f64) -> Self {
        Value::Number(n)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}
