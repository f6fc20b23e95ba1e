//! Local wall times and their one DST rule: gap → first valid instant after it; overlap → first
//! occurrence.

use crate::error::TimeCode;
use std::fmt;
use std::str::FromStr;

use chrono::offset::LocalResult;
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Utc};
use chrono_tz::{GapInfo, Tz};
use serde::{Deserialize, Serialize};

use super::error::{err, out_of_range};

/// Minutes in a day.
pub(crate) const DAY_MINUTES: u16 = 1_440;

/// A local time of day with minute precision, `00:00` to `23:59`. JSON: `"HH:MM"`.
///
/// ```
/// use sequenza::time::LocalTime;
/// let t: LocalTime = "09:30".parse()?;
/// assert_eq!((t.hour(), t.minute(), t.minutes()), (9, 30, 570));
/// assert_eq!(t.to_string(), "09:30");
/// assert_eq!(LocalTime::parse("25:00").unwrap_err().code(), "time.time.malformed");
/// # Ok::<(), sequenza::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct LocalTime(u16);

impl LocalTime {
    /// `00:00`.
    pub const MIDNIGHT: LocalTime = LocalTime(0);

    /// `hour:minute`, or `None` when out of range.
    ///
    /// ```
    /// use sequenza::time::LocalTime;
    /// assert!(LocalTime::new(23, 59).is_some());
    /// assert!(LocalTime::new(24, 0).is_none());
    /// ```
    pub fn new(hour: u32, minute: u32) -> Option<LocalTime> {
        (hour < 24 && minute < 60).then(|| LocalTime((hour * 60 + minute) as u16))
    }

    /// The time `minutes` after midnight, or `None` from 1440 on.
    ///
    /// ```
    /// assert_eq!(sequenza::time::LocalTime::from_minutes(61).unwrap().to_string(), "01:01");
    /// ```
    pub fn from_minutes(minutes: u32) -> Option<LocalTime> {
        (minutes < u32::from(DAY_MINUTES)).then_some(LocalTime(minutes as u16))
    }

    /// Parses `HH:MM` (24-hour, two digits each); anything else is `time.time.malformed`.
    ///
    /// ```
    /// use sequenza::time::LocalTime;
    /// assert!(LocalTime::parse("07:05").is_ok());
    /// assert!(LocalTime::parse("7:5").is_err());
    /// ```
    pub fn parse(s: &str) -> crate::Result<LocalTime> {
        Self::parse_at(s, "")
    }

    /// [`LocalTime::parse`] reporting `path` on error.
    pub(crate) fn parse_at(s: &str, path: &str) -> crate::Result<LocalTime> {
        match super::parse_time_of_day(s) {
            Some((h, m)) => Ok(LocalTime(u16::from(h) * 60 + u16::from(m))),
            None => Err(err(
                TimeCode::TimeMalformed,
                path,
                format!("\"{s}\" is not a time of day; write it as HH:MM, from 00:00 to 23:59."),
            )),
        }
    }

    /// The hour, 0–23.
    pub fn hour(self) -> u32 {
        u32::from(self.0 / 60)
    }

    /// The minute, 0–59.
    pub fn minute(self) -> u32 {
        u32::from(self.0 % 60)
    }

    /// Minutes since midnight, 0–1439.
    pub fn minutes(self) -> u16 {
        self.0
    }
}

impl fmt::Display for LocalTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.hour(), self.minute())
    }
}

impl FromStr for LocalTime {
    type Err = crate::Error;
    fn from_str(s: &str) -> crate::Result<Self> {
        LocalTime::parse(s)
    }
}

impl Serialize for LocalTime {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for LocalTime {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        match super::parse_time_of_day(&s) {
            Some((h, m)) => Ok(LocalTime(u16::from(h) * 60 + u16::from(m))),
            None => Err(serde::de::Error::custom(format!(
                "\"{s}\" is not a time of day (HH:MM, 00:00 to 23:59)"
            ))),
        }
    }
}

