//! The flow engine (`sequenza::engine::Engine`) as `sequenza.Engine`.
//!
//! Every method converts its arguments (documents through the core's JSON readers, instants
//! through [`instant`](super::convert::instant)), calls one core method, and converts the result
//! through its serde form (`pythonize`: instants stay RFC 3339 text, except `next_wakeup`, an
//! aware UTC `datetime`). Errors go through the one mapping of [`errors`](super::errors):
//! `EngineError` (`engine.*`), `StoreError` (`store.*`), `FlowFormatError` for a malformed
//! document … The inputs that may touch many contacts (`tick`, `enroll`, `enroll_matching`,
//! `register_segment`, `import_csv`) run without the GIL; `deliver` keeps it to call the
//! handlers.

use std::io::Read;

use pyo3::exceptions::PyKeyError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};
use serde::de::DeserializeOwned;
use serde::Serialize;

use sequenza::engine::feed::FeedItem;
use sequenza::engine::{
    ApiResponse, Effect, EffectKey, Engine, EngineConfig, InboundMessage, Outcome, PublishOptions,
};
use sequenza::import::{ImportList, ImportOptions, Progress};
use sequenza::list::{Activity, List};
use sequenza::model::{ContactId, FlowId, ListId, NodeId};
use sequenza::runtime::{route_of, Channel, Delivery};
use sequenza::segment::events_from_columns;
use sequenza::{Contact, Event, FieldSchema};

use super::convert::{read, to_py, to_value, At, Datetime, Doc, Id, Json, Now, Obj};
use super::csv_import::{ImportCall, Input, PyImportReport};
use super::errors::{Out, Result};
use super::index::SegmentArg;
use super::time::PyFrequencyCaps;
use super::{type_error, PyFlow};

/// A word argument (a flow status, an outcome) read by the core as the JSON string it is.
struct Word<T>(T);

impl<'py, T: DeserializeOwned> FromPyObject<'_, 'py> for Word<T> {
    type Error = PyErr;

    fn extract(obj: Borrowed<'_, 'py, PyAny>) -> PyResult<Self> {
        let text = serde_json::Value::from(obj.extract::<String>()?).to_string();
        sequenza::error::from_json(&text)
            .map(Word)
            .map_err(|e| super::to_py_err(obj.py(), &e))
    }
}

/// The items of `Engine.feed_items`: a list of item dicts, or the JSON text of one.
struct FeedItems(Vec<FeedItem>);

impl<'py> FromPyObject<'_, 'py> for FeedItems {
    type Error = PyErr;

    fn extract(obj: Borrowed<'_, 'py, PyAny>) -> PyResult<Self> {
        let text = if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
            to_value(&obj)?.to_string()
        } else {
            super::convert::document_text(&obj, "items", "a list, dict, str or bytes", true)?
        };
        sequenza::error::from_json(&text)
            .map(FeedItems)
            .map_err(|e| super::to_py_err(obj.py(), &e))
    }
}

/// The handlers of `Engine.deliver` as the core's [`Channel`]: the handler of an effect's route
/// is called with the effect as a dict. The first exception (or unreadable reply) is kept and
/// every later effect is left in the outbox, so that the effects handled before it are
/// acknowledged and the exception then propagates.
struct Handlers<'a, 'py> {
    handlers: &'a Bound<'py, PyAny>,
    failure: Option<PyErr>,
}

impl Handlers<'_, '_> {
    fn call(&self, effect: &Effect) -> PyResult<Option<Delivery>> {
        let py = self.handlers.py();
        let handler = match self.handlers.get_item(route_of(effect)) {
            Ok(h) if !h.is_none() => h,
            Ok(_) => return Ok(None),
            Err(e) if e.is_instance_of::<PyKeyError>(py) => return Ok(None),
            Err(e) => return Err(e),
        };
        let reply = handler.call1((to_py(py, effect)?,))?;
        if reply.is_none() {
            return Ok(None);
        }
        // An outcome alone (`"delivered"`), or the core's `Delivery` JSON form.
        if reply.is_instance_of::<PyString>() {
            let outcome = reply.extract::<Word<_>>()?.0;
            return Ok(Some(Delivery {
                outcome,
                response: None,
            }));
        }
        if !reply.is_instance_of::<PyDict>() {
            let expected = "an outcome str, a dict {\"outcome\", \"response\"} or None";
            return Err(type_error(&reply, "the reply of a handler", expected));
        }
        read(&reply, "the reply of a handler", "a dict").map(Some)
    }
}

