//! JavaScript's value coercions over JSON values, as json-logic-js inherits them from the language.
//!
//! [`Js`] is a JavaScript value as the operators see it: JSON, a computed number (which may be
//! NaN or ±∞), or `undefined` (an argument the rule did not give).
//! Arrays and objects are JavaScript objects: they become strings (`[1, [2, 3]]` → `"1,2,3"`,
//! `{}` → `"[object Object]"`) before they become numbers, and two of them are equal only when
//! they are the same value (the same place in the data).

use std::borrow::Cow;
use std::cmp::Ordering;

use serde_json::{Number, Value};

/// What `JSON.stringify` makes of a JavaScript number: integral values as JSON integers, NaN and
/// the infinities as `null`, everything else as a float.
pub(super) fn number_value(x: f64) -> Value {
    // Every integral f64 below 2^63 in magnitude converts to i64 exactly; -0 becomes 0.
    if x.fract() == 0.0 && x.abs() < 9_223_372_036_854_775_808.0 {
        Value::from(x as i64)
    } else {
        Value::from(x) // `null` when not finite
    }
}

/// A JSON number as a JavaScript number.
pub(super) fn num_f64(n: &Number) -> f64 {
    n.as_f64().unwrap_or(f64::NAN)
}

/// A JavaScript value as the operators see it: JSON, an array an operator built (whose elements
/// may still borrow from the data), a number JSON cannot hold (NaN, ±∞, or any computed number,
/// kept as f64 between operators), or `undefined`.
#[derive(Debug, Clone, Copy)]
pub(super) enum Js<'v> {
    /// An argument the rule did not give.
    Undefined,
    /// A JSON value.
    Json(&'v Value),
    /// An array built by an operator.
    List(&'v [Cow<'v, Value>]),
    /// A computed number.
    Number(f64),
}

impl<'v> From<Option<&'v Value>> for Js<'v> {
    fn from(v: Option<&'v Value>) -> Self {
        v.map_or(Js::Undefined, Js::Json)
    }
}

/// What the coercions distinguish: JSON numbers and computed numbers alike are `Num`; arrays and
/// objects are both JavaScript objects.
#[derive(Debug, Clone, Copy)]
enum Kind<'v> {
    Undefined,
    Null,
    Bool(bool),
    Num(f64),
    Str(&'v str),
    Object(&'v Value),
    List(&'v [Cow<'v, Value>]),
}

impl<'v> Js<'v> {
    fn kind(self) -> Kind<'v> {
        match self {
            Js::Undefined => Kind::Undefined,
            Js::Number(x) => Kind::Num(x),
            Js::List(items) => Kind::List(items),
            Js::Json(Value::Null) => Kind::Null,
            Js::Json(Value::Bool(b)) => Kind::Bool(*b),
            Js::Json(Value::Number(n)) => Kind::Num(num_f64(n)),
            Js::Json(Value::String(s)) => Kind::Str(s),
            Js::Json(object @ (Value::Array(_) | Value::Object(_))) => Kind::Object(object),
        }
    }
}

/// JsonLogic truthiness: JavaScript's, except that an empty array is falsy.
pub(super) fn truthy(v: Js<'_>) -> bool {
    match v.kind() {
        Kind::Undefined | Kind::Null => false,
        Kind::Bool(b) => b,
        Kind::Num(x) => x != 0.0 && !x.is_nan(),
        Kind::Str(s) => !s.is_empty(),
        Kind::Object(Value::Array(items)) => !items.is_empty(),
        Kind::List(items) => !items.is_empty(),
        Kind::Object(_) => true,
    }
}

/// JavaScript's `ToNumber`.
pub(super) fn to_number(v: Js<'_>) -> f64 {
    match v.kind() {
        Kind::Undefined => f64::NAN,
        Kind::Null => 0.0,
        Kind::Bool(b) => f64::from(u8::from(b)),
        Kind::Num(x) => x,
        Kind::Str(s) => str_to_number(s),
        Kind::Object(Value::Array(items)) => str_to_number(&join(items)),
        Kind::List(items) => str_to_number(&join_list(items)),
        Kind::Object(_) => f64::NAN,
    }
}

