//! Conditions and segments: `Segment`, `ContactTable`, `SegmentIndex` and `jsonlogicApply`.

use std::cell::OnceCell;
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sequenza::condition::bulk::{self, Bitmap, Evaluation};
use sequenza::condition::eval::{CompiledCondition, EvalContext};
use sequenza::model::{ContactId, SegmentId};
use sequenza::segment::{ContactChange, NamedCondition};
use sequenza::{Contact, Event};
use serde::Deserialize;
use wasm_bindgen::prelude::*;

use crate::*;

/// The options of the evaluating calls (`matches`, `filter`, `count`, `new ContactTable`), and
/// of `new SegmentIndex` and `new Audience` (`defaultTimeZone`, `fields`).
/// `segments` (`S`): the ids of the segments a contact is in (`matches`), or the members of
/// each segment ([`Members`]: `filter`, `count`).
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct EvalOptions<S = Members> {
    now: Js,
    events: Js,
    pub(crate) default_time_zone: Option<String>,
    segments: Option<S>,
    pub(crate) fields: Js,
}

/// The members of each segment, by segment id.
pub(crate) type Members = HashMap<String, Vec<String>>;

impl<S: serde::de::DeserializeOwned + Default> EvalOptions<S> {
    fn read(value: impl Into<JsValue>, call: &str) -> JsResult<(Self, DateTime<Utc>)> {
        let o: Self = options(Some(value), call)?;
        let now = now_of(&o.now.0, call)?;
        Ok((o, now))
    }

    fn events(&self) -> JsResult<Vec<Event>> {
        let events = opt(Some(&self.events.0), |e| {
            docs(e, "events", Event::from_json)
        })?;
        Ok(events.unwrap_or_default())
    }

    fn table(&self, contacts: &JsValue, call: &str) -> JsResult<bulk::ContactTable> {
        let contacts = docs(contacts, &format!("{call}: contacts"), Contact::from_json)?;
        let fields = field_schema(Some(self.fields.0.clone()))?;
        let (events, fields) = (self.events()?, fields.as_ref());
        let table = bulk::ContactTable::from_contacts(&contacts, &events, fields);
        core(table)
    }
}

/// A segment: a condition over contacts, with an optional id and name.
///
/// `JSON.stringify(segment)` gives `{id, name, condition}` for a segment with an id and the
/// condition alone otherwise; `Segment.fromJson` reads both back.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Segment {
    inner: NamedCondition,
    /// The condition compiled without a field schema, on first use by `matches`.
    compiled: OnceCell<CompiledCondition>,
}

impl Segment {
    fn new(inner: NamedCondition) -> Segment {
        let compiled = OnceCell::new();
        Segment { inner, compiled }
    }

    /// The rows of `table` that match at `now`, with the `defaultTimeZone` and `segments` options.
    fn evaluate(
        &self,
        table: &bulk::ContactTable,
        o: &EvalOptions,
        now: DateTime<Utc>,
    ) -> JsResult<Bitmap> {
        let tz = zone(o.default_time_zone.as_deref(), "/defaultTimeZone")?;
        let members = o
            .segments
            .iter()
            .flatten()
            .map(|(s, m)| (s.as_str(), &m[..]));
        let members = table.segment_rows(members);
        let evaluation = Evaluation::new(now)
            .with_time_zone(tz)
            .with_segments(&members);
        core(table.evaluate_with(&self.inner.condition, &evaluation))
    }
}

#[wasm_bindgen]
impl Segment {
    /// Reads a condition written in the text syntax (a `ConditionError` `condition.syntax`).
    pub fn parse(text: Str, id: Option<String>, name: Option<String>) -> JsResult<Segment> {
        let text = string(&text, "Segment.parse: text")?;
        core(NamedCondition::parse(&text, id, name)).map(Segment::new)
    }

    /// Reads a condition's JSON form, or a segment document `{id, name, condition}`.
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(data: ConditionArg) -> JsResult<Segment> {
        let text = text(&data, "a condition or a segment")?;
        core(NamedCondition::from_json(&text)).map(Segment::new)
    }

