//! File-level import errors: the whole file (or the options) cannot be used.
//!
//! Problems in one row are not errors: they are [`Rejection`](super::Rejection)s in the report.

use std::fmt;

use super::into_list::PartialImport;

/// Every code an [`ImportError`] can carry.
///
/// - `import.empty`: the file has no bytes (or only a byte-order mark and blank lines).
/// - `import.header.duplicate`: two header cells have the same name (after trimming).
/// - `import.header.empty`: a header cell is empty while the mapping needs names.
/// - `import.mapping.unknown_column`: the mapping names a column the file does not have.
/// - `import.mapping.unknown_field`: the mapping names a profile field the field schema does not
///   declare.
/// - `import.mapping.duplicate_target`: two columns are mapped to `id`, `email` or `phone`.
/// - `import.option.invalid`: an option out of range (a delimiter that is not one ASCII byte, an
///   unknown region …).
/// - `import.io`: the reader failed.
///
/// ```
/// assert!(sequenza::import::ERROR_CODES.contains(&"import.empty"));
/// ```
pub const ERROR_CODES: &[&str] = &[
    "import.empty",
    "import.header.duplicate",
    "import.header.empty",
    "import.mapping.unknown_column",
    "import.mapping.unknown_field",
    "import.mapping.duplicate_target",
    "import.option.invalid",
    "import.io",
];

/// A CSV file (or import options) that cannot be imported at all, with where the problem is.
///
/// ```
/// use sequenza::import::{preview_csv, ImportOptions};
/// use sequenza::FieldSchema;
/// let err = preview_csv(b"", &ImportOptions::default(), &FieldSchema::default()).unwrap_err();
/// assert_eq!(err.code(), "import.empty");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ImportError {
    /// Stable code (registered in [`crate::error::codes`]).
    pub code: crate::error::ImportCode,
    /// Byte offset in the file where the problem is, when it is in the file.
    pub offset: Option<u64>,
    /// 1-based row (record) number, the header being row 1, when known.
    pub row: Option<u64>,
    /// 0-based column index, when known.
    pub column: Option<usize>,
    /// The column's header name, or the option's name for `import.option.invalid`.
    pub column_name: Option<String>,
    /// What is wrong, for a person.
    pub message: String,
    /// When the import stopped part-way (a reader failure, the host stopping it): what it had
    /// done until then. The rows it counts are written; into an audience, the import's list holds
    /// exactly the contacts written and `changes` are their list changes.
    pub report: Option<Box<PartialImport>>,
}

impl ImportError {
    pub(crate) fn new(code: crate::error::ImportCode, message: impl Into<String>) -> Self {
        ImportError {
            code,
            offset: None,
            row: None,
            column: None,
            column_name: None,
            message: message.into(),
            report: None,
        }
    }

    pub(crate) fn at_column(mut self, row: Option<u64>, column: usize, name: &str) -> Self {
        self.row = row;
        self.column = Some(column);
        self.column_name = Some(name.to_owned());
        self
    }

    /// The stable code.
    ///
    /// ```
    /// let e = sequenza::import::ImportError {
    ///     code: sequenza::error::ImportCode::Io, offset: None, row: None, column: None, column_name: None,
    ///     message: "disk gone".into(), report: None,
    /// };
    /// assert_eq!(e.code(), "import.io");
    /// ```
    pub fn code(&self) -> &'static str {
        self.code.as_str()
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(row) = self.row {
            write!(f, " (row {row}")?;
            if let Some(c) = self.column {
                write!(f, ", column {c}")?;
            }
            f.write_str(")")?;
        } else if let Some(c) = self.column {
            write!(f, " (column {c})")?;
        }
        if let Some(o) = self.offset {
            write!(f, " at byte {o}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ImportError {}

impl From<ImportError> for crate::Error {
    fn from(e: ImportError) -> Self {
        crate::Error::Import(Box::new(e))
    }
}
