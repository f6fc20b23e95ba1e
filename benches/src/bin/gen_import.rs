//! Writes a deterministic, realistic Italian shop export (`;`, Windows-1252-free UTF-8,
//! dd/mm/yyyy dates, `1.234,56` amounts, a few bad and duplicate rows) to
//! `benches/data/import_<rows>.csv`. Usage: `gen-import-data [rows]` (default 1,000,000).

use std::io::Write;
use std::path::Path;

const FIRST: [&str; 16] = [
    "Anna",
    "Marco",
    "Giulia",
    "Luca",
    "Francesca",
    "Paolo",
    "Sara",
    "Nicolò",
    "Chiara",
    "Davide",
    "Elena",
    "Matteo",
    "Sofia",
    "Andrea",
    "Martina",
    "Giorgio",
];
const LAST: [&str; 12] = [
    "Rossi", "Bianchi", "Esposito", "Ferrari", "Romano", "Gallo", "Conti", "Marino", "Greco",
    "Bruno", "Ricci", "Lombardi",
];
const CITY: [&str; 8] = [
    "Forlì",
    "Cesena",
    "Roma",
    "Milano",
    "Napoli",
    "Bologna",
    "Città di Castello",
    "Rimini",
];

fn main() -> std::io::Result<()> {
    let rows: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(format!("import_{rows}.csv"));
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path)?);
    writeln!(out, "Nome;Cognome;E-mail;Cellulare;Data di nascita;Sesso;Città;CAP;Totale speso;Consenso privacy")?;
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for i in 0..rows {
        // xorshift64*: deterministic, no dependency.
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        let r = x.wrapping_mul(0x2545_F491_4F6C_DD1D);
        let first = FIRST[(r % 16) as usize];
        let last = LAST[((r >> 8) % 12) as usize];
        // 1 in 200 rows repeats an earlier e-mail; 1 in 500 has a broken one.
        let id = if i > 0 && r.is_multiple_of(200) {
            (r >> 20) % i
        } else {
            i
        };
        let email = if r % 500 == 1 {
            format!(
                "{}.{}{id}@example",
                first.to_lowercase(),
                last.to_lowercase()
            )
        } else {
            format!(
                "{}.{}{id}@example.it",
                first.to_lowercase().replace('ò', "o"),
                last.to_lowercase()
            )
        };
        let phone = match r % 4 {
            0 => format!("+39 3{:02} {:07}", 20 + (r >> 12) % 80, id % 10_000_000),
            1 => format!("3{:02}{:07}", 20 + (r >> 12) % 80, id % 10_000_000),
            2 => format!("+393{:02}{:07}", 20 + (r >> 12) % 80, id % 10_000_000),
            _ => String::new(),
        };
        let day = 1 + (r >> 16) % 28;
        let month = 1 + (r >> 21) % 12;
        let year = 1950 + (r >> 25) % 55;
        let cents = (r >> 30) % 500_000;
        let euros = cents / 100;
        let amount = if euros >= 1000 {
            format!("{}.{:03},{:02}", euros / 1000, euros % 1000, cents % 100)
        } else {
            format!("{euros},{:02}", cents % 100)
        };
        writeln!(
            out,
            "{first};{last};{email};{phone};{day:02}/{month:02}/{year};{};{};{:05};{amount};{}",
            if r.is_multiple_of(2) { "F" } else { "M" },
            CITY[((r >> 40) % 8) as usize],
            (r >> 44) % 100_000,
            if r.is_multiple_of(3) { "no" } else { "sì" },
        )?;
    }
    out.flush()?;
    println!("wrote {}", path.display());
    Ok(())
}
