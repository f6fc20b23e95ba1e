//! Core errors as Python exceptions: one class per error area under `SequenzaError`, chosen by
//! one `match` on [`sequenza::Error::area`], with the attributes of [`sequenza::Error::data`]
//! (`area`, `code`, `message`, `path`, `line`, `column`, `row`, `csv_column`, `column_name`,
//! `byte_offset`, `node`, `flow`, `contact`, `report`, `findings`, `expected`, `found`,
//! `operator` — each None when it does not apply).

use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList, PyString, PyType};
use sequenza::error::{Area, ErrorData};

use super::convert::to_py;

/// The exception classes, each with its base and docstring; [`classes`] lists them, base first.
macro_rules! exceptions {
    ($($name:ident($base:ident): $doc:literal;)*) => {
        $(create_exception!(sequenza, $name, $base, $doc);)*

        /// Every exception class made by `create_exception!`, the base class first.
        fn classes(py: Python<'_>) -> Vec<Bound<'_, PyType>> {
            vec![$(py.get_type::<$name>()),*]
        }
    };
}

exceptions! {
    SequenzaError(PyException):
        "Base class of every error raised by sequenza. Attributes: ``area``, ``code`` (stable, see \
        ``error_codes()``), ``message`` (without the location) and the location fields that apply \
        (``path``, ``line``, ``column``, ``row``, ``csv_column``, ``column_name``, ``byte_offset``, \
        ``node``, ``flow``, ``contact``), else None.";
    FlowFormatError(SequenzaError):
        "A JSON document of the wrong form (area ``format``): ``format.syntax``, ``format.eof``, \
        ``format.invalid``, with ``path``, ``line`` and ``column``.";
    ConditionSyntaxError(SequenzaError):
        "Condition text that cannot be parsed (area ``parse``, ``condition.syntax``): ``line``, \
        ``column``, ``expected`` and ``found``.";
    ConditionError(SequenzaError):
        "A condition that cannot be evaluated as written (area ``condition``), with ``path``.";
    SegmentError(ConditionError):
        "A segment problem (area ``segment``: ``segment.cycle``, ``segment.unknown``, \
        ``segment.duplicate``), with ``path``; also a ``ConditionError``.";
    TimeError(SequenzaError):
        "A time rule that cannot be used as written (area ``time``: ``time.zone.unknown``, \
        ``time.policy.never_allowed`` …), with ``path``.";
    ListError(SequenzaError):
        "A list operation that cannot be done (area ``list``), with ``path``.";
    CsvImportError(SequenzaError):
        "A CSV file or import option that cannot be imported at all (area ``import``): ``row`` \
        (1-based, the header is row 1), ``csv_column`` (0-based), ``column_name``, ``byte_offset``; \
        ``report`` the partial report when the import stopped part-way.";
    JsonLogicError(SequenzaError):
        "A JsonLogic rule that cannot be evaluated (area ``jsonlogic``), with ``path`` and \
        ``operator``.";
    MergeSyntaxError(SequenzaError):
        "A malformed ``{{ … }}`` merge field in message text (area ``merge``), with ``byte_offset``.";
    FlowError(SequenzaError):
        "A flow that cannot be used as written (area ``flow``), with ``flow`` and ``node``.";
    EngineError(SequenzaError):
        "An engine step that cannot be done (area ``engine``).";
    StoreError(SequenzaError):
        "A store that cannot be read or written (area ``store``).";
}

/// Maps a core error to its exception: the class by area, the attributes from its data.
pub(crate) fn to_py_err(py: Python<'_>, err: &sequenza::Error) -> PyErr {
    let class = match err.area() {
        Area::Format => py.get_type::<FlowFormatError>(),
        Area::Parse => py.get_type::<ConditionSyntaxError>(),
        Area::Condition => py.get_type::<ConditionError>(),
        Area::Segment => py.get_type::<SegmentError>(),
        Area::Time => py.get_type::<TimeError>(),
        Area::List => py.get_type::<ListError>(),
        Area::Import => py.get_type::<CsvImportError>(),
        Area::JsonLogic => py.get_type::<JsonLogicError>(),
        Area::Merge => py.get_type::<MergeSyntaxError>(),
        Area::Flow => py.get_type::<FlowError>(),
        Area::Engine => py.get_type::<EngineError>(),
        Area::Store => py.get_type::<StoreError>(),
        // `Area` is non-exhaustive: an area added later raises the base class until it gets one.
        _ => py.get_type::<SequenzaError>(),
    };
    raise(&class, err.to_string(), &err.data())
}

/// The error of a binding method: a core error (mapped by [`to_py_err`] on its way out) or a
/// Python one, so that a method body uses `?` on both.
#[derive(Debug)]
pub(crate) enum Error {
    Core(sequenza::Error),
    Py(PyErr),
}

/// The result of a binding method.
pub(crate) type Result<T> = std::result::Result<T, Error>;

/// The result of a binding method that returns a value in its serde JSON form.
pub(crate) type Out<T> = Result<super::convert::Json<T>>;

impl From<sequenza::Error> for Error {
    fn from(e: sequenza::Error) -> Self {
        Error::Core(e)
    }
}

impl From<PyErr> for Error {
    fn from(e: PyErr) -> Self {
        Error::Py(e)
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Py(e.into())
    }
}

impl From<Error> for PyErr {
    fn from(e: Error) -> PyErr {
        match e {
            Error::Core(e) => Python::attach(|py| to_py_err(py, &e)),
            Error::Py(e) => e,
        }
    }
}

/// An exception of `class` whose `str()` is `text`, with the fields of `data` as attributes.
fn raise<T: serde::Serialize>(class: &Bound<'_, PyType>, text: String, data: &T) -> PyErr {
    let made = class.call1((text,)).and_then(|value| {
        for (key, item) in to_py(class.py(), data)?.cast_into::<PyDict>()?.iter() {
            value.setattr(key.cast_into::<PyString>()?, item)?;
        }
        Ok(value)
    });
    match made {
        Ok(value) => PyErr::from_value(value),
        Err(e) => e,
    }
}

/// `sequenza.NaiveDatetimeError`: a `TimeError` and a `ValueError`, made when the module loads
/// (a type with two bases cannot come from `create_exception!`).
static NAIVE_DATETIME_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// A `NaiveDatetimeError` (code `time.datetime.naive`) with `message`.
pub(crate) fn naive_datetime_error(py: Python<'_>, message: String) -> PyErr {
    let Some(class) = NAIVE_DATETIME_ERROR.get(py) else {
        return PyValueError::new_err(message);
    };
    let data =
        serde_json::json!({"area": "time", "code": "time.datetime.naive", "message": message});
    raise(class.bind(py), message, &data)
}

/// Every error and finding code sequenza produces, as a list of dicts with the keys ``code``,
/// ``area``, ``severity`` (``"error"`` / ``"warning"`` for findings, else None) and
/// ``meaning``.
#[pyfunction]
pub(crate) fn error_codes(py: Python<'_>) -> PyResult<Bound<'_, PyList>> {
    Ok(to_py(py, sequenza::error::codes())?.cast_into::<PyList>()?)
}

/// Adds the exception classes to the module, with their default attributes.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    for attr in ErrorData::FIELDS {
        py.get_type::<SequenzaError>().setattr(*attr, py.None())?;
    }
    for class in classes(py) {
        m.add(class.name()?, class)?;
    }
    let namespace = PyDict::new(py);
    namespace.set_item("__module__", "sequenza")?;
    namespace.set_item(
        "__doc__",
        "A naive ``datetime`` (one without a time zone) where an instant is needed. A \
         ``TimeError`` with code ``time.datetime.naive``, and also a ``ValueError``.",
    )?;
    let bases = (py.get_type::<TimeError>(), py.get_type::<PyValueError>());
    let naive = py
        .get_type::<PyType>()
        .call1(("NaiveDatetimeError", bases, namespace))?
        .cast_into::<PyType>()?;
    m.add("NaiveDatetimeError", &naive)?;
    let _ = NAIVE_DATETIME_ERROR.set(py, naive.unbind());
    Ok(())
}
