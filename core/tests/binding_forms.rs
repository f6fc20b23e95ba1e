//! The forms the bindings hand to the core as they are (issue 9 §1): a `Segment` object's
//! condition with its id and name, a send policy in its options form with a zone override.

use sequenza::segment::NamedCondition;
use sequenza::time::ZonedPolicy;

#[test]
fn a_named_condition_reads_both_forms_and_gives_back_the_one_it_read() {
    let doc = r#"{"id": "vip", "name": "VIP", "condition": {"type": "tags", "op": "has_any", "tags": ["vip"]}}"#;
    let s = NamedCondition::from_json(doc).unwrap();
    assert_eq!(
        (s.id.as_deref(), s.name.as_deref()),
        (Some("vip"), Some("VIP"))
    );
    let back: serde_json::Value = serde_json::to_value(&s).unwrap();
    assert_eq!(
        back,
        serde_json::from_str::<serde_json::Value>(doc).unwrap()
    );

    let bare = NamedCondition::parse("age >= 18", None, None).unwrap();
    assert_eq!(
        serde_json::to_value(&bare).unwrap(),
        serde_json::to_value(&bare.condition).unwrap()
    );
    // The name defaults to the id, so that an id alone gives a segment document.
    let named = NamedCondition::parse("age >= 18", Some("adults".into()), None).unwrap();
    assert_eq!(serde_json::to_value(&named).unwrap()["name"], "adults");
    assert!(named.condition_json(true).contains('\n'));
}

#[test]
fn a_named_condition_reports_the_core_errors() {
    assert_eq!(
        NamedCondition::parse("age >=", None, None)
            .unwrap_err()
            .code(),
        "condition.syntax"
    );
    let err = NamedCondition::from_json(r#"{"type": "telepathy"}"#).unwrap_err();
    assert_eq!((err.code(), err.path()), ("format.invalid", Some("/type")));
    let unsupported =
        NamedCondition::from_jsonlogic(r#"{"some": [{"var": "a"}, true]}"#, None, None);
    assert!(unsupported.is_err());
}

#[test]
fn a_policy_in_its_options_form_takes_the_zone_override() {
    let options = r#"{"quiet_hours": [["22:00", "08:00"]], "time_zone": "Europe/Rome"}"#;
    assert_eq!(
        ZonedPolicy::from_options_in(options, None)
            .unwrap()
            .zone
            .name(),
        "Europe/Rome"
    );
    let tokyo = ZonedPolicy::from_options_in(options, Some("Asia/Tokyo")).unwrap();
    assert_eq!(tokyo.zone.name(), "Asia/Tokyo");
    assert_eq!(tokyo.doc.time_zone.as_deref(), Some("Asia/Tokyo"));
    let err = ZonedPolicy::from_options_in("{}", Some("Mars/Base")).unwrap_err();
    assert_eq!(
        (err.code(), err.path()),
        ("time.zone.unknown", Some("/time_zone"))
    );
}
