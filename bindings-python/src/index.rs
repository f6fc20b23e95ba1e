//! `SegmentIndex`: the core's incremental segment index.

use chrono::{DateTime, Utc};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyList;
use sequenza::model::{ContactId, SegmentId};
use sequenza::segment::{ContactChange, MembershipDelta, SegmentIndex};
use sequenza::{Contact, Event};

use super::convert::{document_text, instant, py_datetime, records_to_py, time_zone};
use super::errors::OrRaise;
use super::parse_fields;
use super::segment::PySegment;

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

/// The membership deltas as a list of dicts ``{"contact", "segment", "change", "at"}``.
fn deltas<'py>(py: Python<'py>, deltas: &[MembershipDelta]) -> PyResult<Bound<'py, PyList>> {
    records_to_py(py, deltas, |d| d.at)
}

/// A `Segment`, or anything `Segment.from_json` reads.
pub(crate) fn core_segment(obj: &Bound<'_, PyAny>) -> PyResult<sequenza::segment::Segment> {
    if let Ok(s) = obj.cast::<PySegment>() {
        return s.get().to_core();
    }
    let text = super::json_text(obj, "segment", "a Segment, str, bytes or dict")?;
    sequenza::segment::Segment::from_json(&text).or_raise(obj.py())
}

impl PySegmentIndex {
    /// The registered segments (for `ContactTable.from_arrow(segments=index)`).
    pub(crate) fn registered(&self) -> Vec<sequenza::segment::Segment> {
        self.inner.segments().cloned().collect()
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
        fields: Option<&Bound<'_, PyAny>>,
        default_time_zone: &str,
    ) -> PyResult<Self> {
        let mut inner =
            SegmentIndex::new().with_default_time_zone(time_zone(py, default_time_zone)?);
        if let Some(schema) = parse_fields(fields)? {
            inner = inner.with_schema(schema);
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
    fn register<'py>(
        &mut self,
        py: Python<'py>,
        segment: &Bound<'py, PyAny>,
        now: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyList>> {
        let segment = core_segment(segment)?;
        let now = self.registration_time(now)?;
        let out = self.inner.register(segment, now).or_raise(py)?;
        deltas(py, &out)
    }

    /// Registers several segments at once, in any order (they may read each other). Nothing is
    /// registered when one fails; error paths start with the segment's position
    /// (``/1/condition/...``).
    #[pyo3(signature = (segments, now = None))]
    fn register_all<'py>(
        &mut self,
        py: Python<'py>,
        segments: &Bound<'py, PyAny>,
        now: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyList>> {
        let expected = "an iterable of Segment, str, bytes or dict";
        let items = super::convert::items(segments, "segments", expected)?;
        let all = items
            .iter()
            .map(core_segment)
            .collect::<PyResult<Vec<_>>>()?;
        let now = self.registration_time(now)?;
        let out = self.inner.register_all(all, now).or_raise(py)?;
        deltas(py, &out)
    }

    /// Adds a contact or replaces it whole (a contact ``dict`` or its JSON text) at ``now``, and
    /// returns the membership changes.
    fn upsert_contact<'py>(
        &mut self,
        py: Python<'py>,
        contact: &Bound<'py, PyAny>,
        now: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        let text = document_text(contact, "contact", "a dict, str or bytes")?;
        let contact = Contact::from_json(&text).or_raise(py)?;
        let now = instant(now, "now")?;
        let out = self.inner.apply(ContactChange::Upsert { contact }, now);
        deltas(py, &out)
    }

    /// Adds an event (a ``dict`` ``{"contact", "name", "at", "properties"}`` or its JSON text) at
    /// ``now`` and returns the membership changes. A contact not seen before is created with only
    /// its id.
    fn add_event<'py>(
        &mut self,
        py: Python<'py>,
        event: &Bound<'py, PyAny>,
        now: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        let text = document_text(event, "event", "a dict, str or bytes")?;
        let event = Event::from_json(&text).or_raise(py)?;
        let now = instant(now, "now")?;
        let out = self.inner.apply(ContactChange::Event { event }, now);
        deltas(py, &out)
    }

    /// Re-evaluates, at ``now``, every contact whose time-relative segments may have changed since
    /// (``no order in 90 days`` …) and returns the membership changes.
    fn tick<'py>(
        &mut self,
        py: Python<'py>,
        now: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        let now = instant(now, "now")?;
        let out = self.inner.tick(now);
        deltas(py, &out)
    }

    /// The earliest instant at which ``tick`` has work to do (an aware UTC ``datetime``), or None.
    fn next_wakeup<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.inner
            .next_wakeup()
            .map(|t| py_datetime(py, &t))
            .transpose()
    }

    /// The ids of the members of a segment, sorted (empty for an unknown segment).
    fn members(&self, segment_id: &str) -> Vec<String> {
        self.inner
            .members(&SegmentId::new(segment_id))
            .map(|c| c.as_str().to_owned())
            .collect()
    }

    /// The ids of the segments a contact is in, a segment before the segments that read it.
    fn segments_of(&self, contact_id: &str) -> Vec<String> {
        self.inner
            .segments_of(&ContactId::new(contact_id))
            .into_iter()
            .map(|s| s.as_str().to_owned())
            .collect()
    }

    /// True when the contact is in the segment.
    fn is_member(&self, segment_id: &str, contact_id: &str) -> bool {
        self.inner
            .is_member(&SegmentId::new(segment_id), &ContactId::new(contact_id))
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

impl PySegmentIndex {
    /// `now` for a registration: required once the index holds contacts (they are evaluated).
    fn registration_time(&self, now: Option<&Bound<'_, PyAny>>) -> PyResult<DateTime<Utc>> {
        match now.filter(|n| !n.is_none()) {
            Some(n) => instant(n, "now"),
            None if self.inner.contact_count() == 0 => Ok(DateTime::<Utc>::UNIX_EPOCH),
            None => Err(PyValueError::new_err(
                "now is required: the index holds contacts, and registering evaluates them",
            )),
        }
    }
}
