//! Previewing an automatic send (issue 12 §2, the source documents' "simulate automatic send"):
//! who a schedule-started flow reaches at its next check, and when each contact actually gets
//! its first message after quiet hours, send windows, time zones and frequency caps — computed
//! read-only with the functions the engine runs (`Engine::plan_for`, in `plan.rs`, is the engine's own send
//! decision), so a preview and what the engine then does cannot drift apart.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use sequenza::engine::{DeferReason, Engine, EngineConfig};
//! use sequenza::{Contact, Flow};
//!
//! let t0 = Utc.with_ymd_and_hms(2026, 12, 7, 5, 0, 0).unwrap(); // Monday 06:00 in Rome
//! let mut eng = Engine::new(EngineConfig { default_time_zone: "Europe/Rome".into(), ..Default::default() })?;
//! eng.publish(Flow::from_json(r#"{"id": "weekly", "name": "Weekly", "status": "active",
//!   "triggers": [{"type": "schedule", "recurrence": {"kind": "weekly", "weekdays": ["mon"], "times": ["07:00"]}}],
//!   "settings": {"send_policy": {"quiet_hours": [{"start": "21:00", "end": "09:00"}]}},
//!   "start": "hello", "nodes": [{"id": "hello", "type": "send", "channel": "email",
//!     "content": {"subject": "Novità", "body": "…"}}]}"#)?, t0)?;
//! eng.upsert_contact(Contact::from_json(r#"{"id": "anna", "email": "anna@example.com"}"#)?, t0)?;
//! let preview = eng.preview_schedule(&"weekly".into(), t0)?;
//! // The check runs at 07:00 in Rome; quiet hours hold the e-mail until 09:00.
//! assert_eq!(preview.check_at, Utc.with_ymd_and_hms(2026, 12, 7, 6, 0, 0).unwrap());
//! let anna = &preview.contacts[0];
//! assert_eq!(anna.would_send_at, Some(Utc.with_ymd_and_hms(2026, 12, 7, 8, 0, 0).unwrap()));
//! assert_eq!(anna.deferred_by, Some(DeferReason::QuietHours));
//! # Ok::<(), sequenza::Error>(())
//! ```

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::compiled::CompiledFlow;
use super::error::{EngineCode, EngineError};
use super::nodes::{field_date, random_branch};
use super::plan::Planned;
use super::render::render;
use super::run::unknown_flow;
use super::{Engine, STEP_LIMIT};
use crate::condition::eval::EvalContext;
use crate::flow::{FlowStatus, NodeKind, Trigger, WaitUntil};
use crate::model::{Channel, Contact, ContactId, FlowId, NodeId, Value};
use crate::store::{Enrollment, Store, WaitKind};
use crate::time::SentMessage;

/// The most times a preview plans one send again (a deferral, then the check when it falls
/// due …) before it gives up.
const PLAN_ROUNDS: usize = 16;

/// Why a contact's first send would go out later than the check. JSON: `"quiet_hours"`,
/// `"send_window"` (outside the allowed hours or weekdays), `"frequency_cap"`.
///
/// ```
/// use sequenza::engine::DeferReason;
/// assert_eq!(serde_json::to_string(&DeferReason::FrequencyCap)?, r#""frequency_cap""#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DeferReason {
    /// The send instant falls in the quiet hours of the recipient's zone.
    QuietHours,
    /// The send instant is outside the allowed hours or weekdays.
    SendWindow,
    /// The contact's frequency caps (across every flow and automatic send) are full.
    FrequencyCap,
}

