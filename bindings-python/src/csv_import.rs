//! CSV import and export (`sequenza::import`): `preview_csv`, `import_csv` (→ `ImportReport`)
//! and `export_csv`.
//!
//! A path (`str` or `os.PathLike`) is opened here and read by the core in chunks (bounded
//! memory); `bytes`, `bytearray` or `memoryview` are read from memory. Keyword options are the
//! core's `ImportOptions` JSON keys and are checked by the core
//! (`ImportOptions::from_json_value`): an unknown or ill-typed option is a `CsvImportError`
//! `import.option.invalid` naming it. The import runs without the GIL; the progress callback
//! takes it back for each call, and an exception raised there stops the import at the next chunk
//! and propagates as is.

use std::fs::File;
use std::io::Read;
use std::sync::atomic::{AtomicBool, Ordering};

use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyMemoryView, PyString};
use pyo3::IntoPyObjectExt;
use sequenza::import::{
    import_csv_to, preview_csv_reader, CsvSource, ImportList, ImportOptions, ImportReport,
    Progress, Stoppable,
};
use sequenza::list::ListChange;
use sequenza::model::ListId;
use sequenza::{Contact, FieldSchema};
use serde::Serialize;

use super::convert::{read, to_py, to_value, Doc, Json, Now, Records};
use super::errors::{Out, Result};
use super::lists::PyAudience;
use super::{to_py_err, type_error};

const SOURCE_EXPECTED: &str = "a path (str or os.PathLike), bytes, bytearray or memoryview";

/// Where the CSV comes from: a path (`str` or `os.PathLike`) or bytes.
pub(crate) struct Input(CsvSource);

impl<'py> FromPyObject<'_, 'py> for Input {
    type Error = PyErr;

    fn extract(obj: Borrowed<'_, 'py, PyAny>) -> PyResult<Self> {
        if let Ok(b) = obj.cast::<PyBytes>() {
            return Ok(Input(CsvSource::Bytes(b.as_bytes().to_vec())));
        }
        if let Ok(b) = obj.cast::<PyByteArray>() {
            return Ok(Input(CsvSource::Bytes(b.to_vec())));
        }
        if obj.is_instance_of::<PyMemoryView>() {
            let b = obj.call_method0("tobytes")?;
            return Ok(Input(CsvSource::Bytes(
                b.cast::<PyBytes>()?.as_bytes().to_vec(),
            )));
        }
        if obj.is_instance_of::<PyString>() || obj.hasattr("__fspath__")? {
            return Ok(Input(CsvSource::Path(fs_path(&obj)?.into())));
        }
        Err(type_error(&obj, "source", SOURCE_EXPECTED))
    }
}

/// A path argument (`str` or `os.PathLike`) as `os.fsdecode` gives it.
fn fs_path(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    let fsdecode = PyModule::import(obj.py(), "os")?.getattr("fsdecode")?;
    fsdecode.call1((obj,))?.extract()
}

/// The import options from the keyword arguments (the core checks names and types).
fn options(kwargs: &Bound<'_, PyDict>) -> Result<ImportOptions> {
    let value = to_value(kwargs)?;
    Ok(ImportOptions::from_json_value(value).map_err(sequenza::Error::from)?)
}

/// Previews a CSV file before importing it: the detected settings, the suggested (or given)
/// mapping and the first rows as they would be imported, with their problems. Nothing is
/// written. Returns a dict ``{"detected", "columns", "rows"}``: ``detected`` has ``encoding``,
/// ``bom``, ``delimiter``, ``quote``, ``header``, ``decimal``, ``date_order``; each column is
/// ``{"index", "name", "target", "suggested"}``; each row ``{"row", "cells", "rejections"}``.
///
/// ``source`` is a path or bytes. ``fields`` is the field schema (JSON text or ``dict``).
/// ``overrides`` are import options that replace what is sniffed: ``encoding``, ``delimiter``,
/// ``quote``, ``header``, ``decimal``, ``date_order``, ``mapping``, ``default_region``,
/// ``policy``, ``preview_rows``, ``max_row_bytes``, ``tags``, ``time_zone`` (the IANA zone of
/// date-times written without an offset; UTC, or the audience's default zone when importing into
/// one). Raises ``CsvImportError`` for a
/// file that cannot be imported at all or an unknown / ill-typed option.
#[pyfunction]
#[pyo3(signature = (source, fields = None, **overrides))]
pub(crate) fn preview_csv(
    py: Python<'_>,
    source: Input,
    fields: Option<Doc<FieldSchema>>,
    overrides: Option<&Bound<'_, PyDict>>,
) -> Out<impl Serialize> {
    let options = options(&overrides.cloned().unwrap_or_else(|| PyDict::new(py)))?;
    let fields = fields.map(|f| f.0).unwrap_or_default();
    let reader = source.0.open()?;
    Ok(Json(py.detach(|| {
        preview_csv_reader(reader, &options, &fields)
    })?))
}

