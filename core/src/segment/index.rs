//! The incremental segment index.

use std::collections::{BTreeMap, BTreeSet};

use crate::hash::FastMap as HashMap;
use std::fmt;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

mod graph;
mod membership;
mod registry;

use super::{ContactChange, MembershipChange, MembershipDelta, Segment};
use crate::condition::eval::CompiledCondition;
use crate::model::{Channel, Contact, ContactId, Event, FieldSchema, ListId, SegmentId};

/// One registered segment.
struct Entry {
    segment: Segment,
    compiled: CompiledCondition,
    /// Slots of the segments its condition reads (`in_segment`).
    refs: Vec<u32>,
    /// Slots of the segments that read this one.
    dependents: BTreeSet<u32>,
    /// Evaluation order: greater than the rank of every segment it reads.
    rank: u32,
    members: BTreeSet<ContactId>,
}

/// One contact with its events, memberships and wake-up times.
struct ContactState {
    contact: Contact,
    events: Vec<Event>,
    member_of: BTreeSet<u32>,
    /// Per time-relative segment slot, when its result may next change.
    wake: BTreeMap<u32, DateTime<Utc>>,
}

/// A checked segment, ready to be inserted.
struct Prepared {
    segment: Segment,
    compiled: CompiledCondition,
    refs: Vec<SegmentId>,
}

/// Keeps segment membership of contacts up to date, incrementally.
///
/// Register segments, then feed contact changes and events with [`apply`](Self::apply) and the
/// passing of time with [`tick`](Self::tick); each returns the membership deltas it caused, in
/// evaluation order (a segment before the segments that read it). Only the segments whose
/// [dependencies](crate::condition::eval::Dependencies) were touched are re-evaluated, plus —
/// transitively — the segments that read a segment whose membership changed.
///
/// The index is a pure in-memory structure: it keeps every contact and every event it was given.
/// Nothing reads the clock; `now` is always passed in.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use sequenza::segment::{ContactChange, Segment, SegmentIndex};
/// use sequenza::{Contact, Event};
///
/// let mut index = SegmentIndex::new().with_default_time_zone(chrono_tz::Europe::Rome);
/// let t0 = Utc.with_ymd_and_hms(2026, 11, 1, 9, 0, 0).unwrap();
/// index.register(Segment::from_json(r#"{"id": "recent", "name": "Ordered this week",
///   "condition": {"type": "event", "name": "order.placed", "within": {"amount": 7, "unit": "days"}}}"#)?, t0)?;
/// let order = Event::from_json(
///     r#"{"contact": "anna", "name": "order.placed", "at": "2026-11-01T09:00:00Z"}"#)?;
/// let entered = index.apply(ContactChange::Event { event: order }, t0);
/// assert_eq!(entered.len(), 1);
///
/// // Seven days later (in Rome) the order leaves the window.
/// let wake = index.next_wakeup().unwrap();
/// assert_eq!(wake, Utc.with_ymd_and_hms(2026, 11, 8, 9, 0, 0).unwrap());
/// let exited = index.tick(wake + chrono::TimeDelta::seconds(1));
/// assert_eq!(exited.len(), 1);
/// assert_eq!(index.members(&"recent".into()).count(), 0);
/// # Ok::<(), sequenza::Error>(())
/// ```
pub struct SegmentIndex {
    schema: Option<FieldSchema>,
    default_time_zone: Tz,
    segs: Vec<Option<Entry>>,
    ids: HashMap<SegmentId, u32>,
    by_field: HashMap<String, Vec<u32>>,
    by_tag: HashMap<String, Vec<u32>>,
    by_list: HashMap<ListId, Vec<u32>>,
    by_consent: HashMap<Channel, Vec<u32>>,
    by_event: HashMap<String, Vec<u32>>,
    contacts: BTreeMap<ContactId, ContactState>,
    wakeups: BTreeSet<(DateTime<Utc>, ContactId, u32)>,
    evaluations: u64,
}

impl fmt::Debug for SegmentIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SegmentIndex")
            .field("segments", &self.ids.len())
            .field("contacts", &self.contacts.len())
            .field("wakeups", &self.wakeups.len())
            .field("evaluations", &self.evaluations)
            .finish_non_exhaustive()
    }
}

impl Default for SegmentIndex {
    fn default() -> Self {
        SegmentIndex::new()
    }
}

