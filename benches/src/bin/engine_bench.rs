//! The flow engine at scale: node steps per second with N contacts enrolled (default 1,000,000),
//! bytes per waiting enrollment, and sends with rendering apart.
//! Usage: `engine-bench [contacts]`. Figures go to `benches/RESULTS.md`.

use std::time::Instant;

use chrono::{DateTime, TimeDelta, Utc};
use sequenza::engine::{Engine, EngineConfig};
use sequenza::store::MemoryStore;
use sequenza::{Contact, Flow};

/// Resident memory of this process, in bytes (Linux `/proc/self/statm`).
fn rss() -> u64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map_or(0, |pages| pages * 4096)
}

const STEPS_FLOW: &str = r#"{
  "id": "steps", "name": "Steps", "status": "active",
  "triggers": [{"type": "manual", "recipients": {"kind": "api"}}],
  "start": "w1",
  "nodes": [
    {"id": "w1", "type": "wait", "duration": {"amount": 1, "unit": "days"}},
    {"id": "ab", "type": "random_split", "variants": [{"name": "A", "percent": 50}, {"name": "B", "percent": 50}]},
    {"id": "gold", "type": "condition", "condition": {"type": "field", "field": "tier", "op": "eq", "value": "gold"}},
    {"id": "won", "type": "goal", "name": "won"},
    {"id": "w2", "type": "wait", "duration": {"amount": 1, "unit": "days"}},
    {"id": "end", "type": "exit"}
  ],
  "edges": [
    {"from": "w1", "to": "ab"},
    {"from": "ab", "to": "gold", "label": "A"}, {"from": "ab", "to": "won", "label": "B"},
    {"from": "gold", "to": "w2", "label": "yes"}, {"from": "gold", "to": "w2", "label": "no"},
    {"from": "won", "to": "w2"},
    {"from": "w2", "to": "end"}
  ]
}"#;

const SEND_FLOW: &str = r#"{
  "id": "mail", "name": "Mail", "status": "active",
  "triggers": [{"type": "manual", "recipients": {"kind": "api"}}],
  "start": "w1",
  "nodes": [
    {"id": "w1", "type": "wait", "duration": {"amount": 1, "unit": "days"}},
    {"id": "hello", "type": "send", "channel": "email",
     "content": {"subject": "Ciao {{ first_name | \"amico\" }}", "body": "Il tuo livello: {{ tier }}.",
                 "html": "<p>Ciao <b>{{ first_name }}</b></p>"}},
    {"id": "w2", "type": "wait", "duration": {"amount": 1, "unit": "days"}}
  ],
  "edges": [{"from": "w1", "to": "hello"}, {"from": "hello", "to": "w2"}]
}"#;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let t0: DateTime<Utc> = "2026-12-07T09:00:00Z".parse()?;
    let mut eng = Engine::with_store(
        EngineConfig::default(),
        MemoryStore::new().without_history(),
    )?;
    eng.publish(Flow::from_json(STEPS_FLOW)?, t0)?;
    eng.publish(Flow::from_json(SEND_FLOW)?, t0)?;

    let before = rss();
    let t = Instant::now();
    for i in 0..n {
        let mut c = Contact::new(format!("c{i:07}"));
        c.email = Some(format!("c{i}@example.com"));
        c.fields.insert("first_name".into(), format!("N{i}").into());
        let tier = if i % 3 == 0 { "gold" } else { "silver" };
        c.fields.insert("tier".into(), tier.into());
        eng.upsert_contact(c, t0)?;
    }
    let load = t.elapsed();
    let after_contacts = rss();
    println!(
        "{n} contacts loaded in {:.2} s ({:.0} B RSS per contact)",
        load.as_secs_f64(),
        (after_contacts - before) as f64 / n as f64
    );

    let ids: Vec<_> = (0..n).map(|i| format!("c{i:07}").into()).collect();
    let t = Instant::now();
    for chunk in ids.chunks(10_000) {
        eng.enroll(&"steps".into(), chunk, t0)?;
    }
    let enroll = t.elapsed();
    let after_enroll = rss();
    let per = (after_enroll.saturating_sub(after_contacts)) as f64 / n as f64;
    println!(
        "{n} enrolled (each waiting on its first node) in {:.2} s: {per:.0} B RSS per waiting enrollment",
        enroll.as_secs_f64()
    );

    let t = Instant::now();
    let steps = eng.tick(t0 + TimeDelta::days(1) + TimeDelta::seconds(1))?;
    let el = t.elapsed().as_secs_f64();
    println!(
        "tick: {steps} steps in {el:.2} s = {:.0} steps/s (wait fires, random split, condition or goal, next wait)",
        steps as f64 / el
    );
    assert_eq!(steps, 4 * n);

    // Sends with rendering, apart: a tenth of the contacts.
    let m = (n / 10).max(1);
    let now = t0 + TimeDelta::days(1) + TimeDelta::seconds(2);
    for chunk in ids[..m].chunks(10_000) {
        eng.enroll(&"mail".into(), chunk, now)?;
    }
    // The first flow's last steps (second wait fires, exit), before the sends.
    let t = Instant::now();
    let steps = eng.tick(t0 + TimeDelta::days(2) + TimeDelta::seconds(1))?;
    let el = t.elapsed().as_secs_f64();
    println!(
        "tick: {steps} steps in {el:.2} s = {:.0} steps/s (wait fires, exit)",
        steps as f64 / el
    );
    let t = Instant::now();
    let steps = eng.tick(now + TimeDelta::days(1))?;
    let el = t.elapsed().as_secs_f64();
    let sent = eng.stats(&"mail".into())?.totals.sent;
    println!(
        "sends with rendering: {sent} e-mails ({steps} steps) in {el:.2} s = {:.0} sends/s, {:.0} steps/s",
        sent as f64 / el,
        steps as f64 / el
    );
    assert_eq!(eng.effects()?.len() as u64, sent);
    Ok(())
}
