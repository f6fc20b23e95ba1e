//! `ActivityRecord::from_parts` (issue 9): the record `Audience.record` reads in every binding.

use sequenza::list::ActivityRecord;

#[test]
fn from_parts_reads_the_activity_inside_a_record() {
    let at = "2026-11-25T09:00:00Z".parse().unwrap();
    let r = ActivityRecord::from_parts(
        "a \"quoted\" id",
        at,
        r#"{"type": "walk_in", "store": "milano"}"#,
    )
    .unwrap();
    assert_eq!(r.contact.as_str(), "a \"quoted\" id");
    assert_eq!(r.at, at);
}

#[test]
fn from_parts_locates_errors_under_activity() {
    let at = "2026-11-25T09:00:00Z".parse().unwrap();
    let err =
        ActivityRecord::from_parts("anna", at, r#"{"type": "coupon_downloaded", "coupon": 5}"#)
            .unwrap_err();
    assert_eq!(err.code(), "format.invalid");
    assert_eq!(err.path(), Some("/activity/coupon"));
    let err = ActivityRecord::from_parts("anna", at, "{").unwrap_err();
    assert!(err.code().starts_with("format."), "{}", err.code());
}
