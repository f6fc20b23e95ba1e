//! A subset of RFC 5545 RRULE text for interchange: parse and print a [`RecurrenceRule`].
//!
//! | rule | RRULE |
//! |---|---|
//! | `every` N (N divides 1440) | `FREQ=MINUTELY;INTERVAL=N` (also read: `FREQ=HOURLY;INTERVAL=H`) |
//! | `weekly`, every day | `FREQ=DAILY;BYHOUR=9,18;BYMINUTE=0` |
//! | `weekly` | `FREQ=WEEKLY;BYDAY=MO,WE;BYHOUR=9;BYMINUTE=30` |
//! | `monthly` day 1–28, −1 | `FREQ=MONTHLY;BYMONTHDAY=15;BYHOUR=9;BYMINUTE=0` |
//! | `monthly` day 29–31 (clamped) | `FREQ=MONTHLY;BYMONTHDAY=28,29,30;BYSETPOS=-1;…` |
//! | `monthly_weekday` | `FREQ=MONTHLY;BYDAY=-1MO;BYHOUR=9;BYMINUTE=0` |
//! | `yearly` | `FREQ=YEARLY;BYMONTH=5;BYMONTHDAY=1;…` (29 Feb: `BYMONTHDAY=28,29;BYSETPOS=-1`) |
//!
//! Times must be a full grid of `BYHOUR` × `BYMINUTE`; `DTSTART` is the local midnight of any
//! day. The rule's pattern is exchanged, not the DST behaviour: sequenza maps a time in a
//! spring-forward gap to the first instant after it (RFC 5545 shifts it by the gap's length).

use crate::error::TimeCode;
use std::collections::BTreeSet;

use super::error::err;
use super::local::LocalTime;
use super::recurrence::RecurrenceRule;
use super::Weekday;

const DAYS: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

fn unsupported(what: impl Into<String>) -> crate::Error {
    err(TimeCode::RruleUnsupported, "", what)
}

fn malformed(what: impl Into<String>) -> crate::Error {
    err(TimeCode::RruleMalformed, "", what)
}

impl RecurrenceRule {
    /// The rule as RRULE text (see the table in this module's docs); `time.rrule.unsupported`
    /// for rules the subset cannot express exactly (every 7 minutes; times not on a grid).
    ///
    /// ```
    /// use sequenza::time::{RecurrenceRule, Weekday};
    /// let r = RecurrenceRule::Weekly { weekdays: vec![Weekday::Mon, Weekday::Fri], times: vec!["09:30".into()] };
    /// assert_eq!(r.to_rrule()?, "FREQ=WEEKLY;BYDAY=MO,FR;BYHOUR=9;BYMINUTE=30");
    /// let y = RecurrenceRule::Yearly { month: 2, day: 29, time: "08:00".into() };
    /// assert_eq!(y.to_rrule()?, "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=28,29;BYSETPOS=-1;BYHOUR=8;BYMINUTE=0");
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn to_rrule(&self) -> crate::Result<String> {
        self.compile(chrono_tz::Tz::UTC)?;
        let hm = |t: &str| -> crate::Result<String> {
            let t = LocalTime::parse(t)?;
            Ok(format!("BYHOUR={};BYMINUTE={}", t.hour(), t.minute()))
        };
        let join = |v: &mut dyn Iterator<Item = String>| v.collect::<Vec<_>>().join(",");
        Ok(match self {
            RecurrenceRule::Every { minutes } => {
                if 1_440 % minutes != 0 {
                    return Err(unsupported(format!(
                        "Every {minutes} minutes restarts at midnight; RRULE can only say that when {minutes} divides 1440."
                    )));
                }
                format!("FREQ=MINUTELY;INTERVAL={minutes}")
            }
            RecurrenceRule::Weekly { weekdays, times } => {
                let ts = times
                    .iter()
                    .map(|t| LocalTime::parse(t))
                    .collect::<crate::Result<BTreeSet<_>>>()?;
                let hours: BTreeSet<u32> = ts.iter().map(|t| t.hour()).collect();
                let minutes: BTreeSet<u32> = ts.iter().map(|t| t.minute()).collect();
                if hours.len() * minutes.len() != ts.len() {
                    return Err(unsupported(
                        "These times are not every combination of their hours and minutes; RRULE cannot list them.",
                    ));
                }
                let by = format!(
                    "BYHOUR={};BYMINUTE={}",
                    join(&mut hours.iter().map(u32::to_string)),
                    join(&mut minutes.iter().map(u32::to_string))
                );
                let days: BTreeSet<Weekday> = weekdays.iter().copied().collect();
                if days.is_empty() || days.len() == 7 {
                    format!("FREQ=DAILY;{by}")
                } else {
                    let days = join(&mut days.iter().map(|d| DAYS[d.index()].to_owned()));
                    format!("FREQ=WEEKLY;BYDAY={days};{by}")
                }
            }
            RecurrenceRule::Monthly { day, time } => {
                let days = if *day >= 29 {
                    format!(
                        "{};BYSETPOS=-1",
                        join(&mut (28..=*day).map(|d| d.to_string()))
                    )
                } else {
                    day.to_string()
                };
                format!("FREQ=MONTHLY;BYMONTHDAY={days};{}", hm(time)?)
            }
            RecurrenceRule::MonthlyWeekday { nth, weekday, time } => format!(
                "FREQ=MONTHLY;BYDAY={nth}{};{}",
                DAYS[weekday.index()],
                hm(time)?
            ),
            RecurrenceRule::Yearly { month, day, time } => {
                let days = if *month == 2 && *day == 29 {
                    "28,29;BYSETPOS=-1".to_owned()
                } else {
                    day.to_string()
                };
                format!(
                    "FREQ=YEARLY;BYMONTH={month};BYMONTHDAY={days};{}",
                    hm(time)?
                )
            }
        })
    }