/// JavaScript's `parseFloat(String(v))`: the longest decimal prefix, NaN when there is none.
pub(super) fn parse_float(v: Js<'_>) -> f64 {
    match v.kind() {
        Kind::Num(x) => x,
        Kind::Str(s) => parse_float_str(s),
        Kind::Object(Value::Array(items)) => parse_float_str(&join(items)),
        Kind::List(items) => parse_float_str(&join_list(items)),
        // "undefined", "null", "true", "false", "[object Object]"
        Kind::Undefined | Kind::Null | Kind::Bool(_) | Kind::Object(_) => f64::NAN,
    }
}

/// JavaScript's `String(v)`.
pub(super) fn to_js_string(v: Js<'_>) -> Cow<'_, str> {
    match v {
        Js::Undefined => Cow::Borrowed("undefined"),
        Js::Number(x) => Cow::Owned(js_number(x)),
        Js::List(items) => Cow::Owned(join_list(items)),
        Js::Json(v) => json_string(v),
    }
}

/// `String(v)` for a JSON value.
fn json_string(v: &Value) -> Cow<'_, str> {
    match v {
        Value::String(s) => Cow::Borrowed(s),
        Value::Null => Cow::Borrowed("null"),
        Value::Bool(true) => Cow::Borrowed("true"),
        Value::Bool(false) => Cow::Borrowed("false"),
        Value::Number(n) => Cow::Owned(number_string(n)),
        Value::Array(items) => Cow::Owned(join(items)),
        Value::Object(_) => Cow::Borrowed("[object Object]"),
    }
}

/// Appends `v` the way `Array.prototype.join` does: `null` and `undefined` add nothing.
pub(super) fn append(out: &mut String, v: Js<'_>) {
    match v {
        Js::Undefined | Js::Json(Value::Null) => {}
        Js::Json(Value::Array(items)) => append_join(out, items.iter()),
        Js::List(items) => append_join(out, items.iter().map(|c| &**c)),
        other => out.push_str(&to_js_string(other)),
    }
}

/// `items.join(",")`, the string form of an array.
pub(super) fn join(items: &[Value]) -> String {
    let mut out = String::new();
    append_join(&mut out, items.iter());
    out
}

/// The string form of an array an operator built.
fn join_list(items: &[Cow<'_, Value>]) -> String {
    let mut out = String::new();
    append_join(&mut out, items.iter().map(|c| &**c));
    out
}

/// Appends `items.join(",")`.
fn append_join<'x>(out: &mut String, items: impl Iterator<Item = &'x Value>) {
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.push(',');
        }
        match item {
            Value::Null => {}
            Value::Array(inner) => append_nested(out, inner),
            other => out.push_str(&json_string(other)),
        }
    }
}

/// Appends a nested array's `join(",")` without recursion, so deeply nested data cannot exhaust
/// the stack.
fn append_nested(out: &mut String, items: &[Value]) {
    let mut stack = vec![(items.iter(), true)];
    while let Some((iter, first)) = stack.last_mut() {
        let Some(item) = iter.next() else {
            stack.pop();
            continue;
        };
        if !*first {
            out.push(',');
        }
        *first = false;
        match item {
            Value::Null => {}
            Value::Array(inner) => stack.push((inner.iter(), true)),
            other => out.push_str(&json_string(other)),
        }
    }
}

/// A JSON number as JavaScript prints it. Integers print exactly, even beyond 2^53 (where a
/// JavaScript number would already have lost digits); floats follow `Number.prototype.toString`.
fn number_string(n: &Number) -> String {
    if let Some(i) = n.as_i64() {
        i.to_string()
    } else if let Some(u) = n.as_u64() {
        u.to_string()
    } else {
        js_number(num_f64(n))
    }
}

