//! Python binding of sequenza: module `sequenza` (the native part is `sequenza._sequenza`).
//!
//! This crate only converts between Python objects and the core's JSON form, and maps core errors
//! to Python exceptions. Every decision (parsing, validation, evaluation, codes, messages) is the
//! core's.
//!
//! - Inputs: a flow or a field schema is JSON text (`str`, or UTF-8 `bytes`) or a `dict`; a `dict`
//!   is serialised with `json.dumps` and parsed by the same `from_json` as text. Contacts, events
//!   and JsonLogic values go through `json.dumps` too, with aware `datetime`s / `date`s written
//!   as ISO text ([`convert`]). Tables (pandas, polars, pyarrow) are read column-wise through the
//!   Arrow C stream interface ([`table`]). Send policies and recurrences take aware `datetime`s
//!   and return aware UTC ones ([`time`]).
//! - Outputs: findings, `to_dict()`, JsonLogic results go through the core's serde JSON form and
//!   `json.loads`; instants are aware UTC `datetime`s.
//! - Errors: one exception class per core error kind, all under `SequenzaError`, with `code`,
//!   `path`, `line`, `column` and `message` set on the instance ([`to_py_err`]). A wrong argument
//!   type is a `TypeError`, a wrong argument value (a naive `datetime`, an unknown time zone) a
//!   `ValueError`; nothing here panics.

mod convert;
mod csv_import;
mod index;
mod lists;
mod segment;
mod table;
mod time;

use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyRuntimeError, PyTypeError, PyUnicodeDecodeError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString};
use pyo3::PyTypeInfo;

create_exception!(
    sequenza,
    SequenzaError,
    PyException,
    "Base class of every error raised by sequenza.\n\n\
     Attributes: ``code`` (stable machine code, e.g. ``\"format.invalid\"``), ``path`` (JSON \
     pointer of the offending value, or None), ``line`` and ``column`` (1-based position in the \
     JSON text, or None) and ``message`` (what went wrong, without the location)."
);

create_exception!(
    sequenza,
    FlowFormatError,
    SequenzaError,
    "A JSON document (a flow or a field schema) could not be read: malformed JSON \
     (``format.syntax``), JSON that ended too early (``format.eof``) or JSON of the wrong shape \
     (``format.invalid``). ``path``, ``line`` and ``column`` say where."
);

create_exception!(
    sequenza,
    ConditionSyntaxError,
    SequenzaError,
    "Condition text (the readable syntax of ``Segment.parse``) that cannot be parsed. ``code`` is \
     ``\"condition.syntax\"``; ``line`` and ``column`` (1-based, in characters) locate the \
     offending token; ``expected`` lists what the parser expected there and ``found`` says what \
     it found. ``path`` is None."
);

create_exception!(
    sequenza,
    ConditionError,
    SequenzaError,
    "A condition or segment that is well-formed but cannot be evaluated as written: an unknown \
     field (``condition.field.unknown``), a type mismatch (``condition.type_mismatch``), a bad \
     value, regular expression or date, nesting that is too deep (``condition.too_deep``), a \
     JsonLogic rule without an equivalent (``condition.jsonlogic.unsupported``), or a segment \
     problem (``segment.cycle``, ``segment.unknown``, ``segment.duplicate``). ``path`` is the JSON \
     pointer of the offending part (of the condition, or of the segment); ``line`` and ``column`` \
     are None."
);

create_exception!(
    sequenza,
    JsonLogicError,
    SequenzaError,
    "A JsonLogic rule that ``jsonlogic_apply`` cannot evaluate: an unknown operator \
     (``jsonlogic.unknown_operator``), nesting deeper than the core allows \
     (``jsonlogic.too_deep``) or arguments an operator has no answer for \
     (``jsonlogic.invalid_arguments``). ``path`` is the JSON pointer of the offending node in the \
     rule; ``line`` and ``column`` are None."
);

