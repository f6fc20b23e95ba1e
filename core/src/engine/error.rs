//! Engine and storage errors: a stable code (`engine.*`, `store.*`) and where the problem is
//! (flow, node, contact, JSON path).

use std::fmt;

use crate::flow::validate::Finding;
use crate::model::{ContactId, FlowId, NodeId};

pub use crate::error::EngineCode;

/// An input the engine refuses, with where the problem is.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use sequenza::engine::{Engine, EngineConfig};
/// let mut eng = Engine::new(EngineConfig::default())?;
/// eng.tick(Utc.with_ymd_and_hms(2026, 12, 7, 9, 0, 0).unwrap())?;
/// let err = eng.tick(Utc.with_ymd_and_hms(2026, 12, 7, 8, 0, 0).unwrap()).unwrap_err();
/// assert_eq!(err.code(), "engine.clock.backwards");
/// # Ok::<(), sequenza::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineError {
    /// The kind of problem.
    pub code: EngineCode,
    /// The flow concerned.
    pub flow: Option<FlowId>,
    /// The node concerned.
    pub node: Option<NodeId>,
    /// The contact concerned.
    pub contact: Option<ContactId>,
    /// JSON pointer into the input (`""` for the input as a whole).
    pub path: String,
    /// What is wrong.
    pub message: String,
    /// The error-severity validation findings of a refused flow (`engine.flow.invalid`).
    pub findings: Vec<Finding>,
}

impl EngineError {
    /// An error with a code and a message, no location yet.
    pub fn new(code: EngineCode, message: impl Into<String>) -> Self {
        EngineError {
            code,
            flow: None,
            node: None,
            contact: None,
            path: String::new(),
            message: message.into(),
            findings: Vec::new(),
        }
    }

    /// The same error about a flow.
    pub fn flow(mut self, flow: &FlowId) -> Self {
        self.flow = Some(flow.clone());
        self
    }

    /// The same error about a node.
    pub fn node(mut self, node: &NodeId) -> Self {
        self.node = Some(node.clone());
        self
    }

    /// The same error about a contact.
    pub fn contact(mut self, contact: &ContactId) -> Self {
        self.contact = Some(contact.clone());
        self
    }

    /// The same error at a JSON pointer of the input.
    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.path = path.into();
        self
    }

    /// As a crate [`Error`](crate::Error).
    pub fn into_error(self) -> crate::Error {
        crate::Error::Engine(Box::new(self))
    }
}

impl fmt::Display for EngineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(flow) = &self.flow {
            write!(f, " (flow `{flow}`")?;
            if let Some(node) = &self.node {
                write!(f, ", node `{node}`")?;
            }
            f.write_str(")")?;
        }
        if let Some(c) = &self.contact {
            write!(f, " (contact `{c}`)")?;
        }
        if !self.path.is_empty() {
            write!(f, " at {}", self.path)?;
        }
        Ok(())
    }
}

impl std::error::Error for EngineError {}

pub use crate::error::StoreCode;

/// A storage failure. The input that met it changed nothing (its writes are one atomic unit).
///
/// ```
/// use sequenza::store::{StoreCode, StoreError};
/// let e = StoreError::new(StoreCode::Conflict, "another engine wrote this enrollment");
/// assert_eq!(e.into_error().code(), "store.conflict");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError {
    /// The kind of failure.
    pub code: StoreCode,
    /// What went wrong.
    pub message: String,
}

impl StoreError {
    /// A storage error.
    pub fn new(code: StoreCode, message: impl Into<String>) -> Self {
        StoreError {
            code,
            message: message.into(),
        }
    }

    /// As a crate [`Error`](crate::Error).
    pub fn into_error(self) -> crate::Error {
        crate::Error::Store(Box::new(self))
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for StoreError {}

impl From<StoreError> for crate::Error {
    fn from(e: StoreError) -> Self {
        e.into_error()
    }
}

impl From<EngineError> for crate::Error {
    fn from(e: EngineError) -> Self {
        e.into_error()
    }
}
