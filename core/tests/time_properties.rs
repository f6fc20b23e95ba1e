//! Property tests of the time module against brute force, around every DST change of the
//! test zones (2010–2039) and at random instants.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::sync::OnceLock;

use chrono::{
    DateTime, Datelike, NaiveDate, NaiveDateTime, Offset, TimeDelta, TimeZone, Timelike, Utc,
};
use proptest::prelude::*;
use sequenza::flow::{SendPolicy, TimeWindow};
use sequenza::time::{local_to_utc, Policy, RecurrenceRule, Tz, Weekday};

const ZONES: &[&str] = &[
    "Europe/Rome",
    "America/New_York",
    "Australia/Lord_Howe",
    "Asia/Kathmandu",
    "America/Sao_Paulo",
    "Pacific/Apia",
    "Africa/Casablanca",
    "America/St_Johns",
    "Asia/Tehran",
    "UTC",
];

fn offset(z: Tz, t: DateTime<Utc>) -> i32 {
    z.offset_from_utc_datetime(&t.naive_utc())
        .fix()
        .local_minus_utc()
}

/// Every offset change of `z` from 2010 to 2039, to the second.
fn transitions(z: Tz) -> &'static [DateTime<Utc>] {
    static ALL: OnceLock<HashMap<&'static str, Vec<DateTime<Utc>>>> = OnceLock::new();
    let all = ALL.get_or_init(|| {
        ZONES
            .iter()
            .map(|name| {
                let z: Tz = name.parse().unwrap();
                let mut out = Vec::new();
                let mut t: DateTime<Utc> = "2010-01-01T00:00:00Z".parse().unwrap();
                let end: DateTime<Utc> = "2040-01-01T00:00:00Z".parse().unwrap();
                let mut prev = offset(z, t);
                while t < end {
                    let next = t + TimeDelta::hours(6);
                    let o = offset(z, next);
                    if o != prev {
                        let (mut lo, mut hi) = (t.timestamp(), next.timestamp());
                        while hi - lo > 1 {
                            let mid = (lo + hi) / 2;
                            if offset(z, DateTime::from_timestamp(mid, 0).unwrap()) == o {
                                hi = mid;
                            } else {
                                lo = mid;
                            }
                        }
                        out.push(DateTime::from_timestamp(hi, 0).unwrap());
                        prev = o;
                    }
                    t = next;
                }
                (*name, out)
            })
            .collect()
    });
    &all[z.name()]
}

fn wall(t: DateTime<Utc>, z: Tz) -> NaiveDateTime {
    t.with_timezone(&z).naive_local()
}

/// A zone and an instant: exactly at one of its DST changes or a multiple of 15 minutes away
/// (within 3 hours), anywhere within 3 days of one, or anywhere in 2000–2040.
fn zone_and_instant() -> impl Strategy<Value = (Tz, DateTime<Utc>)> {
    (
        prop::sample::select(ZONES),
        any::<prop::sample::Index>(),
        prop_oneof![
            2 => (-12i64..=12).prop_map(|k| k * 900),
            1 => (-60i64..=60).prop_map(|k| k * 60),
            2 => -3 * 86_400i64..3 * 86_400,
        ],
        prop_oneof![3 => Just(true), 1 => Just(false)],
        946_684_800i64..2_208_988_800,
    )
        .prop_map(|(name, idx, delta, near, uniform)| {
            let z: Tz = name.parse().unwrap();
            let ts = transitions(z);
            let t = if near && !ts.is_empty() {
                ts[idx.index(ts.len())] + TimeDelta::seconds(delta)
            } else {
                DateTime::from_timestamp(uniform, 0).unwrap()
            };
            (z, t)
        })
}

/// A time `HH:MM`, half the time on the half hour (where DST changes happen).
fn hhmm() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u32..24, prop::sample::select(vec![0u32, 30])),
        (0u32..24, 0u32..60)
    ]
    .prop_map(|(h, m)| format!("{h:02}:{m:02}"))
}

fn window() -> impl Strategy<Value = TimeWindow> {
    (hhmm(), hhmm()).prop_map(|(start, end)| TimeWindow { start, end })
}

fn weekdays() -> impl Strategy<Value = Vec<Weekday>> {
    prop::sample::subsequence(Weekday::ALL.to_vec(), 0..=7)
}

fn send_policy() -> impl Strategy<Value = SendPolicy> {
    (
        prop::collection::vec(window(), 0..3),
        prop::collection::vec(window(), 0..3),
        weekdays(),
    )
        .prop_map(|(quiet_hours, hours, weekdays)| SendPolicy {
            quiet_hours,
            hours,
            weekdays,
            ..SendPolicy::default()
        })
}

