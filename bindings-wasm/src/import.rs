//! CSV import (issue 5): `previewCsv`, `importCsv` and `exportCsv`, on bytes (a `Uint8Array`,
//! e.g. from `await file.arrayBuffer()`): the browser build reads no disk.
//!
//! Options are the core's `ImportOptions` with camelCase names (`dateOrder`, `defaultRegion`,
//! `previewRows`, `maxRowBytes`), rewritten to the core's names and read by
//! `ImportOptions::from_json_value`; the mapping's keys are column names and pass as they are.
//! Outputs are the core's JSON forms with camelCase keys; the import report has the shape every
//! binding shares: `{imported, updated, duplicates, rejected: [{row, column, columnName, code,
//! value, message}], rejectedRows, rows, duplicateRows, detected, columns, bytes, listId,
//! changes}`. File-level problems are `CsvImportError`s; problems of a row are data.

use std::cell::RefCell;

use sequenza::import::{
    import_csv_into_audience, import_csv_reader, preview_csv, ImportList, ImportOptions,
    MemoryTarget, Progress, OPTION_NAMES,
};
use sequenza::model::ListId;
use sequenza::text::{camel_case as camel, camel_case_keys as camel_keys};
use sequenza::Contact;
use serde_json::{Map, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::input::{self, range_error, Options};
use crate::list::{audience_of, busy};
use crate::{to_js, to_js_error, type_error};

#[wasm_bindgen(typescript_custom_section)]
const TS_IMPORT_TYPES: &'static str = r#"
/** Settings of a CSV import; each one forces what would otherwise be sniffed or defaulted. */
export interface CsvOptions {
  encoding?: 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252' | 'windows-1250' | 'windows-1251' | null;
  delimiter?: string | null;
  quote?: string | null;
  header?: boolean | null;
  decimal?: ',' | '.' | null;
  dateOrder?: 'dmy' | 'mdy' | null;
  /** Column name → target (`'email'`, `'phone'`, `'tags'`, `'consent'`, `'consent.sms'`, a profile field key) or `null` for "do not use". */
  mapping?: Record<string, string | null> | null;
  /** ISO 3166 region of phone numbers written without a country code (default `'IT'`). */
  defaultRegion?: string | null;
  /** How a row matching an existing contact merges (default `'fill_empty'`). */
  policy?: 'fill_empty' | 'overwrite' | 'skip' | null;
  previewRows?: number | null;
  maxRowBytes?: number | null;
  /** IANA zone of date-times written without an offset (default UTC; an import into an audience uses its default zone). */
  timeZone?: string | null;
  /** Tags given to every imported contact. */
  tags?: string[] | null;
  /** Import rows without e-mail, phone or id (default false: rejected with `import.row.no_identity`); deduplicated on their values. */
  anonymous?: boolean | null;
  /** The field schema that types the cells (`{fields: [...]}`). */
  fields?: string | object | null;
}

/** The options of `importCsv`: the settings plus `now` (required) and where the rows go. */
export interface ImportCsvOptions extends CsvOptions {
  /** Stamps created and updated contacts: the browser build never reads the clock. */
  now: Instant;
  /** Called every 8192 rows and at the end. */
  onProgress?: ((progress: { bytesRead: number; rows: number }) => void) | null;
  /** Merge into this audience and make a list of the file's contacts; a dry run without it. */
  audience?: Audience | null;
  /** The file's name, kept in the new list's `csv_import` source. */
  fileName?: string | null;
  /** The new list's name (default `Import YYYY-MM-DD HH:MM`). */
  listName?: string | null;
}

/** The options of `exportCsv`. */
export interface ExportCsvOptions {
  /** With an `Audience`: the id of the list to export (every contact when absent). */
  list?: string | null;
  /** `'string'` (default) or `'bytes'` (UTF-8 in a `Uint8Array`). */
  as?: 'string' | 'bytes' | null;
}

/**
 * A file that cannot be imported at all (`import.empty`, `import.header.duplicate`,
 * `import.mapping.unknown_column`, `import.option.invalid` …): a real `Error` whose `name` is
 * `'CsvImportError'`. Problems of single rows are not thrown: they are in `rejected`.
 */
export interface CsvImportError extends Error {
  name: 'CsvImportError';
  code: string;
  /** 1-based row, or `null`. */
  row: number | null;
  /** 0-based column, or `null`. */
  column: number | null;
  /** The column's (or the option's) name, or `null`. */
  columnName: string | null;
  /** Byte offset in the file, or `null`. */
  byteOffset: number | null;
  /** An import stopped part-way (`import.io`): what it had written (`listId`: exactly those contacts). */
  report?: ImportReport;
}
"#;

/// The `ImportOptions` settings: JS name (the core's JSON name in camelCase) → the core's name.
fn settings() -> impl Iterator<Item = (String, &'static str)> {
    OPTION_NAMES.iter().map(|&core| (camel(core), core))
}
/// Options of `previewCsv` besides the settings.
const PREVIEW_EXTRA: &[&str] = &["fields"];
/// Options of `importCsv` besides the settings.
const IMPORT_EXTRA: &[&str] = &[
    "fields",
    "now",
    "onProgress",
    "audience",
    "fileName",
    "listName",
];

/// A reader over the bytes that fails once the progress callback threw.
struct Stoppable<'a> {
    inner: &'a [u8],
    thrown: &'a RefCell<Option<JsValue>>,
}

