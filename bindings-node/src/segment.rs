//! `Segment`: a condition with an optional id and name, read from text, JSON or JsonLogic, and
//! evaluated on one contact (`matches`) or on an array of contacts at once (`filter`, `count`,
//! through the core's column-wise `ContactTable`).

use std::collections::HashMap;
use std::sync::OnceLock;

use napi::bindgen_prelude::{ClassInstance, FromNapiValue, Function, JsObjectValue, Unknown};
use napi::{Env, JsValue, Result, ValueType, JSON};
use napi_derive::napi;
use sequenza::condition::bulk::{Bitmap, ContactTable, Evaluation};
use sequenza::condition::eval::{CompiledCondition, EvalContext};
use sequenza::condition::Condition;
use sequenza::model::SegmentId;
use sequenza::{Contact, Event};

use crate::convert::{
    array, doc, given, instant, json_text, json_value, opt_string, range_error, schema, string,
    strings, to_js, wrong_type, zone, Arg, Opts,
};
use crate::errors::OrThrow;

/// The options `matches`, `filter` and `count` take.
const OPTIONS: &[&str] = &["now", "events", "defaultTimeZone", "segments", "fields"];

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

    /// The condition compiled without a schema (once), or with one (each time).
    fn compiled(
        &self,
        env: &Env,
        schema: Option<&sequenza::FieldSchema>,
    ) -> Result<CompiledRef<'_>> {
        if let (None, Some(c)) = (schema, self.compiled.get()) {
            return Ok(CompiledRef::Cached(c));
        }
        let compiled = CompiledCondition::compile(&self.condition, schema).or_throw(env)?;
        match schema {
            Some(_) => Ok(CompiledRef::Fresh(Box::new(compiled))),
            None => Ok(CompiledRef::Cached(self.compiled.get_or_init(|| compiled))),
        }
    }

    /// The options of `matches` / `filter` / `count`: now, events, zone, schema.
    fn options<'a>(env: &Env, options: Arg<'a>) -> Result<(Opts<'a>, Evaluated)> {
        let opts = Opts::read(env, options, "options", OPTIONS)?;
        let now = instant(env, opts.get("now")?, "options.now")?;
        let events = opts.get("events")?;
        let events = events.map(|e| array(env, Some(e), "options.events", Event::from_json));
        let zone = zone(env, opts.get("defaultTimeZone")?, "options.defaultTimeZone")?;
        let schema = schema(env, opts.get("fields")?, "options.fields")?;
        let events = events.transpose()?.unwrap_or_default();
        Ok((
            opts,
            Evaluated {
                now,
                events,
                zone: zone.unwrap_or_default(),
                schema,
            },
        ))
    }

    /// Evaluates the condition over an array of contacts at once.
    fn evaluate_all(
        &self,
        env: &Env,
        contacts: Arg,
        options: Arg,
    ) -> Result<(ContactTable, Bitmap)> {
        let contacts = array(env, contacts, "contacts", Contact::from_json)?;
        let (opts, o) = Segment::options(env, options)?;
        let table = ContactTable::from_contacts(&contacts, &o.events, o.schema.as_ref());
        let table = table.or_throw(env)?;
        let members = match opts.get("segments")? {
            Some(value) => Some(members(env, value, &table)?),
            None => None,
        };
        let mut evaluation = Evaluation::new(o.now).with_time_zone(o.zone);
        if let Some(members) = &members {
            evaluation = evaluation.with_segments(members);
        }
        let hits = table
            .evaluate_with(&self.condition, &evaluation)
            .or_throw(env)?;
        Ok((table, hits))
    }

    /// Reads a segment from JSON text or an object: a segment document `{id, name, condition}`
    /// when it has a `condition` and no `type`, else a condition.
    pub(crate) fn read(env: &Env, data: Arg, name: &str) -> Result<Self> {
        let text = json_text(env, data, name)?;
        let doc = sequenza::segment::Segment::from_json_or_condition(&text);
        let (id, name, condition) = doc.or_throw(env)?;
        Ok(Segment::new(condition, id, name))
    }

    /// The core segment, for a `SegmentIndex`: it needs an id (the name defaults to `""`).
    pub(crate) fn to_core(&self, env: &Env, name: &str) -> Result<sequenza::segment::Segment> {
        let Some(id) = &self.id else {
            let message = format!(
                "The \"{name}\" argument is a segment without an id; a SegmentIndex needs one \
                 (Segment.parse(text, id, name) or {{id, name, condition}})"
            );
            return Err(range_error(env, &message));
        };
        let name = self.name.clone().unwrap_or_default();
        Ok(sequenza::segment::Segment::new(
            id.as_str(),
            name,
            self.condition.clone(),
        ))
    }
}