/// The allowed instant intervals `[a, b)` of local days `from..=to`, straight from the
/// definition: each allowed minute interval of each allowed day, boundaries by `local_to_utc`.
fn intervals(
    p: &Policy,
    z: Tz,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    let days = p.weekdays();
    let at = |d: NaiveDate, m: u16| {
        let (d, m) = if m == 1440 {
            (d.succ_opt().unwrap(), 0)
        } else {
            (d, m)
        };
        let naive = d
            .and_hms_opt(u32::from(m / 60), u32::from(m % 60), 0)
            .unwrap();
        local_to_utc(z, naive).unwrap()
    };
    let mut out = Vec::new();
    let mut d = from;
    while d <= to {
        if days.contains(&Weekday::from(d.weekday())) {
            for &(s, e) in p.allowed_minutes() {
                let (a, b) = (at(d, s), at(d, e));
                if a < b {
                    out.push((a, b));
                }
            }
        }
        d = d.succ_opt().unwrap();
    }
    out
}

fn inside(iv: &[(DateTime<Utc>, DateTime<Utc>)], u: DateTime<Utc>) -> bool {
    iv.iter().any(|&(a, b)| a <= u && u < b)
}

/// The plain wall-clock reading of a policy: the local weekday and minute are allowed.
fn allowed_on_the_wall(p: &Policy, z: Tz, u: DateTime<Utc>) -> bool {
    let w = wall(u, z);
    let m = (w.hour() * 60 + w.minute()) as u16;
    p.weekdays().contains(&Weekday::from(w.weekday()))
        && p.allowed_minutes().iter().any(|&(s, e)| s <= m && m < e)
}

fn ceil_minute(t: DateTime<Utc>) -> DateTime<Utc> {
    let ts = t.timestamp();
    let up = if t.timestamp_subsec_nanos() == 0 && ts % 60 == 0 {
        ts
    } else {
        ts.div_euclid(60) * 60 + 60
    };
    DateTime::from_timestamp(up, 0).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    /// `local_to_utc`: an existing wall time maps to its first occurrence; a missing one to the
    /// first instant after the gap.
    #[test]
    fn local_to_utc_rule((z, t) in zone_and_instant(), delta in -4 * 3600i64..4 * 3600) {
        // A wall time within 4 hours of the instant's own (so: of a DST change, often).
        let local = wall(t, z) + TimeDelta::seconds(delta);
        let r = local_to_utc(z, local).unwrap();
        let one = TimeDelta::seconds(1);
        if wall(r, z) == local {
            // No earlier instant (within the largest overlap, 3 hours) has this wall time.
            for k in 1..=180 {
                prop_assert_ne!(wall(r - TimeDelta::minutes(k), z), local);
            }
        } else {
            prop_assert!(wall(r, z) > local, "{local} -> {r}");
            prop_assert!(wall(r - one, z) < local, "{local} -> {r}: not the gap's end");
        }
    }

    /// `next_allowed_many` (which reuses the window found for one instant for the next ones)
    /// gives exactly `next_allowed` of each instant, for steps of minutes to days, forward and
    /// backward, across DST changes.
    #[test]
    fn next_allowed_many_is_next_allowed_of_each((z, t) in zone_and_instant(), sp in send_policy(),
                                                 steps in prop::collection::vec(-90_000i64..200_000, 1..40)) {
        let Ok(p) = Policy::from_send_policy(&sp) else { return Ok(()); };
        let mut at = t;
        let mut ats = vec![None];
        for s in steps {
            at += TimeDelta::seconds(s);
            ats.push(Some(at));
        }
        let many = p.next_allowed_many(&ats, z).unwrap();
        prop_assert_eq!(many[0], None);
        for (a, n) in ats.iter().zip(&many).skip(1) {
            prop_assert_eq!(*n, Some(p.next_allowed(a.unwrap(), z).unwrap()), "{:?}", a);
        }
    }

    /// `next_allowed(t)` is allowed, is ≥ t, and nothing allowed lies between t and it; it agrees
    /// with the definition, and with the plain wall clock outside autumn overlaps.
    #[test]
    fn next_allowed_is_the_first_allowed((z, t) in zone_and_instant(), sp in send_policy()) {
        let Ok(p) = Policy::from_send_policy(&sp) else { return Ok(()); };
        let n = p.next_allowed(t, z).unwrap();
        prop_assert!(n >= t);
        let d0 = wall(t, z).date();
        let iv = intervals(&p, z, d0.pred_opt().unwrap(), wall(n, z).date().succ_opt().unwrap());
        prop_assert!(inside(&iv, n), "{n} not allowed");
        prop_assert!(p.is_allowed(n, z));
        prop_assert_eq!(p.is_allowed(t, z), n == t);
        // The first allowed instant by the definition.
        let first = iv.iter().filter(|(_, b)| *b > t).map(|(a, _)| (*a).max(t)).min().unwrap();
        prop_assert_eq!(n, first);
        // Minute by minute between t and n (at most 8 days): nothing allowed.
        let mut u = ceil_minute(t);
        let mut steps = 0;
        while u < n && steps < 8 * 1440 {
            prop_assert!(!inside(&iv, u), "{u} allowed before {n}");
            u += TimeDelta::minutes(1);
            steps += 1;
        }
        // Over the next day, minute by minute: the definition is the wall clock's reading
        // wherever the instant is the first (or only) one with its wall time.
        let iv = intervals(&p, z, d0.pred_opt().unwrap(), d0 + TimeDelta::days(3));
        let mut u = ceil_minute(t);
        for _ in 0..1440 {
            let w = wall(u, z);
            if local_to_utc(z, w).unwrap() == u {
                prop_assert_eq!(inside(&iv, u), allowed_on_the_wall(&p, z, u), "{} {}", u, w);
            }
            u += TimeDelta::minutes(1);
        }
    }
}