    /// Reads RRULE text in the subset [`RecurrenceRule::to_rrule`] prints (an `RRULE:` prefix,
    /// any part order, `BYSECOND=0` and `WKST` are accepted). `time.rrule.malformed` for text
    /// that is not RRULE, `time.rrule.unsupported` for parts outside the subset (`COUNT`,
    /// `UNTIL`, `BYWEEKNO` …), and the rule's own codes for values out of range.
    ///
    /// ```
    /// use sequenza::time::RecurrenceRule;
    /// let r = RecurrenceRule::from_rrule("RRULE:FREQ=MONTHLY;BYDAY=-1MO;BYHOUR=9;BYMINUTE=0")?;
    /// assert_eq!(r, RecurrenceRule::MonthlyWeekday { nth: -1, weekday: sequenza::time::Weekday::Mon, time: "09:00".into() });
    /// assert_eq!(RecurrenceRule::from_rrule("FREQ=DAILY;COUNT=3").unwrap_err().code(), "time.rrule.unsupported");
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn from_rrule(text: &str) -> crate::Result<RecurrenceRule> {
        let text = text.trim();
        let text = text
            .strip_prefix("RRULE:")
            .or_else(|| text.strip_prefix("rrule:"))
            .unwrap_or(text);
        let mut parts = Parts::default();
        for part in text.split(';').filter(|p| !p.is_empty()) {
            let (k, v) = part
                .split_once('=')
                .ok_or_else(|| malformed(format!("\"{part}\" is not KEY=VALUE.")))?;
            let k = k.trim().to_ascii_uppercase();
            let v = v.trim().to_ascii_uppercase();
            let slot = match k.as_str() {
                "FREQ" => &mut parts.freq,
                "INTERVAL" => &mut parts.interval,
                "BYDAY" => &mut parts.byday,
                "BYHOUR" => &mut parts.byhour,
                "BYMINUTE" => &mut parts.byminute,
                "BYSECOND" => &mut parts.bysecond,
                "BYMONTHDAY" => &mut parts.bymonthday,
                "BYMONTH" => &mut parts.bymonth,
                "BYSETPOS" => &mut parts.bysetpos,
                "WKST" => &mut parts.wkst,
                _ => return Err(unsupported(format!("{k} is not supported."))),
            };
            if slot.replace(v).is_some() {
                return Err(malformed(format!("{k} appears twice.")));
            }
        }
        let rule = parts.rule()?;
        rule.compile(chrono_tz::Tz::UTC).map_err(|e| match e {
            crate::Error::Time(mut t) => {
                t.path.clear();
                crate::Error::Time(t)
            }
            other => other,
        })?;
        Ok(rule)
    }
}

