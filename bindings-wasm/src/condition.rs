//! Conditions and segments: the `Segment` class and `jsonlogicApply`.
//!
//! `Segment` wraps a core [`Condition`] with an optional id and name. Reading (`parse`,
//! `fromJson`, `fromJsonlogic`), printing (`toText`, `toJson`), checking (`check`) and evaluating
//! (`matches` on one contact with the core's `CompiledCondition`; `filter` / `count` on many with
//! the core's bulk `ContactTable`) are the core's; this module only converts.

use std::cell::OnceCell;
use std::collections::HashMap;

use sequenza::condition::bulk::{Bitmap, ContactTable, Evaluation};
use sequenza::condition::eval::{CompiledCondition, EvalContext};
use sequenza::condition::Condition;
use sequenza::model::SegmentId;
use serde_json::Value as Json;
use wasm_bindgen::prelude::*;

use crate::input::{self, Options};
use crate::{json_text, set_property, to_js, to_js_error, type_error};

#[wasm_bindgen(typescript_custom_section)]
const TS_CONDITION_TYPES: &'static str = r#"
/** Any JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * An instant: a `Date` or an RFC 3339 string. The WebAssembly build never reads the clock, so
 * `now` is always given by the caller.
 */
export type Instant = Date | string;

/** Options of `Segment.matches`. */
export interface MatchOptions {
  /** The instant of evaluation (required). */
  now: Instant;
  /** The contact's events (events of other contacts are ignored). */
  events?: Array<ContactEvent | string>;
  /** IANA zone of contacts without a (known) `time_zone`; `'UTC'` when omitted. */
  defaultTimeZone?: string;
  /** The ids of the segments the contact is in (what `in_segment` reads). */
  segments?: string[];
  /** A field schema (`{fields: [...]}`): checks field names and types first. */
  fields?: string | object | null;
}

/** Options of `Segment.filter` and `Segment.count`. */
export interface FilterOptions {
  /** The instant of evaluation (required). */
  now: Instant;
  /** Events of the contacts (events of other contacts are ignored). */
  events?: Array<ContactEvent | string>;
  /** IANA zone of contacts without a (known) `time_zone`; `'UTC'` when omitted. */
  defaultTimeZone?: string;
  /** The members of the segments `in_segment` may name: `{segmentId: [contactId, …]}`. */
  segments?: { [segmentId: string]: string[] };
  /** A field schema (`{fields: [...]}`): only declared fields are columns. */
  fields?: string | object | null;
}

/** Options of `new SegmentIndex(…)`. */
export interface SegmentIndexOptions {
  /** A field schema every registered segment is checked against. */
  fields?: string | object | null;
  /** IANA zone of contacts without a (known) `time_zone`; `'UTC'` when omitted. */
  defaultTimeZone?: string;
}

/** Properties every sequenza error carries (`null` where the error kind has no such place). */
export interface SequenzaErrorFields {
  code: string;
  path: string | null;
  line: number | null;
  column: number | null;
  /** In calls taking arrays (contacts, events, flows), the position of the offending element. */
  index?: number;
}

/** Condition text that cannot be parsed (`Segment.parse`): code `'condition.syntax'`. */
export interface ConditionSyntaxError extends Error, SequenzaErrorFields {
  name: 'ConditionSyntaxError';
  code: 'condition.syntax';
  path: null;
  /** 1-based line of the offending token. */
  line: number;
  /** 1-based column (in characters) of the offending token. */
  column: number;
  /** What the parser expected there. */
  expected: string[];
  /** What it found. */
  found: string;
}

/**
 * A condition or segment that cannot be evaluated as written: `condition.field.unknown`,
 * `condition.type_mismatch`, `condition.regex.invalid`, `condition.too_deep`,
 * `condition.jsonlogic.unsupported`, `segment.cycle`, `segment.unknown`, … `path` is a JSON
 * pointer into the condition (or the segment).
 */
export interface ConditionError extends Error, SequenzaErrorFields {
  name: 'ConditionError';
  path: string;
  line: null;
  column: null;
}

