//! Browser / WebAssembly binding of [`sequenza`]: the package `sequenza-wasm`.
//!
//! The same API as the Node package, in camelCase:
//!
//! - flows: a `Flow` class (`Flow.fromJson`, `id`, `name`, `status`, `version`, `toJson`,
//!   `toObject`, `outline`) and the functions `validateFlow`, `validateFlows`, `findingCodes` and
//!   `flowSchema`;
//! - conditions and segments: a `Segment` class (`Segment.parse`, `Segment.fromJson`,
//!   `Segment.fromJsonlogic`, `toText`, `toJson`, `toObject`, `check`, `matches`, `filter`,
//!   `count`), a `SegmentIndex` class and the function `jsonlogicApply`; and, for segment
//!   builders that recount on every edit, a `ContactTable` class (contacts read once);
//! - time: a `SendPolicy` class (quiet hours, weekdays, send windows in a time zone:
//!   `isAllowed`, `nextAllowed`, `decide`) and a `Recurrence` class (from the rule's JSON form or
//!   an RRULE: `nextAfter`, `atOrAfter`, `between`, `toRrule`), over `Date`s or RFC 3339
//!   strings, answering RFC 3339 UTC strings;
//! - lists (issue 5): an `Audience` class (contacts, activities, lists from sources kept up to
//!   date: `createList`, `renameList`, `deleteList`, `members`, `addToList`, `removeFromList`,
//!   `upsertContact`, `record`, `tick` … each returning the list changes it caused), the
//!   functions `sourceCondition` and `listTriggerHits`; CSV import on bytes: `previewCsv`,
//!   `importCsv` (into an `Audience`, making a list of the file's contacts) and `exportCsv`
//!   (file-level import problems are `CsvImportError`s with `row`, `column`, `columnName` and
//!   `byteOffset`).
//!
//! This crate only converts: every input (a JSON string or a plain JS object) becomes JSON text
//! read by the core's `from_json`, every output is a plain JS object made from the core's serde
//! form, and every core error becomes a real JS `Error` with `name`, `code`, `path`, `line` and
//! `column`. Nothing here decides anything about flows, conditions or segments. Nothing reads
//! the clock either: `now` is always an argument (a `Date` or an RFC 3339 string).
//!
//! ```js
//! import init, { Segment, validateFlow } from './pkg-web/sequenza_wasm.js';
//! await init();
//! const findings = validateFlow({ id: 'f', name: 'F', triggers: [], start: 'x', nodes: [] });
//! const segment = Segment.parse('city = "Milano" and tags has any ("vip")');
//! const n = segment.count([{ id: 'a', fields: { city: 'Milano' }, tags: ['vip'] }], { now: new Date() });
//! ```

#![deny(missing_docs)]

mod condition;
mod import;
mod index;
mod input;
mod list;
mod table;
mod time;

use serde::Serialize;
use wasm_bindgen::prelude::*;

pub use condition::{jsonlogic_apply, Segment};
pub use import::{export_csv_js, import_csv_js, preview_csv_js};
pub use index::SegmentIndex;
pub use list::{list_trigger_hits, source_condition, Audience};
pub use table::ContactTable;
pub use time::{
    local_to_utc, plan_send, resolve_time_zone, wait_end, FrequencyCaps, Recurrence, SendPolicy,
};

/// The optional field-schema argument: `undefined` or `null` when omitted.
type Fields = Option<JsValue>;

/// The committed JSON Schema of a flow document.
const FLOW_SCHEMA: &str = include_str!("../../core/schema/flow.schema.json");

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** One validation finding. `node` is `null` when the finding is about the flow as a whole. */
export interface Finding {
  /** Stable machine code, e.g. `flow.branch.missing` (see `findingCodes()`). */
  code: string;
  severity: 'error' | 'warning';
  /** The id of the flow the finding is about. */
  flow: string;
  /** The id of the node the finding is about, or `null`. */
  node: string | null;
  /** JSON pointer (RFC 6901) into the flow document. */
  path: string;
  /** What is wrong, in words a marketer understands. */
  message: string;
}

