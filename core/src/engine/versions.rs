//! Live versions and contacts in flight (issue 12): publishing a new version of a live flow
//! moves the contacts inside onto it by node id (or pins them, on request), a flow can be
//! duplicated, and one waiting contact can be acted on by hand — skip its wait, move it to a
//! node, cancel it — each step in its history with who asked.
//!
//! The rules are on [`InFlight`].

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::error::{EngineCode, EngineError};
use super::io::{Action, EnrollmentState, Published};
use super::run::{unknown_flow, Next};
use super::tx::Tx;
use super::Engine;
use crate::flow::{Flow, FlowStatus, MessageMatch, NodeKind, Recipients, Trigger};
use crate::model::{ContactId, FlowId, NodeId};
use crate::store::{Enrollment, Store, NO_NODE};

/// What happens to the contacts inside a flow when a new version of it is published. JSON:
/// `"migrate"` (the default) or `"pin"`.
///
/// With `migrate`, a waiting contact whose node (by id; a `node_map` entry for that id wins):
/// - is in the new version **with the same kind** moves onto it and keeps its wait as it is
///   (the due time of a wait, a deferred send, a question's timeout, an API call in flight) —
///   history `migrated v1→v2`;
/// - becomes a node of **another kind** (a wait that became a send), or is mapped to another
///   node, moves onto the new version and runs that node afresh at `now` (when the new version
///   is not active, it waits paused there and the node runs when the flow is active again);
/// - is gone, with no `node_map` entry, leaves the flow with reason `node_removed`.
///
/// With `pin`, contacts inside stay on the version they entered until they finish.
///
/// ```
/// use sequenza::engine::InFlight;
/// assert_eq!(serde_json::to_string(&InFlight::Pin)?, r#""pin""#);
/// assert_eq!(InFlight::default(), InFlight::Migrate);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum InFlight {
    /// Move them onto the new version by node id.
    #[default]
    Migrate,
    /// Keep them on the version they entered until they finish.
    Pin,
}

/// How [`Engine::publish_with`] treats the contacts inside. JSON:
/// `{"in_flight": "migrate", "node_map": {"old-node": "new-node"}}` (every key optional).
///
/// ```
/// use sequenza::engine::{InFlight, PublishOptions};
/// let o: PublishOptions = serde_json::from_str(r#"{"in_flight": null,
///   "node_map": {"wait-2d": "wait-1d"}}"#)?;
/// assert_eq!(o.in_flight, InFlight::Migrate);
/// assert_eq!(o.node_map[&"wait-2d".into()].as_str(), "wait-1d");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishOptions {
    /// Migrate (the default) or pin the contacts inside (`null` reads as the default).
    #[serde(default, deserialize_with = "null_default")]
    pub in_flight: InFlight,
    /// Where a contact on an old node goes: old node id → node id of the new version. An entry
    /// wins over a node of the same id (`null` reads as none).
    #[serde(default, deserialize_with = "null_default")]
    pub node_map: BTreeMap<NodeId, NodeId>,
}

/// A value whose `null` means its default.
fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Option::unwrap_or_default)
}

