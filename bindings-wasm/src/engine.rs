//! The flow engine (`sequenza::engine::Engine`) as the `Engine` class.
//!
//! Every method converts its arguments (documents through the core's JSON readers, instants
//! through [`instant`]), calls one core method, and returns the result in the core's JSON form
//! (snake_case keys, instants as RFC 3339 text). Errors go through the one mapping of
//! `errors.rs`: `EngineError` (`engine.*`), `StoreError` (`store.*`), `FormatError` for a
//! malformed document … Nothing reads the clock: every input takes `now`.

use sequenza::engine::{Effect, EffectKey, EngineConfig};
use sequenza::model::{ContactId, FlowId};
use sequenza::runtime::{route_of, Channel, Delivery};
use sequenza::{Contact, Event, Flow};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::*;

/// A document of the engine without a `fromJson` of its own (a message, a feed item, an API
/// response, a handler's reply) read by the core's JSON reader: `FormatError` with its JSON
/// pointer when it is malformed.
fn document<T: DeserializeOwned>(value: &JsValue, what: &str) -> JsResult<T> {
    doc(value, what, sequenza::error::from_json)
}

/// A word of the core (a flow status, an outcome) read as the JSON string it is.
fn word<T: DeserializeOwned>(value: &JsValue, what: &str) -> JsResult<T> {
    let json = serde_json::Value::from(string(value, what)?).to_string();
    core(sequenza::error::from_json(&json))
}

/// The options object of `call` read into `T`, refusing a key `keys` does not name (a misspelt
/// option is an error, not a silent default): a `RangeError` as the other argument errors.
/// serde-wasm-bindgen reads only the keys a struct names, so `deny_unknown_fields` cannot see
/// the others.
fn known_options<T: DeserializeOwned + Default>(
    value: Option<impl Into<JsValue>>,
    keys: &[&str],
    call: &str,
) -> JsResult<T> {
    let value = value.map(Into::into);
    let plain = |v: &&JsValue| v.is_object() && !js_sys::Array::is_array(v);
    if let Some(object) = value.as_ref().filter(plain) {
        for key in js_sys::Object::keys(object.unchecked_ref::<js_sys::Object>()) {
            let key = key.as_string().unwrap_or_default();
            if !keys.contains(&key.as_str()) {
                return Err(range_error(&format!(
                    "{call}: unknown option `{key}` (expected one of {})",
                    keys.join(", ")
                )));
            }
        }
    }
    crate::options(value, call)
}

/// The options of `new Engine` (`defaultTimeZone`, `fields`, `caps`), the filters of
/// `Engine.enrollments` (`flow`, `contact`) and the `by` of the steps taken by hand: each call
/// refuses the keys that are not its own ([`known_options`]).
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct EngineOptions {
    default_time_zone: Option<String>,
    fields: Js,
    caps: Js,
    flow: Option<FlowId>,
    contact: Option<ContactId>,
    by: Option<String>,
}

/// The handlers of `Engine.deliver` as the core's [`Channel`]: the handler of an effect's route
/// (`route_of`) is called with the effect as a plain object. The first exception (or unreadable
/// reply) is kept and every later effect is left in the outbox, so that the effects handled
/// before it are acknowledged and the exception is then rethrown.
struct Handlers<'a> {
    handlers: &'a JsValue,
    failure: Option<JsValue>,
}

impl Handlers<'_> {
    fn call(&self, effect: &Effect) -> JsResult<Option<Delivery>> {
        let route = route_of(effect);
        let handler = js_sys::Reflect::get(self.handlers, &JsValue::from_str(route))?;
        if absent(&handler) {
            return Ok(None);
        }
        let handler = handler.dyn_into::<js_sys::Function>().map_err(|_| {
            type_error(&format!(
                "Engine.deliver: handlers.{route} must be a function"
            ))
        })?;
        let reply = handler.call1(self.handlers, &to_js(effect)?)?;
        if absent(&reply) {
            return Ok(None);
        }
        if reply.is_string() {
            let outcome = word(&reply, "Engine.deliver: the reply of a handler")?;
            let response = None;
            return Ok(Some(Delivery { outcome, response }));
        }
        let then = js_sys::Reflect::get(&reply, &JsValue::from_str("then")).ok();
        if reply.is_object() && then.is_some_and(|t| t.is_function()) {
            return Err(type_error(&format!(
                "Engine.deliver: handlers.{route} returned a Promise; deliver calls handlers \
                 synchronously — for asynchronous delivery, send each of effects() and ack() it"
            )));
        }
        if !reply.is_object() || js_sys::Array::is_array(&reply) {
            return Err(type_error(&format!(
                "Engine.deliver: handlers.{route} must return an outcome string, \
                 {{outcome, response}}, or null / undefined to leave the effect in the outbox"
            )));
        }
        document(&reply, "the reply of a handler").map(Some)
    }
}

