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

/// `snake_case` → `camelCase` (`column_name` → `columnName`), for the JavaScript bindings.
///
/// ```
/// assert_eq!(sequenza::text::camel_case("byte_offset"), "byteOffset");
/// assert_eq!(sequenza::text::camel_case("rows"), "rows");
/// ```
pub fn camel_case(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    let mut upper = false;
    for ch in key.chars() {
        if ch == '_' {
            upper = true;
        } else if upper {
            out.extend(ch.to_uppercase());
            upper = false;
        } else {
            out.push(ch);
        }
    }
    out
}

/// `camelCase` → `snake_case` (`dateOrder` → `date_order`), for options named in camelCase by
/// the JavaScript bindings.
///
/// ```
/// assert_eq!(sequenza::text::snake_case("dateOrder"), "date_order");
/// assert_eq!(sequenza::text::snake_case("rows"), "rows");
/// ```
pub fn snake_case(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    for ch in key.chars() {
        if ch.is_ascii_uppercase() {
            out.push('_');
            out.push(ch.to_ascii_lowercase());
        } else {
            out.push(ch);
        }
    }
    out
}

/// Renames every object key of a JSON document to camelCase, at every depth — for documents
/// whose keys are all sequenza's own (an import report or preview), never for ones holding
/// user-named keys.
///
/// ```
/// use serde_json::json;
/// let v = sequenza::text::camel_case_keys(json!({"column_name": "E-mail", "rows": [{"bytes_read": 3}]}));
/// assert_eq!(v, json!({"columnName": "E-mail", "rows": [{"bytesRead": 3}]}));
/// ```
pub fn camel_case_keys(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (camel_case(&k), camel_case_keys(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(camel_case_keys).collect()),
        other => other,
    }
}
