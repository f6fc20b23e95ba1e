//! [JsonLogic](https://jsonlogic.com): rules written as JSON, evaluated against JSON data.
//!
//! [`apply`] follows the reference implementation, json-logic-js, including JavaScript's
//! coercions: `"1" == 1`, `{"+": "3"}` is `3`, `{"<": ["10", "9"]}` compares strings. A rule is
//! a JSON value; an object with exactly one key is an operation (`{"op": [args…]}`, or
//! `{"op": arg}` for a single argument); arrays are evaluated element by element; everything else,
//! objects with zero or several keys included, is returned as it is.
//!
//! The module also translates a JsonLogic rule into a [`Condition`](crate::condition::Condition)
//! where an exact equivalent exists ([`Condition::from_jsonlogic`](crate::condition::Condition::from_jsonlogic)).
//!
//! ```
//! use serde_json::json;
//! use sequenza::jsonlogic::apply;
//!
//! // "Adults who opted into the newsletter, or anyone from Milano."
//! let rule = json!({"or": [
//!     {"and": [{">=": [{"var": "age"}, 18]}, {"in": ["newsletter", {"var": "tags"}]}]},
//!     {"==": [{"var": "address.city"}, "Milano"]}
//! ]});
//! let contact = json!({"age": "34", "tags": ["vip", "newsletter"], "address": {"city": "Roma"}});
//! assert_eq!(apply(&rule, &contact)?, json!(true));
//! # Ok::<(), sequenza::jsonlogic::JsonLogicError>(())
//! ```
//!
//! # Operators
//!
//! | group | operators |
//! |---|---|
//! | data | `var` (dotted paths, array indexes, a default; `""` is the whole data), `missing`, `missing_some` |
//! | logic | `if` / `?:` (any number of branches), `and`, `or` (short-circuit, returning the deciding value), `!`, `!!` |
//! | equality | `==`, `!=` (JavaScript's loose equality), `===`, `!==` |
//! | comparison | `<`, `<=` (also the 3-argument "between" forms), `>`, `>=` |
//! | arithmetic | `+`, `-`, `*`, `/`, `%`, `min`, `max` (`{"+": x}` casts to a number, `{"-": x}` negates) |
//! | arrays | `map`, `filter`, `reduce` (`current`, `accumulator`), `all`, `none`, `some`, `merge`, `in` |
//! | strings | `cat`, `substr` (negative start and length), `in` |
//! | misc | `log` (returns its argument; nothing is printed: the core does no I/O) |
//!
//! Truthiness is JsonLogic's: `false`, `null`, `0`, `""` and `[]` are falsy; `"0"` and `{}` are
//! truthy. Numeric results that are integral come back as JSON integers (`{"/": [4, 2]}` is `2`).
//! Between operators NaN and ±∞ stay what they are (`{"<": [{"/": [1, 0]}, 5]}` is `false`,
//! `{"cat": [{"/": [1, 0]}]}` is `"Infinity"`); in the result they become `null`, as
//! `JSON.stringify` writes them.
//!
//! Where json-logic-js has no sensible answer, this implementation decides:
//! - `{"*": [x]}` is `x` as a number (the reference returns `x` unchanged); `{"*": []}` is an
//!   [`InvalidArguments`](JsonLogicError::InvalidArguments) error (the reference throws);
//! - `missing_some` without a list of keys checks the whole data (the reference throws);
//! - data is never read as a rule: the reference re-evaluates `missing_some`'s keys, and
//!   `missing`'s keys as `{"var": key}`, so a one-key object in the *data* would run as an
//!   operation there;
//! - a NaN, ±∞ or `undefined` placed *inside* an array (by `map`, `merge`, `missing` or an array
//!   in the rule) is `null` there, as it would be in JSON; it differs from the reference only if
//!   that array is then turned into a string or a number;
//! - two arrays or objects are `==` / `===` only when they are the same value of the data
//!   (`{"==": [{"var": "a"}, {"var": "a"}]}`), as JavaScript compares object identity; values of
//!   the data keep their identity through `filter`, `merge` and arrays in the rule, so
//!   `{"in": [{"var": "a.0"}, {"filter": [{"var": "a"}, true]}]}` is `true` as in the reference;
//! - `cat` prints integers exactly even beyond 2^53, where JavaScript would lose digits.

