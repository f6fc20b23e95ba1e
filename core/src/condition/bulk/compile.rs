//! Compiles a [`Condition`] against a [`ContactTable`] into a column-wise plan, checking it.

use std::collections::HashMap;

use regex::Regex;

use super::bitmap::Bitmap;
use super::column::Column;
use super::dates::{parse_moment, Moment};
use super::events::EventStream;
use super::table::{builtin_type, channel_index, consent_code, ContactTable};
use crate::condition::{Aggregation, Condition, CountTest, DateTest, FieldOp, Occurrence, TagOp};
use crate::error::{ConditionCode, ConditionError, ConditionErrorCode, Error};
use crate::model::{FieldType, SegmentId};
use crate::time::{Duration, TimeUnit};

/// A scalar operand.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Scalar {
    Num(f64),
    Text(String),
    Bool(bool),
}

/// Ordering comparisons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cmp {
    Lt,
    Lte,
    Gt,
    Gte,
}

impl Cmp {
    pub(crate) fn holds<T: PartialOrd + ?Sized>(self, a: &T, b: &T) -> bool {
        match self {
            Cmp::Lt => a < b,
            Cmp::Lte => a <= b,
            Cmp::Gt => a > b,
            Cmp::Gte => a >= b,
        }
    }
}

/// A field test, with `ne` and `is_empty` already turned into `not eq` and `not is_set`.
/// Text operands are already folded when `fold` is set.
#[derive(Debug, Clone)]
pub(crate) enum FieldTest {
    Eq(Scalar),
    Cmp(Cmp, Scalar),
    In(Vec<Scalar>),
    Between(Scalar, Scalar),
    Contains(Scalar),
    StartsWith(String),
    EndsWith(String),
    Matches(Regex),
    IsSet,
}

/// A compiled date test.
#[derive(Debug, Clone, Copy)]
pub(crate) enum DateSpec {
    Before(Moment),
    After(Moment),
    Between(Moment, Moment),
    WithinLast(i64, TimeUnit),
    MoreThanAgo(i64, TimeUnit),
    InNext(i64, TimeUnit),
    Anniversary(u32),
}

/// Comparison of an aggregate with a number.
#[derive(Debug, Clone, Copy)]
pub(crate) enum NumCmp {
    Eq,
    Ne,
    Ord(Cmp),
}

impl NumCmp {
    pub(crate) fn holds(self, a: f64, b: f64) -> bool {
        match self {
            NumCmp::Eq => a == b,
            NumCmp::Ne => a != b,
            NumCmp::Ord(c) => c.holds(&a, &b),
        }
    }
}

/// What an event leaf reads: the stream (none when nobody did the event) and a filter plan
/// over its events.
#[derive(Debug)]
pub(crate) struct EventSource<'t> {
    pub(crate) stream: Option<&'t EventStream>,
    pub(crate) filter: Option<Box<Plan<'t>>>,
}

