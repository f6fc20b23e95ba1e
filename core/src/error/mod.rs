//! Errors a caller can cause, each with a stable code and a location.

use std::fmt;

use serde::de::DeserializeOwned;

mod area;
mod location;
mod registry;

pub use area::Area;
pub use location::{ErrorData, Location};
pub use registry::{
    code_info, codes, finding_codes, CodeInfo, ConditionCode, ConditionErrorCode, EngineCode,
    FindingCode, FindingCodeInfo, FormatCode, ImportCode, JsonLogicCode, ListCode, MergeCode,
    ParseCode, RejectionCode, SegmentCode, StoreCode, TimeCode,
};

/// The result type of fallible sequenza functions.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An error caused by the caller's input.
///
/// Every variant has a stable machine code ([`Error::code`]) and says where the problem is.
/// Expected outcomes such as validation findings are *not* errors: see
/// [`validate_flow`](crate::validate_flow).
///
/// ```
/// use sequenza::Flow;
/// let err = Flow::from_json(r#"{"id": "f", "name": 3}"#).unwrap_err();
/// assert_eq!(err.code(), "format.invalid");
/// assert_eq!(err.path(), Some("/name"));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The JSON is malformed or does not have the expected shape.
    #[error(transparent)]
    Format(Box<FormatError>),
    /// Condition text (the readable syntax) that cannot be parsed.
    #[error(transparent)]
    Parse(Box<ParseError>),
    /// A condition or segment that is well-formed but cannot be evaluated as written: an unknown
    /// field, a type mismatch, a bad regular expression or date, a segment cycle, too deep.
    #[error(transparent)]
    Condition(Box<ConditionError>),
    /// A time rule that cannot be used as written: a malformed time of day, an unknown time
    /// zone, a send policy that never allows a send, a recurrence out of range.
    #[error(transparent)]
    Time(Box<crate::time::TimeError>),
    /// A list operation that cannot be done: an unknown or duplicate list, a bad source filter
    /// (an age band whose minimum is above its maximum, a malformed date), an operation that
    /// only a static list allows.
    #[error(transparent)]
    List(Box<ListError>),
    /// A CSV file that cannot be imported at all (empty, duplicate header names, a mapping naming
    /// a missing column …), with its byte offset, row and column. Problems in single rows are not
    /// errors but rejections in the import report.
    #[cfg(feature = "import")]
    #[error(transparent)]
    Import(Box<crate::import::ImportError>),
    /// A JsonLogic rule that cannot be evaluated: an unknown operator, nesting too deep,
    /// arguments an operator has no answer for.
    #[error(transparent)]
    JsonLogic(Box<crate::jsonlogic::JsonLogicError>),
    /// A malformed `{{ … }}` merge field in message text, with its byte offset.
    #[error(transparent)]
    Merge(Box<crate::flow::merge::MergeSyntaxError>),
    /// An input the flow engine refuses (`engine.*`): time going backwards, an invalid or
    /// unknown flow, an unknown contact or effect, with the flow, node, contact or JSON path.
    #[error(transparent)]
    Engine(Box<crate::engine::EngineError>),
    /// A storage failure (`store.*`); the input that met it changed nothing.
    #[error(transparent)]
    Store(Box<crate::store::StoreError>),
}

impl Error {
    /// The area of this error; bindings pick their exception class by it.
    ///
    /// ```
    /// use sequenza::error::Area;
    /// let err = sequenza::time::Policy::from_json(r#"{"time_zone": "Mars/Olympus"}"#).unwrap_err();
    /// assert_eq!(err.area(), Area::Time);
    /// ```
    pub fn area(&self) -> Area {
        match self {
            Error::Format(_) => Area::Format,
            Error::Parse(_) => Area::Parse,
            Error::Condition(e) => e.code.area(),
            Error::Time(_) => Area::Time,
            Error::List(_) => Area::List,
            #[cfg(feature = "import")]
            Error::Import(_) => Area::Import,
            Error::JsonLogic(_) => Area::JsonLogic,
            Error::Merge(_) => Area::Merge,
            Error::Engine(_) => Area::Engine,
            Error::Store(_) => Area::Store,
        }
    }

