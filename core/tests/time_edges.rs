//! Bad input and the ends of the calendar: typed errors, never a hang or a panic.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, NaiveDate, Utc};
use proptest::prelude::*;
use sequenza::flow::WaitNode;
use sequenza::model::Channel;
use sequenza::time::{
    add_duration, parse_zone, plan_send, until_date, until_local_time, wait_end, CapPolicy,
    Decision, Duration, LocalTime, Policy, RecurrenceRule, TimeUnit, Tz, Weekday,
};

fn edges() -> [DateTime<Utc>; 2] {
    [DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC]
}

#[test]
fn calendar_ends_are_errors_not_panics() {
    let zones: Vec<Tz> = [
        "Europe/Rome",
        "Pacific/Apia",
        "UTC",
        "Pacific/Kiritimati",
        "Etc/GMT+12",
    ]
    .iter()
    .map(|z| parse_zone(z).unwrap())
    .collect();
    let policy = Policy::from_json(
        r#"{"hours": [{"start": "09:00", "end": "10:00"}], "weekdays": ["wed"]}"#,
    )
    .unwrap();
    let rules = [
        RecurrenceRule::Every { minutes: 5 },
        RecurrenceRule::Weekly {
            weekdays: vec![Weekday::Sun],
            times: vec!["23:59".into()],
        },
        RecurrenceRule::Monthly {
            day: -1,
            time: "23:59".into(),
        },
        RecurrenceRule::MonthlyWeekday {
            nth: 5,
            weekday: Weekday::Fri,
            time: "23:59".into(),
        },
        RecurrenceRule::Yearly {
            month: 12,
            day: 31,
            time: "23:59".into(),
        },
    ];
    for z in zones {
        for at in edges() {
            let _ = policy.next_allowed(at, z);
            let _ = policy.is_allowed(at, z);
            let _ = policy.decide(at, z);
            for r in &rules {
                let rec = r.compile(z).unwrap();
                let _ = rec.next_after(at);
                let _ = rec.occurrences_between(at, DateTime::<Utc>::MAX_UTC);
            }
            for unit in [
                TimeUnit::Minutes,
                TimeUnit::Hours,
                TimeUnit::Days,
                TimeUnit::Weeks,
                TimeUnit::Months,
            ] {
                for n in [1, -1, i64::MAX, i64::MIN] {
                    let _ = add_duration(at, Duration::new(n, unit), z);
                }
            }
            let t = LocalTime::parse("09:00").unwrap();
            let _ = until_local_time(at, t, &[Weekday::Mon], z);
            for d in [NaiveDate::MIN, NaiveDate::MAX] {
                for off in [0, -1, 1, i64::MAX, i64::MIN] {
                    let _ = until_date(at, d, off, t, true, z);
                    let _ = until_date(at, d, off, t, false, z);
                }
            }
        }
    }
    let at = DateTime::<Utc>::MAX_UTC;
    let e = policy.next_allowed(at, Tz::UTC).unwrap_err();
    assert_eq!(e.code(), "time.out_of_range");
}

#[test]
fn occurrences_are_bounded() {
    let r = RecurrenceRule::Every { minutes: 5 }
        .compile(Tz::UTC)
        .unwrap();
    let a = "2000-01-01T00:00:00Z".parse().unwrap();
    let b = "2010-01-01T00:00:00Z".parse().unwrap();
    let e = r.occurrences_between(a, b).unwrap_err();
    assert_eq!(e.code(), "time.recurrence.too_many");
    // A year of 5-minute checks fits.
    let b = "2001-01-01T00:00:00Z".parse().unwrap();
    assert_eq!(r.occurrences_between(a, b).unwrap().len(), 366 * 288);
}

