//! The flow engine (issue 11): one tick moving every enrolled contact through four nodes (a wait
//! firing, a random split, a condition or a goal, the next wait), and one send with rendering.
//!
//! - `engine/tick_4_steps_per_contact`: `ENGINE_CONTACTS` contacts (default 10,000) enrolled and
//!   waiting; the measured tick runs 4 × that many steps.
//! - `engine/send_rendered`: the same with a send node (merge fields, HTML escaping, policy, caps)
//!   instead of the split.
//!
//! The 1M-contact figures come from the `engine-bench` binary (see `benches/RESULTS.md`).
//! Run: `cargo bench -p sequenza-benches --bench engine -- --warm-up-time 1 --measurement-time 5`.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use chrono::{DateTime, TimeDelta, Utc};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use sequenza::engine::{Engine, EngineConfig};
use sequenza::store::MemoryStore;
use sequenza::{Contact, Flow};

fn contacts() -> usize {
    std::env::var("ENGINE_CONTACTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000)
}

const STEPS: &str = r#"{"id": "steps", "name": "Steps", "status": "active",
  "triggers": [{"type": "manual", "recipients": {"kind": "api"}}], "start": "w1",
  "nodes": [
    {"id": "w1", "type": "wait", "duration": {"amount": 1, "unit": "days"}},
    {"id": "ab", "type": "random_split", "variants": [{"name": "A", "percent": 50}, {"name": "B", "percent": 50}]},
    {"id": "gold", "type": "condition", "condition": {"type": "field", "field": "tier", "op": "eq", "value": "gold"}},
    {"id": "won", "type": "goal", "name": "won"},
    {"id": "w2", "type": "wait", "duration": {"amount": 1, "unit": "days"}},
    {"id": "end", "type": "exit"}],
  "edges": [{"from": "w1", "to": "ab"}, {"from": "ab", "to": "gold", "label": "A"},
    {"from": "ab", "to": "won", "label": "B"}, {"from": "gold", "to": "w2", "label": "yes"},
    {"from": "gold", "to": "w2", "label": "no"}, {"from": "won", "to": "w2"}, {"from": "w2", "to": "end"}]}"#;

const SEND: &str = r#"{"id": "mail", "name": "Mail", "status": "active",
  "triggers": [{"type": "manual", "recipients": {"kind": "api"}}], "start": "w1",
  "nodes": [
    {"id": "w1", "type": "wait", "duration": {"amount": 1, "unit": "days"}},
    {"id": "hello", "type": "send", "channel": "email",
     "content": {"subject": "Ciao {{ first_name | \"amico\" }}", "body": "Livello {{ tier }}", "html": "<b>{{ first_name }}</b>"}},
    {"id": "w2", "type": "wait", "duration": {"amount": 1, "unit": "days"}}],
  "edges": [{"from": "w1", "to": "hello"}, {"from": "hello", "to": "w2"}]}"#;

fn engine(flow: &str, n: usize) -> (Engine, DateTime<Utc>) {
    let t0: DateTime<Utc> = "2026-12-07T09:00:00Z".parse().unwrap();
    let mut eng = Engine::with_store(
        EngineConfig::default(),
        MemoryStore::new().without_history(),
    )
    .unwrap();
    let flow = Flow::from_json(flow).unwrap();
    let id = flow.id.clone();
    eng.publish(flow, t0).unwrap();
    let mut ids = Vec::with_capacity(n);
    for i in 0..n {
        let mut c = Contact::new(format!("c{i:07}"));
        c.email = Some(format!("c{i}@example.com"));
        c.fields.insert("first_name".into(), format!("N{i}").into());
        c.fields.insert(
            "tier".into(),
            if i % 3 == 0 { "gold" } else { "silver" }.into(),
        );
        ids.push(c.id.clone());
        eng.upsert_contact(c, t0).unwrap();
    }
    for chunk in ids.chunks(10_000) {
        eng.enroll(&id, chunk, t0).unwrap();
    }
    (eng, t0 + TimeDelta::days(1) + TimeDelta::seconds(1))
}

fn bench(c: &mut Criterion) {
    let n = contacts();
    let mut g = c.benchmark_group("engine");
    g.sample_size(10);
    g.throughput(Throughput::Elements(4 * n as u64));
    g.bench_function("tick_4_steps_per_contact", |b| {
        b.iter_batched(
            || engine(STEPS, n),
            |(mut eng, at)| assert_eq!(eng.tick(at).unwrap(), 4 * n),
            BatchSize::PerIteration,
        );
    });
    g.throughput(Throughput::Elements(n as u64));
    g.bench_function("send_rendered", |b| {
        b.iter_batched(
            || engine(SEND, n),
            |(mut eng, at)| assert_eq!(eng.tick(at).unwrap(), 3 * n),
            BatchSize::PerIteration,
        );
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
