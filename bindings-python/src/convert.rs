//! Conversions between Python values and what the core reads: JSON values, instants, time zones.
//!
//! Contacts, events and JsonLogic data are plain JSON for the core. Python data often holds
//! `datetime` / `date` objects, sets and NumPy scalars, so [`json_default`] (the `default=` hook of
//! `json.dumps`) writes them as JSON: an aware `datetime` as its RFC 3339 instant in UTC (`Z`, as
//! the core writes instants), a `date` as `YYYY-MM-DD`, a set as a list, a NumPy scalar as its
//! Python value. A naive `datetime` is refused with a `ValueError`: it is no instant.

use chrono::{DateTime, Datelike, SecondsFormat, Timelike, Utc};
use chrono_tz::Tz;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyFrozenSet, PySet, PyString};

use super::{json_loads, type_error};

/// How deeply a JSON value converted from Python may nest (arrays and objects). Deeper than any
/// real contact or rule, and deeper than the core's own limits (a JsonLogic rule deeper than the
/// core allows gets the core's `jsonlogic.too_deep` error), while bounding the recursion of the
/// JSON reader.
const MAX_NESTING: usize = 1024;

/// `json.dumps(obj, allow_nan=False, default=json_default)`.
fn dumps(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    let py = obj.py();
    let kwargs = PyDict::new(py);
    kwargs.set_item("allow_nan", false)?;
    kwargs.set_item("default", wrap_pyfunction!(json_default, py)?)?;
    PyModule::import(py, "json")?
        .getattr("dumps")?
        .call((obj,), Some(&kwargs))?
        .extract()
}

/// The JSON text of a document argument (a contact, an event): a `str`, UTF-8 `bytes`, or a
/// `dict` serialised with [`dumps`] (so that it may hold `datetime`s, `date`s and sets).
pub(crate) fn document_text(
    obj: &Bound<'_, PyAny>,
    what: &str,
    expected: &str,
) -> PyResult<String> {
    if obj.is_instance_of::<PyDict>() {
        return dumps(obj);
    }
    if obj.is_instance_of::<PyString>() || obj.is_instance_of::<PyBytes>() {
        return super::json_text(obj, what, expected);
    }
    Err(type_error(obj, what, expected))
}

/// A Python value (anything `json.dumps` takes, with [`json_default`]) as a JSON value. A `str`
/// is a JSON string, not JSON text.
pub(crate) fn to_value(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<serde_json::Value> {
    let text = dumps(obj)?;
    if nesting_exceeds(&text, MAX_NESTING) {
        return Err(PyValueError::new_err(format!(
            "{what} nests deeper than {MAX_NESTING} levels"
        )));
    }
    let mut de = serde_json::Deserializer::from_str(&text);
    de.disable_recursion_limit();
    let value = serde::Deserialize::deserialize(&mut de)
        .and_then(|v: serde_json::Value| de.end().map(|()| v))
        .map_err(|e| PyValueError::new_err(format!("{what} is not JSON: {e}")))?;
    Ok(value)
}

/// A JSON value as a Python value (`json.loads`).
pub(crate) fn from_value<'py>(
    py: Python<'py>,
    value: &serde_json::Value,
) -> PyResult<Bound<'py, PyAny>> {
    let text = serde_json::to_string(value).map_err(|e| super::internal("a JSON value", e))?;
    json_loads(py, &text)
}

