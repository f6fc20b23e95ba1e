//! The incremental segment index: deltas for each kind of change, re-evaluation of only the
//! dependent segments, segment-on-segment chains, cycles, time-relative membership via `tick`,
//! and agreement with direct evaluation after random sequences of changes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use chrono::{DateTime, TimeDelta, Utc};
use proptest::prelude::*;
use sequenza::condition::eval::EvalContext;
use sequenza::model::{ContactId, SegmentId};
use sequenza::segment::{ContactChange, MembershipChange, MembershipDelta, Segment, SegmentIndex};
use sequenza::{Contact, Event};
use serde_json::{json, Value};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn t0() -> DateTime<Utc> {
    at("2026-11-25T09:00:00Z")
}

fn seg(id: &str, condition: Value) -> Segment {
    Segment::from_json(&json!({"id": id, "name": id, "condition": condition}).to_string()).unwrap()
}

fn contact(v: Value) -> Contact {
    serde_json::from_value(v).unwrap()
}

fn upsert(v: Value) -> ContactChange {
    ContactChange::Upsert {
        contact: contact(v),
    }
}

fn event(contact: &str, name: &str, when: &str) -> ContactChange {
    ContactChange::Event {
        event: Event {
            contact: contact.into(),
            name: name.into(),
            at: at(when),
            properties: Default::default(),
        },
    }
}

/// Deltas as `(contact, segment, "+"/"-")`.
fn summary(deltas: &[MembershipDelta]) -> Vec<(String, String, &'static str)> {
    deltas
        .iter()
        .map(|d| {
            let sign = match d.change {
                MembershipChange::Entered => "+",
                MembershipChange::Left => "-",
                _ => "?",
            };
            (d.contact.to_string(), d.segment.to_string(), sign)
        })
        .collect()
}

fn s(c: &str, seg: &str, sign: &'static str) -> (String, String, &'static str) {
    (c.to_owned(), seg.to_owned(), sign)
}

fn index_with(segments: Vec<Segment>) -> SegmentIndex {
    let mut index = SegmentIndex::new();
    index.register_all(segments, t0()).unwrap();
    index
}

#[test]
fn field_changes_enter_and_exit() {
    let mut index = index_with(vec![seg(
        "milano",
        json!({"type": "field", "field": "city", "op": "eq", "value": "Milano"}),
    )]);
    let d = index.apply(
        upsert(json!({"id": "anna", "fields": {"city": "Milano"}})),
        t0(),
    );
    assert_eq!(summary(&d), vec![s("anna", "milano", "+")]);
    assert!(index.is_member(&"milano".into(), &"anna".into()));
    let d = index.apply(
        upsert(json!({"id": "anna", "fields": {"city": "Roma"}})),
        t0(),
    );
    assert_eq!(summary(&d), vec![s("anna", "milano", "-")]);
    assert_eq!(index.members(&"milano".into()).count(), 0);
    let before = index.evaluation_count();
    let d = index.apply(
        upsert(json!({"id": "anna", "fields": {"city": "Roma", "age": 3}})),
        t0(),
    );
    assert!(d.is_empty());
    assert_eq!(
        index.evaluation_count(),
        before,
        "an unrelated field re-evaluated the segment"
    );
}

#[test]
fn tag_list_and_consent_changes() {
    let mut index = index_with(vec![
        seg(
            "vip",
            json!({"type": "tags", "op": "has_any", "tags": ["vip"]}),
        ),
        seg("news", json!({"type": "in_list", "list": "newsletter"})),
        seg(
            "sms_ok",
            json!({"type": "consent", "channel": "sms", "status": "opted_in"}),
        ),
    ]);
    assert!(index.apply(upsert(json!({"id": "c"})), t0()).is_empty());
    assert_eq!(
        index.evaluation_count(),
        3,
        "a new contact is evaluated against every segment"
    );

    let d = index.apply(upsert(json!({"id": "c", "tags": ["vip"]})), t0());
    assert_eq!(summary(&d), vec![s("c", "vip", "+")]);
    assert_eq!(index.evaluation_count(), 4);

    // Another tag does not touch the "vip" segment.
    assert!(index
        .apply(upsert(json!({"id": "c", "tags": ["vip", "other"]})), t0())
        .is_empty());
    assert_eq!(index.evaluation_count(), 4);

    let d = index.apply(
        upsert(json!({"id": "c", "tags": ["vip", "other"], "lists": ["newsletter"]})),
        t0(),
    );
    assert_eq!(summary(&d), vec![s("c", "news", "+")]);
    assert_eq!(index.evaluation_count(), 5);

    let d = index.apply(
        upsert(
            json!({"id": "c", "tags": ["other"], "lists": ["newsletter"],
            "consent": {"sms": {"status": "opted_in"}}}),
        ),
        t0(),
    );
    let mut got = summary(&d);
    got.sort();
    assert_eq!(got, vec![s("c", "sms_ok", "+"), s("c", "vip", "-")]);
    assert_eq!(index.evaluation_count(), 7);

    // Consent source and time are not read: nothing to re-evaluate.
    index.apply(
        upsert(
            json!({"id": "c", "tags": ["other"], "lists": ["newsletter"],
            "consent": {"sms": {"status": "opted_in", "source": "form"}}}),
        ),
        t0(),
    );
    assert_eq!(index.evaluation_count(), 7);
    assert_eq!(
        index.segments_of(&"c".into()),
        vec![&SegmentId::from("news"), &SegmentId::from("sms_ok")]
    );
}

