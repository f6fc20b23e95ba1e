//! Lists (`sequenza::list`): `Audience`, `source_condition` and `list_trigger_hits`.
//!
//! Lists, sources, activities, contacts and events go in as their JSON form (a `dict` or JSON
//! text) and are parsed by the core's `from_json`, so errors carry the core's codes and JSON
//! pointers. List changes come out as dicts `{"list", "contact", "change", "at"}` with `at` an
//! aware UTC `datetime`.

use pyo3::prelude::*;
use sequenza::list::{Activity, Audience, List, ListChange, Source};
use sequenza::model::{ContactId, ListId};
use sequenza::{Contact, Event, FieldSchema};
use serde::Serialize;

use super::convert::{
    document_text, time_zone, to_value, At, Datetime, Doc, Id, Json, Now, Records,
};
use super::errors::{Out, Result};
use super::segment::PySegment;
use super::FlowList;

/// Contacts, their events and activities, the segment index and the contact lists, kept
/// consistent.
///
/// Create lists from a source (``create_list``); a list with ``"auto_update": true`` keeps itself
/// current as contacts, activities and time change, and every call that changes contacts returns
/// the list changes it caused as dicts ``{"list", "contact", "change": "entered" | "exited",
/// "at"}``. Nothing reads the clock: ``now`` is always given (an aware ``datetime`` or an RFC 3339
/// string). ``default_time_zone`` is the IANA zone of contacts without one (dates of source
/// filters and ages are read in the contact's zone).
#[pyclass(module = "sequenza", name = "Audience")]
pub(crate) struct PyAudience {
    pub(crate) inner: Audience,
}

/// List changes: dicts ``{"list", "contact", "change", "at"}``.
type Changes = Records<ListChange>;

#[pymethods]
impl PyAudience {
    /// An empty audience; ``default_time_zone`` is the IANA zone of contacts without one.
    /// ``fields`` (a field schema: JSON text or ``dict``) is enforced by ``upsert_contact``:
    /// defaults fill absent fields, and a value that does not fit its type (or a required field
    /// left empty) raises ``ListError`` ``list.field.invalid`` / ``list.field.required`` at
    /// ``/fields/<key>``.
    #[new]
    #[pyo3(signature = (default_time_zone = "UTC", fields = None))]
    fn new(
        py: Python<'_>,
        default_time_zone: &str,
        fields: Option<Doc<FieldSchema>>,
    ) -> PyResult<Self> {
        let audience = Audience::new().with_default_time_zone(time_zone(py, default_time_zone)?);
        let fields = fields.map(|f| f.0).unwrap_or_default();
        Ok(PyAudience {
            inner: audience.with_fields(fields),
        })
    }

    /// Adds a contact or replaces (edits) it whole, at ``now`` (a contact ``dict`` or its JSON
    /// text); its ``lists`` are the audience's to keep and are ignored. Returns the list changes.
    fn upsert_contact(&mut self, contact: Doc<Contact>, now: Now) -> Result<Changes> {
        Ok(Records(self.inner.upsert_contact(contact.0, now.0)?))
    }

    /// Forgets a contact and its events at ``now``; it leaves every list it was in. Returns the
    /// list changes (none for an unknown contact).
    fn remove_contact(&mut self, contact_id: Id<ContactId>, now: Now) -> Changes {
        Records(self.inner.remove_contact(&contact_id, now.0))
    }

    /// Records an event (``{"contact", "name", "at", "properties"}`` or its JSON text) at
    /// ``now``; a contact not seen before is created with only its id. Returns the list changes.
    fn record_event(&mut self, event: Doc<Event>, now: Now) -> Changes {
        Records(self.inner.record_event(event.0, now.0))
    }

    /// Records an activity of a contact that happened at ``at``, evaluated at ``now``:
    /// ``activity`` is its JSON form, e.g. ``{"type": "coupon_downloaded", "coupon": "SUMMER"}``
    /// (types: ``coupon_downloaded``, ``coupon_redeemed``, ``fidelity_joined``,
    /// ``fidelity_points``, ``fidelity_target``, ``walk_in``, ``form_submitted``,
    /// ``newsletter_signup``, ``web_push_subscribed``, ``tag_assigned``). Returns the list
    /// changes. A malformed activity raises ``FlowFormatError`` whose ``path`` starts with
    /// ``/activity``.
    fn record(
        &mut self,
        contact_id: Id<ContactId>,
        activity: &Bound<'_, PyAny>,
        at: At,
        now: Now,
    ) -> Result<Changes> {
        let text = document_text(activity, "activity", "a dict, str or bytes", true)?;
        let activity = Activity::from_argument(&text)?;
        Ok(Records(self.inner.record(
            &contact_id,
            activity,
            at.0,
            now.0,
        )))
    }

    /// Re-evaluates the time-relative lists due at ``now``; returns the list changes.
    fn tick(&mut self, now: Now) -> Changes {
        Records(self.inner.tick(now.0))
    }

    /// The earliest instant at which ``tick`` can change a list (aware UTC ``datetime``), or None.
    fn next_wakeup(&self) -> Option<Datetime> {
        self.inner.next_wakeup().map(Datetime)
    }

    /// A contact as a ``dict`` (its ``lists`` say which lists it is in), or None.
    fn contact(&self, contact_id: Id<ContactId>) -> Option<Json<&Contact>> {
        self.inner.contact(&contact_id).map(Json)
    }

