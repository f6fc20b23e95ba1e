//! `SegmentIndex`: the core's incremental segment membership index.

use chrono::{DateTime, Utc};
use napi::bindgen_prelude::{Either, JsObjectValue, JsValue, Unknown};
use napi::{Env, Result};
use napi_derive::napi;
use sequenza::model::{ContactId, SegmentId};
use sequenza::segment::{ContactChange, MembershipDelta};
use sequenza::{Contact, Event};

use crate::convert::{
    field_schema, instant, is_nullish, json_text, serde_string, string_arg, time_zone, to_js,
    type_error, type_of, Options,
};
use crate::errors::core_error;
use crate::segment::{MaybeSegment, Segment};

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
    /// `now` when given, else the latest instant given before. Before any instant the index
    /// holds no contact, so nothing is evaluated and the instant is never seen.
    fn now_or_last(&mut self, env: &Env, now: Option<Unknown<'_>>) -> Result<DateTime<Utc>> {
        match now.filter(|n| !is_nullish(n)) {
            Some(now) => self.now(env, now),
            None => Ok(self.last_now.unwrap_or(DateTime::UNIX_EPOCH)),
        }
    }

    fn now(&mut self, env: &Env, now: Unknown<'_>) -> Result<DateTime<Utc>> {
        let now = instant(env, Some(now), "now")?;
        self.last_now = Some(now);
        Ok(now)
    }
}

/// A segment argument as a core segment: a `Segment` handle, JSON text or an object.
fn core_segment(
    env: &Env,
    value: MaybeSegment<'_>,
    name: &str,
) -> Result<sequenza::segment::Segment> {
    match value {
        Either::A(handle) => handle.to_core(env, name),
        Either::B(value) => Segment::read(env, value, name)?.to_core(env, name),
    }
}

fn deltas<'env>(env: &'env Env, deltas: &[MembershipDelta]) -> Result<Unknown<'env>> {
    to_js(env, deltas)
}

