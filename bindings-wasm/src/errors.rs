//! Core errors as JS errors: one class per area (`js/errors.js`, re-exported by the package),
//! chosen by one match, with the core's fields (code, location) in camelCase.

use wasm_bindgen::prelude::*;

use crate::{to_js, JsResult};

#[wasm_bindgen(module = "/js/errors.js")]
extern "C" {
    /// The base class of every error the core reports.
    #[wasm_bindgen(reexport, extends = js_sys::Error)]
    pub type SequenzaError;
    #[wasm_bindgen(constructor)]
    fn new(message: &str, fields: JsValue) -> SequenzaError;
    /// A document that cannot be read (bad JSON, a wrong shape).
    #[wasm_bindgen(reexport, extends = SequenzaError)]
    pub type FormatError;
    #[wasm_bindgen(constructor)]
    fn new(message: &str, fields: JsValue) -> FormatError;
    /// A condition or segment that cannot be parsed or evaluated as written.
    #[wasm_bindgen(reexport, extends = SequenzaError)]
    pub type ConditionError;
    #[wasm_bindgen(constructor)]
    fn new(message: &str, fields: JsValue) -> ConditionError;
    /// A time rule that cannot be used as written.
    #[wasm_bindgen(reexport, extends = SequenzaError)]
    pub type TimeError;
    #[wasm_bindgen(constructor)]
    fn new(message: &str, fields: JsValue) -> TimeError;
    /// A list operation that cannot be done.
    #[wasm_bindgen(reexport, extends = SequenzaError)]
    pub type ListError;
    #[wasm_bindgen(constructor)]
    fn new(message: &str, fields: JsValue) -> ListError;
    /// A CSV file that cannot be imported at all.
    #[wasm_bindgen(reexport, extends = SequenzaError)]
    pub type CsvImportError;
    #[wasm_bindgen(constructor)]
    fn new(message: &str, fields: JsValue) -> CsvImportError;
    /// A JsonLogic rule that cannot be evaluated.
    #[wasm_bindgen(reexport, extends = SequenzaError)]
    pub type JsonLogicError;
    #[wasm_bindgen(constructor)]
    fn new(message: &str, fields: JsValue) -> JsonLogicError;
    /// A flow run the engine cannot do.
    #[wasm_bindgen(reexport, extends = SequenzaError)]
    pub type EngineError;
    #[wasm_bindgen(constructor)]
    fn new(message: &str, fields: JsValue) -> EngineError;
}

/// A core error as an instance of its area's class, with `code` and its location fields.
pub(crate) fn js_error(err: sequenza::Error) -> JsValue {
    let mut fields = serde_json::json!({
        "code": err.code(),
        "path": err.path(),
        "line": err.line_column().map(|(l, _)| l),
        "column": err.line_column().map(|(_, c)| c),
    });
    if let sequenza::Error::Parse(parse) = &err {
        fields["expected"] = serde_json::json!(parse.expected);
        fields["found"] = serde_json::json!(parse.found);
    }
    #[cfg(feature = "import")]
    if let sequenza::Error::Import(import) = &err {
        fields = serde_json::json!({"code": err.code(), "row": import.row, "column": import.column,
            "columnName": import.column_name, "byteOffset": import.offset});
    }
    let fields = to_js(&fields).unwrap_or(JsValue::NULL);
    let message = err.to_string();
    match err {
        sequenza::Error::Format(_) => FormatError::new(&message, fields).into(),
        sequenza::Error::Parse(_) | sequenza::Error::Condition(_) => {
            ConditionError::new(&message, fields).into()
        }
        sequenza::Error::Time(_) => TimeError::new(&message, fields).into(),
        sequenza::Error::List(_) => ListError::new(&message, fields).into(),
        #[cfg(feature = "import")]
        sequenza::Error::Import(_) => CsvImportError::new(&message, fields).into(),
        _ => SequenzaError::new(&message, fields).into(),
    }
}

/// A core JsonLogic error as a `JsonLogicError`.
pub(crate) fn jsonlogic_error(err: sequenza::jsonlogic::JsonLogicError) -> JsValue {
    let fields =
        serde_json::json!({"code": err.code(), "path": err.path(), "line": null, "column": null});
    let _ = EngineError::new;
    JsonLogicError::new(&err.to_string(), to_js(&fields).unwrap_or(JsValue::NULL)).into()
}

/// Every error code of the core, with its area and meaning.
#[wasm_bindgen(js_name = errorCodes)]
pub fn error_codes() -> JsResult<JsValue> {
    to_js(
        &sequenza::flow::validate::CODES
            .iter()
            .map(|c| c.0)
            .collect::<Vec<_>>(),
    )
}
