//! CSV import (issue 5): `previewCsv`, `importCsv` and `exportCsv`.
//!
//! The input is a path (read by the core in 64 KiB chunks, never slurped) or a `Buffer` /
//! `Uint8Array` (copied once, so a progress callback cannot pull the bytes from under the
//! import). Options are the core's `ImportOptions` with camelCase names (`dateOrder`,
//! `defaultRegion`, `previewRows`, `maxRowBytes`); the mapping's keys are column names and are
//! passed as they are. Outputs are the core's JSON forms with camelCase keys (`columnName`,
//! `dateOrder`, `fieldType`, `ofRow`), and the import report has the shape every binding shares:
//! `{imported, updated, duplicates, rejected: [{row, column, columnName, code, value, message}],
//! rejectedRows, rows, duplicateRows, detected, columns, bytes, listId, changes}`.
//!
//! File-level problems are `CsvImportError`s (`code`, `row`, `column`, `columnName`,
//! `byteOffset`); problems of a row are data (`rejected`).

use std::fs::File;
use std::io::{BufWriter, Cursor, Read, Write};
use std::path::Path;

use napi::bindgen_prelude::{
    ClassInstance, Either, Either3, Function, JsObjectValue, JsValue, Uint8ArraySlice, Unknown,
};
use napi::{Env, Error, Result, Status};
use napi_derive::napi;
use sequenza::import::{
    export_csv as write_csv, import_csv_into_audience, import_csv_reader, preview_csv_reader,
    ImportError, ImportList, ImportOptions, MemoryTarget, Progress, OPTION_NAMES,
};
use sequenza::model::ListId;
use sequenza::text::{camel_case as camel, camel_case_keys as camel_keys};
use sequenza::Contact;
use serde_json::{Map, Value};

use crate::convert::{
    field_schema, instant, json_array, json_value, opt_string_arg, parse_json, range_error,
    type_error, type_of, Options,
};
use crate::errors::{core_error, core_error_with};
use crate::list::Audience;

/// The `ImportOptions` settings: JS name (the core's JSON name in camelCase) → the core's name.
fn settings() -> impl Iterator<Item = (String, &'static str)> {
    OPTION_NAMES.iter().map(|&core| (camel(core), core))
}
/// Options of `previewCsv` besides the settings.
const PREVIEW_EXTRA: &[&str] = &["fields"];
/// Options of `importCsv` besides the settings.
const IMPORT_EXTRA: &[&str] = &["fields", "now", "onProgress", "audience", "fileName"];

/// What napi hands over for the input: a path, bytes, or anything else (a `TypeError`).
type Input<'env> = Either3<String, Uint8ArraySlice<'env>, Unknown<'env>>;

/// An opened input: a file read in chunks, or bytes.
enum Opened {
    File(File, String),
    Bytes(Cursor<Vec<u8>>),
}

impl Opened {
    fn open(env: &Env, input: Input<'_>) -> Result<Self> {
        match input {
            Either3::A(path) => match File::open(&path) {
                Ok(f) => Ok(Opened::File(f, path)),
                Err(e) => Err(core_error(
                    env,
                    &sequenza::Error::Import(Box::new(ImportError {
                        code: "import.io",
                        offset: None,
                        row: None,
                        column: None,
                        column_name: None,
                        message: format!("cannot open {path}: {e}"),
                        report: None,
                    })),
                )),
            },
            Either3::B(bytes) => Ok(Opened::Bytes(Cursor::new(bytes.to_vec()))),
            Either3::C(other) => Err(type_error(
                env,
                &format!(
                    "The \"pathOrBuffer\" argument must be a path string, a Buffer or a Uint8Array. \
                     Received type {}",
                    type_of(other.get_type()?)
                ),
            )),
        }
    }

    /// The file's name (for the import list's source), when it is a file.
    fn file_name(&self) -> Option<String> {
        match self {
            Opened::File(_, path) => Path::new(path)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned()),
            Opened::Bytes(_) => None,
        }
    }

    fn reader(self) -> Box<dyn Read> {
        match self {
            Opened::File(f, _) => Box::new(f),
            Opened::Bytes(c) => Box::new(c),
        }
    }
}