/// True when JSON `text` nests arrays / objects deeper than `limit`.
fn nesting_exceeds(text: &str, limit: usize) -> bool {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for b in text.bytes() {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return true;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

/// The `default=` hook of `json.dumps` for contact, event and JsonLogic data.
#[pyfunction]
fn json_default<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let py = obj.py();
    let datetime = PyModule::import(py, "datetime")?;
    if obj.is_instance(&datetime.getattr("datetime")?)? {
        let t = instant(obj, "a datetime in the data")?;
        return Ok(PyString::new(py, &t.to_rfc3339_opts(SecondsFormat::AutoSi, true)).into_any());
    }
    if obj.is_instance(&datetime.getattr("date")?)? {
        return obj.call_method0("isoformat");
    }
    if obj.is_instance_of::<PySet>() || obj.is_instance_of::<PyFrozenSet>() {
        let builtins = PyModule::import(py, "builtins")?;
        // Sorted when the items can be ordered (tags are text), so the JSON is stable.
        return match builtins.getattr("sorted")?.call1((obj,)) {
            Ok(list) => Ok(list),
            Err(_) => builtins.getattr("list")?.call1((obj,)),
        };
    }
    // NumPy scalars (numpy.int64, numpy.float64, numpy.bool_ …) as their Python value.
    if obj.hasattr("dtype")? && obj.hasattr("item")? {
        let item = obj.call_method0("item")?;
        if !item.is(obj) {
            return Ok(item);
        }
    }
    let name = obj
        .get_type()
        .name()
        .map_or_else(|_| "?".to_owned(), |n| n.to_string());
    Err(PyTypeError::new_err(format!(
        "Object of type {name} is not JSON serializable"
    )))
}

/// An instant from a timezone-aware `datetime` or an RFC 3339 string. A naive `datetime` is a
/// `NaiveDatetimeError` (a `TimeError` and a `ValueError`), any other type a `TypeError`.
pub(crate) fn instant(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<DateTime<Utc>> {
    let py = obj.py();
    if let Ok(s) = obj.cast::<PyString>() {
        let text = s.to_cow()?;
        return DateTime::parse_from_rfc3339(text.trim())
            .map(|t| t.with_timezone(&Utc))
            .map_err(|e| {
                PyValueError::new_err(format!(
                    "{what} must be an RFC 3339 instant such as \"2026-11-25T12:00:00Z\", \
                     not {text:?} ({e})"
                ))
            });
    }
    let datetime = PyModule::import(py, "datetime")?;
    if !obj.is_instance(&datetime.getattr("datetime")?)? {
        return Err(type_error(
            obj,
            what,
            "a timezone-aware datetime or an RFC 3339 string",
        ));
    }
    if obj.call_method0("utcoffset")?.is_none() {
        return Err(super::naive_datetime_error(
            py,
            format!(
            "{what} is a naive datetime (it has no time zone), so it is not an instant: give it \
             one, e.g. datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc) or \
             dt.replace(tzinfo=ZoneInfo(\"Europe/Rome\"))"
        ),
        ));
    }
    let utc = datetime.getattr("timezone")?.getattr("utc")?;
    let iso: String = obj
        .call_method1("astimezone", (utc,))?
        .call_method0("isoformat")?
        .extract()?;
    DateTime::parse_from_rfc3339(&iso)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| PyValueError::new_err(format!("{what} ({iso}) is not an instant: {e}")))
}

/// An instant as an aware `datetime` in UTC. A `datetime` holds microseconds: a finer instant is
/// rounded *up*, so that an instant the core says "at or after" (a wake-up) is never moved before
/// it (`tick(next_wakeup())` must make progress).
pub(crate) fn py_datetime<'py>(py: Python<'py>, t: &DateTime<Utc>) -> PyResult<Bound<'py, PyAny>> {
    let below = t.timestamp_subsec_nanos() % 1_000;
    let t = if below == 0 {
        *t
    } else {
        t.checked_add_signed(chrono::TimeDelta::nanoseconds(i64::from(1_000 - below)))
            .unwrap_or(*t)
    };
    let datetime = PyModule::import(py, "datetime")?;
    let utc = datetime.getattr("timezone")?.getattr("utc")?;
    let kwargs = PyDict::new(py);
    kwargs.set_item("tzinfo", utc)?;
    datetime.getattr("datetime")?.call(
        (
            t.year(),
            t.month(),
            t.day(),
            t.hour(),
            t.minute(),
            t.second(),
            // A leap second (nanosecond >= 1e9) keeps its last microsecond.
            (t.nanosecond() / 1_000).min(999_999),
        ),
        Some(&kwargs),
    )
}

/// An IANA time zone by name (`"Europe/Rome"`, `"UTC"`).
pub(crate) fn time_zone(name: &str, what: &str) -> PyResult<Tz> {
    name.parse::<Tz>().map_err(|_| {
        PyValueError::new_err(format!(
            "{what} must be an IANA time zone name such as \"Europe/Rome\" or \"UTC\", not {name:?}"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::nesting_exceeds;

    #[test]
    fn nesting_ignores_brackets_in_strings() {
        assert!(!nesting_exceeds(
            r#"{"a": "[[[[[[", "b": [1, {"c": "\"{{{{"}]}"#,
            3
        ));
        assert!(nesting_exceeds("[[[[1]]]]", 3));
        assert!(!nesting_exceeds("[[[1]]]", 3));
    }
}