#[test]
fn waits_compose_with_the_policy() {
    let rome = parse_zone("Europe/Rome").unwrap();
    let policy = Policy::from_json(r#"{"weekdays": ["mon", "tue", "wed", "thu", "fri"], "hours": [{"start": "09:00", "end": "18:00"}]}"#).unwrap();
    let node: WaitNode = serde_json::from_str(
        r#"{"until": {"kind": "date_field", "field": "birth_date", "offset_days": -3, "time": "08:00", "yearly": true}}"#,
    )
    .unwrap();
    let birth = NaiveDate::from_ymd_opt(1990, 6, 12);
    let at = "2025-01-10T10:00:00Z".parse().unwrap();
    // 9 June 2025 08:00 CEST is a Monday, before the 09:00 window: 09:00.
    let end = wait_end(at, &node, rome, birth, Some(&policy)).unwrap();
    assert_eq!(end.to_rfc3339(), "2025-06-09T07:00:00+00:00");
    // "1 month" from 31 January.
    let month: WaitNode =
        serde_json::from_str(r#"{"duration": {"amount": 1, "unit": "months"}}"#).unwrap();
    let jan31 = "2025-01-31T09:00:00Z".parse().unwrap();
    let end = wait_end(jan31, &month, rome, None, None).unwrap();
    assert_eq!(end.to_rfc3339(), "2025-02-28T09:00:00+00:00");
    // Next Friday at 17:30, through a policy that skips nothing then.
    let fri: WaitNode = serde_json::from_str(
        r#"{"until": {"kind": "local_time", "time": "17:30", "weekdays": ["fri"]}}"#,
    )
    .unwrap();
    let end = wait_end(jan31, &fri, rome, None, Some(&policy)).unwrap();
    assert_eq!(end.to_rfc3339(), "2025-01-31T16:30:00+00:00");
    // A zero wait ends at once; a negative one too (never before `at`).
    let zero: WaitNode =
        serde_json::from_str(r#"{"duration": {"amount": -2, "unit": "days"}}"#).unwrap();
    assert_eq!(wait_end(jan31, &zero, rome, None, None).unwrap(), jan31);
}

#[test]
fn plan_send_in_order() {
    let rome = parse_zone("Europe/Rome").unwrap();
    let policy =
        Policy::from_json(r#"{"quiet_hours": [{"start": "21:00", "end": "09:00"}]}"#).unwrap();
    let caps = CapPolicy::from_json(
        r#"{"caps": [{"channel": "email", "max": 2, "per": {"amount": 1, "unit": "days"}},
                     {"channel": "email", "max": 5, "per": {"amount": 1, "unit": "weeks"}}]}"#,
    )
    .unwrap();
    let t = |s: &str| -> DateTime<Utc> { s.parse().unwrap() };
    // Five e-mails this week: the weekly cap holds the send until the oldest leaves.
    let history: Vec<_> = [
        "2025-06-02T08:00:00Z",
        "2025-06-03T08:00:00Z",
        "2025-06-04T08:00:00Z",
        "2025-06-05T08:00:00Z",
        "2025-06-06T08:00:00Z",
    ]
    .iter()
    .map(|s| (t(s), Channel::Email, false))
    .collect();
    let d = plan_send(
        t("2025-06-06T12:00:00Z"),
        rome,
        &policy,
        &caps,
        &history,
        Channel::Email,
        false,
    )
    .unwrap();
    assert_eq!(
        d,
        Decision::Defer {
            until: t("2025-06-09T08:00:00Z")
        }
    );
    let d = plan_send(
        t("2025-06-06T12:00:00Z"),
        rome,
        &policy,
        &caps,
        &history,
        Channel::Sms,
        false,
    )
    .unwrap();
    assert_eq!(d, Decision::Allow);
}

proptest! {
    /// Parsers never panic on arbitrary text.
    #[test]
    fn parsers_do_not_panic(s in "\\PC{0,40}", rr in "(FREQ|BYDAY|BYHOUR|BYMINUTE|BYMONTHDAY|BYSETPOS|INTERVAL|X)=[-+0-9A-Z,]{0,12}(;(FREQ|BYDAY|BYHOUR|BYMINUTE|BYMONTH|BYMONTHDAY|BYSETPOS|INTERVAL)=[-+0-9A-Z,]{0,12}){0,4}") {
        let _ = LocalTime::parse(&s);
        let _ = parse_zone(&s);
        let _ = sequenza::time::zone_for_phone(&s);
        let _ = sequenza::time::zone_for_country(&s);
        let _ = RecurrenceRule::from_rrule(&s);
        if let Ok(r) = RecurrenceRule::from_rrule(&rr) {
            // Whatever parses prints back to the same rule.
            let text = r.to_rrule().unwrap();
            prop_assert_eq!(RecurrenceRule::from_rrule(&text).unwrap(), r);
        }
        let _ = Policy::from_json(&s);
    }

    /// The local time grammar: exactly HH:MM from 00:00 to 23:59.
    #[test]
    fn local_time_grammar(h in 0u32..30, m in 0u32..70) {
        let ok = LocalTime::parse(&format!("{h:02}:{m:02}")).is_ok();
        prop_assert_eq!(ok, h < 24 && m < 60);
    }
}
