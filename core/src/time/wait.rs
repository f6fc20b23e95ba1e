//! Waits: calendar-aware durations, until a local time, until a date field ± days.

use crate::error::TimeCode;
use chrono::{DateTime, Datelike, Months, NaiveDate, TimeDelta, Utc};
use chrono_tz::Tz;

use super::error::{err, out_of_range};
use super::local::{local_to_utc, resolve, wall, LocalTime};
use super::policy::Policy;
use super::recurrence::{anniversary, Recurring};
use super::{Duration, TimeUnit, Weekday};
use crate::flow::{WaitNode, WaitUntil};

/// The largest `offset_days` of a yearly date wait (a century).
const MAX_OFFSET_DAYS: i64 = 36_600;

/// `at` plus `d`, calendar-aware in `zone`:
///
/// - minutes and hours are elapsed time (2 hours across a DST change is still 2 hours);
/// - days and weeks keep the local wall time (1 day after 09:00 is 09:00 the next day, 23 or 25
///   hours later across a change), mapped by the DST rule of [`local_to_utc`];
/// - months keep the wall time and the day of the month, or the month's last day when it is
///   shorter: 1 month from 31 January is 28 (or 29) February.
///
/// Negative amounts go back in time. `time.out_of_range` beyond the calendar.
///
/// ```
/// use sequenza::time::{add_duration, parse_zone, Duration, TimeUnit};
/// let rome = parse_zone("Europe/Rome")?;
/// let jan31 = "2025-01-31T08:00:00Z".parse().unwrap(); // 09:00 CET
/// let feb = add_duration(jan31, Duration::new(1, TimeUnit::Months), rome)?;
/// assert_eq!(feb.to_rfc3339(), "2025-02-28T08:00:00+00:00");
/// let sat = "2025-03-29T08:00:00Z".parse().unwrap(); // 09:00 CET, the day before the change
/// let sun = add_duration(sat, Duration::new(1, TimeUnit::Days), rome)?;
/// assert_eq!(sun.to_rfc3339(), "2025-03-30T07:00:00+00:00"); // 09:00 CEST, 23 hours later
/// # Ok::<(), sequenza::Error>(())
/// ```
pub fn add_duration(at: DateTime<Utc>, d: Duration, zone: Tz) -> crate::Result<DateTime<Utc>> {
    let n = d.amount;
    let elapsed = |secs: i64| {
        n.checked_mul(secs)
            .and_then(TimeDelta::try_seconds)
            .and_then(|delta| at.checked_add_signed(delta))
            .ok_or_else(out_of_range)
    };
    match d.unit {
        TimeUnit::Minutes => elapsed(60),
        TimeUnit::Hours => elapsed(3_600),
        TimeUnit::Days | TimeUnit::Weeks | TimeUnit::Months => {
            let local = wall(at, zone)?;
            let moved = match d.unit {
                TimeUnit::Months => {
                    let months =
                        Months::new(u32::try_from(n.unsigned_abs()).map_err(|_| out_of_range())?);
                    if n >= 0 {
                        local.checked_add_months(months)
                    } else {
                        local.checked_sub_months(months)
                    }
                }
                _ => {
                    let days = if d.unit == TimeUnit::Weeks {
                        n.checked_mul(7)
                    } else {
                        Some(n)
                    };
                    days.and_then(TimeDelta::try_days)
                        .and_then(|delta| local.checked_add_signed(delta))
                }
            };
            local_to_utc(zone, moved.ok_or_else(out_of_range)?)
        }
    }
}

/// The first instant at or after `at` when the local time in `zone` is `time`, on one of
/// `weekdays` (any day when empty). DST rule of [`local_to_utc`].
///
/// ```
/// use sequenza::time::{parse_zone, until_local_time, LocalTime, Weekday};
/// let rome = parse_zone("Europe/Rome")?;
/// let wed = "2025-06-04T10:00:00Z".parse().unwrap(); // Wednesday 12:00 CEST
/// let t = until_local_time(wed, LocalTime::parse("09:00")?, &[Weekday::Mon], rome)?;
/// assert_eq!(t.to_rfc3339(), "2025-06-09T07:00:00+00:00"); // next Monday 09:00 CEST
/// # Ok::<(), sequenza::Error>(())
/// ```
pub fn until_local_time(
    at: DateTime<Utc>,
    time: LocalTime,
    weekdays: &[Weekday],
    zone: Tz,
) -> crate::Result<DateTime<Utc>> {
    Recurring::weekly_at(weekdays, time, zone).at_or_after(at)
}