impl Channel for Handlers<'_> {
    fn deliver(&mut self, effect: &Effect) -> Option<Delivery> {
        if self.failure.is_some() {
            return None;
        }
        self.call(effect).map_err(|e| self.failure = Some(e)).ok()?
    }
}

/// The flow engine: contacts move through published flows; what they must receive comes out as
/// effects in an outbox, until acknowledged.
///
/// Documents (flows, contacts, events, messages, lists, segments) are the core's JSON forms, as
/// plain objects or JSON text; results are plain objects of the core's JSON form (snake_case
/// keys, instants as RFC 3339 text). Every input takes `now` (a `Date` or RFC 3339 text), which
/// may never go backwards (`EngineError` `engine.clock.backwards`).
#[wasm_bindgen]
#[derive(Debug)]
pub struct Engine {
    inner: sequenza::Engine,
}

#[wasm_bindgen]
impl Engine {
    /// An engine keeping everything in memory. `options`: `{defaultTimeZone?, fields?, caps?}` —
    /// the IANA zone of contacts without one (`UTC` when absent), the field schema, frequency
    /// caps across every flow (a `FrequencyCaps` or its JSON form).
    #[wasm_bindgen(constructor)]
    pub fn new(options: Option<EngineOptionsArg>) -> JsResult<Engine> {
        let keys = ["defaultTimeZone", "fields", "caps"];
        let o: EngineOptions = known_options(options, &keys, "new Engine")?;
        let fields = field_schema(Some(o.fields.0))?;
        let caps = opt(Some(o.caps.0), |c| {
            doc(c, "frequency caps", sequenza::time::CapPolicy::from_json)
        })?;
        let mut config = EngineConfig {
            fields,
            caps,
            ..EngineConfig::default()
        };
        if let Some(zone) = o.default_time_zone {
            config.default_time_zone = zone;
        }
        Ok(Engine {
            inner: core(sequenza::Engine::new(config))?,
        })
    }

    /// Publishes a flow (a `Flow`, its JSON form or text) with the status it carries; returns
    /// `{flow, version, moved, exited}`. Contacts already inside move onto the new version by
    /// node id (`options.inFlight` `'migrate'`, the default; `options.nodeMap` maps old node
    /// ids to new ones for nodes that are gone, else they exit with reason `node_removed`) or
    /// stay on the version they entered (`'pin'`).
    #[wasm_bindgen(unchecked_return_type = "Published")]
    pub fn publish(
        &mut self,
        flow: FlowArg,
        now: Instant,
        options: Option<PublishOptionsArg>,
    ) -> JsResult<JsValue> {
        let flow = doc(&flow, "a flow", Flow::from_json)?;
        let now = now_of(&now, "Engine.publish")?;
        let options = options_text(options, "Engine.publish: options")?;
        let options = core(sequenza::error::from_json(&options))?;
        to_js(&core(self.inner.publish_with(flow, &options, now))?)
    }

    /// Sets a flow's status: `'active'`, `'paused'` or `'archived'`.
    #[wasm_bindgen(js_name = setStatus)]
    pub fn set_status(&mut self, flow_id: Str, status: StatusArg, now: Instant) -> JsResult<()> {
        let flow = id(&flow_id, "Engine.setStatus: flowId")?;
        let status = word(&status, "Engine.setStatus: status")?;
        let now = now_of(&now, "Engine.setStatus")?;
        core(self.inner.set_status(&flow, status, now))
    }

    /// Inserts or replaces a contact; the triggers it fires run.
    #[wasm_bindgen(js_name = upsertContact)]
    pub fn upsert_contact(&mut self, contact: ContactArg, now: Instant) -> JsResult<()> {
        let contact = doc(&contact, "a contact", Contact::from_json)?;
        let now = now_of(&now, "Engine.upsertContact")?;
        core(self.inner.upsert_contact(contact, now))
    }

