//! Checking and preparing `field` tests: operator against declared type, operand shapes and
//! types, folding, regular expressions.

use super::Compiler;
use crate::condition::eval::value::{FieldTest, Operand, Scalar};
use crate::condition::kinds::Kinds;
use crate::condition::FieldOp;
use crate::error::{ConditionCode, Error};
use crate::model::{FieldType, Value};

/// Largest compiled size of one regular expression.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

impl Compiler<'_> {
    /// Checks and prepares a field test; `ty` is the declared type when there is a schema.
    pub(super) fn field_test(
        &self,
        op: FieldOp,
        value: Option<&Value>,
        fold: bool,
        ty: Option<FieldType>,
    ) -> crate::Result<FieldTest> {
        let value = match (op.takes_value(), value) {
            (true, None) => {
                return Err(self.err(
                    ConditionCode::ValueMissing,
                    "",
                    format!("`{}` needs a value", op.symbol()),
                ))
            }
            (false, Some(_)) => {
                return Err(self.err(
                    ConditionCode::ValueInvalid,
                    "/value",
                    format!("`{}` takes no value", op.symbol()),
                ))
            }
            (_, v) => v,
        };
        if let Some(ty) = ty {
            self.check_op_for_type(op, ty)?;
        }
        let scalar = |v: &Value, rel: &str, kinds: Kinds| self.scalar(v, rel, kinds, fold, ty);
        let operand = match (op, value) {
            (FieldOp::IsSet | FieldOp::IsEmpty, _) | (_, None) => Operand::Nothing,
            (FieldOp::Eq | FieldOp::Ne, Some(v)) => Operand::One(scalar(v, "/value", Kinds::ANY)?),
            (FieldOp::Lt | FieldOp::Lte | FieldOp::Gt | FieldOp::Gte, Some(v)) => {
                Operand::One(scalar(v, "/value", Kinds::ORDERED)?)
            }
            (FieldOp::Contains, Some(v)) => Operand::One(scalar(v, "/value", Kinds::ANY)?),
            (FieldOp::StartsWith | FieldOp::EndsWith, Some(v)) => {
                Operand::One(scalar(v, "/value", Kinds::TEXT)?)
            }
            (FieldOp::In, Some(Value::List(items))) => Operand::Many(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| scalar(v, &format!("/value/{i}"), Kinds::ANY))
                    .collect::<crate::Result<_>>()?,
            ),
            (FieldOp::In, Some(_)) => {
                return Err(self.err(
                    ConditionCode::ValueInvalid,
                    "/value",
                    "`in` needs a list of values",
                ))
            }
            (FieldOp::Between, Some(Value::List(items))) if items.len() == 2 => {
                let lo = scalar(&items[0], "/value/0", Kinds::ORDERED)?;
                let hi = scalar(&items[1], "/value/1", Kinds::ORDERED)?;
                if matches!(
                    (&lo, &hi),
                    (Scalar::Num(_), Scalar::Text(_)) | (Scalar::Text(_), Scalar::Num(_))
                ) {
                    return Err(self.err(
                        ConditionCode::ValueInvalid,
                        "/value",
                        "the two ends of `between` must both be numbers or both be text",
                    ));
                }
                Operand::Range(lo, hi)
            }
            (FieldOp::Between, Some(_)) => {
                return Err(self.err(
                    ConditionCode::ValueInvalid,
                    "/value",
                    "`between` needs a list of two values",
                ))
            }
            (FieldOp::Matches, Some(v)) => {
                let Value::Text(pattern) = v else {
                    return Err(self.type_err(v, "/value", "a regular expression (text)", ty));
                };
                if let Some(ty) = ty {
                    self.check_text_type(ty, "/value")?;
                }
                Operand::Regex(Box::new(self.regex(pattern, fold)?))
            }
        };
        Ok(FieldTest { op, operand, fold })
    }

    fn regex(&self, pattern: &str, fold: bool) -> crate::Result<regex::Regex> {
        let pattern = if fold {
            use unicode_normalization::char::is_combining_mark;
            use unicode_normalization::UnicodeNormalization;
            pattern.nfd().filter(|c| !is_combining_mark(*c)).collect()
        } else {
            pattern.to_owned()
        };
        regex::RegexBuilder::new(&pattern)
            .case_insensitive(fold)
            .size_limit(REGEX_SIZE_LIMIT)
            .dfa_size_limit(REGEX_SIZE_LIMIT)
            .build()
            .map_err(|e| {
                let msg = match e {
                    regex::Error::CompiledTooBig(_) => {
                        "the regular expression is too large".to_owned()
                    }
                    other => format!("invalid regular expression: {other}"),
                };
                self.err(ConditionCode::RegexInvalid, "/value", msg)
            })
    }

    /// Which operators suit a declared field type.
    fn check_op_for_type(&self, op: FieldOp, ty: FieldType) -> crate::Result<()> {
        let ok = match ty {
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
        if ok {
            Ok(())
        } else {
            Err(self.err(
                ConditionCode::TypeMismatch,
                "/op",
                format!(
                    "`{}` does not apply to a {} field",
                    op.symbol(),
                    type_name(ty)
                ),
            ))
        }
    }

    fn check_text_type(&self, ty: FieldType, rel: &str) -> crate::Result<()> {
        match ty {
            FieldType::Number | FieldType::Boolean => Err(self.err(
                ConditionCode::TypeMismatch,
                rel,
                format!("a {} field is not compared with text", type_name(ty)),
            )),
            _ => Ok(()),
        }
    }

    fn type_err(&self, v: &Value, rel: &str, wanted: &str, ty: Option<FieldType>) -> Error {
        let code = if ty.is_some() {
            ConditionCode::TypeMismatch
        } else {
            ConditionCode::ValueInvalid
        };
        self.err(code, rel, format!("expected {wanted}, not {}", describe(v)))
    }

    /// Checks one operand value (its JSON type against the operator and the declared type)
    /// and prepares it.
    fn scalar(
        &self,
        v: &Value,
        rel: &str,
        kinds: Kinds,
        fold: bool,
        ty: Option<FieldType>,
    ) -> crate::Result<Scalar> {
        let s = match v {
            Value::Bool(b) if kinds.boolean => Scalar::Bool(*b),
            Value::Number(n) if kinds.number => Scalar::Num(*n),
            Value::Text(t) if fold => Scalar::Text(crate::text::fold(t).into()),
            Value::Text(t) => Scalar::Text(t.as_str().into()),
            _ => {
                return Err(self.err(
                    ConditionCode::ValueInvalid,
                    rel,
                    format!("expected {}, not {}", kinds.describe(), describe(v)),
                ))
            }
        };
        if let Some(ty) = ty {
            let fits = match (&s, ty) {
                (Scalar::Num(_), FieldType::Number) => true,
                (Scalar::Bool(_), FieldType::Boolean) => true,
                (Scalar::Text(_), FieldType::Number | FieldType::Boolean) => false,
                (Scalar::Text(_), _) => true,
                _ => false,
            };
            if !fits {
                return Err(self.err(
                    ConditionCode::TypeMismatch,
                    rel,
                    format!(
                        "a {} field is not compared with {}",
                        type_name(ty),
                        describe(v)
                    ),
                ));
            }
        }
        Ok(s)
    }
}

fn describe(v: &Value) -> String {
    match v {
        Value::Null => "null".to_owned(),
        Value::List(_) => "a list".to_owned(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::Text(t) => format!("the text {t:?}"),
    }
}

fn type_name(ty: FieldType) -> &'static str {
    match ty {
        FieldType::Text => "text",
        FieldType::Number => "number",
        FieldType::Boolean => "boolean",
        FieldType::Date => "date",
        FieldType::DateTime => "date-time",
        FieldType::Choice => "choice",
        FieldType::TextList => "text list",
    }
}