    /// Translates a JsonLogic rule (a string is its JSON text) into a condition, where an exact
    /// equivalent exists (a `ConditionError` `condition.jsonlogic.unsupported` otherwise).
    #[wasm_bindgen(js_name = fromJsonlogic)]
    pub fn from_jsonlogic(
        rule: Json,
        id: Option<String>,
        name: Option<String>,
    ) -> JsResult<Segment> {
        let rule = text(&rule, "a JsonLogic rule")?;
        core(NamedCondition::from_jsonlogic(&rule, id, name)).map(Segment::new)
    }

    /// The segment's id, or `null`.
    #[wasm_bindgen(getter, unchecked_return_type = "string | null")]
    pub fn id(&self) -> JsValue {
        let id = self.inner.id.as_deref();
        id.map_or(JsValue::NULL, JsValue::from_str)
    }

    /// The segment's name, or `null`.
    #[wasm_bindgen(getter, unchecked_return_type = "string | null")]
    pub fn name(&self) -> JsValue {
        let name = self.inner.name.as_deref();
        name.map_or(JsValue::NULL, JsValue::from_str)
    }

    /// The condition in the readable text syntax (what `Segment.parse` reads).
    #[wasm_bindgen(js_name = toText)]
    pub fn to_text(&self) -> String {
        self.inner.condition.to_string()
    }

    /// Same as `toText()`.
    #[wasm_bindgen(js_name = toString)]
    pub fn to_string_js(&self) -> String {
        self.inner.condition.to_string()
    }

    /// The condition's JSON text; indented when `pretty` is true.
    #[wasm_bindgen(js_name = toJson)]
    pub fn to_json(&self, pretty: Option<bool>) -> String {
        self.inner.condition_json(pretty.unwrap_or(false))
    }

    /// The condition as a plain object.
    #[wasm_bindgen(js_name = toObject, unchecked_return_type = "Condition")]
    pub fn to_object(&self) -> JsResult<JsValue> {
        to_js(&self.inner.condition)
    }

    /// Called by `JSON.stringify(segment)`.
    #[wasm_bindgen(js_name = toJSON, unchecked_return_type = "SegmentObject | Condition")]
    pub fn to_json_value(&self) -> JsResult<JsValue> {
        to_js(&self.inner)
    }

    /// Checks the condition without evaluating it, with a field schema when given (a
    /// `ConditionError` when it cannot be evaluated).
    pub fn check(&self, fields: Option<FieldsArg>) -> JsResult<()> {
        let fields = field_schema(fields)?;
        core(self.inner.compile(fields.as_ref())).map(|_| ())
    }

    /// True when the contact (with its `events`) satisfies the condition at `now`.
    pub fn matches(&self, contact: ContactArg, options: MatchOptions) -> JsResult<bool> {
        let (mut o, now) = EvalOptions::<Vec<SegmentId>>::read(options, "Segment.matches")?;
        let tz = zone(o.default_time_zone.as_deref(), "/defaultTimeZone")?;
        let contact = doc(&contact, "a contact", Contact::from_json)?;
        let segments = o.segments.take().unwrap_or_default();
        let ctx = EvalContext::new(now)
            .with_default_time_zone(tz)
            .with_segments(&segments);
        let events = o.events()?;
        match field_schema(Some(o.fields.0))? {
            Some(schema) => {
                core(self.inner.compile(Some(&schema))).map(|c| c.matches(&contact, &events, &ctx))
            }
            None => {
                if self.compiled.get().is_none() {
                    let _ = self.compiled.set(core(self.inner.compile(None))?);
                }
                let compiled = self.compiled.get();
                Ok(compiled.is_some_and(|c| c.matches(&contact, &events, &ctx)))
            }
        }
    }

    /// The ids of the contacts that satisfy the condition at `now`, in the order of `contacts`.
    pub fn filter(&self, contacts: ContactsArg, options: FilterOptions) -> JsResult<Vec<String>> {
        let (o, now) = EvalOptions::read(options, "Segment.filter")?;
        let table = o.table(&contacts, "Segment.filter")?;
        Ok(strings(self.evaluate(&table, &o, now)?.ids(&table)))
    }

    /// How many contacts satisfy the condition at `now`.
    pub fn count(&self, contacts: ContactsArg, options: FilterOptions) -> JsResult<u32> {
        let (o, now) = EvalOptions::read(options, "Segment.count")?;
        let table = o.table(&contacts, "Segment.count")?;
        Ok(self.evaluate(&table, &o, now)?.count() as u32)
    }
}