create_exception!(
    sequenza,
    TimeError,
    SequenzaError,
    "A time rule that cannot be used as written: a send policy or recurrence with a malformed \
     time (``time.time.malformed``), an unknown time zone (``time.zone.unknown``), an ambiguous \
     window (``time.window.ambiguous``), a policy that never allows a send \
     (``time.policy.never_allowed``), a frequency out of range \
     (``time.recurrence.frequency_out_of_range``), a day that does not exist \
     (``time.recurrence.bad_day``), RRULE text outside the supported subset \
     (``time.rrule.malformed``, ``time.rrule.unsupported``) … ``path`` is the JSON pointer of the \
     offending value in the rule's JSON form (``\"\"`` for the whole rule); ``line`` and \
     ``column`` are None."
);

create_exception!(
    sequenza,
    ListError,
    SequenzaError,
    "A list operation that cannot be done: an unknown list (``list.unknown``), a duplicate id \
     (``list.duplicate``), an empty name (``list.name.empty``), a bad source filter \
     (``list.filter.invalid``, e.g. an age band whose minimum is above its maximum), an \
     auto-updating list from a source that cannot update itself (``list.static_only``), a \
     contact that is not in the list (``list.contact.unknown``). ``path`` is the JSON pointer of \
     the offending value in the list document (``/source/age``) or the call (``/id``); ``line`` \
     and ``column`` are None."
);

create_exception!(
    sequenza,
    CsvImportError,
    SequenzaError,
    "A CSV file (or import options) that cannot be imported at all: an empty file \
     (``import.empty``), duplicate or empty header names (``import.header.duplicate``, \
     ``import.header.empty``), a mapping naming a missing column or an undeclared field \
     (``import.mapping.unknown_column``, ``import.mapping.unknown_field``), two columns mapped to \
     one key (``import.mapping.duplicate_target``), an unknown or ill-typed option \
     (``import.option.invalid``; ``column_name`` is the option's name), a read failure \
     (``import.io``). Attributes: ``row`` (1-based, the header is row 1), ``column`` (0-based \
     CSV column), ``column_name`` (the header name, or the option), ``byte_offset``; each None \
     when unknown. ``path`` and ``line`` are None. Problems of single rows are not errors: they \
     are in the report's ``rejected``."
);

/// `sequenza.NaiveDatetimeError`: a subclass of both `TimeError` and `ValueError`, made when
/// the module loads (a type with two bases cannot come from `create_exception!`).
static NAIVE_DATETIME_ERROR: pyo3::sync::PyOnceLock<Py<pyo3::types::PyType>> =
    pyo3::sync::PyOnceLock::new();

/// A `NaiveDatetimeError` (code `time.datetime.naive`) with `message`; a plain `ValueError`
/// should the type be missing.
pub(crate) fn naive_datetime_error(py: Python<'_>, message: String) -> PyErr {
    let Some(t) = NAIVE_DATETIME_ERROR.get(py) else {
        return pyo3::exceptions::PyValueError::new_err(message);
    };
    let made = t.bind(py).call1((message.clone(),)).and_then(|value| {
        value.setattr("code", "time.datetime.naive")?;
        value.setattr("message", message)?;
        Ok(value)
    });
    match made {
        Ok(value) => PyErr::from_value(value),
        Err(e) => e,
    }
}

/// The committed JSON Schema of a flow document.
const FLOW_SCHEMA: &str = include_str!("../../core/schema/flow.schema.json");

/// What the attributes of a raised exception are set to.
struct ErrorInfo<'a> {
    code: &'a str,
    path: Option<&'a str>,
    line: Option<usize>,
    column: Option<usize>,
    message: &'a str,
}

/// Builds an exception of class `T` whose `str()` is `text`, with the attributes of `info`.
fn new_error<T: PyTypeInfo>(py: Python<'_>, text: String, info: &ErrorInfo<'_>) -> PyErr {
    let err = PyErr::new::<T, _>((text,));
    let value = err.value(py);
    let set = value
        .setattr("code", info.code)
        .and_then(|()| value.setattr("path", info.path))
        .and_then(|()| value.setattr("line", info.line))
        .and_then(|()| value.setattr("column", info.column))
        .and_then(|()| value.setattr("message", info.message));
    match set {
        Ok(()) => err,
        Err(e) => e,
    }
}

