//! Recurrences: every N minutes, weekly at local times, monthly, "the last Monday", yearly.

use crate::error::TimeCode;
use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use chrono_tz::Tz;

use super::error::{err, exhausted, out_of_range, TimeError};
use super::local::{resolve, wall, LocalTime, DAY_MINUTES};
use super::policy::Policy;
use super::{DaySet, Weekday};

/// The most occurrences [`Recurring::occurrences_between`] returns before failing with
/// `time.recurrence.too_many` (a year of checks every 5 minutes is 105 120).
pub const MAX_OCCURRENCES: usize = 200_000;

/// How many policy hops (an occurrence outside the send windows, then the next window) one
/// search may take. A recurrence accepted by [`Recurring::within`] needs a handful.
const MAX_HOPS: usize = 5_000;

crate::tagged::tagged_enum! {
    tag = "kind", repr = RecurrenceRuleRepr;
/// A recurrence, in its JSON form: the one description of "when, again and again" — the
/// schedule of a flow's automatic send ([`Trigger::Schedule`](crate::flow::Trigger::Schedule))
/// and the rule of the bindings' `Recurrence` class. JSON tag: `kind`. Times are local `HH:MM`.
///
/// This is the document form; [`Recurring`] is its compiled form (validated, fixed in a zone,
/// optionally inside a send policy), made only by [`RecurrenceRule::compile`] (or
/// [`RecurrenceRule::compile_for`], which resolves the call's zone first). Flow validation
/// reports the same problems, with the same codes and paths, as findings.
///
/// ```
/// use sequenza::time::RecurrenceRule;
/// let r = RecurrenceRule::from_json(r#"{"kind": "monthly_weekday", "nth": -1, "weekday": "mon", "time": "09:00"}"#)?;
/// assert_eq!(r.to_rrule()?, "FREQ=MONTHLY;BYDAY=-1MO;BYHOUR=9;BYMINUTE=0");
/// # Ok::<(), sequenza::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
    pub enum RecurrenceRule {
    /// Every `minutes` minutes (5 to 1440), counted from each local midnight: 00:00, 00:N, …
    Every {
        /// Minutes between occurrences, 5 to 1440.
        minutes: i64,
    },
    /// At local `times` on `weekdays` (every day when empty).
    Weekly {
        /// The days; empty means every day.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        weekdays: Vec<Weekday>,
        /// Local times of day, `HH:MM`.
        times: Vec<String>,
    },
    /// Monthly on `day` (1–31; a day past the month's end means its last day; `-1` is the last
    /// day) at a local time.
    Monthly {
        /// Day of the month, or `-1`.
        day: i64,
        /// Local time of day, `HH:MM`.
        time: String,
    },
    /// Monthly on the `nth` `weekday` (1–5 from the start, −1 to −5 from the end: `-1`, `mon`
    /// is the last Monday) at a local time; months without that day are skipped.
    MonthlyWeekday {
        /// Which occurrence of the weekday.
        nth: i64,
        /// The weekday.
        weekday: Weekday,
        /// Local time of day, `HH:MM`.
        time: String,
    },
    /// Yearly on `month`/`day` at a local time (birthdays); 29 February falls on 28 February in
    /// common years.
    Yearly {
        /// Month, 1–12.
        month: i64,
        /// Day of the month.
        day: i64,
        /// Local time of day, `HH:MM`.
        time: String,
    },
}
}

impl RecurrenceRule {
    /// Parses the JSON form (format errors carry the JSON path).
    ///
    /// ```
    /// let r = sequenza::time::RecurrenceRule::from_json(r#"{"kind": "every", "minutes": 15}"#)?;
    /// assert_eq!(r, sequenza::time::RecurrenceRule::Every { minutes: 15 });
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn from_json(json: &str) -> crate::Result<RecurrenceRule> {
        crate::error::from_json_str(json)
    }

    /// Validates the rule and fixes it in `zone`. Errors (JSON pointers into the rule):
    /// `time.recurrence.frequency_out_of_range` (`/minutes`), `time.recurrence.no_times`,
    /// `time.time.malformed`, `time.recurrence.bad_day`.
    ///
    /// ```
    /// use sequenza::time::{parse_zone, RecurrenceRule};
    /// let e = RecurrenceRule::Every { minutes: 2 }.compile(chrono_tz::Tz::UTC).unwrap_err();
    /// assert_eq!((e.code(), e.path()), ("time.recurrence.frequency_out_of_range", Some("/minutes")));
    /// ```
    pub fn compile(&self, zone: Tz) -> crate::Result<Recurring> {
        let kind = Kind::new(self).map_err(|problems| match problems.into_iter().next() {
            Some(first) => crate::Error::Time(Box::new(first)),
            // `Kind::new` fails only with a problem.
            None => exhausted("problem of the recurrence"),
        })?;
        Ok(Recurring {
            rule: self.clone(),
            kind,
            zone,
            policy: None,
        })
    }

