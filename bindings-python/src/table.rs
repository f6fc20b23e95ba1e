//! Tables (pandas, polars, pyarrow, DuckDB …) read column-wise through the Arrow C stream
//! interface into the core's [`TableColumns`], which decides what each column is
//! (`sequenza::segment::TableOptions`, see the core's `segment::table` for the rules).
//!
//! The table's `__arrow_c_stream__()` gives a PyCapsule holding an `ArrowArrayStream`; its record
//! batches are imported with arrow-rs (no copy of the buffers) and the core reads their columns
//! (`sequenza::segment::arrow::columns`: the [`ColumnValues`] of each Arrow type). No Python code
//! runs per row, and the conversion and the build run without the GIL.
//!
//! `ContactTable.from_arrow` builds once; `Segment.filter / count / mask` evaluate on it (or build
//! a table from their argument first). `mask` hands a boolean Arrow array back through
//! `__arrow_c_array__` (a pyarrow `BooleanArray` when pyarrow is installed).

use std::panic::{catch_unwind, AssertUnwindSafe};

use arrow_array::ffi::to_ffi;
use arrow_array::ffi_stream::{ArrowArrayStreamReader, FFI_ArrowArrayStream};
use arrow_array::{Array, BooleanArray, RecordBatch, RecordBatchReader};
use arrow_buffer::{BooleanBuffer, Buffer};
use arrow_schema::SchemaRef;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyDict, PyList, PyString, PyTuple};
use sequenza::condition::bulk::Bitmap;
use sequenza::segment::{BulkTable, ColumnValues, IdForm, TableColumns, TableOptions};

use sequenza::FieldSchema;

use super::convert::{document_text, Doc};
use super::errors::Result;
use super::index::{PySegmentIndex, SegmentArg};
use super::type_error;

const TABLE_TYPES: &str =
    "a pandas or polars DataFrame, a pyarrow Table, or any object with __arrow_c_stream__";

/// Contacts read once from a table (pandas, polars, pyarrow, DuckDB …, anything with
/// ``__arrow_c_stream__``) for evaluating many segments: ``segment.filter(table, now)``,
/// ``segment.count(table, now)``, ``segment.mask(table, now)``.
///
/// Build one with ``ContactTable.from_arrow(table, events=None, memberships=None, segments=None,
/// **options)``.
#[pyclass(frozen, module = "sequenza", name = "ContactTable")]
pub(crate) struct PyContactTable {
    pub(crate) inner: BulkTable,
}

/// A whole table: its schema and its record batches.
pub(crate) struct Batches {
    schema: SchemaRef,
    batches: Vec<RecordBatch>,
}

impl Batches {
    /// Every column as the core's values, in table order (`sequenza::segment::arrow`).
    pub(crate) fn columns(&self) -> Vec<(&str, ColumnValues<'_>)> {
        sequenza::segment::arrow::columns(&self.schema, &self.batches)
    }
}

/// The table options from keyword arguments (``fields`` as a `Doc` reads it).
fn table_options(options: Option<&Bound<'_, PyDict>>) -> Result<TableOptions> {
    let Some(options) = options.filter(|o| !o.is_empty()) else {
        return Ok(TableOptions::default());
    };
    let options = options.copy()?;
    let fields = options.get_item("fields")?.filter(|f| !f.is_none());
    options.del_item("fields").ok();
    let text = document_text(options.as_any(), "options", "keyword arguments", false)?;
    let mut out = TableOptions::from_json(&text)?;
    out.fields = fields
        .map(|f| f.extract::<Doc<FieldSchema>>())
        .transpose()?
        .map(|f| f.0);
    Ok(out)
}

/// The memberships argument: ``{segment id: iterable of contact ids (str or int)}``.
fn memberships(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<(String, Vec<String>)>> {
    const EXPECTED: &str = "a dict {segment id: iterable of contact ids}";
    let Some(obj) = obj else {
        return Ok(Vec::new());
    };
    let dict = obj
        .cast::<PyDict>()
        .map_err(|_| type_error(obj, "memberships", EXPECTED))?;
    let id = |id: PyResult<Bound<'_, PyAny>>| -> PyResult<String> {
        let id = id?;
        match id.cast::<PyString>() {
            Ok(s) => Ok(s.to_cow()?.into_owned()),
            Err(_) => id
                .extract::<i128>()
                .map(|i| i.to_string())
                .map_err(|_| type_error(&id, "every contact id of memberships", "str or int")),
        }
    };
    let mut out = Vec::with_capacity(dict.len());
    for (segment, members) in dict.iter() {
        let segment: String = segment
            .extract()
            .map_err(|_| type_error(&segment, "every key of memberships", "a segment id (str)"))?;
        if members.is_instance_of::<PyString>() {
            return Err(type_error(&members, "every value of memberships", EXPECTED));
        }
        out.push((
            segment,
            members.try_iter()?.map(id).collect::<PyResult<_>>()?,
        ));
    }
    Ok(out)
}

