//! CSV import tests: fixtures under `examples/data/import/`, bad input, streaming, merge
//! policies, export round trip, properties.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use sequenza::import::{
    export_csv, import_csv, import_csv_reader, preview_csv, ImportOptions, ImportReport,
    MemoryTarget, MergePolicy, Progress, Target,
};
use sequenza::model::Contact;
use sequenza::FieldSchema;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(root().join("examples/data/import").join(name)).unwrap()
}

fn fields() -> FieldSchema {
    FieldSchema::from_json(&String::from_utf8(fixture("fields.json")).unwrap()).unwrap()
}

fn now() -> chrono::DateTime<chrono::Utc> {
    "2026-11-25T18:51:00Z".parse().unwrap()
}

fn run(
    bytes: &[u8],
    options: &ImportOptions,
    target: &mut MemoryTarget,
) -> sequenza::Result<ImportReport> {
    import_csv(bytes, options, &fields(), target, now(), &mut |_| {})
}

fn assert_accounted(r: &ImportReport) {
    assert_eq!(
        r.imported + r.updated + r.duplicates + r.rejected,
        r.rows,
        "every row is counted once: {r:?}"
    );
}

#[test]
fn shop_export_in_windows_1252() {
    let mut t = MemoryTarget::default();
    let r = run(
        &fixture("shop_export_windows1252.csv"),
        &ImportOptions::default(),
        &mut t,
    )
    .unwrap();
    assert_eq!(
        serde_json::to_value(r.detected).unwrap()["encoding"],
        "windows-1252"
    );
    assert_eq!(r.detected.delimiter, ';');
    assert_eq!((r.rows, r.imported, r.duplicates, r.rejected), (9, 4, 1, 4));
    assert_accounted(&r);
    let codes: Vec<(u64, &str)> = r
        .rejections
        .iter()
        .map(|x| (x.row, x.code.as_str()))
        .collect();
    assert_eq!(
        codes,
        [
            (4, "import.email.invalid"),
            (5, "import.date.invalid"),
            (8, "import.phone.invalid"),
            (9, "import.number.invalid")
        ]
    );
    assert_eq!(r.rejections[1].column, Some(4));
    assert_eq!(
        r.rejections[1].column_name.as_deref(),
        Some("Data di nascita")
    );
    assert_eq!(r.rejections[1].value, "31/02/1988");
    assert_eq!(r.duplicate_rows[0].row, 7);
    assert_eq!(r.duplicate_rows[0].of_row, Some(2));
    let paolo = t
        .contacts()
        .find(|c| c.email.as_deref() == Some("paolo.gallo@example.it"))
        .unwrap();
    assert_eq!(paolo.fields["spend"], 2450.0.into());
    assert_eq!(paolo.fields["vip"], true.into());
    assert_eq!(paolo.fields["last_order_at"], "2026-11-01T09:00:00Z".into());
    let nicolo = t
        .contacts()
        .find(|c| c.phone.as_deref() == Some("+393335556667"))
        .unwrap();
    assert_eq!(nicolo.fields["first_name"], "Nicolò".into());
}

#[test]
fn encodings_and_delimiters() {
    for (file, encoding, delimiter, rows) in [
        ("utf8_bom.csv", "utf-8", ',', 3),
        ("utf16le_bom.csv", "utf-16le", ';', 2),
        ("utf16be_bom.csv", "utf-16be", ';', 2),
        ("tab_separated.tsv", "utf-8", '\t', 2),
    ] {
        let mut t = MemoryTarget::default();
        let r = run(&fixture(file), &ImportOptions::default(), &mut t).unwrap();
        assert_eq!(
            serde_json::to_value(r.detected).unwrap()["encoding"],
            encoding,
            "{file}"
        );
        assert_eq!(r.detected.delimiter, delimiter, "{file}");
        assert_eq!(
            (r.rows, r.imported),
            (rows, rows),
            "{file}: {:?}",
            r.rejections
        );
    }
    let mut t = MemoryTarget::default();
    run(
        &fixture("utf16le_bom.csv"),
        &ImportOptions::default(),
        &mut t,
    )
    .unwrap();
    assert!(t
        .contacts()
        .any(|c| c.fields["first_name"] == "Àlvaro".into()));
}

