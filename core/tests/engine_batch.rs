//! Batch inputs (issue 12 §3): `upsert_contacts` / `record_events` give what one call each gives,
//! and a bad item refuses the whole batch with its index in the error's path.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, TimeDelta, Utc};
use sequenza::engine::{Engine, EngineConfig};
use sequenza::list::Audience;
use sequenza::store::MemoryStore;
use sequenza::{Contact, Event, FieldSchema, Flow};

const FLOWS: [&str; 2] = [
    r#"{"id": "vip", "name": "VIP", "status": "active",
  "triggers": [{"type": "field_changed", "field": "tier", "to": "gold"}], "start": "hello",
  "nodes": [{"id": "hello", "type": "send", "channel": "email",
             "content": {"subject": "Ciao {{ first_name | \"amico\" }}", "body": "Sei gold"}},
            {"id": "w", "type": "wait", "duration": {"amount": 1, "unit": "days"}},
            {"id": "end", "type": "exit"}],
  "edges": [{"from": "hello", "to": "w"}, {"from": "w", "to": "end"}]}"#,
    r#"{"id": "order", "name": "Order", "status": "active",
  "triggers": [{"type": "event", "event": "order.placed"}], "start": "big",
  "nodes": [{"id": "big", "type": "condition",
             "condition": {"type": "field", "field": "tier", "op": "eq", "value": "gold"}},
            {"id": "thanks", "type": "send", "channel": "email",
             "content": {"subject": "Grazie {{ first_name }}", "body": "{{ event.amount }}"}},
            {"id": "end", "type": "exit"}],
  "edges": [{"from": "big", "to": "thanks", "label": "yes"}, {"from": "big", "to": "end", "label": "no"},
            {"from": "thanks", "to": "end"}]}"#,
];

fn t0() -> DateTime<Utc> {
    "2026-12-07T09:00:00Z".parse().unwrap()
}

fn engine() -> Engine {
    let fields = FieldSchema::from_json(
        r#"{"fields": [{"key": "first_name", "type": "text"}, {"key": "tier", "type": "text"},
                       {"key": "points", "type": "number", "default": 0}]}"#,
    )
    .unwrap();
    // The audience enforces the field schema on every contact written.
    let store = MemoryStore::with_audience(Audience::new().with_fields(fields.clone()));
    let mut eng = Engine::with_store(
        EngineConfig {
            default_time_zone: "Europe/Rome".into(),
            fields: Some(fields),
            ..Default::default()
        },
        store,
    )
    .unwrap();
    for f in FLOWS {
        eng.publish(Flow::from_json(f).unwrap(), t0()).unwrap();
    }
    eng
}

fn contacts(round: usize) -> Vec<Contact> {
    (0..40)
        .map(|i| {
            let tier = if (i + round) % 3 == 0 { "gold" } else { "silver" };
            Contact::from_json(&format!(
                r#"{{"id": "c{i}", "email": "c{i}@example.com", "fields": {{"first_name": "N{i}", "tier": "{tier}"}},
                    "consent": {{"email": {{"status": "opted_in"}}}}}}"#
            ))
            .unwrap()
        })
        .collect()
}

fn events() -> Vec<Event> {
    (0..60)
        .map(|i| {
            Event::from_json(&format!(
                r#"{{"contact": "c{}", "name": "{}", "at": "2026-12-07T09:30:00Z", "properties": {{"amount": {i}}}}}"#,
                i % 45,
                if i % 4 == 0 { "page.viewed" } else { "order.placed" }
            ))
            .unwrap()
        })
        .collect()
}

/// Everything observable: outbox, enrollments, stats, histories, contacts.
fn state(eng: &Engine) -> String {
    let mut out = serde_json::to_string(&eng.effects().unwrap()).unwrap();
    out += &serde_json::to_string(&eng.enrollments(None, None).unwrap()).unwrap();
    for f in ["vip", "order"] {
        out += &serde_json::to_string(&eng.stats(&f.into()).unwrap()).unwrap();
    }
    for i in 0..45 {
        let id = format!("c{i}").into();
        out += &serde_json::to_string(&eng.history(&id, None).unwrap()).unwrap();
        out += &serde_json::to_string(&eng.contact(&id)).unwrap();
        out += &serde_json::to_string(eng.audience().events(&id)).unwrap();
    }
    out
}

#[test]
fn a_batch_gives_what_one_call_each_gives() {
    let t1 = t0() + TimeDelta::hours(1);
    let t2 = t0() + TimeDelta::days(2);
    let mut one = engine();
    let mut batch = engine();
    for round in 0..2 {
        let at = t0() + TimeDelta::minutes(round as i64);
        for c in contacts(round) {
            one.upsert_contact(c, at).unwrap();
        }
        assert_eq!(batch.upsert_contacts(contacts(round), at).unwrap(), 40);
    }
    for e in events() {
        one.record_event(e, t1).unwrap();
    }
    assert_eq!(batch.record_events(events(), t1).unwrap(), 60);
    assert!(!one.effects().unwrap().is_empty());
    assert_eq!(state(&one), state(&batch));
    one.tick(t2).unwrap();
    batch.tick(t2).unwrap();
    assert_eq!(state(&one), state(&batch));
}

#[test]
fn a_bad_contact_refuses_the_whole_batch_with_its_index() {
    let mut eng = engine();
    let mut all = contacts(0);
    all[7].fields.insert("points".into(), "tanti".into());
    let err = eng.upsert_contacts(all, t0()).unwrap_err();
    assert_eq!(err.code(), "list.field.invalid");
    assert_eq!(err.path(), Some("/7/fields/points"));
    assert!(err.message().contains("item 7"), "{}", err.message());
    assert_eq!(eng.audience().contact_count(), 0);
    assert!(eng.effects().unwrap().is_empty());
    // The same contacts, fixed, go in.
    assert_eq!(eng.upsert_contacts(contacts(0), t0()).unwrap(), 40);
    assert_eq!(eng.audience().contact_count(), 40);
}

#[test]
fn a_batch_refused_by_the_clock_writes_nothing() {
    let mut eng = engine();
    eng.tick(t0() + TimeDelta::hours(1)).unwrap();
    let err = eng.record_events(events(), t0()).unwrap_err();
    assert_eq!(err.code(), "engine.clock.backwards");
    assert_eq!(eng.audience().contact_count(), 0);
    let err = eng.upsert_contacts(contacts(0), t0()).unwrap_err();
    assert_eq!(err.code(), "engine.clock.backwards");
    assert_eq!(eng.audience().contact_count(), 0);
}

#[test]
fn empty_batches_are_inputs_too() {
    let mut eng = engine();
    assert_eq!(eng.upsert_contacts(Vec::new(), t0()).unwrap(), 0);
    assert_eq!(eng.record_events(Vec::new(), t0()).unwrap(), 0);
}