/** A JsonLogic rule `jsonlogicApply` cannot evaluate; `path` points into the rule. */
export interface JsonLogicError extends Error, SequenzaErrorFields {
  name: 'JsonLogicError';
  code: 'jsonlogic.unknown_operator' | 'jsonlogic.too_deep' | 'jsonlogic.invalid_arguments';
  path: string;
  line: null;
  column: null;
}
"#;

/// A segment: a condition over contacts, with an optional id and name.
///
/// Create one with `Segment.parse(text)`, `Segment.fromJson(json)` or
/// `Segment.fromJsonlogic(rule)`. `JSON.stringify(segment)` gives `{id, name, condition}` for a
/// segment with an id and the condition alone otherwise; `Segment.fromJson` reads both back.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Segment {
    pub(crate) id: Option<String>,
    pub(crate) name: Option<String>,
    pub(crate) condition: Condition,
    /// The condition compiled without a field schema, on first use by `matches`.
    compiled: OnceCell<CompiledCondition>,
}

impl Segment {
    fn new(id: Option<String>, name: Option<String>, condition: Condition) -> Segment {
        // A segment with an id and no name is named by its id, as a segment document needs both.
        let name = name.or_else(|| id.clone());
        Segment {
            id,
            name,
            condition,
            compiled: OnceCell::new(),
        }
    }

    /// The condition compiled without a field schema (cached), or with `fields`.
    fn with_compiled<T>(
        &self,
        fields: Option<&sequenza::FieldSchema>,
        run: impl FnOnce(&CompiledCondition) -> T,
    ) -> Result<T, JsValue> {
        if let Some(schema) = fields {
            let compiled =
                CompiledCondition::compile(&self.condition, Some(schema)).map_err(to_js_error)?;
            return Ok(run(&compiled));
        }
        if let Some(compiled) = self.compiled.get() {
            return Ok(run(compiled));
        }
        let compiled = CompiledCondition::compile(&self.condition, None).map_err(to_js_error)?;
        Ok(run(self.compiled.get_or_init(|| compiled)))
    }

    /// The core segment (id, name, condition) of a segment that has an id.
    pub(crate) fn to_core(&self) -> Option<sequenza::segment::Segment> {
        let id = self.id.clone()?;
        let name = self.name.clone().unwrap_or_else(|| id.clone());
        Some(sequenza::segment::Segment::new(
            id,
            name,
            self.condition.clone(),
        ))
    }

    /// The row bitmap of the contacts that match, with the table they were read into.
    fn evaluate(
        &self,
        contacts: &JsValue,
        options: JsValue,
        call: &'static str,
    ) -> Result<(ContactTable, Bitmap), JsValue> {
        let options = Options::new(Some(options), call)?;
        // `now` first: a missing `now` is reported before any contact is read.
        options.now()?;
        let table = crate::table::read_table(contacts, &options, call)?;
        let hits = self.evaluate_on(&table, &options)?;
        Ok((table, hits))
    }

    /// The rows of `table` that match, with the `now`, `defaultTimeZone` and `segments` options.
    pub(crate) fn evaluate_on(
        &self,
        table: &ContactTable,
        options: &Options,
    ) -> Result<Bitmap, JsValue> {
        let now = options.now()?;
        let tz = options.default_time_zone()?;
        let memberships = match options.get("segments")? {
            Some(value) => Some(memberships(table, &value, options.call)?),
            None => None,
        };
        let mut evaluation = Evaluation::new(now).with_time_zone(tz);
        if let Some(map) = &memberships {
            evaluation = evaluation.with_segments(map);
        }
        table
            .evaluate_with(&self.condition, &evaluation)
            .map_err(to_js_error)
    }
}

