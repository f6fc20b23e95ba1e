//! Conversions between JS values and the core's JSON forms, and the argument errors Node's own
//! APIs throw (`TypeError` `ERR_INVALID_ARG_TYPE`, `RangeError` `ERR_INVALID_ARG_VALUE`).

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use napi::bindgen_prelude::{Function, JsObjectValue, JsValue, Object, Unknown};
use napi::{Env, Error, Result, Status, ValueType, JSON};
use serde::Serialize;
use serde_json::value::RawValue;

use crate::errors::{core_error, core_error_in};

/// The deepest nesting of JSON the binding reads itself (a JsonLogic rule or its data, an array
/// of contacts or events), above serde_json's default limit of 128. The core's own limits (64
/// for conditions, 256 for JsonLogic rules, 128 for documents) are below it, so the core is the
/// one that reports a value nesting too deeply, with its location.
const MAX_VALUE_DEPTH: usize = 1024;

/// JSON text of a string (as is) or an object (through `JSON.stringify`); anything else is a
/// `TypeError`.
pub(crate) fn json_text(
    env: &Env,
    value: Unknown<'_>,
    name: &str,
    expected: &str,
) -> Result<String> {
    let received = match value.get_type()? {
        ValueType::String => return string_of(value),
        ValueType::Object => match stringify(env, value)? {
            Some(text) => return Ok(text),
            // `toJSON()` returned undefined, a function or a symbol.
            None => "an object without a JSON form".to_owned(),
        },
        other => format!("type {}", type_of(other)),
    };
    Err(type_error(
        env,
        &format!("The \"{name}\" argument must be {expected}. Received {received}"),
    ))
}

/// `JSON.stringify(value)`, or `None` when it gives `undefined` (a function, a symbol,
/// `undefined`, an object whose `toJSON` returns one of those).
pub(crate) fn stringify(env: &Env, value: Unknown<'_>) -> Result<Option<String>> {
    let json: JSON<'_> = env.get_global()?.get_named_property_unchecked("JSON")?;
    let stringify: Function<'_, Unknown<'_>, Unknown<'_>> =
        json.get_named_property_unchecked("stringify")?;
    let text = stringify.call(value)?;
    if text.get_type()? == ValueType::String {
        Ok(Some(string_of(text)?))
    } else {
        Ok(None)
    }
}

/// Any JSON value (a JsonLogic rule or its data) through `JSON.stringify`, as the core's
/// `serde_json::Value`. `undefined` is `null` when `undefined_is_null`, else a `TypeError`.
pub(crate) fn json_value(
    env: &Env,
    value: Option<Unknown<'_>>,
    name: &str,
    undefined_is_null: bool,
) -> Result<serde_json::Value> {
    let received = match value {
        None => "undefined",
        Some(value) => match value.get_type()? {
            ValueType::Undefined => "undefined",
            ValueType::Function => "type function",
            ValueType::Symbol => "type symbol",
            _ => match stringify(env, value)? {
                Some(text) => return deserialize_deep(env, &text, name),
                None => "an object without a JSON form",
            },
        },
    };
    if undefined_is_null && received == "undefined" {
        return Ok(serde_json::Value::Null);
    }
    Err(type_error(
        env,
        &format!("The \"{name}\" argument must be a JSON value. Received {received}"),
    ))
}

/// Reads JSON text written by `JSON.stringify`, nesting allowed up to [`MAX_VALUE_DEPTH`]
/// (deeper is a `RangeError`): serde_json's own limit of 128 would otherwise stop values the
/// core accepts, or reports itself with a location.
fn deserialize_deep<'de, T: serde::Deserialize<'de>>(
    env: &Env,
    text: &'de str,
    name: &str,
) -> Result<T> {
    if json_depth(text) > MAX_VALUE_DEPTH {
        return Err(range_error(
            env,
            &format!("The \"{name}\" argument nests deeper than {MAX_VALUE_DEPTH} levels"),
        ));
    }
    let mut de = serde_json::Deserializer::from_str(text);
    de.disable_recursion_limit();
    T::deserialize(&mut de)
        .map_err(|e| Error::new(Status::GenericFailure, format!("\"{name}\": {e}")))
}

