//! Core errors as JS errors: one class per area (`js/errors.js`, re-exported by the package),
//! chosen by one match on `err.area()`, with the fields of `err.data()` in camelCase.

use sequenza::error::Area;
use wasm_bindgen::prelude::*;

use crate::{to_js, to_js_camel, JsResult};

/// Declares the error classes of `js/errors.js`, each re-exported by the package, and the one
/// match from an area to its class.
macro_rules! classes {
    ($($area:ident => $name:ident),* $(,)?) => {
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

        /// An instance of the class of `area`.
        fn instance(area: Area, message: &str, fields: JsValue) -> JsValue {
            match area {
                $(Area::$area => $name::new(message, fields).into(),)*
                // An area added to the core later: the base class until it has its own.
                _ => SequenzaError::new(message, fields).into(),
            }
        }
    };
}

// One class per area (see `js/errors.js` and `types.d.ts`).
classes! {
    Format => FormatError, Parse => ConditionSyntaxError, Condition => ConditionError,
    Segment => SegmentError, Time => TimeError, List => ListError, Import => CsvImportError,
    JsonLogic => JsonLogicError, Merge => MergeSyntaxError, Flow => FlowError,
    Engine => EngineError, Store => StoreError,
}

/// A core error as an instance of its area's class, carrying `area`, `code` and the location
/// fields that apply (`path`, `line`, `column`, `row`, `csvColumn`, `columnName`, `byteOffset` …).
pub(crate) fn js_error(err: sequenza::Error) -> JsValue {
    let fields = to_js_camel(&err.data()).unwrap_or(JsValue::NULL);
    instance(err.area(), &err.to_string(), fields)
}

/// Every code of the core's registry: `{code, area, severity?, meaning}`.
#[wasm_bindgen(js_name = errorCodes, unchecked_return_type = "ErrorCode[]")]
pub fn error_codes() -> JsResult<JsValue> {
    to_js(sequenza::error::codes())
}
