//! The flow engine: contacts move through flows.
//!
//! [`Engine`] is a sans-IO state machine. Inputs — contact upserts and removals, events,
//! inbound messages, enrollments, [`tick`](Engine::tick), acknowledgements of effects, control
//! commands — change its state (kept in a [`Store`]) and produce **effects** in an outbox: send
//! a message, call an API, fire a webhook, hand a conversation to a team. Nothing here reads the
//! clock: `now` comes with every input and may never go backwards (`engine.clock.backwards`).
//!
//! - Every input first runs the work that fell due up to `now`, each step at its own instant (a
//!   send deferred to 08:00 carries 08:00), so ticking every minute or once gives the same
//!   history.
//! - Every effect has a deterministic idempotency key (flow, contact, entry, version, node,
//!   iteration, attempt) and stays in the outbox until [`ack`](Engine::ack)ed.
//! - One input's writes reach the store as one [`Batch`](crate::store::Batch).
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use sequenza::engine::{Engine, EngineConfig, Outcome};
//! use sequenza::{Contact, Event, Flow};
//!
//! let t0 = Utc.with_ymd_and_hms(2026, 12, 7, 9, 0, 0).unwrap();
//! let mut eng = Engine::new(EngineConfig { default_time_zone: "Europe/Rome".into(), ..Default::default() })?;
//! eng.publish(Flow::from_json(r#"{"id": "welcome", "name": "Welcome", "status": "active",
//!   "triggers": [{"type": "event", "event": "signup"}], "start": "hello",
//!   "nodes": [{"id": "hello", "type": "send", "channel": "email",
//!              "content": {"subject": "Ciao {{ first_name | \"amico\" }}", "body": "Benvenuta!"}},
//!             {"id": "end", "type": "exit"}],
//!   "edges": [{"from": "hello", "to": "end"}]}"#)?, t0)?;
//! eng.upsert_contact(Contact::from_json(r#"{"id": "anna", "email": "anna@example.com",
//!   "fields": {"first_name": "Anna"}}"#)?, t0)?;
//! eng.record_event(Event::from_json(r#"{"contact": "anna", "name": "signup",
//!   "at": "2026-12-07T09:00:00Z"}"#)?, t0)?;
//! let out = eng.effects()?;
//! assert_eq!(out[0].content.as_ref().unwrap().subject.as_deref(), Some("Ciao Anna"));
//! eng.ack(&out[0].key, Outcome::Delivered, t0, None)?;
//! assert!(eng.effects()?.is_empty());
//! assert_eq!(eng.stats(&"welcome".into())?.totals.completed, 1);
//! # Ok::<(), sequenza::Error>(())
//! ```

mod answer;
mod batch;
mod compiled;
mod entry;
pub mod error;
pub mod feed;
mod inputs;
mod io;
mod nodes;
mod plan;
mod preview;
mod render;
mod run;
mod schedule;
pub mod trigger;
mod tx;
mod versions;

use std::collections::BTreeMap;

use crate::hash::FastMap as HashMap;
use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

pub use error::{EngineCode, EngineError};
pub use io::{
    Action, ApiResponse, Counts, Effect, EffectKey, EffectKind, EngineConfig, EnrollOutcome,
    EnrollmentState, EnrollmentView, FlowStats, HistoryEntry, HttpRequest, InboundMessage, Outcome,
    Published, Refusal, RefusalReason,
};
pub use preview::{ConflictReason, DeferReason, PreviewContact, ScheduleConflict, SchedulePreview};
pub use versions::{InFlight, PublishOptions};

use crate::flow::{Flow, FlowStatus};
use crate::list::{Activity, Audience, List};
use crate::model::{Contact, ContactId, Event, FieldSchema, FlowId, ListId};
use crate::segment::Segment;
use crate::store::{FlowHead, MemoryStore, Store};
use crate::time::CapPolicy;
use compiled::CompiledFlow;

/// The most nodes a contact runs in one go without pausing; beyond it the contact exits with
/// reason `step_limit` (a loop without a wait).
pub const STEP_LIMIT: u32 = 100;

/// The flow engine over a [`Store`] (in memory by default). See the [module](self) docs.
pub struct Engine<S: Store = MemoryStore> {
    store: S,
    zone: Tz,
    fields: Option<FieldSchema>,
    caps: CapPolicy,
    /// Compiled flow versions (derived from the store; rebuilt on demand).
    compiled: HashMap<(FlowId, u32), Arc<CompiledFlow>>,
    /// Next firing of each anniversary trigger (flow, trigger index), when known.
    anniversaries: HashMap<(FlowId, u32), Option<DateTime<Utc>>>,
    /// Every flow's latest version and status (read from the store at the first input).
    heads: Option<BTreeMap<FlowId, FlowHead>>,
}