/// `Number.prototype.toString()` for any f64: the shortest round-trip digits, fixed notation for
/// decimal exponents in -6..21, exponential (`1e+21`, `1.5e-7`) outside.
pub(super) fn js_number(x: f64) -> String {
    if x.is_nan() {
        return "NaN".to_owned();
    }
    if x == 0.0 {
        return "0".to_owned();
    }
    if x.is_infinite() {
        return if x > 0.0 { "Infinity" } else { "-Infinity" }.to_owned();
    }
    // `{:e}` gives the shortest round-trip digits: "1.2345e-7".
    let sci = format!("{:e}", x.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let k = digits.len() as i64;
    let n = exp.parse::<i64>().unwrap_or(0) + 1; // the decimal point sits after `n` digits
    let mut out = String::with_capacity(digits.len() + 8);
    if x < 0.0 {
        out.push('-');
    }
    if k <= n && n <= 21 {
        out.push_str(&digits);
        out.extend(std::iter::repeat_n('0', (n - k) as usize));
    } else if 0 < n && n <= 21 {
        let (int, frac) = digits.split_at(n as usize);
        out.push_str(int);
        out.push('.');
        out.push_str(frac);
    } else if -6 < n && n <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-n) as usize));
        out.push_str(&digits);
    } else {
        let (first, rest) = digits.split_at(1);
        out.push_str(first);
        if !rest.is_empty() {
            out.push('.');
            out.push_str(rest);
        }
        out.push('e');
        out.push(if n > 0 { '+' } else { '-' });
        out.push_str(&(n - 1).abs().to_string());
    }
    out
}

/// JavaScript's white space and line terminators, which `Number()` and `parseFloat` skip.
fn is_js_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202f}'
                | '\u{205f}'
                | '\u{3000}'
                | '\u{feff}'
    )
}

/// JavaScript's `Number(string)`: blank → 0; decimal, `Infinity`, `0x…`, `0o…`, `0b…`; else NaN.
pub(super) fn str_to_number(s: &str) -> f64 {
    let t = s.trim_matches(is_js_space);
    if t.is_empty() {
        return 0.0;
    }
    let bytes = t.as_bytes();
    if bytes.len() > 2 && bytes[0] == b'0' {
        let radix = match bytes[1] {
            b'x' | b'X' => 16,
            b'o' | b'O' => 8,
            b'b' | b'B' => 2,
            _ => 0,
        };
        if radix != 0 {
            return parse_radix(&t[2..], radix);
        }
    }
    if decimal_prefix(t) == t.len() {
        parse_decimal(t)
    } else {
        f64::NAN
    }
}

fn parse_radix(digits: &str, radix: u32) -> f64 {
    let mut value = 0.0_f64;
    for c in digits.chars() {
        match c.to_digit(radix) {
            Some(d) => value = value * f64::from(radix) + f64::from(d),
            None => return f64::NAN,
        }
    }
    value
}

/// `parseFloat` on a string.
fn parse_float_str(s: &str) -> f64 {
    let t = s.trim_start_matches(is_js_space);
    match decimal_prefix(t) {
        0 => f64::NAN,
        n => parse_decimal(&t[..n]),
    }
}

/// The length of the longest prefix of `s` that is a JavaScript decimal literal
/// (`[+-]? (Infinity | digits [. digits] | . digits) [(e|E) [+-] digits]`), 0 when none.
fn decimal_prefix(s: &str) -> usize {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    if b[i..].starts_with(b"Infinity") {
        return i + "Infinity".len();
    }
    let digits = |from: usize| b[from..].iter().take_while(|c| c.is_ascii_digit()).count();
    let int = digits(i);
    i += int;
    let mut frac = 0;
    if b.get(i) == Some(&b'.') {
        frac = digits(i + 1);
        if int > 0 || frac > 0 {
            i += 1 + frac;
        }
    }
    if int == 0 && frac == 0 {
        return 0;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        let sign = usize::from(matches!(b.get(i + 1), Some(b'+' | b'-')));
        let exp = digits(i + 1 + sign);
        if exp > 0 {
            i += 1 + sign + exp;
        }
    }
    i
}

