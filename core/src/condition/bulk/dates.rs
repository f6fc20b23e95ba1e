//! Calendar helpers for bulk evaluation: parsing date values, midnight in a zone, calendar
//! arithmetic, and turning a date test into thresholds once per time zone.

use chrono::{
    DateTime, Datelike, LocalResult, Months, NaiveDate, NaiveDateTime, NaiveTime, Offset,
    TimeDelta, TimeZone, Utc,
};
use chrono_tz::Tz;

use crate::time::TimeUnit;

/// Days since 1970-01-01 of `1970-01-01` counted from 0001-01-01 (chrono's CE day numbering).
const EPOCH_CE_DAYS: i32 = 719_163;

/// "Not a date" in a per-row day array.
pub(crate) const NO_DAY: i32 = i32::MIN;
/// "Not an instant" in a per-row seconds array.
pub(crate) const NO_SECS: i64 = i64::MIN;

/// An instant with nanosecond precision, ordered by time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Instant {
    pub(crate) secs: i64,
    pub(crate) nanos: u32,
}

impl Instant {
    /// Below every real instant (but above the [`NO_SECS`] sentinel).
    pub(crate) const MIN: Instant = Instant {
        secs: i64::MIN + 1,
        nanos: 0,
    };
    /// Above every real instant.
    pub(crate) const MAX: Instant = Instant {
        secs: i64::MAX,
        nanos: 999_999_999,
    };

    pub(crate) fn of(t: DateTime<Utc>) -> Instant {
        Instant {
            secs: t.timestamp(),
            nanos: t.timestamp_subsec_nanos().min(999_999_999),
        }
    }

    pub(crate) fn to_datetime(self) -> Option<DateTime<Utc>> {
        DateTime::from_timestamp(self.secs, self.nanos)
    }

    /// One nanosecond earlier (saturating at [`Instant::MIN`]).
    pub(crate) fn pred(self) -> Instant {
        if self <= Instant::MIN {
            Instant::MIN
        } else if self.nanos > 0 {
            Instant {
                secs: self.secs,
                nanos: self.nanos - 1,
            }
        } else {
            Instant {
                secs: self.secs - 1,
                nanos: 999_999_999,
            }
        }
    }

    /// The smallest whole second at or after this instant.
    pub(crate) fn ceil_secs(self) -> i64 {
        if self.nanos > 0 {
            self.secs.saturating_add(1)
        } else {
            self.secs
        }
    }
}

/// An inclusive range of instants (empty when `lo > hi`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    pub(crate) lo: Instant,
    pub(crate) hi: Instant,
}

/// An inclusive range of whole seconds, for columns without sub-second parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SecSpan {
    pub(crate) lo: i64,
    pub(crate) hi: i64,
}

impl Span {
    pub(crate) fn contains(&self, t: Instant) -> bool {
        self.lo <= t && t <= self.hi
    }

    /// The same range over whole seconds: `s` is in it exactly when `(s, 0)` is in `self`.
    pub(crate) fn seconds(&self) -> SecSpan {
        SecSpan {
            lo: self.lo.ceil_secs(),
            hi: self.hi.secs,
        }
    }

    /// The range of days (since 1970-01-01) whose midnight in `tz` lies in the span.
    /// Midnight is non-decreasing in the day (a skipped day shares its midnight with the next
    /// one), so the days form one range.
    pub(crate) fn days(&self, tz: Tz) -> (i32, i32) {
        let at_least = |d: i32, t: Instant| midnight(d, tz).is_some_and(|m| m >= t);
        let at_most = |d: i32, t: Instant| midnight(d, tz).is_some_and(|m| m <= t);
        let lo = if self.lo <= Instant::MIN {
            NO_DAY + 1
        } else {
            match local_day(self.lo, tz) {
                Some(d) => {
                    let mut lo = if at_least(d, self.lo) {
                        d
                    } else {
                        d.saturating_add(1)
                    };
                    while lo > NO_DAY + 1 && at_least(lo - 1, self.lo) {
                        lo -= 1;
                    }
                    lo
                }
                None => clamp_day(self.lo),
            }
        };
        let hi = if self.hi >= Instant::MAX {
            i32::MAX
        } else {
            match local_day(self.hi, tz) {
                Some(d) => {
                    let mut hi = d;
                    while hi < i32::MAX && at_most(hi + 1, self.hi) {
                        hi += 1;
                    }
                    hi
                }
                None => clamp_day(self.hi),
            }
        };
        (lo, hi)
    }
}

/// For instants outside chrono's range: a day beyond every representable date on that side.
fn clamp_day(t: Instant) -> i32 {
    if t.secs < 0 {
        NO_DAY + 1
    } else {
        i32::MAX
    }
}

/// A date-test operand or field value read as a date: a calendar day or an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Moment {
    /// `YYYY-MM-DD`: midnight of that day in the contact's zone.
    Day(NaiveDate),
    /// RFC 3339: that instant.
    At(DateTime<Utc>),
}

