//! Running inputs: the clock check, the atomic unit, catching up with due work, and stepping
//! contacts through nodes (entering a flow is in `entry.rs`).

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::compiled::CompiledFlow;
use super::error::{EngineCode, EngineError};
use super::io::{Action, EffectKind, EnrollmentState, HttpRequest};
use super::nodes::{Mode, Step};
use super::tx::{Tx, Work};
use super::{Engine, STEP_LIMIT};
use crate::condition::eval::EvalContext;
use crate::flow::{FlowStatus, NodeKind, Webhook};
use crate::list::ListChange;
use crate::model::{ContactId, FlowId};
use crate::segment::MembershipChange;
use crate::store::{Enrollment, FlowHead, StatKind, Store, WaitKind, NO_NODE};

/// How many due timers are read from the store at a time.
const DUE_CHUNK: usize = 1024;

/// Where an enrollment goes next.
pub(crate) enum Next {
    /// Run this node.
    Enter(u32),
    /// Leave the current node by this branch.
    Leave(String),
    /// Run the current node again, because its timer fired (or its flow resumed).
    Fire(Mode),
}

impl<S: Store> Engine<S> {
    /// Runs one input as one atomic unit at `now`.
    pub(super) fn input<T>(
        &mut self,
        now: DateTime<Utc>,
        f: impl FnOnce(&mut Self, &mut Tx) -> crate::Result<T>,
    ) -> crate::Result<T> {
        self.check_clock(now)?;
        self.store.begin()?;
        if self.heads.is_none() {
            self.heads = Some(
                self.store
                    .flows()?
                    .into_iter()
                    .map(|h| (h.flow.clone(), h))
                    .collect(),
            );
        }
        let mut tx = Tx::new(now);
        tx.history = self.store.keeps_history();
        let result = self.run_input(&mut tx, f);
        match result {
            Ok(v) => {
                let batch = {
                    let compiled = &self.compiled;
                    tx.finish(|e| {
                        compiled
                            .get(&(e.flow.clone(), e.version))
                            .and_then(|cf| cf.node_id(e.node).cloned())
                    })
                };
                self.store.commit(batch)?;
                Ok(v)
            }
            Err(e) => {
                for key in &tx.compiled {
                    self.compiled.remove(key);
                }
                self.heads = None;
                self.anniversaries.clear();
                self.store.rollback();
                Err(e)
            }
        }
    }

    /// `engine.clock.backwards` when `now` is earlier than the last input.
    pub(super) fn check_clock(&self, now: DateTime<Utc>) -> crate::Result<()> {
        if let Some(clock) = self.store.clock()? {
            if now < clock {
                return Err(EngineError::new(
                    EngineCode::ClockBackwards,
                    format!(
                        "`now` ({}) is earlier than the last input ({})",
                        now.to_rfc3339(),
                        clock.to_rfc3339()
                    ),
                )
                .path("/now")
                .into_error());
            }
        }
        Ok(())
    }

    fn run_input<T>(
        &mut self,
        tx: &mut Tx,
        f: impl FnOnce(&mut Self, &mut Tx) -> crate::Result<T>,
    ) -> crate::Result<T> {
        let v = f(self, tx)?;
        self.catch_up(tx)?;
        Ok(v)
    }

    /// The flow version, compiled (from the cache or the store).
    pub(super) fn compiled(
        &mut self,
        flow: &FlowId,
        version: u32,
    ) -> crate::Result<Arc<CompiledFlow>> {
        if let Some(cf) = self.compiled.get(&(flow.clone(), version)) {
            return Ok(cf.clone());
        }
        let f = self
            .store
            .flow(flow, version)?
            .ok_or_else(|| unknown_flow(flow))?;
        let cf = Arc::new(CompiledFlow::new(f, self.fields.as_ref(), self.zone)?);
        self.compiled.insert((flow.clone(), version), cf.clone());
        Ok(cf)
    }

    /// A flow's latest version and status.
    pub(super) fn head(&self, flow: &FlowId) -> crate::Result<FlowHead> {
        if let Some(heads) = &self.heads {
            return heads.get(flow).cloned().ok_or_else(|| unknown_flow(flow));
        }
        self.store
            .flows()?
            .into_iter()
            .find(|h| h.flow == *flow)
            .ok_or_else(|| unknown_flow(flow))
    }

    /// Every flow's latest version and status, in id order.
    pub(super) fn heads(&self) -> crate::Result<Vec<FlowHead>> {
        match &self.heads {
            Some(h) => Ok(h.values().cloned().collect()),
            None => Ok(self.store.flows()?),
        }
    }

