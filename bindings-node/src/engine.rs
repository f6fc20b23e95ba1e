//! The flow engine (issue 11 §6): the `Engine` class over `sequenza::engine::Engine`.
//!
//! Every method converts its arguments (documents read by the core's JSON readers, instants by
//! [`instant`]), calls one core method and converts the result through its serde form (the
//! core's JSON: snake_case keys, instants as RFC 3339 text). Errors go through the one mapping
//! of [`errors`](crate::errors): `EngineError` (`engine.*`), `StoreError` (`store.*`),
//! `FormatError` for a malformed document … `deliver` calls the JS handlers synchronously, on
//! the JS thread.

use napi::bindgen_prelude::{FromNapiValue, Function, JsObjectValue, Object, Unknown};
use napi::{Env, JsValue, Result, ValueType};
use napi_derive::napi;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use sequenza::engine::{ApiResponse, Effect, EffectKey, EngineConfig, Outcome, PublishOptions};
use sequenza::import::ImportList;
use sequenza::model::{ContactId, FlowId, ListId, NodeId};
use sequenza::runtime::{route_of, Channel, Delivery};
use sequenza::{Contact, Event};

use crate::convert::{doc, given, instant, iso, opt_string, string, to_js};
use crate::convert::{wrong_type, Arg, Opts};
use crate::errors::OrThrow;

/// A document with no reader of its own (an inbound message, an API response, feed items, an
/// activity), read by the core's `from_json`: a malformed one is a located `FormatError`.
fn document<T: DeserializeOwned>(env: &Env, value: Arg, name: &str) -> Result<T> {
    doc(env, value, name, sequenza::error::from_json)
}

/// A word (a flow status, an outcome) read by the core as the JSON string it is.
fn word<T: DeserializeOwned>(env: &Env, value: Arg, name: &str) -> Result<T> {
    let text = string(env, value, name)?;
    sequenza::error::from_json(&serde_json::Value::from(text).to_string()).or_throw(env)
}

fn flow_id(env: &Env, value: Arg, name: &str) -> Result<FlowId> {
    string(env, value, name).map(FlowId::new)
}

fn contact_id(env: &Env, value: Arg, name: &str) -> Result<ContactId> {
    string(env, value, name).map(ContactId::new)
}

fn list_id(env: &Env, value: Arg) -> Result<ListId> {
    string(env, value, "listId").map(ListId::new)
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// What a delivery handler returns for an API call: `{outcome, response}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HandlerReply {
    outcome: Outcome,
    #[serde(default)]
    response: Option<ApiResponse>,
}

/// The handlers of `deliver` as the core's [`Channel`]: the handler of an effect's route is
/// called with the effect (its JSON form). The first exception (or unreadable reply) is kept and
/// every later effect is left in the outbox, so that the effects handled before it are
/// acknowledged and the exception is then thrown.
struct Handlers<'a, 'env> {
    env: &'env Env,
    handlers: &'a Object<'env>,
    failure: Option<napi::Error>,
}

