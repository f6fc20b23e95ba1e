//! Registering segments: checks (ids, conditions, references, cycles), the reverse maps from
//! what segments read to the segments, and the dependency order.

use std::collections::{BTreeSet, HashMap, VecDeque};

use chrono::{DateTime, Utc};

use super::{Entry, Prepared, SegmentIndex};
use crate::condition::eval::CompiledCondition;
use crate::condition::Condition;
use crate::error::{ConditionError, Error, SegmentCode};
use crate::model::{ContactId, SegmentId};
use crate::segment::{MembershipDelta, Segment};

pub(super) fn error(code: SegmentCode, path: String, message: String) -> Error {
    Error::Condition(Box::new(ConditionError {
        code: code.into(),
        path,
        message,
    }))
}

/// Prefixes the path of a condition error.
pub(super) fn within(prefix: &str, e: Error) -> Error {
    match e {
        Error::Condition(mut c) => {
            c.path = format!("{prefix}{}", c.path);
            Error::Condition(c)
        }
        other => other,
    }
}

/// Every `in_segment` of a condition with the pointer of its `segment` key.
fn segment_refs(c: &Condition, path: &mut String, out: &mut Vec<(SegmentId, String)>) {
    let len = path.len();
    match c {
        Condition::And { conditions } | Condition::Or { conditions } => {
            for (i, child) in conditions.iter().enumerate() {
                path.push_str(&format!("/conditions/{i}"));
                segment_refs(child, path, out);
                path.truncate(len);
            }
        }
        Condition::Not { condition } => {
            path.push_str("/condition");
            segment_refs(condition, path, out);
            path.truncate(len);
        }
        Condition::InSegment { segment } => out.push((segment.clone(), format!("{path}/segment"))),
        _ => {}
    }
}

impl SegmentIndex {
    /// Checks segments before inserting (or replacing) them: ids, conditions, references,
    /// cycles. `prefix(i)` is the pointer of segment `i` in what the caller passed.
    pub(super) fn prepare(
        &self,
        segments: Vec<Segment>,
        replacing: bool,
        prefix: impl Fn(usize) -> String,
    ) -> crate::Result<Vec<Prepared>> {
        let mut batch: HashMap<SegmentId, usize> = HashMap::new();
        for (i, s) in segments.iter().enumerate() {
            let exists = self.ids.contains_key(&s.id);
            if replacing && !exists {
                return Err(error(
                    SegmentCode::Unknown,
                    format!("{}/id", prefix(i)),
                    format!("there is no segment `{}` to replace", s.id),
                ));
            }
            if (!replacing && exists) || batch.insert(s.id.clone(), i).is_some() {
                return Err(error(
                    SegmentCode::Duplicate,
                    format!("{}/id", prefix(i)),
                    format!("there is already a segment `{}`", s.id),
                ));
            }
        }
        // Compiling first also bounds the nesting depth before the walks below.
        let mut compiled = Vec::with_capacity(segments.len());
        for (i, s) in segments.iter().enumerate() {
            compiled.push(
                CompiledCondition::compile(&s.condition, self.schema.as_ref())
                    .map_err(|e| within(&format!("{}/condition", prefix(i)), e))?,
            );
        }
        let mut refs: Vec<Vec<(SegmentId, String)>> = Vec::with_capacity(segments.len());
        for (i, s) in segments.iter().enumerate() {
            let mut out = Vec::new();
            segment_refs(
                &s.condition,
                &mut format!("{}/condition", prefix(i)),
                &mut out,
            );
            for (r, path) in &out {
                if !batch.contains_key(r) && !self.ids.contains_key(r) {
                    return Err(error(
                        SegmentCode::Unknown,
                        path.clone(),
                        format!("there is no segment `{r}`"),
                    ));
                }
            }
            refs.push(out);
        }
        // The segments read by `id`, with the new definitions taking precedence.
        let reads = |id: &SegmentId| -> Vec<SegmentId> {
            if let Some(i) = batch.get(id) {
                return refs[*i].iter().map(|(r, _)| r.clone()).collect();
            }
            self.entry(id)
                .map(|e| {
                    e.refs
                        .iter()
                        .filter_map(|s| self.segs.get(*s as usize)?.as_ref())
                        .map(|e| e.segment.id.clone())
                        .collect()
                })
                .unwrap_or_default()
        };
        for (i, s) in segments.iter().enumerate() {
            for (r, path) in &refs[i] {
                if let Some(mut cycle) = path_between(r, &s.id, &reads) {
                    cycle.insert(0, s.id.clone());
                    let names: Vec<&str> = cycle.iter().map(SegmentId::as_str).collect();
                    return Err(error(
                        SegmentCode::Cycle,
                        path.clone(),
                        format!(
                            "segments read each other in a circle: {}",
                            names.join(" → ")
                        ),
                    ));
                }
            }
        }
        let mut out = Vec::with_capacity(segments.len());
        for ((s, r), compiled) in segments.into_iter().zip(refs).zip(compiled) {
            let mut ids: Vec<SegmentId> = r.into_iter().map(|(id, _)| id).collect();
            ids.sort();
            ids.dedup();
            out.push(Prepared {
                segment: s,
                compiled,
                refs: ids,
            });
        }
        Ok(out)
    }

