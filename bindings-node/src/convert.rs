//! Conversions between JS values and the core's forms, and the argument errors Node's own APIs
//! throw (`TypeError` `ERR_INVALID_ARG_TYPE`, `RangeError` `ERR_INVALID_ARG_VALUE`).
//!
//! A document (a flow, a contact, a condition …) is JSON text: a string as it is, an object
//! through the engine's `JSON.stringify`, read by the core's `from_json` so that its errors
//! locate the problem. An output is the core's serde form through napi's serde bridge.

use chrono::{DateTime, SecondsFormat, Utc};
use napi::bindgen_prelude::{
    FromNapiValue, Function, JsObjectValue, JsValue, Object, ToNapiValue, Unknown,
};
use napi::sys::{napi_env, napi_value};
use napi::JsDate;
use napi::{Env, Error, Result, Status, ValueType, JSON};
use sequenza::engine::{ApiResponse, InboundMessage, Outcome};
use sequenza::flow::FlowStatus;
use sequenza::list::{Activity, ActivityRecord, List, ListChange, Source};
use sequenza::model::{ContactId, FlowId, ListId, NodeId, SegmentId};
use sequenza::time::{CapPolicy, RecurrenceRule, Tz, ZonedPolicy};
use sequenza::{Contact, Event, FieldSchema};
use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::Value;

use crate::errors::OrThrow;

/// An optional JS argument.
pub(crate) type Arg<'a> = Option<Unknown<'a>>;

/// A core reader of a document's JSON text (`Contact::from_json` …).
pub(crate) type Reader<T> = fn(&str) -> sequenza::Result<T>;

/// Throws a `TypeError` with Node's `ERR_INVALID_ARG_TYPE` and returns napi's "already thrown".
pub(crate) fn type_error(env: &Env, message: &str) -> Error {
    let code = Some("ERR_INVALID_ARG_TYPE");
    thrown(env.throw_type_error(message, code), message)
}

/// Throws a `RangeError` with Node's `ERR_INVALID_ARG_VALUE` (right type, wrong value).
pub(crate) fn range_error(env: &Env, message: &str) -> Error {
    let code = Some("ERR_INVALID_ARG_VALUE");
    thrown(env.throw_range_error(message, code), message)
}

fn thrown(result: Result<()>, message: &str) -> Error {
    let pending = || Error::new(Status::PendingException, message.to_owned());
    result.map_or_else(|e| e, |()| pending())
}

/// `The "name" argument must be {expected}. Received …`, as a `TypeError`.
pub(crate) fn wrong_type(env: &Env, value: Option<&Unknown>, name: &str, expected: &str) -> Error {
    let received = match value.map(|v| (v.get_type(), v.is_array())) {
        None | Some((Ok(ValueType::Undefined), _)) => "undefined".to_owned(),
        Some((Ok(ValueType::Null), _)) => "null".to_owned(),
        Some((_, Ok(true))) => "an array".to_owned(),
        Some((Ok(t), _)) => format!("type {}", format!("{t}").to_lowercase()),
        Some((Err(_), _)) => "an unreadable value".to_owned(),
    };
    let message = format!("The \"{name}\" argument must be {expected}. Received {received}");
    type_error(env, &message)
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

/// A JS array of strings.
pub(crate) fn strings(env: &Env, value: Arg, name: &str) -> Result<Vec<String>> {
    each(env, value, name, "an array of strings")
}

/// Every element of a JS array read as `T`, named `name[i]` (`what`: the message when it is not
/// an array).
pub(crate) fn each<T: FromArg>(env: &Env, value: Arg, name: &str, what: &str) -> Result<Vec<T>> {
    match value {
        Some(v) if v.is_array()? => {
            let list = v.coerce_to_object()?;
            let item = |i| T::from_arg(env, Some(list.get_element(i)?), &format!("{name}[{i}]"));
            (0..list.get_array_length()?).map(item).collect()
        }
        other => Err(wrong_type(env, other.as_ref(), name, what)),
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
    let expected = "a JSON string or an object with a JSON form";
    Err(wrong_type(env, value.as_ref(), name, expected))
}

/// A document read by the core from [`json_text`]; the core's error is thrown as is.
pub(crate) fn doc<T>(env: &Env, value: Arg, name: &str, read: Reader<T>) -> Result<T> {
    read(&json_text(env, value, name)?).or_throw(env)
}

/// An optional document (`undefined` / `null` for none).
pub(crate) fn opt_doc<T>(env: &Env, value: Arg, name: &str, read: Reader<T>) -> Result<Option<T>> {
    given(value)
        .map(|v| doc(env, Some(v), name, read))
        .transpose()
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
) -> Result<Value> {
    use ValueType::{Function, Symbol, Undefined};
    let kind = value.as_ref().map(|v| v.get_type()).transpose()?;
    let text = match (&value, kind) {
        (Some(v), Some(k)) if !matches!(k, Undefined | Function | Symbol) => stringify(env, *v)?,
        _ => None,
    };
    match text {
        Some(text) => sequenza::text::json_value(&text).or_throw(env),
        None if undefined_is_null && matches!(kind, None | Some(Undefined)) => Ok(Value::Null),
        None => Err(wrong_type(env, value.as_ref(), name, "a JSON value")),
    }
}

/// Every element of a JS array read by the core (one `JSON.stringify` for the whole array); a
/// format error of element `i` gets the JSON pointer `/i/…`.
pub(crate) fn array<T>(env: &Env, value: Arg, name: &str, read: Reader<T>) -> Result<Vec<T>> {
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
        other => {
            let expected = "a Date or an RFC 3339 string";
            Err(wrong_type(env, other.as_ref(), name, expected))
        }
    }
}

/// Ids as JS strings.
pub(crate) fn ids<T: AsRef<str>>(ids: impl IntoIterator<Item = T>) -> Vec<String> {
    ids.into_iter().map(|id| id.as_ref().to_owned()).collect()
}

/// A count for JS (`u32`, saturating).
pub(crate) fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// An instant out: RFC 3339 in UTC (`2025-06-05T06:00:00Z`).
pub(crate) fn iso(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// A core value in its serde form, as a JS value.
pub(crate) fn to_js<'e, T: Serialize + ?Sized>(env: &'e Env, value: &T) -> Result<Unknown<'e>> {
    env.to_js_value(&value)
}

