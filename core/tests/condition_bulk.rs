//! Bulk evaluation (`sequenza::condition::bulk`): every operator and every rule of the shared
//! semantics, compile errors with their codes and paths, the column builder, and a differential
//! property test against a small per-contact reference evaluator written here from the
//! documented semantics.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;

use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Tz;
use proptest::prelude::*;
use sequenza::condition::bulk::{Bitmap, ContactTable, Evaluation};
use sequenza::condition::Condition;
use sequenza::model::SegmentId;
use sequenza::{Contact, Event, FieldSchema};
use serde_json::{json, Value as J};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).unwrap()
}

fn contacts(list: &[J]) -> Vec<Contact> {
    list.iter()
        .map(|j| Contact::from_json(&j.to_string()).unwrap())
        .collect()
}

fn events(list: &[J]) -> Vec<Event> {
    list.iter()
        .map(|j| Event::from_json(&j.to_string()).unwrap())
        .collect()
}

fn cond(j: J) -> Condition {
    Condition::from_json(&j.to_string()).unwrap()
}

/// The ids of the contacts matching `c` at `now()`, default zone UTC.
fn hits(table: &ContactTable, c: J) -> Vec<String> {
    let b = table.evaluate(&cond(c), now(), Tz::UTC).unwrap();
    b.ids(table).map(|id| id.to_string()).collect()
}

fn error(table: &ContactTable, c: J) -> (String, String) {
    let e = table.evaluate(&cond(c), now(), Tz::UTC).unwrap_err();
    (e.code().to_owned(), e.path().unwrap_or("").to_owned())
}

fn people() -> ContactTable {
    let cs = contacts(&[
        json!({"id": "anna", "email": "anna@example.com",
               "fields": {"age": 31, "city": "Milano", "vip": true, "birth_date": "1995-03-10",
                          "interests": ["Sport", "vino"], "note": "Caffè GRATIS"},
               "tags": ["vip", "newsletter"], "lists": ["news"],
               "consent": {"email": {"status": "opted_in"}}, "time_zone": "Europe/Rome"}),
        json!({"id": "bruno",
               "fields": {"age": 52, "city": "Roma", "vip": false, "birth_date": "1974-11-26",
                          "interests": [], "note": ""},
               "tags": ["lead"], "consent": {"email": {"status": "opted_out"}}}),
        json!({"id": "carla",
               "fields": {"age": "31", "city": "milano ", "birth_date": "2000-02-29T08:00:00Z",
                          "interests": ["musica"]},
               "lists": ["blacklist"], "time_zone": "America/New_York"}),
        json!({"id": "dario", "fields": {"city": null}}),
    ]);
    let evs = events(&[
        json!({"contact": "anna", "name": "order.placed", "at": "2026-11-20T10:00:00Z",
               "properties": {"amount": 120, "currency": "EUR"}}),
        json!({"contact": "anna", "name": "order.placed", "at": "2026-06-01T10:00:00Z",
               "properties": {"amount": 30.5, "currency": "eur"}}),
        json!({"contact": "anna", "name": "order.placed", "at": "2026-12-01T10:00:00Z",
               "properties": {"amount": 999}}),
        json!({"contact": "bruno", "name": "order.placed", "at": "2025-01-01T10:00:00Z",
               "properties": {"amount": "12"}}),
        json!({"contact": "carla", "name": "email.opened", "at": "2026-11-24T10:00:00Z"}),
        json!({"contact": "nobody", "name": "order.placed", "at": "2026-11-24T10:00:00Z"}),
    ]);
    ContactTable::from_contacts(&cs, &evs, None).unwrap()
}

fn field(f: &str, op: &str, v: J) -> J {
    json!({"type": "field", "field": f, "op": op, "value": v})
}

#[test]
fn numbers_compare_numerically_and_other_types_never_match() {
    let t = people();
    assert_eq!(hits(&t, field("age", "eq", json!(31))), ["anna"]);
    // carla's age is the text "31": another JSON type never matches, so `ne` holds.
    assert_eq!(
        hits(&t, field("age", "ne", json!(31))),
        ["bruno", "carla", "dario"]
    );
    assert_eq!(hits(&t, field("age", "gt", json!(31))), ["bruno"]);
    assert_eq!(hits(&t, field("age", "gte", json!(31))), ["anna", "bruno"]);
    assert_eq!(hits(&t, field("age", "lt", json!(52))), ["anna"]);
    assert_eq!(hits(&t, field("age", "lte", json!(52))), ["anna", "bruno"]);
    assert_eq!(
        hits(&t, field("age", "between", json!([31, 52]))),
        ["anna", "bruno"]
    );
    assert_eq!(
        hits(&t, field("age", "between", json!([52, 31]))),
        Vec::<String>::new()
    );
    assert_eq!(
        hits(&t, field("age", "in", json!([52, "31"]))),
        ["bruno", "carla"]
    );
    assert_eq!(hits(&t, field("age", "eq", json!("31"))), ["carla"]);
}

#[test]
fn text_compares_by_bytes_and_folds_on_request() {
    let t = people();
    assert_eq!(hits(&t, field("city", "eq", json!("Milano"))), ["anna"]);
    let folded =
        json!({"type": "field", "field": "city", "op": "eq", "value": "MILANO", "fold": true});
    assert_eq!(hits(&t, folded), ["anna", "carla"]);
    // Byte order: upper case sorts before lower case.
    assert_eq!(hits(&t, field("city", "lt", json!("N"))), ["anna"]);
    assert_eq!(
        hits(&t, field("city", "gte", json!("R"))),
        ["bruno", "carla"]
    );
    assert_eq!(
        hits(&t, field("city", "between", json!(["M", "Rz"]))),
        ["anna", "bruno"]
    );
    assert_eq!(
        hits(&t, field("city", "starts_with", json!("mil"))),
        ["carla"]
    );
    assert_eq!(hits(&t, field("city", "ends_with", json!("o"))), ["anna"]);
    assert_eq!(
        hits(&t, field("city", "contains", json!("ila"))),
        ["anna", "carla"]
    );
    assert_eq!(
        hits(&t, field("city", "in", json!(["Roma", "Torino"]))),
        ["bruno"]
    );
    assert_eq!(
        hits(&t, field("city", "matches", json!("^[MR]"))),
        ["anna", "bruno"]
    );
    let accents =
        json!({"type": "field", "field": "note", "op": "contains", "value": "caffe", "fold": true});
    assert_eq!(hits(&t, accents), ["anna"]);
    let re = json!({"type": "field", "field": "note", "op": "matches", "value": "CAFFÈ\\s+g", "fold": true});
    assert_eq!(hits(&t, re), ["anna"]);
    let lt =
        json!({"type": "field", "field": "city", "op": "lt", "value": "MILANO Z", "fold": true});
    assert_eq!(hits(&t, lt), ["anna", "carla"]);
    let sw = json!({"type": "field", "field": "note", "op": "starts_with", "value": "CAFFE g", "fold": true});
    assert_eq!(hits(&t, sw), ["anna"]);
}

#[test]
fn missing_values_fail_every_comparison_but_ne_and_is_empty() {
    let t = people();
    assert_eq!(
        hits(&t, field("city", "ne", json!("Milano"))),
        ["bruno", "carla", "dario"]
    );
    let empty = json!({"type": "field", "field": "note", "op": "is_empty"});
    assert_eq!(hits(&t, empty), ["bruno", "carla", "dario"]);
    let set = json!({"type": "field", "field": "note", "op": "is_set"});
    assert_eq!(hits(&t, set), ["anna"]);
    let null_set = json!({"type": "field", "field": "city", "op": "is_set"});
    assert_eq!(hits(&t, null_set), ["anna", "bruno", "carla"]);
    // A table without a schema treats an unknown field as missing everywhere.
    assert_eq!(hits(&t, field("shoe", "ne", json!(42))).len(), 4);
    assert_eq!(hits(&t, field("shoe", "eq", json!(42))).len(), 0);
}

#[test]
fn booleans_only_by_eq_and_ne() {
    let t = people();
    assert_eq!(hits(&t, field("vip", "eq", json!(true))), ["anna"]);
    assert_eq!(
        hits(&t, field("vip", "ne", json!(true))),
        ["bruno", "carla", "dario"]
    );
    assert_eq!(hits(&t, field("vip", "in", json!([false]))), ["bruno"]);
    assert_eq!(
        error(&t, field("vip", "lt", json!(true))).0,
        "condition.value.invalid"
    );
}