/// The deepest nesting of arrays and objects in well-formed JSON text.
fn json_depth(text: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let (mut in_string, mut escaped) = (false, false);
    for b in text.bytes() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// Reads every element of a JS array with `read` (one `JSON.stringify` for the whole array).
/// A format error of element `i` gets the JSON pointer `/i/…`, prefixed by `pointer`; its line and
/// column are those inside the element's own JSON text.
pub(crate) fn json_array<T>(
    env: &Env,
    value: Unknown<'_>,
    name: &str,
    pointer: &str,
    read: impl Fn(&str) -> sequenza::Result<T>,
) -> Result<Vec<T>> {
    if !value.is_array()? {
        return Err(type_error(
            env,
            &format!(
                "The \"{name}\" argument must be an array. Received {}",
                received(value.get_type()?)
            ),
        ));
    }
    let Some(text) = stringify(env, value)? else {
        return Err(type_error(
            env,
            &format!("The \"{name}\" argument must be an array with a JSON form"),
        ));
    };
    let elements: Vec<&RawValue> = deserialize_deep(env, &text, name)?;
    elements
        .iter()
        .enumerate()
        .map(|(i, raw)| {
            read(raw.get()).map_err(|e| core_error_in(env, e, &format!("{pointer}/{i}")))
        })
        .collect()
}

/// The optional field schema: `undefined` / `null` for none, else JSON text or an object.
pub(crate) fn field_schema(
    env: &Env,
    fields: Option<Unknown<'_>>,
    name: &str,
) -> Result<Option<sequenza::FieldSchema>> {
    let Some(fields) = fields.filter(|f| !is_nullish(f)) else {
        return Ok(None);
    };
    let text = json_text(env, fields, name, "a JSON string or an object")?;
    sequenza::FieldSchema::from_json(&text)
        .map(Some)
        .map_err(|e| core_error(env, &e))
}

/// An instant: a `Date` or an RFC 3339 string with an offset.
pub(crate) fn instant(env: &Env, value: Option<Unknown<'_>>, name: &str) -> Result<DateTime<Utc>> {
    let Some(value) = value else {
        return Err(type_error(
            env,
            &format!(
                "The \"{name}\" argument must be a Date or an RFC 3339 string. Received undefined"
            ),
        ));
    };
    match value.get_type()? {
        ValueType::String => {
            let text = string_of(value)?;
            DateTime::parse_from_rfc3339(&text)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|e| {
                    range_error(
                        env,
                        &format!(
                            "The \"{name}\" argument must be an RFC 3339 date-time with an offset, \
                             such as 2026-11-25T12:00:00Z ({e}). Received {text:?}"
                        ),
                    )
                })
        }
        ValueType::Object if value.is_date()? => {
            let millis = value.coerce_to_number()?.get_double()?;
            if !millis.is_finite() {
                return Err(range_error(
                    env,
                    &format!("The \"{name}\" argument is an invalid Date"),
                ));
            }
            // A Date holds whole milliseconds within ±8.64e15.
            DateTime::from_timestamp_millis(millis as i64).ok_or_else(|| {
                range_error(
                    env,
                    &format!("The \"{name}\" argument is a Date out of the supported range"),
                )
            })
        }
        other => Err(type_error(
            env,
            &format!(
                "The \"{name}\" argument must be a Date or an RFC 3339 string. Received {}",
                received(other)
            ),
        )),
    }
}

