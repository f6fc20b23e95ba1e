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
use sequenza::segment::Segment as CoreSegment;
use sequenza::{Event, FieldSchema};

use crate::arg::{Contact, Contacts, Fields, Id, Name, Text};
use crate::convert::{
    count, each, ids, json_text, json_value, ok, range_error, strings, value, wrong_type, Arg,
    FromArg, Opts, Out,
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

    /// `f` of the condition compiled without a schema (once), or with one (each time).
    fn compiled<R>(&self, env: &Env, schema: Option<&FieldSchema>, f: Compiled<R>) -> Result<R> {
        if let (None, Some(c)) = (schema, self.compiled.get()) {
            return Ok(f(c));
        }
        let compiled = CompiledCondition::compile(&self.condition, schema).or_throw(env)?;
        match schema {
            Some(_) => Ok(f(&compiled)),
            None => Ok(f(self.compiled.get_or_init(|| compiled))),
        }
    }

    /// The options of `matches` / `filter` / `count`: now, events, zone, schema.
    fn options<'a>(env: &Env, options: Arg<'a>) -> Result<(Opts<'a>, Evaluated)> {
        let opts = Opts::read(env, options, "options", OPTIONS)?;
        let evaluated = Evaluated {
            now: opts.must("now")?,
            events: opts.opt("events")?.unwrap_or_default(),
            zone: opts.opt("defaultTimeZone")?.unwrap_or_default(),
            schema: opts.opt("fields")?,
        };
        Ok((opts, evaluated))
    }

    /// Evaluates the condition over an array of contacts at once.
    fn evaluate(&self, env: &Env, all: Contacts, options: Arg) -> Result<(ContactTable, Bitmap)> {
        let (opts, o) = Segment::options(env, options)?;
        let table = ContactTable::from_contacts(&all.0, &o.events, o.schema.as_ref());
        let table = table.or_throw(env)?;
        let members = match opts.get("segments")? {
            Some(value) => Some(members(env, value, &table)?),
            None => None,
        };
        let mut evaluation = Evaluation::new(o.now).with_time_zone(o.zone);
        if let Some(members) = &members {
            evaluation = evaluation.with_segments(members);
        }
        let hits = ok(env, table.evaluate_with(&self.condition, &evaluation))?;
        Ok((table, hits))
    }

    /// Reads a segment from JSON text or an object: a segment document `{id, name, condition}`
    /// when it has a `condition` and no `type`, else a condition.
    pub(crate) fn read(env: &Env, data: Arg, name: &str) -> Result<Self> {
        let text = json_text(env, data, name)?;
        let doc = CoreSegment::from_json_or_condition(&text);
        let (id, name, condition) = doc.or_throw(env)?;
        Ok(Segment::new(condition, id, name))
    }

    /// The core segment, for a `SegmentIndex`: it needs an id (the name defaults to `""`).
    pub(crate) fn to_core(&self, env: &Env, name: &str) -> Result<CoreSegment> {
        let Some(id) = &self.id else {
            let message = format!(
                "The \"{name}\" argument is a segment without an id; a SegmentIndex needs one \
                 (Segment.parse(text, id, name) or {{id, name, condition}})"
            );
            return Err(range_error(env, &message));
        };
        let (name, condition) = (
            self.name.clone().unwrap_or_default(),
            self.condition.clone(),
        );
        Ok(CoreSegment::new(id.as_str(), name, condition))
    }
}

/// A segment argument as a core segment: a `Segment` handle, JSON text or an object.
impl FromArg for CoreSegment {
    fn from_arg(env: &Env, value: Arg, name: &str) -> Result<Self> {
        if let Some(handle) = value.and_then(|v| ClassInstance::<Segment>::from_unknown(v).ok()) {
            return handle.to_core(env, name);
        }
        Segment::read(env, value, name)?.to_core(env, name)
    }
}

impl FromArg for Vec<CoreSegment> {
    fn from_arg(env: &Env, value: Arg, name: &str) -> Result<Self> {
        each(env, value, name, "an array")
    }
}

/// What `matches` / `filter` / `count` read from their options.
struct Evaluated {
    now: chrono::DateTime<chrono::Utc>,
    events: Vec<Event>,
    zone: sequenza::time::Tz,
    schema: Option<FieldSchema>,
}

/// What is done with a compiled condition.
type Compiled<'f, R> = &'f dyn Fn(&CompiledCondition) -> R;

/// `options.segments` of `filter`: segment id → ids of its members, as bitmaps over the table.
fn members(env: &Env, value: Unknown, table: &ContactTable) -> Result<HashMap<SegmentId, Bitmap>> {
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
        let value = object.get_named_property_unchecked(&key)?;
        let ids = strings(env, Some(value), &format!("{name}.{key}"))?;
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
    pub fn parse(env: &Env, text: Text, id: Option<Id>, name: Option<Name>) -> Result<Self> {
        let condition = Condition::parse(&text.0).or_throw(env)?;
        Ok(Segment::new(condition, id.map(|i| i.0), name.map(|n| n.0)))
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
    pub fn to_object(&self) -> Out<'_> {
        value(&self.condition)
    }

    /// Checks the condition without evaluating it: value shapes, regular expressions, dates,
    /// nesting and, with `fields`, field names and types. Throws a `ConditionError`.
    #[napi(ts_args_type = "fields?: string | FieldSchema | null")]
    pub fn check(&self, env: &Env, fields: Option<Fields>) -> Result<()> {
        self.compiled(env, fields.map(|f| f.0).as_ref(), &|_| ())
    }

    /// True when the contact (with `options.events`) satisfies the condition at `options.now`.
    #[napi(ts_args_type = "contact: string | Contact, options: MatchOptions")]
    pub fn matches(&self, env: &Env, contact: Contact, options: Arg) -> Result<bool> {
        let (opts, o) = Segment::options(env, options)?;
        let segments: Vec<SegmentId> = opts.opt("segments")?.unwrap_or_default();
        let ctx = EvalContext::new(o.now)
            .with_default_time_zone(o.zone)
            .with_segments(&segments);
        let matches = |c: &CompiledCondition| c.matches(&contact.0, &o.events, &ctx);
        self.compiled(env, o.schema.as_ref(), &matches)
    }

    /// The ids of the contacts that satisfy the condition at `options.now`, in input order (the
    /// whole array is evaluated column-wise at once).
    #[napi(ts_args_type = "contacts: Array<Contact>, options: FilterOptions")]
    pub fn filter(&self, env: &Env, contacts: Contacts, options: Arg) -> Result<Vec<String>> {
        let (table, hits) = self.evaluate(env, contacts, options)?;
        Ok(ids(hits.ids(&table)))
    }

    /// How many contacts satisfy the condition at `options.now` (`filter(…).length`).
    #[napi(ts_args_type = "contacts: Array<Contact>, options: FilterOptions")]
    pub fn count(&self, env: &Env, contacts: Contacts, options: Arg) -> Result<u32> {
        let (_, hits) = self.evaluate(env, contacts, options)?;
        Ok(count(hits.count()))
    }
}
