//! Runs a compiled [`Plan`] over the table: leaves are tight loops that produce bitmaps, and
//! `and` / `or` / `not` are word-wise bit operations. Inside `and` and `or`, later (costlier)
//! children only look at the rows still undecided.

use chrono::{DateTime, Datelike, Utc};
use chrono_tz::Tz;

use super::bitmap::{bits_of, Bitmap};
use super::column::Column;
use super::compile::{DateSpec, EventSource, NumCmp, Plan};
use super::dates::{
    self, age_days, anniversary_table, civil, local_date, moment_end, moment_instant,
    month_day_key, shift_or_clamp, Instant, Moment, SecSpan, Span, NO_DAY, NO_SECS,
};
use super::table::ContactTable;
use crate::condition::{Aggregation, CountOp, CountTest, Occurrence};
use crate::time::Duration;

/// The rows to visit: the mask's members, or every row.
fn rows(mask: Option<&Bitmap>, len: usize) -> Box<dyn Iterator<Item = usize> + '_> {
    match mask {
        Some(m) => Box::new(m.iter()),
        None => Box::new(0..len),
    }
}

pub(crate) struct Exec<'a> {
    pub(crate) table: &'a ContactTable,
    pub(crate) now: DateTime<Utc>,
    pub(crate) now_i: Instant,
    /// The zone of each zone code (code 0: the default zone).
    pub(crate) tzs: Vec<Tz>,
}

