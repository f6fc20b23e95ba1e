//! Building a bulk table from a host's columns (`segment::TableColumns`), and `in_segment` in
//! bulk against one contact at a time and the incremental index.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::path::Path;

use chrono::{DateTime, TimeZone, Utc};
use sequenza::condition::bulk::ContactTable;
use sequenza::condition::eval::{CompiledCondition, EvalContext};
use sequenza::condition::Condition;
use sequenza::model::{Channel, SegmentId};
use sequenza::segment::{
    BulkTable, ColumnValues, ContactChange, IdForm, Segment, SegmentIndex, TableColumns,
    TableOptions,
};
use sequenza::{Contact, FieldSchema};
use serde_json::Value;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).unwrap()
}

fn hits(t: &BulkTable, text: &str) -> Vec<String> {
    let c = Condition::parse(text).unwrap();
    let rows = t.evaluate(&c, now(), chrono_tz::UTC).unwrap();
    rows.iter()
        .map(|r| t.table().ids()[r].as_str().to_owned())
        .collect()
}

fn ids() -> ColumnValues<'static> {
    ColumnValues::Text(vec![Some("a"), Some("b"), Some("c")])
}

fn people() -> BulkTable {
    let schema = FieldSchema::from_json(
        r#"{"fields": [{"key": "plan", "type": "choice", "choices": ["free", "pro"]},
                       {"key": "joined", "type": "date"},
                       {"key": "seen", "type": "datetime"},
                       {"key": "empty_n", "type": "number"}]}"#,
    )
    .unwrap();
    let mut options = TableOptions::default();
    options.fields = Some(schema);
    options
        .consent_columns
        .insert(Channel::Sms, "sms_ok".to_owned());
    TableColumns::new(vec![
        (
            "city",
            ColumnValues::Text(vec![Some("Milano"), Some("Roma"), None]),
        ),
        ("id", ids()),
        (
            "spend",
            ColumnValues::Integers(vec![Some(300), None, Some(20)]),
        ),
        (
            "score",
            ColumnValues::Numbers(vec![Some(f64::NAN), Some(1.5), Some(2.0)]),
        ),
        (
            "active",
            ColumnValues::Booleans(vec![Some(true), Some(false), None]),
        ),
        (
            "birth",
            ColumnValues::Days(vec![Some(0), None, Some(10_000)]),
        ),
        (
            "last_order",
            ColumnValues::Instants(vec![Some(now()), None, None]),
        ),
        (
            "tags",
            ColumnValues::TextLists(vec![vec!["vip"], vec![], vec!["vip", "new"]]),
        ),
        (
            "lists",
            ColumnValues::TextLists(vec![vec![], vec!["blacklist"], vec![]]),
        ),
        (
            "interests",
            ColumnValues::TextLists(vec![vec!["wine"], vec![], vec![]]),
        ),
        (
            "time_zone",
            ColumnValues::Text(vec![Some("Europe/Rome"), None, Some("Mars/Base")]),
        ),
        (
            "consent_email",
            ColumnValues::Booleans(vec![Some(true), Some(false), None]),
        ),
        (
            "sms_ok",
            ColumnValues::Text(vec![Some("opted_out"), Some("unknown"), Some("opted_in")]),
        ),
        (
            "consent_sms",
            ColumnValues::Text(vec![Some("not a status"), None, None]),
        ),
        (
            "plan",
            ColumnValues::Text(vec![Some("pro"), Some("free"), None]),
        ),
        (
            "joined",
            ColumnValues::Text(vec![Some("2026-11-20"), Some("nope"), None]),
        ),
        (
            "seen",
            ColumnValues::Text(vec![Some("2026-11-24T10:00:00+01:00"), Some("x"), None]),
        ),
        ("empty_n", ColumnValues::Nulls(3)),
        ("empty_t", ColumnValues::Nulls(3)),
    ])
    .with_events(vec![
        (
            "contact",
            ColumnValues::Text(vec![Some("b"), Some("c"), Some("zed"), Some("c")]),
        ),
        (
            "name",
            ColumnValues::Text(vec![
                Some("order"),
                Some("order"),
                Some("order"),
                Some("login"),
            ]),
        ),
        ("at", ColumnValues::Instants(vec![Some(now()); 4])),
        (
            "amount",
            ColumnValues::Integers(vec![Some(50), Some(70), Some(1), None]),
        ),
        (
            "via",
            ColumnValues::Text(vec![Some("web"), None, None, None]),
        ),
        ("nothing", ColumnValues::Nulls(4)),
    ])
    .build(&options)
    .unwrap()
}