/// Reads a field value or operand as a date: exactly `YYYY-MM-DD`, or an RFC 3339 instant.
pub(crate) fn parse_moment(s: &str) -> Option<Moment> {
    let b = s.as_bytes();
    if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
        let digits = |r: std::ops::Range<usize>| -> Option<u32> {
            let part = b.get(r)?;
            if !part.iter().all(u8::is_ascii_digit) {
                return None;
            }
            part.iter()
                .try_fold(0u32, |acc, d| Some(acc * 10 + u32::from(d - b'0')))
        };
        let (y, m, d) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
        return NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d).map(Moment::Day);
    }
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| Moment::At(t.with_timezone(&Utc)))
}

/// Days since 1970-01-01.
pub(crate) fn day_number(d: NaiveDate) -> i32 {
    d.num_days_from_ce() - EPOCH_CE_DAYS
}

/// The date of a day number.
pub(crate) fn day_date(days: i32) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(days.checked_add(EPOCH_CE_DAYS)?)
}

/// The instant a local wall-clock time names in `tz`: the earlier one when the time occurs
/// twice, and the time shifted forward by the gap when it does not occur (a DST gap).
pub(crate) fn local_to_instant(naive: NaiveDateTime, tz: Tz) -> Option<DateTime<Utc>> {
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(a, b) => Some(a.min(b).with_timezone(&Utc)),
        LocalResult::None => {
            let probe = naive.checked_sub_signed(TimeDelta::days(1))?;
            let before = tz.offset_from_utc_datetime(&probe).fix();
            let utc = naive
                .checked_sub_signed(TimeDelta::seconds(i64::from(before.local_minus_utc())))?;
            Some(Utc.from_utc_datetime(&utc))
        }
    }
}

/// Midnight (the first instant) of a day in `tz`; when midnight does not exist, the first
/// valid instant of the day (the end of the gap).
pub(crate) fn midnight(days: i32, tz: Tz) -> Option<Instant> {
    let naive = day_date(days)?.and_time(NaiveTime::MIN);
    let t = match tz.from_local_datetime(&naive) {
        LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(a, b) => Some(a.min(b).with_timezone(&Utc)),
        LocalResult::None => chrono_tz::GapInfo::new(&naive, &tz)
            .and_then(|g| g.end)
            .map(|t| t.with_timezone(&Utc))
            .or_else(|| local_to_instant(naive, tz)),
    };
    t.map(Instant::of)
}

/// The local calendar day (since 1970-01-01) of an instant in `tz`.
pub(crate) fn local_day(t: Instant, tz: Tz) -> Option<i32> {
    Some(day_number(local_date(t.to_datetime()?, tz)))
}

/// The local calendar date of an instant in `tz`.
pub(crate) fn local_date(t: DateTime<Utc>, tz: Tz) -> NaiveDate {
    t.with_timezone(&tz).date_naive()
}

/// `now` moved by `amount` units (backwards when `amount` is negative): minutes and hours as
/// elapsed time, days, weeks and months on the calendar of `tz`. `None` when out of range.
pub(crate) fn shift(
    now: DateTime<Utc>,
    amount: i64,
    unit: TimeUnit,
    tz: Tz,
) -> Option<DateTime<Utc>> {
    match unit {
        TimeUnit::Minutes => now.checked_add_signed(TimeDelta::try_minutes(amount)?),
        TimeUnit::Hours => now.checked_add_signed(TimeDelta::try_hours(amount)?),
        TimeUnit::Days | TimeUnit::Weeks => {
            let days = if unit == TimeUnit::Weeks {
                amount.checked_mul(7)?
            } else {
                amount
            };
            let local = now.with_timezone(&tz).naive_local();
            local_to_instant(local.checked_add_signed(TimeDelta::try_days(days)?)?, tz)
        }
        TimeUnit::Months => {
            let local = now.with_timezone(&tz).naive_local();
            let months = Months::new(u32::try_from(amount.unsigned_abs()).ok()?);
            let moved = if amount >= 0 {
                local.checked_add_months(months)?
            } else {
                local.checked_sub_months(months)?
            };
            local_to_instant(moved, tz)
        }
    }
}

/// `now` moved by `amount` units, saturating to the far past or future when out of range.
pub(crate) fn shift_or_clamp(now: DateTime<Utc>, amount: i64, unit: TimeUnit, tz: Tz) -> Instant {
    match shift(now, amount, unit, tz) {
        Some(t) => Instant::of(t),
        None if amount < 0 => Instant::MIN,
        None => Instant::MAX,
    }
}

/// The instant an operand names in `tz`.
pub(crate) fn moment_instant(m: Moment, tz: Tz) -> Instant {
    match m {
        Moment::At(t) => Instant::of(t),
        Moment::Day(d) => midnight(day_number(d), tz).unwrap_or(if d.year() < 0 {
            Instant::MIN
        } else {
            Instant::MAX
        }),
    }
}

