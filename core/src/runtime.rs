//! Driving the engine: [`Channel`] is what a host implements per channel (deliver an effect,
//! return an outcome), [`RecordingChannel`] records for tests, and [`Runtime`] feeds the engine,
//! ticks it, delivers the outbox and acknowledges.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use sequenza::engine::{Engine, EngineConfig};
//! use sequenza::runtime::{RecordingChannel, Runtime};
//! use sequenza::{Contact, Flow};
//!
//! let t0 = Utc.with_ymd_and_hms(2026, 12, 7, 9, 0, 0).unwrap();
//! let mut rt = Runtime::new(Engine::new(EngineConfig::default())?);
//! rt.route("email", Box::new(RecordingChannel::new()));
//! rt.engine_mut().publish(Flow::from_json(r#"{"id": "hi", "name": "Hi", "status": "active",
//!   "triggers": [{"type": "manual", "recipients": {"kind": "api"}}], "start": "mail",
//!   "nodes": [{"id": "mail", "type": "send", "channel": "email", "content": {"subject": "Hi", "body": "Hello"}}]}"#)?, t0)?;
//! rt.engine_mut().upsert_contact(Contact::from_json(r#"{"id": "anna", "email": "anna@example.com"}"#)?, t0)?;
//! rt.engine_mut().enroll(&"hi".into(), &["anna".into()], t0)?;
//! let report = rt.run(t0)?;
//! assert_eq!(report.delivered, 1);
//! assert!(rt.engine().effects()?.is_empty());
//! # Ok::<(), sequenza::Error>(())
//! ```

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Utc};

use crate::engine::{ApiResponse, Effect, EffectKind, Engine, Outcome};
use crate::store::{MemoryStore, Store};

/// The outcome of delivering one effect.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    /// Delivered, failed or bounced.
    pub outcome: Outcome,
    /// The response of an API call.
    pub response: Option<ApiResponse>,
}

impl Delivery {
    /// Delivered, without a response.
    pub fn delivered() -> Self {
        Delivery {
            outcome: Outcome::Delivered,
            response: None,
        }
    }
}

/// A delivery channel (e-mail, SMS, web push, WhatsApp, HTTP for API calls and webhooks, a
/// hand-off desk). The effect's key is its idempotency key: a channel that remembers the keys it
/// sent never sends twice, even when the same effect is handed out again after a crash.
pub trait Channel {
    /// Delivers an effect. `None` leaves it in the outbox (to be tried again later).
    fn deliver(&mut self, effect: &Effect) -> Option<Delivery>;
}

/// A channel that records every effect and answers with a fixed outcome (and, for API calls, a
/// fixed response). Effects with a key it already recorded are answered without recording them
/// again.
///
/// ```
/// use sequenza::runtime::{Channel, RecordingChannel};
/// let ch = RecordingChannel::new();
/// assert!(ch.effects().is_empty());
/// ```
#[derive(Debug, Clone, Default)]
pub struct RecordingChannel {
    effects: Vec<Effect>,
    keys: std::collections::HashSet<crate::engine::EffectKey>,
    outcome: Option<Outcome>,
    response: Option<ApiResponse>,
}

impl RecordingChannel {
    /// A channel that delivers everything.
    pub fn new() -> Self {
        RecordingChannel::default()
    }

    /// The same channel answering with `outcome`.
    pub fn with_outcome(mut self, outcome: Outcome) -> Self {
        self.outcome = Some(outcome);
        self
    }

    /// The same channel answering API calls with `response`.
    pub fn with_response(mut self, response: ApiResponse) -> Self {
        self.response = Some(response);
        self
    }

    /// The effects delivered, in order (each key once).
    pub fn effects(&self) -> &[Effect] {
        &self.effects
    }
}

impl Channel for RecordingChannel {
    fn deliver(&mut self, effect: &Effect) -> Option<Delivery> {
        if self.keys.insert(effect.key.clone()) {
            self.effects.push(effect.clone());
        }
        Some(Delivery {
            outcome: self.outcome.unwrap_or(Outcome::Delivered),
            response: if effect.kind == EffectKind::ApiCall {
                self.response.clone()
            } else {
                None
            },
        })
    }
}

