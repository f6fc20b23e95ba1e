//! Engine and storage errors: a stable code (`engine.*`, `store.*`) and where the problem is
//! (flow, node, contact, JSON path).

use std::fmt;

use crate::flow::validate::Finding;
use crate::model::{ContactId, FlowId, NodeId};

/// What kind of engine error an [`EngineError`] is. Each has a stable code.
///
/// ```
/// use sequenza::engine::EngineCode;
/// assert_eq!(EngineCode::ClockBackwards.as_str(), "engine.clock.backwards");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EngineCode {
    /// `now` is earlier than the instant of an input already handled (`engine.clock.backwards`).
    ClockBackwards,
    /// A published flow has error findings (`engine.flow.invalid`); they are in
    /// [`EngineError::findings`].
    FlowInvalid,
    /// No flow with this id was published (`engine.flow.unknown`).
    FlowUnknown,
    /// A status a flow cannot be set to (`engine.flow.status`): only `active`, `paused` and
    /// `archived` can be set, and an archived flow stays archived.
    FlowStatus,
    /// A keyword already belongs to another active flow (`engine.keyword.taken`).
    KeywordTaken,
    /// No contact with this id (`engine.contact.unknown`).
    ContactUnknown,
    /// An inbound message names no contact and its phone matches none
    /// (`engine.message.sender_unknown`).
    SenderUnknown,
    /// An acknowledgement names an effect that is not in the outbox (`engine.effect.unknown`).
    EffectUnknown,
    /// A node kind this engine does not run yet (`engine.node.unsupported`).
    NodeUnsupported,
    /// The engine configuration cannot be used (`engine.config.invalid`): an unknown time zone,
    /// an invalid frequency cap.
    ConfigInvalid,
}

impl EngineCode {
    /// The stable code string.
    pub fn as_str(self) -> &'static str {
        match self {
            EngineCode::ClockBackwards => "engine.clock.backwards",
            EngineCode::FlowInvalid => "engine.flow.invalid",
            EngineCode::FlowUnknown => "engine.flow.unknown",
            EngineCode::FlowStatus => "engine.flow.status",
            EngineCode::KeywordTaken => "engine.keyword.taken",
            EngineCode::ContactUnknown => "engine.contact.unknown",
            EngineCode::SenderUnknown => "engine.message.sender_unknown",
            EngineCode::EffectUnknown => "engine.effect.unknown",
            EngineCode::NodeUnsupported => "engine.node.unsupported",
            EngineCode::ConfigInvalid => "engine.config.invalid",
        }
    }

    /// Every engine code, for registries and documentation.
    pub const ALL: [EngineCode; 10] = [
        EngineCode::ClockBackwards,
        EngineCode::FlowInvalid,
        EngineCode::FlowUnknown,
        EngineCode::FlowStatus,
        EngineCode::KeywordTaken,
        EngineCode::ContactUnknown,
        EngineCode::SenderUnknown,
        EngineCode::EffectUnknown,
        EngineCode::NodeUnsupported,
        EngineCode::ConfigInvalid,
    ];
}

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

/// What kind of storage failure a [`StoreError`] is.
///
/// ```
/// use sequenza::store::StoreCode;
/// assert_eq!(StoreCode::Unavailable.as_str(), "store.unavailable");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StoreCode {
    /// The store cannot be reached or written (`store.unavailable`).
    Unavailable,
    /// A write conflicts with another writer; retry the input (`store.conflict`).
    Conflict,
    /// The stored data is not what the engine wrote (`store.corrupt`).
    Corrupt,
}

impl StoreCode {
    /// The stable code string.
    pub fn as_str(self) -> &'static str {
        match self {
            StoreCode::Unavailable => "store.unavailable",
            StoreCode::Conflict => "store.conflict",
            StoreCode::Corrupt => "store.corrupt",
        }
    }
}

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
