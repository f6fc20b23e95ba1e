//! Single-contact condition evaluation: the shared vectors (`vectors/condition_eval.json`),
//! rules that need more than a vector (dependencies, `next_change_at`), and
//! property tests that `next_change_at` is never later than a real change.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;
use proptest::prelude::*;
use sequenza::condition::eval::{CompiledCondition, EvalContext};
use sequenza::condition::Condition;
use sequenza::model::SegmentId;
use sequenza::{Contact, Event, FieldSchema};
use serde_json::{json, Value};

// ---------------------------------------------------------------------------------------------
// Helpers.

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .unwrap_or_else(|e| panic!("bad instant {s}: {e}"))
        .with_timezone(&Utc)
}

fn compile(v: Value) -> CompiledCondition {
    let c: Condition = serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("{v}: {e}"));
    CompiledCondition::compile(&c, None).unwrap_or_else(|e| panic!("{v}: {} {e}", e.code()))
}

fn contact(v: Value) -> Contact {
    serde_json::from_value(v).unwrap()
}

fn events(v: Value) -> Vec<Event> {
    serde_json::from_value(v).unwrap()
}

// ---------------------------------------------------------------------------------------------
// Shared vectors.

fn vectors() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/condition_eval.json");
    let text = std::fs::read_to_string(&path).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn vector_cases() {
    let v = vectors();
    let cases = v["cases"].as_array().unwrap();
    assert!(cases.len() >= 60, "only {} cases", cases.len());
    let mut failures = Vec::new();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let condition: Condition = serde_json::from_value(case["condition"].clone())
            .unwrap_or_else(|e| panic!("{name}: condition does not parse: {e}"));
        let compiled = CompiledCondition::compile(&condition, None)
            .unwrap_or_else(|e| panic!("{name}: does not compile: {} {e}", e.code()));
        let contact: Contact = serde_json::from_value(case["contact"].clone())
            .unwrap_or_else(|e| panic!("{name}: contact: {e}"));
        let events: Vec<Event> = serde_json::from_value(case["events"].clone())
            .unwrap_or_else(|e| panic!("{name}: events: {e}"));
        let now = at(case["now"].as_str().unwrap());
        let tz: Tz = case["default_time_zone"]
            .as_str()
            .map_or(Tz::UTC, |z| z.parse().unwrap());
        let segments: Vec<SegmentId> = case
            .get("segments")
            .map(|s| serde_json::from_value(s.clone()).unwrap())
            .unwrap_or_default();
        let ctx = EvalContext::new(now)
            .with_default_time_zone(tz)
            .with_segments(&segments);
        let got = compiled.matches(&contact, &events, &ctx);
        if got != case["expect"].as_bool().unwrap() {
            failures.push(format!("{name}: got {got}"));
        }
    }
    assert!(
        failures.is_empty(),
        "failing cases:\n{}",
        failures.join("\n")
    );
}

