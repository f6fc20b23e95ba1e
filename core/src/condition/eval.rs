//! Evaluating a condition on one contact: compile once, then [`matches`](CompiledCondition::matches)
//! many times, and ask [`next_change_at`](CompiledCondition::next_change_at) when the answer can
//! change with time alone.
//!
//! [`CompiledCondition::compile`] checks a [`Condition`] (shapes of values, regular expressions,
//! dates, durations, nesting depth and — with a [`FieldSchema`] — field names and types) and
//! prepares it: text operands are folded, regular expressions and absolute dates are parsed, so
//! that evaluation neither parses nor allocates in the common case.
//!
//! Evaluation implements the semantics documented in [`crate::condition`]. Where that text leaves a
//! choice, this module decides as follows (the bulk evaluator decides the same way):
//!
//! - **Built-in attributes** (`id`, `email`, `phone`, `time_zone`, `locale`, `created_at`,
//!   `updated_at`) are read from the contact, never from `fields`. `created_at` / `updated_at` are
//!   text in RFC 3339 (`2026-01-10T09:00:00Z`) for `field` comparisons and instants for `date`
//!   tests.
//! - **`ne`** is exactly `not eq`, also on lists and values of another type.
//! - **`fold`** with `matches`: the pattern is compiled case-insensitively with its accents
//!   removed and is matched against the folded text.
//! - **Time zone**: an unknown `time_zone` name counts as no zone (the default zone applies).
//! - **Wall-clock arithmetic** (`days`, `weeks`, `months` in the contact's zone): a local time that
//!   occurs twice is the earlier instant, a local time skipped by a DST gap is moved forward by the
//!   length of the gap. **Midnight** of a `YYYY-MM-DD` value that does not exist is the first
//!   valid instant of that day.
//! - **Age**: a birthday on 29 February is reached on 1 March in common years (whole years as on
//!   a calendar); a birth date after the contact's today makes the test false.
//! - **Anniversaries** compare month and day only (the year of the date does not matter); an
//!   RFC 3339 value's day is its local day in the contact's zone.
//! - **Events** of another contact than the one evaluated are ignored. An event `filter` may only
//!   use `and`, `or`, `not` and `field` (on event properties).
//! - **`aggregate` with `count`** counts the qualifying events; `property` is not read.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use sequenza::condition::eval::{CompiledCondition, EvalContext};
//! use sequenza::condition::Condition;
//! use sequenza::{Contact, Event};
//!
//! let c = Condition::from_json(r#"{"type": "and", "conditions": [
//!   {"type": "field", "field": "city", "op": "eq", "value": "milano", "fold": true},
//!   {"type": "event", "name": "order.placed", "within": {"amount": 30, "unit": "days"}}
//! ]}"#)?;
//! let compiled = CompiledCondition::compile(&c, None)?;
//! let anna = Contact::from_json(r#"{"id": "anna", "fields": {"city": "Milano"}}"#)?;
//! let order = Event::from_json(
//!     r#"{"contact": "anna", "name": "order.placed", "at": "2026-11-01T10:00:00Z"}"#)?;
//! let now = Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).unwrap();
//! let ctx = EvalContext::new(now);
//! assert!(compiled.matches(&anna, &[order.clone()], &ctx));
//! // Without new data the answer changes when the order leaves the 30-day window.
//! let next = compiled.next_change_at(&anna, &[order], &ctx).unwrap();
//! assert_eq!(next, Utc.with_ymd_and_hms(2026, 12, 1, 10, 0, 0).unwrap());
//! # Ok::<(), sequenza::Error>(())
//! ```

mod clock;
mod compile;
mod edges;
mod run;
mod value;

use std::collections::{BTreeSet, HashSet};
use std::fmt;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::Condition;
use crate::model::{Channel, Contact, Event, FieldSchema, ListId, SegmentId};

/// The deepest nesting [`CompiledCondition::compile`] accepts (`condition.too_deep` beyond).
///
/// ```
/// use sequenza::condition::eval::{CompiledCondition, MAX_DEPTH};
/// use sequenza::condition::Condition;
/// let mut c = Condition::InList { list: "news".into() };
/// for _ in 0..MAX_DEPTH {
///     c = Condition::Not { condition: Box::new(c) };
/// }
/// assert_eq!(CompiledCondition::compile(&c, None).unwrap_err().code(), "condition.too_deep");
/// ```
pub const MAX_DEPTH: usize = 64;