/// The instant of `date` + `offset_days` at local `time` in `zone`, or `at` when that is already
/// past. With `yearly`, the next anniversary of `date` instead (the first at or after `at`;
/// 29 February falls on 28 February in common years, before the offset is applied).
///
/// ```
/// use chrono::NaiveDate;
/// use sequenza::time::{parse_zone, until_date, LocalTime};
/// let rome = parse_zone("Europe/Rome")?;
/// let birth = NaiveDate::from_ymd_opt(1990, 6, 12).unwrap();
/// let at = "2025-06-10T12:00:00Z".parse().unwrap();
/// // 3 days before the birthday at 09:00: 9 June has passed, so 9 June 2026.
/// let t = until_date(at, birth, -3, LocalTime::parse("09:00")?, true, rome)?;
/// assert_eq!(t.to_rfc3339(), "2026-06-09T07:00:00+00:00");
/// # Ok::<(), sequenza::Error>(())
/// ```
pub fn until_date(
    at: DateTime<Utc>,
    date: NaiveDate,
    offset_days: i64,
    time: LocalTime,
    yearly: bool,
    zone: Tz,
) -> crate::Result<DateTime<Utc>> {
    let shift = |d: NaiveDate| {
        TimeDelta::try_days(offset_days)
            .and_then(|delta| d.checked_add_signed(delta))
            .ok_or_else(out_of_range)
    };
    if !yearly {
        return Ok(resolve(zone, shift(date)?, time.minutes())?.max(at));
    }
    if offset_days.unsigned_abs() > MAX_OFFSET_DAYS.unsigned_abs() {
        return Err(out_of_range());
    }
    // An anniversary `offset_days` away may lie in another year than `at`.
    let span = (offset_days.abs() / 365 + 2) as i32;
    let first = wall(at, zone)?.year() - if offset_days > 0 { span } else { 1 };
    for year in first..=first + 2 * span + 2 {
        let Some(day) = anniversary(year, date.month(), date.day()) else {
            continue;
        };
        let c = resolve(zone, shift(day)?, time.minutes())?;
        if c >= at {
            return Ok(c);
        }
    }
    Err(out_of_range())
}

