//! Writes conditions in the text syntax (`Display`).

use std::fmt::{self, Write as _};

use super::is_reserved;
use super::lexer::date_len;
use crate::condition::{Aggregation, Condition, CountOp, DateTest, FieldOp, Occurrence, TagOp};
use crate::model::{ConsentStatus, Value};
use crate::time::{Duration, TimeUnit};

/// Prints the text syntax; see [`crate::condition::text`].
impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_condition(f, self)
    }
}

/// `Some(is_and)` for an `and` / `or` written infix (two or more children).
fn infix(c: &Condition) -> Option<bool> {
    match c {
        Condition::And { conditions } if conditions.len() >= 2 => Some(true),
        Condition::Or { conditions } if conditions.len() >= 2 => Some(false),
        _ => None,
    }
}

fn write_inner(f: &mut fmt::Formatter<'_>, c: &Condition, paren: bool) -> fmt::Result {
    if paren {
        f.write_str("(")?;
        write_condition(f, c)?;
        f.write_str(")")
    } else {
        write_condition(f, c)
    }
}

fn write_condition(f: &mut fmt::Formatter<'_>, c: &Condition) -> fmt::Result {
    match c {
        Condition::And { conditions } | Condition::Or { conditions } => {
            let is_and = matches!(c, Condition::And { .. });
            if conditions.len() < 2 {
                f.write_str(if is_and { "all(" } else { "any(" })?;
                if let Some(only) = conditions.first() {
                    write_condition(f, only)?;
                }
                return f.write_str(")");
            }
            for (i, child) in conditions.iter().enumerate() {
                if i > 0 {
                    f.write_str(if is_and { " and " } else { " or " })?;
                }
                let paren = match infix(child) {
                    Some(child_and) => is_and || !child_and,
                    None => false,
                };
                write_inner(f, child, paren)?;
            }
            Ok(())
        }
        Condition::Not { condition } => {
            f.write_str("not ")?;
            write_inner(f, condition, infix(condition).is_some())
        }
        Condition::Field {
            field,
            op,
            value,
            fold,
        } => {
            let pair = match value {
                Some(Value::List(items)) if items.len() == 2 => items.first().zip(items.get(1)),
                _ => None,
            };
            // A `between` with one operand would take a following `and` as its second.
            let paren = *op == FieldOp::Between && value.is_some() && pair.is_none();
            if paren {
                f.write_str("(")?;
            }
            write_field(f, field)?;
            write!(f, " {}", op.symbol())?;
            match (value, pair) {
                (_, Some((a, b))) if *op == FieldOp::Between => {
                    f.write_str(" ")?;
                    write_value(f, a)?;
                    f.write_str(" and ")?;
                    write_value(f, b)?;
                }
                (Some(v), _) => {
                    f.write_str(" ")?;
                    write_value(f, v)?;
                }
                (None, _) if op.takes_value() => f.write_str(" ?")?,
                (None, _) => {}
            }
            if *fold {
                f.write_str(" ignoring case")?;
            }
            if paren {
                f.write_str(")")?;
            }
            Ok(())
        }
        Condition::Tags { op, tags } => {
            f.write_str(match op {
                TagOp::HasAny => "tags has any (",
                TagOp::HasAll => "tags has all (",
                TagOp::HasNone => "tags has none (",
            })?;
            for (i, t) in tags.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write_string(f, t)?;
            }
            f.write_str(")")
        }
        Condition::InList { list } => {
            f.write_str("in list ")?;
            write_string(f, list.as_str())
        }
        Condition::InSegment { segment } => {
            f.write_str("in segment ")?;
            write_string(f, segment.as_str())
        }
        Condition::Consent { channel, status } => {
            let status = match status {
                ConsentStatus::OptedIn => "opted_in",
                ConsentStatus::OptedOut => "opted_out",
                ConsentStatus::Unknown => "unknown",
            };
            write!(f, "consent {} is {status}", channel.as_str())
        }
        Condition::Date { field, when } => {
            write_field(f, field)?;
            f.write_str(" ")?;
            write_date_test(f, when, true)
        }
        Condition::Age { field, min, max } => {
            f.write_str("age")?;
            if field != "birth_date" {
                f.write_str(" of ")?;
                write_field(f, field)?;
            }
            match (min, max) {
                (Some(a), Some(b)) => write!(f, " between {a} and {b}"),
                (Some(a), None) => write!(f, " >= {a}"),
                (None, Some(b)) => write!(f, " <= {b}"),
                (None, None) => f.write_str(" is known"),
            }
        }
        Condition::Event {
            name,
            filter,
            count,
            within,
            between,
        } => {
            f.write_str("did ")?;
            write_string(f, name)?;
            write_filter(f, filter.as_deref())?;
            if !count.is_default() {
                let op = match count.op {
                    CountOp::AtLeast => "at least",
                    CountOp::AtMost => "at most",
                    CountOp::Exactly => "exactly",
                };
                let times = if count.n == 1 { "time" } else { "times" };
                write!(f, " {op} {} {times}", count.n)?;
            }
            write_window(f, within.as_ref())?;
            if let Some(r) = between {
                f.write_str(" between ")?;
                write_date(f, &r.from, false)?;
                f.write_str(" and ")?;
                write_date(f, &r.to, false)?;
            }
            Ok(())
        }
        Condition::EventTime {
            name,
            filter,
            which,
            when,
        } => {
            f.write_str(match which {
                Occurrence::First => "first ",
                Occurrence::Last => "last ",
            })?;
            write_string(f, name)?;
            write_filter(f, filter.as_deref())?;
            f.write_str(" ")?;
            write_date_test(f, when, false)
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
            f.write_str(match agg {
                Aggregation::Count => "count of ",
                Aggregation::Sum => "sum of ",
                Aggregation::Avg => "avg of ",
                Aggregation::Min => "min of ",
                Aggregation::Max => "max of ",
            })?;
            if let Some(p) = property {
                write_string(f, p)?;
                f.write_str(" in ")?;
            }
            write_string(f, name)?;
            write_filter(f, filter.as_deref())?;
            write_window(f, within.as_ref())?;
            write!(f, " {} {value}", op.symbol())
        }
    }
}

