//! Calendar arithmetic in a time zone: local midnights, wall-clock shifts, anniversaries, ages
//! and the search for offset transitions.

use chrono::{
    DateTime, Datelike, Days, LocalResult, Months, NaiveDate, NaiveDateTime, NaiveTime, Offset,
    TimeDelta, TimeZone, Utc,
};
use chrono_tz::Tz;

use crate::time::{Duration, TimeUnit};

/// A date-test operand or a field value read as a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DateVal {
    /// `YYYY-MM-DD`: midnight of that day in the contact's zone.
    Day(NaiveDate),
    /// RFC 3339: that instant.
    Instant(DateTime<Utc>),
}

/// Reads `YYYY-MM-DD` (exactly) or an RFC 3339 instant.
pub(super) fn parse_date(s: &str) -> Option<DateVal> {
    let b = s.as_bytes();
    if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            let part = b.get(r)?;
            part.iter().try_fold(0u32, |acc, d| {
                d.is_ascii_digit().then(|| acc * 10 + u32::from(d - b'0'))
            })
        };
        let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        return NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d).map(DateVal::Day);
    }
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| DateVal::Instant(t.with_timezone(&Utc)))
}

/// The UTC offset of `tz` at `t`, in seconds.
pub(super) fn offset_secs(tz: Tz, t: DateTime<Utc>) -> i64 {
    i64::from(
        tz.offset_from_utc_datetime(&t.naive_utc())
            .fix()
            .local_minus_utc(),
    )
}

/// The wall-clock time of `t` in `tz` (at the very ends of chrono's range, where it cannot be
/// represented, the UTC time).
pub(super) fn local(tz: Tz, t: DateTime<Utc>) -> NaiveDateTime {
    let utc = t.naive_utc();
    let offset = tz.offset_from_utc_datetime(&utc).fix();
    utc.checked_add_offset(offset).unwrap_or(utc)
}

/// The instant a wall-clock time names in `tz`: the earlier one when it occurs twice, moved
/// forward by the length of the gap when a DST gap skips it.
pub(super) fn wall_clock(tz: Tz, naive: NaiveDateTime) -> Option<DateTime<Utc>> {
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(a, b) => Some(a.min(b).with_timezone(&Utc)),
        LocalResult::None => {
            let probe = naive.checked_sub_signed(TimeDelta::days(1))?;
            let before = tz.offset_from_utc_datetime(&probe).fix().local_minus_utc();
            let utc = naive.checked_sub_signed(TimeDelta::seconds(i64::from(before)))?;
            Some(utc.and_utc())
        }
    }
}

/// Midnight (the first instant) of `day` in `tz`; when midnight does not exist, the first valid
/// instant of the day. `None` only outside chrono's range.
pub(super) fn midnight(tz: Tz, day: NaiveDate) -> Option<DateTime<Utc>> {
    let naive = day.and_time(NaiveTime::MIN);
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(a, b) => Some(a.min(b).with_timezone(&Utc)),
        LocalResult::None => chrono_tz::GapInfo::new(&naive, &tz)
            .and_then(|g| g.end)
            .map(|t| t.with_timezone(&Utc))
            .or_else(|| wall_clock(tz, naive)),
    }
}

/// The instant of a date value in `tz`. `None` only outside chrono's range.
pub(super) fn instant(tz: Tz, v: DateVal) -> Option<DateTime<Utc>> {
    match v {
        DateVal::Instant(t) => Some(t),
        DateVal::Day(d) => midnight(tz, d),
    }
}

/// The local calendar day of a date value in `tz`.
pub(super) fn local_day(tz: Tz, v: DateVal) -> NaiveDate {
    match v {
        DateVal::Day(d) => d,
        DateVal::Instant(t) => local(tz, t).date(),
    }
}

/// True for units measured on the wall clock (days, weeks, months).
pub(super) fn is_calendar(unit: TimeUnit) -> bool {
    !matches!(unit, TimeUnit::Minutes | TimeUnit::Hours)
}

/// An exact duration for minutes and hours (`None` for calendar units or overflow).
pub(super) fn exact(d: Duration) -> Option<TimeDelta> {
    match d.unit {
        TimeUnit::Minutes => TimeDelta::try_minutes(d.amount),
        TimeUnit::Hours => TimeDelta::try_hours(d.amount),
        _ => None,
    }
}

/// A wall-clock time moved by a calendar duration (forward or back). `None` when out of range.
pub(super) fn shift_naive(n: NaiveDateTime, d: Duration, forward: bool) -> Option<NaiveDateTime> {
    let amount = u64::try_from(d.amount).ok()?;
    match d.unit {
        TimeUnit::Minutes | TimeUnit::Hours => {
            let delta = exact(d)?;
            if forward {
                n.checked_add_signed(delta)
            } else {
                n.checked_sub_signed(delta)
            }
        }
        TimeUnit::Days | TimeUnit::Weeks => {
            let days = if d.unit == TimeUnit::Weeks {
                amount.checked_mul(7)?
            } else {
                amount
            };
            if forward {
                n.checked_add_days(Days::new(days))
            } else {
                n.checked_sub_days(Days::new(days))
            }
        }
        TimeUnit::Months => {
            let months = Months::new(u32::try_from(amount).ok()?);
            if forward {
                n.checked_add_months(months)
            } else {
                n.checked_sub_months(months)
            }
        }
    }
}

