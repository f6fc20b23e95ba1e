//! CSV import into an audience: merge with existing contacts, auto-updating lists follow, and
//! the import's own list holds every contact written.

use chrono::{DateTime, TimeZone, Utc};
use sequenza::import::{
    import_csv_into_audience, ImportList, ImportOptions, ListImport, MergePolicy,
};
use sequenza::list::{Audience, List, Source};
use sequenza::segment::MembershipChange;
use sequenza::Contact;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 17, 51, 0).unwrap()
}

/// Imports `bytes` into `audience` at [`now`] with the automatic list.
fn import_into(
    audience: &mut Audience,
    bytes: &[u8],
    options: &ImportOptions,
    fields: &sequenza::FieldSchema,
) -> sequenza::Result<ListImport> {
    import_csv_into_audience(
        bytes,
        options,
        fields,
        audience,
        &ImportList::default(),
        now(),
        &mut |_| {},
    )
}

#[test]
fn import_merges_fills_its_list_and_moves_auto_lists() {
    let mut audience = Audience::new().with_default_time_zone(chrono_tz::Europe::Rome);
    audience
        .upsert_contact(
            Contact::from_json(r#"{"id": "anna", "email": "anna@example.com"}"#).unwrap(),
            now(),
        )
        .unwrap();
    let vip = List {
        auto_update: true,
        ..List::new("vip", "VIP", Source::Tag { tag: "vip".into() })
    };
    assert_eq!(audience.create_list(vip, now()).unwrap(), 0);

    let csv = "Nome;E-mail;Tags\n\
               Anna;ANNA@example.com;vip\n\
               Bruno;bruno@example.com;\n\
               Carla;carla@;vip\n\
               Bruno bis;bruno@example.com;\n";
    let options = ImportOptions {
        policy: MergePolicy::Overwrite,
        ..ImportOptions::default()
    };
    let done = import_into(&mut audience, csv.as_bytes(), &options, &Default::default()).unwrap();
    let r = &done.report;
    assert_eq!(r.rows, 4);
    assert_eq!(r.imported + r.updated + r.duplicates + r.rejected, r.rows);
    assert_eq!((r.imported, r.updated, r.rejected), (1, 1, 1));
    assert_eq!(done.list_id.as_str(), "import-2026-11-25-1851");
    let list = audience.list(&done.list_id).unwrap();
    assert_eq!(list.name, "Import 2026-11-25 18:51");
    let members: Vec<&str> = audience
        .member_ids(&done.list_id)
        .map(|c| c.as_str())
        .collect();
    assert_eq!(members.len(), 2);
    assert!(members.contains(&"anna"));
    // Anna was merged by e-mail, got the `vip` tag, and the auto-updating list took her in.
    assert!(audience.is_member(&"vip".into(), &"anna".into()));
    assert!(done.changes.iter().any(|c| c.list.as_str() == "vip"
        && c.contact.as_str() == "anna"
        && c.change == MembershipChange::Entered));
    // Filling the import's own list is not a change (as creating any list is not).
    assert!(done.changes.iter().all(|c| c.list != done.list_id));
    // Every contact's `lists` agrees with the lists.
    for id in audience.member_ids(&done.list_id) {
        assert!(audience.contact(id).unwrap().lists.contains(&done.list_id));
    }

    // A second import in the same minute gets its own list.
    let again = import_into(
        &mut audience,
        b"email\ndora@example.com\n",
        &ImportOptions::default(),
        &Default::default(),
    )
    .unwrap();
    assert_eq!(again.list_id.as_str(), "import-2026-11-25-1851-2");
}

#[test]
fn a_file_error_writes_nothing_and_makes_no_list() {
    let mut audience = Audience::new();
    let err = import_into(
        &mut audience,
        b"",
        &ImportOptions::default(),
        &Default::default(),
    )
    .unwrap_err();
    assert_eq!(err.code(), "import.empty");
    assert_eq!(audience.lists().count(), 0);
    assert_eq!(audience.contact_count(), 0);
}

#[test]
fn date_times_without_an_offset_are_wall_times_in_the_audience_zone() {
    let fields = sequenza::FieldSchema::from_json(
        r#"{"fields": [{"key": "last_order_at", "type": "datetime"}]}"#,
    )
    .unwrap();
    let csv = "email;last_order_at\n\
               anna@example.com;25/11/2026 18:51\n\
               bruno@example.com;2026-03-29 02:30\n\
               carla@example.com;2026-11-25T18:51:00Z\n";
    let mut audience = Audience::new().with_default_time_zone(chrono_tz::Europe::Rome);
    let done = import_into(
        &mut audience,
        csv.as_bytes(),
        &ImportOptions::default(),
        &fields,
    )
    .unwrap();
    assert_eq!(done.report.imported, 3);
    let at = |email: &str| {
        let id = audience
            .member_ids(&done.list_id)
            .find(|id| audience.contact(id).unwrap().email.as_deref() == Some(email))
            .unwrap();
        audience.contact(id).unwrap().fields["last_order_at"].clone()
    };
    // 18:51 in Rome; 02:30 does not exist on 29 March (→ 03:00 CEST); an offset is kept.
    assert_eq!(at("anna@example.com"), "2026-11-25T17:51:00Z".into());
    assert_eq!(at("bruno@example.com"), "2026-03-29T01:00:00Z".into());
    assert_eq!(at("carla@example.com"), "2026-11-25T18:51:00Z".into());

    // An explicit zone wins; an unknown one is an option error naming it.
    let utc = ImportOptions {
        time_zone: Some("UTC".into()),
        ..ImportOptions::default()
    };
    let again = import_into(
        &mut audience,
        b"email;last_order_at\ndora@example.com;25/11/2026 18:51\n",
        &utc,
        &fields,
    )
    .unwrap();
    let dora = audience.member_ids(&again.list_id).next().unwrap().clone();
    assert_eq!(
        audience.contact(&dora).unwrap().fields["last_order_at"],
        "2026-11-25T18:51:00Z".into()
    );
    let bad = ImportOptions {
        time_zone: Some("Europe/Atlantis".into()),
        ..ImportOptions::default()
    };
    let err = import_into(&mut audience, b"email\ne@example.com\n", &bad, &fields).unwrap_err();
    assert_eq!(err.code(), "import.option.invalid");
}