#[napi]
impl SegmentIndex {
    /// An empty index. `options.fields` (the declared profile fields) makes `register` check
    /// field names and types; `options.defaultTimeZone` (IANA name, UTC when absent) is the zone
    /// of contacts without one.
    #[napi(
        constructor,
        catch_unwind,
        ts_args_type = "options?: SegmentIndexOptions"
    )]
    pub fn new(env: &Env, options: Option<Unknown<'_>>) -> Result<Self> {
        let opts = Options::read(env, options, "options", &["fields", "defaultTimeZone"])?;
        let schema = field_schema(env, opts.get("fields")?, &opts.name_of("fields"))?;
        let tz = time_zone(
            env,
            opts.get("defaultTimeZone")?,
            &opts.name_of("defaultTimeZone"),
        )?;
        let mut inner = sequenza::segment::SegmentIndex::new().with_default_time_zone(tz);
        if let Some(schema) = schema {
            inner = inner.with_schema(schema);
        }
        Ok(SegmentIndex {
            inner,
            last_now: None,
        })
    }

    /// Registers a segment (it needs an id) and evaluates it for every contact held, at `now`
    /// (default: the latest instant given to the index). Segments read by its `in_segment`
    /// conditions must be registered first (or use `registerAll`).
    ///
    /// Throws a `ConditionError`: `segment.duplicate`, `segment.unknown`, `segment.cycle`, or a
    /// compilation error of the condition (path `/condition/…`).
    #[napi(
        catch_unwind,
        ts_args_type = "segment: Segment | string | SegmentDocument, now?: Date | string | null",
        ts_return_type = "MembershipDelta[]"
    )]
    pub fn register<'env>(
        &mut self,
        env: &'env Env,
        segment: MaybeSegment<'_>,
        now: Option<Unknown<'_>>,
    ) -> Result<Unknown<'env>> {
        let segment = core_segment(env, segment, "segment")?;
        let now = self.now_or_last(env, now)?;
        let out = self
            .inner
            .register(segment, now)
            .map_err(|e| core_error(env, &e))?;
        deltas(env, &out)
    }

    /// Registers several segments at once, in any order (they may read each other); nothing is
    /// registered when one fails. Error paths start with the segment's position (`/2/condition/…`).
    #[napi(
        catch_unwind,
        ts_args_type = "segments: Array<Segment | string | SegmentDocument>, now?: Date | string | null",
        ts_return_type = "MembershipDelta[]"
    )]
    pub fn register_all<'env>(
        &mut self,
        env: &'env Env,
        segments: Unknown<'_>,
        now: Option<Unknown<'_>>,
    ) -> Result<Unknown<'env>> {
        if !segments.is_array()? {
            let received = type_of(segments.get_type()?);
            return Err(type_error(
                env,
                &format!("The \"segments\" argument must be an array. Received type {received}"),
            ));
        }
        let list = segments.coerce_to_object()?;
        let len = list.get_array_length()?;
        let mut parsed = Vec::with_capacity(len as usize);
        for i in 0..len {
            let item: MaybeSegment<'_> = list.get_element(i)?;
            parsed.push(core_segment(env, item, &format!("segments[{i}]"))?);
        }
        let now = self.now_or_last(env, now)?;
        let out = self
            .inner
            .register_all(parsed, now)
            .map_err(|e| core_error(env, &e))?;
        deltas(env, &out)
    }

    /// A new contact, or the new version of a known one (it replaces the old one whole), at
    /// `now`. Only the segments reading what changed are re-evaluated.
    #[napi(
        catch_unwind,
        ts_args_type = "contact: string | Contact, now: Date | string",
        ts_return_type = "MembershipDelta[]"
    )]
    pub fn upsert_contact<'env>(
        &mut self,
        env: &'env Env,
        contact: Unknown<'_>,
        now: Unknown<'_>,
    ) -> Result<Unknown<'env>> {
        let text = json_text(env, contact, "contact", "a JSON string or an object")?;
        let now = self.now(env, now)?;
        let contact = Contact::from_json(&text).map_err(|e| core_error(env, &e))?;
        let out = self.inner.apply(ContactChange::Upsert { contact }, now);
        deltas(env, &out)
    }

    /// A new event of a contact (a contact not seen before is created with only its id), at `now`.
    #[napi(
        catch_unwind,
        ts_args_type = "event: string | Event, now: Date | string",
        ts_return_type = "MembershipDelta[]"
    )]
    pub fn add_event<'env>(
        &mut self,
        env: &'env Env,
        event: Unknown<'_>,
        now: Unknown<'_>,
    ) -> Result<Unknown<'env>> {
        let text = json_text(env, event, "event", "a JSON string or an object")?;
        let now = self.now(env, now)?;
        let event = Event::from_json(&text).map_err(|e| core_error(env, &e))?;
        let out = self.inner.apply(ContactChange::Event { event }, now);
        deltas(env, &out)
    }

    /// Forgets a contact and its events; it exits every segment it was in.
    #[napi(
        catch_unwind,
        ts_args_type = "contactId: string, now: Date | string",
        ts_return_type = "MembershipDelta[]"
    )]
    pub fn remove_contact<'env>(
        &mut self,
        env: &'env Env,
        contact_id: Unknown<'_>,
        now: Unknown<'_>,
    ) -> Result<Unknown<'env>> {
        let id = string_arg(env, contact_id, "contactId")?;
        let now = self.now(env, now)?;
        let out = self.inner.remove_contact(&ContactId::new(id), now);
        deltas(env, &out)
    }

    /// Re-evaluates, at `now`, every (contact, segment) whose result may have changed with time
    /// alone ("no order in 90 days"), and returns the deltas.
    #[napi(
        catch_unwind,
        ts_args_type = "now: Date | string",
        ts_return_type = "MembershipDelta[]"
    )]
    pub fn tick<'env>(&mut self, env: &'env Env, now: Unknown<'_>) -> Result<Unknown<'env>> {
        let now = self.now(env, now)?;
        let out = self.inner.tick(now);
        deltas(env, &out)
    }

    /// The earliest instant at which `tick` has work to do (ISO 8601 / RFC 3339, UTC), or `null`.
    #[napi(catch_unwind)]
    pub fn next_wakeup(&self) -> Result<Option<String>> {
        self.inner
            .next_wakeup()
            .map(|t| serde_string(&t))
            .transpose()
    }

    /// The ids of the members of a segment (none for an unknown segment), sorted.
    #[napi(catch_unwind, ts_args_type = "segmentId: string")]
    pub fn members(&self, env: &Env, segment_id: Unknown<'_>) -> Result<Vec<String>> {
        let id = SegmentId::new(string_arg(env, segment_id, "segmentId")?);
        Ok(self
            .inner
            .members(&id)
            .map(|c| c.as_str().to_owned())
            .collect())
    }

    /// The ids of the segments a contact is in, in evaluation order (a segment before the
    /// segments that read it).
    #[napi(catch_unwind, ts_args_type = "contactId: string")]
    pub fn segments_of(&self, env: &Env, contact_id: Unknown<'_>) -> Result<Vec<String>> {
        let id = ContactId::new(string_arg(env, contact_id, "contactId")?);
        Ok(self
            .inner
            .segments_of(&id)
            .into_iter()
            .map(|s| s.as_str().to_owned())
            .collect())
    }

    /// True when the contact is in the segment.
    #[napi(catch_unwind, ts_args_type = "segmentId: string, contactId: string")]
    pub fn is_member(
        &self,
        env: &Env,
        segment_id: Unknown<'_>,
        contact_id: Unknown<'_>,
    ) -> Result<bool> {
        let segment = SegmentId::new(string_arg(env, segment_id, "segmentId")?);
        let contact = ContactId::new(string_arg(env, contact_id, "contactId")?);
        Ok(self.inner.is_member(&segment, &contact))
    }

    /// How many contacts the index holds.
    #[napi(getter, catch_unwind)]
    pub fn contact_count(&self) -> u32 {
        u32::try_from(self.inner.contact_count()).unwrap_or(u32::MAX)
    }

    /// The ids of the registered segments, in registration order.
    #[napi(getter, catch_unwind)]
    pub fn segment_ids(&self) -> Vec<String> {
        self.inner
            .segments()
            .map(|s| s.id.as_str().to_owned())
            .collect()
    }
}
