//! Translating JsonLogic rules (as exported by query builders such as react-querybuilder) into
//! conditions.
//!
//! | JsonLogic | condition |
//! |---|---|
//! | `{"and": [...]}`, `{"or": [...]}`, `{"!": x}` | `and`, `or`, `not` |
//! | `{"==": [{"var": "f"}, v]}` (also `===`, either order) | `f = v` (`f is empty` when `v` is `null`) |
//! | `{"!=": …}`, `{"!==": …}` | `f != v` (`f is set` when `v` is `null`) |
//! | `<`, `<=`, `>`, `>=` (either order) | the comparison, flipped when the variable is on the right |
//! | `{"<=": [a, {"var": "f"}, b]}` | `f between a and b` |
//! | `{"<": [a, {"var": "f"}, b]}` | `f > a and f < b` |
//! | `{"in": [{"var": "f"}, [..]]}` | `f in (..)` |
//! | `{"in": [v, {"var": "tags"}]}` | `tags has any (v)` |
//! | `{"in": [v, {"var": "f"}]}` | `f contains v` |
//! | `{"startsWith": [{"var": "f"}, v]}`, `{"endsWith": …}` | `f starts with v`, `f ends with v` |
//! | `{"!!": {"var": "f"}}`, `{"!": {"var": "f"}}` | `f is set`, `f is empty` |
//! | `true`, `false` | an empty `and`, an empty `or` |
//!
//! Anything else is refused with `condition.jsonlogic.unsupported` and the JSON pointer of the
//! rule part that has no equivalent: a translated condition always means what the rule meant.

use serde_json::Value as Json;

use crate::condition::{Condition, FieldOp, TagOp};
use crate::error::{escape_pointer, ConditionCode, ConditionError, Error};
use crate::model::Value;

/// Deepest rule nesting accepted.
const MAX_DEPTH: usize = 64;

impl Condition {
    /// Translates a JsonLogic rule into a condition, where an exact equivalent exists.
    ///
    /// ```
    /// use sequenza::condition::Condition;
    /// let rule = serde_json::json!({"and": [
    ///     {"==": [{"var": "city"}, "Milano"]},
    ///     {"<=": [25, {"var": "score"}, 34]},
    ///     {"in": ["vip", {"var": "tags"}]}
    /// ]});
    /// let c = Condition::from_jsonlogic(&rule).unwrap();
    /// assert_eq!(c.fields(), vec!["city", "score"]);
    ///
    /// let err = Condition::from_jsonlogic(&serde_json::json!({"and": [{"reduce": []}]})).unwrap_err();
    /// assert_eq!(err.code(), "condition.jsonlogic.unsupported");
    /// assert_eq!(err.path(), Some("/and/0"));
    /// ```
    pub fn from_jsonlogic(rule: &Json) -> crate::Result<Condition> {
        translate(rule, "", 0)
    }
}

fn unsupported(path: &str, message: impl Into<String>) -> Error {
    Error::Condition(Box::new(ConditionError {
        code: ConditionCode::JsonLogicUnsupported.into(),
        path: path.to_owned(),
        message: message.into(),
    }))
}

/// The single operator of a rule object, with its arguments as a list.
fn operator(rule: &Json) -> Option<(&str, Vec<&Json>)> {
    let obj = rule.as_object()?;
    if obj.len() != 1 {
        return None;
    }
    let (op, args) = obj.iter().next()?;
    let args = match args {
        Json::Array(items) => items.iter().collect(),
        other => vec![other],
    };
    Some((op.as_str(), args))
}

/// The field named by `{"var": "f"}` (or `{"var": ["f", default]}` without a default).
fn var(rule: &Json) -> Option<&str> {
    let (op, args) = operator(rule)?;
    if op != "var" || args.len() != 1 {
        return None;
    }
    args[0].as_str().filter(|s| !s.is_empty())
}