    /// The stable machine code of this error (`format.syntax`, `format.invalid` …); every code
    /// is in the registry ([`codes`]).
    ///
    /// ```
    /// let err = sequenza::Flow::from_json("{").unwrap_err();
    /// assert_eq!(err.code(), "format.eof");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            Error::Format(e) => e.code.as_str(),
            Error::Parse(e) => e.code.as_str(),
            Error::Condition(e) => e.code.as_str(),
            Error::Time(e) => e.code.as_str(),
            Error::List(e) => e.code.as_str(),
            #[cfg(feature = "import")]
            Error::Import(e) => e.code.as_str(),
            Error::JsonLogic(e) => e.code(),
            Error::Merge(_) => MergeCode::Malformed.as_str(),
            Error::Engine(e) => e.code.as_str(),
            Error::Store(e) => e.code.as_str(),
        }
    }

    /// Where the error is: the fields of [`Location`] that apply to it.
    ///
    /// ```
    /// let err = sequenza::condition::Condition::parse("tags has_any (").unwrap_err();
    /// let at = err.location();
    /// assert_eq!(at.line, Some(1));
    /// assert!(at.column.is_some());
    /// assert_eq!(at.path, None);
    /// ```
    pub fn location(&self) -> Location {
        match self {
            Error::Format(e) => Location {
                path: Some(e.path.clone()),
                line: Some(e.line),
                column: Some(e.column),
                ..Location::default()
            },
            Error::Parse(e) => Location::at_line_column(e.line, e.column),
            Error::Condition(e) => Location::at_path(e.path.clone()),
            Error::Time(e) => Location::at_path(e.path.clone()),
            Error::List(e) => Location::at_path(e.path.clone()),
            #[cfg(feature = "import")]
            Error::Import(e) => Location {
                row: e.row,
                csv_column: e.column,
                column_name: e.column_name.clone(),
                byte_offset: e.offset,
                ..Location::default()
            },
            Error::JsonLogic(e) => Location::at_path(e.path()),
            Error::Merge(e) => Location {
                byte_offset: Some(e.offset as u64),
                ..Location::default()
            },
            Error::Engine(e) => Location {
                path: Some(e.path.clone()),
                flow: e.flow.as_ref().map(|f| f.as_str().to_owned()),
                node: e.node.as_ref().map(|n| n.as_str().to_owned()),
                contact: e.contact.as_ref().map(|c| c.as_str().to_owned()),
                ..Location::default()
            },
            Error::Store(_) => Location::default(),
        }
    }

    /// The error of element `index` of a list read one element at a time: a format error's
    /// JSON pointer gets `/index` in front (other errors are returned as they are).
    ///
    /// ```
    /// let err = sequenza::Flow::from_json(r#"{"id": "f", "name": 3}"#).unwrap_err();
    /// assert_eq!(err.in_element(2).path(), Some("/2/name"));
    /// ```
    #[must_use]
    pub fn in_element(self, index: usize) -> Error {
        match self {
            Error::Format(mut f) => {
                f.path = format!("/{index}{}", f.path);
                Error::Format(f)
            }
            other => other,
        }
    }

    /// The JSON pointer of the offending value, when known.
    ///
    /// ```
    /// let err = sequenza::Flow::from_json(r#"{"id": "f", "name": 3}"#).unwrap_err();
    /// assert_eq!(err.path(), Some("/name"));
    /// ```
    pub fn path(&self) -> Option<&str> {
        match self {
            Error::Format(e) => Some(e.path.as_str()),
            Error::Condition(e) => Some(e.path.as_str()),
            Error::Time(e) => Some(e.path.as_str()),
            Error::List(e) => Some(e.path.as_str()),
            Error::JsonLogic(e) => Some(e.path()),
            Error::Parse(_) | Error::Merge(_) => None,
            Error::Engine(e) => Some(e.path.as_str()),
            Error::Store(_) => None,
            #[cfg(feature = "import")]
            Error::Import(_) => None,
        }
    }

    /// 1-based line and column in the input text, when the error has them. For a CSV import
    /// error: the 1-based row (the header is row 1) and the 1-based column (0 when only the row
    /// is known).
    ///
    /// ```
    /// let err = sequenza::Flow::from_json("{\n  \"id\": 3}").unwrap_err();
    /// assert_eq!(err.line_column(), Some((2, 9)));
    /// ```
    pub fn line_column(&self) -> Option<(usize, usize)> {
        match self {
            Error::Format(e) => Some((e.line, e.column)),
            Error::Parse(e) => Some((e.line, e.column)),
            Error::Engine(_) | Error::Store(_) => None,
            #[cfg(feature = "import")]
            Error::Import(e) => e.row.map(|row| {
                (
                    usize::try_from(row).unwrap_or(usize::MAX),
                    e.column.map_or(0, |c| c + 1),
                )
            }),
            Error::Condition(_)
            | Error::Time(_)
            | Error::List(_)
            | Error::JsonLogic(_)
            | Error::Merge(_) => None,
        }
    }

    /// The human-readable message, without the location. (For a JsonLogic error it leaves out
    /// the operator too; [`data`](Self::data) has the whole message and the operator.)
    ///
    /// ```
    /// let err = sequenza::Flow::from_json(r#"{"id": "f", "name": 3}"#).unwrap_err();
    /// assert!(err.message().contains("invalid type"));
    /// ```
    pub fn message(&self) -> &str {
        match self {
            Error::Format(e) => &e.message,
            Error::Parse(e) => &e.message,
            Error::Condition(e) => &e.message,
            Error::Time(e) => &e.message,
            Error::List(e) => &e.message,
            #[cfg(feature = "import")]
            Error::Import(e) => &e.message,
            Error::JsonLogic(e) => e.message(),
            Error::Merge(e) => &e.message,
            Error::Engine(e) => &e.message,
            Error::Store(e) => &e.message,
        }
    }

    /// The error as tagged data for bindings: area, code, message, location and the extras of
    /// its area (`expected` / `found` of a condition syntax error, `operator` of a JsonLogic
    /// error, `report` of an import that stopped part-way: the JSON of its `PartialImport`,
    /// with the feature `import`).
    ///
    /// ```
    /// let err = sequenza::condition::Condition::parse("tags has_any (").unwrap_err();
    /// let json = serde_json::to_value(err.data()).unwrap();
    /// assert_eq!(json["area"], "parse");
    /// assert_eq!(json["code"], "condition.syntax");
    /// assert_eq!(json["line"], 1);
    /// assert!(json["expected"].is_array());
    /// ```
    pub fn data(&self) -> ErrorData {
        let mut extra = serde_json::Map::new();
        match self {
            Error::Parse(e) => {
                extra.insert("expected".into(), e.expected.clone().into());
                extra.insert("found".into(), e.found.clone().into());
            }
            Error::JsonLogic(e) => {
                if let Some(op) = e.operator() {
                    extra.insert("operator".into(), op.into());
                }
            }
            _ => {}
        }
        ErrorData {
            area: self.area().as_str(),
            code: self.code(),
            message: match self {
                Error::JsonLogic(e) => e.full_message(),
                other => other.message().to_owned(),
            },
            location: self.location(),
            report: match self {
                #[cfg(feature = "import")]
                Error::Import(e) => e.report.as_ref().and_then(|r| serde_json::to_value(r).ok()),
                _ => None,
            },
            findings: match self {
                Error::Engine(e) if !e.findings.is_empty() => Some(e.findings.clone()),
                _ => None,
            },
            extra,
        }
    }
}

