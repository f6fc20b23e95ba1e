//! Conversions between Python values and what the core reads: JSON values, instants, time zones.
//!
//! Contacts, events and JsonLogic data are plain JSON for the core. Python data often holds
//! `datetime` / `date` objects, sets and NumPy scalars, so [`json_default`] (the `default=` hook of
//! `json.dumps`) writes them as JSON: an aware `datetime` as its RFC 3339 instant in UTC (`Z`, as
//! the core writes instants), a `date` as `YYYY-MM-DD`, a set as a list, a NumPy scalar as its
//! Python value. A naive `datetime` is refused with a `ValueError`: it is no instant.

use chrono::{DateTime, Datelike, SecondsFormat, Timelike, Utc};
use pyo3::exceptions::{PyTypeError, PyUnicodeDecodeError, PyValueError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyDict, PyFrozenSet, PyList, PySet, PyString, PyType};
use sequenza::time::Tz;

use super::type_error;

/// `json.dumps(obj, allow_nan=False, default=json_default)`; without the `default=` hook when
/// `data` is false.
pub(crate) fn dumps(obj: &Bound<'_, PyAny>, data: bool) -> PyResult<String> {
    let py = obj.py();
    let kwargs = PyDict::new(py);
    kwargs.set_item("allow_nan", false)?;
    if data {
        kwargs.set_item("default", wrap_pyfunction!(json_default, py)?)?;
    }
    PyModule::import(py, "json")?
        .getattr("dumps")?
        .call((obj,), Some(&kwargs))?
        .extract()
}

/// The JSON text of a document argument (a flow, a contact, an event …): a `str`, UTF-8 `bytes`,
/// or a `dict` serialised with [`dumps`] (a `data` document such as a contact may hold
/// `datetime`s, `date`s and sets; a model document such as a flow is plain JSON).
pub(crate) fn document_text(
    obj: &Bound<'_, PyAny>,
    what: &str,
    expected: &str,
    data: bool,
) -> PyResult<String> {
    if let Ok(s) = obj.cast::<PyString>() {
        return s.extract();
    }
    if let Ok(b) = obj.cast::<PyBytes>() {
        let bytes = b.as_bytes();
        return match std::str::from_utf8(bytes) {
            Ok(s) => Ok(s.to_owned()),
            Err(e) => Err(PyErr::from_value(
                PyUnicodeDecodeError::new_utf8(obj.py(), bytes, e)?.into_any(),
            )),
        };
    }
    if obj.is_instance_of::<PyDict>() {
        return dumps(obj, data);
    }
    Err(type_error(obj, what, expected))
}

/// A Python value (anything `json.dumps` takes, with [`json_default`]) as a JSON value, read by
/// the core (nesting up to `sequenza::text::MAX_JSON_DEPTH`). A `str` is a JSON string, not JSON
/// text.
pub(crate) fn to_value(obj: &Bound<'_, PyAny>) -> PyResult<serde_json::Value> {
    sequenza::text::json_value(&dumps(obj, true)?).map_err(|e| super::to_py_err(obj.py(), &e))
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
            return Err(super::errors::naive_datetime_error(
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
    sequenza::time::parse_zone(name).map_err(|e| super::to_py_err(py, &e))
}

// ---- argument and result types: a method converts, calls the core, converts back ----------

/// Instant arguments, one type per argument name (the name is in the error message): an aware
/// `datetime` or RFC 3339 text read by [`instant`].
macro_rules! instant_args {
    ($($ty:ident = $name:literal),* $(,)?) => {$(
        #[doc = concat!("The instant argument `", $name, "`, read by [`instant`].")]
        #[derive(Debug, Clone, Copy)]
        pub(crate) struct $ty(pub DateTime<Utc>);

        impl<'py> FromPyObject<'_, 'py> for $ty {
            type Error = PyErr;

            fn extract(obj: Borrowed<'_, 'py, PyAny>) -> PyResult<Self> {
                instant(&obj, $name).map($ty)
            }
        }
    )*};
}

instant_args!(Now = "now", At = "at", Dt = "dt", A = "a", B = "b");

/// A document type that an argument holds as a `dict`, JSON text or UTF-8 bytes, read by its
/// core reader: a malformed one is a `FlowFormatError` with its JSON pointer. `NAME` names the
/// argument in a `TypeError`; `DATA` says whether a `dict` may hold `datetime`s, `date`s and sets.
pub(crate) trait Document: Sized {
    const NAME: &'static str;
    const DATA: bool;

    fn read(json: &str) -> sequenza::Result<Self>;
}

macro_rules! documents {
    ($($ty:ty => $name:literal, $data:literal, $read:path;)*) => {$(
        impl Document for $ty {
            const NAME: &'static str = $name;
            const DATA: bool = $data;

            fn read(json: &str) -> sequenza::Result<Self> {
                $read(json)
            }
        }
    )*};
}

documents! {
    sequenza::Contact => "contact", true, sequenza::Contact::from_json;
    sequenza::Event => "event", true, sequenza::Event::from_json;
    sequenza::Flow => "flow", false, sequenza::Flow::from_json;
    sequenza::FieldSchema => "fields", false, sequenza::FieldSchema::from_json;
    sequenza::list::List => "list", true, sequenza::list::List::from_json;
    sequenza::list::Source => "source", true, sequenza::list::Source::from_json;
    sequenza::list::Activity => "activity", true, sequenza::error::from_json;
    sequenza::segment::Segment => "segment", false, sequenza::segment::Segment::from_json;
    sequenza::flow::WaitNode => "wait", false, sequenza::flow::WaitNode::from_json;
    sequenza::time::RecurrenceRule => "rule", false, sequenza::time::RecurrenceRule::from_json;
    sequenza::time::ZonedPolicy => "policy", false, sequenza::time::ZonedPolicy::from_json;
    sequenza::time::CapPolicy => "caps", false, sequenza::time::CapPolicy::from_json;
    sequenza::engine::InboundMessage => "message", true, sequenza::error::from_json;
    sequenza::engine::ApiResponse => "response", true, sequenza::error::from_json;
    sequenza::runtime::Delivery => "the reply of a handler", true, sequenza::error::from_json;
}

/// A `T` read from `obj` (a `dict`, JSON text or UTF-8 bytes) by its core reader.
pub(crate) fn read<T: Document>(obj: &Bound<'_, PyAny>, what: &str, expected: &str) -> PyResult<T> {
    let text = document_text(obj, what, expected, T::DATA)?;
    T::read(&text).map_err(|e| super::to_py_err(obj.py(), &e))
}

/// A document argument (a `dict`, JSON text or UTF-8 bytes), read by [`Document::read`].
#[derive(Debug)]
pub(crate) struct Doc<T>(pub T);

impl<'py, T: Document> FromPyObject<'_, 'py> for Doc<T> {
    type Error = PyErr;

    fn extract(obj: Borrowed<'_, 'py, PyAny>) -> PyResult<Self> {
        read(&obj, T::NAME, "a dict, str or bytes").map(Doc)
    }
}