impl std::io::Read for Stoppable<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.thrown.borrow().is_some() {
            return Err(std::io::Error::other("stopped: onProgress threw"));
        }
        self.inner.read(buf)
    }
}

/// The bytes of the input: a `Uint8Array` (or an `ArrayBuffer`), copied once.
fn bytes_arg(value: &JsValue, call: &str) -> Result<Vec<u8>, JsValue> {
    if let Some(a) = value.dyn_ref::<js_sys::Uint8Array>() {
        return Ok(a.to_vec());
    }
    if let Some(b) = value.dyn_ref::<js_sys::ArrayBuffer>() {
        return Ok(js_sys::Uint8Array::new(b).to_vec());
    }
    Err(type_error(&format!(
        "{call}: bytes must be a Uint8Array (e.g. new Uint8Array(await file.arrayBuffer()))"
    )))
}

/// The core's `ImportOptions` from the JS options: known keys only (a `TypeError`
/// `ERR_INVALID_ARG_VALUE`-coded `RangeError` names an unknown one), camelCase names rewritten,
/// values checked by the core (`CsvImportError` `import.option.invalid`).
fn import_options(options: &Options, extra: &[&str]) -> Result<ImportOptions, JsValue> {
    let mut map = Map::new();
    if let Some(object) = options.object() {
        for key in js_sys::Object::keys(object.unchecked_ref::<js_sys::Object>()).iter() {
            let key = key.as_string().unwrap_or_default();
            if extra.contains(&key.as_str()) {
                continue;
            }
            let Some((_, core)) = settings().find(|(js, _)| *js == key) else {
                let known: Vec<String> = settings()
                    .map(|(js, _)| js)
                    .chain(extra.iter().map(|e| (*e).to_owned()))
                    .collect();
                return Err(range_error(&format!(
                    "{}: unknown option `{key}` (known: {})",
                    options.call,
                    known.join(", ")
                )));
            };
            let Some(value) = options.get(&key)? else {
                continue;
            };
            let text = js_sys::JSON::stringify(&value)?
                .as_string()
                .ok_or_else(|| type_error(&format!("{}: {key} is not JSON", options.call)))?;
            let json: Value = serde_json::from_str(&text)
                .map_err(|e| type_error(&format!("{}: {key}: {e}", options.call)))?;
            map.insert(core.to_owned(), json);
        }
    }
    ImportOptions::from_json_value(Value::Object(map)).map_err(|mut e| {
        // Name the option as the caller wrote it.
        if let Some(name) = &e.column_name {
            if let Some((js, _)) = settings().find(|(_, core)| core == name) {
                e.column_name = Some(js);
            }
        }
        to_js_error(e.into())
    })
}

fn json<T: serde::Serialize>(value: &T) -> Result<Value, JsValue> {
    serde_json::to_value(value).map_err(|e| JsValue::from(js_sys::Error::new(&e.to_string())))
}

