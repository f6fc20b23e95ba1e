//! Registering, replacing and removing the segments of a [`SegmentIndex`].

use chrono::{DateTime, Utc};

use super::graph::error;
use super::SegmentIndex;
use crate::error::SegmentCode;
use crate::model::SegmentId;
use crate::segment::{MembershipChange, MembershipDelta, Segment};

impl SegmentIndex {
    /// Registers a new segment and evaluates it for every contact held.
    ///
    /// Errors: `segment.duplicate` (at `/id`), the compilation errors of its condition (at
    /// `/condition/…`), `segment.unknown` for an `in_segment` naming no registered segment and
    /// `segment.cycle` when segments would read each other in a circle (at the `segment` key of
    /// the `in_segment`, the cycle spelled out in the message).
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// # use sequenza::segment::{ContactChange, Segment, SegmentIndex};
    /// # use sequenza::Contact;
    /// # let now = Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap();
    /// # let mut index = SegmentIndex::new();
    /// # index.register(Segment::from_json(r#"{"id": "vip", "name": "VIP",
    /// #   "condition": {"type": "tags", "op": "has_any", "tags": ["vip"]}}"#)?, now)?;
    /// # let anna = Contact::from_json(r#"{"id": "anna", "tags": ["vip"]}"#)?;
    /// # index.apply(ContactChange::Upsert { contact: anna }, now);
    /// let deltas = index.register(Segment::from_json(r#"{"id": "all", "name": "Everyone",
    ///   "condition": {"type": "and", "conditions": []}}"#)?, now)?;
    /// assert_eq!(deltas.len(), 1); // anna entered
    /// let err = index.register(Segment::from_json(r#"{"id": "all", "name": "Again",
    ///   "condition": {"type": "and", "conditions": []}}"#)?, now).unwrap_err();
    /// assert_eq!(err.code(), "segment.duplicate");
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn register(
        &mut self,
        segment: Segment,
        now: DateTime<Utc>,
    ) -> crate::Result<Vec<MembershipDelta>> {
        let prepared = self.prepare(vec![segment], false, |_| String::new())?;
        Ok(self.insert_all(prepared, now))
    }

    /// Registers several segments at once, in any order (they may read each other). Nothing is
    /// registered when one fails; error paths start with the segment's position (`/2/condition/…`).
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use sequenza::segment::{Segment, SegmentIndex};
    /// let a = Segment::from_json(r#"{"id": "a", "name": "A", "condition": {"type": "in_segment", "segment": "b"}}"#)?;
    /// let b = Segment::from_json(r#"{"id": "b", "name": "B", "condition": {"type": "not",
    ///   "condition": {"type": "in_segment", "segment": "a"}}}"#)?;
    /// let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    /// let err = SegmentIndex::new().register_all(vec![a, b], now).unwrap_err();
    /// assert_eq!(err.code(), "segment.cycle");
    /// assert_eq!(err.path(), Some("/0/condition/segment"));
    /// assert!(err.message().contains("a → b → a"));
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn register_all(
        &mut self,
        segments: Vec<Segment>,
        now: DateTime<Utc>,
    ) -> crate::Result<Vec<MembershipDelta>> {
        let prepared = self.prepare(segments, false, |i| format!("/{i}"))?;
        Ok(self.insert_all(prepared, now))
    }