/// A reader that fails once `stop` is set (the progress callback threw).
struct Stoppable<'a, R> {
    inner: R,
    stop: &'a std::cell::Cell<bool>,
}

impl<R: Read> Read for Stoppable<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.stop.get() {
            return Err(std::io::Error::other("stopped: onProgress threw"));
        }
        self.inner.read(buf)
    }
}

/// The core's `ImportOptions` from the JS options; an invalid setting is a `RangeError` naming it.
fn import_options(env: &Env, opts: &Options<'_>) -> Result<ImportOptions> {
    let mut all = Map::new();
    for (js, core) in settings() {
        let Some(value) = opts.get(&js)? else {
            continue;
        };
        let name = opts.name_of(&js);
        let value = json_value(env, Some(value), &name, false)?;
        // Each setting on its own first, so that a bad one is named.
        let mut one = Map::new();
        one.insert(core.to_owned(), value.clone());
        if let Err(e) = serde_json::from_value::<ImportOptions>(Value::Object(one)) {
            return Err(range_error(
                env,
                &format!("The \"{name}\" argument is invalid: {e}"),
            ));
        }
        all.insert(core.to_owned(), value);
    }
    serde_json::from_value(Value::Object(all)).map_err(|e| {
        range_error(
            env,
            &format!(
                "The \"{}\" argument is invalid: {e}",
                opts.name_of("options")
            ),
        )
    })
}

fn known(extra: &[&str]) -> Vec<String> {
    settings()
        .map(|(js, _)| js)
        .chain(extra.iter().map(|e| (*e).to_owned()))
        .collect()
}

fn json<T: serde::Serialize>(value: &T) -> Result<Value> {
    serde_json::to_value(value).map_err(|e| Error::new(Status::GenericFailure, e.to_string()))
}

fn to_js_value<'env>(env: &'env Env, value: &Value) -> Result<Unknown<'env>> {
    parse_json(env, &value.to_string())
}

/// The report every binding shares, from the core's report, list and changes.
fn report_shape(
    report: &sequenza::import::ImportReport,
    list: Option<&ListId>,
    changes: &[sequenza::list::ListChange],
) -> Result<Value> {
    let Value::Object(mut core) = json(report)? else {
        return Err(Error::new(Status::GenericFailure, "a report is an object"));
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

/// Previews a CSV file (a path, read only as far as needed, or a `Buffer` / `Uint8Array`): the
/// detected settings (`encoding`, `bom`, `delimiter`, `quote`, `header`, `decimal`,
/// `dateOrder`), the suggested mapping (`columns`: `{index, name, target, fieldType?,
/// explicit}`) and the first `previewRows` rows (`{row, cells: [{raw, value, code}],
/// rejections}`), before anything is written. Every setting of `options` overrides what would
/// be sniffed; `options.fields` is the field schema that types the cells.
///
/// Throws a `CsvImportError` for a file that cannot be imported at all (`import.empty`,
/// `import.header.duplicate`, `import.mapping.unknown_column` …).
#[napi(
    catch_unwind,
    ts_args_type = "pathOrBuffer: string | Uint8Array, options?: CsvOptions | null",
    ts_return_type = "CsvPreview"
)]
pub fn preview_csv<'env>(
    env: &'env Env,
    path_or_buffer: Input<'_>,
    options: Option<Unknown<'_>>,
) -> Result<Unknown<'env>> {
    let known = known(PREVIEW_EXTRA);
    let known: Vec<&str> = known.iter().map(String::as_str).collect();
    let opts = Options::read(env, options, "options", &known)?;
    let settings = import_options(env, &opts)?;
    let schema =
        field_schema(env, opts.get("fields")?, &opts.name_of("fields"))?.unwrap_or_default();
    let input = Opened::open(env, path_or_buffer)?;
    let preview =
        preview_csv_reader(input.reader(), &settings, &schema).map_err(|e| core_error(env, &e))?;
    to_js_value(env, &camel_keys(json(&preview)?))
}