/// The outcome of ``import_csv``: every data row is counted once in ``imported``, ``updated``,
/// ``duplicates`` or ``rejected_rows`` (``rows`` in all).
///
/// ``rejected`` lists every problem of every rejected row as dicts ``{"row", "column",
/// "column_name", "code", "value", "message"}`` (``row`` 1-based with the header as row 1,
/// ``column`` 0-based or None for a whole-row problem). ``list_id`` is the list the import made
/// in the audience (None without one) and ``changes`` the list changes it caused.
#[pyclass(frozen, module = "sequenza", name = "ImportReport")]
pub(crate) struct PyImportReport {
    report: ImportReport,
    list_id: Option<ListId>,
    changes: Vec<ListChange>,
}

impl PyImportReport {
    /// A report of an import into an audience (or an engine's audience).
    pub(crate) fn new(
        report: ImportReport,
        list_id: Option<ListId>,
        changes: Vec<ListChange>,
    ) -> Self {
        PyImportReport {
            report,
            list_id,
            changes,
        }
    }
}

#[pymethods]
impl PyImportReport {
    /// Data rows read (the header not included).
    #[getter]
    fn rows(&self) -> u64 {
        self.report.rows
    }
    /// New contacts written.
    #[getter]
    fn imported(&self) -> u64 {
        self.report.imported
    }
    /// Existing contacts updated.
    #[getter]
    fn updated(&self) -> u64 {
        self.report.updated
    }
    /// Rows not written because they repeat another row or (policy ``skip``) an existing contact.
    #[getter]
    fn duplicates(&self) -> u64 {
        self.report.duplicates
    }
    /// How many rows were rejected.
    #[getter]
    fn rejected_rows(&self) -> u64 {
        self.report.rejected
    }
    /// Every problem of every rejected row, as dicts.
    #[getter]
    fn rejected(&self) -> Json<impl Serialize + '_> {
        Json(&self.report.rejections)
    }
    /// Every duplicate row as dicts ``{"row", "of_row", "contact"}``.
    #[getter]
    fn duplicate_rows(&self) -> Json<impl Serialize + '_> {
        Json(&self.report.duplicate_rows)
    }
    /// The settings used (detected or given), as a dict.
    #[getter]
    fn detected(&self) -> Json<impl Serialize + '_> {
        Json(&self.report.detected)
    }
    /// The mapping used: one dict per column.
    #[getter]
    fn columns(&self) -> Json<impl Serialize + '_> {
        Json(&self.report.columns)
    }
    /// Bytes read from the file.
    #[getter]
    fn bytes(&self) -> u64 {
        self.report.bytes
    }
    /// The id of the list made of the file's contacts (None when imported without an audience).
    #[getter]
    fn list_id(&self) -> Option<&str> {
        self.list_id.as_ref().map(|l| l.as_str())
    }
    /// The list changes the import caused in the audience (dicts, as ``Audience`` returns them).
    #[getter]
    fn changes(&self) -> Records<ListChange> {
        Records(self.changes.clone())
    }
    /// The report as a ``dict`` (its JSON form: ``rejected`` is the count there, the problems
    /// are under ``rejections``; ``at`` of changes is RFC 3339 text).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let out = to_py(py, &self.report)?;
        out.set_item("list_id", self.list_id())?;
        out.set_item("changes", to_py(py, &self.changes)?)?;
        Ok(out)
    }
    fn __repr__(&self) -> String {
        format!(
            "ImportReport(rows={}, imported={}, updated={}, duplicates={}, rejected_rows={}, list_id={})",
            self.report.rows,
            self.report.imported,
            self.report.updated,
            self.report.duplicates,
            self.report.rejected,
            self.list_id()
                .map_or_else(|| "None".to_owned(), |l| format!("{l:?}"))
        )
    }
}