#[test]
fn vector_errors() {
    let v = vectors();
    let mut failures = Vec::new();
    for case in v["errors"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let condition: Condition = serde_json::from_value(case["condition"].clone())
            .unwrap_or_else(|e| panic!("{name}: condition does not parse: {e}"));
        let schema: Option<FieldSchema> = case
            .get("fields")
            .map(|f| serde_json::from_value(f.clone()).unwrap());
        match CompiledCondition::compile(&condition, schema.as_ref()) {
            Ok(_) => failures.push(format!("{name}: compiled")),
            Err(e) => {
                if e.code() != case["code"] || e.path() != case["path"].as_str() {
                    failures.push(format!(
                        "{name}: got {} at {:?} ({})",
                        e.code(),
                        e.path(),
                        e.message()
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "failing errors:\n{}",
        failures.join("\n")
    );
}

// ---------------------------------------------------------------------------------------------
// Rules beyond the vectors.

#[test]
fn every_operator_compiles_and_evaluates() {
    let c = contact(json!({"id": "c", "fields": {"t": "Abc", "n": 5, "l": ["x"]}}));
    let ctx = EvalContext::new(at("2026-01-01T00:00:00Z"));
    let cases = [
        (
            json!({"type": "field", "field": "n", "op": "eq", "value": 5}),
            true,
        ),
        (
            json!({"type": "field", "field": "n", "op": "ne", "value": 5}),
            false,
        ),
        (
            json!({"type": "field", "field": "n", "op": "lt", "value": 6}),
            true,
        ),
        (
            json!({"type": "field", "field": "n", "op": "lte", "value": 5}),
            true,
        ),
        (
            json!({"type": "field", "field": "n", "op": "gt", "value": 5}),
            false,
        ),
        (
            json!({"type": "field", "field": "n", "op": "gte", "value": 5}),
            true,
        ),
        (
            json!({"type": "field", "field": "n", "op": "in", "value": [4, 5]}),
            true,
        ),
        (
            json!({"type": "field", "field": "t", "op": "contains", "value": "b"}),
            true,
        ),
        (
            json!({"type": "field", "field": "t", "op": "starts_with", "value": "Ab"}),
            true,
        ),
        (
            json!({"type": "field", "field": "t", "op": "ends_with", "value": "bc"}),
            true,
        ),
        (json!({"type": "field", "field": "t", "op": "is_set"}), true),
        (
            json!({"type": "field", "field": "t", "op": "is_empty"}),
            false,
        ),
        (
            json!({"type": "field", "field": "n", "op": "between", "value": [5, 5]}),
            true,
        ),
        (
            json!({"type": "field", "field": "t", "op": "matches", "value": "^A.c$"}),
            true,
        ),
        (
            json!({"type": "field", "field": "l", "op": "contains", "value": "x"}),
            true,
        ),
    ];
    for (cond, expect) in cases {
        assert_eq!(
            compile(cond.clone()).matches(&c, &[], &ctx),
            expect,
            "{cond}"
        );
    }
}

#[test]
fn dependencies_name_what_is_read() {
    let c = compile(json!({"type": "and", "conditions": [
        {"type": "field", "field": "city", "op": "eq", "value": "Milano"},
        {"type": "tags", "op": "has_all", "tags": ["a", "b"]},
        {"type": "in_list", "list": "news"},
        {"type": "in_segment", "segment": "vip"},
        {"type": "consent", "channel": "sms", "status": "opted_in"},
        {"type": "not", "condition": {"type": "event", "name": "order.placed",
            "filter": {"type": "field", "field": "amount", "op": "gt", "value": 10}}}
    ]}));
    let d = c.dependencies();
    assert_eq!(d.fields.iter().collect::<Vec<_>>(), vec!["city"]);
    assert_eq!(d.tags.len(), 2);
    assert!(d.lists.contains(&"news".into()));
    assert!(d.segments.contains(&"vip".into()));
    assert!(d.events.contains("order.placed"));
    assert_eq!(d.consent.len(), 1);
    assert!(d.time_relative, "events become past with time");

    let plain = compile(
        json!({"type": "date", "field": "d", "when": {"op": "before", "date": "2026-01-01"}}),
    );
    assert!(!plain.dependencies().time_relative);
    assert!(plain.dependencies().fields.contains("time_zone"));
    let now = at("2026-01-01T00:00:00Z");
    let c1 = contact(json!({"id": "c", "fields": {"d": "2025-01-01"}}));
    assert_eq!(plain.next_change_at(&c1, &[], &EvalContext::new(now)), None);

    let window =
        compile(json!({"type": "event", "name": "e", "within": {"amount": 2, "unit": "hours"}}));
    assert!(!window.dependencies().fields.contains("time_zone"));
}

fn next(cond: &Value, c: &Value, evs: &Value, now: &str) -> Option<DateTime<Utc>> {
    compile(cond.clone()).next_change_at(
        &contact(c.clone()),
        &events(evs.clone()),
        &EvalContext::new(at(now)),
    )
}

#[test]
fn next_change_of_windows_and_dates() {
    let none = json!([]);
    // A window of hours: the event leaves it exactly N hours later.
    let ev = json!([{"contact": "c", "name": "e", "at": "2026-11-25T10:00:00Z"}]);
    let w = json!({"type": "event", "name": "e", "within": {"amount": 3, "unit": "hours"}});
    assert_eq!(
        next(&w, &json!({"id": "c"}), &ev, "2026-11-25T12:00:00Z"),
        Some(at("2026-11-25T13:00:00Z"))
    );
    // A future event counts from its instant.
    assert_eq!(
        next(&w, &json!({"id": "c"}), &ev, "2026-11-25T09:00:00Z"),
        Some(at("2026-11-25T10:00:00Z"))
    );
    // Days in Rome across the DST end: 1 day after 24 Oct 12:00 CEST is 25 Oct 12:00 CET.
    let d = json!({"type": "date", "field": "d", "when": {"op": "within_last", "amount": 1, "unit": "days"}});
    let rome =
        json!({"id": "c", "time_zone": "Europe/Rome", "fields": {"d": "2026-10-24T10:00:00Z"}});
    let n = next(&d, &rome, &none, "2026-10-24T20:00:00Z").unwrap();
    assert!(n <= at("2026-10-25T11:00:00Z"), "{n}");
    // Asked again after the transition, the answer is exact.
    assert_eq!(
        next(&d, &rome, &none, "2026-10-25T02:00:00Z"),
        Some(at("2026-10-25T11:00:00Z"))
    );
    // Anniversary: enters at local midnight D days before, leaves the day after.
    let a = json!({"type": "date", "field": "birth_date", "when": {"op": "anniversary_within", "days": 2}});
    let b = json!({"id": "c", "fields": {"birth_date": "1990-12-10"}});
    assert_eq!(
        next(&a, &b, &none, "2026-11-25T12:00:00Z"),
        Some(at("2026-12-08T00:00:00Z"))
    );
    assert_eq!(
        next(&a, &b, &none, "2026-12-09T12:00:00Z"),
        Some(at("2026-12-11T00:00:00Z"))
    );
    // Absolute tests and plain fields never change with time.
    let f = json!({"type": "field", "field": "city", "op": "eq", "value": "x"});
    assert_eq!(next(&f, &b, &none, "2026-11-25T12:00:00Z"), None);
}

#[test]
fn next_change_is_strictly_after_now() {
    // At the very instant a window edge is reached the change is the next instant.
    let w = json!({"type": "event", "name": "e", "within": {"amount": 1, "unit": "hours"}});
    let ev = json!([{"contact": "c", "name": "e", "at": "2026-11-25T11:00:00Z"}]);
    let now = "2026-11-25T12:00:00Z";
    let n = next(&w, &json!({"id": "c"}), &ev, now).unwrap();
    assert!(n > at(now));
    assert!(n - at(now) <= TimeDelta::microseconds(1));
}

#[test]
fn age_changes_on_the_birthday_in_the_contacts_zone() {
    let a = json!({"type": "age", "min": 18});
    let c =
        json!({"id": "c", "time_zone": "America/New_York", "fields": {"birth_date": "2008-11-26"}});
    // Midnight of 26 Nov in New York is 05:00 UTC.
    assert_eq!(
        next(&a, &c, &json!([]), "2026-11-25T12:00:00Z"),
        Some(at("2026-11-26T05:00:00Z"))
    );
}

// ---------------------------------------------------------------------------------------------
// next_change_at is never later than a real change.

const ZONES: &[&str] = &[
    "UTC",
    "Europe/Rome",
    "Pacific/Apia",
    "America/New_York",
    "Australia/Lord_Howe",
    "America/Santiago",
    "Asia/Kolkata",
    "Africa/Casablanca",
];

/// Instants near offset transitions of the zones above.
const ANCHORS: &[&str] = &[
    "2026-03-29T01:00:00Z",
    "2026-10-25T01:00:00Z",
    "2026-03-08T07:00:00Z",
    "2026-11-01T06:00:00Z",
    "2011-12-30T10:00:00Z",
    "2026-04-04T15:00:00Z",
    "2026-10-03T15:30:00Z",
    "2026-09-06T04:00:00Z",
    "2026-02-15T12:00:00Z",
    "2028-02-28T12:00:00Z",
];

const UNITS: &[&str] = &["minutes", "hours", "days", "weeks", "months"];

fn arb_leaf() -> impl Strategy<Value = Value> {
    let rel = (0..3usize, 1..40i64, 0..UNITS.len()).prop_map(|(op, amount, unit)| {
        let op = ["within_last", "more_than_ago", "in_next"][op];
        json!({"op": op, "amount": amount, "unit": UNITS[unit]})
    });
    let when = prop_oneof![
        3 => rel.clone(),
        1 => (0..40u32).prop_map(|days| json!({"op": "anniversary_within", "days": days})),
    ];
    prop_oneof![
        when.clone()
            .prop_map(|w| json!({"type": "date", "field": "d", "when": w})),
        (0..30u32, 0..5u32)
            .prop_map(|(min, span)| json!({"type": "age", "min": min, "max": min + span})),
        (proptest::option::of(rel.clone()), 0..3usize, 0..3u32).prop_map(|(w, op, n)| {
            let op = ["at_least", "at_most", "exactly"][op];
            let mut e = json!({"type": "event", "name": "e", "count": {"op": op, "n": n}});
            if let Some(w) = w {
                e["within"] = json!({"amount": w["amount"], "unit": w["unit"]});
            }
            e
        }),
        (rel, any::<bool>()).prop_map(|(w, last)| json!({"type": "event_time", "name": "e",
            "which": if last { "last" } else { "first" }, "when": w})),
    ]
}

fn arb_condition() -> impl Strategy<Value = Value> {
    arb_leaf().prop_recursive(2, 6, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 1..3)
                .prop_map(|cs| json!({"type": "and", "conditions": cs})),
            prop::collection::vec(inner.clone(), 1..3)
                .prop_map(|cs| json!({"type": "or", "conditions": cs})),
            inner.prop_map(|c| json!({"type": "not", "condition": c})),
        ]
    })
}

/// An instant within ±`days` days of `base`, to the second (or exactly on a half hour).
fn near(base: DateTime<Utc>, secs: i64) -> DateTime<Utc> {
    base + TimeDelta::seconds(secs)
}

fn value_of(t: DateTime<Utc>, date_only: bool, tz: Tz) -> String {
    if date_only {
        t.with_timezone(&tz).date_naive().to_string()
    } else {
        t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    }
}

#[derive(Debug, Clone)]
struct Scenario {
    condition: Value,
    zone: usize,
    anchor: usize,
    now_offset: i64,
    date_offset: i64,
    date_only: bool,
    birth_years: i64,
    birth_offset: i64,
    event_offsets: Vec<i64>,
}

fn arb_scenario() -> impl Strategy<Value = Scenario> {
    const SPAN: i64 = 50 * 86_400;
    (
        arb_condition(),
        0..ZONES.len(),
        0..ANCHORS.len(),
        -SPAN..SPAN,
        prop_oneof![-SPAN..SPAN, (-100i64..100).prop_map(|h| h * 1800)],
        any::<bool>(),
        0..40i64,
        -3 * 86_400..3 * 86_400i64,
        prop::collection::vec(
            prop_oneof![-SPAN..SPAN, (-100i64..100).prop_map(|h| h * 1800)],
            0..4,
        ),
    )
        .prop_map(
            |(
                condition,
                zone,
                anchor,
                now_offset,
                date_offset,
                date_only,
                birth_years,
                birth_offset,
                event_offsets,
            )| {
                Scenario {
                    condition,
                    zone,
                    anchor,
                    now_offset,
                    date_offset,
                    date_only,
                    birth_years,
                    birth_offset,
                    event_offsets,
                }
            },
        )
}

fn check_scenario(s: &Scenario, extra_samples: &[i64]) -> Result<(), TestCaseError> {
    let tz: Tz = ZONES[s.zone].parse().unwrap();
    let anchor = at(ANCHORS[s.anchor]);
    let now = near(anchor, s.now_offset);
    let birth = near(anchor, s.birth_offset) - TimeDelta::days(365 * s.birth_years);
    let c = contact(json!({"id": "c", "time_zone": ZONES[s.zone], "fields": {
        "d": value_of(near(anchor, s.date_offset), s.date_only, tz),
        "birth_date": value_of(birth, true, tz),
    }}));
    let evs: Vec<Event> = s
        .event_offsets
        .iter()
        .map(|o| Event {
            contact: "c".into(),
            name: "e".into(),
            at: near(anchor, *o),
            properties: Default::default(),
        })
        .collect();
    let cond = compile(s.condition.clone());
    let ctx = EvalContext::new(now);
    let result = cond.matches(&c, &evs, &ctx);
    let next = cond.next_change_at(&c, &evs, &ctx);
    let end = match next {
        Some(n) => {
            prop_assert!(n > now, "next_change_at {n} is not after now {now}");
            n
        }
        None => now + TimeDelta::days(800),
    };
    let span = (end - now).num_seconds().max(0);
    let mut samples: Vec<DateTime<Utc>> =
        vec![end - TimeDelta::nanoseconds(1), end - TimeDelta::seconds(1)];
    for k in 1..=64i64 {
        samples.push(now + TimeDelta::seconds(span * k / 65));
    }
    // Densely over the first two days, where DST transitions of the anchors are.
    for k in 0..192i64 {
        samples.push(now + TimeDelta::minutes(15 * k) + TimeDelta::seconds(k % 7));
    }
    for e in extra_samples {
        samples.push(now + TimeDelta::seconds(e.rem_euclid(span.max(1))));
    }
    for t in samples {
        if t < now || t >= end {
            continue;
        }
        let r = cond.matches(&c, &evs, &ctx.at(t));
        prop_assert_eq!(
            r,
            result,
            "result changed at {} (now {}, next_change_at {:?}) for {} with {:?} events {:?}",
            t,
            now,
            next,
            s.condition,
            c.fields,
            s.event_offsets
        );
    }
    Ok(())
}

/// 1500 cases unless `PROPTEST_CASES` asks for more.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1500)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn next_change_at_is_never_late(s in arb_scenario(), extra in prop::collection::vec(any::<i64>(), 32)) {
        check_scenario(&s, &extra)?;
    }
}

