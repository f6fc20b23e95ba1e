//! CSV import (cargo feature `import`): `previewCsv`, `importCsv` and `exportCsv`, on bytes. The
//! settings are the core's `ImportOptions` (camelCase keys); outputs are the core's JSON forms
//! with camelCase keys.

use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, Ordering};

use sequenza::import::{self, ImportList, ImportOptions, Progress, Stoppable};
use sequenza::model::ListId;
use sequenza::Contact;
use serde::Deserialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::list::{audience_of, busy};
use crate::*;

/// The options of the import calls (`previewCsv`, `importCsv`, `Engine.importCsv`) besides the
/// core's settings.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct CallOptions {
    fields: Js,
    pub(crate) now: Js,
    pub(crate) on_progress: Js,
    audience: Js,
    pub(crate) enroll: Js,
    pub(crate) file_name: Option<String>,
    pub(crate) list_name: Option<String>,
}

/// The own option keys (snake_case) of `previewCsv` and `importCsv`, which the core's
/// `ImportOptions` does not read.
const CALL_KEYS: &[&str] = &[
    "fields",
    "now",
    "on_progress",
    "audience",
    "file_name",
    "list_name",
];

/// The core's `ImportOptions` of an options object: every key but the call's own (`call_keys`,
/// snake_case), read by the core.
fn settings(options: &JsValue, call: &str, call_keys: &[&str]) -> JsResult<ImportOptions> {
    let settings = match absent(options) {
        false => snake_case_keys(options, call)?,
        true => serde_json::Value::Null,
    };
    ImportOptions::from_call_options(settings, call_keys).map_err(js_error)
}

/// The call's options (its own keys `call_keys`) and the core's `ImportOptions` (every other
/// key, read by the core).
pub(crate) fn read_options(
    options: Option<JsValue>,
    call: &str,
    call_keys: &[&str],
) -> JsResult<(CallOptions, ImportOptions)> {
    let o: CallOptions = crate::options(options.clone(), call)?;
    Ok((o, settings(&options.unwrap_or_default(), call, call_keys)?))
}

/// An `onProgress` callback: called with each progress report (camelCase keys) until it throws;
/// what it threw is rethrown after the import.
pub(crate) struct ProgressCallback {
    f: Option<js_sys::Function>,
    thrown: RefCell<Option<JsValue>>,
    /// Set once the callback threw: the core's `Stoppable` reader then stops the import.
    stop: AtomicBool,
}

impl ProgressCallback {
    /// The callback of an `onProgress` option (none when absent).
    pub(crate) fn new(value: &JsValue, call: &str) -> JsResult<Self> {
        let f = opt(Some(value), |v| {
            let wrong = || type_error(&format!("{call}: onProgress must be a function"));
            v.clone()
                .dyn_into::<js_sys::Function>()
                .map_err(|_| wrong())
        })?;
        let (thrown, stop) = Default::default();
        Ok(ProgressCallback { f, thrown, stop })
    }

    /// A reader over `data` that fails once the callback threw: the import stops at the next
    /// chunk.
    pub(crate) fn reader<'a>(&'a self, data: &'a [u8]) -> Stoppable<&'a [u8], &'a AtomicBool> {
        Stoppable::new(data, &self.stop)
    }

    /// Reports progress, unless the callback threw before.
    pub(crate) fn call(&self, p: Progress) {
        let Some(f) = self.f.as_ref().filter(|_| self.thrown.borrow().is_none()) else {
            return;
        };
        let arg = to_js_camel(&p).unwrap_or(JsValue::NULL);
        *self.thrown.borrow_mut() = f.call1(&JsValue::NULL, &arg).err();
        self.stop
            .store(self.thrown.borrow().is_some(), Ordering::Relaxed);
    }

    /// What the callback threw, as the error of the call; with the partial report of the
    /// stopped import (`outcome`'s error, the same field a `CsvImportError` carries) as `report`.
    pub(crate) fn rethrow<T>(self, outcome: &sequenza::Result<T>) -> JsResult<()> {
        let Some(e) = self.thrown.into_inner() else {
            return Ok(());
        };
        if let Err(stopped) = outcome {
            if let Some(partial) = stopped.data().report {
                set(&e, "report", to_js_camel(&partial)?);
            }
        }
        Err(e)
    }
}