    /// Removes a contact: it exits every flow and leaves every list.
    #[wasm_bindgen(js_name = removeContact)]
    pub fn remove_contact(&mut self, contact_id: Str, now: Instant) -> JsResult<()> {
        let contact = id(&contact_id, "Engine.removeContact: contactId")?;
        let now = now_of(&now, "Engine.removeContact")?;
        core(self.inner.remove_contact(&contact, now))
    }

    /// Records an event `{contact, name, at, properties?}`.
    #[wasm_bindgen(js_name = recordEvent)]
    pub fn record_event(&mut self, event: EventArg, now: Instant) -> JsResult<()> {
        let event = doc(&event, "an event", Event::from_json)?;
        let now = now_of(&now, "Engine.recordEvent")?;
        core(self.inner.record_event(event, now))
    }

    /// Records an activity of a contact done at `at` (`{type: 'coupon_downloaded', coupon:
    /// 'XMAS'}` …, as `Audience.record` takes), with the triggers that fire.
    #[wasm_bindgen(js_name = recordActivity)]
    pub fn record_activity(
        &mut self,
        contact_id: Str,
        activity: Doc,
        at: Instant,
        now: Instant,
    ) -> JsResult<()> {
        let contact: ContactId = id(&contact_id, "Engine.recordActivity: contactId")?;
        let activity = document(&activity, "an activity")?;
        let at = instant(&at, "Engine.recordActivity: at")?;
        let now = now_of(&now, "Engine.recordActivity")?;
        core(self.inner.record_activity(&contact, activity, at, now))
    }

    /// Receives an inbound WhatsApp / SMS message `{channel, from | contact, text?, media?, at,
    /// ad?}`: a reply to a pending question or menu, or a keyword, any-text, any-media or
    /// ad-click trigger.
    #[wasm_bindgen(js_name = receiveMessage)]
    pub fn receive_message(&mut self, message: MessageArg, now: Instant) -> JsResult<()> {
        let message = document(&message, "an inbound message")?;
        let now = now_of(&now, "Engine.receiveMessage")?;
        core(self.inner.receive_message(message, now))
    }

    /// Enrolls contacts by id; returns `{entered, refused: [{contact, reason}]}`.
    #[wasm_bindgen(unchecked_return_type = "EnrollOutcome")]
    pub fn enroll(&mut self, flow_id: Str, contact_ids: Ids, now: Instant) -> JsResult<JsValue> {
        let flow = id(&flow_id, "Engine.enroll: flowId")?;
        let ids = each(&contact_ids, "Engine.enroll: contactIds", |c| {
            id(c, "Engine.enroll: a contact id")
        })?;
        let now = now_of(&now, "Engine.enroll")?;
        to_js(&core(self.inner.enroll(&flow, &ids, now))?)
    }

    /// Enrolls every contact matching the flow's manual `filter` (or its entry restriction);
    /// returns `{entered, refused}`.
    #[wasm_bindgen(js_name = enrollMatching, unchecked_return_type = "EnrollOutcome")]
    pub fn enroll_matching(&mut self, flow_id: Str, now: Instant) -> JsResult<JsValue> {
        let flow = id(&flow_id, "Engine.enrollMatching: flowId")?;
        let now = now_of(&now, "Engine.enrollMatching")?;
        to_js(&core(self.inner.enroll_matching(&flow, now))?)
    }

    /// New items of the feed at `url` (`{id, title?, link?, published?, summary?}`, see
    /// `newFeedItems`) start the flows with a `feed` trigger on it; returns `{entered, refused}`.
    #[wasm_bindgen(js_name = feedItems, unchecked_return_type = "EnrollOutcome")]
    pub fn feed_items(&mut self, url: Str, items: FeedItemsArg, now: Instant) -> JsResult<JsValue> {
        let url = string(&url, "Engine.feedItems: url")?;
        let items: Vec<sequenza::engine::feed::FeedItem> = document(&items, "feed items")?;
        let now = now_of(&now, "Engine.feedItems")?;
        to_js(&core(self.inner.feed_items(&url, &items, now))?)
    }

    /// Runs everything due up to `now`, each step at its own instant; returns the number of
    /// steps run.
    pub fn tick(&mut self, now: Instant) -> JsResult<u32> {
        let now = now_of(&now, "Engine.tick")?;
        Ok(core(self.inner.tick(now))? as u32)
    }

