//! The conformance suite every [`Store`] must pass: run it from a test of your store.
//!
//! ```
//! use sequenza::store::{conformance, MemoryStore};
//! conformance::run(MemoryStore::new)?;
//! # Ok::<(), String>(())
//! ```

use chrono::{DateTime, TimeDelta, Utc};

use super::{Batch, Enrollment, StatDelta, StatKind, Store, WaitKind};
use crate::engine::{Action, Effect, EffectKey, EffectKind, EnrollmentState, HistoryEntry};
use crate::flow::{Flow, FlowStatus};
use crate::model::{Channel, ContactId, FlowId};

fn t(minutes: i64) -> DateTime<Utc> {
    DateTime::<Utc>::UNIX_EPOCH + TimeDelta::days(20_000) + TimeDelta::minutes(minutes)
}

fn check(ok: bool, what: &str) -> Result<(), String> {
    if ok {
        Ok(())
    } else {
        Err(format!("store conformance: {what}"))
    }
}

fn e(flow: &str, contact: &str, due: Option<i64>) -> Enrollment {
    let mut e = Enrollment::new(flow.into(), contact.into(), 1, 1, t(0));
    e.node = 0;
    e.wait = if due.is_some() {
        WaitKind::Timer
    } else {
        WaitKind::None
    };
    e.due = due.map(t);
    e
}

fn effect(key: &str, contact: &str) -> Effect {
    Effect {
        key: EffectKey(key.to_owned()),
        kind: EffectKind::Send,
        flow: "f".into(),
        version: 1,
        node: Some("n".into()),
        contact: contact.into(),
        channel: Some(Channel::Email),
        to: Some("a@example.com".to_owned()),
        at: t(0),
        template: None,
        content: None,
        request: None,
        team: None,
    }
}

fn flow(id: &str, version: u32) -> Result<Flow, String> {
    let mut f = Flow::from_json(&format!(
        r#"{{"id": "{id}", "name": "F", "triggers": [{{"type": "manual", "recipients": {{"kind": "api"}}}}],
          "start": "x", "nodes": [{{"id": "x", "type": "exit"}}]}}"#
    ))
    .map_err(|e| e.to_string())?;
    f.version = version;
    Ok(f)
}

fn commit<S: Store>(s: &mut S, b: Batch) -> Result<(), String> {
    s.begin().map_err(|e| e.to_string())?;
    s.commit(b).map_err(|e| e.to_string())
}

/// Runs every check on fresh stores made by `make`; the first failure is returned as text.
pub fn run<S: Store>(make: impl Fn() -> S) -> Result<(), String> {
    enrollments_and_timers(make())?;
    outbox(make())?;
    flows_and_clock(make())?;
    stats_history_cursors(make())?;
    Ok(())
}

fn enrollments_and_timers<S: Store>(mut s: S) -> Result<(), String> {
    let err = |e: super::StoreError| e.to_string();
    check(
        s.enrollment(&"f".into(), &"a".into())
            .map_err(err)?
            .is_none(),
        "empty store has an enrollment",
    )?;
    let mut b = Batch::default();
    b.enrollments.push(e("f", "b", Some(10)));
    b.enrollments.push(e("f", "a", Some(10)));
    b.enrollments.push(e("g", "a", Some(5)));
    b.enrollments.push(e("g", "c", None));
    let mut done = e("h", "a", None);
    done.state = EnrollmentState::Exited;
    done.reason = Some("goal".to_owned());
    b.enrollments.push(done.clone());
    commit(&mut s, b)?;
    let got = s.enrollment(&"f".into(), &"a".into()).map_err(err)?;
    check(
        got == Some(e("f", "a", Some(10))),
        "an enrollment reads back as written",
    )?;
    check(
        s.enrollment(&"h".into(), &"a".into()).map_err(err)? == Some(done),
        "a finished enrollment keeps its reason",
    )?;
    let due = s.due(None, t(10), 100).map_err(err)?;
    let keys: Vec<(String, String)> = due
        .iter()
        .map(|(_, f, c)| (f.to_string(), c.to_string()))
        .collect();
    check(
        keys == [
            ("g".into(), "a".into()),
            ("f".into(), "a".into()),
            ("f".into(), "b".into()),
        ],
        "due timers come earliest first, ties in (flow, contact) order",
    )?;
    check(
        s.due(None, t(9), 100).map_err(err)?.len() == 1,
        "only timers due by `up_to` are returned",
    )?;
    check(
        s.next_due().map_err(err)? == Some(t(5)),
        "next_due is the earliest timer",
    )?;
    let rest = s.due(due.first(), t(10), 1).map_err(err)?;
    check(
        rest.len() == 2 && rest[0].1.as_str() == "f",
        "due after a key, a tie group whole",
    )?;
    let of_a = s.enrollments(None, Some(&"a".into())).map_err(err)?;
    check(of_a.len() == 3, "enrollments of a contact")?;
    let of_f = s.enrollments(Some(&"f".into()), None).map_err(err)?;
    check(
        of_f.len() == 2 && of_f[0].contact.as_str() == "a",
        "enrollments of a flow in contact order",
    )?;
    // Rescheduling moves the timer; finishing removes it.
    let mut b = Batch::default();
    let mut moved = e("g", "a", Some(20));
    moved.step = 2;
    b.enrollments.push(moved);
    let mut fin = e("f", "a", None);
    fin.state = EnrollmentState::Finished;
    b.enrollments.push(fin);
    commit(&mut s, b)?;
    check(
        s.next_due().map_err(err)? == Some(t(10)),
        "a rescheduled or finished enrollment leaves its old timer",
    )?;
    check(
        s.due(None, t(30), 100).map_err(err)?.len() == 2,
        "timers after rescheduling",
    )?;
    // A paused wait has no timer.
    let mut b = Batch::default();
    let mut paused = e("f", "b", Some(10));
    paused.wait = WaitKind::Paused;
    b.enrollments.push(paused);
    commit(&mut s, b)?;
    check(
        s.next_due().map_err(err)? == Some(t(20)),
        "a paused enrollment has no timer",
    )?;
    Ok(())
}

