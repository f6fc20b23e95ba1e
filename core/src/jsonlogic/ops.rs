//! The operators, one function each.

use std::borrow::Cow;
use std::cmp::Ordering;

use serde_json::Value;

use super::data::{lookup, missing};
use super::js::{self, Js};
use super::{defined, js_of, Args, Failure, Kind, Res, Scope, Val, NULL};

fn boolean<'a>(b: bool) -> Res<Val<'a>> {
    Ok(Val::Json(Cow::Owned(Value::Bool(b))))
}

fn json<'a>(v: Value) -> Res<Val<'a>> {
    Ok(Val::Json(Cow::Owned(v)))
}

/// Dispatches on the operator. Every operator has its own function, so that this frame, which
/// sits on the stack once per nesting level, stays small.
pub(super) fn operation(args: Args<'_>) -> Res<Val<'_>> {
    match args.op {
        "if" | "?:" => op_if(args),
        "and" => op_and_or(args, false),
        "or" => op_and_or(args, true),
        "map" => op_map(args),
        "filter" => op_filter(args),
        "reduce" => op_reduce(args),
        "all" | "none" | "some" => op_quantifier(args),
        "var" => op_var(args),
        "missing" => op_missing(args),
        "missing_some" => op_missing_some(args),
        "==" | "!=" | "===" | "!==" => op_equality(args),
        "<" | "<=" | ">" | ">=" => op_compare(args),
        "!" | "!!" => op_not(args),
        "+" | "*" | "-" | "/" | "%" | "min" | "max" => op_arithmetic(args),
        "cat" => op_cat(args),
        "substr" => op_substr(args),
        "in" => op_in(args),
        "merge" => op_merge(args),
        "log" => op_log(args),
        _ => op_unknown(args),
    }
}

fn op_unknown(args: Args<'_>) -> Res<Val<'_>> {
    // The reference evaluates the arguments first: an unknown operator inside is found first.
    args.rest(0)?;
    Err(Failure::new(Kind::UnknownOperator(args.op.to_owned())))
}

/// `if` / `?:`: condition, consequent pairs, then an optional else.
fn op_if(args: Args<'_>) -> Res<Val<'_>> {
    let mut i = 0;
    while i + 1 < args.len() {
        if js::truthy(js_of(&args.get(i)?)) {
            return args.value(i + 1);
        }
        i += 2;
    }
    args.value(i)
}

/// `and` returns the first falsy value, `or` the first truthy one; else the last value.
fn op_and_or(args: Args<'_>, or: bool) -> Res<Val<'_>> {
    let mut last = Val::Undefined;
    for i in 0..args.len() {
        last = args.value(i)?;
        if js::truthy(last.js()) == or {
            break;
        }
    }
    Ok(last)
}

/// The elements of an evaluated argument that is an array.
#[derive(Debug, Clone, Copy)]
enum Items<'v> {
    Json(&'v [Value]),
    List(&'v [Cow<'v, Value>]),
}

impl<'v> Items<'v> {
    fn of(v: &'v Option<Val<'_>>) -> Option<Items<'v>> {
        match v.as_ref().map(Val::js) {
            Some(Js::Json(Value::Array(items))) => Some(Items::Json(items)),
            Some(Js::List(items)) => Some(Items::List(items)),
            _ => None,
        }
    }

    fn len(self) -> usize {
        match self {
            Items::Json(items) => items.len(),
            Items::List(items) => items.len(),
        }
    }

    fn get(self, i: usize) -> Option<&'v Value> {
        match self {
            Items::Json(items) => items.get(i),
            Items::List(items) => items.get(i).map(|c| &**c),
        }
    }

    fn iter(self) -> impl Iterator<Item = &'v Value> {
        (0..self.len()).filter_map(move |i| self.get(i))
    }
}

fn empty<'a>() -> Res<Val<'a>> {
    Ok(Val::List(Vec::new()))
}

