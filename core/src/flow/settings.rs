//! Flow settings: re-entry, send policy, entry restriction, goal, webhooks.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::condition::Condition;
use crate::model::ListId;
use crate::time::{Duration, Weekday};

/// Flow-wide settings. Every part is optional in JSON.
///
/// ```
/// use sequenza::flow::{FlowSettings, Reentry};
/// let s: FlowSettings = serde_json::from_str(r#"{"reentry": {"mode": "restart"}}"#).unwrap();
/// assert_eq!(s.reentry, Reentry::Restart {});
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct FlowSettings {
    /// What happens when a contact qualifies again.
    #[serde(default)]
    pub reentry: Reentry,
    /// Quiet hours, allowed days and hours, time zone.
    #[serde(default)]
    pub send_policy: SendPolicy,
    /// Only contacts in these lists and/or matching this condition may enter.
    #[serde(default)]
    pub entry: EntryRestriction,
    /// The flow's goal: contacts meeting it count as converted (and leave, if `exit`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goal: Option<FlowGoal>,
    /// Contacts meeting this condition leave the flow at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exit_condition: Option<Condition>,
    /// Webhooks fired when a contact enters or completes the flow.
    #[serde(default)]
    pub webhooks: Webhooks,
    /// How late a send may go out after the flow was paused: a send that fell due longer ago
    /// than this when the flow resumes is skipped with reason `stale` (no limit when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_lateness: Option<Duration>,
}

crate::tagged::tagged_enum! {
    tag = "mode", repr = ReentryRepr;
/// What happens when a contact qualifies for a flow again. JSON tag: `mode`.
///
/// The source documents' "overwrite if exists" checkbox is `restart` (checked) or `continue`
/// (unchecked).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
    pub enum Reentry {
    /// Start again from the beginning, dropping the current position ("overwrite if exists").
    Restart {},
    /// Stay where the contact is while enrolled; a contact who finished may enter again.
    Continue {},
    /// Never enter a second time.
    Never {},
    /// Enter again only once `cooldown` has passed since the last entry.
    AfterCooldown {
        /// The minimum time between two entries.
        cooldown: Duration,
    },
}
}

/// When sends may go out: quiet hours, allowed weekdays and hours, the time zone used.
///
/// Times are local `HH:MM`; a window may cross midnight (`22:00`–`08:00`).
///
/// ```
/// use sequenza::flow::SendPolicy;
/// let p: SendPolicy = serde_json::from_str(r#"{
///   "quiet_hours": [{"start": "22:00", "end": "08:00"}],
///   "weekdays": ["mon", "tue", "wed", "thu", "fri"],
///   "time_zone": "Europe/Rome"
/// }"#).unwrap();
/// assert_eq!(p.quiet_hours.len(), 1);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SendPolicy {
    /// Do-not-disturb windows.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub quiet_hours: Vec<TimeWindow>,
    /// Allowed weekdays; empty means every day.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub weekdays: Vec<Weekday>,
    /// Allowed hours; empty means all day.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hours: Vec<TimeWindow>,
    /// The zone used when the contact has none (IANA name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    /// The zone used when neither the contact nor `time_zone` gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback_time_zone: Option<String>,
    /// What to do with a send that falls outside the allowed time.
    #[serde(default)]
    pub outside_window: OutsideWindow,
}

impl SendPolicy {
    /// Reads a send policy's JSON form; errors are located by JSON pointer. Its rules (times,
    /// zones) are checked when it is compiled ([`crate::time::Policy`], [`crate::time::ZonedPolicy`]).
    ///
    /// ```
    /// let p = sequenza::flow::SendPolicy::from_json(r#"{"weekdays": ["mon"]}"#)?;
    /// assert_eq!(p.weekdays.len(), 1);
    /// assert_eq!(sequenza::flow::SendPolicy::from_json(r#"{"weekdays": ["funday"]}"#).unwrap_err().path(), Some("/weekdays/0"));
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn from_json(json: &str) -> crate::Result<Self> {
        crate::error::from_json_str(json)
    }
}

/// A local time window, `start` inclusive, `end` exclusive; `end < start` crosses midnight.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct TimeWindow {
    /// Local start, `HH:MM`.
    pub start: String,
    /// Local end, `HH:MM`.
    pub end: String,
}

impl Default for Reentry {
    /// `continue`: stay where the contact is while enrolled.
    fn default() -> Self {
        Reentry::Continue {}
    }
}

/// What happens to a send that falls in a forbidden time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum OutsideWindow {
    /// Wait until the first allowed instant.
    #[default]
    Defer,
    /// Do not send; the contact moves on.
    Skip,
}

/// Who may enter: contacts in any of `lists` (when given) and matching `condition` (when given).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct EntryRestriction {
    /// The contact must be in at least one of these lists.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lists: Vec<ListId>,
    /// The contact must match this condition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<Condition>,
}

/// A flow goal (conversion).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct FlowGoal {
    /// Name shown in statistics.
    pub name: String,
    /// When the goal is met.
    pub condition: Condition,
    /// Whether contacts leave the flow when they meet the goal.
    #[serde(default = "yes")]
    pub exit: bool,
}

fn yes() -> bool {
    true
}

/// Webhooks on enter and on complete.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Webhooks {
    /// Called when a contact enters the flow.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_enter: Option<Webhook>,
    /// Called when a contact completes the flow.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_complete: Option<Webhook>,
}

/// An HTTP callback.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Webhook {
    /// The URL (`https://…`).
    pub url: String,
    /// The HTTP method (POST by default).
    #[serde(default = "post")]
    pub method: HttpMethod,
    /// Extra headers.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
}

fn post() -> HttpMethod {
    HttpMethod::Post
}

/// An HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "UPPERCASE")]
#[non_exhaustive]
pub enum HttpMethod {
    /// GET.
    Get,
    /// POST.
    Post,
    /// PUT.
    Put,
    /// PATCH.
    Patch,
    /// DELETE.
    Delete,
}