#[derive(Default)]
struct Parts {
    freq: Option<String>,
    interval: Option<String>,
    byday: Option<String>,
    byhour: Option<String>,
    byminute: Option<String>,
    bysecond: Option<String>,
    bymonthday: Option<String>,
    bymonth: Option<String>,
    bysetpos: Option<String>,
    wkst: Option<String>,
}

fn numbers(key: &str, v: &str) -> crate::Result<Vec<i64>> {
    v.split(',')
        .map(|n| {
            n.trim()
                .parse::<i64>()
                .map_err(|_| malformed(format!("{key}={v}: \"{n}\" is not a number.")))
        })
        .collect()
}

fn single(key: &str, v: &Option<String>) -> crate::Result<Option<i64>> {
    match v {
        None => Ok(None),
        Some(v) => match numbers(key, v)?.as_slice() {
            [n] => Ok(Some(*n)),
            _ => Err(unsupported(format!("{key} must have one value here."))),
        },
    }
}

fn weekday(code: &str) -> crate::Result<Weekday> {
    DAYS.iter()
        .position(|d| *d == code)
        .map(|i| Weekday::ALL[i])
        .ok_or_else(|| malformed(format!("\"{code}\" is not a weekday (MO … SU).")))
}

impl Parts {
    fn none_of(&self, keys: &[(&str, &Option<String>)]) -> crate::Result<()> {
        match keys.iter().find(|(_, v)| v.is_some()) {
            Some((k, _)) => Err(unsupported(format!("{k} is not supported with this FREQ."))),
            None => Ok(()),
        }
    }

    /// One time of day from single BYHOUR / BYMINUTE values.
    fn time(&self) -> crate::Result<String> {
        let h = single("BYHOUR", &self.byhour)?
            .ok_or_else(|| unsupported("BYHOUR is required (the time of day)."))?;
        let m = single("BYMINUTE", &self.byminute)?.unwrap_or(0);
        hm(h, m)
    }

    /// BYMONTHDAY as one day: `d` (up to `single_max`, or -1), or `28..=d;BYSETPOS=-1` (the
    /// clamped 29th–31st, up to `max`). A lone `BYMONTHDAY=31` skips short months in RFC 5545,
    /// which no sequenza rule does.
    fn month_day(&self, single_max: i64, max: i64) -> crate::Result<i64> {
        let v = self
            .bymonthday
            .as_deref()
            .ok_or_else(|| unsupported("BYMONTHDAY is required."))?;
        let days = numbers("BYMONTHDAY", v)?;
        match (days.as_slice(), single("BYSETPOS", &self.bysetpos)?) {
            ([d], None) if *d == -1 || *d <= single_max => Ok(*d),
            ([28, rest @ ..], Some(-1))
                if !rest.is_empty()
                    && rest.len() <= 3
                    && rest.iter().enumerate().all(|(i, d)| *d == 29 + i as i64)
                    && 28 + (rest.len() as i64) <= max =>
            {
                Ok(28 + rest.len() as i64)
            }
            _ => Err(unsupported(format!("BYMONTHDAY={v} is not supported."))),
        }
    }

