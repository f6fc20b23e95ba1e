//! Text helpers shared by keyword matching and text conditions.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Folds text for case- and accent-insensitive comparison: Unicode decomposition, combining
/// marks dropped, lower-cased, runs of white space collapsed to one space, trimmed.
///
/// ```
/// use sequenza::text::fold;
/// assert_eq!(fold("  Caffè   GRATIS "), "caffe gratis");
/// assert_eq!(fold("ÉTÉ"), fold("ete"));
/// ```
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.nfd().filter(|c| !is_combining_mark(*c)) {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// 1-based line and column (in characters) of a byte offset in `text`.
///
/// ```
/// assert_eq!(sequenza::text::line_column("ab\ncd", 4), (2, 2));
/// ```
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}
