//! Tables (pandas, polars, pyarrow …) read column-wise through the Arrow C stream interface, and
//! handed to the core's [`ContactTable`] builder for bulk evaluation.
//!
//! The table's `__arrow_c_stream__()` gives a PyCapsule holding an `ArrowArrayStream`; its record
//! batches are imported with arrow-rs (no copy of the buffers) and each column becomes one builder
//! column by its Arrow type. No Python code runs per row. The column mapping:
//!
//! | Arrow type | becomes |
//! |---|---|
//! | the `id_column` (text or integers) | the contact ids |
//! | integers, floats, decimal128 | a `number` field (NaN is a missing value, as in pandas) |
//! | utf8, large_utf8, utf8_view, dictionary of those | a `text` field (`choice` / `date` / `datetime` when `fields` declares it so); the column `time_zone` is each contact's zone |
//! | bool | a `boolean` field |
//! | date32, date64 | a `date` field |
//! | timestamp with a time zone | a `datetime` field |
//! | list / large_list / list_view of text | `tags` and `lists` by those names, else a `text_list` field |
//! | null | a field without values |
//!
//! A timestamp without a time zone is refused (`ValueError`): it is a wall-clock reading, not an
//! instant. Any other type is a `TypeError` naming the column.
//!
//! The optional events table has the columns `contact` (ids as in the id column), `name` (text)
//! and `at` (timestamp with a time zone, or RFC 3339 text); every other number or text column is
//! an event property (a null is a missing property). Events of contacts not in the table are
//! ignored, as the core's `ContactTable::from_contacts` does.

use std::collections::{BTreeMap, HashMap};
use std::panic::{catch_unwind, AssertUnwindSafe};

use arrow_array::cast::AsArray;
use arrow_array::ffi_stream::{ArrowArrayStreamReader, FFI_ArrowArrayStream};
use arrow_array::types::{
    Date32Type, Date64Type, Decimal128Type, Float16Type, Float32Type, Float64Type, Int16Type,
    Int32Type, Int64Type, Int8Type, TimestampMicrosecondType, TimestampMillisecondType,
    TimestampNanosecondType, TimestampSecondType, UInt16Type, UInt32Type, UInt64Type, UInt8Type,
};
use arrow_array::{Array, OffsetSizeTrait, RecordBatch, RecordBatchReader};
use arrow_schema::{DataType, SchemaRef, TimeUnit};
use chrono::{DateTime, Utc};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyList};
use sequenza::condition::bulk::{Bitmap, ContactTable, ContactTableBuilder, Evaluation};
use sequenza::condition::eval::CompiledCondition;
use sequenza::condition::Condition;
use sequenza::model::FieldType;
use sequenza::time::Tz;
use sequenza::FieldSchema;

use super::errors::OrRaise;
use super::{to_py_err, type_error};

const TABLE_TYPES: &str =
    "a pandas or polars DataFrame, a pyarrow Table, or any object with __arrow_c_stream__";

/// What [`select`] needs besides the condition and the table.
pub(crate) struct Options<'a, 'py> {
    pub(crate) now: DateTime<Utc>,
    pub(crate) default_time_zone: Tz,
    pub(crate) id_column: &'a str,
    pub(crate) events: Option<&'a Bound<'py, PyAny>>,
    pub(crate) fields: Option<FieldSchema>,
}

/// The rows that match, with what turns them back into ids.
pub(crate) struct Selection {
    table: ContactTable,
    rows: Bitmap,
    ids: IdKind,
}

/// The Arrow type of the id column, so that ids come back as they went in.
pub(crate) enum IdKind {
    Text,
    Signed(Vec<i64>),
    Unsigned(Vec<u64>),
}

impl Selection {
    /// How many rows match.
    pub(crate) fn count(&self) -> usize {
        self.rows.count()
    }

