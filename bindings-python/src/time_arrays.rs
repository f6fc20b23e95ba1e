//! Instants in batches, for the batch methods of `SendPolicy` and `Recurrence`: lists of aware
//! `datetime`s or RFC 3339 text, NumPy `datetime64` arrays, Arrow timestamps — read and written
//! without a Python object per element where the input allows it.

use chrono::{DateTime, Utc};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};

use super::convert::{instant, py_datetime};
use super::type_error;

/// How the instants of a batch call came in, so that the answers go out the same way.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Form {
    List,
    NumPy,
    Arrow,
}

/// Instants in, for the batch methods: a list (or any iterable) of aware ``datetime``s / RFC 3339
/// strings, a NumPy ``datetime64`` array (read as UTC, NumPy's convention; ``NaT`` is kept as
/// ``None``), or Arrow timestamps with a time zone (a pyarrow ``Array`` / ``ChunkedArray``, a
/// polars ``Series``: anything with ``__arrow_c_array__`` / ``__arrow_c_stream__``; a null is
/// ``None``). The NumPy path copies the array's ``int64`` microseconds out in one ``tobytes()``
/// call, the Arrow path goes through pyarrow's ``to_numpy`` first: no Python object per element.
pub(crate) fn instants(
    obj: &Bound<'_, PyAny>,
    what: &str,
) -> PyResult<(Vec<Option<DateTime<Utc>>>, Form)> {
    let py = obj.py();
    let numpy = obj.hasattr(intern!(py, "dtype"))? && obj.hasattr(intern!(py, "astype"))?;
    if !numpy
        && (obj.hasattr(intern!(py, "__arrow_c_array__"))?
            || obj.hasattr(intern!(py, "__arrow_c_stream__"))?)
    {
        let pa = PyModule::import(py, "pyarrow")?;
        let array = if obj.hasattr(intern!(py, "__arrow_c_array__"))? {
            pa.call_method1("array", (obj,))?
        } else {
            pa.call_method1("chunked_array", (obj,))?
        };
        let data_type = array.getattr("type")?;
        let timestamp: bool = pa
            .getattr("types")?
            .call_method1("is_timestamp", (&data_type,))?
            .extract()?;
        if !timestamp {
            return Err(type_error(obj, what, "Arrow timestamps with a time zone"));
        }
        if data_type.getattr("tz")?.is_none() {
            return Err(super::errors::naive_datetime_error(
                py,
                format!(
                    "{what} holds Arrow timestamps without a time zone, which are not instants: \
                     give them one (pyarrow: pc.assume_timezone(a, 'UTC'); polars: \
                     s.dt.replace_time_zone('UTC'))"
                ),
            ));
        }
        let kwargs = PyDict::new(py);
        kwargs.set_item("zero_copy_only", false)?;
        let values = array.call_method("to_numpy", (), Some(&kwargs))?;
        return Ok((numpy_instants(&values)?, Form::Arrow));
    }
    if numpy {
        let kind: String = obj.getattr("dtype")?.getattr("kind")?.extract()?;
        if kind != "M" {
            return Err(type_error(
                obj,
                what,
                "a NumPy datetime64 array, Arrow timestamps or a list of instants",
            ));
        }
        return Ok((numpy_instants(obj)?, Form::NumPy));
    }
    let mut out = Vec::new();
    for (i, item) in obj.try_iter()?.enumerate() {
        out.push(Some(instant(&item?, &format!("{what}[{i}]"))?));
    }
    Ok((out, Form::List))
}

/// The instants of a NumPy ``datetime64`` array (``NaT``: ``None``).
fn numpy_instants(obj: &Bound<'_, PyAny>) -> PyResult<Vec<Option<DateTime<Utc>>>> {
    let raw = obj
        .call_method1("astype", ("<M8[us]",))?
        .call_method0("ravel")?
        .call_method0("tobytes")?;
    let bytes = raw.cast::<PyBytes>()?.as_bytes();
    Ok(bytes
        .chunks_exact(8)
        .map(|c| {
            let mut word = [0u8; 8];
            word.copy_from_slice(c);
            let m = i64::from_le_bytes(word);
            (m != i64::MIN)
                .then(|| DateTime::from_timestamp_micros(m))
                .flatten()
        })
        .collect())
}

/// A NumPy array as Arrow (``timestamp[us, UTC]`` for ``datetime64``), for an Arrow input.
pub(crate) fn arrow_out<'py>(
    py: Python<'py>,
    values: Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let pa = PyModule::import(py, "pyarrow")?;
    let kwargs = PyDict::new(py);
    kwargs.set_item("from_pandas", true)?;
    let kind: String = values.getattr("dtype")?.getattr("kind")?.extract()?;
    if kind == "M" {
        kwargs.set_item("type", pa.call_method1("timestamp", ("us", "UTC"))?)?;
    }
    pa.call_method("array", (values,), Some(&kwargs))
}

/// A NumPy array of `dtype` from little-endian bytes (`numpy.frombuffer`, then a copy so that it
/// is writable).
pub(crate) fn numpy_array<'py>(
    py: Python<'py>,
    bytes: &[u8],
    dtype: &str,
) -> PyResult<Bound<'py, PyAny>> {
    PyModule::import(py, "numpy")?
        .getattr("frombuffer")?
        .call1((PyBytes::new(py, bytes), dtype))?
        .call_method0("copy")
}

/// Instants out, for the batch methods: a list of aware UTC ``datetime``s, or a NumPy
/// ``datetime64[us]`` array when the input was one (``NaT`` for ``None``).
pub(crate) fn instants_out<'py>(
    py: Python<'py>,
    values: &[Option<DateTime<Utc>>],
    form: Form,
) -> PyResult<Bound<'py, PyAny>> {
    if form != Form::List {
        let bytes: Vec<u8> = values
            .iter()
            .flat_map(|t| {
                t.map_or(i64::MIN, |t| {
                    // Rounded up to the microsecond, as `py_datetime` does.
                    let m = t.timestamp_micros();
                    if t.timestamp_subsec_nanos() % 1_000 == 0 {
                        m
                    } else {
                        m + 1
                    }
                })
                .to_le_bytes()
            })
            .collect();
        let array = numpy_array(py, &bytes, "<M8[us]")?;
        return if form == Form::Arrow {
            arrow_out(py, array)
        } else {
            Ok(array)
        };
    }
    let out = PyList::empty(py);
    for t in values {
        match t {
            Some(t) => out.append(py_datetime(py, t)?)?,
            None => out.append(py.None())?,
        }
    }
    Ok(out.into_any())
}
