//! `SegmentIndex`: the core's incremental index of who is in which segment.

use chrono::{DateTime, Utc};
use sequenza::model::{ContactId, SegmentId};
use sequenza::segment::{ContactChange, MembershipDelta};
use serde_json::Value as Json;
use wasm_bindgen::prelude::*;

use crate::input::{self, Options};
use crate::{json_text, to_js, to_js_error, type_error};

/// Keeps segment membership of contacts up to date, incrementally.
///
/// Register segments, then feed contacts (`upsertContact`), events (`addEvent`) and the passing
/// of time (`tick`); each returns the membership changes it caused as
/// `{contact, segment, change: 'entered' | 'exited', at}`. Only the segments that read what
/// changed are re-evaluated. Nothing reads the clock: `now` is always given.
#[wasm_bindgen]
#[derive(Debug)]
pub struct SegmentIndex {
    inner: sequenza::segment::SegmentIndex,
}

#[wasm_bindgen]
impl SegmentIndex {
    /// An empty index. `options`: `{fields?, defaultTimeZone?}`: a field schema every segment is
    /// checked against, and the zone of contacts without one (UTC when omitted).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "SegmentIndexOptions")] options: Option<
            JsValue,
        >,
    ) -> Result<SegmentIndex, JsValue> {
        let options = Options::new(options, "new SegmentIndex")?;
        let mut inner = sequenza::segment::SegmentIndex::new()
            .with_default_time_zone(options.default_time_zone()?);
        if let Some(schema) = options.fields()? {
            inner = inner.with_schema(schema);
        }
        Ok(SegmentIndex { inner })
    }

    /// Registers a segment (a `Segment` with an id, or `{id, name, condition}`) and evaluates it
    /// for every contact held; returns the resulting membership changes.
    ///
    /// `now` may be omitted only while the index holds no contacts. Throws a `ConditionError`
    /// (`segment.duplicate`, `segment.unknown`, the condition's compile errors, at a JSON
    /// pointer into the segment) or a `FlowFormatError` for a document that is not a segment.
    #[wasm_bindgen(unchecked_return_type = "MembershipDelta[]")]
    pub fn register(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Segment | SegmentObject | string")] segment: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "Instant")] now: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let segment = core_segment(&segment, "SegmentIndex.register")?;
        let now = self.registration_time(now, "SegmentIndex.register")?;
        let deltas = self.inner.register(segment, now).map_err(to_js_error)?;
        deltas_to_js(&deltas)
    }

    /// Registers several segments at once, in any order (they may read each other). Nothing is
    /// registered when one fails; error paths start with the segment's position (`/2/condition/…`),
    /// and segments that read each other in a circle are a `ConditionError` `segment.cycle`.
    #[wasm_bindgen(js_name = registerAll, unchecked_return_type = "MembershipDelta[]")]
    pub fn register_all(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Array<Segment | SegmentObject | string>")]
        segments: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "Instant")] now: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let items = input::array(&segments, "SegmentIndex.registerAll: segments")?;
        let mut parsed = Vec::with_capacity(items.length() as usize);
        for (index, item) in items.iter().enumerate() {
            let segment = core_segment(&item, "SegmentIndex.registerAll").inspect_err(|err| {
                if err.is_instance_of::<js_sys::Error>() {
                    crate::set_property(err, "index", JsValue::from_f64(index as f64));
                }
            })?;
            parsed.push(segment);
        }
        let now = self.registration_time(now, "SegmentIndex.registerAll")?;
        let deltas = self.inner.register_all(parsed, now).map_err(to_js_error)?;
        deltas_to_js(&deltas)
    }

    /// Adds a contact, or replaces a known one whole, at `now`; returns the membership changes.
    #[wasm_bindgen(js_name = upsertContact, unchecked_return_type = "MembershipDelta[]")]
    pub fn upsert_contact(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Contact | string")] contact: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Instant")] now: JsValue,
    ) -> Result<JsValue, JsValue> {
        let contact = input::contact(&contact)?;
        let now = input::required_instant(&now, "SegmentIndex.upsertContact: now")?;
        deltas_to_js(&self.inner.apply(ContactChange::Upsert { contact }, now))
    }

    /// Adds an event of a contact at `now` (an unknown contact is created with only its id);
    /// returns the membership changes.
    #[wasm_bindgen(js_name = addEvent, unchecked_return_type = "MembershipDelta[]")]
    pub fn add_event(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "ContactEvent | string")] event: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Instant")] now: JsValue,
    ) -> Result<JsValue, JsValue> {
        let event = input::event(&event)?;
        let now = input::required_instant(&now, "SegmentIndex.addEvent: now")?;
        deltas_to_js(&self.inner.apply(ContactChange::Event { event }, now))
    }

    /// Re-evaluates, at `now`, the contacts whose time-relative segments ("no order in 90
    /// days") may have changed since; returns the membership changes.
    #[wasm_bindgen(unchecked_return_type = "MembershipDelta[]")]
    pub fn tick(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Instant")] now: JsValue,
    ) -> Result<JsValue, JsValue> {
        let now = input::required_instant(&now, "SegmentIndex.tick: now")?;
        deltas_to_js(&self.inner.tick(now))
    }

    /// The earliest instant at which `tick` has work to do (RFC 3339, UTC), or `null`.
    #[wasm_bindgen(js_name = nextWakeup, unchecked_return_type = "string | null")]
    pub fn next_wakeup(&self) -> JsValue {
        self.inner
            .next_wakeup()
            .map_or(JsValue::NULL, |t| JsValue::from_str(&rfc3339(&t)))
    }

    /// The ids of the members of a segment (none for an unknown segment).
    pub fn members(&self, segment: String) -> Vec<String> {
        self.inner
            .members(&SegmentId::from(segment))
            .map(|id| id.as_str().to_owned())
            .collect()
    }

    /// The ids of the segments a contact is in, in evaluation order.
    #[wasm_bindgen(js_name = segmentsOf)]
    pub fn segments_of(&self, contact: String) -> Vec<String> {
        self.inner
            .segments_of(&ContactId::from(contact))
            .into_iter()
            .map(|id| id.as_str().to_owned())
            .collect()
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
        u32::try_from(self.inner.contact_count()).unwrap_or(u32::MAX)
    }
}

