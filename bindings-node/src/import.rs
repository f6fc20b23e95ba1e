//! CSV import (issue 5): `previewCsv`, `importCsv` and `exportCsv`.
//!
//! The input is a path (read by the core in 64 KiB chunks) or a `Buffer` / `Uint8Array` (copied
//! once). `importCsv` on a path runs on a worker thread and returns a Promise; on bytes it runs
//! at once. Options are the core's `ImportOptions` with camelCase names (read by the core:
//! `import.option.invalid`), plus `fields`, `now`, `onProgress`, `audience` and `fileName`.
//! Outputs are the core's JSON forms with camelCase keys.

use std::cell::RefCell;
use std::io::{BufWriter, Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use napi::bindgen_prelude::{
    AsyncTask, ClassInstance, Either, FromNapiValue, Function, Reference, Uint8Array, Unknown,
};
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi::{Env, Result, Status, Task, ValueType};
use napi_derive::napi;
use sequenza::import::{CsvSource, ImportList, ImportOptions, Progress, Stoppable};
use sequenza::model::ListId;
use sequenza::text::camel_case_keys;
use sequenza::FieldSchema;
use serde_json::Value;

use crate::convert::{array, json_value, range_error, to_js, value, wrong_type, Arg, Opts, Out};
use crate::errors::{core_error, OrThrow};
use crate::list::Audience;

/// The options that are the binding's own; every other one is an `ImportOptions` setting.
const OWN: [&str; 5] = ["fields", "now", "onProgress", "audience", "fileName"];

/// An input: a path (opened when the import starts) or bytes.
fn input(env: &Env, value: Arg) -> Result<CsvSource> {
    const EXPECTED: &str = "a path string, a Buffer or a Uint8Array";
    match &value {
        Some(v) if v.get_type()? == ValueType::String => Ok(CsvSource::Path(
            crate::convert::string(env, value, "pathOrBuffer")?.into(),
        )),
        Some(v) => match Uint8Array::from_unknown(*v) {
            Ok(bytes) => Ok(CsvSource::Bytes(bytes.to_vec())),
            Err(_) => Err(wrong_type(env, value.as_ref(), "pathOrBuffer", EXPECTED)),
        },
        None => Err(wrong_type(env, None, "pathOrBuffer", EXPECTED)),
    }
}

/// The options object, the core's `ImportOptions` (every option but the binding's own and
/// `own`) and the field schema.
fn parse<'a>(
    env: &Env,
    options: Arg<'a>,
    own: &[&str],
) -> Result<(Opts<'a>, ImportOptions, FieldSchema)> {
    let opts = Opts::read(env, options, "options", &[])?;
    let json = match options.filter(|_| opts.object().is_some()) {
        Some(o) => json_value(env, Some(o), "options", false)?,
        None => Value::Null,
    };
    let own: Vec<&str> = OWN.iter().chain(own).copied().collect();
    let settings = ImportOptions::from_call_options(json, &own).or_throw(env)?;
    let schema = opts.opt("fields")?.unwrap_or_default();
    Ok((opts, settings, schema))
}

/// Previews a CSV file (a path, read only as far as needed, or bytes): the detected settings,
/// the suggested mapping and the first `previewRows` rows, before anything is written. Throws a
/// `CsvImportError` for a file that cannot be imported at all or an invalid option.
#[napi(
    ts_args_type = "pathOrBuffer: string | Uint8Array, options?: CsvOptions | null",
    ts_return_type = "CsvPreview"
)]
pub fn preview_csv(env: &Env, path_or_buffer: Arg, options: Arg) -> Result<Out<'static>> {
    let (_, settings, schema) = parse(env, options, &[])?;
    let input = input(env, path_or_buffer)?;
    let preview = sequenza::import::preview_csv_reader(input.reader(), &settings, &schema);
    let preview = serde_json::to_value(preview.or_throw(env)?).unwrap_or_default();
    Ok(value(camel_case_keys(preview)))
}

