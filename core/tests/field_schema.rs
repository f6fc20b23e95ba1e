//! The declared field schema is enforced: by `import_csv` (required fields, defaults, a value of
//! every type that does not fit) and by an audience given the schema (`upsert_contact`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, TimeZone, Utc};
use sequenza::import::{import_csv, ImportOptions, ImportReport, MemoryTarget};
use sequenza::list::Audience;
use sequenza::model::Value;
use sequenza::{Contact, FieldSchema};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 17, 51, 0).unwrap()
}

fn schema() -> FieldSchema {
    FieldSchema::from_json(
        r#"{"fields": [
          {"key": "city", "type": "text", "required": true},
          {"key": "points", "type": "number", "default": 0},
          {"key": "vip", "type": "boolean", "default": false},
          {"key": "birth_date", "type": "date"},
          {"key": "last_order_at", "type": "datetime"},
          {"key": "gender", "type": "choice", "choices": ["donna", "uomo"]},
          {"key": "interests", "type": "text_list"}]}"#,
    )
    .unwrap()
}

fn import(csv: &str) -> (ImportReport, MemoryTarget) {
    let mut t = MemoryTarget::default();
    let r = import_csv(
        csv.as_bytes(),
        &ImportOptions::default(),
        &schema(),
        &mut t,
        now(),
        &mut |_| {},
    )
    .unwrap();
    (r, t)
}

#[test]
fn import_rejects_a_row_missing_a_required_field_naming_the_column() {
    let (r, t) = import("email;city\nanna@example.com;Roma\nbruno@example.com;\n");
    assert_eq!((r.imported, r.rejected), (1, 1));
    let j = &r.rejections[0];
    assert_eq!(j.code, "import.field.required");
    assert_eq!(
        (j.row, j.column, j.column_name.as_deref()),
        (3, Some(1), Some("city"))
    );
    assert_eq!(t.len(), 1);
    // Without a column for it, the rejection names the field.
    let (r, _) = import("email\nanna@example.com\n");
    assert_eq!(r.rejections[0].code, "import.field.required");
    assert_eq!(r.rejections[0].column_name.as_deref(), Some("city"));
}

#[test]
fn import_fills_empty_cells_with_defaults() {
    let (r, t) = import("email;city;points\nanna@example.com;Roma;\nbruno@example.com;Bari;7\n");
    assert_eq!(r.imported, 2);
    let by = |email: &str| {
        t.contacts()
            .find(|c| c.email.as_deref() == Some(email))
            .unwrap()
            .clone()
    };
    assert_eq!(by("anna@example.com").fields["points"], Value::Number(0.0));
    assert_eq!(by("anna@example.com").fields["vip"], Value::Bool(false));
    assert_eq!(by("bruno@example.com").fields["points"], Value::Number(7.0));
}

#[test]
fn import_rejects_a_value_of_every_type_that_does_not_fit() {
    for (column, bad, code) in [
        ("points", "tanti", "import.number.invalid"),
        ("vip", "forse", "import.boolean.invalid"),
        ("birth_date", "31/02/1980", "import.date.invalid"),
        ("last_order_at", "ieri sera", "import.datetime.invalid"),
        ("gender", "altro", "import.choice.invalid"),
    ] {
        let (r, _) = import(&format!(
            "email;city;{column}\nanna@example.com;Roma;{bad}\n"
        ));
        assert_eq!(r.rejected, 1, "{column}");
        assert_eq!(r.rejections[0].code, code, "{column}");
        assert_eq!(r.rejections[0].column_name.as_deref(), Some(column));
    }
}

fn audience() -> Audience {
    Audience::new().with_fields(schema())
}

fn contact(json: &str) -> Contact {
    Contact::from_json(json).unwrap()
}

#[test]
fn an_audience_with_a_schema_refuses_a_value_that_does_not_fit_naming_the_field() {
    for (field, value) in [
        ("points", r#""tanti""#),
        ("vip", r#""sì""#),
        ("birth_date", r#""31/12/1980""#),
        ("last_order_at", r#""2026-11-25 18:51""#),
        ("gender", r#""altro""#),
        ("interests", r#""moda""#),
        ("city", "3"),
    ] {
        let mut a = audience();
        let json = format!(r#"{{"id": "anna", "fields": {{"city": "Roma", "{field}": {value}}}}}"#);
        let err = a.upsert_contact(contact(&json), now()).unwrap_err();
        assert_eq!(err.code(), "list.field.invalid", "{field}");
        assert_eq!(err.path(), Some(format!("/fields/{field}").as_str()));
        assert!(err.to_string().contains(field), "{err}");
        assert_eq!(a.contact_count(), 0, "refused whole");
    }
}

#[test]
fn an_audience_with_a_schema_fills_defaults_and_needs_required_fields() {
    let mut a = audience();
    a.upsert_contact(
        contact(r#"{"id": "anna", "fields": {"city": "Roma", "interests": ["moda"], "gender": "donna", "birth_date": "1980-12-31", "last_order_at": "2026-11-25T18:51:00Z"}}"#),
        now(),
    )
    .unwrap();
    let anna = a.contact(&"anna".into()).unwrap();
    assert_eq!(anna.fields["points"], Value::Number(0.0));
    assert_eq!(anna.fields["vip"], Value::Bool(false));
    let err = a
        .upsert_contact(contact(r#"{"id": "bea"}"#), now())
        .unwrap_err();
    assert_eq!(
        (err.code(), err.path()),
        ("list.field.required", Some("/fields/city"))
    );
    // Without a schema anything goes, as before.
    let mut plain = Audience::new();
    plain
        .upsert_contact(
            contact(r#"{"id": "x", "fields": {"points": "tanti"}}"#),
            now(),
        )
        .unwrap();
}

#[test]
fn an_import_into_an_audience_with_a_schema_uses_it() {
    let mut a = audience();
    let done = sequenza::import::import_csv_into_audience(
        "email;city;points\nanna@example.com;Roma;\nbruno@example.com;;3\n".as_bytes(),
        &ImportOptions::default(),
        &FieldSchema::default(),
        &mut a,
        &sequenza::import::ImportList::default(),
        now(),
        &mut |_| {},
    )
    .unwrap();
    assert_eq!((done.report.imported, done.report.rejected), (1, 1));
    assert_eq!(done.report.rejections[0].code, "import.field.required");
    let anna = a.member_ids(&done.list_id).next().unwrap().clone();
    assert_eq!(
        a.contact(&anna).unwrap().fields["points"],
        Value::Number(0.0)
    );
}
