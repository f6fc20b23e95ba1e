//! The writes of one input: an overlay of the enrollments it changed (read before the store),
//! their timers, and the [`Batch`] committed at the end.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use chrono::{DateTime, Utc};

use super::io::{Action, Effect, HistoryEntry};
use crate::model::{ContactId, FlowId, NodeId};
use crate::store::{Batch, Enrollment, StatDelta, StatKind, WaitKind, NO_NODE};

/// Work queued during an input, run in order after the step that queued it.
#[derive(Debug, Clone)]
pub(crate) enum Work {
    /// A contact qualifies for a flow.
    Enter {
        flow: FlowId,
        contact: ContactId,
        at: DateTime<Utc>,
        event: Option<u32>,
        cause: String,
    },
    /// A contact changed: check goals, exit conditions and awaited conditions.
    Changed {
        contact: ContactId,
        at: DateTime<Utc>,
    },
}

type Key = (FlowId, ContactId);

/// An enrollment changed by an input: as stored before it, and as now.
pub(crate) type Changed = (Option<Enrollment>, Enrollment);

/// One input's state.
#[derive(Debug)]
pub(crate) struct Tx {
    pub now: DateTime<Utc>,
    pub batch: Batch,
    /// Enrollments changed, by flow and contact: (as stored before the input, as now).
    pub overlay: HashMap<FlowId, HashMap<ContactId, Box<Changed>>>,
    /// Timers of the overlay's waiting enrollments.
    pub timers: BTreeSet<(DateTime<Utc>, FlowId, ContactId)>,
    /// Steps run.
    pub steps: usize,
    /// Queued work.
    pub queue: VecDeque<Work>,
    /// Entries per (flow, contact) in this input (a guard against trigger loops).
    pub entries: BTreeMap<Key, u32>,
    /// Compiled flows added by this input (dropped from the cache if it fails).
    pub compiled: Vec<(FlowId, u32)>,
    /// Trigger cursors moved by this input.
    pub cursors: BTreeMap<(FlowId, u32), DateTime<Utc>>,
    /// While a resumed flow runs the work that fell due during a pause: when it fell due.
    pub late: Option<DateTime<Utc>>,
    /// Whether history entries are kept.
    pub history: bool,
    /// The messages sent by this input, by contact (for frequency caps).
    pub sent_by: std::collections::HashMap<ContactId, Vec<crate::time::SentMessage>>,
    /// Who asked for a step taken by hand, while it is logged (issue 12).
    pub by: Option<String>,
}

/// True when an enrollment sits in the timer index.
pub(crate) fn timed(e: &Enrollment) -> Option<DateTime<Utc>> {
    if e.is_waiting() && e.wait != WaitKind::Paused && e.wait != WaitKind::None {
        e.due
    } else {
        None
    }
}

impl Tx {
    pub fn new(now: DateTime<Utc>) -> Self {
        Tx {
            now,
            batch: Batch {
                clock: Some(now),
                ..Batch::default()
            },
            overlay: HashMap::new(),
            timers: BTreeSet::new(),
            steps: 0,
            queue: VecDeque::new(),
            entries: BTreeMap::new(),
            compiled: Vec::new(),
            cursors: BTreeMap::new(),
            late: None,
            history: true,
            sent_by: std::collections::HashMap::new(),
            by: None,
        }
    }

    /// The overlay's version of an enrollment, when the input changed it.
    pub fn get(&self, flow: &FlowId, contact: &ContactId) -> Option<&Enrollment> {
        self.overlay.get(flow)?.get(contact).map(|b| &b.1)
    }

    /// Writes an enrollment; `original` is the stored version (read before the first write).
    pub fn put(&mut self, original: Option<Enrollment>, e: Enrollment) {
        let new_timer = timed(&e).map(|d| (d, e.flow.clone(), e.contact.clone()));
        if !self.overlay.contains_key(&e.flow) {
            self.overlay.insert(e.flow.clone(), HashMap::new());
        }
        let Some(by_contact) = self.overlay.get_mut(&e.flow) else {
            return;
        };
        match by_contact.get_mut(&e.contact) {
            Some(cur) => {
                if let Some(d) = timed(&cur.1) {
                    self.timers.remove(&(d, e.flow.clone(), e.contact.clone()));
                }
                cur.1 = e;
            }
            None => {
                by_contact.insert(e.contact.clone(), Box::new((original, e)));
            }
        }
        if let Some(t) = new_timer {
            self.timers.insert(t);
        }
    }

    /// Records a message sent to a contact.
    pub fn sent(&mut self, contact: &ContactId, m: crate::time::SentMessage) {
        self.batch.sent.push((contact.clone(), m));
        self.sent_by.entry(contact.clone()).or_default().push(m);
    }

    /// Adds an effect to the outbox.
    pub fn effect(&mut self, e: Effect) {
        self.batch.effects.push(e);
    }

    /// Counts a statistic.
    pub fn stat(
        &mut self,
        flow: &FlowId,
        node: Option<&NodeId>,
        kind: StatKind,
        reason: Option<&str>,
        at: DateTime<Utc>,
    ) {
        self.batch.stats.push(StatDelta {
            flow: flow.clone(),
            node: node.cloned(),
            day: at.date_naive(),
            kind,
            reason: reason.map(str::to_owned),
            delta: 1,
        });
    }

    /// Appends a history entry.
    #[allow(clippy::too_many_arguments)]
    pub fn log(
        &mut self,
        at: DateTime<Utc>,
        e: &Enrollment,
        node: Option<&NodeId>,
        action: Action,
        reason: Option<String>,
        effect: Option<&super::EffectKey>,
    ) {
        if !self.history {
            return;
        }
        self.batch.history.push(HistoryEntry {
            at,
            flow: e.flow.clone(),
            version: e.version,
            contact: e.contact.clone(),
            node: node.cloned(),
            action,
            reason,
            effect: effect.cloned(),
            by: self.by.clone(),
        });
    }

    /// The batch to commit: the overlay's enrollments, and the change of the `waiting` counters.
    pub fn finish(mut self, node_of: impl Fn(&Enrollment) -> Option<NodeId>) -> Batch {
        let day = self.now.date_naive();
        for ((flow, trigger), at) in std::mem::take(&mut self.cursors) {
            self.batch.cursors.push((flow, trigger, at));
        }
        let changed = std::mem::take(&mut self.overlay)
            .into_values()
            .flat_map(HashMap::into_values);
        for b in changed {
            let (original, e) = *b;
            let parked = |x: &Enrollment| x.is_waiting() && x.wait != WaitKind::None;
            let before = original
                .as_ref()
                .filter(|o| parked(o) && o.node != NO_NODE)
                .map(&node_of);
            let after = (parked(&e) && e.node != NO_NODE).then(|| node_of(&e));
            if before != after {
                let mut delta = |node: Option<NodeId>, d: i64| {
                    self.batch.stats.push(StatDelta {
                        flow: e.flow.clone(),
                        node,
                        day,
                        kind: StatKind::Waiting,
                        reason: None,
                        delta: d,
                    });
                };
                if let Some(n) = before {
                    delta(n, -1);
                }
                if let Some(n) = after {
                    delta(n, 1);
                }
            }
            self.batch.enrollments.push(e);
        }
        self.batch
    }
}
