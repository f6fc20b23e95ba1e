//! What the caller can set, and what sniffing found.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::mapping::Target;

/// The character encoding of a CSV file. JSON: `"utf-8"`, `"utf-16le"`, `"utf-16be"`,
/// `"windows-1252"`.
///
/// ```
/// use sequenza::import::Encoding;
/// let e: Encoding = serde_json::from_str("\"windows-1252\"").unwrap();
/// assert_eq!(e, Encoding::Windows1252);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub enum Encoding {
    /// UTF-8, with or without a byte-order mark.
    #[serde(rename = "utf-8")]
    Utf8,
    /// UTF-16 little-endian (read when the file starts with the `FF FE` byte-order mark).
    #[serde(rename = "utf-16le")]
    Utf16Le,
    /// UTF-16 big-endian (read when the file starts with the `FE FF` byte-order mark).
    #[serde(rename = "utf-16be")]
    Utf16Be,
    /// Windows-1252 (the "ANSI" of Italian Excel and shop software): the fallback when the file
    /// is not UTF-8.
    #[serde(rename = "windows-1252")]
    Windows1252,
}

/// How dates written with slashes, dashes or dots are read: `31/12/1980` (`dmy`, the default)
/// or `12/31/1980` (`mdy`). ISO dates (`1980-12-31`) are always read as such.
///
/// ```
/// use sequenza::import::DateOrder;
/// assert_eq!(serde_json::to_string(&DateOrder::DayMonthYear).unwrap(), "\"dmy\"");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub enum DateOrder {
    /// Day, month, year: `31/12/1980`.
    #[default]
    #[serde(rename = "dmy")]
    DayMonthYear,
    /// Month, day, year: `12/31/1980`.
    #[serde(rename = "mdy")]
    MonthDayYear,
}

/// The decimal separator of numbers. JSON: `","` or `"."`.
///
/// ```
/// use sequenza::import::Decimal;
/// let d: Decimal = serde_json::from_str("\",\"").unwrap();
/// assert_eq!(d, Decimal::Comma);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub enum Decimal {
    /// `1.234,56` (Italian): `.` groups thousands.
    #[serde(rename = ",")]
    Comma,
    /// `1,234.56` (English): `,` groups thousands.
    #[serde(rename = ".")]
    Dot,
}

/// What to do with a row that matches a contact that already exists (by id, e-mail or phone).
///
/// ```
/// use sequenza::import::MergePolicy;
/// let p: MergePolicy = serde_json::from_str("\"overwrite\"").unwrap();
/// assert_eq!(p, MergePolicy::Overwrite);
/// assert_eq!(MergePolicy::default(), MergePolicy::FillEmpty);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum MergePolicy {
    /// Only fill what the existing contact does not have yet (the default); tags are added.
    #[default]
    FillEmpty,
    /// The file wins: every non-empty cell replaces the existing value; tags are added.
    Overwrite,
    /// Leave existing contacts alone: the row counts as a duplicate.
    Skip,
}

/// The import settings. Every setting left out (`None`) is sniffed from the file; the JSON form
/// is the same in every binding.
///
/// ```
/// use sequenza::import::ImportOptions;
/// let o: ImportOptions = serde_json::from_str(r#"{
///   "delimiter": ";", "encoding": "windows-1252",
///   "mapping": {"Telefono": "phone", "Note": null},
///   "default_region": "IT", "policy": "overwrite"
/// }"#).unwrap();
/// assert_eq!(o.delimiter, Some(';'));
/// assert_eq!(o.mapping["Note"], None);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct ImportOptions {
    /// The encoding; sniffed when `None`.
    pub encoding: Option<Encoding>,
    /// The delimiter (`,` `;` tab `|` or another ASCII character); sniffed when `None`.
    pub delimiter: Option<char>,
    /// The quote character (ASCII); sniffed when `None` (`"` unless the file uses `'`).
    pub quote: Option<char>,
    /// Whether the first row is a header; sniffed when `None`. Without a header, columns are
    /// named `column_1`, `column_2` …
    pub header: Option<bool>,
    /// The decimal separator; when `None`, `,` for `;`-separated files and `.` otherwise.
    pub decimal: Option<Decimal>,
    /// How `dd/mm/yyyy`-like dates are read.
    pub date_order: DateOrder,
    /// Column name → target (`"email"`, `"phone"`, `"id"`, `"tags"`, `"consent"`,
    /// `"consent.sms"`, a field key …) or `null` for "do not use". Overrides the suggestion for
    /// the columns it names; the others keep the suggested mapping.
    #[cfg_attr(
        feature = "schema",
        schemars(with = "BTreeMap<String, Option<String>>")
    )]
    pub mapping: BTreeMap<String, Option<Target>>,
    /// ISO 3166 region used for phone numbers written without a country code (`"IT"`).
    pub default_region: String,
    /// What to do with rows matching an existing contact.
    pub policy: MergePolicy,
    /// How many rows a preview shows.
    pub preview_rows: usize,
    /// The largest row accepted, in bytes; a longer row is rejected with
    /// `import.cell.too_large` (memory stays bounded).
    pub max_row_bytes: usize,
    /// Tags added to every imported or updated contact.
    pub tags: Vec<String>,
    /// The IANA time zone of date-times written without an offset (`25/11/2026 18:51`). `None`
    /// is UTC, except that an import into an audience
    /// ([`import_csv_into_audience`](super::import_csv_into_audience)) uses the audience's default
    /// time zone. Wall times in a daylight-saving gap or overlap follow
    /// [`local_to_utc`](crate::time::local_to_utc). An unknown zone is `import.option.invalid`.
    pub time_zone: Option<String>,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            encoding: None,
            delimiter: None,
            quote: None,
            header: None,
            decimal: None,
            date_order: DateOrder::default(),
            mapping: BTreeMap::new(),
            default_region: "IT".to_owned(),
            policy: MergePolicy::default(),
            preview_rows: 20,
            max_row_bytes: 1 << 20,
            tags: Vec::new(),
            time_zone: None,
        }
    }
}

/// The settings an import runs with: what was given, and what was sniffed for the rest.
///
/// ```
/// use sequenza::import::{preview_csv, Encoding, ImportOptions};
/// let p = preview_csv(b"Nome;Email\nAnna;anna@example.com\n", &ImportOptions::default(),
///     &Default::default()).unwrap();
/// assert_eq!(p.detected.delimiter, ';');
/// assert_eq!(p.detected.encoding, Encoding::Utf8);
/// assert!(p.detected.header);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Detected {
    /// The encoding.
    pub encoding: Encoding,
    /// Whether the file starts with a byte-order mark.
    pub bom: bool,
    /// The delimiter.
    pub delimiter: char,
    /// The quote character.
    pub quote: char,
    /// Whether the first row is a header.
    pub header: bool,
    /// The decimal separator.
    pub decimal: Decimal,
    /// How `dd/mm/yyyy`-like dates are read.
    pub date_order: DateOrder,
}
