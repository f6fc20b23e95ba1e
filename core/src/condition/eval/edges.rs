//! When can the result change with time alone? Every time-dependent leaf contributes *edges*:
//! instants (an event becoming past, a window of minutes or hours passing it) and wall-clock
//! times of the contact (a window of days passing an event, midnight of a birthday).
//!
//! Between two offset transitions of the contact's zone the wall clock is `now + offset`, so a
//! wall-clock edge `v` becomes the instant `v − offset`; the next transition is an edge too.
//!
//! A calendar window compares a threshold `t` with `wall_clock(local(now) ∓ N)`. Inside one
//! *piece* of that mapping (no transition of the zone between the window's ends) it is
//! `W − o` for a fixed `o`, so `t` is passed when the wall clock reaches `(t + o) ± N`. Where a
//! transition lies ahead in the window's own time, its wall-clock boundaries are edges too.
//! Months are clamped (31 March − 1 month = 28 February), so the window's time jumps back at
//! some midnights; those midnights are edges too.

use chrono::{DateTime, Days, Months, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Utc};

use super::clock::{self, DateVal};
use super::compile::{DateCheck, EventSel, Node};
use super::run::{chosen, State};
use crate::time::{Duration, TimeUnit};

/// Farthest a backward offset jump can move the wall clock (with margin).
const NEAR_HOURS: i64 = 27;
/// Farthest ahead an offset transition is searched.
const HORIZON_DAYS: i64 = 400;

pub(super) fn next_change(root: &Node, st: &mut State<'_>) -> Option<DateTime<Utc>> {
    let mut col = Collector {
        now: st.now,
        best: None,
        local_future: false,
        near_past: false,
        windows: Vec::new(),
    };
    root.edges(st, &mut col);
    col.finish(st)
}

/// A calendar window seen from `now`: `w_now = local(now) ∓ N`, its instant `u`, and the
/// offset `o = w_now − u` of the piece it is in.
struct Window {
    d: Duration,
    forward: bool,
    w_now: NaiveDateTime,
    u: DateTime<Utc>,
    o: TimeDelta,
    /// The latest threshold compared with this window.
    max_t: DateTime<Utc>,
}

struct Collector {
    now: DateTime<Utc>,
    best: Option<DateTime<Utc>>,
    /// Some wall-clock edge lies ahead.
    local_future: bool,
    /// Some wall-clock edge was passed less than [`NEAR_HOURS`] ago (a backward jump of the
    /// clock could pass it again).
    near_past: bool,
    windows: Vec<Window>,
}

impl Collector {
    /// The result may change at `c` or just after it.
    fn at(&mut self, c: DateTime<Utc>) {
        if c < self.now {
            return;
        }
        let c = if c == self.now {
            match self.now.checked_add_signed(TimeDelta::nanoseconds(1)) {
                Some(next) => next,
                None => return,
            }
        } else {
            c
        };
        self.best = Some(self.best.map_or(c, |b| b.min(c)));
    }

    /// The result may change when the contact's wall clock reaches `v` (or just after).
    fn wall(&mut self, st: &mut State<'_>, v: NaiveDateTime) {
        let local_now = st.local_now();
        if v >= local_now {
            self.local_future = true;
            let ahead = v - local_now;
            if let Some(x) = self.now.checked_add_signed(ahead) {
                self.at(x);
            }
        } else if local_now - v < TimeDelta::hours(NEAR_HOURS) {
            self.near_past = true;
        }
    }

    /// A threshold `t` compared with `now ∓ d` (`forward` for `in_next`).
    fn threshold(&mut self, st: &mut State<'_>, d: Duration, forward: bool, t: DateTime<Utc>) {
        if let Some(delta) = clock::exact(d) {
            let c = if forward {
                t.checked_sub_signed(delta)
            } else {
                t.checked_add_signed(delta)
            };
            if let Some(c) = c {
                self.at(c);
            }
            return;
        }
        let Some(i) = self.window(st, d, forward) else {
            return;
        };
        let (o, max_t) = (self.windows[i].o, self.windows[i].max_t);
        if t > max_t {
            self.windows[i].max_t = t;
        }
        if let Some(p) = t.naive_utc().checked_add_signed(o) {
            self.crossing(st, d, forward, p);
        }
    }