/// The bytes of the input: a `Uint8Array` (or an `ArrayBuffer`), copied once.
pub(crate) fn bytes(value: &JsValue, call: &str) -> JsResult<Vec<u8>> {
    if let Some(b) = value.dyn_ref::<js_sys::ArrayBuffer>() {
        return Ok(js_sys::Uint8Array::new(b).to_vec());
    }
    let wrong = || type_error(&format!("{call}: bytes must be a Uint8Array"));
    let array = value.dyn_ref::<js_sys::Uint8Array>().ok_or_else(wrong)?;
    Ok(array.to_vec())
}

/// Previews CSV bytes: detected settings, suggested mapping and the first rows as they would be
/// imported, before anything is written.
#[wasm_bindgen(js_name = previewCsv, unchecked_return_type = "CsvPreview")]
pub fn preview_csv(data: Bytes, options: Option<CsvOptions>) -> JsResult<JsValue> {
    let (o, settings) = read_options(options.map(Into::into), "previewCsv", CALL_KEYS)?;
    let schema = field_schema(Some(o.fields.0))?.unwrap_or_default();
    let data = bytes(&data, "previewCsv")?;
    to_js_camel(&core(import::preview_csv(&data, &settings, &schema))?)
}

/// Imports CSV bytes at `options.now`: into `options.audience` (and a new list of the file's
/// contacts), or, without it, a dry run that validates every row. `options.onProgress` is
/// called every 8192 rows and at the end; when it throws, the import stops at the next chunk and
/// its exception is rethrown with `report` (what was written, as on a `CsvImportError` of an
/// import stopped part-way: `err.data().report` of the core).
#[wasm_bindgen(js_name = importCsv, unchecked_return_type = "ImportReport")]
pub fn import_csv(data: Bytes, options: ImportCsvOptions) -> JsResult<JsValue> {
    let (o, settings) = read_options(Some(options.into()), "importCsv", CALL_KEYS)?;
    let schema = field_schema(Some(o.fields.0))?.unwrap_or_default();
    let now = now_of(&o.now.0, "importCsv")?;
    let progress = ProgressCallback::new(&o.on_progress.0, "importCsv")?;
    let audience = opt(Some(&o.audience.0), |a| {
        audience_of(a, "importCsv: audience")
    })?;
    let data = bytes(&data, "importCsv")?;
    let mut progress_fn = |p: Progress| progress.call(p);
    let reader = progress.reader(&data);
    let mut inner = match &audience {
        Some(shared) => Some(shared.try_borrow_mut().map_err(|_| busy())?),
        None => None,
    };
    let (name, file) = (o.list_name, o.file_name);
    let (list, into) = (ImportList { name, file }, inner.as_deref_mut());
    let report = import::import_csv_to(
        reader,
        &settings,
        &schema,
        into,
        &list,
        now,
        &mut progress_fn,
    );
    progress.rethrow(&report)?;
    let done = core(report)?;
    match done.list_id {
        Some(_) => to_js_camel(&done),
        None => to_js_camel(&done.report),
    }
}

/// Writes contacts (an array, or an `Audience`: the members of `options.list`, every contact
/// without it) to CSV that
/// `importCsv` reads back; text, or UTF-8 bytes with `options.as === 'bytes'`.
#[wasm_bindgen(js_name = exportCsv, unchecked_return_type = "string | Uint8Array")]
pub fn export_csv(source: ExportSource, options: Option<ExportCsvOptions>) -> JsResult<JsValue> {
    #[derive(Deserialize, Default)]
    struct ExportOptions {
        list: Option<String>,
        #[serde(rename = "as")]
        bytes: Option<String>,
    }
    let o: ExportOptions = crate::options(options, "exportCsv")?;
    let mut out = Vec::new();
    let written = if js_sys::Array::is_array(&source) {
        let contacts = docs(&source, "exportCsv: contacts", Contact::from_json)?;
        import::export_csv(contacts.iter(), &mut out)
    } else {
        let shared = audience_of(&source, "exportCsv: source")?;
        let a = shared.try_borrow().map_err(|_| busy())?;
        let list = o.list.map(ListId::new);
        let contacts = core(a.contacts_in(list.as_ref()))?;
        import::export_csv(contacts.iter().copied(), &mut out)
    };
    written.map_err(|e| JsValue::from(js_sys::Error::new(&format!("exportCsv: {e}"))))?;
    match o.bytes.as_deref() {
        Some("bytes") => Ok(js_sys::Uint8Array::from(out.as_slice()).into()),
        None | Some("string") => Ok(String::from_utf8_lossy(&out).into_owned().into()),
        Some(_) => Err(range_error("exportCsv: as must be 'string' or 'bytes'")),
    }
}