thread_local! {
    /// The audiences an import is writing into (moved out of their handles until it ends).
    static BUSY: RefCell<Vec<(u32, Reference<Audience>)>> = const { RefCell::new(Vec::new()) };
}

/// One import: its input, settings, the audience moved out of its handle, the progress callback
/// (called on the JS thread; returning `true` stops the import) and the stop flag it sets.
#[allow(missing_debug_implementations)] // holds a threadsafe function, which has no Debug
pub struct Import {
    job: Job,
    audience: Option<(u32, sequenza::list::Audience)>,
    progress: Option<ThreadsafeFunction<Value, Option<bool>, Value, Status, false>>,
    stop: Arc<AtomicBool>,
}

type Outcome = sequenza::Result<Value>;

impl Import {
    /// Runs the import, calling `progress` with `{bytesRead, rows}`; it stops at the next chunk
    /// once `stop` is set (the core's error then carries the report of what was written).
    fn run(&mut self, progress: &mut dyn FnMut(Value)) -> Outcome {
        let mut on =
            |p: Progress| progress(serde_json::json!({"bytesRead": p.bytes_read, "rows": p.rows}));
        let job = &self.job;
        let reader = Stoppable::new(job.input.reader(), Arc::clone(&self.stop));
        let list = ImportList {
            name: None,
            file: job.file.clone(),
        };
        let audience = self.audience.as_mut().map(|(_, a)| a);
        let (s, f, now) = (&job.settings, &job.schema, job.now);
        let r = sequenza::import::import_csv_to(reader, s, f, audience, &list, now, &mut on)?;
        Ok(serde_json::to_value(r).unwrap_or_default())
    }

    /// Gives the audience back to its handle (on the JS thread).
    fn give_back(&mut self) {
        if let Some((id, inner)) = self.audience.take() {
            BUSY.with(|b| {
                let mut busy = b.borrow_mut();
                if let Some(i) = busy.iter().position(|(k, _)| *k == id) {
                    let (_, mut handle) = busy.swap_remove(i);
                    handle.inner = inner;
                    handle.busy = false;
                }
            });
        }
    }
}

impl Task for Import {
    type Output = Outcome;
    /// The report as JSON text (`index.js` parses it: napi has no owned JS value type here).
    type JsValue = String;

    fn compute(&mut self) -> Result<Outcome> {
        let tsfn = self.progress.take();
        let stop = Arc::clone(&self.stop);
        let mut progress = |v: Value| {
            if let Some(f) = &tsfn {
                let stop = Arc::clone(&stop);
                let mode = ThreadsafeFunctionCallMode::NonBlocking;
                f.call_with_return_value(v, mode, move |r: Result<Option<bool>>, _| {
                    if matches!(r, Ok(Some(true))) {
                        stop.store(true, Ordering::Relaxed);
                    }
                    Ok(())
                });
            }
        };
        Ok(self.run(&mut progress))
    }

    fn resolve(&mut self, env: Env, output: Outcome) -> Result<String> {
        self.give_back();
        output
            .map(|r| camel_case_keys(r).to_string())
            .map_err(|e| core_error(&env, e))
    }

    fn finally(mut self, _env: Env) -> Result<()> {
        self.give_back();
        Ok(())
    }
}

