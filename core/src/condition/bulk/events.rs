//! Events of one name for every contact: CSR arrays sorted by contact then time, with property
//! columns aligned to the sorted events.

use std::collections::BTreeMap;

use super::column::{Column, ColumnBuilder};
use super::dates::{Instant, SecSpan, Span};

/// The events of one name.
#[derive(Debug)]
pub(crate) struct EventStream {
    /// CSR offsets by contact row (one more than rows).
    pub(crate) offsets: Vec<u32>,
    /// Seconds of each event, ascending within a contact.
    pub(crate) secs: Vec<i64>,
    /// Sub-second nanoseconds, only when some event has them.
    pub(crate) nanos: Option<Vec<u32>>,
    /// Property columns over the events.
    pub(crate) props: BTreeMap<String, Column>,
    /// A column where every event is missing (for unknown properties).
    pub(crate) missing: Column,
}

/// One event before sorting: contact row, time, and its index in the input.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RawEvent {
    pub(crate) row: u32,
    pub(crate) at: Instant,
    pub(crate) input: usize,
}

impl EventStream {
    /// Sorts the events by contact row then time (stable: ties keep input order) and returns the
    /// stream without properties plus the input index of each sorted event.
    pub(crate) fn sorted(rows: usize, mut raw: Vec<RawEvent>) -> (EventStream, Vec<usize>) {
        // Counting sort by row, then a stable sort by time inside each contact.
        let mut counts = vec![0u32; rows + 1];
        for e in &raw {
            if let Some(c) = counts.get_mut(e.row as usize + 1) {
                *c += 1;
            }
        }
        for i in 1..counts.len() {
            counts[i] += counts[i - 1];
        }
        let offsets = counts.clone();
        let mut next = counts;
        let mut sorted: Vec<RawEvent> = raw.clone();
        for e in raw.drain(..) {
            if let Some(slot) = next.get_mut(e.row as usize) {
                if let Some(dst) = sorted.get_mut(*slot as usize) {
                    *dst = e;
                }
                *slot += 1;
            }
        }
        for w in offsets.windows(2) {
            if let Some(part) = sorted.get_mut(w[0] as usize..w[1] as usize) {
                if part.windows(2).any(|p| p[0].at > p[1].at) {
                    part.sort_by_key(|e| e.at);
                }
            }
        }
        let secs = sorted.iter().map(|e| e.at.secs).collect();
        let nanos = sorted
            .iter()
            .any(|e| e.at.nanos != 0)
            .then(|| sorted.iter().map(|e| e.at.nanos).collect());
        let order = sorted.iter().map(|e| e.input).collect();
        let len = sorted.len();
        (
            EventStream {
                offsets,
                secs,
                nanos,
                props: BTreeMap::new(),
                missing: ColumnBuilder::new(len, None).finish(),
            },
            order,
        )
    }

    pub(crate) fn len(&self) -> usize {
        self.secs.len()
    }

    /// The events of contact `row`, as a range of event indexes.
    pub(crate) fn range(&self, row: usize) -> (usize, usize) {
        let s = self.offsets.get(row).copied().unwrap_or(0) as usize;
        let e = self.offsets.get(row + 1).copied().unwrap_or(0) as usize;
        (s, e.max(s))
    }

    pub(crate) fn at(&self, i: usize) -> Instant {
        Instant {
            secs: self.secs.get(i).copied().unwrap_or(i64::MIN),
            nanos: self
                .nanos
                .as_ref()
                .and_then(|n| n.get(i).copied())
                .unwrap_or(0),
        }
    }

    /// The events of `s..e` whose time lies in `span`, as a range of event indexes.
    pub(crate) fn window(
        &self,
        s: usize,
        e: usize,
        span: &Span,
        secs_span: &SecSpan,
    ) -> (usize, usize) {
        match (&self.nanos, self.secs.get(s..e)) {
            (None, Some(part)) => {
                let a = part.partition_point(|t| *t < secs_span.lo);
                let b = part.partition_point(|t| *t <= secs_span.hi);
                (s + a, s + b.max(a))
            }
            _ => {
                let a = partition(s, e, |i| self.at(i) < span.lo);
                let b = partition(a, e, |i| self.at(i) <= span.hi);
                (a, b)
            }
        }
    }
}

/// The first index in `lo..hi` where `pred` turns false (`pred` must be true then false).
pub(crate) fn partition(mut lo: usize, mut hi: usize, pred: impl Fn(usize) -> bool) -> usize {
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if pred(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}
