//! Core errors as instances of the package's error classes (`SequenzaError` and one subclass per
//! area, defined in `errors.js` and handed over by `index.js` through `setErrorClasses`): the
//! class is chosen by the error's area, `code` and the location fields come from the core's
//! error data with camelCase keys.

use std::cell::RefCell;

use napi::bindgen_prelude::{Function, JsObjectValue, JsValue, Object, ObjectRef, Unknown};
use napi::{Env, Error, Result, Status};
use napi_derive::napi;
use sequenza::error::Area;

thread_local! {
    /// The error classes of this thread's JS environment, by name.
    static CLASSES: RefCell<Option<ObjectRef<false>>> = const { RefCell::new(None) };
}

/// Registers the error classes (an object: class name → class). Called once by `index.js`.
#[napi(skip_typescript)]
pub fn set_error_classes(classes: ObjectRef<false>) {
    CLASSES.with(|c| c.replace(Some(classes)));
}

/// Every error code with its area, the severity of a finding code, and one line of meaning.
#[napi(ts_return_type = "ErrorCode[]")]
pub fn error_codes(env: &Env) -> Result<Unknown<'_>> {
    crate::convert::to_js(env, sequenza::error::codes())
}

/// The JS class of a core error's area.
fn class_name(area: Area) -> &'static str {
    match area {
        Area::Format => "FormatError",
        Area::Parse => "ConditionSyntaxError",
        Area::Condition => "ConditionError",
        Area::Segment => "SegmentError",
        Area::Time => "TimeError",
        Area::List => "ListError",
        Area::Import => "CsvImportError",
        Area::JsonLogic => "JsonLogicError",
        Area::Merge => "MergeSyntaxError",
        Area::Flow => "FlowError",
        Area::Engine => "EngineError",
        Area::Store => "StoreError",
        _ => "SequenzaError",
    }
}

/// Maps a core error to an instance of its JS class with `code` and its location fields (the
/// core's error data, keys in camelCase).
pub(crate) fn core_error(env: &Env, err: sequenza::Error) -> Error {
    let data = serde_json::to_value(err.data()).unwrap_or_default();
    let data = sequenza::text::camel_case_keys(data);
    build(env, class_name(err.area()), &err.to_string(), data).unwrap_or_else(|e| e)
}

fn build(env: &Env, name: &str, message: &str, data: serde_json::Value) -> Result<Error> {
    let class: Option<Function<'_, String, Unknown<'_>>> = CLASSES.with(|c| {
        let classes = c.borrow();
        let object: Option<Object<'_>> = classes.as_ref().map(|r| r.get_value(env)).transpose()?;
        object
            .map(|o| o.get_named_property_unchecked(name))
            .transpose()
    })?;
    let mut obj: Object<'_> = match class {
        Some(class) => class.new_instance(message.to_owned())?.coerce_to_object()?,
        None => {
            let mut plain: Object<'_> =
                env.create_error(Error::new(Status::GenericFailure, message.to_owned()))?;
            plain.set_named_property("name", name)?;
            plain
        }
    };
    if let serde_json::Value::Object(fields) = data {
        for (key, value) in fields {
            if key != "message" && key != "area" {
                obj.set_named_property(&key, env.to_js_value(&value)?)?;
            }
        }
    }
    Ok(Error::from(obj.to_unknown()))
}

/// `result.or_throw(env)?`: a core error becomes its JS error.
pub(crate) trait OrThrow<T> {
    fn or_throw(self, env: &Env) -> Result<T>;
}

impl<T> OrThrow<T> for sequenza::Result<T> {
    fn or_throw(self, env: &Env) -> Result<T> {
        self.map_err(|e| core_error(env, e))
    }
}
