//! Tables (pandas, polars, pyarrow, DuckDB …) read column-wise through the Arrow C stream
//! interface into the core's [`TableColumns`], which decides what each column is
//! (`sequenza::segment::TableOptions`, see the core's `segment::table` for the rules).
//!
//! The table's `__arrow_c_stream__()` gives a PyCapsule holding an `ArrowArrayStream`; its record
//! batches are imported with arrow-rs (no copy of the buffers) and each column is handed over as
//! the [`ColumnValues`] of its Arrow type: text (utf8, large_utf8, utf8_view, dictionaries of
//! those), integers, floats and decimal128 (as numbers), bool, date32 / date64 (as days),
//! timestamps (with a zone: instants; without: refused by the core), lists of text, null; any
//! other type is handed over by name and refused by the core. No Python code runs per row, and
//! the conversion and the build run without the GIL.
//!
//! `ContactTable.from_arrow` builds once; `Segment.filter / count / mask` evaluate on it (or build
//! a table from their argument first). `mask` hands a boolean Arrow array back through
//! `__arrow_c_array__` (a pyarrow `BooleanArray` when pyarrow is installed).

use std::panic::{catch_unwind, AssertUnwindSafe};

use arrow_array::cast::AsArray;
use arrow_array::ffi::to_ffi;
use arrow_array::ffi_stream::{ArrowArrayStreamReader, FFI_ArrowArrayStream};
use arrow_array::types::{
    Date32Type, Date64Type, Decimal128Type, Float16Type, Float32Type, Float64Type, Int16Type,
    Int32Type, Int64Type, Int8Type, TimestampMicrosecondType, TimestampMillisecondType,
    TimestampNanosecondType, TimestampSecondType, UInt16Type, UInt32Type, UInt64Type, UInt8Type,
};
use arrow_array::{
    Array, BooleanArray, GenericListArray, GenericListViewArray, OffsetSizeTrait, RecordBatch,
    RecordBatchReader,
};
use arrow_buffer::{BooleanBuffer, Buffer};
use arrow_schema::{DataType, SchemaRef, TimeUnit};
use chrono::{DateTime, Utc};
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
    /// Every column as the core's values, in table order.
    pub(crate) fn columns(&self) -> Vec<(&str, ColumnValues<'_>)> {
        let n: usize = self.batches.iter().map(RecordBatch::num_rows).sum();
        self.schema
            .fields()
            .iter()
            .enumerate()
            .map(|(index, field)| {
                let arrays: Vec<&dyn Array> = self
                    .batches
                    .iter()
                    .map(|b| b.column(index).as_ref())
                    .collect();
                (field.name().as_str(), values(field.data_type(), &arrays, n))
            })
            .collect()
    }
}

/// The values of a column from its arrays (one per batch).
fn values<'a>(data_type: &DataType, arrays: &[&'a dyn Array], n: usize) -> ColumnValues<'a> {
    let unsupported = || ColumnValues::Unsupported(data_type.to_string());
    let out = match data_type {
        t if is_text(t) => gather(arrays, texts).map(ColumnValues::Text),
        DataType::List(item)
        | DataType::LargeList(item)
        | DataType::ListView(item)
        | DataType::LargeListView(item)
            if is_text(item.data_type()) =>
        {
            gather(arrays, text_lists).map(ColumnValues::TextLists)
        }
        DataType::Boolean => gather(arrays, |a| Some(a.as_boolean_opt()?.iter().collect()))
            .map(ColumnValues::Booleans),
        DataType::Date32 | DataType::Date64 => gather(arrays, days).map(ColumnValues::Days),
        DataType::Timestamp(_, None) => Some(ColumnValues::LocalTimestamps),
        DataType::Timestamp(_, Some(_)) => gather(arrays, instants).map(ColumnValues::Instants),
        DataType::Null => Some(ColumnValues::Nulls(n)),
        DataType::Int8 | DataType::Int16 | DataType::Int32 | DataType::Int64 => {
            gather(arrays, signed).map(ColumnValues::Integers)
        }
        DataType::UInt8 | DataType::UInt16 | DataType::UInt32 | DataType::UInt64 => {
            gather(arrays, unsigned).map(ColumnValues::Unsigned)
        }
        _ => gather(arrays, numbers).map(ColumnValues::Numbers),
    };
    out.unwrap_or_else(unsupported)
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