/// A random recurrence rule (valid or not).
fn rule() -> impl Strategy<Value = RecurrenceRule> {
    prop_oneof![
        prop_oneof![
            Just(5i64),
            Just(7),
            Just(15),
            Just(30),
            Just(45),
            Just(90),
            Just(1440),
            5i64..=1440
        ]
        .prop_map(|minutes| RecurrenceRule::Every { minutes }),
        (weekdays(), prop::collection::vec(hhmm(), 1..4))
            .prop_map(|(weekdays, times)| RecurrenceRule::Weekly { weekdays, times }),
        (prop_oneof![Just(-1i64), 1i64..=31], hhmm())
            .prop_map(|(day, time)| RecurrenceRule::Monthly { day, time }),
        (
            prop_oneof![-5i64..=-1, 1i64..=5],
            prop::sample::select(Weekday::ALL.to_vec()),
            hhmm()
        )
            .prop_map(|(nth, weekday, time)| RecurrenceRule::MonthlyWeekday {
                nth,
                weekday,
                time
            }),
        (1i64..=12, 1i64..=31, hhmm()).prop_map(|(month, day, time)| RecurrenceRule::Yearly {
            month,
            day,
            time
        }),
    ]
}

fn minutes_of(t: &str) -> u32 {
    let (h, m) = t.split_once(':').unwrap();
    h.parse::<u32>().unwrap() * 60 + m.parse::<u32>().unwrap()
}

fn last_day(y: i32, m: u32) -> u32 {
    (28..=31)
        .rev()
        .find(|d| NaiveDate::from_ymd_opt(y, m, *d).is_some())
        .unwrap()
}

