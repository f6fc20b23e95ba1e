//! Conditions: the typed AST that segments, branches, entry restrictions and automatic sends share.
//!
//! JSON form (tag `type`):
//!
//! | type | fields | meaning |
//! |---|---|---|
//! | `and` | `conditions` | all hold (an empty `and` is true) |
//! | `or` | `conditions` | at least one holds (an empty `or` is false) |
//! | `not` | `condition` | the inner one does not hold |
//! | `field` | `field`, `op`, `value` | compares a profile field |
//! | `tags` | `op` (`has_any` / `has_all` / `has_none`), `tags` | checks tags |
//! | `in_list` | `list` | the contact is in the list |
//! | `in_segment` | `segment` | the contact is in the segment |
//! | `consent` | `channel`, `status` | the contact's consent on a channel |
//! | `date` | `field`, `when` | a date field against a date test ([`DateTest`]) |
//! | `age` | `field` (default `birth_date`), `min`, `max` | age in whole years, in the contact's time zone |
//! | `event` | `name`, `filter`, `count`, `within`, `between` | did event X at least / at most / exactly N times (ever, in a window before now, between two dates) |
//! | `event_time` | `name`, `filter`, `which`, `when` | the first / last time of event X against a date test |
//! | `aggregate` | `name`, `agg`, `property`, `filter`, `within`, `op`, `value` | sum / count / avg / min / max of an event property, compared |
//!
//! Event `filter`s are conditions whose fields name event properties.
//!
//! ## Semantics (shared by single-contact, bulk and incremental evaluation)
//!
//! - **Missing values.** A missing or `null` field makes every comparison false, except `ne`
//!   (which is exactly `not eq`, so it holds) and `is_empty` (which holds).
//! - **Types.** Numbers compare numerically, text compares as text (byte order; with `fold`,
//!   after [`fold`](crate::text::fold)ing both sides), booleans only by `eq`/`ne`. A value of
//!   another JSON type than the operand never matches (`ne` holds). Chronological comparisons are
//!   `date` conditions, not `field` ones.
//! - **Lists** (`text_list` fields): `contains` tests membership, `in` holds when any element is
//!   in the operand list, `is_empty`/`is_set` test emptiness; other operators are false.
//! - **`between`** is inclusive at both ends; **`in`** holds when the value equals one of the
//!   operand list; **`matches`** uses a linear-time regular expression anywhere in the text.
//! - **Dates.** A field value `YYYY-MM-DD` is midnight of that day in the contact's time zone; an
//!   RFC 3339 value is that instant; anything else makes the test false. Absolute operands follow
//!   the same rule; `between` includes the whole `to` day. Relative tests use calendar arithmetic
//!   in the contact's zone (`1 month` before 31 March is the last day of February).
//!   `within_last N`: `now − N ≤ t ≤ now`; `more_than_ago N`: `t < now − N`; `in_next N`:
//!   `now ≤ t ≤ now + N`. `anniversary_within D`: the next yearly anniversary (29 February is
//!   28 February in common years) falls between the contact's local today and today + D days.
//! - **Time zone** of a contact: its `time_zone`, else the evaluation's default zone (UTC unless
//!   set).
//! - **Age**: whole years from the birth date to the contact's local today; bounds inclusive.
//! - **Events** count only events at or before `now` (and within the window when one is given).
//!   `count` defaults to at least once; `at_most 0` means "did not". `event_time` is false when
//!   no event qualifies. `aggregate` skips events whose property is not a number; `count` and
//!   `sum` of nothing are 0, `avg`/`min`/`max` of nothing make the condition false.
//! - **Tags**: `has_all` of an empty list holds, `has_any` of an empty list does not.
//!
//! ```
//! use sequenza::condition::Condition;
//! let c: Condition = serde_json::from_str(r#"{
//!   "type": "and",
//!   "conditions": [
//!     {"type": "field", "field": "city", "op": "eq", "value": "Milano"},
//!     {"type": "tags", "op": "has_any", "tags": ["vip", "newsletter"]}
//!   ]
//! }"#).unwrap();
//! assert_eq!(c.to_string(), r#"city = "Milano" and tags has any ("vip", "newsletter")"#);
//! assert_eq!(Condition::parse(&c.to_string()).unwrap(), c);
//! ```
//!
//! The readable text syntax (`Display` and [`Condition::parse`]) is described in [`text`].

use serde::{Deserialize, Serialize};

use crate::model::{Channel, ConsentStatus, ListId, SegmentId, Value};
use crate::time::{Duration, TimeUnit};

