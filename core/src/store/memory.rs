//! The in-memory store: the audience plus the engine's state, compact (interned ids, fixed-size
//! enrollment slots, timers in a B-tree by due time).

use std::collections::{BTreeMap, BTreeSet};

use crate::hash::FastMap as HashMap;

use chrono::{DateTime, Utc};

use super::state::{Batch, Enrollment, FlowHead, StatDelta, StatKind, Store, WaitKind};
use super::StoreError;
use crate::engine::{Counts, Effect, EffectKey, EnrollmentState, FlowStats, HistoryEntry};
use crate::flow::{Flow, FlowStatus};
use crate::list::Audience;
use crate::model::{Contact, ContactId, FlowId};
use crate::time::SentMessage;

/// Everything in memory: an [`Audience`] (contacts, events, lists, segments) and the flow
/// engine's state. Implements [`Store`] (and so [`ContactStore`](super::ContactStore)).
///
/// A waiting enrollment takes a fixed-size slot (ids interned to `u32`, instants as
/// microseconds) plus its timer entry: see `benches/RESULTS.md` for the measured bytes.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use sequenza::store::{ContactStore, MemoryStore};
/// use sequenza::Contact;
/// let now = Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap();
/// let mut store = MemoryStore::new();
/// store.upsert(Contact::new("anna"), now)?;
/// assert_eq!(store.len(), 1);
/// # Ok::<(), sequenza::Error>(())
/// ```
#[derive(Debug, Default)]
pub struct MemoryStore {
    audience: Audience,
    clock: Option<DateTime<Utc>>,
    flow_ids: HashMap<FlowId, u32>,
    flows: Vec<FlowSlot>,
    contact_ids: HashMap<ContactId, u32>,
    contacts: Vec<ContactId>,
    enrollments: HashMap<(u32, u32), Slot>,
    reasons: HashMap<(u32, u32), String>,
    timers: BTreeSet<(i64, u32, u32)>,
    outbox: BTreeMap<u64, Effect>,
    outbox_keys: HashMap<EffectKey, u64>,
    done: HashMap<EffectKey, Effect>,
    seq: u64,
    sent: HashMap<u32, Vec<SentMessage>>,
    stats: HashMap<u32, FlowStats>,
    history: HashMap<u32, Vec<HistoryEntry>>,
    keep_history: bool,
    cursors: HashMap<(u32, u32), DateTime<Utc>>,
}

#[derive(Debug)]
struct FlowSlot {
    id: FlowId,
    status: FlowStatus,
    versions: Vec<Flow>,
}

/// One enrollment, compact: 56 bytes.
#[derive(Debug, Clone, Copy)]
struct Slot {
    version: u32,
    entry: u32,
    node: u32,
    step: u32,
    attempt: u32,
    event: u32,
    due: i64,
    since: i64,
    entered_at: i64,
    state: u8,
    wait: u8,
}

const NONE_TIME: i64 = i64::MIN;
const NONE_EVENT: u32 = u32::MAX;

fn micros(t: DateTime<Utc>) -> i64 {
    t.timestamp_micros()
}

fn instant(m: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(m).unwrap_or(DateTime::<Utc>::UNIX_EPOCH)
}

fn state_code(s: EnrollmentState) -> u8 {
    match s {
        EnrollmentState::Waiting => 0,
        EnrollmentState::Finished => 1,
        _ => 2,
    }
}

fn state_of(c: u8) -> EnrollmentState {
    match c {
        0 => EnrollmentState::Waiting,
        1 => EnrollmentState::Finished,
        _ => EnrollmentState::Exited,
    }
}

const WAITS: [WaitKind; 7] = [
    WaitKind::None,
    WaitKind::Timer,
    WaitKind::Send,
    WaitKind::Event,
    WaitKind::Reply,
    WaitKind::Response,
    WaitKind::Paused,
];

/// The due time of a slot in the timer index: waiting on a timer, not paused.
fn timer_of(s: &Slot) -> Option<i64> {
    let parked = s.wait != wait_code(WaitKind::None) && s.wait != wait_code(WaitKind::Paused);
    (s.due != NONE_TIME && s.state == 0 && parked).then_some(s.due)
}

fn wait_code(w: WaitKind) -> u8 {
    WAITS.iter().position(|x| *x == w).unwrap_or(0) as u8
}

impl MemoryStore {
    /// An empty store, keeping every contact's history.
    pub fn new() -> Self {
        MemoryStore {
            keep_history: true,
            ..MemoryStore::default()
        }
    }

