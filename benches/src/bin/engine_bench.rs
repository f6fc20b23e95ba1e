//! The flow engine at scale: node steps per second with N contacts enrolled (default 1,000,000),
//! bytes per waiting enrollment, and sends with rendering apart.
//! Usage: `engine-bench [contacts]`. Figures go to `benches/RESULTS.md`.
//!
//! Bytes are measured, not computed: a counting global allocator ([`cap`]) gives the bytes live
//! on the heap (what was asked of the allocator, without its own overhead) before and after
//! each phase; RSS is printed beside it.

use std::time::Instant;

use cap::Cap;

use chrono::{DateTime, TimeDelta, Utc};
use sequenza::engine::{Engine, EngineConfig};
use sequenza::store::MemoryStore;
use sequenza::{Contact, Flow};

#[global_allocator]
static ALLOCATOR: Cap<std::alloc::System> = Cap::new(std::alloc::System, usize::MAX);

/// Bytes live on the heap now.
fn heap() -> usize {
    ALLOCATOR.allocated()
}

/// CPU time this thread has run, in seconds (`/proc/thread-self/schedstat`): on the shared
/// machine the wall time also counts the other processes' turns.
fn cpu() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .map_or(0.0, |ns| ns as f64 / 1e9)
}

/// A clock over CPU time and wall time.
struct Clock(Instant, f64);

impl Clock {
    fn start() -> Self {
        Clock(Instant::now(), cpu())
    }
    /// (CPU seconds, wall seconds) since the start.
    fn read(&self) -> (f64, f64) {
        (cpu() - self.1, self.0.elapsed().as_secs_f64())
    }
}

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

const PARK_FLOW: &str = r#"{
  "id": "park", "name": "Park", "status": "active",
  "triggers": [{"type": "manual", "recipients": {"kind": "api"}}],
  "start": "w",
  "nodes": [{"id": "w", "type": "wait", "duration": {"amount": 30, "unit": "days"}}, {"id": "end", "type": "exit"}],
  "edges": [{"from": "w", "to": "end"}]
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
    eng.publish(Flow::from_json(PARK_FLOW)?, t0)?;

    // Contacts of the shape of issue 12 §4: e-mail, four fields and a tag, through the batch
    // call, 10,000 at a time.
    let contact = |i: usize| {
        let mut c = Contact::new(format!("c{i:07}"));
        c.email = Some(format!("c{i}@example.com"));
        c.fields.insert("first_name".into(), format!("N{i}").into());
        let tier = if i.is_multiple_of(3) {
            "gold"
        } else {
            "silver"
        };
        c.fields.insert("tier".into(), tier.into());
        c.fields
            .insert("city".into(), ["Roma", "Milano", "Napoli"][i % 3].into());
        c.fields.insert("score".into(), ((i % 100) as f64).into());
        c.tags
            .insert(if i.is_multiple_of(2) { "vip" } else { "new" }.into());
        c
    };
    let (before, heap_before) = (rss(), heap());
    let (mut load_cpu, mut load_wall) = (0.0, 0.0);
    for start in (0..n).step_by(10_000) {
        let chunk: Vec<Contact> = (start..(start + 10_000).min(n)).map(contact).collect();
        let t = Clock::start();
        eng.upsert_contacts(chunk, t0)?;
        let (c, w) = t.read();
        load_cpu += c;
        load_wall += w;
    }
    let (after_contacts, heap_contacts) = (rss(), heap());
    println!(
        "load: {n} contacts (e-mail, 4 fields, 1 tag) with upsert_contacts: {load_cpu:.2} s CPU \
         ({load_wall:.2} s wall) = {:.0} contacts/s; heap {:.0} B per contact (RSS {:.0} B)",
        n as f64 / load_cpu,
        (heap_contacts - heap_before) as f64 / n as f64,
        (after_contacts - before) as f64 / n as f64
    );

    let ids: Vec<_> = (0..n).map(|i| format!("c{i:07}").into()).collect();
    let t = Clock::start();
    for chunk in ids.chunks(10_000) {
        eng.enroll(&"steps".into(), chunk, t0)?;
    }
    let (c, w) = t.read();
    let (after_enroll, heap_enroll) = (rss(), heap());
    println!(
        "enroll: {n} (each waiting on its first node): {c:.2} s CPU ({w:.2} s wall) = {:.0}/s; \
         heap {:.0} B per waiting enrollment (RSS {:.0} B)",
        n as f64 / c,
        heap_enroll.saturating_sub(heap_contacts) as f64 / n as f64,
        after_enroll.saturating_sub(after_contacts) as f64 / n as f64
    );

    let report = |what: &str, steps: usize, t: Clock| {
        let (c, w) = t.read();
        println!(
            "tick ({what}): {steps} steps: {c:.2} s CPU ({w:.2} s wall) = {:.0} steps/s",
            steps as f64 / c
        );
        c
    };
    let t = Clock::start();
    let steps = eng.tick(t0 + TimeDelta::days(1) + TimeDelta::seconds(1))?;
    report(
        "wait fires, random split, condition or goal, next wait",
        steps,
        t,
    );
    assert_eq!(steps, 4 * n);

    // Sends with rendering, apart: a tenth of the contacts.
    let m = (n / 10).max(1);
    let now = t0 + TimeDelta::days(1) + TimeDelta::seconds(2);
    // Every contact again in a third flow, where it waits 30 days: the enrollment alone (slot,
    // timer, the slot table's growth), the contact's interned id already counted above.
    let heap_before_park = heap();
    for chunk in ids.chunks(10_000) {
        eng.enroll(&"park".into(), chunk, now)?;
    }
    println!(
        "enroll in another flow: {n} contacts: heap {:.0} B per waiting enrollment beside the contact",
        heap().saturating_sub(heap_before_park) as f64 / n as f64
    );
    for chunk in ids[..m].chunks(10_000) {
        eng.enroll(&"mail".into(), chunk, now)?;
    }
    // The first flow's last steps (second wait fires, exit), before the sends.
    let t = Clock::start();
    let steps = eng.tick(t0 + TimeDelta::days(2) + TimeDelta::seconds(1))?;
    report("wait fires, exit", steps, t);
    let t = Clock::start();
    let steps = eng.tick(now + TimeDelta::days(1))?;
    let sent = eng.stats(&"mail".into())?.totals.sent;
    let c = report("sends with rendering", steps, t);
    println!("  = {:.0} sends/s ({sent} e-mails)", sent as f64 / c);
    assert_eq!(eng.effects()?.len() as u64, sent);
    Ok(())
}
