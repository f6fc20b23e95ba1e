//! Lists (`sequenza::list`): `Audience`, `source_condition` and `list_trigger_hits`.
//!
//! Lists, sources, activities, contacts and events go in as their JSON form (a `dict` or JSON
//! text) and are parsed by the core's `from_json`, so errors carry the core's codes and JSON
//! pointers. List changes come out as dicts `{"list", "contact", "change", "at"}` with `at` an
//! aware UTC `datetime`.

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString};
use sequenza::list::{ActivityRecord, Audience, List, ListChange, Source};
use sequenza::model::{ContactId, ListId};
use sequenza::{Contact, Event};

use super::convert::{document_text, instant, py_datetime, time_zone, to_value};
use super::segment::PySegment;
use super::{enum_str, internal, json_loads, parse_flow, to_py_err, type_error, PyFlow};

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

/// List changes as a list of dicts.
pub(crate) fn changes_to_py<'py>(
    py: Python<'py>,
    changes: &[ListChange],
) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for c in changes {
        let entry = PyDict::new(py);
        entry.set_item("list", c.list.as_str())?;
        entry.set_item("contact", c.contact.as_str())?;
        entry.set_item(
            "change",
            enum_str(serde_json::to_value(c.change), "change")?,
        )?;
        entry.set_item("at", py_datetime(py, &c.at)?)?;
        list.append(entry)?;
    }
    Ok(list)
}

/// A serde value as a Python value (through `json.loads`).
pub(crate) fn to_py<'py, T: serde::Serialize>(
    py: Python<'py>,
    value: &T,
    what: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let text = serde_json::to_string(value).map_err(|e| internal(what, e))?;
    json_loads(py, &text)
}

fn parse_list(obj: &Bound<'_, PyAny>) -> PyResult<List> {
    let text = document_text(obj, "list", "a dict, str or bytes")?;
    List::from_json(&text).map_err(|e| to_py_err(obj.py(), &e))
}

fn parse_contact(obj: &Bound<'_, PyAny>) -> PyResult<Contact> {
    let text = document_text(obj, "contact", "a dict, str or bytes")?;
    Contact::from_json(&text).map_err(|e| to_py_err(obj.py(), &e))
}

/// A source: a `dict` or JSON text of the source JSON form.
fn parse_source(obj: &Bound<'_, PyAny>) -> PyResult<Source> {
    let text = document_text(obj, "source", "a dict, str or bytes")?;
    Source::from_json(&text).map_err(|e| to_py_err(obj.py(), &e))
}

#[pymethods]
impl PyAudience {
    /// An empty audience; ``default_time_zone`` is the IANA zone of contacts without one.
    /// ``fields`` (a field schema: JSON text or ``dict``) is enforced by ``upsert_contact``:
    /// defaults fill absent fields, and a value that does not fit its type (or a required field
    /// left empty) raises ``ListError`` ``list.field.invalid`` / ``list.field.required`` at
    /// ``/fields/<key>``.
    #[new]
    #[pyo3(signature = (default_time_zone = "UTC", fields = None))]
    fn new(default_time_zone: &str, fields: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        Ok(PyAudience {
            inner: Audience::new()
                .with_default_time_zone(time_zone(default_time_zone, "default_time_zone")?)
                .with_fields(super::parse_fields(fields)?.unwrap_or_default()),
        })
    }