/// A column-wise plan.
#[derive(Debug)]
pub(crate) enum Plan<'t> {
    Const(bool),
    And(Vec<Plan<'t>>),
    Or(Vec<Plan<'t>>),
    Not(Box<Plan<'t>>),
    Field {
        column: &'t Column,
        test: FieldTest,
        fold: bool,
    },
    /// Rows in any of the bitmaps (`all`: in every one).
    Sets {
        sets: Vec<Option<&'t Bitmap>>,
        all: bool,
    },
    Consent {
        codes: &'t [u8],
        status: u8,
    },
    Date {
        column: &'t Column,
        spec: DateSpec,
    },
    Age {
        column: &'t Column,
        min: Option<u32>,
        max: Option<u32>,
    },
    Event {
        source: EventSource<'t>,
        count: CountTest,
        within: Option<Duration>,
        /// Only events between these bounds (inclusive, a date `to` to the end of its day).
        between: Option<(Moment, Moment)>,
    },
    EventTime {
        source: EventSource<'t>,
        which: Occurrence,
        spec: DateSpec,
    },
    Aggregate {
        source: EventSource<'t>,
        agg: Aggregation,
        property: Option<&'t Column>,
        within: Option<Duration>,
        cmp: NumCmp,
        value: f64,
    },
}

impl Plan<'_> {
    /// A rough cost rank: cheaper leaves run first inside `and`/`or`, so that the expensive ones
    /// only look at the rows still undecided.
    pub(crate) fn cost(&self) -> u8 {
        match self {
            Plan::Const(_) | Plan::Sets { .. } => 0,
            Plan::Consent { .. } => 1,
            Plan::Field { .. } => 2,
            Plan::Date { .. } | Plan::Age { .. } => 3,
            Plan::Not(p) => p.cost(),
            Plan::And(ps) | Plan::Or(ps) => ps.iter().map(Plan::cost).max().unwrap_or(0),
            Plan::Event { .. } | Plan::EventTime { .. } | Plan::Aggregate { .. } => 4,
        }
    }
}

/// The deepest nesting accepted (`condition.too_deep` beyond), as in single-contact evaluation.
pub(crate) const MAX_DEPTH: usize = 64;

pub(crate) fn err(code: impl Into<ConditionErrorCode>, path: String, message: String) -> Error {
    Error::Condition(Box::new(ConditionError {
        code: code.into(),
        path,
        message,
    }))
}

/// Where fields are read from: the contact table, or the properties of one event stream.
#[derive(Clone, Copy)]
enum Scope<'t> {
    Contacts,
    Events(Option<&'t EventStream>),
}

pub(crate) struct Compiler<'t> {
    pub(crate) table: &'t ContactTable,
    pub(crate) segments: Option<&'t HashMap<SegmentId, Bitmap>>,
}