mod data;
mod js;
mod ops;
mod to_condition;

use std::borrow::Cow;
use std::fmt::Write as _;

use serde_json::Value;

pub use crate::error::JsonLogicCode;

use js::Js;

/// How deeply operations and arrays may nest in a rule before [`apply`] gives up with
/// [`JsonLogicError::TooDeep`] rather than risk the stack.
///
/// A rule at the limit needs at most about 350 KiB of stack in a release build (about 1.1 MiB in a debug
/// build), well within a 2 MiB thread. Nesting in the *data* has no limit: data is walked
/// without recursion.
///
/// ```
/// use serde_json::json;
/// use sequenza::jsonlogic::{apply, MAX_DEPTH};
///
/// let mut rule = json!(true);
/// for _ in 0..=MAX_DEPTH {
///     rule = json!({"!!": [rule]});
/// }
/// assert_eq!(apply(&rule, &json!(null)).unwrap_err().code(), "jsonlogic.too_deep");
/// ```
pub const MAX_DEPTH: usize = 256;

/// A rule [`apply`] cannot evaluate, with a stable code and the JSON pointer of the offending
/// node in the rule.
///
/// ```
/// use serde_json::json;
/// use sequenza::jsonlogic::{apply, JsonLogicError};
///
/// let err = apply(&json!({"and": [true, {"bogus": [1]}]}), &json!(null)).unwrap_err();
/// assert_eq!(err.code(), "jsonlogic.unknown_operator");
/// assert_eq!(err.path(), "/and/1");
/// assert!(matches!(err, JsonLogicError::UnknownOperator { ref operator, .. } if &**operator == "bogus"));
/// assert_eq!(err.to_string(), "unknown JsonLogic operator `bogus` at /and/1");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JsonLogicError {
    /// An object with one key names no JsonLogic operator (`jsonlogic.unknown_operator`).
    #[error("unknown JsonLogic operator `{operator}` at {}", shown(.path))]
    UnknownOperator {
        /// The key of the object.
        operator: Box<str>,
        /// JSON pointer of the object in the rule.
        path: Box<str>,
    },
    /// Operations and arrays nest deeper than [`MAX_DEPTH`] (`jsonlogic.too_deep`).
    #[error("JsonLogic rule nests deeper than {MAX_DEPTH} levels at {}", shown(.path))]
    TooDeep {
        /// JSON pointer of the first node past the limit.
        path: Box<str>,
    },
    /// An operation got arguments it has no answer for, such as `{"*": []}`
    /// (`jsonlogic.invalid_arguments`).
    #[error("`{operator}` {message} at {}", shown(.path))]
    InvalidArguments {
        /// The operator.
        operator: Box<str>,
        /// What is wrong with the arguments.
        message: &'static str,
        /// JSON pointer of the operation in the rule.
        path: Box<str>,
    },
}

fn shown(path: &str) -> &str {
    if path.is_empty() {
        "/"
    } else {
        path
    }
}