    /// Adds a contact or replaces (edits) it whole, at ``now`` (a contact ``dict`` or its JSON
    /// text); its ``lists`` are the audience's to keep and are ignored. Returns the list changes.
    fn upsert_contact<'py>(
        &mut self,
        py: Python<'py>,
        contact: &Bound<'py, PyAny>,
        now: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        let contact = parse_contact(contact)?;
        let now = instant(now, "now")?;
        let changes = self
            .inner
            .upsert_contact(contact, now)
            .map_err(|e| to_py_err(py, &e))?;
        changes_to_py(py, &changes)
    }

    /// Forgets a contact and its events at ``now``; it leaves every list it was in. Returns the
    /// list changes (none for an unknown contact).
    fn remove_contact<'py>(
        &mut self,
        py: Python<'py>,
        contact_id: &str,
        now: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        let now = instant(now, "now")?;
        let out = self.inner.remove_contact(&ContactId::new(contact_id), now);
        changes_to_py(py, &out)
    }

    /// Records an event (``{"contact", "name", "at", "properties"}`` or its JSON text) at
    /// ``now``; a contact not seen before is created with only its id. Returns the list changes.
    fn record_event<'py>(
        &mut self,
        py: Python<'py>,
        event: &Bound<'py, PyAny>,
        now: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        let text = document_text(event, "event", "a dict, str or bytes")?;
        let event = Event::from_json(&text).map_err(|e| to_py_err(py, &e))?;
        let now = instant(now, "now")?;
        changes_to_py(py, &self.inner.record_event(event, now))
    }

    /// Records an activity of a contact that happened at ``at``, evaluated at ``now``:
    /// ``activity`` is its JSON form, e.g. ``{"type": "coupon_downloaded", "coupon": "SUMMER"}``
    /// (types: ``coupon_downloaded``, ``coupon_redeemed``, ``fidelity_joined``,
    /// ``fidelity_points``, ``fidelity_target``, ``walk_in``, ``form_submitted``,
    /// ``newsletter_signup``, ``web_push_subscribed``, ``tag_assigned``). Returns the list
    /// changes. A malformed activity raises ``FlowFormatError`` whose ``path`` starts with
    /// ``/activity``.
    fn record<'py>(
        &mut self,
        py: Python<'py>,
        contact_id: &str,
        activity: &Bound<'py, PyAny>,
        at: &Bound<'py, PyAny>,
        now: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        let at = instant(at, "at")?;
        let now = instant(now, "now")?;
        let activity =
            if activity.is_instance_of::<PyString>() || activity.is_instance_of::<PyBytes>() {
                let text = super::json_text(activity, "activity", "a dict, str or bytes")?;
                serde_json::from_str::<serde_json::Value>(&text)
                    .unwrap_or(serde_json::Value::String(text))
            } else if activity.is_instance_of::<PyDict>() {
                to_value(activity, "activity")?
            } else {
                return Err(type_error(activity, "activity", "a dict, str or bytes"));
            };
        let record = serde_json::json!({"contact": contact_id, "at": at, "activity": activity});
        let record =
            ActivityRecord::from_json(&record.to_string()).map_err(|e| to_py_err(py, &e))?;
        let out = self
            .inner
            .record(&record.contact, record.activity, record.at, now);
        changes_to_py(py, &out)
    }

    /// Re-evaluates the time-relative lists due at ``now``; returns the list changes.
    fn tick<'py>(
        &mut self,
        py: Python<'py>,
        now: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        let now = instant(now, "now")?;
        changes_to_py(py, &self.inner.tick(now))
    }

    /// The earliest instant at which ``tick`` can change a list (aware UTC ``datetime``), or None.
    fn next_wakeup<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.inner
            .next_wakeup()
            .map(|t| py_datetime(py, &t))
            .transpose()
    }

    /// A contact as a ``dict`` (its ``lists`` say which lists it is in), or None.
    fn contact<'py>(
        &self,
        py: Python<'py>,
        contact_id: &str,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.inner
            .contact(&ContactId::new(contact_id))
            .map(|c| to_py(py, c, "contact"))
            .transpose()
    }

    /// The events of a contact, in arrival order, as dicts.
    fn events<'py>(&self, py: Python<'py>, contact_id: &str) -> PyResult<Bound<'py, PyAny>> {
        to_py(
            py,
            &self.inner.events(&ContactId::new(contact_id)),
            "events",
        )
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
    fn create_list(
        &mut self,
        py: Python<'_>,
        list: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
    ) -> PyResult<usize> {
        let list = parse_list(list)?;
        let now = instant(now, "now")?;
        self.inner
            .create_list(list, now)
            .map_err(|e| to_py_err(py, &e))
    }

    /// Renames a list. Raises ``ListError`` (``list.unknown``, ``list.name.empty``).
    fn rename_list(&mut self, py: Python<'_>, list_id: &str, name: &str) -> PyResult<()> {
        self.inner
            .rename_list(&ListId::new(list_id), name)
            .map_err(|e| to_py_err(py, &e))
    }

    /// Deletes a list at ``now``; its contacts no longer name it. Raises ``ListError``
    /// (``list.unknown``).
    fn delete_list(
        &mut self,
        py: Python<'_>,
        list_id: &str,
        now: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let now = instant(now, "now")?;
        self.inner
            .delete_list(&ListId::new(list_id), now)
            .map_err(|e| to_py_err(py, &e))
    }

    /// A list as a ``dict`` (its JSON form), or None.
    fn get_list<'py>(&self, py: Python<'py>, list_id: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.inner
            .list(&ListId::new(list_id))
            .map(|l| to_py(py, l, "list"))
            .transpose()
    }

    /// Every list as a ``dict``, in id order.
    fn lists<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let all: Vec<&List> = self.inner.lists().collect();
        to_py(py, &all, "lists")
    }

    /// One page of a list's members, in contact id order: ``{"total", "offset", "contacts"}``
    /// (``limit`` contact dicts from ``offset``). Raises ``ListError`` (``list.unknown``).
    #[pyo3(signature = (list_id, offset = 0, limit = 50))]
    fn members<'py>(
        &self,
        py: Python<'py>,
        list_id: &str,
        offset: usize,
        limit: usize,
    ) -> PyResult<Bound<'py, PyAny>> {
        let page = self
            .inner
            .members(&ListId::new(list_id), offset, limit)
            .map_err(|e| to_py_err(py, &e))?;
        to_py(py, &page, "members")
    }

    /// The ids of a list's members, sorted (empty for an unknown list).
    fn member_ids(&self, list_id: &str) -> Vec<String> {
        self.inner
            .member_ids(&ListId::new(list_id))
            .map(|c| c.as_str().to_owned())
            .collect()
    }

    /// How many members a list has (None for an unknown list).
    fn member_count(&self, list_id: &str) -> Option<usize> {
        self.inner.member_count(&ListId::new(list_id))
    }

    /// True when the contact is in the list.
    fn is_member(&self, list_id: &str, contact_id: &str) -> bool {
        self.inner
            .is_member(&ListId::new(list_id), &ContactId::new(contact_id))
    }

    /// Adds a contact to a list by hand at ``now`` (``contact`` is a contact ``dict`` or JSON
    /// text; it is inserted or updated first). Returns the list changes. Raises ``ListError``
    /// (``list.unknown``).
    fn add_to_list<'py>(
        &mut self,
        py: Python<'py>,
        list_id: &str,
        contact: &Bound<'py, PyAny>,
        now: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        let contact = parse_contact(contact)?;
        let now = instant(now, "now")?;
        let out = self
            .inner
            .add_to_list(&ListId::new(list_id), contact, now)
            .map_err(|e| to_py_err(py, &e))?;
        changes_to_py(py, &out)
    }

    /// Takes a contact out of a list by hand at ``now``; returns the list changes. Raises
    /// ``ListError`` (``list.unknown``, ``list.contact.unknown``).
    fn remove_from_list<'py>(
        &mut self,
        py: Python<'py>,
        list_id: &str,
        contact_id: &str,
        now: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        let now = instant(now, "now")?;
        let out = self
            .inner
            .remove_from_list(&ListId::new(list_id), &ContactId::new(contact_id), now)
            .map_err(|e| to_py_err(py, &e))?;
        changes_to_py(py, &out)
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
pub(crate) fn source_condition(source: &Bound<'_, PyAny>) -> PyResult<PySegment> {
    let source = parse_source(source)?;
    Ok(PySegment::new(source.to_condition(), None, None))
}

