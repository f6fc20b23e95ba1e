//! Engine invariants on random inputs over the example flows: every enrollment is waiting,
//! finished or exited with a reason; no idempotency key names two different messages; replaying
//! the same inputs gives the same effects and keys; ticking often and ticking once at the end give
//! the same history. Also: the store conformance suite on `MemoryStore`, and the runtime.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use proptest::prelude::*;
use sequenza::engine::{
    Effect, Engine, EngineConfig, EnrollmentState, HistoryEntry, InboundMessage,
};
use sequenza::model::Channel;
use sequenza::runtime::{RecordingChannel, Runtime};
use sequenza::store::{conformance, MemoryStore};
use sequenza::{Contact, Event, FieldSchema, Flow};

const FLOWS: [&str; 6] = [
    "abandoned_cart",
    "email_course",
    "onboarding_drip",
    "whatsapp_keyword_chatbot",
    "sms_opt_out",
    "loyalty_card_target",
];

fn read(rel: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(rel)).unwrap()
}

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 4, 18, 0, 0).unwrap()
}

#[derive(Debug, Clone)]
enum Input {
    Cart(usize, u32),
    Purchase(usize),
    Course(usize),
    Enroll(usize),
    Message(usize, &'static str),
    Points(usize, bool),
}

fn input() -> impl Strategy<Value = Input> {
    prop_oneof![
        (0..4usize, 0..100u32).prop_map(|(c, v)| Input::Cart(c, v)),
        (0..4usize).prop_map(Input::Purchase),
        (0..4usize).prop_map(Input::Course),
        (0..4usize).prop_map(Input::Enroll),
        (
            0..4usize,
            prop::sample::select(vec![
                "INFO",
                "1",
                "2",
                "3",
                "boh",
                "ab-123456",
                "Anna",
                "STOP"
            ])
        )
            .prop_map(|(c, t)| Input::Message(c, t)),
        (0..4usize, any::<bool>()).prop_map(|(c, b)| Input::Points(c, b)),
    ]
}

fn contact(i: usize, reached: Option<bool>) -> Contact {
    let zones = [
        "Europe/Rome",
        "America/New_York",
        "Asia/Tokyo",
        "Europe/London",
    ];
    let mut c = Contact::from_json(&format!(
        r#"{{"id": "c{i}", "email": "c{i}@example.com", "phone": "+39333000000{i}",
            "time_zone": "{}", "fields": {{"first_name": "N{i}", "spend_last_year": {}}}}}"#,
        zones[i % 4],
        i * 150
    ))
    .unwrap();
    if let Some(r) = reached {
        let status = if r { "target_reached" } else { "half_points" };
        c.fields.insert("card_status".into(), status.into());
    }
    c
}