    fn rule(&self) -> crate::Result<RecurrenceRule> {
        if let Some(s) = single("BYSECOND", &self.bysecond)? {
            if s != 0 {
                return Err(unsupported("Only BYSECOND=0 is supported."));
            }
        }
        if let Some(w) = &self.wkst {
            weekday(w)?;
        }
        let freq = self
            .freq
            .as_deref()
            .ok_or_else(|| malformed("FREQ is required."))?;
        let interval = single("INTERVAL", &self.interval)?.unwrap_or(1);
        if interval < 1 {
            return Err(malformed("INTERVAL must be positive."));
        }
        if interval != 1 && !matches!(freq, "MINUTELY" | "HOURLY") {
            return Err(unsupported(
                "INTERVAL is supported with MINUTELY and HOURLY only.",
            ));
        }
        match freq {
            "MINUTELY" | "HOURLY" => {
                self.none_of(&[
                    ("BYDAY", &self.byday),
                    ("BYHOUR", &self.byhour),
                    ("BYMINUTE", &self.byminute),
                    ("BYMONTHDAY", &self.bymonthday),
                    ("BYMONTH", &self.bymonth),
                    ("BYSETPOS", &self.bysetpos),
                ])?;
                let per = if freq == "HOURLY" { 60 } else { 1 };
                Ok(RecurrenceRule::Every {
                    minutes: interval.saturating_mul(per),
                })
            }
            "DAILY" | "WEEKLY" => {
                self.none_of(&[
                    ("BYMONTHDAY", &self.bymonthday),
                    ("BYMONTH", &self.bymonth),
                    ("BYSETPOS", &self.bysetpos),
                ])?;
                let weekdays = match (&self.byday, freq) {
                    (Some(d), "WEEKLY") => d
                        .split(',')
                        .map(|c| weekday(c.trim()))
                        .collect::<crate::Result<Vec<_>>>()?,
                    (None, "DAILY") => vec![],
                    (None, _) => return Err(unsupported("WEEKLY needs BYDAY.")),
                    (Some(_), _) => return Err(unsupported("BYDAY is not supported with DAILY.")),
                };
                let hours = numbers(
                    "BYHOUR",
                    self.byhour
                        .as_deref()
                        .ok_or_else(|| unsupported("BYHOUR is required (the times of day)."))?,
                )?;
                let minutes = match &self.byminute {
                    Some(m) => numbers("BYMINUTE", m)?,
                    None => vec![0],
                };
                let mut times = Vec::with_capacity(hours.len() * minutes.len());
                for h in &hours {
                    for m in &minutes {
                        times.push(hm(*h, *m)?);
                    }
                }
                Ok(RecurrenceRule::Weekly { weekdays, times })
            }
            "MONTHLY" => {
                self.none_of(&[("BYMONTH", &self.bymonth)])?;
                let time = self.time()?;
                match (&self.byday, &self.bymonthday) {
                    (Some(d), None) => {
                        if self.bysetpos.is_some() {
                            return Err(unsupported("BYSETPOS is not supported with BYDAY."));
                        }
                        let split = d
                            .find(|c: char| c.is_ascii_alphabetic())
                            .ok_or_else(|| malformed(format!("BYDAY={d} has no weekday.")))?;
                        let (n, code) = d.split_at(split);
                        let nth = n.trim_start_matches('+').parse::<i64>().map_err(|_| {
                            unsupported(format!(
                                "BYDAY={d} needs one ordinal weekday, such as -1MO."
                            ))
                        })?;
                        Ok(RecurrenceRule::MonthlyWeekday {
                            nth,
                            weekday: weekday(code)?,
                            time,
                        })
                    }
                    (None, Some(_)) => Ok(RecurrenceRule::Monthly {
                        day: self.month_day(28, 31)?,
                        time,
                    }),
                    _ => Err(unsupported("MONTHLY needs one of BYDAY and BYMONTHDAY.")),
                }
            }
            "YEARLY" => {
                self.none_of(&[("BYDAY", &self.byday)])?;
                let month = single("BYMONTH", &self.bymonth)?
                    .ok_or_else(|| unsupported("YEARLY needs BYMONTH."))?;
                let day = if month == 2 {
                    self.month_day(28, 29)?
                } else {
                    self.month_day(31, 0)?
                };
                Ok(RecurrenceRule::Yearly {
                    month,
                    day,
                    time: self.time()?,
                })
            }
            other => Err(unsupported(format!("FREQ={other} is not supported."))),
        }
    }
}

