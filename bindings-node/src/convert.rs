//! Conversions between JS values and the core's forms, and the argument errors Node's own APIs
//! throw (`TypeError` `ERR_INVALID_ARG_TYPE`, `RangeError` `ERR_INVALID_ARG_VALUE`).
//!
//! A document (a flow, a contact, a condition …) is JSON text: a string as it is, an object
//! through the engine's `JSON.stringify`, read by the core's `from_json` so that its errors
//! locate the problem. An output is the core's serde form through napi's serde bridge.

use chrono::{DateTime, SecondsFormat, Utc};
use napi::bindgen_prelude::{FromNapiValue, Function, JsObjectValue, JsValue, Object, Unknown};
use napi::JsDate;
use napi::{Env, Error, Result, Status, ValueType, JSON};
use serde::Serialize;
use serde_json::value::RawValue;

use crate::errors::OrThrow;

/// An optional JS argument.
pub(crate) type Arg<'a> = Option<Unknown<'a>>;

/// Throws a `TypeError` with Node's `ERR_INVALID_ARG_TYPE` and returns napi's "already thrown".
pub(crate) fn type_error(env: &Env, message: &str) -> Error {
    thrown(
        env.throw_type_error(message, Some("ERR_INVALID_ARG_TYPE")),
        message,
    )
}

/// Throws a `RangeError` with Node's `ERR_INVALID_ARG_VALUE` (right type, wrong value).
pub(crate) fn range_error(env: &Env, message: &str) -> Error {
    thrown(
        env.throw_range_error(message, Some("ERR_INVALID_ARG_VALUE")),
        message,
    )
}

fn thrown(result: Result<()>, message: &str) -> Error {
    result.map_or_else(
        |e| e,
        |()| Error::new(Status::PendingException, message.to_owned()),
    )
}

/// `The "name" argument must be {expected}. Received …`, as a `TypeError`.
pub(crate) fn wrong_type(
    env: &Env,
    value: Option<&Unknown<'_>>,
    name: &str,
    expected: &str,
) -> Error {
    let received = match value.map(|v| (v.get_type(), v.is_array())) {
        None | Some((Ok(ValueType::Undefined), _)) => "undefined".to_owned(),
        Some((Ok(ValueType::Null), _)) => "null".to_owned(),
        Some((_, Ok(true))) => "an array".to_owned(),
        Some((Ok(t), _)) => format!("type {}", format!("{t}").to_lowercase()),
        Some((Err(_), _)) => "an unreadable value".to_owned(),
    };
    type_error(
        env,
        &format!("The \"{name}\" argument must be {expected}. Received {received}"),
    )
}

/// The value unless it is `undefined` or `null`.
pub(crate) fn given(value: Arg) -> Arg {
    value.filter(|v| !matches!(v.get_type(), Ok(ValueType::Undefined | ValueType::Null)))
}

/// A string argument.
pub(crate) fn string(env: &Env, value: Arg, name: &str) -> Result<String> {
    match value {
        Some(v) if v.get_type()? == ValueType::String => {
            v.coerce_to_string()?.into_utf8()?.into_owned()
        }
        other => Err(wrong_type(env, other.as_ref(), name, "of type string")),
    }
}

/// An optional string argument (`undefined` / `null` for none).
pub(crate) fn opt_string(env: &Env, value: Arg, name: &str) -> Result<Option<String>> {
    given(value).map(|v| string(env, Some(v), name)).transpose()
}

/// A JS array of strings.
pub(crate) fn strings(env: &Env, value: Arg, name: &str) -> Result<Vec<String>> {
    match value {
        Some(v) if v.is_array()? => {
            let list = v.coerce_to_object()?;
            (0..list.get_array_length()?)
                .map(|i| string(env, Some(list.get_element(i)?), &format!("{name}[{i}]")))
                .collect()
        }
        other => Err(wrong_type(env, other.as_ref(), name, "an array of strings")),
    }
}