    /// The earliest instant at which `tick` has something to do (RFC 3339), or `null`.
    #[wasm_bindgen(js_name = nextWakeup, unchecked_return_type = "string | null")]
    pub fn next_wakeup(&self) -> JsResult<JsValue> {
        Ok(opt_iso(core(self.inner.next_wakeup())?))
    }

    /// The outbox, oldest first: `{key, kind, flow, version, node?, contact, channel?, to?, at,
    /// template?, content? | request?, team?}`.
    #[wasm_bindgen(unchecked_return_type = "Effect[]")]
    pub fn effects(&self) -> JsResult<JsValue> {
        to_js(&core(self.inner.effects())?)
    }

    /// Acknowledges an effect by key: `outcome` is `'delivered'`, `'failed'` or `'bounced'`;
    /// `response` (`{status, body}`) answers an API call.
    pub fn ack(
        &mut self,
        key: Str,
        outcome: OutcomeArg,
        now: Instant,
        response: Option<ResponseArg>,
    ) -> JsResult<()> {
        let key = EffectKey(string(&key, "Engine.ack: key")?);
        let outcome = word(&outcome, "Engine.ack: outcome")?;
        let now = now_of(&now, "Engine.ack")?;
        let response = opt(response, |r| document(r, "an API response"))?;
        core(self.inner.ack(&key, outcome, now, response))
    }

    /// Ticks at `now`, then calls `handlers[route](effect)` for each effect of the outbox and
    /// acknowledges what the handler returns: an outcome string, or `{outcome, response}`;
    /// `null` / `undefined` leaves the effect in the outbox. The route is the effect's channel
    /// (`email`, `sms`, `web_push`, `whatsapp`), `http` for API calls and webhooks, `hand_off`
    /// for hand-offs; an effect whose route has no handler stays in the outbox. Handlers are
    /// called synchronously (for asynchronous sends, use `effects()` and `ack()`). Returns how
    /// many effects were acknowledged; an exception thrown by a handler is rethrown once the
    /// effects handled before it are acknowledged.
    pub fn deliver(&mut self, handlers: HandlersArg, now: Instant) -> JsResult<u32> {
        let handlers: JsValue = handlers.into();
        if !handlers.is_object() || js_sys::Array::is_array(&handlers) {
            return Err(type_error(
                "Engine.deliver: handlers must be an object of functions by route",
            ));
        }
        let now = now_of(&now, "Engine.deliver")?;
        let mut channel = Handlers {
            handlers: &handlers,
            failure: None,
        };
        let done = core(self.inner.deliver(&mut channel, now))?;
        channel.failure.map_or(Ok(done as u32), Err)
    }

    /// Enrollments, optionally of one flow and / or one contact (`{flow?, contact?}`), in (flow,
    /// contact) order: `{flow, version, contact, node, state, due, reason, since, entered_at}`.
    #[wasm_bindgen(unchecked_return_type = "EnrollmentView[]")]
    pub fn enrollments(&self, filter: Option<EnrollmentsArg>) -> JsResult<JsValue> {
        let keys = ["flow", "contact"];
        let f: EngineOptions = known_options(filter, &keys, "Engine.enrollments")?;
        let found = self.inner.enrollments(f.flow.as_ref(), f.contact.as_ref());
        to_js(&core(found)?)
    }

    /// A flow's statistics: the totals (`entered`, `waiting`, `completed`, `exited`, `sent` …)
    /// beside `flow`, `refused`, `goals_by_name`, `nodes` and `days`.
    #[wasm_bindgen(unchecked_return_type = "FlowStats")]
    pub fn stats(&self, flow_id: Str) -> JsResult<JsValue> {
        let flow = id(&flow_id, "Engine.stats: flowId")?;
        to_js(&core(self.inner.stats(&flow))?)
    }

    /// A contact's history (optionally in one flow), oldest first, each step with its reason:
    /// `{at, flow, version, contact, node?, action, reason?, effect?}`.
    #[wasm_bindgen(unchecked_return_type = "HistoryEntry[]")]
    pub fn history(&self, contact_id: Str, flow: Option<Str>) -> JsResult<JsValue> {
        let contact = id(&contact_id, "Engine.history: contactId")?;
        let flow: Option<FlowId> = opt(flow, |f| id(f, "Engine.history: flow"))?;
        to_js(&core(self.inner.history(&contact, flow.as_ref()))?)
    }

