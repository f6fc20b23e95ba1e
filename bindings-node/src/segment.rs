//! `Segment`: a condition with an optional id and name, read from text, JSON or JsonLogic, and
//! evaluated on one contact (`matches`) or on an array of contacts at once (`filter`, `count`,
//! through the core's column-wise `ContactTable`).

use std::collections::HashMap;
use std::sync::OnceLock;

use napi::bindgen_prelude::{ClassInstance, Either, JsObjectValue, JsValue, Unknown};
use napi::{Env, Error, Result, Status, ValueType};
use napi_derive::napi;
use sequenza::condition::bulk::{Bitmap, ContactTable, Evaluation};
use sequenza::condition::eval::{CompiledCondition, EvalContext};
use sequenza::condition::Condition;
use sequenza::model::SegmentId;
use sequenza::{Contact, Event};
use serde::de::IgnoredAny;
use serde::Deserialize;

use crate::convert::{
    field_schema, instant, is_nullish, json_array, json_text, json_value, opt_string_arg,
    parse_json, range_error, string_arg, string_array, time_zone, to_js, type_error, Options,
};
use crate::errors::core_error;

/// The options `matches` takes.
const MATCH_OPTIONS: &[&str] = &["now", "events", "defaultTimeZone", "segments", "fields"];
/// The options `filter` and `count` take.
const FILTER_OPTIONS: &[&str] = &["now", "events", "defaultTimeZone", "segments", "fields"];

/// A segment: who matches a condition. An id and a name are optional (needed only to register
/// it in a `SegmentIndex`).
#[napi]
#[derive(Debug)]
pub struct Segment {
    condition: Condition,
    id: Option<String>,
    name: Option<String>,
    /// The condition compiled without a field schema, on first use.
    compiled: OnceLock<CompiledCondition>,
}

impl Segment {
    fn new(condition: Condition, id: Option<String>, name: Option<String>) -> Self {
        Segment {
            condition,
            id,
            name,
            compiled: OnceLock::new(),
        }
    }

    /// Reads a segment from JSON text or an object: a segment document `{id, name, condition}`
    /// when it has a `condition` and no `type`, else a condition.
    pub(crate) fn read(env: &Env, data: Unknown<'_>, name: &str) -> Result<Self> {
        let text = json_text(env, data, name, "a JSON string or an object")?;
        let segment_document = serde_json::from_str::<Shape>(&text)
            .is_ok_and(|shape| shape.kind.is_none() && shape.condition.is_some());
        if segment_document {
            let s =
                sequenza::segment::Segment::from_json(&text).map_err(|e| core_error(env, &e))?;
            Ok(Segment::new(
                s.condition,
                Some(s.id.as_str().to_owned()),
                Some(s.name),
            ))
        } else {
            let condition = Condition::from_json(&text).map_err(|e| core_error(env, &e))?;
            Ok(Segment::new(condition, None, None))
        }
    }

    /// The core segment, for a `SegmentIndex`: it needs an id (the name defaults to `""`).
    pub(crate) fn to_core(&self, env: &Env, name: &str) -> Result<sequenza::segment::Segment> {
        let Some(id) = &self.id else {
            return Err(range_error(
                env,
                &format!(
                    "The \"{name}\" argument is a segment without an id; a SegmentIndex needs one \
                     (Segment.parse(text, id, name) or {{id, name, condition}})"
                ),
            ));
        };
        Ok(sequenza::segment::Segment::new(
            id.as_str(),
            self.name.clone().unwrap_or_default(),
            self.condition.clone(),
        ))
    }

    /// The condition compiled without a schema (once), or with `schema` (each time).
    fn compile<'a>(
        &'a self,
        env: &Env,
        schema: Option<&sequenza::FieldSchema>,
        fresh: &'a mut Option<CompiledCondition>,
    ) -> Result<&'a CompiledCondition> {
        if schema.is_none() {
            if let Some(compiled) = self.compiled.get() {
                return Ok(compiled);
            }
        }
        let compiled =
            CompiledCondition::compile(&self.condition, schema).map_err(|e| core_error(env, &e))?;
        if schema.is_some() {
            return Ok(fresh.insert(compiled));
        }
        // The cell is empty here (JS calls one method at a time); were it not, the value in it
        // is the same compilation.
        let _ = self.compiled.set(compiled);
        self.compiled
            .get()
            .ok_or_else(|| Error::new(Status::GenericFailure, "compiled condition lost"))
    }

    /// Reads the options of `filter` / `count`, builds the table and evaluates the condition.
    fn evaluate_all(
        &self,
        env: &Env,
        contacts: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> Result<(ContactTable, Bitmap)> {
        let contacts = json_array(env, contacts, "contacts", "", Contact::from_json)?;
        let opts = Options::read(env, options, "options", FILTER_OPTIONS)?;
        let now = instant(env, opts.get("now")?, &opts.name_of("now"))?;
        let events = read_events(env, &opts)?;
        let tz = time_zone(
            env,
            opts.get("defaultTimeZone")?,
            &opts.name_of("defaultTimeZone"),
        )?;
        let schema = field_schema(env, opts.get("fields")?, &opts.name_of("fields"))?;
        let table = ContactTable::from_contacts(&contacts, &events, schema.as_ref())
            .map_err(|e| core_error(env, &e))?;
        let members = match opts.get("segments")?.filter(|v| !is_nullish(v)) {
            Some(value) => Some(segment_members(
                env,
                value,
                &opts.name_of("segments"),
                &table,
            )?),
            None => None,
        };
        let mut evaluation = Evaluation::new(now).with_time_zone(tz);
        if let Some(members) = &members {
            evaluation = evaluation.with_segments(members);
        }
        let hits = table
            .evaluate_with(&self.condition, &evaluation)
            .map_err(|e| core_error(env, &e))?;
        Ok((table, hits))
    }
}