/// JSON text of a string (as it is) or an object (through `JSON.stringify`).
pub(crate) fn json_text(env: &Env, value: Arg, name: &str) -> Result<String> {
    if let Some(v) = &value {
        match v.get_type()? {
            ValueType::String => return v.coerce_to_string()?.into_utf8()?.into_owned(),
            ValueType::Object => {
                if let Some(text) = stringify(env, *v)? {
                    return Ok(text);
                }
            }
            _ => {}
        }
    }
    Err(wrong_type(
        env,
        value.as_ref(),
        name,
        "a JSON string or an object with a JSON form",
    ))
}

/// A document read by the core from [`json_text`]; the core's error is thrown as is.
pub(crate) fn doc<T>(
    env: &Env,
    value: Arg,
    name: &str,
    read: impl FnOnce(&str) -> sequenza::Result<T>,
) -> Result<T> {
    read(&json_text(env, value, name)?).or_throw(env)
}

/// An optional document (`undefined` / `null` for none).
pub(crate) fn opt_doc<T>(
    env: &Env,
    value: Arg,
    name: &str,
    read: impl FnOnce(&str) -> sequenza::Result<T>,
) -> Result<Option<T>> {
    given(value)
        .map(|v| doc(env, Some(v), name, read))
        .transpose()
}

/// The optional field schema.
pub(crate) fn schema(env: &Env, value: Arg, name: &str) -> Result<Option<sequenza::FieldSchema>> {
    opt_doc(env, value, name, sequenza::FieldSchema::from_json)
}

/// `JSON.stringify(value)`, `None` when it gives `undefined`.
fn stringify(env: &Env, value: Unknown<'_>) -> Result<Option<String>> {
    let json: JSON<'_> = env.get_global()?.get_named_property_unchecked("JSON")?;
    let stringify: Function<'_, Unknown<'_>, Unknown<'_>> =
        json.get_named_property_unchecked("stringify")?;
    let text = stringify.call(value)?;
    if text.get_type()? != ValueType::String {
        return Ok(None);
    }
    text.coerce_to_string()?.into_utf8()?.into_owned().map(Some)
}

/// Any JSON value (a JsonLogic rule or its data) as a `serde_json::Value`; `undefined` is `null`
/// when `undefined_is_null`. Read by the core (nesting up to `sequenza::text::MAX_JSON_DEPTH`).
pub(crate) fn json_value(
    env: &Env,
    value: Arg,
    name: &str,
    undefined_is_null: bool,
) -> Result<serde_json::Value> {
    let text = match &value {
        None => None,
        Some(v)
            if matches!(
                v.get_type()?,
                ValueType::Undefined | ValueType::Function | ValueType::Symbol
            ) =>
        {
            None
        }
        Some(v) => stringify(env, *v)?,
    };
    match text {
        Some(text) => sequenza::text::json_value(&text).or_throw(env),
        None if undefined_is_null
            && value
                .as_ref()
                .is_none_or(|v| v.get_type().ok() == Some(ValueType::Undefined)) =>
        {
            Ok(serde_json::Value::Null)
        }
        None => Err(wrong_type(env, value.as_ref(), name, "a JSON value")),
    }
}

/// Every element of a JS array read by the core (one `JSON.stringify` for the whole array); a
/// format error of element `i` gets the JSON pointer `/i/…`.
pub(crate) fn array<T>(
    env: &Env,
    value: Arg,
    name: &str,
    read: impl Fn(&str) -> sequenza::Result<T>,
) -> Result<Vec<T>> {
    let text = match &value {
        Some(v) if v.is_array()? => stringify(env, *v)?,
        _ => None,
    };
    let Some(text) = text else {
        return Err(wrong_type(env, value.as_ref(), name, "an array"));
    };
    let elements: Vec<&RawValue> = sequenza::text::json_deep(&text).or_throw(env)?;
    let read_one = |(i, raw): (usize, &&RawValue)| read(raw.get()).map_err(|e| e.in_element(i));
    let elements = elements.iter().enumerate().map(read_one);
    elements.collect::<sequenza::Result<_>>().or_throw(env)
}