/// The report every binding shares, from the core's report, list and changes.
fn report_shape(
    report: &sequenza::import::ImportReport,
    list: Option<&ListId>,
    changes: &[sequenza::list::ListChange],
) -> Result<Value, JsValue> {
    let Value::Object(mut core) = json(report)? else {
        return Err(js_sys::Error::new("a report is an object").into());
    };
    let rejections = core.remove("rejections").unwrap_or(Value::Null);
    let mut out = Map::new();
    for key in ["imported", "updated", "duplicates"] {
        out.insert(key.to_owned(), core.remove(key).unwrap_or(Value::Null));
    }
    out.insert("rejected".to_owned(), camel_keys(rejections));
    out.insert(
        "rejectedRows".to_owned(),
        core.remove("rejected").unwrap_or(Value::Null),
    );
    for (k, v) in core {
        out.insert(camel(&k), camel_keys(v));
    }
    out.insert("listId".to_owned(), json(&list)?);
    out.insert("changes".to_owned(), json(&changes)?);
    Ok(Value::Object(out))
}

/// Previews CSV bytes: the detected settings (`encoding`, `bom`, `delimiter`, `quote`,
/// `header`, `decimal`, `dateOrder`), the suggested mapping (`columns`: `{index, name, target,
/// fieldType?, explicit}`) and the first `previewRows` rows (`{row, cells: [{raw, value,
/// code}], rejections}`), before anything is written. Every setting of `options` overrides what
/// would be sniffed; `options.fields` is the field schema that types the cells.
///
/// Throws a `CsvImportError` for a file that cannot be imported at all.
#[wasm_bindgen(js_name = previewCsv, unchecked_return_type = "CsvPreview")]
pub fn preview_csv_js(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] bytes: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "CsvOptions | null")] options: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    let opts = Options::new(options, "previewCsv")?;
    let settings = import_options(&opts, PREVIEW_EXTRA)?;
    let schema = opts.fields()?.unwrap_or_default();
    let bytes = bytes_arg(&bytes, "previewCsv")?;
    let preview = preview_csv(&bytes, &settings, &schema).map_err(to_js_error)?;
    to_js(&camel_keys(json(&preview)?))
}

/// Imports CSV bytes. `options.now` (a `Date` or RFC 3339 string) is required: it stamps
/// created and updated contacts.
///
/// With `options.audience` the rows are merged into that `Audience` (auto-updating lists follow
/// at once) and the file's contacts go into a new static list (`listId`) named
/// `options.listName` or `Import YYYY-MM-DD HH:MM`, whose `csv_import` source names
/// `options.fileName`; `changes` are the changes of other lists the import caused. Without it
/// the import runs into an empty in-memory store (a dry run that still validates every row):
/// `listId` is `null`, `changes` empty.
///
/// `options.onProgress({bytesRead, rows})` is called every 8192 rows and at the end. When it
/// throws, the import stops at the next chunk and its exception is thrown with `report`: the
/// report of what was written (into an audience, `listId` is the list of exactly those contacts
/// and `changes` their list changes). A `CsvImportError` `import.io` carries `report` the same
/// way. Calls into the audience from the callback throw (the audience is busy).
///
/// Throws a `CsvImportError` for a file that cannot be imported at all; problems of single rows
/// are in `rejected`.
#[wasm_bindgen(js_name = importCsv, unchecked_return_type = "ImportReport")]
pub fn import_csv_js(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] bytes: JsValue,
    #[wasm_bindgen(unchecked_param_type = "ImportCsvOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let opts = Options::new(Some(options), "importCsv")?;
    let settings = import_options(&opts, IMPORT_EXTRA)?;
    let schema = opts.fields()?.unwrap_or_default();
    let now = opts.now()?;
    let on_progress = match opts.get("onProgress")? {
        Some(f) => Some(
            f.dyn_into::<js_sys::Function>()
                .map_err(|_| type_error("importCsv: onProgress must be a function"))?,
        ),
        None => None,
    };
    let audience = match opts.get("audience")? {
        Some(a) => Some(audience_of(&a, "importCsv: audience")?),
        None => None,
    };
    let string_option = |key: &str| -> Result<Option<String>, JsValue> {
        match opts.get(key)? {
            Some(v) => v
                .as_string()
                .map(Some)
                .ok_or_else(|| type_error(&format!("importCsv: {key} must be a string"))),
            None => Ok(None),
        }
    };
    let list = ImportList {
        name: string_option("listName")?,
        file: string_option("fileName")?,
    };
    let bytes = bytes_arg(&bytes, "importCsv")?;

    let thrown: RefCell<Option<JsValue>> = RefCell::new(None);
    let mut progress = |p: Progress| {
        let Some(f) = &on_progress else { return };
        if thrown.borrow().is_some() {
            return;
        }
        let arg = js_sys::Object::new();
        crate::set_property(&arg, "bytesRead", JsValue::from_f64(p.bytes_read as f64));
        crate::set_property(&arg, "rows", JsValue::from_f64(p.rows as f64));
        if let Err(e) = f.call1(&JsValue::NULL, &arg) {
            *thrown.borrow_mut() = Some(e);
        }
    };
    // Once the callback threw, the next read fails: the import stops there.
    let reader = Stoppable {
        inner: bytes.as_slice(),
        thrown: &thrown,
    };
    let out = match &audience {
        Some(handle) => {
            let mut inner = handle.try_borrow_mut().map_err(|_| busy())?;
            import_csv_into_audience(
                reader,
                &settings,
                &schema,
                &mut inner,
                &list,
                now,
                &mut progress,
            )
            .map(|r| (r.report, Some(r.list_id), r.changes))
        }
        None => {
            let mut target = MemoryTarget::default();
            import_csv_reader(reader, &settings, &schema, &mut target, now, &mut progress)
                .map(|r| (r, None, Vec::new()))
        }
    };
    // An import stopped part-way: what it did goes on the error as `report`.
    let partial = match &out {
        Err(sequenza::Error::Import(e)) => match e.report.as_deref() {
            Some(p) => Some(to_js(&report_shape(
                &p.report,
                p.list_id.as_ref(),
                &p.changes,
            )?)?),
            None => None,
        },
        _ => None,
    };
    let with_report = |e: JsValue| -> JsValue {
        if let (Some(report), true) = (&partial, e.is_object()) {
            crate::set_property(&e, "report", report.clone());
        }
        e
    };
    if let Some(e) = thrown.into_inner() {
        return Err(with_report(e));
    }
    let (report, list, changes) = out.map_err(|e| with_report(to_js_error(e)))?;
    to_js(&report_shape(&report, list.as_ref(), &changes)?)
}