    /// A contact's JSON form, or `null`.
    #[wasm_bindgen(unchecked_return_type = "Contact | null")]
    pub fn contact(&self, contact_id: Str) -> JsResult<JsValue> {
        let contact = id(&contact_id, "Engine.contact: contactId")?;
        to_js(&self.inner.contact(&contact))
    }

    /// Registers a segment (a `Segment`, `{id, name, condition}` or its text); its entries and
    /// exits fire segment triggers. Returns how many contacts are in it.
    #[wasm_bindgen(js_name = registerSegment)]
    pub fn register_segment(&mut self, segment: SegmentArg, now: Instant) -> JsResult<u32> {
        let segment = doc(&segment, "a segment", sequenza::segment::Segment::from_json)?;
        let now = now_of(&now, "Engine.registerSegment")?;
        Ok(core(self.inner.register_segment(segment, now))? as u32)
    }

    /// Creates a list (its JSON form, as `Audience.createList` takes); returns how many contacts
    /// went in. Its changes fire list triggers.
    #[wasm_bindgen(js_name = createList)]
    pub fn create_list(&mut self, list: ListArg, now: Instant) -> JsResult<u32> {
        let list = doc(&list, "a list", sequenza::list::List::from_json)?;
        let now = now_of(&now, "Engine.createList")?;
        Ok(core(self.inner.create_list(list, now))? as u32)
    }

    /// Deletes a list.
    #[wasm_bindgen(js_name = deleteList)]
    pub fn delete_list(&mut self, list_id: Str, now: Instant) -> JsResult<()> {
        let list = id(&list_id, "Engine.deleteList: listId")?;
        let now = now_of(&now, "Engine.deleteList")?;
        core(self.inner.delete_list(&list, now))
    }

    /// Renames a list.
    #[wasm_bindgen(js_name = renameList)]
    pub fn rename_list(&mut self, list_id: Str, name: Str, now: Instant) -> JsResult<()> {
        let list = id(&list_id, "Engine.renameList: listId")?;
        let name = string(&name, "Engine.renameList: name")?;
        let now = now_of(&now, "Engine.renameList")?;
        core(self.inner.rename_list(&list, &name, now))
    }

    /// Adds a known contact to a list by hand; list triggers fire.
    #[wasm_bindgen(js_name = addToList)]
    pub fn add_to_list(&mut self, list_id: Str, contact_id: Str, now: Instant) -> JsResult<()> {
        let list = id(&list_id, "Engine.addToList: listId")?;
        let contact = id(&contact_id, "Engine.addToList: contactId")?;
        let now = now_of(&now, "Engine.addToList")?;
        core(self.inner.add_to_list(&list, &contact, now))
    }

    /// Takes a contact out of a list by hand; list triggers fire.
    #[wasm_bindgen(js_name = removeFromList)]
    pub fn remove_from_list(
        &mut self,
        list_id: Str,
        contact_id: Str,
        now: Instant,
    ) -> JsResult<()> {
        let list = id(&list_id, "Engine.removeFromList: listId")?;
        let contact = id(&contact_id, "Engine.removeFromList: contactId")?;
        let now = now_of(&now, "Engine.removeFromList")?;
        core(self.inner.remove_from_list(&list, &contact, now))
    }

    /// The ids of a list's members, in id order (empty for an unknown list).
    #[wasm_bindgen(js_name = memberIds)]
    pub fn member_ids(&self, list_id: Str) -> JsResult<Vec<String>> {
        let list = id(&list_id, "Engine.memberIds: listId")?;
        Ok(strings(self.inner.audience().member_ids(&list)))
    }

    // ---- preview_schedule (issue 12 §2) ----

    /// Previews an automatic send (a flow started by a schedule trigger): the contacts its next
    /// check selects, `{contact, check_at, would_send_at, deferred_by, node, channel, skipped,
    /// depends_on}` — when each would get the first message after quiet hours, send windows,
    /// zones and frequency caps, and why it is deferred or skipped. Changes nothing. Throws an
    /// `EngineError` `engine.preview.not_scheduled`, `engine.preview.inactive`,
    /// `engine.flow.unknown`.
    #[wasm_bindgen(js_name = previewSchedule, unchecked_return_type = "PreviewContact[]")]
    pub fn preview_schedule(&self, flow_id: Str, now: Instant) -> JsResult<JsValue> {
        let flow = id(&flow_id, "Engine.previewSchedule: flowId")?;
        let now = now_of(&now, "Engine.previewSchedule")?;
        to_js(&core(self.inner.preview_schedule(&flow, now))?.contacts)
    }

