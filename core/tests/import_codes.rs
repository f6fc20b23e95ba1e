//! Import codes that no other test produces: a rejection per cell type, and two columns mapped
//! to the same key.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use sequenza::import::{preview_csv, ImportOptions, Target};
use sequenza::FieldSchema;

fn fields() -> FieldSchema {
    FieldSchema::from_json(
        r#"{"fields": [
          {"key": "active", "type": "boolean"},
          {"key": "seen", "type": "datetime"},
          {"key": "size", "type": "choice", "choices": ["S", "M"]}]}"#,
    )
    .unwrap()
}

fn options(mapping: &[(&str, Option<Target>)]) -> ImportOptions {
    let mut options = ImportOptions::default();
    for (column, target) in mapping {
        options.mapping.insert((*column).to_owned(), target.clone());
    }
    options
}

#[test]
fn each_bad_cell_is_rejected_with_its_code() {
    let csv = "email,active,seen,size,zone\n\
               anna@example.com,forse,ieri,XL,Mars/Olympus\n";
    let options = options(&[
        ("email", Some(Target::Email)),
        ("active", Some(Target::Field("active".into()))),
        ("seen", Some(Target::Field("seen".into()))),
        ("size", Some(Target::Field("size".into()))),
        ("zone", Some(Target::TimeZone)),
    ]);
    let preview = preview_csv(csv.as_bytes(), &options, &fields()).unwrap();
    let mut codes: Vec<&str> = preview.rows[0]
        .rejections
        .iter()
        .map(|r| r.code.as_str())
        .collect();
    codes.sort_unstable();
    assert_eq!(
        codes,
        [
            "import.boolean.invalid",
            "import.choice.invalid",
            "import.datetime.invalid",
            "import.time_zone.invalid",
        ]
    );
}

#[test]
fn two_columns_mapped_to_the_e_mail_are_refused() {
    let csv = "a,b\nanna@example.com,anna@example.org\n";
    let options = options(&[("a", Some(Target::Email)), ("b", Some(Target::Email))]);
    let err = preview_csv(csv.as_bytes(), &options, &fields()).unwrap_err();
    assert_eq!(err.code(), "import.mapping.duplicate_target");
    assert_eq!(err.area(), sequenza::error::Area::Import);
}