/// The `segments` option of `filter` / `count` as row bitmaps over `table`. Contact ids that are not rows of
/// the table are ignored (they are not among the contacts evaluated).
fn memberships(
    table: &ContactTable,
    value: &JsValue,
    call: &str,
) -> Result<HashMap<SegmentId, Bitmap>, JsValue> {
    let rows: HashMap<&str, usize> = table
        .ids()
        .iter()
        .enumerate()
        .map(|(row, id)| (id.as_str(), row))
        .collect();
    let mut out = HashMap::new();
    for (segment, members) in input::memberships(value, &format!("{call}: segments"))? {
        let bitmap = Bitmap::from_rows(
            table.len(),
            members.iter().filter_map(|m| rows.get(m.as_str()).copied()),
        );
        out.insert(SegmentId::from(segment), bitmap);
    }
    Ok(out)
}

#[wasm_bindgen]
impl Segment {
    /// Reads a condition written in the text syntax, e.g.
    /// `city = "Milano" and not did "order.placed" within 90 days`.
    ///
    /// `id` and `name` are optional (a segment with an id and no name is named by its id).
    /// Throws a `ConditionSyntaxError` (`code`, `line`, `column`, `expected`, `found`).
    pub fn parse(
        #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
        id: Option<String>,
        name: Option<String>,
    ) -> Result<Segment, JsValue> {
        let Some(text) = text.as_string() else {
            return Err(type_error(
                "Segment.parse expects the condition text as a string",
            ));
        };
        let condition = Condition::parse(&text).map_err(to_js_error)?;
        Ok(Segment::new(id, name, condition))
    }

    /// Reads a condition's JSON form, or a segment document `{id, name, condition}`, from a JSON
    /// string or a plain object (or another `Segment`).
    ///
    /// Throws a `FlowFormatError` (`code`, `path`, `line`, `column`) when the document is not a
    /// condition or a segment.
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(
        #[wasm_bindgen(unchecked_param_type = "Condition | SegmentObject | Segment | string")]
        data: JsValue,
    ) -> Result<Segment, JsValue> {
        let text = json_text(&data, "a condition or a segment")?;
        if is_segment_document(&text) {
            let segment = sequenza::segment::Segment::from_json(&text).map_err(to_js_error)?;
            return Ok(Segment::new(
                Some(segment.id.0),
                Some(segment.name),
                segment.condition,
            ));
        }
        let condition = Condition::from_json(&text).map_err(to_js_error)?;
        Ok(Segment::new(None, None, condition))
    }

    /// Translates a JsonLogic rule (as query builders export them) into a condition, where an
    /// exact equivalent exists. A string is read as the rule's JSON text.
    ///
    /// Throws a `ConditionError` with code `condition.jsonlogic.unsupported` and the JSON
    /// pointer of the part of the rule that has no equivalent.
    #[wasm_bindgen(js_name = fromJsonlogic)]
    pub fn from_jsonlogic(
        #[wasm_bindgen(unchecked_param_type = "JsonValue")] rule: JsValue,
        id: Option<String>,
        name: Option<String>,
    ) -> Result<Segment, JsValue> {
        let rule = match rule.as_string() {
            Some(text) => parse_json(&text, "the JsonLogic rule")?,
            None => json_value(&rule, "the JsonLogic rule")?,
        };
        let condition = Condition::from_jsonlogic(&rule).map_err(to_js_error)?;
        Ok(Segment::new(id, name, condition))
    }

    /// The segment's id, or `null`.
    #[wasm_bindgen(getter, unchecked_return_type = "string | null")]
    pub fn id(&self) -> JsValue {
        self.id.as_deref().map_or(JsValue::NULL, JsValue::from_str)
    }

    /// The segment's name, or `null`.
    #[wasm_bindgen(getter, unchecked_return_type = "string | null")]
    pub fn name(&self) -> JsValue {
        self.name
            .as_deref()
            .map_or(JsValue::NULL, JsValue::from_str)
    }

    /// The condition in the readable text syntax (what `Segment.parse` reads).
    #[wasm_bindgen(js_name = toText)]
    pub fn to_text(&self) -> String {
        self.condition.to_string()
    }

    /// Same as `toText()`.
    #[wasm_bindgen(js_name = toString)]
    pub fn to_text_string(&self) -> String {
        self.condition.to_string()
    }