    /// The other active flows that conflict with a flow's automatic send at its next check:
    /// `{flow, trigger, reason, shared, message}` (`same_condition`, `same_check`).
    #[wasm_bindgen(js_name = scheduleConflicts, unchecked_return_type = "ScheduleConflict[]")]
    pub fn schedule_conflicts(&self, flow_id: Str, now: Instant) -> JsResult<JsValue> {
        let flow = id(&flow_id, "Engine.scheduleConflicts: flowId")?;
        let now = now_of(&now, "Engine.scheduleConflicts")?;
        to_js(&core(self.inner.schedule_conflicts(&flow, now))?)
    }

    // --- perf: batch inputs (issue 12 §3) ---------------------------------------------------

    /// Inserts or replaces many contacts as ONE input (the same as one `upsertContact` each, in
    /// order); returns how many were written. A bad contact refuses the whole batch: its error's
    /// `path` starts with its index (`/3/fields/points`).
    #[wasm_bindgen(js_name = upsertContacts)]
    pub fn upsert_contacts(&mut self, contacts: ContactsArg, now: Instant) -> JsResult<u32> {
        let what = "Engine.upsertContacts: contacts";
        let contacts = doc_array(&contacts, what, Contact::from_json)?;
        let now = now_of(&now, "Engine.upsertContacts")?;
        Ok(core(self.inner.upsert_contacts(contacts, now))? as u32)
    }

    /// Records many events as ONE input (the same as one `recordEvent` each, in order); returns
    /// how many were recorded.
    #[wasm_bindgen(js_name = recordEvents)]
    pub fn record_events(&mut self, events: EventsArg, now: Instant) -> JsResult<u32> {
        let events = doc_array(&events, "Engine.recordEvents: events", Event::from_json)?;
        let now = now_of(&now, "Engine.recordEvents")?;
        Ok(core(self.inner.record_events(events, now))? as u32)
    }
    // --- end perf: batch inputs ---------------------------------------------------------------
}

/// The items of an RSS 2.0 or Atom `document` whose ids are not in `seen`, in document order:
/// `{id, title, link, published?, summary?}` — what `Engine.feedItems` takes.
#[wasm_bindgen(js_name = newFeedItems, unchecked_return_type = "FeedItem[]")]
pub fn new_feed_items(document: Str, seen: Option<Ids>) -> JsResult<JsValue> {
    let document = string(&document, "newFeedItems: document")?;
    let id = |v: &JsValue| string(v, "newFeedItems: an id");
    let seen = opt(seen, |s| each(s, "newFeedItems: seen", id))?.unwrap_or_default();
    to_js(&sequenza::engine::feed::new_items(&document, &seen))
}

#[cfg(feature = "import")]
#[wasm_bindgen]
impl Engine {
    /// Imports CSV bytes into the engine's audience as a new static list (`options.listName`,
    /// else `Import YYYY-MM-DD HH:MM`) at `options.now`; its list changes fire flows and, with
    /// `options.enroll` (a flow id), the imported contacts enter that flow. The other options
    /// are those of `importCsv` (`mapping`, `defaultRegion`, `onProgress`, `fileName` …; the
    /// field schema is the engine's). Returns `{report, enrolled}`: the import report (as
    /// `importCsv` into an audience gives it, with `listId` and `changes`) and `{entered,
    /// refused}` or `null`.
    #[wasm_bindgen(js_name = importCsv, unchecked_return_type = "EngineImport")]
    pub fn import_csv(
        &mut self,
        data: Bytes,
        options: EngineImportCsvOptions,
    ) -> JsResult<JsValue> {
        const CALL_KEYS: &[&str] = &["now", "on_progress", "file_name", "list_name", "enroll"];
        let call = "Engine.importCsv";
        let (o, settings) = crate::import::read_options(Some(options.into()), call, CALL_KEYS)?;
        let now = now_of(&o.now.0, call)?;
        let progress = crate::import::ProgressCallback::new(&o.on_progress.0, call)?;
        let data = crate::import::bytes(&data, call)?;
        let (name, file) = (o.list_name, o.file_name);
        let list = sequenza::import::ImportList { name, file };
        let reader = progress.reader(&data);
        let enroll: Option<FlowId> = opt(Some(&o.enroll.0), |f| id(f, "Engine.importCsv: enroll"))?;
        let result =
            self.inner
                .import_csv(reader, &settings, &list, enroll.as_ref(), now, &mut |p| {
                    progress.call(p)
                });
        progress.rethrow(&result)?;
        let (import, enrolled) = core(result)?;
        let out = js_sys::Object::new();
        set(&out, "report", to_js_camel(&import)?);
        set(&out, "enrolled", to_js(&enrolled)?);
        Ok(out.into())
    }

