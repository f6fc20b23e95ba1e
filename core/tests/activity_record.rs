//! `Activity::from_argument` (issue 9): the activity `Audience.record` reads in every binding.

use sequenza::list::Activity;

#[test]
fn an_activity_argument_is_read_as_a_record_would_read_it() {
    let a = Activity::from_argument(r#"{"type": "walk_in", "store": "milano"}"#).unwrap();
    assert_eq!(a.event_name(), sequenza::list::events::WALKIN_VISITED);
}

#[test]
fn errors_in_an_activity_argument_are_located_under_activity() {
    let err = Activity::from_argument(r#"{"type": "coupon_downloaded", "coupon": 5}"#).unwrap_err();
    assert_eq!(err.code(), "format.invalid");
    assert_eq!(err.path(), Some("/activity/coupon"));
    let err = Activity::from_argument("{").unwrap_err();
    assert!(err.code().starts_with("format."), "{}", err.code());
}
