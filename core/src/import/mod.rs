//! CSV import that loses nothing, and export back to CSV (cargo feature `import`).
//!
//! - **Sniffing**: encoding (UTF-8 with or without BOM, UTF-16 with BOM, Windows-1252 when the
//!   file is not UTF-8), delimiter (`,` `;` tab `|`), quote and header row; each can be forced
//!   in [`ImportOptions`] and the result is reported as [`Detected`].
//! - **Mapping**: every column goes to a [`Target`] (a profile field, e-mail, phone, tags,
//!   consent …) or nowhere; suggested from Italian and English header names, overridden by
//!   [`ImportOptions::mapping`].
//! - **Preview** ([`preview_csv`]): the first rows as they would be imported, with per-cell
//!   problems, before anything is written.
//! - **Import** ([`import_csv`]): typed cells per the [`FieldSchema`], e-mails validated, phone
//!   numbers normalised to E.164, duplicates within the file and matches with existing contacts
//!   (by id, e-mail or phone) handled per the [`MergePolicy`]. The [`ImportReport`] accounts for
//!   every data row: `imported + updated + duplicates + rejected == rows`. A rejected row is
//!   never half-applied.
//! - **Streaming**: the file is read in 64 KiB chunks; a row longer than
//!   [`ImportOptions::max_row_bytes`] is rejected, so memory stays bounded; a progress callback
//!   sees bytes read and rows done.
//! - **Export** ([`export_csv`]) writes contacts back to CSV that imports to the same contacts.
//!
//! The importer writes through the [`ImportTarget`] trait; [`MemoryTarget`] is an in-memory one.
//! Options, detection, preview and report are serde types with one JSON form.
//!
//! ```
//! use sequenza::import::{import_csv, preview_csv, ImportOptions, MemoryTarget, Target};
//! use sequenza::FieldSchema;
//!
//! let csv = "Nome;Cognome;E-mail;Cellulare;Data di nascita;Spesa\n\
//!            Anna;Rossi;anna@example.com;333 123 4567;31/12/1980;1.234,56\n\
//!            Luca;Bianchi;luca@;;01/02/1990;10\n";
//! let fields = FieldSchema::from_json(r#"{"fields": [
//!   {"key": "first_name", "label": "Nome", "type": "text"},
//!   {"key": "last_name", "label": "Cognome", "type": "text"},
//!   {"key": "birth_date", "label": "Data di nascita", "type": "date"},
//!   {"key": "spend", "label": "Spesa", "type": "number"}]}"#)?;
//! let options = ImportOptions::default();
//!
//! let preview = preview_csv(csv.as_bytes(), &options, &fields)?;
//! assert_eq!(preview.detected.delimiter, ';');
//! assert_eq!(preview.columns[3].target, Some(Target::Phone));
//! assert_eq!(preview.rows[1].rejections[0].code, "import.email.invalid");
//!
//! let mut target = MemoryTarget::default();
//! let now = "2026-11-25T18:51:00Z".parse().unwrap();
//! let report = import_csv(csv.as_bytes(), &options, &fields, &mut target, now, &mut |_| {})?;
//! assert_eq!((report.imported, report.rejected), (1, 1));
//! let anna = target.contacts().next().unwrap();
//! assert_eq!(anna.phone.as_deref(), Some("+393331234567"));
//! assert_eq!(anna.fields["birth_date"], "1980-12-31".into());
//! assert_eq!(anna.fields["spend"], 1234.56.into());
//! # Ok::<(), sequenza::Error>(())
//! ```

mod cell;
mod error;
mod export;
mod into_list;
mod mapping;
mod options;
mod reader;
mod report;
mod row;
mod run;
mod sniff;
mod source;
mod target;

use std::io::Read;

use chrono::{DateTime, Utc};

