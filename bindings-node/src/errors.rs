//! Core errors as instances of the package's error classes (`SequenzaError` and one subclass per
//! area, defined in `errors.js` and handed over by `index.js` through `setErrorClasses`): the
//! class is chosen by the error's area, `code` and the location fields come from the core's
//! error data with camelCase keys.

use std::cell::RefCell;

use napi::bindgen_prelude::{Function, JsObjectValue, JsValue, Object, ObjectRef, Unknown};
use napi::{Env, Error, Result, Status};
use napi_derive::napi;

thread_local! {
    /// The error classes of this thread's JS environment, by name.
    static CLASSES: RefCell<Option<ObjectRef<false>>> = const { RefCell::new(None) };
}

/// Registers the error classes (an object: class name → class). Called once by `index.js`.
#[napi(skip_typescript)]
pub fn set_error_classes(classes: ObjectRef<false>) {
    CLASSES.with(|c| c.replace(Some(classes)));
}

/// The JS class name of a core error's area.
fn class_name(err: &sequenza::Error) -> &'static str {
    // TEMP until the errors API lands: one match on the area.
    match err {
        sequenza::Error::Format(_) => "FormatError",
        sequenza::Error::Parse(_) => "ConditionSyntaxError",
        sequenza::Error::Condition(_) => "ConditionError",
        sequenza::Error::Time(_) => "TimeError",
        sequenza::Error::List(_) => "ListError",
        sequenza::Error::Import(_) => "CsvImportError",
        _ => "SequenzaError",
    }
}

/// TEMP until the errors API lands.
fn data(err: &sequenza::Error) -> serde_json::Value {
    let (line, column) = err.line_column().unzip();
    let mut v =
        serde_json::json!({"code": err.code(), "path": err.path(), "line": line, "column": column});
    match err {
        sequenza::Error::Parse(p) => {
            v["expected"] = serde_json::json!(p.expected);
            v["found"] = serde_json::json!(p.found);
        }
        sequenza::Error::Import(i) => {
            v["row"] = serde_json::json!(i.row);
            v["column"] = serde_json::json!(i.column);
            v["column_name"] = serde_json::json!(i.column_name);
            v["byte_offset"] = serde_json::json!(i.offset);
        }
        _ => {}
    }
    v
}

/// Maps a core error to an instance of its JS class carrying `code` and its location.
pub(crate) fn core_error(env: &Env, err: sequenza::Error) -> Error {
    let data = sequenza::text::camel_case_keys(data(&err));
    build(env, class_name(&err), &err.to_string(), data).unwrap_or_else(|e| e)
}

/// TEMP until JsonLogic errors are core errors.
pub(crate) fn jsonlogic_error(env: &Env, err: &sequenza::jsonlogic::JsonLogicError) -> Error {
    let data = serde_json::json!({"code": err.code(), "path": err.path(), "line": null, "column": null, "expected": null});
    build(env, "JsonLogicError", &err.to_string(), data).unwrap_or_else(|e| e)
}

fn build(env: &Env, name: &str, message: &str, data: serde_json::Value) -> Result<Error> {
    let class: Option<Function<'_, String, Unknown<'_>>> = CLASSES.with(|c| {
        let classes = c.borrow();
        let object: Option<Object<'_>> = classes.as_ref().map(|r| r.get_value(env)).transpose()?;
        object.map(|o| o.get_named_property_unchecked(name)).transpose()
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
            if key != "message" {
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

/// The error of element `prefix` of a larger input: a format error's JSON pointer gets `prefix`
/// in front.
pub(crate) fn prefixed(err: sequenza::Error, prefix: &str) -> sequenza::Error {
    match err {
        sequenza::Error::Format(mut f) => {
            f.path = format!("{prefix}{}", f.path);
            sequenza::Error::Format(f)
        }
        other => other,
    }
}
