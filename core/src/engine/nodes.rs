//! Running one node: what it does, and where the contact goes next.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use chrono_tz::Tz;

use super::compiled::CompiledFlow;
use super::io::{Action, Effect, EffectKey, EffectKind, HttpRequest};
use super::plan::Planned;
use super::render::{render, render_content};
use super::tx::{Tx, Work};
use super::Engine;
use crate::condition::eval::EvalContext;
use crate::flow::{MessageContent, NodeKind, SendPolicy, WaitUntil};
use crate::model::{Channel, Contact, Event, Value};
use crate::store::{Enrollment, StatKind, Store, WaitKind};
use crate::time::{ZoneChain, ZoneSource};

/// Why a node runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// The contact just reached it.
    Fresh,
    /// Its timer fired (`due` is the step's instant).
    Timer,
    /// Its flow resumed after a pause; the step had fallen due at `due` (the run that follows
    /// is late: a send later than the flow's `max_lateness` is skipped as `stale`).
    Resumed { due: DateTime<Utc> },
}

/// What a node decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step {
    /// Leave by this branch.
    Go(String),
    /// Stay (waiting; `wait`, `due` and `reason` are set).
    Park,
    /// The flow is done for the contact.
    Finish(String),
    /// The contact leaves early.
    Exit(String),
}

fn go(label: &str) -> Step {
    Step::Go(label.to_owned())
}