/// Every occurrence of `rule` in `[a, b)` by enumerating local days: the rule's wall times,
/// each through `local_to_utc`, sorted, duplicates (a gap's several times) merged.
fn brute(rule: &RecurrenceRule, z: Tz, a: DateTime<Utc>, b: DateTime<Utc>) -> Vec<DateTime<Utc>> {
    let mut out = Vec::new();
    let mut d = wall(a, z).date().pred_opt().unwrap();
    let end = wall(b, z).date().succ_opt().unwrap();
    let mut push = |d: NaiveDate, m: u32| {
        let naive = d.and_hms_opt(m / 60, m % 60, 0).unwrap();
        out.push(local_to_utc(z, naive).unwrap());
    };
    while d <= end {
        match rule {
            RecurrenceRule::Every { minutes } => {
                for m in (0..1440).step_by(*minutes as usize) {
                    push(d, m);
                }
            }
            RecurrenceRule::Weekly { weekdays, times } => {
                if weekdays.is_empty() || weekdays.contains(&Weekday::from(d.weekday())) {
                    for t in times {
                        push(d, minutes_of(t));
                    }
                }
            }
            RecurrenceRule::Monthly { day, time } => {
                let last = last_day(d.year(), d.month());
                let want = if *day == -1 {
                    last
                } else {
                    (*day as u32).min(last)
                };
                if d.day() == want {
                    push(d, minutes_of(time));
                }
            }
            RecurrenceRule::MonthlyWeekday { nth, weekday, time } => {
                let last = last_day(d.year(), d.month());
                let k = if *nth > 0 {
                    ((d.day() - 1) / 7 + 1) as i64
                } else {
                    -(((last - d.day()) / 7 + 1) as i64)
                };
                if Weekday::from(d.weekday()) == *weekday && k == *nth {
                    push(d, minutes_of(time));
                }
            }
            RecurrenceRule::Yearly { month, day, time } => {
                let leap = NaiveDate::from_ymd_opt(d.year(), 2, 29).is_some();
                let (m, dd) = if *month == 2 && *day == 29 && !leap {
                    (2, 28)
                } else {
                    (*month as u32, *day as u32)
                };
                if d.month() == m && d.day() == dd {
                    push(d, minutes_of(time));
                }
            }
            _ => unreachable!(),
        }
        d = d.succ_opt().unwrap();
    }
    out.retain(|t| a <= *t && *t < b);
    out.sort();
    out.dedup();
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Occurrences are strictly increasing, none is skipped (brute force over local days), and
    /// `next_after` walks them one by one; with a policy, exactly the allowed ones remain.
    #[test]
    fn occurrences_match_brute_force(
        (z, a) in zone_and_instant(),
        r in rule(),
        span_minutes in 1i64..20_000,
        sp in proptest::option::of(send_policy()),
    ) {
        let Ok(rec) = r.compile(z) else { return Ok(()); };
        let span = match r {
            RecurrenceRule::Every { .. } => TimeDelta::minutes(span_minutes / 4),
            RecurrenceRule::Weekly { .. } => TimeDelta::minutes(span_minutes),
            _ => TimeDelta::minutes(span_minutes * 60),
        };
        let b = a + span;
        let (rec, policy) = match sp.map(|sp| Policy::from_send_policy(&sp)) {
            Some(Ok(p)) => match rec.within(p.clone()) {
                Ok(rec) => (rec, Some(p)),
                Err(_) => return Ok(()),
            },
            _ => (rec, None),
        };
        let got = rec.occurrences_between(a, b).unwrap();
        let mut want = brute(&r, z, a, b);
        if let Some(p) = &policy {
            want.retain(|t| p.is_allowed(*t, z));
        }
        prop_assert_eq!(&got, &want);
        for w in got.windows(2) {
            prop_assert!(w[0] < w[1]);
            prop_assert_eq!(rec.next_after(w[0]).unwrap(), w[1]);
        }
        if let Some(last) = got.last() {
            prop_assert!(rec.next_after(*last).unwrap() >= b);
        } else {
            prop_assert!(rec.at_or_after(a).unwrap() >= b);
        }
    }
}

/// At, just before and just after every DST change of every test zone (2010–2039): recurrences
/// and policies agree with brute force.
#[test]
fn every_transition_exactly() {
    let rules = [
        RecurrenceRule::Every { minutes: 5 },
        RecurrenceRule::Every { minutes: 7 },
        RecurrenceRule::Every { minutes: 45 },
        RecurrenceRule::Every { minutes: 90 },
        RecurrenceRule::Weekly {
            weekdays: vec![],
            times: vec![
                "00:00".into(),
                "00:30".into(),
                "01:30".into(),
                "02:00".into(),
                "02:30".into(),
                "23:30".into(),
            ],
        },
        RecurrenceRule::Monthly {
            day: -1,
            time: "02:30".into(),
        },
    ];
    let policies: Vec<Policy> = [
        r#"{"quiet_hours": [{"start": "22:00", "end": "02:30"}]}"#,
        r#"{"hours": [{"start": "02:15", "end": "02:45"}, {"start": "23:45", "end": "00:15"}]}"#,
        r#"{"hours": [{"start": "00:00", "end": "02:30"}]}"#,
        r#"{"quiet_hours": [{"start": "01:00", "end": "03:00"}], "weekdays": ["sun"]}"#,
    ]
    .iter()
    .map(|j| Policy::from_json(j).unwrap())
    .collect();
    let mut checked = 0;
    for name in ZONES {
        let z: Tz = name.parse().unwrap();
        for &tr in transitions(z) {
            for delta in [-1i64, 0, 1] {
                let a = tr + TimeDelta::nanoseconds(delta);
                let b = tr + TimeDelta::days(2);
                for r in &rules {
                    let rec = r.compile(z).unwrap();
                    let want = brute(r, z, a, b);
                    let got = rec.occurrences_between(a, b).unwrap();
                    assert_eq!(got, want, "{name} {r:?} from {a}");
                    checked += 1;
                }
                for p in &policies {
                    let n = p.next_allowed(a, z).unwrap();
                    let d0 = wall(a, z).date();
                    let iv = intervals(
                        p,
                        z,
                        d0.pred_opt().unwrap(),
                        wall(n, z).date().succ_opt().unwrap(),
                    );
                    let first = iv
                        .iter()
                        .filter(|(_, b)| *b > a)
                        .map(|(s, _)| (*s).max(a))
                        .min()
                        .unwrap();
                    assert_eq!(n, first, "{name} {p:?} from {a}");
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 4_000, "{checked}");
}
