//! Counts the 6-clause benchmark segment over N synthetic contacts with sequenza's bulk
//! evaluator, single-threaded, and prints the count and the timings as one JSON line.
//! `benches/peers/segment_peers.py` runs it and checks that every peer finds the same count.
//!
//! ```text
//! cargo run --release -p sequenza-benches --bin bulk_count -- [--n 1000000] [--seed 42]
//!     [--repeat 15] [--write-csv DIR] [--from-contacts]
//! ```

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::time::Instant;

use sequenza::condition::bulk::ContactTable;
use sequenza_benches::contacts::{now, segment, Synthetic};

fn arg<T: std::str::FromStr>(args: &[String], name: &str, default: T) -> T {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = arg(&args, "--n", 1_000_000);
    let seed: u64 = arg(&args, "--seed", 42);
    let repeat: usize = arg(&args, "--repeat", 15).max(1);

    let t = Instant::now();
    let data = Synthetic::generate(n, seed);
    let gen_ms = t.elapsed().as_secs_f64() * 1e3;

    if let Some(dir) = args
        .iter()
        .position(|a| a == "--write-csv")
        .and_then(|i| args.get(i + 1))
    {
        data.write_csv(&PathBuf::from(dir))?;
    }

    let t = Instant::now();
    let table = data.to_table()?;
    let build_ms = t.elapsed().as_secs_f64() * 1e3;

    let from_contacts_ms = if args.iter().any(|a| a == "--from-contacts") {
        let (contacts, events) = data.to_contacts();
        let t = Instant::now();
        let other = ContactTable::from_contacts(&contacts, &events, None)?;
        let ms = t.elapsed().as_secs_f64() * 1e3;
        let a = other.evaluate(&segment(), now(), chrono_tz::UTC)?.count();
        let b = table.evaluate(&segment(), now(), chrono_tz::UTC)?.count();
        assert_eq!(a, b, "from_contacts and builder tables disagree");
        Some(ms)
    } else {
        None
    };

    let condition = segment();
    let mut times = Vec::with_capacity(repeat);
    let mut count = 0;
    for _ in 0..repeat {
        let t = Instant::now();
        let hits = table.evaluate(&condition, now(), chrono_tz::UTC)?;
        count = hits.count();
        times.push(t.elapsed().as_secs_f64() * 1e3);
    }
    let naive = data.segment_count_naive();
    assert_eq!(count, naive, "bulk count differs from the direct count");
    let best = times.iter().copied().fold(f64::INFINITY, f64::min);
    println!(
        "{{\"n\": {n}, \"events\": {}, \"count\": {count}, \"generate_ms\": {gen_ms:.1}, \
         \"build_ms\": {build_ms:.1}, \"from_contacts_ms\": {}, \"eval_median_ms\": {:.3}, \
         \"eval_min_ms\": {best:.3}}}",
        data.orders.len() + data.opens.len(),
        from_contacts_ms.map_or("null".to_owned(), |m| format!("{m:.1}")),
        median(times),
    );
    Ok(())
}
