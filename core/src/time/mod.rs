//! Time: durations and local times of day used by waits, timeouts and send policies.
//!
//! Nothing here reads the clock: every function that depends on the current instant takes it as
//! an argument.

use serde::{Deserialize, Serialize};

/// A calendar unit for [`Duration`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TimeUnit {
    /// Minutes.
    Minutes,
    /// Hours.
    Hours,
    /// Days (calendar days in the recipient's time zone).
    Days,
    /// Weeks.
    Weeks,
    /// Calendar months ("1 month" from 31 January ends on the last day of February).
    Months,
}

/// A length of time: an amount of a calendar unit. JSON: `{"amount": 3, "unit": "days"}`.
///
/// The amount is signed so that validation, not parsing, reports a non-positive wait with its
/// location.
///
/// ```
/// use sequenza::time::{Duration, TimeUnit};
/// let d: Duration = serde_json::from_str(r#"{"amount": 2, "unit": "hours"}"#).unwrap();
/// assert_eq!(d, Duration::new(2, TimeUnit::Hours));
/// assert_eq!(d.approx_minutes(), 120);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Duration {
    /// How many units.
    pub amount: i64,
    /// Which unit.
    pub unit: TimeUnit,
}

impl Duration {
    /// A duration of `amount` units.
    pub const fn new(amount: i64, unit: TimeUnit) -> Self {
        Duration { amount, unit }
    }

    /// The length in minutes, counting a month as 30 days (for bounds checks, not scheduling).
    pub fn approx_minutes(&self) -> i64 {
        let per = match self.unit {
            TimeUnit::Minutes => 1,
            TimeUnit::Hours => 60,
            TimeUnit::Days => 1_440,
            TimeUnit::Weeks => 10_080,
            TimeUnit::Months => 43_200,
        };
        self.amount.saturating_mul(per)
    }
}

impl std::fmt::Display for Duration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let unit = match self.unit {
            TimeUnit::Minutes => "minute",
            TimeUnit::Hours => "hour",
            TimeUnit::Days => "day",
            TimeUnit::Weeks => "week",
            TimeUnit::Months => "month",
        };
        let s = if self.amount == 1 { "" } else { "s" };
        write!(f, "{} {unit}{s}", self.amount)
    }
}

/// A local time of day, `HH:MM` (24-hour). Returns `None` for anything else (`"25:00"`, `"9"`).
///
/// ```
/// use sequenza::time::parse_time_of_day;
/// assert_eq!(parse_time_of_day("09:30"), Some((9, 30)));
/// assert_eq!(parse_time_of_day("24:00"), None);
/// assert_eq!(parse_time_of_day("7:5"), None);
/// ```
pub fn parse_time_of_day(s: &str) -> Option<(u8, u8)> {
    let (h, m) = s.split_once(':')?;
    if h.len() != 2 || m.len() != 2 || !h.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let h: u8 = h.parse().ok()?;
    let m: u8 = m.parse().ok()?;
    (h < 24 && m < 60).then_some((h, m))
}

/// True when `name` is an IANA time zone known to sequenza (`Europe/Rome`, `UTC`).
///
/// ```
/// assert!(sequenza::time::is_known_time_zone("Australia/Lord_Howe"));
/// assert!(!sequenza::time::is_known_time_zone("Europe/Atlantis"));
/// ```
pub fn is_known_time_zone(name: &str) -> bool {
    name.parse::<chrono_tz::Tz>().is_ok()
}

/// A day of the week. JSON: `"mon"` … `"sun"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Weekday {
    /// Monday.
    Mon,
    /// Tuesday.
    Tue,
    /// Wednesday.
    Wed,
    /// Thursday.
    Thu,
    /// Friday.
    Fri,
    /// Saturday.
    Sat,
    /// Sunday.
    Sun,
}