pub mod bulk;
pub mod eval;
mod kinds;
pub mod text;

crate::tagged::tagged_enum! {
    tag = "type", repr = ConditionRepr;
/// A condition over one contact.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
    pub enum Condition {
    /// All inner conditions hold.
    And {
        /// The inner conditions.
        conditions: Vec<Condition>,
    },
    /// At least one inner condition holds.
    Or {
        /// The inner conditions.
        conditions: Vec<Condition>,
    },
    /// The inner condition does not hold.
    Not {
        /// The negated condition.
        condition: Box<Condition>,
    },
    /// A comparison on a profile field (or a built-in attribute such as `email`).
    Field {
        /// The field key.
        field: String,
        /// The comparison.
        op: FieldOp,
        /// The value compared with; absent for `is_set` / `is_empty`; a list of two for
        /// `between`, a list for `in`, a regular expression for `matches`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        value: Option<Value>,
        /// Compare text case- and accent-insensitively.
        #[serde(default, skip_serializing_if = "is_false")]
        fold: bool,
    },
    /// A check on the contact's tags.
    Tags {
        /// Any, all or none of `tags`.
        op: TagOp,
        /// The tags checked.
        tags: Vec<String>,
    },
    /// The contact belongs to a list.
    InList {
        /// The list.
        list: ListId,
    },
    /// The contact belongs to a segment.
    InSegment {
        /// The segment.
        segment: SegmentId,
    },
    /// The contact's consent status on a channel.
    Consent {
        /// The channel.
        channel: Channel,
        /// The status required.
        status: ConsentStatus,
    },
    /// A date (or date-time) field against a date test.
    Date {
        /// The date field.
        field: String,
        /// The test.
        when: DateTest,
    },
    /// Age in whole years from a birth date, computed in the contact's time zone; bounds are
    /// inclusive.
    Age {
        /// The birth-date field.
        #[serde(default = "birth_date")]
        field: String,
        /// Youngest age accepted.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<u32>,
        /// Oldest age accepted.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<u32>,
    },
    /// The contact did an event (with a property filter) a number of times, ever or within a
    /// window. "Did not" is `not` around it.
    Event {
        /// The event name.
        name: String,
        /// A condition on the event's properties.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        filter: Option<Box<Condition>>,
        /// How many times (default: at least once).
        #[serde(default, skip_serializing_if = "CountTest::is_default")]
        count: CountTest,
        /// Only events in this window before now (ever when absent).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        within: Option<Duration>,
        /// Only events between two dates (inclusive; a `YYYY-MM-DD` end includes that whole
        /// day). Combines with `within`: an event must be in both.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        between: Option<DateRange>,
    },
    /// The first or last time the contact did an event, against a date test. False when the
    /// contact never did it.
    EventTime {
        /// The event name.
        name: String,
        /// A condition on the event's properties.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        filter: Option<Box<Condition>>,
        /// First or last occurrence.
        which: Occurrence,
        /// The test on its time.
        when: DateTest,
    },
    /// An aggregate of an event property over a window (sum of order amounts in 365 days, count
    /// of opens in 90 days) compared with a number. The aggregate of no events is 0 for `count`
    /// and `sum`, and makes the condition false for `avg`, `min` and `max`.
    Aggregate {
        /// The event name.
        name: String,
        /// The aggregation.
        agg: Aggregation,
        /// The numeric property aggregated (not used by `count`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        property: Option<String>,
        /// A condition on the event's properties.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        filter: Option<Box<Condition>>,
        /// Only events in this window before now (ever when absent).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        within: Option<Duration>,
        /// The comparison (`eq`, `ne`, `lt`, `lte`, `gt`, `gte`).
        op: FieldOp,
        /// The number compared with.
        value: f64,
    },
}
}

/// A field comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FieldOp {
    /// Equal.
    Eq,
    /// Not equal.
    Ne,
    /// Less than.
    Lt,
    /// Less than or equal.
    Lte,
    /// Greater than.
    Gt,
    /// Greater than or equal.
    Gte,
    /// Equal to one of the values of a list.
    In,
    /// Text contains, or list contains the value.
    Contains,
    /// Text starts with.
    StartsWith,
    /// Text ends with.
    EndsWith,
    /// The field has a non-empty value (no `value`).
    IsSet,
    /// The field is missing or empty (no `value`).
    IsEmpty,
    /// Between two values, inclusive (`value` is a list of two).
    Between,
    /// Text matches a regular expression (linear-time engine).
    Matches,
}