/// Imports a CSV file (a path, read in chunks in bounded memory, or a `Buffer` / `Uint8Array`).
///
/// `options.now` (a `Date` or RFC 3339 string) is required: it stamps created and updated
/// contacts. With `options.audience` the rows are merged into that `Audience` and its contacts
/// go into a new static list `Import YYYY-MM-DD HH:MM` (`listId`; its source names
/// `options.fileName`, by default the path's file name); `changes` are the list changes the
/// import caused. Without it the import runs into an empty in-memory store (a dry run that
/// still validates every row): `listId` is `null`, `changes` empty.
///
/// `options.onProgress({bytesRead, rows})` is called every 8192 rows and at the end. When it
/// throws, the import stops at the next chunk (rows already written are never half-applied)
/// and its exception is thrown with `report`: the report of what was written (into an
/// audience, `listId` is the list of exactly those contacts and `changes` their list changes).
/// A `CsvImportError` `import.io` for a file that fails part-way carries `report` too.
///
/// Throws a `CsvImportError` for a file that cannot be imported at all; problems of single
/// rows are in `rejected`.
#[napi(
    catch_unwind,
    ts_args_type = "pathOrBuffer: string | Uint8Array, options: ImportCsvOptions",
    ts_return_type = "ImportReport"
)]
pub fn import_csv<'env>(
    env: &'env Env,
    path_or_buffer: Input<'_>,
    options: Option<Unknown<'_>>,
) -> Result<Unknown<'env>> {
    let known = known(IMPORT_EXTRA);
    let known: Vec<&str> = known.iter().map(String::as_str).collect();
    let opts = Options::read(env, options, "options", &known)?;
    let settings = import_options(env, &opts)?;
    let schema =
        field_schema(env, opts.get("fields")?, &opts.name_of("fields"))?.unwrap_or_default();
    let now = instant(env, opts.get("now")?, &opts.name_of("now"))?;
    let on_progress: Option<Function<'_, Unknown<'_>, Unknown<'_>>> =
        opts.get_as(env, "onProgress", "a function")?;
    let audience: Option<ClassInstance<'_, Audience>> =
        opts.get_as(env, "audience", "an Audience")?;
    let file_name = opt_string_arg(env, opts.get("fileName")?, &opts.name_of("fileName"))?;
    let input = Opened::open(env, path_or_buffer)?;
    let file_name = file_name.or_else(|| input.file_name());

    // The callback runs inside a JS try/catch, so whatever it throws (an `Error`, a string …)
    // comes back as a value, kept to be thrown as is once the import has ended.
    let guarded: Option<Function<'_, Unknown<'_>, Unknown<'_>>> = match &on_progress {
        Some(f) => {
            let wrap: Function<'_, Unknown<'_>, Function<'_, Unknown<'_>, Unknown<'_>>> = env
                .run_script(
                    "(function (f) { return function (p) { try { f(p); return undefined; } \
                     catch (e) { return { thrown: e }; } }; })",
                )?;
            Some(wrap.call(f.to_unknown())?)
        }
        None => None,
    };
    let mut thrown: Option<Unknown<'_>> = None;
    let mut failed: Option<Error> = None;
    let stop = std::cell::Cell::new(false);
    let mut progress = |p: Progress| {
        let Some(g) = &guarded else {
            return;
        };
        if thrown.is_some() || failed.is_some() {
            return;
        }
        let arg = serde_json::json!({"bytesRead": p.bytes_read, "rows": p.rows});
        let result = to_js_value(env, &arg).and_then(|a| g.call(a));
        match result {
            Ok(r) if r.get_type().ok() == Some(napi::ValueType::Object) => {
                match r
                    .coerce_to_object()
                    .and_then(|o| o.get_named_property_unchecked::<Unknown<'_>>("thrown"))
                {
                    Ok(value) => thrown = Some(value),
                    Err(e) => failed = Some(e),
                }
            }
            Ok(_) => {}
            Err(e) => failed = Some(e),
        }
        if thrown.is_some() || failed.is_some() {
            stop.set(true);
        }
    };
    let reader = Stoppable {
        inner: input.reader(),
        stop: &stop,
    };
    let out = match audience {
        Some(mut handle) => {
            if handle.busy {
                return Err(range_error(
                    env,
                    "The \"options.audience\" argument is busy: another importCsv is writing into it",
                ));
            }
            // Moved out while the import runs: a callback calling into the audience finds it
            // busy instead of aliasing it.
            let mut inner = std::mem::take(&mut handle.inner);
            handle.busy = true;
            let list = ImportList {
                name: None,
                file: file_name.clone(),
            };
            let result = import_csv_into_audience(
                reader,
                &settings,
                &schema,
                &mut inner,
                &list,
                now,
                &mut progress,
            );
            handle.inner = inner;
            handle.busy = false;
            result.map(|r| (r.report, Some(r.list_id), r.changes))
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
            Some(p) => Some(to_js_value(
                env,
                &report_shape(&p.report, p.list_id.as_ref(), &p.changes)?,
            )?),
            None => None,
        },
        _ => None,
    };
    if let Some(value) = thrown {
        if let (Some(report), Ok(napi::ValueType::Object)) = (partial, value.get_type()) {
            value
                .coerce_to_object()?
                .set_named_property("report", report)?;
        }
        env.throw(value)?;
        return Err(Error::new(Status::PendingException, "onProgress threw"));
    }
    if let Some(e) = failed {
        return Err(e);
    }
    let (report, list, changes) = out.map_err(|e| core_error_with(env, &e, partial))?;
    to_js_value(env, &report_shape(&report, list.as_ref(), &changes)?)
}