/// The segments argument: a `SegmentIndex` (its registered segments) or an iterable of segments.
fn segments(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<sequenza::segment::Segment>> {
    const EXPECTED: &str = "a SegmentIndex or an iterable of segments";
    let Some(obj) = obj else {
        return Ok(Vec::new());
    };
    if let Ok(index) = obj.cast::<PySegmentIndex>() {
        return Ok(index.borrow().registered());
    }
    if obj.is_instance_of::<PyString>() || obj.is_instance_of::<PyDict>() {
        return Err(type_error(obj, "segments", EXPECTED));
    }
    let items = obj
        .try_iter()
        .map_err(|_| type_error(obj, "segments", EXPECTED))?;
    items.map(|s| Ok(s?.extract::<SegmentArg>()?.0)).collect()
}

/// Reads `table` (and `events`) and builds the core's table without the GIL.
pub(crate) fn build(
    py: Python<'_>,
    table: &Bound<'_, PyAny>,
    events: Option<&Bound<'_, PyAny>>,
    options: &TableOptions,
) -> Result<BulkTable> {
    let contacts = read_stream(table, "table")?;
    let events = events.map(|e| read_stream(e, "events")).transpose()?;
    let build = || {
        let mut columns = TableColumns::new(contacts.columns());
        if let Some(events) = &events {
            columns = columns.with_events(events.columns());
        }
        columns.build(options)
    };
    Ok(py.detach(build)?)
}

#[pymethods]
impl PyContactTable {
    /// Reads ``table`` (anything with ``__arrow_c_stream__``: polars, pandas through pyarrow,
    /// pyarrow, DuckDB results) once, column by column, with its ``events`` table (columns
    /// ``contact``, ``name``, ``at`` and property columns).
    ///
    /// ``memberships`` (``{segment id: [contact id, …]}``) and ``segments`` (a ``SegmentIndex``,
    /// whose registered segments are used, or an iterable of ``Segment`` / segment objects) are
    /// what ``in_segment`` reads: a given membership, else the segment's definition evaluated at
    /// the same ``now``; a segment with neither has no members (as in ``Segment.matches``).
    ///
    /// ``options``: ``id_column`` (``"id"``), ``tags_column`` (``"tags"``), ``lists_column``
    /// (``"lists"``), ``time_zone_column`` (``"time_zone"``), ``consent_columns`` (``{channel:
    /// column}``; by default the columns ``consent_email``, ``consent_sms``, ``consent_web_push``,
    /// ``consent_whatsapp``, holding booleans or ``opted_in`` / ``opted_out`` / ``unknown``),
    /// ``fields`` (a field schema). Raises ``FlowFormatError`` (``format.column.missing``,
    /// ``format.column.type``, ``format.value.missing``, ``format.invalid``, with the column's
    /// ``path``) and ``TypeError`` for an object that is not a table.
    #[staticmethod]
    #[pyo3(signature = (table, events = None, memberships = None, segments = None, **options))]
    fn from_arrow(
        py: Python<'_>,
        table: &Bound<'_, PyAny>,
        events: Option<&Bound<'_, PyAny>>,
        memberships: Option<&Bound<'_, PyAny>>,
        segments: Option<&Bound<'_, PyAny>>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> Result<Self> {
        let options = table_options(options)?;
        let members = self::memberships(memberships)?;
        let definitions = self::segments(segments)?;
        let inner = build(py, table, events, &options)?
            .with_memberships(members)
            .with_segments(definitions);
        Ok(PyContactTable { inner })
    }

    /// The number of contacts (rows).
    fn __len__(&self) -> usize {
        self.inner.len()
    }

    fn __repr__(&self) -> String {
        format!("<sequenza.ContactTable of {} contacts>", self.inner.len())
    }
}

/// The ids of the rows in `rows`, in table order: `str`, or `int` for an integer id column.
pub(crate) fn ids<'py>(
    py: Python<'py>,
    table: &BulkTable,
    rows: &Bitmap,
) -> PyResult<Bound<'py, PyList>> {
    fn pick<T: Copy>(values: &[T], rows: &Bitmap) -> Vec<T> {
        rows.iter()
            .filter_map(|row| values.get(row).copied())
            .collect()
    }
    match table.id_form() {
        IdForm::Integers(values) => PyList::new(py, pick(values, rows)),
        IdForm::Unsigned(values) => PyList::new(py, pick(values, rows)),
        _ => {
            let ids: Vec<&str> = rows.ids(table.table()).map(|id| id.as_str()).collect();
            PyList::new(py, ids)
        }
    }
}