#[test]
fn text_lists_test_membership_and_emptiness_only() {
    let t = people();
    assert_eq!(
        hits(&t, field("interests", "contains", json!("vino"))),
        ["anna"]
    );
    let folded = json!({"type": "field", "field": "interests", "op": "contains", "value": "SPORT", "fold": true});
    assert_eq!(hits(&t, folded), ["anna"]);
    assert_eq!(
        hits(&t, field("interests", "in", json!(["musica", "x"]))),
        ["carla"]
    );
    let empty = json!({"type": "field", "field": "interests", "op": "is_empty"});
    assert_eq!(hits(&t, empty), ["bruno", "dario"]);
    assert!(hits(&t, field("interests", "eq", json!("vino"))).is_empty());
    assert!(hits(&t, field("interests", "starts_with", json!("v"))).is_empty());
    assert_eq!(hits(&t, field("interests", "ne", json!("vino"))).len(), 4);
}

#[test]
fn built_in_attributes_are_fields() {
    let t = people();
    assert_eq!(
        hits(&t, field("id", "in", json!(["bruno", "zed"]))),
        ["bruno"]
    );
    assert_eq!(
        hits(&t, field("email", "ends_with", json!("@example.com"))),
        ["anna"]
    );
    assert_eq!(
        hits(&t, field("time_zone", "eq", json!("Europe/Rome"))),
        ["anna"]
    );
}

#[test]
fn tags_lists_consent_and_segments() {
    let t = people();
    let tags = |op: &str, tags: J| json!({"type": "tags", "op": op, "tags": tags});
    assert_eq!(
        hits(&t, tags("has_any", json!(["vip", "lead"]))),
        ["anna", "bruno"]
    );
    assert_eq!(
        hits(&t, tags("has_all", json!(["vip", "newsletter"]))),
        ["anna"]
    );
    assert_eq!(
        hits(&t, tags("has_all", json!(["vip", "ghost"]))),
        Vec::<String>::new()
    );
    assert_eq!(
        hits(&t, tags("has_none", json!(["vip"]))),
        ["bruno", "carla", "dario"]
    );
    // Empty tag lists: has_all holds, has_any does not.
    assert_eq!(hits(&t, tags("has_all", json!([]))).len(), 4);
    assert!(hits(&t, tags("has_any", json!([]))).is_empty());
    assert_eq!(
        hits(&t, json!({"type": "in_list", "list": "blacklist"})),
        ["carla"]
    );
    assert!(hits(&t, json!({"type": "in_list", "list": "nope"})).is_empty());
    let consent = |s: &str| json!({"type": "consent", "channel": "email", "status": s});
    assert_eq!(hits(&t, consent("opted_in")), ["anna"]);
    assert_eq!(hits(&t, consent("opted_out")), ["bruno"]);
    assert_eq!(hits(&t, consent("unknown")), ["carla", "dario"]);
    let sms = json!({"type": "consent", "channel": "sms", "status": "unknown"});
    assert_eq!(hits(&t, sms).len(), 4);

    let mut segments = HashMap::new();
    segments.insert(SegmentId::new("s"), Bitmap::from_rows(4, [1, 3]));
    let eval = Evaluation::new(now()).with_segments(&segments);
    let c = cond(json!({"type": "in_segment", "segment": "s"}));
    assert_eq!(
        t.evaluate_with(&c, &eval)
            .unwrap()
            .iter()
            .collect::<Vec<_>>(),
        [1, 3]
    );
    // A segment without a given membership has no members (as for one contact).
    let missing = cond(json!({"type": "in_segment", "segment": "other"}));
    assert!(t.evaluate_with(&missing, &eval).unwrap().none());
}

#[test]
fn and_or_not_and_empty_groups() {
    let t = people();
    let c = json!({"type": "or", "conditions": [
        {"type": "and", "conditions": [field("city", "eq", json!("Roma")), field("age", "gt", json!(50))]},
        {"type": "not", "condition": {"type": "field", "field": "city", "op": "is_set"}}
    ]});
    assert_eq!(hits(&t, c), ["bruno", "dario"]);
    assert_eq!(hits(&t, json!({"type": "and", "conditions": []})).len(), 4);
    assert!(hits(&t, json!({"type": "or", "conditions": []})).is_empty());
}

#[test]
fn dates_in_the_contacts_zone() {
    let t = people();
    let date = |f: &str, when: J| json!({"type": "date", "field": f, "when": when});
    assert_eq!(
        hits(
            &t,
            date("birth_date", json!({"op": "before", "date": "1995-03-10"}))
        ),
        ["bruno"]
    );
    assert_eq!(
        hits(
            &t,
            date("birth_date", json!({"op": "after", "date": "1995-03-10"}))
        ),
        ["anna", "carla"]
    );
    // `between` includes the whole `to` day.
    assert_eq!(
        hits(
            &t,
            date(
                "birth_date",
                json!({"op": "between", "from": "1974-11-26", "to": "1995-03-10"})
            )
        ),
        ["anna", "bruno"]
    );
    // An RFC 3339 operand is an instant: anna's midnight in Rome is 1995-03-09T23:00Z.
    assert_eq!(
        hits(
            &t,
            date(
                "birth_date",
                json!({"op": "before", "date": "1995-03-09T23:30:00Z"})
            )
        ),
        ["anna", "bruno"]
    );
    assert_eq!(
        hits(
            &t,
            date(
                "birth_date",
                json!({"op": "within_last", "amount": 60, "unit": "months"})
            )
        ),
        Vec::<String>::new()
    );
    assert_eq!(
        hits(
            &t,
            date(
                "birth_date",
                json!({"op": "more_than_ago", "amount": 420, "unit": "months"})
            )
        ),
        ["bruno"]
    );
    // Anniversaries: bruno's is tomorrow; carla's 29 February counts as 28 February.
    assert_eq!(
        hits(
            &t,
            date("birth_date", json!({"op": "anniversary_within", "days": 1}))
        ),
        ["bruno"]
    );
    assert!(hits(
        &t,
        date("birth_date", json!({"op": "anniversary_within", "days": 0}))
    )
    .is_empty());
    assert_eq!(
        hits(
            &t,
            date(
                "birth_date",
                json!({"op": "anniversary_within", "days": 95})
            )
        ),
        ["bruno", "carla"]
    );
    // Text that is no date makes the test false.
    assert!(hits(
        &t,
        date("city", json!({"op": "before", "date": "2100-01-01"}))
    )
    .is_empty());
}

#[test]
fn relative_dates_use_calendar_arithmetic() {
    // now = 2026-03-31T10:00Z; "1 month" before is 2026-02-28T10:00 local.
    let cs = contacts(&[
        json!({"id": "a", "fields": {"d": "2026-02-28T10:00:00Z"}}),
        json!({"id": "b", "fields": {"d": "2026-02-28T09:59:59Z"}}),
        json!({"id": "c", "fields": {"d": "2026-03-31T10:00:00.000000001Z"}}),
        json!({"id": "d", "fields": {"d": "2026-02-28"}}),
    ]);
    let t = ContactTable::from_contacts(&cs, &[], None).unwrap();
    let now = Utc.with_ymd_and_hms(2026, 3, 31, 10, 0, 0).unwrap();
    let run = |when: J| {
        let c = cond(json!({"type": "date", "field": "d", "when": when}));
        let b = t.evaluate(&c, now, Tz::UTC).unwrap();
        b.ids(&t).map(|i| i.to_string()).collect::<Vec<_>>()
    };
    assert_eq!(
        run(json!({"op": "within_last", "amount": 1, "unit": "months"})),
        ["a"]
    );
    assert_eq!(
        run(json!({"op": "more_than_ago", "amount": 1, "unit": "months"})),
        ["b", "d"]
    );
    assert_eq!(
        run(json!({"op": "in_next", "amount": 1, "unit": "minutes"})),
        ["c"]
    );
    assert_eq!(
        run(json!({"op": "within_last", "amount": 32, "unit": "days"})),
        ["a", "b", "d"]
    );
}