#[test]
fn events_create_contacts_and_touch_only_their_segments() {
    let mut index = index_with(vec![
        seg("buyers", json!({"type": "event", "name": "order.placed"})),
        seg("openers", json!({"type": "event", "name": "email.opened"})),
    ]);
    let d = index.apply(event("anna", "order.placed", "2026-11-25T08:00:00Z"), t0());
    assert_eq!(summary(&d), vec![s("anna", "buyers", "+")]);
    assert!(
        index.contact(&"anna".into()).is_some(),
        "the event created the contact"
    );
    assert_eq!(index.events(&"anna".into()).len(), 1);
    let before = index.evaluation_count();
    let d = index.apply(event("anna", "order.placed", "2026-11-25T08:30:00Z"), t0());
    assert!(d.is_empty());
    assert_eq!(
        index.evaluation_count(),
        before + 1,
        "only `buyers` reads order.placed"
    );
    let d = index.apply(event("anna", "page.viewed", "2026-11-25T08:30:00Z"), t0());
    assert!(d.is_empty());
    assert_eq!(index.evaluation_count(), before + 1);
}

#[test]
fn segment_on_segment_chains_in_dependency_order() {
    // Registered out of order: register_all sorts them.
    let mut index = index_with(vec![
        seg(
            "not_vip_milano",
            json!({"type": "not", "condition": {"type": "in_segment", "segment": "vip_milano"}}),
        ),
        seg(
            "vip_milano",
            json!({"type": "and", "conditions": [
            {"type": "in_segment", "segment": "vip"},
            {"type": "field", "field": "city", "op": "eq", "value": "Milano"}]}),
        ),
        seg(
            "vip",
            json!({"type": "tags", "op": "has_any", "tags": ["vip"]}),
        ),
    ]);
    let d = index.apply(
        upsert(json!({"id": "c", "fields": {"city": "Milano"}})),
        t0(),
    );
    assert_eq!(summary(&d), vec![s("c", "not_vip_milano", "+")]);
    let before = index.evaluation_count();
    let d = index.apply(
        upsert(json!({"id": "c", "fields": {"city": "Milano"}, "tags": ["vip"]})),
        t0(),
    );
    assert_eq!(
        summary(&d),
        vec![
            s("c", "vip", "+"),
            s("c", "vip_milano", "+"),
            s("c", "not_vip_milano", "-")
        ]
    );
    assert_eq!(index.evaluation_count() - before, 3);
    // A change that does not change `vip` stops there.
    let before = index.evaluation_count();
    index.apply(
        upsert(json!({"id": "c", "fields": {"city": "Milano"}, "tags": ["vip", "gold"]})),
        t0(),
    );
    assert_eq!(index.evaluation_count() - before, 0);
    let d = index.apply(
        upsert(json!({"id": "c", "fields": {"city": "Roma"}, "tags": ["vip"]})),
        t0(),
    );
    assert_eq!(
        summary(&d),
        vec![s("c", "vip_milano", "-"), s("c", "not_vip_milano", "+")]
    );
}