/** A finding code with its severity and what it means. */
export interface FindingCode {
  code: string;
  severity: 'error' | 'warning';
  description: string;
}

/** The life-cycle state of a flow. */
export type FlowStatus = 'draft' | 'active' | 'paused' | 'archived';

/**
 * What `Flow.fromJson`, `validateFlow` and `validateFlows` throw for a document that is not a
 * flow (bad JSON, a wrong shape, an unknown node type): a real `Error` whose `name` is
 * `'FlowFormatError'`. The condition and segment API throws it too, for a condition, segment,
 * contact or event document that cannot be read (the core's one format-error kind).
 */
export interface FlowFormatError extends Error {
  name: 'FlowFormatError';
  /** `'format.syntax'`, `'format.eof'` or `'format.invalid'`. */
  code: string;
  /** JSON pointer of the offending value, `''` for the document itself. */
  path: string;
  /** 1-based line in the JSON text. */
  line: number;
  /** 1-based column in the JSON text. */
  column: number;
  /**
   * In calls taking arrays (`validateFlows`, `Segment.filter`, `events` options,
   * `SegmentIndex.registerAll`), the position of the offending element.
   */
  index?: number;
}
"#;

/// A flow: who enters (triggers), what happens (nodes joined by labelled edges) and how
/// (settings). Create one with `Flow.fromJson`.
///
/// `JSON.stringify(flow)` gives the flow's canonical JSON form (through `toJSON`).
#[wasm_bindgen]
#[derive(Debug, Clone)]
pub struct Flow {
    inner: sequenza::Flow,
}

#[wasm_bindgen]
impl Flow {
    /// Reads a flow from a JSON string or a plain object.
    ///
    /// Throws a `FlowFormatError` (with `code`, `path`, `line`, `column`) when the document is
    /// not a flow.
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(
        #[wasm_bindgen(unchecked_param_type = "string | object")] data: JsValue,
    ) -> Result<Flow, JsValue> {
        parse_flow(&data).map(|inner| Flow { inner })
    }

    /// The flow's id.
    #[wasm_bindgen(getter)]
    pub fn id(&self) -> String {
        self.inner.id.as_str().to_owned()
    }

    /// The flow's name.
    #[wasm_bindgen(getter)]
    pub fn name(&self) -> String {
        self.inner.name.clone()
    }

    /// `'draft'`, `'active'`, `'paused'` or `'archived'`.
    #[wasm_bindgen(getter, unchecked_return_type = "FlowStatus")]
    pub fn status(&self) -> String {
        // The status's JSON form is a plain string; serialising a unit variant cannot fail.
        match serde_json::to_value(self.inner.status) {
            Ok(serde_json::Value::String(s)) => s,
            _ => String::new(),
        }
    }

    /// The flow's version number.
    #[wasm_bindgen(getter)]
    pub fn version(&self) -> u32 {
        self.inner.version
    }

    /// The canonical JSON text of the flow; indented when `pretty` is true.
    #[wasm_bindgen(js_name = toJson)]
    pub fn to_json(&self, pretty: Option<bool>) -> String {
        if pretty.unwrap_or(false) {
            self.inner.to_json_pretty()
        } else {
            self.inner.to_json()
        }
    }

    /// The flow as a plain JS object (its canonical JSON form).
    #[wasm_bindgen(js_name = toObject, unchecked_return_type = "object")]
    pub fn to_object(&self) -> Result<JsValue, JsValue> {
        to_js(&self.inner)
    }

    /// Called by `JSON.stringify(flow)`: the same plain object as `toObject()`.
    ///
    /// It is also what lets `validateFlow`, `validateFlows` and `Flow.fromJson` accept a `Flow`
    /// like any other object, without taking ownership of it.
    #[wasm_bindgen(js_name = toJSON, unchecked_return_type = "object")]
    pub fn to_json_value(&self) -> Result<JsValue, JsValue> {
        self.to_object()
    }