#[test]
fn age_in_whole_years_in_the_contacts_zone() {
    let t = people();
    let age = |min: Option<u32>, max: Option<u32>| {
        let mut j = json!({"type": "age"});
        if let Some(m) = min {
            j["min"] = json!(m);
        }
        if let Some(m) = max {
            j["max"] = json!(m);
        }
        hits(&t, j)
    };
    // anna 31, bruno 51 (52 tomorrow), carla 26.
    assert_eq!(age(Some(31), Some(31)), ["anna"]);
    assert_eq!(age(Some(52), None), Vec::<String>::new());
    assert_eq!(age(Some(51), Some(51)), ["bruno"]);
    assert_eq!(age(None, Some(30)), ["carla"]);
    assert_eq!(age(None, None), ["anna", "bruno", "carla"]);
    // In Tokyo it is already the 26th at 12:00 UTC... but bruno has no zone: default applies.
    let c = cond(json!({"type": "age", "min": 52}));
    let late = Utc.with_ymd_and_hms(2026, 11, 25, 20, 0, 0).unwrap();
    let b = t.evaluate(&c, late, chrono_tz::Asia::Tokyo).unwrap();
    assert_eq!(
        b.ids(&t).map(|i| i.to_string()).collect::<Vec<_>>(),
        ["bruno"]
    );
}

#[test]
fn leap_day_birthdays() {
    let cs = contacts(&[json!({"id": "leap", "fields": {"birth_date": "2000-02-29"}})]);
    let t = ContactTable::from_contacts(&cs, &[], None).unwrap();
    let at = |y, m, d| Utc.with_ymd_and_hms(y, m, d, 12, 0, 0).unwrap();
    let age27 = cond(json!({"type": "age", "min": 27}));
    assert_eq!(
        t.evaluate(&age27, at(2027, 2, 28), Tz::UTC)
            .unwrap()
            .count(),
        0
    );
    assert_eq!(
        t.evaluate(&age27, at(2027, 3, 1), Tz::UTC).unwrap().count(),
        1
    );
    let ann = cond(
        json!({"type": "date", "field": "birth_date", "when": {"op": "anniversary_within", "days": 0}}),
    );
    assert_eq!(
        t.evaluate(&ann, at(2027, 2, 28), Tz::UTC).unwrap().count(),
        1
    );
    assert_eq!(
        t.evaluate(&ann, at(2028, 2, 28), Tz::UTC).unwrap().count(),
        0
    );
    assert_eq!(
        t.evaluate(&ann, at(2028, 2, 29), Tz::UTC).unwrap().count(),
        1
    );
    // A birth date after today makes age false.
    let unborn = contacts(&[json!({"id": "u", "fields": {"birth_date": "2030-01-01"}})]);
    let t = ContactTable::from_contacts(&unborn, &[], None).unwrap();
    let any_age = cond(json!({"type": "age"}));
    assert_eq!(
        t.evaluate(&any_age, at(2027, 1, 1), Tz::UTC)
            .unwrap()
            .count(),
        0
    );
}

#[test]
fn events_counts_windows_and_filters() {
    let t = people();
    let ev = |extra: J| {
        let mut j = json!({"type": "event", "name": "order.placed"});
        for (k, v) in extra.as_object().unwrap() {
            j[k] = v.clone();
        }
        hits(&t, j)
    };
    // The future order (2026-12-01) never counts.
    assert_eq!(ev(json!({})), ["anna", "bruno"]);
    assert_eq!(
        ev(json!({"within": {"amount": 90, "unit": "days"}})),
        ["anna"]
    );
    assert_eq!(ev(json!({"count": {"op": "at_least", "n": 2}})), ["anna"]);
    assert_eq!(ev(json!({"count": {"op": "exactly", "n": 1}})), ["bruno"]);
    // "Did not": at_most 0.
    assert_eq!(
        ev(json!({"count": {"op": "at_most", "n": 0}})),
        ["carla", "dario"]
    );
    let filter =
        json!({"type": "field", "field": "currency", "op": "eq", "value": "EUR", "fold": true});
    assert_eq!(
        ev(json!({"filter": filter, "count": {"op": "at_least", "n": 2}})),
        ["anna"]
    );
    let filter = json!({"type": "field", "field": "amount", "op": "gt", "value": 100});
    assert_eq!(ev(json!({"filter": filter})), ["anna"]);
    // Nobody did it: "did not" holds for everyone.
    let never = json!({"type": "event", "name": "refund", "count": {"op": "at_most", "n": 0}});
    assert_eq!(hits(&t, never).len(), 4);
}

#[test]
fn event_times_and_aggregates() {
    let t = people();
    let last = json!({"type": "event_time", "name": "order.placed", "which": "last",
                      "when": {"op": "within_last", "amount": 7, "unit": "days"}});
    assert_eq!(hits(&t, last), ["anna"]);
    let first = json!({"type": "event_time", "name": "order.placed", "which": "first",
                       "when": {"op": "within_last", "amount": 7, "unit": "days"}});
    assert!(hits(&t, first).is_empty());
    let agg = |agg: &str, op: &str, value: f64| {
        hits(
            &t,
            json!({"type": "aggregate", "name": "order.placed", "agg": agg,
                        "property": "amount", "op": op, "value": value}),
        )
    };
    // bruno's amount is text: skipped, so his sum is 0 and his avg makes the test false.
    assert_eq!(agg("sum", "eq", 150.5), ["anna"]);
    assert_eq!(agg("sum", "eq", 0.0), ["bruno", "carla", "dario"]);
    assert_eq!(agg("count", "eq", 1.0), ["bruno"]);
    assert_eq!(agg("avg", "gt", 0.0), ["anna"]);
    assert_eq!(agg("avg", "ne", 1.0), ["anna"]);
    assert_eq!(agg("min", "eq", 30.5), ["anna"]);
    assert_eq!(agg("max", "eq", 120.0), ["anna"]);
    let windowed = json!({"type": "aggregate", "name": "order.placed", "agg": "sum",
        "property": "amount", "within": {"amount": 30, "unit": "days"}, "op": "eq", "value": 120});
    assert_eq!(hits(&t, windowed), ["anna"]);
}

#[test]
fn compile_errors_have_codes_and_paths() {
    let schema = FieldSchema::from_json(
        r#"{"fields": [{"key": "age", "type": "number"}, {"key": "city", "type": "text"},
                       {"key": "vip", "type": "boolean"}, {"key": "tags2", "type": "text_list"},
                       {"key": "born", "type": "date"}]}"#,
    )
    .unwrap();
    let t =
        ContactTable::from_contacts(&contacts(&[json!({"id": "a"})]), &[], Some(&schema)).unwrap();
    let cases = [
        (
            field("agee", "eq", json!(1)),
            "condition.field.unknown",
            "/field",
        ),
        (
            field("age", "eq", json!("x")),
            "condition.type_mismatch",
            "/value",
        ),
        (
            field("age", "contains", json!("x")),
            "condition.type_mismatch",
            "/op",
        ),
        (
            field("vip", "gt", json!(true)),
            "condition.type_mismatch",
            "/op",
        ),
        (
            field("tags2", "eq", json!("x")),
            "condition.type_mismatch",
            "/op",
        ),
        (
            json!({"type": "field", "field": "age", "op": "eq"}),
            "condition.value.missing",
            "",
        ),
        (
            json!({"type": "field", "field": "age", "op": "is_set", "value": 1}),
            "condition.value.invalid",
            "/value",
        ),
        (
            field("city", "in", json!("Roma")),
            "condition.value.invalid",
            "/value",
        ),
        (
            field("city", "in", json!(["Roma", null])),
            "condition.value.invalid",
            "/value/1",
        ),
        (
            field("city", "between", json!(["a"])),
            "condition.value.invalid",
            "/value",
        ),
        (
            field("city", "eq", json!(["a"])),
            "condition.value.invalid",
            "/value",
        ),
        (
            field("city", "matches", json!("(")),
            "condition.regex.invalid",
            "/value",
        ),
        (
            json!({"type": "date", "field": "born", "when": {"op": "before", "date": "2026-13-01"}}),
            "condition.date.invalid",
            "/when/date",
        ),
        (
            json!({"type": "date", "field": "age", "when": {"op": "before", "date": "2026-01-01"}}),
            "condition.type_mismatch",
            "/field",
        ),
        (
            json!({"type": "date", "field": "born", "when": {"op": "within_last", "amount": 0, "unit": "days"}}),
            "condition.value.invalid",
            "/when/amount",
        ),
        (
            json!({"type": "age", "field": "born", "min": 30, "max": 20}),
            "condition.value.invalid",
            "/max",
        ),
        (
            json!({"type": "aggregate", "name": "o", "agg": "sum", "op": "gt", "value": 1}),
            "condition.value.missing",
            "",
        ),
        (
            json!({"type": "aggregate", "name": "o", "agg": "count", "op": "in", "value": 1}),
            "condition.value.invalid",
            "/op",
        ),
        (
            json!({"type": "event", "name": "o", "within": {"amount": -1, "unit": "days"}}),
            "condition.value.invalid",
            "/within/amount",
        ),
        (
            json!({"type": "event", "name": "o", "filter": {"type": "not", "condition": {"type": "in_list", "list": "x"}}}),
            "condition.type_mismatch",
            "/filter/condition/type",
        ),
        (
            json!({"type": "and", "conditions": [{"type": "in_list", "list": "x"}, field("age", "gt", json!("1"))]}),
            "condition.type_mismatch",
            "/conditions/1/value",
        ),
    ];
    for (c, code, path) in cases {
        let got = error(&t, c.clone());
        assert_eq!((got.0.as_str(), got.1.as_str()), (code, path), "{c}");
    }
    let mut deep = json!({"type": "in_list", "list": "x"});
    for _ in 0..64 {
        deep = json!({"type": "not", "condition": deep});
    }
    let (code, path) = error(&t, deep);
    assert_eq!(code, "condition.too_deep");
    assert_eq!(path, "/condition".repeat(64));
    // `check` reports the same errors without evaluating.
    assert!(t.check(&cond(field("age", "gt", json!(3)))).is_ok());
}

