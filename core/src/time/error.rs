//! The error of the time module: a stable code, a JSON pointer and a message.

use std::fmt;

/// Every code a [`TimeError`] can carry.
///
/// - `time.time.malformed`: a time of day that is not `HH:MM` from 00:00 to 23:59 (`"25:00"`).
/// - `time.zone.unknown`: a time zone that is not an IANA name known to sequenza.
/// - `time.window.ambiguous`: a window that starts and ends at the same time (nothing or all day?).
/// - `time.policy.never_allowed`: a send policy (or several combined) that allows no minute of
///   any week.
/// - `time.recurrence.frequency_out_of_range`: `every` outside 5 to 1440 minutes.
/// - `time.recurrence.bad_day`: a day of the month, a week number or a date that does not exist.
/// - `time.recurrence.no_times`: a weekly recurrence without a time of day.
/// - `time.recurrence.never_allowed`: a recurrence none of whose occurrences a send policy allows.
/// - `time.recurrence.too_many`: more than [`MAX_OCCURRENCES`](super::MAX_OCCURRENCES) asked for.
/// - `time.rrule.malformed`, `time.rrule.unsupported`: RRULE text outside the supported subset.
/// - `time.wait.spec`: a wait with neither or both of `duration` and `until`.
/// - `time.wait.date_missing`: a wait until a date field the contact has no date in.
/// - `time.cap.invalid`: a frequency cap of zero messages or over a non-positive window.
/// - `time.out_of_range`: a date beyond the supported calendar (years ±262 000).
/// - `time.search.exhausted`: a bounded search found nothing (a safety net: a validated policy or
///   recurrence never reaches it).
///
/// ```
/// assert!(sequenza::time::CODES.contains(&"time.policy.never_allowed"));
/// ```
pub const CODES: &[&str] = &[
    "time.time.malformed",
    "time.zone.unknown",
    "time.window.ambiguous",
    "time.policy.never_allowed",
    "time.recurrence.frequency_out_of_range",
    "time.recurrence.bad_day",
    "time.recurrence.no_times",
    "time.recurrence.never_allowed",
    "time.recurrence.too_many",
    "time.rrule.malformed",
    "time.rrule.unsupported",
    "time.wait.spec",
    "time.wait.date_missing",
    "time.cap.invalid",
    "time.out_of_range",
    "time.search.exhausted",
];

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
    /// Stable code, one of [`CODES`].
    pub code: &'static str,
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
        self.code
    }

    /// The JSON pointer of the offending value.
    ///
    /// ```
    /// let e = sequenza::time::TimeError { code: "time.zone.unknown", path: "/time_zone".into(), message: "x".into() };
    /// assert_eq!(e.path(), "/time_zone");
    /// ```
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The message, without the location.
    ///
    /// ```
    /// let e = sequenza::time::TimeError { code: "time.zone.unknown", path: String::new(), message: "unknown".into() };
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
    code: &'static str,
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
        "time.out_of_range",
        "",
        "The date lies beyond the supported calendar.",
    )
}

/// `time.search.exhausted`.
pub(crate) fn exhausted(what: &str) -> crate::Error {
    err(
        "time.search.exhausted",
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
