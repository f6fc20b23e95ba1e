//! The import loop: open a file, read its header, preview rows, or commit them with dedupe and
//! merge.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, DefaultHasher, Hash, Hasher};
use std::io::Read;

use chrono::{DateTime, Utc};

use super::error::ImportError;
use super::into_list::PartialImport;
use super::mapping::{resolve, ColumnMapping};
use super::options::{Detected, EncodingReason, ImportOptions, MergePolicy};
use super::reader::{Records, Source};
use super::report::{Duplicate, ImportReport, Preview, PreviewRow, Progress, Rejection};
use super::row::{Ctx, RowData};
use super::sniff::{detect, SNIFF_BYTES};
use super::target::ImportTarget;
use crate::error::RejectionCode;
use crate::model::{Consent, ConsentStatus, Contact, FieldSchema, FieldType};
use crate::phone::PhoneNormalizer;

/// How often (in rows) the progress callback is called.
const PROGRESS_EVERY: u64 = 8192;

/// An open file: settings, mapping, and the record reader positioned after the header (or on
/// the first record, still to be read, when there is no header).
pub(crate) struct Opened<R> {
    pub(crate) detected: Detected,
    pub(crate) columns: Vec<ColumnMapping>,
    pub(crate) records: Records<R>,
    /// True when the first data record is already in the reader.
    pub(crate) pending: bool,
    choices: Vec<Vec<String>>,
    phone: PhoneNormalizer,
    zone: chrono_tz::Tz,
    schema: FieldSchema,
}

fn ascii_option(c: Option<char>, name: &str) -> Result<(), ImportError> {
    match c {
        Some(ch) if !ch.is_ascii() || ch == '\n' || ch == '\r' => {
            let mut e = ImportError::new(
                crate::error::ImportCode::OptionInvalid,
                format!("the {name} must be one ASCII character other than a line break"),
            );
            e.column_name = Some(name.to_owned());
            Err(e)
        }
        _ => Ok(()),
    }
}