fn outbox<S: Store>(mut s: S) -> Result<(), String> {
    let err = |e: super::StoreError| e.to_string();
    let mut b = Batch::default();
    b.effects.push(effect("k2", "a"));
    b.effects.push(effect("k1", "b"));
    b.sent.push(("a".into(), (t(0), Channel::Email, false)));
    commit(&mut s, b)?;
    let out = s.outbox().map_err(err)?;
    check(
        out.len() == 2 && out[0].key.as_str() == "k2",
        "the outbox is oldest first",
    )?;
    let mut b = Batch::default();
    b.acknowledged.push(EffectKey("k2".to_owned()));
    commit(&mut s, b)?;
    check(
        s.outbox().map_err(err)?.len() == 1,
        "an acknowledged effect leaves the outbox",
    )?;
    check(
        matches!(
            s.effect(&EffectKey("k2".to_owned())).map_err(err)?,
            Some((_, true))
        ),
        "an acknowledged effect is still known, as done",
    )?;
    check(
        matches!(
            s.effect(&EffectKey("k1".to_owned())).map_err(err)?,
            Some((_, false))
        ),
        "a pending effect is known, as pending",
    )?;
    check(
        s.effect(&EffectKey("zz".to_owned()))
            .map_err(err)?
            .is_none(),
        "an unknown key",
    )?;
    check(
        s.sent(&ContactId::from("a")).map_err(err)?.len() == 1,
        "sent messages per contact",
    )?;
    Ok(())
}

fn flows_and_clock<S: Store>(mut s: S) -> Result<(), String> {
    let err = |e: super::StoreError| e.to_string();
    let mut b = Batch {
        clock: Some(t(5)),
        ..Batch::default()
    };
    b.flows.push(flow("w", 1)?);
    b.flows.push(flow("w", 2)?);
    b.statuses.push(("w".into(), FlowStatus::Active));
    commit(&mut s, b)?;
    check(
        s.clock().map_err(err)? == Some(t(5)),
        "the clock is the last input's",
    )?;
    let heads = s.flows().map_err(err)?;
    check(
        heads.len() == 1 && heads[0].version == 2 && heads[0].status == FlowStatus::Active,
        "the head of a flow is its latest version and status",
    )?;
    check(
        s.flow(&"w".into(), 1).map_err(err)?.is_some(),
        "old versions are kept",
    )?;
    check(
        s.flow(&"w".into(), 3).map_err(err)?.is_none(),
        "no such version",
    )?;
    s.begin().map_err(err)?;
    s.rollback();
    check(
        s.clock().map_err(err)? == Some(t(5)),
        "a rolled-back unit writes nothing",
    )?;
    Ok(())
}

fn stats_history_cursors<S: Store>(mut s: S) -> Result<(), String> {
    let err = |e: super::StoreError| e.to_string();
    let flow_id: FlowId = "f".into();
    let delta = |kind, node: Option<&str>, reason: Option<&str>, d| StatDelta {
        flow: flow_id.clone(),
        node: node.map(Into::into),
        day: t(0).date_naive(),
        kind,
        reason: reason.map(str::to_owned),
        delta: d,
    };
    let mut b = Batch::default();
    b.stats.push(delta(StatKind::Entered, None, None, 1));
    b.stats.push(delta(StatKind::Sent, Some("n"), None, 1));
    b.stats.push(delta(StatKind::Waiting, Some("n"), None, 1));
    b.stats
        .push(delta(StatKind::Skipped, Some("n"), Some("stale"), 1));
    b.stats
        .push(delta(StatKind::Refused, None, Some("cooldown"), 1));
    b.history.push(HistoryEntry {
        at: t(0),
        flow: flow_id.clone(),
        version: 1,
        contact: "a".into(),
        node: None,
        action: Action::Entered,
        reason: None,
        effect: None,
        by: None,
    });
    b.cursors.push((flow_id.clone(), 0, t(3)));
    commit(&mut s, b)?;
    let st = s.stats(&flow_id).map_err(err)?;
    check(
        st.totals.entered == 1 && st.totals.sent == 1 && st.totals.waiting == 1,
        "flow totals",
    )?;
    let node = st.nodes.get(&"n".into()).cloned().unwrap_or_default();
    check(
        node.sent == 1 && node.skipped.get("stale") == Some(&1),
        "per-node counters",
    )?;
    check(st.refused.get("cooldown") == Some(&1), "refusals by reason")?;
    check(
        st.days.get(&t(0).date_naive()).is_some_and(|d| d.sent == 1),
        "per-day counters",
    )?;
    let mut b = Batch::default();
    b.stats.push(delta(StatKind::Waiting, Some("n"), None, -1));
    commit(&mut s, b)?;
    check(
        s.stats(&flow_id).map_err(err)?.totals.waiting == 0,
        "waiting goes down",
    )?;
    let h = s.history(&"a".into(), None).map_err(err)?;
    check(
        h.len() == 1 && h[0].action == Action::Entered,
        "history of a contact",
    )?;
    check(
        s.history(&"a".into(), Some(&"g".into()))
            .map_err(err)?
            .is_empty(),
        "history filtered by flow",
    )?;
    check(
        s.cursor(&flow_id, 0).map_err(err)? == Some(t(3)),
        "trigger cursors",
    )?;
    check(
        s.cursor(&flow_id, 1).map_err(err)?.is_none(),
        "an unset cursor",
    )?;
    Ok(())
}
