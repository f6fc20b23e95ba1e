//! Bulk segment evaluation over 1,000,000 synthetic contacts (single thread): the 6-clause
//! segment of `sequenza_benches::contacts::segment`, each clause alone, and building the table
//! from columns. Peers (polars, pandas, SQLite) run the same filter in
//! `benches/peers/segment_peers.py`; numbers in `benches/RESULTS.md`.
//!
//! Run: `cargo bench -p sequenza-benches --bench bulk` (`BULK_N=100000` for a smaller table).

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use sequenza::condition::Condition;
use sequenza_benches::contacts::{now, segment, Synthetic};

fn bench(c: &mut Criterion) {
    let n: usize = std::env::var("BULK_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let data = Synthetic::generate(n, 42);
    let table = data.to_table().unwrap();
    let condition = segment();
    let expected = data.segment_count_naive();
    assert_eq!(
        table
            .evaluate(&condition, now(), chrono_tz::UTC)
            .unwrap()
            .count(),
        expected
    );

    let mut g = c.benchmark_group("bulk");
    g.sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
        .throughput(Throughput::Elements(n as u64));
    g.bench_function(format!("segment_6_clauses/{n}"), |b| {
        b.iter(|| table.evaluate(&condition, now(), chrono_tz::UTC).unwrap())
    });
    let Condition::And { conditions } = &condition else {
        unreachable!()
    };
    let names = [
        "city_in",
        "age_between",
        "tags_any",
        "spend_gt",
        "order_90d",
        "not_blacklist",
    ];
    for (name, clause) in names.iter().zip(conditions) {
        g.bench_function(format!("clause_{name}/{n}"), |b| {
            b.iter(|| table.evaluate(clause, now(), chrono_tz::UTC).unwrap())
        });
    }
    g.finish();

    let mut g = c.benchmark_group("bulk_build");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(8))
        .throughput(Throughput::Elements(n as u64));
    g.bench_function(format!("from_columns/{n}"), |b| {
        b.iter(|| data.to_table().unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
