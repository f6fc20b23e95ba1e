//! Node.js binding of [`sequenza`] (napi-rs): conversion and error mapping only.
//!
//! Every input that is a JS object is turned into JSON text with the engine's own
//! `JSON.stringify` and read by the core's `from_json`, so a JS object and a JSON string take
//! the same code path and the core's error locates the problem (JSON pointer, line, column).
//! An array (contacts, events) is stringified once and each element is read on its own; an
//! element's error path starts with its index. Every output is the core's serde JSON form,
//! handed to the engine's `JSON.parse`, so JS gets plain objects with the same keys, order and
//! `null`s as every other binding. Instants come in as a `Date` or an RFC 3339 string and go
//! out as RFC 3339 strings in UTC.
//!
//! Errors: each core error kind becomes a JS `Error` with its own `name` and the properties
//! `code`, `path`, `line` and `column` (see [`errors`]). A wrong argument type is a `TypeError`
//! with code `ERR_INVALID_ARG_TYPE`, a wrong value of the right type (an instant that is not
//! RFC 3339, an unknown time zone, an unknown option) a `RangeError` with code
//! `ERR_INVALID_ARG_VALUE`. Every export runs under `catch_unwind`, so a panic is a JS error too.

// The exported modules are `pub` so that the exports count as used in every build (napi-derive
// registers them with Node only outside `cfg(test)`).
mod convert;
pub mod errors;
pub mod flow;
pub mod import;
pub mod index;
pub mod jsonlogic;
pub mod list;
pub mod segment;
pub mod time;
