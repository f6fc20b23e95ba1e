//! Node.js binding of [`sequenza`] (napi-rs): conversion and error mapping only.
//!
//! A binding method converts its arguments (documents as JSON text read by the core, instants
//! from a `Date` or RFC 3339 text), calls the core, converts the result (the core's serde form,
//! through napi's serde bridge) and maps the error: a core error becomes an instance of the
//! package's class for its area (`FormatError`, `TimeError` … under `SequenzaError`, defined in
//! `errors.js`) with `code` and its location; a wrong argument type is Node's `TypeError`
//! `ERR_INVALID_ARG_TYPE`, a wrong value of the binding's own arguments a `RangeError`
//! `ERR_INVALID_ARG_VALUE`.

// The exported modules are `pub` so that the exports count as used in every build (napi-derive
// registers them with Node only outside `cfg(test)`).
mod convert;
pub mod errors;
pub mod flow;
pub mod import;
pub mod index;
pub mod list;
pub mod segment;
pub mod time;
