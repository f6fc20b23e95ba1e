//! What the caller can set, and what sniffing found.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::mapping::Target;

/// The character encoding of a CSV file. JSON: `"utf-8"`, `"utf-16le"`, `"utf-16be"`,
/// `"windows-1252"`, `"windows-1250"`, `"windows-1251"`.
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
    /// Windows-1250 (Central European "ANSI": Polish, Czech, Hungarian, Croatian …), read when
    /// the detector finds it.
    #[serde(rename = "windows-1250")]
    Windows1250,
    /// Windows-1251 (Cyrillic "ANSI"), read when the detector finds it.
    #[serde(rename = "windows-1251")]
    Windows1251,
}

impl Encoding {
    /// The `encoding_rs` decoder of this encoding.
    pub(crate) fn decoder(self) -> &'static encoding_rs::Encoding {
        match self {
            Encoding::Utf8 => encoding_rs::UTF_8,
            Encoding::Utf16Le => encoding_rs::UTF_16LE,
            Encoding::Utf16Be => encoding_rs::UTF_16BE,
            Encoding::Windows1252 => encoding_rs::WINDOWS_1252,
            Encoding::Windows1250 => encoding_rs::WINDOWS_1250,
            Encoding::Windows1251 => encoding_rs::WINDOWS_1251,
        }
    }

    /// Whether every byte is one character (the 8-bit "ANSI" encodings).
    pub(crate) fn single_byte(self) -> bool {
        matches!(
            self,
            Encoding::Windows1252 | Encoding::Windows1250 | Encoding::Windows1251
        )
    }

    /// The single-byte encoding `chardetng` guesses for `bytes` (Windows-1252 when its guess is
    /// not one of ours).
    pub(crate) fn guess_single_byte(bytes: &[u8]) -> Encoding {
        let mut detector = chardetng::EncodingDetector::new();
        detector.feed(bytes, true);
        let guess = detector.guess(None, false);
        if guess == encoding_rs::WINDOWS_1250 || guess == encoding_rs::ISO_8859_2 {
            Encoding::Windows1250
        } else if guess == encoding_rs::WINDOWS_1251
            || guess == encoding_rs::KOI8_R
            || guess == encoding_rs::IBM866
            || guess == encoding_rs::ISO_8859_5
        {
            Encoding::Windows1251
        } else {
            Encoding::Windows1252
        }
    }
}

/// Why the import reads the file in its encoding. JSON: `"forced"`, `"bom"`, `"utf8"`,
/// `"not_utf8"`, `"switched"`.
///
/// ```
/// use sequenza::import::{preview_csv, EncodingReason, ImportOptions};
/// let p = preview_csv(b"Citt\xe0;x\nRoma;1\n", &ImportOptions::default(), &Default::default())?;
/// assert_eq!(p.detected.encoding_reason, EncodingReason::NotUtf8);
/// # Ok::<(), sequenza::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum EncodingReason {
    /// The options name the encoding.
    Forced,
    /// The file starts with a byte-order mark.
    Bom,
    /// Every non-ASCII byte read is valid UTF-8 (or there is none).
    Utf8,
    /// The first 64 KiB are not UTF-8; the 8-bit encoding is the detector's guess from them.
    NotUtf8,
    /// The first 64 KiB were ASCII, and the first non-ASCII byte, at `encoding_switched_at`, is
    /// not UTF-8: the file is read from the start in the 8-bit encoding the detector guesses
    /// from the bytes there (the rows before it are ASCII, read alike in both).
    Switched,
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
    /// Whether rows with no e-mail, phone or id are imported. Off (the default), such a row is
    /// rejected with `import.row.no_identity`; on, it becomes a contact whose id (`anon-…`) is a
    /// hash of the row's mapped values, so that importing the same file again adds nobody.
    pub anonymous: bool,
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
            anonymous: false,
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
    /// Why that encoding.
    pub encoding_reason: EncodingReason,
    /// The byte offset of the first byte that is not UTF-8, when the import switched to an 8-bit
    /// encoding past the sniffed prefix ([`EncodingReason::Switched`]).
    pub encoding_switched_at: Option<u64>,
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
