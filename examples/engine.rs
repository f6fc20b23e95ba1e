//! The engine part of `make demo`: every example flow runs over a few thousand generated
//! contacts for 30 virtual days (events, inbound messages, profile changes on a seeded random
//! stream), driven by the runtime with recording channels; a per-flow funnel is printed.

use std::cell::RefCell;
use std::path::Path;
use std::rc::Rc;
use std::time::Instant;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use sequenza::engine::{ApiResponse, Effect, EffectKey, Engine, EngineConfig, InboundMessage};
use sequenza::list::List;
use sequenza::model::Channel;
use sequenza::runtime::{Channel as Route, Delivery, RecordingChannel, Runtime};
use sequenza::segment::Segment;
use sequenza::store::MemoryStore;
use sequenza::{Contact, Event, FieldSchema, Flow};

/// The e-mail channel of the demo: delivers everything and remembers what it delivered, so
/// the demo can open some of it (an `email_opened` event naming the effect, as an e-mail
/// provider's open webhook would).
struct Inbox {
    delivered: Rc<RefCell<Vec<(EffectKey, String)>>>,
    inner: RecordingChannel,
}

impl Route for Inbox {
    fn deliver(&mut self, effect: &Effect) -> Option<Delivery> {
        self.delivered
            .borrow_mut()
            .push((effect.key.clone(), effect.contact.as_str().to_owned()));
        self.inner.deliver(effect)
    }
}

/// A seeded splitmix64 stream.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }
}

fn event(contact: &str, name: &str, at: DateTime<Utc>, props: serde_json::Value) -> Event {
    Event {
        contact: contact.into(),
        name: name.to_owned(),
        at,
        properties: props
            .as_object()
            .map(|m| m.clone().into_iter().collect())
            .unwrap_or_default(),
    }
}

fn contact(i: u64, rng: &mut Rng) -> Contact {
    let prefs = ["moda", "casa", "tecnologia"];
    let zones = [
        "Europe/Rome",
        "Europe/Rome",
        "Europe/Rome",
        "Europe/London",
        "America/New_York",
    ];
    let mut c = Contact::new(format!("c{i:05}"));
    c.email = Some(format!("c{i}@example.com"));
    c.phone = Some(format!("+39333{i:07}"));
    c.time_zone = Some(zones[rng.below(5) as usize].to_owned());
    let f = &mut c.fields;
    f.insert("first_name".into(), format!("Nome{i}").into());
    f.insert("preference".into(), prefs[rng.below(3) as usize].into());
    f.insert("newsletter_opt_in".into(), rng.chance(800).into());
    f.insert("whatsapp_opt_in".into(), rng.chance(500).into());
    f.insert("spend_last_year".into(), (rng.below(1500) as f64).into());
    f.insert("order_count".into(), 0.0.into());
    f.insert("company".into(), format!("Azienda {}", i % 97).into());
    let day = 1 + rng.below(28);
    let month = 1 + rng.below(12);
    f.insert(
        "birth_date".into(),
        format!("19{:02}-{month:02}-{day:02}", 60 + rng.below(40)).into(),
    );
    if rng.chance(50) {
        c.tags.insert("no-marketing".into());
    }
    c
}

fn publish_all(eng: &mut Engine, root: &Path, t0: DateTime<Utc>) -> sequenza::Result<Vec<String>> {
    let mut ids = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(root.join("flows"))
        .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "json"));
    files.sort();
    for path in files {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let flow = Flow::from_json(&text)?;
        ids.push(flow.id.to_string());
        eng.publish(flow, t0)?;
    }
    Ok(ids)
}

