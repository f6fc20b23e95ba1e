//! `SegmentIndex`: the core's incremental segment membership index.

use chrono::{DateTime, Utc};
use napi::bindgen_prelude::{JsObjectValue, Unknown};
use napi::{Env, JsValue, Result};
use napi_derive::napi;
use sequenza::model::{ContactId, SegmentId};
use sequenza::segment::ContactChange;
use sequenza::{Contact, Event};

use crate::convert::{
    doc, given, instant, iso, schema, string, to_js, wrong_type, zone, Arg, Opts,
};
use crate::errors::OrThrow;
use crate::segment::core_segment;

/// Keeps segment membership of contacts up to date, incrementally: register segments, then feed
/// contact changes, events and the passing of time; each call returns the membership deltas it
/// caused.
#[napi]
#[derive(Debug)]
pub struct SegmentIndex {
    inner: sequenza::segment::SegmentIndex,
    /// The latest instant given to the index (what `register` uses without `now`).
    last_now: Option<DateTime<Utc>>,
}

impl SegmentIndex {
    /// `now` when given, else the latest instant given before (the epoch before any: the index
    /// then holds no contact, so nothing is evaluated).
    fn now_or_last(&mut self, env: &Env, now: Arg) -> Result<DateTime<Utc>> {
        match given(now) {
            Some(now) => self.now(env, Some(now)),
            None => Ok(self.last_now.unwrap_or(DateTime::UNIX_EPOCH)),
        }
    }

    fn now(&mut self, env: &Env, now: Arg) -> Result<DateTime<Utc>> {
        let now = instant(env, now, "now")?;
        self.last_now = Some(now);
        Ok(now)
    }
}

#[napi]
impl SegmentIndex {
    /// An empty index. `options.fields` (the declared profile fields) makes `register` check
    /// field names and types; `options.defaultTimeZone` (UTC when absent) is the zone of contacts
    /// without one.
    #[napi(constructor, ts_args_type = "options?: SegmentIndexOptions")]
    pub fn new(env: &Env, options: Arg) -> Result<Self> {
        let opts = Opts::read(env, options, "options", &["fields", "defaultTimeZone"])?;
        let schema = schema(env, opts.get("fields")?, "options.fields")?;
        let tz = zone(env, opts.get("defaultTimeZone")?, "options.defaultTimeZone")?;
        let mut inner =
            sequenza::segment::SegmentIndex::new().with_default_time_zone(tz.unwrap_or_default());
        if let Some(schema) = schema {
            inner = inner.with_schema(schema);
        }
        Ok(SegmentIndex {
            inner,
            last_now: None,
        })
    }