    /// An empty store over an audience (its default time zone, lists and segments).
    pub fn with_audience(audience: Audience) -> Self {
        MemoryStore {
            audience,
            keep_history: true,
            ..MemoryStore::default()
        }
    }

    /// The same store without per-contact history (statistics are kept): for simulations and
    /// benchmarks over millions of steps.
    pub fn without_history(mut self) -> Self {
        self.keep_history = false;
        self
    }

    /// How many contacts it holds.
    pub fn len(&self) -> usize {
        self.audience.contact_count()
    }

    /// True when it holds no contact.
    pub fn is_empty(&self) -> bool {
        self.audience.contact_count() == 0
    }

    /// Every contact, by id.
    pub fn contacts(&self) -> impl Iterator<Item = &Contact> + '_ {
        self.audience.index().contacts()
    }

    /// How many enrollments it holds (waiting, finished and exited).
    pub fn enrollment_count(&self) -> usize {
        self.enrollments.len()
    }

    fn contact_ref(&mut self, id: &ContactId) -> u32 {
        if let Some(r) = self.contact_ids.get(id) {
            return *r;
        }
        let r = self.contacts.len() as u32;
        self.contacts.push(id.clone());
        self.contact_ids.insert(id.clone(), r);
        r
    }

    fn flow_ref(&mut self, id: &FlowId) -> u32 {
        if let Some(r) = self.flow_ids.get(id) {
            return *r;
        }
        let r = self.flows.len() as u32;
        self.flows.push(FlowSlot {
            id: id.clone(),
            status: FlowStatus::Draft,
            versions: Vec::new(),
        });
        self.flow_ids.insert(id.clone(), r);
        r
    }

    fn view(&self, (f, c): (u32, u32), s: &Slot) -> Option<Enrollment> {
        Some(Enrollment {
            flow: self.flows.get(f as usize)?.id.clone(),
            contact: self.contacts.get(c as usize)?.clone(),
            version: s.version,
            entry: s.entry,
            node: s.node,
            state: state_of(s.state),
            wait: WAITS.get(s.wait as usize).copied().unwrap_or_default(),
            step: s.step,
            attempt: s.attempt,
            due: (s.due != NONE_TIME).then(|| instant(s.due)),
            since: instant(s.since),
            entered_at: instant(s.entered_at),
            event: (s.event != NONE_EVENT).then_some(s.event),
            reason: self.reasons.get(&(f, c)).cloned(),
        })
    }

    fn put(&mut self, e: Enrollment) {
        let key = (self.flow_ref(&e.flow), self.contact_ref(&e.contact));
        if let Some(old) = self.enrollments.get(&key) {
            if let Some(d) = timer_of(old) {
                self.timers.remove(&(d, key.0, key.1));
            }
        }
        let slot = Slot {
            version: e.version,
            entry: e.entry,
            node: e.node,
            step: e.step,
            attempt: e.attempt,
            event: e.event.unwrap_or(NONE_EVENT),
            due: e.due.map_or(NONE_TIME, micros),
            since: micros(e.since),
            entered_at: micros(e.entered_at),
            state: state_code(e.state),
            wait: wait_code(e.wait),
        };
        if let Some(d) = timer_of(&slot) {
            self.timers.insert((d, key.0, key.1));
        }
        match e.reason {
            Some(r) => {
                self.reasons.insert(key, r);
            }
            None => {
                self.reasons.remove(&key);
            }
        }
        self.enrollments.insert(key, slot);
    }

    fn apply_stat(&mut self, d: StatDelta) {
        let f = self.flow_ref(&d.flow);
        let stats = self
            .stats
            .entry(f)
            .or_insert_with(|| FlowStats::new(d.flow.clone()));
        if d.kind == StatKind::Refused {
            bump(
                stats.refused.entry(d.reason.clone().unwrap_or_default()),
                d.delta,
            );
            return;
        }
        if d.kind == StatKind::Goal {
            if let Some(name) = &d.reason {
                bump(stats.goals_by_name.entry(name.clone()), d.delta);
            }
        }
        // A node entry counts for the node only; the flow counts its own entries.
        let flow_level = !(d.kind == StatKind::Entered && d.node.is_some());
        if flow_level {
            count(&mut stats.totals, &d);
            if d.kind != StatKind::Waiting {
                count(stats.days.entry(d.day).or_default(), &d);
            }
        }
        if let Some(n) = &d.node {
            count(stats.nodes.entry(n.clone()).or_default(), &d);
        }
    }
}

fn bump<K: Ord>(e: std::collections::btree_map::Entry<'_, K, u64>, delta: i64) {
    let v = e.or_insert(0);
    *v = v.saturating_add_signed(delta);
}

