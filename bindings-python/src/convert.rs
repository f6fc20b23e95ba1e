//! Conversions between Python values and what the core reads: JSON values, instants, time zones.
//!
//! Contacts, events and JsonLogic data are plain JSON for the core. Python data often holds
//! `datetime` / `date` objects, sets and NumPy scalars, so [`json_default`] (the `default=` hook of
//! `json.dumps`) writes them as JSON: an aware `datetime` as its RFC 3339 instant in UTC (`Z`, as
//! the core writes instants), a `date` as `YYYY-MM-DD`, a set as a list, a NumPy scalar as its
//! Python value. A naive `datetime` is refused with a `ValueError`: it is no instant.

use chrono::{DateTime, Datelike, SecondsFormat, Timelike, Utc};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyDict, PyFrozenSet, PyList, PySet, PyString, PyType};
use sequenza::time::Tz;

use super::type_error;

/// `json.dumps(obj, allow_nan=False, default=json_default)`.
pub(crate) fn dumps(obj: &Bound<'_, PyAny>) -> PyResult<String> {
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

/// A Python value (anything `json.dumps` takes, with [`json_default`]) as a JSON value, read by
/// the core (nesting up to `sequenza::text::MAX_JSON_DEPTH`). A `str` is a JSON string, not JSON
/// text. (`_what` names the argument for the callers' reading; the core locates its errors.)
pub(crate) fn to_value(obj: &Bound<'_, PyAny>, _what: &str) -> PyResult<serde_json::Value> {
    super::errors::OrRaise::or_raise(sequenza::text::json_value(&dumps(obj)?), obj.py())
}

/// The items of a sequence argument: any iterable but a `str`, `bytes` or `dict` (one document,
/// not a sequence of them); a `TypeError` otherwise.
pub(crate) fn items<'py>(
    obj: &Bound<'py, PyAny>,
    what: &str,
    expected: &str,
) -> PyResult<Vec<Bound<'py, PyAny>>> {
    let single = obj.is_instance_of::<PyString>()
        || obj.is_instance_of::<PyBytes>()
        || obj.is_instance_of::<PyDict>();
    match obj.try_iter() {
        Ok(iter) if !single => iter.collect(),
        _ => Err(type_error(obj, what, expected)),
    }
}

/// A serde value as a Python value (dicts, lists, str, int, float, bool, None), through
/// `pythonize`.
pub(crate) fn to_py<'py, T: serde::Serialize + ?Sized>(
    py: Python<'py>,
    value: &T,
) -> PyResult<Bound<'py, PyAny>> {
    Ok(pythonize::pythonize(py, value)?)
}

/// Records with an instant (list changes, membership deltas, trigger hits) as a list of dicts,
/// through their JSON form, with ``at`` an aware UTC ``datetime``.
pub(crate) fn records_to_py<'py, T: serde::Serialize>(
    py: Python<'py>,
    items: &[T],
    at: impl Fn(&T) -> DateTime<Utc>,
) -> PyResult<Bound<'py, PyList>> {
    let list = to_py(py, items)?.cast_into::<PyList>()?;
    for (entry, item) in list.iter().zip(items) {
        entry.set_item(intern!(py, "at"), py_datetime(py, &at(item))?)?;
    }
    Ok(list)
}

