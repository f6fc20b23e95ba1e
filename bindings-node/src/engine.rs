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

use sequenza::engine::{Effect, EffectKey, EngineConfig, PublishOptions};
use sequenza::import::ImportList;
use sequenza::runtime::{route_of, Channel, Delivery};

use crate::arg::{
    Activity, At, By, Contact, ContactId, ContactIds, Contacts, Event, Events, Flow, FlowId,
    InFlow, Items, Key, List, ListId, Message, Name, NewId, NodeId, Now, Outcome, Response,
    Segment, Status, Url,
};
use crate::convert::{
    count, doc, done, given, ids, iso, ok, out, to_js, value, wrong_type, Arg, FromArg, Opts, Out,
};
use crate::errors::OrThrow;

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
        // An outcome string, or `{outcome, response}` (an API call's response).
        match reply.get_type()? {
            ValueType::String => Ok(Some(Delivery {
                outcome: FromArg::from_arg(env, Some(reply), &name)?,
                response: None,
            })),
            ValueType::Object if !reply.is_array()? => {
                doc(env, Some(reply), &name, sequenza::error::from_json).map(Some)
            }
            _ => {
                let expected = "an outcome string, an object {outcome, response}, or undefined";
                Err(wrong_type(env, Some(&reply), &name, expected))
            }
        }
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
    /// Throws a `TimeError` `time.zone.unknown` (at `/default_time_zone`) or `time.cap.invalid`.
    #[napi(constructor, ts_args_type = "options?: EngineOptions | null")]
    pub fn new(env: &Env, options: Arg) -> Result<Self> {
        let known = ["defaultTimeZone", "fields", "caps"];
        let opts = Opts::read(env, options, "options", &known)?;
        let mut config = EngineConfig {
            fields: opts.opt("fields")?,
            caps: opts.opt("caps")?,
            ..EngineConfig::default()
        };
        if let Some(zone) = opts.opt("defaultTimeZone")? {
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
    pub fn publish(&mut self, env: &Env, flow: Flow, now: Now, options: Arg) -> Result<Out<'_>> {
        let options = crate::convert::core_options(env, options)?.to_string();
        let options: PublishOptions = sequenza::error::from_json(&options).or_throw(env)?;
        Ok(out(self.inner.publish_with(flow.0, &options, now.0)))
    }

    /// Sets a flow's status: `'active'`, `'paused'` or `'archived'`. Throws an `EngineError`
    /// `engine.flow.unknown` or `engine.flow.status`.
    #[napi(ts_args_type = "flowId: string, status: FlowStatus, now: Instant")]
    pub fn set_status(&mut self, env: &Env, flow: FlowId, status: Status, now: Now) -> Result<()> {
        ok(env, self.inner.set_status(&flow.0, status.0, now.0))
    }

    /// Inserts or replaces a contact; the triggers it fires run.
    #[napi(ts_args_type = "contact: Contact | string, now: Instant")]
    pub fn upsert_contact(&mut self, env: &Env, contact: Contact, now: Now) -> Result<()> {
        ok(env, self.inner.upsert_contact(contact.0, now.0))
    }

    /// Removes a contact: it exits every flow and leaves every list. Throws an `EngineError`
    /// `engine.contact.unknown`.
    #[napi(ts_args_type = "contactId: string, now: Instant")]
    pub fn remove_contact(&mut self, env: &Env, id: ContactId, now: Now) -> Result<()> {
        ok(env, self.inner.remove_contact(&id.0, now.0))
    }

    /// Records an event `{contact, name, at, properties?}`.
    #[napi(ts_args_type = "event: Event | string, now: Instant")]
    pub fn record_event(&mut self, env: &Env, event: Event, now: Now) -> Result<()> {
        ok(env, self.inner.record_event(event.0, now.0))
    }

    /// Records an activity of a contact done at `at` (`{type: 'coupon_downloaded', coupon:
    /// 'XMAS'}` …, as `Audience.record` takes): its contact state and its event, with the
    /// triggers that fire.
    #[napi(
        ts_args_type = "contactId: string, activity: Activity | string, at: Instant, now: Instant",
        ts_return_type = "void"
    )]
    pub fn record_activity(&mut self, id: ContactId, act: Activity, at: At, now: Now) -> Out<'_> {
        done(self.inner.record_activity(&id.0, act.0, at.0, now.0))
    }

    /// Receives an inbound WhatsApp / SMS message `{channel, from (a phone) or contact, text,
    /// media, at, ad}`. Throws an `EngineError` `engine.message.sender_unknown`.
    #[napi(ts_args_type = "message: InboundMessage | string, now: Instant")]
    pub fn receive_message(&mut self, env: &Env, message: Message, now: Now) -> Result<()> {
        ok(env, self.inner.receive_message(message.0, now.0))
    }

    /// Enrolls contacts by id; returns `{entered, refused: [{contact, reason}]}`. Throws an
    /// `EngineError` `engine.flow.unknown`.
    #[napi(
        ts_args_type = "flowId: string, contactIds: string[], now: Instant",
        ts_return_type = "EnrollOutcome"
    )]
    pub fn enroll(&mut self, flow: FlowId, ids: ContactIds, now: Now) -> Out<'_> {
        out(self.inner.enroll(&flow.0, &ids.0, now.0))
    }

    /// Enrolls every contact matching the flow's manual `filter` (or its entry restriction);
    /// returns `{entered, refused}`.
    #[napi(
        ts_args_type = "flowId: string, now: Instant",
        ts_return_type = "EnrollOutcome"
    )]
    pub fn enroll_matching(&mut self, flow: FlowId, now: Now) -> Out<'_> {
        out(self.inner.enroll_matching(&flow.0, now.0))
    }

    /// New items of the feed at `url` (`{id, title, link, published, summary}`) start the flows
    /// with a `feed` trigger on it; returns `{entered, refused}`.
    #[napi(
        ts_args_type = "url: string, items: FeedItem[] | string, now: Instant",
        ts_return_type = "EnrollOutcome"
    )]
    pub fn feed_items(&mut self, url: Url, items: Items, now: Now) -> Out<'_> {
        out(self.inner.feed_items(&url.0, &items.0, now.0))
    }

    /// Runs everything due up to `now`, each step at its own instant; returns the number of
    /// steps run.
    #[napi(ts_args_type = "now: Instant")]
    pub fn tick(&mut self, env: &Env, now: Now) -> Result<u32> {
        ok(env, self.inner.tick(now.0).map(count))
    }

    /// The earliest instant at which `tick` has something to do (RFC 3339), or `null`.
    #[napi]
    pub fn next_wakeup(&self, env: &Env) -> Result<Option<String>> {
        Ok(self.inner.next_wakeup().or_throw(env)?.map(iso))
    }

    /// The outbox, oldest first: `{key, kind, flow, version, node, contact, channel, to, at,
    /// content | request, team}` (absent keys left out).
    #[napi(ts_return_type = "Effect[]")]
    pub fn effects(&self) -> Out<'_> {
        out(self.inner.effects())
    }

    /// Acknowledges an effect by key: `outcome` is `'delivered'`, `'failed'` or `'bounced'`;
    /// `response` (`{status, body}`) answers an API call. Throws an `EngineError`
    /// `engine.effect.unknown`.
    #[napi(
        ts_args_type = "key: string, outcome: Outcome, now: Instant, response?: ApiResponse | null",
        ts_return_type = "void"
    )]
    pub fn ack(
        &mut self,
        key: Key,
        outcome: Outcome,
        now: Now,
        response: Option<Response>,
    ) -> Out<'_> {
        let (key, response) = (EffectKey(key.0), response.map(|r| r.0));
        done(self.inner.ack(&key, outcome.0, now.0, response))
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
        let now = crate::convert::instant(env, now, "now")?;
        let mut channel = Handlers {
            env,
            handlers: &handlers,
            failure: None,
        };
        let acked = self.inner.deliver(&mut channel, now).or_throw(env)?;
        match channel.failure {
            Some(e) => Err(e),
            None => Ok(count(acked)),
        }
    }

    /// Enrollments, optionally of one flow and / or one contact (`options.flow`,
    /// `options.contact`): `{flow, version, contact, node, state, due, reason, since, entered_at}`.
    #[napi(
        ts_args_type = "options?: EnrollmentsOptions | null",
        ts_return_type = "EnrollmentView[]"
    )]
    pub fn enrollments(&self, env: &Env, options: Arg) -> Result<Out<'_>> {
        let opts = Opts::read(env, options, "options", &["flow", "contact"])?;
        let (flow, contact) = (opts.opt("flow")?, opts.opt("contact")?);
        let result = self.inner.enrollments(flow.as_ref(), contact.as_ref());
        Ok(out(result))
    }

    /// A flow's statistics: the totals (`entered`, `waiting`, `completed`, `exited`, `sent` …)
    /// beside `flow`, `refused`, `goals_by_name`, `nodes` and `days`. Throws an `EngineError`
    /// `engine.flow.unknown`.
    #[napi(ts_args_type = "flowId: string", ts_return_type = "FlowStats")]
    pub fn stats(&self, flow: FlowId) -> Out<'_> {
        out(self.inner.stats(&flow.0))
    }

    /// A contact's history (optionally in one flow), oldest first: `{at, flow, version,
    /// contact, node, action, reason, effect}`.
    #[napi(
        ts_args_type = "contactId: string, flow?: string | null",
        ts_return_type = "HistoryEntry[]"
    )]
    pub fn history(&self, id: ContactId, flow: Option<InFlow>) -> Out<'_> {
        out(self.inner.history(&id.0, flow.as_ref().map(|f| &f.0)))
    }

    /// A contact, or `null`.
    #[napi(ts_args_type = "contactId: string", ts_return_type = "Contact | null")]
    pub fn contact(&self, id: ContactId) -> Out<'_> {
        value(self.inner.contact(&id.0))
    }

    /// Registers a segment (a `Segment` with an id, `{id, name, condition}` or JSON text); its
    /// entries and exits fire segment triggers. Returns how many contacts are in it.
    #[napi(ts_args_type = "segment: Segment | SegmentDocument | string, now: Instant")]
    pub fn register_segment(&mut self, env: &Env, segment: Segment, now: Now) -> Result<u32> {
        ok(
            env,
            self.inner.register_segment(segment.0, now.0).map(count),
        )
    }

    /// Creates a list (its JSON form, as `Audience.createList` takes); its changes fire flows.
    /// Returns how many contacts went in. Throws a `ListError`.
    #[napi(ts_args_type = "list: List | string, now: Instant")]
    pub fn create_list(&mut self, env: &Env, list: List, now: Now) -> Result<u32> {
        ok(env, self.inner.create_list(list.0, now.0).map(count))
    }

    /// Deletes a list. Throws a `ListError` `list.unknown`.
    #[napi(ts_args_type = "listId: string, now: Instant")]
    pub fn delete_list(&mut self, env: &Env, id: ListId, now: Now) -> Result<()> {
        ok(env, self.inner.delete_list(&id.0, now.0))
    }

    /// Renames a list. Throws a `ListError` (`list.unknown`, `list.name.empty`).
    #[napi(ts_args_type = "listId: string, name: string, now: Instant")]
    pub fn rename_list(&mut self, env: &Env, id: ListId, name: Name, now: Now) -> Result<()> {
        ok(env, self.inner.rename_list(&id.0, &name.0, now.0))
    }

    /// Adds a known contact to a list by hand; list triggers fire. Throws a `ListError`
    /// `list.unknown` or an `EngineError` `engine.contact.unknown`.
    #[napi(ts_args_type = "listId: string, contactId: string, now: Instant")]
    pub fn add_to_list(&mut self, env: &Env, list: ListId, id: ContactId, now: Now) -> Result<()> {
        ok(env, self.inner.add_to_list(&list.0, &id.0, now.0))
    }

    /// Takes a contact out of a list by hand; list triggers fire. Throws a `ListError`
    /// (`list.unknown`, `list.contact.unknown`).
    #[napi(
        ts_args_type = "listId: string, contactId: string, now: Instant",
        ts_return_type = "void"
    )]
    pub fn remove_from_list(&mut self, list: ListId, id: ContactId, now: Now) -> Out<'_> {
        done(self.inner.remove_from_list(&list.0, &id.0, now.0))
    }

    /// The ids of a list's members, in id order (none for an unknown list).
    #[napi(ts_args_type = "listId: string")]
    pub fn member_ids(&self, id: ListId) -> Vec<String> {
        ids(self.inner.audience().member_ids(&id.0))
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
    pub fn import_csv(&mut self, env: &Env, path_or_buffer: Arg, options: Arg) -> Result<Out<'_>> {
        let call = crate::import::ImportCall::read(env, path_or_buffer, options, &ENGINE_OWN)?;
        let list = ImportList {
            name: call.opts.opt("listName")?,
            file: call.job.file.clone(),
        };
        let enroll: Option<sequenza::model::FlowId> = call.opts.opt("enroll")?;
        let engine = &mut self.inner;
        let result = call.run(
            env,
            Box::new(|reader, job, progress| {
                let (settings, now) = (&job.settings, job.now);
                let (import, enrolled) =
                    engine.import_csv(reader, settings, &list, enroll.as_ref(), now, progress)?;
                let mut out = serde_json::to_value(import).unwrap_or_default();
                out["enrolled"] = serde_json::to_value(enrolled).unwrap_or_default();
                Ok(out)
            }),
        )?;
        Ok(value(sequenza::text::camel_case_keys(result)))
    }

    // ---- versions and contacts in flight (issue 12) --------------------------------------------

    /// Duplicates a flow under `newId` as a draft (version 1) without its inbound keywords and
    /// without media attachments; returns the new flow. Throws an `EngineError`
    /// `engine.flow.unknown` or `engine.flow.taken` (at `/new_id`).
    #[napi(
        ts_args_type = "flowId: string, newId: string, now: Instant",
        ts_return_type = "FlowDocument"
    )]
    pub fn duplicate(&mut self, flow: FlowId, new_id: NewId, now: Now) -> Out<'_> {
        out(self.inner.duplicate(&flow.0, &new_id.0, now.0))
    }

    /// Ends a waiting contact's wait now, recorded in its history with `options.by` and `now`.
    /// Throws an `EngineError` `engine.flow.unknown` or `engine.enrollment.not_waiting`.
    #[napi(
        ts_args_type = "flowId: string, contactId: string, now: Instant, options?: ActorOptions | null",
        ts_return_type = "void"
    )]
    pub fn skip_wait(&mut self, flow: FlowId, id: ContactId, now: Now, by: By) -> Out<'_> {
        done(self.inner.skip_wait(&flow.0, &id.0, now.0, by.0 .0))
    }

    /// Moves a waiting contact to a node, which runs now (recorded with `options.by` and `now`).
    /// Throws an `EngineError` `engine.flow.unknown`, `engine.enrollment.not_waiting`,
    /// `engine.node.unknown` (at `/node`) or `engine.flow.status` (a paused flow).
    #[napi(
        ts_args_type = "flowId: string, contactId: string, nodeId: string, now: Instant, options?: ActorOptions | null",
        ts_return_type = "void"
    )]
    pub fn move_to(
        &mut self,
        flow: FlowId,
        id: ContactId,
        node: NodeId,
        now: Now,
        by: By,
    ) -> Out<'_> {
        done(self.inner.move_to(&flow.0, &id.0, &node.0, now.0, by.0 .0))
    }

    /// Takes a waiting contact out of a flow: it exits with reason `cancelled` (recorded with
    /// `options.by` and `now`). Throws an `EngineError` `engine.flow.unknown` or
    /// `engine.enrollment.not_waiting`.
    #[napi(
        ts_args_type = "flowId: string, contactId: string, now: Instant, options?: ActorOptions | null",
        ts_return_type = "void"
    )]
    pub fn cancel(&mut self, flow: FlowId, id: ContactId, now: Now, by: By) -> Out<'_> {
        done(self.inner.cancel(&flow.0, &id.0, now.0, by.0 .0))
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
    pub fn preview_schedule(&self, env: &Env, flow: FlowId, now: Now) -> Result<Out<'_>> {
        let preview = ok(env, self.inner.preview_schedule(&flow.0, now.0))?;
        Ok(value(preview.contacts))
    }

    /// The other active flows that conflict with a flow's automatic send at its next check:
    /// `{flow, trigger, reason, shared, message}` (`same_condition`, `same_check`). Throws as
    /// `previewSchedule`.
    #[napi(
        ts_args_type = "flowId: string, now: Instant",
        ts_return_type = "ScheduleConflict[]"
    )]
    pub fn schedule_conflicts(&self, flow: FlowId, now: Now) -> Out<'_> {
        out(self.inner.schedule_conflicts(&flow.0, now.0))
    }

    // --- perf: batch inputs (issue 12 §3) ---------------------------------------------------

    /// Inserts or replaces many contacts as ONE input (the same as one `upsertContact` each, in
    /// order); returns how many were written. A bad contact refuses the whole batch: its error's
    /// `path` starts with its index (`/3/fields/points`).
    #[napi(ts_args_type = "contacts: Array<Contact | string>, now: Instant")]
    pub fn upsert_contacts(&mut self, env: &Env, contacts: Contacts, now: Now) -> Result<u32> {
        ok(
            env,
            self.inner.upsert_contacts(contacts.0, now.0).map(count),
        )
    }

    /// Records many events as ONE input (the same as one `recordEvent` each, in order); returns
    /// how many were recorded. A malformed event's error `path` starts with its index.
    #[napi(ts_args_type = "events: Array<Event | string>, now: Instant")]
    pub fn record_events(&mut self, env: &Env, events: Events, now: Now) -> Result<u32> {
        ok(env, self.inner.record_events(events.0, now.0).map(count))
    }
    // --- end perf: batch inputs ---------------------------------------------------------------
}

/// `options.by` of a step taken by hand: who asked for it (issue 12).
#[derive(Debug)]
pub struct Actor(Option<String>);

impl FromArg for Actor {
    fn from_arg(env: &Env, value: Arg, name: &str) -> Result<Self> {
        Opts::read(env, value, name, &["by"])?.opt("by").map(Actor)
    }
}

/// The options of `Engine.importCsv` that are its own (beside those of `importCsv`).
const ENGINE_OWN: [&str; 2] = ["listName", "enroll"];