impl Handlers<'_, '_> {
    fn call(&self, effect: &Effect) -> Result<Option<Delivery>> {
        let env = self.env;
        let route = route_of(effect);
        let handler: Option<Unknown<'_>> = given(self.handlers.get_named_property(route)?);
        let Some(handler) = handler else {
            return Ok(None);
        };
        if handler.get_type()? != ValueType::Function {
            let name = format!("handlers.{route}");
            return Err(wrong_type(env, Some(&handler), &name, "a function"));
        }
        let handler = Function::<Unknown<'_>, Unknown<'_>>::from_unknown(handler)?;
        let reply = handler.call(to_js(env, effect)?)?;
        let Some(reply) = given(Some(reply)) else {
            return Ok(None);
        };
        let name = format!("the reply of handlers.{route}");
        let reply: HandlerReply = match reply.get_type()? {
            ValueType::String => HandlerReply {
                outcome: word(env, Some(reply), &name)?,
                response: None,
            },
            ValueType::Object if !reply.is_array()? => document(env, Some(reply), &name)?,
            _ => {
                let expected = "an outcome string, an object {outcome, response}, or undefined";
                return Err(wrong_type(env, Some(&reply), &name, expected));
            }
        };
        Ok(Some(Delivery {
            outcome: reply.outcome,
            response: reply.response,
        }))
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
/// effects in an outbox, each with an idempotency key, until acknowledged.
///
/// Nothing reads the clock: every input takes `now` (a `Date` or RFC 3339 text), which may never
/// go backwards (`EngineError` `engine.clock.backwards`). Documents — flows, contacts, events,
/// messages, lists, segments — are the core's JSON forms (plain objects or JSON text); results
/// are plain objects in the core's JSON form, instants as RFC 3339 text. A `deliver` handler or
/// an `importCsv` progress callback that calls the engine meanwhile gets napi's borrow error.
#[napi]
#[derive(Debug)]
pub struct Engine {
    inner: sequenza::Engine,
}

#[napi]
impl Engine {
    /// An engine keeping everything in memory. `options.defaultTimeZone` is the IANA zone of
    /// contacts without one (UTC when absent), `options.fields` the field schema,
    /// `options.caps` frequency caps across every flow (a `FrequencyCaps` or its JSON form).
    /// Throws an `EngineError` `engine.config.invalid`.
    #[napi(constructor, ts_args_type = "options?: EngineOptions | null")]
    pub fn new(env: &Env, options: Arg) -> Result<Self> {
        let known = ["defaultTimeZone", "fields", "caps"];
        let opts = Opts::read(env, options, "options", &known)?;
        let mut config = EngineConfig {
            fields: crate::convert::schema(env, opts.get("fields")?, "options.fields")?,
            caps: crate::time::caps(env, opts.get("caps")?, "options.caps")?,
            ..EngineConfig::default()
        };
        if let Some(zone) =
            opt_string(env, opts.get("defaultTimeZone")?, "options.defaultTimeZone")?
        {
            config.default_time_zone = zone;
        }
        let inner = sequenza::Engine::new(config).or_throw(env)?;
        Ok(Engine { inner })
    }

    /// Publishes a flow (a `Flow`, a plain object or JSON text) with the status it carries;
    /// returns `{flow, version, moved, exited}`. Contacts already inside move onto the new
    /// version by node id (`options.inFlight` `'migrate'`, the default; `options.nodeMap` maps
    /// old node ids to new ones for nodes that are gone, else they exit with reason
    /// `node_removed`) or stay on the version they entered (`'pin'`). Throws an `EngineError`
    /// `engine.flow.invalid` (`findings` lists the errors), `engine.keyword.taken` or
    /// `engine.node.unknown` (a bad `nodeMap` entry, at `/node_map/<old id>`).
    #[napi(
        ts_args_type = "flow: Flow | object | string, now: Instant, options?: PublishOptions | null",
        ts_return_type = "Published"
    )]
    pub fn publish<'e>(
        &mut self,
        env: &'e Env,
        flow: Arg,
        now: Arg,
        options: Arg,
    ) -> Result<Unknown<'e>> {
        let flow = crate::flow::flow(env, flow, "flow")?;
        let now = instant(env, now, "now")?;
        let options = crate::convert::core_options(env, options)?;
        let options: PublishOptions =
            sequenza::error::from_json(&options.to_string()).or_throw(env)?;
        to_js(
            env,
            &self.inner.publish_with(flow, &options, now).or_throw(env)?,
        )
    }

    /// Sets a flow's status: `'active'`, `'paused'` or `'archived'`. Throws an `EngineError`
    /// `engine.flow.unknown` or `engine.flow.status`.
    #[napi(ts_args_type = "flowId: string, status: FlowStatus, now: Instant")]
    pub fn set_status(&mut self, env: &Env, flow_id: Arg, status: Arg, now: Arg) -> Result<()> {
        let flow = self::flow_id(env, flow_id, "flowId")?;
        let status = word(env, status, "status")?;
        let now = instant(env, now, "now")?;
        self.inner.set_status(&flow, status, now).or_throw(env)
    }

    /// Inserts or replaces a contact; the triggers it fires run.
    #[napi(ts_args_type = "contact: Contact | string, now: Instant")]
    pub fn upsert_contact(&mut self, env: &Env, contact: Arg, now: Arg) -> Result<()> {
        let contact = doc(env, contact, "contact", Contact::from_json)?;
        let now = instant(env, now, "now")?;
        self.inner.upsert_contact(contact, now).or_throw(env)
    }

    /// Removes a contact: it exits every flow and leaves every list. Throws an `EngineError`
    /// `engine.contact.unknown`.
    #[napi(ts_args_type = "contactId: string, now: Instant")]
    pub fn remove_contact(&mut self, env: &Env, contact_id: Arg, now: Arg) -> Result<()> {
        let id = self::contact_id(env, contact_id, "contactId")?;
        let now = instant(env, now, "now")?;
        self.inner.remove_contact(&id, now).or_throw(env)
    }

    /// Records an event `{contact, name, at, properties?}`.
    #[napi(ts_args_type = "event: Event | string, now: Instant")]
    pub fn record_event(&mut self, env: &Env, event: Arg, now: Arg) -> Result<()> {
        let event = doc(env, event, "event", Event::from_json)?;
        let now = instant(env, now, "now")?;
        self.inner.record_event(event, now).or_throw(env)
    }

    /// Records an activity of a contact done at `at` (`{type: 'coupon_downloaded', coupon:
    /// 'XMAS'}` …, as `Audience.record` takes): its contact state and its event, with the
    /// triggers that fire.
    #[napi(
        ts_args_type = "contactId: string, activity: Activity | string, at: Instant, now: Instant"
    )]
    pub fn record_activity(
        &mut self,
        env: &Env,
        contact_id: Arg,
        activity: Arg,
        at: Arg,
        now: Arg,
    ) -> Result<()> {
        let id = self::contact_id(env, contact_id, "contactId")?;
        let activity = document(env, activity, "activity")?;
        let (at, now) = (instant(env, at, "at")?, instant(env, now, "now")?);
        self.inner
            .record_activity(&id, activity, at, now)
            .or_throw(env)
    }

    /// Receives an inbound WhatsApp / SMS message `{channel, from (a phone) or contact, text,
    /// media, at, ad}`. Throws an `EngineError` `engine.message.sender_unknown`.
    #[napi(ts_args_type = "message: InboundMessage | string, now: Instant")]
    pub fn receive_message(&mut self, env: &Env, message: Arg, now: Arg) -> Result<()> {
        let message = document(env, message, "message")?;
        let now = instant(env, now, "now")?;
        self.inner.receive_message(message, now).or_throw(env)
    }

    /// Enrolls contacts by id; returns `{entered, refused: [{contact, reason}]}`. Throws an
    /// `EngineError` `engine.flow.unknown`.
    #[napi(
        ts_args_type = "flowId: string, contactIds: string[], now: Instant",
        ts_return_type = "EnrollOutcome"
    )]
    pub fn enroll<'e>(
        &mut self,
        env: &'e Env,
        flow_id: Arg,
        contact_ids: Arg,
        now: Arg,
    ) -> Result<Unknown<'e>> {
        let flow = self::flow_id(env, flow_id, "flowId")?;
        let ids = crate::convert::strings(env, contact_ids, "contactIds")?;
        let ids: Vec<ContactId> = ids.into_iter().map(ContactId::new).collect();
        let now = instant(env, now, "now")?;
        to_js(env, &self.inner.enroll(&flow, &ids, now).or_throw(env)?)
    }

    /// Enrolls every contact matching the flow's manual `filter` (or its entry restriction);
    /// returns `{entered, refused}`.
    #[napi(
        ts_args_type = "flowId: string, now: Instant",
        ts_return_type = "EnrollOutcome"
    )]
    pub fn enroll_matching<'e>(
        &mut self,
        env: &'e Env,
        flow_id: Arg,
        now: Arg,
    ) -> Result<Unknown<'e>> {
        let flow = self::flow_id(env, flow_id, "flowId")?;
        let now = instant(env, now, "now")?;
        to_js(env, &self.inner.enroll_matching(&flow, now).or_throw(env)?)
    }

    /// New items of the feed at `url` (`{id, title, link, published, summary}`) start the flows
    /// with a `feed` trigger on it; returns `{entered, refused}`.
    #[napi(
        ts_args_type = "url: string, items: FeedItem[] | string, now: Instant",
        ts_return_type = "EnrollOutcome"
    )]
    pub fn feed_items<'e>(
        &mut self,
        env: &'e Env,
        url: Arg,
        items: Arg,
        now: Arg,
    ) -> Result<Unknown<'e>> {
        let url = string(env, url, "url")?;
        let items: Vec<sequenza::engine::feed::FeedItem> = document(env, items, "items")?;
        let now = instant(env, now, "now")?;
        to_js(
            env,
            &self.inner.feed_items(&url, &items, now).or_throw(env)?,
        )
    }

    /// Runs everything due up to `now`, each step at its own instant; returns the number of
    /// steps run.
    #[napi(ts_args_type = "now: Instant")]
    pub fn tick(&mut self, env: &Env, now: Arg) -> Result<u32> {
        let now = instant(env, now, "now")?;
        self.inner.tick(now).map(count).or_throw(env)
    }

    /// The earliest instant at which `tick` has something to do (RFC 3339), or `null`.
    #[napi]
    pub fn next_wakeup(&self, env: &Env) -> Result<Option<String>> {
        Ok(self.inner.next_wakeup().or_throw(env)?.map(iso))
    }

    /// The outbox, oldest first: `{key, kind, flow, version, node, contact, channel, to, at,
    /// content | request, team}` (absent keys left out).
    #[napi(ts_return_type = "Effect[]")]
    pub fn effects<'e>(&self, env: &'e Env) -> Result<Unknown<'e>> {
        to_js(env, &self.inner.effects().or_throw(env)?)
    }

    /// Acknowledges an effect by key: `outcome` is `'delivered'`, `'failed'` or `'bounced'`;
    /// `response` (`{status, body}`) answers an API call. Throws an `EngineError`
    /// `engine.effect.unknown`.
    #[napi(
        ts_args_type = "key: string, outcome: Outcome, now: Instant, response?: ApiResponse | null"
    )]
    pub fn ack(
        &mut self,
        env: &Env,
        key: Arg,
        outcome: Arg,
        now: Arg,
        response: Arg,
    ) -> Result<()> {
        let key = EffectKey(string(env, key, "key")?);
        let outcome = word(env, outcome, "outcome")?;
        let now = instant(env, now, "now")?;
        let response: Option<ApiResponse> = given(response)
            .map(|r| document(env, Some(r), "response"))
            .transpose()?;
        self.inner.ack(&key, outcome, now, response).or_throw(env)
    }

    /// Ticks at `now`, then calls `handlers[route](effect)` for each effect of the outbox and
    /// acknowledges what the handler returns: an outcome string, or `{outcome, response}`;
    /// `undefined` / `null` leaves the effect in the outbox. The route is the effect's channel
    /// (`email`, `sms`, `web_push`, `whatsapp`), `http` for API calls and webhooks, `hand_off`
    /// for hand-offs; an effect whose route has no handler stays in the outbox. Returns how many
    /// effects were acknowledged. An exception thrown by a handler is thrown once the effects
    /// handled before it are acknowledged.
    #[napi(ts_args_type = "handlers: DeliveryHandlers, now: Instant")]
    pub fn deliver(&mut self, env: &Env, handlers: Arg, now: Arg) -> Result<u32> {
        let handlers = match given(handlers) {
            Some(h) if h.get_type()? == ValueType::Object && !h.is_array()? => {
                h.coerce_to_object()?
            }
            other => return Err(wrong_type(env, other.as_ref(), "handlers", "an object")),
        };
        let now = instant(env, now, "now")?;
        let mut channel = Handlers {
            env,
            handlers: &handlers,
            failure: None,
        };
        let done = self.inner.deliver(&mut channel, now).or_throw(env)?;
        match channel.failure {
            Some(e) => Err(e),
            None => Ok(count(done)),
        }
    }

    /// Enrollments, optionally of one flow and / or one contact (`options.flow`,
    /// `options.contact`): `{flow, version, contact, node, state, due, reason, since, entered_at}`.
    #[napi(
        ts_args_type = "options?: EnrollmentsOptions | null",
        ts_return_type = "EnrollmentView[]"
    )]
    pub fn enrollments<'e>(&self, env: &'e Env, options: Arg) -> Result<Unknown<'e>> {
        let opts = Opts::read(env, options, "options", &["flow", "contact"])?;
        let flow = opt_string(env, opts.get("flow")?, "options.flow")?.map(FlowId::new);
        let contact = opt_string(env, opts.get("contact")?, "options.contact")?;
        let contact = contact.map(ContactId::new);
        let out = self
            .inner
            .enrollments(flow.as_ref(), contact.as_ref())
            .or_throw(env)?;
        to_js(env, &out)
    }

    /// A flow's statistics: the totals (`entered`, `waiting`, `completed`, `exited`, `sent` …)
    /// beside `flow`, `refused`, `goals_by_name`, `nodes` and `days`. Throws an `EngineError`
    /// `engine.flow.unknown`.
    #[napi(ts_args_type = "flowId: string", ts_return_type = "FlowStats")]
    pub fn stats<'e>(&self, env: &'e Env, flow_id: Arg) -> Result<Unknown<'e>> {
        let flow = self::flow_id(env, flow_id, "flowId")?;
        to_js(env, &self.inner.stats(&flow).or_throw(env)?)
    }

    /// A contact's history (optionally in one flow), oldest first: `{at, flow, version,
    /// contact, node, action, reason, effect}`.
    #[napi(
        ts_args_type = "contactId: string, flow?: string | null",
        ts_return_type = "HistoryEntry[]"
    )]
    pub fn history<'e>(&self, env: &'e Env, contact_id: Arg, flow: Arg) -> Result<Unknown<'e>> {
        let id = self::contact_id(env, contact_id, "contactId")?;
        let flow = opt_string(env, flow, "flow")?.map(FlowId::new);
        to_js(env, &self.inner.history(&id, flow.as_ref()).or_throw(env)?)
    }

    /// A contact, or `null`.
    #[napi(ts_args_type = "contactId: string", ts_return_type = "Contact | null")]
    pub fn contact<'e>(&self, env: &'e Env, contact_id: Arg) -> Result<Unknown<'e>> {
        let id = self::contact_id(env, contact_id, "contactId")?;
        to_js(env, &self.inner.contact(&id))
    }

    /// Registers a segment (a `Segment` with an id, `{id, name, condition}` or JSON text); its
    /// entries and exits fire segment triggers. Returns how many contacts are in it.
    #[napi(ts_args_type = "segment: Segment | SegmentDocument | string, now: Instant")]
    pub fn register_segment(&mut self, env: &Env, segment: Arg, now: Arg) -> Result<u32> {
        let segment = crate::segment::core_segment(env, segment, "segment")?;
        let now = instant(env, now, "now")?;
        self.inner
            .register_segment(segment, now)
            .map(count)
            .or_throw(env)
    }

    /// Creates a list (its JSON form, as `Audience.createList` takes); its changes fire flows.
    /// Returns how many contacts went in. Throws a `ListError`.
    #[napi(ts_args_type = "list: List | string, now: Instant")]
    pub fn create_list(&mut self, env: &Env, list: Arg, now: Arg) -> Result<u32> {
        let list = doc(env, list, "list", sequenza::list::List::from_json)?;
        let now = instant(env, now, "now")?;
        self.inner.create_list(list, now).map(count).or_throw(env)
    }

    /// Deletes a list. Throws a `ListError` `list.unknown`.
    #[napi(ts_args_type = "listId: string, now: Instant")]
    pub fn delete_list(&mut self, env: &Env, list_id: Arg, now: Arg) -> Result<()> {
        let (id, now) = (self::list_id(env, list_id)?, instant(env, now, "now")?);
        self.inner.delete_list(&id, now).or_throw(env)
    }

    /// Renames a list. Throws a `ListError` (`list.unknown`, `list.name.empty`).
    #[napi(ts_args_type = "listId: string, name: string, now: Instant")]
    pub fn rename_list(&mut self, env: &Env, list_id: Arg, name: Arg, now: Arg) -> Result<()> {
        let (id, name) = (self::list_id(env, list_id)?, string(env, name, "name")?);
        let now = instant(env, now, "now")?;
        self.inner.rename_list(&id, &name, now).or_throw(env)
    }

    /// Adds a known contact to a list by hand; list triggers fire. Throws a `ListError`
    /// `list.unknown` or an `EngineError` `engine.contact.unknown`.
    #[napi(ts_args_type = "listId: string, contactId: string, now: Instant")]
    pub fn add_to_list(
        &mut self,
        env: &Env,
        list_id: Arg,
        contact_id: Arg,
        now: Arg,
    ) -> Result<()> {
        let list = self::list_id(env, list_id)?;
        let contact = self::contact_id(env, contact_id, "contactId")?;
        let now = instant(env, now, "now")?;
        self.inner.add_to_list(&list, &contact, now).or_throw(env)
    }

    /// Takes a contact out of a list by hand; list triggers fire. Throws a `ListError`
    /// (`list.unknown`, `list.contact.unknown`).
    #[napi(ts_args_type = "listId: string, contactId: string, now: Instant")]
    pub fn remove_from_list(
        &mut self,
        env: &Env,
        list_id: Arg,
        contact_id: Arg,
        now: Arg,
    ) -> Result<()> {
        let list = self::list_id(env, list_id)?;
        let contact = self::contact_id(env, contact_id, "contactId")?;
        let now = instant(env, now, "now")?;
        self.inner
            .remove_from_list(&list, &contact, now)
            .or_throw(env)
    }

    /// The ids of a list's members, in id order (none for an unknown list).
    #[napi(ts_args_type = "listId: string")]
    pub fn member_ids(&self, env: &Env, list_id: Arg) -> Result<Vec<String>> {
        let id = self::list_id(env, list_id)?;
        Ok(self
            .inner
            .audience()
            .member_ids(&id)
            .map(|c| c.as_str().to_owned())
            .collect())
    }

    /// Imports a CSV file (a path, read in chunks, or a `Buffer` / `Uint8Array`) into the
    /// engine's contacts as a new static list (`options.listName`, else `Import YYYY-MM-DD
    /// HH:MM`), on this thread; its list changes fire flows and, with `options.enroll` (a flow
    /// id), the imported contacts enter that flow. The other options are those of `importCsv`
    /// (`now` required, `onProgress`, `fileName`, the CSV settings). Returns the import report
    /// (as `importCsv` with an audience) with `enrolled`: `{entered, refused}` or `null`.
    #[napi(
        ts_args_type = "pathOrBuffer: string | Uint8Array, options: EngineImportCsvOptions",
        ts_return_type = "EngineImportReport"
    )]
    pub fn import_csv<'e>(
        &mut self,
        env: &'e Env,
        path_or_buffer: Arg,
        options: Arg,
    ) -> Result<Unknown<'e>> {
        let call = crate::import::ImportCall::read(env, path_or_buffer, options, &ENGINE_OWN)?;
        let list = ImportList {
            name: opt_string(env, call.option("listName")?, "options.listName")?,
            file: call.file.clone(),
        };
        let enroll = opt_string(env, call.option("enroll")?, "options.enroll")?.map(FlowId::new);
        let engine = &mut self.inner;
        let out = call.run(
            env,
            Box::new(|reader, settings, _schema, now, progress| {
                let (import, enrolled) =
                    engine.import_csv(reader, settings, &list, enroll.as_ref(), now, progress)?;
                let mut out = serde_json::to_value(import).unwrap_or_default();
                out["enrolled"] = serde_json::to_value(enrolled).unwrap_or_default();
                Ok(out)
            }),
        )?;
        to_js(env, &sequenza::text::camel_case_keys(out))
    }

    // ---- versions and contacts in flight (issue 12) --------------------------------------------

    /// Duplicates a flow under `newId` as a draft (version 1) without its inbound keywords and
    /// without media attachments; returns the new flow. Throws an `EngineError`
    /// `engine.flow.unknown` or `engine.flow.taken` (at `/new_id`).
    #[napi(
        ts_args_type = "flowId: string, newId: string, now: Instant",
        ts_return_type = "FlowDocument"
    )]
    pub fn duplicate<'e>(
        &mut self,
        env: &'e Env,
        flow_id: Arg,
        new_id: Arg,
        now: Arg,
    ) -> Result<Unknown<'e>> {
        let flow = self::flow_id(env, flow_id, "flowId")?;
        let new_id = self::flow_id(env, new_id, "newId")?;
        let now = instant(env, now, "now")?;
        to_js(
            env,
            &self.inner.duplicate(&flow, &new_id, now).or_throw(env)?,
        )
    }

    /// Ends a waiting contact's wait now, recorded in its history with `options.by` and `now`.
    /// Throws an `EngineError` `engine.flow.unknown` or `engine.enrollment.not_waiting`.
    #[napi(
        ts_args_type = "flowId: string, contactId: string, now: Instant, options?: ActorOptions | null"
    )]
    pub fn skip_wait(
        &mut self,
        env: &Env,
        flow_id: Arg,
        contact_id: Arg,
        now: Arg,
        options: Arg,
    ) -> Result<()> {
        let (flow, contact) = (
            self::flow_id(env, flow_id, "flowId")?,
            self::contact_id(env, contact_id, "contactId")?,
        );
        let now = instant(env, now, "now")?;
        let by = actor(env, options)?;
        self.inner.skip_wait(&flow, &contact, now, by).or_throw(env)
    }

    /// Moves a waiting contact to a node, which runs now (recorded with `options.by` and `now`).
    /// Throws an `EngineError` `engine.flow.unknown`, `engine.enrollment.not_waiting`,
    /// `engine.node.unknown` (at `/node`) or `engine.flow.status` (a paused flow).
    #[napi(
        ts_args_type = "flowId: string, contactId: string, nodeId: string, now: Instant, options?: ActorOptions | null"
    )]
    pub fn move_to(
        &mut self,
        env: &Env,
        flow_id: Arg,
        contact_id: Arg,
        node_id: Arg,
        now: Arg,
        options: Arg,
    ) -> Result<()> {
        let (flow, contact) = (
            self::flow_id(env, flow_id, "flowId")?,
            self::contact_id(env, contact_id, "contactId")?,
        );
        let node = NodeId::new(string(env, node_id, "nodeId")?);
        let now = instant(env, now, "now")?;
        let by = actor(env, options)?;
        self.inner
            .move_to(&flow, &contact, &node, now, by)
            .or_throw(env)
    }

    /// Takes a waiting contact out of a flow: it exits with reason `cancelled` (recorded with
    /// `options.by` and `now`). Throws an `EngineError` `engine.flow.unknown` or
    /// `engine.enrollment.not_waiting`.
    #[napi(
        ts_args_type = "flowId: string, contactId: string, now: Instant, options?: ActorOptions | null"
    )]
    pub fn cancel(
        &mut self,
        env: &Env,
        flow_id: Arg,
        contact_id: Arg,
        now: Arg,
        options: Arg,
    ) -> Result<()> {
        let (flow, contact) = (
            self::flow_id(env, flow_id, "flowId")?,
            self::contact_id(env, contact_id, "contactId")?,
        );
        let now = instant(env, now, "now")?;
        let by = actor(env, options)?;
        self.inner.cancel(&flow, &contact, now, by).or_throw(env)
    }

    // ---- preview_schedule (issue 12 §2) ----

    /// Previews an automatic send (a flow started by a schedule trigger): the contacts its next
    /// check selects, `{contact, check_at, would_send_at, deferred_by, node, channel, skipped,
    /// depends_on}` — when each would get the first message after quiet hours, send windows,
    /// zones and frequency caps, and why it is deferred or skipped. Changes nothing. Throws an
    /// `EngineError` `engine.preview.not_scheduled`, `engine.preview.inactive`,
    /// `engine.flow.unknown`.
    #[napi(
        ts_args_type = "flowId: string, now: Instant",
        ts_return_type = "PreviewContact[]"
    )]
    pub fn preview_schedule<'e>(
        &self,
        env: &'e Env,
        flow_id: Arg,
        now: Arg,
    ) -> Result<Unknown<'e>> {
        let flow = self::flow_id(env, flow_id, "flowId")?;
        let now = instant(env, now, "now")?;
        to_js(
            env,
            &self
                .inner
                .preview_schedule(&flow, now)
                .or_throw(env)?
                .contacts,
        )
    }

    /// The other active flows that conflict with a flow's automatic send at its next check:
    /// `{flow, trigger, reason, shared, message}` (`same_condition`, `same_check`). Throws as
    /// `previewSchedule`.
    #[napi(
        ts_args_type = "flowId: string, now: Instant",
        ts_return_type = "ScheduleConflict[]"
    )]
    pub fn schedule_conflicts<'e>(
        &self,
        env: &'e Env,
        flow_id: Arg,
        now: Arg,
    ) -> Result<Unknown<'e>> {
        let flow = self::flow_id(env, flow_id, "flowId")?;
        let now = instant(env, now, "now")?;
        to_js(
            env,
            &self.inner.schedule_conflicts(&flow, now).or_throw(env)?,
        )
    }

    // --- perf: batch inputs (issue 12 §3) ---------------------------------------------------

    /// Inserts or replaces many contacts as ONE input (the same as one `upsertContact` each, in
    /// order); returns how many were written. A bad contact refuses the whole batch: its error's
    /// `path` starts with its index (`/3/fields/points`).
    #[napi(ts_args_type = "contacts: Array<Contact | string>, now: Instant")]
    pub fn upsert_contacts(&mut self, env: &Env, contacts: Arg, now: Arg) -> Result<u32> {
        let contacts = crate::convert::array(env, contacts, "contacts", Contact::from_json)?;
        let now = instant(env, now, "now")?;
        self.inner
            .upsert_contacts(contacts, now)
            .map(count)
            .or_throw(env)
    }

    /// Records many events as ONE input (the same as one `recordEvent` each, in order); returns
    /// how many were recorded. A malformed event's error `path` starts with its index.
    #[napi(ts_args_type = "events: Array<Event | string>, now: Instant")]
    pub fn record_events(&mut self, env: &Env, events: Arg, now: Arg) -> Result<u32> {
        let events = crate::convert::array(env, events, "events", Event::from_json)?;
        let now = instant(env, now, "now")?;
        self.inner
            .record_events(events, now)
            .map(count)
            .or_throw(env)
    }
    // --- end perf: batch inputs ---------------------------------------------------------------
}

/// Who asked for a step taken by hand: `options.by` (issue 12).
fn actor(env: &Env, options: Arg) -> Result<Option<String>> {
    let opts = Opts::read(env, options, "options", &["by"])?;
    opt_string(env, opts.get("by")?, "options.by")
}

/// The options of `Engine.importCsv` that are its own (beside those of `importCsv`).
const ENGINE_OWN: [&str; 2] = ["listName", "enroll"];
