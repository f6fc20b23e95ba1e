//! The data model: contacts, profile fields, events, channels and ids.
//!
//! Every type here has one JSON form (serde), shared by Rust, Python, Node and the browser.

mod channel;
mod contact;
mod event;
mod field;
mod ids;
mod value;

pub use channel::Channel;
pub use contact::{Consent, ConsentStatus, Contact};
pub use event::Event;
pub use field::{FieldDef, FieldProblem, FieldSchema, FieldType, BUILTIN_FIELDS};
pub use ids::{ContactId, FlowId, ListId, NodeId, SegmentId, TeamId, TemplateId};
pub use value::Value;