/// The serde string form of a value whose JSON form is a string (`FlowStatus` …).
pub(crate) fn serde_string<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        other => format!("{other:?}"),
    }
}

/// A value read from one JS argument; `name` is the argument's name in its errors.
pub(crate) trait FromArg: Sized {
    fn from_arg(env: &Env, value: Arg, name: &str) -> Result<Self>;
}

/// Reads an argument from napi's raw value (the `FromNapiValue` of the [`crate::arg`] types).
///
/// # Safety
/// `env` and `value` are the ones napi hands to `from_napi_value`.
#[allow(unsafe_code)]
pub(crate) unsafe fn from_napi<T: FromArg>(
    env: napi_env,
    raw: napi_value,
    name: &str,
) -> Result<T> {
    // SAFETY: napi's own env and value, as the caller's contract says.
    let value = unsafe { Option::<Unknown<'_>>::from_napi_value(env, raw) }?;
    T::from_arg(&Env::from_raw(env), value, name)
}

/// The readers of plain arguments: `Type => |env, value, name| reader`.
macro_rules! from_arg {
    ($($ty:ty => |$env:ident, $v:ident, $n:ident| $read:expr;)*) => {$(
        impl FromArg for $ty {
            fn from_arg($env: &Env, $v: Arg, $n: &str) -> Result<Self> {
                $read
            }
        }
    )*};
}

from_arg! {
    String => |env, value, name| string(env, value, name);
    Vec<String> => |env, value, name| strings(env, value, name);
    DateTime<Utc> => |env, value, name| instant(env, value, name);
    // An IANA zone name, read by the core (`time.zone.unknown`).
    Tz => |env, value, name| sequenza::time::parse_zone(&string(env, value, name)?).or_throw(env);
    JsonText => |env, value, name| json_text(env, value, name).map(JsonText);
}

impl FromArg for bool {
    fn from_arg(env: &Env, value: Arg, name: &str) -> Result<Self> {
        match value {
            Some(v) if v.get_type()? == ValueType::Boolean => v.coerce_to_bool(),
            other => Err(wrong_type(env, other.as_ref(), name, "of type boolean")),
        }
    }
}

/// A whole number ≥ 0 (`offset`, `limit`).
impl FromArg for usize {
    fn from_arg(env: &Env, value: Arg, name: &str) -> Result<Self> {
        let n = match value {
            Some(v) if v.get_type()? == ValueType::Number => v.coerce_to_number()?.get_double()?,
            other => return Err(wrong_type(env, other.as_ref(), name, "of type number")),
        };
        if !(n.is_finite() && n >= 0.0 && n.fract() == 0.0) {
            let message =
                format!("The \"{name}\" argument must be a whole number >= 0. Received {n}");
            return Err(range_error(env, &message));
        }
        Ok(n as usize)
    }
}

/// JSON text of a string or an object ([`json_text`]), for the core to read inside a document.
#[derive(Debug)]
pub struct JsonText(pub String);

/// A document the core reads from JSON text ([`doc`]); an array of them is read by [`array`].
pub(crate) trait Json: Sized {
    fn read(json: &str) -> sequenza::Result<Self>;
}

impl<T: Json> FromArg for T {
    fn from_arg(env: &Env, value: Arg, name: &str) -> Result<Self> {
        doc(env, value, name, T::read)
    }
}

impl<T: Json> FromArg for Vec<T> {
    fn from_arg(env: &Env, value: Arg, name: &str) -> Result<Self> {
        array(env, value, name, T::read)
    }
}

/// The documents read by their own `from_json`, then those without one (`error::from_json`).
macro_rules! json {
    ($($ty:ty),* ; $($any:ty),*) => {
        $(impl Json for $ty {
            fn read(json: &str) -> sequenza::Result<Self> {
                <$ty>::from_json(json)
            }
        })*
        $(impl Json for $any {
            fn read(json: &str) -> sequenza::Result<Self> {
                sequenza::error::from_json(json)
            }
        })*
    };
}

json!(Contact, Event, List, ListChange, Source, ActivityRecord, FieldSchema, CapPolicy,
    ZonedPolicy, RecurrenceRule, sequenza::flow::WaitNode;
    InboundMessage, ApiResponse, Activity, Vec<sequenza::engine::feed::FeedItem>);

/// Ids: a string argument; an array of ids: an array of strings.
macro_rules! ids {
    ($($ty:ty),*) => {$(
        impl FromArg for $ty {
            fn from_arg(env: &Env, value: Arg, name: &str) -> Result<Self> {
                string(env, value, name).map(<$ty>::new)
            }
        }

        impl FromArg for Vec<$ty> {
            fn from_arg(env: &Env, value: Arg, name: &str) -> Result<Self> {
                each(env, value, name, "an array of strings")
            }
        }
    )*};
}

ids!(ContactId, FlowId, ListId, NodeId, SegmentId);

/// Words (a flow status, an outcome): a string argument read by the core as the JSON string it
/// is.
macro_rules! words {
    ($($ty:ty),*) => {$(
        impl FromArg for $ty {
            fn from_arg(env: &Env, value: Arg, name: &str) -> Result<Self> {
                let text = serde_json::Value::from(string(env, value, name)?).to_string();
                sequenza::error::from_json(&text).or_throw(env)
            }
        }
    )*};
}

words!(FlowStatus, Outcome);

/// An options object (`undefined` / `null` for none): its properties by name, after checking
/// that it names only the options this function reads itself.
pub(crate) struct Opts<'env> {
    env: Env,
    name: String,
    object: Option<Object<'env>>,
}