    /// The ids of the matching rows, in table order: `str`, or `int` for an integer id column.
    pub(crate) fn ids<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        match &self.ids {
            IdKind::Text => {
                let ids = self.table.ids();
                for row in self.rows.iter() {
                    if let Some(id) = ids.get(row) {
                        list.append(id.as_str())?;
                    }
                }
            }
            IdKind::Signed(values) => {
                for row in self.rows.iter() {
                    if let Some(id) = values.get(row) {
                        list.append(*id)?;
                    }
                }
            }
            IdKind::Unsigned(values) => {
                for row in self.rows.iter() {
                    if let Some(id) = values.get(row) {
                        list.append(*id)?;
                    }
                }
            }
        }
        Ok(list)
    }
}

/// A failure inside the GIL-free part: a Python exception, or a core error (mapped to its class
/// once the GIL is held again).
pub(crate) enum Failure {
    Py(PyErr),
    Core(sequenza::Error),
}

impl From<PyErr> for Failure {
    fn from(e: PyErr) -> Self {
        Failure::Py(e)
    }
}

pub(crate) type Res<T> = Result<T, Failure>;

pub(crate) fn value_error(message: String) -> Failure {
    Failure::Py(PyValueError::new_err(message))
}

/// Reads `table` (and `options.events`), builds the core's column table and evaluates
/// `condition` over it.
pub(crate) fn select(
    py: Python<'_>,
    condition: &Condition,
    table: &Bound<'_, PyAny>,
    options: Options<'_, '_>,
) -> PyResult<Selection> {
    if let Some(schema) = &options.fields {
        // The same check as `Segment.check(fields)`: names, operators and values against the
        // declared fields.
        CompiledCondition::compile(condition, Some(schema)).or_raise(py)?;
    }
    let contacts = read_stream(table, "table")?;
    let events = match options.events.filter(|e| !e.is_none()) {
        Some(e) => Some(read_stream(e, "events")?),
        None => None,
    };
    let Options {
        now,
        default_time_zone,
        id_column,
        fields,
        ..
    } = options;
    let run = || -> Res<Selection> {
        let (table, ids) = build(&contacts, events.as_ref(), id_column, fields.as_ref())?;
        let evaluation = Evaluation::new(now).with_time_zone(default_time_zone);
        let rows = table
            .evaluate_with(condition, &evaluation)
            .map_err(Failure::Core)?;
        Ok(Selection { table, rows, ids })
    };
    py.detach(run).map_err(|f| match f {
        Failure::Py(e) => e,
        Failure::Core(e) => to_py_err(py, &e),
    })
}

/// A whole table: its schema and its record batches.
pub(crate) struct Batches {
    pub(crate) schema: SchemaRef,
    batches: Vec<RecordBatch>,
}

impl Batches {
    pub(crate) fn rows(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }

    /// The arrays of column `index`, one per batch.
    pub(crate) fn column(&self, index: usize) -> Vec<&dyn Array> {
        self.batches
            .iter()
            .map(|b| b.column(index).as_ref())
            .collect()
    }

