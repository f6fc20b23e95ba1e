//! The schedule preview (issue 12 §2) against what the engine then does: preview an automatic
//! send, tick the engine to the check and through the deferred sends, deliver, and compare the
//! contacts and send instants — with quiet hours, a send window, a contact in another zone and
//! a frequency cap filled by another flow. Also the conflicts and the errors.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, Utc};
use sequenza::engine::{
    ConflictReason, DeferReason, Engine, EngineConfig, Outcome, SchedulePreview,
};
use sequenza::flow::FlowStatus;
use sequenza::{Contact, Event, Flow};

fn t(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// An automatic send every Monday at 07:00 (Rome), quiet hours 21:00–09:00; business contacts
/// (with a `company`) get a mail that may only go out 10:00–12:00.
const WEEKLY: &str = r#"{"id": "weekly", "name": "Weekly news", "status": "active",
  "triggers": [{"type": "schedule", "recurrence": {"kind": "weekly", "weekdays": ["mon"], "times": ["07:00"]}}],
  "start": "b2b",
  "nodes": [
    {"id": "b2b", "type": "condition", "condition": {"type": "field", "field": "company", "op": "is_set"}},
    {"id": "office-mail", "type": "send", "channel": "email", "content": {"subject": "Per l'ufficio", "body": "…"},
     "policy": {"hours": [{"start": "10:00", "end": "12:00"}]}},
    {"id": "mail", "type": "send", "channel": "email", "content": {"subject": "Novità", "body": "…"}}
  ],
  "edges": [{"from": "b2b", "to": "office-mail", "label": "yes"}, {"from": "b2b", "to": "mail", "label": "no"}],
  "settings": {"send_policy": {"quiet_hours": [{"start": "21:00", "end": "09:00"}], "time_zone": "Europe/Rome"},
               "reentry": {"mode": "restart"}}}"#;

/// An event flow that sends at once, or at 09:00 after its quiet hours (it fills the
/// contact's e-mail cap).
const WELCOME: &str = r#"{"id": "signup", "name": "Welcome", "status": "active",
  "triggers": [{"type": "event", "event": "signup"}], "start": "hello",
  "nodes": [{"id": "hello", "type": "send", "channel": "email", "content": {"subject": "Ciao", "body": "…"}}],
  "settings": {"send_policy": {"quiet_hours": [{"start": "22:00", "end": "09:00"}]}}}"#;