    /// Changes a flow's head in the cache (the store gets it in the batch).
    pub(super) fn set_head(&mut self, head: FlowHead) {
        if let Some(heads) = &mut self.heads {
            heads.insert(head.flow.clone(), head);
        }
    }

    /// The current version of an enrollment (the input's, else the store's).
    pub(super) fn load(
        &self,
        tx: &Tx,
        flow: &FlowId,
        contact: &ContactId,
    ) -> crate::Result<Option<Enrollment>> {
        if let Some(e) = tx.get(flow, contact) {
            return Ok(Some(e.clone()));
        }
        Ok(self.store.enrollment(flow, contact)?)
    }

    /// Writes an enrollment into the input's overlay.
    pub(super) fn save(&self, tx: &mut Tx, mut e: Enrollment) -> crate::Result<()> {
        if e.is_waiting() {
            // What a waiting enrollment waits for is derived from its node when shown.
            e.reason = None;
        }
        let original = if tx.get(&e.flow, &e.contact).is_some() {
            None
        } else {
            self.store.enrollment(&e.flow, &e.contact)?
        };
        tx.put(original, e);
        Ok(())
    }

    /// The waiting enrollments of a contact, in flow order.
    pub(super) fn waiting_of(
        &self,
        tx: &Tx,
        contact: &ContactId,
    ) -> crate::Result<Vec<Enrollment>> {
        let mut out = Vec::new();
        for mut e in self.store.enrollments(None, Some(contact))? {
            if let Some(o) = tx.get(&e.flow, &e.contact) {
                e = o.clone();
            }
            if e.is_waiting() {
                out.push(e);
            }
        }
        for (f, by_contact) in &tx.overlay {
            if let Some(b) = by_contact.get(contact) {
                if b.1.is_waiting() && !out.iter().any(|x| x.flow == *f) {
                    out.push(b.1.clone());
                }
            }
        }
        out.sort_by(|a, b| a.flow.cmp(&b.flow));
        Ok(out)
    }

    /// Runs the work due up to `tx.now` in due order, each at its own instant, then the queue.
    pub(super) fn catch_up(&mut self, tx: &mut Tx) -> crate::Result<()> {
        let now = tx.now;
        self.catch_up_to(tx, now)
    }

    /// Runs the work due at or before `now` (at most `tx.now`), in due order.
    pub(super) fn catch_up_to(&mut self, tx: &mut Tx, now: DateTime<Utc>) -> crate::Result<()> {
        self.drain(tx)?;
        let now = now.min(tx.now);
        let mut chunk: std::collections::VecDeque<(DateTime<Utc>, FlowId, ContactId)> =
            std::collections::VecDeque::new();
        let mut after: Option<(DateTime<Utc>, FlowId, ContactId)> = None;
        let mut exhausted = false;
        self.refresh_anniversaries(tx)?;
        let mut fire = self.trigger_fire(Some(tx))?;
        loop {
            if chunk.is_empty() && !exhausted {
                let fresh = self.store.due(after.as_ref(), now, DUE_CHUNK)?;
                if fresh.is_empty() {
                    exhausted = true;
                }
                if let Some(last) = fresh.last() {
                    after = Some(last.clone());
                }
                chunk.extend(fresh);
            }
            // Stored timers whose enrollment this input changed are in the overlay's timers.
            while chunk
                .front()
                .is_some_and(|(_, f, c)| tx.get(f, c).is_some())
            {
                chunk.pop_front();
            }
            if chunk.is_empty() && !exhausted {
                continue;
            }
            let stored = chunk.front().cloned();
            let overlay = tx
                .timers
                .iter()
                .next()
                .filter(|(d, _, _)| *d <= now)
                .cloned();
            let audience = self.store.audience().next_wakeup().filter(|d| *d <= now);
            let trigger = fire.clone().filter(|(d, _, _)| *d <= now);
            let timer = match (stored, overlay) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            let t_timer = timer.as_ref().map(|t| t.0);
            let t_aud = audience;
            let t_trig = trigger.as_ref().map(|t| t.0);
            let earliest = [t_aud, t_trig, t_timer].into_iter().flatten().min();
            let Some(at) = earliest else {
                break;
            };
            if t_aud == Some(at) {
                let changes = self.store.audience_mut().tick(at);
                self.audience_changes(tx, changes, at)?;
            } else if t_trig == Some(at) {
                if let Some((at, flow, trigger)) = trigger {
                    self.fire_trigger(tx, &flow, trigger, at)?;
                }
                self.drain(tx)?;
                self.refresh_anniversaries(tx)?;
                fire = self.trigger_fire(Some(tx))?;
            } else if let Some((at, flow, contact)) = timer {
                if chunk
                    .front()
                    .is_some_and(|k| k.1 == flow && k.2 == contact && k.0 == at)
                {
                    chunk.pop_front();
                }
                self.fire_timer(tx, &flow, &contact, at)?;
            }
            self.drain(tx)?;
        }
        Ok(())
    }

