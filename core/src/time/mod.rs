//! Time: send policies (quiet hours, send windows), recipients' time zones, recurrences, waits
//! and frequency caps — exact across daylight-saving changes.
//!
//! Nothing here reads the clock: every function that depends on the current instant takes it as
//! an argument (`at`, `t`), and every search is bounded.
//!
//! | need | use |
//! |---|---|
//! | may a send go out now, and if not when | [`Policy`] ([`Policy::next_allowed`], [`Policy::decide`]) |
//! | which time zone a contact is in | [`ZoneChain`] → [`ResolvedZone`] |
//! | an automatic send's checks, a recurring trigger | [`RecurrenceRule`] → [`Recurring`] |
//! | when a wait node ends | [`wait_end`], [`add_duration`], [`until_local_time`], [`until_date`] |
//! | at most N messages per channel per window | [`CapPolicy::decide`] |
//! | all of it before a send | [`plan_send`] (a history from JSON: [`history_from_json`]) |
//!
//! # Daylight-saving rules
//!
//! Local wall times are turned into instants by [`local_to_utc`], one rule everywhere:
//! - a wall time that does not exist (the spring-forward gap: 02:30 in Rome on the last Sunday of
//!   March) means **the first valid instant after the gap** (03:00 CEST);
//! - a wall time that exists twice (the autumn overlap) means **its first occurrence**; the
//!   second pass through the repeated hour belongs to no window boundary, so a recurrence at
//!   02:30 runs once and a window ending at 02:30 closes at the first 02:30.
//!
//! A send window `[start, end)` on local day `D` is the instant interval
//! `[local_to_utc(D start), local_to_utc(D end))` (`end` on `D + 1` when the window crosses
//! midnight); a window lying wholly in a gap is empty on that day.
//!
//! ```
//! use chrono::{DateTime, Utc};
//! use sequenza::time::{parse_zone, Policy};
//!
//! let policy = Policy::from_json(r#"{"quiet_hours": [{"start": "22:00", "end": "08:00"}]}"#)?;
//! let rome = parse_zone("Europe/Rome")?;
//! let at: DateTime<Utc> = "2025-03-30T00:30:00Z".parse().unwrap(); // 01:30 CET, quiet
//! let next = policy.next_allowed(at, rome)?;
//! assert_eq!(next.to_rfc3339(), "2025-03-30T06:00:00+00:00"); // 08:00 CEST, after the change
//! # Ok::<(), sequenza::Error>(())
//! ```

use serde::{Deserialize, Serialize};

mod call;
mod cap;
mod error;
mod local;
mod options;
mod policy;
mod recurrence;
mod rrule;
mod wait;
mod zone;
mod zoned;

pub use call::{call_zone, plan_send_for, wait_end_for};
pub use cap::{history_from_json, plan_send, CapPolicy, FrequencyCap, SentMessage};
pub use chrono_tz::Tz;
pub use error::{TimeCode, TimeError};
pub use local::{local_to_utc, LocalTime};
pub use options::{send_policies_from_json, send_policy_from_kwargs, send_policy_from_options};
pub use policy::{is_allowed, next_allowed, Decision, Policy};
pub use recurrence::{RecurrenceRule, Recurring, MAX_OCCURRENCES};
pub use wait::{add_duration, until_date, until_local_time, wait_end};
pub use zone::{
    parse_zone, parse_zone_at, resolve_zone, zone_for_country, zone_for_phone, ResolvedZone,
    ZoneChain, ZoneSource,
};
pub use zoned::ZonedPolicy;

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
///
/// ```
/// use sequenza::time::Weekday;
/// assert_eq!(Weekday::from(chrono::Weekday::Sat), Weekday::Sat);
/// assert_eq!(chrono::Weekday::from(Weekday::Mon), chrono::Weekday::Mon);
/// assert_eq!(Weekday::Wed.index(), 2);
/// ```
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

impl Weekday {
    /// Every day, Monday first.
    pub const ALL: [Weekday; 7] = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ];

    /// 0 for Monday … 6 for Sunday.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The JSON name (`"mon"`).
    ///
    /// ```
    /// assert_eq!(sequenza::time::Weekday::Thu.as_str(), "thu");
    /// ```
    pub fn as_str(self) -> &'static str {
        ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][self.index()]
    }
}

impl From<chrono::Weekday> for Weekday {
    fn from(d: chrono::Weekday) -> Self {
        Weekday::ALL[d.num_days_from_monday() as usize]
    }
}

impl From<Weekday> for chrono::Weekday {
    fn from(d: Weekday) -> Self {
        use chrono::Weekday as W;
        [W::Mon, W::Tue, W::Wed, W::Thu, W::Fri, W::Sat, W::Sun][d.index()]
    }
}

/// A set of weekdays as a bit mask (bit 0 = Monday).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct DaySet(pub(crate) u8);

impl DaySet {
    pub(crate) const ALL: DaySet = DaySet(0x7f);

    /// The days named; every day when `days` is empty.
    pub(crate) fn from_days(days: &[Weekday]) -> DaySet {
        if days.is_empty() {
            return DaySet::ALL;
        }
        DaySet(days.iter().fold(0, |m, d| m | 1 << d.index()))
    }

    pub(crate) fn contains(self, d: chrono::Weekday) -> bool {
        self.0 & (1 << d.num_days_from_monday()) != 0
    }

    pub(crate) fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub(crate) fn days(self) -> Vec<Weekday> {
        Weekday::ALL
            .into_iter()
            .filter(|d| self.0 & (1 << d.index()) != 0)
            .collect()
    }
}