/// A boolean Arrow array handed out through the Arrow PyCapsule interface.
#[pyclass(frozen, module = "sequenza", name = "_ArrowArray")]
pub(crate) struct PyArrowArray {
    array: BooleanArray,
}

#[pymethods]
impl PyArrowArray {
    #[pyo3(signature = (requested_schema = None))]
    fn __arrow_c_array__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let _ = requested_schema;
        let (array, schema) = to_ffi(&self.array.to_data())
            .map_err(|e| PyValueError::new_err(format!("could not export the mask: {e}")))?;
        let schema = PyCapsule::new_with_value(py, schema, c"arrow_schema")?;
        let array = PyCapsule::new_with_value(py, array, c"arrow_array")?;
        PyTuple::new(py, [schema.into_any(), array.into_any()])
    }

    fn __len__(&self) -> usize {
        self.array.len()
    }
}

/// `rows` as a boolean Arrow array of the table's length: a pyarrow `BooleanArray` when pyarrow
/// is installed, else an object with `__arrow_c_array__`.
pub(crate) fn mask<'py>(py: Python<'py>, rows: &Bitmap) -> PyResult<Bound<'py, PyAny>> {
    let words: Vec<u64> = rows.words().iter().map(|w| w.to_le()).collect();
    let buffer = BooleanBuffer::new(Buffer::from_vec(words), 0, rows.len());
    let holder = Bound::new(
        py,
        PyArrowArray {
            array: BooleanArray::new(buffer, None),
        },
    )?
    .into_any();
    match PyModule::import(py, "pyarrow") {
        Ok(pyarrow) => pyarrow.call_method1("array", (holder,)),
        Err(_) => Ok(holder),
    }
}

/// Imports every record batch of `obj` through the Arrow PyCapsule stream interface.
pub(crate) fn read_stream(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Batches> {
    let py = obj.py();
    let source = if obj.hasattr("__arrow_c_stream__")? {
        obj.clone()
    } else {
        // Older objects that pyarrow knows how to convert (when pyarrow is installed).
        let Ok(pyarrow) = PyModule::import(py, "pyarrow") else {
            return Err(type_error(obj, what, TABLE_TYPES));
        };
        match pyarrow.call_method1("table", (obj,)) {
            Ok(t) => t,
            Err(cause) => {
                let err = type_error(obj, what, TABLE_TYPES);
                err.set_cause(py, Some(cause));
                return Err(err);
            }
        }
    };
    let capsule = source.call_method0("__arrow_c_stream__")?;
    let capsule = capsule.cast::<PyCapsule>().map_err(|_| {
        PyTypeError::new_err(format!(
            "{what}.__arrow_c_stream__() did not return a PyCapsule"
        ))
    })?;
    let pointer = capsule.pointer_checked(Some(c"arrow_array_stream"))?;
    // SAFETY: the only unsafe code of this crate. The capsule is named "arrow_array_stream", so
    // by the Arrow PyCapsule interface its pointer is a valid, aligned, initialised
    // `struct ArrowArrayStream` that the capsule owns and that nobody else has consumed (the
    // capsule was created just above by `__arrow_c_stream__` and is not shared). `from_raw`
    // moves the stream out and leaves a released (all-null) struct behind, as the C stream
    // interface prescribes, so the capsule's destructor frees the struct without releasing the
    // stream twice. The GIL is held and no Python code runs in between.
    #[allow(unsafe_code)]
    let stream = unsafe { FFI_ArrowArrayStream::from_raw(pointer.cast().as_ptr()) };
    if stream.release.is_none() || stream.get_schema.is_none() || stream.get_next.is_none() {
        return Err(PyValueError::new_err(format!(
            "the Arrow stream of {what} is already consumed or incomplete"
        )));
    }
    let mut reader = ArrowArrayStreamReader::try_new(stream).map_err(|e| {
        PyValueError::new_err(format!("could not read the Arrow stream of {what}: {e}"))
    })?;
    let schema = reader.schema();
    let mut batches = Vec::new();
    loop {
        // arrow-rs unwraps the producer's error message; a producer without one must not bring
        // a panic across the FFI.
        match catch_unwind(AssertUnwindSafe(|| reader.next())) {
            Ok(None) => break,
            Ok(Some(Ok(batch))) => batches.push(batch),
            Ok(Some(Err(e))) => {
                return Err(PyValueError::new_err(format!(
                    "could not read the Arrow stream of {what}: {e}"
                )))
            }
            Err(_) => {
                return Err(PyValueError::new_err(format!(
                    "the Arrow stream of {what} failed without an error message"
                )))
            }
        }
    }
    Ok(Batches { schema, batches })
}
