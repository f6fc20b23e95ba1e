//! The [`Store`] trait: everything the flow engine keeps, behind one seam.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::StoreError;
use crate::engine::{Effect, EffectKey, EnrollmentState, FlowStats, HistoryEntry};
use crate::flow::{Flow, FlowStatus};
use crate::list::Audience;
use crate::model::{ContactId, FlowId, NodeId};
use crate::time::SentMessage;

/// The node index of an enrollment that is on no node (before the start, or after the end).
pub const NO_NODE: u32 = u32::MAX;

/// What a waiting enrollment waits for.
///
/// ```
/// use sequenza::store::WaitKind;
/// assert_eq!(serde_json::to_string(&WaitKind::Reply)?, r#""reply""#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum WaitKind {
    /// Nothing: finished or exited.
    #[default]
    None,
    /// A wait node's end (`due`).
    Timer,
    /// A deferred send (`due` is the first allowed instant).
    Send,
    /// An event or a condition of a wait-for node (or its timeout at `due`).
    Event,
    /// A reply to a question or a menu (or its timeout at `due`).
    Reply,
    /// The response to an API call (or its timeout at `due`).
    Response,
    /// A step that was due while the flow was paused: it runs when the flow resumes.
    Paused,
}

/// One contact in one flow, as stored: compact, owned, with the flow version's node index.
///
/// A contact has at most one enrollment per flow; re-entry replaces it (`entry` counts the
/// entries, so the keys of a new entry never repeat those of an old one).
///
/// ```
/// use sequenza::store::{Enrollment, WaitKind};
/// let t = "2026-12-07T09:00:00Z".parse().unwrap();
/// let e = Enrollment::new("welcome".into(), "anna".into(), 1, 1, t);
/// assert_eq!((e.entry, e.wait), (1, WaitKind::None));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enrollment {
    /// The flow.
    pub flow: FlowId,
    /// The contact.
    pub contact: ContactId,
    /// The flow version the contact runs.
    pub version: u32,
    /// How many times the contact entered the flow, this entry included (1 for the first).
    pub entry: u32,
    /// The index of the current node in the version's `nodes` ([`NO_NODE`] for none).
    pub node: u32,
    /// Waiting, finished or exited.
    pub state: EnrollmentState,
    /// What a waiting enrollment waits for.
    pub wait: WaitKind,
    /// Nodes run since the entry (the iteration part of effect keys).
    pub step: u32,
    /// Attempts at the current node (re-asked questions).
    pub attempt: u32,
    /// When the wait ends.
    pub due: Option<DateTime<Utc>>,
    /// When the contact reached the current node.
    pub since: DateTime<Utc>,
    /// When the contact entered.
    pub entered_at: DateTime<Utc>,
    /// The position of the triggering event among the contact's events.
    pub event: Option<u32>,
    /// Why the enrollment finished or exited (or what a wait is for, in words).
    pub reason: Option<String>,
}

impl Enrollment {
    /// A fresh enrollment on no node yet.
    pub fn new(
        flow: FlowId,
        contact: ContactId,
        version: u32,
        entry: u32,
        now: DateTime<Utc>,
    ) -> Self {
        Enrollment {
            flow,
            contact,
            version,
            entry,
            node: NO_NODE,
            state: EnrollmentState::Waiting,
            wait: WaitKind::None,
            step: 0,
            attempt: 0,
            due: None,
            since: now,
            entered_at: now,
            event: None,
            reason: None,
        }
    }

    /// True while the contact is in the flow.
    pub fn is_waiting(&self) -> bool {
        self.state == EnrollmentState::Waiting
    }
}

/// A published flow's latest version and status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowHead {
    /// The flow.
    pub flow: FlowId,
    /// Its latest version.
    pub version: u32,
    /// Its status.
    pub status: FlowStatus,
}

/// Which counter a [`StatDelta`] changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum StatKind {
    /// `entered`.
    Entered,
    /// `waiting` (+1 / −1).
    Waiting,
    /// `completed`.
    Completed,
    /// `exited` (with a reason).
    Exited,
    /// `sent`.
    Sent,
    /// `deferred`.
    Deferred,
    /// `skipped` (with a reason).
    Skipped,
    /// `delivered`.
    Delivered,
    /// `failed`.
    Failed,
    /// `bounced`.
    Bounced,
    /// `opened`.
    Opened,
    /// `clicked`.
    Clicked,
    /// `goals` (with the goal's name).
    Goal,
    /// `refused` (with a reason; flow level only).
    Refused,
}

/// One change of a statistics counter of a flow (and of a node, when named), on a UTC day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatDelta {
    /// The flow.
    pub flow: FlowId,
    /// The node, for per-node counters.
    pub node: Option<NodeId>,
    /// The UTC day.
    pub day: NaiveDate,
    /// The counter.
    pub kind: StatKind,
    /// The reason or goal name, for counters kept by reason.
    pub reason: Option<String>,
    /// How much it changes.
    pub delta: i64,
}