    /// Registers a segment (it needs an id) and evaluates it for every contact held, at `now`
    /// (default: the latest instant given to the index). Throws a `ConditionError`
    /// (`segment.duplicate`, `segment.unknown`, `segment.cycle`, a condition's own codes).
    #[napi(
        ts_args_type = "segment: Segment | string | SegmentDocument, now?: Instant | null",
        ts_return_type = "MembershipDelta[]"
    )]
    pub fn register<'e>(&mut self, env: &'e Env, segment: Arg, now: Arg) -> Result<Unknown<'e>> {
        let segment = core_segment(env, segment, "segment")?;
        let now = self.now_or_last(env, now)?;
        to_js(env, &self.inner.register(segment, now).or_throw(env)?)
    }

    /// Registers several segments at once, in any order (they may read each other); nothing is
    /// registered when one fails. Error paths start with the segment's position.
    #[napi(
        ts_args_type = "segments: Array<Segment | string | SegmentDocument>, now?: Instant | null",
        ts_return_type = "MembershipDelta[]"
    )]
    pub fn register_all<'e>(
        &mut self,
        env: &'e Env,
        segments: Arg,
        now: Arg,
    ) -> Result<Unknown<'e>> {
        let list = match &segments {
            Some(v) if v.is_array()? => v.coerce_to_object()?,
            other => return Err(wrong_type(env, other.as_ref(), "segments", "an array")),
        };
        let item = |i| core_segment(env, Some(list.get_element(i)?), &format!("segments[{i}]"));
        let parsed = (0..list.get_array_length()?)
            .map(item)
            .collect::<Result<Vec<_>>>()?;
        let now = self.now_or_last(env, now)?;
        to_js(env, &self.inner.register_all(parsed, now).or_throw(env)?)
    }

    /// A new contact, or the new version of a known one (it replaces the old one whole), at
    /// `now`. Only the segments reading what changed are re-evaluated.
    #[napi(
        ts_args_type = "contact: string | Contact, now: Instant",
        ts_return_type = "MembershipDelta[]"
    )]
    pub fn upsert_contact<'e>(
        &mut self,
        env: &'e Env,
        contact: Arg,
        now: Arg,
    ) -> Result<Unknown<'e>> {
        let contact = doc(env, contact, "contact", Contact::from_json)?;
        let now = self.now(env, now)?;
        to_js(
            env,
            &self.inner.apply(ContactChange::Upsert { contact }, now),
        )
    }

    /// A new event of a contact (a contact not seen before is created with only its id), at `now`.
    #[napi(
        ts_args_type = "event: string | Event, now: Instant",
        ts_return_type = "MembershipDelta[]"
    )]
    pub fn add_event<'e>(&mut self, env: &'e Env, event: Arg, now: Arg) -> Result<Unknown<'e>> {
        let event = doc(env, event, "event", Event::from_json)?;
        let now = self.now(env, now)?;
        to_js(env, &self.inner.apply(ContactChange::Event { event }, now))
    }

    /// Forgets a contact and its events; it exits every segment it was in.
    #[napi(
        ts_args_type = "contactId: string, now: Instant",
        ts_return_type = "MembershipDelta[]"
    )]
    pub fn remove_contact<'e>(
        &mut self,
        env: &'e Env,
        contact_id: Arg,
        now: Arg,
    ) -> Result<Unknown<'e>> {
        let id = ContactId::new(string(env, contact_id, "contactId")?);
        let now = self.now(env, now)?;
        to_js(env, &self.inner.remove_contact(&id, now))
    }

    /// Re-evaluates, at `now`, every (contact, segment) whose result may have changed with time
    /// alone ("no order in 90 days"), and returns the deltas.
    #[napi(ts_args_type = "now: Instant", ts_return_type = "MembershipDelta[]")]
    pub fn tick<'e>(&mut self, env: &'e Env, now: Arg) -> Result<Unknown<'e>> {
        let now = self.now(env, now)?;
        to_js(env, &self.inner.tick(now))
    }

    /// The earliest instant at which `tick` has work to do, or `null`.
    #[napi]
    pub fn next_wakeup(&self) -> Option<String> {
        self.inner.next_wakeup().map(iso)
    }

    /// The ids of the members of a segment (none for an unknown segment), sorted.
    #[napi(ts_args_type = "segmentId: string")]
    pub fn members(&self, env: &Env, segment_id: Arg) -> Result<Vec<String>> {
        let id = SegmentId::new(string(env, segment_id, "segmentId")?);
        Ok(self
            .inner
            .members(&id)
            .map(|c| c.as_str().to_owned())
            .collect())
    }

    /// The ids of the segments a contact is in, in evaluation order.
    #[napi(ts_args_type = "contactId: string")]
    pub fn segments_of(&self, env: &Env, contact_id: Arg) -> Result<Vec<String>> {
        let id = ContactId::new(string(env, contact_id, "contactId")?);
        Ok(self
            .inner
            .segments_of(&id)
            .into_iter()
            .map(|s| s.as_str().to_owned())
            .collect())
    }

    /// True when the contact is in the segment.
    #[napi(ts_args_type = "segmentId: string, contactId: string")]
    pub fn is_member(&self, env: &Env, segment_id: Arg, contact_id: Arg) -> Result<bool> {
        let segment = SegmentId::new(string(env, segment_id, "segmentId")?);
        let contact = ContactId::new(string(env, contact_id, "contactId")?);
        Ok(self.inner.is_member(&segment, &contact))
    }

    /// How many contacts the index holds.
    #[napi(getter)]
    pub fn contact_count(&self) -> u32 {
        u32::try_from(self.inner.contact_count()).unwrap_or(u32::MAX)
    }

    /// The ids of the registered segments, in registration order.
    #[napi(getter)]
    pub fn segment_ids(&self) -> Vec<String> {
        self.inner
            .segments()
            .map(|s| s.id.as_str().to_owned())
            .collect()
    }
}
