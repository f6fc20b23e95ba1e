//! The flow engine (`sequenza::engine::Engine`) as `sequenza.Engine`.
//!
//! Every method converts its arguments (documents through the core's JSON readers, instants
//! through [`instant`]), calls one core method, and converts the result through its serde form
//! (`pythonize`: instants stay RFC 3339 text, except `next_wakeup`, an aware UTC `datetime`).
//! Errors go through the one mapping of [`errors`](super::errors): `EngineError` (`engine.*`),
//! `StoreError` (`store.*`), `FlowFormatError` for a malformed document … The inputs that may
//! touch many contacts (`tick`, `enroll`, `enroll_matching`, `register_segment`, `import_csv`)
//! run without the GIL; `deliver` keeps it to call the handlers.

use std::io::Read;

use pyo3::exceptions::PyKeyError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};
use serde::de::DeserializeOwned;

use sequenza::engine::{ApiResponse, Effect, EffectKey, Engine, EngineConfig, PublishOptions};
use sequenza::import::{ImportList, ImportOptions, Progress};
use sequenza::model::{ContactId, FlowId, ListId, NodeId};
use sequenza::runtime::{route_of, Channel, Delivery};
use sequenza::segment::events_from_columns;
use sequenza::{Contact, Event, Flow};

use super::convert::{document_text, instant, py_datetime, to_py, to_value};
use super::csv_import::{ImportCall, PyImportReport};
use super::errors::OrRaise;
use super::index::core_segment;
use super::time::PyFrequencyCaps;
use super::{parse_fields, parse_flow, type_error, PyFlow};

const DOCUMENT: &str = "a dict, str or bytes";

/// A document argument (a `dict`, JSON text, or a `list` for a list document) read by the
/// core's JSON reader: a malformed one is a `FlowFormatError` with its JSON pointer.
fn document<T: DeserializeOwned>(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<T> {
    let text = if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        to_value(obj, what)?.to_string()
    } else {
        document_text(obj, what, DOCUMENT)?
    };
    sequenza::error::from_json(&text).or_raise(obj.py())
}

/// A word argument (a flow status, an outcome) read as the JSON string it is.
fn word<T: DeserializeOwned>(py: Python<'_>, text: &str) -> PyResult<T> {
    sequenza::error::from_json(&serde_json::Value::from(text).to_string()).or_raise(py)
}