#[test]
fn cycles_unknown_references_and_duplicates_are_rejected() {
    let mut index = index_with(vec![
        seg("a", json!({"type": "tags", "op": "has_any", "tags": ["x"]})),
        seg(
            "b",
            json!({"type": "or", "conditions": [{"type": "in_segment", "segment": "a"}]}),
        ),
        seg("c", json!({"type": "in_segment", "segment": "b"})),
    ]);
    let err = index
        .replace(
            seg(
                "a",
                json!({"type": "not", "condition": {"type": "in_segment", "segment": "c"}}),
            ),
            t0(),
        )
        .unwrap_err();
    assert_eq!(err.code(), "segment.cycle");
    assert_eq!(err.path(), Some("/condition/condition/segment"));
    assert!(err.message().contains("a → c → b → a"), "{}", err.message());
    // Nothing changed.
    assert!(index
        .segment(&"a".into())
        .unwrap()
        .condition
        .to_string()
        .contains("tags"));

    let err = index
        .register(
            seg("d", json!({"type": "in_segment", "segment": "nope"})),
            t0(),
        )
        .unwrap_err();
    assert_eq!(err.code(), "segment.unknown");
    assert_eq!(err.path(), Some("/condition/segment"));

    let err = index
        .register(seg("a", json!({"type": "and", "conditions": []})), t0())
        .unwrap_err();
    assert_eq!(err.code(), "segment.duplicate");
    assert_eq!(err.path(), Some("/id"));

    let err = index
        .register_all(
            vec![
                seg("e", json!({"type": "and", "conditions": []})),
                seg("f", json!({"type": "field", "field": "x", "op": "eq"})),
            ],
            t0(),
        )
        .unwrap_err();
    assert_eq!(err.code(), "condition.value.missing");
    assert_eq!(err.path(), Some("/1/condition"));
    assert!(
        index.segment(&"e".into()).is_none(),
        "register_all is all or nothing"
    );

    let err = index.remove(&"a".into(), t0()).unwrap_err();
    assert_eq!(err.code(), "segment.unknown");
    assert!(err.message().contains("`b`"), "{}", err.message());
    let err = index
        .replace(seg("zz", json!({"type": "and", "conditions": []})), t0())
        .unwrap_err();
    assert_eq!(err.code(), "segment.unknown");
}

#[test]
fn replace_and_remove_report_deltas() {
    let mut index = index_with(vec![
        seg("a", json!({"type": "tags", "op": "has_any", "tags": ["x"]})),
        seg("b", json!({"type": "in_segment", "segment": "a"})),
    ]);
    index.apply(upsert(json!({"id": "c1", "tags": ["x"]})), t0());
    index.apply(upsert(json!({"id": "c2", "tags": ["y"]})), t0());
    assert_eq!(index.members(&"b".into()).count(), 1);
    let d = index
        .replace(
            seg("a", json!({"type": "tags", "op": "has_any", "tags": ["y"]})),
            t0(),
        )
        .unwrap();
    assert_eq!(
        summary(&d),
        vec![
            s("c1", "a", "-"),
            s("c1", "b", "-"),
            s("c2", "a", "+"),
            s("c2", "b", "+")
        ]
    );
    // The replaced segment now reads tag y, not x.
    let before = index.evaluation_count();
    index.apply(upsert(json!({"id": "c1", "tags": []})), t0());
    assert_eq!(index.evaluation_count(), before);
    let d = index.remove(&"b".into(), t0()).unwrap();
    assert_eq!(summary(&d), vec![s("c2", "b", "-")]);
    let d = index.remove_contact(&"c2".into(), t0());
    assert_eq!(summary(&d), vec![s("c2", "a", "-")]);
    assert_eq!(index.contact_count(), 1);
    assert_eq!(index.segments().count(), 1);
}

#[test]
fn registering_evaluates_existing_contacts() {
    let mut index = SegmentIndex::new();
    index.apply(upsert(json!({"id": "c1", "fields": {"n": 5}})), t0());
    index.apply(upsert(json!({"id": "c2", "fields": {"n": 50}})), t0());
    let d = index
        .register(
            seg(
                "big",
                json!({"type": "field", "field": "n", "op": "gt", "value": 10}),
            ),
            t0(),
        )
        .unwrap();
    assert_eq!(summary(&d), vec![s("c2", "big", "+")]);
}

