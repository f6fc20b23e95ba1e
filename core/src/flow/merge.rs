//! Merge fields in message text: `{{ first_name }}`, `{{ first_name | "amico" }}`.
//!
//! A key is a profile field, a built-in attribute (`email`, `phone` …) or, prefixed with
//! `event.`, a property of the event that started the flow.

/// One merge field found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeField {
    /// The field key (`first_name`, `event.order_id`).
    pub key: String,
    /// The fallback used when the field is empty.
    pub fallback: Option<String>,
    /// Byte offset of the opening `{{`.
    pub offset: usize,
}

/// A malformed merge field (code `flow.merge_field.malformed`); as a [`crate::Error`] it is
/// [`Error::Merge`](crate::Error::Merge).
///
/// ```
/// use sequenza::flow::merge::parse_merge_fields;
/// let err = parse_merge_fields("Ciao {{ first_name").pop().unwrap().unwrap_err();
/// assert_eq!(err.offset, 5);
/// let err = sequenza::Error::from(err);
/// assert_eq!(err.code(), "flow.merge_field.malformed");
/// assert_eq!(err.location().byte_offset, Some(5));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeSyntaxError {
    /// Byte offset of the opening `{{`.
    pub offset: usize,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for MergeSyntaxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at byte {}", self.message, self.offset)
    }
}

impl std::error::Error for MergeSyntaxError {}

/// Finds the merge fields of a text; malformed ones are returned as errors, in order.
///
/// ```
/// use sequenza::flow::merge::parse_merge_fields;
/// let found = parse_merge_fields(r#"Ciao {{ first_name | "amico" }}, ordine {{event.order_id}}"#);
/// let keys: Vec<_> = found.iter().map(|r| r.as_ref().unwrap().key.as_str()).collect();
/// assert_eq!(keys, ["first_name", "event.order_id"]);
/// assert!(parse_merge_fields("Ciao {{ first_name").pop().unwrap().is_err());
/// ```
pub fn parse_merge_fields(text: &str) -> Vec<Result<MergeField, MergeSyntaxError>> {
    let mut out = Vec::new();
    let mut rest = 0;
    while let Some(found) = text.get(rest..).and_then(|t| t.find("{{")) {
        let offset = rest + found;
        let inner_start = offset + 2;
        let Some(close) = text.get(inner_start..).and_then(|t| t.find("}}")) else {
            out.push(Err(MergeSyntaxError {
                offset,
                message: "`{{` is never closed by `}}`".to_owned(),
            }));
            break;
        };
        let inner = text.get(inner_start..inner_start + close).unwrap_or("");
        out.push(parse_inner(inner, offset));
        rest = inner_start + close + 2;
    }
    out
}

fn parse_inner(inner: &str, offset: usize) -> Result<MergeField, MergeSyntaxError> {
    let err = |message: String| Err(MergeSyntaxError { offset, message });
    let (key, fallback) = match inner.split_once('|') {
        Some((k, f)) => (k.trim(), Some(f.trim())),
        None => (inner.trim(), None),
    };
    if key.is_empty() {
        return err("empty merge field `{{ }}`".to_owned());
    }
    let valid_key = key.split('.').all(|part| {
        let mut chars = part.chars();
        matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    });
    if !valid_key {
        return err(format!(
            "`{key}` is not a field name (letters, digits, `_`, `-` and `.`)"
        ));
    }
    let fallback = match fallback {
        None => None,
        Some(f) => {
            let quoted = f.len() >= 2
                && ((f.starts_with('"') && f.ends_with('"'))
                    || (f.starts_with('\'') && f.ends_with('\'')));
            if !quoted {
                return err(format!("the fallback of `{key}` must be quoted: `| \"…\"`"));
            }
            Some(f[1..f.len() - 1].to_owned())
        }
    };
    Ok(MergeField {
        key: key.to_owned(),
        fallback,
        offset,
    })
}
