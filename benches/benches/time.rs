//! The time engine, per call.
//!
//! - `next_allowed/*`: [`Policy::next_allowed`] for a quiet-hours + weekdays policy in
//!   Europe/Rome, when the instant is allowed, when it is deferred overnight, over a weekend,
//!   and across the spring-forward night; and for a +05:45 zone.
//! - `next_after/*`: [`Recurring::next_after`] for every 15 minutes, weekly times, the last
//!   Monday of the month and a yearly 29 February, in Europe/Rome; every 15 minutes inside
//!   office hours (the policy filter).
//!
//! Inputs cycle through 1,024 instants spread over 2025 so no single branch or cache line is
//! measured alone. Run: `cargo bench -p sequenza-benches --bench time`. Criterion writes the
//! median of each benchmark to `target/criterion/<group>/<name>/new/estimates.json`.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use criterion::{criterion_group, criterion_main, Criterion};
use sequenza::time::{parse_zone, Policy, RecurrenceRule, Recurring, Tz, Weekday};

fn t(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// 1,024 instants through 2025, 8 h 33 min 17 s apart (every hour of the day and weekday).
fn spread() -> Vec<DateTime<Utc>> {
    let start = t("2025-01-01T00:00:00Z");
    (0..1024)
        .map(|i| start + TimeDelta::seconds(i * 30_797))
        .collect()
}

fn cycle<T: Copy>(items: &[T]) -> impl FnMut() -> T + '_ {
    let mut i = 0;
    move || {
        i = (i + 1) % items.len();
        items[i]
    }
}

fn bench_policy(c: &mut Criterion) {
    let rome = parse_zone("Europe/Rome").unwrap();
    let kathmandu = parse_zone("Asia/Kathmandu").unwrap();
    let policy = Policy::from_json(
        r#"{"quiet_hours": [{"start": "22:00", "end": "08:00"}, {"start": "13:00", "end": "14:00"}],
            "weekdays": ["mon", "tue", "wed", "thu", "fri"]}"#,
    )
    .unwrap();
    let mut g = c.benchmark_group("next_allowed");
    let cases: [(&str, Tz, DateTime<Utc>); 5] = [
        ("allowed", rome, t("2025-06-04T09:00:00Z")),
        ("overnight", rome, t("2025-06-04T21:30:00Z")),
        ("weekend", rome, t("2025-06-06T21:30:00Z")),
        ("spring_forward_night", rome, t("2025-03-28T22:30:00Z")),
        ("kathmandu_overnight", kathmandu, t("2025-06-04T18:00:00Z")),
    ];
    for (name, zone, at) in cases {
        g.bench_function(name, |b| {
            b.iter(|| policy.next_allowed(black_box(at), zone).unwrap())
        });
    }
    let spread = spread();
    let mut next = cycle(&spread);
    g.bench_function("spread_2025", |b| {
        b.iter(|| policy.next_allowed(black_box(next()), rome).unwrap())
    });
    g.finish();
}

fn bench_recurrence(c: &mut Criterion) {
    let rome = parse_zone("Europe/Rome").unwrap();
    let office = Policy::from_json(
        r#"{"hours": [{"start": "09:00", "end": "18:00"}],
            "weekdays": ["mon", "tue", "wed", "thu", "fri"]}"#,
    )
    .unwrap();
    let rules: Vec<(&str, Recurring)> = vec![
        (
            "every_15_min",
            RecurrenceRule::Every { minutes: 15 }.compile(rome).unwrap(),
        ),
        (
            "weekly_mon_thu_2_times",
            RecurrenceRule::Weekly {
                weekdays: vec![Weekday::Mon, Weekday::Thu],
                times: vec!["09:00".into(), "18:30".into()],
            }
            .compile(rome)
            .unwrap(),
        ),
        (
            "last_monday",
            RecurrenceRule::MonthlyWeekday {
                nth: -1,
                weekday: Weekday::Mon,
                time: "09:00".into(),
            }
            .compile(rome)
            .unwrap(),
        ),
        (
            "yearly_29_feb",
            RecurrenceRule::Yearly {
                month: 2,
                day: 29,
                time: "09:00".into(),
            }
            .compile(rome)
            .unwrap(),
        ),
        (
            "every_15_min_in_office_hours",
            RecurrenceRule::Every { minutes: 15 }
                .compile(rome)
                .unwrap()
                .within(office)
                .unwrap(),
        ),
    ];
    let spread = spread();
    let mut g = c.benchmark_group("next_after");
    for (name, r) in &rules {
        let mut next = cycle(&spread);
        g.bench_function(*name, |b| {
            b.iter(|| r.next_after(black_box(next())).unwrap())
        });
    }
    g.finish();
}

/// The same "next occurrence after t" with the `rrule` crate (RFC 5545), on the same instants:
/// weekly on Monday and Thursday at 09:00 and 18:30 in Europe/Rome, and the last Monday of the
/// month at 09:00.
fn bench_rrule_peer(c: &mut Criterion) {
    let rome = parse_zone("Europe/Rome").unwrap();
    let spread = spread();
    let cases = [
        (
            "weekly_mon_thu_2_times",
            "DTSTART;TZID=Europe/Rome:20240101T090000\nRRULE:FREQ=WEEKLY;BYDAY=MO,TH;BYHOUR=9,18;BYMINUTE=0,30;BYSECOND=0",
            RecurrenceRule::Weekly {
                weekdays: vec![Weekday::Mon, Weekday::Thu],
                times: vec!["09:00".into(), "18:30".into()],
            },
        ),
        (
            "last_monday",
            "DTSTART;TZID=Europe/Rome:20240101T090000\nRRULE:FREQ=MONTHLY;BYDAY=-1MO;BYHOUR=9;BYMINUTE=0;BYSECOND=0",
            RecurrenceRule::MonthlyWeekday { nth: -1, weekday: Weekday::Mon, time: "09:00".into() },
        ),
    ];
    let mut g = c.benchmark_group("peer_next_after");
    for (name, text, rule) in cases {
        let set: rrule::RRuleSet = text.parse().unwrap();
        let ours = rule.compile(rome).unwrap();
        let theirs = |t: DateTime<Utc>| {
            let t = t.with_timezone(&rrule::Tz::Tz(chrono_tz::Europe::Rome));
            set.clone()
                .after(t)
                .all(1)
                .dates
                .first()
                .map(|d| d.with_timezone(&Utc))
        };
        // The weekly rule with BYHOUR=9,18 and BYMINUTE=0,30 also yields 09:30 and 18:00, so only
        // the last-Monday rule is compared occurrence by occurrence.
        if name == "last_monday" {
            for &t in &spread {
                assert_eq!(Some(ours.next_after(t).unwrap()), theirs(t), "at {t}");
            }
        }
        let mut next = cycle(&spread);
        g.bench_function(format!("sequenza/{name}"), |b| {
            b.iter(|| ours.next_after(black_box(next())).unwrap())
        });
        let mut next = cycle(&spread);
        g.bench_function(format!("rrule_crate/{name}"), |b| {
            b.iter(|| theirs(black_box(next())))
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = bench_policy, bench_recurrence, bench_rrule_peer
}
criterion_main!(benches);
