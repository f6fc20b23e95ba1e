//! `Segment` (a condition with an optional id and name) and `jsonlogic_apply`.

use std::sync::OnceLock;

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};
use sequenza::condition::bulk::Bitmap;
use sequenza::condition::eval::{CompiledCondition, EvalContext};
use sequenza::condition::Condition;
use sequenza::model::SegmentId;
use sequenza::segment::{BulkTable, TableOptions};
use sequenza::{Contact, Event, FieldSchema};

use super::convert::{items, read, time_zone, to_value, Data, Doc, Document, Json, Now};
use super::errors::Result;
use super::table::{self, PyContactTable};
use super::{internal, to_py_err, type_error};

/// A segment: a condition over contacts, with an optional ``id`` and ``name``.
///
/// Create one with ``Segment.parse(text)`` (the readable syntax), ``Segment.from_json(data)``
/// (condition JSON, or a segment object ``{"id", "name", "condition"}``) or
/// ``Segment.from_jsonlogic(rule)``. A segment is immutable. Evaluate it on one contact with
/// ``matches``, or on a whole table (pandas, polars, pyarrow) with ``filter`` / ``count``.
#[pyclass(frozen, module = "sequenza", name = "Segment")]
pub(crate) struct PySegment {
    id: Option<String>,
    name: Option<String>,
    condition: Condition,
    /// The condition compiled without a field schema, on first use.
    compiled: OnceLock<std::result::Result<CompiledCondition, sequenza::Error>>,
}

impl PySegment {
    pub(crate) fn new(condition: Condition, id: Option<String>, name: Option<String>) -> Self {
        PySegment {
            id,
            name,
            condition,
            compiled: OnceLock::new(),
        }
    }

    /// The core's segment (id and name required by a `SegmentIndex`).
    pub(crate) fn to_core(&self) -> PyResult<sequenza::segment::Segment> {
        let Some(id) = &self.id else {
            return Err(pyo3::exceptions::PyValueError::new_err(
                "this segment has no id: a SegmentIndex needs one (Segment.parse(text, id=...))",
            ));
        };
        let name = self.name.clone().unwrap_or_default();
        Ok(sequenza::segment::Segment::new(
            id.as_str(),
            name,
            self.condition.clone(),
        ))
    }

    fn compiled(&self, py: Python<'_>) -> PyResult<&CompiledCondition> {
        let compiled = self
            .compiled
            .get_or_init(|| CompiledCondition::compile(&self.condition, None));
        compiled.as_ref().map_err(|e| to_py_err(py, e))
    }
}

/// What `Segment.from_json` reads: a segment object or a condition's JSON form.
struct SegmentDoc(Option<String>, Option<String>, Condition);

impl Document for SegmentDoc {
    const NAME: &'static str = "data";
    const DATA: bool = false;

    fn read(json: &str) -> sequenza::Result<Self> {
        let (id, name, condition) = sequenza::segment::Segment::from_json_or_condition(json)?;
        Ok(SegmentDoc(id, name, condition))
    }
}

/// The segment ids the contact is in, for `in_segment`: an iterable of `str`.
struct SegmentIds(Vec<SegmentId>);

impl<'py> FromPyObject<'_, 'py> for SegmentIds {
    type Error = PyErr;

    fn extract(obj: Borrowed<'_, 'py, PyAny>) -> PyResult<Self> {
        const EXPECTED: &str = "an iterable of segment ids (str)";
        if obj.is_instance_of::<PyString>() || obj.is_instance_of::<PyBytes>() {
            return Err(type_error(&obj, "segments", EXPECTED));
        }
        let items = obj
            .try_iter()
            .map_err(|_| type_error(&obj, "segments", EXPECTED))?;
        let id = |item: PyResult<Bound<'_, PyAny>>| {
            let item = item?;
            let id = item.cast::<PyString>();
            let id =
                id.map_err(|_| type_error(&item, "every item of segments", "a segment id (str)"))?;
            Ok(SegmentId::new(id.to_cow()?.into_owned()))
        };
        items.map(id).collect::<PyResult<_>>().map(SegmentIds)
    }
}

/// The events of one contact: an iterable of dicts / JSON texts.
struct Events(Vec<Event>);