#[test]
fn builder_columns_match_contacts() {
    let at = |d: u32| Utc.with_ymd_and_hms(2026, 11, d, 9, 0, 0).unwrap();
    let t = ContactTable::builder(vec!["a", "b", "c"])
        .number_column("age", vec![Some(30.0), None, Some(44.0)])
        .text_column("city", vec![Some("Milano"), Some("Roma"), None])
        .date_days_column("born", vec![Some(0), Some(-365), None])
        .datetime_column("seen", vec![Some(at(1)), None, Some(at(20))])
        .bool_column("vip", vec![Some(true), Some(false), None])
        .text_list_column("likes", vec![vec!["a"], vec![], vec!["b", "a"]])
        .tags(vec![vec!["vip"], vec![], vec!["vip", "x"]])
        .lists(vec![vec![], vec!["blacklist"], vec![]])
        .consent(
            sequenza::model::Channel::Sms,
            vec![Some(sequenza::model::ConsentStatus::OptedIn), None, None],
        )
        .time_zones(vec![Some("Europe/Rome"), None, Some("Nowhere/Land")])
        .events("order.placed", vec![2, 0, 2], vec![at(24), at(2), at(10)])
        .event_number_property("order.placed", "amount", vec![Some(5.0), Some(7.0), None])
        .event_text_property(
            "order.placed",
            "currency",
            vec![Some("EUR"), None, Some("USD")],
        )
        .build()
        .unwrap();
    let ids = |c: J| hits(&t, c);
    assert_eq!(ids(field("age", "between", json!([25, 44]))), ["a", "c"]);
    assert_eq!(ids(field("born", "eq", json!("1970-01-01"))), ["a"]);
    assert_eq!(
        ids(
            json!({"type": "date", "field": "born", "when": {"op": "before", "date": "1970-01-01"}})
        ),
        ["b"]
    );
    assert_eq!(
        ids(field("seen", "eq", json!("2026-11-01T09:00:00Z"))),
        ["a"]
    );
    assert_eq!(
        ids(
            json!({"type": "date", "field": "seen", "when": {"op": "within_last", "amount": 7, "unit": "days"}})
        ),
        ["c"]
    );
    assert_eq!(ids(field("vip", "eq", json!(false))), ["b"]);
    assert_eq!(ids(field("likes", "contains", json!("a"))), ["a", "c"]);
    assert_eq!(
        ids(json!({"type": "consent", "channel": "sms", "status": "opted_in"})),
        ["a"]
    );
    assert_eq!(ids(field("time_zone", "eq", json!("Nowhere/Land"))), ["c"]);
    let sum = json!({"type": "aggregate", "name": "order.placed", "agg": "sum", "property": "amount",
                     "op": "eq", "value": 5});
    assert_eq!(ids(sum), ["c"]);
    let usd = json!({"type": "event", "name": "order.placed",
                     "filter": field("currency", "eq", json!("USD"))});
    assert_eq!(ids(usd), ["c"]);
    // A builder declares its fields: unknown ones are errors.
    assert_eq!(
        error(&t, field("shoe", "eq", json!(1))).0,
        "condition.field.unknown"
    );

    let bad = ContactTable::builder(vec!["a", "b"])
        .number_column("age", vec![Some(1.0)])
        .build();
    let e = bad.unwrap_err();
    assert_eq!(
        (e.code(), e.path()),
        ("format.invalid", Some("/columns/age"))
    );
    let dup = ContactTable::builder(vec!["a", "a"]).build().unwrap_err();
    assert_eq!(dup.path(), Some("/ids/1"));
    let row = ContactTable::builder(vec!["a"])
        .events("x", vec![0, 3], vec![at(1), at(2)])
        .build()
        .unwrap_err();
    assert_eq!(row.path(), Some("/events/x/contacts/1"));
}

#[test]
fn dst_gap_midnight_and_many_zones() {
    // Santiago skipped 2022-09-11 00:00 → 01:00: that day starts at 04:00Z.
    let cs = contacts(&[
        json!({"id": "s", "fields": {"d": "2022-09-11"}, "time_zone": "America/Santiago"}),
        json!({"id": "r", "fields": {"d": "2022-09-11"}, "time_zone": "Europe/Rome"}),
        json!({"id": "u", "fields": {"d": "2022-09-11"}}),
    ]);
    let t = ContactTable::from_contacts(&cs, &[], None).unwrap();
    let c = |date: &str| {
        cond(json!({"type": "date", "field": "d", "when": {"op": "after", "date": date}}))
    };
    let run = |c: Condition| {
        let b = t.evaluate(&c, now(), Tz::UTC).unwrap();
        b.ids(&t).map(|i| i.to_string()).collect::<Vec<_>>()
    };
    assert_eq!(run(c("2022-09-11T04:00:00Z")), ["s"]);
    assert_eq!(run(c("2022-09-11T00:00:00Z")), ["s", "u"]);
    assert_eq!(run(c("2022-09-10T22:00:00Z")), ["s", "r", "u"]);

    // Apia skipped 2011-12-30 entirely: that day "starts" when 31 December does.
    let cs = contacts(&[
        json!({"id": "a30", "fields": {"d": "2011-12-30"}, "time_zone": "Pacific/Apia"}),
        json!({"id": "a31", "fields": {"d": "2011-12-31"}, "time_zone": "Pacific/Apia"}),
        json!({"id": "a29", "fields": {"d": "2011-12-29"}, "time_zone": "Pacific/Apia"}),
    ]);
    let t = ContactTable::from_contacts(&cs, &[], None).unwrap();
    let run = |c: Condition| {
        let b = t.evaluate(&c, now(), Tz::UTC).unwrap();
        b.ids(&t).map(|i| i.to_string()).collect::<Vec<_>>()
    };
    assert_eq!(run(c("2011-12-30T10:00:00Z")), ["a30", "a31"]);
    let before = cond(
        json!({"type": "date", "field": "d", "when": {"op": "before", "date": "2011-12-30T10:00:00.000000001Z"}}),
    );
    assert_eq!(run(before), ["a30", "a31", "a29"]);
}

// ---- differential property test ----------------------------------------------------------

