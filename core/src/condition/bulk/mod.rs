//! Bulk evaluation: a [`Condition`] over every contact of a [`ContactTable`] at once.
//!
//! The table stores contacts column by column. [`ContactTable::evaluate`] compiles the condition
//! into a column-wise plan and runs it: each leaf is a tight loop over one column that yields a
//! [`Bitmap`] (text equality compares interned codes, number tests are plain `f64` loops, tags and
//! lists are ready-made bitmaps), and `and` / `or` / `not` are word-wise bit operations. Date
//! tests compute their thresholds once per time zone present in the table, not once per contact.
//! Inside `and` / `or`, event leaves only visit the contacts still undecided.
//!
//! The results follow the semantics documented in [`crate::condition`] exactly; the choices that
//! the documentation leaves open are listed below so that every evaluator makes the same ones.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use sequenza::condition::bulk::ContactTable;
//! use sequenza::condition::Condition;
//! use sequenza::{Contact, Event};
//!
//! let contacts = vec![
//!     Contact::from_json(r#"{"id": "anna", "fields": {"city": "Milano", "spend": 320},
//!                            "tags": ["vip"]}"#)?,
//!     Contact::from_json(r#"{"id": "bruno", "fields": {"city": "Roma", "spend": 40}}"#)?,
//!     Contact::from_json(r#"{"id": "carla", "fields": {"city": "Milano", "spend": 510},
//!                            "lists": ["blacklist"]}"#)?,
//! ];
//! let events = vec![
//!     Event::from_json(r#"{"contact": "anna", "name": "order.placed", "at": "2026-11-01T10:00:00Z"}"#)?,
//!     Event::from_json(r#"{"contact": "carla", "name": "order.placed", "at": "2026-11-20T10:00:00Z"}"#)?,
//! ];
//! let table = ContactTable::from_contacts(&contacts, &events, None)?;
//!
//! let segment = Condition::from_json(r#"{"type": "and", "conditions": [
//!   {"type": "field", "field": "city", "op": "in", "value": ["Milano", "Torino"]},
//!   {"type": "field", "field": "spend", "op": "gt", "value": 200},
//!   {"type": "event", "name": "order.placed", "within": {"amount": 90, "unit": "days"}},
//!   {"type": "not", "condition": {"type": "in_list", "list": "blacklist"}}
//! ]}"#)?;
//! let now = Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).unwrap();
//! let hits = table.evaluate(&segment, now, chrono_tz::Europe::Rome)?;
//! assert_eq!(hits.count(), 1);
//! assert_eq!(hits.ids(&table).next().map(|id| id.as_str()), Some("anna"));
//! # Ok::<(), sequenza::Error>(())
//! ```
//!
//! ## Choices the shared semantics leave open
//!
//! These are the same as [`crate::condition::eval`] makes (the two evaluators are tested
//! against each other):
//!
//! - **Fields** are the declared fields plus the built-in attributes `id`, `email`, `phone`,
//!   `time_zone`, `locale`, `created_at`, `updated_at` (read from the contact, never from
//!   `fields`; instants as RFC 3339 text with `Z` for `field` tests). With declared fields (a
//!   schema or the builder) an unknown field is the error `condition.field.unknown`; a table
//!   built without a schema treats it as missing for everyone.
//! - **Date values** are exactly `YYYY-MM-DD` or RFC 3339. Midnight that does not exist (a DST
//!   gap) is the first valid instant of the day; a wall-clock time that occurs twice is the
//!   earlier instant, one skipped by a gap moves forward by the gap. Minutes and hours count
//!   elapsed time; days, weeks and months count on the contact's calendar. An RFC 3339 `to` of
//!   `between` is inclusive.
//! - **Time zones**: an unknown zone name counts as no zone (the default zone applies).
//! - **Age**: a birthday on 29 February is reached on 1 March in common years; a birth date
//!   after the contact's today makes `age` false.
//! - **`matches` with `fold`**: the pattern, with its accents removed, runs case-insensitively
//!   over the folded text.
//! - **Events** at the same instant keep their input order; an aggregate adds values in time
//!   order. An event property holding a JSON object is set (unless `{}`) but equals nothing.
//! - **Compile errors** (`Error::Condition`, path a JSON pointer into the condition):
//!   `condition.value.missing` (a comparison without value, an aggregate other than `count`
//!   without `property`); `condition.value.invalid` (a value where none is taken; `null` or a
//!   list as a single operand; a boolean with `lt`…`gte`/`between`; non-text for `starts_with`
//!   / `ends_with`; `in` without a list; `between` without two numbers or two texts; a
//!   duration that is not positive; `age` with `min > max`; an aggregate compared otherwise than
//!   `eq`…`gte` or with a non-finite value; an empty event name); `condition.regex.invalid`;
//!   `condition.date.invalid`; `condition.too_deep` (nesting deeper than 64, at the node that
//!   is too deep); `condition.type_mismatch` (with declared fields: an operator or operand the
//!   field's type cannot match, a `date`/`age` on a field that is not a date or date-time; and
//!   an event filter using anything but `field`, `and`, `or`, `not`).
//! - **`in_segment`** is true exactly for the members given in
//!   [`Evaluation::with_segments`]; a segment without a given membership has no members (as in
//!   [`crate::condition::eval`], where a segment missing from the contact's segments is false).
//!   [`BulkTable`](crate::segment::BulkTable) computes memberships from segment definitions.

