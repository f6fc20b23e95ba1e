//! Conversions between JS values and the core's types: documents (as JSON text for the core's
//! `from_json`), option objects (serde-wasm-bindgen), instants, results (plain objects).
// The argument types of `ts_types!` are opaque JS values: nothing to debug-print.
#![allow(missing_debug_implementations)]

use chrono::{DateTime, SecondsFormat, Utc};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

pub(crate) use crate::errors::js_error;

/// What every exported function returns.
pub(crate) type JsResult<T> = Result<T, JsValue>;

/// A plain JS value (objects, arrays, `null`; never `Map`) from a serde value.
pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T) -> JsResult<JsValue> {
    Ok(value.serialize(&serde_wasm_bindgen::Serializer::json_compatible())?)
}

/// A JS value kept as it is inside an options object (a `Date`, a class instance, an array of
/// documents); `undefined` when the option is absent.
#[derive(serde::Deserialize, Default)]
pub(crate) struct Js(#[serde(with = "serde_wasm_bindgen::preserve")] pub(crate) JsValue);

/// `toObject()` and `toJSON()` (what `JSON.stringify` calls) of a class: its core document.
macro_rules! to_object {
    ($class:ident, $ts:literal, |$s:ident| $doc:expr) => {
        #[wasm_bindgen]
        impl $class {
            /// The core's JSON form, as a plain object.
            #[wasm_bindgen(js_name = toObject, unchecked_return_type = $ts)]
            pub fn to_object(&self) -> JsResult<JsValue> {
                let $s = self;
                to_js($doc)
            }

            /// Called by `JSON.stringify`: the same plain object as `toObject()`.
            #[wasm_bindgen(js_name = toJSON, unchecked_return_type = $ts)]
            pub fn to_json_value(&self) -> JsResult<JsValue> {
                self.to_object()
            }
        }
    };
}
pub(crate) use to_object;

/// A core result, its error as the JS error of its area.
pub(crate) fn core<T>(result: sequenza::Result<T>) -> JsResult<T> {
    result.map_err(js_error)
}

/// True for `undefined` and `null`: an omitted argument or option.
pub(crate) fn absent(value: &JsValue) -> bool {
    value.is_undefined() || value.is_null()
}

/// The JSON text of a document: a string as it is, anything else through `JSON.stringify`
/// (which calls the `toJSON` of this package's classes).
pub(crate) fn text(data: &JsValue, what: &str) -> JsResult<String> {
    if let Some(text) = data.as_string() {
        return Ok(text);
    }
    let wrong = || type_error(&format!("expected {what} as a JSON string or an object"));
    if data.is_undefined() || data.is_function() || data.is_symbol() {
        return Err(wrong());
    }
    js_sys::JSON::stringify(data)?.as_string().ok_or_else(wrong)
}

/// A document read by the core's `read` (a `from_json`) from a string or an object.
pub(crate) fn doc<T>(
    data: &JsValue,
    what: &str,
    read: impl FnOnce(&str) -> sequenza::Result<T>,
) -> JsResult<T> {
    core(read(&text(data, what)?))
}

/// An optional argument or option read by `read`: `undefined` and `null` give `None`.
pub(crate) fn opt<T>(
    value: Option<impl Into<JsValue>>,
    read: impl FnOnce(&JsValue) -> JsResult<T>,
) -> JsResult<Option<T>> {
    match value.map(Into::into) {
        Some(v) if !absent(&v) => read(&v).map(Some),
        _ => Ok(None),
    }
}

/// The optional field schema (`{fields: [...]}`).
pub(crate) fn field_schema(
    fields: Option<impl Into<JsValue>>,
) -> JsResult<Option<sequenza::FieldSchema>> {
    opt(fields, |f| {
        doc(f, "a field schema", sequenza::FieldSchema::from_json)
    })
}

/// Reads each element of an array with `read`; an error about one element carries `index`.
pub(crate) fn each<T>(
    value: &JsValue,
    what: &str,
    read: impl Fn(&JsValue) -> JsResult<T>,
) -> JsResult<Vec<T>> {
    if !js_sys::Array::is_array(value) {
        return Err(type_error(&format!("{what} must be an array")));
    }
    let items: &js_sys::Array = value.unchecked_ref();
    let mut out = Vec::with_capacity(items.length() as usize);
    for (index, item) in items.iter().enumerate() {
        out.push(read(&item).inspect_err(|err| {
            if err.is_instance_of::<js_sys::Error>() {
                set(err, "index", JsValue::from_f64(index as f64));
            }
        })?);
    }
    Ok(out)
}

/// The JSON text of an array whose elements are all plain objects (one `JSON.stringify`), else
/// `None`.
fn objects_text(value: &JsValue) -> JsResult<Option<String>> {
    let Some(items) = value.dyn_ref::<js_sys::Array>() else {
        return Ok(None);
    };
    if !items
        .iter()
        .all(|v| v.is_object() && !js_sys::Array::is_array(&v))
    {
        return Ok(None);
    }
    Ok(js_sys::JSON::stringify(value)?.as_string())
}

#[cfg(feature = "engine")]
/// An array of documents read by the core as ONE array (the batch inputs of the engine), so
/// that a bad element's error is located as `/<index>/…` as in every binding; an array with JSON
/// texts among its elements goes through [`docs`] (its error then carries `index`).
pub(crate) fn doc_array<T: DeserializeOwned>(
    value: &JsValue,
    what: &str,
    read: impl Fn(&str) -> sequenza::Result<T>,
) -> JsResult<Vec<T>> {
    match objects_text(value)? {
        Some(all) => core(sequenza::error::from_json(&all)),
        None => docs(value, what, read),
    }
}

/// An array of documents (contacts, events). When every element is a plain object, one
/// `JSON.stringify` of the whole array and one serde pass read them all; otherwise (or when that
/// fails) each is read by the core's `read`, which locates the error (and `index`).
pub(crate) fn docs<T: DeserializeOwned>(
    value: &JsValue,
    what: &str,
    read: impl Fn(&str) -> sequenza::Result<T>,
) -> JsResult<Vec<T>> {
    if let Some(Ok(all)) = objects_text(value)?.map(|t| serde_json::from_str(&t)) {
        return Ok(all);
    }
    each(value, what, |item| doc(item, what, &read))
}

/// The options object of a call, read into `T` (camelCase keys, unknown keys refused);
/// `undefined` and `null` give `T::default()`.
pub(crate) fn options<T: DeserializeOwned + Default>(
    value: Option<impl Into<JsValue>>,
    call: &str,
) -> JsResult<T> {
    let Some(value) = value.map(Into::into).filter(|v| !absent(v)) else {
        return Ok(T::default());
    };
    let plain = value.is_object() && !js_sys::Array::is_array(&value);
    if !plain || value.is_instance_of::<js_sys::Date>() {
        return Err(type_error(&format!(
            "{call}: the options must be an object"
        )));
    }
    arg(value, &format!("{call}: options"))
}

/// An argument read by serde: a value of the wrong type is a `TypeError`
/// (`ERR_INVALID_ARG_TYPE`), an unknown key or value a `RangeError` (`ERR_INVALID_ARG_VALUE`),
/// as Node's own argument errors.
pub(crate) fn arg<T: DeserializeOwned>(value: impl Into<JsValue>, what: &str) -> JsResult<T> {
    serde_wasm_bindgen::from_value(value.into()).map_err(|e| {
        let message = format!("{what}: {e}");
        if message.contains("invalid type") {
            type_error(&message)
        } else {
            range_error(&message)
        }
    })
}

/// An options object as JSON with its top-level keys in snake_case, for the core's reader of
/// that document (`quietHours` → `quiet_hours`): with [`to_js_camel`], the one place keys are
/// converted.
pub(crate) fn snake_case_keys(value: &JsValue, what: &str) -> JsResult<serde_json::Value> {
    let text = text(value, what)?;
    let value = serde_json::from_str(&text).map_err(|e| type_error(&format!("{what}: {e}")))?;
    Ok(sequenza::text::snake_case_keys(value))
}

/// The JSON text of an options object that is a core document, keys in snake_case (`{}` when
/// absent).
pub(crate) fn options_text(options: Option<impl Into<JsValue>>, what: &str) -> JsResult<String> {
    match options.map(Into::into).filter(|o| !absent(o)) {
        Some(o) => Ok(snake_case_keys(&o, what)?.to_string()),
        None => Ok("{}".to_owned()),
    }
}

/// A plain JS value of a core result with its keys in camelCase at every depth (for the core's
/// own documents only: an import report, a preview, an error's fields).
pub(crate) fn to_js_camel<T: Serialize + ?Sized>(value: &T) -> JsResult<JsValue> {
    let value = serde_json::to_value(value).map_err(|e| type_error(&e.to_string()))?;
    to_js(&sequenza::text::camel_case_keys(value))
}

/// An instant from a `Date` or an RFC 3339 string (`what` names it in errors).
pub(crate) fn instant(value: &JsValue, what: impl std::fmt::Display) -> JsResult<DateTime<Utc>> {
    if let Some(text) = value.as_string() {
        return match DateTime::parse_from_rfc3339(text.trim()) {
            Ok(t) => Ok(t.with_timezone(&Utc)),
            Err(e) => Err(range_error(&format!(
                "{what}: {text:?} is not an RFC 3339 instant such as \"2026-11-25T12:00:00Z\" ({e})"
            ))),
        };
    }
    if let Some(date) = value.dyn_ref::<js_sys::Date>() {
        let millis = date.get_time();
        // A valid Date is within ±8.64e15 ms, which chrono represents.
        return DateTime::from_timestamp_millis(millis as i64)
            .filter(|_| millis.is_finite())
            .ok_or_else(|| range_error(&format!("{what}: the Date is invalid")));
    }
    if absent(value) {
        return Err(type_error(&format!(
            "{what} is required (a Date or an RFC 3339 string): the WebAssembly build does not read the clock"
        )));
    }
    Err(type_error(&format!(
        "{what} must be a Date or an RFC 3339 string"
    )))
}

/// An optional instant as RFC 3339 text, or `null`.
pub(crate) fn opt_iso(t: Option<DateTime<Utc>>) -> JsValue {
    t.map_or(JsValue::NULL, |t| iso(t).into())
}

/// The `now` argument of `call` (`<call>: now` in errors).
pub(crate) fn now_of(value: &JsValue, call: &str) -> JsResult<DateTime<Utc>> {
    instant(value, format_args!("{call}: now"))
}

/// An instant as RFC 3339 in UTC (`2026-11-25T09:00:00Z`, a fraction only when there is one).
pub(crate) fn iso(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// A time zone named by the option at `path` (the core's `time.zone.unknown` there); UTC when
/// the option is absent.
pub(crate) fn zone(name: Option<&str>, path: &str) -> JsResult<sequenza::time::Tz> {
    core(sequenza::time::parse_zone_at(name.unwrap_or("UTC"), path))
}

/// An id argument (a string) as the core's id type.
pub(crate) fn id<T: From<String>>(value: &JsValue, what: &str) -> JsResult<T> {
    string(value, what).map(T::from)
}

/// Ids (of contacts, segments …) as the strings they are.
pub(crate) fn strings<T: AsRef<str>>(ids: impl IntoIterator<Item = T>) -> Vec<String> {
    ids.into_iter().map(|id| id.as_ref().to_owned()).collect()
}

/// A string argument (an id, a name).
pub(crate) fn string(value: &JsValue, what: &str) -> JsResult<String> {
    value
        .as_string()
        .ok_or_else(|| type_error(&format!("{what} must be a string")))
}

/// A JS `TypeError` with `code` `ERR_INVALID_ARG_TYPE`, as Node gives its own argument errors.
pub(crate) fn type_error(message: &str) -> JsValue {
    let e: JsValue = js_sys::TypeError::new(message).into();
    set(&e, "code", JsValue::from_str("ERR_INVALID_ARG_TYPE"));
    e
}

/// A JS `RangeError` with `code` `ERR_INVALID_ARG_VALUE`: an argument of the right kind with a
/// value that cannot be used.
pub(crate) fn range_error(message: &str) -> JsValue {
    let e: JsValue = js_sys::RangeError::new(message).into();
    set(&e, "code", JsValue::from_str("ERR_INVALID_ARG_VALUE"));
    e
}

/// Sets a property on an object this binding created (or an `Error` it passes on).
pub(crate) fn set(target: &JsValue, key: &str, value: JsValue) {
    // Defining a data property on an ordinary extensible object cannot fail; nothing useful can
    // be done if a frozen object refuses it.
    let _ = js_sys::Reflect::set(target, &JsValue::from_str(key), &value);
}

/// Declares JS argument types by their TypeScript type (all of them plain `JsValue`s to Rust).
macro_rules! ts_types {
    ($($name:ident = $ts:literal),* $(,)?) => {
        #[wasm_bindgen]
        extern "C" {
            $(#[doc = $ts] #[wasm_bindgen(typescript_type = $ts)] pub type $name;)*
        }
    };
}

ts_types! {
    Instant = "Instant", Str = "string", Doc = "object | string", JsonDoc = "string | object",
    Json = "JsonValue", Bytes = "Uint8Array", FlowArg = "Flow | string | object",
    FlowsArg = "Array<Flow | string | object>", FieldsArg = "string | object",
    ConditionArg = "Condition | SegmentObject | Segment | string", ContactArg = "Contact | string",
    ContactsArg = "Array<Contact | string>", MaybeContact = "object | string | null",
    EventArg = "ContactEvent | string", SegmentArg = "Segment | SegmentObject | string",
    SegmentsArg = "Array<Segment | SegmentObject | string>",
    PolicyArg = "SendPolicy | SendPolicyJson | string",
    PoliciesArg = "Array<SendPolicy | SendPolicyJson | string>",
    RuleArg = "RecurrenceRuleJson | string", CapsArg = "FrequencyCapsJson | string",
    WaitArg = "WaitNodeJson | string", History = "SentMessage[] | null | undefined",
    ChannelName = "ChannelName", ListArg = "List | string", Changes = "ListChange[]",
    ExportSource = "Audience | object[]", MatchOptions = "MatchOptions",
    FilterOptions = "FilterOptions", TableFilterOptions = "TableFilterOptions",
    ContactTableOptions = "ContactTableOptions", SegmentIndexOptions = "SegmentIndexOptions",
    AudienceOptions = "AudienceOptions", MembersOptions = "MembersOptions",
    SendPolicyOptions = "SendPolicyOptions", RecurrenceOptions = "RecurrenceOptions",
    FrequencyCapsOptions = "FrequencyCapsOptions", WaitEndOptions = "WaitEndOptions",
    ResolveTimeZoneOptions = "ResolveTimeZoneOptions", PlanSendOptions = "PlanSendOptions",
    CsvOptions = "CsvOptions", ImportCsvOptions = "ImportCsvOptions",
    ExportCsvOptions = "ExportCsvOptions", EngineOptionsArg = "EngineOptions",
    StatusArg = "'active' | 'paused' | 'archived'", MessageArg = "InboundMessage | string",
    Ids = "string[]", FeedItemsArg = "FeedItem[] | string",
    OutcomeArg = "EffectOutcome", ResponseArg = "ApiResponse | string",
    HandlersArg = "DeliveryHandlers", EnrollmentsArg = "EnrollmentsFilter",
    EngineImportCsvOptions = "EngineImportCsvOptions",
    PublishOptionsArg = "PublishOptions", ActorArg = "ActorOptions",
    EventsArg = "Array<ContactEvent | string>",
}