    /// A waiting enrollment's timer fired at `at`.
    fn fire_timer(
        &mut self,
        tx: &mut Tx,
        flow: &FlowId,
        contact: &ContactId,
        at: DateTime<Utc>,
    ) -> crate::Result<()> {
        let Some(mut e) = self.load(tx, flow, contact)? else {
            return Ok(());
        };
        if !e.is_waiting() || e.due != Some(at) {
            return Ok(());
        }
        let head = self.head(flow)?;
        if head.status != FlowStatus::Active {
            // Paused (or archived mid-way): the step waits for the flow to resume.
            e.wait = WaitKind::Paused;
            return self.save(tx, e);
        }
        let cf = self.compiled(flow, e.version)?;
        self.advance(tx, e, &cf, at, Next::Fire(Mode::Timer))
    }

    /// Runs queued work in order.
    pub(super) fn drain(&mut self, tx: &mut Tx) -> crate::Result<()> {
        while let Some(w) = tx.queue.pop_front() {
            match w {
                Work::Enter {
                    flow,
                    contact,
                    at,
                    event,
                    cause,
                } => {
                    let _ = self.enter(tx, &flow, &contact, at, event, &cause)?;
                }
                Work::Changed { contact, at } => self.contact_changed(tx, &contact, at)?,
            }
        }
        Ok(())
    }

    /// Turns audience changes (lists given, registered segments taken) into flow entries, and
    /// queues the check of the changed contacts.
    pub(super) fn audience_changes(
        &mut self,
        tx: &mut Tx,
        lists: Vec<ListChange>,
        at: DateTime<Utc>,
    ) -> crate::Result<()> {
        let segments = self.store.audience_mut().take_segment_changes();
        let pending = self.store.audience_mut().take_changes();
        let flows = self.active_flows()?;
        let mut touched: Vec<ContactId> = Vec::new();
        for c in lists.iter().chain(&pending) {
            for cf in &flows {
                let fires = cf.flow.triggers.iter().any(|t| match t {
                    crate::flow::Trigger::List { list, on } => {
                        *list == c.list && same_change(*on, c.change)
                    }
                    _ => false,
                });
                if fires {
                    tx.queue.push_back(Work::Enter {
                        flow: cf.flow.id.clone(),
                        contact: c.contact.clone(),
                        at,
                        event: None,
                        cause: format!("list `{}` {}", c.list, change_word(c.change)),
                    });
                }
            }
            if !touched.contains(&c.contact) {
                touched.push(c.contact.clone());
            }
        }
        for d in &segments {
            for cf in &flows {
                let fires = cf.flow.triggers.iter().any(|t| match t {
                    crate::flow::Trigger::Segment { segment, on } => {
                        *segment == d.segment && same_change(*on, d.change)
                    }
                    _ => false,
                });
                if fires {
                    tx.queue.push_back(Work::Enter {
                        flow: cf.flow.id.clone(),
                        contact: d.contact.clone(),
                        at,
                        event: None,
                        cause: format!("segment `{}` {}", d.segment, change_word(d.change)),
                    });
                }
            }
            if !touched.contains(&d.contact) {
                touched.push(d.contact.clone());
            }
        }
        for contact in touched {
            tx.queue.push_back(Work::Changed { contact, at });
        }
        Ok(())
    }

    /// The latest versions of the active flows, in id order.
    pub(super) fn active_flows(&mut self) -> crate::Result<Vec<Arc<CompiledFlow>>> {
        let mut out = Vec::new();
        for h in self.heads()? {
            if h.status == FlowStatus::Active {
                out.push(self.compiled(&h.flow, h.version)?);
            }
        }
        Ok(out)
    }

    /// Moves an enrollment along from `next` until it waits or ends, at `at`.
    pub(super) fn advance(
        &mut self,
        tx: &mut Tx,
        e: Enrollment,
        cf: &Arc<CompiledFlow>,
        at: DateTime<Utc>,
        next: Next,
    ) -> crate::Result<()> {
        let saved = tx.late;
        let next = match next {
            Next::Fire(Mode::Resumed { due }) => {
                tx.late = Some(due);
                Next::Fire(Mode::Timer)
            }
            other => other,
        };
        let result = self.advance_run(tx, e, cf, at, next);
        tx.late = saved;
        result
    }