impl SegmentIndex {
    /// An empty index: no schema, default time zone UTC.
    ///
    /// ```
    /// use sequenza::segment::SegmentIndex;
    /// let index = SegmentIndex::new();
    /// assert_eq!(index.segments().count(), 0);
    /// assert_eq!(index.next_wakeup(), None);
    /// ```
    pub fn new() -> Self {
        SegmentIndex {
            schema: None,
            default_time_zone: Tz::UTC,
            segs: Vec::new(),
            ids: HashMap::default(),
            by_field: HashMap::default(),
            by_tag: HashMap::default(),
            by_list: HashMap::default(),
            by_consent: HashMap::default(),
            by_event: HashMap::default(),
            contacts: BTreeMap::new(),
            wakeups: BTreeSet::new(),
            evaluations: 0,
        }
    }

    /// The same index checking segment conditions against a field schema.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use sequenza::segment::{Segment, SegmentIndex};
    /// use sequenza::FieldSchema;
    /// let schema = FieldSchema::from_json(r#"{"fields": [{"key": "city", "type": "text"}]}"#)?;
    /// let mut index = SegmentIndex::new().with_schema(schema);
    /// let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    /// let err = index.register(Segment::from_json(r#"{"id": "s", "name": "S",
    ///   "condition": {"type": "field", "field": "cty", "op": "is_set"}}"#)?, now).unwrap_err();
    /// assert_eq!(err.code(), "condition.field.unknown");
    /// assert_eq!(err.path(), Some("/condition/field"));
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn with_schema(mut self, schema: FieldSchema) -> Self {
        self.schema = Some(schema);
        self
    }

    /// The same index with another time zone for contacts without one. It is an index setting,
    /// not an argument of [`apply`](Self::apply), so that every evaluation agrees.
    ///
    /// ```
    /// use sequenza::segment::SegmentIndex;
    /// let index = SegmentIndex::new().with_default_time_zone(chrono_tz::Europe::Rome);
    /// # let _ = index;
    /// ```
    pub fn with_default_time_zone(mut self, tz: Tz) -> Self {
        self.default_time_zone = tz;
        self
    }

    /// The time zone of contacts without one (UTC unless set).
    ///
    /// ```
    /// use sequenza::segment::SegmentIndex;
    /// let index = SegmentIndex::new().with_default_time_zone(chrono_tz::Europe::Rome);
    /// assert_eq!(index.default_time_zone(), chrono_tz::Europe::Rome);
    /// ```
    pub fn default_time_zone(&self) -> Tz {
        self.default_time_zone
    }

    /// How many segment evaluations the index has run so far (for tests and statistics).
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// # use sequenza::segment::{ContactChange, Segment, SegmentIndex};
    /// # use sequenza::Contact;
    /// # let now = Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap();
    /// # let mut index = SegmentIndex::new();
    /// # index.register(Segment::from_json(r#"{"id": "vip", "name": "VIP",
    /// #   "condition": {"type": "tags", "op": "has_any", "tags": ["vip"]}}"#)?, now)?;
    /// # let anna = Contact::from_json(r#"{"id": "anna", "tags": ["vip"]}"#)?;
    /// # index.apply(ContactChange::Upsert { contact: anna }, now);
    /// // Registering "vip" evaluated no one; the new contact was evaluated once.
    /// assert_eq!(index.evaluation_count(), 1);
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn evaluation_count(&self) -> u64 {
        self.evaluations
    }