/// Tells whether the contact being evaluated belongs to a segment (for `in_segment`).
///
/// Implemented for sets of segment ids (the segments the contact is in) and for closures
/// `Fn(&SegmentId) -> bool`. The [`SegmentIndex`](crate::segment::SegmentIndex) supplies one per
/// contact.
///
/// ```
/// use std::collections::BTreeSet;
/// use sequenza::condition::eval::SegmentMembership;
/// use sequenza::model::SegmentId;
/// let mine: BTreeSet<SegmentId> = [SegmentId::new("vip")].into();
/// assert!(mine.contains_segment(&SegmentId::new("vip")));
/// let none = |_: &SegmentId| false;
/// assert!(!none.contains_segment(&SegmentId::new("vip")));
/// ```
pub trait SegmentMembership {
    /// True when the contact is in `segment`.
    fn contains_segment(&self, segment: &SegmentId) -> bool;
}

impl<F: Fn(&SegmentId) -> bool> SegmentMembership for F {
    fn contains_segment(&self, segment: &SegmentId) -> bool {
        self(segment)
    }
}

impl SegmentMembership for BTreeSet<SegmentId> {
    fn contains_segment(&self, segment: &SegmentId) -> bool {
        self.contains(segment)
    }
}

impl<S: std::hash::BuildHasher> SegmentMembership for HashSet<SegmentId, S> {
    fn contains_segment(&self, segment: &SegmentId) -> bool {
        self.contains(segment)
    }
}

impl SegmentMembership for [SegmentId] {
    fn contains_segment(&self, segment: &SegmentId) -> bool {
        self.contains(segment)
    }
}

impl SegmentMembership for Vec<SegmentId> {
    fn contains_segment(&self, segment: &SegmentId) -> bool {
        self.contains(segment)
    }
}

/// No segment memberships: every `in_segment` is false.
///
/// ```
/// use sequenza::condition::eval::{NoSegments, SegmentMembership};
/// assert!(!NoSegments.contains_segment(&"vip".into()));
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct NoSegments;

impl SegmentMembership for NoSegments {
    fn contains_segment(&self, _: &SegmentId) -> bool {
        false
    }
}

/// What an evaluation needs besides the contact: the current instant, the time zone of contacts
/// without one, and segment memberships.
///
/// Nothing reads the clock: `now` is always given.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use sequenza::condition::eval::EvalContext;
/// let now = Utc.with_ymd_and_hms(2026, 3, 29, 1, 30, 0).unwrap();
/// let ctx = EvalContext::new(now).with_default_time_zone(chrono_tz::Europe::Rome);
/// assert_eq!(ctx.now, now);
/// assert_eq!(ctx.default_time_zone, chrono_tz::Europe::Rome);
/// ```
#[derive(Clone, Copy)]
#[non_exhaustive]
pub struct EvalContext<'a> {
    /// The instant of evaluation.
    pub now: DateTime<Utc>,
    /// The time zone of contacts without a (known) `time_zone` (UTC unless set).
    pub default_time_zone: Tz,
    /// The segments the evaluated contact is in.
    pub segments: &'a dyn SegmentMembership,
}

impl fmt::Debug for EvalContext<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EvalContext")
            .field("now", &self.now)
            .field("default_time_zone", &self.default_time_zone)
            .finish_non_exhaustive()
    }
}

impl<'a> EvalContext<'a> {
    /// A context at `now`, default zone UTC, in no segment.
    ///
    /// ```
    /// use chrono::{DateTime, Utc};
    /// use sequenza::condition::eval::EvalContext;
    /// let ctx = EvalContext::new(DateTime::<Utc>::UNIX_EPOCH);
    /// assert_eq!(ctx.default_time_zone, chrono_tz::UTC);
    /// assert!(!ctx.segments.contains_segment(&"vip".into()));
    /// ```
    pub fn new(now: DateTime<Utc>) -> EvalContext<'static> {
        EvalContext {
            now,
            default_time_zone: Tz::UTC,
            segments: &NoSegments,
        }
    }

    /// The same context with another default time zone.
    ///
    /// ```
    /// use chrono::{DateTime, Utc};
    /// use sequenza::condition::eval::EvalContext;
    /// let ctx = EvalContext::new(DateTime::<Utc>::UNIX_EPOCH)
    ///     .with_default_time_zone(chrono_tz::America::New_York);
    /// assert_eq!(ctx.default_time_zone.name(), "America/New_York");
    /// ```
    pub fn with_default_time_zone(mut self, tz: Tz) -> Self {
        self.default_time_zone = tz;
        self
    }

    /// The same context at another instant.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use sequenza::condition::eval::EvalContext;
    /// let a = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    /// let b = Utc.with_ymd_and_hms(2026, 1, 2, 0, 0, 0).unwrap();
    /// assert_eq!(EvalContext::new(a).at(b).now, b);
    /// ```
    pub fn at(mut self, now: DateTime<Utc>) -> Self {
        self.now = now;
        self
    }

    /// The same context with segment memberships.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use sequenza::condition::eval::{CompiledCondition, EvalContext};
    /// use sequenza::condition::Condition;
    /// use sequenza::model::SegmentId;
    /// use sequenza::Contact;
    /// let c = Condition::from_json(r#"{"type": "in_segment", "segment": "vip"}"#)?;
    /// let compiled = CompiledCondition::compile(&c, None)?;
    /// let vip = vec![SegmentId::new("vip")];
    /// let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    /// let ctx = EvalContext::new(now).with_segments(&vip);
    /// assert!(compiled.matches(&Contact::new("c1"), &[], &ctx));
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn with_segments<'b>(self, segments: &'b dyn SegmentMembership) -> EvalContext<'b> {
        EvalContext {
            now: self.now,
            default_time_zone: self.default_time_zone,
            segments,
        }
    }
}