    /// Replaces the condition (and name) of a registered segment and re-evaluates it — and the
    /// segments reading it — for every contact. Errors as for [`register`](Self::register), and
    /// `segment.unknown` (at `/id`) when no such segment is registered.
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// # use sequenza::segment::{ContactChange, Segment, SegmentIndex};
    /// # use sequenza::Contact;
    /// # let now = Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap();
    /// # let mut index = SegmentIndex::new();
    /// # index.register(Segment::from_json(r#"{"id": "vip", "name": "VIP",
    /// #   "condition": {"type": "tags", "op": "has_any", "tags": ["vip"]}}"#)?, now)?;
    /// # let anna = Contact::from_json(r#"{"id": "anna", "tags": ["vip"]}"#)?;
    /// # index.apply(ContactChange::Upsert { contact: anna }, now);
    /// let deltas = index.replace(Segment::from_json(r#"{"id": "vip", "name": "VIP",
    ///   "condition": {"type": "tags", "op": "has_any", "tags": ["gold"]}}"#)?, now)?;
    /// assert_eq!(deltas.len(), 1); // anna exited
    /// assert!(!index.is_member(&"vip".into(), &"anna".into()));
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn replace(
        &mut self,
        segment: Segment,
        now: DateTime<Utc>,
    ) -> crate::Result<Vec<MembershipDelta>> {
        let mut prepared = self.prepare(vec![segment], true, |_| String::new())?;
        let Some(p) = prepared.pop() else {
            return Ok(Vec::new());
        };
        let Some(&slot) = self.ids.get(&p.segment.id) else {
            return Ok(Vec::new());
        };
        self.unlink(slot);
        let refs: Vec<u32> = p
            .refs
            .iter()
            .filter_map(|r| self.ids.get(r).copied())
            .collect();
        if let Some(Some(entry)) = self.segs.get_mut(slot as usize) {
            entry.segment = p.segment;
            entry.compiled = p.compiled;
            entry.refs = refs;
        }
        self.link(slot);
        self.rerank();
        Ok(self.evaluate_everyone(slot, now))
    }

    /// Removes a segment; its members exit. Errors: `segment.unknown` when no such segment is
    /// registered, or when another segment still reads it (remove or change that one first).
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// # use sequenza::segment::{ContactChange, Segment, SegmentIndex};
    /// # use sequenza::Contact;
    /// # let now = Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap();
    /// # let mut index = SegmentIndex::new();
    /// # index.register(Segment::from_json(r#"{"id": "vip", "name": "VIP",
    /// #   "condition": {"type": "tags", "op": "has_any", "tags": ["vip"]}}"#)?, now)?;
    /// # let anna = Contact::from_json(r#"{"id": "anna", "tags": ["vip"]}"#)?;
    /// # index.apply(ContactChange::Upsert { contact: anna }, now);
    /// let deltas = index.remove(&"vip".into(), now)?;
    /// assert_eq!(deltas.len(), 1); // anna exited
    /// assert!(index.segment(&"vip".into()).is_none());
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn remove(
        &mut self,
        id: &SegmentId,
        now: DateTime<Utc>,
    ) -> crate::Result<Vec<MembershipDelta>> {
        let Some(&slot) = self.ids.get(id) else {
            return Err(error(
                SegmentCode::Unknown,
                "/id".to_owned(),
                format!("there is no segment `{id}`"),
            ));
        };
        let Some(Some(entry)) = self.segs.get(slot as usize) else {
            return Ok(Vec::new());
        };
        if let Some(user) = entry
            .dependents
            .iter()
            .filter_map(|d| self.segs.get(*d as usize)?.as_ref())
            .next()
        {
            return Err(error(
                SegmentCode::Unknown,
                "/id".to_owned(),
                format!(
                    "segment `{id}` is still read by segment `{}`; change or remove that one first",
                    user.segment.id
                ),
            ));
        }
        self.unlink(slot);
        let Some(entry) = self.segs.get_mut(slot as usize).and_then(Option::take) else {
            return Ok(Vec::new());
        };
        self.ids.remove(id);
        let mut deltas = Vec::new();
        for c in &entry.members {
            if let Some(state) = self.contacts.get_mut(c) {
                state.member_of.remove(&slot);
            }
            deltas.push(MembershipDelta {
                contact: c.clone(),
                segment: id.clone(),
                change: MembershipChange::Left,
                at: now,
            });
        }
        for (cid, state) in &mut self.contacts {
            if let Some(w) = state.wake.remove(&slot) {
                self.wakeups.remove(&(w, cid.clone(), slot));
            }
        }
        Ok(deltas)
    }
}
