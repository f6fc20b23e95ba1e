//! The lists part of `make demo`: an auto-updating coupon list reacting to activities, and a
//! flow whose list trigger those changes fire.

use chrono::{Duration, TimeZone, Utc};
use sequenza::list::{list_trigger_hits, Activity, Audience, List, ListChange};
use sequenza::{Contact, Flow};

fn show(what: &str, changes: &[ListChange]) {
    if changes.is_empty() {
        println!("  {what}: no list change");
    }
    for c in changes {
        let change = serde_json::to_value(c.change).unwrap_or_default();
        println!(
            "  {what}: {} {} list `{}`",
            c.contact,
            change.as_str().unwrap_or("?"),
            c.list
        );
    }
}

/// Runs the lists demo.
pub fn run() -> sequenza::Result<()> {
    println!("\n# Lists: an auto-updating coupon list\n");
    let t0 = Utc
        .with_ymd_and_hms(2026, 11, 25, 9, 0, 0)
        .single()
        .unwrap_or_default();
    let mut audience = Audience::new().with_default_time_zone(chrono_tz::Europe::Rome);
    for json in [
        r#"{"id": "anna", "fields": {"gender": "Donna", "birth_date": "1990-05-01"}}"#,
        r#"{"id": "bruno", "fields": {"gender": "M", "birth_date": "1985-02-10"}}"#,
        r#"{"id": "carla", "fields": {"gender": "F", "birth_date": "2001-09-30"}}"#,
    ] {
        audience.upsert_contact(Contact::from_json(json)?, t0)?;
    }
    let list = List::from_json(
        r#"{"id": "coupon-women", "name": "Coupon not used yet, women 18–45",
            "source": {"type": "coupon", "gender": "female", "age": {"min": 18, "max": 45}, "used": false},
            "auto_update": true, "remove_exits": true}"#,
    )?;
    println!("  source: {}", list.source.to_condition());
    let count = audience.create_list(list, t0)?;
    println!("  created with {count} contacts");
    let flow = Flow::from_json(
        r#"{"id": "coupon-reminder", "name": "Coupon reminder", "status": "active",
            "triggers": [{"type": "list", "list": "coupon-women", "on": "entered"}],
            "start": "end", "nodes": [{"id": "end", "type": "exit"}], "edges": []}"#,
    )?;
    let coupon = || Activity::CouponDownloaded {
        coupon: "BLACKFRIDAY".into(),
    };
    let steps: [(&str, &str, Activity); 4] = [
        ("anna downloads a coupon", "anna", coupon()),
        ("bruno downloads a coupon", "bruno", coupon()),
        ("carla downloads a coupon", "carla", coupon()),
        (
            "anna redeems it",
            "anna",
            Activity::CouponRedeemed {
                coupon: "BLACKFRIDAY".into(),
            },
        ),
    ];
    for (i, (what, who, activity)) in steps.into_iter().enumerate() {
        let now = t0 + Duration::hours(i as i64);
        let changes = audience.record(&who.into(), activity, now, now);
        show(what, &changes);
        for hit in list_trigger_hits(&changes, std::slice::from_ref(&flow)) {
            println!("    → flow `{}` starts for {}", hit.flow, hit.contact);
        }
    }
    let page = audience.members(&"coupon-women".into(), 0, 10)?;
    let ids: Vec<&str> = page.contacts.iter().map(|c| c.id.as_str()).collect();
    println!("  now in the list: {ids:?} ({} in all)", page.total);
    Ok(())
}

/// Runs the CSV import demo: a Windows-1252 shop export into an audience with an auto-updating
/// list, every rejected row and duplicate shown, then the import's list exported back.
pub fn run_import() -> sequenza::Result<()> {
    use sequenza::import::{export_csv, import_csv_into_audience, ImportList, ImportOptions};

    println!("\n# CSV import: a Windows-1252 shop export into an audience\n");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/import");
    let fields = sequenza::FieldSchema::from_json(
        &std::fs::read_to_string(dir.join("fields.json")).unwrap_or_default(),
    )?;
    let bytes = std::fs::read(dir.join("shop_export_windows1252.csv")).unwrap_or_default();
    let now = Utc
        .with_ymd_and_hms(2026, 11, 25, 17, 51, 0)
        .single()
        .unwrap_or_default();
    let mut audience = Audience::new().with_default_time_zone(chrono_tz::Europe::Rome);
    audience.create_list(
        List::from_json(
            r#"{"id": "shop-forli", "name": "Customers of the Forlì shop",
                "source": {"type": "tag", "tag": "negozio-forli"}, "auto_update": true}"#,
        )?,
        now,
    )?;
    let options = ImportOptions {
        tags: vec!["negozio-forli".into()],
        ..ImportOptions::default()
    };
    let mut last = None;
    let done = import_csv_into_audience(
        bytes.as_slice(),
        &options,
        &fields,
        &mut audience,
        &ImportList {
            name: None,
            file: Some("shop_export_windows1252.csv".into()),
        },
        now,
        &mut |p| last = Some(p),
    )?;
    let r = &done.report;
    println!(
        "  detected: {:?}, delimiter {:?}, header {}",
        r.detected.encoding, r.detected.delimiter, r.detected.header
    );
    for c in &r.columns {
        let target = serde_json::to_value(&c.target).unwrap_or_default();
        println!("  column {:<18} → {}", c.name, target);
    }
    println!(
        "  {} rows: {} imported, {} updated, {} duplicates, {} rejected (progress saw {} rows)",
        r.rows,
        r.imported,
        r.updated,
        r.duplicates,
        r.rejected,
        last.map_or(0, |p| p.rows)
    );
    for x in &r.rejections {
        println!(
            "    row {:>2} col {:<16} {:<24} {:?}",
            x.row,
            x.column_name.as_deref().unwrap_or("-"),
            x.code,
            x.value
        );
    }
    for d in &r.duplicate_rows {
        let of = d
            .of_row
            .map_or("an existing contact".to_owned(), |r| format!("row {r}"));
        println!("    row {:>2} repeats {of} (contact {})", d.row, d.contact);
    }
    let list = audience.list(&done.list_id).map(|l| l.name.clone());
    println!(
        "  list `{}` \"{}\" holds {} contacts; the auto-updating list took {} in",
        done.list_id,
        list.unwrap_or_default(),
        audience.member_count(&done.list_id).unwrap_or(0),
        done.changes.len()
    );
    let members: Vec<_> = audience
        .member_ids(&done.list_id)
        .filter_map(|id| audience.contact(id))
        .take(3)
        .collect();
    let mut out = Vec::new();
    if export_csv(members, &mut out).is_ok() {
        println!("  exported back (first 3):");
        for line in String::from_utf8_lossy(&out).lines() {
            println!("    {line}");
        }
    }
    Ok(())
}
