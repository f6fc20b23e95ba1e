//! # sequenza
//!
//! An embeddable marketing-automation engine: contacts with profile fields, tags and consent;
//! flows that start from a trigger and run nodes (send, wait, branch, ask, call an API, update
//! the profile, launch another flow); validation with findings a marketer understands.
//!
//! The core is pure: nothing here reads the clock, the disk or the network. Every type has one
//! JSON form shared by the Rust, Python, Node and browser bindings.
//!
//! ```
//! use sequenza::{validate_flow, Flow, FieldSchema};
//!
//! let fields = FieldSchema::from_json(r#"{"fields": [{"key": "first_name", "type": "text"}]}"#)?;
//! let flow = Flow::from_json(r#"{
//!   "id": "welcome", "name": "Welcome", "status": "active",
//!   "triggers": [{"type": "event", "event": "signup"}],
//!   "start": "hello",
//!   "nodes": [
//!     {"id": "hello", "type": "send", "channel": "email",
//!      "content": {"subject": "Benvenuto", "body": "Ciao {{ frist_name }}"}},
//!     {"id": "end", "type": "exit"}
//!   ],
//!   "edges": [{"from": "hello", "to": "end"}]
//! }"#)?;
//!
//! let findings = validate_flow(&flow, Some(&fields));
//! assert_eq!(findings[0].code, "flow.merge_field.unknown");
//! assert_eq!(findings[0].path, "/nodes/0/content/body");
//! # Ok::<(), sequenza::Error>(())
//! ```

#![deny(missing_docs)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod condition;
pub mod engine;
pub mod error;
pub mod flow;
mod hash;
#[cfg(feature = "import")]
pub mod import;
pub mod jsonlogic;
pub mod list;
pub mod model;
pub mod phone;
pub mod runtime;
pub mod segment;
pub mod store;
mod tagged;
pub mod text;
pub mod time;

pub use engine::Engine;
pub use error::{
    Area, ConditionError, Error, ErrorData, FormatCode, FormatError, ListError, Location,
    ParseError, Result,
};
pub use flow::validate::{validate_flow, validate_flows, Finding, Severity};
pub use flow::Flow;
pub use model::{Contact, Event, FieldSchema};

/// The README's Rust example, run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