/// A flow: a `Flow`, or anything `Flow.from_json` reads.
fn flow_arg(obj: &Bound<'_, PyAny>) -> PyResult<Flow> {
    match obj.cast::<PyFlow>() {
        Ok(handle) => Ok(handle.get().inner.clone()),
        Err(_) => parse_flow(obj, "flow", "a Flow, str, bytes or dict"),
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
        if let Ok(text) = reply.cast::<PyString>() {
            return Ok(Some(Delivery {
                outcome: word(py, &text.to_cow()?)?,
                response: None,
            }));
        }
        if !reply.is_instance_of::<PyDict>() {
            return Err(type_error(
                &reply,
                "the reply of a handler",
                "an outcome str, a dict {\"outcome\", \"response\"} or None",
            ));
        }
        document(&reply, "the reply of a handler").map(Some)
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
        py: Python<'_>,
        default_time_zone: Option<String>,
        fields: Option<&Bound<'_, PyAny>>,
        caps: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let mut config = EngineConfig {
            fields: parse_fields(fields)?,
            caps: caps
                .filter(|c| !c.is_none())
                .map(PyFrequencyCaps::of)
                .transpose()?,
            ..EngineConfig::default()
        };
        if let Some(zone) = default_time_zone {
            config.default_time_zone = zone;
        }
        Ok(PyEngine {
            inner: Engine::new(config).or_raise(py)?,
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
    fn publish<'py>(
        &mut self,
        py: Python<'py>,
        flow: &Bound<'py, PyAny>,
        now: &Bound<'py, PyAny>,
        in_flight: &str,
        node_map: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let flow = flow_arg(flow)?;
        let now = instant(now, "now")?;
        let options = publish_options(py, in_flight, node_map)?;
        to_py(
            py,
            &self.inner.publish_with(flow, &options, now).or_raise(py)?,
        )
    }

    /// Sets a flow's status: ``"active"``, ``"paused"`` or ``"archived"``.
    fn set_status(
        &mut self,
        py: Python<'_>,
        flow_id: &str,
        status: &str,
        now: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let status = word(py, status)?;
        let now = instant(now, "now")?;
        self.inner
            .set_status(&FlowId::new(flow_id), status, now)
            .or_raise(py)
    }

    /// Inserts or replaces a contact (a ``dict`` or JSON text); the triggers it fires run.
    fn upsert_contact(
        &mut self,
        py: Python<'_>,
        contact: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let text = document_text(contact, "contact", DOCUMENT)?;
        let contact = Contact::from_json(&text).or_raise(py)?;
        let now = instant(now, "now")?;
        self.inner.upsert_contact(contact, now).or_raise(py)
    }

    /// Removes a contact: it exits every flow and leaves every list.
    fn remove_contact(
        &mut self,
        py: Python<'_>,
        contact_id: &str,
        now: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let now = instant(now, "now")?;
        self.inner
            .remove_contact(&ContactId::new(contact_id), now)
            .or_raise(py)
    }

    /// Records an event ``{"contact", "name", "at", "properties"}``.
    fn record_event(
        &mut self,
        py: Python<'_>,
        event: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let text = document_text(event, "event", DOCUMENT)?;
        let event = Event::from_json(&text).or_raise(py)?;
        let now = instant(now, "now")?;
        self.inner.record_event(event, now).or_raise(py)
    }

    /// Records an activity of a contact done at ``at`` (``{"type": "coupon_downloaded",
    /// "coupon": "XMAS"}`` …, as ``Audience.record`` takes): its contact state and its event,
    /// with the triggers that fire.
    fn record_activity(
        &mut self,
        py: Python<'_>,
        contact_id: &str,
        activity: &Bound<'_, PyAny>,
        at: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let activity: sequenza::list::Activity = document(activity, "activity")?;
        let at = instant(at, "at")?;
        let now = instant(now, "now")?;
        self.inner
            .record_activity(&ContactId::new(contact_id), activity, at, now)
            .or_raise(py)
    }

    /// Receives an inbound WhatsApp / SMS message ``{"channel", "from" or "contact", "text",
    /// "media", "at", "ad"}``.
    fn receive_message(
        &mut self,
        py: Python<'_>,
        message: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let message = document(message, "message")?;
        let now = instant(now, "now")?;
        self.inner.receive_message(message, now).or_raise(py)
    }

    /// Enrolls contacts by id; returns ``{"entered": [...], "refused": [{"contact",
    /// "reason"}]}``.
    fn enroll<'py>(
        &mut self,
        py: Python<'py>,
        flow_id: &str,
        contact_ids: Vec<String>,
        now: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let ids: Vec<ContactId> = contact_ids.into_iter().map(ContactId::from).collect();
        let now = instant(now, "now")?;
        let engine = &mut self.inner;
        let flow = FlowId::new(flow_id);
        let out = py.detach(|| engine.enroll(&flow, &ids, now)).or_raise(py)?;
        to_py(py, &out)
    }

    /// Enrolls every contact matching the flow's manual ``filter`` (or its entry restriction);
    /// returns ``{"entered", "refused"}``.
    fn enroll_matching<'py>(
        &mut self,
        py: Python<'py>,
        flow_id: &str,
        now: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let now = instant(now, "now")?;
        let engine = &mut self.inner;
        let flow = FlowId::new(flow_id);
        let out = py
            .detach(|| engine.enroll_matching(&flow, now))
            .or_raise(py)?;
        to_py(py, &out)
    }

    /// New items of the feed at ``url`` (dicts ``{"id", "title", "link", "published",
    /// "summary"}``) start the flows with a ``feed`` trigger on it; returns ``{"entered",
    /// "refused"}``.
    fn feed_items<'py>(
        &mut self,
        py: Python<'py>,
        url: &str,
        items: &Bound<'py, PyAny>,
        now: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let items: Vec<sequenza::engine::feed::FeedItem> = document(items, "items")?;
        let now = instant(now, "now")?;
        to_py(py, &self.inner.feed_items(url, &items, now).or_raise(py)?)
    }

    /// Runs everything due up to ``now``, each step at its own instant; returns the number of
    /// steps run.
    fn tick(&mut self, py: Python<'_>, now: &Bound<'_, PyAny>) -> PyResult<usize> {
        let now = instant(now, "now")?;
        let engine = &mut self.inner;
        py.detach(|| engine.tick(now)).or_raise(py)
    }

    /// The earliest instant at which ``tick`` has something to do (an aware UTC ``datetime``),
    /// or None.
    fn next_wakeup<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.inner
            .next_wakeup()
            .or_raise(py)?
            .map(|t| py_datetime(py, &t))
            .transpose()
    }

    /// The outbox, oldest first: dicts ``{"key", "kind", "flow", "version", "node",
    /// "contact", "channel", "to", "at", "content" | "request", "team"}``.
    fn effects<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.effects().or_raise(py)?)
    }

    /// Acknowledges an effect by key: ``outcome`` is ``"delivered"``, ``"failed"`` or
    /// ``"bounced"``; ``response`` (``{"status", "body"}``) answers an API call.
    #[pyo3(signature = (key, outcome, now, response = None))]
    fn ack(
        &mut self,
        py: Python<'_>,
        key: &str,
        outcome: &str,
        now: &Bound<'_, PyAny>,
        response: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let outcome = word(py, outcome)?;
        let response: Option<ApiResponse> = response
            .filter(|r| !r.is_none())
            .map(|r| document(r, "response"))
            .transpose()?;
        let now = instant(now, "now")?;
        self.inner
            .ack(&EffectKey::from(key), outcome, now, response)
            .or_raise(py)
    }

    /// Ticks at ``now``, then calls ``handlers[route](effect)`` for each effect of the outbox
    /// and acknowledges what the handler returns: an outcome string, or ``{"outcome",
    /// "response"}``; None leaves the effect in the outbox. The route is the effect's channel
    /// (``email``, ``sms``, ``web_push``, ``whatsapp``), ``http`` for API calls and webhooks,
    /// ``hand_off`` for hand-offs; an effect whose route has no handler stays in the outbox.
    /// Returns how many effects were acknowledged. An exception raised by a handler propagates
    /// once the effects handled before it are acknowledged. A handler must not call the engine
    /// (that raises ``RuntimeError``): it delivers and answers.
    fn deliver(
        &mut self,
        py: Python<'_>,
        handlers: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
    ) -> PyResult<usize> {
        let now = instant(now, "now")?;
        let mut channel = Handlers {
            handlers,
            failure: None,
        };
        let done = self.inner.deliver(&mut channel, now).or_raise(py)?;
        match channel.failure {
            Some(e) => Err(e),
            None => Ok(done),
        }
    }

    /// Enrollments, optionally of one flow and / or one contact: dicts ``{"flow", "version",
    /// "contact", "node", "state", "due", "reason", "since", "entered_at"}``.
    #[pyo3(signature = (flow = None, contact = None))]
    fn enrollments<'py>(
        &self,
        py: Python<'py>,
        flow: Option<&str>,
        contact: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let flow = flow.map(FlowId::new);
        let contact = contact.map(ContactId::new);
        let out = self
            .inner
            .enrollments(flow.as_ref(), contact.as_ref())
            .or_raise(py)?;
        to_py(py, &out)
    }

    /// A flow's statistics: the totals (``entered``, ``waiting``, ``completed``, ``exited``,
    /// ``sent`` …) beside ``flow``, ``refused``, ``goals_by_name``, ``nodes`` and ``days``.
    fn stats<'py>(&self, py: Python<'py>, flow_id: &str) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.stats(&FlowId::new(flow_id)).or_raise(py)?)
    }

    /// A contact's history (optionally in one flow), oldest first: dicts ``{"at", "flow",
    /// "version", "contact", "node", "action", "reason", "effect"}``.
    #[pyo3(signature = (contact_id, flow = None))]
    fn history<'py>(
        &self,
        py: Python<'py>,
        contact_id: &str,
        flow: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let flow = flow.map(FlowId::new);
        let out = self
            .inner
            .history(&ContactId::new(contact_id), flow.as_ref())
            .or_raise(py)?;
        to_py(py, &out)
    }

    /// A contact as a dict, or None.
    fn contact<'py>(
        &self,
        py: Python<'py>,
        contact_id: &str,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.inner
            .contact(&ContactId::new(contact_id))
            .map(|c| to_py(py, c))
            .transpose()
    }

    /// Registers a segment (a ``Segment``, ``dict`` or JSON text); its entries and exits fire
    /// segment triggers. Returns how many contacts are in it.
    fn register_segment(
        &mut self,
        py: Python<'_>,
        segment: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
    ) -> PyResult<usize> {
        let segment = core_segment(segment)?;
        let now = instant(now, "now")?;
        let engine = &mut self.inner;
        py.detach(|| engine.register_segment(segment, now))
            .or_raise(py)
    }

    /// Creates a list (its JSON form, as ``Audience.create_list`` takes); returns how many
    /// contacts went in.
    fn create_list(
        &mut self,
        py: Python<'_>,
        list: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
    ) -> PyResult<usize> {
        let text = document_text(list, "list", DOCUMENT)?;
        let list = sequenza::list::List::from_json(&text).or_raise(py)?;
        let now = instant(now, "now")?;
        self.inner.create_list(list, now).or_raise(py)
    }

    /// Deletes a list.
    fn delete_list(
        &mut self,
        py: Python<'_>,
        list_id: &str,
        now: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let now = instant(now, "now")?;
        self.inner
            .delete_list(&ListId::new(list_id), now)
            .or_raise(py)
    }

    /// Renames a list.
    fn rename_list(
        &mut self,
        py: Python<'_>,
        list_id: &str,
        name: &str,
        now: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let now = instant(now, "now")?;
        self.inner
            .rename_list(&ListId::new(list_id), name, now)
            .or_raise(py)
    }

    /// Adds a contact to a list by hand; list triggers fire.
    fn add_to_list(
        &mut self,
        py: Python<'_>,
        list_id: &str,
        contact_id: &str,
        now: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let now = instant(now, "now")?;
        self.inner
            .add_to_list(&ListId::new(list_id), &ContactId::new(contact_id), now)
            .or_raise(py)
    }

    /// Takes a contact out of a list by hand; list triggers fire.
    fn remove_from_list(
        &mut self,
        py: Python<'_>,
        list_id: &str,
        contact_id: &str,
        now: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let now = instant(now, "now")?;
        self.inner
            .remove_from_list(&ListId::new(list_id), &ContactId::new(contact_id), now)
            .or_raise(py)
    }

    /// The ids of a list's members, in id order (empty for an unknown list).
    fn member_ids(&self, list_id: &str) -> Vec<String> {
        self.inner
            .audience()
            .member_ids(&ListId::new(list_id))
            .map(|c| c.as_str().to_owned())
            .collect()
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
        source: &Bound<'py, PyAny>,
        now: &Bound<'py, PyAny>,
        list_name: Option<String>,
        enroll: Option<String>,
        mapping: Option<&Bound<'py, PyAny>>,
        default_region: Option<&Bound<'py, PyAny>>,
        on_progress: Option<Py<PyAny>>,
        options: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<(PyImportReport, Bound<'py, PyAny>)> {
        let now = instant(now, "now")?;
        let call = ImportCall::new(source, mapping, default_region, on_progress, options)?;
        let list = ImportList {
            name: list_name,
            file: call.file_name(),
        };
        let enroll = enroll.map(FlowId::new);
        let engine = &mut self.inner;
        let (import, enrolled) = call.run(
            py,
            |reader: &mut dyn Read, options: &ImportOptions, progress: &mut dyn FnMut(Progress)| {
                engine.import_csv(reader, options, &list, enroll.as_ref(), now, progress)
            },
        )?;
        let report = PyImportReport::new(import.report, Some(import.list_id), import.changes);
        Ok((report, to_py(py, &enrolled)?))
    }

    fn __repr__(&self) -> String {
        format!("{:?}", self.inner)
    }

    // ---- versions and contacts in flight (issue 12) --------------------------------------------

    /// Duplicates a flow under ``new_id`` as a draft (version 1) without its inbound keywords
    /// and without media attachments; returns the new flow as a dict. Raises ``EngineError``
    /// ``engine.flow.unknown`` or ``engine.flow.taken`` (at ``/new_id``).
    fn duplicate<'py>(
        &mut self,
        py: Python<'py>,
        flow_id: &str,
        new_id: &str,
        now: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let now = instant(now, "now")?;
        let flow = self
            .inner
            .duplicate(&FlowId::new(flow_id), &FlowId::new(new_id), now)
            .or_raise(py)?;
        to_py(py, &flow)
    }

    /// Ends a waiting contact's wait now (recorded in its history with ``by`` and ``now``).
    /// Raises ``EngineError`` ``engine.flow.unknown`` or ``engine.enrollment.not_waiting``.
    #[pyo3(signature = (flow_id, contact_id, now, by = None))]
    fn skip_wait(
        &mut self,
        py: Python<'_>,
        flow_id: &str,
        contact_id: &str,
        now: &Bound<'_, PyAny>,
        by: Option<String>,
    ) -> PyResult<()> {
        let now = instant(now, "now")?;
        let (flow, contact) = (FlowId::new(flow_id), ContactId::new(contact_id));
        self.inner.skip_wait(&flow, &contact, now, by).or_raise(py)
    }

    /// Moves a waiting contact to a node, which runs now (recorded with ``by`` and ``now``).
    /// Raises ``EngineError`` ``engine.flow.unknown``, ``engine.enrollment.not_waiting``,
    /// ``engine.node.unknown`` (at ``/node``) or ``engine.flow.status`` (a paused flow).
    #[pyo3(signature = (flow_id, contact_id, node_id, now, by = None))]
    fn move_to(
        &mut self,
        py: Python<'_>,
        flow_id: &str,
        contact_id: &str,
        node_id: &str,
        now: &Bound<'_, PyAny>,
        by: Option<String>,
    ) -> PyResult<()> {
        let now = instant(now, "now")?;
        let (flow, contact) = (FlowId::new(flow_id), ContactId::new(contact_id));
        let node = NodeId::new(node_id);
        self.inner
            .move_to(&flow, &contact, &node, now, by)
            .or_raise(py)
    }

    /// Takes a waiting contact out of a flow: it exits with reason ``cancelled`` (recorded with
    /// ``by`` and ``now``). Raises ``EngineError`` ``engine.flow.unknown`` or
    /// ``engine.enrollment.not_waiting``.
    #[pyo3(signature = (flow_id, contact_id, now, by = None))]
    fn cancel(
        &mut self,
        py: Python<'_>,
        flow_id: &str,
        contact_id: &str,
        now: &Bound<'_, PyAny>,
        by: Option<String>,
    ) -> PyResult<()> {
        let now = instant(now, "now")?;
        let (flow, contact) = (FlowId::new(flow_id), ContactId::new(contact_id));
        self.inner.cancel(&flow, &contact, now, by).or_raise(py)
    }

    // ---- preview_schedule (issue 12 §2) ----

    /// Previews an automatic send (a flow started by a schedule trigger): the contacts its next
    /// check selects, as dicts ``{"contact", "check_at", "would_send_at", "deferred_by",
    /// "node", "channel", "skipped", "depends_on"}`` — when each would get the first message
    /// after quiet hours, send windows, zones and frequency caps, and why it is deferred
    /// (``"quiet_hours"``, ``"send_window"``, ``"frequency_cap"``) or skipped. Changes nothing.
    /// Raises ``EngineError`` ``engine.preview.not_scheduled``, ``engine.preview.inactive``,
    /// ``engine.flow.unknown``.
    fn preview_schedule<'py>(
        &self,
        py: Python<'py>,
        flow_id: &str,
        now: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let now = instant(now, "now")?;
        let flow = FlowId::new(flow_id);
        let preview = py
            .detach(|| self.inner.preview_schedule(&flow, now))
            .or_raise(py)?;
        to_py(py, &preview.contacts)
    }

    /// The other active flows that conflict with a flow's automatic send at its next check:
    /// dicts ``{"flow", "trigger", "reason", "shared", "message"}``, ``reason`` being
    /// ``"same_condition"`` or ``"same_check"``. Raises as ``preview_schedule``.
    fn schedule_conflicts<'py>(
        &self,
        py: Python<'py>,
        flow_id: &str,
        now: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let now = instant(now, "now")?;
        let flow = FlowId::new(flow_id);
        let out = py
            .detach(|| self.inner.schedule_conflicts(&flow, now))
            .or_raise(py)?;
        to_py(py, &out)
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
        now: &Bound<'_, PyAny>,
    ) -> PyResult<usize> {
        let now = instant(now, "now")?;
        let all = super::batch::items(contacts, "contacts")?.read(py, super::batch::contacts)?;
        py.detach(|| self.inner.upsert_contacts(all, now))
            .or_raise(py)
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
        now: &Bound<'_, PyAny>,
    ) -> PyResult<usize> {
        let now = instant(now, "now")?;
        let all = super::batch::items(events, "events")?.read(py, events_from_columns)?;
        py.detach(|| self.inner.record_events(all, now))
            .or_raise(py)
    }
    // --- end perf: batch inputs ---------------------------------------------------------------
}

/// The options of `Engine.publish` (`in_flight`, `node_map`) read by the core as its
/// `PublishOptions` JSON form: an unknown `in_flight` is a located format error.
fn publish_options(
    py: Python<'_>,
    in_flight: &str,
    node_map: Option<&Bound<'_, PyAny>>,
) -> PyResult<PublishOptions> {
    let node_map = match node_map.filter(|m| !m.is_none()) {
        Some(m) => to_value(m, "node_map")?,
        None => serde_json::json!({}),
    };
    let options = serde_json::json!({"in_flight": in_flight, "node_map": node_map});
    sequenza::error::from_json(&options.to_string()).or_raise(py)
}

/// The items of an RSS 2.0 or Atom ``document`` whose ids are not in ``seen``, in document
/// order, as dicts ``{"id", "title", "link", "published", "summary"}`` — what
/// ``Engine.feed_items`` takes.
#[pyfunction]
#[pyo3(signature = (document, seen = Vec::new()))]
pub(crate) fn new_feed_items<'py>(
    py: Python<'py>,
    document: &str,
    seen: Vec<String>,
) -> PyResult<Bound<'py, PyAny>> {
    to_py(py, &sequenza::engine::feed::new_items(document, &seen))
}