#[test]
fn time_relative_membership_changes_on_tick() {
    let mut index = index_with(vec![
        seg(
            "lapsed",
            json!({"type": "not", "condition": {"type": "event", "name": "order.placed",
            "within": {"amount": 30, "unit": "days"}}}),
        ),
        seg(
            "lapsed_vip",
            json!({"type": "and", "conditions": [
            {"type": "in_segment", "segment": "lapsed"},
            {"type": "tags", "op": "has_any", "tags": ["vip"]}]}),
        ),
    ]);
    index.apply(upsert(json!({"id": "anna", "tags": ["vip"]})), t0());
    assert!(index.is_member(&"lapsed_vip".into(), &"anna".into()));
    let d = index.apply(event("anna", "order.placed", "2026-11-25T08:00:00Z"), t0());
    assert_eq!(
        summary(&d),
        vec![s("anna", "lapsed", "-"), s("anna", "lapsed_vip", "-")]
    );
    let wake = index.next_wakeup().unwrap();
    assert_eq!(wake, at("2026-12-25T08:00:00Z"));
    // Nothing is due before.
    assert!(index.tick(wake - TimeDelta::seconds(1)).is_empty());
    // The window still holds the order at exactly 30 days; right after, it does not.
    let d = index.tick(wake + TimeDelta::seconds(1));
    assert_eq!(
        summary(&d),
        vec![s("anna", "lapsed", "+"), s("anna", "lapsed_vip", "+")]
    );
    assert_eq!(
        index.next_wakeup(),
        None,
        "nothing more can change with time"
    );
}

#[test]
fn birthdays_change_age_segments_at_local_midnight() {
    let mut index = SegmentIndex::new().with_default_time_zone(chrono_tz::Europe::Rome);
    index
        .register(seg("adult", json!({"type": "age", "min": 18})), t0())
        .unwrap();
    index.apply(
        upsert(json!({"id": "teen", "fields": {"birth_date": "2008-12-01"}})),
        t0(),
    );
    index.apply(
        upsert(json!({"id": "ny", "time_zone": "America/New_York",
        "fields": {"birth_date": "2008-12-01"}})),
        t0(),
    );
    assert_eq!(index.members(&"adult".into()).count(), 0);
    // Midnight of 1 December in Rome (UTC+1) is 23:00 UTC the day before.
    assert_eq!(index.next_wakeup(), Some(at("2026-11-30T23:00:00Z")));
    let d = index.tick(at("2026-11-30T23:00:00Z"));
    assert_eq!(summary(&d), vec![s("teen", "adult", "+")]);
    assert_eq!(index.next_wakeup(), Some(at("2026-12-01T05:00:00Z")));
    let d = index.tick(at("2026-12-01T06:00:00Z"));
    assert_eq!(summary(&d), vec![s("ny", "adult", "+")]);
}

#[test]
fn a_thousand_segments_one_change_few_evaluations() {
    let mut segments = Vec::new();
    for i in 0..1_000 {
        let cond = match i % 4 {
            0 => json!({"type": "field", "field": format!("f{}", i % 97), "op": "gt", "value": 10}),
            1 => json!({"type": "tags", "op": "has_any", "tags": [format!("t{}", i % 100)]}),
            2 => json!({"type": "and", "conditions": [
                {"type": "field", "field": format!("f{}", i % 97), "op": "is_set"},
                {"type": "in_list", "list": format!("l{}", i % 50)}]}),
            _ => json!({"type": "event", "name": format!("e{}", i % 20)}),
        };
        segments.push(seg(&format!("s{i}"), cond));
    }
    let mut index = index_with(segments);
    let mut fields = serde_json::Map::new();
    for k in 0..97 {
        fields.insert(format!("f{k}"), json!(k));
    }
    index.apply(upsert(json!({"id": "c", "fields": fields.clone()})), t0());
    assert_eq!(index.evaluation_count(), 1_000);

    let readers_of_f7 = index
        .segments()
        .filter(|s| {
            index
                .compiled(&s.id)
                .unwrap()
                .dependencies()
                .fields
                .contains("f7")
        })
        .count();
    assert_eq!(
        readers_of_f7, 5,
        "s104, s492, s880 (f7 > 10) and s298, s686 (f7 is set)"
    );
    fields.insert("f7".into(), json!(99));
    let before = index.evaluation_count();
    let d = index.apply(upsert(json!({"id": "c", "fields": fields})), t0());
    assert_eq!(index.evaluation_count() - before, readers_of_f7 as u64);
    assert_eq!(
        summary(&d),
        vec![
            s("c", "s104", "+"),
            s("c", "s492", "+"),
            s("c", "s880", "+")
        ]
    );

    let before = index.evaluation_count();
    let d = index.apply(event("c", "e3", "2026-11-25T08:00:00Z"), t0());
    assert_eq!(
        index.evaluation_count() - before,
        50,
        "s3, s23, … s983 read e3"
    );
    assert_eq!(d.len(), 50);
}