    /// A readable outline: trigger, nodes with their branches, one per line.
    pub fn outline(&self) -> String {
        self.inner.outline()
    }
}

/// Validates one flow (a `Flow`, a JSON string or a plain object), optionally against the
/// declared profile fields (`{"fields": [...]}` as a string or an object).
///
/// Returns the findings (never throws for a broken flow); throws a `FlowFormatError` only when
/// the flow or the fields are not a valid document.
#[wasm_bindgen(js_name = validateFlow, unchecked_return_type = "Finding[]")]
pub fn validate_flow(
    #[wasm_bindgen(unchecked_param_type = "Flow | string | object")] flow: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "string | object | null")] fields: Fields,
) -> Result<JsValue, JsValue> {
    let flow = parse_flow(&flow)?;
    let fields = parse_fields(fields)?;
    to_js(&sequenza::validate_flow(&flow, fields.as_ref()))
}

/// Validates a set of flows: each flow on its own, then the checks across flows (duplicate
/// keywords, launch cycles, conflicting automatic sends).
///
/// A `FlowFormatError` about one of the flows also carries `index`, its position in `flows`.
#[wasm_bindgen(js_name = validateFlows, unchecked_return_type = "Finding[]")]
pub fn validate_flows(
    #[wasm_bindgen(unchecked_param_type = "Array<Flow | string | object>")] flows: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "string | object | null")] fields: Fields,
) -> Result<JsValue, JsValue> {
    if !js_sys::Array::is_array(&flows) {
        return Err(type_error("validateFlows expects an array of flows"));
    }
    let items = js_sys::Array::from(&flows);
    let mut parsed = Vec::with_capacity(items.length() as usize);
    for (index, item) in items.iter().enumerate() {
        let flow = parse_flow(&item).inspect_err(|err| {
            if err.is_instance_of::<js_sys::Error>() {
                set_property(err, "index", JsValue::from_f64(index as f64));
            }
        })?;
        parsed.push(flow);
    }
    let fields = parse_fields(fields)?;
    to_js(&sequenza::validate_flows(&parsed, fields.as_ref()))
}

/// Every finding code, with its severity and what it means.
#[wasm_bindgen(js_name = findingCodes, unchecked_return_type = "FindingCode[]")]
pub fn finding_codes() -> Result<JsValue, JsValue> {
    #[derive(Serialize)]
    struct Code {
        code: &'static str,
        severity: sequenza::Severity,
        description: &'static str,
    }
    let codes: Vec<Code> = sequenza::error::FindingCode::ALL
        .iter()
        .map(|c| Code {
            code: c.as_str(),
            severity: c.severity(),
            description: c.meaning(),
        })
        .collect();
    to_js(&codes)
}

/// The JSON Schema (draft 2020-12) of a flow document, as JSON text.
#[wasm_bindgen(js_name = flowSchema)]
pub fn flow_schema() -> String {
    FLOW_SCHEMA.to_owned()
}

/// Reads a flow from a JS value (string, plain object or `Flow`).
fn parse_flow(data: &JsValue) -> Result<sequenza::Flow, JsValue> {
    let text = json_text(data, "a flow")?;
    sequenza::Flow::from_json(&text).map_err(to_js_error)
}

/// Reads the optional field schema; `undefined` and `null` mean "no field schema".
fn parse_fields(fields: Fields) -> Result<Option<sequenza::FieldSchema>, JsValue> {
    match fields {
        Some(value) if !value.is_undefined() && !value.is_null() => {
            let text = json_text(&value, "a field schema")?;
            sequenza::FieldSchema::from_json(&text)
                .map(Some)
                .map_err(to_js_error)
        }
        _ => Ok(None),
    }
}