pub(crate) fn open<R: Read>(
    mut reader: R,
    options: &ImportOptions,
    schema: &FieldSchema,
) -> Result<Opened<R>, ImportError> {
    ascii_option(options.delimiter, "delimiter")?;
    ascii_option(options.quote, "quote")?;
    let phone = PhoneNormalizer::new(&options.default_region)?;
    let zone = match options.time_zone.as_deref() {
        None => chrono_tz::Tz::UTC,
        Some(name) => crate::time::parse_zone(name).map_err(|_| {
            let mut e = ImportError::new(
                crate::error::ImportCode::OptionInvalid,
                format!("`{name}` is not an IANA time zone"),
            );
            e.column_name = Some("time_zone".to_owned());
            e
        })?,
    };
    let mut prefix = vec![0u8; SNIFF_BYTES];
    let mut filled = 0;
    while filled < prefix.len() {
        match reader.read(&mut prefix[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => {
                return Err(ImportError::new(
                    crate::error::ImportCode::Io,
                    format!("cannot read the file: {e}"),
                ))
            }
        }
    }
    prefix.truncate(filled);
    let complete = filled < SNIFF_BYTES;
    let detected = detect(&prefix, complete, options);
    if detected.delimiter == detected.quote {
        let mut e = ImportError::new(
            crate::error::ImportCode::OptionInvalid,
            "the delimiter and the quote are the same character",
        );
        e.column_name = Some("quote".to_owned());
        return Err(e);
    }
    let source = Source::new(prefix, reader, &detected);
    let mut records = Records::new(source, &detected, options.max_row_bytes);
    let empty = || {
        let mut e = ImportError::new(crate::error::ImportCode::Empty, "the file has no rows");
        e.offset = Some(0);
        e
    };
    if !records.next()? {
        return Err(empty());
    }
    let mut detected = detected;
    note_switch(&mut detected, &records);
    let decode = |b: &[u8]| -> String {
        if detected.encoding.single_byte() {
            detected
                .encoding
                .decoder()
                .decode_without_bom_handling(b)
                .0
                .trim()
                .to_owned()
        } else {
            String::from_utf8_lossy(b).trim().to_owned()
        }
    };
    let names: Vec<String> = if detected.header {
        let mut names: Vec<String> = Vec::with_capacity(records.len());
        for (i, cell) in records.cells().enumerate() {
            let name = decode(cell);
            let name = if name.is_empty() {
                format!("column_{}", i + 1)
            } else {
                name
            };
            if let Some(first) = names.iter().position(|n| *n == name) {
                let mut e = ImportError::new(
                    crate::error::ImportCode::HeaderDuplicate,
                    format!("the header names `{name}` twice (columns {first} and {i})"),
                )
                .at_column(Some(1), i, &name);
                e.offset = Some(records.record_offset);
                return Err(e);
            }
            names.push(name);
        }
        names
    } else {
        (1..=records.len()).map(|i| format!("column_{i}")).collect()
    };
    let columns = resolve(&names, &options.mapping, schema)?;
    let choices = columns
        .iter()
        .map(|c| match (&c.target, c.field_type) {
            (Some(super::mapping::Target::Field(k)), Some(FieldType::Choice)) => {
                schema.get(k).map(|f| f.choices.clone()).unwrap_or_default()
            }
            _ => Vec::new(),
        })
        .collect();
    Ok(Opened {
        detected,
        columns,
        pending: !detected.header,
        records,
        choices,
        phone,
        zone,
        schema: schema.clone(),
    })
}

impl<R: Read> Opened<R> {
    fn ctx<'a>(&'a self, options: &'a ImportOptions) -> Ctx<'a> {
        Ctx {
            detected: &self.detected,
            columns: &self.columns,
            choices: &self.choices,
            phone: self.phone,
            extra_tags: &options.tags,
            zone: self.zone,
            schema: &self.schema,
            anonymous: options.anonymous,
        }
    }

    /// Advances to the next data record; `false` at the end.
    fn advance(&mut self) -> Result<bool, ImportError> {
        if self.pending {
            self.pending = false;
            return Ok(true);
        }
        let more = self.records.next()?;
        note_switch(&mut self.detected, &self.records);
        Ok(more)
    }
}

/// Reads the file in the 8-bit encoding the reader switched to, once it did.
fn note_switch<R>(detected: &mut Detected, records: &Records<R>) {
    if let (Some((encoding, at)), None) = (records.source.switched, detected.encoding_switched_at) {
        detected.encoding = encoding;
        detected.encoding_reason = EncodingReason::Switched;
        detected.encoding_switched_at = Some(at);
    }
}

pub(crate) fn preview<R: Read>(
    reader: R,
    options: &ImportOptions,
    schema: &FieldSchema,
) -> Result<Preview, ImportError> {
    let mut opened = open(reader, options, schema)?;
    let mut rows = Vec::new();
    while rows.len() < options.preview_rows && opened.advance()? {
        let ctx = opened.ctx(options);
        let rec = &opened.records;
        let mut cells = Vec::with_capacity(rec.len());
        let mut rejections = Vec::new();
        let row = rec.row;
        ctx.read(
            row,
            rec.status,
            &|| rec.raw(),
            rec.cells(),
            rec.len(),
            Some(&mut cells),
            &mut rejections,
        );
        rows.push(PreviewRow {
            row,
            cells,
            rejections,
        });
    }
    Ok(Preview {
        detected: opened.detected,
        columns: opened.columns,
        rows,
    })
}

/// The keys of `seen` are already hashes: pass them through.
#[derive(Default)]
struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

fn key_hash(kind: u8, value: &str) -> u64 {
    let mut h = DefaultHasher::new();
    kind.hash(&mut h);
    value.hash(&mut h);
    h.finish()
}

/// Applies a row to an existing contact per the policy.
fn merge(c: &mut Contact, d: RowData, policy: MergePolicy, now: DateTime<Utc>) {
    let over = policy == MergePolicy::Overwrite;
    let set = |slot: &mut Option<String>, v: Option<String>| {
        if let Some(v) = v {
            if over || slot.as_deref().is_none_or(str::is_empty) {
                *slot = Some(v);
            }
        }
    };
    set(&mut c.email, d.email);
    set(&mut c.phone, d.phone);
    set(&mut c.time_zone, d.time_zone);
    set(&mut c.locale, d.locale);
    for (k, v) in d.fields {
        match c.fields.get_mut(&k) {
            Some(old) if !over && !old.is_empty() => {}
            Some(old) => *old = v,
            None => {
                c.fields.insert(k, v);
            }
        }
    }
    c.tags.extend(d.tags);
    for (ch, yes) in d.consent {
        if over || !c.consent.contains_key(&ch) {
            c.consent.insert(ch, consent(yes, now));
        }
    }
    c.updated_at = Some(now);
}

/// Fills the declared defaults the contact lacks and checks it against the schema; the rejection
/// when it does not fit (an existing contact's value of the wrong type that the merge kept).
fn fits(schema: &FieldSchema, c: &mut Contact, row: u64) -> Option<Rejection> {
    let problem = schema.apply(&mut c.fields).err()?;
    Some(Rejection {
        row,
        column: None,
        column_name: Some(problem.field),
        code: if problem.required {
            RejectionCode::FieldRequired
        } else {
            RejectionCode::FieldInvalid
        },
        value: String::new(),
        message: problem.message,
    })
}

/// The rejection of a row the target refused to write.
fn refused(row: u64, e: &crate::Error) -> Rejection {
    Rejection {
        row,
        column: None,
        column_name: e
            .path()
            .and_then(|p| p.strip_prefix("/fields/"))
            .map(str::to_owned),
        code: RejectionCode::FieldInvalid,
        value: String::new(),
        message: e.to_string(),
    }
}

fn consent(yes: bool, now: DateTime<Utc>) -> Consent {
    Consent {
        status: if yes {
            ConsentStatus::OptedIn
        } else {
            ConsentStatus::OptedOut
        },
        at: Some(now),
        source: Some("import".to_owned()),
    }
}

pub(crate) fn import<R: Read, T: ImportTarget + ?Sized>(
    reader: R,
    options: &ImportOptions,
    schema: &FieldSchema,
    target: &mut T,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(Progress),
) -> Result<ImportReport, ImportError> {
    let mut opened = open(reader, options, schema)?;
    let mut report = ImportReport {
        detected: opened.detected,
        columns: opened.columns.clone(),
        rows: 0,
        imported: 0,
        updated: 0,
        duplicates: 0,
        rejected: 0,
        rejections: Vec::new(),
        duplicate_rows: Vec::new(),
        bytes: 0,
    };
    // Key hash → first row: compact; a hit is confirmed against the target before it counts.
    let mut seen: HashMap<u64, u64, BuildHasherDefault<PassThrough>> = HashMap::default();
    loop {
        match opened.advance() {
            Ok(true) => {}
            Ok(false) => break,
            Err(mut e) => {
                // Stopped part-way: the error carries what was done.
                report.bytes = opened.records.source.raw_bytes;
                report.detected = opened.detected;
                e.report = Some(Box::new(PartialImport {
                    report,
                    list_id: None,
                    changes: Vec::new(),
                }));
                return Err(e);
            }
        }
        let ctx = opened.ctx(options);
        let rec = &opened.records;
        let row = rec.row;
        report.rows += 1;
        let data = ctx.read(
            row,
            rec.status,
            &|| rec.raw(),
            rec.cells(),
            rec.len(),
            None,
            &mut report.rejections,
        );
        if report.rows % PROGRESS_EVERY == 0 {
            progress(Progress {
                bytes_read: opened.records.source.raw_bytes,
                rows: report.rows,
            });
        }
        let Some(data) = data else {
            report.rejected += 1;
            continue;
        };
        let keys: Vec<(u8, &str)> = [
            data.id.as_ref().map(|i| (0u8, i.as_str())),
            data.email.as_deref().map(|e| (1u8, e)),
            data.phone.as_deref().map(|p| (2u8, p)),
        ]
        .into_iter()
        .flatten()
        .collect();
        // Within the file.
        let mut dup = None;
        for &(kind, value) in &keys {
            if let Some(&first) = seen.get(&key_hash(kind, value)) {
                let found = match kind {
                    0 => data.id.as_ref().filter(|i| target.get(i).is_some()),
                    1 => target.find_by_email(value),
                    _ => target.find_by_phone(value),
                };
                if let Some(id) = found {
                    dup = Some((first, id.clone()));
                    break;
                }
            }
        }
        if let Some((first, contact)) = dup {
            report.duplicates += 1;
            report.duplicate_rows.push(Duplicate {
                row,
                of_row: Some(first),
                contact,
            });
            continue;
        }
        let hashes: Vec<u64> = keys.iter().map(|&(k, v)| key_hash(k, v)).collect();
        // Against existing contacts.
        let existing = data
            .id
            .as_ref()
            .and_then(|i| target.get(i))
            .or_else(|| {
                let by_email = data.email.as_deref().and_then(|e| target.find_by_email(e));
                let by_phone = || data.phone.as_deref().and_then(|p| target.find_by_phone(p));
                by_email.or_else(by_phone).and_then(|id| target.get(id))
            })
            .cloned();
        for h in hashes {
            seen.entry(h).or_insert(row);
        }
        match existing {
            Some(c) if options.policy == MergePolicy::Skip => {
                report.duplicates += 1;
                report.duplicate_rows.push(Duplicate {
                    row,
                    of_row: None,
                    contact: c.id,
                });
            }
            Some(mut c) => {
                merge(&mut c, data, options.policy, now);
                if let Some(r) = fits(schema, &mut c, row) {
                    report.rejections.push(r);
                    report.rejected += 1;
                    continue;
                }
                if let Err(e) = target.upsert(c, now) {
                    report.rejections.push(refused(row, &e));
                    report.rejected += 1;
                    continue;
                }
                report.updated += 1;
            }
            None => {
                let id = match &data.id {
                    Some(id) => id.clone(),
                    None => target.new_id(),
                };
                let mut c = Contact::new(id);
                c.created_at = Some(now);
                merge(&mut c, data, MergePolicy::Overwrite, now);
                if let Some(r) = fits(schema, &mut c, row) {
                    report.rejections.push(r);
                    report.rejected += 1;
                    continue;
                }
                if let Err(e) = target.upsert(c, now) {
                    report.rejections.push(refused(row, &e));
                    report.rejected += 1;
                    continue;
                }
                report.imported += 1;
            }
        }
    }
    report.bytes = opened.records.source.raw_bytes;
    report.detected = opened.detected;
    progress(Progress {
        bytes_read: report.bytes,
        rows: report.rows,
    });
    Ok(report)
}