impl SegmentIndex {
    /// `now` of a registration: required once the index holds contacts (they are evaluated at
    /// it); before that no evaluation happens and any instant will do.
    fn registration_time(
        &self,
        now: Option<JsValue>,
        call: &str,
    ) -> Result<DateTime<Utc>, JsValue> {
        match now {
            Some(now) if !input::is_absent(&now) => input::instant(&now, &format!("{call}: now")),
            _ if self.inner.contact_count() == 0 => Ok(DateTime::UNIX_EPOCH),
            _ => Err(type_error(&format!(
                "{call}: `now` is required once the index holds contacts (they are evaluated \
                 at it): a Date or an RFC 3339 string"
            ))),
        }
    }
}

/// A core segment from a `Segment` (through its `toJSON`), a plain object or a JSON string.
fn core_segment(value: &JsValue, call: &str) -> Result<sequenza::segment::Segment, JsValue> {
    let text = json_text(value, "a segment")?;
    let bare = text.strip_prefix('\u{feff}').unwrap_or(&text);
    if let Ok(Json::Object(map)) = serde_json::from_str::<Json>(bare) {
        if map.contains_key("type") && !map.contains_key("id") {
            return Err(type_error(&format!(
                "{call} needs a segment with an id: Segment.parse(text, id, name), or \
                 {{id, name, condition}}"
            )));
        }
    }
    sequenza::segment::Segment::from_json(&text).map_err(to_js_error)
}

fn deltas_to_js(deltas: &[MembershipDelta]) -> Result<JsValue, JsValue> {
    to_js(deltas)
}

/// An instant as RFC 3339 in UTC (`2026-11-25T09:00:00Z`), as in the deltas' JSON form.
fn rfc3339(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}