/// The JSON text of an input: a string as it is, anything else through `JSON.stringify` (which
/// calls `Flow.prototype.toJSON` for a `Flow`). Errors thrown by `JSON.stringify` (a cycle, a
/// BigInt) are passed on unchanged.
fn json_text(data: &JsValue, what: &str) -> Result<String, JsValue> {
    if let Some(text) = data.as_string() {
        return Ok(text);
    }
    if data.is_undefined() || data.is_function() || data.is_symbol() {
        return Err(type_error(&format!(
            "expected {what} as a JSON string or an object"
        )));
    }
    js_sys::JSON::stringify(data)?
        .as_string()
        .ok_or_else(|| type_error(&format!("expected {what} as a JSON string or an object")))
}

/// A plain JS value (objects, arrays, `null`; never `Map`) from a serde value.
fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(JsValue::from)
}

/// Maps a core error to a JS `Error` whose `name` is the error kind (`FlowFormatError`,
/// `ConditionSyntaxError`, `ConditionError`, `TimeError`) with `code`, `path`, `line` and
/// `column` (`null` where the kind has no such place) and, for syntax errors, `expected` and
/// `found`.
fn to_js_error(err: sequenza::Error) -> JsValue {
    let js = js_sys::Error::new(&err.to_string());
    let name = match &err {
        sequenza::Error::Format(_) => "FlowFormatError",
        sequenza::Error::Parse(parse) => {
            let expected: js_sys::Array = parse
                .expected
                .iter()
                .map(|e| JsValue::from_str(e))
                .collect();
            set_property(&js, "expected", expected.into());
            set_property(&js, "found", JsValue::from_str(&parse.found));
            "ConditionSyntaxError"
        }
        sequenza::Error::Condition(_) => "ConditionError",
        sequenza::Error::Time(_) => "TimeError",
        sequenza::Error::List(_) => "ListError",
        sequenza::Error::Import(import) => {
            let num = |n: Option<f64>| n.map_or(JsValue::NULL, JsValue::from_f64);
            set_property(&js, "row", num(import.row.map(|r| r as f64)));
            set_property(&js, "column", num(import.column.map(|c| c as f64)));
            set_property(
                &js,
                "columnName",
                import
                    .column_name
                    .as_deref()
                    .map_or(JsValue::NULL, JsValue::from_str),
            );
            set_property(&js, "byteOffset", num(import.offset.map(|o| o as f64)));
            "CsvImportError"
        }
        // A kind of error this binding does not know yet: the base class with its code.
        _ => "SequenzaError",
    };
    js.set_name(name);
    set_property(&js, "code", JsValue::from_str(err.code()));
    set_property(
        &js,
        "path",
        err.path().map_or(JsValue::NULL, JsValue::from_str),
    );
    let (line, column) = match err.line_column() {
        Some((line, column)) => (
            JsValue::from_f64(line as f64),
            JsValue::from_f64(column as f64),
        ),
        None => (JsValue::NULL, JsValue::NULL),
    };
    set_property(&js, "line", line);
    if !matches!(err, sequenza::Error::Import(_)) {
        set_property(&js, "column", column);
    }
    js.into()
}

/// A JS `TypeError` for an argument of the wrong kind, with `code` `ERR_INVALID_ARG_TYPE` as
/// Node gives its own argument errors (and the Node binding does).
fn type_error(message: &str) -> JsValue {
    let e: JsValue = js_sys::TypeError::new(message).into();
    set_property(&e, "code", JsValue::from_str("ERR_INVALID_ARG_TYPE"));
    e
}

/// Sets a property on an object this binding created (or an `Error` it passes on).
fn set_property(target: &JsValue, key: &str, value: JsValue) {
    // Defining a data property on an ordinary extensible object cannot fail; there is nothing
    // useful to do if a frozen object refuses it.
    let _ = js_sys::Reflect::set(target, &JsValue::from_str(key), &value);
}