    /// Every problem of the rule, in document order, with JSON pointers into the rule; empty when
    /// it compiles. The codes are `time.recurrence.frequency_out_of_range`,
    /// `time.recurrence.no_times`, `time.time.malformed` and `time.recurrence.bad_day`. Flow
    /// validation reports each as a finding.
    pub(crate) fn problems(&self) -> Vec<TimeError> {
        Kind::new(self).err().unwrap_or_default()
    }
}

/// The validated rule.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    Every(u16),
    Weekly {
        days: DaySet,
        times: Vec<u16>,
    },
    Monthly {
        day: i8,
        time: u16,
    },
    MonthlyWeekday {
        nth: i8,
        weekday: chrono::Weekday,
        time: u16,
    },
    Yearly {
        month: u32,
        day: u32,
        time: u16,
    },
}

/// A problem of a rule, at a JSON pointer into it.
fn problem(code: TimeCode, path: impl Into<String>, message: impl Into<String>) -> TimeError {
    TimeError {
        code,
        path: path.into(),
        message: message.into(),
    }
}

/// Collects the problems of a rule while reading it.
#[derive(Default)]
struct Problems(Vec<TimeError>);

impl Problems {
    /// A local time, or the problem (recorded) and midnight in its place.
    fn time(&mut self, t: &str, path: &str) -> u16 {
        match LocalTime::parse_at(t, path) {
            Ok(l) => l.minutes(),
            Err(crate::Error::Time(e)) => {
                self.0.push(*e);
                0
            }
            Err(_) => 0,
        }
    }

    fn bad_day(&mut self, path: &str, message: String) {
        self.0
            .push(problem(TimeCode::RecurrenceBadDay, path, message));
    }
}

impl Kind {
    /// The validated rule, or every problem of it (in document order).
    fn new(rule: &RecurrenceRule) -> Result<Kind, Vec<TimeError>> {
        let mut p = Problems::default();
        let kind = match rule {
            RecurrenceRule::Every { minutes } => {
                if !(5..=1_440).contains(minutes) {
                    p.0.push(problem(
                        TimeCode::RecurrenceFrequencyOutOfRange,
                        "/minutes",
                        format!("Every {minutes} minutes is out of range: use 5 minutes to 24 hours (1440 minutes)."),
                    ));
                }
                Kind::Every(u16::try_from(*minutes).unwrap_or(0))
            }
            RecurrenceRule::Weekly { weekdays, times } => {
                if times.is_empty() {
                    p.0.push(problem(
                        TimeCode::RecurrenceNoTimes,
                        "/times",
                        "The recurrence has no time of day.",
                    ));
                }
                let mut ms: Vec<u16> = times
                    .iter()
                    .enumerate()
                    .map(|(i, t)| p.time(t, &format!("/times/{i}")))
                    .collect();
                ms.sort_unstable();
                ms.dedup();
                Kind::Weekly {
                    days: DaySet::from_days(weekdays),
                    times: ms,
                }
            }
            RecurrenceRule::Monthly { day, time } => {
                if !(*day == -1 || (1..=31).contains(day)) {
                    p.bad_day(
                        "/day",
                        format!("Day {day} is not a day of the month: use 1 to 31, or -1 for the last day."),
                    );
                }
                Kind::Monthly {
                    day: i8::try_from(*day).unwrap_or(0),
                    time: p.time(time, "/time"),
                }
            }
            RecurrenceRule::MonthlyWeekday { nth, weekday, time } => {
                if !((1..=5).contains(nth) || (-5..=-1).contains(nth)) {
                    p.bad_day(
                        "/nth",
                        format!("{nth} does not pick a weekday of the month: use 1 to 5, or -1 (the last) to -5."),
                    );
                }
                Kind::MonthlyWeekday {
                    nth: i8::try_from(*nth).unwrap_or(0),
                    weekday: (*weekday).into(),
                    time: p.time(time, "/time"),
                }
            }
            RecurrenceRule::Yearly { month, day, time } => {
                // 2000 is a leap year: 29 February is a valid birthday.
                let date = u32::try_from(*month)
                    .ok()
                    .zip(u32::try_from(*day).ok())
                    .and_then(|(m, d)| NaiveDate::from_ymd_opt(2000, m, d));
                if !(1..=12).contains(month) {
                    p.bad_day("/month", format!("{month} is not a month: use 1 to 12."));
                } else if date.is_none() {
                    p.bad_day("/day", format!("{month}/{day} is not a date (month/day)."));
                }
                Kind::Yearly {
                    month: u32::try_from(*month).unwrap_or(0),
                    day: u32::try_from(*day).unwrap_or(0),
                    time: p.time(time, "/time"),
                }
            }
        };
        if p.0.is_empty() {
            Ok(kind)
        } else {
            Err(p.0)
        }
    }
}

