//! Errors a caller can cause, each with a stable code and a location.

use std::fmt;

use serde::de::DeserializeOwned;

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
    /// An input the flow engine refuses (`engine.*`): time going backwards, an invalid or
    /// unknown flow, an unknown contact or effect, with the flow, node, contact or JSON path.
    #[error(transparent)]
    Engine(Box<crate::engine::EngineError>),
    /// A storage failure (`store.*`); the input that met it changed nothing.
    #[error(transparent)]
    Store(Box<crate::store::StoreError>),
}

impl Error {
    /// The stable machine code of this error (`format.syntax`, `format.invalid` …).
    pub fn code(&self) -> &'static str {
        match self {
            Error::Format(e) => e.code.as_str(),
            Error::Parse(e) => e.code,
            Error::Condition(e) => e.code,
            Error::Time(e) => e.code,
            Error::List(e) => e.code,
            #[cfg(feature = "import")]
            Error::Import(e) => e.code,
            Error::Engine(e) => e.code.as_str(),
            Error::Store(e) => e.code.as_str(),
        }
    }

    /// The JSON pointer of the offending value, when known.
    pub fn path(&self) -> Option<&str> {
        match self {
            Error::Format(e) => Some(e.path.as_str()),
            Error::Condition(e) => Some(e.path.as_str()),
            Error::Time(e) => Some(e.path.as_str()),
            Error::List(e) => Some(e.path.as_str()),
            Error::Parse(_) | Error::Store(_) => None,
            Error::Engine(e) => Some(e.path.as_str()),
            #[cfg(feature = "import")]
            Error::Import(_) => None,
        }
    }

    /// 1-based line and column in the input text, when the error has them.
    pub fn line_column(&self) -> Option<(usize, usize)> {
        match self {
            Error::Format(e) => Some((e.line, e.column)),
            Error::Parse(e) => Some((e.line, e.column)),
            Error::Condition(_)
            | Error::Time(_)
            | Error::List(_)
            | Error::Engine(_)
            | Error::Store(_) => None,
            #[cfg(feature = "import")]
            Error::Import(_) => None,
        }
    }

    /// The human-readable message, without the location.
    pub fn message(&self) -> &str {
        match self {
            Error::Format(e) => &e.message,
            Error::Parse(e) => &e.message,
            Error::Condition(e) => &e.message,
            Error::Time(e) => &e.message,
            Error::List(e) => &e.message,
            #[cfg(feature = "import")]
            Error::Import(e) => &e.message,
            Error::Engine(e) => &e.message,
            Error::Store(e) => &e.message,
        }
    }
}

/// What kind of format problem a [`FormatError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FormatCode {
    /// Not well-formed JSON (`format.syntax`).
    Syntax,
    /// The JSON ended too early (`format.eof`).
    Eof,
    /// Well-formed JSON of the wrong shape: a missing field, a wrong type, an unknown variant
    /// (`format.invalid`).
    Invalid,
}

impl FormatCode {
    /// The stable code string.
    pub fn as_str(self) -> &'static str {
        match self {
            FormatCode::Syntax => "format.syntax",
            FormatCode::Eof => "format.eof",
            FormatCode::Invalid => "format.invalid",
        }
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
    pub code: &'static str,
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
    /// Stable code.
    pub code: &'static str,
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
    pub code: &'static str,
    /// JSON pointer into the list document (or the call's arguments) where the problem is.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl ListError {
    /// A list error as an [`Error`].
    pub(crate) fn error(
        code: &'static str,
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
pub(crate) fn from_json_any<T: DeserializeOwned>(json: &str) -> Result<T> {
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
        assert_eq!(f.code, FormatCode::Syntax);
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