    /// Edges where the window's own time `local(now) ∓ d` passes the wall-clock time `p`.
    ///
    /// Days and weeks translate the wall clock, so that is `p ± d`. Months are clamped to the
    /// end of the month and so jump: on 29, 30 and 31 March, `− 1 month` is 28 February again
    /// each day. Day by day, the window's time passes `p` within a day whose shifted date is
    /// `p`'s, and jumps at the midnights where consecutive days do not shift to consecutive
    /// days.
    fn crossing(&mut self, st: &mut State<'_>, d: Duration, forward: bool, p: NaiveDateTime) {
        if d.unit != TimeUnit::Months {
            if let Some(v) = clock::shift_naive(p, d, !forward) {
                self.wall(st, v);
            }
            return;
        }
        let Some(months) = u32::try_from(d.amount).ok().map(Months::new) else {
            return;
        };
        let shift = |day: NaiveDate| {
            if forward {
                day.checked_add_months(months)
            } else {
                day.checked_sub_months(months)
            }
        };
        let local_now = st.local_now();
        let Some(mut day) = local_now.date().checked_sub_days(Days::new(2)) else {
            return;
        };
        let mut prev = day.pred_opt().and_then(shift);
        for _ in 0..400 {
            let Some(shifted) = shift(day) else {
                return;
            };
            let midnight = day.and_time(NaiveTime::MIN);
            if prev.and_then(|p| p.succ_opt()) != Some(shifted) {
                self.wall(st, midnight);
                if midnight >= local_now {
                    return;
                }
            }
            if shifted == p.date() {
                let v = day.and_time(p.time());
                self.wall(st, v);
                if v >= local_now {
                    return;
                }
            }
            prev = Some(shifted);
            let Some(next) = day.succ_opt() else {
                return;
            };
            day = next;
        }
        // Nothing for 400 days: look again then.
        self.wall(st, day.and_time(NaiveTime::MIN));
    }

    fn window(&mut self, st: &mut State<'_>, d: Duration, forward: bool) -> Option<usize> {
        if let Some(i) = self
            .windows
            .iter()
            .position(|w| w.d == d && w.forward == forward)
        {
            return Some(i);
        }
        let tz = st.tz();
        let w_now = clock::shift_naive(st.local_now(), d, forward)?;
        let u = clock::wall_clock(tz, w_now)?;
        self.windows.push(Window {
            d,
            forward,
            w_now,
            u,
            o: w_now - u.naive_utc(),
            max_t: DateTime::<Utc>::MIN_UTC,
        });
        Some(self.windows.len() - 1)
    }

    fn finish(mut self, st: &mut State<'_>) -> Option<DateTime<Utc>> {
        let tz = st.tz();
        let horizon = TimeDelta::days(HORIZON_DAYS);
        let two_days = TimeDelta::days(2);
        for w in std::mem::take(&mut self.windows) {
            // Transitions ahead in the window's own time, up to where it will be at the best
            // edge found so far.
            // (Months: the window's time moves by other amounts than the wall clock.)
            let span = self.best.map_or(horizon, |b| (b - self.now).min(horizon));
            let local_end = st.local_now().checked_add_signed(span);
            let w_end = local_end.and_then(|l| clock::shift_naive(l, w.d, w.forward));
            let limit = w_end
                .and_then(|e| e.checked_sub_signed(w.o))
                .and_then(|e| e.and_utc().checked_add_signed(two_days));
            let Some(mut from) = w.u.checked_sub_signed(TimeDelta::hours(25)) else {
                continue;
            };
            let Some(limit) = limit else {
                continue;
            };
            for _ in 0..4 {
                let Some(tr) = clock::next_offset_change(tz, from, limit) else {
                    break;
                };
                if tr.checked_sub_signed(two_days).is_some_and(|e| w.max_t < e) {
                    break;
                }
                let Some(just_before) = tr.checked_sub_signed(TimeDelta::seconds(1)) else {
                    break;
                };
                let before = clock::offset_secs(tz, just_before);
                let after = clock::offset_secs(tz, tr);
                let mut ahead = false;
                for off in [before, after] {
                    let Some(b) = tr.naive_utc().checked_add_signed(TimeDelta::seconds(off)) else {
                        continue;
                    };
                    if b >= w.w_now {
                        ahead = true;
                        self.crossing(st, w.d, w.forward, b);
                    }
                }
                if ahead {
                    break;
                }
                from = tr;
            }
        }
        if self.local_future || self.near_past {
            // Transitions matter up to the best edge (wall-clock edges ahead move with the
            // offset), and within a day for edges just passed (a backward jump re-crosses them).
            let ahead = if self.local_future {
                horizon
            } else {
                TimeDelta::hours(NEAR_HOURS)
            };
            let mut limit = self
                .now
                .checked_add_signed(ahead)
                .unwrap_or(DateTime::<Utc>::MAX_UTC);
            if let Some(b) = self.best {
                limit = limit.min(b);
            }
            if let Some(tr) = clock::next_offset_change(tz, self.now, limit) {
                self.at(tr);
            }
        }
        self.best
    }
}

