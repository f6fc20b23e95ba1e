//! Field tests over one column: each typed part is tested with a tight loop (text through
//! dictionary codes), and values no part holds go through the one-value semantics.

use super::bitmap::{bits_of, Bitmap};
use super::column::{Cell, Column, Dict, TextPart};
use super::compile::{Cmp, FieldTest, Scalar};
use crate::model::Value;

/// How text rows are selected: one code, a range of codes, or a table by code.
enum TextSel {
    Nothing,
    Code(u32),
    Range(u32, u32),
    Table(Vec<bool>),
}

/// Per entry of the dictionary, the predicate on its text — on the folded text when `fold`.
/// Folded entries are tested once each.
fn entry_table(dict: &Dict, fold: bool, pred: impl Fn(&str) -> bool) -> Vec<bool> {
    if fold {
        let folded = dict.folded();
        let per: Vec<bool> = folded.entries.iter().map(|e| pred(e)).collect();
        dict.table(|i, _| {
            folded
                .of
                .get(i as usize)
                .and_then(|f| per.get(*f as usize))
                .copied()
                .unwrap_or(false)
        })
    } else {
        dict.table(|_, e| pred(e))
    }
}

fn text_selector(dict: &Dict, test: &FieldTest, fold: bool) -> TextSel {
    let n = dict.len() as u32;
    match test {
        FieldTest::Eq(Scalar::Text(s)) if !fold => {
            dict.code(s).map_or(TextSel::Nothing, TextSel::Code)
        }
        FieldTest::Eq(Scalar::Text(s)) => TextSel::Table(entry_table(dict, true, |e| e == s)),
        FieldTest::Cmp(c, Scalar::Text(s)) if !fold => match c {
            Cmp::Lt => TextSel::Range(1, dict.rank(s, false)),
            Cmp::Lte => TextSel::Range(1, dict.rank(s, true)),
            Cmp::Gt => TextSel::Range(dict.rank(s, true) + 1, n),
            Cmp::Gte => TextSel::Range(dict.rank(s, false) + 1, n),
        },
        FieldTest::Cmp(c, Scalar::Text(s)) => {
            TextSel::Table(entry_table(dict, true, |e| c.holds(e, s.as_str())))
        }
        FieldTest::Between(Scalar::Text(a), Scalar::Text(b)) if !fold => {
            TextSel::Range(dict.rank(a, false) + 1, dict.rank(b, true))
        }
        FieldTest::Between(Scalar::Text(a), Scalar::Text(b)) => {
            TextSel::Table(entry_table(dict, true, |e| {
                a.as_str() <= e && e <= b.as_str()
            }))
        }
        FieldTest::In(items) => {
            let texts: Vec<&str> = items
                .iter()
                .filter_map(|i| match i {
                    Scalar::Text(s) => Some(s.as_str()),
                    _ => None,
                })
                .collect();
            if texts.is_empty() {
                TextSel::Nothing
            } else {
                TextSel::Table(entry_table(dict, fold, |e| texts.contains(&e)))
            }
        }
        FieldTest::Contains(Scalar::Text(s)) => {
            TextSel::Table(entry_table(dict, fold, |e| e.contains(s.as_str())))
        }
        FieldTest::StartsWith(s) if !fold => {
            let (lo, hi) = dict.prefix_range(s);
            TextSel::Range(lo, hi)
        }
        FieldTest::StartsWith(s) => {
            TextSel::Table(entry_table(dict, true, |e| e.starts_with(s.as_str())))
        }
        FieldTest::EndsWith(s) => {
            TextSel::Table(entry_table(dict, fold, |e| e.ends_with(s.as_str())))
        }
        FieldTest::Matches(re) => TextSel::Table(entry_table(dict, fold, |e| re.is_match(e))),
        FieldTest::IsSet => TextSel::Table(dict.table(|_, e| !e.is_empty())),
        _ => TextSel::Nothing,
    }
}

fn text_bits(tp: &TextPart, sel: &TextSel, len: usize) -> Option<Bitmap> {
    let codes = &tp.codes;
    Some(match sel {
        TextSel::Nothing => return None,
        TextSel::Code(c) => {
            let c = *c;
            bits_of(codes, len, |x| x == c)
        }
        TextSel::Range(lo, hi) => {
            if lo > hi {
                return None;
            }
            let (lo, width) = (*lo, hi - lo);
            bits_of(codes, len, |x| x.wrapping_sub(lo) <= width)
        }
        TextSel::Table(t) => bits_of(codes, len, |x| t.get(x as usize).copied().unwrap_or(false)),
    })
}

