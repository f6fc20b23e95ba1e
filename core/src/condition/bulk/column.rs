//! Typed columns: one per field (or event property), split into parts by JSON type so that the
//! value of every row keeps its own type (the semantics compare by the value's type, not the
//! declared one).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

use super::bitmap::Bitmap;
use super::dates::{self, Moment, NO_DAY, NO_SECS};
use crate::model::{FieldType, Value};

/// A small, fast, non-cryptographic hasher for interning (FxHash).
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut a = [0u8; 8];
            a.copy_from_slice(c);
            self.add(u64::from_le_bytes(a));
        }
        for b in chunks.remainder() {
            self.add(u64::from(*b));
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    fn finish(&self) -> u64 {
        // fmix64 (MurmurHash3): the multiply above only spreads bits upwards, and the table
        // indexes buckets by the low bits.
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
}

impl FxHasher {
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

pub(crate) type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// A value that the typed parts cannot hold: a list with a non-text element, or (for event
/// properties) a JSON object.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    /// A field value.
    Value(Value),
    /// A JSON object (or a number `f64` cannot hold): equals nothing; `empty` for `{}`.
    Object {
        /// True for `{}`.
        empty: bool,
    },
}

#[derive(Debug, Clone)]
pub(crate) struct NumPart {
    /// NaN where the row holds no number.
    pub(crate) values: Vec<f64>,
    pub(crate) valid: Bitmap,
}

#[derive(Debug, Clone)]
pub(crate) struct BoolPart {
    pub(crate) trues: Bitmap,
    pub(crate) falses: Bitmap,
}

/// Text interned into a sorted dictionary: code `i + 1` is `dict[i]`; code 0 is "no text".
/// Code order is byte order, so ordering tests and prefixes become code ranges.
#[derive(Debug)]
pub(crate) struct Dict {
    pub(crate) entries: Vec<Box<str>>,
    folded: OnceLock<Folded>,
    moments: OnceLock<Vec<Option<Moment>>>,
}

/// The dictionary folded ([`crate::text::fold`]): sorted distinct folded texts, and for each
/// dictionary entry the index of its folded text.
#[derive(Debug)]
pub(crate) struct Folded {
    pub(crate) entries: Vec<Box<str>>,
    pub(crate) of: Vec<u32>,
}

impl Dict {
    fn new(entries: Vec<Box<str>>) -> Self {
        Dict {
            entries,
            folded: OnceLock::new(),
            moments: OnceLock::new(),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// The code of a text, if present.
    pub(crate) fn code(&self, s: &str) -> Option<u32> {
        self.entries
            .binary_search_by(|e| (**e).cmp(s))
            .ok()
            .map(|i| i as u32 + 1)
    }

    /// The number of entries that sort before `s` (or, with `inclusive`, at or before it).
    pub(crate) fn rank(&self, s: &str, inclusive: bool) -> u32 {
        if inclusive {
            self.entries.partition_point(|e| **e <= *s) as u32
        } else {
            self.entries.partition_point(|e| **e < *s) as u32
        }
    }

    /// Codes of the entries that start with `prefix`, as an inclusive range (empty: lo > hi).
    pub(crate) fn prefix_range(&self, prefix: &str) -> (u32, u32) {
        let start = self.entries.partition_point(|e| **e < *prefix);
        let len = self
            .entries
            .get(start..)
            .map_or(0, |rest| rest.partition_point(|e| e.starts_with(prefix)));
        (start as u32 + 1, (start + len) as u32)
    }

    /// A lookup table by code: `table[code]` is `pred(text)`; `table[0]` is false.
    pub(crate) fn table(&self, mut pred: impl FnMut(u32, &str) -> bool) -> Vec<bool> {
        let mut t = Vec::with_capacity(self.entries.len() + 1);
        t.push(false);
        for (i, e) in self.entries.iter().enumerate() {
            t.push(pred(i as u32, e));
        }
        t
    }

    pub(crate) fn folded(&self) -> &Folded {
        self.folded.get_or_init(|| {
            let folded: Vec<String> = self.entries.iter().map(|e| crate::text::fold(e)).collect();
            let mut sorted: Vec<&str> = folded.iter().map(String::as_str).collect();
            sorted.sort_unstable();
            sorted.dedup();
            let of = folded
                .iter()
                .map(|f| sorted.partition_point(|s| *s < f.as_str()) as u32)
                .collect();
            Folded {
                entries: sorted.into_iter().map(Box::from).collect(),
                of,
            }
        })
    }

    /// Each entry read as a date ([`dates::parse_moment`]), by entry index.
    pub(crate) fn moments(&self) -> &[Option<Moment>] {
        self.moments.get_or_init(|| {
            self.entries
                .iter()
                .map(|e| dates::parse_moment(e))
                .collect()
        })
    }
}

#[derive(Debug)]
pub(crate) struct TextPart {
    /// Per row: 0 when the row holds no text.
    pub(crate) codes: Vec<u32>,
}

#[derive(Debug)]
pub(crate) struct ListPart {
    /// CSR offsets, one more than rows.
    pub(crate) offsets: Vec<u32>,
    /// Element codes into the column's dictionary.
    pub(crate) codes: Vec<u32>,
}

impl ListPart {
    pub(crate) fn elements(&self, row: usize) -> &[u32] {
        let s = self.offsets.get(row).copied().unwrap_or(0) as usize;
        let e = self.offsets.get(row + 1).copied().unwrap_or(0) as usize;
        self.codes.get(s..e).unwrap_or(&[])
    }
}

/// Per-row date readings of a column's text, derived from the dictionary.
#[derive(Debug)]
pub(crate) struct TimePart {
    /// Day numbers of `YYYY-MM-DD` values ([`NO_DAY`] elsewhere); empty when there are none.
    pub(crate) days: Vec<i32>,
    /// Seconds of RFC 3339 values ([`NO_SECS`] elsewhere); empty when there are none.
    pub(crate) secs: Vec<i64>,
    /// Sub-second nanoseconds, only when some RFC 3339 value has them.
    pub(crate) nanos: Option<Vec<u32>>,
}

/// One column: the value of every row, split by JSON type.
#[derive(Debug)]
pub(crate) struct Column {
    pub(crate) len: usize,
    pub(crate) declared: Option<FieldType>,
    pub(crate) num: Option<NumPart>,
    pub(crate) bools: Option<BoolPart>,
    pub(crate) text: Option<TextPart>,
    pub(crate) list: Option<ListPart>,
    pub(crate) dict: Dict,
    /// Rows whose value fits no part, sorted by row.
    pub(crate) other: Vec<(u32, Cell)>,
    times: OnceLock<TimePart>,
}

impl Column {
    /// A column where every row is missing.
    pub(crate) fn empty(len: usize, declared: Option<FieldType>) -> Self {
        ColumnBuilder::new(len, declared).finish()
    }

    /// Date readings of the text part, computed on first use.
    pub(crate) fn times(&self) -> &TimePart {
        self.times.get_or_init(|| {
            let moments = self.dict.moments();
            let mut days_at = Vec::with_capacity(moments.len() + 1);
            let mut secs_at = Vec::with_capacity(moments.len() + 1);
            let mut nanos_at = Vec::with_capacity(moments.len() + 1);
            days_at.push(NO_DAY);
            secs_at.push(NO_SECS);
            nanos_at.push(0u32);
            for m in moments {
                match m {
                    Some(Moment::Day(d)) => {
                        days_at.push(dates::day_number(*d));
                        secs_at.push(NO_SECS);
                        nanos_at.push(0);
                    }
                    Some(Moment::At(t)) => {
                        let i = dates::Instant::of(*t);
                        days_at.push(NO_DAY);
                        secs_at.push(i.secs);
                        nanos_at.push(i.nanos);
                    }
                    None => {
                        days_at.push(NO_DAY);
                        secs_at.push(NO_SECS);
                        nanos_at.push(0);
                    }
                }
            }
            let Some(text) = &self.text else {
                return TimePart {
                    days: Vec::new(),
                    secs: Vec::new(),
                    nanos: None,
                };
            };
            let gather_days = days_at.iter().any(|d| *d != NO_DAY);
            let gather_secs = secs_at.iter().any(|s| *s != NO_SECS);
            let gather_nanos = nanos_at.iter().any(|n| *n != 0);
            let pick = |table: &[i32]| -> Vec<i32> {
                text.codes
                    .iter()
                    .map(|c| table.get(*c as usize).copied().unwrap_or(NO_DAY))
                    .collect()
            };
            TimePart {
                days: if gather_days {
                    pick(&days_at)
                } else {
                    Vec::new()
                },
                secs: if gather_secs {
                    text.codes
                        .iter()
                        .map(|c| secs_at.get(*c as usize).copied().unwrap_or(NO_SECS))
                        .collect()
                } else {
                    Vec::new()
                },
                nanos: gather_nanos.then(|| {
                    text.codes
                        .iter()
                        .map(|c| nanos_at.get(*c as usize).copied().unwrap_or(0))
                        .collect()
                }),
            }
        })
    }
}

/// Builds a [`Column`] row by row (rows may come in any order, each at most once).
#[derive(Debug)]
pub(crate) struct ColumnBuilder {
    len: usize,
    declared: Option<FieldType>,
    num: Option<NumPart>,
    bools: Option<BoolPart>,
    text: Option<Vec<u32>>,
    list: Vec<(u32, Vec<u32>)>,
    list_valid: Option<Bitmap>,
    intern: FxMap<Box<str>, u32>,
    entries: Vec<Box<str>>,
    other: Vec<(u32, Cell)>,
}

impl ColumnBuilder {
    pub(crate) fn new(len: usize, declared: Option<FieldType>) -> Self {
        ColumnBuilder {
            len,
            declared,
            num: None,
            bools: None,
            text: None,
            list: Vec::new(),
            list_valid: None,
            intern: FxMap::default(),
            entries: Vec::new(),
            other: Vec::new(),
        }
    }

    fn intern(&mut self, s: &str) -> u32 {
        if let Some(c) = self.intern.get(s) {
            return *c;
        }
        let c = self.entries.len() as u32 + 1;
        let b: Box<str> = Box::from(s);
        self.entries.push(b.clone());
        self.intern.insert(b, c);
        c
    }

    /// The text of every row at once: `entries` sorted and distinct, a code per row (`0`: no
    /// text; code `i + 1` is `entries[i]`). Only on a builder that holds no text yet.
    pub(crate) fn sorted_texts(&mut self, entries: Vec<Box<str>>, codes: Vec<u32>) {
        if self.entries.is_empty() && codes.len() == self.len {
            self.entries = entries;
            self.text = Some(codes);
        }
    }

    pub(crate) fn number(&mut self, row: usize, v: f64) {
        let len = self.len;
        let part = self.num.get_or_insert_with(|| NumPart {
            values: vec![f64::NAN; len],
            valid: Bitmap::new(len),
        });
        if let Some(slot) = part.values.get_mut(row) {
            *slot = v;
            part.valid.insert(row);
        }
    }

    pub(crate) fn boolean(&mut self, row: usize, v: bool) {
        let len = self.len;
        let part = self.bools.get_or_insert_with(|| BoolPart {
            trues: Bitmap::new(len),
            falses: Bitmap::new(len),
        });
        if v {
            part.trues.insert(row);
        } else {
            part.falses.insert(row);
        }
    }

    pub(crate) fn text(&mut self, row: usize, s: &str) {
        let c = self.intern(s);
        let len = self.len;
        if let Some(slot) = self.text.get_or_insert_with(|| vec![0; len]).get_mut(row) {
            *slot = c;
        }
    }

    pub(crate) fn text_list<S: AsRef<str>>(&mut self, row: usize, items: &[S]) {
        let codes = items.iter().map(|s| self.intern(s.as_ref())).collect();
        self.list.push((row as u32, codes));
        let len = self.len;
        self.list_valid
            .get_or_insert_with(|| Bitmap::new(len))
            .insert(row);
    }

    pub(crate) fn cell(&mut self, row: usize, cell: Cell) {
        if row < self.len {
            self.other.push((row as u32, cell));
        }
    }

    /// Stores a field value in the part of its JSON type.
    pub(crate) fn value(&mut self, row: usize, v: &Value) {
        match v {
            Value::Null => {}
            Value::Bool(b) => self.boolean(row, *b),
            Value::Number(n) => self.number(row, *n),
            Value::Text(s) => self.text(row, s),
            Value::List(items) => {
                let texts: Option<Vec<&str>> = items
                    .iter()
                    .map(|i| match i {
                        Value::Text(s) => Some(s.as_str()),
                        _ => None,
                    })
                    .collect();
                match texts {
                    Some(t) => self.text_list(row, &t),
                    None => self.cell(row, Cell::Value(v.clone())),
                }
            }
        }
    }

    /// Stores an event property (JSON) value.
    pub(crate) fn json(&mut self, row: usize, v: &serde_json::Value) {
        use serde_json::Value as J;
        match v {
            J::Null => {}
            J::Bool(b) => self.boolean(row, *b),
            J::Number(n) => match n.as_f64() {
                Some(f) => self.number(row, f),
                None => self.cell(row, Cell::Object { empty: false }),
            },
            J::String(s) => self.text(row, s),
            J::Array(items) => {
                let items = items.iter().map(json_value).collect();
                self.value(row, &Value::List(items));
            }
            J::Object(o) => self.cell(
                row,
                Cell::Object {
                    empty: o.is_empty(),
                },
            ),
        }
    }

    pub(crate) fn finish(self) -> Column {
        // Sort the dictionary so that code order is byte order.
        let mut order: Vec<u32> = (0..self.entries.len() as u32).collect();
        order.sort_unstable_by(|a, b| {
            let ea = self.entries.get(*a as usize);
            let eb = self.entries.get(*b as usize);
            ea.cmp(&eb)
        });
        let mut remap = vec![0u32; self.entries.len() + 1];
        for (new, old) in order.iter().enumerate() {
            if let Some(slot) = remap.get_mut(*old as usize + 1) {
                *slot = new as u32 + 1;
            }
        }
        let mut entries = self.entries;
        let mut sorted: Vec<Box<str>> = Vec::with_capacity(entries.len());
        for old in &order {
            if let Some(e) = entries.get_mut(*old as usize) {
                sorted.push(std::mem::take(e));
            }
        }
        let re = |c: u32| remap.get(c as usize).copied().unwrap_or(0);
        let text = self.text.map(|mut codes| {
            for c in &mut codes {
                *c = re(*c);
            }
            TextPart { codes }
        });
        let list = self.list_valid.map(|valid| {
            let mut lists = self.list;
            lists.sort_by_key(|(r, _)| *r);
            let mut offsets = Vec::with_capacity(self.len + 1);
            let mut codes = Vec::new();
            let mut it = lists.into_iter().peekable();
            offsets.push(0u32);
            for row in 0..self.len as u32 {
                while let Some((_, items)) = it.next_if(|(r, _)| *r == row) {
                    codes.extend(items.into_iter().map(re));
                }
                offsets.push(codes.len() as u32);
            }
            let _ = valid;
            ListPart { offsets, codes }
        });
        let mut other = self.other;
        other.sort_by_key(|(r, _)| *r);
        let column = Column {
            len: self.len,
            declared: self.declared,
            num: self.num,
            bools: self.bools,
            text,
            list,
            dict: Dict::new(sorted),
            other,
            times: OnceLock::new(),
        };
        if matches!(
            column.declared,
            Some(FieldType::Date) | Some(FieldType::DateTime)
        ) {
            column.times();
        }
        column
    }
}

/// A JSON value as a field value; objects (which equal nothing) become `null`, which also
/// equals nothing, so list membership is unchanged.
fn json_value(v: &serde_json::Value) -> Value {
    use serde_json::Value as J;
    match v {
        J::Null | J::Object(_) => Value::Null,
        J::Bool(b) => Value::Bool(*b),
        J::Number(n) => n.as_f64().map_or(Value::Null, Value::Number),
        J::String(s) => Value::Text(s.clone()),
        J::Array(items) => Value::List(items.iter().map(json_value).collect()),
    }
}
