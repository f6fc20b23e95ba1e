//! Importing the same file twice creates nothing new: rows without any identity are refused
//! unless anonymous contacts are asked for (then they are deduplicated on their values), and an
//! audience exports whole when no list is named.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, TimeZone, Utc};
use sequenza::import::{
    export_audience_csv, import_csv, import_csv_into_audience, ImportList, ImportOptions,
    ListImport, MemoryTarget,
};
use sequenza::list::Audience;
use sequenza::FieldSchema;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 17, 51, 0).unwrap()
}

fn fields() -> FieldSchema {
    FieldSchema::from_json(
        r#"{"fields": [{"key": "first_name", "type": "text"}, {"key": "city", "type": "text"}]}"#,
    )
    .unwrap()
}

fn import(audience: &mut Audience, csv: &str, options: &ImportOptions) -> ListImport {
    import_csv_into_audience(
        csv.as_bytes(),
        options,
        &fields(),
        audience,
        &ImportList::default(),
        now(),
        &mut |_| {},
    )
    .unwrap()
}

/// An Italian shop export: some rows with an e-mail or phone, some with only a name.
const SHOP: &str = "Nome;Città;E-mail;Telefono\n\
                    Anna;Roma;anna@example.com;\n\
                    Bruno;Milano;;333 123 4567\n\
                    Carla;Forlì;;\n\
                    Dario;Bari;;\n";

#[test]
fn a_row_without_identity_is_rejected_with_its_own_code() {
    let mut t = MemoryTarget::default();
    let r = import_csv(
        SHOP.as_bytes(),
        &ImportOptions::default(),
        &fields(),
        &mut t,
        now(),
        &mut |_| {},
    )
    .unwrap();
    assert_eq!((r.imported, r.rejected), (2, 2));
    assert!(r
        .rejections
        .iter()
        .all(|j| j.code == "import.row.no_identity" && j.column.is_none()));
    assert_eq!(
        r.rejections.iter().map(|j| j.row).collect::<Vec<_>>(),
        [4, 5]
    );
    assert!(sequenza::import::REJECTION_CODES.contains(&"import.row.no_identity"));
}

#[test]
fn reimporting_an_unchanged_file_adds_nobody() {
    let mut audience = Audience::new();
    let first = import(&mut audience, SHOP, &ImportOptions::default());
    assert_eq!(first.report.imported, 2);
    let count = audience.contact_count();
    let second = import(&mut audience, SHOP, &ImportOptions::default());
    assert_eq!(second.report.imported, 0);
    assert_eq!(second.report.updated, 2);
    assert_eq!(audience.contact_count(), count);
}

#[test]
fn anonymous_contacts_are_deduplicated_on_their_values() {
    let anonymous = ImportOptions {
        anonymous: true,
        ..ImportOptions::default()
    };
    let mut audience = Audience::new();
    let first = import(&mut audience, SHOP, &anonymous);
    assert_eq!((first.report.imported, first.report.rejected), (4, 0));
    assert_eq!(audience.contact_count(), 4);
    let ids: Vec<String> = audience
        .member_ids(&first.list_id)
        .map(|c| c.to_string())
        .filter(|c| c.starts_with("anon-"))
        .collect();
    assert_eq!(ids.len(), 2, "{ids:?}");

    // The same file again: nobody new, nobody twice.
    let second = import(&mut audience, SHOP, &anonymous);
    assert_eq!(second.report.imported, 0);
    assert_eq!(audience.contact_count(), 4);
    assert_eq!(audience.member_count(&second.list_id), Some(4));

    // The same anonymous row twice in one file is a duplicate of the first.
    let twice = "Nome;Città\nElena;Pisa\nElena;Pisa\nElena;Lucca\n";
    let third = import(&mut audience, twice, &anonymous);
    assert_eq!(
        (third.report.imported, third.report.duplicates),
        (2, 1),
        "{:?}",
        third.report
    );
    assert_eq!(audience.contact_count(), 6);
}

#[test]
fn an_audience_exports_whole_without_a_list() {
    let mut audience = Audience::new();
    let done = import(&mut audience, SHOP, &ImportOptions::default());
    audience
        .upsert_contact(sequenza::Contact::new("walk-in"), now())
        .unwrap();
    let mut all = Vec::new();
    assert_eq!(export_audience_csv(&audience, None, &mut all).unwrap(), 3);
    let text = String::from_utf8(all).unwrap();
    assert!(text.contains("walk-in") && text.contains("anna@example.com"));
    let mut listed = Vec::new();
    assert_eq!(
        export_audience_csv(&audience, Some(&done.list_id), &mut listed).unwrap(),
        2
    );
    let err = export_audience_csv(&audience, Some(&"nope".into()), &mut Vec::new()).unwrap_err();
    assert_eq!(err.code(), "list.unknown");
}