impl<S: Store> fmt::Debug for Engine<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Engine")
            .field("zone", &self.zone)
            .field("flows", &self.compiled.len())
            .finish_non_exhaustive()
    }
}

impl Engine<MemoryStore> {
    /// An engine keeping everything in memory.
    ///
    /// Errors: an unknown zone is `time.zone.unknown` at `/default_time_zone`, an invalid cap
    /// `time.cap.invalid` at `/caps/<i>/…`: the codes every other call gives for the same input.
    ///
    /// ```
    /// use sequenza::engine::{Engine, EngineConfig};
    /// let err = Engine::new(EngineConfig { default_time_zone: "Mars/Olympus".into(), ..Default::default() })
    ///     .unwrap_err();
    /// assert_eq!((err.code(), err.path()), ("time.zone.unknown", Some("/default_time_zone")));
    /// ```
    pub fn new(config: EngineConfig) -> crate::Result<Self> {
        Engine::with_store(config, MemoryStore::new())
    }
}

impl<S: Store> Engine<S> {
    /// An engine over a store (which may already hold state: the engine continues from it).
    ///
    /// ```
    /// use sequenza::engine::{Engine, EngineConfig};
    /// use sequenza::store::MemoryStore;
    /// let eng = Engine::with_store(EngineConfig::default(), MemoryStore::new().without_history())?;
    /// assert!(eng.next_wakeup()?.is_none());
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn with_store(config: EngineConfig, mut store: S) -> crate::Result<Self> {
        let zone =
            crate::time::parse_zone_at(config.default_time_zone.trim(), "/default_time_zone")?;
        let caps = config.caps.unwrap_or_default();
        caps.validate()?;
        if store.audience().contact_count() == 0 && store.audience().lists().next().is_none() {
            let audience = std::mem::take(store.audience_mut()).with_default_time_zone(zone);
            *store.audience_mut() = audience;
        }
        Ok(Engine {
            store,
            zone,
            fields: config.fields,
            caps,
            compiled: HashMap::default(),
            anniversaries: HashMap::default(),
            heads: None,
        })
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// The store, giving up the engine.
    pub fn into_store(self) -> S {
        self.store
    }

    /// The audience: contacts, events, lists, segments.
    pub fn audience(&self) -> &Audience {
        self.store.audience()
    }

    /// A contact.
    pub fn contact(&self, id: &ContactId) -> Option<&Contact> {
        self.store.audience().contact(id)
    }

    /// Publishes a flow (a new one, or a new version of one), with the status it carries
    /// (`draft` is kept as published but inactive). The engine numbers versions: 1, then one more
    /// on every publish. Contacts already inside move onto the new version by node id (those on
    /// a node that is gone exit with reason `node_removed`): [`publish_with`](Self::publish_with)
    /// with the default [`PublishOptions`]; it can pin them or map old nodes to new ones.
    ///
    /// Errors: `engine.flow.invalid` with the error-severity findings of
    /// [`validate_flow`](crate::validate_flow); `engine.keyword.taken` when an inbound keyword
    /// belongs to another active flow; `engine.clock.backwards`.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use sequenza::engine::{Engine, EngineConfig};
    /// use sequenza::Flow;
    /// let t0 = Utc.with_ymd_and_hms(2026, 12, 7, 9, 0, 0).unwrap();
    /// let mut eng = Engine::new(EngineConfig::default())?;
    /// let bad = Flow::from_json(r#"{"id": "f", "name": "F", "triggers": [], "start": "x",
    ///   "nodes": [{"id": "x", "type": "exit"}]}"#)?;
    /// let err = eng.publish(bad, t0).unwrap_err();
    /// assert_eq!(err.code(), "engine.flow.invalid");
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn publish(&mut self, flow: Flow, now: DateTime<Utc>) -> crate::Result<Published> {
        self.publish_with(flow, &PublishOptions::default(), now)
    }

    /// Sets a flow's status: `active`, `paused` or `archived`. Paused: nothing runs and nobody
    /// enters; on `active` again, the work that fell due runs once (a send later than the flow's
    /// `max_lateness` is skipped as `stale`), and automatic sends and anniversaries check from
    /// `now` on: the checks the pause covered are skipped, not run late one after the other.
    /// Archived: everyone inside exits (`archived`).
    ///
    /// Errors: `engine.flow.unknown`, `engine.flow.status` (`draft`, or leaving `archived`).
    pub fn set_status(
        &mut self,
        flow: &FlowId,
        status: FlowStatus,
        now: DateTime<Utc>,
    ) -> crate::Result<()> {
        self.input(now, |eng, tx| eng.do_set_status(tx, flow, status))
    }

    /// Inserts or replaces a contact: field-changed, list and segment triggers fire; goals, exit
    /// conditions and awaited conditions of its enrollments are checked.
    pub fn upsert_contact(&mut self, contact: Contact, now: DateTime<Utc>) -> crate::Result<()> {
        self.input(now, |eng, tx| eng.do_upsert(tx, contact))
    }

    /// Removes a contact: it exits every flow (`contact_removed`) and leaves every list.
    /// Errors: `engine.contact.unknown`.
    pub fn remove_contact(&mut self, id: &ContactId, now: DateTime<Utc>) -> crate::Result<()> {
        self.input(now, |eng, tx| eng.do_remove(tx, id))
    }

    /// Records an event: event triggers fire, waits for it end, engagement events naming an
    /// effect (`{"effect": key}` with a name ending in `opened` or `clicked`) are counted.
    pub fn record_event(&mut self, event: Event, now: DateTime<Utc>) -> crate::Result<()> {
        self.input(now, |eng, tx| eng.do_event(tx, event))
    }

    /// Records an activity (coupon, fidelity, walk-in …) of a contact at `at`: its implied
    /// contact state and its event, as [`Audience::record`] does, with the triggers that fire.
    pub fn record_activity(
        &mut self,
        contact: &ContactId,
        activity: Activity,
        at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> crate::Result<()> {
        self.input(now, |eng, tx| eng.do_activity(tx, contact, activity, at))
    }

    /// Receives an inbound WhatsApp / SMS message: a reply goes to the contact's pending question
    /// or menu first, unless it is a keyword of an active `restart` flow; otherwise keyword,
    /// any-text, any-media and ad-click triggers fire. A sender whose phone matches no contact
    /// becomes a new contact (id `phone:<number>`).
    ///
    /// Errors: `engine.message.sender_unknown` when the message has neither `from` nor
    /// `contact`, `engine.contact.unknown` for an unknown `contact`.
    pub fn receive_message(
        &mut self,
        message: InboundMessage,
        now: DateTime<Utc>,
    ) -> crate::Result<()> {
        self.input(now, |eng, tx| eng.do_message(tx, message))
    }

    /// Enrolls contacts in a flow by hand (a manual / outbound start), subject to the flow's
    /// status, entry restriction, consent and re-entry rules.
    ///
    /// Errors: `engine.flow.unknown`.
    pub fn enroll(
        &mut self,
        flow: &FlowId,
        contacts: &[ContactId],
        now: DateTime<Utc>,
    ) -> crate::Result<EnrollOutcome> {
        self.input(now, |eng, tx| eng.do_enroll(tx, flow, contacts))
    }

    /// Enrolls every contact matching the flow's manual `filter` recipients (evaluated now, in
    /// bulk), or its entry restriction when the flow has no filter.
    ///
    /// Errors: `engine.flow.unknown`.
    pub fn enroll_matching(
        &mut self,
        flow: &FlowId,
        now: DateTime<Utc>,
    ) -> crate::Result<EnrollOutcome> {
        self.input(now, |eng, tx| eng.do_enroll_matching(tx, flow))
    }

    /// Runs everything due up to `now` in due order (timers, deferred sends, timeouts, time-based
    /// list and segment changes, anniversaries, automatic sends), each at its own instant.
    /// Returns the number of steps run.
    pub fn tick(&mut self, now: DateTime<Utc>) -> crate::Result<usize> {
        self.input(now, |eng, tx| {
            eng.catch_up(tx)?;
            Ok(tx.steps)
        })
    }

    /// The earliest instant at which [`tick`](Self::tick) has something to do.
    pub fn next_wakeup(&self) -> crate::Result<Option<DateTime<Utc>>> {
        self.wakeup()
    }

    /// The outbox, oldest first.
    pub fn effects(&self) -> crate::Result<Vec<Effect>> {
        Ok(self.store.outbox()?)
    }

    /// Acknowledges an effect: it leaves the outbox. `bounced` stops sends on that channel to the
    /// contact; an API call's `response` (status, JSON body) maps into fields and picks its
    /// `success` / `failure` branch. Acknowledging an effect again does nothing.
    ///
    /// Errors: `engine.effect.unknown`.
    pub fn ack(
        &mut self,
        key: &EffectKey,
        outcome: Outcome,
        now: DateTime<Utc>,
        response: Option<ApiResponse>,
    ) -> crate::Result<()> {
        self.input(now, |eng, tx| eng.do_ack(tx, key, outcome, response))
    }

    /// Runs what is due up to `now`, then delivers the outbox through a channel and acknowledges
    /// what it returns; returns how many effects were acknowledged. An effect the channel does
    /// not handle stays in the outbox.
    pub fn deliver(
        &mut self,
        channel: &mut dyn crate::runtime::Channel,
        now: DateTime<Utc>,
    ) -> crate::Result<usize> {
        self.tick(now)?;
        let mut done = 0;
        for effect in self.effects()? {
            if let Some(d) = channel.deliver(&effect) {
                self.ack(&effect.key, d.outcome, now, d.response)?;
                done += 1;
            }
        }
        Ok(done)
    }

    /// Enrollments, optionally of one flow and / or one contact, in (flow, contact) order.
    pub fn enrollments(
        &self,
        flow: Option<&FlowId>,
        contact: Option<&ContactId>,
    ) -> crate::Result<Vec<EnrollmentView>> {
        self.views(flow, contact)
    }

    /// A flow's statistics. Errors: `engine.flow.unknown`.
    pub fn stats(&self, flow: &FlowId) -> crate::Result<FlowStats> {
        self.head(flow)?;
        Ok(self.store.stats(flow)?)
    }

    /// A contact's history (optionally in one flow), oldest first, each step with its reason.
    pub fn history(
        &self,
        contact: &ContactId,
        flow: Option<&FlowId>,
    ) -> crate::Result<Vec<HistoryEntry>> {
        Ok(self.store.history(contact, flow)?)
    }

    /// Registers a segment in the audience; its later entries and exits fire segment triggers.
    /// Returns how many contacts are in it.
    pub fn register_segment(
        &mut self,
        segment: Segment,
        now: DateTime<Utc>,
    ) -> crate::Result<usize> {
        self.input(now, |eng, tx| {
            eng.catch_up(tx)?;
            eng.store.audience_mut().register_segment(segment, now)
        })
    }

    /// Creates a list in the audience (see [`Audience::create_list`]); returns how many contacts
    /// went in.
    pub fn create_list(&mut self, list: List, now: DateTime<Utc>) -> crate::Result<usize> {
        self.input(now, |eng, tx| {
            eng.catch_up(tx)?;
            let count = eng.store.audience_mut().create_list(list, now)?;
            eng.audience_changes(tx, Vec::new(), now)?;
            Ok(count)
        })
    }

    /// Deletes a list (see [`Audience::delete_list`]).
    pub fn delete_list(&mut self, id: &ListId, now: DateTime<Utc>) -> crate::Result<()> {
        self.input(now, |eng, tx| {
            eng.catch_up(tx)?;
            eng.store.audience_mut().delete_list(id, now)?;
            eng.audience_changes(tx, Vec::new(), now)
        })
    }

    /// Renames a list (see [`Audience::rename_list`]).
    pub fn rename_list(
        &mut self,
        id: &ListId,
        name: &str,
        now: DateTime<Utc>,
    ) -> crate::Result<()> {
        self.input(now, |eng, tx| {
            eng.catch_up(tx)?;
            eng.store.audience_mut().rename_list(id, name)
        })
    }

    /// Adds a known contact to a list by hand; list triggers fire.
    /// Errors: `list.unknown`, `engine.contact.unknown`.
    pub fn add_to_list(
        &mut self,
        list: &ListId,
        contact: &ContactId,
        now: DateTime<Utc>,
    ) -> crate::Result<()> {
        self.input(now, |eng, tx| eng.do_list(tx, list, contact, true))
    }

    /// Takes a contact out of a list by hand; list triggers fire.
    /// Errors: `list.unknown`, `list.contact.unknown`.
    pub fn remove_from_list(
        &mut self,
        list: &ListId,
        contact: &ContactId,
        now: DateTime<Utc>,
    ) -> crate::Result<()> {
        self.input(now, |eng, tx| eng.do_list(tx, list, contact, false))
    }

    /// Imports a CSV file into the audience as a list (see
    /// [`import_csv_into_audience`](crate::import::import_csv_into_audience)); its list changes
    /// fire flows, and with `enroll` the imported contacts enter that flow (the contacts of a
    /// CSV import as a manual start).
    #[cfg(feature = "import")]
    #[allow(clippy::too_many_arguments)]
    pub fn import_csv<R: std::io::Read>(
        &mut self,
        reader: R,
        options: &crate::import::ImportOptions,
        list: &crate::import::ImportList,
        enroll: Option<&FlowId>,
        now: DateTime<Utc>,
        progress: &mut dyn FnMut(crate::import::Progress),
    ) -> crate::Result<(crate::import::ListImport, Option<EnrollOutcome>)> {
        self.input(now, |eng, tx| {
            eng.do_import(tx, reader, options, list, enroll, progress)
        })
    }
}
