//! Reading `{"type": "…", …}` documents (internally tagged enums) without losing where an error
//! is, and without accepting unknown keys.
//!
//! serde's derived internally tagged enums buffer their input, which hides the JSON path of any
//! error inside them and cannot deny unknown fields. [`tagged_enum!`] keeps the public enum
//! internally tagged (for serialising and the JSON Schema) and reads it through a private,
//! externally tagged twin with `deny_unknown_fields`; nested paths travel up inside the error
//! message, marked, and [`crate::error`] splices them into the reported JSON pointer.

use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

const MARK: char = '\u{1}';

/// Wraps a message with the JSON pointer (relative to the current value) where it arose.
pub(crate) fn encode(path: &str, message: &str) -> String {
    format!("{MARK}{path}{MARK}{message}")
}

/// Splits a message made by [`encode`] into (relative pointer, message).
pub(crate) fn decode(message: &str) -> (&str, &str) {
    message
        .strip_prefix(MARK)
        .and_then(|rest| rest.split_once(MARK))
        .unwrap_or(("", message))
}

/// Reads an internally tagged enum through its externally tagged twin `R`.
pub(crate) fn deserialize<'de, D, R>(d: D, tag: &'static str) -> Result<R, D::Error>
where
    D: Deserializer<'de>,
    R: DeserializeOwned,
{
    let map = Map::<String, Value>::deserialize(d)?;
    from_map(map, tag).map_err(|(path, msg)| D::Error::custom(encode(&path, &msg)))
}

/// Reads the twin `R` from an object holding the tag; errors are (relative pointer, message).
pub(crate) fn from_map<R: DeserializeOwned>(
    mut map: Map<String, Value>,
    tag: &str,
) -> Result<R, (String, String)> {
    let variant = match map.remove(tag) {
        Some(Value::String(s)) => s,
        Some(other) => {
            return Err((
                format!("/{tag}"),
                format!("`{tag}` must be a string, not {other}"),
            ))
        }
        None => return Err((String::new(), format!("missing field `{tag}`"))),
    };
    let mut outer = Map::new();
    outer.insert(variant, Value::Object(map));
    serde_path_to_error::deserialize::<_, R>(Value::Object(outer)).map_err(|e| {
        let mut path = crate::error::pointer(e.path());
        let full = e.into_inner().to_string();
        let (deeper, msg) = decode(&full);
        path.push_str(deeper);
        if path.is_empty() && msg.starts_with("unknown variant") {
            path = format!("/{tag}");
        }
        (path, msg.to_owned())
    })
}

/// Takes a key out of an object and reads it as `T` (absent → `null`).
pub(crate) fn take<T: DeserializeOwned>(
    map: &mut Map<String, Value>,
    key: &str,
) -> Result<T, (String, String)> {
    let value = map.remove(key).unwrap_or(Value::Null);
    let present = !value.is_null();
    serde_json::from_value(value).map_err(|e| {
        let msg = if present {
            e.to_string()
        } else {
            format!("missing field `{key}`")
        };
        (
            if present {
                format!("/{key}")
            } else {
                String::new()
            },
            msg,
        )
    })
}

/// Declares an internally tagged public enum read through an externally tagged twin.
///
/// Variants are `Name(binding: Type)` or `Name { fields }` (use `Name {}` for no fields).
macro_rules! tagged_enum {
    (
        tag = $tag:literal, repr = $repr:ident;
        $(#[$eattr:meta])*
        pub enum $name:ident {
            $(
                $(#[$vattr:meta])*
                $variant:ident
                $( ( $bind:ident : $inner:ty ) )?
                $( { $( $(#[$fattr:meta])* $field:ident : $fty:ty ),* $(,)? } )?
            ),* $(,)?
        }
    ) => {
        #[derive(serde::Serialize)]
        #[serde(tag = $tag, rename_all = "snake_case")]
        $(#[$eattr])*
        pub enum $name {
            $(
                $(#[$vattr])*
                $variant $( ($inner) )? $( { $( $(#[$fattr])* $field : $fty ),* } )?
            ),*
        }

        #[derive(serde::Deserialize)]
        #[serde(rename_all = "snake_case", deny_unknown_fields)]
        #[allow(clippy::large_enum_variant)]
        enum $repr {
            $(
                $(#[$vattr])*
                $variant $( ($inner) )? $( { $( $(#[$fattr])* $field : $fty ),* } )?
            ),*
        }

        impl From<$repr> for $name {
            fn from(r: $repr) -> Self {
                match r {
                    $(
                        $repr::$variant $( ($bind) )? $( { $($field),* } )?
                            => $name::$variant $( ($bind) )? $( { $($field),* } )?
                    ),*
                }
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                crate::tagged::deserialize::<D, $repr>(d, $tag).map(Into::into)
            }
        }
    };
}

pub(crate) use tagged_enum;