impl Channel for Handlers<'_, '_> {
    fn deliver(&mut self, effect: &Effect) -> Option<Delivery> {
        if self.failure.is_some() {
            return None;
        }
        match self.call(effect) {
            Ok(delivery) => delivery,
            Err(e) => {
                self.failure = Some(e);
                None
            }
        }
    }
}

/// The flow engine: contacts move through published flows; what they must receive comes out as
/// effects in an outbox.
///
/// Nothing reads the clock: every input takes ``now`` (an aware ``datetime`` or RFC 3339 text),
/// which may never go backwards (``EngineError`` ``engine.clock.backwards``). Documents — flows,
/// contacts, events, messages, lists, segments — are their JSON form (``dict`` or JSON text);
/// results are dicts in the core's JSON form, instants as RFC 3339 text. ``default_time_zone``
/// is the IANA zone of contacts without one (``UTC`` when None), ``fields`` the field schema,
/// ``caps`` frequency caps across every flow (a ``FrequencyCaps`` or its JSON form).
#[pyclass(module = "sequenza", name = "Engine")]
pub(crate) struct PyEngine {
    inner: Engine,
}

#[pymethods]
impl PyEngine {
    #[new]
    #[pyo3(signature = (default_time_zone = None, fields = None, caps = None))]
    fn new(
        default_time_zone: Option<String>,
        fields: Option<Doc<FieldSchema>>,
        caps: Option<Obj<PyFrequencyCaps>>,
    ) -> Result<Self> {
        let mut config = EngineConfig {
            fields: fields.map(|f| f.0),
            caps: caps.map(|c| c.0),
            ..EngineConfig::default()
        };
        if let Some(zone) = default_time_zone {
            config.default_time_zone = zone;
        }
        Ok(PyEngine {
            inner: Engine::new(config)?,
        })
    }

    /// Publishes a flow (a ``Flow``, ``dict`` or JSON text) with the status it carries; returns
    /// ``{"flow", "version", "moved", "exited"}``. Contacts already inside move onto the new
    /// version by node id (``in_flight="migrate"``; ``node_map`` maps old node ids to new ones
    /// for nodes that are gone, else they exit with reason ``node_removed``) or stay on the
    /// version they entered (``in_flight="pin"``). Raises ``EngineError``
    /// ``engine.flow.invalid`` (``findings`` lists the errors), ``engine.keyword.taken`` or
    /// ``engine.node.unknown`` (a bad ``node_map`` entry, at ``/node_map/<old id>``).
    #[pyo3(signature = (flow, now, in_flight = "migrate", node_map = None))]
    fn publish(
        &mut self,
        flow: Obj<PyFlow>,
        now: Now,
        in_flight: &str,
        node_map: Option<&Bound<'_, PyAny>>,
    ) -> Out<impl Serialize> {
        let node_map = node_map.map(to_value).transpose()?;
        let node_map = node_map.unwrap_or_else(|| serde_json::json!({}));
        let options = serde_json::json!({"in_flight": in_flight, "node_map": node_map});
        let options: PublishOptions = sequenza::error::from_json(&options.to_string())?;
        Ok(Json(self.inner.publish_with(flow.0, &options, now.0)?))
    }

    /// Sets a flow's status: ``"active"``, ``"paused"`` or ``"archived"``.
    fn set_status(
        &mut self,
        flow_id: Id<FlowId>,
        status: Word<sequenza::flow::FlowStatus>,
        now: Now,
    ) -> Result<()> {
        Ok(self.inner.set_status(&flow_id, status.0, now.0)?)
    }

    /// Inserts or replaces a contact (a ``dict`` or JSON text); the triggers it fires run.
    fn upsert_contact(&mut self, contact: Doc<Contact>, now: Now) -> Result<()> {
        Ok(self.inner.upsert_contact(contact.0, now.0)?)
    }