/// Maps a JsonLogic evaluation error to `JsonLogicError`.
fn jsonlogic_err(py: Python<'_>, err: &sequenza::jsonlogic::JsonLogicError) -> PyErr {
    let text = err.to_string();
    // The message without the location the core appends (" at /path").
    let shown = if err.path().is_empty() {
        "/"
    } else {
        err.path()
    };
    let message = text
        .strip_suffix(&format!(" at {shown}"))
        .unwrap_or(&text)
        .to_owned();
    new_error::<JsonLogicError>(
        py,
        text.clone(),
        &ErrorInfo {
            code: err.code(),
            path: Some(err.path()),
            line: None,
            column: None,
            message: &message,
        },
    )
}

/// Maps a core error to its Python exception class: one class per error kind under one base.
fn to_py_err(py: Python<'_>, err: &sequenza::Error) -> PyErr {
    match err {
        sequenza::Error::Format(f) => new_error::<FlowFormatError>(
            py,
            f.to_string(),
            &ErrorInfo {
                code: f.code.as_str(),
                path: Some(&f.path),
                line: Some(f.line),
                column: Some(f.column),
                message: &f.message,
            },
        ),
        sequenza::Error::Parse(p) => {
            let err = new_error::<ConditionSyntaxError>(
                py,
                p.to_string(),
                &ErrorInfo {
                    code: p.code.as_str(),
                    path: None,
                    line: Some(p.line),
                    column: Some(p.column),
                    message: &p.message,
                },
            );
            let value = err.value(py);
            let set = value
                .setattr("expected", p.expected.clone())
                .and_then(|()| value.setattr("found", &p.found));
            match set {
                Ok(()) => err,
                Err(e) => e,
            }
        }
        sequenza::Error::Condition(c) => new_error::<ConditionError>(
            py,
            c.to_string(),
            &ErrorInfo {
                code: c.code.as_str(),
                path: Some(&c.path),
                line: None,
                column: None,
                message: &c.message,
            },
        ),
        sequenza::Error::Time(t) => new_error::<TimeError>(
            py,
            t.to_string(),
            &ErrorInfo {
                code: t.code.as_str(),
                path: Some(&t.path),
                line: None,
                column: None,
                message: &t.message,
            },
        ),
        sequenza::Error::List(l) => new_error::<ListError>(
            py,
            l.to_string(),
            &ErrorInfo {
                code: l.code.as_str(),
                path: Some(&l.path),
                line: None,
                column: None,
                message: &l.message,
            },
        ),
        sequenza::Error::Import(i) => {
            let err = new_error::<CsvImportError>(
                py,
                i.to_string(),
                &ErrorInfo {
                    code: i.code,
                    path: None,
                    line: None,
                    column: i.column,
                    message: &i.message,
                },
            );
            let value = err.value(py);
            let set = value
                .setattr("row", i.row)
                .and_then(|()| value.setattr("column_name", i.column_name.as_deref()))
                .and_then(|()| value.setattr("byte_offset", i.offset));
            match set {
                Ok(()) => err,
                Err(e) => e,
            }
        }
        // `sequenza::Error` is non-exhaustive: a kind added later maps to the base class until it
        // gets its own subclass.
        other => new_error::<SequenzaError>(
            py,
            other.to_string(),
            &ErrorInfo {
                code: other.code(),
                path: other.path(),
                line: other.line_column().map(|(l, _)| l),
                column: other.line_column().map(|(_, c)| c),
                message: other.message(),
            },
        ),
    }
}

/// An error that only a bug could cause (the core's own values failed to serialise).
fn internal(what: &str, err: impl std::fmt::Display) -> PyErr {
    PyRuntimeError::new_err(format!("sequenza: could not convert {what}: {err}"))
}

