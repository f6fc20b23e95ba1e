//! `SegmentIndex`: the core's incremental segment index.

use chrono::{DateTime, Utc};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use sequenza::model::{ContactId, SegmentId};
use sequenza::segment::{ContactChange, MembershipDelta, Segment, SegmentIndex};
use sequenza::{Contact, Event, FieldSchema};

use super::convert::{items, time_zone, Datetime, Doc, Holds, Id, Now, Obj, Records};
use super::errors::Result;
use super::segment::PySegment;

/// A segment argument: a `Segment`, or anything `Segment.from_json` reads.
pub(crate) type SegmentArg = Obj<PySegment>;

impl Holds for PySegment {
    type Value = Segment;
    const EXPECTED: &'static str = "a Segment, str, bytes or dict";

    fn value(&self) -> PyResult<Segment> {
        self.to_core()
    }
}

/// Keeps segment membership of contacts up to date, incrementally.
///
/// Register segments (each needs an ``id``), then feed contacts with ``upsert_contact``, events
/// with ``add_event`` and the passing of time with ``tick``; each returns the membership changes
/// it caused as dicts ``{"contact", "segment", "change": "entered" | "exited", "at"}`` (``at`` an
/// aware UTC ``datetime``), a segment before the segments that read it. ``next_wakeup()`` says
/// when ``tick`` next has work to do. Nothing reads the clock: ``now`` is always given (an aware
/// ``datetime`` or an RFC 3339 string).
#[pyclass(module = "sequenza", name = "SegmentIndex")]
pub(crate) struct PySegmentIndex {
    inner: SegmentIndex,
}

/// Membership changes: dicts ``{"contact", "segment", "change", "at"}``.
type Deltas = Result<Records<MembershipDelta>>;

impl PySegmentIndex {
    /// The registered segments (for `ContactTable.from_arrow(segments=index)`).
    pub(crate) fn registered(&self) -> Vec<Segment> {
        self.inner.segments().cloned().collect()
    }

    /// `now` for a registration: required once the index holds contacts (they are evaluated).
    fn registration_time(&self, now: Option<Now>) -> PyResult<DateTime<Utc>> {
        match now {
            Some(n) => Ok(n.0),
            None if self.inner.contact_count() == 0 => Ok(DateTime::<Utc>::UNIX_EPOCH),
            None => Err(PyValueError::new_err(
                "now is required: the index holds contacts, and registering evaluates them",
            )),
        }
    }
}

#[pymethods]
impl PySegmentIndex {
    /// An empty index. ``fields`` (a field schema, JSON text or ``dict``) makes ``register``
    /// check segment conditions against the declared fields; ``default_time_zone`` is the IANA
    /// zone of contacts without one.
    #[new]
    #[pyo3(signature = (fields = None, default_time_zone = "UTC"))]
    fn new(
        py: Python<'_>,
        fields: Option<Doc<FieldSchema>>,
        default_time_zone: &str,
    ) -> PyResult<Self> {
        let mut inner =
            SegmentIndex::new().with_default_time_zone(time_zone(py, default_time_zone)?);
        if let Some(schema) = fields {
            inner = inner.with_schema(schema.0);
        }
        Ok(PySegmentIndex { inner })
    }

    /// Registers a segment (a ``Segment`` with an ``id``, or a segment object ``{"id", "name",
    /// "condition"}``) and evaluates it for every contact held, at ``now``. ``now`` may be left
    /// out while the index holds no contacts.
    ///
    /// Raises ``ConditionError``: ``segment.duplicate``, ``segment.unknown`` (an ``in_segment``
    /// naming no registered segment), ``segment.cycle``, or the condition's own errors.
    #[pyo3(signature = (segment, now = None))]
    fn register(&mut self, segment: SegmentArg, now: Option<Now>) -> Deltas {
        let now = self.registration_time(now)?;
        Ok(Records(self.inner.register(segment.0, now)?))
    }

    /// Registers several segments at once, in any order (they may read each other). Nothing is
    /// registered when one fails; error paths start with the segment's position
    /// (``/1/condition/...``).
    #[pyo3(signature = (segments, now = None))]
    fn register_all(&mut self, segments: &Bound<'_, PyAny>, now: Option<Now>) -> Deltas {
        let expected = "an iterable of Segment, str, bytes or dict";
        let items = items(segments, "segments", expected)?;
        let all = items.iter().map(|s| Ok(s.extract::<SegmentArg>()?.0));
        let all = all.collect::<PyResult<Vec<_>>>()?;
        let now = self.registration_time(now)?;
        Ok(Records(self.inner.register_all(all, now)?))
    }

    /// Adds a contact or replaces it whole (a contact ``dict`` or its JSON text) at ``now``, and
    /// returns the membership changes.
    fn upsert_contact(&mut self, contact: Doc<Contact>, now: Now) -> Records<MembershipDelta> {
        let change = ContactChange::Upsert { contact: contact.0 };
        Records(self.inner.apply(change, now.0))
    }

    /// Adds an event (a ``dict`` ``{"contact", "name", "at", "properties"}`` or its JSON text) at
    /// ``now`` and returns the membership changes. A contact not seen before is created with only
    /// its id.
    fn add_event(&mut self, event: Doc<Event>, now: Now) -> Records<MembershipDelta> {
        let change = ContactChange::Event { event: event.0 };
        Records(self.inner.apply(change, now.0))
    }

    /// Re-evaluates, at ``now``, every contact whose time-relative segments may have changed since
    /// (``no order in 90 days`` …) and returns the membership changes.
    fn tick(&mut self, now: Now) -> Records<MembershipDelta> {
        Records(self.inner.tick(now.0))
    }

    /// The earliest instant at which ``tick`` has work to do (an aware UTC ``datetime``), or None.
    fn next_wakeup(&self) -> Option<Datetime> {
        self.inner.next_wakeup().map(Datetime)
    }

    /// The ids of the members of a segment, sorted (empty for an unknown segment).
    fn members(&self, segment_id: Id<SegmentId>) -> Vec<String> {
        let ids = self.inner.members(&segment_id);
        ids.map(|c| c.as_str().to_owned()).collect()
    }

    /// The ids of the segments a contact is in, a segment before the segments that read it.
    fn segments_of(&self, contact_id: Id<ContactId>) -> Vec<String> {
        let ids = self.inner.segments_of(&contact_id);
        ids.into_iter().map(|s| s.as_str().to_owned()).collect()
    }

    /// True when the contact is in the segment.
    fn is_member(&self, segment_id: Id<SegmentId>, contact_id: Id<ContactId>) -> bool {
        self.inner.is_member(&segment_id, &contact_id)
    }

    /// How many contacts the index holds.
    fn contact_count(&self) -> usize {
        self.inner.contact_count()
    }

    fn __repr__(&self) -> String {
        format!(
            "SegmentIndex(segments={}, contacts={})",
            self.inner.segments().count(),
            self.inner.contact_count()
        )
    }
}
