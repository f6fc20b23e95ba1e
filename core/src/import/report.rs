//! What an import or a preview returns.

use serde::{Deserialize, Serialize};

use super::mapping::ColumnMapping;
use super::options::Detected;
use crate::error::RejectionCode;
use crate::model::{ContactId, Value};

/// Every code a [`Rejection`] can carry.
///
/// - `import.row.ragged`: the row has more or fewer cells than the header.
/// - `import.row.empty`: no used column of the row has a value.
/// - `import.quote.unterminated`: a quoted cell is still open at the end of the file.
/// - `import.cell.too_large`: the row is longer than `max_row_bytes`.
/// - `import.encoding.invalid`: the cell is not valid UTF-8 in a UTF-8 file.
/// - `import.email.invalid`, `import.phone.invalid`: not an e-mail address / a valid phone
///   number of the default region or with a country code.
/// - `import.date.invalid`, `import.datetime.invalid`, `import.number.invalid`,
///   `import.boolean.invalid`, `import.choice.invalid`: a cell that does not fit the field's type.
/// - `import.consent.invalid`: a consent cell that is not yes or no.
/// - `import.time_zone.invalid`: not an IANA time zone.
/// - `import.row.no_identity`: the row has no e-mail, phone or id (and the `anonymous` option
///   is off): importing the file again would make the contact again.
/// - `import.field.required`: a required field (without a default) has no value; the rejection
///   names its column (or the field, when no column is mapped to it).
/// - `import.field.invalid`: a value that does not fit its field's declared type (also an
///   existing contact's value that a merge keeps).
///
/// ```
/// assert!(sequenza::import::REJECTION_CODES.contains(&"import.email.invalid"));
/// ```
pub const REJECTION_CODES: &[&str] = &[
    "import.row.ragged",
    "import.row.empty",
    "import.quote.unterminated",
    "import.cell.too_large",
    "import.encoding.invalid",
    "import.email.invalid",
    "import.phone.invalid",
    "import.date.invalid",
    "import.datetime.invalid",
    "import.number.invalid",
    "import.boolean.invalid",
    "import.choice.invalid",
    "import.consent.invalid",
    "import.time_zone.invalid",
    "import.row.no_identity",
    "import.field.required",
    "import.field.invalid",
];

/// One problem in one row. A row with any problem is rejected whole: nothing of it is written.
///
/// ```
/// use sequenza::import::Rejection;
/// let r: Rejection = serde_json::from_str(r#"{"row": 3, "column": 1, "column_name": "Email",
///   "code": "import.email.invalid", "value": "anna@", "message": "not an e-mail address"}"#).unwrap();
/// assert_eq!(r.row, 3);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Rejection {
    /// 1-based record number in the file, the header being row 1 (the row a spreadsheet shows
    /// when no cell spans lines).
    pub row: u64,
    /// 0-based column index; `None` for a problem of the whole row.
    pub column: Option<usize>,
    /// The column's header name.
    pub column_name: Option<String>,
    /// Stable code, one of [`RejectionCode`] (serialized as its string, one of
    /// [`REJECTION_CODES`]).
    pub code: RejectionCode,
    /// The raw cell (or row) as read, cut to 200 characters.
    pub value: String,
    /// What is wrong, for a person.
    pub message: String,
}

/// A row not written because it repeats an earlier row of the file, or (with the `skip`
/// policy) matches an existing contact.
///
/// ```
/// use sequenza::import::Duplicate;
/// let d: Duplicate = serde_json::from_str(r#"{"row": 5, "of_row": 2, "contact": "c1"}"#).unwrap();
/// assert_eq!(d.of_row, Some(2));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Duplicate {
    /// The row.
    pub row: u64,
    /// The earlier row of the file it repeats; `None` when it matches an existing contact.
    pub of_row: Option<u64>,
    /// The contact it matches.
    pub contact: ContactId,
}

/// The outcome of an import: every data row is counted exactly once in `imported`, `updated`,
/// `duplicates` or `rejected`.
///
/// ```
/// use sequenza::import::{import_csv, ImportOptions, MemoryTarget};
/// let csv = "Email;Telefono\nanna@example.com;3331234567\nbad@;\nanna@example.com;\n";
/// let mut target = MemoryTarget::default();
/// let r = import_csv(csv.as_bytes(), &ImportOptions::default(), &Default::default(), &mut target,
///     "2026-11-25T18:51:00Z".parse().unwrap(), &mut |_| {}).unwrap();
/// assert_eq!((r.rows, r.imported, r.duplicates, r.rejected), (3, 1, 1, 1));
/// assert_eq!(r.rejections[0].code, "import.email.invalid");
/// assert_eq!(r.rejections[0].row, 3);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ImportReport {
    /// The settings used.
    pub detected: Detected,
    /// The mapping used.
    pub columns: Vec<ColumnMapping>,
    /// Data rows read (the header not included).
    pub rows: u64,
    /// New contacts written.
    pub imported: u64,
    /// Existing contacts updated.
    pub updated: u64,
    /// Rows not written because they repeat another row or an existing contact.
    pub duplicates: u64,
    /// Rows rejected.
    pub rejected: u64,
    /// Every problem of every rejected row.
    pub rejections: Vec<Rejection>,
    /// Every duplicate row.
    pub duplicate_rows: Vec<Duplicate>,
    /// Bytes read from the file.
    pub bytes: u64,
}

/// Progress of a running import, passed to the progress callback.
///
/// ```
/// use sequenza::import::Progress;
/// let p = Progress { bytes_read: 10, rows: 1 };
/// assert_eq!(serde_json::to_value(p).unwrap()["bytes_read"], 10);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Progress {
    /// Raw bytes read from the file so far.
    pub bytes_read: u64,
    /// Data rows processed so far.
    pub rows: u64,
}

/// One cell of a preview row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PreviewCell {
    /// The cell as read (trimmed).
    pub raw: String,
    /// The value it would be imported as; `None` when empty, unused or invalid.
    pub value: Option<Value>,
    /// The problem code, when the cell is invalid (serialized as its string).
    pub code: Option<RejectionCode>,
}

/// One row as it would be imported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PreviewRow {
    /// 1-based record number (the header is row 1).
    pub row: u64,
    /// The cells, one per column.
    pub cells: Vec<PreviewCell>,
    /// Every problem of the row; the row would be rejected when there is any.
    pub rejections: Vec<Rejection>,
}

/// What an import would do, before anything is written: the detected settings, the suggested
/// mapping and the first rows with their problems.
///
/// ```
/// use sequenza::import::{preview_csv, ImportOptions};
/// let p = preview_csv("Nome;Email\nAnna;anna@example\n".as_bytes(), &ImportOptions::default(),
///     &Default::default()).unwrap();
/// assert_eq!(p.rows[0].cells[1].code.map(|c| c.as_str()), Some("import.email.invalid"));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Preview {
    /// The settings sniffed or given.
    pub detected: Detected,
    /// Every column with its suggested (or given) target.
    pub columns: Vec<ColumnMapping>,
    /// The first rows.
    pub rows: Vec<PreviewRow>,
}
