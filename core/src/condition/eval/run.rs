//! Evaluating the compiled tree on one contact.

use std::borrow::Cow;

use chrono::{DateTime, Days, NaiveDateTime, SecondsFormat, Utc};
use chrono_tz::Tz;

use super::clock::{self, DateVal};
use super::compile::{Cmp, DateCheck, EventSel, FieldKey, Filter, Node};
use super::value::Val;
use super::{EvalContext, SegmentMembership};
use crate::condition::{Aggregation, CountOp, Occurrence, TagOp};
use crate::model::{Contact, Event, Value};
use crate::time::Duration;

/// One evaluation: the contact, its events, `now`, and the contact's zone (looked up lazily).
pub(super) struct State<'a> {
    pub(super) contact: &'a Contact,
    pub(super) events: &'a [Event],
    pub(super) now: DateTime<Utc>,
    default_tz: Tz,
    segments: &'a dyn SegmentMembership,
    tz: Option<Tz>,
    local_now: Option<NaiveDateTime>,
}

impl<'a> State<'a> {
    pub(super) fn new(contact: &'a Contact, events: &'a [Event], ctx: &EvalContext<'a>) -> Self {
        State {
            contact,
            events,
            now: ctx.now,
            default_tz: ctx.default_time_zone,
            segments: ctx.segments,
            tz: None,
            local_now: None,
        }
    }

    /// The contact's zone: its `time_zone` when known, else the default.
    pub(super) fn tz(&mut self) -> Tz {
        if let Some(tz) = self.tz {
            return tz;
        }
        let tz = self
            .contact
            .time_zone
            .as_deref()
            .and_then(|z| z.parse::<Tz>().ok())
            .unwrap_or(self.default_tz);
        self.tz = Some(tz);
        tz
    }

    /// `now` on the contact's wall clock.
    pub(super) fn local_now(&mut self) -> NaiveDateTime {
        if let Some(l) = self.local_now {
            return l;
        }
        let l = clock::local(self.tz(), self.now);
        self.local_now = Some(l);
        l
    }

    /// `now` moved by `d`; `None` when beyond every instant.
    pub(super) fn shift(&mut self, d: Duration, forward: bool) -> Option<DateTime<Utc>> {
        let (tz, local_now) = if clock::is_calendar(d.unit) {
            (self.tz(), self.local_now())
        } else {
            (Tz::UTC, self.now.naive_utc())
        };
        clock::shift(tz, self.now, local_now, d, forward)
    }

    pub(super) fn field(&self, key: &FieldKey) -> Val<'a> {
        let c = self.contact;
        match key {
            FieldKey::Custom(k) => c.fields.get(&**k).map_or(Val::Missing, Val::of_value),
            FieldKey::Id => Val::Text(Cow::Borrowed(c.id.as_str())),
            FieldKey::Email => Val::of_opt_str(c.email.as_deref()),
            FieldKey::Phone => Val::of_opt_str(c.phone.as_deref()),
            FieldKey::TimeZone => Val::of_opt_str(c.time_zone.as_deref()),
            FieldKey::Locale => Val::of_opt_str(c.locale.as_deref()),
            FieldKey::CreatedAt => instant_text(c.created_at),
            FieldKey::UpdatedAt => instant_text(c.updated_at),
        }
    }

    /// A field read as a date: `YYYY-MM-DD` or RFC 3339 text, or a built-in instant.
    pub(super) fn date(&self, key: &FieldKey) -> Option<DateVal> {
        match key {
            FieldKey::CreatedAt => self.contact.created_at.map(DateVal::Instant),
            FieldKey::UpdatedAt => self.contact.updated_at.map(DateVal::Instant),
            FieldKey::Custom(k) => match self.contact.fields.get(&**k) {
                Some(Value::Text(s)) => clock::parse_date(s),
                _ => None,
            },
            other => match self.field(other) {
                Val::Text(s) => clock::parse_date(&s),
                _ => None,
            },
        }
    }

    /// Events of this contact with the selector's name passing its filter (time not checked).
    pub(super) fn candidates<'s>(
        &mut self,
        sel: &'s EventSel,
    ) -> impl Iterator<Item = &'a Event> + use<'a, 's> {
        let contact: &'a Contact = self.contact;
        let events: &'a [Event] = self.events;
        // `between`: [from, to] with a date `to` meaning "before the next midnight".
        let range = sel.between.map(|(from, to)| {
            let tz = self.tz();
            let lo = clock::instant(tz, from);
            let hi = match to {
                DateVal::Instant(end) => Some((end, true)),
                DateVal::Day(day) => day
                    .checked_add_days(Days::new(1))
                    .and_then(|next| clock::midnight(tz, next))
                    .map(|end| (end, false)),
            };
            (lo, hi)
        });
        events.iter().filter(move |e| {
            *e.name == *sel.name
                && e.contact == contact.id
                && range.is_none_or(|(lo, hi)| in_range(e.at, lo, hi))
                && sel.filter.as_ref().is_none_or(|f| f.test(e))
        })
    }

    /// The start of the selector's window: `None` without a window, `Some(None)` when the
    /// window reaches beyond every instant.
    pub(super) fn window_start(&mut self, sel: &EventSel) -> Option<Option<DateTime<Utc>>> {
        sel.within.map(|d| self.shift(d, false))
    }
}