fn count(c: &mut Counts, d: &StatDelta) {
    let add = |v: &mut u64| *v = v.saturating_add_signed(d.delta);
    let reason = || d.reason.clone().unwrap_or_default();
    match d.kind {
        StatKind::Entered => add(&mut c.entered),
        StatKind::Waiting => add(&mut c.waiting),
        StatKind::Completed => add(&mut c.completed),
        StatKind::Exited => bump(c.exited.entry(reason()), d.delta),
        StatKind::Sent => add(&mut c.sent),
        StatKind::Deferred => add(&mut c.deferred),
        StatKind::Skipped => bump(c.skipped.entry(reason()), d.delta),
        StatKind::Delivered => add(&mut c.delivered),
        StatKind::Failed => add(&mut c.failed),
        StatKind::Bounced => add(&mut c.bounced),
        StatKind::Opened => add(&mut c.opened),
        StatKind::Clicked => add(&mut c.clicked),
        StatKind::Goal => add(&mut c.goals),
        StatKind::Refused => {}
    }
}

impl Store for MemoryStore {
    fn audience(&self) -> &Audience {
        &self.audience
    }

    fn audience_mut(&mut self) -> &mut Audience {
        &mut self.audience
    }

    fn clock(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        Ok(self.clock)
    }

    fn flow(&self, id: &FlowId, version: u32) -> Result<Option<Flow>, StoreError> {
        let Some(f) = self.flow_ids.get(id) else {
            return Ok(None);
        };
        Ok(self
            .flows
            .get(*f as usize)
            .and_then(|s| s.versions.iter().find(|v| v.version == version).cloned()))
    }

    fn flows(&self) -> Result<Vec<FlowHead>, StoreError> {
        let mut out: Vec<FlowHead> = self
            .flows
            .iter()
            .filter_map(|s| {
                Some(FlowHead {
                    flow: s.id.clone(),
                    version: s.versions.last()?.version,
                    status: s.status,
                })
            })
            .collect();
        out.sort_by(|a, b| a.flow.cmp(&b.flow));
        Ok(out)
    }

    fn enrollment(
        &self,
        flow: &FlowId,
        contact: &ContactId,
    ) -> Result<Option<Enrollment>, StoreError> {
        let (Some(f), Some(c)) = (self.flow_ids.get(flow), self.contact_ids.get(contact)) else {
            return Ok(None);
        };
        Ok(self
            .enrollments
            .get(&(*f, *c))
            .and_then(|s| self.view((*f, *c), s)))
    }

    fn enrollments(
        &self,
        flow: Option<&FlowId>,
        contact: Option<&ContactId>,
    ) -> Result<Vec<Enrollment>, StoreError> {
        let f = match flow {
            Some(id) => match self.flow_ids.get(id) {
                Some(f) => Some(*f),
                None => return Ok(Vec::new()),
            },
            None => None,
        };
        let c = match contact {
            Some(id) => match self.contact_ids.get(id) {
                Some(c) => Some(*c),
                None => return Ok(Vec::new()),
            },
            None => None,
        };
        let mut out: Vec<Enrollment> = match (f, c) {
            (Some(f), Some(c)) => self
                .enrollments
                .get(&(f, c))
                .and_then(|s| self.view((f, c), s))
                .into_iter()
                .collect(),
            (None, Some(c)) => (0..self.flows.len() as u32)
                .filter_map(|f| {
                    let s = self.enrollments.get(&(f, c))?;
                    self.view((f, c), s)
                })
                .collect(),
            _ => self
                .enrollments
                .iter()
                .filter(|((ef, _), _)| f.is_none_or(|f| f == *ef))
                .filter_map(|(k, s)| self.view(*k, s))
                .collect(),
        };
        out.sort_by(|a, b| (&a.flow, &a.contact).cmp(&(&b.flow, &b.contact)));
        Ok(out)
    }