impl FieldOp {
    /// Whether this operator takes a `value`.
    pub fn takes_value(self) -> bool {
        !matches!(self, FieldOp::IsSet | FieldOp::IsEmpty)
    }

    /// The operator as written in text (`=`, `!=`, `<`, `contains` …).
    pub fn symbol(self) -> &'static str {
        match self {
            FieldOp::Eq => "=",
            FieldOp::Ne => "!=",
            FieldOp::Lt => "<",
            FieldOp::Lte => "<=",
            FieldOp::Gt => ">",
            FieldOp::Gte => ">=",
            FieldOp::In => "in",
            FieldOp::Contains => "contains",
            FieldOp::StartsWith => "starts with",
            FieldOp::EndsWith => "ends with",
            FieldOp::IsSet => "is set",
            FieldOp::IsEmpty => "is empty",
            FieldOp::Between => "between",
            FieldOp::Matches => "matches",
        }
    }
}

/// A tag check operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TagOp {
    /// The contact has at least one of the tags.
    HasAny,
    /// The contact has every one of the tags.
    HasAll,
    /// The contact has none of the tags.
    HasNone,
}

fn birth_date() -> String {
    "birth_date".to_owned()
}

fn is_false(b: &bool) -> bool {
    !*b
}

crate::tagged::tagged_enum! {
    tag = "op", repr = DateTestRepr;
/// A test on a date or instant. Absolute dates are `YYYY-MM-DD` (midnight in the contact's time
/// zone) or RFC 3339 instants. Relative tests count back or forward from `now`.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
    pub enum DateTest {
    /// Strictly before the date.
    Before {
        /// `YYYY-MM-DD` or RFC 3339.
        date: String,
    },
    /// On or after the date.
    After {
        /// `YYYY-MM-DD` or RFC 3339.
        date: String,
    },
    /// On or after `from` and before the end of `to`.
    Between {
        /// `YYYY-MM-DD` or RFC 3339.
        from: String,
        /// `YYYY-MM-DD` or RFC 3339.
        to: String,
    },
    /// Within the last N units (between now − N and now).
    WithinLast {
        /// How many units.
        amount: i64,
        /// Which unit.
        unit: TimeUnit,
    },
    /// More than N units ago.
    MoreThanAgo {
        /// How many units.
        amount: i64,
        /// Which unit.
        unit: TimeUnit,
    },
    /// In the next N units (between now and now + N).
    InNext {
        /// How many units.
        amount: i64,
        /// Which unit.
        unit: TimeUnit,
    },
    /// The yearly anniversary of the date falls within the next `days` days (today included);
    /// 29 February counts as 28 February in common years.
    AnniversaryWithin {
        /// Days ahead, 0 for today only.
        days: u32,
    },
}
}

/// A range of dates or instants: `{"from": "2026-01-01", "to": "2026-03-31"}`. A `YYYY-MM-DD`
/// bound is midnight of that day in the contact's time zone, and a `YYYY-MM-DD` `to` includes
/// the whole day; RFC 3339 bounds are those instants (both inclusive).
///
/// ```
/// use sequenza::condition::{Condition, DateRange};
/// let c = Condition::from_json(r#"{"type": "event", "name": "coupon.downloaded",
///   "between": {"from": "2026-01-01", "to": "2026-03-31"}}"#)?;
/// assert_eq!(c.to_string(), r#"did "coupon.downloaded" between 2026-01-01 and 2026-03-31"#);
/// assert_eq!(Condition::parse(&c.to_string())?, c);
/// let r = DateRange::new("2026-01-01", "2026-03-31");
/// assert_eq!(r.from, "2026-01-01");
/// # Ok::<(), sequenza::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DateRange {
    /// First date or instant (`YYYY-MM-DD` or RFC 3339).
    pub from: String,
    /// Last date or instant (`YYYY-MM-DD` or RFC 3339).
    pub to: String,
}

impl DateRange {
    /// A range from its two bounds.
    pub fn new(from: impl Into<String>, to: impl Into<String>) -> Self {
        DateRange {
            from: from.into(),
            to: to.into(),
        }
    }
}

/// How many times an event must have happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CountTest {
    /// At least, at most or exactly.
    pub op: CountOp,
    /// The number of times.
    pub n: u32,
}

impl Default for CountTest {
    /// At least once.
    fn default() -> Self {
        CountTest {
            op: CountOp::AtLeast,
            n: 1,
        }
    }
}

impl CountTest {
    /// True for the default "at least once".
    pub fn is_default(&self) -> bool {
        *self == CountTest::default()
    }
}