/// Contacts and their events read once into the core's column store, to evaluate many segments
/// over them (the live "N contacts match" of a segment builder).
#[wasm_bindgen]
#[derive(Debug)]
pub struct ContactTable {
    inner: bulk::ContactTable,
}

#[wasm_bindgen]
impl ContactTable {
    /// Reads contacts and, in `options`, their `events` and a field schema (`fields`).
    #[wasm_bindgen(constructor)]
    pub fn new(
        contacts: ContactsArg,
        options: Option<ContactTableOptions>,
    ) -> JsResult<ContactTable> {
        let o: EvalOptions = crate::options(options, "new ContactTable")?;
        Ok(ContactTable {
            inner: o.table(&contacts, "new ContactTable")?,
        })
    }

    /// How many contacts (rows) the table holds.
    #[wasm_bindgen(getter)]
    pub fn length(&self) -> u32 {
        self.inner.len() as u32
    }

    /// The contact ids, in the order they were given.
    pub fn ids(&self) -> Vec<String> {
        strings(self.inner.ids())
    }

    /// The ids of the contacts that satisfy the segment at `now`, in table order.
    pub fn filter(&self, segment: &Segment, options: TableFilterOptions) -> JsResult<Vec<String>> {
        let hits = self.evaluate(segment, options, "ContactTable.filter")?;
        Ok(strings(hits.ids(&self.inner)))
    }

    /// How many contacts satisfy the segment at `now`.
    pub fn count(&self, segment: &Segment, options: TableFilterOptions) -> JsResult<u32> {
        Ok(self
            .evaluate(segment, options, "ContactTable.count")?
            .count() as u32)
    }
}

impl ContactTable {
    fn evaluate(
        &self,
        segment: &Segment,
        options: TableFilterOptions,
        call: &str,
    ) -> JsResult<Bitmap> {
        let (o, now) = EvalOptions::read(options, call)?;
        if !absent(&o.events.0) || !absent(&o.fields.0) {
            return Err(type_error(&format!("{call}: `events` and `fields` belong to new ContactTable(contacts, {{events, fields}})")));
        }
        segment.evaluate(&self.inner, &o, now)
    }
}

/// Keeps segment membership of contacts up to date, incrementally; each change returns the
/// membership changes it caused (`{contact, segment, change, at}`).
#[wasm_bindgen]
#[derive(Debug)]
pub struct SegmentIndex {
    inner: sequenza::segment::SegmentIndex,
}

#[wasm_bindgen]
impl SegmentIndex {
    /// An empty index. `options`: `{fields?, defaultTimeZone?}`.
    #[wasm_bindgen(constructor)]
    pub fn new(options: Option<SegmentIndexOptions>) -> JsResult<SegmentIndex> {
        let o: EvalOptions = crate::options(options, "new SegmentIndex")?;
        let tz = zone(o.default_time_zone.as_deref(), "/defaultTimeZone")?;
        let mut inner = sequenza::segment::SegmentIndex::new().with_default_time_zone(tz);
        if let Some(schema) = field_schema(Some(o.fields.0))? {
            inner = inner.with_schema(schema);
        }
        Ok(SegmentIndex { inner })
    }

    /// Registers a segment (a `Segment` with an id, or `{id, name, condition}`) and evaluates it
    /// for every contact held (`now` may be omitted while there are none).
    #[wasm_bindgen(unchecked_return_type = "MembershipDelta[]")]
    pub fn register(&mut self, segment: SegmentArg, now: Option<Instant>) -> JsResult<JsValue> {
        let segment = doc(&segment, "a segment", sequenza::segment::Segment::from_json)?;
        let now = self.registration_time(now, "SegmentIndex.register: now")?;
        to_js(&core(self.inner.register(segment, now))?)
    }

    /// Registers several segments at once, in any order; nothing is registered when one fails.
    #[wasm_bindgen(js_name = registerAll, unchecked_return_type = "MembershipDelta[]")]
    pub fn register_all(
        &mut self,
        segments: SegmentsArg,
        now: Option<Instant>,
    ) -> JsResult<JsValue> {
        let read = |s: &JsValue| doc(s, "a segment", sequenza::segment::Segment::from_json);
        let segments = each(&segments, "SegmentIndex.registerAll: segments", read)?;
        let now = self.registration_time(now, "SegmentIndex.registerAll: now")?;
        to_js(&core(self.inner.register_all(segments, now))?)
    }