/// An instant: a `Date` or an RFC 3339 string with an offset (the one converter every `now`,
/// `at` … goes through: one type check, then the string's bytes or the Date's milliseconds).
pub(crate) fn instant(env: &Env, value: Arg, name: &str) -> Result<DateTime<Utc>> {
    let bad = |why: String| range_error(env, &format!("The \"{name}\" argument {why}"));
    match value {
        Some(v) if v.get_type()? == ValueType::String => {
            let text = String::from_unknown(v)?;
            DateTime::parse_from_rfc3339(&text).map(|t| t.to_utc()).map_err(|e| {
                let example = "such as 2026-11-25T12:00:00Z";
                bad(format!("must be an RFC 3339 date-time with an offset, {example} ({e}). Received {text:?}"))
            })
        }
        Some(v) if v.is_date()? => {
            let millis = JsDate::from_unknown(v)?.value_of()?;
            // A valid Date holds whole milliseconds within ±8.64e15.
            DateTime::from_timestamp_millis(millis as i64)
                .filter(|_| millis.is_finite())
                .ok_or_else(|| bad("is an invalid Date".to_owned()))
        }
        other => Err(wrong_type(
            env,
            other.as_ref(),
            name,
            "a Date or an RFC 3339 string",
        )),
    }
}

/// An instant out: RFC 3339 in UTC (`2025-06-05T06:00:00Z`).
pub(crate) fn iso(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// A core value in its serde form, as a JS value.
pub(crate) fn to_js<'env, T: Serialize + ?Sized>(
    env: &'env Env,
    value: &T,
) -> Result<Unknown<'env>> {
    env.to_js_value(&value)
}

/// The serde string form of a value whose JSON form is a string (`FlowStatus` …).
pub(crate) fn serde_string<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        other => format!("{other:?}"),
    }
}

/// An options object (`undefined` / `null` for none): its properties by name, after checking
/// that it names only the options this function reads itself.
pub(crate) struct Opts<'env> {
    object: Option<Object<'env>>,
}

impl<'env> Opts<'env> {
    pub(crate) fn read(env: &Env, value: Arg<'env>, name: &str, known: &[&str]) -> Result<Self> {
        let Some(value) = given(value) else {
            return Ok(Opts { object: None });
        };
        if value.get_type()? != ValueType::Object || value.is_array()? {
            return Err(wrong_type(env, Some(&value), name, "an object"));
        }
        let object = value.coerce_to_object()?;
        if !known.is_empty() {
            let keys = object.get_property_names()?;
            for i in 0..keys.get_array_length()? {
                let key: String = keys.get_element(i)?;
                if !known.contains(&key.as_str()) {
                    let known = known.join(", ");
                    let message = format!(
                        "The \"{name}\" argument has an unknown option {key:?} (known: {known})"
                    );
                    return Err(range_error(env, &message));
                }
            }
        }
        Ok(Opts {
            object: Some(object),
        })
    }

    /// The options object itself, when one was given.
    pub(crate) fn object(&self) -> Option<Object<'env>> {
        self.object
    }

    /// The option's value; `None` when absent, `undefined` or `null`.
    pub(crate) fn get(&self, key: &str) -> Result<Arg<'env>> {
        match &self.object {
            Some(object) => Ok(given(Some(object.get_named_property_unchecked(key)?))),
            None => Ok(None),
        }
    }
}

/// An options object the core reads (`{}` when absent), its top-level keys in snake_case.
pub(crate) fn core_options(env: &Env, value: Arg) -> Result<serde_json::Value> {
    let Some(value) = given(value) else {
        return Ok(serde_json::json!({}));
    };
    if value.get_type()? != ValueType::Object || value.is_array()? {
        return Err(wrong_type(env, Some(&value), "options", "an object"));
    }
    let options = json_value(env, Some(value), "options", false)?;
    Ok(sequenza::text::snake_case_keys(options))
}

/// An optional IANA zone argument, read by the core (`time.zone.unknown`).
pub(crate) fn zone(env: &Env, value: Arg, name: &str) -> Result<Option<sequenza::time::Tz>> {
    let name = opt_string(env, value, name)?;
    name.map(|n| sequenza::time::parse_zone(&n))
        .transpose()
        .or_throw(env)
}
