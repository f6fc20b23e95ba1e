//! Evaluating segments for one contact: what a change touched, and running the affected
//! segments (then their readers) in dependency order, keeping memberships and wake-ups.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

use super::{Entry, SegmentIndex};
use crate::condition::eval::EvalContext;
use crate::model::{Channel, Contact, ContactId, SegmentId};
use crate::segment::{MembershipChange, MembershipDelta};

impl SegmentIndex {
    pub(super) fn all_slots(&self) -> Vec<u32> {
        self.segs
            .iter()
            .enumerate()
            .filter(|(_, e)| e.is_some())
            .map(|(i, _)| i as u32)
            .collect()
    }

    /// The slots of the segments reading something that differs between `old` and the
    /// contact now held under `id`.
    pub(super) fn touched(&self, old: &Contact, id: &ContactId) -> Vec<u32> {
        let Some(new) = self.contacts.get(id).map(|s| &s.contact) else {
            return Vec::new();
        };
        let mut out = BTreeSet::new();
        let mut add = |slots: Option<&Vec<u32>>| out.extend(slots.into_iter().flatten().copied());
        let keys: BTreeSet<&String> = old.fields.keys().chain(new.fields.keys()).collect();
        for k in keys {
            if old.fields.get(k) != new.fields.get(k) {
                add(self.by_field.get(k.as_str()));
            }
        }
        let builtins: [(&str, bool); 6] = [
            ("email", old.email != new.email),
            ("phone", old.phone != new.phone),
            ("time_zone", old.time_zone != new.time_zone),
            ("locale", old.locale != new.locale),
            ("created_at", old.created_at != new.created_at),
            ("updated_at", old.updated_at != new.updated_at),
        ];
        for (k, changed) in builtins {
            if changed {
                add(self.by_field.get(k));
            }
        }
        for t in old.tags.symmetric_difference(&new.tags) {
            add(self.by_tag.get(t.as_str()));
        }
        for l in old.lists.symmetric_difference(&new.lists) {
            add(self.by_list.get(l));
        }
        for ch in Channel::ALL {
            if old.consent_status(ch) != new.consent_status(ch) {
                add(self.by_consent.get(&ch));
            }
        }
        out.into_iter().collect()
    }

    /// Re-evaluates one segment (and its readers) for every contact.
    pub(super) fn evaluate_everyone(
        &mut self,
        slot: u32,
        now: DateTime<Utc>,
    ) -> Vec<MembershipDelta> {
        let ids: Vec<ContactId> = self.contacts.keys().cloned().collect();
        let mut deltas = Vec::new();
        for id in ids {
            deltas.extend(self.run(&id, [slot], now));
        }
        deltas
    }

    /// Evaluates the given segments (then, transitively, the readers of those whose membership
    /// changed) for one contact at `now`, in rank order.
    pub(super) fn run(
        &mut self,
        id: &ContactId,
        initial: impl IntoIterator<Item = u32>,
        now: DateTime<Utc>,
    ) -> Vec<MembershipDelta> {
        let SegmentIndex {
            segs,
            ids,
            contacts,
            wakeups,
            evaluations,
            default_time_zone,
            ..
        } = self;
        let Some(state) = contacts.get_mut(id) else {
            return Vec::new();
        };
        let rank_of = |segs: &[Option<Entry>], s: u32| {
            segs.get(s as usize)
                .and_then(Option::as_ref)
                .map(|e| (e.rank, s))
        };
        let mut work: BTreeSet<(u32, u32)> = initial
            .into_iter()
            .filter_map(|s| rank_of(segs, s))
            .collect();
        let mut deltas = Vec::new();
        while let Some((_, slot)) = work.pop_first() {
            let Some(entry) = segs.get_mut(slot as usize).and_then(Option::as_mut) else {
                continue;
            };
            let (is_in, wake) = {
                let member_of = &state.member_of;
                let lookup = |s: &SegmentId| ids.get(s).is_some_and(|x| member_of.contains(x));
                let ctx = EvalContext::new(now)
                    .with_default_time_zone(*default_time_zone)
                    .with_segments(&lookup);
                let is_in = entry.compiled.matches(&state.contact, &state.events, &ctx);
                let wake = if entry.compiled.is_time_relative() {
                    entry
                        .compiled
                        .next_change_at(&state.contact, &state.events, &ctx)
                } else {
                    None
                };
                (is_in, wake)
            };
            *evaluations += 1;
            if let Some(old) = state.wake.remove(&slot) {
                wakeups.remove(&(old, id.clone(), slot));
            }
            if let Some(w) = wake {
                state.wake.insert(slot, w);
                wakeups.insert((w, id.clone(), slot));
            }
            if is_in == state.member_of.contains(&slot) {
                continue;
            }
            let change = if is_in {
                state.member_of.insert(slot);
                entry.members.insert(id.clone());
                MembershipChange::Entered
            } else {
                state.member_of.remove(&slot);
                entry.members.remove(id);
                MembershipChange::Left
            };
            deltas.push(MembershipDelta {
                contact: id.clone(),
                segment: entry.segment.id.clone(),
                change,
                at: now,
            });
            let readers: Vec<u32> = entry.dependents.iter().copied().collect();
            work.extend(readers.into_iter().filter_map(|s| rank_of(segs, s)));
        }
        deltas
    }
}
