//! Encodings decided past the sniffed prefix: an 8-bit export that is ASCII for its first
//! thousands of rows is read in its encoding from the first accented byte on, wherever it is.
//! The files are generated here (up to 5 MiB), not committed.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use sequenza::import::{
    import_csv, Encoding, EncodingReason, ImportOptions, ImportReport, MemoryTarget, Target,
};
use sequenza::FieldSchema;

fn fields() -> FieldSchema {
    FieldSchema::from_json(
        r#"{"fields": [{"key": "first_name", "type": "text"},
        {"key": "city", "type": "text"}]}"#,
    )
    .unwrap()
}

fn import(bytes: &[u8], options: &ImportOptions) -> (ImportReport, MemoryTarget) {
    let mut t = MemoryTarget::default();
    let r = import_csv(
        bytes,
        options,
        &fields(),
        &mut t,
        "2026-11-25T18:51:00Z".parse().unwrap(),
        &mut |_| {},
    )
    .unwrap();
    (r, t)
}

/// ASCII rows, then rows whose first names are `accented` (already encoded) with the first
/// non-ASCII byte exactly at offset `at`, then ASCII again. Returns the file, that offset and the
/// number of data rows.
fn file(at: usize, accented: &[&[u8]]) -> (Vec<u8>, u64, u64) {
    let mut out = b"email;first_name;city\n".to_vec();
    let mut rows = 0u64;
    let row = |n: u64| format!("user{n}@example.com;Mario;Roma\n");
    while out.len() + row(rows).len() + 80 < at {
        out.extend_from_slice(row(rows).as_bytes());
        rows += 1;
    }
    // A padding row whose city fills the gap to `at`.
    let head = format!("user{rows}@example.com;Mario;");
    let ascii = accented[0].iter().position(|b| !b.is_ascii()).unwrap();
    let lead = format!("user{}@example.com;", rows + 1).len() + ascii;
    let fill = at - out.len() - head.len() - 1 - lead;
    out.extend_from_slice(head.as_bytes());
    out.extend(std::iter::repeat_n(b'x', fill));
    out.push(b'\n');
    rows += 1;
    assert_eq!(out.len() + lead, at);
    for name in accented {
        out.extend_from_slice(format!("user{rows}@example.com;").as_bytes());
        out.extend_from_slice(name);
        out.extend_from_slice(b";Roma\n");
        rows += 1;
    }
    for _ in 0..100 {
        out.extend_from_slice(row(rows).as_bytes());
        rows += 1;
    }
    (out, at as u64, rows)
}

fn check_windows_1252(at: usize, reason: EncodingReason) {
    let (bytes, first, rows) = file(at, &[b"Niccol\xF2", b"Perch\xE9"]);
    let (r, t) = import(&bytes, &ImportOptions::default());
    assert!(
        r.rejections.is_empty(),
        "no row rejected at {at}: {:?}",
        &r.rejections[..1]
    );
    assert_eq!((r.rows, r.imported), (rows, rows), "at {at}");
    assert_eq!(r.detected.encoding, Encoding::Windows1252, "at {at}");
    assert_eq!(r.detected.encoding_reason, reason, "at {at}");
    if reason == EncodingReason::Switched {
        assert_eq!(r.detected.encoding_switched_at, Some(first), "at {at}");
    }
    let names: Vec<String> = t
        .contacts()
        .filter_map(|c| match c.fields.get("first_name") {
            Some(sequenza::model::Value::Text(t)) => Some(t.clone()),
            _ => None,
        })
        .filter(|n| !n.is_ascii())
        .collect();
    assert_eq!(names.len(), 2, "at {at}: {names:?}");
    assert!(names.contains(&"Niccolò".to_owned()) && names.contains(&"Perché".to_owned()));
    let json = serde_json::to_value(r.detected).unwrap();
    assert_eq!(json["encoding"], "windows-1252");
}

#[test]
fn first_accent_at_one_kib_is_sniffed() {
    check_windows_1252(1024, EncodingReason::NotUtf8);
}

#[test]
fn first_accent_just_past_the_sniffed_prefix_switches() {
    check_windows_1252(64 * 1024 + 1, EncodingReason::Switched);
}

#[test]
fn first_accent_at_five_mib_switches() {
    check_windows_1252(5 * 1024 * 1024, EncodingReason::Switched);
}

#[test]
fn utf8_past_the_prefix_stays_utf8_even_cut_between_chunks() {
    // "ò" in UTF-8 is two bytes; the second case cuts them by the 128 KiB chunk boundary.
    for at in [64 * 1024 + 1, 128 * 1024 - 1] {
        let (bytes, _, rows) = file(at, &["Niccolò".as_bytes(), "Perché".as_bytes()]);
        let (r, t) = import(&bytes, &ImportOptions::default());
        assert!(r.rejections.is_empty(), "{:?}", r.rejections);
        assert_eq!((r.rows, r.imported), (rows, rows));
        assert_eq!(r.detected.encoding, Encoding::Utf8);
        assert_eq!(r.detected.encoding_reason, EncodingReason::Utf8);
        assert_eq!(r.detected.encoding_switched_at, None);
        assert!(t
            .contacts()
            .any(|c| c.fields.get("first_name") == Some(&"Niccolò".into())));
    }
}

#[test]
fn bytes_in_an_ignored_column_never_reject_a_row() {
    // A UTF-8 file (valid accents up front) with one stray 8-bit byte in a column not imported.
    let csv = b"email;first_name;note\nanna@example.com;Nicol\xC3\xB2;caff\xC3\xA8\nluca@example.com;Luca;perch\xE9\n";
    let mut options = ImportOptions::default();
    options.mapping.insert("note".into(), None);
    let (r, _) = import(csv, &options);
    assert_eq!(r.detected.encoding, Encoding::Utf8);
    assert_eq!((r.imported, r.rejected), (2, 0), "{:?}", r.rejections);
    // The same byte in an imported column of a UTF-8 file is still a rejected cell.
    let mut options = ImportOptions::default();
    options
        .mapping
        .insert("note".into(), Some(Target::Field("city".into())));
    let (r, _) = import(csv, &options);
    assert_eq!(r.rejected, 1);
    assert_eq!(r.rejections[0].code, "import.encoding.invalid");
}

#[test]
fn forced_encoding_is_reported_as_forced() {
    let options = ImportOptions {
        encoding: Some(Encoding::Windows1252),
        ..ImportOptions::default()
    };
    let (r, _) = import(b"email\nanna@example.com\n", &options);
    assert_eq!(r.detected.encoding_reason, EncodingReason::Forced);
    assert_eq!(
        serde_json::to_value(r.detected).unwrap()["encoding_reason"],
        "forced"
    );
}