fn op_map(args: Args<'_>) -> Res<Val<'_>> {
    let scoped = args.get(0)?;
    // An array of the data: the results may borrow from it too.
    if let Some(Val::Json(Cow::Borrowed(Value::Array(items)))) = scoped {
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            let v = args.get_in(1, Scope::Data(item))?;
            out.push(v.map_or(Cow::Borrowed(&NULL), Val::into_json));
        }
        return Ok(Val::List(out));
    }
    let Some(items) = Items::of(&scoped) else {
        return empty();
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items.iter() {
        let v = args.get_in(1, Scope::Data(item))?;
        out.push(Cow::Owned(
            v.map_or(Value::Null, |v| v.into_json().into_owned()),
        ));
    }
    Ok(Val::List(out))
}

fn op_filter(args: Args<'_>) -> Res<Val<'_>> {
    let scoped = args.get(0)?;
    let Some(items) = Items::of(&scoped) else {
        return empty();
    };
    let mut keep = Vec::with_capacity(items.len());
    for item in items.iter() {
        keep.push(js::truthy(js_of(&args.get_in(1, Scope::Data(item))?)));
    }
    let mut keep = keep.into_iter();
    let mut kept = || keep.next().unwrap_or(false);
    // The kept elements are borrowed or moved, never copied.
    let out = match scoped {
        Some(Val::Json(Cow::Borrowed(Value::Array(items)))) => {
            items.iter().filter(|_| kept()).map(Cow::Borrowed).collect()
        }
        Some(Val::Json(Cow::Owned(Value::Array(items)))) => items
            .into_iter()
            .filter(|_| kept())
            .map(Cow::Owned)
            .collect(),
        Some(Val::List(items)) => items.into_iter().filter(|_| kept()).collect(),
        _ => Vec::new(),
    };
    Ok(Val::List(out))
}

fn op_reduce(args: Args<'_>) -> Res<Val<'_>> {
    let scoped = args.get(0)?;
    let initial = args.value(2)?;
    let Some(items) = Items::of(&scoped) else {
        return Ok(initial);
    };
    let mut accumulator = initial.into_owned();
    for current in items.iter() {
        let scope = Scope::Reduce {
            current,
            accumulator: accumulator.js(),
        };
        let next = args.get_in(1, scope)?;
        accumulator = next.map_or(Val::Undefined, Val::into_owned);
    }
    Ok(accumulator)
}

/// `all` (false on an empty array), `none` (true on an empty array), `some`; anything that is
/// not an array counts as empty.
fn op_quantifier(args: Args<'_>) -> Res<Val<'_>> {
    let scoped = args.get(0)?;
    let items = Items::of(&scoped).unwrap_or(Items::Json(&[]));
    if items.len() == 0 {
        return boolean(args.op == "none");
    }
    // all: stop at the first falsy; none / some: stop at the first truthy.
    let (stop_on, on_stop) = match args.op {
        "all" => (false, false),
        "none" => (true, false),
        _ => (true, true),
    };
    for item in items.iter() {
        if js::truthy(js_of(&args.get_in(1, Scope::Data(item))?)) == stop_on {
            return boolean(on_stop);
        }
    }
    boolean(!on_stop)
}

fn op_var(args: Args<'_>) -> Res<Val<'_>> {
    let (path, default) = args.two()?;
    Ok(lookup(js_of(&path), defined(default), args.scope))
}

fn op_missing(args: Args<'_>) -> Res<Val<'_>> {
    let values = (0..args.len())
        .map(|i| args.value(i))
        .collect::<Res<Vec<_>>>()?;
    let first = values.first().map(Val::js);
    let missing = match first {
        // A single array argument is the list of keys (typically from `merge` or `if`).
        Some(Js::Json(Value::Array(keys))) => missing(keys.iter().map(Js::Json), args.scope),
        Some(Js::List(keys)) => missing(keys.iter().map(|k| Js::Json(k)), args.scope),
        _ => missing(values.iter().map(Val::js), args.scope),
    };
    json(Value::Array(missing))
}

/// `missing_some`: `[]` when at least `need` of the keys are present, else the missing ones.
fn op_missing_some(args: Args<'_>) -> Res<Val<'_>> {
    let (need, options) = args.two()?;
    let (missing, given) = match Items::of(&options) {
        Some(keys) => {
            let missing = match keys.get(0) {
                Some(Value::Array(inner)) => missing(inner.iter().map(Js::Json), args.scope),
                _ => missing(keys.iter().map(Js::Json), args.scope),
            };
            (missing, keys.len() as f64)
        }
        None => {
            let key = js_of(&options);
            let given = match key {
                Js::Json(Value::String(s)) => js::utf16_len(s) as f64,
                _ => f64::NAN,
            };
            (missing(std::iter::once(key), args.scope), given)
        }
    };
    if js::number_ge(given - missing.len() as f64, js_of(&need)) {
        json(Value::Array(Vec::new()))
    } else {
        json(Value::Array(missing))
    }
}

fn op_equality(args: Args<'_>) -> Res<Val<'_>> {
    let (a, b) = args.two()?;
    let (a, b) = (js_of(&a), js_of(&b));
    boolean(match args.op {
        "==" => js::loose_eq(a, b),
        "!=" => !js::loose_eq(a, b),
        "===" => js::strict_eq(a, b),
        _ => !js::strict_eq(a, b),
    })
}

fn op_compare(args: Args<'_>) -> Res<Val<'_>> {
    let (a, b) = args.two()?;
    let c = args.get(2)?;
    args.rest(3)?;
    let (a, b, c) = (js_of(&a), js_of(&b), defined(c));
    let holds = |x: Js<'_>, y: Js<'_>| {
        let ordering = js::compare(x, y);
        match args.op {
            "<" => ordering == Some(Ordering::Less),
            "<=" => matches!(ordering, Some(Ordering::Less | Ordering::Equal)),
            ">" => ordering == Some(Ordering::Greater),
            _ => matches!(ordering, Some(Ordering::Greater | Ordering::Equal)),
        }
    };
    // Only `<` and `<=` have the "between" form; `>` and `>=` ignore a third argument.
    boolean(match &c {
        Some(c) if matches!(args.op, "<" | "<=") => holds(a, b) && holds(b, c.js()),
        _ => holds(a, b),
    })
}

fn op_not(args: Args<'_>) -> Res<Val<'_>> {
    let a = args.get(0)?;
    args.rest(1)?;
    boolean(js::truthy(js_of(&a)) == (args.op == "!!"))
}

fn op_arithmetic(args: Args<'_>) -> Res<Val<'_>> {
    let x = match args.op {
        // `+` and `*` read each argument with parseFloat ("3kg" is 3); the others with Number().
        "+" => {
            let mut sum = 0.0;
            for i in 0..args.len() {
                sum += js::parse_float(js_of(&args.get(i)?));
            }
            sum
        }
        "*" => {
            if args.len() == 0 {
                return Err(Failure::new(Kind::InvalidArguments {
                    operator: "*",
                    message: "needs at least one argument",
                }));
            }
            let mut product = 1.0;
            for i in 0..args.len() {
                product *= js::parse_float(js_of(&args.get(i)?));
            }
            product
        }
        "min" | "max" => {
            let max = args.op == "max";
            let mut acc = if max {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            };
            for i in 0..args.len() {
                let x = js::to_number(js_of(&args.get(i)?));
                acc = if x.is_nan() || acc.is_nan() {
                    f64::NAN
                } else if max {
                    acc.max(x)
                } else {
                    acc.min(x)
                };
            }
            acc
        }
        op => {
            let (a, b) = args.two()?;
            let a = js::to_number(js_of(&a));
            match (op, &defined(b)) {
                ("-", None) => -a,
                ("-", b) => a - js::to_number(js_of(b)),
                ("/", b) => a / js::to_number(js_of(b)),
                (_, b) => a % js::to_number(js_of(b)),
            }
        }
    };
    Ok(Val::Number(x))
}

fn op_cat(args: Args<'_>) -> Res<Val<'_>> {
    let mut out = String::new();
    for i in 0..args.len() {
        js::append(&mut out, js_of(&args.get(i)?));
    }
    json(Value::String(out))
}

/// `substr`: `String(source).substr(start, length)`; a negative length leaves that many
/// characters off the end.
fn op_substr(args: Args<'_>) -> Res<Val<'_>> {
    let (source, start) = args.two()?;
    let length = args.get(2)?;
    args.rest(3)?;
    let source = js::to_js_string(js_of(&source));
    let start = js::to_number(js_of(&start));
    let out = match &defined(length) {
        Some(l) if js::to_number(l.js()) < 0.0 => {
            let tail = js::substr(&source, start, None);
            // `tail.length + length`: numeric for a number; otherwise JavaScript concatenates
            // two strings, which never reads as a number, so the length is 0.
            let keep = match l.js() {
                Js::Number(x) => js::utf16_len(&tail) as f64 + x,
                Js::Json(Value::Number(n)) => js::utf16_len(&tail) as f64 + js::num_f64(n),
                _ => 0.0,
            };
            js::substr(&tail, 0.0, Some(keep)).into_owned()
        }
        Some(l) => js::substr(&source, start, Some(js::to_number(l.js()))).into_owned(),
        None => js::substr(&source, start, None).into_owned(),
    };
    json(Value::String(out))
}

/// `in`: a substring of a string, or an element (by `===`) of an array.
fn op_in(args: Args<'_>) -> Res<Val<'_>> {
    let (needle, haystack) = args.two()?;
    let needle = js_of(&needle);
    boolean(match js_of(&haystack) {
        Js::Json(Value::String(s)) if !s.is_empty() => s.contains(&*js::to_js_string(needle)),
        Js::Json(Value::Array(items)) => items
            .iter()
            .any(|item| js::strict_eq(needle, Js::Json(item))),
        Js::List(items) => items
            .iter()
            .any(|item| js::strict_eq(needle, Js::Json(item))),
        _ => false,
    })
}

/// `merge`: arrays are concatenated, other values appended; nothing is copied.
fn op_merge(args: Args<'_>) -> Res<Val<'_>> {
    let mut out = Vec::new();
    for i in 0..args.len() {
        match args.value(i)? {
            Val::Json(Cow::Borrowed(Value::Array(items))) => {
                out.extend(items.iter().map(Cow::Borrowed))
            }
            Val::Json(Cow::Owned(Value::Array(items))) => {
                out.extend(items.into_iter().map(Cow::Owned))
            }
            Val::List(items) => out.extend(items),
            other => out.push(other.into_json()),
        }
    }
    Ok(Val::List(out))
}

/// `log`: its first argument. The core does no I/O, so nothing is printed.
fn op_log(args: Args<'_>) -> Res<Val<'_>> {
    let a = args.get(0)?;
    args.rest(1)?;
    Ok(a.unwrap_or(Val::Undefined))
}