/// Writes contacts back to CSV (UTF-8, `,`, a header row: `id`, `email`, `phone`,
/// `time_zone`, `locale`, `tags`, `consent.<channel>`…, then every profile field), in a form
/// `importCsv` reads back to the same contacts.
///
/// `source` is an array of contacts, or an `Audience` (with `options.list`, the id of the list
/// to export; without it, every contact of the audience). Returns the CSV text, or
/// with `options.as === 'bytes'` its UTF-8 bytes. Throws a `ListError` `list.unknown` for an
/// unknown list.
#[wasm_bindgen(js_name = exportCsv, unchecked_return_type = "string | Uint8Array")]
pub fn export_csv_js(
    #[wasm_bindgen(unchecked_param_type = "Audience | object[]")] source: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "ExportCsvOptions | null")] options: Option<
        JsValue,
    >,
) -> Result<JsValue, JsValue> {
    let opts = Options::new(options, "exportCsv")?;
    let as_bytes = match opts.get("as")? {
        None => false,
        Some(v) => match v.as_string().as_deref() {
            Some("string") => false,
            Some("bytes") => true,
            _ => return Err(range_error("exportCsv: as must be 'string' or 'bytes'")),
        },
    };
    let list = match opts.get("list")? {
        Some(v) => Some(ListId::new(v.as_string().ok_or_else(|| {
            type_error("exportCsv: list must be a list id (a string)")
        })?)),
        None => None,
    };
    let mut out = Vec::new();
    if js_sys::Array::is_array(&source) {
        let contacts: Vec<Contact> = input::contacts(&source, "exportCsv: contacts")?;
        write(contacts.iter(), &mut out)?;
    } else {
        let audience = audience_of(&source, "exportCsv: source")?;
        let a = audience.try_borrow().map_err(|_| busy())?;
        let contacts: Vec<&Contact> = a.contacts_in(list.as_ref()).map_err(to_js_error)?;
        write(contacts.iter().copied(), &mut out)?;
    }
    if as_bytes {
        Ok(js_sys::Uint8Array::from(out.as_slice()).into())
    } else {
        Ok(JsValue::from_str(&String::from_utf8_lossy(&out)))
    }
}

fn write<'a>(
    contacts: impl IntoIterator<Item = &'a Contact> + Clone,
    out: &mut Vec<u8>,
) -> Result<(), JsValue> {
    sequenza::import::export_csv(contacts, out)
        .map(|_| ())
        .map_err(|e| js_sys::Error::new(&format!("exportCsv: {e}")).into())
}