/// Imports a CSV file: typed cells per the field schema, e-mails validated, phones normalised to
/// E.164 (``default_region``, ``"IT"`` when None, for numbers without a country code), duplicates and existing
/// contacts handled per ``policy`` (``"fill_empty"``, ``"overwrite"``, ``"skip"``). Accepted rows
/// are written, rejected ones reported (never half-applied). Returns an ``ImportReport``.
///
/// - ``source``: a path (read in chunks, bounded memory) or bytes.
/// - ``now``: the import's instant (aware ``datetime`` or RFC 3339 text); the current time when
///   absent or None.
/// - ``mapping``: ``{"column": "field" or None}`` overriding the suggested mapping.
/// - ``audience``: an ``Audience`` to import into; the file's contacts then also become a new
///   static list (``list_name``, else ``"Import YYYY-MM-DD HH:MM"``), whose id is the report's
///   ``list_id``. Without one the contacts are only validated and counted.
/// - ``fields``: the field schema (JSON text or ``dict``).
/// - ``on_progress``: called as ``on_progress(rows, bytes)`` every 8192 rows and at the end; an
///   exception it raises stops the import (at the next chunk) and propagates with a ``report``
///   attribute: an ``ImportReport`` of what was done (rows written stay written; into an
///   audience, ``report.list_id`` is the list of exactly the contacts written and
///   ``report.changes`` their list changes). A ``CsvImportError`` ``import.io`` for a file that
///   fails part-way carries ``report`` the same way.
/// - ``options``: the other import options, as for ``preview_csv``.
///
/// Raises ``CsvImportError`` (``code``, ``row``, ``column``, ``column_name``, ``byte_offset``)
/// for a file that cannot be imported at all or a bad option, ``OSError`` for a path that
/// cannot be opened.
#[pyfunction]
#[pyo3(signature = (source, *, now = None, mapping = None, default_region = None, on_progress = None,
                    audience = None, fields = None, list_name = None, **options))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn import_csv(
    py: Python<'_>,
    source: Input,
    now: Option<Now>,
    mapping: Option<&Bound<'_, PyAny>>,
    default_region: Option<&Bound<'_, PyAny>>,
    on_progress: Option<Py<PyAny>>,
    audience: Option<PyRefMut<'_, PyAudience>>,
    fields: Option<Doc<FieldSchema>>,
    list_name: Option<String>,
    options: Option<&Bound<'_, PyDict>>,
) -> Result<PyImportReport> {
    // The binding may read the clock; the core never does.
    let now = now.map_or_else(|| std::time::SystemTime::now().into(), |n| n.0);
    let call = ImportCall::new(py, source, mapping, default_region, on_progress, options)?;
    let fields = fields.map(|f| f.0).unwrap_or_default();
    let mut audience = audience;
    let audience = audience.as_mut().map(|a| &mut a.inner);
    let list = ImportList {
        name: list_name,
        file: call.file_name(),
    };
    let r = call.run(py, |reader, options, progress| {
        import_csv_to(reader, options, &fields, audience, &list, now, progress)
    })?;
    Ok(PyImportReport::new(r.report, r.list_id, r.changes))
}

/// An import read from its Python arguments: the CSV source, the options (the keyword
/// arguments, checked by the core) and the progress callback. [`ImportCall::run`] runs it
/// without the GIL.
pub(crate) struct ImportCall {
    input: CsvSource,
    options: ImportOptions,
    on_progress: Option<Py<PyAny>>,
}