/// A compiled recurrence: a validated [`RecurrenceRule`], the zone its local times are in and,
/// optionally, a send policy whose windows it runs inside.
///
/// Occurrences are local wall times mapped to instants by the DST rule of
/// [`local_to_utc`](super::local_to_utc): a time in a spring-forward gap runs at the first
/// instant after the gap (several such times run once), a time in the autumn overlap runs once,
/// at its first occurrence. `every` restarts at each local midnight, so its wall-clock grid
/// (`09:00, 09:15, …`) is the same every day, across DST.
///
/// ```
/// use sequenza::time::{parse_zone, RecurrenceRule};
/// let r = RecurrenceRule::Weekly { weekdays: vec![], times: vec!["02:30".into()] }
///     .compile(parse_zone("America/New_York")?)?;
/// // 9 March 2025: 02:00 EST jumps to 03:00 EDT; the 02:30 run happens at 03:00 EDT.
/// let t = "2025-03-09T05:00:00Z".parse().unwrap(); // 00:00 EST
/// assert_eq!(r.next_after(t)?.to_rfc3339(), "2025-03-09T07:00:00+00:00");
/// let days = r.occurrences_between("2025-03-08T00:00:00Z".parse().unwrap(), "2025-03-11T00:00:00Z".parse().unwrap())?;
/// assert_eq!(days.len(), 3);
/// # Ok::<(), sequenza::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recurring {
    rule: RecurrenceRule,
    kind: Kind,
    zone: Tz,
    policy: Option<Policy>,
}

impl Recurring {
    /// Keeps only the occurrences `policy` allows (an automatic send checking every 15 minutes
    /// inside its send windows). `time.recurrence.never_allowed` when no occurrence of any week
    /// or month could ever be allowed.
    ///
    /// ```
    /// use sequenza::time::{parse_zone, Policy, RecurrenceRule};
    /// let office = Policy::from_json(r#"{"hours": [{"start": "09:00", "end": "18:00"}], "weekdays": ["mon","tue","wed","thu","fri"]}"#)?;
    /// let r = RecurrenceRule::Every { minutes: 30 }.compile(parse_zone("Europe/Rome")?)?.within(office.clone())?;
    /// let fri_evening = "2025-06-06T16:10:00Z".parse().unwrap(); // 18:10 CEST
    /// assert_eq!(r.next_after(fri_evening)?.to_rfc3339(), "2025-06-09T07:00:00+00:00"); // Mon 09:00
    ///
    /// let sunday = RecurrenceRule::Weekly { weekdays: vec![sequenza::time::Weekday::Sun], times: vec!["10:00".into()] };
    /// let e = sunday.compile(chrono_tz::Tz::UTC)?.within(office).unwrap_err();
    /// assert_eq!(e.code(), "time.recurrence.never_allowed");
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn within(mut self, policy: Policy) -> crate::Result<Recurring> {
        let allows = |d: chrono::Weekday, m: u16| policy.allows_wall(d, m);
        let any_day = |m: u16| Weekday::ALL.iter().any(|d| allows((*d).into(), m));
        let feasible = match &self.kind {
            Kind::Every(n) => (0..DAY_MINUTES).step_by(usize::from(*n)).any(any_day),
            Kind::Weekly { days, times } => Weekday::ALL.iter().any(|d| {
                let d = chrono::Weekday::from(*d);
                days.contains(d) && times.iter().any(|m| allows(d, *m))
            }),
            Kind::Monthly { time, .. } | Kind::Yearly { time, .. } => any_day(*time),
            Kind::MonthlyWeekday { weekday, time, .. } => allows(*weekday, *time),
        };
        if !feasible {
            return Err(err(
                TimeCode::RecurrenceNeverAllowed,
                "",
                "The send policy allows none of this recurrence's times.",
            ));
        }
        self.policy = Some(policy);
        Ok(self)
    }