impl From<crate::jsonlogic::JsonLogicError> for Error {
    fn from(e: crate::jsonlogic::JsonLogicError) -> Self {
        Error::JsonLogic(Box::new(e))
    }
}

impl From<crate::flow::merge::MergeSyntaxError> for Error {
    fn from(e: crate::flow::merge::MergeSyntaxError) -> Self {
        Error::Merge(Box::new(e))
    }
}

/// A JSON document that could not be read, with where it went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatError {
    /// The kind of problem.
    pub code: FormatCode,
    /// JSON pointer (RFC 6901) of the value being read, `""` for the document itself.
    pub path: String,
    /// 1-based line in the input text.
    pub line: usize,
    /// 1-based column in the input text (0 for an empty input).
    pub column: usize,
    /// What went wrong.
    pub message: String,
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() {
            "/"
        } else {
            &self.path
        };
        write!(
            f,
            "{} at {} (line {}, column {})",
            self.message, path, self.line, self.column
        )
    }
}

impl std::error::Error for FormatError {}

/// Condition text that cannot be parsed: where, what was expected, what was found.
///
/// Code: `condition.syntax`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// Stable code (`condition.syntax`).
    pub code: ParseCode,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What the parser expected there (`a field name`, `")"`, …).
    pub expected: Vec<String>,
    /// What it found (`end of input` at the end).
    pub found: String,
    /// The whole message.
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (line {}, column {})",
            self.message, self.line, self.column
        )
    }
}