fn literal(v: &Json, path: &str) -> crate::Result<Value> {
    Ok(match v {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => Value::Number(
            n.as_f64()
                .ok_or_else(|| unsupported(path, "a number out of range"))?,
        ),
        Json::String(s) => Value::Text(s.clone()),
        Json::Array(items) => Value::List(
            items
                .iter()
                .enumerate()
                .map(|(i, x)| literal(x, &format!("{path}/{i}")))
                .collect::<crate::Result<_>>()?,
        ),
        Json::Object(_) => {
            return Err(unsupported(
                path,
                "only literal values can be compared with a field",
            ))
        }
    })
}

fn field(field: &str, op: FieldOp, value: Option<Value>) -> Condition {
    Condition::Field {
        field: field.to_owned(),
        op,
        value,
        fold: false,
    }
}

fn flip(op: FieldOp) -> FieldOp {
    match op {
        FieldOp::Lt => FieldOp::Gt,
        FieldOp::Lte => FieldOp::Gte,
        FieldOp::Gt => FieldOp::Lt,
        FieldOp::Gte => FieldOp::Lte,
        other => other,
    }
}

fn translate(rule: &Json, path: &str, depth: usize) -> crate::Result<Condition> {
    if depth > MAX_DEPTH {
        return Err(unsupported(
            path,
            format!("the rule is nested deeper than {MAX_DEPTH} levels"),
        ));
    }
    match rule {
        Json::Bool(true) => return Ok(Condition::And { conditions: vec![] }),
        Json::Bool(false) => return Ok(Condition::Or { conditions: vec![] }),
        _ => {}
    }
    let Some((op, args)) = operator(rule) else {
        return Err(unsupported(
            path,
            "expected a rule object with one operator",
        ));
    };
    let at = |i: usize| format!("{path}/{}/{i}", escape_pointer(op));
    let single = rule
        .as_object()
        .and_then(|o| o.values().next())
        .is_some_and(|v| !v.is_array());
    let arg_path = |i: usize| {
        if single {
            format!("{path}/{}", escape_pointer(op))
        } else {
            at(i)
        }
    };
    match (op, args.as_slice()) {
        ("and" | "or", items) => {
            let conditions = items
                .iter()
                .enumerate()
                .map(|(i, r)| translate(r, &arg_path(i), depth + 1))
                .collect::<crate::Result<Vec<_>>>()?;
            Ok(if op == "and" {
                Condition::And { conditions }
            } else {
                Condition::Or { conditions }
            })
        }
        ("!", [inner]) => match var(inner) {
            Some(f) => Ok(field(f, FieldOp::IsEmpty, None)),
            None => Ok(Condition::Not {
                condition: Box::new(translate(inner, &arg_path(0), depth + 1)?),
            }),
        },
        ("!!", [inner]) => match var(inner) {
            Some(f) => Ok(field(f, FieldOp::IsSet, None)),
            None => translate(inner, &arg_path(0), depth + 1),
        },
        ("==" | "===" | "!=" | "!==", [a, b]) => {
            let equal = op == "==" || op == "===";
            let (f, v, vi) = match (var(a), var(b)) {
                (Some(f), None) => (f, *b, 1),
                (None, Some(f)) => (f, *a, 0),
                _ => {
                    return Err(unsupported(
                        path,
                        "a comparison needs one field and one value",
                    ))
                }
            };
            Ok(match (literal(v, &at(vi))?, equal) {
                (Value::Null, true) => field(f, FieldOp::IsEmpty, None),
                (Value::Null, false) => field(f, FieldOp::IsSet, None),
                (value, true) => field(f, FieldOp::Eq, Some(value)),
                (value, false) => field(f, FieldOp::Ne, Some(value)),
            })
        }
        ("<" | "<=" | ">" | ">=", [a, b]) => {
            let cmp = match op {
                "<" => FieldOp::Lt,
                "<=" => FieldOp::Lte,
                ">" => FieldOp::Gt,
                _ => FieldOp::Gte,
            };
            match (var(a), var(b)) {
                (Some(f), None) => Ok(field(f, cmp, Some(literal(b, &at(1))?))),
                (None, Some(f)) => Ok(field(f, flip(cmp), Some(literal(a, &at(0))?))),
                _ => Err(unsupported(
                    path,
                    "a comparison needs one field and one value",
                )),
            }
        }
        ("<" | "<=", [lo, mid, hi]) => {
            let Some(f) = var(mid) else {
                return Err(unsupported(
                    &at(1),
                    "the middle of a between must be a field",
                ));
            };
            let (lo, hi) = (literal(lo, &at(0))?, literal(hi, &at(2))?);
            Ok(if op == "<=" {
                field(f, FieldOp::Between, Some(Value::List(vec![lo, hi])))
            } else {
                Condition::And {
                    conditions: vec![
                        field(f, FieldOp::Gt, Some(lo)),
                        field(f, FieldOp::Lt, Some(hi)),
                    ],
                }
            })
        }
        ("in", [needle, hay]) => match (var(needle), var(hay)) {
            (Some(f), None) if hay.is_array() => {
                Ok(field(f, FieldOp::In, Some(literal(hay, &at(1))?)))
            }
            (None, Some("tags")) => match needle {
                Json::String(tag) => Ok(Condition::Tags {
                    op: TagOp::HasAny,
                    tags: vec![tag.clone()],
                }),
                _ => Err(unsupported(&at(0), "a tag must be a string")),
            },
            (None, Some(f)) => Ok(field(f, FieldOp::Contains, Some(literal(needle, &at(0))?))),
            _ => Err(unsupported(
                path,
                "`in` needs a field and a list, or a value and a field",
            )),
        },
        ("startsWith" | "endsWith", [a, b]) => {
            let Some(f) = var(a) else {
                return Err(unsupported(&at(0), "expected a field"));
            };
            let cmp = if op == "startsWith" {
                FieldOp::StartsWith
            } else {
                FieldOp::EndsWith
            };
            Ok(field(f, cmp, Some(literal(b, &at(1))?)))
        }
        _ => Err(unsupported(
            path,
            format!(
                "the JsonLogic operator `{op}` (with {} argument(s)) has no condition equivalent",
                args.len()
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn tr(rule: Json) -> Condition {
        Condition::from_jsonlogic(&rule).unwrap()
    }

    #[test]
    fn react_querybuilder_export() {
        let c = tr(json!({"and": [
            {"==": [{"var": "firstName"}, "Steve"]},
            {"!=": [{"var": "lastName"}, null]},
            {"in": [{"var": "city"}, ["Milano", "Roma"]]},
            {"<=": [18, {"var": "age"}, 30]},
            {"!": {"startsWith": [{"var": "email"}, "test"]}},
            {">": [10, {"var": "score"}]}
        ]}));
        let Condition::And { conditions } = c else {
            panic!("not an and")
        };
        assert_eq!(conditions[1], field("lastName", FieldOp::IsSet, None));
        assert_eq!(
            conditions[3],
            field(
                "age",
                FieldOp::Between,
                Some(Value::List(vec![Value::Number(18.0), Value::Number(30.0)]))
            )
        );
        assert_eq!(
            conditions[5],
            field("score", FieldOp::Lt, Some(Value::Number(10.0)))
        );
    }

    #[test]
    fn unsupported_parts_are_located() {
        let err = Condition::from_jsonlogic(&json!({"or": [true, {"==": [1, 2]}]})).unwrap_err();
        assert_eq!(err.path(), Some("/or/1"));
        let err =
            Condition::from_jsonlogic(&json!({"==": [{"var": "a"}, {"var": "b"}]})).unwrap_err();
        assert_eq!(err.code(), "condition.jsonlogic.unsupported");
        let err =
            Condition::from_jsonlogic(&json!({"in": [{"var": "a"}, [1, {"x": 1}]]})).unwrap_err();
        assert_eq!(err.path(), Some("/in/1/1"));
    }

    #[test]
    fn deep_rules_are_refused_not_overflowed() {
        let mut rule = json!(true);
        for _ in 0..1_000 {
            rule = json!({"!": rule});
        }
        assert!(Condition::from_jsonlogic(&rule).is_err());
    }
}