/// `now` moved by `d`: minutes and hours as elapsed time, calendar units on the wall clock of
/// `tz` (`local_now` is `now` there). `None` when out of range (beyond every instant).
pub(super) fn shift(
    tz: Tz,
    now: DateTime<Utc>,
    local_now: NaiveDateTime,
    d: Duration,
    forward: bool,
) -> Option<DateTime<Utc>> {
    match exact(d) {
        Some(delta) if forward => now.checked_add_signed(delta),
        Some(delta) => now.checked_sub_signed(delta),
        None if is_calendar(d.unit) => wall_clock(tz, shift_naive(local_now, d, forward)?),
        None => None,
    }
}

/// The anniversary of `month`/`day` in `year` (29 February is 28 February in common years).
pub(super) fn anniversary_in(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, day).or_else(|| {
        (month == 2 && day == 29)
            .then(|| NaiveDate::from_ymd_opt(year, 2, 28))
            .flatten()
    })
}

/// The first anniversary of `of` on or after `today`.
pub(super) fn next_anniversary(today: NaiveDate, of: NaiveDate) -> Option<NaiveDate> {
    let this = anniversary_in(today.year(), of.month(), of.day())?;
    if this >= today {
        Some(this)
    } else {
        anniversary_in(today.year().checked_add(1)?, of.month(), of.day())
    }
}

/// Whole years from `birth` to `today` (a 29 February birthday is reached on 1 March in common
/// years); `None` when `birth` is after `today`.
pub(super) fn age(birth: NaiveDate, today: NaiveDate) -> Option<i64> {
    if birth > today {
        return None;
    }
    let mut years = i64::from(today.year()) - i64::from(birth.year());
    if (today.month(), today.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    Some(years)
}

/// The first day after `today` on which [`age`] changes.
pub(super) fn next_birthday(birth: NaiveDate, today: NaiveDate) -> Option<NaiveDate> {
    if birth > today {
        return Some(birth);
    }
    // The first day of `year` whose (month, day) is not before the birthday's.
    let reached = |year: i32| {
        NaiveDate::from_ymd_opt(year, birth.month(), birth.day())
            .or_else(|| NaiveDate::from_ymd_opt(year, 3, 1))
    };
    let this = reached(today.year())?;
    if this > today {
        Some(this)
    } else {
        reached(today.year().checked_add(1)?)
    }
}

/// The first instant in `(from, limit]` at which the offset of `tz` differs from its offset at
/// `from`. Probes weekly, then bisects to the second.
pub(super) fn next_offset_change(
    tz: Tz,
    from: DateTime<Utc>,
    limit: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    const WEEK: i64 = 7 * 86_400;
    let start = from.timestamp();
    let end = limit.timestamp();
    let at = |s: i64| DateTime::from_timestamp(s, 0).map(|t| offset_secs(tz, t));
    let base = at(start)?;
    let mut lo = start;
    while lo < end {
        let hi = lo.saturating_add(WEEK).min(end);
        if at(hi)? != base {
            let (mut a, mut b) = (lo, hi);
            while b - a > 1 {
                let mid = a + (b - a) / 2;
                if at(mid)? == base {
                    a = mid;
                } else {
                    b = mid;
                }
            }
            return DateTime::from_timestamp(b, 0);
        }
        lo = hi;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn strict_dates() {
        assert_eq!(parse_date("2024-02-29"), Some(DateVal::Day(d(2024, 2, 29))));
        assert_eq!(parse_date("2026-02-29"), None);
        assert_eq!(parse_date("2026-2-09"), None);
        assert_eq!(parse_date("+026-02-09"), None);
        assert!(matches!(
            parse_date("2026-02-09T10:00:00+01:00"),
            Some(DateVal::Instant(_))
        ));
        assert_eq!(parse_date("tomorrow"), None);
    }

    #[test]
    fn apia_skipped_day_starts_at_the_transition() {
        let tz: Tz = "Pacific/Apia".parse().unwrap();
        let m = midnight(tz, d(2011, 12, 30)).unwrap();
        assert_eq!(m.to_rfc3339(), "2011-12-30T10:00:00+00:00");
    }

    #[test]
    fn ages_and_birthdays() {
        let b = d(2000, 2, 29);
        assert_eq!(age(b, d(2027, 2, 28)), Some(26));
        assert_eq!(age(b, d(2027, 3, 1)), Some(27));
        assert_eq!(next_birthday(b, d(2027, 2, 28)), Some(d(2027, 3, 1)));
        assert_eq!(next_birthday(b, d(2027, 3, 1)), Some(d(2028, 2, 29)));
        assert_eq!(age(d(2030, 1, 1), d(2027, 1, 1)), None);
        assert_eq!(next_anniversary(d(2027, 1, 1), b), Some(d(2027, 2, 28)));
    }

    #[test]
    fn finds_rome_transition() {
        let tz = chrono_tz::Europe::Rome;
        let from = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
        let limit = Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap();
        let t = next_offset_change(tz, from, limit).unwrap();
        assert_eq!(t, Utc.with_ymd_and_hms(2026, 3, 29, 1, 0, 0).unwrap());
        assert_eq!(next_offset_change(Tz::UTC, from, limit), None);
    }
}
