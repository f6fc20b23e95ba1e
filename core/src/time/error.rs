//! The error of the time module: a stable code, a JSON pointer and a message.

use std::fmt;

pub use crate::error::TimeCode;

/// A time rule that cannot be used as written: what, where (a JSON pointer into the rule's JSON
/// form), and a message. Reaches callers as [`Error::Time`](crate::Error::Time).
///
/// ```
/// use sequenza::time::Policy;
/// let err = Policy::from_json(r#"{"hours": [{"start": "09:00", "end": "25:00"}]}"#).unwrap_err();
/// assert_eq!(err.code(), "time.time.malformed");
/// assert_eq!(err.path(), Some("/hours/0/end"));
/// let sequenza::Error::Time(t) = err else { unreachable!() };
/// assert_eq!(t.path(), "/hours/0/end");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeError {
    /// Stable code.
    pub code: TimeCode,
    /// JSON pointer of the offending value, `""` for the whole rule.
    pub path: String,
    /// What is wrong, for a person.
    pub message: String,
}

impl TimeError {
    /// The stable code.
    ///
    /// ```
    /// let e = sequenza::time::parse_zone("Mars/Olympus").unwrap_err();
    /// assert_eq!(e.code(), "time.zone.unknown");
    /// ```
    pub fn code(&self) -> &'static str {
        self.code.as_str()
    }

    /// The JSON pointer of the offending value.
    ///
    /// ```
    /// let e = sequenza::time::TimeError { code: sequenza::time::TimeCode::ZoneUnknown, path: "/time_zone".into(), message: "x".into() };
    /// assert_eq!(e.path(), "/time_zone");
    /// ```
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The message, without the location.
    ///
    /// ```
    /// let e = sequenza::time::TimeError { code: sequenza::time::TimeCode::ZoneUnknown, path: String::new(), message: "unknown".into() };
    /// assert_eq!(e.message(), "unknown");
    /// ```
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for TimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{} at {}", self.message, self.path)
        }
    }
}

impl std::error::Error for TimeError {}

/// Builds an [`Error::Time`](crate::Error::Time).
pub(crate) fn err(
    code: TimeCode,
    path: impl Into<String>,
    message: impl Into<String>,
) -> crate::Error {
    crate::Error::Time(Box::new(TimeError {
        code,
        path: path.into(),
        message: message.into(),
    }))
}

/// `time.out_of_range`.
pub(crate) fn out_of_range() -> crate::Error {
    err(
        TimeCode::OutOfRange,
        "",
        "The date lies beyond the supported calendar.",
    )
}

/// `time.search.exhausted`.
pub(crate) fn exhausted(what: &str) -> crate::Error {
    err(
        TimeCode::SearchExhausted,
        "",
        format!("No {what} was found within the search bound."),
    )
}

/// Puts `prefix` in front of the path of a time error (other errors pass unchanged).
pub(crate) fn prefixed(e: crate::Error, prefix: &str) -> crate::Error {
    match e {
        crate::Error::Time(mut t) => {
            t.path.insert_str(0, prefix);
            crate::Error::Time(t)
        }
        other => other,
    }
}