/// Every write of one engine input, applied at once by [`Store::commit`].
///
/// ```
/// use sequenza::store::Batch;
/// assert!(Batch::default().is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Batch {
    /// The instant of the input (the engine's clock only moves forward).
    pub clock: Option<DateTime<Utc>>,
    /// New flow versions (the version number is the flow's `version`).
    pub flows: Vec<Flow>,
    /// Flow status changes.
    pub statuses: Vec<(FlowId, FlowStatus)>,
    /// Enrollments inserted or replaced (with their timer: `due`).
    pub enrollments: Vec<Enrollment>,
    /// Effects added to the outbox, in order.
    pub effects: Vec<Effect>,
    /// Effects acknowledged: out of the outbox, kept as done so engagement can name them.
    pub acknowledged: Vec<EffectKey>,
    /// Messages sent to contacts (for frequency caps).
    pub sent: Vec<(ContactId, SentMessage)>,
    /// Statistics changes.
    pub stats: Vec<StatDelta>,
    /// History entries, in order.
    pub history: Vec<HistoryEntry>,
    /// Trigger cursors: the instant up to which a recurring trigger of a flow was checked.
    pub cursors: Vec<(FlowId, u32, DateTime<Utc>)>,
}

impl Batch {
    /// True when it writes nothing.
    pub fn is_empty(&self) -> bool {
        self.clock.is_none()
            && self.flows.is_empty()
            && self.statuses.is_empty()
            && self.enrollments.is_empty()
            && self.effects.is_empty()
            && self.acknowledged.is_empty()
            && self.sent.is_empty()
            && self.stats.is_empty()
            && self.history.is_empty()
            && self.cursors.is_empty()
    }
}

/// Everything the flow engine keeps: the audience, flows and their versions, enrollments with
/// their timers, the outbox, frequency-cap history, statistics, history and trigger cursors.
///
/// Designed for SQLite and PostgreSQL as well as memory:
/// - reads return owned values and may fail with a [`StoreError`] (`store.*`);
/// - the engine's writes of one input arrive together in one [`Batch`] through
///   [`commit`](Store::commit), between [`begin`](Store::begin) and the commit (a SQL store
///   runs them in one transaction; on an error the engine calls [`rollback`](Store::rollback));
/// - the audience (contacts, events, lists and their sources, segments) is the in-memory
///   [`Audience`] index: a persistent store writes its contacts through and rebuilds the index
///   when it opens. Audience writes of an input happen between `begin` and `commit` too.
///
/// The [`conformance`](super::conformance) suite checks an implementation.
pub trait Store {
    /// The audience: contacts, events, lists, segments.
    fn audience(&self) -> &Audience;
    /// The audience, to change it.
    fn audience_mut(&mut self) -> &mut Audience;

    /// The instant of the last input.
    fn clock(&self) -> Result<Option<DateTime<Utc>>, StoreError>;
    /// A version of a flow.
    fn flow(&self, id: &FlowId, version: u32) -> Result<Option<Flow>, StoreError>;
    /// Every published flow's latest version and status, in id order.
    fn flows(&self) -> Result<Vec<FlowHead>, StoreError>;
    /// A contact's enrollment in a flow (the current or the last one).
    fn enrollment(
        &self,
        flow: &FlowId,
        contact: &ContactId,
    ) -> Result<Option<Enrollment>, StoreError>;
    /// Enrollments, optionally of one flow and / or one contact, in (flow, contact) order.
    fn enrollments(
        &self,
        flow: Option<&FlowId>,
        contact: Option<&ContactId>,
    ) -> Result<Vec<Enrollment>, StoreError>;
    /// About `limit` waiting enrollments due at or before `up_to` and after `after` (in the
    /// order of the tuple), earliest first, ties in (flow, contact) order, as (due, flow,
    /// contact); a group of ties is never split. A paused wait (`WaitKind::Paused`) and an
    /// enrollment not waiting on anything (`WaitKind::None`) have no timer.
    fn due(
        &self,
        after: Option<&(DateTime<Utc>, FlowId, ContactId)>,
        up_to: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<(DateTime<Utc>, FlowId, ContactId)>, StoreError>;
    /// The earliest due time of a waiting enrollment.
    fn next_due(&self) -> Result<Option<DateTime<Utc>>, StoreError>;
    /// The outbox, oldest first.
    fn outbox(&self) -> Result<Vec<Effect>, StoreError>;
    /// An effect still in the outbox, or acknowledged (`true` in the second place).
    fn effect(&self, key: &EffectKey) -> Result<Option<(Effect, bool)>, StoreError>;
    /// The messages sent to a contact (for frequency caps).
    fn sent(&self, contact: &ContactId) -> Result<Vec<SentMessage>, StoreError>;
    /// A flow's statistics.
    fn stats(&self, flow: &FlowId) -> Result<FlowStats, StoreError>;
    /// A contact's history, optionally in one flow, oldest first.
    fn history(
        &self,
        contact: &ContactId,
        flow: Option<&FlowId>,
    ) -> Result<Vec<HistoryEntry>, StoreError>;
    /// The instant up to which trigger `trigger` of a flow was checked.
    fn cursor(&self, flow: &FlowId, trigger: u32) -> Result<Option<DateTime<Utc>>, StoreError>;

    /// Whether the store keeps contacts' history (when not, the engine does not build it).
    fn keeps_history(&self) -> bool {
        true
    }

    /// Starts the atomic unit of one input.
    fn begin(&mut self) -> Result<(), StoreError>;
    /// Applies every write of one input and ends the unit.
    fn commit(&mut self, batch: Batch) -> Result<(), StoreError>;
    /// Ends the unit of an input that failed, writing nothing of its batch.
    fn rollback(&mut self);
}