impl<'py> FromPyObject<'_, 'py> for Events {
    type Error = PyErr;

    fn extract(obj: Borrowed<'_, 'py, PyAny>) -> PyResult<Self> {
        let items = items(&obj, "events", "an iterable of events (dict, str or bytes)")?;
        let event = |item: &Bound<'_, PyAny>| read(item, "every event", "a dict, str or bytes");
        items.iter().map(event).collect::<PyResult<_>>().map(Events)
    }
}

#[pymethods]
impl PySegment {
    /// Parses a condition written in the readable text syntax, e.g.
    /// ``'city = "Milano" and tags has any ("vip")'``.
    ///
    /// Raises ``ConditionSyntaxError`` (``code``, ``line``, ``column``, ``expected``, ``found``)
    /// when the text cannot be parsed.
    #[staticmethod]
    #[pyo3(signature = (text, id = None, name = None))]
    fn parse(text: &str, id: Option<String>, name: Option<String>) -> Result<Self> {
        Ok(PySegment::new(Condition::parse(text)?, id, name))
    }

    /// Reads condition JSON (``{"type": "field", ...}``) or a segment object
    /// (``{"id": ..., "name": ..., "condition": {...}}``), as JSON text (``str`` / UTF-8
    /// ``bytes``) or a ``dict``. ``id`` / ``name``, when given, replace the segment object's.
    ///
    /// Raises ``FlowFormatError`` (``code``, ``path``, ``line``, ``column``) when the document is
    /// not a condition, and ``TypeError`` for any other type of argument.
    #[staticmethod]
    #[pyo3(signature = (data, id = None, name = None))]
    fn from_json(data: Data<SegmentDoc>, id: Option<String>, name: Option<String>) -> Self {
        let SegmentDoc(doc_id, doc_name, condition) = data.0;
        PySegment::new(condition, id.or(doc_id), name.or(doc_name))
    }

    /// Translates a JsonLogic rule (a ``dict``, as exported by query builders such as
    /// react-querybuilder) into a segment, where an exact equivalent exists.
    ///
    /// Raises ``ConditionError`` with code ``condition.jsonlogic.unsupported`` and the JSON
    /// pointer of the part of the rule that has no equivalent.
    #[staticmethod]
    #[pyo3(signature = (rule, id = None, name = None))]
    fn from_jsonlogic(
        rule: &Bound<'_, PyAny>,
        id: Option<String>,
        name: Option<String>,
    ) -> Result<Self> {
        let condition = Condition::from_jsonlogic(&to_value(rule)?)?;
        Ok(PySegment::new(condition, id, name))
    }

    /// The segment's id (what ``in_segment`` conditions name), or None.
    #[getter]
    fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// The name shown to people, or None.
    #[getter]
    fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The condition in the readable text syntax (``Segment.parse`` reads it back).
    fn to_text(&self) -> String {
        self.condition.to_string()
    }

    /// The condition as JSON text; indented when ``pretty`` is true.
    #[pyo3(signature = (pretty = false))]
    fn to_json(&self, pretty: bool) -> PyResult<String> {
        let text = if pretty {
            serde_json::to_string_pretty(&self.condition)
        } else {
            serde_json::to_string(&self.condition)
        };
        text.map_err(|e| internal("the condition", e))
    }

    /// The condition as a ``dict`` (``json.loads(self.to_json())``).
    fn to_dict(&self) -> Json<&Condition> {
        Json(&self.condition)
    }

    /// Checks the condition: field names, operators and values against ``fields`` (a field
    /// schema as JSON text or a ``dict`` ``{"fields": [...]}``) when given; regular expressions,
    /// dates, values and nesting always. Returns None; raises ``ConditionError`` (``code``,
    /// ``path``) on the first problem, ``FlowFormatError`` for a malformed field schema.
    #[pyo3(signature = (fields = None))]
    fn check(&self, py: Python<'_>, fields: Option<Doc<FieldSchema>>) -> Result<()> {
        match fields {
            Some(schema) => {
                CompiledCondition::compile(&self.condition, Some(&schema.0)).map(|_| ())?
            }
            None => self.compiled(py).map(|_| ())?,
        }
        Ok(())
    }