/// One contact an automatic send selects at its next check. JSON: `{"contact", "check_at",
/// "would_send_at", "deferred_by", "node", "channel", "skipped", "depends_on"}` (every key
/// present, `null` when it does not apply).
///
/// ```
/// use sequenza::engine::PreviewContact;
/// let p: PreviewContact = serde_json::from_str(r#"{"contact": "anna",
///   "check_at": "2026-12-07T06:00:00Z", "would_send_at": null, "deferred_by": null,
///   "node": "hello", "channel": "email", "skipped": "no_consent", "depends_on": null}"#)?;
/// assert_eq!(p.skipped.as_deref(), Some("no_consent"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PreviewContact {
    /// The contact.
    pub contact: ContactId,
    /// The check that selects the contact (the same for every contact of a preview).
    pub check_at: DateTime<Utc>,
    /// When the contact would receive the flow's first message; `null` when it is skipped,
    /// when the flow sends nothing, or when the first message waits for something the contact
    /// does (`depends_on`).
    pub would_send_at: Option<DateTime<Utc>>,
    /// Why that is later than the step that sends it; `null` when it goes out at once.
    pub deferred_by: Option<DeferReason>,
    /// The node of the first message.
    pub node: Option<NodeId>,
    /// The channel of the first message.
    pub channel: Option<Channel>,
    /// Why the contact would get no message: a refusal at entry (`entry_condition`,
    /// `entry_lists`, `no_consent`, `already_enrolled`, `reentry_never`, `cooldown`), a skipped
    /// send (`no_consent`, `bounced`, `no_address`, `frequency_cap`, `outside_window`), or
    /// `no_send` (its path through the flow sends nothing), `step_limit`, `wait_invalid`.
    pub skipped: Option<String>,
    /// What the first message waits for when its instant depends on the contact (`event
    /// \`purchase\``, `the condition`, `a reply`, `the API response`).
    pub depends_on: Option<String>,
}

/// Why another flow conflicts with an automatic send. JSON: `"same_condition"`, `"same_check"`.
///
/// ```
/// use sequenza::engine::ConflictReason;
/// assert_eq!(serde_json::to_string(&ConflictReason::SameCheck)?, r#""same_check""#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ConflictReason {
    /// The other flow starts on the same condition (an equal automatic send, entering the
    /// segment or list the condition tests, a change of the field it tests): one can keep the
    /// other from ever starting, as the source documents warn.
    SameCondition,
    /// The other flow's automatic send checks at the same instant and reaches some of the same
    /// contacts: they share those contacts' frequency caps, and the flow with the smaller id
    /// goes first.
    SameCheck,
}

/// Another active flow that conflicts with an automatic send. JSON: `{"flow", "trigger",
/// "reason", "shared", "message"}`.
///
/// ```
/// use sequenza::engine::{ConflictReason, ScheduleConflict};
/// let c: ScheduleConflict = serde_json::from_str(r#"{"flow": "promo", "trigger": 0,
///   "reason": "same_check", "shared": 2, "message": "…"}"#)?;
/// assert_eq!((c.reason, c.shared), (ConflictReason::SameCheck, Some(2)));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleConflict {
    /// The other flow.
    pub flow: FlowId,
    /// The index of its conflicting trigger.
    pub trigger: u32,
    /// Why it conflicts.
    pub reason: ConflictReason,
    /// With `same_check`: how many contacts both checks select.
    pub shared: Option<usize>,
    /// The warning, in words.
    pub message: String,
}

/// What [`Engine::preview_schedule`] answers. JSON: `{"flow", "version", "check_at",
/// "contacts": [...], "conflicts": [...]}`.
///
/// ```
/// use sequenza::engine::SchedulePreview;
/// let p: SchedulePreview = serde_json::from_str(r#"{"flow": "weekly", "version": 1,
///   "check_at": "2026-12-07T06:00:00Z", "contacts": [], "conflicts": []}"#)?;
/// assert!(p.contacts.is_empty());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchedulePreview {
    /// The flow.
    pub flow: FlowId,
    /// Its version that runs the check.
    pub version: u32,
    /// The next check.
    pub check_at: DateTime<Utc>,
    /// Every contact the check selects, in id order.
    pub contacts: Vec<PreviewContact>,
    /// Other active flows that conflict with this automatic send.
    pub conflicts: Vec<ScheduleConflict>,
}

/// A flow's next check: when, and the schedule triggers that fire then.
struct Check {
    cf: Arc<CompiledFlow>,
    version: u32,
    at: DateTime<Utc>,
    contacts: Vec<ContactId>,
}