impl JsonLogicError {
    /// The stable machine code string (of [`kind`](Self::kind)).
    ///
    /// ```
    /// use serde_json::json;
    /// let err = sequenza::jsonlogic::apply(&json!({"*": []}), &json!(null)).unwrap_err();
    /// assert_eq!(err.code(), "jsonlogic.invalid_arguments");
    /// ```
    pub fn code(&self) -> &'static str {
        self.kind().as_str()
    }

    /// The code as an enum.
    ///
    /// ```
    /// use serde_json::json;
    /// use sequenza::error::JsonLogicCode;
    /// let err = sequenza::jsonlogic::apply(&json!({"*": []}), &json!(null)).unwrap_err();
    /// assert_eq!(err.kind(), JsonLogicCode::InvalidArguments);
    /// ```
    pub fn kind(&self) -> JsonLogicCode {
        match self {
            JsonLogicError::UnknownOperator { .. } => JsonLogicCode::UnknownOperator,
            JsonLogicError::TooDeep { .. } => JsonLogicCode::TooDeep,
            JsonLogicError::InvalidArguments { .. } => JsonLogicCode::InvalidArguments,
        }
    }

    /// The operator the error is about, when it is about one.
    ///
    /// ```
    /// use serde_json::json;
    /// let err = sequenza::jsonlogic::apply(&json!({"bogus": []}), &json!(null)).unwrap_err();
    /// assert_eq!(err.operator(), Some("bogus"));
    /// ```
    pub fn operator(&self) -> Option<&str> {
        match self {
            JsonLogicError::UnknownOperator { operator, .. }
            | JsonLogicError::InvalidArguments { operator, .. } => Some(operator),
            JsonLogicError::TooDeep { .. } => None,
        }
    }

    /// The message without the location (and without the operator, which
    /// [`operator`](Self::operator) gives); the `Display` form has both.
    ///
    /// ```
    /// use serde_json::json;
    /// let err = sequenza::jsonlogic::apply(&json!({"bogus": []}), &json!(null)).unwrap_err();
    /// assert_eq!(err.message(), "unknown JsonLogic operator");
    /// ```
    pub fn message(&self) -> &str {
        match self {
            JsonLogicError::UnknownOperator { .. } => "unknown JsonLogic operator",
            JsonLogicError::TooDeep { .. } => "JsonLogic rule nests too deep",
            JsonLogicError::InvalidArguments { message, .. } => message,
        }
    }

    /// The `Display` form without the location: `unknown JsonLogic operator `bogus``.
    ///
    /// ```
    /// use serde_json::json;
    /// let err = sequenza::jsonlogic::apply(&json!({"bogus": []}), &json!(null)).unwrap_err();
    /// assert_eq!(err.full_message(), "unknown JsonLogic operator `bogus`");
    /// ```
    pub fn full_message(&self) -> String {
        let text = self.to_string();
        let suffix = format!(" at {}", shown(self.path()));
        match text.strip_suffix(&suffix) {
            Some(m) => m.to_owned(),
            None => text,
        }
    }

    /// The JSON pointer (RFC 6901) of the offending node in the rule, `""` for the rule itself.
    ///
    /// ```
    /// use serde_json::json;
    /// let rule = json!({"if": [{"var": "vip"}, {"cat": ["a", {"?": 1}]}, "b"]});
    /// let err = sequenza::jsonlogic::apply(&rule, &json!({"vip": true})).unwrap_err();
    /// assert_eq!(err.path(), "/if/1/cat/1");
    /// assert_eq!(rule.pointer(err.path()), Some(&json!({"?": 1})));
    /// ```
    pub fn path(&self) -> &str {
        match self {
            JsonLogicError::UnknownOperator { path, .. }
            | JsonLogicError::TooDeep { path }
            | JsonLogicError::InvalidArguments { path, .. } => path,
        }
    }
}

/// Evaluates a JsonLogic `rule` against `data` (the value `var` reads from; pass `null` when
/// there is none).
///
/// ```
/// use serde_json::json;
/// use sequenza::jsonlogic::apply;
///
/// // Total of an order's lines, then a tier by total.
/// let rule = json!({"if": [
///     {">=": [{"reduce": [{"var": "lines"},
///                         {"+": [{"var": "accumulator"}, {"*": [{"var": "current.qty"}, {"var": "current.price"}]}]},
///                         0]}, 100]}, "gold",
///     {"missing": ["email"]}, "anonymous",
///     "standard"
/// ]});
/// let order = json!({"email": "a@b.it", "lines": [{"qty": 2, "price": 30}, {"qty": 1, "price": "45"}]});
/// assert_eq!(apply(&rule, &order)?, json!("gold"));
/// assert_eq!(apply(&json!({"+": [1, 1]}), &json!(null))?, json!(2));
/// # Ok::<(), sequenza::jsonlogic::JsonLogicError>(())
/// ```
///
/// # Errors
/// [`JsonLogicError`] when the rule uses an unknown operator, nests deeper than [`MAX_DEPTH`], or
/// calls `*` without arguments. Data never causes an error: a missing value is `null`.
pub fn apply(rule: &Value, data: &Value) -> Result<Value, JsonLogicError> {
    match eval(rule, Scope::Data(data), 0) {
        Ok(value) => Ok(value.into_json().into_owned()),
        Err(failure) => Err(failure.into_error()),
    }
}