mod bitmap;
mod builder;
mod column;
mod compile;
mod dates;
mod events;
mod exec;
mod fields;
mod operand;
mod table;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

pub use bitmap::{Bitmap, Iter};
pub use builder::ContactTableBuilder;
pub use table::ContactTable;

pub(crate) use column::FxMap;

use crate::condition::Condition;
use crate::model::SegmentId;

/// The inputs of one bulk evaluation besides the condition: the current instant, the time zone
/// of contacts without one, and the membership of the segments that `in_segment` may name.
///
/// ```
/// use std::collections::HashMap;
/// use chrono::{TimeZone, Utc};
/// use sequenza::condition::bulk::{Bitmap, ContactTable, Evaluation};
/// use sequenza::condition::Condition;
/// use sequenza::model::SegmentId;
///
/// let table = ContactTable::builder(vec!["a", "b"]).build()?;
/// let mut segments = HashMap::new();
/// segments.insert(SegmentId::new("lapsed"), Bitmap::from_rows(2, [1]));
/// let now = Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).unwrap();
/// let eval = Evaluation::new(now).with_segments(&segments);
/// let c = Condition::from_json(r#"{"type": "in_segment", "segment": "lapsed"}"#)?;
/// assert_eq!(table.evaluate_with(&c, &eval)?.iter().collect::<Vec<_>>(), vec![1]);
/// # Ok::<(), sequenza::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Evaluation<'a> {
    /// The current instant.
    pub now: DateTime<Utc>,
    /// The time zone of contacts without a (known) one.
    pub default_time_zone: Tz,
    /// Segment memberships, by segment id, over the rows of the table.
    pub segments: Option<&'a HashMap<SegmentId, Bitmap>>,
}

impl<'a> Evaluation<'a> {
    /// An evaluation at `now`, with UTC as the default time zone and no segments.
    pub fn new(now: DateTime<Utc>) -> Self {
        Evaluation {
            now,
            default_time_zone: Tz::UTC,
            segments: None,
        }
    }

    /// Sets the default time zone.
    pub fn with_time_zone(mut self, tz: Tz) -> Self {
        self.default_time_zone = tz;
        self
    }

    /// Sets the segment memberships that `in_segment` reads.
    pub fn with_segments(mut self, segments: &'a HashMap<SegmentId, Bitmap>) -> Self {
        self.segments = Some(segments);
        self
    }
}

impl ContactTable {
    /// The rows (contacts) for which `condition` holds at `now`; contacts without a time zone
    /// use `default_time_zone`.
    ///
    /// Errors are [`Error::Condition`](crate::Error::Condition) with a code and the JSON pointer
    /// of the offending part of the condition.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use sequenza::condition::bulk::ContactTable;
    /// use sequenza::condition::Condition;
    /// let table = ContactTable::builder(vec!["a"]).number_column("age", vec![Some(40.0)]).build()?;
    /// let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    /// let bad = Condition::from_json(r#"{"type": "field", "field": "agee", "op": "gt", "value": 3}"#)?;
    /// let err = table.evaluate(&bad, now, chrono_tz::UTC).unwrap_err();
    /// assert_eq!(err.code(), "condition.field.unknown");
    /// assert_eq!(err.path(), Some("/field"));
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn evaluate(
        &self,
        condition: &Condition,
        now: DateTime<Utc>,
        default_time_zone: Tz,
    ) -> crate::Result<Bitmap> {
        self.evaluate_with(
            condition,
            &Evaluation::new(now).with_time_zone(default_time_zone),
        )
    }

    /// Like [`evaluate`](Self::evaluate), with segment memberships for `in_segment`.
    pub fn evaluate_with(
        &self,
        condition: &Condition,
        evaluation: &Evaluation<'_>,
    ) -> crate::Result<Bitmap> {
        let compiler = compile::Compiler {
            table: self,
            segments: evaluation.segments,
        };
        let plan = compiler.compile(condition)?;
        let exec = exec::Exec::new(self, evaluation.now, evaluation.default_time_zone);
        Ok(exec.run(&plan, self.len(), None))
    }

    /// Checks a condition against this table without evaluating it: the same errors as
    /// [`evaluate`](Self::evaluate) gives.
    pub fn check(&self, condition: &Condition) -> crate::Result<()> {
        let compiler = compile::Compiler {
            table: self,
            segments: None,
        };
        match compiler.compile(condition) {
            Err(e) if e.code() == "segment.unknown" => Ok(()),
            other => other.map(|_| ()),
        }
    }
}