/// A segment argument as a core segment: a `Segment` handle, JSON text or an object.
pub(crate) fn core_segment(
    env: &Env,
    value: Arg,
    name: &str,
) -> Result<sequenza::segment::Segment> {
    if let Some(handle) = value.and_then(|v| ClassInstance::<Segment>::from_unknown(v).ok()) {
        return handle.to_core(env, name);
    }
    Segment::read(env, value, name)?.to_core(env, name)
}

/// What `matches` / `filter` / `count` read from their options.
struct Evaluated {
    now: chrono::DateTime<chrono::Utc>,
    events: Vec<Event>,
    zone: sequenza::time::Tz,
    schema: Option<sequenza::FieldSchema>,
}

/// A compiled condition: the segment's cached one, or one compiled with a schema.
enum CompiledRef<'a> {
    Cached(&'a CompiledCondition),
    Fresh(Box<CompiledCondition>),
}

impl std::ops::Deref for CompiledRef<'_> {
    type Target = CompiledCondition;
    fn deref(&self) -> &CompiledCondition {
        match self {
            CompiledRef::Cached(c) => c,
            CompiledRef::Fresh(c) => c,
        }
    }
}

/// `options.segments` of `filter`: segment id → ids of its members, as bitmaps over the table.
fn members(
    env: &Env,
    value: Unknown<'_>,
    table: &ContactTable,
) -> Result<HashMap<SegmentId, Bitmap>> {
    let name = "options.segments";
    if value.get_type()? != ValueType::Object || value.is_array()? {
        let expected = "an object mapping segment ids to arrays of contact ids";
        return Err(wrong_type(env, Some(&value), name, expected));
    }
    let object = value.coerce_to_object()?;
    let keys = object.get_property_names()?;
    let mut out = HashMap::new();
    for i in 0..keys.get_array_length()? {
        let key: String = keys.get_element(i)?;
        let ids = strings(
            env,
            Some(object.get_named_property_unchecked(&key)?),
            &format!("{name}.{key}"),
        )?;
        let hits = ids.iter().filter_map(|id| table.row_of(id));
        out.insert(SegmentId::new(key), Bitmap::from_rows(table.len(), hits));
    }
    Ok(out)
}

