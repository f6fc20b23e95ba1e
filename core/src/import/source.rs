//! The input of an import as the bindings take it (a path or bytes), a reader the host can stop,
//! and the one call that imports into an audience or, without one, into a dry-run store.

use std::io::{Cursor, Read};
use std::ops::Deref;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{DateTime, Utc};

use super::{
    import_csv_into_audience, import_csv_reader, ImportList, ImportOptions, MemoryTarget,
    PartialImport, Progress,
};
use crate::list::Audience;
use crate::model::FieldSchema;

/// Where a CSV file comes from: a path (opened when the import starts, read in chunks) or bytes.
///
/// ```
/// use sequenza::import::CsvSource;
/// let path = CsvSource::Path("/data/contacts.csv".into());
/// assert_eq!(path.file_name().as_deref(), Some("contacts.csv"));
/// let mut text = String::new();
/// CsvSource::Bytes(b"id\n".to_vec()).reader().read_to_string(&mut text).unwrap();
/// assert_eq!(text, "id\n");
/// # use std::io::Read;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CsvSource {
    /// A file.
    Path(PathBuf),
    /// The file's bytes.
    Bytes(Vec<u8>),
}

impl CsvSource {
    /// The file's name (for the import list's source), when it is a file.
    ///
    /// ```
    /// assert_eq!(sequenza::import::CsvSource::Bytes(Vec::new()).file_name(), None);
    /// ```
    pub fn file_name(&self) -> Option<String> {
        match self {
            CsvSource::Path(p) => p.file_name().map(|n| n.to_string_lossy().into_owned()),
            CsvSource::Bytes(_) => None,
        }
    }

    /// Opens the source (a file that cannot be opened is the `std::io::Error`).
    ///
    /// ```
    /// let missing = sequenza::import::CsvSource::Path("/no/such/file.csv".into());
    /// assert!(missing.open().is_err());
    /// ```
    pub fn open(&self) -> std::io::Result<Box<dyn Read + Send + '_>> {
        Ok(match self {
            CsvSource::Path(p) => Box::new(std::fs::File::open(p)?),
            CsvSource::Bytes(b) => Box::new(Cursor::new(b.as_slice())),
        })
    }

    /// A reader; a file that cannot be opened fails on the first read, so that the import
    /// reports it as `import.io` (with the path in the message).
    ///
    /// ```
    /// use std::io::Read;
    /// let missing = sequenza::import::CsvSource::Path("/no/such/file.csv".into());
    /// assert!(missing.reader().read(&mut [0; 8]).unwrap_err().to_string().contains("/no/such/file.csv"));
    /// ```
    pub fn reader(&self) -> Box<dyn Read + Send + '_> {
        self.open().unwrap_or_else(|e| {
            let path = match self {
                CsvSource::Path(p) => p.display().to_string(),
                CsvSource::Bytes(_) => String::new(),
            };
            Box::new(Unreadable(Some(std::io::Error::new(
                e.kind(),
                format!("{path}: {e}"),
            ))))
        })
    }
}

/// A file that could not be opened: its first read gives the error.
struct Unreadable(Option<std::io::Error>);

impl Read for Unreadable {
    fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
        Err(self
            .0
            .take()
            .unwrap_or_else(|| std::io::ErrorKind::NotFound.into()))
    }
}

/// A reader that fails once `stop` is set (the host's progress callback asked to stop, or
/// failed): the import then ends with `import.io` and the report of what it wrote.
///
/// ```
/// use std::io::Read;
/// use std::sync::atomic::{AtomicBool, Ordering};
/// let stop = AtomicBool::new(false);
/// let mut r = sequenza::import::Stoppable::new(&b"id\n"[..], &stop);
/// stop.store(true, Ordering::Relaxed);
/// assert!(r.read(&mut [0; 8]).is_err());
/// ```
#[derive(Debug)]
pub struct Stoppable<R, S> {
    inner: R,
    stop: S,
}

impl<R: Read, S: Deref<Target = AtomicBool>> Stoppable<R, S> {
    /// Wraps `inner`; `stop` is a `&AtomicBool` or an `Arc<AtomicBool>`.
    pub fn new(inner: R, stop: S) -> Self {
        Stoppable { inner, stop }
    }
}

impl<R: Read, S: Deref<Target = AtomicBool>> Read for Stoppable<R, S> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.stop.load(Ordering::Relaxed) {
            return Err(std::io::Error::other(
                "the import was stopped by its progress callback",
            ));
        }
        self.inner.read(buf)
    }
}

/// Imports a CSV file into `audience` (its contacts then also become a new static list, named by
/// `list`), or without one into an empty store (a dry run that validates and counts). The
/// outcome has the report, the list's id (`None` without an audience) and the list changes.
///
/// ```
/// use sequenza::import::{import_csv_to, ImportList, ImportOptions};
/// let now = "2026-11-25T18:51:00Z".parse().unwrap();
/// let opts = ImportOptions::default();
/// let dry = import_csv_to(&b"email\nanna@example.com\n"[..], &opts, &Default::default(), None,
///     &ImportList::default(), now, &mut |_| {})?;
/// assert_eq!((dry.report.imported, dry.list_id), (1, None));
/// let mut audience = sequenza::list::Audience::new();
/// let into = import_csv_to(&b"email\nanna@example.com\n"[..], &opts, &Default::default(),
///     Some(&mut audience), &ImportList::default(), now, &mut |_| {})?;
/// assert!(into.list_id.is_some());
/// # Ok::<(), sequenza::Error>(())
/// ```
pub fn import_csv_to<R: Read>(
    reader: R,
    options: &ImportOptions,
    fields: &FieldSchema,
    audience: Option<&mut Audience>,
    list: &ImportList,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(Progress),
) -> crate::Result<PartialImport> {
    match audience {
        Some(a) => {
            let r = import_csv_into_audience(reader, options, fields, a, list, now, progress)?;
            Ok(PartialImport {
                report: r.report,
                list_id: Some(r.list_id),
                changes: r.changes,
            })
        }
        None => {
            let mut target = MemoryTarget::default();
            let report = import_csv_reader(reader, options, fields, &mut target, now, progress)?;
            Ok(PartialImport {
                report,
                list_id: None,
                changes: Vec::new(),
            })
        }
    }
}