pub use crate::phone::PhoneNormalizer;
pub use cell::{
    normalize_email, parse_bool, parse_date, parse_datetime, parse_datetime_in, parse_number,
};
pub use error::{ImportError, ERROR_CODES};
pub use export::{export_audience_csv, export_csv};
pub use into_list::{
    import_csv_into_audience, import_list_name, ImportList, ListImport, PartialImport, OPTION_NAMES,
};
pub use mapping::{ColumnMapping, Target};
pub use options::{
    DateOrder, Decimal, Detected, Encoding, EncodingReason, ImportOptions, MergePolicy,
};
pub use report::{
    Duplicate, ImportReport, Preview, PreviewCell, PreviewRow, Progress, Rejection, REJECTION_CODES,
};
pub use source::{import_csv_to, CsvSource, Stoppable};
pub use target::{ImportTarget, MemoryTarget};

use crate::model::FieldSchema;

/// Previews a CSV file held in memory: detected settings, mapping, and the first
/// [`ImportOptions::preview_rows`] rows with their problems. Nothing is written.
///
/// ```
/// use sequenza::import::{preview_csv, ImportOptions};
/// let p = preview_csv(b"email\nanna@example.com\n", &ImportOptions::default(), &Default::default())?;
/// assert_eq!(p.rows.len(), 1);
/// # Ok::<(), sequenza::Error>(())
/// ```
pub fn preview_csv(
    bytes: &[u8],
    options: &ImportOptions,
    fields: &FieldSchema,
) -> crate::Result<Preview> {
    Ok(run::preview(bytes, options, fields)?)
}

/// Previews a CSV file read from a stream (only the first rows are read).
///
/// ```
/// use sequenza::import::{preview_csv_reader, ImportOptions};
/// let file = std::io::Cursor::new(b"email\nanna@example.com\n".to_vec());
/// let p = preview_csv_reader(file, &ImportOptions::default(), &Default::default())?;
/// assert_eq!(p.rows[0].cells[0].raw, "anna@example.com");
/// # Ok::<(), sequenza::Error>(())
/// ```
pub fn preview_csv_reader<R: Read>(
    reader: R,
    options: &ImportOptions,
    fields: &FieldSchema,
) -> crate::Result<Preview> {
    Ok(run::preview(reader, options, fields)?)
}

/// Imports a CSV file held in memory into `target`; see [`import_csv_reader`].
///
/// ```
/// use sequenza::import::{import_csv, ImportOptions, MemoryTarget};
/// let mut t = MemoryTarget::default();
/// let r = import_csv(b"email\nanna@example.com\n", &ImportOptions::default(), &Default::default(),
///     &mut t, "2026-11-25T18:51:00Z".parse().unwrap(), &mut |_| {})?;
/// assert_eq!(r.imported, 1);
/// # Ok::<(), sequenza::Error>(())
/// ```
pub fn import_csv<T: ImportTarget + ?Sized>(
    bytes: &[u8],
    options: &ImportOptions,
    fields: &FieldSchema,
    target: &mut T,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(Progress),
) -> crate::Result<ImportReport> {
    Ok(run::import(bytes, options, fields, target, now, progress)?)
}

/// Imports a CSV file read from a stream in chunks, in bounded memory. Accepted rows are written
/// to `target` one by one; rejected rows are reported; `progress` is called every 8192 rows and
/// at the end. `now` stamps created and updated contacts and consents.
///
/// File-level problems (an empty file, duplicate header names, a mapping naming a missing
/// column, a reader failure) are [`crate::Error::Import`].
///
/// ```
/// use sequenza::import::{import_csv_reader, ImportOptions, MemoryTarget};
/// let file = std::io::Cursor::new("telefono\n333 1234567\n".as_bytes().to_vec());
/// let mut t = MemoryTarget::default();
/// let mut last = None;
/// let r = import_csv_reader(file, &ImportOptions::default(), &Default::default(), &mut t,
///     "2026-11-25T18:51:00Z".parse().unwrap(), &mut |p| last = Some(p))?;
/// assert_eq!(r.imported, 1);
/// assert_eq!(last.unwrap().rows, 1);
/// # Ok::<(), sequenza::Error>(())
/// ```
pub fn import_csv_reader<R: Read, T: ImportTarget + ?Sized>(
    reader: R,
    options: &ImportOptions,
    fields: &FieldSchema,
    target: &mut T,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(Progress),
) -> crate::Result<ImportReport> {
    Ok(run::import(reader, options, fields, target, now, progress)?)
}