#[test]
fn bad_files_give_typed_errors() {
    let mut t = MemoryTarget::default();
    let e = run(&fixture("empty.csv"), &ImportOptions::default(), &mut t).unwrap_err();
    assert_eq!(e.code(), "import.empty");
    let e = run(
        &fixture("duplicate_header.csv"),
        &ImportOptions::default(),
        &mut t,
    )
    .unwrap_err();
    assert_eq!(e.code(), "import.header.duplicate");
    let sequenza::Error::Import(inner) = e else {
        panic!()
    };
    assert_eq!((inner.row, inner.column), (Some(1), Some(2)));
    let mut o = ImportOptions::default();
    o.mapping.insert("Cellulare".into(), Some(Target::Phone));
    let e = run(&fixture("utf8_bom.csv"), &o, &mut t).unwrap_err();
    assert_eq!(e.code(), "import.mapping.unknown_column");
    let r = run(
        &fixture("header_only.csv"),
        &ImportOptions::default(),
        &mut t,
    )
    .unwrap();
    assert_eq!((r.rows, r.columns.len()), (0, 3));
    assert!(t.is_empty());
}

#[test]
fn bad_rows_are_rejected_with_a_location() {
    let mut t = MemoryTarget::default();
    let r = run(
        &fixture("ragged_rows.csv"),
        &ImportOptions::default(),
        &mut t,
    )
    .unwrap();
    assert_accounted(&r);
    assert_eq!(r.rejected, 2);
    assert_eq!(r.rejections[0].code, "import.row.ragged");
    assert_eq!(r.rejections[0].value, "b@example.com,Bruno");
    let r = run(
        &fixture("unterminated_quote.csv"),
        &ImportOptions::default(),
        &mut t,
    )
    .unwrap();
    assert_accounted(&r);
    assert_eq!(r.rejections[0].code, "import.quote.unterminated");
    assert_eq!(r.rejections[0].row, 3);
    let r = run(
        &fixture("invalid_utf8_in_utf8.csv"),
        &ImportOptions::default(),
        &mut t,
    )
    .unwrap();
    assert_accounted(&r);
    assert_eq!((r.imported, r.rejected), (3, 1));
    assert_eq!(r.rejections[0].code, "import.encoding.invalid");
    assert_eq!(r.rejections[0].column_name.as_deref(), Some("città"));
}

#[test]
fn a_ten_megabyte_cell_is_rejected_in_bounded_memory() {
    let mut csv = b"email,note\na@example.com,short\nb@example.com,\"".to_vec();
    csv.extend(std::iter::repeat_n(b'x', 10 << 20));
    csv.extend_from_slice(b"\"\nc@example.com,ok\n");
    let mut t = MemoryTarget::default();
    let r = run(&csv, &ImportOptions::default(), &mut t).unwrap();
    assert_accounted(&r);
    assert_eq!((r.rows, r.imported, r.rejected), (3, 2, 1));
    assert_eq!(r.rejections[0].code, "import.cell.too_large");
    assert_eq!(r.rejections[0].column, Some(1));
    assert!(r.rejections[0].value.len() <= 200);
    // With a larger limit the same cell is read.
    let o = ImportOptions {
        max_row_bytes: 16 << 20,
        ..ImportOptions::default()
    };
    let mut t = MemoryTarget::default();
    let r = run(&csv, &o, &mut t).unwrap();
    assert_eq!(r.imported, 3);
}

#[test]
fn streaming_reports_progress_for_many_rows() {
    let rows = 50_000u64;
    let mut csv = String::from("email;telefono;totale\n");
    for i in 0..rows {
        csv.push_str(&format!(
            "user{i}@example.com;+39 333 {:07};{},50\n",
            i,
            i % 1000
        ));
    }
    let mut t = MemoryTarget::default();
    let mut seen: Vec<Progress> = Vec::new();
    let r = import_csv_reader(
        std::io::Cursor::new(csv.as_bytes()),
        &ImportOptions::default(),
        &FieldSchema::default(),
        &mut t,
        now(),
        &mut |p| seen.push(p),
    )
    .unwrap();
    assert_eq!(
        r.imported,
        rows,
        "{:?}",
        &r.rejections[..r.rejections.len().min(3)]
    );
    assert_eq!(seen.last().unwrap().rows, rows);
    assert_eq!(seen.last().unwrap().bytes_read, csv.len() as u64);
    assert!(seen
        .windows(2)
        .all(|w| w[0].rows < w[1].rows && w[0].bytes_read <= w[1].bytes_read));
    assert!(seen.len() > 3);
}