/// Runs the engine demo.
pub fn run() -> sequenza::Result<()> {
    println!("\n# The flow engine: every example flow, 3,000 contacts, 30 virtual days\n");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let fields = std::fs::read_to_string(root.join("fields.json"))
        .ok()
        .and_then(|t| FieldSchema::from_json(&t).ok());
    let t0 = Utc
        .with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
        .single()
        .unwrap_or_default();
    let started = Instant::now();
    let mut eng = Engine::with_store(
        EngineConfig {
            default_time_zone: "Europe/Rome".into(),
            fields,
            caps: serde_json::from_str(
                r#"{"caps": [{"channel": "email", "max": 3, "per": {"amount": 1, "unit": "days"}}]}"#,
            )
            .ok(),
        },
        MemoryStore::new().without_history(),
    )?;
    for (id, name) in [
        ("newsletter", "Newsletter"),
        ("push-subscribers", "Push"),
        ("blog-subscribers", "Blog"),
        ("clienti", "Clienti"),
        ("prospect", "Prospect"),
        ("inattivi", "Inattivi"),
        ("vip", "VIP"),
    ] {
        let list = List::from_json(&format!(
            r#"{{"id": "{id}", "name": "{name}", "source": {{"type": "empty"}}}}"#
        ))?;
        eng.create_list(list, t0)?;
    }
    for seg in [
        r#"{"id": "vip", "name": "VIP", "condition": {"type": "field", "field": "spend_last_year", "op": "gte", "value": 1200}}"#,
        r#"{"id": "no-opens-90d", "name": "No opens", "condition": {"type": "not", "condition": {"type": "event", "name": "email_opened", "within": {"amount": 90, "unit": "days"}}}}"#,
        r#"{"id": "no-orders-180d", "name": "No orders", "condition": {"type": "not", "condition": {"type": "event", "name": "purchase", "within": {"amount": 180, "unit": "days"}}}}"#,
    ] {
        eng.register_segment(Segment::from_json(seg)?, t0)?;
    }
    let flow_ids = publish_all(&mut eng, root, t0)?;

    let mut rng = Rng(42);
    let n = 3_000u64;
    for i in 0..n {
        let c = contact(i, &mut rng);
        let id = c.id.clone();
        eng.upsert_contact(c, t0)?;
        for (list, per_mille) in [
            ("newsletter", 700),
            ("push-subscribers", 300),
            ("blog-subscribers", 400),
            ("prospect", 600),
        ] {
            if rng.chance(per_mille) {
                eng.add_to_list(&list.into(), &id, t0)?;
            }
        }
    }
    let fair: Vec<_> = (0..200).map(|i| format!("c{:05}", i * 7).into()).collect();
    eng.enroll(&"whatsapp-csv-followup".into(), &fair, t0)?;
    eng.enroll_matching(&"ab-test-holdout".into(), t0)?;
    let drip: Vec<_> = (0..300)
        .map(|i| format!("c{:05}", i * 5 + 1).into())
        .collect();
    eng.enroll(&"onboarding-drip".into(), &drip, t0)?;

    let mut rt = Runtime::new(eng);
    for route in ["sms", "web_push", "whatsapp", "hand_off"] {
        rt.route(route, Box::new(RecordingChannel::new()));
    }
    let delivered = Rc::new(RefCell::new(Vec::new()));
    rt.route(
        "email",
        Box::new(Inbox {
            delivered: Rc::clone(&delivered),
            inner: RecordingChannel::new(),
        }),
    );
    rt.route(
        "http",
        Box::new(RecordingChannel::new().with_response(ApiResponse {
            status: 200,
            body: serde_json::json!({"score": 75, "status": "spedito", "store": {"name": "Bologna centro"}}),
        })),
    );
    let mut inputs = 0u64;
    for hour in 0..(30 * 24) {
        let now = t0 + TimeDelta::hours(hour);
        // A few things happen every hour.
        for _ in 0..(4 + rng.below(8)) {
            let who = format!("c{:05}", rng.below(n));
            let at = now;
            let eng = rt.engine_mut();
            inputs += 1;
            match rng.below(10) {
                0 => eng.record_event(event(&who, "signup", at, serde_json::json!({"source": "form"})), at)?,
                1 | 2 => eng.record_event(event(&who, "cart_abandoned", at, serde_json::json!({"cart_value": rng.below(150), "cart_url": "https://shop.example.it/c"})), at)?,
                3 => eng.record_event(event(&who, "purchase", at, serde_json::json!({"order_id": format!("AB-{:06}", rng.below(999_999))})), at)?,
                4 => eng.record_event(event(&who, "email_opened", at, serde_json::json!({"campaign": "newsletter-2025-11"})), at)?,
                5 => eng.record_event(event(&who, "course_signup", at, serde_json::json!({"course": "email-marketing-101"})), at)?,
                6 => eng.record_event(event(&who, "form_submitted", at, serde_json::json!({"form": "richiesta-demo"})), at)?,
                7 => {
                    let texts = ["INFO", "1", "2", "3", "Anna", "anna@example.com", "M", "12/05/1990", "ab-123456", "STOP"];
                    let text = texts[rng.below(texts.len() as u64) as usize];
                    let channel = if text == "STOP" { Channel::Sms } else { Channel::WhatsApp };
                    eng.receive_message(
                        InboundMessage { channel, from: None, contact: Some(who.into()), text: Some(text.into()), media: vec![], at, ad: None },
                        at,
                    )?;
                }
                8 => {
                    if let Some(mut c) = eng.contact(&who.clone().into()).cloned() {
                        let status = ["zero_points", "half_points", "target_reached"][rng.below(3) as usize];
                        c.fields.insert("card_status".into(), status.into());
                        c.fields.insert("order_count".into(), (rng.below(3) as f64).into());
                        eng.upsert_contact(c, at)?;
                    }
                }
                _ => eng.receive_message(
                    InboundMessage { channel: Channel::WhatsApp, from: Some(format!("+39347{:07}", rng.below(10_000_000))), contact: None, text: Some("Ciao".into()), media: vec![], at, ad: Some("primavera-2026-negozi".into()) },
                    at,
                )?,
            }
        }
        if hour % 24 == 12 {
            rt.engine_mut().feed_items(
                "https://blog.example.it/feed.xml",
                &[sequenza::engine::feed::FeedItem {
                    id: format!("post-{hour}"),
                    title: format!("Articolo {hour}"),
                    link: "https://blog.example.it/a".into(),
                    published: None,
                    summary: None,
                }],
                now,
            )?;
        }
        rt.run(now)?;
        // About a third of the e-mails delivered this hour are opened, within the hour.
        let opened_at = now + TimeDelta::minutes(30);
        for (key, contact) in delivered.borrow_mut().drain(..) {
            if rng.chance(350) {
                let props = serde_json::json!({"effect": key.as_str()});
                let eng = rt.engine_mut();
                eng.record_event(event(&contact, "email_opened", opened_at, props), opened_at)?;
            }
        }
    }
    let end = t0 + TimeDelta::days(30);
    rt.run(end)?;

    println!(
        "{n} contacts, {inputs} inputs over 30 days, run in {:.2} s\n",
        started.elapsed().as_secs_f64()
    );
    println!(
        "{:<28} {:>8} {:>8} {:>9} {:>7} {:>6} {:>8} {:>8} {:>6}  exited / skipped / refused",
        "flow",
        "entered",
        "waiting",
        "completed",
        "sent",
        "goals",
        "deferred",
        "delivered",
        "opened"
    );
    let eng = rt.engine();
    for id in flow_ids {
        let s = eng.stats(&id.clone().into())?;
        let t = &s.totals;
        let mut notes: Vec<String> = Vec::new();
        for (k, v) in &t.exited {
            notes.push(format!("exited {k}: {v}"));
        }
        for (k, v) in &t.skipped {
            notes.push(format!("skipped {k}: {v}"));
        }
        for (k, v) in &s.refused {
            notes.push(format!("refused {k}: {v}"));
        }
        println!(
            "{:<28} {:>8} {:>8} {:>9} {:>7} {:>6} {:>8} {:>8} {:>6}  {}",
            id,
            t.entered,
            t.waiting,
            t.completed,
            t.sent,
            t.goals,
            t.deferred,
            t.delivered,
            t.opened,
            notes.join(", ")
        );
    }
    Ok(())
}