    fn advance_run(
        &mut self,
        tx: &mut Tx,
        mut e: Enrollment,
        cf: &Arc<CompiledFlow>,
        at: DateTime<Utc>,
        mut next: Next,
    ) -> crate::Result<()> {
        let mut run: u32 = 0;
        loop {
            let step = match next {
                Next::Leave(label) => match cf.edge(e.node, &label) {
                    Some(t) => {
                        next = Next::Enter(t);
                        continue;
                    }
                    None => Step::Finish("end of the flow".to_owned()),
                },
                Next::Enter(node) => {
                    run += 1;
                    if run > STEP_LIMIT {
                        Step::Exit(format!(
                            "step_limit: more than {STEP_LIMIT} steps without a pause"
                        ))
                    } else {
                        e.node = node;
                        e.step += 1;
                        e.attempt = 0;
                        e.since = at;
                        e.due = None;
                        e.wait = WaitKind::None;
                        e.reason = None;
                        tx.stat(&e.flow, cf.node_id(node), StatKind::Entered, None, at);
                        tx.steps += 1;
                        self.exec(tx, &mut e, cf, at, Mode::Fresh)?
                    }
                }
                Next::Fire(mode) => {
                    tx.steps += 1;
                    self.exec(tx, &mut e, cf, at, mode)?
                }
            };
            match step {
                Step::Go(label) => next = Next::Leave(label),
                Step::Park => {
                    e.state = EnrollmentState::Waiting;
                    return self.save(tx, e);
                }
                Step::Finish(reason) => {
                    return self.end(tx, &mut e, cf, at, EnrollmentState::Finished, &reason);
                }
                Step::Exit(reason) => {
                    return self.end(tx, &mut e, cf, at, EnrollmentState::Exited, &reason);
                }
            }
        }
    }

    /// Ends an enrollment (finished or exited), with its statistics, history and webhook.
    pub(super) fn end(
        &mut self,
        tx: &mut Tx,
        e: &mut Enrollment,
        cf: &Arc<CompiledFlow>,
        at: DateTime<Utc>,
        state: EnrollmentState,
        reason: &str,
    ) -> crate::Result<()> {
        e.state = state;
        e.wait = WaitKind::None;
        e.due = None;
        e.reason = Some(reason.to_owned());
        let node = cf.node_id(e.node).cloned();
        let short = reason.split(':').next().unwrap_or(reason);
        if state == EnrollmentState::Finished {
            tx.stat(&e.flow, None, StatKind::Completed, None, at);
            tx.log(
                at,
                e,
                node.as_ref(),
                Action::Finished,
                Some(reason.to_owned()),
                None,
            );
            if let Some(w) = &cf.flow.settings.webhooks.on_complete {
                self.webhook(tx, e, w, "complete", at);
            }
        } else {
            tx.stat(&e.flow, node.as_ref(), StatKind::Exited, Some(short), at);
            tx.log(
                at,
                e,
                node.as_ref(),
                Action::Exited,
                Some(reason.to_owned()),
                None,
            );
        }
        self.save(tx, e.clone())
    }

    /// Adds a webhook effect for an enrollment (`what`: `enter` or `complete`).
    pub(super) fn webhook(
        &self,
        tx: &mut Tx,
        e: &Enrollment,
        w: &Webhook,
        what: &str,
        at: DateTime<Utc>,
    ) {
        let key = super::EffectKey(format!(
            "{}/{}/{}/v{}/@{what}",
            e.flow, e.contact, e.entry, e.version
        ));
        let body = serde_json::json!({
            "event": what,
            "flow": e.flow,
            "version": e.version,
            "contact": e.contact,
            "at": at,
        });
        let effect = super::Effect {
            key: key.clone(),
            kind: EffectKind::Webhook,
            flow: e.flow.clone(),
            version: e.version,
            node: None,
            contact: e.contact.clone(),
            channel: None,
            to: None,
            at,
            template: None,
            content: None,
            request: Some(HttpRequest {
                method: w.method,
                url: w.url.clone(),
                headers: w.headers.clone(),
                body: Some(body.to_string()),
                timeout_seconds: None,
            }),
            team: None,
        };
        tx.effect(effect);
        tx.log(
            at,
            e,
            None,
            Action::Sent,
            Some(format!("webhook on {what}")),
            Some(&key),
        );
    }

