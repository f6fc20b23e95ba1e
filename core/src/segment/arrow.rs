//! Arrow record batches as the columns of a table (feature `arrow`): each column handed to
//! [`TableColumns`](super::TableColumns) as the [`ColumnValues`] of its Arrow type — text (utf8,
//! large_utf8, utf8_view, dictionaries of those), integers, floats and decimal128 (as numbers;
//! NaN is a missing value), bool, date32 / date64 (as days), timestamps (with a zone: instants;
//! without: [`ColumnValues::LocalTimestamps`], refused), lists of text (a null list is an empty
//! one, null items are skipped), null; any other type by name ([`ColumnValues::Unsupported`],
//! refused). The buffers are read in place: no copy of the text.
//!
//! The Python binding reads pandas, polars, pyarrow and DuckDB tables through the Arrow C stream
//! interface and hands their record batches here.

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Date64Type, Decimal128Type, Float16Type, Float32Type, Float64Type, Int16Type,
    Int32Type, Int64Type, Int8Type, TimestampMicrosecondType, TimestampMillisecondType,
    TimestampNanosecondType, TimestampSecondType, UInt16Type, UInt32Type, UInt64Type, UInt8Type,
};
use arrow_array::{Array, GenericListArray, GenericListViewArray, OffsetSizeTrait, RecordBatch};
use arrow_schema::{DataType, Schema, TimeUnit};
use chrono::{DateTime, Utc};

use super::ColumnValues;

/// Every column of `batches` (record batches of `schema`) as the values
/// [`TableColumns`](super::TableColumns) reads, by name and in table order.
///
/// ```
/// use std::sync::Arc;
/// use arrow_array::{ArrayRef, Int64Array, RecordBatch, StringArray};
/// use sequenza::segment::{arrow, ColumnValues, TableColumns, TableOptions};
///
/// let ids: ArrayRef = Arc::new(StringArray::from(vec!["anna", "bruno"]));
/// let points: ArrayRef = Arc::new(Int64Array::from(vec![Some(3), None]));
/// let batch = RecordBatch::try_from_iter([("id", ids), ("points", points)]).unwrap();
/// let schema = batch.schema();
/// let columns = arrow::columns(&schema, std::slice::from_ref(&batch));
/// assert!(matches!(columns[1], ("points", ColumnValues::Integers(ref v)) if v == &[Some(3), None]));
/// let table = TableColumns::new(columns).build(&TableOptions::default())?;
/// assert_eq!(table.len(), 2);
/// # Ok::<(), sequenza::Error>(())
/// ```
pub fn columns<'a>(
    schema: &'a Schema,
    batches: &'a [RecordBatch],
) -> Vec<(&'a str, ColumnValues<'a>)> {
    let n: usize = batches.iter().map(RecordBatch::num_rows).sum();
    let column = |(index, field): (usize, &'a std::sync::Arc<arrow_schema::Field>)| {
        let arrays: Vec<&dyn Array> = batches.iter().map(|b| b.column(index).as_ref()).collect();
        (field.name().as_str(), values(field.data_type(), &arrays, n))
    };
    schema.fields().iter().enumerate().map(column).collect()
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

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow_array::builder::{ListBuilder, StringBuilder};
    use arrow_array::{ArrayRef, Float64Array, RecordBatch, TimestampSecondArray};

    use super::{columns, ColumnValues};

    #[test]
    fn arrow_types_become_column_values() {
        let mut tags = ListBuilder::new(StringBuilder::new());
        tags.values().append_value("vip");
        tags.values().append_null();
        tags.append(true);
        tags.append(false);
        let tags: ArrayRef = Arc::new(tags.finish());
        let score: ArrayRef = Arc::new(Float64Array::from(vec![f64::NAN, 1.5]));
        let seen: ArrayRef =
            Arc::new(TimestampSecondArray::from(vec![Some(0), None]).with_timezone("UTC"));
        let local: ArrayRef = Arc::new(TimestampSecondArray::from(vec![Some(0), None]));
        let batch = RecordBatch::try_from_iter([
            ("tags", tags),
            ("score", score),
            ("seen", seen),
            ("local", local),
        ])
        .unwrap();
        let schema = batch.schema();
        let out = columns(&schema, std::slice::from_ref(&batch));
        assert!(matches!(&out[0].1, ColumnValues::TextLists(v) if v == &vec![vec!["vip"], vec![]]));
        assert!(matches!(&out[1].1, ColumnValues::Numbers(v) if v == &vec![None, Some(1.5)]));
        assert!(matches!(&out[2].1, ColumnValues::Instants(v) if v[0].is_some() && v[1].is_none()));
        assert!(matches!(out[3].1, ColumnValues::LocalTimestamps));
    }
}
