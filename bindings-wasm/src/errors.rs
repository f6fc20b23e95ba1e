//! Core errors as JS errors: one class per area (`js/errors.js`, re-exported by the package),
//! chosen by one match on `err.area()`, with the fields of `err.data()` in camelCase.

use sequenza::error::Area;
use wasm_bindgen::prelude::*;

use crate::{to_js, to_js_camel, JsResult};

/// Declares the error classes of `js/errors.js`, each re-exported by the package.
macro_rules! classes {
    ($($name:ident),* $(,)?) => {
        #[wasm_bindgen(module = "/js/errors.js")]
        extern "C" {
            /// The base class of every error the core reports.
            #[wasm_bindgen(reexport, extends = js_sys::Error)]
            pub(crate) type SequenzaError;
            #[wasm_bindgen(constructor)]
            fn new(message: &str, fields: JsValue) -> SequenzaError;
            $(
                #[wasm_bindgen(reexport, extends = SequenzaError)]
                pub(crate) type $name;
                #[wasm_bindgen(constructor)]
                fn new(message: &str, fields: JsValue) -> $name;
            )*
        }
    };
}

// One class per area (see `js/errors.js` and `types.d.ts`).
classes! {
    FormatError, ConditionSyntaxError, ConditionError, SegmentError, TimeError, ListError,
    CsvImportError, JsonLogicError, MergeSyntaxError, FlowError, EngineError, StoreError
}

/// A core error as an instance of its area's class, carrying `area`, `code` and the location
/// fields that apply (`path`, `line`, `column`, `row`, `csvColumn`, `columnName`, `byteOffset` …).
pub(crate) fn js_error(err: sequenza::Error) -> JsValue {
    let fields = to_js_camel(&err.data()).unwrap_or(JsValue::NULL);
    let message = err.to_string();
    let m = message.as_str();
    match err.area() {
        Area::Format => FormatError::new(m, fields).into(),
        Area::Parse => ConditionSyntaxError::new(m, fields).into(),
        Area::Condition => ConditionError::new(m, fields).into(),
        Area::Segment => SegmentError::new(m, fields).into(),
        Area::Time => TimeError::new(m, fields).into(),
        Area::List => ListError::new(m, fields).into(),
        Area::Import => CsvImportError::new(m, fields).into(),
        Area::JsonLogic => JsonLogicError::new(m, fields).into(),
        Area::Merge => MergeSyntaxError::new(m, fields).into(),
        Area::Flow => FlowError::new(m, fields).into(),
        Area::Engine => EngineError::new(m, fields).into(),
        Area::Store => StoreError::new(m, fields).into(),
        // An area added to the core later: the base class until it has its own.
        _ => SequenzaError::new(m, fields).into(),
    }
}

/// Every code of the core's registry: `{code, area, severity?, meaning}`.
#[wasm_bindgen(js_name = errorCodes, unchecked_return_type = "ErrorCode[]")]
pub fn error_codes() -> JsResult<JsValue> {
    to_js(sequenza::error::codes())
}