#[test]
fn merge_policies() {
    let mut existing = Contact::new("c1");
    existing.email = Some("anna@example.com".into());
    existing.fields.insert("city".into(), "Forlì".into());
    let csv = b"email,citta,nome,tags\nanna@example.com,Cesena,Anna,nuovo\n";
    let fields = FieldSchema::default();
    let run_policy = |policy| {
        let mut t = MemoryTarget::with_contacts([existing.clone()]);
        let o = ImportOptions {
            policy,
            ..ImportOptions::default()
        };
        let r = import_csv(csv, &o, &fields, &mut t, now(), &mut |_| {}).unwrap();
        assert_accounted(&r);
        (r, t.get("c1").unwrap().clone())
    };
    let (r, c) = run_policy(MergePolicy::FillEmpty);
    assert_eq!(r.updated, 1);
    assert_eq!(c.fields["city"], "Forlì".into());
    assert_eq!(c.fields["first_name"], "Anna".into());
    assert!(c.tags.contains("nuovo"));
    let (_, c) = run_policy(MergePolicy::Overwrite);
    assert_eq!(c.fields["city"], "Cesena".into());
    let (r, c) = run_policy(MergePolicy::Skip);
    assert_eq!((r.updated, r.duplicates), (0, 1));
    assert_eq!(r.duplicate_rows[0].of_row, None);
    assert_eq!(c, existing);
}

#[test]
fn matches_existing_contacts_by_id_email_or_phone() {
    let mut a = Contact::new("a");
    a.phone = Some("+393331234567".into());
    let b = Contact::new("b");
    let mut t = MemoryTarget::with_contacts([a, b]);
    let csv = b"id;cellulare;nome\n;333 1234567;Anna\nb;;Bruno\nz;;Zeno\n";
    let r = import_csv(
        csv,
        &ImportOptions::default(),
        &FieldSchema::default(),
        &mut t,
        now(),
        &mut |_| {},
    )
    .unwrap();
    assert_eq!((r.updated, r.imported), (2, 1));
    assert_eq!(t.get("a").unwrap().fields["first_name"], "Anna".into());
    assert_eq!(t.get("b").unwrap().fields["first_name"], "Bruno".into());
    assert!(t.get("z").is_some());
}

#[test]
fn preview_writes_nothing_and_shows_problems() {
    let p = preview_csv(
        &fixture("shop_export_windows1252.csv"),
        &ImportOptions::default(),
        &fields(),
    )
    .unwrap();
    assert_eq!(p.rows.len(), 9);
    assert_eq!(p.rows[0].cells[3].value, Some("+393331234567".into()));
    assert_eq!(
        p.rows[2].cells[2].code.map(|c| c.as_str()),
        Some("import.email.invalid")
    );
    assert!(p.rows[0].rejections.is_empty());
    let o = ImportOptions {
        preview_rows: 2,
        ..ImportOptions::default()
    };
    assert_eq!(
        preview_csv(&fixture("shop_export_windows1252.csv"), &o, &fields())
            .unwrap()
            .rows
            .len(),
        2
    );
}

#[test]
fn explicit_mapping_overrides_suggestion() {
    let mut o = ImportOptions::default();
    o.mapping.insert("Cellulare".into(), None);
    o.mapping
        .insert("Città".into(), Some(Target::Field("zip_code".into())));
    o.mapping.insert("CAP".into(), None);
    let p = preview_csv(&fixture("shop_export_windows1252.csv"), &o, &fields()).unwrap();
    assert_eq!(p.columns[3].target, None);
    assert_eq!(p.columns[6].target, Some(Target::Field("zip_code".into())));
    assert!(p.columns[6].explicit);
    o.mapping
        .insert("Nome".into(), Some(Target::Field("shoe_size".into())));
    let e = preview_csv(&fixture("shop_export_windows1252.csv"), &o, &fields()).unwrap_err();
    assert_eq!(e.code(), "import.mapping.unknown_field");
}

#[test]
fn overrides_win_over_sniffing() {
    let csv = b"a|b\n1|2\n";
    let o = ImportOptions {
        delimiter: Some(','),
        header: Some(false),
        ..ImportOptions::default()
    };
    let p = preview_csv(csv, &o, &FieldSchema::default()).unwrap();
    assert_eq!(p.detected.delimiter, ',');
    assert_eq!(p.columns.len(), 1);
    assert_eq!(p.rows.len(), 2);
    let o = ImportOptions {
        delimiter: Some('é'),
        ..ImportOptions::default()
    };
    assert_eq!(
        preview_csv(csv, &o, &FieldSchema::default())
            .unwrap_err()
            .code(),
        "import.option.invalid"
    );
}