/// The instant of a local wall time in `zone`, by sequenza's one DST rule:
///
/// - a wall time that exists once is that instant;
/// - a wall time in a spring-forward gap is the **first valid instant after the gap** (the moment
///   of the change);
/// - a wall time that exists twice (autumn overlap) is its **first occurrence**.
///
/// Fails (`time.out_of_range`) only beyond chrono's calendar (years ±262 000).
///
/// ```
/// use chrono::NaiveDate;
/// use sequenza::time::{local_to_utc, parse_zone};
/// let rome = parse_zone("Europe/Rome")?;
/// let day = |d, h, m| NaiveDate::from_ymd_opt(2025, 3, d).unwrap().and_hms_opt(h, m, 0).unwrap();
/// // 30 March 2025: 02:00 CET jumps to 03:00 CEST; 02:30 does not exist.
/// assert_eq!(local_to_utc(rome, day(30, 2, 30))?.to_rfc3339(), "2025-03-30T01:00:00+00:00");
/// let oct = NaiveDate::from_ymd_opt(2025, 10, 26).unwrap().and_hms_opt(2, 30, 0).unwrap();
/// // 26 October 2025: 02:30 happens twice; the first is 02:30 CEST = 00:30 UTC.
/// assert_eq!(local_to_utc(rome, oct)?.to_rfc3339(), "2025-10-26T00:30:00+00:00");
/// # Ok::<(), sequenza::Error>(())
/// ```
pub fn local_to_utc(zone: Tz, local: NaiveDateTime) -> crate::Result<DateTime<Utc>> {
    resolve_naive(zone, local).ok_or_else(out_of_range)
}

/// [`local_to_utc`] as an `Option`.
pub(crate) fn resolve_naive(zone: Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    match zone.offset_from_local_datetime(&local) {
        LocalResult::Single(o) => Some(local.checked_sub_offset(o.fix())?.and_utc()),
        LocalResult::Ambiguous(a, b) => {
            let a = local.checked_sub_offset(a.fix())?;
            let b = local.checked_sub_offset(b.fix())?;
            Some(a.min(b).and_utc())
        }
        LocalResult::None => gap_end(zone, local),
    }
}

/// The first instant whose wall time is at or after `local`, for a `local` in a gap.
fn gap_end(zone: Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    if let Some(end) = GapInfo::new(&local, &zone).and_then(|g| g.end) {
        return Some(end.with_timezone(&Utc));
    }
    // Fallback (the edges of the zone's table): bisect over whole seconds for the smallest
    // instant whose wall time is at or after `local`. Offsets never exceed ±26 hours.
    let target = local.and_utc().timestamp();
    let wall = |ts: i64| -> Option<i64> {
        let utc = DateTime::from_timestamp(ts, 0)?.naive_utc();
        Some(ts + i64::from(zone.offset_from_utc_datetime(&utc).fix().local_minus_utc()))
    };
    let (mut lo, mut hi) = (
        target.checked_sub(30 * 3600)?,
        target.checked_add(30 * 3600)?,
    );
    for _ in 0..64 {
        if hi - lo <= 1 {
            break;
        }
        let mid = lo + (hi - lo) / 2;
        if wall(mid)? >= target {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    DateTime::from_timestamp(hi, 0)
}

/// The instant of `minute` (0–1440; 1440 is the next day's midnight) on local `date`.
pub(crate) fn resolve(zone: Tz, date: NaiveDate, minute: u16) -> crate::Result<DateTime<Utc>> {
    let (date, minute) = if minute >= DAY_MINUTES {
        (
            date.succ_opt().ok_or_else(out_of_range)?,
            minute - DAY_MINUTES,
        )
    } else {
        (date, minute)
    };
    let time = NaiveTime::from_hms_opt(u32::from(minute / 60), u32::from(minute % 60), 0)
        .ok_or_else(out_of_range)?;
    local_to_utc(zone, date.and_time(time))
}

/// The local wall time of `at` in `zone` (`time.out_of_range` at the ends of the calendar).
pub(crate) fn wall(at: DateTime<Utc>, zone: Tz) -> crate::Result<NaiveDateTime> {
    let utc = at.naive_utc();
    utc.checked_add_offset(zone.offset_from_utc_datetime(&utc).fix())
        .ok_or_else(out_of_range)
}
