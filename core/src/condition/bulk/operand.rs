//! Checking the operand of a `field` test against its operator and the field's declared type,
//! and preparing it (text folded, regular expression compiled).

use crate::condition::kinds::Kinds;
use regex::{Regex, RegexBuilder};

use super::column::Column;
use super::compile::{err, not, Cmp, FieldTest, Plan, Scalar};
use crate::condition::FieldOp;
use crate::error::ConditionCode;
use crate::model::{FieldType, Value};

/// Largest compiled size of one regular expression.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

pub(crate) fn type_word(t: FieldType) -> &'static str {
    match t {
        FieldType::Text => "text",
        FieldType::Number => "number",
        FieldType::Boolean => "boolean",
        FieldType::Date => "date",
        FieldType::DateTime => "date-time",
        FieldType::Choice => "choice",
        FieldType::TextList => "text list",
    }
}

fn value_word(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::Text(_) => "text",
        Value::List(_) => "a list",
    }
}

/// Whether a value of declared type `t` can ever match a scalar operand of this kind.
fn fits(t: FieldType, s: &Scalar) -> bool {
    matches!(
        (t, s),
        (FieldType::Number, Scalar::Num(_))
            | (FieldType::Boolean, Scalar::Bool(_))
            | (
                FieldType::Text
                    | FieldType::Choice
                    | FieldType::Date
                    | FieldType::DateTime
                    | FieldType::TextList,
                Scalar::Text(_)
            )
    )
}

/// Checks one operand (its JSON type against the operator, then against the declared type)
/// and prepares it (text folded when `fold`).
fn operand(
    v: &Value,
    path: String,
    kinds: Kinds,
    fold: bool,
    declared: Option<FieldType>,
) -> crate::Result<Scalar> {
    let s = match v {
        Value::Bool(b) if kinds.boolean => Scalar::Bool(*b),
        Value::Number(n) if kinds.number => Scalar::Num(*n),
        Value::Text(t) if fold => Scalar::Text(crate::text::fold(t)),
        Value::Text(t) => Scalar::Text(t.clone()),
        _ => {
            return Err(err(
                ConditionCode::ValueInvalid,
                path,
                format!("Expected {}, not {}.", kinds.describe(), value_word(v)),
            ))
        }
    };
    if let Some(t) = declared {
        if !fits(t, &s) {
            return Err(err(
                ConditionCode::TypeMismatch,
                path,
                format!(
                    "A {} field is not compared with {}.",
                    type_word(t),
                    value_word(v)
                ),
            ));
        }
    }
    Ok(s)
}