/// Walks forward from change to change over two months around DST transitions, sampling every
/// 10 minutes in between: the result never changes before the announced instant.
#[test]
fn walking_from_change_to_change() {
    let conditions = [
        json!({"type": "date", "field": "d", "when": {"op": "within_last", "amount": 1, "unit": "days"}}),
        json!({"type": "date", "field": "d", "when": {"op": "more_than_ago", "amount": 2, "unit": "weeks"}}),
        json!({"type": "date", "field": "d", "when": {"op": "in_next", "amount": 1, "unit": "months"}}),
        json!({"type": "date", "field": "d", "when": {"op": "anniversary_within", "days": 3}}),
        json!({"type": "date", "field": "d", "when": {"op": "within_last", "amount": 1, "unit": "months"}}),
        json!({"type": "age", "min": 18}),
        json!({"type": "event", "name": "e", "within": {"amount": 1, "unit": "months"}}),
        json!({"type": "event", "name": "e", "within": {"amount": 1, "unit": "days"}, "count": {"op": "exactly", "n": 1}}),
        json!({"type": "aggregate", "name": "e", "agg": "count", "within": {"amount": 36, "unit": "hours"}, "op": "gte", "value": 2}),
        json!({"type": "event_time", "name": "e", "which": "last", "when": {"op": "within_last", "amount": 2, "unit": "days"}}),
    ];
    let starts = [
        "2026-03-20T00:00:00Z",
        "2026-10-18T00:00:00Z",
        "2011-12-25T00:00:00Z",
    ];
    for zone in ["Europe/Rome", "Pacific/Apia", "Australia/Lord_Howe"] {
        for start in starts {
            let start = at(start);
            let c = contact(json!({"id": "c", "time_zone": zone, "fields": {
                "d": (start + TimeDelta::hours(37)).to_rfc3339(),
                "birth_date": "2008-03-29"}}));
            let evs: Vec<Event> = [5i64, 29, 30, 200]
                .iter()
                .map(|h| Event {
                    contact: "c".into(),
                    name: "e".into(),
                    at: start + TimeDelta::hours(*h) + TimeDelta::minutes(30),
                    properties: Default::default(),
                })
                .collect();
            for cond in &conditions {
                let compiled = compile(cond.clone());
                let end = start + TimeDelta::days(40);
                let mut t = start;
                let mut changes = 0;
                while t < end {
                    let ctx = EvalContext::new(t);
                    let r = compiled.matches(&c, &evs, &ctx);
                    let n = compiled
                        .next_change_at(&c, &evs, &ctx)
                        .unwrap_or(end)
                        .min(end);
                    assert!(n > t);
                    let mut x = t;
                    while x < n {
                        assert_eq!(
                            compiled.matches(&c, &evs, &ctx.at(x)),
                            r,
                            "{zone} {cond}: changed at {x}, announced {n} (asked at {t})"
                        );
                        x += TimeDelta::minutes(10);
                    }
                    assert_eq!(
                        compiled.matches(&c, &evs, &ctx.at(n - TimeDelta::nanoseconds(1))),
                        r
                    );
                    t = n;
                    changes += 1;
                    assert!(changes < 10_000, "too many wake-ups for {cond}");
                }
            }
        }
    }
}