    /// Removes a contact: it exits every flow and leaves every list.
    fn remove_contact(&mut self, contact_id: Id<ContactId>, now: Now) -> Result<()> {
        Ok(self.inner.remove_contact(&contact_id, now.0)?)
    }

    /// Records an event ``{"contact", "name", "at", "properties"}``.
    fn record_event(&mut self, event: Doc<Event>, now: Now) -> Result<()> {
        Ok(self.inner.record_event(event.0, now.0)?)
    }

    /// Records an activity of a contact done at ``at`` (``{"type": "coupon_downloaded",
    /// "coupon": "XMAS"}`` …, as ``Audience.record`` takes): its contact state and its event,
    /// with the triggers that fire.
    fn record_activity(
        &mut self,
        contact_id: Id<ContactId>,
        activity: Doc<Activity>,
        at: At,
        now: Now,
    ) -> Result<()> {
        Ok(self
            .inner
            .record_activity(&contact_id, activity.0, at.0, now.0)?)
    }

    /// Receives an inbound WhatsApp / SMS message ``{"channel", "from" or "contact", "text",
    /// "media", "at", "ad"}``.
    fn receive_message(&mut self, message: Doc<InboundMessage>, now: Now) -> Result<()> {
        Ok(self.inner.receive_message(message.0, now.0)?)
    }

    /// Enrolls contacts by id; returns ``{"entered": [...], "refused": [{"contact",
    /// "reason"}]}``.
    fn enroll(
        &mut self,
        py: Python<'_>,
        flow_id: Id<FlowId>,
        contact_ids: Vec<String>,
        now: Now,
    ) -> Out<impl Serialize> {
        let ids: Vec<ContactId> = contact_ids.into_iter().map(ContactId::from).collect();
        let out = py.detach(|| self.inner.enroll(&flow_id, &ids, now.0))?;
        Ok(Json(out))
    }

    /// Enrolls every contact matching the flow's manual ``filter`` (or its entry restriction);
    /// returns ``{"entered", "refused"}``.
    fn enroll_matching(
        &mut self,
        py: Python<'_>,
        flow_id: Id<FlowId>,
        now: Now,
    ) -> Out<impl Serialize> {
        let out = py.detach(|| self.inner.enroll_matching(&flow_id, now.0))?;
        Ok(Json(out))
    }

    /// New items of the feed at ``url`` (dicts ``{"id", "title", "link", "published",
    /// "summary"}``) start the flows with a ``feed`` trigger on it; returns ``{"entered",
    /// "refused"}``.
    fn feed_items(&mut self, url: &str, items: FeedItems, now: Now) -> Out<impl Serialize> {
        Ok(Json(self.inner.feed_items(url, &items.0, now.0)?))
    }

    /// Runs everything due up to ``now``, each step at its own instant; returns the number of
    /// steps run.
    fn tick(&mut self, py: Python<'_>, now: Now) -> Result<usize> {
        Ok(py.detach(|| self.inner.tick(now.0))?)
    }

    /// The earliest instant at which ``tick`` has something to do (an aware UTC ``datetime``),
    /// or None.
    fn next_wakeup(&self) -> Result<Option<Datetime>> {
        Ok(self.inner.next_wakeup()?.map(Datetime))
    }

    /// The outbox, oldest first: dicts ``{"key", "kind", "flow", "version", "node",
    /// "contact", "channel", "to", "at", "content" | "request", "team"}``.
    fn effects(&self) -> Out<impl Serialize> {
        Ok(Json(self.inner.effects()?))
    }

    /// Acknowledges an effect by key: ``outcome`` is ``"delivered"``, ``"failed"`` or
    /// ``"bounced"``; ``response`` (``{"status", "body"}``) answers an API call.
    #[pyo3(signature = (key, outcome, now, response = None))]
    fn ack(
        &mut self,
        key: &str,
        outcome: Word<Outcome>,
        now: Now,
        response: Option<Doc<ApiResponse>>,
    ) -> Result<()> {
        let response = response.map(|r| r.0);
        Ok(self
            .inner
            .ack(&EffectKey::from(key), outcome.0, now.0, response)?)
    }