fn engine() -> Engine {
    let config: EngineConfig = serde_json::from_str(
        r#"{"default_time_zone": "Europe/Rome",
            "caps": {"caps": [{"channel": "email", "max": 1, "per": {"amount": 1, "unit": "days"}}]}}"#,
    )
    .unwrap();
    let mut eng = Engine::new(config).unwrap();
    let t0 = t("2026-12-06T12:00:00Z");
    eng.publish(Flow::from_json(WEEKLY).unwrap(), t0).unwrap();
    eng.publish(Flow::from_json(WELCOME).unwrap(), t0).unwrap();
    for c in [
        r#"{"id": "anna", "email": "anna@example.com"}"#,
        r#"{"id": "bruno", "email": "bruno@example.com", "time_zone": "America/New_York"}"#,
        r#"{"id": "carla", "email": "carla@example.com"}"#,
        r#"{"id": "dario", "email": "dario@example.com", "consent": {"email": {"status": "opted_out"}}}"#,
        r#"{"id": "elena", "phone": "+393331234567"}"#,
        r#"{"id": "fabio", "email": "fabio@example.com", "fields": {"company": "Acme"}}"#,
        r#"{"id": "gina", "email": "gina@example.com"}"#,
    ] {
        eng.upsert_contact(Contact::from_json(c).unwrap(), t0)
            .unwrap();
    }
    // Sunday 20:00 in Rome: carla signs up and the welcome flow sends her an e-mail.
    let at = t("2026-12-06T19:00:00Z");
    eng.record_event(
        Event::from_json(r#"{"contact": "carla", "name": "signup", "at": "2026-12-06T19:00:00Z"}"#)
            .unwrap(),
        at,
    )
    .unwrap();
    // Sunday 23:30 in Rome: gina signs up; her welcome e-mail waits for 09:00 on Monday.
    let at = t("2026-12-06T22:30:00Z");
    eng.record_event(
        Event::from_json(r#"{"contact": "gina", "name": "signup", "at": "2026-12-06T22:30:00Z"}"#)
            .unwrap(),
        at,
    )
    .unwrap();
    eng
}

/// Ticks to each instant, acknowledging the outbox; returns the sends of `flow` by contact.
fn run(
    eng: &mut Engine,
    flow: &str,
    instants: &[DateTime<Utc>],
) -> BTreeMap<String, DateTime<Utc>> {
    let mut out = BTreeMap::new();
    for &at in instants {
        eng.tick(at).unwrap();
        for e in eng.effects().unwrap() {
            if e.flow.as_str() == flow {
                assert!(
                    out.insert(e.contact.to_string(), e.at).is_none(),
                    "sent twice"
                );
            }
            eng.ack(&e.key, Outcome::Delivered, at, None).unwrap();
        }
    }
    out
}

#[test]
fn the_preview_is_what_the_engine_then_does() {
    let mut eng = engine();
    let now = t("2026-12-06T23:00:00Z");
    let preview: SchedulePreview = eng.preview_schedule(&"weekly".into(), now).unwrap();
    // Monday 07:00 in Rome.
    assert_eq!(preview.check_at, t("2026-12-07T06:00:00Z"));
    assert!(preview.conflicts.is_empty());
    let by: BTreeMap<&str, _> = preview
        .contacts
        .iter()
        .map(|p| (p.contact.as_str(), p))
        .collect();
    let expect = |id: &str, at: Option<&str>, why: Option<DeferReason>, skipped: Option<&str>| {
        let p = by[id];
        assert_eq!(
            (p.would_send_at, p.deferred_by, p.skipped.as_deref()),
            (at.map(t), why, skipped),
            "{id}"
        );
    };
    // Quiet hours until 09:00 in Rome.
    expect(
        "anna",
        Some("2026-12-07T08:00:00Z"),
        Some(DeferReason::QuietHours),
        None,
    );
    // In New York the check is at 01:00: quiet hours until 09:00 there.
    expect(
        "bruno",
        Some("2026-12-07T14:00:00Z"),
        Some(DeferReason::QuietHours),
        None,
    );
    // The welcome e-mail of Sunday 20:00 fills the daily cap until Monday 20:00.
    expect(
        "carla",
        Some("2026-12-07T19:00:00Z"),
        Some(DeferReason::FrequencyCap),
        None,
    );
    // Refused at entry: no consent for the flow's channel.
    expect("dario", None, None, Some("no_consent"));
    // No e-mail address.
    expect("elena", None, None, Some("no_address"));
    // The office mail's send window opens at 10:00.
    expect(
        "fabio",
        Some("2026-12-07T09:00:00Z"),
        Some(DeferReason::SendWindow),
        None,
    );
    assert_eq!(
        by["fabio"].node.as_ref().map(|n| n.as_str()),
        Some("office-mail")
    );
    // Quiet hours until 09:00, when the welcome e-mail deferred to 09:00 goes first (the engine
    // runs ties in flow id order: "signup" before "weekly") and fills the cap until Tuesday.
    expect(
        "gina",
        Some("2026-12-08T08:00:00Z"),
        Some(DeferReason::FrequencyCap),
        None,
    );
    // The preview changed nothing.
    assert!(eng
        .enrollments(Some(&"weekly".into()), None)
        .unwrap()
        .is_empty());
    assert_eq!(
        eng.preview_schedule(&"weekly".into(), now).unwrap(),
        preview
    );

    // Now the engine: the check, then every instant the preview named, then two more days.
    let mut instants = vec![preview.check_at];
    instants.extend(preview.contacts.iter().filter_map(|p| p.would_send_at));
    instants.sort();
    instants.push(preview.check_at + TimeDelta::days(2));
    let sent = run(&mut eng, "weekly", &instants);
    let previewed: BTreeMap<String, DateTime<Utc>> = preview
        .contacts
        .iter()
        .filter_map(|p| p.would_send_at.map(|at| (p.contact.to_string(), at)))
        .collect();
    assert_eq!(sent, previewed);
    assert_eq!(sent.len(), 5);
}

#[test]
fn caps_hold_across_flows_and_automatic_sends() {
    // Two automatic sends check at the same instant over the same contact: the first (by flow
    // id) sends, the second is deferred by the shared cap; the preview reports the conflict.
    let config: EngineConfig = serde_json::from_str(
        r#"{"caps": {"caps": [{"max": 1, "per": {"amount": 1, "unit": "days"}}]}}"#,
    )
    .unwrap();
    let mut eng = Engine::new(config).unwrap();
    let t0 = t("2026-12-07T08:00:00Z");
    let flow = |id: &str, channel: &str| {
        Flow::from_json(&format!(
            r#"{{"id": "{id}", "name": "{id}", "status": "active",
            "triggers": [{{"type": "schedule", "recurrence": {{"kind": "every", "minutes": 60}}}}],
            "start": "s", "nodes": [{{"id": "s", "type": "send", "channel": "{channel}", "content": {{"subject": "S", "body": "…"}}}}]}}"#
        ))
        .unwrap()
    };
    eng.publish(flow("a-promo", "email"), t0).unwrap();
    eng.publish(flow("b-news", "sms"), t0).unwrap();
    eng.upsert_contact(
        Contact::from_json(r#"{"id": "anna", "email": "a@example.com", "phone": "+39333"}"#)
            .unwrap(),
        t0,
    )
    .unwrap();
    let p = eng.preview_schedule(&"b-news".into(), t0).unwrap();
    assert_eq!(p.check_at, t("2026-12-07T09:00:00Z"));
    assert_eq!(p.conflicts.len(), 1);
    assert_eq!(p.conflicts[0].flow.as_str(), "a-promo");
    assert_eq!(p.conflicts[0].reason, ConflictReason::SameCheck);
    assert_eq!(p.conflicts[0].shared, Some(1));
    assert_eq!(
        eng.schedule_conflicts(&"b-news".into(), t0).unwrap(),
        p.conflicts
    );
    eng.tick(p.check_at).unwrap();
    let out = eng.effects().unwrap();
    // a-promo's e-mail went out; b-news's SMS waits for the cap across channels and flows.
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].flow.as_str(), "a-promo");
    let waiting = eng.enrollments(Some(&"b-news".into()), None).unwrap();
    assert_eq!(waiting[0].due, Some(t("2026-12-08T09:00:00Z")));
    // Now the contact's cap is full: the next preview of a-promo says so.
    let p = eng.preview_schedule(&"a-promo".into(), p.check_at).unwrap();
    assert_eq!(p.contacts[0].deferred_by, Some(DeferReason::FrequencyCap));
}