/// Where the walk of a contact from the start stopped.
enum Reached {
    Send {
        node: u32,
        channel: Channel,
        transactional: bool,
        at: DateTime<Utc>,
    },
    Depends(u32, String),
    Nothing(&'static str),
}

impl<S: Store> Engine<S> {
    /// Previews an automatic send (the source documents' "simulate automatic send"): the
    /// contacts a schedule-started flow selects at its next check, each with when they would
    /// actually receive the flow's first message (`would_send_at`, after waits, quiet hours,
    /// send windows in their zone and the frequency caps, which count every message the contact
    /// was sent by any flow, the outbox included) and why it is later (`deferred_by`), or why
    /// they would get none (`skipped`); and the other active flows that conflict with it.
    ///
    /// The next check is the first occurrence of the flow's recurrence the engine has not run
    /// yet (for an engine ticked up to `now`, the next one at or after `now`). Conditions and
    /// policies are evaluated at that instant with the engine's own functions; the caps count
    /// the messages sent so far and the deferred sends other flows hold for the contact, due
    /// before the message (or at its instant, from a flow whose id sorts first: the engine runs
    /// them in that order). The store is not changed. What other inputs change before the check
    /// (contacts, events, new entries into other flows) is not foreseen.
    ///
    /// Errors: `engine.flow.unknown`; `engine.preview.not_scheduled` when no schedule trigger
    /// starts the flow; `engine.preview.inactive` when it is not active (a paused, draft or
    /// archived flow runs no check); `engine.clock.backwards`.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use sequenza::engine::{Engine, EngineConfig};
    /// use sequenza::Flow;
    /// let t0 = Utc.with_ymd_and_hms(2026, 12, 7, 9, 0, 0).unwrap();
    /// let mut eng = Engine::new(EngineConfig::default())?;
    /// eng.publish(Flow::from_json(r#"{"id": "welcome", "name": "W", "status": "active",
    ///   "triggers": [{"type": "event", "event": "signup"}], "start": "end",
    ///   "nodes": [{"id": "end", "type": "exit"}]}"#)?, t0)?;
    /// let err = eng.preview_schedule(&"welcome".into(), t0).unwrap_err();
    /// assert_eq!(err.code(), "engine.preview.not_scheduled");
    /// assert_eq!(eng.preview_schedule(&"nope".into(), t0).unwrap_err().code(), "engine.flow.unknown");
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn preview_schedule(
        &self,
        flow: &FlowId,
        now: DateTime<Utc>,
    ) -> crate::Result<SchedulePreview> {
        let check = self.next_check(flow, now)?;
        let mut contacts = Vec::with_capacity(check.contacts.len());
        for id in &check.contacts {
            contacts.push(self.preview_contact(&check, id)?);
        }
        let conflicts = self.conflicts_of(&check)?;
        Ok(SchedulePreview {
            flow: flow.clone(),
            version: check.version,
            check_at: check.at,
            contacts,
            conflicts,
        })
    }

    /// The other active flows that conflict with a flow's automatic send at its next check
    /// (the `conflicts` of [`preview_schedule`](Self::preview_schedule), without the contacts'
    /// send instants). Errors as [`preview_schedule`](Self::preview_schedule).
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use sequenza::engine::{ConflictReason, Engine, EngineConfig};
    /// use sequenza::Flow;
    /// let t0 = Utc.with_ymd_and_hms(2026, 12, 7, 9, 0, 0).unwrap();
    /// let mut eng = Engine::new(EngineConfig::default())?;
    /// let flow = |id: &str, trigger: &str| Flow::from_json(&format!(r#"{{"id": "{id}", "name": "F",
    ///   "status": "active", "triggers": [{trigger}], "start": "end", "nodes": [{{"id": "end", "type": "exit"}}]}}"#));
    /// eng.publish(flow("vip-news", r#"{"type": "schedule", "recurrence": {"kind": "every", "minutes": 60},
    ///   "condition": {"type": "in_segment", "segment": "vip"}}"#)?, t0)?;
    /// eng.publish(flow("vip-welcome", r#"{"type": "segment", "segment": "vip", "on": "entered"}"#)?, t0)?;
    /// let c = eng.schedule_conflicts(&"vip-news".into(), t0)?;
    /// assert_eq!((c[0].flow.as_str(), c[0].reason), ("vip-welcome", ConflictReason::SameCondition));
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn schedule_conflicts(
        &self,
        flow: &FlowId,
        now: DateTime<Utc>,
    ) -> crate::Result<Vec<ScheduleConflict>> {
        let check = self.next_check(flow, now)?;
        self.conflicts_of(&check)
    }

    /// A flow version, compiled, without touching the cache.
    fn compiled_ro(&self, flow: &FlowId, version: u32) -> crate::Result<Arc<CompiledFlow>> {
        if let Some(cf) = self.compiled.get(&(flow.clone(), version)) {
            return Ok(cf.clone());
        }
        let f = self
            .store
            .flow(flow, version)?
            .ok_or_else(|| unknown_flow(flow))?;
        Ok(Arc::new(CompiledFlow::new(
            f,
            self.fields.as_ref(),
            self.zone,
        )?))
    }