const ZONES: &[Option<&str>] = &[
    None,
    Some("Europe/Rome"),
    Some("America/New_York"),
    Some("Asia/Kolkata"),
    Some("Australia/Lord_Howe"),
    Some("America/Santiago"),
    Some("Pacific/Apia"),
    Some("Mars/Base"),
];
const NOWS: &[&str] = &[
    "2026-11-25T12:00:00Z",
    "2026-03-29T00:30:00Z",
    "2026-10-25T01:30:00Z",
    "2024-02-29T23:59:59Z",
    "2022-09-11T03:30:00.5Z",
    "2027-02-28T10:00:00Z",
];
const DEFAULT_ZONES: &[Tz] = &[
    Tz::UTC,
    chrono_tz::Europe::Rome,
    chrono_tz::America::Los_Angeles,
];
const CITIES: &[&str] = &[
    "Milano",
    "milano",
    "MILANO ",
    "Roma",
    "Rôma",
    "Torino",
    "",
    "Città  di Castello",
];
const TAGS: &[&str] = &["vip", "newsletter", "lead", "Vip"];
const NAMES: &[&str] = &["order.placed", "email.opened", "signup"];

fn date_text() -> impl Strategy<Value = String> {
    prop_oneof![
        (1950i32..2030, 1u32..=12, 1u32..=31).prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
        (
            2020i32..2029,
            1u32..=12,
            1u32..=28,
            0u32..24,
            0u32..60,
            prop::sample::select(vec!["Z", "+05:30", "-03:00", ".25Z"])
        )
            .prop_map(|(y, m, d, h, mi, z)| format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:00{z}")),
        (2022i32..2028).prop_map(|y| format!("{y}-02-29")),
        (2026u32..2027, 1u32..=12, 1u32..=28).prop_map(|(y, m, d)| format!("{y}-{m:02}-{d:02}")),
        Just("2026-13-01".to_owned()),
        Just("soon".to_owned()),
    ]
}

fn scalar() -> impl Strategy<Value = J> {
    prop_oneof![
        (0i32..100).prop_map(|n| json!(n)),
        Just(json!(30.5)),
        prop::sample::select(CITIES).prop_map(|s| json!(s)),
        any::<bool>().prop_map(|b| json!(b)),
        Just(json!("31")),
    ]
}

fn field_value() -> impl Strategy<Value = J> {
    prop_oneof![
        3 => scalar(),
        2 => date_text().prop_map(|s| json!(s)),
        2 => prop::collection::vec(prop::sample::select(CITIES), 0..3).prop_map(|v| json!(v)),
        1 => Just(json!(["a", 3])),
        1 => Just(J::Null),
    ]
}

const KEYS: &[&str] = &[
    "age",
    "city",
    "birth_date",
    "interests",
    "email",
    "created_at",
    "ghost",
];

fn contact_json(i: usize) -> impl Strategy<Value = J> {
    (
        prop::collection::btree_map(prop::sample::select(&KEYS[..4]), field_value(), 0..4),
        prop::sample::subsequence(TAGS, 0..3),
        prop::sample::subsequence(&["news", "blacklist"][..], 0..2),
        prop::sample::select(ZONES),
        prop::option::of(prop::sample::select(
            &["opted_in", "opted_out", "unknown"][..],
        )),
        prop::option::of(prop::sample::select(CITIES)),
        prop::option::of(0i64..200_000_000),
    )
        .prop_map(
            move |(fields, tags, lists, zone, consent, email, created)| {
                let mut c =
                    json!({"id": format!("c{i}"), "fields": fields, "tags": tags, "lists": lists});
                if let Some(z) = zone {
                    c["time_zone"] = json!(z);
                }
                if let Some(s) = consent {
                    c["consent"] = json!({"email": {"status": s}});
                }
                if let Some(e) = email {
                    c["email"] = json!(e);
                }
                if let Some(s) = created {
                    let t = DateTime::from_timestamp(1_600_000_000 + s, 0).unwrap();
                    c["created_at"] = json!(t);
                }
                c
            },
        )
}

fn event_json(n: usize, now: DateTime<Utc>) -> impl Strategy<Value = J> {
    (
        0..n + 1,
        prop::sample::select(NAMES),
        -40_000_000i64..2_000_000,
        prop::option::of(0u32..1_000_000_000),
        prop::option::of(prop_oneof![
            (0i32..300).prop_map(|n| json!(n)),
            Just(json!(50.5)),
            Just(json!("12")),
            Just(json!({})),
            Just(json!({"x": 1})),
            Just(json!([1, "EUR"])),
        ]),
        prop::option::of(prop::sample::select(&["EUR", "eur", "USD"][..])),
    )
        .prop_map(move |(who, name, offset, nanos, amount, currency)| {
            let t = DateTime::from_timestamp(now.timestamp() + offset, nanos.unwrap_or(0)).unwrap();
            let mut props = serde_json::Map::new();
            if let Some(a) = amount {
                props.insert("amount".into(), a);
            }
            if let Some(c) = currency {
                props.insert("currency".into(), json!(c));
            }
            json!({"contact": format!("c{who}"), "name": name, "at": t, "properties": props})
        })
}

fn date_test() -> impl Strategy<Value = J> {
    let unit = prop::sample::select(&["minutes", "hours", "days", "weeks", "months"][..]);
    let operand = prop_oneof![
        (1950i32..2030, 1u32..=12, 1u32..=28).prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
        (
            2024i32..2028,
            1u32..=12,
            1u32..=28,
            0u32..24,
            prop::sample::select(vec!["Z", "+05:30", ".5-03:00"])
        )
            .prop_map(|(y, m, d, h, z)| format!("{y:04}-{m:02}-{d:02}T{h:02}:00:00{z}")),
        Just("2024-02-29".to_owned()),
        Just("2026-11-25".to_owned()),
    ];
    prop_oneof![
        operand
            .clone()
            .prop_map(|d| json!({"op": "before", "date": d})),
        operand
            .clone()
            .prop_map(|d| json!({"op": "after", "date": d})),
        (operand.clone(), operand).prop_map(|(a, b)| json!({"op": "between", "from": a, "to": b})),
        (1i64..800, unit.clone())
            .prop_map(|(a, u)| json!({"op": "within_last", "amount": a, "unit": u})),
        (1i64..800, unit.clone())
            .prop_map(|(a, u)| json!({"op": "more_than_ago", "amount": a, "unit": u})),
        (1i64..800, unit).prop_map(|(a, u)| json!({"op": "in_next", "amount": a, "unit": u})),
        (0u32..400).prop_map(|d| json!({"op": "anniversary_within", "days": d})),
    ]
}

/// An optional `between` range of an event condition (dates, instants, sometimes reversed).
fn date_range() -> impl Strategy<Value = Option<J>> {
    let operand = prop_oneof![
        (2024i32..2028, 1u32..=12, 1u32..=28).prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
        (
            2024i32..2028,
            1u32..=12,
            1u32..=28,
            0u32..24,
            prop::sample::select(vec!["Z", "+05:30"])
        )
            .prop_map(|(y, m, d, h, z)| format!("{y:04}-{m:02}-{d:02}T{h:02}:00:00{z}")),
        Just("2026-11-25".to_owned()),
    ];
    prop::option::of((operand.clone(), operand).prop_map(|(a, b)| json!({"from": a, "to": b})))
}

fn filter() -> impl Strategy<Value = Option<J>> {
    prop::option::of(prop_oneof![
        (0i32..300)
            .prop_map(|n| json!({"type": "field", "field": "amount", "op": "gt", "value": n})),
        any::<bool>().prop_map(
            |f| json!({"type": "field", "field": "currency", "op": "eq", "value": "EUR", "fold": f})
        ),
        Just(json!({"type": "field", "field": "amount", "op": "is_set"})),
        Just(
            json!({"type": "not", "condition": {"type": "field", "field": "amount", "op": "in", "value": [1, "EUR", 50.5]}})
        ),
    ])
}

fn window() -> impl Strategy<Value = Option<J>> {
    prop::option::of(
        (
            1i64..400,
            prop::sample::select(&["hours", "days", "weeks", "months"][..]),
        )
            .prop_map(|(a, u)| json!({"amount": a, "unit": u})),
    )
}

fn with(mut j: J, key: &str, v: Option<J>) -> J {
    if let Some(v) = v {
        j[key] = v;
    }
    j
}

fn leaf() -> impl Strategy<Value = J> {
    let ops = prop::sample::select(
        &[
            "eq",
            "ne",
            "lt",
            "lte",
            "gt",
            "gte",
            "contains",
            "starts_with",
            "ends_with",
        ][..],
    );
    prop_oneof![
        (prop::sample::select(KEYS), ops, scalar(), any::<bool>()).prop_map(|(f, op, v, fold)| {
            let v = match (op, &v) {
                ("lt" | "lte" | "gt" | "gte", J::Bool(_)) => json!(3),
                ("starts_with" | "ends_with", v) if !v.is_string() => json!("Mi"),
                _ => v,
            };
            json!({"type": "field", "field": f, "op": op, "value": v, "fold": fold})
        }),
        (prop::sample::select(KEYS), prop::collection::vec(scalar(), 0..3), any::<bool>())
            .prop_map(|(f, v, fold)| json!({"type": "field", "field": f, "op": "in", "value": v, "fold": fold})),
        (prop::sample::select(KEYS), prop_oneof![
            (0i32..60, 0i32..60).prop_map(|(a, b)| json!([a, b])),
            (prop::sample::select(CITIES), prop::sample::select(CITIES)).prop_map(|(a, b)| json!([a, b])),
        ], any::<bool>())
            .prop_map(|(f, v, fold)| json!({"type": "field", "field": f, "op": "between", "value": v, "fold": fold})),
        (prop::sample::select(KEYS), prop::sample::select(&["^M", "o$", "\\d", "ì|i", "È"][..]), any::<bool>())
            .prop_map(|(f, v, fold)| json!({"type": "field", "field": f, "op": "matches", "value": v, "fold": fold})),
        (prop::sample::select(KEYS), any::<bool>()).prop_map(|(f, set)| {
            json!({"type": "field", "field": f, "op": if set { "is_set" } else { "is_empty" }})
        }),
        (prop::sample::select(&["has_any", "has_all", "has_none"][..]), prop::sample::subsequence(&["vip", "lead", "Vip", "zzz"][..], 0..3))
            .prop_map(|(op, tags)| json!({"type": "tags", "op": op, "tags": tags})),
        prop::sample::select(&["news", "blacklist", "none"][..]).prop_map(|l| json!({"type": "in_list", "list": l})),
        Just(json!({"type": "in_segment", "segment": "s1"})),
        (prop::sample::select(&["email", "sms"][..]), prop::sample::select(&["opted_in", "opted_out", "unknown"][..]))
            .prop_map(|(c, s)| json!({"type": "consent", "channel": c, "status": s})),
        (prop::sample::select(&["birth_date", "created_at", "city", "interests"][..]), date_test())
            .prop_map(|(f, w)| json!({"type": "date", "field": f, "when": w})),
        (prop::option::of(0u32..70), prop::option::of(0u32..70), any::<bool>()).prop_map(|(a, b, other)| {
            let (min, max) = match (a, b) {
                (Some(a), Some(b)) if a > b => (Some(b), Some(a)),
                x => x,
            };
            let f = if other { "created_at" } else { "birth_date" };
            with(with(json!({"type": "age", "field": f}), "min", min.map(|m| json!(m))), "max", max.map(|m| json!(m)))
        }),
        (prop::sample::select(NAMES), filter(), prop::sample::select(&["at_least", "at_most", "exactly"][..]), 0u32..3, window(), date_range())
            .prop_map(|(n, f, op, c, w, r)| {
                with(with(with(json!({"type": "event", "name": n, "count": {"op": op, "n": c}}), "filter", f), "within", w), "between", r)
            }),
        (prop::sample::select(NAMES), filter(), any::<bool>(), date_test()).prop_map(|(n, f, first, w)| {
            with(json!({"type": "event_time", "name": n, "which": if first { "first" } else { "last" }, "when": w}), "filter", f)
        }),
        (
            prop::sample::select(NAMES),
            prop::sample::select(&["count", "sum", "avg", "min", "max"][..]),
            filter(),
            window(),
            prop::sample::select(&["eq", "ne", "lt", "lte", "gt", "gte"][..]),
            prop::sample::select(&[0.0, 1.0, 50.5, 100.0, 250.0][..]),
        )
            .prop_map(|(n, agg, f, w, op, v)| {
                with(with(json!({"type": "aggregate", "name": n, "agg": agg, "property": "amount", "op": op, "value": v}), "filter", f), "within", w)
            }),
    ]
}

fn condition() -> impl Strategy<Value = J> {
    leaf().prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4)
                .prop_map(|c| json!({"type": "and", "conditions": c})),
            prop::collection::vec(inner.clone(), 0..4)
                .prop_map(|c| json!({"type": "or", "conditions": c})),
            inner.prop_map(|c| json!({"type": "not", "condition": c})),
        ]
    })
}

