//! Reading the JS arguments of the condition and segment API: instants, time zones, option
//! objects, contacts, events and segment memberships.
//!
//! Everything here converts; nothing decides. Documents (contacts, events, field schemas) go
//! through the core's `from_json`, so their errors are the core's, located by JSON pointer.

use std::fmt;
use std::marker::PhantomData;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use sequenza::model::SegmentId;
use sequenza::{Contact, Event, FieldSchema};
use serde::de::value::MapAccessDeserializer;
use serde::de::{DeserializeOwned, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::{json_text, set_property, to_js_error, type_error};

/// A JS `RangeError`: an argument of the right kind with a value that cannot be used. Its
/// `code` is `ERR_INVALID_ARG_VALUE`, as Node's own argument errors (and the Node binding's).
pub(crate) fn range_error(message: &str) -> JsValue {
    let e: JsValue = js_sys::RangeError::new(message).into();
    crate::set_property(&e, "code", JsValue::from_str("ERR_INVALID_ARG_VALUE"));
    e
}

/// True for `undefined` and `null`: an omitted argument or option.
pub(crate) fn is_absent(value: &JsValue) -> bool {
    value.is_undefined() || value.is_null()
}

/// The options object of a call (`{now, events, …}`), checked to be an object.
#[derive(Debug)]
pub(crate) struct Options {
    object: Option<JsValue>,
    /// The call the options belong to, for messages (`Segment.count`).
    pub(crate) call: &'static str,
}

impl Options {
    /// Reads the options argument of `call`; `undefined` and `null` mean "no options".
    pub(crate) fn new(value: Option<JsValue>, call: &'static str) -> Result<Options, JsValue> {
        match value {
            Some(v) if !is_absent(&v) => {
                if !v.is_object()
                    || js_sys::Array::is_array(&v)
                    || v.is_instance_of::<js_sys::Date>()
                {
                    return Err(type_error(&format!(
                        "{call}: the options must be an object such as {{now: new Date()}}"
                    )));
                }
                Ok(Options {
                    object: Some(v),
                    call,
                })
            }
            _ => Ok(Options { object: None, call }),
        }
    }

    /// The options object itself, `None` when omitted.
    pub(crate) fn object(&self) -> Option<&JsValue> {
        self.object.as_ref()
    }

    /// The value of an option, `None` when it is absent, `undefined` or `null`.
    pub(crate) fn get(&self, key: &str) -> Result<Option<JsValue>, JsValue> {
        let Some(object) = &self.object else {
            return Ok(None);
        };
        let value = js_sys::Reflect::get(object, &JsValue::from_str(key))?;
        Ok(if is_absent(&value) { None } else { Some(value) })
    }

    /// The required `now` option.
    pub(crate) fn now(&self) -> Result<DateTime<Utc>, JsValue> {
        match self.get("now")? {
            Some(value) => instant(&value, &format!("{}: now", self.call)),
            None => Err(type_error(&format!(
                "{}: `now` is required (a Date or an RFC 3339 string): the WebAssembly build \
                 does not read the clock",
                self.call
            ))),
        }
    }

    /// The `defaultTimeZone` option (UTC when absent).
    pub(crate) fn default_time_zone(&self) -> Result<Tz, JsValue> {
        match self.get("defaultTimeZone")? {
            Some(value) => time_zone(&value, &format!("{}: defaultTimeZone", self.call)),
            None => Ok(Tz::UTC),
        }
    }

    /// The `events` option (none when absent).
    pub(crate) fn events(&self) -> Result<Vec<Event>, JsValue> {
        match self.get("events")? {
            Some(value) => events(&value, &format!("{}: events", self.call)),
            None => Ok(Vec::new()),
        }
    }

    /// The `fields` option: a field schema, or none.
    pub(crate) fn fields(&self) -> Result<Option<FieldSchema>, JsValue> {
        crate::parse_fields(self.get("fields")?)
    }
}

/// An instant from a `Date` or an RFC 3339 string.
pub(crate) fn instant(value: &JsValue, what: &str) -> Result<DateTime<Utc>, JsValue> {
    if let Some(text) = value.as_string() {
        return DateTime::parse_from_rfc3339(text.trim())
            .map(|t| t.with_timezone(&Utc))
            .map_err(|e| {
                range_error(&format!(
                    "{what}: {text:?} is not an RFC 3339 instant such as \
                     \"2026-11-25T12:00:00Z\" ({e})"
                ))
            });
    }
    if let Some(date) = value.dyn_ref::<js_sys::Date>() {
        let millis = date.get_time();
        if !millis.is_finite() {
            return Err(range_error(&format!("{what}: the Date is invalid")));
        }
        // A valid Date is within ±8.64e15 ms, which both i64 and chrono represent.
        return DateTime::from_timestamp_millis(millis as i64)
            .ok_or_else(|| range_error(&format!("{what}: the Date is out of range")));
    }
    Err(type_error(&format!(
        "{what} must be a Date or an RFC 3339 string"
    )))
}

/// The required `now` argument of a method that takes it directly (`tick(now)`).
pub(crate) fn required_instant(value: &JsValue, what: &str) -> Result<DateTime<Utc>, JsValue> {
    if is_absent(value) {
        return Err(type_error(&format!(
            "{what} is required (a Date or an RFC 3339 string): the WebAssembly build does not \
             read the clock"
        )));
    }
    instant(value, what)
}

/// An IANA time zone name.
pub(crate) fn time_zone(value: &JsValue, what: &str) -> Result<Tz, JsValue> {
    let Some(name) = value.as_string() else {
        return Err(type_error(&format!(
            "{what} must be an IANA time zone name such as \"Europe/Rome\""
        )));
    };
    name.parse::<Tz>()
        .map_err(|_| range_error(&format!("{what}: unknown time zone {name:?}")))
}

/// The elements of a JS array, or a `TypeError` naming what was expected.
pub(crate) fn array(value: &JsValue, what: &str) -> Result<js_sys::Array, JsValue> {
    if !js_sys::Array::is_array(value) {
        return Err(type_error(&format!("{what} must be an array")));
    }
    Ok(value.clone().unchecked_into())
}

/// Reads each element of an array with `read`; an error about one element carries `index`.
fn each<T>(
    value: &JsValue,
    what: &str,
    read: impl Fn(&JsValue) -> Result<T, JsValue>,
) -> Result<Vec<T>, JsValue> {
    let items = array(value, what)?;
    let mut out = Vec::with_capacity(items.length() as usize);
    for (index, item) in items.iter().enumerate() {
        out.push(read(&item).inspect_err(|err| {
            if err.is_instance_of::<js_sys::Error>() {
                set_property(err, "index", JsValue::from_f64(index as f64));
            }
        })?);
    }
    Ok(out)
}

/// One contact from a JSON string or a plain object.
pub(crate) fn contact(value: &JsValue) -> Result<Contact, JsValue> {
    let text = json_text(value, "a contact")?;
    Contact::from_json(&text).map_err(to_js_error)
}

/// One event from a JSON string or a plain object.
pub(crate) fn event(value: &JsValue) -> Result<Event, JsValue> {
    let text = json_text(value, "an event")?;
    Event::from_json(&text).map_err(to_js_error)
}

/// An array of contacts; an error about one of them carries its `index`.
pub(crate) fn contacts(value: &JsValue, what: &str) -> Result<Vec<Contact>, JsValue> {
    documents(value, what, contact)
}

/// An array of events; an error about one of them carries its `index`.
pub(crate) fn events(value: &JsValue, what: &str) -> Result<Vec<Event>, JsValue> {
    documents(value, what, event)
}

/// An array of documents (contacts, events), read the fast way when it can be: one
/// `JSON.stringify` of the whole array and one pass of the same serde reader the core's
/// `from_json` uses, each element required to be a JSON object as `from_json` requires.
///
/// When that fails — an element given as JSON text, or a document that is not valid — the
/// elements are read one by one with `read` (the core's `from_json`), which is the reference:
/// it accepts exactly what the fast way accepts, and it locates the error (JSON pointer, line,
/// column, and `index` in the array).
fn documents<T: DeserializeOwned>(
    value: &JsValue,
    what: &str,
    read: impl Fn(&JsValue) -> Result<T, JsValue>,
) -> Result<Vec<T>, JsValue> {
    array(value, what)?;
    if let Some(text) = js_sys::JSON::stringify(value)?.as_string() {
        if let Ok(list) = serde_json::from_str::<Vec<JsonObject<T>>>(&text) {
            return Ok(list.into_iter().map(|o| o.0).collect());
        }
    }
    each(value, what, read)
}

/// A `T` that must be written as a JSON object (serde would also read a struct from an array,
/// which the core's `from_json` refuses).
struct JsonObject<T>(T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for JsonObject<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ObjectVisitor<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjectVisitor<T> {
            type Value = T;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                T::deserialize(MapAccessDeserializer::new(map))
            }
        }

        deserializer
            .deserialize_map(ObjectVisitor(PhantomData))
            .map(JsonObject)
    }
}