/// An optional IANA time-zone name (`Europe/Rome`); UTC when absent.
pub(crate) fn time_zone(env: &Env, value: Option<Unknown<'_>>, name: &str) -> Result<Tz> {
    let Some(value) = value.filter(|v| !is_nullish(v)) else {
        return Ok(Tz::UTC);
    };
    let text = string_arg(env, value, name)?;
    text.parse::<Tz>().map_err(|_| {
        range_error(
            env,
            &format!("The \"{name}\" argument must be an IANA time zone such as \"Europe/Rome\". Received {text:?}"),
        )
    })
}

/// A string argument; anything else is a `TypeError`.
pub(crate) fn string_arg(env: &Env, value: Unknown<'_>, name: &str) -> Result<String> {
    match value.get_type()? {
        ValueType::String => string_of(value),
        other => Err(type_error(
            env,
            &format!(
                "The \"{name}\" argument must be of type string. Received {}",
                received(other)
            ),
        )),
    }
}

/// An optional string argument: `undefined` / `null` for none.
pub(crate) fn opt_string_arg(
    env: &Env,
    value: Option<Unknown<'_>>,
    name: &str,
) -> Result<Option<String>> {
    match value.filter(|v| !is_nullish(v)) {
        None => Ok(None),
        Some(value) => string_arg(env, value, name).map(Some),
    }
}

/// A JS array of strings.
pub(crate) fn string_array(env: &Env, value: Unknown<'_>, name: &str) -> Result<Vec<String>> {
    if !value.is_array()? {
        return Err(type_error(
            env,
            &format!(
                "The \"{name}\" argument must be an array of strings. Received {}",
                received(value.get_type()?)
            ),
        ));
    }
    let list = value.coerce_to_object()?;
    let len = list.get_array_length()?;
    (0..len)
        .map(|i| {
            let item: Unknown<'_> = list.get_element(i)?;
            string_arg(env, item, &format!("{name}[{i}]"))
        })
        .collect()
}

/// An options object (`undefined` / `null` for none): its properties by name, after checking
/// that it names only `known` options.
pub(crate) struct Options<'env> {
    object: Option<Object<'env>>,
    /// The argument's name in messages (`options`).
    name: &'static str,
}

impl<'env> Options<'env> {
    pub(crate) fn read(
        env: &Env,
        value: Option<Unknown<'env>>,
        name: &'static str,
        known: &[&str],
    ) -> Result<Self> {
        let Some(value) = value.filter(|v| !is_nullish(v)) else {
            return Ok(Options { object: None, name });
        };
        if value.get_type()? != ValueType::Object || value.is_array()? {
            return Err(type_error(
                env,
                &format!(
                    "The \"{name}\" argument must be an object. Received {}",
                    if value.is_array()? {
                        "an array".to_owned()
                    } else {
                        received(value.get_type()?)
                    }
                ),
            ));
        }
        let object = value.coerce_to_object()?;
        let keys = object.get_property_names()?;
        for i in 0..keys.get_array_length()? {
            let key: Unknown<'_> = keys.get_element(i)?;
            let key = key.coerce_to_string()?.into_utf8()?.into_owned()?;
            if !known.contains(&key.as_str()) {
                return Err(range_error(
                    env,
                    &format!(
                        "The \"{name}\" argument has an unknown option {key:?} (known: {})",
                        known.join(", ")
                    ),
                ));
            }
        }
        Ok(Options {
            object: Some(object),
            name,
        })
    }

    /// The option's value; `None` when absent or `undefined`.
    pub(crate) fn get(&self, key: &str) -> Result<Option<Unknown<'env>>> {
        let Some(object) = &self.object else {
            return Ok(None);
        };
        let value: Unknown<'env> = object.get_named_property_unchecked(key)?;
        Ok((value.get_type()? != ValueType::Undefined).then_some(value))
    }

    /// The option's value read as `T` (a function, a class instance …); `None` when absent or
    /// `undefined`, a `TypeError` naming `expected` when it is not a `T`.
    pub(crate) fn get_as<T>(&self, env: &Env, key: &str, expected: &str) -> Result<Option<T>>
    where
        T: napi::bindgen_prelude::FromNapiValue + napi::bindgen_prelude::ValidateNapiValue,
    {
        let Some(value) = self.get(key)? else {
            return Ok(None);
        };
        let Some(object) = &self.object else {
            return Ok(None);
        };
        match object.get_named_property::<T>(key) {
            Ok(v) => Ok(Some(v)),
            Err(_) => Err(type_error(
                env,
                &format!(
                    "The \"{}\" argument must be {expected}. Received {}",
                    self.name_of(key),
                    received(value.get_type()?)
                ),
            )),
        }
    }

    /// The name `options.key` for messages.
    pub(crate) fn name_of(&self, key: &str) -> String {
        format!("{}.{key}", self.name)
    }
}