/// Contacts, events, segment membership, now, default zone, conditions.
type Case = (Vec<J>, Vec<J>, Vec<bool>, DateTime<Utc>, Tz, Vec<J>);

fn case() -> impl Strategy<Value = Case> {
    (
        1usize..24,
        prop::sample::select(NOWS),
        prop::sample::select(DEFAULT_ZONES),
    )
        .prop_flat_map(|(n, now, tz)| {
            let now: DateTime<Utc> = DateTime::parse_from_rfc3339(now)
                .unwrap()
                .with_timezone(&Utc);
            let cs: Vec<_> = (0..n).map(contact_json).collect();
            (
                cs,
                prop::collection::vec(event_json(n, now), 0..60),
                prop::collection::vec(any::<bool>(), n),
                Just(now),
                Just(tz),
                prop::collection::vec(condition(), 1..6),
            )
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn bulk_agrees_with_the_reference((cs, evs, seg, now, tz, conds) in case()) {
        let contacts = contacts(&cs);
        let events = events(&evs);
        let table = ContactTable::from_contacts(&contacts, &events, None).unwrap();
        let mut segments = HashMap::new();
        segments.insert(SegmentId::new("s1"), Bitmap::from_rows(contacts.len(), seg.iter().enumerate().filter(|(_, b)| **b).map(|(i, _)| i)));
        let eval = Evaluation::new(now).with_time_zone(tz).with_segments(&segments);
        for cj in conds {
            let c = cond(cj.clone());
            let got = table.evaluate_with(&c, &eval).unwrap();
            for (row, contact) in contacts.iter().enumerate() {
                let mine: Vec<&Event> = events.iter().filter(|e| e.contact == contact.id).collect();
                let ctx = reference::Ctx { now, default: tz, in_segment: seg[row] };
                let want = reference::eval(&c, contact, &mine, &ctx);
                prop_assert_eq!(got.contains(row), want, "contact {} condition {}", contact.id, cj);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Bulk and single-contact evaluation (`CompiledCondition::matches`) implement one semantics:
    /// they agree on every contact of every generated case, and on compile errors.
    #[test]
    fn bulk_agrees_with_single_contact_evaluation((cs, evs, seg, now, tz, conds) in case()) {
        use sequenza::condition::eval::{CompiledCondition, EvalContext};
        use std::collections::BTreeSet;
        let contacts = contacts(&cs);
        let events = events(&evs);
        let table = ContactTable::from_contacts(&contacts, &events, None).unwrap();
        let mut segments = HashMap::new();
        segments.insert(SegmentId::new("s1"), Bitmap::from_rows(contacts.len(), seg.iter().enumerate().filter(|(_, b)| **b).map(|(i, _)| i)));
        let eval = Evaluation::new(now).with_time_zone(tz).with_segments(&segments);
        let in_s1: BTreeSet<SegmentId> = [SegmentId::new("s1")].into_iter().collect();
        let none: BTreeSet<SegmentId> = BTreeSet::new();
        for cj in conds {
            let c = cond(cj.clone());
            let bulk = table.evaluate_with(&c, &eval);
            let single = CompiledCondition::compile(&c, None);
            match (bulk, single) {
                (Ok(got), Ok(compiled)) => {
                    for (row, contact) in contacts.iter().enumerate() {
                        let mine: Vec<Event> = events.iter().filter(|e| e.contact == contact.id).cloned().collect();
                        let member = if seg[row] { &in_s1 } else { &none };
                        let ctx = EvalContext::new(now).with_default_time_zone(tz).with_segments(member);
                        let want = compiled.matches(contact, &mine, &ctx);
                        prop_assert_eq!(got.contains(row), want, "contact {} condition {}", contact.id, cj);
                    }
                }
                (Err(a), Err(b)) => {
                    prop_assert_eq!(a.code(), b.code(), "condition {}", cj);
                    prop_assert_eq!(a.path(), b.path(), "condition {}", cj);
                }
                (a, b) => prop_assert!(false, "bulk {:?} vs single {:?} for {}", a.map(|_| ()), b.map(|_| ()), cj),
            }
        }
    }
}

/// A straightforward per-contact evaluator written from the documented semantics: it computes
/// instants and ages directly for each contact (no per-zone thresholds, no columns).
mod reference {
    use chrono::{
        DateTime, Datelike, LocalResult, Months, NaiveDate, NaiveTime, Offset, TimeDelta, TimeZone,
        Utc,
    };
    use chrono_tz::Tz;
    use sequenza::condition::{
        Aggregation, Condition, CountOp, DateTest, FieldOp, Occurrence, TagOp,
    };
    use sequenza::model::Value;
    use sequenza::text::fold;
    use sequenza::time::{Duration, TimeUnit};
    use sequenza::{Contact, Event};

    pub struct Ctx {
        pub now: DateTime<Utc>,
        pub default: Tz,
        pub in_segment: bool,
    }

    /// A value as the semantics see it (event properties may be JSON objects).
    #[derive(Debug, Clone)]
    enum V {
        Missing,
        Val(Value),
        Object(bool),
    }

    fn get(c: &Contact, key: &str) -> V {
        let text = |s: Option<&str>| s.map_or(V::Missing, |s| V::Val(Value::Text(s.to_owned())));
        let instant = |t: Option<DateTime<Utc>>| {
            text(
                t.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
                    .as_deref(),
            )
        };
        match key {
            "id" => text(Some(c.id.as_str())),
            "email" => text(c.email.as_deref()),
            "phone" => text(c.phone.as_deref()),
            "time_zone" => text(c.time_zone.as_deref()),
            "locale" => text(c.locale.as_deref()),
            "created_at" => instant(c.created_at),
            "updated_at" => instant(c.updated_at),
            k => match c.fields.get(k) {
                None | Some(Value::Null) => V::Missing,
                Some(v) => V::Val(v.clone()),
            },
        }
    }

    fn json(v: Option<&serde_json::Value>) -> V {
        fn conv(v: &serde_json::Value) -> Value {
            use serde_json::Value as J;
            match v {
                J::Null | J::Object(_) => Value::Null,
                J::Bool(b) => Value::Bool(*b),
                J::Number(n) => Value::Number(n.as_f64().unwrap()),
                J::String(s) => Value::Text(s.clone()),
                J::Array(a) => Value::List(a.iter().map(conv).collect()),
            }
        }
        match v {
            None | Some(serde_json::Value::Null) => V::Missing,
            Some(serde_json::Value::Object(o)) => V::Object(o.is_empty()),
            Some(other) => V::Val(conv(other)),
        }
    }

    fn zone(c: &Contact, ctx: &Ctx) -> Tz {
        c.time_zone
            .as_deref()
            .and_then(|z| z.parse().ok())
            .unwrap_or(ctx.default)
    }

    pub fn eval(c: &Condition, contact: &Contact, events: &[&Event], ctx: &Ctx) -> bool {
        let tz = zone(contact, ctx);
        match c {
            Condition::And { conditions } => {
                conditions.iter().all(|c| eval(c, contact, events, ctx))
            }
            Condition::Or { conditions } => {
                conditions.iter().any(|c| eval(c, contact, events, ctx))
            }
            Condition::Not { condition } => !eval(condition, contact, events, ctx),
            Condition::Field {
                field,
                op,
                value,
                fold,
            } => test(&get(contact, field), *op, value.as_ref(), *fold),
            Condition::Tags { op, tags } => {
                let any = tags.iter().any(|t| contact.tags.contains(t));
                match op {
                    TagOp::HasAny => any,
                    TagOp::HasAll => tags.iter().all(|t| contact.tags.contains(t)),
                    _ => !any,
                }
            }
            Condition::InList { list } => contact.lists.contains(list),
            Condition::InSegment { .. } => ctx.in_segment,
            Condition::Consent { channel, status } => contact.consent_status(*channel) == *status,
            Condition::Date { field, when } => match get(contact, field) {
                V::Val(Value::Text(s)) => match parse(&s) {
                    Some(m) => date_test(m, when, tz, ctx.now),
                    None => false,
                },
                _ => false,
            },
            Condition::Age { field, min, max } => {
                let V::Val(Value::Text(s)) = get(contact, field) else {
                    return false;
                };
                let Some(m) = parse(&s) else { return false };
                let birth = local_day(m, tz);
                let today = ctx.now.with_timezone(&tz).date_naive();
                if birth > today {
                    return false;
                }
                let mut age = i64::from(today.year() - birth.year());
                if (today.month(), today.day()) < (birth.month(), birth.day()) {
                    age -= 1;
                }
                min.is_none_or(|m| age >= i64::from(m)) && max.is_none_or(|m| age <= i64::from(m))
            }
            Condition::Event {
                name,
                filter,
                count,
                within,
                between,
                ..
            } => {
                let n = qualifying(events, name, filter.as_deref(), *within, tz, ctx)
                    .into_iter()
                    .filter(|e| {
                        between.as_ref().is_none_or(|r| {
                            let when = DateTest::Between {
                                from: r.from.clone(),
                                to: r.to.clone(),
                            };
                            date_test(Moment::At(e.at), &when, tz, ctx.now)
                        })
                    })
                    .count() as u32;
                match count.op {
                    CountOp::AtLeast => n >= count.n,
                    CountOp::AtMost => n <= count.n,
                    _ => n == count.n,
                }
            }
            Condition::EventTime {
                name,
                filter,
                which,
                when,
            } => {
                let q = qualifying(events, name, filter.as_deref(), None, tz, ctx);
                let pick = match which {
                    Occurrence::First => q.iter().map(|e| e.at).min(),
                    _ => q.iter().map(|e| e.at).max(),
                };
                pick.is_some_and(|t| date_test(Moment::At(t), when, tz, ctx.now))
            }
            Condition::Aggregate {
                name,
                agg,
                property,
                filter,
                within,
                op,
                value,
            } => {
                let q = qualifying(events, name, filter.as_deref(), *within, tz, ctx);
                let nums: Vec<f64> = match agg {
                    Aggregation::Count => q.iter().map(|_| 0.0).collect(),
                    _ => q
                        .iter()
                        .filter_map(|e| e.properties.get(property.as_deref().unwrap()))
                        .filter_map(serde_json::Value::as_f64)
                        .collect(),
                };
                let x = match agg {
                    Aggregation::Count => Some(nums.len() as f64),
                    Aggregation::Sum => Some(nums.iter().sum()),
                    Aggregation::Avg => {
                        (!nums.is_empty()).then(|| nums.iter().sum::<f64>() / nums.len() as f64)
                    }
                    Aggregation::Min => nums.iter().copied().reduce(f64::min),
                    _ => nums.iter().copied().reduce(f64::max),
                };
                x.is_some_and(|x| match op {
                    FieldOp::Eq => x == *value,
                    FieldOp::Ne => x != *value,
                    FieldOp::Lt => x < *value,
                    FieldOp::Lte => x <= *value,
                    FieldOp::Gt => x > *value,
                    _ => x >= *value,
                })
            }
            other => panic!("unexpected condition {other}"),
        }
    }

    fn qualifying<'a>(
        events: &[&'a Event],
        name: &str,
        filter: Option<&Condition>,
        within: Option<Duration>,
        tz: Tz,
        ctx: &Ctx,
    ) -> Vec<&'a Event> {
        let from = within.map(|d| shift(ctx.now, d, tz, false));
        events
            .iter()
            .copied()
            .filter(|e| e.name == name && e.at <= ctx.now)
            .filter(|e| from.is_none_or(|f| e.at >= f))
            .filter(|e| filter.is_none_or(|f| prop_filter(f, e)))
            .collect()
    }

    fn prop_filter(f: &Condition, e: &Event) -> bool {
        match f {
            Condition::And { conditions } => conditions.iter().all(|c| prop_filter(c, e)),
            Condition::Or { conditions } => conditions.iter().any(|c| prop_filter(c, e)),
            Condition::Not { condition } => !prop_filter(condition, e),
            Condition::Field {
                field,
                op,
                value,
                fold,
            } => test(&json(e.properties.get(field)), *op, value.as_ref(), *fold),
            other => panic!("unexpected filter {other}"),
        }
    }

    fn f(s: &str, on: bool) -> String {
        if on {
            fold(s)
        } else {
            s.to_owned()
        }
    }

    fn eq(v: &Value, op: &Value, on: bool) -> bool {
        match (v, op) {
            (Value::Number(a), Value::Number(b)) => a == b,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Text(a), Value::Text(b)) => f(a, on) == f(b, on),
            _ => false,
        }
    }

    fn ord(v: &Value, op: &Value, on: bool) -> Option<std::cmp::Ordering> {
        match (v, op) {
            (Value::Number(a), Value::Number(b)) => a.partial_cmp(b),
            (Value::Text(a), Value::Text(b)) => Some(f(a, on).as_bytes().cmp(f(b, on).as_bytes())),
            _ => None,
        }
    }

    fn test(v: &V, op: FieldOp, operand: Option<&Value>, on: bool) -> bool {
        use std::cmp::Ordering::*;
        let empty = match v {
            V::Missing => true,
            V::Object(e) => *e,
            V::Val(v) => v.is_empty(),
        };
        match op {
            FieldOp::IsEmpty => return empty,
            FieldOp::IsSet => return !empty,
            FieldOp::Ne => return !test(v, FieldOp::Eq, operand, on),
            _ => {}
        }
        let (V::Val(v), Some(o)) = (v, operand) else {
            return false;
        };
        if let Value::List(items) = v {
            return match (op, o) {
                (FieldOp::Contains, o) => items.iter().any(|i| eq(i, o, on)),
                (FieldOp::In, Value::List(os)) => {
                    items.iter().any(|i| os.iter().any(|o| eq(i, o, on)))
                }
                _ => false,
            };
        }
        let text = |g: &dyn Fn(&str, &str) -> bool| match (v, o) {
            (Value::Text(a), Value::Text(b)) => g(&f(a, on), &f(b, on)),
            _ => false,
        };
        match op {
            FieldOp::Eq => eq(v, o, on),
            FieldOp::Lt => ord(v, o, on) == Some(Less),
            FieldOp::Lte => matches!(ord(v, o, on), Some(Less | Equal)),
            FieldOp::Gt => ord(v, o, on) == Some(Greater),
            FieldOp::Gte => matches!(ord(v, o, on), Some(Greater | Equal)),
            FieldOp::In => matches!(o, Value::List(os) if os.iter().any(|o| eq(v, o, on))),
            FieldOp::Between => match o {
                Value::List(ends) => {
                    matches!(ord(v, &ends[0], on), Some(Greater | Equal))
                        && matches!(ord(v, &ends[1], on), Some(Less | Equal))
                }
                _ => false,
            },
            FieldOp::Contains => text(&|a, b| a.contains(b)),
            FieldOp::StartsWith => text(&|a, b| a.starts_with(b)),
            FieldOp::EndsWith => text(&|a, b| a.ends_with(b)),
            FieldOp::Matches => match (v, o) {
                (Value::Text(a), Value::Text(p)) => {
                    let p: String = if on {
                        use unicode_normalization::char::is_combining_mark;
                        use unicode_normalization::UnicodeNormalization;
                        p.nfd().filter(|c| !is_combining_mark(*c)).collect()
                    } else {
                        p.clone()
                    };
                    let re = regex::RegexBuilder::new(&p)
                        .case_insensitive(on)
                        .build()
                        .unwrap();
                    re.is_match(&f(a, on))
                }
                _ => false,
            },
            _ => false,
        }
    }

    #[derive(Debug, Clone, Copy)]
    enum Moment {
        Day(NaiveDate),
        At(DateTime<Utc>),
    }

    fn parse(s: &str) -> Option<Moment> {
        let b = s.as_bytes();
        if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
            if !s
                .chars()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
            {
                return None;
            }
            return NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .ok()
                .map(Moment::Day);
        }
        DateTime::parse_from_rfc3339(s)
            .ok()
            .map(|t| Moment::At(t.with_timezone(&Utc)))
    }

    /// The instant of a local wall-clock time: earlier of two; moved forward by a gap.
    fn wall(tz: Tz, n: chrono::NaiveDateTime) -> DateTime<Utc> {
        match tz.from_local_datetime(&n) {
            LocalResult::Single(t) => t.with_timezone(&Utc),
            LocalResult::Ambiguous(a, b) => a.min(b).with_timezone(&Utc),
            LocalResult::None => {
                let before = tz.offset_from_utc_datetime(&(n - TimeDelta::days(1))).fix();
                (n - TimeDelta::seconds(i64::from(before.local_minus_utc()))).and_utc()
            }
        }
    }

    /// The first instant of a day: the gap's end when midnight does not exist.
    fn midnight(tz: Tz, d: NaiveDate) -> DateTime<Utc> {
        let n = d.and_time(NaiveTime::MIN);
        match tz.from_local_datetime(&n) {
            LocalResult::None => chrono_tz::GapInfo::new(&n, &tz)
                .and_then(|g| g.end)
                .map(|t| t.with_timezone(&Utc))
                .unwrap_or_else(|| wall(tz, n)),
            _ => wall(tz, n),
        }
    }

    fn instant(m: Moment, tz: Tz) -> DateTime<Utc> {
        match m {
            Moment::Day(d) => midnight(tz, d),
            Moment::At(t) => t,
        }
    }

    fn local_day(m: Moment, tz: Tz) -> NaiveDate {
        match m {
            Moment::Day(d) => d,
            Moment::At(t) => t.with_timezone(&tz).date_naive(),
        }
    }

    fn shift(now: DateTime<Utc>, d: Duration, tz: Tz, forward: bool) -> DateTime<Utc> {
        let sign = if forward { 1 } else { -1 };
        let local = now.with_timezone(&tz).naive_local();
        match d.unit {
            TimeUnit::Minutes => now + TimeDelta::minutes(sign * d.amount),
            TimeUnit::Hours => now + TimeDelta::hours(sign * d.amount),
            TimeUnit::Days => wall(tz, local + TimeDelta::days(sign * d.amount)),
            TimeUnit::Weeks => wall(tz, local + TimeDelta::days(sign * 7 * d.amount)),
            _ => {
                let m = Months::new(d.amount as u32);
                wall(tz, if forward { local + m } else { local - m })
            }
        }
    }

    fn date_test(m: Moment, when: &DateTest, tz: Tz, now: DateTime<Utc>) -> bool {
        let t = instant(m, tz);
        let op = |s: &str| parse(s).unwrap();
        match when {
            DateTest::Before { date } => t < instant(op(date), tz),
            DateTest::After { date } => t >= instant(op(date), tz),
            DateTest::Between { from, to } => {
                let end_ok = match op(to) {
                    Moment::Day(d) => t < midnight(tz, d.succ_opt().unwrap()),
                    Moment::At(x) => t <= x,
                };
                t >= instant(op(from), tz) && end_ok
            }
            DateTest::WithinLast { amount, unit } => {
                shift(now, Duration::new(*amount, *unit), tz, false) <= t && t <= now
            }
            DateTest::MoreThanAgo { amount, unit } => {
                t < shift(now, Duration::new(*amount, *unit), tz, false)
            }
            DateTest::InNext { amount, unit } => {
                now <= t && t <= shift(now, Duration::new(*amount, *unit), tz, true)
            }
            DateTest::AnniversaryWithin { days } => {
                let d = local_day(m, tz);
                let today = now.with_timezone(&tz).date_naive();
                let on = |y: i32| {
                    NaiveDate::from_ymd_opt(y, d.month(), d.day())
                        .or_else(|| NaiveDate::from_ymd_opt(y, 2, 28))
                        .unwrap()
                };
                let mut next = on(today.year());
                if next < today {
                    next = on(today.year() + 1);
                }
                (next - today).num_days() <= i64::from(*days)
            }
            other => panic!("unexpected date test {other:?}"),
        }
    }
}
