//! Checking a [`Condition`] and turning it into the prepared tree that evaluation walks.

use super::clock::{self, DateVal};
use super::value::FieldTest;
use super::{Dependencies, MAX_DEPTH};
use crate::condition::{Aggregation, Condition, CountTest, DateTest, FieldOp, Occurrence, TagOp};
use crate::error::{escape_pointer, ConditionCode, ConditionError, ConditionErrorCode, Error};
use crate::model::{Channel, ConsentStatus, FieldSchema, FieldType, ListId, SegmentId};
use crate::time::Duration;

mod field;

/// Where a field value comes from.
#[derive(Debug)]
pub(super) enum FieldKey {
    Custom(Box<str>),
    Id,
    Email,
    Phone,
    TimeZone,
    Locale,
    CreatedAt,
    UpdatedAt,
}

impl FieldKey {
    fn of(key: &str) -> FieldKey {
        match key {
            "id" => FieldKey::Id,
            "email" => FieldKey::Email,
            "phone" => FieldKey::Phone,
            "time_zone" => FieldKey::TimeZone,
            "locale" => FieldKey::Locale,
            "created_at" => FieldKey::CreatedAt,
            "updated_at" => FieldKey::UpdatedAt,
            other => FieldKey::Custom(other.into()),
        }
    }
}

/// The type of a built-in attribute.
fn builtin_type(key: &str) -> Option<FieldType> {
    match key {
        "id" | "email" | "phone" | "time_zone" | "locale" => Some(FieldType::Text),
        "created_at" | "updated_at" => Some(FieldType::DateTime),
        _ => None,
    }
}

/// A compiled date test.
#[derive(Debug)]
pub(super) enum DateCheck {
    Before(DateVal),
    After(DateVal),
    Between(DateVal, DateVal),
    WithinLast(Duration),
    MoreThanAgo(Duration),
    InNext(Duration),
    Anniversary(u32),
}

/// Which events count: name, property filter, window.
#[derive(Debug)]
pub(super) struct EventSel {
    pub(super) name: Box<str>,
    pub(super) filter: Option<Filter>,
    pub(super) within: Option<Duration>,
    /// Only events between these bounds (`to` as the end of its day for a date).
    pub(super) between: Option<(DateVal, DateVal)>,
}

/// A condition on event properties.
#[derive(Debug)]
pub(super) enum Filter {
    And(Box<[Filter]>),
    Or(Box<[Filter]>),
    Not(Box<Filter>),
    Prop { key: Box<str>, test: FieldTest },
}

/// A comparison of an aggregate with a number.
#[derive(Debug, Clone, Copy)]
pub(super) enum Cmp {
    Eq,
    Ne,
    Lt,
    Lte,
    Gt,
    Gte,
}

/// The compiled condition tree.
#[derive(Debug)]
pub(super) enum Node {
    And(Box<[Node]>),
    Or(Box<[Node]>),
    Not(Box<Node>),
    Field {
        key: FieldKey,
        test: FieldTest,
    },
    Tags {
        op: TagOp,
        tags: Box<[String]>,
    },
    InList(ListId),
    InSegment(SegmentId),
    Consent {
        channel: Channel,
        status: ConsentStatus,
    },
    Date {
        key: FieldKey,
        check: DateCheck,
    },
    Age {
        key: FieldKey,
        min: Option<u32>,
        max: Option<u32>,
    },
    Event {
        sel: EventSel,
        count: CountTest,
    },
    EventTime {
        sel: EventSel,
        which: Occurrence,
        check: DateCheck,
    },
    Aggregate {
        sel: EventSel,
        agg: Aggregation,
        property: Option<Box<str>>,
        cmp: Cmp,
        value: f64,
    },
}

pub(super) fn compile(
    condition: &Condition,
    schema: Option<&FieldSchema>,
) -> crate::Result<(Node, Dependencies)> {
    let mut c = Compiler {
        schema,
        path: String::new(),
        deps: Dependencies::default(),
    };
    let node = c.node(condition, 1)?;
    Ok((node, c.deps))
}