/// The `default=` hook of `json.dumps` for contact, event and JsonLogic data.
#[pyfunction]
fn json_default<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let py = obj.py();
    match date_kind(obj)? {
        Some(true) => {
            let t = instant(obj, "a datetime in the data")?;
            let text = t.to_rfc3339_opts(SecondsFormat::AutoSi, true);
            return Ok(PyString::new(py, &text).into_any());
        }
        Some(false) => return obj.call_method0("isoformat"),
        None => {}
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

/// The `datetime` objects every conversion needs, looked up once per interpreter.
struct DatetimeCache {
    datetime: Py<PyType>,
    date: Py<PyType>,
    utc: Py<PyAny>,
    /// `datetime(1970, 1, 1, tzinfo=timezone.utc)`.
    epoch: Py<PyAny>,
}

static DATETIME: PyOnceLock<DatetimeCache> = PyOnceLock::new();

fn cache(py: Python<'_>) -> PyResult<&DatetimeCache> {
    DATETIME.get_or_try_init(py, || {
        let module = PyModule::import(py, "datetime")?;
        let datetime = module.getattr("datetime")?.cast_into::<PyType>()?;
        let utc = module.getattr("timezone")?.getattr("utc")?;
        let epoch = datetime.call1((1970, 1, 1, 0, 0, 0, 0, &utc))?;
        Ok(DatetimeCache {
            date: module.getattr("date")?.cast_into::<PyType>()?.unbind(),
            datetime: datetime.unbind(),
            utc: utc.unbind(),
            epoch: epoch.unbind(),
        })
    })
}

/// Whether `obj` is a `datetime.datetime` (`Some(false)`: a `datetime.date` only).
pub(crate) fn date_kind(obj: &Bound<'_, PyAny>) -> PyResult<Option<bool>> {
    let c = cache(obj.py())?;
    if obj.is_instance(c.datetime.bind(obj.py()))? {
        Ok(Some(true))
    } else if obj.is_instance(c.date.bind(obj.py()))? {
        Ok(Some(false))
    } else {
        Ok(None)
    }
}

/// An instant from a timezone-aware `datetime` or an RFC 3339 string. A naive `datetime` is a
/// `NaiveDatetimeError` (a `TimeError` and a `ValueError`), any other type a `TypeError`.
///
/// The fast path: `dt - EPOCH` (one C-level subtraction that applies the `utcoffset`) gives a
/// `timedelta` whose `days`, `seconds` and `microseconds` are the instant, exactly.
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
    let c = cache(py)?;
    if !obj.is_instance(c.datetime.bind(py))? {
        return Err(type_error(
            obj,
            what,
            "a timezone-aware datetime or an RFC 3339 string",
        ));
    }
    let delta = match obj.sub(c.epoch.bind(py)) {
        Ok(delta) => delta,
        Err(e) if obj.call_method0(intern!(py, "utcoffset"))?.is_none() => {
            drop(e);
            return Err(super::naive_datetime_error(
                py,
                format!(
                    "{what} is a naive datetime (it has no time zone), so it is not an instant: \
                     give it one, e.g. datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc) or \
                     dt.replace(tzinfo=ZoneInfo(\"Europe/Rome\"))"
                ),
            ));
        }
        Err(e) => return Err(e),
    };
    let days: i64 = delta.getattr(intern!(py, "days"))?.extract()?;
    let seconds: i64 = delta.getattr(intern!(py, "seconds"))?.extract()?;
    let micros: i64 = delta.getattr(intern!(py, "microseconds"))?.extract()?;
    days.checked_mul(86_400_000_000)
        .and_then(|d| d.checked_add(seconds * 1_000_000 + micros))
        .and_then(DateTime::from_timestamp_micros)
        .ok_or_else(|| PyValueError::new_err(format!("{what} is out of range")))
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
    let c = cache(py)?;
    c.datetime.bind(py).call1((
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        // A leap second (nanosecond >= 1e9) keeps its last microsecond.
        (t.nanosecond() / 1_000).min(999_999),
        c.utc.bind(py),
    ))
}

/// `next` as an aware UTC `datetime`: `given` itself when it is that instant already (an
/// aware `datetime` in `timezone.utc`, read as `given_at`), else a new one. Saves building a
/// `datetime` for an answer that is the question (a send allowed now).
pub(crate) fn same_or_new<'py>(
    given: &Bound<'py, PyAny>,
    given_at: DateTime<Utc>,
    next: &DateTime<Utc>,
) -> PyResult<Bound<'py, PyAny>> {
    let py = given.py();
    if *next == given_at && !given.is_instance_of::<PyString>() {
        let c = cache(py)?;
        if given.getattr(intern!(py, "tzinfo"))?.is(c.utc.bind(py)) {
            return Ok(given.clone());
        }
    }
    py_datetime(py, next)
}

/// ``_instant_echo(dt)``: ``dt`` converted to an instant and back to an aware UTC ``datetime``
/// — the instant converter alone, for ``benches/peers/py_instants.py``.
#[pyfunction]
pub(crate) fn _instant_echo<'py>(dt: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    py_datetime(dt.py(), &instant(dt, "dt")?)
}

/// An IANA time zone by name (`"Europe/Rome"`, `"UTC"`): the core's `parse_zone`
/// (`TimeError` `time.zone.unknown`).
pub(crate) fn time_zone(py: Python<'_>, name: &str) -> PyResult<Tz> {
    super::errors::OrRaise::or_raise(sequenza::time::parse_zone(name), py)
}