/// The end of an operand used as the upper bound of `between`: the last instant of the day for
/// a date, the instant itself for an RFC 3339 value.
pub(crate) fn moment_end(m: Moment, tz: Tz) -> Instant {
    match m {
        Moment::At(t) => Instant::of(t),
        Moment::Day(d) => match midnight(day_number(d).saturating_add(1), tz) {
            Some(next) => next.pred(),
            None => Instant::MAX,
        },
    }
}

/// Year, month and day of a day number (proleptic Gregorian), without chrono (vectorises).
pub(crate) fn civil(days: i32) -> (i32, u32, u32) {
    // Howard Hinnant's days_from_civil inverse.
    let z = i64::from(days) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = if m <= 2 { y + 1 } else { y };
    (y as i32, m, d)
}

/// The key `month * 32 + day` used by anniversary tables.
pub(crate) fn month_day_key(m: u32, d: u32) -> usize {
    (m as usize) * 32 + d as usize
}

/// Size of an anniversary table.
pub(crate) const MD_KEYS: usize = 13 * 32;

/// For each `month * 32 + day`, whether the next yearly anniversary on or after `today` falls
/// within `days` days (29 February counts as 28 February in common years).
pub(crate) fn anniversary_table(today: NaiveDate, days: u32) -> Vec<bool> {
    let mut table = vec![false; MD_KEYS];
    let last = today.checked_add_days(chrono::Days::new(u64::from(days)));
    for m in 1..=12u32 {
        for d in 1..=31u32 {
            if NaiveDate::from_ymd_opt(2000, m, d).is_none() {
                continue;
            }
            let next = anniversary_on_or_after(today, m, d);
            table[month_day_key(m, d)] = match (next, last) {
                (Some(n), Some(l)) => n <= l,
                (Some(_), None) => true,
                (None, _) => false,
            };
        }
    }
    table
}

/// The anniversary of `month`/`day` in `year` (29 February → 28 February in common years).
pub(crate) fn anniversary_in(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, day).or_else(|| {
        (month == 2 && day == 29)
            .then(|| NaiveDate::from_ymd_opt(year, 2, 28))
            .flatten()
    })
}

fn anniversary_on_or_after(today: NaiveDate, month: u32, day: u32) -> Option<NaiveDate> {
    let this = anniversary_in(today.year(), month, day)?;
    if this >= today {
        Some(this)
    } else {
        anniversary_in(today.year().checked_add(1)?, month, day)
    }
}

/// The day range of birth dates whose age on `today` is within `min..=max` (and not after
/// today). Age in whole years: a birthday on 29 February is reached on 1 March in common years.
pub(crate) fn age_days(today: NaiveDate, min: Option<u32>, max: Option<u32>) -> (i32, i32) {
    let (y, m, d) = (i64::from(today.year()), today.month(), today.day());
    // Largest date <= (year, m, d) in lexicographic order, as a day number.
    let floor = |year: i64| -> Option<i32> {
        let year = i32::try_from(year).ok()?;
        NaiveDate::from_ymd_opt(year, m, d)
            .or_else(|| NaiveDate::from_ymd_opt(year, m, d.saturating_sub(1)))
            .map(day_number)
    };
    let today_n = day_number(today);
    let mut hi = today_n;
    if let Some(min) = min {
        match floor(y - i64::from(min)) {
            Some(h) => hi = hi.min(h),
            None => return (1, 0),
        }
    }
    let mut lo = NO_DAY + 1;
    if let Some(max) = max {
        if let Some(l) = floor(y - i64::from(max) - 1) {
            lo = l.saturating_add(1);
        }
    }
    (lo, hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_matches_chrono() {
        for days in (-800_000..800_000).step_by(997) {
            let d = day_date(days).unwrap();
            assert_eq!(civil(days), (d.year(), d.month(), d.day()), "{days}");
        }
    }

    #[test]
    fn strict_dates() {
        assert!(parse_moment("2026-02-29").is_none());
        assert!(parse_moment("2024-02-29").is_some());
        assert!(parse_moment("2024-2-9").is_none());
        assert!(matches!(
            parse_moment("2024-02-09T10:00:00+01:00"),
            Some(Moment::At(_))
        ));
    }

    #[test]
    fn gap_midnight_moves_forward() {
        // America/Santiago skipped 2022-09-11 00:00 → 01:00.
        let tz: Tz = "America/Santiago".parse().unwrap();
        let d = day_number(NaiveDate::from_ymd_opt(2022, 9, 11).unwrap());
        let m = midnight(d, tz).unwrap().to_datetime().unwrap();
        assert_eq!(
            m.with_timezone(&tz).naive_local().to_string(),
            "2022-09-11 01:00:00"
        );
    }
}
