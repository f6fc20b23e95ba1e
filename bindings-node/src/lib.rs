//! Node.js binding of [`sequenza`] (napi-rs). A method converts its arguments (`convert`), calls
//! the core, converts the result (napi's serde bridge) and maps the error (`errors`).

// The exported modules are `pub` so that the exports count as used in every build (napi-derive
// registers them with Node only outside `cfg(test)`).
mod arg;
mod convert;
pub mod engine;
pub mod errors;
pub mod flow;
pub mod import;
pub mod index;
pub mod list;
pub mod segment;
pub mod time;