/// A stable 64-bit FNV-1a hash (random splits replay across runs and platforms).
pub(crate) fn stable_hash(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain(std::iter::once(0xff)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// The effect key of a node's effect.
pub(crate) fn effect_key(e: &Enrollment, node: &str) -> EffectKey {
    EffectKey(format!(
        "{}/{}/{}/v{}/{}/{}/{}",
        e.flow, e.contact, e.entry, e.version, node, e.step, e.attempt
    ))
}

/// The branch a random split sends an enrollment's contact down (deterministic by flow,
/// contact and node, so simulations and previews replay), with the contact's bucket.
pub(crate) fn random_branch(
    r: &crate::flow::RandomSplitNode,
    e: &Enrollment,
    node: &crate::model::NodeId,
) -> (String, f64) {
    let h = stable_hash(&[e.flow.as_str(), e.contact.as_str(), node.as_str()]);
    let point = (h % 10_000) as f64 / 100.0;
    let mut acc = 0.0;
    let mut label = r
        .variants
        .last()
        .map(|v| v.name.clone())
        .unwrap_or_default();
    for v in &r.variants {
        acc += v.percent;
        if point < acc {
            label = v.name.clone();
            break;
        }
    }
    (label, point)
}

/// A date held by a field: `YYYY-MM-DD`, or the date part of an RFC 3339 text.
pub(crate) fn field_date(c: &Contact, field: &str) -> Option<NaiveDate> {
    let Value::Text(t) = c.fields.get(field)? else {
        return None;
    };
    let t = t.trim();
    NaiveDate::parse_from_str(t.get(..10).unwrap_or(t), "%Y-%m-%d").ok()
}

/// The address of a contact on a channel.
pub(crate) fn address(c: &Contact, channel: Channel) -> Option<String> {
    match channel {
        Channel::Email => c.email.clone(),
        Channel::Sms | Channel::WhatsApp => c.phone.clone(),
        _ => Some(c.id.as_str().to_owned()),
    }
    .filter(|a| !a.trim().is_empty())
}

/// What a waiting enrollment waits for, in words (derived from its node, never stored).
pub(crate) fn wait_reason(flow: &crate::flow::Flow, e: &Enrollment) -> String {
    let due = e.due.map(|d| d.to_rfc3339()).unwrap_or_default();
    match e.wait {
        WaitKind::Timer => format!("wait until {due}"),
        WaitKind::Send => format!("deferred until {due}"),
        WaitKind::Event => match flow.nodes.get(e.node as usize).map(|n| &n.kind) {
            Some(NodeKind::WaitFor(w)) => match &w.event {
                Some(m) => format!("waiting for event `{}` until {due}", m.name),
                None => format!("waiting for the condition until {due}"),
            },
            _ => format!("waiting until {due}"),
        },
        WaitKind::Reply => format!("waiting for a reply until {due}"),
        WaitKind::Response => "waiting for the API response".to_owned(),
        WaitKind::Paused => format!("paused; fell due at {due}"),
        _ => "running".to_owned(),
    }
}

impl<S: Store> Engine<S> {
    /// The zone of a contact in a flow.
    pub(super) fn contact_zone(&self, c: &Contact, cf: &CompiledFlow) -> Tz {
        let account = SendPolicy::default();
        // The engine's zone is the last link: taken as is rather than parsed back from its name
        // at every step (the profile of `engine-bench`).
        ZoneChain::for_contact(c)
            .policies(&cf.flow.settings.send_policy, &account)
            .resolve()
            .ok()
            .filter(|z| z.source != ZoneSource::Default)
            .map_or(self.zone, |z| z.zone)
    }

    /// Runs the current node of `e` at `at`.
    pub(super) fn exec(
        &mut self,
        tx: &mut Tx,
        e: &mut Enrollment,
        cf: &Arc<CompiledFlow>,
        at: DateTime<Utc>,
        mode: Mode,
    ) -> crate::Result<Step> {
        let Some(node) = cf.flow.nodes.get(e.node as usize) else {
            return Ok(Step::Exit("node_removed".to_owned()));
        };
        let node_id = node.id.clone();
        if self.store.audience().contact(&e.contact).is_none() {
            return Ok(Step::Exit("contact_removed".to_owned()));
        }
        let step = match &node.kind {
            NodeKind::Send(s) => {
                let content = s.content.clone().unwrap_or_default();
                self.send(
                    tx,
                    e,
                    cf,
                    at,
                    mode,
                    s.channel,
                    s.transactional,
                    content,
                    s.template.clone(),
                )?
            }
            NodeKind::Wait(w) => match mode {
                Mode::Fresh => {
                    let audience = self.store.audience();
                    let Some(c) = audience.contact(&e.contact) else {
                        return Ok(Step::Exit("contact_removed".to_owned()));
                    };
                    let zone = self.contact_zone(c, cf);
                    let date = match &w.until {
                        Some(WaitUntil::DateField { field, .. }) => field_date(c, field),
                        _ => None,
                    };
                    match crate::time::wait_end(at, w, zone, date, None) {
                        Ok(end) if end <= at => go("next"),
                        Ok(end) => {
                            self.park(
                                tx,
                                e,
                                WaitKind::Timer,
                                Some(end),
                                format!("wait until {}", end.to_rfc3339()),
                                at,
                                &node_id,
                            );
                            Step::Park
                        }
                        Err(err) => Step::Exit(format!("wait_invalid: {}", err.message())),
                    }
                }
                _ => go("next"),
            },
            NodeKind::WaitFor(w) => {
                let parts = cf.nodes.get(e.node as usize);
                let audience = self.store.audience();
                let Some(c) = audience.contact(&e.contact) else {
                    return Ok(Step::Exit("contact_removed".to_owned()));
                };
                let events = audience.events(&e.contact);
                let due = match mode {
                    Mode::Fresh => {
                        let zone = self.contact_zone(c, cf);
                        match crate::time::add_duration(at, w.timeout, zone) {
                            Ok(d) => d,
                            Err(err) => {
                                return Ok(Step::Exit(format!("wait_invalid: {}", err.message())))
                            }
                        }
                    }
                    _ => e.due.unwrap_or(at),
                };
                let seen = w.event.as_ref().and_then(|m| {
                    events.iter().find(|ev| {
                        ev.at >= e.since
                            && ev.at <= due
                            && super::trigger::event_matches(
                                &m.name,
                                parts.and_then(|p| p.event_filter.as_ref()),
                                ev,
                                at,
                            )
                    })
                });
                let holds = mode == Mode::Fresh
                    && parts
                        .and_then(|p| p.condition.as_ref())
                        .is_some_and(|cond| {
                            let segs = super::trigger::segment_set(audience, &e.contact);
                            let ctx = EvalContext::new(at)
                                .with_default_time_zone(self.zone)
                                .with_segments(&segs);
                            cond.matches(c, events, &ctx)
                        });
                if let Some(ev) = seen {
                    let why = format!("met: event `{}` at {}", ev.name, ev.at.to_rfc3339());
                    tx.log(at, e, Some(&node_id), Action::Branched, Some(why), None);
                    go("met")
                } else if holds {
                    tx.log(
                        at,
                        e,
                        Some(&node_id),
                        Action::Branched,
                        Some("met: the awaited condition holds".to_owned()),
                        None,
                    );
                    go("met")
                } else if mode == Mode::Fresh {
                    let what = match &w.event {
                        Some(m) => format!("event `{}`", m.name),
                        None => "the condition".to_owned(),
                    };
                    self.park(
                        tx,
                        e,
                        WaitKind::Event,
                        Some(due),
                        format!("waiting for {what} until {}", due.to_rfc3339()),
                        at,
                        &node_id,
                    );
                    Step::Park
                } else {
                    tx.log(
                        at,
                        e,
                        Some(&node_id),
                        Action::Branched,
                        Some("timeout".to_owned()),
                        None,
                    );
                    go("timeout")
                }
            }
            NodeKind::Condition(_) => {
                let yes = self.holds(
                    cf,
                    e,
                    at,
                    cf.nodes
                        .get(e.node as usize)
                        .and_then(|p| p.condition.as_ref()),
                );
                let label = if yes { "yes" } else { "no" };
                let name = node.label.clone().unwrap_or_else(|| node_id.to_string());
                tx.log(
                    at,
                    e,
                    Some(&node_id),
                    Action::Branched,
                    Some(format!("condition `{name}`: {label}")),
                    None,
                );
                go(label)
            }
            NodeKind::Split(s) => {
                let mut label = "else".to_owned();
                if let Some(parts) = cf.nodes.get(e.node as usize) {
                    for (case, cond) in s.cases.iter().zip(&parts.cases) {
                        if self.holds(cf, e, at, Some(cond)) {
                            label = case.name.clone();
                            break;
                        }
                    }
                }
                tx.log(
                    at,
                    e,
                    Some(&node_id),
                    Action::Branched,
                    Some(format!("split: {label}")),
                    None,
                );
                Step::Go(label)
            }
            NodeKind::RandomSplit(r) => {
                let (label, point) = random_branch(r, e, &node_id);
                tx.log(
                    at,
                    e,
                    Some(&node_id),
                    Action::Branched,
                    Some(format!("random split: {label} (bucket {point:.2})")),
                    None,
                );
                Step::Go(label)
            }
            NodeKind::Question(q) => match mode {
                Mode::Fresh => {
                    let content = MessageContent {
                        body: Some(q.prompt.clone()),
                        ..MessageContent::default()
                    };
                    self.ask(tx, e, cf, at, q.channel, content, q.timeout, &node_id)?
                }
                _ => {
                    tx.log(
                        at,
                        e,
                        Some(&node_id),
                        Action::Branched,
                        Some("timeout: no answer".to_owned()),
                        None,
                    );
                    go("timeout")
                }
            },
            NodeKind::Menu(m) => match mode {
                Mode::Fresh => {
                    let content = menu_content(m);
                    self.ask(tx, e, cf, at, m.channel, content, m.timeout, &node_id)?
                }
                _ => {
                    tx.log(
                        at,
                        e,
                        Some(&node_id),
                        Action::Branched,
                        Some("timeout: no choice".to_owned()),
                        None,
                    );
                    go("timeout")
                }
            },
            NodeKind::ApiCall(a) => match mode {
                Mode::Fresh => {
                    let audience = self.store.audience();
                    let Some(c) = audience.contact(&e.contact) else {
                        return Ok(Step::Exit("contact_removed".to_owned()));
                    };
                    let ev = e
                        .event
                        .and_then(|i| audience.events(&e.contact).get(i as usize));
                    let request = HttpRequest {
                        method: a.method,
                        url: render(&a.url, c, ev, false),
                        headers: a
                            .headers
                            .iter()
                            .map(|(k, v)| (k.clone(), render(v, c, ev, false)))
                            .collect(),
                        body: a.body.as_ref().map(|b| render(b, c, ev, false)),
                        timeout_seconds: Some(a.timeout_seconds),
                    };
                    let key = effect_key(e, node_id.as_str());
                    let method = serde_json::to_value(request.method)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default();
                    let why = format!("API call {method} {}", request.url);
                    tx.effect(Effect {
                        key: key.clone(),
                        kind: EffectKind::ApiCall,
                        flow: e.flow.clone(),
                        version: e.version,
                        node: Some(node_id.clone()),
                        contact: e.contact.clone(),
                        channel: None,
                        to: None,
                        at,
                        template: None,
                        content: None,
                        request: Some(request),
                        team: None,
                    });
                    tx.stat(&e.flow, Some(&node_id), StatKind::Sent, None, at);
                    tx.log(at, e, Some(&node_id), Action::Sent, Some(why), Some(&key));
                    let due = at + TimeDelta::seconds(i64::from(a.timeout_seconds));
                    self.park(
                        tx,
                        e,
                        WaitKind::Response,
                        Some(due),
                        "waiting for the API response".to_owned(),
                        at,
                        &node_id,
                    );
                    Step::Park
                }
                _ => {
                    let label = if cf.edge(e.node, "timeout").is_some() {
                        "timeout"
                    } else {
                        "failure"
                    };
                    tx.log(
                        at,
                        e,
                        Some(&node_id),
                        Action::Branched,
                        Some(format!("{label}: no API response")),
                        None,
                    );
                    go(label)
                }
            },
            NodeKind::UpdateFields(u) => {
                let audience = self.store.audience();
                let Some(mut c) = audience.contact(&e.contact).cloned() else {
                    return Ok(Step::Exit("contact_removed".to_owned()));
                };
                let ev = e
                    .event
                    .and_then(|i| audience.events(&e.contact).get(i as usize))
                    .cloned();
                for (k, v) in &u.set {
                    let v = match v {
                        Value::Text(t) => Value::Text(render(t, &c, ev.as_ref(), false)),
                        other => other.clone(),
                    };
                    c.set_value(k, v);
                }
                self.change_contact(tx, c, at)?;
                tx.log(
                    at,
                    e,
                    Some(&node_id),
                    Action::Stepped,
                    Some("fields updated".to_owned()),
                    None,
                );
                go("next")
            }
            NodeKind::Tags(t) => {
                let Some(mut c) = self.store.audience().contact(&e.contact).cloned() else {
                    return Ok(Step::Exit("contact_removed".to_owned()));
                };
                for tag in &t.remove {
                    c.tags.remove(tag);
                }
                for tag in &t.add {
                    c.tags.insert(tag.clone());
                }
                self.change_contact(tx, c, at)?;
                tx.log(
                    at,
                    e,
                    Some(&node_id),
                    Action::Stepped,
                    Some("tags updated".to_owned()),
                    None,
                );
                go("next")
            }
            NodeKind::Lists(l) => {
                let mut changes = Vec::new();
                let mut missing = Vec::new();
                for list in &l.remove {
                    if self.store.audience().is_member(list, &e.contact) {
                        match self
                            .store
                            .audience_mut()
                            .remove_from_list(list, &e.contact, at)
                        {
                            Ok(c) => changes.extend(c),
                            Err(_) => missing.push(list.to_string()),
                        }
                    }
                }
                for list in &l.add {
                    let Some(c) = self.store.audience().contact(&e.contact).cloned() else {
                        break;
                    };
                    match self.store.audience_mut().add_to_list(list, c, at) {
                        Ok(c) => changes.extend(c),
                        Err(_) => missing.push(list.to_string()),
                    }
                }
                self.audience_changes(tx, changes, at)?;
                let why = if missing.is_empty() {
                    "lists updated".to_owned()
                } else {
                    format!(
                        "lists updated; unknown lists skipped: {}",
                        missing.join(", ")
                    )
                };
                tx.log(at, e, Some(&node_id), Action::Stepped, Some(why), None);
                go("next")
            }
            NodeKind::LaunchFlow(l) => {
                tx.queue.push_back(Work::Enter {
                    flow: l.flow.clone(),
                    contact: e.contact.clone(),
                    at,
                    event: e.event,
                    cause: format!("launched by flow `{}`", e.flow),
                });
                tx.log(
                    at,
                    e,
                    Some(&node_id),
                    Action::Stepped,
                    Some(format!("launch flow `{}`", l.flow)),
                    None,
                );
                go("next")
            }
            NodeKind::HandOff(h) => {
                let audience = self.store.audience();
                let Some(c) = audience.contact(&e.contact) else {
                    return Ok(Step::Exit("contact_removed".to_owned()));
                };
                let ev = e
                    .event
                    .and_then(|i| audience.events(&e.contact).get(i as usize));
                let key = effect_key(e, node_id.as_str());
                tx.effect(Effect {
                    key: key.clone(),
                    kind: EffectKind::HandOff,
                    flow: e.flow.clone(),
                    version: e.version,
                    node: Some(node_id.clone()),
                    contact: e.contact.clone(),
                    channel: None,
                    to: None,
                    at,
                    template: None,
                    content: h.note.as_ref().map(|n| MessageContent {
                        body: Some(render(n, c, ev, false)),
                        ..MessageContent::default()
                    }),
                    request: None,
                    team: Some(h.team.clone()),
                });
                tx.log(
                    at,
                    e,
                    Some(&node_id),
                    Action::Sent,
                    Some(format!("handed off to team `{}`", h.team)),
                    Some(&key),
                );
                go("next")
            }
            NodeKind::Goal(g) => {
                tx.stat(&e.flow, Some(&node_id), StatKind::Goal, Some(&g.name), at);
                tx.log(
                    at,
                    e,
                    Some(&node_id),
                    Action::Goal,
                    Some(format!("goal `{}`", g.name)),
                    None,
                );
                if cf.edge(e.node, "next").is_some() {
                    go("next")
                } else {
                    Step::Finish(format!("goal `{}`", g.name))
                }
            }
            NodeKind::Exit {} => Step::Finish(format!("exit node `{node_id}`")),
        };
        Ok(step)
    }

    /// Evaluates a compiled condition for an enrollment's contact at `at`.
    fn holds(
        &self,
        _cf: &CompiledFlow,
        e: &Enrollment,
        at: DateTime<Utc>,
        cond: Option<&crate::condition::eval::CompiledCondition>,
    ) -> bool {
        let Some(cond) = cond else {
            return false;
        };
        let audience = self.store.audience();
        let Some(c) = audience.contact(&e.contact) else {
            return false;
        };
        let segs = super::trigger::segment_set(audience, &e.contact);
        let ctx = EvalContext::new(at)
            .with_default_time_zone(self.zone)
            .with_segments(&segs);
        cond.matches(c, audience.events(&e.contact), &ctx)
    }

    /// Parks an enrollment on its node.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn park(
        &self,
        tx: &mut Tx,
        e: &mut Enrollment,
        wait: WaitKind,
        due: Option<DateTime<Utc>>,
        reason: String,
        at: DateTime<Utc>,
        node: &crate::model::NodeId,
    ) {
        e.wait = wait;
        e.due = due;
        tx.log(
            at,
            e,
            Some(node),
            Action::Waiting,
            Some(reason.clone()),
            None,
        );
        e.reason = Some(reason);
    }

    /// A send node (or a question's prompt): consent, address, policy and caps, then the effect.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn send(
        &mut self,
        tx: &mut Tx,
        e: &mut Enrollment,
        cf: &Arc<CompiledFlow>,
        at: DateTime<Utc>,
        mode: Mode,
        channel: Channel,
        transactional: bool,
        content: MessageContent,
        template: Option<crate::model::TemplateId>,
    ) -> crate::Result<Step> {
        let Some(node_id) = cf.node_id(e.node).cloned() else {
            return Ok(Step::Exit("node_removed".to_owned()));
        };
        let skip = |tx: &mut Tx, e: &Enrollment, reason: &str, why: String| {
            tx.stat(&e.flow, Some(&node_id), StatKind::Skipped, Some(reason), at);
            tx.log(at, e, Some(&node_id), Action::Skipped, Some(why), None);
            go("next")
        };
        let _ = mode;
        if let Some(due) = tx.late {
            if let Some(max) = cf.flow.settings.max_lateness {
                let limit = crate::time::add_duration(due, max, self.zone).unwrap_or(due);
                if at > limit {
                    return Ok(skip(
                        tx,
                        e,
                        "stale",
                        format!(
                            "skipped: stale, due {} and the flow was paused longer than {max}",
                            due.to_rfc3339()
                        ),
                    ));
                }
            }
        }
        let audience = self.store.audience();
        let Some(c) = audience.contact(&e.contact) else {
            return Ok(Step::Exit("contact_removed".to_owned()));
        };
        let mut history = self.store.sent(&e.contact)?;
        if let Some(mine) = tx.sent_by.get(&e.contact) {
            history.extend(mine.iter().copied());
        }
        let to = match self.plan_for(c, cf, e.node, channel, transactional, at, &history) {
            Planned::Skip { reason, why } => return Ok(skip(tx, e, reason, why)),
            Planned::Defer { until, why, .. } => {
                tx.stat(&e.flow, Some(&node_id), StatKind::Deferred, None, at);
                tx.log(
                    at,
                    e,
                    Some(&node_id),
                    Action::Deferred,
                    Some(why.clone()),
                    None,
                );
                e.wait = WaitKind::Send;
                e.due = Some(until);
                e.reason = Some(why);
                return Ok(Step::Park);
            }
            Planned::Now { to } => to,
        };
        let ev: Option<&Event> = e
            .event
            .and_then(|i| audience.events(&e.contact).get(i as usize));
        let rendered = render_content(&content, c, ev);
        let key = effect_key(e, node_id.as_str());
        tx.effect(Effect {
            key: key.clone(),
            kind: EffectKind::Send,
            flow: e.flow.clone(),
            version: e.version,
            node: Some(node_id.clone()),
            contact: e.contact.clone(),
            channel: Some(channel),
            to: Some(to),
            at,
            template,
            content: Some(rendered),
            request: None,
            team: None,
        });
        tx.sent(&e.contact, (at, channel, transactional));
        tx.stat(&e.flow, Some(&node_id), StatKind::Sent, None, at);
        tx.log(
            at,
            e,
            Some(&node_id),
            Action::Sent,
            Some(format!("{channel} message")),
            Some(&key),
        );
        Ok(go("next"))
    }

    /// Sends a question's or a menu's prompt and waits for the reply.
    #[allow(clippy::too_many_arguments)]
    fn ask(
        &mut self,
        tx: &mut Tx,
        e: &mut Enrollment,
        cf: &Arc<CompiledFlow>,
        at: DateTime<Utc>,
        channel: Channel,
        content: MessageContent,
        timeout: crate::time::Duration,
        node_id: &crate::model::NodeId,
    ) -> crate::Result<Step> {
        let sent = self.send(tx, e, cf, at, Mode::Fresh, channel, true, content, None)?;
        if sent != go("next") {
            return Ok(if sent == Step::Park {
                Step::Park
            } else {
                Step::Exit("no_consent".to_owned())
            });
        }
        let due = crate::time::add_duration(at, timeout, self.zone).unwrap_or(at);
        self.park(
            tx,
            e,
            WaitKind::Reply,
            Some(due),
            format!("waiting for a reply until {}", due.to_rfc3339()),
            at,
            node_id,
        );
        Ok(Step::Park)
    }
}

/// The message of a menu: its prompt, then one numbered line per choice.
pub(super) fn menu_content(m: &crate::flow::MenuNode) -> MessageContent {
    let mut body = m.prompt.clone();
    for (i, o) in m.options.iter().enumerate() {
        body.push_str(&format!("\n{}. {}", i + 1, o.label));
    }
    MessageContent {
        body: Some(body),
        ..MessageContent::default()
    }
}