    pub(crate) fn find(&self, name: &str, what: &str) -> Res<usize> {
        self.schema.index_of(name).map_err(|_| {
            let columns: Vec<&str> = self
                .schema
                .fields()
                .iter()
                .map(|f| f.name().as_str())
                .collect();
            value_error(format!(
                "{what} has no column {name:?} (its columns: {columns:?})"
            ))
        })
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

/// The contact table and the id kind, from the contacts' batches and the events' batches.
fn build(
    contacts: &Batches,
    events: Option<&Batches>,
    id_column: &str,
    fields: Option<&FieldSchema>,
) -> Res<(ContactTable, IdKind)> {
    let id_index = contacts.find(id_column, "the table")?;
    let (ids, kind) = id_values(&contacts.column(id_index), id_column, "the table")?;
    let rows: HashMap<&str, u32> = ids
        .iter()
        .enumerate()
        .map(|(row, id)| (id.as_str(), row as u32))
        .collect();
    let event_input = match events {
        Some(e) => Some(read_events(e, &rows)?),
        None => None,
    };
    let mut builder = ContactTable::builder(ids);
    let n = contacts.rows();
    for (index, field) in contacts.schema.fields().iter().enumerate() {
        let name = field.name().as_str();
        if name == id_column {
            continue;
        }
        let declared = fields.and_then(|s| s.get(name)).map(|d| d.field_type);
        builder = add_column(
            builder,
            name,
            field.data_type(),
            &contacts.column(index),
            declared,
            n,
        )?;
    }
    if let Some(input) = event_input {
        builder = input.add_to(builder);
    }
    let table = builder.build().map_err(Failure::Core)?;
    Ok((table, kind))
}

pub(crate) fn unsupported(
    column: &str,
    what: &str,
    data_type: &DataType,
    expected: &str,
) -> Failure {
    Failure::Py(PyTypeError::new_err(format!(
        "the column {column:?} of {what} has the Arrow type {data_type}, which sequenza cannot \
         read as {expected}; drop the column or cast it"
    )))
}

/// One builder column from the arrays of a table column.
fn add_column(
    builder: ContactTableBuilder,
    name: &str,
    data_type: &DataType,
    arrays: &[&dyn Array],
    declared: Option<FieldType>,
    n: usize,
) -> Res<ContactTableBuilder> {
    const WHAT: &str = "the table";
    const FIELD: &str = "a contact field";
    Ok(match data_type {
        t if is_text(t) => {
            let values = gather(arrays, texts).ok_or_else(|| unsupported(name, WHAT, t, FIELD))?;
            match declared {
                _ if name == "time_zone" => builder.time_zones(values),
                Some(FieldType::Choice) => builder.choice_column(name, values),
                Some(FieldType::Date) => builder.date_column(name, values),
                Some(FieldType::DateTime) => {
                    // Text declared as a date-time: its RFC 3339 instants (other text is no
                    // instant, so a missing value).
                    let instants = values.iter().map(|v| v.and_then(parse_instant)).collect();
                    builder.datetime_column(name, instants)
                }
                _ => builder.text_column(name, values),
            }
        }
        DataType::List(item)
        | DataType::LargeList(item)
        | DataType::ListView(item)
        | DataType::LargeListView(item)
            if is_text(item.data_type()) =>
        {
            let values = gather(arrays, text_lists)
                .ok_or_else(|| unsupported(name, WHAT, data_type, FIELD))?;
            match name {
                "tags" => builder.tags(values),
                "lists" => builder.lists(values),
                _ => builder.text_list_column(name, values),
            }
        }
        DataType::Boolean => {
            let values = gather(arrays, |a| Some(a.as_boolean_opt()?.iter().collect()))
                .ok_or_else(|| unsupported(name, WHAT, data_type, FIELD))?;
            builder.bool_column(name, values)
        }
        DataType::Date32 | DataType::Date64 => {
            let values =
                gather(arrays, days).ok_or_else(|| unsupported(name, WHAT, data_type, FIELD))?;
            builder.date_days_column(name, values)
        }
        DataType::Timestamp(_, None) => return Err(naive_timestamps(name, WHAT)),
        DataType::Timestamp(_, Some(_)) => {
            let values = gather(arrays, instants)
                .ok_or_else(|| unsupported(name, WHAT, data_type, FIELD))?;
            builder.datetime_column(name, values)
        }
        DataType::Null => match declared {
            Some(FieldType::Number) => builder.number_column(name, vec![None; n]),
            Some(FieldType::Boolean) => builder.bool_column(name, vec![None; n]),
            Some(FieldType::Date) => builder.date_days_column(name, vec![None; n]),
            Some(FieldType::DateTime) => builder.datetime_column(name, vec![None; n]),
            Some(FieldType::TextList) => builder.text_list_column::<&str>(name, vec![vec![]; n]),
            Some(FieldType::Choice) => builder.choice_column::<&str>(name, vec![None; n]),
            _ if name == "time_zone" => builder.time_zones::<&str>(vec![None; n]),
            _ => builder.text_column::<&str>(name, vec![None; n]),
        },
        t => {
            match gather(arrays, numbers) {
                Some(values) => builder.number_column(name, values),
                None => return Err(unsupported(
                    name,
                    WHAT,
                    t,
                    "a contact field (numbers, text, bool, dates, timestamps with a time zone, \
                     lists of text)",
                )),
            }
        }
    })
}

pub(crate) fn naive_timestamps(column: &str, what: &str) -> Failure {
    value_error(format!(
        "the column {column:?} of {what} holds timestamps without a time zone, which are not \
         instants: give it one (pandas: df[{column:?}].dt.tz_localize(\"UTC\"); polars: \
         pl.col({column:?}).dt.replace_time_zone(\"UTC\"))"
    ))
}

/// `f` over every batch's array, concatenated; `None` when one array is not of the kind.
pub(crate) fn gather<'a, T>(
    arrays: &[&'a dyn Array],
    f: impl Fn(&'a dyn Array) -> Option<Vec<T>>,
) -> Option<Vec<T>> {
    let mut out = Vec::with_capacity(arrays.iter().map(|a| a.len()).sum());
    for array in arrays {
        out.extend(f(*array)?);
    }
    Some(out)
}

pub(crate) fn is_text(t: &DataType) -> bool {
    match t {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => true,
        DataType::Dictionary(_, values) => is_text(values),
        _ => false,
    }
}

/// The values of a text array (utf8, large_utf8, utf8_view, or a dictionary of those).
pub(crate) fn texts(array: &dyn Array) -> Option<Vec<Option<&str>>> {
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
pub(crate) fn text_lists(array: &dyn Array) -> Option<Vec<Vec<&str>>> {
    fn ranges<'a, O: OffsetSizeTrait>(
        values: &[Option<&'a str>],
        len: usize,
        is_null: impl Fn(usize) -> bool,
        range: impl Fn(usize) -> Option<(O, O)>,
    ) -> Option<Vec<Vec<&'a str>>> {
        (0..len)
            .map(|i| {
                if is_null(i) {
                    return Some(Vec::new());
                }
                let (start, end) = range(i)?;
                let items = values.get(start.as_usize()..end.as_usize())?;
                Some(items.iter().flatten().copied().collect())
            })
            .collect()
    }
    if let Some(l) = array.as_list_opt::<i32>() {
        let values = texts(l.values().as_ref())?;
        let offsets = l.value_offsets();
        return ranges(
            &values,
            l.len(),
            |i| l.is_null(i),
            |i| Some((*offsets.get(i)?, *offsets.get(i + 1)?)),
        );
    }
    if let Some(l) = array.as_list_opt::<i64>() {
        let values = texts(l.values().as_ref())?;
        let offsets = l.value_offsets();
        return ranges(
            &values,
            l.len(),
            |i| l.is_null(i),
            |i| Some((*offsets.get(i)?, *offsets.get(i + 1)?)),
        );
    }
    if let Some(l) = array.as_list_view_opt::<i32>() {
        let values = texts(l.values().as_ref())?;
        let (offsets, sizes) = (l.value_offsets(), l.value_sizes());
        return ranges(
            &values,
            l.len(),
            |i| l.is_null(i),
            |i| {
                let start = *offsets.get(i)?;
                Some((start, start.checked_add(*sizes.get(i)?)?))
            },
        );
    }
    if let Some(l) = array.as_list_view_opt::<i64>() {
        let values = texts(l.values().as_ref())?;
        let (offsets, sizes) = (l.value_offsets(), l.value_sizes());
        return ranges(
            &values,
            l.len(),
            |i| l.is_null(i),
            |i| {
                let start = *offsets.get(i)?;
                Some((start, start.checked_add(*sizes.get(i)?)?))
            },
        );
    }
    None
}

/// The values of a numeric array as `f64`; NaN is a missing value.
pub(crate) fn numbers(array: &dyn Array) -> Option<Vec<Option<f64>>> {
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
    cast!(
        Int8Type,
        Int16Type,
        Int32Type,
        Int64Type,
        UInt8Type,
        UInt16Type,
        UInt32Type,
        UInt64Type,
        Float32Type,
        Float64Type
    );
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
pub(crate) fn instants(array: &dyn Array) -> Option<Vec<Option<DateTime<Utc>>>> {
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

pub(crate) fn parse_instant(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// The id column as strings, with its kind; a null id is a `ValueError`.
pub(crate) fn id_values(
    arrays: &[&dyn Array],
    column: &str,
    what: &str,
) -> Res<(Vec<String>, IdKind)> {
    fn no_nulls<T>(values: Vec<Option<T>>, column: &str, what: &str) -> Res<Vec<T>> {
        let mut out = Vec::with_capacity(values.len());
        for (row, v) in values.into_iter().enumerate() {
            match v {
                Some(v) => out.push(v),
                None => {
                    return Err(value_error(format!(
                        "the column {column:?} of {what} has no value at row {row}: every \
                         contact needs an id"
                    )))
                }
            }
        }
        Ok(out)
    }
    let data_type = arrays
        .first()
        .map_or(DataType::Utf8, |a| a.data_type().clone());
    if is_text(&data_type) {
        let values =
            gather(arrays, texts).ok_or_else(|| unsupported(column, what, &data_type, "ids"))?;
        let values = no_nulls(values, column, what)?;
        return Ok((
            values.into_iter().map(str::to_owned).collect(),
            IdKind::Text,
        ));
    }
    macro_rules! ints {
        ($t:ty, $kind:ident, $as:ty) => {
            if let Some(values) = gather(arrays, |a| {
                Some(
                    a.as_primitive_opt::<$t>()?
                        .iter()
                        .map(|v| v.map(<$as>::from))
                        .collect(),
                )
            }) {
                let values = no_nulls(values, column, what)?;
                let ids = values.iter().map(ToString::to_string).collect();
                return Ok((ids, IdKind::$kind(values)));
            }
        };
    }
    ints!(Int64Type, Signed, i64);
    ints!(Int32Type, Signed, i64);
    ints!(Int16Type, Signed, i64);
    ints!(Int8Type, Signed, i64);
    ints!(UInt64Type, Unsigned, u64);
    ints!(UInt32Type, Unsigned, u64);
    ints!(UInt16Type, Unsigned, u64);
    ints!(UInt8Type, Unsigned, u64);
    Err(unsupported(
        column,
        what,
        &data_type,
        "ids (text or integers)",
    ))
}

/// The events of the events table, grouped by name, ready for the builder.
struct EventInput<'a> {
    by_name: BTreeMap<&'a str, EventGroup<'a>>,
}

struct EventGroup<'a> {
    rows: Vec<u32>,
    at: Vec<DateTime<Utc>>,
    numbers: Vec<(&'a str, Vec<Option<f64>>)>,
    texts: Vec<(&'a str, Vec<Option<&'a str>>)>,
}

enum Property<'a> {
    Number(Vec<Option<f64>>),
    Text(Vec<Option<&'a str>>),
}

fn read_events<'a>(events: &'a Batches, rows: &HashMap<&str, u32>) -> Res<EventInput<'a>> {
    const WHAT: &str = "the events table";
    let contact_index = events.find("contact", WHAT)?;
    let name_index = events.find("name", WHAT)?;
    let at_index = events.find("at", WHAT)?;
    let (contacts, _) = id_values(&events.column(contact_index), "contact", WHAT)?;
    let name_type = events.schema.field(name_index).data_type();
    let names = gather(&events.column(name_index), texts)
        .ok_or_else(|| unsupported("name", WHAT, name_type, "event names (text)"))?;
    let at_type = events.schema.field(at_index).data_type();
    let at: Vec<Option<DateTime<Utc>>> = match at_type {
        DataType::Timestamp(_, None) => return Err(naive_timestamps("at", WHAT)),
        DataType::Timestamp(_, Some(_)) => gather(&events.column(at_index), instants)
            .ok_or_else(|| unsupported("at", WHAT, at_type, "instants"))?,
        t if is_text(t) => {
            let texts = gather(&events.column(at_index), texts)
                .ok_or_else(|| unsupported("at", WHAT, t, "instants"))?;
            let mut out = Vec::with_capacity(texts.len());
            for (row, text) in texts.into_iter().enumerate() {
                out.push(match text {
                    Some(s) => Some(parse_instant(s).ok_or_else(|| {
                        value_error(format!(
                            "the column \"at\" of {WHAT} holds {s:?} at row {row}, which is not \
                             an RFC 3339 instant"
                        ))
                    })?),
                    None => None,
                });
            }
            out
        }
        t => {
            return Err(unsupported(
                "at",
                WHAT,
                t,
                "instants (timestamps with a time zone, or RFC 3339 text)",
            ))
        }
    };
    let mut properties: Vec<(&str, Property<'_>)> = Vec::new();
    for (index, field) in events.schema.fields().iter().enumerate() {
        let name = field.name().as_str();
        if [contact_index, name_index, at_index].contains(&index) {
            continue;
        }
        let arrays = events.column(index);
        let t = field.data_type();
        let property = if is_text(t) {
            gather(&arrays, texts).map(Property::Text)
        } else if matches!(t, DataType::Null) {
            continue;
        } else {
            gather(&arrays, numbers).map(Property::Number)
        };
        let property = property
            .ok_or_else(|| unsupported(name, WHAT, t, "an event property (numbers or text)"))?;
        properties.push((name, property));
    }
    let mut by_name: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, (contact, name)) in contacts.iter().zip(&names).enumerate() {
        let Some(name) = name else {
            return Err(value_error(format!(
                "the column \"name\" of {WHAT} has no value at row {i}"
            )));
        };
        if at.get(i).copied().flatten().is_none() {
            return Err(value_error(format!(
                "the column \"at\" of {WHAT} has no instant at row {i}"
            )));
        }
        if rows.contains_key(contact.as_str()) {
            by_name.entry(name).or_default().push(i);
        }
    }
    let mut groups = BTreeMap::new();
    for (name, indexes) in by_name {
        let group = EventGroup {
            rows: indexes
                .iter()
                .filter_map(|i| rows.get(contacts.get(*i)?.as_str()).copied())
                .collect(),
            at: indexes
                .iter()
                .filter_map(|i| at.get(*i).copied().flatten())
                .collect(),
            numbers: properties
                .iter()
                .filter_map(|(p, values)| match values {
                    Property::Number(v) => Some((
                        *p,
                        indexes
                            .iter()
                            .map(|i| v.get(*i).copied().flatten())
                            .collect(),
                    )),
                    Property::Text(_) => None,
                })
                .collect(),
            texts: properties
                .iter()
                .filter_map(|(p, values)| match values {
                    Property::Text(v) => Some((
                        *p,
                        indexes
                            .iter()
                            .map(|i| v.get(*i).copied().flatten())
                            .collect(),
                    )),
                    Property::Number(_) => None,
                })
                .collect(),
        };
        groups.insert(name, group);
    }
    Ok(EventInput { by_name: groups })
}

impl EventInput<'_> {
    fn add_to(self, mut builder: ContactTableBuilder) -> ContactTableBuilder {
        for (name, group) in self.by_name {
            builder = builder.events(name, group.rows, group.at);
            for (property, values) in group.numbers {
                builder = builder.event_number_property(name, property, values);
            }
            for (property, values) in group.texts {
                builder = builder.event_text_property(name, property, values);
            }
        }
        builder
    }
}