/// What a condition reads: the inputs whose change can change its result.
///
/// `fields` holds profile field keys and built-in attributes; `time_zone` is in it whenever the
/// result depends on the contact's zone (dates, ages, windows in days, weeks or months).
///
/// ```
/// use sequenza::condition::eval::CompiledCondition;
/// use sequenza::condition::Condition;
/// let c = Condition::from_json(r#"{"type": "or", "conditions": [
///   {"type": "tags", "op": "has_any", "tags": ["vip"]},
///   {"type": "age", "min": 18}
/// ]}"#)?;
/// let deps = CompiledCondition::compile(&c, None)?.dependencies().clone();
/// assert!(deps.tags.contains("vip"));
/// assert!(deps.fields.contains("birth_date") && deps.fields.contains("time_zone"));
/// assert!(deps.time_relative);
/// # Ok::<(), sequenza::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Dependencies {
    /// Field keys (profile fields and built-in attributes).
    pub fields: BTreeSet<String>,
    /// Tags.
    pub tags: BTreeSet<String>,
    /// Lists.
    pub lists: BTreeSet<ListId>,
    /// Segments (`in_segment`).
    pub segments: BTreeSet<SegmentId>,
    /// Event names.
    pub events: BTreeSet<String>,
    /// Consent channels.
    pub consent: BTreeSet<Channel>,
    /// The result can change with time alone (relative dates, ages, anniversaries, events):
    /// ask [`CompiledCondition::next_change_at`].
    pub time_relative: bool,
}

/// A checked and prepared condition, ready to evaluate on many contacts.
///
/// ```
/// use sequenza::condition::eval::CompiledCondition;
/// use sequenza::condition::Condition;
/// use sequenza::FieldSchema;
/// let fields = FieldSchema::from_json(r#"{"fields": [{"key": "age", "type": "number"}]}"#)?;
/// let c = Condition::from_json(r#"{"type": "and", "conditions": [
///   {"type": "in_list", "list": "news"},
///   {"type": "field", "field": "age", "op": "gt", "value": "eighteen"}
/// ]}"#)?;
/// let err = CompiledCondition::compile(&c, Some(&fields)).unwrap_err();
/// assert_eq!(err.code(), "condition.type_mismatch");
/// assert_eq!(err.path(), Some("/conditions/1/value"));
/// # Ok::<(), sequenza::Error>(())
/// ```
#[derive(Debug)]
pub struct CompiledCondition {
    root: compile::Node,
    deps: Dependencies,
}

impl CompiledCondition {
    /// Checks and prepares `condition`. With `schema`, field names must be declared (or built-in)
    /// and operators and values must suit the field's type.
    ///
    /// Errors (`Error::Condition`, with a JSON pointer into the condition):
    /// `condition.field.unknown`, `condition.type_mismatch`, `condition.value.missing`,
    /// `condition.value.invalid`, `condition.regex.invalid`, `condition.date.invalid`,
    /// `condition.too_deep` (nesting deeper than [`MAX_DEPTH`]).
    ///
    /// ```
    /// use sequenza::condition::eval::CompiledCondition;
    /// use sequenza::condition::Condition;
    /// let c = Condition::from_json(r#"{"type": "or", "conditions": [
    ///   {"type": "tags", "op": "has_all", "tags": []},
    ///   {"type": "field", "field": "email", "op": "matches", "value": "(unclosed"}
    /// ]}"#)?;
    /// let err = CompiledCondition::compile(&c, None).unwrap_err();
    /// assert_eq!(err.code(), "condition.regex.invalid");
    /// assert_eq!(err.path(), Some("/conditions/1/value"));
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn compile(
        condition: &Condition,
        schema: Option<&FieldSchema>,
    ) -> crate::Result<CompiledCondition> {
        let (root, deps) = compile::compile(condition, schema)?;
        Ok(CompiledCondition { root, deps })
    }