    /// The events of a contact, in arrival order, as dicts.
    fn events(&self, contact_id: Id<ContactId>) -> Json<impl Serialize + '_> {
        Json(self.inner.events(&contact_id))
    }

    /// How many contacts there are.
    fn contact_count(&self) -> usize {
        self.inner.contact_count()
    }

    fn __len__(&self) -> usize {
        self.inner.contact_count()
    }

    /// Creates a list (``{"id", "name", "source", "auto_update"?, "remove_exits"?}`` or its JSON
    /// text) and fills it from its source at ``now``; returns how many contacts went in.
    ///
    /// Raises ``ListError``: ``list.duplicate``, ``list.name.empty``, ``list.filter.invalid``
    /// (``path`` ``/source/...``), ``list.static_only``; ``FlowFormatError`` for a malformed list.
    fn create_list(&mut self, list: Doc<List>, now: Now) -> Result<usize> {
        Ok(self.inner.create_list(list.0, now.0)?)
    }

    /// Renames a list. Raises ``ListError`` (``list.unknown``, ``list.name.empty``).
    fn rename_list(&mut self, list_id: Id<ListId>, name: &str) -> Result<()> {
        Ok(self.inner.rename_list(&list_id, name)?)
    }

    /// Deletes a list at ``now``; its contacts no longer name it. Raises ``ListError``
    /// (``list.unknown``).
    fn delete_list(&mut self, list_id: Id<ListId>, now: Now) -> Result<()> {
        Ok(self.inner.delete_list(&list_id, now.0)?)
    }

    /// A list as a ``dict`` (its JSON form), or None.
    fn get_list(&self, list_id: Id<ListId>) -> Option<Json<&List>> {
        self.inner.list(&list_id).map(Json)
    }

    /// Every list as a ``dict``, in id order.
    fn lists(&self) -> Json<Vec<&List>> {
        Json(self.inner.lists().collect())
    }

    /// One page of a list's members, in contact id order: ``{"total", "offset", "contacts"}``
    /// (``limit`` contact dicts from ``offset``). Raises ``ListError`` (``list.unknown``).
    #[pyo3(signature = (list_id, offset = 0, limit = 50))]
    fn members(
        &self,
        list_id: Id<ListId>,
        offset: usize,
        limit: usize,
    ) -> Out<impl Serialize + '_> {
        Ok(Json(self.inner.members(&list_id, offset, limit)?))
    }

    /// The ids of a list's members, sorted (empty for an unknown list).
    fn member_ids(&self, list_id: Id<ListId>) -> Vec<String> {
        let ids = self.inner.member_ids(&list_id);
        ids.map(|c| c.as_str().to_owned()).collect()
    }

    /// How many members a list has (None for an unknown list).
    fn member_count(&self, list_id: Id<ListId>) -> Option<usize> {
        self.inner.member_count(&list_id)
    }

    /// True when the contact is in the list.
    fn is_member(&self, list_id: Id<ListId>, contact_id: Id<ContactId>) -> bool {
        self.inner.is_member(&list_id, &contact_id)
    }

    /// Adds a contact to a list by hand at ``now`` (``contact`` is a contact ``dict`` or JSON
    /// text; it is inserted or updated first). Returns the list changes. Raises ``ListError``
    /// (``list.unknown``).
    fn add_to_list(
        &mut self,
        list_id: Id<ListId>,
        contact: Doc<Contact>,
        now: Now,
    ) -> Result<Changes> {
        Ok(Records(self.inner.add_to_list(&list_id, contact.0, now.0)?))
    }

    /// Takes a contact out of a list by hand at ``now``; returns the list changes. Raises
    /// ``ListError`` (``list.unknown``, ``list.contact.unknown``).
    fn remove_from_list(
        &mut self,
        list_id: Id<ListId>,
        contact_id: Id<ContactId>,
        now: Now,
    ) -> Result<Changes> {
        Ok(Records(self.inner.remove_from_list(
            &list_id,
            &contact_id,
            now.0,
        )?))
    }

    fn __repr__(&self) -> String {
        format!(
            "Audience(contacts={}, lists={})",
            self.inner.contact_count(),
            self.inner.lists().count()
        )
    }
}

/// The condition a list source compiles to, as a ``Segment`` (without id or name): print it with
/// ``str()``, get its JSON with ``to_dict()``, evaluate it with ``matches`` / ``filter``.
/// ``source`` is the source JSON form, e.g. ``{"type": "coupon", "used": False}``.
#[pyfunction]
pub(crate) fn source_condition(source: Doc<Source>) -> PySegment {
    PySegment::new(source.0.to_condition(), None, None)
}

/// The flows whose list trigger the list changes fire (``entered`` fires ``on: entered``,
/// ``exited`` fires ``on: left``; active flows only), as dicts ``{"flow", "list", "contact",
/// "change", "at"}``, in change order then flow order. ``changes`` are list change dicts (as the
/// ``Audience`` methods return them); ``flows`` are ``Flow`` objects, JSON text or dicts.
#[pyfunction]
pub(crate) fn list_trigger_hits(
    changes: &Bound<'_, PyAny>,
    flows: FlowList,
) -> PyResult<Records<sequenza::list::TriggerHit>> {
    let value = to_value(changes)?;
    let changes: Vec<ListChange> = serde_json::from_value(value).map_err(|e| {
        pyo3::exceptions::PyValueError::new_err(format!(
            "changes must be a list of list changes {{\"list\", \"contact\", \"change\", \"at\"}}: {e}"
        ))
    })?;
    Ok(Records(sequenza::list::list_trigger_hits(
        &changes, &flows.0,
    )))
}