#[test]
fn same_condition_conflicts() {
    let mut eng = Engine::new(EngineConfig::default()).unwrap();
    let t0 = t("2026-12-07T08:00:00Z");
    let flow = |id: &str, trigger: &str| {
        Flow::from_json(&format!(
            r#"{{"id": "{id}", "name": "{id}", "status": "active", "triggers": [{trigger}],
            "start": "end", "nodes": [{{"id": "end", "type": "exit"}}]}}"#
        ))
        .unwrap()
    };
    let vip = r#"{"type": "schedule", "recurrence": {"kind": "every", "minutes": 1440},
        "condition": {"type": "in_segment", "segment": "vip"}}"#;
    eng.publish(flow("vip-news", vip), t0).unwrap();
    eng.publish(
        flow(
            "vip-welcome",
            r#"{"type": "segment", "segment": "vip", "on": "entered"}"#,
        ),
        t0,
    )
    .unwrap();
    eng.publish(flow("vip-digest", vip), t0).unwrap();
    let c = eng.schedule_conflicts(&"vip-news".into(), t0).unwrap();
    let got: Vec<(&str, ConflictReason)> = c.iter().map(|c| (c.flow.as_str(), c.reason)).collect();
    assert_eq!(
        got,
        [
            ("vip-digest", ConflictReason::SameCondition),
            ("vip-welcome", ConflictReason::SameCondition)
        ]
    );
    // A paused flow conflicts with nothing.
    eng.set_status(&"vip-welcome".into(), FlowStatus::Paused, t0)
        .unwrap();
    assert_eq!(
        eng.schedule_conflicts(&"vip-news".into(), t0)
            .unwrap()
            .len(),
        1
    );
    // The flow started by the segment sees the automatic sends too (it is no automatic send
    // itself, so it has no preview).
    let err = eng.preview_schedule(&"vip-welcome".into(), t0).unwrap_err();
    assert_eq!(err.code(), "engine.preview.not_scheduled");
}

#[test]
fn preview_errors() {
    let mut eng = engine();
    let now = t("2026-12-06T23:00:00Z");
    let err = eng.preview_schedule(&"nope".into(), now).unwrap_err();
    assert_eq!(err.code(), "engine.flow.unknown");
    let err = eng.preview_schedule(&"signup".into(), now).unwrap_err();
    assert_eq!(
        (err.code(), err.path()),
        ("engine.preview.not_scheduled", Some("/triggers"))
    );
    assert_eq!(err.location().flow.as_deref(), Some("signup"));
    let err = eng
        .preview_schedule(&"weekly".into(), t("2026-12-06T22:00:00Z"))
        .unwrap_err();
    assert_eq!(err.code(), "engine.clock.backwards");
    eng.set_status(&"weekly".into(), FlowStatus::Paused, now)
        .unwrap();
    let err = eng.preview_schedule(&"weekly".into(), now).unwrap_err();
    assert_eq!(
        (err.code(), err.path()),
        ("engine.preview.inactive", Some("/status"))
    );
    assert!(err.to_string().contains("paused"));
    let err = eng.schedule_conflicts(&"weekly".into(), now).unwrap_err();
    assert_eq!(err.code(), "engine.preview.inactive");
    // Active again: the check is the next Monday 07:00, as the engine runs it.
    eng.set_status(&"weekly".into(), FlowStatus::Active, now)
        .unwrap();
    let p = eng.preview_schedule(&"weekly".into(), now).unwrap();
    assert_eq!(p.check_at, t("2026-12-07T06:00:00Z"));
    assert_eq!(eng.next_wakeup().unwrap(), Some(p.check_at));
}