/// Runs the inputs (at their minute offsets); with `every`, ticks at that step in between.
fn run(inputs: &[(u32, Input)], every: Option<i64>) -> Engine {
    let fields = FieldSchema::from_json(&read("examples/fields.json")).unwrap();
    let mut eng = Engine::new(EngineConfig {
        default_time_zone: "Europe/Rome".into(),
        fields: Some(fields),
        caps: None,
    })
    .unwrap();
    for f in FLOWS {
        eng.publish(
            Flow::from_json(&read(&format!("examples/flows/{f}.json"))).unwrap(),
            t0(),
        )
        .unwrap();
    }
    for i in 0..4 {
        eng.upsert_contact(contact(i, None), t0()).unwrap();
    }
    let mut sorted: Vec<(u32, Input)> = inputs.to_vec();
    sorted.sort_by_key(|(m, _)| *m);
    let mut clock = t0();
    let end = t0() + TimeDelta::days(12);
    for (minute, inp) in sorted {
        let at = t0() + TimeDelta::minutes(i64::from(minute));
        if let Some(step) = every {
            while clock + TimeDelta::minutes(step) < at {
                clock += TimeDelta::minutes(step);
                eng.tick(clock).unwrap();
            }
        }
        clock = at;
        let id = |c: usize| format!("c{c}");
        match inp {
            Input::Cart(c, v) => eng.record_event(
                Event::from_json(&format!(r#"{{"contact": "{}", "name": "cart_abandoned", "at": "{}", "properties": {{"cart_value": {v}}}}}"#, id(c), at.to_rfc3339())).unwrap(),
                at,
            ),
            Input::Purchase(c) => eng.record_event(
                Event::from_json(&format!(r#"{{"contact": "{}", "name": "purchase", "at": "{}"}}"#, id(c), at.to_rfc3339())).unwrap(),
                at,
            ),
            Input::Course(c) => eng.record_event(
                Event::from_json(&format!(r#"{{"contact": "{}", "name": "course_signup", "at": "{}", "properties": {{"course": "email-marketing-101"}}}}"#, id(c), at.to_rfc3339())).unwrap(),
                at,
            ),
            Input::Enroll(c) => eng.enroll(&"onboarding-drip".into(), &[id(c).into()], at).map(|_| ()),
            Input::Message(c, text) => eng.receive_message(
                InboundMessage {
                    channel: if text == "STOP" { Channel::Sms } else { Channel::WhatsApp },
                    from: None,
                    contact: Some(id(c).into()),
                    text: Some(text.to_owned()),
                    media: vec![],
                    at,
                    ad: None,
                },
                at,
            ),
            Input::Points(c, r) => eng.upsert_contact(contact(c, Some(r)), at),
        }
        .unwrap();
    }
    if let Some(step) = every {
        while clock + TimeDelta::minutes(step) < end {
            clock += TimeDelta::minutes(step);
            eng.tick(clock).unwrap();
        }
    }
    eng.tick(end).unwrap();
    eng
}

fn histories(eng: &Engine) -> Vec<HistoryEntry> {
    (0..4)
        .flat_map(|i| eng.history(&format!("c{i}").into(), None).unwrap())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    #[test]
    fn engine_invariants(inputs in prop::collection::vec((0..7200u32, input()), 1..14)) {
        let once = run(&inputs, None);
        let often = run(&inputs, Some(97));
        let again = run(&inputs, None);

        // Ticking often and ticking once give the same history and the same outbox.
        prop_assert_eq!(histories(&once), histories(&often));
        let effects: Vec<Effect> = once.effects().unwrap();
        prop_assert_eq!(&effects, &often.effects().unwrap());
        // Replaying the same inputs gives the same effects and keys.
        prop_assert_eq!(&effects, &again.effects().unwrap());
        prop_assert_eq!(histories(&once), histories(&again));

        // No key names two different messages.
        let mut by_key: BTreeMap<&str, &Effect> = BTreeMap::new();
        for e in &effects {
            if let Some(other) = by_key.insert(e.key.as_str(), e) {
                prop_assert_eq!(other, e, "two effects share the key {}", e.key);
            }
        }
        prop_assert_eq!(by_key.len(), effects.len());

        // Every enrollment is waiting, finished or exited, with a reason.
        for e in once.enrollments(None, None).unwrap() {
            prop_assert!(e.reason.is_some(), "no reason: {:?}", e);
            match e.state {
                EnrollmentState::Waiting => prop_assert!(e.node.is_some()),
                EnrollmentState::Finished | EnrollmentState::Exited => prop_assert!(e.due.is_none()),
                _ => prop_assert!(false, "unknown state"),
            }
        }
        // Waiting counters agree with the enrollments.
        for f in ["abandoned-cart", "email-course", "onboarding-drip"] {
            let waiting = once
                .enrollments(Some(&f.into()), None)
                .unwrap()
                .iter()
                .filter(|e| e.state == EnrollmentState::Waiting)
                .count() as u64;
            prop_assert_eq!(once.stats(&f.into()).unwrap().totals.waiting, waiting);
        }
    }
}

#[test]
fn memory_store_passes_the_conformance_suite() {
    conformance::run(MemoryStore::new).unwrap();
}

#[test]
fn runtime_delivers_and_a_redelivered_key_is_sent_once() {
    let mut rt = Runtime::new(Engine::new(EngineConfig::default()).unwrap());
    rt.route("email", Box::new(RecordingChannel::new()));
    let now = t0();
    let eng = rt.engine_mut();
    eng.publish(
        Flow::from_json(&read("examples/flows/email_course.json")).unwrap(),
        now,
    )
    .unwrap();
    eng.upsert_contact(contact(1, None), now).unwrap();
    eng.record_event(
        Event::from_json(
            r#"{"contact": "c1", "name": "course_signup", "at": "2026-12-04T18:00:00Z",
            "properties": {"course": "email-marketing-101"}}"#,
        )
        .unwrap(),
        now,
    )
    .unwrap();
    let report = rt.run_until(now + TimeDelta::days(12)).unwrap();
    assert_eq!(report.delivered, 5);
    assert_eq!(report.pending, 0);
    let stats = rt.engine().stats(&"email-course".into()).unwrap();
    assert_eq!(
        (
            stats.totals.sent,
            stats.totals.delivered,
            stats.totals.completed
        ),
        (5, 5, 1)
    );
}

#[test]
fn ticking_often_and_once_agree_on_a_busy_script() {
    let inputs = vec![
        (10, Input::Enroll(0)),
        (60, Input::Cart(3, 80)),
        (100, Input::Message(1, "INFO")),
        (101, Input::Message(1, "2")),
        (102, Input::Message(1, "Anna")),
        (200, Input::Points(1, true)),
        (900, Input::Purchase(3)),
        (3000, Input::Course(2)),
        (3001, Input::Message(2, "STOP")),
    ];
    let once = run(&inputs, None);
    let often = run(&inputs, Some(1));
    assert!(
        once.effects().unwrap().len() >= 12,
        "{:#?}",
        once.effects().unwrap()
    );
    assert_eq!(histories(&once), histories(&often));
    assert_eq!(once.effects().unwrap(), often.effects().unwrap());
}