    /// The condition's JSON text; indented when `pretty` is true.
    #[wasm_bindgen(js_name = toJson)]
    pub fn to_json(&self, pretty: Option<bool>) -> Result<String, JsValue> {
        let text = if pretty.unwrap_or(false) {
            serde_json::to_string_pretty(&self.condition)
        } else {
            serde_json::to_string(&self.condition)
        };
        text.map_err(|e| type_error(&e.to_string()))
    }

    /// The condition as a plain object (the object form of `toJson()`).
    #[wasm_bindgen(js_name = toObject, unchecked_return_type = "Condition")]
    pub fn to_object(&self) -> Result<JsValue, JsValue> {
        to_js(&self.condition)
    }

    /// Called by `JSON.stringify(segment)`: `{id, name, condition}` for a segment with an id,
    /// the condition alone otherwise.
    #[wasm_bindgen(js_name = toJSON, unchecked_return_type = "SegmentObject | Condition")]
    pub fn to_json_value(&self) -> Result<JsValue, JsValue> {
        match self.to_core() {
            Some(segment) => to_js(&segment),
            None => to_js(&self.condition),
        }
    }

    /// Checks the condition without evaluating it: value shapes, regular expressions, dates,
    /// nesting depth and, with a field schema (`{fields: [...]}`), field names and types.
    ///
    /// Throws a `ConditionError` (`code`, `path`) when the condition cannot be evaluated.
    pub fn check(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "string | object | null")] fields: Option<
            JsValue,
        >,
    ) -> Result<(), JsValue> {
        let fields = crate::parse_fields(fields)?;
        self.with_compiled(fields.as_ref(), |_| ())
    }

    /// True when the contact (with its `events`) satisfies the condition at `now`.
    ///
    /// `options`: `{now, events?, defaultTimeZone?, segments?, fields?}`; `now` (a `Date` or an
    /// RFC 3339 string) is required. Throws a `ConditionError` for a condition that cannot be
    /// evaluated and a `FlowFormatError` for a contact or event that is not one.
    pub fn matches(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Contact | string")] contact: JsValue,
        #[wasm_bindgen(unchecked_param_type = "MatchOptions")] options: JsValue,
    ) -> Result<bool, JsValue> {
        let options = Options::new(Some(options), "Segment.matches")?;
        let now = options.now()?;
        let tz = options.default_time_zone()?;
        let contact = input::contact(&contact)?;
        let events = options.events()?;
        let segments = match options.get("segments")? {
            Some(value) => input::segment_ids(&value, "Segment.matches: segments")?,
            None => Vec::new(),
        };
        let fields = options.fields()?;
        self.with_compiled(fields.as_ref(), |compiled| {
            let ctx = EvalContext::new(now)
                .with_default_time_zone(tz)
                .with_segments(&segments);
            compiled.matches(&contact, &events, &ctx)
        })
    }

    /// The ids of the contacts that satisfy the condition at `now`, in the order of `contacts`.
    ///
    /// Evaluated column-wise by the core's bulk evaluator (the same results as `matches` on
    /// each contact). `options`: `{now, events?, defaultTimeZone?, segments?, fields?}`.
    /// To evaluate many segments over the same contacts, read them once into a `ContactTable`.
    pub fn filter(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Array<Contact | string>")] contacts: JsValue,
        #[wasm_bindgen(unchecked_param_type = "FilterOptions")] options: JsValue,
    ) -> Result<Vec<String>, JsValue> {
        let (table, hits) = self.evaluate(&contacts, options, "Segment.filter")?;
        Ok(hits.ids(&table).map(|id| id.as_str().to_owned()).collect())
    }

    /// How many contacts satisfy the condition at `now`: the "N contacts match" of a segment
    /// builder. The same options as `filter`. Reading the contacts is most of the work: a
    /// builder that counts on every edit reads them once into a `ContactTable` and calls
    /// `table.count(segment, {now})`.
    pub fn count(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Array<Contact | string>")] contacts: JsValue,
        #[wasm_bindgen(unchecked_param_type = "FilterOptions")] options: JsValue,
    ) -> Result<u32, JsValue> {
        let (_, hits) = self.evaluate(&contacts, options, "Segment.count")?;
        Ok(u32::try_from(hits.count()).unwrap_or(u32::MAX))
    }
}