fn instant_text(t: Option<DateTime<Utc>>) -> Val<'static> {
    t.map_or(Val::Missing, |t| {
        Val::Text(Cow::Owned(t.to_rfc3339_opts(SecondsFormat::AutoSi, true)))
    })
}

/// Whether `at` is in a `between` range: on or after `lo` (never when `lo` does not exist) and
/// at or before (`true`) / strictly before (`false`) `hi` (no upper bound when `None`).
fn in_range(
    at: DateTime<Utc>,
    lo: Option<DateTime<Utc>>,
    hi: Option<(DateTime<Utc>, bool)>,
) -> bool {
    lo.is_some_and(|lo| lo <= at)
        && hi.is_none_or(|(hi, inclusive)| if inclusive { at <= hi } else { at < hi })
}

/// Whether an event at `at` counts at `now` with a window starting at `start`.
pub(super) fn in_window(
    at: DateTime<Utc>,
    now: DateTime<Utc>,
    start: Option<Option<DateTime<Utc>>>,
) -> bool {
    at <= now
        && match start {
            None | Some(None) => true,
            Some(Some(lo)) => lo <= at,
        }
}

impl Filter {
    pub(super) fn test(&self, e: &Event) -> bool {
        match self {
            Filter::And(fs) => fs.iter().all(|f| f.test(e)),
            Filter::Or(fs) => fs.iter().any(|f| f.test(e)),
            Filter::Not(f) => !f.test(e),
            Filter::Prop { key, test } => {
                test.test(&e.properties.get(&**key).map_or(Val::Missing, Val::of_json))
            }
        }
    }
}

impl Cmp {
    fn holds(self, a: f64, b: f64) -> bool {
        match self {
            Cmp::Eq => a == b,
            Cmp::Ne => a != b,
            Cmp::Lt => a < b,
            Cmp::Lte => a <= b,
            Cmp::Gt => a > b,
            Cmp::Gte => a >= b,
        }
    }
}

impl DateCheck {
    /// Whether the date value passes the test at `st.now`.
    pub(super) fn holds(&self, st: &mut State<'_>, v: DateVal) -> bool {
        let tz = st.tz();
        let Some(t) = clock::instant(tz, v) else {
            return false;
        };
        let now = st.now;
        match self {
            DateCheck::Before(d) => clock::instant(tz, *d).is_some_and(|d| t < d),
            DateCheck::After(d) => clock::instant(tz, *d).is_some_and(|d| t >= d),
            DateCheck::Between(from, to) => {
                clock::instant(tz, *from).is_some_and(|f| f <= t)
                    && match to {
                        DateVal::Instant(end) => t <= *end,
                        DateVal::Day(day) => day
                            .checked_add_days(Days::new(1))
                            .and_then(|next| clock::midnight(tz, next))
                            .is_none_or(|end| t < end),
                    }
            }
            DateCheck::WithinLast(d) => t <= now && st.shift(*d, false).is_none_or(|lo| lo <= t),
            DateCheck::MoreThanAgo(d) => st.shift(*d, false).is_some_and(|lo| t < lo),
            DateCheck::InNext(d) => now <= t && st.shift(*d, true).is_none_or(|hi| t <= hi),
            DateCheck::Anniversary(days) => {
                let today = st.local_now().date();
                let last = today.checked_add_days(Days::new(u64::from(*days)));
                match (
                    clock::next_anniversary(today, clock::local_day(tz, v)),
                    last,
                ) {
                    (Some(next), Some(last)) => next <= last,
                    (Some(_), None) => true,
                    (None, _) => false,
                }
            }
        }
    }
}