    /// Ticks at ``now``, then calls ``handlers[route](effect)`` for each effect of the outbox
    /// and acknowledges what the handler returns: an outcome string, or ``{"outcome",
    /// "response"}``; None leaves the effect in the outbox. The route is the effect's channel
    /// (``email``, ``sms``, ``web_push``, ``whatsapp``), ``http`` for API calls and webhooks,
    /// ``hand_off`` for hand-offs; an effect whose route has no handler stays in the outbox.
    /// Returns how many effects were acknowledged. An exception raised by a handler propagates
    /// once the effects handled before it are acknowledged. A handler must not call the engine
    /// (that raises ``RuntimeError``): it delivers and answers.
    fn deliver(&mut self, handlers: &Bound<'_, PyAny>, now: Now) -> Result<usize> {
        let mut channel = Handlers {
            handlers,
            failure: None,
        };
        let done = self.inner.deliver(&mut channel, now.0)?;
        match channel.failure {
            Some(e) => Err(e.into()),
            None => Ok(done),
        }
    }

    /// Enrollments, optionally of one flow and / or one contact: dicts ``{"flow", "version",
    /// "contact", "node", "state", "due", "reason", "since", "entered_at"}``.
    #[pyo3(signature = (flow = None, contact = None))]
    fn enrollments(&self, flow: Option<&str>, contact: Option<&str>) -> Out<impl Serialize> {
        let (flow, contact) = (flow.map(FlowId::new), contact.map(ContactId::new));
        Ok(Json(
            self.inner.enrollments(flow.as_ref(), contact.as_ref())?,
        ))
    }

    /// A flow's statistics: the totals (``entered``, ``waiting``, ``completed``, ``exited``,
    /// ``sent`` …) beside ``flow``, ``refused``, ``goals_by_name``, ``nodes`` and ``days``.
    fn stats(&self, flow_id: Id<FlowId>) -> Out<impl Serialize> {
        Ok(Json(self.inner.stats(&flow_id)?))
    }

    /// A contact's history (optionally in one flow), oldest first: dicts ``{"at", "flow",
    /// "version", "contact", "node", "action", "reason", "effect"}``.
    #[pyo3(signature = (contact_id, flow = None))]
    fn history(&self, contact_id: Id<ContactId>, flow: Option<&str>) -> Out<impl Serialize> {
        let flow = flow.map(FlowId::new);
        Ok(Json(self.inner.history(&contact_id, flow.as_ref())?))
    }

    /// A contact as a dict, or None.
    fn contact(&self, contact_id: Id<ContactId>) -> Option<Json<&Contact>> {
        self.inner.contact(&contact_id).map(Json)
    }

    /// Registers a segment (a ``Segment``, ``dict`` or JSON text); its entries and exits fire
    /// segment triggers. Returns how many contacts are in it.
    fn register_segment(&mut self, py: Python<'_>, segment: SegmentArg, now: Now) -> Result<usize> {
        Ok(py.detach(|| self.inner.register_segment(segment.0, now.0))?)
    }

    /// Creates a list (its JSON form, as ``Audience.create_list`` takes); returns how many
    /// contacts went in.
    fn create_list(&mut self, list: Doc<List>, now: Now) -> Result<usize> {
        Ok(self.inner.create_list(list.0, now.0)?)
    }

    /// Deletes a list.
    fn delete_list(&mut self, list_id: Id<ListId>, now: Now) -> Result<()> {
        Ok(self.inner.delete_list(&list_id, now.0)?)
    }

    /// Renames a list.
    fn rename_list(&mut self, list_id: Id<ListId>, name: &str, now: Now) -> Result<()> {
        Ok(self.inner.rename_list(&list_id, name, now.0)?)
    }

    /// Adds a contact to a list by hand; list triggers fire.
    fn add_to_list(
        &mut self,
        list_id: Id<ListId>,
        contact_id: Id<ContactId>,
        now: Now,
    ) -> Result<()> {
        Ok(self.inner.add_to_list(&list_id, &contact_id, now.0)?)
    }

    /// Takes a contact out of a list by hand; list triggers fire.
    fn remove_from_list(
        &mut self,
        list_id: Id<ListId>,
        contact_id: Id<ContactId>,
        now: Now,
    ) -> Result<()> {
        Ok(self.inner.remove_from_list(&list_id, &contact_id, now.0)?)
    }