impl Exec<'_> {
    pub(crate) fn new(table: &ContactTable, now: DateTime<Utc>, default: Tz) -> Exec<'_> {
        let tzs = table.zones.iter().map(|z| z.unwrap_or(default)).collect();
        Exec {
            table,
            now,
            now_i: Instant::of(now),
            tzs,
        }
    }

    fn zone(&self, row: usize) -> usize {
        self.table.zone_codes.get(row).copied().unwrap_or(0) as usize
    }

    /// Evaluates `plan` over `len` rows. Bits outside `mask` are unspecified.
    pub(crate) fn run(&self, plan: &Plan<'_>, len: usize, mask: Option<&Bitmap>) -> Bitmap {
        match plan {
            Plan::Const(true) => Bitmap::full(len),
            Plan::Const(false) => Bitmap::new(len),
            Plan::And(children) => {
                let mut acc = mask.cloned().unwrap_or_else(|| Bitmap::full(len));
                for c in children {
                    if acc.none() {
                        break;
                    }
                    let r = self.run(c, len, Some(&acc));
                    acc.and_assign(&r);
                }
                acc
            }
            Plan::Or(children) => {
                let mut acc = Bitmap::new(len);
                let mut rest = mask.cloned().unwrap_or_else(|| Bitmap::full(len));
                for c in children {
                    if rest.none() {
                        break;
                    }
                    let mut hit = self.run(c, len, Some(&rest));
                    hit.and_assign(&rest);
                    acc.or_assign(&hit);
                    rest.and_not_assign(&hit);
                }
                acc
            }
            Plan::Not(inner) => {
                let mut r = self.run(inner, len, mask);
                r.not_assign();
                r
            }
            Plan::Field { column, test, fold } => super::fields::field_bits(column, test, *fold),
            Plan::Sets { sets, all } => sets_bits(sets, *all, len),
            Plan::Consent { codes, status } => {
                if codes.is_empty() {
                    if *status == 0 {
                        Bitmap::full(len)
                    } else {
                        Bitmap::new(len)
                    }
                } else {
                    let s = *status;
                    bits_of(codes, len, |c| c == s)
                }
            }
            Plan::Date { column, spec } => self.date_bits(column, *spec),
            Plan::Age { column, min, max } => self.age_bits(column, *min, *max),
            Plan::Event {
                source,
                count,
                within,
                between,
            } => self.event_bits(source, *count, *within, *between, len, mask),
            Plan::EventTime {
                source,
                which,
                spec,
            } => self.event_time_bits(source, *which, *spec, len, mask),
            Plan::Aggregate {
                source,
                agg,
                property,
                within,
                cmp,
                value,
            } => self.aggregate_bits(source, *agg, *property, *within, *cmp, *value, len, mask),
        }
    }

    /// The span of instants a date test accepts in `tz`.
    fn span(&self, spec: DateSpec, tz: Tz) -> Span {
        let now = self.now;
        let back = |n: i64, unit| match n.checked_neg() {
            Some(m) => shift_or_clamp(now, m, unit, tz),
            None => Instant::MAX,
        };
        match spec {
            DateSpec::Before(m) => Span {
                lo: Instant::MIN,
                hi: moment_instant(m, tz).pred(),
            },
            DateSpec::After(m) => Span {
                lo: moment_instant(m, tz),
                hi: Instant::MAX,
            },
            DateSpec::Between(f, t) => Span {
                lo: moment_instant(f, tz),
                hi: moment_end(t, tz),
            },
            DateSpec::WithinLast(n, unit) => Span {
                lo: back(n, unit),
                hi: self.now_i,
            },
            DateSpec::MoreThanAgo(n, unit) => Span {
                lo: Instant::MIN,
                hi: back(n, unit).pred(),
            },
            DateSpec::InNext(n, unit) => Span {
                lo: self.now_i,
                hi: shift_or_clamp(now, n, unit, tz),
            },
            // Not used for anniversaries (they go through tables).
            DateSpec::Anniversary(_) => Span {
                lo: Instant::MAX,
                hi: Instant::MIN,
            },
        }
    }

    /// Whether an instant passes a date test in zone code `z`, with precomputed per-zone data.
    fn instant_passes(&self, t: Instant, z: usize, spans: &[Span], tables: &[Vec<bool>]) -> bool {
        if tables.is_empty() {
            return spans.get(z).is_some_and(|s| s.contains(t));
        }
        let (Some(tz), Some(dt)) = (self.tzs.get(z), t.to_datetime()) else {
            return false;
        };
        let d = local_date(dt, *tz);
        tables
            .get(z)
            .and_then(|tb| tb.get(month_day_key(d.month(), d.day())))
            .copied()
            .unwrap_or(false)
    }

    /// Per-zone spans, or per-zone anniversary tables.
    fn per_zone(&self, spec: DateSpec) -> (Vec<Span>, Vec<Vec<bool>>) {
        match spec {
            DateSpec::Anniversary(days) => (
                Vec::new(),
                self.tzs
                    .iter()
                    .map(|tz| anniversary_table(local_date(self.now, *tz), days))
                    .collect(),
            ),
            _ => (
                self.tzs.iter().map(|tz| self.span(spec, *tz)).collect(),
                Vec::new(),
            ),
        }
    }

    fn single_zone(&self) -> bool {
        self.table.zone_codes.is_empty()
    }

    fn date_bits(&self, column: &Column, spec: DateSpec) -> Bitmap {
        let n = column.len;
        let tp = column.times();
        let (spans, tables) = self.per_zone(spec);
        let mut out = Bitmap::new(n);
        if !tp.days.is_empty() {
            let days = &tp.days;
            let b = if let DateSpec::Anniversary(_) = spec {
                Bitmap::from_fn(n, |i| {
                    let d = days.get(i).copied().unwrap_or(NO_DAY);
                    if d == NO_DAY {
                        return false;
                    }
                    let (_, m, dd) = civil(d);
                    tables
                        .get(self.zone(i))
                        .and_then(|t| t.get(month_day_key(m, dd)))
                        .copied()
                        .unwrap_or(false)
                })
            } else {
                let ranges: Vec<(i32, i32)> = spans
                    .iter()
                    .zip(&self.tzs)
                    .map(|(s, tz)| s.days(*tz))
                    .collect();
                if self.single_zone() {
                    let (lo, hi) = ranges.first().copied().unwrap_or((1, 0));
                    bits_of(days, n, |d| d >= lo && d <= hi)
                } else {
                    Bitmap::from_fn(n, |i| {
                        let d = days.get(i).copied().unwrap_or(NO_DAY);
                        let (lo, hi) = ranges.get(self.zone(i)).copied().unwrap_or((1, 0));
                        d >= lo && d <= hi
                    })
                }
            };
            out.or_assign(&b);
        }
        if !tp.secs.is_empty() {
            let secs = &tp.secs;
            let b = match (&tp.nanos, tables.is_empty(), self.single_zone()) {
                (None, true, true) => {
                    let s: SecSpan = spans
                        .first()
                        .map_or(SecSpan { lo: 1, hi: 0 }, Span::seconds);
                    bits_of(secs, n, |t| t >= s.lo && t <= s.hi)
                }
                _ => Bitmap::from_fn(n, |i| {
                    let s = secs.get(i).copied().unwrap_or(NO_SECS);
                    if s == NO_SECS {
                        return false;
                    }
                    let nanos = tp
                        .nanos
                        .as_ref()
                        .and_then(|v| v.get(i).copied())
                        .unwrap_or(0);
                    let t = Instant { secs: s, nanos };
                    self.instant_passes(t, self.zone(i), &spans, &tables)
                }),
            };
            out.or_assign(&b);
        }
        out
    }

    fn age_bits(&self, column: &Column, min: Option<u32>, max: Option<u32>) -> Bitmap {
        let n = column.len;
        let tp = column.times();
        let ranges: Vec<(i32, i32)> = self
            .tzs
            .iter()
            .map(|tz| age_days(local_date(self.now, *tz), min, max))
            .collect();
        let mut out = Bitmap::new(n);
        if !tp.days.is_empty() {
            let days = &tp.days;
            let b = if self.single_zone() {
                let (lo, hi) = ranges.first().copied().unwrap_or((1, 0));
                bits_of(days, n, |d| d >= lo && d <= hi && d != NO_DAY)
            } else {
                Bitmap::from_fn(n, |i| {
                    let d = days.get(i).copied().unwrap_or(NO_DAY);
                    let (lo, hi) = ranges.get(self.zone(i)).copied().unwrap_or((1, 0));
                    d != NO_DAY && d >= lo && d <= hi
                })
            };
            out.or_assign(&b);
        }
        if !tp.secs.is_empty() {
            let b = Bitmap::from_fn(n, |i| {
                let s = tp.secs.get(i).copied().unwrap_or(NO_SECS);
                if s == NO_SECS {
                    return false;
                }
                let nanos = tp
                    .nanos
                    .as_ref()
                    .and_then(|v| v.get(i).copied())
                    .unwrap_or(0);
                let z = self.zone(i);
                let (Some(dt), Some(tz)) = (DateTime::from_timestamp(s, nanos), self.tzs.get(z))
                else {
                    return false;
                };
                let d = dates::day_number(local_date(dt, *tz));
                let (lo, hi) = ranges.get(z).copied().unwrap_or((1, 0));
                d >= lo && d <= hi
            });
            out.or_assign(&b);
        }
        out
    }

    /// Per-zone windows `[now − within, now]` (or `[−∞, now]`), narrowed to `between`.
    fn windows(
        &self,
        within: Option<Duration>,
        between: Option<(Moment, Moment)>,
    ) -> Vec<(Span, SecSpan)> {
        self.tzs
            .iter()
            .map(|tz| {
                let mut lo = match within {
                    None => Instant::MIN,
                    Some(d) => match d.amount.checked_neg() {
                        Some(m) => shift_or_clamp(self.now, m, d.unit, *tz),
                        None => Instant::MAX,
                    },
                };
                let mut hi = self.now_i;
                if let Some((from, to)) = between {
                    lo = lo.max(moment_instant(from, *tz));
                    hi = hi.min(moment_end(to, *tz));
                }
                let span = Span { lo, hi };
                (span, span.seconds())
            })
            .collect()
    }

    fn filter_bits(&self, source: &EventSource<'_>) -> Option<Bitmap> {
        let stream = source.stream?;
        source
            .filter
            .as_ref()
            .map(|f| self.run(f, stream.len(), None))
    }

    fn event_bits(
        &self,
        source: &EventSource<'_>,
        count: CountTest,
        within: Option<Duration>,
        between: Option<(Moment, Moment)>,
        len: usize,
        mask: Option<&Bitmap>,
    ) -> Bitmap {
        let holds = |c: usize| {
            let n = count.n as usize;
            match count.op {
                CountOp::AtLeast => c >= n,
                CountOp::AtMost => c <= n,
                CountOp::Exactly => c == n,
            }
        };
        let Some(stream) = source.stream else {
            return if holds(0) {
                Bitmap::full(len)
            } else {
                Bitmap::new(len)
            };
        };
        let filter = self.filter_bits(source);
        let windows = self.windows(within, between);
        let mut out = Bitmap::new(len);
        // Most rows still to decide and one window for every zone: mark the events in the
        // window in one vectorised pass, then count each contact's marks.
        let dense = mask.is_none_or(|m| m.count() * 8 > len);
        if let (true, Some(first)) = (dense, windows.first()) {
            if windows.iter().all(|w| w.0 == first.0) {
                let (span, secs) = first;
                let mut marks = match &stream.nanos {
                    None => bits_of(&stream.secs, stream.len(), |t| t >= secs.lo && t <= secs.hi),
                    Some(_) => Bitmap::from_fn(stream.len(), |i| span.contains(stream.at(i))),
                };
                if let Some(f) = &filter {
                    marks.and_assign(f);
                }
                let offsets = &stream.offsets;
                let count = |row: usize| match (offsets.get(row), offsets.get(row + 1)) {
                    (Some(s), Some(e)) => marks.count_range(*s as usize, *e as usize),
                    _ => 0,
                };
                return match mask {
                    None => Bitmap::from_fn(len, |row| holds(count(row))),
                    Some(m) => {
                        for row in m.iter() {
                            if holds(count(row)) {
                                out.insert(row);
                            }
                        }
                        out
                    }
                };
            }
        }
        for row in rows(mask, len) {
            let Some((span, secs)) = windows.get(self.zone(row)) else {
                continue;
            };
            let (s, e) = stream.range(row);
            let (a, b) = stream.window(s, e, span, secs);
            let c = match &filter {
                Some(f) => f.count_range(a, b),
                None => b - a,
            };
            if holds(c) {
                out.insert(row);
            }
        }
        out
    }

    fn event_time_bits(
        &self,
        source: &EventSource<'_>,
        which: Occurrence,
        spec: DateSpec,
        len: usize,
        mask: Option<&Bitmap>,
    ) -> Bitmap {
        let mut out = Bitmap::new(len);
        let Some(stream) = source.stream else {
            return out;
        };
        let filter = self.filter_bits(source);
        let windows = self.windows(None, None);
        let (spans, tables) = self.per_zone(spec);
        for row in rows(mask, len) {
            let z = self.zone(row);
            let Some((span, secs)) = windows.get(z) else {
                continue;
            };
            let (s, e) = stream.range(row);
            let (a, b) = stream.window(s, e, span, secs);
            let ok = |i: &usize| filter.as_ref().is_none_or(|f| f.contains(*i));
            let pick = match which {
                Occurrence::First => (a..b).find(ok),
                Occurrence::Last => (a..b).rev().find(ok),
            };
            if let Some(i) = pick {
                if self.instant_passes(stream.at(i), z, &spans, &tables) {
                    out.insert(row);
                }
            }
        }
        out
    }

    #[allow(clippy::too_many_arguments)]
    fn aggregate_bits(
        &self,
        source: &EventSource<'_>,
        agg: Aggregation,
        property: Option<&Column>,
        within: Option<Duration>,
        cmp: NumCmp,
        value: f64,
        len: usize,
        mask: Option<&Bitmap>,
    ) -> Bitmap {
        let decide = |count: usize, sum: f64, min: f64, max: f64| -> bool {
            match agg {
                Aggregation::Count => cmp.holds(count as f64, value),
                Aggregation::Sum => cmp.holds(sum, value),
                Aggregation::Avg => count > 0 && cmp.holds(sum / count as f64, value),
                Aggregation::Min => count > 0 && cmp.holds(min, value),
                Aggregation::Max => count > 0 && cmp.holds(max, value),
            }
        };
        let Some(stream) = source.stream else {
            return if decide(0, 0.0, f64::NAN, f64::NAN) {
                Bitmap::full(len)
            } else {
                Bitmap::new(len)
            };
        };
        let filter = self.filter_bits(source);
        let windows = self.windows(within, None);
        let nums = property.and_then(|p| p.num.as_ref());
        let mut out = Bitmap::new(len);
        for row in rows(mask, len) {
            let Some((span, secs)) = windows.get(self.zone(row)) else {
                continue;
            };
            let (s, e) = stream.range(row);
            let (a, b) = stream.window(s, e, span, secs);
            let (mut count, mut sum) = (0usize, 0.0f64);
            let (mut min, mut max) = (f64::INFINITY, f64::NEG_INFINITY);
            for i in a..b {
                if filter.as_ref().is_some_and(|f| !f.contains(i)) {
                    continue;
                }
                if agg == Aggregation::Count {
                    count += 1;
                    continue;
                }
                let Some(num) = nums else { break };
                if !num.valid.contains(i) {
                    continue;
                }
                let v = num.values.get(i).copied().unwrap_or(f64::NAN);
                count += 1;
                sum += v;
                min = min.min(v);
                max = max.max(v);
            }
            if decide(count, sum, min, max) {
                out.insert(row);
            }
        }
        out
    }
}

fn sets_bits(sets: &[Option<&Bitmap>], all: bool, len: usize) -> Bitmap {
    if all {
        let mut acc = Bitmap::full(len);
        for s in sets {
            match s {
                Some(b) => acc.and_assign(b),
                None => return Bitmap::new(len),
            }
        }
        acc
    } else {
        let mut acc = Bitmap::new(len);
        for b in sets.iter().flatten() {
            acc.or_assign(b);
        }
        acc
    }
}