pub(crate) fn field_bits(column: &Column, test: &FieldTest, fold: bool) -> Bitmap {
    let len = column.len;
    let mut out = Bitmap::new(len);
    if let Some(num) = &column.num {
        let v = &num.values;
        let b = match test {
            FieldTest::Eq(Scalar::Num(x)) => Some(bits_of(v, len, |a| a == *x)),
            FieldTest::Cmp(c, Scalar::Num(x)) => Some(match c {
                Cmp::Lt => bits_of(v, len, |a| a < *x),
                Cmp::Lte => bits_of(v, len, |a| a <= *x),
                Cmp::Gt => bits_of(v, len, |a| a > *x),
                Cmp::Gte => bits_of(v, len, |a| a >= *x),
            }),
            FieldTest::Between(Scalar::Num(lo), Scalar::Num(hi)) => {
                Some(bits_of(v, len, |a| a >= *lo && a <= *hi))
            }
            FieldTest::In(items) => {
                let xs: Vec<f64> = items
                    .iter()
                    .filter_map(|i| match i {
                        Scalar::Num(x) => Some(*x),
                        _ => None,
                    })
                    .collect();
                (!xs.is_empty()).then(|| bits_of(v, len, |a| xs.contains(&a)))
            }
            FieldTest::IsSet => Some(num.valid.clone()),
            _ => None,
        };
        if let Some(b) = b {
            out.or_assign(&b);
        }
    }
    if let Some(bp) = &column.bools {
        let pick = |b: bool| if b { &bp.trues } else { &bp.falses };
        match test {
            FieldTest::Eq(Scalar::Bool(b)) => out.or_assign(pick(*b)),
            FieldTest::In(items) => {
                for i in items {
                    if let Scalar::Bool(b) = i {
                        out.or_assign(pick(*b));
                    }
                }
            }
            FieldTest::IsSet => {
                out.or_assign(&bp.trues);
                out.or_assign(&bp.falses);
            }
            _ => {}
        }
    }
    let sel = (column.text.is_some() || column.list.is_some())
        .then(|| text_selector(&column.dict, test, fold));
    if let (Some(tp), Some(sel)) = (&column.text, &sel) {
        if let Some(b) = text_bits(tp, sel, len) {
            out.or_assign(&b);
        }
    }
    if let Some(lp) = &column.list {
        // Lists: membership (`contains`, `in`) and emptiness; nothing else matches a list.
        let elem: Option<Box<dyn Fn(u32) -> bool>> = match test {
            FieldTest::Contains(Scalar::Text(s)) if !fold => {
                let c = column.dict.code(s);
                Some(Box::new(move |x| Some(x) == c))
            }
            FieldTest::Contains(Scalar::Text(s)) => {
                let t = entry_table(&column.dict, true, |e| e == s);
                Some(Box::new(move |x| {
                    t.get(x as usize).copied().unwrap_or(false)
                }))
            }
            FieldTest::In(_) => match sel {
                Some(TextSel::Table(t)) => Some(Box::new(move |x| {
                    t.get(x as usize).copied().unwrap_or(false)
                })),
                _ => None,
            },
            _ => None,
        };
        let b = match (test, elem) {
            (FieldTest::IsSet, _) => Some(Bitmap::from_fn(len, |r| !lp.elements(r).is_empty())),
            (_, Some(f)) => Some(Bitmap::from_fn(len, |r| {
                lp.elements(r).iter().any(|c| f(*c))
            })),
            _ => None,
        };
        if let Some(b) = b {
            out.or_assign(&b);
        }
    }
    for (row, cell) in &column.other {
        out.set(*row as usize, cell_matches(cell, test, fold));
    }
    out
}

/// The semantics for one value, used for values that no typed part holds.
pub(crate) fn cell_matches(cell: &Cell, test: &FieldTest, fold: bool) -> bool {
    match cell {
        Cell::Object { empty } => !*empty && matches!(test, FieldTest::IsSet),
        Cell::Value(v) => value_matches(v, test, fold),
    }
}

fn folded(s: &str, fold: bool) -> std::borrow::Cow<'_, str> {
    if fold {
        std::borrow::Cow::Owned(crate::text::fold(s))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

fn scalar_eq(v: &Value, s: &Scalar, fold: bool) -> bool {
    match (v, s) {
        (Value::Number(a), Scalar::Num(b)) => a == b,
        (Value::Bool(a), Scalar::Bool(b)) => a == b,
        (Value::Text(a), Scalar::Text(b)) => *folded(a, fold) == **b,
        _ => false,
    }
}

fn value_matches(v: &Value, test: &FieldTest, fold: bool) -> bool {
    match (v, test) {
        (_, FieldTest::IsSet) => !v.is_empty(),
        (Value::List(items), FieldTest::In(ops)) => items
            .iter()
            .any(|i| ops.iter().any(|o| scalar_eq(i, o, fold))),
        (Value::List(items), FieldTest::Contains(s)) => items.iter().any(|i| scalar_eq(i, s, fold)),
        (Value::List(_), _) => false,
        (_, FieldTest::Eq(s)) => scalar_eq(v, s, fold),
        (_, FieldTest::In(ops)) => ops.iter().any(|o| scalar_eq(v, o, fold)),
        (Value::Number(a), FieldTest::Cmp(c, Scalar::Num(b))) => c.holds(a, b),
        (Value::Text(a), FieldTest::Cmp(c, Scalar::Text(b))) => {
            c.holds(&*folded(a, fold), b.as_str())
        }
        (Value::Number(a), FieldTest::Between(Scalar::Num(lo), Scalar::Num(hi))) => {
            lo <= a && a <= hi
        }
        (Value::Text(a), FieldTest::Between(Scalar::Text(lo), Scalar::Text(hi))) => {
            let a = folded(a, fold);
            lo.as_str() <= &*a && &*a <= hi.as_str()
        }
        (Value::Text(a), FieldTest::Contains(Scalar::Text(s))) => {
            folded(a, fold).contains(s.as_str())
        }
        (Value::Text(a), FieldTest::StartsWith(s)) => folded(a, fold).starts_with(s.as_str()),
        (Value::Text(a), FieldTest::EndsWith(s)) => folded(a, fold).ends_with(s.as_str()),
        (Value::Text(a), FieldTest::Matches(re)) => re.is_match(&folded(a, fold)),
        _ => false,
    }
}
