//! A paused automatic send skips the checks its pause covered: resumed (or published active
//! again), it checks from the resume on, and does not run the missed checks late one by one.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, Utc};
use sequenza::engine::{Engine, EngineConfig};
use sequenza::flow::FlowStatus;
use sequenza::{Contact, Flow};

fn t(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// Every day at 09:00 (Rome) every contact enters again and gets an e-mail.
const DAILY: &str = r#"{"id": "daily", "name": "Daily", "status": "active",
  "triggers": [{"type": "schedule", "recurrence": {"kind": "weekly", "weekdays": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "times": ["09:00"]}}],
  "start": "mail",
  "nodes": [{"id": "mail", "type": "send", "channel": "email", "content": {"subject": "Oggi", "body": "…"}}],
  "settings": {"reentry": {"mode": "restart"}}}"#;

/// An engine where the daily send ran once, on 1 December, and was paused at 11:00 Rome.
fn paused() -> Engine {
    let config = EngineConfig {
        default_time_zone: "Europe/Rome".into(),
        ..EngineConfig::default()
    };
    let mut eng = Engine::new(config).unwrap();
    let t0 = t("2026-12-01T07:00:00Z");
    eng.publish(Flow::from_json(DAILY).unwrap(), t0).unwrap();
    let anna = Contact::from_json(r#"{"id": "anna", "email": "anna@example.com"}"#).unwrap();
    eng.upsert_contact(anna, t0).unwrap();
    eng.tick(t("2026-12-01T08:30:00Z")).unwrap();
    assert_eq!(entered(&eng), 1);
    eng.set_status(
        &"daily".into(),
        FlowStatus::Paused,
        t("2026-12-01T10:00:00Z"),
    )
    .unwrap();
    eng.tick(t("2026-12-04T10:00:00Z")).unwrap();
    assert_eq!(entered(&eng), 1, "a paused flow starts nobody");
    assert_eq!(eng.next_wakeup().unwrap(), None);
    eng
}

fn entered(eng: &Engine) -> u64 {
    eng.stats(&"daily".into()).unwrap().totals.entered
}

#[test]
fn a_resumed_automatic_send_skips_the_checks_of_its_pause() {
    let mut eng = paused();
    let resume = t("2026-12-04T11:00:00Z");
    eng.set_status(&"daily".into(), FlowStatus::Active, resume)
        .unwrap();
    eng.tick(resume).unwrap();
    // The checks of 2, 3 and 4 December are not run late.
    assert_eq!(entered(&eng), 1);
    assert_eq!(eng.next_wakeup().unwrap(), Some(t("2026-12-05T08:00:00Z")));
    eng.tick(t("2026-12-05T08:00:00Z")).unwrap();
    assert_eq!(entered(&eng), 2);
}

#[test]
fn publishing_a_paused_automatic_send_active_skips_the_checks_of_its_pause() {
    let mut eng = paused();
    let resume = t("2026-12-04T11:00:00Z");
    eng.publish(Flow::from_json(DAILY).unwrap(), resume)
        .unwrap();
    eng.tick(resume).unwrap();
    assert_eq!(entered(&eng), 1);
    assert_eq!(eng.next_wakeup().unwrap(), Some(t("2026-12-05T08:00:00Z")));
}

#[test]
fn republishing_an_active_automatic_send_keeps_its_checks() {
    let mut eng = paused();
    let resume = t("2026-12-04T11:00:00Z");
    eng.set_status(&"daily".into(), FlowStatus::Active, resume)
        .unwrap();
    // A new version of the active flow, published before the engine ran the 5 December check
    // that was due: the check is kept and runs.
    let late = t("2026-12-05T09:00:00Z");
    let mut eng2 = eng;
    eng2.publish(Flow::from_json(DAILY).unwrap(), late).unwrap();
    assert_eq!(entered(&eng2), 2, "the due check ran at its own instant");
}