#[test]
fn export_then_import_gives_the_same_contacts() {
    let mut t = MemoryTarget::default();
    run(
        &fixture("shop_export_windows1252.csv"),
        &ImportOptions::default(),
        &mut t,
    )
    .unwrap();
    run(&fixture("utf8_bom.csv"), &ImportOptions::default(), &mut t).unwrap();
    let mut out = Vec::new();
    let n = export_csv(t.contacts(), &mut out).unwrap();
    assert_eq!(n, t.len() as u64);
    let mut back = MemoryTarget::default();
    let r = run(&out, &ImportOptions::default(), &mut back).unwrap();
    assert_eq!((r.imported, r.rejected), (n, 0), "{:?}", r.rejections);
    for c in t.contacts() {
        let d = back.get(c.id.as_str()).unwrap();
        assert_eq!(
            (&d.email, &d.phone, &d.fields, &d.tags),
            (&c.email, &c.phone, &c.fields, &c.tags)
        );
        let status = |x: &Contact| {
            x.consent
                .iter()
                .map(|(k, v)| (*k, v.status))
                .collect::<Vec<_>>()
        };
        assert_eq!(status(d), status(c));
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Random bytes never panic, and every data row is accounted for.
        #[test]
        fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600),
                                    max_row in 1usize..64) {
            let o = ImportOptions { max_row_bytes: max_row, ..ImportOptions::default() };
            let mut t = MemoryTarget::default();
            let _ = preview_csv(&bytes, &o, &FieldSchema::default());
            if let Ok(r) = import_csv(&bytes, &o, &FieldSchema::default(), &mut t, now(), &mut |_| {}) {
                prop_assert_eq!(r.imported + r.updated + r.duplicates + r.rejected, r.rows);
                prop_assert_eq!(r.imported as usize, t.len());
            }
        }

        /// CSV-ish text made of delimiters, quotes and line breaks: every row is counted.
        #[test]
        fn csv_like_text_is_accounted(cells in proptest::collection::vec(
            prop_oneof![Just(",".to_owned()), Just(";".to_owned()), Just("\"".to_owned()),
                        Just("\n".to_owned()), Just("\r\n".to_owned()), "[a-z@.0-9 ]{0,8}"], 0..80)) {
            let text = cells.concat();
            let mut t = MemoryTarget::default();
            if let Ok(r) = import_csv(text.as_bytes(), &ImportOptions::default(), &FieldSchema::default(), &mut t, now(), &mut |_| {}) {
                prop_assert_eq!(r.imported + r.updated + r.duplicates + r.rejected, r.rows);
            }
        }

        /// Export → import gives back the same contacts.
        #[test]
        fn export_import_round_trip(people in proptest::collection::vec(
            ("[a-z]{1,8}", "[A-Za-zàèìòù ,\"';|]{0,12}", proptest::option::of(0u32..100_000),
             any::<bool>(), proptest::collection::btree_set("[a-z]{1,5}", 0..3)), 1..20)) {
            let schema = FieldSchema::from_json(r#"{"fields": [
                {"key": "note", "type": "text"}, {"key": "points", "type": "number"},
                {"key": "vip", "type": "boolean"}]}"#).unwrap();
            let contacts: Vec<Contact> = people.iter().enumerate().map(|(i, (user, note, points, vip, tags))| {
                let mut c = Contact::new(format!("c{i}"));
                c.email = Some(format!("{user}{i}@example.com"));
                let note = note.trim();
                if !note.is_empty() { c.fields.insert("note".into(), note.into()); }
                if let Some(p) = points { c.fields.insert("points".into(), (f64::from(*p) / 100.0).into()); }
                c.fields.insert("vip".into(), (*vip).into());
                c.tags = tags.clone();
                c
            }).collect();
            let mut out = Vec::new();
            export_csv(contacts.iter(), &mut out).unwrap();
            let mut t = MemoryTarget::default();
            let o = ImportOptions { delimiter: Some(','), decimal: Some(sequenza::import::Decimal::Dot), ..ImportOptions::default() };
            let r = import_csv(&out, &o, &schema, &mut t, now(), &mut |_| {}).unwrap();
            prop_assert_eq!(r.rejected, 0, "{:?}", r.rejections);
            for c in &contacts {
                let d = t.get(c.id.as_str()).unwrap();
                prop_assert_eq!(&d.email, &c.email);
                prop_assert_eq!(&d.fields, &c.fields);
                prop_assert_eq!(&d.tags, &c.tags);
            }
        }
    }
}