/// Just enough of a document to tell a segment from a condition.
#[derive(Deserialize)]
struct Shape {
    #[serde(rename = "type")]
    kind: Option<IgnoredAny>,
    condition: Option<IgnoredAny>,
}

/// `options.events`: an array of events (none when absent).
fn read_events(env: &Env, opts: &Options<'_>) -> Result<Vec<Event>> {
    match opts.get("events")?.filter(|v| !is_nullish(v)) {
        Some(value) => json_array(env, value, &opts.name_of("events"), "", Event::from_json),
        None => Ok(Vec::new()),
    }
}

/// `options.segments` of `filter`: segment id → ids of its members, as bitmaps over the table's
/// rows (ids not in the table are not in it).
fn segment_members(
    env: &Env,
    value: Unknown<'_>,
    name: &str,
    table: &ContactTable,
) -> Result<HashMap<SegmentId, Bitmap>> {
    if value.get_type()? != ValueType::Object || value.is_array()? {
        return Err(type_error(
            env,
            &format!("The \"{name}\" argument must be an object mapping segment ids to arrays of contact ids"),
        ));
    }
    let rows: HashMap<&str, usize> = table
        .ids()
        .iter()
        .enumerate()
        .map(|(row, id)| (id.as_str(), row))
        .collect();
    let object = value.coerce_to_object()?;
    let keys = object.get_property_names()?;
    let mut out = HashMap::new();
    for i in 0..keys.get_array_length()? {
        let key: Unknown<'_> = keys.get_element(i)?;
        let key = string_arg(env, key, name)?;
        let ids: Unknown<'_> = object.get_named_property_unchecked(&key)?;
        let ids = string_array(env, ids, &format!("{name}.{key}"))?;
        let bitmap = Bitmap::from_rows(
            table.len(),
            ids.iter().filter_map(|id| rows.get(id.as_str()).copied()),
        );
        out.insert(SegmentId::new(key), bitmap);
    }
    Ok(out)
}