    /// A contact changed: exit conditions, goals and awaited conditions of its enrollments.
    pub(super) fn contact_changed(
        &mut self,
        tx: &mut Tx,
        contact: &ContactId,
        at: DateTime<Utc>,
    ) -> crate::Result<()> {
        for e in self.waiting_of(tx, contact)? {
            if self.head(&e.flow)?.status != FlowStatus::Active {
                continue;
            }
            let cf = self.compiled(&e.flow, e.version)?;
            let audience = self.store.audience();
            let Some(c) = audience.contact(contact) else {
                continue;
            };
            let events = audience.events(contact);
            let segs = super::trigger::segment_set(audience, contact);
            let ctx = EvalContext::new(at)
                .with_default_time_zone(self.zone)
                .with_segments(&segs);
            let exit = cf.exit.as_ref().is_some_and(|x| x.matches(c, events, &ctx));
            let goal = cf.goal.as_ref().is_some_and(|g| g.matches(c, events, &ctx));
            let node = cf.flow.nodes.get(e.node as usize);
            let met = match node.map(|n| &n.kind) {
                Some(NodeKind::WaitFor(_)) if e.wait == WaitKind::Event => cf
                    .nodes
                    .get(e.node as usize)
                    .and_then(|p| p.condition.as_ref())
                    .is_some_and(|x| x.matches(c, events, &ctx)),
                _ => false,
            };
            let mut e = e;
            if exit {
                self.end(
                    tx,
                    &mut e,
                    &cf,
                    at,
                    EnrollmentState::Exited,
                    "exit_condition",
                )?;
            } else if goal {
                let Some(g) = &cf.flow.settings.goal else {
                    continue;
                };
                tx.stat(&e.flow, None, StatKind::Goal, Some(&g.name), at);
                tx.log(
                    at,
                    &e,
                    None,
                    Action::Goal,
                    Some(format!("goal `{}` met", g.name)),
                    None,
                );
                if g.exit {
                    self.end(tx, &mut e, &cf, at, EnrollmentState::Exited, "goal")?;
                }
            } else if met {
                tx.log(
                    at,
                    &e,
                    cf.node_id(e.node),
                    Action::Branched,
                    Some("met: the awaited condition holds".to_owned()),
                    None,
                );
                self.advance(tx, e, &cf, at, Next::Leave("met".to_owned()))?;
            }
        }
        Ok(())
    }

    /// The enrollment views of [`Engine::enrollments`].
    pub(super) fn views(
        &self,
        flow: Option<&FlowId>,
        contact: Option<&ContactId>,
    ) -> crate::Result<Vec<super::EnrollmentView>> {
        let mut out = Vec::new();
        let mut flows: std::collections::HashMap<(FlowId, u32), Option<crate::flow::Flow>> =
            std::collections::HashMap::new();
        for e in self.store.enrollments(flow, contact)? {
            let key = (e.flow.clone(), e.version);
            if !flows.contains_key(&key) {
                let f = match self.compiled.get(&key) {
                    Some(cf) => Some(cf.flow.clone()),
                    None => self.store.flow(&e.flow, e.version)?,
                };
                flows.insert(key.clone(), f);
            }
            let f = flows.get(&key).and_then(|f| f.as_ref());
            let node = f.and_then(|f| f.nodes.get(e.node as usize).map(|n| n.id.clone()));
            let reason = match (&e.reason, f) {
                (None, Some(f)) if e.is_waiting() => Some(super::nodes::wait_reason(f, &e)),
                _ => e.reason.clone(),
            };
            out.push(super::EnrollmentView {
                flow: e.flow,
                version: e.version,
                contact: e.contact,
                node: if e.node == NO_NODE { None } else { node },
                state: e.state,
                due: e.due,
                reason,
                since: Some(e.since),
                entered_at: Some(e.entered_at),
            });
        }
        Ok(out)
    }

    /// The earliest instant with due work.
    pub(super) fn wakeup(&self) -> crate::Result<Option<DateTime<Utc>>> {
        let mut best = self.store.next_due()?;
        let mut take = |d: Option<DateTime<Utc>>| {
            if let Some(d) = d {
                best = Some(best.map_or(d, |b| b.min(d)));
            }
        };
        take(self.store.audience().next_wakeup());
        take(self.trigger_fire(None)?.map(|t| t.0));
        Ok(best)
    }
}

/// `engine.flow.unknown`.
pub(super) fn unknown_flow(flow: &FlowId) -> crate::Error {
    EngineError::new(
        EngineCode::FlowUnknown,
        format!("no flow `{flow}` was published"),
    )
    .flow(flow)
    .into_error()
}

fn same_change(on: MembershipChange, change: MembershipChange) -> bool {
    on == change
}

fn change_word(c: MembershipChange) -> &'static str {
    match c {
        MembershipChange::Entered => "entered",
        _ => "left",
    }
}