impl Node {
    pub(super) fn eval(&self, st: &mut State<'_>) -> bool {
        match self {
            Node::And(cs) => cs.iter().all(|c| c.eval(st)),
            Node::Or(cs) => cs.iter().any(|c| c.eval(st)),
            Node::Not(c) => !c.eval(st),
            Node::Field { key, test } => test.test(&st.field(key)),
            Node::Tags { op, tags } => {
                let has = |t: &String| st.contact.tags.contains(t);
                match op {
                    TagOp::HasAny => tags.iter().any(has),
                    TagOp::HasAll => tags.iter().all(has),
                    TagOp::HasNone => !tags.iter().any(has),
                }
            }
            Node::InList(list) => st.contact.lists.contains(list),
            Node::InSegment(segment) => st.segments.contains_segment(segment),
            Node::Consent { channel, status } => st.contact.consent_status(*channel) == *status,
            Node::Date { key, check } => match st.date(key) {
                Some(v) => check.holds(st, v),
                None => false,
            },
            Node::Age { key, min, max } => {
                let Some(v) = st.date(key) else {
                    return false;
                };
                let tz = st.tz();
                let today = st.local_now().date();
                match clock::age(clock::local_day(tz, v), today) {
                    Some(a) => {
                        min.is_none_or(|m| a >= i64::from(m))
                            && max.is_none_or(|m| a <= i64::from(m))
                    }
                    None => false,
                }
            }
            Node::Event { sel, count } => {
                let start = st.window_start(sel);
                let now = st.now;
                let mut n: u32 = 0;
                for e in st.candidates(sel) {
                    if in_window(e.at, now, start) {
                        n = n.saturating_add(1);
                        if count.op == CountOp::AtLeast && n >= count.n {
                            break;
                        }
                        if count.op != CountOp::AtLeast && n > count.n {
                            break;
                        }
                    }
                }
                match count.op {
                    CountOp::AtLeast => n >= count.n,
                    CountOp::AtMost => n <= count.n,
                    CountOp::Exactly => n == count.n,
                }
            }
            Node::EventTime { sel, which, check } => match chosen(st, sel, *which) {
                Some(at) => check.holds(st, DateVal::Instant(at)),
                None => false,
            },
            Node::Aggregate {
                sel,
                agg,
                property,
                cmp,
                value,
            } => {
                let start = st.window_start(sel);
                let now = st.now;
                let mut count = 0u64;
                let mut numbers = 0u64;
                let mut sum = 0.0;
                let mut lo = f64::INFINITY;
                let mut hi = f64::NEG_INFINITY;
                for e in st.candidates(sel) {
                    if !in_window(e.at, now, start) {
                        continue;
                    }
                    count += 1;
                    let x = property
                        .as_deref()
                        .and_then(|p| e.properties.get(p))
                        .and_then(serde_json::Value::as_f64);
                    if let Some(x) = x {
                        numbers += 1;
                        sum += x;
                        lo = lo.min(x);
                        hi = hi.max(x);
                    }
                }
                let result = match agg {
                    Aggregation::Count => Some(count as f64),
                    Aggregation::Sum => Some(sum),
                    Aggregation::Avg => (numbers > 0).then(|| sum / numbers as f64),
                    Aggregation::Min => (numbers > 0).then_some(lo),
                    Aggregation::Max => (numbers > 0).then_some(hi),
                };
                result.is_some_and(|r| cmp.holds(r, *value))
            }
        }
    }
}

/// The time of the first or last qualifying event at or before `now`.
pub(super) fn chosen(
    st: &mut State<'_>,
    sel: &EventSel,
    which: Occurrence,
) -> Option<DateTime<Utc>> {
    let now = st.now;
    let times = st.candidates(sel).map(|e| e.at).filter(|at| *at <= now);
    match which {
        Occurrence::First => times.min(),
        Occurrence::Last => times.max(),
    }
}