    /// Inserts checked new segments (dependencies first) and evaluates them for everyone.
    pub(super) fn insert_all(
        &mut self,
        prepared: Vec<Prepared>,
        now: DateTime<Utc>,
    ) -> Vec<MembershipDelta> {
        // Order the batch so that a segment comes after the batch segments it reads.
        let names: HashMap<SegmentId, usize> = prepared
            .iter()
            .enumerate()
            .map(|(i, p)| (p.segment.id.clone(), i))
            .collect();
        let mut pending: Vec<usize> = prepared
            .iter()
            .map(|p| p.refs.iter().filter(|r| names.contains_key(*r)).count())
            .collect();
        let mut readers: Vec<Vec<usize>> = vec![Vec::new(); prepared.len()];
        for (i, p) in prepared.iter().enumerate() {
            for r in &p.refs {
                if let Some(j) = names.get(r) {
                    readers[*j].push(i);
                }
            }
        }
        let mut queue: VecDeque<usize> = (0..prepared.len()).filter(|i| pending[*i] == 0).collect();
        let mut order = Vec::with_capacity(prepared.len());
        while let Some(i) = queue.pop_front() {
            order.push(i);
            for &j in &readers[i] {
                pending[j] -= 1;
                if pending[j] == 0 {
                    queue.push_back(j);
                }
            }
        }
        let mut slots_of: Vec<Option<Prepared>> = prepared.into_iter().map(Some).collect();
        let mut new_slots = Vec::with_capacity(order.len());
        for i in order {
            let Some(p) = slots_of.get_mut(i).and_then(Option::take) else {
                continue;
            };
            let slot = self.segs.len() as u32;
            let refs: Vec<u32> = p
                .refs
                .iter()
                .filter_map(|r| self.ids.get(r).copied())
                .collect();
            let rank = refs
                .iter()
                .filter_map(|r| self.segs.get(*r as usize)?.as_ref())
                .map(|e| e.rank + 1)
                .max()
                .unwrap_or(0);
            self.ids.insert(p.segment.id.clone(), slot);
            self.segs.push(Some(Entry {
                segment: p.segment,
                compiled: p.compiled,
                refs,
                dependents: BTreeSet::new(),
                rank,
                members: BTreeSet::new(),
            }));
            self.link(slot);
            new_slots.push(slot);
        }
        let ids: Vec<ContactId> = self.contacts.keys().cloned().collect();
        let mut deltas = Vec::new();
        for id in ids {
            deltas.extend(self.run(&id, new_slots.iter().copied(), now));
        }
        deltas
    }