/// What `var` reads from.
#[derive(Debug, Clone, Copy)]
enum Scope<'a> {
    /// The data, or the element a `map` / `filter` / `all` … is visiting.
    Data(&'a Value),
    /// Inside `reduce`: `{"current": …, "accumulator": …}`, without building that object.
    Reduce {
        current: &'a Value,
        accumulator: Js<'a>,
    },
}

/// A value computed by a rule node: JSON (borrowed from the rule or the data where possible), or a
/// number kept as f64 between operators, so NaN and ±∞ flow on as in JavaScript (JSON has no
/// room for them: they only become `null` in the final result or inside an array).
/// `List` is an array an operator built (`filter`, `map`, `merge`, an array in the rule holding
/// operations): its elements still borrow from the data where they can, so `filter` copies
/// nothing and `in` finds the very values of the data. `Undefined` is what `log` and `and` / `or`
/// give without arguments, as in JavaScript.
#[derive(Debug, Clone)]
enum Val<'a> {
    Json(Cow<'a, Value>),
    List(Vec<Cow<'a, Value>>),
    Number(f64),
    Undefined,
}

impl<'a> Val<'a> {
    fn js(&self) -> Js<'_> {
        match self {
            Val::Json(v) => Js::Json(v),
            Val::List(items) => Js::List(items),
            Val::Number(x) => Js::Number(*x),
            Val::Undefined => Js::Undefined,
        }
    }

    fn into_json(self) -> Cow<'a, Value> {
        match self {
            Val::Json(v) => v,
            Val::List(items) => Cow::Owned(Value::Array(
                items.into_iter().map(Cow::into_owned).collect(),
            )),
            Val::Number(x) => Cow::Owned(js::number_value(x)),
            Val::Undefined => Cow::Borrowed(&NULL),
        }
    }

    fn into_owned(self) -> Val<'static> {
        match self {
            Val::Json(v) => Val::Json(Cow::Owned(v.into_owned())),
            Val::List(items) => Val::List(
                items
                    .into_iter()
                    .map(|c| Cow::Owned(c.into_owned()))
                    .collect(),
            ),
            Val::Number(x) => Val::Number(x),
            Val::Undefined => Val::Undefined,
        }
    }
}

/// An evaluated argument as a JavaScript value (`undefined` when absent).
fn js_of<'v>(v: &'v Option<Val<'_>>) -> Js<'v> {
    v.as_ref().map_or(Js::Undefined, Val::js)
}

/// The argument unless it is `undefined`, absent or evaluated so: where the reference tests
/// `x === undefined` (`-`'s second argument, the "between" bound, `substr`'s length, `var`'s
/// default).
fn defined(v: Option<Val<'_>>) -> Option<Val<'_>> {
    v.filter(|v| !matches!(v, Val::Undefined))
}

/// An evaluation failure on its way up; the path grows as it leaves each node.
#[derive(Debug)]
struct Failure {
    kind: Kind,
    /// Path segments, innermost first.
    path: Vec<Segment>,
}

#[derive(Debug)]
enum Kind {
    UnknownOperator(String),
    TooDeep,
    InvalidArguments {
        operator: &'static str,
        message: &'static str,
    },
}

#[derive(Debug)]
enum Segment {
    Key(String),
    Index(usize),
}

type Res<T> = Result<T, Box<Failure>>;

impl Failure {
    fn new(kind: Kind) -> Box<Failure> {
        Box::new(Failure {
            kind,
            path: Vec::new(),
        })
    }

    fn into_error(self) -> JsonLogicError {
        let mut pointer = String::new();
        for segment in self.path.iter().rev() {
            pointer.push('/');
            match segment {
                Segment::Key(key) => pointer.push_str(&crate::error::escape_pointer(key)),
                Segment::Index(i) => {
                    let _ = write!(pointer, "{i}");
                }
            }
        }
        let path = pointer.into_boxed_str();
        match self.kind {
            Kind::UnknownOperator(operator) => JsonLogicError::UnknownOperator {
                operator: operator.into_boxed_str(),
                path,
            },
            Kind::TooDeep => JsonLogicError::TooDeep { path },
            Kind::InvalidArguments { operator, message } => JsonLogicError::InvalidArguments {
                operator: operator.into(),
                message,
                path,
            },
        }
    }
}

static NULL: Value = Value::Null;

/// Evaluates one rule node at nesting `depth`.
fn eval<'a>(rule: &'a Value, scope: Scope<'a>, depth: usize) -> Res<Val<'a>> {
    match rule {
        Value::Array(items) => eval_array(rule, items, scope, depth),
        Value::Object(map) if map.len() == 1 => match map.iter().next() {
            Some((op, values)) => eval_operation(op, values, scope, depth),
            None => Ok(Val::Json(Cow::Borrowed(rule))),
        },
        _ => Ok(Val::Json(Cow::Borrowed(rule))),
    }
}

/// An array: each element evaluated.
fn eval_array<'a>(
    rule: &'a Value,
    items: &'a [Value],
    scope: Scope<'a>,
    depth: usize,
) -> Res<Val<'a>> {
    if depth >= MAX_DEPTH {
        return Err(Failure::new(Kind::TooDeep));
    }
    let mut out = Vec::with_capacity(items.len());
    let mut literal = true;
    for (i, item) in items.iter().enumerate() {
        let v = eval(item, scope, depth + 1).map_err(|mut f| {
            f.path.push(Segment::Index(i));
            f
        })?;
        literal &= matches!(&v, Val::Json(Cow::Borrowed(b)) if std::ptr::eq(*b, item));
        out.push(v);
    }
    if literal {
        // Nothing in the array was an operation: no need to copy it.
        Ok(Val::Json(Cow::Borrowed(rule)))
    } else {
        Ok(Val::List(out.into_iter().map(Val::into_json).collect()))
    }
}