/// `TypeError("<what> must be <expected>, not <type>")`.
fn type_error(obj: &Bound<'_, PyAny>, what: &str, expected: &str) -> PyErr {
    let found = obj
        .get_type()
        .name()
        .map_or_else(|_| "?".to_owned(), |n| n.to_string());
    PyTypeError::new_err(format!("{what} must be {expected}, not {found}"))
}

/// The JSON text of a document argument: a `str`, UTF-8 `bytes`, or a `dict` serialised with
/// `json.dumps` (non-finite floats are refused there with a `ValueError`).
fn json_text(obj: &Bound<'_, PyAny>, what: &str, expected: &str) -> PyResult<String> {
    let py = obj.py();
    if let Ok(s) = obj.cast::<PyString>() {
        return s.extract();
    }
    if let Ok(b) = obj.cast::<PyBytes>() {
        let bytes = b.as_bytes();
        return match std::str::from_utf8(bytes) {
            Ok(s) => Ok(s.to_owned()),
            Err(e) => Err(PyErr::from_value(
                PyUnicodeDecodeError::new_utf8(py, bytes, e)?.into_any(),
            )),
        };
    }
    if obj.is_instance_of::<PyDict>() {
        let kwargs = PyDict::new(py);
        kwargs.set_item("allow_nan", false)?;
        return PyModule::import(py, "json")?
            .getattr("dumps")?
            .call((obj,), Some(&kwargs))?
            .extract();
    }
    Err(type_error(obj, what, expected))
}

/// `json.loads(text)`.
fn json_loads<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    PyModule::import(py, "json")?
        .getattr("loads")?
        .call1((text,))
}

/// Parses a flow from a `str`, `bytes` or `dict`.
fn parse_flow(obj: &Bound<'_, PyAny>, what: &str, expected: &str) -> PyResult<sequenza::Flow> {
    let text = json_text(obj, what, expected)?;
    sequenza::Flow::from_json(&text).map_err(|e| to_py_err(obj.py(), &e))
}

/// Reads the optional `fields` argument (a field schema as `str`, `bytes` or `dict`).
fn parse_fields(fields: Option<&Bound<'_, PyAny>>) -> PyResult<Option<sequenza::FieldSchema>> {
    let Some(obj) = fields.filter(|f| !f.is_none()) else {
        return Ok(None);
    };
    let text = json_text(obj, "fields", "str, bytes, dict or None")?;
    sequenza::FieldSchema::from_json(&text)
        .map(Some)
        .map_err(|e| to_py_err(obj.py(), &e))
}

/// Findings as `list[dict]`, through the core's serde JSON form.
fn findings_to_py<'py>(
    py: Python<'py>,
    findings: &[sequenza::Finding],
) -> PyResult<Bound<'py, PyAny>> {
    let text = serde_json::to_string(findings).map_err(|e| internal("findings", e))?;
    json_loads(py, &text)
}

/// The serde JSON string of a unit enum value (`"draft"`, `"error"` …).
fn enum_str(value: serde_json::Result<serde_json::Value>, what: &str) -> PyResult<String> {
    match value {
        Ok(serde_json::Value::String(s)) => Ok(s),
        Ok(other) => Err(internal(what, format!("not a string: {other}"))),
        Err(e) => Err(internal(what, e)),
    }
}

/// A flow: triggers, nodes joined by labelled edges, and settings.
///
/// Create one with ``Flow.from_json(data)``; a flow is immutable. ``to_json()`` / ``to_dict()``
/// give back its canonical JSON form.
#[pyclass(frozen, module = "sequenza", name = "Flow")]
struct PyFlow {
    inner: sequenza::Flow,
}

#[pymethods]
impl PyFlow {
    /// Parses a flow from JSON text (``str`` or UTF-8 ``bytes``) or from a ``dict``.
    ///
    /// Raises ``FlowFormatError`` (with ``code``, ``path``, ``line``, ``column``) when the
    /// document is not a flow, and ``TypeError`` for any other type of argument. A ``dict`` is
    /// serialised with ``json.dumps`` first: ``path`` locates the problem, ``line`` / ``column``
    /// then refer to that serialised text.
    #[staticmethod]
    fn from_json(data: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(PyFlow {
            inner: parse_flow(data, "data", "str, bytes or dict")?,
        })
    }