    /// Adds a contact, or replaces a known one whole, at `now`.
    #[wasm_bindgen(js_name = upsertContact, unchecked_return_type = "MembershipDelta[]")]
    pub fn upsert_contact(&mut self, contact: ContactArg, now: Instant) -> JsResult<JsValue> {
        let contact = doc(&contact, "a contact", Contact::from_json)?;
        let now = instant(&now, "SegmentIndex.upsertContact: now")?;
        to_js(&self.inner.apply(ContactChange::Upsert { contact }, now))
    }

    /// Adds an event of a contact at `now`.
    #[wasm_bindgen(js_name = addEvent, unchecked_return_type = "MembershipDelta[]")]
    pub fn add_event(&mut self, event: EventArg, now: Instant) -> JsResult<JsValue> {
        let event = doc(&event, "an event", Event::from_json)?;
        let now = instant(&now, "SegmentIndex.addEvent: now")?;
        to_js(&self.inner.apply(ContactChange::Event { event }, now))
    }

    /// Re-evaluates the time-relative segments due at `now`.
    #[wasm_bindgen(unchecked_return_type = "MembershipDelta[]")]
    pub fn tick(&mut self, now: Instant) -> JsResult<JsValue> {
        to_js(&self.inner.tick(instant(&now, "SegmentIndex.tick: now")?))
    }

    /// The earliest instant at which `tick` has work to do, or `null`.
    #[wasm_bindgen(js_name = nextWakeup, unchecked_return_type = "string | null")]
    pub fn next_wakeup(&self) -> JsValue {
        opt_iso(self.inner.next_wakeup())
    }

    /// The ids of the members of a segment.
    pub fn members(&self, segment: String) -> Vec<String> {
        strings(self.inner.members(&SegmentId::from(segment)))
    }

    /// The ids of the segments a contact is in, in evaluation order.
    #[wasm_bindgen(js_name = segmentsOf)]
    pub fn segments_of(&self, contact: String) -> Vec<String> {
        strings(self.inner.segments_of(&ContactId::from(contact)))
    }

    /// True when the contact is in the segment.
    #[wasm_bindgen(js_name = isMember)]
    pub fn is_member(&self, segment: String, contact: String) -> bool {
        self.inner
            .is_member(&SegmentId::from(segment), &ContactId::from(contact))
    }

    /// How many contacts the index holds.
    #[wasm_bindgen(getter, js_name = contactCount)]
    pub fn contact_count(&self) -> u32 {
        self.inner.contact_count() as u32
    }
}

impl SegmentIndex {
    /// `now` of a registration, required once the index holds contacts (they are evaluated at it).
    fn registration_time(&self, now: Option<Instant>, what: &str) -> JsResult<DateTime<Utc>> {
        match opt(now, |n| instant(n, what))? {
            Some(now) => Ok(now),
            None if self.inner.contact_count() == 0 => Ok(DateTime::UNIX_EPOCH),
            None => instant(&JsValue::UNDEFINED, what),
        }
    }
}

/// Evaluates a JsonLogic rule against data (`null` when omitted) with the semantics of
/// json-logic-js; a `JsonLogicError` for a rule it cannot evaluate.
#[wasm_bindgen(js_name = jsonlogicApply, unchecked_return_type = "JsonValue")]
pub fn jsonlogic_apply(rule: Json, data: Option<Json>) -> JsResult<JsValue> {
    let value = |v: &JsValue, what: &str| match js_sys::JSON::stringify(v)?.as_string() {
        Some(text) => core(sequenza::text::json_value(&text)),
        None => Err(type_error(&format!(
            "jsonlogicApply: {what} must be a JSON value"
        ))),
    };
    let rule = value(&rule, "the rule")?;
    let data = data.map(|d| value(&d, "the data")).transpose()?;
    let data = data.unwrap_or_default();
    to_js(&sequenza::jsonlogic::apply(&rule, &data).map_err(|e| js_error(e.into()))?)
}