pub(crate) fn field_plan<'t>(
    column: &'t Column,
    declared: Option<FieldType>,
    field: &str,
    op: FieldOp,
    value: Option<&Value>,
    fold: bool,
    path: &str,
) -> crate::Result<Plan<'t>> {
    let vpath = format!("{path}/value");
    let sym = op.symbol();
    let value = match (op.takes_value(), value) {
        (true, None) => {
            return Err(err(
                ConditionCode::ValueMissing,
                path.to_owned(),
                format!("The comparison \"{field} {sym}\" needs a value."),
            ))
        }
        (false, Some(_)) => {
            return Err(err(
                ConditionCode::ValueInvalid,
                vpath,
                format!("\"{field} {sym}\" takes no value."),
            ))
        }
        (_, v) => v,
    };
    if let Some(t) = declared {
        let allowed = match t {
            FieldType::Text | FieldType::Choice | FieldType::Date | FieldType::DateTime => true,
            FieldType::Number => !matches!(
                op,
                FieldOp::Contains | FieldOp::StartsWith | FieldOp::EndsWith | FieldOp::Matches
            ),
            FieldType::Boolean => matches!(
                op,
                FieldOp::Eq | FieldOp::Ne | FieldOp::In | FieldOp::IsSet | FieldOp::IsEmpty
            ),
            FieldType::TextList => matches!(
                op,
                FieldOp::Contains | FieldOp::In | FieldOp::IsSet | FieldOp::IsEmpty
            ),
        };
        if !allowed {
            return Err(err(
                ConditionCode::TypeMismatch,
                format!("{path}/op"),
                format!(
                    "\"{sym}\" does not apply to the {} field \"{field}\".",
                    type_word(t)
                ),
            ));
        }
    }
    let one = |v: &Value, p: String, kinds: Kinds| operand(v, p, kinds, fold, declared);
    let invalid = |msg: &str| err(ConditionCode::ValueInvalid, vpath.clone(), msg.to_owned());
    let test = match (op, value) {
        (FieldOp::IsSet | FieldOp::IsEmpty, _) | (_, None) => FieldTest::IsSet,
        (FieldOp::Eq | FieldOp::Ne, Some(v)) => FieldTest::Eq(one(v, vpath.clone(), Kinds::ANY)?),
        (FieldOp::Lt | FieldOp::Lte | FieldOp::Gt | FieldOp::Gte, Some(v)) => {
            let cmp = match op {
                FieldOp::Lt => Cmp::Lt,
                FieldOp::Lte => Cmp::Lte,
                FieldOp::Gt => Cmp::Gt,
                _ => Cmp::Gte,
            };
            FieldTest::Cmp(cmp, one(v, vpath.clone(), Kinds::ORDERED)?)
        }
        (FieldOp::Contains, Some(v)) => FieldTest::Contains(one(v, vpath.clone(), Kinds::ANY)?),
        (FieldOp::StartsWith | FieldOp::EndsWith, Some(v)) => {
            let Scalar::Text(t) = one(v, vpath.clone(), Kinds::TEXT)? else {
                return Err(invalid("Expected text."));
            };
            if op == FieldOp::StartsWith {
                FieldTest::StartsWith(t)
            } else {
                FieldTest::EndsWith(t)
            }
        }
        (FieldOp::In, Some(Value::List(items))) => FieldTest::In(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| one(v, format!("{vpath}/{i}"), Kinds::ANY))
                .collect::<crate::Result<_>>()?,
        ),
        (FieldOp::In, Some(_)) => return Err(invalid("\"in\" needs a list of values.")),
        (FieldOp::Between, Some(Value::List(items))) if items.len() == 2 => {
            let lo = one(&items[0], format!("{vpath}/0"), Kinds::ORDERED)?;
            let hi = one(&items[1], format!("{vpath}/1"), Kinds::ORDERED)?;
            if matches!(
                (&lo, &hi),
                (Scalar::Num(_), Scalar::Text(_)) | (Scalar::Text(_), Scalar::Num(_))
            ) {
                return Err(invalid(
                    "The two ends of \"between\" must both be numbers or both be text.",
                ));
            }
            FieldTest::Between(lo, hi)
        }
        (FieldOp::Between, Some(_)) => {
            return Err(invalid("\"between\" needs a list of two values."))
        }
        (FieldOp::Matches, Some(v)) => {
            let Value::Text(pattern) = v else {
                let code = if declared.is_some() {
                    ConditionCode::TypeMismatch
                } else {
                    ConditionCode::ValueInvalid
                };
                return Err(err(
                    code,
                    vpath,
                    format!(
                        "Expected a regular expression (text), not {}.",
                        value_word(v)
                    ),
                ));
            };
            if let Some(t @ (FieldType::Number | FieldType::Boolean)) = declared {
                return Err(err(
                    ConditionCode::TypeMismatch,
                    vpath,
                    format!("A {} field is not compared with text.", type_word(t)),
                ));
            }
            FieldTest::Matches(regex(pattern, fold, &vpath)?)
        }
    };
    let plan = Plan::Field { column, test, fold };
    Ok(match op {
        FieldOp::Ne | FieldOp::IsEmpty => not(plan),
        _ => plan,
    })
}

/// A regular expression; with `fold` its accents are removed and it ignores case, as it runs
/// over folded text.
fn regex(pattern: &str, fold: bool, path: &str) -> crate::Result<Regex> {
    let pattern: String = if fold {
        use unicode_normalization::char::is_combining_mark;
        use unicode_normalization::UnicodeNormalization;
        pattern.nfd().filter(|c| !is_combining_mark(*c)).collect()
    } else {
        pattern.to_owned()
    };
    RegexBuilder::new(&pattern)
        .case_insensitive(fold)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map_err(|e| {
            let msg = match e {
                regex::Error::CompiledTooBig(_) => {
                    "The regular expression is too large.".to_owned()
                }
                other => format!("The regular expression is not valid: {other}"),
            };
            err(ConditionCode::RegexInvalid, path.to_owned(), msg)
        })
}