/// True for `undefined` and `null`.
pub(crate) fn is_nullish(value: &Unknown<'_>) -> bool {
    matches!(value.get_type(), Ok(ValueType::Undefined | ValueType::Null))
}

fn string_of(value: Unknown<'_>) -> Result<String> {
    value.coerce_to_string()?.into_utf8()?.into_owned()
}

/// The `typeof` word for a value type, as Node's own argument errors say it.
pub(crate) fn type_of(value_type: ValueType) -> &'static str {
    match value_type {
        ValueType::Undefined => "undefined",
        ValueType::Null => "null",
        ValueType::Boolean => "boolean",
        ValueType::Number => "number",
        ValueType::String => "string",
        ValueType::Symbol => "symbol",
        ValueType::Object => "object",
        ValueType::Function => "function",
        ValueType::External => "external",
        // The one other answer of `napi_typeof`.
        _ => "bigint",
    }
}

/// What Node's messages say was received: `undefined`, `null` or `type …`.
fn received(value_type: ValueType) -> String {
    match value_type {
        ValueType::Undefined | ValueType::Null => type_of(value_type).to_owned(),
        other => format!("type {}", type_of(other)),
    }
}

/// Serialises a core value to its JSON form and hands it to `JSON.parse`.
pub(crate) fn to_js<'env, T: Serialize + ?Sized>(
    env: &'env Env,
    value: &T,
) -> Result<Unknown<'env>> {
    let text = serde_json::to_string(value)
        .map_err(|e| Error::new(Status::GenericFailure, e.to_string()))?;
    parse_json(env, &text)
}

/// `JSON.parse(text)`.
pub(crate) fn parse_json<'env>(env: &'env Env, text: &str) -> Result<Unknown<'env>> {
    let json: JSON<'_> = env.get_global()?.get_named_property_unchecked("JSON")?;
    let parse: Function<'_, &str, Unknown<'env>> = json.get_named_property_unchecked("parse")?;
    parse.call(text)
}

/// The serde string form of a value whose JSON form is a string (`FlowStatus`, an instant …).
pub(crate) fn serde_string<T: Serialize>(value: &T) -> Result<String> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => Ok(s),
        Ok(other) => Err(Error::new(
            Status::GenericFailure,
            format!("not a string: {other}"),
        )),
        Err(e) => Err(Error::new(Status::GenericFailure, e.to_string())),
    }
}

/// Throws a `TypeError` with Node's `ERR_INVALID_ARG_TYPE` code and returns the marker error
/// that tells napi the exception is already pending.
pub(crate) fn type_error(env: &Env, message: &str) -> Error {
    match env.throw_type_error(message, Some("ERR_INVALID_ARG_TYPE")) {
        Ok(()) => Error::new(Status::PendingException, message.to_owned()),
        Err(e) => e,
    }
}

/// Throws a `RangeError` with Node's `ERR_INVALID_ARG_VALUE` code (an argument of the right type
/// and a wrong value: an instant that is not RFC 3339, an unknown time zone …).
pub(crate) fn range_error(env: &Env, message: &str) -> Error {
    match env.throw_range_error(message, Some("ERR_INVALID_ARG_VALUE")) {
        Ok(()) => Error::new(Status::PendingException, message.to_owned()),
        Err(e) => e,
    }
}