    /// The next firing of each schedule trigger of a flow, as the engine computes it.
    fn schedule_fires(
        &self,
        cf: &CompiledFlow,
        now: DateTime<Utc>,
    ) -> crate::Result<Vec<(u32, DateTime<Utc>)>> {
        let mut out = Vec::new();
        for (i, t) in cf.flow.triggers.iter().enumerate() {
            let i = i as u32;
            if !matches!(t, Trigger::Schedule { .. }) {
                continue;
            }
            let Some(r) = cf
                .triggers
                .get(i as usize)
                .and_then(|p| p.recurring.as_ref())
            else {
                continue;
            };
            // The cursor is set when the flow is published; before that, `now` counts.
            let after = match self.store.cursor(&cf.flow.id, i)? {
                Some(c) => c,
                None => now
                    .checked_sub_signed(chrono::TimeDelta::microseconds(1))
                    .unwrap_or(now),
            };
            if let Ok(at) = r.next_after(after) {
                out.push((i, at));
            }
        }
        Ok(out)
    }

    /// The next check of a schedule-started flow and the contacts it selects.
    fn next_check(&self, flow: &FlowId, now: DateTime<Utc>) -> crate::Result<Check> {
        self.check_clock(now)?;
        let head = self.head(flow)?;
        let cf = self.compiled_ro(flow, head.version)?;
        let scheduled = cf
            .flow
            .triggers
            .iter()
            .any(|t| matches!(t, Trigger::Schedule { .. }));
        if !scheduled {
            return Err(EngineError::new(
                EngineCode::PreviewNotScheduled,
                format!("flow `{flow}` has no schedule trigger: it is no automatic send, there is no check to preview"),
            )
            .flow(flow)
            .path("/triggers")
            .into_error());
        }
        if head.status != FlowStatus::Active {
            let status = serde_json::to_value(head.status)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            return Err(EngineError::new(
                EngineCode::PreviewInactive,
                format!("flow `{flow}` is {status}: it runs no check until it is active"),
            )
            .flow(flow)
            .path("/status")
            .into_error());
        }
        let fires = self.schedule_fires(&cf, now)?;
        let Some(at) = fires.iter().map(|f| f.1).min() else {
            return Err(EngineError::new(
                EngineCode::PreviewNotScheduled,
                format!("flow `{flow}`'s recurrence has no next occurrence"),
            )
            .flow(flow)
            .path("/triggers")
            .into_error());
        };
        let mut seen = BTreeSet::new();
        let mut contacts = Vec::new();
        for i in fires.iter().filter(|f| f.1 == at).map(|f| f.0) {
            let cond = cf
                .triggers
                .get(i as usize)
                .and_then(|p| p.condition.as_ref());
            for id in self.candidates(&cf, cond, at) {
                if seen.insert(id.clone()) {
                    contacts.push(id);
                }
            }
        }
        Ok(Check {
            cf,
            version: head.version,
            at,
            contacts,
        })
    }

    /// One contact of a check: the entry checks, the walk to the first message, its plan.
    fn preview_contact(&self, check: &Check, id: &ContactId) -> crate::Result<PreviewContact> {
        let cf = &check.cf;
        let mut out = PreviewContact {
            contact: id.clone(),
            check_at: check.at,
            would_send_at: None,
            deferred_by: None,
            node: None,
            channel: None,
            skipped: None,
            depends_on: None,
        };
        let existing = self.store.enrollment(&cf.flow.id, id)?;
        if let Some(r) = self.entry_refusal(cf, FlowStatus::Active, id, existing.as_ref(), check.at)
        {
            out.skipped = Some(r.as_str().to_owned());
            return Ok(out);
        }
        let Some(mut c) = self.store.audience().contact(id).cloned() else {
            out.skipped = Some("unknown_contact".to_owned());
            return Ok(out);
        };
        let entry = existing.map_or(1, |e| e.entry + 1);
        let e = Enrollment::new(
            cf.flow.id.clone(),
            id.clone(),
            check.version,
            entry,
            check.at,
        );
        match self.walk(cf, &e, &mut c, check.at) {
            Reached::Nothing(why) => out.skipped = Some(why.to_owned()),
            Reached::Depends(node, what) => {
                out.node = cf.node_id(node).cloned();
                out.depends_on = Some(what);
            }
            Reached::Send {
                node,
                channel,
                transactional,
                at,
            } => {
                out.node = cf.node_id(node).cloned();
                out.channel = Some(channel);
                let sent = self.store.sent(id)?;
                let pending = self.pending_sends(&cf.flow.id, id)?;
                // As the engine: plan at the step; a deferred send plans again when its timer
                // fires, with what went out meanwhile (other flows' deferred sends due before
                // it, or at the same instant from a flow that sorts first).
                let mut t = at;
                for _ in 0..PLAN_ROUNDS {
                    let mut history = sent.clone();
                    history.extend(
                        pending
                            .iter()
                            .filter(|(d, f, _)| *d < t || (*d == t && *f < cf.flow.id))
                            .map(|p| p.2),
                    );
                    match self.plan_for(&c, cf, node, channel, transactional, t, &history) {
                        Planned::Skip { reason, .. } => {
                            out.skipped = Some(reason.to_owned());
                            break;
                        }
                        Planned::Defer { until, by, .. } => {
                            out.deferred_by = Some(by);
                            t = until;
                        }
                        Planned::Now { .. } => {
                            out.would_send_at = Some(t);
                            break;
                        }
                    }
                }
                if out.skipped.is_some() {
                    out.deferred_by = None;
                }
            }
        }
        Ok(out)
    }