/// Longest a duration can be, for pruning events far in the past.
fn longest(d: Duration) -> TimeDelta {
    let days = match d.unit {
        TimeUnit::Minutes | TimeUnit::Hours => {
            return clock::exact(d).unwrap_or(TimeDelta::MAX);
        }
        TimeUnit::Days => d.amount,
        TimeUnit::Weeks => d.amount.saturating_mul(7),
        TimeUnit::Months => d.amount.saturating_mul(31),
    };
    TimeDelta::try_days(days).unwrap_or(TimeDelta::MAX)
}

impl DateCheck {
    fn edges(&self, st: &mut State<'_>, col: &mut Collector, v: DateVal) {
        let tz = st.tz();
        let Some(t) = clock::instant(tz, v) else {
            return;
        };
        match self {
            DateCheck::Before(_) | DateCheck::After(_) | DateCheck::Between(..) => {}
            DateCheck::WithinLast(d) => {
                col.at(t);
                col.threshold(st, *d, false, t);
            }
            DateCheck::MoreThanAgo(d) => col.threshold(st, *d, false, t),
            DateCheck::InNext(d) => {
                col.at(t);
                col.threshold(st, *d, true, t);
            }
            DateCheck::Anniversary(days) => {
                let today = st.local_now().date();
                let Some(next) = clock::next_anniversary(today, clock::local_day(tz, v)) else {
                    return;
                };
                let within = today
                    .checked_add_days(Days::new(u64::from(*days)))
                    .is_none_or(|last| next <= last);
                let day = if within {
                    next.checked_add_days(Days::new(1))
                } else {
                    next.checked_sub_days(Days::new(u64::from(*days)))
                };
                if let Some(day) = day {
                    col.wall(st, day.and_time(NaiveTime::MIN));
                }
            }
        }
    }
}

fn event_edges(st: &mut State<'_>, col: &mut Collector, sel: &EventSel) {
    let now = st.now;
    // An event whose window edge passed long ago cannot matter again.
    let old = sel.within.and_then(|d| {
        now.checked_sub_signed(longest(d))
            .and_then(|t| t.checked_sub_signed(TimeDelta::days(5)))
    });
    for e in st.candidates(sel) {
        if e.at > now {
            col.at(e.at);
        }
        if let Some(d) = sel.within {
            if old.is_none_or(|old| e.at >= old) {
                col.threshold(st, d, false, e.at);
            }
        }
    }
}

impl Node {
    fn edges(&self, st: &mut State<'_>, col: &mut Collector) {
        match self {
            Node::And(cs) | Node::Or(cs) => {
                for c in cs.iter() {
                    c.edges(st, col);
                }
            }
            Node::Not(c) => c.edges(st, col),
            Node::Field { .. }
            | Node::Tags { .. }
            | Node::InList(_)
            | Node::InSegment(_)
            | Node::Consent { .. } => {}
            Node::Date { key, check } => {
                if let Some(v) = st.date(key) {
                    check.edges(st, col, v);
                }
            }
            Node::Age { key, .. } => {
                if let Some(v) = st.date(key) {
                    let tz = st.tz();
                    let today = st.local_now().date();
                    if let Some(day) = clock::next_birthday(clock::local_day(tz, v), today) {
                        col.wall(st, day.and_time(NaiveTime::MIN));
                    }
                }
            }
            Node::Event { sel, .. } | Node::Aggregate { sel, .. } => event_edges(st, col, sel),
            Node::EventTime { sel, which, check } => {
                let now = st.now;
                for e in st.candidates(sel) {
                    if e.at > now {
                        col.at(e.at);
                    }
                }
                if let Some(at) = chosen(st, sel, *which) {
                    check.edges(st, col, DateVal::Instant(at));
                }
            }
        }
    }
}
