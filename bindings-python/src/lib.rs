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
//! - Outputs: findings, reports, `to_dict()`, JsonLogic results go through the core's serde form
//!   and `pythonize`; instants are aware UTC `datetime`s ([`convert`], one cached converter).
//! - The flow engine: `Engine` ([`engine`]) wraps `sequenza::engine::Engine` method by method;
//!   `deliver` hands effects to Python handlers through the core's `runtime::Channel`.
//! - Errors: one exception class per core error area, all under `SequenzaError`, with the
//!   attributes of the core's error data ([`errors`]). A wrong argument type is a `TypeError`;
//!   nothing here panics.

mod batch;
mod convert;
mod csv_import;
mod engine;
mod errors;
mod index;
mod lists;
mod segment;
mod table;
mod time;
mod time_arrays;

use pyo3::exceptions::{PyRuntimeError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::PyString;
use sequenza::FieldSchema;

use convert::{Data, Doc, Json};
use errors::to_py_err;

/// Findings as a list of dicts, through the core's serde JSON form.
type Findings = Json<Vec<sequenza::Finding>>;

/// The committed JSON Schema of a flow document.
const FLOW_SCHEMA: &str = include_str!("../../core/schema/flow.schema.json");

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

impl convert::Holds for PyFlow {
    type Value = sequenza::Flow;
    const EXPECTED: &'static str = "a Flow, str, bytes or dict";

    fn value(&self) -> PyResult<sequenza::Flow> {
        Ok(self.inner.clone())
    }
}

/// A sequence of flows (any iterable but `str`, `bytes` or `dict`) whose items are `Flow`
/// objects, JSON text or dicts.
struct FlowList(Vec<sequenza::Flow>);

impl<'py> FromPyObject<'_, 'py> for FlowList {
    type Error = PyErr;

    fn extract(flows: Borrowed<'_, 'py, PyAny>) -> PyResult<Self> {
        let items = convert::items(&flows, "flows", "a sequence of Flow, str, bytes or dict")?;
        let read = |item: &Bound<'_, PyAny>| match item.cast::<PyFlow>() {
            Ok(handle) => Ok(handle.get().inner.clone()),
            Err(_) => convert::read(item, "every item of flows", "a Flow, str, bytes or dict"),
        };
        items
            .iter()
            .map(read)
            .collect::<PyResult<_>>()
            .map(FlowList)
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
    fn from_json(data: Data<sequenza::Flow>) -> Self {
        PyFlow { inner: data.0 }
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
    fn status(&self) -> &'static str {
        self.inner.status.as_str()
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
    fn to_dict(&self) -> Json<&sequenza::Flow> {
        Json(&self.inner)
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
            repr(self.status())?,
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
fn validate_flow(
    py: Python<'_>,
    flow: &Bound<'_, PyAny>,
    fields: Option<Doc<FieldSchema>>,
) -> PyResult<Findings> {
    let fields = fields.map(|f| f.0);
    // A `Flow` is validated in place, without a copy.
    let parsed: sequenza::Flow;
    let flow = match flow.cast::<PyFlow>() {
        Ok(handle) => &handle.get().inner,
        Err(_) => {
            parsed = convert::read(flow, "flow", "a Flow, str, bytes or dict")?;
            &parsed
        }
    };
    Ok(Json(
        py.detach(|| sequenza::validate_flow(flow, fields.as_ref())),
    ))
}

/// Validates a set of flows: every flow on its own, then the checks across flows (duplicate
/// keywords among active flows, launch cycles, automatic sends that clash with a trigger).
///
/// ``flows`` is a sequence (any iterable but ``str``, ``bytes`` or ``dict``) whose items are
/// ``Flow`` objects, JSON text or dicts. Returns the findings as ``validate_flow`` does.
#[pyfunction]
#[pyo3(signature = (flows, fields = None))]
fn validate_flows(py: Python<'_>, flows: FlowList, fields: Option<Doc<FieldSchema>>) -> Findings {
    let fields = fields.map(|f| f.0);
    Json(py.detach(|| sequenza::validate_flows(&flows.0, fields.as_ref())))
}

/// Every finding code, as a list of dicts with the keys ``code``, ``severity`` (``"error"`` /
/// ``"warning"``) and ``description``.
#[pyfunction]
fn finding_codes() -> Json<impl serde::Serialize> {
    Json(sequenza::error::finding_codes())
}

/// The JSON Schema (draft 2020-12) of a flow document, as JSON text.
#[pyfunction]
fn flow_schema() -> &'static str {
    FLOW_SCHEMA
}

/// sequenza: flows and their validation, conditions and segments, send policies and recurrences,
/// lists and CSV import, the flow engine (native part; import ``sequenza``).
#[pymodule(name = "_sequenza")]
mod native {
    use pyo3::prelude::*;

    #[pymodule_export]
    use super::{finding_codes, flow_schema, validate_flow, validate_flows, PyFlow};

    #[pymodule_export]
    use super::errors::error_codes;

    #[pymodule_export]
    use super::convert::_instant_echo;
    #[pymodule_export]
    use super::csv_import::{export_csv, import_csv, preview_csv, PyImportReport};
    #[pymodule_export]
    use super::lists::{list_trigger_hits, source_condition, PyAudience};

    #[pymodule_export]
    use super::engine::{new_feed_items, PyEngine};
    #[pymodule_export]
    use super::index::PySegmentIndex;
    #[pymodule_export]
    use super::segment::{jsonlogic_apply, PySegment};
    #[pymodule_export]
    use super::table::{PyArrowArray, PyContactTable};
    #[pymodule_export]
    use super::time::{
        local_to_utc, plan_send, resolve_time_zone, wait_end, PyFrequencyCaps, PyRecurrence,
        PyResolvedZone, PySendPolicy,
    };

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        super::errors::register(m)?;
        m.add("__version__", env!("CARGO_PKG_VERSION"))
    }
}
