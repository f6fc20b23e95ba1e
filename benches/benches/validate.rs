//! Flow parsing and validation, next to a JSON Schema validator (the `jsonschema` crate) checking
//! the same documents against the committed flow schema.
//!
//! Run: `cargo bench -p sequenza-benches --bench validate`.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use sequenza::{validate_flow, validate_flows, FieldSchema, Flow};
use sequenza_benches::{big_flow, fields, flow_set};

fn bench(c: &mut Criterion) {
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../../core/schema/flow.schema.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let fields = FieldSchema::from_json(&fields().to_string()).unwrap();

    let mut g = c.benchmark_group("flow");
    for n in [100usize, 1_000, 10_000] {
        let doc = big_flow(n);
        let text = doc.to_string();
        let flow = Flow::from_json(&text).unwrap();
        assert!(validate_flow(&flow, Some(&fields)).is_empty());
        assert!(validator.is_valid(&doc));
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::new("sequenza_parse", n), &text, |b, t| {
            b.iter(|| Flow::from_json(t).unwrap())
        });
        g.bench_with_input(BenchmarkId::new("sequenza_validate", n), &flow, |b, f| {
            b.iter(|| validate_flow(f, Some(&fields)))
        });
        g.bench_with_input(
            BenchmarkId::new("sequenza_parse_and_validate", n),
            &text,
            |b, t| b.iter(|| validate_flow(&Flow::from_json(t).unwrap(), Some(&fields))),
        );
        g.bench_with_input(
            BenchmarkId::new("jsonschema_crate_parse_and_check", n),
            &text,
            |b, t| {
                b.iter(|| {
                    let v: serde_json::Value = serde_json::from_str(t).unwrap();
                    validator.is_valid(&v)
                })
            },
        );
    }
    g.finish();

    let mut g = c.benchmark_group("flow_set");
    let set: Vec<Flow> = flow_set(1_000)
        .iter()
        .map(|v| Flow::from_json(&v.to_string()).unwrap())
        .collect();
    g.throughput(Throughput::Elements(set.len() as u64));
    g.bench_function("validate_flows_1000", |b| {
        b.iter(|| validate_flows(&set, Some(&fields)))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