/// Imports a CSV file: a path (read in chunks on a worker thread; returns a Promise) or a
/// `Buffer` / `Uint8Array` (imported at once; returns the report).
///
/// `options.now` (required) stamps created and updated contacts. With `options.audience` the rows
/// are merged into that `Audience` and its contacts go into a new static list (`listId`; its
/// source names `options.fileName`, by default the path's file name); `changes` are the list
/// changes the import caused. Without it the import is a dry run into an empty store.
/// `options.onProgress({bytesRead, rows})` is called every 8192 rows and at the end; when it
/// returns `true` the import stops at the next chunk (`index.js` returns `true` once the user's
/// callback threw).
///
/// Throws (or rejects with) a `CsvImportError` for a file that cannot be imported at all;
/// problems of single rows are in `rejections`. An import stopped part-way (`import.io`: a read
/// that failed, or a stop) carries `report`: what it wrote (`listId`, the list of exactly those
/// contacts, and their `changes`).
#[napi(
    ts_args_type = "pathOrBuffer: string | Uint8Array, options: ImportCsvOptions",
    ts_return_type = "ImportReport | Promise<ImportReport>"
)]
pub fn import_csv<'e>(
    env: &'e Env,
    path_or_buffer: Arg,
    options: Arg,
) -> Result<Either<Unknown<'e>, AsyncTask<Import>>> {
    let call = ImportCall::read(env, path_or_buffer, options, &[])?;
    let mut handle = match call.opts.get("audience")? {
        Some(a) => match Reference::<Audience>::from_unknown(a) {
            Ok(handle) => Some(handle),
            Err(_) => return Err(wrong_type(env, Some(&a), "options.audience", "an Audience")),
        },
        None => None,
    };
    let on_progress = call.progress::<Option<bool>>()?;
    let mut import = Import {
        job: call.job,
        audience: None,
        progress: None,
        stop: Arc::new(AtomicBool::new(false)),
    };
    if let Some(h) = &mut handle {
        if h.busy {
            let message = "The \"options.audience\" argument is busy: importCsv is writing into it";
            return Err(range_error(env, message));
        }
        // Moved out while the import runs: a call into the audience meanwhile finds it busy.
        h.busy = true;
        import.audience = Some((next_id(), std::mem::take(&mut h.inner)));
    }
    if let (Some(h), Some((id, _))) = (handle, &import.audience) {
        BUSY.with(|b| b.borrow_mut().push((*id, h)));
    }
    if let CsvSource::Path(_) = import.job.input {
        if let Some(f) = on_progress {
            import.progress = Some(
                f.build_threadsafe_function()
                    .callee_handled::<false>()
                    .build()?,
            );
        }
        return Ok(Either::B(AsyncTask::new(import)));
    }
    // Bytes: at once, on this thread; the audience is handed back whatever happens.
    let mut failed = None;
    let stop = Arc::clone(&import.stop);
    let mut progress = |v: Value| {
        if let (Some(f), None) = (&on_progress, &failed) {
            match f.call(v) {
                Ok(Some(true)) => stop.store(true, Ordering::Relaxed),
                Ok(_) => {}
                Err(e) => {
                    stop.store(true, Ordering::Relaxed);
                    failed = Some(e);
                }
            }
        }
    };
    let result = import.run(&mut progress);
    import.give_back();
    if let Some(e) = failed {
        return Err(e);
    }
    let report = result.or_throw(env)?;
    Ok(Either::A(to_js(env, &camel_case_keys(report))?))
}

fn next_id() -> u32 {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// Writes contacts back to CSV (UTF-8, `,`, a header row), in a form `importCsv` reads back to
/// the same contacts (with `delimiter: ','` and `decimal: '.'`). `source` is an array of contacts
/// or an `Audience` (with `options.list`, the list to export; the whole audience without it).
/// Returns the CSV text, or, with `options.path`, writes the file and returns how many contacts
/// it wrote. Throws a `ListError` `list.unknown` for an unknown list.
#[napi(
    ts_args_type = "source: Audience | Contact[], options?: ExportCsvOptions | null",
    ts_return_type = "string | number"
)]
pub fn export_csv(env: &Env, source: Arg, options: Arg) -> Result<Either<String, f64>> {
    let opts = Opts::read(env, options, "options", &["list", "path"])?;
    let (list, path): (Option<ListId>, Option<String>) = (opts.opt("list")?, opts.opt("path")?);
    let handle = source.and_then(|s| ClassInstance::<Audience>::from_unknown(s).ok());
    let owned;
    let contacts: Vec<&sequenza::Contact> = match &handle {
        Some(h) => h.get(env)?.contacts_in(list.as_ref()).or_throw(env)?,
        None => {
            owned = array(env, source, "source", sequenza::Contact::from_json)?;
            owned.iter().collect()
        }
    };
    let fail = |e: std::io::Error| napi::Error::from_reason(format!("cannot write the CSV: {e}"));
    let write =
        |mut out: &mut dyn Write| sequenza::import::export_csv(contacts.iter().copied(), &mut out);
    let Some(path) = path else {
        let mut out = Vec::new();
        write(&mut out).map_err(fail)?;
        return Ok(Either::A(String::from_utf8_lossy(&out).into_owned()));
    };
    let mut out = BufWriter::new(std::fs::File::create(&path).map_err(fail)?);
    let n = write(&mut out)
        .and_then(|n| out.flush().map(|()| n))
        .map_err(fail)?;
    Ok(Either::B(n as f64))
}