    /// Every day at local `time` on `days` (a wait until a local time).
    pub(crate) fn weekly_at(days: &[Weekday], time: LocalTime, zone: Tz) -> Recurring {
        let rule = RecurrenceRule::Weekly {
            weekdays: days.to_vec(),
            times: vec![time.to_string()],
        };
        Recurring {
            rule,
            kind: Kind::Weekly {
                days: DaySet::from_days(days),
                times: vec![time.minutes()],
            },
            zone,
            policy: None,
        }
    }

    /// The rule, as given.
    ///
    /// ```
    /// use sequenza::time::RecurrenceRule;
    /// let rule = RecurrenceRule::Every { minutes: 60 };
    /// assert_eq!(rule.compile(chrono_tz::Tz::UTC)?.rule(), &rule);
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn rule(&self) -> &RecurrenceRule {
        &self.rule
    }

    /// The zone of the local times.
    ///
    /// ```
    /// use sequenza::time::RecurrenceRule;
    /// let r = RecurrenceRule::Every { minutes: 60 }.compile(chrono_tz::Tz::Asia__Kathmandu)?;
    /// assert_eq!(r.zone().name(), "Asia/Kathmandu");
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn zone(&self) -> Tz {
        self.zone
    }

    /// The first occurrence strictly after `t`.
    ///
    /// ```
    /// use sequenza::time::RecurrenceRule;
    /// let r = RecurrenceRule::Yearly { month: 2, day: 29, time: "09:00".into() }.compile(chrono_tz::Tz::UTC)?;
    /// let t = "2025-01-01T00:00:00Z".parse().unwrap();
    /// assert_eq!(r.next_after(t)?.to_rfc3339(), "2025-02-28T09:00:00+00:00"); // common year
    /// let t = "2027-03-01T00:00:00Z".parse().unwrap();
    /// assert_eq!(r.next_after(t)?.to_rfc3339(), "2028-02-29T09:00:00+00:00"); // leap year
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn next_after(&self, t: DateTime<Utc>) -> crate::Result<DateTime<Utc>> {
        let t = t
            .checked_add_signed(chrono::TimeDelta::nanoseconds(1))
            .ok_or_else(out_of_range)?;
        self.at_or_after(t)
    }

    /// The first occurrence at or after `t`.
    ///
    /// ```
    /// use sequenza::time::RecurrenceRule;
    /// let r = RecurrenceRule::Every { minutes: 5 }.compile(chrono_tz::Tz::UTC)?;
    /// let t = "2025-01-01T10:05:00Z".parse().unwrap();
    /// assert_eq!(r.at_or_after(t)?, t);
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn at_or_after(&self, t: DateTime<Utc>) -> crate::Result<DateTime<Utc>> {
        let Some(policy) = &self.policy else {
            return self.raw_at_or_after(t);
        };
        let mut t = t;
        for _ in 0..MAX_HOPS {
            let c = self.raw_at_or_after(t)?;
            let allowed = policy.next_allowed(c, self.zone)?;
            if allowed == c {
                return Ok(c);
            }
            // Nothing between `c` and `allowed` is allowed: look again from there.
            t = allowed;
        }
        Err(exhausted("allowed occurrence"))
    }

    /// Every occurrence in `[a, b)`, in order (strictly increasing). Fails with
    /// `time.recurrence.too_many` past [`MAX_OCCURRENCES`].
    ///
    /// ```
    /// use sequenza::time::RecurrenceRule;
    /// let r = RecurrenceRule::Every { minutes: 360 }.compile(chrono_tz::Tz::UTC)?;
    /// let v = r.occurrences_between("2025-01-01T00:00:00Z".parse().unwrap(), "2025-01-02T00:00:00Z".parse().unwrap())?;
    /// assert_eq!(v.len(), 4);
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn occurrences_between(
        &self,
        a: DateTime<Utc>,
        b: DateTime<Utc>,
    ) -> crate::Result<Vec<DateTime<Utc>>> {
        let mut out = Vec::new();
        if b <= a {
            return Ok(out);
        }
        let mut c = self.at_or_after(a)?;
        while c < b {
            if out.len() == MAX_OCCURRENCES {
                return Err(err(
                    TimeCode::RecurrenceTooMany,
                    "",
                    format!("More than {MAX_OCCURRENCES} occurrences: ask for a shorter span."),
                ));
            }
            out.push(c);
            c = self.next_after(c)?;
        }
        Ok(out)
    }