    /// The flow's stable id.
    #[getter]
    fn id(&self) -> &str {
        self.inner.id.as_str()
    }

    /// The name shown to people.
    #[getter]
    fn name(&self) -> &str {
        &self.inner.name
    }

    /// The life-cycle state: ``"draft"``, ``"active"``, ``"paused"`` or ``"archived"``.
    #[getter]
    fn status(&self) -> PyResult<String> {
        enum_str(serde_json::to_value(self.inner.status), "status")
    }

    /// The version number, raised on every published change.
    #[getter]
    fn version(&self) -> u32 {
        self.inner.version
    }

    /// The canonical JSON form; indented when ``pretty`` is true.
    #[pyo3(signature = (pretty = false))]
    fn to_json(&self, pretty: bool) -> String {
        if pretty {
            self.inner.to_json_pretty()
        } else {
            self.inner.to_json()
        }
    }

    /// The canonical JSON form as a ``dict`` (``json.loads(self.to_json())``).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_loads(py, &self.inner.to_json())
    }

    /// A readable outline: trigger, nodes with their branches, one per line.
    fn outline(&self) -> String {
        self.inner.outline()
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let repr = |s: &str| -> PyResult<String> { Ok(PyString::new(py, s).repr()?.to_string()) };
        Ok(format!(
            "Flow(id={}, name={}, status={}, version={})",
            repr(self.inner.id.as_str())?,
            repr(&self.inner.name)?,
            repr(&self.status()?)?,
            self.inner.version
        ))
    }
}

/// Validates one flow and returns its findings as a list of dicts with the keys ``code``,
/// ``severity`` (``"error"`` / ``"warning"``), ``flow``, ``node`` (``str`` or ``None``), ``path``
/// and ``message``.
///
/// ``flow`` is a ``Flow``, or JSON text / a ``dict`` parsed as by ``Flow.from_json``. ``fields``,
/// when given (JSON text or a ``dict`` of the form ``{"fields": [...]}``), enables the checks that
/// need the declared profile fields. A broken flow gives findings, not an exception; a document
/// that is not a flow (or a field schema) raises ``FlowFormatError``.
#[pyfunction]
#[pyo3(signature = (flow, fields = None))]
fn validate_flow<'py>(
    py: Python<'py>,
    flow: &Bound<'py, PyAny>,
    fields: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let fields = parse_fields(fields)?;
    let findings = if let Ok(handle) = flow.cast::<PyFlow>() {
        let inner = &handle.get().inner;
        py.detach(|| sequenza::validate_flow(inner, fields.as_ref()))
    } else {
        let parsed = parse_flow(flow, "flow", "Flow, str, bytes or dict")?;
        py.detach(|| sequenza::validate_flow(&parsed, fields.as_ref()))
    };
    findings_to_py(py, &findings)
}

/// Validates a set of flows: every flow on its own, then the checks across flows (duplicate
/// keywords among active flows, launch cycles, automatic sends that clash with a trigger).
///
/// ``flows`` is a sequence (any iterable but ``str``, ``bytes`` or ``dict``) whose items are
/// ``Flow`` objects, JSON text or dicts. Returns the findings as ``validate_flow`` does.
#[pyfunction]
#[pyo3(signature = (flows, fields = None))]
fn validate_flows<'py>(
    py: Python<'py>,
    flows: &Bound<'py, PyAny>,
    fields: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    const EXPECTED: &str = "a sequence of Flow, str, bytes or dict";
    if flows.is_instance_of::<PyString>()
        || flows.is_instance_of::<PyBytes>()
        || flows.is_instance_of::<PyDict>()
    {
        return Err(type_error(flows, "flows", EXPECTED));
    }
    let items = flows
        .try_iter()
        .map_err(|_| type_error(flows, "flows", EXPECTED))?;
    let mut parsed = Vec::new();
    for item in items {
        let item = item?;
        if let Ok(handle) = item.cast::<PyFlow>() {
            parsed.push(handle.get().inner.clone());
        } else {
            parsed.push(parse_flow(
                &item,
                "every item of flows",
                "a Flow, str, bytes or dict",
            )?);
        }
    }
    let fields = parse_fields(fields)?;
    let findings = py.detach(|| sequenza::validate_flows(&parsed, fields.as_ref()));
    findings_to_py(py, &findings)
}

