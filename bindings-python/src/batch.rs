//! The arguments of the batch inputs `Engine.upsert_contacts` / `Engine.record_events`
//! (issue 12 §3): an iterable of documents read as ONE JSON array by the core's reader (so that
//! a malformed item's error path is `/<index>/…`), or an Arrow table whose columns the core reads
//! as it reads a `ContactTable`'s ([`sequenza::segment::contacts_from_columns`] /
//! [`events_from_columns`](sequenza::segment::events_from_columns)): no Python code per row.

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString};
use sequenza::segment::{contacts_from_columns, ColumnValues, TableOptions};
use sequenza::Contact;
use serde::de::DeserializeOwned;

use super::convert::{self, document_text, dumps};
use super::errors::Result;
use super::table::{read_stream, Batches};

/// The items of a batch: JSON text of an array, or an Arrow table.
pub(crate) enum Items {
    Json(String),
    Table(Batches),
}

/// Reads a batch argument: an object with `__arrow_c_stream__` is a table; any other iterable
/// gives its items (`dict`s or JSON text), written as one JSON array.
pub(crate) fn items(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Items> {
    const EXPECTED: &str = "an iterable of dicts (or JSON texts), or an Arrow table";
    let document = obj.is_instance_of::<PyString>()
        || obj.is_instance_of::<PyBytes>()
        || obj.is_instance_of::<PyDict>();
    if !document && obj.hasattr("__arrow_c_stream__")? {
        return Ok(Items::Table(read_stream(obj, what)?));
    }
    let list = PyList::new(obj.py(), convert::items(obj, what, EXPECTED)?)?;
    if list.iter().all(|i| i.is_instance_of::<PyDict>()) {
        return Ok(Items::Json(dumps(list.as_any(), true)?));
    }
    let mut text = String::from("[");
    for (i, item) in list.iter().enumerate() {
        if i > 0 {
            text.push(',');
        }
        text.push_str(&document_text(&item, what, "a dict, str or bytes", true)?);
    }
    text.push(']');
    Ok(Items::Json(text))
}

/// A core reader of table columns (contacts or events).
type ColumnReader<T> = fn(Vec<(&str, ColumnValues<'_>)>) -> sequenza::Result<Vec<T>>;

impl Items {
    /// The items as the core reads them: JSON through its reader (without the GIL), a table
    /// through the core's column reader `columns` (contacts or events).
    pub(crate) fn read<T: DeserializeOwned + Send>(
        self,
        py: Python<'_>,
        columns: ColumnReader<T>,
    ) -> Result<Vec<T>> {
        Ok(match self {
            Items::Json(text) => py.detach(|| sequenza::error::from_json(&text))?,
            Items::Table(t) => columns(t.columns())?,
        })
    }
}

/// The contacts of a table's columns: the id column `id` (text or integers), `email`, `phone`,
/// `locale`, `time_zone`, `tags` and `lists`, `consent_<channel>`, every other column a field —
/// the columns of `ContactTable.from_arrow`.
pub(crate) fn contacts(columns: Vec<(&str, ColumnValues<'_>)>) -> sequenza::Result<Vec<Contact>> {
    contacts_from_columns(columns, &TableOptions::default())
}
