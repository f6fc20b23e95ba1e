//! Core errors as JS `Error` objects: one `name` per error kind, with `code` and location.
//!
//! | core error | `name` | properties |
//! |---|---|---|
//! | `Error::Format` | `FlowFormatError` | `code`, `path`, `line`, `column` |
//! | `Error::Parse` | `ConditionSyntaxError` | `code`, `path` (`null`), `line`, `column`, `expected`, `found` |
//! | `Error::Condition` | `ConditionError` | `code`, `path`, `line` / `column` / `expected` (`null`) |
//! | `JsonLogicError` | `JsonLogicError` | `code`, `path`, `line` / `column` / `expected` (`null`) |
//! | `Error::Time` | `TimeError` | `code`, `path`, `line` / `column` (`null`) |
//! | `Error::List` | `ListError` | `code`, `path`, `line` / `column` (`null`) |
//! | `Error::Import` | `CsvImportError` | `code`, `row`, `column`, `columnName`, `byteOffset` (`null` when unknown), `path` / `line` (`null`) |
//! | another kind | `SequenzaError` | `code`, `path`, `line`, `column` (`null` when unknown) |

use napi::bindgen_prelude::{JsObjectValue, JsValue, Null, Object};
use napi::{Env, Error, Result, Status};

/// Maps a core error to a JS `Error` carrying its code and location.
pub(crate) fn core_error(env: &Env, err: &sequenza::Error) -> Error {
    let built = match err {
        sequenza::Error::Format(f) => js_error(
            env,
            "FlowFormatError",
            &f.to_string(),
            &[
                ("code", Prop::Str(f.code.as_str())),
                ("path", Prop::Str(&f.path)),
                ("line", Prop::Num(f.line)),
                ("column", Prop::Num(f.column)),
            ],
        ),
        sequenza::Error::Parse(p) => js_error(
            env,
            "ConditionSyntaxError",
            &p.to_string(),
            &[
                ("code", Prop::Str(p.code.as_str())),
                ("path", Prop::Null),
                ("line", Prop::Num(p.line)),
                ("column", Prop::Num(p.column)),
                ("expected", Prop::List(&p.expected)),
                ("found", Prop::Str(&p.found)),
            ],
        ),
        sequenza::Error::Condition(c) => js_error(
            env,
            "ConditionError",
            &c.to_string(),
            &[
                ("code", Prop::Str(c.code.as_str())),
                ("path", Prop::Str(&c.path)),
                ("line", Prop::Null),
                ("column", Prop::Null),
                ("expected", Prop::Null),
            ],
        ),
        sequenza::Error::Time(t) => js_error(
            env,
            "TimeError",
            &t.to_string(),
            &[
                ("code", Prop::Str(t.code.as_str())),
                ("path", Prop::Str(&t.path)),
                ("line", Prop::Null),
                ("column", Prop::Null),
            ],
        ),
        sequenza::Error::List(l) => js_error(
            env,
            "ListError",
            &l.to_string(),
            &[
                ("code", Prop::Str(l.code.as_str())),
                ("path", Prop::Str(&l.path)),
                ("line", Prop::Null),
                ("column", Prop::Null),
            ],
        ),
        sequenza::Error::Import(i) => {
            let opt_num = |n: Option<u64>| n.map_or(Prop::Null, Prop::Big);
            js_error(
                env,
                "CsvImportError",
                &i.to_string(),
                &[
                    ("code", Prop::Str(i.code)),
                    ("row", opt_num(i.row)),
                    ("column", i.column.map_or(Prop::Null, Prop::Num)),
                    (
                        "columnName",
                        i.column_name.as_deref().map_or(Prop::Null, Prop::Str),
                    ),
                    ("byteOffset", opt_num(i.offset)),
                    ("path", Prop::Null),
                    ("line", Prop::Null),
                ],
            )
        }
        // `sequenza::Error` is non-exhaustive: a future kind maps to the base name with its code
        // and location.
        other => {
            let (line, column) = other
                .line_column()
                .map_or((Prop::Null, Prop::Null), |(l, c)| {
                    (Prop::Num(l), Prop::Num(c))
                });
            js_error(
                env,
                "SequenzaError",
                &other.to_string(),
                &[
                    ("code", Prop::Str(other.code())),
                    ("path", other.path().map_or(Prop::Null, Prop::Str)),
                    ("line", line),
                    ("column", column),
                ],
            )
        }
    };
    built.unwrap_or_else(|e| e)
}

/// Like [`core_error`], for a document read as element of a larger input (the `i`-th contact of
/// an array): a format error's JSON pointer gets `prefix` in front.
pub(crate) fn core_error_in(env: &Env, err: sequenza::Error, prefix: &str) -> Error {
    let err = match err {
        sequenza::Error::Format(mut f) => {
            f.path = format!("{prefix}{}", f.path);
            sequenza::Error::Format(f)
        }
        other => other,
    };
    core_error(env, &err)
}

/// Maps a JsonLogic evaluation error to a JS `Error` named `JsonLogicError`.
pub(crate) fn jsonlogic_error(env: &Env, err: &sequenza::jsonlogic::JsonLogicError) -> Error {
    js_error(
        env,
        "JsonLogicError",
        &err.to_string(),
        &[
            ("code", Prop::Str(err.code())),
            ("path", Prop::Str(err.path())),
            ("line", Prop::Null),
            ("column", Prop::Null),
            ("expected", Prop::Null),
        ],
    )
    .unwrap_or_else(|e| e)
}

/// A property value set on a thrown error.
enum Prop<'a> {
    Str(&'a str),
    Num(usize),
    /// A count or offset that may pass 2^32 (a JS number holds it exactly up to 2^53).
    Big(u64),
    List(&'a [String]),
    Null,
}

/// Builds a JS `Error` with this `name`, `message` and properties, wrapped so napi throws it as is.
fn js_error(env: &Env, name: &str, message: &str, props: &[(&str, Prop<'_>)]) -> Result<Error> {
    let mut obj: Object<'_> =
        env.create_error(Error::new(Status::GenericFailure, message.to_owned()))?;
    obj.set_named_property("name", name)?;
    for (key, value) in props {
        match value {
            Prop::Str(s) => obj.set_named_property(key, *s)?,
            Prop::Num(n) => obj.set_named_property(key, u32::try_from(*n).unwrap_or(u32::MAX))?,
            Prop::Big(n) => obj.set_named_property(key, *n as f64)?,
            Prop::List(items) => obj.set_named_property(key, items.to_vec())?,
            Prop::Null => obj.set_named_property(key, Null)?,
        }
    }
    Ok(Error::from(obj.to_unknown()))
}
