//! The segments part of `make demo`: 200,000 generated contacts with a year of orders, three
//! segments written in the text syntax, counted in bulk; then one contact moving through the
//! incremental segment index.

use std::time::Instant;

use chrono::{DateTime, Duration, TimeZone, Utc};
use sequenza::condition::bulk::ContactTable;
use sequenza::condition::Condition;
use sequenza::segment::{ContactChange, Segment, SegmentIndex};
use sequenza::{Contact, Event};

const CITIES: [&str; 6] = ["Milano", "Roma", "Torino", "Napoli", "Bologna", "Firenze"];
const TAGS: [&str; 4] = ["vip", "newsletter", "b2b", "wine"];

/// A small deterministic generator (splitmix64), so every run shows the same numbers.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn table(n: usize, now: DateTime<Utc>) -> Result<ContactTable, sequenza::Error> {
    let mut rng = Rng(42);
    let ids: Vec<String> = (0..n).map(|i| format!("c{i}")).collect();
    let mut city = Vec::with_capacity(n);
    let mut birth = Vec::with_capacity(n);
    let mut spend = Vec::with_capacity(n);
    let mut tags = Vec::with_capacity(n);
    let (mut who, mut at) = (Vec::new(), Vec::new());
    for row in 0..n {
        city.push(Some(CITIES[rng.below(CITIES.len() as u64) as usize]));
        let year = 1950 + rng.below(56);
        birth.push(Some(format!(
            "{year}-{:02}-{:02}",
            1 + rng.below(12),
            1 + rng.below(28)
        )));
        spend.push((rng.below(10) > 1).then(|| rng.below(2_000) as f64));
        tags.push(
            TAGS.iter()
                .copied()
                .filter(|_| rng.below(4) == 0)
                .collect::<Vec<_>>(),
        );
        for _ in 0..rng.below(4) {
            who.push(row as u32);
            at.push(now - Duration::minutes(rng.below(365 * 24 * 60) as i64));
        }
    }
    ContactTable::builder(ids)
        .text_column("city", city)
        .date_column("birth_date", birth)
        .number_column("spend_last_year", spend)
        .tags(tags)
        .events("order.placed", who, at)
        .build()
}

/// Prints the segment counts and one contact's journey through the index.
pub fn run() -> Result<(), sequenza::Error> {
    let now = Utc
        .with_ymd_and_hms(2026, 11, 25, 12, 0, 0)
        .single()
        .unwrap_or_default();
    println!("\n# Segments over 200,000 generated contacts (now = {now})\n");
    let started = Instant::now();
    let contacts = table(200_000, now)?;
    println!(
        "  table built in {:.0} ms",
        started.elapsed().as_secs_f64() * 1e3
    );
    for text in [
        r#"city in ("Milano", "Torino") and age between 25 and 44 and tags has any ("vip", "wine")"#,
        r#"spend_last_year > 500 and not did "order.placed" within 90 days"#,
        r#"did "order.placed" at least 2 times within 180 days and tags has none ("b2b")"#,
    ] {
        let segment = Condition::parse(text)?;
        let started = Instant::now();
        let hits = contacts.evaluate(&segment, now, chrono_tz::Europe::Rome)?;
        let took = started.elapsed().as_secs_f64() * 1e3;
        println!("  {:>6} contacts ({took:.2} ms)  {segment}", hits.count());
    }

    println!("\n# One contact through the incremental index\n");
    let mut index = SegmentIndex::new().with_default_time_zone(chrono_tz::Europe::Rome);
    index.register(
        Segment::new(
            "recent-buyers",
            "Recent buyers",
            Condition::parse(r#"did "order.placed" within 30 days"#)?,
        ),
        now,
    )?;
    index.register(
        Segment::new(
            "vip-buyers",
            "VIP buyers",
            Condition::parse(r#"in segment "recent-buyers" and tags has any ("vip")"#)?,
        ),
        now,
    )?;
    let anna = Contact::from_json(r#"{"id": "anna", "tags": ["vip"]}"#)?;
    let order = Event::from_json(
        r#"{"contact": "anna", "name": "order.placed", "at": "2026-11-25T12:00:00Z"}"#,
    )?;
    let show = |label: &str, deltas: Vec<sequenza::segment::MembershipDelta>| {
        for d in deltas {
            let change = format!("{:?}", d.change).to_lowercase();
            println!(
                "  {label}: {} {change} {} at {}",
                d.contact, d.segment, d.at
            );
        }
    };
    show(
        "upsert",
        index.apply(ContactChange::Upsert { contact: anna }, now),
    );
    show(
        "order",
        index.apply(ContactChange::Event { event: order }, now),
    );
    // A scheduler sleeps until the next wake-up and ticks; nothing is rescanned.
    for _ in 0..3 {
        let Some(wake) = index.next_wakeup() else {
            break;
        };
        let deltas = index.tick(wake);
        if !deltas.is_empty() {
            println!("  tick at the wake-up {wake}:");
            show("tick", deltas);
            break;
        }
    }
    Ok(())
}
