//! Times a full CSV import (sniffing, mapping, typed cells, e-mail and phone validation, dedupe,
//! merge into an in-memory target) of `benches/data/import_<rows>.csv`.
//! Usage: `import-bench [rows]` (default 1,000,000; run `gen-import-data` first).

use std::path::Path;
use std::time::Instant;

use sequenza::import::{import_csv_reader, ImportOptions, MemoryTarget, PhoneNormalizer};
use sequenza::FieldSchema;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rows: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("data/import_{rows}.csv"));
    let fields = FieldSchema::from_json(
        r#"{"fields": [
        {"key": "first_name", "label": "Nome", "type": "text"},
        {"key": "last_name", "label": "Cognome", "type": "text"},
        {"key": "birth_date", "label": "Data di nascita", "type": "date"},
        {"key": "gender", "label": "Sesso", "type": "choice", "choices": ["F", "M"]},
        {"key": "city", "label": "Città", "type": "text"},
        {"key": "zip_code", "label": "CAP", "type": "text"},
        {"key": "spend", "label": "Totale speso", "type": "number"}]}"#,
    )?;
    // The phone parser alone, for the record.
    let p = PhoneNormalizer::new("IT")?;
    let n = 100_000;
    let t = Instant::now();
    let mut ok = 0;
    for i in 0..n {
        ok += usize::from(p.normalize(&format!("+39 333 {:07}", i)).is_some());
    }
    let per = t.elapsed().as_secs_f64() / f64::from(n) * 1e6;
    println!("phonenumber: {per:.2} µs per number ({ok} valid)");

    let now = "2026-11-25T18:51:00Z".parse()?;
    let t = Instant::now();
    let file = std::fs::File::open(&path)?;
    let mut target = MemoryTarget::default();
    let report = import_csv_reader(
        file,
        &ImportOptions::default(),
        &fields,
        &mut target,
        now,
        &mut |_| {},
    )?;
    let secs = t.elapsed().as_secs_f64();
    println!(
        "sequenza import_csv: {rows} rows in {secs:.2} s ({:.0} rows/s): imported {} duplicates {} rejected {}",
        rows as f64 / secs,
        report.imported,
        report.duplicates,
        report.rejected
    );
    Ok(())
}