#[napi]
impl Segment {
    /// Reads a condition written in the text syntax
    /// (`city = "Milano" and tags has any ("vip")`), with an optional id and name.
    ///
    /// Throws a `ConditionSyntaxError` (code `condition.syntax`, with `line`, `column` and
    /// `expected`) when the text does not parse.
    #[napi(
        factory,
        catch_unwind,
        ts_args_type = "text: string, id?: string | null, name?: string | null"
    )]
    pub fn parse(
        env: &Env,
        text: Unknown<'_>,
        id: Option<Unknown<'_>>,
        name: Option<Unknown<'_>>,
    ) -> Result<Self> {
        let text = string_arg(env, text, "text")?;
        let id = opt_string_arg(env, id, "id")?;
        let name = opt_string_arg(env, name, "name")?;
        let condition = Condition::parse(&text).map_err(|e| core_error(env, &e))?;
        Ok(Segment::new(condition, id, name))
    }

    /// Reads a condition (JSON text or an object, `{"type": …}`) or a whole segment document
    /// `{id, name, condition}`.
    ///
    /// Throws a `FlowFormatError` (code `format.*`, with `path`, `line` and `column`) when the
    /// document is neither.
    #[napi(
        factory,
        catch_unwind,
        ts_args_type = "data: string | Condition | SegmentDocument"
    )]
    pub fn from_json(env: &Env, data: Unknown<'_>) -> Result<Self> {
        Segment::read(env, data, "data")
    }

    /// Translates a JsonLogic rule (as query builders export it) into a condition. A string is
    /// JSON text of the rule (read with `JSON.parse`).
    ///
    /// Throws a `ConditionError` with code `condition.jsonlogic.unsupported` and the JSON pointer
    /// of the part of the rule that has no exact equivalent.
    #[napi(factory, catch_unwind, ts_args_type = "rule: JsonLogicRule | string")]
    pub fn from_jsonlogic(env: &Env, rule: Unknown<'_>) -> Result<Self> {
        let rule = if rule.get_type()? == ValueType::String {
            let text = string_arg(env, rule, "rule")?;
            parse_json(env, &text)?
        } else {
            rule
        };
        let rule = json_value(env, Some(rule), "rule", false)?;
        let condition = Condition::from_jsonlogic(&rule).map_err(|e| core_error(env, &e))?;
        Ok(Segment::new(condition, None, None))
    }

    /// The segment's id, `null` when it has none.
    #[napi(getter, catch_unwind)]
    pub fn id(&self) -> Option<String> {
        self.id.clone()
    }

    /// The segment's name, `null` when it has none.
    #[napi(getter, catch_unwind)]
    pub fn name(&self) -> Option<String> {
        self.name.clone()
    }

    /// The condition in the text syntax (what `Segment.parse` reads back).
    #[napi(catch_unwind)]
    pub fn to_text(&self) -> String {
        self.condition.to_string()
    }

    /// The condition in the text syntax (same as `toText()`).
    #[napi(js_name = "toString", catch_unwind)]
    pub fn text_form(&self) -> String {
        self.condition.to_string()
    }

    /// The condition's canonical JSON form (indented when `pretty` is true). The id and name are
    /// not part of it.
    #[napi(catch_unwind)]
    pub fn to_json(&self, pretty: Option<bool>) -> Result<String> {
        let text = if pretty.unwrap_or(false) {
            serde_json::to_string_pretty(&self.condition)
        } else {
            serde_json::to_string(&self.condition)
        };
        text.map_err(|e| Error::new(Status::GenericFailure, e.to_string()))
    }

    /// The condition's canonical JSON form as a plain object (`JSON.parse(seg.toJson())`).
    #[napi(catch_unwind, ts_return_type = "Condition")]
    pub fn to_object<'env>(&self, env: &'env Env) -> Result<Unknown<'env>> {
        to_js(env, &self.condition)
    }

    /// Checks the condition without evaluating it: value shapes, regular expressions, dates,
    /// nesting depth and, with `fields` (the declared profile fields), field names and types.
    ///
    /// Throws a `ConditionError` (`condition.field.unknown`, `condition.type_mismatch` …, with the
    /// JSON `path` into the condition).
    #[napi(catch_unwind, ts_args_type = "fields?: string | FieldSchema | null")]
    pub fn check(&self, env: &Env, fields: Option<Unknown<'_>>) -> Result<()> {
        let schema = field_schema(env, fields, "fields")?;
        let mut fresh = None;
        self.compile(env, schema.as_ref(), &mut fresh).map(|_| ())
    }

    /// True when the contact (with `options.events`) satisfies the condition at `options.now`.
    #[napi(
        catch_unwind,
        ts_args_type = "contact: string | Contact, options: MatchOptions"
    )]
    pub fn matches(
        &self,
        env: &Env,
        contact: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> Result<bool> {
        let contact_text = json_text(env, contact, "contact", "a JSON string or an object")?;
        let opts = Options::read(env, options, "options", MATCH_OPTIONS)?;
        let now = instant(env, opts.get("now")?, &opts.name_of("now"))?;
        let events = read_events(env, &opts)?;
        let tz = time_zone(
            env,
            opts.get("defaultTimeZone")?,
            &opts.name_of("defaultTimeZone"),
        )?;
        let segments: Vec<SegmentId> = match opts.get("segments")?.filter(|v| !is_nullish(v)) {
            Some(value) => string_array(env, value, &opts.name_of("segments"))?
                .into_iter()
                .map(SegmentId::new)
                .collect(),
            None => Vec::new(),
        };
        let schema = field_schema(env, opts.get("fields")?, &opts.name_of("fields"))?;
        let contact = Contact::from_json(&contact_text).map_err(|e| core_error(env, &e))?;
        let mut fresh = None;
        let compiled = self.compile(env, schema.as_ref(), &mut fresh)?;
        let ctx = EvalContext::new(now)
            .with_default_time_zone(tz)
            .with_segments(&segments);
        Ok(compiled.matches(&contact, &events, &ctx))
    }

    /// The ids of the contacts that satisfy the condition at `options.now`, in input order:
    /// the whole array is evaluated column-wise at once (the core's bulk evaluator).
    #[napi(
        catch_unwind,
        ts_args_type = "contacts: Array<Contact>, options: FilterOptions"
    )]
    pub fn filter(
        &self,
        env: &Env,
        contacts: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> Result<Vec<String>> {
        let (table, hits) = self.evaluate_all(env, contacts, options)?;
        Ok(hits.ids(&table).map(|id| id.as_str().to_owned()).collect())
    }

    /// How many contacts satisfy the condition at `options.now` (`filter(…).length`, without
    /// building the list): the "N contacts match" of a segment builder.
    #[napi(
        catch_unwind,
        ts_args_type = "contacts: Array<Contact>, options: FilterOptions"
    )]
    pub fn count(
        &self,
        env: &Env,
        contacts: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> Result<u32> {
        let (_, hits) = self.evaluate_all(env, contacts, options)?;
        Ok(u32::try_from(hits.count()).unwrap_or(u32::MAX))
    }
}

/// What napi hands over for a segment argument: a `Segment` handle or any other value.
pub(crate) type MaybeSegment<'env> = Either<ClassInstance<'env, Segment>, Unknown<'env>>;