    /// The ids of a list's members, in id order (empty for an unknown list).
    fn member_ids(&self, list_id: Id<ListId>) -> Vec<String> {
        let ids = self.inner.audience().member_ids(&list_id);
        ids.map(|c| c.as_str().to_owned()).collect()
    }

    /// Imports a CSV file into the engine's audience as a new static list (``list_name``, else
    /// ``"Import YYYY-MM-DD HH:MM"``); its list changes fire flows and, with ``enroll`` (a flow
    /// id), the imported contacts enter that flow. ``source``, ``mapping``, ``default_region``,
    /// ``on_progress`` and the other options are those of ``import_csv``. Returns
    /// ``(ImportReport, {"entered", "refused"} or None)``.
    #[pyo3(signature = (source, now, *, list_name = None, enroll = None, mapping = None,
                        default_region = None, on_progress = None, **options))]
    #[allow(clippy::too_many_arguments)]
    fn import_csv<'py>(
        &mut self,
        py: Python<'py>,
        source: Input,
        now: Now,
        list_name: Option<String>,
        enroll: Option<String>,
        mapping: Option<&Bound<'py, PyAny>>,
        default_region: Option<&Bound<'py, PyAny>>,
        on_progress: Option<Py<PyAny>>,
        options: Option<&Bound<'py, PyDict>>,
    ) -> Result<(PyImportReport, Json<impl Serialize>)> {
        let call = ImportCall::new(py, source, mapping, default_region, on_progress, options)?;
        let list = ImportList {
            name: list_name,
            file: call.file_name(),
        };
        let enroll = enroll.map(FlowId::new);
        let engine = &mut self.inner;
        let (import, enrolled) = call.run(
            py,
            |reader: &mut dyn Read, options: &ImportOptions, progress: &mut dyn FnMut(Progress)| {
                engine.import_csv(reader, options, &list, enroll.as_ref(), now.0, progress)
            },
        )?;
        let report = PyImportReport::new(import.report, Some(import.list_id), import.changes);
        Ok((report, Json(enrolled)))
    }

    fn __repr__(&self) -> String {
        format!("{:?}", self.inner)
    }

    // ---- versions and contacts in flight (issue 12) --------------------------------------------

    /// Duplicates a flow under ``new_id`` as a draft (version 1) without its inbound keywords
    /// and without media attachments; returns the new flow as a dict. Raises ``EngineError``
    /// ``engine.flow.unknown`` or ``engine.flow.taken`` (at ``/new_id``).
    fn duplicate(
        &mut self,
        flow_id: Id<FlowId>,
        new_id: Id<FlowId>,
        now: Now,
    ) -> Out<impl Serialize> {
        Ok(Json(self.inner.duplicate(&flow_id, &new_id, now.0)?))
    }

    /// Ends a waiting contact's wait now (recorded in its history with ``by`` and ``now``).
    /// Raises ``EngineError`` ``engine.flow.unknown`` or ``engine.enrollment.not_waiting``.
    #[pyo3(signature = (flow_id, contact_id, now, by = None))]
    fn skip_wait(
        &mut self,
        flow_id: Id<FlowId>,
        contact_id: Id<ContactId>,
        now: Now,
        by: Option<String>,
    ) -> Result<()> {
        Ok(self.inner.skip_wait(&flow_id, &contact_id, now.0, by)?)
    }

    /// Moves a waiting contact to a node, which runs now (recorded with ``by`` and ``now``).
    /// Raises ``EngineError`` ``engine.flow.unknown``, ``engine.enrollment.not_waiting``,
    /// ``engine.node.unknown`` (at ``/node``) or ``engine.flow.status`` (a paused flow).
    #[pyo3(signature = (flow_id, contact_id, node_id, now, by = None))]
    fn move_to(
        &mut self,
        flow_id: Id<FlowId>,
        contact_id: Id<ContactId>,
        node_id: Id<NodeId>,
        now: Now,
        by: Option<String>,
    ) -> Result<()> {
        Ok(self
            .inner
            .move_to(&flow_id, &contact_id, &node_id, now.0, by)?)
    }

    /// Takes a waiting contact out of a flow: it exits with reason ``cancelled`` (recorded with
    /// ``by`` and ``now``). Raises ``EngineError`` ``engine.flow.unknown`` or
    /// ``engine.enrollment.not_waiting``.
    #[pyo3(signature = (flow_id, contact_id, now, by = None))]
    fn cancel(
        &mut self,
        flow_id: Id<FlowId>,
        contact_id: Id<ContactId>,
        now: Now,
        by: Option<String>,
    ) -> Result<()> {
        Ok(self.inner.cancel(&flow_id, &contact_id, now.0, by)?)
    }

    // ---- preview_schedule (issue 12 §2) ----

    /// Previews an automatic send (a flow started by a schedule trigger): the contacts its next
    /// check selects, as dicts ``{"contact", "check_at", "would_send_at", "deferred_by",
    /// "node", "channel", "skipped", "depends_on"}`` — when each would get the first message
    /// after quiet hours, send windows, zones and frequency caps, and why it is deferred
    /// (``"quiet_hours"``, ``"send_window"``, ``"frequency_cap"``) or skipped. Changes nothing.
    /// Raises ``EngineError`` ``engine.preview.not_scheduled``, ``engine.preview.inactive``,
    /// ``engine.flow.unknown``.
    fn preview_schedule(
        &self,
        py: Python<'_>,
        flow_id: Id<FlowId>,
        now: Now,
    ) -> Out<impl Serialize> {
        let preview = py.detach(|| self.inner.preview_schedule(&flow_id, now.0))?;
        Ok(Json(preview.contacts))
    }

    /// The other active flows that conflict with a flow's automatic send at its next check:
    /// dicts ``{"flow", "trigger", "reason", "shared", "message"}``, ``reason`` being
    /// ``"same_condition"`` or ``"same_check"``. Raises as ``preview_schedule``.
    fn schedule_conflicts(
        &self,
        py: Python<'_>,
        flow_id: Id<FlowId>,
        now: Now,
    ) -> Out<impl Serialize> {
        Ok(Json(py.detach(|| {
            self.inner.schedule_conflicts(&flow_id, now.0)
        })?))
    }

    // --- perf: batch inputs (issue 12 §3) ---------------------------------------------------

    /// Inserts or replaces many contacts as ONE input (the same as one ``upsert_contact`` each,
    /// in order): an iterable of contacts (``dict`` or JSON text), or a table with
    /// ``__arrow_c_stream__`` (pyarrow, polars, pandas) with the columns ``id``, ``email``,
    /// ``phone``, ``tags`` (a list of text) and one column per field. One crossing; the core
    /// runs without the GIL. A bad item refuses the whole batch: its error's ``path`` starts with
    /// its index (``/3/fields/points``). Returns how many contacts were written.
    fn upsert_contacts(
        &mut self,
        py: Python<'_>,
        contacts: &Bound<'_, PyAny>,
        now: Now,
    ) -> Result<usize> {
        let all = super::batch::items(contacts, "contacts")?.read(py, super::batch::contacts)?;
        Ok(py.detach(|| self.inner.upsert_contacts(all, now.0))?)
    }

    /// Records many events as ONE input (the same as one ``record_event`` each, in order): an
    /// iterable of events (``dict`` or JSON text), or a table with ``__arrow_c_stream__`` with
    /// the columns ``contact``, ``name``, ``at`` (a timestamp with a time zone, or RFC 3339 text)
    /// and one column per property. One crossing; the core runs without the GIL. Returns how many
    /// events were recorded.
    fn record_events(
        &mut self,
        py: Python<'_>,
        events: &Bound<'_, PyAny>,
        now: Now,
    ) -> Result<usize> {
        let all = super::batch::items(events, "events")?.read(py, events_from_columns)?;
        Ok(py.detach(|| self.inner.record_events(all, now.0))?)
    }
    // --- end perf: batch inputs ---------------------------------------------------------------
}

/// The items of an RSS 2.0 or Atom ``document`` whose ids are not in ``seen``, in document
/// order, as dicts ``{"id", "title", "link", "published", "summary"}`` — what
/// ``Engine.feed_items`` takes.
#[pyfunction]
#[pyo3(signature = (document, seen = Vec::new()))]
pub(crate) fn new_feed_items(document: &str, seen: Vec<String>) -> Json<Vec<FeedItem>> {
    Json(sequenza::engine::feed::new_items(document, &seen))
}
