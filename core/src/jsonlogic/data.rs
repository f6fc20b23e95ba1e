//! Reading the data: `var`'s dotted paths, and `missing`.

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::js::{self, Js};
use super::{Scope, Val, NULL};

/// The keys whose `var` is `null` or `""`, as JSON.
pub(super) fn missing<'k>(keys: impl Iterator<Item = Js<'k>>, scope: Scope<'_>) -> Vec<Value> {
    keys.filter_map(|key| {
        // `{"var": key}`: an array key is [path, default].
        let found = match key {
            Js::Json(Value::Array(parts)) => lookup(
                parts.first().into(),
                parts.get(1).map(|d| Val::Json(Cow::Borrowed(d))),
                scope,
            ),
            Js::List(parts) => lookup(
                parts.first().map_or(Js::Undefined, |p| Js::Json(p)),
                parts.get(1).map(|d| Val::Json(Cow::Borrowed(&**d))),
                scope,
            ),
            other => lookup(other, None, scope),
        };
        let absent = match found.js() {
            Js::Undefined | Js::Json(Value::Null) => true,
            Js::Json(Value::String(s)) => s.is_empty(),
            _ => false,
        };
        absent.then(|| to_json(key))
    })
    .collect()
}

/// `var`: follows a dotted path (`"a.b.0"`) through objects, arrays and strings; `null`, `""` or
/// no path is the whole data. A path that leads nowhere gives `default` (or `null`); a path that
/// leads to `null` gives `null`.
pub(super) fn lookup<'a>(path: Js<'_>, default: Option<Val<'a>>, scope: Scope<'a>) -> Val<'a> {
    let key = match path {
        Js::Undefined | Js::Json(Value::Null) => return whole(scope),
        Js::Json(Value::String(s)) if s.is_empty() => return whole(scope),
        p => js::to_js_string(p),
    };
    let not_found = || default.unwrap_or(Val::Json(Cow::Borrowed(&NULL)));
    let mut segments = key.split('.');
    let mut current = match scope {
        Scope::Data(data) => Cow::Borrowed(data),
        Scope::Reduce {
            current,
            accumulator,
        } => match (segments.next(), accumulator) {
            (Some("current"), _) => Cow::Borrowed(current),
            (Some("accumulator"), Js::Json(acc)) => Cow::Borrowed(acc),
            // A computed number has nothing inside it.
            (Some("accumulator"), Js::Number(x)) if segments.next().is_none() => {
                return Val::Number(x)
            }
            // An array an operator built: its length, an element, or all of it.
            (Some("accumulator"), Js::List(items)) => match segments.next() {
                None => return Val::List(items.to_vec()),
                Some("length") => Cow::Owned(Value::from(items.len())),
                Some(segment) => match index(segment).and_then(|i| items.get(i)) {
                    Some(item) => Cow::Borrowed(&**item),
                    None => return not_found(),
                },
            },
            _ => return not_found(),
        },
    };
    for segment in segments {
        if current.is_null() {
            return not_found();
        }
        let next = match current {
            Cow::Borrowed(v) => step(v, segment),
            Cow::Owned(v) => step(&v, segment).map(|c| Cow::Owned(c.into_owned())),
        };
        match next {
            Some(next) => current = next,
            None => return not_found(),
        }
    }
    Val::Json(current)
}

/// `value[segment]` as JavaScript reads it: an object key, an array index or `length`, a
/// string's character or `length`.
fn step<'v>(value: &'v Value, segment: &str) -> Option<Cow<'v, Value>> {
    match value {
        Value::Object(map) => map.get(segment).map(Cow::Borrowed),
        Value::Array(items) if segment == "length" => Some(Cow::Owned(Value::from(items.len()))),
        Value::Array(items) => index(segment).and_then(|i| items.get(i)).map(Cow::Borrowed),
        Value::String(s) if segment == "length" => Some(Cow::Owned(Value::from(js::utf16_len(s)))),
        Value::String(s) => {
            let i = index(segment)?;
            (i < js::utf16_len(s))
                .then(|| Cow::Owned(Value::String(js::utf16_slice(s, i, i + 1).into_owned())))
        }
        _ => None,
    }
}

/// A JavaScript value as JSON.
fn to_json(v: Js<'_>) -> Value {
    match v {
        Js::Json(v) => v.clone(),
        Js::List(items) => Value::Array(items.iter().map(|c| (**c).clone()).collect()),
        Js::Number(x) => js::number_value(x),
        Js::Undefined => Value::Null,
    }
}

/// A canonical array index (`"0"`, `"17"`; not `"01"` or `"+1"`).
fn index(segment: &str) -> Option<usize> {
    let canonical = !segment.is_empty()
        && segment.bytes().all(|b| b.is_ascii_digit())
        && (segment == "0" || !segment.starts_with('0'));
    if canonical {
        segment.parse().ok()
    } else {
        None
    }
}

/// The whole data of a scope.
fn whole(scope: Scope<'_>) -> Val<'_> {
    match scope {
        Scope::Data(data) => Val::Json(Cow::Borrowed(data)),
        Scope::Reduce {
            current,
            accumulator,
        } => {
            let mut map = Map::new();
            map.insert("current".to_owned(), current.clone());
            map.insert("accumulator".to_owned(), to_json(accumulator));
            Val::Json(Cow::Owned(Value::Object(map)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_indexes() {
        assert_eq!(index("0"), Some(0));
        assert_eq!(index("12"), Some(12));
        for s in ["", "01", "+1", "-1", "1.0", "x"] {
            assert_eq!(index(s), None, "{s:?}");
        }
    }
}