struct Compiler<'s> {
    schema: Option<&'s FieldSchema>,
    path: String,
    deps: Dependencies,
}

fn error(code: impl Into<ConditionErrorCode>, path: String, message: String) -> Error {
    Error::Condition(Box::new(ConditionError {
        code: code.into(),
        path,
        message,
    }))
}

impl Compiler<'_> {
    /// An error at the current path plus `rel` (`""` or `/key…`).
    fn err(
        &self,
        code: impl Into<ConditionErrorCode>,
        rel: &str,
        message: impl Into<String>,
    ) -> Error {
        error(code, format!("{}{rel}", self.path), message.into())
    }

    /// Runs `f` with `seg` appended to the path.
    fn at<T>(
        &mut self,
        seg: &str,
        f: impl FnOnce(&mut Self) -> crate::Result<T>,
    ) -> crate::Result<T> {
        let len = self.path.len();
        self.path.push('/');
        self.path.push_str(&escape_pointer(seg));
        let out = f(self);
        self.path.truncate(len);
        out
    }

    fn node(&mut self, c: &Condition, depth: usize) -> crate::Result<Node> {
        if depth > MAX_DEPTH {
            return Err(self.err(
                ConditionCode::TooDeep,
                "",
                format!("conditions may be nested at most {MAX_DEPTH} deep"),
            ));
        }
        Ok(match c {
            Condition::And { conditions } => Node::And(self.children(conditions, depth)?),
            Condition::Or { conditions } => Node::Or(self.children(conditions, depth)?),
            Condition::Not { condition } => Node::Not(Box::new(
                self.at("condition", |s| s.node(condition, depth + 1))?,
            )),
            Condition::Field {
                field,
                op,
                value,
                fold,
            } => {
                let ty = self.field_type(field)?;
                self.deps.fields.insert(field.clone());
                let test = self.field_test(*op, value.as_ref(), *fold, ty)?;
                Node::Field {
                    key: FieldKey::of(field),
                    test,
                }
            }
            Condition::Tags { op, tags } => {
                self.deps.tags.extend(tags.iter().cloned());
                Node::Tags {
                    op: *op,
                    tags: tags.clone().into(),
                }
            }
            Condition::InList { list } => {
                self.deps.lists.insert(list.clone());
                Node::InList(list.clone())
            }
            Condition::InSegment { segment } => {
                self.deps.segments.insert(segment.clone());
                Node::InSegment(segment.clone())
            }
            Condition::Consent { channel, status } => {
                self.deps.consent.insert(*channel);
                Node::Consent {
                    channel: *channel,
                    status: *status,
                }
            }
            Condition::Date { field, when } => {
                self.date_field(field)?;
                let check = self.at("when", |s| s.date_check(when))?;
                Node::Date {
                    key: FieldKey::of(field),
                    check,
                }
            }
            Condition::Age { field, min, max } => {
                self.date_field(field)?;
                self.deps.time_relative = true;
                if let (Some(lo), Some(hi)) = (min, max) {
                    if lo > hi {
                        return Err(self.err(
                            ConditionCode::ValueInvalid,
                            "/max",
                            format!("the oldest age ({hi}) is below the youngest ({lo})"),
                        ));
                    }
                }
                Node::Age {
                    key: FieldKey::of(field),
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
            } => {
                let mut sel = self.event_sel(name, filter.as_deref(), *within, depth)?;
                if let Some(r) = between {
                    sel.between = Some(self.at("between", |s| s.range(r))?);
                }
                Node::Event { sel, count: *count }
            }
            Condition::EventTime {
                name,
                filter,
                which,
                when,
            } => {
                let sel = self.event_sel(name, filter.as_deref(), None, depth)?;
                self.deps.fields.insert("time_zone".to_owned());
                Node::EventTime {
                    sel,
                    which: *which,
                    check: self.at("when", |s| s.date_check(when))?,
                }
            }
            Condition::Aggregate {
                name,
                agg,
                property,
                filter,
                within,
                op,
                value,
            } => {
                let sel = self.event_sel(name, filter.as_deref(), *within, depth)?;
                let cmp = match op {
                    FieldOp::Eq => Cmp::Eq,
                    FieldOp::Ne => Cmp::Ne,
                    FieldOp::Lt => Cmp::Lt,
                    FieldOp::Lte => Cmp::Lte,
                    FieldOp::Gt => Cmp::Gt,
                    FieldOp::Gte => Cmp::Gte,
                    other => {
                        return Err(self.err(
                            ConditionCode::ValueInvalid,
                            "/op",
                            format!(
                            "an aggregate is compared with eq, ne, lt, lte, gt or gte, not `{}`",
                            other.symbol()
                        ),
                        ))
                    }
                };
                if property.is_none() && *agg != Aggregation::Count {
                    return Err(self.err(
                        ConditionCode::ValueMissing,
                        "",
                        "this aggregation needs the `property` to aggregate",
                    ));
                }
                if !value.is_finite() {
                    return Err(self.err(
                        ConditionCode::ValueInvalid,
                        "/value",
                        "not a finite number",
                    ));
                }
                Node::Aggregate {
                    sel,
                    agg: *agg,
                    property: property.as_deref().map(Into::into),
                    cmp,
                    value: *value,
                }
            }
        })
    }

    fn children(&mut self, cs: &[Condition], depth: usize) -> crate::Result<Box<[Node]>> {
        self.at("conditions", |s| {
            cs.iter()
                .enumerate()
                .map(|(i, c)| s.at(&i.to_string(), |s| s.node(c, depth + 1)))
                .collect()
        })
    }

    /// The declared type of a field (`None` without a schema); unknown fields are errors.
    fn field_type(&self, field: &str) -> crate::Result<Option<FieldType>> {
        let Some(schema) = self.schema else {
            return Ok(None);
        };
        if let Some(t) = builtin_type(field) {
            return Ok(Some(t));
        }
        match schema.get(field) {
            Some(def) => Ok(Some(def.field_type)),
            None => Err(self.err(
                ConditionCode::FieldUnknown,
                "/field",
                format!("there is no field `{field}`"),
            )),
        }
    }

    /// Checks that `field` can be read as a date and records the dependencies of a date test.
    fn date_field(&mut self, field: &str) -> crate::Result<()> {
        if let Some(ty) = self.field_type(field)? {
            if !matches!(ty, FieldType::Date | FieldType::DateTime) {
                return Err(self.err(
                    ConditionCode::TypeMismatch,
                    "/field",
                    format!("`{field}` is not a date or date-time field"),
                ));
            }
        }
        self.deps.fields.insert(field.to_owned());
        self.deps.fields.insert("time_zone".to_owned());
        Ok(())
    }

    fn date_check(&mut self, t: &DateTest) -> crate::Result<DateCheck> {
        let abs = |s: &Self, key: &str, v: &str| {
            clock::parse_date(v).ok_or_else(|| {
                s.err(
                    ConditionCode::DateInvalid,
                    &format!("/{key}"),
                    format!("`{v}` is not a date (YYYY-MM-DD) or an RFC 3339 instant"),
                )
            })
        };
        let rel = |s: &mut Self, amount: i64, unit| {
            s.deps.time_relative = true;
            s.duration(Duration::new(amount, unit), "")
        };
        Ok(match t {
            DateTest::Before { date } => DateCheck::Before(abs(self, "date", date)?),
            DateTest::After { date } => DateCheck::After(abs(self, "date", date)?),
            DateTest::Between { from, to } => {
                DateCheck::Between(abs(self, "from", from)?, abs(self, "to", to)?)
            }
            DateTest::WithinLast { amount, unit } => {
                DateCheck::WithinLast(rel(self, *amount, *unit)?)
            }
            DateTest::MoreThanAgo { amount, unit } => {
                DateCheck::MoreThanAgo(rel(self, *amount, *unit)?)
            }
            DateTest::InNext { amount, unit } => DateCheck::InNext(rel(self, *amount, *unit)?),
            DateTest::AnniversaryWithin { days } => {
                self.deps.time_relative = true;
                DateCheck::Anniversary(*days)
            }
        })
    }

    /// Checks the bounds of a date range; a date bound depends on the contact's time zone.
    fn range(&mut self, r: &crate::condition::DateRange) -> crate::Result<(DateVal, DateVal)> {
        let bound = |s: &mut Self, key: &str, v: &str| {
            let d = clock::parse_date(v).ok_or_else(|| {
                s.err(
                    ConditionCode::DateInvalid,
                    &format!("/{key}"),
                    format!("`{v}` is not a date (YYYY-MM-DD) or an RFC 3339 instant"),
                )
            })?;
            if matches!(d, DateVal::Day(_)) {
                s.deps.fields.insert("time_zone".to_owned());
            }
            Ok::<_, Error>(d)
        };
        let from = bound(self, "from", &r.from)?;
        let to = bound(self, "to", &r.to)?;
        Ok((from, to))
    }

    /// Checks a positive duration; `rel` is the pointer of the duration object.
    fn duration(&self, d: Duration, rel: &str) -> crate::Result<Duration> {
        if d.amount <= 0 {
            return Err(self.err(
                ConditionCode::ValueInvalid,
                &format!("{rel}/amount"),
                format!("a duration must be positive, not {}", d.amount),
            ));
        }
        Ok(d)
    }

    fn event_sel(
        &mut self,
        name: &str,
        filter: Option<&Condition>,
        within: Option<Duration>,
        depth: usize,
    ) -> crate::Result<EventSel> {
        if name.is_empty() {
            return Err(self.err(
                ConditionCode::ValueInvalid,
                "/name",
                "the event name is empty",
            ));
        }
        self.deps.events.insert(name.to_owned());
        self.deps.time_relative = true;
        let within = match within {
            Some(d) => {
                if clock::is_calendar(d.unit) {
                    self.deps.fields.insert("time_zone".to_owned());
                }
                Some(self.duration(d, "/within")?)
            }
            None => None,
        };
        let filter = match filter {
            Some(f) => Some(self.at("filter", |s| s.filter(f, depth + 1))?),
            None => None,
        };
        Ok(EventSel {
            name: name.into(),
            filter,
            within,
            between: None,
        })
    }

    fn filter(&mut self, c: &Condition, depth: usize) -> crate::Result<Filter> {
        if depth > MAX_DEPTH {
            return Err(self.err(
                ConditionCode::TooDeep,
                "",
                format!("conditions may be nested at most {MAX_DEPTH} deep"),
            ));
        }
        let group = |s: &mut Self, cs: &[Condition]| -> crate::Result<Box<[Filter]>> {
            s.at("conditions", |s| {
                cs.iter()
                    .enumerate()
                    .map(|(i, c)| s.at(&i.to_string(), |s| s.filter(c, depth + 1)))
                    .collect()
            })
        };
        Ok(match c {
            Condition::And { conditions } => Filter::And(group(self, conditions)?),
            Condition::Or { conditions } => Filter::Or(group(self, conditions)?),
            Condition::Not { condition } => Filter::Not(Box::new(
                self.at("condition", |s| s.filter(condition, depth + 1))?,
            )),
            Condition::Field {
                field,
                op,
                value,
                fold,
            } => Filter::Prop {
                key: field.as_str().into(),
                test: self.field_test(*op, value.as_ref(), *fold, None)?,
            },
            _ => {
                return Err(self.err(
                    ConditionCode::TypeMismatch,
                    "/type",
                    "an event filter tests event properties: use field, and, or, not",
                ))
            }
        })
    }
}