fn write_filter(f: &mut fmt::Formatter<'_>, filter: Option<&Condition>) -> fmt::Result {
    match filter {
        Some(c) => {
            f.write_str(" where (")?;
            write_condition(f, c)?;
            f.write_str(")")
        }
        None => Ok(()),
    }
}

fn write_window(f: &mut fmt::Formatter<'_>, within: Option<&Duration>) -> fmt::Result {
    match within {
        Some(d) => {
            f.write_str(" within ")?;
            write_amount(f, d.amount, d.unit)
        }
        None => Ok(()),
    }
}

fn write_amount(f: &mut fmt::Formatter<'_>, amount: i64, unit: TimeUnit) -> fmt::Result {
    let unit = match unit {
        TimeUnit::Minutes => "minute",
        TimeUnit::Hours => "hour",
        TimeUnit::Days => "day",
        TimeUnit::Weeks => "week",
        TimeUnit::Months => "month",
    };
    let s = if amount == 1 { "" } else { "s" };
    write!(f, "{amount} {unit}{s}")
}

/// `marker`: a quoted first date of `between` needs `date` (after a field name).
fn write_date_test(f: &mut fmt::Formatter<'_>, when: &DateTest, marker: bool) -> fmt::Result {
    match when {
        DateTest::Before { date } => {
            f.write_str("before ")?;
            write_date(f, date, false)
        }
        DateTest::After { date } => {
            f.write_str("after ")?;
            write_date(f, date, false)
        }
        DateTest::Between { from, to } => {
            f.write_str("between ")?;
            write_date(f, from, marker)?;
            f.write_str(" and ")?;
            write_date(f, to, false)
        }
        DateTest::WithinLast { amount, unit } => {
            f.write_str("within last ")?;
            write_amount(f, *amount, *unit)
        }
        DateTest::MoreThanAgo { amount, unit } => {
            f.write_str("more than ")?;
            write_amount(f, *amount, *unit)?;
            f.write_str(" ago")
        }
        DateTest::InNext { amount, unit } => {
            f.write_str("in next ")?;
            write_amount(f, *amount, *unit)
        }
        DateTest::AnniversaryWithin { days } => {
            let s = if *days == 1 { "" } else { "s" };
            write!(f, "anniversary within {days} day{s}")
        }
    }
}

fn write_date(f: &mut fmt::Formatter<'_>, date: &str, marker: bool) -> fmt::Result {
    if date_len(date) == Some(date.len()) {
        return f.write_str(date);
    }
    if marker {
        f.write_str("date ")?;
    }
    write_string(f, date)
}

fn write_field(f: &mut fmt::Formatter<'_>, name: &str) -> fmt::Result {
    let mut bytes = name.bytes();
    let bare = bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
        && !is_reserved(name);
    if bare {
        return f.write_str(name);
    }
    f.write_char('`')?;
    for (i, part) in name.split('`').enumerate() {
        if i > 0 {
            f.write_str("``")?;
        }
        f.write_str(part)?;
    }
    f.write_char('`')
}

fn write_value(f: &mut fmt::Formatter<'_>, v: &Value) -> fmt::Result {
    match v {
        Value::Null => f.write_str("null"),
        Value::Bool(b) => write!(f, "{b}"),
        Value::Number(n) => write!(f, "{n}"),
        Value::Text(s) => write_string(f, s),
        Value::List(items) => {
            f.write_str("(")?;
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write_value(f, item)?;
            }
            f.write_str(")")
        }
    }
}

/// A JSON string literal, escaped as `serde_json` does.
fn write_string(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    f.write_char('"')?;
    for c in s.chars() {
        match c {
            '"' => f.write_str("\\\"")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\r' => f.write_str("\\r")?,
            '\t' => f.write_str("\\t")?,
            '\u{8}' => f.write_str("\\b")?,
            '\u{c}' => f.write_str("\\f")?,
            c if u32::from(c) < 0x20 => write!(f, "\\u{:04x}", u32::from(c))?,
            c => f.write_char(c)?,
        }
    }
    f.write_char('"')
}