/// An array of strings (segment ids, contact ids).
pub(crate) fn strings(value: &JsValue, what: &str) -> Result<Vec<String>, JsValue> {
    each(value, what, |item| {
        item.as_string()
            .ok_or_else(|| type_error(&format!("{what} must be an array of strings")))
    })
}

/// The segments a contact is in (`matches`' `segments` option): an array of segment ids.
pub(crate) fn segment_ids(value: &JsValue, what: &str) -> Result<Vec<SegmentId>, JsValue> {
    Ok(strings(value, what)?
        .into_iter()
        .map(SegmentId::from)
        .collect())
}

/// The members of segments (`filter`'s `segments` option): `{segmentId: [contactId, …]}`.
pub(crate) fn memberships(
    value: &JsValue,
    what: &str,
) -> Result<Vec<(String, Vec<String>)>, JsValue> {
    if !value.is_object() || js_sys::Array::is_array(value) {
        return Err(type_error(&format!(
            "{what} must be an object mapping segment ids to arrays of contact ids"
        )));
    }
    let entries = js_sys::Object::entries(value.unchecked_ref());
    let mut out = Vec::with_capacity(entries.length() as usize);
    for entry in entries.iter() {
        let pair: js_sys::Array = entry.unchecked_into();
        let key = pair.get(0).as_string().unwrap_or_default();
        let members = strings(&pair.get(1), &format!("{what}[{key:?}]"))?;
        out.push((key, members));
    }
    Ok(out)
}