    /// True when ``contact`` is in the segment at ``now``.
    ///
    /// ``contact`` is a contact ``dict`` (``{"id", "fields", "tags", "lists", "consent",
    /// "time_zone", ...}``; ``datetime`` / ``date`` values are written as ISO text) or its JSON
    /// text. ``now`` is a timezone-aware ``datetime`` or an RFC 3339 string (a naive ``datetime``
    /// raises ``ValueError``). ``events`` are the contact's events (dicts ``{"contact", "name",
    /// "at", "properties"}``); ``default_time_zone`` is the IANA zone of a contact without one;
    /// ``segments`` are the ids of the segments the contact is in (for ``in_segment``).
    ///
    /// Raises ``ConditionError`` when the condition cannot be evaluated (a bad regular
    /// expression …) and ``FlowFormatError`` when the contact or an event is malformed.
    #[pyo3(signature = (contact, now, events = None, default_time_zone = "UTC", segments = None),
           text_signature = "($self, contact, now, events=None, default_time_zone='UTC', segments=())")]
    fn matches(
        &self,
        py: Python<'_>,
        contact: Doc<Contact>,
        now: Now,
        events: Option<Events>,
        default_time_zone: &str,
        segments: Option<SegmentIds>,
    ) -> PyResult<bool> {
        let compiled = self.compiled(py)?;
        let tz = time_zone(py, default_time_zone)?;
        let (events, segments) = (events.map(|e| e.0), segments.map(|s| s.0));
        let (events, segments) = (events.unwrap_or_default(), segments.unwrap_or_default());
        let ctx = EvalContext::new(now.0)
            .with_default_time_zone(tz)
            .with_segments(&segments);
        Ok(compiled.matches(&contact.0, &events, &ctx))
    }

    /// The ids of the rows of ``table`` that are in the segment at ``now``, in table order.
    ///
    /// ``table`` is a ``ContactTable`` (built once with ``ContactTable.from_arrow``, the fast
    /// path for many segments), or, as a shortcut that builds one on every call, a pandas or
    /// polars DataFrame, a pyarrow Table or any object with ``__arrow_c_stream__`` (then
    /// ``id_column``, ``events`` and ``fields`` are those of ``ContactTable.from_arrow``). Ids
    /// come back as they are in the id column (``str``, or ``int``). ``fields`` (a field schema)
    /// also checks the condition first.
    ///
    /// Raises ``ConditionError`` (unknown field, type mismatch, ``segment.cycle`` …),
    /// ``FlowFormatError`` for a table that cannot be read (``format.column.*``, duplicate ids),
    /// ``TypeError`` for an object that is not a table, ``ValueError`` for a naive ``now``.
    #[pyo3(signature = (table, now, *, id_column = "id", events = None, default_time_zone = "UTC", fields = None))]
    #[allow(clippy::too_many_arguments)]
    fn filter<'py>(
        &self,
        py: Python<'py>,
        table: &Bound<'py, PyAny>,
        now: Now,
        id_column: &str,
        events: Option<&Bound<'py, PyAny>>,
        default_time_zone: &str,
        fields: Option<Doc<FieldSchema>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let args = Args::new(py, now, id_column, events, default_time_zone, fields)?;
        self.rows(py, table, args, |t, rows| {
            Ok(table::ids(py, t, &rows)?.into_any())
        })
    }

    /// How many rows of ``table`` are in the segment at ``now``: ``len(self.filter(...))``
    /// without building the list of ids. Same arguments and errors as ``filter``.
    #[pyo3(signature = (table, now, *, id_column = "id", events = None, default_time_zone = "UTC", fields = None))]
    #[allow(clippy::too_many_arguments)]
    fn count<'py>(
        &self,
        py: Python<'py>,
        table: &Bound<'py, PyAny>,
        now: Now,
        id_column: &str,
        events: Option<&Bound<'py, PyAny>>,
        default_time_zone: &str,
        fields: Option<Doc<FieldSchema>>,
    ) -> PyResult<usize> {
        let args = Args::new(py, now, id_column, events, default_time_zone, fields)?;
        self.rows(py, table, args, |_, rows| Ok(rows.count()))
    }

    /// Which rows of ``table`` are in the segment at ``now``: a boolean Arrow array aligned with
    /// the table's rows (a ``pyarrow.BooleanArray``; without pyarrow an object with
    /// ``__arrow_c_array__``), e.g. ``df.filter(pl.Series(segment.mask(table, now)))``. Same
    /// arguments and errors as ``filter``.
    #[pyo3(signature = (table, now, *, id_column = "id", events = None, default_time_zone = "UTC", fields = None))]
    #[allow(clippy::too_many_arguments)]
    fn mask<'py>(
        &self,
        py: Python<'py>,
        table: &Bound<'py, PyAny>,
        now: Now,
        id_column: &str,
        events: Option<&Bound<'py, PyAny>>,
        default_time_zone: &str,
        fields: Option<Doc<FieldSchema>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let args = Args::new(py, now, id_column, events, default_time_zone, fields)?;
        self.rows(py, table, args, |_, rows| table::mask(py, &rows))
    }

    fn __str__(&self) -> String {
        self.condition.to_string()
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let repr = |s: Option<&str>| -> PyResult<String> {
            match s {
                Some(s) => Ok(PyString::new(py, s).repr()?.to_string()),
                None => Ok("None".to_owned()),
            }
        };
        Ok(format!(
            "Segment.parse({}, id={}, name={})",
            repr(Some(&self.condition.to_string()))?,
            repr(self.id.as_deref())?,
            repr(self.name.as_deref())?
        ))
    }
}