    // ---- versions and contacts in flight (issue 12) --------------------------------------------

    /// Duplicates a flow under `newId` as a draft (version 1) without its inbound keywords and
    /// without media attachments; returns the new flow. `EngineError` `engine.flow.unknown` or
    /// `engine.flow.taken` (at `/new_id`).
    #[wasm_bindgen(unchecked_return_type = "model.Flow")]
    pub fn duplicate(&mut self, flow_id: Str, new_id: Str, now: Instant) -> JsResult<JsValue> {
        let flow = id(&flow_id, "Engine.duplicate: flowId")?;
        let new_id = id(&new_id, "Engine.duplicate: newId")?;
        let now = now_of(&now, "Engine.duplicate")?;
        to_js(&core(self.inner.duplicate(&flow, &new_id, now))?)
    }

    /// Ends a waiting contact's wait now, recorded in its history with `options.by` and `now`.
    /// `EngineError` `engine.flow.unknown` or `engine.enrollment.not_waiting`.
    #[wasm_bindgen(js_name = skipWait)]
    pub fn skip_wait(
        &mut self,
        flow_id: Str,
        contact_id: Str,
        now: Instant,
        options: Option<ActorArg>,
    ) -> JsResult<()> {
        let flow = id(&flow_id, "Engine.skipWait: flowId")?;
        let contact = id(&contact_id, "Engine.skipWait: contactId")?;
        let now = now_of(&now, "Engine.skipWait")?;
        let by = actor(options, "Engine.skipWait")?;
        core(self.inner.skip_wait(&flow, &contact, now, by))
    }

    /// Moves a waiting contact to a node, which runs now (recorded with `options.by` and
    /// `now`). `EngineError` `engine.flow.unknown`, `engine.enrollment.not_waiting`,
    /// `engine.node.unknown` (at `/node`) or `engine.flow.status` (a paused flow).
    #[wasm_bindgen(js_name = moveTo)]
    pub fn move_to(
        &mut self,
        flow_id: Str,
        contact_id: Str,
        node_id: Str,
        now: Instant,
        options: Option<ActorArg>,
    ) -> JsResult<()> {
        let flow = id(&flow_id, "Engine.moveTo: flowId")?;
        let contact = id(&contact_id, "Engine.moveTo: contactId")?;
        let node = id(&node_id, "Engine.moveTo: nodeId")?;
        let now = now_of(&now, "Engine.moveTo")?;
        let by = actor(options, "Engine.moveTo")?;
        core(self.inner.move_to(&flow, &contact, &node, now, by))
    }

    /// Takes a waiting contact out of a flow: it exits with reason `cancelled` (recorded with
    /// `options.by` and `now`). `EngineError` `engine.flow.unknown` or
    /// `engine.enrollment.not_waiting`.
    pub fn cancel(
        &mut self,
        flow_id: Str,
        contact_id: Str,
        now: Instant,
        options: Option<ActorArg>,
    ) -> JsResult<()> {
        let flow = id(&flow_id, "Engine.cancel: flowId")?;
        let contact = id(&contact_id, "Engine.cancel: contactId")?;
        let now = now_of(&now, "Engine.cancel")?;
        let by = actor(options, "Engine.cancel")?;
        core(self.inner.cancel(&flow, &contact, now, by))
    }
}

/// Who asked for a step taken by hand (`skipWait`, `moveTo`, `cancel`; issue 12): `options.by`.
fn actor(options: Option<ActorArg>, call: &str) -> JsResult<Option<String>> {
    Ok(known_options::<EngineOptions>(options, &["by"], call)?.by)
}
