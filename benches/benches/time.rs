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

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = bench_policy, bench_recurrence
}
criterion_main!(benches);