fn hm(h: i64, m: i64) -> crate::Result<String> {
    match (u32::try_from(h), u32::try_from(m)) {
        (Ok(h), Ok(m)) => LocalTime::new(h, m)
            .map(|t| t.to_string())
            .ok_or_else(|| malformed(format!("{h}:{m} is not a time of day."))),
        _ => Err(malformed(format!("{h}:{m} is not a time of day."))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for text in [
            "FREQ=MINUTELY;INTERVAL=15",
            "FREQ=MINUTELY;INTERVAL=1440",
            "FREQ=DAILY;BYHOUR=9,18;BYMINUTE=0,30",
            "FREQ=WEEKLY;BYDAY=MO,TU,SU;BYHOUR=9;BYMINUTE=30",
            "FREQ=MONTHLY;BYMONTHDAY=15;BYHOUR=9;BYMINUTE=0",
            "FREQ=MONTHLY;BYMONTHDAY=-1;BYHOUR=23;BYMINUTE=59",
            "FREQ=MONTHLY;BYMONTHDAY=28,29,30,31;BYSETPOS=-1;BYHOUR=9;BYMINUTE=0",
            "FREQ=MONTHLY;BYMONTHDAY=28,29;BYSETPOS=-1;BYHOUR=9;BYMINUTE=0",
            "FREQ=MONTHLY;BYDAY=-1MO;BYHOUR=9;BYMINUTE=0",
            "FREQ=MONTHLY;BYDAY=2TU;BYHOUR=9;BYMINUTE=0",
            "FREQ=YEARLY;BYMONTH=5;BYMONTHDAY=1;BYHOUR=9;BYMINUTE=0",
            "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=28,29;BYSETPOS=-1;BYHOUR=8;BYMINUTE=0",
        ] {
            let rule = RecurrenceRule::from_rrule(text).unwrap();
            assert_eq!(rule.to_rrule().unwrap(), text, "{rule:?}");
        }
        assert_eq!(
            RecurrenceRule::from_rrule("FREQ=HOURLY;INTERVAL=2").unwrap(),
            RecurrenceRule::Every { minutes: 120 }
        );
        assert_eq!(
            RecurrenceRule::from_rrule("rrule:freq=weekly;byday=fr;byhour=8;bysecond=0;wkst=mo")
                .unwrap()
                .to_rrule()
                .unwrap(),
            "FREQ=WEEKLY;BYDAY=FR;BYHOUR=8;BYMINUTE=0"
        );
    }

    #[test]
    fn errors() {
        let code = |t: &str| RecurrenceRule::from_rrule(t).unwrap_err().code();
        assert_eq!(
            code("FREQ=MINUTELY;INTERVAL=2"),
            "time.recurrence.frequency_out_of_range"
        );
        assert_eq!(code("FREQ=SECONDLY"), "time.rrule.unsupported");
        assert_eq!(
            code("FREQ=DAILY;UNTIL=20250101T000000Z"),
            "time.rrule.unsupported"
        );
        assert_eq!(code("BYHOUR=9"), "time.rrule.malformed");
        assert_eq!(code("FREQ=DAILY;FREQ=DAILY"), "time.rrule.malformed");
        assert_eq!(code("FREQ=DAILY;BYHOUR=25"), "time.rrule.malformed");
        assert_eq!(
            code("FREQ=WEEKLY;BYDAY=XX;BYHOUR=9"),
            "time.rrule.malformed"
        );
        assert_eq!(
            code("FREQ=MONTHLY;BYDAY=MO;BYHOUR=9"),
            "time.rrule.unsupported"
        );
        assert_eq!(
            code("FREQ=MONTHLY;BYDAY=7MO;BYHOUR=9"),
            "time.recurrence.bad_day"
        );
        assert_eq!(
            code("FREQ=YEARLY;BYMONTH=4;BYMONTHDAY=31;BYHOUR=9"),
            "time.recurrence.bad_day"
        );
        assert_eq!(
            code("FREQ=YEARLY;BYMONTH=4;BYMONTHDAY=28,29;BYSETPOS=-1;BYHOUR=9"),
            "time.rrule.unsupported"
        );
        assert_eq!(code("garbage"), "time.rrule.malformed");
        assert_eq!(
            code("FREQ=MONTHLY;BYMONTHDAY=31;BYHOUR=9"),
            "time.rrule.unsupported"
        );
        assert_eq!(
            code("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYHOUR=9"),
            "time.rrule.unsupported"
        );
        let seven = RecurrenceRule::Every { minutes: 7 };
        assert_eq!(
            seven.to_rrule().unwrap_err().code(),
            "time.rrule.unsupported"
        );
        let off_grid = RecurrenceRule::Weekly {
            weekdays: vec![],
            times: vec!["09:00".into(), "18:30".into()],
        };
        assert_eq!(
            off_grid.to_rrule().unwrap_err().code(),
            "time.rrule.unsupported"
        );
    }
}