/// Parses a string `decimal_prefix` accepted in full.
fn parse_decimal(t: &str) -> f64 {
    match t {
        "Infinity" | "+Infinity" => f64::INFINITY,
        "-Infinity" => f64::NEG_INFINITY,
        _ => t.parse().unwrap_or(f64::NAN),
    }
}

/// A JavaScript primitive, what `ToPrimitive` leaves of a value.
enum Prim<'v> {
    Undefined,
    Null,
    Bool(bool),
    Num(f64),
    Str(Cow<'v, str>),
}

impl Prim<'_> {
    fn of(v: Js<'_>) -> Prim<'_> {
        match v.kind() {
            Kind::Undefined => Prim::Undefined,
            Kind::Null => Prim::Null,
            Kind::Bool(b) => Prim::Bool(b),
            Kind::Num(x) => Prim::Num(x),
            Kind::Str(s) => Prim::Str(Cow::Borrowed(s)),
            Kind::Object(object) => Prim::Str(json_string(object)),
            Kind::List(items) => Prim::Str(Cow::Owned(join_list(items))),
        }
    }

    fn number(&self) -> f64 {
        match self {
            Prim::Undefined => f64::NAN,
            Prim::Null => 0.0,
            Prim::Bool(b) => f64::from(u8::from(*b)),
            Prim::Num(x) => *x,
            Prim::Str(s) => str_to_number(s),
        }
    }
}

/// JavaScript's relational comparison: two strings compare by UTF-16 code units, anything else
/// as numbers; `None` when a side is NaN (every comparison is then false).
pub(super) fn compare(a: Js<'_>, b: Js<'_>) -> Option<Ordering> {
    match (Prim::of(a), Prim::of(b)) {
        (Prim::Num(x), Prim::Num(y)) => x.partial_cmp(&y),
        (Prim::Str(x), Prim::Str(y)) => Some(x.encode_utf16().cmp(y.encode_utf16())),
        (x, y) => x.number().partial_cmp(&y.number()),
    }
}

/// `x >= v` for a number `x`.
pub(super) fn number_ge(x: f64, v: Js<'_>) -> bool {
    x >= Prim::of(v).number()
}

/// JavaScript's loose equality `a == b`.
pub(super) fn loose_eq(a: Js<'_>, b: Js<'_>) -> bool {
    use Kind::{Bool, List, Null, Num, Object, Str, Undefined};
    match (a.kind(), b.kind()) {
        (Undefined | Null, Undefined | Null) => true,
        (Undefined | Null, _) | (_, Undefined | Null) => false,
        (Num(x), Num(y)) => x == y,
        (Str(s), Str(t)) => s == t,
        (Bool(p), Bool(q)) => p == q,
        (Object(_) | List(_), Object(_) | List(_)) => same_object(a.kind(), b.kind()),
        (Num(x), Str(s)) | (Str(s), Num(x)) => x == str_to_number(s),
        (Bool(p), other) | (other, Bool(p)) => eq_number(f64::from(u8::from(p)), other),
        (object @ (Object(_) | List(_)), Str(s)) | (Str(s), object @ (Object(_) | List(_))) => {
            object_string(object) == s
        }
        (object @ (Object(_) | List(_)), Num(x)) | (Num(x), object @ (Object(_) | List(_))) => {
            x == str_to_number(&object_string(object))
        }
    }
}

/// Object identity: the same place in the data. An array an operator built is a new array,
/// the same as nothing else.
fn same_object(a: Kind<'_>, b: Kind<'_>) -> bool {
    match (a, b) {
        (Kind::Object(x), Kind::Object(y)) => std::ptr::eq(x, y),
        _ => false,
    }
}