impl<'t> Compiler<'t> {
    pub(crate) fn compile(&self, c: &Condition) -> crate::Result<Plan<'t>> {
        self.node(c, "", Scope::Contacts, 1)
    }

    fn node(
        &self,
        c: &Condition,
        path: &str,
        scope: Scope<'t>,
        depth: usize,
    ) -> crate::Result<Plan<'t>> {
        if depth > MAX_DEPTH {
            return Err(err(
                ConditionCode::TooDeep,
                path.to_owned(),
                format!("Conditions may be nested at most {MAX_DEPTH} levels deep."),
            ));
        }
        let in_filter = matches!(scope, Scope::Events(_));
        if in_filter
            && !matches!(
                c,
                Condition::And { .. }
                    | Condition::Or { .. }
                    | Condition::Not { .. }
                    | Condition::Field { .. }
            )
        {
            return Err(err(
                ConditionCode::TypeMismatch,
                format!("{path}/type"),
                "An event filter tests event properties: use field, and, or, not.".to_owned(),
            ));
        }
        Ok(match c {
            Condition::And { conditions } | Condition::Or { conditions } => {
                let is_and = matches!(c, Condition::And { .. });
                let mut plans = Vec::with_capacity(conditions.len());
                for (i, inner) in conditions.iter().enumerate() {
                    plans.push(self.node(
                        inner,
                        &format!("{path}/conditions/{i}"),
                        scope,
                        depth + 1,
                    )?);
                }
                plans.sort_by_key(Plan::cost);
                match (plans.len(), is_and) {
                    (0, _) => Plan::Const(is_and),
                    (1, _) => plans.pop().unwrap_or(Plan::Const(is_and)),
                    (_, true) => Plan::And(plans),
                    (_, false) => Plan::Or(plans),
                }
            }
            Condition::Not { condition } => {
                not(self.node(condition, &format!("{path}/condition"), scope, depth + 1)?)
            }
            Condition::Field {
                field,
                op,
                value,
                fold,
            } => {
                let column = match scope {
                    Scope::Contacts => self.field_column(field, path)?,
                    Scope::Events(stream) => match stream {
                        Some(s) => s.props.get(field).unwrap_or(&s.missing),
                        None => self.table.missing(),
                    },
                };
                let declared = match scope {
                    Scope::Contacts if self.table.declared => column.declared,
                    _ => None,
                };
                super::operand::field_plan(
                    column,
                    declared,
                    field,
                    *op,
                    value.as_ref(),
                    *fold,
                    path,
                )?
            }
            Condition::Tags { op, tags } => {
                let sets = tags.iter().map(|t| self.table.tags.get(t)).collect();
                match op {
                    TagOp::HasAny => Plan::Sets { sets, all: false },
                    TagOp::HasAll => Plan::Sets { sets, all: true },
                    TagOp::HasNone => not(Plan::Sets { sets, all: false }),
                }
            }
            Condition::InList { list } => Plan::Sets {
                sets: vec![self.table.lists.get(list.as_str())],
                all: false,
            },
            Condition::InSegment { segment } => {
                // A segment without a known membership has no members (as in `eval`).
                let Some(b) = self.segments.and_then(|s| s.get(segment)) else {
                    return Ok(Plan::Sets {
                        sets: vec![None],
                        all: false,
                    });
                };
                if b.len() != self.table.len() {
                    return Err(err(
                        ConditionCode::ValueInvalid,
                        format!("{path}/segment"),
                        format!(
                            "The membership of the segment \"{segment}\" covers {} rows, the table has {}.",
                            b.len(),
                            self.table.len()
                        ),
                    ));
                }
                Plan::Sets {
                    sets: vec![Some(b)],
                    all: false,
                }
            }
            Condition::Consent { channel, status } => {
                let codes = self.table.consent[channel_index(*channel)].as_slice();
                Plan::Consent {
                    codes,
                    status: consent_code(*status),
                }
            }
            Condition::Date { field, when } => {
                let column = self.field_column(field, path)?;
                self.date_field_type(column, field, path)?;
                Plan::Date {
                    column,
                    spec: date_spec(when, &format!("{path}/when"))?,
                }
            }
            Condition::Age { field, min, max } => {
                let column = self.field_column(field, path)?;
                self.date_field_type(column, field, path)?;
                if let (Some(lo), Some(hi)) = (min, max) {
                    if lo > hi {
                        return Err(err(
                            ConditionCode::ValueInvalid,
                            format!("{path}/max"),
                            format!("The oldest age ({hi}) is below the youngest ({lo})."),
                        ));
                    }
                }
                Plan::Age {
                    column,
                    min: *min,
                    max: *max,
                }
            }
            Condition::Event {
                name,
                filter,
                count,
                within,
                between,
            } => Plan::Event {
                source: self.source(name, filter.as_deref(), *within, path, depth)?,
                count: *count,
                within: *within,
                between: match between {
                    Some(r) => Some((
                        moment(&r.from, format!("{path}/between/from"))?,
                        moment(&r.to, format!("{path}/between/to"))?,
                    )),
                    None => None,
                },
            },
            Condition::EventTime {
                name,
                filter,
                which,
                when,
            } => Plan::EventTime {
                source: self.source(name, filter.as_deref(), None, path, depth)?,
                which: *which,
                spec: date_spec(when, &format!("{path}/when"))?,
            },
            Condition::Aggregate {
                name,
                agg,
                property,
                filter,
                within,
                op,
                value,
            } => {
                let cmp = match op {
                    FieldOp::Eq => NumCmp::Eq,
                    FieldOp::Ne => NumCmp::Ne,
                    FieldOp::Lt => NumCmp::Ord(Cmp::Lt),
                    FieldOp::Lte => NumCmp::Ord(Cmp::Lte),
                    FieldOp::Gt => NumCmp::Ord(Cmp::Gt),
                    FieldOp::Gte => NumCmp::Ord(Cmp::Gte),
                    other => {
                        return Err(err(
                            ConditionCode::ValueInvalid,
                            format!("{path}/op"),
                            format!(
                            "An aggregate compares with eq, ne, lt, lte, gt or gte, not \"{}\".",
                            other.symbol()
                        ),
                        ))
                    }
                };
                let source = self.source(name, filter.as_deref(), *within, path, depth)?;
                if !value.is_finite() {
                    return Err(err(
                        ConditionCode::ValueInvalid,
                        format!("{path}/value"),
                        "The value is not a finite number.".to_owned(),
                    ));
                }
                let property = match (agg, property) {
                    (Aggregation::Count, _) => None,
                    (_, None) => {
                        return Err(err(
                            ConditionCode::ValueMissing,
                            path.to_owned(),
                            "This aggregate needs the numeric property it aggregates.".to_owned(),
                        ))
                    }
                    (_, Some(p)) => Some(match source.stream {
                        Some(s) => s.props.get(p).unwrap_or(&s.missing),
                        None => self.table.missing(),
                    }),
                };
                Plan::Aggregate {
                    source,
                    agg: *agg,
                    property,
                    within: *within,
                    cmp,
                    value: *value,
                }
            }
        })
    }

    fn source(
        &self,
        name: &str,
        filter: Option<&Condition>,
        within: Option<Duration>,
        path: &str,
        depth: usize,
    ) -> crate::Result<EventSource<'t>> {
        if name.is_empty() {
            return Err(err(
                ConditionCode::ValueInvalid,
                format!("{path}/name"),
                "The event name is empty.".to_owned(),
            ));
        }
        if let Some(d) = within {
            positive(d.amount, format!("{path}/within/amount"))?;
        }
        let stream = self.table.events.get(name);
        let filter = match filter {
            Some(f) => Some(Box::new(self.node(
                f,
                &format!("{path}/filter"),
                Scope::Events(stream),
                depth + 1,
            )?)),
            None => None,
        };
        Ok(EventSource { stream, filter })
    }

    fn field_column(&self, field: &str, path: &str) -> crate::Result<&'t Column> {
        self.table.column(field).ok_or_else(|| {
            err(
                ConditionCode::FieldUnknown,
                format!("{path}/field"),
                format!("\"{field}\" is not a declared profile field."),
            )
        })
    }

    fn date_field_type(&self, column: &Column, field: &str, path: &str) -> crate::Result<()> {
        if !self.table.declared {
            return Ok(());
        }
        let t = column.declared.or_else(|| builtin_type(field));
        match t {
            None | Some(FieldType::Date | FieldType::DateTime) => Ok(()),
            Some(other) => Err(err(
                ConditionCode::TypeMismatch,
                format!("{path}/field"),
                format!(
                    "\"{field}\" is a {} field, not a date.",
                    super::operand::type_word(other)
                ),
            )),
        }
    }
}