#[test]
fn columns_become_fields_tags_lists_zones_consent_and_events() {
    let t = people();
    assert_eq!(t.len(), 3);
    assert_eq!(t.id_form(), &IdForm::Text);
    assert_eq!(hits(&t, r#"city = "Milano""#), ["a"]);
    assert_eq!(hits(&t, "spend > 100"), ["a"]);
    assert_eq!(hits(&t, "score is set"), ["b", "c"]);
    assert_eq!(hits(&t, "active = true"), ["a"]);
    assert_eq!(hits(&t, "birth is set"), ["a", "c"]);
    assert_eq!(hits(&t, "last_order is set"), ["a"]);
    assert_eq!(hits(&t, r#"tags has any ("vip")"#), ["a", "c"]);
    assert_eq!(hits(&t, r#"in list "blacklist""#), ["b"]);
    assert_eq!(hits(&t, r#"interests contains "wine""#), ["a"]);
    assert_eq!(hits(&t, r#"time_zone = "Mars/Base""#), ["c"]);
    // consent_email by default name; the sms channel from its mapped column, not consent_sms.
    assert_eq!(hits(&t, "consent email is opted_in"), ["a"]);
    assert_eq!(hits(&t, "consent email is opted_out"), ["b"]);
    assert_eq!(hits(&t, "consent email is unknown"), ["c"]);
    assert_eq!(hits(&t, "consent sms is opted_in"), ["c"]);
    assert_eq!(hits(&t, "consent sms is opted_out"), ["a"]);
    assert_eq!(hits(&t, r#"consent_sms = "not a status""#), ["a"]);
    assert_eq!(hits(&t, r#"plan in ("pro")"#), ["a"]);
    assert_eq!(hits(&t, "joined within last 7 days"), ["a"]);
    assert_eq!(hits(&t, "seen within last 2 days"), ["a"]);
    assert_eq!(
        hits(&t, "empty_n is set or empty_t is set"),
        Vec::<String>::new()
    );
    assert_eq!(hits(&t, r#"did "order""#), ["b", "c"]);
    assert_eq!(
        hits(
            &t,
            r#"did "order" where (amount > 60) or did "order" where (via = "web")"#
        ),
        ["b", "c"]
    );
}

#[test]
fn integer_ids_keep_their_form() {
    let t = TableColumns::new(vec![(
        "id",
        ColumnValues::Unsigned(vec![Some(7), Some(u64::MAX)]),
    )])
    .with_events(vec![
        ("contact", ColumnValues::Integers(vec![Some(7)])),
        ("name", ColumnValues::Text(vec![Some("x")])),
        ("at", ColumnValues::Text(vec![Some("2026-11-01T10:00:00Z")])),
    ])
    .build(&TableOptions::default())
    .unwrap();
    assert_eq!(t.id_form(), &IdForm::Unsigned(vec![7, u64::MAX]));
    assert_eq!(hits(&t, r#"did "x""#), ["7"]);
}

fn build_err(
    columns: Vec<(&str, ColumnValues<'_>)>,
    events: Option<Vec<(&str, ColumnValues<'_>)>>,
) -> (String, String) {
    let mut c = TableColumns::new(columns);
    if let Some(e) = events {
        c = c.with_events(e);
    }
    let e = c.build(&TableOptions::default()).unwrap_err();
    (e.code().to_owned(), e.path().unwrap_or_default().to_owned())
}

#[test]
fn table_problems_are_typed_errors_naming_the_column() {
    let s = |a: &[(&str, &str)]| -> (String, String) { (a[0].0.to_owned(), a[0].1.to_owned()) };
    assert_eq!(
        build_err(vec![("ident", ids())], None),
        s(&[("format.column.missing", "/columns/id")])
    );
    assert_eq!(
        build_err(
            vec![("id", ColumnValues::Text(vec![Some("a"), None]))],
            None
        ),
        s(&[("format.value.missing", "/columns/id/1")])
    );
    assert_eq!(
        build_err(vec![("id", ColumnValues::Numbers(vec![Some(1.0)]))], None),
        s(&[("format.column.type", "/columns/id")])
    );
    assert_eq!(
        build_err(
            vec![("id", ids()), ("t", ColumnValues::LocalTimestamps)],
            None
        ),
        s(&[("format.column.type", "/columns/t")])
    );
    assert_eq!(
        build_err(
            vec![
                ("id", ids()),
                ("m", ColumnValues::Unsupported("map".into()))
            ],
            None
        ),
        s(&[("format.column.type", "/columns/m")])
    );
    assert_eq!(
        build_err(
            vec![
                ("id", ids()),
                ("tags", ColumnValues::Integers(vec![None; 3]))
            ],
            None
        ),
        s(&[("format.column.type", "/columns/tags")])
    );
    assert_eq!(
        build_err(
            vec![
                ("id", ids()),
                ("time_zone", ColumnValues::Booleans(vec![None; 3]))
            ],
            None
        ),
        s(&[("format.column.type", "/columns/time_zone")])
    );
    assert_eq!(
        build_err(
            vec![
                ("id", ids()),
                (
                    "consent_email",
                    ColumnValues::Text(vec![None, Some("yes"), None])
                )
            ],
            None
        ),
        s(&[("format.invalid", "/columns/consent_email/1")])
    );
    assert_eq!(
        build_err(
            vec![
                ("id", ids()),
                ("consent_email", ColumnValues::Days(vec![None; 3]))
            ],
            None
        ),
        s(&[("format.column.type", "/columns/consent_email")])
    );
    let event = |at: ColumnValues<'static>| {
        vec![
            ("contact", ColumnValues::Text(vec![Some("a")])),
            ("name", ColumnValues::Text(vec![Some("x")])),
            ("at", at),
        ]
    };
    assert_eq!(
        build_err(
            vec![("id", ids())],
            Some(event(ColumnValues::Text(vec![Some("Tuesday")])))
        ),
        s(&[("format.invalid", "/events/columns/at/0")])
    );
    assert_eq!(
        build_err(
            vec![("id", ids())],
            Some(event(ColumnValues::LocalTimestamps))
        ),
        s(&[("format.column.type", "/events/columns/at")])
    );
    assert_eq!(
        build_err(
            vec![("id", ids())],
            Some(event(ColumnValues::Instants(vec![None])))
        ),
        s(&[("format.value.missing", "/events/columns/at/0")])
    );
    assert_eq!(
        build_err(
            vec![("id", ids())],
            Some(vec![("contact", ColumnValues::Text(vec![]))])
        ),
        s(&[("format.column.missing", "/events/columns/name")])
    );
    let mut bad_prop = event(ColumnValues::Instants(vec![Some(now())]));
    bad_prop.push(("flag", ColumnValues::TextLists(vec![vec![]])));
    assert_eq!(
        build_err(vec![("id", ids())], Some(bad_prop)),
        s(&[("format.column.type", "/events/columns/flag")])
    );
    let mut no_name = event(ColumnValues::Instants(vec![Some(now())]));
    no_name[1] = ("name", ColumnValues::Text(vec![None]));
    assert_eq!(
        build_err(vec![("id", ids())], Some(no_name)),
        s(&[("format.value.missing", "/events/columns/name/0")])
    );
    assert_eq!(
        build_err(
            vec![("id", ColumnValues::Text(vec![Some("a"), Some("a")]))],
            None
        )
        .0,
        "format.invalid"
    );
    let e = TableOptions::from_json(r#"{"consent_columns": {"fax": "x"}}"#).unwrap_err();
    assert_eq!(e.code(), "format.invalid");
}

fn seg(id: &str, text: &str) -> Segment {
    Segment::new(id, id, Condition::parse(text).unwrap())
}

#[test]
fn memberships_win_over_definitions_and_unknown_segments_have_no_members() {
    let t = people()
        .with_segments(vec![
            seg("big", "spend > 100"),
            seg("roman", r#"city = "Roma""#),
        ])
        .with_memberships([("roman".to_owned(), vec!["c".to_owned(), "zed".to_owned()])]);
    assert_eq!(hits(&t, r#"in segment "big""#), ["a"]);
    assert_eq!(hits(&t, r#"in segment "roman""#), ["c"]);
    assert_eq!(hits(&t, r#"in segment "nowhere""#), Vec::<String>::new());
    assert_eq!(hits(&t, r#"not in segment "nowhere""#), ["a", "b", "c"]);
    // The plain ContactTable: the same meaning without a membership.
    let c = Condition::parse(r#"in segment "nowhere""#).unwrap();
    assert!(t
        .table()
        .evaluate(&c, now(), chrono_tz::UTC)
        .unwrap()
        .none());
}

#[test]
fn segment_cycles_are_refused() {
    let t = people().with_segments(vec![
        seg("a", r#"in segment "b""#),
        seg("b", r#"spend > 1 and not in segment "a""#),
    ]);
    let c = Condition::parse(r#"in segment "a""#).unwrap();
    let e = t.evaluate(&c, now(), chrono_tz::UTC).unwrap_err();
    assert_eq!(e.code(), "segment.cycle");
    assert_eq!(
        e.path(),
        Some("/segments/b/condition/conditions/1/condition/segment")
    );
}

/// A segment set with dependencies; bulk (definitions), the incremental index and one contact at
/// a time (with the index's memberships) agree on every contact.
#[test]
fn in_segment_in_bulk_agrees_with_the_index_and_single_contacts() {
    let segments = vec![
        seg("milano", r#"city = "Milano""#),
        seg(
            "vip_milano",
            r#"in segment "milano" and tags has any ("vip")"#,
        ),
        seg("spender", "spend >= 100 or in segment \"vip_milano\""),
        seg(
            "rest",
            r#"not in segment "spender" and not in segment "ghost""#,
        ),
    ];
    let cities = ["Milano", "Roma", "Torino"];
    let mut contacts = Vec::new();
    let mut state = 12345u64;
    let mut next = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as usize
    };
    for i in 0..300 {
        let city = cities[next() % 3];
        let spend = (next() % 200) as f64;
        let vip = next() % 3 == 0;
        let json = serde_json::json!({"id": format!("c{i}"), "fields": {"city": city, "spend": spend},
                                      "tags": if vip { vec!["vip"] } else { vec![] }});
        contacts.push(Contact::from_json(&json.to_string()).unwrap());
    }
    let table = ContactTable::from_contacts(&contacts, &[], None).unwrap();
    let bulk = BulkTable::new(table, IdForm::Text).with_segments(segments.clone());
    let mut index = SegmentIndex::new();
    for c in &contacts {
        index.apply(ContactChange::Upsert { contact: c.clone() }, now());
    }
    // "ghost" is not registered: the index refuses it, so register "rest" without it.
    let rest_index = seg("rest", r#"not in segment "spender""#);
    index
        .register_all(
            vec![
                segments[0].clone(),
                segments[1].clone(),
                segments[2].clone(),
                rest_index,
            ],
            now(),
        )
        .unwrap();
    for s in &segments {
        let rows = bulk.evaluate(&s.condition, now(), chrono_tz::UTC).unwrap();
        let compiled = CompiledCondition::compile(&s.condition, None).unwrap();
        for (row, c) in contacts.iter().enumerate() {
            let member = index.is_member(&s.id, &c.id);
            assert_eq!(rows.contains(row), member, "{} {}", s.id, c.id);
            let mine: BTreeSet<SegmentId> = index.segments_of(&c.id).into_iter().cloned().collect();
            let ctx = EvalContext::new(now()).with_segments(&mine);
            assert_eq!(compiled.matches(c, &[], &ctx), member, "{} {}", s.id, c.id);
        }
    }
}

/// `core/tests/vectors/segment_bulk.json`: bulk with memberships and one contact at a time.
#[test]
fn segment_bulk_vectors() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/segment_bulk.json");
    let text = std::fs::read_to_string(&path).expect("segment_bulk.json must exist");
    let doc: Value = serde_json::from_str(&text).unwrap();
    let cases = doc["cases"].as_array().unwrap();
    assert!(cases.len() >= 4);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let condition = Condition::from_json(&case["condition"].to_string()).unwrap();
        let contacts: Vec<Contact> = case["contacts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| Contact::from_json(&c.to_string()).unwrap())
            .collect();
        let members: Vec<(String, Vec<String>)> = case["memberships"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(s, ids)| {
                let ids = ids.as_array().unwrap();
                (
                    s.clone(),
                    ids.iter().map(|i| i.as_str().unwrap().to_owned()).collect(),
                )
            })
            .collect();
        let now: DateTime<Utc> = case["now"].as_str().unwrap().parse().unwrap();
        let expect: Vec<&str> = case["expect"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let table = ContactTable::from_contacts(&contacts, &[], None).unwrap();
        let bulk = BulkTable::new(table, IdForm::Text).with_memberships(members.clone());
        let rows = bulk.evaluate(&condition, now, chrono_tz::UTC).unwrap();
        let got: Vec<&str> = rows
            .iter()
            .map(|r| bulk.table().ids()[r].as_str())
            .collect();
        assert_eq!(got, expect, "{name}: bulk");
        let compiled = CompiledCondition::compile(&condition, None).unwrap();
        for c in &contacts {
            let mine: Vec<SegmentId> = members
                .iter()
                .filter(|(_, ids)| ids.iter().any(|i| i == c.id.as_str()))
                .map(|(s, _)| SegmentId::new(s.as_str()))
                .collect();
            let ctx = EvalContext::new(now).with_segments(&mine);
            assert_eq!(
                compiled.matches(c, &[], &ctx),
                expect.contains(&c.id.as_str()),
                "{name}: one contact {}",
                c.id
            );
        }
    }
}