    /// The first occurrence at or after `t`, ignoring the policy.
    fn raw_at_or_after(&self, t: DateTime<Utc>) -> crate::Result<DateTime<Utc>> {
        let zone = self.zone;
        let local = wall(t, zone)?;
        let secs = local.time().num_seconds_from_midnight();
        let date = local.date();
        match &self.kind {
            Kind::Every(n) => day_scan(zone, date, t, secs, *n),
            Kind::Weekly { days, times } => day_scan_filtered(zone, date, t, secs, *days, times),
            Kind::Monthly { day, time } => month_scan(zone, date, t, *time, |y, m| {
                let last = last_day(y, m)?;
                let d = if *day < 0 {
                    last
                } else {
                    (*day as u32).min(last)
                };
                NaiveDate::from_ymd_opt(y, m, d)
            }),
            Kind::MonthlyWeekday { nth, weekday, time } => {
                month_scan(zone, date, t, *time, |y, m| {
                    nth_weekday(y, m, *nth, *weekday)
                })
            }
            Kind::Yearly { month, day, time } => {
                let mut year = date.year();
                for _ in 0..4 {
                    let d = anniversary(year, *month, *day).ok_or_else(out_of_range)?;
                    let c = resolve(zone, d, *time)?;
                    if c >= t {
                        return Ok(c);
                    }
                    year = year.checked_add(1).ok_or_else(out_of_range)?;
                }
                Err(exhausted("occurrence"))
            }
        }
    }
}

/// The first instant `>= t` among the minutes `0, n, 2n, …` of local days from `date` on. On
/// the first day, minutes before `t`'s wall time resolve at or before `t`; only the last of
/// them can equal `t` (a spring-forward gap ending exactly at `t`).
fn day_scan(
    zone: Tz,
    date: NaiveDate,
    t: DateTime<Utc>,
    secs: u32,
    n: u16,
) -> crate::Result<DateTime<Utc>> {
    let mut day = date;
    let step = u32::from(n);
    for i in 0..4 {
        let mut m = 0;
        if i == 0 {
            // The first multiple of n at or after t's wall time.
            m = secs.div_ceil(60 * step) * step;
            if m > 0 && resolve(zone, day, (m - step) as u16)? == t {
                return Ok(t);
            }
        }
        while m < u32::from(DAY_MINUTES) {
            let c = resolve(zone, day, m as u16)?;
            if c >= t {
                return Ok(c);
            }
            m += step;
        }
        day = day.succ_opt().ok_or_else(out_of_range)?;
    }
    Err(exhausted("occurrence"))
}

/// [`day_scan`] over the given `times`, on the days in `days` only.
fn day_scan_filtered(
    zone: Tz,
    date: NaiveDate,
    t: DateTime<Utc>,
    secs: u32,
    days: DaySet,
    times: &[u16],
) -> crate::Result<DateTime<Utc>> {
    let mut day = date;
    // A week, plus a day a DST change may remove, plus the first day.
    for i in 0..9 {
        if days.contains(day.weekday()) {
            let secs = if i == 0 { secs } else { 0 };
            let k = times.partition_point(|m| u32::from(*m) * 60 < secs);
            if k > 0 && resolve(zone, day, times[k - 1])? == t {
                return Ok(t);
            }
            for m in &times[k..] {
                let c = resolve(zone, day, *m)?;
                if c >= t {
                    return Ok(c);
                }
            }
        }
        day = day.succ_opt().ok_or_else(out_of_range)?;
    }
    Err(exhausted("occurrence"))
}

/// The first instant `>= t` among `pick(year, month)` at `time`, month by month from `date`'s.
fn month_scan(
    zone: Tz,
    date: NaiveDate,
    t: DateTime<Utc>,
    time: u16,
    pick: impl Fn(i32, u32) -> Option<NaiveDate>,
) -> crate::Result<DateTime<Utc>> {
    let (mut y, mut m) = (date.year(), date.month());
    // A fifth weekday may be missing for a few months in a row; a year is plenty.
    for _ in 0..14 {
        if let Some(d) = pick(y, m) {
            let c = resolve(zone, d, time)?;
            if c >= t {
                return Ok(c);
            }
        }
        if m == 12 {
            y = y.checked_add(1).ok_or_else(out_of_range)?;
            m = 1;
        } else {
            m += 1;
        }
    }
    Err(exhausted("occurrence"))
}