    /// The sends other active flows hold for a contact (deferred, waiting for their instant):
    /// (due, flow, the message as the caps count it).
    fn pending_sends(
        &self,
        me: &FlowId,
        id: &ContactId,
    ) -> crate::Result<Vec<(DateTime<Utc>, FlowId, SentMessage)>> {
        let mut out = Vec::new();
        for e in self.store.enrollments(None, Some(id))? {
            let Some(due) = e.due.filter(|_| e.is_waiting() && e.wait == WaitKind::Send) else {
                continue;
            };
            let active = self
                .head(&e.flow)
                .is_ok_and(|h| h.status == FlowStatus::Active);
            if e.flow == *me || !active {
                continue;
            }
            let cf = self.compiled_ro(&e.flow, e.version)?;
            if let Some(NodeKind::Send(s)) = cf.flow.nodes.get(e.node as usize).map(|n| &n.kind) {
                out.push((due, e.flow.clone(), (due, s.channel, s.transactional)));
            }
        }
        Ok(out)
    }

    /// Follows a contact from the flow's start as the engine steps it, through the nodes whose
    /// way is known now (conditions, splits, random splits, field and tag updates applied to
    /// `c`, waits of a known end …), to the first message.
    fn walk(
        &self,
        cf: &CompiledFlow,
        e: &Enrollment,
        c: &mut Contact,
        mut at: DateTime<Utc>,
    ) -> Reached {
        let audience = self.store.audience();
        let events = audience.events(&c.id);
        let segs = super::trigger::segment_set(audience, &c.id);
        let mut node = cf.start;
        for _ in 0..STEP_LIMIT {
            let Some(n) = cf.flow.nodes.get(node as usize) else {
                return Reached::Nothing("no_send");
            };
            let parts = cf.nodes.get(node as usize);
            let ctx = EvalContext::new(at)
                .with_default_time_zone(self.zone)
                .with_segments(&segs);
            let label: String = match &n.kind {
                NodeKind::Send(s) => {
                    return Reached::Send {
                        node,
                        channel: s.channel,
                        transactional: s.transactional,
                        at,
                    }
                }
                // A question's or a menu's prompt goes out as the engine's `ask` sends it.
                NodeKind::Question(q) => {
                    return Reached::Send {
                        node,
                        channel: q.channel,
                        transactional: true,
                        at,
                    }
                }
                NodeKind::Menu(m) => {
                    return Reached::Send {
                        node,
                        channel: m.channel,
                        transactional: true,
                        at,
                    }
                }
                NodeKind::Wait(w) => {
                    let zone = self.contact_zone(c, cf);
                    let date = match &w.until {
                        Some(WaitUntil::DateField { field, .. }) => field_date(c, field),
                        _ => None,
                    };
                    match crate::time::wait_end(at, w, zone, date, None) {
                        Ok(end) => at = at.max(end),
                        Err(_) => return Reached::Nothing("wait_invalid"),
                    }
                    "next".to_owned()
                }
                NodeKind::WaitFor(w) => {
                    let holds = parts
                        .and_then(|p| p.condition.as_ref())
                        .is_some_and(|cond| cond.matches(c, events, &ctx));
                    if !holds {
                        let what = match &w.event {
                            Some(m) => format!("event `{}`", m.name),
                            None => "the condition".to_owned(),
                        };
                        return Reached::Depends(node, what);
                    }
                    "met".to_owned()
                }
                NodeKind::ApiCall(_) => {
                    return Reached::Depends(node, "the API response".to_owned());
                }
                NodeKind::Condition(_) => {
                    let yes = parts
                        .and_then(|p| p.condition.as_ref())
                        .is_some_and(|cond| cond.matches(c, events, &ctx));
                    if yes { "yes" } else { "no" }.to_owned()
                }
                NodeKind::Split(s) => {
                    let mut label = "else".to_owned();
                    if let Some(p) = parts {
                        for (case, cond) in s.cases.iter().zip(&p.cases) {
                            if cond.matches(c, events, &ctx) {
                                label = case.name.clone();
                                break;
                            }
                        }
                    }
                    label
                }
                NodeKind::RandomSplit(r) => random_branch(r, e, &n.id).0,
                NodeKind::UpdateFields(u) => {
                    for (k, v) in &u.set {
                        match v {
                            Value::Null => {
                                c.fields.remove(k);
                            }
                            Value::Text(t) => {
                                let r = render(t, c, None, false);
                                c.fields.insert(k.clone(), Value::Text(r));
                            }
                            other => {
                                c.fields.insert(k.clone(), other.clone());
                            }
                        }
                    }
                    "next".to_owned()
                }
                NodeKind::Tags(t) => {
                    for tag in &t.remove {
                        c.tags.remove(tag);
                    }
                    for tag in &t.add {
                        c.tags.insert(tag.clone());
                    }
                    "next".to_owned()
                }
                NodeKind::Exit {} => return Reached::Nothing("no_send"),
                _ => "next".to_owned(),
            };
            match cf.edge(node, &label) {
                Some(t) => node = t,
                None => return Reached::Nothing("no_send"),
            }
        }
        Reached::Nothing("step_limit")
    }