/// The `data` argument of a `from_json`: JSON text, UTF-8 bytes or a `dict`.
#[derive(Debug)]
pub(crate) struct Data<T>(pub T);

impl<'py, T: Document> FromPyObject<'_, 'py> for Data<T> {
    type Error = PyErr;

    fn extract(obj: Borrowed<'_, 'py, PyAny>) -> PyResult<Self> {
        read(&obj, "data", "str, bytes or dict").map(Data)
    }
}

/// A Python class that holds a core value, so that an argument takes the object itself or the
/// value's JSON form.
pub(crate) trait Holds: pyo3::PyClass {
    type Value: Document;
    /// What the argument may be, for a `TypeError`.
    const EXPECTED: &'static str;

    fn value(&self) -> PyResult<Self::Value>;
}

/// An argument that is a `H` or the JSON form of its value.
#[derive(Debug)]
pub(crate) struct Obj<H: Holds>(pub H::Value);

impl<'py, H: Holds> FromPyObject<'_, 'py> for Obj<H> {
    type Error = PyErr;

    fn extract(obj: Borrowed<'_, 'py, PyAny>) -> PyResult<Self> {
        match obj.cast::<H>() {
            Ok(held) => held.borrow().value().map(Obj),
            Err(_) => read(&obj, H::Value::NAME, H::EXPECTED).map(Obj),
        }
    }
}

/// A result in its serde JSON form, as Python values (through `pythonize`).
#[derive(Debug)]
pub(crate) struct Json<T>(pub T);

impl<'py, T: serde::Serialize> IntoPyObject<'py> for Json<T> {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Self::Output> {
        to_py(py, &self.0)
    }
}

/// An instant as an aware UTC `datetime` ([`py_datetime`]).
#[derive(Debug)]
pub(crate) struct Datetime(pub DateTime<Utc>);

impl<'py> IntoPyObject<'py> for Datetime {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Self::Output> {
        py_datetime(py, &self.0)
    }
}

/// A record with an instant `at` (a list change, a membership delta, a trigger hit).
pub(crate) trait Dated: serde::Serialize {
    fn at(&self) -> DateTime<Utc>;
}

macro_rules! dated {
    ($($ty:ty),*) => {$(
        impl Dated for $ty {
            fn at(&self) -> DateTime<Utc> {
                self.at
            }
        }
    )*};
}

dated!(
    sequenza::list::ListChange,
    sequenza::list::TriggerHit,
    sequenza::segment::MembershipDelta
);

/// Records as a list of dicts with ``at`` an aware UTC ``datetime`` ([`records_to_py`]).
#[derive(Debug)]
pub(crate) struct Records<T>(pub Vec<T>);

impl<'py, T: Dated> IntoPyObject<'py> for Records<T> {
    type Target = PyList;
    type Output = Bound<'py, PyList>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Self::Output> {
        records_to_py(py, &self.0, Dated::at)
    }
}

/// An id argument (`str`) as the core's id type (`FlowId`, `ContactId` …); it derefs to it.
#[derive(Debug)]
pub(crate) struct Id<T>(pub T);

impl<'py, T: From<String>> FromPyObject<'_, 'py> for Id<T> {
    type Error = PyErr;

    fn extract(obj: Borrowed<'_, 'py, PyAny>) -> PyResult<Self> {
        Ok(Id(T::from(obj.extract::<String>()?)))
    }
}

impl<T> std::ops::Deref for Id<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}