    /// True when the contact (with its events) satisfies the condition at `ctx.now`.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use sequenza::condition::eval::{CompiledCondition, EvalContext};
    /// use sequenza::condition::Condition;
    /// use sequenza::Contact;
    /// let c = Condition::from_json(r#"{"type": "field", "field": "city", "op": "ne", "value": "Roma"}"#)?;
    /// let compiled = CompiledCondition::compile(&c, None)?;
    /// let ctx = EvalContext::new(Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap());
    /// // A missing field is never equal, so `ne` holds.
    /// assert!(compiled.matches(&Contact::new("c1"), &[], &ctx));
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn matches(&self, contact: &Contact, events: &[Event], ctx: &EvalContext<'_>) -> bool {
        let mut st = run::State::new(contact, events, ctx);
        self.root.eval(&mut st)
    }

    /// What the condition reads.
    ///
    /// ```
    /// use sequenza::condition::eval::CompiledCondition;
    /// use sequenza::condition::Condition;
    /// let c = Condition::from_json(r#"{"type": "in_list", "list": "news"}"#)?;
    /// let deps = CompiledCondition::compile(&c, None)?.dependencies().clone();
    /// assert!(deps.lists.contains(&"news".into()));
    /// assert!(deps.fields.is_empty() && !deps.time_relative);
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn dependencies(&self) -> &Dependencies {
        &self.deps
    }

    /// True when the result can change with time alone (see [`Dependencies::time_relative`]).
    ///
    /// ```
    /// use sequenza::condition::eval::CompiledCondition;
    /// use sequenza::condition::Condition;
    /// let lapsed = Condition::from_json(r#"{"type": "not", "condition": {"type": "event",
    ///   "name": "order.placed", "within": {"amount": 90, "unit": "days"}}}"#)?;
    /// assert!(CompiledCondition::compile(&lapsed, None)?.is_time_relative());
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn is_time_relative(&self) -> bool {
        self.deps.time_relative
    }

    /// The earliest instant after `ctx.now` at which the result may change without new data
    /// (no change to the contact, no new event), or `None` when it cannot change with time.
    ///
    /// The guarantee: for every instant `t` with `ctx.now <= t < next_change_at`, the result of
    /// [`matches`](Self::matches) at `t` equals the result at `ctx.now`. The answer may be
    /// conservative — earlier than the real change, for example at a DST transition of the
    /// contact's zone, or at a calendar edge that turns out not to matter — but never later. Ask
    /// again at that instant. Membership of other segments (`in_segment`) is taken as fixed: the
    /// segment index re-evaluates dependent segments itself.
    ///
    /// Offset transitions are found by probing the zone once a week, so two transitions less
    /// than a week apart that cancel out (none exist in the current time zone database) could
    /// be missed.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use sequenza::condition::eval::{CompiledCondition, EvalContext};
    /// use sequenza::condition::Condition;
    /// use sequenza::Contact;
    /// let c = Condition::from_json(r#"{"type": "age", "min": 18}"#)?;
    /// let compiled = CompiledCondition::compile(&c, None)?;
    /// let teen = Contact::from_json(
    ///     r#"{"id": "t", "fields": {"birth_date": "2008-12-03"}, "time_zone": "Europe/Rome"}"#)?;
    /// let ctx = EvalContext::new(Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).unwrap());
    /// assert!(!compiled.matches(&teen, &[], &ctx));
    /// // Midnight of the 18th birthday in Rome (UTC+1 in December).
    /// assert_eq!(compiled.next_change_at(&teen, &[], &ctx),
    ///            Some(Utc.with_ymd_and_hms(2026, 12, 2, 23, 0, 0).unwrap()));
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn next_change_at(
        &self,
        contact: &Contact,
        events: &[Event],
        ctx: &EvalContext<'_>,
    ) -> Option<DateTime<Utc>> {
        if !self.deps.time_relative {
            return None;
        }
        let mut st = run::State::new(contact, events, ctx);
        edges::next_change(&self.root, &mut st)
    }
}