/// An operation `{op: values}`.
fn eval_operation<'a>(
    op: &'a str,
    values: &'a Value,
    scope: Scope<'a>,
    depth: usize,
) -> Res<Val<'a>> {
    if depth >= MAX_DEPTH {
        return Err(Failure::new(Kind::TooDeep));
    }
    let (nodes, wrapped) = match values {
        Value::Array(items) => (items.as_slice(), false),
        single => (std::slice::from_ref(single), true),
    };
    ops::operation(Args {
        op,
        nodes,
        wrapped,
        scope,
        depth: depth + 1,
    })
}

/// The arguments of one operation, evaluated on demand.
#[derive(Debug, Clone, Copy)]
struct Args<'a> {
    op: &'a str,
    nodes: &'a [Value],
    /// The operation was written `{"op": arg}`: errors inside do not add an index to the path.
    wrapped: bool,
    scope: Scope<'a>,
    depth: usize,
}

impl<'a> Args<'a> {
    fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Argument `i` evaluated in `scope`; `None` (JavaScript's `undefined`) when the rule gave
    /// fewer arguments.
    fn get_in<'s>(&self, i: usize, scope: Scope<'s>) -> Res<Option<Val<'s>>>
    where
        'a: 's,
    {
        let Some(node) = self.nodes.get(i) else {
            return Ok(None);
        };
        eval(node, scope, self.depth).map(Some).map_err(|mut f| {
            if !self.wrapped {
                f.path.push(Segment::Index(i));
            }
            f.path.push(Segment::Key(self.op.to_owned()));
            f
        })
    }

    fn get(&self, i: usize) -> Res<Option<Val<'a>>> {
        self.get_in(i, self.scope)
    }

    /// Argument `i`, `null` when absent.
    fn value(&self, i: usize) -> Res<Val<'a>> {
        Ok(self.get(i)?.unwrap_or(Val::Json(Cow::Borrowed(&NULL))))
    }

    /// Evaluates the arguments from `from` on and drops them: the reference evaluates every
    /// argument, so an error in one that the operator ignores is still an error.
    fn rest(&self, from: usize) -> Res<()> {
        for i in from..self.len() {
            self.get(i)?;
        }
        Ok(())
    }

    /// The first two arguments (`None` where absent), after evaluating any further ones.
    fn two(&self) -> Res<(Option<Val<'a>>, Option<Val<'a>>)> {
        let a = self.get(0)?;
        let b = self.get(1)?;
        if self.len() > 2 {
            self.rest(2)?;
        }
        Ok((a, b))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_stays_small() {
        // Seven words at most for the public error; the internal one is a box.
        assert!(std::mem::size_of::<JsonLogicError>() <= 56);
        assert!(std::mem::size_of::<Res<Val<'_>>>() <= 40);
    }
}