impl<'env> Opts<'env> {
    pub(crate) fn read(env: &Env, value: Arg<'env>, name: &str, known: &[&str]) -> Result<Self> {
        let mut opts = Opts {
            env: *env,
            name: name.to_owned(),
            object: None,
        };
        let Some(value) = given(value) else {
            return Ok(opts);
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
        opts.object = Some(object);
        Ok(opts)
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

    /// The option read as `T` (named `options.<key>` in its errors); `None` when absent.
    pub(crate) fn opt<T: FromArg>(&self, key: &str) -> Result<Option<T>> {
        let value = self.get(key)?;
        value.map(|v| self.req(key, Some(v))).transpose()
    }

    /// A required option read as `T` (absent: `Received undefined`).
    pub(crate) fn must<T: FromArg>(&self, key: &str) -> Result<T> {
        self.req(key, self.get(key)?)
    }

    fn req<T: FromArg>(&self, key: &str, value: Arg) -> Result<T> {
        T::from_arg(&self.env, value, &format!("{}.{key}", self.name))
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

/// A method's result, converted when napi hands it to JS: the core's value in its serde form
/// ([`out`], [`value`]) or through napi's own conversion ([`done`]: `()` is `undefined`, a count
/// a number); a core error is thrown as the JS error of its area.
#[allow(missing_debug_implementations)] // holds a closure
pub struct Out<'a>(Box<ToJs<'a>>);

/// What an [`Out`] runs: the conversion to a JS value.
type ToJs<'a> = dyn FnOnce(&Env) -> Result<napi_value> + 'a;

#[allow(unsafe_code)] // napi's trait method is an `unsafe fn`
impl ToNapiValue for Out<'_> {
    unsafe fn to_napi_value(env: napi_env, out: Self) -> Result<napi_value> {
        (out.0)(&Env::from_raw(env))
    }
}

impl Out<'_> {
    /// A `RangeError` (`ERR_INVALID_ARG_VALUE`) with `message`.
    pub(crate) fn range_error(message: &'static str) -> Self {
        Out(Box::new(move |env| Err(range_error(env, message))))
    }
}

/// The core's result, its error thrown as the JS error of its area.
pub(crate) fn ok<T>(env: &Env, result: sequenza::Result<T>) -> Result<T> {
    result.or_throw(env)
}

/// The core's result as a JS value (its serde form).
pub(crate) fn out<'a, T: Serialize + 'a>(result: sequenza::Result<T>) -> Out<'a> {
    Out(Box::new(move |env| {
        let value = result.or_throw(env)?;
        Ok(env.to_js_value(&value)?.raw())
    }))
}

/// A core value as a JS value (its serde form).
pub(crate) fn value<'a, T: Serialize + 'a>(value: T) -> Out<'a> {
    out(Ok(value))
}

/// The core's result through napi's own conversion of `T`.
#[allow(unsafe_code)]
pub(crate) fn done<'a, T: ToNapiValue + 'a>(result: sequenza::Result<T>) -> Out<'a> {
    Out(Box::new(move |env| {
        let value = result.or_throw(env)?;
        // SAFETY: the env napi handed to `Out::to_napi_value`.
        unsafe { T::to_napi_value(env.raw(), value) }
    }))
}