/// The flows whose list trigger the list changes fire (``entered`` fires ``on: entered``,
/// ``exited`` fires ``on: left``; active flows only), as dicts ``{"flow", "list", "contact",
/// "change", "at"}``, in change order then flow order. ``changes`` are list change dicts (as the
/// ``Audience`` methods return them); ``flows`` are ``Flow`` objects, JSON text or dicts.
#[pyfunction]
pub(crate) fn list_trigger_hits<'py>(
    py: Python<'py>,
    changes: &Bound<'py, PyAny>,
    flows: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyList>> {
    let value = to_value(changes, "changes")?;
    let changes: Vec<ListChange> = serde_json::from_value(value).map_err(|e| {
        pyo3::exceptions::PyValueError::new_err(format!(
            "changes must be a list of list changes {{\"list\", \"contact\", \"change\", \"at\"}}: {e}"
        ))
    })?;
    const EXPECTED: &str = "a sequence of Flow, str, bytes or dict";
    if flows.is_instance_of::<PyString>()
        || flows.is_instance_of::<PyBytes>()
        || flows.is_instance_of::<PyDict>()
    {
        return Err(type_error(flows, "flows", EXPECTED));
    }
    let mut parsed = Vec::new();
    for item in flows
        .try_iter()
        .map_err(|_| type_error(flows, "flows", EXPECTED))?
    {
        let item = item?;
        if let Ok(handle) = item.cast::<PyFlow>() {
            parsed.push(handle.get().inner.clone());
        } else {
            parsed.push(parse_flow(
                &item,
                "every item of flows",
                "a Flow, str, bytes or dict",
            )?);
        }
    }
    let hits = sequenza::list::list_trigger_hits(&changes, &parsed);
    let out = PyList::empty(py);
    for h in hits {
        let entry = PyDict::new(py);
        entry.set_item("flow", h.flow.as_str())?;
        entry.set_item("list", h.list.as_str())?;
        entry.set_item("contact", h.contact.as_str())?;
        entry.set_item(
            "change",
            enum_str(serde_json::to_value(h.change), "change")?,
        )?;
        entry.set_item("at", py_datetime(py, &h.at)?)?;
        out.append(entry)?;
    }
    Ok(out)
}
