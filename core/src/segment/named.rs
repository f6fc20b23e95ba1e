//! A condition with an optional id and name: what a binding's `Segment` object holds
//! (issue 9 §1, the WASM binding's `Segment`).

use serde::{Serialize, Serializer};

use super::Segment;
use crate::condition::eval::CompiledCondition;
use crate::condition::Condition;
use crate::FieldSchema;

/// A condition with an optional id and name, the name defaulting to the id: what a binding's
/// `Segment` object holds, so that reading either form and the JSON form it gives back are
/// decided here once. Its JSON form is the segment document `{id, name, condition}` when it
/// has an id, the bare condition otherwise.
///
/// ```
/// use sequenza::segment::NamedCondition;
/// let s = NamedCondition::parse("age >= 18", Some("adults".into()), None)?;
/// assert_eq!(s.name.as_deref(), Some("adults"));
/// assert_eq!(serde_json::to_value(&s).unwrap()["id"], "adults");
/// let bare = NamedCondition::from_json(r#"{"type": "and", "conditions": []}"#)?;
/// assert_eq!(serde_json::to_value(&bare).unwrap()["type"], "and");
/// # Ok::<(), sequenza::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct NamedCondition {
    /// The segment's id, if any.
    pub id: Option<String>,
    /// The segment's name: the given one, else the id.
    pub name: Option<String>,
    /// The condition.
    pub condition: Condition,
}

impl NamedCondition {
    /// A condition with an id and a name (the id when `name` is `None`).
    ///
    /// ```
    /// use sequenza::segment::NamedCondition;
    /// let s = NamedCondition::new(Some("vip".into()), None, sequenza::condition::Condition::parse("age >= 18")?);
    /// assert_eq!(s.name.as_deref(), Some("vip"));
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn new(id: Option<String>, name: Option<String>, condition: Condition) -> Self {
        let name = name.or_else(|| id.clone());
        NamedCondition {
            id,
            name,
            condition,
        }
    }

    /// Reads a condition in the text syntax ([`Condition::parse`]).
    ///
    /// ```
    /// let s = sequenza::segment::NamedCondition::parse("age >= 18", None, None)?;
    /// assert_eq!((s.id, s.condition.to_string()), (None, "age >= 18".to_owned()));
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn parse(text: &str, id: Option<String>, name: Option<String>) -> crate::Result<Self> {
        Ok(Self::new(id, name, Condition::parse(text)?))
    }

    /// Translates a JsonLogic rule given as JSON text ([`Condition::from_jsonlogic`]).
    ///
    /// ```
    /// let s = sequenza::segment::NamedCondition::from_jsonlogic(r#"{"==": [{"var": "city"}, "Milano"]}"#, None, None)?;
    /// assert_eq!(s.condition.to_string(), r#"city = "Milano""#);
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn from_jsonlogic(
        rule: &str,
        id: Option<String>,
        name: Option<String>,
    ) -> crate::Result<Self> {
        let rule = crate::text::json_value(rule)?;
        Ok(Self::new(id, name, Condition::from_jsonlogic(&rule)?))
    }

    /// Reads a condition's JSON form or a segment document ([`Segment::from_json_or_condition`]).
    ///
    /// ```
    /// let s = sequenza::segment::NamedCondition::from_json(r#"{"id": "v", "name": "VIP", "condition": {"type": "and", "conditions": []}}"#)?;
    /// assert_eq!(s.name.as_deref(), Some("VIP"));
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn from_json(json: &str) -> crate::Result<Self> {
        let (id, name, condition) = Segment::from_json_or_condition(json)?;
        Ok(Self::new(id, name, condition))
    }

    /// The condition compiled for evaluation, checked against `fields` when given
    /// ([`CompiledCondition::compile`]).
    ///
    /// ```
    /// let s = sequenza::segment::NamedCondition::parse("age >= 18", None, None)?;
    /// assert!(s.compile(None).is_ok());
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn compile(&self, fields: Option<&FieldSchema>) -> crate::Result<CompiledCondition> {
        CompiledCondition::compile(&self.condition, fields)
    }

    /// The condition's JSON text; indented when `pretty`.
    ///
    /// ```
    /// let s = sequenza::segment::NamedCondition::parse("age >= 18", Some("a".into()), None)?;
    /// assert!(s.condition_json(false).starts_with(r#"{"type":"#));
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn condition_json(&self, pretty: bool) -> String {
        let text = match pretty {
            true => serde_json::to_string_pretty(&self.condition),
            false => serde_json::to_string(&self.condition),
        };
        text.unwrap_or_default()
    }
}

impl Serialize for NamedCondition {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match (&self.id, &self.name) {
            (Some(id), Some(name)) => {
                Segment::new(id.as_str(), name.as_str(), self.condition.clone()).serialize(s)
            }
            _ => self.condition.serialize(s),
        }
    }
}