pub(crate) fn not(p: Plan<'_>) -> Plan<'_> {
    match p {
        Plan::Not(inner) => *inner,
        Plan::Const(b) => Plan::Const(!b),
        other => Plan::Not(Box::new(other)),
    }
}

fn moment(s: &str, path: String) -> crate::Result<Moment> {
    parse_moment(s).ok_or_else(|| {
        err(
            ConditionCode::DateInvalid,
            path,
            format!("\"{s}\" is neither a date (YYYY-MM-DD) nor an RFC 3339 instant."),
        )
    })
}

fn date_spec(t: &DateTest, path: &str) -> crate::Result<DateSpec> {
    Ok(match t {
        DateTest::Before { date } => DateSpec::Before(moment(date, format!("{path}/date"))?),
        DateTest::After { date } => DateSpec::After(moment(date, format!("{path}/date"))?),
        DateTest::Between { from, to } => DateSpec::Between(
            moment(from, format!("{path}/from"))?,
            moment(to, format!("{path}/to"))?,
        ),
        DateTest::WithinLast { amount, unit } => {
            DateSpec::WithinLast(positive(*amount, format!("{path}/amount"))?, *unit)
        }
        DateTest::MoreThanAgo { amount, unit } => {
            DateSpec::MoreThanAgo(positive(*amount, format!("{path}/amount"))?, *unit)
        }
        DateTest::InNext { amount, unit } => {
            DateSpec::InNext(positive(*amount, format!("{path}/amount"))?, *unit)
        }
        DateTest::AnniversaryWithin { days } => DateSpec::Anniversary(*days),
    })
}

fn positive(amount: i64, path: String) -> crate::Result<i64> {
    if amount <= 0 {
        return Err(err(
            ConditionCode::ValueInvalid,
            path,
            format!("A duration must be positive, not {amount}."),
        ));
    }
    Ok(amount)
}