    fn due(
        &self,
        after: Option<&(DateTime<Utc>, FlowId, ContactId)>,
        up_to: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<(DateTime<Utc>, FlowId, ContactId)>, StoreError> {
        let up_to = micros(up_to);
        let start = after.map_or(i64::MIN, |a| micros(a.0));
        let mut out: Vec<(DateTime<Utc>, FlowId, ContactId)> = Vec::new();
        let mut last = None;
        for (due, f, c) in self.timers.range((start, 0, 0)..) {
            if *due > up_to {
                break;
            }
            // Ties are ordered by (flow, contact) id: a tie group is returned whole.
            if out.len() >= limit && last != Some(*due) {
                break;
            }
            let (Some(fs), Some(cid)) =
                (self.flows.get(*f as usize), self.contacts.get(*c as usize))
            else {
                continue;
            };
            let item = (instant(*due), fs.id.clone(), cid.clone());
            if after.is_some_and(|a| item <= *a) {
                continue;
            }
            last = Some(*due);
            out.push(item);
        }
        out.sort();
        Ok(out)
    }

    fn next_due(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        Ok(self.timers.first().map(|(d, _, _)| instant(*d)))
    }

    fn outbox(&self) -> Result<Vec<Effect>, StoreError> {
        Ok(self.outbox.values().cloned().collect())
    }

    fn effect(&self, key: &EffectKey) -> Result<Option<(Effect, bool)>, StoreError> {
        if let Some(seq) = self.outbox_keys.get(key) {
            return Ok(self.outbox.get(seq).map(|e| (e.clone(), false)));
        }
        Ok(self.done.get(key).map(|e| (e.clone(), true)))
    }

    fn sent(&self, contact: &ContactId) -> Result<Vec<SentMessage>, StoreError> {
        Ok(self
            .contact_ids
            .get(contact)
            .and_then(|c| self.sent.get(c))
            .cloned()
            .unwrap_or_default())
    }

    fn stats(&self, flow: &FlowId) -> Result<FlowStats, StoreError> {
        Ok(self
            .flow_ids
            .get(flow)
            .and_then(|f| self.stats.get(f))
            .cloned()
            .unwrap_or_else(|| FlowStats::new(flow.clone())))
    }

    fn history(
        &self,
        contact: &ContactId,
        flow: Option<&FlowId>,
    ) -> Result<Vec<HistoryEntry>, StoreError> {
        Ok(self
            .contact_ids
            .get(contact)
            .and_then(|c| self.history.get(c))
            .map(|h| {
                h.iter()
                    .filter(|e| flow.is_none_or(|f| *f == e.flow))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default())
    }

    fn cursor(&self, flow: &FlowId, trigger: u32) -> Result<Option<DateTime<Utc>>, StoreError> {
        Ok(self
            .flow_ids
            .get(flow)
            .and_then(|f| self.cursors.get(&(*f, trigger)))
            .copied())
    }

    fn keeps_history(&self) -> bool {
        self.keep_history
    }

    fn begin(&mut self) -> Result<(), StoreError> {
        Ok(())
    }

    fn commit(&mut self, batch: Batch) -> Result<(), StoreError> {
        if let Some(c) = batch.clock {
            self.clock = Some(self.clock.map_or(c, |old| old.max(c)));
        }
        for flow in batch.flows {
            let f = self.flow_ref(&flow.id);
            if let Some(slot) = self.flows.get_mut(f as usize) {
                slot.versions.retain(|v| v.version != flow.version);
                slot.versions.push(flow);
                slot.versions.sort_by_key(|v| v.version);
            }
        }
        for (id, status) in batch.statuses {
            let f = self.flow_ref(&id);
            if let Some(slot) = self.flows.get_mut(f as usize) {
                slot.status = status;
            }
        }
        for e in batch.enrollments {
            self.put(e);
        }
        for e in batch.effects {
            self.seq += 1;
            self.outbox_keys.insert(e.key.clone(), self.seq);
            self.outbox.insert(self.seq, e);
        }
        for key in batch.acknowledged {
            if let Some(seq) = self.outbox_keys.remove(&key) {
                if let Some(e) = self.outbox.remove(&seq) {
                    self.done.insert(key, e);
                }
            }
        }
        for (contact, m) in batch.sent {
            let c = self.contact_ref(&contact);
            self.sent.entry(c).or_default().push(m);
        }
        for d in batch.stats {
            self.apply_stat(d);
        }
        if self.keep_history {
            for h in batch.history {
                let c = self.contact_ref(&h.contact);
                self.history.entry(c).or_default().push(h);
            }
        }
        for (flow, trigger, at) in batch.cursors {
            let f = self.flow_ref(&flow);
            self.cursors.insert((f, trigger), at);
        }
        Ok(())
    }

    fn rollback(&mut self) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_enrollment_slot_stays_small() {
        // With its (flow, contact) key and the hash table's control byte: 65 bytes, plus a
        // 16-byte timer entry while it waits (benches/RESULTS.md).
        assert_eq!(std::mem::size_of::<Slot>(), 56);
        assert_eq!(std::mem::size_of::<((u32, u32), Slot)>(), 64);
        assert_eq!(std::mem::size_of::<(i64, u32, u32)>(), 16);
    }
}
