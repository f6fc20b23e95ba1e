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

/// Renames the top-level keys of an options object to snake_case (`quietHours` →
/// `quiet_hours`), for the core's reader of that document; nested keys (a mapping's column
/// names) stay as they are. Any other value is returned as it is.
///
/// ```
/// use serde_json::json;
/// let v = sequenza::text::snake_case_keys(json!({"quietHours": [], "mapping": {"E-mail": "email"}}));
/// assert_eq!(v, json!({"quiet_hours": [], "mapping": {"E-mail": "email"}}));
/// ```
pub fn snake_case_keys(value: serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(map) => {
            let snake = map.into_iter().map(|(k, v)| (snake_case(&k), v));
            serde_json::Value::Object(snake.collect())
        }
        other => other,
    }
}

/// How deeply JSON read by [`json_value`] may nest (objects and arrays): enough for a JsonLogic
/// rule nested past the evaluator's own limit ([`crate::jsonlogic::MAX_DEPTH`] operations of two
/// levels each) to be read and reported as `jsonlogic.too_deep`, and shallow enough that reading
/// cannot exhaust a small stack (WebAssembly's has no guard page).
pub const MAX_JSON_DEPTH: usize = 1024;

/// Reads JSON text of any kind (a rule, a data document) nesting up to [`MAX_JSON_DEPTH`]
/// levels, where serde_json alone stops at 128. Deeper text is the `format.syntax` error
/// serde_json gives past its own limit, with line and column.
///
/// ```
/// let deep = format!("{}1{}", "[".repeat(300), "]".repeat(300));
/// assert!(sequenza::text::json_value(&deep).is_ok());
/// let too_deep = format!("{}1{}", "[".repeat(2000), "]".repeat(2000));
/// assert_eq!(sequenza::text::json_value(&too_deep).unwrap_err().code(), "format.syntax");
/// ```
pub fn json_value(text: &str) -> crate::Result<serde_json::Value> {
    json_deep(text)
}

/// [`json_value`] for any type read from the text (it may borrow from it, as
/// `Vec<&serde_json::value::RawValue>` does: one pass over an array of documents).
///
/// ```
/// let items: Vec<&str> = sequenza::text::json_deep(r#"["a", "b"]"#)?;
/// assert_eq!(items, ["a", "b"]);
/// # Ok::<(), sequenza::Error>(())
/// ```
pub fn json_deep<'de, T: serde::Deserialize<'de>>(text: &'de str) -> crate::Result<T> {
    let depth = json_depth(text);
    if !(127..=MAX_JSON_DEPTH).contains(&depth) {
        return crate::error::from_json_any(text);
    }
    let bare = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut de = serde_json::Deserializer::from_str(bare);
    de.disable_recursion_limit();
    match T::deserialize(&mut de).and_then(|v| de.end().map(|()| v)) {
        Ok(value) => Ok(value),
        // The located error of the ordinary reader.
        Err(_) => crate::error::from_json_any(text),
    }
}

/// The nesting depth of JSON text (objects and arrays), counted without recursion.
fn json_depth(text: &str) -> usize {
    let (mut depth, mut deepest, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for b in text.bytes() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}
