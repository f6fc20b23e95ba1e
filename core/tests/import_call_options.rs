//! `ImportOptions::from_call_options` (issue 9): the import options among a binding call's
//! options, read by the core in every binding.

use sequenza::import::ImportOptions;
use serde_json::json;

#[test]
fn camel_and_snake_case_keys_are_read_and_the_call_keys_left_out() {
    let call = json!({"now": "x", "onProgress": null, "delimiter": ";", "preview_rows": 3});
    let o = ImportOptions::from_call_options(call, &["now", "onProgress"]).unwrap();
    assert_eq!((o.delimiter, o.preview_rows), (Some(';'), 3));
    let o = ImportOptions::from_call_options(json!({"previewRows": 4}), &[]).unwrap();
    assert_eq!(o.preview_rows, 4);
    assert!(ImportOptions::from_call_options(serde_json::Value::Null, &[]).is_ok());
}

#[test]
fn an_unknown_or_bad_option_is_an_import_option_error() {
    let err = ImportOptions::from_call_options(json!({"now": 1, "delimeter": ";"}), &["now"]);
    let err = err.unwrap_err();
    assert_eq!(err.code(), "import.option.invalid");
    let err = ImportOptions::from_call_options(json!({"delimiter": 3}), &[]).unwrap_err();
    assert_eq!(err.code(), "import.option.invalid");
    let err = ImportOptions::from_call_options(json!([1]), &[]).unwrap_err();
    assert_eq!(err.code(), "import.option.invalid");
}