    /// Adds a segment to the reverse maps and to the readers of the segments it reads.
    pub(super) fn link(&mut self, slot: u32) {
        let Some(Some(e)) = self.segs.get(slot as usize) else {
            return;
        };
        let deps = e.compiled.dependencies().clone();
        let refs = e.refs.clone();
        for f in deps.fields {
            self.by_field.entry(f).or_default().push(slot);
        }
        for t in deps.tags {
            self.by_tag.entry(t).or_default().push(slot);
        }
        for l in deps.lists {
            self.by_list.entry(l).or_default().push(slot);
        }
        for c in deps.consent {
            self.by_consent.entry(c).or_default().push(slot);
        }
        for ev in deps.events {
            self.by_event.entry(ev).or_default().push(slot);
        }
        for r in refs {
            if let Some(Some(target)) = self.segs.get_mut(r as usize) {
                target.dependents.insert(slot);
            }
        }
    }

    /// Removes a segment from the reverse maps and from the readers of what it reads.
    pub(super) fn unlink(&mut self, slot: u32) {
        let Some(Some(e)) = self.segs.get(slot as usize) else {
            return;
        };
        let deps = e.compiled.dependencies().clone();
        let refs = e.refs.clone();
        fn drop_from<K: std::hash::Hash + Eq>(
            map: &mut crate::hash::FastMap<K, Vec<u32>>,
            key: &K,
            slot: u32,
        ) {
            if let Some(v) = map.get_mut(key) {
                v.retain(|s| *s != slot);
                if v.is_empty() {
                    map.remove(key);
                }
            }
        }
        for f in &deps.fields {
            drop_from(&mut self.by_field, f, slot);
        }
        for t in &deps.tags {
            drop_from(&mut self.by_tag, t, slot);
        }
        for l in &deps.lists {
            drop_from(&mut self.by_list, l, slot);
        }
        for c in &deps.consent {
            drop_from(&mut self.by_consent, c, slot);
        }
        for ev in &deps.events {
            drop_from(&mut self.by_event, ev, slot);
        }
        for r in refs {
            if let Some(Some(target)) = self.segs.get_mut(r as usize) {
                target.dependents.remove(&slot);
            }
        }
    }

    /// Recomputes every rank (after a replacement changed what a segment reads).
    pub(super) fn rerank(&mut self) {
        let n = self.segs.len();
        let mut pending: Vec<usize> = self
            .segs
            .iter()
            .map(|e| e.as_ref().map_or(0, |e| e.refs.len()))
            .collect();
        let mut queue: VecDeque<u32> = (0..n as u32)
            .filter(|s| self.segs[*s as usize].is_some() && pending[*s as usize] == 0)
            .collect();
        let mut rank = vec![0u32; n];
        while let Some(s) = queue.pop_front() {
            let Some(Some(e)) = self.segs.get(s as usize) else {
                continue;
            };
            let dependents: Vec<u32> = e.dependents.iter().copied().collect();
            for d in dependents {
                let next = rank[s as usize] + 1;
                let Some(slot) = rank.get_mut(d as usize) else {
                    continue;
                };
                *slot = (*slot).max(next);
                pending[d as usize] = pending[d as usize].saturating_sub(1);
                if pending[d as usize] == 0 {
                    queue.push_back(d);
                }
            }
        }
        for (i, e) in self.segs.iter_mut().enumerate() {
            if let Some(e) = e {
                e.rank = rank[i];
            }
        }
    }
}

/// A path `from → … → to` following `reads`, if there is one.
fn path_between(
    from: &SegmentId,
    to: &SegmentId,
    reads: &dyn Fn(&SegmentId) -> Vec<SegmentId>,
) -> Option<Vec<SegmentId>> {
    let mut seen: BTreeSet<SegmentId> = BTreeSet::new();
    let mut parent: HashMap<SegmentId, SegmentId> = HashMap::new();
    let mut stack = vec![from.clone()];
    seen.insert(from.clone());
    while let Some(cur) = stack.pop() {
        if cur == *to {
            let mut path = vec![cur.clone()];
            let mut at = cur;
            while let Some(p) = parent.get(&at) {
                path.push(p.clone());
                at = p.clone();
            }
            path.reverse();
            return Some(path);
        }
        for next in reads(&cur) {
            if seen.insert(next.clone()) {
                parent.insert(next.clone(), cur.clone());
                stack.push(next);
            }
        }
    }
    None
}