/// The string an array or object becomes.
fn object_string<'v>(object: Kind<'v>) -> Cow<'v, str> {
    match object {
        Kind::Object(v) => json_string(v),
        Kind::List(items) => Cow::Owned(join_list(items)),
        _ => Cow::Borrowed(""),
    }
}

/// `n == other` for a number `n`.
fn eq_number(n: f64, other: Kind<'_>) -> bool {
    match other {
        Kind::Undefined | Kind::Null => false,
        Kind::Bool(b) => n == f64::from(u8::from(b)),
        Kind::Num(x) => n == x,
        Kind::Str(s) => n == str_to_number(s),
        object @ (Kind::Object(_) | Kind::List(_)) => n == str_to_number(&object_string(object)),
    }
}

/// JavaScript's strict equality `a === b`.
pub(super) fn strict_eq(a: Js<'_>, b: Js<'_>) -> bool {
    match (a.kind(), b.kind()) {
        (Kind::Undefined, Kind::Undefined) | (Kind::Null, Kind::Null) => true,
        (Kind::Bool(p), Kind::Bool(q)) => p == q,
        (Kind::Num(x), Kind::Num(y)) => x == y,
        (Kind::Str(s), Kind::Str(t)) => s == t,
        (x @ (Kind::Object(_) | Kind::List(_)), y) => same_object(x, y),
        _ => false,
    }
}

/// The length of `s` in UTF-16 code units, JavaScript's `s.length`.
pub(super) fn utf16_len(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.encode_utf16().count()
    }
}

/// The UTF-16 code units `start..end` of `s` (a split surrogate pair becomes U+FFFD).
pub(super) fn utf16_slice(s: &str, start: usize, end: usize) -> Cow<'_, str> {
    if s.is_ascii() {
        return Cow::Borrowed(s.get(start..end).unwrap_or(""));
    }
    let units: Vec<u16> = s
        .encode_utf16()
        .skip(start)
        .take(end.saturating_sub(start))
        .collect();
    Cow::Owned(String::from_utf16_lossy(&units))
}

/// JavaScript's `ToIntegerOrInfinity`.
fn to_integer(x: f64) -> f64 {
    if x.is_nan() {
        0.0
    } else {
        x.trunc()
    }
}