/// Every finding code, as a list of dicts with the keys ``code``, ``severity`` (``"error"`` /
/// ``"warning"``) and ``description``.
#[pyfunction]
fn finding_codes(py: Python<'_>) -> PyResult<Bound<'_, PyList>> {
    let list = PyList::empty(py);
    for code in sequenza::error::FindingCode::ALL {
        let entry = PyDict::new(py);
        entry.set_item("code", code.as_str())?;
        entry.set_item(
            "severity",
            enum_str(serde_json::to_value(code.severity()), "severity")?,
        )?;
        entry.set_item("description", code.meaning())?;
        list.append(entry)?;
    }
    Ok(list)
}

/// The JSON Schema (draft 2020-12) of a flow document, as JSON text.
#[pyfunction]
fn flow_schema() -> &'static str {
    FLOW_SCHEMA
}

/// sequenza: flows and their validation, conditions and segments, send policies and recurrences
/// (native part; import ``sequenza``).
#[pymodule(name = "_sequenza")]
mod native {
    use pyo3::prelude::*;

    #[pymodule_export]
    use super::{
        finding_codes, flow_schema, validate_flow, validate_flows, ConditionError,
        ConditionSyntaxError, CsvImportError, FlowFormatError, JsonLogicError, ListError, PyFlow,
        SequenzaError, TimeError,
    };

    #[pymodule_export]
    use super::csv_import::{export_csv, import_csv, preview_csv, PyImportReport};
    #[pymodule_export]
    use super::lists::{list_trigger_hits, source_condition, PyAudience};

    #[pymodule_export]
    use super::index::PySegmentIndex;
    #[pymodule_export]
    use super::segment::{jsonlogic_apply, PySegment};
    #[pymodule_export]
    use super::time::{
        local_to_utc, plan_send, resolve_time_zone, wait_end, PyFrequencyCaps, PyRecurrence,
        PyResolvedZone, PySendPolicy,
    };

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        // Class-level defaults, so that an exception raised from Python code (or a future kind
        // without a location) still has every attribute.
        let py = m.py();
        let base = py.get_type::<SequenzaError>();
        for attr in ["code", "path", "line", "column", "message"] {
            base.setattr(attr, py.None())?;
        }
        let csv = py.get_type::<CsvImportError>();
        for attr in ["row", "column_name", "byte_offset"] {
            csv.setattr(attr, py.None())?;
        }
        let syntax = py.get_type::<ConditionSyntaxError>();
        for attr in ["expected", "found"] {
            syntax.setattr(attr, py.None())?;
        }
        let namespace = pyo3::types::PyDict::new(py);
        namespace.set_item("__module__", "sequenza")?;
        namespace.set_item(
            "__doc__",
            "A naive ``datetime`` (one without a time zone) where an instant is needed. A \
             ``TimeError`` with code ``time.datetime.naive``, and also a ``ValueError``.",
        )?;
        let bases = (
            py.get_type::<TimeError>(),
            py.get_type::<pyo3::exceptions::PyValueError>(),
        );
        let naive = py
            .get_type::<pyo3::types::PyType>()
            .call1(("NaiveDatetimeError", bases, namespace))?
            .cast_into::<pyo3::types::PyType>()?;
        m.add("NaiveDatetimeError", &naive)?;
        let _ = super::NAIVE_DATETIME_ERROR.set(py, naive.unbind());
        m.add("__version__", env!("CARGO_PKG_VERSION"))
    }
}
