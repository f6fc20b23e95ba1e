//! Borrowed views of field values and event properties, folding without allocation, and the
//! `field` comparison semantics.

use std::borrow::Cow;
use std::cmp::Ordering;

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::{Decompositions, UnicodeNormalization};

use crate::condition::FieldOp;
use crate::model::Value;

/// A prepared operand value (text already folded when the test folds).
#[derive(Debug, Clone)]
pub(super) enum Scalar {
    Bool(bool),
    Num(f64),
    Text(Box<str>),
}

/// The prepared operand of a field test.
#[derive(Debug)]
pub(super) enum Operand {
    /// `is_set` / `is_empty`.
    Nothing,
    One(Scalar),
    /// `in`.
    Many(Box<[Scalar]>),
    /// `between`, inclusive.
    Range(Scalar, Scalar),
    /// `matches`.
    Regex(Box<regex::Regex>),
}

/// A compiled `field` test: operator, prepared operand, folding.
#[derive(Debug)]
pub(super) struct FieldTest {
    pub(super) op: FieldOp,
    pub(super) operand: Operand,
    pub(super) fold: bool,
}

/// A value as the semantics see it.
#[derive(Debug)]
pub(super) enum Val<'a> {
    Missing,
    Bool(bool),
    Num(f64),
    Text(Cow<'a, str>),
    List(Items<'a>),
    /// A JSON object (event properties only): equals nothing; `empty` for `{}`.
    Other {
        empty: bool,
    },
}

/// The elements of a list value.
#[derive(Debug, Clone, Copy)]
pub(super) enum Items<'a> {
    Values(&'a [Value]),
    Json(&'a [serde_json::Value]),
}

impl<'a> Items<'a> {
    fn any(self, mut f: impl FnMut(&Val<'a>) -> bool) -> bool {
        match self {
            Items::Values(vs) => vs.iter().any(|v| f(&Val::of_value(v))),
            Items::Json(vs) => vs.iter().any(|v| f(&Val::of_json(v))),
        }
    }

    fn is_empty(self) -> bool {
        match self {
            Items::Values(vs) => vs.is_empty(),
            Items::Json(vs) => vs.is_empty(),
        }
    }
}

impl<'a> Val<'a> {
    pub(super) fn of_value(v: &'a Value) -> Val<'a> {
        match v {
            Value::Null => Val::Missing,
            Value::Bool(b) => Val::Bool(*b),
            Value::Number(n) => Val::Num(*n),
            Value::Text(s) => Val::Text(Cow::Borrowed(s)),
            Value::List(l) => Val::List(Items::Values(l)),
        }
    }

    pub(super) fn of_json(v: &'a serde_json::Value) -> Val<'a> {
        use serde_json::Value as J;
        match v {
            J::Null => Val::Missing,
            J::Bool(b) => Val::Bool(*b),
            J::Number(n) => n.as_f64().map_or(Val::Other { empty: false }, Val::Num),
            J::String(s) => Val::Text(Cow::Borrowed(s)),
            J::Array(a) => Val::List(Items::Json(a)),
            J::Object(o) => Val::Other {
                empty: o.is_empty(),
            },
        }
    }

    pub(super) fn of_opt_str(s: Option<&'a str>) -> Val<'a> {
        s.map_or(Val::Missing, |s| Val::Text(Cow::Borrowed(s)))
    }

    fn is_empty(&self) -> bool {
        match self {
            Val::Missing => true,
            Val::Text(s) => s.is_empty(),
            Val::List(items) => items.is_empty(),
            Val::Other { empty } => *empty,
            Val::Bool(_) | Val::Num(_) => false,
        }
    }
}

impl FieldTest {
    /// Whether the value passes the test.
    pub(super) fn test(&self, v: &Val<'_>) -> bool {
        let fold = self.fold;
        match (self.op, &self.operand) {
            (FieldOp::IsSet, _) => !v.is_empty(),
            (FieldOp::IsEmpty, _) => v.is_empty(),
            (FieldOp::Eq, Operand::One(s)) => eq(v, s, fold),
            (FieldOp::Ne, Operand::One(s)) => !eq(v, s, fold),
            (FieldOp::Lt, Operand::One(s)) => order(v, s, fold) == Some(Ordering::Less),
            (FieldOp::Lte, Operand::One(s)) => {
                matches!(order(v, s, fold), Some(Ordering::Less | Ordering::Equal))
            }
            (FieldOp::Gt, Operand::One(s)) => order(v, s, fold) == Some(Ordering::Greater),
            (FieldOp::Gte, Operand::One(s)) => {
                matches!(order(v, s, fold), Some(Ordering::Greater | Ordering::Equal))
            }
            (FieldOp::In, Operand::Many(ops)) => match v {
                Val::List(items) => items.any(|el| ops.iter().any(|s| eq(el, s, fold))),
                _ => ops.iter().any(|s| eq(v, s, fold)),
            },
            (FieldOp::Contains, Operand::One(s)) => match (v, s) {
                (Val::Text(t), Scalar::Text(needle)) => {
                    if fold {
                        folded(t).contains(&**needle)
                    } else {
                        t.contains(&**needle)
                    }
                }
                (Val::List(items), _) => items.any(|el| eq(el, s, fold)),
                _ => false,
            },
            (FieldOp::StartsWith, Operand::One(Scalar::Text(p))) => match v {
                Val::Text(t) if fold => starts_with_folded(t, p),
                Val::Text(t) => t.starts_with(&**p),
                _ => false,
            },
            (FieldOp::EndsWith, Operand::One(Scalar::Text(p))) => match v {
                Val::Text(t) if fold => folded(t).ends_with(&**p),
                Val::Text(t) => t.ends_with(&**p),
                _ => false,
            },
            (FieldOp::Between, Operand::Range(lo, hi)) => {
                matches!(
                    order(v, lo, fold),
                    Some(Ordering::Greater | Ordering::Equal)
                ) && matches!(order(v, hi, fold), Some(Ordering::Less | Ordering::Equal))
            }
            (FieldOp::Matches, Operand::Regex(re)) => match v {
                Val::Text(t) if fold => re.is_match(&folded(t)),
                Val::Text(t) => re.is_match(t),
                _ => false,
            },
            // Compilation never pairs an operator with another operand shape.
            _ => false,
        }
    }
}

/// Equality of a value with an operand: same JSON type and equal.
fn eq(v: &Val<'_>, s: &Scalar, fold: bool) -> bool {
    match (v, s) {
        (Val::Num(a), Scalar::Num(b)) => a == b,
        (Val::Bool(a), Scalar::Bool(b)) => a == b,
        (Val::Text(a), Scalar::Text(b)) => {
            if fold {
                FoldChars::new(a).eq(b.chars())
            } else {
                **a == **b
            }
        }
        _ => false,
    }
}

/// Order of a value against an operand: numbers numerically, text by bytes; `None` otherwise.
fn order(v: &Val<'_>, s: &Scalar, fold: bool) -> Option<Ordering> {
    match (v, s) {
        (Val::Num(a), Scalar::Num(b)) => a.partial_cmp(b),
        (Val::Text(a), Scalar::Text(b)) => Some(if fold {
            // Code point order is UTF-8 byte order.
            FoldChars::new(a).cmp(b.chars())
        } else {
            a.as_bytes().cmp(b.as_bytes())
        }),
        _ => None,
    }
}

fn starts_with_folded(text: &str, prefix: &str) -> bool {
    let mut it = FoldChars::new(text);
    prefix.chars().all(|p| it.next() == Some(p))
}

/// True for the characters [`crate::text::fold`] treats as white space, on ASCII.
fn ascii_space(b: u8) -> bool {
    b == b' ' || (b'\t'..=b'\r').contains(&b)
}

/// The folded text, borrowed when folding would not change it.
pub(super) fn folded(text: &str) -> Cow<'_, str> {
    let b = text.as_bytes();
    let already = b.iter().all(|c| c.is_ascii() && !c.is_ascii_uppercase())
        && b.first().is_none_or(|c| !ascii_space(*c))
        && b.last().is_none_or(|c| !ascii_space(*c))
        && !b
            .windows(2)
            .any(|w| ascii_space(w[0]) && (w[0] != b' ' || ascii_space(w[1])))
        && !b.iter().any(|c| ascii_space(*c) && *c != b' ');
    if already {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(crate::text::fold(text))
    }
}

enum Source<'a> {
    Ascii(std::str::Chars<'a>),
    Unicode(Decompositions<std::str::Chars<'a>>),
}

/// The characters of [`crate::text::fold`]`(text)`, produced lazily without allocating.
pub(super) struct FoldChars<'a> {
    src: Source<'a>,
    lower: Option<std::char::ToLowercase>,
    after_space: Option<char>,
    started: bool,
    pending_space: bool,
}

impl<'a> FoldChars<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        let src = if text.is_ascii() {
            Source::Ascii(text.chars())
        } else {
            Source::Unicode(text.nfd())
        };
        FoldChars {
            src,
            lower: None,
            after_space: None,
            started: false,
            pending_space: false,
        }
    }

    fn raw(&mut self) -> Option<char> {
        match &mut self.src {
            Source::Ascii(c) => c.next(),
            Source::Unicode(d) => d.find(|c| !is_combining_mark(*c)),
        }
    }

    fn emit(&mut self, c: char) -> Option<char> {
        let mut lower = c.to_lowercase();
        let first = lower.next();
        self.lower = Some(lower);
        first
    }
}

impl Iterator for FoldChars<'_> {
    type Item = char;

    fn next(&mut self) -> Option<char> {
        if let Some(l) = &mut self.lower {
            if let Some(c) = l.next() {
                return Some(c);
            }
            self.lower = None;
        }
        if let Some(c) = self.after_space.take() {
            return self.emit(c);
        }
        loop {
            let c = self.raw()?;
            if c.is_whitespace() {
                self.pending_space = self.started;
                continue;
            }
            self.started = true;
            if self.pending_space {
                self.pending_space = false;
                self.after_space = Some(c);
                return Some(' ');
            }
            return self.emit(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::fold;

    #[test]
    fn fold_chars_equal_fold() {
        for s in [
            "",
            "  ",
            "  Caffè   GRATIS ",
            "ÉTÉ",
            "a\tb\n\nc",
            "İstanbul",
            "ß straße",
            "x\u{301}\u{302} y",
            " \u{a0}Ä ",
            "ﬁ",
        ] {
            assert_eq!(FoldChars::new(s).collect::<String>(), fold(s), "{s:?}");
            assert_eq!(folded(s), fold(s), "{s:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn fold_chars_equal_fold_on_any_text(s in "(\\PC|[ \t\n\u{a0}\u{301}ÉéİßA-Z]){0,24}") {
            proptest::prop_assert_eq!(FoldChars::new(&s).collect::<String>(), fold(&s));
            proptest::prop_assert_eq!(folded(&s), fold(&s));
        }
    }

    #[test]
    fn folded_borrows_when_unchanged() {
        assert!(matches!(folded("milano centrale"), Cow::Borrowed(_)));
        assert!(matches!(folded("Milano"), Cow::Owned(_)));
        assert!(matches!(folded("a  b"), Cow::Owned(_)));
        assert!(matches!(folded("a\tb"), Cow::Owned(_)));
    }
}