/// The arguments of an import, read as `importCsv` reads them: the input, the options (`now`
/// required, `onProgress`, `fileName`, the CSV settings), the field schema. `Engine.importCsv`
/// runs it at once on this thread (`run`).
pub(crate) struct ImportCall<'a> {
    pub(crate) opts: Opts<'a>,
    on_progress: Option<Unknown<'a>>,
    pub(crate) job: Job,
}

/// What an import reads and writes with: the input, the CSV settings, the field schema, `now`
/// and the file's name for the list's source (`options.fileName`, else the path's).
pub(crate) struct Job {
    input: CsvSource,
    pub(crate) settings: ImportOptions,
    schema: FieldSchema,
    pub(crate) now: DateTime<Utc>,
    pub(crate) file: Option<String>,
}

/// What `ImportCall::run` runs: the reader, the job and the progress callback to the core's
/// import.
pub(crate) type ImportFn<'r> =
    dyn FnOnce(&mut dyn Read, &Job, &mut dyn FnMut(Progress)) -> sequenza::Result<Value> + 'r;

impl<'a> ImportCall<'a> {
    /// Reads the options and the input; `own` names the caller's own options (left out of the
    /// CSV settings).
    pub(crate) fn read(env: &Env, input: Arg, options: Arg<'a>, own: &[&str]) -> Result<Self> {
        let (opts, settings, schema) = parse(env, options, own)?;
        let now = opts.must("now")?;
        let on_progress = match opts.get("onProgress")? {
            Some(f) if f.get_type()? != ValueType::Function => {
                let name = "options.onProgress";
                return Err(wrong_type(env, Some(&f), name, "a function"));
            }
            f => f,
        };
        let file = opts.opt("fileName")?;
        let input = self::input(env, input)?;
        let file = file.or_else(|| input.file_name());
        let job = Job {
            input,
            settings,
            schema,
            now,
            file,
        };
        Ok(ImportCall {
            opts,
            on_progress,
            job,
        })
    }

    /// The progress callback, returning `R`.
    fn progress<R: FromNapiValue>(&self) -> Result<Option<Function<'a, Value, R>>> {
        self.on_progress.map(Function::from_unknown).transpose()
    }

    /// Runs the import; `onProgress({bytesRead, rows})` is called on this thread (the first
    /// exception it throws stops further calls and is thrown once the import has ended).
    pub(crate) fn run(self, env: &Env, import: Box<ImportFn<'_>>) -> Result<Value> {
        let mut failed = None;
        let on_progress = self.progress::<()>()?;
        let mut progress = |p: Progress| {
            if let (Some(f), None) = (&on_progress, &failed) {
                let v = serde_json::json!({"bytesRead": p.bytes_read, "rows": p.rows});
                if let Err(e) = f.call(v) {
                    failed = Some(e);
                }
            }
        };
        let result = import(&mut self.job.input.reader(), &self.job, &mut progress);
        if let Some(e) = failed {
            return Err(e);
        }
        result.or_throw(env)
    }
}
