//! The engine's inputs: publish, status, contacts, events, messages, enrollment,
//! acknowledgements, list operations, CSV import.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::compiled::CompiledFlow;
use super::error::{EngineCode, EngineError};
use super::io::{
    Action, ApiResponse, EffectKey, EffectKind, EnrollOutcome, EnrollmentState, InboundMessage,
    Outcome, Published, Refusal,
};
use super::nodes::Mode;
use super::run::Next;
use super::trigger::{event_matches, message_hit, MessageHit};
use super::tx::{Tx, Work};
use super::Engine;
use crate::flow::{Flow, FlowStatus, NodeKind, Reentry, Trigger};
use crate::list::Activity;
use crate::model::{Consent, ConsentStatus, Contact, ContactId, Event, FlowId, ListId, Value};
use crate::store::{StatKind, Store, WaitKind};
use crate::validate_flows;

impl<S: Store> Engine<S> {
    pub(super) fn do_publish(&mut self, tx: &mut Tx, mut flow: Flow) -> crate::Result<Published> {
        self.catch_up(tx)?;
        let heads = self.store.flows()?;
        let version = heads
            .iter()
            .find(|h| h.flow == flow.id)
            .map_or(1, |h| h.version + 1);
        flow.version = version;
        let mut set: Vec<Flow> = Vec::new();
        for h in &heads {
            if h.flow != flow.id && h.status == FlowStatus::Active {
                if let Some(mut f) = self.store.flow(&h.flow, h.version)? {
                    f.status = FlowStatus::Active;
                    set.push(f);
                }
            }
        }
        set.push(flow.clone());
        let findings: Vec<_> = validate_flows(&set, self.fields.as_ref())
            .into_iter()
            .filter(|f| f.flow == flow.id && f.severity == crate::Severity::Error)
            .collect();
        if let Some(taken) = findings
            .iter()
            .find(|f| f.code == "flows.keyword.duplicate")
        {
            let mut err = EngineError::new(EngineCode::KeywordTaken, taken.message.clone())
                .flow(&flow.id)
                .path(taken.path.clone());
            err.findings = findings.clone();
            return Err(err.into_error());
        }
        if !findings.is_empty() {
            let first = findings[0].clone();
            let mut err = EngineError::new(
                EngineCode::FlowInvalid,
                format!(
                    "the flow has {} error(s); the first: {}",
                    findings.len(),
                    first.message
                ),
            )
            .flow(&flow.id)
            .path(first.path.clone());
            if let Some(n) = &first.node {
                err = err.node(n);
            }
            err.findings = findings;
            return Err(err.into_error());
        }
        let cf = Arc::new(CompiledFlow::new(
            flow.clone(),
            self.fields.as_ref(),
            self.zone,
        )?);
        self.compiled.insert((flow.id.clone(), version), cf.clone());
        tx.compiled.push((flow.id.clone(), version));
        let was_active = heads
            .iter()
            .any(|h| h.flow == flow.id && h.status == FlowStatus::Active);
        let restart = flow.status == FlowStatus::Active && !was_active;
        self.start_triggers(tx, &flow, restart)?;
        let status = flow.status;
        self.anniversaries.clear();
        tx.batch.statuses.push((flow.id.clone(), status));
        tx.batch.flows.push(flow.clone());
        self.set_head(crate::store::FlowHead {
            flow: flow.id.clone(),
            version,
            status,
        });
        Ok(Published {
            flow: flow.id,
            version,
            moved: 0,
            exited: 0,
        })
    }

    pub(super) fn do_set_status(
        &mut self,
        tx: &mut Tx,
        flow: &FlowId,
        status: FlowStatus,
    ) -> crate::Result<()> {
        self.catch_up(tx)?;
        let now = tx.now;
        let head = self.head(flow)?;
        let bad = |msg: String| {
            EngineError::new(EngineCode::FlowStatus, msg)
                .flow(flow)
                .path("/status")
                .into_error()
        };
        if status == FlowStatus::Draft {
            return Err(bad("a published flow cannot go back to draft".to_owned()));
        }
        if head.status == FlowStatus::Archived && status != FlowStatus::Archived {
            return Err(bad("an archived flow stays archived".to_owned()));
        }
        if head.status == status {
            return Ok(());
        }
        tx.batch.statuses.push((flow.clone(), status));
        self.anniversaries.clear();
        self.set_head(crate::store::FlowHead { status, ..head });
        if status == FlowStatus::Active {
            let cf = self.compiled(flow, head.version)?;
            self.start_triggers(tx, &cf.flow, true)?;
        }
        self.apply_status(tx, flow, status, now)
    }

