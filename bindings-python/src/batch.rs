//! The arguments of the batch inputs `Engine.upsert_contacts` / `Engine.record_events`
//! (issue 12 §3): an iterable of documents read as ONE JSON array by the core's reader (so that
//! a malformed item's error path is `/<index>/…`), or an Arrow table read column by column with
//! the readers of [`table`](super::table) (no Python code per row).

use arrow_array::cast::AsArray;
use arrow_array::Array;
use arrow_schema::DataType;
use chrono::{DateTime, SecondsFormat, Utc};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString};
use sequenza::model::{ContactId, Value};
use sequenza::{Contact, Event};

use super::convert::{document_text, dumps};
use super::errors::to_py_err;
use super::table::{
    gather, id_values, instants, is_text, naive_timestamps, numbers, parse_instant, read_stream,
    text_lists, texts, unsupported, value_error, Batches, Failure, Res,
};

/// The items of a batch: JSON text of an array, or an Arrow table.
pub(crate) enum Items {
    Json(String),
    Table(Batches),
}

/// Reads a batch argument: an object with `__arrow_c_stream__` is a table; any other iterable
/// gives its items (`dict`s or JSON text), written as one JSON array.
pub(crate) fn items(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Items> {
    let is_text = obj.is_instance_of::<PyString>() || obj.is_instance_of::<PyBytes>();
    if !is_text && !obj.is_instance_of::<PyDict>() && obj.hasattr("__arrow_c_stream__")? {
        return Ok(Items::Table(read_stream(obj, what)?));
    }
    if is_text || obj.is_instance_of::<PyDict>() {
        return Err(super::type_error(
            obj,
            what,
            "an iterable of dicts (or JSON texts), or an Arrow table",
        ));
    }
    let list = match obj.cast::<PyList>() {
        Ok(l) => l.clone(),
        Err(_) => PyList::new(obj.py(), obj.try_iter()?.collect::<PyResult<Vec<_>>>()?)?,
    };
    if list.iter().all(|i| i.is_instance_of::<PyDict>()) {
        return Ok(Items::Json(dumps(list.as_any())?));
    }
    let mut text = String::from("[");
    for (i, item) in list.iter().enumerate() {
        if i > 0 {
            text.push(',');
        }
        text.push_str(&document_text(&item, what, "a dict, str or bytes")?);
    }
    text.push(']');
    Ok(Items::Json(text))
}

fn finish<T>(py: Python<'_>, r: Res<T>) -> PyResult<T> {
    r.map_err(|f| match f {
        Failure::Py(e) => e,
        Failure::Core(e) => to_py_err(py, &e),
    })
}

/// One value per row of a field column; `None` when the column's type is not a field's.
fn field_values(arrays: &[&dyn Array], data_type: &DataType) -> Option<Vec<Option<Value>>> {
    if is_text(data_type) {
        let v = gather(arrays, texts)?;
        return Some(v.into_iter().map(|t| t.map(Value::from)).collect());
    }
    if *data_type == DataType::Boolean {
        let v = gather(arrays, |a| Some(a.as_boolean_opt()?.iter().collect()))?;
        return Some(v.into_iter().map(|b| b.map(Value::Bool)).collect());
    }
    if let DataType::Timestamp(_, Some(_)) = data_type {
        let v = gather(arrays, instants)?;
        return Some(v.into_iter().map(|t| t.map(rfc3339)).collect());
    }
    if let Some(v) = gather(arrays, numbers) {
        return Some(v.into_iter().map(|x| x.map(Value::Number)).collect());
    }
    let v = gather(arrays, text_lists)?;
    Some(
        v.into_iter()
            .map(|l| Some(Value::List(l.into_iter().map(Value::from).collect())))
            .collect(),
    )
}

/// A property value as JSON: a whole number as an integer (as a Python `int` would be).
fn json(v: Value) -> serde_json::Value {
    match v {
        Value::Number(x) if x.fract() == 0.0 && x.abs() < 9_007_199_254_740_992.0 => {
            serde_json::Value::from(x as i64)
        }
        Value::Number(x) => serde_json::Value::from(x),
        Value::Bool(b) => serde_json::Value::Bool(b),
        Value::Text(t) => serde_json::Value::String(t),
        Value::List(l) => serde_json::Value::Array(l.into_iter().map(json).collect()),
        _ => serde_json::Value::Null,
    }
}

fn rfc3339(t: DateTime<Utc>) -> Value {
    Value::Text(t.to_rfc3339_opts(SecondsFormat::AutoSi, true))
}

/// The contacts of a table: `id` (text or integers), `email`, `phone`, `time_zone`, `locale`
/// (text), `tags` (a list of text), every other column a field (a null is an absent field).
pub(crate) fn table_contacts(py: Python<'_>, t: &Batches) -> PyResult<Vec<Contact>> {
    const WHAT: &str = "the contacts table";
    let py_run = || -> Res<Vec<Contact>> {
        let id = t.find("id", WHAT)?;
        let (ids, _) = id_values(&t.column(id), "id", WHAT)?;
        let mut out: Vec<Contact> = ids.into_iter().map(Contact::new).collect();
        for (index, field) in t.schema.fields().iter().enumerate() {
            let name = field.name().as_str();
            let data_type = field.data_type();
            let arrays = t.column(index);
            match name {
                "id" => {}
                "email" | "phone" | "time_zone" | "locale" => {
                    let values = gather(&arrays, texts)
                        .ok_or_else(|| unsupported(name, WHAT, data_type, "text"))?;
                    for (c, v) in out.iter_mut().zip(values) {
                        let v = v.map(str::to_owned);
                        match name {
                            "email" => c.email = v,
                            "phone" => c.phone = v,
                            "time_zone" => c.time_zone = v,
                            _ => c.locale = v,
                        }
                    }
                }
                "tags" => {
                    let values = gather(&arrays, text_lists)
                        .ok_or_else(|| unsupported(name, WHAT, data_type, "a list of text"))?;
                    for (c, v) in out.iter_mut().zip(values) {
                        c.tags = v.into_iter().map(str::to_owned).collect();
                    }
                }
                _ => {
                    if let DataType::Timestamp(_, None) = data_type {
                        return Err(naive_timestamps(name, WHAT));
                    }
                    let values = field_values(&arrays, data_type).ok_or_else(|| {
                        unsupported(name, WHAT, data_type, "a field (text, number, boolean)")
                    })?;
                    for (c, v) in out.iter_mut().zip(values) {
                        if let Some(v) = v {
                            c.fields.insert(name.to_owned(), v);
                        }
                    }
                }
            }
        }
        Ok(out)
    };
    finish(py, py_run())
}

/// The events of a table: `contact` (text or integers), `name` (text), `at` (a timestamp with a
/// time zone, or RFC 3339 text), every other number, text or boolean column a property.
pub(crate) fn table_events(py: Python<'_>, t: &Batches) -> PyResult<Vec<Event>> {
    const WHAT: &str = "the events table";
    let run = || -> Res<Vec<Event>> {
        let (contacts, _) = id_values(&t.column(t.find("contact", WHAT)?), "contact", WHAT)?;
        let name_index = t.find("name", WHAT)?;
        let name_type = t.schema.field(name_index).data_type();
        let names = gather(&t.column(name_index), texts)
            .ok_or_else(|| unsupported("name", WHAT, name_type, "event names (text)"))?;
        let at_index = t.find("at", WHAT)?;
        let at_type = t.schema.field(at_index).data_type();
        let at: Vec<Option<DateTime<Utc>>> = match at_type {
            DataType::Timestamp(_, None) => return Err(naive_timestamps("at", WHAT)),
            DataType::Timestamp(_, Some(_)) => gather(&t.column(at_index), instants)
                .ok_or_else(|| unsupported("at", WHAT, at_type, "instants"))?,
            ty if is_text(ty) => gather(&t.column(at_index), texts)
                .ok_or_else(|| unsupported("at", WHAT, ty, "instants"))?
                .into_iter()
                .map(|s| s.and_then(parse_instant))
                .collect(),
            ty => return Err(unsupported("at", WHAT, ty, "instants")),
        };
        let mut out = Vec::with_capacity(contacts.len());
        for (row, ((contact, name), at)) in contacts.into_iter().zip(names).zip(at).enumerate() {
            let (Some(name), Some(at)) = (name, at) else {
                return Err(value_error(format!(
                    "row {row} of {WHAT} has no \"name\" or no valid \"at\"; nothing was recorded"
                )));
            };
            out.push(Event {
                contact: ContactId::new(contact),
                name: name.to_owned(),
                at,
                properties: Default::default(),
            });
        }
        for (index, field) in t.schema.fields().iter().enumerate() {
            let name = field.name().as_str();
            if matches!(name, "contact" | "name" | "at") {
                continue;
            }
            let values = field_values(&t.column(index), field.data_type()).ok_or_else(|| {
                unsupported(
                    name,
                    WHAT,
                    field.data_type(),
                    "a property (text, number, boolean)",
                )
            })?;
            for (e, v) in out.iter_mut().zip(values) {
                if let Some(v) = v {
                    e.properties.insert(name.to_owned(), json(v));
                }
            }
        }
        Ok(out)
    };
    finish(py, run())
}