impl ImportCall {
    /// Reads the arguments common to every import: ``source``, ``mapping``,
    /// ``default_region``, ``on_progress`` and the other options.
    pub(crate) fn new(
        py: Python<'_>,
        source: Input,
        mapping: Option<&Bound<'_, PyAny>>,
        default_region: Option<&Bound<'_, PyAny>>,
        on_progress: Option<Py<PyAny>>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> Result<Self> {
        let kwargs = options.cloned().unwrap_or_else(|| PyDict::new(py));
        if let Some(m) = mapping {
            kwargs.set_item("mapping", m)?;
        }
        // None keeps the core's default region, "IT".
        if let Some(r) = default_region {
            kwargs.set_item("default_region", r)?;
        }
        let options = self::options(&kwargs)?;
        if let Some(cb) = on_progress.as_ref().filter(|cb| !cb.bind(py).is_callable()) {
            return Err(type_error(cb.bind(py), "on_progress", "a callable or None").into());
        }
        Ok(ImportCall {
            input: source.0,
            options,
            on_progress,
        })
    }

    /// The file name, for the list's source.
    pub(crate) fn file_name(&self) -> Option<String> {
        self.input.file_name()
    }

    /// Runs `import` without the GIL over a reader of the source and a progress callback that
    /// calls ``on_progress(rows, bytes)`` with the GIL; an exception raised there stops the
    /// import at the next chunk and propagates as is.
    pub(crate) fn run<T: Send>(
        &self,
        py: Python<'_>,
        import: impl FnOnce(&mut dyn Read, &ImportOptions, &mut dyn FnMut(Progress)) -> sequenza::Result<T>
            + Send,
    ) -> PyResult<T> {
        let stop = AtomicBool::new(false);
        let mut failure: Option<PyErr> = None;
        let mut reader = Stoppable::new(self.input.open()?, &stop);
        let on_progress = &self.on_progress;
        let mut progress = |p: Progress| {
            if failure.is_some() {
                return;
            }
            let result = Python::attach(|py| -> PyResult<()> {
                py.check_signals()?;
                if let Some(cb) = on_progress {
                    cb.call1(py, (p.rows, p.bytes_read))?;
                }
                Ok(())
            });
            if let Err(e) = result {
                failure = Some(e);
                stop.store(true, Ordering::Relaxed);
            }
        };
        let options = &self.options;
        let outcome = py.detach(|| import(&mut reader, options, &mut progress));
        // An import stopped part-way: the exception carries what was done as ``report``.
        let partial = match &outcome {
            Err(sequenza::Error::Import(e)) => e.report.clone(),
            _ => None,
        };
        let with_report = |err: PyErr| -> PyErr {
            let Some(p) = partial.clone() else {
                return err;
            };
            let report = PyImportReport::new(p.report, p.list_id, p.changes);
            match Py::new(py, report).and_then(|r| err.value(py).setattr("report", r)) {
                Ok(()) => err,
                Err(e) => e,
            }
        };
        if let Some(e) = failure {
            return Err(with_report(e));
        }
        outcome.map_err(|e| with_report(to_py_err(py, &e)))
    }
}

/// Writes contacts as UTF-8 CSV (header ``id,email,phone,time_zone,locale,tags``, then
/// ``consent.<channel>`` columns and the profile fields, sorted) that ``import_csv`` reads back
/// to the same contacts (with ``delimiter=","`` and ``decimal="."``).
///
/// ``contacts`` is an ``Audience`` (then ``list_id`` names the list to export; without it, every
/// contact of the audience) or an
/// iterable of contact dicts / JSON texts. With ``path`` the CSV is written there and the number
/// of contacts written is returned; without, the CSV text is returned.
#[pyfunction]
#[pyo3(signature = (contacts, path = None, *, list_id = None))]
pub(crate) fn export_csv<'py>(
    py: Python<'py>,
    contacts: &Bound<'py, PyAny>,
    path: Option<&Bound<'py, PyAny>>,
    list_id: Option<&str>,
) -> Result<Bound<'py, PyAny>> {
    let (owned, held): (Vec<Contact>, _);
    let refs: Vec<&Contact> = if let Ok(a) = contacts.cast::<PyAudience>() {
        held = a.borrow();
        held.inner.contacts_in(list_id.map(ListId::new).as_ref())?
    } else {
        let expected = "an Audience or an iterable of contact dicts";
        let items = super::convert::items(contacts, "contacts", expected)?;
        let contact = |item: &Bound<'_, PyAny>| read(item, "every contact", "a dict, str or bytes");
        owned = items.iter().map(contact).collect::<PyResult<_>>()?;
        owned.iter().collect()
    };
    let Some(path) = path else {
        let mut out = Vec::new();
        sequenza::import::export_csv(refs.iter().copied(), &mut out)?;
        let text = String::from_utf8(out).map_err(|e| super::internal("the exported CSV", e))?;
        return Ok(PyString::new(py, &text).into_any());
    };
    let mut out = std::io::BufWriter::new(File::create(fs_path(path)?)?);
    let n = sequenza::import::export_csv(refs.iter().copied(), &mut out)?;
    std::io::Write::flush(&mut out)?;
    Ok(n.into_bound_py_any(py)?)
}