#[test]
fn evaluation_at_a_fixed_instant_is_deterministic() {
    let tz_rome = chrono_tz::Europe::Rome;
    let now = tz_rome
        .with_ymd_and_hms(2026, 3, 29, 12, 0, 0)
        .unwrap()
        .with_timezone(&Utc);
    let cond = compile(
        json!({"type": "date", "field": "d", "when": {"op": "within_last", "amount": 1, "unit": "days"}}),
    );
    let c = contact(json!({"id": "c", "fields": {"d": "2026-03-28T10:30:00Z"}}));
    // In Rome one day before 29 March 12:00 CEST is 28 March 12:00 CET (11:00 UTC) …
    let ctx = EvalContext::new(now).with_default_time_zone(tz_rome);
    assert!(!cond.matches(&c, &[], &ctx));
    // … in UTC it is 24 hours earlier (10:00 UTC).
    assert!(cond.matches(&c, &[], &EvalContext::new(now)));
}

#[test]
fn extreme_inputs_do_not_panic() {
    let whens = [
        json!({"op": "within_last", "amount": i64::MAX, "unit": "minutes"}),
        json!({"op": "more_than_ago", "amount": 4_000_000_000i64, "unit": "months"}),
        json!({"op": "in_next", "amount": i64::MAX / 2, "unit": "weeks"}),
        json!({"op": "in_next", "amount": 1, "unit": "days"}),
        json!({"op": "within_last", "amount": 1, "unit": "months"}),
        json!({"op": "anniversary_within", "days": u32::MAX}),
        json!({"op": "between", "from": "0000-01-01", "to": "9999-12-31"}),
    ];
    let mut conditions: Vec<Value> = whens
        .iter()
        .map(|w| json!({"type": "date", "field": "d", "when": w}))
        .collect();
    conditions.push(json!({"type": "age", "min": u32::MAX}));
    conditions.push(json!({"type": "age", "field": "d", "max": 0}));
    for w in &whens[..5] {
        conditions.push(json!({"type": "event", "name": "e",
            "within": {"amount": w["amount"], "unit": w["unit"]}}));
        conditions.push(json!({"type": "event_time", "name": "e", "which": "first", "when": w}));
        conditions.push(
            json!({"type": "aggregate", "name": "e", "agg": "avg", "property": "x",
            "within": {"amount": w["amount"], "unit": w["unit"]}, "op": "gt", "value": 1}),
        );
    }
    let nows = [
        DateTime::<Utc>::MIN_UTC,
        DateTime::<Utc>::MAX_UTC,
        DateTime::<Utc>::UNIX_EPOCH,
    ];
    for zone in ["Pacific/Kiritimati", "Etc/GMT+12", "Pacific/Apia"] {
        for d in [
            "0000-02-29",
            "9999-12-31",
            "0000-01-01T00:00:00Z",
            "9999-12-31T23:59:59+14:00",
        ] {
            let c = contact(json!({"id": "c", "time_zone": zone,
                "fields": {"d": d, "birth_date": d}}));
            let evs: Vec<Event> = nows
                .iter()
                .map(|t| Event {
                    contact: "c".into(),
                    name: "e".into(),
                    at: *t,
                    properties: [("x".to_owned(), json!(1e308))].into_iter().collect(),
                })
                .collect();
            for cond in &conditions {
                let compiled = compile(cond.clone());
                for now in nows {
                    let ctx = EvalContext::new(now);
                    compiled.matches(&c, &evs, &ctx);
                    if let Some(n) = compiled.next_change_at(&c, &evs, &ctx) {
                        assert!(n > now, "{cond} at {now}: {n}");
                    }
                }
            }
        }
    }
}