impl std::error::Error for ParseError {}

/// A condition that cannot be evaluated as written.
///
/// Codes: `condition.field.unknown`, `condition.type_mismatch`, `condition.value.missing`,
/// `condition.value.invalid`, `condition.regex.invalid`, `condition.date.invalid`,
/// `condition.too_deep`, `segment.cycle`, `segment.unknown`, `segment.duplicate`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionError {
    /// Stable code: a condition code, or a segment code.
    pub code: ConditionErrorCode,
    /// JSON pointer into the condition (or the segment set) where the problem is.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ConditionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() {
            "/"
        } else {
            &self.path
        };
        write!(f, "{} at {}", self.message, path)
    }
}

impl std::error::Error for ConditionError {}

/// A list operation that cannot be done.
///
/// Codes: `list.unknown`, `list.duplicate`, `list.filter.invalid`, `list.static_only`,
/// `list.contact.unknown`, `list.name.empty`.
///
/// ```
/// use sequenza::list::{Audience, List, Source};
/// let mut audience = Audience::new();
/// let err = audience.rename_list(&"nope".into(), "X").unwrap_err();
/// assert_eq!(err.code(), "list.unknown");
/// assert_eq!(err.path(), Some("/id"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListError {
    /// Stable code.
    pub code: ListCode,
    /// JSON pointer into the list document (or the call's arguments) where the problem is.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl ListError {
    /// A list error as an [`Error`].
    pub(crate) fn error(
        code: ListCode,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Error {
        Error::List(Box::new(ListError {
            code,
            path: path.into(),
            message: message.into(),
        }))
    }
}

impl fmt::Display for ListError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() {
            "/"
        } else {
            &self.path
        };
        write!(f, "{} at {}", self.message, path)
    }
}

impl std::error::Error for ListError {}

/// Reads any of sequenza's serde types from its JSON text — for the documents that have no
/// `from_json` of their own (an inbound message, an API response, a feed item, a flow status,
/// an effect outcome …) — with the same `format.*` errors, JSON pointer, line and column as
/// every `from_json`. Bindings read their arguments through it.
///
/// ```
/// use sequenza::engine::{InboundMessage, Outcome};
/// let m: InboundMessage = sequenza::error::from_json(
///     r#"{"channel": "sms", "from": "+393331234567", "text": "STOP", "at": "2026-12-07T09:00:00Z"}"#)?;
/// assert_eq!(m.text.as_deref(), Some("STOP"));
/// let o: Outcome = sequenza::error::from_json(r#""bounced""#)?;
/// assert_eq!(o, Outcome::Bounced);
/// let err = sequenza::error::from_json::<InboundMessage>(r#"{"channel": "fax", "at": "x"}"#).unwrap_err();
/// assert_eq!((err.code(), err.path()), ("format.invalid", Some("/channel")));
/// # Ok::<(), sequenza::Error>(())
/// ```
pub fn from_json<T: DeserializeOwned>(json: &str) -> Result<T> {
    from_json_any(json)
}