    /// The registered segments, in registration order.
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// # use sequenza::segment::{ContactChange, Segment, SegmentIndex};
    /// # use sequenza::Contact;
    /// # let now = Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap();
    /// # let mut index = SegmentIndex::new();
    /// # index.register(Segment::from_json(r#"{"id": "vip", "name": "VIP",
    /// #   "condition": {"type": "tags", "op": "has_any", "tags": ["vip"]}}"#)?, now)?;
    /// # let anna = Contact::from_json(r#"{"id": "anna", "tags": ["vip"]}"#)?;
    /// # index.apply(ContactChange::Upsert { contact: anna }, now);
    /// assert_eq!(index.segments().map(|s| s.name.as_str()).collect::<Vec<_>>(), vec!["VIP"]);
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn segments(&self) -> impl Iterator<Item = &Segment> + '_ {
        self.segs.iter().flatten().map(|e| &e.segment)
    }

    /// A registered segment.
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// # use sequenza::segment::{ContactChange, Segment, SegmentIndex};
    /// # use sequenza::Contact;
    /// # let now = Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap();
    /// # let mut index = SegmentIndex::new();
    /// # index.register(Segment::from_json(r#"{"id": "vip", "name": "VIP",
    /// #   "condition": {"type": "tags", "op": "has_any", "tags": ["vip"]}}"#)?, now)?;
    /// # let anna = Contact::from_json(r#"{"id": "anna", "tags": ["vip"]}"#)?;
    /// # index.apply(ContactChange::Upsert { contact: anna }, now);
    /// assert_eq!(index.segment(&"vip".into()).map(|s| s.name.as_str()), Some("VIP"));
    /// assert!(index.segment(&"nope".into()).is_none());
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn segment(&self, id: &SegmentId) -> Option<&Segment> {
        self.entry(id).map(|e| &e.segment)
    }

    /// The compiled condition of a registered segment (its dependencies, for example).
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// # use sequenza::segment::{ContactChange, Segment, SegmentIndex};
    /// # use sequenza::Contact;
    /// # let now = Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap();
    /// # let mut index = SegmentIndex::new();
    /// # index.register(Segment::from_json(r#"{"id": "vip", "name": "VIP",
    /// #   "condition": {"type": "tags", "op": "has_any", "tags": ["vip"]}}"#)?, now)?;
    /// # let anna = Contact::from_json(r#"{"id": "anna", "tags": ["vip"]}"#)?;
    /// # index.apply(ContactChange::Upsert { contact: anna }, now);
    /// let deps = index.compiled(&"vip".into()).unwrap().dependencies();
    /// assert!(deps.tags.contains("vip"));
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn compiled(&self, id: &SegmentId) -> Option<&CompiledCondition> {
        self.entry(id).map(|e| &e.compiled)
    }

    fn entry(&self, id: &SegmentId) -> Option<&Entry> {
        let slot = *self.ids.get(id)?;
        self.segs.get(slot as usize)?.as_ref()
    }

    /// The members of a segment, by contact id in id order (none for an unknown segment).
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// # use sequenza::segment::{ContactChange, Segment, SegmentIndex};
    /// # use sequenza::Contact;
    /// # let now = Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap();
    /// # let mut index = SegmentIndex::new();
    /// # index.register(Segment::from_json(r#"{"id": "vip", "name": "VIP",
    /// #   "condition": {"type": "tags", "op": "has_any", "tags": ["vip"]}}"#)?, now)?;
    /// # let anna = Contact::from_json(r#"{"id": "anna", "tags": ["vip"]}"#)?;
    /// # index.apply(ContactChange::Upsert { contact: anna }, now);
    /// assert_eq!(index.members(&"vip".into()).map(|c| c.as_str()).collect::<Vec<_>>(), vec!["anna"]);
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn members(&self, segment: &SegmentId) -> impl Iterator<Item = &ContactId> + '_ {
        self.entry(segment)
            .into_iter()
            .flat_map(|e| e.members.iter())
    }

    /// True when the contact is in the segment.
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// # use sequenza::segment::{ContactChange, Segment, SegmentIndex};
    /// # use sequenza::Contact;
    /// # let now = Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap();
    /// # let mut index = SegmentIndex::new();
    /// # index.register(Segment::from_json(r#"{"id": "vip", "name": "VIP",
    /// #   "condition": {"type": "tags", "op": "has_any", "tags": ["vip"]}}"#)?, now)?;
    /// # let anna = Contact::from_json(r#"{"id": "anna", "tags": ["vip"]}"#)?;
    /// # index.apply(ContactChange::Upsert { contact: anna }, now);
    /// assert!(index.is_member(&"vip".into(), &"anna".into()));
    /// assert!(!index.is_member(&"vip".into(), &"bruno".into()));
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn is_member(&self, segment: &SegmentId, contact: &ContactId) -> bool {
        self.entry(segment)
            .is_some_and(|e| e.members.contains(contact))
    }

    /// The segments a contact is in, in evaluation order.
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// # use sequenza::segment::{ContactChange, Segment, SegmentIndex};
    /// # use sequenza::Contact;
    /// # let now = Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap();
    /// # let mut index = SegmentIndex::new();
    /// # index.register(Segment::from_json(r#"{"id": "vip", "name": "VIP",
    /// #   "condition": {"type": "tags", "op": "has_any", "tags": ["vip"]}}"#)?, now)?;
    /// # let anna = Contact::from_json(r#"{"id": "anna", "tags": ["vip"]}"#)?;
    /// # index.apply(ContactChange::Upsert { contact: anna }, now);
    /// assert_eq!(index.segments_of(&"anna".into()), vec![&"vip".into()]);
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn segments_of(&self, contact: &ContactId) -> Vec<&SegmentId> {
        let Some(state) = self.contacts.get(contact) else {
            return Vec::new();
        };
        let mut out: Vec<(u32, &SegmentId)> = state
            .member_of
            .iter()
            .filter_map(|s| {
                let e = self.segs.get(*s as usize)?.as_ref()?;
                Some((e.rank, &e.segment.id))
            })
            .collect();
        out.sort();
        out.into_iter().map(|(_, id)| id).collect()
    }

    /// Every contact, in id order.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use sequenza::segment::{ContactChange, SegmentIndex};
    /// use sequenza::Contact;
    /// let mut index = SegmentIndex::new();
    /// let now = Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap();
    /// index.apply(ContactChange::Upsert { contact: Contact::new("anna") }, now);
    /// assert_eq!(index.contacts().count(), 1);
    /// ```
    pub fn contacts(&self) -> impl Iterator<Item = &Contact> + '_ {
        self.contacts.values().map(|s| &s.contact)
    }

    /// A contact held by the index.
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// # use sequenza::segment::{ContactChange, Segment, SegmentIndex};
    /// # use sequenza::Contact;
    /// # let now = Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap();
    /// # let mut index = SegmentIndex::new();
    /// # index.register(Segment::from_json(r#"{"id": "vip", "name": "VIP",
    /// #   "condition": {"type": "tags", "op": "has_any", "tags": ["vip"]}}"#)?, now)?;
    /// # let anna = Contact::from_json(r#"{"id": "anna", "tags": ["vip"]}"#)?;
    /// # index.apply(ContactChange::Upsert { contact: anna }, now);
    /// assert!(index.contact(&"anna".into()).unwrap().tags.contains("vip"));
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn contact(&self, id: &ContactId) -> Option<&Contact> {
        self.contacts.get(id).map(|s| &s.contact)
    }

    /// The events held for a contact, in arrival order.
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// # use sequenza::segment::{ContactChange, Segment, SegmentIndex};
    /// # use sequenza::Contact;
    /// # let now = Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap();
    /// # let mut index = SegmentIndex::new();
    /// # index.register(Segment::from_json(r#"{"id": "vip", "name": "VIP",
    /// #   "condition": {"type": "tags", "op": "has_any", "tags": ["vip"]}}"#)?, now)?;
    /// # let anna = Contact::from_json(r#"{"id": "anna", "tags": ["vip"]}"#)?;
    /// # index.apply(ContactChange::Upsert { contact: anna }, now);
    /// # use sequenza::Event;
    /// let order = Event::from_json(
    ///     r#"{"contact": "anna", "name": "order.placed", "at": "2026-11-25T08:00:00Z"}"#)?;
    /// index.apply(ContactChange::Event { event: order }, now);
    /// assert_eq!(index.events(&"anna".into()).len(), 1);
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn events(&self, id: &ContactId) -> &[Event] {
        self.contacts.get(id).map_or(&[], |s| s.events.as_slice())
    }

    /// How many contacts the index holds.
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// # use sequenza::segment::{ContactChange, Segment, SegmentIndex};
    /// # use sequenza::Contact;
    /// # let now = Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap();
    /// # let mut index = SegmentIndex::new();
    /// # index.register(Segment::from_json(r#"{"id": "vip", "name": "VIP",
    /// #   "condition": {"type": "tags", "op": "has_any", "tags": ["vip"]}}"#)?, now)?;
    /// # let anna = Contact::from_json(r#"{"id": "anna", "tags": ["vip"]}"#)?;
    /// # index.apply(ContactChange::Upsert { contact: anna }, now);
    /// assert_eq!(index.contact_count(), 1);
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn contact_count(&self) -> usize {
        self.contacts.len()
    }

    /// The earliest instant at which [`tick`](Self::tick) has work to do (see the example of
    /// [`SegmentIndex`]).
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// # use sequenza::segment::{ContactChange, Segment, SegmentIndex};
    /// # use sequenza::Contact;
    /// # let now = Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap();
    /// # let mut index = SegmentIndex::new();
    /// # index.register(Segment::from_json(r#"{"id": "vip", "name": "VIP",
    /// #   "condition": {"type": "tags", "op": "has_any", "tags": ["vip"]}}"#)?, now)?;
    /// # let anna = Contact::from_json(r#"{"id": "anna", "tags": ["vip"]}"#)?;
    /// # index.apply(ContactChange::Upsert { contact: anna }, now);
    /// // Tags do not change with time.
    /// assert_eq!(index.next_wakeup(), None);
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    ///
    /// The instant is rounded up to a whole millisecond, so that a scheduler keeping time in
    /// milliseconds (JavaScript `Date`) or microseconds (Python `datetime`) and calling
    /// [`tick`](Self::tick) at exactly this instant always makes progress: a window that ends
    /// inclusively changes a nanosecond after its boundary.
    pub fn next_wakeup(&self) -> Option<DateTime<Utc>> {
        self.wakeups.first().map(|w| ceil_to_millisecond(w.0))
    }

    /// Applies a contact change or a new event at `now` and returns the membership deltas.
    ///
    /// A contact seen for the first time is evaluated against every segment; a known contact
    /// only against the segments reading what changed (and the segments reading those).
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use sequenza::segment::{ContactChange, Segment, SegmentIndex};
    /// use sequenza::Contact;
    /// let mut index = SegmentIndex::new();
    /// let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    /// index.register(Segment::from_json(r#"{"id": "vip", "name": "VIP",
    ///   "condition": {"type": "tags", "op": "has_any", "tags": ["vip"]}}"#)?, now)?;
    /// index.register(Segment::from_json(r#"{"id": "rome", "name": "Rome",
    ///   "condition": {"type": "field", "field": "city", "op": "eq", "value": "Roma"}}"#)?, now)?;
    /// let mut anna = Contact::new("anna");
    /// index.apply(ContactChange::Upsert { contact: anna.clone() }, now);
    /// let before = index.evaluation_count();
    /// anna.tags.insert("vip".into());
    /// let deltas = index.apply(ContactChange::Upsert { contact: anna }, now);
    /// assert_eq!(deltas.len(), 1);
    /// assert_eq!(index.evaluation_count() - before, 1); // "rome" was not re-evaluated
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn apply(&mut self, change: ContactChange, now: DateTime<Utc>) -> Vec<MembershipDelta> {
        match change {
            ContactChange::Upsert { contact } => {
                let id = contact.id.clone();
                match self.contacts.get_mut(&id) {
                    Some(state) => {
                        let old = std::mem::replace(&mut state.contact, contact);
                        let touched = self.touched(&old, &id);
                        self.run(&id, touched, now)
                    }
                    None => {
                        self.contacts.insert(id.clone(), ContactState::new(contact));
                        let all = self.all_slots();
                        self.run(&id, all, now)
                    }
                }
            }
            ContactChange::Event { event } => {
                let id = event.contact.clone();
                let slots = match self.contacts.get_mut(&id) {
                    Some(state) => {
                        let slots = self.by_event.get(&event.name).cloned().unwrap_or_default();
                        state.events.push(event);
                        slots
                    }
                    None => {
                        let mut state = ContactState::new(Contact::new(id.clone()));
                        state.events.push(event);
                        self.contacts.insert(id.clone(), state);
                        self.all_slots()
                    }
                };
                self.run(&id, slots, now)
            }
        }
    }

    /// Re-evaluates, at `now`, every (contact, segment) whose result may have changed with time
    /// since it was last evaluated, and returns the deltas (see the example of [`SegmentIndex`]).
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// # use sequenza::segment::{ContactChange, Segment, SegmentIndex};
    /// # use sequenza::Contact;
    /// # let now = Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap();
    /// # let mut index = SegmentIndex::new();
    /// # index.register(Segment::from_json(r#"{"id": "vip", "name": "VIP",
    /// #   "condition": {"type": "tags", "op": "has_any", "tags": ["vip"]}}"#)?, now)?;
    /// # let anna = Contact::from_json(r#"{"id": "anna", "tags": ["vip"]}"#)?;
    /// # index.apply(ContactChange::Upsert { contact: anna }, now);
    /// // Nothing here depends on time.
    /// assert!(index.tick(now + chrono::TimeDelta::days(365)).is_empty());
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn tick(&mut self, now: DateTime<Utc>) -> Vec<MembershipDelta> {
        let mut due: BTreeMap<ContactId, Vec<u32>> = BTreeMap::new();
        while let Some(first) = self.wakeups.first() {
            if first.0 > now {
                break;
            }
            let Some((_, cid, slot)) = self.wakeups.pop_first() else {
                break;
            };
            if let Some(state) = self.contacts.get_mut(&cid) {
                state.wake.remove(&slot);
            }
            due.entry(cid).or_default().push(slot);
        }
        let mut deltas = Vec::new();
        for (cid, slots) in due {
            deltas.extend(self.run(&cid, slots, now));
        }
        deltas
    }

    /// Adds a known contact to a list (`member`) or takes it out, and re-evaluates the segments
    /// that read that list. Returns no delta for an unknown contact or when nothing changed.
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// # use sequenza::segment::{ContactChange, Segment, SegmentIndex};
    /// # use sequenza::Contact;
    /// # let now = Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap();
    /// let mut index = SegmentIndex::new();
    /// index.register(Segment::from_json(r#"{"id": "club", "name": "Club",
    ///   "condition": {"type": "in_list", "list": "club"}}"#)?, now)?;
    /// index.apply(ContactChange::Upsert { contact: Contact::new("anna") }, now);
    /// let deltas = index.set_list_membership(&"anna".into(), &"club".into(), true, now);
    /// assert_eq!(deltas.len(), 1);
    /// assert!(index.contact(&"anna".into()).unwrap().lists.contains(&"club".into()));
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn set_list_membership(
        &mut self,
        contact: &ContactId,
        list: &ListId,
        member: bool,
        now: DateTime<Utc>,
    ) -> Vec<MembershipDelta> {
        let Some(state) = self.contacts.get_mut(contact) else {
            return Vec::new();
        };
        let changed = if member {
            state.contact.lists.insert(list.clone())
        } else {
            state.contact.lists.remove(list)
        };
        if !changed {
            return Vec::new();
        }
        let slots = self.by_list.get(list).cloned().unwrap_or_default();
        self.run(contact, slots, now)
    }

    /// Forgets a contact and its events; it exits every segment it was in.
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// # use sequenza::segment::{ContactChange, Segment, SegmentIndex};
    /// # use sequenza::Contact;
    /// # let now = Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap();
    /// # let mut index = SegmentIndex::new();
    /// # index.register(Segment::from_json(r#"{"id": "vip", "name": "VIP",
    /// #   "condition": {"type": "tags", "op": "has_any", "tags": ["vip"]}}"#)?, now)?;
    /// # let anna = Contact::from_json(r#"{"id": "anna", "tags": ["vip"]}"#)?;
    /// # index.apply(ContactChange::Upsert { contact: anna }, now);
    /// let deltas = index.remove_contact(&"anna".into(), now);
    /// assert_eq!(deltas.len(), 1);
    /// assert_eq!(index.contact_count(), 0);
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn remove_contact(&mut self, id: &ContactId, now: DateTime<Utc>) -> Vec<MembershipDelta> {
        let Some(state) = self.contacts.remove(id) else {
            return Vec::new();
        };
        for (slot, w) in &state.wake {
            self.wakeups.remove(&(*w, id.clone(), *slot));
        }
        let mut exits: Vec<(u32, u32)> = Vec::new();
        for slot in &state.member_of {
            if let Some(Some(e)) = self.segs.get_mut(*slot as usize) {
                e.members.remove(id);
                exits.push((e.rank, *slot));
            }
        }
        exits.sort();
        exits
            .into_iter()
            .filter_map(|(_, slot)| {
                let e = self.segs.get(slot as usize)?.as_ref()?;
                Some(MembershipDelta {
                    contact: id.clone(),
                    segment: e.segment.id.clone(),
                    change: MembershipChange::Left,
                    at: now,
                })
            })
            .collect()
    }
}

impl ContactState {
    fn new(contact: Contact) -> Self {
        ContactState {
            contact,
            events: Vec::new(),
            member_of: BTreeSet::new(),
            wake: BTreeMap::new(),
        }
    }
}

/// Rounds an instant up to the next whole millisecond (unchanged when already whole).
fn ceil_to_millisecond(t: DateTime<Utc>) -> DateTime<Utc> {
    let nanos = t.timestamp_subsec_nanos() % 1_000_000;
    if nanos == 0 {
        return t;
    }
    t.checked_add_signed(chrono::TimeDelta::nanoseconds(i64::from(1_000_000 - nanos)))
        .unwrap_or(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn self_reference_is_a_cycle() {
        let s = Segment::from_json(
            r#"{"id": "a", "name": "A", "condition": {"type": "in_segment", "segment": "a"}}"#,
        )
        .unwrap();
        let now = DateTime::<Utc>::UNIX_EPOCH;
        let err = SegmentIndex::new().register(s, now).unwrap_err();
        assert_eq!(err.code(), "segment.cycle");
        assert_eq!(err.path(), Some("/condition/segment"));
        assert!(err.message().contains("a → a"), "{}", err.message());
    }
}