// ---------------------------------------------------------------------------------------------
// Random sequences: the index always agrees with evaluating every segment directly.

const SEGMENTS: &[(&str, &str)] = &[
    (
        "vip",
        r#"{"type": "tags", "op": "has_any", "tags": ["vip"]}"#,
    ),
    (
        "milano",
        r#"{"type": "field", "field": "city", "op": "eq", "value": "Milano"}"#,
    ),
    (
        "recent",
        r#"{"type": "event", "name": "buy", "within": {"amount": 3, "unit": "days"}}"#,
    ),
    ("news", r#"{"type": "in_list", "list": "news"}"#),
    (
        "vip_recent",
        r#"{"type": "and", "conditions": [{"type": "in_segment", "segment": "vip"},
        {"type": "in_segment", "segment": "recent"}]}"#,
    ),
    (
        "lapsed",
        r#"{"type": "and", "conditions": [{"type": "event", "name": "buy"},
        {"type": "not", "condition": {"type": "in_segment", "segment": "recent"}}]}"#,
    ),
    (
        "spent",
        r#"{"type": "aggregate", "name": "buy", "agg": "count", "within": {"amount": 10, "unit": "hours"},
        "op": "gte", "value": 2}"#,
    ),
    ("adult", r#"{"type": "age", "min": 18}"#),
    (
        "rome_soon",
        r#"{"type": "and", "conditions": [{"type": "in_segment", "segment": "milano"},
        {"type": "date", "field": "renewal", "when": {"op": "in_next", "amount": 2, "unit": "days"}}]}"#,
    ),
];

#[derive(Debug, Clone)]
enum Op {
    Upsert {
        who: usize,
        city: bool,
        vip: bool,
        news: bool,
        zone: usize,
        birth: i64,
        renewal: i64,
    },
    Buy {
        who: usize,
        offset_hours: i64,
    },
    Wait {
        hours: i64,
    },
    Remove {
        who: usize,
    },
}

fn arb_op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (
            0..3usize,
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            0..3usize,
            -5..5i64,
            -72..96i64
        )
            .prop_map(|(who, city, vip, news, zone, birth, renewal)| Op::Upsert {
                who,
                city,
                vip,
                news,
                zone,
                birth,
                renewal
            }),
        (0..3usize, -30..30i64).prop_map(|(who, offset_hours)| Op::Buy { who, offset_hours }),
        (1..80i64).prop_map(|hours| Op::Wait { hours }),
        (0..3usize).prop_map(|who| Op::Remove { who }),
    ]
}

fn check_agreement(index: &SegmentIndex, now: DateTime<Utc>) -> Result<(), TestCaseError> {
    let ids: Vec<ContactId> = ["c0", "c1", "c2"]
        .iter()
        .map(|c| ContactId::from(*c))
        .collect();
    for id in &ids {
        let Some(c) = index.contact(id) else {
            prop_assert!(index.segments_of(id).is_empty());
            continue;
        };
        let evs = index.events(id);
        // Direct evaluation in dependency order, with the memberships computed so far.
        let mut member: BTreeSet<SegmentId> = BTreeSet::new();
        for (sid, _) in order() {
            let sid = SegmentId::from(*sid);
            let compiled = index.compiled(&sid).unwrap();
            let ctx = EvalContext::new(now).with_segments(&member);
            let direct = compiled.matches(c, evs, &ctx);
            prop_assert_eq!(
                index.is_member(&sid, id),
                direct,
                "{} in {} at {}",
                id,
                sid,
                now
            );
            if direct {
                member.insert(sid);
            }
        }
    }
    Ok(())
}