/// Writes contacts back to CSV (UTF-8, `,`, a header row: `id`, `email`, `phone`,
/// `time_zone`, `locale`, `tags`, `consent.<channel>`…, then every profile field), in a form
/// `importCsv` reads back to the same contacts (with `delimiter: ','` and `decimal: '.'`).
///
/// `source` is an array of contacts, or an `Audience` (with `options.list`, the id of the list
/// to export; without it, every contact of the audience). Returns the CSV text, or, with `options.path`, writes the file as it goes and
/// returns how many contacts it wrote. Throws a `ListError` `list.unknown` for an unknown list.
#[napi(
    catch_unwind,
    ts_args_type = "source: Audience | Contact[], options?: ExportCsvOptions | null",
    ts_return_type = "string | number"
)]
pub fn export_csv(
    env: &Env,
    source: Either<ClassInstance<'_, Audience>, Unknown<'_>>,
    options: Option<Unknown<'_>>,
) -> Result<Either<String, f64>> {
    let opts = Options::read(env, options, "options", &["list", "path"])?;
    let list = opt_string_arg(env, opts.get("list")?, &opts.name_of("list"))?;
    let path = opt_string_arg(env, opts.get("path")?, &opts.name_of("path"))?;
    let owned: Vec<Contact>;
    let handle;
    let contacts: Vec<&Contact> = match source {
        Either::A(h) => {
            handle = h;
            if handle.busy {
                return Err(range_error(
                    env,
                    "The \"source\" argument is busy: importCsv is writing into it",
                ));
            }
            let id = list.map(ListId::new);
            handle
                .inner
                .contacts_in(id.as_ref())
                .map_err(|e| core_error(env, &e))?
        }
        Either::B(value) => {
            owned = json_array(env, value, "source", "", Contact::from_json)?;
            owned.iter().collect()
        }
    };
    let fail = |what: &str, e: std::io::Error| {
        Error::new(Status::GenericFailure, format!("cannot write {what}: {e}"))
    };
    match path {
        Some(path) => {
            let file = File::create(&path).map_err(|e| fail(&path, e))?;
            let mut out = BufWriter::new(file);
            let n = write_csv(contacts.iter().copied(), &mut out).map_err(|e| fail(&path, e))?;
            out.flush().map_err(|e| fail(&path, e))?;
            Ok(Either::B(n as f64))
        }
        None => {
            let mut out = Vec::new();
            write_csv(contacts.iter().copied(), &mut out).map_err(|e| fail("the CSV", e))?;
            String::from_utf8(out)
                .map(Either::A)
                .map_err(|e| Error::new(Status::GenericFailure, e.to_string()))
        }
    }
}