/// A JSON pointer token (`~` → `~0`, `/` → `~1`).
fn token(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

/// Two nodes of the same kind (a wait stays a wait, a send a send …).
fn same_kind(a: &NodeKind, b: &NodeKind) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

impl<S: Store> Engine<S> {
    /// Publishes a flow (a new one, or a new version of one) and says what happens to the
    /// contacts inside: `in_flight` `migrate` (what [`publish`](Self::publish) does) moves them
    /// onto the new version by node id, with the `node_map` for nodes that are gone; `pin` keeps
    /// them on the version they entered. [`InFlight`] has the rules; every move
    /// and exit is a history entry. [`Published`] counts the contacts `moved` and `exited`.
    ///
    /// Errors: those of [`publish`](Self::publish); `engine.node.unknown` at
    /// `/node_map/<old id>` when an entry's old id is a node of no earlier version, or its new
    /// id no node of this one.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use sequenza::engine::{Engine, EngineConfig, InFlight, PublishOptions};
    /// use sequenza::{Contact, Flow};
    /// let t0 = Utc.with_ymd_and_hms(2026, 12, 7, 9, 0, 0).unwrap();
    /// let flow = |wait: &str| Flow::from_json(&format!(r#"{{"id": "f", "name": "F",
    ///   "status": "active", "triggers": [{{"type": "manual", "recipients": {{"kind": "api"}}}}],
    ///   "start": "{wait}", "nodes": [{{"id": "{wait}", "type": "wait",
    ///   "duration": {{"amount": 1, "unit": "days"}}}}, {{"id": "end", "type": "exit"}}],
    ///   "edges": [{{"from": "{wait}", "to": "end"}}]}}"#));
    /// let mut eng = Engine::new(EngineConfig::default())?;
    /// eng.publish(flow("a")?, t0)?;
    /// eng.upsert_contact(Contact::new("anna"), t0)?;
    /// eng.enroll(&"f".into(), &["anna".into()], t0)?;
    /// let options = PublishOptions { in_flight: InFlight::Migrate,
    ///   node_map: [("a".into(), "b".into())].into() };
    /// let p = eng.publish_with(flow("b")?, &options, t0)?;
    /// assert_eq!((p.version, p.moved, p.exited), (2, 1, 0));
    /// let bad = PublishOptions { node_map: [("zz".into(), "b".into())].into(), ..Default::default() };
    /// let err = eng.publish_with(flow("b")?, &bad, t0).unwrap_err();
    /// assert_eq!((err.code(), err.path()), ("engine.node.unknown", Some("/node_map/zz")));
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn publish_with(
        &mut self,
        flow: Flow,
        options: &PublishOptions,
        now: DateTime<Utc>,
    ) -> crate::Result<Published> {
        self.input(now, |eng, tx| eng.do_publish_with(tx, flow, options))
    }

    /// Duplicates a flow's latest version under a new id, published as a `draft` (version 1),
    /// and returns it. As the source documents require, the copy has **no inbound keywords**
    /// (two flows cannot share one: its keyword triggers are left out, and a copy left with no
    /// trigger gets a manual `api` one) and **no media attachments** in its messages. Its name
    /// gets ` (copy)`.
    ///
    /// Errors: `engine.flow.unknown`; `engine.flow.taken` at `/new_id`.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use sequenza::engine::{Engine, EngineConfig};
    /// use sequenza::flow::FlowStatus;
    /// use sequenza::Flow;
    /// let t0 = Utc.with_ymd_and_hms(2026, 12, 7, 9, 0, 0).unwrap();
    /// let mut eng = Engine::new(EngineConfig::default())?;
    /// eng.publish(Flow::from_json(r#"{"id": "bot", "name": "Bot", "status": "active",
    ///   "triggers": [{"type": "inbound_message", "channel": "whatsapp",
    ///                 "match": {"kind": "keyword", "keywords": ["CIAO"]}}],
    ///   "start": "hi", "nodes": [{"id": "hi", "type": "send", "channel": "whatsapp",
    ///   "content": {"body": "Ciao!", "media": [{"kind": "image", "url": "https://x/a.png"}]}}]}"#)?, t0)?;
    /// let copy = eng.duplicate(&"bot".into(), &"bot-2".into(), t0)?;
    /// assert_eq!((copy.id.as_str(), copy.status, copy.version), ("bot-2", FlowStatus::Draft, 1));
    /// assert_eq!(copy.triggers[0].kind(), "manual");
    /// let err = eng.duplicate(&"bot".into(), &"bot-2".into(), t0).unwrap_err();
    /// assert_eq!((err.code(), err.path()), ("engine.flow.taken", Some("/new_id")));
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn duplicate(
        &mut self,
        flow: &FlowId,
        new_id: &FlowId,
        now: DateTime<Utc>,
    ) -> crate::Result<Flow> {
        self.input(now, |eng, tx| eng.do_duplicate(tx, flow, new_id))
    }

    /// Ends a waiting contact's wait now: the node runs as when its wait ends (a wait goes on, a
    /// wait for an event, a reply or an API response takes its `timeout` branch, a deferred send
    /// is planned again under its send policy). In a paused flow it runs when the flow resumes.
    /// The history records it (`wait_skipped`) with `by` and the instant.
    ///
    /// Errors: `engine.flow.unknown`; `engine.enrollment.not_waiting` at `/contact`.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use sequenza::engine::{Engine, EngineConfig, EnrollmentState};
    /// use sequenza::{Contact, Flow};
    /// let t0 = Utc.with_ymd_and_hms(2026, 12, 7, 9, 0, 0).unwrap();
    /// let mut eng = Engine::new(EngineConfig::default())?;
    /// eng.publish(Flow::from_json(r#"{"id": "f", "name": "F", "status": "active",
    ///   "triggers": [{"type": "manual", "recipients": {"kind": "api"}}], "start": "w",
    ///   "nodes": [{"id": "w", "type": "wait", "duration": {"amount": 3, "unit": "days"}},
    ///             {"id": "end", "type": "exit"}], "edges": [{"from": "w", "to": "end"}]}"#)?, t0)?;
    /// eng.upsert_contact(Contact::new("anna"), t0)?;
    /// eng.enroll(&"f".into(), &["anna".into()], t0)?;
    /// eng.skip_wait(&"f".into(), &"anna".into(), t0, Some("ops@example.com".into()))?;
    /// assert_eq!(eng.enrollments(None, None)?[0].state, EnrollmentState::Finished);
    /// let err = eng.skip_wait(&"f".into(), &"anna".into(), t0, None).unwrap_err();
    /// assert_eq!(err.code(), "engine.enrollment.not_waiting");
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn skip_wait(
        &mut self,
        flow: &FlowId,
        contact: &ContactId,
        now: DateTime<Utc>,
        by: Option<String>,
    ) -> crate::Result<()> {
        self.input(now, |eng, tx| eng.do_skip_wait(tx, flow, contact, by))
    }

    /// Moves a waiting contact to a node of the version it is on; the node runs at `now`. The
    /// history records it (`moved`) with `by` and the instant.
    ///
    /// Errors: `engine.flow.unknown`; `engine.enrollment.not_waiting` at `/contact`;
    /// `engine.node.unknown` at `/node`; `engine.flow.status` when the flow is not active
    /// (resume it first).
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use sequenza::engine::{Engine, EngineConfig};
    /// use sequenza::{Contact, Flow};
    /// let t0 = Utc.with_ymd_and_hms(2026, 12, 7, 9, 0, 0).unwrap();
    /// let mut eng = Engine::new(EngineConfig::default())?;
    /// eng.publish(Flow::from_json(r#"{"id": "f", "name": "F", "status": "active",
    ///   "triggers": [{"type": "manual", "recipients": {"kind": "api"}}], "start": "w",
    ///   "nodes": [{"id": "w", "type": "wait", "duration": {"amount": 3, "unit": "days"}},
    ///             {"id": "w2", "type": "wait", "duration": {"amount": 1, "unit": "days"}}],
    ///   "edges": [{"from": "w", "to": "w2"}]}"#)?, t0)?;
    /// eng.upsert_contact(Contact::new("anna"), t0)?;
    /// eng.enroll(&"f".into(), &["anna".into()], t0)?;
    /// eng.move_to(&"f".into(), &"anna".into(), &"w2".into(), t0, None)?;
    /// assert_eq!(eng.enrollments(None, None)?[0].node.as_ref().unwrap().as_str(), "w2");
    /// let err = eng.move_to(&"f".into(), &"anna".into(), &"nope".into(), t0, None).unwrap_err();
    /// assert_eq!((err.code(), err.path()), ("engine.node.unknown", Some("/node")));
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn move_to(
        &mut self,
        flow: &FlowId,
        contact: &ContactId,
        node: &NodeId,
        now: DateTime<Utc>,
        by: Option<String>,
    ) -> crate::Result<()> {
        self.input(now, |eng, tx| eng.do_move_to(tx, flow, contact, node, by))
    }

    /// Takes a waiting contact out of a flow: it exits with reason `cancelled`, recorded with
    /// `by` and the instant.
    ///
    /// Errors: `engine.flow.unknown`; `engine.enrollment.not_waiting` at `/contact`.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use sequenza::engine::{Engine, EngineConfig};
    /// use sequenza::{Contact, Flow};
    /// let t0 = Utc.with_ymd_and_hms(2026, 12, 7, 9, 0, 0).unwrap();
    /// let mut eng = Engine::new(EngineConfig::default())?;
    /// eng.publish(Flow::from_json(r#"{"id": "f", "name": "F", "status": "active",
    ///   "triggers": [{"type": "manual", "recipients": {"kind": "api"}}], "start": "w",
    ///   "nodes": [{"id": "w", "type": "wait", "duration": {"amount": 3, "unit": "days"}}]}"#)?, t0)?;
    /// eng.upsert_contact(Contact::new("anna"), t0)?;
    /// eng.enroll(&"f".into(), &["anna".into()], t0)?;
    /// eng.cancel(&"f".into(), &"anna".into(), t0, Some("bea".into()))?;
    /// let last = eng.history(&"anna".into(), None)?.pop().unwrap();
    /// assert_eq!((last.reason.as_deref(), last.by.as_deref()), (Some("cancelled"), Some("bea")));
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn cancel(
        &mut self,
        flow: &FlowId,
        contact: &ContactId,
        now: DateTime<Utc>,
        by: Option<String>,
    ) -> crate::Result<()> {
        self.input(now, |eng, tx| eng.do_cancel(tx, flow, contact, by))
    }

    fn do_publish_with(
        &mut self,
        tx: &mut Tx,
        flow: Flow,
        options: &PublishOptions,
    ) -> crate::Result<Published> {
        let id = flow.id.clone();
        let previous = self.heads()?.into_iter().find(|h| h.flow == id);
        self.check_node_map(&flow, previous.as_ref().map_or(0, |h| h.version), options)?;
        let mut published = self.do_publish(tx, flow)?;
        if options.in_flight == InFlight::Pin || previous.is_none() {
            return Ok(published);
        }
        let to = published.version;
        let new_cf = self.compiled(&id, to)?;
        let active = new_cf.flow.status == FlowStatus::Active;
        let now = tx.now;
        for stored in self.in_flight(tx, &id)? {
            let mut e = stored;
            if e.version >= to || e.node == NO_NODE {
                continue;
            }
            let old_cf = self.compiled(&id, e.version)?;
            let Some(old_node) = old_cf.flow.nodes.get(e.node as usize) else {
                continue;
            };
            let old_id = old_node.id.clone();
            let mapped = options.node_map.get(&old_id);
            let target = mapped
                .or(Some(&old_id))
                .and_then(|n| new_cf.index.get(n).copied());
            let from = e.version;
            let Some(index) = target else {
                published.exited += 1;
                let why = format!("node_removed: node `{old_id}` is not in v{to}");
                self.end(tx, &mut e, &old_cf, now, EnrollmentState::Exited, &why)?;
                continue;
            };
            published.moved += 1;
            let Some(new_node) = new_cf.flow.nodes.get(index as usize) else {
                continue;
            };
            let new_id = new_node.id.clone();
            let keep = new_id == old_id && same_kind(&old_node.kind, &new_node.kind);
            e.version = to;
            if keep {
                e.node = index;
                tx.log(
                    now,
                    &e,
                    Some(&new_id),
                    Action::Migrated,
                    Some(format!("migrated v{from}→v{to}")),
                    None,
                );
                self.save(tx, e)?;
                continue;
            }
            let why = if new_id == old_id {
                format!(
                    "migrated v{from}→v{to}: node `{new_id}` is now a `{}` node; it runs again",
                    new_node.kind.type_name()
                )
            } else {
                format!("migrated v{from}→v{to}: node `{old_id}` mapped to `{new_id}`")
            };
            if active {
                tx.log(now, &e, Some(&old_id), Action::Migrated, Some(why), None);
                self.advance(tx, e, &new_cf, now, Next::Enter(index))?;
            } else {
                e.node = index;
                e.step += 1;
                e.attempt = 0;
                e.since = now;
                e.due = Some(now);
                e.wait = crate::store::WaitKind::Paused;
                tx.log(now, &e, Some(&new_id), Action::Migrated, Some(why), None);
                self.save(tx, e)?;
            }
        }
        Ok(published)
    }

    /// Every entry of a publish call's `node_map` names a node of an earlier version (old id)
    /// and of the new one (new id).
    fn check_node_map(
        &self,
        flow: &Flow,
        previous: u32,
        options: &PublishOptions,
    ) -> crate::Result<()> {
        if options.node_map.is_empty() {
            return Ok(());
        }
        let mut old: Vec<Flow> = Vec::new();
        for v in 1..=previous {
            if let Some(f) = self.store.flow(&flow.id, v)? {
                old.push(f);
            }
        }
        for (from, to) in &options.node_map {
            let bad = |msg: String| {
                EngineError::new(EngineCode::NodeUnknown, msg)
                    .flow(&flow.id)
                    .node(from)
                    .path(format!("/node_map/{}", token(from.as_str())))
                    .into_error()
            };
            if !old.iter().any(|f| f.nodes.iter().any(|n| n.id == *from)) {
                return Err(bad(format!(
                    "`node_map` names `{from}`, a node of no earlier version of the flow"
                )));
            }
            if !flow.nodes.iter().any(|n| n.id == *to) {
                return Err(bad(format!(
                    "`node_map` sends `{from}` to `{to}`, a node the new version does not have"
                )));
            }
        }
        Ok(())
    }

    /// The waiting enrollments of a flow, as this input sees them, in contact order.
    fn in_flight(&self, tx: &Tx, flow: &FlowId) -> crate::Result<Vec<Enrollment>> {
        let mut out: Vec<Enrollment> = Vec::new();
        for e in self.store.enrollments(Some(flow), None)? {
            let e = tx.get(&e.flow, &e.contact).cloned().unwrap_or(e);
            out.push(e);
        }
        if let Some(by_contact) = tx.overlay.get(flow) {
            for (c, b) in by_contact {
                if !out.iter().any(|e| e.contact == *c) {
                    out.push(b.1.clone());
                }
            }
        }
        out.retain(Enrollment::is_waiting);
        out.sort_by(|a, b| a.contact.cmp(&b.contact));
        Ok(out)
    }

    /// A contact's waiting enrollment in a flow, or the error saying why there is none.
    fn waiting_in(&self, tx: &Tx, flow: &FlowId, contact: &ContactId) -> crate::Result<Enrollment> {
        self.head(flow)?;
        match self.load(tx, flow, contact)? {
            Some(e) if e.is_waiting() && e.node != NO_NODE => Ok(e),
            found => {
                let why = match found {
                    None => format!("contact `{contact}` never entered flow `{flow}`"),
                    Some(e) => format!(
                        "contact `{contact}` is not waiting in flow `{flow}`: it {}",
                        match e.state {
                            EnrollmentState::Finished => "finished",
                            _ => "exited",
                        }
                    ),
                };
                Err(EngineError::new(EngineCode::EnrollmentNotWaiting, why)
                    .flow(flow)
                    .contact(contact)
                    .path("/contact")
                    .into_error())
            }
        }
    }

    fn do_duplicate(&mut self, tx: &mut Tx, flow: &FlowId, new_id: &FlowId) -> crate::Result<Flow> {
        self.catch_up(tx)?;
        let head = self.head(flow)?;
        if self.head(new_id).is_ok() {
            return Err(EngineError::new(
                EngineCode::FlowTaken,
                format!("a flow `{new_id}` was already published"),
            )
            .flow(new_id)
            .path("/new_id")
            .into_error());
        }
        let mut copy = self
            .store
            .flow(flow, head.version)?
            .ok_or_else(|| unknown_flow(flow))?;
        copy.id = new_id.clone();
        copy.status = FlowStatus::Draft;
        copy.version = 1;
        copy.name = format!("{} (copy)", copy.name);
        copy.triggers.retain(|t| {
            !matches!(
                t,
                Trigger::InboundMessage {
                    matching: MessageMatch::Keyword { .. },
                    ..
                }
            )
        });
        if copy.triggers.is_empty() {
            copy.triggers.push(Trigger::Manual {
                recipients: Recipients::Api {},
            });
        }
        for node in &mut copy.nodes {
            if let NodeKind::Send(s) = &mut node.kind {
                if let Some(c) = &mut s.content {
                    c.media.clear();
                }
            }
        }
        let published = self.do_publish(tx, copy)?;
        Ok(self.compiled(new_id, published.version)?.flow.clone())
    }

    fn do_skip_wait(
        &mut self,
        tx: &mut Tx,
        flow: &FlowId,
        contact: &ContactId,
        by: Option<String>,
    ) -> crate::Result<()> {
        self.catch_up(tx)?;
        let now = tx.now;
        let mut e = self.waiting_in(tx, flow, contact)?;
        let cf = self.compiled(flow, e.version)?;
        let was = super::nodes::wait_reason(&cf.flow, &e);
        tx.by = by;
        tx.log(
            now,
            &e,
            cf.node_id(e.node),
            Action::WaitSkipped,
            Some(format!("wait skipped ({was})")),
            None,
        );
        tx.by = None;
        // The timer fires now (in a paused flow: when it resumes).
        e.due = Some(now);
        if e.wait == crate::store::WaitKind::None {
            e.wait = crate::store::WaitKind::Timer;
        }
        self.save(tx, e)
    }

    fn do_move_to(
        &mut self,
        tx: &mut Tx,
        flow: &FlowId,
        contact: &ContactId,
        node: &NodeId,
        by: Option<String>,
    ) -> crate::Result<()> {
        self.catch_up(tx)?;
        let now = tx.now;
        let e = self.waiting_in(tx, flow, contact)?;
        let cf = self.compiled(flow, e.version)?;
        let Some(index) = cf.index.get(node).copied() else {
            return Err(EngineError::new(
                EngineCode::NodeUnknown,
                format!(
                    "version {} of flow `{flow}` has no node `{node}`",
                    e.version
                ),
            )
            .flow(flow)
            .node(node)
            .path("/node")
            .into_error());
        };
        if self.head(flow)?.status != FlowStatus::Active {
            return Err(EngineError::new(
                EngineCode::FlowStatus,
                format!("flow `{flow}` is not active: resume it before moving contacts"),
            )
            .flow(flow)
            .path("/status")
            .into_error());
        }
        let from = cf.node_id(e.node).cloned();
        let why = match &from {
            Some(f) => format!("moved from `{f}` to `{node}`"),
            None => format!("moved to `{node}`"),
        };
        tx.by = by;
        tx.log(now, &e, from.as_ref(), Action::Moved, Some(why), None);
        tx.by = None;
        self.advance(tx, e, &cf, now, Next::Enter(index))
    }

    fn do_cancel(
        &mut self,
        tx: &mut Tx,
        flow: &FlowId,
        contact: &ContactId,
        by: Option<String>,
    ) -> crate::Result<()> {
        self.catch_up(tx)?;
        let now = tx.now;
        let mut e = self.waiting_in(tx, flow, contact)?;
        let cf = self.compiled(flow, e.version)?;
        tx.by = by;
        let done = self.end(tx, &mut e, &cf, now, EnrollmentState::Exited, "cancelled");
        tx.by = None;
        done
    }
}