/// When a wait node that starts at `at` ends, for a recipient in `zone`, then moved to the first
/// instant `policy` allows (when given). Never before `at`.
///
/// `date` is the value of the node's date field for this contact (`until.kind = "date_field"`);
/// without one the error is `time.wait.date_missing` (path `/until/field`). A node with neither
/// or both of `duration` and `until` is `time.wait.spec`; a bad time `time.time.malformed` at
/// `/until/time`.
///
/// ```
/// use sequenza::flow::WaitNode;
/// use sequenza::time::{parse_zone, wait_end, Policy};
/// let rome = parse_zone("Europe/Rome")?;
/// let wait: WaitNode = serde_json::from_str(r#"{"duration": {"amount": 2, "unit": "hours"}}"#).unwrap();
/// let quiet = Policy::from_json(r#"{"quiet_hours": [{"start": "21:00", "end": "09:00"}]}"#)?;
/// let at = "2025-06-04T18:00:00Z".parse().unwrap(); // 20:00 CEST; + 2 h = 22:00, quiet
/// let end = wait_end(at, &wait, rome, None, Some(&quiet))?;
/// assert_eq!(end.to_rfc3339(), "2025-06-05T07:00:00+00:00"); // 09:00 CEST
/// # Ok::<(), sequenza::Error>(())
/// ```
pub fn wait_end(
    at: DateTime<Utc>,
    node: &WaitNode,
    zone: Tz,
    date: Option<NaiveDate>,
    policy: Option<&Policy>,
) -> crate::Result<DateTime<Utc>> {
    let end = match (&node.duration, &node.until) {
        (Some(d), None) => add_duration(at, *d, zone)?,
        (None, Some(WaitUntil::LocalTime { time, weekdays })) => {
            let time = LocalTime::parse_at(time, "/until/time")?;
            until_local_time(at, time, weekdays, zone)?
        }
        (
            None,
            Some(WaitUntil::DateField {
                field,
                offset_days,
                time,
                yearly,
            }),
        ) => {
            let time = LocalTime::parse_at(time, "/until/time")?;
            let date = date.ok_or_else(|| {
                err(
                    TimeCode::WaitDateMissing,
                    "/until/field",
                    format!("The contact has no date in \"{field}\"."),
                )
            })?;
            until_date(at, date, *offset_days, time, *yearly, zone)?
        }
        _ => {
            return Err(err(
                TimeCode::WaitSpec,
                "",
                "A wait needs exactly one of `duration` and `until`.",
            ))
        }
    };
    let end = end.max(at);
    match policy {
        Some(p) => p.next_allowed(end, zone),
        None => Ok(end),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn units() {
        let z: Tz = "America/New_York".parse().unwrap();
        // 8 March 2025 12:00 EST; the clocks go forward on 9 March.
        let at = t("2025-03-08T17:00:00Z");
        let add = |n, u| {
            add_duration(at, Duration::new(n, u), z)
                .unwrap()
                .to_rfc3339()
        };
        assert_eq!(add(24, TimeUnit::Hours), "2025-03-09T17:00:00+00:00"); // 13:00 EDT
        assert_eq!(add(1, TimeUnit::Days), "2025-03-09T16:00:00+00:00"); // 12:00 EDT
        assert_eq!(add(1, TimeUnit::Weeks), "2025-03-15T16:00:00+00:00");
        assert_eq!(add(90, TimeUnit::Minutes), "2025-03-08T18:30:00+00:00");
        assert_eq!(add(-1, TimeUnit::Months), "2025-02-08T17:00:00+00:00");
        let jan31 = t("2024-01-31T17:00:00Z");
        let feb = add_duration(jan31, Duration::new(1, TimeUnit::Months), z).unwrap();
        assert_eq!(feb.to_rfc3339(), "2024-02-29T17:00:00+00:00");
        let huge = add_duration(at, Duration::new(i64::MAX, TimeUnit::Weeks), z);
        assert_eq!(huge.unwrap_err().code(), "time.out_of_range");
        let huge = add_duration(at, Duration::new(i64::MAX, TimeUnit::Months), z);
        assert_eq!(huge.unwrap_err().code(), "time.out_of_range");
    }

    #[test]
    fn dates() {
        let z = Tz::UTC;
        let nine = LocalTime::parse("09:00").unwrap();
        let leap = NaiveDate::from_ymd_opt(2000, 2, 29).unwrap();
        let at = t("2025-01-01T00:00:00Z");
        assert_eq!(
            until_date(at, leap, 0, nine, true, z).unwrap().to_rfc3339(),
            "2025-02-28T09:00:00+00:00"
        );
        assert_eq!(
            until_date(at, leap, 1, nine, true, z).unwrap().to_rfc3339(),
            "2025-03-01T09:00:00+00:00"
        );
        // An anniversary on 30 December plus 5 days falls in the new year.
        let dec30 = NaiveDate::from_ymd_opt(1990, 12, 30).unwrap();
        assert_eq!(
            until_date(t("2025-01-02T00:00:00Z"), dec30, 5, nine, true, z)
                .unwrap()
                .to_rfc3339(),
            "2025-01-04T09:00:00+00:00"
        );
        // A past date: no wait.
        assert_eq!(until_date(at, dec30, 0, nine, false, z).unwrap(), at);
        assert_eq!(
            until_date(at, dec30, i64::MAX, nine, true, z)
                .unwrap_err()
                .code(),
            "time.out_of_range"
        );
    }

    #[test]
    fn node_errors() {
        let node: WaitNode = serde_json::from_str(r#"{}"#).unwrap();
        let e = wait_end(t("2025-01-01T00:00:00Z"), &node, Tz::UTC, None, None).unwrap_err();
        assert_eq!(e.code(), "time.wait.spec");
        let node: WaitNode = serde_json::from_str(
            r#"{"until": {"kind": "date_field", "field": "birth_date", "time": "09:00"}}"#,
        )
        .unwrap();
        let e = wait_end(t("2025-01-01T00:00:00Z"), &node, Tz::UTC, None, None).unwrap_err();
        assert_eq!(
            (e.code(), e.path()),
            ("time.wait.date_missing", Some("/until/field"))
        );
        let node: WaitNode =
            serde_json::from_str(r#"{"until": {"kind": "local_time", "time": "24:00"}}"#).unwrap();
        let e = wait_end(t("2025-01-01T00:00:00Z"), &node, Tz::UTC, None, None).unwrap_err();
        assert_eq!(
            (e.code(), e.path()),
            ("time.time.malformed", Some("/until/time"))
        );
    }
}