/// True when `text` is a segment document (an object with `condition` and no `type`) rather
/// than a bare condition. Anything unreadable is left to the condition reader to report.
fn is_segment_document(text: &str) -> bool {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match serde_json::from_str::<Json>(text) {
        Ok(Json::Object(map)) => map.contains_key("condition") && !map.contains_key("type"),
        _ => false,
    }
}

/// How deeply a JSON value given to `jsonlogicApply` or `Segment.fromJsonlogic` may nest (in
/// JSON levels: objects and arrays). Enough for the core to see, and report, a rule nesting past
/// its own limit (`jsonlogic.too_deep`, 256 operations of two levels each); deeper values are a
/// `RangeError`, so that reading them cannot exhaust the WebAssembly stack.
const MAX_JSON_DEPTH: usize = 1024;

/// The nesting depth of JSON text (objects and arrays), counted without recursion.
fn json_depth(text: &str) -> usize {
    let (mut depth, mut deepest, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for b in text.bytes() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// A JSON value from JSON text; bad text is a JS `SyntaxError`.
fn parse_json(text: &str, what: &str) -> Result<Json, JsValue> {
    // serde_json reads at most 128 levels; deeper (but bounded) values are read from the JS
    // value JSON.parse makes of the same text.
    let depth = json_depth(text);
    if depth > MAX_JSON_DEPTH {
        return Err(input::range_error(&format!(
            "{what} nests deeper than {MAX_JSON_DEPTH} levels"
        )));
    }
    if depth >= 120 {
        let value = js_sys::JSON::parse(text)?;
        return serde_wasm_bindgen::from_value(value)
            .map_err(|e| type_error(&format!("{what} cannot be read: {e}")));
    }
    serde_json::from_str(text)
        .map_err(|e| js_sys::SyntaxError::new(&format!("{what} is not valid JSON: {e}")).into())
}

/// A JSON value from any JS value, through `JSON.stringify` (so a string is a JSON string, not
/// JSON text). `undefined`, functions and symbols are `TypeError`s.
fn json_value(value: &JsValue, what: &str) -> Result<Json, JsValue> {
    let text = js_sys::JSON::stringify(value)?;
    match text.as_string() {
        Some(text) => parse_json(&text, what),
        None => Err(type_error(&format!("{what} must be a JSON value"))),
    }
}

/// Evaluates a JsonLogic rule against data (the reference semantics of json-logic-js).
///
/// `rule` and `data` are JS values (a string is a string, not JSON text); `data` defaults to
/// `null`. Throws a `JsonLogicError` (`code`, `path` into the rule) for an unknown operator, a
/// rule nested too deeply or arguments an operator has no answer for.
#[wasm_bindgen(js_name = jsonlogicApply, unchecked_return_type = "JsonValue")]
pub fn jsonlogic_apply(
    #[wasm_bindgen(unchecked_param_type = "JsonValue")] rule: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "JsonValue")] data: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    let rule = json_value(&rule, "jsonlogicApply: the rule")?;
    let data = match data {
        Some(data) if !data.is_undefined() => json_value(&data, "jsonlogicApply: the data")?,
        _ => Json::Null,
    };
    let result = sequenza::jsonlogic::apply(&rule, &data).map_err(jsonlogic_error)?;
    let text = serde_json::to_string(&result).map_err(|e| type_error(&e.to_string()))?;
    js_sys::JSON::parse(&text)
}

/// A core JsonLogic error as a JS `Error` named `JsonLogicError` with `code` and `path`.
fn jsonlogic_error(err: sequenza::jsonlogic::JsonLogicError) -> JsValue {
    let js = js_sys::Error::new(&err.to_string());
    js.set_name("JsonLogicError");
    set_property(&js, "code", JsValue::from_str(err.code()));
    set_property(&js, "path", JsValue::from_str(err.path()));
    set_property(&js, "line", JsValue::NULL);
    set_property(&js, "column", JsValue::NULL);
    js.into()
}