/// `f` over every batch's array, concatenated; `None` when one array is not of the kind.
fn gather<'a, T>(
    arrays: &[&'a dyn Array],
    f: impl Fn(&'a dyn Array) -> Option<Vec<T>>,
) -> Option<Vec<T>> {
    let mut out = Vec::with_capacity(arrays.iter().map(|a| a.len()).sum());
    for array in arrays {
        out.extend(f(*array)?);
    }
    Some(out)
}

fn is_text(t: &DataType) -> bool {
    match t {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => true,
        DataType::Dictionary(_, values) => is_text(values),
        _ => false,
    }
}

/// The values of a text array (utf8, large_utf8, utf8_view, or a dictionary of those).
fn texts(array: &dyn Array) -> Option<Vec<Option<&str>>> {
    if let Some(a) = array.as_string_opt::<i32>() {
        return Some(a.iter().collect());
    }
    if let Some(a) = array.as_string_opt::<i64>() {
        return Some(a.iter().collect());
    }
    if let Some(a) = array.as_string_view_opt() {
        return Some(a.iter().collect());
    }
    if let Some(d) = array.as_any_dictionary_opt() {
        let values = texts(d.values().as_ref())?;
        let keys = d.normalized_keys();
        return Some(
            (0..array.len())
                .map(|i| {
                    if array.is_null(i) {
                        None
                    } else {
                        keys.get(i).and_then(|k| values.get(*k).copied().flatten())
                    }
                })
                .collect(),
        );
    }
    None
}

/// The values of a list-of-text array: a null list is an empty one, null items are skipped.
fn text_lists(array: &dyn Array) -> Option<Vec<Vec<&str>>> {
    /// The lists of `array` from the text `values` and each list's `(start, end)` range.
    fn ranges<'a>(
        array: &dyn Array,
        values: &[Option<&'a str>],
        range: impl Fn(usize) -> Option<(usize, usize)>,
    ) -> Option<Vec<Vec<&'a str>>> {
        let list = |i| {
            if array.is_null(i) {
                return Some(Vec::new());
            }
            let (start, end) = range(i)?;
            Some(values.get(start..end)?.iter().flatten().copied().collect())
        };
        (0..array.len()).map(list).collect()
    }
    fn list<O: OffsetSizeTrait>(l: &GenericListArray<O>) -> Option<Vec<Vec<&str>>> {
        let (values, o) = (texts(l.values().as_ref())?, l.value_offsets());
        ranges(l, &values, |i| {
            Some((o.get(i)?.as_usize(), o.get(i + 1)?.as_usize()))
        })
    }
    fn view<O: OffsetSizeTrait>(l: &GenericListViewArray<O>) -> Option<Vec<Vec<&str>>> {
        let values = texts(l.values().as_ref())?;
        let (o, s) = (l.value_offsets(), l.value_sizes());
        ranges(l, &values, |i| {
            let start = o.get(i)?.as_usize();
            Some((start, start.checked_add(s.get(i)?.as_usize())?))
        })
    }
    if let Some(l) = array.as_list_opt::<i32>() {
        return list(l);
    }
    if let Some(l) = array.as_list_opt::<i64>() {
        return list(l);
    }
    if let Some(l) = array.as_list_view_opt::<i32>() {
        return view(l);
    }
    view(array.as_list_view_opt::<i64>()?)
}

/// The values of a numeric array as `f64`; NaN is a missing value.
fn numbers(array: &dyn Array) -> Option<Vec<Option<f64>>> {
    fn finite(v: Option<f64>) -> Option<f64> {
        v.filter(|x| !x.is_nan())
    }
    macro_rules! cast {
        ($($t:ty),*) => {$(
            if let Some(a) = array.as_primitive_opt::<$t>() {
                return Some(a.iter().map(|v| finite(v.map(|x| x as f64))).collect());
            }
        )*};
    }
    cast!(Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type);
    cast!(UInt16Type, UInt32Type, UInt64Type, Float32Type, Float64Type);
    if let Some(a) = array.as_primitive_opt::<Float16Type>() {
        return Some(a.iter().map(|v| finite(v.map(|x| x.to_f64()))).collect());
    }
    if let (Some(a), DataType::Decimal128(_, scale)) = (
        array.as_primitive_opt::<Decimal128Type>(),
        array.data_type(),
    ) {
        let div = 10f64.powi(i32::from(*scale));
        return Some(
            a.iter()
                .map(|v| finite(v.map(|x| x as f64 / div)))
                .collect(),
        );
    }
    None
}

/// Day numbers since 1970-01-01 of a date32 / date64 array.
fn days(array: &dyn Array) -> Option<Vec<Option<i32>>> {
    if let Some(a) = array.as_primitive_opt::<Date32Type>() {
        return Some(a.iter().collect());
    }
    let a = array.as_primitive_opt::<Date64Type>()?;
    Some(
        a.iter()
            .map(|v| v.and_then(|ms| i32::try_from(ms.div_euclid(86_400_000)).ok()))
            .collect(),
    )
}

/// The instants of a timestamp array (the values are UTC whatever the zone); out of range is
/// missing.
fn instants(array: &dyn Array) -> Option<Vec<Option<DateTime<Utc>>>> {
    let DataType::Timestamp(unit, _) = array.data_type() else {
        return None;
    };
    Some(match unit {
        TimeUnit::Second => array
            .as_primitive_opt::<TimestampSecondType>()?
            .iter()
            .map(|v| v.and_then(|s| DateTime::from_timestamp(s, 0)))
            .collect(),
        TimeUnit::Millisecond => array
            .as_primitive_opt::<TimestampMillisecondType>()?
            .iter()
            .map(|v| v.and_then(DateTime::from_timestamp_millis))
            .collect(),
        TimeUnit::Microsecond => array
            .as_primitive_opt::<TimestampMicrosecondType>()?
            .iter()
            .map(|v| v.and_then(DateTime::from_timestamp_micros))
            .collect(),
        TimeUnit::Nanosecond => array
            .as_primitive_opt::<TimestampNanosecondType>()?
            .iter()
            .map(|v| v.map(DateTime::from_timestamp_nanos))
            .collect(),
    })
}

/// The values of a signed integer array.
fn signed(array: &dyn Array) -> Option<Vec<Option<i64>>> {
    macro_rules! cast {
        ($($t:ty),*) => {$(
            if let Some(a) = array.as_primitive_opt::<$t>() {
                return Some(a.iter().map(|v| v.map(i64::from)).collect());
            }
        )*};
    }
    cast!(Int8Type, Int16Type, Int32Type, Int64Type);
    None
}

/// The values of an unsigned integer array.
fn unsigned(array: &dyn Array) -> Option<Vec<Option<u64>>> {
    macro_rules! cast {
        ($($t:ty),*) => {$(
            if let Some(a) = array.as_primitive_opt::<$t>() {
                return Some(a.iter().map(|v| v.map(u64::from)).collect());
            }
        )*};
    }
    cast!(UInt8Type, UInt16Type, UInt32Type, UInt64Type);
    None
}