#[napi]
impl Segment {
    /// Reads a condition written in the text syntax (`city = "Milano" and tags has any ("vip")`),
    /// with an optional id and name. Throws a `ConditionSyntaxError` (`line`, `column`,
    /// `expected`).
    #[napi(
        factory,
        ts_args_type = "text: string, id?: string | null, name?: string | null"
    )]
    pub fn parse(env: &Env, text: Arg, id: Arg, name: Arg) -> Result<Self> {
        let text = string(env, text, "text")?;
        let (id, name) = (opt_string(env, id, "id")?, opt_string(env, name, "name")?);
        Ok(Segment::new(
            Condition::parse(&text).or_throw(env)?,
            id,
            name,
        ))
    }

    /// Reads a condition (JSON text or an object, `{"type": …}`) or a whole segment document
    /// `{id, name, condition}`. Throws a `FormatError` when the document is neither.
    #[napi(factory, ts_args_type = "data: string | Condition | SegmentDocument")]
    pub fn from_json(env: &Env, data: Arg) -> Result<Self> {
        Segment::read(env, data, "data")
    }

    /// Translates a JsonLogic rule (as query builders export it) into a condition; a string is
    /// JSON text of the rule. Throws a `ConditionError` `condition.jsonlogic.unsupported`.
    #[napi(factory, ts_args_type = "rule: JsonLogicRule | string")]
    pub fn from_jsonlogic(env: &Env, rule: Arg) -> Result<Self> {
        let rule = match rule {
            Some(r) if r.get_type()? == ValueType::String => {
                let json: JSON<'_> = env.get_global()?.get_named_property_unchecked("JSON")?;
                let parse: Function<'_, Unknown<'_>, Unknown<'_>> =
                    json.get_named_property_unchecked("parse")?;
                Some(parse.call(r)?)
            }
            other => other,
        };
        let rule = json_value(env, rule, "rule", false)?;
        Ok(Segment::new(
            Condition::from_jsonlogic(&rule).or_throw(env)?,
            None,
            None,
        ))
    }

    /// The segment's id, `null` when it has none.
    #[napi(getter)]
    pub fn id(&self) -> Option<String> {
        self.id.clone()
    }

    /// The segment's name, `null` when it has none.
    #[napi(getter)]
    pub fn name(&self) -> Option<String> {
        self.name.clone()
    }

    /// The condition in the text syntax (what `Segment.parse` reads back).
    #[napi]
    pub fn to_text(&self) -> String {
        self.condition.to_string()
    }

    /// The condition in the text syntax (same as `toText()`).
    #[napi(js_name = "toString")]
    pub fn text_form(&self) -> String {
        self.condition.to_string()
    }

    /// The condition's canonical JSON form (indented when `pretty` is true), without id and name.
    #[napi]
    pub fn to_json(&self, pretty: Option<bool>) -> Result<String> {
        let text = match pretty {
            Some(true) => serde_json::to_string_pretty(&self.condition),
            _ => serde_json::to_string(&self.condition),
        };
        text.map_err(|e| napi::Error::from_reason(e.to_string()))
    }

    /// The condition's canonical JSON form as a plain object.
    #[napi(ts_return_type = "Condition")]
    pub fn to_object<'e>(&self, env: &'e Env) -> Result<Unknown<'e>> {
        to_js(env, &self.condition)
    }

    /// Checks the condition without evaluating it: value shapes, regular expressions, dates,
    /// nesting and, with `fields`, field names and types. Throws a `ConditionError`.
    #[napi(ts_args_type = "fields?: string | FieldSchema | null")]
    pub fn check(&self, env: &Env, fields: Arg) -> Result<()> {
        let schema = schema(env, fields, "fields")?;
        self.compiled(env, schema.as_ref()).map(|_| ())
    }

    /// True when the contact (with `options.events`) satisfies the condition at `options.now`.
    #[napi(ts_args_type = "contact: string | Contact, options: MatchOptions")]
    pub fn matches(&self, env: &Env, contact: Arg, options: Arg) -> Result<bool> {
        let contact = doc(env, contact, "contact", Contact::from_json)?;
        let (opts, o) = Segment::options(env, options)?;
        let segments = given(opts.get("segments")?);
        let segments = segments
            .map(|s| strings(env, Some(s), "options.segments"))
            .transpose()?;
        let segments: Vec<SegmentId> = segments
            .unwrap_or_default()
            .into_iter()
            .map(SegmentId::new)
            .collect();
        let compiled = self.compiled(env, o.schema.as_ref())?;
        let ctx = EvalContext::new(o.now)
            .with_default_time_zone(o.zone)
            .with_segments(&segments);
        Ok(compiled.matches(&contact, &o.events, &ctx))
    }

    /// The ids of the contacts that satisfy the condition at `options.now`, in input order (the
    /// whole array is evaluated column-wise at once).
    #[napi(ts_args_type = "contacts: Array<Contact>, options: FilterOptions")]
    pub fn filter(&self, env: &Env, contacts: Arg, options: Arg) -> Result<Vec<String>> {
        let (table, hits) = self.evaluate_all(env, contacts, options)?;
        Ok(hits.ids(&table).map(|id| id.as_str().to_owned()).collect())
    }

    /// How many contacts satisfy the condition at `options.now` (`filter(…).length`).
    #[napi(ts_args_type = "contacts: Array<Contact>, options: FilterOptions")]
    pub fn count(&self, env: &Env, contacts: Arg, options: Arg) -> Result<u32> {
        let (_, hits) = self.evaluate_all(env, contacts, options)?;
        Ok(u32::try_from(hits.count()).unwrap_or(u32::MAX))
    }
}