/// The segments in an order where each comes after those it reads.
fn order() -> Vec<&'static (&'static str, &'static str)> {
    let first: Vec<_> = SEGMENTS
        .iter()
        .filter(|s| !s.1.contains("in_segment"))
        .collect();
    let rest: Vec<_> = SEGMENTS
        .iter()
        .filter(|s| s.1.contains("in_segment"))
        .collect();
    first.into_iter().chain(rest).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn index_agrees_with_direct_evaluation(ops in prop::collection::vec(arb_op(), 1..40)) {
        let zones = ["Europe/Rome", "UTC", "America/New_York"];
        let mut now = at("2026-03-27T10:00:00Z");
        let mut index = SegmentIndex::new();
        let segments: Vec<Segment> = SEGMENTS
            .iter()
            .map(|(id, c)| seg(id, serde_json::from_str(c).unwrap()))
            .collect();
        index.register_all(segments, now).unwrap();
        let mut deltas: Vec<MembershipDelta> = Vec::new();
        for op in ops {
            match op {
                Op::Upsert { who, city, vip, news, zone, birth, renewal } => {
                    let birth_date = (now - TimeDelta::days(365 * 18 + birth)).date_naive().to_string();
                    let renewal = (now + TimeDelta::hours(renewal)).to_rfc3339();
                    let c = json!({
                        "id": format!("c{who}"),
                        "time_zone": zones[zone],
                        "fields": {"city": if city { "Milano" } else { "Roma" },
                                   "birth_date": birth_date, "renewal": renewal},
                        "tags": if vip { vec!["vip"] } else { vec![] },
                        "lists": if news { vec!["news"] } else { vec![] },
                    });
                    deltas.extend(index.apply(upsert(c), now));
                }
                Op::Buy { who, offset_hours } => {
                    let when = (now + TimeDelta::hours(offset_hours)).to_rfc3339();
                    deltas.extend(index.apply(event(&format!("c{who}"), "buy", &when), now));
                }
                Op::Wait { hours } => {
                    now += TimeDelta::hours(hours) + TimeDelta::minutes(7);
                }
                Op::Remove { who } => {
                    deltas.extend(index.remove_contact(&format!("c{who}").into(), now));
                }
            }
            deltas.extend(index.tick(now));
            if let Some(w) = index.next_wakeup() {
                prop_assert!(w > now, "a wake-up at {w} is already due at {now}");
            }
            check_agreement(&index, now)?;
        }
        // Replaying the deltas gives the final memberships.
        let mut replay: BTreeSet<(ContactId, SegmentId)> = BTreeSet::new();
        for d in &deltas {
            let key = (d.contact.clone(), d.segment.clone());
            match d.change {
                MembershipChange::Entered => prop_assert!(replay.insert(key), "entered twice: {d:?}"),
                _ => prop_assert!(replay.remove(&key), "exited without entering: {d:?}"),
            }
        }
        for (sid, _) in SEGMENTS {
            let sid = SegmentId::from(*sid);
            for c in index.members(&sid) {
                prop_assert!(replay.contains(&(c.clone(), sid.clone())));
            }
        }
        let total: usize = SEGMENTS.iter().map(|(s, _)| index.members(&SegmentId::from(*s)).count()).sum();
        prop_assert_eq!(total, replay.len());
    }
}

/// A scheduler that ticks at each `next_wakeup()` (in whole milliseconds, as JavaScript does)
/// always makes progress, even at the inclusive end of a window.
#[test]
fn ticking_at_each_wakeup_makes_progress_in_milliseconds() {
    use chrono::{TimeZone, Utc};
    use sequenza::segment::{ContactChange, Segment, SegmentIndex};
    use sequenza::{Contact, Event};
    let now = Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).unwrap();
    let mut index = SegmentIndex::new();
    let seg = Segment::from_json(
        r#"{"id": "recent", "name": "Recent buyers", "condition":
            {"type": "event", "name": "order.placed", "within": {"amount": 7, "unit": "days"}}}"#,
    )
    .unwrap();
    index.register(seg, now).unwrap();
    index.apply(
        ContactChange::Upsert {
            contact: Contact::from_json(r#"{"id": "anna"}"#).unwrap(),
        },
        now,
    );
    let order = Event::from_json(
        r#"{"contact": "anna", "name": "order.placed", "at": "2026-11-25T11:00:00Z"}"#,
    )
    .unwrap();
    index.apply(ContactChange::Event { event: order }, now);
    let mut exited = false;
    let mut t = now;
    for _ in 0..10 {
        let Some(w) = index.next_wakeup() else { break };
        assert!(w > t || w == t && !exited, "no progress at {w}");
        assert_eq!(w.timestamp_subsec_nanos() % 1_000_000, 0);
        t = w;
        if !index.tick(w).is_empty() {
            exited = true;
            break;
        }
    }
    assert!(exited, "the contact never left the 7-day window");
}
