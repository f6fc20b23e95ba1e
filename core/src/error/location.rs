//! Where an error is, and the error as tagged data for the bindings.

use serde::Serialize;

use crate::flow::validate::Finding;

/// Where an error is: whichever of a JSON pointer, a line and column, a CSV row and column, a
/// byte offset, a flow, node or contact apply. Fields that do not apply are `None` and are left
/// out of the JSON form.
///
/// ```
/// let err = sequenza::Flow::from_json("{\n  \"id\": 3}").unwrap_err();
/// let at = err.location();
/// assert_eq!(at.path.as_deref(), Some("/id"));
/// assert_eq!((at.line, at.column), (Some(2), Some(9)));
/// assert_eq!(at.row, None);
/// ```
#[derive(Serialize, Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Location {
    /// JSON pointer (RFC 6901) of the offending value, `""` for the whole document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// 1-based line in the input text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// 1-based column in the input text (in characters for condition text).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// 1-based CSV row (record) number, the header being row 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<u64>,
    /// 0-based CSV column index.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub csv_column: Option<usize>,
    /// The CSV column's header name, or the name of an import option.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column_name: Option<String>,
    /// Byte offset in the input (a CSV file, a message text).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub byte_offset: Option<u64>,
    /// The flow node the error is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
    /// The flow the error is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flow: Option<String>,
    /// The contact the error is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
}

impl Location {
    /// A location that is only a JSON pointer.
    ///
    /// ```
    /// let at = sequenza::error::Location::at_path("/hours/0");
    /// assert_eq!(at.path.as_deref(), Some("/hours/0"));
    /// ```
    pub fn at_path(path: impl Into<String>) -> Self {
        Location {
            path: Some(path.into()),
            ..Location::default()
        }
    }

    /// A location that is only a 1-based line and column.
    ///
    /// ```
    /// let at = sequenza::error::Location::at_line_column(2, 5);
    /// assert_eq!((at.line, at.column), (Some(2), Some(5)));
    /// ```
    pub fn at_line_column(line: usize, column: usize) -> Self {
        Location {
            line: Some(line),
            column: Some(column),
            ..Location::default()
        }
    }

    /// Whether no field is set.
    ///
    /// ```
    /// assert!(sequenza::error::Location::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        *self == Location::default()
    }
}

/// An error as tagged data, for bindings that set the attributes of their exception (or error
/// object) generically: `area`, `code`, `message`, the [`Location`] fields that apply (flattened),
/// and, when present, `report` and `findings`.
///
/// ```
/// let err = sequenza::Flow::from_json(r#"{"id": "f", "name": 3}"#).unwrap_err();
/// let data = err.data();
/// assert_eq!(data.area, "format");
/// let json = serde_json::to_value(&data).unwrap();
/// assert_eq!(json["code"], "format.invalid");
/// assert_eq!(json["path"], "/name");
/// assert!(json.get("row").is_none());
/// ```
#[derive(Serialize, Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ErrorData {
    /// The area's stable name ([`Area::as_str`](super::Area::as_str)).
    pub area: &'static str,
    /// The stable code.
    pub code: &'static str,
    /// What went wrong, without the location.
    pub message: String,
    /// Where (only the fields that apply).
    #[serde(flatten)]
    pub location: Location,
    /// The partial report of an import that stopped part-way.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<serde_json::Value>,
    /// Validation findings behind the error (a refused publish, for example).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub findings: Option<Vec<Finding>>,
    /// Extra fields of the area: `expected` and `found` of a condition syntax error, `operator`
    /// of a JsonLogic error.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

// ---- the keys of an error's data (issue 9 §1: one list for every binding) -----------------------

impl ErrorData {
    /// Every key the JSON form of an [`ErrorData`] can have: `area`, `code`, `message`, the
    /// [`Location`] fields, `report`, `findings`, and the extra keys of condition syntax errors
    /// (`expected`, `found`) and JsonLogic errors (`operator`). A binding gives its exceptions
    /// all of them, `None` when one does not apply.
    ///
    /// ```
    /// use sequenza::error::ErrorData;
    /// let err = sequenza::condition::Condition::parse("city = ").unwrap_err();
    /// let json = serde_json::to_value(err.data()).unwrap();
    /// let keys = json.as_object().unwrap().keys();
    /// assert!(keys.into_iter().all(|k| ErrorData::FIELDS.contains(&k.as_str())));
    /// ```
    pub const FIELDS: &'static [&'static str] = &[
        "area",
        "code",
        "message",
        "path",
        "line",
        "column",
        "row",
        "csv_column",
        "column_name",
        "byte_offset",
        "node",
        "flow",
        "contact",
        "report",
        "findings",
        "expected",
        "found",
        "operator",
    ];
}

#[cfg(test)]
mod fields_tests {
    use super::{ErrorData, Location};

    #[test]
    fn every_location_field_is_listed() {
        let location = Location {
            path: Some("/a".into()),
            line: Some(1),
            column: Some(2),
            row: Some(3),
            csv_column: Some(4),
            column_name: Some("x".into()),
            byte_offset: Some(5),
            node: Some("n".into()),
            flow: Some("f".into()),
            contact: Some("c".into()),
        };
        let json = serde_json::to_value(&location).unwrap();
        let keys = json.as_object().unwrap().keys();
        assert!(keys
            .into_iter()
            .all(|k| ErrorData::FIELDS.contains(&k.as_str())));
    }
}