/// Reads `T` from JSON text, reporting the JSON pointer, line and column of any problem.
pub(crate) fn from_json_str<T: DeserializeOwned>(json: &str) -> Result<T> {
    // A byte-order mark is not part of the document.
    let json = json.strip_prefix('\u{feff}').unwrap_or(json);
    // Every sequenza document is a JSON object; serde would also accept a struct as an array.
    let trimmed = json.trim_start();
    if !trimmed.is_empty() && !trimmed.starts_with('{') {
        let offset = json.len() - trimmed.len();
        let (line, column) = crate::text::line_column(json, offset);
        let found = trimmed
            .chars()
            .next()
            .map_or(String::new(), |c| format!(" (found `{c}`)"));
        return Err(Error::Format(Box::new(FormatError {
            code: if trimmed.starts_with(['[', '"', '-', 't', 'f', 'n'])
                || trimmed.starts_with(|c: char| c.is_ascii_digit())
            {
                FormatCode::Invalid
            } else {
                FormatCode::Syntax
            },
            path: String::new(),
            line,
            column,
            message: format!("expected a JSON object{found}"),
        })));
    }
    from_json_any(json)
}

/// [`from_json_str`] for a document of any JSON kind (an array, a string …), not only an object.
pub(crate) fn from_json_any<'de, T: serde::Deserialize<'de>>(json: &'de str) -> Result<T> {
    let json = json.strip_prefix('\u{feff}').unwrap_or(json);
    let mut de = serde_json::Deserializer::from_str(json);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let mut err = convert(e);
        // An error raised after a whole top-level object was read has no position of its own:
        // point at the end of that object rather than at line 0.
        if let Error::Format(f) = &mut err {
            if f.line == 0 {
                let end = json.trim_end().len().saturating_sub(1);
                (f.line, f.column) = crate::text::line_column(json, end);
            }
        }
        err
    })?;
    de.end().map_err(|e| convert_plain(e, String::new()))?;
    Ok(value)
}

fn convert(err: serde_path_to_error::Error<serde_json::Error>) -> Error {
    let path = pointer(err.path());
    convert_plain(err.into_inner(), path)
}

fn convert_plain(inner: serde_json::Error, path: String) -> Error {
    use serde_json::error::Category;
    let code = match inner.classify() {
        Category::Syntax | Category::Io => FormatCode::Syntax,
        Category::Eof => FormatCode::Eof,
        Category::Data => FormatCode::Invalid,
    };
    let full = inner.to_string();
    let full = match full.rsplit_once(" at line ") {
        Some((msg, _)) => msg,
        None => full.as_str(),
    };
    let (deeper, message) = crate::tagged::decode(full);
    let mut path = path;
    path.push_str(deeper);
    let message = message.to_owned();
    Error::Format(Box::new(FormatError {
        code,
        path,
        line: inner.line(),
        column: inner.column(),
        message,
    }))
}

/// Renders a serde path as an RFC 6901 JSON pointer.
pub(crate) fn pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => {
                out.push('/');
                out.push_str(&index.to_string());
            }
            Segment::Map { key } => {
                out.push('/');
                out.push_str(&escape_pointer(key));
            }
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    out
}

/// Escapes one JSON-pointer token (`~` → `~0`, `/` → `~1`).
pub(crate) fn escape_pointer(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_stays_small() {
        assert!(std::mem::size_of::<Error>() <= 16);
    }

    #[test]
    fn syntax_error_has_line_and_column() {
        let err = from_json_str::<serde_json::Value>("{\n  \"a\": ,\n}").unwrap_err();
        let Error::Format(f) = err else {
            panic!("not a format error")
        };
        assert_eq!(f.code, "format.syntax");
        assert_eq!(f.line, 2);
        assert_eq!(f.column, 8);
    }

    #[test]
    fn top_level_tagged_errors_have_a_position() {
        let err = crate::condition::Condition::from_json("{\"type\": \"nope\"}").unwrap_err();
        assert_eq!(err.line_column(), Some((1, 16)));
        assert_eq!(err.path(), Some("/type"));
    }

    #[test]
    fn trailing_garbage_is_an_error() {
        assert!(from_json_str::<serde_json::Value>("{} x").is_err());
    }

    #[test]
    fn pointer_escapes() {
        assert_eq!(escape_pointer("a/b~c"), "a~1b~0c");
    }
}
