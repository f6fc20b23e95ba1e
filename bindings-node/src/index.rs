//! `SegmentIndex`: the core's incremental segment membership index.

use chrono::{DateTime, Utc};

use napi::{Env, Result};
use napi_derive::napi;
use sequenza::segment::ContactChange;

use crate::arg::{Contact, ContactId, Event, Now, Segment, SegmentId, Segments};
use crate::convert::{count, ids, iso, out, value, Arg, Opts, Out};

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
    fn now_or_last(&mut self, now: Option<Now>) -> DateTime<Utc> {
        match now {
            Some(now) => self.now(now),
            None => self.last_now.unwrap_or(DateTime::UNIX_EPOCH),
        }
    }

    fn now(&mut self, now: Now) -> DateTime<Utc> {
        self.last_now = Some(now.0);
        now.0
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
        let (schema, tz) = (opts.opt("fields")?, opts.opt("defaultTimeZone")?);
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
    pub fn register(&mut self, segment: Segment, now: Option<Now>) -> Out<'_> {
        let now = self.now_or_last(now);
        out(self.inner.register(segment.0, now))
    }

    /// Registers several segments at once, in any order (they may read each other); nothing is
    /// registered when one fails. Error paths start with the segment's position.
    #[napi(
        ts_args_type = "segments: Array<Segment | string | SegmentDocument>, now?: Instant | null",
        ts_return_type = "MembershipDelta[]"
    )]
    pub fn register_all(&mut self, all: Segments, now: Option<Now>) -> Out<'_> {
        let now = self.now_or_last(now);
        out(self.inner.register_all(all.0, now))
    }

    /// A new contact, or the new version of a known one (it replaces the old one whole), at
    /// `now`. Only the segments reading what changed are re-evaluated.
    #[napi(
        ts_args_type = "contact: string | Contact, now: Instant",
        ts_return_type = "MembershipDelta[]"
    )]
    pub fn upsert_contact(&mut self, contact: Contact, now: Now) -> Out<'_> {
        let (contact, now) = (contact.0, self.now(now));
        value(self.inner.apply(ContactChange::Upsert { contact }, now))
    }

    /// A new event of a contact (a contact not seen before is created with only its id), at `now`.
    #[napi(
        ts_args_type = "event: string | Event, now: Instant",
        ts_return_type = "MembershipDelta[]"
    )]
    pub fn add_event(&mut self, event: Event, now: Now) -> Out<'_> {
        let (event, now) = (event.0, self.now(now));
        value(self.inner.apply(ContactChange::Event { event }, now))
    }

    /// Forgets a contact and its events; it exits every segment it was in.
    #[napi(
        ts_args_type = "contactId: string, now: Instant",
        ts_return_type = "MembershipDelta[]"
    )]
    pub fn remove_contact(&mut self, id: ContactId, now: Now) -> Out<'_> {
        let now = self.now(now);
        value(self.inner.remove_contact(&id.0, now))
    }

    /// Re-evaluates, at `now`, every (contact, segment) whose result may have changed with time
    /// alone ("no order in 90 days"), and returns the deltas.
    #[napi(ts_args_type = "now: Instant", ts_return_type = "MembershipDelta[]")]
    pub fn tick(&mut self, now: Now) -> Out<'_> {
        let now = self.now(now);
        value(self.inner.tick(now))
    }

    /// The earliest instant at which `tick` has work to do, or `null`.
    #[napi]
    pub fn next_wakeup(&self) -> Option<String> {
        self.inner.next_wakeup().map(iso)
    }

    /// The ids of the members of a segment (none for an unknown segment), sorted.
    #[napi(ts_args_type = "segmentId: string")]
    pub fn members(&self, id: SegmentId) -> Vec<String> {
        ids(self.inner.members(&id.0))
    }

    /// The ids of the segments a contact is in, in evaluation order.
    #[napi(ts_args_type = "contactId: string")]
    pub fn segments_of(&self, id: ContactId) -> Vec<String> {
        ids(self.inner.segments_of(&id.0))
    }

    /// True when the contact is in the segment.
    #[napi(ts_args_type = "segmentId: string, contactId: string")]
    pub fn is_member(&self, segment: SegmentId, contact: ContactId) -> bool {
        self.inner.is_member(&segment.0, &contact.0)
    }

    /// How many contacts the index holds.
    #[napi(getter)]
    pub fn contact_count(&self) -> u32 {
        count(self.inner.contact_count())
    }

    /// The ids of the registered segments, in registration order.
    #[napi(getter)]
    pub fn segment_ids(&self) -> Vec<String> {
        ids(self.inner.segments().map(|s| &s.id))
    }
}