/// `String.prototype.substr(start, length)`.
pub(super) fn substr(s: &str, start: f64, length: Option<f64>) -> Cow<'_, str> {
    let size = utf16_len(s) as f64;
    let start = to_integer(start);
    let start = if start < 0.0 {
        (size + start).max(0.0)
    } else {
        start.min(size)
    };
    let len = match length {
        None => size - start,
        Some(l) => to_integer(l).max(0.0).min(size - start),
    };
    // Both ends lie in 0..=size here, so the casts are exact.
    utf16_slice(s, start as usize, (start + len) as usize)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_print_like_javascript() {
        let cases = [
            (0.1, "0.1"),
            (-0.0, "0"),
            (100.0, "100"),
            (123.456, "123.456"),
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (1.5e-7, "1.5e-7"),
            (0.000001, "0.000001"),
            (-2.5e30, "-2.5e+30"),
            (f64::NAN, "NaN"),
            (f64::NEG_INFINITY, "-Infinity"),
        ];
        for (x, s) in cases {
            assert_eq!(js_number(x), s, "{x}");
        }
    }

    #[test]
    fn strings_become_numbers_like_javascript() {
        let cases = [
            ("", 0.0),
            ("  42\n", 42.0),
            ("-1.5e3", -1500.0),
            (".5", 0.5),
            ("5.", 5.0),
            ("0x1F", 31.0),
            ("0b101", 5.0),
            ("Infinity", f64::INFINITY),
            ("-Infinity", f64::NEG_INFINITY),
        ];
        for (s, x) in cases {
            assert_eq!(str_to_number(s), x, "{s:?}");
        }
        for s in [
            "abc", "1a", "inf", "nan", "infinity", "-0x1", "1e", "1_0", ".", "+", "0x",
        ] {
            assert!(str_to_number(s).is_nan(), "{s:?}");
        }
    }

    #[test]
    fn parse_float_takes_the_longest_prefix() {
        let p = |v: Value| parse_float(Js::Json(&v));
        assert_eq!(p(json!("3.5kg")), 3.5);
        assert_eq!(p(json!(" -2e2x")), -200.0);
        assert_eq!(p(json!("1e")), 1.0);
        assert_eq!(p(json!([7])), 7.0);
        assert_eq!(parse_float(Js::Number(f64::INFINITY)), f64::INFINITY);
        for v in [json!(""), json!(null), json!(true), json!({}), json!("x1")] {
            assert!(p(v).is_nan());
        }
        assert!(parse_float(Js::Undefined).is_nan());
    }

    #[test]
    fn arrays_join_like_javascript() {
        let s = |v: Value| to_js_string(Js::Json(&v)).into_owned();
        assert_eq!(s(json!([1, [2, [3, null]], "a", 1.5])), "1,2,3,,a,1.5");
        assert_eq!(s(json!([])), "");
        assert_eq!(s(json!({"a": 1})), "[object Object]");
        assert_eq!(to_js_string(Js::Number(f64::NAN)), "NaN");
        assert_eq!(to_js_string(Js::Undefined), "undefined");
    }

    #[test]
    fn loose_equality_follows_javascript() {
        let t = |a: Value, b: Value| loose_eq(Js::Json(&a), Js::Json(&b));
        assert!(t(json!(1), json!("1")));
        assert!(t(json!(0), json!(false)));
        assert!(t(json!(""), json!(0)));
        assert!(t(json!([]), json!(false)));
        assert!(t(json!([1]), json!(1)));
        assert!(t(json!([1, 2]), json!("1,2")));
        assert!(t(json!("1"), json!(true)));
        assert!(!t(json!(null), json!(0)));
        assert!(!t(json!(null), json!(false)));
        assert!(!t(json!([]), json!([])));
        assert!(loose_eq(Js::Undefined, Js::Json(&json!(null))));
        assert!(!loose_eq(Js::Undefined, Js::Json(&json!(0))));
        assert!(!loose_eq(Js::Number(f64::NAN), Js::Number(f64::NAN)));
        assert!(loose_eq(
            Js::Number(f64::INFINITY),
            Js::Json(&json!("Infinity"))
        ));
        let shared = json!([1]);
        assert!(loose_eq(Js::Json(&shared), Js::Json(&shared)));
    }

    #[test]
    fn comparisons_follow_javascript() {
        let c = |a: Value, b: Value| compare(Js::Json(&a), Js::Json(&b));
        assert_eq!(c(json!("10"), json!("9")), Some(Ordering::Less));
        assert_eq!(c(json!("10"), json!(9)), Some(Ordering::Greater));
        assert_eq!(c(json!(null), json!(0)), Some(Ordering::Equal));
        assert_eq!(c(json!("a"), json!(1)), None);
        assert_eq!(compare(Js::Undefined, Js::Json(&json!(1))), None);
        assert_eq!(
            compare(Js::Number(f64::INFINITY), Js::Json(&json!(5))),
            Some(Ordering::Greater)
        );
    }

    #[test]
    fn substr_counts_utf16_units() {
        assert_eq!(substr("jsonlogic", -5.0, None), "logic");
        assert_eq!(substr("jsonlogic", 1.0, Some(3.0)), "son");
        assert_eq!(substr("jsonlogic", 20.0, None), "");
        assert_eq!(substr("città", 3.0, Some(2.0)), "tà");
        assert_eq!(substr("a😀b", 1.0, Some(2.0)), "😀");
    }

    #[test]
    fn integral_results_are_integers() {
        assert!(number_value(2.0).is_i64());
        assert_eq!(number_value(-0.0), json!(0));
        assert_eq!(number_value(0.5), json!(0.5));
        assert_eq!(number_value(f64::NAN), Value::Null);
        assert_eq!(number_value(f64::INFINITY), Value::Null);
    }
}