    fn apply_status(
        &mut self,
        tx: &mut Tx,
        flow: &FlowId,
        status: FlowStatus,
        now: DateTime<Utc>,
    ) -> crate::Result<()> {
        let enrollments = self.store.enrollments(Some(flow), None)?;
        for mut e in enrollments {
            if let Some(o) = tx.get(&e.flow, &e.contact) {
                e = o.clone();
            }
            if !e.is_waiting() {
                continue;
            }
            let cf = self.compiled(flow, e.version)?;
            match status {
                FlowStatus::Archived => {
                    self.end(tx, &mut e, &cf, now, EnrollmentState::Exited, "archived")?;
                }
                FlowStatus::Active if e.wait == WaitKind::Paused => {
                    let due = e.due.unwrap_or(now);
                    e.wait = WaitKind::Timer;
                    self.advance(tx, e, &cf, now, Next::Fire(Mode::Resumed { due }))?;
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Replaces a contact in the audience and handles what that changed.
    pub(super) fn change_contact(
        &mut self,
        tx: &mut Tx,
        contact: Contact,
        at: DateTime<Utc>,
    ) -> crate::Result<()> {
        let old = self.store.audience().contact(&contact.id).cloned();
        let id = contact.id.clone();
        let changes = self.store.audience_mut().upsert_contact(contact, at)?;
        self.note_anniversaries(tx, &id);
        self.audience_changes(tx, changes, at)?;
        self.field_triggers(tx, old.as_ref(), &id, at)?;
        tx.queue.push_back(Work::Changed { contact: id, at });
        Ok(())
    }

    /// Fires `field_changed` triggers for the fields that changed from `old`.
    fn field_triggers(
        &mut self,
        tx: &mut Tx,
        old: Option<&Contact>,
        id: &ContactId,
        at: DateTime<Utc>,
    ) -> crate::Result<()> {
        let flows = self.active_flows()?;
        for cf in flows {
            for t in &cf.flow.triggers {
                let Trigger::FieldChanged { field, to } = t else {
                    continue;
                };
                let Some(new) = self.store.audience().contact(id) else {
                    return Ok(());
                };
                let before = old.and_then(|c| c.fields.get(field)).cloned();
                let after = new.fields.get(field).cloned();
                if before == after || to.as_ref().is_some_and(|v| Some(v) != after.as_ref()) {
                    continue;
                }
                let mut props = std::collections::BTreeMap::new();
                props.insert("field".to_owned(), serde_json::json!(field));
                props.insert("old".to_owned(), json_of(before.as_ref()));
                props.insert("new".to_owned(), json_of(after.as_ref()));
                let event = Event {
                    contact: id.clone(),
                    name: "field_changed".to_owned(),
                    at,
                    properties: props,
                };
                let changes = self.store.audience_mut().record_event(event, at);
                let index = self.store.audience().events(id).len().checked_sub(1);
                self.audience_changes(tx, changes, at)?;
                tx.queue.push_back(Work::Enter {
                    flow: cf.flow.id.clone(),
                    contact: id.clone(),
                    at,
                    event: index.map(|i| i as u32),
                    cause: format!("field `{field}` changed"),
                });
            }
        }
        Ok(())
    }

    pub(super) fn do_upsert(&mut self, tx: &mut Tx, contact: Contact) -> crate::Result<()> {
        self.catch_up(tx)?;
        let now = tx.now;
        self.change_contact(tx, contact, now)
    }

    pub(super) fn do_remove(&mut self, tx: &mut Tx, id: &ContactId) -> crate::Result<()> {
        self.catch_up(tx)?;
        let now = tx.now;
        if self.store.audience().contact(id).is_none() {
            return Err(unknown_contact(id));
        }
        for mut e in self.waiting_of(tx, id)? {
            let cf = self.compiled(&e.flow, e.version)?;
            self.end(
                tx,
                &mut e,
                &cf,
                now,
                EnrollmentState::Exited,
                "contact_removed",
            )?;
        }
        let changes = self.store.audience_mut().remove_contact(id, now);
        self.anniversaries.clear();
        self.audience_changes(tx, changes, now)
    }

    pub(super) fn do_event(&mut self, tx: &mut Tx, event: Event) -> crate::Result<()> {
        let now = tx.now;
        let id = event.contact.clone();
        // The work due before the event happened runs without it; then the event is recorded,
        // so that a wait whose timeout fell due after the event's `at` (the event arriving late)
        // sees it inside the wait.
        self.catch_up_to(tx, before(event.at))?;
        let changes = self.store.audience_mut().record_event(event.clone(), now);
        let index = self.store.audience().events(&id).len().checked_sub(1);
        self.catch_up(tx)?;
        self.engagement(tx, &event, now)?;
        self.audience_changes(tx, changes, now)?;
        // Waits for this event.
        for e in self.waiting_of(tx, &id)? {
            if e.wait != WaitKind::Event || self.head(&e.flow)?.status != FlowStatus::Active {
                continue;
            }
            let cf = self.compiled(&e.flow, e.version)?;
            let Some(NodeKind::WaitFor(w)) = cf.flow.nodes.get(e.node as usize).map(|n| &n.kind)
            else {
                continue;
            };
            let Some(m) = &w.event else {
                continue;
            };
            let filter = cf
                .nodes
                .get(e.node as usize)
                .and_then(|p| p.event_filter.as_ref());
            let inside = event.at >= e.since && e.due.is_none_or(|d| event.at <= d);
            if inside && event_matches(&m.name, filter, &event, now) {
                let why = format!("met: event `{}` at {}", event.name, event.at.to_rfc3339());
                tx.log(
                    now,
                    &e,
                    cf.node_id(e.node),
                    Action::Branched,
                    Some(why),
                    None,
                );
                self.advance(tx, e, &cf, now, Next::Leave("met".to_owned()))?;
            }
        }
        // Event triggers.
        for cf in self.active_flows()? {
            let fires = cf
                .flow
                .triggers
                .iter()
                .zip(&cf.triggers)
                .any(|(t, p)| match t {
                    Trigger::Event { event: name, .. } => {
                        event_matches(name, p.condition.as_ref(), &event, now)
                    }
                    _ => false,
                });
            if fires {
                tx.queue.push_back(Work::Enter {
                    flow: cf.flow.id.clone(),
                    contact: id.clone(),
                    at: now,
                    event: index.map(|i| i as u32),
                    cause: format!("event `{}`", event.name),
                });
            }
        }
        tx.queue.push_back(Work::Changed {
            contact: id,
            at: now,
        });
        Ok(())
    }

    /// Counts an engagement event (`*opened`, `*clicked` with an `effect` property).
    fn engagement(&mut self, tx: &mut Tx, event: &Event, now: DateTime<Utc>) -> crate::Result<()> {
        let kind = if event.name.ends_with("opened") {
            StatKind::Opened
        } else if event.name.ends_with("clicked") {
            StatKind::Clicked
        } else {
            return Ok(());
        };
        let Some(serde_json::Value::String(key)) = event.properties.get("effect") else {
            return Ok(());
        };
        let key = EffectKey(key.clone());
        let found = match self.store.effect(&key)? {
            Some((e, _)) => Some(e),
            None => tx.batch.effects.iter().find(|e| e.key == key).cloned(),
        };
        if let Some(effect) = found {
            tx.stat(&effect.flow, effect.node.as_ref(), kind, None, now);
        }
        Ok(())
    }

    pub(super) fn do_activity(
        &mut self,
        tx: &mut Tx,
        contact: &ContactId,
        activity: Activity,
        at: DateTime<Utc>,
    ) -> crate::Result<()> {
        self.catch_up(tx)?;
        let now = tx.now;
        let mut c = self
            .store
            .audience()
            .contact(contact)
            .cloned()
            .unwrap_or_else(|| Contact::new(contact.clone()));
        let known = self.store.audience().contact(contact).is_some();
        if activity.apply_to(&mut c, at) || !known {
            self.change_contact(tx, c, now)?;
        }
        self.drain(tx)?;
        self.do_event(tx, activity.to_event(contact, at))
    }

    pub(super) fn do_enroll(
        &mut self,
        tx: &mut Tx,
        flow: &FlowId,
        contacts: &[ContactId],
    ) -> crate::Result<EnrollOutcome> {
        self.catch_up(tx)?;
        let now = tx.now;
        self.head(flow)?;
        let mut out = EnrollOutcome::default();
        for c in contacts {
            match self.enter(tx, flow, c, now, None, "enrolled by hand")? {
                Ok(()) => out.entered.push(c.clone()),
                Err(reason) => out.refused.push(Refusal {
                    contact: c.clone(),
                    reason,
                }),
            }
            self.drain(tx)?;
        }
        Ok(out)
    }

    pub(super) fn do_enroll_matching(
        &mut self,
        tx: &mut Tx,
        flow: &FlowId,
    ) -> crate::Result<EnrollOutcome> {
        self.catch_up(tx)?;
        let now = tx.now;
        let head = self.head(flow)?;
        let cf = self.compiled(flow, head.version)?;
        let filter = cf
            .flow
            .triggers
            .iter()
            .zip(&cf.triggers)
            .find(|(t, _)| matches!(t, Trigger::Manual { .. }))
            .and_then(|(_, p)| p.condition.as_ref());
        let ids = self.candidates(&cf, filter, now);
        self.do_enroll(tx, flow, &ids)
    }

    /// The contacts a flow's bulk start considers: the members of its entry lists (everyone when
    /// it has none) matching `cond` at `now`, in id order.
    pub(super) fn candidates(
        &self,
        cf: &CompiledFlow,
        cond: Option<&crate::condition::eval::CompiledCondition>,
        now: DateTime<Utc>,
    ) -> Vec<ContactId> {
        let lists = &cf.flow.settings.entry.lists;
        if lists.is_empty() {
            return self.select(cond, now);
        }
        let audience = self.store.audience();
        let members: std::collections::BTreeSet<&ContactId> =
            lists.iter().flat_map(|l| audience.member_ids(l)).collect();
        let base = crate::condition::eval::EvalContext::new(now).with_default_time_zone(self.zone);
        members
            .into_iter()
            .filter(|id| {
                cond.is_none_or(|cond| {
                    let Some(c) = audience.contact(id) else {
                        return false;
                    };
                    let segs = super::trigger::segment_set(audience, id);
                    cond.matches(c, audience.events(id), &base.with_segments(&segs))
                })
            })
            .cloned()
            .collect()
    }

    /// The contacts matching a condition at `now` (everyone without one), in id order.
    pub(super) fn select(
        &self,
        cond: Option<&crate::condition::eval::CompiledCondition>,
        now: DateTime<Utc>,
    ) -> Vec<ContactId> {
        let audience = self.store.audience();
        let base = crate::condition::eval::EvalContext::new(now).with_default_time_zone(self.zone);
        audience
            .index()
            .contacts()
            .filter(|c| {
                cond.is_none_or(|cond| {
                    let segs = super::trigger::segment_set(audience, &c.id);
                    cond.matches(c, audience.events(&c.id), &base.with_segments(&segs))
                })
            })
            .map(|c| c.id.clone())
            .collect()
    }

    pub(super) fn do_message(&mut self, tx: &mut Tx, m: InboundMessage) -> crate::Result<()> {
        self.catch_up_to(tx, before(m.at))?;
        let now = tx.now;
        let id = match (&m.contact, &m.from) {
            (Some(id), _) => {
                if self.store.audience().contact(id).is_none() {
                    return Err(unknown_contact(id));
                }
                id.clone()
            }
            (None, Some(phone)) => {
                let found = crate::store::ContactStore::find_by_phone(self.store.audience(), phone)
                    .cloned();
                match found {
                    Some(id) => id,
                    None => {
                        let norm = crate::phone::PhoneNormalizer::key(phone);
                        let mut c = Contact::new(format!("phone:{norm}"));
                        c.phone = Some(norm);
                        let id = c.id.clone();
                        self.change_contact(tx, c, now)?;
                        self.drain(tx)?;
                        id
                    }
                }
            }
            (None, None) => {
                return Err(EngineError::new(
                    EngineCode::SenderUnknown,
                    "an inbound message needs `from` (a phone) or `contact`",
                )
                .path("/from")
                .into_error())
            }
        };
        let text = m.text.as_deref();
        let mut props = std::collections::BTreeMap::new();
        props.insert("channel".to_owned(), serde_json::json!(m.channel));
        if let Some(t) = text {
            props.insert("text".to_owned(), serde_json::json!(t));
        }
        if !m.media.is_empty() {
            props.insert("media".to_owned(), serde_json::json!(m.media.len()));
        }
        let changes = self.store.audience_mut().record_event(
            Event {
                contact: id.clone(),
                name: "message.received".to_owned(),
                at: m.at,
                properties: props,
            },
            now,
        );
        let index = self.store.audience().events(&id).len().checked_sub(1);
        self.audience_changes(tx, changes, now)?;
        // Which flows the message starts.
        let flows = self.active_flows()?;
        let hits: Vec<(Arc<CompiledFlow>, MessageHit)> = flows
            .into_iter()
            .filter_map(|cf| {
                message_hit(&cf, m.channel, text, !m.media.is_empty(), m.ad.as_deref())
                    .map(|h| (cf, h))
            })
            .collect();
        let restart_keyword = hits.iter().any(|(cf, h)| {
            *h == MessageHit::Keyword && matches!(cf.flow.settings.reentry, Reentry::Restart {})
        });
        // A reply goes to the pending question or menu first.
        let mut answered = false;
        if !restart_keyword {
            for e in self.waiting_of(tx, &id)? {
                if e.wait != WaitKind::Reply || self.head(&e.flow)?.status != FlowStatus::Active {
                    continue;
                }
                let cf = self.compiled(&e.flow, e.version)?;
                let same_channel = match cf.flow.nodes.get(e.node as usize).map(|n| &n.kind) {
                    Some(NodeKind::Question(q)) => q.channel == m.channel,
                    Some(NodeKind::Menu(mn)) => mn.channel == m.channel,
                    _ => false,
                };
                if same_channel {
                    self.answer(tx, e, &cf, text.unwrap_or(""), now)?;
                    answered = true;
                    break;
                }
            }
        }
        if !answered {
            let best = hits.iter().map(|(_, h)| *h).min();
            for (cf, h) in &hits {
                if Some(*h) != best {
                    continue;
                }
                let cause = match (h, text) {
                    (MessageHit::Keyword, Some(t)) => format!("keyword `{}`", t.trim()),
                    _ => format!("inbound {} message", m.channel),
                };
                tx.queue.push_back(Work::Enter {
                    flow: cf.flow.id.clone(),
                    contact: id.clone(),
                    at: now,
                    event: index.map(|i| i as u32),
                    cause,
                });
            }
        }
        tx.queue.push_back(Work::Changed {
            contact: id,
            at: now,
        });
        Ok(())
    }

    pub(super) fn do_ack(
        &mut self,
        tx: &mut Tx,
        key: &EffectKey,
        outcome: Outcome,
        response: Option<ApiResponse>,
    ) -> crate::Result<()> {
        self.catch_up(tx)?;
        let now = tx.now;
        let Some((effect, done)) = self.store.effect(key)? else {
            return Err(EngineError::new(
                EngineCode::EffectUnknown,
                format!("no effect `{key}` in the outbox"),
            )
            .path("/key")
            .into_error());
        };
        if done {
            return Ok(());
        }
        tx.batch.acknowledged.push(key.clone());
        let kind = match outcome {
            Outcome::Delivered => StatKind::Delivered,
            Outcome::Bounced => StatKind::Bounced,
            _ => StatKind::Failed,
        };
        // Delivery counters are about messages: an API call's or a webhook's outcome shows in
        // its history and (for a call) in the branch it takes.
        if effect.kind == EffectKind::Send {
            tx.stat(&effect.flow, effect.node.as_ref(), kind, None, now);
        }
        if outcome == Outcome::Bounced {
            if let (Some(ch), Some(mut c)) = (
                effect.channel,
                self.store.audience().contact(&effect.contact).cloned(),
            ) {
                c.consent.insert(
                    ch,
                    Consent {
                        status: ConsentStatus::OptedOut,
                        at: Some(now),
                        source: Some("bounced".to_owned()),
                    },
                );
                self.change_contact(tx, c, now)?;
            }
        }
        let Some(mut e) = self.load(tx, &effect.flow, &effect.contact)? else {
            return Ok(());
        };
        let word = match outcome {
            Outcome::Delivered => "delivered",
            Outcome::Bounced => "bounced",
            _ => "failed",
        };
        tx.log(
            now,
            &e,
            effect.node.as_ref(),
            Action::Acknowledged,
            Some(word.to_owned()),
            Some(key),
        );
        // An API call's response picks its branch.
        if effect.kind == EffectKind::ApiCall && e.is_waiting() && e.wait == WaitKind::Response {
            let cf = self.compiled(&e.flow, e.version)?;
            let on_node = effect.node.as_ref() == cf.node_id(e.node);
            // The key as made, at the version of the effect (the contact may have migrated).
            let made = crate::store::Enrollment {
                version: effect.version,
                ..e.clone()
            };
            let current =
                super::nodes::effect_key(&made, effect.node.as_ref().map_or("", |n| n.as_str()));
            if on_node && current == *key {
                let ok = outcome == Outcome::Delivered
                    && response
                        .as_ref()
                        .is_none_or(|r| (200..300).contains(&r.status));
                if ok {
                    if let (Some(r), Some(NodeKind::ApiCall(a))) = (
                        &response,
                        cf.flow.nodes.get(e.node as usize).map(|n| &n.kind),
                    ) {
                        if let Some(mut c) = self.store.audience().contact(&e.contact).cloned() {
                            let mut changed = false;
                            for mapping in &a.response {
                                if let Some(v) = r.body.pointer(&mapping.path) {
                                    if let Ok(v) = serde_json::from_value::<Value>(v.clone()) {
                                        c.fields.insert(mapping.field.clone(), v);
                                        changed = true;
                                    }
                                }
                            }
                            if changed {
                                self.change_contact(tx, c, now)?;
                                if let Some(fresh) = self.load(tx, &effect.flow, &effect.contact)? {
                                    e = fresh;
                                }
                            }
                        }
                    }
                }
                let label = if ok { "success" } else { "failure" };
                let status = response
                    .as_ref()
                    .map_or(String::new(), |r| format!(" (status {})", r.status));
                tx.log(
                    now,
                    &e,
                    cf.node_id(e.node),
                    Action::Branched,
                    Some(format!("{label}{status}")),
                    None,
                );
                if e.is_waiting() && e.wait == WaitKind::Response {
                    self.advance(tx, e, &cf, now, Next::Leave(label.to_owned()))?;
                }
            }
        }
        Ok(())
    }

    pub(super) fn do_list(
        &mut self,
        tx: &mut Tx,
        list: &ListId,
        contact: &ContactId,
        add: bool,
    ) -> crate::Result<()> {
        self.catch_up(tx)?;
        let now = tx.now;
        let changes = if add {
            let Some(c) = self.store.audience().contact(contact).cloned() else {
                return Err(unknown_contact(contact));
            };
            self.store.audience_mut().add_to_list(list, c, now)?
        } else {
            self.store
                .audience_mut()
                .remove_from_list(list, contact, now)?
        };
        self.audience_changes(tx, changes, now)
    }

    #[cfg(feature = "import")]
    pub(super) fn do_import<R: std::io::Read>(
        &mut self,
        tx: &mut Tx,
        reader: R,
        options: &crate::import::ImportOptions,
        list: &crate::import::ImportList,
        enroll: Option<&FlowId>,
        progress: &mut dyn FnMut(crate::import::Progress),
    ) -> crate::Result<(crate::import::ListImport, Option<EnrollOutcome>)> {
        self.catch_up(tx)?;
        let now = tx.now;
        if let Some(f) = enroll {
            self.head(f)?;
        }
        let fields = self.fields.clone().unwrap_or_default();
        let result = crate::import::import_csv_into_audience(
            reader,
            options,
            &fields,
            self.store.audience_mut(),
            list,
            now,
            progress,
        )?;
        self.anniversaries.clear();
        self.audience_changes(tx, result.changes.clone(), now)?;
        self.drain(tx)?;
        let outcome = match enroll {
            Some(f) => {
                let ids: Vec<ContactId> = self
                    .store
                    .audience()
                    .member_ids(&result.list_id)
                    .cloned()
                    .collect();
                Some(self.do_enroll(tx, f, &ids)?)
            }
            None => None,
        };
        Ok((result, outcome))
    }
}

/// The last instant before `t` (the stores keep microseconds).
pub(super) fn before(t: DateTime<Utc>) -> DateTime<Utc> {
    t - chrono::TimeDelta::microseconds(1)
}

fn json_of(v: Option<&Value>) -> serde_json::Value {
    v.and_then(|v| serde_json::to_value(v).ok())
        .unwrap_or(serde_json::Value::Null)
}

/// `engine.contact.unknown`.
pub(super) fn unknown_contact(id: &ContactId) -> crate::Error {
    EngineError::new(EngineCode::ContactUnknown, format!("no contact `{id}`"))
        .contact(id)
        .path("/contact")
        .into_error()
}
