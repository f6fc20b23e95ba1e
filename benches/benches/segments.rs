//! Single-contact segment evaluation and the incremental segment index.
//!
//! - `eval/segment_6_clauses_*`: the 6-clause segment of `sequenza_benches::contacts::segment`
//!   (the one the bulk bench runs over a million contacts) on one contact with 20 events, when
//!   it matches and when the first clause already fails; and `next_change_at` for it.
//! - `index/one_change_1000_segments`: one contact change (a field flipping a few segments in
//!   and out) applied through a [`SegmentIndex`] holding 1,000 segments and 1,000 contacts;
//!   only the handful of segments reading the field are re-evaluated.
//!
//! Run: `cargo bench -p sequenza-benches --bench segments`. Criterion writes the median of each
//! benchmark to `target/criterion/<group>/<name>/new/estimates.json`.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::time::Duration;

use chrono::TimeDelta;
use criterion::{criterion_group, criterion_main, Criterion};
use sequenza::condition::eval::{CompiledCondition, EvalContext};
use sequenza::segment::{ContactChange, Segment, SegmentIndex};
use sequenza::{Contact, Event};
use sequenza_benches::contacts::{now, segment};
use serde_json::json;

fn contact(city: &str) -> Contact {
    serde_json::from_value(json!({
        "id": "anna",
        "email": "anna@example.com",
        "fields": {"city": city, "age": 31, "spend_last_year": 420.5, "gender": "f",
                   "birth_date": "1995-04-12"},
        "tags": ["newsletter", "wine", "customer"],
        "lists": ["weekly"],
        "consent": {"email": {"status": "opted_in"}},
        "time_zone": "Europe/Rome"
    }))
    .unwrap()
}

fn events() -> Vec<Event> {
    (0..20)
        .map(|i| Event {
            contact: "anna".into(),
            name: if i % 2 == 0 {
                "order.placed"
            } else {
                "email.opened"
            }
            .into(),
            at: now() - TimeDelta::days(15 * i + 3),
            properties: Default::default(),
        })
        .collect()
}

fn index_with_1000_segments() -> SegmentIndex {
    let segments: Vec<Segment> = (0..1_000)
        .map(|i| {
            let condition = match i % 4 {
                0 => json!({"type": "field", "field": format!("f{}", i % 97), "op": "gt", "value": 10}),
                1 => json!({"type": "tags", "op": "has_any", "tags": [format!("t{}", i % 100)]}),
                2 => json!({"type": "and", "conditions": [
                    {"type": "field", "field": format!("f{}", i % 97), "op": "is_set"},
                    {"type": "in_list", "list": format!("l{}", i % 50)}]}),
                _ => json!({"type": "event", "name": format!("e{}", i % 20),
                    "within": {"amount": 30, "unit": "days"}}),
            };
            serde_json::from_value(json!({"id": format!("s{i}"), "name": format!("Segment {i}"),
                "condition": condition}))
            .unwrap()
        })
        .collect();
    let mut index = SegmentIndex::new();
    index.register_all(segments, now()).unwrap();
    for c in 0..1_000 {
        let fields: serde_json::Map<String, serde_json::Value> = (0..20)
            .map(|k| (format!("f{}", (c + k * 5) % 97), json!(k)))
            .collect();
        let contact: Contact = serde_json::from_value(json!({
            "id": format!("c{c}"), "fields": fields,
            "tags": [format!("t{}", c % 100)], "lists": [format!("l{}", c % 50)]
        }))
        .unwrap();
        index.apply(ContactChange::Upsert { contact }, now());
    }
    index
}

fn bench(c: &mut Criterion) {
    let compiled = CompiledCondition::compile(&segment(), None).unwrap();
    let events = events();
    let ctx = EvalContext::new(now());
    let yes = contact("Milano");
    let no = contact("Trieste");
    assert!(compiled.matches(&yes, &events, &ctx));
    assert!(!compiled.matches(&no, &events, &ctx));

    let mut g = c.benchmark_group("eval");
    g.warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    g.bench_function("segment_6_clauses_match", |b| {
        b.iter(|| compiled.matches(std::hint::black_box(&yes), &events, &ctx))
    });
    g.bench_function("segment_6_clauses_first_fails", |b| {
        b.iter(|| compiled.matches(std::hint::black_box(&no), &events, &ctx))
    });
    g.bench_function("segment_6_clauses_next_change_at", |b| {
        b.iter(|| compiled.next_change_at(std::hint::black_box(&yes), &events, &ctx))
    });
    g.finish();

    let mut index = index_with_1000_segments();
    let base = index.contact(&"c7".into()).unwrap().clone();
    let mut flipped = base.clone();
    // f7 is read by 5 of the 1,000 segments; 99 puts c7 into 3 of them, 0 takes it out again.
    flipped.fields.insert("f7".into(), 99.0.into());
    let mut cleared = base.clone();
    cleared.fields.insert("f7".into(), 0.0.into());
    let mut g = c.benchmark_group("index");
    g.warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    let mut toggle = false;
    g.bench_function("one_change_1000_segments", |b| {
        b.iter_batched(
            || {
                toggle = !toggle;
                ContactChange::Upsert {
                    contact: if toggle {
                        flipped.clone()
                    } else {
                        cleared.clone()
                    },
                }
            },
            |change| index.apply(change, now()),
            criterion::BatchSize::SmallInput,
        )
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
