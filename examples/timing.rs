//! The time part of `make demo`: a weekly check across the end of summer time, three
//! recipients' zones found through the fallback chain, and one send planned through quiet hours
//! and a frequency cap — all in the recipients' local time.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use sequenza::model::Contact;
use sequenza::time::{
    history_from_json, parse_zone, plan_send, CapPolicy, Decision, Policy, RecurrenceRule,
    ZoneChain,
};

/// `2025-10-27 Mon 09:00 CET (08:00 UTC)`.
fn local(t: DateTime<Utc>, zone: Tz) -> String {
    let l = t.with_timezone(&zone);
    format!(
        "{} {} ({} UTC)",
        l.format("%Y-%m-%d %a %H:%M"),
        l.format("%Z"),
        t.format("%H:%M")
    )
}

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn instant(text: &str) -> Result<DateTime<Utc>> {
    Ok(text.parse()?)
}

pub fn run() -> Result<()> {
    let rome = parse_zone("Europe/Rome")?;

    println!("\n# Time: a weekly check across the end of summer time (Europe/Rome)\n");
    let weekly = RecurrenceRule::from_json(
        r#"{"kind": "weekly", "weekdays": ["mon"], "times": ["09:00"]}"#,
    )?
    .compile(rome)?;
    println!("  rule {}", weekly.rule().to_rrule()?);
    let from = instant("2025-10-13T00:00:00Z")?;
    let to = instant("2025-11-04T00:00:00Z")?;
    for t in weekly.occurrences_between(from, to)? {
        println!("  {}", local(t, rome));
    }
    println!("  → always 09:00 local; the UTC hour moves on 26 October.");

    println!("\n# Time: three recipients' zones through the fallback chain\n");
    let contacts = [
        r#"{"id": "giulia", "time_zone": "Europe/Rome"}"#,
        r#"{"id": "hiro", "phone": "+81 3 1234 5678"}"#,
        r#"{"id": "sam", "time_zone": "Mars/Olympus", "phone": "+1 212 555 0100"}"#,
    ];
    for text in contacts {
        let c = Contact::from_json(text)?;
        let z = ZoneChain::for_contact(&c)
            .flow(None)
            .account(Some("America/Chicago"))
            .resolve()?;
        let skipped: Vec<&str> = z.skipped.iter().map(|s| s.as_str()).collect();
        let skipped = if skipped.is_empty() {
            String::new()
        } else {
            format!(", skipped: {}", skipped.join(", "))
        };
        println!(
            "  {:<7} {:<16} from {}{skipped}",
            c.id.as_str(),
            z.zone.name(),
            z.source.as_str()
        );
    }

    println!("\n# Time: one SMS planned through a frequency cap and quiet hours\n");
    let policy = Policy::from_json(r#"{"quiet_hours": [{"start": "21:00", "end": "09:00"}]}"#)?;
    let caps = CapPolicy::from_json(
        r#"{"caps": [{"channel": "sms", "max": 1, "per": {"amount": 1, "unit": "days"}}]}"#,
    )?;
    let history = history_from_json(r#"[["2025-06-01T20:00:00Z", "sms"]]"#)?;
    let at = instant("2025-06-02T08:00:00Z")?;
    println!("  policy: quiet 21:00–09:00 local; cap: 1 SMS per 24 hours");
    println!("  last SMS  {}", local(history[0].0, rome));
    println!("  wanted    {}", local(at, rome));
    let sms = sequenza::model::Channel::Sms;
    let free = caps.frees_at(&history, sms, at)?;
    println!("  cap frees {}  — inside quiet hours", local(free, rome));
    match plan_send(at, rome, &policy, &caps, &history, sms, false)? {
        Decision::Defer { until } => println!("  → deferred to {}", local(until, rome)),
        other => println!("  → {other:?}"),
    }
    Ok(())
}