/// The route of an effect: its channel name (`email`, `sms`, `web_push`, `whatsapp`), or
/// `http` (API calls and webhooks), or `hand_off`.
///
/// ```
/// use sequenza::runtime::route_of;
/// # let e: sequenza::engine::Effect = serde_json::from_str(r#"{"key": "k", "kind": "webhook",
/// #   "flow": "f", "version": 1, "contact": "c", "at": "2026-12-07T09:00:00Z"}"#).unwrap();
/// assert_eq!(route_of(&e), "http");
/// ```
pub fn route_of(effect: &Effect) -> &'static str {
    match effect.kind {
        EffectKind::ApiCall | EffectKind::Webhook => "http",
        EffectKind::HandOff => "hand_off",
        _ => effect.channel.map_or("http", |c| c.as_str()),
    }
}

/// What one [`Runtime::run`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunReport {
    /// Steps run by the tick.
    pub steps: usize,
    /// Effects delivered and acknowledged.
    pub delivered: usize,
    /// Effects left in the outbox (no channel for their route, or the channel deferred them).
    pub pending: usize,
}

/// Drives an engine over its store and a set of channels by route ([`route_of`]).
pub struct Runtime<S: Store = MemoryStore> {
    engine: Engine<S>,
    channels: BTreeMap<String, Box<dyn Channel>>,
}

impl<S: Store> fmt::Debug for Runtime<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runtime")
            .field("engine", &self.engine)
            .field("routes", &self.channels.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl<S: Store> Runtime<S> {
    /// A runtime over an engine, with no channel yet.
    pub fn new(engine: Engine<S>) -> Self {
        Runtime {
            engine,
            channels: BTreeMap::new(),
        }
    }

    /// Sends the effects of a route to a channel.
    pub fn route(&mut self, route: &str, channel: Box<dyn Channel>) -> &mut Self {
        self.channels.insert(route.to_owned(), channel);
        self
    }

    /// The engine.
    pub fn engine(&self) -> &Engine<S> {
        &self.engine
    }

    /// The engine, to feed it inputs.
    pub fn engine_mut(&mut self) -> &mut Engine<S> {
        &mut self.engine
    }

    /// The channel of a route.
    pub fn channel(&self, route: &str) -> Option<&dyn Channel> {
        self.channels.get(route).map(|c| c.as_ref())
    }

    /// Ticks the engine at `now`, then delivers the outbox (oldest first) and acknowledges each
    /// outcome at `now`; repeats while acknowledgements produce new effects.
    pub fn run(&mut self, now: DateTime<Utc>) -> crate::Result<RunReport> {
        let mut report = RunReport {
            steps: self.engine.tick(now)?,
            ..RunReport::default()
        };
        loop {
            let mut progressed = false;
            let mut pending = 0;
            for effect in self.engine.effects()? {
                let Some(ch) = self.channels.get_mut(route_of(&effect)) else {
                    pending += 1;
                    continue;
                };
                match ch.deliver(&effect) {
                    Some(d) => {
                        self.engine.ack(&effect.key, d.outcome, now, d.response)?;
                        report.delivered += 1;
                        progressed = true;
                    }
                    None => pending += 1,
                }
            }
            report.pending = pending;
            if !progressed {
                return Ok(report);
            }
        }
    }

    /// Runs at every wakeup up to `until`, then at `until`.
    pub fn run_until(&mut self, until: DateTime<Utc>) -> crate::Result<RunReport> {
        let mut total = RunReport::default();
        let mut last: Option<DateTime<Utc>> = None;
        while let Some(at) = self.engine.next_wakeup()?.filter(|t| *t < until) {
            if last.is_some_and(|l| at <= l) {
                break;
            }
            last = Some(at);
            let r = self.run(at)?;
            total.steps += r.steps;
            total.delivered += r.delivered;
        }
        let r = self.run(until)?;
        total.steps += r.steps;
        total.delivered += r.delivered;
        total.pending = r.pending;
        Ok(total)
    }
}
