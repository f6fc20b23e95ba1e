//! A fixed-length set of row indexes, stored as 64-bit words.

use std::fmt;

/// A set of rows of a [`ContactTable`](super::ContactTable): bit `i` is set when row `i` is in
/// the set. Bits past [`len`](Bitmap::len) are always zero.
///
/// ```
/// use sequenza::condition::bulk::Bitmap;
/// let mut b = Bitmap::new(130);
/// b.insert(3);
/// b.insert(129);
/// assert_eq!(b.count(), 2);
/// assert_eq!(b.iter().collect::<Vec<_>>(), vec![3, 129]);
/// let all = b.not();
/// assert_eq!(all.count(), 128);
/// assert!(!all.contains(3));
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Bitmap {
    words: Vec<u64>,
    len: usize,
}

impl fmt::Debug for Bitmap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Bitmap")
            .field("len", &self.len)
            .field("count", &self.count())
            .finish()
    }
}

pub(crate) fn words_for(len: usize) -> usize {
    len.div_ceil(64)
}

/// One bit per element of `data`, 64 elements at a time (the inner loop vectorises).
#[inline]
pub(crate) fn bits_of<T: Copy>(data: &[T], len: usize, f: impl Fn(T) -> bool) -> Bitmap {
    let mut words = Vec::with_capacity(words_for(len));
    for chunk in data.chunks(64) {
        let mut w = 0u64;
        for (j, v) in chunk.iter().enumerate() {
            w |= u64::from(f(*v)) << j;
        }
        words.push(w);
    }
    Bitmap::from_words(words, len)
}

impl Bitmap {
    /// An empty set over `len` rows.
    pub fn new(len: usize) -> Self {
        Bitmap {
            words: vec![0; words_for(len)],
            len,
        }
    }

    /// The set of all `len` rows.
    pub fn full(len: usize) -> Self {
        let mut b = Bitmap {
            words: vec![u64::MAX; words_for(len)],
            len,
        };
        b.clear_tail();
        b
    }

    /// The set of the given rows (rows at or past `len` are ignored).
    ///
    /// ```
    /// use sequenza::condition::bulk::Bitmap;
    /// let b = Bitmap::from_rows(10, [1, 4, 99]);
    /// assert_eq!(b.iter().collect::<Vec<_>>(), vec![1, 4]);
    /// ```
    pub fn from_rows(len: usize, rows: impl IntoIterator<Item = usize>) -> Self {
        let mut b = Bitmap::new(len);
        for r in rows {
            b.insert(r);
        }
        b
    }

    pub(crate) fn from_words(mut words: Vec<u64>, len: usize) -> Self {
        words.resize(words_for(len), 0);
        let mut b = Bitmap { words, len };
        b.clear_tail();
        b
    }

    /// Builds the set from a predicate on row indexes, 64 rows at a time.
    pub(crate) fn from_fn(len: usize, mut f: impl FnMut(usize) -> bool) -> Self {
        let mut words = vec![0u64; words_for(len)];
        for (w, word) in words.iter_mut().enumerate() {
            let base = w * 64;
            let end = (base + 64).min(len);
            let mut bits = 0u64;
            for i in base..end {
                bits |= (f(i) as u64) << (i - base);
            }
            *word = bits;
        }
        Bitmap { words, len }
    }

    fn clear_tail(&mut self) {
        let rem = self.len % 64;
        if rem != 0 {
            if let Some(last) = self.words.last_mut() {
                *last &= (1u64 << rem) - 1;
            }
        }
    }

    /// The number of rows the set is over (not the number of members: see [`count`](Self::count)).
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when the set is over zero rows.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The set as 64-bit words, row `r` at bit `r % 64` of word `r / 64` (Arrow's validity and
    /// boolean layout on little-endian machines); bits past [`len`](Self::len) are zero.
    ///
    /// ```
    /// use sequenza::condition::bulk::Bitmap;
    /// assert_eq!(Bitmap::from_rows(70, [0, 65]).words(), &[1, 2]);
    /// ```
    pub fn words(&self) -> &[u64] {
        &self.words
    }

    /// The number of rows in the set.
    pub fn count(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// True when no row is in the set.
    pub fn none(&self) -> bool {
        self.words.iter().all(|w| *w == 0)
    }

    /// True when `row` is in the set.
    pub fn contains(&self, row: usize) -> bool {
        self.words
            .get(row / 64)
            .is_some_and(|w| w & (1u64 << (row % 64)) != 0)
    }

    /// Adds `row` (ignored when `row >= len`).
    pub fn insert(&mut self, row: usize) {
        if row < self.len {
            if let Some(w) = self.words.get_mut(row / 64) {
                *w |= 1u64 << (row % 64);
            }
        }
    }

    /// Removes `row`.
    pub fn remove(&mut self, row: usize) {
        if let Some(w) = self.words.get_mut(row / 64) {
            *w &= !(1u64 << (row % 64));
        }
    }

    /// Sets or clears `row`.
    pub fn set(&mut self, row: usize, value: bool) {
        if value {
            self.insert(row);
        } else {
            self.remove(row);
        }
    }

    /// The rows in the set, in increasing order.
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            words: &self.words,
            index: 0,
            current: self.words.first().copied().unwrap_or(0),
        }
    }