/// A count comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CountOp {
    /// `>= n`.
    AtLeast,
    /// `<= n`.
    AtMost,
    /// `== n`.
    Exactly,
}

/// First or last occurrence of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Occurrence {
    /// The earliest.
    First,
    /// The most recent.
    Last,
}

/// An aggregation over event properties.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Aggregation {
    /// Number of events.
    Count,
    /// Sum of the property.
    Sum,
    /// Mean of the property.
    Avg,
    /// Smallest value of the property.
    Min,
    /// Largest value of the property.
    Max,
}

impl Condition {
    /// Parses a condition from JSON; errors carry the JSON path, line and column.
    pub fn from_json(json: &str) -> crate::Result<Self> {
        crate::error::from_json_str(json)
    }

    /// Every field key the condition reads, in order of appearance (with repeats).
    ///
    /// ```
    /// use sequenza::condition::Condition;
    /// let c = Condition::from_json(
    ///     r#"{"type": "not", "condition": {"type": "field", "field": "age", "op": "is_set"}}"#).unwrap();
    /// assert_eq!(c.fields(), vec!["age"]);
    /// ```
    pub fn fields(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.visit(&mut |c| {
            if let Condition::Field { field, .. } = c {
                out.push(field.as_str());
            }
        });
        out
    }

    /// Calls `f` on this condition and every condition nested in it, depth first.
    pub fn visit<'a>(&'a self, f: &mut dyn FnMut(&'a Condition)) {
        f(self);
        match self {
            Condition::And { conditions } | Condition::Or { conditions } => {
                for c in conditions {
                    c.visit(f);
                }
            }
            Condition::Not { condition } => condition.visit(f),
            _ => {}
        }
    }

    /// Nesting depth: 1 for a leaf.
    pub fn depth(&self) -> usize {
        match self {
            Condition::And { conditions } | Condition::Or { conditions } => {
                1 + conditions.iter().map(Condition::depth).max().unwrap_or(0)
            }
            Condition::Not { condition } => 1 + condition.depth(),
            Condition::Event { filter, .. }
            | Condition::EventTime { filter, .. }
            | Condition::Aggregate { filter, .. } => 1 + filter.as_ref().map_or(0, |c| c.depth()),
            _ => 1,
        }
    }

    /// A canonical form for comparing conditions: nested `and`/`or` flattened, children sorted,
    /// single-child groups unwrapped, double negation removed, tag sets sorted.
    ///
    /// Two conditions with equal canonical forms select the same contacts.
    ///
    /// ```
    /// use sequenza::condition::Condition;
    /// let a = Condition::from_json(r#"{"type": "and", "conditions": [
    ///   {"type": "in_list", "list": "b"}, {"type": "in_list", "list": "a"}]}"#).unwrap();
    /// let b = Condition::from_json(r#"{"type": "and", "conditions": [
    ///   {"type": "in_list", "list": "a"}, {"type": "and", "conditions": [{"type": "in_list", "list": "b"}]}]}"#).unwrap();
    /// assert_eq!(a.canonical(), b.canonical());
    /// ```
    pub fn canonical(&self) -> Condition {
        match self {
            Condition::And { conditions } => group(conditions, true),
            Condition::Or { conditions } => group(conditions, false),
            Condition::Not { condition } => match condition.canonical() {
                Condition::Not { condition } => *condition,
                inner => Condition::Not {
                    condition: Box::new(inner),
                },
            },
            Condition::Tags { op, tags } => {
                let mut tags = tags.clone();
                tags.sort();
                tags.dedup();
                Condition::Tags { op: *op, tags }
            }
            other => other.clone(),
        }
    }
}

fn group(children: &[Condition], is_and: bool) -> Condition {
    let mut flat = Vec::with_capacity(children.len());
    for c in children {
        match (c.canonical(), is_and) {
            (Condition::And { conditions }, true) | (Condition::Or { conditions }, false) => {
                flat.extend(conditions)
            }
            (other, _) => flat.push(other),
        }
    }
    let mut keyed: Vec<(String, Condition)> =
        flat.into_iter().map(|c| (c.to_string(), c)).collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    keyed.dedup_by(|a, b| a.0 == b.0);
    let mut conditions: Vec<Condition> = keyed.into_iter().map(|(_, c)| c).collect();
    if conditions.len() == 1 {
        if let Some(only) = conditions.pop() {
            return only;
        }
    }
    if is_and {
        Condition::And { conditions }
    } else {
        Condition::Or { conditions }
    }
}