    /// The other active flows that conflict with a check.
    fn conflicts_of(&self, check: &Check) -> crate::Result<Vec<ScheduleConflict>> {
        let me = &check.cf.flow;
        let mine: BTreeSet<&ContactId> = check.contacts.iter().collect();
        let mut out: Vec<ScheduleConflict> = Vec::new();
        for h in self.heads()? {
            if h.flow == me.id || h.status != FlowStatus::Active {
                continue;
            }
            let other = self.compiled_ro(&h.flow, h.version)?;
            let mut push = |trigger: u32, reason: ConflictReason, shared, message: String| {
                if !out
                    .iter()
                    .any(|c| c.flow == h.flow && c.trigger == trigger && c.reason == reason)
                {
                    out.push(ScheduleConflict {
                        flow: h.flow.clone(),
                        trigger,
                        reason,
                        shared,
                        message,
                    });
                }
            };
            // The same start condition, either way round.
            for (j, tb) in other.flow.triggers.iter().enumerate() {
                let clash = me.triggers.iter().any(|ta| {
                    let a = schedule_condition(ta)
                        .is_some_and(|c| crate::flow::validate::schedule_clash(&c, tb));
                    let b = !matches!(ta, Trigger::Schedule { .. })
                        && schedule_condition(tb)
                            .is_some_and(|c| crate::flow::validate::schedule_clash(&c, ta));
                    a || b
                });
                if clash {
                    push(
                        j as u32,
                        ConflictReason::SameCondition,
                        None,
                        format!("flow `{}` starts on the same condition as this automatic send: one can keep the other from ever starting; use one or the other", h.flow),
                    );
                }
            }
            // Another automatic send checking at the same instant, over the same contacts.
            for (j, at) in self.schedule_fires(&other, check.at)? {
                if at != check.at {
                    continue;
                }
                let cond = other
                    .triggers
                    .get(j as usize)
                    .and_then(|p| p.condition.as_ref());
                let shared = self
                    .candidates(&other, cond, at)
                    .iter()
                    .filter(|id| mine.contains(id))
                    .count();
                if shared > 0 {
                    let first = if h.flow < me.id { &h.flow } else { &me.id };
                    push(
                        j,
                        ConflictReason::SameCheck,
                        Some(shared),
                        format!("flow `{}` also checks at {} and selects {shared} of the same contacts: they share these contacts' frequency caps, and flow `{first}` goes first", h.flow, at.to_rfc3339()),
                    );
                }
            }
        }
        Ok(out)
    }
}

/// The condition of an automatic send, in canonical form.
fn schedule_condition(t: &Trigger) -> Option<crate::condition::Condition> {
    match t {
        Trigger::Schedule {
            condition: Some(c), ..
        } => Some(c.canonical()),
        _ => None,
    }
}
