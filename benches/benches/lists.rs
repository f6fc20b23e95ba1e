//! Lists (issue 5): creating an auto-updating list from a source over many contacts, then the
//! cost of one activity reaching it.
//!
//! - `lists/create_auto_coupon_list`: an auto-updating "coupon downloaded in the first quarter,
//!   women, not used" list created over `LISTS_CONTACTS` contacts (default 1,000,000; about a
//!   third downloaded a coupon), through the segment index's single-contact evaluation.
//! - `lists/one_activity`: one coupon download or redemption of a random contact with that list
//!   in place (the contact enters or leaves the list).
//!
//! Peak memory (VmHWM) after loading the audience is printed on stderr.
//!
//! Run: `cargo bench -p sequenza-benches --bench lists -- --warm-up-time 1 --measurement-time 5`.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::time::{Duration, Instant};

use chrono::TimeDelta;
use criterion::{criterion_group, criterion_main, Criterion};
use sequenza::list::{Activity, Audience, List, Source};
use sequenza::model::Value;
use sequenza::Contact;
use sequenza_benches::contacts::{now, SplitMix};

fn contacts() -> usize {
    std::env::var("LISTS_CONTACTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000)
}

fn peak_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM"))
                .map(str::to_owned)
        })
        .unwrap_or_default()
}

fn audience(n: usize) -> Audience {
    let mut rng = SplitMix::new(5);
    let mut a = Audience::new().with_default_time_zone(chrono_tz::Europe::Rome);
    let t = now();
    let genders = ["F", "M", "donna", "uomo", "female", "male"];
    for i in 0..n {
        let mut c = Contact::new(format!("c{i:07}"));
        let g = genders[rng.below(genders.len() as u64) as usize];
        c.fields.insert("gender".into(), Value::Text(g.into()));
        let year = 1950 + rng.below(55);
        c.fields.insert(
            "birth_date".into(),
            Value::Text(format!("{year}-0{}-1{}", 1 + rng.below(9), rng.below(9))),
        );
        let id = c.id.clone();
        a.upsert_contact(c, t).expect("no field schema");
        if rng.chance(0.33) {
            let at = t - TimeDelta::days(rng.below(330) as i64);
            a.record(
                &id,
                Activity::CouponDownloaded {
                    coupon: "Q1".into(),
                },
                at,
                t,
            );
            if rng.chance(0.3) {
                a.record(
                    &id,
                    Activity::CouponRedeemed {
                        coupon: "Q1".into(),
                    },
                    at,
                    t,
                );
            }
        }
    }
    a
}

fn source() -> Source {
    Source::from_json(
        r#"{"type": "coupon", "gender": "female", "used": false,
            "dates": {"from": "2026-01-01", "to": "2026-03-31"}}"#,
    )
    .unwrap()
}

fn bench(c: &mut Criterion) {
    let n = contacts();
    let started = Instant::now();
    let mut a = audience(n);
    eprintln!(
        "lists: {n} contacts loaded in {:.1?}; {}",
        started.elapsed(),
        peak_memory()
    );
    let mut g = c.benchmark_group("lists");
    g.sample_size(10);
    let mut k = 0u64;
    g.bench_function("create_auto_coupon_list", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                k += 1;
                let mut list = List::new(format!("l{k}"), "Q1 women, unused", source());
                list.auto_update = true;
                list.remove_exits = true;
                let id = list.id.clone();
                let t = Instant::now();
                let count = a.create_list(list, now()).unwrap();
                total += t.elapsed();
                std::hint::black_box(count);
                a.delete_list(&id, now()).unwrap();
            }
            total
        })
    });
    eprintln!("lists: after creating lists, {}", peak_memory());
    let mut list = List::new("kept", "Q1 women, unused", source());
    list.auto_update = true;
    list.remove_exits = true;
    let count = a.create_list(list, now()).unwrap();
    eprintln!("lists: the list holds {count} contacts");
    let mut rng = SplitMix::new(9);
    let at = now() - TimeDelta::days(300);
    g.bench_function("one_activity", |b| {
        b.iter(|| {
            let id = format!("c{:07}", rng.below(n as u64)).into();
            let act = if rng.chance(0.5) {
                Activity::CouponDownloaded {
                    coupon: "Q1".into(),
                }
            } else {
                Activity::CouponRedeemed {
                    coupon: "Q1".into(),
                }
            };
            std::hint::black_box(a.record(&id, act, at, now()))
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