    /// The complement: every row not in the set.
    pub fn not(&self) -> Bitmap {
        let mut b = Bitmap {
            words: self.words.iter().map(|w| !w).collect(),
            len: self.len,
        };
        b.clear_tail();
        b
    }

    /// The rows in both sets (the shorter length wins).
    pub fn and(&self, other: &Bitmap) -> Bitmap {
        let mut b = self.clone();
        b.and_assign(other);
        b
    }

    /// The rows in either set.
    pub fn or(&self, other: &Bitmap) -> Bitmap {
        let mut b = self.clone();
        b.or_assign(other);
        b
    }

    /// The rows in `self` but not in `other`.
    pub fn and_not(&self, other: &Bitmap) -> Bitmap {
        let mut b = self.clone();
        b.and_not_assign(other);
        b
    }

    /// Keeps only the rows also in `other`.
    pub fn and_assign(&mut self, other: &Bitmap) {
        for (i, w) in self.words.iter_mut().enumerate() {
            *w &= other.words.get(i).copied().unwrap_or(0);
        }
    }

    /// Adds the rows of `other`.
    pub fn or_assign(&mut self, other: &Bitmap) {
        for (w, o) in self.words.iter_mut().zip(&other.words) {
            *w |= o;
        }
        self.clear_tail();
    }

    /// Removes the rows of `other`.
    pub fn and_not_assign(&mut self, other: &Bitmap) {
        for (w, o) in self.words.iter_mut().zip(&other.words) {
            *w &= !o;
        }
    }

    /// Flips every row in place.
    pub(crate) fn not_assign(&mut self) {
        for w in &mut self.words {
            *w = !*w;
        }
        self.clear_tail();
    }

    /// The number of members among rows `start..end`.
    #[inline]
    pub(crate) fn count_range(&self, start: usize, end: usize) -> usize {
        if start >= end {
            return 0;
        }
        let (sw, ew) = (start / 64, (end - 1) / 64);
        let first = u64::MAX << (start % 64);
        let last = u64::MAX >> (63 - (end - 1) % 64);
        let word = |i: usize| self.words.get(i).copied().unwrap_or(0);
        if sw == ew {
            return (word(sw) & first & last).count_ones() as usize;
        }
        let mut n = (word(sw) & first).count_ones() + (word(ew) & last).count_ones();
        if let Some(mid) = self.words.get(sw + 1..ew) {
            n += mid.iter().map(|w| w.count_ones()).sum::<u32>();
        }
        n as usize
    }

    /// The row ids (contact ids) of the members, in row order.
    ///
    /// ```
    /// use sequenza::condition::bulk::{Bitmap, ContactTable};
    /// let table = ContactTable::builder(vec!["a", "b", "c"]).build()?;
    /// let b = Bitmap::from_rows(3, [0, 2]);
    /// let ids: Vec<&str> = b.ids(&table).map(|id| id.as_str()).collect();
    /// assert_eq!(ids, vec!["a", "c"]);
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn ids<'a>(
        &'a self,
        table: &'a super::ContactTable,
    ) -> impl Iterator<Item = &'a crate::model::ContactId> + 'a {
        self.iter().filter_map(|r| table.ids().get(r))
    }
}

/// The rows of a [`Bitmap`], in increasing order.
#[derive(Debug, Clone)]
pub struct Iter<'a> {
    words: &'a [u64],
    index: usize,
    current: u64,
}

impl Iterator for Iter<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        loop {
            if self.current != 0 {
                let bit = self.current.trailing_zeros() as usize;
                self.current &= self.current - 1;
                return Some(self.index * 64 + bit);
            }
            self.index += 1;
            self.current = *self.words.get(self.index)?;
        }
    }
}

impl<'a> IntoIterator for &'a Bitmap {
    type Item = usize;
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn count_range_matches_naive() {
        let b = Bitmap::from_fn(300, |i| i % 3 == 0 || i % 7 == 0);
        for (s, e) in [(0, 300), (5, 70), (63, 65), (64, 128), (100, 100), (1, 299)] {
            let naive = (s..e).filter(|i| b.contains(*i)).count();
            assert_eq!(b.count_range(s, e), naive, "{s}..{e}");
        }
    }

    #[test]
    fn tail_stays_clear() {
        let b = Bitmap::full(65);
        assert_eq!(b.count(), 65);
        assert_eq!(b.not().count(), 0);
        assert_eq!(Bitmap::new(65).not().count(), 65);
    }
}