/// The arguments `filter`, `count` and `mask` share.
struct Args<'a, 'py> {
    now: Now,
    default_time_zone: sequenza::time::Tz,
    options: TableOptions,
    events: Option<&'a Bound<'py, PyAny>>,
}

impl<'a, 'py> Args<'a, 'py> {
    fn new(
        py: Python<'_>,
        now: Now,
        id_column: &str,
        events: Option<&'a Bound<'py, PyAny>>,
        default_time_zone: &str,
        fields: Option<Doc<FieldSchema>>,
    ) -> PyResult<Self> {
        let mut options = TableOptions::default();
        options.id_column = id_column.to_owned();
        options.fields = fields.map(|f| f.0);
        let default_time_zone = time_zone(py, default_time_zone)?;
        let events = events.filter(|e| !e.is_none());
        Ok(Args {
            now,
            default_time_zone,
            options,
            events,
        })
    }
}

impl PySegment {
    /// Evaluates the segment on a `ContactTable`, or on a table built from `table` on the spot,
    /// and hands the rows to `then`.
    fn rows<'py, T>(
        &self,
        py: Python<'py>,
        table: &Bound<'py, PyAny>,
        args: Args<'_, 'py>,
        then: impl FnOnce(&BulkTable, Bitmap) -> PyResult<T>,
    ) -> PyResult<T> {
        if let Some(schema) = &args.options.fields {
            // The same check as `Segment.check(fields)`.
            CompiledCondition::compile(&self.condition, Some(schema))
                .map_err(|e| to_py_err(py, &e))?;
        }
        let (now, tz, condition) = (args.now.0, args.default_time_zone, &self.condition);
        let evaluate = |built: &BulkTable| {
            let rows = py.detach(|| built.evaluate(condition, now, tz));
            rows.map_err(|e| to_py_err(py, &e))
        };
        if let Ok(built) = table.cast::<PyContactTable>() {
            if args.events.is_some() {
                return Err(pyo3::exceptions::PyValueError::new_err(
                    "the events of a ContactTable are given to ContactTable.from_arrow",
                ));
            }
            let built = &built.get().inner;
            return then(built, evaluate(built)?);
        }
        let built = table::build(py, table, args.events, &args.options)?;
        then(&built, evaluate(&built)?)
    }
}

/// Evaluates a JsonLogic ``rule`` against ``data`` as json-logic-js does (including JavaScript's
/// coercions) and returns the result as a Python value.
///
/// ``rule`` and ``data`` are Python values as ``json.dumps`` writes them (``dict``, ``list``,
/// ``str``, numbers, ``bool``, None; an aware ``datetime`` / a ``date`` become ISO text). A
/// ``str`` is a JSON string, not JSON text: ``json.loads`` text first. Raises
/// ``JsonLogicError`` (``code``, ``path``) for an unknown operator, a rule nested too deeply or
/// arguments an operator has no answer for.
#[pyfunction]
#[pyo3(signature = (rule, data = None))]
pub(crate) fn jsonlogic_apply<'py>(
    py: Python<'py>,
    rule: &Bound<'py, PyAny>,
    data: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let rule = to_value(rule)?;
    let data = data.map(to_value).transpose()?;
    let data = data.unwrap_or(serde_json::Value::Null);
    let result = py.detach(|| sequenza::jsonlogic::apply(&rule, &data));
    let result = result.map_err(|e| to_py_err(py, &e.into()))?;
    super::convert::to_py(py, &result)
}