/// The number of days in a month.
pub(crate) fn last_day(y: i32, m: u32) -> Option<u32> {
    let first_next = if m == 12 {
        NaiveDate::from_ymd_opt(y.checked_add(1)?, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(y, m + 1, 1)?
    };
    Some(first_next.pred_opt()?.day())
}

/// `month`/`day` in `year`, with 29 February on 28 February in common years.
pub(crate) fn anniversary(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, day).or_else(|| {
        (month == 2 && day == 29)
            .then(|| NaiveDate::from_ymd_opt(year, 2, 28))
            .flatten()
    })
}

/// The `nth` `weekday` of a month (negative: from the end), if the month has it.
fn nth_weekday(y: i32, m: u32, nth: i8, weekday: chrono::Weekday) -> Option<NaiveDate> {
    if nth > 0 {
        let d = NaiveDate::from_weekday_of_month_opt(y, m, weekday, nth as u8)?;
        Some(d)
    } else {
        let last = NaiveDate::from_ymd_opt(y, m, last_day(y, m)?)?;
        let back = (7 + last.weekday().num_days_from_monday() - weekday.num_days_from_monday()) % 7;
        let day = last.day() as i64 - i64::from(back) - 7 * (i64::from(-nth) - 1);
        (day >= 1)
            .then(|| NaiveDate::from_ymd_opt(y, m, day as u32))
            .flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nth_weekdays() {
        use chrono::Weekday::*;
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        assert_eq!(nth_weekday(2025, 3, -1, Mon), d(2025, 3, 31));
        assert_eq!(nth_weekday(2025, 2, -1, Mon), d(2025, 2, 24));
        assert_eq!(nth_weekday(2025, 2, -4, Mon), d(2025, 2, 3));
        assert_eq!(nth_weekday(2025, 2, -5, Mon), None);
        assert_eq!(nth_weekday(2025, 3, 5, Mon), d(2025, 3, 31));
        assert_eq!(nth_weekday(2025, 2, 5, Mon), None);
        assert_eq!(nth_weekday(2025, 6, 1, Sun), d(2025, 6, 1));
    }

    #[test]
    fn anniversaries() {
        assert_eq!(
            anniversary(2025, 2, 29),
            NaiveDate::from_ymd_opt(2025, 2, 28)
        );
        assert_eq!(
            anniversary(2024, 2, 29),
            NaiveDate::from_ymd_opt(2024, 2, 29)
        );
        assert_eq!(last_day(2024, 2), Some(29));
        assert_eq!(last_day(2025, 12), Some(31));
    }

    #[test]
    fn rule_errors_have_paths() {
        let z = Tz::UTC;
        let e = |r: RecurrenceRule| {
            let e = r.compile(z).unwrap_err();
            (e.code(), e.path().unwrap_or("").to_owned())
        };
        assert_eq!(
            e(RecurrenceRule::Weekly {
                weekdays: vec![],
                times: vec![]
            }),
            ("time.recurrence.no_times", "/times".into())
        );
        assert_eq!(
            e(RecurrenceRule::Weekly {
                weekdays: vec![],
                times: vec!["09:00".into(), "25:00".into()]
            }),
            ("time.time.malformed", "/times/1".into())
        );
        assert_eq!(
            e(RecurrenceRule::Monthly {
                day: 0,
                time: "09:00".into()
            }),
            ("time.recurrence.bad_day", "/day".into())
        );
        assert_eq!(
            e(RecurrenceRule::MonthlyWeekday {
                nth: 6,
                weekday: Weekday::Mon,
                time: "09:00".into()
            }),
            ("time.recurrence.bad_day", "/nth".into())
        );
        assert_eq!(
            e(RecurrenceRule::Yearly {
                month: 4,
                day: 31,
                time: "09:00".into()
            }),
            ("time.recurrence.bad_day", "/day".into())
        );
        assert_eq!(
            e(RecurrenceRule::Yearly {
                month: 13,
                day: 1,
                time: "09:00".into()
            }),
            ("time.recurrence.bad_day", "/month".into())
        );
        assert_eq!(
            e(RecurrenceRule::Yearly {
                month: 1,
                day: 1,
                time: "9".into()
            }),
            ("time.time.malformed", "/time".into())
        );
    }
}
