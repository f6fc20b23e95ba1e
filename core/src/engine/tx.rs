//! The writes of one input: an overlay of the enrollments it changed (read before the store),
//! their timers, and the [`Batch`] committed at the end.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use crate::hash::FastMap as HashMap;

use std::hash::BuildHasher;

use chrono::{DateTime, NaiveDate, Utc};
use foldhash::fast::FixedState;

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
    pub sent_by: HashMap<ContactId, Vec<crate::time::SentMessage>>,
    /// Who asked for a step taken by hand, while it is logged (issue 12).
    pub by: Option<String>,
    /// Where each counter's merged delta is in `batch.stats`, by the hash of its key.
    stat_slots: HashMap<u64, Vec<u32>>,
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
            overlay: HashMap::default(),
            timers: BTreeSet::new(),
            steps: 0,
            queue: VecDeque::new(),
            entries: BTreeMap::new(),
            compiled: Vec::new(),
            cursors: BTreeMap::new(),
            late: None,
            history: true,
            sent_by: HashMap::default(),
            by: None,
            stat_slots: HashMap::default(),
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
            self.overlay.insert(e.flow.clone(), HashMap::default());
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
        self.add_stat(flow, node, at.date_naive(), kind, reason, 1);
    }

    /// Adds `delta` to a counter, merged with the input's earlier delta of the same counter
    /// (flow, node, day, kind, reason): one [`StatDelta`] per counter and input instead of one
    /// per step, so that a tick of a million steps neither clones ids per step nor makes the
    /// store apply a million deltas (the profile of `engine-bench`: `benches/RESULTS.md`).
    fn add_stat(
        &mut self,
        flow: &FlowId,
        node: Option<&NodeId>,
        day: NaiveDate,
        kind: StatKind,
        reason: Option<&str>,
        delta: i64,
    ) {
        let key = (flow.as_str(), node.map(NodeId::as_str), day, kind, reason);
        let hash = FixedState::default().hash_one(key);
        let same = |d: &StatDelta| {
            d.flow == *flow
                && d.node.as_ref() == node
                && d.day == day
                && d.kind == kind
                && d.reason.as_deref() == reason
        };
        let slots = self.stat_slots.entry(hash).or_default();
        for &i in slots.iter() {
            if let Some(d) = self.batch.stats.get_mut(i as usize).filter(|d| same(d)) {
                d.delta += delta;
                return;
            }
        }
        slots.push(self.batch.stats.len() as u32);
        self.batch.stats.push(StatDelta {
            flow: flow.clone(),
            node: node.cloned(),
            day,
            kind,
            reason: reason.map(str::to_owned),
            delta,
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
                if let Some(n) = before {
                    self.add_stat(&e.flow, n.as_ref(), day, StatKind::Waiting, None, -1);
                }
                if let Some(n) = after {
                    self.add_stat(&e.flow, n.as_ref(), day, StatKind::Waiting, None, 1);
                }
            }
            self.batch.enrollments.push(e);
        }
        self.batch
    }
}
